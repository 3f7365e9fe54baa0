#include "engine/event/signed_map.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "engine/base/macros.h"

namespace ddc::signed_map {

Status Read(std::span<const uint8_t> bytes, std::string_view what, size_t max_bytes,
            const std::function<Status(std::string_view key, const cbor::Item& item)>& field) {
  const std::string prefix(what);
  if (bytes.size() > max_bytes) {
    return Status::InvalidArgument(prefix + ": " + std::to_string(bytes.size()) +
                                   " bytes, more than " + std::to_string(max_bytes));
  }
  cbor::Reader reader(bytes, 2);
  Result<cbor::Item> top = reader.Next();
  if (!top.ok()) return top.status().WithContext(prefix);
  if (top->kind != cbor::Kind::kMap) {
    return Status::InvalidArgument(prefix + ": top-level item is a " + cbor::KindName(top->kind) +
                                   ", want a map");
  }
  for (uint64_t i = 0; i < top->value; ++i) {
    Result<cbor::Item> key = reader.Next();
    if (!key.ok()) return key.status().WithContext(prefix);
    Result<cbor::Item> value = reader.Next();
    if (!value.ok()) return value.status().WithContext(prefix);
    if (value->kind == cbor::Kind::kArray || value->kind == cbor::Kind::kMap) {
      return Status::InvalidArgument(prefix + ": \"" + std::string(key->text()) + "\" is a " +
                                     cbor::KindName(value->kind) + " at byte " +
                                     std::to_string(value->offset) + ", want a scalar");
    }
    Status s = field(key->text(), *value);
    if (!s.ok()) {
      return Status::InvalidArgument(prefix + ": " + s.message() + " at byte " +
                                     std::to_string(value->offset));
    }
  }
  Status finish = reader.Finish();
  if (!finish.ok()) return finish.WithContext(prefix);
  return Status::OK();
}

Result<uint64_t> Uint(std::string_view key, const cbor::Item& item) {
  if (item.kind != cbor::Kind::kUint) {
    return Status::InvalidArgument(std::string(key) + " is a " + cbor::KindName(item.kind) +
                                   ", want an unsigned integer");
  }
  return item.value;
}

Result<std::string_view> Text(std::string_view key, const cbor::Item& item) {
  if (item.kind != cbor::Kind::kText) {
    return Status::InvalidArgument(std::string(key) + " is a " + cbor::KindName(item.kind) +
                                   ", want a text string");
  }
  return item.text();
}

template <size_t N>
Status FixedBytes(std::string_view key, const cbor::Item& item, std::array<uint8_t, N>* out) {
  if (item.kind != cbor::Kind::kBytes) {
    return Status::InvalidArgument(std::string(key) + " is a " + cbor::KindName(item.kind) +
                                   ", want a byte string");
  }
  if (item.data.size() != N) {
    return Status::InvalidArgument(std::string(key) + " is " + std::to_string(item.data.size()) +
                                   " bytes, want " + std::to_string(N));
  }
  std::copy(item.data.begin(), item.data.end(), out->begin());
  return Status::OK();
}

template Status FixedBytes<32>(std::string_view, const cbor::Item&, std::array<uint8_t, 32>*);
template Status FixedBytes<64>(std::string_view, const cbor::Item&, std::array<uint8_t, 64>*);
template Status FixedBytes<80>(std::string_view, const cbor::Item&, std::array<uint8_t, 80>*);

namespace {
std::string Message(std::string_view domain, const std::string& unsigned_encoding) {
  std::string m;
  m.reserve(domain.size() + unsigned_encoding.size());
  m.append(domain);
  m.append(unsigned_encoding);
  return m;
}
}  // namespace

Signature Sign(std::string_view domain, const std::string& unsigned_encoding, const KeyPair& key) {
  const std::string m = Message(domain, unsigned_encoding);
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const uint8_t*>(m.data()), m.size(),
                       key.secret_key.data());
  return sig;
}

bool Verify(std::string_view domain, const std::string& unsigned_encoding, const PublicKey& signer,
            const Signature& signature) {
  const std::string m = Message(domain, unsigned_encoding);
  return crypto_sign_verify_detached(signature.data(), reinterpret_cast<const uint8_t*>(m.data()),
                                     m.size(), signer.data()) == 0;
}

}  // namespace ddc::signed_map
