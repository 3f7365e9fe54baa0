// The embedded dev chain: genesis, every call's rules, persistence, anchors and their proofs,
// interval production under concurrent submitters, and crash safety (a torn last block cut off,
// mid-log damage and tampering reported, SIGKILL during production).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "ddc/chain.h"
#include "engine/base/coding.h"
#include "engine/base/hash.h"
#include "engine/chain/block.h"
#include "engine/chain/block_log.h"
#include "engine/chain/calls.h"
#include "engine/chain/extrinsic.h"
#include "engine/chain/scale.h"
#include "tests/test_util.h"

namespace ddc::chain {
namespace {

KeyPair Key(uint8_t n) {
  std::array<uint8_t, 32> seed{};
  seed.fill(n);
  return KeyPair::FromSeed(seed);
}

class DevChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "ddc-chain-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" +
           std::to_string(getpid());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  DevChainOptions Options() const {
    DevChainOptions o;
    o.dir = dir_;
    o.genesis.accounts = {{alice_.public_key, 1000}, {bob_.public_key, 50}};
    ClusterInfo cluster;
    cluster.id = 7;
    cluster.manager = alice_.public_key;
    cluster.params = ClusterParams{3, 10, 20, 1, 2};
    cluster.nodes = {ClusterNode{node_.public_key, "127.0.0.1:8080", NodeMode::kStorage}};
    o.genesis.clusters = {cluster};
    o.genesis.buckets = {BucketInfo{1, bob_.public_key, 7, true}};
    o.genesis.time_ms = 1700000000000;
    return o;
  }

  std::unique_ptr<Chain> OpenOrDie(const DevChainOptions& o) {
    auto chain = OpenDevChain(o);
    EXPECT_TRUE(chain.ok()) << chain.status().ToString();
    return chain.ok() ? std::move(chain).value() : nullptr;
  }

  std::string BlocksPath() const { return dir_ + "/blocks.log"; }

  std::string dir_;
  const KeyPair alice_ = Key(1);
  const KeyPair bob_ = Key(2);
  const KeyPair carol_ = Key(3);
  const KeyPair node_ = Key(4);
};

TEST_F(DevChainTest, GenesisHoldsTheConfiguredStateAndIsDeterministic) {
  Hash32 genesis{};
  {
    auto chain = OpenOrDie(Options());
    ASSERT_NE(chain, nullptr);
    auto info = chain->Info();
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->name, "ddc-dev");
    EXPECT_EQ(info->best.number, 0u);
    EXPECT_EQ(info->best.hash, info->genesis_hash);
    EXPECT_EQ(info->best.time_ms, 1700000000000u);
    genesis = info->genesis_hash;
    EXPECT_EQ(chain->Account(alice_.public_key)->free, 1000u);
    EXPECT_EQ(chain->Account(bob_.public_key)->free, 50u);
    EXPECT_EQ(chain->Account(carol_.public_key)->free, 0u);
    auto cluster = chain->Cluster(7);
    ASSERT_TRUE(cluster.ok());
    EXPECT_EQ(cluster->manager, alice_.public_key);
    EXPECT_EQ(cluster->params, (ClusterParams{3, 10, 20, 1, 2}));
    ASSERT_EQ(cluster->nodes.size(), 1u);
    EXPECT_EQ(cluster->nodes[0].address, "127.0.0.1:8080");
    auto bucket = chain->Bucket(1);
    ASSERT_TRUE(bucket.ok());
    EXPECT_EQ(bucket->owner, bob_.public_key);
    EXPECT_TRUE(chain->Bucket(2).status().IsNotFound());
  }
  {
    // Reopened: the same chain, its genesis replayed, not rewritten.
    auto chain = OpenOrDie(Options());
    ASSERT_NE(chain, nullptr);
    EXPECT_EQ(chain->Info()->genesis_hash, genesis);
    EXPECT_EQ(chain->Account(alice_.public_key)->free, 1000u);
  }
}

TEST_F(DevChainTest, BalancesDepositsAndNonces) {
  auto chain = OpenOrDie(Options());
  ASSERT_NE(chain, nullptr);
  auto r = chain->Transfer(alice_, carol_.public_key, 300);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->block.number, 1u);
  EXPECT_EQ(r->index, 1u);
  EXPECT_EQ(chain->Account(alice_.public_key)->free, 700u);
  EXPECT_EQ(chain->Account(alice_.public_key)->nonce, 1u);
  EXPECT_EQ(chain->Account(carol_.public_key)->free, 300u);

  ASSERT_TRUE(chain->Deposit(carol_, 120).ok());
  EXPECT_EQ(*chain->Account(carol_.public_key), (AccountInfo{180, 120, 1}));
  ASSERT_TRUE(chain->Withdraw(carol_, 20).ok());
  EXPECT_EQ(*chain->Account(carol_.public_key), (AccountInfo{200, 100, 2}));

  auto broke = chain->Transfer(bob_, carol_.public_key, 51);
  EXPECT_TRUE(broke.status().IsFailed());
  EXPECT_NE(broke.status().message().find("insufficient balance"), std::string::npos);
  EXPECT_NE(chain->Withdraw(carol_, 101).status().message().find("insufficient deposit"),
            std::string::npos);
  EXPECT_NE(chain->Deposit(bob_, 51).status().message().find("insufficient balance"),
            std::string::npos);
  EXPECT_NE(chain->Transfer(bob_, bob_.public_key, 1).status().message().find("transfer to self"),
            std::string::npos);
  // Refused transactions change nothing, not even the nonce, and make no block.
  EXPECT_EQ(chain->Account(bob_.public_key)->nonce, 0u);
  EXPECT_EQ(chain->Info()->best.number, 3u);
}

TEST_F(DevChainTest, ClusterAndBucketRules) {
  auto chain = OpenOrDie(Options());
  ASSERT_NE(chain, nullptr);
  auto msg = [](const Result<Receipt>& r) {
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_NE(msg(chain->CreateCluster(bob_, 7, ClusterParams{})).find("cluster exists"),
            std::string::npos);
  ASSERT_TRUE(chain->CreateCluster(bob_, 8, ClusterParams{2, 1, 1, 1, 1}).ok());
  EXPECT_NE(msg(chain->AddNode(alice_, 8, ClusterNode{carol_.public_key, "h:1", NodeMode::kCache}))
                .find("not the cluster manager"),
            std::string::npos);
  EXPECT_NE(msg(chain->AddNode(bob_, 8, ClusterNode{node_.public_key, "h:1", NodeMode::kFull}))
                .find("node already in a cluster"),
            std::string::npos);
  ASSERT_TRUE(
      chain->AddNode(bob_, 8, ClusterNode{carol_.public_key, "h:2", NodeMode::kCache}).ok());
  ASSERT_TRUE(chain->AddNode(bob_, 8, ClusterNode{alice_.public_key, "h:3", NodeMode::kFull}).ok());
  auto c8 = chain->Cluster(8);
  ASSERT_TRUE(c8.ok());
  ASSERT_EQ(c8->nodes.size(), 2u);
  EXPECT_LT(c8->nodes[0].key, c8->nodes[1].key);  // Sorted by key.
  ASSERT_TRUE(chain->RemoveNode(bob_, 8, carol_.public_key).ok());
  EXPECT_NE(msg(chain->RemoveNode(bob_, 8, carol_.public_key)).find("node not in the cluster"),
            std::string::npos);
  ASSERT_TRUE(chain->SetClusterParams(bob_, 8, ClusterParams{5, 9, 9, 9, 9}).ok());
  EXPECT_EQ(chain->Cluster(8)->params.replication_factor, 5u);

  EXPECT_NE(msg(chain->CreateBucket(alice_, 1, 7, true)).find("bucket exists"), std::string::npos);
  EXPECT_NE(msg(chain->CreateBucket(alice_, 2, 99, true)).find("no such cluster"),
            std::string::npos);
  ASSERT_TRUE(chain->CreateBucket(alice_, 2, 8, false).ok());
  EXPECT_FALSE(chain->Bucket(2)->is_public);
  EXPECT_NE(msg(chain->SetBucketPublic(bob_, 2, true)).find("not the bucket owner"),
            std::string::npos);
  ASSERT_TRUE(chain->SetBucketPublic(alice_, 2, true).ok());
  EXPECT_TRUE(chain->Bucket(2)->is_public);
  EXPECT_EQ(chain->Buckets()->size(), 2u);
  ASSERT_TRUE(chain->RemoveBucket(alice_, 2).ok());
  EXPECT_TRUE(chain->Bucket(2).status().IsNotFound());
  EXPECT_EQ(chain->Clusters()->size(), 2u);
}

TEST_F(DevChainTest, StateSurvivesReopenAndEqualsTheReplay) {
  BlockRef best;
  {
    auto chain = OpenOrDie(Options());
    ASSERT_NE(chain, nullptr);
    ASSERT_TRUE(chain->Transfer(alice_, carol_.public_key, 10).ok());
    ASSERT_TRUE(chain->CreateBucket(carol_, 9, 7, false).ok());
    ASSERT_TRUE(chain->Anchor(node_, "checkpoint one").ok());
    ASSERT_TRUE(chain->ProduceBlock().ok());  // An empty block.
    best = chain->Info()->best;
  }
  auto options = Options();
  options.genesis.accounts.clear();  // Ignored after the first open.
  auto chain = OpenOrDie(options);
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(chain->Info()->best, best);
  EXPECT_EQ(best.number, 4u);
  EXPECT_EQ(*chain->Account(carol_.public_key), (AccountInfo{10, 0, 1}));
  EXPECT_EQ(chain->Bucket(9)->owner, carol_.public_key);
  EXPECT_TRUE(chain->FindAnchor("checkpoint one").ok());
  EXPECT_EQ(chain->Info()->anchors, 1u);
  // The next transaction links to the reopened best block.
  auto r = chain->Transfer(alice_, carol_.public_key, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->block.number, 5u);
}

TEST_F(DevChainTest, AnchorsAreFoundProvenAndCheckedWithoutTheChain) {
  auto chain = OpenOrDie(Options());
  ASSERT_NE(chain, nullptr);
  const std::string checkpoint =
      "example.org/log\n42\nq5MbQ0g3pvnSmXnv6XzYz1ybnJvq2aWzsvA6nT2PbGo=\n";
  auto anchored = chain->Anchor(node_, checkpoint);
  ASSERT_TRUE(anchored.ok()) << anchored.status().ToString();
  EXPECT_EQ(anchored->submitter, node_.public_key);
  auto found = chain->FindAnchor(checkpoint);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->receipt.block, anchored->receipt.block);
  EXPECT_TRUE(chain->FindAnchor("never anchored").status().IsNotFound());
  ASSERT_TRUE(chain->Anchor(node_, "second").ok());
  auto list = chain->Anchors(0, 10);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(chain->Anchors(1, 10)->size(), 1u);

  auto proof = chain->ProveAnchor(*found);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  const PublicKey authority = chain->Info()->authority;
  auto block = VerifyAnchorProof(*proof, checkpoint, authority, node_.public_key);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  EXPECT_EQ(*block, anchored->receipt.block);

  // Every way of lying fails.
  EXPECT_FALSE(VerifyAnchorProof(*proof, checkpoint + "x", authority, node_.public_key).ok());
  EXPECT_FALSE(VerifyAnchorProof(*proof, checkpoint, alice_.public_key, node_.public_key).ok());
  EXPECT_FALSE(VerifyAnchorProof(*proof, checkpoint, authority, alice_.public_key).ok());
  AnchorProof header_flipped = *proof;
  header_flipped.header[5] ^= 1;
  EXPECT_FALSE(VerifyAnchorProof(header_flipped, checkpoint, authority, node_.public_key).ok());
  AnchorProof wrong_index = *proof;
  wrong_index.index = 0;
  EXPECT_FALSE(VerifyAnchorProof(wrong_index, checkpoint, authority, node_.public_key).ok());
  AnchorProof other_time = *proof;
  other_time.time_extrinsic.back() ^= 4;
  EXPECT_FALSE(VerifyAnchorProof(other_time, checkpoint, authority, node_.public_key).ok());
  // An anchor from another chain's block is not provable here.
  AnchorInfo stranger = *found;
  stranger.receipt.block.hash[0] ^= 1;
  EXPECT_TRUE(chain->ProveAnchor(stranger).status().IsNotFound());
}

TEST_F(DevChainTest, IntervalProductionBatchesConcurrentSubmitters) {
  auto options = Options();
  options.production = BlockProduction::kInterval;
  options.block_interval_ms = 50;
  options.genesis.accounts.push_back({carol_.public_key, 1000});
  auto chain = OpenOrDie(options);
  ASSERT_NE(chain, nullptr);
  constexpr int kPerThread = 20;
  std::vector<std::thread> threads;
  std::vector<std::vector<Receipt>> receipts(3);
  const KeyPair senders[] = {alice_, bob_, carol_};
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = chain->Transfer(senders[t], node_.public_key, 1);
        if (r.ok()) receipts[t].push_back(*r);
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& list : receipts) ASSERT_EQ(list.size(), static_cast<size_t>(kPerThread));
  EXPECT_EQ(chain->Account(node_.public_key)->free, 3u * kPerThread);
  for (int t = 0; t < 3; ++t) {
    EXPECT_EQ(chain->Account(senders[t].public_key)->nonce, static_cast<uint32_t>(kPerThread));
    for (size_t i = 1; i < receipts[t].size(); ++i) {
      EXPECT_GE(receipts[t][i].block.number, receipts[t][i - 1].block.number);
    }
  }
  // Each receipt names a block the chain has, by hash.
  for (const auto& list : receipts) {
    for (const auto& r : list) EXPECT_EQ(*chain->Block(r.block.number), r.block);
  }
}

TEST_F(DevChainTest, TornLastBlockIsCutOffAtOpen) {
  BlockRef best;
  uint64_t whole_size = 0;
  {
    auto chain = OpenOrDie(Options());
    ASSERT_NE(chain, nullptr);
    ASSERT_TRUE(chain->Transfer(alice_, carol_.public_key, 5).ok());
    best = chain->Info()->best;
  }
  whole_size = std::filesystem::file_size(BlocksPath());
  // A crash while writing the next block: a valid entry header and half its body.
  {
    std::ofstream out(BlocksPath(), std::ios::binary | std::ios::app);
    uint8_t h[16];
    EncodeFixed32(h, 200);
    uint8_t len[4];
    EncodeFixed32(len, 200);
    EncodeFixed32(h + 4, static_cast<uint32_t>(Xxh3(len, 4)));
    EncodeFixed64(h + 8, 12345);
    out.write(reinterpret_cast<const char*>(h), sizeof h);
    out.write(std::string(100, 'z').data(), 100);
  }
  auto chain = OpenOrDie(Options());
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(chain->Info()->best, best);
  EXPECT_EQ(std::filesystem::file_size(BlocksPath()), whole_size);
  EXPECT_EQ(chain->Account(carol_.public_key)->free, 5u);
  ASSERT_TRUE(chain->Transfer(alice_, carol_.public_key, 5).ok());
}

TEST_F(DevChainTest, DamageBeforeTheLastBlockIsCorruption) {
  {
    auto chain = OpenOrDie(Options());
    ASSERT_NE(chain, nullptr);
    ASSERT_TRUE(chain->Transfer(alice_, carol_.public_key, 5).ok());
    ASSERT_TRUE(chain->Transfer(alice_, carol_.public_key, 6).ok());
  }
  // Flip one byte inside block 1's body.
  auto opened = BlockLog::Open(io::PosixFileSystemInstance(), BlocksPath());
  ASSERT_TRUE(opened.ok());
  ASSERT_EQ(opened->entries.size(), 3u);
  const BlockEntry one = opened->entries[1];
  opened->log.reset();
  {
    std::fstream f(BlocksPath(), std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(one.offset + 40));
    f.put('\x5a');
  }
  auto chain = OpenDevChain(Options());
  ASSERT_FALSE(chain.ok());
  EXPECT_TRUE(chain.status().IsCorruption());
  EXPECT_NE(chain.status().message().find("block 1"), std::string::npos)
      << chain.status().ToString();
}

TEST_F(DevChainTest, ABlockRewrittenWithGoodChecksumsFailsItsSeal) {
  {
    auto chain = OpenOrDie(Options());
    ASSERT_NE(chain, nullptr);
    ASSERT_TRUE(chain->Transfer(alice_, carol_.public_key, 5).ok());
  }
  // Forge block 1 into a bigger transfer, keeping the log's framing valid.
  auto opened = BlockLog::Open(io::PosixFileSystemInstance(), BlocksPath());
  ASSERT_TRUE(opened.ok());
  const BlockEntry one = opened->entries[1];
  auto bytes = opened->log->Read(one);
  ASSERT_TRUE(bytes.ok());
  opened->log.reset();
  auto block = DecodeBlock(AsByteSpan(*bytes));
  ASSERT_TRUE(block.ok());
  block->header.state_root[0] ^= 1;
  const std::string forged = EncodeBlock(*block);
  ASSERT_EQ(forged.size(), bytes->size());
  {
    std::fstream f(BlocksPath(), std::ios::binary | std::ios::in | std::ios::out);
    uint8_t check[8];
    EncodeFixed64(check, Xxh3(AsByteSpan(forged)));
    f.seekp(static_cast<std::streamoff>(one.offset - 8));
    f.write(reinterpret_cast<const char*>(check), 8);
    f.write(forged.data(), static_cast<std::streamsize>(forged.size()));
  }
  auto chain = OpenDevChain(Options());
  ASSERT_FALSE(chain.ok());
  EXPECT_NE(chain.status().message().find("seal does not verify"), std::string::npos)
      << chain.status().ToString();
}

TEST_F(DevChainTest, ExtrinsicsSignedElsewhereAreCheckedIncludedAndFound) {
  auto chain = OpenOrDie(Options());
  ASSERT_NE(chain, nullptr);
  const auto info = chain->Info();
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(chain->ProduceBlock().ok());  // Block 1, to be a mortal era's birth block.
  Call call;
  call.kind = CallKind::kTransfer;
  call.account = carol_.public_key;
  call.amount = 7;
  auto make = [&](uint32_t nonce, const SigningContext& ctx, const Era& era) {
    Extrinsic e;
    e.call = EncodeCall(call);
    e.nonce = nonce;
    e.era = era;
    SignExtrinsic(&e, alice_, ctx);
    return EncodeExtrinsic(e);
  };
  const SigningContext immortal{info->genesis_hash, info->genesis_hash, 1, 1};
  EXPECT_EQ(*chain->NextNonce(alice_.public_key), 0u);
  const std::string first = make(0, immortal, Era::Immortal());
  auto receipt = chain->SubmitExtrinsic(first);
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
  EXPECT_EQ(*chain->NextNonce(alice_.public_key), 1u);
  EXPECT_EQ(chain->Account(carol_.public_key)->free, 7u);
  auto found = chain->FindExtrinsic(receipt->hash);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->block, receipt->block);
  EXPECT_EQ(found->hash, Blake2b256(AsByteSpan(first)));
  auto raw = chain->ReadBlock(receipt->block.number);
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->extrinsics.size(), 2u);
  EXPECT_EQ(raw->extrinsics[1], first);
  EXPECT_EQ(BlockHash(*DecodeHeader(AsByteSpan(raw->header))), receipt->block.hash);
  EXPECT_EQ(*chain->BlockByHash(receipt->block.hash), receipt->block);
  Hash32 unknown{};
  EXPECT_TRUE(chain->BlockByHash(unknown).status().IsNotFound());
  EXPECT_TRUE(chain->FindExtrinsic(unknown).status().IsNotFound());

  // The same again: its nonce is spent.
  EXPECT_TRUE(chain->SubmitExtrinsic(first).status().IsConflict());
  // Signed for another chain, or another runtime version: the signature does not verify.
  SigningContext other = immortal;
  other.genesis_hash[0] ^= 1;
  other.era_block_hash = other.genesis_hash;
  EXPECT_TRUE(
      chain->SubmitExtrinsic(make(1, other, Era::Immortal())).status().IsPermissionDenied());
  SigningContext newer = immortal;
  newer.spec_version = 2;
  EXPECT_TRUE(
      chain->SubmitExtrinsic(make(1, newer, Era::Immortal())).status().IsPermissionDenied());
  // A mortal era born at block 1 signs over block 1's hash.
  const Era era = Era::Mortal(64, 1);
  const SigningContext mortal{info->genesis_hash, chain->Block(1)->hash, 1, 1};
  auto r2 = chain->SubmitExtrinsic(make(1, mortal, era));
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  // The wrong birth block hash does not verify.
  EXPECT_TRUE(chain->SubmitExtrinsic(make(2, immortal, era)).status().IsPermissionDenied());
  // Garbage is refused before it reaches the pool.
  EXPECT_TRUE(chain->SubmitExtrinsic("\x08\x84\x00").status().IsInvalidArgument());
}

TEST_F(DevChainTest, UsageIsChargedToDepositsAndPaidOutExactly) {
  constexpr uint64_t kGiB = uint64_t{1} << 30;
  auto chain = OpenOrDie(Options());  // Cluster 7 prices: 10/GiB stored, 20/GiB out, 1/put, 2/get.
  ASSERT_NE(chain, nullptr);
  ASSERT_TRUE(chain->Deposit(bob_, 40).ok());  // Bob owns bucket 1.
  const std::vector<UsageAggregate> report = {{1, 2 * kGiB, kGiB + kGiB / 2, 5, 3}};
  EXPECT_EQ(UsageCost(report[0], chain->Cluster(7)->params), 20u + 30u + 5u + 6u);
  auto r = chain->ReportUsage(node_, 1, report);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(chain->Account(bob_.public_key)->deposit, 0u);  // 61 due, 40 there.
  auto got = chain->GetUsageReport(node_.public_key, 1);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->aggregates, report);
  EXPECT_EQ(got->charged, 40u);
  EXPECT_EQ(got->unpaid, 21u);
  EXPECT_EQ(got->cluster, 7u);
  EXPECT_FALSE(got->paid_out);
  EXPECT_EQ(got->root, UsageRoot(report));
  EXPECT_EQ(got->receipt.block, r->block);
  EXPECT_TRUE(chain->GetUsageReport(node_.public_key, 2).status().IsNotFound());

  auto msg = [](const Result<Receipt>& x) {
    return x.ok() ? std::string("ok") : x.status().message();
  };
  EXPECT_NE(msg(chain->ReportUsage(node_, 1, report)).find("era already reported"),
            std::string::npos);
  EXPECT_NE(msg(chain->ReportUsage(alice_, 1, report)).find("not a cluster node"),
            std::string::npos);
  const std::vector<UsageAggregate> unknown = {{99, 1, 1, 1, 1}};
  EXPECT_NE(msg(chain->ReportUsage(node_, 2, unknown)).find("no such bucket 99"),
            std::string::npos);
  ASSERT_TRUE(chain->CreateCluster(carol_, 8, ClusterParams{}).ok());
  ASSERT_TRUE(chain->CreateBucket(carol_, 2, 8, true).ok());
  const std::vector<UsageAggregate> elsewhere = {{2, 1, 1, 1, 1}};
  EXPECT_NE(msg(chain->ReportUsage(node_, 2, elsewhere)).find("is not in cluster 7"),
            std::string::npos);
  const std::vector<UsageAggregate> unsorted = {{2, 0, 0, 1, 0}, {1, 0, 0, 1, 0}};
  EXPECT_TRUE(chain->ReportUsage(node_, 2, unsorted).status().IsInvalidArgument());

  EXPECT_NE(msg(chain->Payout(bob_, 7, 1)).find("not the cluster manager"), std::string::npos);
  const uint64_t before = chain->Account(node_.public_key)->free;
  ASSERT_TRUE(chain->Payout(alice_, 7, 1).ok());
  EXPECT_EQ(chain->Account(node_.public_key)->free, before + 40);
  EXPECT_TRUE(chain->GetUsageReport(node_.public_key, 1)->paid_out);
  EXPECT_NE(msg(chain->Payout(alice_, 7, 1)).find("era already paid out"), std::string::npos);
  EXPECT_NE(msg(chain->Payout(alice_, 7, 5)).find("no usage reported"), std::string::npos);

  // Reopened: the reports and their effects replay.
  chain.reset();
  chain = OpenOrDie(Options());
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(chain->GetUsageReport(node_.public_key, 1)->aggregates, report);
  EXPECT_EQ(chain->Account(node_.public_key)->free, before + 40);
}

TEST_F(DevChainTest, UsageLeavesAreProvableOneByOne) {
  std::vector<UsageAggregate> aggregates;
  for (uint64_t b = 1; b <= 13; ++b) aggregates.push_back({b * 3, b * 100, b * 7, b, b * 2});
  const Hash32 root = UsageRoot(aggregates);
  for (size_t i = 0; i < aggregates.size(); ++i) {
    const auto path = UsagePath(aggregates, i);
    EXPECT_TRUE(VerifyUsageLeaf(root, aggregates.size(), i, aggregates[i], path)) << i;
    UsageAggregate changed = aggregates[i];
    changed.gets += 1;
    EXPECT_FALSE(VerifyUsageLeaf(root, aggregates.size(), i, changed, path)) << i;
    EXPECT_FALSE(
        VerifyUsageLeaf(root, aggregates.size(), (i + 1) % aggregates.size(), aggregates[i], path))
        << i;
  }
  EXPECT_EQ(UsageLeaf(aggregates[0]).size(), 40u);
}

// Random reports over several eras and nodes: every charge comes out of a deposit, every
// payout out of the escrow, and once each era is paid out the units on the chain are exactly
// those of genesis.
TEST_F(DevChainTest, PayoutsSumExactlyToCharges) {
  std::mt19937_64 rng(test::TestSeed());
  auto options = Options();
  options.genesis.accounts.push_back({carol_.public_key, 100000});
  options.genesis.clusters[0].params = ClusterParams{2, 1000, 3000, 7, 3};
  options.genesis.clusters[0].nodes.push_back(
      ClusterNode{carol_.public_key, "127.0.0.1:9", NodeMode::kStorage});
  options.genesis.buckets.push_back(BucketInfo{3, alice_.public_key, 7, false});
  auto chain = OpenOrDie(options);
  ASSERT_NE(chain, nullptr);
  const KeyPair everyone[] = {alice_, bob_, carol_, node_};
  auto total = [&] {
    uint64_t sum = 0;
    for (const KeyPair& k : everyone)
      sum += chain->Account(k.public_key)->free + chain->Account(k.public_key)->deposit;
    return sum;
  };
  const uint64_t genesis_total = total();
  ASSERT_TRUE(chain->Deposit(alice_, 600).ok());
  ASSERT_TRUE(chain->Deposit(bob_, 45).ok());
  const KeyPair nodes[] = {node_, carol_};
  uint64_t charged = 0, paid = 0;
  for (uint32_t era = 1; era <= 4; ++era) {
    uint64_t node_before[2];
    for (int n = 0; n < 2; ++n) node_before[n] = chain->Account(nodes[n].public_key)->free;
    uint64_t era_charged[2] = {0, 0};
    for (int n = 0; n < 2; ++n) {
      std::vector<UsageAggregate> report;
      for (uint64_t bucket : {uint64_t{1}, uint64_t{3}}) {
        if (rng() % 3 == 0) continue;
        report.push_back({bucket, rng() % (uint64_t{1} << 32), rng() % (uint64_t{1} << 31),
                          rng() % 50, rng() % 50});
      }
      if (report.empty()) continue;
      const uint64_t deposits_before =
          chain->Account(alice_.public_key)->deposit + chain->Account(bob_.public_key)->deposit;
      ASSERT_TRUE(chain->ReportUsage(nodes[n], era, report).ok());
      const uint64_t deposits_after =
          chain->Account(alice_.public_key)->deposit + chain->Account(bob_.public_key)->deposit;
      era_charged[n] = chain->GetUsageReport(nodes[n].public_key, era)->charged;
      EXPECT_EQ(deposits_before - deposits_after, era_charged[n]);
      charged += era_charged[n];
    }
    if (era_charged[0] + era_charged[1] == 0 &&
        !chain->GetUsageReport(node_.public_key, era).ok() &&
        !chain->GetUsageReport(carol_.public_key, era).ok()) {
      continue;
    }
    ASSERT_TRUE(chain->Payout(alice_, 7, era).ok());
    for (int n = 0; n < 2; ++n) {
      const uint64_t got = chain->Account(nodes[n].public_key)->free - node_before[n];
      EXPECT_EQ(got, era_charged[n]) << "era " << era << " node " << n;
      paid += got;
    }
  }
  EXPECT_EQ(paid, charged);
  EXPECT_GT(charged, 0u);
  EXPECT_EQ(total(), genesis_total);
}

TEST_F(DevChainTest, OneOpenerAtATime) {
  auto chain = OpenOrDie(Options());
  ASSERT_NE(chain, nullptr);
  auto second = OpenDevChain(Options());
  EXPECT_TRUE(second.status().IsBusy()) << second.status().ToString();
}

// SIGKILL a child producing blocks at a random moment, several times: every block it reported
// as produced is there after reopening, the state equals the replay (checked by Open), and the
// chain goes on.
TEST_F(DevChainTest, SigkillDuringProductionLosesNothingAcknowledged) {
  std::mt19937_64 rng(test::TestSeed());
  { ASSERT_NE(OpenOrDie(Options()), nullptr); }
  uint64_t acknowledged = 0;  // Blocks the children reported as produced, at most.
  for (int round = 0; round < 4; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      auto chain = OpenDevChain(Options());
      if (!chain.ok()) _exit(2);
      for (;;) {
        auto r = (*chain)->Transfer(alice_, carol_.public_key, 1);
        if (!r.ok()) _exit(3);
        const uint64_t n = r->block.number;
        if (write(fds[1], &n, sizeof n) != sizeof n) _exit(4);
      }
    }
    close(fds[1]);
    // Let it produce some blocks, then kill it mid-flight.
    const int wanted = 3 + static_cast<int>(rng() % 20);
    uint64_t n = 0;
    for (int i = 0; i < wanted; ++i) {
      ASSERT_EQ(read(fds[0], &n, sizeof n), static_cast<ssize_t>(sizeof n));
      acknowledged = std::max(acknowledged, n);
    }
    kill(pid, SIGKILL);
    while (read(fds[0], &n, sizeof n) == static_cast<ssize_t>(sizeof n)) {
      acknowledged = std::max(acknowledged, n);
    }
    close(fds[0]);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    auto chain = OpenOrDie(Options());
    ASSERT_NE(chain, nullptr);
    const auto info = chain->Info();
    ASSERT_TRUE(info.ok());
    EXPECT_GE(info->best.number, acknowledged);
    // One transfer of 1 per block after genesis.
    EXPECT_EQ(chain->Account(carol_.public_key)->free, info->best.number);
    EXPECT_EQ(chain->Account(alice_.public_key)->nonce, info->best.number);
  }
  EXPECT_GT(acknowledged, 4u);
}

}  // namespace
}  // namespace ddc::chain
