// Helpers for the store's event tests: signed events of test users, and the timeline state a
// test expects, recomputed from the events alone (never from the store).
#ifndef DDC_TESTS_STORE_EVENT_TEST_UTIL_H_
#define DDC_TESTS_STORE_EVENT_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "ddc/event.h"
#include "ddc/verify.h"
#include "engine/timeline/merkle.h"
#include "tests/test_util.h"

namespace ddc::test {

inline KeyPair UserKey(uint32_t n) {
  std::array<uint8_t, 32> seed{};
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(n >> (8 * (i % 4)));
  seed[31] = 0xee;
  return KeyPair::FromSeed(seed);
}

// An unsigned event with three sealed scopes of `scope_bytes` random bytes each.
inline Event MakeEvent(std::mt19937_64& rng, uint64_t bucket, const KeyPair& user,
                       const std::string& id, uint64_t time_ms, size_t scope_bytes = 64) {
  Event e;
  e.bucket = bucket;
  e.user = user.public_key;
  e.id = id;
  e.timestamp_ms = time_ms;
  e.type = "page_view";
  for (const char* name : {"behaviour", "contact", "profile"}) {
    Scope s;
    s.name = name;
    s.sealed = true;
    s.key_version = 1;
    for (auto& b : s.nonce) b = static_cast<uint8_t>(rng());
    s.data = RandomString(rng, std::max<size_t>(scope_bytes, kScopeTagBytes));
    e.scopes.push_back(std::move(s));
  }
  return e;
}

inline std::string SignAndEncode(Event e, const KeyPair& key) {
  EXPECT_TRUE(SignEvent(&e, key).ok());
  auto bytes = EncodeEvent(e);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : std::string();
}

// What a timeline must look like, recomputed from its events.
struct ExpectedTimeline {
  std::vector<Cid> cids;
  std::vector<timeline::Hash> leaves;
  timeline::Hash Root(size_t size) const {
    return timeline::RootOfLeaves(std::span(leaves).first(size));
  }
  void Add(const Cid& cid) {
    cids.push_back(cid);
    const auto b = cid.ToBytes();
    leaves.push_back(timeline::LeafHash(b));
  }
};

// The journal, recomputed: one leaf per accepted append.
struct ExpectedJournal {
  std::vector<timeline::Hash> leaves;
  void Add(uint64_t bucket, const PublicKey& user, uint64_t position, const Cid& cid,
           const timeline::Hash& root_after) {
    const std::string leaf = JournalLeafData(bucket, user, position, cid, root_after);
    leaves.push_back(
        timeline::LeafHash(std::span(reinterpret_cast<const uint8_t*>(leaf.data()), leaf.size())));
  }
  timeline::Hash Root(size_t size) const {
    return timeline::RootOfLeaves(std::span(leaves).first(size));
  }
};

}  // namespace ddc::test

#endif  // DDC_TESTS_STORE_EVENT_TEST_UTIL_H_
