// The store-free records and proofs: making and decoding grants, tombstones and name records,
// and checking checkpoints, consistency proofs and erasure proofs with public keys alone.
// Signing and verifying run off the event loop; decoding is quick and synchronous.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "async.h"
#include "binding.h"
#include "convert.h"
#include "ddc/erasure.h"
#include "ddc/grants.h"
#include "ddc/names.h"
#include "ddc/verify.h"

namespace ddc::node {

namespace {

ErasureProof ErasureProofFromObject(const Napi::Value& value) {
  const std::string what = "verifyErasureProof: proof";
  if (!value.IsObject()) ThrowType(value.Env(), what + ": want an object from proveErasure");
  Napi::Object o = value.As<Napi::Object>();
  ErasureProof proof;
  proof.event = ParseCid(o.Get("event"), what + ".event");
  proof.bucket = U64(o.Get("bucket"), what + ".bucket");
  proof.user = Fixed<32>(o.Get("user"), what + ".user");
  proof.position = U64(o.Get("position"), what + ".position");
  proof.tombstone = Bytes(o.Get("tombstone"), what + ".tombstone");
  proof.timeline_size = U64(o.Get("timeline_size"), what + ".timeline_size");
  proof.timeline_root = Fixed<32>(o.Get("timeline_root"), what + ".timeline_root");
  Napi::Value path = o.Get("timeline_path");
  if (!path.IsArray()) ThrowType(value.Env(), what + ".timeline_path: want an array");
  Napi::Array hashes = path.As<Napi::Array>();
  for (uint32_t i = 0; i < hashes.Length(); ++i) {
    proof.timeline_path.push_back(Fixed<32>(hashes.Get(i), what + ".timeline_path"));
  }
  return proof;
}

// makeGrant(master, {bucket, user, scope, keyVersion, grantee, granter, createdMs})
//   -> Promise<Buffer>
Napi::Value MakeGrantJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    MasterKey master = Fixed<32>(info[0], "makeGrant: master");
    Napi::Object o =
        Options(info[1], "makeGrant: options",
                {"bucket", "user", "scope", "keyVersion", "grantee", "granter", "createdMs"});
    uint64_t bucket = U64(o.Get("bucket"), "makeGrant: bucket");
    std::optional<PublicKey> user = OptionalKey(o.Get("user"), "makeGrant: user");
    std::string scope = String(o.Get("scope"), "makeGrant: scope");
    uint32_t version = IsMissing(o.Get("keyVersion")) ? 1 : U32(o.Get("keyVersion"), "keyVersion");
    BoxPublicKey grantee = GranteeKey(o.Get("grantee"), "makeGrant: grantee");
    std::shared_ptr<const SecretKeyPair> granter =
        KeyPairOf(o.Get("granter"), "makeGrant: granter");
    uint64_t created =
        IsMissing(o.Get("createdMs")) ? NowMs() : U64(o.Get("createdMs"), "makeGrant: createdMs");
    return Run<std::string>(
        env,
        [master, bucket, user, scope = std::move(scope), version, grantee, granter,
         created]() mutable -> Result<std::string> {
          Result<Grant> grant =
              MakeGrant(master, bucket, user, scope, version, grantee, granter->key, created);
          Wipe(master);
          if (!grant.ok()) return grant.status();
          return EncodeGrant(*grant);
        },
        [](Napi::Env e, std::string& bytes) { return BufferOf(e, bytes); });
  });
}

Napi::Value DecodeGrantJs(const Napi::CallbackInfo& info) {
  std::string bytes = Bytes(info[0], "decodeGrant: grant");
  Grant grant = Take(info.Env(), DecodeGrant(Span(bytes)));
  return GrantToObject(info.Env(), grant, GrantCid(Span(bytes)));
}

// makeTombstone(signer, {bucket, user?, event?, reason?, timestampMs?}) -> Promise<Buffer>
Napi::Value MakeTombstoneJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    std::shared_ptr<const SecretKeyPair> signer = KeyPairOf(info[0], "makeTombstone: signer");
    Napi::Object o = Options(info[1], "makeTombstone: options",
                             {"bucket", "user", "event", "reason", "timestampMs"});
    Tombstone tombstone;
    tombstone.bucket = U64(o.Get("bucket"), "makeTombstone: bucket");
    std::optional<PublicKey> user = OptionalKey(o.Get("user"), "makeTombstone: user");
    tombstone.user = user ? *user : signer->key.public_key;
    if (!IsMissing(o.Get("event")))
      tombstone.event = ParseCid(o.Get("event"), "makeTombstone: event");
    if (!IsMissing(o.Get("reason")))
      tombstone.reason = String(o.Get("reason"), "makeTombstone: reason");
    tombstone.timestamp_ms = IsMissing(o.Get("timestampMs"))
                                 ? NowMs()
                                 : U64(o.Get("timestampMs"), "makeTombstone: timestampMs");
    return Run<std::string>(
        env,
        [tombstone = std::move(tombstone), signer]() mutable -> Result<std::string> {
          if (Status s = SignTombstone(&tombstone, signer->key); !s.ok()) return s;
          return EncodeTombstone(tombstone);
        },
        [](Napi::Env e, std::string& bytes) { return BufferOf(e, bytes); });
  });
}

// makeName(owner, {bucket, name, target, sequence, ttlSeconds?, createdMs?})
//   -> Promise<Buffer>
Napi::Value MakeNameJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    std::shared_ptr<const SecretKeyPair> owner = KeyPairOf(info[0], "makeName: owner");
    Napi::Object o = Options(info[1], "makeName: options",
                             {"bucket", "name", "target", "sequence", "ttlSeconds", "createdMs"});
    uint64_t bucket = U64(o.Get("bucket"), "makeName: bucket");
    std::string name = String(o.Get("name"), "makeName: name");
    Cid target = ParseCid(o.Get("target"), "makeName: target");
    uint64_t sequence = U64(o.Get("sequence"), "makeName: sequence");
    uint32_t ttl = IsMissing(o.Get("ttlSeconds"))
                       ? kDefaultNameTtlSeconds
                       : U32(o.Get("ttlSeconds"), "makeName: ttlSeconds");
    uint64_t created =
        IsMissing(o.Get("createdMs")) ? NowMs() : U64(o.Get("createdMs"), "makeName: createdMs");
    return Run<std::string>(
        env,
        [owner, bucket, name = std::move(name), target, sequence, ttl,
         created]() -> Result<std::string> {
          Result<NameRecord> record =
              MakeName(bucket, name, target, sequence, ttl, created, owner->key);
          if (!record.ok()) return record.status();
          return EncodeName(*record);
        },
        [](Napi::Env e, std::string& bytes) { return BufferOf(e, bytes); });
  });
}

Napi::Value DecodeNameJs(const Napi::CallbackInfo& info) {
  std::string bytes = Bytes(info[0], "decodeName: record");
  NameRecord record = Take(info.Env(), DecodeName(Span(bytes)));
  return NameRecordToObject(info.Env(), record, NameRecordCid(Span(bytes)), bytes);
}

// verifyCheckpoint(note, verifierKey) -> Promise<Checkpoint>: the note's fields once its
// signature checks under the node's verifier key.
Napi::Value VerifyCheckpointJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    std::string note = String(info[0], "verifyCheckpoint: note");
    std::string key = String(info[1], "verifyCheckpoint: verifierKey");
    return Run<CheckpointRecord>(
        env, [note = std::move(note), key = std::move(key)] { return VerifyCheckpoint(note, key); },
        CheckpointToObject);
  });
}

// verifyConsistencyProof(oldSize, newSize, oldRoot, newRoot, proof) -> Promise<void>: rejects
// unless the tree at newSize extends the one at oldSize (RFC 9162).
Napi::Value VerifyConsistencyProofJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    uint64_t old_size = U64(info[0], "verifyConsistencyProof: oldSize");
    uint64_t new_size = U64(info[1], "verifyConsistencyProof: newSize");
    Hash32 old_root = Fixed<32>(info[2], "verifyConsistencyProof: oldRoot");
    Hash32 new_root = Fixed<32>(info[3], "verifyConsistencyProof: newRoot");
    std::vector<Hash32> proof = HashesFromArray(info[4], "verifyConsistencyProof: proof");
    return Run<Done>(
        env,
        [old_size, new_size, old_root, new_root, proof = std::move(proof)] {
          return FromStatus(VerifyConsistencyProof(old_size, new_size, old_root, new_root, proof));
        },
        Undefined);
  });
}

// verifyErasureProof(proof, {bucketOwner}) -> Promise<void>; rejects naming the failed check.
Napi::Value VerifyErasureProofJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    ErasureProof proof = ErasureProofFromObject(info[0]);
    Napi::Object o = Options(info[1], "verifyErasureProof: options", {"bucketOwner"});
    std::optional<PublicKey> owner = OptionalKey(o.Get("bucketOwner"), "bucketOwner");
    return Run<Done>(
        env,
        [proof = std::move(proof), owner] { return FromStatus(VerifyErasureProof(proof, owner)); },
        Undefined);
  });
}

}  // namespace

Napi::Object GrantToObject(Napi::Env env, const Grant& grant, const Cid& cid) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("cid", cid.ToString());
  o.Set("bucket", U64Value(env, grant.bucket));
  o.Set("user", grant.user ? Napi::Value(Napi::String::New(env, ToHex(*grant.user))) : env.Null());
  o.Set("scope", grant.scope);
  o.Set("key_version", Napi::Number::New(env, grant.key_version));
  o.Set("grantee", ToHex(grant.grantee));
  o.Set("granter", ToHex(grant.granter));
  o.Set("created_ms", U64Value(env, grant.created_ms));
  return o;
}

Napi::Object NameRecordToObject(Napi::Env env, const NameRecord& record, const Cid& cid,
                                std::string_view bytes) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("cid", cid.ToString());
  o.Set("bucket", U64Value(env, record.bucket));
  o.Set("name", record.name);
  o.Set("target", record.target.ToString());
  o.Set("sequence", U64Value(env, record.sequence));
  o.Set("ttl_seconds", Napi::Number::New(env, record.ttl_seconds));
  o.Set("created_ms", U64Value(env, record.created_ms));
  o.Set("signer", ToHex(record.signer));
  o.Set("bytes", BufferOf(env, bytes));
  return o;
}

Napi::Object ErasureProofToObject(Napi::Env env, const ErasureProof& proof) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("event", proof.event.ToString());
  o.Set("bucket", U64Value(env, proof.bucket));
  o.Set("user", ToHex(proof.user));
  o.Set("position", U64Value(env, proof.position));
  o.Set("tombstone", BufferOf(env, proof.tombstone));
  o.Set("timeline_size", U64Value(env, proof.timeline_size));
  o.Set("timeline_root", ToHex(proof.timeline_root));
  o.Set("timeline_path", HashesToArray(env, proof.timeline_path));
  return o;
}

void InitRecords(Napi::Env env, Napi::Object exports) {
  exports.Set("makeGrant", Napi::Function::New<MakeGrantJs>(env));
  exports.Set("decodeGrant", Napi::Function::New<DecodeGrantJs>(env));
  exports.Set("makeTombstone", Napi::Function::New<MakeTombstoneJs>(env));
  exports.Set("makeName", Napi::Function::New<MakeNameJs>(env));
  exports.Set("decodeName", Napi::Function::New<DecodeNameJs>(env));
  exports.Set("verifyCheckpoint", Napi::Function::New<VerifyCheckpointJs>(env));
  exports.Set("verifyConsistencyProof", Napi::Function::New<VerifyConsistencyProofJs>(env));
  exports.Set("verifyErasureProof", Napi::Function::New<VerifyErasureProofJs>(env));
}

}  // namespace ddc::node
