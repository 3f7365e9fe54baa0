// Proves that Base32Encode/Base32Decode implement RFC 4648 section 6 base32, lower case, no
// padding, and that decoding is strict: the RFC's test vectors (lower-cased, '=' stripped) pin
// the bytes; exhaustive sweeps over short strings show every accepted string is the canonical
// encoding of what it decodes to; each rejection reports the right kind and position.
#include "engine/base/base32.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace ddc {
namespace {

using Error = Base32DecodeResult::Error;

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

struct Decoded {
  Base32DecodeResult result;
  std::vector<uint8_t> bytes;
};

Decoded Decode(std::string_view text) {
  Decoded d;
  // One spare byte beyond the requirement catches writes past the promised size.
  d.bytes.assign(Base32DecodedSize(text.size()) + 1, 0xee);
  d.result = Base32Decode(text, d.bytes);
  EXPECT_EQ(d.bytes.back(), 0xee) << "wrote past the decoded size for \"" << text << "\"";
  d.bytes.resize(d.result.ok() ? d.result.size : 0);
  return d;
}

TEST(Base32Test, Rfc4648Vectors) {
  // RFC 4648 section 10, lower-cased and without the '=' padding.
  const std::vector<std::pair<std::string_view, std::string_view>> vectors = {
      {"", ""},
      {"f", "my"},
      {"fo", "mzxq"},
      {"foo", "mzxw6"},
      {"foob", "mzxw6yq"},
      {"fooba", "mzxw6ytb"},
      {"foobar", "mzxw6ytboi"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base32Encode(Bytes(plain)), encoded) << plain;
    EXPECT_EQ(Base32EncodedSize(plain.size()), encoded.size()) << plain;
    const Decoded d = Decode(encoded);
    ASSERT_TRUE(d.result.ok()) << encoded;
    EXPECT_EQ(std::string(d.bytes.begin(), d.bytes.end()), plain);
    EXPECT_EQ(Base32DecodedSize(encoded.size()), plain.size()) << encoded;
  }
}

TEST(Base32Test, AppendKeepsExistingContent) {
  std::string out = "b";
  Base32Append(Bytes("foobar"), &out);
  EXPECT_EQ(out, "bmzxw6ytboi");
}

TEST(Base32Test, EveryByteValueRoundTrips) {
  std::vector<uint8_t> all(256);
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint8_t>(i);
  const std::string encoded = Base32Encode(all);
  const Decoded d = Decode(encoded);
  ASSERT_TRUE(d.result.ok());
  EXPECT_EQ(d.bytes, all);
}

TEST(Base32Test, RandomRoundTrip) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (size_t n = 0; n < 300; ++n) {
    const std::vector<uint8_t> data = test::RandomBytes(rng, n);
    const std::string encoded = Base32Encode(data);
    ASSERT_EQ(encoded.size(), Base32EncodedSize(n));
    ASSERT_EQ(encoded.find_first_not_of(kAlphabet), std::string::npos) << encoded;
    const Decoded d = Decode(encoded);
    ASSERT_TRUE(d.result.ok()) << encoded;
    ASSERT_EQ(d.result.size, n);
    ASSERT_EQ(d.bytes, data);
  }
}

TEST(Base32Test, RejectsCharactersOutsideTheAlphabet) {
  // Upper case, padding, the digits base32 leaves out, separators, NUL and non-ASCII.
  const std::string bad = std::string("AZ=01890 -_+/\n") + '\0' + '\x80' + '\xff';
  for (char c : bad) {
    for (size_t position : {0u, 3u, 7u}) {
      std::string text = "mzxw6ytb";
      text[position] = c;
      const Decoded d = Decode(text);
      EXPECT_EQ(d.result.error, Error::kInvalidCharacter) << int{c} << " at " << position;
      EXPECT_EQ(d.result.position, position) << int{c};
    }
  }
}

TEST(Base32Test, AcceptsExactlyTheAlphabet) {
  for (int c = 0; c < 256; ++c) {
    // Two characters decode one byte; 'a' (zero) as the second keeps the padding bits clear.
    const std::string text = {static_cast<char>(c), 'a'};
    const bool in_alphabet = kAlphabet.find(static_cast<char>(c)) != std::string_view::npos;
    EXPECT_EQ(Decode(text).result.ok(), in_alphabet) << "character " << c;
  }
}

TEST(Base32Test, FirstBadCharacterIsReportedBeforeLength) {
  // Nine characters is an impossible length, but the bad character comes first.
  const Decoded d = Decode("mzx!6ytb!");
  EXPECT_EQ(d.result.error, Error::kInvalidCharacter);
  EXPECT_EQ(d.result.position, 3u);
}

TEST(Base32Test, RejectsImpossibleLengths) {
  for (size_t n = 0; n <= 40; ++n) {
    const std::string text(n, 'a');
    const bool possible = n % 8 != 1 && n % 8 != 3 && n % 8 != 6;
    const Decoded d = Decode(text);
    if (possible) {
      EXPECT_TRUE(d.result.ok()) << n;
      EXPECT_EQ(d.result.size, Base32DecodedSize(n)) << n;
    } else {
      EXPECT_EQ(d.result.error, Error::kInvalidLength) << n;
      EXPECT_EQ(d.result.position, n);
    }
    // Every possible length is produced by some byte count, and no impossible one is.
    bool produced = false;
    for (size_t bytes = 0; bytes <= n; ++bytes) produced |= Base32EncodedSize(bytes) == n;
    EXPECT_EQ(produced, possible) << n;
  }
}

// The last character of an encoding whose bit count is not a multiple of 5 carries zero padding
// bits; any other value there is a second spelling of the same bytes and must be rejected.
TEST(Base32Test, RejectsNonZeroTrailingBits) {
  for (size_t n = 1; n <= 5; ++n) {
    const std::string canonical = Base32Encode(std::vector<uint8_t>(n, 0xa5));
    const size_t padding_bits = canonical.size() * 5 - n * 8;
    for (uint8_t v = 0; v < 32; ++v) {
      std::string text = canonical;
      text.back() = kAlphabet[v];
      const Decoded d = Decode(text);
      if ((v & ((1u << padding_bits) - 1)) == 0) {
        EXPECT_TRUE(d.result.ok()) << text;
      } else {
        EXPECT_EQ(d.result.error, Error::kNonZeroTrailingBits) << text;
        EXPECT_EQ(d.result.position, text.size() - 1);
      }
    }
  }
}

// Exhaustive over all strings of the alphabet of lengths 1 to 4 (about a million): whatever is
// accepted re-encodes to exactly the input, so each byte string has one accepted spelling.
TEST(Base32Test, EveryAcceptedShortStringIsCanonical) {
  size_t accepted = 0;
  for (size_t len = 1; len <= 4; ++len) {
    size_t count = 1;
    for (size_t i = 0; i < len; ++i) count *= 32;
    std::string text(len, 'a');
    for (size_t x = 0; x < count; ++x) {
      for (size_t i = 0; i < len; ++i) text[i] = kAlphabet[(x >> (5 * i)) & 31];
      const Decoded d = Decode(text);
      if (!d.result.ok()) continue;
      ++accepted;
      ASSERT_EQ(Base32Encode(d.bytes), text);
    }
  }
  // Lengths 2 and 4 decode to 1 and 2 bytes; every byte string of those sizes is accepted once.
  EXPECT_EQ(accepted, 256u + 65536u);
}

}  // namespace
}  // namespace ddc
