// The routes of ddc-node's pages (node/server/web_routes.h) and the router's "{name...}"
// segments they use (node/server/router.h), driven through Router::Dispatch in-process:
//   - a rest segment takes one or more non-empty segments, percent-decoded and joined by '/',
//     may only end a pattern, and leaves "{name}" segments and route order as they were;
//   - every embedded file is served at its path with the Content-Type of its extension, its
//     bytes, an ETag that revalidates to 304 and "Cache-Control: no-cache";
//   - HTML pages carry a Content-Security-Policy of the node's origin only, name no http(s)://
//     URL, and every file they reference (src, href, import map) is one the node serves;
//   - /openapi.yaml is docs/openapi.yaml, and an unknown asset is a JSON 404.
#include "node/server/web_routes.h"

#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "node/server/router.h"

namespace ddc::node {
namespace {

namespace http = boost::beast::http;

Request Get(std::string_view target, std::string_view if_none_match = "") {
  Request request{http::verb::get, target, 11};
  if (!if_none_match.empty()) request.set(http::field::if_none_match, if_none_match);
  return request;
}

// A router whose handlers answer "<name>:<params>" in the body.
Router EchoRouter(std::initializer_list<std::pair<std::string_view, std::string_view>> routes) {
  Router router;
  for (const auto& [pattern, name] : routes) {
    router.Add(http::verb::get, pattern,
               [name = std::string(name)](const Request&, const RouteParams& params) {
                 std::string body = name;
                 for (const auto& [k, v] : params.path)
                   body.append(":").append(k).append("=").append(v);
                 return MakeResponse(http::status::ok, body, "text/plain");
               });
  }
  return router;
}

TEST(RouterRestTest, TakesOneOrMoreSegmentsDecodedAndJoined) {
  const Router router = EchoRouter({{"/assets/{path...}", "asset"}});
  EXPECT_EQ(router.Dispatch(Get("/assets/a.js")).body(), "asset:path=a.js");
  EXPECT_EQ(router.Dispatch(Get("/assets/npm/@noble/hashes/sha2.js")).body(),
            "asset:path=npm/@noble/hashes/sha2.js");
  EXPECT_EQ(router.Dispatch(Get("/assets/a%20b/c.css?x=1")).body(), "asset:path=a b/c.css");
  for (const char* target : {"/assets", "/assets/", "/assets/a//b", "/assets/a/", "/assets/%zz",
                             "/asset/a", "/x/assets/a"}) {
    EXPECT_EQ(router.Dispatch(Get(target)).result(), http::status::not_found) << target;
  }
}

TEST(RouterRestTest, OnlyEndsAPattern) {
  Router router;
  const auto handler = [](const Request&, const RouteParams&) { return Response(); };
  EXPECT_THROW(router.Add(http::verb::get, "/a/{rest...}/b", handler), std::invalid_argument);
  EXPECT_NO_THROW(router.Add(http::verb::get, "/a/{rest...}", handler));
}

TEST(RouterRestTest, LeavesSingleSegmentsAndOrderAsTheyWere) {
  const Router router = EchoRouter({{"/assets/fixed.js", "fixed"},
                                    {"/assets/{path...}", "rest"},
                                    {"/v1/events/{cid}", "event"},
                                    {"/v1/events/{cid}/proof", "proof"}});
  EXPECT_EQ(router.Dispatch(Get("/assets/fixed.js")).body(), "fixed");
  EXPECT_EQ(router.Dispatch(Get("/assets/other.js")).body(), "rest:path=other.js");
  EXPECT_EQ(router.Dispatch(Get("/v1/events/b%61fy")).body(), "event:cid=bafy");
  EXPECT_EQ(router.Dispatch(Get("/v1/events/x/proof")).body(), "proof:cid=x");
  EXPECT_EQ(router.Dispatch(Get("/v1/events/x/y")).result(), http::status::not_found);
  EXPECT_EQ(router.Dispatch(Get("/v1/events/")).result(), http::status::not_found);
  Request post = Get("/assets/a/b");
  post.method(http::verb::post);
  const Response refused = router.Dispatch(post);
  EXPECT_EQ(refused.result(), http::status::method_not_allowed);
  EXPECT_EQ(refused[http::field::allow], "GET");
}

// The media type each extension must be served with, written out here independently of
// ContentTypeOf.
std::string ExpectedType(std::string_view path) {
  if (path == "/" || path == "/docs") return "text/html; charset=utf-8";
  const std::string name(path.substr(path.rfind('/') + 1));
  if (name.starts_with("LICENSE") || name.starts_with("NOTICE")) return "text/plain; charset=utf-8";
  static const std::map<std::string, std::string> kByExtension = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"yaml", "application/yaml"},
      {"png", "image/png"},
      {"json", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
      {"md", "text/markdown; charset=utf-8"}};
  const size_t dot = name.rfind('.');
  const auto it =
      dot == std::string::npos ? kByExtension.end() : kByExtension.find(name.substr(dot + 1));
  return it == kByExtension.end() ? "(none)" : it->second;
}

class WebRoutesTest : public ::testing::Test {
 protected:
  WebRoutesTest() { AddWebRoutes(&router_); }
  Router router_;
};

TEST_F(WebRoutesTest, RegistersItsRouteTable) {
  ASSERT_EQ(WebRoutes().size(), kWebRoutes.size());
  for (size_t i = 0; i < kWebRoutes.size(); ++i) {
    EXPECT_EQ(WebRoutes()[i].method, "GET");
    EXPECT_EQ(WebRoutes()[i].pattern, kWebRoutes[i].pattern);
  }
  for (const char* target : {"/", "/docs", "/openapi.yaml", "/assets/viewer.js"}) {
    EXPECT_EQ(router_.Dispatch(Get(target)).result(), http::status::ok) << target;
  }
}

TEST_F(WebRoutesTest, ServesEveryEmbeddedFileWithItsTypeAndBytes) {
  ASSERT_GT(EmbeddedFiles().size(), 20u);
  std::set<std::string_view> paths;
  for (const EmbeddedFile& file : EmbeddedFiles()) {
    EXPECT_TRUE(paths.insert(file.path).second) << "embedded twice: " << file.path;
    EXPECT_FALSE(file.bytes.empty()) << file.path;
    const Response response = router_.Dispatch(Get(file.path));
    ASSERT_EQ(response.result(), http::status::ok) << file.path;
    EXPECT_EQ(response[http::field::content_type], ExpectedType(file.path)) << file.path;
    EXPECT_EQ(response.body(), file.bytes) << file.path;
    EXPECT_EQ(response[http::field::cache_control], "no-cache") << file.path;
    EXPECT_EQ(response["X-Content-Type-Options"], "nosniff") << file.path;
    const std::string etag(response[http::field::etag]);
    ASSERT_FALSE(etag.empty()) << file.path;
    const Response again = router_.Dispatch(Get(file.path, etag));
    EXPECT_EQ(again.result(), http::status::not_modified) << file.path;
    EXPECT_TRUE(again.body().empty()) << file.path;
    EXPECT_EQ(router_.Dispatch(Get(file.path, "\"other\"")).result(), http::status::ok);
  }
  for (const char* want : {"/", "/docs", "/openapi.yaml", "/assets/viewer.js",
                           "/assets/npm/swagger-ui-dist/swagger-ui-bundle.js",
                           "/assets/npm/@noble/hashes/blake2.js"}) {
    EXPECT_TRUE(paths.contains(want)) << want;
  }
}

TEST_F(WebRoutesTest, OpenApiIsTheDocument) {
  std::ifstream in(std::string(DDC_SOURCE_DIR) + "/docs/openapi.yaml", std::ios::binary);
  std::stringstream doc;
  doc << in.rdbuf();
  ASSERT_FALSE(doc.str().empty());
  EXPECT_EQ(router_.Dispatch(Get("/openapi.yaml")).body(), doc.str());
}

TEST_F(WebRoutesTest, AnUnknownAssetIsAJsonNotFound) {
  const Response response = router_.Dispatch(Get("/assets/npm/nothing.js"));
  EXPECT_EQ(response.result(), http::status::not_found);
  EXPECT_EQ(response[http::field::content_type], "application/json");
  EXPECT_NE(response.body().find("\"code\":\"not_found\""), std::string::npos);
  // Not the router's "no route for": the route exists (tests/store/node_openapi_test.cc).
  EXPECT_EQ(response.body().find("no route for"), std::string::npos);
}

// The targets of src="...", href="..." and the import map's "/..." values.
std::set<std::string> References(const std::string& html) {
  std::set<std::string> out;
  static const std::regex kAttribute(R"re((?:src|href)="([^"#]*)")re");
  static const std::regex kImport(R"re(:\s*"(/[^"]*)")re");
  for (const std::regex* re : {&kAttribute, &kImport}) {
    for (std::sregex_iterator it(html.begin(), html.end(), *re), end; it != end; ++it) {
      out.insert((*it)[1].str());
    }
  }
  return out;
}

TEST_F(WebRoutesTest, PagesLoadNothingFromOutsideTheNode) {
  std::set<std::string> served;
  for (const EmbeddedFile& file : EmbeddedFiles()) served.emplace(file.path);
  for (const char* page : {"/", "/docs"}) {
    const Response response = router_.Dispatch(Get(page));
    const std::string& html = response.body();
    EXPECT_EQ(html.find("http://"), std::string::npos) << page;
    EXPECT_EQ(html.find("https://"), std::string::npos) << page;
    const std::string policy(response["Content-Security-Policy"]);
    EXPECT_NE(policy.find("default-src 'self'"), std::string::npos) << page;
    EXPECT_NE(policy.find("connect-src 'self'"), std::string::npos) << page;
    EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << page;
    const std::set<std::string> references = References(html);
    EXPECT_FALSE(references.empty()) << page;
    for (const std::string& target : references) {
      if (target.empty()) continue;
      EXPECT_FALSE(target.starts_with("//")) << page << " loads " << target;
      EXPECT_TRUE(target.starts_with('/')) << page << " references " << target;
      // A prefix mapping of the import map ("/assets/npm/@noble/hashes/") must hold files.
      const bool found = target.ends_with('/') ? served.lower_bound(target) != served.end() &&
                                                     served.lower_bound(target)->starts_with(target)
                                               : served.contains(target);
      EXPECT_TRUE(found) << page << " references " << target << ", which the node does not serve";
    }
  }
  // The viewer's inline import map is the one inline script, allowed by its hash.
  const std::string policy(router_.Dispatch(Get("/"))["Content-Security-Policy"]);
  EXPECT_NE(policy.find("'sha256-"), std::string::npos);
  EXPECT_EQ(policy.find("'unsafe-inline'", policy.find("script-src")), std::string::npos);
}

}  // namespace
}  // namespace ddc::node
