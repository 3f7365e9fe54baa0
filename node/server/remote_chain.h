// A Chain (include/ddc/chain.h) reached over JSON-RPC: the dev chain another ddc-node serves at
// POST /rpc (chain_rpc.h), so that several nodes share one chain. Transactions are built and
// signed here, with the key given, and sent with author_submitExtrinsic; queries use the ddc_*
// methods. Thread-safe: one request at a time on one kept-alive connection.
#ifndef DDC_NODE_SERVER_REMOTE_CHAIN_H_
#define DDC_NODE_SERVER_REMOTE_CHAIN_H_

#include <memory>
#include <string>

#include "ddc/chain.h"

namespace ddc::node {

// `url` is "http://HOST:PORT" of a ddc-node serving its chain. Fails when it cannot be reached
// or does not answer ddc_info.
Result<std::unique_ptr<chain::Chain>> OpenRemoteChain(const std::string& url);

}  // namespace ddc::node

#endif  // DDC_NODE_SERVER_REMOTE_CHAIN_H_
