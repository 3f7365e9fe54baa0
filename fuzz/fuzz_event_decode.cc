// libFuzzer target for DecodeEvent, the decoder of events from outside (Store::Append, the HTTP
// API). Beyond "no crash, no sanitizer report" it checks the promise that makes an event's CID
// its identity: an accepted input is the one canonical encoding of its event, so EncodeEvent
// gives back exactly the input; every rejection is InvalidArgument starting "event: ". It also
// runs VerifyEventSignature on accepted events (which must not crash; a random input almost
// never verifies, and one that does must stay decodable through DecodeAndVerifyEvent). The
// append path's shortcuts must agree with the plain functions: DecodeEventWithLayout decodes
// the same event, DecodeEventEnvelope gives the same verdict and message and, on success, the
// same event without its scopes, and the unsigned CID and signature check cut with the layout
// equal those computed by walking the encoding and from the event.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>

#include "ddc/event.h"
#include "engine/event/unsigned_cid.h"

namespace {

[[noreturn]] void Fail(const char* what, size_t size) {
  std::fprintf(stderr, "fuzz_event_decode: %s for input of %zu bytes\n", what, size);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  const ddc::Result<ddc::Event> event = ddc::DecodeEvent(input);
  ddc::event_internal::EventLayout envelope_layout;
  const ddc::Result<ddc::Event> envelope =
      ddc::event_internal::DecodeEventEnvelope(input, &envelope_layout);
  if (envelope.status().ToString() != event.status().ToString()) {
    Fail("DecodeEventEnvelope and DecodeEvent disagree", size);
  }
  if (!event.ok()) {
    if (!event.status().IsInvalidArgument()) Fail("error is not InvalidArgument", size);
    if (event.status().message().rfind("event: ", 0) != 0) Fail("error lacks 'event: '", size);
    return 0;
  }
  const ddc::Result<std::string> encoded = ddc::EncodeEvent(*event);
  if (!encoded.ok()) Fail("EncodeEvent rejects a decoded event", size);
  if (encoded->size() != size || std::memcmp(encoded->data(), data, size) != 0) {
    Fail("DecodeEvent accepted a non-canonical encoding", size);
  }
  const ddc::Status verified = ddc::VerifyEventSignature(*event);
  if (verified.ok() != ddc::DecodeAndVerifyEvent(input).ok()) {
    Fail("VerifyEventSignature and DecodeAndVerifyEvent disagree", size);
  }
  if (!verified.ok() && !verified.IsInvalidArgument()) Fail("verify error kind", size);
  if (event->batch) {
    (void)ddc::VerifyBatchPath(*event);
  }
  const ddc::Result<ddc::Cid> unsigned_cid = ddc::UnsignedEventCid(*event);
  ddc::event_internal::EventLayout layout;
  const ddc::Result<ddc::Event> again = ddc::event_internal::DecodeEventWithLayout(input, &layout);
  if (!again.ok() || !(*again == *event)) Fail("DecodeEventWithLayout disagrees", size);
  ddc::Event stripped = *event;
  stripped.scopes.clear();
  if (!(*envelope == stripped) || envelope_layout.pairs != layout.pairs ||
      envelope_layout.cuts != layout.cuts || envelope_layout.cut != layout.cut) {
    Fail("DecodeEventEnvelope's envelope or layout disagrees", size);
  }
  const ddc::Result<ddc::Cid> walked = ddc::event_internal::UnsignedCidOfEncoding(input);
  const ddc::Cid cut = ddc::event_internal::UnsignedCidOfEncoding(input, layout);
  if (!unsigned_cid.ok() || !walked.ok() || !(*walked == *unsigned_cid) ||
      !(cut == *unsigned_cid)) {
    Fail("unsigned CIDs disagree", size);
  }
  if (!event->batch &&
      ddc::event_internal::VerifySingleSignatureOfEncoding(input, *event, layout).ok() !=
          verified.ok()) {
    Fail("the layout's signature check disagrees", size);
  }
  if (!event->batch &&
      ddc::event_internal::VerifySingleSignatureOfEncoding(input, *envelope, layout).ToString() !=
          verified.ToString()) {
    Fail("the envelope's signature check disagrees", size);
  }
  return 0;
}
