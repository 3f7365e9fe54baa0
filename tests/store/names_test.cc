// Signed names through the store (Store::PutName, GetName, Names; include/ddc/names.h):
//   - put, get and list, per bucket and in name order; bad queries say why;
//   - only the bucket's owner may sign, and a store that cannot tell who owns a bucket (no
//     resolver, or no owner for that bucket) refuses with a message that says so; a refused
//     record writes nothing;
//   - sequence numbers: a record not above the current one is a Conflict, except the current
//     record itself again (idempotent, nothing written); an older record that is stored is
//     still refused;
//   - restart: the current names come back from events.snap, from a replay of the log without
//     it, and after a crash; events.snap files of versions 1 and 2 still open, and a version 2
//     file holding a name record is refused (and the names rebuilt from the log);
//   - threads: racing puts of one name leave exactly one winner per sequence number and the log
//     in rising sequence order; identical records from many threads are stored once;
//   - Store::Verify counts name records and catches a forged signature, a non-owner's record and
//     a sequence that goes back, each appended to the log with valid framing; an open refuses
//     the last as corruption;
//   - a name pointing at an erased event still answers its CID, which reads as Erased.
#include "ddc/names.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ddc/erasure.h"
#include "ddc/store.h"
#include "engine/base/hash.h"
#include "engine/base/hex.h"
#include "engine/io/fault_file_system.h"
#include "engine/log/format.h"
#include "tests/store/event_test_util.h"
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::AsBytes;
using test::UserKey;

constexpr uint64_t kBucket = 7;
constexpr uint64_t kOwnerless = 8;  // The resolver knows no owner for this bucket.

bool Has(const Status& s, std::string_view what) {
  return s.message().find(what) != std::string::npos;
}

class NamesTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  Options StoreOptions() {
    Options o = test::FaultOptions(&fs_);
    o.bucket_owner = [this](uint64_t bucket) -> std::optional<PublicKey> {
      if (bucket == kBucket || bucket == kBucket + 1000) return owner_.public_key;
      return std::nullopt;
    };
    return o;
  }

  void Reopen() {
    store_.reset();
    auto s = Store::Open(StoreOptions());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  std::string Record(const std::string& name, const Cid& target, uint64_t seq,
                     const KeyPair* signer = nullptr, uint64_t bucket = kBucket) {
    auto r = MakeName(bucket, name, target, seq, 600, 1700000000000 + seq,
                      signer != nullptr ? *signer : owner_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    auto bytes = EncodeName(*r);
    EXPECT_TRUE(bytes.ok());
    return bytes.ok() ? *bytes : std::string();
  }

  static Cid Target(const std::string& what) { return Cid::Of(Codec::kRaw, what); }

  // The target CID and sequence of a name, or a failure.
  std::pair<Cid, uint64_t> Current(const std::string& name, uint64_t bucket = kBucket) {
    auto got = store_->GetName(bucket, name);
    EXPECT_TRUE(got.ok()) << name << ": " << got.status().ToString();
    if (!got.ok()) return {};
    EXPECT_EQ(got->cid, NameRecordCid(AsBytes(got->bytes)));
    EXPECT_EQ(got->record, *DecodeName(AsBytes(got->bytes)));
    return {got->record.target, got->record.sequence};
  }

  io::FaultFileSystem fs_;
  std::unique_ptr<Store> store_;
  KeyPair owner_ = UserKey(900);
};

TEST_F(NamesTest, PutGetAndListPerBucket) {
  ASSERT_TRUE(store_->GetName(kBucket, "www").status().IsNotFound());
  EXPECT_TRUE(store_->Names(kBucket).empty());
  const std::string www = Record("www", Target("home"), 1);
  auto put = store_->PutName(www);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_FALSE(put->existed);
  EXPECT_EQ(put->cid, NameRecordCid(AsBytes(www)));
  ASSERT_TRUE(store_->PutName(Record("app/v2", Target("app"), 5)).ok());
  ASSERT_TRUE(store_->PutName(Record("a", Target("a"), 1)).ok());
  ASSERT_TRUE(
      store_->PutName(Record("www", Target("other bucket"), 1, nullptr, kBucket + 1000)).ok());

  EXPECT_EQ(Current("www"), std::make_pair(Target("home"), uint64_t{1}));
  auto got = store_->GetName(kBucket, "www");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->bytes, www);
  EXPECT_EQ(got->record.signer, owner_.public_key);
  // The record itself is readable by its CID.
  auto stored = store_->Get(put->cid);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(*stored, www);

  std::vector<std::string> listed;
  for (const StoredName& n : store_->Names(kBucket)) listed.push_back(n.record.name);
  EXPECT_EQ(listed, (std::vector<std::string>{"a", "app/v2", "www"}));
  ASSERT_EQ(store_->Names(kBucket + 1000).size(), 1u);
  EXPECT_EQ(Current("www", kBucket + 1000).first, Target("other bucket"));
  EXPECT_TRUE(store_->Names(kBucket + 1).empty());
  EXPECT_TRUE(store_->GetName(kBucket + 1, "www").status().IsNotFound());

  // A query that breaks the name rules says so rather than answering NotFound.
  Status bad = store_->GetName(kBucket, "WWW").status();
  EXPECT_TRUE(bad.IsInvalidArgument()) << bad.ToString();
  EXPECT_TRUE(Has(bad, "byte 0 is 'W'")) << bad.ToString();
  EXPECT_TRUE(store_->PutName(AsBytes("not a record")).status().IsInvalidArgument());
}

TEST_F(NamesTest, OnlyTheBucketOwnerMaySign) {
  ASSERT_TRUE(store_->PutName(Record("seed", Target("x"), 1)).ok());
  const uint64_t records = store_->Stats().records;
  const KeyPair mallory = UserKey(13);

  Status s = store_->PutName(Record("www", Target("evil"), 1, &mallory)).status();
  EXPECT_TRUE(s.IsPermissionDenied()) << s.ToString();
  EXPECT_TRUE(Has(s, "signed by " + Hex(mallory.public_key) + ", not by the owner of bucket 7"))
      << s.ToString();

  s = store_->PutName(Record("www", Target("x"), 1, &owner_, kOwnerless)).status();
  EXPECT_TRUE(s.IsPermissionDenied()) << s.ToString();
  EXPECT_TRUE(Has(s, "no owner is known for bucket 8")) << s.ToString();

  // A tampered record fails its signature before any owner check.
  std::string tampered = Record("www", Target("x"), 1);
  tampered[tampered.size() - 10] ^= 1;  // "www" becomes "wvw".
  s = store_->PutName(tampered).status();
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_TRUE(Has(s, "signature does not verify")) << s.ToString();

  EXPECT_EQ(store_->Stats().records, records);
  EXPECT_TRUE(store_->GetName(kBucket, "www").status().IsNotFound());
  EXPECT_TRUE(store_->GetName(kOwnerless, "www").status().IsNotFound());

  // A store without a resolver cannot tell who owns anything.
  store_.reset();
  Options o = test::FaultOptions(&fs_);
  auto plain = Store::Open(o);
  ASSERT_TRUE(plain.ok());
  s = (*plain)->PutName(Record("www", Target("x"), 1)).status();
  EXPECT_TRUE(s.IsPermissionDenied()) << s.ToString();
  EXPECT_TRUE(Has(s, "no bucket owner resolver (Options::bucket_owner)")) << s.ToString();
  // Reading needs no owner.
  EXPECT_TRUE((*plain)->GetName(kBucket, "seed").ok());
}

TEST_F(NamesTest, SequenceNumbersOnlyGoUp) {
  const std::string v2 = Record("www", Target("two"), 2);
  ASSERT_TRUE(store_->PutName(v2).ok());
  const uint64_t records = store_->Stats().records;

  Status lower = store_->PutName(Record("www", Target("one"), 1)).status();
  EXPECT_TRUE(lower.IsConflict()) << lower.ToString();
  EXPECT_TRUE(Has(lower,
                  "sequence 1 of name \"www\" of bucket 7 is not above the current "
                  "record's 2"))
      << lower.ToString();
  Status same_seq = store_->PutName(Record("www", Target("other two"), 2)).status();
  EXPECT_TRUE(same_seq.IsConflict()) << same_seq.ToString();

  // The current record again: idempotent, nothing written.
  auto again = store_->PutName(v2);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->existed);
  EXPECT_EQ(store_->Stats().records, records);

  auto v3 = store_->PutName(Record("www", Target("three"), 3));
  ASSERT_TRUE(v3.ok()) << v3.status().ToString();
  EXPECT_FALSE(v3->existed);
  // The old record is stored, byte for byte, but it is no longer current: refused.
  Status old = store_->PutName(v2).status();
  EXPECT_TRUE(old.IsConflict()) << old.ToString();
  EXPECT_EQ(Current("www"), std::make_pair(Target("three"), uint64_t{3}));
  // Gaps are fine; the extremes are fine.
  ASSERT_TRUE(store_->PutName(Record("www", Target("max"), UINT64_MAX)).ok());
  EXPECT_TRUE(store_->PutName(Record("www", Target("x"), UINT64_MAX - 1)).status().IsConflict());
  ASSERT_TRUE(store_->PutName(Record("zero", Target("z"), 0)).ok());
  EXPECT_EQ(Current("www").second, UINT64_MAX);
}

TEST_F(NamesTest, SurvivesReopenWithAndWithoutSnapshotAndACrash) {
  ASSERT_TRUE(store_->PutName(Record("www", Target("one"), 1)).ok());
  ASSERT_TRUE(store_->PutName(Record("www", Target("two"), 2)).ok());
  ASSERT_TRUE(store_->PutName(Record("docs", Target("docs"), 9)).ok());
  const std::vector<StoredName> before = store_->Names(kBucket);
  ASSERT_EQ(before.size(), 2u);
  auto same = [&](const char* how) {
    SCOPED_TRACE(how);
    const std::vector<StoredName> after = store_->Names(kBucket);
    ASSERT_EQ(after.size(), before.size());
    for (size_t i = 0; i < after.size(); ++i) {
      EXPECT_EQ(after[i].cid, before[i].cid);
      EXPECT_EQ(after[i].bytes, before[i].bytes);
    }
    // The sequence rules hold across the restart.
    EXPECT_TRUE(store_->PutName(Record("www", Target("one"), 1)).status().IsConflict());
    auto again = store_->PutName(before[1].bytes);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->existed);
  };

  Reopen();
  EXPECT_TRUE(store_->Stats().events_from_snapshot);
  same("from events.snap");

  store_.reset();
  ASSERT_OK(fs_.Remove("/db/events.snap"));
  Reopen();
  EXPECT_FALSE(store_->Stats().events_from_snapshot);
  same("rebuilt from the log");

  // A crash after more puts: the tail after the snapshot is replayed.
  ASSERT_TRUE(store_->PutName(Record("www", Target("three"), 3)).ok());
  test::CrashStore(&fs_, &store_, io::CrashMode::kDropUnsynced, 1);
  Reopen();
  EXPECT_EQ(Current("www"), std::make_pair(Target("three"), uint64_t{3}));
  EXPECT_EQ(Current("docs").second, 9u);
  EXPECT_TRUE(store_->PutName(Record("www", Target("two"), 2)).status().IsConflict());

  // Snapshots written with names in them are used, and hold every name record's count.
  Reopen();
  EXPECT_TRUE(store_->Stats().events_from_snapshot) << store_->Stats().recovery;
  EXPECT_EQ(Current("www").second, 3u);
}

// Rewrites the header of events.snap to `version` (and its checksum), as an older writer would
// have written the same content.
void SetSnapshotVersion(io::FaultFileSystem* fs, uint32_t version) {
  auto bytes = fs->ReadAll("/db/events.snap");
  ASSERT_TRUE(bytes.ok());
  ASSERT_GE(bytes->size(), 128u);
  uint8_t* h = bytes->data();
  uint32_t old = 0;
  std::memcpy(&old, h + 8, 4);
  ASSERT_EQ(old, 3u) << "the store writes version 3";
  std::memcpy(h + 8, &version, 4);  // Little-endian hosts only, like the format.
  const uint64_t sum = Xxh3(h, 120);
  std::memcpy(h + 120, &sum, 8);
  ASSERT_OK(fs->WriteAll("/db/events.snap", *bytes));
}

TEST_F(NamesTest, OlderEventSnapshotsStillOpen) {
  std::mt19937_64 rng(5);
  const KeyPair alice = UserKey(1);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store_
                    ->Append(test::SignAndEncode(
                        test::MakeEvent(rng, kBucket, alice, std::to_string(i), 100 + i), alice))
                    .ok());
  }
  const Hash32 root = store_->Journal().root;
  // Version 1: events only.
  store_.reset();
  SetSnapshotVersion(&fs_, 1);
  Reopen();
  EXPECT_TRUE(store_->Stats().events_from_snapshot) << store_->Stats().recovery;
  EXPECT_EQ(store_->Journal().root, root);

  // Version 2: events and a tombstone (a records section without names).
  Tombstone t;
  t.bucket = kBucket;
  t.user = alice.public_key;
  t.event = store_->TimelineEventCid(kBucket, alice.public_key, 0).value();
  t.timestamp_ms = 200;
  ASSERT_OK(SignTombstone(&t, alice));
  ASSERT_TRUE(store_->Erase(*EncodeTombstone(t)).ok());
  store_.reset();
  SetSnapshotVersion(&fs_, 2);
  Reopen();
  EXPECT_TRUE(store_->Stats().events_from_snapshot) << store_->Stats().recovery;
  EXPECT_TRUE(store_->GetEvent(*t.event).status().IsErased());
  EXPECT_EQ(store_->Tombstones(kBucket, alice.public_key).size(), 1u);

  // A version 2 file cannot hold names: one that does is not used, and the log answers.
  ASSERT_TRUE(store_->PutName(Record("www", Target("one"), 1)).ok());
  ASSERT_TRUE(store_->PutName(Record("www", Target("two"), 2)).ok());
  store_.reset();
  SetSnapshotVersion(&fs_, 2);
  Reopen();
  EXPECT_FALSE(store_->Stats().events_from_snapshot);
  EXPECT_NE(store_->Stats().recovery.find("record of type 6 in a version 2 file"),
            std::string::npos)
      << store_->Stats().recovery;
  EXPECT_EQ(Current("www").second, 2u);
  EXPECT_TRUE(store_->GetEvent(*t.event).status().IsErased());
  EXPECT_EQ(store_->Journal().root, root);
}

TEST_F(NamesTest, RacingPutsLeaveOneWinnerPerSequence) {
  constexpr int kThreads = 4;
  constexpr uint64_t kSequences = 40;
  std::vector<std::vector<std::string>> records(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (uint64_t s = 1; s <= kSequences; ++s) {
      records[t].push_back(Record("race", Target(std::to_string(t) + "/" + std::to_string(s)), s));
    }
  }
  const std::string shared = Record("shared", Target("same"), 1);
  std::vector<std::vector<uint64_t>> won(kThreads);
  std::atomic<int> shared_new{0}, shared_existed{0}, unexpected{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t s = 1; s <= kSequences; ++s) {
        auto r = store_->PutName(records[t][s - 1]);
        if (r.ok()) {
          won[t].push_back(s);
        } else if (!r.status().IsConflict()) {
          ++unexpected;
        }
        // Every thread also owns a name nobody else touches.
        if (!store_->PutName(Record("own" + std::to_string(t), Target("o"), s)).ok()) ++unexpected;
      }
      auto r = store_->PutName(shared);
      if (!r.ok()) {
        ++unexpected;
      } else if (r->existed) {
        ++shared_existed;
      } else {
        ++shared_new;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(shared_new.load(), 1);
  EXPECT_EQ(shared_existed.load(), kThreads - 1);
  std::set<uint64_t> winners;
  for (int t = 0; t < kThreads; ++t) {
    for (uint64_t s : won[t])
      EXPECT_TRUE(winners.insert(s).second) << "sequence " << s << " won twice";
  }
  ASSERT_TRUE(winners.contains(kSequences));
  // The winner of the last sequence is the current record.
  int last_winner = -1;
  for (int t = 0; t < kThreads; ++t) {
    if (!won[t].empty() && won[t].back() == kSequences) last_winner = t;
  }
  auto current = store_->GetName(kBucket, "race");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->bytes, records[last_winner][kSequences - 1]);
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(Current("own" + std::to_string(t)).second, kSequences);

  // The log holds exactly the winners, in rising order per name (Verify checks the order).
  store_.reset();
  auto report = Store::Verify(StoreOptions());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->names, winners.size() + kThreads * kSequences + 1);
}

class NamesVerifyTest : public NamesTest {
 protected:
  // Appends a record framed exactly as the writer frames one (valid checksums, the next
  // sequence number) to the last segment of the closed store.
  void AppendRecord(log::RecordType type, const std::string& value) {
    auto report = Store::Verify(StoreOptions());
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_EQ(report->segments, 1u);
    const std::string path = "/db/" + log::SegmentFileName(1);
    auto bytes = fs_.ReadAll(path);
    ASSERT_TRUE(bytes.ok());
    log::RecordHeader h;
    h.type = type;
    h.key_length = static_cast<uint16_t>(Cid::kBinaryBytes);
    h.value_length = static_cast<uint32_t>(value.size());
    h.raw_length = h.value_length;
    h.sequence = report->records + 1;  // The store's first record has sequence 1.
    h.durable_offset = static_cast<uint32_t>(bytes->size());
    std::vector<uint8_t> record(h.on_disk_bytes());
    const auto key = Cid::Of(Codec::kDagCbor, value).ToBytes();
    log::EncodeRecord(h, key, AsBytes(value), record.data());
    bytes->insert(bytes->end(), record.begin(), record.end());
    ASSERT_OK(fs_.WriteAll(path, *bytes));
    // Whatever snapshot there is no longer covers the log's end; the open replays the tail.
  }

  void ExpectVerifyFails(const std::string& what) {
    auto report = Store::Verify(StoreOptions());
    ASSERT_FALSE(report.ok()) << "a forged name record passed verification (" << what << ")";
    EXPECT_TRUE(report.status().IsCorruption()) << report.status().ToString();
    EXPECT_TRUE(Has(report.status(), what)) << report.status().ToString();
    EXPECT_TRUE(Has(report.status(), "seg-000001.log offset ")) << report.status().ToString();
  }
};

TEST_F(NamesVerifyTest, CountsGoodRecordsAndCatchesForgedOnes) {
  ASSERT_TRUE(store_->PutName(Record("www", Target("one"), 1)).ok());
  ASSERT_TRUE(store_->PutName(Record("www", Target("two"), 2)).ok());
  ASSERT_TRUE(store_->PutName(Record("docs", Target("d"), 1)).ok());
  store_.reset();
  auto report = Store::Verify(StoreOptions());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->names, 3u);
  const std::vector<uint8_t> good = *fs_.ReadAll("/db/" + log::SegmentFileName(1));

  // A record whose signature does not verify (a field changed after signing).
  auto r = MakeName(kBucket, "www", Target("evil"), 3, 600, 1, owner_);
  ASSERT_TRUE(r.ok());
  r->target = Target("changed");
  AppendRecord(log::RecordType::kName, *EncodeName(*r));
  ExpectVerifyFails("signature does not verify");

  // A record signed by someone other than the owner (the store would never have taken it).
  ASSERT_OK(fs_.WriteAll("/db/" + log::SegmentFileName(1), good));
  const KeyPair mallory = UserKey(13);
  AppendRecord(log::RecordType::kName, Record("www", Target("evil"), 3, &mallory));
  ExpectVerifyFails("is not signed by the owner of bucket 7");

  // A validly signed record whose sequence goes back: Verify and Open both refuse it.
  ASSERT_OK(fs_.WriteAll("/db/" + log::SegmentFileName(1), good));
  AppendRecord(log::RecordType::kName, Record("www", Target("rollback"), 1));
  ExpectVerifyFails("has sequence 1, not above 2 of the record at seg-000001.log offset ");
  auto opened = Store::Open(StoreOptions());
  ASSERT_FALSE(opened.ok());
  EXPECT_TRUE(opened.status().IsCorruption()) << opened.status().ToString();
  EXPECT_TRUE(Has(opened.status(), "has sequence 1, not above 2")) << opened.status().ToString();

  // Restored, the store opens and verifies again.
  ASSERT_OK(fs_.WriteAll("/db/" + log::SegmentFileName(1), good));
  EXPECT_TRUE(Store::Verify(StoreOptions()).ok());
}

// Recovery tells a torn tail from corruption by looking for valid records after the damage: a
// name record written after a synced, now damaged, blob is such evidence, so the open refuses
// the log instead of truncating an acknowledged name away.
TEST_F(NamesTest, ANameRecordAfterDamageIsEvidenceOfCorruption) {
  std::mt19937_64 rng(3);
  ASSERT_TRUE(store_->PutBlob(test::RandomString(rng, 200)).ok());
  ASSERT_TRUE(store_->PutName(Record("www", Target("one"), 1)).ok());
  store_.reset();
  ASSERT_OK(fs_.Remove("/db/index.snap"));
  ASSERT_OK(fs_.Remove("/db/events.snap"));
  const std::string path = "/db/" + log::SegmentFileName(1);
  auto bytes = fs_.ReadAll(path);
  ASSERT_TRUE(bytes.ok());
  // Inside the blob's value: segment header, record header, key, then the value.
  (*bytes)[log::kSegmentHeaderBytes + log::kRecordHeaderBytes + Cid::kBinaryBytes + 5] ^= 0x40;
  ASSERT_OK(fs_.WriteAll(path, *bytes));
  auto opened = Store::Open(StoreOptions());
  ASSERT_FALSE(opened.ok()) << "the damaged log was opened (recovery: "
                            << (*opened)->Stats().recovery << ")";
  EXPECT_TRUE(opened.status().IsCorruption()) << opened.status().ToString();
  EXPECT_TRUE(Has(opened.status(), "damaged record, but the valid record (sequence 2)"))
      << opened.status().ToString();
}

TEST_F(NamesTest, ANameOfAnErasedEventResolvesToAnErasedCid) {
  std::mt19937_64 rng(9);
  const KeyPair alice = UserKey(1);
  auto appended =
      store_->Append(test::SignAndEncode(test::MakeEvent(rng, kBucket, alice, "e", 100), alice));
  ASSERT_TRUE(appended.ok());
  auto r = MakeName(kBucket, "latest", appended->cid, 1, 60, 1, owner_);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(store_->PutName(*EncodeName(*r)).ok());
  Tombstone t;
  t.bucket = kBucket;
  t.user = alice.public_key;
  t.event = appended->cid;
  t.timestamp_ms = 200;
  ASSERT_OK(SignTombstone(&t, alice));
  ASSERT_TRUE(store_->Erase(*EncodeTombstone(t)).ok());
  for (int round = 0; round < 2; ++round) {
    auto named = store_->GetName(kBucket, "latest");
    ASSERT_TRUE(named.ok()) << named.status().ToString();
    EXPECT_EQ(named->record.target, appended->cid);
    EXPECT_TRUE(store_->Get(named->record.target).status().IsErased());
    Reopen();
  }
}

}  // namespace
}  // namespace ddc
