// Encryption as a service: ddc-node seals and opens events with keys it holds in its keystore,
// for callers that send plain JSON and name a key (docs/node.md, "Encryption as a service").
//
// POST /v1/buckets/{bucket}/seal takes {"signer","id","type","policy","data"} (and optionally
// "time_ms", "prev", "append"), builds the event with EventBuilder under the master keys the
// node holds for (bucket, user) — the user's, else the bucket's — signs it with the node-held
// user key sign/bucket-<bucket>/<signer>, and appends it (or only returns it). Keys missing on
// first use are created: the user's signing key and master key (version 1).
//
// POST /v1/buckets/{bucket}/open takes {"cid"} (a stored event) or {"event": base64 bytes} and
// answers the merged JSON of the scopes the node's keys open, with each scope's outcome.
//
// Access control (access.h) asks for the "seal" and "open" operations. Thread-safe (the
// keystore serializes its calls).
#ifndef DDC_NODE_SERVER_CRYPTO_SERVICE_H_
#define DDC_NODE_SERVER_CRYPTO_SERVICE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ddc/keystore.h"
#include "ddc/store.h"
#include "node/server/http_server.h"

namespace ddc::node {

// The keystore name of the node-held signing key of `signer` in `bucket`.
std::string ServiceSignerKeyName(uint64_t bucket, std::string_view signer);

// The handlers, after the access check. `keys` may be null (the node holds no keystore): both
// then answer 501 no_keystore.
Response SealEvent(Store* store, KeyStore* keys, const Request& request, uint64_t bucket);
Response OpenEvent(Store* store, KeyStore* keys, const Request& request, uint64_t bucket);

}  // namespace ddc::node

#endif  // DDC_NODE_SERVER_CRYPTO_SERVICE_H_
