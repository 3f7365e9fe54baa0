#include "ddc/cid.h"

#include <algorithm>
#include <cassert>
#include <cstdio>

#include "engine/base/base32.h"
#include "engine/base/coding.h"
#include "engine/base/hash.h"
#include "engine/base/macros.h"

namespace ddc {
namespace {

constexpr uint8_t kCidVersion = 1;
constexpr char kMultibaseBase32 = 'b';
// The varint of kMultihashBlake2b256: a0 e4 02.
constexpr size_t kMultihashCodeBytes = 3;
// DecodeVarint64's limit, which is the multiformats one.
constexpr size_t kMaxVarintBytes = 9;

// ToBytes writes each codec as a single varint byte; a codec at or above 0x80 would need two
// and break kBinaryBytes.
static_assert(static_cast<uint8_t>(Codec::kRaw) < 0x80);
static_assert(static_cast<uint8_t>(Codec::kDagCbor) < 0x80);
static_assert(Cid::kBinaryBytes == 1 + 1 + kMultihashCodeBytes + 1 + Cid::kDigestBytes);
static_assert(Cid::kDigestBytes < 0x80);
// Parse decodes into a stack buffer sized for the longest string it accepts, so it never
// allocates however long its input.
constexpr size_t kMaxDecodedBytes = Base32DecodedSize(Cid::kMaxStringBytes - 1);
// Characters after the multibase prefix in every valid string: 61.
constexpr size_t kBodyChars = Base32EncodedSize(Cid::kBinaryBytes);
static_assert(1 + kBodyChars <= Cid::kMaxStringBytes);

bool IsSupportedCodec(uint64_t code) {
  return code == static_cast<uint8_t>(Codec::kRaw) || code == static_cast<uint8_t>(Codec::kDagCbor);
}

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// A character as a reader can see it: 'x' when printable ASCII, else its byte value in hex.
std::string Quote(char c) {
  const auto byte = static_cast<uint8_t>(c);
  if (byte >= 0x20 && byte < 0x7f) return std::string("'") + c + "'";
  return "byte " + Hex(byte);
}

// Multibase prefixes that people are likely to paste, named so the error says what they have.
const char* MultibaseName(char prefix) {
  switch (prefix) {
    case 'z':
      return "base58btc";
    case 'B':
      return "base32upper";
    case 'c':
      return "base32pad";
    case 'C':
      return "base32padupper";
    case 'v':
      return "base32hex";
    case 'f':
      return "base16";
    case 'F':
      return "base16upper";
    case 'k':
      return "base36";
    case 'm':
      return "base64";
    case 'M':
      return "base64pad";
    case 'u':
      return "base64url";
    case 'U':
      return "base64urlpad";
    default:
      return nullptr;
  }
}

// Multihash codes that show up in CIDs made elsewhere, named for the error message.
const char* MultihashName(uint64_t code) {
  switch (code) {
    case 0x00:
      return "identity";
    case 0x12:
      return "sha2-256";
    case 0x13:
      return "sha2-512";
    case 0x16:
      return "sha3-256";
    case 0x1e:
      return "blake3";
    case 0xb240:
      return "blake2b-512";
    case 0xb260:
      return "blake2s-256";
    default:
      return nullptr;
  }
}

Status MultibaseError(std::string_view text) {
  const char prefix = text[0];
  // A CIDv0 is a bare base58btc sha2-256 multihash, "Qm..." with no multibase prefix.
  if (prefix == 'Q') {
    return Status::InvalidArgument(
        "cid: 'Q...' is a CIDv0 (base58btc sha2-256, no multibase prefix), which is unsupported "
        "(ddc CIDs are CIDv1 in base32 'b')");
  }
  std::string msg = "cid: unsupported multibase prefix " + Quote(prefix);
  msg += " (";
  if (const char* name = MultibaseName(prefix)) msg += std::string(name) + "; ";
  msg += "ddc CIDs use base32 'b')";
  return Status::InvalidArgument(msg);
}

Status Base32Error(std::string_view body, const Base32DecodeResult& r) {
  // Positions are reported in the CID string, which has the multibase prefix before the body.
  const size_t position = r.position + 1;
  // A short body that fails on its length or last character is almost always a string cut off
  // while copying; saying so helps more than naming the base32 rule it happens to break.
  const std::string length = "the base32 body has " + std::to_string(body.size()) +
                             " characters (a ddc CID has " + std::to_string(kBodyChars) + ")";
  const bool short_body = body.size() < kBodyChars;
  switch (r.error) {
    case Base32DecodeResult::Error::kInvalidCharacter: {
      const char c = body[r.position];
      std::string msg = "cid: invalid base32 character " + Quote(c) + " at position " +
                        std::to_string(position) + " (the alphabet is a-z and 2-7";
      msg += (c >= 'A' && c <= 'Z') ? "; upper case is not accepted)" : ")";
      return Status::InvalidArgument(msg);
    }
    case Base32DecodeResult::Error::kInvalidLength:
      return Status::InvalidArgument(std::string("cid: ") + (short_body ? "truncated: " : "") +
                                     length + ", an impossible length for base32");
    case Base32DecodeResult::Error::kNonZeroTrailingBits: {
      const std::string bits = "non-zero base32 padding bits in the last character " +
                               Quote(body[r.position]) + " at position " + std::to_string(position);
      if (short_body) return Status::InvalidArgument("cid: truncated: " + length + "; " + bits);
      return Status::InvalidArgument("cid: " + bits + " (not a canonical encoding)");
    }
    case Base32DecodeResult::Error::kNone:
      break;
  }
  assert(false && "Base32Error called on success");
  return Status::InvalidArgument("cid: base32 decoding failed");
}

// Reads the varint for `field` at `*offset`, advancing it. A failure of DecodeVarint64 is one of
// three things; telling them apart costs a rescan, only on the error path.
Status ReadVarint(std::span<const uint8_t> bytes, const char* field, size_t* offset,
                  uint64_t* value) {
  const std::span<const uint8_t> rest = bytes.subspan(*offset);
  const size_t n = DecodeVarint64(rest, value);
  if (n > 0) {
    *offset += n;
    return Status::OK();
  }
  if (rest.empty()) {
    return Status::InvalidArgument("cid: truncated: the binary CID ends at byte " +
                                   std::to_string(*offset) + ", before the " + field);
  }
  const std::string where = " at byte " + std::to_string(*offset);
  size_t continued = 0;
  while (continued < rest.size() && (rest[continued] & 0x80) != 0) ++continued;
  if (continued >= kMaxVarintBytes) {
    return Status::InvalidArgument("cid: varint for the " + std::string(field) + where +
                                   " is longer than " + std::to_string(kMaxVarintBytes) + " bytes");
  }
  if (continued == rest.size()) {
    return Status::InvalidArgument(
        "cid: truncated: the binary CID ends inside the varint for the " + std::string(field) +
        where);
  }
  return Status::InvalidArgument("cid: non-minimal varint for the " + std::string(field) + where +
                                 " (a trailing zero group)");
}

}  // namespace

Cid Cid::Of(Codec codec, std::span<const uint8_t> bytes) { return Cid(codec, Blake2b256(bytes)); }

Cid Cid::Of(Codec codec, std::string_view bytes) {
  return Of(codec,
            std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

Result<Cid> Cid::Parse(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("cid: empty string");
  if (text.size() > kMaxStringBytes) {
    return Status::InvalidArgument("cid: string of " + std::to_string(text.size()) +
                                   " bytes is longer than the limit of " +
                                   std::to_string(kMaxStringBytes));
  }
  if (text[0] != kMultibaseBase32) return MultibaseError(text);
  const std::string_view body = text.substr(1);
  std::array<uint8_t, kMaxDecodedBytes> binary;
  const Base32DecodeResult decoded = Base32Decode(body, binary);
  if (!decoded.ok()) return Base32Error(body, decoded);
  return FromBytes(std::span<const uint8_t>(binary.data(), decoded.size));
}

Result<Cid> Cid::FromBytes(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return Status::InvalidArgument("cid: empty binary CID");
  size_t offset = 0;

  uint64_t version = 0;
  DDC_RETURN_IF_ERROR(ReadVarint(bytes, "CID version", &offset, &version));
  if (version != kCidVersion) {
    // A binary CIDv0 is a bare sha2-256 multihash: 0x12 0x20 then the digest.
    const char* hint = version == 0x12 ? "; 0x12 starts a CIDv0 sha2-256 multihash" : "";
    return Status::InvalidArgument("cid: unsupported CID version " + std::to_string(version) +
                                   " at byte 0 (only CIDv1 is supported" + hint + ")");
  }

  const size_t codec_offset = offset;
  uint64_t codec = 0;
  DDC_RETURN_IF_ERROR(ReadVarint(bytes, "codec", &offset, &codec));
  if (!IsSupportedCodec(codec)) {
    return Status::InvalidArgument("cid: unknown codec " + Hex(codec) + " at byte " +
                                   std::to_string(codec_offset) +
                                   " (ddc supports raw 0x55 and dag-cbor 0x71)");
  }

  const size_t multihash_offset = offset;
  uint64_t multihash = 0;
  DDC_RETURN_IF_ERROR(ReadVarint(bytes, "multihash code", &offset, &multihash));
  if (multihash != kMultihashBlake2b256) {
    std::string msg = "cid: unsupported multihash " + Hex(multihash);
    if (const char* name = MultihashName(multihash)) msg += std::string(" (") + name + ")";
    msg += " at byte " + std::to_string(multihash_offset) + " (ddc uses blake2b-256, " +
           Hex(kMultihashBlake2b256) + ")";
    return Status::InvalidArgument(msg);
  }

  const size_t length_offset = offset;
  uint64_t digest_length = 0;
  DDC_RETURN_IF_ERROR(ReadVarint(bytes, "digest length", &offset, &digest_length));
  if (digest_length != kDigestBytes) {
    return Status::InvalidArgument("cid: digest length " + std::to_string(digest_length) +
                                   " at byte " + std::to_string(length_offset) +
                                   " (blake2b-256 digests are 32 bytes)");
  }

  const size_t remaining = bytes.size() - offset;
  if (remaining < kDigestBytes) {
    return Status::InvalidArgument("cid: truncated: the digest at byte " + std::to_string(offset) +
                                   " has " + std::to_string(remaining) + " of 32 bytes");
  }
  if (remaining > kDigestBytes) {
    return Status::InvalidArgument(
        "cid: trailing bytes after the digest: " + std::to_string(remaining - kDigestBytes) +
        " more starting at byte " + std::to_string(offset + kDigestBytes));
  }
  // Every field was checked above, and each has exactly one accepted encoding, so the result
  // re-encodes to the same bytes.
  assert(offset + kDigestBytes == kBinaryBytes);

  Digest digest;
  std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(offset), kDigestBytes, digest.begin());
  return Cid(static_cast<Codec>(codec), digest);
}

std::array<uint8_t, Cid::kBinaryBytes> Cid::ToBytes() const {
  assert(IsSupportedCodec(static_cast<uint8_t>(codec_)));
  std::array<uint8_t, kBinaryBytes> out;
  size_t n = 0;
  out[n++] = kCidVersion;
  out[n++] = static_cast<uint8_t>(codec_);
  n += EncodeVarint64(&out[n], kMultihashBlake2b256);
  out[n++] = static_cast<uint8_t>(kDigestBytes);
  std::copy(digest_.begin(), digest_.end(), out.begin() + static_cast<std::ptrdiff_t>(n));
  assert(n + kDigestBytes == kBinaryBytes);
  return out;
}

std::string Cid::ToString() const {
  const std::array<uint8_t, kBinaryBytes> binary = ToBytes();
  std::string out;
  out.reserve(1 + Base32EncodedSize(kBinaryBytes));
  out.push_back(kMultibaseBase32);
  Base32Append(binary, &out);
  return out;
}

}  // namespace ddc
