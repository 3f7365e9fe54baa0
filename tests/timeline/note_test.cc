// Proves that ddc's signed notes are C2SP signed-notes as golang.org/x/mod/sumdb/note writes
// them, and that parsing is strict:
//  - base64 is RFC 4648 section 4 (its test vectors), round-trips every short input, and
//    accepts exactly the canonical encodings (exhaustively over one padded group);
//  - Go's known answers (tests/vectors/checkpoint_v1.json "sumdb_note"): the PeterNeumann
//    signer key gives the published verifier key and signs the published note byte for byte;
//    the note verifies, and fails after any single-byte change; every truncation and every
//    byte change of the verifier key string is rejected;
//  - signature lines of unknown keys are ignored, a bad signature of the trusted key rejects
//    the note, more than 100 signature lines or 1 MiB are rejected, and each rejection names
//    its check and line.
#include "engine/timeline/note.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "engine/timeline/base64.h"
#include "engine/timeline/checkpoint.h"
#include "tests/test_util.h"
#include "tests/timeline/json_value.h"

namespace ddc::timeline {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

bool Contains(const Status& s, std::string_view needle) {
  return s.message().find(needle) != std::string::npos;
}

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> kVectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(Bytes(plain)), encoded);
    Result<std::vector<uint8_t>> decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(std::string(decoded->begin(), decoded->end()), plain);
  }
  const uint8_t all_ones[3] = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(Base64Encode(all_ones), "+/+/");
}

TEST(Base64Test, RoundTripsRandomBytes) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (size_t n = 0; n < 200; ++n) {
    const std::vector<uint8_t> data = test::RandomBytes(rng, n);
    const std::string text = Base64Encode(data);
    ASSERT_EQ(text.size(), Base64EncodedSize(n));
    Result<std::vector<uint8_t>> back = Base64Decode(text);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    ASSERT_EQ(*back, data);
  }
}

// Over every group of four characters whose first is 'Q' or '=' and whose other three are
// drawn from the alphabet and '=' (2 * 65^3 groups), exactly the canonical encodings are
// accepted: each accepted group re-encodes to itself, and there are as many as encodings.
TEST(Base64Test, AcceptsExactlyCanonicalGroups) {
  const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
  size_t accepted = 0;
  std::string group(4, 'A');
  for (char a : {'Q', '='}) {
    for (char b : chars) {
      for (char c : chars) {
        for (char d : chars) {
          group[0] = a;
          group[1] = b;
          group[2] = c;
          group[3] = d;
          Result<std::vector<uint8_t>> r = Base64Decode(group);
          if (!r.ok()) continue;
          ++accepted;
          ASSERT_EQ(Base64Encode(*r), group);
        }
      }
    }
  }
  // With 'Q' first: 64^3 unpadded groups, 64 * 16 with one '=' (the third character's low two
  // bits zero) and 4 with two (the second's low four bits zero); none with '=' first.
  EXPECT_EQ(accepted, size_t{64 * 64 * 64 + 64 * 16 + 4});
}

TEST(Base64Test, RejectionsNameTheFault) {
  const std::pair<std::string_view, std::string_view> kBad[] = {
      {"Zg=", "not a multiple of 4"},
      {"Zg", "not a multiple of 4"},
      {"Z===", "padding '=' before the end at position 1"},
      {"Zg==Zg==", "padding '=' before the end at position 2"},
      {"Zh==", "non-zero padding bits in the last character at position 1"},
      {"Zm9=", "non-zero padding bits"},
      {"Zm 9v", "byte 0x20 is not in the alphabet at position 2"},
      {"Zm9v\n", "byte 0x0a is not in the alphabet at position 4"},
      {"-_8=", "'-' is not in the alphabet at position 0"},
  };
  for (const auto& [text, message] : kBad) {
    Result<std::vector<uint8_t>> r = Base64Decode(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_TRUE(r.status().IsInvalidArgument());
    EXPECT_TRUE(Contains(r.status(), message)) << text << ": " << r.status().message();
    EXPECT_EQ(r.status().message().rfind("base64: ", 0), 0u);
  }
}

// Go's sumdb/note known answers.
struct GoNote {
  test::JsonValue json;
  std::string text;
  std::string note;
  std::string other_line;
  VerifierKey peter;
  VerifierKey enoch;
};

GoNote LoadGoNote() {
  GoNote g;
  g.json = test::ReadJsonVector("checkpoint_v1.json")["sumdb_note"];
  g.text = g.json["text"].string;
  g.note = g.json["note"].string;
  g.other_line = g.json["other_signature_line"].string;
  Result<VerifierKey> peter = ParseVerifierKey(g.json["verifier_key"].string);
  EXPECT_TRUE(peter.ok()) << peter.status().ToString();
  if (peter.ok()) g.peter = *peter;
  Result<VerifierKey> enoch = ParseVerifierKey(g.json["other_verifier_key"].string);
  EXPECT_TRUE(enoch.ok()) << enoch.status().ToString();
  if (enoch.ok()) g.enoch = *enoch;
  return g;
}

TEST(NoteTest, GoSignerKeyGivesTheKnownVerifierKeyAndNote) {
  const GoNote g = LoadGoNote();
  ASSERT_FALSE(g.json.is_null()) << "cannot read tests/vectors/checkpoint_v1.json";
  EXPECT_EQ(g.peter.name, "PeterNeumann");
  EXPECT_EQ(g.peter.key_id, 0xc74f20a3u);
  EXPECT_EQ(FormatVerifierKey(g.peter), g.json["verifier_key"].string);
  EXPECT_EQ(NoteKeyId(g.peter.name, g.peter.public_key), 0xc74f20a3u);

  // The signer key is "PRIVATE+KEY+<name>+<key ID>+base64(0x01 || Ed25519 seed)".
  const std::string signer_key = g.json["signer_key"].string;
  const std::string prefix = "PRIVATE+KEY+PeterNeumann+c74f20a3+";
  ASSERT_EQ(signer_key.rfind(prefix, 0), 0u);
  Result<std::vector<uint8_t>> typed_seed = Base64Decode(signer_key.substr(prefix.size()));
  ASSERT_TRUE(typed_seed.ok()) << typed_seed.status().ToString();
  ASSERT_EQ(typed_seed->size(), 33u);
  ASSERT_EQ((*typed_seed)[0], kNoteSignatureEd25519);
  Result<NoteSigner> signer =
      NoteSigner::FromSeed("PeterNeumann", std::span(*typed_seed).subspan(1));
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  EXPECT_EQ(signer->verifier_key(), g.peter);
  EXPECT_EQ(signer->SignNote(g.text), g.note);
}

TEST(NoteTest, GoNoteVerifiesAndFailsAfterAnyByteChange) {
  const GoNote g = LoadGoNote();
  ASSERT_FALSE(g.json.is_null());
  Result<std::string> text = VerifyNote(g.note, g.peter);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, g.text);
  for (size_t i = 0; i < g.note.size(); ++i) {
    for (const uint8_t mask : {0x01, 0x02, 0x20, 0x80}) {
      std::string bad = g.note;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      Result<std::string> r = VerifyNote(bad, g.peter);
      EXPECT_FALSE(r.ok()) << "byte " << i << " ^ " << int{mask} << " verified";
      if (!r.ok()) {
        // A change to the key name or ID in the signature line leaves a note without a
        // signature by the key (NotFound); anything else is InvalidArgument.
        EXPECT_TRUE(r.status().IsInvalidArgument() ||
                    (r.status().IsNotFound() &&
                     r.status().message().find("no signature by key") != std::string::npos))
            << r.status().ToString();
      }
    }
  }
}

TEST(NoteTest, UnknownSignersAreIgnoredAndEachKeyVerifiesItsOwnLine) {
  const GoNote g = LoadGoNote();
  ASSERT_FALSE(g.json.is_null());
  const std::string both = g.note + g.other_line;
  Result<std::string> by_peter = VerifyNote(both, g.peter);
  ASSERT_TRUE(by_peter.ok()) << by_peter.status().ToString();
  EXPECT_EQ(*by_peter, g.text);
  Result<std::string> by_enoch = VerifyNote(both, g.enoch);
  ASSERT_TRUE(by_enoch.ok()) << by_enoch.status().ToString();
  EXPECT_EQ(*by_enoch, g.text);

  // Enoch's line alone does not satisfy Peter's key.
  const std::string enoch_only = g.text + "\n" + g.other_line;
  Result<std::string> r = VerifyNote(enoch_only, g.peter);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status(), "no signature by key PeterNeumann+c74f20a3 (1 signature"))
      << r.status().message();

  // A same-name key with another ID, and another name with the same ID, are unknown keys.
  VerifierKey renamed = g.peter;
  renamed.name = "PeterNeuman";
  r = VerifyNote(g.note, renamed);
  EXPECT_TRUE(Contains(r.status(), "no signature by key")) << r.status().message();
  VerifierKey other_id = g.peter;
  other_id.key_id ^= 1;
  r = VerifyNote(g.note, other_id);
  EXPECT_TRUE(Contains(r.status(), "no signature by key")) << r.status().message();

  // An unknown key's line is not checked cryptographically, only for form.
  std::string garbled_enoch = g.other_line;
  garbled_enoch[60] = garbled_enoch[60] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(VerifyNote(g.note + garbled_enoch, g.peter).ok());
}

TEST(NoteTest, BadSignatureOfTheTrustedKeyRejectsTheNote) {
  const GoNote g = LoadGoNote();
  ASSERT_FALSE(g.json.is_null());
  // Go's TestOpen: four characters inserted into Peter's signature.
  const size_t sig_start = g.text.size() + 1;
  std::string bad = g.note;
  bad.insert(sig_start + 60, "ABCD");
  Result<std::string> r = VerifyNote(bad, g.peter);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status(), "line 4: signature by PeterNeumann+c74f20a3 is 67 bytes"))
      << r.status().message();
  // A valid line first does not excuse a bad one later.
  std::string tampered_line = g.note.substr(sig_start);
  tampered_line[30] = tampered_line[30] == 'A' ? 'B' : 'A';
  r = VerifyNote(g.note + tampered_line, g.peter);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status(), "line 5: bad signature")) << r.status().message();
}

TEST(NoteTest, MalformedNotesNameTheirLine) {
  const GoNote g = LoadGoNote();
  ASSERT_FALSE(g.json.is_null());
  const std::string peter_line = g.note.substr(g.text.size() + 1);
  const std::pair<std::string, std::string_view> kBad[] = {
      {g.text, "no blank line between the text and the signatures"},
      {g.text + "\n", "no signature lines after the blank line"},
      {g.text + "\n" + peter_line.substr(0, peter_line.size() - 1), "does not end with a newline"},
      {"\x01" + g.note, "note: line 1: control character 1 at byte 0"},
      {"\xff" + g.note, "note: line 1: invalid UTF-8 at byte 0"},
      {g.text + "\n\xE2\x80\x94 Bad Name x08go/ZJkuBS9UG\n",
       "line 4: malformed signature line: signature: base64: byte 0x20 is not in the alphabet"},
      {g.note + "Unexpected line.\n", "line 5: malformed signature line: does not start with"},
      {g.text + "\n- PeterNeumann x08go/ZJk=\n", "line 4: malformed signature line: does not"},
      {g.text + "\n\xE2\x80\x94 PeterNeumann\n", "no space between the key name"},
      {g.text + "\n\xE2\x80\x94 PeterNeumann x08g\n", "shorter than a key ID and one byte"},
      {g.text + "\n\xE2\x80\x94 PeterNeumann x08go/ZJk\n", "signature: base64: length 9"},
      {g.text + "\n\xE2\x80\x94 a+b x08go/ZJkuBS9UG\n", "key name contains '+' at byte 1"},
  };
  for (const auto& [note, message] : kBad) {
    Result<std::string> r = VerifyNote(note, g.peter);
    ASSERT_FALSE(r.ok()) << note;
    EXPECT_TRUE(r.status().IsInvalidArgument());
    EXPECT_TRUE(Contains(r.status(), message)) << r.status().message();
    EXPECT_EQ(r.status().message().rfind("note: ", 0), 0u) << r.status().message();
  }
}

TEST(NoteTest, LimitsOnSignatureLinesAndSize) {
  const GoNote g = LoadGoNote();
  ASSERT_FALSE(g.json.is_null());
  const std::string peter_line = g.note.substr(g.text.size() + 1);
  std::string note = g.text + "\n";
  for (size_t i = 0; i < kMaxNoteSignatures; ++i) note += peter_line;
  EXPECT_TRUE(VerifyNote(note, g.peter).ok());
  note += peter_line;
  Result<std::string> r = VerifyNote(note, g.peter);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status(), "line 104: more than 100 signature lines"))
      << r.status().message();

  std::string big(kMaxNoteBytes + 1, 'a');
  r = VerifyNote(big, g.peter);
  EXPECT_TRUE(Contains(r.status(), "1048577 bytes exceed the limit of 1048576"))
      << r.status().message();
  big.pop_back();
  big.back() = '\n';
  r = VerifyNote(big, g.peter);  // At the limit the note is parsed (and has no blank line).
  EXPECT_TRUE(Contains(r.status(), "no blank line")) << r.status().message();
}

TEST(VerifierKeyTest, EveryTruncationAndByteChangeIsRejected) {
  const std::string vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  ASSERT_TRUE(ParseVerifierKey(vkey).ok());
  for (size_t i = 0; i <= vkey.size(); ++i) {
    for (size_t j = i + 1; j <= vkey.size(); ++j) {
      if (i == 0 && j == vkey.size()) continue;
      EXPECT_FALSE(ParseVerifierKey(vkey.substr(i, j - i)).ok()) << vkey.substr(i, j - i);
    }
  }
  for (size_t i = 0; i < vkey.size(); ++i) {
    std::string bad = vkey;
    ++bad[i];
    EXPECT_FALSE(ParseVerifierKey(bad).ok()) << bad;
  }
  // Go's two hand-made bad keys, each with a key ID computed to match.
  EXPECT_FALSE(
      ParseVerifierKey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
          .ok());
  EXPECT_FALSE(
      ParseVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
}

TEST(VerifierKeyTest, RejectionsNameTheCheck) {
  const std::pair<std::string, std::string_view> kBad[] = {
      {"", "verifier key: empty"},
      {std::string(kMaxVerifierKeyBytes + 1, 'a'), "1025 bytes exceed the limit of 1024"},
      {"PeterNeumann", "no '+' after the key name"},
      {"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "key name is empty"},
      {"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "key name contains a space or control character at byte 5"},
      {"PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "followed by '+', 8 hex digits"},
      {"PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "key ID \"C74F20A3\" is not 8 lower-case hex digits"},
      {"PeterNeumann+c74f20a3+AR==", "public key: base64: non-zero padding bits"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TX",
       "key ID c74f20a3 does not match the name and key (a79e8a0c)"},
      {"PeterNeumann+c74f20a3+", "public key is empty"},
      {"PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "signature type 101 is not Ed25519"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy", "is 29 bytes, not 32"},
      {"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
       "key ID c74f20a4 does not match the name and key (c74f20a3)"},
  };
  for (const auto& [text, message] : kBad) {
    Result<VerifierKey> r = ParseVerifierKey(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_TRUE(r.status().IsInvalidArgument());
    EXPECT_TRUE(Contains(r.status(), message)) << r.status().message();
    EXPECT_EQ(r.status().message().rfind("verifier key: ", 0), 0u) << r.status().message();
  }
}

TEST(VerifierKeyTest, KeyNames) {
  EXPECT_OK(CheckKeyName("PeterNeumann"));
  EXPECT_OK(CheckKeyName("ddc.example/journal"));
  EXPECT_OK(CheckKeyName("caf\xC3\xA9.example"));
  EXPECT_FALSE(CheckKeyName("").ok());
  EXPECT_FALSE(CheckKeyName("a+b").ok());
  EXPECT_FALSE(CheckKeyName("a b").ok());
  EXPECT_FALSE(CheckKeyName("a\tb").ok());
  EXPECT_FALSE(CheckKeyName("a\xC2\xA0z").ok());      // U+00A0 no-break space.
  EXPECT_FALSE(CheckKeyName("a\xE3\x80\x80z").ok());  // U+3000 ideographic space.
  EXPECT_FALSE(CheckKeyName("a\xFFz").ok());
  EXPECT_FALSE(CheckKeyName("a\xC0\xAFz").ok());      // Overlong '/'.
  EXPECT_FALSE(CheckKeyName("a\xED\xA0\x80z").ok());  // A surrogate.
  EXPECT_FALSE(NoteSigner::FromSeed("bad name", std::vector<uint8_t>(32)).ok());
  EXPECT_FALSE(NoteSigner::FromSeed("good", std::vector<uint8_t>(31)).ok());
}

}  // namespace
}  // namespace ddc::timeline
