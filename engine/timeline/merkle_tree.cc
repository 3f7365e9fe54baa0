#include "engine/timeline/merkle_tree.h"

#include <array>
#include <bit>
#include <cassert>
#include <string>
#include <utility>

#include "engine/base/hex.h"

namespace ddc::timeline {
namespace {

int Log2(uint64_t power_of_two) { return std::countr_zero(power_of_two); }

// MTH of leaves [begin, begin + count), count >= 1, where `begin` is a multiple of
// bit_ceil(count) as every subtree of an RFC 9162 tree is: the perfect subtrees of count's
// binary decomposition, largest first, folded right to left.
Hash FoldRange(const NodeSource& source, uint64_t begin, uint64_t count) {
  assert(count >= 1);
  std::array<Hash, 64> parts;
  int n = 0;
  uint64_t cursor = begin;
  for (int level = static_cast<int>(std::bit_width(count)) - 1; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if ((count & width) == 0) continue;
    parts[n++] = source.PerfectNode(level, cursor >> level);
    cursor += width;
  }
  Hash acc = parts[n - 1];
  for (int i = n - 2; i >= 0; --i) acc = NodeHash(parts[i], acc);
  return acc;
}

// MTH of [begin, begin + count): one stored node when perfect, else a right-edge fold of the
// tree of begin + count leaves (every non-perfect subtree in a proof ends where its tree does).
Hash RangeRoot(const NodeSource& source, uint64_t begin, uint64_t count) {
  if (std::has_single_bit(count)) return source.PerfectNode(Log2(count), begin >> Log2(count));
  return source.EdgeRoot(begin, begin + count);
}

// The first bytes of a hash in hex, enough to tell hashes apart in an error message.
std::string ShortHex(const Hash& h) { return Hex(std::span(h).first(6)) + "..."; }

std::string Sizes(uint64_t old_size, uint64_t new_size) {
  return "sizes " + std::to_string(old_size) + " -> " + std::to_string(new_size);
}

}  // namespace

NodeSource::~NodeSource() = default;

namespace {
// True when `begin` is `size` with some of its lowest set bits cleared.
[[maybe_unused]] bool IsEdgeStart(uint64_t begin, uint64_t size) {
  if (begin >= size) return false;
  const int width = static_cast<int>(std::bit_width(size - begin));
  return width == 64 ? begin == 0 : begin % (uint64_t{1} << width) == 0;
}
}  // namespace

Hash NodeSource::EdgeRoot(uint64_t begin, uint64_t size) const {
  assert(IsEdgeStart(begin, size));
  return FoldRange(*this, begin, size - begin);
}

Hash RootAt(const NodeSource& source, uint64_t size) {
  if (size == 0) return EmptyRoot();
  return RangeRoot(source, 0, size);
}

std::vector<Hash> InclusionProof(const NodeSource& source, uint64_t index, uint64_t size) {
  assert(index < size);
  // Walks down from the root while the current subtree [begin, begin + n) is not perfect,
  // collecting the sibling of each step (top down); inside a perfect subtree every sibling is
  // one stored node.
  std::vector<Hash> top_down;
  uint64_t begin = 0;
  uint64_t n = size;
  uint64_t m = index;
  while (n > 1 && !std::has_single_bit(n)) {
    const uint64_t k = SplitPoint(n);
    if (m < k) {
      top_down.push_back(RangeRoot(source, begin + k, n - k));
      n = k;
    } else {
      top_down.push_back(source.PerfectNode(Log2(k), begin >> Log2(k)));
      begin += k;
      m -= k;
      n -= k;
    }
  }
  std::vector<Hash> proof;
  proof.reserve(InclusionProofLength(index, size));
  const int perfect_levels = n > 1 ? Log2(n) : 0;
  for (int level = 0; level < perfect_levels; ++level) {
    proof.push_back(source.PerfectNode(level, ((begin + m) >> level) ^ 1));
  }
  proof.insert(proof.end(), top_down.rbegin(), top_down.rend());
  return proof;
}

std::vector<Hash> ConsistencyProof(const NodeSource& source, uint64_t old_size, uint64_t new_size) {
  assert(old_size <= new_size);
  if (old_size == 0 || old_size == new_size) return {};
  // SUBPROOF(m, D[begin:begin+n], whole) unrolled: each step appends one hash after the
  // recursion's, so they are collected top down and reversed.
  std::vector<Hash> top_down;
  uint64_t begin = 0;
  uint64_t m = old_size;
  uint64_t n = new_size;
  bool whole = true;
  while (m != n) {
    const uint64_t k = SplitPoint(n);
    if (m <= k) {
      top_down.push_back(RangeRoot(source, begin + k, n - k));
      n = k;
    } else {
      top_down.push_back(source.PerfectNode(Log2(k), begin >> Log2(k)));
      begin += k;
      m -= k;
      n -= k;
      whole = false;
    }
  }
  std::vector<Hash> proof;
  proof.reserve(top_down.size() + 1);
  if (!whole) proof.push_back(RangeRoot(source, begin, n));
  proof.insert(proof.end(), top_down.rbegin(), top_down.rend());
  return proof;
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, std::span<const Hash> proof) {
  if (old_size > new_size) {
    return Status::InvalidArgument("consistency proof: old size " + std::to_string(old_size) +
                                   " exceeds new size " + std::to_string(new_size));
  }
  const uint64_t want = ConsistencyProofLength(old_size, new_size);
  if (proof.size() != want) {
    return Status::InvalidArgument("consistency proof: " + std::to_string(proof.size()) +
                                   " hashes where " + Sizes(old_size, new_size) + " need " +
                                   std::to_string(want));
  }
  if (old_size == new_size) {
    if (old_root != new_root) {
      return Status::InvalidArgument("consistency proof: equal sizes " + std::to_string(old_size) +
                                     " but the roots differ (" + ShortHex(old_root) + " vs " +
                                     ShortHex(new_root) + ")");
    }
    return Status::OK();
  }
  if (old_size == 0) {
    if (old_root != EmptyRoot()) {
      return Status::InvalidArgument("consistency proof: old root " + ShortHex(old_root) +
                                     " of size 0 is not the empty tree's root");
    }
    return Status::OK();
  }
  // RFC 9162 2.1.4.2. When the old tree is a perfect subtree of the new one its root is the
  // first node of the path and the proof omits it.
  const bool old_is_perfect = std::has_single_bit(old_size);
  size_t next = 0;
  auto take = [&]() -> const Hash& { return proof[next++]; };
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = old_is_perfect ? old_root : take();
  Hash sr = fr;
  while (next < proof.size()) {
    const Hash& c = take();
    if (sn == 0) {
      return Status::InvalidArgument("consistency proof: more hashes than the tree of size " +
                                     std::to_string(new_size) + " has levels");
    }
    if ((fn & 1) != 0 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return Status::InvalidArgument("consistency proof: too few hashes to reach the root of size " +
                                   std::to_string(new_size));
  }
  if (fr != old_root) {
    return Status::InvalidArgument("consistency proof: " + Sizes(old_size, new_size) +
                                   ": the proof leads to old root " + ShortHex(fr) +
                                   ", not the given " + ShortHex(old_root));
  }
  if (sr != new_root) {
    return Status::InvalidArgument("consistency proof: " + Sizes(old_size, new_size) +
                                   ": the proof leads to new root " + ShortHex(sr) +
                                   ", not the given " + ShortHex(new_root));
  }
  return Status::OK();
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root) {
  Result<Hash> computed = RootFromInclusionProof(index, size, leaf_hash, proof);
  if (!computed.ok()) return computed.status();
  if (*computed != root) {
    return Status::InvalidArgument("inclusion proof: leaf " + std::to_string(index) +
                                   " of a tree of " + std::to_string(size) + " leads to root " +
                                   ShortHex(*computed) + ", not the given " + ShortHex(root));
  }
  return Status::OK();
}

MemoryTree::MemoryTree(MemoryTree&& other) noexcept { *this = std::move(other); }

MemoryTree& MemoryTree::operator=(MemoryTree&& other) noexcept {
  if (this == &other) return *this;
  levels_ = std::move(other.levels_);
  other.levels_.clear();
  const std::scoped_lock lock(edge_mutex_, other.edge_mutex_);
  edge_valid_ = other.edge_valid_;
  edge_ = std::move(other.edge_);
  other.edge_valid_ = false;
  other.edge_.clear();
  return *this;
}

void MemoryTree::AppendLeafHash(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  // A node that is a right child (odd index) completes its parent.
  size_t level = 0;
  uint64_t i = levels_[0].size() - 1;
  while ((i & 1) != 0) {
    if (levels_.size() == level + 1) levels_.emplace_back();
    const Hash parent = NodeHash(levels_[level][i - 1], levels_[level][i]);
    levels_[level + 1].push_back(parent);
    ++level;
    i >>= 1;
  }
  const std::lock_guard lock(edge_mutex_);
  edge_valid_ = false;
}

void MemoryTree::Reserve(uint64_t leaf_count) {
  for (size_t level = 0; (leaf_count >> level) > 0; ++level) {
    if (levels_.size() == level) levels_.emplace_back();
    levels_[level].reserve(leaf_count >> level);
  }
}

Hash MemoryTree::Root() const {
  const uint64_t n = size();
  if (n == 0) return EmptyRoot();
  return EdgeRoot(0, n);
}

Hash MemoryTree::EdgeRoot(uint64_t begin, uint64_t size) const {
  assert(IsEdgeStart(begin, size));
  const uint64_t n = this->size();
  if (size != n) return NodeSource::EdgeRoot(begin, size);
  const std::lock_guard lock(edge_mutex_);
  if (!edge_valid_) {
    // Low set bits first: edge_[l] = node(part at level l, edge_[next lower set bit]).
    edge_.resize(64);
    bool have = false;
    Hash acc{};
    for (int level = 0; level < 64; ++level) {
      const uint64_t width = uint64_t{1} << level;
      if ((n & width) == 0) continue;
      const uint64_t start = level == 63 ? 0 : n & ~((width << 1) - 1);
      const Hash part = PerfectNode(level, start >> level);
      acc = have ? NodeHash(part, acc) : part;
      have = true;
      edge_[level] = acc;
    }
    edge_valid_ = true;
  }
  return edge_[std::bit_width(size - begin) - 1];
}

Hash MemoryTree::PerfectNode(int level, uint64_t index) const {
  assert(level >= 0 && static_cast<size_t>(level) < levels_.size());
  assert(index < levels_[level].size());
  return levels_[level][index];
}

size_t MemoryTree::MemoryBytes() const {
  size_t bytes = levels_.capacity() * sizeof(std::vector<Hash>);
  for (const std::vector<Hash>& level : levels_) bytes += level.capacity() * sizeof(Hash);
  return bytes;
}

}  // namespace ddc::timeline
