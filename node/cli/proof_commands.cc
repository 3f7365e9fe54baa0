// `ddc prove` and `ddc verify-proof`: an event's proof bundle, made by a store and checked with
// nothing but the node's verifier key (verify.h), as an auditor would.
#include <cstdio>
#include <string>
#include <vector>

#include "ddc/store.h"
#include "ddc/verify.h"
#include "node/cli/cli.h"

namespace ddc::cli {

int Prove(Args& args) {
  const std::string dir = args.Option("--dir");
  const std::string out = args.Option("-o");
  std::vector<std::string> rest = args.Positionals();
  if (dir.empty() || rest.size() != 1 || args.HasUnknown()) {
    return Usage("prove --dir DIR CID [-o FILE]");
  }
  auto cid = Cid::Parse(rest[0]);
  if (!cid.ok()) return Fail(cid.status());
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  // Tell "no such event" from "not sealed yet": only the second is fixed by a checkpoint.
  auto event = (*store)->GetEvent(*cid);
  if (!event.ok()) return Fail(event.status());
  auto proof = (*store)->ProveEvent(*cid);
  if (!proof.ok()) {
    if (!proof.status().IsNotFound()) return Fail(proof.status());
    return Fail(Status::NotFound("no checkpoint covers event " + rest[0] +
                                 " yet: make one with `ddc checkpoint --dir " + dir +
                                 "` and prove again"));
  }
  auto bytes = EncodeEventProof(*proof);
  if (!bytes.ok()) return Fail(bytes.status());
  Status written = WriteOutput(out, *bytes, /*binary=*/true);
  return written.ok() ? 0 : Fail(written);
}

int VerifyProof(Args& args) {
  std::string key = args.Option("--key");
  const std::string key_file = args.Option("--key-file");
  std::vector<std::string> rest = args.Positionals();
  if (key.empty() == key_file.empty() || rest.size() > 1 || args.HasUnknown()) {
    return Usage("verify-proof (--key VERIFIERKEY | --key-file FILE) [FILE|-]");
  }
  if (!key_file.empty()) {
    auto text = ReadInput(key_file);
    if (!text.ok()) return Fail(text.status());
    key = std::move(*text);
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  }
  auto bytes = ReadInput(rest.empty() ? "-" : rest[0]);
  if (!bytes.ok()) return Fail(bytes.status());
  auto proof =
      DecodeEventProof(std::span(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()));
  if (!proof.ok()) return Fail(proof.status().WithContext("proof rejected"));
  auto verified = VerifyEventProof(*proof, key);
  if (!verified.ok()) return Fail(verified.status().WithContext("proof rejected"));
  const VerifiedEvent& v = *verified;
  std::printf(
      "ok: event %s\n"
      "user %s\n"
      "bucket %llu\n"
      "id %s\n"
      "position %llu\n"
      "timeline root %s\n"
      "journal index %llu\n"
      "checkpoint size %llu origin %s time %s (%llu ms)\n",
      v.cid.ToString().c_str(), Hex(v.event.user).c_str(),
      static_cast<unsigned long long>(v.event.bucket), JsonString(v.event.id).c_str(),
      static_cast<unsigned long long>(v.position), Hex(v.timeline_root).c_str(),
      static_cast<unsigned long long>(v.journal_index),
      static_cast<unsigned long long>(v.checkpoint_size), v.checkpoint_origin.c_str(),
      IsoTime(v.checkpoint_time_ms).c_str(), static_cast<unsigned long long>(v.checkpoint_time_ms));
  return 0;
}

}  // namespace ddc::cli
