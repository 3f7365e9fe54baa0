// IdTable against a std::map model: random inserts (with repeats, which keep the first value),
// lookups of present and absent keys across many growths, keys that share a home slot, and
// ForEach visiting every entry exactly once.
#include "engine/store/id_table.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <random>
#include <vector>

namespace ddc {
namespace {

TEST(IdTableTest, BehavesLikeAMapThroughManyGrowths) {
  std::mt19937_64 rng(7);
  IdTable table;
  std::map<IdTable::Key, uint64_t> model;
  std::vector<IdTable::Key> keys;
  for (uint64_t step = 0; step < 50000; ++step) {
    IdTable::Key key;
    if (!keys.empty() && rng() % 8 == 0) {
      key = keys[rng() % keys.size()];  // A repeat: the first value must stay.
    } else {
      key = {rng(), rng()};
      keys.push_back(key);
    }
    table.Insert(key, step);
    model.emplace(key, step);
    ASSERT_EQ(table.size(), model.size());
    if (step % 97 == 0) {
      for (int probe = 0; probe < 20; ++probe) {
        const IdTable::Key& k = keys[rng() % keys.size()];
        ASSERT_EQ(table.Find(k), model.at(k));
        const IdTable::Key absent{rng(), rng()};
        ASSERT_EQ(table.Find(absent), std::nullopt);
      }
    }
  }
  std::map<IdTable::Key, uint64_t> seen;
  table.ForEach([&](const IdTable::Key& k, uint64_t v) {
    EXPECT_TRUE(seen.emplace(k, v).second) << "an entry visited twice";
  });
  EXPECT_EQ(seen, model);
  EXPECT_GE(table.MemoryBytes(), table.size() * sizeof(IdTable::Key));
}

TEST(IdTableTest, KeysWithOneHomeSlotAreAllKept) {
  // The same first word (the home slot) with different second words: a long probe run, which
  // must not confuse one key with another or end early.
  IdTable table;
  for (uint64_t i = 0; i < 600; ++i) table.Insert({42, i}, i * 3);
  for (uint64_t i = 0; i < 600; ++i) ASSERT_EQ(table.Find({42, i}), i * 3) << i;
  EXPECT_EQ(table.Find({42, 600}), std::nullopt);
  EXPECT_EQ(table.Find({43, 0}), std::nullopt);
  EXPECT_EQ(table.size(), 600u);
}

TEST(IdTableTest, AnEmptyTableFindsNothing) {
  IdTable table;
  EXPECT_EQ(table.Find({1, 2}), std::nullopt);
  table.Prefetch({1, 2});  // Safe on an empty table.
  table.Reserve(5000);
  EXPECT_EQ(table.Find({1, 2}), std::nullopt);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_GE(table.MemoryBytes(), 5000 * 2 * sizeof(IdTable::Key));
}

}  // namespace
}  // namespace ddc
