// The pure parts of talking to a real Substrate chain (docs/chain.md, "Substrate chains"):
// storage keys, SS58 addresses, the System.Account value, headers as a Substrate node returns
// them, and the Timestamp.set inherent that dates a block. No I/O; the JSON-RPC client is in
// node/server/substrate_chain.h.
#ifndef DDC_ENGINE_CHAIN_SUBSTRATE_H_
#define DDC_ENGINE_CHAIN_SUBSTRATE_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/chain.h"
#include "ddc/status.h"

namespace ddc::chain {

// Substrate's generic SS58 address format (accepted by every chain's RPC for an AccountId32).
inline constexpr uint16_t kSs58Generic = 42;

// twox128(data): XXH64 of `data` with seeds 0 and 1, each little-endian (16 bytes).
std::array<uint8_t, 16> Twox128(std::string_view data);
// blake2_128_concat(data): BLAKE2b-128 of `data`, then `data`.
std::string Blake2_128Concat(std::span<const uint8_t> data);

// twox128(pallet) || twox128(item): the key of a plain storage value.
std::string StorageKey(std::string_view pallet, std::string_view item);
// System.Account's key for `account` (a blake2_128_concat map).
std::string SystemAccountKey(const AccountId& account);

// The SS58 text form of `account` under `prefix` (0..16383).
std::string Ss58Encode(const AccountId& account, uint16_t prefix = kSs58Generic);
// InvalidArgument naming what is wrong (alphabet, length, checksum); any prefix is accepted
// and returned in `*prefix` when given.
Result<AccountId> Ss58Decode(std::string_view text, uint16_t* prefix = nullptr);

// frame_system::AccountInfo with the balances pallet's AccountData: nonce, consumers,
// providers, sufficients (u32), then free, reserved, frozen, flags (u128). Balances above
// 2^64 - 1 saturate there (`*saturated` says when).
std::string EncodeAccountStorage(const AccountInfo& info);
Result<AccountInfo> DecodeAccountStorage(std::span<const uint8_t> bytes, bool* saturated = nullptr);

// A header as chain_getHeader returns it, fields as hex.
struct HeaderFields {
  Hash32 parent{};
  uint64_t number = 0;
  Hash32 state_root{};
  Hash32 extrinsics_root{};
  std::vector<std::string> digest_logs;  // Each a SCALE DigestItem.
};
// The SCALE header (whose BLAKE2b-256 is the block hash).
std::string EncodeSubstrateHeader(const HeaderFields& header);

// The time of a block's Timestamp.set inherent: an unsigned version-4 extrinsic (length
// prefixed, as in a block body) calling (pallet, call) with a Compact<u64> of Unix
// milliseconds. NotFound when `extrinsic` is another extrinsic.
Result<uint64_t> TimestampOfInherent(std::span<const uint8_t> extrinsic, uint8_t pallet,
                                     uint8_t call);

}  // namespace ddc::chain

#endif  // DDC_ENGINE_CHAIN_SUBSTRATE_H_
