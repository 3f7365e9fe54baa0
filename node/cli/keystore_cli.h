// The CLI's keystore: which file, which passphrase, what the entries are called, and the key
// rings and events the crypto commands (crypto_commands.cc) build from it.
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
#ifndef DDC_NODE_CLI_KEYSTORE_CLI_H_
#define DDC_NODE_CLI_KEYSTORE_CLI_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ddc/crypto.h"
#include "ddc/event.h"
#include "ddc/keystore.h"
#include "ddc/scopes.h"
#include "ddc/status.h"
#include "node/cli/cli.h"

namespace ddc::cli {

inline constexpr size_t kMasterEntryBytes = kSymmetricKeyBytes + 4;

// Where the keystore is and how to unlock it, taken from the command line and the environment.
struct KeyStoreLocation {
  std::string path;             // --keystore, else $DDC_KEYSTORE, else DefaultDataDir()/keys.
  std::string passphrase_file;  // --passphrase-file; empty: $DDC_PASSPHRASE.
};

// Consumes --keystore and --passphrase-file.
KeyStoreLocation TakeKeyStoreLocation(Args& args);

// Opens the keystore. With `create_if_missing`, a missing file is created (and its directory),
// with the default Argon2id limits, or the minimum ones when DDC_KEYSTORE_FAST=1 (for tests
// only). Errors: no passphrase given (saying how to give one), the keystore's own errors
// (PermissionDenied "keystore <path>: wrong passphrase", nothing written), or NotFound naming
// the file and `ddc keygen` when it is missing and not to be created.
Result<std::unique_ptr<KeyStore>> OpenKeyStore(const KeyStoreLocation& where,
                                               bool create_if_missing);

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

// Wipes the secret half of a key pair (KeyPair, BoxKeyPair) when it goes out of scope.
template <typename Pair>
class WipeOnExit {
 public:
  explicit WipeOnExit(Pair* pair) : pair_(pair) {}
  ~WipeOnExit() { Wipe(pair_->secret_key); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  Pair* const pair_;
};

// The signing key sign/<name>; NotFound says how to make one. The caller wipes secret_key.
Result<KeyPair> GetSigningKey(const KeyStore& keys, std::string_view name);
// The X25519 key pair of box/<name> (its public key recomputed from the secret).
Result<BoxKeyPair> GetBoxKey(const KeyStore& keys, std::string_view name);
BoxKeyPair BoxKeyPairOfSecret(const BoxSecretKey& secret);

// A ring with the master keys a builder needs for `user` in `bucket`: the user's own and the
// app's, whichever exist.
Result<KeyRing> SealingRing(const KeyStore& keys, uint64_t bucket, const PublicKey& user);
// A ring with every master and scope key of the keystore. Entries whose names do not follow
// the scheme above are skipped with a note on stderr.
Result<KeyRing> FullRing(const KeyStore& keys);

// Overwrites a string holding secret bytes.
void WipeString(std::string* s);

// Where a built event goes: appended to `store` when given (prints "<cid> position <p>"), else
// written to `out` (a file, or standard output when empty; the CID then goes to stderr, else to
// standard output). Closes the store after appending.
Status EmitEvent(const Event& event, Store* store, const std::string& out);

// The newest event of (bucket, user) in `store`, if the timeline exists: the `prev` of the next
// event appended to it.
Result<std::optional<Cid>> TimelineHead(Store& store, uint64_t bucket, const PublicKey& user);

}  // namespace ddc::cli

#endif  // DDC_NODE_CLI_KEYSTORE_CLI_H_
