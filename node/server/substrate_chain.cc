#include "node/server/substrate_chain.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "engine/base/hash.h"
#include "engine/base/hex.h"
#include "engine/base/macros.h"
#include "engine/chain/extrinsic.h"
#include "engine/chain/metadata.h"
#include "engine/chain/scale.h"
#include "engine/chain/substrate.h"
#include "engine/io/file_system.h"
#include "node/server/rpc_json.h"

namespace ddc::node {
namespace {

using Json = nlohmann::json;
using chain::AsByteSpan;

constexpr std::string_view kAnchorsMagic = "ddc-substrate-anchors 1";

// The runtime as its metadata describes it: what signing and decoding need.
struct Runtime {
  uint32_t spec_version = 0;
  uint32_t transaction_version = 0;
  chain::ExtensionSet extensions;
  std::pair<uint8_t, uint8_t> remark_with_event{};
  std::optional<std::pair<uint8_t, uint8_t>> timestamp_set;
};

// A finalized block as the chain returned it, its header checked against its hash.
struct FetchedBlock {
  chain::BlockRef ref;
  std::string header;
  std::vector<std::string> extrinsics;  // Each length-prefixed.
};

std::string HexOf(const Hash32& h) { return Hex(h); }

Result<Hash32> HashFromText(std::string_view text) {
  Hash32 h{};
  if (text.size() != 64 || !ParseHex(text, h)) {
    return Status::Corruption("not a 32-byte hex hash: '" + std::string(text) + "'");
  }
  return h;
}

class SubstrateChain final : public chain::Chain {
 public:
  SubstrateChain(SubstrateChainOptions options, std::unique_ptr<RpcClient> rpc)
      : options_(std::move(options)), rpc_(std::move(rpc)) {}

  Status Connect() {
    DDC_ASSIGN_OR_RETURN(const Json name, Rpc("system_chain"));
    if (!name.is_string()) return Malformed("system_chain", "the chain's name is not a string");
    name_ = name.get<std::string>();
    DDC_ASSIGN_OR_RETURN(const Json genesis, Rpc("chain_getBlockHash", Json::array({0})));
    const std::optional<Hash32> g = rpc::ParseHash(genesis);
    if (!g) return Malformed("chain_getBlockHash", "the genesis hash is not 32 bytes of hex");
    genesis_ = *g;
    std::lock_guard lock(submit_mu_);
    DDC_RETURN_IF_ERROR(RefreshRuntime());
    return LoadAnchors();
  }

  Result<chain::ChainInfo> Info() override {
    DDC_RETURN_IF_ERROR(CheckOpen());
    DDC_ASSIGN_OR_RETURN(const FetchedBlock head, Finalized());
    chain::ChainInfo info;
    info.name = name_;
    info.genesis_hash = genesis_;
    info.best = head.ref;
    {
      std::lock_guard lock(runtime_mu_);
      info.spec_version = runtime_.spec_version;
      info.transaction_version = runtime_.transaction_version;
    }
    std::lock_guard lock(anchors_mu_);
    info.anchors = anchors_.size();
    return info;
  }

  Result<chain::BlockRef> Block(uint64_t number) override {
    DDC_RETURN_IF_ERROR(CheckOpen());
    DDC_ASSIGN_OR_RETURN(const FetchedBlock b, FetchNumber(number));
    return b.ref;
  }

  Result<chain::BlockRef> BlockByHash(const Hash32& hash) override {
    DDC_RETURN_IF_ERROR(CheckOpen());
    DDC_ASSIGN_OR_RETURN(const FetchedBlock b, Fetch(hash));
    return b.ref;
  }

  Result<chain::RawBlock> ReadBlock(uint64_t number) override {
    DDC_RETURN_IF_ERROR(CheckOpen());
    DDC_ASSIGN_OR_RETURN(FetchedBlock b, FetchNumber(number));
    return chain::RawBlock{b.ref, std::move(b.header), std::move(b.extrinsics)};
  }

  Result<chain::AccountInfo> Account(const chain::AccountId& account) override {
    DDC_RETURN_IF_ERROR(CheckOpen());
    const std::string key = chain::SystemAccountKey(account);
    DDC_ASSIGN_OR_RETURN(const Json value, Rpc("state_getStorage", Json::array({rpc::Hex0x(key)})));
    if (value.is_null()) return chain::AccountInfo{};  // Never funded.
    const std::optional<std::string> bytes = rpc::ParseHexString(value);
    if (!bytes) return Malformed("state_getStorage", "System.Account is not hex");
    Result<chain::AccountInfo> info = chain::DecodeAccountStorage(AsByteSpan(*bytes));
    if (!info.ok()) return Malformed("state_getStorage", info.status().message());
    return info;
  }

  Result<std::vector<chain::BucketInfo>> Buckets() override { return Unsupported("buckets"); }
  Result<chain::BucketInfo> Bucket(uint64_t) override { return Unsupported("buckets"); }
  Result<std::vector<chain::ClusterInfo>> Clusters() override { return Unsupported("clusters"); }
  Result<chain::ClusterInfo> Cluster(uint64_t) override { return Unsupported("clusters"); }

  Result<uint32_t> NextNonce(const chain::AccountId& account) override {
    DDC_RETURN_IF_ERROR(CheckOpen());
    DDC_ASSIGN_OR_RETURN(const Json n,
                         Rpc("system_accountNextIndex", Json::array({chain::Ss58Encode(account)})));
    const std::optional<uint64_t> nonce = rpc::ParseNumber(n);
    if (!nonce || *nonce > UINT32_MAX) {
      return Malformed("system_accountNextIndex", "the nonce is not a 32-bit number");
    }
    return static_cast<uint32_t>(*nonce);
  }

  Result<chain::Receipt> SubmitExtrinsic(std::string_view extrinsic) override {
    DDC_RETURN_IF_ERROR(CheckOpen());
    std::lock_guard lock(submit_mu_);
    DDC_ASSIGN_OR_RETURN(const FetchedBlock head, Finalized());
    // A signed extrinsic's era is unknown here: wait as long as the longest era allows.
    return SubmitAndWait(extrinsic, head.ref.number, head.ref.number + (uint64_t{1} << 16));
  }

  Result<chain::Receipt> FindExtrinsic(const Hash32&) override {
    return Status::NotSupported(Where() +
                                ": a Substrate node keeps no index of extrinsics by hash");
  }

  Result<chain::Receipt> Transfer(const KeyPair&, const chain::AccountId&, uint64_t) override {
    return Unsupported("transfers");
  }
  Result<chain::Receipt> CreateCluster(const KeyPair&, uint64_t,
                                       const chain::ClusterParams&) override {
    return Unsupported("clusters");
  }
  Result<chain::Receipt> SetClusterParams(const KeyPair&, uint64_t,
                                          const chain::ClusterParams&) override {
    return Unsupported("clusters");
  }
  Result<chain::Receipt> AddNode(const KeyPair&, uint64_t, const chain::ClusterNode&) override {
    return Unsupported("clusters");
  }
  Result<chain::Receipt> RemoveNode(const KeyPair&, uint64_t, const chain::AccountId&) override {
    return Unsupported("clusters");
  }
  Result<chain::Receipt> CreateBucket(const KeyPair&, uint64_t, uint64_t, bool) override {
    return Unsupported("buckets");
  }
  Result<chain::Receipt> SetBucketPublic(const KeyPair&, uint64_t, bool) override {
    return Unsupported("buckets");
  }
  Result<chain::Receipt> RemoveBucket(const KeyPair&, uint64_t) override {
    return Unsupported("buckets");
  }
  Result<chain::Receipt> Deposit(const KeyPair&, uint64_t) override {
    return Unsupported("deposits");
  }
  Result<chain::Receipt> Withdraw(const KeyPair&, uint64_t) override {
    return Unsupported("deposits");
  }
  Result<chain::Receipt> ReportUsage(const KeyPair&, uint32_t,
                                     std::span<const chain::UsageAggregate>) override {
    return Unsupported("usage reports");
  }
  Result<chain::UsageReport> GetUsageReport(const chain::AccountId&, uint32_t) override {
    return Unsupported("usage reports");
  }
  Result<chain::Receipt> Payout(const KeyPair&, uint64_t, uint32_t) override {
    return Unsupported("payouts");
  }

  Result<chain::AnchorInfo> Anchor(const KeyPair& node_key, std::string_view checkpoint) override {
    DDC_RETURN_IF_ERROR(CheckOpen());
    if (checkpoint.empty() || checkpoint.size() > chain::kMaxRemarkBytes) {
      return Status::InvalidArgument("anchor: a checkpoint is 1.." +
                                     std::to_string(chain::kMaxRemarkBytes) + " bytes, not " +
                                     std::to_string(checkpoint.size()));
    }
    if (options_.anchors_read_only) {
      return Status::Failed(Where() + ": opened to read its anchors only");
    }
    std::lock_guard lock(submit_mu_);
    DDC_RETURN_IF_ERROR(RefreshRuntime());
    Runtime runtime;
    {
      std::lock_guard rlock(runtime_mu_);
      runtime = runtime_;
    }
    // Mortal from the finalized head: the birth block is one every node has.
    DDC_ASSIGN_OR_RETURN(const FetchedBlock head, Finalized());
    chain::Extrinsic e;
    e.era = chain::Era::Mortal(options_.mortality, head.ref.number);
    const uint64_t birth = e.era.Birth(head.ref.number);
    Hash32 birth_hash = head.ref.hash;
    if (birth != head.ref.number) {
      DDC_ASSIGN_OR_RETURN(const Json h, Rpc("chain_getBlockHash", Json::array({birth})));
      const std::optional<Hash32> parsed = rpc::ParseHash(h);
      if (!parsed) return Malformed("chain_getBlockHash", "no hash for the era's birth block");
      birth_hash = *parsed;
    }
    DDC_ASSIGN_OR_RETURN(e.nonce, NextNonce(node_key.public_key));
    chain::ScaleWriter call;
    call.U8(runtime.remark_with_event.first);
    call.U8(runtime.remark_with_event.second);
    call.Bytes(checkpoint);
    e.call = call.Take();
    const chain::SigningContext context{genesis_, birth_hash, runtime.spec_version,
                                        runtime.transaction_version};
    chain::SignExtrinsic(&e, node_key, context, runtime.extensions);
    const std::string bytes = chain::EncodeExtrinsic(e, runtime.extensions);
    DDC_ASSIGN_OR_RETURN(const chain::Receipt receipt,
                         SubmitAndWait(bytes, head.ref.number, birth + e.era.period));
    const chain::AnchorInfo anchor{receipt, node_key.public_key,
                                   Blake2b256(AsByteSpan(checkpoint))};
    DDC_RETURN_IF_ERROR(RecordAnchor(anchor));
    return anchor;
  }

  Result<chain::AnchorInfo> FindAnchor(std::string_view checkpoint) override {
    DDC_RETURN_IF_ERROR(CheckOpen());
    const Hash32 hash = Blake2b256(AsByteSpan(checkpoint));
    std::lock_guard lock(anchors_mu_);
    for (const chain::AnchorInfo& a : anchors_) {
      if (a.remark_hash == hash) return a;
    }
    return Status::NotFound("this node has not anchored that checkpoint on " + name_);
  }

  Result<chain::AnchorProof> ProveAnchor(const chain::AnchorInfo&) override {
    return Status::NotSupported(
        Where() +
        ": no anchor proofs on a Substrate chain (its extrinsics root is a Patricia-Merkle "
        "trie); the anchor's block is as final as the RPC node's finalized head");
  }

  Result<std::vector<chain::AnchorInfo>> Anchors(uint64_t from, size_t limit) override {
    DDC_RETURN_IF_ERROR(CheckOpen());
    std::lock_guard lock(anchors_mu_);
    std::vector<chain::AnchorInfo> out;
    for (uint64_t i = from; i < anchors_.size() && out.size() < limit; ++i) {
      out.push_back(anchors_[i]);
    }
    return out;
  }

  Status CheckAnchor(const chain::AnchorInfo& anchor, std::string_view checkpoint) {
    DDC_RETURN_IF_ERROR(CheckOpen());
    const chain::Receipt& r = anchor.receipt;
    const std::string where = "anchor in block " + std::to_string(r.block.number);
    DDC_ASSIGN_OR_RETURN(const FetchedBlock head, Finalized());
    if (head.ref.number < r.block.number) {
      return Status::Failed(where + ": the chain has finalized only up to block " +
                            std::to_string(head.ref.number));
    }
    DDC_ASSIGN_OR_RETURN(const FetchedBlock b, FetchNumber(r.block.number));
    if (b.ref.hash != r.block.hash) {
      return Status::Failed(where + ": the chain's block is 0x" + HexOf(b.ref.hash) +
                            ", not the recorded 0x" + HexOf(r.block.hash));
    }
    if (b.ref.time_ms != r.block.time_ms) {
      return Status::Failed(where + ": the block's time is " + std::to_string(b.ref.time_ms) +
                            ", not the recorded " + std::to_string(r.block.time_ms));
    }
    if (r.index >= b.extrinsics.size() || Blake2b256(AsByteSpan(b.extrinsics[r.index])) != r.hash) {
      return Status::Failed(where + ": extrinsic " + std::to_string(r.index) +
                            " is not the recorded 0x" + HexOf(r.hash));
    }
    Runtime runtime;
    {
      std::lock_guard lock(runtime_mu_);
      runtime = runtime_;
    }
    Result<chain::Extrinsic> e =
        chain::DecodeExtrinsic(AsByteSpan(b.extrinsics[r.index]), runtime.extensions);
    if (!e.ok()) return Status::Failed(where + ": the extrinsic: " + e.status().message());
    chain::ScaleWriter call;
    call.U8(runtime.remark_with_event.first);
    call.U8(runtime.remark_with_event.second);
    call.Bytes(checkpoint);
    if (e->call != call.data()) {
      return Status::Failed(where +
                            ": the extrinsic is not System.remark_with_event of the "
                            "checkpoint's bytes");
    }
    if (!e->signer || *e->signer != anchor.submitter) {
      return Status::Failed(where + ": the extrinsic is not signed by the recorded submitter");
    }
    return Status::OK();
  }

  Result<chain::BlockRef> ProduceBlock() override {
    return Status::NotSupported(Where() + ": the chain's validators produce its blocks");
  }

  Status Close() override {
    {
      std::lock_guard lock(wait_mu_);
      closed_ = true;
    }
    wait_cv_.notify_all();
    return Status::OK();
  }

 private:
  std::string Where() const { return "substrate chain at " + rpc_->url().text; }

  Status Unsupported(std::string_view what) const {
    return Status::NotSupported(Where() + ": " + std::string(what) +
                                " live in the chain's DDC pallets, which this client does not use "
                                "(it anchors checkpoints)");
  }

  Status Malformed(std::string_view method, std::string_view what) const {
    return Status::Corruption(Where() + ": " + std::string(method) + ": " + std::string(what));
  }

  Status CheckOpen() {
    std::lock_guard lock(wait_mu_);
    return closed_ ? Status::Failed(Where() + ": closed") : Status::OK();
  }

  Result<Json> Rpc(std::string_view method, const Json& params = Json::array()) {
    Result<Json> r = rpc_->Call(method, params);  // Its errors name the URL.
    if (!r.ok() && !name_.empty()) return r.status().WithContext(name_);
    return r;
  }

  // Reads the runtime version; when it changed (or on the first call), the metadata too.
  // Called with submit_mu_ held.
  Status RefreshRuntime() {
    DDC_ASSIGN_OR_RETURN(const Json v, Rpc("state_getRuntimeVersion"));
    const std::optional<uint64_t> spec = rpc::ParseNumber(rpc::Member(v, "specVersion"));
    const std::optional<uint64_t> tx = rpc::ParseNumber(rpc::Member(v, "transactionVersion"));
    if (!v.is_object() || !spec || !tx || *spec > UINT32_MAX || *tx > UINT32_MAX) {
      return Malformed("state_getRuntimeVersion", "no 32-bit specVersion and transactionVersion");
    }
    {
      std::lock_guard lock(runtime_mu_);
      if (have_runtime_ && runtime_.spec_version == *spec && runtime_.transaction_version == *tx) {
        return Status::OK();
      }
    }
    DDC_ASSIGN_OR_RETURN(const Json m, Rpc("state_getMetadata"));
    const std::optional<std::string> bytes = rpc::ParseHexString(m);
    if (!bytes) return Malformed("state_getMetadata", "the metadata is not hex");
    Result<chain::RuntimeMetadata> meta = chain::DecodeMetadata(AsByteSpan(*bytes));
    if (!meta.ok()) return meta.status().WithContext(Where() + ": state_getMetadata");
    Runtime runtime;
    runtime.spec_version = static_cast<uint32_t>(*spec);
    runtime.transaction_version = static_cast<uint32_t>(*tx);
    if (meta->extrinsic_version != 4) {
      return Status::NotSupported(Where() + ": the runtime's extrinsics are version " +
                                  std::to_string(meta->extrinsic_version) + ", not 4");
    }
    std::vector<std::string> ids;
    const size_t n = meta->signed_extensions.size();
    auto empty = std::make_unique<bool[]>(n);  // A span of bool needs real bools.
    for (size_t i = 0; i < n; ++i) {
      const chain::SignedExtension& x = meta->signed_extensions[i];
      ids.push_back(x.identifier);
      empty[i] = x.type_is_empty && x.additional_is_empty;
    }
    Result<chain::ExtensionSet> extensions =
        chain::MakeExtensionSet(ids, std::span<const bool>(empty.get(), n));
    if (!extensions.ok()) return extensions.status().WithContext(Where());
    runtime.extensions = std::move(*extensions);
    Result<std::pair<uint8_t, uint8_t>> remark = meta->CallIndex("System", "remark_with_event");
    if (!remark.ok()) return remark.status().WithContext(Where());
    runtime.remark_with_event = *remark;
    Result<std::pair<uint8_t, uint8_t>> set = meta->CallIndex("Timestamp", "set");
    if (set.ok()) runtime.timestamp_set = *set;
    std::lock_guard lock(runtime_mu_);
    runtime_ = std::move(runtime);
    have_runtime_ = true;
    return Status::OK();
  }

  Result<FetchedBlock> Finalized() {
    DDC_ASSIGN_OR_RETURN(const Json h, Rpc("chain_getFinalizedHead"));
    const std::optional<Hash32> hash = rpc::ParseHash(h);
    if (!hash) return Malformed("chain_getFinalizedHead", "not a 32-byte hash");
    return Fetch(*hash);
  }

  Result<FetchedBlock> FetchNumber(uint64_t number) {
    DDC_ASSIGN_OR_RETURN(const Json h, Rpc("chain_getBlockHash", Json::array({number})));
    if (h.is_null()) {
      return Status::NotFound(Where() + ": no block " + std::to_string(number) + " yet");
    }
    const std::optional<Hash32> hash = rpc::ParseHash(h);
    if (!hash) return Malformed("chain_getBlockHash", "not a 32-byte hash");
    return Fetch(*hash);
  }

  // The block with that hash; its header, re-encoded, must hash to it.
  Result<FetchedBlock> Fetch(const Hash32& hash) {
    DDC_ASSIGN_OR_RETURN(const Json j, Rpc("chain_getBlock", Json::array({rpc::Hex0x(hash)})));
    if (j.is_null()) return Status::NotFound(Where() + ": no block 0x" + HexOf(hash));
    const Json& block = rpc::Member(j, "block");
    const Json& header = rpc::Member(block, "header");
    chain::HeaderFields fields;
    const std::optional<Hash32> parent = rpc::ParseHash(rpc::Member(header, "parentHash"));
    const std::optional<uint64_t> number = rpc::ParseNumber(rpc::Member(header, "number"));
    const std::optional<Hash32> state = rpc::ParseHash(rpc::Member(header, "stateRoot"));
    const std::optional<Hash32> extrinsics = rpc::ParseHash(rpc::Member(header, "extrinsicsRoot"));
    if (!parent || !number || !state || !extrinsics) {
      return Malformed("chain_getBlock",
                       "a header without parentHash, number, stateRoot or "
                       "extrinsicsRoot");
    }
    fields.parent = *parent;
    fields.number = *number;
    fields.state_root = *state;
    fields.extrinsics_root = *extrinsics;
    for (const Json& log : rpc::Member(rpc::Member(header, "digest"), "logs")) {
      std::optional<std::string> item = rpc::ParseHexString(log);
      if (!item) return Malformed("chain_getBlock", "a digest log that is not hex");
      fields.digest_logs.push_back(std::move(*item));
    }
    FetchedBlock out;
    out.header = chain::EncodeSubstrateHeader(fields);
    if (Blake2b256(AsByteSpan(out.header)) != hash) {
      return Malformed("chain_getBlock",
                       "the header of block 0x" + HexOf(hash) + " does not hash to it");
    }
    out.ref.number = fields.number;
    out.ref.hash = hash;
    std::optional<std::pair<uint8_t, uint8_t>> set;
    {
      std::lock_guard lock(runtime_mu_);
      set = runtime_.timestamp_set;
    }
    for (const Json& x : rpc::Member(block, "extrinsics")) {
      std::optional<std::string> bytes = rpc::ParseHexString(x);
      if (!bytes) return Malformed("chain_getBlock", "an extrinsic that is not hex");
      if (set && out.ref.time_ms == 0) {
        Result<uint64_t> t =
            chain::TimestampOfInherent(AsByteSpan(*bytes), set->first, set->second);
        if (t.ok()) out.ref.time_ms = *t;
      }
      out.extrinsics.push_back(std::move(*bytes));
    }
    return out;
  }

  // Sends `extrinsic` and reads finalized blocks after `after` until one includes it; Failed
  // when the finalized chain passes `expires` (its era) without it.
  Result<chain::Receipt> SubmitAndWait(std::string_view extrinsic, uint64_t after,
                                       uint64_t expires) {
    const Hash32 hash = Blake2b256(AsByteSpan(extrinsic));
    DDC_ASSIGN_OR_RETURN(const Json sent,
                         Rpc("author_submitExtrinsic", Json::array({rpc::Hex0x(extrinsic)})));
    const std::optional<Hash32> echoed = rpc::ParseHash(sent);
    if (!echoed || *echoed != hash) {
      return Malformed("author_submitExtrinsic", "the answer is not the extrinsic's hash");
    }
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.inclusion_timeout_ms);
    uint64_t next = after + 1;
    while (true) {
      DDC_ASSIGN_OR_RETURN(const FetchedBlock head, Finalized());
      for (; next <= head.ref.number; ++next) {
        DDC_ASSIGN_OR_RETURN(const FetchedBlock b, next == head.ref.number
                                                       ? Result<FetchedBlock>(head)
                                                       : FetchNumber(next));
        for (size_t i = 0; i < b.extrinsics.size(); ++i) {
          if (Blake2b256(AsByteSpan(b.extrinsics[i])) == hash) {
            return chain::Receipt{b.ref, static_cast<uint32_t>(i), hash};
          }
        }
      }
      if (head.ref.number >= expires) {
        return Status::Failed(Where() + ": extrinsic 0x" + HexOf(hash) +
                              " was not finalized before its era ended at block " +
                              std::to_string(expires));
      }
      if (options_.log) {
        options_.log("waiting for extrinsic 0x" + HexOf(hash) + " to be finalized (head " +
                     std::to_string(head.ref.number) + ")");
      }
      std::unique_lock lock(wait_mu_);
      if (wait_cv_.wait_until(
              lock,
              std::min(deadline, std::chrono::steady_clock::now() +
                                     std::chrono::milliseconds(options_.poll_interval_ms)),
              [this] { return closed_; })) {
        return Status::Failed(Where() + ": closed while waiting for extrinsic 0x" + HexOf(hash));
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        return Status::Busy(Where() + ": extrinsic 0x" + HexOf(hash) + " not finalized within " +
                            std::to_string(options_.inclusion_timeout_ms) + " ms");
      }
    }
  }

  // ---- The anchors file: a header line naming the chain, then one line per anchor ----
  // "REMARK_HASH NUMBER BLOCK_HASH TIME_MS INDEX EXTRINSIC_HASH SUBMITTER\n", hex hashes.

  Status LoadAnchors() {
    if (options_.anchors_file.empty()) return Status::OK();
    io::FileSystem* fs = io::PosixFileSystemInstance();
    DDC_ASSIGN_OR_RETURN(file_,
                         fs->Open(options_.anchors_file, options_.anchors_read_only
                                                             ? io::OpenMode::kRead
                                                             : io::OpenMode::kCreateReadWrite));
    DDC_ASSIGN_OR_RETURN(const uint64_t size, file_->Size());
    std::string text(size, '\0');
    if (size > 0) {
      DDC_ASSIGN_OR_RETURN(
          const size_t got,
          file_->Read(0, std::span(reinterpret_cast<uint8_t*>(text.data()), text.size())));
      text.resize(got);
    }
    const std::string header = std::string(kAnchorsMagic) + " " + HexOf(genesis_) + "\n";
    if (options_.anchors_read_only && text.empty()) {
      return Status::Corruption(options_.anchors_file + ": empty");
    }
    if (!options_.anchors_read_only &&
        (text.empty() || (!text.starts_with(header) && text.find('\n') == std::string::npos))) {
      // New (or its header line torn): start it.
      DDC_RETURN_IF_ERROR(file_->Truncate(0));
      DDC_RETURN_IF_ERROR(file_->WriteAndSync(0, AsByteSpan(header)));
      file_size_ = header.size();
      return Status::OK();
    }
    if (!text.starts_with(header)) {
      return Status::InvalidArgument(options_.anchors_file +
                                     ": the anchors of another chain (its first line is not '" +
                                     header.substr(0, header.size() - 1) + "')");
    }
    size_t at = header.size();
    size_t line_no = 2;
    while (at < text.size()) {
      const size_t end = text.find('\n', at);
      if (end == std::string::npos) break;  // A torn last line: dropped below.
      Result<chain::AnchorInfo> a = ParseAnchorLine(std::string_view(text).substr(at, end - at));
      if (!a.ok()) {
        return Status::Corruption(options_.anchors_file + ": line " + std::to_string(line_no) +
                                  ": " + a.status().message());
      }
      anchors_.push_back(*a);
      at = end + 1;
      ++line_no;
    }
    if (options_.anchors_read_only) {
      file_.reset();  // Nothing is written through it.
      return Status::OK();
    }
    if (at < text.size()) DDC_RETURN_IF_ERROR(file_->Truncate(at));
    file_size_ = at;
    return Status::OK();
  }

  static Result<chain::AnchorInfo> ParseAnchorLine(std::string_view line) {
    std::vector<std::string_view> f;
    while (!line.empty()) {
      const size_t sp = line.find(' ');
      f.push_back(line.substr(0, sp));
      line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    }
    if (f.size() != 7) return Status::Corruption("not 7 fields");
    chain::AnchorInfo a;
    DDC_ASSIGN_OR_RETURN(a.remark_hash, HashFromText(f[0]));
    DDC_ASSIGN_OR_RETURN(a.receipt.block.hash, HashFromText(f[2]));
    DDC_ASSIGN_OR_RETURN(a.receipt.hash, HashFromText(f[5]));
    DDC_ASSIGN_OR_RETURN(a.submitter, HashFromText(f[6]));
    try {
      a.receipt.block.number = std::stoull(std::string(f[1]));
      a.receipt.block.time_ms = std::stoull(std::string(f[3]));
      const uint64_t index = std::stoull(std::string(f[4]));
      if (index > UINT32_MAX) return Status::Corruption("index beyond 32 bits");
      a.receipt.index = static_cast<uint32_t>(index);
    } catch (const std::exception&) {
      return Status::Corruption("a number field is not a decimal number");
    }
    return a;
  }

  Status RecordAnchor(const chain::AnchorInfo& a) {
    std::lock_guard lock(anchors_mu_);
    if (file_) {
      const std::string line = HexOf(a.remark_hash) + " " + std::to_string(a.receipt.block.number) +
                               " " + HexOf(a.receipt.block.hash) + " " +
                               std::to_string(a.receipt.block.time_ms) + " " +
                               std::to_string(a.receipt.index) + " " + HexOf(a.receipt.hash) + " " +
                               HexOf(a.submitter) + "\n";
      DDC_RETURN_IF_ERROR(file_->WriteAndSync(file_size_, AsByteSpan(line)));
      file_size_ += line.size();
    }
    anchors_.push_back(a);
    return Status::OK();
  }

  const SubstrateChainOptions options_;
  const std::unique_ptr<RpcClient> rpc_;
  std::string name_;
  Hash32 genesis_{};

  std::mutex submit_mu_;  // One transaction (and runtime refresh) at a time.
  std::mutex runtime_mu_;
  Runtime runtime_;  // Guarded by runtime_mu_.
  bool have_runtime_ = false;

  std::mutex anchors_mu_;
  std::vector<chain::AnchorInfo> anchors_;  // Guarded by anchors_mu_, in the file's order.
  std::unique_ptr<io::File> file_;
  uint64_t file_size_ = 0;

  std::mutex wait_mu_;
  std::condition_variable wait_cv_;
  bool closed_ = false;  // Guarded by wait_mu_.
};

}  // namespace

Status VerifySubstrateAnchor(chain::Chain* chain, const chain::AnchorInfo& anchor,
                             std::string_view checkpoint) {
  auto* substrate = dynamic_cast<SubstrateChain*>(chain);
  if (substrate == nullptr) return Status::InvalidArgument("not a Substrate chain");
  return substrate->CheckAnchor(anchor, checkpoint);
}

std::optional<std::string> SubstratePresetUrl(std::string_view name) {
  if (name == "cere-mainnet") return "wss://archive.mainnet.cere.network/ws";
  if (name == "cere-testnet") return "wss://archive.testnet.cere.network/ws";
  return std::nullopt;
}

std::optional<std::string> SubstrateChainUrl(std::string_view mode) {
  if (std::optional<std::string> preset = SubstratePresetUrl(mode)) return preset;
  if (mode.starts_with("ws://") || mode.starts_with("wss://")) return std::string(mode);
  constexpr std::string_view kPrefix = "substrate:";
  if (mode.starts_with(kPrefix)) return std::string(mode.substr(kPrefix.size()));
  return std::nullopt;
}

Result<std::unique_ptr<chain::Chain>> OpenSubstrateChain(const SubstrateChainOptions& options) {
  SubstrateChainOptions resolved = options;
  resolved.url = SubstrateChainUrl(options.url).value_or(options.url);
  if (resolved.mortality == 0) {
    return Status::InvalidArgument("substrate chain: mortality must be at least 1 block");
  }
  DDC_ASSIGN_OR_RETURN(std::unique_ptr<RpcClient> rpc, OpenRpcClient(resolved.url, resolved.rpc));
  auto chain = std::make_unique<SubstrateChain>(std::move(resolved), std::move(rpc));
  DDC_RETURN_IF_ERROR(chain->Connect());
  return std::unique_ptr<chain::Chain>(std::move(chain));
}

}  // namespace ddc::node
