#include "node/server/chain_routes.h"

#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "engine/base/hex.h"
#include "node/server/chain_rpc.h"
#include "node/server/http_server.h"
#include "node/server/metrics.h"
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

UsageReporter::UsageReporter(chain::Chain* chain, Metrics* metrics, const KeyPair& node_key,
                             uint64_t era_ms, Log log)
    : chain_(chain),
      metrics_(metrics),
      node_key_(node_key),
      era_ms_(era_ms),
      log_(std::move(log)) {}

UsageReporter::~UsageReporter() { Stop(); }

void UsageReporter::Start() {
  if (era_ms_ == 0 || thread_.joinable()) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      cv_.wait_for(lock, std::chrono::milliseconds(era_ms_), [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      Result<chain::UsageReport> r = ReportNow();
      if (r.ok()) {
        log_("ddc-node: reported usage of " + std::to_string(r->aggregates.size()) +
             " buckets for era " + std::to_string(r->era) + ", charged " +
             std::to_string(r->charged));
      } else if (!r.status().IsNotFound() && !r.status().IsConflict()) {
        log_("ddc-node: usage report failed: " + r.status().ToString());
      }
      lock.lock();
    }
  });
}

void UsageReporter::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<chain::UsageReport> UsageReporter::ReportNow() {
  std::lock_guard lock(report_mu_);
  const auto now_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  // era_ms 0 reports only on request, in eras of the default length.
  const uint64_t era_length = era_ms_ == 0 ? kDefaultEraMs : era_ms_;
  const auto era = static_cast<uint32_t>(std::min<uint64_t>(now_ms / era_length, UINT32_MAX));
  if (last_era_ && *last_era_ >= era) {
    return Status::Conflict("usage of era " + std::to_string(era) + " is already reported");
  }
  // This node's cluster and the chain's buckets in it.
  Result<std::vector<chain::ClusterInfo>> clusters = chain_->Clusters();
  if (!clusters.ok()) return clusters.status();
  const chain::ClusterInfo* mine = nullptr;
  for (const auto& c : *clusters) {
    for (const auto& n : c.nodes) {
      if (n.key == node_key_.public_key) mine = &c;
    }
  }
  if (mine == nullptr) return Status::NotFound("this node is in no cluster on the chain");
  Result<std::vector<chain::BucketInfo>> buckets = chain_->Buckets();
  if (!buckets.ok()) return buckets.status();
  std::map<uint64_t, bool> in_cluster;
  for (const auto& b : *buckets) in_cluster[b.id] = b.cluster == mine->id;
  std::vector<chain::UsageAggregate> aggregates;
  std::map<uint64_t, std::array<uint64_t, 4>> totals;
  for (const auto& [bucket, u] : metrics_->UsageTotals()) {
    if (!in_cluster[bucket]) continue;
    const std::array<uint64_t, 4> now = {u.stored_bytes, u.delivered_bytes, u.puts, u.gets};
    const std::array<uint64_t, 4> before = reported_[bucket];
    chain::UsageAggregate a{bucket, now[0] - before[0], now[1] - before[1], now[2] - before[2],
                            now[3] - before[3]};
    if ((a.stored_bytes | a.delivered_bytes | a.puts | a.gets) == 0) continue;
    aggregates.push_back(a);
    totals[bucket] = now;
  }
  if (aggregates.empty()) return Status::NotFound("no usage to report since the last report");
  Result<chain::Receipt> sent = chain_->ReportUsage(node_key_, era, aggregates);
  if (!sent.ok()) return sent.status();
  for (const auto& [bucket, t] : totals) reported_[bucket] = t;
  last_era_ = era;
  if (mine->manager == node_key_.public_key && era > 0) {
    // The validator's part, for the era before (a refusal means nothing to pay out).
    (void)chain_->Payout(node_key_, mine->id, era - 1);
  }
  return chain_->GetUsageReport(node_key_.public_key, era);
}

std::optional<std::string> PaymentGate::operator()(uint64_t bucket) {
  const auto now_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::steady_clock::now().time_since_epoch())
                                                .count());
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(bucket);
    if (it != cache_.end() && it->second.until_ms > now_ms) return it->second.refusal;
  }
  std::optional<std::string> refusal;
  Result<chain::BucketInfo> info = chain_->Bucket(bucket);
  if (info.ok()) {
    Result<chain::ClusterInfo> cluster = chain_->Cluster(info->cluster);
    Result<chain::AccountInfo> owner = chain_->Account(info->owner);
    const bool charges =
        cluster.ok() &&
        (cluster->params.price_per_gb_stored | cluster->params.price_per_gb_delivered |
         cluster->params.price_per_put | cluster->params.price_per_get) != 0;
    if (charges && owner.ok() && owner->deposit == 0) {
      refusal = "bucket " + std::to_string(bucket) + ": its owner's deposit on the chain is " +
                "exhausted; the owner tops it up with `ddc chain deposit AMOUNT`";
    }
  }
  std::lock_guard lock(mu_);
  cache_[bucket] = Entry{now_ms + ttl_ms_, refusal};
  return refusal;
}

namespace {

Json UsageJson(const chain::UsageReport& r) {
  Json aggregates = Json::array();
  for (const auto& a : r.aggregates) {
    aggregates.push_back({{"bucket", a.bucket},
                          {"stored_bytes", a.stored_bytes},
                          {"delivered_bytes", a.delivered_bytes},
                          {"puts", a.puts},
                          {"gets", a.gets}});
  }
  return {{"node", Hex(r.node)},
          {"era", r.era},
          {"cluster", r.cluster},
          {"root", Hex(r.root)},
          {"charged", r.charged},
          {"unpaid", r.unpaid},
          {"paid_out", r.paid_out},
          {"block",
           {{"number", r.receipt.block.number},
            {"hash", Hex(r.receipt.block.hash)},
            {"time_ms", r.receipt.block.time_ms}}},
          {"index", r.receipt.index},
          {"aggregates", std::move(aggregates)}};
}

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
  // A Substrate chain gives no proof (substrate_chain.h): "proof" is null and "trust" says why.
  Result<chain::AnchorProof> proof = chain->ProveAnchor(anchor);
  if (!proof.ok() && !proof.status().IsNotSupported()) return StatusResponse(proof.status());
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
      {"proof", nullptr}};
  if (proof.ok()) {
    body["proof"] = {{"header", HexBytes(proof->header)},
                     {"count", proof->count},
                     {"extrinsic", HexBytes(proof->extrinsic)},
                     {"index", proof->index},
                     {"path", HashList(proof->path)},
                     {"time_extrinsic", HexBytes(proof->time_extrinsic)},
                     {"time_path", HashList(proof->time_path)}};
  } else {
    body["trust"] = proof.status().message();
  }
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

void AddChainRoutes(Router* router, Store* store, Anchorer* anchorer, UsageReporter* reporter) {
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
  router->Add(V::post, kChainRoutes[4].pattern, [reporter](const Request&, const RouteParams&) {
    if (!reporter) return NoChain();
    Result<chain::UsageReport> r = reporter->ReportNow();
    if (r.status().IsNotFound()) {
      return ErrorResponse(http::status::conflict, "nothing_to_report", r.status().message());
    }
    if (r.status().IsConflict()) {
      return ErrorResponse(http::status::conflict, "era_reported", r.status().message());
    }
    if (!r.ok()) return StatusResponse(r.status());
    return JsonResponse(http::status::created, UsageJson(*r));
  });
  router->Add(V::get, kChainRoutes[5].pattern, [reporter](const Request&, const RouteParams& p) {
    if (!reporter) return NoChain();
    const std::optional<uint64_t> era = ParseU64(p.Path("era"));
    if (!era || *era > UINT32_MAX) {
      return ErrorResponse(http::status::bad_request, "bad_era",
                           "era '" + p.Path("era") + "' is not a number below 2^32");
    }
    Result<chain::UsageReport> r =
        reporter->chain()->GetUsageReport(reporter->node_key(), static_cast<uint32_t>(*era));
    if (!r.ok()) return StatusResponse(r.status());
    return JsonResponse(http::status::ok, UsageJson(*r));
  });
}

}  // namespace ddc::node
