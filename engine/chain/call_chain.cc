#include "engine/chain/call_chain.h"

#include "engine/base/hash.h"
#include "engine/base/macros.h"
#include "engine/chain/scale.h"

namespace ddc::chain {

Result<Receipt> CallChain::Transfer(const KeyPair& signer, const AccountId& to, uint64_t amount) {
  Call c;
  c.kind = CallKind::kTransfer;
  c.account = to;
  c.amount = amount;
  return SubmitCall(signer, c);
}

Result<Receipt> CallChain::CreateCluster(const KeyPair& manager, uint64_t id,
                                         const ClusterParams& params) {
  Call c;
  c.kind = CallKind::kCreateCluster;
  c.cluster = id;
  c.params = params;
  return SubmitCall(manager, c);
}

Result<Receipt> CallChain::SetClusterParams(const KeyPair& manager, uint64_t id,
                                            const ClusterParams& params) {
  Call c;
  c.kind = CallKind::kSetClusterParams;
  c.cluster = id;
  c.params = params;
  return SubmitCall(manager, c);
}

Result<Receipt> CallChain::AddNode(const KeyPair& manager, uint64_t cluster,
                                   const ClusterNode& node) {
  Call c;
  c.kind = CallKind::kAddNode;
  c.cluster = cluster;
  c.node = node;
  return SubmitCall(manager, c);
}

Result<Receipt> CallChain::RemoveNode(const KeyPair& manager, uint64_t cluster,
                                      const AccountId& node) {
  Call c;
  c.kind = CallKind::kRemoveNode;
  c.cluster = cluster;
  c.node.key = node;
  return SubmitCall(manager, c);
}

Result<Receipt> CallChain::CreateBucket(const KeyPair& owner, uint64_t id, uint64_t cluster,
                                        bool is_public) {
  Call c;
  c.kind = CallKind::kCreateBucket;
  c.bucket = id;
  c.cluster = cluster;
  c.is_public = is_public;
  return SubmitCall(owner, c);
}

Result<Receipt> CallChain::SetBucketPublic(const KeyPair& owner, uint64_t id, bool is_public) {
  Call c;
  c.kind = CallKind::kSetBucketParams;
  c.bucket = id;
  c.is_public = is_public;
  return SubmitCall(owner, c);
}

Result<Receipt> CallChain::RemoveBucket(const KeyPair& owner, uint64_t id) {
  Call c;
  c.kind = CallKind::kRemoveBucket;
  c.bucket = id;
  return SubmitCall(owner, c);
}

Result<Receipt> CallChain::Deposit(const KeyPair& account, uint64_t amount) {
  Call c;
  c.kind = CallKind::kDeposit;
  c.amount = amount;
  return SubmitCall(account, c);
}

Result<Receipt> CallChain::Withdraw(const KeyPair& account, uint64_t amount) {
  Call c;
  c.kind = CallKind::kWithdraw;
  c.amount = amount;
  return SubmitCall(account, c);
}

Result<Receipt> CallChain::ReportUsage(const KeyPair& node, uint32_t era,
                                       std::span<const UsageAggregate> aggregates) {
  if (aggregates.empty() || aggregates.size() > kMaxUsageAggregates) {
    return Status::InvalidArgument("usage report: " + std::to_string(aggregates.size()) +
                                   " aggregates (want 1.." + std::to_string(kMaxUsageAggregates) +
                                   ")");
  }
  Call c;
  c.kind = CallKind::kReportUsage;
  c.era = era;
  c.aggregates.assign(aggregates.begin(), aggregates.end());
  c.root = UsageRoot(aggregates);
  return SubmitCall(node, c);
}

Result<Receipt> CallChain::Payout(const KeyPair& manager, uint64_t cluster, uint32_t era) {
  Call c;
  c.kind = CallKind::kPayout;
  c.cluster = cluster;
  c.era = era;
  return SubmitCall(manager, c);
}

Result<AnchorInfo> CallChain::Anchor(const KeyPair& node_key, std::string_view checkpoint) {
  if (checkpoint.empty() || checkpoint.size() > kMaxRemarkBytes) {
    return Status::InvalidArgument("anchor: a checkpoint of " + std::to_string(checkpoint.size()) +
                                   " bytes (want 1.." + std::to_string(kMaxRemarkBytes) + ")");
  }
  Call c;
  c.kind = CallKind::kRemarkWithEvent;
  c.remark = std::string(checkpoint);
  DDC_ASSIGN_OR_RETURN(const Receipt receipt, SubmitCall(node_key, c));
  return AnchorInfo{receipt, node_key.public_key, Blake2b256(AsByteSpan(checkpoint))};
}

}  // namespace ddc::chain
