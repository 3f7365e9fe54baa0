#include "engine/chain/substrate.h"

#include <sodium.h>
#include <xxhash.h>

#include <algorithm>

#include "engine/base/hash.h"
#include "engine/base/macros.h"
#include "engine/chain/extrinsic.h"
#include "engine/chain/scale.h"

namespace ddc::chain {
namespace {

constexpr std::string_view kBase58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::string_view kSs58Context = "SS58PRE";
constexpr size_t kSs58ChecksumBytes = 2;
constexpr uint16_t kMaxSs58Prefix = 16383;
constexpr size_t kMaxSs58Chars = 64;  // 2 + 32 + 2 bytes need at most 50.

std::string Base58(std::span<const uint8_t> bytes) {
  // Repeated division of the big-endian number by 58; leading zero bytes become '1's.
  std::vector<uint8_t> digits;  // Base-58 digits, least significant first.
  for (uint8_t b : bytes) {
    uint32_t carry = b;
    for (uint8_t& d : digits) {
      carry += static_cast<uint32_t>(d) << 8;
      d = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out;
  for (size_t i = 0; i < bytes.size() && bytes[i] == 0; ++i) out.push_back('1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kBase58[*it]);
  return out;
}

Result<std::vector<uint8_t>> FromBase58(std::string_view text) {
  std::vector<uint8_t> bytes;  // Least significant first.
  for (char c : text) {
    const size_t digit = kBase58.find(c);
    if (digit == std::string_view::npos) {
      return Status::InvalidArgument(std::string("ss58: '") + c + "' is not a base58 character");
    }
    uint32_t carry = static_cast<uint32_t>(digit);
    for (uint8_t& b : bytes) {
      carry += static_cast<uint32_t>(b) * 58;
      b = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  for (size_t i = 0; i < text.size() && text[i] == '1'; ++i) bytes.push_back(0);
  std::reverse(bytes.begin(), bytes.end());
  return bytes;
}

std::array<uint8_t, 64> Ss58Checksum(std::span<const uint8_t> prefixed) {
  EnsureSodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 64);
  crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(kSs58Context.data()),
                            kSs58Context.size());
  crypto_generichash_update(&state, prefixed.data(), prefixed.size());
  std::array<uint8_t, 64> out{};
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

void PutU128(ScaleWriter* w, uint64_t low) { w->U128(low); }

// A u128 read whole: its value when it fits 64 bits, else UINT64_MAX and *saturated set.
uint64_t ReadU128Saturating(ScaleReader* r, bool* saturated) {
  const uint64_t low = r->U64();
  const uint64_t high = r->U64();
  if (high != 0) {
    *saturated = true;
    return UINT64_MAX;
  }
  return low;
}

}  // namespace

std::array<uint8_t, 16> Twox128(std::string_view data) {
  std::array<uint8_t, 16> out{};
  for (uint64_t seed = 0; seed < 2; ++seed) {
    const uint64_t h = XXH64(data.data(), data.size(), seed);
    for (size_t i = 0; i < 8; ++i) out[seed * 8 + i] = static_cast<uint8_t>(h >> (8 * i));
  }
  return out;
}

std::string Blake2_128Concat(std::span<const uint8_t> data) {
  EnsureSodium();
  std::array<uint8_t, 16> h{};
  crypto_generichash(h.data(), h.size(), data.data(), data.size(), nullptr, 0);
  std::string out(reinterpret_cast<const char*>(h.data()), h.size());
  out.append(reinterpret_cast<const char*>(data.data()), data.size());
  return out;
}

std::string StorageKey(std::string_view pallet, std::string_view item) {
  const auto a = Twox128(pallet);
  const auto b = Twox128(item);
  std::string key(reinterpret_cast<const char*>(a.data()), a.size());
  key.append(reinterpret_cast<const char*>(b.data()), b.size());
  return key;
}

std::string SystemAccountKey(const AccountId& account) {
  return StorageKey("System", "Account") + Blake2_128Concat(account);
}

std::string Ss58Encode(const AccountId& account, uint16_t prefix) {
  prefix = std::min(prefix, kMaxSs58Prefix);
  std::vector<uint8_t> bytes;
  if (prefix < 64) {
    bytes.push_back(static_cast<uint8_t>(prefix));
  } else {
    bytes.push_back(static_cast<uint8_t>(((prefix & 0xfc) >> 2) | 0x40));
    bytes.push_back(static_cast<uint8_t>((prefix >> 8) | ((prefix & 0x03) << 6)));
  }
  bytes.insert(bytes.end(), account.begin(), account.end());
  const auto sum = Ss58Checksum(bytes);
  bytes.insert(bytes.end(), sum.begin(), sum.begin() + kSs58ChecksumBytes);
  return Base58(bytes);
}

Result<AccountId> Ss58Decode(std::string_view text, uint16_t* prefix) {
  if (text.empty() || text.size() > kMaxSs58Chars) {
    return Status::InvalidArgument("ss58: an address is 1.." + std::to_string(kMaxSs58Chars) +
                                   " base58 characters, not " + std::to_string(text.size()));
  }
  DDC_ASSIGN_OR_RETURN(const std::vector<uint8_t> bytes, FromBase58(text));
  if (bytes.empty() || bytes[0] >= 128) {
    return Status::InvalidArgument("ss58: the address's prefix byte is not 0..127");
  }
  const size_t prefix_len = bytes[0] < 64 ? 1 : 2;
  const size_t want = prefix_len + 32 + kSs58ChecksumBytes;
  if (bytes.size() != want) {
    return Status::InvalidArgument("ss58: " + std::to_string(bytes.size()) +
                                   " bytes, an account address has " + std::to_string(want));
  }
  uint16_t ident = bytes[0];
  if (prefix_len == 2) {
    const auto lower = static_cast<uint8_t>((bytes[0] << 2) | (bytes[1] >> 6));
    const auto upper = static_cast<uint8_t>(bytes[1] & 0x3f);
    ident = static_cast<uint16_t>(lower | (upper << 8));
    if (ident < 64) {
      return Status::InvalidArgument("ss58: prefix " + std::to_string(ident) +
                                     " in the two-byte form (it has a one-byte form)");
    }
  }
  const auto sum = Ss58Checksum(std::span(bytes).first(prefix_len + 32));
  if (!std::equal(sum.begin(), sum.begin() + kSs58ChecksumBytes, bytes.end() - 2)) {
    return Status::InvalidArgument("ss58: the address's checksum does not match");
  }
  AccountId id{};
  std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(prefix_len), 32, id.begin());
  if (prefix != nullptr) *prefix = ident;
  return id;
}

std::string EncodeAccountStorage(const AccountInfo& info) {
  ScaleWriter w;
  w.U32(info.nonce);
  w.U32(0);  // consumers
  w.U32(1);  // providers
  w.U32(0);  // sufficients
  PutU128(&w, info.free);
  PutU128(&w, info.deposit);  // reserved
  PutU128(&w, 0);             // frozen
  PutU128(&w, 0);             // flags
  return w.Take();
}

Result<AccountInfo> DecodeAccountStorage(std::span<const uint8_t> bytes, bool* saturated) {
  ScaleReader r(bytes);
  AccountInfo info;
  bool sat = false;
  info.nonce = r.U32();
  (void)r.U32();  // consumers
  (void)r.U32();  // providers
  (void)r.U32();  // sufficients
  info.free = ReadU128Saturating(&r, &sat);
  info.deposit = ReadU128Saturating(&r, &sat);  // reserved
  (void)r.Raw(32);                              // frozen (or misc_frozen), flags (or fee_frozen)
  DDC_RETURN_IF_ERROR(r.Finish("System.Account value"));
  if (saturated != nullptr) *saturated = sat;
  return info;
}

std::string EncodeSubstrateHeader(const HeaderFields& header) {
  ScaleWriter w;
  w.Fixed(header.parent);
  w.Compact(header.number);
  w.Fixed(header.state_root);
  w.Fixed(header.extrinsics_root);
  w.Compact(header.digest_logs.size());
  for (const std::string& log : header.digest_logs) w.Raw(log);
  return w.Take();
}

Result<uint64_t> TimestampOfInherent(std::span<const uint8_t> extrinsic, uint8_t pallet,
                                     uint8_t call) {
  ScaleReader r(extrinsic);
  const uint64_t length = r.Compact(kMaxExtrinsicBytes);
  if (!r.ok() || length != r.remaining()) return Status::NotFound("not a Timestamp.set inherent");
  const uint8_t version = r.U8();
  // Version 4 unsigned (0x04) or version 5 bare (0x05): no signature follows.
  if (version != 0x04 && version != 0x05) return Status::NotFound("not a Timestamp.set inherent");
  if (r.U8() != pallet || r.U8() != call) return Status::NotFound("not a Timestamp.set inherent");
  const uint64_t now = r.Compact();
  if (!r.Finish("Timestamp.set inherent").ok()) {
    return Status::Corruption("a Timestamp.set inherent that does not decode");
  }
  return now;
}

}  // namespace ddc::chain
