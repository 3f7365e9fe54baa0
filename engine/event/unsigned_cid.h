// The unsigned form of an event cut from its encoding, without re-encoding: the append path's
// cheap way to a batch tree's leaf and to the bytes a single signature covers.
#ifndef DDC_ENGINE_EVENT_UNSIGNED_CID_H_
#define DDC_ENGINE_EVENT_UNSIGNED_CID_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "ddc/cid.h"
#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc::event_internal {

// Where the `sig` and `batch` pairs sit in an event's encoding, as DecodeEventWithLayout found
// them while decoding: with it the unsigned form is cut without walking the encoding again.
struct EventLayout {
  uint8_t pairs = 0;  // Pairs of the top-level map (at most 10, so its head is one byte).
  uint8_t cuts = 0;   // Pairs to leave out: `sig`, and `batch` when present.
  std::array<std::array<uint32_t, 2>, 2> cut{};  // [begin, end) of each, in encoding order.
};

// DecodeEvent, also filling `layout`.
Result<Event> DecodeEventWithLayout(std::span<const uint8_t> bytes, EventLayout* layout);

// DecodeEventWithLayout for the append path, which stores the encoding as it is and needs only
// the envelope (user, bucket, id, timestamp, prev, batch proof, signature): every scope is
// checked exactly as DecodeEvent checks it, but none is copied, so `scopes` is left empty.
// It accepts and rejects exactly the inputs DecodeEvent does, with the same status.
Result<Event> DecodeEventEnvelope(std::span<const uint8_t> bytes, EventLayout* layout);

// UnsignedEventCid of the event `encoded` holds. Because the encoding is canonical, the
// unsigned encoding is the same bytes with the `sig` and `batch` pairs left out and the map's
// pair count lowered; this hashes exactly those bytes. REQUIRES: DecodeEvent(encoded) succeeded
// (anything else may give a meaningless CID or an InvalidArgument).
Result<Cid> UnsignedCidOfEncoding(std::span<const uint8_t> encoded);
// The same from the layout DecodeEventWithLayout(encoded) gave, without parsing.
Cid UnsignedCidOfEncoding(std::span<const uint8_t> encoded, const EventLayout& layout);
// Appends to `out` the unsigned encoding whose CID UnsignedCidOfEncoding(encoded, layout) is
// (its BLAKE2b-256 digest, as a dag-cbor CID): for hashing many at once with Blake2b256Many.
void AppendUnsignedEncoding(std::span<const uint8_t> encoded, const EventLayout& layout,
                            std::string* out);

// VerifyEventSignature for a single-signed event (no batch field), over signing bytes cut from
// `encoded` instead of re-encoded from `event`. REQUIRES: event == DecodeEvent(encoded); the
// layout form also takes the envelope DecodeEventEnvelope(encoded, &layout) gave, but only
// without a batch field (a batch path is checked against the event's re-encoding).
Status VerifySingleSignatureOfEncoding(std::span<const uint8_t> encoded, const Event& event);
Status VerifySingleSignatureOfEncoding(std::span<const uint8_t> encoded, const Event& event,
                                       const EventLayout& layout);

}  // namespace ddc::event_internal

#endif  // DDC_ENGINE_EVENT_UNSIGNED_CID_H_
