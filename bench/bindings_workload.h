// bindings_baseline: the C++ side of the language-binding benchmark (bench/bindings/run.sh).
// It appends the pre-signed events of a file written by export_events (--in FILE) and reads
// them back, on one thread, with the calls the Python and Node.js bindings wrap; the scripts
// bench/bindings/bench.py and bench/bindings/bench.js do exactly the same from their languages
// and print rows of the same names, so that run.sh can state each binding as a share of C++.
//
// Each repetition (--repeat) runs, in this order, each in a fresh store with default options
// but for the durability named:
//   bindings_append_batch         every event, AppendBatch of --bindings-batch events per call,
//                                 kSyncEveryGroup (the default durability, as
//                                 append_batch_signed);
//   bindings_get_event            GetEvent of every event of that store by the CID its append
//                                 returned, in append order;
//   bindings_get                  Get (the raw bytes) of every event of that store, likewise;
//   bindings_append_batch_nosync  every event, AppendBatch as above, kNone;
//   bindings_append               the first --bindings-single events, one Append call each,
//                                 kNone (with kSyncEveryGroup each call of a single caller is
//                                 its own fdatasync, and every language would measure the disk).
// Rows give the best run (other processes only ever slow a run down) and the median.
#ifndef DDC_BENCH_BINDINGS_WORKLOAD_H_
#define DDC_BENCH_BINDINGS_WORKLOAD_H_

#include <string>
#include <vector>

#include "bench/report.h"
#include "bench/workloads.h"

namespace ddc::bench {

inline constexpr char kBindingsWorkload[] = "bindings_baseline";

// Runs the workload above. REQUIRES: !config.in.empty().
void RunBindingsBaseline(const BenchConfig& config, Report* report);

// The events of a file in export_events' format: each a 4-byte little-endian length and that
// many bytes, back to back. Dies on a file that cannot be read or ends inside a record.
std::vector<std::string> ReadEventsFile(const std::string& path);

}  // namespace ddc::bench

#endif  // DDC_BENCH_BINDINGS_WORKLOAD_H_
