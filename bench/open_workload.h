// open_10m and ram_per_record: a store of many small records, how long it takes to open (from
// the index snapshot, and by replaying the whole log) and how much RAM each record costs.
#ifndef DDC_BENCH_OPEN_WORKLOAD_H_
#define DDC_BENCH_OPEN_WORKLOAD_H_

#include "bench/report.h"
#include "bench/workloads.h"

namespace ddc::bench {

// Builds the store once and adds the rows of whichever of the two workloads is selected.
void RunOpenAndRam(const BenchConfig& config, bool open_rows, bool ram_rows, Report* report);

}  // namespace ddc::bench

#endif  // DDC_BENCH_OPEN_WORKLOAD_H_
