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
// Without a chain (ddc-node --chain off) they answer 501.
//
// Thread-safe: handlers and the anchoring thread share the Store and Chain, which are.
#ifndef DDC_NODE_SERVER_CHAIN_ROUTES_H_
#define DDC_NODE_SERVER_CHAIN_ROUTES_H_

#include <array>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "ddc/chain.h"
#include "ddc/store.h"
#include "node/server/routes.h"

namespace ddc::node {

class Router;

inline constexpr std::array kChainRoutes = {
    RouteSpec{"GET", "/v1/chain"},
    RouteSpec{"GET", "/v1/checkpoints/{size}/anchor"},
    RouteSpec{"POST", "/v1/anchors"},
    RouteSpec{"POST", "/rpc"},
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
void AddChainRoutes(Router* router, Store* store, Anchorer* anchorer);

}  // namespace ddc::node

#endif  // DDC_NODE_SERVER_CHAIN_ROUTES_H_
