// Proves that engine/base/coding.h writes the exact bytes the formats specify: fixed-width
// integers little-endian, and unsigned LEB128 varints in their one minimal form, with decoding
// that rejects everything else (truncated, non-minimal, longer than the 9-byte multiformats
// limit). Known-answer tests pin the bytes; randomized round trips (seed printed) cover the rest.
#include "engine/base/coding.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "tests/test_util.h"

namespace ddc {
namespace {

std::vector<uint8_t> Varint(uint64_t v) {
  std::array<uint8_t, kMaxVarint64Bytes> buf{};
  const size_t n = EncodeVarint64(buf.data(), v);
  return std::vector<uint8_t>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
}

// A random value whose bit length is itself uniform, so that every varint length gets tested
// (uniform 64-bit values would almost all be 10 bytes long).
uint64_t RandomValue(std::mt19937_64& rng) {
  const unsigned bits = static_cast<unsigned>(rng() % 65);
  if (bits == 0) return 0;
  return rng() >> (64 - bits);
}

TEST(CodingTest, FixedWidthIsLittleEndian) {
  std::array<uint8_t, 8> buf{};
  EncodeFixed16(buf.data(), 0x0102);
  EXPECT_EQ(buf[0], 0x02);
  EXPECT_EQ(buf[1], 0x01);
  EXPECT_EQ(DecodeFixed16(buf.data()), 0x0102);

  EncodeFixed32(buf.data(), 0x01020304u);
  EXPECT_EQ(buf, (std::array<uint8_t, 8>{0x04, 0x03, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00}));
  EXPECT_EQ(DecodeFixed32(buf.data()), 0x01020304u);

  EncodeFixed64(buf.data(), 0x0102030405060708ull);
  EXPECT_EQ(buf, (std::array<uint8_t, 8>{0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01}));
  EXPECT_EQ(DecodeFixed64(buf.data()), 0x0102030405060708ull);
}

TEST(CodingTest, FixedWidthExtremes) {
  std::array<uint8_t, 8> buf{};
  EncodeFixed16(buf.data(), UINT16_MAX);
  EXPECT_EQ(DecodeFixed16(buf.data()), UINT16_MAX);
  EncodeFixed32(buf.data(), UINT32_MAX);
  EXPECT_EQ(DecodeFixed32(buf.data()), UINT32_MAX);
  EncodeFixed64(buf.data(), UINT64_MAX);
  EXPECT_EQ(DecodeFixed64(buf.data()), UINT64_MAX);
  // The high bit of every byte survives: a sign-extension bug would smear it into others.
  EncodeFixed64(buf.data(), 0x8000800080008000ull);
  EXPECT_EQ(DecodeFixed64(buf.data()), 0x8000800080008000ull);
  EncodeFixed32(buf.data(), 0x80808080u);
  EXPECT_EQ(DecodeFixed32(buf.data()), 0x80808080u);
  EncodeFixed16(buf.data(), 0x8080);
  EXPECT_EQ(DecodeFixed16(buf.data()), 0x8080);
}

TEST(CodingTest, FixedWidthRandomRoundTrip) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::array<uint8_t, 8> buf{};
  for (int i = 0; i < 10000; ++i) {
    const uint64_t v = rng();
    EncodeFixed64(buf.data(), v);
    ASSERT_EQ(DecodeFixed64(buf.data()), v);
    EncodeFixed32(buf.data(), static_cast<uint32_t>(v));
    ASSERT_EQ(DecodeFixed32(buf.data()), static_cast<uint32_t>(v));
    EncodeFixed16(buf.data(), static_cast<uint16_t>(v));
    ASSERT_EQ(DecodeFixed16(buf.data()), static_cast<uint16_t>(v));
  }
}

TEST(CodingTest, VarintKnownAnswers) {
  EXPECT_EQ(Varint(0), (std::vector<uint8_t>{0x00}));
  EXPECT_EQ(Varint(1), (std::vector<uint8_t>{0x01}));
  EXPECT_EQ(Varint(0x7f), (std::vector<uint8_t>{0x7f}));
  EXPECT_EQ(Varint(0x80), (std::vector<uint8_t>{0x80, 0x01}));
  EXPECT_EQ(Varint(300), (std::vector<uint8_t>{0xac, 0x02}));
  EXPECT_EQ(Varint(0x3fff), (std::vector<uint8_t>{0xff, 0x7f}));
  EXPECT_EQ(Varint(0x4000), (std::vector<uint8_t>{0x80, 0x80, 0x01}));
  // The multicodec of blake2b-256, as it appears in every ddc CID.
  EXPECT_EQ(Varint(0xb220), (std::vector<uint8_t>{0xa0, 0xe4, 0x02}));
  // The largest value the multiformats 9-byte limit allows.
  EXPECT_EQ(Varint(0x7fffffffffffffffull),
            (std::vector<uint8_t>{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}));
  EXPECT_EQ(Varint(UINT64_MAX).size(), kMaxVarint64Bytes);

  uint64_t v = 0;
  const std::vector<uint8_t> blake = {0xa0, 0xe4, 0x02};
  EXPECT_EQ(DecodeVarint64(blake, &v), 3u);
  EXPECT_EQ(v, 0xb220u);
}

TEST(CodingTest, VarintRandomRoundTrip) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t value = RandomValue(rng) >> 1;  // Within the 63-bit, 9-byte limit.
    std::vector<uint8_t> bytes = Varint(value);
    ASSERT_LE(bytes.size(), 9u);
    // Bytes after the varint must be left alone.
    const size_t varint_size = bytes.size();
    bytes.push_back(0x80);
    bytes.push_back(0x00);
    uint64_t decoded = 0;
    ASSERT_EQ(DecodeVarint64(bytes, &decoded), varint_size) << value;
    ASSERT_EQ(decoded, value);
  }
}

TEST(CodingTest, VarintRejectsEmptyAndTruncated) {
  uint64_t v = 0;
  EXPECT_EQ(DecodeVarint64({}, &v), 0u);
  const std::vector<uint8_t> full = Varint(0x7fffffffffffffffull);
  for (size_t n = 0; n < full.size(); ++n) {
    EXPECT_EQ(DecodeVarint64(std::span<const uint8_t>(full.data(), n), &v), 0u) << n;
  }
  EXPECT_EQ(DecodeVarint64(full, &v), full.size());
}

TEST(CodingTest, VarintRejectsNonMinimal) {
  uint64_t v = 0;
  // 0 and 1 padded with empty continuation groups.
  const std::vector<std::vector<uint8_t>> non_minimal = {{0x80, 0x00},
                                                         {0x81, 0x00},
                                                         {0x80, 0x80, 0x00},
                                                         {0xff, 0x80, 0x00},
                                                         // 0xb220 with an extra zero group.
                                                         {0xa0, 0xe4, 0x82, 0x00}};
  for (const auto& bytes : non_minimal) {
    EXPECT_EQ(DecodeVarint64(bytes, &v), 0u) << "first byte " << int{bytes[0]};
  }
  // A lone zero is the minimal encoding of 0, not a trailing group.
  const std::vector<uint8_t> zero = {0x00};
  EXPECT_EQ(DecodeVarint64(zero, &v), 1u);
  EXPECT_EQ(v, 0u);
}

TEST(CodingTest, VarintRejectsMoreThanNineBytes) {
  uint64_t v = 0;
  // What EncodeVarint64 writes for values of 64 significant bits: 10 bytes, past the limit.
  const std::vector<uint8_t> ten = Varint(UINT64_MAX);
  EXPECT_EQ(DecodeVarint64(ten, &v), 0u);
  const std::vector<uint8_t> nine_continued(9, 0x80);
  EXPECT_EQ(DecodeVarint64(nine_continued, &v), 0u);
  std::vector<uint8_t> ten_ones(9, 0xff);
  ten_ones.push_back(0x01);
  EXPECT_EQ(DecodeVarint64(ten_ones, &v), 0u);
}

// Every byte string of length 1 and 2 decodes to a value that re-encodes to the same bytes, or
// is rejected: no value has two accepted encodings.
TEST(CodingTest, VarintEveryShortInputIsCanonicalOrRejected) {
  for (uint32_t x = 0; x < 0x10000; ++x) {
    const std::array<uint8_t, 2> in = {static_cast<uint8_t>(x), static_cast<uint8_t>(x >> 8)};
    for (size_t len = 1; len <= 2; ++len) {
      uint64_t v = 0;
      const size_t n = DecodeVarint64(std::span<const uint8_t>(in.data(), len), &v);
      if (n == 0) continue;
      const std::vector<uint8_t> again = Varint(v);
      ASSERT_EQ(again,
                std::vector<uint8_t>(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n)))
          << "x=" << x << " len=" << len;
    }
  }
}

}  // namespace
}  // namespace ddc
