// The unsigned CID of an event computed from its encoding, without decoding or re-encoding:
// the append path's cheap way to a batch tree's leaf.
#ifndef DDC_ENGINE_EVENT_UNSIGNED_CID_H_
#define DDC_ENGINE_EVENT_UNSIGNED_CID_H_

#include <cstdint>
#include <span>

#include "ddc/cid.h"
#include "ddc/status.h"

namespace ddc::event_internal {

// UnsignedEventCid of the event `encoded` holds. Because the encoding is canonical, the
// unsigned encoding is the same bytes with the `sig` and `batch` pairs left out and the map's
// pair count lowered; this hashes exactly those bytes. REQUIRES: DecodeEvent(encoded) succeeded
// (anything else may give a meaningless CID or an InvalidArgument).
Result<Cid> UnsignedCidOfEncoding(std::span<const uint8_t> encoded);

}  // namespace ddc::event_internal

#endif  // DDC_ENGINE_EVENT_UNSIGNED_CID_H_
