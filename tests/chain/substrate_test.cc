// The pure parts of the Substrate client (engine/chain/substrate.h) against Substrate's known
// values: storage key prefixes, SS58 addresses of the well-known dev accounts.
#include "engine/chain/substrate.h"

#include <gtest/gtest.h>

#include <random>

#include "engine/base/hex.h"
#include "engine/chain/scale.h"

namespace ddc::chain {
namespace {

AccountId FromHex(std::string_view hex) {
  AccountId id{};
  EXPECT_TRUE(ParseHex(hex, id));
  return id;
}

std::string HexOf(std::string_view bytes) { return Hex(AsByteSpan(bytes)); }

TEST(SubstrateTest, StorageKeysAreTheOnesEverySubstrateChainUses) {
  // twox128("System") and twox128("Account"), as every Substrate tool prints them.
  EXPECT_EQ(HexOf(StorageKey("System", "Account")),
            "26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9");
  const AccountId alice =
      FromHex("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d");
  const std::string key = SystemAccountKey(alice);
  ASSERT_EQ(key.size(), 32u + 16 + 32);
  // Alice's System.Account key of the Substrate dev chains (blake2_128_concat).
  EXPECT_EQ(HexOf(key.substr(32, 16)), "de1e86a9a8c739864cf3cc5ec2bea59f");
  EXPECT_EQ(key.substr(48), std::string(alice.begin(), alice.end()));
}

TEST(SubstrateTest, Ss58OfTheWellKnownDevAccounts) {
  const AccountId alice =
      FromHex("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d");
  const AccountId bob = FromHex("8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48");
  EXPECT_EQ(Ss58Encode(alice), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
  EXPECT_EQ(Ss58Encode(bob), "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty");
  EXPECT_EQ(Ss58Encode(alice, 0), "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5");
  uint16_t prefix = 999;
  Result<AccountId> back = Ss58Decode("5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty", &prefix);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, bob);
  EXPECT_EQ(prefix, kSs58Generic);
}

TEST(SubstrateTest, Ss58RoundTripsEveryPrefixFormAndRefusesDamage) {
  std::mt19937_64 rng(7);
  for (uint16_t prefix : {0, 42, 54, 63, 64, 1000, 16383}) {
    AccountId id{};
    for (auto& b : id) b = static_cast<uint8_t>(rng());
    const std::string text = Ss58Encode(id, prefix);
    uint16_t got = 0;
    Result<AccountId> back = Ss58Decode(text, &got);
    ASSERT_TRUE(back.ok()) << prefix << ": " << back.status().ToString();
    EXPECT_EQ(*back, id);
    EXPECT_EQ(got, prefix);
    // Any changed character breaks the checksum (or the alphabet, or the length).
    for (size_t i = 0; i < text.size(); ++i) {
      std::string bad = text;
      bad[i] = bad[i] == 'z' ? 'y' : 'z';
      EXPECT_FALSE(Ss58Decode(bad).ok()) << bad;
    }
  }
  EXPECT_NE(Ss58Decode("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKut0Y")
                .status()
                .message()
                .find("'0' is not a base58"),
            std::string::npos);
  EXPECT_FALSE(Ss58Decode("").ok());
  EXPECT_FALSE(Ss58Decode("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGK").ok());
}

TEST(SubstrateTest, AccountStorageRoundTripsAndSaturatesBeyond64Bits) {
  const AccountInfo info{123456789, 42, 7};
  const std::string bytes = EncodeAccountStorage(info);
  ASSERT_EQ(bytes.size(), 16u + 64);
  bool saturated = true;
  Result<AccountInfo> back = DecodeAccountStorage(AsByteSpan(bytes), &saturated);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, info);
  EXPECT_FALSE(saturated);
  std::string big = bytes;
  big[16 + 8] = 1;  // free's high half: 2^64.
  back = DecodeAccountStorage(AsByteSpan(big), &saturated);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->free, UINT64_MAX);
  EXPECT_TRUE(saturated);
  EXPECT_FALSE(DecodeAccountStorage(AsByteSpan(bytes.substr(1))).ok());
  EXPECT_FALSE(DecodeAccountStorage(AsByteSpan(bytes + "x")).ok());
}

TEST(SubstrateTest, TimestampInherentIsReadAndOthersAreNot) {
  auto inherent = [](uint8_t version, uint8_t pallet, uint8_t call, uint64_t ms) {
    ScaleWriter body;
    body.U8(version);
    body.U8(pallet);
    body.U8(call);
    body.Compact(ms);
    ScaleWriter w;
    w.Bytes(body.data());
    return w.Take();
  };
  const std::string good = inherent(0x04, 3, 0, 1700000000123);
  Result<uint64_t> t = TimestampOfInherent(AsByteSpan(good), 3, 0);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, 1700000000123u);
  EXPECT_TRUE(TimestampOfInherent(AsByteSpan(good), 2, 0).status().IsNotFound());
  EXPECT_TRUE(TimestampOfInherent(AsByteSpan(good), 3, 1).status().IsNotFound());
  const std::string signed_one = inherent(0x84, 3, 0, 1);
  EXPECT_TRUE(TimestampOfInherent(AsByteSpan(signed_one), 3, 0).status().IsNotFound());
  EXPECT_FALSE(TimestampOfInherent(AsByteSpan(good.substr(0, good.size() - 1)), 3, 0).ok());
}

}  // namespace
}  // namespace ddc::chain
