// SCALE codec and Substrate extrinsic encodings, against the reference codec's documented
// values (the SCALE specification's compact table; Substrate's own era tests).
#include "engine/chain/scale.h"

#include <gtest/gtest.h>

#include "engine/base/hex.h"
#include "engine/chain/extrinsic.h"

namespace ddc::chain {
namespace {

std::string CompactHex(uint64_t v) {
  ScaleWriter w;
  w.Compact(v);
  return Hex(AsByteSpan(w.data()));
}

std::string Unhex(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  EXPECT_TRUE(ParseHex(hex, std::span(reinterpret_cast<uint8_t*>(out.data()), out.size())));
  return out;
}

TEST(ScaleTest, CompactMatchesTheSpecificationTable) {
  EXPECT_EQ(CompactHex(0), "00");
  EXPECT_EQ(CompactHex(1), "04");
  EXPECT_EQ(CompactHex(42), "a8");
  EXPECT_EQ(CompactHex(63), "fc");
  EXPECT_EQ(CompactHex(64), "0101");
  EXPECT_EQ(CompactHex(69), "1501");
  EXPECT_EQ(CompactHex(16383), "fdff");
  EXPECT_EQ(CompactHex(16384), "02000100");
  EXPECT_EQ(CompactHex(65535), "feff0300");
  EXPECT_EQ(CompactHex((1u << 30) - 1), "feffffff");
  EXPECT_EQ(CompactHex(1u << 30), "0300000040");
  EXPECT_EQ(CompactHex(100000000000000), "0b00407a10f35a");
  EXPECT_EQ(CompactHex(UINT64_MAX), "13ffffffffffffffff");
}

TEST(ScaleTest, CompactRoundTripsAtEveryModeBoundary) {
  for (uint64_t v : {uint64_t{0}, uint64_t{63}, uint64_t{64}, uint64_t{16383}, uint64_t{16384},
                     uint64_t{(1u << 30) - 1}, uint64_t{1u << 30}, uint64_t{1} << 32,
                     (uint64_t{1} << 40) - 1, uint64_t{1} << 56, UINT64_MAX}) {
    ScaleWriter w;
    w.Compact(v);
    ScaleReader r(w.data());
    EXPECT_EQ(r.Compact(), v);
    EXPECT_TRUE(r.Finish("compact").ok()) << v;
  }
}

TEST(ScaleTest, ReaderRejectsNonCanonicalAndOversizedCompacts) {
  const struct {
    const char* hex;
    const char* why;
  } cases[] = {
      {"0100", "shortest form"},          // 0 in two-byte mode.
      {"02000000", "shortest form"},      // 0 in four-byte mode.
      {"03ffffff3f", "shortest form"},    // 2^30 - 1 in big-integer mode.
      {"07ffffffff00", "shortest form"},  // A zero top byte.
      {"17000000000000000001", "wider than 64 bits"},
      {"01", "truncated"},
      {"03", "truncated"},
  };
  for (const auto& c : cases) {
    const std::string r_bytes = Unhex(c.hex);
    ScaleReader r(r_bytes);
    r.Compact();
    ASSERT_FALSE(r.ok()) << c.hex;
    EXPECT_NE(r.status().message().find(c.why), std::string::npos)
        << c.hex << ": " << r.status().message();
  }
  const std::string valid_bytes = Unhex("0700000000ff");
  ScaleReader valid(valid_bytes);  // Big-integer mode, five bytes: fine.
  EXPECT_EQ(valid.Compact(), uint64_t{0xff} << 32);
  EXPECT_TRUE(valid.ok());
  const std::string narrow_bytes = Unhex("feff0300");
  ScaleReader narrow(narrow_bytes);
  narrow.Compact(UINT16_MAX - 1);
  EXPECT_FALSE(narrow.ok());
}

TEST(ScaleTest, FixedWidthBoolsAndTrailingBytes) {
  ScaleWriter w;
  w.U16(0x0102);
  w.U32(0x03040506);
  w.U64(0x0708090a0b0c0d0e);
  w.U128(5);
  w.Bool(true);
  w.Bytes(std::string_view("abc"));
  EXPECT_EQ(Hex(AsByteSpan(w.data())),
            "020106050403"
            "0e0d0c0b0a090807"
            "05000000000000000000000000000000"
            "01"
            "0c616263");
  ScaleReader r(w.data());
  EXPECT_EQ(r.U16(), 0x0102);
  EXPECT_EQ(r.U32(), 0x03040506u);
  EXPECT_EQ(r.U64(), 0x0708090a0b0c0d0eu);
  EXPECT_EQ(r.U128(), 5u);
  EXPECT_TRUE(r.Bool());
  const auto bytes = r.Bytes(3);
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "abc");
  EXPECT_TRUE(r.Finish("all").ok());

  const std::string bad_bool_bytes = Unhex("02");
  ScaleReader bad_bool(bad_bool_bytes);
  bad_bool.Bool();
  EXPECT_FALSE(bad_bool.ok());
  const std::string high_u128_bytes = Unhex(
      "0000000000000000"
      "0100000000000000");
  ScaleReader high_u128(high_u128_bytes);
  high_u128.U128();
  EXPECT_FALSE(high_u128.ok());
  const std::string too_long_bytes = Unhex("0c616263");
  ScaleReader too_long(too_long_bytes);
  too_long.Bytes(2);
  EXPECT_FALSE(too_long.ok());
  const std::string trailing_bytes = Unhex("0000");
  ScaleReader trailing(trailing_bytes);
  trailing.U8();
  EXPECT_NE(trailing.Finish("x").message().find("1 trailing bytes"), std::string::npos);
}

TEST(EraTest, EncodingsMatchSubstrate) {
  // Substrate: Era::mortal(64, 42) encodes as [5 + 42 % 16 * 16, 42 / 16].
  EXPECT_EQ(Hex(AsByteSpan(EncodeEra(Era::Mortal(64, 42)))), "a502");
  // Era::mortal(32768, 20000): quantized phase 20000 / 8 = 2500.
  const Era big = Era::Mortal(32768, 20000);
  EXPECT_EQ(big.period, 32768u);
  EXPECT_EQ(big.phase, 20000u);
  const std::string enc = EncodeEra(big);
  EXPECT_EQ(static_cast<uint8_t>(enc[0]), 14 + 2500 % 16 * 16);
  EXPECT_EQ(static_cast<uint8_t>(enc[1]), 2500 / 16);
  EXPECT_EQ(Hex(AsByteSpan(EncodeEra(Era::Immortal()))), "00");
  // Periods round up to a power of two within 4..65536.
  EXPECT_EQ(Era::Mortal(1, 0).period, 4u);
  EXPECT_EQ(Era::Mortal(100, 0).period, 128u);
  EXPECT_EQ(Era::Mortal(1u << 20, 0).period, 65536u);
}

TEST(EraTest, BirthAndValidity) {
  const Era e = Era::Mortal(64, 42);
  EXPECT_EQ(e.Birth(42), 42u);
  EXPECT_EQ(e.Birth(100), 42u);
  EXPECT_EQ(e.Birth(106), 106u);
  EXPECT_TRUE(e.ValidAt(42, 42));
  EXPECT_TRUE(e.ValidAt(105, 42));
  EXPECT_FALSE(e.ValidAt(106, 42));
  EXPECT_FALSE(e.ValidAt(41, 42));
  EXPECT_TRUE(Era::Immortal().ValidAt(1000000, 0));
}

}  // namespace
}  // namespace ddc::chain
