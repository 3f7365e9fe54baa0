// Merkle tree hashing exactly as RFC 9162 (Certificate Transparency v2, section 2.1) with
// SHA-256, so that standard transparency-log verifiers check ddc's proofs unchanged:
//   leaf hash  = SHA-256(0x00 || leaf data)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256("")
//   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two below n.
//
// The functions here are pure and thread-safe. Those over a whole list of leaf hashes are the
// reference definitions, for small trees (a signed batch of events) and for tests; trees that
// grow (timelines, the journal) build their proofs from stored nodes (merkle_tree.h).
#ifndef DDC_ENGINE_TIMELINE_MERKLE_H_
#define DDC_ENGINE_TIMELINE_MERKLE_H_

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "ddc/status.h"

namespace ddc::timeline {

using Hash = std::array<uint8_t, 32>;

Hash LeafHash(std::span<const uint8_t> data);
Hash NodeHash(const Hash& left, const Hash& right);
Hash EmptyRoot();

// The largest power of two strictly below n. REQUIRES: n >= 2.
uint64_t SplitPoint(uint64_t n);

// MTH over `leaf_hashes` (already leaf-hashed).
Hash RootOfLeaves(std::span<const Hash> leaf_hashes);

// PATH(index, D[n]) of RFC 9162 2.1.3.1. REQUIRES: index < leaf_hashes.size().
std::vector<Hash> InclusionPathOfLeaves(std::span<const Hash> leaf_hashes, uint64_t index);

// The number of hashes in an inclusion proof for `index` in a tree of `size` leaves.
// REQUIRES: index < size.
uint64_t InclusionProofLength(uint64_t index, uint64_t size);

// PROOF(old_size, D[n]) of RFC 9162 2.1.4.1 (the SUBPROOF recursion over the whole list): the
// consistency proof from the tree of the first `old_size` leaves to the tree of all of them.
// Empty when old_size is 0 or the whole list. REQUIRES: old_size <= leaf_hashes.size().
std::vector<Hash> ConsistencyProofOfLeaves(std::span<const Hash> leaf_hashes, uint64_t old_size);

// The number of hashes in a consistency proof from `old_size` to `new_size` leaves: 0 when
// old_size is 0 or equal to new_size. REQUIRES: old_size <= new_size.
uint64_t ConsistencyProofLength(uint64_t old_size, uint64_t new_size);

// The root a valid inclusion proof implies (RFC 9162 2.1.3.2), or InvalidArgument saying why
// the proof cannot be one (index beyond size, wrong length). The caller compares the result
// with a trusted root.
Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                    std::span<const Hash> proof);

}  // namespace ddc::timeline

#endif  // DDC_ENGINE_TIMELINE_MERKLE_H_
