// The Merkle tree of a signed batch, built once so that every event's inclusion path comes out
// in O(log n): timeline::InclusionPathOfLeaves recomputes subtrees per call, which is O(n) per
// event and O(n^2) for a batch of 65536.
//
// RFC 9162's MTH splits at the largest power of two below n. Built bottom-up, that is: hash
// pairs level by level and carry a level's odd last node up unchanged; every subtree MTH splits
// off is then a node of some level, and PATH(i) is, from the leaf up, each level's sibling of
// i's ancestor where one exists. tests/event/batch_tree_test.cc checks both against
// engine/timeline/merkle.h for every size up to 70 and every index.
#ifndef DDC_ENGINE_EVENT_BATCH_TREE_H_
#define DDC_ENGINE_EVENT_BATCH_TREE_H_

#include <cstdint>
#include <span>
#include <vector>

#include "engine/timeline/merkle.h"

namespace ddc::event_internal {

class BatchTree {
 public:
  // REQUIRES: !leaf_hashes.empty().
  explicit BatchTree(std::vector<timeline::Hash> leaf_hashes);

  const timeline::Hash& root() const { return levels_.back().front(); }
  uint64_t size() const { return levels_.front().size(); }
  // RFC 9162 PATH(index, D[n]), leaf level first. REQUIRES: index < size().
  std::vector<timeline::Hash> Path(uint64_t index) const;
  // Path(index) == path, without building Path(index): the append path checks every event of
  // a batch this way. REQUIRES: index < size().
  bool PathEquals(uint64_t index, std::span<const timeline::Hash> path) const;

 private:
  std::vector<std::vector<timeline::Hash>> levels_;  // levels_[0] = leaves; back() = {root}.
};

}  // namespace ddc::event_internal

#endif  // DDC_ENGINE_EVENT_BATCH_TREE_H_
