// The ddc CLI's event commands, driven as a user drives them: a key made with `key gen` signs
// events made with `event make`, `event put` appends them, `event get`, `timeline` and `users`
// read them back, and `checkpoint`, `prove` and `verify-proof` take one of them through to an
// independently checked proof. Everything the CLI prints is checked against what the library
// computes from the same bytes (EventCid, DecodeAndVerifyEvent, DecodeEventProof), and the
// failures a user meets — a wrong verifier key, a damaged bundle, a reused id, a bad prev
// link, bad usage — must exit non-zero with a one-line message naming the problem.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "ddc/cid.h"
#include "ddc/event.h"
#include "ddc/verify.h"
#include "engine/timeline/base64.h"
#include "tests/store/cli_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::CliRun;
using test::Slurp;
using test::Spit;
using test::Trim;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string Hex(std::span<const uint8_t> bytes) {
  std::string out;
  char buf[3];
  for (uint8_t b : bytes) {
    std::snprintf(buf, sizeof(buf), "%02x", b);
    out += buf;
  }
  return out;
}

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// One stderr line starting "ddc: ".
void ExpectOneLineError(const CliRun& r) {
  EXPECT_EQ(r.err.rfind("ddc: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

class CliEventTest : public ::testing::Test {
 protected:
  CliRun Ddc(const std::string& args, const std::string& stdin_path = "/dev/null") {
    const std::string out = tmp_.Sub("out"), err = tmp_.Sub("err");
    const std::string cmd =
        std::string(DDC_CLI) + " " + args + " <" + stdin_path + " >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }
  std::string Dir() const { return " --dir " + tmp_.Sub("store"); }

  // `key gen -o <name>`; returns the public key hex it printed.
  std::string KeyGen(const std::string& name) {
    CliRun r = Ddc("key gen -o " + tmp_.Sub(name));
    EXPECT_EQ(r.code, 0) << r.err;
    return Trim(r.err);
  }

  // `event make ... -o <name>`; returns the event bytes.
  std::string Make(const std::string& key, const std::string& flags, const std::string& name) {
    CliRun r = Ddc("event make --key " + tmp_.Sub(key) + " " + flags + " -o " + tmp_.Sub(name));
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out.empty());
    return Slurp(tmp_.Sub(name));
  }

  test::TempDir tmp_;
};

TEST_F(CliEventTest, KeyGenWritesAPrivateSeedFileAndRefusesToOverwriteIt) {
  const std::string pub = KeyGen("user.key");
  const std::string text = Slurp(tmp_.Sub("user.key"));
  ASSERT_EQ(text.size(), 65u);
  EXPECT_EQ(text.back(), '\n');
  struct stat st {};
  ASSERT_EQ(::stat(tmp_.Sub("user.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // The printed public key is the seed's, as the library derives it.
  std::array<uint8_t, 32> seed{};
  for (size_t i = 0; i < seed.size(); ++i) {
    seed[i] = static_cast<uint8_t>(std::stoi(text.substr(2 * i, 2), nullptr, 16));
  }
  EXPECT_EQ(pub, Hex(KeyPair::FromSeed(seed).public_key));
  CliRun shown = Ddc("key pub " + tmp_.Sub("user.key"));
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_EQ(Trim(shown.out), pub);

  CliRun again = Ddc("key gen -o " + tmp_.Sub("user.key"));
  EXPECT_EQ(again.code, 1);
  ExpectOneLineError(again);
  EXPECT_EQ(Slurp(tmp_.Sub("user.key")), text);  // Untouched.
  EXPECT_NE(KeyGen("other.key"), pub);           // A fresh key each time.

  Spit(tmp_.Sub("bad.key"), "abc\n");
  CliRun bad = Ddc("key pub " + tmp_.Sub("bad.key"));
  EXPECT_EQ(bad.code, 1);
  ExpectOneLineError(bad);
}

TEST_F(CliEventTest, EventsFromKeyToVerifiedProof) {
  const std::string pub = KeyGen("user.key");
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const std::string sealed = test::RandomString(rng, kScopeNonceBytes + 40);
  Spit(tmp_.Sub("sealed.bin"), sealed);
  Spit(tmp_.Sub("note.txt"), "hello, world");

  // event make: the bytes are a valid, signed event with exactly what was asked for.
  const std::string first =
      Make("user.key",
           "--bucket 7 --id e-1 --type page_view --time 1700000000123 "
           "--public note=" +
               tmp_.Sub("note.txt") + " --sealed profile=" + tmp_.Sub("sealed.bin"),
           "e1.bin");
  auto e1 = DecodeAndVerifyEvent(AsBytes(first));
  ASSERT_TRUE(e1.ok()) << e1.status().ToString();
  EXPECT_EQ(e1->bucket, 7u);
  EXPECT_EQ(Hex(e1->user), pub);
  EXPECT_EQ(e1->id, "e-1");
  EXPECT_EQ(e1->type, "page_view");
  EXPECT_EQ(e1->timestamp_ms, 1700000000123u);
  EXPECT_FALSE(e1->prev.has_value());
  ASSERT_EQ(e1->scopes.size(), 2u);
  EXPECT_EQ(e1->scopes[0].name, "note");
  EXPECT_FALSE(e1->scopes[0].sealed);
  EXPECT_EQ(e1->scopes[0].data, "hello, world");
  EXPECT_EQ(e1->scopes[1].name, "profile");
  EXPECT_TRUE(e1->scopes[1].sealed);
  EXPECT_EQ(e1->scopes[1].key_version, 1u);
  EXPECT_EQ(std::string(e1->scopes[1].nonce.begin(), e1->scopes[1].nonce.end()),
            sealed.substr(0, kScopeNonceBytes));
  EXPECT_EQ(e1->scopes[1].data, sealed.substr(kScopeNonceBytes));
  const std::string cid1 = EventCid(AsBytes(first)).ToString();

  // event put, from a file and from standard input; a re-send is reported as such.
  CliRun put1 = Ddc("event put" + Dir() + " " + tmp_.Sub("e1.bin"));
  ASSERT_EQ(put1.code, 0) << put1.err;
  EXPECT_EQ(Trim(put1.out), cid1 + " position 0 journal 0");
  CliRun again = Ddc("event put" + Dir() + " -", tmp_.Sub("e1.bin"));
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(Trim(again.out), cid1 + " position 0 journal 0 (already stored)");

  const std::string second =
      Make("user.key", "--bucket 7 --id e-2 --type click --prev " + cid1, "e2.bin");
  auto e2 = DecodeEvent(AsBytes(second));
  ASSERT_TRUE(e2.ok());
  EXPECT_EQ(e2->prev->ToString(), cid1);
  EXPECT_GE(e2->timestamp_ms, 1700000000123u);  // Default time: now.
  const std::string cid2 = EventCid(AsBytes(second)).ToString();
  CliRun put2 = Ddc("event put" + Dir() + " " + tmp_.Sub("e2.bin"));
  ASSERT_EQ(put2.code, 0) << put2.err;
  EXPECT_EQ(Trim(put2.out), cid2 + " position 1 journal 1");
  // Another bucket of the same user.
  Make("user.key", "--bucket 9 --id x --type other --time 5", "e3.bin");
  ASSERT_EQ(Ddc("event put" + Dir() + " " + tmp_.Sub("e3.bin")).code, 0);

  // event get: the raw bytes, and the JSON view of every field.
  CliRun raw = Ddc("event get" + Dir() + " " + cid1);
  ASSERT_EQ(raw.code, 0) << raw.err;
  EXPECT_EQ(raw.out, first);
  CliRun json = Ddc("event get" + Dir() + " " + cid1 + " --json");
  ASSERT_EQ(json.code, 0) << json.err;
  const std::string nonce_hex = Hex(AsBytes(sealed.substr(0, kScopeNonceBytes)));
  const std::string ct_b64 = timeline::Base64Encode(AsBytes(sealed.substr(kScopeNonceBytes)));
  const std::string note_b64 = timeline::Base64Encode(AsBytes("hello, world"));
  std::vector<std::string> fields = {
      "\"bucket\":7,",          "\"id\":\"e-1\"", "\"time_ms\":1700000000123",
      "\"type\":\"page_view\"", "\"prev\":null",
  };
  fields.push_back("\"cid\":\"" + cid1 + "\"");
  fields.push_back("\"user\":\"" + pub + "\"");
  fields.push_back("\"signature\":\"" + Hex(e1->signature) + "\"");
  std::string note_scope =
      "{\"name\":\"note\",\"sealed\":false,\"compression\":\"none\",\"data\":\"";
  note_scope += note_b64;
  note_scope += "\"}";
  fields.push_back(note_scope);
  std::string sealed_scope = "{\"name\":\"profile\",\"sealed\":true,\"key_version\":1,\"nonce\":\"";
  sealed_scope += nonce_hex;
  sealed_scope += "\",\"compression\":\"none\",\"data\":\"";
  sealed_scope += ct_b64;
  sealed_scope += "\"}";
  fields.push_back(sealed_scope);
  for (const std::string& field : fields) {
    EXPECT_TRUE(Contains(json.out, field)) << field << "\n" << json.out;
  }
  EXPECT_FALSE(Contains(json.out, "\"batch\""));  // Single-signed.
  CliRun json2 = Ddc("event get" + Dir() + " " + cid2 + " --json");
  EXPECT_TRUE(Contains(json2.out, "\"prev\":\"" + cid1 + "\"")) << json2.out;

  // timeline: both buckets without --bucket; one with it; backward, limited, by time, JSON.
  CliRun all = Ddc("timeline" + Dir() + " --user " + pub);
  ASSERT_EQ(all.code, 0) << all.err;
  std::vector<std::string> lines = Lines(all.out);
  ASSERT_EQ(lines.size(), 5u) << all.out;
  EXPECT_EQ(lines[0].rfind("# bucket 7 user " + pub + ": 2 events, root ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1], "0\t" + cid1 + "\t2023-11-14T22:13:20.123Z\tpage_view\te-1");
  EXPECT_EQ(lines[2].rfind("1\t" + cid2 + "\t", 0), 0u) << lines[2];
  EXPECT_TRUE(lines[2].ends_with("\tclick\te-2")) << lines[2];
  EXPECT_EQ(lines[3].rfind("# bucket 9 ", 0), 0u) << lines[3];
  EXPECT_TRUE(lines[4].ends_with("\tother\tx")) << lines[4];
  CliRun last = Ddc("timeline" + Dir() + " --user " + pub + " --bucket 7 --backward --limit 1");
  ASSERT_EQ(last.code, 0) << last.err;
  lines = Lines(last.out);
  ASSERT_EQ(lines.size(), 2u) << last.out;
  EXPECT_EQ(lines[1].rfind("1\t" + cid2, 0), 0u);
  CliRun since =
      Ddc("timeline" + Dir() + " --user " + pub + " --bucket 7 --since 1700000000124 --json");
  ASSERT_EQ(since.code, 0) << since.err;
  lines = Lines(since.out);
  ASSERT_EQ(lines.size(), 1u) << since.out;
  EXPECT_TRUE(Contains(lines[0], "\"position\":1,\"cid\":\"" + cid2 + "\"")) << lines[0];
  EXPECT_TRUE(Contains(lines[0], "\"prev\":\"" + cid1 + "\"")) << lines[0];

  CliRun users = Ddc("users" + Dir() + " --bucket 7");
  ASSERT_EQ(users.code, 0) << users.err;
  ASSERT_EQ(Lines(users.out).size(), 1u) << users.out;
  EXPECT_EQ(Lines(users.out)[0].rfind(pub + "\t2\t", 0), 0u) << users.out;

  // prove before any checkpoint: say so and say what to run.
  CliRun early = Ddc("prove" + Dir() + " " + cid2 + " -o " + tmp_.Sub("proof.bin"));
  EXPECT_EQ(early.code, 1);
  ExpectOneLineError(early);
  EXPECT_TRUE(Contains(early.err, "ddc checkpoint")) << early.err;

  CliRun cp = Ddc("checkpoint" + Dir());
  ASSERT_EQ(cp.code, 0) << cp.err;
  EXPECT_EQ(Lines(cp.out).at(1), "3");  // The journal size line of the note.
  CliRun list = Ddc("checkpoint" + Dir() + " --list");
  ASSERT_EQ(list.code, 0) << list.err;
  ASSERT_EQ(Lines(list.out).size(), 1u) << list.out;
  EXPECT_EQ(Lines(list.out)[0].rfind("3\t", 0), 0u) << list.out;
  CliRun node_key = Ddc("node-key" + Dir());
  ASSERT_EQ(node_key.code, 0) << node_key.err;
  const std::string verifier = Trim(node_key.out);
  EXPECT_EQ(verifier.rfind(Lines(cp.out).at(0) + "+", 0), 0u) << verifier;  // name = origin.

  CliRun prove = Ddc("prove" + Dir() + " " + cid2 + " -o " + tmp_.Sub("proof.bin"));
  ASSERT_EQ(prove.code, 0) << prove.err;
  const std::string bundle = Slurp(tmp_.Sub("proof.bin"));
  auto proof = DecodeEventProof(AsBytes(bundle));
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  EXPECT_EQ(proof->event, second);
  EXPECT_EQ(proof->position, 1u);
  EXPECT_EQ(proof->checkpoint, cp.out);

  CliRun ok = Ddc("verify-proof --key " + verifier + " " + tmp_.Sub("proof.bin"));
  ASSERT_EQ(ok.code, 0) << ok.err;
  for (const std::string& fact :
       {"ok: event " + cid2 + "\n", "user " + pub + "\n", std::string("bucket 7\n"),
        std::string("position 1\n"), std::string("journal index 1\n"),
        "checkpoint size 3 origin " + Lines(cp.out).at(0) + " time "}) {
    EXPECT_TRUE(Contains(ok.out, fact)) << fact << "\n" << ok.out;
  }
  Spit(tmp_.Sub("node.vkey"), node_key.out);
  CliRun from_stdin =
      Ddc("verify-proof --key-file " + tmp_.Sub("node.vkey") + " -", tmp_.Sub("proof.bin"));
  EXPECT_EQ(from_stdin.code, 0) << from_stdin.err;
  EXPECT_EQ(from_stdin.out, ok.out);
}

TEST_F(CliEventTest, VerifyProofRejectsAWrongKeyAndEveryDamagedBundle) {
  KeyGen("user.key");
  Make("user.key", "--bucket 1 --id a --type t --time 10", "a.bin");
  CliRun put = Ddc("event put" + Dir() + " " + tmp_.Sub("a.bin"));
  ASSERT_EQ(put.code, 0) << put.err;
  const std::string cid = Trim(put.out).substr(0, Trim(put.out).find(' '));
  ASSERT_EQ(Ddc("checkpoint" + Dir()).code, 0);
  ASSERT_EQ(Ddc("prove" + Dir() + " " + cid + " -o " + tmp_.Sub("proof.bin")).code, 0);
  const std::string verifier = Trim(Ddc("node-key" + Dir()).out);
  ASSERT_EQ(Ddc("verify-proof --key " + verifier + " " + tmp_.Sub("proof.bin")).code, 0);

  // Another store's node key: the checkpoint signature check fails.
  const std::string other = " --dir " + tmp_.Sub("other");
  ASSERT_EQ(Ddc("event put" + other + " " + tmp_.Sub("a.bin")).code, 0);
  const std::string wrong = Trim(Ddc("node-key" + other).out);
  ASSERT_NE(wrong, verifier);
  CliRun rejected = Ddc("verify-proof --key " + wrong + " " + tmp_.Sub("proof.bin"));
  EXPECT_EQ(rejected.code, 1);
  ExpectOneLineError(rejected);
  EXPECT_TRUE(Contains(rejected.err, "proof rejected: ")) << rejected.err;
  EXPECT_TRUE(Contains(rejected.err, "checkpoint")) << rejected.err;

  // One flipped bit anywhere in the bundle is caught, each time with a one-line reason.
  const std::string bundle = Slurp(tmp_.Sub("proof.bin"));
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const size_t step = std::max<size_t>(1, bundle.size() / 48);
  for (size_t at = 0; at < bundle.size(); at += step) {
    std::string damaged = bundle;
    damaged[at] = static_cast<char>(damaged[at] ^ (1u << (rng() % 8)));
    Spit(tmp_.Sub("damaged.bin"), damaged);
    CliRun r = Ddc("verify-proof --key " + verifier + " " + tmp_.Sub("damaged.bin"));
    EXPECT_EQ(r.code, 1) << "byte " << at << ": " << r.out;
    ExpectOneLineError(r);
    EXPECT_TRUE(Contains(r.err, "proof rejected: ")) << r.err;
  }
}

TEST_F(CliEventTest, RejectedEventsExitOneNamingTheProblem) {
  KeyGen("user.key");
  const std::string first = Make("user.key", "--bucket 3 --id same --type t --time 100", "1.bin");
  ASSERT_EQ(Ddc("event put" + Dir() + " " + tmp_.Sub("1.bin")).code, 0);
  const std::string cid1 = EventCid(AsBytes(first)).ToString();

  Make("user.key", "--bucket 3 --id same --type other --time 200", "reused.bin");
  CliRun reused = Ddc("event put" + Dir() + " " + tmp_.Sub("reused.bin"));
  EXPECT_EQ(reused.code, 1);
  ExpectOneLineError(reused);
  EXPECT_TRUE(Contains(reused.err, "event id \"same\"")) << reused.err;
  EXPECT_TRUE(Contains(reused.err, "taken by event " + cid1)) << reused.err;

  // prev must be the timeline's last event: a second event linking to nothing in particular.
  const std::string unrelated = Cid::Of(Codec::kDagCbor, std::string_view("x")).ToString();
  Make("user.key", "--bucket 3 --id b --type t --time 300 --prev " + unrelated, "prev.bin");
  CliRun bad_prev = Ddc("event put" + Dir() + " " + tmp_.Sub("prev.bin"));
  EXPECT_EQ(bad_prev.code, 1);
  ExpectOneLineError(bad_prev);
  EXPECT_TRUE(Contains(bad_prev.err, "links to " + unrelated)) << bad_prev.err;
  EXPECT_TRUE(Contains(bad_prev.err, "last event")) << bad_prev.err;

  Make("user.key", "--bucket 3 --id early --type t --time 50", "early.bin");
  CliRun early = Ddc("event put" + Dir() + " " + tmp_.Sub("early.bin"));
  EXPECT_EQ(early.code, 1);
  EXPECT_TRUE(Contains(early.err, "timestamp 50")) << early.err;

  Spit(tmp_.Sub("junk.bin"), "not an event");
  CliRun junk = Ddc("event put" + Dir() + " " + tmp_.Sub("junk.bin"));
  EXPECT_EQ(junk.code, 1);
  ExpectOneLineError(junk);
  EXPECT_TRUE(Contains(junk.err, "event")) << junk.err;

  // Nothing of the rejected events was stored.
  CliRun listed =
      Ddc("timeline" + Dir() + " --user " + Trim(Ddc("key pub " + tmp_.Sub("user.key")).out));
  EXPECT_EQ(Lines(listed.out).size(), 2u) << listed.out;

  // Bad inputs to event make are named too.
  CliRun missing = Ddc("event make --key " + tmp_.Sub("user.key") +
                       " --bucket 3 --id s --type t --sealed x=" + tmp_.Sub("missing"));
  EXPECT_EQ(missing.code, 1);
  ExpectOneLineError(missing);
  EXPECT_TRUE(Contains(missing.err, tmp_.Sub("missing"))) << missing.err;
  Spit(tmp_.Sub("tiny"), "0123456789");
  CliRun tiny = Ddc("event make --key " + tmp_.Sub("user.key") +
                    " --bucket 3 --id s --type t --sealed x=" + tmp_.Sub("tiny"));
  EXPECT_EQ(tiny.code, 1);
  EXPECT_TRUE(Contains(tiny.err, "nonce")) << tiny.err;
  CliRun bad_scope = Ddc("event make --key " + tmp_.Sub("user.key") +
                         " --bucket 3 --id s --type t --public NoCaps=" + tmp_.Sub("tiny"));
  EXPECT_EQ(bad_scope.code, 1);
  ExpectOneLineError(bad_scope);
  CliRun bad_bucket =
      Ddc("event make --key " + tmp_.Sub("user.key") + " --bucket -3 --id s --type t");
  EXPECT_EQ(bad_bucket.code, 1);
  EXPECT_TRUE(Contains(bad_bucket.err, "--bucket")) << bad_bucket.err;
  CliRun absent = Ddc("event get" + Dir() + " " + unrelated);
  EXPECT_EQ(absent.code, 1);
  ExpectOneLineError(absent);
}

TEST_F(CliEventTest, BadUsageExitsTwo) {
  KeyGen("user.key");
  const std::string key = " --key " + tmp_.Sub("user.key");
  for (const std::string& args : {
           std::string("key"),
           std::string("key frob"),
           std::string("key pub"),
           std::string("key gen extra"),
           std::string("event"),
           std::string("event make --bucket 1 --id a --type t"),  // No key.
           "event make" + key + " --id a --type t",               // No bucket.
           "event make" + key + " --bucket 1 --type t",           // No id.
           "event make" + key + " --bucket 1 --id a",             // No type.
           "event make" + key + " --bucket 1 --id a --type t --frob",
           std::string("event put"),
           "event get" + Dir(),
           std::string("timeline") + Dir(),
           "timeline" + Dir() + " --user 00 --from 1 --since 2",
           std::string("users") + Dir(),
           std::string("checkpoint"),
           "checkpoint" + Dir() + " extra",
           std::string("node-key"),
           std::string("prove") + Dir(),
           std::string("verify-proof"),
           std::string("verify-proof --key a --key-file b"),
           std::string("export"),
           std::string("export tar") + Dir() + " --user 00",
           std::string("export car") + Dir(),
       }) {
    CliRun r = Ddc(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, "usage: ddc ")) << args << "\n" << r.err;
  }
  CliRun help = Ddc("help");
  EXPECT_EQ(help.code, 0);
  for (const char* command :
       {"key gen", "event make", "event put", "event get", "timeline", "users", "checkpoint",
        "node-key", "prove", "verify-proof", "export car"}) {
    EXPECT_TRUE(Contains(help.out, std::string("  ") + command)) << command;
  }
}

}  // namespace
}  // namespace ddc
