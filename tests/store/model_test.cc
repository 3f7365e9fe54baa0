// Proves that the store behaves like a map from CID to bytes through any sequence of calls,
// closes, reopens and crashes: after every step its answers (Put, Get, Contains, MultiGet,
// Stats().records) agree with a std::map model, and whenever it is reopened its iterator yields
// exactly the model's blobs in the order they were first put.
//
// How: random operation sequences (put new, put duplicate, PutBlobs batches with duplicates and
// oversized blobs, get present and absent, MultiGet, Contains, Sync, Close + reopen,
// Crash(kKeepAll) + reopen, Crash(kDropUnsynced) + reopen), several seeds from
// DDC_TEST_SEED, for kSyncEveryGroup (a crash loses nothing acknowledged) and kNone (a power
// failure may lose the puts since the last Sync: the model then keeps what the store kept,
// which must be everything synced and a prefix of the put order). Small segments and frequent
// snapshots make rollovers and snapshot loads part of the sequences.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ddc/store.h"
#include "engine/io/fault_file_system.h"
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using io::CrashMode;
using test::RawCid;

constexpr int kSeeds = 6;
constexpr int kStepsPerSeed = 450;

class Model {
 public:
  bool Has(const Cid& cid) const { return blobs_.count(cid) != 0; }
  const std::string& At(const Cid& cid) const { return blobs_.at(cid); }
  size_t size() const { return order_.size(); }
  const std::vector<Cid>& order() const { return order_; }
  void Put(const Cid& cid, const std::string& bytes) {
    if (blobs_.emplace(cid, bytes).second) order_.push_back(cid);
  }
  void MarkSynced() { synced_ = order_.size(); }
  size_t synced() const { return synced_; }
  // Keeps the first n blobs in put order (what a power failure left).
  void KeepFirst(size_t n) {
    for (size_t i = n; i < order_.size(); ++i) blobs_.erase(order_[i]);
    order_.resize(n);
    synced_ = std::min(synced_, n);
  }
  const Cid& Random(std::mt19937_64& rng) const { return order_[rng() % order_.size()]; }

 private:
  std::map<Cid, std::string> blobs_;
  std::vector<Cid> order_;  // Log order: the order of first successful put.
  size_t synced_ = 0;       // order_[0, synced_) is on stable storage.
};

class ModelTest : public ::testing::TestWithParam<Durability> {
 protected:
  void SetUp() override {
    options_ = test::FaultOptions(&fs_, &sink_);
    options_.durability = GetParam();
    options_.segment_bytes = kMinSegmentBytes;
    options_.max_record_bytes = 16 << 10;
    options_.snapshot_interval_bytes = 128 << 10;
  }

  void Reopen() {
    auto r = Store::Open(options_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    store_ = std::move(r).value();
  }

  // Every answer about every blob, and the iterator.
  void CheckAll() {
    ASSERT_NE(store_, nullptr);
    ASSERT_EQ(store_->Stats().records, model_.size());
    std::vector<Cid> cids = model_.order();
    for (size_t begin = 0; begin < cids.size(); begin += kMaxMultiGet) {
      const size_t n = std::min<size_t>(kMaxMultiGet, cids.size() - begin);
      auto results = store_->MultiGet(std::span(cids).subspan(begin, n));
      for (size_t i = 0; i < n; ++i) {
        ASSERT_TRUE(results[i].ok()) << results[i].status().ToString();
        ASSERT_EQ(*results[i], model_.At(cids[begin + i]));
      }
    }
    const auto walked = test::WalkStore(store_.get());
    ASSERT_EQ(walked.size(), model_.size());
    for (size_t i = 0; i < walked.size(); ++i) {
      ASSERT_EQ(walked[i].cid, model_.order()[i]) << "iterator order differs at " << i;
    }
  }

  // After a crash in `mode`: the store must hold what the model promised; with kNone and a
  // power failure the model shrinks to what survived (a prefix, at least the synced part).
  void AfterCrash(CrashMode mode) {
    ASSERT_NE(store_, nullptr) << "the store did not reopen after the crash";
    const bool may_lose = GetParam() == Durability::kNone && mode != CrashMode::kKeepAll;
    if (!may_lose) {
      CheckAll();
      // Opening makes whatever the log holds durable (recovery syncs it): from here on all
      // of the model must outlive a power failure.
      model_.MarkSynced();
      return;
    }
    const auto walked = test::WalkStore(store_.get());
    ASSERT_LE(walked.size(), model_.size());
    ASSERT_GE(walked.size(), model_.synced()) << "a synced put was lost";
    for (size_t i = 0; i < walked.size(); ++i) {
      ASSERT_EQ(walked[i].cid, model_.order()[i]) << "the survivors are not a prefix at " << i;
    }
    lost_ += model_.size() - walked.size();
    model_.KeepFirst(walked.size());
    CheckAll();
    model_.MarkSynced();
  }

  std::string NewBlob(std::mt19937_64& rng) {
    for (;;) {
      std::string b = test::RandomBlob(rng, options_.max_record_bytes);
      if (!model_.Has(RawCid(b))) return b;
    }
  }

  void Step(std::mt19937_64& rng, uint64_t seed, int step) {
    const uint64_t dice = rng() % 100;
    if (dice < 25 || model_.size() == 0) {
      const std::string b = NewBlob(rng);
      auto r = store_->PutBlob(std::string_view(b));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(*r, RawCid(b));
      model_.Put(*r, b);
    } else if (dice < 33) {
      const Cid cid = model_.Random(rng);
      const uint64_t dedup_before = store_->Stats().dedup_hits;
      auto r = store_->PutBlob(std::string_view(model_.At(cid)));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(*r, cid);
      ASSERT_EQ(store_->Stats().dedup_hits, dedup_before + 1);
    } else if (dice < 43) {
      std::vector<std::string> batch;
      std::vector<bool> oversized;
      for (uint64_t k = 0, n = 1 + rng() % 6; k < n; ++k) {
        const uint64_t kind = rng() % 10;
        if (kind < 5) {
          batch.push_back(NewBlob(rng));
        } else if (kind < 7) {
          batch.push_back(model_.At(model_.Random(rng)));
        } else if (kind < 9 && !batch.empty()) {
          batch.push_back(batch[rng() % batch.size()]);
        } else {
          batch.push_back(test::RandomString(rng, options_.max_record_bytes + 1 + rng() % 10));
        }
        oversized.push_back(batch.back().size() > options_.max_record_bytes);
      }
      auto spans = test::Spans(batch);
      auto results = store_->PutBlobs(spans);
      ASSERT_EQ(results.size(), batch.size());
      for (size_t k = 0; k < batch.size(); ++k) {
        if (oversized[k]) {
          ASSERT_TRUE(results[k].status().IsInvalidArgument()) << results[k].status().ToString();
          continue;
        }
        ASSERT_TRUE(results[k].ok()) << results[k].status().ToString();
        ASSERT_EQ(*results[k], RawCid(batch[k]));
        model_.Put(*results[k], batch[k]);
      }
    } else if (dice < 58) {
      const Cid cid = model_.Random(rng);
      auto got = store_->Get(cid);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ASSERT_EQ(*got, model_.At(cid));
    } else if (dice < 63) {
      const Cid cid = RawCid("never put " + std::to_string(seed) + "/" + std::to_string(step));
      ASSERT_TRUE(store_->Get(cid).status().IsNotFound());
      auto has = store_->Contains(cid);
      ASSERT_TRUE(has.ok() && !*has);
    } else if (dice < 71) {
      std::vector<Cid> cids;
      for (uint64_t k = 0, n = 1 + rng() % 12; k < n; ++k) {
        cids.push_back(rng() % 4 == 0 ? RawCid("absent " + std::to_string(rng()))
                                      : model_.Random(rng));
      }
      auto results = store_->MultiGet(cids);
      ASSERT_EQ(results.size(), cids.size());
      for (size_t k = 0; k < cids.size(); ++k) {
        if (model_.Has(cids[k])) {
          ASSERT_TRUE(results[k].ok()) << results[k].status().ToString();
          ASSERT_EQ(*results[k], model_.At(cids[k]));
        } else {
          ASSERT_TRUE(results[k].status().IsNotFound()) << results[k].status().ToString();
        }
      }
    } else if (dice < 78) {
      const Cid cid = model_.Random(rng);
      auto has = store_->Contains(cid);
      ASSERT_TRUE(has.ok()) << has.status().ToString();
      ASSERT_TRUE(*has);
    } else if (dice < 84) {
      ASSERT_OK(store_->Sync());
      model_.MarkSynced();
    } else if (dice < 89) {
      ASSERT_OK(store_->Close());
      model_.MarkSynced();
      store_.reset();
      Reopen();
      ++reopens_;
      CheckAll();
    } else if (dice < 94) {
      test::CrashStore(&fs_, &store_, CrashMode::kKeepAll, rng());
      Reopen();
      ++crashes_;
      AfterCrash(CrashMode::kKeepAll);
    } else {
      test::CrashStore(&fs_, &store_, CrashMode::kDropUnsynced, rng());
      Reopen();
      ++crashes_;
      AfterCrash(CrashMode::kDropUnsynced);
    }
    if (GetParam() == Durability::kSyncEveryGroup) model_.MarkSynced();
    ASSERT_NE(store_, nullptr);
    ASSERT_EQ(store_->Stats().records, model_.size());
  }

  io::FaultFileSystem fs_;
  test::LogSink sink_;
  Options options_;
  std::unique_ptr<Store> store_;
  Model model_;
  uint64_t reopens_ = 0, crashes_ = 0, lost_ = 0;
};

TEST_P(ModelTest, RandomOperationsAgreeWithAMap) {
  const uint64_t base = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(base));
  uint64_t steps = 0;
  size_t final_blobs = 0;
  for (int s = 0; s < kSeeds && !HasFailure(); ++s) {
    const uint64_t seed = base + static_cast<uint64_t>(s);
    SCOPED_TRACE("seed " + std::to_string(seed));
    options_.dir = "/db" + std::to_string(s);  // A fresh store per seed.
    model_ = Model();
    Reopen();
    ASSERT_NE(store_, nullptr);
    std::mt19937_64 rng(seed);
    for (int step = 0; step < kStepsPerSeed && !HasFailure(); ++step) {
      SCOPED_TRACE("step " + std::to_string(step));
      Step(rng, seed, step);
      ++steps;
      if (step % 50 == 49) CheckAll();
    }
    if (HasFailure()) break;
    ASSERT_OK(store_->Close());
    store_.reset();
    Reopen();
    CheckAll();
    final_blobs += model_.size();
    store_.reset();
  }
  std::printf(
      "[ model    ] %s: DDC_TEST_SEED=%llu, %llu steps over %d seeds, %llu reopens, "
      "%llu crashes, %llu unsynced puts lost to power failures, %zu blobs at the ends\n",
      test::DurabilityName(GetParam()), static_cast<unsigned long long>(base),
      static_cast<unsigned long long>(steps), kSeeds, static_cast<unsigned long long>(reopens_),
      static_cast<unsigned long long>(crashes_), static_cast<unsigned long long>(lost_),
      final_blobs);
}

INSTANTIATE_TEST_SUITE_P(Durabilities, ModelTest,
                         ::testing::Values(Durability::kSyncEveryGroup, Durability::kNone),
                         [](const ::testing::TestParamInfo<Durability>& p) {
                           return std::string(test::DurabilityName(p.param));
                         });

}  // namespace
}  // namespace ddc
