// The child process of the SIGKILL crash harness (crash_harness_test.cc).
//
// Usage: ddc-crash-child DIR SEED THREADS
// Opens the store in DIR and puts blobs from THREADS threads until killed. Blob i's bytes are a
// pure function of (SEED, i) (see BlobBytes), so the parent can regenerate and compare them.
// After each put returns OK, the child writes "i CID\n" to standard output in one write, so a
// line the parent reads whole is an acknowledged put. Exits 2 on any error.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ddc/store.h"
#include "tests/store/crash_blob.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: ddc-crash-child DIR SEED THREADS\n");
    return 2;
  }
  ddc::Options options;
  options.dir = argv[1];
  const uint64_t seed = std::strtoull(argv[2], nullptr, 10);
  const int threads = std::atoi(argv[3]);
  // Small segments so that kills land during rollovers too; frequent snapshots so that kills
  // land during snapshot writes.
  options.segment_bytes = 256 << 10;
  options.max_record_bytes = 64 << 10;
  options.snapshot_interval_bytes = 512 << 10;
  auto store = ddc::Store::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "crash child: %s\n", store.status().ToString().c_str());
    return 2;
  }
  std::atomic<uint64_t> next{std::strtoull(std::getenv("DDC_CRASH_FIRST_INDEX") != nullptr
                                               ? std::getenv("DDC_CRASH_FIRST_INDEX")
                                               : "0",
                                           nullptr, 10)};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (;;) {
        const uint64_t i = next.fetch_add(1);
        const std::string bytes = ddc::test::CrashBlobBytes(seed, i);
        auto cid = (*store)->PutBlob(std::string_view(bytes));
        if (!cid.ok()) {
          std::fprintf(stderr, "crash child: put %llu: %s\n",
                       static_cast<unsigned long long>(i), cid.status().ToString().c_str());
          std::_Exit(2);
        }
        const std::string line = std::to_string(i) + " " + cid->ToString() + "\n";
        // One write(2) per line: the parent never sees half a line from a finished put.
        if (write(1, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
          std::_Exit(2);
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}
