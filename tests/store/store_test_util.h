// Helpers shared by the store tests: byte views, blob generators, a captured info log, a walk
// over every record of a store that checks each record's CID against its bytes, and the
// simulation of a process or machine crash on a FaultFileSystem.
#ifndef DDC_TESTS_STORE_STORE_TEST_UTIL_H_
#define DDC_TESTS_STORE_STORE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ddc/store.h"
#include "engine/io/fault_file_system.h"
#include "tests/test_util.h"

namespace ddc::test {

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Spans over `blobs`, for PutBlobs. The strings must outlive the result.
inline std::vector<std::span<const uint8_t>> Spans(const std::vector<std::string>& blobs) {
  std::vector<std::span<const uint8_t>> out;
  out.reserve(blobs.size());
  for (const std::string& b : blobs) out.push_back(AsBytes(b));
  return out;
}

inline Cid RawCid(std::string_view bytes) { return Cid::Of(Codec::kRaw, bytes); }

// Text that zstd shrinks well (and the store's sampler calls compressible).
inline std::string CompressibleBytes(std::mt19937_64& rng, size_t n) {
  static constexpr std::string_view kWords[] = {"alpha ", "beta ",      "gamma ",
                                                "delta ", "{\"k\":1} ", "epsilon "};
  std::string out;
  out.reserve(n + 16);
  while (out.size() < n) out += kWords[rng() % std::size(kWords)];
  out.resize(n);
  return out;
}

// A blob of a random kind: mostly small, some empty, some up to `max_bytes`; half
// compressible. A random 8-byte prefix makes equal blobs unlikely unless asked for.
inline std::string RandomBlob(std::mt19937_64& rng, size_t max_bytes) {
  size_t n = 0;
  switch (rng() % 8) {
    case 0:
      n = 0;
      break;
    case 1:
      n = rng() % 64;
      break;
    case 2:
    case 3:
    case 4:
      n = rng() % 2048;
      break;
    case 5:
    case 6:
      n = rng() % 8192;
      break;
    default:
      n = rng() % (max_bytes + 1);
      break;
  }
  n = std::min(n, max_bytes);
  std::string out = rng() % 2 == 0 ? CompressibleBytes(rng, n) : RandomString(rng, n);
  const std::string salt = RandomString(rng, 8);
  out.replace(0, std::min(out.size(), salt.size()),
              salt.substr(0, std::min(out.size(), salt.size())));
  return out;
}

// Collects the store's diagnostic lines (Options::info_log) instead of printing them. Must
// outlive every store that logs into it.
class LogSink {
 public:
  std::function<void(std::string_view)> Fn() {
    return [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
    };
  }
  std::vector<std::string> Lines() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }
  size_t CountContaining(std::string_view needle) const {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const std::string& l : lines_) n += l.find(needle) != std::string::npos ? 1 : 0;
    return n;
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.clear();
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// Options for a store at "/db" on `fs`, logging into `sink` (or nowhere).
inline Options FaultOptions(io::FaultFileSystem* fs, LogSink* sink = nullptr) {
  Options o;
  o.dir = "/db";
  o.file_system = fs;
  if (sink != nullptr) {
    o.info_log = sink->Fn();
  } else {
    o.info_log = [](std::string_view) {};
  }
  return o;
}

struct WalkedRecord {
  Cid cid;
  std::string value;
  uint32_t segment = 0;
  uint64_t offset = 0;
  bool operator==(const WalkedRecord& o) const {
    return cid == o.cid && value == o.value && segment == o.segment && offset == o.offset;
  }
};

// Iterates the whole store. Adds a failure (and returns what it got) when the walk does not
// end cleanly, when a record's CID is not the CID of its bytes, or when a CID appears
// twice (the store deduplicates, so a record is never written twice). Records may be blobs,
// events or checkpoints: the CID's codec says how to hash.
inline std::vector<WalkedRecord> WalkStore(Store* store) {
  std::vector<WalkedRecord> out;
  std::set<Cid> seen;
  auto it = store->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    WalkedRecord r{it->cid(), std::string(it->value()), it->segment(), it->offset()};
    EXPECT_EQ(r.cid, Cid::Of(r.cid.codec(), r.value))
        << "record at segment " << r.segment << " offset " << r.offset
        << " has a CID that does not match its " << r.value.size() << " bytes";
    EXPECT_TRUE(seen.insert(r.cid).second)
        << "CID " << r.cid.ToString() << " appears twice (segment " << r.segment << " offset "
        << r.offset << ")";
    out.push_back(std::move(r));
  }
  EXPECT_TRUE(it->status().ok()) << "iterator: " << it->status().ToString();
  return out;
}

// Simulates the death of the process that has `store` open, at this instant, followed by
// `mode` (a process crash is kKeepAll; a power failure any other mode). Every file operation
// from now on fails until the crash is over, so that nothing the dying store's threads do
// afterwards (its destructor, a background snapshot, the interval sync) reaches the "disk".
// `join` runs after the crash and before the store is destroyed: it must stop every thread
// still using the store.
template <typename JoinFn>
void CrashStore(io::FaultFileSystem* fs, std::unique_ptr<Store>* store, io::CrashMode mode,
                uint64_t seed, JoinFn&& join) {
  fs->FailNthOperation(1, Status::Code::kIOError, /*persistent=*/true);
  fs->Crash(mode, seed);
  join();
  store->reset();
  fs->ClearFaults();
}
inline void CrashStore(io::FaultFileSystem* fs, std::unique_ptr<Store>* store, io::CrashMode mode,
                       uint64_t seed) {
  CrashStore(fs, store, mode, seed, [] {});
}

inline const char* CrashModeName(io::CrashMode mode) {
  switch (mode) {
    case io::CrashMode::kDropUnsynced:
      return "DropUnsynced";
    case io::CrashMode::kTearUnsynced:
      return "TearUnsynced";
    case io::CrashMode::kRandomBlocks:
      return "RandomBlocks";
    case io::CrashMode::kKeepAll:
      return "KeepAll";
  }
  return "?";
}

inline const char* DurabilityName(Durability d) {
  switch (d) {
    case Durability::kSyncEveryGroup:
      return "SyncEveryGroup";
    case Durability::kSyncInterval:
      return "SyncInterval";
    case Durability::kNone:
      return "None";
  }
  return "?";
}

}  // namespace ddc::test

// Opens a store into `var` (a std::unique_ptr<ddc::Store>) or fails the test.
#define DDC_ASSERT_OPEN(var, options)                                             \
  do {                                                                            \
    auto ddc_opened_ = ::ddc::Store::Open(options);                               \
    ASSERT_TRUE(ddc_opened_.ok()) << "open: " << ddc_opened_.status().ToString(); \
    var = std::move(ddc_opened_).value();                                         \
  } while (0)

#endif  // DDC_TESTS_STORE_STORE_TEST_UTIL_H_
