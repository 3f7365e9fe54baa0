// The ddc CLI's encryption, sharing and erasure commands, driven as a user drives them: keys
// made with `keygen` in passphrase-encrypted keystores, events sealed by a scope policy with
// `seal` and read back with `open`, one scope shared with a partner through `grant` and
// `grants --accept`, a master key rotated, a user erased with `erase`, and 2021 v0 events
// brought in with `import v0`.
//
// What the CLI prints is checked against what the library computes from the same bytes
// (KeyStore::Open on the keystore files, DecodeAndVerifyEvent on the events, the compat
// vectors of docs and tests), and erasure is checked from the outside: every path that could
// still show the data (open, event get, export car, grants) is tried, and every file of the
// data directory and the keystores is searched for the shredded key and its old keystore slot.
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ddc/cid.h"
#include "ddc/compat.h"
#include "ddc/crypto.h"
#include "ddc/event.h"
#include "ddc/keystore.h"
#include "tests/store/cli_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::CliRun;
using test::Slurp;
using test::Spit;
using test::Trim;

using Json = nlohmann::json;

constexpr char kPassphrase[] = "correct horse battery staple";
constexpr char kPolicy[] =
    R"({"default":"core","scopes":{"profile":["$.user"],"meta":["$.meta"]},"public":["meta"]})";
constexpr char kFirst[] =
    R"({"page":"/home","user":{"email":"alice@example.com","name":"Alice"},"meta":{"app":"shop"}})";
constexpr char kSecond[] =
    R"({"page":"/cart","items":[1,2,3],"user":{"email":"alice@example.com"},"meta":{"v":2}})";
constexpr char kThird[] = R"({"page":"/pay","user":{"name":"Alice L."},"meta":{"v":3}})";

// The v0 (2021) vector of the compatibility notes: a 64-byte secret key (seed || public key),
// the fields it signed and the signature.
constexpr char kV0SecretKey[] =
    "4B4854DD2F6D876FAADBEB7A8AB65259528D5B70F42CD90E39DAEFDB19C4944C"
    "79BAACF7D83296DEFFE7266A9E02FD8D522ED1A7100D3BBEC5625DCA1178B6F9";
constexpr char kV0AppPubKey[] =
    "0x8f01969eb5244d853cc9c6ad73c46d8a1a091842c414cabd2377531f0832635f";
constexpr char kV0Signature[] =
    "018699A20F9BF94BAD2A86488BB68CF2E5F1D59EB89592DC534E5A888D3600C1"
    "AA1554006003C89B65198980E1C3FC871C9F1C1F49F6F58FC6BBE80623929D0E";

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

size_t Occurrences(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string AsString(std::span<const uint8_t> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::string HexOf(std::span<const uint8_t> bytes) {
  std::string out;
  char buf[3];
  for (uint8_t b : bytes) {
    std::snprintf(buf, sizeof(buf), "%02x", b);
    out += buf;
  }
  return out;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// The files under `dir` whose bytes contain `needle`.
std::vector<std::string> FilesContaining(const std::string& dir, std::string_view needle) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && Contains(Slurp(entry.path().string()), needle)) {
      found.push_back(entry.path().string());
    }
  }
  return found;
}

// The JSON object `full` restricted to the top-level members `keep`.
Json Only(const Json& full, std::initializer_list<const char*> keep) {
  Json out = Json::object();
  for (const char* key : keep) out[key] = full.at(key);
  return out;
}

class CliCryptoTest : public ::testing::Test {
 protected:
  // Runs the CLI with fast keystore limits and `env` (e.g. "DDC_PASSPHRASE=x") in its
  // environment, after clearing the keystore variables the test runner may have set.
  CliRun Run(const std::string& env, const std::string& args) {
    const std::string out = tmp_.Sub("out"), err = tmp_.Sub("err");
    const std::string cmd = "env -u DDC_KEYSTORE -u DDC_PASSPHRASE DDC_KEYSTORE_FAST=1 " + env +
                            " " + std::string(DDC_CLI) + " " + args + " </dev/null >" + out +
                            " 2>" + err;
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }
  // With the right passphrase.
  CliRun Ddc(const std::string& args) {
    return Run(std::string("DDC_PASSPHRASE='") + kPassphrase + "'", args);
  }
  // Like Ddc, and the command must succeed; its standard output.
  std::string Ok(const std::string& args) {
    CliRun r = Ddc(args);
    EXPECT_EQ(r.code, 0) << args << "\n" << r.err;
    return r.out;
  }
  std::string Keys(const std::string& name) const { return " --keystore " + tmp_.Sub(name); }
  std::string Dir() const { return " --dir " + tmp_.Sub("data/store"); }
  std::string Write(const std::string& name, const std::string& bytes) {
    Spit(tmp_.Sub(name), bytes);
    return tmp_.Sub(name);
  }
  // `seal` into the store; the CID it printed ("<cid> position <p>").
  std::string Seal(const std::string& id, const char* json, uint64_t position) {
    const std::string out = Ok("seal" + Keys("alice.keys") + " --policy " +
                               Write("policy.json", kPolicy) + " --user alice --bucket 7 --id " +
                               id + " --type view" + Dir() + " " + Write(id + ".json", json));
    const std::string line = Trim(out);
    const size_t space = line.find(' ');
    EXPECT_EQ(line.substr(space), " position " + std::to_string(position)) << line;
    return line.substr(0, space);
  }
  Json OpenJson(const std::string& keys, const std::string& cid) {
    CliRun r = Ddc("open" + Keys(keys) + Dir() + " " + cid + " --json");
    EXPECT_EQ(r.code, 0) << r.err;
    Json j = Json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }
  // The entry `name` of a keystore, read with the library.
  std::string Secret(const std::string& keys, const std::string& name) {
    auto store = KeyStore::Open(tmp_.Sub(keys), kPassphrase);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return "";
    auto entry = (*store)->Get(name);
    EXPECT_TRUE(entry.ok()) << entry.status().ToString();
    return entry.ok() ? entry->secret : "";
  }

  test::TempDir tmp_;
};

// Every scope's outcome, by name.
std::map<std::string, std::string> Outcomes(const Json& opened) {
  std::map<std::string, std::string> out;
  for (const Json& s : opened.at("scopes")) {
    out[s.at("name").get<std::string>()] = s.at("outcome").get<std::string>();
  }
  return out;
}

TEST_F(CliCryptoTest, SealShareRotateAndEraseAUser) {
  // keygen: a signing key and a master key for Alice, a box key for her partner, each in its
  // own keystore; the printed public keys are those of the secrets the keystores hold.
  const std::string alice = Trim(Ok("keygen" + Keys("alice.keys") + " --sign alice"));
  const std::string partner = Trim(Ok("keygen" + Keys("partner.keys") + " --box partner"));
  const std::string master_name = "master/7/" + alice;
  EXPECT_EQ(Trim(Ok("keygen" + Keys("alice.keys") + " --master --bucket 7 --user " + alice)),
            master_name + " version 1");
  const std::string seed = Secret("alice.keys", "sign/alice");
  ASSERT_EQ(seed.size(), 32u);
  EXPECT_EQ(
      alice,
      HexOf(KeyPair::FromSeed(std::span<const uint8_t, 32>(AsBytes(seed).first<32>())).public_key));
  const std::string box_secret = Secret("partner.keys", "box/partner");
  ASSERT_EQ(box_secret.size(), 32u);
  std::array<uint8_t, 32> box_public{};
  crypto_scalarmult_base(box_public.data(), AsBytes(box_secret).data());
  EXPECT_EQ(partner, HexOf(box_public));
  const std::string master_v1 = Secret("alice.keys", master_name);
  ASSERT_EQ(master_v1.size(), 36u);
  EXPECT_EQ(master_v1.substr(32), std::string("\x01\x00\x00\x00", 4));
  for (const std::string& again :
       {"keygen" + Keys("alice.keys") + " --sign alice",
        "keygen" + Keys("alice.keys") + " --master --bucket 7 --user " + alice}) {
    CliRun r = Ddc(again);
    EXPECT_EQ(r.code, 1) << again;
    EXPECT_TRUE(Contains(r.err, "exists")) << r.err;
  }
  struct stat st {};
  ASSERT_EQ(::stat(tmp_.Sub("alice.keys").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // seal two events with a policy of three scopes, one public; open gives back the input.
  const std::string cid1 = Seal("e1", kFirst, 0);
  const std::string cid2 = Seal("e2", kSecond, 1);
  for (const auto& [cid, json] : {std::pair{cid1, kFirst}, std::pair{cid2, kSecond}}) {
    CliRun plain = Ddc("open" + Keys("alice.keys") + Dir() + " " + cid);
    ASSERT_EQ(plain.code, 0) << plain.err;
    EXPECT_EQ(Json::parse(plain.out), Json::parse(json));
    const Json opened = OpenJson("alice.keys", cid);
    EXPECT_EQ(opened.at("data"), Json::parse(json));
    EXPECT_EQ(opened.at("cid"), cid);
    EXPECT_EQ(opened.at("user"), alice);
    EXPECT_EQ(opened.at("bucket"), 7);
    EXPECT_EQ(opened.at("signature"), "trusted");  // Read from the store, which verified it.
    EXPECT_EQ(Outcomes(opened),
              (std::map<std::string, std::string>{
                  {"core", "opened"}, {"meta", "opened"}, {"profile", "opened"}}));
  }
  // The bytes in the store are the policy's: core and profile sealed under version 1, meta clear.
  CliRun raw = Ddc("event get" + Dir() + " " + cid2);
  ASSERT_EQ(raw.code, 0) << raw.err;
  const std::string event2_bytes = raw.out;
  auto event2 = DecodeAndVerifyEvent(AsBytes(event2_bytes));
  ASSERT_TRUE(event2.ok()) << event2.status().ToString();
  EXPECT_EQ(event2->id, "e2");
  ASSERT_EQ(event2->scopes.size(), 3u);
  EXPECT_TRUE(event2->scopes[0].sealed);   // core
  EXPECT_FALSE(event2->scopes[1].sealed);  // meta
  EXPECT_TRUE(event2->scopes[2].sealed);   // profile
  EXPECT_EQ(event2->scopes[2].key_version, 1u);
  EXPECT_FALSE(Contains(event2_bytes, "alice@example.com"));
  ASSERT_TRUE(event2->prev.has_value());
  EXPECT_EQ(event2->prev->ToString(), cid1);  // Appended after the timeline's last event.
  // The same event from a file: the signature is then checked here.
  Spit(tmp_.Sub("e2.event"), event2_bytes);
  CliRun from_file = Ddc("open" + Keys("alice.keys") + " " + tmp_.Sub("e2.event") + " --json");
  ASSERT_EQ(from_file.code, 0) << from_file.err;
  EXPECT_EQ(Json::parse(from_file.out).at("signature"), "verified");

  // Share the profile scope with the partner, who accepts it into their own keystore.
  const std::string grant =
      Trim(Ok("grant" + Keys("alice.keys") + Dir() + " --granter alice --to " + partner +
              " --bucket 7 --user " + alice + " --scope profile"));
  const std::string listed = Ok("grants" + Dir() + " --grantee " + partner);
  EXPECT_EQ(listed.rfind(grant + "\t7\t" + alice + "\tprofile\t1\t" + partner + "\t" + alice, 0),
            0u)
      << listed;
  EXPECT_EQ(Ok("grants" + Dir() + " --bucket 7 --scope profile"), listed);
  EXPECT_EQ(Ok("grants" + Dir() + " --bucket 7 --scope core"), "");
  const std::string scope_key_name = "scope/7/" + alice + "/profile/1";
  EXPECT_EQ(Trim(Ok("grants" + Dir() + " --accept --box partner" + Keys("partner.keys"))),
            "accepted " + grant + " as " + scope_key_name);
  EXPECT_EQ(Secret("partner.keys", scope_key_name).size(), 32u);
  for (const auto& [cid, json] : {std::pair{cid1, kFirst}, std::pair{cid2, kSecond}}) {
    const Json shared = OpenJson("partner.keys", cid);
    EXPECT_EQ(Outcomes(shared),
              (std::map<std::string, std::string>{
                  {"core", "no_key"}, {"meta", "opened"}, {"profile", "opened"}}));
    EXPECT_EQ(shared.at("data"), Only(Json::parse(json), {"user", "meta"}));
  }

  // Rotate: the next event is sealed under version 2, old events still open for Alice, and
  // the partner's version-1 key does not open version 2.
  EXPECT_EQ(Trim(Ok("keygen" + Keys("alice.keys") + " --master --bucket 7 --user " + alice +
                    " --rotate")),
            master_name + " version 2");
  const std::string cid3 = Seal("e3", kThird, 2);
  const Json third = OpenJson("alice.keys", cid3);
  EXPECT_EQ(third.at("data"), Json::parse(kThird));
  for (const Json& s : third.at("scopes")) {
    EXPECT_EQ(s.at("kv"), s.at("public").get<bool>() ? 0 : 2) << s;
  }
  EXPECT_EQ(OpenJson("alice.keys", cid1).at("data"), Json::parse(kFirst));
  const Json third_shared = OpenJson("partner.keys", cid3);
  EXPECT_EQ(Outcomes(third_shared).at("profile"), "no_key");
  EXPECT_EQ(third_shared.at("data"), Only(Json::parse(kThird), {"meta"}));
  const std::string master_v2 = Secret("alice.keys", master_name);
  EXPECT_EQ(master_v2.substr(0, 32), master_v1.substr(0, 32));  // Same key, next version.
  EXPECT_EQ(master_v2.substr(32), std::string("\x02\x00\x00\x00", 4));

  // Erase Alice's timeline, remembering what must be gone.
  ASSERT_EQ(Ddc("export car" + Dir() + " --user " + alice + " -o " + tmp_.Sub("before.car")).code,
            0);
  const std::string car_before = Slurp(tmp_.Sub("before.car"));
  std::vector<std::string> cid_bytes;
  for (const std::string& cid : {cid1, cid2, cid3}) {
    cid_bytes.push_back(AsString(Cid::Parse(cid)->ToBytes()));
    EXPECT_TRUE(Contains(car_before, cid_bytes.back())) << cid;
  }
  EXPECT_TRUE(Contains(car_before, event2_bytes));
  const std::string keystore_before = Slurp(tmp_.Sub("alice.keys"));
  CliRun erased = Ddc("erase" + Keys("alice.keys") + Dir() + " --signer alice --bucket 7 --user " +
                      alice + " --reason 'user asked'");
  ASSERT_EQ(erased.code, 0) << erased.err;
  EXPECT_TRUE(Contains(erased.out, "events erased: 3\n")) << erased.out;
  EXPECT_TRUE(Contains(erased.out, "grants destroyed: 1\n")) << erased.out;
  EXPECT_TRUE(Contains(erased.out, "keys shredded: 1\n")) << erased.out;

  // No path shows the data any more.
  for (const std::string& cid : {cid1, cid2, cid3}) {
    std::string erased_by = cid;
    erased_by += " was erased by ";
    erased_by += alice;
    for (const char* keys : {"alice.keys", "partner.keys"}) {
      for (const std::string& args :
           {"open" + Keys(keys) + Dir() + " " + cid,
            "open" + Keys(keys) + Dir() + " " + cid + " --json", "event get" + Dir() + " " + cid,
            "event get" + Dir() + " " + cid + " --json"}) {
        CliRun r = Ddc(args);
        EXPECT_EQ(r.code, 1) << args;
        EXPECT_EQ(r.out, "") << args;
        EXPECT_TRUE(Contains(r.err, erased_by)) << args << "\n" << r.err;
        EXPECT_FALSE(Contains(r.err, "alice@example.com")) << r.err;
      }
    }
  }
  CliRun exported = Ddc("export car" + Dir() + " --user " + alice + " -o " + tmp_.Sub("after.car"));
  const std::string car_after = Slurp(tmp_.Sub("after.car")) + exported.out;
  // An erased event keeps its link in the timeline object (so the root still checks) but has
  // no block: its CID occurs exactly once.
  for (const std::string& bytes : cid_bytes) EXPECT_EQ(Occurrences(car_after, bytes), 1u);
  EXPECT_FALSE(Contains(car_after, event2_bytes));
  EXPECT_EQ(Ok("grants" + Dir() + " --grantee " + partner), "");
  EXPECT_EQ(Ok("grants" + Dir() + " --bucket 7 --scope profile"), "");

  // The master key left the keystore, and neither it nor its sealed slot is in any file.
  CliRun rotate =
      Ddc("keygen" + Keys("alice.keys") + " --master --bucket 7 --user " + alice + " --rotate");
  EXPECT_EQ(rotate.code, 1);
  EXPECT_TRUE(Contains(rotate.err, "no key named \"" + master_name + "\"")) << rotate.err;
  {
    auto ks = KeyStore::Open(tmp_.Sub("alice.keys"), kPassphrase);
    ASSERT_TRUE(ks.ok()) << ks.status().ToString();
    EXPECT_TRUE((*ks)->Get(master_name).status().IsNotFound());
    EXPECT_TRUE((*ks)->Get("sign/alice").ok());  // Only the master keys were shredded.
  }
  const std::string keystore_after = Slurp(tmp_.Sub("alice.keys"));
  ASSERT_EQ(keystore_after.size(), keystore_before.size());
  constexpr size_t kSlot = 256;  // docs/FORMAT.md, "Keystore file, version 1".
  const std::string zeros(kSlot, '\0');
  size_t shredded_slots = 0;
  for (size_t at = kSlot; at + kSlot <= keystore_before.size(); at += kSlot) {
    const std::string old_slot = keystore_before.substr(at, kSlot);
    if (old_slot == zeros || keystore_after.substr(at, kSlot) != zeros) continue;
    ++shredded_slots;
    EXPECT_EQ(FilesContaining(tmp_.path(), old_slot.substr(24, 216)), std::vector<std::string>{})
        << "slot at " << at;
  }
  EXPECT_EQ(shredded_slots, 1u);
  EXPECT_EQ(FilesContaining(tmp_.path(), master_v1.substr(0, 32)), std::vector<std::string>{});
}

TEST_F(CliCryptoTest, KeystorePassphraseLocationAndMode) {
  const std::string pub = Trim(Ok("keygen" + Keys("k.keys") + " --sign me"));
  const std::string before = Slurp(tmp_.Sub("k.keys"));
  ASSERT_FALSE(before.empty());
  struct stat st {};
  ASSERT_EQ(::stat(tmp_.Sub("k.keys").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // A wrong passphrase: the keystore's message, exit 1, the file untouched, for reading and
  // for writing commands alike.
  for (const std::string& args :
       {"keygen" + Keys("k.keys") + " --sign other", "keygen" + Keys("k.keys") + " --box b",
        "open" + Keys("k.keys") + " " + tmp_.Sub("nothing")}) {
    CliRun wrong = Run("DDC_PASSPHRASE=wrong", args);
    EXPECT_EQ(wrong.code, 1) << args;
    EXPECT_EQ(wrong.out, "");
    EXPECT_EQ(wrong.err, "ddc: keystore " + tmp_.Sub("k.keys") + ": wrong passphrase\n");
    EXPECT_EQ(Slurp(tmp_.Sub("k.keys")), before);
  }
  // No passphrase at all: say how to give one, and create nothing.
  CliRun none = Run("", "keygen" + Keys("new.keys") + " --sign me");
  EXPECT_EQ(none.code, 1);
  EXPECT_TRUE(Contains(none.err, "DDC_PASSPHRASE")) << none.err;
  EXPECT_TRUE(Contains(none.err, "--passphrase-file")) << none.err;
  EXPECT_FALSE(std::filesystem::exists(tmp_.Sub("new.keys")));
  // --passphrase-file: its first line, and it wins over the environment.
  const std::string file = Write("pass.txt", std::string(kPassphrase) + "\nignored\n");
  CliRun from_file = Run("DDC_PASSPHRASE=wrong", "keygen" + Keys("k.keys") + " --passphrase-file " +
                                                     file + " --master --bucket 3");
  EXPECT_EQ(from_file.code, 0) << from_file.err;
  EXPECT_EQ(Trim(from_file.out), "master/3 version 1");
  // A keystore that is not there is not created by commands other than keygen.
  CliRun missing = Ddc("open" + Keys("absent.keys") + " " + tmp_.Sub("nothing"));
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(Contains(missing.err, "ddc keygen")) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(tmp_.Sub("absent.keys")));

  // The default location: $DDC_KEYSTORE, else <data dir>/keys.
  const std::string env = std::string("DDC_PASSPHRASE='") + kPassphrase + "' ";
  CliRun by_env = Run(env + "DDC_KEYSTORE=" + tmp_.Sub("k.keys"), "keygen --box by-env");
  EXPECT_EQ(by_env.code, 0) << by_env.err;
  EXPECT_EQ(Secret("k.keys", "box/by-env").size(), 32u);
  CliRun by_dir = Run(env + "DDC_DATA_DIR=" + tmp_.Sub("home"), "keygen --sign me");
  EXPECT_EQ(by_dir.code, 0) << by_dir.err;
  EXPECT_NE(Trim(by_dir.out), pub);
  EXPECT_EQ(Secret("home/keys", "sign/me").size(), 32u);
}

TEST_F(CliCryptoTest, ErasingOneEventKeepsTheRestOfTheTimeline) {
  const std::string alice = Trim(Ok("keygen" + Keys("alice.keys") + " --sign alice"));
  Ok("keygen" + Keys("alice.keys") + " --master --bucket 7 --user " + alice);
  const std::string cid1 = Seal("e1", kFirst, 0);
  const std::string cid2 = Seal("e2", kSecond, 1);
  const std::string cid3 = Seal("e3", kThird, 2);
  CliRun erased = Ddc("erase" + Keys("alice.keys") + Dir() + " --signer alice --bucket 7 --user " +
                      alice + " --event " + cid2);
  ASSERT_EQ(erased.code, 0) << erased.err;
  EXPECT_TRUE(Contains(erased.out, "events erased: 1\n")) << erased.out;
  EXPECT_TRUE(Contains(erased.out, "keys shredded: 0\n")) << erased.out;
  CliRun gone = Ddc("open" + Keys("alice.keys") + Dir() + " " + cid2);
  EXPECT_EQ(gone.code, 1);
  EXPECT_EQ(gone.out, "");
  EXPECT_TRUE(Contains(gone.err, "erased")) << gone.err;
  EXPECT_EQ(OpenJson("alice.keys", cid3).at("data"), Json::parse(kThird));  // Keys kept.

  CliRun exported = Ddc("export car" + Dir() + " --user " + alice + " -o " + tmp_.Sub("t.car"));
  EXPECT_EQ(exported.code, 0) << exported.err;
  const std::string car = Slurp(tmp_.Sub("t.car"));
  EXPECT_TRUE(Contains(car, AsString(Cid::Parse(cid1)->ToBytes())));
  // The erased event is linked from the timeline object and from event 3's `prev`, but has no
  // block of its own; event 3 has its link and its block.
  EXPECT_EQ(Occurrences(car, AsString(Cid::Parse(cid2)->ToBytes())), 2u);
  EXPECT_EQ(Occurrences(car, AsString(Cid::Parse(cid3)->ToBytes())), 2u);
}

// A v0 record as the 2021 software would have sent it, signed with the vector's key.
Json V0Record(const compat::V0Event& v0) {
  const std::string secret = Unhex(kV0SecretKey);
  std::array<uint8_t, 64> signature{};
  const std::string message = compat::V0SignedMessage(v0);
  crypto_sign_detached(signature.data(), nullptr, AsBytes(message).data(), message.size(),
                       AsBytes(secret).data());
  return Json{{"id", v0.id},
              {"timestamp", v0.timestamp},
              {"appPubKey", v0.app_pub_key},
              {"userPubKey", v0.user_pub_key},
              {"data", v0.data},
              {"signature", HexOf(signature)},
              {"publicKey", HexOf(AsBytes(secret).subspan(32))}};
}

TEST_F(CliCryptoTest, ImportV0ChecksTheOldSignatureAndKeepsTheRecord) {
  const std::string bob = Trim(Ok("keygen" + Keys("bob.keys") + " --sign bob"));
  Ok("keygen" + Keys("bob.keys") + " --master --bucket 9 --user " + bob);
  const std::string policy = " --policy " + Write("policy.json", kPolicy);
  const std::string import = "import v0" + Keys("bob.keys") + policy + " --user bob --bucket 9 ";

  // The vector itself, exactly as published (upper-case hex), with its data taken as text.
  const Json vector = {{"id", "someId"},
                       {"timestamp", "someTimestamp"},
                       {"appPubKey", kV0AppPubKey},
                       {"userPubKey", "userPubKey"},
                       {"data", "piece data"},
                       {"signature", kV0Signature},
                       {"publicKey", std::string(kV0SecretKey).substr(64)}};
  CliRun imported = Ddc(import + "--plain" + Dir() + " " + Write("v0.json", vector.dump()));
  ASSERT_EQ(imported.code, 0) << imported.err;
  const std::string cid = Trim(imported.out).substr(0, Trim(imported.out).find(' '));
  const Json opened = OpenJson("bob.keys", cid);
  EXPECT_EQ(opened.at("id"), "someId");
  EXPECT_EQ(opened.at("type"), "v0");
  EXPECT_EQ(opened.at("user"), bob);
  EXPECT_GT(opened.at("time_ms").get<uint64_t>(), 1600000000000u);  // "someTimestamp": now.
  EXPECT_EQ(opened.at("data"), (Json{{"data", "piece data"}, {"v0", vector}}));
  // The kept record still verifies as the 2021 software signed it.
  const Json& kept = opened.at("data").at("v0");
  const compat::V0Event v0{
      kept.at("id").get<std::string>(), kept.at("timestamp").get<std::string>(),
      kept.at("appPubKey").get<std::string>(), kept.at("userPubKey").get<std::string>(),
      kept.at("data").get<std::string>()};
  const std::string signature = Unhex(kept.at("signature").get<std::string>());
  const std::string public_key = Unhex(kept.at("publicKey").get<std::string>());
  EXPECT_TRUE(
      compat::VerifyV0Signature(v0, std::span<const uint8_t, 32>(AsBytes(public_key).first<32>()),
                                std::span<const uint8_t, 64>(AsBytes(signature).first<64>()))
          .ok());
  // Plain data stays sealed: the record's scope is not public.
  auto stored = DecodeEvent(AsBytes(Ok("event get" + Dir() + " " + cid)));
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  for (const Scope& s : stored->scopes) EXPECT_TRUE(s.sealed) << s.name;

  // Any changed field, or the wrong signer, is refused and nothing is stored.
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, std::string>>{{"data", "piece datA"},
                                                        {"id", "someId2"},
                                                        {"timestamp", "someTimestamp1"},
                                                        {"userPubKey", "userPubKeY"},
                                                        {"publicKey", std::string(64, 'A')}}) {
    Json tampered = vector;
    tampered[field] = value;
    CliRun refused = Ddc(import + "--plain" + Dir() + " " + Write("bad.json", tampered.dump()));
    EXPECT_EQ(refused.code, 1) << field;
    EXPECT_TRUE(Contains(refused.err, "refusing to import")) << field << ": " << refused.err;
  }
  const std::string timeline = Ok("timeline" + Dir() + " --user " + bob);
  EXPECT_EQ(std::count(timeline.begin(), timeline.end(), '\n'), 2) << timeline;  // # + 1 event.

  // Scheme B (fixed nonce) data, from the vector: "$" under "super-secret" seals "raw data".
  const Json scheme_b = V0Record({"b-1", "1600000000123", kV0AppPubKey, "u",
                                  "38F106C87D8C6C259EC39ABFB65B6F79EBD5C0C1F3D1689B"});
  CliRun b = Ddc(import + "--scheme-b-master super-secret --path '$' -o " + tmp_.Sub("b.event") +
                 " " + Write("b.json", scheme_b.dump()));
  ASSERT_EQ(b.code, 0) << b.err;
  const Json opened_b =
      Json::parse(Ok("open" + Keys("bob.keys") + " " + tmp_.Sub("b.event") + " --json"));
  EXPECT_EQ(opened_b.at("data"), (Json{{"data", "raw data"}, {"v0", scheme_b}}));
  EXPECT_EQ(opened_b.at("time_ms"), 1600000000123u);  // A decimal timestamp is kept.
  EXPECT_EQ(opened_b.at("signature"), "verified");
  CliRun wrong_b = Ddc(import + "--scheme-b-master not-secret --path '$' -o " +
                       tmp_.Sub("x.event") + " " + tmp_.Sub("b.json"));
  EXPECT_EQ(wrong_b.code, 1);
  EXPECT_TRUE(Contains(wrong_b.err, "scheme B")) << wrong_b.err;

  // Scheme A (random nonce) data holding a JSON object: it becomes the event's data, and the
  // record's scope is public.
  MasterKey old_master{};
  old_master[0] = 42;
  const ScopeKey key_a = compat::SchemeAKey(old_master, "__uncategorized");
  const std::string plain_a = R"({"user":{"name":"Bob"},"clicks":7})";
  std::string sealed_a(compat::kSchemeANonceBytes + plain_a.size() + compat::kTagBytes, '\0');
  randombytes_buf(sealed_a.data(), compat::kSchemeANonceBytes);
  auto* out = reinterpret_cast<uint8_t*>(sealed_a.data());
  crypto_aead_xchacha20poly1305_ietf_encrypt(out + compat::kSchemeANonceBytes, nullptr,
                                             AsBytes(plain_a).data(), plain_a.size(), nullptr, 0,
                                             nullptr, out, key_a.data());
  const Json scheme_a =
      V0Record({"a-1", "1600000000999", kV0AppPubKey, "u", HexOf(AsBytes(sealed_a))});
  CliRun a =
      Ddc(import + "--scheme-a-master " + HexOf(old_master) + " --scope __uncategorized -o " +
          tmp_.Sub("a.event") + " " + Write("a.json", scheme_a.dump()));
  ASSERT_EQ(a.code, 0) << a.err;
  const Json opened_a =
      Json::parse(Ok("open" + Keys("bob.keys") + " " + tmp_.Sub("a.event") + " --json"));
  Json expected_a = Json::parse(plain_a);
  expected_a["v0"] = scheme_a;
  EXPECT_EQ(opened_a.at("data"), expected_a);
  EXPECT_EQ(Outcomes(opened_a), (std::map<std::string, std::string>{
                                    {"core", "opened"}, {"profile", "opened"}, {"v0", "opened"}}));
  for (const Json& s : opened_a.at("scopes")) EXPECT_EQ(s.at("public"), s.at("name") == "v0");
}

TEST_F(CliCryptoTest, BadUsageExitsTwo) {
  for (const std::string& args : {
           std::string("keygen"),
           std::string("keygen --sign a --box b"),
           std::string("keygen --master"),
           std::string("keygen --sign a --rotate"),
           std::string("keygen --bucket 1 --sign a"),
           std::string("seal --policy p --user u --bucket 1 --id i"),
           std::string("seal --policy p --user u --bucket 1 --id i --type t --dir d -o f"),
           std::string("open"),
           std::string("open a b"),
           std::string("grant --dir d --granter g --to t --bucket 1"),
           std::string("grants --dir d"),
           std::string("grants --dir d --grantee g --bucket 1 --scope s"),
           std::string("grants --dir d --accept"),
           std::string("erase --dir d --signer s --bucket 1"),
           std::string("import v1 --policy p --user u --bucket 1 --plain f"),
           std::string("import v0 --policy p --user u --bucket 1 f"),
           std::string("import v0 --policy p --user u --bucket 1 --plain --scheme-b-master m "
                       "--path $ f"),
           std::string("import v0 --policy p --user u --bucket 1 --scheme-a-master m f"),
       }) {
    CliRun r = Ddc(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, "usage: ddc ")) << args << "\n" << r.err;
  }
  const std::string help = Ok("help");
  for (const char* command : {"keygen", "seal", "open", "grant", "grants", "erase", "import v0"}) {
    EXPECT_TRUE(Contains(help, std::string("  ") + command)) << command;
  }
  EXPECT_TRUE(Contains(help, "DDC_KEYSTORE_FAST=1")) << help;
}

}  // namespace
}  // namespace ddc
