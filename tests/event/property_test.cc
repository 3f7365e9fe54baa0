// Property tests over random valid events (DDC_TEST_SEED replays a run): every event round-trips
// through EncodeEvent/DecodeEvent to an equal value and identical bytes, signs and verifies singly
// and in random batches, and random damage (byte flips, insertions, deletions, truncation) is
// either rejected or decodes to bytes that re-encode identically (the encoding is canonical) and
// then fails verification.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ddc/event.h"
#include "tests/event/event_testing.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::AsBytes;

std::string Damage(std::mt19937_64& rng, std::string bytes) {
  const size_t at = rng() % bytes.size();
  switch (rng() % 4) {
    case 0:
      bytes[at] = static_cast<char>(bytes[at] ^ (1 + rng() % 255));
      break;
    case 1:
      bytes.insert(at, 1, static_cast<char>(rng()));
      break;
    case 2:
      bytes.erase(at, 1 + rng() % 4);
      break;
    default:
      bytes.resize(at);
      break;
  }
  return bytes;
}

TEST(EventPropertyTest, RandomEventsRoundTripSignAndResistDamage) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const KeyPair key = test::TestKey(9);
  for (int round = 0; round < 60; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const size_t n = rng() % 3 == 0 ? 1 + rng() % 9 : 1;
    std::vector<Event> events;
    for (size_t i = 0; i < n; ++i) events.push_back(test::RandomEvent(rng, key.public_key));
    if (n == 1 && rng() % 2 == 0) {
      ASSERT_OK(SignEvent(&events[0], key));
    } else {
      ASSERT_OK(SignBatch(events, key));
    }
    for (const Event& e : events) {
      Result<std::string> bytes = EncodeEvent(e);
      ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
      Result<Event> back = DecodeAndVerifyEvent(AsBytes(*bytes));
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      ASSERT_EQ(*back, e);
      Result<std::string> again = EncodeEvent(*back);
      ASSERT_TRUE(again.ok());
      ASSERT_EQ(*again, *bytes);
      ASSERT_EQ(EventCid(AsBytes(*bytes)), Cid::Of(Codec::kDagCbor, *bytes));
      for (int d = 0; d < 20; ++d) {
        const std::string damaged = Damage(rng, *bytes);
        if (damaged == *bytes) continue;
        Result<Event> decoded = DecodeEvent(AsBytes(damaged));
        if (decoded.ok()) {
          Result<std::string> reencoded = EncodeEvent(*decoded);
          ASSERT_TRUE(reencoded.ok());
          ASSERT_EQ(*reencoded, damaged) << "accepted a non-canonical encoding";
          ASSERT_FALSE(VerifyEventSignature(*decoded).ok()) << "damage verified";
        } else {
          ASSERT_TRUE(decoded.status().IsInvalidArgument());
          ASSERT_EQ(decoded.status().message().rfind("event: ", 0), 0u);
        }
      }
    }
  }
}

}  // namespace
}  // namespace ddc
