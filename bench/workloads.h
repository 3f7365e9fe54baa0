// The workloads of ddc-bench. Each runs on ddc and on its peers in this process and adds its
// rows to the Report; see ddc_bench.cc for the list and what each measures.
#ifndef DDC_BENCH_WORKLOADS_H_
#define DDC_BENCH_WORKLOADS_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bench/report.h"

namespace ddc::bench {

// In the order they run (export_events only when named, with --out). get_random and multiget64 read
// the stores put_sync1000 built (or build them untimed when it is not selected); ram_per_record
// measures the store open_10m builds (or builds it).
inline const std::vector<std::string>& AllWorkloads() {
  static const std::vector<std::string> all = {
      "hash_limit",    "put_sync1000",        "put_nosync",
      "get_random",    "multiget64",          "seq_64k",
      "open_10m",      "ram_per_record",      "ed25519_ceiling",
      "append_signed", "append_batch_signed", "proof_gen",
      "proof_verify",  "export_events"};
  return all;
}

struct BenchConfig {
  std::string dir;         // Scratch root; exists and is empty.
  uint64_t n = 1'000'000;  // Blobs per put workload, gets per get workload.
  uint32_t value_bytes = 1024;
  uint64_t open_records = 10'000'000;  // Records of the open_10m / ram_per_record store.
  uint32_t batch = 1000;               // Puts per batch (group commit, WriteBatch, txn).
  // Each timed phase runs this many times, the stores taking turns in rotating order, and the
  // best run is reported: other processes on a shared machine only ever make a run slower.
  uint32_t repeat = 3;
  bool drop_cache = false;         // Evict the stores' page cache before the get phase.
  bool skip_rocksdb_open = false;  // Skip building the RocksDB twin of the open_10m store.
  std::set<std::string> workloads;
  // Which of "ddc", "rocksdb", "lmdb" run the put/get workloads (all by default; fewer only to
  // profile one store alone).
  std::set<std::string> stores = {"ddc", "rocksdb", "lmdb"};

  // Event workloads (event_workloads.h, proof_workload.h).
  uint32_t threads = 2;               // Appending threads; ed25519_ceiling also runs this many.
  uint64_t events = 200'000;          // Events per append run, over all threads.
  uint32_t append_batch = 256;        // Individually signed events per AppendBatch call.
  uint32_t sign_batch = 1000;         // Events per user signature (and per AppendBatch call) when
                                      // batch-signed.
  uint64_t proof_events = 1'000'000;  // Size of the single-user timeline of the proof workloads.
  uint64_t proof_ops = 200'000;       // Proofs generated (and verified) per timed run.
  std::string out;                    // export_events writes the batch-signed events here.

  // bindings_baseline (bindings_workload.h).
  std::string in;                     // The events it appends: a file export_events wrote.
  uint32_t bindings_batch = 1000;     // Events per AppendBatch call.
  uint64_t bindings_single = 20'000;  // Events appended one Append call each.
};

// Runs the selected workloads in AllWorkloads() order. Exits with a message on any store error.
// Returns the I/O backend ddc used ("io_uring", "posix"; empty if no put workload ran).
std::string RunWorkloads(const BenchConfig& config, Report* report);

}  // namespace ddc::bench

#endif  // DDC_BENCH_WORKLOADS_H_
