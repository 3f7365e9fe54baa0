// Proves that Store::Verify checks events and checkpoints, not only record framing: a good
// store with single and batch-signed events, prev links, compressed event records, blobs and
// checkpoints across several segments and reopenings passes with exact counts (events,
// timelines, batch signatures, checkpoints) and progress reports; and every kind of forgery a
// checksum cannot catch fails with Corruption naming the segment file, the record's offset and
// what is wrong: an event whose signature is bad, a batch member whose content changed, a
// batch whose one shared signature is bad, an event that breaks its timeline (prev link,
// time order, reused id, stored twice), an event record keyed by a raw CID, a checkpoint whose
// root lies, one beyond the journal written before it, one signed by another key.
//
// How: the store lives on an io::FaultFileSystem; forged records are appended to the last
// segment with valid header and body checksums and the next sequence number (log/format.h),
// exactly as the writer would frame them, so only the event and checkpoint checks can tell.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ddc/store.h"
#include "ddc/verify.h"
#include "engine/io/fault_file_system.h"
#include "engine/log/format.h"
#include "engine/timeline/checkpoint.h"
#include "tests/store/event_test_util.h"
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::AsBytes;
using test::MakeEvent;
using test::SignAndEncode;
using test::UserKey;

constexpr char kOrigin[] = "verify.example/log";

class VerifyEventsTest : public ::testing::Test {
 protected:
  void SetUp() override { Fresh(); }

  // An empty file system for a new store.
  void Fresh() {
    fs_ = std::make_unique<io::FaultFileSystem>();
    events_ = 0;
    options_ = test::FaultOptions(fs_.get());
    options_.checkpoint_origin = kOrigin;
    options_.segment_bytes = kMinSegmentBytes;  // Several segments.
    options_.max_record_bytes = 16 << 10;
  }

  std::unique_ptr<Store> Open() {
    auto s = Store::Open(options_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  AppendResult MustAppend(Store* store, const std::string& bytes) {
    auto r = store->Append(bytes);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : AppendResult{};
  }

  // A store opened twice: alice's linked events, bob's two signed batches across two
  // buckets, carol's compressible events, blobs, and three checkpoints. Sets the expected
  // counts.
  void BuildGoodStore() {
    std::unique_ptr<Store> store = Open();
    ASSERT_NE(store, nullptr);
    std::optional<Cid> head;
    for (int i = 0; i < 40; ++i) {
      Event e = MakeEvent(rng_, 1, alice_, "a" + std::to_string(i), 1000 + i / 2, 600);
      if (i % 2 == 1) e.prev = head;
      head = MustAppend(store.get(), SignAndEncode(e, alice_)).cid;
      ++events_;
    }
    for (int b = 0; b < 2; ++b) {
      std::vector<Event> batch;
      for (int i = 0; i < 6; ++i) {
        batch.push_back(MakeEvent(rng_, 1 + i % 2, bob_,
                                  "b" + std::to_string(b) + "-" + std::to_string(i), 2000 + b));
      }
      ASSERT_OK(SignBatch(batch, bob_));
      std::vector<std::string> bytes;
      for (const Event& e : batch) bytes.push_back(*EncodeEvent(e));
      batch_event_ = bytes[2];
      auto spans = test::Spans(bytes);
      for (const auto& r : store->AppendBatch(spans)) ASSERT_TRUE(r.ok()) << r.status().ToString();
      events_ += bytes.size();
    }
    ASSERT_TRUE(store->Checkpoint().ok());
    for (int i = 0; i < 5; ++i) {
      Event e = MakeEvent(rng_, 2, carol_, "c" + std::to_string(i), 3000);
      Scope text;
      text.name = "public";
      text.sealed = false;
      text.data = test::CompressibleBytes(rng_, 4000);
      e.scopes.push_back(text);
      MustAppend(store.get(), SignAndEncode(e, carol_));
      ++events_;
    }
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(store->PutBlob(test::RandomString(rng_, 900)).ok());
    ASSERT_TRUE(store->Checkpoint().ok());
    ASSERT_OK(store->Close());
    store = Open();
    ASSERT_NE(store, nullptr);
    alice_last_bytes_ = SignAndEncode(MakeEvent(rng_, 1, alice_, "a-last", 5000), alice_);
    alice_last_ = MustAppend(store.get(), alice_last_bytes_);
    ++events_;
    ASSERT_TRUE(store->Checkpoint().ok());
    journal_ = store->Journal();
    ASSERT_EQ(journal_.size, events_);
    ASSERT_OK(store->Close());
    timelines_ = 4;  // alice/1, bob/1, bob/2, carol/2.
    checkpoints_ = 3;
    records_ = events_ + checkpoints_ + 3;
    next_sequence_ = records_ + 1;
  }

  std::string LastSegmentPath() {
    auto names = fs_->ListDir("/db");
    EXPECT_TRUE(names.ok());
    std::string last;
    for (const std::string& n : *names) {
      if (n.rfind("seg-", 0) == 0 && n > last) last = n;
    }
    return "/db/" + last;
  }

  // Appends a record framed exactly as the writer frames one (valid checksums, the next
  // sequence number) to the last segment; returns "seg-NNNNNN.log offset N".
  std::string AppendRecord(log::RecordType type, const Cid& cid, std::string_view value) {
    const std::string path = LastSegmentPath();
    auto bytes = fs_->ReadAll(path);
    EXPECT_TRUE(bytes.ok());
    log::RecordHeader h;
    h.type = type;
    h.key_length = static_cast<uint16_t>(Cid::kBinaryBytes);
    h.value_length = static_cast<uint32_t>(value.size());
    h.raw_length = h.value_length;
    h.sequence = next_sequence_++;
    h.durable_offset = static_cast<uint32_t>(bytes->size());
    std::vector<uint8_t> record(h.on_disk_bytes());
    const auto key = cid.ToBytes();
    log::EncodeRecord(h, key, AsBytes(value), record.data());
    const uint64_t offset = bytes->size();
    bytes->insert(bytes->end(), record.begin(), record.end());
    EXPECT_OK(fs_->WriteAll(path, *bytes));
    return path.substr(path.rfind('/') + 1) + " offset " + std::to_string(offset);
  }

  std::string AppendEventRecord(const std::string& bytes) {
    return AppendRecord(log::RecordType::kEvent, EventCid(AsBytes(bytes)), bytes);
  }

  std::string NodeSeed() {
    auto seed = fs_->ReadAll("/db/node.key");
    EXPECT_TRUE(seed.ok());
    return seed.ok() ? std::string(seed->begin(), seed->end()) : std::string();
  }

  std::string SignedCheckpoint(const std::string& seed, uint64_t size, const Hash32& root) {
    auto signer = timeline::NoteSigner::FromSeed(kOrigin, AsBytes(seed));
    EXPECT_TRUE(signer.ok());
    timeline::Checkpoint c;
    c.origin = kOrigin;
    c.size = size;
    c.root = root;
    c.time_ms = 1700000000000;
    return signer->SignCheckpoint(c);
  }

  std::string AppendCheckpointRecord(const std::string& note) {
    return AppendRecord(log::RecordType::kCheckpoint, Cid::Of(Codec::kRaw, note), note);
  }

  // Verify must fail with Corruption naming `where` and saying `what`.
  void ExpectCorruption(const std::string& where, const std::string& what) {
    auto r = Store::Verify(options_);
    ASSERT_FALSE(r.ok()) << "a forged record passed verification (" << what << ")";
    EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    EXPECT_NE(r.status().message().find(where), std::string::npos)
        << "want " << where << " in: " << r.status().message();
    EXPECT_NE(r.status().message().find(what), std::string::npos)
        << "want \"" << what << "\" in: " << r.status().message();
  }

  std::unique_ptr<io::FaultFileSystem> fs_;
  Options options_;
  std::mt19937_64 rng_{7};
  const KeyPair alice_ = UserKey(1), bob_ = UserKey(2), carol_ = UserKey(3), dave_ = UserKey(4);
  uint64_t events_ = 0, timelines_ = 0, checkpoints_ = 0, records_ = 0, next_sequence_ = 0;
  JournalInfo journal_;
  AppendResult alice_last_;
  std::string alice_last_bytes_;
  std::string batch_event_;
};

TEST_F(VerifyEventsTest, GoodStorePassesWithExactCounts) {
  BuildGoodStore();
  std::vector<VerifyProgress> reports;
  auto r = Store::Verify(options_, [&](const VerifyProgress& p) { reports.push_back(p); });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->segments, 1u);
  EXPECT_EQ(r->records, records_);
  EXPECT_EQ(r->events, events_);
  EXPECT_EQ(r->timelines, timelines_);
  EXPECT_EQ(r->batch_signatures, 2u);
  EXPECT_EQ(r->checkpoints, checkpoints_);
  EXPECT_TRUE(r->checkpoint_signatures_checked);
  EXPECT_TRUE(r->snapshot_checked);
  EXPECT_EQ(r->notes, "");
  ASSERT_FALSE(reports.empty());
  EXPECT_EQ(reports.back().events, events_);
  EXPECT_EQ(reports.back().records, records_);
  EXPECT_EQ(reports.back().bytes_done, reports.back().bytes_total);
}

TEST_F(VerifyEventsTest, ForgedEventSignatureIsNamed) {
  BuildGoodStore();
  Event e = MakeEvent(rng_, 1, dave_, "forged", 1);
  ASSERT_OK(SignEvent(&e, dave_));
  e.signature[9] ^= 0x20;
  auto bytes = EncodeEvent(e);
  ASSERT_TRUE(bytes.ok());
  const std::string where = AppendEventRecord(*bytes);
  ExpectCorruption(where, "is not signed by its user");
  ExpectCorruption(where, EventCid(AsBytes(*bytes)).ToString());
}

TEST_F(VerifyEventsTest, BatchMemberWithChangedContentIsNamed) {
  BuildGoodStore();
  auto e = DecodeEvent(AsBytes(batch_event_));
  ASSERT_TRUE(e.ok());
  e->id = "b0-2-changed";  // The batch root and signature stay: the path no longer leads there.
  auto bytes = EncodeEvent(*e);
  ASSERT_TRUE(bytes.ok());
  ExpectCorruption(AppendEventRecord(*bytes), "is not signed by its user");
}

TEST_F(VerifyEventsTest, BadBatchSignatureIsNamed) {
  BuildGoodStore();
  std::vector<Event> batch;
  for (int i = 0; i < 3; ++i)
    batch.push_back(MakeEvent(rng_, 5, dave_, "d" + std::to_string(i), 1));
  ASSERT_OK(SignBatch(batch, dave_));
  for (Event& e : batch) e.signature[0] ^= 1;  // One shared signature, bad for all.
  const std::string where = AppendEventRecord(*EncodeEvent(batch[0]));
  AppendEventRecord(*EncodeEvent(batch[1]));
  ExpectCorruption(where, "is not signed by its user");
}

TEST_F(VerifyEventsTest, EventsThatBreakTheirTimelineAreNamed) {
  struct Case {
    std::string name;
    std::function<std::string()> forge;  // Returns the event's bytes.
    std::string what;
  };
  const std::vector<Case> cases = {
      {"prev is not the head",
       [this] {
         Event e = MakeEvent(rng_, 1, alice_, "fork", 6000);
         e.prev = Cid::Of(Codec::kDagCbor, std::string_view("not the head"));
         return SignAndEncode(e, alice_);
       },
       "breaks its timeline"},
      {"time goes back",
       [this] { return SignAndEncode(MakeEvent(rng_, 1, alice_, "early", 10), alice_); },
       "breaks its timeline"},
      {"id reused",
       [this] { return SignAndEncode(MakeEvent(rng_, 1, alice_, "a3", 6000), alice_); },
       "breaks its timeline"},
      {"stored twice", [this] { return alice_last_bytes_; }, "is stored twice"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Fresh();
    BuildGoodStore();
    ASSERT_EQ(EventCid(AsBytes(alice_last_bytes_)), alice_last_.cid) << "test setup";
    ExpectCorruption(AppendEventRecord(c.forge()), c.what);
  }
}

TEST_F(VerifyEventsTest, EventRecordKeyedByRawCidIsNamed) {
  BuildGoodStore();
  const std::string bytes = SignAndEncode(MakeEvent(rng_, 1, dave_, "raw", 1), dave_);
  ExpectCorruption(AppendRecord(log::RecordType::kEvent, Cid::Of(Codec::kRaw, bytes), bytes),
                   "not a dag-cbor CID");
}

TEST_F(VerifyEventsTest, CheckpointWhoseRootLiesIsNamed) {
  BuildGoodStore();
  Hash32 root = journal_.root;
  root[0] ^= 1;
  const std::string where =
      AppendCheckpointRecord(SignedCheckpoint(NodeSeed(), journal_.size, root));
  ExpectCorruption(where, "its root is not the root of the journal");
}

TEST_F(VerifyEventsTest, CheckpointOfAnOlderSizeWithTheNewerRootIsNamed) {
  BuildGoodStore();
  ExpectCorruption(
      AppendCheckpointRecord(SignedCheckpoint(NodeSeed(), journal_.size - 1, journal_.root)),
      "its root is not the root of the journal");
}

TEST_F(VerifyEventsTest, CheckpointBeyondTheJournalIsNamed) {
  BuildGoodStore();
  ExpectCorruption(
      AppendCheckpointRecord(SignedCheckpoint(NodeSeed(), journal_.size + 1, journal_.root)),
      "seals journal size " + std::to_string(journal_.size + 1));
}

TEST_F(VerifyEventsTest, CheckpointSignedByAnotherKeyIsNamed) {
  BuildGoodStore();
  const std::string other(32, 'k');
  ExpectCorruption(AppendCheckpointRecord(SignedCheckpoint(other, journal_.size, journal_.root)),
                   "does not verify under the node key (node.key)");
  // The same note under the right key passes: it was only the key.
  Fresh();
  BuildGoodStore();
  AppendCheckpointRecord(SignedCheckpoint(NodeSeed(), journal_.size, journal_.root));
  auto r = Store::Verify(options_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->checkpoints, checkpoints_ + 1);
}

TEST_F(VerifyEventsTest, NodeKeyFromOptionsOrNone) {
  // A store whose key comes from the options keeps no node.key: Verify checks signatures only
  // when it is given the seed, and says so.
  options_.node_key_seed = std::string(32, 's');
  BuildGoodStore();
  auto with_key = Store::Verify(options_);
  ASSERT_TRUE(with_key.ok()) << with_key.status().ToString();
  EXPECT_TRUE(with_key->checkpoint_signatures_checked);
  Options no_key = options_;
  no_key.node_key_seed.clear();
  auto without = Store::Verify(no_key);
  ASSERT_TRUE(without.ok()) << without.status().ToString();
  EXPECT_FALSE(without->checkpoint_signatures_checked);
  EXPECT_EQ(without->checkpoints, checkpoints_);
  EXPECT_NE(without->notes.find("checkpoint signatures not checked"), std::string::npos)
      << without->notes;
  Options wrong = options_;
  wrong.node_key_seed = std::string(32, 'w');
  auto r = Store::Verify(wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("none of the " + std::to_string(checkpoints_) +
                                      " checkpoints verifies under the node key"),
            std::string::npos)
      << r.status().message();
}

TEST_F(VerifyEventsTest, CheckpointsOfAnEarlierNodeKeyAreNotedNotCorruption) {
  // The node key changes (Options::node_key_seed): checkpoints signed before the change stay
  // valid history. Verify checks their roots, says it could not check their signatures, and
  // still refuses a checkpoint by another key once the node key has signed.
  options_.node_key_seed = std::string(32, 'a');
  BuildGoodStore();
  Options rotated = options_;
  rotated.node_key_seed = std::string(32, 'b');
  AppendCheckpointRecord(SignedCheckpoint(rotated.node_key_seed, journal_.size, journal_.root));
  auto r = Store::Verify(rotated);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->checkpoint_signatures_checked);
  EXPECT_EQ(r->checkpoints, checkpoints_ + 1);
  EXPECT_EQ(r->other_key_checkpoints, checkpoints_);
  EXPECT_NE(r->notes.find("signed by another key than the node's"), std::string::npos) << r->notes;
  // An old-key checkpoint after the new key's is not history: corruption.
  AppendCheckpointRecord(SignedCheckpoint(options_.node_key_seed, journal_.size, journal_.root));
  auto late = Store::Verify(rotated);
  ASSERT_FALSE(late.ok());
  EXPECT_TRUE(late.status().IsCorruption());
  EXPECT_NE(late.status().message().find("after checkpoints by the node key"), std::string::npos)
      << late.status().message();
}

}  // namespace
}  // namespace ddc
