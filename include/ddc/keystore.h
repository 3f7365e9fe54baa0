// KeyStore: the secret keys of a CLI user or a node, in one file encrypted under a passphrase.
//
// What it holds: named secrets of at most 64 bytes (ed25519 seeds, X25519 secret keys, master
// and scope keys), each with a kind and its creation time. What it promises:
//
//   - At rest every entry is sealed with XChaCha20-Poly1305 under a key that Argon2id
//     (libsodium crypto_pwhash, ALG_ARGON2ID13) derives from the passphrase and a random salt.
//     The cost limits are chosen at Create and stored in the file header.
//   - A wrong passphrase is told apart from damage: the header holds a sealed check block, so
//     Open answers PermissionDenied "keystore <path>: wrong passphrase" and writes nothing.
//   - Crypto-shredding: each entry lives in one fixed-size slot that is updated in place, so
//     Shred overwrites exactly the entry's bytes with zeros and syncs before returning. The
//     overwrite reaches the disk on file systems that write in place (ext4, XFS); a
//     copy-on-write file system (btrfs, ZFS), a journal in data=journal mode or an SSD's flash
//     translation layer may keep older copies of the block out of ddc's reach. Secrets handed
//     out by Get are the caller's to wipe.
//   - Every acknowledged write survives a crash: each Put, Shred and ShredPrefix ends with
//     fdatasync. A Put that replaces a name writes the new slot (synced) before zeroing the old
//     one (synced); if a crash falls in between, the next Open keeps the newer slot and shreds
//     the older one.
//   - The file is created with mode 0600. Open refuses (PermissionDenied, naming the mode) a
//     file that grants any permission to group or others, like ssh does for private keys: the
//     library cannot warn, and a key file readable by others is a misconfiguration to fix, not
//     to work around. Open also refuses a symbolic link, because ChangePassphrase replaces the
//     file by rename and would replace the link rather than its target.
//   - One KeyStore at a time: Create and Open take an exclusive flock(2) on the file and answer
//     Busy while another KeyStore object, in this process or another, holds it. The lock is
//     advisory: a program that ignores it can still change the file underneath.
//
// Every error message starts with "keystore <path>: ". The byte layout is in docs/FORMAT.md,
// "Keystore file, version 1".
//
// Thread safety: a KeyStore may be used from any number of threads; a mutex serializes calls.
// Key derivation (Argon2id) runs outside the mutex in ChangePassphrase.
#ifndef DDC_KEYSTORE_H_
#define DDC_KEYSTORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/status.h"

namespace ddc {

// Hard limits, checked at the API boundary with InvalidArgument.
inline constexpr size_t kKeyStoreMaxNameBytes = 128;         // Names are 1..128 bytes.
inline constexpr size_t kKeyStoreMaxSecretBytes = 64;        // Secrets are 1..64 bytes.
inline constexpr size_t kKeyStoreMaxEntries = 1024;          // Live entries in one file.
inline constexpr size_t kKeyStoreMaxPassphraseBytes = 1024;  // Passphrases are 1..1024 bytes.

// Argon2id cost limits (libsodium's values). Open accepts only files whose limits lie within
// [Min, Max], so that a damaged header cannot ask for unbounded time or memory.
inline constexpr uint64_t kKeyStoreOpsLimitMin = 1;          // crypto_pwhash_OPSLIMIT_MIN
inline constexpr uint64_t kKeyStoreOpsLimitInteractive = 2;  // crypto_pwhash_OPSLIMIT_INTERACTIVE
inline constexpr uint64_t kKeyStoreOpsLimitMax = 64;
inline constexpr uint64_t kKeyStoreMemLimitMin = 8192;  // crypto_pwhash_MEMLIMIT_MIN
inline constexpr uint64_t kKeyStoreMemLimitInteractive = uint64_t{64} << 20;  // 64 MiB
inline constexpr uint64_t kKeyStoreMemLimitMax = uint64_t{4} << 30;           // 4 GiB

// What a secret is. Stored as one byte; values are part of the file format.
enum class KeyKind : uint8_t {
  kSigningSeed = 1,  // An ed25519 seed (32 bytes), from which the signing key pair follows.
  kBoxSecret = 2,    // An X25519 secret key (32 bytes), for unwrapping shared keys.
  kMasterKey = 3,    // A master key (32 bytes) from which scope keys are derived.
  kScopeKey = 4,     // A scope key (32 bytes), e.g. one received through a grant.
};

struct KeyStoreOptions {
  // Argon2id passes over memory. Each pass costs time at Create, Open and ChangePassphrase, for
  // the owner and for anyone guessing passphrases alike. The default is libsodium's
  // "interactive" level (about a tenth of a second on a current machine together with the
  // default memlimit); raise it for a keystore that is opened rarely. Tests use
  // kKeyStoreOpsLimitMin. Must lie within [kKeyStoreOpsLimitMin, kKeyStoreOpsLimitMax].
  uint64_t opslimit = kKeyStoreOpsLimitInteractive;

  // Argon2id memory in bytes. More memory makes guessing on GPUs and ASICs dearer, and every
  // Open needs that much RAM for a moment. Tests use kKeyStoreMemLimitMin. Must lie within
  // [kKeyStoreMemLimitMin, kKeyStoreMemLimitMax].
  uint64_t memlimit = kKeyStoreMemLimitInteractive;
};

struct KeyEntry {
  std::string name;
  KeyKind kind = KeyKind::kSigningSeed;
  // The secret bytes (Get); empty in List. The caller should wipe them when done (ddc::Wipe in
  // ddc/crypto.h, or sodium_memzero).
  std::string secret;
  uint64_t created_ms = 0;  // When the entry was put, milliseconds since the Unix epoch.
};

class KeyStore {
 public:
  // Creates a new keystore file at `path` (mode 0600, created exclusively) and opens it.
  // Conflict if anything already exists at `path`; InvalidArgument for an empty or over-long
  // passphrase or limits out of range. When Create returns OK the empty file, and its directory
  // entry, are synced.
  static Result<std::unique_ptr<KeyStore>> Create(const std::string& path,
                                                  std::string_view passphrase,
                                                  const KeyStoreOptions& options = {});

  // Opens an existing keystore. Errors: NotFound if there is no file; PermissionDenied for a
  // wrong passphrase (nothing is written) or a file open to group or others; Busy if another
  // KeyStore holds it; NotSupported for another format version; Corruption for a damaged
  // header, a slot that does not open (its index is named), or a file whose length ends inside
  // a slot; InvalidArgument for a symbolic link. Open writes only after the passphrase and
  // every slot have verified, and only to clean up after a crash: it zeroes the older of two
  // slots holding one name (an interrupted replacing Put), and zeroes and removes a stale
  // `<path>.tmp` (an interrupted ChangePassphrase).
  static Result<std::unique_ptr<KeyStore>> Open(const std::string& path,
                                                std::string_view passphrase);

  // Wipes the derived key and the secrets held in memory (sodium_memzero) and releases the
  // file and its lock. While the KeyStore is open they live in ordinary memory (not mlock'ed),
  // which the operating system may swap out.
  ~KeyStore();

  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;

  // Stores `secret` under `name`, replacing any entry of that name. The name is 1..128 bytes
  // of printable ASCII without spaces (0x21..0x7e); the secret 1..64 bytes. Durable when OK;
  // the entry's created_ms is the time of this Put.
  // InvalidArgument for a bad name, kind or secret, or when the store already holds
  // kKeyStoreMaxEntries entries and `name` is new. After a failed write the KeyStore refuses
  // further changes with Failed; reopen it.
  [[nodiscard]] Status Put(std::string_view name, KeyKind kind, std::span<const uint8_t> secret);

  // The entry named `name`, with its secret. NotFound if there is none.
  Result<KeyEntry> Get(std::string_view name) const;

  // The entries whose names start with `prefix` (all of them for an empty prefix), sorted by
  // name, with empty secrets.
  std::vector<KeyEntry> List(std::string_view prefix = {}) const;

  // Overwrites the entry's slot with zeros and syncs it. NotFound if there is no such entry.
  [[nodiscard]] Status Shred(std::string_view name);

  // Shreds every entry whose name starts with `prefix`, with one fdatasync for all of them;
  // `*shredded` (if given) receives how many. OK when none matches. InvalidArgument for an
  // empty prefix: shredding everything by accident is too easy to be the default.
  [[nodiscard]] Status ShredPrefix(std::string_view prefix, size_t* shredded = nullptr);

  // Re-encrypts every entry under `new_passphrase` (a fresh salt, the same Argon2id limits)
  // into `<path>.tmp`, syncs it, renames it over `<path>` and syncs the directory; a crash at
  // any point leaves either the old or the new file at `<path>`, each complete. The old file
  // is then overwritten with zeros before it is released, but its bytes may survive in freed
  // disk blocks for the reasons given at the top of this file: if the old passphrase leaked,
  // treat the keys as exposed and rotate them, not just the passphrase. The file is compacted
  // (free slots are dropped). A stale `<path>.tmp` from an interrupted change is zeroed and
  // removed first. An error before the rename leaves the keystore as it was; an error after it
  // (syncing the directory, zeroing the old file) is an IOError saying that the new passphrase
  // is in effect.
  [[nodiscard]] Status ChangePassphrase(std::string_view new_passphrase);

  const std::string& path() const;

 private:
  struct Rep;  // The open file, the derived key and the entries; defined in keystore.cc.
  explicit KeyStore(std::unique_ptr<Rep> rep);

  const std::unique_ptr<Rep> rep_;
};

}  // namespace ddc

#endif  // DDC_KEYSTORE_H_
