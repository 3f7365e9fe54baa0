// Dev-chain blocks (docs/chain.md, "Blocks"): Substrate-shaped headers sealed by the dev
// authority, bodies of length-prefixed extrinsics, and the RFC 9162 extrinsics root.
#ifndef DDC_ENGINE_CHAIN_BLOCK_H_
#define DDC_ENGINE_CHAIN_BLOCK_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ddc/chain.h"
#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc::chain {

inline constexpr size_t kMaxBlockExtrinsics = 4096;
inline constexpr size_t kMaxBlockBytes = 16u << 20;

struct Header {
  Hash32 parent{};
  uint64_t number = 0;  // Compact<u32> on the wire.
  Hash32 state_root{};
  Hash32 extrinsics_root{};
  Signature seal{};  // The authority's signature over PreSealHash.
};

struct Block {
  Header header;
  std::vector<std::string> extrinsics;  // Each length-prefixed, as encoded.
};

// The header with its seal digest (with_seal) or an empty digest.
std::string EncodeHeader(const Header& header, bool with_seal = true);
// Strict: a dev-chain header with exactly one "ddev" seal and nothing after it.
Result<Header> DecodeHeader(std::span<const uint8_t> bytes);

// BLAKE2b-256 of the header with an empty digest: what the authority signs.
Hash32 PreSealHash(const Header& header);
// BLAKE2b-256 of the sealed header: the block hash.
Hash32 BlockHash(const Header& header);

void SealHeader(Header* header, const KeyPair& authority);
Status VerifySeal(const Header& header, const PublicKey& authority);

// The RFC 9162 (SHA-256) root over BLAKE2b-256 of each extrinsic, and the path of one.
Hash32 ExtrinsicLeaf(std::string_view extrinsic);
Hash32 ExtrinsicsRoot(std::span<const std::string> extrinsics);
std::vector<Hash32> ExtrinsicPath(std::span<const std::string> extrinsics, uint32_t index);

std::string EncodeBlock(const Block& block);
Result<Block> DecodeBlock(std::span<const uint8_t> bytes);

}  // namespace ddc::chain

#endif  // DDC_ENGINE_CHAIN_BLOCK_H_
