// What the C++ examples share: stopping with a message when a call fails or a result is not
// what the example expects (so that ctest sees a non-zero exit), a fresh store directory, and
// the capture of capture.cc in one call for the examples that start from a few events.
#ifndef DDC_EXAMPLES_CPP_EXAMPLE_H_
#define DDC_EXAMPLES_CPP_EXAMPLE_H_

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ddc/crypto.h"
#include "ddc/event.h"
#include "ddc/scopes.h"
#include "ddc/status.h"
#include "ddc/store.h"

namespace example {

[[noreturn]] inline void Die(const std::string& message) {
  std::fprintf(stderr, "FAILED: %s\n", message.c_str());
  std::exit(1);
}

// Every fallible ddc call returns a Status or a Result<T>; the examples stop on an error.
inline void Ok(const ddc::Status& status, const char* what) {
  if (!status.ok()) Die(std::string(what) + ": " + status.ToString());
}
template <typename T>
T Ok(ddc::Result<T> result, const char* what) {
  if (!result.ok()) Die(std::string(what) + ": " + result.status().ToString());
  return std::move(result).value();
}

// The example's own checks of what it read back.
inline void Expect(bool condition, const char* what) {
  if (!condition) Die(std::string("expected ") + what);
}

// `<parent>/<name>.store`, emptied first, so that every run starts from a new store.
inline std::string FreshStoreDir(int argc, char** argv, const char* name) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
    std::exit(2);
  }
  const std::filesystem::path dir = std::filesystem::path(argv[1]) / (std::string(name) + ".store");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir.parent_path());
  return dir.string();
}

// capture.cc's policy: "$.user" to "profile", "$.location" to "geo", "meta" public, the rest
// to "core".
inline constexpr char kPolicy[] = R"({
    "default": "core",
    "scopes": {"profile": ["$.user"], "geo": ["$.location"], "meta": ["$.meta"]},
    "public": ["meta"]})";

// Appends `count` linked page views of `user` to `bucket`, sealed with the keys in `keys`, as
// capture.cc does step by step; returns their CIDs in order.
inline std::vector<ddc::Cid> CapturePageViews(ddc::Store& store, const ddc::KeyRing& keys,
                                              const ddc::KeyPair& user, uint64_t bucket,
                                              int count) {
  const ddc::EventBuilder builder =
      Ok(ddc::EventBuilder::Create(Ok(ddc::ScopePolicy::FromJson(kPolicy), "policy")), "builder");
  std::vector<ddc::Cid> cids;
  for (int n = 0; n < count; ++n) {
    const std::string id = "view-" + std::to_string(n);
    const std::string json = R"({"page": "/p/)" + std::to_string(n) +
                             R"(", "user": {"email": "alice@example.com"},)"
                             R"( "location": {"city": "Berlin"}, "meta": {"n": )" +
                             std::to_string(n) + "}}";
    ddc::EventInput input;
    input.bucket = bucket;
    input.id = id;
    input.type = "page_view";
    input.timestamp_ms = 1763800000000 + static_cast<uint64_t>(n) * 1000;
    if (!cids.empty()) input.prev = cids.back();
    input.json = json;
    const ddc::Event event = Ok(builder.Build(input, keys, user), "build");
    cids.push_back(Ok(store.Append(Ok(ddc::EncodeEvent(event), "encode")), "append").cid);
  }
  return cids;
}

}  // namespace example

#endif  // DDC_EXAMPLES_CPP_EXAMPLE_H_
