#include "engine/chain/calls.h"

#include "engine/base/macros.h"
#include "engine/chain/scale.h"

namespace ddc::chain {
namespace {

constexpr uint8_t kMultiAddressId = 0x00;

void WriteParams(ScaleWriter* w, const ClusterParams& p) {
  w->U8(p.replication_factor);
  w->U64(p.price_per_gb_stored);
  w->U64(p.price_per_gb_delivered);
  w->U64(p.price_per_put);
  w->U64(p.price_per_get);
}

ClusterParams ReadParams(ScaleReader* r) {
  ClusterParams p;
  p.replication_factor = r->U8();
  p.price_per_gb_stored = r->U64();
  p.price_per_gb_delivered = r->U64();
  p.price_per_put = r->U64();
  p.price_per_get = r->U64();
  if (r->ok() && (p.replication_factor == 0 || p.replication_factor > kMaxReplicationFactor)) {
    r->Fail("replication factor " + std::to_string(p.replication_factor) + " outside 1.." +
            std::to_string(kMaxReplicationFactor));
  }
  return p;
}

AccountId ReadAddress(ScaleReader* r) {
  if (r->U8() != kMultiAddressId) r->Fail("address is not a MultiAddress::Id");
  return r->Fixed<32>();
}

std::string ToString(std::span<const uint8_t> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

const char* CallName(CallKind kind) {
  switch (kind) {
    case CallKind::kRemark:
      return "System.remark";
    case CallKind::kRemarkWithEvent:
      return "System.remark_with_event";
    case CallKind::kTimestampSet:
      return "Timestamp.set";
    case CallKind::kSudoAs:
      return "Sudo.sudo_as";
    case CallKind::kTransfer:
      return "Balances.transfer_allow_death";
    case CallKind::kForceSetBalance:
      return "Balances.force_set_balance";
    case CallKind::kCreateCluster:
      return "DdcClusters.create_cluster";
    case CallKind::kAddNode:
      return "DdcClusters.add_node";
    case CallKind::kRemoveNode:
      return "DdcClusters.remove_node";
    case CallKind::kSetClusterParams:
      return "DdcClusters.set_cluster_params";
    case CallKind::kCreateBucket:
      return "DdcCustomers.create_bucket";
    case CallKind::kRemoveBucket:
      return "DdcCustomers.remove_bucket";
    case CallKind::kSetBucketParams:
      return "DdcCustomers.set_bucket_params";
    case CallKind::kDeposit:
      return "DdcCustomers.deposit";
    case CallKind::kWithdraw:
      return "DdcCustomers.withdraw";
    case CallKind::kReportUsage:
      return "DdcPayouts.report_usage";
    case CallKind::kPayout:
      return "DdcPayouts.payout";
  }
  return "unknown";
}

std::string EncodeCall(const Call& c) {
  ScaleWriter w;
  w.U8(static_cast<uint8_t>(static_cast<uint16_t>(c.kind) >> 8));
  w.U8(static_cast<uint8_t>(static_cast<uint16_t>(c.kind) & 0xff));
  switch (c.kind) {
    case CallKind::kRemark:
    case CallKind::kRemarkWithEvent:
      w.Bytes(c.remark);
      break;
    case CallKind::kTimestampSet:
      w.Compact(c.time_ms);
      break;
    case CallKind::kSudoAs:
      w.U8(kMultiAddressId);
      w.Fixed(c.account);
      w.Raw(c.inner);
      break;
    case CallKind::kTransfer:
    case CallKind::kForceSetBalance:
      w.U8(kMultiAddressId);
      w.Fixed(c.account);
      w.Compact(c.amount);
      break;
    case CallKind::kCreateCluster:
    case CallKind::kSetClusterParams:
      w.U64(c.cluster);
      WriteParams(&w, c.params);
      break;
    case CallKind::kAddNode:
      w.U64(c.cluster);
      w.Fixed(c.node.key);
      w.Bytes(c.node.address);
      w.U8(static_cast<uint8_t>(c.node.mode));
      break;
    case CallKind::kRemoveNode:
      w.U64(c.cluster);
      w.Fixed(c.node.key);
      break;
    case CallKind::kCreateBucket:
      w.U64(c.bucket);
      w.U64(c.cluster);
      w.Bool(c.is_public);
      break;
    case CallKind::kRemoveBucket:
      w.U64(c.bucket);
      break;
    case CallKind::kSetBucketParams:
      w.U64(c.bucket);
      w.Bool(c.is_public);
      break;
    case CallKind::kDeposit:
    case CallKind::kWithdraw:
      w.Compact(c.amount);
      break;
    case CallKind::kReportUsage:
      w.U32(c.era);
      w.Fixed(c.root);
      w.Compact(c.aggregates.size());
      for (const auto& a : c.aggregates) w.Raw(UsageLeaf(a));
      break;
    case CallKind::kPayout:
      w.U64(c.cluster);
      w.U32(c.era);
      break;
  }
  return w.Take();
}

Result<Call> DecodeCall(std::span<const uint8_t> bytes) {
  ScaleReader r(bytes);
  Call c;
  const uint16_t pallet = r.U8();
  const uint16_t index = r.U8();
  if (!r.ok()) return Status::InvalidArgument("call: " + r.status().message());
  c.kind = static_cast<CallKind>((pallet << 8) | index);
  switch (c.kind) {
    case CallKind::kRemark:
    case CallKind::kRemarkWithEvent:
      c.remark = ToString(r.Bytes(kMaxRemarkBytes));
      if (r.ok() && c.remark.empty()) r.Fail("empty remark");
      break;
    case CallKind::kTimestampSet:
      c.time_ms = r.Compact();
      break;
    case CallKind::kSudoAs: {
      c.account = ReadAddress(&r);
      const auto inner = r.Raw(r.remaining());
      c.inner = ToString(inner);
      if (r.ok()) {
        auto decoded = DecodeCall(inner);
        if (!decoded.ok())
          return Status::InvalidArgument("Sudo.sudo_as: " + decoded.status().message());
        if (decoded->kind == CallKind::kSudoAs || decoded->kind == CallKind::kTimestampSet) {
          return Status::InvalidArgument("Sudo.sudo_as: cannot wrap " +
                                         std::string(CallName(decoded->kind)));
        }
      }
      break;
    }
    case CallKind::kTransfer:
    case CallKind::kForceSetBalance:
      c.account = ReadAddress(&r);
      c.amount = r.Compact();
      break;
    case CallKind::kCreateCluster:
    case CallKind::kSetClusterParams:
      c.cluster = r.U64();
      c.params = ReadParams(&r);
      break;
    case CallKind::kAddNode: {
      c.cluster = r.U64();
      c.node.key = r.Fixed<32>();
      c.node.address = ToString(r.Bytes(kMaxNodeAddressBytes));
      const uint8_t mode = r.U8();
      if (r.ok() && c.node.address.empty()) r.Fail("empty node address");
      if (r.ok() && (mode < 1 || mode > 3)) r.Fail("node mode " + std::to_string(mode));
      c.node.mode = static_cast<NodeMode>(mode);
      break;
    }
    case CallKind::kRemoveNode:
      c.cluster = r.U64();
      c.node.key = r.Fixed<32>();
      break;
    case CallKind::kCreateBucket:
      c.bucket = r.U64();
      c.cluster = r.U64();
      c.is_public = r.Bool();
      break;
    case CallKind::kRemoveBucket:
      c.bucket = r.U64();
      break;
    case CallKind::kSetBucketParams:
      c.bucket = r.U64();
      c.is_public = r.Bool();
      break;
    case CallKind::kDeposit:
    case CallKind::kWithdraw:
      c.amount = r.Compact();
      break;
    case CallKind::kReportUsage: {
      c.era = r.U32();
      c.root = r.Fixed<32>();
      const uint64_t n = r.Count(kMaxUsageAggregates);
      for (uint64_t i = 0; i < n && r.ok(); ++i) {
        UsageAggregate a;
        a.bucket = r.U64();
        a.stored_bytes = r.U64();
        a.delivered_bytes = r.U64();
        a.puts = r.U64();
        a.gets = r.U64();
        if (r.ok() && !c.aggregates.empty() && a.bucket <= c.aggregates.back().bucket) {
          r.Fail("usage aggregates not in increasing bucket order");
        }
        c.aggregates.push_back(a);
      }
      if (r.ok() && c.aggregates.empty()) r.Fail("a usage report without aggregates");
      if (r.ok() && UsageRoot(c.aggregates) != c.root) r.Fail("usage root does not match");
      break;
    }
    case CallKind::kPayout:
      c.cluster = r.U64();
      c.era = r.U32();
      break;
    default:
      return Status::InvalidArgument("call: unknown pallet " + std::to_string(pallet) + " call " +
                                     std::to_string(index));
  }
  DDC_RETURN_IF_ERROR(r.Finish(std::string("call ") + CallName(c.kind)));
  return c;
}

}  // namespace ddc::chain
