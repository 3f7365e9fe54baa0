// event_builder / event_reader: the scope layer (include/ddc/scopes.h) on one core.
//
//   event_builder  EventBuilder::Build events/s of ~1 KiB JSON events split into 3 scopes (two
//                  sealed, one public) and signed each on its own; also BuildUnsigned (for
//                  callers that SignBatch). The reference is the crypto a builder cannot avoid,
//                  measured in the same process on the same events: two scope-key derivations,
//                  two XChaCha20-Poly1305 seals of the same plaintext sizes and SignEvent.
//   event_reader   EventReader::Open opens/s of those events with every key held: verifying the
//                  signature, and trusting it (ReadOptions::signature_already_verified, what a
//                  caller reading from a store does). References: VerifyEventSignature plus the
//                  two AEAD opens, and the two AEAD opens alone.
//
// Both names select the whole suite: the reader needs the built events, and building them is
// what event_builder times.
#ifndef DDC_BENCH_BUILDER_WORKLOAD_H_
#define DDC_BENCH_BUILDER_WORKLOAD_H_

#include "bench/report.h"
#include "bench/workloads.h"

namespace ddc::bench {

void RunBuilderWorkloads(const BenchConfig& config, Report* report);

}  // namespace ddc::bench

#endif  // DDC_BENCH_BUILDER_WORKLOAD_H_
