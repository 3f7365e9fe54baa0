// ddc-node on its embedded dev chain: checkpoints anchored on demand and on an interval, the
// anchor proof served over HTTP checked with nothing but chain::VerifyAnchorProof and the keys
// the node publishes, anchors kept across a restart, and --chain off. Waits are bounded polls;
// no assertion depends on a sleep.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ddc/chain.h"
#include "ddc/event.h"
#include "engine/base/hex.h"
#include "engine/timeline/base64.h"
#include "tests/store/cli_test_util.h"
#include "tests/store/event_test_util.h"
#include "tests/store/node_test_util.h"
#include "tests/test_util.h"

namespace ddc::test {
namespace {

std::string FromHex(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  EXPECT_TRUE(ParseHex(hex, std::span(reinterpret_cast<uint8_t*>(out.data()), out.size()))) << hex;
  return out;
}

template <size_t N>
std::array<uint8_t, N> FixedHex(const std::string& hex) {
  std::array<uint8_t, N> out{};
  EXPECT_TRUE(ParseHex(hex, out)) << hex;
  return out;
}

chain::AnchorProof ProofOf(const Json& p) {
  chain::AnchorProof proof;
  proof.header = FromHex(p["header"]);
  proof.count = p["count"];
  proof.extrinsic = FromHex(p["extrinsic"]);
  proof.index = p["index"];
  for (const auto& h : p["path"]) proof.path.push_back(FixedHex<32>(h));
  proof.time_extrinsic = FromHex(p["time_extrinsic"]);
  for (const auto& h : p["time_path"]) proof.time_path.push_back(FixedHex<32>(h));
  return proof;
}

// The ed25519 key in a signed-note verifier key "name+keyid+base64(0x01 || key)".
PublicKey KeyOfVerifier(const std::string& vkey) {
  // The name holds no '+' and the key id is 8 hex digits; the base64 may hold '+'.
  const size_t name_end = vkey.find('+');
  const std::string b64 = vkey.substr(vkey.find('+', name_end + 1) + 1);
  auto bytes = timeline::Base64Decode(b64);
  EXPECT_TRUE(bytes.ok());
  PublicKey key{};
  if (bytes.ok() && bytes->size() == 33) std::copy(bytes->begin() + 1, bytes->end(), key.begin());
  return key;
}

class NodeChainTest : public ::testing::Test {
 protected:
  // The `ddc` CLI with `args`: exit code, standard output and error.
  CliRun Cli(const std::string& args) {
    const std::string out = dir_.Sub("cli.out"), err = dir_.Sub("cli.err");
    const std::string cmd = "env -u DDC_NODE -u DDC_TOKEN " + std::string(DDC_CLI) + " " + args +
                            " </dev/null >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    return CliRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
  }

  void StartNode(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--auth", "off"};
    args.insert(args.end(), extra.begin(), extra.end());
    node_ = std::make_unique<Node>(dir_.Sub("data"), "", args);
    ASSERT_NE(node_->port(), 0) << "no listening line; log:\n" << node_->log();
    port_ = node_->port();
  }

  void AppendOne(const std::string& id) {
    const std::string bytes = SignAndEncode(MakeEvent(rng_, 7, alice_, id, 1000), alice_);
    ASSERT_EQ(PostEvent(port_, 7, bytes).status, 201);
  }

  TempDir dir_;
  std::mt19937_64 rng_{TestSeed()};
  std::unique_ptr<Node> node_;
  uint16_t port_ = 0;
  KeyPair alice_ = UserKey(1);
};

TEST_F(NodeChainTest, AnchorsOnDemandWithAProofAnyoneCanCheck) {
  StartNode();
  HttpResponse r = Call(port_, "POST", "/v1/anchors");
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "no_checkpoint");

  AppendOne("e1");
  r = Call(port_, "POST", "/v1/checkpoints");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string note = r.json()["note"];
  ASSERT_EQ(r.json()["size"], 1);
  EXPECT_EQ(Call(port_, "GET", "/v1/checkpoints/1/anchor").json()["error"]["code"], "not_anchored");

  r = Call(port_, "POST", "/v1/anchors");
  ASSERT_EQ(r.status, 201) << r.body;
  const Json anchored = r.json();
  EXPECT_EQ(anchored["checkpoint"]["note"], note);
  r = Call(port_, "POST", "/v1/anchors");  // Already anchored: the same anchor, not a new one.
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["anchor"], anchored["anchor"]);

  const Json chain_info = Call(port_, "GET", "/v1/chain").json();
  EXPECT_EQ(chain_info["name"], "ddc-dev");
  EXPECT_EQ(chain_info["anchors"], 1);
  EXPECT_GE(chain_info["best"]["number"].get<uint64_t>(),
            anchored["anchor"]["block"]["number"].get<uint64_t>());
  // The anchor is signed by the key that signs the checkpoints.
  const std::string verifier = Call(port_, "GET", "/v1/checkpoints").json()["verifier_key"];
  const PublicKey node_key = KeyOfVerifier(verifier);
  EXPECT_EQ(Hex(node_key), chain_info["node_account"]["key"]);
  EXPECT_EQ(anchored["anchor"]["submitter"], Hex(node_key));

  r = Call(port_, "GET", "/v1/checkpoints/1/anchor");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json a = r.json();
  const chain::AnchorProof proof = ProofOf(a["proof"]);
  const PublicKey authority = FixedHex<32>(chain_info["authority"]);
  auto block = chain::VerifyAnchorProof(proof, note, authority, node_key);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  EXPECT_EQ(block->number, a["anchor"]["block"]["number"].get<uint64_t>());
  EXPECT_EQ(Hex(block->hash), a["anchor"]["block"]["hash"]);
  EXPECT_EQ(block->time_ms, a["anchor"]["block"]["time_ms"].get<uint64_t>());
  // Another checkpoint, key or authority does not pass.
  EXPECT_FALSE(chain::VerifyAnchorProof(proof, note + " ", authority, node_key).ok());
  EXPECT_FALSE(chain::VerifyAnchorProof(proof, note, node_key, node_key).ok());
  EXPECT_FALSE(chain::VerifyAnchorProof(proof, note, authority, alice_.public_key).ok());

  EXPECT_EQ(Call(port_, "GET", "/v1/checkpoints/9/anchor").status, 404);
  EXPECT_EQ(Call(port_, "GET", "/v1/checkpoints/x/anchor").status, 400);
  EXPECT_EQ(node_->Terminate(), 0);
}

TEST_F(NodeChainTest, AnchorsSurviveARestart) {
  StartNode();
  AppendOne("e1");
  ASSERT_EQ(Call(port_, "POST", "/v1/checkpoints").status, 201);
  const HttpResponse first = Call(port_, "POST", "/v1/anchors");
  ASSERT_EQ(first.status, 201) << first.body;
  const Json genesis = Call(port_, "GET", "/v1/chain").json()["genesis_hash"];
  ASSERT_EQ(node_->Terminate(), 0);
  node_.reset();

  StartNode();
  EXPECT_EQ(Call(port_, "GET", "/v1/chain").json()["genesis_hash"], genesis);
  const HttpResponse again = Call(port_, "GET", "/v1/checkpoints/1/anchor");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["anchor"], first.json()["anchor"]);
  // The chain goes on from where it was.
  AppendOne("e2");
  ASSERT_EQ(Call(port_, "POST", "/v1/checkpoints").status, 201);
  const HttpResponse second = Call(port_, "POST", "/v1/anchors");
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_GT(second.json()["anchor"]["block"]["number"].get<uint64_t>(),
            first.json()["anchor"]["block"]["number"].get<uint64_t>());
  EXPECT_EQ(node_->Terminate(), 0);
}

TEST_F(NodeChainTest, AnchorsTheNewestCheckpointOnAnInterval) {
  StartNode({"--checkpoint-interval-ms", "20", "--anchor-interval-ms", "20"});
  AppendOne("e1");
  // Bounded poll: the node checkpoints and anchors by itself.
  Json info;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    info = Call(port_, "GET", "/v1/chain").json();
    if (info.is_object() && info["anchors"].get<uint64_t>() >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(info["anchors"].get<uint64_t>(), 1u) << node_->log();
  const HttpResponse r = Call(port_, "GET", "/v1/checkpoints/1/anchor");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(node_->log().find("ddc-node: anchored checkpoint 1 in block"), std::string::npos)
      << node_->log();
  EXPECT_EQ(node_->Terminate(), 0);
}

TEST_F(NodeChainTest, WithoutAChainTheRoutesSaySo) {
  StartNode({"--chain", "off"});
  HttpResponse r = Call(port_, "GET", "/v1/chain");
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(r.json()["error"]["code"], "no_chain");
  EXPECT_EQ(Call(port_, "POST", "/v1/anchors").status, 501);
  EXPECT_EQ(Call(port_, "GET", "/v1/checkpoints/0/anchor").status, 501);
  EXPECT_NE(node_->log().find("no chain (--chain off)"), std::string::npos) << node_->log();
  EXPECT_EQ(node_->Terminate(), 0);
}

// Three nodes, one chain: the first serves its dev chain over JSON-RPC, the two others use it.
// Each anchors its own checkpoints as its own key, every anchor is on the one chain, and each
// proof checks against the one authority.
TEST_F(NodeChainTest, ThreeNodesShareOneDevChain) {
  StartNode();
  const std::string chain_url = "http://127.0.0.1:" + std::to_string(port_);
  std::vector<std::unique_ptr<Node>> others;
  for (int i = 0; i < 2; ++i) {
    others.push_back(
        std::make_unique<Node>(dir_.Sub("other" + std::to_string(i)), "",
                               std::vector<std::string>{"--auth", "off", "--chain", chain_url}));
    ASSERT_NE(others.back()->port(), 0) << others.back()->log();
  }
  const Json first_info = Call(port_, "GET", "/v1/chain").json();
  std::vector<uint16_t> ports = {port_, others[0]->port(), others[1]->port()};
  std::vector<std::string> submitters;
  for (size_t i = 0; i < ports.size(); ++i) {
    const Json info = Call(ports[i], "GET", "/v1/chain").json();
    EXPECT_EQ(info["genesis_hash"], first_info["genesis_hash"]) << i;
    const std::string bytes =
        SignAndEncode(MakeEvent(rng_, 7, alice_, "n" + std::to_string(i), 1000), alice_);
    ASSERT_EQ(PostEvent(ports[i], 7, bytes).status, 201);
    HttpResponse c = Call(ports[i], "POST", "/v1/checkpoints");
    ASSERT_EQ(c.status, 201) << c.body;
    const std::string note = c.json()["note"];
    HttpResponse a = Call(ports[i], "POST", "/v1/anchors");
    ASSERT_EQ(a.status, 201) << a.body;
    const Json anchor = a.json();
    submitters.push_back(anchor["anchor"]["submitter"]);
    EXPECT_EQ(anchor["chain"]["authority"], first_info["authority"]);
    const PublicKey submitter = FixedHex<32>(anchor["anchor"]["submitter"]);
    auto block = chain::VerifyAnchorProof(ProofOf(anchor["proof"]), note,
                                          FixedHex<32>(first_info["authority"]), submitter);
    ASSERT_TRUE(block.ok()) << i << ": " << block.status().ToString();
    // The serving node sees the anchor made through the others.
    const Json found = Call(port_, "POST", "/rpc",
                            Json{{"jsonrpc", "2.0"},
                                 {"id", 1},
                                 {"method", "ddc_findAnchor"},
                                 {"params", {"0x" + Hex(AsBytes(note))}}}
                                .dump())
                           .json();
    EXPECT_EQ(found["result"]["block_number"], block->number) << found.dump();
  }
  EXPECT_NE(submitters[0], submitters[1]);
  EXPECT_NE(submitters[1], submitters[2]);
  EXPECT_EQ(Call(port_, "GET", "/v1/chain").json()["anchors"], 3);
  for (auto& n : others) EXPECT_EQ(n->Terminate(), 0);
  EXPECT_EQ(node_->Terminate(), 0);
}

TEST_F(NodeChainTest, TheChainAnswersJsonRpc) {
  StartNode();
  auto rpc = [&](const Json& request) { return Call(port_, "POST", "/rpc", request.dump()); };
  HttpResponse r = rpc({{"jsonrpc", "2.0"}, {"id", 7}, {"method", "system_chain"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), (Json{{"jsonrpc", "2.0"}, {"id", 7}, {"result", "ddc-dev"}}));
  r = rpc({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "chain_getBlockHash"}, {"params", {0}}});
  const std::string genesis = r.json()["result"];
  EXPECT_EQ("0x" + Call(port_, "GET", "/v1/chain").json()["genesis_hash"].get<std::string>(),
            genesis);
  r = rpc({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "chain_getHeader"}, {"params", {genesis}}});
  EXPECT_EQ(r.json()["result"]["number"], "0x0");
  EXPECT_EQ(r.json()["result"]["parentHash"], "0x" + std::string(64, '0'));
  r = rpc({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "chain_getBlockHash"}, {"params", {99}}});
  EXPECT_TRUE(r.json()["result"].is_null());
  r = rpc({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "state_getRuntimeVersion"}});
  EXPECT_EQ(r.json()["result"]["specVersion"], 1);
  // Errors: unknown method, bad params, a refused extrinsic, malformed JSON, a batch.
  r = rpc({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "nope"}});
  EXPECT_EQ(r.json()["error"]["code"], -32601);
  r = rpc({{"jsonrpc", "2.0"}, {"id", 3}, {"method", "ddc_account"}, {"params", {"0x12"}}});
  EXPECT_EQ(r.json()["error"]["code"], -32602);
  r = rpc({{"jsonrpc", "2.0"},
           {"id", 4},
           {"method", "author_submitExtrinsic"},
           {"params", {"0x0c0401"}}});
  EXPECT_EQ(r.json()["error"]["code"], 1010) << r.body;
  r = Call(port_, "POST", "/rpc", "{");
  EXPECT_EQ(r.json()["error"]["code"], -32700);
  r = Call(port_, "POST", "/rpc",
           Json::array({{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "system_name"}},
                        {{"jsonrpc", "2.0"}, {"method", "system_name"}}})
               .dump());
  ASSERT_TRUE(r.json().is_array()) << r.body;
  EXPECT_EQ(r.json().size(), 1u);  // The notification gets no reply.
  EXPECT_EQ(node_->Terminate(), 0);
}

// Bucket 7 is on the chain (declared in the config, so in genesis) in a cluster that charges
// one unit per put. Its owner has no deposit: writes get 402. Funded, writes pass; the node's
// usage report charges the deposit exactly; exhausted, writes get 402 again.
TEST_F(NodeChainTest, UsageIsChargedAndAnExhaustedDepositRefusesWrites) {
  std::array<uint8_t, 32> owner_seed{};
  owner_seed.fill(0x51);
  const KeyPair owner = KeyPair::FromSeed(owner_seed);
  const std::string config = R"({"buckets": [{"bucket": 7, "owner": ")" + Hex(owner.public_key) +
                             R"(", "public": true}], "chain": {"prices": {"per_put": 1}}})";
  node_ =
      std::make_unique<Node>(dir_.Sub("data"), config, std::vector<std::string>{"--auth", "off"});
  ASSERT_NE(node_->port(), 0) << node_->log();
  port_ = node_->port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port_);
  auto event = [&](const std::string& id) {
    return SignAndEncode(MakeEvent(rng_, 7, owner, id, 1000), owner);
  };
  HttpResponse r = PostEvent(port_, 7, event("e0"));
  ASSERT_EQ(r.status, 402) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "payment_required");
  EXPECT_NE(r.body.find("deposit on the chain is exhausted"), std::string::npos) << r.body;
  EXPECT_EQ(Call(port_, "POST", "/v1/usage").json()["error"]["code"], "nothing_to_report");

  // Fund the owner from the node's genesis balance and deposit 3 units, with the CLI.
  const std::string node_seed = Slurp(dir_.Sub("data") + "/node.key");
  ASSERT_EQ(node_seed.size(), 32u);
  std::ofstream(dir_.Sub("node.hex")) << Hex(AsBytes(node_seed)) << "\n";
  std::ofstream(dir_.Sub("owner.hex")) << Hex(owner_seed) << "\n";
  auto cli = [&](const std::string& args) {
    const std::string cmd = std::string(DDC_CLI) + " --node " + url + " " + args +
                            " >/dev/null 2>" + dir_.Sub("cli.err");
    return std::system(cmd.c_str());
  };
  ASSERT_EQ(cli("chain transfer " + Hex(owner.public_key) + " 10 --key " + dir_.Sub("node.hex")), 0)
      << Slurp(dir_.Sub("cli.err"));
  ASSERT_EQ(cli("chain deposit 3 --key " + dir_.Sub("owner.hex")), 0) << Slurp(dir_.Sub("cli.err"));

  // The node asks the chain again within a second (bounded poll, not a timing assertion).
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    status = PostEvent(port_, 7, event("e1")).status;
    if (status != 402) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(status, 201);
  ASSERT_EQ(PostEvent(port_, 7, event("e2")).status, 201);
  ASSERT_EQ(PostEvent(port_, 7, event("e3")).status, 201);

  r = Call(port_, "POST", "/v1/usage");
  ASSERT_EQ(r.status, 201) << r.body;
  const Json report = r.json();
  ASSERT_EQ(report["aggregates"].size(), 1u) << r.body;
  const Json& line = report["aggregates"][0];
  EXPECT_EQ(line["bucket"], 7);
  EXPECT_EQ(line["puts"], 3);
  EXPECT_GT(line["stored_bytes"].get<uint64_t>(), 0u);
  EXPECT_EQ(report["charged"], 3);
  EXPECT_EQ(report["unpaid"], 0);
  // The chain keeps it: the same report by era, its aggregate a provable leaf of its root.
  const HttpResponse again =
      Call(port_, "GET", "/v1/usage/" + std::to_string(report["era"].get<uint64_t>()));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["root"], report["root"]);
  const chain::UsageAggregate leaf{7, line["stored_bytes"], line["delivered_bytes"], 3,
                                   line["gets"]};
  const std::vector<chain::UsageAggregate> leaves = {leaf};
  EXPECT_TRUE(chain::VerifyUsageLeaf(FixedHex<32>(report["root"]), 1, 0, leaf,
                                     chain::UsagePath(leaves, 0)));
  EXPECT_EQ(Call(port_, "POST", "/v1/usage").status, 409);  // Nothing new, or era reported.
  // The CLI shows the same report.
  const std::string node_key = Call(port_, "GET", "/v1/chain").json()["node_account"]["key"];
  ASSERT_EQ(
      std::system((std::string(DDC_CLI) + " --node " + url + " chain usage " + node_key + " " +
                   std::to_string(report["era"].get<uint64_t>()) + " >" + dir_.Sub("usage.txt"))
                      .c_str()),
      0);
  const std::string shown = Slurp(dir_.Sub("usage.txt"));
  EXPECT_NE(shown.find(" charged 3 unpaid 0"), std::string::npos) << shown;
  EXPECT_NE(shown.find("  bucket 7 stored "), std::string::npos) << shown;
  EXPECT_NE(shown.find(" puts 3 gets 0"), std::string::npos) << shown;
  EXPECT_EQ(Call(port_, "GET", "/v1/usage/1").status, 404);

  // The deposit is spent: writes are refused again once the node asks the chain.
  const auto deadline2 = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline2) {
    status = PostEvent(port_, 7, event("e4")).status;
    if (status == 402) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 402);
  // Buckets not on the chain are not charged.
  EXPECT_EQ(PostEvent(port_, 8, SignAndEncode(MakeEvent(rng_, 8, owner, "x", 1000), owner)).status,
            201);
  EXPECT_EQ(node_->Terminate(), 0);
}

TEST_F(NodeChainTest, BadChainSettingsAreRefusedAtStart) {
  {
    Node bad(dir_.Sub("a"), "", {"--chain", "mainnet"});
    EXPECT_EQ(bad.port(), 0);
    EXPECT_NE(bad.log().find("chain 'mainnet' is not dev, off, the http://HOST:PORT"),
              std::string::npos)
        << bad.log();
  }
  {
    Node bad(dir_.Sub("b"), "", {"--anchor-interval-ms", "soon"});
    EXPECT_EQ(bad.port(), 0);
    EXPECT_NE(bad.log().find("--anchor-interval-ms 'soon' is not a number"), std::string::npos)
        << bad.log();
  }
  {
    Node bad(dir_.Sub("c"), R"({"chain": {"mode": "dev", "anchor_every": 5}})");
    EXPECT_EQ(bad.port(), 0);
    EXPECT_NE(bad.log().find("chain: unknown key 'anchor_every'"), std::string::npos) << bad.log();
  }
  {
    // Nothing listens there: the node names the chain it could not reach.
    Node bad(dir_.Sub("d"), "", {"--chain", "ws://127.0.0.1:1/rpc"});
    EXPECT_EQ(bad.port(), 0);
    EXPECT_NE(bad.log().find("substrate chain: cannot connect to ws://127.0.0.1:1/rpc"),
              std::string::npos)
        << bad.log();
  }
}

// A node whose chain is a Substrate node (here: another ddc-node's dev chain, which speaks
// Substrate's JSON-RPC and serves its runtime metadata), over HTTP and over WebSocket. It anchors
// as System.remark_with_event, says the anchor comes without a proof, and keeps its anchors
// across a restart.
TEST_F(NodeChainTest, AnchorsOnASubstrateChainOverHttpAndWebSocket) {
  StartNode();
  const std::string base = "127.0.0.1:" + std::to_string(port_) + "/rpc";
  int n = 0;
  for (const std::string& mode : {"substrate:http://" + base, "ws://" + base}) {
    SCOPED_TRACE(mode);
    const std::string data = dir_.Sub("sub" + std::to_string(n++));
    std::string note;
    Json made;
    {
      Node sub(data, "", {"--auth", "off", "--chain", mode, "--anchor-interval-ms", "0"});
      ASSERT_NE(sub.port(), 0) << sub.log();
      const Json info = Call(sub.port(), "GET", "/v1/chain").json();
      EXPECT_EQ(info["genesis_hash"], Call(port_, "GET", "/v1/chain").json()["genesis_hash"]);
      const std::string bytes =
          SignAndEncode(MakeEvent(rng_, 7, alice_, "s" + std::to_string(n), 1000), alice_);
      ASSERT_EQ(PostEvent(sub.port(), 7, bytes).status, 201);
      HttpResponse c = Call(sub.port(), "POST", "/v1/checkpoints");
      ASSERT_EQ(c.status, 201) << c.body;
      note = c.json()["note"];
      HttpResponse a = Call(sub.port(), "POST", "/v1/anchors");
      ASSERT_EQ(a.status, 201) << a.body;
      made = a.json();
      EXPECT_TRUE(made["proof"].is_null());
      EXPECT_NE(made["trust"].get<std::string>().find("finalized"), std::string::npos);
      // Usage and payments are the dev runtime's: not reported to a Substrate chain.
      EXPECT_EQ(Call(sub.port(), "POST", "/v1/usage").status, 501);
      EXPECT_EQ(sub.Terminate(), 0);
    }
    // The chain has it where the node said, signed by the node key.
    const Json found = Call(port_, "POST", "/rpc",
                            Json{{"jsonrpc", "2.0"},
                                 {"id", 1},
                                 {"method", "ddc_findAnchor"},
                                 {"params", {"0x" + Hex(AsBytes(note))}}}
                                .dump())
                           .json();
    EXPECT_EQ(found["result"]["block_number"], made["anchor"]["block"]["number"]) << found.dump();
    EXPECT_EQ(found["result"]["submitter"], "0x" + made["anchor"]["submitter"].get<std::string>());
    // After a restart the node still knows where its checkpoint is anchored.
    Node again(data, "", {"--auth", "off", "--chain", mode, "--anchor-interval-ms", "0"});
    ASSERT_NE(again.port(), 0) << again.log();
    const size_t size = made["checkpoint"]["size"];
    HttpResponse got =
        Call(again.port(), "GET", "/v1/checkpoints/" + std::to_string(size) + "/anchor");
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.json()["anchor"], made["anchor"]);
    EXPECT_EQ(again.Terminate(), 0);
    // ddc verify checks the recorded anchors against the chain; a record that the chain does
    // not back (another block number) fails it.
    CliRun v = Cli("verify --dir " + data + " --chain " + mode);
    EXPECT_EQ(v.code, 0) << v.err;
    EXPECT_NE(v.out.find("1 of 1 checkpoints anchored, every anchor found there as recorded"),
              std::string::npos)
        << v.out;
    const std::string anchors = Slurp(data + "/substrate-anchors");
    const std::string number =
        " " + std::to_string(made["anchor"]["block"]["number"].get<int>()) + " ";
    const size_t at = anchors.find(number, anchors.find('\n'));
    ASSERT_NE(at, std::string::npos) << anchors;
    Spit(data + "/substrate-anchors",
         anchors.substr(0, at) + " 0 " + anchors.substr(at + number.size()));
    v = Cli("verify --dir " + data + " --chain " + mode);
    EXPECT_EQ(v.code, 1) << v.out;
    EXPECT_NE(v.err.find("not the recorded"), std::string::npos) << v.err;
    EXPECT_NE(Cli("verify --dir " + data).out.find("pass --chain URL to check them"),
              std::string::npos);
  }
  EXPECT_EQ(node_->Terminate(), 0);
}

TEST_F(NodeChainTest, UsageOnRequestWithoutAnEraIntervalDoesNotCrash) {
  StartNode({"--era-ms", "0"});
  AppendOne("u1");
  HttpResponse r = Call(port_, "POST", "/v1/usage");
  EXPECT_NE(r.status, 0) << "the node died: " << node_->log();
  EXPECT_EQ(Call(port_, "GET", "/v1/chain").status, 200) << node_->log();
  EXPECT_EQ(node_->Terminate(), 0);
}

}  // namespace
}  // namespace ddc::test
