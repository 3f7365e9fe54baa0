// The chain's JSON-RPC 2.0 interface at POST /rpc (docs/chain.md, "JSON-RPC"): Substrate's
// method names and shapes (system_*, chain_*, state_getRuntimeVersion, system_accountNextIndex,
// author_submitExtrinsic) plus ddc_* queries of the dev runtime's state, so that other nodes,
// the CLI and Substrate tooling use one ddc-node's dev chain.
#ifndef DDC_NODE_SERVER_CHAIN_RPC_H_
#define DDC_NODE_SERVER_CHAIN_RPC_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "ddc/chain.h"

namespace ddc::node {

// JSON-RPC error codes: the protocol's, and Substrate's for a refused transaction.
inline constexpr int kRpcParseError = -32700;
inline constexpr int kRpcInvalidRequest = -32600;
inline constexpr int kRpcMethodNotFound = -32601;
inline constexpr int kRpcInvalidParams = -32602;
inline constexpr int kRpcInternalError = -32603;
inline constexpr int kRpcInvalidTransaction = 1010;
inline constexpr int kRpcNotFound = 4004;  // ddc_*: what was asked for does not exist.
inline constexpr size_t kMaxRpcBatch = 256;

// Answers one JSON-RPC request body (an object, or a batch array) against `chain`; the reply
// body, or empty when every request was a notification (no "id"). Never throws.
std::string HandleChainRpc(chain::Chain* chain, std::string_view body);

}  // namespace ddc::node

#endif  // DDC_NODE_SERVER_CHAIN_RPC_H_
