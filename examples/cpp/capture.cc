// capture: record a user's events with scoped encryption.
//
// An app describes its event data once, as a scope policy: which JSON fields go to which scope.
// Each scope is sealed with its own key, derived from the user's master key, except the public
// ones. Every event is signed by the user and linked to the user's previous event, so the
// store's per-user timeline is tamper-evident.
//
//   capture DATA_DIR     (uses DATA_DIR/capture.store, emptied first)
#include <cstdio>
#include <optional>
#include <string>

#include "ddc/crypto.h"
#include "ddc/event.h"
#include "ddc/scopes.h"
#include "ddc/store.h"
#include "example.h"

using example::Expect;
using example::Ok;

int main(int argc, char** argv) {
  constexpr uint64_t kBucket = 42;  // The app's bucket.

  // The user's signing key (her identity) and her master key, from which every scope key is
  // derived. A real app keeps both in a keystore (keystore.h); here they live in memory.
  const ddc::KeyPair alice = ddc::KeyPair::Generate();
  ddc::KeyRing keys;
  keys.AddMasterKey(kBucket, alice.public_key, ddc::GenerateMasterKey(), /*newest_version=*/1);

  // The policy: "$.user" is personal data, "$.location" is sensitive, everything else goes to
  // the default scope "core"; "meta" is stored in the clear for analytics.
  const ddc::ScopePolicy policy = Ok(ddc::ScopePolicy::FromJson(R"({
      "default": "core",
      "scopes": {"profile": ["$.user"], "geo": ["$.location"], "meta": ["$.meta"]},
      "public": ["meta"]})"),
                                     "policy");
  const ddc::EventBuilder builder = Ok(ddc::EventBuilder::Create(policy), "builder");

  ddc::Options options;
  options.dir = example::FreshStoreDir(argc, argv, "capture");
  auto store = Ok(ddc::Store::Open(options), "open");

  // Capture three page views. Each is split by the policy, sealed, signed, and appended; the
  // store checks the signature and that `prev` is the timeline's last event.
  std::optional<ddc::Cid> prev;
  const char* pages[] = {"/home", "/shoes", "/checkout"};
  for (uint64_t n = 0; n < 3; ++n) {
    const std::string json = std::string(R"({"page": ")") + pages[n] +
                             R"(", "user": {"email": "alice@example.com"},)"
                             R"( "location": {"city": "Berlin"}, "meta": {"app": "shop"}})";
    const std::string id = "view-" + std::to_string(n);
    ddc::EventInput input;
    input.bucket = kBucket;
    input.id = id;
    input.type = "page_view";
    input.timestamp_ms = 1763800000000 + n;
    input.prev = prev;
    input.json = json;
    const ddc::Event event = Ok(builder.Build(input, keys, alice), "build");
    const std::string bytes = Ok(ddc::EncodeEvent(event), "encode");
    const ddc::AppendResult placed = Ok(store->Append(bytes), "append");
    std::printf("appended %s at position %llu\n", placed.cid.ToString().c_str(),
                static_cast<unsigned long long>(placed.position));
    Expect(placed.position == n && !placed.existed, "positions 0, 1, 2");
    prev = placed.cid;
  }

  // What the store holds: the timeline's state, and events whose scopes are sealed except the
  // public one.
  const ddc::TimelineInfo timeline = Ok(store->Timeline(kBucket, alice.public_key), "timeline");
  Expect(timeline.size == 3 && timeline.head == *prev, "a timeline of 3 ending at the last event");
  const ddc::Event stored = Ok(store->GetEvent(*prev), "get event");
  for (const ddc::Scope& scope : stored.scopes) {
    std::printf("scope %-8s %s, %zu bytes\n", scope.name.c_str(),
                scope.sealed ? "sealed" : "public", scope.data.size());
    Expect(scope.sealed == (scope.name != "meta"), "every scope but meta sealed");
    Expect(scope.data.find("alice@example.com") == std::string::npos, "no plaintext email");
  }
  Expect(stored.scopes.size() == 4, "scopes core, geo, meta, profile");
  Ok(store->Close(), "close");
  std::printf("capture: ok\n");
  return 0;
}
