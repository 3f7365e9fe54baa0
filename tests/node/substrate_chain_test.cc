// The Substrate client (node/server/substrate_chain.h) against the dev chain served over
// JSON-RPC by the node's HTTP server, as it would talk to a real Substrate node: runtime
// version and metadata, System.remark_with_event anchors, nonces, System.Account, finalized
// blocks. A proxy in front of the dev chain's JSON-RPC lets a test change what the "chain"
// says (a runtime upgrade, a lying header, a transaction that never lands).
#include "node/server/substrate_chain.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ddc/chain.h"
#include "engine/base/hash.h"
#include "engine/base/hex.h"
#include "engine/chain/extrinsic.h"
#include "engine/chain/scale.h"
#include "engine/chain/substrate.h"
#include "node/server/chain_rpc.h"
#include "node/server/http_server.h"
#include "node/server/remote_chain.h"

namespace ddc::node {
namespace {

using Json = nlohmann::json;
namespace http = boost::beast::http;

KeyPair Key(uint8_t n) {
  std::array<uint8_t, 32> seed{};
  seed.fill(n);
  return KeyPair::FromSeed(seed);
}

// What a test does to a JSON-RPC request before the dev chain sees it: return a reply to
// answer instead (the "result" member), or nullopt to pass it on.
using Override = std::function<std::optional<Json>(const std::string& method, const Json& params)>;

class SubstrateChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "ddc-substrate-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" +
           std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    chain::DevChainOptions o;
    o.dir = dir_ + "/chain";
    o.genesis.accounts = {{node_.public_key, 1'000'000}};
    o.genesis.time_ms = 1'700'000'000'000;
    auto dev = chain::OpenDevChain(o);
    ASSERT_TRUE(dev.ok()) << dev.status().ToString();
    dev_ = std::move(*dev);
    ServerOptions so;
    so.port = 0;
    so.threads = 2;
    server_ = std::make_unique<HttpServer>(so, [this](const Request& r) { return Answer(r); });
    ASSERT_TRUE(server_->Start().ok());
    url_ = "http://127.0.0.1:" + std::to_string(server_->port()) + "/rpc";
  }

  void TearDown() override {
    if (server_) server_->Stop(std::chrono::milliseconds(1000));
    if (dev_) (void)dev_->Close();
    std::filesystem::remove_all(dir_);
  }

  Response Answer(const Request& r) {
    const Json request = Json::parse(r.body(), nullptr, false);
    const std::string method = request.is_object() ? request.value("method", "") : "";
    {
      std::lock_guard lock(mu_);
      ++calls_[method];
    }
    Override o;
    {
      std::lock_guard lock(mu_);
      o = override_;
    }
    if (o) {
      if (std::optional<Json> result = o(method, request.value("params", Json::array()))) {
        const Json reply = {{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", *result}};
        return MakeResponse(http::status::ok, reply.dump(), "application/json");
      }
    }
    return MakeResponse(http::status::ok, HandleChainRpc(dev_.get(), r.body()), "application/json");
  }

  // The dev chain's own answer to `method`.
  Json DevResult(const std::string& method, const Json& params = Json::array()) {
    const Json reply = Json::parse(HandleChainRpc(
        dev_.get(),
        Json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}}.dump()));
    return reply.value("result", Json());
  }

  void SetOverride(Override o) {
    std::lock_guard lock(mu_);
    override_ = std::move(o);
  }

  int Calls(const std::string& method) {
    std::lock_guard lock(mu_);
    return calls_[method];
  }

  SubstrateChainOptions Options() const {
    SubstrateChainOptions o;
    o.url = url_;
    o.anchors_file = dir_ + "/anchors";
    o.poll_interval_ms = 1;
    o.inclusion_timeout_ms = 60'000;
    return o;
  }

  std::unique_ptr<chain::Chain> OpenOrDie(const SubstrateChainOptions& o) {
    auto c = OpenSubstrateChain(o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }

  std::string dir_;
  const KeyPair node_ = Key(4);
  std::unique_ptr<chain::Chain> dev_;
  std::unique_ptr<HttpServer> server_;
  std::string url_;
  std::mutex mu_;
  Override override_;
  std::map<std::string, int> calls_;
};

TEST_F(SubstrateChainTest, ReadsTheChainAsTheDevChainHasIt) {
  auto c = OpenOrDie(Options());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(dev_->ProduceBlock().ok());
  ASSERT_TRUE(dev_->ProduceBlock().ok());
  Result<chain::ChainInfo> info = c->Info();
  Result<chain::ChainInfo> want = dev_->Info();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  ASSERT_TRUE(want.ok());
  EXPECT_EQ(info->name, want->name);
  EXPECT_EQ(info->genesis_hash, want->genesis_hash);
  EXPECT_EQ(info->best, want->best);  // Number, hash and the time of its Timestamp.set.
  EXPECT_EQ(info->spec_version, want->spec_version);
  EXPECT_EQ(info->transaction_version, want->transaction_version);
  for (uint64_t n = 0; n <= 2; ++n) {
    Result<chain::BlockRef> got = c->Block(n);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, *dev_->Block(n));
    Result<chain::RawBlock> raw = c->ReadBlock(n);
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(raw->header, dev_->ReadBlock(n)->header);
    EXPECT_EQ(raw->extrinsics, dev_->ReadBlock(n)->extrinsics);
  }
  EXPECT_TRUE(c->Block(99).status().IsNotFound());
  Result<chain::AccountInfo> account = c->Account(node_.public_key);
  ASSERT_TRUE(account.ok()) << account.status().ToString();
  EXPECT_EQ(account->free, 1'000'000u);
  Result<chain::AccountInfo> nobody = c->Account(Key(9).public_key);
  ASSERT_TRUE(nobody.ok());
  EXPECT_EQ(*nobody, chain::AccountInfo{});
}

TEST_F(SubstrateChainTest, AnchorsACheckpointAsRemarkWithEventFromTheMetadata) {
  auto c = OpenOrDie(Options());
  ASSERT_NE(c, nullptr);
  const std::string checkpoint = "example.org/log\n3\nq1+5YhQ=\n\n— node sig\n";
  Result<chain::AnchorInfo> anchor = c->Anchor(node_, checkpoint);
  ASSERT_TRUE(anchor.ok()) << anchor.status().ToString();
  // The dev chain recognised it as an anchor: the call indices came from its metadata and the
  // signature covers its genesis, spec and transaction versions and a mortal era.
  Result<chain::AnchorInfo> seen = dev_->FindAnchor(checkpoint);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(seen->receipt, anchor->receipt);
  EXPECT_EQ(seen->submitter, node_.public_key);
  EXPECT_EQ(anchor->remark_hash, seen->remark_hash);
  Result<chain::RawBlock> block = dev_->ReadBlock(anchor->receipt.block.number);
  ASSERT_TRUE(block.ok());
  Result<chain::Extrinsic> e =
      chain::DecodeExtrinsic(chain::AsByteSpan(block->extrinsics[anchor->receipt.index]));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_FALSE(e->era.immortal());
  EXPECT_EQ(e->era.period, 64u);

  EXPECT_EQ(*c->NextNonce(node_.public_key), 1u);  // Asked with an SS58 address.
  EXPECT_EQ(c->Account(node_.public_key)->nonce, 1u);
  Result<chain::AnchorInfo> found = c->FindAnchor(checkpoint);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->receipt, anchor->receipt);
  EXPECT_TRUE(c->FindAnchor("another").status().IsNotFound());
  EXPECT_EQ(c->Info()->anchors, 1u);

  // A second one gets the next nonce and its own block.
  Result<chain::AnchorInfo> second = c->Anchor(node_, checkpoint + "more");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_GT(second->receipt.block.number, anchor->receipt.block.number);
  Result<std::vector<chain::AnchorInfo>> all = c->Anchors(0, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].receipt, second->receipt);
  EXPECT_TRUE(c->Anchor(node_, "").status().IsInvalidArgument());
  EXPECT_TRUE(
      c->Anchor(node_, std::string(chain::kMaxRemarkBytes + 1, 'x')).status().IsInvalidArgument());
}

TEST_F(SubstrateChainTest, AnchorsSurviveAReopenAndATornLastLine) {
  const std::string checkpoint = "checkpoint one";
  chain::Receipt receipt;
  {
    auto c = OpenOrDie(Options());
    ASSERT_NE(c, nullptr);
    Result<chain::AnchorInfo> a = c->Anchor(node_, checkpoint);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    receipt = a->receipt;
  }
  {
    std::ofstream torn(dir_ + "/anchors", std::ios::app);
    torn << "0123abc";  // A line cut short by a crash.
  }
  auto c = OpenOrDie(Options());
  ASSERT_NE(c, nullptr);
  Result<chain::AnchorInfo> found = c->FindAnchor(checkpoint);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->receipt, receipt);
  EXPECT_EQ(found->submitter, node_.public_key);
  // The torn tail was cut, so the next anchor's line is whole.
  ASSERT_TRUE(c->Anchor(node_, "checkpoint two").ok());
  c.reset();
  auto again = OpenOrDie(Options());
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->Anchors(0, 10)->size(), 2u);
}

TEST_F(SubstrateChainTest, RefusesAnAnchorsFileOfAnotherChainOrDamaged) {
  {
    std::ofstream f(dir_ + "/anchors");
    f << "ddc-substrate-anchors 1 " << std::string(64, 'a') << "\n";
  }
  Result<std::unique_ptr<chain::Chain>> other = OpenSubstrateChain(Options());
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("another chain"), std::string::npos)
      << other.status().ToString();
  std::filesystem::remove(dir_ + "/anchors");
  {
    auto c = OpenOrDie(Options());
    ASSERT_NE(c, nullptr);
    ASSERT_TRUE(c->Anchor(node_, "one").ok());
    ASSERT_TRUE(c->Anchor(node_, "two").ok());
  }
  std::string text;
  {
    std::ifstream in(dir_ + "/anchors");
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const size_t second_line = text.find('\n') + 1;
  text[second_line + 3] = 'x';  // Not hex any more, and a whole line follows it.
  {
    std::ofstream out(dir_ + "/anchors", std::ios::trunc);
    out << text;
  }
  Result<std::unique_ptr<chain::Chain>> damaged = OpenSubstrateChain(Options());
  ASSERT_FALSE(damaged.ok());
  EXPECT_TRUE(damaged.status().IsCorruption()) << damaged.status().ToString();
  EXPECT_NE(damaged.status().message().find("line 2"), std::string::npos);
}

TEST_F(SubstrateChainTest, ARuntimeUpgradeReloadsTheMetadataAndSignsForTheNewVersion) {
  auto c = OpenOrDie(Options());
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Calls("state_getMetadata"), 1);
  ASSERT_TRUE(c->Anchor(node_, "before").ok());
  EXPECT_EQ(Calls("state_getMetadata"), 1);  // Same spec version: the metadata is kept.
  const uint32_t spec = c->Info()->spec_version;
  // The chain now says its runtime is spec + 1 (the dev chain itself did not change, so it
  // refuses what is signed for the new version: proof that the new version is signed).
  SetOverride([spec](const std::string& method, const Json&) -> std::optional<Json> {
    if (method != "state_getRuntimeVersion") return std::nullopt;
    return Json{{"specVersion", spec + 1}, {"transactionVersion", 1}, {"stateVersion", 1}};
  });
  Result<chain::AnchorInfo> after = c->Anchor(node_, "after");
  EXPECT_EQ(Calls("state_getMetadata"), 2);
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("author_submitExtrinsic"), std::string::npos)
      << after.status().ToString();
  EXPECT_EQ(c->Info()->spec_version, spec + 1);
}

TEST_F(SubstrateChainTest, AHeaderThatDoesNotHashToItsBlockIsRefused) {
  auto c = OpenOrDie(Options());
  ASSERT_NE(c, nullptr);
  SetOverride([this](const std::string& method, const Json& params) -> std::optional<Json> {
    if (method != "chain_getBlock") return std::nullopt;
    Json block = DevResult(method, params);
    block["block"]["header"]["stateRoot"] = "0x" + std::string(64, '1');
    return block;
  });
  Result<chain::ChainInfo> info = c->Info();
  ASSERT_FALSE(info.ok());
  EXPECT_TRUE(info.status().IsCorruption());
  EXPECT_NE(info.status().message().find("does not hash"), std::string::npos)
      << info.status().ToString();
}

TEST_F(SubstrateChainTest, ATransactionNotIncludedBeforeItsEraEndsFails) {
  SubstrateChainOptions o = Options();
  o.mortality = 4;
  auto c = OpenOrDie(o);
  ASSERT_NE(c, nullptr);
  // The "chain" accepts the extrinsic but never includes it, and makes a block each time the
  // client looks at the finalized head.
  SetOverride([this](const std::string& method, const Json& params) -> std::optional<Json> {
    if (method == "author_submitExtrinsic") {
      const std::string hex = params[0].get<std::string>().substr(2);
      std::string bytes(hex.size() / 2, '\0');
      EXPECT_TRUE(ParseHex(hex, std::span(reinterpret_cast<uint8_t*>(bytes.data()), bytes.size())));
      return "0x" + Hex(Blake2b256(chain::AsByteSpan(bytes)));
    }
    if (method == "chain_getFinalizedHead") {
      EXPECT_TRUE(dev_->ProduceBlock().ok());
    }
    return std::nullopt;
  });
  Result<chain::AnchorInfo> a = c->Anchor(node_, "never lands");
  ASSERT_FALSE(a.ok());
  EXPECT_TRUE(a.status().IsFailed()) << a.status().ToString();
  EXPECT_NE(a.status().message().find("era ended"), std::string::npos);
  EXPECT_TRUE(dev_->FindAnchor("never lands").status().IsNotFound());
  EXPECT_TRUE(c->FindAnchor("never lands").status().IsNotFound());
}

TEST_F(SubstrateChainTest, CloseEndsAWaitForFinality) {
  SubstrateChainOptions o = Options();
  o.poll_interval_ms = 60'000;  // Only Close can end the wait in time.
  auto c = OpenOrDie(o);
  ASSERT_NE(c, nullptr);
  std::atomic<bool> submitted{false};
  SetOverride([&submitted](const std::string& method, const Json& params) -> std::optional<Json> {
    if (method != "author_submitExtrinsic") return std::nullopt;
    const std::string hex = params[0].get<std::string>().substr(2);
    std::string bytes(hex.size() / 2, '\0');
    EXPECT_TRUE(ParseHex(hex, std::span(reinterpret_cast<uint8_t*>(bytes.data()), bytes.size())));
    submitted = true;
    return "0x" + Hex(Blake2b256(chain::AsByteSpan(bytes)));  // Accepted, never included.
  });
  Result<chain::AnchorInfo> a = Status::Busy("not run");
  std::thread anchoring([&] { a = c->Anchor(node_, "waits forever"); });
  while (!submitted) std::this_thread::yield();
  ASSERT_TRUE(c->Close().ok());
  anchoring.join();
  ASSERT_FALSE(a.ok());
  EXPECT_TRUE(a.status().IsFailed()) << a.status().ToString();
  EXPECT_NE(a.status().message().find("closed"), std::string::npos);
  EXPECT_TRUE(c->Info().status().IsFailed());
}

TEST_F(SubstrateChainTest, MetadataItCannotUseIsRefusedAtOpen) {
  SetOverride([](const std::string& method, const Json&) -> std::optional<Json> {
    if (method == "state_getMetadata") return "0x6d657461";  // "meta" and nothing more.
    return std::nullopt;
  });
  Result<std::unique_ptr<chain::Chain>> c = OpenSubstrateChain(Options());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("state_getMetadata"), std::string::npos)
      << c.status().ToString();
  SetOverride(nullptr);
  EXPECT_TRUE(OpenSubstrateChain(Options()).ok());
}

TEST_F(SubstrateChainTest, WhatLivesInDdcPalletsIsNotSupportedAndSaysSo) {
  auto c = OpenOrDie(Options());
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->Buckets().status().IsNotSupported());
  EXPECT_TRUE(c->Cluster(1).status().IsNotSupported());
  EXPECT_TRUE(c->Deposit(node_, 1).status().IsNotSupported());
  EXPECT_TRUE(c->ProduceBlock().status().IsNotSupported());
  Result<chain::AnchorInfo> a = c->Anchor(node_, "cp");
  ASSERT_TRUE(a.ok());
  Result<chain::AnchorProof> proof = c->ProveAnchor(*a);
  ASSERT_TRUE(proof.status().IsNotSupported());
  EXPECT_NE(proof.status().message().find("finalized"), std::string::npos);
  EXPECT_NE(c->Buckets().status().message().find(url_), std::string::npos);
}

// A chain (or another node) answering with the wrong shapes: each call fails with a status,
// none throws (nlohmann's value() would, on a non-object or a member of another type).
const std::vector<Json>& WrongShapes() {
  static const auto* shapes = new std::vector<Json>{
      5,
      "0x00",
      Json::array({1, 2}),
      Json::object(),
      Json{{"block", 5}},
      Json{{"block", {{"header", "x"}, {"extrinsics", 7}}}},
      Json{{"block", {{"header", {{"digest", 5}, {"number", {1}}}}}}},
      Json{{"name", 5}, {"best", "x"}, {"nodes", {1, "a"}}, {"public", "yes"}},
      Json{{"aggregates", {{{"bucket", "x"}}}}, {"receipt", 3}, {"paid_out", 2}}};
  return *shapes;
}

TEST_F(SubstrateChainTest, WrongShapedAnswersAreErrorsNotCrashes) {
  auto c = OpenOrDie(Options());
  ASSERT_NE(c, nullptr);
  for (const Json& shape : WrongShapes()) {
    SCOPED_TRACE(shape.dump());
    SetOverride([shape](const std::string& method, const Json&) -> std::optional<Json> {
      if (method == "chain_getBlockHash" || method == "system_chain") return std::nullopt;
      return shape;
    });
    EXPECT_FALSE(c->Info().ok());
    EXPECT_FALSE(c->Block(0).ok());
    EXPECT_FALSE(c->ReadBlock(0).ok());
    EXPECT_FALSE(c->Account(node_.public_key).ok());
    EXPECT_FALSE(c->Anchor(node_, "cp").ok());
    (void)c->NextNonce(node_.public_key);  // "0x00" is a fine nonce; the rest must not throw.
  }
  SetOverride([](const std::string& method, const Json&) -> std::optional<Json> {
    if (method == "state_getRuntimeVersion") return "1";
    return std::nullopt;
  });
  EXPECT_TRUE(OpenSubstrateChain(Options()).status().IsCorruption());
}

TEST_F(SubstrateChainTest, ARemoteDdcChainWithWrongShapedAnswersFailsWithoutThrowing) {
  auto opened = OpenRemoteChain("http://127.0.0.1:" + std::to_string(server_->port()));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  chain::Chain& c = **opened;
  for (const Json& shape : WrongShapes()) {
    SCOPED_TRACE(shape.dump());
    SetOverride([shape](const std::string& method, const Json&) -> std::optional<Json> {
      return method.starts_with("ddc_") ? std::optional<Json>(shape) : std::nullopt;
    });
    // Whatever each returns, none throws; these cannot make sense of any of the shapes.
    EXPECT_FALSE(c.Info().ok());
    EXPECT_FALSE(c.Block(0).ok());
    EXPECT_FALSE(c.ReadBlock(0).ok());
    EXPECT_FALSE(c.Bucket(1).ok());
    EXPECT_FALSE(c.Cluster(1).ok());
    EXPECT_FALSE(c.FindAnchor("cp").ok());
    EXPECT_FALSE(c.GetUsageReport(node_.public_key, 1).ok());
    (void)c.Account(node_.public_key);
    (void)c.Buckets();
    (void)c.Clusters();
    (void)c.Anchors(0, 10);
  }
}

TEST_F(SubstrateChainTest, PresetsNameCereNetworks) {
  EXPECT_EQ(SubstratePresetUrl("cere-mainnet"), "wss://archive.mainnet.cere.network/ws");
  EXPECT_EQ(SubstratePresetUrl("cere-testnet"), "wss://archive.testnet.cere.network/ws");
  EXPECT_EQ(SubstratePresetUrl("cere"), std::nullopt);
}

}  // namespace
}  // namespace ddc::node
