// http: the node's HTTP API against the embedded store it serves, in one process and one run.
//
//   Embedded baseline  --http-connections threads append the same pre-signed ~1 KiB events into
//                      a fresh store: one Store::Append per event, then AppendBatch calls of
//                      --http-batch events (each event still signed on its own).
//   Node               Router + AddNodeRoutes + HttpServer on 127.0.0.1 (a kernel-chosen
//                      port) over a fresh store, driven by --http-connections keep-alive
//                      connections, one client thread each (http_client.h):
//                        POST /v1/buckets/{b}/events        one event per request (cbor),
//                        POST /v1/buckets/{b}/events:batch  --http-batch events per request,
//                        GET  /v1/events/{cid}              every stored event once, in a
//                                                           random order (raw bytes).
//
// Rows give events/s (and requests/s), p50 / p99 / max latency of a request as the client saw
// it (send to last response byte), and the HTTP rates as a share of the embedded rates measured
// in the same run (the target: at least 50%). Every event is made, signed and encoded, and every
// request written out, before any clock starts; each run appends the same events into a fresh
// store, and connection t sends stream t (its own users) in timeline order. Every response's
// status is checked (and a batch's per-event results, and each GET's bytes): any non-2xx
// response fails the run after it is counted. Both store and node use the default durability
// (Durability::kSyncEveryGroup: fdatasync before any append of a group commit returns).
#ifndef DDC_BENCH_HTTP_BENCH_H_
#define DDC_BENCH_HTTP_BENCH_H_

#include <cstdint>

#include "bench/report.h"
#include "bench/workloads.h"

namespace ddc::bench {

inline constexpr char kHttpWorkload[] = "http";

struct HttpBenchConfig {
  // Keep-alive connections, each with its own client thread; also the embedded baseline's
  // appending threads, so that both sides offer the store the same concurrency. On a 2-core
  // machine 16 is enough to fill group commits without the threads' switching dominating.
  uint32_t connections = 16;
  uint32_t batch = 64;       // Events per events:batch request and per embedded AppendBatch.
  uint64_t events = 50'000;  // Events per append run (and GETs per GET run), over all streams.
  // Threads of the node's io_context. 0: one per connection. Handlers block on the group
  // commit, so fewer threads than connections caps how many appends share a commit (ddc-node's
  // own default is the hardware thread count; docs/node.md says to size it for the writers).
  uint32_t server_threads = 0;
  // Access control on: the bench's bucket is registered (public, so GETs need no token) and
  // every append carries an access token and a request signature, as ddc-node's default asks.
  // Requests are signed before timing, so the node's window is widened to an hour.
  bool auth = false;
};

// Runs the suite config.repeat times (the four append runs in rotating order) and adds its
// rows to `report`. Dies when any response is not 2xx, or a store holds the wrong events.
void RunHttpWorkload(const BenchConfig& config, const HttpBenchConfig& http, Report* report);

}  // namespace ddc::bench

#endif  // DDC_BENCH_HTTP_BENCH_H_
