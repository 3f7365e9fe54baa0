// The dev runtime's metadata (V14, as `state_getMetadata` returns it): the type registry, the
// pallets with their calls at the indices of calls.h, and the signed extensions of
// StandardExtensions(), so that a Substrate client — ours or @polkadot/api — builds and decodes
// the dev chain's transactions from metadata, as it would for a real chain.
#ifndef DDC_ENGINE_CHAIN_DEV_METADATA_H_
#define DDC_ENGINE_CHAIN_DEV_METADATA_H_

#include <string>

namespace ddc::chain {

// "meta" || 14 || registry || pallets || extrinsic || runtime type. The same bytes every call.
const std::string& DevRuntimeMetadata();

}  // namespace ddc::chain

#endif  // DDC_ENGINE_CHAIN_DEV_METADATA_H_
