// The typed transactions of include/ddc/chain.h, built once as dev-runtime calls (calls.h) for
// every Chain that signs them itself: the embedded dev chain and the JSON-RPC client of another
// node's chain. A subclass says how a call is signed, sent and included (SubmitCall).
#ifndef DDC_ENGINE_CHAIN_CALL_CHAIN_H_
#define DDC_ENGINE_CHAIN_CALL_CHAIN_H_

#include <span>
#include <string_view>

#include "ddc/chain.h"
#include "engine/chain/calls.h"

namespace ddc::chain {

class CallChain : public Chain {
 public:
  Result<Receipt> Transfer(const KeyPair& signer, const AccountId& to, uint64_t amount) override;
  Result<Receipt> CreateCluster(const KeyPair& manager, uint64_t id,
                                const ClusterParams& params) override;
  Result<Receipt> SetClusterParams(const KeyPair& manager, uint64_t id,
                                   const ClusterParams& params) override;
  Result<Receipt> AddNode(const KeyPair& manager, uint64_t cluster,
                          const ClusterNode& node) override;
  Result<Receipt> RemoveNode(const KeyPair& manager, uint64_t cluster,
                             const AccountId& node) override;
  Result<Receipt> CreateBucket(const KeyPair& owner, uint64_t id, uint64_t cluster,
                               bool is_public) override;
  Result<Receipt> SetBucketPublic(const KeyPair& owner, uint64_t id, bool is_public) override;
  Result<Receipt> RemoveBucket(const KeyPair& owner, uint64_t id) override;
  Result<Receipt> Deposit(const KeyPair& account, uint64_t amount) override;
  Result<Receipt> Withdraw(const KeyPair& account, uint64_t amount) override;
  Result<Receipt> ReportUsage(const KeyPair& node, uint32_t era,
                              std::span<const UsageAggregate> aggregates) override;
  Result<Receipt> Payout(const KeyPair& manager, uint64_t cluster, uint32_t era) override;
  Result<AnchorInfo> Anchor(const KeyPair& node_key, std::string_view checkpoint) override;

 protected:
  // Signs `call` as `signer` with its next nonce, submits it and returns once it is included.
  virtual Result<Receipt> SubmitCall(const KeyPair& signer, const Call& call) = 0;
};

}  // namespace ddc::chain

#endif  // DDC_ENGINE_CHAIN_CALL_CHAIN_H_
