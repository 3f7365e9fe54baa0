// libFuzzer target for the two decoders of CIDs from outside: Cid::Parse (string form) and
// Cid::FromBytes (binary form). Beyond "no crash, no sanitizer report", it checks the promise
// that makes CIDs usable as keys: an accepted input is the one canonical encoding of its CID,
// so it re-encodes to exactly the input, and the two forms agree. Any violation aborts.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "ddc/cid.h"

namespace {

[[noreturn]] void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "fuzz_cid_parse: %s for input of %zu bytes\n", what, input.size());
  std::abort();
}

void CheckCid(const ddc::Cid& cid, std::string_view input) {
  const std::array<uint8_t, ddc::Cid::kBinaryBytes> binary = cid.ToBytes();
  const ddc::Result<ddc::Cid> again = ddc::Cid::FromBytes(binary);
  if (!again.ok()) Fail("FromBytes(ToBytes()) failed", input);
  if (!(*again == cid)) Fail("FromBytes(ToBytes()) differs", input);
  const ddc::Result<ddc::Cid> reparsed = ddc::Cid::Parse(cid.ToString());
  if (!reparsed.ok() || !(*reparsed == cid)) Fail("Parse(ToString()) differs", input);
}

void CheckError(const ddc::Status& status, std::string_view input) {
  // Every rejection is an InvalidArgument whose message says it is about a CID.
  if (!status.IsInvalidArgument()) Fail("error is not InvalidArgument", input);
  if (status.message().rfind("cid: ", 0) != 0) Fail("error lacks the 'cid: ' prefix", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const ddc::Result<ddc::Cid> parsed = ddc::Cid::Parse(text);
  if (parsed.ok()) {
    if (parsed->ToString() != text) Fail("Parse accepted a non-canonical string", text);
    CheckCid(*parsed, text);
  } else {
    CheckError(parsed.status(), text);
  }

  const ddc::Result<ddc::Cid> decoded = ddc::Cid::FromBytes(std::span<const uint8_t>(data, size));
  if (decoded.ok()) {
    const std::array<uint8_t, ddc::Cid::kBinaryBytes> binary = decoded->ToBytes();
    if (size != binary.size() || std::memcmp(binary.data(), data, size) != 0) {
      Fail("FromBytes accepted a non-canonical binary", text);
    }
    CheckCid(*decoded, text);
  } else {
    CheckError(decoded.status(), text);
  }
  return 0;
}
