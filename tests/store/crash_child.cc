// The child process of the SIGKILL crash harness (crash_harness_test.cc).
//
// Usage: ddc-crash-child DIR SEED THREADS [DURABILITY [WORKLOAD]]
//   DURABILITY: sync-every-group (default), sync-interval or none. A SIGKILL is a process
//   crash, which every mode survives without losing an acknowledged write (options.h).
//   WORKLOAD: blobs (default) or events.
//   Environment: DDC_CRASH_FIRST_INDEX, the first blob index, or the first event number, to
//   use (default 0).
// Opens the store in DIR and writes from THREADS threads until killed.
//   blobs: mostly one PutBlob at a time, every eighth operation a PutBlobs batch of three. Blob
//   i's bytes are a pure function of (SEED, i) (see CrashBlobBytes), so the parent can
//   regenerate and compare them. After a put returns OK, the child writes "i CID\n".
//   events: CrashEventWriter (crash_blob.h) per thread: signed events of 8 users in 3 buckets,
//   single and batch-signed, with and without prev links, through Append and AppendBatch,
//   re-sends, and Checkpoint() now and then (plus a background checkpoint every 30 ms). After
//   an append returns OK the child writes "e <journal index> <position> <bucket> <user> <cid>",
//   after a checkpoint "c <size> <cid>". It writes "ready" once the store is open.
// The lines of one operation go out in one write, so a line the parent reads whole is an
// acknowledged write. Exits 2 on any error, or when the store answers inconsistently.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "ddc/store.h"
#include "tests/store/crash_blob.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "crash child: %s\n", what.c_str());
  std::_Exit(2);
}

void WriteAll(const std::string& text) {
  // One write(2) for all the lines: the parent never sees half a line from a finished put.
  if (write(1, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    Fail("write to stdout failed");
  }
}

// The events workload of one thread, until the process is killed.
void AppendEvents(ddc::Store* store, uint64_t seed, int thread, int threads,
                  std::atomic<uint64_t>* next) {
  ddc::test::CrashEventWriter writer(store, seed, static_cast<uint32_t>(thread),
                                     static_cast<uint32_t>(threads), next);
  if (ddc::Status s = writer.Start(); !s.ok()) Fail("reading timeline heads: " + s.ToString());
  std::vector<ddc::test::CrashEventAck> acked;
  std::vector<ddc::test::CrashCheckpointAck> checkpoints;
  for (;;) {
    acked.clear();
    checkpoints.clear();
    if (ddc::Status s = writer.Step(&acked, &checkpoints); !s.ok()) Fail(s.ToString());
    if (!writer.inconsistency().empty()) Fail(writer.inconsistency());
    std::string lines;
    for (const auto& a : acked) lines += ddc::test::FormatEventAck(a);
    for (const auto& c : checkpoints) lines += ddc::test::FormatCheckpointAck(c);
    WriteAll(lines);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 6) {
    std::fprintf(stderr, "usage: ddc-crash-child DIR SEED THREADS [DURABILITY [WORKLOAD]]\n");
    return 2;
  }
  ddc::Options options;
  options.dir = argv[1];
  const uint64_t seed = std::strtoull(argv[2], nullptr, 10);
  const int threads = std::atoi(argv[3]);
  if (argc >= 5) {
    if (std::strcmp(argv[4], "sync-every-group") == 0) {
      options.durability = ddc::Durability::kSyncEveryGroup;
    } else if (std::strcmp(argv[4], "sync-interval") == 0) {
      options.durability = ddc::Durability::kSyncInterval;
      options.sync_interval_ms = 5;
    } else if (std::strcmp(argv[4], "none") == 0) {
      options.durability = ddc::Durability::kNone;
    } else {
      Fail(std::string("unknown durability ") + argv[4]);
    }
  }
  // Small segments so that kills land during rollovers too; frequent snapshots so that kills
  // land during snapshot writes.
  options.segment_bytes = 256 << 10;
  options.max_record_bytes = 64 << 10;
  options.snapshot_interval_bytes = 512 << 10;
  const bool events = argc == 6 && std::strcmp(argv[5], "events") == 0;
  if (argc == 6 && !events && std::strcmp(argv[5], "blobs") != 0) {
    Fail(std::string("unknown workload ") + argv[5]);
  }
  if (events) options.checkpoint_interval_ms = 30;
  auto store = ddc::Store::Open(options);
  if (!store.ok()) Fail(store.status().ToString());
  const char* first = std::getenv("DDC_CRASH_FIRST_INDEX");
  std::atomic<uint64_t> next{first != nullptr ? std::strtoull(first, nullptr, 10) : 0};
  std::vector<std::thread> workers;
  if (events) {
    WriteAll("ready\n");  // The parent may count its delay from here.
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] { AppendEvents(store->get(), seed, t, threads, &next); });
    }
    for (auto& w : workers) w.join();
    return 0;
  }
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (uint64_t op = static_cast<uint64_t>(t);; ++op) {
        const uint64_t n = op % 8 == 7 ? 3 : 1;
        const uint64_t i = next.fetch_add(n);
        std::vector<std::string> blobs;
        std::vector<std::span<const uint8_t>> spans;
        for (uint64_t k = 0; k < n; ++k) blobs.push_back(ddc::test::CrashBlobBytes(seed, i + k));
        for (const std::string& b : blobs) {
          spans.emplace_back(reinterpret_cast<const uint8_t*>(b.data()), b.size());
        }
        const std::vector<ddc::Result<ddc::Cid>> results = (*store)->PutBlobs(spans);
        std::string lines;
        for (uint64_t k = 0; k < n; ++k) {
          if (!results[k].ok()) {
            Fail("put " + std::to_string(i + k) + ": " + results[k].status().ToString());
          }
          lines += std::to_string(i + k) + " " + results[k]->ToString() + "\n";
        }
        WriteAll(lines);
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}
