// Proves that checkpoints are C2SP tlog-checkpoints in C2SP signed notes with ddc's ddc-time
// line, pinned and strict:
//  - the version 1 vector (tests/vectors/checkpoint_v1.json "ddc_checkpoint", made from a
//    fixed Ed25519 seed and cross-checked with an independent Ed25519 implementation) is
//    reproduced byte for byte by the signer and verified back to the same Checkpoint; any
//    single-byte change of the note fails verification;
//  - random checkpoints round-trip through SignCheckpoint / VerifyCheckpointNote and through
//    FormatCheckpointBody / ParseCheckpointBody;
//  - every malformed body, unknown signer, bad signature and malformed signature line is an
//    InvalidArgument "checkpoint: ..." that names the line and the check.
#include "engine/timeline/checkpoint.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/timeline/base64.h"
#include "tests/log/vector_file.h"
#include "tests/test_util.h"
#include "tests/timeline/json_value.h"

namespace ddc::timeline {
namespace {

bool Contains(const Status& s, std::string_view needle) {
  return s.message().find(needle) != std::string::npos;
}

NoteSigner SignerFromSeedHex(const std::string& name, const std::string& hex) {
  std::vector<uint8_t> seed;
  EXPECT_TRUE(test::FromHex(hex, &seed));
  Result<NoteSigner> signer = NoteSigner::FromSeed(name, seed);
  EXPECT_TRUE(signer.ok()) << signer.status().ToString();
  return std::move(signer).value();
}

struct Vector {
  test::JsonValue json;
  Checkpoint checkpoint;
};

Vector LoadVector() {
  Vector v;
  v.json = test::ReadJsonVector("checkpoint_v1.json")["ddc_checkpoint"];
  v.checkpoint.origin = v.json["origin"].string;
  v.checkpoint.size = v.json["size"].number;
  std::vector<uint8_t> root;
  EXPECT_TRUE(test::FromHex(v.json["root_hex"].string, &root));
  EXPECT_EQ(root.size(), 32u);
  std::copy_n(root.begin(), std::min<size_t>(root.size(), 32), v.checkpoint.root.begin());
  v.checkpoint.time_ms = v.json["time_ms"].number;
  for (const test::JsonValue& e : v.json["extensions"].array) {
    v.checkpoint.extensions.push_back(e.string);
  }
  return v;
}

TEST(CheckpointVectorTest, SignerReproducesTheV1Note) {
  const Vector v = LoadVector();
  ASSERT_FALSE(v.json.is_null()) << "cannot read tests/vectors/checkpoint_v1.json";
  const NoteSigner signer = SignerFromSeedHex(v.json["key_name"].string, v.json["seed_hex"].string);
  EXPECT_EQ(FormatVerifierKey(signer.verifier_key()), v.json["verifier_key"].string);
  std::vector<uint8_t> key_id;
  ASSERT_TRUE(test::FromHex(v.json["key_id_hex"].string, &key_id));
  EXPECT_EQ(signer.verifier_key().key_id, uint32_t{key_id[0]} << 24 | uint32_t{key_id[1]} << 16 |
                                              uint32_t{key_id[2]} << 8 | key_id[3]);
  EXPECT_OK(ValidateCheckpoint(v.checkpoint));
  EXPECT_EQ(FormatCheckpointBody(v.checkpoint), v.json["body"].string);
  EXPECT_EQ(signer.SignCheckpoint(v.checkpoint), v.json["note"].string);
  // Field by field, as docs/FORMAT.md describes the body.
  const std::string& body = v.json["body"].string;
  EXPECT_EQ(body, v.checkpoint.origin + "\n8\n" + Base64Encode(v.checkpoint.root) +
                      "\nddc-time 1700000000000\nexample.com/ext kept verbatim\n");
  EXPECT_EQ(v.json["note"].string.rfind(body + "\n\xE2\x80\x94 ddc.example/journal ", 0), 0u);
}

TEST(CheckpointVectorTest, V1NoteVerifiesAndFailsAfterAnyByteChange) {
  const Vector v = LoadVector();
  ASSERT_FALSE(v.json.is_null());
  Result<VerifierKey> key = ParseVerifierKey(v.json["verifier_key"].string);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  const std::string& note = v.json["note"].string;
  Result<Checkpoint> cp = VerifyCheckpointNote(note, *key);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(*cp, v.checkpoint);
  Result<Checkpoint> parsed = ParseCheckpointBody(v.json["body"].string);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, v.checkpoint);
  for (size_t i = 0; i < note.size(); ++i) {
    for (const uint8_t mask : {0x01, 0x10, 0x20, 0x80}) {
      std::string bad = note;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      Result<Checkpoint> r = VerifyCheckpointNote(bad, *key);
      EXPECT_FALSE(r.ok()) << "byte " << i << " ^ " << int{mask} << " verified";
      if (!r.ok()) {
        EXPECT_EQ(r.status().message().rfind("checkpoint: ", 0), 0u) << r.status().message();
      }
    }
  }
}

std::string RandomLine(std::mt19937_64& rng, bool for_origin) {
  // Printable ASCII plus a few multi-byte characters; no control characters.
  static const std::vector<std::string> kPieces = {
      "a", "Z", "9", "/", ".", "+", "-", "=", " ", "\xC3\xA9", "\xE2\x80\x94", "~"};
  std::string out;
  const size_t n = 1 + rng() % 30;
  for (size_t i = 0; i < n; ++i) out += kPieces[rng() % kPieces.size()];
  if (for_origin) {
    while (!out.empty() && out.front() == ' ') out.erase(0, 1);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (out.empty()) out = "o";
  } else if (out.starts_with("ddc-time")) {
    out = "x" + out;
  }
  return out;
}

TEST(CheckpointTest, RandomCheckpointsRoundTrip) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  Result<NoteSigner> signer = NoteSigner::Generate("ddc.example/node-1");
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  for (int round = 0; round < 300; ++round) {
    Checkpoint cp;
    cp.origin = RandomLine(rng, true);
    const uint64_t sizes[] = {0, 1, rng(), std::numeric_limits<uint64_t>::max(), rng() % 1000};
    cp.size = sizes[round % 5];
    for (uint8_t& b : cp.root) b = static_cast<uint8_t>(rng());
    cp.time_ms = round % 7 == 0 ? 0 : rng();
    const size_t extensions = rng() % 4;
    for (size_t i = 0; i < extensions; ++i) cp.extensions.push_back(RandomLine(rng, false));
    ASSERT_OK(ValidateCheckpoint(cp));
    const std::string body = FormatCheckpointBody(cp);
    Result<Checkpoint> parsed = ParseCheckpointBody(body);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << body;
    ASSERT_EQ(*parsed, cp);
    const std::string note = signer->SignCheckpoint(cp);
    Result<Checkpoint> verified = VerifyCheckpointNote(note, signer->verifier_key());
    ASSERT_TRUE(verified.ok()) << verified.status().ToString() << "\n" << note;
    ASSERT_EQ(*verified, cp);
  }
}

TEST(CheckpointTest, CosignedCheckpointVerifiesWithEitherKey) {
  const Vector v = LoadVector();
  ASSERT_FALSE(v.json.is_null());
  const NoteSigner node = SignerFromSeedHex("ddc.example/journal", v.json["seed_hex"].string);
  const NoteSigner witness = SignerFromSeedHex(
      "witness.example/w1", "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100");
  const std::string note = node.SignCheckpoint(v.checkpoint);
  const std::string body = FormatCheckpointBody(v.checkpoint);
  // The witness's line over the same body, appended.
  const std::string witness_note = witness.SignCheckpoint(v.checkpoint);
  const std::string cosigned = note + witness_note.substr(body.size() + 1);
  EXPECT_TRUE(VerifyCheckpointNote(cosigned, node.verifier_key()).ok());
  EXPECT_TRUE(VerifyCheckpointNote(cosigned, witness.verifier_key()).ok());
  // The witness's note alone is not signed by the node: unknown key, named as such.
  Result<Checkpoint> r = VerifyCheckpointNote(witness_note, node.verifier_key());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status(), "checkpoint: no signature by key ddc.example/journal+c060be9d"))
      << r.status().message();
}

TEST(CheckpointTest, BadSignatureAndMalformedLinesAreNamed) {
  const Vector v = LoadVector();
  ASSERT_FALSE(v.json.is_null());
  const NoteSigner node = SignerFromSeedHex("ddc.example/journal", v.json["seed_hex"].string);
  const std::string note = node.SignCheckpoint(v.checkpoint);
  // Another tree size under the original signature: the signature no longer verifies.
  std::string resized = note;
  resized.replace(resized.find("\n8\n"), 3, "\n9\n");
  Result<Checkpoint> r = VerifyCheckpointNote(resized, node.verifier_key());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status(), "checkpoint: line 7: bad signature")) << r.status().message();

  r = VerifyCheckpointNote(note + "not a signature\n", node.verifier_key());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status(), "checkpoint: line 8: malformed signature line"))
      << r.status().message();

  // A well-signed note whose text is not a checkpoint body.
  const std::string not_a_checkpoint = node.SignNote("hello\nworld\n");
  r = VerifyCheckpointNote(not_a_checkpoint, node.verifier_key());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status(), "checkpoint: line 2 (tree size): 'w' is not a decimal digit"))
      << r.status().message();
}

TEST(CheckpointTest, MalformedBodiesNameLineAndCheck) {
  const std::string root = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=";
  const std::string tail = root + "\nddc-time 5\n";
  const std::pair<std::string, std::string_view> kBad[] = {
      {"", "the body does not end with a newline"},
      {"o\n8\n" + tail.substr(0, tail.size() - 1), "the body does not end with a newline"},
      {"o\n8\n", "line 3 (root hash): missing"},
      {"o\n8\n" + root + "\n", "line 4 (ddc-time): missing"},
      {"\n8\n" + tail, "line 1: empty line"},
      {" o\n8\n" + tail, "line 1 (origin): leading or trailing space"},
      {"o \n8\n" + tail, "line 1 (origin): leading or trailing space"},
      {"o\xE3\x80\x80\n8\n" + tail, "line 1 (origin): leading or trailing space"},
      {"o\t\n8\n" + tail, "checkpoint: line 1: control character 9"},
      {"o\xC3\n8\n" + tail, "checkpoint: line 1: invalid UTF-8"},
      {"o\n08\n" + tail, "line 2 (tree size): leading zero"},
      {"o\n-1\n" + tail, "line 2 (tree size): '-' is not a decimal digit"},
      {"o\n 8\n" + tail, "line 2 (tree size): ' ' is not a decimal digit"},
      {"o\n18446744073709551616\n" + tail, "line 2 (tree size): does not fit in 64 bits"},
      {"o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy==\nddc-time 5\n",
       "line 3 (root hash): base64: non-zero padding bits"},
      {"o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg\nddc-time 5\n",
       "line 3 (root hash): base64: length 43"},
      {"o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz-Nw7_RgQyg=\nddc-time 5\n",
       "line 3 (root hash): base64: '-' is not in the alphabet"},
      {"o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/Rg\nddc-time 5\n",
       "line 3 (root hash): decodes to 30 bytes, not 32"},
      {"o\n8\n" + root + "\nddc-time 01\n", "line 4 (ddc-time): leading zero"},
      {"o\n8\n" + root + "\nddc-time\n", "line 4 (ddc-time): no digits"},
      {"o\n8\n" + root + "\nddc-time  5\n", "line 4 (ddc-time): ' ' is not a decimal digit"},
      {"o\n8\n" + root + "\nddc-timex 5\n", "line 4 (ddc-time): expected"},
      {"o\n8\n" + root + "\nother 5\nddc-time 5\n", "line 4 (ddc-time): expected"},
      {"o\n8\n" + tail + "ext\nddc-time 6\n", "line 6 (extension): a second ddc-time line"},
      {"o\n8\n" + tail + "\n", "line 5: empty line"},
      {"o\n8\n" + tail + "a\x1f\n", "line 5: control character 31"},
  };
  for (const auto& [body, message] : kBad) {
    Result<Checkpoint> r = ParseCheckpointBody(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_TRUE(r.status().IsInvalidArgument());
    EXPECT_TRUE(Contains(r.status(), message)) << body << "\n" << r.status().message();
    EXPECT_EQ(r.status().message().rfind("checkpoint: ", 0), 0u) << r.status().message();
  }
  // The bounds that are accepted.
  Result<Checkpoint> ok = ParseCheckpointBody("o\n18446744073709551615\n" + tail);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->size, std::numeric_limits<uint64_t>::max());
  // Spaces inside the origin and anywhere in extension lines, and DEL (not an ASCII control
  // character in the signed-note sense, which means those below U+0020).
  ok = ParseCheckpointBody("o p\n0\n" + root + "\nddc-time 0\n e x t \nz\x7f\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->origin, "o p");
  EXPECT_EQ(ok->time_ms, 0u);
  EXPECT_EQ(ok->extensions, (std::vector<std::string>{" e x t ", "z\x7f"}));
  Result<Checkpoint> big = ParseCheckpointBody(std::string(kMaxCheckpointBytes + 1, 'a'));
  EXPECT_TRUE(Contains(big.status(), "checkpoint: 1048577 bytes exceed the limit"))
      << big.status().message();
}

TEST(CheckpointTest, ValidateRejectsWhatCannotBeWritten) {
  Checkpoint cp;
  cp.origin = "ddc.example/journal";
  EXPECT_OK(ValidateCheckpoint(cp));
  Checkpoint bad = cp;
  bad.origin = "";
  EXPECT_FALSE(ValidateCheckpoint(bad).ok());
  bad.origin = "a\nb";
  EXPECT_FALSE(ValidateCheckpoint(bad).ok());
  bad = cp;
  bad.extensions = {""};
  EXPECT_FALSE(ValidateCheckpoint(bad).ok());
  bad.extensions = {"ddc-time 7"};
  EXPECT_FALSE(ValidateCheckpoint(bad).ok());
  bad.extensions = {"x\ny"};
  EXPECT_FALSE(ValidateCheckpoint(bad).ok());
  bad.extensions = {"x\ry"};
  EXPECT_FALSE(ValidateCheckpoint(bad).ok());
}

}  // namespace
}  // namespace ddc::timeline
