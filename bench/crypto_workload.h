// crypto_seal: sealing and opening scopes through ddc's API against raw libsodium, one thread,
// for 256 B, 1 KiB and 64 KiB scopes (the target: ddc >= 90% of raw).
//
//   ddc  SealScope (associated data built from the header, a fresh random nonce, the Scope with
//        its name and sealed-bytes strings) and OpenScope (associated data rebuilt, the
//        plaintext string returned).
//   raw  crypto_aead_xchacha20poly1305_ietf_encrypt / _decrypt on the same plaintext and the
//        same sealed bytes, with the associated data built once beforehand, a fixed nonce and
//        an output buffer allocated once.
//
// Rows crypto_seal_<size> and crypto_open_<size> give plaintext MB/s (best and median over the
// rounds) with raw as the reference (seal rows also show raw sealing that draws a random nonce
// per call with randombytes_buf, as SealScope does); the target is judged on the median of the
// per-round ddc/raw ratios. Each row's note splits ddc's extra time per operation into its parts
// (SealBytes/OpenBytes over raw, ScopeAssociatedData, RandomScopeNonce, the rest), each measured
// on its own in the same rounds.
#ifndef DDC_BENCH_CRYPTO_WORKLOAD_H_
#define DDC_BENCH_CRYPTO_WORKLOAD_H_

#include "bench/report.h"
#include "bench/workloads.h"

namespace ddc::bench {

inline constexpr char kCryptoWorkload[] = "crypto_seal";

// Runs the suite for `config.repeat` rounds (at least 5, for a meaningful median).
void RunCryptoWorkload(const BenchConfig& config, Report* report);

}  // namespace ddc::bench

#endif  // DDC_BENCH_CRYPTO_WORKLOAD_H_
