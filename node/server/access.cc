#include "node/server/access.h"

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <charconv>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/hex.h"
#include "engine/io/file_system.h"
#include "engine/timeline/base64.h"

namespace ddc::node {

namespace http = boost::beast::http;
using Json = nlohmann::json;

namespace {

constexpr uint64_t kDirectoryVersion = 1;
// Token texts whose verified chains are remembered; the cache is emptied when it is full.
constexpr size_t kTokenCacheEntries = 4096;

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::optional<PublicKey> ParseKey(std::string_view hex) {
  PublicKey key{};
  if (!ParseHex(hex, key)) return std::nullopt;
  return key;
}

Response Unauthenticated(std::string_view code, std::string_view message) {
  Response r = ErrorResponse(http::status::unauthorized, code, message);
  r.set(http::field::www_authenticate, "DDC");
  return r;
}

Response Forbidden(std::string_view code, std::string_view message) {
  return ErrorResponse(http::status::forbidden, code, message);
}

std::string OpName(AuthOp op) { return AuthOpsString(op); }

}  // namespace

// ---- BucketDirectory ----

Result<std::unique_ptr<BucketDirectory>> BucketDirectory::Open(std::string path) {
  std::unique_ptr<BucketDirectory> dir(new BucketDirectory(std::move(path)));
  if (dir->path_.empty()) return dir;
  io::FileSystem* fs = io::PosixFileSystemInstance();
  Result<bool> exists = fs->Exists(dir->path_);
  if (!exists.ok()) return exists.status();
  if (!*exists) return dir;
  Result<std::unique_ptr<io::File>> file = fs->Open(dir->path_, io::OpenMode::kRead);
  if (!file.ok()) return file.status();
  Result<uint64_t> size = (*file)->Size();
  if (!size.ok()) return size.status();
  std::string text(*size, '\0');
  Result<size_t> read = (*file)->Read(0, {reinterpret_cast<uint8_t*>(text.data()), text.size()});
  if (!read.ok()) return read.status();
  text.resize(*read);
  const std::string where = "bucket directory " + dir->path_;
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("buckets") || !j["buckets"].is_array() ||
      j.value("version", uint64_t{0}) != kDirectoryVersion) {
    return Status::Corruption(where + ": not a version 1 bucket directory");
  }
  for (const Json& b : j["buckets"]) {
    const std::optional<PublicKey> owner = b.contains("owner") && b["owner"].is_string()
                                               ? ParseKey(b["owner"].get<std::string>())
                                               : std::nullopt;
    if (!b.is_object() || !b.contains("bucket") || !b["bucket"].is_number_unsigned() || !owner ||
        !b.contains("public") || !b["public"].is_boolean()) {
      return Status::Corruption(where + ": malformed entry " + b.dump());
    }
    BucketInfo info;
    info.owner = *owner;
    info.is_public = b["public"].get<bool>();
    dir->registered_[b["bucket"].get<uint64_t>()] = info;
  }
  dir->buckets_ = dir->registered_;
  return dir;
}

std::optional<BucketInfo> BucketDirectory::Lookup(uint64_t bucket) const {
  std::shared_lock lock(mu_);
  const auto it = buckets_.find(bucket);
  if (it == buckets_.end()) return std::nullopt;
  return it->second;
}

std::map<uint64_t, BucketInfo> BucketDirectory::All() const {
  std::shared_lock lock(mu_);
  return buckets_;
}

void BucketDirectory::Declare(uint64_t bucket, const PublicKey& owner, bool is_public) {
  std::unique_lock lock(mu_);
  buckets_[bucket] = BucketInfo{owner, is_public, /*declared=*/true};
}

Status BucketDirectory::Put(uint64_t bucket, const PublicKey& owner, bool is_public) {
  std::unique_lock lock(mu_);
  if (auto it = buckets_.find(bucket); it != buckets_.end() && it->second.declared) {
    return Status::Conflict("bucket " + std::to_string(bucket) +
                            " is declared in the node's config and cannot be changed over HTTP");
  }
  const auto before = registered_.find(bucket);
  const std::optional<BucketInfo> old =
      before == registered_.end() ? std::nullopt : std::optional<BucketInfo>(before->second);
  registered_[bucket] = BucketInfo{owner, is_public, false};
  if (Status s = SaveLocked(); !s.ok()) {
    if (old) {
      registered_[bucket] = *old;
    } else {
      registered_.erase(bucket);
    }
    return s;
  }
  buckets_[bucket] = registered_[bucket];
  return Status::OK();
}

Status BucketDirectory::SaveLocked() const {
  if (path_.empty()) return Status::OK();
  Json list = Json::array();
  for (const auto& [bucket, info] : registered_) {
    list.push_back({{"bucket", bucket}, {"owner", Hex(info.owner)}, {"public", info.is_public}});
  }
  const std::string text =
      Json{{"version", kDirectoryVersion}, {"buckets", std::move(list)}}.dump(2) + "\n";
  io::FileSystem* fs = io::PosixFileSystemInstance();
  const std::string tmp = path_ + ".tmp";
  if (Result<bool> e = fs->Exists(tmp); e.ok() && *e) {
    if (Status s = fs->Remove(tmp); !s.ok()) return s;
  }
  {
    Result<std::unique_ptr<io::File>> file = fs->Open(tmp, io::OpenMode::kCreateReadWrite);
    if (!file.ok()) return file.status();
    if (Status s = (*file)->WriteAndSync(0, Bytes(text)); !s.ok()) return s;
  }
  if (Status s = fs->Rename(tmp, path_); !s.ok()) return s;
  std::string parent = std::filesystem::path(path_).parent_path().string();
  return fs->SyncDir(parent.empty() ? "." : parent);
}

// ---- AccessControl ----

AccessControl::AccessControl(const BucketDirectory* buckets, AccessOptions options)
    : buckets_(buckets), options_(std::move(options)) {}

uint64_t AccessControl::Now() const {
  if (options_.now_ms) return options_.now_ms();
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

Result<VerifiedAuthToken> AccessControl::Verify(std::string_view token) {
  {
    std::lock_guard lock(mu_);
    if (auto it = token_cache_.find(std::string(token)); it != token_cache_.end()) {
      return it->second;
    }
  }
  Result<std::vector<AuthLink>> links = ParseAuthToken(token);
  if (!links.ok()) return links.status();
  Result<VerifiedAuthToken> verified = VerifyAuthToken(*links);
  if (!verified.ok()) return verified.status();
  std::lock_guard lock(mu_);
  if (token_cache_.size() >= kTokenCacheEntries) token_cache_.clear();
  token_cache_.emplace(std::string(token), *verified);
  return verified;
}

std::optional<Response> AccessControl::CheckSignedRequest(const Request& request,
                                                          const PublicKey& key) {
  const std::string_view time_text = request[kTimeHeader];
  const std::string_view sig_text = request[kSignatureHeader];
  if (time_text.empty() || sig_text.empty()) {
    return Unauthenticated("bad_request_signature",
                           "a request with credentials carries X-DDC-Time (Unix milliseconds) and "
                           "X-DDC-Signature (base64 ed25519 signature by the token's subject)");
  }
  uint64_t time_ms = 0;
  const auto [ptr, ec] =
      std::from_chars(time_text.data(), time_text.data() + time_text.size(), time_ms);
  if (ec != std::errc() || ptr != time_text.data() + time_text.size()) {
    return Unauthenticated("bad_request_signature",
                           "X-DDC-Time '" + std::string(time_text) + "' is not Unix milliseconds");
  }
  Result<std::vector<uint8_t>> sig_bytes = timeline::Base64Decode(sig_text);
  Signature signature{};
  if (!sig_bytes.ok() || sig_bytes->size() != signature.size()) {
    return Unauthenticated("bad_request_signature",
                           "X-DDC-Signature is not the base64 of a 64-byte ed25519 signature");
  }
  std::copy(sig_bytes->begin(), sig_bytes->end(), signature.begin());
  if (!VerifyRequestSignature(key, std::string_view(request.method_string()),
                              std::string_view(request.target()), time_ms, Bytes(request.body()),
                              signature)) {
    return Unauthenticated("bad_request_signature", "X-DDC-Signature does not verify with key " +
                                                        Hex(key) +
                                                        " over this method, target, time and body");
  }
  const uint64_t now = Now();
  const uint64_t skew = now > time_ms ? now - time_ms : time_ms - now;
  if (skew > options_.request_window_ms) {
    return Unauthenticated("request_expired",
                           "the request was signed at " + std::to_string(time_ms) + " ms, " +
                               std::to_string(skew) + " ms from the node's clock (" +
                               std::to_string(now) + "); the window is " +
                               std::to_string(options_.request_window_ms) + " ms: sign it again");
  }
  std::string seen_key(reinterpret_cast<const char*>(signature.data()), 16);
  std::lock_guard lock(mu_);
  if (now >= next_sweep_ms_ || seen_.size() >= options_.max_remembered_requests) {
    std::erase_if(
        seen_, [&](const auto& entry) { return entry.second + options_.request_window_ms < now; });
    next_sweep_ms_ = now + options_.request_window_ms / 4 + 1;
  }
  if (seen_.contains(seen_key)) {
    return Unauthenticated("request_replayed",
                           "this signed request was already received; sign each request anew");
  }
  if (seen_.size() >= options_.max_remembered_requests) {
    Response r =
        ErrorResponse(http::status::too_many_requests, "too_many_requests",
                      "the node remembers " + std::to_string(options_.max_remembered_requests) +
                          " signed requests per window and is full; retry shortly");
    r.set(http::field::retry_after, "1");
    return r;
  }
  seen_.emplace(std::move(seen_key), time_ms);
  return std::nullopt;
}

std::optional<Response> AccessControl::CheckRate(const PublicKey& key) {
  if (options_.requests_per_second_per_key == 0) return std::nullopt;
  const double rate = options_.requests_per_second_per_key;
  const double burst = 2 * rate;
  const uint64_t now = Now();
  std::lock_guard lock(mu_);
  auto [it, inserted] = rates_.try_emplace(key, Rate{burst, now});
  Rate& r = it->second;
  if (!inserted && now > r.last_ms) {
    r.tokens = std::min(burst, r.tokens + static_cast<double>(now - r.last_ms) * rate / 1000.0);
    r.last_ms = now;
  }
  if (r.tokens < 1.0) {
    Response response = ErrorResponse(http::status::too_many_requests, "too_many_requests",
                                      "key " + Hex(key) + " sends more than " +
                                          std::to_string(options_.requests_per_second_per_key) +
                                          " requests per second; slow down");
    response.set(http::field::retry_after, "1");
    return response;
  }
  r.tokens -= 1.0;
  return std::nullopt;
}

std::optional<Response> AccessControl::Check(const Request& request, uint64_t bucket, AuthOp op) {
  if (std::optional<Response> denied = CheckAuth(request, bucket, op)) return denied;
  if (op == kAuthWrite && write_gate_) {
    if (std::optional<std::string> reason = write_gate_(bucket)) {
      return ErrorResponse(http::status::payment_required, "payment_required", *reason);
    }
  }
  return std::nullopt;
}

std::optional<Response> AccessControl::CheckAuth(const Request& request, uint64_t bucket,
                                                 AuthOp op) {
  if (!options_.enabled) return std::nullopt;
  const std::optional<BucketInfo> info = buckets_->Lookup(bucket);
  if (op == kAuthRead && info && info->is_public) return std::nullopt;
  const std::string b = std::to_string(bucket);
  const std::string_view header = request[http::field::authorization];
  if (header.empty()) {
    return Unauthenticated(
        "unauthenticated",
        (op == kAuthRead ? "bucket " + b + " is private: reading it"
                         : "bucket " + b + ": the '" + OpName(op) + "' operation") +
            " needs an access token (Authorization: DDC <token>) and a signed request");
  }
  if (!header.starts_with(kAuthScheme)) {
    return Unauthenticated("bad_token", "the Authorization header's scheme is not 'DDC'");
  }
  Result<VerifiedAuthToken> token = Verify(header.substr(kAuthScheme.size()));
  if (!token.ok()) return Unauthenticated("bad_token", token.status().message());
  if (!info) {
    return Forbidden("bucket_not_registered",
                     "bucket " + b + " is not registered on this node (PUT /v1/buckets/" + b +
                         " registers it, signed by its owner)");
  }
  if (token->bucket != bucket) {
    return Forbidden("wrong_bucket", "the token is for bucket " + std::to_string(token->bucket) +
                                         ", not for bucket " + b);
  }
  if (token->root_issuer != info->owner) {
    return Forbidden("not_bucket_owner", "the token's root is issued by " +
                                             Hex(token->root_issuer) + ", but bucket " + b +
                                             " is owned by " + Hex(info->owner));
  }
  const uint64_t now = Now();
  if (now >= token->expires_ms) {
    return Unauthenticated("token_expired", "the token expired at " +
                                                std::to_string(token->expires_ms) + " ms (now " +
                                                std::to_string(now) + ")");
  }
  if ((token->ops & op) == 0) {
    return Forbidden("operation_not_allowed",
                     "the token allows " + AuthOpsString(token->ops) + ", not " + OpName(op));
  }
  if (std::optional<Response> bad = CheckSignedRequest(request, token->subject)) return bad;
  return CheckRate(token->subject);
}

std::optional<PublicKey> AccessControl::CheckKeySigned(const Request& request, Response* error) {
  const std::optional<PublicKey> key = ParseKey(request[kKeyHeader]);
  if (!key) {
    *error = Unauthenticated("unauthenticated",
                             "this request is signed by a key: X-DDC-Key (64 hex digits), "
                             "X-DDC-Time and X-DDC-Signature");
    return std::nullopt;
  }
  if (std::optional<Response> bad = CheckSignedRequest(request, *key)) {
    *error = std::move(*bad);
    return std::nullopt;
  }
  if (std::optional<Response> bad = CheckRate(*key)) {
    *error = std::move(*bad);
    return std::nullopt;
  }
  return key;
}

}  // namespace ddc::node
