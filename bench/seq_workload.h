// seq_64k: 64 KiB sequential puts on ddc against the raw sequential write bandwidth of the
// same file system, measured here with io_uring.
#ifndef DDC_BENCH_SEQ_WORKLOAD_H_
#define DDC_BENCH_SEQ_WORKLOAD_H_

#include "bench/report.h"
#include "bench/workloads.h"

namespace ddc::bench {

// Adds the rows seq_64k (1 putting thread) and seq_64k_2t (2 threads).
void RunSeq64k(const BenchConfig& config, Report* report);

}  // namespace ddc::bench

#endif  // DDC_BENCH_SEQ_WORKLOAD_H_
