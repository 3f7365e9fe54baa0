// Proves that BatchTree (all inclusion paths of a batch in O(n log n)) gives exactly the root and
// paths of the RFC 9162 reference functions in engine/timeline/merkle.h, for every batch size up
// to 70 and every index, and that its paths verify with RootFromInclusionProof; PathEquals
// (the append path's allocation-free check) agrees with comparing Path.
#include "engine/event/batch_tree.h"

#include <gtest/gtest.h>

#include <span>
#include <vector>

#include "engine/base/hash.h"

namespace ddc::event_internal {
namespace {

// n distinct leaf hashes that also differ from those of every other size.
std::vector<timeline::Hash> Leaves(uint64_t n) {
  std::vector<timeline::Hash> leaves;
  for (uint64_t i = 0; i < n; ++i) {
    const uint8_t data[2] = {static_cast<uint8_t>(i), static_cast<uint8_t>(n)};
    leaves.push_back(timeline::LeafHash(data));
  }
  return leaves;
}

TEST(BatchTreeTest, MatchesTheReferenceForEverySmallSize) {
  for (uint64_t n = 1; n <= 70; ++n) {
    const std::vector<timeline::Hash> leaves = Leaves(n);
    const BatchTree tree(leaves);
    ASSERT_EQ(tree.size(), n);
    ASSERT_EQ(tree.root(), timeline::RootOfLeaves(leaves)) << n;
    for (uint64_t i = 0; i < n; ++i) {
      const std::vector<timeline::Hash> path = tree.Path(i);
      ASSERT_EQ(path, timeline::InclusionPathOfLeaves(leaves, i)) << i << " of " << n;
      Result<timeline::Hash> root = timeline::RootFromInclusionProof(i, n, leaves[i], path);
      ASSERT_TRUE(root.ok());
      ASSERT_EQ(*root, tree.root());
    }
  }
}

// PathEquals(i, p) is Path(i) == p: true for the right path, false for a path with one hash
// changed, one dropped, one added, or another index's path.
TEST(BatchTreeTest, PathEqualsAgreesWithPath) {
  for (uint64_t n = 1; n <= 40; ++n) {
    const std::vector<timeline::Hash> leaves = Leaves(n);
    const BatchTree tree(leaves);
    for (uint64_t i = 0; i < n; ++i) {
      const std::vector<timeline::Hash> path = tree.Path(i);
      ASSERT_TRUE(tree.PathEquals(i, path)) << i << " of " << n;
      for (size_t h = 0; h < path.size(); ++h) {
        std::vector<timeline::Hash> changed = path;
        changed[h][h % 32] ^= 1;
        ASSERT_FALSE(tree.PathEquals(i, changed)) << i << " of " << n << " hash " << h;
      }
      if (!path.empty()) {
        ASSERT_FALSE(tree.PathEquals(i, std::span(path).first(path.size() - 1)));
      }
      std::vector<timeline::Hash> longer = path;
      longer.push_back(leaves[i]);
      ASSERT_FALSE(tree.PathEquals(i, longer)) << i << " of " << n;
      for (uint64_t j = 0; j < n; ++j) {
        ASSERT_EQ(tree.PathEquals(j, path), tree.Path(j) == path) << i << ", " << j << " of " << n;
      }
    }
  }
}

}  // namespace
}  // namespace ddc::event_internal
