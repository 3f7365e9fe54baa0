// The chain: the ledger of buckets, clusters, nodes, balances and deposits, and the anchors that
// date checkpoints. docs/chain.md specifies the embedded dev chain byte for byte.
//
// `Chain` is the one interface the node and tools use. `OpenDevChain` opens the embedded dev
// chain: a file-backed, deterministic chain of blocks sealed by a dev authority key, shaped like
// a Substrate chain (SCALE, BLAKE2b-256 block hashes, version-4 signed extrinsics), produced on
// demand, on an interval, or at once for each transaction ("instant seal").
//
// Thread-safe: any number of threads may call any method of a Chain.
#ifndef DDC_CHAIN_H_
#define DDC_CHAIN_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc::chain {

using AccountId = PublicKey;  // An ed25519 public key, as Substrate's AccountId32.

inline constexpr size_t kMaxRemarkBytes = 4096;
inline constexpr size_t kMaxNodeAddressBytes = 256;
inline constexpr uint8_t kMaxReplicationFactor = 16;
inline constexpr size_t kMaxUsageAggregates = 4096;  // Buckets in one usage report.

enum class NodeMode : uint8_t { kStorage = 1, kCache = 2, kFull = 3 };

struct ClusterParams {
  uint8_t replication_factor = 1;
  uint64_t price_per_gb_stored = 0;     // Units per GiB per era.
  uint64_t price_per_gb_delivered = 0;  // Units per GiB.
  uint64_t price_per_put = 0;
  uint64_t price_per_get = 0;
  bool operator==(const ClusterParams&) const = default;
};

struct ClusterNode {
  AccountId key{};
  std::string address;  // Where the node listens, e.g. "127.0.0.1:8080".
  NodeMode mode = NodeMode::kStorage;
  bool operator==(const ClusterNode&) const = default;
};

struct ClusterInfo {
  uint64_t id = 0;
  AccountId manager{};
  ClusterParams params;
  std::vector<ClusterNode> nodes;  // Sorted by key.
  bool operator==(const ClusterInfo&) const = default;
};

struct BucketInfo {
  uint64_t id = 0;
  AccountId owner{};
  uint64_t cluster = 0;
  bool is_public = true;
  bool operator==(const BucketInfo&) const = default;
};

struct AccountInfo {
  uint64_t free = 0;     // Spendable balance.
  uint64_t deposit = 0;  // Locked to pay for the account's buckets.
  uint32_t nonce = 0;    // Signed extrinsics applied so far.
  bool operator==(const AccountInfo&) const = default;
};

struct BlockRef {
  uint64_t number = 0;
  Hash32 hash{};
  uint64_t time_ms = 0;  // The block's Timestamp.set, Unix milliseconds.
  bool operator==(const BlockRef&) const = default;
};

struct ChainInfo {
  std::string name;  // "ddc-dev" for the dev chain.
  Hash32 genesis_hash{};
  BlockRef best;  // The newest produced (and, on the dev chain, final) block.
  uint32_t spec_version = 0;
  uint32_t transaction_version = 0;
  PublicKey authority{};  // The key sealing dev-chain blocks.
  uint64_t anchors = 0;
};

// A transaction included in a block.
struct Receipt {
  BlockRef block;
  uint32_t index = 0;  // Position of the extrinsic in its block.
  Hash32 hash{};       // BLAKE2b-256 of the extrinsic bytes.
  bool operator==(const Receipt&) const = default;
};

// Where a checkpoint was anchored.
struct AnchorInfo {
  Receipt receipt;
  AccountId submitter{};
  Hash32 remark_hash{};  // BLAKE2b-256 of the anchored bytes.
};

// Everything needed to check an anchor without the chain (docs/chain.md, "Anchors").
struct AnchorProof {
  std::string header;     // The sealed block header (SCALE).
  uint32_t count = 0;     // Extrinsics in the block.
  std::string extrinsic;  // The anchoring extrinsic, length-prefixed.
  uint32_t index = 0;
  std::vector<Hash32> path;    // Its RFC 9162 inclusion path in the extrinsics root.
  std::string time_extrinsic;  // The block's Timestamp.set inherent (index 0).
  std::vector<Hash32> time_path;
};

// A block as stored: its sealed header and its extrinsics, each SCALE-encoded
// (docs/chain.md, "Blocks").
struct RawBlock {
  BlockRef ref;
  std::string header;
  std::vector<std::string> extrinsics;  // Each length-prefixed.
};

// One bucket's usage on one node in one era: a leaf of a usage report.
struct UsageAggregate {
  uint64_t bucket = 0;
  uint64_t stored_bytes = 0;     // Bytes newly stored for the bucket.
  uint64_t delivered_bytes = 0;  // Bytes served from the bucket.
  uint64_t puts = 0;
  uint64_t gets = 0;
  bool operator==(const UsageAggregate&) const = default;
};

// A node's usage report for an era, as the chain recorded and charged it.
struct UsageReport {
  AccountId node{};
  uint32_t era = 0;
  uint64_t cluster = 0;
  Hash32 root{};  // RFC 9162 root over the aggregates' leaves (UsageLeaf), in bucket order.
  std::vector<UsageAggregate> aggregates;
  uint64_t charged = 0;   // Taken from the bucket owners' deposits into the era's escrow.
  uint64_t unpaid = 0;    // What the deposits could not cover.
  bool paid_out = false;  // The cluster's era was paid out (the escrow went to the nodes).
  Receipt receipt;
};

// A genesis account and what it starts with.
struct GenesisAccount {
  AccountId account{};
  uint64_t free = 0;
};

struct Genesis {
  std::vector<GenesisAccount> accounts;
  // Created by their managers/owners in block 0 (which must be genesis accounts).
  std::vector<ClusterInfo> clusters;
  std::vector<BucketInfo> buckets;
  uint64_t time_ms = 0;  // Block 0's timestamp; 0 means the time of creation.
};

enum class BlockProduction : uint8_t {
  kInstant,   // Each accepted transaction is sealed in its own block before Submit returns.
  kInterval,  // A block every `block_interval_ms` when transactions wait (and on demand).
  kManual,    // Only ProduceBlock makes blocks (tests).
};

struct DevChainOptions {
  std::string dir;  // Created if missing; genesis is written on first open.
  Genesis genesis;  // Used only on first open.
  BlockProduction production = BlockProduction::kInstant;
  uint32_t block_interval_ms = 1000;
  // Seconds a Submit waits for its block under kInterval before answering Busy.
  uint32_t submit_timeout_ms = 30000;
};

class Chain {
 public:
  virtual ~Chain() = default;

  virtual Result<ChainInfo> Info() = 0;
  virtual Result<BlockRef> Block(uint64_t number) = 0;
  // NotFound for a hash that is not on this chain.
  virtual Result<BlockRef> BlockByHash(const Hash32& hash) = 0;
  virtual Result<RawBlock> ReadBlock(uint64_t number) = 0;

  // ---- State (as of the best block) ----
  virtual Result<AccountInfo> Account(const AccountId& account) = 0;
  virtual Result<BucketInfo> Bucket(uint64_t id) = 0;  // NotFound when absent.
  virtual Result<std::vector<BucketInfo>> Buckets() = 0;
  virtual Result<ClusterInfo> Cluster(uint64_t id) = 0;
  virtual Result<std::vector<ClusterInfo>> Clusters() = 0;

  // The nonce the account's next transaction must carry (counting those waiting for a block).
  virtual Result<uint32_t> NextNonce(const AccountId& account) = 0;
  // A signed extrinsic built elsewhere (a client's own signer): checked as any transaction and
  // returned once included. Failed with the reason when it does not apply.
  virtual Result<Receipt> SubmitExtrinsic(std::string_view extrinsic) = 0;
  // Where an included extrinsic is, by its BLAKE2b-256 hash; NotFound when it is not.
  virtual Result<Receipt> FindExtrinsic(const Hash32& hash) = 0;

  // ---- Transactions, each signed by `signer` and returned once included ----
  virtual Result<Receipt> Transfer(const KeyPair& signer, const AccountId& to, uint64_t amount) = 0;
  virtual Result<Receipt> CreateCluster(const KeyPair& manager, uint64_t id,
                                        const ClusterParams& params) = 0;
  virtual Result<Receipt> SetClusterParams(const KeyPair& manager, uint64_t id,
                                           const ClusterParams& params) = 0;
  virtual Result<Receipt> AddNode(const KeyPair& manager, uint64_t cluster,
                                  const ClusterNode& node) = 0;
  virtual Result<Receipt> RemoveNode(const KeyPair& manager, uint64_t cluster,
                                     const AccountId& node) = 0;
  virtual Result<Receipt> CreateBucket(const KeyPair& owner, uint64_t id, uint64_t cluster,
                                       bool is_public) = 0;
  virtual Result<Receipt> SetBucketPublic(const KeyPair& owner, uint64_t id, bool is_public) = 0;
  virtual Result<Receipt> RemoveBucket(const KeyPair& owner, uint64_t id) = 0;
  virtual Result<Receipt> Deposit(const KeyPair& account, uint64_t amount) = 0;
  virtual Result<Receipt> Withdraw(const KeyPair& account, uint64_t amount) = 0;

  // ---- Usage and payouts (docs/chain.md, "Usage and payouts") ----
  // A cluster node reports its per-bucket usage for `era` (sorted by bucket, no repeats, each
  // bucket in the node's cluster); the chain charges each owner's deposit by the cluster's
  // prices and holds the charges in the era's escrow.
  virtual Result<Receipt> ReportUsage(const KeyPair& node, uint32_t era,
                                      std::span<const UsageAggregate> aggregates) = 0;
  // NotFound when that node reported nothing for that era.
  virtual Result<UsageReport> GetUsageReport(const AccountId& node, uint32_t era) = 0;
  // The cluster's manager validates the era: each reporting node is paid what its reports
  // charged, so that payouts sum exactly to the charges.
  virtual Result<Receipt> Payout(const KeyPair& manager, uint64_t cluster, uint32_t era) = 0;

  // ---- Anchors ----
  // Anchors `checkpoint` (a signed checkpoint note, 1..kMaxRemarkBytes) as
  // System.remark_with_event signed by `node_key`.
  virtual Result<AnchorInfo> Anchor(const KeyPair& node_key, std::string_view checkpoint) = 0;
  // The first anchor of exactly these bytes; NotFound when never anchored.
  virtual Result<AnchorInfo> FindAnchor(std::string_view checkpoint) = 0;
  virtual Result<AnchorProof> ProveAnchor(const AnchorInfo& anchor) = 0;
  // Anchors in chain order from the `from`-th (0-based), at most `limit`.
  virtual Result<std::vector<AnchorInfo>> Anchors(uint64_t from, size_t limit) = 0;

  // Seals the waiting transactions in a block now (an empty block when none wait).
  virtual Result<BlockRef> ProduceBlock() = 0;
  // Stops block production; later calls fail.
  virtual Status Close() = 0;
};

Result<std::unique_ptr<Chain>> OpenDevChain(const DevChainOptions& options);

// A usage report's leaf data (SCALE: bucket, stored, delivered, puts, gets as u64) and the
// RFC 9162 root and inclusion path over a report's leaves.
std::string UsageLeaf(const UsageAggregate& aggregate);
Hash32 UsageRoot(std::span<const UsageAggregate> aggregates);
std::vector<Hash32> UsagePath(std::span<const UsageAggregate> aggregates, size_t index);
// True when `aggregate` is leaf `index` of `count` under `root`.
bool VerifyUsageLeaf(const Hash32& root, uint64_t count, uint64_t index,
                     const UsageAggregate& aggregate, std::span<const Hash32> path);
// What one aggregate costs at `params`: stored and delivered bytes at the per-GiB prices
// (rounded down), puts and gets at theirs; saturates at 2^64 - 1.
uint64_t UsageCost(const UsageAggregate& aggregate, const ClusterParams& params);

// Checks, with nothing but the authority's public key, that `proof` shows `checkpoint` anchored
// by `submitter` in a block sealed by `authority`; returns that block.
Result<BlockRef> VerifyAnchorProof(const AnchorProof& proof, std::string_view checkpoint,
                                   const PublicKey& authority, const AccountId& submitter);

}  // namespace ddc::chain

#endif  // DDC_CHAIN_H_
