// Content identifiers: CIDv1 with a BLAKE2b-256 multihash.
//
// Binary form:  0x01 (CID version 1) | varint(codec) | varint(0xb220) | 0x20 | 32-byte digest.
// String form:  "b" (multibase base32, RFC 4648 lower-case alphabet, no padding) + base32 of the
//               binary form, e.g. "bafk2bzace..." for raw blobs, "bafy2bzace..." for DAG-CBOR.
// These are exactly the CIDs that the IPFS tools (npm `multiformats` + `@multiformats/blake2`)
// produce for the same bytes. docs/FORMAT.md section "CID" is the specification.
//
// A Cid is a small value type (33 bytes of state); it is immutable after construction and safe
// to share between threads.
#ifndef DDC_CID_H_
#define DDC_CID_H_

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/status.h"

namespace ddc {

// The content codecs ddc stores. Parse rejects any other codec.
enum class Codec : uint8_t {
  kRaw = 0x55,      // Opaque bytes (blobs).
  kDagCbor = 0x71,  // DAG-CBOR objects (events, timeline objects).
};

class Cid {
 public:
  static constexpr size_t kDigestBytes = 32;
  static constexpr uint64_t kMultihashBlake2b256 = 0xb220;
  // Binary size for both supported codecs (each codec varint is one byte).
  static constexpr size_t kBinaryBytes = 38;
  // Longest string Parse accepts before decoding; anything longer is rejected up front.
  static constexpr size_t kMaxStringBytes = 128;

  using Digest = std::array<uint8_t, kDigestBytes>;

  // A CID with an all-zero digest and codec raw; it names no real content.
  Cid() = default;
  Cid(Codec codec, const Digest& digest) : codec_(codec), digest_(digest) {}

  // The CID of `bytes` under `codec`: BLAKE2b-256 of the bytes.
  static Cid Of(Codec codec, std::span<const uint8_t> bytes);
  static Cid Of(Codec codec, std::string_view bytes);

  // Parses the string form. Every failure names what is wrong and where, e.g.
  // "cid: unsupported multibase prefix 'z' (base58btc; ddc CIDs use base32 'b')".
  static Result<Cid> Parse(std::string_view text);
  // Parses the binary form; the whole span must be one CID.
  static Result<Cid> FromBytes(std::span<const uint8_t> bytes);

  std::string ToString() const;
  std::array<uint8_t, kBinaryBytes> ToBytes() const;

  Codec codec() const { return codec_; }
  const Digest& digest() const { return digest_; }

  bool operator==(const Cid& other) const = default;
  bool operator<(const Cid& other) const {
    return codec_ != other.codec_ ? codec_ < other.codec_ : digest_ < other.digest_;
  }

 private:
  Codec codec_ = Codec::kRaw;
  Digest digest_{};
};

}  // namespace ddc

template <>
struct std::hash<ddc::Cid> {
  size_t operator()(const ddc::Cid& cid) const noexcept {
    // The digest is uniformly random: its first 8 bytes are already a good hash.
    size_t h = 0;
    for (int i = 0; i < 8; ++i) h = (h << 8) | cid.digest()[static_cast<size_t>(i)];
    return h ^ static_cast<size_t>(cid.codec());
  }
};

#endif  // DDC_CID_H_
