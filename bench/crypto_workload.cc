// The crypto_seal suite (crypto_workload.h).
//
// Fairness: both paths seal the same plaintext under the same key with the same 86 bytes of
// associated data, and open the same sealed bytes; raw gets everything ddc builds per call
// (associated data, nonce, output buffer) for free, which is the point: the gap is what the API
// costs. Within a round the measurements take turns, ddc first in even rounds and raw first in
// odd ones, so that a neighbour's burst on the shared machine does not always hit the same side.
#include "bench/crypto_workload.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/event_workloads.h"
#include "ddc/crypto.h"

namespace ddc::bench {
namespace {

constexpr uint64_t kDataSeed = 31;
constexpr uint64_t kRunBytes = uint64_t{64} << 20;  // Plaintext bytes per timed run.
constexpr uint64_t kMinOps = 512;
constexpr uint64_t kPartOps = 200'000;  // Runs of the size-independent parts (AD, nonce).
constexpr uint32_t kMinRounds = 5;
constexpr double kTargetFraction = 0.9;
constexpr std::array<size_t, 3> kSizes = {256, 1024, 65536};
constexpr char kEventId[] = "evt-000000000001";  // A typical 16-byte id.
constexpr char kScopeName[] = "profile";
static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == kScopeTagBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == kScopeNonceBytes);

std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

template <typename F>
double NsPerOp(uint64_t ops, F&& op) {
  Stopwatch clock;
  for (uint64_t i = 0; i < ops; ++i) op();
  return clock.Seconds() * 1e9 / static_cast<double>(ops);
}

// Runs `a` then `b`, or `b` then `a`.
template <typename A, typename B>
void InTurn(bool a_first, A&& a, B&& b) {
  if (a_first) {
    a();
    b();
  } else {
    b();
    a();
  }
}

double MegabytesPerSecond(size_t size, double ns_per_op) {
  return static_cast<double>(size) / ns_per_op * 1e3;
}

std::string Ns(double ns) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.0f ns", ns);
  return buf;
}

std::string Percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", 100 * fraction);
  return buf;
}

// Nanoseconds per operation of each measurement, one entry per round.
struct Series {
  std::vector<double> ddc_seal, raw_seal, raw_seal_nonce, seal_bytes, ddc_seal_into;
  std::vector<double> ddc_open, raw_open, open_bytes, ddc_open_into;
  std::vector<double> ad, nonce;
};

class CryptoRunner {
 public:
  CryptoRunner(const BenchConfig& config, Report* report)
      : rounds_(std::max(config.repeat, kMinRounds)), report_(report) {}

  void Run() {
    if (sodium_init() < 0) Die("crypto_seal: sodium_init failed");
    for (const size_t size : kSizes) {
      Setup(size);
      Series series;
      for (uint32_t round = 0; round < rounds_; ++round) Round(size, round, &series);
      AddRows(size, series);
    }
    // Only so that no measured call's result is dead code; never zero in practice.
    if (sink_ == 0) Note("crypto_seal: (sink " + std::to_string(sink_) + ")");
  }

 private:
  void Setup(size_t size);
  void Round(size_t size, uint32_t round, Series* series);
  void AddRows(size_t size, const Series& series);

  ScopeHeader Header() const {
    return {bucket_, user_, kEventId, kScopeName, kKeyVersion, ScopeCompression::kNone};
  }

  static constexpr uint32_t kKeyVersion = 3;

  const uint32_t rounds_;
  Report* const report_;
  const uint64_t bucket_ = 7;
  PublicKey user_{};
  ScopeKey key_{};
  ScopeNonce raw_nonce_{};
  std::vector<uint8_t> plaintext_;
  std::string ad_;            // ScopeAssociatedData(Header()), built once for the raw path.
  Scope scope_;               // Sealed by SealScope; both paths open its bytes.
  std::vector<uint8_t> out_;  // The raw path's output, allocated once.
  uint64_t ops_ = 0;
  uint64_t sink_ = 0;
};

void CryptoRunner::Setup(size_t size) {
  Rng rng(kDataSeed + size);
  rng.Fill(key_);
  rng.Fill(user_);
  rng.Fill(raw_nonce_);
  plaintext_.resize(size);
  FillBlob(kDataSeed, size, plaintext_);
  out_.assign(size + kScopeTagBytes, 0);
  ops_ = std::max(kMinOps, kRunBytes / size);
  Result<std::string> ad = ScopeAssociatedData(Header());
  CheckOk(ad.status(), "crypto_seal: ScopeAssociatedData");
  ad_ = std::move(*ad);
  Result<Scope> scope = SealScope(key_, Header(), plaintext_);
  CheckOk(scope.status(), "crypto_seal: SealScope");
  scope_ = std::move(*scope);

  // Both paths compute the same thing: raw sealing under the scope's nonce gives the scope's
  // bytes, and both open them to the plaintext.
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out_.data(), &written, plaintext_.data(), size,
                                             AsBytes(ad_).data(), ad_.size(), nullptr,
                                             scope_.nonce.data(), key_.data());
  if (written != scope_.data.size() ||
      !std::equal(out_.begin(), out_.end(), AsBytes(scope_.data).begin())) {
    Die("crypto_seal: raw libsodium and SealScope disagree");
  }
  Result<std::string> opened = OpenScope(key_, bucket_, user_, kEventId, scope_);
  CheckOk(opened.status(), "crypto_seal: OpenScope");
  if (!std::equal(plaintext_.begin(), plaintext_.end(), AsBytes(*opened).begin())) {
    Die("crypto_seal: OpenScope returned other bytes");
  }
}

void CryptoRunner::Round(size_t size, uint32_t round, Series* s) {
  Note("[crypto_seal] " + std::to_string(size) + " B, round " + std::to_string(round + 1) + "/" +
       std::to_string(rounds_));
  const ScopeHeader header = Header();
  const std::span<const uint8_t> ad = AsBytes(ad_);
  const std::span<const uint8_t> sealed = AsBytes(scope_.data);

  auto ddc_seal = [&] {
    s->ddc_seal.push_back(NsPerOp(ops_, [&] {
      Result<Scope> scope = SealScope(key_, header, plaintext_);
      if (!scope.ok()) Die("crypto_seal: SealScope: " + scope.status().ToString());
      sink_ += static_cast<uint8_t>(scope->data.back());
    }));
  };
  auto raw_seal = [&] {
    s->raw_seal.push_back(NsPerOp(ops_, [&] {
      unsigned long long written = 0;
      crypto_aead_xchacha20poly1305_ietf_encrypt(out_.data(), &written, plaintext_.data(), size,
                                                 ad.data(), ad.size(), nullptr, raw_nonce_.data(),
                                                 key_.data());
      sink_ += out_[written - 1];
    }));
  };
  auto ddc_open = [&] {
    s->ddc_open.push_back(NsPerOp(ops_, [&] {
      Result<std::string> opened = OpenScope(key_, bucket_, user_, kEventId, scope_);
      if (!opened.ok()) Die("crypto_seal: OpenScope: " + opened.status().ToString());
      sink_ += static_cast<uint8_t>(opened->back());
    }));
  };
  auto raw_open = [&] {
    s->raw_open.push_back(NsPerOp(ops_, [&] {
      unsigned long long written = 0;
      if (crypto_aead_xchacha20poly1305_ietf_decrypt(out_.data(), &written, nullptr, sealed.data(),
                                                     sealed.size(), ad.data(), ad.size(),
                                                     scope_.nonce.data(), key_.data()) != 0) {
        Die("crypto_seal: raw decrypt failed");
      }
      sink_ += out_[written - 1];
    }));
  };
  // The reusing variants (no allocation once the buffers are large enough).
  Scope into_scope;
  std::string into_plain;
  auto ddc_seal_into = [&] {
    s->ddc_seal_into.push_back(NsPerOp(ops_, [&] {
      Status st = SealScopeInto(key_, header, plaintext_, &into_scope);
      if (!st.ok()) Die("crypto_seal: SealScopeInto: " + st.ToString());
      sink_ += static_cast<uint8_t>(into_scope.data.back());
    }));
  };
  auto ddc_open_into = [&] {
    s->ddc_open_into.push_back(NsPerOp(ops_, [&] {
      Status st = OpenScopeInto(key_, bucket_, user_, kEventId, scope_, &into_plain);
      if (!st.ok()) Die("crypto_seal: OpenScopeInto: " + st.ToString());
      sink_ += static_cast<uint8_t>(into_plain.back());
    }));
  };
  const bool ddc_first = round % 2 == 0;
  InTurn(ddc_first, ddc_seal, raw_seal);
  InTurn(ddc_first, ddc_open, raw_open);
  // Each variant is compared with the raw run next to it: the raw series holds two entries per
  // round, [2r] beside SealScope/OpenScope and [2r+1] beside the Into variants.
  InTurn(ddc_first, ddc_seal_into, raw_seal);
  InTurn(ddc_first, ddc_open_into, raw_open);

  // Raw sealing that also draws a fresh nonce per call, as SealScope must.
  s->raw_seal_nonce.push_back(NsPerOp(ops_, [&] {
    ScopeNonce nonce;
    randombytes_buf(nonce.data(), nonce.size());
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(out_.data(), &written, plaintext_.data(), size,
                                               ad.data(), ad.size(), nullptr, nonce.data(),
                                               key_.data());
    sink_ += out_[written - 1];
  }));

  // The parts of ddc's extra time.
  s->seal_bytes.push_back(NsPerOp(ops_, [&] {
    const std::string out = SealBytes(key_, raw_nonce_, ad, plaintext_);
    sink_ += static_cast<uint8_t>(out.back());
  }));
  s->open_bytes.push_back(NsPerOp(ops_, [&] {
    Result<std::string> opened = OpenBytes(key_, scope_.nonce, ad, sealed);
    if (!opened.ok()) Die("crypto_seal: OpenBytes: " + opened.status().ToString());
    sink_ += static_cast<uint8_t>(opened->back());
  }));
  s->ad.push_back(NsPerOp(kPartOps, [&] {
    Result<std::string> built = ScopeAssociatedData(header);
    sink_ += built->size();
  }));
  s->nonce.push_back(NsPerOp(kPartOps, [&] { sink_ += RandomScopeNonce()[0]; }));
}

// Times per operation of `size`-byte scopes as MB/s.
std::vector<double> Rates(size_t size, const std::vector<double>& ns) {
  std::vector<double> rates;
  rates.reserve(ns.size());
  for (const double v : ns) rates.push_back(MegabytesPerSecond(size, v));
  return rates;
}

void CryptoRunner::AddRows(size_t size, const Series& s) {
  const std::string label = size >= 1024 ? std::to_string(size / 1024) + "k" : std::to_string(size);
  struct Side {
    const char* what;
    bool draws_nonce;
    const std::vector<double>* ddc;
    const std::vector<double>* raw;
    const std::vector<double>* bytes_api;
    const char* bytes_name;
    const char* rest;
  };
  // The raw series hold two runs per round: even ones beside SealScope/OpenScope, odd ones
  // beside the Into variants.
  auto every_other = [](const std::vector<double>& v, size_t first) {
    std::vector<double> out;
    for (size_t i = first; i < v.size(); i += 2) out.push_back(v[i]);
    return out;
  };
  const std::vector<double> raw_seal_a = every_other(s.raw_seal, 0);
  const std::vector<double> raw_seal_b = every_other(s.raw_seal, 1);
  const std::vector<double> raw_open_a = every_other(s.raw_open, 0);
  const std::vector<double> raw_open_b = every_other(s.raw_open, 1);
  const Side sides[] = {
      {"seal", true, &s.ddc_seal, &raw_seal_a, &s.seal_bytes, "SealBytes",
       "the Scope (name copy, moves) and Result"},
      {"open", false, &s.ddc_open, &raw_open_a, &s.open_bytes, "OpenBytes",
       "the label string and Result"},
      {"seal_into", true, &s.ddc_seal_into, &raw_seal_b, nullptr, "SealScopeInto", ""},
      {"open_into", false, &s.ddc_open_into, &raw_open_b, nullptr, "OpenScopeInto", ""},
  };
  for (const Side& side : sides) {
    Row row = MakeRow("crypto_" + std::string(side.what) + "_" + label, "MB/s");
    const std::vector<double> ddc_rates = Rates(size, *side.ddc);
    const std::vector<double> raw_rates = Rates(size, *side.raw);
    row.ddc = Best(ddc_rates);
    row.ddc_median = Median(ddc_rates);
    std::vector<double> ratios;
    ratios.reserve(ddc_rates.size());
    for (size_t r = 0; r < ddc_rates.size(); ++r) ratios.push_back(ddc_rates[r] / raw_rates[r]);
    row.refs.emplace_back("raw_libsodium", Best(raw_rates));
    if (side.draws_nonce) {
      row.refs.emplace_back("raw_with_random_nonce", Best(Rates(size, s.raw_seal_nonce)));
    }
    const double ratio = Median(ratios);
    row.target = ">=90% of raw libsodium (median ratio)";
    row.met = ratio >= kTargetFraction;

    if (side.bytes_api == nullptr) {
      row.note = "median ddc/raw " + Percent(ratio) + " over " + std::to_string(rounds_) +
                 " rounds of " + std::to_string(ops_) + " ops; " + side.bytes_name +
                 " reuses the caller's buffers; per op ddc " + Ns(Median(*side.ddc)) + " vs raw " +
                 Ns(Median(*side.raw));
      Note("[crypto_seal] " + row.workload + ": " + row.note);
      report_->Add(std::move(row));
      continue;
    }
    // Medians of each part, in ns per operation.
    const double ddc_ns = Median(*side.ddc);
    const double raw_ns = Median(*side.raw);
    const double bytes_extra = Median(*side.bytes_api) - raw_ns;
    const double ad_ns = Median(s.ad);
    const double nonce_ns = side.draws_nonce ? Median(s.nonce) : 0;
    const double rest = ddc_ns - raw_ns - bytes_extra - ad_ns - nonce_ns;
    std::string nonce_ratio;
    if (side.draws_nonce) {
      const std::vector<double> with_nonce = Rates(size, s.raw_seal_nonce);
      std::vector<double> r;
      r.reserve(with_nonce.size());
      for (size_t i = 0; i < with_nonce.size(); ++i) r.push_back(ddc_rates[i] / with_nonce[i]);
      nonce_ratio = ", ddc/raw_with_random_nonce " + Percent(Median(r));
    }
    row.note = "median ddc/raw " + Percent(ratio) + nonce_ratio + " over " +
               std::to_string(rounds_) + " rounds of " + std::to_string(ops_) +
               " ops (raw median " + Human(Median(raw_rates)) + " MB/s); per op ddc " + Ns(ddc_ns) +
               " vs raw " + Ns(raw_ns) + ": extra " + Ns(ddc_ns - raw_ns) + " = " +
               side.bytes_name + " over raw " + Ns(bytes_extra) + " + ScopeAssociatedData " +
               Ns(ad_ns) + (nonce_ns > 0 ? " + RandomScopeNonce " + Ns(nonce_ns) : std::string()) +
               " + " + side.rest + " " + Ns(rest);
    Note("[crypto_seal] " + row.workload + ": " + row.note);
    report_->Add(std::move(row));
  }
}

}  // namespace

void RunCryptoWorkload(const BenchConfig& config, Report* report) {
  CryptoRunner runner(config, report);
  runner.Run();
}

}  // namespace ddc::bench
