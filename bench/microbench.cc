// ddc-microbench: Google Benchmark loops over the leaf functions on ddc's hot paths, to see
// where a put or a get spends its CPU before any I/O:
//   - record encode (header + CID key + 1 KiB value, with its two checksums) and decode
//     (header check + body checksum), engine/log/format.h;
//   - CIDs: Of (BLAKE2b-256) of 1 KiB, ToString, Parse, ToBytes;
//   - the two hashes on 1 KiB: XXH3-64 (record checksums) and BLAKE2b-256 (content addresses).
//   - event decoding of an append_batch_signed event (DecodeEvent, and the append path's
//     DecodeEventEnvelope, engine/event/unsigned_cid.h).
// The interesting output is the ratio between rows (e.g. BLAKE2b vs XXH3), not absolute times.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bench/event_gen.h"
#include "ddc/cid.h"
#include "ddc/event.h"
#include "engine/base/hash.h"
#include "engine/event/unsigned_cid.h"
#include "engine/log/format.h"

namespace ddc {
namespace {

constexpr size_t kValueBytes = 1024;

std::vector<uint8_t> RandomValue(size_t n) {
  std::vector<uint8_t> v(n);
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (uint8_t& b : v) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<uint8_t>(x);
  }
  return v;
}

log::RecordHeader HeaderFor(size_t key_bytes, size_t value_bytes) {
  log::RecordHeader h;
  h.type = log::RecordType::kBlob;
  h.key_length = static_cast<uint16_t>(key_bytes);
  h.value_length = static_cast<uint32_t>(value_bytes);
  h.raw_length = static_cast<uint32_t>(value_bytes);
  h.sequence = 12345;
  h.durable_offset = 4096;
  return h;
}

void BM_RecordEncode(benchmark::State& state) {
  const std::vector<uint8_t> value = RandomValue(kValueBytes);
  const auto key = Cid::Of(Codec::kRaw, value).ToBytes();
  const log::RecordHeader h = HeaderFor(key.size(), value.size());
  std::vector<uint8_t> out(h.on_disk_bytes());
  for (auto _ : state) {
    log::EncodeRecord(h, key, value, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(out.size()));
}
BENCHMARK(BM_RecordEncode);

// What a verified read does with the bytes of one record: decode and check the header, then
// the body checksum over key || value.
void BM_RecordDecode(benchmark::State& state) {
  const std::vector<uint8_t> value = RandomValue(kValueBytes);
  const auto key = Cid::Of(Codec::kRaw, value).ToBytes();
  const log::RecordHeader h = HeaderFor(key.size(), value.size());
  std::vector<uint8_t> rec(h.on_disk_bytes());
  log::EncodeRecord(h, key, value, rec.data());
  const std::span<const uint8_t> all(rec);
  for (auto _ : state) {
    Result<log::RecordHeader> d = log::DecodeRecordHeader(all.first(log::kRecordHeaderBytes));
    if (!d.ok()) state.SkipWithError("decode failed");
    const auto body = all.subspan(log::kRecordHeaderBytes);
    const bool ok = log::BodyChecksum(body.first(d->key_length), body.subspan(d->key_length)) ==
                    d->body_checksum;
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(rec.size()));
}
BENCHMARK(BM_RecordDecode);

void BM_RecordHeaderDecodeOnly(benchmark::State& state) {
  const std::vector<uint8_t> value = RandomValue(kValueBytes);
  const auto key = Cid::Of(Codec::kRaw, value).ToBytes();
  const log::RecordHeader h = HeaderFor(key.size(), value.size());
  std::vector<uint8_t> rec(h.on_disk_bytes());
  log::EncodeRecord(h, key, value, rec.data());
  for (auto _ : state) {
    auto d = log::DecodeRecordHeader(std::span(rec).first(log::kRecordHeaderBytes));
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_RecordHeaderDecodeOnly);

void BM_CidOf1KiB(benchmark::State& state) {
  const std::vector<uint8_t> value = RandomValue(kValueBytes);
  for (auto _ : state) {
    Cid c = Cid::Of(Codec::kRaw, value);
    benchmark::DoNotOptimize(c);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(kValueBytes));
}
BENCHMARK(BM_CidOf1KiB);

void BM_CidToString(benchmark::State& state) {
  const Cid cid = Cid::Of(Codec::kRaw, RandomValue(kValueBytes));
  for (auto _ : state) {
    std::string s = cid.ToString();
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_CidToString);

void BM_CidParse(benchmark::State& state) {
  const std::string text = Cid::Of(Codec::kRaw, RandomValue(kValueBytes)).ToString();
  for (auto _ : state) {
    Result<Cid> c = Cid::Parse(text);
    if (!c.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_CidParse);

void BM_CidToBytes(benchmark::State& state) {
  const Cid cid = Cid::Of(Codec::kRaw, RandomValue(kValueBytes));
  for (auto _ : state) {
    auto b = cid.ToBytes();
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(BM_CidToBytes);

void BM_Xxh3_1KiB(benchmark::State& state) {
  const std::vector<uint8_t> value = RandomValue(kValueBytes);
  for (auto _ : state) benchmark::DoNotOptimize(Xxh3(value));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(kValueBytes));
}
BENCHMARK(BM_Xxh3_1KiB);

void BM_Blake2b256_1KiB(benchmark::State& state) {
  const std::vector<uint8_t> value = RandomValue(kValueBytes);
  for (auto _ : state) benchmark::DoNotOptimize(Blake2b256(value));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(kValueBytes));
}
BENCHMARK(BM_Blake2b256_1KiB);

// A batch of `range(0)` 1 KiB blobs through Blake2b256Many (eight messages per vector step where
// the CPU has AVX-512); compare bytes/s with BM_Blake2b256_1KiB.
void BM_Blake2b256Many_1KiB(benchmark::State& state) {
  const auto count = static_cast<size_t>(state.range(0));
  std::vector<std::vector<uint8_t>> values;
  for (size_t i = 0; i < count; ++i) values.push_back(RandomValue(kValueBytes));
  const std::vector<std::span<const uint8_t>> in(values.begin(), values.end());
  std::vector<std::array<uint8_t, 32>> out(count);
  for (auto _ : state) {
    Blake2b256Many(in, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(count * kValueBytes));
  state.SetLabel(Blake2b256ManyUsesLanes() ? "vector lanes" : "one at a time");
}
BENCHMARK(BM_Blake2b256Many_1KiB)->Arg(1)->Arg(2)->Arg(3)->Arg(4)->Arg(8)->Arg(32)->Arg(1000);

// One event as ddc-bench append_batch_signed appends it: three sealed scopes, batch-signed.
std::string BenchEvent() {
  bench::StreamSpec spec;
  spec.count = 1000;
  spec.batch_sign = 1000;
  return bench::MakeSignedEvents(spec)[500];
}

void BM_DecodeEvent(benchmark::State& state) {
  const std::string e = BenchEvent();
  const std::span bytes(reinterpret_cast<const uint8_t*>(e.data()), e.size());
  for (auto _ : state) {
    Result<Event> d = DecodeEvent(bytes);
    if (!d.ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_DecodeEvent);

void BM_DecodeEventEnvelope(benchmark::State& state) {
  const std::string e = BenchEvent();
  const std::span bytes(reinterpret_cast<const uint8_t*>(e.data()), e.size());
  event_internal::EventLayout layout;
  for (auto _ : state) {
    Result<Event> d = event_internal::DecodeEventEnvelope(bytes, &layout);
    if (!d.ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_DecodeEventEnvelope);

}  // namespace
}  // namespace ddc

BENCHMARK_MAIN();
