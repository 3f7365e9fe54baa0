// `ddc demo`: stores a few sample blobs in a data directory, reads them back by CID, appends
// signed events of two users to their timelines, seals them with a checkpoint, proves one event
// and checks the proof with public keys only, verifies the store and prints each step, so that
// a new user sees the engine work end to end. Keys, ids and times are fixed, so running it again
// finds everything already stored.
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "ddc/event.h"
#include "ddc/verify.h"
#include "node/cli/cli.h"

namespace ddc::cli {
namespace {

// A demo user: the key whose seed is `fill` repeated (fixed, so reruns are idempotent).
KeyPair DemoKey(uint8_t fill) {
  std::array<uint8_t, 32> seed;
  seed.fill(fill);
  return KeyPair::FromSeed(seed);
}

std::string Short(const PublicKey& key) { return Hex(std::span(key).first(6)) + "..."; }

// Appends the demo events, makes a checkpoint and checks a proof of the first event.
int DemoEvents(Store* store) {
  struct Sample {
    uint8_t user;
    const char* id;
    const char* type;
    const char* json;
  };
  static constexpr Sample kSamples[] = {
      {1, "a-1", "page_view", R"({"url":"/shoes"})"},
      {1, "a-2", "add_to_cart", R"({"sku":"SH-42"})"},
      {2, "b-1", "page_view", R"({"url":"/hats"})"},
      {1, "a-3", "purchase", R"({"order":"A-1001","amount":"59.90"})"},
  };
  constexpr uint64_t kBucket = 7;
  std::printf("events (bucket %llu):\n", static_cast<unsigned long long>(kBucket));
  Cid first;
  uint64_t time_ms = 1763800000000;
  for (const Sample& sample : kSamples) {
    const KeyPair key = DemoKey(sample.user);
    Event e;
    e.bucket = kBucket;
    e.user = key.public_key;
    e.id = sample.id;
    e.timestamp_ms = time_ms;
    time_ms += 1000;
    e.type = sample.type;
    Scope scope;
    scope.name = "interaction";
    scope.sealed = false;
    scope.data = sample.json;
    e.scopes.push_back(scope);
    if (Status s = SignEvent(&e, key); !s.ok()) return Fail(s);
    auto bytes = EncodeEvent(e);
    if (!bytes.ok()) return Fail(bytes.status());
    auto placed = store->Append(*bytes);
    if (!placed.ok()) return Fail(placed.status());
    std::printf("  user %s %-11s -> %s position %llu%s\n", Short(key.public_key).c_str(),
                sample.type, placed->cid.ToString().c_str(),
                static_cast<unsigned long long>(placed->position),
                placed->existed ? " (already stored)" : "");
    if (first == Cid()) first = placed->cid;
  }
  auto checkpoint = store->Checkpoint();
  if (!checkpoint.ok()) return Fail(checkpoint.status());
  std::printf("checkpoint: journal of %llu events sealed, signed by %s\n",
              static_cast<unsigned long long>(checkpoint->size), store->NodeVerifierKey().c_str());
  auto proof = store->ProveEvent(first);
  if (!proof.ok()) return Fail(proof.status());
  auto verified = VerifyEventProof(*proof, store->NodeVerifierKey());
  if (!verified.ok()) return Fail(verified.status());
  auto encoded = EncodeEventProof(*proof);
  std::printf(
      "proof of %s: %zu bytes; checked with the node's public key alone: signed by its user, "
      "position %llu of its timeline, sealed in the checkpoint of %llu events\n",
      first.ToString().c_str(), encoded.ok() ? encoded->size() : 0,
      static_cast<unsigned long long>(verified->position),
      static_cast<unsigned long long>(verified->checkpoint_size));
  return 0;
}

}  // namespace

int Demo(Args& args) {
  std::string dir = args.Option("--dir");
  if (!args.Positionals().empty() || args.HasUnknown()) return Usage("demo [--dir DIR]");
  if (dir.empty()) dir = DefaultDataDir() + "/demo";
  std::printf("ddc demo: store in %s\n", dir.c_str());

  const std::vector<std::string> samples = {
      R"({"app":"shop","user":"alice","type":"page_view","url":"/shoes","ts":1763800000})",
      R"({"app":"shop","user":"alice","type":"add_to_cart","sku":"SH-42","ts":1763800042})",
      R"({"app":"shop","user":"bob","type":"purchase","order":"A-1001","amount":"59.90"})",
      std::string(64 << 10, 'x'),  // A compressible 64 KiB blob.
  };
  std::vector<Cid> cids;
  {
    auto store = OpenStore(dir, /*create=*/true);
    if (!store.ok()) return Fail(store.status());
    for (const std::string& s : samples) {
      auto cid = (*store)->PutBlob(std::string_view(s));
      if (!cid.ok()) return Fail(cid.status());
      std::printf("  put %6zu bytes -> %s\n", s.size(), cid->ToString().c_str());
      cids.push_back(*cid);
    }
    auto again = (*store)->PutBlob(std::string_view(samples[0]));
    if (!again.ok()) return Fail(again.status());
    std::printf("  put the first blob again -> same CID, stored once: %s\n",
                *again == cids[0] ? "yes" : "NO");
    Status closed = (*store)->Close();
    if (!closed.ok()) return Fail(closed);
  }
  {
    auto store = OpenStore(dir, /*create=*/false);
    if (!store.ok()) return Fail(store.status());
    std::printf("reopened (%s)\n", (*store)->Stats().opened_from_snapshot
                                       ? "index loaded from its snapshot"
                                       : "index rebuilt from the log");
    auto values = (*store)->MultiGet(cids);
    for (size_t i = 0; i < cids.size(); ++i) {
      if (!values[i].ok()) return Fail(values[i].status());
      const bool same = *values[i] == samples[i];
      std::printf("  get %s -> %zu bytes, %s\n", cids[i].ToString().c_str(), values[i]->size(),
                  same ? "identical" : "DIFFERENT");
      if (!same) return Fail(Status::Corruption("read back different bytes"));
    }
    if (int rc = DemoEvents(store->get()); rc != 0) return rc;
    StoreStats s = (*store)->Stats();
    std::printf("store: %llu records, %llu bytes of log, %.1f index bytes per record, I/O: %s\n",
                static_cast<unsigned long long>(s.records),
                static_cast<unsigned long long>(s.log_bytes), s.index_bytes_per_record,
                s.io_backend.c_str());
    Status closed = (*store)->Close();
    if (!closed.ok()) return Fail(closed);
  }
  Options options;
  options.dir = dir;
  auto report = Store::Verify(options);
  if (!report.ok()) return Fail(report.status());
  std::printf(
      "verify: %llu records checked, every CID matches its bytes; %llu events: signatures, "
      "timelines and %llu checkpoint(s) check out\n",
      static_cast<unsigned long long>(report->records),
      static_cast<unsigned long long>(report->events),
      static_cast<unsigned long long>(report->checkpoints));
  std::printf("try: %s blob get --dir %s %s\n", args.program().c_str(), dir.c_str(),
              cids[0].ToString().c_str());
  std::printf("     %s users --dir %s --bucket 7\n", args.program().c_str(), dir.c_str());
  return 0;
}

}  // namespace ddc::cli
