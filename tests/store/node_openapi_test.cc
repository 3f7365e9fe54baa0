// docs/openapi.yaml against ddc-node's route table: every route the node serves is documented
// and every documented route is served. The table (node/server/routes.h) is what AddNodeRoutes
// registers; as the tests here cannot link the server, they also start the real node and call
// each documented route with its documented method, expecting neither the router's 404 ("no
// route for") nor a 405.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "node/server/chain_routes.h"
#include "node/server/routes.h"
#include "node/server/web_routes.h"
#include "tests/store/node_test_util.h"
#include "tests/test_util.h"

namespace ddc::test {
namespace {

using MethodPath = std::pair<std::string, std::string>;  // ("GET", "/v1/...").

size_t Indent(const std::string& line) {
  const size_t first = line.find_first_not_of(' ');
  return first == std::string::npos ? line.size() : first;
}

// The key of a "key:" line (without its indentation, quotes and trailing colon), or "" when
// the line is not a bare key.
std::string KeyOf(const std::string& line) {
  std::string key = line.substr(Indent(line));
  if (key.empty() || key.back() != ':') return "";
  key.pop_back();
  if (key.size() >= 2 && (key.front() == '\'' || key.front() == '"') && key.back() == key.front()) {
    key = key.substr(1, key.size() - 2);
  }
  return key;
}

// (METHOD, path) of every operation under `paths:`: paths are the keys two spaces in, methods
// the HTTP-verb keys four spaces in under them.
std::set<MethodPath> DocumentedRoutes(const std::string& yaml) {
  static const std::set<std::string> kVerbs = {"get",   "put",  "post",    "delete",
                                               "patch", "head", "options", "trace"};
  std::set<MethodPath> routes;
  std::istringstream in(yaml);
  std::string line;
  bool in_paths = false;
  std::string path;
  while (std::getline(in, line)) {
    if (line.empty() || line.substr(Indent(line)).starts_with('#')) continue;
    const size_t indent = Indent(line);
    if (indent == 0) {
      in_paths = line == "paths:";
      continue;
    }
    if (!in_paths) continue;
    const std::string key = KeyOf(line);
    if (indent == 2) {
      path = key;
      EXPECT_TRUE(path.starts_with('/')) << "not a path under paths: " << line;
    } else if (indent == 4 && kVerbs.contains(key)) {
      std::string method = key;
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      routes.emplace(method, path);
    }
  }
  return routes;
}

// The API's routes and the pages' (web_routes.h); a router "{name...}" segment is written
// "{name}" in OpenAPI.
std::set<MethodPath> ServedRoutes() {
  std::set<MethodPath> routes;
  auto add = [&](const node::RouteSpec& r) {
    std::string pattern(r.pattern);
    if (const size_t dots = pattern.find("...}"); dots != std::string::npos) {
      pattern.erase(dots, 3);
    }
    EXPECT_TRUE(routes.emplace(std::string(r.method), pattern).second)
        << "registered twice: " << r.method << " " << r.pattern;
  };
  for (const node::RouteSpec& r : node::kNodeRoutes) add(r);
  for (const node::RouteSpec& r : node::kWebRoutes) add(r);
  for (const node::RouteSpec& r : node::kChainRoutes) add(r);
  return routes;
}

std::string ReadDoc() {
  std::ifstream in(std::string(DDC_SOURCE_DIR) + "/docs/openapi.yaml");
  EXPECT_TRUE(in.good()) << "docs/openapi.yaml not found";
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(NodeOpenApiTest, TheReaderFindsPathsAndMethods) {
  const std::set<MethodPath> got = DocumentedRoutes(
      "openapi: 3.1.0\n"
      "paths:\n"
      "  /a:\n"
      "    parameters:\n"
      "      - name: x\n"
      "    get:\n"
      "      responses:\n"
      "        '200': {description: ok}\n"
      "    post:\n"
      "      description: not a method key\n"
      "  '/b/{c}:batch':\n"
      "    put:\n"
      "components:\n"
      "  /notapath:\n"
      "    get:\n");
  EXPECT_EQ(got, (std::set<MethodPath>{{"GET", "/a"}, {"POST", "/a"}, {"PUT", "/b/{c}:batch"}}));
}

TEST(NodeOpenApiTest, EveryServedRouteIsDocumentedAndEveryDocumentedOneServed) {
  const std::set<MethodPath> documented = DocumentedRoutes(ReadDoc());
  const std::set<MethodPath> served = ServedRoutes();
  ASSERT_FALSE(documented.empty());
  for (const MethodPath& r : served) {
    EXPECT_TRUE(documented.contains(r))
        << r.first << " " << r.second << " is served but not in docs/openapi.yaml";
  }
  for (const MethodPath& r : documented) {
    EXPECT_TRUE(served.contains(r))
        << r.first << " " << r.second << " is in docs/openapi.yaml but not served";
  }
}

// The running node answers every documented route with its method: the table is what it serves.
TEST(NodeOpenApiTest, TheRunningNodeRoutesEveryDocumentedOperation) {
  TempDir dir;
  Node node(dir.Sub("data"));
  ASSERT_NE(node.port(), 0) << node.log();
  const std::string user(64, 'a');
  const std::string cid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
  for (const auto& [method, pattern] : DocumentedRoutes(ReadDoc())) {
    std::string target = pattern;
    for (const auto& [param, value] : std::vector<std::pair<std::string, std::string>>{
             {"{bucket}", "7"}, {"{user}", user}, {"{cid}", cid}}) {
      for (size_t at = target.find(param); at != std::string::npos; at = target.find(param)) {
        target.replace(at, param.size(), value);
      }
    }
    const HttpResponse r = Call(node.port(), method, target);
    ASSERT_NE(r.status, 0) << method << " " << target;
    EXPECT_NE(r.status, 405) << method << " " << target << ": " << r.body;
    if (r.status == 404) {
      EXPECT_FALSE(r.json()["error"]["message"].get<std::string>().starts_with("no route for"))
          << method << " " << target << " is documented but not routed";
    }
  }
}

}  // namespace
}  // namespace ddc::test
