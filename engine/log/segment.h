// Creating and opening segment files.
#ifndef DDC_ENGINE_LOG_SEGMENT_H_
#define DDC_ENGINE_LOG_SEGMENT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "ddc/status.h"
#include "engine/io/file_system.h"
#include "engine/log/format.h"

namespace ddc::log {

// Creates `dir`/seg-NNNNNN.log holding only its header, syncs the file and the directory, and
// returns it open for reading and writing. Fails if a non-empty file of that name exists.
Result<std::unique_ptr<io::File>> CreateSegment(io::FileSystem* fs, const std::string& dir,
                                                const SegmentHeader& header);

// Opens an existing segment and reads its header.
struct OpenedSegment {
  std::unique_ptr<io::File> file;
  SegmentHeader header;
  uint64_t size = 0;
};
Result<OpenedSegment> OpenSegment(io::FileSystem* fs, const std::string& dir, uint32_t segment_id,
                                  bool writable);

}  // namespace ddc::log

#endif  // DDC_ENGINE_LOG_SEGMENT_H_
