// The workloads that run on all three stores: the hashing limit, puts (synced and not), random
// gets and MultiGet. seq_64k and open_10m / ram_per_record have files of their own.
//
// Fairness: every store gets the same blobs (blob i is FillBlob(seed, i)) and the same key
// picks; peers compute the BLAKE2b-256 key inside their timed region as ddc does; each phase
// runs config.repeat times with the stores taking turns in rotating order, and the best run
// counts (the machine is shared: interference only slows a run down).
#include "bench/workloads.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <thread>

#include "bench/bench_util.h"
#include "bench/event_workloads.h"
#include "bench/load.h"
#include "bench/open_workload.h"
#include "bench/peer_stores.h"
#include "bench/proof_workload.h"
#include "bench/seq_workload.h"
#include "ddc/store.h"
#include "engine/base/hash.h"

namespace ddc::bench {
namespace {

// Blob streams: a blob's bytes are a function of (seed, index), so any value read back can be
// regenerated and compared.
constexpr uint64_t kPutSeed = 1;
constexpr uint64_t kPickSeed = 2;

constexpr uint32_t kMultiGetKeys = 64;
constexpr uint64_t kVerifyEvery = 1024;  // Every k-th value read is compared in full.
constexpr int kGetThreads = 2;

enum class Kind { kDdc = 0, kRocksDb = 1, kLmdb = 2 };
constexpr size_t kKindCount = 3;
constexpr Kind kKinds[kKindCount] = {Kind::kDdc, Kind::kRocksDb, Kind::kLmdb};

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kDdc:
      return "ddc";
    case Kind::kRocksDb:
      return "rocksdb";
    case Kind::kLmdb:
      return "lmdb";
  }
  return "?";
}

// The store that takes turn `k` in repetition `rep`: the order rotates so that no store is
// always first (fresh disk) or last (after the others' writeback).
Kind TurnOf(const std::vector<Kind>& kinds, uint32_t rep, size_t k) {
  return kinds[(k + rep) % kinds.size()];
}

// Per-store figures of a phase: the best over the repetitions and the first one.
struct Figures {
  std::array<double, kKindCount> best{};
  std::array<double, kKindCount> first{};
  std::array<bool, kKindCount> seen{};

  void Add(Kind kind, double value) {
    const auto i = static_cast<size_t>(kind);
    if (!seen[i]) first[i] = value;
    seen[i] = true;
    best[i] = std::max(best[i], value);
  }
  void Fill(Row* row) const {
    row->ddc = best[0];
    if (seen[1]) row->rocksdb = best[1];
    if (seen[2]) row->lmdb = best[2];
  }
  std::string FirstText() const {
    std::string s;
    for (Kind kind : kKinds) {
      const auto i = static_cast<size_t>(kind);
      if (!seen[i]) continue;
      s += std::string(s.empty() ? "" : ", ") + KindName(kind) + " " + Human(first[i]);
    }
    return s;
  }
};

class Runner {
 public:
  Runner(const BenchConfig& config, Report* report) : c_(config), report_(report) {
    for (Kind kind : kKinds) {
      if (c_.stores.count(KindName(kind)) != 0) kinds_.push_back(kind);
    }
  }

  std::string Run() {
    const bool puts = Selected("put_sync1000") || Selected("put_nosync");
    if (Selected("hash_limit") || puts) HashLimit();
    if (Selected("put_sync1000")) PutWorkload("put_sync1000", /*sync=*/true);
    if (Selected("put_nosync")) PutWorkload("put_nosync", /*sync=*/false);
    if (Selected("get_random") || Selected("multiget64")) GetWorkloads();
    if (!get_root_.empty()) RemoveTree(get_root_);
    if (Selected("seq_64k")) RunSeq64k(c_, report_);
    if (Selected("open_10m") || Selected("ram_per_record")) {
      RunOpenAndRam(c_, Selected("open_10m"), Selected("ram_per_record"), report_);
    }
    RunEventWorkloads(c_, report_);
    if (Selected("proof_gen") || Selected("proof_verify")) RunProofWorkloads(c_, report_);
    return io_backend_;
  }

 private:
  bool Selected(const std::string& name) const { return c_.workloads.count(name) != 0; }
  std::string Sub(const std::string& name) const { return c_.dir + "/" + name; }
  std::string Rep(uint32_t rep) const {
    return " #" + std::to_string(rep + 1) + "/" + std::to_string(c_.repeat);
  }

  // LMDB's map must hold the whole database; the file is sparse, so being generous is free.
  uint64_t LmdbMapBytes() const { return c_.n * (c_.value_bytes + 64ull) * 4 + (1ull << 30); }

  std::unique_ptr<BenchStore> MakeStore(Kind kind, const std::string& dir, bool sync) const {
    switch (kind) {
      case Kind::kDdc:
        return NewDdcStore(dir, sync ? Durability::kSyncEveryGroup : Durability::kNone);
      case Kind::kRocksDb:
        return NewRocksDbStore(dir, sync);
      case Kind::kLmdb:
        return NewLmdbStore(dir, sync, LmdbMapBytes());
    }
    return nullptr;
  }

  LoadSpec PutSpec(const std::string& phase) const {
    LoadSpec spec;
    spec.phase = phase;
    spec.seed = kPutSeed;
    spec.count = c_.n;
    spec.batch = c_.batch;
    spec.max_bytes = c_.value_bytes;
    const uint32_t bytes = c_.value_bytes;
    spec.size_of = [bytes](uint64_t) { return bytes; };
    return spec;
  }

  void HashLimit();
  void PutWorkload(const std::string& name, bool sync);
  void BuildGetStores();
  void GetWorkloads();
  double TimedGets(BenchStore* store, int threads, const std::string& phase);
  double TimedMultiGets(BenchStore* store, const std::string& phase);

  const BenchConfig& c_;
  Report* report_;
  std::vector<Kind> kinds_;  // The stores selected, in kKinds order.
  std::optional<double> hash_limit_;
  std::vector<Key> keys_;  // Keys of the stores in get_root_, blob i under keys_[i].
  std::string get_root_;
  bool get_stores_timed_ = false;  // get_root_ holds stores that put_sync1000 timed.
  std::string io_backend_;
};

void Runner::HashLimit() {
  std::vector<uint8_t> buffer(static_cast<size_t>(c_.batch) * c_.value_bytes);
  std::vector<std::span<const uint8_t>> blobs(c_.batch);
  std::vector<std::array<uint8_t, 32>> digests(c_.batch);
  uint8_t sink = 0;
  double best = 0;
  double best_lanes = 0;
  for (uint32_t rep = 0; rep < c_.repeat; ++rep) {
    Progress progress("hash_limit" + Rep(rep), c_.n);
    double seconds = 0;
    double lane_seconds = 0;
    for (uint64_t base = 0; base < c_.n; base += c_.batch) {
      const uint64_t b = std::min<uint64_t>(c_.batch, c_.n - base);
      for (uint64_t i = 0; i < b; ++i) {
        blobs[i] = std::span(buffer).subspan(i * c_.value_bytes, c_.value_bytes);
        FillBlob(kPutSeed, base + i, std::span(buffer).subspan(i * c_.value_bytes, c_.value_bytes));
      }
      Stopwatch clock;
      for (uint64_t i = 0; i < b; ++i) sink ^= Blake2b256(blobs[i])[0];
      seconds += clock.Seconds();
      Stopwatch lanes;
      Blake2b256Many(std::span(blobs).first(b), digests);
      lane_seconds += lanes.Seconds();
      for (uint64_t i = 0; i < b; ++i) sink ^= digests[i][0];
      progress.Update(base + b);
    }
    progress.Done();
    best = std::max(best, static_cast<double>(c_.n) / seconds);
    best_lanes = std::max(best_lanes, static_cast<double>(c_.n) / lane_seconds);
  }
  hash_limit_ = best;
  Row row = MakeRow("hash_limit", "blobs/s");
  row.ddc = best;
  row.note = "BLAKE2b-256 (libsodium, as ddc::Blake2b256) of " + std::to_string(c_.n) + " " +
             std::to_string(c_.value_bytes) +
             " B blobs on one thread, one at a time, outside any store: the ceiling of a "
             "single-threaded content-addressed put; shown in the ddc column (hash checksum " +
             std::to_string(sink) + ", 0 when both hashes agree)";
  report_->Add(std::move(row));
  Row lanes = MakeRow("hash_lanes", "blobs/s");
  lanes.ddc = best_lanes;
  lanes.refs.emplace_back("hash_limit", best);
  lanes.note = std::string("the same blobs through ddc::Blake2b256Many on one thread, ") +
               std::to_string(c_.batch) + " per call (" +
               (Blake2b256ManyUsesLanes() ? "eight messages at a time in AVX-512 lanes"
                                          : "no AVX-512 here: one at a time") +
               "); what ddc's puts hash with";
  report_->Add(std::move(lanes));
}

void Runner::PutWorkload(const std::string& name, bool sync) {
  const std::string root = Sub(name);
  Figures fig;
  std::vector<Key> first_keys;
  std::string disk;
  std::string ddc_stats;
  for (uint32_t rep = 0; rep < c_.repeat; ++rep) {
    const bool last = rep + 1 == c_.repeat;
    for (size_t k = 0; k < kinds_.size(); ++k) {
      const Kind kind = TurnOf(kinds_, rep, k);
      const std::string dir = root + "/rep" + std::to_string(rep) + "/" + KindName(kind);
      std::unique_ptr<BenchStore> store = MakeStore(kind, dir, sync);
      CheckOk(store->Open(), name + " open " + KindName(kind));
      std::vector<Key> keys;
      const double seconds =
          LoadBlobs(store.get(), PutSpec(name + " " + KindName(kind) + Rep(rep)), &keys);
      fig.Add(kind, static_cast<double>(c_.n) / seconds);
      if (kind == Kind::kDdc) {
        const StoreStats st = dynamic_cast<DdcBenchStore*>(store.get())->store()->Stats();
        io_backend_ = st.io_backend;
        ddc_stats = "ddc made " + std::to_string(st.group_commits) + " group commits and " +
                    std::to_string(st.syncs) + " fdatasyncs per run (" + st.io_backend + ")";
      }
      if (first_keys.empty()) {
        first_keys = std::move(keys);
      } else if (keys != first_keys) {
        Die(name + ": " + KindName(kind) + " computed other keys than ddc's CIDs");
      }
      CheckOk(store->Close(), name + " close " + KindName(kind));
      if (last) {
        disk += std::string(disk.empty() ? "" : ", ") + KindName(kind) + " " +
                Human(static_cast<double>(TreeBytes(dir))) + "B";
      }
      if (!(sync && last)) RemoveTree(dir);
    }
  }
  Row row = MakeRow(name, "puts/s");
  fig.Fill(&row);
  if (hash_limit_) row.refs.emplace_back("hash_limit", *hash_limit_);
  row.target = ">=5x rocksdb, >=50% hash_limit";
  if (row.rocksdb.has_value() && hash_limit_.has_value()) {
    row.met = row.ddc >= 5 * *row.rocksdb && row.ddc >= 0.5 * *hash_limit_;
  }
  const std::string batch = std::to_string(c_.batch);
  row.note = std::to_string(c_.n) + " random " + std::to_string(c_.value_bytes) + " B blobs; " +
             (sync ? "ddc PutBlobs x" + batch + " (kSyncEveryGroup), RocksDB WriteBatch x" + batch +
                         " sync=true (WAL on), LMDB one txn per " + batch + " (default sync)"
                   : "ddc PutBlobs x" + batch + " (kNone), RocksDB WriteBatch x" + batch +
                         " sync=false, LMDB one txn per " + batch + " MDB_NOSYNC") +
             "; fresh store per run; peers key by BLAKE2b-256 computed inside the timed "
             "region; " +
             ddc_stats + "; on disk after close: " + disk + "; first run: " + fig.FirstText();
  report_->Add(std::move(row));
  if (sync) {
    keys_ = std::move(first_keys);
    get_root_ = root + "/rep" + std::to_string(c_.repeat - 1);
    get_stores_timed_ = true;
  } else {
    RemoveTree(root);
  }
}

void Runner::BuildGetStores() {
  get_root_ = Sub("get_stores");
  for (Kind kind : kinds_) {
    std::unique_ptr<BenchStore> store =
        MakeStore(kind, get_root_ + "/" + KindName(kind), /*sync=*/false);
    CheckOk(store->Open(), "get stores open");
    (void)LoadBlobs(store.get(), PutSpec(std::string("building get store ") + KindName(kind)),
                    &keys_);
    CheckOk(store->Close(), "get stores close");
  }
}

double Runner::TimedGets(BenchStore* store, int threads, const std::string& phase) {
  const uint64_t per_thread = c_.n / static_cast<uint64_t>(threads);
  Progress progress(phase, per_thread * static_cast<uint64_t>(threads));
  std::vector<std::thread> workers;
  Stopwatch clock;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::unique_ptr<BenchReader> reader = store->NewReader();
      Rng rng(kPickSeed + static_cast<uint64_t>(t));
      std::string value;
      std::vector<uint8_t> expected(c_.value_bytes);
      for (uint64_t i = 0; i < per_thread; ++i) {
        const uint64_t pick = rng.Uniform(keys_.size());
        CheckOk(reader->Get(keys_[pick], &value), phase);
        if (value.size() != c_.value_bytes) Die(phase + ": value of wrong size");
        if (i % kVerifyEvery == 0) {
          FillBlob(kPutSeed, pick, expected);
          if (std::memcmp(value.data(), expected.data(), expected.size()) != 0) {
            Die(phase + ": value differs from what was put");
          }
        }
        if (t == 0 && i % 4096 == 0) progress.Update(i * static_cast<uint64_t>(threads));
      }
    });
  }
  for (std::thread& w : workers) w.join();
  const double seconds = clock.Seconds();
  progress.Done();
  return static_cast<double>(per_thread * static_cast<uint64_t>(threads)) / seconds;
}

double Runner::TimedMultiGets(BenchStore* store, const std::string& phase) {
  const uint64_t batches = std::max<uint64_t>(1, c_.n / kMultiGetKeys);
  std::unique_ptr<BenchReader> reader = store->NewReader();
  Rng rng(kPickSeed + 100);
  std::vector<Key> keys(kMultiGetKeys);
  std::vector<uint64_t> picks(kMultiGetKeys);
  std::vector<std::string> values;
  std::vector<uint8_t> expected(c_.value_bytes);
  Progress progress(phase, batches * kMultiGetKeys);
  double seconds = 0;
  for (uint64_t b = 0; b < batches; ++b) {
    for (uint32_t i = 0; i < kMultiGetKeys; ++i) {
      picks[i] = rng.Uniform(keys_.size());
      keys[i] = keys_[picks[i]];
    }
    Stopwatch clock;
    CheckOk(reader->MultiGet(keys, &values), phase);
    seconds += clock.Seconds();
    for (const std::string& v : values) {
      if (v.size() != c_.value_bytes) Die(phase + ": value of wrong size");
    }
    if (b % (kVerifyEvery / kMultiGetKeys) == 0) {
      const size_t i = b % kMultiGetKeys;
      FillBlob(kPutSeed, picks[i], expected);
      if (std::memcmp(values[i].data(), expected.data(), expected.size()) != 0) {
        Die(phase + ": value differs from what was put");
      }
    }
    if (b % 256 == 0) progress.Update(b * kMultiGetKeys);
  }
  progress.Done();
  return static_cast<double>(batches * kMultiGetKeys) / seconds;
}

void Runner::GetWorkloads() {
  if (get_root_.empty()) BuildGetStores();
  // All the stores stay open together so that their passes can take turns. Page cache:
  // by default every file is read once after the reopen (untimed), so that every store starts
  // from the same, fully cached state whatever earlier phases evicted; with --drop-cache the
  // store is closed, its page cache evicted and the store reopened before every pass (a mapped
  // LMDB file cannot be evicted while open).
  std::array<std::unique_ptr<BenchStore>, kKindCount> stores;
  auto ready = [&](Kind kind) -> BenchStore* {
    auto& store = stores[static_cast<size_t>(kind)];
    if (store != nullptr && !c_.drop_cache) return store.get();
    const std::string dir = get_root_ + "/" + KindName(kind);
    if (store != nullptr) CheckOk(store->Close(), std::string("close for gets ") + KindName(kind));
    if (c_.drop_cache) {
      EvictPageCache(dir);
    } else {
      WarmPageCache(dir);
    }
    store = MakeStore(kind, dir, /*sync=*/false);
    CheckOk(store->Open(), std::string("reopen for gets ") + KindName(kind));
    if (kind == Kind::kDdc) {
      io_backend_ = dynamic_cast<DdcBenchStore*>(store.get())->store()->Stats().io_backend;
    }
    return store.get();
  };
  for (Kind kind : kinds_) (void)ready(kind);
  Figures one;
  Figures two;
  Figures multi;
  for (uint32_t rep = 0; rep < c_.repeat && Selected("get_random"); ++rep) {
    for (size_t k = 0; k < kinds_.size(); ++k) {
      const Kind kind = TurnOf(kinds_, rep, k);
      one.Add(kind,
              TimedGets(ready(kind), 1, std::string("get_random ") + KindName(kind) + Rep(rep)));
    }
  }
  for (uint32_t rep = 0; rep < c_.repeat && Selected("get_random"); ++rep) {
    for (size_t k = 0; k < kinds_.size(); ++k) {
      const Kind kind = TurnOf(kinds_, rep, k);
      two.Add(kind, TimedGets(ready(kind), kGetThreads,
                              std::string("get_random_2t ") + KindName(kind) + Rep(rep)));
    }
  }
  for (uint32_t rep = 0; rep < c_.repeat && Selected("multiget64"); ++rep) {
    for (size_t k = 0; k < kinds_.size(); ++k) {
      const Kind kind = TurnOf(kinds_, rep, k);
      multi.Add(kind, TimedMultiGets(ready(kind),
                                     std::string("multiget64 ") + KindName(kind) + Rep(rep)));
    }
  }
  for (Kind kind : kinds_) {
    CheckOk(stores[static_cast<size_t>(kind)]->Close(),
            std::string("close after gets ") + KindName(kind));
  }

  const std::string how =
      std::string(get_stores_timed_ ? "the stores put_sync1000 built"
                                    : "stores built untimed (put_sync1000 not selected)") +
      ", closed and reopened (process caches cold: ddc index from its snapshot, RocksDB block "
      "cache empty, LMDB fresh map); OS page cache " +
      (c_.drop_cache ? "evicted with posix_fadvise(DONTNEED) and the store reopened before "
                       "every run (--drop-cache): every run is cold"
                     : "warm: every file read once after reopening, untimed (--drop-cache "
                       "makes every run cold instead)") +
      "; keys uniform with replacement, same sequence on every store; every " +
      std::to_string(kVerifyEvery) +
      "th value compared in full; values copied into a std::string on every store; "
      "RocksDB: default 8 MiB block cache, Bloom 10 bits/key";
  if (Selected("get_random")) {
    Row row1 = MakeRow("get_random", "gets/s");
    Row row2 = MakeRow("get_random_2t", "gets/s");
    one.Fill(&row1);
    two.Fill(&row2);
    for (Row* row : {&row1, &row2}) {
      row->target = ">=3x rocksdb, >=1x lmdb";
      if (row->rocksdb.has_value() && row->lmdb.has_value()) {
        row->met = row->ddc >= 3 * *row->rocksdb && row->ddc >= *row->lmdb;
      }
    }
    row1.note = std::to_string(c_.n) + " gets per run on 1 thread from " + how +
                "; LMDB: read txn reset/renew per get; first run after reopen: " + one.FirstText();
    row2.note = std::to_string(c_.n) + " gets per run on " + std::to_string(kGetThreads) +
                " threads (one reader each), after get_random; first run: " + two.FirstText();
    report_->Add(std::move(row1));
    report_->Add(std::move(row2));
  }
  if (Selected("multiget64")) {
    Row row = MakeRow("multiget64", "keys/s");
    multi.Fill(&row);
    row.note = std::to_string(std::max<uint64_t>(1, c_.n / kMultiGetKeys)) +
               " MultiGets of 64 random keys per run on 1 thread, after get_random; ddc "
               "MultiGet, RocksDB DB::MultiGet (batched), LMDB a loop of mdb_get in one read "
               "txn; no target in the issue; first run: " +
               multi.FirstText();
    report_->Add(std::move(row));
  }
}

}  // namespace

std::string RunWorkloads(const BenchConfig& config, Report* report) {
  Runner runner(config, report);
  return runner.Run();
}

}  // namespace ddc::bench
