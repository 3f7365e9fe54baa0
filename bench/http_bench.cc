// The http workload (http_bench.h).
//
// Fairness: the embedded runs and the node runs append the same events with the same
// concurrency (one thread or connection per stream, streams with disjoint users) into fresh
// stores with the same options; the node's store is opened exactly as the embedded one. Clocks
// start when every thread is connected and released together, and stop when the last response
// (or the last store call) is back. The client and the node share the machine, so the client is
// kept cheap and its CPU time is reported next to the node's.
#include "bench/http_bench.h"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <functional>
#include <latch>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "bench/event_gen.h"
#include "bench/event_workloads.h"
#include "bench/http_client.h"
#include "bench/peer_stores.h"
#include "ddc/auth.h"
#include "ddc/event.h"
#include "ddc/options.h"
#include "ddc/store.h"
#include "engine/timeline/base64.h"
#include "node/server/access.h"
#include "node/server/http_server.h"
#include "node/server/node_api.h"
#include "node/server/router.h"

namespace ddc::bench {
namespace {

// Sealed scope bytes that make an event of about 1 KiB (3 scopes, ids, key, signature).
constexpr uint32_t kHttpScopeBytes = 220;
constexpr double kTargetFraction = 0.5;
constexpr uint64_t kGetOrderSeed = 43;
constexpr std::chrono::milliseconds kStopDrain{5000};
constexpr char kDurability[] = "Durability::kSyncEveryGroup (the default: fdatasync per group)";

// ---- Setup: events, CIDs and the requests, all made before any clock starts ----

struct Workload {
  std::vector<std::vector<std::string>> streams;   // Stream t: its events in timeline order.
  std::vector<std::vector<Cid>> cids;              // cids[t][i]: EventCid(streams[t][i]).
  std::vector<std::vector<std::string>> one;       // Per stream: one POST .../events per event.
  std::vector<std::vector<std::string>> batches;   // Per stream: POST .../events:batch requests.
  std::vector<std::vector<uint32_t>> batch_sizes;  // Events in each of those.
  // Per connection: GET /v1/events/{cid} requests and the event each must return.
  std::vector<std::vector<std::string>> gets;
  std::vector<std::vector<const std::string*>> get_expect;
  std::vector<std::vector<const Cid*>> get_cids;
  uint64_t events = 0;
  uint64_t bytes = 0;
};

// The bucket owner of --http-auth runs, and its one-link token to itself.
KeyPair BenchOwner() {
  std::array<uint8_t, 32> seed{};
  seed.fill(0x0b);
  return KeyPair::FromSeed(seed);
}

uint64_t WallMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// What a signed request carries (the token, and the time every request of a run is signed at).
struct Credentials {
  KeyPair key;
  std::string token;
  uint64_t time_ms = 0;
};

// A POST request's head; with `auth`, the Authorization, X-DDC-Time and X-DDC-Signature
// headers over `body` too.
std::string PostHeader(std::string_view path, std::string_view type, std::string_view body,
                       const Credentials* auth) {
  std::string h = "POST ";
  h.append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ");
  h.append(type).append("\r\nContent-Length: ").append(std::to_string(body.size()));
  if (auth != nullptr) {
    const Signature sig = SignRequest(auth->key, "POST", path, auth->time_ms,
                                      {reinterpret_cast<const uint8_t*>(body.data()), body.size()});
    h.append("\r\nAuthorization: DDC ").append(auth->token);
    h.append("\r\nX-DDC-Time: ").append(std::to_string(auth->time_ms));
    h.append("\r\nX-DDC-Signature: ").append(timeline::Base64Encode(sig));
  }
  h.append("\r\n\r\n");
  return h;
}

void AppendFrame(const std::string& event, std::string* body) {
  const auto n = static_cast<uint32_t>(event.size());
  const char length[4] = {static_cast<char>(n), static_cast<char>(n >> 8),
                          static_cast<char>(n >> 16), static_cast<char>(n >> 24)};
  body->append(length, sizeof(length));
  body->append(event);
}

Workload MakeWorkload(const HttpBenchConfig& h) {
  Workload w;
  const uint32_t streams = h.connections;
  const uint64_t per_stream = std::max<uint64_t>(1, h.events / streams);
  w.streams.resize(streams);
  w.cids.resize(streams);
  w.one.resize(streams);
  w.batches.resize(streams);
  w.batch_sizes.resize(streams);
  const std::string events_path = "/v1/buckets/" + std::to_string(kBenchBucket) + "/events";
  const std::string batch_path = events_path + ":batch";
  std::optional<Credentials> credentials;
  if (h.auth) {
    Credentials c{BenchOwner(), "", WallMs()};
    Result<std::string> token = IssueAuthToken(c.key, kBenchBucket, c.key.public_key, kAuthWrite,
                                               c.time_ms + 24 * 3'600'000ull, false);
    if (!token.ok()) Die("issue the bench token: " + token.status().ToString());
    c.token = std::move(*token);
    credentials = std::move(c);
  }
  const Credentials* auth = credentials ? &*credentials : nullptr;
  const uint32_t makers = std::max(1u, std::min(streams, std::thread::hardware_concurrency()));
  std::vector<std::thread> workers;
  for (uint32_t m = 0; m < makers; ++m) {
    workers.emplace_back([&, m] {
      for (uint32_t t = m; t < streams; t += makers) {
        StreamSpec spec;
        spec.stream = t;
        spec.count = per_stream;
        spec.scope_bytes = kHttpScopeBytes;
        w.streams[t] = MakeSignedEvents(spec);
        for (const std::string& e : w.streams[t]) {
          w.cids[t].push_back(EventCid({reinterpret_cast<const uint8_t*>(e.data()), e.size()}));
          w.one[t].push_back(PostHeader(events_path, "application/cbor", e, auth) + e);
        }
        for (size_t b = 0; b < w.streams[t].size(); b += h.batch) {
          const size_t end = std::min(w.streams[t].size(), b + h.batch);
          std::string body;
          for (size_t i = b; i < end; ++i) AppendFrame(w.streams[t][i], &body);
          std::string request = PostHeader(batch_path, "application/x-ddc-event-batch", body, auth);
          request += body;
          w.batches[t].push_back(std::move(request));
          w.batch_sizes[t].push_back(static_cast<uint32_t>(end - b));
        }
      }
    });
  }
  for (std::thread& t : workers) t.join();
  // Every stored event once, in a random order, dealt to the connections in turn.
  std::vector<std::pair<uint32_t, uint32_t>> order;
  for (uint32_t t = 0; t < streams; ++t) {
    for (uint32_t i = 0; i < w.streams[t].size(); ++i) order.emplace_back(t, i);
    w.events += w.streams[t].size();
    for (const std::string& e : w.streams[t]) w.bytes += e.size();
  }
  Rng rng(kGetOrderSeed);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Uniform(i)]);
  w.gets.resize(streams);
  w.get_expect.resize(streams);
  w.get_cids.resize(streams);
  for (size_t k = 0; k < order.size(); ++k) {
    const auto [t, i] = order[k];
    const size_t c = k % streams;
    w.gets[c].push_back("GET /v1/events/" + w.cids[t][i].ToString() +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    w.get_expect[c].push_back(&w.streams[t][i]);
    w.get_cids[c].push_back(&w.cids[t][i]);
  }
  return w;
}

// ---- Measurements ----

struct Latency {
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

Latency Percentiles(std::vector<uint64_t> ns) {
  Latency l;
  if (ns.empty()) return l;
  std::sort(ns.begin(), ns.end());
  const auto at = [&](double q) {
    const auto rank = static_cast<size_t>(q * static_cast<double>(ns.size()));
    return static_cast<double>(ns[std::min(rank, ns.size() - 1)]) / 1e6;
  };
  l.p50_ms = at(0.50);
  l.p99_ms = at(0.99);
  l.max_ms = static_cast<double>(ns.back()) / 1e6;
  return l;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

// One timed run of the client against the node.
struct ClientRun {
  double seconds = 0;
  uint64_t requests = 0;
  uint64_t events = 0;
  uint64_t errors = 0;  // Responses other than the expected 2xx, and failed exchanges.
  std::string first_error;
  Latency latency;
  double client_cpu_s = 0;   // The client threads' CPU time.
  double process_cpu_s = 0;  // The whole process's (client, node, store) during the run.

  double RequestsPerSecond() const { return static_cast<double>(requests) / seconds; }
  double EventsPerSecond() const { return static_cast<double>(events) / seconds; }
};

enum class Expect : uint8_t {
  kCreated,  // 201: one new event.
  kBatch,    // 200 and one {"cid":..,"existed":false,..} per event, no error entry.
  kBytes,    // 200 and exactly the event's bytes.
};

size_t Count(std::string_view text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

// Empty when `reply` is what the request should get; otherwise what is wrong.
std::string CheckReply(const HttpReply& reply, Expect expect, uint32_t events,
                       const std::string* bytes) {
  const auto fail = [&](std::string_view why) {
    return "status " + std::to_string(reply.status) + " (" + std::string(why) +
           "): " + std::string(reply.body.substr(0, 300));
  };
  switch (expect) {
    case Expect::kCreated:
      return reply.status == 201 ? std::string() : fail("want 201");
    case Expect::kBatch:
      if (reply.status != 200) return fail("want 200");
      if (reply.body.find("\"error\"") != std::string_view::npos) return fail("an event failed");
      if (Count(reply.body, "\"existed\":false") != events) {
        return fail("want " + std::to_string(events) + " new events");
      }
      return {};
    case Expect::kBytes:
      if (reply.status != 200) return fail("want 200");
      return reply.body == *bytes ? std::string() : fail("not the event's bytes");
  }
  return "unknown expectation";
}

// What connection t sends: requests[t][k], each carrying sizes[t][k] events (1 when empty) and
// expected to return expect_bytes[t][k] for Expect::kBytes.
struct ClientWork {
  const std::vector<std::vector<std::string>>* requests = nullptr;
  const std::vector<std::vector<uint32_t>>* sizes = nullptr;
  const std::vector<std::vector<const std::string*>>* expect_bytes = nullptr;
  Expect expect = Expect::kCreated;
};

// What one connection measured.
struct ConnectionRun {
  std::vector<uint64_t> latency_ns;
  uint64_t events = 0;
  uint64_t errors = 0;
  std::string first_error;
  double cpu_s = 0;
};

// Connection `t` of DriveNode: connects, counts down `ready`, waits for `go`, then sends its
// requests one at a time, timing and checking each.
void RunConnection(uint16_t port, const ClientWork& work, size_t t, std::latch* ready,
                   std::latch* go, std::atomic<uint64_t>* done, Progress* progress,
                   ConnectionRun* out) {
  const std::vector<std::string>& requests = (*work.requests)[t];
  out->latency_ns.reserve(requests.size());
  auto connection = std::make_unique<HttpConnection>(port);
  ready->count_down();
  go->wait();
  const double cpu_start = ThreadCpuSeconds();
  HttpReply reply;
  std::string error;
  for (size_t k = 0; k < requests.size(); ++k) {
    const uint32_t n = work.sizes != nullptr ? (*work.sizes)[t][k] : 1;
    const auto start = std::chrono::steady_clock::now();
    const bool exchanged = connection->RoundTrip(requests[k], &reply, &error);
    const auto took = std::chrono::steady_clock::now() - start;
    out->latency_ns.push_back(
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count()));
    if (exchanged) {
      const std::string* bytes =
          work.expect_bytes != nullptr ? (*work.expect_bytes)[t][k] : nullptr;
      error = CheckReply(reply, work.expect, n, bytes);
    }
    if (!error.empty()) {
      if (out->errors++ == 0) out->first_error = "request " + std::to_string(k) + ": " + error;
      error.clear();
    } else {
      out->events += n;
    }
    // The node closes the connection after some errors: carry on over a new one.
    if (!exchanged || reply.close) connection = std::make_unique<HttpConnection>(port);
    const uint64_t now = done->fetch_add(1) + 1;
    if (t == 0) progress->Update(now);
  }
  out->cpu_s = ThreadCpuSeconds() - cpu_start;
}

// One client thread per connection, all released at once; dies after counting the failures
// when any request did not get the expected answer.
ClientRun DriveNode(uint16_t port, const ClientWork& work, const std::string& phase) {
  const size_t connections = work.requests->size();
  uint64_t total = 0;
  for (const auto& r : *work.requests) total += r.size();
  Progress progress(phase, total);
  std::latch ready(static_cast<std::ptrdiff_t>(connections) + 1);
  std::latch go(1);
  std::atomic<uint64_t> done{0};
  std::vector<ConnectionRun> runs(connections);
  std::vector<std::thread> workers;
  for (size_t t = 0; t < connections; ++t) {
    workers.emplace_back(RunConnection, port, std::cref(work), t, &ready, &go, &done, &progress,
                         &runs[t]);
  }
  ready.arrive_and_wait();
  const double process_start = ProcessCpuSeconds();
  Stopwatch clock;
  go.count_down();
  for (std::thread& w : workers) w.join();
  ClientRun run;
  run.seconds = clock.Seconds();
  run.process_cpu_s = ProcessCpuSeconds() - process_start;
  progress.Done();
  std::vector<uint64_t> all;
  all.reserve(total);
  for (const ConnectionRun& c : runs) {
    all.insert(all.end(), c.latency_ns.begin(), c.latency_ns.end());
    run.events += c.events;
    run.errors += c.errors;
    run.client_cpu_s += c.cpu_s;
    if (run.first_error.empty()) run.first_error = c.first_error;
  }
  run.requests = total;
  run.latency = Percentiles(std::move(all));
  if (run.errors != 0) {
    Die(phase + ": " + std::to_string(run.errors) + " of " + std::to_string(total) +
        " requests did not get the expected answer; first: " + run.first_error);
  }
  return run;
}

// A fresh store with the default options (the node's, too).
std::unique_ptr<DdcBenchStore> OpenStore(const std::string& dir, const std::string& phase) {
  std::unique_ptr<DdcBenchStore> store = NewDdcStore(dir, Durability::kSyncEveryGroup);
  CheckOk(store->Open(), phase + ": open");
  return store;
}

// Checks that the store holds `want_events`, closes and removes it; returns its group commits
// and syncs in words.
std::string CloseStore(std::unique_ptr<DdcBenchStore> store, const std::string& dir,
                       uint64_t want_events, const std::string& phase) {
  const StoreStats st = store->store()->Stats();
  if (st.events != want_events) {
    Die(phase + ": the store holds " + std::to_string(st.events) + " events, want " +
        std::to_string(want_events));
  }
  CheckOk(store->Close(), phase + ": close");
  RemoveTree(dir);
  const double per_commit = st.group_commits == 0 ? 0
                                                  : static_cast<double>(st.appends) /
                                                        static_cast<double>(st.group_commits);
  return std::to_string(st.group_commits) + " group commits (" + Human(per_commit) +
         " events each), " + std::to_string(st.syncs) + " fdatasyncs, " + st.io_backend;
}

// Runs `per_thread(t)` on `threads` threads released together; returns the wall seconds.
template <typename F>
double TimedThreads(size_t threads, const F& per_thread) {
  std::latch start(static_cast<std::ptrdiff_t>(threads) + 1);
  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      start.arrive_and_wait();
      per_thread(t);
    });
  }
  start.arrive_and_wait();
  Stopwatch clock;
  for (std::thread& w : workers) w.join();
  return clock.Seconds();
}

void CheckAppended(const Result<AppendResult>& r, const Cid& want, const std::string& phase) {
  CheckOk(r.status(), phase);
  if (r->existed) Die(phase + ": a fresh event was reported as already stored");
  if (r->cid != want) Die(phase + ": the store returned another CID than EventCid");
}

struct EmbeddedRun {
  double events_per_s = 0;
  std::string stats;  // CloseStore's words.
};

// Embedded: one Store::Append per event, stream t on thread t.
EmbeddedRun EmbeddedAppends(const Workload& w, const std::string& dir, const std::string& phase) {
  std::unique_ptr<DdcBenchStore> store = OpenStore(dir, phase);
  Store* s = store->store();
  Progress progress(phase, w.events);
  std::atomic<uint64_t> done{0};
  const double seconds = TimedThreads(w.streams.size(), [&](size_t t) {
    for (size_t i = 0; i < w.streams[t].size(); ++i) {
      CheckAppended(s->Append(w.streams[t][i]), w.cids[t][i], phase);
      const uint64_t now = done.fetch_add(1) + 1;
      if (t == 0) progress.Update(now);
    }
  });
  progress.Done();
  const double rate = static_cast<double>(w.events) / seconds;
  return {rate, CloseStore(std::move(store), dir, w.events, phase)};
}

// Embedded: AppendBatch calls of `batch` events, stream t on thread t.
EmbeddedRun EmbeddedBatches(const Workload& w, uint32_t batch, const std::string& dir,
                            const std::string& phase) {
  std::vector<std::vector<std::vector<std::span<const uint8_t>>>> calls(w.streams.size());
  for (size_t t = 0; t < w.streams.size(); ++t) {
    for (size_t b = 0; b < w.streams[t].size(); b += batch) {
      calls[t].push_back(EventSpans(w.streams[t], b, std::min(w.streams[t].size(), b + batch)));
    }
  }
  std::unique_ptr<DdcBenchStore> store = OpenStore(dir, phase);
  Store* s = store->store();
  Progress progress(phase, w.events);
  std::atomic<uint64_t> done{0};
  const double seconds = TimedThreads(w.streams.size(), [&](size_t t) {
    size_t i = 0;
    for (const auto& call : calls[t]) {
      for (const Result<AppendResult>& r : s->AppendBatch(call)) {
        CheckAppended(r, w.cids[t][i++], phase);
      }
      const uint64_t now = done.fetch_add(call.size()) + call.size();
      if (t == 0) progress.Update(now);
    }
  });
  progress.Done();
  const double rate = static_cast<double>(w.events) / seconds;
  return {rate, CloseStore(std::move(store), dir, w.events, phase)};
}

// Embedded reads of the GET phase's CIDs on the node's store, same threads and order:
// Store::Get alone, or GetEvent + Get as the node's handler does.
double EmbeddedGets(Store* s, const Workload& w, bool as_handler, const std::string& phase) {
  const double seconds = TimedThreads(w.get_cids.size(), [&](size_t t) {
    for (size_t k = 0; k < w.get_cids[t].size(); ++k) {
      const Cid& cid = *w.get_cids[t][k];
      if (as_handler) CheckOk(s->GetEvent(cid).status(), phase);
      Result<std::string> bytes = s->Get(cid);
      CheckOk(bytes.status(), phase);
      if (*bytes != *w.get_expect[t][k]) Die(phase + ": Get returned other bytes");
    }
  });
  return static_cast<double>(w.events) / seconds;
}

// A node as ddc-node runs one, in this process: Router + AddNodeRoutes + HttpServer on
// 127.0.0.1 with a kernel-chosen port, over a fresh store.
class InProcessNode {
 public:
  InProcessNode(const std::string& dir, uint32_t threads, bool auth, const std::string& phase)
      : dir_(dir), phase_(phase), store_(OpenStore(dir, phase)) {
    node::NodeServices services;
    if (auth) {
      buckets_ = std::move(node::BucketDirectory::Open("")).value();
      buckets_->Declare(kBenchBucket, BenchOwner().public_key, /*is_public=*/true);
      node::AccessOptions options;
      options.request_window_ms = 3'600'000;  // The requests were signed before timing.
      access_ = std::make_unique<node::AccessControl>(buckets_.get(), options);
      services.buckets = buckets_.get();
      services.access = access_.get();
    }
    node::AddNodeRoutes(&router_, store_->store(), services);
    node::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = threads;
    options.log = [](std::string_view line) { Note(line); };
    server_ = std::make_unique<node::HttpServer>(
        options, [this](const node::Request& request) { return router_.Dispatch(request); });
    CheckOk(server_->Start(), phase + ": start the node");
  }
  InProcessNode(const InProcessNode&) = delete;
  InProcessNode& operator=(const InProcessNode&) = delete;
  ~InProcessNode() = default;

  uint16_t port() const { return server_->port(); }
  Store* store() { return store_->store(); }

  // Stops the server (the clients have closed their connections), checks and removes the store;
  // returns CloseStore's words.
  std::string Stop(uint64_t want_events) {
    server_->Stop(kStopDrain);
    server_.reset();
    return CloseStore(std::move(store_), dir_, want_events, phase_);
  }

 private:
  std::string dir_;
  std::string phase_;
  std::unique_ptr<DdcBenchStore> store_;
  std::unique_ptr<node::BucketDirectory> buckets_;  // With access control only.
  std::unique_ptr<node::AccessControl> access_;
  node::Router router_;
  std::unique_ptr<node::HttpServer> server_;
};

// ---- The suite ----

struct RepFigures {
  EmbeddedRun embedded_one;
  EmbeddedRun embedded_batch;
  ClientRun http_one;
  ClientRun http_batch;
  ClientRun http_get;
  std::string http_one_stats;  // The node's store, in CloseStore's words.
  std::string http_batch_stats;
  double embedded_get = 0;          // Store::Get/s
  double embedded_handler_get = 0;  // GetEvent + Get /s
};

std::string Percent(double part, double whole) {
  return whole == 0 ? "-" : std::to_string(std::lround(100.0 * part / whole)) + "%";
}

class HttpSuite {
 public:
  HttpSuite(const BenchConfig& config, const HttpBenchConfig& http, Report* report)
      : c_(config), h_(http), report_(report) {}

  void Run() {
    Stopwatch setup;
    Note("[http] making, signing and encoding " + std::to_string(h_.events) +
         " events and their requests");
    w_ = MakeWorkload(h_);
    setup_s_ = setup.Seconds();
    Note("[http] setup " + Human(setup_s_) + " s; " + std::to_string(h_.connections) +
         " connections, node threads " + std::to_string(ServerThreads()) + ", " + kDurability);
    for (uint32_t rep = 0; rep < c_.repeat; ++rep) {
      RepFigures f;
      for (int k = 0; k < 4; ++k) RunPart((k + static_cast<int>(rep)) % 4, rep, &f);
      reps_.push_back(std::move(f));
    }
    AddRows();
  }

 private:
  using Pick = const ClientRun& (*)(const RepFigures&);
  static const ClientRun& One(const RepFigures& r) { return r.http_one; }
  static const ClientRun& Batched(const RepFigures& r) { return r.http_batch; }
  static const ClientRun& Gets(const RepFigures& r) { return r.http_get; }

  uint32_t ServerThreads() const {
    return h_.server_threads != 0 ? h_.server_threads : h_.connections;
  }
  std::string Tag(const std::string& name, uint32_t rep) const {
    return name + " #" + std::to_string(rep + 1) + "/" + std::to_string(c_.repeat);
  }

  // The four parts of a repetition; their order rotates from one repetition to the next.
  void RunPart(int part, uint32_t rep, RepFigures* f) {
    switch (part) {
      case 0:
        f->embedded_one =
            EmbeddedAppends(w_, c_.dir + "/http_embedded_one", Tag("http_embedded_append", rep));
        break;
      case 1:
        f->embedded_batch = EmbeddedBatches(w_, h_.batch, c_.dir + "/http_embedded_batch",
                                            Tag("http_embedded_append_batch", rep));
        break;
      case 2: {
        InProcessNode node(c_.dir + "/http_node_one", ServerThreads(), h_.auth,
                           Tag("http_append", rep));
        const ClientWork work{&w_.one, nullptr, nullptr, Expect::kCreated};
        f->http_one = DriveNode(node.port(), work, Tag("http_append", rep));
        f->http_one_stats = node.Stop(w_.events);
        break;
      }
      default: {
        InProcessNode node(c_.dir + "/http_node_batch", ServerThreads(), h_.auth,
                           Tag("http_append_batch", rep));
        const ClientWork batches{&w_.batches, &w_.batch_sizes, nullptr, Expect::kBatch};
        f->http_batch = DriveNode(node.port(), batches, Tag("http_append_batch", rep));
        const ClientWork gets{&w_.gets, nullptr, &w_.get_expect, Expect::kBytes};
        f->http_get = DriveNode(node.port(), gets, Tag("http_get_event", rep));
        const std::string phase = Tag("http_get_event embedded", rep);
        f->embedded_get = EmbeddedGets(node.store(), w_, false, phase);
        f->embedded_handler_get = EmbeddedGets(node.store(), w_, true, phase);
        f->http_batch_stats = node.Stop(w_.events);
        break;
      }
    }
  }

  template <typename F>
  std::vector<double> Collect(const F& f) const {
    std::vector<double> out;
    out.reserve(reps_.size());
    for (const RepFigures& r : reps_) out.push_back(f(r));
    return out;
  }

  // The repetition with the highest value of `f`: the notes describe that run.
  template <typename F>
  const RepFigures& BestRep(const F& f) const {
    const RepFigures* best = &reps_.front();
    for (const RepFigures& r : reps_) {
      if (f(r) > f(*best)) best = &r;
    }
    return *best;
  }

  Row RateRow(const std::string& name, const std::string& unit, const std::vector<double>& v) {
    Row row = MakeRow(name, unit);
    row.ddc = Best(v);
    row.ddc_median = Median(v);
    return row;
  }

  // p50, p99 and max of the fastest run of `pick`; the median column is over the runs.
  void AddLatencyRows(const std::string& name, Pick pick) {
    const ClientRun& best =
        pick(BestRep([&](const RepFigures& r) { return pick(r).RequestsPerSecond(); }));
    const std::pair<const char*, double Latency::*> figures[] = {{"_p50_ms", &Latency::p50_ms},
                                                                 {"_p99_ms", &Latency::p99_ms},
                                                                 {"_max_ms", &Latency::max_ms}};
    for (const auto& [suffix, field] : figures) {
      Row row = MakeRow(name + suffix, "ms", /*lower_is_better=*/true);
      const double Latency::*member = field;
      row.ddc = best.latency.*member;
      row.ddc_median =
          Median(Collect([&](const RepFigures& r) { return pick(r).latency.*member; }));
      if (member == &Latency::p50_ms) {
        row.note =
            "latency of a request as the client sees it (send to last response byte), "
            "over the " +
            std::to_string(best.requests) + " requests of the fastest " + name +
            " run; the median column is over the runs";
      }
      report_->Add(std::move(row));
    }
  }

  // Adds an HTTP append row: `pick`'s events/s against the embedded rate `embedded`.
  void AddAppendRow(const std::string& name, Pick pick, const EmbeddedRun RepFigures::*embedded,
                    const std::string& embedded_name, const std::string& how,
                    const std::string RepFigures::*stats) {
    Row row = RateRow(name, "events/s",
                      Collect([&](const RepFigures& r) { return pick(r).EventsPerSecond(); }));
    const double reference =
        Best(Collect([&](const RepFigures& r) { return (r.*embedded).events_per_s; }));
    row.refs.emplace_back(embedded_name, reference);
    row.target = ">=50% of " + embedded_name;
    row.met = row.ddc >= kTargetFraction * reference;
    std::string per_run;
    for (const RepFigures& r : reps_) {
      per_run += (per_run.empty() ? "" : ", ") +
                 Percent(pick(r).EventsPerSecond(), (r.*embedded).events_per_s);
    }
    const RepFigures& best =
        BestRep([&](const RepFigures& r) { return pick(r).EventsPerSecond(); });
    row.note = how +
               (h_.auth ? "; access control on (a token and a request signature each)"
                        : "; access control off") +
               "; in-process node (Router + AddNodeRoutes + HttpServer, " +
               std::to_string(ServerThreads()) + " threads) on 127.0.0.1, " +
               std::to_string(h_.connections) +
               " keep-alive connections; HTTP / embedded per repetition: " + per_run +
               "; fastest run: " + best.*stats + "; " + CpuNote(pick(best));
    report_->Add(std::move(row));
  }

  std::string CpuNote(const ClientRun& r) const {
    const double cores = std::max(1u, std::thread::hardware_concurrency());
    const double client = 100.0 * r.client_cpu_s / (r.seconds * cores);
    const double rest = 100.0 * (r.process_cpu_s - r.client_cpu_s) / (r.seconds * cores);
    return "CPU: client threads " + Human(client) + "%, node and store " + Human(rest) + "% of " +
           std::to_string(static_cast<int>(cores)) + " cores";
  }

  void AddRows();

  const BenchConfig& c_;
  const HttpBenchConfig& h_;
  Report* report_;
  Workload w_;
  double setup_s_ = 0;
  std::vector<RepFigures> reps_;
};

void HttpSuite::AddRows() {
  const std::string batch = std::to_string(h_.batch);
  const std::string threads = std::to_string(h_.connections) + " threads";
  const auto embedded_stats = [&](const EmbeddedRun RepFigures::*run) {
    return (BestRep([&](const RepFigures& r) { return (r.*run).events_per_s; }).*run).stats;
  };

  Row row = RateRow("http_embedded_append", "events/s",
                    Collect([](const RepFigures& r) { return r.embedded_one.events_per_s; }));
  row.note = "the baseline: " + threads + ", one Store::Append per event, of " +
             std::to_string(w_.events) + " distinct events of " +
             Human(static_cast<double>(w_.bytes) / static_cast<double>(w_.events)) +
             " B on average (3 sealed scopes, each event signed on its own; " +
             std::to_string(h_.connections) + " streams of " + std::to_string(kUsersPerStream) +
             " users); " + kDurability + "; a fresh store per run; setup " + Human(setup_s_) +
             " s untimed; fastest run: " + embedded_stats(&RepFigures::embedded_one);
  report_->Add(std::move(row));
  row = RateRow("http_embedded_append_batch", "events/s",
                Collect([](const RepFigures& r) { return r.embedded_batch.events_per_s; }));
  row.note = "the baseline: " + threads + ", AppendBatch x" + batch +
             "; fastest run: " + embedded_stats(&RepFigures::embedded_batch);
  report_->Add(std::move(row));

  AddAppendRow("http_append", &HttpSuite::One, &RepFigures::embedded_one, "http_embedded_append",
               "POST /v1/buckets/" + std::to_string(kBenchBucket) +
                   "/events (application/cbor), one event per request: requests/s = events/s",
               &RepFigures::http_one_stats);
  AddLatencyRows("http_append", &HttpSuite::One);

  AddAppendRow(
      "http_append_batch", &HttpSuite::Batched, &RepFigures::embedded_batch,
      "http_embedded_append_batch",
      "POST .../events:batch (application/x-ddc-event-batch), " + batch + " events per request",
      &RepFigures::http_batch_stats);
  row = RateRow("http_append_batch_requests", "requests/s",
                Collect([](const RepFigures& r) { return r.http_batch.RequestsPerSecond(); }));
  row.note = "the http_append_batch runs counted in requests (" + batch + " events each)";
  report_->Add(std::move(row));
  AddLatencyRows("http_append_batch", &HttpSuite::Batched);

  row = RateRow("http_get_event", "requests/s",
                Collect([](const RepFigures& r) { return r.http_get.RequestsPerSecond(); }));
  row.refs.emplace_back("embedded Get",
                        Best(Collect([](const RepFigures& r) { return r.embedded_get; })));
  row.refs.emplace_back("embedded GetEvent+Get",
                        Best(Collect([](const RepFigures& r) { return r.embedded_handler_get; })));
  row.note =
      "GET /v1/events/{cid} (raw bytes, each compared) of every stored event once, in a "
      "random order, from " +
      std::to_string(h_.connections) +
      " connections, on the http_append_batch node's store; embedded: the same reads from " +
      threads + " on the same store (GetEvent+Get is what the handler calls); " +
      CpuNote(Gets(BestRep([](const RepFigures& r) { return r.http_get.RequestsPerSecond(); })));
  report_->Add(std::move(row));
  AddLatencyRows("http_get_event", &HttpSuite::Gets);

  row = MakeRow("http_errors", "responses", /*lower_is_better=*/true);
  row.ddc = 0;  // DriveNode ends the run at the first phase with an error.
  row.target = "0 (any other answer fails the run)";
  row.met = true;
  row.note =
      "responses other than the expected 201 / 200 (every batch entry a new event, every "
      "GET the event's bytes) over all http runs";
  report_->Add(std::move(row));
}

}  // namespace

void RunHttpWorkload(const BenchConfig& config, const HttpBenchConfig& http, Report* report) {
  HttpSuite suite(config, http, report);
  suite.Run();
}

}  // namespace ddc::bench
