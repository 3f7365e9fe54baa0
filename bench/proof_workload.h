// proof_gen / proof_verify: inclusion, consistency and event-proof bundles on a large
// single-user timeline (--proof-events, 1M by default), generated and verified per second on
// one thread, with their sizes in bytes. Both names select the whole suite: verification needs
// the generated proofs, and the setup (building the timeline) dominates either alone.
#ifndef DDC_BENCH_PROOF_WORKLOAD_H_
#define DDC_BENCH_PROOF_WORKLOAD_H_

#include "bench/report.h"
#include "bench/workloads.h"

namespace ddc::bench {

void RunProofWorkloads(const BenchConfig& config, Report* report);

}  // namespace ddc::bench

#endif  // DDC_BENCH_PROOF_WORKLOAD_H_
