#include "bench/seq_workload.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "bench/peer_stores.h"
#include "bench/raw_write.h"
#include "engine/base/hash.h"

namespace ddc::bench {
namespace {

constexpr uint64_t kSeqSeed = 3;
constexpr uint32_t kBlockBytes = 64 << 10;
constexpr uint64_t kMaxBlocks = 16384;  // 1 GiB.
constexpr uint64_t kMinBlocks = 16;
constexpr uint32_t kQueueDepth = 8;
constexpr uint64_t kDirectAlignBytes = 4096;
static_assert(kBlockBytes % kDirectAlignBytes == 0, "O_DIRECT blocks must be aligned");
constexpr double kTargetFraction = 0.8;

struct FreeDeleter {
  void operator()(uint8_t* p) const { std::free(p); }
};

// Puts every 64 KiB block of `data` into a fresh kNone store with `threads` threads (thread t
// takes blocks t, t + threads, ...), then Sync(); bytes per second up to the end of Sync.
double TimedDdcSeq(const std::string& dir, std::span<const uint8_t> data, int threads,
                   const std::string& phase) {
  std::unique_ptr<DdcBenchStore> store = NewDdcStore(dir, Durability::kNone);
  CheckOk(store->Open(), phase + " open");
  const uint64_t blocks = data.size() / kBlockBytes;
  Progress progress(phase, blocks);
  std::vector<std::thread> workers;
  Stopwatch clock;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const auto step = static_cast<uint64_t>(threads);
      for (uint64_t b = static_cast<uint64_t>(t); b < blocks; b += step) {
        Result<Cid> r = store->store()->PutBlob(data.subspan(b * kBlockBytes, kBlockBytes));
        CheckOk(r.status(), phase);
        if (t == 0 && b % 64 == 0) progress.Update(b);
      }
    });
  }
  for (std::thread& w : workers) w.join();
  CheckOk(store->Sync(), phase + " sync");
  const double seconds = clock.Seconds();
  progress.Done();
  CheckOk(store->Close(), phase + " close");
  RemoveTree(dir);
  return static_cast<double>(data.size()) / seconds;
}

// Raw io_uring write of `data`; 0 (and *why set) when the file system refuses it.
double TimedRaw(const std::string& path, std::span<const uint8_t> data, bool direct,
                std::string* why) {
  RawWriteSpec spec;
  spec.path = path;
  spec.data = data;
  spec.block_bytes = kBlockBytes;
  spec.queue_depth = kQueueDepth;
  spec.direct = direct;
  Note(std::string("[seq_64k] raw io_uring write, ") + (direct ? "O_DIRECT" : "buffered"));
  Result<double> r = RawSequentialWrite(spec);
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (r.ok()) return *r;
  *why = std::string("; raw ") + (direct ? "O_DIRECT" : "buffered") +
         " unavailable: " + r.status().ToString();
  return 0;
}

double TimedHash(std::span<const uint8_t> data, uint8_t* sink) {
  Stopwatch clock;
  for (uint64_t at = 0; at < data.size(); at += kBlockBytes) {
    *sink ^= Blake2b256(data.subspan(at, kBlockBytes))[0];
  }
  return static_cast<double>(data.size()) / clock.Seconds();
}

}  // namespace

void RunSeq64k(const BenchConfig& config, Report* report) {
  const uint64_t blocks =
      std::clamp<uint64_t>(config.n * config.value_bytes / kBlockBytes, kMinBlocks, kMaxBlocks);
  const uint64_t total = blocks * kBlockBytes;
  std::unique_ptr<uint8_t, FreeDeleter> buffer(
      static_cast<uint8_t*>(std::aligned_alloc(kDirectAlignBytes, total)));
  if (buffer == nullptr) Die("seq_64k: cannot allocate " + std::to_string(total) + " bytes");
  for (uint64_t b = 0; b < blocks; ++b) {
    FillBlob(kSeqSeed, b, std::span(buffer.get() + b * kBlockBytes, kBlockBytes));
  }
  const std::span<const uint8_t> data(buffer.get(), total);
  const std::string root = config.dir + "/seq";
  std::filesystem::create_directories(root);

  // Measurements, in the order of the first repetition; later ones rotate.
  enum Item { kRawBuffered, kRawDirect, kDdc1, kDdc2, kHash, kItems };
  std::array<double, kItems> best{};
  std::string why_buffered;
  std::string why_direct;
  uint8_t sink = 0;
  for (uint32_t rep = 0; rep < config.repeat; ++rep) {
    const std::string tag = " #" + std::to_string(rep + 1) + "/" + std::to_string(config.repeat);
    for (int k = 0; k < kItems; ++k) {
      const int item = (k + static_cast<int>(rep)) % kItems;
      double v = 0;
      switch (item) {
        case kRawBuffered:
          v = TimedRaw(root + "/raw_buffered.dat", data, false, &why_buffered);
          break;
        case kRawDirect:
          v = TimedRaw(root + "/raw_direct.dat", data, true, &why_direct);
          break;
        case kDdc1:
          v = TimedDdcSeq(root + "/ddc_1t", data, 1, "seq_64k ddc 1t" + tag);
          break;
        case kDdc2:
          v = TimedDdcSeq(root + "/ddc_2t", data, 2, "seq_64k ddc 2t" + tag);
          break;
        default:
          v = TimedHash(data, &sink);
          break;
      }
      best[static_cast<size_t>(item)] = std::max(best[static_cast<size_t>(item)], v / 1e6);
    }
  }
  RemoveTree(root);

  std::vector<std::pair<std::string, double>> refs;
  if (best[kRawBuffered] > 0) refs.emplace_back("raw_buffered", best[kRawBuffered]);
  if (best[kRawDirect] > 0) refs.emplace_back("raw_o_direct", best[kRawDirect]);
  const double best_raw = std::max(best[kRawBuffered], best[kRawDirect]);
  refs.emplace_back("blake2b_1t", best[kHash]);
  for (const int threads : {1, 2}) {
    Row row = MakeRow(threads == 1 ? "seq_64k" : "seq_64k_2t", "MB/s");
    row.ddc = best[threads == 1 ? kDdc1 : kDdc2];
    row.refs = refs;
    row.target = ">=80% of raw (best of buffered, O_DIRECT)";
    row.met = best_raw > 0 && row.ddc >= kTargetFraction * best_raw;
    row.note = std::to_string(blocks) + " x 64 KiB random blobs (" +
               Human(static_cast<double>(total)) + "B) with PutBlob on " + std::to_string(threads) +
               " thread(s) into a fresh kNone store, then Sync(), timed to the end of Sync; "
               "raw: the same bytes written with io_uring, " +
               std::to_string(kQueueDepth) +
               " x 64 KiB in flight, fdatasync at the end, timed from open; blake2b_1t: "
               "hashing the same blocks on one thread (checksum " +
               std::to_string(sink) + ")" + why_buffered + why_direct;
    report->Add(std::move(row));
  }
}

}  // namespace ddc::bench
