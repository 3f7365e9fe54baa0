// Proves that the append path's shortcut to an event's unsigned CID (from its encoding, without
// re-encoding: engine/event/unsigned_cid.h) equals UnsignedEventCid for random events, single-
// and batch-signed, and that it differs from the event's own CID (the signature is left out).
// The same holds when the cut comes from the layout DecodeEventWithLayout recorded, and
// DecodeEventEnvelope (the append path's decoder) agrees with DecodeEvent on valid and invalid
// inputs alike.
#include "engine/event/unsigned_cid.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ddc/event.h"
#include "tests/event/event_testing.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::AsBytes;

TEST(UnsignedCidTest, FromTheEncodingEqualsFromTheEvent) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const KeyPair key = test::TestKey(5);
  for (int round = 0; round < 200; ++round) {
    const size_t n = round % 2 == 0 ? 1 : 1 + rng() % 6;
    std::vector<Event> events;
    for (size_t i = 0; i < n; ++i) events.push_back(test::RandomEvent(rng, key.public_key));
    ASSERT_OK(round % 2 == 0 ? SignEvent(&events[0], key) : SignBatch(events, key));
    for (const Event& e : events) {
      const std::string bytes = *EncodeEvent(e);
      auto fast = event_internal::UnsignedCidOfEncoding(AsBytes(bytes));
      ASSERT_TRUE(fast.ok()) << fast.status().ToString();
      auto slow = UnsignedEventCid(e);
      ASSERT_TRUE(slow.ok());
      EXPECT_EQ(*fast, *slow) << "round " << round;
      EXPECT_NE(*fast, EventCid(AsBytes(bytes)));
      event_internal::EventLayout layout;
      auto decoded = event_internal::DecodeEventWithLayout(AsBytes(bytes), &layout);
      ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
      EXPECT_EQ(*decoded, e);
      EXPECT_EQ(layout.cuts, e.batch ? 2 : 1);
      EXPECT_EQ(event_internal::UnsignedCidOfEncoding(AsBytes(bytes), layout), *slow)
          << "round " << round;
      // Appended behind other bytes, as the append path hashes many at once.
      std::string many = "earlier bytes";
      event_internal::AppendUnsignedEncoding(AsBytes(bytes), layout, &many);
      ASSERT_EQ(many.substr(0, 13), "earlier bytes");
      EXPECT_EQ(Cid::Of(Codec::kDagCbor, std::string_view(many).substr(13)), *slow)
          << "round " << round;
    }
  }
}

TEST(UnsignedCidTest, SingleSignatureFromTheEncodingAgreesWithVerifyEventSignature) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const KeyPair key = test::TestKey(6);
  for (int round = 0; round < 100; ++round) {
    Event e = test::RandomEvent(rng, key.public_key);
    ASSERT_OK(SignEvent(&e, key));
    const std::string bytes = *EncodeEvent(e);
    EXPECT_OK(event_internal::VerifySingleSignatureOfEncoding(AsBytes(bytes), e));
    event_internal::EventLayout layout;
    ASSERT_TRUE(event_internal::DecodeEventWithLayout(AsBytes(bytes), &layout).ok());
    EXPECT_OK(event_internal::VerifySingleSignatureOfEncoding(AsBytes(bytes), e, layout));
    // A signature over anything else fails, with VerifyEventSignature's words.
    Event forged = e;
    forged.signature[rng() % forged.signature.size()] ^= 1;
    const std::string forged_bytes = *EncodeEvent(forged);
    const Status fast =
        event_internal::VerifySingleSignatureOfEncoding(AsBytes(forged_bytes), forged);
    EXPECT_FALSE(fast.ok());
    EXPECT_EQ(fast.ToString(), VerifyEventSignature(forged).ToString());
    ASSERT_TRUE(event_internal::DecodeEventWithLayout(AsBytes(forged_bytes), &layout).ok());
    EXPECT_EQ(event_internal::VerifySingleSignatureOfEncoding(AsBytes(forged_bytes), forged, layout)
                  .ToString(),
              fast.ToString());
    // The envelope's signature check must not look at the envelope's own (scope-less)
    // encoding: a signature over the event without its scopes does not verify the event.
    ASSERT_TRUE(event_internal::DecodeEventEnvelope(AsBytes(forged_bytes), &layout).ok());
    EXPECT_EQ(event_internal::VerifySingleSignatureOfEncoding(AsBytes(forged_bytes), forged, layout)
                  .ToString(),
              fast.ToString());
    if (!e.scopes.empty()) {
      Event bare = e;
      bare.scopes.clear();
      ASSERT_OK(SignEvent(&bare, key));
      Event lying = e;
      lying.signature = bare.signature;
      const std::string lying_bytes = *EncodeEvent(lying);
      auto envelope = event_internal::DecodeEventEnvelope(AsBytes(lying_bytes), &layout);
      ASSERT_TRUE(envelope.ok());
      EXPECT_EQ(
          event_internal::VerifySingleSignatureOfEncoding(AsBytes(lying_bytes), *envelope, layout)
              .ToString(),
          VerifyEventSignature(lying).ToString());
      EXPECT_FALSE(VerifyEventSignature(lying).ok());
    }
    // So does the right signature over a changed event.
    Event changed = e;
    changed.timestamp_ms ^= 1;
    const std::string changed_bytes = *EncodeEvent(changed);
    EXPECT_FALSE(
        event_internal::VerifySingleSignatureOfEncoding(AsBytes(changed_bytes), changed).ok());
    ASSERT_TRUE(event_internal::DecodeEventWithLayout(AsBytes(changed_bytes), &layout).ok());
    EXPECT_FALSE(
        event_internal::VerifySingleSignatureOfEncoding(AsBytes(changed_bytes), changed, layout)
            .ok());
  }
}

// DecodeEventEnvelope must be DecodeEvent without the scopes: the same layout and envelope
// for valid events, and the same verdict and message for anything else. Mutated encodings
// (a flipped, dropped or inserted byte, a cut) reach most of the decoder's rejections.
void ExpectEnvelopeAgrees(const std::string& bytes, const std::string& what) {
  const Result<Event> full = DecodeEvent(AsBytes(bytes));
  event_internal::EventLayout envelope_layout;
  const Result<Event> envelope =
      event_internal::DecodeEventEnvelope(AsBytes(bytes), &envelope_layout);
  ASSERT_EQ(envelope.status().ToString(), full.status().ToString()) << what;
  if (!full.ok()) return;
  EXPECT_TRUE(envelope->scopes.empty()) << what;
  Event stripped = *full;
  stripped.scopes.clear();
  EXPECT_EQ(*envelope, stripped) << what;
  event_internal::EventLayout layout;
  ASSERT_TRUE(event_internal::DecodeEventWithLayout(AsBytes(bytes), &layout).ok());
  EXPECT_EQ(envelope_layout.pairs, layout.pairs) << what;
  EXPECT_EQ(envelope_layout.cuts, layout.cuts) << what;
  EXPECT_EQ(envelope_layout.cut, layout.cut) << what;
}

TEST(UnsignedCidTest, EnvelopeDecodeAgreesWithDecodeEvent) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const KeyPair key = test::TestKey(7);
  size_t accepted_mutants = 0;
  for (int round = 0; round < 200; ++round) {
    const size_t n = round % 2 == 0 ? 1 : 1 + rng() % 6;
    std::vector<Event> events;
    for (size_t i = 0; i < n; ++i) events.push_back(test::RandomEvent(rng, key.public_key));
    ASSERT_OK(round % 2 == 0 ? SignEvent(&events[0], key) : SignBatch(events, key));
    const std::string bytes = *EncodeEvent(events[0]);
    ExpectEnvelopeAgrees(bytes, "round " + std::to_string(round));
    for (int m = 0; m < 20; ++m) {
      std::string mutant = bytes;
      const size_t at = rng() % mutant.size();
      switch (rng() % 4) {
        case 0:
          mutant[at] = static_cast<char>(mutant[at] ^ (1u << (rng() % 8)));
          break;
        case 1:
          mutant.erase(at, 1);
          break;
        case 2:
          mutant.insert(at, 1, static_cast<char>(rng()));
          break;
        default:
          mutant.resize(at);
          break;
      }
      accepted_mutants += DecodeEvent(AsBytes(mutant)).ok() ? 1 : 0;
      ExpectEnvelopeAgrees(mutant, "round " + std::to_string(round) + " mutant " +
                                       std::to_string(m) + " at byte " + std::to_string(at));
    }
  }
  // Flips inside a string's payload keep the event valid: those exercise the accepting side.
  EXPECT_GT(accepted_mutants, 0u);
}

TEST(UnsignedCidTest, RejectsWhatIsNotAnEventMap) {
  const std::string array_head("\x81\x01", 2);
  EXPECT_FALSE(event_internal::UnsignedCidOfEncoding(AsBytes(array_head)).ok());
  EXPECT_FALSE(event_internal::UnsignedCidOfEncoding({}).ok());
}

}  // namespace
}  // namespace ddc
