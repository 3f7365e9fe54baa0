#include "node/server/chain_routes.h"

#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "engine/base/hex.h"
#include "node/server/chain_rpc.h"
#include "node/server/http_server.h"
#include "node/server/node_api.h"
#include "node/server/router.h"

namespace ddc::node {

namespace http = boost::beast::http;
using Json = nlohmann::json;

Anchorer::Anchorer(Store* store, chain::Chain* chain, const KeyPair& node_key, uint32_t interval_ms,
                   Log log)
    : store_(store),
      chain_(chain),
      node_key_(node_key),
      interval_ms_(interval_ms),
      log_(std::move(log)) {}

Anchorer::~Anchorer() { Stop(); }

void Anchorer::Start() {
  if (interval_ms_ == 0 || thread_.joinable()) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      Result<Anchored> done = AnchorNewest();
      if (done.ok() && done->created) {
        log_("ddc-node: anchored checkpoint " + std::to_string(done->checkpoint.size) +
             " in block " + std::to_string(done->anchor.receipt.block.number));
      } else if (!done.ok() && !done.status().IsNotFound()) {
        log_("ddc-node: anchoring failed: " + done.status().ToString());
      }
      lock.lock();
    }
  });
}

void Anchorer::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<Anchorer::Anchored> Anchorer::AnchorNewest() {
  std::lock_guard lock(anchor_mu_);
  const std::vector<CheckpointRecord> all = store_->Checkpoints();
  if (all.empty()) return Status::NotFound("no checkpoint yet (POST /v1/checkpoints makes one)");
  Anchored out;
  out.checkpoint = all.back();
  Result<chain::AnchorInfo> found = chain_->FindAnchor(out.checkpoint.note);
  if (found.ok()) {
    out.anchor = *found;
    return out;
  }
  if (!found.status().IsNotFound()) return found.status();
  Result<chain::AnchorInfo> made = chain_->Anchor(node_key_, out.checkpoint.note);
  if (!made.ok()) return made.status();
  out.anchor = *made;
  out.created = true;
  return out;
}

namespace {

Json BlockJson(const chain::BlockRef& b) {
  return {{"number", b.number}, {"hash", Hex(b.hash)}, {"time_ms", b.time_ms}};
}

Json HashList(const std::vector<Hash32>& path) {
  Json list = Json::array();
  for (const Hash32& h : path) list.push_back(Hex(h));
  return list;
}

std::string HexBytes(std::string_view s) {
  return Hex(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

// The checkpoint, where it is anchored, and the proof of it.
Response AnchorResponse(chain::Chain* chain, const CheckpointRecord& c,
                        const chain::AnchorInfo& anchor, http::status status) {
  Result<chain::AnchorProof> proof = chain->ProveAnchor(anchor);
  if (!proof.ok()) return StatusResponse(proof.status());
  Result<chain::ChainInfo> info = chain->Info();
  if (!info.ok()) return StatusResponse(info.status());
  Json body = {
      {"checkpoint",
       {{"size", c.size}, {"root", Hex(c.root)}, {"time_ms", c.time_ms}, {"note", c.note}}},
      {"anchor",
       {{"block", BlockJson(anchor.receipt.block)},
        {"index", anchor.receipt.index},
        {"extrinsic_hash", Hex(anchor.receipt.hash)},
        {"submitter", Hex(anchor.submitter)}}},
      {"chain",
       {{"name", info->name},
        {"genesis_hash", Hex(info->genesis_hash)},
        {"authority", Hex(info->authority)}}},
      {"proof",
       {{"header", HexBytes(proof->header)},
        {"count", proof->count},
        {"extrinsic", HexBytes(proof->extrinsic)},
        {"index", proof->index},
        {"path", HashList(proof->path)},
        {"time_extrinsic", HexBytes(proof->time_extrinsic)},
        {"time_path", HashList(proof->time_path)}}}};
  return JsonResponse(status, body);
}

Response NoChain() {
  return ErrorResponse(http::status::not_implemented, "no_chain",
                       "this node runs without a chain (ddc-node --chain off)");
}

Response ChainInfoResponse(Anchorer* anchorer) {
  Result<chain::ChainInfo> info = anchorer->chain()->Info();
  if (!info.ok()) return StatusResponse(info.status());
  Result<chain::AccountInfo> account = anchorer->chain()->Account(anchorer->node_key());
  if (!account.ok()) return StatusResponse(account.status());
  return JsonResponse(http::status::ok, {{"name", info->name},
                                         {"genesis_hash", Hex(info->genesis_hash)},
                                         {"best", BlockJson(info->best)},
                                         {"spec_version", info->spec_version},
                                         {"transaction_version", info->transaction_version},
                                         {"authority", Hex(info->authority)},
                                         {"anchors", info->anchors},
                                         {"node_account",
                                          {{"key", Hex(anchorer->node_key())},
                                           {"free", account->free},
                                           {"deposit", account->deposit},
                                           {"nonce", account->nonce}}}});
}

Response CheckpointAnchor(Store* store, Anchorer* anchorer, const RouteParams& params) {
  const std::optional<uint64_t> size = ParseU64(params.Path("size"));
  if (!size) {
    return ErrorResponse(
        http::status::bad_request, "bad_size",
        "checkpoint size '" + params.Path("size") + "' is not an unsigned 64-bit decimal number");
  }
  // The newest anchored checkpoint of that size (several may seal the same size).
  const std::vector<CheckpointRecord> all = store->Checkpoints();
  bool any = false;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (it->size != *size) continue;
    any = true;
    Result<chain::AnchorInfo> anchor = anchorer->chain()->FindAnchor(it->note);
    if (anchor.ok()) return AnchorResponse(anchorer->chain(), *it, *anchor, http::status::ok);
    if (!anchor.status().IsNotFound()) return StatusResponse(anchor.status());
  }
  return ErrorResponse(http::status::not_found, any ? "not_anchored" : "not_found",
                       any ? "the checkpoint of size " + std::to_string(*size) +
                                 " is not anchored yet (POST /v1/anchors anchors the newest)"
                           : "no checkpoint of size " + std::to_string(*size));
}

Response AnchorNow(Anchorer* anchorer) {
  Result<Anchorer::Anchored> done = anchorer->AnchorNewest();
  if (!done.ok()) {
    if (done.status().IsNotFound()) {
      return ErrorResponse(http::status::conflict, "no_checkpoint", done.status().message());
    }
    return StatusResponse(done.status());
  }
  return AnchorResponse(anchorer->chain(), done->checkpoint, done->anchor,
                        done->created ? http::status::created : http::status::ok);
}

}  // namespace

void AddChainRoutes(Router* router, Store* store, Anchorer* anchorer) {
  using V = http::verb;
  router->Add(V::get, kChainRoutes[0].pattern, [anchorer](const Request&, const RouteParams&) {
    return anchorer ? ChainInfoResponse(anchorer) : NoChain();
  });
  router->Add(V::get, kChainRoutes[1].pattern,
              [store, anchorer](const Request&, const RouteParams& p) {
                return anchorer ? CheckpointAnchor(store, anchorer, p) : NoChain();
              });
  router->Add(V::post, kChainRoutes[2].pattern, [anchorer](const Request&, const RouteParams&) {
    return anchorer ? AnchorNow(anchorer) : NoChain();
  });
  router->Add(V::post, kChainRoutes[3].pattern, [anchorer](const Request& r, const RouteParams&) {
    if (!anchorer) return NoChain();
    std::string reply = HandleChainRpc(anchorer->chain(), r.body());
    if (reply.empty()) return MakeResponse(http::status::no_content, "", "application/json");
    return MakeResponse(http::status::ok, std::move(reply), "application/json");
  });
}

}  // namespace ddc::node
