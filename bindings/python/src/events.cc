// ddc.KeyPair, BoxKeyPair, KeyRing, EventBuilder and the store-free functions: building,
// opening, decoding and verifying events, making grants and tombstones.
#include <pybind11/stl.h>

#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "binding.h"
#include "convert.h"
#include "ddc/erasure.h"
#include "ddc/grants.h"
#include "ddc/verify.h"

namespace ddc::python {

using namespace pybind11::literals;  // NOLINT(google-build-using-namespace)

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

// An EventBuilder with what Python passed to make it.
struct PyEventBuilder {
  EventBuilder builder;
};

PyEventBuilder MakeBuilder(py::handle policy, bool compress, int zstd_level,
                           size_t compress_min_bytes) {
  ScopePolicy parsed;
  if (!policy.is_none()) parsed = Take(ScopePolicy::FromJson(DumpJson(policy)));
  BuilderOptions options;
  options.compress = compress;
  options.zstd_level = zstd_level;
  options.compress_min_bytes = compress_min_bytes;
  return PyEventBuilder{Take(EventBuilder::Create(parsed, options))};
}

// What one event of build/build_batch is made of, owning its strings.
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

Input MakeInput(uint64_t bucket, std::string id, std::string type, py::handle data,
                std::optional<uint64_t> timestamp_ms, const std::optional<std::string>& prev) {
  Input input;
  input.bucket = bucket;
  input.id = std::move(id);
  input.type = std::move(type);
  input.json = DumpJson(data);
  input.timestamp_ms = timestamp_ms ? *timestamp_ms : NowMs();
  if (prev) input.prev = ParseCid(*prev);
  return input;
}

py::bytes Build(const PyEventBuilder& self, uint64_t bucket, std::string id, std::string type,
                py::handle data, const PyKeyRing& keys, const PyKeyPair& user_key,
                std::optional<uint64_t> timestamp_ms, const std::optional<std::string>& prev) {
  Input input = MakeInput(bucket, std::move(id), std::move(type), data, timestamp_ms, prev);
  Result<std::string> encoded = Status::InvalidArgument("unset");
  {
    py::gil_scoped_release nogil;
    std::shared_lock lock(keys.mutex);
    Result<Event> event = self.builder.Build(input.View(), keys.ring, user_key.key);
    encoded = event.ok() ? EncodeEvent(*event) : Result<std::string>(event.status());
  }
  return ToBytes(Take(std::move(encoded)));
}

// Several events of one user signed at once (SignBatch). Each item is a dict with the keyword
// arguments of build: bucket, id, type, data, timestamp_ms (optional), prev (optional).
py::list BuildBatch(const PyEventBuilder& self, const py::list& items, const PyKeyRing& keys,
                    const PyKeyPair& user_key) {
  std::vector<Input> inputs;
  for (py::handle item : items) {
    py::dict d = py::reinterpret_borrow<py::dict>(item);
    std::optional<uint64_t> timestamp;
    if (d.contains("timestamp_ms") && !d["timestamp_ms"].is_none()) {
      timestamp = py::cast<uint64_t>(d["timestamp_ms"]);
    }
    std::optional<std::string> prev;
    if (d.contains("prev") && !d["prev"].is_none()) prev = py::cast<std::string>(d["prev"]);
    inputs.push_back(MakeInput(py::cast<uint64_t>(d["bucket"]), py::cast<std::string>(d["id"]),
                               py::cast<std::string>(d["type"]), d["data"], timestamp, prev));
  }
  std::vector<std::string> encoded;
  Status status;
  {
    py::gil_scoped_release nogil;
    std::shared_lock lock(keys.mutex);
    std::vector<Event> events;
    for (const Input& input : inputs) {
      Result<Event> event =
          self.builder.BuildUnsigned(input.View(), keys.ring, user_key.key.public_key);
      if (!event.ok()) {
        status = event.status();
        break;
      }
      events.push_back(std::move(*event));
    }
    if (status.ok()) status = SignBatch(events, user_key.key);
    for (size_t i = 0; status.ok() && i < events.size(); ++i) {
      Result<std::string> bytes = EncodeEvent(events[i]);
      if (bytes.ok()) {
        encoded.push_back(std::move(*bytes));
      } else {
        status = bytes.status();
      }
    }
  }
  Check(status);
  py::list out;
  for (const std::string& bytes : encoded) out.append(ToBytes(bytes));
  return out;
}

py::dict OpenEvent(py::handle event, const PyKeyRing& keys, bool trusted) {
  Event decoded;
  if (py::isinstance<py::dict>(event)) {
    decoded = EventFromDict(py::reinterpret_borrow<py::dict>(event));
  } else {
    py::bytes bytes = py::reinterpret_borrow<py::bytes>(event);
    std::string_view view = View(bytes);
    Result<Event> result = Status::InvalidArgument("unset");
    {
      py::gil_scoped_release nogil;
      result = DecodeEvent(Span(view));
    }
    decoded = Take(std::move(result), ErrorKind::kEvent);
  }
  Result<OpenedEvent> opened = Status::InvalidArgument("unset");
  {
    py::gil_scoped_release nogil;
    std::shared_lock lock(keys.mutex);
    opened = EventReader().Open(decoded, keys.ring, {.signature_already_verified = trusted});
  }
  return OpenedToDict(Take(std::move(opened), ErrorKind::kEvent));
}

py::bytes MakeGrantBytes(const py::bytes& master, uint64_t bucket, py::handle user,
                         const std::string& scope, uint32_t key_version, py::handle grantee,
                         const PyKeyPair& granter, std::optional<uint64_t> created_ms) {
  MasterKey master_key = Fixed<32>(master, "master key");
  BoxPublicKey grantee_key = py::isinstance<PyBoxKeyPair>(grantee)
                                 ? grantee.cast<const PyBoxKeyPair&>().key.public_key
                                 : Fixed<32>(grantee, "grantee");
  std::optional<PublicKey> user_key = OptionalUser(user);
  Result<std::string> encoded = Status::InvalidArgument("unset");
  {
    py::gil_scoped_release nogil;
    Result<Grant> grant = MakeGrant(master_key, bucket, user_key, scope, key_version, grantee_key,
                                    granter.key, created_ms ? *created_ms : NowMs());
    Wipe(master_key);
    encoded = grant.ok() ? EncodeGrant(*grant) : Result<std::string>(grant.status());
  }
  return ToBytes(Take(std::move(encoded)));
}

}  // namespace

py::dict GrantToDict(const Grant& grant, const Cid& cid) {
  py::dict d;
  d["cid"] = cid.ToString();
  d["bucket"] = grant.bucket;
  d["user"] = grant.user ? py::object(py::str(ToHex(*grant.user))) : py::object(py::none());
  d["scope"] = grant.scope;
  d["key_version"] = grant.key_version;
  d["grantee"] = ToHex(grant.grantee);
  d["granter"] = ToHex(grant.granter);
  d["created_ms"] = grant.created_ms;
  return d;
}

py::dict OpenedToDict(const OpenedEvent& opened) {
  py::list scopes;
  for (const ScopeState& state : opened.scopes) {
    py::dict s;
    s["name"] = state.name;
    s["public"] = state.is_public;
    s["key_version"] = state.key_version;
    s["outcome"] = OutcomeName(state.outcome);
    s["message"] = state.message;
    scopes.append(std::move(s));
  }
  py::dict d;
  d["data"] = LoadJson(opened.json);
  d["scopes"] = std::move(scopes);
  d["signature"] = SignatureName(opened.signature);
  d["signature_error"] = opened.signature == OpenedEvent::Signature::kFailed
                             ? py::object(py::str(opened.signature_error))
                             : py::object(py::none());
  d["complete"] = opened.complete();
  return d;
}

void RegisterEvents(py::module_& m) {
  py::class_<PyKeyPair>(m, "KeyPair", "A user's ed25519 key pair (its secret is wiped on del).")
      .def_static(
          "generate", [] { return std::make_unique<PyKeyPair>(KeyPair::Generate()); },
          "A fresh key from the operating system's CSPRNG.")
      .def_static(
          "from_seed",
          [](py::handle seed) {
            std::array<uint8_t, 32> bytes = Fixed<32>(seed, "seed");
            auto pair = std::make_unique<PyKeyPair>(KeyPair::FromSeed(bytes));
            Wipe(bytes);
            return pair;
          },
          "seed"_a, "The key of a 32-byte seed (bytes or hex).")
      .def_property_readonly("public_key",
                             [](const PyKeyPair& self) { return ToBytes(self.key.public_key); })
      .def_property_readonly("user",
                             [](const PyKeyPair& self) { return ToHex(self.key.public_key); })
      .def_property_readonly(
          "seed",
          [](const PyKeyPair& self) { return ToBytes(std::span(self.key.secret_key).first(32)); })
      .def("__repr__", [](const PyKeyPair& self) {
        return "<ddc.KeyPair " + ToHex(self.key.public_key) + ">";
      });

  py::class_<PyBoxKeyPair>(m, "BoxKeyPair", "An X25519 key pair that receives grants.")
      .def_static("generate", [] { return std::make_unique<PyBoxKeyPair>(BoxKeyPair::Generate()); })
      .def_static(
          "from_seed",
          [](py::handle seed) {
            std::array<uint8_t, 32> bytes = Fixed<32>(seed, "seed");
            auto pair = std::make_unique<PyBoxKeyPair>(BoxKeyPair::FromSeed(bytes));
            Wipe(bytes);
            return pair;
          },
          "seed"_a)
      .def_static(
          "from_signing_key",
          [](const PyKeyPair& key) {
            return std::make_unique<PyBoxKeyPair>(BoxKeyPair::FromSigningKey(key.key));
          },
          "key"_a, "The X25519 form of an ed25519 key, so one identity also receives grants.")
      .def_property_readonly("public_key",
                             [](const PyBoxKeyPair& self) { return ToBytes(self.key.public_key); })
      .def("__repr__", [](const PyBoxKeyPair& self) {
        return "<ddc.BoxKeyPair " + ToHex(self.key.public_key) + ">";
      });

  py::class_<PyKeyRing>(m, "KeyRing", "The master and scope keys a builder or reader holds.")
      .def(py::init<>())
      .def(
          "add_master_key",
          [](PyKeyRing& self, uint64_t bucket, py::handle user, const py::bytes& master,
             uint32_t newest_version) {
            std::optional<PublicKey> user_key = OptionalUser(user);
            MasterKey key = Fixed<32>(master, "master key");
            py::gil_scoped_release nogil;
            std::unique_lock lock(self.mutex);
            self.ring.AddMasterKey(bucket, user_key, key, newest_version);
            Wipe(key);
          },
          "bucket"_a, "user"_a, "master"_a, "newest_version"_a = 1)
      .def(
          "add_scope_key",
          [](PyKeyRing& self, uint64_t bucket, py::handle user, const std::string& scope,
             uint32_t key_version, const py::bytes& key) {
            std::optional<PublicKey> user_key = OptionalUser(user);
            ScopeKey scope_key = Fixed<32>(key, "scope key");
            Status status;
            {
              py::gil_scoped_release nogil;
              std::unique_lock lock(self.mutex);
              status = self.ring.AddScopeKey(bucket, user_key, scope, key_version, scope_key);
              Wipe(scope_key);
            }
            Check(status);
          },
          "bucket"_a, "user"_a, "scope"_a, "key_version"_a, "key"_a)
      .def(
          "add_grant",
          [](PyKeyRing& self, const py::bytes& grant, const PyBoxKeyPair& grantee) {
            std::string_view bytes = View(grant);
            Status status;
            {
              py::gil_scoped_release nogil;
              Result<Grant> decoded = DecodeGrant(Span(bytes));
              if (decoded.ok()) {
                Result<ScopeKey> key = OpenGrant(*decoded, grantee.key);
                if (key.ok()) {
                  std::unique_lock lock(self.mutex);
                  status = self.ring.AddScopeKey(decoded->bucket, decoded->user, decoded->scope,
                                                 decoded->key_version, *key);
                  Wipe(*key);
                } else {
                  status = key.status();
                }
              } else {
                status = decoded.status();
              }
            }
            Check(status);
          },
          "grant"_a, "grantee"_a, "Unwraps a grant made for `grantee` and holds its scope key.")
      .def(
          "scope_key",
          [](const PyKeyRing& self, uint64_t bucket, py::handle user, const std::string& scope,
             uint32_t key_version) {
            PublicKey user_key = Fixed<32>(user, "user");
            Result<ScopeKey> key = Status::InvalidArgument("unset");
            {
              py::gil_scoped_release nogil;
              std::shared_lock lock(self.mutex);
              key = self.ring.ScopeKeyFor(bucket, user_key, scope, key_version);
            }
            ScopeKey value = Take(std::move(key));
            py::bytes out = ToBytes(value);
            Wipe(value);
            return out;
          },
          "bucket"_a, "user"_a, "scope"_a, "key_version"_a = 1);

  py::class_<PyEventBuilder>(m, "EventBuilder", "Splits event data by a scope policy and seals it.")
      .def(py::init(&MakeBuilder), "policy"_a = py::none(), py::kw_only(), "compress"_a = true,
           "zstd_level"_a = 3, "compress_min_bytes"_a = 128)
      .def_property_readonly(
          "policy",
          [](const PyEventBuilder& self) { return LoadJson(self.builder.policy().ToJson()); })
      .def("build", &Build, py::kw_only(), "bucket"_a, "id"_a, "type"_a, "data"_a, "keys"_a,
           "user_key"_a, "timestamp_ms"_a = py::none(), "prev"_a = py::none())
      .def("build_batch", &BuildBatch, "events"_a, py::kw_only(), "keys"_a, "user_key"_a);

  m.def(
      "generate_master_key",
      [] {
        MasterKey key = GenerateMasterKey();
        py::bytes out = ToBytes(key);
        Wipe(key);
        return out;
      },
      "32 random bytes from the operating system's CSPRNG.");
  m.def("open_event", &OpenEvent, "event"_a, "keys"_a, py::kw_only(), "trusted"_a = false);
  m.def(
      "decode_event",
      [](const py::bytes& event) {
        std::string_view view = View(event);
        Event decoded = Take(DecodeEvent(Span(view)), ErrorKind::kEvent);
        return EventToDict(decoded, EventCid(Span(view)));
      },
      "event"_a);
  m.def(
      "encode_event", [](const py::dict& event) { return ToBytes(EventBytes(event)); }, "event"_a);
  m.def(
      "verify_event",
      [](py::handle event) {
        std::string bytes = EventBytes(event);
        Result<Event> verified = Status::InvalidArgument("unset");
        {
          py::gil_scoped_release nogil;
          verified = DecodeAndVerifyEvent(Span(bytes));
        }
        return EventToDict(Take(std::move(verified), ErrorKind::kEvent), EventCid(Span(bytes)));
      },
      "event"_a);
  m.def(
      "event_cid", [](py::handle event) { return EventCid(Span(EventBytes(event))).ToString(); },
      "event"_a);
  m.def(
      "verify_event_proof",
      [](const py::bytes& proof, const std::string& verifier_key) {
        std::string_view view = View(proof);
        Result<VerifiedEvent> verified = Status::InvalidArgument("unset");
        {
          py::gil_scoped_release nogil;
          Result<EventProof> decoded = DecodeEventProof(Span(view));
          verified = decoded.ok() ? VerifyEventProof(*decoded, verifier_key)
                                  : Result<VerifiedEvent>(decoded.status());
        }
        return VerifiedEventToDict(Take(std::move(verified), ErrorKind::kEvent));
      },
      "proof"_a, "verifier_key"_a);
  m.def("make_grant", &MakeGrantBytes, "master"_a, py::kw_only(), "bucket"_a, "user"_a, "scope"_a,
        "key_version"_a, "grantee"_a, "granter"_a, "created_ms"_a = py::none());
  m.def(
      "decode_grant",
      [](const py::bytes& grant) {
        std::string_view view = View(grant);
        return GrantToDict(Take(DecodeGrant(Span(view))), GrantCid(Span(view)));
      },
      "grant"_a);
  m.def(
      "make_tombstone",
      [](const PyKeyPair& signer, uint64_t bucket, py::handle user,
         const std::optional<std::string>& event, const std::string& reason,
         std::optional<uint64_t> timestamp_ms) {
        Tombstone tombstone;
        tombstone.bucket = bucket;
        tombstone.user = user.is_none() ? signer.key.public_key : Fixed<32>(user, "user");
        if (event) tombstone.event = ParseCid(*event);
        tombstone.timestamp_ms = timestamp_ms ? *timestamp_ms : NowMs();
        tombstone.reason = reason;
        Check(SignTombstone(&tombstone, signer.key));
        return ToBytes(Take(EncodeTombstone(tombstone)));
      },
      "signer"_a, py::kw_only(), "bucket"_a, "user"_a = py::none(), "event"_a = py::none(),
      "reason"_a = "", "timestamp_ms"_a = py::none());
}

}  // namespace ddc::python
