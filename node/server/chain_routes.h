// ddc-node and the chain (include/ddc/chain.h): the anchoring of checkpoints ("time capsules")
// and the routes that show them.
//
// Anchorer anchors the store's newest checkpoint on the chain, signed by the node key, every
// `interval_ms` (when it is not anchored yet) and on demand. The routes:
//   GET  /v1/chain                       the chain: name, genesis, best block, authority, anchors
//   GET  /v1/checkpoints/{size}/anchor   where the checkpoint of that journal size is anchored,
//                                        with a proof anyone can check (chain::VerifyAnchorProof)
//   POST /v1/anchors                     anchor the newest checkpoint now
//   POST /rpc                            the chain's JSON-RPC 2.0 interface (chain_rpc.h)
//   POST /v1/usage                       report this node's usage to the chain now
//   GET  /v1/usage/{era}                 this node's usage report of an era, as the chain has it
//
// UsageReporter reports, every era_ms, the per-bucket usage (Metrics::UsageTotals) measured
// since its last report, for the buckets on the chain in this node's cluster, under the era
// now_ms / era_ms (era_ms 0: no thread; reports on request, in eras of kDefaultEraMs); when
// this node manages its cluster it then pays out the era before.
// PaymentGate refuses writes (402) to a bucket on the chain whose cluster charges for usage and
// whose owner's deposit is exhausted.
// Without a chain (ddc-node --chain off) they answer 501.
//
// Thread-safe: handlers and the anchoring thread share the Store and Chain, which are.
#ifndef DDC_NODE_SERVER_CHAIN_ROUTES_H_
#define DDC_NODE_SERVER_CHAIN_ROUTES_H_

#include <array>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "ddc/chain.h"
#include "ddc/store.h"
#include "node/server/routes.h"

namespace ddc::node {

class Router;

inline constexpr std::array kChainRoutes = {
    RouteSpec{"GET", "/v1/chain"},    RouteSpec{"GET", "/v1/checkpoints/{size}/anchor"},
    RouteSpec{"POST", "/v1/anchors"}, RouteSpec{"POST", "/rpc"},
    RouteSpec{"POST", "/v1/usage"},   RouteSpec{"GET", "/v1/usage/{era}"},
};

class Metrics;

// The length of a usage era when the node reports only on request (era_ms 0).
inline constexpr uint64_t kDefaultEraMs = 3'600'000;

class UsageReporter {
 public:
  using Log = std::function<void(std::string_view line)>;

  UsageReporter(chain::Chain* chain, Metrics* metrics, const KeyPair& node_key, uint64_t era_ms,
                Log log);
  ~UsageReporter();
  UsageReporter(const UsageReporter&) = delete;
  UsageReporter& operator=(const UsageReporter&) = delete;

  void Start();
  void Stop();

  // Reports what was measured since the last report. NotFound when there is nothing to report
  // (no usage of a bucket on the chain in this node's cluster); Conflict when this era is
  // already reported.
  Result<chain::UsageReport> ReportNow();
  chain::Chain* chain() const { return chain_; }
  const PublicKey& node_key() const { return node_key_.public_key; }

 private:
  chain::Chain* const chain_;
  Metrics* const metrics_;
  const KeyPair node_key_;
  const uint64_t era_ms_;
  const Log log_;
  std::mutex report_mu_;  // One report at a time; guards the fields below.
  std::map<uint64_t, std::array<uint64_t, 4>> reported_;  // Bucket -> totals already reported.
  std::optional<uint32_t> last_era_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // Guarded by mu_.
  std::thread thread_;
};

// The write gate of AccessControl::SetWriteGate, over the chain; answers are cached for
// `ttl_ms`, and a chain that cannot be asked lets writes through.
class PaymentGate {
 public:
  PaymentGate(chain::Chain* chain, uint64_t ttl_ms) : chain_(chain), ttl_ms_(ttl_ms) {}
  std::optional<std::string> operator()(uint64_t bucket);

 private:
  chain::Chain* const chain_;
  const uint64_t ttl_ms_;
  std::mutex mu_;
  struct Entry {
    uint64_t until_ms = 0;
    std::optional<std::string> refusal;
  };
  std::map<uint64_t, Entry> cache_;
};

class Anchorer {
 public:
  using Log = std::function<void(std::string_view line)>;

  // `store` and `chain` are not owned and must outlive the Anchorer. interval_ms 0: only on
  // demand.
  Anchorer(Store* store, chain::Chain* chain, const KeyPair& node_key, uint32_t interval_ms,
           Log log);
  ~Anchorer();
  Anchorer(const Anchorer&) = delete;
  Anchorer& operator=(const Anchorer&) = delete;

  void Start();
  // Stops the thread (waits for an anchoring in flight). Idempotent.
  void Stop();

  // Anchors the newest checkpoint unless it already is; returns where it is anchored, and
  // whether this call anchored it. NotFound when the store has no checkpoint yet.
  struct Anchored {
    CheckpointRecord checkpoint;
    chain::AnchorInfo anchor;
    bool created = false;
  };
  Result<Anchored> AnchorNewest();

  chain::Chain* chain() const { return chain_; }
  const PublicKey& node_key() const { return node_key_.public_key; }

 private:
  Store* const store_;
  chain::Chain* const chain_;
  const KeyPair node_key_;
  const uint32_t interval_ms_;
  const Log log_;
  std::mutex anchor_mu_;  // One anchoring at a time (the thread and on-demand requests).
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // Guarded by mu_.
  std::thread thread_;
};

// Adds the routes of kChainRoutes. `anchorer` may be null (no chain: the routes answer 501);
// otherwise it, and `store`, must outlive the router.
// `reporter` may be null too (the usage routes answer 501).
void AddChainRoutes(Router* router, Store* store, Anchorer* anchorer, UsageReporter* reporter);

}  // namespace ddc::node

#endif  // DDC_NODE_SERVER_CHAIN_ROUTES_H_
