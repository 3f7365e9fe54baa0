#include "node/server/node_api.h"

#include <algorithm>
#include <array>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/base/hex.h"
#include "engine/timeline/base64.h"
#include "node/server/crypto_service.h"
#include "node/server/metrics.h"
#include "node/server/routes.h"

namespace ddc::node {

namespace http = boost::beast::http;
using Json = nlohmann::json;

Response JsonResponse(http::status status, const Json& body) {
  return MakeResponse(status, body.dump(-1, ' ', false, Json::error_handler_t::replace),
                      "application/json");
}

std::optional<uint64_t> ParseU64(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

namespace {

constexpr std::string_view kCborTypes[] = {"application/cbor", "application/vnd.ipld.dag-cbor"};
constexpr std::string_view kBatchType = "application/x-ddc-event-batch";

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Response BadRequest(std::string_view code, std::string_view message) {
  return ErrorResponse(http::status::bad_request, code, message);
}

std::optional<PublicKey> ParseUser(std::string_view hex) {
  PublicKey key{};
  if (!ParseHex(hex, key)) return std::nullopt;
  return key;
}

// The media type of the Content-Type header, lower-cased, without parameters.
std::string MediaType(const Request& request) {
  std::string_view type = request[http::field::content_type];
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  while (!type.empty() && type.front() == ' ') type.remove_prefix(1);
  std::string lower(type);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

bool WantsJson(const Request& request) {
  return request[http::field::accept].find("application/json") != std::string_view::npos;
}

Json ErrorJson(const Status& status) {
  return {{"status", static_cast<unsigned>(HttpStatusOf(status))},
          {"code", std::string(ErrorCodeOf(status))},
          {"message", status.message()}};
}

Json AppendJson(const AppendResult& r) {
  return {{"cid", r.cid.ToString()},
          {"position", r.position},
          {"journal_index", r.journal_index},
          {"existed", r.existed}};
}

Json EventJson(const Event& e, const Cid& cid) {
  Json scopes = Json::array();
  for (const Scope& s : e.scopes) {
    Json scope = {{"name", s.name}, {"sealed", s.sealed}};
    if (s.sealed) {
      scope["key_version"] = s.key_version;
      scope["nonce"] = Hex(s.nonce);
    }
    scope["compression"] = s.compression == ScopeCompression::kZstd ? "zstd" : "none";
    scope["data"] = timeline::Base64Encode(Bytes(s.data));
    scopes.push_back(std::move(scope));
  }
  Json j = {{"cid", cid.ToString()},
            {"bucket", e.bucket},
            {"user", Hex(e.user)},
            {"id", e.id},
            {"time_ms", e.timestamp_ms},
            {"type", e.type},
            {"prev", e.prev ? Json(e.prev->ToString()) : Json(nullptr)},
            {"scopes", std::move(scopes)},
            {"signature", Hex(e.signature)}};
  if (e.batch) {
    Json path = Json::array();
    for (const Hash32& h : e.batch->path) path.push_back(Hex(h));
    j["batch"] = {{"root", Hex(e.batch->root)},
                  {"size", e.batch->size},
                  {"index", e.batch->index},
                  {"path", std::move(path)}};
  }
  return j;
}

Json CheckpointJson(const CheckpointRecord& c) {
  return {{"origin", c.origin},   {"size", c.size},          {"root", Hex(c.root)},
          {"time_ms", c.time_ms}, {"cid", c.cid.ToString()}, {"note", c.note}};
}

// The path's {bucket}, or an error response.
std::optional<uint64_t> PathBucket(const RouteParams& params, Response* error) {
  const std::optional<uint64_t> bucket = ParseU64(params.Path("bucket"));
  if (!bucket) {
    *error = BadRequest("bad_bucket", "bucket '" + params.Path("bucket") +
                                          "' is not an unsigned 64-bit decimal number");
  }
  return bucket;
}

std::optional<Cid> PathCid(const RouteParams& params, Response* error) {
  Result<Cid> cid = Cid::Parse(params.Path("cid"));
  if (!cid.ok()) {
    *error = BadRequest("bad_cid", cid.status().message());
    return std::nullopt;
  }
  return *cid;
}

// The JSON form of an event (what GET /v1/events/{cid} answers with Accept: application/json)
// back to its canonical bytes. Every field is checked; "cid", when present, must be the CID of
// the result. Errors are InvalidArgument "event JSON: ...".
Result<std::string> EventBytesFromJson(const Json& j) {
  auto bad = [](const std::string& what) { return Status::InvalidArgument("event JSON: " + what); };
  if (!j.is_object()) return bad("not an object");
  static constexpr std::array kKeys = {"cid",  "bucket", "user",   "id",        "time_ms",
                                       "type", "prev",   "scopes", "signature", "batch"};
  for (const auto& item : j.items()) {
    if (std::find(kKeys.begin(), kKeys.end(), item.key()) == kKeys.end()) {
      return bad("unknown key '" + item.key() + "'");
    }
  }
  Event e;
  if (!j.contains("bucket") || !j["bucket"].is_number_unsigned())
    return bad("bucket: want a number");
  e.bucket = j["bucket"];
  if (!j.contains("user") || !j["user"].is_string() ||
      !ParseHex(j["user"].get<std::string>(), e.user)) {
    return bad("user: want 64 hex digits");
  }
  for (const char* key : {"id", "type"}) {
    if (!j.contains(key) || !j[key].is_string()) return bad(std::string(key) + ": want a string");
  }
  e.id = j["id"];
  e.type = j["type"];
  if (!j.contains("time_ms") || !j["time_ms"].is_number_unsigned()) {
    return bad("time_ms: want a number");
  }
  e.timestamp_ms = j["time_ms"];
  if (j.contains("prev") && !j["prev"].is_null()) {
    if (!j["prev"].is_string()) return bad("prev: want a CID or null");
    Result<Cid> prev = Cid::Parse(j["prev"].get<std::string>());
    if (!prev.ok()) return bad("prev: " + prev.status().message());
    e.prev = *prev;
  }
  if (!j.contains("signature") || !j["signature"].is_string() ||
      !ParseHex(j["signature"].get<std::string>(), e.signature)) {
    return bad("signature: want 128 hex digits");
  }
  if (!j.contains("scopes") || !j["scopes"].is_array()) return bad("scopes: want an array");
  for (const Json& sj : j["scopes"]) {
    Scope scope;
    if (!sj.is_object() || !sj.contains("name") || !sj["name"].is_string() ||
        !sj.contains("sealed") || !sj["sealed"].is_boolean() || !sj.contains("data") ||
        !sj["data"].is_string()) {
      return bad("a scope is {name, sealed, data (base64)[, key_version, nonce, compression]}");
    }
    scope.name = sj["name"];
    scope.sealed = sj["sealed"];
    Result<std::vector<uint8_t>> data = timeline::Base64Decode(sj["data"].get<std::string>());
    if (!data.ok()) return bad("scope " + scope.name + ": data: " + data.status().message());
    scope.data.assign(data->begin(), data->end());
    const std::string compression = sj.value("compression", "none");
    if (compression != "none" && compression != "zstd") {
      return bad("scope " + scope.name + ": compression is none or zstd");
    }
    scope.compression = compression == "zstd" ? ScopeCompression::kZstd : ScopeCompression::kNone;
    if (scope.sealed) {
      if (!sj.contains("key_version") || !sj["key_version"].is_number_unsigned() ||
          sj["key_version"].get<uint64_t>() > UINT32_MAX || !sj.contains("nonce") ||
          !sj["nonce"].is_string() || !ParseHex(sj["nonce"].get<std::string>(), scope.nonce)) {
        return bad("scope " + scope.name + ": a sealed scope has key_version and nonce (hex)");
      }
      scope.key_version = sj["key_version"];
    }
    e.scopes.push_back(std::move(scope));
  }
  if (j.contains("batch")) {
    const Json& b = j["batch"];
    BatchProof proof;
    if (!b.is_object() || !b.contains("root") || !b["root"].is_string() ||
        !ParseHex(b["root"].get<std::string>(), proof.root) || !b.contains("size") ||
        !b["size"].is_number_unsigned() || !b.contains("index") ||
        !b["index"].is_number_unsigned() || !b.contains("path") || !b["path"].is_array()) {
      return bad("batch: want {root (hex), size, index, path [hex]}");
    }
    proof.size = b["size"];
    proof.index = b["index"];
    for (const Json& h : b["path"]) {
      Hash32 hash{};
      if (!h.is_string() || !ParseHex(h.get<std::string>(), hash)) {
        return bad("batch: path: want 64 hex digits per hash");
      }
      proof.path.push_back(hash);
    }
    e.batch = std::move(proof);
  }
  Result<std::string> bytes = EncodeEvent(e);
  if (!bytes.ok()) return bad(bytes.status().message());
  if (j.contains("cid")) {
    const std::string cid = EventCid(Bytes(*bytes)).ToString();
    if (!j["cid"].is_string() || j["cid"].get<std::string>() != cid) {
      return bad("cid does not match the event's fields, whose CID is " + cid);
    }
  }
  return bytes;
}

// Checks an encoded event before it reaches the store: it decodes and names the path's bucket.
Status CheckEventForBucket(std::string_view bytes, uint64_t bucket) {
  Result<Event> event = DecodeEvent(Bytes(bytes));
  if (!event.ok()) return event.status();
  if (event->bucket != bucket) {
    return Status::InvalidArgument("the event belongs to bucket " + std::to_string(event->bucket) +
                                   ", not to bucket " + std::to_string(bucket) + " of the path");
  }
  return Status::OK();
}

Response Health(Store* store) {
  const StoreStats stats = store->Stats();
  return JsonResponse(http::status::ok,
                      {{"status", "ok"}, {"events", stats.events}, {"records", stats.records}});
}

Response AppendOne(Store* store, Metrics* metrics, AccessControl* access, const Request& request,
                   const RouteParams& params) {
  Response error;
  const std::optional<uint64_t> bucket = PathBucket(params, &error);
  if (!bucket) return error;
  if (std::optional<Response> denied = access->Check(request, *bucket, kAuthWrite)) return *denied;
  const std::string type = MediaType(request);
  std::string from_json;
  std::string_view bytes = request.body();
  if (type == "application/json") {
    Result<std::string> converted =
        EventBytesFromJson(Json::parse(request.body(), nullptr, /*allow_exceptions=*/false));
    if (!converted.ok()) return StatusResponse(converted.status());
    from_json = std::move(*converted);
    bytes = from_json;
  } else if (std::find(std::begin(kCborTypes), std::end(kCborTypes), type) ==
             std::end(kCborTypes)) {
    return ErrorResponse(http::status::unsupported_media_type, "unsupported_media_type",
                         "an event is posted as application/cbor, "
                         "application/vnd.ipld.dag-cbor or application/json, not '" +
                             type + "'");
  }
  if (Status s = CheckEventForBucket(bytes, *bucket); !s.ok()) return StatusResponse(s);
  Result<AppendResult> appended = store->Append(bytes);
  if (!appended.ok()) return StatusResponse(appended.status());
  metrics->CountAppends(*bucket, 1, appended->existed ? 0 : bytes.size());
  return JsonResponse(appended->existed ? http::status::ok : http::status::created,
                      AppendJson(*appended));
}

Response BatchTooLarge(uint32_t max_events) {
  return ErrorResponse(http::status::payload_too_large, "batch_too_large",
                       "a batch holds at most " + std::to_string(max_events) +
                           " events on this node (limits.max_batch_events)");
}

// Splits a batch body: repeated (u32 little-endian length, that many bytes of one event).
// `*too_many` is set (and the split stops) when there are more than `max_events`.
Result<std::vector<std::string_view>> SplitBatch(std::string_view body, uint32_t max_events,
                                                 bool* too_many) {
  std::vector<std::string_view> events;
  size_t at = 0;
  while (at < body.size()) {
    if (body.size() - at < 4) {
      return Status::InvalidArgument("batch: truncated length prefix at byte " +
                                     std::to_string(at));
    }
    uint32_t length = 0;
    for (int i = 3; i >= 0; --i) {
      length = (length << 8) | static_cast<uint8_t>(body[at + static_cast<size_t>(i)]);
    }
    at += 4;
    if (length == 0 || length > kMaxEventBytes) {
      return Status::InvalidArgument(
          "batch: event " + std::to_string(events.size()) + " at byte " + std::to_string(at - 4) +
          " has length " + std::to_string(length) + ", want 1.." + std::to_string(kMaxEventBytes));
    }
    if (body.size() - at < length) {
      return Status::InvalidArgument("batch: event " + std::to_string(events.size()) +
                                     " is truncated: " + std::to_string(length) +
                                     " bytes announced, " + std::to_string(body.size() - at) +
                                     " left");
    }
    if (events.size() == max_events) {
      *too_many = true;
      return events;
    }
    events.push_back(body.substr(at, length));
    at += length;
  }
  if (events.empty()) return Status::InvalidArgument("batch: no events");
  return events;
}

Response AppendBatch(Store* store, Metrics* metrics, AccessControl* access, uint32_t max_events,
                     const Request& request, const RouteParams& params) {
  Response error;
  const std::optional<uint64_t> bucket = PathBucket(params, &error);
  if (!bucket) return error;
  if (std::optional<Response> denied = access->Check(request, *bucket, kAuthWrite)) return *denied;
  const std::string type = MediaType(request);
  // A JSON batch, {"events": [event JSON...]}: each event converted to its bytes (or its error).
  std::vector<std::string> converted;
  std::vector<Status> conversion;
  Result<std::vector<std::string_view>> events = std::vector<std::string_view>();
  if (type == "application/json") {
    const Json body = Json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
    if (!body.is_object() || !body.contains("events") || !body["events"].is_array() ||
        body.size() != 1) {
      return BadRequest("bad_body", "a JSON batch is {\"events\": [event, ...]}");
    }
    if (body["events"].empty()) return BadRequest("bad_body", "a batch holds 1 event or more");
    if (body["events"].size() > max_events) return BatchTooLarge(max_events);
    for (const Json& e : body["events"]) {
      Result<std::string> bytes = EventBytesFromJson(e);
      conversion.push_back(bytes.status());
      converted.push_back(bytes.ok() ? std::move(*bytes) : std::string());
    }
    for (const std::string& c : converted) events->push_back(c);
  } else if (type == kBatchType) {
    bool too_many = false;
    events = SplitBatch(request.body(), max_events, &too_many);
    if (too_many) return BatchTooLarge(max_events);
    if (!events.ok()) return StatusResponse(events.status());
  } else {
    return ErrorResponse(http::status::unsupported_media_type, "unsupported_media_type",
                         "a batch is posted as " + std::string(kBatchType) +
                             " or application/json, not '" + type + "'");
  }
  std::vector<Json> results(events->size());
  std::vector<std::span<const uint8_t>> accepted;
  std::vector<size_t> accepted_index;
  for (size_t i = 0; i < events->size(); ++i) {
    const Status s = !conversion.empty() && !conversion[i].ok()
                         ? conversion[i]
                         : CheckEventForBucket((*events)[i], *bucket);
    if (!s.ok()) {
      results[i] = {{"error", ErrorJson(s)}};
      continue;
    }
    accepted.push_back(Bytes((*events)[i]));
    accepted_index.push_back(i);
  }
  if (!accepted.empty()) {
    std::vector<Result<AppendResult>> appended = store->AppendBatch(accepted);
    uint64_t ok = 0;
    uint64_t new_bytes = 0;
    for (size_t k = 0; k < appended.size(); ++k) {
      if (!appended[k].ok()) continue;
      ++ok;
      if (!appended[k]->existed) new_bytes += accepted[k].size();
    }
    metrics->CountAppends(*bucket, ok, new_bytes);
    for (size_t k = 0; k < appended.size(); ++k) {
      results[accepted_index[k]] = appended[k].ok()
                                       ? AppendJson(*appended[k])
                                       : Json{{"error", ErrorJson(appended[k].status())}};
    }
  }
  return JsonResponse(http::status::ok, {{"results", std::move(results)}});
}

Response GetEvent(Store* store, Metrics* metrics, AccessControl* access, const Request& request,
                  const RouteParams& params) {
  Response error;
  const std::optional<Cid> cid = PathCid(params, &error);
  if (!cid) return error;
  Result<Event> event = store->GetEvent(*cid);
  if (!event.ok()) return StatusResponse(event.status());
  if (std::optional<Response> denied = access->Check(request, event->bucket, kAuthRead)) {
    return *denied;
  }
  metrics->CountRead(event->bucket);
  Response response;
  if (WantsJson(request)) {
    response = JsonResponse(http::status::ok, EventJson(*event, *cid));
  } else {
    Result<std::string> bytes = store->Get(*cid);
    if (!bytes.ok()) return StatusResponse(bytes.status());
    response = MakeResponse(http::status::ok, std::move(*bytes), "application/vnd.ipld.dag-cbor");
  }
  metrics->CountDelivered(event->bucket, response.body().size());
  return response;
}

Response Timeline(Store* store, AccessControl* access, const Request& request,
                  const RouteParams& params) {
  Response error;
  const std::optional<uint64_t> bucket = PathBucket(params, &error);
  if (!bucket) return error;
  if (std::optional<Response> denied = access->Check(request, *bucket, kAuthRead)) return *denied;
  const std::optional<PublicKey> user = ParseUser(params.Path("user"));
  if (!user) return BadRequest("bad_user", "user must be 64 hex digits (an ed25519 public key)");
  uint64_t from = 0;
  if (const std::string* text = params.Query("from")) {
    const std::optional<uint64_t> parsed = ParseU64(*text);
    if (!parsed) return BadRequest("bad_query", "from '" + *text + "' is not a position");
    from = *parsed;
  }
  uint64_t limit = kDefaultTimelineLimit;
  if (const std::string* text = params.Query("limit")) {
    const std::optional<uint64_t> parsed = ParseU64(*text);
    if (!parsed || *parsed == 0 || *parsed > kMaxTimelineLimit) {
      return BadRequest("bad_query",
                        "limit '" + *text + "' is not in 1.." + std::to_string(kMaxTimelineLimit));
    }
    limit = *parsed;
  }
  TimelineSeek seek;
  seek.position = from;
  if (const std::string* text = params.Query("since")) {
    const std::optional<uint64_t> since = ParseU64(*text);
    if (!since) return BadRequest("bad_query", "since '" + *text + "' is not a time in ms");
    if (params.Query("from") != nullptr) {
      return BadRequest("bad_query", "give from (a position) or since (a time), not both");
    }
    seek.by = TimelineSeek::By::kTime;
    seek.time_ms = *since;
  }
  if (const std::string* order = params.Query("order")) {
    if (*order != "asc" && *order != "desc") {
      return BadRequest("bad_query", "order '" + *order + "' is not asc or desc");
    }
    seek.backward = *order == "desc";
    if (seek.backward && params.Query("from") == nullptr &&
        seek.by == TimelineSeek::By::kPosition) {
      seek.position = UINT64_MAX;  // The newest event first.
    }
  }
  Result<std::unique_ptr<EventIterator>> it = store->NewTimelineIterator(*bucket, *user, seek);
  if (!it.ok()) return StatusResponse(it.status());
  Json events = Json::array();
  EventIterator& iter = **it;
  for (; iter.Valid() && events.size() < limit; iter.Next()) {
    events.push_back({{"position", iter.position()},
                      {"cid", iter.cid().ToString()},
                      {"time_ms", iter.event().timestamp_ms},
                      {"type", iter.event().type}});
  }
  if (!iter.status().ok()) return StatusResponse(iter.status());
  Json next = iter.Valid() ? Json(iter.position()) : Json(nullptr);
  return JsonResponse(http::status::ok, {{"bucket", *bucket},
                                         {"user", Hex(*user)},
                                         {"events", std::move(events)},
                                         {"next", std::move(next)}});
}

Response PutBlob(Store* store, Metrics* metrics, AccessControl* access, const Request& request,
                 const RouteParams& params) {
  // Blobs are global (content-addressed, readable by CID); a write is charged to a bucket.
  const std::string* bucket_text = params.Query("bucket");
  std::optional<uint64_t> bucket;
  if (bucket_text != nullptr || access->enabled()) {
    bucket = bucket_text ? ParseU64(*bucket_text) : std::nullopt;
    if (!bucket) {
      return BadRequest("bad_bucket",
                        "put a blob with ?bucket=N, the bucket it is written for (a number)");
    }
    if (std::optional<Response> denied = access->Check(request, *bucket, kAuthWrite)) {
      return *denied;
    }
  }
  bool existed = false;
  if (bucket) {
    const Result<bool> contains = store->Contains(Cid::Of(Codec::kRaw, Bytes(request.body())));
    existed = contains.ok() && *contains;
  }
  Result<Cid> cid = store->PutBlob(std::string_view(request.body()));
  if (!cid.ok()) return StatusResponse(cid.status());
  if (bucket) metrics->CountAppends(*bucket, 1, existed ? 0 : request.body().size());
  return JsonResponse(http::status::created, {{"cid", cid->ToString()}});
}

// A single "bytes=a-b", "bytes=a-" or "bytes=-n" range of a `size`-byte blob.
struct ByteRange {
  enum class Kind : uint8_t { kWhole, kPart, kUnsatisfiable } kind = Kind::kWhole;
  uint64_t first = 0;
  uint64_t last = 0;  // Inclusive.
};

// Headers we cannot parse, and several ranges, are ignored (RFC 9110 section 14.2 allows it):
// the whole blob is sent.
ByteRange ParseRange(std::string_view header, uint64_t size) {
  ByteRange range;
  if (!header.starts_with("bytes=") || header.find(',') != std::string_view::npos) return range;
  header.remove_prefix(6);
  const size_t dash = header.find('-');
  if (dash == std::string_view::npos) return range;
  const std::string_view a = header.substr(0, dash);
  const std::string_view b = header.substr(dash + 1);
  if (a.empty()) {  // Suffix: the last n bytes.
    const std::optional<uint64_t> n = ParseU64(b);
    if (!n) return range;
    if (*n == 0 || size == 0) return {ByteRange::Kind::kUnsatisfiable, 0, 0};
    return {ByteRange::Kind::kPart, size - std::min(*n, size), size - 1};
  }
  const std::optional<uint64_t> first = ParseU64(a);
  const std::optional<uint64_t> last =
      b.empty() ? std::optional<uint64_t>(UINT64_MAX) : ParseU64(b);
  if (!first || !last || *last < *first) return range;
  if (*first >= size) return {ByteRange::Kind::kUnsatisfiable, 0, 0};
  return {ByteRange::Kind::kPart, *first, std::min(*last, size - 1)};
}

Response GetBlob(Store* store, const Request& request, const RouteParams& params) {
  Response error;
  const std::optional<Cid> cid = PathCid(params, &error);
  if (!cid) return error;
  Result<std::string> bytes = store->Get(*cid);
  if (!bytes.ok()) return StatusResponse(bytes.status());
  const uint64_t size = bytes->size();
  const ByteRange range = ParseRange(request[http::field::range], size);
  Response response;
  if (range.kind == ByteRange::Kind::kUnsatisfiable) {
    response = ErrorResponse(http::status::range_not_satisfiable, "range_not_satisfiable",
                             "range '" + std::string(request[http::field::range]) +
                                 "' is outside the blob's " + std::to_string(size) + " bytes");
    response.set(http::field::content_range, "bytes */" + std::to_string(size));
  } else if (range.kind == ByteRange::Kind::kPart) {
    response = MakeResponse(http::status::partial_content,
                            bytes->substr(range.first, range.last - range.first + 1),
                            "application/octet-stream");
    response.set(http::field::content_range, "bytes " + std::to_string(range.first) + "-" +
                                                 std::to_string(range.last) + "/" +
                                                 std::to_string(size));
  } else {
    response = MakeResponse(http::status::ok, std::move(*bytes), "application/octet-stream");
  }
  response.set(http::field::accept_ranges, "bytes");
  return response;
}

Response ListCheckpoints(Store* store) {
  Json list = Json::array();
  for (const CheckpointRecord& c : store->Checkpoints()) list.push_back(CheckpointJson(c));
  return JsonResponse(http::status::ok, {{"verifier_key", store->NodeVerifierKey()},
                                         {"checkpoints", std::move(list)}});
}

Response MakeCheckpoint(Store* store) {
  Result<CheckpointRecord> made = store->Checkpoint();
  if (!made.ok()) return StatusResponse(made.status());
  return JsonResponse(http::status::created, CheckpointJson(*made));
}

Json BucketJson(uint64_t bucket, const std::optional<BucketInfo>& info) {
  return {{"bucket", bucket},
          {"registered", info.has_value()},
          {"owner", info ? Json(Hex(info->owner)) : Json(nullptr)},
          {"public", info ? info->is_public : false},
          {"declared", info ? info->declared : false}};
}

Response ListBuckets(Store* store, const BucketDirectory* buckets) {
  Json registered = Json::array();
  for (const auto& [bucket, info] : buckets->All()) {
    registered.push_back(BucketJson(bucket, info));
  }
  return JsonResponse(http::status::ok,
                      {{"buckets", store->Buckets()}, {"registered", std::move(registered)}});
}

Response GetBucket(Store* store, const BucketDirectory* buckets, const RouteParams& params) {
  Response error;
  const std::optional<uint64_t> bucket = PathBucket(params, &error);
  if (!bucket) return error;
  Json j = BucketJson(*bucket, buckets->Lookup(*bucket));
  const std::vector<uint64_t> with_events = store->Buckets();
  j["has_events"] = std::find(with_events.begin(), with_events.end(), *bucket) != with_events.end();
  return JsonResponse(http::status::ok, j);
}

// PUT /v1/buckets/{bucket} {"owner":HEX,"public":BOOL}, signed by the owner's key (a new
// bucket) or the current owner's (a change, including a transfer to a new owner).
Response PutBucket(BucketDirectory* buckets, AccessControl* access, const Request& request,
                   const RouteParams& params) {
  Response error;
  const std::optional<uint64_t> bucket = PathBucket(params, &error);
  if (!bucket) return error;
  if (MediaType(request) != "application/json") {
    return ErrorResponse(http::status::unsupported_media_type, "unsupported_media_type",
                         "a bucket is put as application/json {\"owner\":HEX,\"public\":BOOL}");
  }
  const Json body = Json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
  std::optional<PublicKey> owner;
  if (body.is_object() && body.contains("owner") && body["owner"].is_string()) {
    owner = ParseUser(body["owner"].get<std::string>());
  }
  if (!owner || !body.contains("public") || !body["public"].is_boolean() || body.size() != 2) {
    return BadRequest("bad_body",
                      "the body is {\"owner\": 64 hex digits (ed25519), \"public\": true|false} "
                      "and nothing else");
  }
  const std::optional<PublicKey> signer = access->CheckKeySigned(request, &error);
  if (!signer) return error;
  const std::optional<BucketInfo> current = buckets->Lookup(*bucket);
  const PublicKey& must_sign = current ? current->owner : *owner;
  if (*signer != must_sign) {
    return ErrorResponse(http::status::forbidden, "not_bucket_owner",
                         current ? "bucket " + std::to_string(*bucket) + " is owned by " +
                                       Hex(current->owner) + "; only that key may change it"
                                 : "a new bucket is registered by a request signed with the "
                                   "owner's key, not " +
                                       Hex(*signer));
  }
  const bool is_public = body["public"].get<bool>();
  if (Status s = buckets->Put(*bucket, *owner, is_public); !s.ok()) return StatusResponse(s);
  return JsonResponse(current ? http::status::ok : http::status::created,
                      BucketJson(*bucket, buckets->Lookup(*bucket)));
}

Response ListUsers(Store* store, AccessControl* access, const Request& request,
                   const RouteParams& params) {
  Response error;
  const std::optional<uint64_t> bucket = PathBucket(params, &error);
  if (!bucket) return error;
  if (std::optional<Response> denied = access->Check(request, *bucket, kAuthRead)) return *denied;
  Json users = Json::array();
  for (std::unique_ptr<UserIterator> it = store->NewUserIterator(*bucket); it->Valid();
       it->Next()) {
    const TimelineInfo& t = it->timeline();
    users.push_back({{"user", Hex(t.user)},
                     {"size", t.size},
                     {"root", Hex(t.root)},
                     {"head", t.size > 0 ? Json(t.head.ToString()) : Json(nullptr)}});
  }
  return JsonResponse(http::status::ok, {{"bucket", *bucket}, {"users", std::move(users)}});
}

Response NodeInfo(Store* store) {
  const std::string key = store->NodeVerifierKey();
  return JsonResponse(http::status::ok,
                      {{"verifier_key", key}, {"origin", key.substr(0, key.find('+'))}});
}

Json HashesJson(const std::vector<Hash32>& hashes) {
  Json list = Json::array();
  for (const Hash32& h : hashes) list.push_back(Hex(h));
  return list;
}

Response GetEventProof(Store* store, Metrics* metrics, AccessControl* access,
                       const Request& request, const RouteParams& params) {
  Response error;
  const std::optional<Cid> cid = PathCid(params, &error);
  if (!cid) return error;
  // Distinguishes "no such event" (and "erased") from "not sealed yet".
  Result<Event> event = store->GetEvent(*cid);
  if (!event.ok()) return StatusResponse(event.status());
  if (std::optional<Response> denied = access->Check(request, event->bucket, kAuthRead)) {
    return *denied;
  }
  Result<EventProof> proof = store->ProveEvent(*cid);
  if (!proof.ok()) {
    if (proof.status().code() == Status::Code::kNotFound) {
      return ErrorResponse(http::status::not_found, "not_sealed",
                           "event " + cid->ToString() +
                               " is stored but not sealed by a checkpoint yet; it is once the "
                               "next checkpoint is made (POST /v1/checkpoints or the node's "
                               "checkpoint interval)");
    }
    return StatusResponse(proof.status());
  }
  Response response;
  if (WantsJson(request)) {
    response =
        JsonResponse(http::status::ok, {{"cid", cid->ToString()},
                                        {"event", timeline::Base64Encode(Bytes(proof->event))},
                                        {"position", proof->position},
                                        {"timeline_path", HashesJson(proof->timeline_path)},
                                        {"journal_index", proof->journal_index},
                                        {"journal_path", HashesJson(proof->journal_path)},
                                        {"checkpoint", proof->checkpoint}});
  } else {
    Result<std::string> bytes = EncodeEventProof(*proof);
    if (!bytes.ok()) return StatusResponse(bytes.status());
    response = MakeResponse(http::status::ok, std::move(*bytes), "application/cbor");
  }
  metrics->CountDelivered(event->bucket, response.body().size());
  return response;
}

// The required ?old=A&new=B of a consistency proof.
bool ParseSizes(const RouteParams& params, uint64_t* old_size, uint64_t* new_size,
                Response* error) {
  for (const auto& [name, out] : {std::pair{"old", old_size}, std::pair{"new", new_size}}) {
    const std::string* text = params.Query(name);
    const std::optional<uint64_t> parsed = text ? ParseU64(*text) : std::nullopt;
    if (!parsed) {
      *error = BadRequest("bad_query", std::string("query parameter '") + name +
                                           "' (a tree size) is missing or not a number");
      return false;
    }
    *out = *parsed;
  }
  return true;
}

Response TimelineConsistency(Store* store, AccessControl* access, const Request& request,
                             const RouteParams& params) {
  Response error;
  const std::optional<uint64_t> bucket = PathBucket(params, &error);
  if (!bucket) return error;
  if (std::optional<Response> denied = access->Check(request, *bucket, kAuthRead)) return *denied;
  const std::optional<PublicKey> user = ParseUser(params.Path("user"));
  if (!user) return BadRequest("bad_user", "user must be 64 hex digits (an ed25519 public key)");
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  if (!ParseSizes(params, &old_size, &new_size, &error)) return error;
  Result<std::vector<Hash32>> proof =
      store->TimelineConsistencyProof(*bucket, *user, old_size, new_size);
  if (!proof.ok()) return StatusResponse(proof.status());
  Result<Hash32> old_root = store->TimelineRoot(*bucket, *user, old_size);
  if (!old_root.ok()) return StatusResponse(old_root.status());
  Result<Hash32> new_root = store->TimelineRoot(*bucket, *user, new_size);
  if (!new_root.ok()) return StatusResponse(new_root.status());
  return JsonResponse(http::status::ok, {{"old", old_size},
                                         {"new", new_size},
                                         {"old_root", Hex(*old_root)},
                                         {"new_root", Hex(*new_root)},
                                         {"proof", HashesJson(*proof)}});
}

Response JournalConsistency(Store* store, const RouteParams& params) {
  Response error;
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  if (!ParseSizes(params, &old_size, &new_size, &error)) return error;
  Result<std::vector<Hash32>> proof = store->JournalConsistencyProof(old_size, new_size);
  if (!proof.ok()) return StatusResponse(proof.status());
  Result<Hash32> old_root = store->JournalRoot(old_size);
  if (!old_root.ok()) return StatusResponse(old_root.status());
  Result<Hash32> new_root = store->JournalRoot(new_size);
  if (!new_root.ok()) return StatusResponse(new_root.status());
  return JsonResponse(http::status::ok, {{"old", old_size},
                                         {"new", new_size},
                                         {"old_root", Hex(*old_root)},
                                         {"new_root", Hex(*new_root)},
                                         {"proof", HashesJson(*proof)}});
}

// The signed record a request carries: its CBOR body, or from application/json the base64 of
// that CBOR under `json_key` (the key the GET routes answer it under), alone. Else the error
// response (415 for another content type, 400 for another JSON shape); `what` names the record.
std::optional<Response> SignedRecordBody(const Request& request, std::string_view what,
                                         const char* json_key, std::string* bytes) {
  const std::string type = MediaType(request);
  if (std::find(std::begin(kCborTypes), std::end(kCborTypes), type) != std::end(kCborTypes)) {
    *bytes = request.body();
    return std::nullopt;
  }
  if (type == "application/json") {
    const Json j = Json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.size() == 1 && j.contains(json_key) && j[json_key].is_string()) {
      Result<std::vector<uint8_t>> decoded = timeline::Base64Decode(j[json_key].get<std::string>());
      if (decoded.ok()) {
        bytes->assign(decoded->begin(), decoded->end());
        return std::nullopt;
      }
    }
    return BadRequest("bad_body", std::string(what) + " as JSON is {\"" + json_key +
                                      "\": the base64 of its signed CBOR bytes} and nothing else");
  }
  return ErrorResponse(http::status::unsupported_media_type, "unsupported_media_type",
                       std::string(what) +
                           " is posted as application/cbor, application/vnd.ipld.dag-cbor or "
                           "application/json, not '" +
                           type + "'");
}

Response Erase(Store* store, const Request& request) {
  std::string bytes;
  if (std::optional<Response> error = SignedRecordBody(request, "a tombstone", "bytes", &bytes)) {
    return *error;
  }
  Result<EraseResult> erased = store->Erase(std::string_view(bytes));
  if (!erased.ok()) return StatusResponse(erased.status());
  return JsonResponse(http::status::ok, {{"tombstone", erased->tombstone.ToString()},
                                         {"events_erased", erased->events_erased},
                                         {"grants_destroyed", erased->grants_destroyed},
                                         {"keys_shredded", erased->keys_shredded},
                                         {"existed", erased->existed}});
}

Response PutGrant(Store* store, const Request& request) {
  std::string bytes;
  if (std::optional<Response> error = SignedRecordBody(request, "a grant", "bytes", &bytes)) {
    return *error;
  }
  Result<Cid> cid = store->PutGrant(std::string_view(bytes));
  if (!cid.ok()) return StatusResponse(cid.status());
  return JsonResponse(http::status::created, {{"cid", cid->ToString()}});
}

Json NameJson(const StoredName& n) {
  const NameRecord& r = n.record;
  return {{"bucket", r.bucket},
          {"name", r.name},
          {"target", r.target.ToString()},
          {"seq", r.sequence},
          {"ttl_seconds", r.ttl_seconds},
          {"created_ms", r.created_ms},
          {"signer", Hex(r.signer)},
          {"cid", n.cid.ToString()},
          {"record", timeline::Base64Encode(Bytes(n.bytes))}};
}

// PUT /v1/buckets/{bucket}/names/{name}: a name record signed by the bucket's owner (the store
// checks the signature and the owner), for the bucket and name of the path.
Response PutName(Store* store, const Request& request, const RouteParams& params) {
  Response error;
  const std::optional<uint64_t> bucket = PathBucket(params, &error);
  if (!bucket) return error;
  std::string bytes;
  if (std::optional<Response> bad = SignedRecordBody(request, "a name record", "record", &bytes)) {
    return *bad;
  }
  Result<NameRecord> record = DecodeName(Bytes(bytes));
  if (!record.ok()) return StatusResponse(record.status());
  if (record->bucket != *bucket || record->name != params.Path("name")) {
    return BadRequest("name_mismatch", "the record is for name '" + record->name + "' of bucket " +
                                           std::to_string(record->bucket) + ", not for '" +
                                           params.Path("name") + "' of bucket " +
                                           std::to_string(*bucket) + " of the path");
  }
  Result<PutNameResult> put = store->PutName(std::string_view(bytes));
  if (!put.ok()) return StatusResponse(put.status());
  Result<StoredName> stored = store->GetName(*bucket, record->name);
  if (!stored.ok()) return StatusResponse(stored.status());
  Json j = NameJson(*stored);
  j["existed"] = put->existed;
  return JsonResponse(put->existed ? http::status::ok : http::status::created, j);
}

// GET /v1/buckets/{bucket}/names/{name}: the current record, as JSON or (Accept:
// application/cbor) its signed bytes, cacheable for its TTL.
Response GetName(Store* store, AccessControl* access, const Request& request,
                 const RouteParams& params) {
  Response error;
  const std::optional<uint64_t> bucket = PathBucket(params, &error);
  if (!bucket) return error;
  if (std::optional<Response> denied = access->Check(request, *bucket, kAuthRead)) return *denied;
  Result<StoredName> stored = store->GetName(*bucket, params.Path("name"));
  if (!stored.ok()) return StatusResponse(stored.status());
  Response response =
      request[http::field::accept].find("application/cbor") != std::string_view::npos
          ? MakeResponse(http::status::ok, stored->bytes, "application/cbor")
          : JsonResponse(http::status::ok, NameJson(*stored));
  response.set(http::field::cache_control, "max-age=" + std::to_string(stored->record.ttl_seconds));
  return response;
}

Response ListNames(Store* store, AccessControl* access, const Request& request,
                   const RouteParams& params) {
  Response error;
  const std::optional<uint64_t> bucket = PathBucket(params, &error);
  if (!bucket) return error;
  if (std::optional<Response> denied = access->Check(request, *bucket, kAuthRead)) return *denied;
  Json list = Json::array();
  for (const StoredName& n : store->Names(*bucket)) list.push_back(NameJson(n));
  return JsonResponse(http::status::ok, {{"bucket", *bucket}, {"names", std::move(list)}});
}

Json GrantJson(const GrantRecord& r) {
  const Grant& g = r.grant;
  return {{"cid", r.cid.ToString()},
          {"bucket", g.bucket},
          {"user", g.user ? Json(Hex(*g.user)) : Json(nullptr)},
          {"scope", g.scope},
          {"key_version", g.key_version},
          {"grantee", Hex(g.grantee)},
          {"granter", Hex(g.granter)},
          {"created_ms", g.created_ms},
          {"bytes", timeline::Base64Encode(Bytes(r.bytes))}};
}

Response ListGrants(Store* store, const RouteParams& params) {
  std::vector<GrantRecord> grants;
  const std::string* grantee = params.Query("grantee");
  const std::string* bucket_text = params.Query("bucket");
  const std::string* scope = params.Query("scope");
  if (grantee != nullptr && bucket_text == nullptr && scope == nullptr) {
    const std::optional<PublicKey> key = ParseUser(*grantee);
    if (!key) return BadRequest("bad_query", "grantee must be 64 hex digits (an X25519 key)");
    grants = store->GrantsForGrantee(*key);
  } else if (grantee == nullptr && bucket_text != nullptr && scope != nullptr) {
    const std::optional<uint64_t> bucket = ParseU64(*bucket_text);
    if (!bucket) return BadRequest("bad_query", "bucket '" + *bucket_text + "' is not a number");
    grants = store->GrantsForScope(*bucket, *scope);
  } else {
    return BadRequest("bad_query", "list grants either by ?grantee=HEX or by ?bucket=N&scope=S");
  }
  Json list = Json::array();
  for (const GrantRecord& r : grants) list.push_back(GrantJson(r));
  return JsonResponse(http::status::ok, {{"grants", std::move(list)}});
}

}  // namespace

std::span<const RouteSpec> NodeRoutes() { return kNodeRoutes; }

http::status HttpStatusOf(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk:
      return http::status::ok;
    case Status::Code::kNotFound:
      return http::status::not_found;
    case Status::Code::kInvalidArgument:
      return http::status::bad_request;
    case Status::Code::kConflict:
      return http::status::conflict;
    case Status::Code::kErased:
      return http::status::gone;
    case Status::Code::kPermissionDenied:
      return http::status::forbidden;
    case Status::Code::kBusy:
      return http::status::service_unavailable;
    case Status::Code::kNoSpace:
      return http::status::insufficient_storage;
    case Status::Code::kNotSupported:
      return http::status::not_implemented;
    case Status::Code::kCorruption:
    case Status::Code::kIOError:
    case Status::Code::kFailed:
      return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

std::string_view ErrorCodeOf(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk:
      return "ok";
    case Status::Code::kNotFound:
      return "not_found";
    case Status::Code::kInvalidArgument:
      return "invalid_argument";
    case Status::Code::kConflict:
      return "conflict";
    case Status::Code::kErased:
      return "erased";
    case Status::Code::kPermissionDenied:
      return "permission_denied";
    case Status::Code::kBusy:
      return "busy";
    case Status::Code::kNoSpace:
      return "no_space";
    case Status::Code::kNotSupported:
      return "not_supported";
    case Status::Code::kCorruption:
      return "corruption";
    case Status::Code::kIOError:
      return "io_error";
    case Status::Code::kFailed:
      return "failed";
  }
  return "internal";
}

Response StatusResponse(const Status& status) {
  return ErrorResponse(HttpStatusOf(status), ErrorCodeOf(status), status.message());
}

void AddNodeRoutes(Router* router, Store* store, NodeServices services) {
  using V = http::verb;
  // The caller's counters, or the routes' own.
  std::shared_ptr<Metrics> metrics =
      services.metrics != nullptr ? std::shared_ptr<Metrics>(services.metrics, [](Metrics*) {})
                                  : std::make_shared<Metrics>();
  // Defaults owned by the routes: an in-memory bucket directory, no access control.
  std::shared_ptr<BucketDirectory> own_buckets;
  if (services.buckets == nullptr) {
    own_buckets = std::move(BucketDirectory::Open("")).value();
    services.buckets = own_buckets.get();
  }
  std::shared_ptr<AccessControl> own_access;
  if (services.access == nullptr) {
    AccessOptions off;
    off.enabled = false;
    own_access = std::make_shared<AccessControl>(services.buckets, off);
    services.access = own_access.get();
  }
  BucketDirectory* buckets = services.buckets;
  AccessControl* access = services.access;
  KeyStore* keystore = services.keystore;
  const uint32_t max_batch = services.max_batch_events;
  if (max_batch == 0 || max_batch > kMaxBatchRequestEvents) {
    throw std::invalid_argument("max_batch_events " + std::to_string(max_batch) +
                                " is outside 1.." + std::to_string(kMaxBatchRequestEvents));
  }
  size_t added = 0;
  // Registers a route of kNodeRoutes, timing and counting every request it answers.
  auto add = [&](V method, std::string_view pattern, Router::RouteHandler handler) {
    const auto spec = std::find_if(kNodeRoutes.begin(), kNodeRoutes.end(), [&](const RouteSpec& r) {
      return r.method == http::to_string(method) && r.pattern == pattern;
    });
    if (spec == kNodeRoutes.end()) {
      throw std::logic_error("route " + std::string(pattern) + " is missing from kNodeRoutes");
    }
    ++added;
    router->Add(method, pattern,
                [metrics, own_buckets, own_access, spec, h = std::move(handler)](
                    const Request& r, const RouteParams& p) {
                  const auto start = std::chrono::steady_clock::now();
                  Response response = h(r, p);
                  // Reads of a path's bucket are that bucket's delivered bytes.
                  if (r.method() == V::get && response.result() == http::status::ok) {
                    if (const std::optional<uint64_t> b = ParseU64(p.Path("bucket"))) {
                      metrics->CountDelivered(*b, response.body().size());
                    }
                  }
                  const std::chrono::duration<double> took =
                      std::chrono::steady_clock::now() - start;
                  metrics->Observe(spec->method, spec->pattern, response.result_int(), took.count(),
                                   r.body().size(), response.body().size());
                  return response;
                });
  };
  Metrics* m = metrics.get();
  add(V::get, "/health", [store](const Request&, const RouteParams&) { return Health(store); });
  add(V::get, "/metrics", [store, m](const Request&, const RouteParams&) {
    return MakeResponse(http::status::ok, m->Render(store->Stats()),
                        "text/plain; version=0.0.4; charset=utf-8");
  });
  add(V::get, "/v1/node", [store](const Request&, const RouteParams&) { return NodeInfo(store); });
  add(V::get, "/v1/buckets",
      [store, buckets](const Request&, const RouteParams&) { return ListBuckets(store, buckets); });
  add(V::get, "/v1/buckets/{bucket}", [store, buckets](const Request&, const RouteParams& p) {
    return GetBucket(store, buckets, p);
  });
  add(V::put, "/v1/buckets/{bucket}", [buckets, access](const Request& r, const RouteParams& p) {
    return PutBucket(buckets, access, r, p);
  });
  add(V::get, "/v1/buckets/{bucket}/users",
      [store, access](const Request& r, const RouteParams& p) {
        return ListUsers(store, access, r, p);
      });
  add(V::post, "/v1/buckets/{bucket}/events",
      [store, m, access](const Request& r, const RouteParams& p) {
        return AppendOne(store, m, access, r, p);
      });
  add(V::post, "/v1/buckets/{bucket}/events:batch",
      [store, m, access, max_batch](const Request& r, const RouteParams& p) {
        return AppendBatch(store, m, access, max_batch, r, p);
      });
  add(V::post, "/v1/buckets/{bucket}/seal",
      [store, access, keystore](const Request& r, const RouteParams& p) {
        Response error;
        const std::optional<uint64_t> bucket = PathBucket(p, &error);
        if (!bucket) return error;
        if (std::optional<Response> denied = access->Check(r, *bucket, kAuthSeal)) return *denied;
        return SealEvent(store, keystore, r, *bucket);
      });
  add(V::post, "/v1/buckets/{bucket}/open",
      [store, access, keystore](const Request& r, const RouteParams& p) {
        Response error;
        const std::optional<uint64_t> bucket = PathBucket(p, &error);
        if (!bucket) return error;
        if (std::optional<Response> denied = access->Check(r, *bucket, kAuthOpen)) return *denied;
        return OpenEvent(store, keystore, r, *bucket);
      });
  add(V::put, "/v1/buckets/{bucket}/names/{name...}",
      [store](const Request& r, const RouteParams& p) { return PutName(store, r, p); });
  add(V::get, "/v1/buckets/{bucket}/names/{name...}",
      [store, access](const Request& r, const RouteParams& p) {
        return GetName(store, access, r, p);
      });
  add(V::get, "/v1/buckets/{bucket}/names",
      [store, access](const Request& r, const RouteParams& p) {
        return ListNames(store, access, r, p);
      });
  add(V::get, "/v1/events/{cid}", [store, m, access](const Request& r, const RouteParams& p) {
    return GetEvent(store, m, access, r, p);
  });
  add(V::get, "/v1/events/{cid}/proof", [store, m, access](const Request& r, const RouteParams& p) {
    return GetEventProof(store, m, access, r, p);
  });
  add(V::get, "/v1/buckets/{bucket}/users/{user}/timeline",
      [store, access](const Request& r, const RouteParams& p) {
        return Timeline(store, access, r, p);
      });
  add(V::get, "/v1/buckets/{bucket}/users/{user}/consistency",
      [store, access](const Request& r, const RouteParams& p) {
        return TimelineConsistency(store, access, r, p);
      });
  add(V::get, "/v1/journal/consistency",
      [store](const Request&, const RouteParams& p) { return JournalConsistency(store, p); });
  add(V::put, "/v1/blobs", [store, m, access](const Request& r, const RouteParams& p) {
    return PutBlob(store, m, access, r, p);
  });
  add(V::get, "/v1/blobs/{cid}",
      [store](const Request& r, const RouteParams& p) { return GetBlob(store, r, p); });
  add(V::get, "/v1/checkpoints",
      [store](const Request&, const RouteParams&) { return ListCheckpoints(store); });
  add(V::post, "/v1/checkpoints",
      [store](const Request&, const RouteParams&) { return MakeCheckpoint(store); });
  add(V::post, "/v1/erase",
      [store](const Request& r, const RouteParams&) { return Erase(store, r); });
  add(V::post, "/v1/grants",
      [store](const Request& r, const RouteParams&) { return PutGrant(store, r); });
  add(V::get, "/v1/grants",
      [store](const Request&, const RouteParams& p) { return ListGrants(store, p); });
  if (added != kNodeRoutes.size()) {
    throw std::logic_error("kNodeRoutes lists routes AddNodeRoutes does not register");
  }
}

}  // namespace ddc::node
