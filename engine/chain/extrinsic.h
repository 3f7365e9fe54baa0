// Substrate signed extrinsics, format version 4, with ed25519 MultiSignatures and
// MultiAddress::Id signers (docs/chain.md, "Signed extrinsics"). The same code signs for a real
// Substrate node and checks what the dev chain is sent.
#ifndef DDC_ENGINE_CHAIN_EXTRINSIC_H_
#define DDC_ENGINE_CHAIN_EXTRINSIC_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc::chain {

using AccountId = PublicKey;  // AccountId32: an ed25519 public key.
using H256 = Hash32;

inline constexpr size_t kMaxExtrinsicBytes = size_t{64} << 10;
// Signing payloads longer than this are signed as their BLAKE2b-256 hash (Substrate's rule).
inline constexpr size_t kMaxPayloadSignedWhole = 256;

// A transaction's mortality. Immortal when period == 0.
struct Era {
  uint64_t period = 0;  // A power of two in 4..65536, or 0 for immortal.
  uint64_t phase = 0;   // birth block number % period.

  static Era Immortal() { return {}; }
  // The era starting at `current` block, valid for `period` blocks (rounded up to a power of
  // two in 4..65536).
  static Era Mortal(uint64_t period, uint64_t current);
  bool immortal() const { return period == 0; }
  // The era's first block for a transaction checked at block `current`.
  uint64_t Birth(uint64_t current) const;
  // True when a transaction with this era may be included in block `number`.
  bool ValidAt(uint64_t number, uint64_t birth) const;
  bool operator==(const Era&) const = default;
};

// The signed extensions of a runtime, in its order: what each adds to the extrinsic ("extra")
// and to the signed payload only ("additional"). Supported: CheckNonZeroSender, CheckWeight,
// PrevalidateAttests (nothing), CheckSpecVersion and CheckTxVersion (additional u32),
// CheckGenesis (additional genesis hash), CheckMortality (extra era, additional the era's block
// hash), CheckNonce (extra Compact nonce), ChargeTransactionPayment (extra Compact tip),
// ChargeAssetTxPayment (extra Compact tip and None for the asset), CheckMetadataHash (extra
// mode 0, additional None).
struct ExtensionSet {
  std::vector<std::string> identifiers;
};

// The dev runtime's (and a classic Substrate runtime's): CheckSpecVersion, CheckTxVersion,
// CheckGenesis, CheckMortality, CheckNonce, CheckWeight, ChargeTransactionPayment.
const ExtensionSet& StandardExtensions();
// A runtime's set from the identifiers its metadata lists; NotSupported naming an extension
// this code cannot fill in (one whose extra or additional data is not empty), so that a client
// never signs something the runtime would read differently. `empty` says, per identifier,
// whether both its types encode to nothing (RuntimeMetadata's SignedExtension).
Result<ExtensionSet> MakeExtensionSet(std::span<const std::string> identifiers,
                                      std::span<const bool> empty);

// What is needed to sign, besides the call: the chain and runtime identity.
struct SigningContext {
  H256 genesis_hash{};
  H256 era_block_hash{};  // The genesis hash for an immortal era; the birth block's hash else.
  uint32_t spec_version = 0;
  uint32_t transaction_version = 0;
};

struct Extrinsic {
  std::optional<AccountId> signer;  // Absent for an unsigned inherent.
  Signature signature{};
  Era era;
  uint32_t nonce = 0;
  uint64_t tip = 0;
  std::string call;  // pallet index || call index || SCALE arguments.
};

// The bytes signed for `extrinsic` (its call, era, nonce and tip) in `context`: the payload, or
// its BLAKE2b-256 when the payload is longer than kMaxPayloadSignedWhole.
std::string SigningBytes(const Extrinsic& extrinsic, const SigningContext& context,
                         const ExtensionSet& extensions = StandardExtensions());

// Fills in signer and signature.
void SignExtrinsic(Extrinsic* extrinsic, const KeyPair& key, const SigningContext& context,
                   const ExtensionSet& extensions = StandardExtensions());

// PermissionDenied when the signature does not verify (or the extrinsic is unsigned).
Status VerifyExtrinsic(const Extrinsic& extrinsic, const SigningContext& context,
                       const ExtensionSet& extensions = StandardExtensions());

// The length-prefixed encoding (Compact<u32> length || body).
std::string EncodeExtrinsic(const Extrinsic& extrinsic,
                            const ExtensionSet& extensions = StandardExtensions());
// Strict: exactly one length-prefixed extrinsic, nothing after it.
Result<Extrinsic> DecodeExtrinsic(std::span<const uint8_t> bytes,
                                  const ExtensionSet& extensions = StandardExtensions());

// Era byte encodings (1 byte immortal, 2 bytes mortal).
std::string EncodeEra(const Era& era);

}  // namespace ddc::chain

#endif  // DDC_ENGINE_CHAIN_EXTRINSIC_H_
