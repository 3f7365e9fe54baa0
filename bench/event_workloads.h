// The signed-event workloads of ddc-bench: the ed25519 verification ceiling, verified appends
// of individually signed and of batch-signed events, and the export of those events for the
// Hypercore peer (bench/hypercore). The proofs have proof_workload.h.
#ifndef DDC_BENCH_EVENT_WORKLOADS_H_
#define DDC_BENCH_EVENT_WORKLOADS_H_

#include "bench/report.h"
#include "bench/workloads.h"

namespace ddc::bench {

// Runs whichever of ed25519_ceiling, append_signed, append_batch_signed and export_events are
// selected (append_signed measures the ceiling too when it is not selected).
void RunEventWorkloads(const BenchConfig& config, Report* report);

// Best and median of a set of repeated measurements. REQUIRES: !values.empty().
double Best(std::vector<double> values);
double Median(std::vector<double> values);

}  // namespace ddc::bench

#endif  // DDC_BENCH_EVENT_WORKLOADS_H_
