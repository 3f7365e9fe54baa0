// Proves that the store places verified events in per-user timelines and one journal exactly
// as docs/FORMAT.md says, and that everything it reports can be checked independently:
//   - appends: positions, idempotent re-sends, conflicts (reused id, wrong prev link), time
//     order, bad signatures and malformed bytes rejected with nothing written, per-event
//     results in a batch, batch-signed events;
//   - reads: GetEvent, timeline iterators by position and by time in both directions, users of
//     a bucket, buckets;
//   - proofs: every timeline and journal root equals the one recomputed from the events alone,
//     every inclusion and consistency proof verifies with verify.h, tampered ones fail;
//   - checkpoints and ProveEvent bundles verify with the node's verifier key only;
//   - reopening (with the index snapshot, and without it) rebuilds the same state.
// Randomized parts print their seed (DDC_TEST_SEED replays them).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ddc/store.h"
#include "ddc/verify.h"
#include "engine/io/fault_file_system.h"
#include "tests/store/event_test_util.h"
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::AsBytes;
using test::MakeEvent;
using test::SignAndEncode;
using test::UserKey;

class EventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen(bool paranoid = false) {
    store_.reset();
    Options o = test::FaultOptions(&fs_);
    o.paranoid_open = paranoid;
    o.checkpoint_origin = "example.test/log";
    auto s = Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  AppendResult MustAppend(const std::string& bytes) {
    auto r = store_->Append(bytes);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : AppendResult{};
  }

  io::FaultFileSystem fs_;
  std::unique_ptr<Store> store_;
  std::mt19937_64 rng_{42};
};

TEST_F(EventStoreTest, AppendPlacesEventsInTimelineAndJournal) {
  const KeyPair alice = UserKey(1);
  const KeyPair bob = UserKey(2);
  test::ExpectedTimeline ta;
  test::ExpectedJournal journal;
  for (int i = 0; i < 5; ++i) {
    const KeyPair& who = i % 2 == 0 ? alice : bob;
    const std::string bytes =
        SignAndEncode(MakeEvent(rng_, 9, who, "e" + std::to_string(i), 1000 + i), who);
    const AppendResult r = MustAppend(bytes);
    EXPECT_EQ(r.cid, EventCid(AsBytes(bytes)));
    EXPECT_EQ(r.journal_index, static_cast<uint64_t>(i));
    EXPECT_EQ(r.position, static_cast<uint64_t>(i / 2));
    EXPECT_FALSE(r.existed);
    auto got = store_->Get(r.cid);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, bytes);
    if (&who == &alice) ta.Add(r.cid);
  }
  auto info = store_->Timeline(9, alice.public_key);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, 3u);
  EXPECT_EQ(info->root, ta.Root(3));
  EXPECT_EQ(info->head, ta.cids.back());
  EXPECT_EQ(store_->Journal().size, 5u);
  EXPECT_TRUE(store_->Timeline(10, alice.public_key).status().IsNotFound());
  EXPECT_TRUE(store_->Timeline(9, UserKey(3).public_key).status().IsNotFound());
  auto ev = store_->GetEvent(ta.cids[1]);
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->id, "e2");
  EXPECT_TRUE(store_->GetEvent(Cid::Of(Codec::kRaw, std::string_view("x"))).status().IsNotFound());
}

TEST_F(EventStoreTest, ResendIsIdempotentAndWritesNothing) {
  const KeyPair alice = UserKey(1);
  const std::string a = SignAndEncode(MakeEvent(rng_, 1, alice, "a", 1), alice);
  const std::string b = SignAndEncode(MakeEvent(rng_, 1, alice, "b", 2), alice);
  const AppendResult ra = MustAppend(a);
  MustAppend(b);
  const uint64_t bytes_before = store_->Stats().log_bytes;
  auto again = store_->Append(a);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->existed);
  EXPECT_EQ(again->cid, ra.cid);
  EXPECT_EQ(again->position, 0u);
  EXPECT_EQ(again->journal_index, 0u);
  EXPECT_EQ(store_->Stats().log_bytes, bytes_before);
  EXPECT_EQ(store_->Timeline(1, alice.public_key)->size, 2u);
  // Twice in one batch: one record, the same placement for both.
  const std::string c = SignAndEncode(MakeEvent(rng_, 1, alice, "c", 3), alice);
  std::vector<std::span<const uint8_t>> twice = {AsBytes(c), AsBytes(c)};
  auto rs = store_->AppendBatch(twice);
  ASSERT_TRUE(rs[0].ok() && rs[1].ok());
  EXPECT_FALSE(rs[0]->existed);
  EXPECT_TRUE(rs[1]->existed);
  EXPECT_EQ(rs[0]->position, rs[1]->position);
  EXPECT_EQ(store_->Journal().size, 3u);
}

TEST_F(EventStoreTest, ReusedIdIsAConflict) {
  const KeyPair alice = UserKey(1);
  const AppendResult first = MustAppend(SignAndEncode(MakeEvent(rng_, 1, alice, "id-1", 5), alice));
  auto r = store_->Append(SignAndEncode(MakeEvent(rng_, 1, alice, "id-1", 6), alice));
  ASSERT_TRUE(r.status().IsConflict()) << r.status().ToString();
  EXPECT_NE(r.status().message().find(first.cid.ToString()), std::string::npos)
      << r.status().message();
  // The same id is free for another user and in another bucket.
  const KeyPair bob = UserKey(2);
  EXPECT_TRUE(store_->Append(SignAndEncode(MakeEvent(rng_, 1, bob, "id-1", 6), bob)).ok());
  EXPECT_TRUE(store_->Append(SignAndEncode(MakeEvent(rng_, 2, alice, "id-1", 6), alice)).ok());
  EXPECT_EQ(store_->Timeline(1, alice.public_key)->size, 1u);
}

TEST_F(EventStoreTest, PrevLinkMustBeTheTimelineHead) {
  const KeyPair alice = UserKey(1);
  Event orphan = MakeEvent(rng_, 1, alice, "o", 1);
  orphan.prev = Cid::Of(Codec::kDagCbor, std::string_view("nothing"));
  auto r = store_->Append(SignAndEncode(orphan, alice));
  EXPECT_TRUE(r.status().IsConflict()) << r.status().ToString();

  const AppendResult first = MustAppend(SignAndEncode(MakeEvent(rng_, 1, alice, "a", 1), alice));
  const AppendResult second = MustAppend(SignAndEncode(MakeEvent(rng_, 1, alice, "b", 2), alice));
  Event stale = MakeEvent(rng_, 1, alice, "c", 3);
  stale.prev = first.cid;  // Not the head any more: a fork.
  r = store_->Append(SignAndEncode(stale, alice));
  EXPECT_TRUE(r.status().IsConflict()) << r.status().ToString();
  EXPECT_NE(r.status().message().find(second.cid.ToString()), std::string::npos);
  Event linked = MakeEvent(rng_, 1, alice, "c", 3);
  linked.prev = second.cid;
  EXPECT_EQ(MustAppend(SignAndEncode(linked, alice)).position, 2u);
}

TEST_F(EventStoreTest, TimestampsMayNotGoBack) {
  const KeyPair alice = UserKey(1);
  MustAppend(SignAndEncode(MakeEvent(rng_, 1, alice, "a", 100), alice));
  auto r = store_->Append(SignAndEncode(MakeEvent(rng_, 1, alice, "b", 99), alice));
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  EXPECT_TRUE(store_->Append(SignAndEncode(MakeEvent(rng_, 1, alice, "c", 100), alice)).ok());
}

TEST_F(EventStoreTest, BadEventsAreRejectedAndNothingIsWritten) {
  const KeyPair alice = UserKey(1);
  const std::string good = SignAndEncode(MakeEvent(rng_, 1, alice, "a", 1), alice);
  const uint64_t bytes_before = store_->Stats().log_bytes;
  // Signed by someone else.
  Event forged = MakeEvent(rng_, 1, alice, "f", 1);
  ASSERT_TRUE(SignEvent(&forged, alice).ok());
  forged.signature[5] ^= 1;
  auto forged_bytes = EncodeEvent(forged);
  ASSERT_TRUE(forged_bytes.ok());
  EXPECT_TRUE(store_->Append(*forged_bytes).status().IsInvalidArgument());
  // Any flipped byte.
  for (size_t i = 0; i < good.size(); i += 7) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    auto r = store_->Append(bad);
    EXPECT_FALSE(r.ok()) << "byte " << i;
  }
  EXPECT_TRUE(store_->Append(std::string_view("")).status().IsInvalidArgument());
  EXPECT_TRUE(store_->Append(std::string(kMaxEventBytes + 1, 'x')).status().IsInvalidArgument());
  EXPECT_EQ(store_->Stats().log_bytes, bytes_before);
  EXPECT_EQ(store_->Journal().size, 0u);
  EXPECT_TRUE(store_->Append(good).ok());
}

TEST_F(EventStoreTest, BatchGivesAResultPerEvent) {
  const KeyPair alice = UserKey(1);
  std::vector<std::string> events;
  for (int i = 0; i < 10; ++i) {
    events.push_back(SignAndEncode(MakeEvent(rng_, 3, alice, "b" + std::to_string(i), i), alice));
  }
  events[4][events[4].size() - 3] ^= 1;  // Breaks the signature.
  auto spans = test::Spans(events);
  auto rs = store_->AppendBatch(spans);
  ASSERT_EQ(rs.size(), events.size());
  uint64_t expect_pos = 0;
  for (size_t i = 0; i < rs.size(); ++i) {
    if (i == 4) {
      EXPECT_FALSE(rs[i].ok());
      continue;
    }
    ASSERT_TRUE(rs[i].ok()) << i << ": " << rs[i].status().ToString();
    EXPECT_EQ(rs[i]->position, expect_pos++);
  }
  EXPECT_EQ(store_->Timeline(3, alice.public_key)->size, 9u);
}

TEST_F(EventStoreTest, BatchSignedEventsAreAccepted) {
  const KeyPair alice = UserKey(1);
  std::vector<Event> batch;
  for (int i = 0; i < 1000; ++i) batch.push_back(MakeEvent(rng_, 4, alice, std::to_string(i), i));
  ASSERT_TRUE(SignBatch(batch, alice).ok());
  std::vector<std::string> bytes;
  for (const Event& e : batch) bytes.push_back(*EncodeEvent(e));
  // One event whose path was altered: only it fails.
  Event bent = batch[500];
  bent.batch->path[0][0] ^= 1;
  bytes[500] = *EncodeEvent(bent);
  auto spans = test::Spans(bytes);
  auto rs = store_->AppendBatch(spans);
  size_t ok = 0;
  for (size_t i = 0; i < rs.size(); ++i) {
    if (i == 500) {
      EXPECT_TRUE(rs[i].status().IsInvalidArgument()) << rs[i].status().ToString();
    } else {
      ok += rs[i].ok() ? 1 : 0;
    }
  }
  EXPECT_EQ(ok, 999u);
  // A batch signature that does not verify fails every event that carries it.
  std::vector<Event> second;
  for (int i = 0; i < 5; ++i)
    second.push_back(MakeEvent(rng_, 4, alice, "s" + std::to_string(i), 2000));
  ASSERT_TRUE(SignBatch(second, alice).ok());
  std::vector<std::string> second_bytes;
  for (Event e : second) {
    e.signature[0] ^= 1;
    second_bytes.push_back(*EncodeEvent(e));
  }
  auto second_spans = test::Spans(second_bytes);
  for (const auto& r : store_->AppendBatch(second_spans)) EXPECT_FALSE(r.ok());
  EXPECT_EQ(store_->Timeline(4, alice.public_key)->size, 999u);
}

TEST_F(EventStoreTest, TimelineIteratorsByPositionAndTime) {
  const KeyPair alice = UserKey(1);
  std::vector<Cid> cids;
  // Times 0, 10, 10, 20, 30, ... (a repeated time to test the run handling).
  std::vector<uint64_t> times = {0, 10, 10, 20, 30, 40, 50};
  for (size_t i = 0; i < times.size(); ++i) {
    cids.push_back(
        MustAppend(
            SignAndEncode(MakeEvent(rng_, 5, alice, "t" + std::to_string(i), times[i]), alice))
            .cid);
  }
  auto walk = [&](TimelineSeek seek) {
    std::vector<uint64_t> positions;
    auto it = store_->NewTimelineIterator(5, alice.public_key, seek);
    EXPECT_TRUE(it.ok()) << it.status().ToString();
    if (!it.ok()) return positions;
    for (; (*it)->Valid(); (*it)->Next()) {
      EXPECT_EQ((*it)->cid(), cids[(*it)->position()]);
      EXPECT_EQ((*it)->event().timestamp_ms, times[(*it)->position()]);
      EXPECT_EQ(EventCid(AsBytes((*it)->bytes())), (*it)->cid());
      positions.push_back((*it)->position());
    }
    EXPECT_TRUE((*it)->status().ok());
    return positions;
  };
  using V = std::vector<uint64_t>;
  EXPECT_EQ(walk({}), (V{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(walk({TimelineSeek::By::kPosition, 4, 0, false}), (V{4, 5, 6}));
  EXPECT_EQ(walk({TimelineSeek::By::kPosition, 2, 0, true}), (V{2, 1, 0}));
  EXPECT_EQ(walk({TimelineSeek::By::kPosition, 99, 0, true}), (V{6, 5, 4, 3, 2, 1, 0}));
  EXPECT_EQ(walk({TimelineSeek::By::kPosition, 99, 0, false}), V{});
  EXPECT_EQ(walk({TimelineSeek::By::kTime, 0, 10, false}), (V{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(walk({TimelineSeek::By::kTime, 0, 15, false}), (V{3, 4, 5, 6}));
  EXPECT_EQ(walk({TimelineSeek::By::kTime, 0, 10, true}), (V{2, 1, 0}));
  EXPECT_EQ(walk({TimelineSeek::By::kTime, 0, 51, false}), V{});
  EXPECT_EQ(walk({TimelineSeek::By::kTime, 0, 5, true}), (V{0}));
  EXPECT_TRUE(store_->NewTimelineIterator(6, alice.public_key, {}).status().IsNotFound());
}

TEST_F(EventStoreTest, UsersOfABucketAndBuckets) {
  std::vector<KeyPair> users;
  for (uint32_t u = 0; u < 5; ++u) users.push_back(UserKey(100 + u));
  for (int round = 0; round < 3; ++round) {
    for (uint32_t u = 0; u < 5; ++u) {
      const uint64_t bucket = u < 3 ? 11 : 12;
      MustAppend(SignAndEncode(
          MakeEvent(rng_, bucket, users[u], "r" + std::to_string(round), round), users[u]));
    }
  }
  std::vector<PublicKey> seen;
  for (auto it = store_->NewUserIterator(11); it->Valid(); it->Next()) {
    seen.push_back(it->timeline().user);
    EXPECT_EQ(it->timeline().size, 3u);
  }
  ASSERT_EQ(seen.size(), 3u);
  for (uint32_t u = 0; u < 3; ++u) EXPECT_EQ(seen[u], users[u].public_key);
  EXPECT_EQ(store_->Buckets(), (std::vector<uint64_t>{11, 12}));
  EXPECT_FALSE(store_->NewUserIterator(13)->Valid());
}

// Appends a random mix of users and buckets, recomputing every tree from the events.
struct Workload {
  std::map<std::pair<uint64_t, PublicKey>, test::ExpectedTimeline> timelines;
  test::ExpectedJournal journal;
  std::vector<std::pair<uint64_t, PublicKey>> order;  // Journal index -> timeline.
  std::map<std::pair<uint64_t, PublicKey>, uint64_t> next_time;
};

void RunWorkload(Store* store, std::mt19937_64& rng, int events, Workload* w) {
  std::vector<KeyPair> users;
  for (uint32_t u = 0; u < 6; ++u) users.push_back(UserKey(200 + u));
  for (int n = 0; n < events; ++n) {
    const size_t i = w->order.size();
    const KeyPair& user = users[rng() % users.size()];
    const uint64_t bucket = 1 + rng() % 2;
    const auto key = std::make_pair(bucket, user.public_key);
    uint64_t& t = w->next_time[key];
    t += rng() % 3;
    auto r = store->Append(
        SignAndEncode(MakeEvent(rng, bucket, user, "w" + std::to_string(i), t, 16), user));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    test::ExpectedTimeline& tl = w->timelines[key];
    ASSERT_EQ(r->position, tl.cids.size());
    ASSERT_EQ(r->journal_index, w->journal.leaves.size());
    tl.Add(r->cid);
    w->journal.Add(bucket, user.public_key, r->position, r->cid, tl.Root(tl.cids.size()));
    w->order.push_back(key);
  }
}

void CheckAgainst(Store* store, const Workload& w) {
  const JournalInfo j = store->Journal();
  ASSERT_EQ(j.size, w.journal.leaves.size());
  EXPECT_EQ(j.root, w.journal.Root(j.size));
  for (const auto& [key, tl] : w.timelines) {
    auto info = store->Timeline(key.first, key.second);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->size, tl.cids.size());
    EXPECT_EQ(info->root, tl.Root(tl.cids.size()));
  }
}

TEST_F(EventStoreTest, RootsAndProofsMatchRecomputationAndVerify) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  Workload w;
  RunWorkload(store_.get(), rng, 300, &w);
  CheckAgainst(store_.get(), w);
  for (const auto& [key, tl] : w.timelines) {
    const uint64_t n = tl.cids.size();
    for (uint64_t size = 1; size <= n; ++size) {
      auto root = store_->TimelineRoot(key.first, key.second, size);
      ASSERT_TRUE(root.ok());
      ASSERT_EQ(*root, tl.Root(size));
      for (uint64_t pos = 0; pos < size; ++pos) {
        auto proof = store_->TimelineInclusionProof(key.first, key.second, pos, size);
        ASSERT_TRUE(proof.ok()) << proof.status().ToString();
        ASSERT_TRUE(VerifyInclusionProof(pos, size, tl.leaves[pos], *proof, *root).ok());
        if (!proof->empty()) {
          auto bad = *proof;
          bad[rng() % bad.size()][rng() % 32] ^= 1;
          EXPECT_FALSE(VerifyInclusionProof(pos, size, tl.leaves[pos], bad, *root).ok());
        }
      }
      for (uint64_t old_size = 0; old_size <= size; ++old_size) {
        auto proof = store_->TimelineConsistencyProof(key.first, key.second, old_size, size);
        ASSERT_TRUE(proof.ok()) << proof.status().ToString();
        EXPECT_TRUE(VerifyConsistencyProof(old_size, size, tl.Root(old_size), *root, *proof).ok())
            << old_size << " -> " << size;
      }
    }
    EXPECT_TRUE(store_->TimelineInclusionProof(key.first, key.second, 0, n + 1)
                    .status()
                    .IsInvalidArgument());
    EXPECT_TRUE(
        store_->TimelineInclusionProof(key.first, key.second, n, n).status().IsInvalidArgument());
  }
  const uint64_t m = w.journal.leaves.size();
  for (uint64_t size : {uint64_t{1}, uint64_t{7}, m / 2, m}) {
    auto root = store_->JournalRoot(size);
    ASSERT_TRUE(root.ok());
    ASSERT_EQ(*root, w.journal.Root(size));
    for (uint64_t i = 0; i < size; ++i) {
      auto proof = store_->JournalInclusionProof(i, size);
      ASSERT_TRUE(proof.ok());
      ASSERT_TRUE(VerifyInclusionProof(i, size, w.journal.leaves[i], *proof, *root).ok());
    }
    auto cons = store_->JournalConsistencyProof(size / 3, size);
    ASSERT_TRUE(cons.ok());
    EXPECT_TRUE(
        VerifyConsistencyProof(size / 3, size, w.journal.Root(size / 3), *root, *cons).ok());
  }
  EXPECT_TRUE(store_->JournalRoot(m + 1).status().IsInvalidArgument());
}

TEST_F(EventStoreTest, ReopenRebuildsTheSameState) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  Workload w;
  RunWorkload(store_.get(), rng, 200, &w);
  ASSERT_TRUE(store_->Checkpoint().ok());
  ASSERT_OK(store_->Close());
  Reopen();  // From both snapshots: no event record is decoded.
  EXPECT_TRUE(store_->Stats().opened_from_snapshot);
  EXPECT_TRUE(store_->Stats().events_from_snapshot);
  CheckAgainst(store_.get(), w);
  EXPECT_EQ(store_->Checkpoints().size(), 1u);
  RunWorkload(store_.get(), rng, 100, &w);
  CheckAgainst(store_.get(), w);
  ASSERT_OK(store_->Close());
  Reopen(/*paranoid=*/true);  // Without the snapshots: every event record is replayed.
  EXPECT_FALSE(store_->Stats().events_from_snapshot);
  CheckAgainst(store_.get(), w);
  // A re-send after reopen is still recognised.
  auto it = store_->NewTimelineIterator(w.order[0].first, w.order[0].second, {});
  ASSERT_TRUE(it.ok());
  ASSERT_TRUE((*it)->Valid());
  auto again = store_->Append((*it)->bytes());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->existed);
  EXPECT_EQ(again->journal_index, 0u);
}

// events.snap is used only when it matches the index snapshot; a damaged one, or one of an
// older log position, is ignored (and said so) and the timelines are rebuilt from the log.
TEST_F(EventStoreTest, EventSnapshotIsUsedOnlyWhenItMatches) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  Workload w;
  RunWorkload(store_.get(), rng, 120, &w);
  ASSERT_TRUE(store_->Checkpoint().ok());
  ASSERT_OK(store_->Close());
  auto old_snapshot = fs_.ReadAll("/db/events.snap");
  ASSERT_TRUE(old_snapshot.ok()) << old_snapshot.status().ToString();
  Reopen();
  ASSERT_TRUE(store_->Stats().events_from_snapshot);
  RunWorkload(store_.get(), rng, 80, &w);
  ASSERT_OK(store_->Close());

  // An events.snap of an older position than index.snap.
  ASSERT_OK(fs_.WriteAll("/db/events.snap", *old_snapshot));
  Reopen();
  EXPECT_FALSE(store_->Stats().events_from_snapshot);
  EXPECT_NE(store_->Stats().recovery.find("event snapshot not used"), std::string::npos)
      << store_->Stats().recovery;
  CheckAgainst(store_.get(), w);
  EXPECT_EQ(store_->Checkpoints().size(), 1u);
  ASSERT_OK(store_->Close());  // Writes a matching one again.
  Reopen();
  EXPECT_TRUE(store_->Stats().events_from_snapshot);
  CheckAgainst(store_.get(), w);
  EXPECT_EQ(store_->Checkpoints().size(), 1u);
  ASSERT_OK(store_->Close());

  // A damaged one: any flipped bit is caught by a checksum.
  auto size = fs_.ReadAll("/db/events.snap");
  ASSERT_TRUE(size.ok());
  ASSERT_OK(fs_.FlipBit("/db/events.snap", rng() % size->size(), static_cast<uint8_t>(rng() % 8)));
  Reopen();
  EXPECT_FALSE(store_->Stats().events_from_snapshot);
  CheckAgainst(store_.get(), w);
}

TEST_F(EventStoreTest, CheckpointsAndEventProofsVerifyWithTheNodeKeyAlone) {
  const KeyPair alice = UserKey(1);
  std::vector<AppendResult> placed;
  for (int i = 0; i < 20; ++i) {
    placed.push_back(
        MustAppend(SignAndEncode(MakeEvent(rng_, 8, alice, std::to_string(i), i), alice)));
  }
  // Not sealed yet.
  EXPECT_TRUE(store_->ProveEvent(placed[3].cid).status().IsNotFound());
  auto cp = store_->Checkpoint();
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->size, 20u);
  EXPECT_EQ(cp->root, store_->Journal().root);
  EXPECT_EQ(cp->origin, "example.test/log");
  const std::string key = store_->NodeVerifierKey();
  auto checked = VerifyCheckpoint(cp->note, key);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(checked->size, 20u);
  EXPECT_EQ(checked->root, cp->root);
  EXPECT_EQ(checked->time_ms, cp->time_ms);
  // The note is stored as a record under its CID.
  auto stored = store_->Get(cp->cid);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, cp->note);

  for (const AppendResult& a : placed) {
    auto proof = store_->ProveEvent(a.cid);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    auto v = VerifyEventProof(*proof, key);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(v->cid, a.cid);
    EXPECT_EQ(v->position, a.position);
    EXPECT_EQ(v->journal_index, a.journal_index);
    EXPECT_EQ(v->checkpoint_size, 20u);
    // The bundle survives its encoding.
    auto encoded = EncodeEventProof(*proof);
    ASSERT_TRUE(encoded.ok());
    auto decoded = DecodeEventProof(AsBytes(*encoded));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, *proof);
  }
  // Tampering with any part fails verification.
  auto proof = *store_->ProveEvent(placed[7].cid);
  {
    EventProof p = proof;
    p.position += 1;
    EXPECT_FALSE(VerifyEventProof(p, key).ok());
  }
  {
    EventProof p = proof;
    p.journal_path[0][3] ^= 1;
    EXPECT_FALSE(VerifyEventProof(p, key).ok());
  }
  {
    EventProof p = proof;
    p.event[p.event.size() / 2] ^= 1;
    EXPECT_FALSE(VerifyEventProof(p, key).ok());
  }
  {
    EventProof p = proof;
    p.checkpoint[p.checkpoint.find('\n') + 1] ^= 1;  // The size line.
    EXPECT_FALSE(VerifyEventProof(p, key).ok());
  }
  // Another node's key does not verify this node's checkpoint.
  Options other = test::FaultOptions(&fs_);
  other.dir = "/other";
  other.checkpoint_origin = "example.test/log";
  auto other_store = Store::Open(other);
  ASSERT_TRUE(other_store.ok());
  EXPECT_FALSE(VerifyEventProof(proof, (*other_store)->NodeVerifierKey()).ok());

  // Later events are proved against a later checkpoint.
  const AppendResult late = MustAppend(SignAndEncode(MakeEvent(rng_, 8, alice, "late", 99), alice));
  EXPECT_TRUE(store_->ProveEvent(late.cid).status().IsNotFound());
  ASSERT_TRUE(store_->Checkpoint().ok());
  auto late_proof = store_->ProveEvent(late.cid);
  ASSERT_TRUE(late_proof.ok());
  EXPECT_TRUE(VerifyEventProof(*late_proof, key).ok());
  EXPECT_EQ(store_->Checkpoints().size(), 2u);
  // The node key survives reopening: old checkpoints still verify with the new key string.
  ASSERT_OK(store_->Close());
  Reopen();
  EXPECT_EQ(store_->NodeVerifierKey(), key);
  EXPECT_EQ(store_->Checkpoints().size(), 2u);
  EXPECT_TRUE(VerifyEventProof(*store_->ProveEvent(placed[0].cid), key).ok());
}

TEST_F(EventStoreTest, ConcurrentAppendersAndProvers) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 150;
  std::vector<std::thread> threads;
  std::atomic<bool> failed{false};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t);
      const KeyPair user = UserKey(300 + t);
      for (int i = 0; i < kPerThread; ++i) {
        auto r =
            store_->Append(SignAndEncode(MakeEvent(rng, 1, user, std::to_string(i), i, 16), user));
        if (!r.ok() || r->position != static_cast<uint64_t>(i)) failed = true;
        // Readers interleave: a proof of the newest event against the current root.
        auto info = store_->Timeline(1, user.public_key);
        if (!info.ok()) {
          failed = true;
          continue;
        }
        auto proof = store_->TimelineInclusionProof(1, user.public_key, info->size - 1, info->size);
        const auto leaf = timeline::LeafHash(info->head.ToBytes());
        if (!proof.ok() ||
            !VerifyInclusionProof(info->size - 1, info->size, leaf, *proof, info->root).ok()) {
          failed = true;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_FALSE(failed.load());
  EXPECT_EQ(store_->Journal().size, static_cast<uint64_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace ddc
