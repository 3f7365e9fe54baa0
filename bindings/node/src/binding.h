// The objects the Node binding's parts share: the per-environment addon data (constructors of
// the wrapped classes and the error classes index.js registers), the key objects workers hold,
// and the functions that define each part's exports.
//
// Native objects reachable from work in flight are held by std::shared_ptr: a JavaScript object
// may be collected while a pool thread still uses what it wraps, and the last owner frees it.
#ifndef DDC_BINDINGS_NODE_BINDING_H_
#define DDC_BINDINGS_NODE_BINDING_H_

#include <napi.h>

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "ddc/cid.h"
#include "ddc/crypto.h"
#include "ddc/erasure.h"
#include "ddc/event.h"
#include "ddc/grants.h"
#include "ddc/names.h"
#include "ddc/scopes.h"

namespace ddc::node {

// Per environment (the main thread and each worker_threads Worker load their own copy).
struct AddonData {
  Napi::FunctionReference store_class;
  Napi::FunctionReference timeline_cursor_class;
  Napi::FunctionReference users_cursor_class;
  Napi::FunctionReference key_pair_class;
  Napi::FunctionReference box_key_pair_class;
  Napi::FunctionReference key_ring_class;
  Napi::FunctionReference event_builder_class;
  // DdcError and its subclasses, by name ("NotFoundError", ...); empty until index.js calls
  // setErrorClasses, and then plain Errors with .code are made instead.
  Napi::ObjectReference error_classes;
};

AddonData& Data(Napi::Env env);

// Type tags: unwrapping checks that an object really is of the class expected, so that a
// KeyPair passed where a KeyRing belongs is a TypeError and never a wrong cast.
extern const napi_type_tag kStoreTag;
extern const napi_type_tag kTimelineCursorTag;
extern const napi_type_tag kUsersCursorTag;
extern const napi_type_tag kKeyPairTag;
extern const napi_type_tag kBoxKeyPairTag;
extern const napi_type_tag kKeyRingTag;
extern const napi_type_tag kEventBuilderTag;

// The wrapped object of `value` when it carries `tag`; TypeError naming `what` and `class_name`
// otherwise.
template <typename Wrap>
Wrap* UnwrapAs(const Napi::Value& value, const napi_type_tag& tag, const std::string& what,
               const char* class_name) {
  if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&tag)) {
    throw Napi::TypeError::New(value.Env(), what + ": want a ddc." + class_name);
  }
  return Napi::ObjectWrap<Wrap>::Unwrap(value.As<Napi::Object>());
}

// The secret halves are wiped when the last holder lets go.
struct SecretKeyPair {
  KeyPair key;
  SecretKeyPair() = default;
  explicit SecretKeyPair(const KeyPair& k) : key(k) {}
  SecretKeyPair(const SecretKeyPair&) = delete;
  SecretKeyPair& operator=(const SecretKeyPair&) = delete;
  ~SecretKeyPair() { Wipe(key.secret_key); }
};

struct SecretBoxKeyPair {
  BoxKeyPair key;
  SecretBoxKeyPair() = default;
  explicit SecretBoxKeyPair(const BoxKeyPair& k) : key(k) {}
  SecretBoxKeyPair(const SecretBoxKeyPair&) = delete;
  SecretBoxKeyPair& operator=(const SecretBoxKeyPair&) = delete;
  ~SecretBoxKeyPair() { Wipe(key.secret_key); }
};

// A KeyRing may be read from many threads but not written while read: workers read it under
// the shared lock, adding keys (on the main thread or in a worker) takes it exclusively.
struct SharedKeyRing {
  KeyRing ring;
  mutable std::shared_mutex mutex;
};

// ddc.KeyPair / ddc.BoxKeyPair / ddc.KeyRing as the other parts see them.
std::shared_ptr<const SecretKeyPair> KeyPairOf(const Napi::Value& value, const std::string& what);
std::shared_ptr<const SecretBoxKeyPair> BoxKeyPairOf(const Napi::Value& value,
                                                     const std::string& what);
std::shared_ptr<SharedKeyRing> KeyRingOf(const Napi::Value& value, const std::string& what);
// A BoxKeyPair's public key, or 32 bytes / 64 hex digits.
BoxPublicKey GranteeKey(const Napi::Value& value, const std::string& what);

// {cid, bucket, user (hex or null), scope, key_version, grantee, granter, created_ms}.
Napi::Object GrantToObject(Napi::Env env, const Grant& grant, const Cid& cid);
// {cid, bucket, name, target, sequence, ttl_seconds, created_ms, signer, bytes}.
Napi::Object NameRecordToObject(Napi::Env env, const NameRecord& record, const Cid& cid,
                                std::string_view bytes);

// {event, bucket, user, position, tombstone, timeline_size, timeline_root, timeline_path}.
Napi::Object ErasureProofToObject(Napi::Env env, const ErasureProof& proof);

// {data, scopes: [{name, public, key_version, outcome, message}], signature, signature_error,
//  complete}; `data` is the merged object.
Napi::Object OpenedToObject(Napi::Env env, const OpenedEvent& opened);

// Each part adds its classes and functions to `exports`.
void InitEvents(Napi::Env env, Napi::Object exports);
void InitRecords(Napi::Env env, Napi::Object exports);
void InitStore(Napi::Env env, Napi::Object exports);
void InitCursors(Napi::Env env, Napi::Object exports);

}  // namespace ddc::node

#endif  // DDC_BINDINGS_NODE_BINDING_H_
