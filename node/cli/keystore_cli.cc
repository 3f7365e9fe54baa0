#include "node/cli/keystore_cli.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

namespace ddc::cli {
namespace {

std::span<uint8_t> MutableBytes(std::string* s) {
  return {reinterpret_cast<uint8_t*>(s->data()), s->size()};
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
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

Result<std::string> ReadPassphrase(const KeyStoreLocation& where) {
  if (!where.passphrase_file.empty()) {
    Result<std::string> text = ReadInput(where.passphrase_file);
    if (!text.ok()) return text.status().WithContext("--passphrase-file");
    std::string line = text->substr(0, text->find('\n'));
    WipeString(&*text);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      return Status::InvalidArgument("--passphrase-file " + where.passphrase_file +
                                     ": the first line is empty");
    }
    return line;
  }
  if (const char* env = std::getenv("DDC_PASSPHRASE"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  return Status::InvalidArgument(
      "no keystore passphrase: set DDC_PASSPHRASE or pass --passphrase-file FILE (its first line "
      "is the passphrase)");
}

// "<bucket>" as a number; false when it is not one.
bool ParseBucket(std::string_view text, uint64_t* bucket) {
  Result<uint64_t> b = ParseUint(text, "bucket");
  if (!b.ok()) return false;
  *bucket = *b;
  return true;
}

// "<user hex>" or "*" (all users).
bool ParseUser(std::string_view text, std::optional<PublicKey>* user) {
  if (text == "*") {
    *user = std::nullopt;
    return true;
  }
  Result<std::array<uint8_t, 32>> key = ParseHex32(text, "user");
  if (!key.ok()) return false;
  *user = *key;
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
    if (!ParseBucket(parts[1], &bucket)) return false;
    if (parts.size() == 3 && (parts[2] == "*" || !ParseUser(parts[2], &user))) return false;
    Result<std::unique_ptr<MasterEntry>> master = GetMaster(keys, name);
    if (!master.ok()) return master.status();
    ring->AddMasterKey(bucket, user, (*master)->key, (*master)->version);
    return true;
  }
  if (parts[0] == "scope" && parts.size() == 5) {
    Result<uint64_t> version = ParseUint(parts[4], "version");
    if (!ParseBucket(parts[1], &bucket) || !ParseUser(parts[2], &user) || !version.ok() ||
        *version > UINT32_MAX) {
      return false;
    }
    auto entry = GetEntry(keys, name, KeyKind::kScopeKey, kSymmetricKeyBytes);
    if (!entry.ok()) return entry.status();
    ScopeKey key{};
    std::memcpy(key.data(), (*entry)->get().secret.data(), key.size());
    const Status added =
        ring->AddScopeKey(bucket, user, parts[3], static_cast<uint32_t>(*version), key);
    Wipe(key);
    if (!added.ok()) return false;
    return true;
  }
  return false;
}

}  // namespace

KeyStoreLocation TakeKeyStoreLocation(Args& args) {
  KeyStoreLocation where;
  where.path = args.Option("--keystore");
  where.passphrase_file = args.Option("--passphrase-file");
  if (where.path.empty()) {
    const char* env = std::getenv("DDC_KEYSTORE");
    where.path = env != nullptr && *env != '\0' ? std::string(env) : DefaultDataDir() + "/keys";
  }
  return where;
}

Result<std::unique_ptr<KeyStore>> OpenKeyStore(const KeyStoreLocation& where,
                                               bool create_if_missing) {
  Result<std::string> passphrase = ReadPassphrase(where);
  if (!passphrase.ok()) return passphrase.status();
  Result<std::unique_ptr<KeyStore>> opened = KeyStore::Open(where.path, *passphrase);
  if (opened.ok() || !opened.status().IsNotFound()) {
    WipeString(&*passphrase);
    return opened;
  }
  if (!create_if_missing) {
    WipeString(&*passphrase);
    return Status::NotFound(opened.status().message() +
                            " (create it with `ddc keygen`, or give another with --keystore)");
  }
  const std::filesystem::path parent = std::filesystem::path(where.path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) {
    WipeString(&*passphrase);
    return Status::IOError("keystore " + where.path + ": creating its directory: " + ec.message());
  }
  KeyStoreOptions options;
  if (const char* fast = std::getenv("DDC_KEYSTORE_FAST");
      fast != nullptr && std::string_view(fast) == "1") {
    options.opslimit = kKeyStoreOpsLimitMin;
    options.memlimit = kKeyStoreMemLimitMin;
  }
  Result<std::unique_ptr<KeyStore>> created = KeyStore::Create(where.path, *passphrase, options);
  WipeString(&*passphrase);
  if (created.ok()) std::fprintf(stderr, "created keystore %s\n", where.path.c_str());
  return created;
}

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

Result<KeyRing> FullRing(const KeyStore& keys) {
  KeyRing ring;
  for (const char* prefix : {"master/", "scope/"}) {
    for (const KeyEntry& listed : keys.List(prefix)) {
      Result<bool> added = AddToRing(keys, listed.name, &ring);
      if (!added.ok()) return added.status();
      if (!*added) {
        std::fprintf(stderr, "note: skipping keystore entry %s: not a name ddc gives keys\n",
                     listed.name.c_str());
      }
    }
  }
  return ring;
}

void WipeString(std::string* s) {
  if (!s->empty()) Wipe(MutableBytes(s));
}

Result<std::optional<Cid>> TimelineHead(Store& store, uint64_t bucket, const PublicKey& user) {
  Result<TimelineInfo> info = store.Timeline(bucket, user);
  if (!info.ok()) {
    if (info.status().IsNotFound()) return std::optional<Cid>();
    return info.status();
  }
  if (info->size == 0) return std::optional<Cid>();
  return std::optional<Cid>(info->head);
}

Status EmitEvent(const Event& event, Store* store, const std::string& out) {
  Result<std::string> bytes = EncodeEvent(event);
  if (!bytes.ok()) return bytes.status();
  const Cid cid = EventCid(Bytes(*bytes));
  if (store != nullptr) {
    Result<AppendResult> appended = store->Append(std::string_view(*bytes));
    if (!appended.ok()) return appended.status();
    Status closed = store->Close();
    if (!closed.ok()) return closed;
    std::printf("%s position %llu%s\n", appended->cid.ToString().c_str(),
                static_cast<unsigned long long>(appended->position),
                appended->existed ? " (already stored)" : "");
    return Status::OK();
  }
  Status written = WriteOutput(out, *bytes, /*binary=*/true);
  if (!written.ok()) return written;
  std::fprintf(out.empty() || out == "-" ? stderr : stdout, "%s\n", cid.ToString().c_str());
  return Status::OK();
}

}  // namespace ddc::cli
