// libFuzzer target for the chain's JSON-RPC interface (node/server/chain_rpc.h), which answers
// whatever a client posts to /rpc, against a real dev chain in a temporary directory. Beyond
// "no crash, no sanitizer report": every answer is empty (notifications only) or JSON, and a
// single request gets one JSON-RPC 2.0 reply object.
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ddc/chain.h"
#include "node/server/chain_rpc.h"

namespace {

[[noreturn]] void Fail(const char* what, size_t size) {
  std::fprintf(stderr, "fuzz_chain_rpc: %s for input of %zu bytes\n", what, size);
  std::abort();
}

std::string g_dir;  // Removed at exit.

ddc::chain::Chain* TheChain() {
  static std::unique_ptr<ddc::chain::Chain> chain = [] {
    char pattern[] = "/tmp/ddc-fuzz-chain-XXXXXX";
    if (mkdtemp(pattern) == nullptr) Fail("mkdtemp failed", 0);
    g_dir = pattern;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(g_dir, ec);
    });
    ddc::chain::DevChainOptions options;
    options.dir = g_dir;
    std::array<uint8_t, 32> seed{};
    seed.fill(7);
    const ddc::KeyPair key = ddc::KeyPair::FromSeed(seed);
    options.genesis.accounts.push_back({key.public_key, 1000});
    ddc::chain::ClusterInfo cluster;
    cluster.id = 1;
    cluster.manager = key.public_key;
    cluster.nodes.push_back({key.public_key, "127.0.0.1:1", ddc::chain::NodeMode::kFull});
    options.genesis.clusters.push_back(cluster);
    options.genesis.buckets.push_back({7, key.public_key, 1, true});
    options.genesis.time_ms = 1;
    auto opened = ddc::chain::OpenDevChain(options);
    if (!opened.ok()) Fail("cannot open the dev chain", 0);
    (void)(*opened)->Anchor(key, "a checkpoint");
    return std::move(opened).value();
  }();
  return chain.get();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const std::string reply = ddc::node::HandleChainRpc(TheChain(), body);
  if (reply.empty()) return 0;
  const nlohmann::json j = nlohmann::json::parse(reply, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) Fail("the reply is not JSON", size);
  if (!j.is_object() && !j.is_array()) Fail("the reply is neither an object nor a batch", size);
  if (j.is_object() &&
      (j.value("jsonrpc", "") != "2.0" || (j.contains("result") == j.contains("error")))) {
    Fail("the reply is not one JSON-RPC 2.0 result or error", size);
  }
  return 0;
}
