// Grants and erasure through the store (include/ddc/grants.h, include/ddc/erasure.h):
//   - grants: only the user or the bucket's owner may grant; listing by grantee and by scope;
//     the grantee unwraps the scope key and nothing else does; idempotent re-puts;
//   - tombstones: only the user or the owner may erase; an erased event answers Erased on
//     every read path (GetEvent, Get, MultiGet, the record iterator, timeline iterators,
//     ProveEvent), never its bytes; a whole-timeline tombstone covers the events stored before
//     it and not those after, and destroys the user's grants;
//   - proofs: timeline roots and the journal do not change, and ProveErasure verifies;
//   - all of it survives reopening (the state is rebuilt from the log).
#include "ddc/erasure.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ddc/crypto.h"
#include "ddc/grants.h"
#include "ddc/keystore.h"
#include "ddc/store.h"
#include "engine/base/hex.h"
#include "tests/store/event_test_util.h"
#include "tests/store/store_test_util.h"

namespace ddc {
namespace {

using test::AsBytes;
using test::MakeEvent;
using test::SignAndEncode;
using test::UserKey;

constexpr uint64_t kBucket = 7;

class ErasureTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    Options o = test::FaultOptions(&fs_);
    o.bucket_owner = [this](uint64_t bucket) -> std::optional<PublicKey> {
      if (bucket == kBucket) return owner_.public_key;
      return std::nullopt;
    };
    auto s = Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  // Appends `n` events for `user`, returning their CIDs in order.
  std::vector<Cid> AppendEvents(const KeyPair& user, int n, int first = 0) {
    std::vector<Cid> cids;
    for (int i = first; i < first + n; ++i) {
      auto r = store_->Append(
          SignAndEncode(MakeEvent(rng_, kBucket, user, "e" + std::to_string(i), 1000 + i), user));
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (r.ok()) cids.push_back(r->cid);
    }
    return cids;
  }

  std::string TombstoneBytes(const KeyPair& signer, const KeyPair& user, std::optional<Cid> event,
                             uint64_t bucket = kBucket) {
    Tombstone t;
    t.bucket = bucket;
    t.user = user.public_key;
    t.event = event;
    t.timestamp_ms = 5000;
    t.reason = "user request";
    EXPECT_TRUE(SignTombstone(&t, signer).ok());
    auto bytes = EncodeTombstone(t);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    return bytes.ok() ? *bytes : std::string();
  }

  std::string GrantBytes(const KeyPair& granter, std::optional<PublicKey> user,
                         const BoxPublicKey& grantee, const std::string& scope = "profile") {
    auto g = MakeGrant(master_, kBucket, user, scope, 1, grantee, granter, 4000);
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    auto bytes = EncodeGrant(*g);
    EXPECT_TRUE(bytes.ok());
    return bytes.ok() ? *bytes : std::string();
  }

  std::vector<uint64_t> VisiblePositions(const KeyPair& user, bool backward = false) {
    TimelineSeek seek;
    seek.backward = backward;
    seek.position = backward ? UINT64_MAX : 0;
    auto it = store_->NewTimelineIterator(kBucket, user.public_key, seek);
    EXPECT_TRUE(it.ok());
    std::vector<uint64_t> out;
    if (!it.ok()) return out;
    for (; (*it)->Valid(); (*it)->Next()) out.push_back((*it)->position());
    EXPECT_TRUE((*it)->status().ok()) << (*it)->status().ToString();
    return out;
  }

  std::set<Cid> RecordIteratorCids() {
    std::set<Cid> out;
    auto it = store_->NewIterator();
    for (it->SeekToFirst(); it->Valid(); it->Next()) out.insert(it->cid());
    EXPECT_TRUE(it->status().ok());
    return out;
  }

  io::FaultFileSystem fs_;
  std::unique_ptr<Store> store_;
  std::mt19937_64 rng_{7};
  KeyPair owner_ = UserKey(900);
  MasterKey master_ = GenerateMasterKey();
};

TEST_F(ErasureTest, GrantsNeedTheUserOrTheOwnerAndOpenOnlyForTheGrantee) {
  const KeyPair alice = UserKey(1), mallory = UserKey(2);
  AppendEvents(alice, 1);
  const BoxKeyPair partner = BoxKeyPair::Generate(), other = BoxKeyPair::Generate();

  // A stranger may not grant alice's scope; alice may; the owner may, also app-wide.
  auto denied = store_->PutGrant(GrantBytes(mallory, alice.public_key, partner.public_key));
  EXPECT_TRUE(denied.status().IsPermissionDenied()) << denied.status().ToString();
  auto app_by_user = store_->PutGrant(GrantBytes(alice, std::nullopt, partner.public_key));
  EXPECT_TRUE(app_by_user.status().IsPermissionDenied()) << app_by_user.status().ToString();
  auto by_user = store_->PutGrant(GrantBytes(alice, alice.public_key, partner.public_key));
  ASSERT_TRUE(by_user.ok()) << by_user.status().ToString();
  auto by_owner = store_->PutGrant(GrantBytes(owner_, std::nullopt, partner.public_key, "geo"));
  ASSERT_TRUE(by_owner.ok()) << by_owner.status().ToString();

  // A tampered grant is refused.
  std::string tampered = GrantBytes(alice, alice.public_key, other.public_key);
  tampered[tampered.size() - 3] ^= 1;  // Inside the grantee key.
  EXPECT_TRUE(store_->PutGrant(tampered).status().IsInvalidArgument());

  auto listed = store_->GrantsForGrantee(partner.public_key);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].cid, *by_user);
  EXPECT_EQ(listed[1].cid, *by_owner);
  EXPECT_TRUE(store_->GrantsForGrantee(other.public_key).empty());
  EXPECT_EQ(store_->GrantsForScope(kBucket, "geo").size(), 1u);
  EXPECT_EQ(store_->GrantsForScope(kBucket, "profile").size(), 1u);
  EXPECT_TRUE(store_->GrantsForScope(kBucket + 1, "profile").empty());

  // The grantee gets exactly the derived scope key; another X25519 key gets nothing.
  auto key = OpenGrant(listed[0].grant, partner);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto want = DeriveScopeKey(master_, "profile", 1);
  ASSERT_TRUE(want.ok());
  EXPECT_EQ(*key, *want);
  EXPECT_TRUE(OpenGrant(listed[0].grant, other).status().IsPermissionDenied());

  // Re-putting is idempotent and survives reopening.
  auto again = store_->PutGrant(listed[0].bytes);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *by_user);
  Reopen();
  EXPECT_EQ(store_->GrantsForGrantee(partner.public_key).size(), 2u);
}

TEST_F(ErasureTest, OneErasedEventIsGoneFromEveryReadPath) {
  const KeyPair alice = UserKey(1), mallory = UserKey(2);
  const std::vector<Cid> cids = AppendEvents(alice, 5);
  ASSERT_TRUE(store_->Checkpoint().ok());
  auto before = store_->Timeline(kBucket, alice.public_key);
  ASSERT_TRUE(before.ok());
  const JournalInfo journal_before = store_->Journal();

  // Only the user or the owner may erase.
  auto denied = store_->Erase(TombstoneBytes(mallory, alice, cids[2]));
  EXPECT_TRUE(denied.status().IsPermissionDenied()) << denied.status().ToString();
  ASSERT_TRUE(store_->GetEvent(cids[2]).ok());

  auto erased = store_->Erase(TombstoneBytes(alice, alice, cids[2]));
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(erased->events_erased, 1u);
  EXPECT_FALSE(erased->existed);

  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "live" : "after reopen");
    auto got = store_->GetEvent(cids[2]);
    EXPECT_TRUE(got.status().IsErased()) << got.status().ToString();
    EXPECT_NE(got.status().message().find(Hex(alice.public_key)), std::string::npos);
    EXPECT_TRUE(store_->Get(cids[2]).status().IsErased());
    auto multi = store_->MultiGet(std::vector<Cid>{cids[1], cids[2], cids[3]});
    EXPECT_TRUE(multi[0].ok());
    EXPECT_TRUE(multi[1].status().IsErased());
    EXPECT_TRUE(multi[2].ok());
    EXPECT_TRUE(store_->ProveEvent(cids[2]).status().IsErased());
    EXPECT_EQ(VisiblePositions(alice), (std::vector<uint64_t>{0, 1, 3, 4}));
    EXPECT_EQ(VisiblePositions(alice, true), (std::vector<uint64_t>{4, 3, 1, 0}));
    const std::set<Cid> walked = RecordIteratorCids();
    EXPECT_FALSE(walked.contains(cids[2]));
    EXPECT_TRUE(walked.contains(cids[3]));
    EXPECT_TRUE(walked.contains(erased->tombstone));

    // Proofs are untouched: same roots; the other events still prove; the erasure proves.
    auto after = store_->Timeline(kBucket, alice.public_key);
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->root, before->root);
    EXPECT_EQ(after->size, before->size);
    EXPECT_EQ(store_->Journal().root, journal_before.root);
    auto proof = store_->ProveEvent(cids[3]);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_TRUE(VerifyEventProof(*proof, store_->NodeVerifierKey()).ok());
    auto ep = store_->ProveErasure(cids[2]);
    ASSERT_TRUE(ep.ok()) << ep.status().ToString();
    EXPECT_EQ(ep->position, 2u);
    EXPECT_EQ(ep->timeline_root, before->root);
    EXPECT_TRUE(VerifyErasureProof(*ep).ok());
    EXPECT_TRUE(store_->ProveErasure(cids[3]).status().IsNotFound());
    ASSERT_EQ(store_->Tombstones(kBucket, alice.public_key).size(), 1u);
    Reopen();
  }

  // The same tombstone again changes nothing.
  auto again = store_->Erase(TombstoneBytes(alice, alice, cids[2]));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->existed);
  EXPECT_EQ(store_->Tombstones(kBucket, alice.public_key).size(), 1u);
}

TEST_F(ErasureTest, ErasureProofFailsWhenTampered) {
  const KeyPair alice = UserKey(1);
  const std::vector<Cid> cids = AppendEvents(alice, 3);
  ASSERT_TRUE(store_->Erase(TombstoneBytes(owner_, alice, cids[1])).ok());
  auto ep = store_->ProveErasure(cids[1]);
  ASSERT_TRUE(ep.ok());
  // Signed by the owner: checks need the owner's key.
  EXPECT_TRUE(VerifyErasureProof(*ep).IsPermissionDenied());
  ASSERT_TRUE(VerifyErasureProof(*ep, owner_.public_key).ok());
  ErasureProof bad = *ep;
  bad.position = 0;
  EXPECT_FALSE(VerifyErasureProof(bad, owner_.public_key).ok());
  bad = *ep;
  bad.event = cids[0];
  EXPECT_FALSE(VerifyErasureProof(bad, owner_.public_key).ok());
  bad = *ep;
  bad.timeline_root[0] ^= 1;
  EXPECT_FALSE(VerifyErasureProof(bad, owner_.public_key).ok());
  for (size_t i = 0; i < ep->tombstone.size(); ++i) {
    bad = *ep;
    bad.tombstone[i] ^= 0x10;
    EXPECT_FALSE(VerifyErasureProof(bad, owner_.public_key).ok()) << "byte " << i;
  }
}

TEST_F(ErasureTest, WholeTimelineCoversEarlierEventsAndDestroysGrants) {
  const KeyPair alice = UserKey(1), bob = UserKey(3);
  const std::vector<Cid> old_cids = AppendEvents(alice, 4);
  const std::vector<Cid> bob_cids = AppendEvents(bob, 2);
  const BoxKeyPair partner = BoxKeyPair::Generate();
  auto alice_grant = store_->PutGrant(GrantBytes(alice, alice.public_key, partner.public_key));
  auto bob_grant = store_->PutGrant(GrantBytes(bob, bob.public_key, partner.public_key));
  auto app_grant = store_->PutGrant(GrantBytes(owner_, std::nullopt, partner.public_key));
  ASSERT_TRUE(alice_grant.ok() && bob_grant.ok() && app_grant.ok());

  auto erased = store_->Erase(TombstoneBytes(alice, alice, std::nullopt));
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(erased->events_erased, 4u);
  EXPECT_EQ(erased->grants_destroyed, 1u);
  // Events appended afterwards are not covered.
  const std::vector<Cid> new_cids = AppendEvents(alice, 2, 10);
  // A new grant for the erased user is refused.
  EXPECT_TRUE(store_->PutGrant(GrantBytes(alice, alice.public_key, partner.public_key, "geo"))
                  .status()
                  .IsErased());

  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round == 0   ? "live"
                 : round == 1 ? "reopened from events.snap"
                              : "rebuilt from the log");
    if (round > 0) {
      EXPECT_EQ(store_->Stats().events_from_snapshot, round == 1);
    }
    for (const Cid& c : old_cids) EXPECT_TRUE(store_->GetEvent(c).status().IsErased());
    for (const Cid& c : new_cids) EXPECT_TRUE(store_->GetEvent(c).ok());
    for (const Cid& c : bob_cids) EXPECT_TRUE(store_->GetEvent(c).ok());
    EXPECT_EQ(VisiblePositions(alice), (std::vector<uint64_t>{4, 5}));
    auto grants = store_->GrantsForGrantee(partner.public_key);
    ASSERT_EQ(grants.size(), 2u);
    EXPECT_EQ(grants[0].cid, *bob_grant);
    EXPECT_EQ(grants[1].cid, *app_grant);
    EXPECT_TRUE(store_->Get(*alice_grant).status().IsErased());
    EXPECT_FALSE(RecordIteratorCids().contains(*alice_grant));
    for (size_t i = 0; i < old_cids.size(); ++i) {
      auto ep = store_->ProveErasure(old_cids[i]);
      ASSERT_TRUE(ep.ok());
      EXPECT_EQ(ep->position, i);
      EXPECT_TRUE(VerifyErasureProof(*ep).ok());
    }
    Reopen();
    if (round == 1) {
      // Without events.snap the log is replayed: the same state must come back.
      store_.reset();
      ASSERT_TRUE(fs_.Remove("/db/events.snap").ok());
      Reopen();
    }
  }
  store_.reset();
  Options o = test::FaultOptions(&fs_);
  o.bucket_owner = [this](uint64_t) -> std::optional<PublicKey> { return owner_.public_key; };
  auto report = Store::Verify(o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->tombstones, 1u);
  EXPECT_EQ(report->grants, 3u);
}

TEST_F(ErasureTest, BadTombstonesAreRefusedAndWriteNothing) {
  const KeyPair alice = UserKey(1), bob = UserKey(3);
  const std::vector<Cid> cids = AppendEvents(alice, 2);
  const std::vector<Cid> bob_cids = AppendEvents(bob, 1);
  const uint64_t records = store_->Stats().records;
  // Bob's event is not in alice's timeline.
  EXPECT_TRUE(
      store_->Erase(TombstoneBytes(alice, alice, bob_cids[0])).status().IsInvalidArgument());
  // No timeline in that bucket.
  EXPECT_TRUE(
      store_->Erase(TombstoneBytes(alice, alice, std::nullopt, kBucket + 1)).status().IsNotFound());
  // An unknown event.
  EXPECT_TRUE(store_->Erase(TombstoneBytes(alice, alice, Cid::Of(Codec::kDagCbor, "nope")))
                  .status()
                  .IsNotFound());
  // Garbage and a broken signature.
  EXPECT_TRUE(store_->Erase(AsBytes("not cbor")).status().IsInvalidArgument());
  std::string bad = TombstoneBytes(alice, alice, cids[0]);
  bad[bad.size() - 5] ^= 1;
  EXPECT_FALSE(store_->Erase(bad).ok());
  EXPECT_EQ(store_->Stats().records, records);
  EXPECT_TRUE(store_->GetEvent(cids[0]).ok());
}

// Everything under `dir`, concatenated (files only).
std::string AllFileBytes(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

bool Contains(const std::string& haystack, std::span<const uint8_t> needle) {
  return haystack.find(std::string_view(reinterpret_cast<const char*>(needle.data()),
                                        needle.size())) != std::string::npos;
}

// Crypto-shredding on a real directory: after erasing alice's timeline her master key is gone
// from the keystore and from every byte of every file in the data directory, bob's is not,
// and no read path returns her events.
TEST(ErasureShredding, MasterKeyBytesAreGoneFromDisk) {
  test::TempDir tmp;
  const std::string keystore_path = tmp.Sub("keys");
  KeyStoreOptions ks_options;
  ks_options.opslimit = kKeyStoreOpsLimitMin;
  ks_options.memlimit = kKeyStoreMemLimitMin;
  auto ks = KeyStore::Create(keystore_path, "correct horse", ks_options);
  ASSERT_TRUE(ks.ok()) << ks.status().ToString();
  const KeyPair alice = UserKey(1), bob = UserKey(3);
  const MasterKey alice_master = GenerateMasterKey(), bob_master = GenerateMasterKey();
  const std::string alice_name = "master/" + std::to_string(kBucket) + "/" + Hex(alice.public_key);
  const std::string bob_name = "master/" + std::to_string(kBucket) + "/" + Hex(bob.public_key);
  ASSERT_TRUE((*ks)->Put(alice_name, KeyKind::kMasterKey, alice_master).ok());
  ASSERT_TRUE((*ks)->Put(bob_name, KeyKind::kMasterKey, bob_master).ok());
  const std::string keystore_before = AllFileBytes(tmp.path());

  Options o;
  o.dir = tmp.Sub("store");
  o.keystore = ks->get();
  o.info_log = [](std::string_view) {};
  auto store = Store::Open(o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::mt19937_64 rng(3);
  std::vector<Cid> cids;
  for (const KeyPair* user : {&alice, &bob}) {
    for (int i = 0; i < 3; ++i) {
      auto r = (*store)->Append(
          SignAndEncode(MakeEvent(rng, kBucket, *user, "e" + std::to_string(i), 10 + i), *user));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      if (user == &alice) cids.push_back(r->cid);
    }
  }
  Tombstone t;
  t.bucket = kBucket;
  t.user = alice.public_key;
  t.timestamp_ms = 99;
  ASSERT_TRUE(SignTombstone(&t, alice).ok());
  auto bytes = EncodeTombstone(t);
  ASSERT_TRUE(bytes.ok());
  auto erased = (*store)->Erase(*bytes);
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(erased->keys_shredded, 1u);
  EXPECT_EQ(erased->events_erased, 3u);
  EXPECT_TRUE((*ks)->Get(alice_name).status().IsNotFound());
  ASSERT_TRUE((*ks)->Get(bob_name).ok());
  ASSERT_TRUE((*store)->Close().ok());

  // The keystore slot of alice's key is zeroed in place: its sealed bytes were in the file
  // before and are in no file now; her key's plaintext never was.
  const std::string after = AllFileBytes(tmp.path());
  EXPECT_FALSE(Contains(after, alice_master));
  EXPECT_FALSE(Contains(after, bob_master));  // Sealed at rest, never in the clear.
  size_t slot_bytes_gone = 0;
  for (size_t off = 256; off + 64 <= keystore_before.size(); off += 64) {
    const std::string_view chunk = std::string_view(keystore_before).substr(off, 64);
    if (chunk.find_first_not_of('\0') == std::string_view::npos) continue;
    if (after.find(chunk) == std::string::npos) ++slot_bytes_gone;
  }
  EXPECT_GE(slot_bytes_gone, 3u) << "alice's sealed slot (256 bytes) should be gone";

  // Reopened, nothing of alice's erased events can be read.
  auto reopened = Store::Open(o);
  ASSERT_TRUE(reopened.ok());
  for (const Cid& c : cids) {
    EXPECT_TRUE((*reopened)->GetEvent(c).status().IsErased());
    EXPECT_TRUE((*reopened)->Get(c).status().IsErased());
  }
}

TEST(TombstoneCodec, RoundTripsAndRejectsStrictly) {
  const KeyPair alice = UserKey(1);
  Tombstone t;
  t.bucket = 3;
  t.user = alice.public_key;
  t.event = Cid::Of(Codec::kDagCbor, "x");
  t.timestamp_ms = 77;
  ASSERT_TRUE(SignTombstone(&t, alice).ok());
  auto bytes = EncodeTombstone(t);
  ASSERT_TRUE(bytes.ok());
  auto back = DecodeTombstone(AsBytes(*bytes));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, t);
  EXPECT_TRUE(VerifyTombstoneSignature(*back).ok());
  t.reason = std::string(kMaxTombstoneReasonBytes + 1, 'r');
  EXPECT_TRUE(EncodeTombstone(t).status().IsInvalidArgument());
  t.reason.clear();
  t.event = Cid::Of(Codec::kRaw, "x");
  EXPECT_TRUE(EncodeTombstone(t).status().IsInvalidArgument());
  // Every truncation fails to decode.
  for (size_t n = 0; n < bytes->size(); ++n) {
    EXPECT_FALSE(DecodeTombstone(AsBytes(std::string_view(*bytes).substr(0, n))).ok()) << n;
  }
}

TEST(GrantCodec, RoundTripsAndRejectsStrictly) {
  const KeyPair alice = UserKey(1);
  auto g = MakeGrant(GenerateMasterKey(), 3, alice.public_key, "profile", 2,
                     BoxKeyPair::Generate().public_key, alice, 99);
  ASSERT_TRUE(g.ok());
  auto bytes = EncodeGrant(*g);
  ASSERT_TRUE(bytes.ok());
  auto back = DecodeGrant(AsBytes(*bytes));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, *g);
  EXPECT_TRUE(VerifyGrantSignature(*back).ok());
  Grant other = *g;
  other.key_version = 3;
  EXPECT_FALSE(VerifyGrantSignature(other).ok());
  other = *g;
  other.scope = "Bad Name";
  EXPECT_TRUE(EncodeGrant(other).status().IsInvalidArgument());
  for (size_t n = 0; n < bytes->size(); ++n) {
    EXPECT_FALSE(DecodeGrant(AsBytes(std::string_view(*bytes).substr(0, n))).ok()) << n;
  }
}

}  // namespace
}  // namespace ddc
