// libFuzzer target for the event proof bundle decoder (DecodeEventProof) and the verifier that
// consumes it (VerifyEventProof): arbitrary bytes must never crash either. An accepted bundle is
// the canonical encoding of its value, so it re-encodes to exactly the input; a rejection is an
// InvalidArgument saying it is about an event proof. Verification runs against a fixed node key,
// so random input exercises every check up to the first that fails. Any violation aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "ddc/verify.h"
#include "engine/timeline/note.h"

namespace {

[[noreturn]] void Fail(const char* what, size_t size) {
  std::fprintf(stderr, "fuzz_event_proof: %s for input of %zu bytes\n", what, size);
  std::abort();
}

// A well-formed verifier key of a key nobody holds: random bundles never carry its signature.
const std::string& NodeKey() {
  static const std::string key = [] {
    ddc::timeline::Ed25519PublicKey pk;
    pk.fill(0x01);
    auto k = ddc::timeline::MakeVerifierKey("fuzz.example/log", pk);
    if (!k.ok()) Fail("cannot make the verifier key", 0);
    return ddc::timeline::FormatVerifierKey(*k);
  }();
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  const ddc::Result<ddc::EventProof> proof = ddc::DecodeEventProof(input);
  if (!proof.ok()) {
    if (!proof.status().IsInvalidArgument()) Fail("error is not InvalidArgument", size);
    if (proof.status().message().rfind("event proof", 0) != 0) {
      Fail("error lacks the 'event proof' prefix", size);
    }
    return 0;
  }
  const ddc::Result<std::string> again = ddc::EncodeEventProof(*proof);
  if (!again.ok()) Fail("an accepted bundle does not re-encode", size);
  if (again->size() != size || std::string(reinterpret_cast<const char*>(data), size) != *again) {
    Fail("an accepted bundle re-encodes to different bytes", size);
  }
  const auto verified = ddc::VerifyEventProof(*proof, NodeKey());
  if (verified.ok()) Fail("a bundle verified against a key nobody holds", size);
  return 0;
}
