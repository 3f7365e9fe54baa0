// The route table of ddc-node: every (method, pattern) AddNodeRoutes registers, in order.
//
// Header-only and free of dependencies so that a test can compare it with docs/openapi.yaml
// without linking the server. AddNodeRoutes (node_api.cc) refuses to register a route that is
// not listed here and checks that it registered every one, so the table cannot drift from
// what the node serves.
#ifndef DDC_NODE_SERVER_ROUTES_H_
#define DDC_NODE_SERVER_ROUTES_H_

#include <array>
#include <string_view>

namespace ddc::node {

struct RouteSpec {
  std::string_view method;   // Upper case, as on the request line.
  std::string_view pattern;  // Router syntax: "{name}" segments are parameters.
};

inline constexpr std::array kNodeRoutes = {
    RouteSpec{"GET", "/health"},
    RouteSpec{"GET", "/metrics"},
    RouteSpec{"GET", "/v1/node"},
    RouteSpec{"GET", "/v1/buckets"},
    RouteSpec{"GET", "/v1/buckets/{bucket}"},
    RouteSpec{"PUT", "/v1/buckets/{bucket}"},
    RouteSpec{"GET", "/v1/buckets/{bucket}/users"},
    RouteSpec{"POST", "/v1/buckets/{bucket}/events"},
    RouteSpec{"POST", "/v1/buckets/{bucket}/events:batch"},
    RouteSpec{"POST", "/v1/buckets/{bucket}/seal"},
    RouteSpec{"POST", "/v1/buckets/{bucket}/open"},
    RouteSpec{"PUT", "/v1/buckets/{bucket}/names/{name...}"},
    RouteSpec{"GET", "/v1/buckets/{bucket}/names/{name...}"},
    RouteSpec{"GET", "/v1/buckets/{bucket}/names"},
    RouteSpec{"GET", "/v1/events/{cid}"},
    RouteSpec{"GET", "/v1/events/{cid}/proof"},
    RouteSpec{"GET", "/v1/buckets/{bucket}/users/{user}/timeline"},
    RouteSpec{"GET", "/v1/buckets/{bucket}/users/{user}/consistency"},
    RouteSpec{"GET", "/v1/journal/consistency"},
    RouteSpec{"PUT", "/v1/blobs"},
    RouteSpec{"GET", "/v1/blobs/{cid}"},
    RouteSpec{"GET", "/v1/checkpoints"},
    RouteSpec{"POST", "/v1/checkpoints"},
    RouteSpec{"POST", "/v1/erase"},
    RouteSpec{"POST", "/v1/grants"},
    RouteSpec{"GET", "/v1/grants"},
};

}  // namespace ddc::node

#endif  // DDC_NODE_SERVER_ROUTES_H_
