// Usage reports' leaves, roots and costs (docs/chain.md, "Usage and payouts").
#include <vector>

#include "ddc/chain.h"
#include "engine/chain/scale.h"
#include "engine/timeline/merkle.h"

namespace ddc::chain {
namespace {

// 128-bit products for prices times amounts (a GCC/Clang extension, hence __extension__).
__extension__ using U128 = unsigned __int128;

std::vector<timeline::Hash> Leaves(std::span<const UsageAggregate> aggregates) {
  std::vector<timeline::Hash> leaves;
  leaves.reserve(aggregates.size());
  for (const auto& a : aggregates) leaves.push_back(timeline::LeafHash(AsByteSpan(UsageLeaf(a))));
  return leaves;
}

// a * price / 2^30, in 128 bits, saturated.
uint64_t PerGib(uint64_t bytes, uint64_t price) {
  const U128 v = static_cast<U128>(bytes) * price >> 30;
  return v > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(v);
}

uint64_t SaturatingAdd(uint64_t a, uint64_t b) { return UINT64_MAX - a < b ? UINT64_MAX : a + b; }

uint64_t SaturatingMul(uint64_t a, uint64_t b) {
  const U128 v = static_cast<U128>(a) * b;
  return v > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(v);
}

}  // namespace

std::string UsageLeaf(const UsageAggregate& a) {
  ScaleWriter w;
  w.U64(a.bucket);
  w.U64(a.stored_bytes);
  w.U64(a.delivered_bytes);
  w.U64(a.puts);
  w.U64(a.gets);
  return w.Take();
}

Hash32 UsageRoot(std::span<const UsageAggregate> aggregates) {
  return timeline::RootOfLeaves(Leaves(aggregates));
}

std::vector<Hash32> UsagePath(std::span<const UsageAggregate> aggregates, size_t index) {
  return timeline::InclusionPathOfLeaves(Leaves(aggregates), index);
}

bool VerifyUsageLeaf(const Hash32& root, uint64_t count, uint64_t index,
                     const UsageAggregate& aggregate, std::span<const Hash32> path) {
  const auto got = timeline::RootFromInclusionProof(
      index, count, timeline::LeafHash(AsByteSpan(UsageLeaf(aggregate))), path);
  return got.ok() && *got == root;
}

uint64_t UsageCost(const UsageAggregate& a, const ClusterParams& p) {
  uint64_t cost = PerGib(a.stored_bytes, p.price_per_gb_stored);
  cost = SaturatingAdd(cost, PerGib(a.delivered_bytes, p.price_per_gb_delivered));
  cost = SaturatingAdd(cost, SaturatingMul(a.puts, p.price_per_put));
  return SaturatingAdd(cost, SaturatingMul(a.gets, p.price_per_get));
}

}  // namespace ddc::chain
