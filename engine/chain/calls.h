// The dev runtime's calls (docs/chain.md, "Calls of the dev runtime"): a tagged value and its
// SCALE encoding (pallet index || call index || arguments).
#ifndef DDC_ENGINE_CHAIN_CALLS_H_
#define DDC_ENGINE_CHAIN_CALLS_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ddc/chain.h"
#include "ddc/status.h"

namespace ddc::chain {

enum class CallKind : uint16_t {  // (pallet index << 8) | call index.
  kRemark = 0x0000,
  kRemarkWithEvent = 0x0007,
  kTimestampSet = 0x0100,
  kSudoAs = 0x0303,  // Genesis only: `call` applied with origin `account`.
  kTransfer = 0x0200,
  kForceSetBalance = 0x0208,
  kCreateCluster = 0x6400,
  kAddNode = 0x6401,
  kRemoveNode = 0x6402,
  kSetClusterParams = 0x6403,
  kCreateBucket = 0x6500,
  kRemoveBucket = 0x6501,
  kSetBucketParams = 0x6502,
  kDeposit = 0x6503,
  kWithdraw = 0x6504,
  kReportUsage = 0x6600,
  kPayout = 0x6601,
};

// One call; only the fields its kind uses are meaningful.
struct Call {
  CallKind kind = CallKind::kRemark;
  std::string remark;                      // kRemark, kRemarkWithEvent.
  uint64_t time_ms = 0;                    // kTimestampSet.
  AccountId account{};                     // kTransfer dest, kForceSetBalance and kSudoAs who.
  uint64_t amount = 0;                     // kTransfer, kForceSetBalance, kDeposit, kWithdraw.
  uint64_t cluster = 0;                    // Cluster calls; kCreateBucket.
  ClusterParams params;                    // kCreateCluster, kSetClusterParams.
  ClusterNode node;                        // kAddNode (key, address, mode); kRemoveNode (key).
  uint64_t bucket = 0;                     // Bucket calls.
  bool is_public = true;                   // kCreateBucket, kSetBucketParams.
  std::string inner;                       // kSudoAs: the encoded call applied as `account`.
  uint32_t era = 0;                        // kReportUsage, kPayout.
  Hash32 root{};                           // kReportUsage.
  std::vector<UsageAggregate> aggregates;  // kReportUsage.
};

std::string EncodeCall(const Call& call);
// Strict: the whole input is one call of a known kind with valid arguments.
Result<Call> DecodeCall(std::span<const uint8_t> bytes);

// "DdcCustomers.create_bucket" and the like, for messages.
const char* CallName(CallKind kind);

}  // namespace ddc::chain

#endif  // DDC_ENGINE_CHAIN_CALLS_H_
