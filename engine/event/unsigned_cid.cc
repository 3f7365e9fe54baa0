#include "engine/event/unsigned_cid.h"

#include <sodium.h>

#include <array>
#include <string_view>

#include "engine/base/macros.h"
#include "engine/event/cbor.h"
#include "engine/event/event_internal.h"
#include "engine/timeline/note.h"

namespace ddc::event_internal {

namespace {

// The byte ranges of an event's encoding that make up its unsigned encoding: a new one-byte
// map head, then `pieces`.
struct UnsignedPieces {
  uint8_t head = 0;
  std::array<std::span<const uint8_t>, 3> pieces{};
  size_t count = 0;
  size_t bytes() const {
    size_t n = 1;
    for (size_t i = 0; i < count; ++i) n += pieces[i].size();
    return n;
  }
};

Result<UnsignedPieces> CutUnsigned(std::span<const uint8_t> encoded) {
  cbor::Reader reader(encoded);
  DDC_ASSIGN_OR_RETURN(cbor::Item map, reader.Next());
  // An event map has at most 10 pairs, so its head is one byte (0xa0 | count).
  if (map.kind != cbor::Kind::kMap || map.value >= 24 || reader.offset() != 1) {
    return Status::InvalidArgument("event: not an event map");
  }
  UnsignedPieces out;
  size_t at = 1;
  uint64_t dropped = 0;
  for (uint64_t i = 0; i < map.value; ++i) {
    const size_t begin = reader.offset();
    DDC_ASSIGN_OR_RETURN(cbor::Item key, reader.Next());
    DDC_RETURN_IF_ERROR(reader.Skip());
    if (key.text() == "sig" || key.text() == "batch") {
      if (dropped == 2) return Status::InvalidArgument("event: repeated key");
      out.pieces[out.count++] = encoded.subspan(at, begin - at);
      at = reader.offset();
      ++dropped;
    }
  }
  out.pieces[out.count++] = encoded.subspan(at, reader.offset() - at);
  out.head = static_cast<uint8_t>(0xa0 | (map.value - dropped));
  return out;
}

UnsignedPieces PiecesOf(std::span<const uint8_t> encoded, const EventLayout& layout) {
  UnsignedPieces out;
  size_t at = 1;
  for (size_t i = 0; i < layout.cuts; ++i) {
    out.pieces[out.count++] = encoded.subspan(at, layout.cut[i][0] - at);
    at = layout.cut[i][1];
  }
  out.pieces[out.count++] = encoded.subspan(at);
  out.head = static_cast<uint8_t>(0xa0 | (layout.pairs - layout.cuts));
  return out;
}

Cid HashUnsigned(const UnsignedPieces& u) {
  timeline::EnsureSodiumInitialized();
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, Cid::kDigestBytes);
  crypto_generichash_update(&state, &u.head, 1);
  for (size_t i = 0; i < u.count; ++i) {
    crypto_generichash_update(&state, u.pieces[i].data(), u.pieces[i].size());
  }
  Cid::Digest digest;
  crypto_generichash_final(&state, digest.data(), digest.size());
  return Cid(Codec::kDagCbor, digest);
}

Status VerifySingle(const UnsignedPieces& u, const Event& event) {
  // Thread-local so that the append path allocates nothing per event once warm.
  thread_local std::string message;
  message.assign(kEventDomain);
  message.push_back(static_cast<char>(u.head));
  for (size_t i = 0; i < u.count; ++i) {
    message.append(reinterpret_cast<const char*>(u.pieces[i].data()), u.pieces[i].size());
  }
  timeline::EnsureSodiumInitialized();
  const bool ok = crypto_sign_verify_detached(event.signature.data(),
                                              reinterpret_cast<const uint8_t*>(message.data()),
                                              message.size(), event.user.data()) == 0;
  // A rare big event should not pin megabytes to the thread for its lifetime.
  if (message.capacity() > (64u << 10)) std::string().swap(message);
  // Worded as VerifyEventSignature words it; not by calling it, because `event` may be an
  // envelope (DecodeEventEnvelope) whose re-encoding is not the signed message.
  return ok ? Status::OK() : BadSignature(event.user, "signature");
}

}  // namespace

Result<Cid> UnsignedCidOfEncoding(std::span<const uint8_t> encoded) {
  DDC_ASSIGN_OR_RETURN(UnsignedPieces u, CutUnsigned(encoded));
  return HashUnsigned(u);
}

Cid UnsignedCidOfEncoding(std::span<const uint8_t> encoded, const EventLayout& layout) {
  return HashUnsigned(PiecesOf(encoded, layout));
}

void AppendUnsignedEncoding(std::span<const uint8_t> encoded, const EventLayout& layout,
                            std::string* out) {
  const UnsignedPieces u = PiecesOf(encoded, layout);
  out->push_back(static_cast<char>(u.head));
  for (size_t i = 0; i < u.count; ++i) {
    out->append(reinterpret_cast<const char*>(u.pieces[i].data()), u.pieces[i].size());
  }
}

Status VerifySingleSignatureOfEncoding(std::span<const uint8_t> encoded, const Event& event) {
  if (event.batch) return VerifyEventSignature(event);
  DDC_ASSIGN_OR_RETURN(UnsignedPieces u, CutUnsigned(encoded));
  return VerifySingle(u, event);
}

Status VerifySingleSignatureOfEncoding(std::span<const uint8_t> encoded, const Event& event,
                                       const EventLayout& layout) {
  if (event.batch) return VerifyEventSignature(event);
  return VerifySingle(PiecesOf(encoded, layout), event);
}

}  // namespace ddc::event_internal
