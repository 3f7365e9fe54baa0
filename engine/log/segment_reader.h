// SegmentReader: reads the records of one segment front to back, verifying both checksums of
// every record, and stops at the first thing that is not a whole, valid record.
//
// What a stop means is decided by recovery (ExamineDamage below), as an explicit table:
//
//   where the reader stopped                      last segment          earlier segment
//   --------------------------------------------  --------------------  ---------------
//   end of data, exactly at a record boundary     clean end             clean end
//   < 40 bytes left (partial header)              torn tail: truncate   corruption
//   header checksum bad / body past end of file /
//     body checksum bad, and no valid record
//     after it claims this offset was synced      torn tail: truncate   corruption
//   ... and a later valid record's durable_offset
//     says this offset had been synced            corruption            corruption
//   header checksum ok but a field out of bounds  corruption            corruption
//   sequence number not the expected one          corruption            corruption
//   I/O error                                     I/O error             I/O error
//
// "durable_offset" is written into every record header by the writer: the offset up to which
// the segment was known synced when the record was written. Damage below it cannot be a crash
// artefact, because those bytes had reached stable storage before a later record was written.
//
// Not thread-safe; one reader per thread. The File must outlive the reader.
#ifndef DDC_ENGINE_LOG_SEGMENT_READER_H_
#define DDC_ENGINE_LOG_SEGMENT_READER_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ddc/status.h"
#include "engine/io/file_system.h"
#include "engine/log/format.h"

namespace ddc::log {

struct ScannedRecord {
  RecordHeader header;
  uint64_t offset = 0;             // Of the record header in the segment.
  std::span<const uint8_t> key;    // Valid until the next call to Next().
  std::span<const uint8_t> value;  // Stored bytes (compressed when header.flags says so).
};

class SegmentReader {
 public:
  enum class Stop : uint8_t {
    kNone,        // Not stopped yet.
    kCleanEnd,    // Reached end_offset exactly at a record boundary.
    kDamaged,     // A record at good_end() is not whole and valid; see ExamineDamage.
    kCorruption,  // Checksums fine but the content is impossible (bounds, sequence).
    kIoError,     // Reading failed.
  };

  // Reads records in [start_offset, end_offset) of `file`; the first must carry
  // `expected_sequence`. `name` prefixes messages ("seg-000003.log").
  SegmentReader(io::File* file, std::string name, uint64_t start_offset, uint64_t end_offset,
                uint64_t expected_sequence);

  // The next record, or false when stopped (see stop()).
  bool Next(ScannedRecord* record);

  Stop stop() const { return stop_; }
  // Offset just past the last valid record returned (the truncation point on a torn tail).
  uint64_t good_end() const { return good_end_; }
  // Sequence number the next record must carry.
  uint64_t next_sequence() const { return next_sequence_; }
  // Why the reader stopped: OK on a clean end, else what and where.
  const Status& status() const { return status_; }

 private:
  // Makes [pos_, pos_ + n) available in buf_; false at end of data (or on error, with stop_).
  bool Fill(uint64_t n);
  bool StopWith(Stop stop, Status status);

  io::File* const file_;
  const std::string name_;
  const uint64_t end_offset_;
  uint64_t pos_;  // Offset of the next record.
  uint64_t good_end_;
  uint64_t next_sequence_;
  std::vector<uint8_t> buf_;  // Holds file bytes [buf_offset_, buf_offset_ + buf_len_).
  uint64_t buf_offset_ = 0;
  size_t buf_len_ = 0;
  Stop stop_ = Stop::kNone;
  Status status_;
};

// For a reader stopped with kDamaged at `bad_offset` in the LAST segment: scans the rest of the
// file for valid records. Returns OK when the damage is a torn tail (truncate at bad_offset),
// Corruption naming the evidence when a later record proves the damaged bytes had been synced,
// or an I/O error.
Status ExamineDamage(io::File* file, const std::string& name, uint64_t bad_offset,
                     uint64_t file_size, uint64_t last_good_sequence);

}  // namespace ddc::log

#endif  // DDC_ENGINE_LOG_SEGMENT_READER_H_
