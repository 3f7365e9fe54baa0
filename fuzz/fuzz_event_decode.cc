// libFuzzer target for DecodeEvent, the decoder of events from outside (Store::Append, the HTTP
// API). Beyond "no crash, no sanitizer report" it checks the promise that makes an event's CID
// its identity: an accepted input is the one canonical encoding of its event, so EncodeEvent
// gives back exactly the input; every rejection is InvalidArgument starting "event: ". It also
// runs VerifyEventSignature on accepted events (which must not crash; a random input almost
// never verifies, and one that does must stay decodable through DecodeAndVerifyEvent).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>

#include "ddc/event.h"

namespace {

[[noreturn]] void Fail(const char* what, size_t size) {
  std::fprintf(stderr, "fuzz_event_decode: %s for input of %zu bytes\n", what, size);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  const ddc::Result<ddc::Event> event = ddc::DecodeEvent(input);
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
  (void)ddc::UnsignedEventCid(*event);
  return 0;
}
