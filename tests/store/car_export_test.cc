// The public CAR export API (include/ddc/car.h). The expected file is built here from the events
// the test appended (their bytes, their CIDs, the RFC 9162 root recomputed from them) with the
// engine's framing functions, which tests/store/car_test.cc checks against an independent
// reader; so these tests prove what the API adds on top: which events, in which order, at
// which size, what is skipped, and how errors end an export. They prove that
//   - a sink export and a file export write exactly the expected bytes, with true stats and a
//     progress report for every event of both passes;
//   - erased events stay listed in the timeline object but their blocks are left out;
//   - events appended during an export are not in it (one consistent size);
//   - a failing sink stops the export at once with its own status;
//   - an unknown user or bucket is NotFound and creates no file; a file export that fails
//     leaves neither a file nor a temporary file behind, and an existing file untouched.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ddc/car.h"
#include "ddc/erasure.h"
#include "ddc/store.h"
#include "engine/event/car.h"
#include "tests/store/event_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::MakeEvent;
using test::SignAndEncode;
using test::UserKey;

constexpr uint64_t kBucket = 4;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<std::string> DirEntries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

Cid CidOf(const std::string& event) {
  return EventCid(std::span(reinterpret_cast<const uint8_t*>(event.data()), event.size()));
}

// The CAR file of a timeline holding `events` (all of them listed), without the blocks of the
// positions in `erased`.
std::string ExpectedCar(const KeyPair& user, const std::vector<std::string>& events,
                        const std::vector<size_t>& erased = {}) {
  test::ExpectedTimeline timeline;
  for (const std::string& e : events) timeline.Add(CidOf(e));
  const std::string object = car::EncodeTimelineObject({.bucket = kBucket,
                                                        .user = user.public_key,
                                                        .root = timeline.Root(events.size()),
                                                        .events = timeline.cids});
  const Cid root = car::TimelineObjectCid(object);
  std::string out;
  EXPECT_TRUE(car::AppendHeader(std::span(&root, 1), &out).ok());
  car::AppendBlock(root, object, &out);
  for (size_t i = 0; i < events.size(); ++i) {
    if (std::find(erased.begin(), erased.end(), i) != erased.end()) continue;
    car::AppendBlock(timeline.cids[i], events[i], &out);
  }
  return out;
}

class CarExportApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options o;
    o.dir = tmp_.Sub("store");
    auto s = Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  // Appends `count` linked events of `user`; returns their bytes in order.
  std::vector<std::string> AppendChain(const KeyPair& user, int count) {
    std::vector<std::string> out;
    std::optional<Cid> prev;
    if (auto info = store_->Timeline(kBucket, user.public_key); info.ok()) {
      prev = *store_->TimelineEventCid(kBucket, user.public_key, info->size - 1);
    }
    for (int i = 0; i < count; ++i) {
      const int id = next_id_++;
      Event e = MakeEvent(rng_, kBucket, user, "e" + std::to_string(id), 1000 + id);
      e.prev = prev;
      out.push_back(SignAndEncode(e, user));
      auto r = store_->Append(out.back());
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (r.ok()) prev = r->cid;
    }
    return out;
  }

  test::TempDir tmp_;
  std::unique_ptr<Store> store_;
  std::mt19937_64 rng_{11};
  int next_id_ = 0;
};

TEST_F(CarExportApiTest, SinkAndFileExportsWriteTheTimelineWithStatsAndProgress) {
  const KeyPair alice = UserKey(1);
  const std::vector<std::string> events = AppendChain(alice, 25);
  AppendChain(UserKey(2), 3);  // Another user of the bucket: not exported.
  const std::string expected = ExpectedCar(alice, events);

  std::string streamed;
  std::vector<CarExportProgress> reports;
  auto stats = ExportTimelineCar(
      *store_, kBucket, alice.public_key,
      [&](std::string_view bytes) {
        streamed.append(bytes);
        return Status::OK();
      },
      [&](const CarExportProgress& p) { reports.push_back(p); });
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(streamed, expected);
  EXPECT_EQ(stats->bucket, kBucket);
  EXPECT_EQ(stats->events, 25u);
  EXPECT_EQ(stats->events_written, 25u);
  EXPECT_EQ(stats->erased, 0u);
  EXPECT_EQ(stats->blocks, 26u);
  EXPECT_EQ(stats->bytes, expected.size());
  // The root is the CID of the first block's data: the timeline object.
  test::ExpectedTimeline timeline;
  for (const std::string& e : events) timeline.Add(CidOf(e));
  EXPECT_EQ(stats->root,
            car::TimelineObjectCid(car::EncodeTimelineObject({.bucket = kBucket,
                                                              .user = alice.public_key,
                                                              .root = timeline.Root(events.size()),
                                                              .events = timeline.cids})));

  // One report per event per pass, in order, the last one at the full size.
  ASSERT_EQ(reports.size(), 50u);
  for (size_t i = 0; i < 25; ++i) {
    EXPECT_EQ(reports[i].phase, CarExportProgress::Phase::kListing) << i;
    EXPECT_EQ(reports[i].events_done, i + 1) << i;
    EXPECT_EQ(reports[i].events_total, 25u) << i;
    EXPECT_EQ(reports[25 + i].phase, CarExportProgress::Phase::kWriting) << i;
    EXPECT_EQ(reports[25 + i].events_done, i + 1) << i;
  }
  EXPECT_EQ(reports.back().bytes, expected.size());

  const std::string path = tmp_.Sub("alice.car");
  auto to_file = ExportTimelineCarToFile(*store_, kBucket, alice.public_key, path);
  ASSERT_TRUE(to_file.ok()) << to_file.status().ToString();
  EXPECT_EQ(Slurp(path), expected);
  EXPECT_EQ(to_file->root, stats->root);
  // The file replaces an existing one, and no temporary file is left.
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "old";
  ASSERT_TRUE(ExportTimelineCarToFile(*store_, kBucket, alice.public_key, path).ok());
  EXPECT_EQ(Slurp(path), expected);
  EXPECT_EQ(DirEntries(tmp_.path()), (std::vector<std::string>{"alice.car", "store"}));
}

TEST_F(CarExportApiTest, ErasedEventsStayListedWithoutTheirBlocks) {
  const KeyPair alice = UserKey(1);
  const std::vector<std::string> events = AppendChain(alice, 6);
  for (size_t position : {1u, 4u}) {
    Tombstone t;
    t.bucket = kBucket;
    t.user = alice.public_key;
    t.event = CidOf(events[position]);
    t.signer = alice.public_key;
    t.timestamp_ms = 5000;
    ASSERT_TRUE(SignTombstone(&t, alice).ok());
    auto bytes = EncodeTombstone(t);
    ASSERT_TRUE(bytes.ok());
    auto erased = store_->Erase(*bytes);
    ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  }
  std::string streamed;
  auto stats = ExportTimelineCar(*store_, kBucket, alice.public_key, [&](std::string_view bytes) {
    streamed.append(bytes);
    return Status::OK();
  });
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(streamed, ExpectedCar(alice, events, {1, 4}));
  EXPECT_EQ(stats->events, 6u);
  EXPECT_EQ(stats->events_written, 4u);
  EXPECT_EQ(stats->erased, 2u);
  EXPECT_EQ(stats->blocks, 5u);
}

TEST_F(CarExportApiTest, EventsAppendedDuringAnExportAreNotInIt) {
  const KeyPair alice = UserKey(1);
  const std::vector<std::string> events = AppendChain(alice, 10);
  std::string streamed;
  bool appended = false;
  auto stats = ExportTimelineCar(
      *store_, kBucket, alice.public_key,
      [&](std::string_view bytes) {
        streamed.append(bytes);
        return Status::OK();
      },
      [&](const CarExportProgress& p) {
        // Between the passes and in the middle of the second, the timeline grows.
        if (p.events_done == 5 && !appended) {
          appended = true;
          AppendChain(alice, 3);
        }
      });
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_TRUE(appended);
  EXPECT_EQ(store_->Timeline(kBucket, alice.public_key)->size, 13u);
  EXPECT_EQ(stats->events, 10u);
  EXPECT_EQ(streamed, ExpectedCar(alice, events));
}

TEST_F(CarExportApiTest, ASinkErrorStopsTheExportWithItsStatus) {
  const KeyPair alice = UserKey(1);
  const std::vector<std::string> events = AppendChain(alice, 8);
  const std::string expected = ExpectedCar(alice, events);
  for (size_t fail_at : {size_t{0}, size_t{1}, size_t{3}, size_t{9}}) {
    std::string streamed;
    size_t calls = 0;
    auto stats = ExportTimelineCar(*store_, kBucket, alice.public_key,
                                   [&](std::string_view bytes) -> Status {
                                     if (calls++ == fail_at) return Status::NoSpace("disk full");
                                     streamed.append(bytes);
                                     return Status::OK();
                                   });
    ASSERT_FALSE(stats.ok()) << fail_at;
    EXPECT_EQ(stats.status(), Status::NoSpace("disk full")) << fail_at;
    EXPECT_EQ(calls, fail_at + 1) << "no sink call after the failure";
    EXPECT_LT(streamed.size(), expected.size()) << fail_at;
    EXPECT_EQ(streamed, expected.substr(0, streamed.size())) << fail_at;
  }
}

TEST_F(CarExportApiTest, UnknownTimelinesAreNotFoundAndCreateNoFile) {
  const KeyPair alice = UserKey(1);
  AppendChain(alice, 2);
  bool sink_called = false;
  auto sink = [&](std::string_view) {
    sink_called = true;
    return Status::OK();
  };
  auto stranger = ExportTimelineCar(*store_, kBucket, UserKey(9).public_key, sink);
  ASSERT_FALSE(stranger.ok());
  EXPECT_TRUE(stranger.status().IsNotFound()) << stranger.status().ToString();
  EXPECT_NE(stranger.status().message().find("bucket 4"), std::string::npos);
  auto other_bucket = ExportTimelineCar(*store_, kBucket + 1, alice.public_key, sink);
  EXPECT_TRUE(other_bucket.status().IsNotFound()) << other_bucket.status().ToString();
  EXPECT_FALSE(sink_called);

  auto to_file =
      ExportTimelineCarToFile(*store_, kBucket, UserKey(9).public_key, tmp_.Sub("x.car"));
  EXPECT_TRUE(to_file.status().IsNotFound()) << to_file.status().ToString();
  EXPECT_EQ(DirEntries(tmp_.path()), std::vector<std::string>{"store"});
}

TEST_F(CarExportApiTest, AFailedFileExportLeavesNothingBehind) {
  const KeyPair alice = UserKey(1);
  AppendChain(alice, 3);
  // The target is a non-empty directory: the file is written, but the rename over it fails.
  std::filesystem::create_directory(tmp_.Sub("out.car"));
  std::ofstream(tmp_.Sub("out.car") + "/keep") << "x";
  auto into_dir = ExportTimelineCarToFile(*store_, kBucket, alice.public_key, tmp_.Sub("out.car"));
  ASSERT_FALSE(into_dir.ok());
  EXPECT_EQ(DirEntries(tmp_.path()), (std::vector<std::string>{"out.car", "store"}));
  EXPECT_EQ(Slurp(tmp_.Sub("out.car") + "/keep"), "x");
  // A missing directory fails at once.
  auto missing =
      ExportTimelineCarToFile(*store_, kBucket, alice.public_key, tmp_.Sub("no/such/dir/x.car"));
  EXPECT_FALSE(missing.ok());
  EXPECT_TRUE(
      ExportTimelineCarToFile(*store_, kBucket, alice.public_key, "").status().IsInvalidArgument());
}

}  // namespace
}  // namespace ddc
