// The dev runtime's metadata, written as scale-info would describe the Rust types of a Substrate
// runtime with these pallets, so that generic clients (@polkadot/types, subxt, our own
// metadata.h) recognise the well-known types by their paths: sp_core::crypto::AccountId32,
// primitive_types::H256, sp_runtime::multiaddress::MultiAddress, sp_runtime::MultiSignature,
// sp_runtime::generic::era::Era and sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic
// with its Address, Call, Signature and Extra parameters.
//
// What is described must be exactly what calls.cc and extrinsic.cc encode: every call's
// arguments in order with their SCALE types, and the signed extensions of StandardExtensions()
// with what each adds to the extrinsic and to the signed payload. Pallets list only the calls
// the dev runtime applies (variant indices keep Substrate's, so they are sparse). The storage
// items are the two keys the dev chain's state_getStorage serves (node/server/chain_rpc.cc):
// System.Account, whose value is exactly what EncodeAccountStorage (substrate.cc) writes, and
// Timestamp.Now; clients find from them the key hashers and how the values decode, as for a
// real chain. The rest of the state is read with the ddc_* RPC methods (docs/chain.md,
// "JSON-RPC"). There are no constants and no error enums (refusals are reported as text).
#include "engine/chain/dev_metadata.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/chain/extrinsic.h"
#include "engine/chain/metadata.h"
#include "engine/chain/scale.h"

namespace ddc::chain {
namespace {

constexpr uint32_t kMagic = 0x6174656d;  // "meta", little-endian.
constexpr uint8_t kMetadataVersion = 14;
constexpr uint8_t kExtrinsicVersion = 4;

// scale-info's TypeDefPrimitive kinds.
enum PrimitiveKind : uint8_t { kBool = 0, kU8 = 3, kU16 = 4, kU32 = 5, kU64 = 6, kU128 = 7 };

// frame_metadata's StorageEntryModifier, StorageEntryType and StorageHasher discriminants (the
// ones the dev runtime uses).
constexpr uint8_t kModifierDefault = 1;
constexpr uint8_t kStoragePlain = 0;
constexpr uint8_t kStorageMap = 1;
constexpr uint8_t kHasherBlake2_128Concat = 2;

// The SCALE sizes of the storage values, whose defaults are that many zero bytes: AccountInfo is
// the nonce and three reference counts (u32) then four u128 balances (EncodeAccountStorage),
// Now a u64.
constexpr size_t kAccountInfoBytes = 4 * 4 + 4 * 16;
constexpr size_t kMomentBytes = 8;
static_assert(kAccountInfoBytes == 80);

using Path = std::vector<std::string_view>;

// A generic parameter: its name and type, or no type for one scale-info leaves out (`T: Config`).
struct Param {
  std::string_view name;
  std::optional<uint32_t> type;
};

struct Field {
  std::string_view name;  // Empty for a field of a tuple struct or tuple variant.
  uint32_t type = 0;
  std::string_view type_name;  // The Rust type as the source writes it; empty for none.
};

struct Variant {
  std::string name;
  uint8_t index = 0;
  std::vector<Field> fields;
  std::string_view doc;  // One line; empty for none.
};

// A storage item of a pallet, with modifier Default: a plain value, or a map with one key
// hashed by `hasher`. Its default is `default_bytes` zero bytes, the value type's zero.
struct StorageItem {
  std::string_view name;
  std::optional<uint8_t> hasher;  // A StorageHasher; none for a plain value.
  uint32_t key = 0;               // The map's key type; unused for a plain value.
  uint32_t value = 0;
  size_t default_bytes = 0;
  std::string_view doc;  // One line; empty for none.
};

void WriteOptionalString(ScaleWriter* w, std::string_view s) {
  if (s.empty()) {
    w->U8(0);
    return;
  }
  w->U8(1);
  w->Bytes(s);
}

void WriteDocs(ScaleWriter* w, std::string_view doc) {
  if (doc.empty()) {
    w->Compact(0);
    return;
  }
  w->Compact(1);
  w->Bytes(doc);
}

void WriteFields(ScaleWriter* w, std::span<const Field> fields) {
  w->Compact(fields.size());
  for (const Field& f : fields) {
    WriteOptionalString(w, f.name);
    w->Compact(f.type);
    WriteOptionalString(w, f.type_name);
    w->Compact(0);  // docs
  }
}

// path || params, the start of every type.
ScaleWriter TypeHead(const Path& path, std::span<const Param> params) {
  ScaleWriter w;
  w.Compact(path.size());
  for (std::string_view segment : path) w.Bytes(segment);
  w.Compact(params.size());
  for (const Param& p : params) {
    w.Bytes(p.name);
    w.U8(p.type.has_value() ? 1 : 0);
    if (p.type.has_value()) w.Compact(*p.type);
  }
  return w;
}

// A PortableRegistry under construction. Types are kept encoded; one without a path (a
// primitive, sequence, array, tuple or compact) is shared by every use, as scale-info shares it.
// Ids are dense and in order of first use, except that Reserve() takes an id for a type defined
// later, so that a type may refer to itself through others (RuntimeCall through Sudo's call).
class TypeRegistry {
 public:
  uint32_t Primitive(PrimitiveKind kind) {
    ScaleWriter w = TypeHead({}, {});
    w.U8(kTypePrimitive);
    w.U8(kind);
    return Add(std::move(w));
  }
  uint32_t Sequence(uint32_t element) { return Wrap(kTypeSequence, element); }
  uint32_t Compact(uint32_t of) { return Wrap(kTypeCompact, of); }
  uint32_t Array(uint32_t len, uint32_t element) {
    ScaleWriter w = TypeHead({}, {});
    w.U8(kTypeArray);
    w.U32(len);
    w.Compact(element);
    return Add(std::move(w));
  }
  uint32_t Tuple(std::span<const uint32_t> members) {
    ScaleWriter w = TypeHead({}, {});
    w.U8(kTypeTuple);
    w.Compact(members.size());
    for (uint32_t m : members) w.Compact(m);
    return Add(std::move(w));
  }
  uint32_t Composite(const Path& path, std::span<const Param> params,
                     std::span<const Field> fields) {
    ScaleWriter w = TypeHead(path, params);
    w.U8(kTypeComposite);
    WriteFields(&w, fields);
    return Add(std::move(w));
  }
  // At `at` (from Reserve()) when given.
  uint32_t Enum(const Path& path, std::span<const Param> params, std::span<const Variant> variants,
                std::optional<uint32_t> at = std::nullopt) {
    ScaleWriter w = TypeHead(path, params);
    w.U8(kTypeVariant);
    w.Compact(variants.size());
    for (const Variant& v : variants) {
      w.Bytes(v.name);
      WriteFields(&w, v.fields);
      w.U8(v.index);
      WriteDocs(&w, v.doc);
    }
    return Add(std::move(w), at);
  }
  uint32_t Reserve() {
    types_.emplace_back();
    return static_cast<uint32_t>(types_.size() - 1);
  }

  // Vec<PortableType { id: Compact<u32>, type }>.
  void Write(ScaleWriter* w) const {
    w->Compact(types_.size());
    for (size_t id = 0; id < types_.size(); ++id) {
      if (types_[id].empty()) Fail("a reserved type id was never defined");
      w->Compact(id);
      w->Raw(types_[id]);
    }
  }

  [[noreturn]] static void Fail(const char* what) {
    std::fprintf(stderr, "dev runtime metadata: %s\n", what);
    std::abort();
  }

 private:
  uint32_t Wrap(ScaleTypeDef kind, uint32_t inner) {
    ScaleWriter w = TypeHead({}, {});
    w.U8(kind);
    w.Compact(inner);
    return Add(std::move(w));
  }

  uint32_t Add(ScaleWriter head_and_def, std::optional<uint32_t> at = std::nullopt) {
    head_and_def.Compact(0);  // docs
    std::string type = head_and_def.Take();
    if (at.has_value()) {
      types_[*at] = std::move(type);
      return *at;
    }
    const auto [it, added] = ids_.emplace(type, static_cast<uint32_t>(types_.size()));
    if (added) types_.push_back(std::move(type));
    return it->second;
  }

  std::vector<std::string> types_;       // By id; empty while reserved.
  std::map<std::string, uint32_t> ids_;  // Encoded type -> id, to share identical types.
};

const Param kConfig[] = {{"T", std::nullopt}};

// Types that many calls and extensions use.
struct Common {
  uint32_t unit = 0;  // ()
  uint32_t boolean = 0;
  uint32_t u8 = 0;
  uint32_t u32 = 0;
  uint32_t u64 = 0;
  uint32_t bytes = 0;  // Vec<u8>
  uint32_t compact_u32 = 0;
  uint32_t compact_u64 = 0;
  uint32_t compact_u128 = 0;
  uint32_t account = 0;  // AccountId32
  uint32_t h256 = 0;
  uint32_t address = 0;  // MultiAddress<AccountId32, ()>
  uint32_t signature = 0;
  uint32_t era = 0;
};

// MultiAddress<AccountId32, ()> (the dev runtime has no account indices, as Polkadot) with all of
// Substrate's variants; the dev runtime accepts only Id.
uint32_t AddMultiAddress(TypeRegistry* r, const Common& t, uint32_t bytes32) {
  const uint32_t bytes20 = r->Array(20, t.u8);
  const Param params[] = {{"AccountId", t.account}, {"AccountIndex", t.unit}};
  const Variant variants[] = {
      {"Id", 0, {{{}, t.account, "AccountId"}}, {}},
      {"Index", 1, {{{}, r->Compact(t.unit), "AccountIndex"}}, {}},
      {"Raw", 2, {{{}, t.bytes, "Vec<u8>"}}, {}},
      {"Address32", 3, {{{}, bytes32, "[u8; 32]"}}, {}},
      {"Address20", 4, {{{}, bytes20, "[u8; 20]"}}, {}},
  };
  return r->Enum({"sp_runtime", "multiaddress", "MultiAddress"}, params, variants);
}

// MultiSignature; the dev runtime accepts only Ed25519.
uint32_t AddMultiSignature(TypeRegistry* r, const Common& t) {
  const uint32_t bytes64 = r->Array(64, t.u8);
  const uint32_t bytes65 = r->Array(65, t.u8);
  const Variant variants[] = {
      {"Ed25519", 0, {{{}, bytes64, "ed25519::Signature"}}, {}},
      {"Sr25519", 1, {{{}, bytes64, "sr25519::Signature"}}, {}},
      {"Ecdsa", 2, {{{}, bytes65, "ecdsa::Signature"}}, {}},
  };
  return r->Enum({"sp_runtime", "MultiSignature"}, {}, variants);
}

// Era: Immortal (one byte 0) or MortalN(u8) whose index is the first of its two bytes.
uint32_t AddEra(TypeRegistry* r, const Common& t) {
  std::vector<Variant> variants;
  variants.push_back({"Immortal", 0, {}, {}});
  for (int i = 1; i <= 255; ++i) {
    variants.push_back(
        {"Mortal" + std::to_string(i), static_cast<uint8_t>(i), {{{}, t.u8, {}}}, {}});
  }
  return r->Enum({"sp_runtime", "generic", "era", "Era"}, {}, variants);
}

Common AddCommon(TypeRegistry* r) {
  Common t;
  t.u8 = r->Primitive(kU8);
  const uint32_t bytes32 = r->Array(32, t.u8);
  const Field inner[] = {{{}, bytes32, "[u8; 32]"}};
  t.account = r->Composite({"sp_core", "crypto", "AccountId32"}, {}, inner);
  t.h256 = r->Composite({"primitive_types", "H256"}, {}, inner);
  t.unit = r->Tuple({});
  t.boolean = r->Primitive(kBool);
  t.u32 = r->Primitive(kU32);
  t.u64 = r->Primitive(kU64);
  t.bytes = r->Sequence(t.u8);
  t.compact_u32 = r->Compact(t.u32);
  t.compact_u64 = r->Compact(t.u64);
  t.compact_u128 = r->Compact(r->Primitive(kU128));
  t.address = AddMultiAddress(r, t, bytes32);
  t.signature = AddMultiSignature(r, t);
  t.era = AddEra(r, t);
  return t;
}

struct Pallet {
  std::string_view name;
  uint8_t index = 0;
  uint32_t calls = 0;                // Its Call enum.
  std::optional<uint32_t> event;     // Its Event enum, when it has one.
  std::string_view call_type_name;   // How RuntimeCall's variant names the Call type.
  std::vector<StorageItem> storage;  // Under the pallet's name as prefix, as FRAME does.
};

// frame_system::AccountInfo<Nonce, AccountData> with pallet_balances::types::AccountData<Balance>
// as a Polkadot runtime has them (Nonce u32, Balance u128): the value of System.Account.
uint32_t AddAccountInfo(TypeRegistry* r, const Common& t) {
  const uint32_t u128 = r->Primitive(kU128);
  const Field flag_bits[] = {{{}, u128, "u128"}};
  const uint32_t flags = r->Composite({"pallet_balances", "types", "ExtraFlags"}, {}, flag_bits);
  const Param data_params[] = {{"Balance", u128}};
  const Field data_fields[] = {{"free", u128, "Balance"},
                               {"reserved", u128, "Balance"},
                               {"frozen", u128, "Balance"},
                               {"flags", flags, "ExtraFlags"}};
  const uint32_t data =
      r->Composite({"pallet_balances", "types", "AccountData"}, data_params, data_fields);
  const Param params[] = {{"Nonce", t.u32}, {"AccountData", data}};
  const Field fields[] = {{"nonce", t.u32, "Nonce"},
                          {"consumers", t.u32, "RefCount"},
                          {"providers", t.u32, "RefCount"},
                          {"sufficients", t.u32, "RefCount"},
                          {"data", data, "AccountData"}};
  return r->Composite({"frame_system", "AccountInfo"}, params, fields);
}

Pallet AddSystem(TypeRegistry* r, const Common& t) {
  const Variant calls[] = {
      {"remark", 0, {{"remark", t.bytes, "Vec<u8>"}}, "Make some on-chain remark."},
      {"remark_with_event",
       7,
       {{"remark", t.bytes, "Vec<u8>"}},
       "Make some on-chain remark and emit an event (how a ddc checkpoint is anchored)."},
  };
  const Variant events[] = {
      {"Remarked",
       5,
       {{"sender", t.account, "T::AccountId"}, {"hash", t.h256, "T::Hash"}},
       "On on-chain remark happened."},
  };
  const StorageItem account = {
      .name = "Account",
      .hasher = kHasherBlake2_128Concat,
      .key = t.account,
      .value = AddAccountInfo(r, t),
      .default_bytes = kAccountInfoBytes,
      .doc = "The full account information for a particular account ID.",
  };
  return {"System",
          0,
          r->Enum({"frame_system", "pallet", "Call"}, kConfig, calls),
          r->Enum({"frame_system", "pallet", "Event"}, kConfig, events),
          "frame_system::Call<Runtime>",
          {account}};
}

Pallet AddTimestamp(TypeRegistry* r, const Common& t) {
  const Variant calls[] = {
      {"set", 0, {{"now", t.compact_u64, "T::Moment"}}, "Set the current time (an inherent)."},
  };
  const StorageItem now = {
      .name = "Now",
      .hasher = std::nullopt,  // A plain value.
      .key = 0,
      .value = t.u64,
      .default_bytes = kMomentBytes,
      .doc = "The current time for the current block.",
  };
  return {"Timestamp",
          1,
          r->Enum({"pallet_timestamp", "pallet", "Call"}, kConfig, calls),
          std::nullopt,
          "pallet_timestamp::Call<Runtime>",
          {now}};
}

Pallet AddBalances(TypeRegistry* r, const Common& t) {
  const Param params[] = {{"T", std::nullopt}, {"I", std::nullopt}};
  const Variant calls[] = {
      {"transfer_allow_death",
       0,
       {{"dest", t.address, "AccountIdLookupOf<T>"}, {"value", t.compact_u128, "T::Balance"}},
       "Transfer some free balance to another account."},
      {"force_set_balance",
       8,
       {{"who", t.address, "AccountIdLookupOf<T>"}, {"new_free", t.compact_u128, "T::Balance"}},
       "Set the free balance of an account (genesis only)."},
  };
  return {"Balances",
          2,
          r->Enum({"pallet_balances", "pallet", "Call"}, params, calls),
          std::nullopt,
          "pallet_balances::Call<Runtime>",
          {}};
}

Pallet AddSudo(TypeRegistry* r, const Common& t, uint32_t runtime_call) {
  const Variant calls[] = {
      {"sudo_as",
       3,
       {{"who", t.address, "AccountIdLookupOf<T>"},
        {"call", runtime_call, "Box<<T as Config>::RuntimeCall>"}},
       "Dispatch a call with the origin of the given account (genesis only)."},
  };
  return {"Sudo",
          3,
          r->Enum({"pallet_sudo", "pallet", "Call"}, kConfig, calls),
          std::nullopt,
          "pallet_sudo::Call<Runtime>",
          {}};
}

Pallet AddDdcClusters(TypeRegistry* r, const Common& t) {
  const Field param_fields[] = {
      {"replication_factor", t.u8, "u8"},       {"price_per_gb_stored", t.u64, "u64"},
      {"price_per_gb_delivered", t.u64, "u64"}, {"price_per_put", t.u64, "u64"},
      {"price_per_get", t.u64, "u64"},
  };
  const uint32_t params = r->Composite({"ddc_primitives", "ClusterParams"}, {}, param_fields);
  const Field cluster_id{"cluster_id", t.u64, "ClusterId"};
  const Field node{"node", t.account, "T::AccountId"};
  const Variant calls[] = {
      {"create_cluster",
       0,
       {cluster_id, {"params", params, "ClusterParams"}},
       "Create a cluster managed by the signer."},
      {"add_node",
       1,
       {cluster_id, node, {"address", t.bytes, "Vec<u8>"}, {"mode", t.u8, "u8"}},
       "Add a node (mode 1 storage, 2 cache, 3 full) to a cluster the signer manages."},
      {"remove_node", 2, {cluster_id, node}, "Remove a node from a cluster the signer manages."},
      {"set_cluster_params",
       3,
       {cluster_id, {"params", params, "ClusterParams"}},
       "Change the parameters of a cluster the signer manages."},
  };
  return {"DdcClusters",
          100,
          r->Enum({"pallet_ddc_clusters", "pallet", "Call"}, kConfig, calls),
          std::nullopt,
          "pallet_ddc_clusters::Call<Runtime>",
          {}};
}

Pallet AddDdcCustomers(TypeRegistry* r, const Common& t) {
  const Field bucket_id{"bucket_id", t.u64, "BucketId"};
  const Field is_public{"is_public", t.boolean, "bool"};
  const Field value{"value", t.compact_u128, "BalanceOf<T>"};
  const Variant calls[] = {
      {"create_bucket",
       0,
       {bucket_id, {"cluster_id", t.u64, "ClusterId"}, is_public},
       "Create a bucket owned by the signer in a cluster."},
      {"remove_bucket", 1, {bucket_id}, "Remove a bucket the signer owns."},
      {"set_bucket_params", 2, {bucket_id, is_public}, "Make a bucket public or private."},
      {"deposit", 3, {value}, "Lock free balance to pay for the signer's buckets."},
      {"withdraw", 4, {value}, "Unlock deposit back to free balance."},
  };
  return {"DdcCustomers",
          101,
          r->Enum({"pallet_ddc_customers", "pallet", "Call"}, kConfig, calls),
          std::nullopt,
          "pallet_ddc_customers::Call<Runtime>",
          {}};
}

Pallet AddDdcPayouts(TypeRegistry* r, const Common& t) {
  const Field aggregate_fields[] = {
      {"bucket", t.u64, "BucketId"},
      {"stored_bytes", t.u64, "u64"},
      {"delivered_bytes", t.u64, "u64"},
      {"puts", t.u64, "u64"},
      {"gets", t.u64, "u64"},
  };
  const uint32_t aggregate =
      r->Composite({"ddc_primitives", "UsageAggregate"}, {}, aggregate_fields);
  const Field era{"era", t.u32, "EraIndex"};
  const Variant calls[] = {
      {"report_usage",
       0,
       {era,
        {"root", t.h256, "H256"},
        {"aggregates", r->Sequence(aggregate), "Vec<UsageAggregate>"}},
       "A cluster node reports its per-bucket usage for an era."},
      {"payout",
       1,
       {{"cluster_id", t.u64, "ClusterId"}, era},
       "Pay a cluster's nodes what their usage reports for an era charged."},
  };
  return {"DdcPayouts",
          102,
          r->Enum({"pallet_ddc_payouts", "pallet", "Call"}, kConfig, calls),
          std::nullopt,
          "pallet_ddc_payouts::Call<Runtime>",
          {}};
}

// RuntimeCall at `at`: a variant per pallet, at the pallet's index, wrapping its Call enum.
void AddRuntimeCall(TypeRegistry* r, std::span<const Pallet> pallets, uint32_t at) {
  std::vector<Variant> variants;
  for (const Pallet& p : pallets) {
    variants.push_back({std::string(p.name), p.index, {{{}, p.calls, p.call_type_name}}, {}});
  }
  r->Enum({"ddc_dev_runtime", "RuntimeCall"}, {}, variants, at);
}

// RuntimeEvent and frame_system::EventRecord, by which clients find how events decode.
void AddEvents(TypeRegistry* r, const Common& t, std::span<const Pallet> pallets) {
  std::vector<Variant> variants;
  for (const Pallet& p : pallets) {
    if (p.event.has_value()) {
      variants.push_back({std::string(p.name), p.index, {{{}, *p.event, {}}}, {}});
    }
  }
  const uint32_t runtime_event = r->Enum({"ddc_dev_runtime", "RuntimeEvent"}, {}, variants);
  const Variant phases[] = {
      {"ApplyExtrinsic", 0, {{{}, t.u32, "u32"}}, {}},
      {"Finalization", 1, {}, {}},
      {"Initialization", 2, {}, {}},
  };
  const uint32_t phase = r->Enum({"frame_system", "Phase"}, {}, phases);
  const Param params[] = {{"E", runtime_event}, {"T", t.h256}};
  const Field fields[] = {{"phase", phase, "Phase"},
                          {"event", runtime_event, "E"},
                          {"topics", r->Sequence(t.h256), "Vec<T>"}};
  r->Composite({"frame_system", "EventRecord"}, params, fields);
}

struct Extension {
  std::string_view identifier;
  uint32_t type = 0;        // What it adds to the extrinsic ("extra").
  uint32_t additional = 0;  // What it adds to the signed payload only.
};

// The types of one of StandardExtensions(), as extrinsic.cc fills it in.
Extension DescribeExtension(TypeRegistry* r, const Common& t, std::string_view id) {
  auto frame_system = [&](std::string_view module, std::span<const Field> fields) {
    return r->Composite({"frame_system", "extensions", module, id}, kConfig, fields);
  };
  if (id == "CheckSpecVersion") return {id, frame_system("check_spec_version", {}), t.u32};
  if (id == "CheckTxVersion") return {id, frame_system("check_tx_version", {}), t.u32};
  if (id == "CheckGenesis") return {id, frame_system("check_genesis", {}), t.h256};
  if (id == "CheckMortality") {
    const Field era[] = {{{}, t.era, "Era"}};
    return {id, frame_system("check_mortality", era), t.h256};
  }
  if (id == "CheckNonce") {
    const Field nonce[] = {{{}, t.compact_u32, "T::Nonce"}};
    return {id, frame_system("check_nonce", nonce), t.unit};
  }
  if (id == "CheckWeight") return {id, frame_system("check_weight", {}), t.unit};
  if (id == "ChargeTransactionPayment") {
    const Field tip[] = {{{}, t.compact_u128, "BalanceOf<T>"}};
    return {id,
            r->Composite({"pallet_transaction_payment", "ChargeTransactionPayment"}, kConfig, tip),
            t.unit};
  }
  TypeRegistry::Fail("a standard signed extension has no type description");
}

// ExtrinsicMetadata { ty, version, signed_extensions }, registering the types it refers to.
std::string ExtrinsicSection(TypeRegistry* r, const Common& t, uint32_t runtime_call) {
  std::vector<Extension> extensions;
  std::vector<uint32_t> extra;
  for (const std::string& id : StandardExtensions().identifiers) {
    extensions.push_back(DescribeExtension(r, t, id));
    extra.push_back(extensions.back().type);
  }
  const Param params[] = {{"Address", t.address},
                          {"Call", runtime_call},
                          {"Signature", t.signature},
                          {"Extra", r->Tuple(extra)}};
  const Field body[] = {{{}, t.bytes, {}}};
  const uint32_t unchecked = r->Composite(
      {"sp_runtime", "generic", "unchecked_extrinsic", "UncheckedExtrinsic"}, params, body);
  ScaleWriter w;
  w.Compact(unchecked);
  w.U8(kExtrinsicVersion);
  w.Compact(extensions.size());
  for (const Extension& e : extensions) {
    w.Bytes(e.identifier);
    w.Compact(e.type);
    w.Compact(e.additional);
  }
  return w.Take();
}

// PalletStorageMetadata { prefix, entries }.
void WriteStorage(ScaleWriter* w, std::string_view prefix, std::span<const StorageItem> items) {
  w->Bytes(prefix);
  w->Compact(items.size());
  for (const StorageItem& item : items) {
    w->Bytes(item.name);
    w->U8(kModifierDefault);
    if (item.hasher.has_value()) {
      w->U8(kStorageMap);
      w->Compact(1);  // hashers
      w->U8(*item.hasher);
      w->Compact(item.key);
      w->Compact(item.value);
    } else {
      w->U8(kStoragePlain);
      w->Compact(item.value);
    }
    w->Bytes(std::string(item.default_bytes, '\0'));
    WriteDocs(w, item.doc);
  }
}

void WritePallet(ScaleWriter* w, const Pallet& p) {
  w->Bytes(p.name);
  w->U8(p.storage.empty() ? 0 : 1);
  if (!p.storage.empty()) WriteStorage(w, p.name, p.storage);
  w->U8(1);  // calls: Some
  w->Compact(p.calls);
  w->U8(p.event.has_value() ? 1 : 0);
  if (p.event.has_value()) w->Compact(*p.event);
  w->Compact(0);  // constants
  w->U8(0);       // error: None
  w->U8(p.index);
}

std::string Build() {
  TypeRegistry r;
  const Common t = AddCommon(&r);
  const uint32_t runtime_call = r.Reserve();
  const Pallet pallets[] = {
      AddSystem(&r, t),      AddTimestamp(&r, t),
      AddBalances(&r, t),    AddSudo(&r, t, runtime_call),
      AddDdcClusters(&r, t), AddDdcCustomers(&r, t),
      AddDdcPayouts(&r, t),
  };
  AddRuntimeCall(&r, pallets, runtime_call);
  // FRAME keeps each pallet's StorageVersion, a u16, under twox128(pallet) ||
  // twox128(":__STORAGE_VERSION__:"); a client that decorates a pallet's storage (@polkadot's
  // `palletVersion`) looks for that u16 in the registry, where a real runtime always has one.
  r.Primitive(kU16);
  AddEvents(&r, t, pallets);
  const std::string extrinsic = ExtrinsicSection(&r, t, runtime_call);
  const uint32_t runtime = r.Composite({"ddc_dev_runtime", "Runtime"}, {}, {});

  ScaleWriter w;
  w.U32(kMagic);
  w.U8(kMetadataVersion);
  r.Write(&w);
  w.Compact(std::size(pallets));
  for (const Pallet& p : pallets) WritePallet(&w, p);
  w.Raw(extrinsic);
  w.Compact(runtime);
  return w.Take();
}

}  // namespace

const std::string& DevRuntimeMetadata() {
  static const std::string* metadata = new std::string(Build());
  return *metadata;
}

}  // namespace ddc::chain
