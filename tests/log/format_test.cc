// Proves that engine/log/format.{h,cc} writes and reads exactly the bytes docs/FORMAT.md
// specifies for segment files and records, version 1, and rejects everything else:
//  - segment file names: every id round-trips, and near-miss names are refused;
//  - segment headers: round trip, and each rejection (short, bad magic, bad checksum, another
//    version) with its message;
//  - record headers: the encoder's bytes equal an independent field-by-field layout written from
//    the FORMAT.md table (tests/log/log_test_util.h), and every rejection of the decoder comes
//    with its message, while the boundary values are accepted;
//  - the body checksum is XXH3-64 (libxxhash itself) over key || value, streamed or one-shot;
//  - the v1 layout is pinned by tests/vectors/record_v1.json, and every field of that vector is
//    asserted at the offset FORMAT.md gives, so the vector rests on the spec, not on the code.
#include "engine/log/format.h"

#include <gtest/gtest.h>
#include <xxhash.h>
#include <zstd.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ddc/cid.h"
#include "engine/base/hash.h"
#include "tests/log/log_test_util.h"
#include "tests/log/vector_file.h"
#include "tests/test_util.h"

namespace ddc::log {
namespace {

using test::Bytes;
using test::GetLe;
using test::PutLe;
using test::RawRecordHeader;
using test::SpecRecordHeader;

// Checks that `status` is `code` and its message contains every fragment.
::testing::AssertionResult HasError(const Status& status, Status::Code code,
                                    std::initializer_list<std::string_view> fragments) {
  if (status.code() != code) {
    return ::testing::AssertionFailure()
           << "expected " << Status::CodeName(code) << ", got " << status.ToString();
  }
  for (std::string_view f : fragments) {
    if (status.message().find(f) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "message \"" << status.message() << "\" lacks \"" << f << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------------------------
// Segment file names.

TEST(SegmentFileNameTest, KnownNames) {
  EXPECT_EQ(SegmentFileName(1), "seg-000001.log");
  EXPECT_EQ(SegmentFileName(42), "seg-000042.log");
  EXPECT_EQ(SegmentFileName(kMaxSegments - 1), "seg-065535.log");
  uint32_t id = 0;
  ASSERT_TRUE(ParseSegmentFileName("seg-123456.log", &id));
  EXPECT_EQ(id, 123456u);
  ASSERT_TRUE(ParseSegmentFileName("seg-000001.log", &id));
  EXPECT_EQ(id, 1u);
}

TEST(SegmentFileNameTest, EveryIdRoundTrips) {
  for (uint32_t id = 1; id < kMaxSegments; ++id) {
    const std::string name = SegmentFileName(id);
    ASSERT_EQ(name.size(), 14u) << name;
    uint32_t parsed = 0;
    ASSERT_TRUE(ParseSegmentFileName(name, &parsed)) << name;
    ASSERT_EQ(parsed, id) << name;
  }
}

TEST(SegmentFileNameTest, RejectsOtherNames) {
  const std::vector<std::string> bad = {
      "",
      "seg-",
      "seg-.log",
      "seg-00001.log",    // 5 digits.
      "seg-0000001.log",  // 7 digits.
      "seg-00000a.log",
      "seg-+00001.log",
      "seg--00001.log",
      "seg- 00001.log",
      "seg-0x0001.log",
      "Seg-000001.log",
      "SEG-000001.LOG",
      "seg_000001.log",
      "seg-000001.LOG",
      "seg-000001.lag",
      "seg-000001.log.tmp",
      "seg-000001.log ",
      " seg-000001.log",
      "xseg-000001.log",
      "seg-000001.lo",
      "seg-000001log",
      "seg-000001.tmp",
      "/db/seg-000001.log",  // A path, not a name.
      "index.snap",
      "index.snap.tmp",
      "LOCK",
      std::string("seg-00") + '\0' + "001.log",  // An embedded NUL.
  };
  for (const std::string& name : bad) {
    uint32_t id = 777;
    EXPECT_FALSE(ParseSegmentFileName(name, &id)) << "accepted \"" << name << "\"";
    EXPECT_EQ(id, 777u) << "wrote the out-parameter for \"" << name << "\"";
  }
}

// ---------------------------------------------------------------------------------------------
// Segment headers.

SegmentHeader SampleSegmentHeader() {
  SegmentHeader h;
  h.segment_id = 7;
  for (size_t i = 0; i < kStoreIdBytes; ++i) h.store_id[i] = static_cast<uint8_t>(i);
  h.first_sequence = 42;
  return h;
}

std::vector<uint8_t> EncodedSegmentHeader(const SegmentHeader& h) {
  std::vector<uint8_t> bytes(kSegmentHeaderBytes);
  EncodeSegmentHeader(h, bytes.data());
  return bytes;
}

// Rewrites the segment header checksum (bytes 56..63 = XXH3-64 of bytes 0..55) after an edit.
void SealSegmentHeader(std::vector<uint8_t>& bytes) {
  PutLe(bytes, 56, XXH3_64bits(bytes.data(), 56), 8);
}

TEST(SegmentHeaderTest, RoundTripsRandomHeaders) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 1000; ++i) {
    SegmentHeader h;
    h.segment_id = static_cast<uint32_t>(rng());
    for (uint8_t& b : h.store_id) b = static_cast<uint8_t>(rng());
    h.first_sequence = rng();
    std::vector<uint8_t> bytes = EncodedSegmentHeader(h);
    bytes.resize(kSegmentHeaderBytes + static_cast<size_t>(rng() % 100));  // Trailing bytes.
    auto decoded = DecodeSegmentHeader(bytes, "seg-x");
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(decoded->segment_id, h.segment_id);
    EXPECT_EQ(decoded->store_id, h.store_id);
    EXPECT_EQ(decoded->first_sequence, h.first_sequence);
  }
}

TEST(SegmentHeaderTest, RejectsShortInput) {
  const std::vector<uint8_t> bytes = EncodedSegmentHeader(SampleSegmentHeader());
  for (size_t n = 0; n < kSegmentHeaderBytes; ++n) {
    auto decoded = DecodeSegmentHeader(std::span(bytes).first(n), "seg-000007.log");
    EXPECT_TRUE(HasError(decoded.status(), Status::Code::kCorruption,
                         {"seg-000007.log: ", "segment header truncated",
                          "(" + std::to_string(n) + " of 64 bytes)"}))
        << n;
  }
}

TEST(SegmentHeaderTest, RejectsBadMagic) {
  const std::vector<uint8_t> good = EncodedSegmentHeader(SampleSegmentHeader());
  for (size_t bit = 0; bit < 64; ++bit) {
    std::vector<uint8_t> bytes = good;
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_TRUE(HasError(DecodeSegmentHeader(bytes, "seg-000007.log").status(),
                         Status::Code::kCorruption, {"seg-000007.log: ", "bad magic"}))
        << "bit " << bit;
    // Also when the checksum is made to match: the magic alone decides.
    SealSegmentHeader(bytes);
    EXPECT_TRUE(HasError(DecodeSegmentHeader(bytes, "seg-000007.log").status(),
                         Status::Code::kCorruption, {"bad magic"}))
        << "bit " << bit;
  }
  // Another ddc file (an index snapshot) is not a segment either.
  std::vector<uint8_t> snap = good;
  const char kIdx[] = "DDCIDX\r\n";
  for (size_t i = 0; i < 8; ++i) snap[i] = static_cast<uint8_t>(kIdx[i]);
  SealSegmentHeader(snap);
  EXPECT_TRUE(
      HasError(DecodeSegmentHeader(snap, "s").status(), Status::Code::kCorruption, {"bad magic"}));
}

TEST(SegmentHeaderTest, RejectsEveryFlippedBitAfterTheMagic) {
  const std::vector<uint8_t> good = EncodedSegmentHeader(SampleSegmentHeader());
  for (size_t bit = 64; bit < kSegmentHeaderBytes * 8; ++bit) {
    std::vector<uint8_t> bytes = good;
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_TRUE(HasError(DecodeSegmentHeader(bytes, "seg-000007.log").status(),
                         Status::Code::kCorruption,
                         {"seg-000007.log: ", "segment header checksum mismatch"}))
        << "bit " << bit;
  }
}

TEST(SegmentHeaderTest, OtherVersionIsNotSupported) {
  for (uint32_t version : {0u, 2u, 3u, 0xffffffffu}) {
    std::vector<uint8_t> bytes = EncodedSegmentHeader(SampleSegmentHeader());
    PutLe(bytes, 8, version, 4);
    SealSegmentHeader(bytes);
    EXPECT_TRUE(HasError(DecodeSegmentHeader(bytes, "seg-000007.log").status(),
                         Status::Code::kNotSupported,
                         {"seg-000007.log: ", "segment format version " + std::to_string(version),
                          "this build reads version 1"}))
        << version;
  }
}

// ---------------------------------------------------------------------------------------------
// Record headers.

// A valid uncompressed blob header: 38-byte key, 5-byte value.
RawRecordHeader SampleRaw() {
  RawRecordHeader h;
  h.type = 1;
  h.flags = 0;
  h.key_length = 38;
  h.value_length = 5;
  h.raw_length = 5;
  h.sequence = 42;
  h.durable_offset = 64;
  h.body_checksum = 0x0123456789abcdefull;
  return h;
}

TEST(RecordHeaderTest, EncoderMatchesTheSpecLayoutAndRoundTrips) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 2000; ++i) {
    RecordHeader h;
    h.flags = static_cast<uint8_t>(rng() & 1);
    h.key_length = static_cast<uint16_t>(1 + rng() % kMaxKeyBytes);
    h.value_length = static_cast<uint32_t>(rng() % (kMaxRecordBytes + 1ull));
    h.raw_length =
        h.flags != 0 ? static_cast<uint32_t>(rng() % (kMaxRecordBytes + 1ull)) : h.value_length;
    h.sequence = 1 + rng() % (~0ull);
    h.durable_offset = static_cast<uint32_t>(rng());
    h.body_checksum = rng();
    std::vector<uint8_t> bytes(kRecordHeaderBytes);
    EncodeRecordHeader(h, bytes.data());

    RawRecordHeader raw;
    raw.type = 1;
    raw.flags = h.flags;
    raw.key_length = h.key_length;
    raw.value_length = h.value_length;
    raw.raw_length = h.raw_length;
    raw.sequence = h.sequence;
    raw.durable_offset = h.durable_offset;
    raw.body_checksum = h.body_checksum;
    ASSERT_EQ(test::ToHex(bytes), test::ToHex(SpecRecordHeader(raw)));

    EXPECT_TRUE(RecordHeaderChecksumOk(bytes));
    auto d = DecodeRecordHeader(bytes);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->type, RecordType::kBlob);
    EXPECT_EQ(d->flags, h.flags);
    EXPECT_EQ(d->key_length, h.key_length);
    EXPECT_EQ(d->value_length, h.value_length);
    EXPECT_EQ(d->raw_length, h.raw_length);
    EXPECT_EQ(d->sequence, h.sequence);
    EXPECT_EQ(d->durable_offset, h.durable_offset);
    EXPECT_EQ(d->body_checksum, h.body_checksum);
    EXPECT_EQ(d->on_disk_bytes(), kRecordHeaderBytes + h.key_length + uint64_t{h.value_length});
  }
}

TEST(RecordHeaderTest, RejectsTruncatedHeaders) {
  const std::vector<uint8_t> bytes = SpecRecordHeader(SampleRaw());
  for (size_t n = 0; n < kRecordHeaderBytes; ++n) {
    EXPECT_FALSE(RecordHeaderChecksumOk(std::span(bytes).first(n))) << n;
    EXPECT_TRUE(HasError(DecodeRecordHeader(std::span(bytes).first(n)).status(),
                         Status::Code::kCorruption, {"record header truncated"}))
        << n;
  }
}

TEST(RecordHeaderTest, RejectsEveryFlippedBit) {
  const std::vector<uint8_t> good = SpecRecordHeader(SampleRaw());
  ASSERT_TRUE(DecodeRecordHeader(good).ok());
  for (size_t bit = 0; bit < kRecordHeaderBytes * 8; ++bit) {
    std::vector<uint8_t> bytes = good;
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(RecordHeaderChecksumOk(bytes)) << "bit " << bit;
    EXPECT_TRUE(HasError(DecodeRecordHeader(bytes).status(), Status::Code::kCorruption,
                         {"record header checksum mismatch"}))
        << "bit " << bit;
  }
}

struct FieldCase {
  const char* name;
  void (*mutate)(RawRecordHeader&);
  const char* message;  // The whole expected message.
};

// Headers whose checksum is right but one field is out of range; each is rejected with its own
// message. The checksum being right is checked too, so each case really reaches its check.
TEST(RecordHeaderTest, RejectsEachFieldOutOfRange) {
  const FieldCase cases[] = {
      {"type 0", [](RawRecordHeader& h) { h.type = 0; }, "unknown record type 0"},
      {"type 7", [](RawRecordHeader& h) { h.type = 7; }, "unknown record type 7"},
      {"type 255", [](RawRecordHeader& h) { h.type = 255; }, "unknown record type 255"},
      {"flag bit 1", [](RawRecordHeader& h) { h.flags = 0x02; }, "unknown record flags 0x2"},
      {"flag bit 3", [](RawRecordHeader& h) { h.flags = 0x08; }, "unknown record flags 0x8"},
      {"reserved 1", [](RawRecordHeader& h) { h.reserved = 1; }, "record reserved bytes not zero"},
      {"reserved top bit", [](RawRecordHeader& h) { h.reserved = 0x80000000u; },
       "record reserved bytes not zero"},
      {"key length 0", [](RawRecordHeader& h) { h.key_length = 0; },
       "record key length 0 out of range 1..64"},
      {"key length 65", [](RawRecordHeader& h) { h.key_length = 65; },
       "record key length 65 out of range 1..64"},
      {"key length 65535", [](RawRecordHeader& h) { h.key_length = 65535; },
       "record key length 65535 out of range 1..64"},
      {"value length 16 MiB + 1",
       [](RawRecordHeader& h) { h.value_length = h.raw_length = kMaxRecordBytes + 1; },
       "record value length 16777217/16777217 exceeds the maximum 16777216"},
      {"value length 4 GiB - 1",
       [](RawRecordHeader& h) { h.value_length = h.raw_length = 0xffffffffu; },
       "record value length 4294967295/4294967295 exceeds the maximum 16777216"},
      {"compressed, raw length 16 MiB + 1",
       [](RawRecordHeader& h) {
         h.flags = 1;
         h.value_length = 10;
         h.raw_length = kMaxRecordBytes + 1;
       },
       "record value length 10/16777217 exceeds the maximum 16777216"},
      {"compressed, stored length 16 MiB + 1",
       [](RawRecordHeader& h) {
         h.flags = 1;
         h.value_length = kMaxRecordBytes + 1;
         h.raw_length = 100;
       },
       "record value length 16777217/100 exceeds the maximum 16777216"},
      {"uncompressed, raw > stored", [](RawRecordHeader& h) { h.raw_length = 6; },
       "uncompressed record with raw length != stored length"},
      {"uncompressed, raw < stored", [](RawRecordHeader& h) { h.raw_length = 4; },
       "uncompressed record with raw length != stored length"},
      {"sequence 0", [](RawRecordHeader& h) { h.sequence = 0; }, "record sequence 0"},
  };
  for (const FieldCase& c : cases) {
    RawRecordHeader raw = SampleRaw();
    c.mutate(raw);
    const std::vector<uint8_t> bytes = SpecRecordHeader(raw);
    EXPECT_TRUE(RecordHeaderChecksumOk(bytes)) << c.name;
    auto d = DecodeRecordHeader(bytes);
    ASSERT_FALSE(d.ok()) << c.name << ": accepted";
    EXPECT_EQ(d.status().code(), Status::Code::kCorruption) << c.name;
    EXPECT_EQ(d.status().message(), c.message) << c.name;
  }
}

// The flags are reported after "0x", so they must be printed in hex (an earlier version printed
// them in decimal after the "0x": "unknown record flags 0x16" for flags 0x10).
TEST(RecordHeaderTest, UnknownFlagsMessageShowsTheFlagsInHex) {
  for (auto [flags, text] : {std::pair<uint8_t, const char*>{0x10, "0x10"},
                             {0x80, "0x80"},
                             {0xff, "0xff"},
                             {0x0a, "0xa"}}) {
    RawRecordHeader raw = SampleRaw();
    raw.flags = flags;
    auto d = DecodeRecordHeader(SpecRecordHeader(raw));
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().message(), std::string("unknown record flags ") + text);
  }
}

TEST(RecordHeaderTest, AcceptsBoundaryValues) {
  const FieldCase cases[] = {
      {"key length 1", [](RawRecordHeader& h) { h.key_length = 1; }, ""},
      {"key length 64", [](RawRecordHeader& h) { h.key_length = 64; }, ""},
      {"empty value", [](RawRecordHeader& h) { h.value_length = h.raw_length = 0; }, ""},
      {"value 16 MiB", [](RawRecordHeader& h) { h.value_length = h.raw_length = kMaxRecordBytes; },
       ""},
      {"compressed to 16 MiB",
       [](RawRecordHeader& h) {
         h.flags = 1;
         h.value_length = 9;
         h.raw_length = kMaxRecordBytes;
       },
       ""},
      {"compressed, raw 0",
       [](RawRecordHeader& h) {
         h.flags = 1;
         h.value_length = 9;
         h.raw_length = 0;
       },
       ""},
      {"sequence max", [](RawRecordHeader& h) { h.sequence = ~0ull; }, ""},
      {"durable offset max", [](RawRecordHeader& h) { h.durable_offset = 0xffffffffu; }, ""},
      {"body checksum 0", [](RawRecordHeader& h) { h.body_checksum = 0; }, ""},
  };
  for (const FieldCase& c : cases) {
    RawRecordHeader raw = SampleRaw();
    c.mutate(raw);
    auto d = DecodeRecordHeader(SpecRecordHeader(raw));
    ASSERT_TRUE(d.ok()) << c.name << ": " << d.status().ToString();
    EXPECT_EQ(d->key_length, raw.key_length) << c.name;
    EXPECT_EQ(d->value_length, raw.value_length) << c.name;
    EXPECT_EQ(d->raw_length, raw.raw_length) << c.name;
    EXPECT_EQ(d->flags, raw.flags) << c.name;
    EXPECT_EQ(d->sequence, raw.sequence) << c.name;
    EXPECT_EQ(d->durable_offset, raw.durable_offset) << c.name;
    EXPECT_EQ(d->body_checksum, raw.body_checksum) << c.name;
  }
}

// ---------------------------------------------------------------------------------------------
// Body checksum.

TEST(BodyChecksumTest, KnownAnswerOfXxh3) {
  // XXH3-64 of no bytes, seed 0, as published with xxHash: our checksum is the real XXH3.
  EXPECT_EQ(BodyChecksum({}, {}), 0x2d06800538d394c2ull);
  EXPECT_EQ(Xxh3(nullptr, 0), 0x2d06800538d394c2ull);
}

TEST(BodyChecksumTest, IsXxh3OfKeyThenValue) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  // Sizes around XXH3's internal boundaries (16, 128, 240 bytes, 1 KiB stripes, 64 KiB...).
  const size_t value_sizes[] = {0,    1,    5,     15,    16,    17,     127,
                                128,  129,  239,   240,   241,   1023,   1024,
                                1025, 4096, 65535, 65536, 65537, 100000, (1u << 20) + 3};
  for (size_t key_size : {1u, 7u, 38u, 64u}) {
    for (size_t value_size : value_sizes) {
      const std::vector<uint8_t> key = test::RandomBytes(rng, key_size);
      const std::vector<uint8_t> value = test::RandomBytes(rng, value_size);
      std::vector<uint8_t> both = key;
      both.insert(both.end(), value.begin(), value.end());
      const uint64_t expected = XXH3_64bits(both.data(), both.size());
      EXPECT_EQ(BodyChecksum(key, value), expected) << key_size << "+" << value_size;

      // The encoder stores the same value (computed one-shot over the contiguous body).
      RecordHeader h;
      h.key_length = static_cast<uint16_t>(key_size);
      h.value_length = h.raw_length = static_cast<uint32_t>(value_size);
      h.sequence = 1;
      std::vector<uint8_t> record(h.on_disk_bytes());
      EncodeRecord(h, key, value, record.data());
      EXPECT_EQ(GetLe(record, 32, 8), expected) << key_size << "+" << value_size;
      EXPECT_TRUE(std::equal(key.begin(), key.end(), record.begin() + kRecordHeaderBytes));
      EXPECT_TRUE(
          std::equal(value.begin(), value.end(),
                     record.begin() + static_cast<ptrdiff_t>(kRecordHeaderBytes + key_size)));
      auto d = DecodeRecordHeader(record);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      EXPECT_EQ(d->body_checksum, expected);

      // Where key and value split does not matter, only the concatenation: the checksum does
      // not protect the boundary, the header's key_length does.
      if (value_size > 0) {
        std::vector<uint8_t> longer_key = key;
        longer_key.push_back(value[0]);
        EXPECT_EQ(BodyChecksum(longer_key, std::span(value).subspan(1)), expected);
      }
    }
  }
}

TEST(BodyChecksumTest, ConcatEqualsOneShotForAnySplitAdjacentOrNot) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 300; ++i) {
    const std::vector<uint8_t> data = test::RandomBytes(rng, rng() % 5000);
    const size_t cut = data.empty() ? 0 : rng() % (data.size() + 1);
    std::span<const uint8_t> all(data);
    // Adjacent pieces (one pass) and the same bytes in separate buffers (streaming).
    const std::vector<uint8_t> a(data.begin(), data.begin() + static_cast<long>(cut));
    const std::vector<uint8_t> b(data.begin() + static_cast<long>(cut), data.end());
    const uint64_t want = XXH3_64bits(data.data(), data.size());
    EXPECT_EQ(Xxh3Concat(all.first(cut), all.subspan(cut)), want) << data.size() << "/" << cut;
    EXPECT_EQ(Xxh3Concat(a, b), want) << data.size() << "/" << cut;
    EXPECT_EQ(BodyChecksum(a, b), want);
  }
}

// ---------------------------------------------------------------------------------------------
// The v1 vector: tests/vectors/record_v1.json.

// A zstd frame written by hand from RFC 8878: magic, a frame header with Single_Segment and a
// 2-byte content size (1000 - 256), and one last RLE block of 1000 bytes of 'a'. Checked below
// with libzstd itself.
const std::vector<uint8_t> kZstdFrameOf1000A = {0x28, 0xb5, 0x2f, 0xfd, 0x60, 0xe8,
                                                0x02, 0x43, 0x1f, 0x00, 0x61};

struct VectorSegment {
  std::vector<uint8_t> header;
  std::vector<uint8_t> record1;
  std::vector<uint8_t> record2;
  std::vector<uint8_t> key1;
  std::vector<uint8_t> key2;
};

VectorSegment EncodeVectorSegment() {
  VectorSegment v;
  v.header = EncodedSegmentHeader(SampleSegmentHeader());

  const std::vector<uint8_t> hello = Bytes("hello");
  auto key1 = Cid::Of(Codec::kRaw, hello).ToBytes();
  v.key1.assign(key1.begin(), key1.end());
  RecordHeader h1;
  h1.flags = 0;
  h1.key_length = static_cast<uint16_t>(v.key1.size());
  h1.value_length = h1.raw_length = static_cast<uint32_t>(hello.size());
  h1.sequence = 42;
  h1.durable_offset = 64;
  v.record1.resize(h1.on_disk_bytes());
  EncodeRecord(h1, v.key1, hello, v.record1.data());

  // The blob's CID names the raw (decompressed) bytes.
  auto key2 = Cid::Of(Codec::kRaw, std::string(1000, 'a')).ToBytes();
  v.key2.assign(key2.begin(), key2.end());
  RecordHeader h2;
  h2.flags = kFlagZstd;
  h2.key_length = static_cast<uint16_t>(v.key2.size());
  h2.value_length = static_cast<uint32_t>(kZstdFrameOf1000A.size());
  h2.raw_length = 1000;
  h2.sequence = 43;
  h2.durable_offset = 147;  // The writer synced record 1 before writing record 2.
  v.record2.resize(h2.on_disk_bytes());
  EncodeRecord(h2, v.key2, kZstdFrameOf1000A, v.record2.data());
  return v;
}

TEST(RecordVectorV1Test, HandMadeZstdFrameIsValid) {
  std::vector<uint8_t> out(2000);
  const size_t n =
      ZSTD_decompress(out.data(), out.size(), kZstdFrameOf1000A.data(), kZstdFrameOf1000A.size());
  ASSERT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  ASSERT_EQ(n, 1000u);
  for (size_t i = 0; i < n; ++i) ASSERT_EQ(out[i], 'a') << i;
  EXPECT_EQ(ZSTD_getFrameContentSize(kZstdFrameOf1000A.data(), kZstdFrameOf1000A.size()), 1000u);
}

TEST(RecordVectorV1Test, EncoderProducesTheVector) {
  const std::string json = test::ReadVectorFile("record_v1.json");
  ASSERT_FALSE(json.empty()) << "cannot read tests/vectors/record_v1.json";
  std::map<std::string, std::string> f = test::FlatJsonFields(json);
  const VectorSegment v = EncodeVectorSegment();
  EXPECT_EQ(test::ToHex(v.header), f["segment_header_hex"]);
  EXPECT_EQ(test::ToHex(v.record1), f["record1_hex"]);
  EXPECT_EQ(test::ToHex(v.record2), f["record2_hex"]);
  EXPECT_EQ(test::ToHex(v.header) + test::ToHex(v.record1) + test::ToHex(v.record2),
            f["segment_file_hex"]);
  EXPECT_EQ(Cid::Of(Codec::kRaw, std::string_view("hello")).ToString(), f["record1_key_cid"]);
  EXPECT_EQ(Cid::Of(Codec::kRaw, std::string(1000, 'a')).ToString(), f["record2_key_cid"]);
  EXPECT_EQ(f["record1_offset"], "64");
  EXPECT_EQ(f["record2_offset"], "147");
}

// Reads the vector (not the encoder's output) and checks every field at the offset FORMAT.md
// gives. Together with the test above this ties the encoder to the spec.
TEST(RecordVectorV1Test, EveryFieldSitsAtItsDocumentedOffset) {
  std::map<std::string, std::string> f =
      test::FlatJsonFields(test::ReadVectorFile("record_v1.json"));
  std::vector<uint8_t> file;
  ASSERT_TRUE(test::FromHex(f["segment_file_hex"], &file));
  ASSERT_EQ(file.size(), 64u + 83u + 89u);
  const std::span<const uint8_t> all(file);

  // Segment header, FORMAT.md "Segment file, version 1".
  const uint8_t kMagic[] = {0x44, 0x44, 0x43, 0x53, 0x45, 0x47, 0x0d, 0x0a};
  EXPECT_TRUE(std::equal(std::begin(kMagic), std::end(kMagic), file.begin()));
  EXPECT_EQ(GetLe(all, 8, 4), 1u);   // Format version.
  EXPECT_EQ(GetLe(all, 12, 4), 7u);  // Segment id.
  for (size_t i = 0; i < 16; ++i) EXPECT_EQ(file[16 + i], i) << "store id byte " << i;
  EXPECT_EQ(GetLe(all, 32, 8), 42u);  // First sequence.
  for (size_t i = 40; i < 56; ++i) EXPECT_EQ(file[i], 0) << "reserved byte " << i;
  EXPECT_EQ(GetLe(all, 56, 8), XXH3_64bits(file.data(), 56));

  // Record 1 at 64, FORMAT.md "Record, version 1".
  const std::span<const uint8_t> r1 = all.subspan(64, 83);
  EXPECT_EQ(GetLe(r1, 0, 4), XXH3_64bits(r1.data() + 4, 36) & 0xffffffffu);
  EXPECT_EQ(r1[4], 1);                                               // Type blob.
  EXPECT_EQ(r1[5], 0);                                               // Flags.
  EXPECT_EQ(GetLe(r1, 6, 2), 38u);                                   // key_length.
  EXPECT_EQ(GetLe(r1, 8, 4), 5u);                                    // value_length.
  EXPECT_EQ(GetLe(r1, 12, 4), 5u);                                   // raw_length.
  EXPECT_EQ(GetLe(r1, 16, 8), 42u);                                  // Sequence.
  EXPECT_EQ(GetLe(r1, 24, 4), 64u);                                  // durable_offset.
  EXPECT_EQ(GetLe(r1, 28, 4), 0u);                                   // Reserved.
  EXPECT_EQ(GetLe(r1, 32, 8), XXH3_64bits(r1.data() + 40, 38 + 5));  // Body checksum.
  // The key is the binary CID (FORMAT.md "CID"): version 1, raw, blake2b-256, 32, digest.
  const uint8_t kCidPrefix[] = {0x01, 0x55, 0xa0, 0xe4, 0x02, 0x20};
  EXPECT_TRUE(std::equal(std::begin(kCidPrefix), std::end(kCidPrefix), r1.begin() + 40));
  std::vector<uint8_t> digest;
  // BLAKE2b-256("hello"), computed independently (Python hashlib.blake2b(digest_size=32)).
  ASSERT_TRUE(
      test::FromHex("324dcf027dd4a30a932c441f365a25e86b173defa4b8e58948253471b81b72cf", &digest));
  EXPECT_TRUE(std::equal(digest.begin(), digest.end(), r1.begin() + 46));
  EXPECT_EQ(std::string(r1.begin() + 78, r1.end()), "hello");

  // Record 2 at 147: compressed, raw length 1000.
  const std::span<const uint8_t> r2 = all.subspan(147, 89);
  EXPECT_EQ(GetLe(r2, 0, 4), XXH3_64bits(r2.data() + 4, 36) & 0xffffffffu);
  EXPECT_EQ(r2[4], 1);
  EXPECT_EQ(r2[5], 1);  // Flag bit 0: one zstd frame.
  EXPECT_EQ(GetLe(r2, 6, 2), 38u);
  EXPECT_EQ(GetLe(r2, 8, 4), 11u);     // Stored bytes.
  EXPECT_EQ(GetLe(r2, 12, 4), 1000u);  // Raw bytes.
  EXPECT_EQ(GetLe(r2, 16, 8), 43u);
  EXPECT_EQ(GetLe(r2, 24, 4), 147u);
  EXPECT_EQ(GetLe(r2, 28, 4), 0u);
  EXPECT_EQ(GetLe(r2, 32, 8), XXH3_64bits(r2.data() + 40, 38 + 11));
  EXPECT_TRUE(std::equal(std::begin(kCidPrefix), std::end(kCidPrefix), r2.begin() + 40));
  EXPECT_TRUE(std::equal(kZstdFrameOf1000A.begin(), kZstdFrameOf1000A.end(), r2.begin() + 78));
  // The CID digest covers the raw bytes, not the stored frame.
  const auto raw_digest = Blake2b256(Bytes(std::string(1000, 'a')));
  EXPECT_TRUE(std::equal(raw_digest.begin(), raw_digest.end(), r2.begin() + 46));

  // And the decoders read the vector back.
  auto sh = DecodeSegmentHeader(all.first(64), "seg-000007.log");
  ASSERT_TRUE(sh.ok()) << sh.status().ToString();
  EXPECT_EQ(sh->segment_id, 7u);
  EXPECT_EQ(sh->first_sequence, 42u);
  auto h1 = DecodeRecordHeader(r1);
  ASSERT_TRUE(h1.ok()) << h1.status().ToString();
  EXPECT_EQ(h1->on_disk_bytes(), 83u);
  EXPECT_EQ(h1->body_checksum, BodyChecksum(r1.subspan(40, 38), r1.subspan(78)));
  auto h2 = DecodeRecordHeader(r2);
  ASSERT_TRUE(h2.ok()) << h2.status().ToString();
  EXPECT_EQ(h2->flags, kFlagZstd);
  EXPECT_EQ(h2->raw_length, 1000u);
  EXPECT_EQ(h2->on_disk_bytes(), 89u);
}

TEST(EncodeRecordTest, WithPrecomputedChecksumEqualsTheOneShotEncoder) {
  std::mt19937_64 rng(5);
  for (size_t n : {0u, 1u, 1000u, 70000u}) {
    const std::vector<uint8_t> key = test::RandomBytes(rng, 38);
    const std::vector<uint8_t> value = test::RandomBytes(rng, n);
    RecordHeader h;
    h.key_length = 38;
    h.value_length = h.raw_length = static_cast<uint32_t>(n);
    h.sequence = 9;
    h.durable_offset = 64;
    std::vector<uint8_t> a(h.on_disk_bytes()), b(h.on_disk_bytes());
    EncodeRecord(h, key, value, a.data());
    h.body_checksum = BodyChecksum(key, value);
    EncodeRecordWithChecksum(h, key, value, b.data());
    EXPECT_EQ(a, b) << n;
  }
}

}  // namespace
}  // namespace ddc::log
