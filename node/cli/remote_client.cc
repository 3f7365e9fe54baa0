// NodeClient (remote.h): one command's connection to a ddc-node, its credentials and the
// node's errors; and the pieces of client mode the local commands call.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "ddc/auth.h"
#include "ddc/crypto.h"
#include "engine/timeline/base64.h"
#include "node/cli/remote.h"

namespace ddc::cli {

using Json = nlohmann::json;

namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// The Status of a non-2xx answer: the node's JSON error, else what the answer says.
Status NodeError(const HttpResponse& r) {
  std::string message;
  const Json j = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].value("message", Json()).is_string()) {
    const Json& e = j["error"];
    message = e["message"].get<std::string>() + " (HTTP " + std::to_string(r.status) +
              (e.value("code", Json()).is_string() ? " " + e["code"].get<std::string>() : "") + ")";
  } else {
    std::string text = r.body.substr(0, 200);
    for (char& c : text) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    message = "the node answered HTTP " + std::to_string(r.status) +
              (text.empty() ? std::string(" with no body") : ": " + text);
  }
  switch (r.status) {
    case 400:
    case 413:
    case 415:
    case 416:
    case 431:
      return Status::InvalidArgument(message);
    case 401:
    case 403:
      return Status::PermissionDenied(message);
    case 404:
      return Status::NotFound(message);
    case 409:
      return Status::Conflict(message);
    case 410:
      return Status::Erased(message);
    case 429:
    case 503:
      return Status::Busy(message);
    case 501:
      return Status::NotSupported(message);
    case 507:
      return Status::NoSpace(message);
    default:
      return Status::Failed(message);
  }
}

}  // namespace

void TakeClientOptions(Args* args) {
  ClientOptions& c = args->client();
  c.node = args->Option("--node");
  if (c.node.empty() && !args->Has("--dir")) c.node = Env("DDC_NODE");
  c.token_file = args->Option("--token");
  if (c.token_file.empty()) c.token_text = Env("DDC_TOKEN");
  c.as = args->Option("--as");
  c.timeout_ms = args->Option("--timeout-ms");
}

Result<std::unique_ptr<NodeClient>> NodeClient::Create(const ClientOptions& options,
                                                       const KeyStoreLocation& where) {
  Result<HttpUrl> url = ParseHttpUrl(options.node);
  if (!url.ok()) return url.status();
  HttpClientOptions http_options;
  if (!options.timeout_ms.empty()) {
    Result<uint64_t> ms = ParseUint(options.timeout_ms, "--timeout-ms");
    if (!ms.ok()) return ms.status();
    if (*ms == 0 || *ms > 3'600'000) {
      return Status::InvalidArgument("--timeout-ms " + options.timeout_ms +
                                     ": want 1..3600000 milliseconds");
    }
    http_options.timeout_ms = static_cast<uint32_t>(*ms);
  }
  std::unique_ptr<NodeClient> client(
      new NodeClient(std::make_unique<HttpClient>(std::move(url).value(), http_options)));
  if (!options.token_file.empty()) {
    Result<std::string> token = ReadTokenFile(options.token_file);
    if (!token.ok()) return token.status().WithContext("--token");
    client->token_ = std::move(token).value();
  } else {
    client->token_ = options.token_text;
  }
  const std::string token_source = options.token_file.empty() ? "$DDC_TOKEN" : "--token";
  if (!client->token_.empty() && options.as.empty()) {
    return Status::InvalidArgument(token_source +
                                   " needs --as NAME: the keystore key sign/NAME, the token's "
                                   "subject, signs each request");
  }
  if (!options.as.empty()) {
    Result<std::unique_ptr<KeyStore>> keys = OpenKeyStore(where, /*create_if_missing=*/false);
    if (!keys.ok()) return keys.status().WithContext("--as " + options.as);
    Result<KeyPair> key = GetSigningKey(**keys, options.as);
    if (!key.ok()) return key.status().WithContext("--as " + options.as);
    client->signer_ = *key;
    Wipe(key->secret_key);
    client->signer_name_ = options.as;
    if (!client->token_.empty()) {
      Status usable = CheckTokenForHolder(client->token_, client->signer_->public_key, NowMs());
      if (!usable.ok()) return usable.WithContext(token_source);
    }
  }
  return client;
}

NodeClient::~NodeClient() {
  if (signer_) Wipe(signer_->secret_key);
}

uint64_t NodeClient::NextTimeMs() {
  last_time_ms_ = std::max(NowMs(), last_time_ms_ + 1);
  return last_time_ms_;
}

Result<std::string> NodeClient::TokenFor(const std::optional<uint64_t>& bucket) {
  if (!token_.empty()) return token_;
  if (!signer_ || !bucket) return std::string();
  auto it = issued_.find(*bucket);
  if (it == issued_.end()) {
    Result<std::string> issued = IssueSelfToken(*signer_, *bucket, NowMs());
    if (!issued.ok()) return issued.status();
    it = issued_.emplace(*bucket, std::move(issued).value()).first;
  }
  return it->second;
}

Result<HttpResponse> NodeClient::Call(const NodeRequest& request) {
  HttpRequest http;
  http.method = request.method;
  http.target = request.target;
  http.body = request.body;
  if (!request.content_type.empty())
    http.headers.emplace_back("Content-Type", request.content_type);
  if (!request.accept.empty()) http.headers.emplace_back("Accept", request.accept);
  Result<std::string> token = TokenFor(request.bucket);
  if (!token.ok()) return token.status();
  if (token->empty()) return Finish(request, http_->Send(std::move(http)), false);
  http.headers.emplace_back("Authorization", "DDC " + *token);
  const size_t first_signed = http.headers.size();
  auto sign = [this, first_signed](HttpRequest* r) {
    r->headers.resize(first_signed);
    const uint64_t time_ms = NextTimeMs();
    const Signature sig = SignRequest(*signer_, r->method, r->target, time_ms, Bytes(r->body));
    r->headers.emplace_back("X-DDC-Time", std::to_string(time_ms));
    r->headers.emplace_back(
        "X-DDC-Signature",
        Base64(std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size())));
  };
  return Finish(request, http_->Send(std::move(http), sign), true);
}

Result<HttpResponse> NodeClient::CallKeySigned(const NodeRequest& request, const KeyPair& key) {
  HttpRequest http;
  http.method = request.method;
  http.target = request.target;
  http.body = request.body;
  if (!request.content_type.empty())
    http.headers.emplace_back("Content-Type", request.content_type);
  if (!request.accept.empty()) http.headers.emplace_back("Accept", request.accept);
  http.headers.emplace_back("X-DDC-Key", Hex(key.public_key));
  const size_t first_signed = http.headers.size();
  auto sign = [this, first_signed, &key](HttpRequest* r) {
    r->headers.resize(first_signed);
    const uint64_t time_ms = NextTimeMs();
    const Signature sig = SignRequest(key, r->method, r->target, time_ms, Bytes(r->body));
    r->headers.emplace_back("X-DDC-Time", std::to_string(time_ms));
    r->headers.emplace_back(
        "X-DDC-Signature",
        Base64(std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size())));
  };
  return Finish(request, http_->Send(std::move(http), sign), true);
}

Result<HttpResponse> NodeClient::Finish(const NodeRequest& request, Result<HttpResponse> sent,
                                        bool signed_request) {
  if (!sent.ok()) return sent.status();
  if (sent->status >= 200 && sent->status < 300) return sent;
  if (sent->status == 401 && !signed_request) {
    // Say what would have made the request carry credentials.
    const char* note =
        signer_ ? "this request names no bucket, so --as alone cannot issue a token for it: "
                  "give --token FILE (or the command's --bucket N)"
                : "give --as NAME (the bucket owner's keystore key), or --token FILE with --as "
                  "NAME (the token's subject)";
    std::fprintf(stderr, "note: %s %s: %s\n", request.method.c_str(), request.target.c_str(), note);
  }
  return NodeError(*sent);
}

Result<Json> NodeClient::CallJson(const NodeRequest& request) {
  Result<HttpResponse> r = Call(request);
  if (!r.ok()) return r.status();
  Json j = Json::parse(r->body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Status::Corruption("the answer to " + request.method + " " + request.target + " from " +
                              url() + " is not a JSON object");
  }
  return j;
}

Result<std::unique_ptr<NodeClient>> ConnectNode(const Args& args, const KeyStoreLocation& where) {
  return NodeClient::Create(args.client(), where);
}

std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

Result<uint64_t> JsonU64(const Json& j, const char* key, std::string_view what) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number_unsigned()) {
    return Status::Corruption(std::string(what) + ": the node's answer has no number '" + key +
                              "'");
  }
  return j[key].get<uint64_t>();
}

std::string JsonText(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

Result<std::vector<Json>> FetchUsers(NodeClient& node, uint64_t bucket) {
  NodeRequest request;
  request.target = "/v1/buckets/" + std::to_string(bucket) + "/users";
  request.bucket = bucket;
  Result<Json> j = node.CallJson(request);
  if (!j.ok()) return j.status();
  if (!j->contains("users") || !(*j)["users"].is_array()) {
    return Status::Corruption("GET " + request.target + ": the answer has no users list");
  }
  return (*j)["users"].get<std::vector<Json>>();
}

// ---- Pieces the local commands call in client mode ----

Result<std::string> FetchEventBytes(NodeClient& node, const Cid& cid,
                                    std::optional<uint64_t> bucket) {
  NodeRequest request;
  request.bucket = bucket;
  request.target = "/v1/events/" + cid.ToString();
  request.accept = "application/vnd.ipld.dag-cbor";
  Result<HttpResponse> r = node.Call(request);
  if (!r.ok()) return r.status();
  if (EventCid(Bytes(r->body)) != cid) {
    return Status::Corruption("the node answered GET " + request.target +
                              " with bytes that do not hash to that CID");
  }
  return std::move(r->body);
}

Result<std::optional<Cid>> RemoteTimelineHead(NodeClient& node, uint64_t bucket,
                                              const PublicKey& user) {
  Result<std::vector<Json>> users = FetchUsers(node, bucket);
  if (!users.ok()) return users.status();
  const std::string hex = Hex(user);
  for (const Json& u : *users) {
    if (JsonText(u, "user") != hex || JsonText(u, "head").empty()) continue;
    Result<Cid> head = Cid::Parse(JsonText(u, "head"));
    if (!head.ok()) return head.status().WithContext("the node's timeline head");
    return std::optional<Cid>(*head);
  }
  return std::optional<Cid>();
}

Status AppendRemote(NodeClient& node, const Event& event) {
  Result<std::string> bytes = EncodeEvent(event);
  if (!bytes.ok()) return bytes.status();
  NodeRequest request;
  request.method = "POST";
  request.target = "/v1/buckets/" + std::to_string(event.bucket) + "/events";
  request.body = std::move(*bytes);
  request.content_type = "application/cbor";
  request.bucket = event.bucket;
  Result<Json> j = node.CallJson(request);
  if (!j.ok()) return j.status();
  if (!j->value("cid", Json()).is_string() || !j->value("position", Json()).is_number_unsigned()) {
    return Status::Corruption("the node's answer to POST " + request.target +
                              " has no cid and position");
  }
  std::printf("%s position %llu%s\n", (*j)["cid"].get<std::string>().c_str(),
              static_cast<unsigned long long>((*j)["position"].get<uint64_t>()),
              j->value("existed", false) ? " (already stored)" : "");
  return Status::OK();
}

Result<Cid> PutGrantRemote(NodeClient& node, std::string bytes, uint64_t bucket) {
  const Cid expected = GrantCid(Bytes(bytes));
  NodeRequest request;
  request.method = "POST";
  request.target = "/v1/grants";
  request.body = std::move(bytes);
  request.content_type = "application/cbor";
  request.bucket = bucket;
  Result<Json> j = node.CallJson(request);
  if (!j.ok()) return j.status();
  if (JsonText(*j, "cid") != expected.ToString()) {
    return Status::Corruption("the node stored the grant as '" + JsonText(*j, "cid") +
                              "', but its bytes hash to " + expected.ToString());
  }
  return expected;
}

Result<EraseResult> EraseRemote(NodeClient& node, std::string bytes, uint64_t bucket) {
  NodeRequest request;
  request.method = "POST";
  request.target = "/v1/erase";
  request.body = std::move(bytes);
  request.content_type = "application/cbor";
  request.bucket = bucket;
  Result<Json> j = node.CallJson(request);
  if (!j.ok()) return j.status();
  EraseResult out;
  Result<Cid> tombstone = Cid::Parse(JsonText(*j, "tombstone"));
  if (!tombstone.ok()) return tombstone.status().WithContext("POST /v1/erase: tombstone");
  out.tombstone = *tombstone;
  for (const auto& [key, field] : {std::pair{"events_erased", &out.events_erased},
                                   std::pair{"grants_destroyed", &out.grants_destroyed},
                                   std::pair{"keys_shredded", &out.keys_shredded}}) {
    Result<uint64_t> n = JsonU64(*j, key, "POST /v1/erase");
    if (!n.ok()) return n.status();
    *field = *n;
  }
  out.existed = j->value("existed", false);
  return out;
}

Result<std::vector<GrantRecord>> FetchGrants(NodeClient& node, const std::string& query,
                                             std::optional<uint64_t> bucket) {
  NodeRequest request;
  request.target = "/v1/grants?" + query;
  request.bucket = bucket;
  Result<Json> j = node.CallJson(request);
  if (!j.ok()) return j.status();
  std::vector<GrantRecord> out;
  for (const Json& g : j->value("grants", Json::array())) {
    if (!g.value("bytes", Json()).is_string()) {
      return Status::Corruption("a grant in the node's answer has no bytes");
    }
    Result<std::vector<uint8_t>> bytes = timeline::Base64Decode(g["bytes"].get<std::string>());
    if (!bytes.ok()) return bytes.status().WithContext("a grant's bytes");
    GrantRecord record;
    record.bytes.assign(bytes->begin(), bytes->end());
    Result<Grant> grant = DecodeGrant(*bytes);
    if (!grant.ok()) return grant.status();
    record.grant = std::move(grant).value();
    record.cid = GrantCid(*bytes);
    if (g.value("cid", "") != record.cid.ToString()) {
      return Status::Corruption("the node lists grant " + g.value("cid", "?") +
                                " with the bytes of grant " + record.cid.ToString());
    }
    out.push_back(std::move(record));
  }
  return out;
}

}  // namespace ddc::cli
