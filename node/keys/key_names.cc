#include "node/keys/key_names.h"

#include <sodium.h>

#include <array>
#include <charconv>
#include <cstring>
#include <utility>

#include "engine/base/hex.h"

namespace ddc::keys {
namespace {

std::span<uint8_t> MutableBytes(std::string* s) {
  return {reinterpret_cast<uint8_t*>(s->data()), s->size()};
}

// A KeyEntry whose secret is wiped when it goes out of scope.
class HeldEntry {
 public:
  explicit HeldEntry(KeyEntry entry) : entry_(std::move(entry)) {}
  ~HeldEntry() { WipeString(&entry_.secret); }
  HeldEntry(const HeldEntry&) = delete;
  HeldEntry& operator=(const HeldEntry&) = delete;
  const KeyEntry& get() const { return entry_; }

 private:
  KeyEntry entry_;
};

Result<std::unique_ptr<HeldEntry>> GetEntry(const KeyStore& keys, const std::string& name,
                                            KeyKind kind, size_t secret_bytes) {
  Result<KeyEntry> entry = keys.Get(name);
  if (!entry.ok()) return entry.status();
  auto held = std::make_unique<HeldEntry>(std::move(entry).value());
  if (held->get().kind != kind || held->get().secret.size() != secret_bytes) {
    return Status::Corruption("keystore " + keys.path() + ": entry " + name + " is of kind " +
                              std::to_string(static_cast<int>(held->get().kind)) + " with " +
                              std::to_string(held->get().secret.size()) + " secret bytes, want " +
                              std::to_string(static_cast<int>(kind)) + " with " +
                              std::to_string(secret_bytes));
  }
  return held;
}

// A decimal number (no sign, no spaces) that fits `max`.
bool ParseNumber(std::string_view text, uint64_t max, uint64_t* out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && ec == std::errc() && ptr == text.data() + text.size() && *out <= max;
}

// "<user hex>" or "*" (all users).
bool ParseUser(std::string_view text, std::optional<PublicKey>* user) {
  if (text == "*") {
    *user = std::nullopt;
    return true;
  }
  PublicKey key{};
  if (!ParseHex(text, key)) return false;
  *user = key;
  return true;
}

std::vector<std::string> Split(std::string_view name) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t slash = name.find('/'); slash != std::string_view::npos;
       slash = name.find('/', start)) {
    parts.emplace_back(name.substr(start, slash - start));
    start = slash + 1;
  }
  parts.emplace_back(name.substr(start));
  return parts;
}

// Adds the entry `name` to `ring` if it is a master or scope key named by the scheme; false
// when the name does not parse.
Result<bool> AddToRing(const KeyStore& keys, const std::string& name, KeyRing* ring) {
  const std::vector<std::string> parts = Split(name);
  uint64_t bucket = 0;
  std::optional<PublicKey> user;
  if (parts[0] == "master" && (parts.size() == 2 || parts.size() == 3)) {
    if (!ParseNumber(parts[1], UINT64_MAX, &bucket)) return false;
    if (parts.size() == 3 && (parts[2] == "*" || !ParseUser(parts[2], &user))) return false;
    Result<std::unique_ptr<MasterEntry>> master = GetMaster(keys, name);
    if (!master.ok()) return master.status();
    ring->AddMasterKey(bucket, user, (*master)->key, (*master)->version);
    return true;
  }
  if (parts[0] == "scope" && parts.size() == 5) {
    uint64_t version = 0;
    if (!ParseNumber(parts[1], UINT64_MAX, &bucket) || !ParseUser(parts[2], &user) ||
        !ParseNumber(parts[4], UINT32_MAX, &version)) {
      return false;
    }
    auto entry = GetEntry(keys, name, KeyKind::kScopeKey, kSymmetricKeyBytes);
    if (!entry.ok()) return entry.status();
    ScopeKey key{};
    std::memcpy(key.data(), (*entry)->get().secret.data(), key.size());
    const Status added =
        ring->AddScopeKey(bucket, user, parts[3], static_cast<uint32_t>(version), key);
    Wipe(key);
    return added.ok();
  }
  return false;
}

}  // namespace

std::string SignName(std::string_view name) { return "sign/" + std::string(name); }
std::string BoxName(std::string_view name) { return "box/" + std::string(name); }

std::string MasterName(uint64_t bucket, const std::optional<PublicKey>& user) {
  std::string name = "master/" + std::to_string(bucket);
  if (user) name += "/" + Hex(*user);
  return name;
}

std::string ScopeKeyName(uint64_t bucket, const std::optional<PublicKey>& user,
                         std::string_view scope, uint32_t key_version) {
  return "scope/" + std::to_string(bucket) + "/" + (user ? Hex(*user) : std::string("*")) + "/" +
         std::string(scope) + "/" + std::to_string(key_version);
}

Result<std::unique_ptr<MasterEntry>> GetMaster(const KeyStore& keys, const std::string& name) {
  auto entry = GetEntry(keys, name, KeyKind::kMasterKey, kMasterEntryBytes);
  if (!entry.ok()) return entry.status();
  auto master = std::make_unique<MasterEntry>();
  const std::string& secret = (*entry)->get().secret;
  std::memcpy(master->key.data(), secret.data(), kSymmetricKeyBytes);
  for (size_t i = 0; i < 4; ++i) {
    master->version |= static_cast<uint32_t>(static_cast<uint8_t>(secret[kSymmetricKeyBytes + i]))
                       << (8 * i);
  }
  if (master->version == 0) {
    return Status::Corruption("keystore " + keys.path() + ": entry " + name + " has version 0");
  }
  return master;
}

Status PutMaster(KeyStore* keys, const std::string& name, const MasterEntry& master) {
  std::array<uint8_t, kMasterEntryBytes> secret{};
  std::memcpy(secret.data(), master.key.data(), kSymmetricKeyBytes);
  for (size_t i = 0; i < 4; ++i) {
    secret[kSymmetricKeyBytes + i] = static_cast<uint8_t>(master.version >> (8 * i));
  }
  Status s = keys->Put(name, KeyKind::kMasterKey, secret);
  Wipe(secret);
  return s;
}

Result<KeyPair> GetSigningKey(const KeyStore& keys, std::string_view name) {
  auto entry = GetEntry(keys, SignName(name), KeyKind::kSigningSeed, 32);
  if (!entry.ok()) {
    if (!entry.status().IsNotFound()) return entry.status();
    return Status::NotFound(entry.status().message() + " (make one with `ddc keygen --sign " +
                            std::string(name) + "`)");
  }
  std::array<uint8_t, 32> seed{};
  std::memcpy(seed.data(), (*entry)->get().secret.data(), seed.size());
  KeyPair key = KeyPair::FromSeed(seed);
  Wipe(seed);
  return key;
}

BoxKeyPair BoxKeyPairOfSecret(const BoxSecretKey& secret) {
  BoxKeyPair pair;
  pair.secret_key = secret;
  crypto_scalarmult_base(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

Result<BoxKeyPair> GetBoxKey(const KeyStore& keys, std::string_view name) {
  auto entry = GetEntry(keys, BoxName(name), KeyKind::kBoxSecret, 32);
  if (!entry.ok()) {
    if (!entry.status().IsNotFound()) return entry.status();
    return Status::NotFound(entry.status().message() + " (make one with `ddc keygen --box " +
                            std::string(name) + "`)");
  }
  BoxSecretKey secret{};
  std::memcpy(secret.data(), (*entry)->get().secret.data(), secret.size());
  BoxKeyPair pair = BoxKeyPairOfSecret(secret);
  Wipe(secret);
  return pair;
}

Result<KeyRing> SealingRing(const KeyStore& keys, uint64_t bucket, const PublicKey& user) {
  KeyRing ring;
  for (const std::optional<PublicKey>& owner :
       {std::optional<PublicKey>(user), std::optional<PublicKey>()}) {
    Result<std::unique_ptr<MasterEntry>> master = GetMaster(keys, MasterName(bucket, owner));
    if (master.ok()) {
      ring.AddMasterKey(bucket, owner, (*master)->key, (*master)->version);
    } else if (!master.status().IsNotFound()) {
      return master.status();
    }
  }
  return ring;
}

Result<KeyRing> FullRing(const KeyStore& keys, std::vector<std::string>* skipped) {
  KeyRing ring;
  for (const char* prefix : {"master/", "scope/"}) {
    for (const KeyEntry& listed : keys.List(prefix)) {
      Result<bool> added = AddToRing(keys, listed.name, &ring);
      if (!added.ok()) return added.status();
      if (!*added && skipped != nullptr) skipped->push_back(listed.name);
    }
  }
  return ring;
}

void WipeString(std::string* s) {
  if (!s->empty()) Wipe(MutableBytes(s));
}

}  // namespace ddc::keys
