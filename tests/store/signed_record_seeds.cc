// Writes a few valid grants, tombstones and name records into a directory (seed1, seed2, ...): the
// starting corpus of fuzz/fuzz_signed_records.cc, made by scripts/check.
#include <array>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "ddc/erasure.h"
#include "ddc/grants.h"
#include "ddc/names.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: ddc-signed-record-seeds DIR\n");
    return 2;
  }
  std::array<uint8_t, 32> seed{};
  seed[0] = 7;
  const ddc::KeyPair user = ddc::KeyPair::FromSeed(seed);
  std::vector<std::string> seeds;
  ddc::MasterKey master{};
  for (bool app_wide : {false, true}) {
    auto g = ddc::MakeGrant(master, 7, app_wide ? std::nullopt : std::optional(user.public_key),
                            "profile", 1, ddc::BoxKeyPair::FromSeed(seed).public_key, user, 1000);
    if (!g.ok()) return 1;
    auto bytes = ddc::EncodeGrant(*g);
    if (!bytes.ok()) return 1;
    seeds.push_back(*bytes);
  }
  for (bool one_event : {false, true}) {
    ddc::Tombstone t;
    t.bucket = 7;
    t.user = user.public_key;
    if (one_event) t.event = ddc::Cid::Of(ddc::Codec::kDagCbor, std::string_view("event"));
    t.timestamp_ms = 2000;
    t.reason = one_event ? "" : "user request";
    if (!ddc::SignTombstone(&t, user).ok()) return 1;
    auto bytes = ddc::EncodeTombstone(t);
    if (!bytes.ok()) return 1;
    seeds.push_back(*bytes);
  }
  // Names: a short one pointing at an event, a long one with every separator at a blob.
  const std::string long_name = "releases/2025-11/app_v2.latest/" + std::string(200, 'x');
  for (const std::string& name : {std::string("www"), long_name}) {
    const bool event = name == "www";
    const ddc::Cid target = ddc::Cid::Of(event ? ddc::Codec::kDagCbor : ddc::Codec::kRaw,
                                         std::string_view(event ? "event" : "blob"));
    auto r = ddc::MakeName(7, name, target, event ? 1 : UINT64_MAX,
                           event ? ddc::kMinNameTtlSeconds : ddc::kMaxNameTtlSeconds, 3000, user);
    if (!r.ok()) return 1;
    auto bytes = ddc::EncodeName(*r);
    if (!bytes.ok()) return 1;
    seeds.push_back(*bytes);
  }
  for (size_t i = 0; i < seeds.size(); ++i) {
    std::ofstream out(std::string(argv[1]) + "/seed" + std::to_string(i + 1), std::ios::binary);
    out << seeds[i];
    if (!out) return 1;
  }
  return 0;
}
