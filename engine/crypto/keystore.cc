// The passphrase-protected keystore file. docs/FORMAT.md, "Keystore file, version 1", is the
// specification of every byte; include/ddc/keystore.h says what the class promises.
//
// This file makes its own system calls (open, pread, pwrite, fdatasync, flock, fchmod, rename)
// instead of going through engine/io's FileSystem: the keystore needs exclusive creation,
// file modes, symlink refusal and ownership checks that the FileSystem interface does not
// model, and it moves a few kilobytes, so io_uring brings nothing.
#include "ddc/keystore.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <system_error>
#include <utility>

#include "engine/base/coding.h"
#include "engine/base/hash.h"
#include "engine/base/macros.h"

namespace ddc {
namespace {

// ---------------------------------------------------------------------------------------------
// The format.

constexpr std::array<uint8_t, 8> kMagic = {'D', 'D', 'C', 'K', 'E', 'Y', 'S', '1'};
constexpr uint32_t kFormatVersion = 1;
constexpr uint32_t kKdfArgon2id13 = 2;  // The value of libsodium's crypto_pwhash_ALG_ARGON2ID13.

constexpr size_t kKeyBytes = 32;
constexpr size_t kSaltBytes = 16;
constexpr size_t kNonceBytes = 24;
constexpr size_t kTagBytes = 16;
constexpr size_t kCheckPlainBytes = 32;  // The check block seals this many zero bytes.

// Header: 256 bytes.
constexpr size_t kHeaderBytes = 256;
constexpr size_t kVersionOffset = 8;
constexpr size_t kSlotSizeOffset = 12;
constexpr size_t kKdfOffset = 16;
constexpr size_t kReservedAOffset = 20;
constexpr size_t kOpsLimitOffset = 24;
constexpr size_t kMemLimitOffset = 32;
constexpr size_t kSaltOffset = 40;
constexpr size_t kImmutableBytes = 56;  // Magic to salt: the associated data of everything.
constexpr size_t kCheckNonceOffset = 56;
constexpr size_t kCheckSealedOffset = kCheckNonceOffset + kNonceBytes;
constexpr size_t kReservedBOffset = kCheckSealedOffset + kCheckPlainBytes + kTagBytes;
constexpr size_t kChecksumOffset = 248;

static_assert(kMagic.size() == kVersionOffset);
static_assert(kSaltOffset + kSaltBytes == kImmutableBytes);
static_assert(kImmutableBytes == kCheckNonceOffset);
static_assert(kReservedBOffset == 128);
static_assert(kChecksumOffset + 8 == kHeaderBytes);

// Slot: 256 bytes = nonce, then the sealed 216-byte plaintext and its tag.
constexpr size_t kSlotBytes = 256;
constexpr size_t kPlainBytes = kSlotBytes - kNonceBytes - kTagBytes;
constexpr size_t kSlotAdBytes = kImmutableBytes + 8;  // Immutable header part, u64le(index).

// Slot plaintext.
constexpr size_t kKindOffset = 0;
constexpr size_t kNameLengthOffset = 1;
constexpr size_t kSecretLengthOffset = 2;
constexpr size_t kPlainReservedOffset = 3;
constexpr size_t kSequenceOffset = 8;
constexpr size_t kCreatedOffset = 16;
constexpr size_t kNameOffset = 24;
constexpr size_t kSecretOffset = kNameOffset + kKeyStoreMaxNameBytes;

static_assert(kPlainBytes == 216);
static_assert(kSecretOffset + kKeyStoreMaxSecretBytes == kPlainBytes, "no padding left over");
static_assert(kKeyStoreMaxNameBytes <= 255 && kKeyStoreMaxSecretBytes <= 255, "u8 lengths");
// Slots never straddle a 512-byte sector (hence never a 4096-byte page): a crash cannot tear a
// slot on a device that writes sectors atomically, which is why a slot that does not open is
// reported as damage rather than repaired as a torn write.
static_assert(kHeaderBytes % kSlotBytes == 0 && 512 % kSlotBytes == 0);
static_assert(4096 % kSlotBytes == 0);

// A replacing Put needs one spare slot while both copies exist.
constexpr uint32_t kMaxSlots = kKeyStoreMaxEntries + 1;
constexpr uint64_t kMaxFileBytes = kHeaderBytes + uint64_t{kMaxSlots} * kSlotBytes;

static_assert(kKeyStoreOpsLimitMin == crypto_pwhash_OPSLIMIT_MIN);
static_assert(kKeyStoreOpsLimitInteractive == crypto_pwhash_OPSLIMIT_INTERACTIVE);
static_assert(kKeyStoreMemLimitMin == crypto_pwhash_MEMLIMIT_MIN);
static_assert(kKeyStoreMemLimitInteractive == crypto_pwhash_MEMLIMIT_INTERACTIVE);
static_assert(kKeyStoreMemLimitMax <= SIZE_MAX, "memlimit is passed to libsodium as size_t");
static_assert(kSaltBytes == crypto_pwhash_SALTBYTES);
static_assert(kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kKdfArgon2id13 == crypto_pwhash_ALG_ARGON2ID13);

using HeaderBytes = std::array<uint8_t, kHeaderBytes>;
using SlotBytes = std::array<uint8_t, kSlotBytes>;

// A fixed-size buffer of secret bytes, wiped when it goes out of scope.
template <size_t N>
struct WipedBytes {
  std::array<uint8_t, N> bytes{};
  WipedBytes() = default;
  ~WipedBytes() { sodium_memzero(bytes.data(), bytes.size()); }
  WipedBytes(const WipedBytes&) = delete;
  WipedBytes& operator=(const WipedBytes&) = delete;
};
using Key = WipedBytes<kKeyBytes>;

bool AllZero(std::span<const uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

uint64_t NowMs() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// ---------------------------------------------------------------------------------------------
// Argument checks. `prefix` is "keystore <path>: ".

bool IsNameByte(char c) { return c >= '!' && c <= '~'; }

Status CheckName(const std::string& prefix, std::string_view what, std::string_view name) {
  if (name.empty() || name.size() > kKeyStoreMaxNameBytes) {
    return Status::InvalidArgument(prefix + std::string(what) + " is " +
                                   std::to_string(name.size()) + " bytes, want 1.." +
                                   std::to_string(kKeyStoreMaxNameBytes));
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameByte(name[i])) {
      return Status::InvalidArgument(prefix + std::string(what) + " has byte 0x" +
                                     std::to_string(static_cast<uint8_t>(name[i])) + " at " +
                                     std::to_string(i) +
                                     "; names are printable ASCII without spaces");
    }
  }
  return Status::OK();
}

bool IsKnownKind(uint8_t kind) { return kind >= 1 && kind <= 4; }

Status CheckPassphrase(const std::string& prefix, std::string_view passphrase) {
  if (passphrase.empty() || passphrase.size() > kKeyStoreMaxPassphraseBytes) {
    return Status::InvalidArgument(prefix + "passphrase is " + std::to_string(passphrase.size()) +
                                   " bytes, want 1.." +
                                   std::to_string(kKeyStoreMaxPassphraseBytes));
  }
  return Status::OK();
}

// Empty when both limits are within bounds, else what is wrong.
std::string LimitsProblem(uint64_t opslimit, uint64_t memlimit) {
  if (opslimit < kKeyStoreOpsLimitMin || opslimit > kKeyStoreOpsLimitMax) {
    return "Argon2id opslimit " + std::to_string(opslimit) + " is outside [" +
           std::to_string(kKeyStoreOpsLimitMin) + ", " + std::to_string(kKeyStoreOpsLimitMax) + "]";
  }
  if (memlimit < kKeyStoreMemLimitMin || memlimit > kKeyStoreMemLimitMax) {
    return "Argon2id memlimit " + std::to_string(memlimit) + " is outside [" +
           std::to_string(kKeyStoreMemLimitMin) + ", " + std::to_string(kKeyStoreMemLimitMax) + "]";
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Cryptography: pure functions of their arguments.

Status DeriveKey(const std::string& prefix, std::string_view passphrase,
                 std::span<const uint8_t, kSaltBytes> salt, uint64_t opslimit, uint64_t memlimit,
                 Key* key) {
  if (crypto_pwhash(key->bytes.data(), key->bytes.size(), passphrase.data(), passphrase.size(),
                    salt.data(), opslimit, static_cast<size_t>(memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::IOError(prefix + "Argon2id key derivation failed (not enough memory for " +
                           std::to_string(memlimit) + " bytes?)");
  }
  return Status::OK();
}

std::span<const uint8_t, kSaltBytes> SaltOf(const HeaderBytes& header) {
  return std::span<const uint8_t, kSaltBytes>(header.data() + kSaltOffset, kSaltBytes);
}

std::array<uint8_t, kSlotAdBytes> SlotAd(const HeaderBytes& header, uint32_t slot) {
  std::array<uint8_t, kSlotAdBytes> ad{};
  std::memcpy(ad.data(), header.data(), kImmutableBytes);
  EncodeFixed64(ad.data() + kImmutableBytes, slot);
  return ad;
}

// A header with a fresh check block under `key`; everything but the check nonce is given.
HeaderBytes BuildHeader(uint64_t opslimit, uint64_t memlimit,
                        std::span<const uint8_t, kSaltBytes> salt, const Key& key) {
  HeaderBytes h{};
  std::copy(kMagic.begin(), kMagic.end(), h.begin());
  EncodeFixed32(h.data() + kVersionOffset, kFormatVersion);
  EncodeFixed32(h.data() + kSlotSizeOffset, kSlotBytes);
  EncodeFixed32(h.data() + kKdfOffset, kKdfArgon2id13);
  EncodeFixed64(h.data() + kOpsLimitOffset, opslimit);
  EncodeFixed64(h.data() + kMemLimitOffset, memlimit);
  std::copy(salt.begin(), salt.end(), h.begin() + kSaltOffset);
  RandomBytes(std::span<uint8_t>(h.data() + kCheckNonceOffset, kNonceBytes));
  const std::array<uint8_t, kCheckPlainBytes> zeros{};
  unsigned long long sealed_bytes = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      h.data() + kCheckSealedOffset, &sealed_bytes, zeros.data(), zeros.size(), h.data(),
      kImmutableBytes, nullptr, h.data() + kCheckNonceOffset, key.bytes.data());
  assert(sealed_bytes == kCheckPlainBytes + kTagBytes);
  EncodeFixed64(h.data() + kChecksumOffset, Xxh3(h.data(), kChecksumOffset));
  return h;
}

// Whether `key` opens the header's check block (to 32 zero bytes).
bool CheckBlockOpens(const HeaderBytes& header, const Key& key) {
  WipedBytes<kCheckPlainBytes> plain;
  unsigned long long plain_bytes = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.bytes.data(), &plain_bytes, nullptr, header.data() + kCheckSealedOffset,
          kCheckPlainBytes + kTagBytes, header.data(), kImmutableBytes,
          header.data() + kCheckNonceOffset, key.bytes.data()) != 0) {
    return false;
  }
  return plain_bytes == kCheckPlainBytes && AllZero(plain.bytes);
}

struct HeaderLimits {
  uint64_t opslimit = 0;
  uint64_t memlimit = 0;
};

// Every check that needs no key, in the order docs/FORMAT.md lists them.
Result<HeaderLimits> ParseHeader(const std::string& prefix, const HeaderBytes& h) {
  if (AllZero(h)) {
    return Status::Corruption(prefix + "header is all zeros (an interrupted Create leaves this)");
  }
  if (!std::equal(kMagic.begin(), kMagic.end(), h.begin())) {
    return Status::Corruption(prefix + "not a keystore file (bad magic)");
  }
  const uint32_t version = DecodeFixed32(h.data() + kVersionOffset);
  if (version != kFormatVersion) {
    return Status::NotSupported(prefix + "format version " + std::to_string(version) +
                                "; this build reads version " + std::to_string(kFormatVersion));
  }
  if (DecodeFixed64(h.data() + kChecksumOffset) != Xxh3(h.data(), kChecksumOffset)) {
    return Status::Corruption(prefix + "header checksum mismatch (damaged header)");
  }
  const uint32_t slot_size = DecodeFixed32(h.data() + kSlotSizeOffset);
  if (slot_size != kSlotBytes) {
    return Status::Corruption(prefix + "header says slot size " + std::to_string(slot_size) +
                              ", want " + std::to_string(kSlotBytes));
  }
  const uint32_t kdf = DecodeFixed32(h.data() + kKdfOffset);
  if (kdf != kKdfArgon2id13) {
    return Status::Corruption(prefix + "header names key derivation " + std::to_string(kdf) +
                              ", want " + std::to_string(kKdfArgon2id13) + " (Argon2id v1.3)");
  }
  if (DecodeFixed32(h.data() + kReservedAOffset) != 0 ||
      !AllZero(std::span<const uint8_t>(h.data() + kReservedBOffset,
                                        kChecksumOffset - kReservedBOffset))) {
    return Status::Corruption(prefix + "header has non-zero reserved bytes");
  }
  HeaderLimits limits;
  limits.opslimit = DecodeFixed64(h.data() + kOpsLimitOffset);
  limits.memlimit = DecodeFixed64(h.data() + kMemLimitOffset);
  if (std::string problem = LimitsProblem(limits.opslimit, limits.memlimit); !problem.empty()) {
    return Status::Corruption(prefix + "header: " + problem);
  }
  return limits;
}

// ---------------------------------------------------------------------------------------------
// Slot contents.

// One entry's fields as the slot plaintext holds them. The secret is wiped on destruction;
// instances are never copied or moved, so that no unwiped copy is left behind.
struct SlotEntry {
  uint32_t slot = 0;
  uint64_t sequence = 0;
  KeyKind kind = KeyKind::kSigningSeed;
  uint64_t created_ms = 0;
  uint8_t secret_bytes = 0;
  WipedBytes<kKeyStoreMaxSecretBytes> secret;

  SlotEntry() = default;
  SlotEntry(const SlotEntry&) = delete;
  SlotEntry& operator=(const SlotEntry&) = delete;

  void CopyFrom(const SlotEntry& other) {
    slot = other.slot;
    sequence = other.sequence;
    kind = other.kind;
    created_ms = other.created_ms;
    secret_bytes = other.secret_bytes;
    secret.bytes = other.secret.bytes;
  }
};

void EncodePlain(std::string_view name, const SlotEntry& e, WipedBytes<kPlainBytes>* out) {
  uint8_t* p = out->bytes.data();
  std::memset(p, 0, kPlainBytes);
  p[kKindOffset] = static_cast<uint8_t>(e.kind);
  p[kNameLengthOffset] = static_cast<uint8_t>(name.size());
  p[kSecretLengthOffset] = e.secret_bytes;
  EncodeFixed64(p + kSequenceOffset, e.sequence);
  EncodeFixed64(p + kCreatedOffset, e.created_ms);
  std::memcpy(p + kNameOffset, name.data(), name.size());
  std::memcpy(p + kSecretOffset, e.secret.bytes.data(), e.secret_bytes);
}

// Decodes an opened slot plaintext; empty when valid, else what is wrong with it.
std::string DecodePlain(const WipedBytes<kPlainBytes>& plain, std::string* name, SlotEntry* e) {
  const uint8_t* p = plain.bytes.data();
  const size_t name_bytes = p[kNameLengthOffset];
  const size_t secret_bytes = p[kSecretLengthOffset];
  if (!IsKnownKind(p[kKindOffset])) return "unknown key kind " + std::to_string(p[kKindOffset]);
  if (name_bytes == 0 || name_bytes > kKeyStoreMaxNameBytes) {
    return "name length " + std::to_string(name_bytes);
  }
  if (secret_bytes == 0 || secret_bytes > kKeyStoreMaxSecretBytes) {
    return "secret length " + std::to_string(secret_bytes);
  }
  if (!AllZero(std::span<const uint8_t>(p + kPlainReservedOffset,
                                        kSequenceOffset - kPlainReservedOffset)) ||
      !AllZero(std::span<const uint8_t>(p + kNameOffset + name_bytes,
                                        kKeyStoreMaxNameBytes - name_bytes)) ||
      !AllZero(std::span<const uint8_t>(p + kSecretOffset + secret_bytes,
                                        kKeyStoreMaxSecretBytes - secret_bytes))) {
    return "non-zero padding";
  }
  name->assign(reinterpret_cast<const char*>(p + kNameOffset), name_bytes);
  if (!std::all_of(name->begin(), name->end(), IsNameByte)) return "a name with invalid bytes";
  e->sequence = DecodeFixed64(p + kSequenceOffset);
  if (e->sequence == 0) return "sequence number 0";
  e->kind = static_cast<KeyKind>(p[kKindOffset]);
  e->created_ms = DecodeFixed64(p + kCreatedOffset);
  e->secret_bytes = static_cast<uint8_t>(secret_bytes);
  std::memcpy(e->secret.bytes.data(), p + kSecretOffset, secret_bytes);
  return {};
}

// Seals the entry into its slot (e.slot) with a fresh nonce.
SlotBytes SealSlot(const HeaderBytes& header, const Key& key, std::string_view name,
                   const SlotEntry& e) {
  WipedBytes<kPlainBytes> plain;
  EncodePlain(name, e, &plain);
  const auto ad = SlotAd(header, e.slot);
  SlotBytes slot{};
  RandomBytes(std::span<uint8_t>(slot.data(), kNonceBytes));
  unsigned long long sealed_bytes = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(slot.data() + kNonceBytes, &sealed_bytes,
                                             plain.bytes.data(), kPlainBytes, ad.data(), ad.size(),
                                             nullptr, slot.data(), key.bytes.data());
  assert(sealed_bytes == kSlotBytes - kNonceBytes);
  return slot;
}

// Whether slot `index` opens under `key`; fills `plain` when it does.
bool OpenSlot(const HeaderBytes& header, const Key& key, uint32_t index,
              std::span<const uint8_t, kSlotBytes> slot, WipedBytes<kPlainBytes>* plain) {
  const auto ad = SlotAd(header, index);
  unsigned long long plain_bytes = 0;
  return crypto_aead_xchacha20poly1305_ietf_decrypt(
             plain->bytes.data(), &plain_bytes, nullptr, slot.data() + kNonceBytes,
             kSlotBytes - kNonceBytes, ad.data(), ad.size(), slot.data(), key.bytes.data()) == 0 &&
         plain_bytes == kPlainBytes;
}

uint64_t SlotOffset(uint32_t slot) { return kHeaderBytes + uint64_t{slot} * kSlotBytes; }

// ---------------------------------------------------------------------------------------------
// System calls. Each returns 0 or an errno value; EINTR is retried, short transfers resumed.

Status ErrnoStatus(const std::string& prefix, std::string_view what, int err) {
  std::string message = prefix + std::string(what) + ": " + std::system_category().message(err);
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return Status::NoSpace(message);
    case ENOENT:
      return Status::NotFound(message);
    case EACCES:
    case EPERM:
      return Status::PermissionDenied(message);
    default:
      return Status::IOError(message);
  }
}

int PwriteAll(int fd, std::span<const uint8_t> data, uint64_t offset) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n =
        ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return errno;
    }
    if (n == 0) return EIO;  // No progress on a regular file: give up rather than spin.
    done += static_cast<size_t>(n);
  }
  return 0;
}

int PreadAll(int fd, std::span<uint8_t> data, uint64_t offset) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n =
        ::pread(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return errno;
    }
    if (n == 0) return EIO;  // The file shrank under us.
    done += static_cast<size_t>(n);
  }
  return 0;
}

int Fdatasync(int fd) {
  while (::fdatasync(fd) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

int Fsync(int fd) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

int LockExclusive(int fd) {
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

void CloseFd(int fd) {
  if (fd >= 0) static_cast<void>(::close(fd));  // After EINTR the descriptor is closed anyway.
}

// Owns a descriptor until released.
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd() { CloseFd(fd_); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&&) = delete;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::string ParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// fsync of the directory holding `path`: makes a creation or rename there durable.
Status SyncParentDir(const std::string& prefix, const std::string& path) {
  const std::string dir = ParentDir(path);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(prefix, "open directory " + dir, errno);
  const int err = Fsync(fd);
  CloseFd(fd);
  if (err != 0) return ErrnoStatus(prefix, "fsync directory " + dir, err);
  return Status::OK();
}

// Creates `path` exclusively with mode 0600 (fchmod beats the umask), locked.
Result<UniqueFd> CreatePrivate(const std::string& prefix, const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == EEXIST) return Status::Conflict(prefix + "create " + path + ": already exists");
    return ErrnoStatus(prefix, "create " + path, err);
  }
  if (::fchmod(fd.get(), 0600) != 0) return ErrnoStatus(prefix, "fchmod 0600 " + path, errno);
  if (const int err = LockExclusive(fd.get()); err != 0) {
    return ErrnoStatus(prefix, "flock " + path, err);
  }
  return fd;
}

// Zeroes and removes a `<path>.tmp` left by an interrupted ChangePassphrase (it holds the keys
// under the passphrase that was being set). OK when there is none.
Status RemoveStaleTemp(const std::string& prefix, const std::string& tmp) {
  UniqueFd fd(::open(tmp.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Status::OK();
    return ErrnoStatus(prefix, "open stale " + tmp, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(prefix, "fstat " + tmp, errno);
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    const std::vector<uint8_t> zeros(static_cast<size_t>(st.st_size), 0);
    if (const int err = PwriteAll(fd.get(), zeros, 0); err != 0) {
      return ErrnoStatus(prefix, "zero stale " + tmp, err);
    }
    if (const int err = Fdatasync(fd.get()); err != 0) {
      return ErrnoStatus(prefix, "fdatasync stale " + tmp, err);
    }
  }
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus(prefix, "remove stale " + tmp, errno);
  }
  return Status::OK();
}

// Opens an existing keystore file for reading and writing, checks that it is a private regular
// file, and takes its lock. `*size` receives its length.
Result<UniqueFd> OpenExisting(const std::string& prefix, const std::string& path, uint64_t* size) {
  // A ChangePassphrase elsewhere may rename a new file over `path` between our open and our
  // lock; then the locked file is no longer the keystore, and we try again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) {
      const int err = errno;
      if (err == ENOENT) return Status::NotFound(prefix + "no such file");
      if (err == ELOOP) {
        return Status::InvalidArgument(
            prefix +
            "is a symbolic link; give the path of the file itself (ChangePassphrase "
            "replaces the file by rename, which would replace the link)");
      }
      return ErrnoStatus(prefix, "open", err);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(prefix, "fstat", errno);
    if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(prefix + "not a regular file");
    if ((st.st_mode & 077) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
      return Status::PermissionDenied(prefix + "mode " + mode +
                                      " lets group or others at the keys; a keystore must be "
                                      "private to its owner (chmod 600 it)");
    }
    if (const int err = LockExclusive(fd.get()); err != 0) {
      if (err == EWOULDBLOCK) {
        return Status::Busy(prefix + "in use by another KeyStore (its flock is held)");
      }
      return ErrnoStatus(prefix, "flock", err);
    }
    struct stat now {};
    if (::stat(path.c_str(), &now) == 0 && now.st_dev == st.st_dev && now.st_ino == st.st_ino) {
      *size = static_cast<uint64_t>(st.st_size);
      return fd;
    }
  }
  return Status::Busy(prefix + "the file keeps being replaced while it is opened");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// KeyStore::Rep

struct KeyStore::Rep {
  Rep(std::string p, uint64_t ops, uint64_t mem)
      : path(std::move(p)), prefix("keystore " + path + ": "), opslimit(ops), memlimit(mem) {}
  ~Rep() { CloseFd(fd); }  // The key and the entries wipe themselves.
  Rep(const Rep&) = delete;
  Rep& operator=(const Rep&) = delete;

  // Constant after construction.
  const std::string path;
  const std::string prefix;  // "keystore <path>: ", the start of every error message.
  const uint64_t opslimit;
  const uint64_t memlimit;

  std::mutex mutex;
  // Guarded by mutex (and set up before the KeyStore is handed out).
  int fd = -1;
  HeaderBytes header{};
  Key key;
  std::map<std::string, SlotEntry, std::less<>> entries;  // Map nodes never move.
  std::set<uint32_t> free_slots;                          // All-zero slots below slot_count.
  uint32_t slot_count = 0;
  uint64_t next_sequence = 1;
  Status failed;  // Not OK once a write failed: changes are refused until reopen.

  // Reads the slots of `image` (the whole file), fills entries, free_slots, slot_count and
  // next_sequence, and lists in `superseded` the older slots of names found twice.
  Status LoadSlots(std::span<const uint8_t> image, std::vector<uint32_t>* superseded);

  Status WriteSlot(std::string_view name, const SlotEntry& e) {
    const SlotBytes sealed = SealSlot(header, key, name, e);
#ifndef NDEBUG
    WipedBytes<kPlainBytes> check;  // Paired assertion: what we write opens again.
    assert(OpenSlot(header, key, e.slot, sealed, &check));
#endif
    if (const int err = PwriteAll(fd, sealed, SlotOffset(e.slot)); err != 0) {
      return ErrnoStatus(prefix, "pwrite slot " + std::to_string(e.slot), err);
    }
    return Status::OK();
  }

  Status ZeroSlot(uint32_t slot) {
    const SlotBytes zeros{};
    if (const int err = PwriteAll(fd, zeros, SlotOffset(slot)); err != 0) {
      return ErrnoStatus(prefix, "zero slot " + std::to_string(slot), err);
    }
    return Status::OK();
  }

  Status SyncData() {
    if (const int err = Fdatasync(fd); err != 0) return ErrnoStatus(prefix, "fdatasync", err);
    return Status::OK();
  }

  // Remembers the first write error; returns `s`.
  Status Fail(Status s) {
    if (failed.ok()) {
      std::string cause = s.message();
      if (cause.starts_with(prefix)) cause.erase(0, prefix.size());
      failed = Status::Failed(prefix + "refusing changes after a failed write (" + cause +
                              "); reopen the keystore");
    }
    return s;
  }

  // The lowest free slot, or a new one at the end. Does not mark it used.
  uint32_t PickSlot() const { return free_slots.empty() ? slot_count : *free_slots.begin(); }

  void MarkUsed(uint32_t slot) {
    if (slot == slot_count) {
      ++slot_count;
    } else {
      free_slots.erase(slot);
    }
  }

  Status ZeroSlotsAndSync(const std::vector<uint32_t>& slots) {
    for (uint32_t slot : slots) DDC_RETURN_IF_ERROR(ZeroSlot(slot));
    if (!slots.empty()) DDC_RETURN_IF_ERROR(SyncData());
    for (uint32_t slot : slots) free_slots.insert(slot);
    return Status::OK();
  }
};

Status KeyStore::Rep::LoadSlots(std::span<const uint8_t> image, std::vector<uint32_t>* superseded) {
  const uint64_t slot_bytes_total = image.size() - kHeaderBytes;
  if (slot_bytes_total % kSlotBytes != 0) {
    return Status::Corruption(
        prefix + "file is " + std::to_string(image.size()) + " bytes and ends inside slot " +
        std::to_string(slot_bytes_total / kSlotBytes) + " (a truncated copy?)");
  }
  slot_count = static_cast<uint32_t>(slot_bytes_total / kSlotBytes);
  uint64_t max_sequence = 0;
  for (uint32_t i = 0; i < slot_count; ++i) {
    const std::span<const uint8_t, kSlotBytes> bytes(image.data() + SlotOffset(i), kSlotBytes);
    if (AllZero(bytes)) {
      free_slots.insert(i);
      continue;
    }
    WipedBytes<kPlainBytes> plain;
    if (!OpenSlot(header, key, i, bytes, &plain)) {
      return Status::Corruption(prefix + "slot " + std::to_string(i) +
                                " does not open (torn write or tampering)");
    }
    std::string name;
    SlotEntry found;
    found.slot = i;
    if (std::string problem = DecodePlain(plain, &name, &found); !problem.empty()) {
      return Status::Corruption(prefix + "slot " + std::to_string(i) + " opens but holds " +
                                problem);
    }
    max_sequence = std::max(max_sequence, found.sequence);
    auto [it, inserted] = entries.try_emplace(name);
    SlotEntry& kept = it->second;
    if (inserted) {
      kept.CopyFrom(found);
    } else if (kept.sequence == found.sequence) {
      return Status::Corruption(prefix + "slots " + std::to_string(kept.slot) + " and " +
                                std::to_string(i) + " both hold " + Quote(name) +
                                " with sequence " + std::to_string(found.sequence));
    } else if (found.sequence > kept.sequence) {  // A replacing Put was cut short.
      superseded->push_back(kept.slot);
      kept.CopyFrom(found);
    } else {
      superseded->push_back(i);
    }
  }
  next_sequence = max_sequence + 1;
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// KeyStore

KeyStore::KeyStore(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

KeyStore::~KeyStore() = default;

const std::string& KeyStore::path() const { return rep_->path; }

Result<std::unique_ptr<KeyStore>> KeyStore::Create(const std::string& path,
                                                   std::string_view passphrase,
                                                   const KeyStoreOptions& options) {
  EnsureSodium();
  auto rep = std::make_unique<Rep>(path, options.opslimit, options.memlimit);
  const std::string& prefix = rep->prefix;
  DDC_RETURN_IF_ERROR(CheckPassphrase(prefix, passphrase));
  if (std::string problem = LimitsProblem(options.opslimit, options.memlimit); !problem.empty()) {
    return Status::InvalidArgument(prefix + problem);
  }
  std::array<uint8_t, kSaltBytes> salt{};
  RandomBytes(salt);
  // Derive before creating the file, so that a failure leaves nothing behind.
  DDC_RETURN_IF_ERROR(
      DeriveKey(prefix, passphrase, salt, options.opslimit, options.memlimit, &rep->key));
  rep->header = BuildHeader(options.opslimit, options.memlimit, salt, rep->key);

  DDC_ASSIGN_OR_RETURN(UniqueFd fd, CreatePrivate(prefix, path));
  Status s;
  if (const int err = PwriteAll(fd.get(), rep->header, 0); err != 0) {
    s = ErrnoStatus(prefix, "pwrite header", err);
  } else if (const int sync_err = Fdatasync(fd.get()); sync_err != 0) {
    s = ErrnoStatus(prefix, "fdatasync", sync_err);
  } else {
    s = SyncParentDir(prefix, path);
  }
  if (!s.ok()) {
    static_cast<void>(::unlink(path.c_str()));  // We created it (O_EXCL): nothing else is lost.
    return s;
  }
  rep->fd = fd.release();
  return std::unique_ptr<KeyStore>(new KeyStore(std::move(rep)));
}

Result<std::unique_ptr<KeyStore>> KeyStore::Open(const std::string& path,
                                                 std::string_view passphrase) {
  EnsureSodium();
  const std::string prefix = "keystore " + path + ": ";
  DDC_RETURN_IF_ERROR(CheckPassphrase(prefix, passphrase));
  uint64_t size = 0;
  DDC_ASSIGN_OR_RETURN(UniqueFd fd, OpenExisting(prefix, path, &size));
  if (size < kHeaderBytes) {
    return Status::Corruption(prefix + "file is " + std::to_string(size) +
                              " bytes, shorter than the " + std::to_string(kHeaderBytes) +
                              "-byte header (an interrupted Create leaves such a file)");
  }
  if (size > kMaxFileBytes) {
    return Status::Corruption(prefix + "file is " + std::to_string(size) + " bytes, more than " +
                              std::to_string(kMaxSlots) + " slots fill");
  }
  std::vector<uint8_t> image(static_cast<size_t>(size));
  if (const int err = PreadAll(fd.get(), image, 0); err != 0) {
    return ErrnoStatus(prefix, "pread", err);
  }
  HeaderBytes header{};
  std::copy_n(image.begin(), kHeaderBytes, header.begin());
  DDC_ASSIGN_OR_RETURN(const HeaderLimits limits, ParseHeader(prefix, header));

  auto rep = std::make_unique<Rep>(path, limits.opslimit, limits.memlimit);
  rep->header = header;
  DDC_RETURN_IF_ERROR(
      DeriveKey(prefix, passphrase, SaltOf(header), limits.opslimit, limits.memlimit, &rep->key));
  if (!CheckBlockOpens(header, rep->key)) {
    return Status::PermissionDenied(prefix + "wrong passphrase");
  }
  // Nothing has been written so far. From here on every slot has been verified before the
  // first write, which only finishes interrupted replacing Puts.
  std::vector<uint32_t> superseded;
  DDC_RETURN_IF_ERROR(rep->LoadSlots(image, &superseded));
  rep->fd = fd.release();
  DDC_RETURN_IF_ERROR(rep->ZeroSlotsAndSync(superseded));
  DDC_RETURN_IF_ERROR(RemoveStaleTemp(prefix, path + ".tmp"));
  return std::unique_ptr<KeyStore>(new KeyStore(std::move(rep)));
}

Status KeyStore::Put(std::string_view name, KeyKind kind, std::span<const uint8_t> secret) {
  Rep& r = *rep_;
  DDC_RETURN_IF_ERROR(CheckName(r.prefix, "name", name));
  if (!IsKnownKind(static_cast<uint8_t>(kind))) {
    return Status::InvalidArgument(r.prefix + "key kind " +
                                   std::to_string(static_cast<unsigned>(kind)) + " of " +
                                   Quote(name) + " is not one of 1..4");
  }
  if (secret.empty() || secret.size() > kKeyStoreMaxSecretBytes) {
    return Status::InvalidArgument(r.prefix + "secret of " + Quote(name) + " is " +
                                   std::to_string(secret.size()) + " bytes, want 1.." +
                                   std::to_string(kKeyStoreMaxSecretBytes));
  }
  std::lock_guard<std::mutex> lock(r.mutex);
  if (!r.failed.ok()) return r.failed;
  auto it = r.entries.find(name);
  if (it == r.entries.end() && r.entries.size() >= kKeyStoreMaxEntries) {
    return Status::InvalidArgument(r.prefix + "full: it holds " +
                                   std::to_string(kKeyStoreMaxEntries) +
                                   " entries (kKeyStoreMaxEntries); shred one first");
  }
  SlotEntry fresh;
  fresh.slot = r.PickSlot();
  if (fresh.slot >= kMaxSlots) {  // Only a file written elsewhere can hold this many entries.
    return Status::InvalidArgument(r.prefix + "full: all " + std::to_string(kMaxSlots) +
                                   " slots are in use");
  }
  fresh.sequence = r.next_sequence;
  fresh.kind = kind;
  fresh.created_ms = NowMs();
  fresh.secret_bytes = static_cast<uint8_t>(secret.size());
  std::copy(secret.begin(), secret.end(), fresh.secret.bytes.begin());

  // The new slot first, durably; only then is the old one zeroed (see keystore.h).
  Status s = r.WriteSlot(name, fresh);
  if (s.ok()) s = r.SyncData();
  if (!s.ok()) return r.Fail(std::move(s));
  r.MarkUsed(fresh.slot);
  ++r.next_sequence;
  if (it == r.entries.end()) {
    r.entries.try_emplace(std::string(name)).first->second.CopyFrom(fresh);
    return Status::OK();
  }
  const uint32_t old_slot = it->second.slot;
  it->second.CopyFrom(fresh);
  s = r.ZeroSlot(old_slot);
  if (s.ok()) s = r.SyncData();
  // On failure the old slot stays out of the free set: it may still hold the old entry, which
  // the next Open recognizes as superseded.
  if (!s.ok()) return r.Fail(std::move(s));
  r.free_slots.insert(old_slot);
  return Status::OK();
}

Result<KeyEntry> KeyStore::Get(std::string_view name) const {
  const Rep& r = *rep_;
  DDC_RETURN_IF_ERROR(CheckName(r.prefix, "name", name));
  std::lock_guard<std::mutex> lock(rep_->mutex);
  auto it = r.entries.find(name);
  if (it == r.entries.end()) return Status::NotFound(r.prefix + "no key named " + Quote(name));
  const SlotEntry& e = it->second;
  KeyEntry out;
  out.name = it->first;
  out.kind = e.kind;
  out.created_ms = e.created_ms;
  out.secret.assign(reinterpret_cast<const char*>(e.secret.bytes.data()), e.secret_bytes);
  return out;
}

std::vector<KeyEntry> KeyStore::List(std::string_view prefix) const {
  const Rep& r = *rep_;
  std::lock_guard<std::mutex> lock(rep_->mutex);
  std::vector<KeyEntry> out;
  for (auto it = r.entries.lower_bound(prefix);
       it != r.entries.end() && std::string_view(it->first).starts_with(prefix); ++it) {
    KeyEntry entry;
    entry.name = it->first;
    entry.kind = it->second.kind;
    entry.created_ms = it->second.created_ms;
    out.push_back(std::move(entry));
  }
  return out;
}

Status KeyStore::Shred(std::string_view name) {
  Rep& r = *rep_;
  DDC_RETURN_IF_ERROR(CheckName(r.prefix, "name", name));
  std::lock_guard<std::mutex> lock(r.mutex);
  if (!r.failed.ok()) return r.failed;
  auto it = r.entries.find(name);
  if (it == r.entries.end()) return Status::NotFound(r.prefix + "no key named " + Quote(name));
  // On failure the entry stays listed: its bytes may still be on disk.
  if (Status s = r.ZeroSlotsAndSync({it->second.slot}); !s.ok()) return r.Fail(std::move(s));
  r.entries.erase(it);  // SlotEntry wipes its secret.
  return Status::OK();
}

Status KeyStore::ShredPrefix(std::string_view prefix, size_t* shredded) {
  Rep& r = *rep_;
  if (shredded != nullptr) *shredded = 0;
  DDC_RETURN_IF_ERROR(CheckName(r.prefix, "prefix", prefix));
  std::lock_guard<std::mutex> lock(r.mutex);
  if (!r.failed.ok()) return r.failed;
  const auto first = r.entries.lower_bound(prefix);
  auto last = first;
  std::vector<uint32_t> slots;
  for (; last != r.entries.end() && std::string_view(last->first).starts_with(prefix); ++last) {
    slots.push_back(last->second.slot);
  }
  if (Status s = r.ZeroSlotsAndSync(slots); !s.ok()) return r.Fail(std::move(s));
  r.entries.erase(first, last);
  if (shredded != nullptr) *shredded = slots.size();
  return Status::OK();
}

Status KeyStore::ChangePassphrase(std::string_view new_passphrase) {
  Rep& r = *rep_;
  const std::string& prefix = r.prefix;
  DDC_RETURN_IF_ERROR(CheckPassphrase(prefix, new_passphrase));
  // Argon2id takes a while by design: run it before taking the mutex (the limits are constant).
  std::array<uint8_t, kSaltBytes> salt{};
  RandomBytes(salt);
  Key new_key;
  DDC_RETURN_IF_ERROR(DeriveKey(prefix, new_passphrase, salt, r.opslimit, r.memlimit, &new_key));
  const HeaderBytes new_header = BuildHeader(r.opslimit, r.memlimit, salt, new_key);

  std::lock_guard<std::mutex> lock(r.mutex);
  if (!r.failed.ok()) return r.failed;
  // The new image: header, then every entry, compacted into slots 0..n-1 in name order.
  std::vector<uint8_t> image(new_header.begin(), new_header.end());
  image.reserve(kHeaderBytes + r.entries.size() * kSlotBytes);
  uint32_t next_slot = 0;
  for (const auto& [name, entry] : r.entries) {
    SlotEntry moved;
    moved.CopyFrom(entry);
    moved.slot = next_slot++;
    const SlotBytes sealed = SealSlot(new_header, new_key, name, moved);
    image.insert(image.end(), sealed.begin(), sealed.end());
  }

  const std::string tmp = r.path + ".tmp";
  DDC_RETURN_IF_ERROR(RemoveStaleTemp(prefix, tmp));
  DDC_ASSIGN_OR_RETURN(UniqueFd fd, CreatePrivate(prefix, tmp));
  Status s;
  if (const int err = PwriteAll(fd.get(), image, 0); err != 0) {
    s = ErrnoStatus(prefix, "pwrite " + tmp, err);
  } else if (const int sync_err = Fsync(fd.get()); sync_err != 0) {
    s = ErrnoStatus(prefix, "fsync " + tmp, sync_err);
  } else if (::rename(tmp.c_str(), r.path.c_str()) != 0) {
    s = ErrnoStatus(prefix, "rename " + tmp, errno);
  }
  if (!s.ok()) {
    static_cast<void>(::unlink(tmp.c_str()));  // Ours (O_EXCL); the keystore is unchanged.
    return s;
  }

  // The new file is in place. Make the rename durable, then scrub and release the old file.
  Status after = SyncParentDir(prefix, r.path);
  const std::vector<uint8_t> zeros(SlotOffset(r.slot_count), 0);
  int err = PwriteAll(r.fd, zeros, 0);
  if (err == 0) err = Fdatasync(r.fd);
  if (err != 0 && after.ok()) after = ErrnoStatus(prefix, "zero the old file", err);
  CloseFd(r.fd);

  r.fd = fd.release();
  r.header = new_header;
  r.key.bytes = new_key.bytes;
  next_slot = 0;
  for (auto& [name, entry] : r.entries) entry.slot = next_slot++;
  r.free_slots.clear();
  r.slot_count = next_slot;
  if (!after.ok()) {
    std::string cause = after.message();
    if (cause.starts_with(prefix)) cause.erase(0, prefix.size());
    return Status::IOError(prefix + "the new passphrase is in effect, but " + cause);
  }
  return Status::OK();
}

}  // namespace ddc
