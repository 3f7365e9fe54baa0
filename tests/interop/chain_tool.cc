// ddc-chain-tool: a thin command-line face on engine/chain for tests/interop/chain_interop.mjs,
// chain_metadata.mjs and chain_dev_metadata.mjs, which check ddc's Substrate encodings and
// runtime metadata against @polkadot/types and @polkadot/util-crypto.
//
// Reads one request per line from stdin and prints one line each:
//   extrinsic SEED CALL NONCE TIP PERIOD CURRENT GENESIS ERA_HASH SPEC TX [EXTENSIONS]
//       -> PAYLOAD SIGNATURE EXTRINSIC   (hex; PAYLOAD is what is signed, maybe hashed)
//       (PERIOD 0 = immortal; otherwise Era::Mortal(PERIOD, CURRENT); EXTENSIONS: the signed
//       extensions' identifiers joined by commas, default the standard set)
//   header PARENT NUMBER STATE_ROOT EXTRINSICS_ROOT SEAL
//       -> ENCODED HASH
//   decode EXTRINSIC  -> ok SIGNER NONCE TIP ERA CALL  or  error MESSAGE
//   metadata FILE     (FILE holds runtime metadata in hex) -> one line of JSON: version, type
//                     count, extrinsic version, signed extensions, pallets with their calls;
//                     or error MESSAGE
//   dev-metadata      -> the dev runtime's metadata (DevRuntimeMetadata), hex
//   dev-extrinsics    -> one line of JSON: {context: {genesis, spec, tx}, extrinsics: [...]}, an
//                     extrinsic of every call kind of calls.h built by engine/chain with fixed
//                     keys, each {name, args, signed, extrinsic hex, and when signed signer,
//                     nonce, tip, era (hex), era_hash}; `args` names each argument as
//                     docs/chain.md does, integers as decimal strings, bytes and keys as 0x-hex
//   dev-decode EXTRINSIC GENESIS ERA_HASH SPEC TX
//                     -> ok JSON (as one entry of dev-extrinsics, after the signature verified
//                     and the call decoded) or error MESSAGE
//   decode-call CALL  -> ok JSON {name, args} or error MESSAGE
//   account-storage ACCOUNT NONCE FREE DEPOSIT
//                     -> KEY VALUE: SystemAccountKey(ACCOUNT) and EncodeAccountStorage of that
//                     AccountInfo, what the dev chain's state_getStorage answers for it
//   timestamp-storage MS
//                     -> KEY VALUE: StorageKey("Timestamp", "Now") and MS as a SCALE u64, as
//                     state_getStorage answers (node/server/chain_rpc.cc)
// Every argument in hex but the integers. Exit status 2 on a malformed request.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ddc/event.h"
#include "engine/base/hex.h"
#include "engine/chain/block.h"
#include "engine/chain/calls.h"
#include "engine/chain/dev_metadata.h"
#include "engine/chain/extrinsic.h"
#include "engine/chain/metadata.h"
#include "engine/chain/scale.h"
#include "engine/chain/substrate.h"

namespace {

using ddc::chain::AsByteSpan;

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "ddc-chain-tool: " << what << "\n";
  std::exit(2);
}

std::string Bytes(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  if (hex.size() % 2 != 0 ||
      !ddc::ParseHex(hex, std::span(reinterpret_cast<uint8_t*>(out.data()), out.size()))) {
    Die("bad hex: " + hex);
  }
  return out;
}

template <size_t N>
std::array<uint8_t, N> Fixed(const std::string& hex) {
  const std::string b = Bytes(hex);
  if (b.size() != N) Die("want " + std::to_string(N) + " bytes: " + hex);
  std::array<uint8_t, N> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

uint64_t Number(const std::string& s) {
  char* end = nullptr;
  const uint64_t v = std::strtoull(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0') Die("bad number: " + s);
  return v;
}

std::string HexOf(std::string_view bytes) { return ddc::Hex(AsByteSpan(bytes)); }

// ---- The dev runtime's calls as JSON (dev-extrinsics, dev-decode, decode-call) ----

using nlohmann::json;

std::string Prefixed(std::string_view bytes) { return "0x" + HexOf(bytes); }
template <size_t N>
std::string Prefixed(const std::array<uint8_t, N>& bytes) {
  return "0x" + ddc::Hex(bytes);
}
std::string Decimal(uint64_t v) { return std::to_string(v); }
json MultiAddressId(const ddc::chain::AccountId& account) { return {{"Id", Prefixed(account)}}; }

json ParamsJson(const ddc::chain::ClusterParams& p) {
  return {{"replication_factor", Decimal(p.replication_factor)},
          {"price_per_gb_stored", Decimal(p.price_per_gb_stored)},
          {"price_per_gb_delivered", Decimal(p.price_per_gb_delivered)},
          {"price_per_put", Decimal(p.price_per_put)},
          {"price_per_get", Decimal(p.price_per_get)}};
}

// The call's arguments by the names calls.h's fields have in docs/chain.md ("Calls of the dev
// runtime"), written from the Call struct (never from the metadata).
json CallJson(const ddc::chain::Call& c) {
  using ddc::chain::CallKind;
  json args = json::object();
  switch (c.kind) {
    case CallKind::kRemark:
    case CallKind::kRemarkWithEvent:
      args["remark"] = Prefixed(c.remark);
      break;
    case CallKind::kTimestampSet:
      args["now"] = Decimal(c.time_ms);
      break;
    case CallKind::kSudoAs: {
      args["who"] = MultiAddressId(c.account);
      auto inner = ddc::chain::DecodeCall(AsByteSpan(c.inner));
      if (!inner.ok()) Die("sudo_as inner call: " + inner.status().message());
      args["call"] = CallJson(*inner);
      break;
    }
    case CallKind::kTransfer:
      args["dest"] = MultiAddressId(c.account);
      args["value"] = Decimal(c.amount);
      break;
    case CallKind::kForceSetBalance:
      args["who"] = MultiAddressId(c.account);
      args["new_free"] = Decimal(c.amount);
      break;
    case CallKind::kCreateCluster:
    case CallKind::kSetClusterParams:
      args["cluster_id"] = Decimal(c.cluster);
      args["params"] = ParamsJson(c.params);
      break;
    case CallKind::kAddNode:
      args["cluster_id"] = Decimal(c.cluster);
      args["node"] = Prefixed(c.node.key);
      args["address"] = Prefixed(c.node.address);
      args["mode"] = Decimal(static_cast<uint8_t>(c.node.mode));
      break;
    case CallKind::kRemoveNode:
      args["cluster_id"] = Decimal(c.cluster);
      args["node"] = Prefixed(c.node.key);
      break;
    case CallKind::kCreateBucket:
      args["bucket_id"] = Decimal(c.bucket);
      args["cluster_id"] = Decimal(c.cluster);
      args["is_public"] = c.is_public;
      break;
    case CallKind::kRemoveBucket:
      args["bucket_id"] = Decimal(c.bucket);
      break;
    case CallKind::kSetBucketParams:
      args["bucket_id"] = Decimal(c.bucket);
      args["is_public"] = c.is_public;
      break;
    case CallKind::kDeposit:
    case CallKind::kWithdraw:
      args["value"] = Decimal(c.amount);
      break;
    case CallKind::kReportUsage: {
      args["era"] = Decimal(c.era);
      args["root"] = Prefixed(c.root);
      json aggregates = json::array();
      for (const auto& a : c.aggregates) {
        aggregates.push_back({{"bucket", Decimal(a.bucket)},
                              {"stored_bytes", Decimal(a.stored_bytes)},
                              {"delivered_bytes", Decimal(a.delivered_bytes)},
                              {"puts", Decimal(a.puts)},
                              {"gets", Decimal(a.gets)}});
      }
      args["aggregates"] = aggregates;
      break;
    }
    case CallKind::kPayout:
      args["cluster_id"] = Decimal(c.cluster);
      args["era"] = Decimal(c.era);
      break;
  }
  return {{"name", ddc::chain::CallName(c.kind)}, {"args", args}};
}

// One extrinsic as JSON: its call decoded (strictly) and, when signed, who signed what.
json ExtrinsicJson(const ddc::chain::Extrinsic& e, const std::string& encoded) {
  auto call = ddc::chain::DecodeCall(AsByteSpan(e.call));
  if (!call.ok()) Die("own call does not decode: " + call.status().message());
  json out = CallJson(*call);
  out["extrinsic"] = Prefixed(encoded);
  out["signed"] = e.signer.has_value();
  if (e.signer) {
    out["signer"] = Prefixed(*e.signer);
    out["nonce"] = Decimal(e.nonce);
    out["tip"] = Decimal(e.tip);
    out["era"] = Prefixed(ddc::chain::EncodeEra(e.era));
  }
  return out;
}

// A sample of every call kind, with arguments that reach the edges of their encodings (compacts
// in each mode, u64 above 2^53, a remark long enough to be signed as its hash).
std::vector<ddc::chain::Call> SampleCalls() {
  using ddc::chain::Call;
  using ddc::chain::CallKind;
  const auto key = [](uint8_t b) {
    std::array<uint8_t, 32> seed{};
    seed.fill(b);
    return ddc::KeyPair::FromSeed(seed).public_key;
  };
  const ddc::chain::ClusterParams params{3, 1000, 2000, 3, 4};
  std::vector<Call> out(17);
  out[0].kind = CallKind::kRemark;
  out[0].remark = "hello ddc";
  out[1].kind = CallKind::kRemarkWithEvent;
  out[1].remark = std::string(300, 'c');
  out[2].kind = CallKind::kTimestampSet;
  out[2].time_ms = 1700000000123;
  out[3].kind = CallKind::kTransfer;
  out[3].account = key(0x33);
  out[3].amount = (uint64_t{1} << 40) + 7;
  out[4].kind = CallKind::kForceSetBalance;
  out[4].account = key(0x44);
  out[4].amount = UINT64_MAX;
  out[5].kind = CallKind::kCreateCluster;
  out[5].cluster = 7;
  out[5].params = params;
  out[6].kind = CallKind::kSudoAs;
  out[6].account = key(0x44);
  out[6].inner = ddc::chain::EncodeCall(out[5]);
  out[7].kind = CallKind::kAddNode;
  out[7].cluster = 7;
  out[7].node = {key(0x55), "127.0.0.1:8080", ddc::chain::NodeMode::kCache};
  out[8].kind = CallKind::kRemoveNode;
  out[8].cluster = 7;
  out[8].node.key = key(0x55);
  out[9].kind = CallKind::kSetClusterParams;
  out[9].cluster = UINT64_MAX - 1;
  out[9].params = {16, UINT64_MAX, uint64_t{1} << 60, 0, 9007199254740993};
  out[10].kind = CallKind::kCreateBucket;
  out[10].bucket = 42;
  out[10].cluster = 7;
  out[10].is_public = false;
  out[11].kind = CallKind::kRemoveBucket;
  out[11].bucket = 42;
  out[12].kind = CallKind::kSetBucketParams;
  out[12].bucket = 42;
  out[12].is_public = true;
  out[13].kind = CallKind::kDeposit;
  out[13].amount = 1000000;
  out[14].kind = CallKind::kWithdraw;
  out[14].amount = 1;
  out[15].kind = CallKind::kReportUsage;
  out[15].era = 3;
  out[15].aggregates = {{1, 1u << 20, 5u << 20, 10, 20}, {9, 0, 123456789012, 0, 1}};
  out[15].root = ddc::chain::UsageRoot(out[15].aggregates);
  out[16].kind = CallKind::kPayout;
  out[16].cluster = 7;
  out[16].era = 3;
  return out;
}

ddc::chain::SigningContext DevContext() {
  ddc::chain::SigningContext ctx;
  ctx.genesis_hash.fill(0x9a);
  ctx.spec_version = 1;
  ctx.transaction_version = 1;
  return ctx;
}

// dev-extrinsics: inherent and genesis calls unsigned, the others signed by rotating keys with
// varied nonces, tips and eras.
json DevExtrinsics() {
  const ddc::chain::SigningContext base = DevContext();
  json list = json::array();
  uint32_t n = 0;
  for (const ddc::chain::Call& call : SampleCalls()) {
    ddc::chain::Extrinsic e;
    e.call = ddc::chain::EncodeCall(call);
    ddc::chain::SigningContext ctx = base;
    ctx.era_block_hash = base.genesis_hash;
    const bool unsigned_call = call.kind == ddc::chain::CallKind::kTimestampSet ||
                               call.kind == ddc::chain::CallKind::kSudoAs ||
                               call.kind == ddc::chain::CallKind::kForceSetBalance;
    if (!unsigned_call) {
      std::array<uint8_t, 32> seed{};
      seed.fill(static_cast<uint8_t>(1 + n % 3));
      e.nonce = n * 97;  // 0, 97, 194, ...: single- and two-byte compacts.
      e.tip = n % 4 == 3 ? (uint64_t{1} << 33) + n : 0;
      if (n % 2 == 1) {
        e.era = ddc::chain::Era::Mortal(64 << n % 5, 1000 + n);
        ctx.era_block_hash.fill(static_cast<uint8_t>(0x40 + n));
      }
      ddc::chain::SignExtrinsic(&e, ddc::KeyPair::FromSeed(seed), ctx);
      if (!ddc::chain::VerifyExtrinsic(e, ctx).ok()) Die("own signature does not verify");
      ++n;
    }
    const std::string encoded = ddc::chain::EncodeExtrinsic(e);
    auto back = ddc::chain::DecodeExtrinsic(AsByteSpan(encoded));
    if (!back.ok() || ddc::chain::EncodeExtrinsic(*back) != encoded) {
      Die("own extrinsic does not decode back");
    }
    json item = ExtrinsicJson(e, encoded);
    if (e.signer) item["era_hash"] = Prefixed(ctx.era_block_hash);
    list.push_back(item);
  }
  return {{"context",
           {{"genesis", Prefixed(base.genesis_hash)},
            {"spec", base.spec_version},
            {"tx", base.transaction_version}}},
          {"extrinsics", list}};
}

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::vector<std::string> w;
    for (std::string word; in >> word;) w.push_back(word);
    if (w.empty()) continue;
    if (w[0] == "extrinsic" && (w.size() == 11 || w.size() == 12)) {
      ddc::chain::ExtensionSet extensions = ddc::chain::StandardExtensions();
      if (w.size() == 12) {
        extensions.identifiers.clear();
        std::istringstream list(w[11]);
        for (std::string id; std::getline(list, id, ',');) extensions.identifiers.push_back(id);
      }
      const auto key = ddc::KeyPair::FromSeed(Fixed<32>(w[1]));
      ddc::chain::Extrinsic e;
      e.call = Bytes(w[2]);
      e.nonce = static_cast<uint32_t>(Number(w[3]));
      e.tip = Number(w[4]);
      const uint64_t period = Number(w[5]);
      e.era =
          period == 0 ? ddc::chain::Era::Immortal() : ddc::chain::Era::Mortal(period, Number(w[6]));
      ddc::chain::SigningContext ctx;
      ctx.genesis_hash = Fixed<32>(w[7]);
      ctx.era_block_hash = Fixed<32>(w[8]);
      ctx.spec_version = static_cast<uint32_t>(Number(w[9]));
      ctx.transaction_version = static_cast<uint32_t>(Number(w[10]));
      ddc::chain::SignExtrinsic(&e, key, ctx, extensions);
      if (!ddc::chain::VerifyExtrinsic(e, ctx, extensions).ok()) {
        Die("own signature does not verify");
      }
      const std::string sig(reinterpret_cast<const char*>(e.signature.data()), e.signature.size());
      const std::string encoded = ddc::chain::EncodeExtrinsic(e, extensions);
      auto back = ddc::chain::DecodeExtrinsic(AsByteSpan(encoded), extensions);
      if (!back.ok() || ddc::chain::EncodeExtrinsic(*back, extensions) != encoded) {
        Die("own extrinsic does not decode back");
      }
      std::cout << HexOf(ddc::chain::SigningBytes(e, ctx, extensions)) << " " << HexOf(sig) << " "
                << HexOf(encoded) << "\n";
    } else if (w[0] == "header" && w.size() == 6) {
      ddc::chain::Header h;
      h.parent = Fixed<32>(w[1]);
      h.number = Number(w[2]);
      h.state_root = Fixed<32>(w[3]);
      h.extrinsics_root = Fixed<32>(w[4]);
      h.seal = Fixed<64>(w[5]);
      const auto hash = ddc::chain::BlockHash(h);
      std::cout << HexOf(ddc::chain::EncodeHeader(h)) << " " << ddc::Hex(hash) << "\n";
    } else if (w[0] == "decode" && w.size() == 2) {
      const std::string bytes = Bytes(w[1]);
      auto e = ddc::chain::DecodeExtrinsic(AsByteSpan(bytes));
      if (!e.ok()) {
        std::cout << "error " << e.status().message() << "\n";
      } else {
        std::cout << "ok " << (e->signer ? ddc::Hex(*e->signer) : "-") << " " << e->nonce << " "
                  << e->tip << " " << HexOf(ddc::chain::EncodeEra(e->era)) << " " << HexOf(e->call)
                  << "\n";
      }
    } else if (w[0] == "metadata" && w.size() == 2) {
      std::ifstream file(w[1]);
      std::string hex((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
      while (!hex.empty() && (hex.back() == '\n' || hex.back() == ' ')) hex.pop_back();
      if (hex.starts_with("0x")) hex.erase(0, 2);
      const std::string bytes = Bytes(hex);
      auto m = ddc::chain::DecodeMetadata(AsByteSpan(bytes));
      if (!m.ok()) {
        std::cout << "error " << m.status().message() << "\n";
      } else {
        nlohmann::json out = {{"version", m->version},
                              {"types", m->type_count},
                              {"extrinsic_version", m->extrinsic_version}};
        nlohmann::json extensions = nlohmann::json::array();
        for (const auto& e : m->signed_extensions) {
          extensions.push_back({{"identifier", e.identifier},
                                {"empty", e.type_is_empty},
                                {"additional_empty", e.additional_is_empty}});
        }
        out["signed_extensions"] = extensions;
        nlohmann::json pallets = nlohmann::json::array();
        for (const auto& p : m->pallets) {
          nlohmann::json calls = nlohmann::json::array();
          for (const auto& c : p.calls) calls.push_back({c.name, c.index});
          pallets.push_back({{"name", p.name}, {"index", p.index}, {"calls", calls}});
        }
        out["pallets"] = pallets;
        std::cout << out.dump() << "\n";
      }
    } else if (w[0] == "dev-metadata" && w.size() == 1) {
      std::cout << HexOf(ddc::chain::DevRuntimeMetadata()) << "\n";
    } else if (w[0] == "dev-extrinsics" && w.size() == 1) {
      std::cout << DevExtrinsics().dump() << "\n";
    } else if (w[0] == "dev-decode" && w.size() == 6) {
      const std::string bytes = Bytes(w[1]);
      ddc::chain::SigningContext ctx;
      ctx.genesis_hash = Fixed<32>(w[2]);
      ctx.era_block_hash = Fixed<32>(w[3]);
      ctx.spec_version = static_cast<uint32_t>(Number(w[4]));
      ctx.transaction_version = static_cast<uint32_t>(Number(w[5]));
      auto e = ddc::chain::DecodeExtrinsic(AsByteSpan(bytes));
      ddc::Status status = e.ok() ? ddc::Status::OK() : e.status();
      if (status.ok() && e->signer) status = ddc::chain::VerifyExtrinsic(*e, ctx);
      if (status.ok()) status = ddc::chain::DecodeCall(AsByteSpan(e->call)).status();
      if (!status.ok()) {
        std::cout << "error " << status.message() << "\n";
      } else {
        std::cout << "ok " << ExtrinsicJson(*e, bytes).dump() << "\n";
      }
    } else if (w[0] == "account-storage" && w.size() == 5) {
      const uint64_t nonce = Number(w[2]);
      if (nonce > UINT32_MAX) Die("a nonce is a u32: " + w[2]);
      ddc::chain::AccountInfo info;
      info.nonce = static_cast<uint32_t>(nonce);
      info.free = Number(w[3]);
      info.deposit = Number(w[4]);
      const std::string value = ddc::chain::EncodeAccountStorage(info);
      auto back = ddc::chain::DecodeAccountStorage(AsByteSpan(value));
      if (!back.ok() || *back != info) Die("own System.Account value does not decode back");
      std::cout << HexOf(ddc::chain::SystemAccountKey(Fixed<32>(w[1]))) << " " << HexOf(value)
                << "\n";
    } else if (w[0] == "timestamp-storage" && w.size() == 2) {
      ddc::chain::ScaleWriter value;
      value.U64(Number(w[1]));
      std::cout << HexOf(ddc::chain::StorageKey("Timestamp", "Now")) << " " << HexOf(value.data())
                << "\n";
    } else if (w[0] == "decode-call" && w.size() == 2) {
      const std::string bytes = Bytes(w[1]);
      auto c = ddc::chain::DecodeCall(AsByteSpan(bytes));
      if (!c.ok()) {
        std::cout << "error " << c.status().message() << "\n";
      } else {
        std::cout << "ok " << CallJson(*c).dump() << "\n";
      }
    } else {
      Die("bad request: " + line);
    }
    std::cout.flush();
  }
  return 0;
}
