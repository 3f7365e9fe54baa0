#include "engine/event/batch_tree.h"

#include <cassert>
#include <utility>

namespace ddc::event_internal {

BatchTree::BatchTree(std::vector<timeline::Hash> leaf_hashes) {
  assert(!leaf_hashes.empty());
  levels_.push_back(std::move(leaf_hashes));
  while (levels_.back().size() > 1) {
    const std::vector<timeline::Hash>& below = levels_.back();
    std::vector<timeline::Hash> up;
    up.reserve((below.size() + 1) / 2);
    for (size_t i = 0; i + 1 < below.size(); i += 2) {
      up.push_back(timeline::NodeHash(below[i], below[i + 1]));
    }
    if (below.size() % 2 == 1) up.push_back(below.back());  // Carried up unchanged.
    levels_.push_back(std::move(up));
  }
}

std::vector<timeline::Hash> BatchTree::Path(uint64_t index) const {
  assert(index < size());
  std::vector<timeline::Hash> path;
  for (size_t level = 0; level + 1 < levels_.size(); ++level) {
    const uint64_t sibling = index ^ 1;
    if (sibling < levels_[level].size()) path.push_back(levels_[level][sibling]);
    index >>= 1;
  }
  return path;
}

bool BatchTree::PathEquals(uint64_t index, std::span<const timeline::Hash> path) const {
  assert(index < size());
  size_t at = 0;
  for (size_t level = 0; level + 1 < levels_.size(); ++level) {
    const uint64_t sibling = index ^ 1;
    if (sibling < levels_[level].size()) {
      if (at == path.size() || path[at] != levels_[level][sibling]) return false;
      ++at;
    }
    index >>= 1;
  }
  return at == path.size();
}

}  // namespace ddc::event_internal
