// Proves that CidIndex maps every inserted CID to its location and nothing else, at every size
// from one entry to 200,000, through each growth step, within the promised 17.8..26.7 bytes per
// entry; that its tag and home slot are the ones docs/FORMAT.md ("Index snapshot") specifies,
// computed here independently; that the table keeps the Robin Hood order the lookups rely on;
// that CIDs sharing a tag all come back as candidates; and that FromSlots rejects impossible
// tables. Randomized tests print their seed (DDC_TEST_SEED replays one).
#include "engine/index/cid_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ddc/cid.h"
#include "tests/test_util.h"

namespace ddc::index {
namespace {

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ull;

// FORMAT.md: tag = (first 8 digest bytes as little-endian u64, XOR codec x 0x9e37...) >> 16.
uint64_t SpecTag(const Cid& cid) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v |= static_cast<uint64_t>(cid.digest()[i]) << (8 * i);
  return (v ^ static_cast<uint64_t>(cid.codec()) * kGolden) >> 16;
}

// FORMAT.md: a slot's home position is ((tag << 16) x capacity) >> 64.
uint64_t SpecHome(uint64_t tag, uint64_t capacity) {
  return static_cast<uint64_t>((static_cast<Uint128>(tag << 16) * capacity) >> 64);
}

Cid RandomCid(std::mt19937_64& rng, Codec codec = Codec::kRaw) {
  return Cid::Of(codec, test::RandomBytes(rng, 24));
}

// A distinct, valid location for entry i.
Location LocationOf(uint64_t i) {
  return Location{static_cast<uint32_t>(1 + i % (kMaxSegments - 1)), static_cast<uint32_t>(i * 97),
                  static_cast<uint32_t>(79 + i % 5000)};
}

std::vector<Location> Candidates(const CidIndex& index, uint64_t tag) {
  std::vector<Location> out;
  index.ForEachCandidate(tag, [&](const Location& loc) {
    out.push_back(loc);
    return false;
  });
  return out;
}

// Checks that the table is in Robin Hood order: walking forward from any slot, the distance
// from home grows by at most one per step and is zero after an empty slot. Lookups stop early
// on exactly this invariant, so a table violating it loses entries.
::testing::AssertionResult InRobinHoodOrder(const CidIndex& index) {
  std::span<const Slot> slots = index.slots();
  const uint64_t cap = slots.size();
  auto distance = [&](uint64_t i) {
    const uint64_t home = SpecHome(slots[i].tag_segment >> 16, cap);
    return i >= home ? i - home : i + cap - home;
  };
  // Start just after an empty slot, which exists since the load is at most 90%.
  uint64_t start = 0;
  while (slots[start].length != 0) ++start;
  uint64_t previous = 0;
  bool previous_empty = true;
  for (uint64_t step = 1; step <= cap; ++step) {
    const uint64_t i = (start + step) % cap;
    if (slots[i].length == 0) {
      previous_empty = true;
      continue;
    }
    const uint64_t d = distance(i);
    if (previous_empty ? d != 0 : d > previous + 1) {
      return ::testing::AssertionFailure()
             << "slot " << i << " is " << d << " from home after "
             << (previous_empty ? std::string("an empty slot") : std::to_string(previous));
    }
    previous = d;
    previous_empty = false;
  }
  return ::testing::AssertionSuccess();
}

TEST(CidIndexTest, EmptyIndex) {
  CidIndex index;
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.capacity(), CidIndex::kMinCapacity);
  EXPECT_EQ(index.memory_bytes(), CidIndex::kMinCapacity * 16);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(Candidates(index, CidIndex::Tag(RandomCid(rng))).empty());
  }
}

TEST(CidIndexTest, TagAndSlotFollowTheSpec) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 10000; ++i) {
    const Cid cid = RandomCid(rng, i % 2 == 0 ? Codec::kRaw : Codec::kDagCbor);
    const uint64_t tag = CidIndex::Tag(cid);
    ASSERT_EQ(tag, SpecTag(cid));
    ASSERT_LT(tag, 1ull << 48);
  }
  // The slot of one entry: tag << 16 | segment, offset, length, at the tag's home.
  CidIndex index;
  const Cid cid = Cid::Of(Codec::kRaw, std::string_view("hello"));
  const uint64_t tag = CidIndex::Tag(cid);
  index.Insert(tag, Location{513, 4096, 83});
  const uint64_t home = SpecHome(tag, index.capacity());
  const Slot& s = index.slots()[home];
  EXPECT_EQ(s.tag_segment, tag << 16 | 513);
  EXPECT_EQ(s.offset, 4096u);
  EXPECT_EQ(s.length, 83u);
  for (uint64_t i = 0; i < index.capacity(); ++i) {
    if (i != home) {
      EXPECT_EQ(index.slots()[i].length, 0u) << i;
    }
  }
}

TEST(CidIndexTest, RawAndDagCborOfTheSameBytesGetDifferentTags) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  // The codec enters by XOR, so the two tags always differ by the same non-zero mask.
  const uint64_t mask = ((0x55 * kGolden) ^ (0x71 * kGolden)) >> 16;
  ASSERT_NE(mask, 0u);
  for (int i = 0; i < 10000; ++i) {
    const std::vector<uint8_t> bytes = test::RandomBytes(rng, rng() % 100);
    const uint64_t raw = CidIndex::Tag(Cid::Of(Codec::kRaw, bytes));
    const uint64_t cbor = CidIndex::Tag(Cid::Of(Codec::kDagCbor, bytes));
    ASSERT_NE(raw, cbor);
    ASSERT_EQ(raw ^ cbor, mask);
  }
  // And an index holding one does not offer it for the other.
  CidIndex index;
  const std::vector<uint8_t> bytes = {0xa0};
  index.Insert(CidIndex::Tag(Cid::Of(Codec::kRaw, bytes)), Location{1, 64, 79});
  EXPECT_EQ(Candidates(index, CidIndex::Tag(Cid::Of(Codec::kRaw, bytes))).size(), 1u);
  EXPECT_TRUE(Candidates(index, CidIndex::Tag(Cid::Of(Codec::kDagCbor, bytes))).empty());
}

// Inserts `n` random CIDs and finds each; probes `absent` others.
void InsertAndFind(uint64_t n, uint64_t absent, uint64_t seed) {
  SCOPED_TRACE("n " + std::to_string(n) + ", seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  CidIndex index;
  std::vector<uint64_t> tags;
  std::unordered_map<uint64_t, uint64_t> tag_count;  // Tags shared by different CIDs are legal.
  tags.reserve(n);
  // Every entry inserted so far is found under its tag, among exactly tag_count[tag] candidates.
  auto check_all = [&]() -> ::testing::AssertionResult {
    for (uint64_t i = 0; i < tags.size(); ++i) {
      const std::vector<Location> c = Candidates(index, tags[i]);
      uint64_t mine = 0;
      for (const Location& loc : c) mine += loc == LocationOf(i) ? 1 : 0;
      if (mine != 1 || c.size() != tag_count[tags[i]]) {
        return ::testing::AssertionFailure()
               << "entry " << i << " of " << tags.size() << ": " << mine << " own, " << c.size()
               << " candidates (capacity " << index.capacity() << ")";
      }
    }
    return ::testing::AssertionSuccess();
  };
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t tag = CidIndex::Tag(RandomCid(rng, i % 3 == 0 ? Codec::kDagCbor : Codec::kRaw));
    const uint64_t capacity_before = index.capacity();
    index.Insert(tag, LocationOf(i));
    tags.push_back(tag);
    ++tag_count[tag];
    ASSERT_EQ(index.size(), i + 1);
    // Load stays at or below 90%.
    ASSERT_LE(index.size() * 10, index.capacity() * 9);
    if (index.size() > 10000) {
      const double per_entry =
          static_cast<double>(index.memory_bytes()) / static_cast<double>(index.size());
      ASSERT_GE(per_entry, 17.7);
      ASSERT_LE(per_entry, 26.8);
      ASSERT_LE(per_entry, 32.0);
    }
    if (index.capacity() != capacity_before) {
      // Growth: by half, and nothing lost.
      ASSERT_EQ(index.capacity(), capacity_before + capacity_before / 2);
      ASSERT_TRUE(check_all());
    }
  }
  ASSERT_TRUE(check_all());
  ASSERT_TRUE(InRobinHoodOrder(index));
  uint64_t false_candidates = 0;
  for (uint64_t i = 0; i < absent; ++i) {
    const uint64_t tag = CidIndex::Tag(RandomCid(rng));
    const size_t c = Candidates(index, tag).size();
    // A 48-bit tag shared with an inserted CID would be a legal candidate; count those apart.
    auto it = tag_count.find(tag);
    ASSERT_EQ(c, it == tag_count.end() ? 0u : it->second);
    false_candidates += c;
  }
  // 100,000 probes against 200,000 entries share a 48-bit tag with probability ~7e-5.
  EXPECT_EQ(false_candidates, 0u);
}

TEST(CidIndexTest, SmallSizesAroundTheFirstGrowth) {
  const uint64_t seed = test::TestSeed();
  for (uint64_t n : {1u, 2u, 3u, 100u, 920u, 921u, 922u, 923u, 1382u, 1383u, 5000u}) {
    InsertAndFind(n, 1000, seed + n);
  }
}

TEST(CidIndexTest, TwoHundredThousandEntries) { InsertAndFind(200000, 100000, test::TestSeed()); }

TEST(CidIndexTest, SharedTagsYieldEveryCandidate) {
  CidIndex index;
  std::mt19937_64 rng(2);
  // Fill a little with random tags so that shared ones sit amid others.
  for (uint64_t i = 0; i < 500; ++i) index.Insert(CidIndex::Tag(RandomCid(rng)), LocationOf(i));
  const uint64_t shared = CidIndex::Tag(RandomCid(rng));
  const Location a{7, 1000, 100};
  const Location b{8, 2000, 200};
  const Location c{7, 3000, 300};
  index.Insert(shared, a);
  index.Insert(shared, b);
  std::vector<Location> got = Candidates(index, shared);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE((got[0] == a && got[1] == b) || (got[0] == b && got[1] == a));
  index.Insert(shared, c);
  got = Candidates(index, shared);
  ASSERT_EQ(got.size(), 3u);
  for (const Location& want : {a, b, c}) {
    EXPECT_EQ(std::count(got.begin(), got.end(), want), 1);
  }
  // A tag with the same home slot but a different value is not a candidate.
  const uint64_t neighbour = shared ^ 1;
  ASSERT_EQ(SpecHome(neighbour, index.capacity()), SpecHome(shared, index.capacity()));
  EXPECT_TRUE(Candidates(index, neighbour).empty());
  // The callback's true stops the walk.
  int calls = 0;
  index.ForEachCandidate(shared, [&](const Location&) {
    ++calls;
    return true;
  });
  EXPECT_EQ(calls, 1);
  // Growth keeps all three.
  for (uint64_t i = 500; i < 3000; ++i) index.Insert(CidIndex::Tag(RandomCid(rng)), LocationOf(i));
  EXPECT_GT(index.capacity(), CidIndex::kMinCapacity);
  EXPECT_EQ(Candidates(index, shared).size(), 3u);
  EXPECT_TRUE(InRobinHoodOrder(index));
}

TEST(CidIndexTest, ProbingWrapsAroundTheEndOfTheTable) {
  // Tags whose home is the last slot: the run continues at slot 0.
  CidIndex index;
  const uint64_t top = (1ull << 48) - 1;
  ASSERT_EQ(SpecHome(top, index.capacity()), index.capacity() - 1);
  std::vector<std::pair<uint64_t, Location>> entries;
  for (uint64_t i = 0; i < 20; ++i) {
    entries.emplace_back(top - i, LocationOf(i));
    index.Insert(top - i, LocationOf(i));
  }
  // And entries at home 0 and 1 that the wrapped run pushes along.
  for (uint64_t i = 0; i < 5; ++i) {
    entries.emplace_back(i, LocationOf(100 + i));
    index.Insert(i, LocationOf(100 + i));
  }
  for (const auto& [tag, loc] : entries) {
    std::vector<Location> got = Candidates(index, tag);
    ASSERT_EQ(got.size(), 1u) << tag;
    EXPECT_EQ(got[0], loc) << tag;
  }
  EXPECT_NE(index.slots()[0].length, 0u);
  EXPECT_TRUE(InRobinHoodOrder(index));
}

TEST(CidIndexTest, FromSlotsRoundTrip) {
  std::mt19937_64 rng(3);
  CidIndex index;
  std::vector<uint64_t> tags;
  for (uint64_t i = 0; i < 5000; ++i) {
    tags.push_back(CidIndex::Tag(RandomCid(rng)));
    index.Insert(tags.back(), LocationOf(i));
  }
  std::vector<Slot> copy(index.slots().begin(), index.slots().end());
  auto rebuilt = CidIndex::FromSlots(std::move(copy), index.size());
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(rebuilt->size(), index.size());
  EXPECT_EQ(rebuilt->capacity(), index.capacity());
  for (uint64_t i = 0; i < tags.size(); ++i) {
    const std::vector<Location> got = Candidates(*rebuilt, tags[i]);
    ASSERT_EQ(std::count(got.begin(), got.end(), LocationOf(i)), 1) << i;
  }
  // It keeps growing from there.
  for (uint64_t i = 5000; i < 10000; ++i) {
    rebuilt->Insert(CidIndex::Tag(RandomCid(rng)), LocationOf(i));
  }
  EXPECT_EQ(rebuilt->size(), 10000u);
  for (uint64_t i = 0; i < tags.size(); ++i) {
    const std::vector<Location> got = Candidates(*rebuilt, tags[i]);
    ASSERT_EQ(std::count(got.begin(), got.end(), LocationOf(i)), 1) << i;
  }
}

// `used` non-empty slots, at arbitrary positions, in a table of `capacity`.
std::vector<Slot> SlotsWith(uint64_t capacity, uint64_t used) {
  std::vector<Slot> slots(capacity);
  for (uint64_t i = 0; i < used; ++i) slots[i] = Slot{(i + 1) << 16 | 1, 64, 100};
  return slots;
}

TEST(CidIndexTest, FromSlotsRejectsBadCapacity) {
  for (uint64_t capacity : {0u, 1u, 512u, 1023u}) {
    auto r = CidIndex::FromSlots(SlotsWith(capacity, 0), 0);
    ASSERT_FALSE(r.ok()) << capacity;
    EXPECT_TRUE(r.status().IsCorruption());
    EXPECT_EQ(r.status().message(), "index capacity " + std::to_string(capacity) + " out of range");
  }
  // Any capacity from the minimum up is accepted, not only the ones growth produces.
  for (uint64_t capacity : {1024u, 1025u, 1536u, 4099u}) {
    auto r = CidIndex::FromSlots(SlotsWith(capacity, 0), 0);
    EXPECT_TRUE(r.ok()) << capacity << ": " << r.status().ToString();
  }
}

TEST(CidIndexTest, FromSlotsRejectsWrongCount) {
  for (auto [used, count] : {std::pair<uint64_t, uint64_t>{0, 1}, {10, 9}, {10, 11}, {500, 0}}) {
    auto r = CidIndex::FromSlots(SlotsWith(1024, used), count);
    ASSERT_FALSE(r.ok()) << used << " vs " << count;
    EXPECT_TRUE(r.status().IsCorruption());
    EXPECT_EQ(r.status().message(), "index holds " + std::to_string(used) +
                                        " entries, header says " + std::to_string(count));
  }
}

TEST(CidIndexTest, FromSlotsRejectsOverload) {
  // 90% of 1024 is 921.6: 921 entries are allowed, 922 are not.
  auto fits = CidIndex::FromSlots(SlotsWith(1024, 921), 921);
  EXPECT_TRUE(fits.ok()) << fits.status().ToString();
  for (uint64_t used : {922u, 1000u, 1024u}) {
    auto r = CidIndex::FromSlots(SlotsWith(1024, used), used);
    ASSERT_FALSE(r.ok()) << used;
    EXPECT_TRUE(r.status().IsCorruption());
    EXPECT_EQ(r.status().message(), "index over its maximum load");
  }
}

TEST(CidIndexTest, ReplaceMovesExactlyTheNamedEntry) {
  // Replace is how a put supersedes a damaged copy: only the entry with the same tag AND the
  // old location moves; another entry sharing the tag stays where it was.
  std::mt19937_64 rng(31);
  CidIndex index;
  for (uint64_t i = 0; i < 2000; ++i) index.Insert(CidIndex::Tag(RandomCid(rng)), LocationOf(i));
  const uint64_t tag = CidIndex::Tag(RandomCid(rng));
  const Location a{3, 100, 50}, b{3, 900, 60}, fresh{4, 64, 50};
  index.Insert(tag, a);
  index.Insert(tag, b);
  EXPECT_FALSE(index.Replace(tag, Location{3, 101, 50}, fresh));  // No such location.
  EXPECT_FALSE(index.Replace(tag ^ 1, a, fresh));                 // No such tag.
  ASSERT_TRUE(index.Replace(tag, a, fresh));
  std::vector<Location> got = Candidates(index, tag);
  std::sort(got.begin(), got.end(), [](const Location& x, const Location& y) {
    return x.segment != y.segment ? x.segment < y.segment : x.offset < y.offset;
  });
  EXPECT_EQ(got, (std::vector<Location>{b, fresh}));
  EXPECT_EQ(index.size(), 2002u);
}

}  // namespace
}  // namespace ddc::index
