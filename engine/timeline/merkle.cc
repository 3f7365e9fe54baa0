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

namespace {
// SUBPROOF(m, D[0:n], b) of RFC 9162 2.1.4.1 over `leaves` (n = leaves.size()).
void AppendSubproof(std::span<const Hash> leaves, uint64_t m, bool whole, std::vector<Hash>* out) {
  const uint64_t n = leaves.size();
  if (m == n) {
    if (!whole) out->push_back(RootOfLeaves(leaves));
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    AppendSubproof(leaves.first(k), m, whole, out);
    out->push_back(RootOfLeaves(leaves.subspan(k)));
  } else {
    AppendSubproof(leaves.subspan(k), m - k, false, out);
    out->push_back(RootOfLeaves(leaves.first(k)));
  }
}
}  // namespace

std::vector<Hash> ConsistencyProofOfLeaves(std::span<const Hash> leaf_hashes, uint64_t old_size) {
  std::vector<Hash> out;
  if (old_size == 0 || old_size >= leaf_hashes.size()) return out;
  AppendSubproof(leaf_hashes, old_size, true, &out);
  return out;
}

uint64_t ConsistencyProofLength(uint64_t old_size, uint64_t new_size) {
  // Walks the SUBPROOF recursion counting one hash per level, plus the old subtree's own root
  // when the walk ends in a subtree that is not the old tree itself.
  if (old_size == 0 || old_size >= new_size) return 0;
  uint64_t m = old_size;
  uint64_t n = new_size;
  bool whole = true;
  uint64_t count = 0;
  while (m != n) {
    const uint64_t k = SplitPoint(n);
    if (m <= k) {
      n = k;
    } else {
      m -= k;
      n -= k;
      whole = false;
    }
    ++count;
  }
  return whole ? count : count + 1;
}

uint64_t InclusionProofLength(uint64_t index, uint64_t size) {
  // Below the level where the paths to `index` and to the last leaf meet, every level has a
  // sibling; above it, one per set bit of what remains of the last index.
  const uint64_t last = size - 1;
  const int inner = static_cast<int>(std::bit_width(index ^ last));
  // inner is 64 when the paths part at the root of a tree of more than 2^63 leaves; shifting a
  // 64-bit value by 64 is undefined, and nothing remains above the root anyway.
  const uint64_t above = inner < 64 ? last >> inner : 0;
  return static_cast<uint64_t>(inner) + static_cast<uint64_t>(std::popcount(above));
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
