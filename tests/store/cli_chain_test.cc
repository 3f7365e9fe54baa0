// `ddc chain ...` against a running node's chain (--node URL, over its JSON-RPC) and against a
// stopped node's data dir: status, transactions signed by key files and keystore keys, the
// chain's refusals as exit code 1 with the reason, and usage errors as exit code 2.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include "engine/base/hex.h"
#include "tests/store/cli_test_util.h"
#include "tests/store/node_test_util.h"
#include "tests/test_util.h"

namespace ddc::test {
namespace {

class CliChainTest : public ::testing::Test {
 protected:
  void StartNode() {
    node_ = std::make_unique<Node>(tmp_.Sub("node"), "", std::vector<std::string>{"--auth", "off"});
    ASSERT_NE(node_->port(), 0) << node_->log();
    url_ = "http://127.0.0.1:" + std::to_string(node_->port());
  }

  CliRun Ddc(const std::string& args) {
    const std::string out = tmp_.Sub("out"), err = tmp_.Sub("err");
    const std::string cmd =
        "env -u DDC_NODE -u DDC_TOKEN -u DDC_KEYSTORE -u DDC_PASSPHRASE DDC_KEYSTORE_FAST=1 "
        "DDC_PASSPHRASE=chain-test DDC_KEYSTORE=" +
        tmp_.Sub("keys") + " " + std::string(DDC_CLI) + " " + args + " </dev/null >" + out + " 2>" +
        err;
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }
  std::string Ok(const std::string& args) {
    CliRun r = Ddc(args);
    EXPECT_EQ(r.code, 0) << args << "\n" << r.err;
    return r.out;
  }

  TempDir tmp_;
  std::unique_ptr<Node> node_;
  std::string url_;
};

TEST_F(CliChainTest, TransactionsAndQueriesThroughARunningNode) {
  StartNode();
  const std::string remote = "--node " + url_ + " ";
  const std::string status = Ok(remote + "chain status");
  EXPECT_NE(status.find("chain ddc-dev\n"), std::string::npos) << status;
  EXPECT_NE(status.find("best block 0 "), std::string::npos) << status;

  // The node's key (raw seed in node.key) as a hex key file: it holds the genesis balance.
  const std::string seed = Slurp(tmp_.Sub("node") + "/node.key");
  ASSERT_EQ(seed.size(), 32u);
  Spit(tmp_.Sub("node.hex"),
       Hex(std::span(reinterpret_cast<const uint8_t*>(seed.data()), seed.size())) + "\n");
  Ok("key gen -o " + tmp_.Sub("user.key"));
  const std::string user = Trim(Ok("key pub " + tmp_.Sub("user.key")));

  EXPECT_NE(Ok(remote + "chain transfer " + user + " 500 --key " + tmp_.Sub("node.hex"))
                .find("transferred 500: in block 1 "),
            std::string::npos);
  Ok(remote + "chain deposit 200 --key " + tmp_.Sub("user.key"));
  EXPECT_EQ(Trim(Ok(remote + "chain account " + user)),
            "account " + user + " free 300 deposit 200 nonce 1");
  Ok(remote + "chain withdraw 50 --key " + tmp_.Sub("user.key"));
  EXPECT_EQ(Trim(Ok(remote + "chain account " + user)),
            "account " + user + " free 350 deposit 150 nonce 2");

  // A keystore key signs too.
  Ok("keygen --sign owner");
  EXPECT_NE(Ok(remote + "--as owner chain bucket create 42 --cluster 1 --private")
                .find("bucket 42 created: in block"),
            std::string::npos);
  const std::string buckets = Ok(remote + "chain buckets");
  EXPECT_NE(buckets.find("bucket 42 owner "), std::string::npos) << buckets;
  EXPECT_NE(buckets.find(" cluster 1 private"), std::string::npos) << buckets;
  EXPECT_NE(Ok(remote + "chain clusters").find("cluster 1 manager "), std::string::npos);

  // The chain's refusals: exit 1 with its reason.
  CliRun r = Ddc(remote + "chain deposit 100000 --key " + tmp_.Sub("user.key"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("insufficient balance"), std::string::npos) << r.err;
  r = Ddc(remote + "--as owner chain bucket create 42 --cluster 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("bucket exists"), std::string::npos) << r.err;
  r = Ddc(remote + "chain bucket remove 42 --key " + tmp_.Sub("user.key"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not the bucket owner"), std::string::npos) << r.err;
  // Usage: no signer, bad numbers, unknown subcommands.
  r = Ddc(remote + "chain deposit 5");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--as NAME or --key FILE"), std::string::npos) << r.err;
  EXPECT_EQ(Ddc(remote + "chain transfer " + user + " lots --key " + tmp_.Sub("user.key")).code, 1);
  EXPECT_EQ(Ddc(remote + "chain frobnicate").code, 2);

  // Anchors made by the node show up.
  ASSERT_EQ(Call(node_->port(), "POST", "/v1/checkpoints").status, 201);
  ASSERT_EQ(Call(node_->port(), "POST", "/v1/anchors").status, 201);
  const std::string node_key =
      Call(node_->port(), "GET", "/v1/chain").json()["node_account"]["key"];
  const std::string anchors = Ok(remote + "chain anchors");
  EXPECT_NE(anchors.find(" extrinsic 1 by " + node_key + " checkpoint "), std::string::npos)
      << anchors;
  EXPECT_EQ(node_->Terminate(), 0);
}

TEST_F(CliChainTest, TheDevChainOfAStoppedNode) {
  StartNode();
  ASSERT_EQ(Call(node_->port(), "POST", "/v1/checkpoints").status, 201);
  ASSERT_EQ(Call(node_->port(), "POST", "/v1/anchors").status, 201);
  // While the node runs, its chain is locked: the CLI says to use --node.
  CliRun r = Ddc("chain status --dir " + tmp_.Sub("node"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("in use by a running node: pass --node URL"), std::string::npos) << r.err;
  ASSERT_EQ(node_->Terminate(), 0);
  node_.reset();
  const std::string status = Ok("chain status --dir " + tmp_.Sub("node"));
  EXPECT_NE(status.find("best block 1 "), std::string::npos) << status;
  EXPECT_NE(status.find("anchors 1\n"), std::string::npos) << status;
  EXPECT_NE(Ok("chain anchors --dir " + tmp_.Sub("node")).find("block 1 at "), std::string::npos);
  // ddc verify replays the chain and checks every anchored checkpoint's proof.
  const std::string verified = Ok("verify --dir " + tmp_.Sub("node"));
  EXPECT_NE(verified.find("ok: chain ddc-dev, 2 blocks replayed; 1 of 1 checkpoints anchored, "
                          "every anchor proof verified"),
            std::string::npos)
      << verified;
  // Another authority key: no block's seal verifies, and verify says so.
  const std::string authority = tmp_.Sub("node") + "/chain/authority.key";
  const std::string original = Slurp(authority);
  Spit(authority, std::string(32, 'k'));
  r = Ddc("verify --dir " + tmp_.Sub("node"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("seal does not verify"), std::string::npos) << r.err;
  Spit(authority, original);
  r = Ddc("chain status --dir " + tmp_.Sub("nothing-here"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no dev chain in"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ddc::test
