// Proves that the Store API keeps its documented promises on every backend: the real file
// system through POSIX calls, the real file system through io_uring, and the in-memory
// FaultFileSystem the crash tests rely on (so that what those tests show carries over).
//
// How: one parameterized suite; each case drives the public API (include/ddc/store.h) and
// compares what comes back with what went in: round trips at the size limits, deduplication,
// NotFound, MultiGet order, compression, rollover over many segments, reopening from the index
// snapshot, iteration order, concurrent writers and readers, the directory lock, option
// validation, calls after Close and the plausibility of Stats().
#include "ddc/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/io/fault_file_system.h"
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::AsBytes;
using test::RawCid;

enum class Backend { kPosix, kUring, kFault };

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kUring) {
      Options probe;
      probe.dir = tmp_.Sub("probe");
      probe.io_backend = IoBackend::kUring;
      probe.info_log = [](std::string_view) {};
      // Both backends must pass the same suite: without io_uring this fails, never skips.
      auto s = Store::Open(probe);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      ASSERT_OK((*s)->Close());
    }
  }

  Options BaseOptions() {
    Options o;
    switch (GetParam()) {
      case Backend::kPosix:
        o.dir = tmp_.Sub("db");
        o.io_backend = IoBackend::kPosix;
        break;
      case Backend::kUring:
        o.dir = tmp_.Sub("db");
        o.io_backend = IoBackend::kUring;
        break;
      case Backend::kFault:
        o.dir = "/db";
        o.file_system = &fs_;
        break;
    }
    o.info_log = sink_.Fn();
    return o;
  }

  // Small segments so that a few hundred blobs span dozens of segment files.
  Options SmallSegmentOptions() {
    Options o = BaseOptions();
    o.segment_bytes = kMinSegmentBytes;
    o.max_record_bytes = 16 << 10;
    return o;
  }

  const char* BackendName() const {
    switch (GetParam()) {
      case Backend::kPosix:
        return "posix";
      case Backend::kUring:
        return "io_uring";
      case Backend::kFault:
        return "fault";
    }
    return "?";
  }

  // Names of the entries of `dir` on this backend.
  std::vector<std::string> ListDir(const std::string& dir) {
    std::vector<std::string> names;
    if (GetParam() == Backend::kFault) {
      auto r = fs_.ListDir(dir);
      if (r.ok()) names = *r;
      return names;
    }
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      names.push_back(e.path().filename().string());
    }
    return names;
  }

  // Sum of the sizes of the segment files in `dir`, and their number.
  uint64_t SegmentFileBytes(const std::string& dir, uint32_t* count) {
    uint64_t total = 0;
    *count = 0;
    for (const std::string& name : ListDir(dir)) {
      if (name.rfind("seg-", 0) != 0) continue;
      ++*count;
      if (GetParam() == Backend::kFault) {
        auto bytes = fs_.ReadAll(dir + "/" + name);
        if (bytes.ok()) total += bytes->size();
      } else {
        total += std::filesystem::file_size(dir + "/" + name);
      }
    }
    return total;
  }

  test::LogSink sink_;
  test::TempDir tmp_;
  io::FaultFileSystem fs_;
};

std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info) {
  switch (info.param) {
    case Backend::kPosix:
      return "Posix";
    case Backend::kUring:
      return "Uring";
    case Backend::kFault:
      return "Fault";
  }
  return "Unknown";
}

TEST_P(StoreTest, PutGetRoundTripAtTheSizeLimits) {
  Options options = BaseOptions();
  options.max_record_bytes = 300001;  // Odd, to show the option (not a constant) is the limit.
  std::mt19937_64 rng(1);
  const std::vector<std::string> blobs = {
      std::string(),  // Empty.
      std::string("a"),
      test::RandomString(rng, 1000),
      test::CompressibleBytes(rng, 100000),
      test::RandomString(rng, options.max_record_bytes),           // Exactly the limit...
      test::CompressibleBytes(rng, options.max_record_bytes - 1),  // ... and just under.
  };
  std::vector<Cid> cids;
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, options);
  for (const std::string& b : blobs) {
    auto cid = store->PutBlob(std::string_view(b));
    ASSERT_TRUE(cid.ok()) << b.size() << " bytes: " << cid.status().ToString();
    EXPECT_EQ(*cid, RawCid(b));
    cids.push_back(*cid);
  }
  EXPECT_EQ(store->Stats().records, blobs.size());
  for (size_t i = 0; i < blobs.size(); ++i) {
    auto got = store->Get(cids[i]);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, blobs[i]) << "blob " << i;
    auto has = store->Contains(cids[i]);
    ASSERT_TRUE(has.ok()) << has.status().ToString();
    EXPECT_TRUE(*has);
  }
  ASSERT_OK(store->Close());
  DDC_ASSERT_OPEN(store, options);
  for (size_t i = 0; i < blobs.size(); ++i) {
    auto got = store->Get(cids[i]);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, blobs[i]) << "blob " << i << " after reopen";
  }
}

TEST_P(StoreTest, OneByteOverTheLimitIsRejectedAndNothingIsWritten) {
  Options options = BaseOptions();
  options.max_record_bytes = 4096;
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, options);
  ASSERT_TRUE(store->PutBlob(std::string_view("first")).ok());
  const StoreStats before = store->Stats();
  std::mt19937_64 rng(2);
  const std::string over = test::RandomString(rng, options.max_record_bytes + 1);
  auto r = store->PutBlob(std::string_view(over));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  StoreStats after = store->Stats();
  EXPECT_EQ(after.records, before.records);
  EXPECT_EQ(after.log_bytes, before.log_bytes);
  EXPECT_EQ(after.logical_bytes, before.logical_bytes);
  auto has = store->Contains(RawCid(over));
  ASSERT_TRUE(has.ok());
  EXPECT_FALSE(*has);

  // In a batch only the oversized blob fails; its neighbours are stored.
  const std::vector<std::string> batch = {"left", over, "right",
                                          test::RandomString(rng, options.max_record_bytes)};
  auto spans = test::Spans(batch);
  auto results = store->PutBlobs(spans);
  ASSERT_EQ(results.size(), batch.size());
  EXPECT_TRUE(results[0].ok());
  ASSERT_FALSE(results[1].ok());
  EXPECT_TRUE(results[1].status().IsInvalidArgument()) << results[1].status().ToString();
  EXPECT_TRUE(results[2].ok());
  EXPECT_TRUE(results[3].ok()) << "exactly max_record_bytes must fit: "
                               << results[3].status().ToString();
  EXPECT_EQ(store->Stats().records, before.records + 3);
  ASSERT_OK(store->Close());

  DDC_ASSERT_OPEN(store, options);
  EXPECT_EQ(store->Stats().records, before.records + 3);
  auto got = store->Get(RawCid(over));
  EXPECT_TRUE(got.status().IsNotFound()) << got.status().ToString();
  for (const auto& rec : test::WalkStore(store.get())) EXPECT_NE(rec.value.size(), over.size());
}

TEST_P(StoreTest, SameBytesTwiceAreStoredOnce) {
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, BaseOptions());
  std::mt19937_64 rng(3);
  const std::string blob = test::RandomString(rng, 5000);
  auto first = store->PutBlob(std::string_view(blob));
  ASSERT_TRUE(first.ok());
  const StoreStats s1 = store->Stats();
  auto second = store->PutBlob(std::string_view(blob));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  const StoreStats s2 = store->Stats();
  EXPECT_EQ(s2.records, s1.records);
  EXPECT_EQ(s2.log_bytes, s1.log_bytes);
  EXPECT_EQ(s2.logical_bytes, s1.logical_bytes);
  EXPECT_EQ(s2.puts, 2u);
  EXPECT_EQ(s2.dedup_hits, 1u);
  ASSERT_OK(store->Close());
  // After reopening, the blob is found in the recovered index, not written again.
  DDC_ASSERT_OPEN(store, BaseOptions());
  ASSERT_TRUE(store->PutBlob(std::string_view(blob)).ok());
  EXPECT_EQ(store->Stats().dedup_hits, 1u);
  EXPECT_EQ(store->Stats().records, 1u);
  EXPECT_EQ(test::WalkStore(store.get()).size(), 1u);
}

TEST_P(StoreTest, DuplicatesInsideOnePutBlobsCallAreStoredOnce) {
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, BaseOptions());
  const std::vector<std::string> batch = {"x", "y", "x", "x", "", "y", ""};
  auto spans = test::Spans(batch);
  auto results = store->PutBlobs(spans);
  ASSERT_EQ(results.size(), batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].status().ToString();
    EXPECT_EQ(*results[i], RawCid(batch[i])) << i;
  }
  const StoreStats s = store->Stats();
  EXPECT_EQ(s.records, 3u);
  EXPECT_EQ(s.dedup_hits, 4u);
  EXPECT_EQ(s.puts, batch.size());
  EXPECT_EQ(s.logical_bytes, 2u);
  const auto walked = test::WalkStore(store.get());
  ASSERT_EQ(walked.size(), 3u);
  EXPECT_EQ(walked[0].value, "x");
  EXPECT_EQ(walked[1].value, "y");
  EXPECT_EQ(walked[2].value, "");
}

// A batch large enough to be hashed on several threads while its first records are written,
// and larger than one group commit (kMaxGroupRecords): duplicates inside it (also across the
// boundary of two groups) and of earlier puts are stored once, in batch order.
TEST_P(StoreTest, LargeBatchesAreStoredInOrderWithDuplicatesOnce) {
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, BaseOptions());
  std::mt19937_64 rng(11);
  std::vector<std::string> earlier;
  for (int i = 0; i < 20; ++i) earlier.push_back(test::RandomString(rng, 1024));
  for (const auto& b : earlier) ASSERT_TRUE(store->PutBlob(std::string_view(b)).ok());

  const size_t n = kMaxGroupRecords + 1000;
  std::vector<std::string> batch;
  std::vector<bool> fresh;  // Whether batch[i] is its first copy anywhere.
  std::set<std::string> seen(earlier.begin(), earlier.end());
  for (size_t i = 0; i < n; ++i) {
    std::string b;
    if (i % 101 == 7) {
      b = earlier[i % earlier.size()];
    } else if (i % 53 == 5 && i > 100) {
      b = batch[i - 1 - rng() % 100];
    } else if (i == kMaxGroupRecords) {
      b = batch[kMaxGroupRecords - 1];  // Across the two groups.
    } else {
      b = i % 3 == 0 ? test::CompressibleBytes(rng, 700 + rng() % 900)
                     : test::RandomString(rng, 1 + rng() % 2048);
    }
    fresh.push_back(seen.insert(b).second);
    batch.push_back(std::move(b));
  }
  const StoreStats before = store->Stats();
  auto results = store->PutBlobs(test::Spans(batch));
  ASSERT_EQ(results.size(), n);
  std::vector<std::string> stored_order;
  for (size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].status().ToString();
    ASSERT_EQ(*results[i], RawCid(batch[i])) << i;
    if (fresh[i]) stored_order.push_back(batch[i]);
  }
  const StoreStats after = store->Stats();
  EXPECT_EQ(after.records - before.records, stored_order.size());
  EXPECT_EQ(after.dedup_hits - before.dedup_hits, n - stored_order.size());
  EXPECT_GE(after.group_commits - before.group_commits, 2u);
  ASSERT_OK(store->Close());

  DDC_ASSERT_OPEN(store, BaseOptions());
  const auto walked = test::WalkStore(store.get());
  ASSERT_EQ(walked.size(), earlier.size() + stored_order.size());
  for (size_t i = 0; i < stored_order.size(); ++i) {
    ASSERT_EQ(walked[earlier.size() + i].value, stored_order[i]) << "record " << i;
  }
  for (size_t i = 0; i < n; i += 97) {
    auto got = store->Get(*results[i]);
    ASSERT_TRUE(got.ok()) << i << ": " << got.status().ToString();
    EXPECT_EQ(*got, batch[i]) << i;
  }
}

TEST_P(StoreTest, AbsentCidIsNotFound) {
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, BaseOptions());
  ASSERT_TRUE(store->PutBlob(std::string_view("present")).ok());
  const std::vector<Cid> absent = {
      RawCid("absent"),
      Cid(),                                // All-zero digest.
      Cid::Of(Codec::kDagCbor, "present"),  // Same bytes, other codec: another CID.
  };
  for (const Cid& cid : absent) {
    auto got = store->Get(cid);
    ASSERT_FALSE(got.ok()) << cid.ToString();
    EXPECT_TRUE(got.status().IsNotFound()) << got.status().ToString();
    auto has = store->Contains(cid);
    ASSERT_TRUE(has.ok()) << has.status().ToString();
    EXPECT_FALSE(*has) << cid.ToString();
  }
  auto has = store->Contains(RawCid("present"));
  ASSERT_TRUE(has.ok());
  EXPECT_TRUE(*has);
}

TEST_P(StoreTest, MultiGetKeepsInputOrderAndEnforcesItsLimit) {
  const Options options = SmallSegmentOptions();
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, options);
  std::mt19937_64 rng(4);
  std::vector<std::string> blobs;
  for (int i = 0; i < 200; ++i) blobs.push_back(test::RandomBlob(rng, 12 << 10));
  blobs.push_back(std::string());
  std::map<Cid, std::string> stored;
  for (const std::string& b : blobs) {
    auto cid = store->PutBlob(std::string_view(b));
    ASSERT_TRUE(cid.ok()) << cid.status().ToString();
    stored[*cid] = b;
  }
  ASSERT_GE(store->Stats().segments, 3u) << "the records should span several segments";

  // Present and absent interleaved, repeats, newest first: results follow the input.
  std::vector<Cid> query;
  std::vector<std::optional<std::string>> want;
  for (size_t i = blobs.size(); i-- > 0;) {
    query.push_back(RawCid(blobs[i]));
    want.emplace_back(blobs[i]);
    if (i % 3 == 0) {
      query.push_back(RawCid("absent " + std::to_string(i)));
      want.emplace_back(std::nullopt);
    }
    if (i % 7 == 0) {
      query.push_back(RawCid(blobs[0]));
      want.emplace_back(blobs[0]);
    }
  }
  auto check = [&](const std::vector<Result<std::string>>& results) {
    ASSERT_EQ(results.size(), query.size());
    for (size_t i = 0; i < query.size(); ++i) {
      if (want[i].has_value()) {
        ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].status().ToString();
        EXPECT_EQ(*results[i], *want[i]) << "entry " << i;
      } else {
        ASSERT_FALSE(results[i].ok()) << i;
        EXPECT_TRUE(results[i].status().IsNotFound()) << results[i].status().ToString();
      }
    }
  };
  check(store->MultiGet(query));

  EXPECT_TRUE(store->MultiGet(std::span<const Cid>()).empty());

  // Exactly kMaxMultiGet is accepted; one more is rejected whole, one result per input.
  std::vector<Cid> full;
  for (uint32_t i = 0; i < kMaxMultiGet; ++i) full.push_back(RawCid(blobs[i % blobs.size()]));
  auto full_results = store->MultiGet(full);
  ASSERT_EQ(full_results.size(), full.size());
  for (uint32_t i = 0; i < kMaxMultiGet; ++i) {
    ASSERT_TRUE(full_results[i].ok()) << full_results[i].status().ToString();
    EXPECT_EQ(*full_results[i], blobs[i % blobs.size()]);
  }
  full.push_back(RawCid(blobs[0]));
  auto over = store->MultiGet(full);
  ASSERT_EQ(over.size(), full.size());
  for (const auto& r : over) {
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  }

  ASSERT_OK(store->Close());
  DDC_ASSERT_OPEN(store, options);
  check(store->MultiGet(query));
}

TEST_P(StoreTest, CompressesOnlyWhatCompresses) {
  std::mt19937_64 rng(5);
  const std::string text = test::CompressibleBytes(rng, 64 << 10);
  const std::string noise = test::RandomString(rng, 64 << 10);
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, BaseOptions());
  const StoreStats s0 = store->Stats();
  ASSERT_TRUE(store->PutBlob(std::string_view(text)).ok());
  const StoreStats s1 = store->Stats();
  EXPECT_EQ(s1.compressed_records, s0.compressed_records + 1);
  EXPECT_LT(s1.log_bytes - s0.log_bytes, text.size() / 2) << "compressible text stored large";
  EXPECT_EQ(s1.logical_bytes - s0.logical_bytes, text.size());
  ASSERT_TRUE(store->PutBlob(std::string_view(noise)).ok());
  const StoreStats s2 = store->Stats();
  EXPECT_EQ(s2.compressed_records, s1.compressed_records) << "random bytes were compressed";
  EXPECT_GE(s2.log_bytes - s1.log_bytes, noise.size());
  for (const std::string* b : {&text, &noise}) {
    auto got = store->Get(RawCid(*b));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, *b);
  }
  ASSERT_OK(store->Close());
  DDC_ASSERT_OPEN(store, BaseOptions());
  auto got = store->Get(RawCid(text));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, text);
  const auto walked = test::WalkStore(store.get());  // The iterator decompresses too.
  ASSERT_EQ(walked.size(), 2u);
  EXPECT_EQ(walked[0].value, text);
  EXPECT_EQ(walked[1].value, noise);
  ASSERT_OK(store->Close());

  // Compression::kNone stores even compressible text as is.
  Options plain = BaseOptions();
  plain.dir += "-plain";
  plain.compression = Compression::kNone;
  DDC_ASSERT_OPEN(store, plain);
  const StoreStats p0 = store->Stats();
  ASSERT_TRUE(store->PutBlob(std::string_view(text)).ok());
  const StoreStats p1 = store->Stats();
  EXPECT_EQ(p1.compressed_records, 0u);
  EXPECT_GE(p1.log_bytes - p0.log_bytes, text.size());
}

TEST_P(StoreTest, RollsOverAcrossManySegmentsAndReopens) {
  const Options options = SmallSegmentOptions();
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, options);
  std::mt19937_64 rng(6);
  std::vector<std::string> blobs;
  for (int i = 0; i < 400; ++i) {
    blobs.push_back(test::RandomString(rng, 1 + rng() % options.max_record_bytes));
  }
  blobs.push_back(test::RandomString(rng, options.max_record_bytes));  // A full-size record.
  for (const std::string& b : blobs) {
    auto cid = store->PutBlob(std::string_view(b));
    ASSERT_TRUE(cid.ok()) << cid.status().ToString();
  }
  const StoreStats s = store->Stats();
  EXPECT_GE(s.segments, 25u);
  uint32_t files = 0;
  EXPECT_EQ(SegmentFileBytes(options.dir, &files), s.log_bytes);
  EXPECT_EQ(files, s.segments);
  for (const std::string& b : blobs) {
    auto got = store->Get(RawCid(b));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(*got, b);
  }
  ASSERT_OK(store->Close());

  DDC_ASSERT_OPEN(store, options);
  EXPECT_EQ(store->Stats().segments, s.segments);
  EXPECT_EQ(store->Stats().records, blobs.size());
  for (const std::string& b : blobs) {
    auto got = store->Get(RawCid(b));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(*got, b);
  }
  const auto walked = test::WalkStore(store.get());
  ASSERT_EQ(walked.size(), blobs.size());
  for (size_t i = 0; i < blobs.size(); ++i) ASSERT_EQ(walked[i].value, blobs[i]) << i;
  // Writing continues in the last segment and beyond.
  const std::string more = test::RandomString(rng, 15000);
  ASSERT_TRUE(store->PutBlob(std::string_view(more)).ok());
  auto got = store->Get(RawCid(more));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, more);
}

TEST_P(StoreTest, ReopenAfterCloseUsesTheSnapshot) {
  const Options options = SmallSegmentOptions();
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, options);
  std::mt19937_64 rng(7);
  std::vector<std::string> blobs;
  for (int i = 0; i < 300; ++i) blobs.push_back(test::RandomBlob(rng, 12 << 10));
  std::set<Cid> distinct;
  for (const std::string& b : blobs) {
    ASSERT_TRUE(store->PutBlob(std::string_view(b)).ok());
    distinct.insert(RawCid(b));
  }
  const StoreStats before = store->Stats();
  ASSERT_OK(store->Close());

  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    DDC_ASSERT_OPEN(store, options);
    const StoreStats s = store->Stats();
    EXPECT_TRUE(s.opened_from_snapshot);
    EXPECT_EQ(s.replayed_records, 0u);
    EXPECT_EQ(s.recovery, "clean");
    EXPECT_EQ(s.records, distinct.size());
    EXPECT_GE(s.segments, before.segments);
    for (const std::string& b : blobs) {
      auto got = store->Get(RawCid(b));
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ASSERT_EQ(*got, b);
    }
    if (round == 0) {
      EXPECT_EQ(s.logical_bytes, before.logical_bytes);
    }
    // Add a little so the next close has something to snapshot.
    const std::string extra = "extra " + std::to_string(round);
    ASSERT_TRUE(store->PutBlob(std::string_view(extra)).ok());
    blobs.push_back(extra);
    distinct.insert(RawCid(extra));
    ASSERT_OK(store->Close());
  }
}

TEST_P(StoreTest, IteratorWalksEveryRecordOnceInPutOrder) {
  const Options options = SmallSegmentOptions();
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, options);
  {
    auto it = store->NewIterator();
    it->SeekToFirst();
    EXPECT_FALSE(it->Valid());
    EXPECT_OK(it->status());
  }
  std::mt19937_64 rng(8);
  std::vector<std::string> order;  // Distinct blobs in the order first put.
  std::set<Cid> seen;
  for (int i = 0; i < 250; ++i) {
    std::string b = i % 10 == 9 && !order.empty() ? order[rng() % order.size()]
                                                  : test::RandomBlob(rng, 12 << 10);
    ASSERT_TRUE(store->PutBlob(std::string_view(b)).ok());
    if (seen.insert(RawCid(b)).second) order.push_back(b);
  }
  auto it = store->NewIterator();
  // Puts after the iterator was created are not part of its walk.
  ASSERT_TRUE(store->PutBlob(std::string_view("after the iterator")).ok());
  for (int pass = 0; pass < 2; ++pass) {  // SeekToFirst restarts the walk.
    size_t i = 0;
    uint64_t last_position = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++i) {
      ASSERT_LT(i, order.size()) << "more records than distinct puts";
      EXPECT_EQ(it->cid(), RawCid(order[i])) << "record " << i;
      EXPECT_EQ(it->value(), order[i]) << "record " << i;
      const uint64_t position = uint64_t{it->segment()} << 32 | it->offset();
      EXPECT_GT(position, last_position) << "records out of log order";
      last_position = position;
    }
    EXPECT_EQ(i, order.size());
    EXPECT_OK(it->status());
  }
  ASSERT_OK(store->Close());
  DDC_ASSERT_OPEN(store, options);
  const auto walked = test::WalkStore(store.get());
  ASSERT_EQ(walked.size(), order.size() + 1);
  for (size_t i = 0; i < order.size(); ++i) EXPECT_EQ(walked[i].value, order[i]);
  EXPECT_EQ(walked.back().value, "after the iterator");
}

TEST_P(StoreTest, ConcurrentWritersAndReaders) {
  Options options = SmallSegmentOptions();
  options.segment_bytes = 1 << 20;
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, options);
  constexpr int kWriters = 8;
  constexpr int kPutsPerWriter = 150;
  std::mt19937_64 common_rng(9);
  std::vector<std::string> common;  // Every writer puts these too: cross-thread duplicates.
  for (int i = 0; i < 20; ++i) common.push_back(test::RandomBlob(common_rng, 4096));

  std::mutex mu;
  std::map<Cid, std::string> acked;  // Guarded by mu.
  std::vector<Cid> acked_list;       // Guarded by mu.
  std::atomic<int> writers_left{kWriters};
  std::atomic<uint64_t> reads_checked{0};
  // On the fault backend a sync costs nothing, so writers might never overlap by chance: the
  // first sync is held until every writer has started a put, so that the ones behind it queue
  // and must share a group.
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  int writers_started = 0;  // Guarded by gate_mu.
  bool gate_used = false;   // Guarded by gate_mu.
  if (GetParam() == Backend::kFault) {
    fs_.SetSyncHook([&] {
      std::unique_lock<std::mutex> lock(gate_mu);
      if (gate_used) return;
      gate_used = true;
      // Bounded, so that a writer that failed early cannot hang the test.
      gate_cv.wait_for(lock, std::chrono::seconds(20), [&] { return writers_started == kWriters; });
    });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      auto write = [&] {
        std::mt19937_64 rng(1000 + static_cast<uint64_t>(t));
        {
          std::lock_guard<std::mutex> lock(gate_mu);
          ++writers_started;
        }
        gate_cv.notify_all();
        for (int i = 0; i < kPutsPerWriter; ++i) {
          std::string b = i % 8 == 0 ? common[rng() % common.size()] : test::RandomBlob(rng, 8192);
          auto cid = store->PutBlob(std::string_view(b));
          ASSERT_TRUE(cid.ok()) << cid.status().ToString();
          ASSERT_EQ(*cid, RawCid(b));
          std::lock_guard<std::mutex> lock(mu);
          if (acked.emplace(*cid, std::move(b)).second) acked_list.push_back(*cid);
        }
      };
      write();
      writers_left.fetch_sub(1);  // Also after a failed assertion, so readers stop.
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      std::mt19937_64 rng(2000 + static_cast<uint64_t>(r));
      while (writers_left.load() > 0) {
        std::vector<std::pair<Cid, std::string>> pick;
        {
          std::lock_guard<std::mutex> lock(mu);
          for (int k = 0; k < 4 && !acked_list.empty(); ++k) {
            const Cid& c = acked_list[rng() % acked_list.size()];
            pick.emplace_back(c, acked[c]);
          }
        }
        if (pick.empty()) {
          std::this_thread::yield();
          continue;
        }
        // An acknowledged put is visible to every reader at once.
        auto got = store->Get(pick[0].first);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        ASSERT_EQ(*got, pick[0].second);
        auto has = store->Contains(pick[1 % pick.size()].first);
        ASSERT_TRUE(has.ok() && *has);
        std::vector<Cid> cids;
        for (const auto& p : pick) cids.push_back(p.first);
        auto many = store->MultiGet(cids);
        for (size_t k = 0; k < pick.size(); ++k) {
          ASSERT_TRUE(many[k].ok()) << many[k].status().ToString();
          ASSERT_EQ(*many[k], pick[k].second);
        }
        reads_checked.fetch_add(1 + pick.size());
      }
    });
  }
  for (auto& th : threads) th.join();
  fs_.SetSyncHook(nullptr);
  if (HasFatalFailure()) return;

  const StoreStats s = store->Stats();
  EXPECT_EQ(s.records, acked.size());
  EXPECT_EQ(s.puts, uint64_t{kWriters} * kPutsPerWriter);
  EXPECT_EQ(s.dedup_hits, s.puts - acked.size());
  EXPECT_LE(s.group_commits, s.puts);
  if (GetParam() == Backend::kFault) {
    // Where the first sync was held (above); on a real file system sharing depends on how long
    // fdatasync takes there (next to nothing on tmpfs), so it is reported below, not asserted.
    EXPECT_LT(s.group_commits, s.puts) << "no two puts ever shared a group commit";
  }
  EXPECT_LE(s.syncs, s.group_commits + s.segments) << "one fdatasync per group (and rollover)";
  for (const auto& [cid, bytes] : acked) {
    auto got = store->Get(cid);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(*got, bytes);
  }
  EXPECT_EQ(test::WalkStore(store.get()).size(), acked.size());
  std::printf("[ store    ] %s: %llu puts in %llu group commits, %llu reads checked\n",
              BackendName(), static_cast<unsigned long long>(s.puts),
              static_cast<unsigned long long>(s.group_commits),
              static_cast<unsigned long long>(reads_checked.load()));
}

TEST_P(StoreTest, SecondOpenOfAnOpenStoreIsBusy) {
  const Options options = BaseOptions();
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, options);
  ASSERT_TRUE(store->PutBlob(std::string_view("held")).ok());
  auto second = Store::Open(options);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsBusy()) << second.status().ToString();
  // The failed open changed nothing for the holder.
  auto got = store->Get(RawCid("held"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_OK(store->Close());
  DDC_ASSERT_OPEN(store, options);
  EXPECT_TRUE(store->Get(RawCid("held")).ok());
}

TEST_P(StoreTest, InvalidOptionsAreRejected) {
  auto expect_invalid = [](const Options& o, const char* what) {
    auto r = Store::Open(o);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << what << ": " << r.status().ToString();
  };
  Options o = BaseOptions();
  o.segment_bytes = kMinSegmentBytes - 1;
  expect_invalid(o, "segment_bytes below the minimum");
  o = BaseOptions();
  o.segment_bytes = kMaxSegmentBytes + 1;
  expect_invalid(o, "segment_bytes above the maximum");
  o = BaseOptions();
  o.max_record_bytes = 0;
  expect_invalid(o, "max_record_bytes 0");
  o = BaseOptions();
  o.max_record_bytes = kMaxRecordBytes + 1;
  expect_invalid(o, "max_record_bytes above kMaxRecordBytes");
  o = BaseOptions();
  o.segment_bytes = kMinSegmentBytes;
  o.max_record_bytes = kMinSegmentBytes;
  expect_invalid(o, "a segment that cannot hold one record");
  o = BaseOptions();
  o.dir.clear();
  expect_invalid(o, "empty dir");
  o = BaseOptions();
  o.durability = Durability::kSyncInterval;
  o.sync_interval_ms = 0;
  expect_invalid(o, "sync_interval_ms 0");
  // None of the above created anything.
  EXPECT_TRUE(ListDir(BaseOptions().dir).empty());

  // create_if_missing = false: NotFound for a missing directory and for an empty one, and
  // neither creates a store.
  o = BaseOptions();
  o.create_if_missing = false;
  auto r = Store::Open(o);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotFound()) << r.status().ToString();
  if (GetParam() == Backend::kFault) {
    ASSERT_OK(fs_.CreateDir(o.dir));
  } else {
    std::filesystem::create_directories(o.dir);
  }
  r = Store::Open(o);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotFound()) << r.status().ToString();
  for (const std::string& name : ListDir(o.dir))
    EXPECT_EQ(name.rfind("seg-", 0), std::string::npos);

  // error_if_exists: fine for a new store, InvalidArgument for an existing one.
  o = BaseOptions();
  o.error_if_exists = true;
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, o);
  ASSERT_TRUE(store->PutBlob(std::string_view("exists")).ok());
  ASSERT_OK(store->Close());
  r = Store::Open(o);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  // ... and the refused open left the store alone.
  o.error_if_exists = false;
  o.create_if_missing = false;
  DDC_ASSERT_OPEN(store, o);
  EXPECT_TRUE(store->Get(RawCid("exists")).ok());
}

TEST_P(StoreTest, CallsAfterCloseFail) {
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, BaseOptions());
  const Cid cid = *store->PutBlob(std::string_view("before close"));
  ASSERT_OK(store->Close());
  EXPECT_TRUE(store->PutBlob(std::string_view("after")).status().IsFailed());
  const std::vector<std::string> batch = {"a", "b"};
  auto spans = test::Spans(batch);
  for (const auto& r : store->PutBlobs(spans)) EXPECT_TRUE(r.status().IsFailed());
  EXPECT_TRUE(store->Get(cid).status().IsFailed());
  EXPECT_TRUE(store->Contains(cid).status().IsFailed());
  const Cid one[] = {cid};
  auto many = store->MultiGet(one);
  ASSERT_EQ(many.size(), 1u);
  EXPECT_TRUE(many[0].status().IsFailed());
  EXPECT_TRUE(store->Sync().IsFailed());
  EXPECT_TRUE(store->Close().IsFailed());
}

// store.h: after Close "further calls fail". An iterator made after Close must not present
// the store as empty with an OK status.
TEST_P(StoreTest, IteratorAfterCloseReportsFailure) {
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, BaseOptions());
  ASSERT_TRUE(store->PutBlob(std::string_view("before close")).ok());
  ASSERT_OK(store->Close());
  auto it = store->NewIterator();
  ASSERT_NE(it, nullptr);
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_FALSE(it->status().ok())
      << "an iterator of a closed store walked zero records and reported OK";
}

TEST_P(StoreTest, StatsArePlausible) {
  const Options options = BaseOptions();
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, options);
  StoreStats s = store->Stats();
  EXPECT_EQ(s.io_backend, BackendName());
  EXPECT_EQ(s.recovery, "clean");
  EXPECT_EQ(s.records, 0u);
  EXPECT_FALSE(s.opened_from_snapshot);

  // 20,000 small distinct blobs, in calls larger than one group may hold.
  constexpr int kRecords = 20000;
  constexpr int kBatch = 5000;
  static_assert(kBatch > kMaxGroupRecords);
  uint64_t logical = 0;
  for (int begin = 0; begin < kRecords; begin += kBatch) {
    std::vector<std::string> batch;
    for (int i = begin; i < begin + kBatch; ++i) {
      batch.push_back("blob-" + std::to_string(i) + std::string(static_cast<size_t>(i % 17), 'z'));
      logical += batch.back().size();
    }
    auto spans = test::Spans(batch);
    auto results = store->PutBlobs(spans);
    ASSERT_EQ(results.size(), batch.size());
    for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(store
                    ->Get(RawCid("blob-" + std::to_string(i) +
                                 std::string(static_cast<size_t>(i % 17), 'z')))
                    .ok());
  }
  const std::vector<Cid> five = {RawCid("blob-0"), RawCid("x"), RawCid("y"), RawCid("z"),
                                 RawCid("w")};
  ASSERT_EQ(store->MultiGet(five).size(), 5u);
  s = store->Stats();
  EXPECT_EQ(s.records, uint64_t{kRecords});
  EXPECT_EQ(s.puts, uint64_t{kRecords});
  EXPECT_EQ(s.dedup_hits, 0u);
  EXPECT_EQ(s.gets, 15u);
  EXPECT_EQ(s.logical_bytes, logical);
  EXPECT_LE(s.index_bytes_per_record, 32.0);
  EXPECT_GE(s.index_bytes_per_record, 16.0) << "a slot is 16 bytes";
  EXPECT_NEAR(s.index_bytes_per_record,
              static_cast<double>(s.index_bytes) / static_cast<double>(s.records), 1e-9);
  EXPECT_GE(s.group_commits, uint64_t{kRecords / kMaxGroupRecords});
  EXPECT_GE(s.syncs, s.group_commits) << "kSyncEveryGroup syncs every group";
  EXPECT_EQ(s.compressed_records, 0u);
  EXPECT_EQ(s.replayed_records, 0u);
  uint32_t files = 0;
  EXPECT_EQ(s.log_bytes, SegmentFileBytes(options.dir, &files));
  EXPECT_EQ(s.segments, files);
  EXPECT_GT(s.log_bytes, s.logical_bytes);  // Framing: 78 bytes of header and key a record.
  ASSERT_OK(store->Close());
  DDC_ASSERT_OPEN(store, options);
  const StoreStats r = store->Stats();
  EXPECT_EQ(r.records, s.records);
  EXPECT_EQ(r.logical_bytes, s.logical_bytes);
  EXPECT_EQ(r.log_bytes, s.log_bytes);
  EXPECT_EQ(r.index_bytes, s.index_bytes);
  EXPECT_EQ(r.puts, 0u);
  EXPECT_EQ(r.gets, 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Backend::kPosix, Backend::kUring, Backend::kFault),
                         BackendParamName);

}  // namespace
}  // namespace ddc
