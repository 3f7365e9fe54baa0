// ed25519_ceiling, append_signed, append_batch_signed and export_events (event_workloads.h).
//
// Fairness: every event is made, signed and encoded before the clock starts (the setup time is
// printed apart); the clock runs from the moment all appending threads are released until the
// last AppendBatch returns. The ceiling verifies ~1 KiB messages with the same libsodium call
// the engine uses, so "verified appends/s as a share of verifications/s" says how much the
// store adds on top of the signature checks it cannot avoid.
#include "bench/event_workloads.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "bench/event_gen.h"
#include "bench/peer_stores.h"
#include "ddc/store.h"

namespace ddc::bench {
namespace {

constexpr uint64_t kCeilingSeed = 12;
constexpr size_t kCeilingMessages = 1024;
constexpr size_t kCeilingMessageBytes = 1024;
constexpr uint64_t kCeilingVerifiesPerThread = 20'000;
constexpr double kSignedTargetFraction = 0.8;

std::string Rep(const BenchConfig& c, uint32_t rep) {
  return " #" + std::to_string(rep + 1) + "/" + std::to_string(c.repeat);
}

struct Ceiling {
  std::vector<double> one;   // Verifications/s on one thread, per repetition.
  std::vector<double> many;  // ... on config.threads threads together.
};

// Verifications/s of pre-made ed25519 signatures over 1 KiB messages on `threads` threads.
double TimedVerifies(const std::vector<std::vector<uint8_t>>& messages,
                     const std::vector<Signature>& signatures, const PublicKey& key,
                     uint32_t threads) {
  std::latch start(threads + 1);
  std::atomic<uint64_t> failures{0};
  std::vector<std::thread> workers;
  for (uint32_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      start.arrive_and_wait();
      uint64_t bad = 0;
      for (uint64_t i = 0; i < kCeilingVerifiesPerThread; ++i) {
        const size_t m = (i + t * 97) % messages.size();
        bad += crypto_sign_verify_detached(signatures[m].data(), messages[m].data(),
                                           messages[m].size(), key.data()) != 0;
      }
      failures.fetch_add(bad);
    });
  }
  start.arrive_and_wait();
  Stopwatch clock;
  for (std::thread& w : workers) w.join();
  const double seconds = clock.Seconds();
  if (failures.load() != 0) Die("ed25519_ceiling: a pre-made signature did not verify");
  return static_cast<double>(kCeilingVerifiesPerThread * threads) / seconds;
}

Ceiling MeasureCeiling(const BenchConfig& c) {
  if (sodium_init() < 0) Die("sodium_init failed");
  const KeyPair key = BenchUserKey(999'999);
  std::vector<std::vector<uint8_t>> messages(kCeilingMessages,
                                             std::vector<uint8_t>(kCeilingMessageBytes));
  std::vector<Signature> signatures(kCeilingMessages);
  for (size_t m = 0; m < kCeilingMessages; ++m) {
    FillBlob(kCeilingSeed, m, messages[m]);
    crypto_sign_detached(signatures[m].data(), nullptr, messages[m].data(), messages[m].size(),
                         key.secret_key.data());
  }
  Ceiling out;
  for (uint32_t rep = 0; rep < c.repeat; ++rep) {
    Note("[ed25519_ceiling" + Rep(c, rep) + "] 1 thread, then " + std::to_string(c.threads));
    out.one.push_back(TimedVerifies(messages, signatures, key.public_key, 1));
    out.many.push_back(TimedVerifies(messages, signatures, key.public_key, c.threads));
  }
  return out;
}

struct AppendRun {
  double events_per_s = 0;
  double bytes_per_s = 0;
  std::string stats;  // Group commits and syncs of the run.
};

// Appends stream t from thread t in AppendBatch calls of `call_batch` events into a fresh store.
AppendRun TimedAppends(const std::string& dir, Durability durability,
                       const std::vector<std::vector<std::string>>& streams, uint32_t call_batch,
                       const std::string& phase) {
  std::unique_ptr<DdcBenchStore> store = NewDdcStore(dir, durability);
  CheckOk(store->Open(), phase + " open");
  Store* s = store->store();
  uint64_t total = 0;
  uint64_t bytes = 0;
  std::vector<std::vector<std::vector<std::span<const uint8_t>>>> calls(streams.size());
  for (size_t t = 0; t < streams.size(); ++t) {
    for (size_t b = 0; b < streams[t].size(); b += call_batch) {
      calls[t].push_back(EventSpans(streams[t], b, std::min(streams[t].size(), b + call_batch)));
    }
    total += streams[t].size();
    for (const std::string& e : streams[t]) bytes += e.size();
  }
  Progress progress(phase, total);
  std::latch start(static_cast<std::ptrdiff_t>(streams.size()) + 1);
  std::atomic<uint64_t> done{0};
  std::vector<std::thread> workers;
  for (size_t t = 0; t < streams.size(); ++t) {
    workers.emplace_back([&, t] {
      start.arrive_and_wait();
      for (const auto& call : calls[t]) {
        std::vector<Result<AppendResult>> r = s->AppendBatch(call);
        for (const auto& one : r) {
          CheckOk(one.status(), phase);
          if (one->existed) Die(phase + ": a fresh event was reported as already stored");
        }
        const uint64_t now = done.fetch_add(call.size()) + call.size();
        if (t == 0) progress.Update(now);
      }
    });
  }
  start.arrive_and_wait();
  Stopwatch clock;
  for (std::thread& w : workers) w.join();
  const double seconds = clock.Seconds();
  progress.Done();
  const StoreStats st = s->Stats();
  if (st.events != total) Die(phase + ": the store holds another number of events");
  AppendRun run;
  run.events_per_s = static_cast<double>(total) / seconds;
  run.bytes_per_s = static_cast<double>(bytes) / seconds;
  run.stats = std::to_string(st.group_commits) + " group commits, " + std::to_string(st.syncs) +
              " fdatasyncs (" + st.io_backend + ")";
  CheckOk(store->Close(), phase + " close");
  RemoveTree(dir);
  return run;
}

uint64_t TotalBytes(const std::vector<std::vector<std::string>>& streams, uint64_t* count) {
  uint64_t bytes = 0;
  *count = 0;
  for (const auto& s : streams) {
    *count += s.size();
    for (const std::string& e : s) bytes += e.size();
  }
  return bytes;
}

class EventRunner {
 public:
  EventRunner(const BenchConfig& config, Report* report) : c_(config), report_(report) {}

  void Run() {
    const bool signed_appends = Selected("append_signed");
    if (Selected("ed25519_ceiling") || signed_appends) Ceilings();
    if (signed_appends) AppendSigned();
    if (Selected("append_batch_signed")) AppendBatchSigned();
    if (Selected("export_events")) Export();
  }

 private:
  bool Selected(const std::string& name) const { return c_.workloads.count(name) != 0; }
  uint64_t PerStream() const { return std::max<uint64_t>(1, c_.events / c_.threads); }

  void Ceilings();
  void AppendSigned();
  void AppendBatchSigned();
  void Export();
  // Both durabilities, runs alternating; adds the rows `name` and `name`_nosync.
  void AppendRows(const std::string& name, const std::vector<std::vector<std::string>>& streams,
                  uint32_t call_batch, double setup_s, bool batch_signed);

  const BenchConfig& c_;
  Report* report_;
  double ceiling_one_ = 0;   // Best verifications/s on one thread.
  double ceiling_many_ = 0;  // Best on c_.threads threads.
};

void EventRunner::Ceilings() {
  const Ceiling ceiling = MeasureCeiling(c_);
  ceiling_one_ = Best(ceiling.one);
  ceiling_many_ = Best(ceiling.many);
  const std::string how = "crypto_sign_verify_detached (libsodium " +
                          std::string(sodium_version_string()) + ") of pre-made signatures over " +
                          std::to_string(kCeilingMessages) + " distinct " +
                          std::to_string(kCeilingMessageBytes) + " B messages, " +
                          std::to_string(kCeilingVerifiesPerThread) + " per thread per run";
  Row one = MakeRow("ed25519_ceiling", "verifies/s");
  one.ddc = ceiling_one_;
  one.ddc_median = Median(ceiling.one);
  one.note = how + "; 1 thread";
  report_->Add(std::move(one));
  Row many = MakeRow("ed25519_ceiling_" + std::to_string(c_.threads) + "t", "verifies/s");
  many.ddc = ceiling_many_;
  many.ddc_median = Median(ceiling.many);
  many.refs.emplace_back("1t x " + std::to_string(c_.threads), ceiling_one_ * c_.threads);
  many.note = how + "; " + std::to_string(c_.threads) + " threads together";
  report_->Add(std::move(many));
}

void EventRunner::AppendSigned() {
  Stopwatch setup;
  Note("[append_signed] signing " + std::to_string(PerStream() * c_.threads) + " events");
  const auto streams = MakeSignedStreams(c_.threads, PerStream(), 0);
  const double setup_s = setup.Seconds();
  Note("[append_signed] setup (make, sign, encode) " + Human(setup_s) + " s");
  AppendRows("append_signed", streams, c_.append_batch, setup_s, false);
}

void EventRunner::AppendBatchSigned() {
  Stopwatch setup;
  Note("[append_batch_signed] batch-signing " + std::to_string(PerStream() * c_.threads) +
       " events");
  const auto streams = MakeSignedStreams(c_.threads, PerStream(), c_.sign_batch);
  const double setup_s = setup.Seconds();
  Note("[append_batch_signed] setup (make, sign, encode) " + Human(setup_s) + " s");
  AppendRows("append_batch_signed", streams, c_.sign_batch, setup_s, true);
}

void EventRunner::AppendRows(const std::string& name,
                             const std::vector<std::vector<std::string>>& streams,
                             uint32_t call_batch, double setup_s, bool batch_signed) {
  uint64_t count = 0;
  const uint64_t bytes = TotalBytes(streams, &count);
  const std::string nosync = name + "_nosync";
  std::vector<double> rate[2];
  std::vector<double> mbps[2];
  std::string stats[2];
  for (uint32_t rep = 0; rep < c_.repeat; ++rep) {
    for (int k = 0; k < 2; ++k) {
      const int which = (k + static_cast<int>(rep)) % 2;  // Rotate which goes first.
      const std::string row_name = which == 0 ? name : nosync;
      const AppendRun run = TimedAppends(
          c_.dir + "/" + row_name, which == 0 ? Durability::kSyncEveryGroup : Durability::kNone,
          streams, call_batch, row_name + Rep(c_, rep));
      rate[which].push_back(run.events_per_s);
      mbps[which].push_back(run.bytes_per_s / 1e6);
      stats[which] = run.stats;
    }
  }
  const std::string how =
      std::to_string(count) + " events of " + Human(static_cast<double>(bytes) / count) +
      " B on average (3 sealed scopes of " + std::to_string(kBenchScopeBytes) + " B, " +
      (batch_signed ? "batch-signed, " + std::to_string(c_.sign_batch) + " per user signature"
                    : std::string("each signed on its own")) +
      ") from " + std::to_string(c_.threads) + " threads, each AppendBatch x" +
      std::to_string(call_batch) + ", " + std::to_string(kUsersPerStream) +
      " users per thread; fresh store per run; setup " + Human(setup_s) + " s untimed";
  for (int which = 0; which < 2; ++which) {
    const std::string row_name = which == 0 ? name : nosync;
    const std::string durability =
        which == 0 ? "kSyncEveryGroup (default)" : "kNone (no fdatasync)";
    Row row = MakeRow(row_name, "events/s");
    row.ddc = Best(rate[which]);
    row.ddc_median = Median(rate[which]);
    if (!batch_signed) {
      const double ceiling = ceiling_one_ * c_.threads;
      row.refs.emplace_back("ed25519_1t x " + std::to_string(c_.threads), ceiling);
      row.refs.emplace_back("ed25519_" + std::to_string(c_.threads) + "t", ceiling_many_);
      row.target = ">=80% of ed25519_1t x threads";
      row.met = row.ddc >= kSignedTargetFraction * ceiling;
    } else {
      row.target = ">=5x hypercore (bench/compare_hypercore.sh)";
    }
    row.note = how + "; " + durability + "; " + stats[which] + " in the last run";
    report_->Add(std::move(row));
    Row mb = MakeRow(row_name + "_MBps", "MB/s");
    mb.ddc = Best(mbps[which]);
    mb.ddc_median = Median(mbps[which]);
    mb.note = "encoded event bytes appended per second, same runs as " + row_name;
    report_->Add(std::move(mb));
  }
}

void EventRunner::Export() {
  if (c_.out.empty()) Die("export_events needs --out FILE");
  Stopwatch setup;
  const auto streams = MakeSignedStreams(c_.threads, PerStream(), c_.sign_batch);
  std::ofstream out(c_.out, std::ios::binary | std::ios::trunc);
  if (!out) Die("export_events: cannot create " + c_.out);
  uint64_t count = 0;
  const uint64_t bytes = TotalBytes(streams, &count);
  for (const auto& stream : streams) {
    for (const std::string& e : stream) {
      const auto n = static_cast<uint32_t>(e.size());
      const uint8_t len[4] = {static_cast<uint8_t>(n), static_cast<uint8_t>(n >> 8),
                              static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 24)};
      out.write(reinterpret_cast<const char*>(len), sizeof(len));
      out.write(e.data(), static_cast<std::streamsize>(e.size()));
    }
  }
  out.close();
  if (!out) Die("export_events: cannot write " + c_.out);
  Row row = MakeRow("export_events", "events");
  row.ddc = static_cast<double>(count);
  row.note = "the append_batch_signed events (" + Human(static_cast<double>(bytes)) +
             "B, streams one after the other), each as a 4-byte little-endian length and its "
             "bytes, written to --out in " +
             Human(setup.Seconds()) + " s";
  report_->Add(std::move(row));
}

}  // namespace

double Best(std::vector<double> values) {
  double best = 0;
  for (const double v : values) best = std::max(best, v);
  return best;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void RunEventWorkloads(const BenchConfig& config, Report* report) {
  EventRunner runner(config, report);
  runner.Run();
}

}  // namespace ddc::bench
