// Pieces of the event codec shared by its .cc files (event.cc encodes and decodes,
// signature.cc signs and verifies, batch_tree.cc builds batch trees). Not part of the API.
#ifndef DDC_ENGINE_EVENT_EVENT_INTERNAL_H_
#define DDC_ENGINE_EVENT_EVENT_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ddc/event.h"
#include "ddc/status.h"
#include "engine/base/hex.h"

namespace ddc::event_internal {

// The domain strings that open the two signed messages (docs/FORMAT.md, "Event signatures").
inline constexpr std::string_view kEventDomain = "ddc-event-v1\n";
inline constexpr std::string_view kBatchDomain = "ddc-batch-v1\n";
// log2(kMaxBatchEvents): the longest inclusion path of a batch.
inline constexpr size_t kMaxBatchPathHashes = 16;
static_assert(size_t{1} << kMaxBatchPathHashes == kMaxBatchEvents);

// Checks every field and limit of `event` that the encoding does not check by construction;
// InvalidArgument "event: ..." naming the field. Does not look at the signature.
Status ValidateEvent(const Event& event);

// The rules DecodeEvent also checks on its own: a scope name (1..kMaxScopeNameBytes of
// [a-z0-9_.-]; `index` is its position, for the message) and the shape of a batch proof.
Status ValidateScopeName(std::string_view name, size_t index);
Status ValidateBatchShape(uint64_t size, uint64_t index, size_t path_hashes);

// The canonical encoding of `event` without `sig` and `batch`, after ValidateEvent, appended
// to `prefix` (so that signing bytes need no second copy).
Result<std::string> EncodeUnsignedEvent(const Event& event, std::string_view prefix);

// The failure of a signature check: `what` ("signature", "batch signature") does not verify
// for `user`. One wording for every path that checks signatures.
Status BadSignature(const PublicKey& user, std::string_view what);

// Lower-case hex, for messages.
using ddc::Hex;  // engine/base/hex.h

}  // namespace ddc::event_internal

#endif  // DDC_ENGINE_EVENT_EVENT_INTERNAL_H_
