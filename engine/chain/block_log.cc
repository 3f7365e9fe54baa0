#include "engine/chain/block_log.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "engine/base/coding.h"
#include "engine/base/hash.h"
#include "engine/base/macros.h"
#include "engine/chain/block.h"

namespace ddc::chain {
namespace {

constexpr std::array<uint8_t, 8> kMagic = {'D', 'D', 'C', 'C', 'H', 'A', 'I', 'N'};

uint32_t HeaderCheck(uint32_t length) {
  uint8_t b[4];
  EncodeFixed32(b, length);
  return static_cast<uint32_t>(Xxh3(b, sizeof b));
}

Status ReadExactly(io::File* file, uint64_t offset, std::span<uint8_t> out) {
  DDC_ASSIGN_OR_RETURN(const size_t n, file->Read(offset, out));
  if (n != out.size()) return Status::IOError(file->path() + ": short read");
  return Status::OK();
}

// True when every byte of [offset, size) is zero: the file was extended, nothing was written.
Result<bool> AllZero(io::File* file, uint64_t offset, uint64_t size) {
  std::vector<uint8_t> buf(size_t{64} << 10);
  while (offset < size) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), size - offset));
    DDC_RETURN_IF_ERROR(ReadExactly(file, offset, std::span(buf.data(), n)));
    if (std::any_of(buf.begin(), buf.begin() + static_cast<ptrdiff_t>(n),
                    [](uint8_t b) { return b != 0; })) {
      return false;
    }
    offset += n;
  }
  return true;
}

}  // namespace

Result<BlockLog::Opened> BlockLog::Open(io::FileSystem* fs, const std::string& path) {
  DDC_ASSIGN_OR_RETURN(auto file, fs->Open(path, io::OpenMode::kCreateReadWrite));
  DDC_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  Opened opened;
  if (size < kBlockLogHeaderBytes) {
    // New, or a crash while the header was written (nothing else can be in it yet).
    std::array<uint8_t, kBlockLogHeaderBytes> header{};
    std::copy(kMagic.begin(), kMagic.end(), header.begin());
    EncodeFixed32(header.data() + 8, kBlockLogVersion);
    DDC_RETURN_IF_ERROR(file->Truncate(0));
    DDC_RETURN_IF_ERROR(file->WriteAndSync(0, header));
    size = kBlockLogHeaderBytes;
  } else {
    std::array<uint8_t, kBlockLogHeaderBytes> header{};
    DDC_RETURN_IF_ERROR(ReadExactly(file.get(), 0, header));
    if (!std::equal(kMagic.begin(), kMagic.end(), header.begin())) {
      return Status::Corruption(path + ": not a ddc dev-chain block log (bad magic)");
    }
    const uint32_t version = DecodeFixed32(header.data() + 8);
    if (version != kBlockLogVersion) {
      return Status::NotSupported(path + ": block log version " + std::to_string(version) +
                                  ", this build reads " + std::to_string(kBlockLogVersion));
    }
  }
  uint64_t offset = kBlockLogHeaderBytes;
  std::vector<uint8_t> body;
  while (offset < size) {
    const auto where = [&] {
      return path + ": block " + std::to_string(opened.entries.size()) + " at offset " +
             std::to_string(offset);
    };
    bool torn = false;
    std::array<uint8_t, kBlockEntryHeaderBytes> h{};
    uint32_t length = 0;
    if (size - offset < kBlockEntryHeaderBytes) {
      torn = true;
    } else {
      DDC_RETURN_IF_ERROR(ReadExactly(file.get(), offset, h));
      length = DecodeFixed32(h.data());
      if (HeaderCheck(length) != DecodeFixed32(h.data() + 4) || length > kMaxBlockBytes ||
          length == 0) {
        DDC_ASSIGN_OR_RETURN(const bool zero, AllZero(file.get(), offset, size));
        if (!zero) return Status::Corruption(where() + ": bad entry header");
        torn = true;
      } else if (size - offset - kBlockEntryHeaderBytes < length) {
        torn = true;
      } else {
        body.resize(length);
        DDC_RETURN_IF_ERROR(ReadExactly(file.get(), offset + kBlockEntryHeaderBytes, body));
        if (Xxh3(body) != DecodeFixed64(h.data() + 8)) {
          if (offset + kBlockEntryHeaderBytes + length != size) {
            return Status::Corruption(where() + ": block checksum mismatch");
          }
          torn = true;  // The last entry, its body not all written.
        }
      }
    }
    if (torn) {
      opened.truncated_bytes = size - offset;
      DDC_RETURN_IF_ERROR(file->Truncate(offset));
      DDC_RETURN_IF_ERROR(file->Sync());
      size = offset;
      break;
    }
    opened.entries.push_back(BlockEntry{offset + kBlockEntryHeaderBytes, length});
    offset += kBlockEntryHeaderBytes + length;
  }
  opened.log.reset(new BlockLog(std::move(file), size));
  return opened;
}

Result<BlockEntry> BlockLog::Append(std::string_view block) {
  if (block.empty() || block.size() > kMaxBlockBytes) {
    return Status::InvalidArgument("block log: block of " + std::to_string(block.size()) +
                                   " bytes");
  }
  std::vector<uint8_t> entry(kBlockEntryHeaderBytes + block.size());
  const auto length = static_cast<uint32_t>(block.size());
  EncodeFixed32(entry.data(), length);
  EncodeFixed32(entry.data() + 4, HeaderCheck(length));
  std::memcpy(entry.data() + kBlockEntryHeaderBytes, block.data(), block.size());
  EncodeFixed64(entry.data() + 8,
                Xxh3(std::span(entry.data() + kBlockEntryHeaderBytes, block.size())));
  Status s = file_->WriteAndSync(size_, entry);
  if (!s.ok()) {
    // Cut back whatever part reached the file; if even that fails the next open will.
    (void)file_->Truncate(size_);
    return s;
  }
  const BlockEntry out{size_ + kBlockEntryHeaderBytes, length};
  size_ += entry.size();
  return out;
}

Result<std::string> BlockLog::Read(const BlockEntry& entry) {
  std::string out(entry.length, '\0');
  DDC_RETURN_IF_ERROR(ReadExactly(file_.get(), entry.offset,
                                  std::span(reinterpret_cast<uint8_t*>(out.data()), out.size())));
  return out;
}

}  // namespace ddc::chain
