// EventBuilder (JSON -> scopes -> zstd -> sealed, signed event), the KeyRing both builder and
// reader draw keys from, and the compressing half of the scope container.
#include <zstd.h>

#include <algorithm>
#include <compare>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "ddc/crypto.h"
#include "ddc/scopes.h"
#include "engine/base/macros.h"
#include "engine/crypto/scope_name.h"
#include "engine/event/scope_json.h"

namespace ddc {
namespace {

// The keys of one (bucket, user) or of a whole bucket (all_users; user is then zero).
struct Owner {
  uint64_t bucket = 0;
  bool all_users = false;
  PublicKey user{};

  auto operator<=>(const Owner&) const = default;
};

Owner OwnerOf(uint64_t bucket, const std::optional<PublicKey>& user) {
  return user ? Owner{bucket, false, *user} : Owner{bucket, true, PublicKey{}};
}

// A secret wiped when it goes out of scope.
template <size_t N>
class Secret {
 public:
  Secret() = default;
  explicit Secret(const std::array<uint8_t, N>& bytes) : bytes_(bytes) {}
  ~Secret() { Wipe(bytes_); }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  std::array<uint8_t, N>& get() { return bytes_; }
  const std::array<uint8_t, N>& get() const { return bytes_; }

 private:
  std::array<uint8_t, N> bytes_{};
};

// One compression context per thread, so that Build stays const and thread-safe without
// paying for a context (hundreds of KiB of tables at level 3) per call.
ZSTD_CCtx* ThreadCompressor() {
  struct Holder {
    ZSTD_CCtx* ctx = ZSTD_createCCtx();
    ~Holder() { ZSTD_freeCCtx(ctx); }
    Holder() = default;
    Holder(const Holder&) = delete;
    Holder& operator=(const Holder&) = delete;
  };
  thread_local Holder holder;
  return holder.ctx;
}

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Status CheckText(std::string_view field, std::string_view value, size_t max) {
  if (value.empty() || value.size() > max) {
    return Status::InvalidArgument("event builder: " + std::string(field) + " is " +
                                   std::to_string(value.size()) + " bytes, want 1.." +
                                   std::to_string(max));
  }
  return Status::OK();
}

}  // namespace

// --- KeyRing ------------------------------------------------------------------------------------

struct KeyRing::Rep {
  struct Master {
    MasterKey key{};
    uint32_t newest_version = 0;
  };
  using ScopeKeyId = std::tuple<Owner, std::string, uint32_t>;

  std::map<Owner, Master> masters;
  std::map<ScopeKeyId, ScopeKey> scope_keys;

  Rep() = default;
  Rep(const Rep&) = delete;
  Rep& operator=(const Rep&) = delete;
  ~Rep() {
    for (auto& [owner, master] : masters) Wipe(master.key);
    for (auto& [id, key] : scope_keys) Wipe(key);
  }

  const Master* FindMaster(const Owner& owner) const {
    auto it = masters.find(owner);
    return it == masters.end() ? nullptr : &it->second;
  }
  const ScopeKey* FindScopeKey(const Owner& owner, std::string_view name, uint32_t version) const {
    auto it = scope_keys.find(ScopeKeyId{owner, std::string(name), version});
    return it == scope_keys.end() ? nullptr : &it->second;
  }
};

KeyRing::KeyRing() : rep_(std::make_unique<Rep>()) {}
KeyRing::~KeyRing() = default;
KeyRing::KeyRing(KeyRing&&) noexcept = default;
KeyRing& KeyRing::operator=(KeyRing&&) noexcept = default;

void KeyRing::AddMasterKey(uint64_t bucket, const std::optional<PublicKey>& user,
                           const MasterKey& master, uint32_t newest_version) {
  if (!rep_) rep_ = std::make_unique<Rep>();  // A moved-from ring is usable again.
  rep_->masters[OwnerOf(bucket, user)] = Rep::Master{master, newest_version};
}

Status KeyRing::AddScopeKey(uint64_t bucket, const std::optional<PublicKey>& user,
                            std::string_view scope_name, uint32_t key_version,
                            const ScopeKey& key) {
  if (!IsValidScopeName(scope_name)) {
    return Status::InvalidArgument("key ring: scope name \"" + std::string(scope_name) +
                                   "\" is not 1.." + std::to_string(kMaxScopeNameBytes) +
                                   " bytes of [a-z0-9_.-]");
  }
  if (!rep_) rep_ = std::make_unique<Rep>();
  rep_->scope_keys[Rep::ScopeKeyId{OwnerOf(bucket, user), std::string(scope_name), key_version}] =
      key;
  return Status::OK();
}

Result<KeyRing::SealingKey> KeyRing::SealingKeyFor(uint64_t bucket, const PublicKey& user) const {
  const Rep::Master* master = nullptr;
  if (rep_) {
    master = rep_->FindMaster(OwnerOf(bucket, user));
    if (master == nullptr) master = rep_->FindMaster(OwnerOf(bucket, std::nullopt));
  }
  if (master == nullptr) {
    return Status::NotFound("key ring: no master key for this user or for all users of bucket " +
                            std::to_string(bucket));
  }
  return SealingKey{master->key, master->newest_version};
}

std::vector<ScopeKey> KeyRing::CandidateKeys(uint64_t bucket, const PublicKey& user,
                                             std::string_view scope_name,
                                             uint32_t key_version) const {
  std::vector<ScopeKey> out;
  if (!rep_ || !IsValidScopeName(scope_name)) return out;
  const Owner mine = OwnerOf(bucket, user);
  const Owner everyone = OwnerOf(bucket, std::nullopt);
  for (const Owner& owner : {mine, everyone}) {
    if (const ScopeKey* key = rep_->FindScopeKey(owner, scope_name, key_version)) {
      out.push_back(*key);
    }
  }
  for (const Owner& owner : {mine, everyone}) {
    if (const Rep::Master* master = rep_->FindMaster(owner)) {
      Result<ScopeKey> derived = DeriveScopeKey(master->key, scope_name, key_version);
      if (derived.ok()) out.push_back(*derived);
    }
  }
  return out;
}

Result<ScopeKey> KeyRing::ScopeKeyFor(uint64_t bucket, const PublicKey& user,
                                      std::string_view scope_name, uint32_t key_version) const {
  std::vector<ScopeKey> keys = CandidateKeys(bucket, user, scope_name, key_version);
  if (keys.empty()) {
    return Status::NotFound("key ring: no key for scope \"" + std::string(scope_name) +
                            "\" version " + std::to_string(key_version) + " of bucket " +
                            std::to_string(bucket));
  }
  const ScopeKey first = keys.front();
  for (ScopeKey& k : keys) Wipe(k);
  return first;
}

// --- Compression
// ----------------------------------------------------------------------------------

namespace scope_json {

std::optional<std::string> CompressIfItPays(std::string_view plaintext, int level,
                                            size_t min_bytes) {
  ZSTD_CCtx* ctx = ThreadCompressor();
  if (plaintext.size() < min_bytes || plaintext.empty() || ctx == nullptr) return std::nullopt;
  std::string frame(ZSTD_compressBound(plaintext.size()), '\0');
  const size_t n =
      ZSTD_compressCCtx(ctx, frame.data(), frame.size(), plaintext.data(), plaintext.size(), level);
  // The frame must save at least 1/8: frame <= 7/8 of the plaintext.
  if (ZSTD_isError(n) != 0 || n * 8 > plaintext.size() * 7) return std::nullopt;
  frame.resize(n);
  return frame;
}

}  // namespace scope_json

// --- EventBuilder -------------------------------------------------------------------------------

struct EventBuilder::Rep {
  ScopePolicy policy;
  scope_json::CompiledPolicy compiled;
  BuilderOptions options;
};

EventBuilder::EventBuilder(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}

Result<EventBuilder> EventBuilder::Create(const ScopePolicy& policy,
                                          const BuilderOptions& options) {
  if (options.zstd_level < 1 || options.zstd_level > ZSTD_maxCLevel()) {
    return Status::InvalidArgument("event builder: zstd_level " +
                                   std::to_string(options.zstd_level) + " is outside 1.." +
                                   std::to_string(ZSTD_maxCLevel()));
  }
  DDC_ASSIGN_OR_RETURN(scope_json::CompiledPolicy compiled, scope_json::Compile(policy));
  auto rep = std::make_shared<Rep>();
  rep->policy = policy;
  rep->compiled = std::move(compiled);
  rep->options = options;
  return EventBuilder(std::move(rep));
}

const ScopePolicy& EventBuilder::policy() const { return rep_->policy; }

Result<Event> EventBuilder::BuildUnsigned(const EventInput& input, const KeyRing& keys,
                                          const PublicKey& user) const {
  DDC_RETURN_IF_ERROR(CheckText("id", input.id, kMaxEventIdBytes));
  DDC_RETURN_IF_ERROR(CheckText("type", input.type, kMaxEventTypeBytes));
  DDC_ASSIGN_OR_RETURN(
      scope_json::Json data,
      scope_json::ParseObject(input.json, "event builder: event data", kMaxScopePlaintextBytes));
  const scope_json::CompiledPolicy& compiled = rep_->compiled;
  std::vector<scope_json::Json> parts = scope_json::Split(std::move(data), compiled);

  Event event;
  event.bucket = input.bucket;
  event.user = user;
  event.id = std::string(input.id);
  event.type = std::string(input.type);
  event.timestamp_ms = input.timestamp_ms;
  event.prev = input.prev;
  std::optional<Secret<kSymmetricKeyBytes>> master;
  uint32_t version = 0;
  size_t total_bytes = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].is_null()) continue;
    const std::string& name = compiled.names[i];
    std::string plaintext = scope_json::Dump(parts[i]);
    ScopeCompression compression = ScopeCompression::kNone;
    if (rep_->options.compress) {
      std::optional<std::string> frame = scope_json::CompressIfItPays(
          plaintext, rep_->options.zstd_level, rep_->options.compress_min_bytes);
      if (frame) {
        plaintext = std::move(*frame);
        compression = ScopeCompression::kZstd;
      }
    }
    total_bytes += plaintext.size();
    if (total_bytes > kMaxEventBytes) {
      return Status::InvalidArgument("event builder: scope data passes " +
                                     std::to_string(kMaxEventBytes) +
                                     " bytes (kMaxEventBytes) at scope \"" + name + "\"");
    }
    if (compiled.is_public[i]) {
      Scope scope;
      scope.name = name;
      scope.sealed = false;
      scope.compression = compression;
      scope.data = std::move(plaintext);
      event.scopes.push_back(std::move(scope));
      continue;
    }
    if (!master) {
      Result<KeyRing::SealingKey> sealing = keys.SealingKeyFor(input.bucket, user);
      if (!sealing.ok()) {
        return sealing.status().WithContext("event builder: scope \"" + name + "\" is sealed");
      }
      master.emplace(sealing->master);
      version = sealing->version;
      Wipe(sealing->master);
    }
    DDC_ASSIGN_OR_RETURN(ScopeKey derived, DeriveScopeKey(master->get(), name, version));
    const Secret<kSymmetricKeyBytes> key(derived);
    Wipe(derived);
    const ScopeHeader header{input.bucket, user, event.id, name, version, compression};
    DDC_RETURN_IF_ERROR(
        SealScopeInto(key.get(), header, AsBytes(plaintext), &event.scopes.emplace_back()));
  }
  // compiled.names is sorted, so the scopes already are in the event's order.
  return event;
}

Result<Event> EventBuilder::Build(const EventInput& input, const KeyRing& keys,
                                  const KeyPair& user_key) const {
  DDC_ASSIGN_OR_RETURN(Event event, BuildUnsigned(input, keys, user_key.public_key));
  DDC_RETURN_IF_ERROR(SignEvent(&event, user_key).WithContext("event builder"));
  return event;
}

}  // namespace ddc
