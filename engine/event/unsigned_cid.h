// The unsigned form of an event cut from its encoding, without re-encoding: the append path's
// cheap way to a batch tree's leaf and to the bytes a single signature covers.
#ifndef DDC_ENGINE_EVENT_UNSIGNED_CID_H_
#define DDC_ENGINE_EVENT_UNSIGNED_CID_H_

#include <cstdint>
#include <span>

#include "ddc/cid.h"
#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc::event_internal {

// UnsignedEventCid of the event `encoded` holds. Because the encoding is canonical, the
// unsigned encoding is the same bytes with the `sig` and `batch` pairs left out and the map's
// pair count lowered; this hashes exactly those bytes. REQUIRES: DecodeEvent(encoded) succeeded
// (anything else may give a meaningless CID or an InvalidArgument).
Result<Cid> UnsignedCidOfEncoding(std::span<const uint8_t> encoded);

// VerifyEventSignature for a single-signed event (no batch field), over signing bytes cut from
// `encoded` instead of re-encoded from `event`. REQUIRES: event == DecodeEvent(encoded).
Status VerifySingleSignatureOfEncoding(std::span<const uint8_t> encoded, const Event& event);

}  // namespace ddc::event_internal

#endif  // DDC_ENGINE_EVENT_UNSIGNED_CID_H_
