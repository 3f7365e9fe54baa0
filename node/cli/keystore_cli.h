// The CLI's keystore: which file, which passphrase, and the events the crypto commands
// (crypto_commands.cc) build from it. Entry names and key rings are node/keys/key_names.h,
// shared with ddc-node.
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
#include "node/keys/key_names.h"

namespace ddc::cli {

using keys::BoxKeyPairOfSecret;
using keys::BoxName;
using keys::GetBoxKey;
using keys::GetMaster;
using keys::GetSigningKey;
using keys::kMasterEntryBytes;
using keys::MasterEntry;
using keys::MasterName;
using keys::PutMaster;
using keys::ScopeKeyName;
using keys::SealingRing;
using keys::SignName;
using keys::WipeString;

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

// The signing key sign/NAME of the keystore (which must exist).
Result<KeyPair> LoadSigner(const KeyStoreLocation& where, const std::string& name);
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

// A ring with every master and scope key of the keystore. Entries whose names do not follow
// the scheme of key_names.h are skipped with a note on stderr.
Result<KeyRing> FullRing(const KeyStore& keys);

// Where a built event goes: appended to `store` when given (prints "<cid> position <p>"), else
// written to `out` (a file, or standard output when empty; the CID then goes to stderr, else to
// standard output). Closes the store after appending.
Status EmitEvent(const Event& event, Store* store, const std::string& out);

// The newest event of (bucket, user) in `store`, if the timeline exists: the `prev` of the next
// event appended to it.
Result<std::optional<Cid>> TimelineHead(Store& store, uint64_t bucket, const PublicKey& user);

}  // namespace ddc::cli

#endif  // DDC_NODE_CLI_KEYSTORE_CLI_H_
