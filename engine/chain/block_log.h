// blocks.log: the dev chain's append-only file of blocks (docs/chain.md, "Files").
//
// Open scans every entry, checking both checksums, truncates a torn last entry and fails with
// Corruption on damage before a whole later entry. Append writes one entry and fdatasyncs it
// before returning; on failure it cuts the file back so that the next Append starts clean.
// One writer; Read may run on other threads.
#ifndef DDC_ENGINE_CHAIN_BLOCK_LOG_H_
#define DDC_ENGINE_CHAIN_BLOCK_LOG_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ddc/status.h"
#include "engine/io/file_system.h"

namespace ddc::chain {

inline constexpr size_t kBlockLogHeaderBytes = 16;
inline constexpr size_t kBlockEntryHeaderBytes = 16;
inline constexpr uint32_t kBlockLogVersion = 1;

struct BlockEntry {
  uint64_t offset = 0;  // Of the block bytes (after the entry header).
  uint32_t length = 0;
};

class BlockLog {
 public:
  struct Opened {
    std::unique_ptr<BlockLog> log;
    std::vector<BlockEntry> entries;
    uint64_t truncated_bytes = 0;  // Of a torn last entry, cut off at open.
  };
  static Result<Opened> Open(io::FileSystem* fs, const std::string& path);

  Result<BlockEntry> Append(std::string_view block);
  Result<std::string> Read(const BlockEntry& entry);
  uint64_t size() const { return size_; }

 private:
  BlockLog(std::unique_ptr<io::File> file, uint64_t size) : file_(std::move(file)), size_(size) {}

  std::unique_ptr<io::File> file_;
  uint64_t size_;
};

}  // namespace ddc::chain

#endif  // DDC_ENGINE_CHAIN_BLOCK_LOG_H_
