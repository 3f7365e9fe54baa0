// libFuzzer target for the scope container decoder: what EventReader does with a scope's bytes
// once they are in the clear (a public scope, or a sealed one that opened) — bounded zstd
// decompression, then a depth-limited parse of a JSON object and the merge — and for the two
// other readers of outside text in include/ddc/scopes.h, ScopePolicy::FromJson and
// EventBuilder's parse and split of event data.
//
// The first byte picks what the rest is:
//   0  a public scope's stored bytes, uncompressed;
//   1  a public scope's stored bytes, marked zstd (raw frames: bombs, bad headers, trailers);
//   2  a plaintext the target zstd-compresses and stores both public and sealed (under a key
//      the reader holds), so that JSON seeds reach the parse and merge through a real frame;
//   3  a scope policy in its JSON form;
//   4  event data, built into an event under a fixed policy and opened again.
// Invariants:
//   - Open never fails and never crashes; a scope whose key is held is kOpened or kMalformed
//     (never kNoKey, kWrongKey or kTampered), and kMalformed always carries a message.
//   - An opened scope's fields are exactly the parsed container, and the merged JSON parses.
//   - An accepted policy round-trips through ToJson; every rejection is InvalidArgument
//     starting "scope policy".
//   - Event data the builder accepts opens completely to an equal JSON value.
#include <zstd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "ddc/crypto.h"
#include "ddc/event.h"
#include "ddc/scopes.h"
#include "engine/event/scope_json.h"

namespace {

using ddc::scope_json::Json;

constexpr uint64_t kBucket = 3;
constexpr std::string_view kEventId = "fuzz-event";
constexpr std::string_view kPolicy =
    R"({"default":"core","scopes":{"profile":["$.user.email","$.user['name']"],)"
    R"("geo":["$.loc"],"exact":["$.loc.point"],"meta":["$.page"]},"public":["meta"]})";

[[noreturn]] void Fail(const char* what, size_t size) {
  std::fprintf(stderr, "fuzz_scope_open: %s for input of %zu bytes\n", what, size);
  std::abort();
}

void Check(bool ok, const char* what, size_t size) {
  if (!ok) Fail(what, size);
}

struct Fixture {
  ddc::KeyPair user;
  ddc::KeyRing keys;
  ddc::ScopeKey sealing_key{};
  std::optional<ddc::EventBuilder> builder;

  Fixture() {
    std::array<uint8_t, 32> seed;
    seed.fill(7);
    user = ddc::KeyPair::FromSeed(seed);
    ddc::MasterKey master;
    master.fill(9);
    keys.AddMasterKey(kBucket, user.public_key, master, 1);
    sealing_key = *keys.ScopeKeyFor(kBucket, user.public_key, "fuzz", 1);
    ddc::Result<ddc::ScopePolicy> policy = ddc::ScopePolicy::FromJson(kPolicy);
    if (!policy.ok()) std::abort();
    ddc::Result<ddc::EventBuilder> b = ddc::EventBuilder::Create(*policy);
    if (!b.ok()) std::abort();
    builder.emplace(*b);
  }
};

const Fixture& TheFixture() {
  static const Fixture* fixture = new Fixture();
  return *fixture;
}

ddc::Event OneScopeEvent(const ddc::Scope& scope) {
  ddc::Event e;
  e.bucket = kBucket;
  e.user = TheFixture().user.public_key;
  e.id = std::string(kEventId);
  e.type = "fuzz";
  e.scopes.push_back(scope);
  return e;
}

// Opens `event` (its one scope readable) and checks the invariants against `container`, the
// scope's bytes in the clear.
void OpenAndCheck(const ddc::Event& event, std::string_view container, bool zstd, size_t size) {
  const ddc::Result<ddc::OpenedEvent> opened = ddc::EventReader().Open(
      event, TheFixture().keys, ddc::ReadOptions{.signature_already_verified = true});
  Check(opened.ok(), "Open failed", size);
  Check(opened->scopes.size() == 1, "one scope in, not one state out", size);
  const ddc::ScopeState& state = opened->scopes[0];
  const ddc::Result<Json> merged =
      ddc::scope_json::ParseObject(opened->json, "merged", ddc::kMaxScopePlaintextBytes * 2);
  Check(merged.ok(), "merged JSON does not parse", size);
  if (state.outcome == ddc::ScopeState::Outcome::kMalformed) {
    Check(!state.message.empty(), "kMalformed without a message", size);
    Check(merged->empty(), "a malformed scope reached the merge", size);
    return;
  }
  Check(state.outcome == ddc::ScopeState::Outcome::kOpened, "held key, yet not opened", size);
  std::string inflated(container);
  if (zstd) {
    ddc::Result<std::string> d = ddc::scope_json::Decompress(container);
    Check(d.ok(), "opened, yet the frame does not decompress", size);
    inflated = *d;
  }
  const ddc::Result<Json> fields =
      ddc::scope_json::ParseObject(inflated, "fields", ddc::kMaxScopePlaintextBytes);
  Check(fields.ok() && *fields == *merged, "merged JSON differs from the scope's", size);
}

void PublicScope(std::string_view bytes, bool zstd, size_t size) {
  ddc::Scope scope;
  scope.name = "pub";
  scope.sealed = false;
  scope.compression = zstd ? ddc::ScopeCompression::kZstd : ddc::ScopeCompression::kNone;
  scope.data = std::string(bytes);
  OpenAndCheck(OneScopeEvent(scope), bytes, zstd, size);
}

void CompressedBothWays(std::string_view plaintext, size_t size) {
  std::string frame(ZSTD_compressBound(plaintext.size()), '\0');
  const size_t n = ZSTD_compress(frame.data(), frame.size(), plaintext.data(), plaintext.size(), 1);
  Check(ZSTD_isError(n) == 0, "zstd failed", size);
  frame.resize(n);
  PublicScope(frame, /*zstd=*/true, size);
  const ddc::ScopeHeader header{kBucket, TheFixture().user.public_key, kEventId, "fuzz",
                                1,       ddc::ScopeCompression::kZstd};
  ddc::Result<ddc::Scope> sealed =
      ddc::SealScope(TheFixture().sealing_key, header,
                     {reinterpret_cast<const uint8_t*>(frame.data()), frame.size()});
  Check(sealed.ok(), "SealScope failed", size);
  OpenAndCheck(OneScopeEvent(*sealed), frame, /*zstd=*/true, size);
}

void Policy(std::string_view text, size_t size) {
  const ddc::Result<ddc::ScopePolicy> policy = ddc::ScopePolicy::FromJson(text);
  if (!policy.ok()) {
    Check(policy.status().IsInvalidArgument(), "policy error is not InvalidArgument", size);
    Check(policy.status().message().rfind("scope policy", 0) == 0, "policy error prefix", size);
    return;
  }
  const ddc::Result<ddc::ScopePolicy> again = ddc::ScopePolicy::FromJson(policy->ToJson());
  Check(again.ok() && *again == *policy, "policy does not round-trip through ToJson", size);
  Check(ddc::EventBuilder::Create(*policy).ok(), "valid policy, yet no builder", size);
}

void BuildAndOpen(std::string_view text, size_t size) {
  ddc::EventInput input;
  input.bucket = kBucket;
  input.id = kEventId;
  input.type = "fuzz";
  input.json = text;
  const Fixture& f = TheFixture();
  const ddc::Result<ddc::Event> event = f.builder->BuildUnsigned(input, f.keys, f.user.public_key);
  if (!event.ok()) {
    Check(event.status().IsInvalidArgument(), "build error is not InvalidArgument", size);
    return;
  }
  const ddc::Result<ddc::OpenedEvent> opened =
      ddc::EventReader().Open(*event, f.keys, ddc::ReadOptions{.signature_already_verified = true});
  Check(opened.ok() && opened->complete(), "built event does not open completely", size);
  const ddc::Result<Json> original =
      ddc::scope_json::ParseObject(text, "data", ddc::kMaxScopePlaintextBytes);
  const ddc::Result<Json> merged =
      ddc::scope_json::ParseObject(opened->json, "merged", ddc::kMaxScopePlaintextBytes);
  Check(original.ok() && merged.ok() && *original == *merged, "split/merge changed the data", size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      PublicScope(rest, /*zstd=*/false, size);
      break;
    case 1:
      PublicScope(rest, /*zstd=*/true, size);
      break;
    case 2:
      CompressedBothWays(rest, size);
      break;
    case 3:
      Policy(rest, size);
      break;
    default:
      BuildAndOpen(rest, size);
      break;
  }
  return 0;
}
