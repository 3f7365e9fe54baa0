// The dev runtime's metadata (engine/chain/dev_metadata.h) as a client reads it: our strict V14
// decoder accepts it; every call of calls.h is found by its CallName() at the (pallet, call)
// index its CallKind says, and the metadata lists no call the runtime does not apply; the signed
// extensions are StandardExtensions() in order, each adding what extrinsic.cc fills in, so that
// MakeExtensionSet over them gives back the standard set; damaged copies are refused. The
// expectations come from calls.h, extrinsic.h and the pallet table of docs/chain.md, never from
// the metadata itself. The argument types are checked against @polkadot/types, which decodes our
// extrinsics by this metadata (tests/interop/chain_dev_metadata.mjs).
#include "engine/chain/dev_metadata.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "engine/chain/calls.h"
#include "engine/chain/extrinsic.h"
#include "engine/chain/metadata.h"
#include "engine/chain/scale.h"

namespace ddc::chain {
namespace {

constexpr CallKind kAllCalls[] = {
    CallKind::kRemark,           CallKind::kRemarkWithEvent, CallKind::kTimestampSet,
    CallKind::kSudoAs,           CallKind::kTransfer,        CallKind::kForceSetBalance,
    CallKind::kCreateCluster,    CallKind::kAddNode,         CallKind::kRemoveNode,
    CallKind::kSetClusterParams, CallKind::kCreateBucket,    CallKind::kRemoveBucket,
    CallKind::kSetBucketParams,  CallKind::kDeposit,         CallKind::kWithdraw,
    CallKind::kReportUsage,      CallKind::kPayout,
};

RuntimeMetadata Decoded() {
  auto m = DecodeMetadata(AsByteSpan(DevRuntimeMetadata()));
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : RuntimeMetadata{};
}

// "DdcCustomers.create_bucket" -> {"DdcCustomers", "create_bucket"}.
std::pair<std::string, std::string> Split(const std::string& name) {
  const size_t dot = name.find('.');
  return {name.substr(0, dot), name.substr(dot + 1)};
}

TEST(DevMetadataTest, DecodesAsV14WithEveryPallet) {
  const RuntimeMetadata m = Decoded();
  EXPECT_EQ(m.version, 14);
  EXPECT_EQ(m.extrinsic_version, 4);
  EXPECT_GT(m.type_count, 0u);
  const std::vector<std::pair<std::string, uint8_t>> want = {
      {"System", 0},        {"Timestamp", 1},      {"Balances", 2},    {"Sudo", 3},
      {"DdcClusters", 100}, {"DdcCustomers", 101}, {"DdcPayouts", 102}};
  std::vector<std::pair<std::string, uint8_t>> got;
  for (const MetadataPallet& p : m.pallets) got.emplace_back(p.name, p.index);
  EXPECT_EQ(got, want);
}

TEST(DevMetadataTest, EveryCallKindIsFoundByName) {
  const RuntimeMetadata m = Decoded();
  for (CallKind kind : kAllCalls) {
    const auto [pallet, call] = Split(CallName(kind));
    auto index = m.CallIndex(pallet, call);
    ASSERT_TRUE(index.ok()) << CallName(kind) << ": " << index.status().ToString();
    const auto raw = static_cast<uint16_t>(kind);
    EXPECT_EQ(index->first, raw >> 8) << CallName(kind);
    EXPECT_EQ(index->second, raw & 0xff) << CallName(kind);
  }
  EXPECT_FALSE(m.CallIndex("System", "set_code").ok());
  EXPECT_FALSE(m.CallIndex("Staking", "bond").ok());
}

TEST(DevMetadataTest, ListsNoCallTheRuntimeDoesNotApply) {
  const RuntimeMetadata m = Decoded();
  size_t calls = 0;
  for (const MetadataPallet& p : m.pallets) {
    for (const MetadataCall& c : p.calls) {
      ++calls;
      const std::string name = p.name + "." + c.name;
      bool known = false;
      for (CallKind kind : kAllCalls) {
        const auto raw = static_cast<uint16_t>(kind);
        if (name == CallName(kind)) {
          known = true;
          EXPECT_EQ(p.index, raw >> 8) << name;
          EXPECT_EQ(c.index, raw & 0xff) << name;
        }
      }
      EXPECT_TRUE(known) << name << " is in the metadata but not a call of calls.h";
    }
  }
  EXPECT_EQ(calls, std::size(kAllCalls));
}

TEST(DevMetadataTest, SignedExtensionsAreTheStandardSet) {
  const RuntimeMetadata m = Decoded();
  // {identifier, extra is empty, additional is empty}, as extrinsic.cc fills them in.
  struct Want {
    const char* identifier;
    bool type_is_empty;
    bool additional_is_empty;
  };
  const Want want[] = {
      {"CheckSpecVersion", true, false},
      {"CheckTxVersion", true, false},
      {"CheckGenesis", true, false},
      {"CheckMortality", false, false},
      {"CheckNonce", false, true},
      {"CheckWeight", true, true},
      {"ChargeTransactionPayment", false, true},
  };
  ASSERT_EQ(m.signed_extensions.size(), std::size(want));
  std::vector<std::string> identifiers;
  bool empty[std::size(want)] = {};  // Not vector<bool>: MakeExtensionSet takes a span.
  for (size_t i = 0; i < std::size(want); ++i) {
    const SignedExtension& e = m.signed_extensions[i];
    EXPECT_EQ(e.identifier, want[i].identifier);
    EXPECT_EQ(e.type_is_empty, want[i].type_is_empty) << e.identifier;
    EXPECT_EQ(e.additional_is_empty, want[i].additional_is_empty) << e.identifier;
    identifiers.push_back(e.identifier);
    empty[i] = e.type_is_empty && e.additional_is_empty;
  }
  auto set = MakeExtensionSet(identifiers, empty);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->identifiers, StandardExtensions().identifiers);
}

TEST(DevMetadataTest, SameBytesEveryCall) {
  const std::string& first = DevRuntimeMetadata();
  const std::string copy = first;
  EXPECT_EQ(&DevRuntimeMetadata(), &first);
  EXPECT_EQ(DevRuntimeMetadata(), copy);
  EXPECT_EQ(copy.substr(0, 5), std::string("meta\x0e", 5));
}

TEST(DevMetadataTest, DamagedCopiesAreRefused) {
  const std::string& good = DevRuntimeMetadata();
  // Every proper prefix: the decoder reads a fixed structure, so each one ends too early.
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(DecodeMetadata(AsByteSpan(std::string_view(good).substr(0, n))).ok())
        << "prefix of " << n << " bytes";
  }
  EXPECT_FALSE(DecodeMetadata(AsByteSpan(good + '\0')).ok()) << "a trailing byte";
  std::string magic = good;
  magic[0] ^= 0x01;
  EXPECT_FALSE(DecodeMetadata(AsByteSpan(magic)).ok()) << "magic";
  std::string version = good;
  version[4] = 13;
  auto v13 = DecodeMetadata(AsByteSpan(version));
  ASSERT_FALSE(v13.ok());
  EXPECT_NE(v13.status().message().find("version 13"), std::string::npos);
  // The last byte is the runtime type's id; all bits set makes it a big-integer compact that
  // runs past the end.
  std::string runtime = good;
  runtime.back() = static_cast<char>(0xff);
  EXPECT_FALSE(DecodeMetadata(AsByteSpan(runtime)).ok()) << "runtime type id";
}

}  // namespace
}  // namespace ddc::chain
