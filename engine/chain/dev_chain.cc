// The embedded dev chain (docs/chain.md): blocks in blocks.log, state rebuilt by replaying them
// at open, transactions validated against the state after the waiting ones and sealed in
// blocks by the authority key.
#include <sodium.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "ddc/chain.h"
#include "engine/base/hash.h"
#include "engine/base/hex.h"
#include "engine/base/macros.h"
#include "engine/chain/block.h"
#include "engine/chain/block_log.h"
#include "engine/chain/call_chain.h"
#include "engine/chain/calls.h"
#include "engine/chain/extrinsic.h"
#include "engine/chain/scale.h"
#include "engine/chain/state.h"
#include "engine/io/file_system.h"
#include "engine/timeline/merkle.h"

namespace ddc::chain {
namespace {

constexpr char kChainName[] = "ddc-dev";
constexpr char kAuthorityFile[] = "authority.key";
constexpr char kBlocksFile[] = "blocks.log";
constexpr char kLockFile[] = "LOCK";

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string TimestampInherent(uint64_t time_ms) {
  Call call;
  call.kind = CallKind::kTimestampSet;
  call.time_ms = time_ms;
  Extrinsic e;
  e.call = EncodeCall(call);
  return EncodeExtrinsic(e);
}

std::string GenesisExtrinsic(const Call& call) {
  Extrinsic e;
  e.call = EncodeCall(call);
  return EncodeExtrinsic(e);
}

std::string SudoAs(const AccountId& who, const Call& inner) {
  Call call;
  call.kind = CallKind::kSudoAs;
  call.account = who;
  call.inner = EncodeCall(inner);
  return GenesisExtrinsic(call);
}

// The genesis block's extrinsics after the timestamp, from the options' genesis.
std::vector<std::string> GenesisCalls(const Genesis& genesis) {
  std::vector<std::string> out;
  for (const auto& a : genesis.accounts) {
    Call c;
    c.kind = CallKind::kForceSetBalance;
    c.account = a.account;
    c.amount = a.free;
    out.push_back(GenesisExtrinsic(c));
  }
  for (const auto& cluster : genesis.clusters) {
    Call c;
    c.kind = CallKind::kCreateCluster;
    c.cluster = cluster.id;
    c.params = cluster.params;
    out.push_back(SudoAs(cluster.manager, c));
    for (const auto& node : cluster.nodes) {
      Call n;
      n.kind = CallKind::kAddNode;
      n.cluster = cluster.id;
      n.node = node;
      out.push_back(SudoAs(cluster.manager, n));
    }
  }
  for (const auto& bucket : genesis.buckets) {
    Call c;
    c.kind = CallKind::kCreateBucket;
    c.bucket = bucket.id;
    c.cluster = bucket.cluster;
    c.is_public = bucket.is_public;
    out.push_back(SudoAs(bucket.owner, c));
  }
  return out;
}

// The time a block's first extrinsic sets; InvalidArgument when it is not Timestamp.set.
Result<uint64_t> BlockTime(std::string_view first) {
  DDC_ASSIGN_OR_RETURN(const Extrinsic e, DecodeExtrinsic(AsByteSpan(first)));
  if (e.signer) return Status::InvalidArgument("first extrinsic is signed, not the timestamp");
  DDC_ASSIGN_OR_RETURN(const Call c, DecodeCall(AsByteSpan(e.call)));
  if (c.kind != CallKind::kTimestampSet) {
    return Status::InvalidArgument(std::string("first extrinsic is ") + CallName(c.kind) +
                                   ", not Timestamp.set");
  }
  return c.time_ms;
}

class DevChain final : public CallChain {
 public:
  DevChain(const DevChainOptions& options, io::FileSystem* fs) : options_(options), fs_(fs) {}
  ~DevChain() override { (void)Close(); }

  Status Open();

  Result<ChainInfo> Info() override {
    std::lock_guard lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    ChainInfo s;
    s.name = kChainName;
    s.genesis_hash = genesis_hash_;
    s.best = blocks_.back();
    s.spec_version = kSpecVersion;
    s.transaction_version = kTransactionVersion;
    s.authority = authority_.public_key;
    s.anchors = anchors_.size();
    return s;
  }

  Result<BlockRef> Block(uint64_t number) override {
    std::lock_guard lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    if (number >= blocks_.size()) {
      return Status::NotFound("block " + std::to_string(number) + " not produced yet (best is " +
                              std::to_string(blocks_.size() - 1) + ")");
    }
    return blocks_[number];
  }

  Result<BlockRef> BlockByHash(const Hash32& hash) override {
    std::lock_guard lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    auto it = block_by_hash_.find(hash);
    if (it == block_by_hash_.end()) {
      return Status::NotFound("block " + Hex(std::span(hash).first(8)) +
                              "... is not on this chain");
    }
    return blocks_[it->second];
  }

  Result<RawBlock> ReadBlock(uint64_t number) override {
    std::lock_guard lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    if (number >= blocks_.size()) {
      return Status::NotFound("block " + std::to_string(number) + " not produced yet");
    }
    DDC_ASSIGN_OR_RETURN(const std::string bytes, log_->Read(entries_[number]));
    DDC_ASSIGN_OR_RETURN(chain::Block block, DecodeBlock(AsByteSpan(bytes)));
    return RawBlock{blocks_[number], EncodeHeader(block.header), std::move(block.extrinsics)};
  }

  Result<uint32_t> NextNonce(const AccountId& account) override {
    std::lock_guard lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    return pending_state_.Account(account).value_or(AccountInfo{}).nonce;
  }

  Result<Receipt> SubmitExtrinsic(std::string_view bytes) override {
    DDC_ASSIGN_OR_RETURN(const Extrinsic e, DecodeExtrinsic(AsByteSpan(bytes)));
    std::unique_lock lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    return SubmitLocked(lock, e);
  }

  Result<Receipt> FindExtrinsic(const Hash32& hash) override {
    std::lock_guard lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    auto it = receipts_.find(hash);
    if (it == receipts_.end()) {
      return Status::NotFound("extrinsic " + Hex(std::span(hash).first(8)) +
                              "... is not in a block of this chain");
    }
    return it->second;
  }

  Result<AccountInfo> Account(const AccountId& account) override {
    std::lock_guard lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    return state_.Account(account).value_or(AccountInfo{});
  }

  Result<BucketInfo> Bucket(uint64_t id) override {
    std::lock_guard lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    auto it = state_.buckets().find(id);
    if (it == state_.buckets().end()) {
      return Status::NotFound("bucket " + std::to_string(id) + " is not on the chain");
    }
    return it->second;
  }

  Result<std::vector<BucketInfo>> Buckets() override {
    std::lock_guard lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    std::vector<BucketInfo> out;
    for (const auto& [id, b] : state_.buckets()) out.push_back(b);
    return out;
  }

  Result<ClusterInfo> Cluster(uint64_t id) override {
    std::lock_guard lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    auto it = state_.clusters().find(id);
    if (it == state_.clusters().end()) {
      return Status::NotFound("cluster " + std::to_string(id) + " is not on the chain");
    }
    return it->second;
  }

  Result<std::vector<ClusterInfo>> Clusters() override {
    std::lock_guard lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    std::vector<ClusterInfo> out;
    for (const auto& [id, c] : state_.clusters()) out.push_back(c);
    return out;
  }

  Result<UsageReport> GetUsageReport(const AccountId& node, uint32_t era) override {
    std::unique_lock lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    const std::optional<State::ReportState> r = state_.Report(node, era);
    auto where = usage_receipts_.find({node, era});
    if (!r || where == usage_receipts_.end()) {
      return Status::NotFound("node " + Hex(std::span(node).first(8)) +
                              "... reported nothing for era " + std::to_string(era));
    }
    UsageReport report;
    report.node = node;
    report.era = era;
    report.cluster = r->cluster;
    report.root = r->root;
    report.charged = r->charged;
    report.unpaid = r->unpaid;
    report.paid_out = state_.PaidOut(r->cluster, era);
    report.receipt = where->second;
    DDC_ASSIGN_OR_RETURN(const std::string bytes,
                         log_->Read(entries_[report.receipt.block.number]));
    DDC_ASSIGN_OR_RETURN(const chain::Block block, DecodeBlock(AsByteSpan(bytes)));
    DDC_ASSIGN_OR_RETURN(const Extrinsic e,
                         DecodeExtrinsic(AsByteSpan(block.extrinsics[report.receipt.index])));
    DDC_ASSIGN_OR_RETURN(Call call, DecodeCall(AsByteSpan(e.call)));
    report.aggregates = std::move(call.aggregates);
    return report;
  }

  Result<AnchorInfo> FindAnchor(std::string_view checkpoint) override {
    const Hash32 hash = Blake2b256(AsByteSpan(checkpoint));
    std::lock_guard lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    auto it = anchor_by_hash_.find(hash);
    if (it == anchor_by_hash_.end()) {
      return Status::NotFound("checkpoint " + Hex(std::span(hash).first(8)) +
                              "... is not anchored on the chain");
    }
    return anchors_[it->second];
  }

  Result<AnchorProof> ProveAnchor(const AnchorInfo& anchor) override;

  Result<std::vector<AnchorInfo>> Anchors(uint64_t from, size_t limit) override {
    std::lock_guard lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    std::vector<AnchorInfo> out;
    for (uint64_t i = from; i < anchors_.size() && out.size() < limit; ++i) {
      out.push_back(anchors_[i]);
    }
    return out;
  }

  Result<BlockRef> ProduceBlock() override {
    std::unique_lock lock(mu_);
    DDC_RETURN_IF_ERROR(Usable());
    DDC_RETURN_IF_ERROR(ProduceLocked());
    return blocks_.back();
  }

  Status Close() override {
    {
      std::lock_guard lock(mu_);
      if (closed_) return Status::OK();
      closed_ = true;
    }
    wake_.notify_all();
    produced_.notify_all();
    if (producer_.joinable()) producer_.join();
    return Status::OK();
  }

 private:
  Status Usable() const {
    if (closed_) return Status::Failed("dev chain: closed");
    if (!broken_.ok()) return broken_;
    return Status::OK();
  }

  ApplyContext ContextFor(uint64_t number) const {
    ApplyContext ctx;
    ctx.number = number;
    ctx.genesis_hash = genesis_hash_;
    ctx.block_hash = [this](uint64_t n) -> std::optional<Hash32> {
      if (n >= blocks_.size()) return std::nullopt;
      return blocks_[n].hash;
    };
    return ctx;
  }

  Result<Receipt> SubmitCall(const KeyPair& signer, const Call& call) override;
  // Validates `e` against the state after the waiting transactions, queues it and waits for
  // its block. REQUIRES: `lock` holds mu_.
  Result<Receipt> SubmitLocked(std::unique_lock<std::mutex>& lock, const Extrinsic& e);
  Status ProduceLocked();
  Status CommitBlock(const chain::Block& block, State next, const BlockEntry& entry);
  Status LoadAuthority();
  Status CreateGenesis();
  Status Replay(const chain::Block& block, State* state) const;

  const DevChainOptions options_;
  io::FileSystem* const fs_;
  std::unique_ptr<io::FileLock> lock_;
  std::unique_ptr<BlockLog> log_;
  KeyPair authority_{};

  mutable std::mutex mu_;
  std::condition_variable wake_;      // The producer thread: transactions wait, or closing.
  std::condition_variable produced_;  // Submitters: a block was produced (or failed).
  bool closed_ = false;
  ddc::Status broken_;  // Set after a failed block write: nothing more is accepted.

  State state_;          // After the best block.
  State pending_state_;  // After the best block and the waiting transactions.
  Hash32 genesis_hash_{};
  std::vector<BlockRef> blocks_;
  std::vector<BlockEntry> entries_;
  std::vector<AnchorInfo> anchors_;
  std::map<Hash32, size_t> anchor_by_hash_;
  std::map<Hash32, uint64_t> block_by_hash_;
  std::map<Hash32, Receipt> receipts_;  // Every signed extrinsic by its hash.
  std::map<std::pair<AccountId, uint32_t>, Receipt> usage_receipts_;  // (node, era).

  std::vector<std::string> pool_;                 // Waiting extrinsics, in order.
  uint64_t submitted_ = 0;                        // Transactions ever queued; pool_[i] is number
                                                  // submitted_ - pool_.size() + i + 1.
  std::map<uint64_t, Result<Receipt>> outcomes_;  // Produced, not yet collected by Submit.
  std::thread producer_;
};

Status DevChain::LoadAuthority() {
  const std::string path = options_.dir + "/" + kAuthorityFile;
  DDC_ASSIGN_OR_RETURN(auto file, fs_->Open(path, io::OpenMode::kCreatePrivate));
  DDC_ASSIGN_OR_RETURN(const uint64_t size, file->Size());
  std::array<uint8_t, 32> seed{};
  if (size == 0) {
    randombytes_buf(seed.data(), seed.size());
    DDC_RETURN_IF_ERROR(file->WriteAndSync(0, seed));
    DDC_RETURN_IF_ERROR(fs_->SyncDir(options_.dir));
  } else if (size != seed.size()) {
    return Status::Corruption(path + ": " + std::to_string(size) + " bytes, want a 32-byte seed");
  } else {
    DDC_ASSIGN_OR_RETURN(const size_t n, file->Read(0, seed));
    if (n != seed.size()) return Status::IOError(path + ": short read");
  }
  authority_ = KeyPair::FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return Status::OK();
}

Status DevChain::Replay(const chain::Block& block, State* state) const {
  const Header& h = block.header;
  const uint64_t number = blocks_.size();
  const std::string what = "block " + std::to_string(number);
  if (h.number != number) {
    return Status::Corruption(what + ": header says number " + std::to_string(h.number));
  }
  const Hash32 parent = number == 0 ? Hash32{} : blocks_.back().hash;
  if (h.parent != parent) return Status::Corruption(what + ": parent hash does not link");
  DDC_RETURN_IF_ERROR(VerifySeal(h, authority_.public_key));
  if (ExtrinsicsRoot(block.extrinsics) != h.extrinsics_root) {
    return Status::Corruption(what + ": extrinsics root mismatch");
  }
  if (block.extrinsics.empty()) return Status::Corruption(what + ": no timestamp");
  auto time = BlockTime(block.extrinsics[0]);
  if (!time.ok()) return Status::Corruption(what + ": " + time.status().message());
  if (number > 0 && *time < blocks_.back().time_ms) {
    return Status::Corruption(what + ": time goes backwards");
  }
  const ApplyContext ctx = ContextFor(number);
  for (size_t i = 1; i < block.extrinsics.size(); ++i) {
    auto e = DecodeExtrinsic(AsByteSpan(block.extrinsics[i]));
    Status s = e.status();
    if (s.ok() && number == 0) {
      if (e->signer) {
        s = Status::InvalidArgument("signed extrinsic in genesis");
      } else {
        auto call = DecodeCall(AsByteSpan(e->call));
        s = call.ok() ? state->ApplyGenesis(*call) : call.status();
      }
    } else if (s.ok()) {
      s = state->ApplySigned(*e, ctx);
    }
    if (!s.ok()) {
      return Status::Corruption(what + " extrinsic " + std::to_string(i) + ": " + s.message());
    }
  }
  if (state->Root() != h.state_root) return Status::Corruption(what + ": state root mismatch");
  return Status::OK();
}

Status DevChain::CommitBlock(const chain::Block& block, State next, const BlockEntry& entry) {
  DDC_ASSIGN_OR_RETURN(const uint64_t time, BlockTime(block.extrinsics[0]));
  const BlockRef ref{block.header.number, BlockHash(block.header), time};
  if (ref.number == 0) genesis_hash_ = ref.hash;
  for (uint32_t i = 1; i < block.extrinsics.size(); ++i) {
    DDC_ASSIGN_OR_RETURN(const Extrinsic e, DecodeExtrinsic(AsByteSpan(block.extrinsics[i])));
    if (!e.signer) continue;
    const Hash32 extrinsic_hash = Blake2b256(AsByteSpan(block.extrinsics[i]));
    receipts_.emplace(extrinsic_hash, Receipt{ref, i, extrinsic_hash});
    DDC_ASSIGN_OR_RETURN(const Call c, DecodeCall(AsByteSpan(e.call)));
    if (c.kind == CallKind::kReportUsage) {
      usage_receipts_.emplace(std::pair(*e.signer, c.era), Receipt{ref, i, extrinsic_hash});
    }
    if (c.kind != CallKind::kRemarkWithEvent) continue;
    const Hash32 remark_hash = Blake2b256(AsByteSpan(c.remark));
    anchor_by_hash_.emplace(remark_hash, anchors_.size());
    anchors_.push_back(AnchorInfo{Receipt{ref, i, Blake2b256(AsByteSpan(block.extrinsics[i]))},
                                  *e.signer, remark_hash});
  }
  state_ = std::move(next);
  block_by_hash_.emplace(ref.hash, blocks_.size());
  blocks_.push_back(ref);
  entries_.push_back(entry);
  return Status::OK();
}

Status DevChain::CreateGenesis() {
  chain::Block block;
  block.header.number = 0;
  const uint64_t time = options_.genesis.time_ms != 0 ? options_.genesis.time_ms : NowMs();
  block.extrinsics.push_back(TimestampInherent(time));
  for (auto& e : GenesisCalls(options_.genesis)) block.extrinsics.push_back(std::move(e));
  State next;
  for (size_t i = 1; i < block.extrinsics.size(); ++i) {
    DDC_ASSIGN_OR_RETURN(const Extrinsic e, DecodeExtrinsic(AsByteSpan(block.extrinsics[i])));
    DDC_ASSIGN_OR_RETURN(const Call c, DecodeCall(AsByteSpan(e.call)));
    Status s = next.ApplyGenesis(c);
    if (!s.ok()) return Status::InvalidArgument("dev chain genesis: " + s.message());
  }
  block.header.state_root = next.Root();
  block.header.extrinsics_root = ExtrinsicsRoot(block.extrinsics);
  SealHeader(&block.header, authority_);
  DDC_ASSIGN_OR_RETURN(const BlockEntry entry, log_->Append(EncodeBlock(block)));
  return CommitBlock(block, std::move(next), entry);
}

Status DevChain::Open() {
  if (options_.dir.empty()) return Status::InvalidArgument("dev chain: no directory given");
  DDC_RETURN_IF_ERROR(fs_->CreateDir(options_.dir));
  auto file_lock = fs_->Lock(options_.dir + "/" + kLockFile);
  if (!file_lock.ok()) {
    return Status::Busy("dev chain " + options_.dir +
                        " is open elsewhere: " + file_lock.status().message());
  }
  lock_ = std::move(file_lock).value();
  DDC_RETURN_IF_ERROR(LoadAuthority());
  DDC_ASSIGN_OR_RETURN(auto opened, BlockLog::Open(fs_, options_.dir + "/" + kBlocksFile));
  log_ = std::move(opened.log);
  for (const BlockEntry& entry : opened.entries) {
    DDC_ASSIGN_OR_RETURN(const std::string bytes, log_->Read(entry));
    auto block = DecodeBlock(AsByteSpan(bytes));
    const std::string where = options_.dir + "/" + kBlocksFile + ": block " +
                              std::to_string(blocks_.size()) + " at offset " +
                              std::to_string(entry.offset);
    if (!block.ok()) return Status::Corruption(where + ": " + block.status().message());
    State next = state_;
    Status s = Replay(*block, &next);
    if (!s.ok()) return Status::Corruption(where + ": " + s.message());
    DDC_RETURN_IF_ERROR(CommitBlock(*block, std::move(next), entry));
  }
  if (blocks_.empty()) DDC_RETURN_IF_ERROR(CreateGenesis());
  pending_state_ = state_;
  if (options_.production == BlockProduction::kInterval) {
    producer_ = std::thread([this] {
      std::unique_lock lock(mu_);
      while (!closed_) {
        wake_.wait_for(lock, std::chrono::milliseconds(options_.block_interval_ms),
                       [this] { return closed_; });
        if (closed_ || !broken_.ok() || pool_.empty()) continue;
        (void)ProduceLocked();  // Failures reach the waiting submitters.
      }
    });
  }
  return Status::OK();
}

Status DevChain::ProduceLocked() {
  chain::Block block;
  block.header.number = blocks_.size();
  block.header.parent = blocks_.back().hash;
  block.extrinsics.push_back(TimestampInherent(std::max(NowMs(), blocks_.back().time_ms)));
  const ApplyContext ctx = ContextFor(block.header.number);
  State next = state_;
  Status s;
  for (const std::string& bytes : pool_) {
    auto e = DecodeExtrinsic(AsByteSpan(bytes));
    s = e.ok() ? next.ApplySigned(*e, ctx) : e.status();
    if (!s.ok()) break;
    block.extrinsics.push_back(bytes);
  }
  BlockEntry entry;
  if (s.ok()) {
    block.header.state_root = next.Root();
    block.header.extrinsics_root = ExtrinsicsRoot(block.extrinsics);
    SealHeader(&block.header, authority_);
    auto appended = log_->Append(EncodeBlock(block));
    if (appended.ok()) {
      entry = *appended;
    } else {
      s = appended.status();
      broken_ = Status::IOError("dev chain stopped after a failed block write (" + s.message() +
                                "); reopen it");
    }
  } else {
    s = Status::Failed("dev chain: a waiting transaction no longer applies: " + s.message());
  }
  const uint64_t first = submitted_ - pool_.size() + 1;
  if (s.ok()) s = CommitBlock(block, std::move(next), entry);
  for (size_t i = 0; i < pool_.size(); ++i) {
    if (s.ok()) {
      const auto index = static_cast<uint32_t>(i + 1);
      outcomes_.emplace(first + i, Receipt{blocks_.back(), index,
                                           Blake2b256(AsByteSpan(block.extrinsics[index]))});
    } else {
      outcomes_.emplace(first + i, s);
    }
  }
  pool_.clear();
  pending_state_ = state_;
  produced_.notify_all();
  return s;
}

Result<Receipt> DevChain::SubmitCall(const KeyPair& signer, const Call& call) {
  std::unique_lock lock(mu_);
  DDC_RETURN_IF_ERROR(Usable());
  Extrinsic e;
  e.call = EncodeCall(call);
  e.nonce = pending_state_.Account(signer.public_key).value_or(AccountInfo{}).nonce;
  SigningContext sc{genesis_hash_, genesis_hash_, kSpecVersion, kTransactionVersion};
  SignExtrinsic(&e, signer, sc);
  return SubmitLocked(lock, e);
}

Result<Receipt> DevChain::SubmitLocked(std::unique_lock<std::mutex>& lock, const Extrinsic& e) {
  DDC_RETURN_IF_ERROR(pending_state_.ApplySigned(e, ContextFor(blocks_.size())));
  pool_.push_back(EncodeExtrinsic(e));
  const uint64_t mine = ++submitted_;
  if (options_.production == BlockProduction::kInstant) {
    (void)ProduceLocked();
  } else {
    wake_.notify_all();
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.submit_timeout_ms);
  while (!outcomes_.contains(mine)) {
    if (closed_) return Status::Failed("dev chain: closed before the transaction was included");
    if (produced_.wait_until(lock, deadline) == std::cv_status::timeout &&
        !outcomes_.contains(mine)) {
      return Status::Busy("dev chain: transaction not included within " +
                          std::to_string(options_.submit_timeout_ms) + " ms");
    }
  }
  auto it = outcomes_.find(mine);
  Result<Receipt> out = std::move(it->second);
  outcomes_.erase(it);
  return out;
}

Result<AnchorProof> DevChain::ProveAnchor(const AnchorInfo& anchor) {
  std::lock_guard lock(mu_);
  DDC_RETURN_IF_ERROR(Usable());
  const uint64_t number = anchor.receipt.block.number;
  if (number >= blocks_.size() || blocks_[number].hash != anchor.receipt.block.hash) {
    return Status::NotFound("anchor: block " + std::to_string(number) + " is not on this chain");
  }
  DDC_ASSIGN_OR_RETURN(const std::string bytes, log_->Read(entries_[number]));
  DDC_ASSIGN_OR_RETURN(const chain::Block block, DecodeBlock(AsByteSpan(bytes)));
  const uint32_t index = anchor.receipt.index;
  if (index == 0 || index >= block.extrinsics.size()) {
    return Status::NotFound("anchor: block " + std::to_string(number) + " has no extrinsic " +
                            std::to_string(index));
  }
  AnchorProof proof;
  proof.header = EncodeHeader(block.header);
  proof.count = static_cast<uint32_t>(block.extrinsics.size());
  proof.extrinsic = block.extrinsics[index];
  proof.index = index;
  proof.path = ExtrinsicPath(block.extrinsics, index);
  proof.time_extrinsic = block.extrinsics[0];
  proof.time_path = ExtrinsicPath(block.extrinsics, 0);
  return proof;
}

}  // namespace

Result<std::unique_ptr<Chain>> OpenDevChain(const DevChainOptions& options) {
  EnsureSodium();
  auto chain = std::make_unique<DevChain>(options, io::PosixFileSystemInstance());
  DDC_RETURN_IF_ERROR(chain->Open());
  return std::unique_ptr<Chain>(std::move(chain));
}

Result<BlockRef> VerifyAnchorProof(const AnchorProof& proof, std::string_view checkpoint,
                                   const PublicKey& authority, const AccountId& submitter) {
  auto bad = [](const std::string& why) {
    return Status::PermissionDenied("anchor proof: " + why);
  };
  auto header = DecodeHeader(AsByteSpan(proof.header));
  if (!header.ok()) return bad(header.status().message());
  if (!VerifySeal(*header, authority).ok()) return bad("block seal does not verify");
  auto included = [&](std::string_view extrinsic, uint32_t index,
                      std::span<const Hash32> path) -> bool {
    auto root =
        timeline::RootFromInclusionProof(index, proof.count, ExtrinsicLeaf(extrinsic), path);
    return root.ok() && *root == header->extrinsics_root;
  };
  if (proof.index == 0 || !included(proof.extrinsic, proof.index, proof.path)) {
    return bad("the extrinsic is not in the block");
  }
  if (!included(proof.time_extrinsic, 0, proof.time_path)) {
    return bad("the timestamp is not in the block");
  }
  auto time = BlockTime(proof.time_extrinsic);
  if (!time.ok()) return bad(time.status().message());
  auto e = DecodeExtrinsic(AsByteSpan(proof.extrinsic));
  if (!e.ok()) return bad(e.status().message());
  if (!e->signer || *e->signer != submitter) return bad("not submitted by the expected key");
  auto call = DecodeCall(AsByteSpan(e->call));
  if (!call.ok()) return bad(call.status().message());
  if (call->kind != CallKind::kRemarkWithEvent) {
    return bad(std::string("the extrinsic is ") + CallName(call->kind));
  }
  if (call->remark != checkpoint) return bad("the anchored bytes are not this checkpoint");
  return BlockRef{header->number, BlockHash(*header), *time};
}

}  // namespace ddc::chain
