#include "node/server/remote_chain.h"

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "engine/base/hash.h"
#include "engine/base/hex.h"
#include "engine/base/macros.h"
#include "engine/chain/block.h"
#include "engine/chain/call_chain.h"
#include "engine/chain/calls.h"
#include "engine/chain/extrinsic.h"
#include "engine/chain/scale.h"
#include "node/cli/http_client.h"
#include "node/server/chain_rpc.h"
#include "node/server/rpc_json.h"

namespace ddc::node {
namespace {

using Json = nlohmann::json;
using chain::AsByteSpan;

using rpc::Hex0x;

Result<std::string> BytesOf(const Json& v, std::string_view what) {
  std::optional<std::string> bytes = rpc::ParseHexString(v);
  if (!bytes) return Status::Corruption("chain rpc: " + std::string(what) + " is not hex");
  return std::move(*bytes);
}

Result<Hash32> HashOf(const Json& v, std::string_view what) {
  DDC_ASSIGN_OR_RETURN(const std::string bytes, BytesOf(v, what));
  if (bytes.size() != 32)
    return Status::Corruption("chain rpc: " + std::string(what) + " is not 32 bytes");
  Hash32 h{};
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

uint64_t U64(const Json& v, const char* key) {
  return v.contains(key) && v[key].is_number_unsigned() ? v[key].get<uint64_t>() : 0;
}

Result<chain::BlockRef> BlockRefOf(const Json& v) {
  if (!v.is_object()) return Status::Corruption("chain rpc: not a block");
  chain::BlockRef b;
  b.number = U64(v, "number");
  b.time_ms = U64(v, "time_ms");
  DDC_ASSIGN_OR_RETURN(b.hash, HashOf(rpc::Member(v, "hash"), "block hash"));
  return b;
}

Result<chain::Receipt> ReceiptOf(const Json& v) {
  if (!v.is_object()) return Status::Corruption("chain rpc: not a receipt");
  chain::Receipt r;
  r.block.number = U64(v, "block_number");
  r.block.time_ms = U64(v, "block_time_ms");
  DDC_ASSIGN_OR_RETURN(r.block.hash, HashOf(rpc::Member(v, "block_hash"), "block hash"));
  r.index = static_cast<uint32_t>(U64(v, "index"));
  DDC_ASSIGN_OR_RETURN(r.hash, HashOf(rpc::Member(v, "hash"), "extrinsic hash"));
  return r;
}

Result<chain::AnchorInfo> AnchorOf(const Json& v) {
  chain::AnchorInfo a;
  DDC_ASSIGN_OR_RETURN(a.receipt, ReceiptOf(v));
  DDC_ASSIGN_OR_RETURN(a.submitter, HashOf(rpc::Member(v, "submitter"), "submitter"));
  DDC_ASSIGN_OR_RETURN(a.remark_hash, HashOf(rpc::Member(v, "remark_hash"), "remark hash"));
  return a;
}

Result<chain::BucketInfo> BucketOf(const Json& v) {
  if (!v.is_object()) return Status::Corruption("chain rpc: not a bucket");
  chain::BucketInfo b;
  b.id = U64(v, "id");
  b.cluster = U64(v, "cluster");
  b.is_public = rpc::BoolMember(v, "public", true);
  DDC_ASSIGN_OR_RETURN(b.owner, HashOf(rpc::Member(v, "owner"), "owner"));
  return b;
}

Result<chain::ClusterInfo> ClusterOf(const Json& v) {
  if (!v.is_object()) return Status::Corruption("chain rpc: not a cluster");
  chain::ClusterInfo c;
  c.id = U64(v, "id");
  DDC_ASSIGN_OR_RETURN(c.manager, HashOf(rpc::Member(v, "manager"), "manager"));
  c.params.replication_factor = static_cast<uint8_t>(U64(v, "replication_factor"));
  c.params.price_per_gb_stored = U64(v, "price_per_gb_stored");
  c.params.price_per_gb_delivered = U64(v, "price_per_gb_delivered");
  c.params.price_per_put = U64(v, "price_per_put");
  c.params.price_per_get = U64(v, "price_per_get");
  for (const Json& n : rpc::Member(v, "nodes")) {
    chain::ClusterNode node;
    DDC_ASSIGN_OR_RETURN(node.key, HashOf(rpc::Member(n, "key"), "node key"));
    node.address = rpc::StringMember(n, "address");
    node.mode = static_cast<chain::NodeMode>(U64(n, "mode"));
    c.nodes.push_back(std::move(node));
  }
  return c;
}

class RemoteChain final : public chain::CallChain {
 public:
  explicit RemoteChain(cli::HttpUrl url) : client_(std::move(url), cli::HttpClientOptions{}) {}

  // The RPC method's result; NotFound for a null result, the node's error otherwise.
  Result<Json> Rpc(const std::string& method, Json params = Json::array()) {
    std::lock_guard lock(mu_);
    cli::HttpRequest request;
    request.method = "POST";
    request.target = "/rpc";
    request.headers.emplace_back("Content-Type", "application/json");
    request.body =
        Json{{"jsonrpc", "2.0"}, {"id", ++next_id_}, {"method", method}, {"params", params}}.dump();
    DDC_ASSIGN_OR_RETURN(const cli::HttpResponse response, client_.Send(std::move(request)));
    const std::string where = "chain at " + client_.url().text + ": " + method;
    if (response.status == 501) {
      return Status::NotSupported(where + ": that node runs without a chain");
    }
    const Json reply = Json::parse(response.body, nullptr, false);
    if (response.status != 200 || !reply.is_object()) {
      return Status::IOError(where + ": HTTP " + std::to_string(response.status));
    }
    if (reply.contains("error")) {
      const Json& e = reply["error"];
      const auto code = static_cast<int>(rpc::IntMember(e, "code", 0));
      const std::string message = where + ": " + rpc::StringMember(e, "message", "error");
      if (code == kRpcInvalidTransaction) return Status::Failed(message);
      if (code == kRpcInvalidParams) return Status::InvalidArgument(message);
      if (code == kRpcNotFound) return Status::NotFound(message);
      return Status::IOError(message);
    }
    const Json& result = rpc::Member(reply, "result");
    if (result.is_null()) return Status::NotFound(where + ": not found");
    return result;
  }

  Status Connect() {
    DDC_ASSIGN_OR_RETURN(const chain::ChainInfo info, Info());
    std::lock_guard lock(mu_);
    signing_ = chain::SigningContext{info.genesis_hash, info.genesis_hash, info.spec_version,
                                     info.transaction_version};
    return Status::OK();
  }

  Result<chain::ChainInfo> Info() override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_info"));
    chain::ChainInfo info;
    info.name = rpc::StringMember(j, "name");
    DDC_ASSIGN_OR_RETURN(info.genesis_hash, HashOf(rpc::Member(j, "genesis_hash"), "genesis"));
    DDC_ASSIGN_OR_RETURN(info.best, BlockRefOf(rpc::Member(j, "best")));
    info.spec_version = static_cast<uint32_t>(U64(j, "spec_version"));
    info.transaction_version = static_cast<uint32_t>(U64(j, "transaction_version"));
    DDC_ASSIGN_OR_RETURN(info.authority, HashOf(rpc::Member(j, "authority"), "authority"));
    info.anchors = U64(j, "anchors");
    return info;
  }

  Result<chain::BlockRef> Block(uint64_t number) override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_block", Json::array({number})));
    return BlockRefOf(j);
  }
  Result<chain::BlockRef> BlockByHash(const Hash32& hash) override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_block", Json::array({Hex0x(hash)})));
    return BlockRefOf(j);
  }
  Result<chain::RawBlock> ReadBlock(uint64_t number) override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_rawBlock", Json::array({number})));
    chain::RawBlock raw;
    DDC_ASSIGN_OR_RETURN(raw.ref, BlockRefOf(rpc::Member(j, "block")));
    DDC_ASSIGN_OR_RETURN(raw.header, BytesOf(rpc::Member(j, "header"), "header"));
    for (const Json& e : rpc::Member(j, "extrinsics")) {
      DDC_ASSIGN_OR_RETURN(std::string bytes, BytesOf(e, "extrinsic"));
      raw.extrinsics.push_back(std::move(bytes));
    }
    return raw;
  }

  Result<chain::AccountInfo> Account(const chain::AccountId& account) override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_account", Json::array({Hex0x(account)})));
    return chain::AccountInfo{U64(j, "free"), U64(j, "deposit"),
                              static_cast<uint32_t>(U64(j, "nonce"))};
  }
  Result<chain::BucketInfo> Bucket(uint64_t id) override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_bucket", Json::array({id})));
    return BucketOf(j);
  }
  Result<std::vector<chain::BucketInfo>> Buckets() override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_buckets"));
    std::vector<chain::BucketInfo> out;
    for (const Json& b : j) {
      DDC_ASSIGN_OR_RETURN(chain::BucketInfo info, BucketOf(b));
      out.push_back(info);
    }
    return out;
  }
  Result<chain::ClusterInfo> Cluster(uint64_t id) override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_cluster", Json::array({id})));
    return ClusterOf(j);
  }
  Result<std::vector<chain::ClusterInfo>> Clusters() override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_clusters"));
    std::vector<chain::ClusterInfo> out;
    for (const Json& c : j) {
      DDC_ASSIGN_OR_RETURN(chain::ClusterInfo info, ClusterOf(c));
      out.push_back(std::move(info));
    }
    return out;
  }

  Result<uint32_t> NextNonce(const chain::AccountId& account) override {
    DDC_ASSIGN_OR_RETURN(const Json j,
                         Rpc("system_accountNextIndex", Json::array({Hex0x(account)})));
    if (!j.is_number_unsigned()) return Status::Corruption("chain rpc: nonce is not a number");
    return j.get<uint32_t>();
  }
  Result<chain::Receipt> SubmitExtrinsic(std::string_view extrinsic) override {
    DDC_ASSIGN_OR_RETURN(const Json hash,
                         Rpc("author_submitExtrinsic", Json::array({Hex0x(extrinsic)})));
    DDC_ASSIGN_OR_RETURN(const Hash32 h, HashOf(hash, "extrinsic hash"));
    return FindExtrinsic(h);
  }
  Result<chain::Receipt> FindExtrinsic(const Hash32& hash) override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_receipt", Json::array({Hex0x(hash)})));
    return ReceiptOf(j);
  }

  Result<chain::UsageReport> GetUsageReport(const chain::AccountId& node, uint32_t era) override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_usageReport", Json::array({Hex0x(node), era})));
    chain::UsageReport r;
    r.node = node;
    r.era = era;
    r.cluster = U64(j, "cluster");
    DDC_ASSIGN_OR_RETURN(r.root, HashOf(rpc::Member(j, "root"), "usage root"));
    r.charged = U64(j, "charged");
    r.unpaid = U64(j, "unpaid");
    r.paid_out = rpc::BoolMember(j, "paid_out", false);
    DDC_ASSIGN_OR_RETURN(r.receipt, ReceiptOf(rpc::Member(j, "receipt")));
    for (const Json& a : rpc::Member(j, "aggregates")) {
      r.aggregates.push_back(chain::UsageAggregate{U64(a, "bucket"), U64(a, "stored_bytes"),
                                                   U64(a, "delivered_bytes"), U64(a, "puts"),
                                                   U64(a, "gets")});
    }
    if (chain::UsageRoot(r.aggregates) != r.root) {
      return Status::Corruption("chain rpc: the usage report's aggregates do not match its root");
    }
    return r;
  }
  Result<chain::AnchorInfo> FindAnchor(std::string_view checkpoint) override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_findAnchor", Json::array({Hex0x(checkpoint)})));
    return AnchorOf(j);
  }
  Result<chain::AnchorProof> ProveAnchor(const chain::AnchorInfo& anchor) override {
    DDC_ASSIGN_OR_RETURN(const chain::RawBlock raw, ReadBlock(anchor.receipt.block.number));
    if (raw.ref.hash != anchor.receipt.block.hash) {
      return Status::NotFound("anchor: block " + std::to_string(anchor.receipt.block.number) +
                              " is not on this chain");
    }
    const uint32_t index = anchor.receipt.index;
    if (index == 0 || index >= raw.extrinsics.size()) {
      return Status::NotFound("anchor: no extrinsic " + std::to_string(index));
    }
    chain::AnchorProof proof;
    proof.header = raw.header;
    proof.count = static_cast<uint32_t>(raw.extrinsics.size());
    proof.extrinsic = raw.extrinsics[index];
    proof.index = index;
    proof.path = chain::ExtrinsicPath(raw.extrinsics, index);
    proof.time_extrinsic = raw.extrinsics[0];
    proof.time_path = chain::ExtrinsicPath(raw.extrinsics, 0);
    return proof;
  }
  Result<std::vector<chain::AnchorInfo>> Anchors(uint64_t from, size_t limit) override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_anchors", Json::array({from, limit})));
    std::vector<chain::AnchorInfo> out;
    for (const Json& a : j) {
      DDC_ASSIGN_OR_RETURN(chain::AnchorInfo info, AnchorOf(a));
      out.push_back(info);
    }
    return out;
  }

  Result<chain::BlockRef> ProduceBlock() override {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("ddc_produceBlock"));
    return BlockRefOf(j);
  }
  Status Close() override { return Status::OK(); }

 private:
  // Signs `call` with the next nonce and submits it. Nonces come from the chain, which counts
  // waiting transactions; one signer's transactions are serialized here so two threads of this
  // process do not take the same nonce.
  Result<chain::Receipt> SubmitCall(const KeyPair& signer, const chain::Call& call) override {
    std::lock_guard submit(submit_mu_);
    DDC_ASSIGN_OR_RETURN(const uint32_t nonce, NextNonce(signer.public_key));
    chain::Extrinsic e;
    e.call = chain::EncodeCall(call);
    e.nonce = nonce;
    chain::SigningContext ctx;
    {
      std::lock_guard lock(mu_);
      ctx = signing_;
    }
    chain::SignExtrinsic(&e, signer, ctx);
    return SubmitExtrinsic(chain::EncodeExtrinsic(e));
  }

  std::mutex submit_mu_;  // Held across a nonce read and its submission.
  std::mutex mu_;         // Guards the client and the fields below.
  cli::HttpClient client_;
  uint64_t next_id_ = 0;
  chain::SigningContext signing_;
};

}  // namespace

Result<std::unique_ptr<chain::Chain>> OpenRemoteChain(const std::string& url) {
  DDC_ASSIGN_OR_RETURN(cli::HttpUrl parsed, cli::ParseHttpUrl(url));
  auto remote = std::make_unique<RemoteChain>(std::move(parsed));
  DDC_RETURN_IF_ERROR(remote->Connect());
  return std::unique_ptr<chain::Chain>(std::move(remote));
}

}  // namespace ddc::node
