// Proves the promises of include/ddc/keystore.h against real files: entries survive reopening;
// a wrong passphrase is PermissionDenied and leaves the file byte-for-byte unchanged; the file
// is private (mode 0600) and a file open to others is refused; Shred and a replacing Put leave
// neither the plaintext nor the old ciphertext anywhere in the file; a replacing Put cut short
// by a crash (two slots with one name, made by copying slot bytes back) resolves to the newer
// entry; damage to a slot or the header is reported, naming where; ChangePassphrase switches
// passphrases; limits are enforced. A test decodes a slot with libsodium alone, following
// docs/FORMAT.md, to pin the format. A randomized model test (seed printed, DDC_TEST_SEED
// replays) checks operation sequences with reopening in between. Argon2id runs at its minimum
// limits so that the tests stay fast.
#include "ddc/keystore.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/base/coding.h"
#include "engine/base/hash.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

// From docs/FORMAT.md, "Keystore file, version 1".
constexpr size_t kHeaderBytes = 256;
constexpr size_t kSlotBytes = 256;
constexpr size_t kImmutableBytes = 56;

constexpr std::string_view kPassphrase = "correct horse battery staple";

KeyStoreOptions FastOptions() {
  KeyStoreOptions options;
  options.opslimit = kKeyStoreOpsLimitMin;
  options.memlimit = kKeyStoreMemLimitMin;
  return options;
}

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string Slot(const std::string& file, size_t index) {
  return file.substr(kHeaderBytes + index * kSlotBytes, kSlotBytes);
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

unsigned FileMode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return static_cast<unsigned>(st.st_mode & 07777);
}

// A secret whose bytes are easy to search for in the raw file.
std::string Secret(char fill, size_t size = 32) { return std::string(size, fill); }

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }

  std::unique_ptr<KeyStore> CreateStore() {
    auto ks = KeyStore::Create(path_, kPassphrase, FastOptions());
    EXPECT_TRUE(ks.ok()) << ks.status().ToString();
    return ks.ok() ? std::move(ks).value() : nullptr;
  }

  std::unique_ptr<KeyStore> OpenStore(std::string_view passphrase = kPassphrase) {
    auto ks = KeyStore::Open(path_, passphrase);
    EXPECT_TRUE(ks.ok()) << ks.status().ToString();
    return ks.ok() ? std::move(ks).value() : nullptr;
  }

  Status OpenStatus(std::string_view passphrase = kPassphrase) {
    return KeyStore::Open(path_, passphrase).status();
  }

  std::string Prefix() const { return "keystore " + path_ + ": "; }

  test::TempDir dir_;
  const std::string path_ = dir_.Sub("keys");
};

TEST_F(KeyStoreTest, CreatePutGetListReopen) {
  {
    auto ks = CreateStore();
    ASSERT_NE(ks, nullptr);
    EXPECT_EQ(ks->path(), path_);
    EXPECT_TRUE(ks->List().empty());
    ASSERT_OK(ks->Put("node/signing", KeyKind::kSigningSeed, AsBytes(Secret('a'))));
    ASSERT_OK(ks->Put("app/7/user/9/master", KeyKind::kMasterKey, AsBytes(Secret('b'))));
    ASSERT_OK(ks->Put("node/box", KeyKind::kBoxSecret, AsBytes(Secret('c', 64))));
    ASSERT_OK(ks->Put("grant/1", KeyKind::kScopeKey, AsBytes(Secret('d', 1))));
    auto got = ks->Get("node/box");
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->secret, Secret('c', 64));
  }
  auto ks = OpenStore();
  ASSERT_NE(ks, nullptr);
  const std::vector<KeyEntry> all = ks->List();
  ASSERT_EQ(all.size(), 4u);
  std::vector<std::string> names;
  for (const KeyEntry& e : all) {
    names.push_back(e.name);
    EXPECT_TRUE(e.secret.empty()) << e.name;
    EXPECT_GT(e.created_ms, 0u);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"app/7/user/9/master", "grant/1", "node/box",
                                             "node/signing"}));
  const std::vector<KeyEntry> node = ks->List("node/");
  ASSERT_EQ(node.size(), 2u);
  EXPECT_EQ(node[0].name, "node/box");
  EXPECT_EQ(node[0].kind, KeyKind::kBoxSecret);
  EXPECT_EQ(node[1].kind, KeyKind::kSigningSeed);

  auto signing = ks->Get("node/signing");
  ASSERT_TRUE(signing.ok());
  EXPECT_EQ(signing->name, "node/signing");
  EXPECT_EQ(signing->kind, KeyKind::kSigningSeed);
  EXPECT_EQ(signing->secret, Secret('a'));
  EXPECT_EQ(signing->created_ms, all[3].created_ms);
  auto grant = ks->Get("grant/1");
  ASSERT_TRUE(grant.ok());
  EXPECT_EQ(grant->secret, Secret('d', 1));
  EXPECT_EQ(grant->kind, KeyKind::kScopeKey);

  auto missing = ks->Get("node/other");
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
  EXPECT_EQ(missing.status().message(), Prefix() + "no key named \"node/other\"");
  // The secrets are sealed: none of them appears in the file.
  const std::string file = ReadFile(path_);
  for (char c : {'a', 'b', 'c'}) EXPECT_FALSE(Contains(file, Secret(c, 16))) << c;
}

TEST_F(KeyStoreTest, CreateRefusesAnExistingFileAndOpenAMissingOne) {
  EXPECT_TRUE(OpenStatus().IsNotFound()) << OpenStatus().ToString();
  ASSERT_NE(CreateStore(), nullptr);
  const std::string before = ReadFile(path_);
  auto again = KeyStore::Create(path_, "another passphrase", FastOptions());
  EXPECT_TRUE(again.status().IsConflict()) << again.status().ToString();
  EXPECT_EQ(again.status().message().rfind(Prefix(), 0), 0u) << again.status().message();
  EXPECT_EQ(ReadFile(path_), before);
}

TEST_F(KeyStoreTest, FileLayoutFollowsTheSpec) {
  auto ks = CreateStore();
  ASSERT_NE(ks, nullptr);
  std::string file = ReadFile(path_);
  ASSERT_EQ(file.size(), kHeaderBytes);
  const auto* h = reinterpret_cast<const uint8_t*>(file.data());
  EXPECT_EQ(file.substr(0, 8), "DDCKEYS1");
  EXPECT_EQ(DecodeFixed32(h + 8), 1u);                       // Format version.
  EXPECT_EQ(DecodeFixed32(h + 12), kSlotBytes);              // Slot size.
  EXPECT_EQ(DecodeFixed32(h + 16), 2u);                      // Argon2id v1.3.
  EXPECT_EQ(DecodeFixed32(h + 20), 0u);                      // Reserved.
  EXPECT_EQ(DecodeFixed64(h + 24), kKeyStoreOpsLimitMin);    // opslimit.
  EXPECT_EQ(DecodeFixed64(h + 32), kKeyStoreMemLimitMin);    // memlimit.
  EXPECT_EQ(file.substr(128, 120), std::string(120, '\0'));  // Reserved.
  EXPECT_EQ(DecodeFixed64(h + 248), Xxh3(h, 248));           // Header checksum.

  // Decode slot 0 with libsodium alone, as docs/FORMAT.md describes it.
  const std::string secret = Secret('s', 40);
  ASSERT_OK(ks->Put("spec/entry", KeyKind::kMasterKey, AsBytes(secret)));
  file = ReadFile(path_);
  ASSERT_EQ(file.size(), kHeaderBytes + kSlotBytes);
  h = reinterpret_cast<const uint8_t*>(file.data());
  std::array<uint8_t, 32> key{};
  ASSERT_EQ(crypto_pwhash(key.data(), key.size(), kPassphrase.data(), kPassphrase.size(), h + 40,
                          kKeyStoreOpsLimitMin, kKeyStoreMemLimitMin, crypto_pwhash_ALG_ARGON2ID13),
            0);
  // The check block: 32 zero bytes sealed with the immutable header part as associated data.
  std::array<uint8_t, 32> check{};
  ASSERT_EQ(crypto_aead_xchacha20poly1305_ietf_decrypt(check.data(), nullptr, nullptr, h + 80, 48,
                                                       h, kImmutableBytes, h + 56, key.data()),
            0);
  EXPECT_EQ(check, (std::array<uint8_t, 32>{}));
  // Slot 0: nonce, then the sealed 216-byte plaintext; AD = header bytes 0..55 || u64le(0).
  std::array<uint8_t, kImmutableBytes + 8> ad{};
  std::memcpy(ad.data(), h, kImmutableBytes);
  const uint8_t* slot = h + kHeaderBytes;
  std::array<uint8_t, 216> plain{};
  ASSERT_EQ(crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), nullptr, nullptr, slot + 24,
                                                       232, ad.data(), ad.size(), slot, key.data()),
            0);
  EXPECT_EQ(plain[0], 3);                          // kMasterKey.
  EXPECT_EQ(plain[1], 10);                         // Name length.
  EXPECT_EQ(plain[2], 40);                         // Secret length.
  EXPECT_EQ(DecodeFixed64(plain.data() + 8), 1u);  // First sequence number.
  auto entry = ks->Get("spec/entry");
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(DecodeFixed64(plain.data() + 16), entry->created_ms);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(plain.data() + 24), 10), "spec/entry");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(plain.data() + 152), 40), secret);
  for (size_t i :
       {size_t{3}, size_t{4}, size_t{7}, size_t{24 + 10}, size_t{151}, size_t{192}, size_t{215}}) {
    EXPECT_EQ(plain[i], 0) << "padding byte " << i;
  }
  // The same bytes under the next slot index do not open: the index is bound.
  EncodeFixed64(ad.data() + kImmutableBytes, 1);
  EXPECT_NE(crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), nullptr, nullptr, slot + 24,
                                                       232, ad.data(), ad.size(), slot, key.data()),
            0);
  sodium_memzero(key.data(), key.size());
}

TEST_F(KeyStoreTest, WrongPassphraseIsPermissionDeniedAndChangesNothing) {
  {
    auto ks = CreateStore();
    ASSERT_NE(ks, nullptr);
    ASSERT_OK(ks->Put("k", KeyKind::kMasterKey, AsBytes(Secret('k'))));
  }
  const std::string before = ReadFile(path_);
  const Status s = OpenStatus("correct horse battery stapler");
  EXPECT_TRUE(s.IsPermissionDenied()) << s.ToString();
  EXPECT_EQ(s.message(), Prefix() + "wrong passphrase");
  EXPECT_EQ(ReadFile(path_), before);
  auto ks = OpenStore();
  ASSERT_NE(ks, nullptr);
  EXPECT_TRUE(ks->Get("k").ok());
}

TEST_F(KeyStoreTest, FileIsCreatedPrivateWhateverTheUmask) {
  const mode_t old_umask = ::umask(0);
  auto ks = CreateStore();
  ::umask(old_umask);
  ASSERT_NE(ks, nullptr);
  EXPECT_EQ(FileMode(path_), 0600u);
}

TEST_F(KeyStoreTest, OpenRefusesAFileOpenToGroupOrOthers) {
  ASSERT_NE(CreateStore(), nullptr);
  for (mode_t mode : {0640, 0604, 0660, 0700 | 0004}) {
    ASSERT_EQ(::chmod(path_.c_str(), mode), 0);
    const Status s = OpenStatus();
    EXPECT_TRUE(s.IsPermissionDenied()) << s.ToString();
    char text[8];
    std::snprintf(text, sizeof(text), "%04o", static_cast<unsigned>(mode));
    EXPECT_TRUE(Contains(s.message(), std::string("mode ") + text)) << s.message();
    EXPECT_EQ(s.message().rfind(Prefix(), 0), 0u) << s.message();
  }
  ASSERT_EQ(::chmod(path_.c_str(), 0600), 0);
  EXPECT_OK(OpenStatus());
  ASSERT_EQ(::chmod(path_.c_str(), 0400), 0);  // Owner-only but read-only: open for writing fails.
  const Status read_only = OpenStatus();
  if (::geteuid() != 0) {  // root may write regardless of the mode.
    EXPECT_TRUE(read_only.IsPermissionDenied()) << read_only.ToString();
  }
}

TEST_F(KeyStoreTest, OpenRefusesASymbolicLink) {
  ASSERT_NE(CreateStore(), nullptr);
  const std::string link = dir_.Sub("link");
  ASSERT_EQ(::symlink(path_.c_str(), link.c_str()), 0);
  const Status s = KeyStore::Open(link, kPassphrase).status();
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "symbolic link")) << s.message();
}

TEST_F(KeyStoreTest, SecondOpenIsBusyUntilTheFirstCloses) {
  auto first = CreateStore();
  ASSERT_NE(first, nullptr);
  const Status s = OpenStatus();
  EXPECT_TRUE(s.IsBusy()) << s.ToString();
  first.reset();
  EXPECT_OK(OpenStatus());
}

TEST_F(KeyStoreTest, ShredLeavesNeitherPlaintextNorCiphertext) {
  const std::string victim = Secret('v');
  auto ks = CreateStore();
  ASSERT_NE(ks, nullptr);
  ASSERT_OK(ks->Put("victim", KeyKind::kMasterKey, AsBytes(victim)));
  ASSERT_OK(ks->Put("keeper", KeyKind::kMasterKey, AsBytes(Secret('k'))));
  const std::string before = ReadFile(path_);
  const std::string sealed = Slot(before, 0);
  ASSERT_NE(sealed, std::string(kSlotBytes, '\0'));

  ASSERT_OK(ks->Shred("victim"));
  const std::string after = ReadFile(path_);
  EXPECT_EQ(after.size(), before.size());
  EXPECT_EQ(Slot(after, 0), std::string(kSlotBytes, '\0'));
  EXPECT_FALSE(Contains(after, victim));
  EXPECT_FALSE(Contains(after, sealed.substr(0, 24))) << "the nonce survived";
  EXPECT_FALSE(Contains(after, sealed.substr(24, 32))) << "ciphertext survived";
  EXPECT_FALSE(Contains(after, sealed.substr(kSlotBytes - 16))) << "the tag survived";
  EXPECT_TRUE(ks->Get("victim").status().IsNotFound());
  EXPECT_TRUE(ks->Shred("victim").IsNotFound());

  ks.reset();
  ks = OpenStore();
  ASSERT_NE(ks, nullptr);
  EXPECT_TRUE(ks->Get("victim").status().IsNotFound());
  auto keeper = ks->Get("keeper");
  ASSERT_TRUE(keeper.ok());
  EXPECT_EQ(keeper->secret, Secret('k'));
  // The freed slot is reused: the file does not grow.
  ASSERT_OK(ks->Put("next", KeyKind::kScopeKey, AsBytes(Secret('n'))));
  EXPECT_EQ(ReadFile(path_).size(), before.size());
}

TEST_F(KeyStoreTest, ShredPrefixShredsEveryMatchingEntry) {
  auto ks = CreateStore();
  ASSERT_NE(ks, nullptr);
  ASSERT_OK(ks->Put("user/a/1", KeyKind::kMasterKey, AsBytes(Secret('1'))));
  ASSERT_OK(ks->Put("user/b/1", KeyKind::kMasterKey, AsBytes(Secret('3'))));
  ASSERT_OK(ks->Put("user/a/2", KeyKind::kMasterKey, AsBytes(Secret('2'))));
  ASSERT_OK(ks->Put("user/a", KeyKind::kMasterKey, AsBytes(Secret('4'))));
  ASSERT_OK(ks->Put("other", KeyKind::kMasterKey, AsBytes(Secret('5'))));

  size_t shredded = 99;
  ASSERT_OK(ks->ShredPrefix("user/a/", &shredded));
  EXPECT_EQ(shredded, 2u);
  const std::string file = ReadFile(path_);
  EXPECT_EQ(Slot(file, 0), std::string(kSlotBytes, '\0'));
  EXPECT_EQ(Slot(file, 2), std::string(kSlotBytes, '\0'));
  EXPECT_NE(Slot(file, 1), std::string(kSlotBytes, '\0'));

  ASSERT_OK(ks->ShredPrefix("nothing/", &shredded));
  EXPECT_EQ(shredded, 0u);
  const Status empty = ks->ShredPrefix("", &shredded);
  EXPECT_TRUE(empty.IsInvalidArgument()) << empty.ToString();

  ks.reset();
  ks = OpenStore();
  ASSERT_NE(ks, nullptr);
  std::vector<std::string> names;
  for (const KeyEntry& e : ks->List()) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"other", "user/a", "user/b/1"}));
}

TEST_F(KeyStoreTest, PutReplacesANameAndZeroesTheOldSlot) {
  auto ks = CreateStore();
  ASSERT_NE(ks, nullptr);
  ASSERT_OK(ks->Put("k", KeyKind::kMasterKey, AsBytes(Secret('o'))));
  const std::string old_sealed = Slot(ReadFile(path_), 0);
  ASSERT_OK(ks->Put("k", KeyKind::kScopeKey, AsBytes(Secret('n', 48))));
  auto got = ks->Get("k");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->secret, Secret('n', 48));
  EXPECT_EQ(got->kind, KeyKind::kScopeKey);
  EXPECT_EQ(ks->List().size(), 1u);

  const std::string file = ReadFile(path_);
  ASSERT_EQ(file.size(), kHeaderBytes + 2 * kSlotBytes);
  EXPECT_EQ(Slot(file, 0), std::string(kSlotBytes, '\0'));
  EXPECT_FALSE(Contains(file, old_sealed.substr(24, 32)));

  ks.reset();
  ks = OpenStore();
  ASSERT_NE(ks, nullptr);
  got = ks->Get("k");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->secret, Secret('n', 48));
}

// A crash between the two writes of a replacing Put leaves two slots with one name. The test
// makes that state by saving the old slot's bytes before the replacing Put and writing them
// back afterwards (slots are bound to their index, so they must return to the same place).
// `newer_first` puts the newer entry at the lower slot index, to show that the sequence number
// decides, not the position.
void CheckInterruptedReplace(const std::string& path, bool newer_first) {
  SCOPED_TRACE(newer_first ? "newer entry in the lower slot" : "newer entry in the higher slot");
  std::string saved;
  size_t old_index = 0;
  {
    auto created = KeyStore::Create(path, kPassphrase, FastOptions());
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    std::unique_ptr<KeyStore> ks = std::move(created).value();
    ASSERT_OK(ks->Put("filler", KeyKind::kMasterKey, AsBytes(Secret('f'))));  // Slot 0.
    ASSERT_OK(ks->Put("k", KeyKind::kMasterKey, AsBytes(Secret('o'))));       // Slot 1.
    old_index = 1;
    if (newer_first) {
      ASSERT_OK(ks->Shred("filler"));  // Frees slot 0 for the replacing Put.
    }
    saved = Slot(ReadFile(path), old_index);
    ASSERT_OK(ks->Put("k", KeyKind::kMasterKey, AsBytes(Secret('n'))));
  }
  std::string file = ReadFile(path);
  ASSERT_EQ(Slot(file, old_index), std::string(kSlotBytes, '\0'));
  file.replace(kHeaderBytes + old_index * kSlotBytes, kSlotBytes, saved);
  WriteFile(path, file);

  // A wrong passphrase must not finish the interrupted Put.
  EXPECT_TRUE(KeyStore::Open(path, "wrong").status().IsPermissionDenied());
  EXPECT_EQ(ReadFile(path), file);

  auto opened = KeyStore::Open(path, kPassphrase);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<KeyStore> ks = std::move(opened).value();
  auto got = ks->Get("k");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->secret, Secret('n'));
  EXPECT_EQ(ks->List("k").size(), 1u);
  // The older slot was shredded by the open.
  const std::string after = ReadFile(path);
  EXPECT_EQ(Slot(after, old_index), std::string(kSlotBytes, '\0'));
  EXPECT_FALSE(Contains(after, saved.substr(24, 32)));
  // And its slot is free again.
  ASSERT_OK(ks->Put("more", KeyKind::kMasterKey, AsBytes(Secret('m'))));
  EXPECT_EQ(ReadFile(path).size(), after.size());
}

TEST_F(KeyStoreTest, InterruptedReplaceResolvesToTheNewerEntry) {
  CheckInterruptedReplace(dir_.Sub("higher"), /*newer_first=*/false);
  CheckInterruptedReplace(dir_.Sub("lower"), /*newer_first=*/true);
}

TEST_F(KeyStoreTest, DamagedSlotIsCorruptionNamingTheSlot) {
  {
    auto ks = CreateStore();
    ASSERT_NE(ks, nullptr);
    for (const char* name : {"a", "b", "c"}) {
      ASSERT_OK(ks->Put(name, KeyKind::kMasterKey, AsBytes(Secret(name[0]))));
    }
  }
  const std::string good = ReadFile(path_);
  // A flipped bit in the nonce, the ciphertext and the tag of slot 1.
  for (size_t offset : {size_t{3}, size_t{100}, kSlotBytes - 1}) {
    std::string bad = good;
    bad[kHeaderBytes + kSlotBytes + offset] ^= 0x01;
    WriteFile(path_, bad);
    const Status s = OpenStatus();
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_EQ(s.message(), Prefix() + "slot 1 does not open (torn write or tampering)");
    EXPECT_EQ(ReadFile(path_), bad) << "a failed open wrote to the file";
  }
  // A valid slot moved to another index does not open either.
  std::string moved = good;
  moved.replace(kHeaderBytes + 2 * kSlotBytes, kSlotBytes, Slot(good, 0));
  WriteFile(path_, moved);
  const Status s = OpenStatus();
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "slot 2 does not open")) << s.message();

  WriteFile(path_, good);
  EXPECT_OK(OpenStatus());
}

TEST_F(KeyStoreTest, DamagedHeaderIsAClearError) {
  {
    auto ks = CreateStore();
    ASSERT_NE(ks, nullptr);
    ASSERT_OK(ks->Put("a", KeyKind::kMasterKey, AsBytes(Secret('a'))));
  }
  const std::string good = ReadFile(path_);
  struct Case {
    size_t offset;
    Status::Code code;
    std::string_view message;
  };
  const Case cases[] = {
      {0, Status::Code::kCorruption, "not a keystore file (bad magic)"},
      {8, Status::Code::kNotSupported, "format version 0; this build reads version 1"},
      {24, Status::Code::kCorruption, "header checksum mismatch (damaged header)"},  // opslimit
      {40, Status::Code::kCorruption, "header checksum mismatch (damaged header)"},  // salt
      {90, Status::Code::kCorruption, "header checksum mismatch (damaged header)"},  // check
      {200, Status::Code::kCorruption, "header checksum mismatch (damaged header)"},
      {250, Status::Code::kCorruption, "header checksum mismatch (damaged header)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("offset " + std::to_string(c.offset));
    std::string bad = good;
    bad[c.offset] = static_cast<char>(bad[c.offset] ^ (c.offset == 8 ? 0x01 : 0x40));
    WriteFile(path_, bad);
    const Status s = OpenStatus();
    EXPECT_EQ(s.code(), c.code) << s.ToString();
    EXPECT_EQ(s.message(), Prefix() + std::string(c.message));
  }
  // A header the checksum vouches for but whose limits are out of range (only a writer that
  // recomputes the checksum can make one) is refused before Argon2id runs.
  std::string huge = good;
  EncodeFixed64(reinterpret_cast<uint8_t*>(huge.data()) + 32, uint64_t{1} << 40);
  EncodeFixed64(reinterpret_cast<uint8_t*>(huge.data()) + 248,
                Xxh3(reinterpret_cast<const uint8_t*>(huge.data()), 248));
  WriteFile(path_, huge);
  const Status s = OpenStatus();
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "memlimit 1099511627776 is outside")) << s.message();

  WriteFile(path_, std::string(kHeaderBytes, '\0'));
  EXPECT_EQ(OpenStatus().message(),
            Prefix() + "header is all zeros (an interrupted Create leaves this)");
  WriteFile(path_, good.substr(0, 100));
  EXPECT_TRUE(OpenStatus().IsCorruption());
  EXPECT_TRUE(Contains(OpenStatus().message(), "shorter than the 256-byte header"));
  WriteFile(path_, good.substr(0, kHeaderBytes + 100));
  EXPECT_EQ(OpenStatus().message(),
            Prefix() + "file is 356 bytes and ends inside slot 0 (a truncated copy?)");
  WriteFile(path_, good);
  EXPECT_OK(OpenStatus());
}

TEST_F(KeyStoreTest, ChangePassphraseSwitchesPassphrases) {
  auto ks = CreateStore();
  ASSERT_NE(ks, nullptr);
  ASSERT_OK(ks->Put("a", KeyKind::kSigningSeed, AsBytes(Secret('a'))));
  ASSERT_OK(ks->Put("b", KeyKind::kBoxSecret, AsBytes(Secret('b'))));
  ASSERT_OK(ks->Put("c", KeyKind::kMasterKey, AsBytes(Secret('c'))));
  ASSERT_OK(ks->Shred("a"));  // Leaves a free slot that the change compacts away.
  const std::vector<KeyEntry> before = ks->List();
  const std::string old_file = ReadFile(path_);
  WriteFile(path_ + ".tmp", "left over by a crash");  // Must be replaced, not reused.
  // A second name for the old file shows what becomes of its bytes: they are zeroed.
  const std::string old_link = dir_.Sub("old-link");
  ASSERT_EQ(::link(path_.c_str(), old_link.c_str()), 0);

  ASSERT_OK(ks->ChangePassphrase("a new passphrase"));
  EXPECT_EQ(FileMode(path_), 0600u);
  EXPECT_FALSE(std::ifstream(path_ + ".tmp").good()) << "the temporary file is left behind";
  const std::string new_file = ReadFile(path_);
  EXPECT_EQ(new_file.size(), kHeaderBytes + 2 * kSlotBytes);
  EXPECT_NE(new_file.substr(40, 16), old_file.substr(40, 16)) << "the salt was not renewed";
  EXPECT_FALSE(Contains(new_file, Slot(old_file, 1).substr(24, 32)));
  EXPECT_EQ(ReadFile(old_link), std::string(old_file.size(), '\0'));

  // The open KeyStore goes on working with the new file.
  ASSERT_OK(ks->Put("d", KeyKind::kScopeKey, AsBytes(Secret('d'))));
  ks.reset();

  const Status old_pass = OpenStatus();
  EXPECT_TRUE(old_pass.IsPermissionDenied()) << old_pass.ToString();
  ks = OpenStore("a new passphrase");
  ASSERT_NE(ks, nullptr);
  const std::vector<KeyEntry> after = ks->List();
  ASSERT_EQ(after.size(), 3u);
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].name, before[i].name);
    EXPECT_EQ(after[i].kind, before[i].kind);
    EXPECT_EQ(after[i].created_ms, before[i].created_ms);
  }
  for (char c : {'b', 'c', 'd'}) {
    auto got = ks->Get(std::string(1, c));
    ASSERT_TRUE(got.ok()) << c;
    EXPECT_EQ(got->secret, Secret(c));
  }
  // Replacing still works after the change (sequence numbers carried over).
  ASSERT_OK(ks->Put("b", KeyKind::kBoxSecret, AsBytes(Secret('B'))));
  ks.reset();
  ks = OpenStore("a new passphrase");
  ASSERT_NE(ks, nullptr);
  EXPECT_EQ(ks->Get("b")->secret, Secret('B'));
}

TEST_F(KeyStoreTest, OpenRemovesAStaleTemporaryFile) {
  ASSERT_NE(CreateStore(), nullptr);
  WriteFile(path_ + ".tmp", "an interrupted passphrase change");
  EXPECT_TRUE(OpenStatus("wrong").IsPermissionDenied());
  EXPECT_TRUE(std::ifstream(path_ + ".tmp").good()) << "removed without the passphrase";
  EXPECT_OK(OpenStatus());
  EXPECT_FALSE(std::ifstream(path_ + ".tmp").good());
}

TEST_F(KeyStoreTest, LimitsAreCheckedWithClearErrors) {
  auto ks = CreateStore();
  ASSERT_NE(ks, nullptr);
  const std::string secret = Secret('s');
  auto expect_invalid = [&](const Status& s) {
    EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_EQ(s.message().rfind(Prefix(), 0), 0u) << s.message();
  };
  expect_invalid(ks->Put("", KeyKind::kMasterKey, AsBytes(secret)));
  expect_invalid(
      ks->Put(std::string(kKeyStoreMaxNameBytes + 1, 'n'), KeyKind::kMasterKey, AsBytes(secret)));
  expect_invalid(ks->Put("has space", KeyKind::kMasterKey, AsBytes(secret)));
  expect_invalid(ks->Put("tab\t", KeyKind::kMasterKey, AsBytes(secret)));
  expect_invalid(ks->Put("del\x7f", KeyKind::kMasterKey, AsBytes(secret)));
  expect_invalid(ks->Put("caf\xc3\xa9", KeyKind::kMasterKey, AsBytes(secret)));
  expect_invalid(ks->Put("k", KeyKind::kMasterKey, {}));
  expect_invalid(
      ks->Put("k", KeyKind::kMasterKey, AsBytes(Secret('s', kKeyStoreMaxSecretBytes + 1))));
  expect_invalid(ks->Put("k", static_cast<KeyKind>(0), AsBytes(secret)));
  expect_invalid(ks->Put("k", static_cast<KeyKind>(5), AsBytes(secret)));
  expect_invalid(ks->Get("").status());
  expect_invalid(ks->Shred("no spaces allowed"));
  expect_invalid(ks->ChangePassphrase(""));
  expect_invalid(ks->ChangePassphrase(std::string(kKeyStoreMaxPassphraseBytes + 1, 'p')));
  EXPECT_TRUE(ks->List().empty());
  EXPECT_EQ(ReadFile(path_).size(), kHeaderBytes) << "a refused Put wrote a slot";

  // The limits themselves are accepted.
  const std::string longest(kKeyStoreMaxNameBytes, '~');
  ASSERT_OK(ks->Put(longest, KeyKind::kMasterKey, AsBytes(Secret('x', kKeyStoreMaxSecretBytes))));
  ASSERT_OK(ks->Put("!", KeyKind::kMasterKey, AsBytes(Secret('y', 1))));
  ks.reset();
  ks = OpenStore();
  ASSERT_NE(ks, nullptr);
  EXPECT_EQ(ks->Get(longest)->secret, Secret('x', kKeyStoreMaxSecretBytes));
  EXPECT_EQ(ks->Get("!")->secret, Secret('y', 1));
  ks.reset();

  const std::string other = dir_.Sub("other");
  EXPECT_TRUE(KeyStore::Create(other, "", FastOptions()).status().IsInvalidArgument());
  EXPECT_TRUE(KeyStore::Open(path_, "").status().IsInvalidArgument());
  KeyStoreOptions options = FastOptions();
  options.opslimit = 0;
  EXPECT_TRUE(KeyStore::Create(other, kPassphrase, options).status().IsInvalidArgument());
  options = FastOptions();
  options.memlimit = kKeyStoreMemLimitMin - 1;
  EXPECT_TRUE(KeyStore::Create(other, kPassphrase, options).status().IsInvalidArgument());
  options.memlimit = kKeyStoreMemLimitMax + 1;
  EXPECT_TRUE(KeyStore::Create(other, kPassphrase, options).status().IsInvalidArgument());
  EXPECT_FALSE(std::ifstream(other).good()) << "a refused Create left a file";
}

TEST_F(KeyStoreTest, EntryCountIsLimited) {
  auto ks = CreateStore();
  ASSERT_NE(ks, nullptr);
  for (size_t i = 0; i < kKeyStoreMaxEntries; ++i) {
    ASSERT_OK(ks->Put("k" + std::to_string(i), KeyKind::kMasterKey, AsBytes(Secret('k'))));
  }
  const Status full = ks->Put("one-more", KeyKind::kMasterKey, AsBytes(Secret('k')));
  EXPECT_TRUE(full.IsInvalidArgument()) << full.ToString();
  // Replacing needs the one spare slot the format allows for, and works when full.
  ASSERT_OK(ks->Put("k7", KeyKind::kMasterKey, AsBytes(Secret('r'))));
  ASSERT_OK(ks->Put("k8", KeyKind::kMasterKey, AsBytes(Secret('r'))));
  ks.reset();
  ks = OpenStore();
  ASSERT_NE(ks, nullptr);
  EXPECT_EQ(ks->List().size(), kKeyStoreMaxEntries);
  EXPECT_EQ(ks->Get("k8")->secret, Secret('r'));
}

TEST_F(KeyStoreTest, ConcurrentCallsAreSerialized) {
  auto ks = CreateStore();
  ASSERT_NE(ks, nullptr);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 16;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ks, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string name = "t" + std::to_string(t) + "/" + std::to_string(i);
        const std::string secret = Secret(static_cast<char>('a' + t), 16 + static_cast<size_t>(i));
        EXPECT_OK(ks->Put(name, KeyKind::kScopeKey, AsBytes(secret)));
        auto got = ks->Get(name);
        EXPECT_TRUE(got.ok() && got->secret == secret) << name;
        static_cast<void>(ks->List("t"));
        if (i % 4 == 3) EXPECT_OK(ks->Shred(name));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const size_t live = size_t{kThreads} * (kPerThread - kPerThread / 4);
  EXPECT_EQ(ks->List().size(), live);
  ks.reset();
  ks = OpenStore();
  ASSERT_NE(ks, nullptr);
  EXPECT_EQ(ks->List().size(), live);
}

// Random Puts, replacing Puts, Shreds, ShredPrefixes and reopens, checked against a map.
TEST_F(KeyStoreTest, RandomOperationsMatchAModel) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::map<std::string, std::pair<KeyKind, std::string>> model;
  auto ks = CreateStore();
  ASSERT_NE(ks, nullptr);
  for (int step = 0; step < 300; ++step) {
    const std::string name = "g" + std::to_string(rng() % 3) + "/" + std::to_string(rng() % 8);
    switch (rng() % 10) {
      case 0:
        ks.reset();
        ks = OpenStore();
        ASSERT_NE(ks, nullptr);
        break;
      case 1: {
        const std::string group = "g" + std::to_string(rng() % 3) + "/";
        size_t shredded = 0;
        ASSERT_OK(ks->ShredPrefix(group, &shredded));
        size_t expected = 0;
        for (auto it = model.lower_bound(group);
             it != model.end() && it->first.starts_with(group);) {
          it = model.erase(it);
          ++expected;
        }
        EXPECT_EQ(shredded, expected);
        break;
      }
      case 2:
      case 3: {
        const Status s = ks->Shred(name);
        EXPECT_EQ(s.IsNotFound(), model.erase(name) == 0) << s.ToString();
        break;
      }
      default: {
        const auto kind = static_cast<KeyKind>(1 + rng() % 4);
        const std::string secret = test::RandomString(rng, 1 + rng() % kKeyStoreMaxSecretBytes);
        ASSERT_OK(ks->Put(name, kind, AsBytes(secret)));
        model[name] = {kind, secret};
        break;
      }
    }
    const std::vector<KeyEntry> listed = ks->List();
    ASSERT_EQ(listed.size(), model.size()) << "step " << step;
    auto m = model.begin();
    for (const KeyEntry& e : listed) {
      EXPECT_EQ(e.name, m->first);
      EXPECT_EQ(e.kind, m->second.first);
      auto got = ks->Get(e.name);
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(got->secret, m->second.second);
      ++m;
    }
  }
  ks.reset();
  // The file holds exactly the live entries plus free (all-zero) slots.
  const std::string file = ReadFile(path_);
  ASSERT_EQ((file.size() - kHeaderBytes) % kSlotBytes, 0u);
  size_t used = 0;
  for (size_t i = 0; i * kSlotBytes + kHeaderBytes < file.size(); ++i) {
    if (Slot(file, i) != std::string(kSlotBytes, '\0')) ++used;
  }
  EXPECT_EQ(used, model.size());
}

}  // namespace
}  // namespace ddc
