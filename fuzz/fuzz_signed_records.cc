// libFuzzer target for DecodeGrant, DecodeTombstone and DecodeName, the decoders of the signed
// records that reach the store from outside (Store::PutGrant, Store::Erase, Store::PutName, the
// HTTP API). Beyond "no crash,
// no sanitizer report" it checks that an accepted input is the one canonical encoding of what
// it decoded to (re-encoding gives back the input, so a record's CID is its identity), that
// every rejection is InvalidArgument with the record's prefix, and that signature checks on
// accepted records do not crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>

#include "ddc/erasure.h"
#include "ddc/grants.h"
#include "ddc/names.h"

namespace {

[[noreturn]] void Fail(const char* what, size_t size) {
  std::fprintf(stderr, "fuzz_signed_records: %s for input of %zu bytes\n", what, size);
  std::abort();
}

template <typename Decoded, typename Encode>
void Check(const ddc::Result<Decoded>& decoded, Encode encode, std::span<const uint8_t> input,
           const char* prefix) {
  if (!decoded.ok()) {
    if (!decoded.status().IsInvalidArgument()) Fail("error is not InvalidArgument", input.size());
    if (decoded.status().message().rfind(prefix, 0) != 0)
      Fail("error lacks its prefix", input.size());
    return;
  }
  const auto again = encode(*decoded);
  if (!again.ok()) Fail("accepted record does not re-encode", input.size());
  if (again->size() != input.size() ||
      std::memcmp(again->data(), input.data(), input.size()) != 0) {
    Fail("accepted record is not its canonical encoding", input.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  const auto grant = ddc::DecodeGrant(input);
  Check(
      grant, [](const ddc::Grant& g) { return ddc::EncodeGrant(g); }, input, "grant: ");
  if (grant.ok()) (void)ddc::VerifyGrantSignature(*grant);
  const auto tombstone = ddc::DecodeTombstone(input);
  Check(
      tombstone, [](const ddc::Tombstone& t) { return ddc::EncodeTombstone(t); }, input,
      "tombstone: ");
  if (tombstone.ok()) {
    (void)ddc::VerifyTombstoneSignature(*tombstone);
  }
  const auto name = ddc::DecodeName(input);
  Check(
      name, [](const ddc::NameRecord& r) { return ddc::EncodeName(r); }, input, "name record: ");
  if (name.ok()) {
    (void)ddc::VerifyName(*name);
    if (!ddc::ValidateName(name->name).ok()) Fail("accepted record breaks the name rules", size);
  }
  return 0;
}
