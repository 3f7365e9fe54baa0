#include "engine/timeline/note.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "engine/base/hash.h"
#include "engine/timeline/base64.h"

namespace ddc::timeline {
namespace {

// "— " in UTF-8: U+2014 EM DASH, then a space.
constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";

// Decodes the UTF-8 sequence at s[i]: its length, with the code point in *cp, or 0 when it is
// not a valid, shortest-form encoding of a scalar value (no surrogates, at most U+10FFFF).
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len = 0;
  uint32_t min = 0;
  if ((b0 & 0xe0) == 0xc0) {
    len = 2;
    min = 0x80;
    *cp = b0 & 0x1f;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3;
    min = 0x800;
    *cp = b0 & 0x0f;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4;
    min = 0x10000;
    *cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    *cp = (*cp << 6) | (byte(i + k) & 0x3f);
  }
  if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff)) return 0;
  return len;
}

// Unicode White_Space, as Go's unicode.IsSpace (which the note package uses for key names).
bool IsUnicodeSpace(uint32_t cp) {
  if (cp >= 0x09 && cp <= 0x0d) return true;
  switch (cp) {
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200a;
  }
}

std::string Hex8(uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i) {
    out[i] = kDigits[v & 15];
    v >>= 4;
  }
  return out;
}

std::string KeyLabel(const VerifierKey& key) { return key.name + "+" + Hex8(key.key_id); }

uint32_t ReadBigEndian32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// What one signature line says: the key it names and the signature bytes after the key ID.
struct SignatureLine {
  std::string_view name;
  uint32_t key_id = 0;
  std::vector<uint8_t> signature;
};

// Parses `line` (without its newline). Errors carry no prefix; the caller adds the line number.
Result<SignatureLine> ParseSignatureLine(std::string_view line) {
  if (!line.starts_with(kSignaturePrefix)) {
    return Status::InvalidArgument("does not start with an em dash (U+2014) and a space");
  }
  line.remove_prefix(kSignaturePrefix.size());
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    return Status::InvalidArgument("no space between the key name and the signature");
  }
  SignatureLine out;
  out.name = line.substr(0, space);
  Status name_ok = CheckKeyName(out.name);
  if (!name_ok.ok()) return name_ok;
  Result<std::vector<uint8_t>> decoded = Base64Decode(line.substr(space + 1));
  if (!decoded.ok()) return decoded.status().WithContext("signature");
  if (decoded->size() < 5) {
    return Status::InvalidArgument("signature of " + std::to_string(decoded->size()) +
                                   " bytes is shorter than a key ID and one byte");
  }
  out.key_id = ReadBigEndian32(decoded->data());
  out.signature.assign(decoded->begin() + 4, decoded->end());
  return out;
}

Status Fail(std::string_view what, const std::string& message) {
  std::string m(what);
  m += ": ";
  m += message;
  return Status::InvalidArgument(m);
}

}  // namespace

void EnsureSodiumInitialized() { EnsureSodium(); }

Status CheckKeyName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("key name is empty");
  for (size_t i = 0; i < name.size();) {
    uint32_t cp = 0;
    const size_t len = DecodeUtf8(name, i, &cp);
    if (len == 0) {
      return Status::InvalidArgument("key name is not valid UTF-8 at byte " + std::to_string(i));
    }
    if (cp == '+') {
      return Status::InvalidArgument("key name contains '+' at byte " + std::to_string(i));
    }
    if (cp < 0x20 || IsUnicodeSpace(cp)) {
      return Status::InvalidArgument("key name contains a space or control character at byte " +
                                     std::to_string(i));
    }
    i += len;
  }
  return Status::OK();
}

uint32_t NoteKeyId(std::string_view name, const Ed25519PublicKey& public_key) {
  static constexpr uint8_t kSeparator[2] = {0x0a, kNoteSignatureEd25519};
  const std::array<uint8_t, 32> digest = Sha256({Bytes(name), kSeparator, public_key});
  return ReadBigEndian32(digest.data());
}

Result<VerifierKey> MakeVerifierKey(std::string_view name, const Ed25519PublicKey& public_key) {
  Status ok = CheckKeyName(name);
  if (!ok.ok()) return ok;
  return VerifierKey{std::string(name), NoteKeyId(name, public_key), public_key};
}

std::string FormatVerifierKey(const VerifierKey& key) {
  std::array<uint8_t, 1 + kEd25519PublicKeyBytes> typed;
  typed[0] = kNoteSignatureEd25519;
  std::copy(key.public_key.begin(), key.public_key.end(), typed.begin() + 1);
  return KeyLabel(key) + "+" + Base64Encode(typed);
}

Result<VerifierKey> ParseVerifierKey(std::string_view text) {
  constexpr std::string_view kWhat = "verifier key";
  if (text.empty()) return Fail(kWhat, "empty");
  if (text.size() > kMaxVerifierKeyBytes) {
    return Fail(kWhat, std::to_string(text.size()) + " bytes exceed the limit of " +
                           std::to_string(kMaxVerifierKeyBytes));
  }
  const size_t plus = text.find('+');
  if (plus == std::string_view::npos) return Fail(kWhat, "no '+' after the key name");
  const std::string_view name = text.substr(0, plus);
  Status name_ok = CheckKeyName(name);
  if (!name_ok.ok()) return name_ok.WithContext(kWhat);
  const std::string_view rest = text.substr(plus + 1);
  if (rest.size() < 9 || rest[8] != '+') {
    return Fail(kWhat, "the key name must be followed by '+', 8 hex digits of key ID and '+'");
  }
  uint32_t key_id = 0;
  for (size_t i = 0; i < 8; ++i) {
    const char c = rest[i];
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (digit < 0) {
      return Fail(kWhat, "key ID \"" + std::string(rest.substr(0, 8)) +
                             "\" is not 8 lower-case hex digits");
    }
    key_id = (key_id << 4) | static_cast<uint32_t>(digit);
  }
  Result<std::vector<uint8_t>> typed = Base64Decode(rest.substr(9));
  if (!typed.ok()) return typed.status().WithContext("verifier key: public key");
  if (typed->empty()) return Fail(kWhat, "public key is empty");
  if ((*typed)[0] != kNoteSignatureEd25519) {
    return Fail(kWhat, "signature type " + std::to_string((*typed)[0]) +
                           " is not Ed25519 (1), the only type supported");
  }
  if (typed->size() != 1 + kEd25519PublicKeyBytes) {
    return Fail(kWhat,
                "Ed25519 public key is " + std::to_string(typed->size() - 1) + " bytes, not 32");
  }
  VerifierKey key;
  key.name = std::string(name);
  std::copy(typed->begin() + 1, typed->end(), key.public_key.begin());
  key.key_id = NoteKeyId(name, key.public_key);
  if (key.key_id != key_id) {
    return Fail(kWhat, "key ID " + Hex8(key_id) + " does not match the name and key (" +
                           Hex8(key.key_id) + ")");
  }
  return key;
}

Status CheckNoteBytes(std::string_view bytes) {
  size_t line = 1;
  for (size_t i = 0; i < bytes.size();) {
    uint32_t cp = 0;
    const size_t len = DecodeUtf8(bytes, i, &cp);
    if (len == 0) {
      return Status::InvalidArgument("line " + std::to_string(line) + ": invalid UTF-8 at byte " +
                                     std::to_string(i));
    }
    if (cp == '\n') {
      ++line;
    } else if (cp < 0x20) {
      return Status::InvalidArgument("line " + std::to_string(line) + ": control character " +
                                     std::to_string(cp) + " at byte " + std::to_string(i));
    }
    i += len;
  }
  return Status::OK();
}

bool HasSurroundingSpace(std::string_view text) {
  if (text.empty()) return false;
  uint32_t cp = 0;
  if (DecodeUtf8(text, 0, &cp) != 0 && IsUnicodeSpace(cp)) return true;
  size_t last = text.size() - 1;
  while (last > 0 && (static_cast<uint8_t>(text[last]) & 0xc0) == 0x80) --last;
  return DecodeUtf8(text, last, &cp) != 0 && IsUnicodeSpace(cp);
}

Result<std::string> VerifyNote(std::string_view note, const VerifierKey& key) {
  return VerifyNoteAs("note", note, key);
}

Result<std::string> VerifyNoteAs(std::string_view what, std::string_view note,
                                 const VerifierKey& key) {
  if (note.size() > kMaxNoteBytes) {
    return Fail(what, std::to_string(note.size()) + " bytes exceed the limit of " +
                          std::to_string(kMaxNoteBytes));
  }
  Status bytes_ok = CheckNoteBytes(note);
  if (!bytes_ok.ok()) return bytes_ok.WithContext(what);
  if (note.empty() || note.back() != '\n') return Fail(what, "does not end with a newline");
  const size_t blank = note.rfind("\n\n");
  if (blank == std::string_view::npos) {
    return Fail(what, "no blank line between the text and the signatures");
  }
  const std::string_view text = note.substr(0, blank + 1);
  std::string_view signatures = note.substr(blank + 2);
  if (signatures.empty()) return Fail(what, "no signature lines after the blank line");

  size_t line_number = 2;  // The blank line's number is one past the text's lines.
  for (char c : text) line_number += c == '\n' ? 1 : 0;
  EnsureSodiumInitialized();
  size_t count = 0;
  size_t ignored = 0;
  bool verified = false;
  while (!signatures.empty()) {
    const size_t end = signatures.find('\n');  // Present: the note ends with a newline.
    const std::string_view line = signatures.substr(0, end);
    signatures.remove_prefix(end + 1);
    const std::string where = "line " + std::to_string(line_number);
    if (++count > kMaxNoteSignatures) {
      return Fail(what,
                  where + ": more than " + std::to_string(kMaxNoteSignatures) + " signature lines");
    }
    Result<SignatureLine> sig = ParseSignatureLine(line);
    if (!sig.ok())
      return Fail(what, where + ": malformed signature line: " + sig.status().message());
    if (sig->name != key.name || sig->key_id != key.key_id) {
      ++ignored;  // Another key's signature: the spec says to ignore it.
    } else if (sig->signature.size() != kEd25519SignatureBytes) {
      return Fail(what, where + ": signature by " + KeyLabel(key) + " is " +
                            std::to_string(sig->signature.size()) +
                            " bytes, not the 64 of Ed25519");
    } else if (crypto_sign_verify_detached(sig->signature.data(),
                                           reinterpret_cast<const uint8_t*>(text.data()),
                                           text.size(), key.public_key.data()) != 0) {
      return Fail(
          what, where + ": bad signature: the signature by " + KeyLabel(key) + " does not verify");
    } else {
      verified = true;
    }
    ++line_number;
  }
  if (!verified) {
    // NotFound, not InvalidArgument: the note may be sound, only not signed by this key.
    return Status::NotFound(std::string(what) + ": no signature by key " + KeyLabel(key) + " (" +
                            std::to_string(ignored) +
                            " signature line(s) by unknown keys ignored)");
  }
  return std::string(text);
}

std::string FormatSignatureLine(std::string_view name, uint32_t key_id,
                                const std::array<uint8_t, kEd25519SignatureBytes>& signature) {
  std::array<uint8_t, kNoteSignatureBytes> blob;
  blob[0] = static_cast<uint8_t>(key_id >> 24);
  blob[1] = static_cast<uint8_t>(key_id >> 16);
  blob[2] = static_cast<uint8_t>(key_id >> 8);
  blob[3] = static_cast<uint8_t>(key_id);
  std::copy(signature.begin(), signature.end(), blob.begin() + 4);
  std::string out(kSignaturePrefix);
  out += name;
  out += ' ';
  Base64Append(blob, &out);
  out += '\n';
  return out;
}

}  // namespace ddc::timeline
