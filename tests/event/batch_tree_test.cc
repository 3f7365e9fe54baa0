// Proves that BatchTree (all inclusion paths of a batch in O(n log n)) gives exactly the root and
// paths of the RFC 9162 reference functions in engine/timeline/merkle.h, for every batch size up
// to 70 and every index, and that its paths verify with RootFromInclusionProof.
#include "engine/event/batch_tree.h"

#include <gtest/gtest.h>

#include <vector>

#include "engine/base/hash.h"

namespace ddc::event_internal {
namespace {

TEST(BatchTreeTest, MatchesTheReferenceForEverySmallSize) {
  for (uint64_t n = 1; n <= 70; ++n) {
    std::vector<timeline::Hash> leaves;
    for (uint64_t i = 0; i < n; ++i) {
      const uint8_t data[2] = {static_cast<uint8_t>(i), static_cast<uint8_t>(n)};
      leaves.push_back(timeline::LeafHash(data));
    }
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

}  // namespace
}  // namespace ddc::event_internal
