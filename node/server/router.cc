#include "node/server/router.h"

#include <span>
#include <stdexcept>
#include <utility>

namespace ddc::node {

namespace http = boost::beast::http;

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// "{name...}": a parameter that takes the rest of the path.
bool IsRestParameter(std::string_view segment) {
  return segment.size() > 5 && segment.front() == '{' && segment.ends_with("...}");
}

// The name of a parameter segment: "cid" for "{cid}", "path" for "{path...}".
std::string_view ParameterName(std::string_view segment, bool rest) {
  return segment.substr(1, segment.size() - (rest ? 5 : 2));
}

// Captures the segments a "{name...}" parameter takes into `out`, each percent-decoded, joined
// by '/'; false when one is empty or has a bad escape.
bool CaptureRest(std::span<const std::string_view> segments, std::string* out) {
  std::string decoded;
  for (const std::string_view segment : segments) {
    if (segment.empty() || !PercentDecode(segment, false, &decoded)) return false;
    if (!out->empty()) out->push_back('/');
    out->append(decoded);
  }
  return true;
}

// Parses "a=1&b=2" into `out`; false on a bad escape.
bool ParseQuery(std::string_view query, std::map<std::string, std::string, std::less<>>* out) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string key;
    std::string value;
    if (!PercentDecode(pair.substr(0, eq), true, &key)) return false;
    if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, &value)) {
      return false;
    }
    out->insert_or_assign(std::move(key), std::move(value));
  }
  return true;
}

}  // namespace

const std::string& RouteParams::Path(std::string_view name) const {
  static const std::string kEmpty;
  const auto it = path.find(name);
  return it == path.end() ? kEmpty : it->second;
}

const std::string* RouteParams::Query(std::string_view name) const {
  const auto it = query.find(name);
  return it == query.end() ? nullptr : &it->second;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.starts_with('/')) path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = HexDigit(in[i + 1]);
      const int lo = HexDigit(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

void Router::Add(http::verb method, std::string_view pattern, RouteHandler handler) {
  Route route{method, {}, false, std::move(handler)};
  const std::vector<std::string_view> segments = SplitPath(pattern);
  for (size_t i = 0; i < segments.size(); ++i) {
    if (IsRestParameter(segments[i])) {
      if (i + 1 != segments.size()) {
        throw std::invalid_argument("route " + std::string(pattern) + ": " +
                                    std::string(segments[i]) + " must be the last segment");
      }
      route.rest = true;
    }
    route.segments.emplace_back(segments[i]);
  }
  routes_.push_back(std::move(route));
}

Response Router::Dispatch(const Request& request) const {
  const std::string_view target = request.target();
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::vector<std::string_view> segments = SplitPath(path);
  std::string allow;
  for (const Route& route : routes_) {
    // A rest parameter takes one or more segments; every other segment exactly one.
    const size_t fixed = route.segments.size() - (route.rest ? 1 : 0);
    if (route.rest ? segments.size() <= fixed : segments.size() != fixed) continue;
    RouteParams params;
    bool match = true;
    if (route.rest) {
      std::string value;
      match = CaptureRest(std::span(segments).subspan(fixed), &value);
      if (match) {
        params.path.emplace(ParameterName(route.segments.back(), true), std::move(value));
      }
    }
    for (size_t i = 0; i < fixed && match; ++i) {
      const std::string& want = route.segments[i];
      if (IsParameter(want)) {
        std::string value;
        match = !segments[i].empty() && PercentDecode(segments[i], false, &value);
        if (match) params.path.emplace(ParameterName(want, false), std::move(value));
      } else {
        match = want == segments[i];
      }
    }
    if (!match) continue;
    if (route.method != request.method()) {
      const std::string_view name = http::to_string(route.method);
      if (allow.find(name) == std::string::npos) {
        if (!allow.empty()) allow += ", ";
        allow += name;
      }
      continue;
    }
    if (question != std::string_view::npos &&
        !ParseQuery(target.substr(question + 1), &params.query)) {
      return ErrorResponse(http::status::bad_request, "bad_query",
                           "the query string has a malformed %-escape");
    }
    return route.handler(request, params);
  }
  if (!allow.empty()) {
    Response response = ErrorResponse(http::status::method_not_allowed, "method_not_allowed",
                                      std::string(request.method_string()) + " is not allowed on " +
                                          std::string(path) + "; allowed: " + allow);
    response.set(http::field::allow, allow);
    return response;
  }
  return ErrorResponse(http::status::not_found, "not_found", "no route for " + std::string(path));
}

}  // namespace ddc::node
