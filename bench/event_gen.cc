#include "bench/event_gen.h"

#include <algorithm>
#include <array>
#include <thread>

#include "bench/bench_util.h"

namespace ddc::bench {
namespace {

constexpr uint64_t kEventSeed = 11;
constexpr uint64_t kBaseTimeMs = 1'700'000'000'000;

Event MakeEvent(Rng& rng, const KeyPair& user, uint32_t stream, uint64_t index,
                uint32_t scope_bytes) {
  Event e;
  e.bucket = kBenchBucket;
  e.user = user.public_key;
  e.id = "s" + std::to_string(stream) + "-e" + std::to_string(index);
  e.timestamp_ms = kBaseTimeMs + index;
  e.type = "page_view";
  for (const char* name : {"behaviour", "contact", "profile"}) {
    Scope s;
    s.name = name;
    s.sealed = true;
    s.key_version = 1;
    rng.Fill(std::span(s.nonce));
    s.data.resize(std::max<size_t>(scope_bytes, kScopeTagBytes));
    rng.Fill(std::span(reinterpret_cast<uint8_t*>(s.data.data()), s.data.size()));
    e.scopes.push_back(std::move(s));
  }
  return e;
}

std::string Encode(const Event& e, const std::string& what) {
  Result<std::string> bytes = EncodeEvent(e);
  CheckOk(bytes.status(), what);
  return std::move(*bytes);
}

}  // namespace

KeyPair BenchUserKey(uint32_t n) {
  std::array<uint8_t, 32> seed{};
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(n >> (8 * (i % 4)));
  seed[31] = 0xbe;
  return KeyPair::FromSeed(seed);
}

std::vector<std::string> MakeSignedEvents(const StreamSpec& spec) {
  std::vector<KeyPair> keys;
  for (uint32_t u = 0; u < spec.users; ++u) keys.push_back(BenchUserKey(spec.stream * 1000 + u));
  Rng rng(kEventSeed * 0x9e3779b97f4a7c15ull + spec.stream * 0x100000001ull + spec.first);
  std::vector<std::string> out;
  out.reserve(spec.count);
  if (spec.batch_sign == 0) {
    for (uint64_t i = 0; i < spec.count; ++i) {
      const uint64_t index = spec.first + i;
      const KeyPair& key = keys[index % spec.users];
      Event e = MakeEvent(rng, key, spec.stream, index, spec.scope_bytes);
      CheckOk(SignEvent(&e, key), "SignEvent");
      out.push_back(Encode(e, "EncodeEvent"));
    }
    return out;
  }
  std::vector<Event> run;
  for (uint64_t base = 0; base < spec.count; base += spec.batch_sign) {
    const uint64_t n = std::min<uint64_t>(spec.batch_sign, spec.count - base);
    const KeyPair& key = keys[((spec.first + base) / spec.batch_sign) % spec.users];
    run.clear();
    for (uint64_t i = 0; i < n; ++i) {
      run.push_back(MakeEvent(rng, key, spec.stream, spec.first + base + i, spec.scope_bytes));
    }
    CheckOk(SignBatch(run, key), "SignBatch");
    for (const Event& e : run) out.push_back(Encode(e, "EncodeEvent (batch)"));
  }
  return out;
}

std::vector<std::vector<std::string>> MakeSignedStreams(uint32_t streams, uint64_t per_stream,
                                                        uint32_t batch_sign) {
  std::vector<std::vector<std::string>> out(streams);
  std::vector<std::thread> workers;
  for (uint32_t s = 0; s < streams; ++s) {
    workers.emplace_back([&, s] {
      StreamSpec spec;
      spec.stream = s;
      spec.count = per_stream;
      spec.batch_sign = batch_sign;
      out[s] = MakeSignedEvents(spec);
    });
  }
  for (std::thread& w : workers) w.join();
  return out;
}

std::vector<std::span<const uint8_t>> EventSpans(const std::vector<std::string>& events,
                                                 size_t begin, size_t end) {
  std::vector<std::span<const uint8_t>> spans;
  spans.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    spans.emplace_back(reinterpret_cast<const uint8_t*>(events[i].data()), events[i].size());
  }
  return spans;
}

}  // namespace ddc::bench
