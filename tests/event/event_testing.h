// Helpers shared by the event tests: byte views, fixed keys and random valid events.
#ifndef DDC_TESTS_EVENT_EVENT_TESTING_H_
#define DDC_TESTS_EVENT_EVENT_TESTING_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/event.h"

namespace ddc::test {

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

inline std::string FromHex(std::string_view hex) {
  std::string out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  }
  return out;
}

inline std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}
inline std::string ToHex(std::string_view s) { return ToHex(AsBytes(s)); }

// The key pair whose 32-byte seed is `fill` repeated.
inline KeyPair TestKey(uint8_t fill) {
  std::array<uint8_t, 32> seed;
  seed.fill(fill);
  return KeyPair::FromSeed(seed);
}

// Scopes in the order DecodeEvent returns them (by name), so that round trips compare equal.
inline void SortScopes(Event* e) {
  std::sort(e->scopes.begin(), e->scopes.end(),
            [](const Scope& a, const Scope& b) { return a.name < b.name; });
}

// A small valid, unsigned event of `user`: one sealed and one public scope (not in name order),
// a prev link.
inline Event SampleEvent(const PublicKey& user) {
  Event e;
  e.bucket = 7;
  e.user = user;
  e.id = "evt-0001";
  e.timestamp_ms = 1700000000123;
  e.type = "page_view";
  Scope sealed;
  sealed.name = "profile";
  sealed.sealed = true;
  sealed.key_version = 3;
  for (size_t i = 0; i < sealed.nonce.size(); ++i) sealed.nonce[i] = static_cast<uint8_t>(i);
  sealed.compression = ScopeCompression::kZstd;
  sealed.data = std::string(40, '\x5a');
  Scope open;
  open.name = "analytics";
  open.sealed = false;
  open.data = R"({"page":"/home"})";
  e.scopes = {sealed, open};
  e.prev = Cid::Of(Codec::kDagCbor, std::string_view("previous event"));
  return e;
}

// A random valid, unsigned event of `user`, using the whole range of every field.
inline Event RandomEvent(std::mt19937_64& rng, const PublicKey& user) {
  auto pick = [&rng](uint64_t n) { return n == 0 ? 0 : rng() % n; };
  // Integers at every head width: below 24, 1, 2, 4 and 8 bytes.
  auto any_uint = [&]() -> uint64_t {
    switch (pick(5)) {
      case 0:
        return pick(24);
      case 1:
        return pick(256);
      case 2:
        return pick(65536);
      case 3:
        return pick(uint64_t{1} << 32);
      default:
        return rng();
    }
  };
  auto text = [&](size_t max) {
    // Mostly ASCII, sometimes a two- or three-byte UTF-8 character.
    std::string s;
    const size_t n = 1 + pick(max);
    while (s.size() < n) {
      const uint64_t r = pick(10);
      if (r == 0 && s.size() + 2 <= max) {
        s += "\xc3\xa9";  // e-acute
      } else if (r == 1 && s.size() + 3 <= max) {
        s += "\xe2\x82\xac";  // euro sign
      } else {
        s.push_back(static_cast<char>('a' + pick(26)));
      }
    }
    if (s.size() > max) s.resize(max);
    return s;
  };
  Event e;
  e.bucket = any_uint();
  e.user = user;
  e.id = text(pick(4) == 0 ? kMaxEventIdBytes : 24);
  e.timestamp_ms = any_uint();
  e.type = text(pick(4) == 0 ? kMaxEventTypeBytes : 16);
  const size_t scopes = pick(8) == 0 ? pick(kMaxScopes + 1) : pick(5);
  static constexpr std::string_view kNameBytes = "abcdefghijklmnopqrstuvwxyz0123456789_.-";
  while (e.scopes.size() < scopes) {
    Scope s;
    const size_t name_len = 1 + pick(pick(4) == 0 ? kMaxScopeNameBytes : 8);
    for (size_t i = 0; i < name_len; ++i) s.name.push_back(kNameBytes[pick(kNameBytes.size())]);
    bool duplicate = false;
    for (const Scope& other : e.scopes) duplicate = duplicate || other.name == s.name;
    if (duplicate) continue;
    s.sealed = pick(2) == 0;
    s.compression = pick(2) == 0 ? ScopeCompression::kNone : ScopeCompression::kZstd;
    const size_t len = pick(4) == 0 ? pick(3000) : pick(100);
    s.data.resize(s.sealed ? kScopeTagBytes + len : len);
    for (char& c : s.data) c = static_cast<char>(rng());
    if (s.sealed) {
      s.key_version = static_cast<uint32_t>(any_uint());
      for (uint8_t& b : s.nonce) b = static_cast<uint8_t>(rng());
    }
    e.scopes.push_back(std::move(s));
  }
  SortScopes(&e);
  if (pick(2) == 0) {
    Cid::Digest d;
    for (uint8_t& b : d) b = static_cast<uint8_t>(rng());
    e.prev = Cid(Codec::kDagCbor, d);
  }
  return e;
}

// The events pinned in tests/vectors/event_v1.json (tests/event/vectors_test.cc checks them;
// `ddc-event-tool vectors` prints them): a single-signed event with a sealed and a public scope
// and a prev link, and a batch of three. Everything is fixed, and ed25519 is deterministic.
struct VectorEvent {
  std::string name;
  std::array<uint8_t, 32> seed;  // The signing key's seed.
  Event event;                   // Signed.
};

inline std::vector<VectorEvent> VectorEvents() {
  std::vector<VectorEvent> out;
  std::array<uint8_t, 32> seed;
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(i);
  KeyPair key = KeyPair::FromSeed(seed);
  Event single = SampleEvent(key.public_key);
  SortScopes(&single);
  if (!SignEvent(&single, key).ok()) std::abort();
  out.push_back({"single-sealed-public-prev", seed, single});

  seed.fill(0x42);
  key = KeyPair::FromSeed(seed);
  std::vector<Event> batch;
  for (int i = 0; i < 3; ++i) {
    Event e;
    e.bucket = 1000;
    e.user = key.public_key;
    e.id = "batch-" + std::to_string(i);
    e.timestamp_ms = 1700000000000 + static_cast<uint64_t>(i);
    e.type = "click";
    Scope s;
    s.name = "ui";
    s.sealed = false;
    s.data = "{\"button\":" + std::to_string(i) + "}";
    e.scopes.push_back(s);
    if (i > 0) e.prev = Cid::Of(Codec::kDagCbor, "batch-" + std::to_string(i - 1));
    batch.push_back(std::move(e));
  }
  if (!SignBatch(batch, key).ok()) std::abort();
  for (int i = 0; i < 3; ++i) out.push_back({"batch-3-index-" + std::to_string(i), seed, batch[i]});
  return out;
}

}  // namespace ddc::test

#endif  // DDC_TESTS_EVENT_EVENT_TESTING_H_
