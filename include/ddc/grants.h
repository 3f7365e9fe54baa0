// Grants: sharing one scope key with a third party.
//
// A grant hands the key of one scope (at one key version) of one user's events — or, with no
// user, of every user of a bucket whose scopes are sealed under the bucket's app-level master
// key — to a grantee's X25519 public key. The scope key is wrapped with crypto_box_seal, so
// only the grantee can unwrap it; the grant itself is a canonical DAG-CBOR map signed by the
// granter (the user, or the bucket's owner), stored in the engine as a record of its own and
// listed by grantee and by scope (Store::PutGrant, GrantsForGrantee, GrantsForScope).
//
// Revocation is rotation: new events are sealed under the next key version, for which the old
// grantee holds no key, and no further grant is made. Erasing a user (erasure.h) destroys the
// user's grants: the store stops serving them.
//
// Byte layout: docs/FORMAT.md, "Grant, version 1". Pure functions, thread-safe.
#ifndef DDC_GRANTS_H_
#define DDC_GRANTS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "ddc/cid.h"
#include "ddc/crypto.h"
#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc {

inline constexpr uint64_t kGrantVersion = 1;

struct Grant {
  uint64_t bucket = 0;
  std::optional<PublicKey> user;  // Absent: every user of the bucket (an app-level key).
  std::string scope;              // A scope name (1..64 bytes of [a-z0-9_.-]).
  uint32_t key_version = 0;
  BoxPublicKey grantee{};  // X25519.
  WrappedKey wrapped_key{};
  PublicKey granter{};  // ed25519: the user, or the bucket's owner.
  uint64_t created_ms = 0;
  Signature signature{};

  bool operator==(const Grant&) const = default;
};

// A grant as the store keeps it.
struct GrantRecord {
  Cid cid;
  Grant grant;
  std::string bytes;  // The encoded, signed grant, as stored.
};

// Canonical encoding (validating every field first); DecodeGrant is strict and does not check
// the signature. Errors start with "grant: ".
Result<std::string> EncodeGrant(const Grant& grant);
Result<Grant> DecodeGrant(std::span<const uint8_t> bytes);
// CIDv1 dag-cbor of an encoded grant.
Cid GrantCid(std::span<const uint8_t> encoded);

// Signs with `granter` (sets grant->granter and the signature) / verifies the signature.
Status SignGrant(Grant* grant, const KeyPair& granter);
Status VerifyGrantSignature(const Grant& grant);

// The whole granter side: derives the scope key of (scope, key_version) from `master`, wraps
// it for `grantee` and signs. `user` is absent for an app-level grant.
Result<Grant> MakeGrant(const MasterKey& master, uint64_t bucket,
                        const std::optional<PublicKey>& user, std::string_view scope,
                        uint32_t key_version, const BoxPublicKey& grantee, const KeyPair& granter,
                        uint64_t created_ms);

// The grantee side: checks that the grant is for `grantee` and unwraps the scope key.
// PermissionDenied when it is for another key or the wrapped key was altered.
Result<ScopeKey> OpenGrant(const Grant& grant, const BoxKeyPair& grantee);

}  // namespace ddc

#endif  // DDC_GRANTS_H_
