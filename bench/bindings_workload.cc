// bindings_baseline (bindings_workload.h).
//
// Fairness with the bindings: the events are read from the file and split before any clock
// starts, as the scripts do; inside the clock each call's results are checked (every append OK
// and fresh, its CID kept for the gets) the way a careful caller in any language would, and the
// gets only add up sizes, which are compared with the file's after the clock stops.
#include "bench/bindings_workload.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <span>
#include <utility>

#include "bench/bench_util.h"
#include "bench/event_gen.h"
#include "bench/event_workloads.h"
#include "bench/peer_stores.h"
#include "ddc/store.h"

namespace ddc::bench {
namespace {

// The figures of every repetition, one vector per row.
struct Runs {
  std::vector<double> append_batch;
  std::vector<double> append_batch_nosync;
  std::vector<double> append;
  std::vector<double> get_event;
  std::vector<double> get;
};

std::unique_ptr<DdcBenchStore> OpenFresh(const std::string& dir, Durability durability,
                                         const std::string& phase) {
  RemoveTree(dir);
  std::unique_ptr<DdcBenchStore> store = NewDdcStore(dir, durability);
  CheckOk(store->Open(), phase + " open");
  return store;
}

void CheckAppended(const Result<AppendResult>& r, const std::string& phase) {
  CheckOk(r.status(), phase);
  if (r->existed) Die(phase + ": a fresh event was reported as already stored");
}

// Appends every event in AppendBatch calls of `batch`; returns events/s and the CIDs.
double TimedAppendBatch(Store* store, const std::vector<std::string>& events, uint32_t batch,
                        const std::string& phase, std::vector<Cid>* cids) {
  cids->clear();
  cids->reserve(events.size());
  Stopwatch clock;
  for (size_t b = 0; b < events.size(); b += batch) {
    const std::vector<std::span<const uint8_t>> call =
        EventSpans(events, b, std::min(events.size(), b + batch));
    for (const Result<AppendResult>& r : store->AppendBatch(call)) {
      CheckAppended(r, phase);
      cids->push_back(r->cid);
    }
  }
  return static_cast<double>(events.size()) / clock.Seconds();
}

// Appends the first `count` events one Append call each; returns events/s.
double TimedAppendSingle(Store* store, const std::vector<std::string>& events, uint64_t count,
                         const std::string& phase) {
  Stopwatch clock;
  for (uint64_t i = 0; i < count; ++i) CheckAppended(store->Append(events[i]), phase);
  return static_cast<double>(count) / clock.Seconds();
}

double TimedGetEvent(Store* store, const std::vector<Cid>& cids, const std::string& phase) {
  uint64_t ids = 0;
  Stopwatch clock;
  for (const Cid& cid : cids) {
    const Result<Event> event = store->GetEvent(cid);
    CheckOk(event.status(), phase);
    ids += event->id.empty() ? 0 : 1;
  }
  const double rate = static_cast<double>(cids.size()) / clock.Seconds();
  if (ids != cids.size()) Die(phase + ": an event came back without its id");
  return rate;
}

double TimedGet(Store* store, const std::vector<Cid>& cids, uint64_t expected_bytes,
                const std::string& phase) {
  uint64_t bytes = 0;
  Stopwatch clock;
  for (const Cid& cid : cids) {
    const Result<std::string> value = store->Get(cid);
    CheckOk(value.status(), phase);
    bytes += value->size();
  }
  const double rate = static_cast<double>(cids.size()) / clock.Seconds();
  if (bytes != expected_bytes) Die(phase + ": the events came back with other sizes");
  return rate;
}

void AddRow(Report* report, const std::string& workload, const std::string& unit,
            const std::vector<double>& runs, const std::string& note) {
  Row row = MakeRow(workload, unit);
  row.ddc = Best(runs);
  row.ddc_median = Median(runs);
  row.note = note;
  report->Add(std::move(row));
}

}  // namespace

std::vector<std::string> ReadEventsFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) Die("cannot open " + path);
  const std::streamoff size = in.tellg();
  if (size < 0) Die("cannot read " + path);
  std::string data(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(data.data(), size)) Die("cannot read " + path);
  std::vector<std::string> events;
  size_t at = 0;
  while (at < data.size()) {
    if (data.size() - at < 4) Die(path + ": truncated length at byte " + std::to_string(at));
    const auto* p = reinterpret_cast<const uint8_t*>(data.data() + at);
    const uint32_t n = static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
                       static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
    at += 4;
    if (data.size() - at < n) Die(path + ": truncated event at byte " + std::to_string(at));
    events.emplace_back(data, at, n);
    at += n;
  }
  if (events.empty()) Die(path + ": no events");
  return events;
}

void RunBindingsBaseline(const BenchConfig& config, Report* report) {
  if (config.in.empty()) Die(std::string(kBindingsWorkload) + " needs --in FILE");
  const std::vector<std::string> events = ReadEventsFile(config.in);
  uint64_t bytes = 0;
  for (const std::string& e : events) bytes += e.size();
  const uint64_t single = std::min<uint64_t>(config.bindings_single, events.size());
  const std::string dir = config.dir + "/bindings";
  Runs runs;
  std::vector<Cid> cids;
  for (uint32_t rep = 0; rep < config.repeat; ++rep) {
    const std::string tag = " #" + std::to_string(rep + 1) + "/" + std::to_string(config.repeat);
    Note("[" + std::string(kBindingsWorkload) + tag + "] " + std::to_string(events.size()) +
         " events");
    {
      std::unique_ptr<DdcBenchStore> s =
          OpenFresh(dir, Durability::kSyncEveryGroup, "bindings_append_batch");
      runs.append_batch.push_back(TimedAppendBatch(s->store(), events, config.bindings_batch,
                                                   "bindings_append_batch", &cids));
      runs.get_event.push_back(TimedGetEvent(s->store(), cids, "bindings_get_event"));
      runs.get.push_back(TimedGet(s->store(), cids, bytes, "bindings_get"));
      CheckOk(s->Close(), "bindings_append_batch close");
    }
    {
      std::unique_ptr<DdcBenchStore> s =
          OpenFresh(dir, Durability::kNone, "bindings_append_batch_nosync");
      runs.append_batch_nosync.push_back(TimedAppendBatch(s->store(), events, config.bindings_batch,
                                                          "bindings_append_batch_nosync", &cids));
      CheckOk(s->Close(), "bindings_append_batch_nosync close");
    }
    {
      std::unique_ptr<DdcBenchStore> s = OpenFresh(dir, Durability::kNone, "bindings_append");
      runs.append.push_back(TimedAppendSingle(s->store(), events, single, "bindings_append"));
      CheckOk(s->Close(), "bindings_append close");
    }
  }
  RemoveTree(dir);
  const std::string of = std::to_string(events.size()) + " pre-signed events of " +
                         Human(static_cast<double>(bytes) / static_cast<double>(events.size())) +
                         " B on average (--in), one thread, fresh store";
  const std::string batch = "AppendBatch x" + std::to_string(config.bindings_batch);
  AddRow(report, "bindings_append_batch", "events/s", runs.append_batch,
         of + "; " + batch + "; kSyncEveryGroup");
  AddRow(report, "bindings_append_batch_nosync", "events/s", runs.append_batch_nosync,
         of + "; " + batch + "; kNone");
  AddRow(report, "bindings_append", "events/s", runs.append,
         "the first " + std::to_string(single) + " of the " + of + "; Append one at a time; kNone");
  AddRow(report, "bindings_get_event", "gets/s", runs.get_event,
         "GetEvent of every event of the bindings_append_batch store, in append order");
  AddRow(report, "bindings_get", "gets/s", runs.get,
         "Get (raw bytes) of every event of the bindings_append_batch store, in append order");
}

}  // namespace ddc::bench
