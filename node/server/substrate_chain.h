// A Chain (include/ddc/chain.h) on a real Substrate chain — Cere mainnet or testnet, or any
// Substrate chain by URL — reached over JSON-RPC (HTTP or WebSocket, rpc_client.h). It reads
// the chain's runtime version and metadata, and anchors a checkpoint as
// System.remark_with_event of its bytes, signed with the node key (ed25519 MultiSignature)
// under the runtime's signed extensions, with the pallet and call indices the metadata gives;
// a runtime upgrade (a new spec version) reloads the metadata before the next transaction.
//
// What it answers (docs/chain.md, "Substrate chains"):
//   Info, Block, BlockByHash, ReadBlock   from the chain's finalized blocks; block time from
//                                         the block's Timestamp.set inherent; each header is
//                                         re-encoded and must hash to the block's hash
//   Account, NextNonce                    System.Account storage, system_accountNextIndex
//   SubmitExtrinsic, Anchor               author_submitExtrinsic, then the finalized blocks are
//                                         read until one includes the extrinsic (or its era of
//                                         `mortality` blocks ends: Failed)
//   FindAnchor, Anchors                   the anchors this node made, kept in `anchors_file`
// Buckets, clusters, deposits, usage and payouts live in Cere's DDC pallets, whose calls this
// client does not build: those methods answer NotSupported, as do ProveAnchor (a Substrate
// block's extrinsics root is a Patricia-Merkle trie, not the dev chain's RFC 9162 tree; the
// anchor is as final as the RPC node's finalized head says) and ProduceBlock.
//
// Thread-safe: transactions are submitted one at a time.
#ifndef DDC_NODE_SERVER_SUBSTRATE_CHAIN_H_
#define DDC_NODE_SERVER_SUBSTRATE_CHAIN_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ddc/chain.h"
#include "node/server/rpc_client.h"

namespace ddc::node {

struct SubstrateChainOptions {
  std::string url;  // http(s):// or ws(s)://, or what SubstrateChainUrl accepts.
  RpcClientOptions rpc;
  // Where this node's anchors are recorded (created if missing; one line per anchor, synced).
  // Empty: kept in memory only.
  std::string anchors_file;
  // Reads anchors_file (which must exist) without changing it; Anchor fails (ddc verify).
  bool anchors_read_only = false;
  // Blocks a transaction stays valid for (its mortal era), from the finalized head.
  uint32_t mortality = 64;
  // How often the finalized head is read while waiting for a transaction.
  uint32_t poll_interval_ms = 2000;
  // Longest wait for a transaction to be finalized (it may be refused sooner: era ended).
  uint32_t inclusion_timeout_ms = 300'000;
  // Called with each step of a long wait ("waiting for finalization: block N").
  std::function<void(std::string_view line)> log;
};

// "cere-mainnet" and "cere-testnet" name Cere's public archive nodes (WebSocket over TLS).
std::optional<std::string> SubstratePresetUrl(std::string_view name);

// The RPC URL `mode` (ddc-node --chain, ddc verify --chain) names when it names a Substrate
// chain: a preset, a ws:// or wss:// URL, or "substrate:" followed by any RPC URL; nullopt for
// anything else ("dev", "off", the http:// of a ddc-node's chain).
std::optional<std::string> SubstrateChainUrl(std::string_view mode);

// Connects, reads the genesis hash, runtime version and metadata, and loads the anchors file.
// Fails naming what went wrong: the endpoint unreachable, metadata this client cannot use
// (a runtime without System.remark_with_event or with a signed extension it cannot fill in),
// an anchors file of another chain or damaged before its last line.
Result<std::unique_ptr<chain::Chain>> OpenSubstrateChain(const SubstrateChainOptions& options);

// Checks `anchor` (from FindAnchor or Anchors of a chain OpenSubstrateChain opened) against
// the chain as it is now: block `number` is finalized and has the recorded hash and time, its
// extrinsic at `index` has the recorded hash and is System.remark_with_event of exactly
// `checkpoint`'s bytes signed by the recorded submitter. (The chain checked the signature when
// it included the extrinsic.) Failed naming the first difference; InvalidArgument when `chain`
// is not a Substrate chain.
Status VerifySubstrateAnchor(chain::Chain* chain, const chain::AnchorInfo& anchor,
                             std::string_view checkpoint);

}  // namespace ddc::node

#endif  // DDC_NODE_SERVER_SUBSTRATE_CHAIN_H_
