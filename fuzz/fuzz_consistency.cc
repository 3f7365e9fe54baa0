// libFuzzer target for the verifiers of Merkle proofs from outside: VerifyConsistency,
// RootFromInclusionProof and VerifyInclusion over arbitrary sizes, roots and hash lists, which
// must never crash whatever they are given. It also grows a small MemoryTree from the input
// and checks that the proofs it builds verify and that a proof with one flipped bit does not.
//
// Input layout: byte 0 picks how the three sizes are read (masked to small values most of the
// time, so that the proof lengths match and the hashing paths run); then 3 x 8 bytes of sizes
// / index (little-endian), then 32-byte hashes: old root, new root (also the inclusion root
// and leaf), the rest the proof.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "engine/timeline/merkle.h"
#include "engine/timeline/merkle_tree.h"

namespace {

using ddc::timeline::Hash;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "fuzz_consistency: %s\n", what);
  std::abort();
}

uint64_t ReadU64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 + 24) return 0;
  const uint8_t mode = data[0];
  uint64_t a = ReadU64(data + 1);
  uint64_t b = ReadU64(data + 9);
  uint64_t index = ReadU64(data + 17);
  if ((mode & 3) != 0) {  // Small sizes, where proofs of the right length are likely.
    const uint64_t mask = (mode & 3) == 1 ? 0xff : 0xffff;
    a &= mask;
    b &= mask;
    index &= mask;
  }
  std::vector<Hash> hashes;
  for (size_t off = 25; off + 32 <= size; off += 32) {
    Hash h;
    for (size_t i = 0; i < 32; ++i) h[i] = data[off + i];
    hashes.push_back(h);
  }
  const Hash zero{};
  const Hash& old_root = hashes.size() > 0 ? hashes[0] : zero;
  const Hash& new_root = hashes.size() > 1 ? hashes[1] : zero;
  const std::span<const Hash> proof =
      hashes.size() > 2 ? std::span<const Hash>(hashes).subspan(2) : std::span<const Hash>();

  (void)ddc::timeline::VerifyConsistency(a, b, old_root, new_root, proof);
  (void)ddc::timeline::RootFromInclusionProof(index, b, old_root, proof);
  (void)ddc::timeline::VerifyInclusion(index, b, old_root, proof, new_root);
  if (a <= b) (void)ddc::timeline::ConsistencyProofLength(a, b);
  if (index < b) (void)ddc::timeline::InclusionProofLength(index, b);

  // A real tree over the input's hashes (as leaves): its own proofs verify, mutated ones fail.
  const uint64_t n = hashes.size();
  if (n == 0 || n > 64) return 0;
  ddc::timeline::MemoryTree tree;
  for (const Hash& h : hashes) tree.AppendLeafHash(h);
  const uint64_t new_size = 1 + b % n;
  const uint64_t old_size = a % (new_size + 1);
  const uint64_t leaf = index % new_size;
  const Hash root = ddc::timeline::RootAt(tree, new_size);
  const Hash old = ddc::timeline::RootAt(tree, old_size);
  std::vector<Hash> cproof = ddc::timeline::ConsistencyProof(tree, old_size, new_size);
  if (!ddc::timeline::VerifyConsistency(old_size, new_size, old, root, cproof).ok()) {
    Fail("a tree's own consistency proof does not verify");
  }
  std::vector<Hash> iproof = ddc::timeline::InclusionProof(tree, leaf, new_size);
  if (!ddc::timeline::VerifyInclusion(leaf, new_size, hashes[leaf], iproof, root).ok()) {
    Fail("a tree's own inclusion proof does not verify");
  }
  if (!cproof.empty()) {
    cproof[mode % cproof.size()][mode % 32] ^= 1;
    if (ddc::timeline::VerifyConsistency(old_size, new_size, old, root, cproof).ok()) {
      Fail("a mutated consistency proof verifies");
    }
  }
  if (!iproof.empty()) {
    iproof[mode % iproof.size()][mode % 32] ^= 2;
    if (ddc::timeline::VerifyInclusion(leaf, new_size, hashes[leaf], iproof, root).ok()) {
      Fail("a mutated inclusion proof verifies");
    }
  }
  return 0;
}
