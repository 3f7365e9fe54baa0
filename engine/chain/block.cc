#include "engine/chain/block.h"

#include <sodium.h>

#include "engine/base/hash.h"
#include "engine/base/macros.h"
#include "engine/chain/extrinsic.h"
#include "engine/chain/scale.h"
#include "engine/timeline/merkle.h"

namespace ddc::chain {
namespace {

constexpr uint8_t kDigestSeal = 5;
constexpr std::array<uint8_t, 4> kEngineId = {'d', 'd', 'e', 'v'};

void WriteHeader(ScaleWriter* w, const Header& h, bool with_seal) {
  w->Fixed(h.parent);
  w->Compact(h.number);
  w->Fixed(h.state_root);
  w->Fixed(h.extrinsics_root);
  if (!with_seal) {
    w->Compact(0);
    return;
  }
  w->Compact(1);
  w->U8(kDigestSeal);
  w->Fixed(kEngineId);
  w->Bytes(std::span<const uint8_t>(h.seal));
}

Header ReadHeader(ScaleReader* r) {
  Header h;
  h.parent = r->Fixed<32>();
  h.number = r->Compact(UINT32_MAX);
  h.state_root = r->Fixed<32>();
  h.extrinsics_root = r->Fixed<32>();
  if (r->Count(1) != 1) r->Fail("digest must hold exactly one seal");
  if (r->U8() != kDigestSeal) r->Fail("digest item is not a seal");
  if (r->Fixed<4>() != kEngineId) r->Fail("seal engine id is not \"ddev\"");
  const auto seal = r->Bytes(64);
  if (r->ok() && seal.size() != 64) r->Fail("seal is " + std::to_string(seal.size()) + " bytes");
  if (r->ok()) std::copy(seal.begin(), seal.end(), h.seal.begin());
  return h;
}

}  // namespace

std::string EncodeHeader(const Header& header, bool with_seal) {
  ScaleWriter w;
  WriteHeader(&w, header, with_seal);
  return w.Take();
}

Result<Header> DecodeHeader(std::span<const uint8_t> bytes) {
  ScaleReader r(bytes);
  Header h = ReadHeader(&r);
  DDC_RETURN_IF_ERROR(r.Finish("block header"));
  return h;
}

Hash32 PreSealHash(const Header& header) {
  return Blake2b256(AsByteSpan(EncodeHeader(header, false)));
}

Hash32 BlockHash(const Header& header) {
  return Blake2b256(AsByteSpan(EncodeHeader(header, true)));
}

void SealHeader(Header* header, const KeyPair& authority) {
  const Hash32 h = PreSealHash(*header);
  crypto_sign_detached(header->seal.data(), nullptr, h.data(), h.size(),
                       authority.secret_key.data());
}

Status VerifySeal(const Header& header, const PublicKey& authority) {
  const Hash32 h = PreSealHash(header);
  if (crypto_sign_verify_detached(header.seal.data(), h.data(), h.size(), authority.data()) != 0) {
    return Status::Corruption("block " + std::to_string(header.number) +
                              ": seal does not verify against the authority key");
  }
  return Status::OK();
}

Hash32 ExtrinsicLeaf(std::string_view extrinsic) {
  return timeline::LeafHash(Blake2b256(AsByteSpan(extrinsic)));
}

Hash32 ExtrinsicsRoot(std::span<const std::string> extrinsics) {
  std::vector<timeline::Hash> leaves;
  leaves.reserve(extrinsics.size());
  for (const auto& e : extrinsics) leaves.push_back(ExtrinsicLeaf(e));
  return timeline::RootOfLeaves(leaves);
}

std::vector<Hash32> ExtrinsicPath(std::span<const std::string> extrinsics, uint32_t index) {
  std::vector<timeline::Hash> leaves;
  leaves.reserve(extrinsics.size());
  for (const auto& e : extrinsics) leaves.push_back(ExtrinsicLeaf(e));
  return timeline::InclusionPathOfLeaves(leaves, index);
}

std::string EncodeBlock(const Block& block) {
  ScaleWriter w;
  WriteHeader(&w, block.header, true);
  w.Compact(block.extrinsics.size());
  for (const auto& e : block.extrinsics) w.Raw(e);  // Already length-prefixed.
  return w.Take();
}

Result<Block> DecodeBlock(std::span<const uint8_t> bytes) {
  ScaleReader r(bytes);
  Block b;
  b.header = ReadHeader(&r);
  const uint64_t n = r.Count(kMaxBlockExtrinsics);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    const size_t start = r.offset();
    const uint64_t len = r.Compact(kMaxExtrinsicBytes);
    r.Raw(static_cast<size_t>(len));
    if (!r.ok()) break;
    b.extrinsics.emplace_back(reinterpret_cast<const char*>(bytes.data() + start),
                              r.offset() - start);
  }
  DDC_RETURN_IF_ERROR(r.Finish("block"));
  return b;
}

}  // namespace ddc::chain
