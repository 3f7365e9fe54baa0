#include "node/server/crypto_service.h"

#include <algorithm>
#include <array>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ddc/crypto.h"
#include "ddc/event.h"
#include "ddc/scopes.h"
#include "engine/base/hex.h"
#include "engine/timeline/base64.h"
#include "node/keys/key_names.h"
#include "node/server/node_api.h"

namespace ddc::node {

namespace http = boost::beast::http;
using Json = nlohmann::json;

namespace {

constexpr size_t kMaxSignerBytes = 64;

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Response BadBody(const std::string& message) {
  return ErrorResponse(http::status::bad_request, "bad_body", message);
}

Response NoKeystore() {
  return ErrorResponse(http::status::not_implemented, "no_keystore",
                       "this node holds no keystore: start it with a keystore passphrase "
                       "(DDC_PASSPHRASE, or keystore.passphrase_file in its config) to use "
                       "seal and open");
}

// The JSON object of the body, or an error response.
std::optional<Json> ParseBody(const Request& request, Response* error) {
  std::string_view type = request[http::field::content_type];
  type = type.substr(0, type.find(';'));
  if (type != "application/json") {
    *error = ErrorResponse(http::status::unsupported_media_type, "unsupported_media_type",
                           "the body is application/json, not '" + std::string(type) + "'");
    return std::nullopt;
  }
  Json body = Json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    *error = BadBody("the body is not a JSON object");
    return std::nullopt;
  }
  return body;
}

bool ValidSigner(std::string_view name) {
  return !name.empty() && name.size() <= kMaxSignerBytes &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
                  c == '-';
         });
}

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// The node-held signing key of `name`, created when missing (`*created` then names it).
Result<KeyPair> SignerKey(KeyStore* keys, const std::string& name, std::vector<std::string>* made) {
  Result<KeyEntry> entry = keys->Get(name);
  if (entry.ok() || !entry.status().IsNotFound()) {
    if (!entry.ok()) return entry.status();
    keys::WipeString(&entry->secret);
    return keys::GetSigningKey(*keys, name.substr(5));  // Without "sign/".
  }
  KeyPair key = KeyPair::Generate();
  Status put = keys->Put(name, KeyKind::kSigningSeed, std::span(key.secret_key).first(32));
  if (!put.ok()) {
    Wipe(key.secret_key);
    return put;
  }
  made->push_back(name);
  return key;
}

// The ring for sealing `user`'s events in `bucket`, with a user master key made on first use
// when neither the user nor the bucket has one.
Result<KeyRing> SealRing(KeyStore* keys, uint64_t bucket, const PublicKey& user,
                         std::vector<std::string>* made) {
  const std::string user_master = keys::MasterName(bucket, user);
  Result<std::unique_ptr<keys::MasterEntry>> mine = keys::GetMaster(*keys, user_master);
  Result<std::unique_ptr<keys::MasterEntry>> app =
      keys::GetMaster(*keys, keys::MasterName(bucket, std::nullopt));
  if (!mine.ok() && !mine.status().IsNotFound()) return mine.status();
  if (!app.ok() && !app.status().IsNotFound()) return app.status();
  if (!mine.ok() && !app.ok()) {
    keys::MasterEntry entry;
    entry.key = GenerateMasterKey();
    entry.version = 1;
    if (Status s = keys::PutMaster(keys, user_master, entry); !s.ok()) return s;
    made->push_back(user_master);
  }
  return keys::SealingRing(*keys, bucket, user);
}

}  // namespace

std::string ServiceSignerKeyName(uint64_t bucket, std::string_view signer) {
  return keys::SignName("bucket-" + std::to_string(bucket) + "/" + std::string(signer));
}

Response SealEvent(Store* store, KeyStore* keys, const Request& request, uint64_t bucket) {
  if (keys == nullptr) return NoKeystore();
  Response error;
  const std::optional<Json> body = ParseBody(request, &error);
  if (!body) return error;
  for (const auto& item : body->items()) {
    static constexpr std::array kKnown = {"signer", "id",   "type",   "policy",
                                          "data",   "prev", "append", "time_ms"};
    if (std::find(kKnown.begin(), kKnown.end(), item.key()) == kKnown.end()) {
      return BadBody("unknown key '" + item.key() + "' (known: signer, id, type, policy, data, " +
                     "prev, append, time_ms)");
    }
  }
  for (const char* key : {"signer", "id", "type"}) {
    if (!body->contains(key) || !(*body)[key].is_string()) {
      return BadBody(std::string("'") + key + "' is missing or not a string");
    }
  }
  for (const char* key : {"policy", "data"}) {
    if (!body->contains(key) || !(*body)[key].is_object()) {
      return BadBody(std::string("'") + key + "' is missing or not a JSON object");
    }
  }
  const std::string signer = (*body)["signer"];
  if (!ValidSigner(signer)) {
    return BadBody("signer '" + signer + "' is not 1..64 bytes of [a-z0-9_.-]");
  }
  uint64_t time_ms = NowMs();
  if (body->contains("time_ms")) {
    if (!(*body)["time_ms"].is_number_unsigned()) return BadBody("'time_ms' is not a number");
    time_ms = (*body)["time_ms"];
  }
  bool append = true;
  if (body->contains("append")) {
    if (!(*body)["append"].is_boolean()) return BadBody("'append' is not true or false");
    append = (*body)["append"];
  }
  std::optional<Cid> prev;
  if (body->contains("prev")) {
    if (!(*body)["prev"].is_string()) return BadBody("'prev' is not a CID string");
    Result<Cid> parsed = Cid::Parse((*body)["prev"].get<std::string>());
    if (!parsed.ok()) return BadBody("prev: " + parsed.status().message());
    prev = *parsed;
  }
  Result<ScopePolicy> policy = ScopePolicy::FromJson((*body)["policy"].dump());
  if (!policy.ok()) return BadBody("policy: " + policy.status().message());
  Result<EventBuilder> builder = EventBuilder::Create(*policy);
  if (!builder.ok()) return BadBody("policy: " + builder.status().message());

  std::vector<std::string> made;
  Result<KeyPair> user_key = SignerKey(keys, ServiceSignerKeyName(bucket, signer), &made);
  if (!user_key.ok()) return StatusResponse(user_key.status());
  KeyPair key = *user_key;
  Wipe(user_key->secret_key);
  struct Wiper {
    KeyPair* k;
    ~Wiper() { Wipe(k->secret_key); }
  } wiper{&key};
  Result<KeyRing> ring = SealRing(keys, bucket, key.public_key, &made);
  if (!ring.ok()) return StatusResponse(ring.status());
  if (!prev && append) {
    Result<TimelineInfo> timeline = store->Timeline(bucket, key.public_key);
    if (timeline.ok() && timeline->size > 0) {
      prev = timeline->head;
    } else if (!timeline.ok() && !timeline.status().IsNotFound()) {
      return StatusResponse(timeline.status());
    }
  }
  const std::string id = (*body)["id"];
  const std::string type = (*body)["type"];
  std::string data = (*body)["data"].dump();
  EventInput input;
  input.bucket = bucket;
  input.id = id;
  input.type = type;
  input.timestamp_ms = time_ms;
  input.prev = prev;
  input.json = data;
  Result<Event> event = builder->Build(input, *ring, key);
  keys::WipeString(&data);
  if (!event.ok()) return StatusResponse(event.status());
  Result<std::string> bytes = EncodeEvent(*event);
  if (!bytes.ok()) return StatusResponse(bytes.status());
  Json out = {{"cid", EventCid(Bytes(*bytes)).ToString()},
              {"user", Hex(key.public_key)},
              {"event", timeline::Base64Encode(Bytes(*bytes))},
              {"created_keys", made},
              {"appended", append}};
  if (!append) return JsonResponse(http::status::ok, out);
  Result<AppendResult> appended = store->Append(std::string_view(*bytes));
  if (!appended.ok()) return StatusResponse(appended.status());
  out["position"] = appended->position;
  out["journal_index"] = appended->journal_index;
  out["existed"] = appended->existed;
  return JsonResponse(appended->existed ? http::status::ok : http::status::created, out);
}

Response OpenEvent(Store* store, KeyStore* keys, const Request& request, uint64_t bucket) {
  if (keys == nullptr) return NoKeystore();
  Response error;
  const std::optional<Json> body = ParseBody(request, &error);
  if (!body) return error;
  const bool by_cid = body->contains("cid");
  const bool by_bytes = body->contains("event");
  if (by_cid == by_bytes || body->size() != 1) {
    return BadBody("the body is {\"cid\": CID} (a stored event) or {\"event\": base64 bytes}");
  }
  Event event;
  ReadOptions options;
  if (by_cid) {
    if (!(*body)["cid"].is_string()) return BadBody("'cid' is not a string");
    Result<Cid> cid = Cid::Parse((*body)["cid"].get<std::string>());
    if (!cid.ok()) return BadBody("cid: " + cid.status().message());
    Result<Event> stored = store->GetEvent(*cid);
    if (!stored.ok()) return StatusResponse(stored.status());
    event = std::move(*stored);
    options.signature_already_verified = true;  // Store::Append verified it.
  } else {
    if (!(*body)["event"].is_string()) return BadBody("'event' is not a base64 string");
    Result<std::vector<uint8_t>> bytes =
        timeline::Base64Decode((*body)["event"].get<std::string>());
    if (!bytes.ok()) return BadBody("event: " + bytes.status().message());
    Result<Event> decoded = DecodeEvent(*bytes);
    if (!decoded.ok()) return StatusResponse(decoded.status());
    event = std::move(*decoded);
  }
  if (event.bucket != bucket) {
    return BadBody("the event belongs to bucket " + std::to_string(event.bucket) +
                   ", not to bucket " + std::to_string(bucket) + " of the path");
  }
  Result<KeyRing> ring = keys::SealingRing(*keys, bucket, event.user);
  if (!ring.ok()) return StatusResponse(ring.status());
  Result<OpenedEvent> opened = EventReader().Open(event, *ring, options);
  if (!opened.ok()) return StatusResponse(opened.status());
  Result<std::string> encoded = EncodeEvent(event);
  if (!encoded.ok()) return StatusResponse(encoded.status());
  Json scopes = Json::array();
  for (const ScopeState& s : opened->scopes) {
    scopes.push_back({{"name", s.name},
                      {"public", s.is_public},
                      {"kv", s.key_version},
                      {"outcome", OutcomeName(s.outcome)},
                      {"message", s.message}});
  }
  const char* signature = opened->signature == OpenedEvent::Signature::kVerified  ? "verified"
                          : opened->signature == OpenedEvent::Signature::kTrusted ? "trusted"
                                                                                  : "failed";
  Json out = {{"cid", EventCid(Bytes(*encoded)).ToString()},
              {"bucket", event.bucket},
              {"user", Hex(event.user)},
              {"id", event.id},
              {"type", event.type},
              {"time_ms", event.timestamp_ms},
              {"data", Json::parse(opened->json, nullptr, /*allow_exceptions=*/false)},
              {"scopes", std::move(scopes)},
              {"signature", signature}};
  if (!opened->signature_error.empty()) out["signature_error"] = opened->signature_error;
  return JsonResponse(http::status::ok, out);
}

}  // namespace ddc::node
