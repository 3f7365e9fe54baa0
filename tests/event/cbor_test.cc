// Proves that cbor::Writer writes only canonical DAG-CBOR and that cbor::Reader accepts only it:
// every head width at its boundaries, each rejected construct with its message and offset, map
// key order (length first, then bytes), nesting limits and length checks that come before any
// allocation. Hand-written byte strings are the reference, not the writer.
#include "engine/event/cbor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/event/event_testing.h"
#include "tests/test_util.h"

namespace ddc::cbor {
namespace {

using test::AsBytes;
using test::FromHex;
using test::ToHex;

// Reads one whole top-level item from `hex`; returns "" when the reader accepts it, else the
// error message.
std::string ReadError(const std::string& hex, size_t max_depth = kDefaultMaxDepth) {
  const std::string bytes = FromHex(hex);
  Reader r(AsBytes(bytes), max_depth);
  Status s = r.Skip();
  if (s.ok()) s = r.Finish();
  if (s.ok()) return "";
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  return s.message();
}

TEST(CborWriterTest, UintHeadsAreShortestAtEveryBoundary) {
  const std::vector<std::pair<uint64_t, std::string>> cases = {
      {0, "00"},
      {23, "17"},
      {24, "1818"},
      {255, "18ff"},
      {256, "190100"},
      {65535, "19ffff"},
      {65536, "1a00010000"},
      {4294967295u, "1affffffff"},
      {4294967296u, "1b0000000100000000"},
      {UINT64_MAX, "1bffffffffffffffff"},
  };
  for (const auto& [value, hex] : cases) {
    Writer w;
    w.Uint(value);
    EXPECT_EQ(ToHex(w.bytes()), hex) << value;
    Reader r(AsBytes(w.bytes()));
    Result<Item> item = r.Next();
    ASSERT_TRUE(item.ok()) << item.status().ToString();
    EXPECT_EQ(item->kind, Kind::kUint);
    EXPECT_EQ(item->value, value);
    EXPECT_OK(r.Finish());
  }
}

TEST(CborWriterTest, StringsArraysMapsAndLinks) {
  Writer w;
  w.MapHeader(2);
  w.Text("a");
  w.Bytes(std::string_view("\x01\x02", 2));
  w.Text("bb");
  w.ArrayHeader(1);
  w.CidLink(Cid::Of(Codec::kDagCbor, std::string_view("")));
  const std::string cid_hex = ToHex(Cid::Of(Codec::kDagCbor, std::string_view("")).ToBytes());
  EXPECT_EQ(ToHex(w.bytes()),
            "a2"
            "6161"
            "420102"
            "626262"
            "81"
            "d82a"
            "5827"
            "00" +
                cid_hex);
  EXPECT_EQ(ReadError(ToHex(w.bytes())), "");
}

TEST(CborWriterTest, LongStringUsesTwoByteLength) {
  Writer w;
  w.Text(std::string(300, 'x'));
  EXPECT_EQ(ToHex(w.bytes().substr(0, 3)), "79012c");
}

TEST(CborReaderTest, ReportsOffsetsAndPayloads) {
  const std::string bytes = FromHex(
      "82"
      "43616263"
      "6178");
  Reader r(AsBytes(bytes));
  Result<Item> a = r.Next();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind, Kind::kArray);
  EXPECT_EQ(a->value, 2u);
  EXPECT_EQ(a->offset, 0u);
  EXPECT_EQ(r.depth(), 1u);
  Result<Item> b = r.Next();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->kind, Kind::kBytes);
  EXPECT_EQ(b->offset, 1u);
  EXPECT_EQ(ToHex(b->data), "616263");
  Result<Item> c = r.Next();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kind, Kind::kText);
  EXPECT_EQ(c->text(), "x");
  EXPECT_EQ(c->offset, 5u);
  EXPECT_EQ(r.depth(), 0u);
  EXPECT_OK(r.Finish());
  Result<Item> extra = r.Next();
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.status().message(), "trailing bytes after the top-level item at byte 7");
}

TEST(CborReaderTest, RejectsNonShortestHeads) {
  EXPECT_EQ(ReadError("1817"), "non-canonical integer 23 (not in its shortest form) at byte 0");
  EXPECT_EQ(ReadError("1900ff"), "non-canonical integer 255 (not in its shortest form) at byte 0");
  EXPECT_EQ(ReadError("1a0000ffff"),
            "non-canonical integer 65535 (not in its shortest form) at byte 0");
  EXPECT_EQ(ReadError("1b00000000ffffffff"),
            "non-canonical integer 4294967295 (not in its shortest form) at byte 0");
  EXPECT_EQ(ReadError("5801aa"), "non-canonical length 1 (not in its shortest form) at byte 0");
  EXPECT_EQ(ReadError("780161"), "non-canonical length 1 (not in its shortest form) at byte 0");
  EXPECT_EQ(ReadError("9800"), "non-canonical count 0 (not in its shortest form) at byte 0");
  EXPECT_EQ(ReadError("b800"), "non-canonical count 0 (not in its shortest form) at byte 0");
  EXPECT_EQ(ReadError("d8"
                      "2a"),
            "unexpected end of input at byte 2");
  EXPECT_EQ(ReadError("d9002a4100"), "non-canonical tag 42 (not in its shortest form) at byte 0");
  // Nested: the offset is the offending head's.
  EXPECT_EQ(ReadError("820118ff"), "");
  EXPECT_EQ(ReadError("82011801"), "non-canonical integer 1 (not in its shortest form) at byte 2");
}

TEST(CborReaderTest, RejectsIndefiniteLengths) {
  EXPECT_EQ(ReadError("5fff"), "indefinite length is not allowed at byte 0");
  EXPECT_EQ(ReadError("7fff"), "indefinite length is not allowed at byte 0");
  EXPECT_EQ(ReadError("9fff"), "indefinite length is not allowed at byte 0");
  EXPECT_EQ(ReadError("bfff"), "indefinite length is not allowed at byte 0");
  EXPECT_EQ(ReadError("8101ff"), "trailing bytes after the top-level item at byte 2");
}

TEST(CborReaderTest, RejectsTypesOutsideTheSubset) {
  EXPECT_EQ(ReadError("20"), "negative integer is not allowed at byte 0");
  EXPECT_EQ(ReadError("f4"), "simple value false is not allowed at byte 0");
  EXPECT_EQ(ReadError("f5"), "simple value true is not allowed at byte 0");
  EXPECT_EQ(ReadError("f6"), "simple value null is not allowed at byte 0");
  EXPECT_EQ(ReadError("f7"), "simple value undefined is not allowed at byte 0");
  EXPECT_EQ(ReadError("f93c00"), "half-precision float is not allowed at byte 0");
  EXPECT_EQ(ReadError("fa3f800000"), "single-precision float is not allowed at byte 0");
  EXPECT_EQ(ReadError("fb3ff0000000000000"), "double-precision float is not allowed at byte 0");
  EXPECT_EQ(ReadError("ff"), "break code (indefinite-length end) is not allowed at byte 0");
  EXPECT_EQ(ReadError("e0"), "simple value is not allowed at byte 0");
  EXPECT_EQ(ReadError("c100"), "tag 1 is not allowed (only tag 42, a CID link) at byte 0");
  EXPECT_EQ(ReadError("1c"), "reserved additional information 28 at byte 0");
}

TEST(CborReaderTest, CidLinkNeedsAByteStringWithTheIdentityPrefix) {
  const std::string cid_hex = ToHex(Cid::Of(Codec::kDagCbor, std::string_view("x")).ToBytes());
  EXPECT_EQ(ReadError("d82a582700" + cid_hex), "");
  EXPECT_EQ(ReadError("d82a6100"), "tag 42 must hold a byte string at byte 2");
  EXPECT_EQ(ReadError("d82a40"), "CID link lacks the 0x00 prefix at byte 2");
  EXPECT_EQ(ReadError("d82a4101"), "CID link lacks the 0x00 prefix at byte 2");
  const std::string bytes = FromHex("d82a582700" + cid_hex);
  Reader r(AsBytes(bytes));
  Result<Item> link = r.Next();
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(link->kind, Kind::kLink);
  EXPECT_EQ(ToHex(link->data), cid_hex);
}

TEST(CborReaderTest, RejectsInvalidUtf8) {
  EXPECT_EQ(ReadError("62c3a9"), "");      // e-acute
  EXPECT_EQ(ReadError("64f09f9880"), "");  // U+1F600
  EXPECT_EQ(ReadError("61ff"), "text string is not valid UTF-8 at byte 0");
  EXPECT_EQ(ReadError("62c0af"), "text string is not valid UTF-8 at byte 0");      // Overlong.
  EXPECT_EQ(ReadError("63eda080"), "text string is not valid UTF-8 at byte 0");    // Surrogate.
  EXPECT_EQ(ReadError("64f4908080"), "text string is not valid UTF-8 at byte 0");  // > U+10FFFF.
  EXPECT_EQ(ReadError("61c3"), "text string is not valid UTF-8 at byte 0");        // Truncated.
  EXPECT_EQ(ReadError("6180"), "text string is not valid UTF-8 at byte 0");
}

TEST(CborReaderTest, MapKeysMustBeTextInCanonicalOrderWithoutDuplicates) {
  // Shorter keys first, whatever their bytes: "b" < "aa".
  EXPECT_EQ(ReadError("a2"
                      "616200"
                      "62616100"),
            "");
  EXPECT_EQ(ReadError("a2"
                      "62616100"
                      "616200"),
            "map keys not in canonical order (\"b\" after \"aa\") at byte 5");
  // Equal lengths: bytewise.
  EXPECT_EQ(ReadError("a2"
                      "616100"
                      "616200"),
            "");
  EXPECT_EQ(ReadError("a2"
                      "616200"
                      "616100"),
            "map keys not in canonical order (\"a\" after \"b\") at byte 4");
  EXPECT_EQ(ReadError("a2"
                      "616100"
                      "616100"),
            "duplicate map key \"a\" at byte 4");
  EXPECT_EQ(ReadError("a1"
                      "0100"),
            "map key is a unsigned integer, not a text string at byte 1");
  EXPECT_EQ(ReadError("a1"
                      "416100"),
            "map key is a byte string, not a text string at byte 1");
  // Order is per map: an inner map starts afresh.
  EXPECT_EQ(ReadError("a2"
                      "6162"
                      "a1616100"
                      "62616100"),
            "");
  EXPECT_EQ(KeyLess("b", "aa"), true);
  EXPECT_EQ(KeyLess("aa", "b"), false);
  EXPECT_EQ(KeyLess("ab", "ba"), true);
  EXPECT_EQ(KeyLess("a", "a"), false);
}

TEST(CborReaderTest, RejectsTruncationAndTrailingBytes) {
  EXPECT_EQ(ReadError(""), "unexpected end of input at byte 0");
  EXPECT_EQ(ReadError("19"), "unexpected end of input in a 3-byte head at byte 0");
  EXPECT_EQ(ReadError("4301"), "length 3 runs past the end of input (1 bytes left) at byte 0");
  EXPECT_EQ(ReadError("821901"), "unexpected end of input in a 3-byte head at byte 1");
  EXPECT_EQ(ReadError("830102"), "array of 3 entries cannot fit in the 2 bytes left at byte 0");
  EXPECT_EQ(ReadError("0000"), "trailing bytes after the top-level item at byte 1");
}

TEST(CborReaderTest, CountsAndLengthsAreCheckedBeforeAnyAllocation) {
  // A huge count or length in a tiny input is rejected at its head.
  EXPECT_EQ(ReadError("9bffffffffffffffff"),
            "array of 18446744073709551615 entries cannot fit in the 0 bytes left at byte 0");
  EXPECT_EQ(ReadError("bb4000000000000000"
                      "00"),
            "map of 4611686018427387904 entries cannot fit in the 1 bytes left at byte 0");
  EXPECT_EQ(ReadError("a2"
                      "616100"),
            "map of 2 entries cannot fit in the 3 bytes left at byte 0");
  EXPECT_EQ(ReadError("5bffffffffffffffff"),
            "length 18446744073709551615 runs past the end of input (0 bytes left) at byte 0");
}

TEST(CborReaderTest, DepthLimit) {
  // Three nested arrays: fine at depth 3, rejected at 2.
  EXPECT_EQ(ReadError("81818100", 3), "");
  EXPECT_EQ(ReadError("81818100", 2), "nesting deeper than 2 at byte 2");
  // Empty containers count too.
  EXPECT_EQ(ReadError("818180", 2), "nesting deeper than 2 at byte 2");
  // The default allows 16 and rejects 17.
  std::string deep;
  for (int i = 0; i < 16; ++i) deep += "81";
  EXPECT_EQ(ReadError(deep + "00"), "");
  EXPECT_EQ(ReadError("81" + deep + "00"), "nesting deeper than 16 at byte 16");
  // Limits above the default (the reader tracks those containers apart): 40 nested arrays,
  // each holding the next and a 0 after it, so that every level is closed in turn.
  std::string deeper;
  for (int i = 0; i < 40; ++i) deeper += "82";
  deeper += "00";
  for (int i = 0; i < 40; ++i) deeper += "00";
  EXPECT_EQ(ReadError(deeper, 40), "");
  EXPECT_EQ(ReadError(deeper, 39), "nesting deeper than 39 at byte 39");
  EXPECT_EQ(ReadError(deeper.substr(0, deeper.size() - 2), 40),
            "unexpected end of input at byte 80");
  EXPECT_EQ(ReadError(deeper + "00", 40), "trailing bytes after the top-level item at byte 81");
}

TEST(CborReaderTest, SkipReadsOneWholeItem) {
  const std::string bytes = FromHex(
      "83"
      "a1616182"
      "0102"
      "80"
      "05");
  Reader r(AsBytes(bytes));
  ASSERT_TRUE(r.Next().ok());  // The outer array.
  ASSERT_OK(r.Skip());         // The map with its nested array.
  EXPECT_EQ(r.offset(), 7u);
  ASSERT_OK(r.Skip());  // The empty array.
  Result<Item> last = r.Next();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->value, 5u);
  EXPECT_OK(r.Finish());
}

TEST(CborReaderTest, FinishWantsACompleteItem) {
  const std::string bytes = FromHex("820102");
  Reader r(AsBytes(bytes));
  ASSERT_TRUE(r.Next().ok());
  const Status s = r.Finish();
  EXPECT_EQ(s.message(), "unexpected end of input (item not complete) at byte 1");
}

}  // namespace
}  // namespace ddc::cbor
