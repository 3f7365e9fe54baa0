// Merkle trees that grow (per-user timelines, the journal) and their proofs, built from stored
// nodes in O(log n) without rehashing leaves; hashing is RFC 9162 section 2.1 (merkle.h).
//
// A tree of `size` leaves is the perfect subtrees of its size's binary decomposition, largest
// first: size 13 = 8 + 4 + 1 is the perfect subtrees over leaves [0,8), [8,12) and [12,13).
// RFC 9162's MTH of any subtree that is not perfect is the node hash of that decomposition
// folded right to left, so every root, inclusion proof and consistency proof needs only
// O(log n) perfect-subtree hashes, which a NodeSource supplies (MemoryTree keeps all of them).
//
// The free functions are pure given their NodeSource and thread-safe when it is.
#ifndef DDC_ENGINE_TIMELINE_MERKLE_TREE_H_
#define DDC_ENGINE_TIMELINE_MERKLE_TREE_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "ddc/status.h"
#include "engine/timeline/merkle.h"

namespace ddc::timeline {

// Where the hashes of a tree's perfect subtrees come from (memory, a node file, a cache).
class NodeSource {
 public:
  virtual ~NodeSource();

  // The MTH of the perfect subtree of 2^level leaves starting at leaf index << level: the leaf
  // hash itself at level 0. REQUIRES: the subtree is complete within the tree's current size,
  // i.e. (index + 1) << level <= size(), and level < 64.
  virtual Hash PerfectNode(int level, uint64_t index) const = 0;

  // MTH of leaves [begin, size): a subtree on the right edge of the tree of `size` leaves,
  // where `begin` is `size` with some of its lowest set bits cleared (0 gives the root). Every
  // subtree of a proof that is not perfect is one of these. The default folds the perfect
  // subtrees of size - begin right to left: popcount(size - begin) PerfectNode calls and one
  // node hash fewer. A source may cache the folds for the sizes it serves most (MemoryTree
  // does for its current size). REQUIRES: begin < size <= the source's size.
  virtual Hash EdgeRoot(uint64_t begin, uint64_t size) const;
};

// MTH of the first `size` leaves: EmptyRoot() for 0. At most 64 PerfectNode calls and
// popcount(size) - 1 node hashes. REQUIRES: size <= the source's size.
Hash RootAt(const NodeSource& source, uint64_t size);

// PATH(index, D[size]) of RFC 9162 2.1.3.1, leaf's sibling first; InclusionProofLength(index,
// size) hashes. REQUIRES: index < size <= the source's size.
std::vector<Hash> InclusionProof(const NodeSource& source, uint64_t index, uint64_t size);

// PROOF(old_size, D[new_size]) of RFC 9162 2.1.4.1; ConsistencyProofLength(old_size, new_size)
// hashes, empty when old_size is 0 or equal to new_size.
// REQUIRES: old_size <= new_size <= the source's size.
std::vector<Hash> ConsistencyProof(const NodeSource& source, uint64_t old_size, uint64_t new_size);

// Verifies that the tree of `new_size` leaves with root `new_root` extends the tree of
// `old_size` leaves with root `old_root` (RFC 9162 2.1.4.2). Also decides the cases the RFC
// leaves to the caller: equal sizes need an empty proof and equal roots; old size 0 needs an
// empty proof and old_root == EmptyRoot(). Every rejection is InvalidArgument "consistency
// proof: ..." saying which check failed (sizes out of order, proof length, old root, new root).
Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, std::span<const Hash> proof);

// Verifies that `leaf_hash` is leaf `index` of the tree of `size` leaves with root `root`
// (RFC 9162 2.1.3.2, via RootFromInclusionProof). InvalidArgument "inclusion proof: ..." names
// the failed check.
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root);

// A tree held entirely in memory: every perfect node, level 0 being the leaf hashes and level
// l the MTH of each complete run of 2^l leaves, i.e. about 2 * 32 bytes per leaf. Appends are
// amortized O(1) node hashes (a parent is hashed once, when its right child completes); the
// root and the other right-edge folds of the current size are cached until the next append.
//
// Thread safety: not synchronized. The store appends under an exclusive lock and reads under
// a shared one: const members may run concurrently with each other (the edge cache has its
// own mutex), never with AppendLeafHash/Reserve/moves. The tree is append-only, so a node within
// an older size never changes as the tree grows: readers may serve any size up to the
// published one (RootAt/InclusionProof/ConsistencyProof with that size) and get the same
// answer as when that size was current.
class MemoryTree final : public NodeSource {
 public:
  MemoryTree() = default;
  MemoryTree(const MemoryTree&) = delete;
  MemoryTree& operator=(const MemoryTree&) = delete;
  // Moves leave `other` empty. REQUIRES: no concurrent use of either tree.
  MemoryTree(MemoryTree&& other) noexcept;
  MemoryTree& operator=(MemoryTree&& other) noexcept;
  ~MemoryTree() override = default;

  // Appends a leaf (already LeafHash'ed) and completes the perfect nodes it closes.
  void AppendLeafHash(const Hash& leaf_hash);

  // Reserves storage for `leaf_count` leaves in total, so that appends up to it do not
  // reallocate.
  void Reserve(uint64_t leaf_count);

  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }

  // MTH of the whole tree (EmptyRoot() when empty), cached until the next append.
  Hash Root() const;

  // REQUIRES: (index + 1) << level <= size().
  Hash PerfectNode(int level, uint64_t index) const override;

  // Served from a cache of the right-edge folds when `size` is the current size (computed on
  // first use after an append: popcount(size) - 1 node hashes), else folded as NodeSource
  // does. This makes proofs at the current size cost no hashing at all.
  Hash EdgeRoot(uint64_t begin, uint64_t size) const override;

  // Heap bytes held by the node vectors (capacity, not size).
  size_t MemoryBytes() const;

 private:
  // levels_[l][i] = MTH of leaves [i << l, (i + 1) << l). levels_[l].size() == size() >> l.
  std::vector<std::vector<Hash>> levels_;

  // The right-edge folds at the current size (edge_[l] = EdgeRoot of the part that starts
  // with the perfect subtree of level l, for each set bit l of size()), so also the root;
  // guarded by its own mutex for concurrent readers of a tree that is not being appended to.
  mutable std::mutex edge_mutex_;
  mutable bool edge_valid_ = false;  // Guarded by edge_mutex_.
  mutable std::vector<Hash> edge_;   // Guarded by edge_mutex_; 64 entries once computed.
};

}  // namespace ddc::timeline

#endif  // DDC_ENGINE_TIMELINE_MERKLE_TREE_H_
