// Proves that ddc's Merkle trees are RFC 6962 / RFC 9162 trees and that its proof verifiers
// accept exactly the proofs the trees produce:
//  - the Certificate Transparency known-answer vectors (tests/vectors/merkle_rfc6962.json: the
//    classic 8 leaves, the root at every size 1..8, inclusion and consistency proofs) are
//    reproduced by the reference functions over leaf lists (merkle.h), by proofs built from a
//    MemoryTree's stored nodes (merkle_tree.h), and accepted by the verifiers;
//  - for every size up to 300 and every leaf, the stored-node inclusion proof equals the
//    reference PATH, has InclusionProofLength hashes and verifies, while every mutation of it
//    (a flipped bit in any hash, the leaf or the root; a wrong index; a wrong size with that
//    size's root; a dropped or an added hash) fails;
//  - the same for consistency proofs between every pair of sizes up to 150, plus the edge
//    cases RFC 9162 leaves to the verifier (equal sizes, an empty old tree, sizes reversed).
// Leaves of the property tests are random (seed printed, DDC_TEST_SEED replays).
#include "engine/timeline/merkle.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "engine/timeline/merkle_tree.h"
#include "tests/log/vector_file.h"
#include "tests/test_util.h"
#include "tests/timeline/json_value.h"

namespace ddc::timeline {
namespace {

Hash HashFromHex(const std::string& hex) {
  std::vector<uint8_t> bytes;
  Hash h{};
  EXPECT_TRUE(test::FromHex(hex, &bytes)) << hex;
  EXPECT_EQ(bytes.size(), h.size()) << hex;
  std::copy_n(bytes.begin(), std::min(bytes.size(), h.size()), h.begin());
  return h;
}

std::vector<Hash> HashesFromJson(const test::JsonValue& array) {
  std::vector<Hash> out;
  for (const test::JsonValue& v : array.array) out.push_back(HashFromHex(v.string));
  return out;
}

std::string Hex(const Hash& h) { return test::ToHex(h); }

Hash FlipBit(Hash h, size_t bit) {
  h[(bit / 8) % h.size()] ^= static_cast<uint8_t>(1u << (bit % 8));
  return h;
}

// The eight leaves of the vector file, leaf-hashed, and the file itself.
struct Vectors {
  test::JsonValue json;
  std::vector<Hash> leaf_hashes;
};

Vectors LoadVectors() {
  Vectors v;
  v.json = test::ReadJsonVector("merkle_rfc6962.json");
  for (const test::JsonValue& leaf : v.json["leaves"].array) {
    std::vector<uint8_t> data;
    EXPECT_TRUE(test::FromHex(leaf.string, &data));
    v.leaf_hashes.push_back(LeafHash(data));
  }
  return v;
}

MemoryTree TreeOf(const std::vector<Hash>& leaf_hashes) {
  MemoryTree tree;
  for (const Hash& h : leaf_hashes) tree.AppendLeafHash(h);
  return tree;
}

TEST(MerkleVectorsTest, RootsAtEverySize) {
  const Vectors v = LoadVectors();
  ASSERT_FALSE(v.json.is_null()) << "cannot read tests/vectors/merkle_rfc6962.json";
  ASSERT_EQ(v.leaf_hashes.size(), 8u);
  const std::vector<Hash> roots = HashesFromJson(v.json["roots"]);
  ASSERT_EQ(roots.size(), 8u);
  EXPECT_EQ(Hex(EmptyRoot()), v.json["empty_root"].string);

  MemoryTree tree;
  EXPECT_EQ(tree.Root(), EmptyRoot());
  for (size_t n = 1; n <= 8; ++n) {
    SCOPED_TRACE("size " + std::to_string(n));
    const std::span<const Hash> prefix(v.leaf_hashes.data(), n);
    EXPECT_EQ(Hex(RootOfLeaves(prefix)), Hex(roots[n - 1]));
    tree.AppendLeafHash(v.leaf_hashes[n - 1]);
    EXPECT_EQ(Hex(tree.Root()), Hex(roots[n - 1]));
    EXPECT_EQ(Hex(RootAt(tree, n)), Hex(roots[n - 1]));
  }
  // Every older size is still served by the grown tree.
  for (size_t n = 1; n <= 8; ++n) EXPECT_EQ(Hex(RootAt(tree, n)), Hex(roots[n - 1]));
}

TEST(MerkleVectorsTest, InclusionProofs) {
  const Vectors v = LoadVectors();
  ASSERT_FALSE(v.json.is_null());
  const std::vector<Hash> roots = HashesFromJson(v.json["roots"]);
  const MemoryTree tree = TreeOf(v.leaf_hashes);
  ASSERT_EQ(v.json["inclusion"].array.size(), 5u);
  for (const test::JsonValue& c : v.json["inclusion"].array) {
    const uint64_t index = c["index"].number;
    const uint64_t size = c["size"].number;
    SCOPED_TRACE("leaf " + std::to_string(index) + " of " + std::to_string(size));
    const std::vector<Hash> want = HashesFromJson(c["proof"]);
    const std::span<const Hash> leaves(v.leaf_hashes.data(), size);
    EXPECT_EQ(InclusionPathOfLeaves(leaves, index), want);
    EXPECT_EQ(InclusionProof(tree, index, size), want);
    EXPECT_EQ(InclusionProofLength(index, size), want.size());
    Result<Hash> root = RootFromInclusionProof(index, size, v.leaf_hashes[index], want);
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    EXPECT_EQ(Hex(*root), Hex(roots[size - 1]));
    EXPECT_OK(VerifyInclusion(index, size, v.leaf_hashes[index], want, roots[size - 1]));
  }
}

TEST(MerkleVectorsTest, ConsistencyProofs) {
  const Vectors v = LoadVectors();
  ASSERT_FALSE(v.json.is_null());
  const std::vector<Hash> roots = HashesFromJson(v.json["roots"]);
  const MemoryTree tree = TreeOf(v.leaf_hashes);
  ASSERT_EQ(v.json["consistency"].array.size(), 5u);
  for (const test::JsonValue& c : v.json["consistency"].array) {
    const uint64_t old_size = c["old_size"].number;
    const uint64_t new_size = c["new_size"].number;
    SCOPED_TRACE(std::to_string(old_size) + " -> " + std::to_string(new_size));
    const std::vector<Hash> want = HashesFromJson(c["proof"]);
    const std::span<const Hash> leaves(v.leaf_hashes.data(), new_size);
    EXPECT_EQ(ConsistencyProofOfLeaves(leaves, old_size), want);
    EXPECT_EQ(ConsistencyProof(tree, old_size, new_size), want);
    EXPECT_EQ(ConsistencyProofLength(old_size, new_size), want.size());
    EXPECT_OK(
        VerifyConsistency(old_size, new_size, roots[old_size - 1], roots[new_size - 1], want));
  }
}

TEST(MerkleTest, SplitPointAndProofLengths) {
  EXPECT_EQ(SplitPoint(2), 1u);
  EXPECT_EQ(SplitPoint(3), 2u);
  EXPECT_EQ(SplitPoint(4), 2u);
  EXPECT_EQ(SplitPoint(5), 4u);
  EXPECT_EQ(SplitPoint(uint64_t{1} << 40), uint64_t{1} << 39);
  EXPECT_EQ(SplitPoint((uint64_t{1} << 40) + 1), uint64_t{1} << 40);
  EXPECT_EQ(InclusionProofLength(0, 1), 0u);
  EXPECT_EQ(InclusionProofLength(4, 5), 1u);
  EXPECT_EQ(InclusionProofLength(0, 5), 3u);
  EXPECT_EQ(InclusionProofLength(6, 7), 2u);
  EXPECT_EQ(InclusionProofLength(0, uint64_t{1} << 63), 63u);
  // Trees of more than 2^63 leaves are 64 levels deep; the leaf's path and the last leaf's
  // part at the root (this once shifted a 64-bit value by 64, found by fuzz_consistency).
  constexpr uint64_t kMax = ~uint64_t{0};
  EXPECT_EQ(InclusionProofLength(0, (uint64_t{1} << 63) + 1), 64u);
  EXPECT_EQ(InclusionProofLength(0, kMax), 64u);
  EXPECT_EQ(InclusionProofLength(kMax - 1, kMax), 63u);
  EXPECT_EQ(InclusionProofLength(uint64_t{1} << 63, (uint64_t{1} << 63) + 1), 1u);
  EXPECT_EQ(ConsistencyProofLength(1, kMax), 64u);
  EXPECT_EQ(ConsistencyProofLength(uint64_t{1} << 63, kMax), 1u);
  EXPECT_EQ(ConsistencyProofLength(0, 9), 0u);
  EXPECT_EQ(ConsistencyProofLength(9, 9), 0u);
  EXPECT_EQ(ConsistencyProofLength(4, 8), 1u);
  EXPECT_EQ(ConsistencyProofLength(3, 8), 4u);
}

// Random leaves, a tree over them, and the root at every size.
struct RandomTree {
  std::vector<Hash> leaves;
  MemoryTree tree;
  std::vector<Hash> roots;  // roots[n] = MTH of the first n leaves.
};

RandomTree MakeRandomTree(uint64_t seed, size_t n) {
  std::mt19937_64 rng(seed);
  RandomTree t;
  t.roots.push_back(EmptyRoot());
  for (size_t i = 0; i < n; ++i) {
    // Distinct leaves (the index, then random bytes): with two equal leaves a proof for one
    // is a valid proof for the other, and the "wrong index" mutations would rightly verify.
    std::vector<uint8_t> data = test::RandomBytes(rng, rng() % 40);
    for (int k = 0; k < 8; ++k) data.insert(data.begin(), static_cast<uint8_t>(i >> (8 * k)));
    t.leaves.push_back(LeafHash(data));
    t.tree.AppendLeafHash(t.leaves.back());
    t.roots.push_back(t.tree.Root());
  }
  return t;
}

// Checks that `proof` for (index, size) verifies and that none of its mutations does.
void CheckInclusionAndMutations(const RandomTree& t, uint64_t index, uint64_t size,
                                const std::vector<Hash>& proof) {
  const Hash& leaf = t.leaves[index];
  const Hash& root = t.roots[size];
  ASSERT_OK(VerifyInclusion(index, size, leaf, proof, root));
  auto fails = [&](uint64_t i, uint64_t n, const Hash& l, const std::vector<Hash>& p, const Hash& r,
                   const char* what) {
    const Status s = VerifyInclusion(i, n, l, p, r);
    EXPECT_TRUE(s.IsInvalidArgument()) << what << " verified: leaf " << i << " of " << n;
  };
  for (size_t j = 0; j < proof.size(); ++j) {
    std::vector<Hash> bad = proof;
    bad[j] = FlipBit(bad[j], index + 7 * j + size);
    fails(index, size, leaf, bad, root, "flipped proof bit");
  }
  fails(index, size, FlipBit(leaf, size), proof, root, "flipped leaf bit");
  fails(index, size, leaf, proof, FlipBit(root, index), "flipped root bit");
  if (index > 0) fails(index - 1, size, leaf, proof, root, "index - 1");
  fails(index + 1, size, leaf, proof, root, "index + 1");
  fails(index ^ 2, size, leaf, proof, root, "index ^ 2");
  if (size - 1 > index) fails(index, size - 1, leaf, proof, t.roots[size - 1], "size - 1");
  if (size + 1 < t.roots.size()) fails(index, size + 1, leaf, proof, t.roots[size + 1], "size + 1");
  fails(index, size, leaf, proof, t.roots[size - 1], "root of size - 1");
  for (size_t j = 0; j < proof.size(); ++j) {
    std::vector<Hash> bad = proof;
    bad.erase(bad.begin() + static_cast<std::ptrdiff_t>(j));
    fails(index, size, leaf, bad, root, "dropped hash");
  }
  for (size_t j = 0; j <= proof.size(); ++j) {
    std::vector<Hash> bad = proof;
    bad.insert(bad.begin() + static_cast<std::ptrdiff_t>(j), j == 0 ? root : proof[j - 1]);
    fails(index, size, leaf, bad, root, "added hash");
  }
}

TEST(MerklePropertyTest, EveryInclusionProofUpTo300VerifiesAndNoMutationDoes) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  constexpr size_t kMaxSize = 300;
  const RandomTree t = MakeRandomTree(seed, kMaxSize);
  for (uint64_t size = 1; size <= kMaxSize; ++size) {
    const std::span<const Hash> leaves(t.leaves.data(), size);
    ASSERT_EQ(RootOfLeaves(leaves), t.roots[size]) << "size " << size;
    for (uint64_t index = 0; index < size; ++index) {
      const std::vector<Hash> proof = InclusionProof(t.tree, index, size);
      // The O(size) reference for every leaf of the smaller trees and a sample of the larger.
      if (size <= 160 || index % 7 == 0 || index + 1 == size) {
        ASSERT_EQ(proof, InclusionPathOfLeaves(leaves, index))
            << "leaf " << index << " of " << size;
      }
      ASSERT_EQ(proof.size(), InclusionProofLength(index, size));
      CheckInclusionAndMutations(t, index, size, proof);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

void CheckConsistencyAndMutations(const RandomTree& t, uint64_t a, uint64_t b,
                                  const std::vector<Hash>& proof) {
  const Hash& ra = t.roots[a];
  const Hash& rb = t.roots[b];
  ASSERT_OK(VerifyConsistency(a, b, ra, rb, proof));
  // Every tree extends the empty one, whatever its root: only the old root and the (empty)
  // proof are checked then.
  const bool from_empty = a == 0;
  auto fails = [&](uint64_t m, uint64_t n, const Hash& r1, const Hash& r2,
                   const std::vector<Hash>& p, const char* what) {
    const Status s = VerifyConsistency(m, n, r1, r2, p);
    EXPECT_TRUE(s.IsInvalidArgument()) << what << " verified: " << m << " -> " << n;
  };
  for (size_t j = 0; j < proof.size(); ++j) {
    std::vector<Hash> bad = proof;
    bad[j] = FlipBit(bad[j], a + 5 * j + b);
    fails(a, b, ra, rb, bad, "flipped proof bit");
  }
  fails(a, b, FlipBit(ra, b), rb, proof, "flipped old root bit");
  if (!from_empty) fails(a, b, ra, FlipBit(rb, a), proof, "flipped new root bit");
  if (ra != rb && !from_empty) fails(a, b, rb, ra, proof, "swapped roots");
  // (0, b) is always consistent, so 1 -> 1 shrunk to 0 -> 1 is not a mutation that must fail.
  if (a > 1 || (a == 1 && !proof.empty())) {
    fails(a - 1, b, t.roots[a - 1], rb, proof, "old size - 1");
  }
  if (a + 1 <= b && !proof.empty()) fails(a + 1, b, t.roots[a + 1], rb, proof, "old size + 1");
  if (b > a && !proof.empty()) fails(a, b - 1, ra, t.roots[b - 1], proof, "new size - 1");
  if (!from_empty && b + 1 < t.roots.size()) {
    fails(a, b + 1, ra, t.roots[b + 1], proof, "new size + 1");
  }
  if (b > a) fails(b, a, rb, ra, proof, "sizes reversed");
  for (size_t j = 0; j < proof.size(); ++j) {
    std::vector<Hash> bad = proof;
    bad.erase(bad.begin() + static_cast<std::ptrdiff_t>(j));
    fails(a, b, ra, rb, bad, "dropped hash");
  }
  for (size_t j = 0; j <= proof.size(); ++j) {
    std::vector<Hash> bad = proof;
    bad.insert(bad.begin() + static_cast<std::ptrdiff_t>(j), j == 0 ? ra : proof[j - 1]);
    fails(a, b, ra, rb, bad, "added hash");
  }
}

TEST(MerklePropertyTest, EveryConsistencyProofUpTo150VerifiesAndNoMutationDoes) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  constexpr size_t kMaxSize = 150;
  const RandomTree t = MakeRandomTree(seed, kMaxSize);
  for (uint64_t b = 0; b <= kMaxSize; ++b) {
    const std::span<const Hash> leaves(t.leaves.data(), b);
    for (uint64_t a = 0; a <= b; ++a) {
      const std::vector<Hash> proof = ConsistencyProof(t.tree, a, b);
      ASSERT_EQ(proof, ConsistencyProofOfLeaves(leaves, a)) << a << " -> " << b;
      ASSERT_EQ(proof.size(), ConsistencyProofLength(a, b)) << a << " -> " << b;
      ASSERT_EQ(proof.empty(), a == 0 || a == b);
      CheckConsistencyAndMutations(t, a, b, proof);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(MerkleTest, ConsistencyEdgeCasesSayWhichCheckFailed) {
  const RandomTree t = MakeRandomTree(7, 8);
  const std::vector<Hash> none;
  const std::vector<Hash> one = {t.roots[3]};

  Status s = VerifyConsistency(5, 4, t.roots[5], t.roots[4], none);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("old size 5 exceeds new size 4"), std::string::npos) << s.message();

  EXPECT_OK(VerifyConsistency(4, 4, t.roots[4], t.roots[4], none));
  s = VerifyConsistency(4, 4, t.roots[4], t.roots[5], none);
  EXPECT_NE(s.message().find("equal sizes 4 but the roots differ"), std::string::npos)
      << s.message();
  s = VerifyConsistency(4, 4, t.roots[4], t.roots[4], one);
  EXPECT_NE(s.message().find("1 hashes where sizes 4 -> 4 need 0"), std::string::npos)
      << s.message();

  EXPECT_OK(VerifyConsistency(0, 0, EmptyRoot(), EmptyRoot(), none));
  EXPECT_OK(VerifyConsistency(0, 8, EmptyRoot(), t.roots[8], none));
  s = VerifyConsistency(0, 8, t.roots[1], t.roots[8], none);
  EXPECT_NE(s.message().find("of size 0 is not the empty tree's root"), std::string::npos)
      << s.message();
  s = VerifyConsistency(0, 8, EmptyRoot(), t.roots[8], one);
  EXPECT_NE(s.message().find("need 0"), std::string::npos) << s.message();

  const std::vector<Hash> proof = ConsistencyProof(t.tree, 3, 8);
  s = VerifyConsistency(3, 8, t.roots[2], t.roots[8], proof);
  EXPECT_NE(s.message().find("leads to old root"), std::string::npos) << s.message();
  s = VerifyConsistency(3, 8, t.roots[3], t.roots[7], proof);
  EXPECT_NE(s.message().find("leads to new root"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().rfind("consistency proof: ", 0), 0u) << s.message();
}

TEST(MerkleTest, InclusionErrorsSayWhichCheckFailed) {
  const RandomTree t = MakeRandomTree(9, 5);
  const std::vector<Hash> proof = InclusionProof(t.tree, 1, 5);
  Status s = VerifyInclusion(5, 5, t.leaves[1], proof, t.roots[5]);
  EXPECT_NE(s.message().find("not below tree size 5"), std::string::npos) << s.message();
  s = VerifyInclusion(1, 5, t.leaves[1], std::span(proof).first(2), t.roots[5]);
  EXPECT_NE(s.message().find("2 hashes where leaf 1 of a tree of 5 needs 3"), std::string::npos)
      << s.message();
  s = VerifyInclusion(1, 5, t.leaves[2], proof, t.roots[5]);
  EXPECT_NE(s.message().find("leads to root"), std::string::npos) << s.message();
  // A one-leaf tree: the leaf is the root and the proof is empty.
  EXPECT_OK(VerifyInclusion(0, 1, t.leaves[0], {}, t.roots[1]));
  EXPECT_FALSE(VerifyInclusion(0, 0, t.leaves[0], {}, EmptyRoot()).ok());
}

}  // namespace
}  // namespace ddc::timeline
