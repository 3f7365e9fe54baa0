// libFuzzer target for the decoders of checkpoints from outside: ParseCheckpointBody,
// VerifyCheckpointNote / VerifyNote against a fixed trusted key, and ParseVerifierKey. Beyond
// "no crash, no sanitizer report" it checks the promises the format makes: an accepted body
// re-formats to exactly the input; an accepted verifier key re-formats to the input; a note
// that verifies has a text that parses as its checkpoint; and a body that parses, once signed
// by the fixed key, verifies back to the same checkpoint (and fails under another key). Any
// violation aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/timeline/checkpoint.h"
#include "engine/timeline/note.h"

namespace {

using ddc::timeline::Checkpoint;
using ddc::timeline::NoteSigner;

[[noreturn]] void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "fuzz_checkpoint: %s for input of %zu bytes\n", what, input.size());
  std::abort();
}

const NoteSigner& Signer(std::string_view name, uint8_t first_seed_byte) {
  std::vector<uint8_t> seed(32);
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(first_seed_byte + i);
  ddc::Result<NoteSigner> signer = NoteSigner::FromSeed(name, seed);
  if (!signer.ok()) std::abort();
  return *new NoteSigner(std::move(signer).value());  // Lives for the whole run.
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const NoteSigner& trusted = Signer("ddc.example/journal", 0);
  static const NoteSigner& other = Signer("witness.example/w1", 100);
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // As a note: whatever verifies must carry a checkpoint body that parses to the same value.
  ddc::Result<Checkpoint> from_note =
      ddc::timeline::VerifyCheckpointNote(input, trusted.verifier_key());
  ddc::Result<std::string> text = ddc::timeline::VerifyNote(input, trusted.verifier_key());
  if (from_note.ok()) {
    if (!text.ok()) Fail("checkpoint note verified but the plain note did not", input);
    ddc::Result<Checkpoint> body = ddc::timeline::ParseCheckpointBody(*text);
    if (!body.ok() || !(*body == *from_note)) Fail("note text parses differently", input);
  }

  // As a body: canonical, and sign-then-verify round trips.
  ddc::Result<Checkpoint> parsed = ddc::timeline::ParseCheckpointBody(input);
  if (parsed.ok()) {
    if (ddc::timeline::FormatCheckpointBody(*parsed) != input)
      Fail("body re-formats differently", input);
    if (!ddc::timeline::ValidateCheckpoint(*parsed).ok())
      Fail("parsed body does not validate", input);
    const std::string note = trusted.SignCheckpoint(*parsed);
    ddc::Result<Checkpoint> back =
        ddc::timeline::VerifyCheckpointNote(note, trusted.verifier_key());
    if (!back.ok() || !(*back == *parsed)) Fail("signed body does not verify back", input);
    if (ddc::timeline::VerifyCheckpointNote(note, other.verifier_key()).ok()) {
      Fail("note verified under an unrelated key", input);
    }
  }

  // As a verifier key: canonical.
  ddc::Result<ddc::timeline::VerifierKey> key = ddc::timeline::ParseVerifierKey(input);
  if (key.ok() && ddc::timeline::FormatVerifierKey(*key) != input) {
    Fail("verifier key re-formats differently", input);
  }
  return 0;
}
