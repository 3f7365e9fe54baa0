// Blake2b256Many against libsodium's one-message BLAKE2b-256 (Blake2b256), for lengths around
// every block boundary and batches of many shapes. On a CPU with AVX-512 this is the vector-lane
// path; elsewhere it checks the fallback.
#include "engine/base/hash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace ddc {
namespace {

using Digest = std::array<uint8_t, 32>;

std::vector<Digest> Many(const std::vector<std::vector<uint8_t>>& messages) {
  std::vector<std::span<const uint8_t>> in(messages.begin(), messages.end());
  // One spare slot past the end: the call must not write beyond its inputs' digests.
  std::vector<Digest> out(messages.size() + 1);
  out.back().fill(0xa5);
  Blake2b256Many(in, out);
  Digest guard;
  guard.fill(0xa5);
  EXPECT_EQ(out.back(), guard) << "wrote past the last input's digest";
  out.pop_back();
  return out;
}

std::vector<uint8_t> RandomBytesOf(std::mt19937_64& rng, size_t n) {
  std::vector<uint8_t> b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

void ExpectSameAsOneByOne(const std::vector<std::vector<uint8_t>>& messages,
                          const std::string& what) {
  const std::vector<Digest> got = Many(messages);
  ASSERT_EQ(got.size(), messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    ASSERT_EQ(got[i], Blake2b256(messages[i]))
        << what << ": message " << i << " of " << messages.size() << ", " << messages[i].size()
        << " bytes";
  }
}

TEST(Blake2b256ManyTest, MatchesTheKnownDigestOfTheEmptyMessage) {
  // BLAKE2b-256("") from the reference implementation; three copies so that the lanes run.
  const std::vector<std::vector<uint8_t>> empty(3);
  const std::vector<Digest> got = Many(empty);
  const Digest want = {0x0e, 0x57, 0x51, 0xc0, 0x26, 0xe5, 0x43, 0xb2, 0xe8, 0xab, 0x2e,
                       0xb0, 0x60, 0x99, 0xda, 0xa1, 0xd1, 0xe5, 0xdf, 0x47, 0x77, 0x8f,
                       0x77, 0x87, 0xfa, 0xab, 0x45, 0xcd, 0xf1, 0x2f, 0xe3, 0xa8};
  for (const Digest& d : got) EXPECT_EQ(d, want);
}

TEST(Blake2b256ManyTest, EveryLengthAroundTheBlockBoundaries) {
  std::mt19937_64 rng(1);
  std::vector<std::vector<uint8_t>> messages;
  for (size_t n = 0; n <= 3 * 128 + 2; ++n) messages.push_back(RandomBytesOf(rng, n));
  ExpectSameAsOneByOne(messages, "lengths 0..386 in order");
  std::shuffle(messages.begin(), messages.end(), rng);
  ExpectSameAsOneByOne(messages, "lengths 0..386 shuffled");
}

TEST(Blake2b256ManyTest, BatchesOfEveryShape) {
  std::mt19937_64 rng(2);
  for (int round = 0; round < 200; ++round) {
    const size_t count = rng() % 40;
    std::vector<std::vector<uint8_t>> messages;
    for (size_t i = 0; i < count; ++i) {
      // Mostly small, sometimes several blocks, sometimes one long message among short ones.
      const uint64_t kind = rng() % 10;
      const size_t n = kind < 6 ? rng() % 300 : kind < 9 ? rng() % 3000 : rng() % 70000;
      messages.push_back(RandomBytesOf(rng, n));
    }
    ExpectSameAsOneByOne(messages, "round " + std::to_string(round));
  }
}

TEST(Blake2b256ManyTest, EqualBlobsLikeAPutBatch) {
  std::mt19937_64 rng(3);
  std::vector<std::vector<uint8_t>> messages;
  for (int i = 0; i < 1000; ++i) messages.push_back(RandomBytesOf(rng, 1024));
  messages[500] = messages[7];  // A duplicate must hash the same in another lane.
  ExpectSameAsOneByOne(messages, "1000 blobs of 1 KiB");
}

TEST(Blake2b256ManyTest, AnEmptyBatchWritesNothing) {
  // Not an assertion on the CPU: it records in the test log which path the others checked.
  std::cout << "Blake2b256Many uses vector lanes: "
            << (Blake2b256ManyUsesLanes() ? "yes" : "no (one message at a time)") << "\n";
  const std::vector<std::vector<uint8_t>> none;
  EXPECT_TRUE(Many(none).empty());
}

}  // namespace
}  // namespace ddc
