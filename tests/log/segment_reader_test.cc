// Proves that SegmentReader and ExamineDamage implement the recovery table of docs/FORMAT.md
// ("Recovery") and engine/log/segment_reader.h, row by row, for the last segment:
//
//   end of file at a record boundary                     -> kCleanEnd
//   fewer than 40 bytes left                              -> kDamaged, ExamineDamage OK (torn)
//   bad header checksum / body past end / bad body checksum
//     ... and no later valid record has durable_offset beyond it -> kDamaged, OK (torn)
//     ... and a later valid record's durable_offset is beyond it -> kDamaged, Corruption naming
//         the file, the offset and the evidence
//   header checksum fine but a field out of range         -> kCorruption
//   sequence number not the expected one                  -> kCorruption
//   I/O error                                             -> kIoError
//
// Segments are built byte by byte (tests/log/log_test_util.h) in a FaultFileSystem file. Beyond
// the table: records larger than the reader's 1 MiB read-ahead and many small ones crossing it,
// starting and ending mid-segment, evidence that straddles ExamineDamage's 4 MiB chunks or sits
// at an odd offset, and evidence that must not count (stale sequence, bad body, record-shaped
// bytes inside the damaged record's own value; the last fails today, see the test). Two randomized
// tests (seed printed; DDC_TEST_SEED replays) truncate a random segment at many lengths (always
// the whole records before the cut, then a clean end or a torn tail) and flip single bits (a
// torn tail exactly when no later record proves the damaged bytes had been synced).
#include "engine/log/segment_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/base/hash.h"
#include "engine/io/fault_file_system.h"
#include "engine/log/format.h"
#include "tests/log/log_test_util.h"
#include "tests/test_util.h"

namespace ddc::log {
namespace {

using Stop = SegmentReader::Stop;
using test::BuiltRecord;
using test::RawRecordHeader;
using test::SegmentBuilder;

constexpr char kPath[] = "/db/seg-000001.log";
constexpr char kName[] = "seg-000001.log";
constexpr uint64_t kMiB = 1u << 20;
// ExamineDamage reads the file in chunks of this size (engine/log/segment_reader.cc).
constexpr uint64_t kExamineChunk = 4 * kMiB;

std::string At(uint64_t offset) { return std::string(kName) + " offset " + std::to_string(offset); }

// A record as the reader returned it, copied out of the reader's buffer.
struct ReadRecord {
  uint64_t offset = 0;
  RecordHeader header;
  std::vector<uint8_t> key;
  std::vector<uint8_t> value;
};

struct ScanResult {
  std::vector<ReadRecord> records;
  Stop stop = Stop::kNone;
  Status status;
  uint64_t good_end = 0;
  uint64_t next_sequence = 0;
};

::testing::AssertionResult MessageHas(const Status& status,
                                      std::initializer_list<std::string> fragments) {
  for (const std::string& f : fragments) {
    if (status.message().find(f) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "\"" << status.ToString() << "\" lacks \"" << f << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

const char* StopName(Stop stop) {
  switch (stop) {
    case Stop::kNone:
      return "kNone";
    case Stop::kCleanEnd:
      return "kCleanEnd";
    case Stop::kDamaged:
      return "kDamaged";
    case Stop::kCorruption:
      return "kCorruption";
    case Stop::kIoError:
      return "kIoError";
  }
  return "?";
}

class SegmentReaderTest : public ::testing::Test {
 protected:
  // Makes `bytes` the segment file (synced, as after a reopen) and opens it for reading.
  void Put(const std::vector<uint8_t>& bytes) {
    file_.reset();
    ASSERT_OK(fs_.WriteAll(kPath, bytes));
    auto file = fs_.Open(kPath, io::OpenMode::kRead);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    file_ = std::move(file).value();
    size_ = bytes.size();
  }

  // Reads [start, end) (end defaults to the file size) expecting `sequence` first.
  ScanResult Scan(uint64_t start = kSegmentHeaderBytes, std::optional<uint64_t> end = {},
                  uint64_t sequence = 1) {
    SegmentReader reader(file_.get(), kName, start, end.value_or(size_), sequence);
    ScanResult out;
    ScannedRecord rec;
    while (reader.Next(&rec)) {
      EXPECT_EQ(reader.stop(), Stop::kNone);
      out.records.push_back(ReadRecord{rec.offset, rec.header,
                                       std::vector<uint8_t>(rec.key.begin(), rec.key.end()),
                                       std::vector<uint8_t>(rec.value.begin(), rec.value.end())});
    }
    out.stop = reader.stop();
    out.status = reader.status();
    out.good_end = reader.good_end();
    out.next_sequence = reader.next_sequence();
    // A stopped reader stays stopped.
    EXPECT_FALSE(reader.Next(&rec));
    EXPECT_EQ(reader.stop(), out.stop);
    return out;
  }

  Status Examine(uint64_t bad_offset, uint64_t last_good_sequence) {
    return ExamineDamage(file_.get(), kName, bad_offset, size_, last_good_sequence);
  }

  io::FaultFileSystem fs_;
  std::unique_ptr<io::File> file_;
  uint64_t size_ = 0;
};

// Checks that `got` holds exactly want[0..n) (offsets, headers, keys, values).
::testing::AssertionResult SameRecords(const std::vector<ReadRecord>& got,
                                       const std::vector<BuiltRecord>& want, size_t n) {
  if (got.size() != n) {
    return ::testing::AssertionFailure() << "read " << got.size() << " records, want " << n;
  }
  for (size_t i = 0; i < n; ++i) {
    const ReadRecord& g = got[i];
    const BuiltRecord& w = want[i];
    if (g.offset != w.offset || g.header.sequence != w.header.sequence ||
        g.header.flags != w.header.flags || g.header.key_length != w.header.key_length ||
        g.header.value_length != w.header.value_length ||
        g.header.raw_length != w.header.raw_length ||
        g.header.durable_offset != w.header.durable_offset ||
        g.header.body_checksum != w.header.body_checksum || g.key != w.key || g.value != w.value) {
      return ::testing::AssertionFailure()
             << "record " << i << " differs (offset " << g.offset << " vs " << w.offset
             << ", sequence " << g.header.sequence << " vs " << w.header.sequence << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

std::vector<uint8_t> Value(std::mt19937_64& rng, size_t n) { return test::RandomBytes(rng, n); }

// A segment of `n` records with values of 0..max_value bytes; no syncs after the header.
SegmentBuilder Records(std::mt19937_64& rng, int n, size_t max_value = 200) {
  SegmentBuilder b;
  for (int i = 0; i < n; ++i) b.Add(Value(rng, rng() % (max_value + 1)));
  return b;
}

// Appends a record whose header is `raw` (checksum valid, fields as given) and whose body is
// key || value with a valid body checksum.
void AppendCrafted(SegmentBuilder& b, RawRecordHeader raw, const std::vector<uint8_t>& key,
                   const std::vector<uint8_t>& value) {
  raw.body_checksum = BodyChecksum(key, value);
  b.AppendRaw(test::SpecRecordHeader(raw));
  b.AppendRaw(key);
  b.AppendRaw(value);
}

void FlipBit(std::vector<uint8_t>& bytes, uint64_t bit) {
  bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
}

// ---------------------------------------------------------------------------------------------
// Row: end of file exactly at a record boundary.

TEST_F(SegmentReaderTest, CleanEndAtARecordBoundary) {
  std::mt19937_64 rng(1);
  SegmentBuilder b = Records(rng, 5);
  Put(b.bytes());
  ScanResult r = Scan();
  EXPECT_TRUE(SameRecords(r.records, b.records(), 5));
  EXPECT_EQ(r.stop, Stop::kCleanEnd) << StopName(r.stop);
  EXPECT_OK(r.status);
  EXPECT_EQ(r.good_end, b.size());
  EXPECT_EQ(r.next_sequence, 6u);
}

TEST_F(SegmentReaderTest, SegmentWithOnlyItsHeaderIsACleanEnd) {
  SegmentBuilder b(3, 100);
  Put(b.bytes());
  ScanResult r = Scan(kSegmentHeaderBytes, {}, 100);
  EXPECT_TRUE(r.records.empty());
  EXPECT_EQ(r.stop, Stop::kCleanEnd) << StopName(r.stop);
  EXPECT_OK(r.status);
  EXPECT_EQ(r.good_end, kSegmentHeaderBytes);
  EXPECT_EQ(r.next_sequence, 100u);
}

TEST_F(SegmentReaderTest, EmptyValuesAndLargestKeys) {
  SegmentBuilder b;
  b.Add({});
  b.AddRecord(std::vector<uint8_t>(64, 0xab), {});
  b.AddRecord(std::vector<uint8_t>(1, 0x01), test::Bytes("x"));
  b.AddRecord(std::vector<uint8_t>(64, 0xcd), test::Bytes("compressed?"), kFlagZstd, 5000);
  Put(b.bytes());
  ScanResult r = Scan();
  EXPECT_TRUE(SameRecords(r.records, b.records(), 4));
  EXPECT_EQ(r.stop, Stop::kCleanEnd) << StopName(r.stop);
}

// ---------------------------------------------------------------------------------------------
// Row: fewer than 40 bytes left.

TEST_F(SegmentReaderTest, PartialHeaderAtTheTailIsATornTail) {
  std::mt19937_64 rng(2);
  SegmentBuilder whole = Records(rng, 4);
  const BuiltRecord last = whole.records().back();
  for (uint64_t left = 1; left < kRecordHeaderBytes; ++left) {
    SCOPED_TRACE("bytes left " + std::to_string(left));
    std::vector<uint8_t> bytes(whole.bytes().begin(),
                               whole.bytes().begin() + static_cast<ptrdiff_t>(last.offset + left));
    Put(bytes);
    ScanResult r = Scan();
    EXPECT_TRUE(SameRecords(r.records, whole.records(), 3));
    EXPECT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop);
    EXPECT_TRUE(r.status.IsCorruption());
    EXPECT_TRUE(MessageHas(r.status, {At(last.offset), "partial record header",
                                      "(" + std::to_string(left) + " bytes left)"}));
    EXPECT_EQ(r.good_end, last.offset);
    EXPECT_EQ(r.next_sequence, 4u);
    EXPECT_OK(Examine(r.good_end, r.next_sequence - 1));
  }
}

TEST_F(SegmentReaderTest, ZeroFilledTailIsATornTail) {
  // What a crash that kept the file length but lost the data blocks leaves: zeros.
  std::mt19937_64 rng(3);
  for (uint64_t zeros : {1u, 39u, 40u, 41u, 100u, 4096u, 70000u}) {
    SCOPED_TRACE("zeros " + std::to_string(zeros));
    SegmentBuilder b = Records(rng, 6);
    const uint64_t end = b.size();
    b.AppendRaw(std::vector<uint8_t>(zeros, 0));
    Put(b.bytes());
    ScanResult r = Scan();
    EXPECT_TRUE(SameRecords(r.records, b.records(), 6));
    EXPECT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop);
    EXPECT_EQ(r.good_end, end);
    EXPECT_TRUE(MessageHas(r.status, {At(end)}));
    EXPECT_OK(Examine(r.good_end, r.next_sequence - 1));
  }
}

// ---------------------------------------------------------------------------------------------
// Row: bad header checksum, nothing valid after it claims the offset was synced.

TEST_F(SegmentReaderTest, BadHeaderChecksumAtTheTailIsATornTail) {
  std::mt19937_64 rng(4);
  SegmentBuilder b = Records(rng, 4);
  const BuiltRecord last = b.records().back();
  // One bit in each header byte: checksum, type, flags, lengths, sequence, durable_offset,
  // reserved, body checksum.
  for (uint64_t byte = 0; byte < kRecordHeaderBytes; ++byte) {
    SCOPED_TRACE("header byte " + std::to_string(byte));
    std::vector<uint8_t> bytes = b.bytes();
    FlipBit(bytes, (last.offset + byte) * 8 + byte % 8);
    Put(bytes);
    ScanResult r = Scan();
    EXPECT_TRUE(SameRecords(r.records, b.records(), 3));
    EXPECT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop);
    EXPECT_TRUE(r.status.IsCorruption());
    EXPECT_TRUE(MessageHas(r.status, {At(last.offset), "record header checksum mismatch"}));
    EXPECT_EQ(r.good_end, last.offset);
    EXPECT_EQ(r.next_sequence, 4u);
    EXPECT_OK(Examine(r.good_end, r.next_sequence - 1));
  }
}

// ---------------------------------------------------------------------------------------------
// Row: ... and a valid later record's durable_offset is beyond the damaged offset.

TEST_F(SegmentReaderTest, BadHeaderChecksumBeforeASyncedRecordIsCorruption) {
  std::mt19937_64 rng(5);
  SegmentBuilder b;
  b.Add(Value(rng, 50));                          // Sequence 1.
  const BuiltRecord bad = b.Add(Value(rng, 60));  // Sequence 2, to be damaged.
  b.Add(Value(rng, 70));                          // Sequence 3, durable_offset 64: no evidence.
  b.Sync();
  const BuiltRecord evidence = b.Add(Value(rng, 80));  // Sequence 4, synced past `bad`.
  b.Add(Value(rng, 90));
  std::vector<uint8_t> bytes = b.bytes();
  FlipBit(bytes, (bad.offset + 20) * 8 + 3);  // The sequence field.
  Put(bytes);
  ScanResult r = Scan();
  EXPECT_TRUE(SameRecords(r.records, b.records(), 1));
  EXPECT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop);
  EXPECT_EQ(r.good_end, bad.offset);
  Status s = Examine(r.good_end, r.next_sequence - 1);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_TRUE(
      MessageHas(s, {At(bad.offset), "sequence 4", "at offset " + std::to_string(evidence.offset),
                     "synced up to offset " + std::to_string(evidence.header.durable_offset)}));
  EXPECT_GT(evidence.header.durable_offset, bad.offset);
}

// Row: ... a later valid record exists, but its durable_offset is NOT beyond the damage.
TEST_F(SegmentReaderTest, LaterRecordNotSyncedPastTheDamageMeansTornTail) {
  std::mt19937_64 rng(6);
  for (bool exactly_at : {true, false}) {
    SCOPED_TRACE(exactly_at ? "durable_offset == bad offset" : "durable_offset < bad offset");
    SegmentBuilder b;
    b.Add(Value(rng, 50));
    b.Add(Value(rng, 50));
    if (exactly_at) b.Sync();  // Synced right up to the damaged record, not into it.
    const BuiltRecord bad = b.Add(Value(rng, 60));
    b.Add(Value(rng, 70));
    const BuiltRecord later = b.Add(Value(rng, 70));
    EXPECT_EQ(later.header.durable_offset, exactly_at ? bad.offset : kSegmentHeaderBytes);
    std::vector<uint8_t> bytes = b.bytes();
    FlipBit(bytes, (bad.offset + 1) * 8);  // The header checksum itself.
    Put(bytes);
    ScanResult r = Scan();
    EXPECT_TRUE(SameRecords(r.records, b.records(), 2));
    EXPECT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop);
    EXPECT_EQ(r.good_end, bad.offset);
    EXPECT_OK(Examine(r.good_end, r.next_sequence - 1));
  }
}

// ---------------------------------------------------------------------------------------------
// Row: body past end of file.

TEST_F(SegmentReaderTest, BodyPastEndOfFileIsATornTail) {
  std::mt19937_64 rng(7);
  SegmentBuilder whole = Records(rng, 3);
  const BuiltRecord last = whole.Add(Value(rng, 300));
  for (uint64_t cut : {uint64_t{0}, uint64_t{1}, uint64_t{37}, uint64_t{38}, uint64_t{39},
                       uint64_t{200}, last.size - kRecordHeaderBytes - 1}) {
    SCOPED_TRACE("body bytes present " + std::to_string(cut));
    const uint64_t len = last.offset + kRecordHeaderBytes + cut;
    Put(std::vector<uint8_t>(whole.bytes().begin(),
                             whole.bytes().begin() + static_cast<ptrdiff_t>(len)));
    ScanResult r = Scan();
    EXPECT_TRUE(SameRecords(r.records, whole.records(), 3));
    EXPECT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop);
    EXPECT_TRUE(
        MessageHas(r.status, {At(last.offset), "record of " + std::to_string(last.size) +
                                                   " bytes runs past the end of the segment"}));
    EXPECT_EQ(r.good_end, last.offset);
    EXPECT_OK(Examine(r.good_end, r.next_sequence - 1));
  }
}

TEST_F(SegmentReaderTest, RecordsInsideABodyThatRunsPastTheEndAreNotEvidence) {
  // A header with a valid checksum claims a body that runs past the end of the file, and
  // record-shaped bytes follow inside that claimed body, one of them claiming to have been
  // written after the damaged offset was synced. Because the header verifies, its length is
  // trusted: the bytes inside are the damaged record's own value (user bytes, which may hold a
  // stored segment file) and prove nothing, so this is a torn tail. The alternative reading --
  // a header whose lengths were corrupted yet still match its checksum -- has probability 2^-32.
  std::mt19937_64 rng(8);
  SegmentBuilder b;
  b.Add(Value(rng, 40));
  const uint64_t bad_offset = b.size();
  RawRecordHeader raw;
  raw.key_length = 38;
  raw.value_length = raw.raw_length = static_cast<uint32_t>(kMiB);
  raw.sequence = 2;
  raw.durable_offset = kSegmentHeaderBytes;
  b.AppendRaw(test::SpecRecordHeader(raw));
  b.OverrideNextSequence(2);
  b.Add(Value(rng, 40));  // Sequence 2 again, as if rewritten.
  b.Sync();
  b.Add(Value(rng, 40));  // Sequence 3, claims a sync past bad_offset.
  Put(b.bytes());
  ScanResult r = Scan();
  EXPECT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop);
  EXPECT_TRUE(MessageHas(r.status, {At(bad_offset), "runs past the end of the segment"}));
  EXPECT_OK(Examine(r.good_end, r.next_sequence - 1));
}

// ---------------------------------------------------------------------------------------------
// Row: bad body checksum.

TEST_F(SegmentReaderTest, BadBodyChecksumAtTheTailIsATornTail) {
  std::mt19937_64 rng(9);
  SegmentBuilder b = Records(rng, 3);
  const BuiltRecord last = b.Add(Value(rng, 100));
  const uint64_t body = last.offset + kRecordHeaderBytes;
  // In the key (first and last byte) and in the value (first and last byte).
  for (uint64_t at : {body, body + 37, body + 38, last.end() - 1}) {
    SCOPED_TRACE("flipped byte " + std::to_string(at));
    std::vector<uint8_t> bytes = b.bytes();
    FlipBit(bytes, at * 8 + 7);
    Put(bytes);
    ScanResult r = Scan();
    EXPECT_TRUE(SameRecords(r.records, b.records(), 3));
    EXPECT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop);
    EXPECT_TRUE(MessageHas(r.status, {At(last.offset), "record body checksum mismatch"}));
    EXPECT_EQ(r.good_end, last.offset);
    EXPECT_EQ(r.next_sequence, 4u);
    EXPECT_OK(Examine(r.good_end, r.next_sequence - 1));
  }
}

TEST_F(SegmentReaderTest, BadBodyChecksumBeforeASyncedRecordIsCorruption) {
  std::mt19937_64 rng(10);
  SegmentBuilder b = Records(rng, 2);
  const BuiltRecord bad = b.Add(Value(rng, 100));
  b.Sync();
  const BuiltRecord evidence = b.Add(Value(rng, 10));
  std::vector<uint8_t> bytes = b.bytes();
  FlipBit(bytes, (bad.end() - 5) * 8);
  Put(bytes);
  ScanResult r = Scan();
  EXPECT_TRUE(SameRecords(r.records, b.records(), 2));
  EXPECT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop);
  EXPECT_TRUE(MessageHas(r.status, {At(bad.offset), "body checksum mismatch"}));
  Status s = Examine(r.good_end, r.next_sequence - 1);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_TRUE(
      MessageHas(s, {At(bad.offset), "sequence 4", "at offset " + std::to_string(evidence.offset),
                     "synced up to offset " + std::to_string(bad.end())}));
}

// ---------------------------------------------------------------------------------------------
// Row: header checksum fine but a field out of range -> corruption, wherever it is.

TEST_F(SegmentReaderTest, FieldOutOfRangeIsCorruption) {
  struct Case {
    const char* name;
    void (*mutate)(RawRecordHeader&);
    const char* message;
  };
  const Case cases[] = {
      {"key length 0", [](RawRecordHeader& h) { h.key_length = 0; },
       "record key length 0 out of range 1..64"},
      {"key length 65", [](RawRecordHeader& h) { h.key_length = 65; },
       "record key length 65 out of range"},
      {"value length > 16 MiB",
       [](RawRecordHeader& h) { h.value_length = h.raw_length = kMaxRecordBytes + 1; },
       "exceeds the maximum 16777216"},
      {"raw length > 16 MiB",
       [](RawRecordHeader& h) {
         h.flags = kFlagZstd;
         h.raw_length = kMaxRecordBytes + 1;
       },
       "exceeds the maximum 16777216"},
      {"unknown type", [](RawRecordHeader& h) { h.type = 7; }, "unknown record type 7"},
      {"unknown flag", [](RawRecordHeader& h) { h.flags = 0x04; }, "unknown record flags"},
      {"reserved bytes", [](RawRecordHeader& h) { h.reserved = 0x100; },
       "record reserved bytes not zero"},
      {"raw != stored, not compressed", [](RawRecordHeader& h) { h.raw_length += 1; },
       "uncompressed record with raw length != stored length"},
      {"sequence 0", [](RawRecordHeader& h) { h.sequence = 0; }, "record sequence 0"},
  };
  std::mt19937_64 rng(11);
  for (const Case& c : cases) {
    for (bool at_tail : {true, false}) {
      SCOPED_TRACE(std::string(c.name) + (at_tail ? ", at the tail" : ", followed by records"));
      SegmentBuilder b = Records(rng, 3);
      const uint64_t bad_offset = b.size();
      const std::vector<uint8_t> value = Value(rng, 20);
      const std::vector<uint8_t> key = test::CidKey(value);
      RawRecordHeader raw;
      raw.key_length = static_cast<uint16_t>(key.size());
      raw.value_length = raw.raw_length = static_cast<uint32_t>(value.size());
      raw.sequence = 4;
      raw.durable_offset = kSegmentHeaderBytes;
      c.mutate(raw);
      AppendCrafted(b, raw, key, value);
      if (!at_tail) {
        b.OverrideNextSequence(4);
        b.Add(Value(rng, 30));
        b.Add(Value(rng, 30));
      }
      Put(b.bytes());
      ScanResult r = Scan();
      EXPECT_TRUE(SameRecords(r.records, b.records(), 3));
      EXPECT_EQ(r.stop, Stop::kCorruption) << StopName(r.stop);
      EXPECT_TRUE(r.status.IsCorruption()) << r.status.ToString();
      EXPECT_TRUE(MessageHas(r.status, {At(bad_offset) + ": ", c.message}));
      EXPECT_EQ(r.good_end, bad_offset);
      EXPECT_EQ(r.next_sequence, 4u);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Row: sequence number not the one expected -> corruption.

TEST_F(SegmentReaderTest, WrongSequenceIsCorruption) {
  struct Case {
    const char* name;
    std::vector<uint64_t> sequences;  // As written.
    size_t good;                      // Records read before the stop.
  };
  const Case cases[] = {
      {"first is 2", {2, 3, 4}, 0},   {"first is 0 (rejected as a field)", {0, 1, 2}, 0},
      {"repeat", {1, 2, 2, 3}, 2},    {"gap", {1, 2, 4, 5}, 2},
      {"goes back", {1, 2, 3, 1}, 3}, {"far future", {1, 1ull << 40}, 1},
  };
  std::mt19937_64 rng(12);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    SegmentBuilder b;
    for (uint64_t seq : c.sequences) {
      if (seq == 0) {
        // The builder cannot write 0 through its override; craft the record instead.
        const std::vector<uint8_t> value = Value(rng, 5);
        RawRecordHeader raw;
        raw.key_length = 38;
        raw.value_length = raw.raw_length = 5;
        raw.sequence = 0;
        AppendCrafted(b, raw, test::CidKey(value), value);
        continue;
      }
      b.OverrideNextSequence(seq);
      b.Add(Value(rng, 10));
    }
    Put(b.bytes());
    ScanResult r = Scan();
    ASSERT_EQ(r.records.size(), c.good);
    EXPECT_EQ(r.stop, Stop::kCorruption) << StopName(r.stop);
    EXPECT_TRUE(r.status.IsCorruption());
    const uint64_t bad_offset = r.good_end;
    const uint64_t expected = c.good + 1;
    if (c.sequences[c.good] == 0) {
      EXPECT_TRUE(MessageHas(r.status, {At(bad_offset), "record sequence 0"}));
    } else {
      EXPECT_TRUE(MessageHas(
          r.status, {At(bad_offset), "record sequence " + std::to_string(c.sequences[c.good]) +
                                         ", expected " + std::to_string(expected)}));
    }
    EXPECT_EQ(r.next_sequence, expected);
  }
}

TEST_F(SegmentReaderTest, FirstSequenceIsTheCallers) {
  SegmentBuilder b(9, 1000);
  std::mt19937_64 rng(13);
  for (int i = 0; i < 5; ++i) b.Add(Value(rng, 10));
  Put(b.bytes());
  ScanResult ok = Scan(kSegmentHeaderBytes, {}, 1000);
  EXPECT_TRUE(SameRecords(ok.records, b.records(), 5));
  EXPECT_EQ(ok.stop, Stop::kCleanEnd);
  EXPECT_EQ(ok.next_sequence, 1005u);
  ScanResult bad = Scan(kSegmentHeaderBytes, {}, 999);
  EXPECT_EQ(bad.stop, Stop::kCorruption);
  EXPECT_TRUE(MessageHas(bad.status, {"record sequence 1000, expected 999"}));
}

// ---------------------------------------------------------------------------------------------
// Read-ahead: records larger than the reader's 1 MiB window, and many small ones crossing it.

TEST_F(SegmentReaderTest, RecordsLargerThanTheReadAhead) {
  std::mt19937_64 rng(14);
  SegmentBuilder b;
  b.Add(Value(rng, 100));
  b.Add(Value(rng, 3 * kMiB));  // Starts inside the first window.
  b.Add(Value(rng, 3 * kMiB));  // Back to back.
  for (int i = 0; i < 50; ++i) b.Add(Value(rng, rng() % 5000));
  b.Add(Value(rng, 3 * kMiB + 17));  // After small records: part of it already buffered.
  // Whole records of exactly 1 MiB and one byte either side (header 40 + key 38).
  b.Add(Value(rng, kMiB - 78 - 1));
  b.Add(Value(rng, kMiB - 78));
  b.Add(Value(rng, kMiB - 78 + 1));
  b.Add(Value(rng, kMaxRecordBytes));  // The largest record there is.
  b.Add(Value(rng, 7));
  Put(b.bytes());
  ScanResult r = Scan();
  EXPECT_TRUE(SameRecords(r.records, b.records(), b.records().size()));
  EXPECT_EQ(r.stop, Stop::kCleanEnd) << StopName(r.stop) << " " << r.status.ToString();
  EXPECT_EQ(r.good_end, b.size());
}

TEST_F(SegmentReaderTest, LargeRecordCutShortIsATornTail) {
  std::mt19937_64 rng(15);
  SegmentBuilder whole;
  whole.Add(Value(rng, 100));
  const BuiltRecord big = whole.Add(Value(rng, 3 * kMiB));
  for (uint64_t keep : {kMiB - 100, kMiB, 2 * kMiB + 1, big.size - 1}) {
    SCOPED_TRACE("kept " + std::to_string(keep));
    Put(std::vector<uint8_t>(whole.bytes().begin(),
                             whole.bytes().begin() + static_cast<ptrdiff_t>(big.offset + keep)));
    ScanResult r = Scan();
    EXPECT_TRUE(SameRecords(r.records, whole.records(), 1));
    EXPECT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop);
    EXPECT_TRUE(MessageHas(r.status, {At(big.offset), "runs past the end"}));
    EXPECT_OK(Examine(r.good_end, r.next_sequence - 1));
  }
}

TEST_F(SegmentReaderTest, ManySmallRecordsCrossReadAheadBoundaries) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  SegmentBuilder b;
  while (b.size() < 5 * kMiB) {
    b.Add(Value(rng, rng() % 4 == 0 ? rng() % 3000 : rng() % 100));
    if (rng() % 50 == 0) b.Sync();
  }
  Put(b.bytes());
  ScanResult r = Scan();
  EXPECT_TRUE(SameRecords(r.records, b.records(), b.records().size()));
  EXPECT_EQ(r.stop, Stop::kCleanEnd) << StopName(r.stop) << " " << r.status.ToString();
  EXPECT_EQ(r.next_sequence, b.records().size() + 1);
}

// ---------------------------------------------------------------------------------------------
// Where the reader starts and ends.

TEST_F(SegmentReaderTest, StartsAfterSomeRecords) {
  std::mt19937_64 rng(16);
  SegmentBuilder b = Records(rng, 10, 3000);
  Put(b.bytes());
  const std::vector<BuiltRecord>& all = b.records();
  for (size_t k = 0; k < all.size(); ++k) {
    SCOPED_TRACE("start at record " + std::to_string(k));
    ScanResult r = Scan(all[k].offset, {}, k + 1);
    const std::vector<BuiltRecord> rest(all.begin() + static_cast<ptrdiff_t>(k), all.end());
    EXPECT_TRUE(SameRecords(r.records, rest, rest.size()));
    EXPECT_EQ(r.stop, Stop::kCleanEnd) << StopName(r.stop);
    EXPECT_EQ(r.next_sequence, all.size() + 1);
  }
  // At the very end: nothing to read, a clean end.
  ScanResult end = Scan(b.size(), {}, 11);
  EXPECT_TRUE(end.records.empty());
  EXPECT_EQ(end.stop, Stop::kCleanEnd);
  EXPECT_EQ(end.good_end, b.size());
  // Starting with the wrong expectation, or off a record boundary, is not a clean read.
  EXPECT_EQ(Scan(all[5].offset, {}, 5).stop, Stop::kCorruption);
  ScanResult off = Scan(all[5].offset + 1, {}, 6);
  EXPECT_TRUE(off.records.empty());
  EXPECT_EQ(off.stop, Stop::kDamaged) << StopName(off.stop);
  EXPECT_TRUE(MessageHas(off.status, {At(all[5].offset + 1), "header checksum mismatch"}));
}

TEST_F(SegmentReaderTest, StopsAtTheGivenEndOffset) {
  std::mt19937_64 rng(17);
  SegmentBuilder b = Records(rng, 10, 3000);
  Put(b.bytes());
  const std::vector<BuiltRecord>& all = b.records();
  // At a record boundary before the end of the file: a clean end there.
  ScanResult r = Scan(kSegmentHeaderBytes, all[7].offset);
  EXPECT_TRUE(SameRecords(r.records, all, 7));
  EXPECT_EQ(r.stop, Stop::kCleanEnd) << StopName(r.stop);
  EXPECT_EQ(r.good_end, all[7].offset);
  // Inside a record: the reader does not look past end_offset even though the file goes on.
  ScanResult mid = Scan(kSegmentHeaderBytes, all[7].offset + 50);
  EXPECT_TRUE(SameRecords(mid.records, all, 7));
  EXPECT_EQ(mid.stop, Stop::kDamaged) << StopName(mid.stop);
  EXPECT_TRUE(MessageHas(mid.status, {At(all[7].offset), "runs past the end"}));
  ScanResult head = Scan(kSegmentHeaderBytes, all[7].offset + 10);
  EXPECT_EQ(head.stop, Stop::kDamaged) << StopName(head.stop);
  EXPECT_TRUE(MessageHas(head.status, {"partial record header (10 bytes left)"}));
}

// ---------------------------------------------------------------------------------------------
// Row: I/O error.

TEST_F(SegmentReaderTest, ReadErrorIsAnIoError) {
  std::mt19937_64 rng(18);
  SegmentBuilder b = Records(rng, 5);
  Put(b.bytes());
  fs_.FailOneIn(io::OpKind::kRead, 1, Status::Code::kIOError, 1);
  ScanResult r = Scan();
  EXPECT_TRUE(r.records.empty());
  EXPECT_EQ(r.stop, Stop::kIoError) << StopName(r.stop);
  EXPECT_TRUE(r.status.IsIOError()) << r.status.ToString();
  EXPECT_TRUE(MessageHas(r.status, {At(kSegmentHeaderBytes), "Input/output error"}));
  EXPECT_EQ(r.good_end, kSegmentHeaderBytes);
}

TEST_F(SegmentReaderTest, ReadErrorMidwayKeepsWhatWasRead) {
  std::mt19937_64 rng(19);
  SegmentBuilder b = Records(rng, 12000, 400);  // About 3 MiB.
  Put(b.bytes());
  fs_.FailNthOperation(2, Status::Code::kIOError);  // The second read: the second window.
  ScanResult r = Scan();
  ASSERT_FALSE(r.records.empty());
  EXPECT_LT(r.records.size(), b.records().size());
  EXPECT_TRUE(SameRecords(r.records, b.records(), r.records.size()));
  EXPECT_EQ(r.stop, Stop::kIoError) << StopName(r.stop);
  EXPECT_TRUE(r.status.IsIOError()) << r.status.ToString();
  EXPECT_EQ(r.good_end, r.records.back().offset + r.records.back().header.on_disk_bytes());
  EXPECT_LE(r.good_end, kSegmentHeaderBytes + kMiB);
  EXPECT_TRUE(MessageHas(r.status, {At(r.good_end)}));
  EXPECT_EQ(r.next_sequence, r.records.size() + 1);
}

TEST_F(SegmentReaderTest, RandomReadErrorsGiveAPrefixThenAnIoError) {
  std::mt19937_64 rng(20);
  SegmentBuilder b = Records(rng, 12000, 400);
  Put(b.bytes());
  int failed = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE("fault seed " + std::to_string(seed));
    fs_.FailOneIn(io::OpKind::kRead, 3, Status::Code::kIOError, seed);
    ScanResult r = Scan();
    fs_.ClearFaults();
    EXPECT_TRUE(SameRecords(r.records, b.records(), r.records.size()));
    if (r.stop == Stop::kIoError) {
      ++failed;
      EXPECT_TRUE(r.status.IsIOError());
    } else {
      EXPECT_EQ(r.stop, Stop::kCleanEnd) << StopName(r.stop);
      EXPECT_EQ(r.records.size(), b.records().size());
    }
  }
  EXPECT_GT(failed, 0);
}

TEST_F(SegmentReaderTest, ExamineDamageReportsReadErrors) {
  std::mt19937_64 rng(21);
  SegmentBuilder b = Records(rng, 3);
  const uint64_t bad = b.size();
  b.AppendRaw(Value(rng, 10));  // Garbage.
  b.Sync();
  b.Add(Value(rng, 10));  // Evidence: ExamineDamage reads its body separately.
  Put(b.bytes());
  fs_.FailOneIn(io::OpKind::kRead, 1, Status::Code::kIOError, 1);
  Status s = Examine(bad, 3);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_TRUE(MessageHas(s, {std::string(kName) + " examining damage"}));
  fs_.ClearFaults();
  fs_.FailNthOperation(2, Status::Code::kIOError);  // The chunk is read, the body read fails.
  s = Examine(bad, 3);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  fs_.ClearFaults();
  EXPECT_TRUE(Examine(bad, 3).IsCorruption());
}

// ---------------------------------------------------------------------------------------------
// ExamineDamage: which later records count as evidence.

TEST_F(SegmentReaderTest, EvidenceIsFoundAtAnyByteOffset) {
  // Garbage of every length up to 45 bytes between the damage and the evidence.
  std::mt19937_64 rng(22);
  for (size_t garbage = 1; garbage <= 45; ++garbage) {
    SCOPED_TRACE("garbage " + std::to_string(garbage));
    SegmentBuilder b = Records(rng, 2);
    const uint64_t bad = b.size();
    std::vector<uint8_t> junk = Value(rng, garbage);
    b.AppendRaw(junk);
    b.Sync();
    const BuiltRecord evidence = b.Add(Value(rng, 20));
    Put(b.bytes());
    ScanResult r = Scan();
    EXPECT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop);
    EXPECT_EQ(r.good_end, bad);
    Status s = Examine(r.good_end, r.next_sequence - 1);
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_TRUE(MessageHas(s, {"at offset " + std::to_string(evidence.offset)}));
  }
}

TEST_F(SegmentReaderTest, EvidenceAcrossExamineDamageChunks) {
  // The damaged record is so long that the evidence header lands on, just before or just
  // after ExamineDamage's chunk boundary (its scan starts at bad + 1; chunks overlap by 39).
  std::mt19937_64 rng(23);
  for (int64_t d : {-41, -40, -39, -38, -20, -1, 0, 1}) {
    SCOPED_TRACE("evidence at chunk boundary " + std::to_string(d));
    SegmentBuilder b = Records(rng, 1);
    const uint64_t bad_size = static_cast<uint64_t>(1 + static_cast<int64_t>(kExamineChunk) + d);
    const BuiltRecord bad = b.Add(Value(rng, bad_size - kRecordHeaderBytes - 38));
    ASSERT_EQ(bad.size, bad_size);
    b.Sync();
    const BuiltRecord evidence = b.Add(Value(rng, 20));
    std::vector<uint8_t> bytes = b.bytes();
    FlipBit(bytes, (bad.offset + 1000) * 8);  // In the body.
    Put(bytes);
    ScanResult r = Scan();
    EXPECT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop);
    EXPECT_EQ(r.good_end, bad.offset);
    Status s = Examine(r.good_end, r.next_sequence - 1);
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_TRUE(MessageHas(s, {"sequence 3", "at offset " + std::to_string(evidence.offset)}));
  }
}

TEST_F(SegmentReaderTest, StaleOrInvalidLaterRecordsAreNotEvidence) {
  std::mt19937_64 rng(24);
  SegmentBuilder b = Records(rng, 3);
  const uint64_t bad = b.size();
  b.AppendRaw(std::vector<uint8_t>(7, 0xee));
  const uint32_t far = 1u << 30;  // "Synced up to 1 GiB": beyond anything.
  // 1. A valid record with an old sequence number (a stale copy, e.g. of a recycled file).
  b.OverrideNextSequence(2);
  b.OverrideNextDurable(far);
  b.Add(Value(rng, 30));
  // 2. A record with a later sequence whose body checksum fails.
  b.OverrideNextSequence(10);
  b.OverrideNextDurable(far);
  const BuiltRecord bad_body = b.Add(Value(rng, 30));
  // 3. A header with a valid checksum but a field out of range.
  RawRecordHeader raw;
  raw.type = 9;
  raw.key_length = 38;
  raw.value_length = raw.raw_length = 4;
  raw.sequence = 11;
  raw.durable_offset = far;
  const std::vector<uint8_t> v4 = Value(rng, 4);
  AppendCrafted(b, raw, test::CidKey(v4), v4);
  // 4. A whole valid header whose body runs past the end of the file.
  b.OverrideNextSequence(12);
  b.OverrideNextDurable(far);
  const BuiltRecord cut = b.Add(Value(rng, 500));
  std::vector<uint8_t> bytes = b.bytes();
  FlipBit(bytes, (bad_body.end() - 1) * 8);
  bytes.resize(cut.end() - 100);
  Put(bytes);
  EXPECT_OK(Examine(bad, 3));
  // The same bytes followed by one more record, valid, later and synced past the damage, do
  // count (the truncated record's claimed body now ends inside it, so it still fails).
  // Its durable_offset must not exceed its own position (no real record claims a sync past
  // its own start), so it claims exactly its position in the cut file.
  const uint64_t evidence_at = bytes.size();
  b.OverrideNextSequence(13);
  b.OverrideNextDurable(static_cast<uint32_t>(evidence_at));
  const BuiltRecord evidence = b.Add(Value(rng, 30));
  bytes.insert(bytes.end(), b.bytes().begin() + static_cast<ptrdiff_t>(evidence.offset),
               b.bytes().end());
  Put(bytes);
  Status s = Examine(bad, 3);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_TRUE(MessageHas(s, {"sequence 13", "at offset " + std::to_string(evidence_at)}));
}

// A blob's value is opaque user bytes and may itself hold record-shaped bytes: a backup of a
// ddc segment stored as a blob, or a blob crafted to look like one. When the damaged record's
// header verifies (its body ran past the end of the file, or its body checksum failed) the
// record's extent is known, and bytes inside it are not "a later record" of this log. Both
// cases below are ordinary crash damage of the last record (cut short; one 4 KiB block lost
// to zeros) and must be a torn tail.
//
// Fails today: ExamineDamage (engine/log/segment_reader.cc) starts its scan at bad_offset + 1
// whatever the damage, so it finds the embedded records inside the damaged record's own value,
// accepts them (valid checksums, sequence above last_good_sequence, durable_offset beyond
// bad_offset) and reports Corruption: the store would refuse to open after a crash during the
// put of such a blob.
TEST_F(SegmentReaderTest, RecordsInsideTheDamagedRecordsOwnValueAreNotEvidence) {
  std::mt19937_64 rng(25);
  // The blob: a complete segment of another log, with high sequence numbers and syncs.
  SegmentBuilder inner(5, 90000);
  for (int i = 0; i < 40; ++i) {
    inner.Add(Value(rng, 300));
    inner.Sync();
  }
  SegmentBuilder b = Records(rng, 2);
  const BuiltRecord blob = b.Add(inner.bytes());
  ASSERT_GT(inner.records().back().header.durable_offset, blob.offset);

  // 1. Cut short by a crash: the header is whole, the body runs past the end.
  Put(std::vector<uint8_t>(b.bytes().begin(),
                           b.bytes().begin() + static_cast<ptrdiff_t>(blob.end() - 1000)));
  ScanResult cut = Scan();
  EXPECT_TRUE(SameRecords(cut.records, b.records(), 2));
  EXPECT_EQ(cut.stop, Stop::kDamaged) << StopName(cut.stop);
  EXPECT_TRUE(MessageHas(cut.status, {At(blob.offset), "runs past the end"}));
  EXPECT_OK(Examine(cut.good_end, cut.next_sequence - 1));

  // 2. The whole length survived but one 4 KiB block of the value became zeros.
  ASSERT_LT(8192u, blob.end());
  std::vector<uint8_t> holed = b.bytes();
  std::fill(holed.begin() + 4096, holed.begin() + 8192, 0);
  Put(holed);
  ScanResult zeroed = Scan();
  EXPECT_TRUE(SameRecords(zeroed.records, b.records(), 2));
  EXPECT_EQ(zeroed.stop, Stop::kDamaged) << StopName(zeroed.stop);
  EXPECT_TRUE(MessageHas(zeroed.status, {At(blob.offset), "body checksum mismatch"}));
  EXPECT_OK(Examine(zeroed.good_end, zeroed.next_sequence - 1));
}

// ---------------------------------------------------------------------------------------------
// Randomized: truncation at many lengths, and single bit flips.

// A random segment: `n` records of mostly small, sometimes larger values, with syncs at random
// record boundaries (each record carries the last sync's offset, as the writer does).
SegmentBuilder RandomSegment(std::mt19937_64& rng, int n) {
  SegmentBuilder b;
  for (int i = 0; i < n; ++i) {
    const size_t size = rng() % 10 == 0 ? rng() % 20000 : rng() % 600;
    b.Add(Value(rng, size));
    if (rng() % 4 == 0) b.Sync();
  }
  return b;
}

TEST_F(SegmentReaderTest, RandomTruncationsReadWholeRecordsThenEndCleanlyOrTorn) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  SegmentBuilder b = RandomSegment(rng, 150);
  const std::vector<BuiltRecord>& all = b.records();
  std::set<uint64_t> lengths = {kSegmentHeaderBytes, b.size(), b.size() - 1};
  for (const BuiltRecord& r : all) {
    for (uint64_t delta : {0, 1, 39, 40, 41, 77, 78, 79}) {
      if (r.offset + delta <= b.size()) lengths.insert(r.offset + delta);
    }
  }
  while (lengths.size() < 800) {
    lengths.insert(kSegmentHeaderBytes + rng() % (b.size() - kSegmentHeaderBytes + 1));
  }
  for (uint64_t len : lengths) {
    SCOPED_TRACE("truncated to " + std::to_string(len));
    Put(std::vector<uint8_t>(b.bytes().begin(), b.bytes().begin() + static_cast<ptrdiff_t>(len)));
    size_t whole = 0;
    while (whole < all.size() && all[whole].end() <= len) ++whole;
    const uint64_t boundary = whole == 0 ? kSegmentHeaderBytes : all[whole - 1].end();
    ScanResult r = Scan();
    ASSERT_TRUE(SameRecords(r.records, all, whole));
    ASSERT_EQ(r.good_end, boundary);
    ASSERT_EQ(r.next_sequence, whole + 1);
    if (len == boundary) {
      ASSERT_EQ(r.stop, Stop::kCleanEnd) << StopName(r.stop);
      ASSERT_OK(r.status);
    } else {
      ASSERT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop) << " " << r.status.ToString();
      ASSERT_TRUE(MessageHas(
          r.status, {At(boundary), len - boundary < kRecordHeaderBytes ? "partial record header"
                                                                       : "runs past the end"}));
      ASSERT_OK(Examine(r.good_end, r.next_sequence - 1));
    }
  }
}

TEST_F(SegmentReaderTest, RandomBitFlipsAreTornTailOnlyWithoutLaterSyncedEvidence) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  SegmentBuilder b = RandomSegment(rng, 120);
  const std::vector<BuiltRecord>& all = b.records();
  int corruptions = 0;
  int torn = 0;
  for (int trial = 0; trial < 400; ++trial) {
    // Mostly early records (so that later ones exist), sometimes any, sometimes the last few
    // (where no later record can be evidence).
    size_t k = static_cast<size_t>(rng() % all.size());
    if (trial % 4 == 0) k = static_cast<size_t>(rng() % (all.size() / 2));
    if (trial % 4 == 1) k = all.size() - 1 - static_cast<size_t>(rng() % 3);
    const BuiltRecord& victim = all[k];
    const uint64_t bit = victim.offset * 8 + rng() % (victim.size * 8);
    SCOPED_TRACE("record " + std::to_string(k) + ", bit " + std::to_string(bit));
    std::vector<uint8_t> bytes = b.bytes();
    FlipBit(bytes, bit);
    Put(bytes);
    ScanResult r = Scan();
    ASSERT_TRUE(SameRecords(r.records, all, k));
    ASSERT_EQ(r.stop, Stop::kDamaged) << StopName(r.stop) << " " << r.status.ToString();
    ASSERT_EQ(r.good_end, victim.offset);
    const bool in_header = bit / 8 < victim.offset + kRecordHeaderBytes;
    ASSERT_TRUE(
        MessageHas(r.status, {At(victim.offset), in_header ? "record header checksum mismatch"
                                                           : "record body checksum mismatch"}));
    // The first later record written after a sync past the victim is the evidence.
    const BuiltRecord* evidence = nullptr;
    for (size_t j = k + 1; j < all.size() && evidence == nullptr; ++j) {
      if (all[j].header.durable_offset > victim.offset) evidence = &all[j];
    }
    Status s = Examine(r.good_end, r.next_sequence - 1);
    if (evidence == nullptr) {
      ++torn;
      ASSERT_OK(s);
    } else {
      ++corruptions;
      ASSERT_TRUE(s.IsCorruption()) << s.ToString();
      ASSERT_TRUE(MessageHas(
          s, {At(victim.offset), "sequence " + std::to_string(evidence->header.sequence),
              "at offset " + std::to_string(evidence->offset),
              "synced up to offset " + std::to_string(evidence->header.durable_offset)}));
    }
  }
  // Both outcomes were exercised.
  EXPECT_GT(corruptions, 0);
  EXPECT_GT(torn, 0);
}

}  // namespace
}  // namespace ddc::log
