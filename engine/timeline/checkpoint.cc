#include "engine/timeline/checkpoint.h"

#include <sodium.h>

#include <algorithm>
#include <cassert>
#include <charconv>

#include "engine/base/hash.h"
#include "engine/timeline/base64.h"

namespace ddc::timeline {
namespace {

Status Reject(size_t line, std::string_view what, const std::string& message) {
  std::string m = "checkpoint: line " + std::to_string(line);
  if (!what.empty()) {
    m += " (";
    m += what;
    m += ")";
  }
  m += ": ";
  m += message;
  return Status::InvalidArgument(m);
}

// Canonical decimal: digits only, no leading zero unless the number is 0, fits 64 bits.
Status ParseDecimal(std::string_view text, uint64_t* value) {
  if (text.empty()) return Status::InvalidArgument("no digits");
  for (char c : text) {
    if (c < '0' || c > '9') {
      return Status::InvalidArgument(std::string("'") + c + "' is not a decimal digit");
    }
  }
  if (text.size() > 1 && text[0] == '0') return Status::InvalidArgument("leading zero");
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("does not fit in 64 bits");
  }
  return Status::OK();
}

bool IsTimeLine(std::string_view line) {
  return line.starts_with(kCheckpointTimeKeyword) &&
         (line.size() == kCheckpointTimeKeyword.size() ||
          line[kCheckpointTimeKeyword.size()] == ' ');
}

}  // namespace

std::string FormatCheckpointBody(const Checkpoint& checkpoint) {
  std::string out = checkpoint.origin;
  out += '\n';
  out += std::to_string(checkpoint.size);
  out += '\n';
  Base64Append(checkpoint.root, &out);
  out += '\n';
  out += kCheckpointTimeKeyword;
  out += ' ';
  out += std::to_string(checkpoint.time_ms);
  out += '\n';
  for (const std::string& line : checkpoint.extensions) {
    out += line;
    out += '\n';
  }
  return out;
}

Status ValidateCheckpoint(const Checkpoint& checkpoint) {
  Result<Checkpoint> parsed = ParseCheckpointBody(FormatCheckpointBody(checkpoint));
  if (!parsed.ok()) return parsed.status();
  if (!(*parsed == checkpoint)) {
    // Only a field holding a newline can parse back as something else.
    return Status::InvalidArgument("checkpoint: a field contains a newline");
  }
  return Status::OK();
}

Result<Checkpoint> ParseCheckpointBody(std::string_view body) {
  if (body.size() > kMaxCheckpointBytes) {
    return Status::InvalidArgument("checkpoint: " + std::to_string(body.size()) +
                                   " bytes exceed the limit of " +
                                   std::to_string(kMaxCheckpointBytes));
  }
  Status bytes_ok = CheckNoteBytes(body);
  if (!bytes_ok.ok()) return bytes_ok.WithContext("checkpoint");
  if (body.empty() || body.back() != '\n') {
    return Status::InvalidArgument("checkpoint: the body does not end with a newline");
  }
  Checkpoint out;
  size_t line_number = 0;
  while (!body.empty()) {
    const size_t end = body.find('\n');
    const std::string_view line = body.substr(0, end);
    body.remove_prefix(end + 1);
    ++line_number;
    if (line.empty()) return Reject(line_number, "", "empty line");
    switch (line_number) {
      case 1:
        if (HasSurroundingSpace(line)) {
          return Reject(line_number, "origin", "leading or trailing space");
        }
        out.origin = std::string(line);
        break;
      case 2: {
        Status s = ParseDecimal(line, &out.size);
        if (!s.ok()) return Reject(line_number, "tree size", s.message());
        break;
      }
      case 3: {
        Result<std::vector<uint8_t>> root = Base64Decode(line);
        if (!root.ok()) return Reject(line_number, "root hash", root.status().message());
        if (root->size() != out.root.size()) {
          return Reject(line_number, "root hash",
                        "decodes to " + std::to_string(root->size()) + " bytes, not 32");
        }
        std::copy(root->begin(), root->end(), out.root.begin());
        break;
      }
      case 4: {
        if (!IsTimeLine(line)) {
          return Reject(line_number, "ddc-time", "expected \"ddc-time <milliseconds>\"");
        }
        std::string_view digits = line.substr(kCheckpointTimeKeyword.size());
        if (!digits.empty()) digits.remove_prefix(1);
        Status s = ParseDecimal(digits, &out.time_ms);
        if (!s.ok()) return Reject(line_number, "ddc-time", s.message());
        break;
      }
      default:
        if (IsTimeLine(line)) return Reject(line_number, "extension", "a second ddc-time line");
        out.extensions.emplace_back(line);
        break;
    }
  }
  if (line_number < 4) {
    static constexpr std::string_view kNames[] = {"origin", "tree size", "root hash", "ddc-time"};
    return Reject(line_number + 1, kNames[line_number], "missing");
  }
  return out;
}

Result<Checkpoint> VerifyCheckpointNote(std::string_view note, const VerifierKey& key) {
  Result<std::string> text = VerifyNoteAs("checkpoint", note, key);
  if (!text.ok()) return text.status();
  return ParseCheckpointBody(*text);
}

Result<NoteSigner> NoteSigner::FromSeed(std::string_view name, std::span<const uint8_t> seed) {
  if (seed.size() != crypto_sign_SEEDBYTES) {
    return Status::InvalidArgument("note signer: the Ed25519 seed is " +
                                   std::to_string(seed.size()) + " bytes, not 32");
  }
  Status name_ok = CheckKeyName(name);
  if (!name_ok.ok()) return name_ok.WithContext("note signer");
  EnsureSodiumInitialized();
  NoteSigner signer;
  Ed25519PublicKey public_key;
  crypto_sign_seed_keypair(public_key.data(), signer.secret_key_.data(), seed.data());
  Result<VerifierKey> key = MakeVerifierKey(name, public_key);
  if (!key.ok()) return key.status();
  signer.key_ = std::move(key).value();
  return signer;
}

Result<NoteSigner> NoteSigner::Generate(std::string_view name) {
  std::array<uint8_t, crypto_sign_SEEDBYTES> seed;
  RandomBytes(seed);
  Result<NoteSigner> signer = FromSeed(name, seed);
  sodium_memzero(seed.data(), seed.size());
  return signer;
}

NoteSigner::~NoteSigner() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

std::string NoteSigner::SignNote(std::string_view text) const {
  assert(!text.empty() && text.back() == '\n');
  assert(CheckNoteBytes(text).ok());
  std::array<uint8_t, kEd25519SignatureBytes> signature;
  crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const uint8_t*>(text.data()),
                       text.size(), secret_key_.data());
  std::string out(text);
  out += '\n';
  out += FormatSignatureLine(key_.name, key_.key_id, signature);
  return out;
}

std::string NoteSigner::SignCheckpoint(const Checkpoint& checkpoint) const {
  assert(ValidateCheckpoint(checkpoint).ok());
  return SignNote(FormatCheckpointBody(checkpoint));
}

}  // namespace ddc::timeline
