// libFuzzer target for the node's request path: the bytes of one HTTP/1.1 request are parsed
// with the node's header and body limits, then dispatched through the node's real routes
// (node/server/node_api.cc) against an in-memory store. Beyond "no crash, no sanitizer report"
// it checks the promises of docs/node.md: every answer has a known status, and every error
// answer (4xx, 5xx) is a JSON object {"error": {"status", "code", "message"}} whose status is
// the response's. Requests with credentials (Authorization or X-DDC-Key) go to a second set of
// routes over the same store with access control on, so that token and signature parsing is
// fuzzed too.
#include <array>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "ddc/store.h"
#include "engine/io/fault_file_system.h"
#include "node/server/node_api.h"
#include "node/server/router.h"

namespace {

namespace http = boost::beast::http;

constexpr uint32_t kHeaderLimit = 16 << 10;
constexpr uint64_t kBodyLimit = 1 << 20;

[[noreturn]] void Fail(const std::string& what, size_t size) {
  std::fprintf(stderr, "fuzz_http_request: %s for input of %zu bytes\n", what.c_str(), size);
  std::abort();
}

struct Node {
  ddc::io::FaultFileSystem fs;
  std::unique_ptr<ddc::Store> store;
  ddc::node::Router router;
  std::unique_ptr<ddc::node::BucketDirectory> buckets;
  std::unique_ptr<ddc::node::AccessControl> access;
  ddc::node::Router guarded;

  Node() {
    ddc::Options options;
    options.dir = "/fuzz";
    options.file_system = &fs;
    options.info_log = [](std::string_view) {};
    options.node_key_seed = std::string(32, 'n');
    auto opened = ddc::Store::Open(options);
    if (!opened.ok()) Fail("store: " + opened.status().ToString(), 0);
    store = std::move(*opened);
    ddc::node::AddNodeRoutes(&router, store.get());
    buckets = std::move(ddc::node::BucketDirectory::Open("")).value();
    // Bucket 7 is public and bucket 8 private, both owned by the key of seed 'o'...o.
    std::array<uint8_t, 32> seed;
    seed.fill('o');
    const ddc::KeyPair owner = ddc::KeyPair::FromSeed(seed);
    buckets->Declare(7, owner.public_key, true);
    buckets->Declare(8, owner.public_key, false);
    access = std::make_unique<ddc::node::AccessControl>(buckets.get(), ddc::node::AccessOptions{});
    ddc::node::NodeServices services;
    services.buckets = buckets.get();
    services.access = access.get();
    ddc::node::AddNodeRoutes(&guarded, store.get(), services);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Node* node = new Node();  // One store for the whole run; never destroyed.
  http::request_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kBodyLimit);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done()) return 0;
  const ddc::node::Request& request = parser.get();
  // Blob puts would grow the in-memory store without bound over a long run; everything else
  // (bucket registrations included) is dispatched.
  if (request.method() == http::verb::put && request.target().starts_with("/v1/blobs")) return 0;
  const bool credentials = request.find(http::field::authorization) != request.end() ||
                           request.find(ddc::node::kKeyHeader) != request.end();
  const ddc::node::Response response =
      (credentials ? node->guarded : node->router).Dispatch(request);
  const unsigned status = response.result_int();
  if (status < 200 || status > 599) Fail("status " + std::to_string(status), size);
  if (status >= 400) {
    const auto body = nlohmann::json::parse(response.body(), nullptr, /*allow_exceptions=*/false);
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) {
      Fail("error answer without a JSON error object: " + response.body(), size);
    }
    const auto& error = body["error"];
    if (!error.contains("status") || error["status"] != status || !error.contains("code") ||
        !error.contains("message")) {
      Fail("error object does not match status " + std::to_string(status) + ": " + response.body(),
           size);
    }
  }
  return 0;
}
