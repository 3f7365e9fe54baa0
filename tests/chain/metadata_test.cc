// Runtime metadata V14: a small registry built here byte by byte (the real runtimes' metadata is
// checked against @polkadot/types in tests/interop/chain_metadata.mjs).
#include "engine/chain/metadata.h"

#include <gtest/gtest.h>

#include "engine/chain/extrinsic.h"
#include "engine/chain/scale.h"

namespace ddc::chain {
namespace {

// "meta" v14, types {0: enum {remark = 0, remark_with_event = 7}, 1: struct {}, 2: (u8)},
// pallet System (index 0) with calls of type 0, extrinsic v4 with CheckWeight (1, 1) and
// CheckNonce (2, 1). `call_type` and `extra_type` let a test point them elsewhere.
std::string Metadata(uint32_t call_type = 0, uint32_t extra_type = 2, uint8_t version = 14) {
  ScaleWriter w;
  w.U32(0x6174656d);
  w.U8(version);
  w.Compact(3);
  // Type 0: variant.
  w.Compact(0);
  w.Compact(0);  // path
  w.Compact(0);  // params
  w.U8(1);
  w.Compact(2);
  for (const auto& [name, index] : {std::pair<const char*, uint8_t>{"remark", 0},
                                    std::pair<const char*, uint8_t>{"remark_with_event", 7}}) {
    w.Bytes(std::string_view(name));
    w.Compact(1);  // one field: Option<name> none, type 2, type_name none, no docs
    w.U8(0);
    w.Compact(2);
    w.U8(0);
    w.Compact(0);
    w.U8(index);
    w.Compact(0);  // docs
  }
  w.Compact(0);  // docs
  // Type 1: empty composite.
  w.Compact(1);
  w.Compact(0);
  w.Compact(0);
  w.U8(0);
  w.Compact(0);
  w.Compact(0);
  // Type 2: primitive u8.
  w.Compact(2);
  w.Compact(0);
  w.Compact(0);
  w.U8(5);
  w.U8(3);
  w.Compact(0);
  // Pallets.
  w.Compact(1);
  w.Bytes(std::string_view("System"));
  w.U8(0);  // no storage
  w.U8(1);
  w.Compact(call_type);
  w.U8(0);       // no event
  w.Compact(0);  // constants
  w.U8(0);       // no error
  w.U8(0);       // index
  // Extrinsic.
  w.Compact(1);
  w.U8(4);
  w.Compact(2);
  w.Bytes(std::string_view("CheckWeight"));
  w.Compact(1);
  w.Compact(1);
  w.Bytes(std::string_view("CheckNonce"));
  w.Compact(extra_type);
  w.Compact(1);
  w.Compact(1);  // runtime type
  return w.Take();
}

TEST(MetadataTest, FindsPalletsCallsAndSignedExtensions) {
  const std::string bytes = Metadata();
  auto m = DecodeMetadata(AsByteSpan(bytes));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->version, 14);
  EXPECT_EQ(m->type_count, 3u);
  EXPECT_EQ(m->extrinsic_version, 4);
  auto index = m->CallIndex("System", "remark_with_event");
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(*index, (std::pair<uint8_t, uint8_t>{0, 7}));
  EXPECT_TRUE(m->CallIndex("System", "set_code").status().IsNotFound());
  EXPECT_TRUE(m->CallIndex("Balances", "transfer").status().IsNotFound());
  ASSERT_EQ(m->signed_extensions.size(), 2u);
  EXPECT_EQ(m->signed_extensions[0].identifier, "CheckWeight");
  EXPECT_TRUE(m->signed_extensions[0].type_is_empty);
  EXPECT_TRUE(m->signed_extensions[0].additional_is_empty);
  EXPECT_EQ(m->signed_extensions[1].identifier, "CheckNonce");
  EXPECT_FALSE(m->signed_extensions[1].type_is_empty);
}

TEST(MetadataTest, RefusesDamageWithAReason) {
  auto message = [](const std::string& bytes) {
    auto m = DecodeMetadata(AsByteSpan(bytes));
    return m.ok() ? std::string("accepted") : m.status().message();
  };
  EXPECT_NE(message(Metadata(0, 2, 13)).find("version 13 is not supported"), std::string::npos);
  EXPECT_NE(message(Metadata(1)).find("call type 1 is not a variant"), std::string::npos);
  EXPECT_NE(message(Metadata(0, 9)).find("refers to missing type 9"), std::string::npos);
  const std::string good = Metadata();
  EXPECT_NE(message(good + '\0').find("trailing bytes"), std::string::npos);
  for (size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_NE(message(good.substr(0, cut)), "accepted") << cut;
  }
  std::string bad_magic = good;
  bad_magic[0] = 'x';
  EXPECT_NE(message(bad_magic).find("magic"), std::string::npos);
}

TEST(MetadataTest, ExtensionSetsTakeOnlyWhatTheClientCanFillIn) {
  const std::vector<std::string> ids = {
      "CheckNonZeroSender",   "CheckSpecVersion",  "CheckMortality", "CheckNonce",
      "ChargeAssetTxPayment", "CheckMetadataHash", "SomethingEmpty"};
  const bool empty[] = {true, false, false, false, false, false, true};
  auto set = MakeExtensionSet(ids, empty);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->identifiers, ids);
  // An unknown extension that adds data, or a known-empty one that does not, is refused.
  const std::vector<std::string> unknown = {"CheckNonce", "ChargeSomethingNew"};
  const bool unknown_empty[] = {false, false};
  auto refused = MakeExtensionSet(unknown, unknown_empty);
  EXPECT_TRUE(refused.status().IsNotSupported());
  EXPECT_NE(refused.status().message().find("ChargeSomethingNew"), std::string::npos);
  const std::vector<std::string> weight = {"CheckWeight"};
  const bool not_empty[] = {false};
  EXPECT_TRUE(MakeExtensionSet(weight, not_empty).status().IsNotSupported());
  // The same extrinsic under two sets encodes differently and decodes only under its own.
  Extrinsic e;
  e.call = std::string("\x00\x07\x04x", 4);
  std::array<uint8_t, 32> seed{};
  SignExtrinsic(&e, KeyPair::FromSeed(seed), SigningContext{}, *set);
  const std::string newer = EncodeExtrinsic(e, *set);
  EXPECT_NE(newer, EncodeExtrinsic(e));
  auto back = DecodeExtrinsic(AsByteSpan(newer), *set);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(VerifyExtrinsic(*back, SigningContext{}, *set).ok());
  EXPECT_FALSE(VerifyExtrinsic(*back, SigningContext{}).ok());
}

}  // namespace
}  // namespace ddc::chain
