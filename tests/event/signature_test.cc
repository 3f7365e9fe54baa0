// Proves event signatures: single and batch signing verify; EventSigningBytes is the domain
// string plus the unsigned encoding; every way of breaking a signature, a batch path or a root
// is caught with a message saying which check failed; and changing any single byte of an encoded
// signed event (single or batch) makes DecodeAndVerifyEvent fail.
#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "ddc/event.h"
#include "engine/base/coding.h"
#include "engine/event/cbor.h"
#include "engine/timeline/merkle.h"
#include "tests/event/event_testing.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::AsBytes;
using test::ToHex;

std::vector<Event> MakeBatch(size_t n, const KeyPair& key) {
  std::vector<Event> events;
  events.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    Event e = test::SampleEvent(key.public_key);
    e.id = "evt-" + std::to_string(i);
    e.timestamp_ms += i;
    test::SortScopes(&e);
    events.push_back(std::move(e));
  }
  return events;
}

void ExpectFails(const Status& s, const std::string& want) {
  ASSERT_FALSE(s.ok()) << "verified; wanted: " << want;
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find(want), std::string::npos)
      << "message \"" << s.message() << "\" lacks \"" << want << "\"";
}

TEST(KeyPairTest, FromSeedIsDeterministicAndGenerateIsNot) {
  EXPECT_EQ(test::TestKey(1).public_key, test::TestKey(1).public_key);
  EXPECT_NE(test::TestKey(1).public_key, test::TestKey(2).public_key);
  EXPECT_NE(KeyPair::Generate().public_key, KeyPair::Generate().public_key);
  // libsodium's layout: secret = seed || public key.
  const KeyPair k = test::TestKey(5);
  EXPECT_EQ(k.secret_key[0], 5);
  EXPECT_TRUE(std::equal(k.public_key.begin(), k.public_key.end(), k.secret_key.begin() + 32));
}

TEST(SingleSignatureTest, SignAndVerify) {
  const KeyPair key = test::TestKey(1);
  Event e = test::SampleEvent(key.public_key);
  e.batch = BatchProof{Hash32{}, 1, 0, {}};  // SignEvent clears it.
  ASSERT_OK(SignEvent(&e, key));
  EXPECT_FALSE(e.batch.has_value());
  EXPECT_OK(VerifyEventSignature(e));
  Result<std::string> bytes = EncodeEvent(e);
  ASSERT_TRUE(bytes.ok());
  Result<Event> back = DecodeAndVerifyEvent(AsBytes(*bytes));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->signature, e.signature);
}

TEST(SingleSignatureTest, SigningBytesAreDomainAndUnsignedEncoding) {
  const KeyPair key = test::TestKey(1);
  Event e = test::SampleEvent(key.public_key);
  ASSERT_OK(SignEvent(&e, key));
  Result<std::string> signing = EventSigningBytes(e);
  ASSERT_TRUE(signing.ok());
  ASSERT_EQ(signing->rfind("ddc-event-v1\n", 0), 0u);
  const std::string unsigned_bytes = signing->substr(13);
  // The unsigned form is the signed encoding without "sig" (and without "batch").
  Event copy = e;
  Result<std::string> full = EncodeEvent(copy);
  ASSERT_TRUE(full.ok());
  const std::string sig_field =
      "63736967"
      "5840" +
      ToHex(e.signature);
  std::string full_hex = ToHex(*full);
  const size_t at = full_hex.find(sig_field);
  ASSERT_NE(at, std::string::npos);
  full_hex.erase(at, sig_field.size());
  full_hex[1] = static_cast<char>(full_hex[1] - 1);  // One pair fewer: a9 -> a8.
  EXPECT_EQ(ToHex(unsigned_bytes), full_hex);
  // The signature is plain ed25519 over those bytes.
  EXPECT_EQ(crypto_sign_verify_detached(e.signature.data(), AsBytes(*signing).data(),
                                        signing->size(), e.user.data()),
            0);
  Result<Cid> cid = UnsignedEventCid(e);
  ASSERT_TRUE(cid.ok());
  EXPECT_EQ(*cid, Cid::Of(Codec::kDagCbor, unsigned_bytes));
  // Batch fields and the signature are not part of it.
  e.batch = BatchProof{Hash32{}, 1, 0, {}};
  e.signature.fill(1);
  EXPECT_EQ(*EventSigningBytes(e), *signing);
  EXPECT_EQ(*UnsignedEventCid(e), *cid);
}

TEST(SingleSignatureTest, WrongKeyIsRejected) {
  Event e = test::SampleEvent(test::TestKey(1).public_key);
  const Status s = SignEvent(&e, test::TestKey(2));
  ExpectFails(s, "is not the signing key's public key");
}

TEST(SingleSignatureTest, ChangedFieldFailsWithUserInMessage) {
  const KeyPair key = test::TestKey(1);
  Event e = test::SampleEvent(key.public_key);
  ASSERT_OK(SignEvent(&e, key));
  Event changed = e;
  changed.timestamp_ms += 1;
  ExpectFails(VerifyEventSignature(changed),
              "event: signature does not verify for user " + ToHex(key.public_key));
  changed = e;
  changed.scopes[0].data[3] ^= 1;
  ExpectFails(VerifyEventSignature(changed), "signature does not verify");
  changed = e;
  changed.prev.reset();
  ExpectFails(VerifyEventSignature(changed), "signature does not verify");
  changed = e;
  changed.signature[0] ^= 1;
  ExpectFails(VerifyEventSignature(changed), "signature does not verify");
  // Another user's key in the user field.
  changed = e;
  changed.user = test::TestKey(2).public_key;
  ExpectFails(VerifyEventSignature(changed), "for user " + ToHex(changed.user));
}

TEST(SingleSignatureTest, InvalidEventCannotBeSignedOrVerified) {
  const KeyPair key = test::TestKey(1);
  Event e = test::SampleEvent(key.public_key);
  e.id.clear();
  ExpectFails(SignEvent(&e, key), "id is empty");
  ExpectFails(VerifyEventSignature(e), "id is empty");
}

void CheckBatch(size_t n, bool verify_each_fully) {
  SCOPED_TRACE("batch of " + std::to_string(n));
  const KeyPair key = test::TestKey(3);
  std::vector<Event> events = MakeBatch(n, key);
  ASSERT_OK(SignBatch(events, key));
  std::vector<timeline::Hash> leaves;
  leaves.reserve(n);
  for (const Event& e : events) {
    leaves.push_back(timeline::LeafHash(UnsignedEventCid(e)->ToBytes()));
  }
  const timeline::Hash root = timeline::RootOfLeaves(leaves);
  for (size_t i = 0; i < n; ++i) {
    const Event& e = events[i];
    ASSERT_TRUE(e.batch.has_value());
    ASSERT_EQ(e.batch->root, root);
    ASSERT_EQ(e.batch->size, n);
    ASSERT_EQ(e.batch->index, i);
    ASSERT_EQ(e.batch->path.size(), timeline::InclusionProofLength(i, n));
    ASSERT_EQ(e.signature, events[0].signature);
    ASSERT_OK(VerifyBatchPath(e));
    if (verify_each_fully || i < 3 || i + 1 == n) {
      ASSERT_OK(VerifyEventSignature(e));
      Result<std::string> bytes = EncodeEvent(e);
      ASSERT_TRUE(bytes.ok());
      Result<Event> back = DecodeAndVerifyEvent(AsBytes(*bytes));
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      ASSERT_EQ(*back, e);
    }
  }
  // The signature is plain ed25519 over "ddc-batch-v1\n" || size LE64 || root.
  std::string message = "ddc-batch-v1\n";
  uint8_t size_le[8];
  EncodeFixed64(size_le, n);
  message.append(reinterpret_cast<const char*>(size_le), 8);
  message.append(reinterpret_cast<const char*>(root.data()), root.size());
  ASSERT_EQ(message.size(), 53u);
  EXPECT_EQ(crypto_sign_verify_detached(events[0].signature.data(), AsBytes(message).data(),
                                        message.size(), key.public_key.data()),
            0);
  EXPECT_OK(VerifyBatchSignature(key.public_key, root, n, events[0].signature));
}

TEST(BatchSignatureTest, Size1) { CheckBatch(1, true); }
TEST(BatchSignatureTest, Size2) { CheckBatch(2, true); }
TEST(BatchSignatureTest, Size3) { CheckBatch(3, true); }
TEST(BatchSignatureTest, Size1000) { CheckBatch(1000, true); }
TEST(BatchSignatureTest, Size65536) { CheckBatch(kMaxBatchEvents, false); }

TEST(BatchSignatureTest, RejectsEmptyAndOversizedBatches) {
  const KeyPair key = test::TestKey(3);
  ExpectFails(SignBatch({}, key), "a batch has 1..65536 events, not 0");
  std::vector<Event> too_many(kMaxBatchEvents + 1);
  ExpectFails(SignBatch(too_many, key), "not 65537");
}

TEST(BatchSignatureTest, RejectsMixedUsersWithoutChangingAnything) {
  const KeyPair key = test::TestKey(3);
  std::vector<Event> events = MakeBatch(3, key);
  events[2].user = test::TestKey(4).public_key;
  const std::vector<Event> before = events;
  ExpectFails(SignBatch(events, key), "event 2: user");
  EXPECT_EQ(events, before);
  events = MakeBatch(3, key);
  events[1].type.clear();
  ExpectFails(SignBatch(events, key), "batch event 1: event: type is empty");
}

TEST(BatchSignatureTest, BrokenPathsAndRootsAreCaught) {
  const KeyPair key = test::TestKey(3);
  std::vector<Event> events = MakeBatch(5, key);
  ASSERT_OK(SignBatch(events, key));
  const Event good = events[1];

  Event e = good;
  e.batch->path[0][0] ^= 1;
  ExpectFails(VerifyEventSignature(e), "event: batch path does not lead to the batch root");
  e = good;
  e.id = "other";
  ExpectFails(VerifyBatchPath(e), "batch path does not lead to the batch root");
  e = good;
  e.batch->index = 0;  // Same path length, wrong position.
  ExpectFails(VerifyEventSignature(e), "batch path does not lead to the batch root");
  e = good;
  e.batch->root[31] ^= 1;
  ExpectFails(VerifyEventSignature(e), "batch path does not lead to the batch root");
  e = good;
  e.batch->path.pop_back();
  ExpectFails(VerifyBatchPath(e), "event: batch path has 2 hashes want 3 (index 1 of 5)");
  e = good;
  e.batch.reset();  // A batch signature is not a single-event signature.
  ExpectFails(VerifyEventSignature(e), "event: signature does not verify for user");
  ExpectFails(VerifyBatchPath(e), "not batch-signed");

  // A forged one-event batch whose root is the event's own leaf: the path is fine, the
  // signature over (1, root) is not.
  e = good;
  const timeline::Hash leaf = timeline::LeafHash(UnsignedEventCid(e)->ToBytes());
  e.batch = BatchProof{leaf, 1, 0, {}};
  EXPECT_OK(VerifyBatchPath(e));
  ExpectFails(VerifyEventSignature(e),
              "event: batch signature does not verify for user " + ToHex(key.public_key));
  // The same root with another size is another message.
  ExpectFails(VerifyBatchSignature(key.public_key, good.batch->root, 6, good.signature),
              "batch signature does not verify");
  EXPECT_OK(VerifyBatchSignature(key.public_key, good.batch->root, 5, good.signature));
}

TEST(BatchSignatureTest, SingleAndBatchDomainsDiffer) {
  // A batch of one signs (1, leaf hash), never the single-event message: swapping signatures
  // between the two forms fails.
  const KeyPair key = test::TestKey(3);
  Event single = test::SampleEvent(key.public_key);
  ASSERT_OK(SignEvent(&single, key));
  std::vector<Event> batch = {single};
  ASSERT_OK(SignBatch(batch, key));
  EXPECT_NE(batch[0].signature, single.signature);
  Event mixed = batch[0];
  mixed.signature = single.signature;
  ExpectFails(VerifyEventSignature(mixed), "batch signature does not verify");
}

// Every single-byte change of an encoded signed event must be caught by DecodeAndVerifyEvent:
// either the bytes no longer decode, or they decode to a different event (the encoding is
// canonical) whose signature, path or root no longer verifies.
void CheckEveryByteTamper(const std::string& bytes) {
  ASSERT_TRUE(DecodeAndVerifyEvent(AsBytes(bytes)).ok());
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t x : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      std::string t = bytes;
      t[i] = static_cast<char>(t[i] ^ x);
      const Result<Event> r = DecodeAndVerifyEvent(AsBytes(t));
      ASSERT_FALSE(r.ok()) << "byte " << i << " ^ " << int{x} << " was accepted";
      ASSERT_TRUE(r.status().IsInvalidArgument());
      ASSERT_EQ(r.status().message().rfind("event: ", 0), 0u) << r.status().message();
    }
  }
}

TEST(TamperTest, EveryByteOfASingleSignedEvent) {
  const KeyPair key = test::TestKey(1);
  Event e = test::SampleEvent(key.public_key);
  ASSERT_OK(SignEvent(&e, key));
  CheckEveryByteTamper(*EncodeEvent(e));
}

TEST(TamperTest, EveryByteOfBatchSignedEvents) {
  const KeyPair key = test::TestKey(1);
  std::vector<Event> events = MakeBatch(3, key);
  ASSERT_OK(SignBatch(events, key));
  for (const Event& e : events) {
    SCOPED_TRACE("index " + std::to_string(e.batch->index));
    CheckEveryByteTamper(*EncodeEvent(e));
  }
}

}  // namespace
}  // namespace ddc
