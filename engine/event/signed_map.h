// The shared machinery of ddc's small signed records (grants, tombstones): a flat canonical
// DAG-CBOR map of scalar fields, signed with ed25519 over a domain string followed by the
// encoding of the map without its `sig` field.
#ifndef DDC_ENGINE_EVENT_SIGNED_MAP_H_
#define DDC_ENGINE_EVENT_SIGNED_MAP_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "ddc/event.h"
#include "ddc/status.h"
#include "engine/event/cbor.h"

namespace ddc::signed_map {

// Reads `bytes` as one canonical map of scalar items (unsigned integers, byte and text strings,
// CID links), calling `field` for each pair in order. Errors are InvalidArgument prefixed
// "<what>: " and name the byte offset. A field callback's error gets the prefix too.
Status Read(std::span<const uint8_t> bytes, std::string_view what, size_t max_bytes,
            const std::function<Status(std::string_view key, const cbor::Item& item)>& field);

// Typed accessors for a field callback: InvalidArgument "<key> is a <kind>, want <kind>".
Result<uint64_t> Uint(std::string_view key, const cbor::Item& item);
Result<std::string_view> Text(std::string_view key, const cbor::Item& item);
// A byte string of exactly N bytes.
template <size_t N>
Status FixedBytes(std::string_view key, const cbor::Item& item, std::array<uint8_t, N>* out);

// ed25519 over domain || unsigned encoding.
Signature Sign(std::string_view domain, const std::string& unsigned_encoding, const KeyPair& key);
bool Verify(std::string_view domain, const std::string& unsigned_encoding, const PublicKey& signer,
            const Signature& signature);

}  // namespace ddc::signed_map

#endif  // DDC_ENGINE_EVENT_SIGNED_MAP_H_
