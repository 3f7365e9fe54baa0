// ddc-crypto-tool: a thin command-line face on include/ddc/crypto.h for
// tests/interop/crypto_interop.mjs, which checks ddc's scope keys, sealing and key wrapping with
// the npm `libsodium-wrappers`, and the generator of the pinned vectors of
// tests/vectors/crypto_v1.json. Bytes go in and out as lower-case hex; BUCKET and VERSION are
// decimal; COMP is 0 (none) or 1 (zstd); EVENT_ID is the hex of the id's bytes.
//
//   derive MASTER NAME VERSION          the scope key (DeriveScopeKey)
//   ad BUCKET USER EVENT_ID NAME VERSION COMP
//                                       the associated data (ScopeAssociatedData)
//   seal KEY NONCE AD PLAINTEXT         ciphertext || tag (SealBytes)
//   open KEY NONCE AD SEALED            the plaintext (OpenBytes)
//   seal-scope KEY BUCKET USER EVENT_ID NAME VERSION COMP PLAINTEXT
//                                       NONCE SEALED of a scope sealed with a random nonce
//                                       (SealScope)
//   open-scope KEY BUCKET USER EVENT_ID NAME VERSION COMP NONCE SEALED
//                                       the plaintext (OpenScope)
//   wrap KEY RECIPIENT_PUBLIC           the 80-byte wrapped key (WrapKey)
//   unwrap WRAPPED PUBLIC SECRET        the key (UnwrapKey)
//   box-keypair SEED                    PUBLIC SECRET (BoxKeyPair::FromSeed)
//   box-of-signing ED25519_SEED         ED25519_PUBLIC X25519_PUBLIC X25519_SECRET
//                                       (BoxPublicKeyOf and BoxKeyPair::FromSigningKey, which
//                                       must agree)
//   batch                               reads the commands above from stdin, one per line with
//                                       arguments separated by single spaces (an empty hex
//                                       argument is an empty field), and answers one line each
//   vectors                             prints the pinned vectors as JSON
//
// A command's answer is one line: its values separated by spaces, or "error <message>" when
// ddc refuses (a tag that does not verify, a bad scope name). Exit status: 0 when the commands
// ran (refusals are output, not failures), 2 on a usage error (unknown command, bad hex).
#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/crypto.h"
#include "engine/base/hex.h"

namespace {

constexpr const char kUsage[] =
    "usage: ddc-crypto-tool derive MASTER NAME VERSION\n"
    "       ddc-crypto-tool ad BUCKET USER EVENT_ID NAME VERSION COMP\n"
    "       ddc-crypto-tool seal KEY NONCE AD PLAINTEXT\n"
    "       ddc-crypto-tool open KEY NONCE AD SEALED\n"
    "       ddc-crypto-tool seal-scope KEY BUCKET USER EVENT_ID NAME VERSION COMP PLAINTEXT\n"
    "       ddc-crypto-tool open-scope KEY BUCKET USER EVENT_ID NAME VERSION COMP NONCE SEALED\n"
    "       ddc-crypto-tool wrap KEY RECIPIENT_PUBLIC\n"
    "       ddc-crypto-tool unwrap WRAPPED PUBLIC SECRET\n"
    "       ddc-crypto-tool box-keypair SEED\n"
    "       ddc-crypto-tool box-of-signing ED25519_SEED\n"
    "       ddc-crypto-tool batch < COMMAND-LINES\n"
    "       ddc-crypto-tool vectors\n";

[[noreturn]] void UsageError(const std::string& what) {
  std::cerr << "ddc-crypto-tool: " << what << "\n" << kUsage;
  std::exit(2);
}

std::string ToHex(std::span<const uint8_t> bytes) { return ddc::Hex(bytes); }

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string ToHex(std::string_view s) { return ToHex(AsBytes(s)); }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::vector<uint8_t> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) UsageError("odd-length hex '" + std::string(hex) + "'");
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = HexDigit(hex[2 * i]);
    const int lo = HexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) UsageError("not lower-case hex: '" + std::string(hex) + "'");
    out[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return out;
}

template <size_t N>
std::array<uint8_t, N> FixedFromHex(std::string_view hex) {
  const std::vector<uint8_t> bytes = FromHex(hex);
  if (bytes.size() != N) {
    UsageError("want " + std::to_string(N) + " bytes, got " + std::to_string(bytes.size()));
  }
  std::array<uint8_t, N> out;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

uint64_t ParseDecimal(std::string_view text, uint64_t max) {
  if (text.empty() || text.size() > 20) UsageError("bad number '" + std::string(text) + "'");
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') UsageError("bad number '" + std::string(text) + "'");
    const auto digit = static_cast<uint64_t>(c - '0');
    if (v > (max - digit) / 10) UsageError("number out of range '" + std::string(text) + "'");
    v = v * 10 + digit;
  }
  return v;
}

std::string ErrorLine(const ddc::Status& status) {
  std::string message = status.ToString();
  for (char& c : message) {
    if (c == '\n') c = ' ';
  }
  return "error " + message;
}

// The header fields of `ad`, `seal-scope` and `open-scope` (arguments args[first..first+5]).
// The event id's bytes are kept in `id_storage`, which the header points into.
ddc::ScopeHeader HeaderFrom(const std::vector<std::string>& args, size_t first,
                            std::string* id_storage) {
  ddc::ScopeHeader h;
  h.bucket = ParseDecimal(args[first], UINT64_MAX);
  h.user = FixedFromHex<32>(args[first + 1]);
  const std::vector<uint8_t> id = FromHex(args[first + 2]);
  id_storage->assign(id.begin(), id.end());
  h.event_id = *id_storage;
  h.scope_name = args[first + 3];
  h.key_version = static_cast<uint32_t>(ParseDecimal(args[first + 4], UINT32_MAX));
  h.compression = static_cast<ddc::ScopeCompression>(ParseDecimal(args[first + 5], 255));
  return h;
}

ddc::KeyPair SigningKeyFromSeed(std::span<const uint8_t, 32> seed) {
  ddc::KeyPair key;
  crypto_sign_seed_keypair(key.public_key.data(), key.secret_key.data(), seed.data());
  return key;
}

// One command (args[0]) and its arguments; returns the answer line.
std::string Run(const std::vector<std::string>& args) {
  const std::string& command = args[0];
  const size_t n = args.size() - 1;
  auto want = [&](size_t count) {
    if (n != count) {
      UsageError(command + " takes " + std::to_string(count) + " arguments, got " +
                 std::to_string(n));
    }
  };
  if (command == "derive") {
    want(3);
    const auto key = ddc::DeriveScopeKey(FixedFromHex<32>(args[1]), args[2],
                                         static_cast<uint32_t>(ParseDecimal(args[3], UINT32_MAX)));
    return key.ok() ? ToHex(*key) : ErrorLine(key.status());
  }
  if (command == "ad") {
    want(6);
    std::string id;
    const auto ad = ddc::ScopeAssociatedData(HeaderFrom(args, 1, &id));
    return ad.ok() ? ToHex(*ad) : ErrorLine(ad.status());
  }
  if (command == "seal") {
    want(4);
    return ToHex(ddc::SealBytes(FixedFromHex<32>(args[1]), FixedFromHex<24>(args[2]),
                                FromHex(args[3]), FromHex(args[4])));
  }
  if (command == "open") {
    want(4);
    const auto opened = ddc::OpenBytes(FixedFromHex<32>(args[1]), FixedFromHex<24>(args[2]),
                                       FromHex(args[3]), FromHex(args[4]));
    return opened.ok() ? ToHex(*opened) : ErrorLine(opened.status());
  }
  if (command == "seal-scope") {
    want(8);
    std::string id;
    const auto scope =
        ddc::SealScope(FixedFromHex<32>(args[1]), HeaderFrom(args, 2, &id), FromHex(args[8]));
    return scope.ok() ? ToHex(scope->nonce) + " " + ToHex(scope->data) : ErrorLine(scope.status());
  }
  if (command == "open-scope") {
    want(9);
    std::string id;
    const ddc::ScopeHeader h = HeaderFrom(args, 2, &id);
    ddc::Scope scope;
    scope.name = std::string(h.scope_name);
    scope.sealed = true;
    scope.key_version = h.key_version;
    scope.compression = h.compression;
    scope.nonce = FixedFromHex<24>(args[8]);
    const std::vector<uint8_t> sealed = FromHex(args[9]);
    scope.data.assign(sealed.begin(), sealed.end());
    const auto opened = ddc::OpenScope(FixedFromHex<32>(args[1]), h.bucket, h.user, id, scope);
    return opened.ok() ? ToHex(*opened) : ErrorLine(opened.status());
  }
  if (command == "wrap") {
    want(2);
    return ToHex(ddc::WrapKey(FixedFromHex<32>(args[1]), FixedFromHex<32>(args[2])));
  }
  if (command == "unwrap") {
    want(3);
    ddc::BoxKeyPair recipient;
    recipient.public_key = FixedFromHex<32>(args[2]);
    recipient.secret_key = FixedFromHex<32>(args[3]);
    const auto key = ddc::UnwrapKey(FixedFromHex<ddc::kWrappedKeyBytes>(args[1]), recipient);
    return key.ok() ? ToHex(*key) : ErrorLine(key.status());
  }
  if (command == "box-keypair") {
    want(1);
    const ddc::BoxKeyPair pair = ddc::BoxKeyPair::FromSeed(FixedFromHex<32>(args[1]));
    return ToHex(pair.public_key) + " " + ToHex(pair.secret_key);
  }
  if (command == "box-of-signing") {
    want(1);
    const ddc::KeyPair signing = SigningKeyFromSeed(FixedFromHex<32>(args[1]));
    const ddc::BoxKeyPair pair = ddc::BoxKeyPair::FromSigningKey(signing);
    const auto mapped = ddc::BoxPublicKeyOf(signing.public_key);
    if (!mapped.ok()) return ErrorLine(mapped.status());
    if (*mapped != pair.public_key) {
      return "error BoxPublicKeyOf and BoxKeyPair::FromSigningKey disagree";
    }
    return ToHex(signing.public_key) + " " + ToHex(pair.public_key) + " " + ToHex(pair.secret_key);
  }
  UsageError("unknown command '" + command + "'");
}

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t space = line.find(' ', start);
    fields.push_back(line.substr(start, space - start));
    if (space == std::string::npos) break;
    start = space + 1;
  }
  return fields;
}

int Batch() {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::cout << Run(SplitFields(line)) << "\n";
  }
  return 0;
}

// ---- The pinned vectors ----

// Bytes start, start + step, start + 2 step, ... (mod 256): inputs that are easy to retype.
std::vector<uint8_t> Pattern(size_t n, uint8_t start, uint8_t step) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(start + i * step);
  return out;
}

template <size_t N>
std::array<uint8_t, N> FixedPattern(uint8_t start, uint8_t step) {
  std::array<uint8_t, N> out;
  for (size_t i = 0; i < N; ++i) out[i] = static_cast<uint8_t>(start + i * step);
  return out;
}

template <typename T>
const T& Must(const ddc::Result<T>& r, std::string_view what) {
  if (!r.ok()) {
    std::cerr << "ddc-crypto-tool: vectors: " << what << ": " << r.status().ToString() << "\n";
    std::exit(1);
  }
  return *r;
}

// JSON string of ASCII or UTF-8 text without quotes, backslashes or control characters (the
// vectors' names and ids), checked rather than escaped.
std::string Quoted(std::string_view s) {
  for (char c : s) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      std::cerr << "ddc-crypto-tool: vectors: string needs escaping\n";
      std::exit(1);
    }
  }
  return "\"" + std::string(s) + "\"";
}

struct VectorHeader {
  uint64_t bucket;
  ddc::PublicKey user;
  std::string event_id;
  std::string scope_name;
  uint32_t key_version;
  ddc::ScopeCompression compression;

  ddc::ScopeHeader View() const {
    return {bucket, user, event_id, scope_name, key_version, compression};
  }
  std::string Json() const {
    return "\"bucket\": \"" + std::to_string(bucket) + "\", \"user_hex\": \"" + ToHex(user) +
           "\", \"event_id\": " + Quoted(event_id) + ", \"scope_name\": " + Quoted(scope_name) +
           ", \"key_version\": " + std::to_string(key_version) +
           ", \"compression\": " + std::to_string(static_cast<int>(compression));
  }
};

const std::string kLongName = "abcdefghijklmnopqrstuvwxyz0123456789_.-abcdefghijklmnopqrstuvwxy";

std::vector<VectorHeader> VectorHeaders() {
  return {
      {0, FixedPattern<32>(0x20, 1), "evt-0001", "profile", 0, ddc::ScopeCompression::kNone},
      {UINT64_MAX, FixedPattern<32>(0xff, 0), std::string(ddc::kMaxEventIdBytes, 'x'), kLongName,
       UINT32_MAX, ddc::ScopeCompression::kZstd},
      // The id is UTF-8 ("commande-été-42"): the AD holds its bytes, length in bytes.
      {(uint64_t{1} << 40) + 5, FixedPattern<32>(0x9d, 7), "commande-\xc3\xa9t\xc3\xa9-42", "email",
       3, ddc::ScopeCompression::kNone},
  };
}

void PrintDerive(std::string* out) {
  struct Case {
    ddc::MasterKey master;
    std::string name;
    uint32_t version;
  };
  const std::vector<Case> cases = {
      {FixedPattern<32>(0x00, 1), "profile", 0},
      {FixedPattern<32>(0x00, 1), "profile", 1},
      {FixedPattern<32>(0x00, 1), "email", 0},
      {FixedPattern<32>(0x00, 1), "a", UINT32_MAX},
      {FixedPattern<32>(0x42, 0), kLongName, 7},
      {FixedPattern<32>(0x42, 0), "purchase.card-last4", 2},
  };
  *out += "  \"derive\": [";
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const ddc::ScopeKey key = Must(ddc::DeriveScopeKey(c.master, c.name, c.version), "derive");
    *out += std::string(i == 0 ? "\n" : ",\n") + "    {\"master_hex\": \"" + ToHex(c.master) +
            "\", \"scope_name\": " + Quoted(c.name) +
            ", \"key_version\": " + std::to_string(c.version) + ",\n     \"scope_key_hex\": \"" +
            ToHex(key) + "\"}";
  }
  *out += "\n  ],\n";
}

void PrintAd(std::string* out) {
  *out += "  \"associated_data\": [";
  bool first = true;
  for (const VectorHeader& h : VectorHeaders()) {
    const std::string ad = Must(ddc::ScopeAssociatedData(h.View()), "associated data");
    *out += std::string(first ? "\n" : ",\n") + "    {" + h.Json() + ",\n     \"ad_hex\": \"" +
            ToHex(ad) + "\"}";
    first = false;
  }
  *out += "\n  ],\n";
}

void PrintSeal(std::string* out) {
  struct Case {
    ddc::ScopeKey key;
    ddc::ScopeNonce nonce;
    std::vector<uint8_t> ad;
    std::vector<uint8_t> plaintext;
  };
  const std::string hello = "hello, scope";
  const std::vector<Case> cases = {
      {FixedPattern<32>(0x80, 1), FixedPattern<24>(0x40, 1), {}, {}},
      {FixedPattern<32>(0x80, 1), FixedPattern<24>(0x40, 1), {}, {0x00}},
      {FixedPattern<32>(0x80, 1), FixedPattern<24>(0x40, 1), Pattern(7, 0xa0, 1),
       std::vector<uint8_t>(hello.begin(), hello.end())},
      {FixedPattern<32>(0xff, 0), FixedPattern<24>(0x00, 0), Pattern(1, 0x01, 0),
       Pattern(64, 0x00, 1)},
      {FixedPattern<32>(0x13, 0x35), FixedPattern<24>(0xf0, 3), Pattern(300, 0x11, 5),
       Pattern(1000, 0x07, 7)},
  };
  *out += "  \"seal\": [";
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const std::string sealed = ddc::SealBytes(c.key, c.nonce, c.ad, c.plaintext);
    *out += std::string(i == 0 ? "\n" : ",\n") + "    {\"key_hex\": \"" + ToHex(c.key) +
            "\", \"nonce_hex\": \"" + ToHex(c.nonce) + "\",\n     \"ad_hex\": \"" + ToHex(c.ad) +
            "\",\n     \"plaintext_hex\": \"" + ToHex(c.plaintext) +
            "\",\n     \"sealed_hex\": \"" + ToHex(sealed) + "\"}";
  }
  *out += "\n  ],\n";
}

// Whole scopes: master key -> scope key of the header's name and version -> associated data of
// the header -> sealed bytes under a fixed nonce.
void PrintScopes(std::string* out) {
  const std::vector<VectorHeader> headers = VectorHeaders();
  const std::vector<ddc::MasterKey> masters = {FixedPattern<32>(0x00, 1), FixedPattern<32>(0x42, 0),
                                               FixedPattern<32>(0xc8, 11)};
  const std::vector<std::vector<uint8_t>> plaintexts = {Pattern(5, 'a', 1), Pattern(256, 0x00, 1),
                                                        Pattern(40, 0x5a, 0)};
  *out += "  \"scopes\": [";
  for (size_t i = 0; i < headers.size(); ++i) {
    const VectorHeader& h = headers[i];
    const ddc::ScopeKey key =
        Must(ddc::DeriveScopeKey(masters[i], h.scope_name, h.key_version), "scope key");
    const std::string ad = Must(ddc::ScopeAssociatedData(h.View()), "scope associated data");
    const ddc::ScopeNonce nonce = FixedPattern<24>(static_cast<uint8_t>(0x30 + i), 13);
    const std::string sealed = ddc::SealBytes(key, nonce, AsBytes(ad), plaintexts[i]);
    *out += std::string(i == 0 ? "\n" : ",\n") + "    {\"master_hex\": \"" + ToHex(masters[i]) +
            "\",\n     " + h.Json() + ",\n     \"nonce_hex\": \"" + ToHex(nonce) +
            "\", \"plaintext_hex\": \"" + ToHex(plaintexts[i]) + "\",\n     \"scope_key_hex\": \"" +
            ToHex(key) + "\",\n     \"ad_hex\": \"" + ToHex(ad) + "\",\n     \"sealed_hex\": \"" +
            ToHex(sealed) + "\"}";
  }
  *out += "\n  ],\n";
}

void PrintBox(std::string* out) {
  const std::vector<std::array<uint8_t, 32>> seeds = {FixedPattern<32>(0x60, 1),
                                                      FixedPattern<32>(0x00, 0)};
  *out += "  \"box_keypairs\": [";
  for (size_t i = 0; i < seeds.size(); ++i) {
    const ddc::BoxKeyPair pair = ddc::BoxKeyPair::FromSeed(seeds[i]);
    *out += std::string(i == 0 ? "\n" : ",\n") + "    {\"seed_hex\": \"" + ToHex(seeds[i]) +
            "\",\n     \"public_key_hex\": \"" + ToHex(pair.public_key) +
            "\",\n     \"secret_key_hex\": \"" + ToHex(pair.secret_key) + "\"}";
  }
  *out += "\n  ],\n";

  const std::vector<std::array<uint8_t, 32>> ed_seeds = {FixedPattern<32>(0x80, 1),
                                                         FixedPattern<32>(0x01, 0)};
  *out += "  \"ed25519_to_x25519\": [";
  for (size_t i = 0; i < ed_seeds.size(); ++i) {
    const ddc::KeyPair signing = SigningKeyFromSeed(ed_seeds[i]);
    const ddc::BoxPublicKey mapped = Must(ddc::BoxPublicKeyOf(signing.public_key), "x25519 map");
    const ddc::BoxKeyPair pair = ddc::BoxKeyPair::FromSigningKey(signing);
    if (mapped != pair.public_key) {
      std::cerr << "ddc-crypto-tool: vectors: BoxPublicKeyOf and FromSigningKey disagree\n";
      std::exit(1);
    }
    *out += std::string(i == 0 ? "\n" : ",\n") + "    {\"ed25519_seed_hex\": \"" +
            ToHex(ed_seeds[i]) + "\",\n     \"ed25519_public_key_hex\": \"" +
            ToHex(signing.public_key) + "\",\n     \"x25519_public_key_hex\": \"" + ToHex(mapped) +
            "\",\n     \"x25519_secret_key_hex\": \"" + ToHex(pair.secret_key) + "\"}";
  }
  *out += "\n  ],\n";
}

// crypto_box_seal draws its ephemeral key at random, so WrapKey's output cannot be pinned. This
// vector is the same construction with a fixed ephemeral seed, spelled out with crypto_box_easy:
// ephemeral_public || crypto_box_easy(key, nonce = BLAKE2b-192(ephemeral_public ||
// recipient_public), recipient_public, ephemeral_secret). UnwrapKey and crypto_box_seal_open
// must open it.
void PrintWrap(std::string* out) {
  const std::array<uint8_t, 32> recipient_seed = FixedPattern<32>(0x60, 1);
  const ddc::BoxKeyPair recipient = ddc::BoxKeyPair::FromSeed(recipient_seed);
  const std::array<uint8_t, 32> ephemeral_seed = FixedPattern<32>(0xe0, 1);
  const ddc::BoxKeyPair ephemeral = ddc::BoxKeyPair::FromSeed(ephemeral_seed);
  const ddc::ScopeKey key = FixedPattern<32>(0x80, 1);
  uint8_t nonce[crypto_box_NONCEBYTES];
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, sizeof(nonce));
  crypto_generichash_update(&state, ephemeral.public_key.data(), ephemeral.public_key.size());
  crypto_generichash_update(&state, recipient.public_key.data(), recipient.public_key.size());
  crypto_generichash_final(&state, nonce, sizeof(nonce));
  ddc::WrappedKey wrapped;
  std::copy(ephemeral.public_key.begin(), ephemeral.public_key.end(), wrapped.begin());
  if (crypto_box_easy(wrapped.data() + 32, key.data(), key.size(), nonce,
                      recipient.public_key.data(), ephemeral.secret_key.data()) != 0) {
    std::cerr << "ddc-crypto-tool: vectors: crypto_box_easy failed\n";
    std::exit(1);
  }
  *out += "  \"wrap\": [\n    {\"recipient_seed_hex\": \"" + ToHex(recipient_seed) +
          "\",\n     \"recipient_public_key_hex\": \"" + ToHex(recipient.public_key) +
          "\",\n     \"key_hex\": \"" + ToHex(key) + "\",\n     \"ephemeral_seed_hex\": \"" +
          ToHex(ephemeral_seed) + "\",\n     \"ephemeral_public_key_hex\": \"" +
          ToHex(ephemeral.public_key) + "\",\n     \"nonce_hex\": \"" +
          ToHex(std::span<const uint8_t>(nonce)) + "\",\n     \"wrapped_hex\": \"" +
          ToHex(wrapped) + "\"}\n  ]\n";
}

int Vectors() {
  std::string out =
      "{\n  \"description\": \"Scope keys and sealing, version 1 (docs/FORMAT.md, 'Scope keys "
      "and sealing'). Printed by `ddc-crypto-tool vectors` (tests/interop/crypto_tool.cc); "
      "tests/crypto/crypto_test.cc checks every value against include/ddc/crypto.h, and "
      "tests/interop/crypto_interop.mjs recomputes every value with npm libsodium-wrappers. "
      "Bytes are hex; bucket is a decimal string (it may exceed 2^53); compression 0 = none, "
      "1 = zstd.\",\n";
  PrintDerive(&out);
  PrintAd(&out);
  PrintSeal(&out);
  PrintScopes(&out);
  PrintBox(&out);
  PrintWrap(&out);
  out += "}\n";
  std::cout << out;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view command = argc >= 2 ? argv[1] : "";
  if (command == "vectors" && argc == 2) return Vectors();
  if (command == "batch" && argc == 2) return Batch();
  if (argc < 2) UsageError("no command");
  std::cout << Run(std::vector<std::string>(argv + 1, argv + argc)) << "\n";
  return 0;
}
