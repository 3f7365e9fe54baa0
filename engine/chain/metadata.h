// Substrate runtime metadata, version 14 (what `state_getMetadata` returns): the parts a client
// needs to build transactions for a runtime it did not know at compile time — each pallet's
// index and its calls' names and indices, the extrinsic format version and the signed
// extensions in order. The whole type registry is decoded (strictly: every byte accounted for),
// because calls are described by a variant type in it.
//
// Byte layout: "meta" || version u8 (14) || PortableRegistry || Vec<PalletMetadata>
// || ExtrinsicMetadata || runtime type Compact<u32>; see docs/chain.md, "Runtime metadata".
#ifndef DDC_ENGINE_CHAIN_METADATA_H_
#define DDC_ENGINE_CHAIN_METADATA_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/status.h"

namespace ddc::chain {

inline constexpr size_t kMaxMetadataBytes = 16u << 20;

// scale-info's TypeDef discriminants, as the registry encodes them (decoder and encoder share
// them).
enum ScaleTypeDef : uint8_t {
  kTypeComposite = 0,
  kTypeVariant = 1,
  kTypeSequence = 2,
  kTypeArray = 3,
  kTypeTuple = 4,
  kTypePrimitive = 5,
  kTypeCompact = 6,
  kTypeBitSequence = 7,
};

struct MetadataCall {
  std::string name;  // "remark_with_event"
  uint8_t index = 0;
};

struct MetadataPallet {
  std::string name;  // "System"
  uint8_t index = 0;
  std::vector<MetadataCall> calls;  // Empty when the pallet has none.
};

struct SignedExtension {
  std::string identifier;        // "CheckMortality", "CheckNonce", "ChargeTransactionPayment", ...
  uint32_t type = 0;             // Type id of what it adds to the extrinsic.
  uint32_t additional_type = 0;  // Type id of what it adds to the signed payload only.
  bool type_is_empty = false;    // The types encode to no bytes (unit, empty composite/tuple).
  bool additional_is_empty = false;
};

struct RuntimeMetadata {
  uint8_t version = 0;      // 14.
  uint32_t type_count = 0;  // Types in the registry.
  std::vector<MetadataPallet> pallets;
  uint8_t extrinsic_version = 0;  // 4.
  std::vector<SignedExtension> signed_extensions;

  const MetadataPallet* FindPallet(std::string_view name) const;
  // The (pallet index, call index) of pallet.call, or NotFound naming what is missing.
  Result<std::pair<uint8_t, uint8_t>> CallIndex(std::string_view pallet,
                                                std::string_view call) const;
};

// Strict: InvalidArgument naming what is wrong and where ("metadata: version 13 is not
// supported (want 14)", "metadata: type 7 refers to missing type 912", trailing bytes, ...).
Result<RuntimeMetadata> DecodeMetadata(std::span<const uint8_t> bytes);

}  // namespace ddc::chain

#endif  // DDC_ENGINE_CHAIN_METADATA_H_
