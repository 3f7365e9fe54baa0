// ddc.KeyPair, BoxKeyPair, KeyRing, EventBuilder and the store-free event functions: building,
// opening, encoding, decoding and verifying events and event proofs (records.cc has grants,
// tombstones, names and the other proofs).
//
// Signing, sealing, opening and verifying run off the event loop (they return promises);
// making a key pair, adding a key to a ring and encoding or decoding bytes are quick and stay
// synchronous.
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "async.h"
#include "binding.h"
#include "convert.h"
#include "ddc/verify.h"

namespace ddc::node {

const napi_type_tag kStoreTag = {0x6464635f73746f72ull, 0x65000000000000a1ull};
const napi_type_tag kTimelineCursorTag = {0x6464635f74696d65ull, 0x6c696e65000000a2ull};
const napi_type_tag kUsersCursorTag = {0x6464635f75736572ull, 0x73000000000000a3ull};
const napi_type_tag kKeyPairTag = {0x6464635f6b657970ull, 0x61697200000000a4ull};
const napi_type_tag kBoxKeyPairTag = {0x6464635f626f786bull, 0x657970616972a5a5ull};
const napi_type_tag kKeyRingTag = {0x6464635f6b657972ull, 0x696e6700000000a6ull};
const napi_type_tag kEventBuilderTag = {0x6464635f6275696cull, 0x646572000000a7a7ull};

namespace {

const char* SignatureName(OpenedEvent::Signature signature) {
  switch (signature) {
    case OpenedEvent::Signature::kVerified:
      return "verified";
    case OpenedEvent::Signature::kTrusted:
      return "trusted";
    case OpenedEvent::Signature::kFailed:
      return "failed";
  }
  return "failed";
}

// ---- ddc.KeyPair ----

class KeyPairWrap : public Napi::ObjectWrap<KeyPairWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "KeyPair",
        {StaticMethod<&KeyPairWrap::Generate>("generate"),
         StaticMethod<&KeyPairWrap::FromSeed>("fromSeed"),
         InstanceAccessor<&KeyPairWrap::PublicKey>("publicKey"),
         InstanceAccessor<&KeyPairWrap::User>("user"), InstanceAccessor<&KeyPairWrap::Seed>("seed"),
         InstanceMethod<&KeyPairWrap::ToString>("toString")});
  }

  // Called only through New(): the first argument is an External holding the key.
  explicit KeyPairWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<KeyPairWrap>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
      ThrowType(info.Env(), "KeyPair: use KeyPair.generate() or KeyPair.fromSeed(seed)");
    }
    key_ = *info[0].As<Napi::External<std::shared_ptr<const SecretKeyPair>>>().Data();
    info.This().As<Napi::Object>().TypeTag(&kKeyPairTag);
  }

  static Napi::Object New(Napi::Env env, const KeyPair& key) {
    auto held = std::make_shared<const SecretKeyPair>(key);
    return Data(env).key_pair_class.New(
        {Napi::External<std::shared_ptr<const SecretKeyPair>>::New(env, &held)});
  }

  const std::shared_ptr<const SecretKeyPair>& key() const { return key_; }

 private:
  static Napi::Value Generate(const Napi::CallbackInfo& info) {
    return New(info.Env(), KeyPair::Generate());
  }

  static Napi::Value FromSeed(const Napi::CallbackInfo& info) {
    std::array<uint8_t, 32> seed = Fixed<32>(info[0], "KeyPair.fromSeed: seed");
    Napi::Object pair = New(info.Env(), KeyPair::FromSeed(seed));
    Wipe(seed);
    return pair;
  }

  Napi::Value PublicKey(const Napi::CallbackInfo& info) {
    return BufferOf(info.Env(), std::span<const uint8_t>(key_->key.public_key));
  }
  Napi::Value User(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), ToHex(key_->key.public_key));
  }
  Napi::Value Seed(const Napi::CallbackInfo& info) {
    return BufferOf(info.Env(), std::span<const uint8_t>(key_->key.secret_key).first(32));
  }
  Napi::Value ToString(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), "KeyPair " + ToHex(key_->key.public_key));
  }

  std::shared_ptr<const SecretKeyPair> key_;
};

// ---- ddc.BoxKeyPair ----

class BoxKeyPairWrap : public Napi::ObjectWrap<BoxKeyPairWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "BoxKeyPair",
                       {StaticMethod<&BoxKeyPairWrap::Generate>("generate"),
                        StaticMethod<&BoxKeyPairWrap::FromSeed>("fromSeed"),
                        StaticMethod<&BoxKeyPairWrap::FromSigningKey>("fromSigningKey"),
                        InstanceAccessor<&BoxKeyPairWrap::PublicKey>("publicKey"),
                        InstanceMethod<&BoxKeyPairWrap::ToString>("toString")});
  }

  explicit BoxKeyPairWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BoxKeyPairWrap>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
      ThrowType(info.Env(),
                "BoxKeyPair: use BoxKeyPair.generate(), fromSeed(seed) or fromSigningKey(key)");
    }
    key_ = *info[0].As<Napi::External<std::shared_ptr<const SecretBoxKeyPair>>>().Data();
    info.This().As<Napi::Object>().TypeTag(&kBoxKeyPairTag);
  }

  static Napi::Object New(Napi::Env env, const BoxKeyPair& key) {
    auto held = std::make_shared<const SecretBoxKeyPair>(key);
    return Data(env).box_key_pair_class.New(
        {Napi::External<std::shared_ptr<const SecretBoxKeyPair>>::New(env, &held)});
  }

  const std::shared_ptr<const SecretBoxKeyPair>& key() const { return key_; }

 private:
  static Napi::Value Generate(const Napi::CallbackInfo& info) {
    return New(info.Env(), BoxKeyPair::Generate());
  }
  static Napi::Value FromSeed(const Napi::CallbackInfo& info) {
    std::array<uint8_t, 32> seed = Fixed<32>(info[0], "BoxKeyPair.fromSeed: seed");
    Napi::Object pair = New(info.Env(), BoxKeyPair::FromSeed(seed));
    Wipe(seed);
    return pair;
  }
  static Napi::Value FromSigningKey(const Napi::CallbackInfo& info) {
    std::shared_ptr<const SecretKeyPair> key = KeyPairOf(info[0], "BoxKeyPair.fromSigningKey: key");
    return New(info.Env(), BoxKeyPair::FromSigningKey(key->key));
  }
  Napi::Value PublicKey(const Napi::CallbackInfo& info) {
    return BufferOf(info.Env(), std::span<const uint8_t>(key_->key.public_key));
  }
  Napi::Value ToString(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), "BoxKeyPair " + ToHex(key_->key.public_key));
  }

  std::shared_ptr<const SecretBoxKeyPair> key_;
};

// ---- ddc.KeyRing ----

class KeyRingWrap : public Napi::ObjectWrap<KeyRingWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "KeyRing",
                       {InstanceMethod<&KeyRingWrap::AddMasterKey>("addMasterKey"),
                        InstanceMethod<&KeyRingWrap::AddScopeKey>("addScopeKey"),
                        InstanceMethod<&KeyRingWrap::AddGrant>("addGrant"),
                        InstanceMethod<&KeyRingWrap::ScopeKey>("scopeKey")});
  }

  explicit KeyRingWrap(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<KeyRingWrap>(info), ring_(std::make_shared<SharedKeyRing>()) {
    info.This().As<Napi::Object>().TypeTag(&kKeyRingTag);
  }

  const std::shared_ptr<SharedKeyRing>& ring() const { return ring_; }

 private:
  // addMasterKey(bucket, user | null, master, newestVersion = 1)
  void AddMasterKey(const Napi::CallbackInfo& info) {
    uint64_t bucket = U64(info[0], "addMasterKey: bucket");
    std::optional<PublicKey> user = OptionalKey(info[1], "addMasterKey: user");
    MasterKey master = Fixed<32>(info[2], "addMasterKey: master");
    uint32_t version = IsMissing(info[3]) ? 1 : U32(info[3], "addMasterKey: newestVersion");
    std::unique_lock lock(ring_->mutex);
    ring_->ring.AddMasterKey(bucket, user, master, version);
    Wipe(master);
  }

  // addScopeKey(bucket, user | null, scope, keyVersion, key)
  void AddScopeKey(const Napi::CallbackInfo& info) {
    uint64_t bucket = U64(info[0], "addScopeKey: bucket");
    std::optional<PublicKey> user = OptionalKey(info[1], "addScopeKey: user");
    std::string scope = String(info[2], "addScopeKey: scope");
    uint32_t version = U32(info[3], "addScopeKey: keyVersion");
    ddc::ScopeKey key = Fixed<32>(info[4], "addScopeKey: key");
    Status status;
    {
      std::unique_lock lock(ring_->mutex);
      status = ring_->ring.AddScopeKey(bucket, user, scope, version, key);
    }
    Wipe(key);
    if (!status.ok()) Throw(info.Env(), status);
  }

  // addGrant(grant, grantee) -> Promise<void>: unwraps a grant made for `grantee` (a
  // BoxKeyPair) and holds its scope key.
  Napi::Value AddGrant(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Async(env, [&] {
      std::string grant = Bytes(info[0], "addGrant: grant");
      std::shared_ptr<const SecretBoxKeyPair> grantee = BoxKeyPairOf(info[1], "addGrant: grantee");
      return Run<Done>(
          env,
          [ring = ring_, grant = std::move(grant), grantee]() -> Result<Done> {
            Result<Grant> decoded = DecodeGrant(Span(grant));
            if (!decoded.ok()) return decoded.status();
            Result<ddc::ScopeKey> key = OpenGrant(*decoded, grantee->key);
            if (!key.ok()) return key.status();
            Status status;
            {
              std::unique_lock lock(ring->mutex);
              status = ring->ring.AddScopeKey(decoded->bucket, decoded->user, decoded->scope,
                                              decoded->key_version, *key);
            }
            Wipe(*key);
            return FromStatus(status);
          },
          [](Napi::Env e, Done&) { return e.Undefined(); });
    });
  }

  // scopeKey(bucket, user, scope, keyVersion = 1) -> Promise<Buffer>
  Napi::Value ScopeKey(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Async(env, [&] {
      uint64_t bucket = U64(info[0], "scopeKey: bucket");
      ddc::PublicKey user = Fixed<32>(info[1], "scopeKey: user");
      std::string scope = String(info[2], "scopeKey: scope");
      uint32_t version = IsMissing(info[3]) ? 1 : U32(info[3], "scopeKey: keyVersion");
      return Run<ddc::ScopeKey>(
          env,
          [ring = ring_, bucket, user, scope = std::move(scope), version] {
            std::shared_lock lock(ring->mutex);
            return ring->ring.ScopeKeyFor(bucket, user, scope, version);
          },
          [](Napi::Env e, ddc::ScopeKey& key) {
            Napi::Buffer<uint8_t> out = BufferOf(e, std::span<const uint8_t>(key));
            Wipe(key);
            return out;
          });
    });
  }

  std::shared_ptr<SharedKeyRing> ring_;
};

// ---- ddc.EventBuilder ----

// What one event of build/buildBatch is made of, owning its strings.
struct Input {
  uint64_t bucket = 0;
  std::string id;
  std::string type;
  uint64_t timestamp_ms = 0;
  std::optional<Cid> prev;
  std::string json;

  EventInput View() const {
    return EventInput{.bucket = bucket,
                      .id = id,
                      .type = type,
                      .timestamp_ms = timestamp_ms,
                      .prev = prev,
                      .json = json};
  }
};

Input InputFrom(const Napi::Object& o, const std::string& what) {
  Input input;
  input.bucket = U64(o.Get("bucket"), what + ".bucket");
  input.id = String(o.Get("id"), what + ".id");
  input.type = String(o.Get("type"), what + ".type");
  Napi::Value data = o.Get("data");
  if (data.IsUndefined()) ThrowType(o.Env(), what + ".data: missing");
  input.json = JsonText(data, what + ".data");
  Napi::Value time = o.Get("timestampMs");
  input.timestamp_ms = IsMissing(time) ? NowMs() : U64(time, what + ".timestampMs");
  Napi::Value prev = o.Get("prev");
  if (!IsMissing(prev)) input.prev = ParseCid(prev, what + ".prev");
  return input;
}

class EventBuilderWrap : public Napi::ObjectWrap<EventBuilderWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "EventBuilder",
                       {InstanceAccessor<&EventBuilderWrap::Policy>("policy"),
                        InstanceMethod<&EventBuilderWrap::Build>("build"),
                        InstanceMethod<&EventBuilderWrap::BuildBatch>("buildBatch")});
  }

  // new EventBuilder(policy?, {compress, zstdLevel, compressMinBytes})
  explicit EventBuilderWrap(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<EventBuilderWrap>(info) {
    Napi::Env env = info.Env();
    ScopePolicy policy;
    if (!IsMissing(info[0])) {
      policy = Take(env, ScopePolicy::FromJson(JsonText(info[0], "EventBuilder: policy")));
    }
    Napi::Object o =
        Options(info[1], "EventBuilder: options", {"compress", "zstdLevel", "compressMinBytes"});
    BuilderOptions options;
    if (!IsMissing(o.Get("compress"))) options.compress = Bool(o.Get("compress"), "compress");
    if (!IsMissing(o.Get("zstdLevel"))) {
      options.zstd_level = static_cast<int>(U32(o.Get("zstdLevel"), "zstdLevel"));
    }
    if (!IsMissing(o.Get("compressMinBytes"))) {
      options.compress_min_bytes = U64(o.Get("compressMinBytes"), "compressMinBytes");
    }
    builder_ =
        std::make_shared<const EventBuilder>(Take(env, EventBuilder::Create(policy, options)));
    info.This().As<Napi::Object>().TypeTag(&kEventBuilderTag);
  }

 private:
  Napi::Value Policy(const Napi::CallbackInfo& info) {
    return ParseJson(info.Env(), builder_->policy().ToJson());
  }

  // build({bucket, id, type, data, keys, userKey, timestampMs?, prev?}) -> Promise<Buffer>
  Napi::Value Build(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Async(env, [&] {
      Napi::Object o =
          Options(info[0], "build",
                  {"bucket", "id", "type", "data", "keys", "userKey", "timestampMs", "prev"});
      Input input = InputFrom(o, "build");
      std::shared_ptr<SharedKeyRing> keys = KeyRingOf(o.Get("keys"), "build.keys");
      std::shared_ptr<const SecretKeyPair> user = KeyPairOf(o.Get("userKey"), "build.userKey");
      return Run<std::string>(
          env,
          [builder = builder_, input = std::move(input), keys, user]() -> Result<std::string> {
            Result<Event> event = Status::InvalidArgument("unset");
            {
              std::shared_lock lock(keys->mutex);
              event = builder->Build(input.View(), keys->ring, user->key);
            }
            if (!event.ok()) return event.status();
            return EncodeEvent(*event);
          },
          [](Napi::Env e, std::string& bytes) { return BufferOf(e, bytes); });
    });
  }

  // buildBatch(items, {keys, userKey}) -> Promise<Buffer[]>: the events of one user signed at
  // once (SignBatch). Each item has build's fields except keys and userKey.
  Napi::Value BuildBatch(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Async(env, [&] {
      if (!info[0].IsArray()) ThrowType(env, "buildBatch: items: want an array");
      Napi::Array items = info[0].As<Napi::Array>();
      std::vector<Input> inputs;
      for (uint32_t i = 0; i < items.Length(); ++i) {
        std::string what = "buildBatch: items[" + std::to_string(i) + "]";
        Napi::Object o =
            Options(items.Get(i), what, {"bucket", "id", "type", "data", "timestampMs", "prev"});
        inputs.push_back(InputFrom(o, what));
      }
      Napi::Object o = Options(info[1], "buildBatch: options", {"keys", "userKey"});
      std::shared_ptr<SharedKeyRing> keys = KeyRingOf(o.Get("keys"), "buildBatch: keys");
      std::shared_ptr<const SecretKeyPair> user =
          KeyPairOf(o.Get("userKey"), "buildBatch: userKey");
      return Run<std::vector<std::string>>(
          env,
          [builder = builder_, inputs = std::move(inputs), keys,
           user]() -> Result<std::vector<std::string>> {
            std::vector<Event> events;
            {
              std::shared_lock lock(keys->mutex);
              for (const Input& input : inputs) {
                Result<Event> event =
                    builder->BuildUnsigned(input.View(), keys->ring, user->key.public_key);
                if (!event.ok()) return event.status();
                events.push_back(std::move(*event));
              }
            }
            if (Status status = SignBatch(events, user->key); !status.ok()) return status;
            std::vector<std::string> encoded;
            for (const Event& event : events) {
              Result<std::string> bytes = EncodeEvent(event);
              if (!bytes.ok()) return bytes.status();
              encoded.push_back(std::move(*bytes));
            }
            return encoded;
          },
          [](Napi::Env e, std::vector<std::string>& encoded) {
            Napi::Array out = Napi::Array::New(e, encoded.size());
            for (size_t i = 0; i < encoded.size(); ++i) {
              out.Set(static_cast<uint32_t>(i), BufferOf(e, encoded[i]));
            }
            return out;
          });
    });
  }

  std::shared_ptr<const EventBuilder> builder_;
};

// ---- Functions ----

Napi::Value GenerateMasterKeyJs(const Napi::CallbackInfo& info) {
  MasterKey key = GenerateMasterKey();
  Napi::Buffer<uint8_t> out = BufferOf(info.Env(), std::span<const uint8_t>(key));
  Wipe(key);
  return out;
}

// openEvent(event, keys, {trusted}) -> Promise<Opened>
Napi::Value OpenEventJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    std::string bytes = EventBytes(info[0], "openEvent: event");
    std::shared_ptr<SharedKeyRing> keys = KeyRingOf(info[1], "openEvent: keys");
    Napi::Object o = Options(info[2], "openEvent: options", {"trusted"});
    bool trusted = !IsMissing(o.Get("trusted")) && Bool(o.Get("trusted"), "trusted");
    return Run<OpenedEvent>(
        env,
        [bytes = std::move(bytes), keys, trusted]() -> Result<OpenedEvent> {
          Result<Event> event = DecodeEvent(Span(bytes));
          if (!event.ok()) return event.status();
          std::shared_lock lock(keys->mutex);
          return EventReader().Open(*event, keys->ring, {.signature_already_verified = trusted});
        },
        [](Napi::Env e, OpenedEvent& opened) { return OpenedToObject(e, opened); },
        ErrorKind::kEvent);
  });
}

Napi::Value DecodeEventJs(const Napi::CallbackInfo& info) {
  std::string bytes = Bytes(info[0], "decodeEvent: event");
  Event event = Take(info.Env(), DecodeEvent(Span(bytes)), ErrorKind::kEvent);
  return EventToObject(info.Env(), event, EventCid(Span(bytes)));
}

Napi::Value EncodeEventJs(const Napi::CallbackInfo& info) {
  if (!info[0].IsObject() || info[0].IsTypedArray()) {
    ThrowType(info.Env(), "encodeEvent: event: want an event object");
  }
  return BufferOf(info.Env(), EventBytes(info[0], "encodeEvent: event"));
}

Napi::Value EventCidJs(const Napi::CallbackInfo& info) {
  std::string bytes = EventBytes(info[0], "eventCid: event");
  return Napi::String::New(info.Env(), EventCid(Span(bytes)).ToString());
}

// verifyEvent(event) -> Promise<event object>: decodes and checks the user's signature.
Napi::Value VerifyEventJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    auto bytes = std::make_shared<const std::string>(EventBytes(info[0], "verifyEvent: event"));
    return Run<Event>(
        env, [bytes] { return DecodeAndVerifyEvent(Span(*bytes)); },
        [bytes](Napi::Env e, Event& event) {
          return EventToObject(e, event, EventCid(Span(*bytes)));
        },
        ErrorKind::kEvent);
  });
}

// verifyEventProof(proof, verifierKey) -> Promise<VerifiedEvent>
Napi::Value VerifyEventProofJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    std::string proof = Bytes(info[0], "verifyEventProof: proof");
    std::string key = String(info[1], "verifyEventProof: verifierKey");
    return Run<VerifiedEvent>(
        env,
        [proof = std::move(proof), key = std::move(key)]() -> Result<VerifiedEvent> {
          Result<EventProof> decoded = DecodeEventProof(Span(proof));
          if (!decoded.ok()) return decoded.status();
          return VerifyEventProof(*decoded, key);
        },
        [](Napi::Env e, VerifiedEvent& verified) { return VerifiedEventToObject(e, verified); },
        ErrorKind::kEvent);
  });
}

}  // namespace

std::shared_ptr<const SecretKeyPair> KeyPairOf(const Napi::Value& value, const std::string& what) {
  return UnwrapAs<KeyPairWrap>(value, kKeyPairTag, what, "KeyPair")->key();
}

std::shared_ptr<const SecretBoxKeyPair> BoxKeyPairOf(const Napi::Value& value,
                                                     const std::string& what) {
  return UnwrapAs<BoxKeyPairWrap>(value, kBoxKeyPairTag, what, "BoxKeyPair")->key();
}

std::shared_ptr<SharedKeyRing> KeyRingOf(const Napi::Value& value, const std::string& what) {
  return UnwrapAs<KeyRingWrap>(value, kKeyRingTag, what, "KeyRing")->ring();
}

BoxPublicKey GranteeKey(const Napi::Value& value, const std::string& what) {
  if (value.IsObject() && value.As<Napi::Object>().CheckTypeTag(&kBoxKeyPairTag)) {
    return BoxKeyPairOf(value, what)->key.public_key;
  }
  return Fixed<32>(value, what);
}

Napi::Object OpenedToObject(Napi::Env env, const OpenedEvent& opened) {
  Napi::Array scopes = Napi::Array::New(env, opened.scopes.size());
  for (size_t i = 0; i < opened.scopes.size(); ++i) {
    const ScopeState& state = opened.scopes[i];
    Napi::Object s = Napi::Object::New(env);
    s.Set("name", state.name);
    s.Set("public", state.is_public);
    s.Set("key_version", Napi::Number::New(env, state.key_version));
    s.Set("outcome", OutcomeName(state.outcome));
    s.Set("message", state.message);
    scopes.Set(static_cast<uint32_t>(i), s);
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("data", ParseJson(env, opened.json));
  o.Set("scopes", scopes);
  o.Set("signature", SignatureName(opened.signature));
  o.Set("signature_error", opened.signature == OpenedEvent::Signature::kFailed
                               ? Napi::Value(Napi::String::New(env, opened.signature_error))
                               : env.Null());
  o.Set("complete", opened.complete());
  return o;
}

void InitEvents(Napi::Env env, Napi::Object exports) {
  AddonData& data = Data(env);
  Napi::Function key_pair = KeyPairWrap::Define(env);
  data.key_pair_class = Napi::Persistent(key_pair);
  exports.Set("KeyPair", key_pair);
  Napi::Function box_key_pair = BoxKeyPairWrap::Define(env);
  data.box_key_pair_class = Napi::Persistent(box_key_pair);
  exports.Set("BoxKeyPair", box_key_pair);
  Napi::Function key_ring = KeyRingWrap::Define(env);
  data.key_ring_class = Napi::Persistent(key_ring);
  exports.Set("KeyRing", key_ring);
  Napi::Function builder = EventBuilderWrap::Define(env);
  data.event_builder_class = Napi::Persistent(builder);
  exports.Set("EventBuilder", builder);

  exports.Set("generateMasterKey", Napi::Function::New<GenerateMasterKeyJs>(env));
  exports.Set("openEvent", Napi::Function::New<OpenEventJs>(env));
  exports.Set("decodeEvent", Napi::Function::New<DecodeEventJs>(env));
  exports.Set("encodeEvent", Napi::Function::New<EncodeEventJs>(env));
  exports.Set("eventCid", Napi::Function::New<EventCidJs>(env));
  exports.Set("verifyEvent", Napi::Function::New<VerifyEventJs>(env));
  exports.Set("verifyEventProof", Napi::Function::New<VerifyEventProofJs>(env));
}

}  // namespace ddc::node
