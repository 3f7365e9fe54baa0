#include "node/server/web_routes.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "engine/base/hash.h"
#include "engine/timeline/base64.h"
#include "node/server/http_server.h"
#include "node/server/router.h"

namespace ddc::node {

namespace http = boost::beast::http;

namespace {

// What a page may load: only the node's own origin. Swagger UI sets style attributes and shows
// data: images; the viewer's inline import map is allowed by its hash (added per page).
constexpr std::string_view kPagePolicy =
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'; script-src 'self'";

struct Served {
  std::string_view bytes;
  std::string_view content_type;
  std::string etag;
  std::string policy;  // Content-Security-Policy of an HTML page; "" for other files.
};

// FNV-1a, 64 bits: enough to tell two versions of a file apart for revalidation.
std::string Etag(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  char text[20];
  std::snprintf(text, sizeof(text), "\"%016llx\"", static_cast<unsigned long long>(h));
  return text;
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// kPagePolicy plus a 'sha256-...' source for each inline <script> of `html` (a <script> tag
// without a src attribute), so that exactly those run.
std::string PagePolicy(std::string_view html) {
  std::string policy(kPagePolicy);
  for (size_t at = html.find("<script"); at != std::string_view::npos;
       at = html.find("<script", at + 1)) {
    const size_t open_end = html.find('>', at);
    if (open_end == std::string_view::npos) break;
    if (html.substr(at, open_end - at).find(" src=") != std::string_view::npos) continue;
    const size_t close = html.find("</script>", open_end);
    if (close == std::string_view::npos) break;
    const std::string_view body = html.substr(open_end + 1, close - open_end - 1);
    policy += " 'sha256-" + timeline::Base64Encode(Sha256({Bytes(body)})) + "'";
  }
  return policy;
}

Response Serve(const Served& file, const Request& request) {
  if (request[http::field::if_none_match] == file.etag) {
    Response response = MakeResponse(http::status::not_modified, "", file.content_type);
    response.set(http::field::etag, file.etag);
    response.set(http::field::cache_control, "no-cache");
    return response;
  }
  Response response = MakeResponse(http::status::ok, std::string(file.bytes), file.content_type);
  response.set(http::field::etag, file.etag);
  response.set(http::field::cache_control, "no-cache");
  response.set("X-Content-Type-Options", "nosniff");
  if (!file.policy.empty()) {
    response.set("Content-Security-Policy", file.policy);
    response.set("Referrer-Policy", "no-referrer");
  }
  return response;
}

}  // namespace

std::string_view ContentTypeOf(std::string_view path) {
  if (path == "/" || path == "/docs") return "text/html; charset=utf-8";
  const size_t slash = path.rfind('/');
  const std::string_view name = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  // The npm packages' license files: "LICENSE", "NOTICE", "LICENSE-MIT", "LICENSE.md", ...
  if (name.starts_with("LICENSE") || name.starts_with("NOTICE")) return "text/plain; charset=utf-8";
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return "";
  static const std::map<std::string_view, std::string_view, std::less<>> kTypes = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"json", "application/json"},
      {"yaml", "application/yaml"},
      {"txt", "text/plain; charset=utf-8"},
      {"md", "text/markdown; charset=utf-8"},
  };
  const auto it = kTypes.find(name.substr(dot + 1));
  return it == kTypes.end() ? "" : it->second;
}

std::span<const RouteSpec> WebRoutes() { return kWebRoutes; }

void AddWebRoutes(Router* router) {
  auto files = std::make_shared<std::map<std::string, Served, std::less<>>>();
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    const std::string_view type = ContentTypeOf(f.path);
    if (type.empty()) {
      throw std::logic_error("embedded file " + std::string(f.path) + " has no Content-Type");
    }
    Served served{f.bytes, type, Etag(f.bytes), ""};
    if (type.starts_with("text/html")) served.policy = PagePolicy(f.bytes);
    files->emplace(std::string(f.path), std::move(served));
  }
  // One handler for the pages, whose route is their path.
  auto page = [files](std::string_view path) {
    const auto it = files->find(path);
    if (it == files->end()) throw std::logic_error("no embedded file for " + std::string(path));
    return [files, file = &it->second](const Request& r, const RouteParams&) {
      return Serve(*file, r);
    };
  };
  for (const RouteSpec& spec : kWebRoutes) {
    if (spec.pattern == "/assets/{path...}") {
      router->Add(http::verb::get, spec.pattern, [files](const Request& r, const RouteParams& p) {
        const std::string path = "/assets/" + p.Path("path");
        const auto it = files->find(path);
        if (it == files->end()) {
          return ErrorResponse(http::status::not_found, "not_found",
                               "the node serves no file " + path);
        }
        return Serve(it->second, r);
      });
    } else {
      router->Add(http::verb::get, spec.pattern, page(spec.pattern));
    }
  }
}

}  // namespace ddc::node
