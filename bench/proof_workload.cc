// The proof suite (proof_workload.h).
//
// Setup: one user's timeline of config.proof_events batch-signed events, appended with
// AppendBatch (one signed batch per call) into a kNone store so that setup is quick, then one
// checkpoint. Timed: config.proof_ops proofs at uniform random positions (or old sizes) against
// the full size, then the verification of exactly those proofs, as an auditor would do it: the
// leaf hash is computed from the event's CID (or the journal leaf data) inside the timed loop;
// roots the auditor would hold already (the signed root, old roots) are computed untimed.
#include "bench/proof_workload.h"

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "bench/event_gen.h"
#include "bench/event_workloads.h"
#include "bench/peer_stores.h"
#include "ddc/store.h"
#include "ddc/verify.h"

namespace ddc::bench {
namespace {

constexpr uint64_t kPickSeed = 21;
constexpr uint32_t kProofStream = 500;      // Its user is BenchUserKey(500'000).
constexpr uint64_t kChunkBatches = 64;      // Signed batches made (in parallel) per setup round.
constexpr uint64_t kMaxBundleOps = 20'000;  // ProveEvent/VerifyEventProof are far slower.
constexpr double kGenTarget = 200'000;
constexpr double kVerifyTarget = 50'000;

std::span<const uint8_t> AsBytes(const std::string& s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

template <typename F>
double TimedOps(uint64_t n, const std::string& phase, F&& op) {
  Progress progress(phase, n);
  Stopwatch clock;
  for (uint64_t i = 0; i < n; ++i) {
    op(i);
    if (i % 8192 == 0) progress.Update(i);
  }
  const double seconds = clock.Seconds();
  progress.Done();
  return static_cast<double>(n) / seconds;
}

// Figures of one operation over the repetitions.
struct Series {
  std::vector<double> runs;
  void Fill(Row* row) const {
    row->ddc = Best(runs);
    row->ddc_median = Median(runs);
  }
};

class ProofRunner {
 public:
  ProofRunner(const BenchConfig& config, Report* report)
      : c_(config), report_(report), user_(BenchUserKey(kProofStream * 1000).public_key) {}

  void Run() {
    Build();
    Sample();
    for (uint32_t rep = 0; rep < c_.repeat; ++rep) Measure(rep);
    AddRows();
    CheckOk(store_->Close(), "proofs close");
    RemoveTree(dir_);
  }

 private:
  Store* s() { return store_->store(); }
  std::string Rep(uint32_t rep) const {
    return " #" + std::to_string(rep + 1) + "/" + std::to_string(c_.repeat);
  }
  void Build();
  void Sample();
  void Measure(uint32_t rep);
  void AddRows();

  const BenchConfig& c_;
  Report* report_;
  const PublicKey user_;
  std::string dir_;
  std::unique_ptr<DdcBenchStore> store_;
  double setup_s_ = 0;
  uint64_t size_ = 0;           // Timeline size (= journal size: one user, fresh store).
  std::vector<Cid> cids_;       // By position.
  std::vector<uint64_t> jidx_;  // Journal index by position.
  Hash32 root_{};
  Hash32 journal_root_{};
  std::string verifier_key_;

  // Samples, made untimed.
  uint64_t ops_ = 0;
  uint64_t bundle_ops_ = 0;
  std::vector<uint64_t> positions_;
  std::vector<Hash32> roots_after_;  // Timeline root at positions_[i] + 1.
  std::vector<uint64_t> old_sizes_;
  std::vector<Hash32> old_roots_;
  std::vector<Hash32> old_journal_roots_;

  // The last run's proofs (verified in the same run).
  std::vector<std::vector<Hash32>> inclusion_;
  std::vector<std::vector<Hash32>> journal_inclusion_;
  std::vector<std::vector<Hash32>> consistency_;
  std::vector<std::vector<Hash32>> journal_consistency_;
  std::vector<std::string> bundles_;  // Encoded EventProofs.

  Series gen_, verify_, jgen_, jverify_, cgen_, cverify_, jcgen_, jcverify_, bgen_, bverify_;
};

void ProofRunner::Build() {
  Stopwatch setup;
  dir_ = c_.dir + "/proofs";
  store_ = NewDdcStore(dir_, Durability::kNone);
  CheckOk(store_->Open(), "proofs open");
  const uint64_t n = c_.proof_events;
  const uint64_t chunk = kChunkBatches * c_.sign_batch;
  cids_.reserve(n);
  jidx_.reserve(n);
  Progress progress("proofs setup: build a " + std::to_string(n) + "-event timeline", n);
  for (uint64_t base = 0; base < n; base += chunk) {
    const uint64_t count = std::min(chunk, n - base);
    // Two halves signed at once; each half starts on a batch boundary.
    const uint64_t half =
        std::min(count, (count / 2 + c_.sign_batch - 1) / c_.sign_batch * c_.sign_batch);
    std::vector<std::string> parts[2];
    std::vector<std::thread> makers;
    for (int p = 0; p < 2; ++p) {
      makers.emplace_back([&, p] {
        StreamSpec spec;
        spec.stream = kProofStream;
        spec.users = 1;
        spec.batch_sign = c_.sign_batch;
        spec.first = base + (p == 0 ? 0 : half);
        spec.count = p == 0 ? half : count - half;
        parts[p] = MakeSignedEvents(spec);
      });
    }
    for (std::thread& m : makers) m.join();
    for (const auto& part : parts) {
      for (size_t b = 0; b < part.size(); b += c_.sign_batch) {
        const auto spans = EventSpans(part, b, std::min(part.size(), b + c_.sign_batch));
        for (auto& r : s()->AppendBatch(spans)) {
          CheckOk(r.status(), "proofs setup append");
          cids_.push_back(r->cid);
          jidx_.push_back(r->journal_index);
        }
      }
    }
    progress.Update(base + count);
  }
  progress.Done();
  CheckOk(s()->Sync(), "proofs setup sync");
  CheckOk(s()->Checkpoint().status(), "proofs setup checkpoint");
  Result<TimelineInfo> info = s()->Timeline(kBenchBucket, user_);
  CheckOk(info.status(), "proofs setup timeline");
  size_ = info->size;
  if (size_ != n || cids_.size() != n) Die("proofs setup: timeline has the wrong size");
  root_ = info->root;
  const JournalInfo journal = s()->Journal();
  if (journal.size != n) Die("proofs setup: journal has the wrong size");
  journal_root_ = journal.root;
  verifier_key_ = s()->NodeVerifierKey();
  setup_s_ = setup.Seconds();
  Note("[proofs] setup (sign, append, checkpoint) " + Human(setup_s_) + " s");
}

void ProofRunner::Sample() {
  Stopwatch clock;
  ops_ = c_.proof_ops;
  bundle_ops_ = std::min(ops_, kMaxBundleOps);
  Rng rng(kPickSeed);
  positions_.resize(ops_);
  roots_after_.resize(ops_);
  old_sizes_.resize(ops_);
  old_roots_.resize(ops_);
  old_journal_roots_.resize(ops_);
  for (uint64_t i = 0; i < ops_; ++i) {
    positions_[i] = rng.Uniform(size_);
    old_sizes_[i] = size_ == 1 ? 1 : 1 + rng.Uniform(size_ - 1);
    auto after = s()->TimelineRoot(kBenchBucket, user_, positions_[i] + 1);
    auto old_root = s()->TimelineRoot(kBenchBucket, user_, old_sizes_[i]);
    auto old_journal = s()->JournalRoot(old_sizes_[i]);
    CheckOk(after.status(), "proofs sample root");
    CheckOk(old_root.status(), "proofs sample old root");
    CheckOk(old_journal.status(), "proofs sample old journal root");
    roots_after_[i] = *after;
    old_roots_[i] = *old_root;
    old_journal_roots_[i] = *old_journal;
  }
  Note("[proofs] sampled " + std::to_string(ops_) + " positions and old roots in " +
       Human(clock.Seconds()) + " s");
}

void ProofRunner::Measure(uint32_t rep) {
  const std::string r = Rep(rep);
  const uint64_t b = kBenchBucket;
  inclusion_.assign(ops_, {});
  journal_inclusion_.assign(ops_, {});
  consistency_.assign(ops_, {});
  journal_consistency_.assign(ops_, {});
  bundles_.assign(bundle_ops_, {});

  gen_.runs.push_back(TimedOps(ops_, "proof_gen" + r, [&](uint64_t i) {
    auto p = s()->TimelineInclusionProof(b, user_, positions_[i], size_);
    CheckOk(p.status(), "TimelineInclusionProof");
    inclusion_[i] = std::move(*p);
  }));
  verify_.runs.push_back(TimedOps(ops_, "proof_verify" + r, [&](uint64_t i) {
    const uint64_t pos = positions_[i];
    const Hash32 leaf = MerkleLeafHash(cids_[pos].ToBytes());
    CheckOk(VerifyInclusionProof(pos, size_, leaf, inclusion_[i], root_), "VerifyInclusionProof");
  }));
  jgen_.runs.push_back(TimedOps(ops_, "journal_proof_gen" + r, [&](uint64_t i) {
    auto p = s()->JournalInclusionProof(jidx_[positions_[i]], size_);
    CheckOk(p.status(), "JournalInclusionProof");
    journal_inclusion_[i] = std::move(*p);
  }));
  jverify_.runs.push_back(TimedOps(ops_, "journal_proof_verify" + r, [&](uint64_t i) {
    const uint64_t pos = positions_[i];
    const std::string data = JournalLeafData(b, user_, pos, cids_[pos], roots_after_[i]);
    CheckOk(VerifyInclusionProof(jidx_[pos], size_, MerkleLeafHash(AsBytes(data)),
                                 journal_inclusion_[i], journal_root_),
            "VerifyInclusionProof (journal)");
  }));
  cgen_.runs.push_back(TimedOps(ops_, "consistency_gen" + r, [&](uint64_t i) {
    auto p = s()->TimelineConsistencyProof(b, user_, old_sizes_[i], size_);
    CheckOk(p.status(), "TimelineConsistencyProof");
    consistency_[i] = std::move(*p);
  }));
  cverify_.runs.push_back(TimedOps(ops_, "consistency_verify" + r, [&](uint64_t i) {
    CheckOk(VerifyConsistencyProof(old_sizes_[i], size_, old_roots_[i], root_, consistency_[i]),
            "VerifyConsistencyProof");
  }));
  jcgen_.runs.push_back(TimedOps(ops_, "journal_consistency_gen" + r, [&](uint64_t i) {
    auto p = s()->JournalConsistencyProof(old_sizes_[i], size_);
    CheckOk(p.status(), "JournalConsistencyProof");
    journal_consistency_[i] = std::move(*p);
  }));
  jcverify_.runs.push_back(TimedOps(ops_, "journal_consistency_verify" + r, [&](uint64_t i) {
    CheckOk(VerifyConsistencyProof(old_sizes_[i], size_, old_journal_roots_[i], journal_root_,
                                   journal_consistency_[i]),
            "VerifyConsistencyProof (journal)");
  }));
  std::vector<EventProof> made(bundle_ops_);
  bgen_.runs.push_back(TimedOps(bundle_ops_, "event_proof_gen" + r, [&](uint64_t i) {
    auto p = s()->ProveEvent(cids_[positions_[i]]);
    CheckOk(p.status(), "ProveEvent");
    made[i] = std::move(*p);
  }));
  for (uint64_t i = 0; i < bundle_ops_; ++i) {
    auto bytes = EncodeEventProof(made[i]);
    CheckOk(bytes.status(), "EncodeEventProof");
    bundles_[i] = std::move(*bytes);
  }
  bverify_.runs.push_back(TimedOps(bundle_ops_, "event_proof_verify" + r, [&](uint64_t i) {
    auto proof = DecodeEventProof(AsBytes(bundles_[i]));
    CheckOk(proof.status(), "DecodeEventProof");
    auto v = VerifyEventProof(*proof, verifier_key_);
    CheckOk(v.status(), "VerifyEventProof");
    if (v->position != positions_[i]) Die("VerifyEventProof: wrong position");
  }));
}

double MeanHashBytes(const std::vector<std::vector<Hash32>>& proofs) {
  uint64_t hashes = 0;
  for (const auto& p : proofs) hashes += p.size();
  return proofs.empty() ? 0 : 32.0 * static_cast<double>(hashes) / proofs.size();
}

void ProofRunner::AddRows() {
  const std::string at = " at size " + std::to_string(size_) + " (one user's timeline; setup " +
                         Human(setup_s_) + " s untimed)";
  const std::string ops = std::to_string(ops_) + " per run, 1 thread, uniform random ";
  struct Spec {
    const char* name;
    const Series* series;
    double target;  // 0: none.
    std::string note;
  };
  const std::vector<Spec> specs = {
      {"proof_gen", &gen_, kGenTarget, ops + "positions; Store::TimelineInclusionProof" + at},
      {"proof_verify", &verify_, kVerifyTarget,
       "the proof_gen proofs; MerkleLeafHash(CID) + VerifyInclusionProof against the root"},
      {"journal_proof_gen", &jgen_, 0, ops + "positions; Store::JournalInclusionProof" + at},
      {"journal_proof_verify", &jverify_, 0,
       "JournalLeafData + MerkleLeafHash + VerifyInclusionProof against the journal root"},
      {"consistency_gen", &cgen_, 0,
       ops + "old sizes; Store::TimelineConsistencyProof(old, full)" + at},
      {"consistency_verify", &cverify_, 0, "VerifyConsistencyProof of those (old roots known)"},
      {"journal_consistency_gen", &jcgen_, 0,
       ops + "old sizes; Store::JournalConsistencyProof(old, full)" + at},
      {"journal_consistency_verify", &jcverify_, 0, "VerifyConsistencyProof of those"},
      {"event_proof_gen", &bgen_, 0,
       std::to_string(bundle_ops_) +
           " per run, 1 thread; Store::ProveEvent (event read back, timeline path, journal path, "
           "checkpoint)" +
           at},
      {"event_proof_verify", &bverify_, 0,
       "DecodeEventProof + VerifyEventProof of the encoded bundles: checkpoint signature, event "
       "batch path and user signature, timeline path, journal path"},
  };
  for (const Spec& spec : specs) {
    Row row = MakeRow(spec.name, "proofs/s");
    spec.series->Fill(&row);
    if (spec.target > 0) {
      row.target = ">=" + Human(spec.target) + "/s";
      row.met = row.ddc >= spec.target;
    }
    row.note = spec.note;
    report_->Add(std::move(row));
  }
  uint64_t bundle_bytes = 0;
  for (const std::string& bundle : bundles_) bundle_bytes += bundle.size();
  const std::vector<std::pair<const char*, double>> sizes = {
      {"proof_bytes", MeanHashBytes(inclusion_)},
      {"journal_proof_bytes", MeanHashBytes(journal_inclusion_)},
      {"consistency_proof_bytes", MeanHashBytes(consistency_)},
      {"journal_consistency_proof_bytes", MeanHashBytes(journal_consistency_)},
      {"event_proof_bytes",
       bundles_.empty() ? 0 : static_cast<double>(bundle_bytes) / bundles_.size()},
  };
  for (const auto& [name, bytes] : sizes) {
    Row row = MakeRow(name, "B", /*lower_is_better=*/true);
    row.ddc = bytes;
    row.note = std::string(name) == "event_proof_bytes"
                   ? "mean EncodeEventProof size (event bytes, both paths, checkpoint note)"
                   : "mean hashes x 32 over the sampled proofs";
    report_->Add(std::move(row));
  }
}

}  // namespace

void RunProofWorkloads(const BenchConfig& config, Report* report) {
  ProofRunner runner(config, report);
  runner.Run();
}

}  // namespace ddc::bench
