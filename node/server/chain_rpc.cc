#include "node/server/chain_rpc.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "engine/base/hex.h"
#include "engine/chain/dev_metadata.h"
#include "engine/chain/scale.h"
#include "engine/chain/substrate.h"
#include "node/server/rpc_json.h"

namespace ddc::node {
namespace {

using Json = nlohmann::json;

// A method's failure: a JSON-RPC error code and message.
struct RpcError {
  int code;
  std::string message;
};

using Outcome = std::pair<Json, std::optional<RpcError>>;

Outcome Ok(Json value) { return {std::move(value), std::nullopt}; }
Outcome Err(int code, std::string message) { return {nullptr, RpcError{code, std::move(message)}}; }

Outcome FromStatus(const Status& s) {
  if (s.IsNotFound()) return Err(kRpcNotFound, s.message());
  if (s.IsInvalidArgument()) return Err(kRpcInvalidParams, s.message());
  return Err(kRpcInternalError, s.message());
}

using rpc::Hex0x;
using rpc::HexNumber;
using rpc::ParseHash;
using rpc::ParseHexString;
using rpc::ParseNumber;

Json BlockRefJson(const chain::BlockRef& b) {
  return {{"number", b.number}, {"hash", Hex0x(b.hash)}, {"time_ms", b.time_ms}};
}

Json ReceiptJson(const chain::Receipt& r) {
  return {{"block_number", r.block.number},
          {"block_hash", Hex0x(r.block.hash)},
          {"block_time_ms", r.block.time_ms},
          {"index", r.index},
          {"hash", Hex0x(r.hash)}};
}

Json AnchorJson(const chain::AnchorInfo& a) {
  Json j = ReceiptJson(a.receipt);
  j["submitter"] = Hex0x(a.submitter);
  j["remark_hash"] = Hex0x(a.remark_hash);
  return j;
}

Json ClusterJson(const chain::ClusterInfo& c) {
  Json nodes = Json::array();
  for (const auto& n : c.nodes) {
    nodes.push_back(
        {{"key", Hex0x(n.key)}, {"address", n.address}, {"mode", static_cast<int>(n.mode)}});
  }
  return {{"id", c.id},
          {"manager", Hex0x(c.manager)},
          {"replication_factor", c.params.replication_factor},
          {"price_per_gb_stored", c.params.price_per_gb_stored},
          {"price_per_gb_delivered", c.params.price_per_gb_delivered},
          {"price_per_put", c.params.price_per_put},
          {"price_per_get", c.params.price_per_get},
          {"nodes", std::move(nodes)}};
}

Json BucketJson(const chain::BucketInfo& b) {
  return {{"id", b.id}, {"owner", Hex0x(b.owner)}, {"cluster", b.cluster}, {"public", b.is_public}};
}

// Substrate's header JSON: numbers as hex strings, digest logs as SCALE hex.
Outcome HeaderJson(chain::Chain* chain, const chain::BlockRef& ref) {
  Result<chain::RawBlock> raw = chain->ReadBlock(ref.number);
  if (!raw.ok()) return FromStatus(raw.status());
  const std::string& h = raw->header;
  // parent[32] || Compact number || state_root[32] || extrinsics_root[32] || digest.
  const size_t compact_len = (static_cast<uint8_t>(h[32]) & 3) == 0   ? 1
                             : (static_cast<uint8_t>(h[32]) & 3) == 1 ? 2
                             : (static_cast<uint8_t>(h[32]) & 3) == 2
                                 ? 4
                                 : (static_cast<uint8_t>(h[32]) >> 2) + 5;
  const size_t state_at = 32 + compact_len;
  const std::string digest_vec = h.substr(state_at + 64);
  // The digest is Vec<DigestItem> with one item: drop the count byte (compact 1 = 0x04).
  Json header = {
      {"parentHash", Hex0x(std::string_view(h).substr(0, 32))},
      {"number", HexNumber(ref.number)},
      {"stateRoot", Hex0x(std::string_view(h).substr(state_at, 32))},
      {"extrinsicsRoot", Hex0x(std::string_view(h).substr(state_at + 32, 32))},
      {"digest", {{"logs", Json::array({Hex0x(std::string_view(digest_vec).substr(1))})}}}};
  Json extrinsics = Json::array();
  for (const auto& e : raw->extrinsics) extrinsics.push_back(Hex0x(e));
  return Ok({{"header", std::move(header)}, {"extrinsics", std::move(extrinsics)}});
}

// The block a (possibly absent) hash parameter names: the best block when absent or null.
Result<chain::BlockRef> BlockOf(chain::Chain* chain, const Json& params, size_t index) {
  if (!params.is_array() || params.size() <= index || params[index].is_null()) {
    Result<chain::ChainInfo> info = chain->Info();
    if (!info.ok()) return info.status();
    return info->best;
  }
  const std::optional<Hash32> hash = ParseHash(params[index]);
  if (!hash) return Status::InvalidArgument("block hash is not 32 bytes of hex");
  return chain->BlockByHash(*hash);
}

// 32 bytes of hex, or an SS58 address (what Substrate clients send) of any prefix.
std::optional<PublicKey> ParseAccount(const Json& v) {
  if (const std::optional<Hash32> h = ParseHash(v)) return *h;
  if (!v.is_string()) return std::nullopt;
  Result<PublicKey> id = chain::Ss58Decode(v.get_ref<const std::string&>());
  if (!id.ok()) return std::nullopt;
  return *id;
}

const Json& Param(const Json& params, size_t i) {
  static const Json kNull = nullptr;
  return params.is_array() && params.size() > i ? params[i] : kNull;
}

// state_getStorage of the two values Substrate clients read from a dev chain: System.Account
// (an AccountInfo, null for an account never used) and Timestamp.Now (at any block).
Outcome StorageValue(chain::Chain* c, const Json& params) {
  const std::optional<std::string> key = ParseHexString(Param(params, 0));
  if (!key) return Err(kRpcInvalidParams, "storage key is not hex");
  Result<chain::BlockRef> at = BlockOf(c, params, 1);
  if (!at.ok()) return at.status().IsNotFound() ? Ok(nullptr) : FromStatus(at.status());
  if (*key == chain::StorageKey("Timestamp", "Now")) {
    chain::ScaleWriter w;
    w.U64(at->time_ms);
    return Ok(Hex0x(w.data()));
  }
  const std::string account_prefix = chain::StorageKey("System", "Account");
  if (key->size() == account_prefix.size() + 16 + 32 && key->starts_with(account_prefix)) {
    PublicKey id{};
    std::copy(key->end() - 32, key->end(), id.begin());
    if (*key != chain::SystemAccountKey(id))
      return Err(kRpcInvalidParams, "bad System.Account key");
    Result<chain::ChainInfo> info = c->Info();
    if (!info.ok()) return FromStatus(info.status());
    if (info->best.hash != at->hash) {
      return Err(kRpcInvalidParams, "the dev chain keeps System.Account of its best block only");
    }
    Result<chain::AccountInfo> account = c->Account(id);
    if (!account.ok()) return FromStatus(account.status());
    if (*account == chain::AccountInfo{}) return Ok(nullptr);
    return Ok(Hex0x(chain::EncodeAccountStorage(*account)));
  }
  return Err(kRpcInvalidParams,
             "state_getStorage: the dev chain serves System.Account and Timestamp.Now only");
}

using Method = std::function<Outcome(chain::Chain*, const Json& params)>;

const std::map<std::string, Method, std::less<>>& Methods() {
  static const auto* methods = new std::map<std::string, Method, std::less<>>{
      {"system_chain",
       [](chain::Chain* c, const Json&) -> Outcome {
         Result<chain::ChainInfo> info = c->Info();
         return info.ok() ? Ok(info->name) : FromStatus(info.status());
       }},
      {"system_name", [](chain::Chain*, const Json&) { return Ok("ddc-node"); }},
      {"system_version", [](chain::Chain*, const Json&) { return Ok("0.1.0"); }},
      {"system_health",
       [](chain::Chain*, const Json&) {
         return Ok({{"peers", 0}, {"isSyncing", false}, {"shouldHavePeers", false}});
       }},
      {"state_getRuntimeVersion",
       [](chain::Chain* c, const Json&) -> Outcome {
         Result<chain::ChainInfo> info = c->Info();
         if (!info.ok()) return FromStatus(info.status());
         return Ok({{"specName", info->name},
                    {"implName", "ddc-node"},
                    {"authoringVersion", 1},
                    {"specVersion", info->spec_version},
                    {"implVersion", 1},
                    {"transactionVersion", info->transaction_version},
                    {"stateVersion", 1},
                    {"apis", Json::array()}});
       }},
      {"state_getMetadata",
       [](chain::Chain*, const Json&) { return Ok(Hex0x(chain::DevRuntimeMetadata())); }},
      {"state_getStorage", StorageValue},
      {"chain_getBlockHash",
       [](chain::Chain* c, const Json& params) -> Outcome {
         const Json& p = Param(params, 0);
         if (p.is_null()) {
           Result<chain::ChainInfo> info = c->Info();
           return info.ok() ? Ok(Hex0x(info->best.hash)) : FromStatus(info.status());
         }
         const std::optional<uint64_t> n = ParseNumber(p);
         if (!n) return Err(kRpcInvalidParams, "block number is not a non-negative integer");
         Result<chain::BlockRef> b = c->Block(*n);
         if (!b.ok()) return b.status().IsNotFound() ? Ok(nullptr) : FromStatus(b.status());
         return Ok(Hex0x(b->hash));
       }},
      {"chain_getFinalizedHead",
       [](chain::Chain* c, const Json&) -> Outcome {
         Result<chain::ChainInfo> info = c->Info();  // Dev-chain blocks are final at once.
         return info.ok() ? Ok(Hex0x(info->best.hash)) : FromStatus(info.status());
       }},
      {"chain_getHeader",
       [](chain::Chain* c, const Json& params) -> Outcome {
         Result<chain::BlockRef> b = BlockOf(c, params, 0);
         if (!b.ok()) return b.status().IsNotFound() ? Ok(nullptr) : FromStatus(b.status());
         Outcome block = HeaderJson(c, *b);
         if (block.second) return block;
         return Ok(block.first["header"]);
       }},
      {"chain_getBlock",
       [](chain::Chain* c, const Json& params) -> Outcome {
         Result<chain::BlockRef> b = BlockOf(c, params, 0);
         if (!b.ok()) return b.status().IsNotFound() ? Ok(nullptr) : FromStatus(b.status());
         Outcome block = HeaderJson(c, *b);
         if (block.second) return block;
         return Ok({{"block", block.first}, {"justifications", nullptr}});
       }},
      {"system_accountNextIndex",
       [](chain::Chain* c, const Json& params) -> Outcome {
         const std::optional<PublicKey> a = ParseAccount(Param(params, 0));
         if (!a) return Err(kRpcInvalidParams, "account is not 32 bytes of hex");
         Result<uint32_t> n = c->NextNonce(*a);
         return n.ok() ? Ok(*n) : FromStatus(n.status());
       }},
      {"author_submitExtrinsic",
       [](chain::Chain* c, const Json& params) -> Outcome {
         const std::optional<std::string> bytes = ParseHexString(Param(params, 0));
         if (!bytes) return Err(kRpcInvalidParams, "extrinsic is not hex");
         Result<chain::Receipt> r = c->SubmitExtrinsic(*bytes);
         if (!r.ok())
           return Err(kRpcInvalidTransaction, "Invalid Transaction: " + r.status().message());
         return Ok(Hex0x(r->hash));
       }},
      {"ddc_info",
       [](chain::Chain* c, const Json&) -> Outcome {
         Result<chain::ChainInfo> info = c->Info();
         if (!info.ok()) return FromStatus(info.status());
         return Ok({{"name", info->name},
                    {"genesis_hash", Hex0x(info->genesis_hash)},
                    {"best", BlockRefJson(info->best)},
                    {"spec_version", info->spec_version},
                    {"transaction_version", info->transaction_version},
                    {"authority", Hex0x(info->authority)},
                    {"anchors", info->anchors}});
       }},
      {"ddc_block",
       [](chain::Chain* c, const Json& params) -> Outcome {
         const Json& p = Param(params, 0);
         Result<chain::BlockRef> b = Status::InvalidArgument("want a block number or hash");
         if (const std::optional<uint64_t> n = ParseNumber(p); n && !p.is_string()) {
           b = c->Block(*n);
         } else if (const std::optional<Hash32> h = ParseHash(p)) {
           b = c->BlockByHash(*h);
         }
         if (!b.ok()) return b.status().IsNotFound() ? Ok(nullptr) : FromStatus(b.status());
         return Ok(BlockRefJson(*b));
       }},
      {"ddc_rawBlock",
       [](chain::Chain* c, const Json& params) -> Outcome {
         const std::optional<uint64_t> n = ParseNumber(Param(params, 0));
         if (!n) return Err(kRpcInvalidParams, "block number is not a non-negative integer");
         Result<chain::RawBlock> raw = c->ReadBlock(*n);
         if (!raw.ok()) return raw.status().IsNotFound() ? Ok(nullptr) : FromStatus(raw.status());
         Json extrinsics = Json::array();
         for (const auto& e : raw->extrinsics) extrinsics.push_back(Hex0x(e));
         return Ok({{"block", BlockRefJson(raw->ref)},
                    {"header", Hex0x(raw->header)},
                    {"extrinsics", std::move(extrinsics)}});
       }},
      {"ddc_produceBlock",
       [](chain::Chain* c, const Json&) -> Outcome {
         Result<chain::BlockRef> b = c->ProduceBlock();
         return b.ok() ? Ok(BlockRefJson(*b)) : FromStatus(b.status());
       }},
      {"ddc_authority",
       [](chain::Chain* c, const Json&) -> Outcome {
         Result<chain::ChainInfo> info = c->Info();
         return info.ok() ? Ok(Hex0x(info->authority)) : FromStatus(info.status());
       }},
      {"ddc_receipt",
       [](chain::Chain* c, const Json& params) -> Outcome {
         const std::optional<Hash32> h = ParseHash(Param(params, 0));
         if (!h) return Err(kRpcInvalidParams, "extrinsic hash is not 32 bytes of hex");
         Result<chain::Receipt> r = c->FindExtrinsic(*h);
         if (!r.ok()) return r.status().IsNotFound() ? Ok(nullptr) : FromStatus(r.status());
         return Ok(ReceiptJson(*r));
       }},
      {"ddc_account",
       [](chain::Chain* c, const Json& params) -> Outcome {
         const std::optional<PublicKey> a = ParseAccount(Param(params, 0));
         if (!a) return Err(kRpcInvalidParams, "account is not 32 bytes of hex");
         Result<chain::AccountInfo> info = c->Account(*a);
         if (!info.ok()) return FromStatus(info.status());
         return Ok({{"free", info->free}, {"deposit", info->deposit}, {"nonce", info->nonce}});
       }},
      {"ddc_bucket",
       [](chain::Chain* c, const Json& params) -> Outcome {
         const std::optional<uint64_t> id = ParseNumber(Param(params, 0));
         if (!id) return Err(kRpcInvalidParams, "bucket id is not a non-negative integer");
         Result<chain::BucketInfo> b = c->Bucket(*id);
         if (!b.ok()) return b.status().IsNotFound() ? Ok(nullptr) : FromStatus(b.status());
         return Ok(BucketJson(*b));
       }},
      {"ddc_buckets",
       [](chain::Chain* c, const Json&) -> Outcome {
         Result<std::vector<chain::BucketInfo>> all = c->Buckets();
         if (!all.ok()) return FromStatus(all.status());
         Json list = Json::array();
         for (const auto& b : *all) list.push_back(BucketJson(b));
         return Ok(std::move(list));
       }},
      {"ddc_cluster",
       [](chain::Chain* c, const Json& params) -> Outcome {
         const std::optional<uint64_t> id = ParseNumber(Param(params, 0));
         if (!id) return Err(kRpcInvalidParams, "cluster id is not a non-negative integer");
         Result<chain::ClusterInfo> cl = c->Cluster(*id);
         if (!cl.ok()) return cl.status().IsNotFound() ? Ok(nullptr) : FromStatus(cl.status());
         return Ok(ClusterJson(*cl));
       }},
      {"ddc_clusters",
       [](chain::Chain* c, const Json&) -> Outcome {
         Result<std::vector<chain::ClusterInfo>> all = c->Clusters();
         if (!all.ok()) return FromStatus(all.status());
         Json list = Json::array();
         for (const auto& cl : *all) list.push_back(ClusterJson(cl));
         return Ok(std::move(list));
       }},
      {"ddc_usageReport",
       [](chain::Chain* c, const Json& params) -> Outcome {
         const std::optional<PublicKey> node = ParseAccount(Param(params, 0));
         const std::optional<uint64_t> era = ParseNumber(Param(params, 1));
         if (!node || !era || *era > UINT32_MAX) {
           return Err(kRpcInvalidParams, "want [node hex, era]");
         }
         Result<chain::UsageReport> r = c->GetUsageReport(*node, static_cast<uint32_t>(*era));
         if (!r.ok()) return r.status().IsNotFound() ? Ok(nullptr) : FromStatus(r.status());
         Json aggregates = Json::array();
         for (const auto& a : r->aggregates) {
           aggregates.push_back({{"bucket", a.bucket},
                                 {"stored_bytes", a.stored_bytes},
                                 {"delivered_bytes", a.delivered_bytes},
                                 {"puts", a.puts},
                                 {"gets", a.gets}});
         }
         return Ok({{"node", Hex0x(r->node)},
                    {"era", r->era},
                    {"cluster", r->cluster},
                    {"root", Hex0x(r->root)},
                    {"charged", r->charged},
                    {"unpaid", r->unpaid},
                    {"paid_out", r->paid_out},
                    {"receipt", ReceiptJson(r->receipt)},
                    {"aggregates", std::move(aggregates)}});
       }},
      {"ddc_findAnchor",
       [](chain::Chain* c, const Json& params) -> Outcome {
         const std::optional<std::string> bytes = ParseHexString(Param(params, 0));
         if (!bytes) return Err(kRpcInvalidParams, "checkpoint is not hex");
         Result<chain::AnchorInfo> a = c->FindAnchor(*bytes);
         if (!a.ok()) return a.status().IsNotFound() ? Ok(nullptr) : FromStatus(a.status());
         return Ok(AnchorJson(*a));
       }},
      {"ddc_anchors",
       [](chain::Chain* c, const Json& params) -> Outcome {
         const std::optional<uint64_t> from =
             Param(params, 0).is_null() ? 0 : ParseNumber(Param(params, 0));
         const std::optional<uint64_t> limit =
             Param(params, 1).is_null() ? 100 : ParseNumber(Param(params, 1));
         if (!from || !limit || *limit > 1000) {
           return Err(kRpcInvalidParams, "want [from, limit] with limit 0..1000");
         }
         Result<std::vector<chain::AnchorInfo>> all = c->Anchors(*from, *limit);
         if (!all.ok()) return FromStatus(all.status());
         Json list = Json::array();
         for (const auto& a : *all) list.push_back(AnchorJson(a));
         return Ok(std::move(list));
       }},
  };
  return *methods;
}

Json ErrorReply(const Json& id, int code, const std::string& message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

// One request object; nullopt for a notification.
std::optional<Json> HandleOne(chain::Chain* chain, const Json& request) {
  if (!request.is_object() || request.value("jsonrpc", "") != "2.0" ||
      !request.contains("method") || !request["method"].is_string()) {
    return ErrorReply(request.is_object() && request.contains("id") ? request["id"] : Json(nullptr),
                      kRpcInvalidRequest, "not a JSON-RPC 2.0 request");
  }
  const bool notification = !request.contains("id");
  const Json id = notification ? Json(nullptr) : request["id"];
  if (!id.is_null() && !id.is_string() && !id.is_number_integer()) {
    return ErrorReply(nullptr, kRpcInvalidRequest, "id must be a string, an integer or null");
  }
  const Json params = request.value("params", Json::array());
  if (!params.is_array() && !params.is_object()) {
    return ErrorReply(id, kRpcInvalidParams, "params must be an array");
  }
  const std::string& name = request["method"].get_ref<const std::string&>();
  const auto& methods = Methods();
  auto it = methods.find(name);
  Outcome out = it == methods.end() ? Err(kRpcMethodNotFound, "Method not found: " + name)
                                    : it->second(chain, params);
  if (notification) return std::nullopt;
  if (out.second) return ErrorReply(id, out.second->code, out.second->message);
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(out.first)}};
}

}  // namespace

std::string HandleChainRpc(chain::Chain* chain, std::string_view body) {
  const Json request = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) {
    return ErrorReply(nullptr, kRpcParseError, "Parse error").dump();
  }
  try {
    if (!request.is_array()) {
      std::optional<Json> reply = HandleOne(chain, request);
      return reply ? reply->dump(-1, ' ', false, Json::error_handler_t::replace) : "";
    }
    if (request.empty() || request.size() > kMaxRpcBatch) {
      return ErrorReply(nullptr, kRpcInvalidRequest,
                        "a batch holds 1.." + std::to_string(kMaxRpcBatch) + " requests")
          .dump();
    }
    Json replies = Json::array();
    for (const Json& r : request) {
      if (std::optional<Json> reply = HandleOne(chain, r)) replies.push_back(std::move(*reply));
    }
    return replies.empty() ? "" : replies.dump(-1, ' ', false, Json::error_handler_t::replace);
  } catch (const std::exception& e) {  // A nlohmann type error on a malformed parameter.
    return ErrorReply(nullptr, kRpcInternalError, e.what()).dump();
  }
}

}  // namespace ddc::node
