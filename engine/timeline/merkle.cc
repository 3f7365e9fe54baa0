#include "engine/timeline/merkle.h"

#include <bit>
#include <string>

#include "engine/base/hash.h"

namespace ddc::timeline {

Hash LeafHash(std::span<const uint8_t> data) {
  static constexpr uint8_t kPrefix[1] = {0x00};
  return Sha256({kPrefix, data});
}

Hash NodeHash(const Hash& left, const Hash& right) {
  static constexpr uint8_t kPrefix[1] = {0x01};
  return Sha256({kPrefix, left, right});
}

Hash EmptyRoot() { return Sha256({}); }

uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

Hash RootOfLeaves(std::span<const Hash> leaf_hashes) {
  const uint64_t n = leaf_hashes.size();
  if (n == 0) return EmptyRoot();
  if (n == 1) return leaf_hashes[0];
  const uint64_t k = SplitPoint(n);
  return NodeHash(RootOfLeaves(leaf_hashes.first(k)), RootOfLeaves(leaf_hashes.subspan(k)));
}

namespace {
void AppendPath(std::span<const Hash> leaves, uint64_t index, std::vector<Hash>* out) {
  const uint64_t n = leaves.size();
  if (n <= 1) return;
  const uint64_t k = SplitPoint(n);
  if (index < k) {
    AppendPath(leaves.first(k), index, out);
    out->push_back(RootOfLeaves(leaves.subspan(k)));
  } else {
    AppendPath(leaves.subspan(k), index - k, out);
    out->push_back(RootOfLeaves(leaves.first(k)));
  }
}
}  // namespace

std::vector<Hash> InclusionPathOfLeaves(std::span<const Hash> leaf_hashes, uint64_t index) {
  std::vector<Hash> out;
  AppendPath(leaf_hashes, index, &out);
  return out;
}

uint64_t InclusionProofLength(uint64_t index, uint64_t size) {
  // Below the level where the paths to `index` and to the last leaf meet, every level has a
  // sibling; above it, one per set bit of what remains of the last index.
  const uint64_t last = size - 1;
  const int inner = std::bit_width(index ^ last);
  return static_cast<uint64_t>(inner) + std::popcount(last >> inner);
}

Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                    std::span<const Hash> proof) {
  if (index >= size) {
    return Status::InvalidArgument("inclusion proof: leaf index " + std::to_string(index) +
                                   " is not below tree size " + std::to_string(size));
  }
  const uint64_t want = InclusionProofLength(index, size);
  if (proof.size() != want) {
    return Status::InvalidArgument("inclusion proof: " + std::to_string(proof.size()) +
                                   " hashes where leaf " + std::to_string(index) +
                                   " of a tree of " + std::to_string(size) + " needs " +
                                   std::to_string(want));
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if ((fn & 1) != 0 || fn == sn) {
      r = NodeHash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return r;
}

}  // namespace ddc::timeline
