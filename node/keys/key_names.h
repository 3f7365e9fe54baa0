// How ddc's tools name and read keys in a keystore (include/ddc/keystore.h), shared by the CLI
// and ddc-node's encryption service.
//
// Entry names (the store's erasure shreds the prefix "master/<bucket>/<user hex>", see
// Options::keystore, so the master names must be exactly these):
//
//   sign/<name>                                   ed25519 seed (32 bytes), KeyKind::kSigningSeed
//   box/<name>                                    X25519 secret key (32 bytes), kBoxSecret
//   master/<bucket>/<user hex>                    a user's master key, kMasterKey
//   master/<bucket>                               an app's master key (all its users), kMasterKey
//   scope/<bucket>/<user hex or *>/<scope>/<kv>   a scope key received through a grant, kScopeKey
//
// A master entry's secret is the 32-byte master key followed by u32le(newest key version).
// Thread-safe as the keystore is.
#ifndef DDC_NODE_KEYS_KEY_NAMES_H_
#define DDC_NODE_KEYS_KEY_NAMES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/crypto.h"
#include "ddc/event.h"
#include "ddc/keystore.h"
#include "ddc/scopes.h"
#include "ddc/status.h"

namespace ddc::keys {

inline constexpr size_t kMasterEntryBytes = kSymmetricKeyBytes + 4;

// Entry names.
std::string SignName(std::string_view name);
std::string BoxName(std::string_view name);
std::string MasterName(uint64_t bucket, const std::optional<PublicKey>& user);
std::string ScopeKeyName(uint64_t bucket, const std::optional<PublicKey>& user,
                         std::string_view scope, uint32_t key_version);

// A master key and its newest version; wipes the key when destroyed.
struct MasterEntry {
  MasterKey key{};
  uint32_t version = 0;

  MasterEntry() = default;
  ~MasterEntry() { Wipe(key); }
  MasterEntry(const MasterEntry&) = delete;
  MasterEntry& operator=(const MasterEntry&) = delete;
};

// The master entry `name`; NotFound when absent, Corruption when it is not a master entry.
Result<std::unique_ptr<MasterEntry>> GetMaster(const KeyStore& keys, const std::string& name);
// Stores a master entry (key || u32le version) under `name`.
Status PutMaster(KeyStore* keys, const std::string& name, const MasterEntry& master);

// The signing key sign/<name>; NotFound says how to make one. The caller wipes secret_key.
Result<KeyPair> GetSigningKey(const KeyStore& keys, std::string_view name);
// The X25519 key pair of box/<name> (its public key recomputed from the secret).
Result<BoxKeyPair> GetBoxKey(const KeyStore& keys, std::string_view name);
BoxKeyPair BoxKeyPairOfSecret(const BoxSecretKey& secret);

// A ring with the master keys a builder needs for `user` in `bucket`: the user's own and the
// app's, whichever exist.
Result<KeyRing> SealingRing(const KeyStore& keys, uint64_t bucket, const PublicKey& user);
// A ring with every master and scope key of the keystore; the names of entries that do not
// follow the scheme above are added to `skipped` (when not null).
Result<KeyRing> FullRing(const KeyStore& keys, std::vector<std::string>* skipped = nullptr);

// Overwrites a string holding secret bytes.
void WipeString(std::string* s);

}  // namespace ddc::keys

#endif  // DDC_NODE_KEYS_KEY_NAMES_H_
