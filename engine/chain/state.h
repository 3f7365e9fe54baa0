// The dev runtime's state and its transition function (docs/chain.md, "Calls of the dev
// runtime" and "State encoding"). A plain value: the chain keeps one for its best block and
// applies each block's extrinsics to a copy before committing it.
#ifndef DDC_ENGINE_CHAIN_STATE_H_
#define DDC_ENGINE_CHAIN_STATE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "ddc/chain.h"
#include "engine/chain/block.h"
#include "engine/chain/calls.h"
#include "engine/chain/extrinsic.h"

namespace ddc::chain {

inline constexpr uint32_t kSpecVersion = 1;
inline constexpr uint32_t kTransactionVersion = 1;

// Where an extrinsic is applied.
struct ApplyContext {
  uint64_t number = 0;  // The block being built or replayed.
  Hash32 genesis_hash{};
  // The hash of block `n` for n < number (mortal eras); unset for genesis.
  std::function<std::optional<Hash32>(uint64_t n)> block_hash;
};

class State {
 public:
  // Applies one signed extrinsic of a block after genesis: checks signature, era, nonce and tip,
  // then the call's rules; on any failure the state is unchanged and the status says why.
  Status ApplySigned(const Extrinsic& extrinsic, const ApplyContext& context);
  // Applies one unsigned genesis call (Balances.force_set_balance or Sudo.sudo_as).
  Status ApplyGenesis(const Call& call);

  Hash32 Root() const;

  std::optional<AccountInfo> Account(const AccountId& account) const;
  const std::map<uint64_t, ClusterInfo>& clusters() const { return clusters_; }
  const std::map<uint64_t, BucketInfo>& buckets() const { return buckets_; }
  uint64_t anchors() const { return anchors_; }

  // What the state keeps of a usage report (the aggregates stay in the block).
  struct ReportState {
    uint64_t cluster = 0;
    Hash32 root{};
    uint64_t charged = 0;
    uint64_t unpaid = 0;
  };
  std::optional<ReportState> Report(const AccountId& node, uint32_t era) const;
  // Whether the cluster's era has been paid out.
  bool PaidOut(uint64_t cluster, uint32_t era) const;

 private:
  // The call's rules with `origin` as its signer; changes nothing on failure.
  Status ApplyCall(const AccountId& origin, const Call& call);

  std::map<AccountId, AccountInfo> accounts_;
  std::map<uint64_t, ClusterInfo> clusters_;
  std::map<uint64_t, BucketInfo> buckets_;
  std::map<AccountId, uint64_t> node_cluster_;  // Node key -> its cluster.
  uint64_t anchors_ = 0;
  std::map<std::pair<AccountId, uint32_t>, ReportState> reports_;  // (node, era).
  // (cluster, era) -> each reporting node's charges, held until the era is paid out.
  struct Escrow {
    std::map<AccountId, uint64_t> shares;
    bool paid_out = false;
  };
  std::map<std::pair<uint64_t, uint32_t>, Escrow> escrow_;
};

}  // namespace ddc::chain

#endif  // DDC_ENGINE_CHAIN_STATE_H_
