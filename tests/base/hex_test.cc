// Hex and ParseHex (engine/base/hex.h).
#include "engine/base/hex.h"

#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <string>

namespace ddc {
namespace {

TEST(HexTest, RoundTripsEveryByteInEitherCase) {
  std::array<uint8_t, 256> bytes{};
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i);
  const std::string hex = Hex(bytes);
  EXPECT_EQ(hex.substr(0, 6), "000102");
  EXPECT_EQ(hex.substr(hex.size() - 4), "feff");
  std::array<uint8_t, 256> back{};
  ASSERT_TRUE(ParseHex(hex, back));
  EXPECT_EQ(back, bytes);
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  back.fill(0);
  ASSERT_TRUE(ParseHex(upper, back));
  EXPECT_EQ(back, bytes);
}

TEST(HexTest, ParseHexRefusesOtherLengthsAndCharacters) {
  std::array<uint8_t, 2> out{};
  EXPECT_TRUE(ParseHex("0aF0", out));
  EXPECT_EQ(out[0], 0x0a);
  EXPECT_EQ(out[1], 0xf0);
  for (const char* bad : {"", "0a", "0af", "0af00", "0g00", " 0a0", "+a00", "-a00", "0x0a"}) {
    EXPECT_FALSE(ParseHex(bad, out)) << '"' << bad << '"';
  }
  std::array<uint8_t, 0> none{};
  EXPECT_TRUE(ParseHex("", none));
}

}  // namespace
}  // namespace ddc
