// Proves that MemoryTree keeps the nodes of an RFC 9162 tree as it grows: its root and proofs
// equal the reference functions over the leaf list at every size up to a few hundred (and at
// older sizes after it has grown further), the root cache follows appends, moves keep the
// tree, Reserve changes nothing observable, and a tree of 2^20 leaves gives the reference root
// and proofs that verify. NodeSource calls are counted to show proofs read O(log n) nodes.
#include "engine/timeline/merkle_tree.h"

#include <gtest/gtest.h>

#include <bit>
#include <random>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace ddc::timeline {
namespace {

Hash LeafOf(uint64_t i) {
  uint8_t bytes[8];
  for (int k = 0; k < 8; ++k) bytes[k] = static_cast<uint8_t>(i >> (8 * k));
  return LeafHash(bytes);
}

// Counts PerfectNode calls made through it.
class CountingSource : public NodeSource {
 public:
  explicit CountingSource(const NodeSource& inner) : inner_(inner) {}
  Hash PerfectNode(int level, uint64_t index) const override {
    ++calls;
    return inner_.PerfectNode(level, index);
  }
  mutable uint64_t calls = 0;

 private:
  const NodeSource& inner_;
};

TEST(MemoryTreeTest, MatchesReferenceAtEverySize) {
  constexpr uint64_t kMax = 400;
  std::vector<Hash> leaves;
  MemoryTree tree;
  for (uint64_t n = 1; n <= kMax; ++n) {
    leaves.push_back(LeafOf(n));
    tree.AppendLeafHash(leaves.back());
    ASSERT_EQ(tree.size(), n);
    ASSERT_EQ(tree.Root(), RootOfLeaves(leaves)) << "size " << n;
    // At the current size the non-perfect subtrees come from the edge cache.
    for (uint64_t i = n - 1; i < n; i -= 1 + i / 3) {
      ASSERT_EQ(InclusionProof(tree, i, n), InclusionPathOfLeaves(leaves, i)) << i << "/" << n;
    }
    for (uint64_t m = 0; m <= n; m += 1 + n / 4) {
      ASSERT_EQ(ConsistencyProof(tree, m, n), ConsistencyProofOfLeaves(leaves, m)) << m << "/" << n;
    }
  }
  // After growing, every older size and a sample of its proofs still match the reference.
  for (uint64_t n = 1; n <= kMax; n += 7) {
    const std::span<const Hash> prefix(leaves.data(), n);
    ASSERT_EQ(RootAt(tree, n), RootOfLeaves(prefix)) << "size " << n;
    for (uint64_t i = 0; i < n; i += 5) {
      ASSERT_EQ(InclusionProof(tree, i, n), InclusionPathOfLeaves(prefix, i)) << i << "/" << n;
    }
    for (uint64_t m = 0; m <= n; m += 3) {
      ASSERT_EQ(ConsistencyProof(tree, m, n), ConsistencyProofOfLeaves(prefix, m)) << m << "/" << n;
    }
  }
}

// A NodeSource that only forwards PerfectNode, so EdgeRoot is NodeSource's uncached fold.
class PlainSource : public NodeSource {
 public:
  explicit PlainSource(const NodeSource& inner) : inner_(inner) {}
  Hash PerfectNode(int level, uint64_t index) const override {
    return inner_.PerfectNode(level, index);
  }

 private:
  const NodeSource& inner_;
};

TEST(MemoryTreeTest, EdgeCacheEqualsTheFoldAndFollowsAppends) {
  MemoryTree tree;
  const PlainSource plain(tree);
  for (uint64_t n = 1; n <= 300; ++n) {
    tree.AppendLeafHash(LeafOf(n));
    // Every right-edge start: n with its lowest set bits cleared, one after another.
    uint64_t begin = n;
    do {
      begin &= begin - 1;
      ASSERT_EQ(tree.EdgeRoot(begin, n), plain.EdgeRoot(begin, n)) << begin << "/" << n;
    } while (begin != 0);
    if (n > 1) {
      ASSERT_EQ(tree.EdgeRoot(0, n - 1), plain.EdgeRoot(0, n - 1));  // An older size.
    }
  }
}

TEST(MemoryTreeTest, PerfectNodesAreTheSubtreeRoots) {
  std::vector<Hash> leaves;
  MemoryTree tree;
  for (uint64_t i = 0; i < 64; ++i) {
    leaves.push_back(LeafOf(i));
    tree.AppendLeafHash(leaves.back());
  }
  for (int level = 0; level <= 6; ++level) {
    const uint64_t width = uint64_t{1} << level;
    for (uint64_t index = 0; (index + 1) * width <= 64; ++index) {
      const std::span<const Hash> range(leaves.data() + index * width, width);
      EXPECT_EQ(tree.PerfectNode(level, index), RootOfLeaves(range)) << level << "/" << index;
    }
  }
}

TEST(MemoryTreeTest, ProofsReadLogarithmicallyManyNodes) {
  MemoryTree tree;
  const uint64_t n = 1000;
  for (uint64_t i = 0; i < n; ++i) tree.AppendLeafHash(LeafOf(i));
  CountingSource counting(tree);
  uint64_t worst = 0;
  for (uint64_t size = 1; size <= n; ++size) {
    counting.calls = 0;
    (void)RootAt(counting, size);
    worst = std::max(worst, counting.calls);
    for (uint64_t i = 0; i < size; i += 17) {
      counting.calls = 0;
      (void)InclusionProof(counting, i, size);
      worst = std::max(worst, counting.calls);
    }
    for (uint64_t m = 0; m <= size; m += 13) {
      counting.calls = 0;
      (void)ConsistencyProof(counting, m, size);
      worst = std::max(worst, counting.calls);
    }
  }
  // log2(1000) < 10: three walks of at most one node per level bound every call.
  EXPECT_LE(worst, 3u * 10u);
  EXPECT_GE(worst, 10u);  // And the count is real: a deep proof needs ~log n nodes.
}

TEST(MemoryTreeTest, RootCacheFollowsAppendsAndMovesKeepTheTree) {
  MemoryTree tree;
  EXPECT_EQ(tree.Root(), EmptyRoot());
  EXPECT_EQ(tree.size(), 0u);
  tree.AppendLeafHash(LeafOf(0));
  const Hash one = tree.Root();
  EXPECT_EQ(one, LeafOf(0));
  tree.AppendLeafHash(LeafOf(1));
  EXPECT_NE(tree.Root(), one);
  EXPECT_EQ(tree.Root(), NodeHash(LeafOf(0), LeafOf(1)));

  MemoryTree moved(std::move(tree));
  EXPECT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved.Root(), NodeHash(LeafOf(0), LeafOf(1)));
  EXPECT_EQ(tree.size(), 0u);  // NOLINT(bugprone-use-after-move): moves leave it empty.
  EXPECT_EQ(tree.Root(), EmptyRoot());
  MemoryTree assigned;
  assigned.AppendLeafHash(LeafOf(9));
  assigned = std::move(moved);
  EXPECT_EQ(assigned.size(), 2u);
  EXPECT_EQ(assigned.Root(), NodeHash(LeafOf(0), LeafOf(1)));
}

TEST(MemoryTreeTest, ReserveChangesNothingObservable) {
  MemoryTree a;
  MemoryTree b;
  b.Reserve(1000);
  const size_t reserved = b.MemoryBytes();
  EXPECT_GE(reserved, 1000 * sizeof(Hash));
  for (uint64_t i = 0; i < 777; ++i) {
    a.AppendLeafHash(LeafOf(i));
    b.AppendLeafHash(LeafOf(i));
  }
  EXPECT_EQ(a.Root(), b.Root());
  EXPECT_EQ(b.MemoryBytes(), reserved);  // No reallocation below the reserved size.
}

TEST(MemoryTreeTest, MillionLeafTree) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  constexpr uint64_t kLeaves = uint64_t{1} << 20;
  std::vector<Hash> leaves;
  leaves.reserve(kLeaves);
  MemoryTree tree;
  tree.Reserve(kLeaves);
  for (uint64_t i = 0; i < kLeaves; ++i) {
    leaves.push_back(LeafOf(i));
    tree.AppendLeafHash(leaves.back());
  }
  ASSERT_EQ(tree.size(), kLeaves);
  EXPECT_EQ(tree.Root(), RootOfLeaves(leaves));
  // About two hashes per leaf (leaves plus 2^20 - 1 inner nodes).
  EXPECT_GE(tree.MemoryBytes(), (2 * kLeaves - 1) * sizeof(Hash));
  EXPECT_LE(tree.MemoryBytes(), 2 * kLeaves * sizeof(Hash) + 4096);

  std::mt19937_64 rng(seed);
  for (int round = 0; round < 2000; ++round) {
    const uint64_t size = 1 + rng() % kLeaves;
    const uint64_t index = rng() % size;
    const Hash root = RootAt(tree, size);
    const std::vector<Hash> proof = InclusionProof(tree, index, size);
    ASSERT_EQ(proof.size(), InclusionProofLength(index, size));
    ASSERT_OK(VerifyInclusion(index, size, leaves[index], proof, root));
    const uint64_t old_size = rng() % (size + 1);
    ASSERT_OK(VerifyConsistency(old_size, size, RootAt(tree, old_size), root,
                                ConsistencyProof(tree, old_size, size)));
  }
  // Two full comparisons with the O(n) reference at the largest size.
  for (const uint64_t index : {uint64_t{0}, kLeaves - 1 - (rng() % 1000)}) {
    EXPECT_EQ(InclusionProof(tree, index, kLeaves), InclusionPathOfLeaves(leaves, index));
  }
  const uint64_t old_size = 1 + rng() % (kLeaves - 1);
  EXPECT_EQ(ConsistencyProof(tree, old_size, kLeaves), ConsistencyProofOfLeaves(leaves, old_size));
}

}  // namespace
}  // namespace ddc::timeline
