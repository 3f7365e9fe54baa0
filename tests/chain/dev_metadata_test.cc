// The dev runtime's metadata (engine/chain/dev_metadata.h) as a client reads it: our strict V14
// decoder accepts it; every call of calls.h is found by its CallName() at the (pallet, call)
// index its CallKind says, and the metadata lists no call the runtime does not apply; the signed
// extensions are StandardExtensions() in order, each adding what extrinsic.cc fills in, so that
// MakeExtensionSet over them gives back the standard set; the storage entries state_getStorage
// serves (System.Account, Timestamp.Now) are written as frame-metadata encodes them, with
// defaults as long as the values substrate.h writes, and the decoder refuses them damaged;
// damaged copies are refused. The expectations come from calls.h, extrinsic.h, substrate.h and
// the pallet table of docs/chain.md, never from the metadata itself. The argument and storage
// types are checked against @polkadot/types, which decodes our extrinsics and storage values by
// this metadata (tests/interop/chain_dev_metadata.mjs).
#include "engine/chain/dev_metadata.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/chain/calls.h"
#include "engine/chain/extrinsic.h"
#include "engine/chain/metadata.h"
#include "engine/chain/scale.h"
#include "engine/chain/substrate.h"

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

// The offset just past `pattern` in the metadata, which must hold it exactly once.
size_t After(const std::string& metadata, const std::string& pattern) {
  const size_t at = metadata.find(pattern);
  EXPECT_NE(at, std::string::npos) << "not in the metadata";
  if (at == std::string::npos) return metadata.size();
  EXPECT_EQ(metadata.find(pattern, at + 1), std::string::npos) << "twice in the metadata";
  return at + pattern.size();
}

// A pallet's name, then Some(PalletStorageMetadata { prefix: its name, one entry }) and that
// entry's name and modifier Default (1), written out byte by byte from frame-metadata's V14
// encoding.
std::string StorageHead(std::string_view pallet, std::string_view entry) {
  ScaleWriter w;
  w.Bytes(pallet);
  w.U8(1);  // storage: Some
  w.Bytes(pallet);
  w.Compact(1);  // entries
  w.Bytes(entry);
  w.U8(1);  // modifier: Default
  return w.Take();
}

TEST(DevMetadataTest, StorageEntriesAreWhatStateGetStorageServes) {
  const std::string& m = DevRuntimeMetadata();
  // System.Account: Map { hashers: [Blake2_128Concat (2)], key, value }, default the zero
  // AccountInfo, as long as EncodeAccountStorage's value (the types are checked by @polkadot).
  const size_t account =
      After(m, StorageHead("System", "Account") + std::string("\x01\x04\x02", 3));
  ScaleReader r(std::string_view(m).substr(account));
  (void)r.Compact();  // key type
  (void)r.Compact();  // value type
  const auto account_default = r.Bytes(1024);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(account_default.size(), EncodeAccountStorage(AccountInfo{}).size());
  EXPECT_EQ(std::string(account_default.begin(), account_default.end()), std::string(80, '\0'));
  // Timestamp.Now: Plain, default a zero u64 (the value type is checked by @polkadot).
  const size_t now = After(m, StorageHead("Timestamp", "Now") + std::string("\x00", 1));
  ScaleReader t(std::string_view(m).substr(now));
  (void)t.Compact();  // value type
  const auto now_default = t.Bytes(1024);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(std::string(now_default.begin(), now_default.end()), std::string(8, '\0'));

  // Our decoder reads the entries: a hasher, modifier or entry kind out of range is refused.
  const size_t hasher = account - 1;
  const size_t kind = account - 3;
  const size_t modifier = account - 4;
  for (const auto& [at, value, what] :
       {std::tuple{hasher, 7, "hasher 7"}, std::tuple{kind, 2, "entry kind 2"},
        std::tuple{modifier, 2, "modifier 2"}}) {
    std::string bad = m;
    bad[at] = static_cast<char>(value);
    auto decoded = DecodeMetadata(AsByteSpan(bad));
    ASSERT_FALSE(decoded.ok()) << what;
    EXPECT_NE(decoded.status().message().find("storage"), std::string::npos)
        << what << ": " << decoded.status().ToString();
  }
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
