// The ddc CLI's client mode (--node URL) against a real ddc-node on a free loopback port.
//
// What it proves: (1) every command with a remote form prints what the same command prints
// against a local data dir holding the same events, byte for byte where the two stores agree
// (event bytes and JSON, timelines across several pages, users, CAR files, batch appends), and
// in kind where they cannot (checkpoint times, proofs: each verifies under its own node key);
// (2) failures say what happened: the node's JSON errors as "ddc: <message> (HTTP <status>
// <code>)", connection refused, a node that never answers (a listening socket nobody accepts
// on, with a short --timeout-ms: the deadline is the feature under test, not a sleep), https
// and malformed URLs, and commands that only work on a data dir; (3) tokens round-trip through
// issue, delegate and show, and are checked with the library (ParseAuthToken, VerifyAuthToken),
// with widening refused before anything is sent; (4) against a node with access control, writes
// and private reads fail with 401 without credentials and succeed for the bucket's owner (--as)
// and for a token's holder within the token's operations; (5) the keystore commands build and
// sign locally and go through the node: seal (prev from the node's head), open, grant, grants
// (--accept too) and erase.
//
// Events are made in-process with the library and handed to the CLI as files, so the CLI's
// output can be checked against what the library computes (EventCid).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ddc/auth.h"
#include "ddc/cid.h"
#include "ddc/event.h"
#include "tests/store/cli_test_util.h"
#include "tests/store/node_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::CliRun;
using test::Slurp;
using test::Spit;
using test::Trim;
using Json = nlohmann::json;

constexpr char kPassphrase[] = "remote test passphrase";

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
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

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A node error as the CLI prints it: one line "ddc: <message> (HTTP <status> <code>)".
void ExpectNodeError(const CliRun& r, int status, const std::string& code) {
  EXPECT_EQ(r.code, 1) << r.err;
  const std::vector<std::string> lines = Lines(r.err);
  ASSERT_FALSE(lines.empty());
  const std::string& last = lines.back();
  EXPECT_EQ(last.rfind("ddc: ", 0), 0u) << r.err;
  const std::string suffix = " (HTTP " + std::to_string(status) + " " + code + ")";
  EXPECT_TRUE(last.ends_with(suffix)) << r.err << "\nwant the suffix" << suffix;
}

// A signed event of `key`'s user.
std::string MakeEvent(const KeyPair& key, uint64_t bucket, const std::string& id, uint64_t time_ms,
                      bool break_signature = false) {
  Event e;
  e.bucket = bucket;
  e.user = key.public_key;
  e.id = id;
  e.timestamp_ms = time_ms;
  e.type = "view\tpage";  // A tab: the text form must escape it the same way in both modes.
  e.scopes.push_back({.name = "meta", .sealed = false, .data = "{\"n\":\"" + id + "\"}"});
  EXPECT_TRUE(SignEvent(&e, key).ok());
  if (break_signature) e.signature[0] ^= 1;
  Result<std::string> bytes = EncodeEvent(e);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : "";
}

class CliRemoteTest : public ::testing::Test {
 protected:
  // A node without access control (the parity tests), or with it.
  void StartNode(bool auth) {
    node_ = std::make_unique<test::Node>(tmp_.Sub("node"), std::string("{\"auth\":{\"enabled\":") +
                                                               (auth ? "true" : "false") + "}}");
    ASSERT_NE(node_->port(), 0) << node_->log();
    url_ = "http://127.0.0.1:" + std::to_string(node_->port());
  }

  // Runs the CLI with a clean environment (no DDC_NODE, DDC_TOKEN or keystore settings of the
  // test runner) plus `env`.
  CliRun Run(const std::string& env, const std::string& args) {
    const std::string out = tmp_.Sub("out"), err = tmp_.Sub("err");
    const std::string cmd =
        "env -u DDC_NODE -u DDC_TOKEN -u DDC_KEYSTORE -u DDC_PASSPHRASE DDC_KEYSTORE_FAST=1 "
        "DDC_PASSPHRASE='" +
        std::string(kPassphrase) + "' DDC_KEYSTORE=" + tmp_.Sub("keys") + " " + env + " " +
        std::string(DDC_CLI) + " " + args + " </dev/null >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }
  CliRun Ddc(const std::string& args) { return Run("", args); }
  // The command must succeed; its standard output.
  std::string Ok(const std::string& args) {
    CliRun r = Ddc(args);
    EXPECT_EQ(r.code, 0) << args << "\n" << r.err;
    return r.out;
  }
  // The same command against the local dir and against the node: both must succeed.
  std::pair<std::string, std::string> Both(const std::string& args) {
    return {Ok(args + Local()), Ok(args + Remote())};
  }

  std::string Local() const { return " --dir " + tmp_.Sub("local"); }
  std::string Remote() const { return " --node " + url_; }
  std::string File(const std::string& name, const std::string& bytes) {
    Spit(tmp_.Sub(name), bytes);
    return tmp_.Sub(name);
  }

  test::TempDir tmp_;
  std::unique_ptr<test::Node> node_;
  std::string url_;
};

TEST_F(CliRemoteTest, EveryRemoteCommandPrintsWhatTheLocalOnePrints) {
  StartNode(/*auth=*/false);
  const KeyPair alice = KeyPair::Generate();
  const std::string user = HexOf(alice.public_key);

  // event put, one file: the same CID, position and journal index.
  const std::string first = File("e0", MakeEvent(alice, 7, "e0", 1000));
  auto [local_put, remote_put] = Both(" event put " + first);
  EXPECT_EQ(remote_put, local_put);
  EXPECT_EQ(Trim(remote_put), EventCid(AsBytes(Slurp(first))).ToString() + " position 0 journal 0");
  // Again: already stored, in both.
  std::tie(local_put, remote_put) = Both(" event put " + first);
  EXPECT_EQ(remote_put, local_put);
  EXPECT_TRUE(Contains(remote_put, "(already stored)")) << remote_put;

  // event put, several files: one batch, the lines in file order.
  std::string files;
  for (int i = 1; i <= 4; ++i) {
    files +=
        " " + File("e" + std::to_string(i), MakeEvent(alice, 7, "e" + std::to_string(i), 1000 + i));
  }
  std::tie(local_put, remote_put) = Both(" event put" + files);
  EXPECT_EQ(remote_put, local_put);
  EXPECT_EQ(Lines(remote_put).size(), 4u);

  const std::string cid = EventCid(AsBytes(Slurp(first))).ToString();
  for (const std::string& args :
       {" event get " + cid + " --json", " timeline --user " + user + " --bucket 7",
        " timeline --user " + user, " timeline --user " + user + " --json",
        " timeline --user " + user + " --bucket 7 --from 2 --limit 2",
        std::string(" users --bucket 7")}) {
    const auto [local, remote] = Both(args);
    EXPECT_EQ(remote, local) << args;
    EXPECT_FALSE(remote.empty()) << args;
  }
  // The event's bytes.
  EXPECT_EQ(Ok("event get " + cid + Remote()), Slurp(first));

  // Blobs: the same CID; the bytes come back.
  const std::string blob = File("blob", std::string("blob \0 bytes\n", 13));
  const auto [local_blob, remote_blob] = Both(" blob put " + blob);
  EXPECT_EQ(remote_blob, local_blob);
  EXPECT_EQ(Ok("blob get " + Trim(remote_blob) + Remote()), Slurp(blob));

  // stats: the node reports the counts of /health, in the local format.
  const auto [local_stats, remote_stats] = Both(" stats");
  EXPECT_EQ(Lines(remote_stats)[0], Lines(local_stats)[0]);  // "records: N"
  EXPECT_EQ(Lines(remote_stats)[1], "events:             5");
  const Json stats = Json::parse(Ok("stats --json" + Remote()));
  EXPECT_EQ(stats["events"], 5);

  // CAR export: the same file.
  Ok("export car --user " + user + " -o " + tmp_.Sub("local.car") + Local());
  Ok("export car --user " + user + " -o " + tmp_.Sub("remote.car") + Remote());
  EXPECT_EQ(Slurp(tmp_.Sub("remote.car")), Slurp(tmp_.Sub("local.car")));
  EXPECT_FALSE(Slurp(tmp_.Sub("remote.car")).empty());

  // Checkpoints and proofs differ in time and key: each must verify under its own node key.
  for (const std::string& where : {Local(), Remote()}) {
    const std::string note = Ok("checkpoint" + where);
    EXPECT_TRUE(Contains(note, "\n5\n")) << note;  // The journal's size line.
    const std::vector<std::string> listed = Lines(Ok("checkpoint --list" + where));
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].substr(0, 2), "5\t");
    const std::string proof = tmp_.Sub("proof");
    Ok("prove " + cid + " -o " + proof + where);
    File("node.key", Ok("node-key" + where));
    const std::string verified =
        Ok("verify-proof --key-file " + tmp_.Sub("node.key") + " " + proof);
    EXPECT_TRUE(Contains(verified, "ok: event " + cid)) << verified;
  }
}

TEST_F(CliRemoteTest, ATimelineLongerThanOnePageIsPagedAndABatchPutIsOneRequest) {
  StartNode(/*auth=*/false);
  const KeyPair bob = KeyPair::Generate();
  // 1203 events: two full pages of 1000 requests and a partial one... and one batch request.
  constexpr int kEvents = 1203;
  std::string files;
  for (int i = 0; i < kEvents; ++i) {
    files += " " + File("b" + std::to_string(i), MakeEvent(bob, 9, "b" + std::to_string(i), i));
  }
  const auto [local_put, remote_put] = Both(" event put" + files);
  ASSERT_EQ(remote_put, local_put);
  EXPECT_EQ(Lines(remote_put).size(), static_cast<size_t>(kEvents));
  // One batch: /metrics counts one request of the batch route, none of the single one.
  const std::string metrics = test::Call(node_->port(), "GET", "/metrics").body;
  EXPECT_TRUE(Contains(metrics, "route=\"/v1/buckets/{bucket}/events:batch\",status=\"200\"} 1"))
      << metrics.substr(0, 3000);

  const std::string user = HexOf(bob.public_key);
  const auto [local, remote] = Both(" timeline --user " + user + " --bucket 9");
  EXPECT_EQ(remote, local);
  EXPECT_EQ(Lines(remote).size(), static_cast<size_t>(kEvents) + 1);  // And the header.
  // A window across the first page boundary.
  const auto [local_window, remote_window] =
      Both(" timeline --user " + user + " --bucket 9 --from 998 --limit 5 --json");
  EXPECT_EQ(remote_window, local_window);
  EXPECT_EQ(Lines(remote_window).size(), 5u);
}

TEST_F(CliRemoteTest, ErrorsSayWhatHappened) {
  StartNode(/*auth=*/false);
  const KeyPair carol = KeyPair::Generate();
  const std::string event = MakeEvent(carol, 7, "c0", 1);
  // 404: an event the node does not hold.
  ExpectNodeError(Ddc("event get " + EventCid(AsBytes(event)).ToString() + Remote()), 404,
                  "not_found");
  // 400: an event whose signature does not verify (it decodes, so it is sent).
  ExpectNodeError(Ddc("event put " + File("bad", MakeEvent(carol, 7, "c1", 2, true)) + Remote()),
                  400, "invalid_argument");
  // 409: an id reused with other content.
  Ok("event put " + File("c0", event) + Remote());
  ExpectNodeError(Ddc("event put " + File("c0b", MakeEvent(carol, 7, "c0", 3)) + Remote()), 409,
                  "conflict");
  // In a batch, each event's error is its own line; the others are appended; exit 1.
  const CliRun batch = Ddc("event put " + File("ok", MakeEvent(carol, 7, "c2", 4)) + " " +
                           tmp_.Sub("bad") + Remote());
  EXPECT_EQ(batch.code, 1);
  EXPECT_EQ(Lines(batch.out).size(), 1u) << batch.out;
  EXPECT_TRUE(Contains(batch.err, "ddc: " + tmp_.Sub("bad") + ": ")) << batch.err;
  EXPECT_TRUE(Contains(batch.err, "(HTTP 400 invalid_argument)")) << batch.err;

  // Nothing listening: connection refused, named.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string silent = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  CliRun refused = Ddc("stats --node " + silent);
  EXPECT_EQ(refused.code, 1);
  EXPECT_EQ(refused.err, "ddc: cannot connect to " + silent +
                             ": connection refused (is ddc-node running there?)\n");
  // Listening, never accepting: the kernel completes the connection, nobody answers.
  ASSERT_EQ(listen(fd, 4), 0);
  CliRun silence = Ddc("stats --timeout-ms 200 --node " + silent);
  EXPECT_EQ(silence.code, 1);
  EXPECT_EQ(silence.err, "ddc: timed out after 200 ms waiting for the answer to GET /health from " +
                             silent + "\n");
  close(fd);

  // URLs: https refused with the reason; others name what is wrong.
  CliRun https = Ddc("stats --node https://127.0.0.1:1");
  EXPECT_EQ(https.code, 1);
  EXPECT_TRUE(Contains(https.err, "https is not supported")) << https.err;
  for (const char* bad : {"127.0.0.1:8844", "http://127.0.0.1:8844/v1", "http://:80",
                          "http://127.0.0.1:99999", "ftp://x"}) {
    CliRun r = Ddc(std::string("stats --node ") + bad);
    EXPECT_EQ(r.code, 1) << bad;
    EXPECT_TRUE(Contains(r.err, "node URL '" + std::string(bad) + "'")) << r.err;
  }

  // Commands that need a data dir say so; --node and --dir together are refused.
  for (const std::string command : {"verify", "demo", "import v0 x"}) {
    CliRun r = Ddc(command + Remote());
    EXPECT_EQ(r.code, 1) << command;
    const std::string name = command.substr(0, command.find(' '));
    EXPECT_EQ(r.err, "ddc: " + name + " works on a local data dir only (drop --node and " +
                         "$DDC_NODE, give --dir DIR)\n");
  }
  EXPECT_NE(Ddc("stats" + Remote() + Local()).code, 0);
  CliRun backward = Ddc("timeline --user " + HexOf(carol.public_key) + " --backward" + Remote());
  EXPECT_EQ(backward.code, 1);
  EXPECT_TRUE(Contains(backward.err, "work on a local data dir only")) << backward.err;

  // $DDC_NODE: used when the command line has no --dir, and the global options may stand
  // before the command name.
  EXPECT_EQ(Trim(Run("DDC_NODE=" + url_, "stats --json").out),
            Trim(Ok("--node " + url_ + " stats --json")));
  Ok("blob put " + File("b", "b") + Local());
  const CliRun local = Run("DDC_NODE=http://127.0.0.1:1", "stats" + Local());
  EXPECT_EQ(local.code, 0) << "an explicit --dir must win over $DDC_NODE: " << local.err;
  EXPECT_TRUE(Contains(local.out, "io backend:")) << local.out;
}

TEST_F(CliRemoteTest, SealOpenGrantAndEraseThroughTheNode) {
  StartNode(/*auth=*/false);
  const std::string keys = " --keystore " + tmp_.Sub("alice.keys");
  const std::string alice = Trim(Ok("keygen --sign alice" + keys));
  Ok("keygen --master --bucket 7 --user " + alice + keys);
  const std::string partner = Trim(Ok("keygen --box partner --keystore " + tmp_.Sub("p.keys")));
  const std::string policy =
      File("policy.json", R"({"default":"core","scopes":{"profile":["$.user"]}})");
  const std::string json = R"({"page":"/home","user":{"name":"Alice"}})";
  // seal: built and sealed here, appended there; prev is the node's timeline head.
  std::vector<std::string> cids;
  for (int i = 0; i < 2; ++i) {
    const std::string line =
        Trim(Ok("seal" + keys + " --policy " + policy + " --user alice --bucket 7 --id s" +
                std::to_string(i) + " --type view" + Remote() + " " + File("in.json", json)));
    EXPECT_EQ(line.substr(line.find(' ')), " position " + std::to_string(i)) << line;
    cids.push_back(line.substr(0, line.find(' ')));
  }
  const Json second = Json::parse(Ok("event get " + cids[1] + " --json" + Remote()));
  EXPECT_EQ(second["prev"], cids[0]);
  // open: fetched, its signature checked here, opened with the keystore's keys.
  const Json opened = Json::parse(Ok("open" + keys + " " + cids[0] + " --json" + Remote()));
  EXPECT_EQ(opened["data"], Json::parse(json));
  EXPECT_EQ(opened["signature"], "verified");

  // grant, grants and grants --accept through the node; the partner then opens the scope.
  const std::string grant = Trim(Ok("grant" + keys + " --granter alice --to " + partner +
                                    " --bucket 7 --user " + alice + " --scope profile" + Remote()));
  const std::string listed = Ok("grants --grantee " + partner + Remote());
  EXPECT_EQ(listed.rfind(grant + "\t7\t" + alice + "\tprofile\t1\t" + partner + "\t" + alice, 0),
            0u)
      << listed;
  EXPECT_EQ(Ok("grants --bucket 7 --scope profile" + Remote()), listed);
  EXPECT_TRUE(
      Contains(Ok("grants --accept --box partner --keystore " + tmp_.Sub("p.keys") + Remote()),
               "accepted " + grant))
      << "grants --accept";
  const Json shared = Json::parse(
      Ok("open --keystore " + tmp_.Sub("p.keys") + " " + cids[0] + " --json" + Remote()));
  EXPECT_EQ(shared["data"]["user"]["name"], "Alice");
  // --bucket-owner is for a local store.
  EXPECT_EQ(Ddc("grant" + keys + " --granter alice --to " + partner + " --bucket 7 --scope core" +
                " --bucket-owner " + alice + Remote())
                .code,
            2);

  // erase one event: the node answers 410 for it afterwards.
  const std::string erased = Ok("erase" + keys + " --signer alice --bucket 7 --user " + alice +
                                " --event " + cids[1] + Remote());
  EXPECT_TRUE(Contains(erased, "events erased: 1\n")) << erased;
  ExpectNodeError(Ddc("event get " + cids[1] + Remote()), 410, "erased");
}

TEST_F(CliRemoteTest, TokensIssueDelegateAndShowRoundTrip) {
  const std::string owner = Trim(Ok("keygen --sign owner"));
  const std::string holder = Trim(Ok("keygen --sign holder"));
  const std::string third = Trim(Ok("keygen --sign third"));
  const std::string tok = tmp_.Sub("holder.tok");
  Ok("token issue --as owner --bucket 7 --to " + holder +
     " --ops read,write --expires 2h --delegate -o " + tok);
  const std::string sub = tmp_.Sub("third.tok");
  Ok("token delegate --token " + tok + " --as holder --to " + third + " --ops read -o " + sub);

  // The library reads what the CLI wrote: two links, owner -> holder -> third, narrowed.
  Result<std::vector<AuthLink>> links = ParseAuthToken(Trim(Slurp(sub)));
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  ASSERT_EQ(links->size(), 2u);
  Result<VerifiedAuthToken> chain = VerifyAuthToken(*links);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_EQ(HexOf(chain->root_issuer), owner);
  EXPECT_EQ(HexOf(chain->subject), third);
  EXPECT_EQ(chain->ops, static_cast<uint32_t>(kAuthRead));
  EXPECT_EQ(chain->bucket, 7u);
  EXPECT_TRUE((*links)[0].may_delegate);
  EXPECT_FALSE((*links)[1].may_delegate);
  // Without --expires the delegated link lasts as long as the token it extends.
  EXPECT_EQ((*links)[1].expires_ms, (*links)[0].expires_ms);

  // show: the same facts as JSON, from a file or from $DDC_TOKEN.
  const Json shown = Json::parse(Ok("token show " + sub));
  EXPECT_EQ(shown["valid"], true);
  EXPECT_EQ(shown["root_issuer"], owner);
  EXPECT_EQ(shown["subject"], third);
  EXPECT_EQ(shown["ops"], "read");
  ASSERT_EQ(shown["links"].size(), 2u);
  EXPECT_EQ(shown["links"][0]["subject"], holder);
  EXPECT_EQ(shown["links"][0]["ops"], "read,write");
  EXPECT_EQ(shown["links"][1]["signature"], "valid");
  EXPECT_EQ(Json::parse(Run("DDC_TOKEN=" + Trim(Slurp(sub)), "token show").out), shown);

  // Widening is refused locally, before any node sees it: more operations, a later expiry,
  // delegating a link that may not be, or delegating as someone who is not the subject.
  for (const std::string& args :
       {"token delegate --token " + tok + " --as holder --to " + third + " --ops read,seal",
        "token delegate --token " + tok + " --as holder --to " + third + " --ops read --expires 3h",
        "token delegate --token " + sub + " --as third --to " + holder + " --ops read",
        "token delegate --token " + tok + " --as third --to " + holder + " --ops read"}) {
    CliRun r = Ddc(args);
    EXPECT_EQ(r.code, 1) << args;
    EXPECT_TRUE(Contains(r.err, "ddc: ")) << r.err;
    EXPECT_TRUE(r.out.empty()) << args;
  }
  // Bad options: unknown operation, an expiry in the past, a short key.
  EXPECT_EQ(Ddc("token issue --as owner --bucket 7 --to " + holder + " --ops read,fly").code, 1);
  EXPECT_EQ(Ddc("token issue --as owner --bucket 7 --to " + holder +
                " --ops read --expires 2001-01-01T00:00:00Z")
                .code,
            1);
  EXPECT_EQ(Ddc("token issue --as owner --bucket 7 --to abcd --ops read").code, 1);
  // A damaged token: show fails and says why.
  std::string damaged = Trim(Slurp(tok));
  damaged[damaged.size() / 2] = damaged[damaged.size() / 2] == 'A' ? 'B' : 'A';
  CliRun bad = Ddc("token show " + File("damaged.tok", damaged));
  EXPECT_EQ(bad.code, 1);
  EXPECT_TRUE(Contains(bad.err, "auth")) << bad.err;
}

TEST_F(CliRemoteTest, AccessControlWantsATokenAndTheOwnerOrAHolderGetsIn) {
  StartNode(/*auth=*/true);
  const std::string owner = Trim(Ok("keygen --sign owner"));
  const std::string reader = Trim(Ok("keygen --sign reader"));
  // Registration: signed by the owner's key; show reads it back.
  EXPECT_EQ(Ok("bucket create --as owner --bucket 7" + Remote()), "7\t" + owner + "\tprivate\n");
  EXPECT_EQ(Ok("bucket show --bucket 7" + Remote()), "7\t" + owner + "\tprivate\n");
  EXPECT_EQ(Ok("bucket show --bucket 8" + Remote()), "8\t-\tunregistered\n");
  // Another key may not take the bucket over.
  ExpectNodeError(Ddc("bucket create --as reader --bucket 7 --public" + Remote()), 403,
                  "not_bucket_owner");

  const KeyPair dave = KeyPair::Generate();
  const std::string user = HexOf(dave.public_key);
  const std::string event = File("d0", MakeEvent(dave, 7, "d0", 1));
  // 401 without credentials, for a write and for a private read.
  ExpectNodeError(Ddc("event put " + event + Remote()), 401, "unauthenticated");
  // The owner: --as alone issues a token on the fly.
  EXPECT_EQ(Trim(Ok("event put " + event + " --as owner" + Remote())),
            EventCid(AsBytes(Slurp(event))).ToString() + " position 0 journal 0");
  Ok("event put " + File("d1", MakeEvent(dave, 7, "d1", 2)) + " " +
     File("d2", MakeEvent(dave, 7, "d2", 3)) + " --as owner" + Remote());
  ExpectNodeError(Ddc("users --bucket 7" + Remote()), 401, "unauthenticated");
  const std::string timeline = Ok("timeline --user " + user + " --bucket 7 --as owner" + Remote());
  EXPECT_EQ(Lines(timeline).size(), 4u) << timeline;
  EXPECT_EQ(Trim(Ok("blob put --bucket 7 --as owner " + File("blob", "x") + Remote())),
            Cid::Of(Codec::kRaw, std::string_view("x")).ToString());

  // A holder of a read token reads, and may not write.
  const std::string tok = tmp_.Sub("reader.tok");
  Ok("token issue --as owner --bucket 7 --to " + reader + " --ops read -o " + tok);
  EXPECT_EQ(
      Ok("timeline --user " + user + " --bucket 7 --token " + tok + " --as reader" + Remote()),
      timeline);
  EXPECT_EQ(Ok("users --bucket 7 --as reader" + Remote() + " --token " + tok),
            Ok("users --bucket 7 --as owner" + Remote()));
  ExpectNodeError(Ddc("event put " + File("d3", MakeEvent(dave, 7, "d3", 4)) + " --token " + tok +
                      " --as reader" + Remote()),
                  403, "operation_not_allowed");
  // The token from the environment works the same way.
  EXPECT_EQ(Run("DDC_TOKEN=" + Trim(Slurp(tok)), "users --bucket 7 --as reader" + Remote()).out,
            Ok("users --bucket 7 --as owner" + Remote()));
  // A token used with a key that is not its subject is refused before anything is sent.
  CliRun wrong = Ddc("users --bucket 7 --token " + tok + " --as owner" + Remote());
  EXPECT_EQ(wrong.code, 1);
  EXPECT_TRUE(Contains(wrong.err, "the token is for key " + reader)) << wrong.err;
  // The reader's token is for bucket 7 only.
  Ok("bucket create --as owner --bucket 9 --public" + Remote());
  ExpectNodeError(Ddc("event put " + File("e9", MakeEvent(dave, 9, "e9", 1)) + " --token " + tok +
                      " --as reader" + Remote()),
                  403, "wrong_bucket");
}

// Signed names through the node: made and signed here, checked when read back; the same output
// as against a local dir whose owner is given with --bucket-owner.
TEST_F(CliRemoteTest, NamesAreSetHereAndCheckedWhenRead) {
  StartNode(/*auth=*/true);
  const std::string owner = Trim(Ok("keygen --sign owner"));
  Trim(Ok("keygen --sign stranger"));
  Ok("bucket create --as owner --bucket 7 --public" + Remote());
  const std::string a = Trim(Ok("blob put --as owner --bucket 7 " + File("a", "a") + Remote()));
  const std::string b = Trim(Ok("blob put --as owner --bucket 7 " + File("b", "b") + Remote()));
  const std::string set = "name set --signer owner --bucket 7 --name site/home --ttl 60 --cid ";
  const std::vector<std::string> first = Lines(Ok(set + a + Remote()));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(first[0].ends_with(" seq 1")) << first[0];
  EXPECT_TRUE(Ok(set + b + Remote()).ends_with(" seq 2\n"));
  // Reading needs no credentials in a public bucket; the target is checked to be signed.
  EXPECT_EQ(Ok("name get --bucket 7 --name site/home" + Remote()), b + "\n");
  const Json record = Json::parse(Ok("name get --bucket 7 --name site/home --json" + Remote()));
  EXPECT_EQ(record["seq"], 2);
  EXPECT_EQ(record["signer"], owner);
  const std::vector<std::string> listed = Lines(Ok("names --bucket 7" + Remote()));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0].starts_with("site/home\t" + b + "\t2\t60\t")) << listed[0];
  // The same commands against a local dir print the same lines (the owner passed by hand).
  Ok("blob put " + File("a", "a") + Local());  // Creates the local store.
  Ok(set + a + " --bucket-owner " + owner + Local());
  Ok(set + b + " --bucket-owner " + owner + Local());
  EXPECT_EQ(Ok("name get --bucket 7 --name site/home" + Local()), b + "\n");
  // A key that does not own the bucket is refused by the node; an older seq is a conflict.
  ExpectNodeError(Ddc("name set --signer stranger --bucket 7 --name x --cid " + a + Remote()), 403,
                  "permission_denied");
  ExpectNodeError(Ddc(set + a + " --seq 1" + Remote()), 409, "conflict");
  ExpectNodeError(Ddc("name get --bucket 7 --name nope" + Remote()), 404, "not_found");
  EXPECT_EQ(Ddc(set + a + " --bucket-owner " + owner + Remote()).code, 1);
}

}  // namespace
}  // namespace ddc
