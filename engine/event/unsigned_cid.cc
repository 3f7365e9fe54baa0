#include "engine/event/unsigned_cid.h"

#include <sodium.h>

#include <array>
#include <string_view>

#include "engine/base/macros.h"
#include "engine/event/cbor.h"
#include "engine/timeline/note.h"

namespace ddc::event_internal {

Result<Cid> UnsignedCidOfEncoding(std::span<const uint8_t> encoded) {
  cbor::Reader reader(encoded);
  DDC_ASSIGN_OR_RETURN(cbor::Item map, reader.Next());
  // An event map has at most 10 pairs, so its head is one byte (0xa0 | count).
  if (map.kind != cbor::Kind::kMap || map.value >= 24 || reader.offset() != 1) {
    return Status::InvalidArgument("event: not an event map");
  }
  struct Range {
    size_t begin = 0;
    size_t end = 0;
  };
  std::array<Range, 2> dropped{};
  size_t n_dropped = 0;
  for (uint64_t i = 0; i < map.value; ++i) {
    const size_t begin = reader.offset();
    DDC_ASSIGN_OR_RETURN(cbor::Item key, reader.Next());
    DDC_RETURN_IF_ERROR(reader.Skip());
    if (key.text() == "sig" || key.text() == "batch") {
      if (n_dropped == dropped.size()) return Status::InvalidArgument("event: repeated key");
      dropped[n_dropped++] = Range{begin, reader.offset()};
    }
  }
  const uint8_t head = static_cast<uint8_t>(0xa0 | (map.value - n_dropped));
  timeline::EnsureSodiumInitialized();
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, Cid::kDigestBytes);
  crypto_generichash_update(&state, &head, 1);
  size_t at = 1;
  for (size_t d = 0; d < n_dropped; ++d) {
    crypto_generichash_update(&state, encoded.data() + at, dropped[d].begin - at);
    at = dropped[d].end;
  }
  crypto_generichash_update(&state, encoded.data() + at, reader.offset() - at);
  Cid::Digest digest;
  crypto_generichash_final(&state, digest.data(), digest.size());
  return Cid(Codec::kDagCbor, digest);
}

}  // namespace ddc::event_internal
