// ddc-bench: ddc against RocksDB and LMDB on the same workloads, in one process, reported as
// ratios (docs: the speed targets of the issue live here, never in a test).
//
//   hash_limit      BLAKE2b-256 of N blobs on one thread: the ceiling of single-threaded
//                   content-addressed puts. Put rows show ddc as a % of it.
//   put_sync1000    N puts of random blobs in batches of 1000 with one sync per batch: ddc
//                   PutBlobs (kSyncEveryGroup), RocksDB WriteBatch sync=true, LMDB one txn.
//   put_nosync      The same with no syncs (kNone, sync=false, MDB_NOSYNC).
//   get_random      N uniform random gets of existing keys from put_sync1000's stores,
//                   reopened; 1 thread, then 2 threads (get_random_2t).
//   multiget64      MultiGet of 64 random keys, repeated N/64 times.
//   seq_64k         64 KiB puts (up to 1 GiB) on ddc (kNone + final Sync, 1 and 2 threads)
//                   against raw io_uring sequential write bandwidth, buffered and O_DIRECT.
//   open_10m        A store of --open-records small blobs: time of Store::Open from the index
//                   snapshot, and with the snapshot deleted (full replay); RocksDB DB::Open of
//                   the same records.
//   ram_per_record  The CID index's bytes per record and RSS growth per record of that store.
//   ed25519_ceiling crypto_sign_verify_detached/s of ~1 KiB messages on 1 and --threads threads.
//   append_signed   Verified appends/s of ~1 KiB events (3 sealed scopes), each signed on its
//                   own, from --threads threads in AppendBatch calls of --append-batch, synced
//                   (default durability) and not (_nosync); as a share of the ceiling x threads.
//   append_batch_signed  The same with SignBatch over --sign-batch events per signature (and
//                   per AppendBatch call); events/s and MB/s. bench/compare_hypercore.sh sets
//                   it against npm hypercore appending the same bytes.
//   proof_gen, proof_verify  A --proof-events single-user timeline: inclusion and consistency
//                   proofs of the timeline and the journal, and ProveEvent bundles, generated
//                   and verified per second, with their sizes (proof_workload.h).
//   export_events   Writes the append_batch_signed events to --out (length-prefixed) for the
//                   Hypercore peer and the language bindings. Runs only when named.
//   bindings_baseline  Appends the events of an export_events file (--in) on one thread, in
//                   AppendBatch calls of --bindings-batch (synced and not) and one by one
//                   (the first --bindings-single), then GetEvent and Get of each: the C++ side
//                   of bench/bindings/run.sh (bindings_workload.h). Runs only when named.
//   crypto_seal     Scope sealing and opening MB/s through SealScope/OpenScope against raw
//                   libsodium XChaCha20-Poly1305 on the same buffers, 256 B, 1 KiB and 64 KiB,
//                   one thread (crypto_workload.h).
//   event_builder   EventBuilder events/s for a 1 KiB JSON event with 3 scopes (one public),
//                   single core, against the crypto floor; EventReader opens/s, signature
//                   checked and trusted (builder_workload.h).
//   http            The node's HTTP API (an in-process node on loopback) against the embedded
//                   store: verified appends/s of ~1 KiB pre-signed events, one per request and
//                   --http-batch per events:batch request, from --http-connections keep-alive
//                   connections, with p50/p99/max latency, as a share of the embedded Append /
//                   AppendBatch rates of the same run; GET /v1/events/{cid} requests/s
//                   (http_bench.h).
//
// Usage: ddc-bench [--dir DIR] [--n N] [--value-bytes B] [--workloads a,b,c] [--json]
//                  [--open-records N] [--batch N] [--repeat R] [--drop-cache]
//                  [--skip-rocksdb-open] [--stores ddc,rocksdb,lmdb] [--threads T]
//                  [--events N] [--append-batch N] [--sign-batch N] [--proof-events N]
//                  [--proof-ops N] [--out FILE] [--http-connections C] [--http-batch N]
//                  [--http-events N] [--http-server-threads T] [--http-auth] [--in FILE]
//                  [--bindings-batch N] [--bindings-single N] [WORKLOADS]
// A bare WORKLOADS argument is the same as --workloads WORKLOADS ("ddc-bench http").
// Stores go to a fresh directory under DIR (default /tmp), removed at the end. The table goes to
// stdout; with --json, one JSON object per result row goes to stdout instead (the table to
// stderr). Progress lines always go to stderr.
#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "bench/bench_util.h"
#include "bench/bindings_workload.h"
#include "bench/builder_workload.h"
#include "bench/crypto_workload.h"
#include "bench/http_bench.h"
#include "bench/peer_stores.h"
#include "bench/report.h"
#include "bench/workloads.h"
#include "ddc/options.h"

namespace ddc::bench {
namespace {

constexpr char kUsage[] =
    "usage: ddc-bench [--dir DIR] [--n N] [--value-bytes B] [--workloads a,b,c] [--json]\n"
    "                 [--open-records N] [--batch N] [--repeat R] [--drop-cache]\n"
    "                 [--skip-rocksdb-open] [--stores ddc,rocksdb,lmdb] [--threads T]\n"
    "                 [--events N] [--append-batch N] [--sign-batch N] [--proof-events N]\n"
    "                 [--proof-ops N] [--out FILE] [--http-connections C] [--http-batch N]\n"
    "                 [--http-events N] [--http-server-threads T] [--http-auth] [--in FILE]\n"
    "                 [--bindings-batch N] [--bindings-single N] [WORKLOADS]\n"
    "  --dir DIR            parent of the scratch directory (default /tmp); removed after\n"
    "  --n N                blobs per put workload and gets per get workload (1000000)\n"
    "  --value-bytes B      blob size of the put/get workloads (1024)\n"
    "  --workloads LIST     comma-separated subset of: hash_limit put_sync1000 put_nosync\n"
    "                       get_random multiget64 seq_64k open_10m ram_per_record\n"
    "                       ed25519_ceiling append_signed append_batch_signed proof_gen\n"
    "                       proof_verify export_events crypto_seal event_builder http\n"
    "                       bindings_baseline (all but export_events and\n"
    "                       bindings_baseline); a bare LIST argument means the same\n"
    "  --json               one JSON object per result row on stdout\n"
    "  --open-records N     records of the open_10m / ram_per_record store (10000000)\n"
    "  --batch N            puts per batch / sync (1000)\n"
    "  --repeat R           runs per timed phase, stores taking turns; best reported (3)\n"
    "  --drop-cache         evict the stores' page cache before the get workloads\n"
    "  --skip-rocksdb-open  do not build the RocksDB twin of the open_10m store\n"
    "  --stores LIST        stores for the put/get workloads, e.g. ddc (to profile it alone;\n"
    "                       default ddc,rocksdb,lmdb)\n"
    "  --threads T          appending threads of the event workloads, and of the ed25519\n"
    "                       ceiling (2)\n"
    "  --events N           events per append_signed / append_batch_signed run (200000)\n"
    "  --append-batch N     individually signed events per AppendBatch call (256)\n"
    "  --sign-batch N       events per user signature and per AppendBatch call when\n"
    "                       batch-signed (1000)\n"
    "  --proof-events N     events in the timeline of the proof workloads (1000000)\n"
    "  --proof-ops N        proofs generated and verified per run (200000)\n"
    "  --out FILE           where export_events writes the batch-signed events\n"
    "  --http-connections C keep-alive connections (one client thread each) of the http\n"
    "                       workload, and threads of its embedded baseline (16)\n"
    "  --http-batch N       events per events:batch request and embedded AppendBatch (64)\n"
    "  --http-events N      events per http append run, and GETs per GET run (50000)\n"
    "  --http-server-threads T  the in-process node's threads; 0: one per connection (0)\n"
    "  --http-auth              access control on: appends carry a token and a signature\n"
    "  --in FILE            the events bindings_baseline appends (written by export_events)\n"
    "  --bindings-batch N   events per AppendBatch call of bindings_baseline (1000)\n"
    "  --bindings-single N  events bindings_baseline appends one call each (20000)\n";

// Workloads that need no store and are not part of RunWorkloads: each runs on its own after
// the store workloads when selected (all are, by default). One entry per workload.
struct StandaloneWorkload {
  const char* name;
  void (*run)(const BenchConfig& config, Report* report);
};
constexpr StandaloneWorkload kStandaloneWorkloads[] = {
    {kCryptoWorkload, RunCryptoWorkload},
    {"event_builder", RunBuilderWorkloads},    // EventBuilder and EventReader events/s.
    {kBindingsWorkload, RunBindingsBaseline},  // Named only; needs --in.
};

uint64_t ParseCount(std::string_view flag, const std::string& text, uint64_t min, uint64_t max) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || end == nullptr || *end != '\0' || v < min || v > max) {
    Die(std::string(flag) + ": expected an integer in [" + std::to_string(min) + ", " +
        std::to_string(max) + "], got '" + text + "'");
  }
  return v;
}

// A comma-separated list, each item one of `known`.
std::set<std::string> ParseList(std::string_view flag, const std::string& text,
                                const std::set<std::string>& known) {
  std::set<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string name = text.substr(start, comma - start);
    if (!name.empty()) {
      if (known.count(name) == 0) Die(std::string(flag) + ": unknown '" + name + "'\n" + kUsage);
      out.insert(name);
    }
    start = comma + 1;
  }
  return out;
}

struct Flags {
  BenchConfig config;
  HttpBenchConfig http;
  std::string parent = "/tmp";
  bool json = false;
};

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  std::string workloads = "all";
  std::string stores = "ddc,rocksdb,lmdb";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    const size_t eq = arg.find('=');
    const bool has_inline = arg.rfind("--", 0) == 0 && eq != std::string::npos;
    if (has_inline) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto next = [&]() -> std::string {
      if (has_inline) return value;
      if (i + 1 >= argc) Die(arg + " needs a value\n" + kUsage);
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (arg == "--dir") {
      f.parent = next();
    } else if (arg == "--n") {
      f.config.n = ParseCount(arg, next(), 1, 1ull << 40);
    } else if (arg == "--value-bytes") {
      f.config.value_bytes = static_cast<uint32_t>(ParseCount(arg, next(), 1, kMaxRecordBytes));
    } else if (arg == "--workloads") {
      workloads = next();
    } else if (arg == "--json") {
      f.json = true;
    } else if (arg == "--open-records") {
      f.config.open_records = ParseCount(arg, next(), 1, 1ull << 32);
    } else if (arg == "--batch") {
      f.config.batch = static_cast<uint32_t>(ParseCount(arg, next(), 1, kMaxGroupRecords));
    } else if (arg == "--repeat") {
      f.config.repeat = static_cast<uint32_t>(ParseCount(arg, next(), 1, 100));
    } else if (arg == "--stores") {
      stores = next();
    } else if (arg == "--drop-cache") {
      f.config.drop_cache = true;
    } else if (arg == "--skip-rocksdb-open") {
      f.config.skip_rocksdb_open = true;
    } else if (arg == "--threads") {
      f.config.threads = static_cast<uint32_t>(ParseCount(arg, next(), 1, 64));
    } else if (arg == "--events") {
      f.config.events = ParseCount(arg, next(), 1, 1ull << 32);
    } else if (arg == "--append-batch") {
      f.config.append_batch = static_cast<uint32_t>(ParseCount(arg, next(), 1, kMaxGroupRecords));
    } else if (arg == "--sign-batch") {
      f.config.sign_batch = static_cast<uint32_t>(ParseCount(arg, next(), 1, kMaxGroupRecords));
    } else if (arg == "--proof-events") {
      f.config.proof_events = ParseCount(arg, next(), 2, 1ull << 32);
    } else if (arg == "--proof-ops") {
      f.config.proof_ops = ParseCount(arg, next(), 1, 1ull << 32);
    } else if (arg == "--out") {
      f.config.out = next();
    } else if (arg == "--http-connections") {
      f.http.connections = static_cast<uint32_t>(ParseCount(arg, next(), 1, 512));
    } else if (arg == "--http-batch") {
      f.http.batch = static_cast<uint32_t>(ParseCount(arg, next(), 1, kMaxGroupRecords));
    } else if (arg == "--http-events") {
      f.http.events = ParseCount(arg, next(), 1, 1ull << 28);
    } else if (arg == "--http-server-threads") {
      f.http.server_threads = static_cast<uint32_t>(ParseCount(arg, next(), 0, 1024));
    } else if (arg == "--http-auth") {
      f.http.auth = true;
    } else if (arg == "--in") {
      f.config.in = next();
    } else if (arg == "--bindings-batch") {
      f.config.bindings_batch = static_cast<uint32_t>(ParseCount(arg, next(), 1, kMaxGroupRecords));
    } else if (arg == "--bindings-single") {
      f.config.bindings_single = ParseCount(arg, next(), 1, 1ull << 32);
    } else if (!arg.starts_with("-")) {
      workloads = arg;  // "ddc-bench http" is "ddc-bench --workloads http".
    } else {
      Die("unknown argument '" + arg + "'\n" + kUsage);
    }
  }
  std::set<std::string> known(AllWorkloads().begin(), AllWorkloads().end());
  for (const StandaloneWorkload& w : kStandaloneWorkloads) known.insert(w.name);
  known.insert(kHttpWorkload);
  std::set<std::string> all = known;
  all.erase("export_events");
  all.erase(kBindingsWorkload);
  f.config.workloads = workloads == "all" ? all : ParseList("--workloads", workloads, known);
  if (f.config.workloads.count("export_events") != 0 && f.config.out.empty()) {
    Die("export_events needs --out FILE\n" + std::string(kUsage));
  }
  if (f.config.workloads.count(kBindingsWorkload) != 0 && f.config.in.empty()) {
    Die(std::string(kBindingsWorkload) + " needs --in FILE\n" + kUsage);
  }
  if (f.config.workloads.empty()) Die("no workload selected\n" + std::string(kUsage));
  f.config.stores = ParseList("--stores", stores, {"ddc", "rocksdb", "lmdb"});
  if (f.config.stores.count("ddc") == 0) Die("--stores must include ddc");
  return f;
}

std::string Machine() {
  utsname u{};
  std::string kernel = uname(&u) == 0 ? std::string(u.sysname) + " " + u.release : "?";
  return std::to_string(std::thread::hardware_concurrency()) + " cpus, " + kernel;
}

int Main(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  flags.config.dir = MakeScratchDir(flags.parent);
  Note("ddc-bench: scratch directory " + flags.config.dir);
  Report report(flags.json);
  Stopwatch total;
  const std::string io_backend = RunWorkloads(flags.config, &report);
  for (const StandaloneWorkload& w : kStandaloneWorkloads) {
    if (flags.config.workloads.count(w.name) != 0) w.run(flags.config, &report);
  }
  // Not in kStandaloneWorkloads: it takes its own flags.
  if (flags.config.workloads.count(kHttpWorkload) != 0) {
    RunHttpWorkload(flags.config, flags.http, &report);
  }
  RemoveTree(flags.config.dir);
  const BenchConfig& c = flags.config;
  std::string header =
      "ddc-bench: n=" + std::to_string(c.n) + " value_bytes=" + std::to_string(c.value_bytes) +
      " batch=" + std::to_string(c.batch) + " repeat=" + std::to_string(c.repeat) +
      " open_records=" + std::to_string(c.open_records) + " threads=" + std::to_string(c.threads) +
      " events=" + std::to_string(c.events) + " proof_events=" + std::to_string(c.proof_events) +
      " dir=" + c.dir + " | ddc io backend: " + (io_backend.empty() ? "-" : io_backend) + " | " +
      PeerVersions() + " | " + Machine() + " | " + Human(total.Seconds()) + " s";
  report.PrintTable(header);
  return 0;
}

}  // namespace
}  // namespace ddc::bench

int main(int argc, char** argv) { return ddc::bench::Main(argc, argv); }
