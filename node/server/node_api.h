// The DDC API routes of ddc-node over one Store (docs: node.md, openapi.yaml).
//
// Every handler is a thin translation: parse the path, query and body, call the Store, map its
// Status to an HTTP status with StatusResponse(). Handlers block on the store (a group commit
// takes milliseconds), which the server allows (http_server.h). Thread-safe, as the Store is.
#ifndef DDC_NODE_SERVER_NODE_API_H_
#define DDC_NODE_SERVER_NODE_API_H_

#include <boost/beast/http/status.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string_view>

#include "ddc/keystore.h"
#include "ddc/status.h"
#include "ddc/store.h"
#include "node/server/access.h"
#include "node/server/http_server.h"
#include "node/server/router.h"
#include "node/server/routes.h"

namespace ddc::node {

class Metrics;

// Timeline pages: `limit` defaults to this and may not exceed the maximum.
inline constexpr uint32_t kDefaultTimelineLimit = 100;
inline constexpr uint32_t kMaxTimelineLimit = 1000;
// Events in one POST .../events:batch at most (the store's group-commit bound); a node may set
// a lower bound (NodeServices::max_batch_events).
inline constexpr uint32_t kMaxBatchRequestEvents = kMaxGroupRecords;

// The one place a Status becomes an HTTP status: NotFound 404, InvalidArgument 400,
// Conflict 409, Erased 410, PermissionDenied 403, Busy 503, NoSpace 507, NotSupported 501,
// everything else (Failed, IOError, Corruption) 500.
boost::beast::http::status HttpStatusOf(const Status& status);
// The JSON error code of a Status ("not_found", "invalid_argument", ...).
std::string_view ErrorCodeOf(const Status& status);
// ErrorResponse(HttpStatusOf(s), ErrorCodeOf(s), s.message()). REQUIRES: !status.ok().
Response StatusResponse(const Status& status);
// `body` as application/json (invalid UTF-8 in strings replaced, never thrown).
Response JsonResponse(boost::beast::http::status status, const nlohmann::json& body);
// A decimal unsigned 64-bit number and nothing else (no sign, no spaces).
std::optional<uint64_t> ParseU64(std::string_view text);

// What the routes use besides the store. Not owned; each must outlive the router.
struct NodeServices {
  // The registered buckets. Null: an in-memory directory of the routes' own.
  BucketDirectory* buckets = nullptr;
  // Who may do what. Null: no access control (every request is allowed).
  AccessControl* access = nullptr;
  // The keys of the seal and open service (crypto_service.h). Null: those routes answer 501.
  KeyStore* keystore = nullptr;
  // Events in one POST .../events:batch, 1..kMaxBatchRequestEvents; more answer 413.
  uint32_t max_batch_events = kMaxBatchRequestEvents;
  // The counters of GET /metrics (and of usage reports). Null: the routes' own.
  Metrics* metrics = nullptr;
};

// Adds every route of kNodeRoutes (routes.h) to `router`, each timed and counted for
// GET /metrics. `store` is not owned and must outlive it. Throws std::logic_error when the
// handlers and kNodeRoutes disagree (a programming error, caught by any test that starts a node).
void AddNodeRoutes(Router* router, Store* store, NodeServices services = {});

// The (method, pattern) pairs AddNodeRoutes registers, in registration order: kNodeRoutes.
std::span<const RouteSpec> NodeRoutes();

}  // namespace ddc::node

#endif  // DDC_NODE_SERVER_NODE_API_H_
