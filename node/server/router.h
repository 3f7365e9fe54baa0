// Router: dispatches requests by method and path pattern.
//
// A pattern is a path of segments; a segment "{name}" matches any one non-empty segment and
// captures it, percent-decoded, as parameter `name` (other segments match literally, so
// "events:batch" is a literal segment). A last segment "{name...}" matches the rest of the
// path: one or more non-empty segments, captured percent-decoded and joined by '/' (so
// "/assets/{path...}" captures "css/a b.css" from "/assets/css/a%20b.css"; an escaped "%2F"
// decodes to '/' like any other escape). Patterns are tried in the order they were added.
// An unknown path answers 404 not_found; a known path with another method answers
// 405 method_not_allowed with an Allow header listing the methods the path has.
//
// Thread safety: Add() before serving; Dispatch() is then const and may run on many threads.
#ifndef DDC_NODE_SERVER_ROUTER_H_
#define DDC_NODE_SERVER_ROUTER_H_

#include <boost/beast/http/verb.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "node/server/http_server.h"

namespace ddc::node {

// Path parameters and query parameters of one request, percent-decoded.
struct RouteParams {
  std::map<std::string, std::string, std::less<>> path;
  std::map<std::string, std::string, std::less<>> query;

  // The path parameter `name` ("" when absent; a matched route always has its own).
  const std::string& Path(std::string_view name) const;
  // The query parameter `name`, or nullptr when absent.
  const std::string* Query(std::string_view name) const;
};

class Router {
 public:
  using RouteHandler = std::function<Response(const Request&, const RouteParams&)>;

  // Throws std::invalid_argument for a "{name...}" segment that is not the pattern's last.
  void Add(boost::beast::http::verb method, std::string_view pattern, RouteHandler handler);
  Response Dispatch(const Request& request) const;

 private:
  struct Route {
    boost::beast::http::verb method;
    std::vector<std::string> segments;
    bool rest = false;  // The last segment is "{name...}".
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

// Splits "/a/b/c" into {"a","b","c"} (empty segments kept, so "/a//b" does not match "/a/b").
std::vector<std::string_view> SplitPath(std::string_view path);
// Decodes %XX escapes (and '+' as a space when `plus_is_space`); false on a bad escape.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out);

}  // namespace ddc::node

#endif  // DDC_NODE_SERVER_ROUTER_H_
