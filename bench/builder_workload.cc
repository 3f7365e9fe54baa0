// event_builder and event_reader (builder_workload.h).
//
// Fairness: the JSON texts, ids and keys are made before any clock starts; each timed loop does
// only the calls it names, on one thread, over the same events, and the floors run the same
// libsodium calls the builder and reader make (DeriveScopeKey, SealScope / OpenScope,
// SignEvent / VerifyEventSignature) on the same sizes. What the builder adds on top of its floor
// is the JSON parse, the split, the serialisation of each scope and zstd; what the reader adds
// is zstd, the parse of each scope and the merge.
#include "bench/builder_workload.h"

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_util.h"
#include "bench/event_gen.h"
#include "bench/event_workloads.h"
#include "ddc/crypto.h"
#include "ddc/event.h"
#include "ddc/scopes.h"

namespace ddc::bench {
namespace {

constexpr uint64_t kJsonSeed = 31;
constexpr uint64_t kMaxBuilderEvents = 50'000;  // Of --events: ~2 s per timed loop.
constexpr size_t kDistinctJson = 1024;
constexpr size_t kJsonBytes = 1024;  // Each text is this long, give or take 40 bytes.
constexpr uint64_t kBaseTimeMs = 1'700'000'000'000;
constexpr uint32_t kUserN = 777'000;
constexpr uint8_t kMasterFill = 0x5c;
// Three scopes: "profile" (sealed) gets the user object, "analytics" (public) the page fields,
// "core" (sealed, the default) the rest — the session, the cart and a counter.
constexpr std::string_view kPolicy =
    R"({"default":"core","scopes":{"profile":["$.user"],)"
    R"("analytics":["$.page","$.referrer","$.ua"]},"public":["analytics"]})";

std::string Word(Rng& rng) {
  std::string w(3 + rng.Uniform(7), 'a');
  for (char& c : w) c = static_cast<char>('a' + rng.Uniform(26));
  return w;
}

std::string Digits(Rng& rng, size_t n) {
  std::string d(n, '0');
  for (char& c : d) c = static_cast<char>('0' + rng.Uniform(10));
  return d;
}

// A page-view event of about kJsonBytes: a user object, page fields, a session and a cart.
std::string MakeJson(Rng& rng, uint64_t n) {
  std::string s = R"({"user":{"email":")" + Word(rng) + "." + Word(rng) +
                  R"(@example.com","name":")" + Word(rng) + " " + Word(rng) + R"(","phone":"+49)" +
                  Digits(rng, 10) + R"(","plan":"premium"},"page":"/products/)" + Word(rng) + "/" +
                  Digits(rng, 6) + R"(","referrer":"https://www.)" + Word(rng) +
                  ".com/search?q=" + Word(rng) +
                  R"(","ua":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like )"
                  R"(Gecko) Chrome/120.0 Safari/537.36","session":")" +
                  Digits(rng, 32) + R"(","cart":[)";
  for (bool first = true; s.size() + 60 < kJsonBytes; first = false) {
    if (!first) s += ",";
    s += R"({"sku":"SKU-)" + Digits(rng, 6) + R"(","qty":)" + std::to_string(1 + rng.Uniform(9)) +
         R"(,"price":)" + std::to_string(1 + rng.Uniform(200)) + "." + Digits(rng, 2) + "}";
  }
  return s + R"(],"n":)" + std::to_string(n) + "}";
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

template <typename F>
double TimedLoop(uint64_t n, const std::string& phase, F&& op) {
  Progress progress(phase, n);
  Stopwatch clock;
  for (uint64_t i = 0; i < n; ++i) {
    op(i);
    if (i % 4096 == 0) progress.Update(i);
  }
  const double seconds = clock.Seconds();
  progress.Done();
  return static_cast<double>(n) / seconds;
}

class BuilderRunner {
 public:
  BuilderRunner(const BenchConfig& config, Report* report)
      : c_(config),
        report_(report),
        n_(std::min<uint64_t>(config.events, kMaxBuilderEvents)),
        user_(BenchUserKey(kUserN)) {
    master_.fill(kMasterFill);
    keys_.AddMasterKey(kBenchBucket, user_.public_key, master_, 1);
    Result<ScopePolicy> policy = ScopePolicy::FromJson(kPolicy);
    CheckOk(policy.status(), "event_builder policy");
    Result<EventBuilder> builder = EventBuilder::Create(*policy);
    CheckOk(builder.status(), "event_builder EventBuilder::Create");
    builder_.emplace(*builder);
    Rng rng(kJsonSeed);
    for (size_t i = 0; i < kDistinctJson; ++i) {
      json_.push_back(MakeJson(rng, i));
      json_bytes_ += json_.back().size();
    }
    for (uint64_t i = 0; i < n_; ++i) ids_.push_back("b-" + std::to_string(i));
    plaintext_.assign(4 * kJsonBytes, '\0');  // A scope holds at most its event's JSON.
  }
  ~BuilderRunner() { Wipe(master_); }
  BuilderRunner(const BuilderRunner&) = delete;
  BuilderRunner& operator=(const BuilderRunner&) = delete;

  void Run();

 private:
  std::string Rep(const std::string& name, uint32_t rep) const {
    return "[" + name + " #" + std::to_string(rep + 1) + "/" + std::to_string(c_.repeat) + "]";
  }
  EventInput Input(uint64_t i) const {
    EventInput in;
    in.bucket = kBenchBucket;
    in.id = ids_[i];
    in.type = "page_view";
    in.timestamp_ms = kBaseTimeMs + i;
    in.json = json_[i % kDistinctJson];
    return in;
  }
  double Builds(bool sign, uint32_t rep);
  double BuildFloor(uint32_t rep);
  double Opens(bool trusted, uint32_t rep);
  double OpenFloor(bool verify, uint32_t rep);
  void AddRows(const std::vector<double>& built, const std::vector<double>& unsigned_built,
               const std::vector<double>& build_floor, const std::vector<double>& opened,
               const std::vector<double>& trusted, const std::vector<double>& open_floor,
               const std::vector<double>& aead_floor);

  const BenchConfig& c_;
  Report* report_;
  const uint64_t n_;
  const KeyPair user_;
  MasterKey master_{};
  KeyRing keys_;
  std::optional<EventBuilder> builder_;
  std::vector<std::string> json_;
  uint64_t json_bytes_ = 0;
  std::vector<std::string> ids_;
  std::string plaintext_;     // Zeros: the floor seals these, at the scopes' sizes.
  std::vector<Event> built_;  // The signed events of the first Build run.
};

double BuilderRunner::Builds(bool sign, uint32_t rep) {
  const std::string phase = Rep(sign ? "event_builder" : "event_builder_unsigned", rep) +
                            (sign ? " EventBuilder::Build" : " EventBuilder::BuildUnsigned");
  const bool keep = sign && built_.empty();
  std::vector<Event> out(keep ? n_ : 0);
  const double rate = TimedLoop(n_, phase, [&](uint64_t i) {
    Result<Event> e = sign ? builder_->Build(Input(i), keys_, user_)
                           : builder_->BuildUnsigned(Input(i), keys_, user_.public_key);
    if (!e.ok()) CheckOk(e.status(), phase);
    if (keep) out[i] = std::move(*e);
  });
  if (keep) built_ = std::move(out);
  return rate;
}

double BuilderRunner::BuildFloor(uint32_t rep) {
  std::vector<Event> events = built_;  // Untimed copies whose scopes the floor reseals.
  const std::string phase = Rep("event_builder", rep) + " floor: derive + seal x2 + SignEvent";
  return TimedLoop(n_, phase, [&](uint64_t i) {
    Event& e = events[i];
    for (Scope& s : e.scopes) {
      if (!s.sealed) continue;
      Result<ScopeKey> key = DeriveScopeKey(master_, s.name, s.key_version);
      if (!key.ok()) CheckOk(key.status(), phase);
      const ScopeHeader header{e.bucket, e.user, e.id, s.name, s.key_version, s.compression};
      Result<Scope> sealed =
          SealScope(*key, header,
                    Bytes(std::string_view(plaintext_).substr(0, s.data.size() - kScopeTagBytes)));
      if (!sealed.ok()) CheckOk(sealed.status(), phase);
      s = std::move(*sealed);
    }
    CheckOk(SignEvent(&e, user_), phase);
  });
}

double BuilderRunner::Opens(bool trusted, uint32_t rep) {
  const std::string phase = Rep(trusted ? "event_reader_trusted" : "event_reader", rep) +
                            " EventReader::Open" + (trusted ? " (signature trusted)" : "");
  const EventReader reader;
  const ReadOptions options{.signature_already_verified = trusted};
  return TimedLoop(n_, phase, [&](uint64_t i) {
    Result<OpenedEvent> opened = reader.Open(built_[i], keys_, options);
    if (!opened.ok()) CheckOk(opened.status(), phase);
    if (!opened->complete()) Die(phase + ": an event did not open completely");
  });
}

double BuilderRunner::OpenFloor(bool verify, uint32_t rep) {
  const std::string phase = Rep(verify ? "event_reader" : "event_reader_trusted", rep) +
                            " floor: " + (verify ? "verify + " : "") + "derive + open x2";
  return TimedLoop(n_, phase, [&](uint64_t i) {
    const Event& e = built_[i];
    if (verify) CheckOk(VerifyEventSignature(e), phase);
    for (const Scope& s : e.scopes) {
      if (!s.sealed) continue;
      Result<ScopeKey> key = DeriveScopeKey(master_, s.name, s.key_version);
      if (!key.ok()) CheckOk(key.status(), phase);
      Result<std::string> plain = OpenScope(*key, e.bucket, e.user, e.id, s);
      if (!plain.ok()) CheckOk(plain.status(), phase);
    }
  });
}

void BuilderRunner::Run() {
  Note("[event_builder] " + std::to_string(n_) + " events from " + std::to_string(kDistinctJson) +
       " distinct JSON texts of ~" + std::to_string(kJsonBytes) + " B, 1 thread");
  std::vector<double> built, unsigned_built, build_floor, opened, trusted, open_floor, aead_floor;
  for (uint32_t rep = 0; rep < c_.repeat; ++rep) {
    built.push_back(Builds(/*sign=*/true, rep));
    unsigned_built.push_back(Builds(/*sign=*/false, rep));
    build_floor.push_back(BuildFloor(rep));
    opened.push_back(Opens(/*trusted=*/false, rep));
    open_floor.push_back(OpenFloor(/*verify=*/true, rep));
    trusted.push_back(Opens(/*trusted=*/true, rep));
    aead_floor.push_back(OpenFloor(/*verify=*/false, rep));
  }
  AddRows(built, unsigned_built, build_floor, opened, trusted, open_floor, aead_floor);
}

void BuilderRunner::AddRows(const std::vector<double>& built,
                            const std::vector<double>& unsigned_built,
                            const std::vector<double>& build_floor,
                            const std::vector<double>& opened, const std::vector<double>& trusted,
                            const std::vector<double>& open_floor,
                            const std::vector<double>& aead_floor) {
  uint64_t event_bytes = 0;
  uint64_t compressed = 0;
  uint64_t scopes = 0;
  for (const Event& e : built_) {
    Result<std::string> bytes = EncodeEvent(e);
    CheckOk(bytes.status(), "event_builder EncodeEvent");
    event_bytes += bytes->size();
    for (const Scope& s : e.scopes) compressed += s.compression == ScopeCompression::kZstd;
    scopes += e.scopes.size();
  }
  const double events = static_cast<double>(built_.size());
  const std::string what =
      "policy " + std::string(kPolicy) + "; JSON " +
      Human(static_cast<double>(json_bytes_) / kDistinctJson) + " B mean -> events of " +
      Human(static_cast<double>(event_bytes) / events) + " B (" +
      Human(static_cast<double>(scopes) / events) + " scopes, " +
      Human(100.0 * static_cast<double>(compressed) / static_cast<double>(scopes)) +
      "% zstd level 3); " + std::to_string(n_) + " events per run, 1 thread, best of " +
      std::to_string(c_.repeat);
  auto add = [&](const std::string& name, const std::string& unit, const std::vector<double>& runs,
                 const std::string& ref_name, const std::vector<double>& ref,
                 const std::string& note) {
    Row row = MakeRow(name, unit);
    row.ddc = Best(runs);
    row.ddc_median = Median(runs);
    row.refs.emplace_back(ref_name, Best(ref));
    row.note = note;
    report_->Add(std::move(row));
  };
  add("event_builder", "events/s", built, "derive+seal x2+sign floor", build_floor,
      "EventBuilder::Build (parse, split, zstd, seal, SignEvent); " + what);
  add("event_builder_unsigned", "events/s", unsigned_built, "Build", built,
      "EventBuilder::BuildUnsigned, the same without the ed25519 signature");
  add("event_reader", "opens/s", opened, "verify+derive+open x2 floor", open_floor,
      "EventReader::Open with every key held (VerifyEventSignature, open, zstd, parse, merge) "
      "of the event_builder events");
  add("event_reader_trusted", "opens/s", trusted, "derive+open x2 floor", aead_floor,
      "EventReader::Open with ReadOptions::signature_already_verified (events read back from a "
      "store)");
}

}  // namespace

void RunBuilderWorkloads(const BenchConfig& config, Report* report) {
  if (config.workloads.count("event_builder") == 0 && config.workloads.count("event_reader") == 0) {
    return;
  }
  BuilderRunner runner(config, report);
  runner.Run();
}

}  // namespace ddc::bench
