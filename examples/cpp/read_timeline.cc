// read_timeline: walk a user's timeline and decrypt only the scopes a reader holds keys for.
//
// The user (or her app) holds her master key and opens every scope. An analytics job is given
// the key of one scope only, "geo": it reads the locations and the public "meta" fields, and
// every other scope stays closed, each with the reason why.
//
//   read_timeline DATA_DIR     (uses DATA_DIR/read_timeline.store, emptied first)
#include <cstdio>
#include <string>

#include "ddc/crypto.h"
#include "ddc/scopes.h"
#include "ddc/store.h"
#include "ddc/timeline.h"
#include "example.h"

using example::Expect;
using example::Ok;

int main(int argc, char** argv) {
  constexpr uint64_t kBucket = 42;
  const ddc::KeyPair alice = ddc::KeyPair::Generate();
  ddc::KeyRing alice_keys;
  alice_keys.AddMasterKey(kBucket, alice.public_key, ddc::GenerateMasterKey(), 1);

  ddc::Options options;
  options.dir = example::FreshStoreDir(argc, argv, "read_timeline");
  auto store = Ok(ddc::Store::Open(options), "open");
  example::CapturePageViews(*store, alice_keys, alice, kBucket, 4);

  // The analytics job's key ring: the "geo" scope key of Alice's events, version 1, and nothing
  // else. (Handing it over is what a grant does; see share_scope.cc.)
  ddc::ScopeKey geo_key = Ok(alice_keys.ScopeKeyFor(kBucket, alice.public_key, "geo", 1), "geo");
  ddc::KeyRing analytics_keys;
  Ok(analytics_keys.AddScopeKey(kBucket, alice.public_key, "geo", 1, geo_key), "add geo key");
  ddc::Wipe(geo_key);

  // Walk the timeline from position 0. The iterator sees the timeline as of its creation;
  // events come back verified (Append checked each signature), so the reader may skip that.
  auto it = Ok(store->NewTimelineIterator(kBucket, alice.public_key, ddc::TimelineSeek{}), "iter");
  const ddc::EventReader reader;
  const ddc::ReadOptions verified{.signature_already_verified = true};
  uint64_t read = 0;
  for (; it->Valid(); it->Next(), ++read) {
    const ddc::OpenedEvent mine = Ok(reader.Open(it->event(), alice_keys, verified), "open");
    const ddc::OpenedEvent theirs = Ok(reader.Open(it->event(), analytics_keys, verified), "open");
    std::printf("%llu %s\n  alice:     %s\n  analytics: %s\n",
                static_cast<unsigned long long>(it->position()), it->cid().ToString().c_str(),
                mine.json.c_str(), theirs.json.c_str());
    // Alice reads everything; the analytics job reads geo and the public meta, nothing else.
    Expect(mine.json.find("alice@example.com") != std::string::npos, "alice reads her email");
    Expect(theirs.json.find("Berlin") != std::string::npos, "analytics reads the location");
    Expect(theirs.json.find("alice@example.com") == std::string::npos, "no email for analytics");
    for (const ddc::ScopeState& scope : theirs.scopes) {
      const bool readable = scope.name == "geo" || scope.name == "meta";
      Expect((scope.outcome == ddc::ScopeState::Outcome::kOpened) == readable,
             "exactly geo and meta open for analytics");
      if (!readable) std::printf("  closed %s: %s\n", scope.name.c_str(), scope.message.c_str());
    }
  }
  Ok(it->status(), "iteration");  // An iterator reports read errors here, after the loop.
  Expect(read == 4, "4 events read");

  // Seeking: the newest event at or before a time, walking backward.
  ddc::TimelineSeek seek;
  seek.by = ddc::TimelineSeek::By::kTime;
  seek.time_ms = 1763800002500;  // Between the third (+2000 ms) and the fourth (+3000 ms) event.
  seek.backward = true;
  auto back = Ok(store->NewTimelineIterator(kBucket, alice.public_key, seek), "seek");
  Expect(back->Valid() && back->position() == 2, "the seek lands on position 2");
  back.reset();  // Iterators go before the store closes.
  it.reset();
  Ok(store->Close(), "close");
  std::printf("read_timeline: ok\n");
  return 0;
}
