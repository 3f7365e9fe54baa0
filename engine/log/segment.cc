#include "engine/log/segment.h"

#include <array>

#include "engine/base/macros.h"

namespace ddc::log {

Result<std::unique_ptr<io::File>> CreateSegment(io::FileSystem* fs, const std::string& dir,
                                                const SegmentHeader& header) {
  const std::string path = dir + "/" + SegmentFileName(header.segment_id);
  DDC_ASSIGN_OR_RETURN(auto file, fs->Open(path, io::OpenMode::kCreateReadWrite));
  DDC_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  if (size != 0) {
    // A leftover from a crash between creating the file and syncing the directory is removed
    // by recovery before we get here; anything else is a bug or outside interference.
    return Status::Corruption(path + ": segment to create already exists with " +
                              std::to_string(size) + " bytes");
  }
  std::array<uint8_t, kSegmentHeaderBytes> bytes;
  EncodeSegmentHeader(header, bytes.data());
  DDC_RETURN_IF_ERROR(file->WriteAndSync(0, bytes));
  DDC_RETURN_IF_ERROR(fs->SyncDir(dir));
  return file;
}

Result<OpenedSegment> OpenSegment(io::FileSystem* fs, const std::string& dir, uint32_t segment_id,
                                  bool writable) {
  const std::string name = SegmentFileName(segment_id);
  const std::string path = dir + "/" + name;
  OpenedSegment seg;
  DDC_ASSIGN_OR_RETURN(seg.file,
                       fs->Open(path, writable ? io::OpenMode::kReadWrite : io::OpenMode::kRead));
  DDC_ASSIGN_OR_RETURN(seg.size, seg.file->Size());
  std::array<uint8_t, kSegmentHeaderBytes> bytes{};
  DDC_ASSIGN_OR_RETURN(size_t got, seg.file->Read(0, bytes));
  DDC_ASSIGN_OR_RETURN(seg.header, DecodeSegmentHeader(std::span(bytes.data(), got), name));
  if (seg.header.segment_id != segment_id) {
    return Status::Corruption(name + ": header names segment " +
                              std::to_string(seg.header.segment_id));
  }
  return seg;
}

}  // namespace ddc::log
