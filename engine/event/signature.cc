// Event signatures: ed25519 (libsodium) over the single-event message or over a batch root.
// docs/FORMAT.md, "Event signatures", gives both messages byte by byte.
#include <sodium.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ddc/event.h"
#include "engine/base/coding.h"
#include "engine/base/hash.h"
#include "engine/base/macros.h"
#include "engine/event/batch_tree.h"
#include "engine/event/event_internal.h"
#include "engine/timeline/merkle.h"

namespace ddc {
namespace {

static_assert(crypto_sign_PUBLICKEYBYTES == sizeof(PublicKey));
static_assert(crypto_sign_BYTES == sizeof(Signature));
static_assert(crypto_sign_SECRETKEYBYTES == sizeof(KeyPair::secret_key));
static_assert(crypto_sign_SEEDBYTES == 32);

// "ddc-batch-v1\n" || size (8 bytes, little-endian) || root.
constexpr size_t kBatchMessageBytes = event_internal::kBatchDomain.size() + 8 + sizeof(Hash32);
using BatchMessage = std::array<uint8_t, kBatchMessageBytes>;

BatchMessage MakeBatchMessage(const Hash32& root, uint64_t size) {
  BatchMessage m{};
  std::memcpy(m.data(), event_internal::kBatchDomain.data(), event_internal::kBatchDomain.size());
  EncodeFixed64(m.data() + event_internal::kBatchDomain.size(), size);
  std::memcpy(m.data() + event_internal::kBatchDomain.size() + 8, root.data(), root.size());
  return m;
}

Signature SignMessage(std::span<const uint8_t> message, const KeyPair& key) {
  EnsureSodium();
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), key.secret_key.data());
  return sig;
}

Status CheckSigner(const Event& event, const KeyPair& key, size_t index) {
  if (event.user != key.public_key) {
    return Status::InvalidArgument(
        "event " + std::to_string(index) + ": user " + event_internal::Hex(event.user) +
        " is not the signing key's public key " + event_internal::Hex(key.public_key));
  }
  return Status::OK();
}

std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

KeyPair KeyPair::Generate() {
  EnsureSodium();
  KeyPair k;
  crypto_sign_keypair(k.public_key.data(), k.secret_key.data());
  return k;
}

KeyPair KeyPair::FromSeed(std::span<const uint8_t, 32> seed) {
  EnsureSodium();
  KeyPair k;
  crypto_sign_seed_keypair(k.public_key.data(), k.secret_key.data(), seed.data());
  return k;
}

Result<std::string> EventSigningBytes(const Event& event) {
  return event_internal::EncodeUnsignedEvent(event, event_internal::kEventDomain);
}

Result<Cid> UnsignedEventCid(const Event& event) {
  DDC_ASSIGN_OR_RETURN(const std::string bytes, event_internal::EncodeUnsignedEvent(event, {}));
  return Cid::Of(Codec::kDagCbor, bytes);
}

Status SignEvent(Event* event, const KeyPair& key) {
  DDC_RETURN_IF_ERROR(CheckSigner(*event, key, 0));
  DDC_ASSIGN_OR_RETURN(const std::string message, EventSigningBytes(*event));
  event->batch.reset();
  event->signature = SignMessage(AsBytes(message), key);
  return Status::OK();
}

Status SignBatch(std::span<Event> events, const KeyPair& key) {
  if (events.empty() || events.size() > kMaxBatchEvents) {
    return Status::InvalidArgument("event: a batch has 1.." + std::to_string(kMaxBatchEvents) +
                                   " events, not " + std::to_string(events.size()));
  }
  // Everything that can fail happens before the first event is changed.
  std::vector<timeline::Hash> leaves;
  leaves.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    DDC_RETURN_IF_ERROR(CheckSigner(events[i], key, i));
    Result<Cid> cid = UnsignedEventCid(events[i]);
    if (!cid.ok()) return cid.status().WithContext("batch event " + std::to_string(i));
    leaves.push_back(timeline::LeafHash(cid->ToBytes()));
  }
  const event_internal::BatchTree tree(std::move(leaves));
  const uint64_t size = events.size();
  const Signature sig = SignMessage(MakeBatchMessage(tree.root(), size), key);
  for (size_t i = 0; i < events.size(); ++i) {
    BatchProof& proof = events[i].batch.emplace();
    proof.root = tree.root();
    proof.size = size;
    proof.index = i;
    proof.path = tree.Path(i);
    events[i].signature = sig;
  }
  return Status::OK();
}

Status VerifyBatchSignature(const PublicKey& user, const Hash32& root, uint64_t size,
                            const Signature& signature) {
  EnsureSodium();
  const BatchMessage message = MakeBatchMessage(root, size);
  if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(), user.data()) !=
      0) {
    return event_internal::BadSignature(user, "batch signature");
  }
  return Status::OK();
}

Status VerifyBatchPath(const Event& event) {
  if (!event.batch) return Status::InvalidArgument("event: not batch-signed (no batch field)");
  const BatchProof& batch = *event.batch;
  DDC_ASSIGN_OR_RETURN(const Cid cid, UnsignedEventCid(event));
  const Result<timeline::Hash> root = timeline::RootFromInclusionProof(
      batch.index, batch.size, timeline::LeafHash(cid.ToBytes()), batch.path);
  if (!root.ok()) return root.status().WithContext("event: batch");
  if (*root != batch.root) {
    return Status::InvalidArgument(
        "event: batch path does not lead to the batch root " + event_internal::Hex(batch.root) +
        " (index " + std::to_string(batch.index) + " of " + std::to_string(batch.size) + ")");
  }
  return Status::OK();
}

Status VerifyEventSignature(const Event& event) {
  if (event.batch) {
    DDC_RETURN_IF_ERROR(VerifyBatchPath(event));
    return VerifyBatchSignature(event.user, event.batch->root, event.batch->size, event.signature);
  }
  DDC_ASSIGN_OR_RETURN(const std::string message, EventSigningBytes(event));
  EnsureSodium();
  if (crypto_sign_verify_detached(event.signature.data(), AsBytes(message).data(), message.size(),
                                  event.user.data()) != 0) {
    return event_internal::BadSignature(event.user, "signature");
  }
  return Status::OK();
}

Result<Event> DecodeAndVerifyEvent(std::span<const uint8_t> bytes) {
  DDC_ASSIGN_OR_RETURN(Event event, DecodeEvent(bytes));
  DDC_RETURN_IF_ERROR(VerifyEventSignature(event));
  return event;
}

}  // namespace ddc
