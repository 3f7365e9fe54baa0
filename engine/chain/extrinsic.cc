#include "engine/chain/extrinsic.h"

#include <sodium.h>

#include <algorithm>
#include <bit>
#include <iterator>
#include <string_view>

#include "engine/base/hash.h"
#include "engine/base/macros.h"
#include "engine/chain/scale.h"

namespace ddc::chain {
namespace {

constexpr uint8_t kVersionSigned = 0x84;
constexpr uint8_t kVersionUnsigned = 0x04;
constexpr uint8_t kMultiAddressId = 0x00;
constexpr uint8_t kMultiSignatureEd25519 = 0x00;
constexpr uint64_t kMinPeriod = 4;
constexpr uint64_t kMaxPeriod = 1 << 16;

void WriteEra(ScaleWriter* w, const Era& era) {
  if (era.immortal()) {
    w->U8(0);
    return;
  }
  const uint64_t quantize = std::max<uint64_t>(era.period >> 12, 1);
  const uint64_t low =
      std::min<uint64_t>(std::max<uint64_t>(std::countr_zero(era.period) - 1, 1), 15);
  w->U16(static_cast<uint16_t>(low | ((era.phase / quantize) << 4)));
}

Era ReadEra(ScaleReader* r) {
  const uint8_t first = r->U8();
  if (first == 0) return Era::Immortal();
  const uint16_t encoded = static_cast<uint16_t>(first | (r->U8() << 8));
  const uint64_t period = uint64_t{2} << (encoded % (1 << 4));
  const uint64_t quantize = std::max<uint64_t>(period >> 12, 1);
  const uint64_t phase = static_cast<uint64_t>(encoded >> 4) * quantize;
  if (period < kMinPeriod || phase >= period) {
    r->Fail("invalid mortal era");
    return {};
  }
  return Era{period, phase};
}

void WriteExtra(ScaleWriter* w, const Extrinsic& e, const ExtensionSet& set) {
  for (const std::string& id : set.identifiers) {
    if (id == "CheckMortality") {
      WriteEra(w, e.era);
    } else if (id == "CheckNonce") {
      w->Compact(e.nonce);
    } else if (id == "ChargeTransactionPayment") {
      w->Compact(e.tip);  // Compact<u128> with a zero high half encodes as the u64 does.
    } else if (id == "ChargeAssetTxPayment") {
      w->Compact(e.tip);
      w->U8(0);  // Paid in the native token: no asset id.
    } else if (id == "CheckMetadataHash") {
      w->U8(0);  // Mode: disabled.
    }
  }
}

void ReadExtra(ScaleReader* r, Extrinsic* e, const ExtensionSet& set) {
  for (const std::string& id : set.identifiers) {
    if (id == "CheckMortality") {
      e->era = ReadEra(r);
    } else if (id == "CheckNonce") {
      e->nonce = static_cast<uint32_t>(r->Compact(UINT32_MAX));
    } else if (id == "ChargeTransactionPayment") {
      e->tip = r->Compact();
    } else if (id == "ChargeAssetTxPayment") {
      e->tip = r->Compact();
      if (r->U8() != 0) r->Fail("a fee asset id is not supported");
    } else if (id == "CheckMetadataHash") {
      if (r->U8() != 0) r->Fail("a metadata hash mode other than disabled");
    }
  }
}

void WriteAdditional(ScaleWriter* w, const SigningContext& c, const ExtensionSet& set) {
  for (const std::string& id : set.identifiers) {
    if (id == "CheckSpecVersion") {
      w->U32(c.spec_version);
    } else if (id == "CheckTxVersion") {
      w->U32(c.transaction_version);
    } else if (id == "CheckGenesis") {
      w->Fixed(c.genesis_hash);
    } else if (id == "CheckMortality") {
      w->Fixed(c.era_block_hash);
    } else if (id == "CheckMetadataHash") {
      w->U8(0);  // No metadata hash.
    }
  }
}

// Extensions that add nothing anywhere, and those this file fills in.
constexpr std::string_view kKnownEmpty[] = {"CheckNonZeroSender", "CheckWeight",
                                            "PrevalidateAttests"};
constexpr std::string_view kFilledIn[] = {
    "CheckSpecVersion", "CheckTxVersion",           "CheckGenesis",         "CheckMortality",
    "CheckNonce",       "ChargeTransactionPayment", "ChargeAssetTxPayment", "CheckMetadataHash"};

}  // namespace

Era Era::Mortal(uint64_t period, uint64_t current) {
  const uint64_t p =
      std::clamp<uint64_t>(std::bit_ceil(std::max<uint64_t>(period, 1)), kMinPeriod, kMaxPeriod);
  const uint64_t quantize = std::max<uint64_t>(p >> 12, 1);
  return Era{p, (current % p) / quantize * quantize};
}

uint64_t Era::Birth(uint64_t current) const {
  if (immortal()) return 0;
  const uint64_t base = std::max(current, phase) - phase;
  return base / period * period + phase;
}

bool Era::ValidAt(uint64_t number, uint64_t birth) const {
  return immortal() || (number >= birth && number < birth + period);
}

std::string EncodeEra(const Era& era) {
  ScaleWriter w;
  WriteEra(&w, era);
  return w.Take();
}

const ExtensionSet& StandardExtensions() {
  static const ExtensionSet* standard =
      new ExtensionSet{{"CheckSpecVersion", "CheckTxVersion", "CheckGenesis", "CheckMortality",
                        "CheckNonce", "CheckWeight", "ChargeTransactionPayment"}};
  return *standard;
}

Result<ExtensionSet> MakeExtensionSet(std::span<const std::string> identifiers,
                                      std::span<const bool> empty) {
  ExtensionSet set;
  for (size_t i = 0; i < identifiers.size(); ++i) {
    const std::string& id = identifiers[i];
    const bool filled =
        std::find(std::begin(kFilledIn), std::end(kFilledIn), id) != std::end(kFilledIn);
    const bool known_empty =
        std::find(std::begin(kKnownEmpty), std::end(kKnownEmpty), id) != std::end(kKnownEmpty);
    const bool is_empty = i < empty.size() && empty[i];
    if (!filled && !is_empty) {
      return Status::NotSupported("signed extension " + id +
                                  " adds data this client cannot fill in");
    }
    if (known_empty && !is_empty) {
      return Status::NotSupported("signed extension " + id +
                                  " is expected to add nothing, but the runtime's does");
    }
    set.identifiers.push_back(id);
  }
  return set;
}

std::string SigningBytes(const Extrinsic& extrinsic, const SigningContext& context,
                         const ExtensionSet& extensions) {
  ScaleWriter w;
  w.Raw(extrinsic.call);
  WriteExtra(&w, extrinsic, extensions);
  WriteAdditional(&w, context, extensions);
  if (w.size() <= kMaxPayloadSignedWhole) return w.Take();
  const auto hash =
      Blake2b256(std::span(reinterpret_cast<const uint8_t*>(w.data().data()), w.data().size()));
  return std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
}

void SignExtrinsic(Extrinsic* extrinsic, const KeyPair& key, const SigningContext& context,
                   const ExtensionSet& extensions) {
  extrinsic->signer = key.public_key;
  const std::string message = SigningBytes(*extrinsic, context, extensions);
  crypto_sign_detached(extrinsic->signature.data(), nullptr,
                       reinterpret_cast<const uint8_t*>(message.data()), message.size(),
                       key.secret_key.data());
}

Status VerifyExtrinsic(const Extrinsic& extrinsic, const SigningContext& context,
                       const ExtensionSet& extensions) {
  if (!extrinsic.signer) return Status::PermissionDenied("extrinsic: not signed");
  const std::string message = SigningBytes(extrinsic, context, extensions);
  if (crypto_sign_verify_detached(extrinsic.signature.data(),
                                  reinterpret_cast<const uint8_t*>(message.data()), message.size(),
                                  extrinsic.signer->data()) != 0) {
    return Status::PermissionDenied("extrinsic: bad signature");
  }
  return Status::OK();
}

std::string EncodeExtrinsic(const Extrinsic& extrinsic, const ExtensionSet& extensions) {
  ScaleWriter body;
  if (extrinsic.signer) {
    body.U8(kVersionSigned);
    body.U8(kMultiAddressId);
    body.Fixed(*extrinsic.signer);
    body.U8(kMultiSignatureEd25519);
    body.Fixed(extrinsic.signature);
    WriteExtra(&body, extrinsic, extensions);
  } else {
    body.U8(kVersionUnsigned);
  }
  body.Raw(extrinsic.call);
  ScaleWriter out;
  out.Bytes(body.data());
  return out.Take();
}

Result<Extrinsic> DecodeExtrinsic(std::span<const uint8_t> bytes, const ExtensionSet& extensions) {
  ScaleReader outer(bytes);
  const auto body = outer.Bytes(kMaxExtrinsicBytes);
  DDC_RETURN_IF_ERROR(outer.Finish("extrinsic"));
  ScaleReader r(body);
  Extrinsic e;
  const uint8_t version = r.U8();
  if (version == kVersionSigned) {
    if (r.U8() != kMultiAddressId) r.Fail("signer is not a MultiAddress::Id");
    e.signer = r.Fixed<32>();
    if (r.U8() != kMultiSignatureEd25519) r.Fail("signature is not MultiSignature::Ed25519");
    e.signature = r.Fixed<64>();
    ReadExtra(&r, &e, extensions);
  } else if (version != kVersionUnsigned) {
    r.Fail("extrinsic version byte " + std::to_string(version) + " (want 0x84 or 0x04)");
  }
  if (r.ok() && r.remaining() < 2) r.Fail("call shorter than its two index bytes");
  const auto call = r.Raw(r.remaining());
  if (!r.ok()) return Status::InvalidArgument("extrinsic: " + r.status().message());
  e.call.assign(reinterpret_cast<const char*>(call.data()), call.size());
  return e;
}

}  // namespace ddc::chain
