#include "engine/chain/state.h"

#include <algorithm>

#include "engine/base/hash.h"
#include "engine/base/hex.h"
#include "engine/base/macros.h"
#include "engine/chain/scale.h"

namespace ddc::chain {
namespace {

Status Refused(const Call& call, const std::string& why) {
  return Status::Failed(std::string(CallName(call.kind)) + ": " + why);
}

std::string Short(const AccountId& a) { return Hex(std::span(a).first(8)); }

}  // namespace

std::optional<AccountInfo> State::Account(const AccountId& account) const {
  auto it = accounts_.find(account);
  if (it == accounts_.end()) return std::nullopt;
  return it->second;
}

std::optional<State::ReportState> State::Report(const AccountId& node, uint32_t era) const {
  auto it = reports_.find({node, era});
  if (it == reports_.end()) return std::nullopt;
  return it->second;
}

bool State::PaidOut(uint64_t cluster, uint32_t era) const {
  auto it = escrow_.find({cluster, era});
  return it != escrow_.end() && it->second.paid_out;
}

Status State::ApplySigned(const Extrinsic& e, const ApplyContext& context) {
  if (!e.signer) return Status::Failed("extrinsic: unsigned outside genesis");
  SigningContext sc;
  sc.genesis_hash = context.genesis_hash;
  sc.spec_version = kSpecVersion;
  sc.transaction_version = kTransactionVersion;
  sc.era_block_hash = context.genesis_hash;
  if (!e.era.immortal()) {
    const uint64_t birth = e.era.Birth(context.number);
    if (!e.era.ValidAt(context.number, birth) || birth >= context.number) {
      return Status::Failed("extrinsic: mortal era not valid at block " +
                            std::to_string(context.number));
    }
    const auto hash = context.block_hash ? context.block_hash(birth) : std::nullopt;
    if (!hash) return Status::Failed("extrinsic: era birth block unknown");
    sc.era_block_hash = *hash;
  }
  DDC_RETURN_IF_ERROR(VerifyExtrinsic(e, sc));
  if (e.tip != 0) return Status::Failed("extrinsic: the dev chain takes no tips");
  const uint32_t nonce = accounts_.contains(*e.signer) ? accounts_[*e.signer].nonce : 0;
  if (e.nonce != nonce) {
    return Status::Conflict("extrinsic: nonce " + std::to_string(e.nonce) + " of account " +
                            Short(*e.signer) + ", want " + std::to_string(nonce));
  }
  DDC_ASSIGN_OR_RETURN(const Call call, DecodeCall(AsByteSpan(e.call)));
  if (call.kind == CallKind::kTimestampSet || call.kind == CallKind::kForceSetBalance ||
      call.kind == CallKind::kSudoAs) {
    return Refused(call, "not allowed in a signed extrinsic");
  }
  DDC_RETURN_IF_ERROR(ApplyCall(*e.signer, call));
  ++accounts_[*e.signer].nonce;
  return Status::OK();
}

Status State::ApplyGenesis(const Call& call) {
  if (call.kind == CallKind::kForceSetBalance) {
    accounts_[call.account].free = call.amount;
    return Status::OK();
  }
  if (call.kind != CallKind::kSudoAs) return Refused(call, "not a genesis call");
  DDC_ASSIGN_OR_RETURN(const Call inner, DecodeCall(AsByteSpan(call.inner)));
  return ApplyCall(call.account, inner);
}

Status State::ApplyCall(const AccountId& origin, const Call& c) {
  switch (c.kind) {
    case CallKind::kRemark:
      return Status::OK();
    case CallKind::kRemarkWithEvent:
      ++anchors_;
      return Status::OK();
    case CallKind::kTransfer: {
      if (c.account == origin) return Refused(c, "transfer to self");
      AccountInfo& from = accounts_[origin];
      if (from.free < c.amount) return Refused(c, "insufficient balance");
      AccountInfo& to = accounts_[c.account];
      if (UINT64_MAX - to.free < c.amount) return Refused(c, "amount too large");
      from.free -= c.amount;
      to.free += c.amount;
      return Status::OK();
    }
    case CallKind::kDeposit: {
      AccountInfo& a = accounts_[origin];
      if (a.free < c.amount) return Refused(c, "insufficient balance");
      if (UINT64_MAX - a.deposit < c.amount) return Refused(c, "amount too large");
      a.free -= c.amount;
      a.deposit += c.amount;
      return Status::OK();
    }
    case CallKind::kWithdraw: {
      AccountInfo& a = accounts_[origin];
      if (a.deposit < c.amount) return Refused(c, "insufficient deposit");
      if (UINT64_MAX - a.free < c.amount) return Refused(c, "amount too large");
      a.deposit -= c.amount;
      a.free += c.amount;
      return Status::OK();
    }
    case CallKind::kCreateCluster: {
      if (clusters_.contains(c.cluster)) return Refused(c, "cluster exists");
      clusters_[c.cluster] = ClusterInfo{c.cluster, origin, c.params, {}};
      return Status::OK();
    }
    case CallKind::kSetClusterParams:
    case CallKind::kAddNode:
    case CallKind::kRemoveNode: {
      auto it = clusters_.find(c.cluster);
      if (it == clusters_.end()) return Refused(c, "no such cluster");
      ClusterInfo& cluster = it->second;
      if (cluster.manager != origin) return Refused(c, "not the cluster manager");
      if (c.kind == CallKind::kSetClusterParams) {
        cluster.params = c.params;
        return Status::OK();
      }
      auto pos =
          std::lower_bound(cluster.nodes.begin(), cluster.nodes.end(), c.node.key,
                           [](const ClusterNode& n, const AccountId& key) { return n.key < key; });
      const bool present = pos != cluster.nodes.end() && pos->key == c.node.key;
      if (c.kind == CallKind::kAddNode) {
        if (node_cluster_.contains(c.node.key)) return Refused(c, "node already in a cluster");
        cluster.nodes.insert(pos, c.node);
        node_cluster_[c.node.key] = c.cluster;
      } else {
        if (!present) return Refused(c, "node not in the cluster");
        cluster.nodes.erase(pos);
        node_cluster_.erase(c.node.key);
      }
      return Status::OK();
    }
    case CallKind::kCreateBucket: {
      if (buckets_.contains(c.bucket)) return Refused(c, "bucket exists");
      if (!clusters_.contains(c.cluster)) return Refused(c, "no such cluster");
      buckets_[c.bucket] = BucketInfo{c.bucket, origin, c.cluster, c.is_public};
      return Status::OK();
    }
    case CallKind::kSetBucketParams:
    case CallKind::kRemoveBucket: {
      auto it = buckets_.find(c.bucket);
      if (it == buckets_.end()) return Refused(c, "no such bucket");
      if (it->second.owner != origin) return Refused(c, "not the bucket owner");
      if (c.kind == CallKind::kRemoveBucket) {
        buckets_.erase(it);
      } else {
        it->second.is_public = c.is_public;
      }
      return Status::OK();
    }
    case CallKind::kReportUsage: {
      auto node = node_cluster_.find(origin);
      if (node == node_cluster_.end()) return Refused(c, "not a cluster node");
      const uint64_t cluster = node->second;
      if (reports_.contains({origin, c.era})) return Refused(c, "era already reported");
      auto escrow_it = escrow_.find({cluster, c.era});
      if (escrow_it != escrow_.end() && escrow_it->second.paid_out) {
        return Refused(c, "era already paid out");
      }
      // Check every bucket first: the report applies whole or not at all.
      for (const UsageAggregate& a : c.aggregates) {
        auto b = buckets_.find(a.bucket);
        if (b == buckets_.end()) return Refused(c, "no such bucket " + std::to_string(a.bucket));
        if (b->second.cluster != cluster) {
          return Refused(c, "bucket " + std::to_string(a.bucket) + " is not in cluster " +
                                std::to_string(cluster));
        }
      }
      const ClusterParams& prices = clusters_[cluster].params;
      ReportState report{cluster, c.root, 0, 0};
      for (const UsageAggregate& a : c.aggregates) {
        const uint64_t cost = UsageCost(a, prices);
        AccountInfo& owner = accounts_[buckets_[a.bucket].owner];
        const uint64_t take = std::min(cost, owner.deposit);
        owner.deposit -= take;
        report.charged += take;  // Bounded by the sum of deposits: no overflow.
        report.unpaid =
            UINT64_MAX - report.unpaid < cost - take ? UINT64_MAX : report.unpaid + cost - take;
      }
      escrow_[{cluster, c.era}].shares[origin] += report.charged;
      reports_[{origin, c.era}] = report;
      return Status::OK();
    }
    case CallKind::kPayout: {
      auto cl = clusters_.find(c.cluster);
      if (cl == clusters_.end()) return Refused(c, "no such cluster");
      if (cl->second.manager != origin) return Refused(c, "not the cluster manager");
      auto it = escrow_.find({c.cluster, c.era});
      if (it == escrow_.end()) return Refused(c, "no usage reported for that era");
      if (it->second.paid_out) return Refused(c, "era already paid out");
      for (const auto& [node, amount] : it->second.shares) {
        AccountInfo& a = accounts_[node];
        if (UINT64_MAX - a.free < amount) return Refused(c, "amount too large");
      }
      for (const auto& [node, amount] : it->second.shares) accounts_[node].free += amount;
      it->second.paid_out = true;
      return Status::OK();
    }
    case CallKind::kTimestampSet:
    case CallKind::kForceSetBalance:
    case CallKind::kSudoAs:
      break;
  }
  return Refused(c, "not allowed here");
}

Hash32 State::Root() const {
  ScaleWriter w;
  uint64_t live = 0;
  for (const auto& [id, a] : accounts_) live += (a.free | a.deposit | a.nonce) != 0 ? 1 : 0;
  w.Compact(live);
  for (const auto& [id, a] : accounts_) {
    if ((a.free | a.deposit | a.nonce) == 0) continue;
    w.Fixed(id);
    w.U64(a.free);
    w.U64(a.deposit);
    w.U32(a.nonce);
  }
  w.Compact(clusters_.size());
  for (const auto& [id, c] : clusters_) {
    w.U64(id);
    w.Fixed(c.manager);
    w.U8(c.params.replication_factor);
    w.U64(c.params.price_per_gb_stored);
    w.U64(c.params.price_per_gb_delivered);
    w.U64(c.params.price_per_put);
    w.U64(c.params.price_per_get);
    w.Compact(c.nodes.size());
    for (const auto& n : c.nodes) {
      w.Fixed(n.key);
      w.Bytes(n.address);
      w.U8(static_cast<uint8_t>(n.mode));
    }
  }
  w.Compact(buckets_.size());
  for (const auto& [id, b] : buckets_) {
    w.U64(id);
    w.Fixed(b.owner);
    w.U64(b.cluster);
    w.Bool(b.is_public);
  }
  w.U64(anchors_);
  w.Compact(reports_.size());
  for (const auto& [key, r] : reports_) {
    w.Fixed(key.first);
    w.U32(key.second);
    w.U64(r.cluster);
    w.Fixed(r.root);
    w.U64(r.charged);
    w.U64(r.unpaid);
  }
  w.Compact(escrow_.size());
  for (const auto& [key, e] : escrow_) {
    w.U64(key.first);
    w.U32(key.second);
    w.Bool(e.paid_out);
    w.Compact(e.shares.size());
    for (const auto& [node, amount] : e.shares) {
      w.Fixed(node);
      w.U64(amount);
    }
  }
  return Blake2b256(AsByteSpan(w.data()));
}

}  // namespace ddc::chain
