// ddc-node: serves one ddc store over HTTP/1.1 (the DDC API; node/server/node_api.h).
//
//   ddc-node [--config FILE] [--data-dir DIR] [--listen HOST:PORT] [--threads N]
//            [--log-level error|warn|info|debug] [--auth on|off] [--limit NAME=VALUE]...
//            [--checkpoint-interval-ms MS] [--chain dev|off|http://HOST:PORT|SUBSTRATE]
//            [--anchor-interval-ms MS] [--era-ms MS]
//
// The config file is a JSON object with the keys data_dir, listen, threads, log_level,
// limits {max_body_bytes, max_header_bytes, max_connections, request_timeout_ms,
// idle_timeout_ms}, auth {enabled, request_window_ms, requests_per_second_per_key},
// buckets [{bucket, owner, public}] (buckets declared by the operator; others are registered
// over HTTP and kept in DIR/buckets.json) and keystore {path, passphrase_file}; a key it does
// not know is an error naming it, and checkpoint_interval_ms (default 10000; 0: only on
// request), chain {mode "dev" | "off" | "http://HOST:PORT" | SUBSTRATE, anchor_interval_ms
// (default 10000; 0: only on request), era_ms (usage reports, default 3600000; 0: only on
// request), prices {per_gb_stored, per_gb_delivered, per_put, per_get} (cluster 1 of a new dev
// chain), ca_file (trusted roots for a wss:// or https:// Substrate node; default the
// system's)}.
// Flags override the file; --limit sets one key of limits.
// The chain (docs/chain.md): "dev" (the default) is the embedded dev chain in DIR/chain, created
// on first start with the node's account, a cluster of this node and the declared buckets in its
// genesis; "http://HOST:PORT" uses the chain another ddc-node serves (its POST /rpc), so that
// several nodes share one; SUBSTRATE is a real Substrate chain: "cere-mainnet", "cere-testnet",
// a ws:// or wss:// URL, or "substrate:" and an http(s):// URL (node/server/substrate_chain.h),
// where the node only anchors (its anchors are listed in DIR/substrate-anchors). The node
// anchors its newest checkpoint every anchor_interval_ms.
// The keystore (default DIR/keys, created when missing) holds the keys of the seal and open
// service and is shredded by erasure; it is opened when a passphrase is given (its file, or
// $DDC_PASSPHRASE), else the node runs without one.
// Defaults: data dir $DDC_DATA_DIR (else $XDG_DATA_HOME/ddc, else ~/.local/share/ddc) + "/node",
// created when missing with a node key; listen 127.0.0.1:8844 (port 0: any free port).
//
// On start it logs one line to stderr:
//   ddc-node: listening on http://HOST:PORT (data dir DIR); viewer http://HOST:PORT/, API docs
//   http://HOST:PORT/docs
// SIGTERM or SIGINT: stop accepting, let requests being handled finish (at most
// kShutdownDrain), sync and close the store, exit 0. Every response already sent was for a
// durable write (the store syncs before it acknowledges), so nothing acknowledged is lost.
// Errors: one line "ddc-node: <what>" and exit 1; bad usage exits 2.
// GCC 12 at -O2 reports -Wnull-dereference inside libstdc++'s streambuf, inlined into the
// config and passphrase reading below, and inside Boost.Asio; -Werror would turn those false
// positives about library code into a failed optimized build, so this file does without it.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/chain.h"
#include "ddc/keystore.h"
#include "ddc/options.h"
#include "ddc/status.h"
#include "ddc/store.h"
#include "engine/base/hex.h"
#include "node/server/access.h"
#include "node/server/chain_routes.h"
#include "node/server/chain_rpc.h"
#include "node/server/http_server.h"
#include "node/server/metrics.h"
#include "node/server/node_api.h"
#include "node/server/remote_chain.h"
#include "node/server/router.h"
#include "node/server/substrate_chain.h"
#include "node/server/web_routes.h"

namespace ddc::node {
namespace {

// Longest wait for in-flight requests at shutdown before the threads are stopped anyway.
constexpr std::chrono::milliseconds kShutdownDrain{10'000};
// What the node's account starts with on a new dev chain.
constexpr uint64_t kGenesisNodeBalance = 1'000'000'000'000;
// How long the node trusts what the chain said about a bucket's deposit before asking again.
constexpr uint64_t kPaymentCacheMs = 1000;

constexpr char kUsage[] =
    "usage: ddc-node [--config FILE] [--data-dir DIR] [--listen HOST:PORT] [--threads N]\n"
    "                [--log-level error|warn|info|debug] [--auth on|off]\n"
    "                [--checkpoint-interval-ms MS] [--chain dev|off|http://HOST:PORT]\n"
    "                [--anchor-interval-ms MS] [--era-ms MS]\n"
    "                [--limit max_body_bytes|max_header_bytes|max_connections|\n"
    "                         request_timeout_ms|idle_timeout_ms|max_batch_events=VALUE]...\n";

enum class LogLevel : uint8_t { kError, kWarn, kInfo, kDebug };

std::atomic<LogLevel> g_log_level{LogLevel::kInfo};
std::mutex g_log_mu;

void Log(LogLevel level, std::string_view line) {
  if (level > g_log_level.load()) return;
  std::lock_guard lock(g_log_mu);
  std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  std::fflush(stderr);
}

int Fail(std::string_view what) {
  Log(LogLevel::kError, "ddc-node: " + std::string(what));
  return 1;
}

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "error") return LogLevel::kError;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "info") return LogLevel::kInfo;
  if (name == "debug") return LogLevel::kDebug;
  return std::nullopt;
}

// The ddc CLI's default data directory (node/cli/cli.cc DefaultDataDir, which lives in a
// translation unit with the whole CLI; these few lines are repeated rather than linking it).
std::string DefaultDataDir() {
  if (const char* d = std::getenv("DDC_DATA_DIR"); d != nullptr && *d != '\0') return d;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x != nullptr && *x != '\0') {
    return std::string(x) + "/ddc";
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr && *home != '\0' ? home : ".") + "/.local/share/ddc";
}

struct DeclaredBucket {
  uint64_t bucket = 0;
  PublicKey owner{};
  bool is_public = false;
};

struct NodeConfig {
  std::string data_dir;
  std::string listen = "127.0.0.1:8844";
  uint32_t threads = 0;
  ServerLimits limits;
  std::string log_level = "info";
  AccessOptions auth;
  std::vector<DeclaredBucket> buckets;
  std::string keystore_path;  // Default: DIR/keys.
  std::string passphrase_file;
  // Events in one batch request (NodeServices::max_batch_events).
  uint32_t max_batch_events = kMaxBatchRequestEvents;
  // A checkpoint of the journal this often when it grew (Options::checkpoint_interval_ms).
  uint32_t checkpoint_interval_ms = 10'000;
  // "dev", "off", "http://HOST:PORT" of a node serving its chain, or a Substrate chain.
  std::string chain = "dev";
  std::string chain_ca_file;  // Trusted roots for a Substrate node over TLS; empty: the system's.
  // The newest checkpoint is anchored on the chain this often (0: on request only).
  uint32_t anchor_interval_ms = 10'000;
  // Usage is reported to the chain once per era of this length (0: on request only).
  uint64_t era_ms = kDefaultEraMs;
  // The prices of cluster 1 in a new dev chain's genesis.
  chain::ClusterParams prices;
};

// Reads `key` of `object` into `out` when present; a value of the wrong type is an error.
template <typename T>
Status ReadKey(const nlohmann::json& object, const char* key, std::string_view where, T* out) {
  const auto it = object.find(key);
  if (it == object.end()) return Status::OK();
  try {
    *out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidArgument(std::string(where) + ": key '" + key + "' has the wrong type (" +
                                   it->type_name() + ")");
  }
  return Status::OK();
}

Status CheckKeys(const nlohmann::json& object, const std::set<std::string_view>& known,
                 std::string_view where) {
  for (const auto& item : object.items()) {
    if (!known.contains(item.key())) {
      return Status::InvalidArgument(std::string(where) + ": unknown key '" + item.key() + "'");
    }
  }
  return Status::OK();
}

Status LoadAuth(const nlohmann::json& auth, const std::string& where, AccessOptions* out) {
  if (!auth.is_object()) return Status::InvalidArgument(where + ": not a JSON object");
  Status s =
      CheckKeys(auth, {"enabled", "request_window_ms", "requests_per_second_per_key"}, where);
  if (s.ok()) s = ReadKey(auth, "enabled", where, &out->enabled);
  if (s.ok()) s = ReadKey(auth, "request_window_ms", where, &out->request_window_ms);
  if (s.ok()) {
    s = ReadKey(auth, "requests_per_second_per_key", where, &out->requests_per_second_per_key);
  }
  return s;
}

Status LoadBuckets(const nlohmann::json& list, const std::string& where,
                   std::vector<DeclaredBucket>* out) {
  if (!list.is_array()) return Status::InvalidArgument(where + ": not a JSON array");
  for (size_t i = 0; i < list.size(); ++i) {
    const nlohmann::json& b = list[i];
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!b.is_object()) return Status::InvalidArgument(at + ": not a JSON object");
    DeclaredBucket d;
    std::string owner;
    Status s = CheckKeys(b, {"bucket", "owner", "public"}, at);
    if (s.ok() && !b.contains("bucket")) s = Status::InvalidArgument(at + ": 'bucket' is missing");
    if (s.ok() && !b.contains("owner")) s = Status::InvalidArgument(at + ": 'owner' is missing");
    if (s.ok()) s = ReadKey(b, "bucket", at, &d.bucket);
    if (s.ok()) s = ReadKey(b, "owner", at, &owner);
    if (s.ok()) s = ReadKey(b, "public", at, &d.is_public);
    if (!s.ok()) return s;
    if (!ParseHex(owner, d.owner)) {
      std::string message = at;
      message.append(": owner '")
          .append(owner)
          .append("' is not 64 hex digits (an ed25519 public key)");
      return Status::InvalidArgument(message);
    }
    out->push_back(d);
  }
  return Status::OK();
}

Status LoadConfig(const std::string& path, NodeConfig* config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("config " + path + ": cannot be read");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  const std::string where = "config " + path;
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument(where + ": not a JSON object");
  }
  Status s = CheckKeys(j,
                       {"data_dir", "listen", "threads", "limits", "log_level", "auth", "buckets",
                        "keystore", "checkpoint_interval_ms", "chain"},
                       where);
  if (s.ok()) s = ReadKey(j, "checkpoint_interval_ms", where, &config->checkpoint_interval_ms);
  if (s.ok()) s = ReadKey(j, "data_dir", where, &config->data_dir);
  if (s.ok()) s = ReadKey(j, "listen", where, &config->listen);
  if (s.ok()) s = ReadKey(j, "threads", where, &config->threads);
  if (s.ok()) s = ReadKey(j, "log_level", where, &config->log_level);
  if (s.ok() && j.contains("auth")) s = LoadAuth(j["auth"], where + ": auth", &config->auth);
  if (s.ok() && j.contains("keystore")) {
    const nlohmann::json& k = j["keystore"];
    const std::string kwhere = where + ": keystore";
    if (!k.is_object()) return Status::InvalidArgument(kwhere + ": not a JSON object");
    s = CheckKeys(k, {"path", "passphrase_file"}, kwhere);
    if (s.ok()) s = ReadKey(k, "path", kwhere, &config->keystore_path);
    if (s.ok()) s = ReadKey(k, "passphrase_file", kwhere, &config->passphrase_file);
  }
  if (s.ok() && j.contains("buckets")) {
    s = LoadBuckets(j["buckets"], where + ": buckets", &config->buckets);
  }
  if (s.ok() && j.contains("chain")) {
    const nlohmann::json& c = j["chain"];
    const std::string cwhere = where + ": chain";
    if (!c.is_object()) return Status::InvalidArgument(cwhere + ": not a JSON object");
    s = CheckKeys(c, {"mode", "anchor_interval_ms", "era_ms", "prices", "ca_file"}, cwhere);
    if (s.ok()) s = ReadKey(c, "mode", cwhere, &config->chain);
    if (s.ok()) s = ReadKey(c, "ca_file", cwhere, &config->chain_ca_file);
    if (s.ok()) s = ReadKey(c, "anchor_interval_ms", cwhere, &config->anchor_interval_ms);
    if (s.ok()) s = ReadKey(c, "era_ms", cwhere, &config->era_ms);
    if (s.ok() && c.contains("prices")) {
      const nlohmann::json& p = c["prices"];
      const std::string pwhere = cwhere + ": prices";
      if (!p.is_object()) return Status::InvalidArgument(pwhere + ": not a JSON object");
      chain::ClusterParams& params = config->prices;
      s = CheckKeys(p, {"per_gb_stored", "per_gb_delivered", "per_put", "per_get"}, pwhere);
      if (s.ok()) s = ReadKey(p, "per_gb_stored", pwhere, &params.price_per_gb_stored);
      if (s.ok()) s = ReadKey(p, "per_gb_delivered", pwhere, &params.price_per_gb_delivered);
      if (s.ok()) s = ReadKey(p, "per_put", pwhere, &params.price_per_put);
      if (s.ok()) s = ReadKey(p, "per_get", pwhere, &params.price_per_get);
    }
  }
  if (!s.ok() || !j.contains("limits")) return s;
  const nlohmann::json& limits = j["limits"];
  const std::string lwhere = where + ": limits";
  if (!limits.is_object()) return Status::InvalidArgument(lwhere + ": not a JSON object");
  s = CheckKeys(limits,
                {"max_body_bytes", "max_header_bytes", "max_connections", "request_timeout_ms",
                 "idle_timeout_ms", "max_batch_events"},
                lwhere);
  ServerLimits& l = config->limits;
  if (s.ok()) s = ReadKey(limits, "max_body_bytes", lwhere, &l.max_body_bytes);
  if (s.ok()) s = ReadKey(limits, "max_header_bytes", lwhere, &l.max_header_bytes);
  if (s.ok()) s = ReadKey(limits, "max_connections", lwhere, &l.max_connections);
  if (s.ok()) s = ReadKey(limits, "request_timeout_ms", lwhere, &l.request_timeout_ms);
  if (s.ok()) s = ReadKey(limits, "idle_timeout_ms", lwhere, &l.idle_timeout_ms);
  if (s.ok()) s = ReadKey(limits, "max_batch_events", lwhere, &config->max_batch_events);
  return s;
}

// Sets one key of ServerLimits from "NAME=VALUE".
Status SetLimit(std::string_view text, NodeConfig* config) {
  ServerLimits* limits = &config->limits;
  const size_t eq = text.find('=');
  const std::string name(text.substr(0, eq == std::string_view::npos ? text.size() : eq));
  const std::string value = eq == std::string_view::npos ? "" : std::string(text.substr(eq + 1));
  char* end = nullptr;
  const unsigned long long n = std::strtoull(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || !std::isdigit(static_cast<unsigned char>(value[0]))) {
    return Status::InvalidArgument("--limit '" + std::string(text) + "' is not NAME=NUMBER");
  }
  const std::pair<const char*, std::function<bool()>> setters[] = {
      {"max_body_bytes", [&] { return (limits->max_body_bytes = n), true; }},
      {"max_header_bytes",
       [&] { return n <= UINT32_MAX && ((limits->max_header_bytes = uint32_t(n)), true); }},
      {"max_connections",
       [&] { return n <= UINT32_MAX && ((limits->max_connections = uint32_t(n)), true); }},
      {"request_timeout_ms",
       [&] { return n <= UINT32_MAX && ((limits->request_timeout_ms = uint32_t(n)), true); }},
      {"idle_timeout_ms",
       [&] { return n <= UINT32_MAX && ((limits->idle_timeout_ms = uint32_t(n)), true); }},
      {"max_batch_events",
       [&] { return n <= UINT32_MAX && ((config->max_batch_events = uint32_t(n)), true); }},
  };
  for (const auto& [key, set] : setters) {
    if (name != key) continue;
    if (!set()) {
      std::string message = "--limit ";
      message.append(name).append(": ").append(value).append(" is too large");
      return Status::InvalidArgument(message);
    }
    return Status::OK();
  }
  return Status::InvalidArgument("--limit: unknown limit '" + name +
                                 "' (max_body_bytes, max_header_bytes, max_connections, "
                                 "request_timeout_ms, idle_timeout_ms, max_batch_events)");
}

// A flag's value as milliseconds (a decimal number up to 2^32 - 1).
Status ParseMs(std::string_view flag, const std::string& text, uint32_t* out) {
  char* end = nullptr;
  const unsigned long long n = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || n > UINT32_MAX ||
      !std::isdigit(static_cast<unsigned char>(text[0]))) {
    return Status::InvalidArgument(std::string(flag) + " '" + text +
                                   "' is not a number of milliseconds");
  }
  *out = static_cast<uint32_t>(n);
  return Status::OK();
}

// The node key (the store's node.key: a 32-byte ed25519 seed, docs/FORMAT.md), which signs
// checkpoints and their anchors.
Result<KeyPair> ReadNodeKey(const std::string& data_dir) {
  const std::string path = data_dir + "/node.key";
  std::ifstream in(path, std::ios::binary);
  std::array<uint8_t, 33> seed{};
  in.read(reinterpret_cast<char*>(seed.data()), seed.size());
  if (in.gcount() != 32) return Status::Corruption(path + ": not a 32-byte key seed");
  const KeyPair key = KeyPair::FromSeed(std::span(seed).first<32>());
  std::fill(seed.begin(), seed.end(), 0);
  return key;
}

// A real Substrate chain; the anchors this node makes there are listed in
// DIR/substrate-anchors.
Result<std::unique_ptr<chain::Chain>> OpenNodeSubstrateChain(const NodeConfig& config,
                                                             const std::string& url) {
  SubstrateChainOptions options;
  options.url = url;
  options.rpc.ca_file = config.chain_ca_file;
  options.anchors_file = config.data_dir + "/substrate-anchors";
  options.log = [](std::string_view line) {
    Log(LogLevel::kDebug, "ddc-node: " + std::string(line));
  };
  Result<std::unique_ptr<chain::Chain>> opened = OpenSubstrateChain(options);
  if (!opened.ok()) return opened.status().WithContext("substrate chain");
  return opened;
}

// The embedded dev chain in DIR/chain; on first start its genesis gives the node's account a
// balance, makes cluster 1 of this node (managed by the node key) and the declared buckets.
Result<std::unique_ptr<chain::Chain>> OpenNodeChain(const NodeConfig& config,
                                                    const KeyPair& node_key) {
  chain::DevChainOptions options;
  options.dir = config.data_dir + "/chain";
  options.production = chain::BlockProduction::kInstant;
  options.genesis.accounts.push_back({node_key.public_key, kGenesisNodeBalance});
  chain::ClusterInfo cluster;
  cluster.id = 1;
  cluster.manager = node_key.public_key;
  cluster.params = config.prices;
  cluster.nodes.push_back(
      chain::ClusterNode{node_key.public_key, config.listen, chain::NodeMode::kFull});
  options.genesis.clusters.push_back(cluster);
  for (const DeclaredBucket& d : config.buckets) {
    options.genesis.buckets.push_back(chain::BucketInfo{d.bucket, d.owner, 1, d.is_public});
  }
  Result<std::unique_ptr<chain::Chain>> opened = chain::OpenDevChain(options);
  if (!opened.ok()) return opened.status().WithContext("dev chain " + options.dir);
  return opened;
}

// Splits "HOST:PORT" ("[v6]:PORT" for IPv6).
Status ParseListen(std::string_view text, std::string* host, uint16_t* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument("listen '" + std::string(text) + "' is not HOST:PORT");
  }
  std::string_view h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  const std::string p(text.substr(colon + 1));
  char* end = nullptr;
  const unsigned long value = std::strtoul(p.c_str(), &end, 10);
  if (p.empty() || *end != '\0' || value > 65535 ||
      !std::isdigit(static_cast<unsigned char>(p[0]))) {
    return Status::InvalidArgument("listen '" + std::string(text) + "': port must be 0..65535");
  }
  *host = std::string(h);
  *port = static_cast<uint16_t>(value);
  return Status::OK();
}

struct Flags {
  std::optional<std::string> config, data_dir, listen, threads, log_level, auth,
      checkpoint_interval, chain, anchor_interval, era;
  std::vector<std::string> limits;
  bool help = false;
};

// Returns an error message for an unknown flag or a missing value.
std::optional<std::string> ParseFlags(int argc, char** argv, Flags* flags) {
  const std::pair<const char*, std::optional<std::string>*> table[] = {
      {"--config", &flags->config},
      {"--data-dir", &flags->data_dir},
      {"--listen", &flags->listen},
      {"--threads", &flags->threads},
      {"--log-level", &flags->log_level},
      {"--auth", &flags->auth},
      {"--checkpoint-interval-ms", &flags->checkpoint_interval},
      {"--chain", &flags->chain},
      {"--anchor-interval-ms", &flags->anchor_interval},
      {"--era-ms", &flags->era},
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word == "--help" || word == "-h") {
      flags->help = true;
      continue;
    }
    if (word == "--limit" || word.starts_with("--limit=")) {
      if (word == "--limit" && i + 1 >= argc) return "flag --limit needs a value";
      flags->limits.emplace_back(word == "--limit" ? argv[++i] : word.substr(8));
      continue;
    }
    bool known = false;
    for (const auto& [name, slot] : table) {
      const std::string_view n = name;
      if (word == n) {
        if (i + 1 >= argc) return "flag " + std::string(n) + " needs a value";
        *slot = argv[++i];
        known = true;
      } else if (word.starts_with(n) && word.size() > n.size() && word[n.size()] == '=') {
        *slot = std::string(word.substr(n.size() + 1));
        known = true;
      }
      if (known) break;
    }
    if (!known) return "unknown argument '" + std::string(word) + "'";
  }
  return std::nullopt;
}

// The node's keystore, when a passphrase is given; null (and OK) when none is.
Result<std::unique_ptr<KeyStore>> OpenNodeKeyStore(const NodeConfig& config) {
  std::string passphrase;
  if (!config.passphrase_file.empty()) {
    std::ifstream in(config.passphrase_file, std::ios::binary);
    if (!in) return Status::NotFound("keystore passphrase file " + config.passphrase_file);
    std::getline(in, passphrase);
    if (!passphrase.empty() && passphrase.back() == '\r') passphrase.pop_back();
    if (passphrase.empty()) {
      return Status::InvalidArgument("keystore passphrase file " + config.passphrase_file +
                                     ": the first line is empty");
    }
  } else if (const char* env = std::getenv("DDC_PASSPHRASE"); env != nullptr && *env != '\0') {
    passphrase = env;
  } else {
    return std::unique_ptr<KeyStore>();
  }
  const std::string path =
      config.keystore_path.empty() ? config.data_dir + "/keys" : config.keystore_path;
  Result<std::unique_ptr<KeyStore>> opened = KeyStore::Open(path, passphrase);
  if (!opened.ok() && opened.status().IsNotFound()) {
    KeyStoreOptions options;
    if (const char* fast = std::getenv("DDC_KEYSTORE_FAST");
        fast != nullptr && std::string_view(fast) == "1") {  // Tests only.
      options.opslimit = kKeyStoreOpsLimitMin;
      options.memlimit = kKeyStoreMemLimitMin;
    }
    opened = KeyStore::Create(path, passphrase, options);
  }
  std::fill(passphrase.begin(), passphrase.end(), '\0');
  if (!opened.ok()) return opened.status().WithContext("keystore " + path);
  return opened;
}

int Run(int argc, char** argv) {
  Flags flags;
  if (const std::optional<std::string> bad = ParseFlags(argc, argv, &flags)) {
    std::fprintf(stderr, "ddc-node: %s\n%s", bad->c_str(), kUsage);
    return 2;
  }
  if (flags.help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  NodeConfig config;
  if (flags.config) {
    if (Status s = LoadConfig(*flags.config, &config); !s.ok()) return Fail(s.message());
  }
  if (flags.data_dir) config.data_dir = *flags.data_dir;
  if (flags.listen) config.listen = *flags.listen;
  if (flags.log_level) config.log_level = *flags.log_level;
  if (flags.auth) {
    if (*flags.auth != "on" && *flags.auth != "off") {
      return Fail("--auth '" + *flags.auth + "' is not on or off");
    }
    config.auth.enabled = *flags.auth == "on";
  }
  if (flags.checkpoint_interval) {
    if (Status s = ParseMs("--checkpoint-interval-ms", *flags.checkpoint_interval,
                           &config.checkpoint_interval_ms);
        !s.ok()) {
      return Fail(s.message());
    }
  }
  if (flags.anchor_interval) {
    if (Status s =
            ParseMs("--anchor-interval-ms", *flags.anchor_interval, &config.anchor_interval_ms);
        !s.ok()) {
      return Fail(s.message());
    }
  }
  if (flags.chain) config.chain = *flags.chain;
  if (flags.era) {
    uint32_t era_ms = 0;
    if (Status s = ParseMs("--era-ms", *flags.era, &era_ms); !s.ok()) return Fail(s.message());
    config.era_ms = era_ms;
  }
  if (config.chain != "dev" && config.chain != "off" && !config.chain.starts_with("http://") &&
      !SubstrateChainUrl(config.chain)) {
    return Fail("chain '" + config.chain +
                "' is not dev, off, the http://HOST:PORT of a node serving its chain, "
                "cere-mainnet, cere-testnet, a ws:// or wss:// URL or substrate:URL");
  }
  for (const std::string& limit : flags.limits) {
    if (Status s = SetLimit(limit, &config); !s.ok()) return Fail(s.message());
  }
  if (flags.threads) {
    char* end = nullptr;
    const unsigned long n = std::strtoul(flags.threads->c_str(), &end, 10);
    if (flags.threads->empty() || *end != '\0' || n > 1024) {
      return Fail("--threads '" + *flags.threads + "' is not a number in 0..1024");
    }
    config.threads = static_cast<uint32_t>(n);
  }
  if (config.max_batch_events == 0 || config.max_batch_events > kMaxBatchRequestEvents) {
    return Fail("limits.max_batch_events " + std::to_string(config.max_batch_events) +
                " is outside 1.." + std::to_string(kMaxBatchRequestEvents));
  }
  const std::optional<LogLevel> level = ParseLogLevel(config.log_level);
  if (!level) return Fail("log level '" + config.log_level + "' is not error, warn, info or debug");
  g_log_level.store(*level);
  if (config.data_dir.empty()) config.data_dir = DefaultDataDir() + "/node";

  ServerOptions server_options;
  if (Status s = ParseListen(config.listen, &server_options.host, &server_options.port); !s.ok()) {
    return Fail(s.message());
  }
  server_options.threads = config.threads;
  server_options.limits = config.limits;
  server_options.log = [](std::string_view line) { Log(LogLevel::kWarn, line); };

  // Signals are taken by sigwait below; block them before any thread starts so that every
  // thread inherits the mask and none is interrupted by them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return Fail("data dir " + config.data_dir + ": " + ec.message());
  Result<std::unique_ptr<BucketDirectory>> directory =
      BucketDirectory::Open(config.data_dir + "/buckets.json");
  if (!directory.ok()) return Fail(directory.status().message());
  std::unique_ptr<BucketDirectory> buckets = std::move(*directory);
  for (const DeclaredBucket& d : config.buckets) buckets->Declare(d.bucket, d.owner, d.is_public);
  AccessControl access(buckets.get(), config.auth);
  Result<std::unique_ptr<KeyStore>> keystore = OpenNodeKeyStore(config);
  if (!keystore.ok()) return Fail(keystore.status().message());
  Options options;
  options.dir = config.data_dir;
  options.info_log = [](std::string_view line) { Log(LogLevel::kInfo, line); };
  options.keystore = keystore->get();
  options.checkpoint_interval_ms =
      config.checkpoint_interval_ms;  // Erasing a user's timeline shreds their master keys.
  // Bucket owners may sign grants and tombstones for their buckets' users.
  options.bucket_owner = [dir = buckets.get()](uint64_t bucket) -> std::optional<PublicKey> {
    const std::optional<BucketInfo> info = dir->Lookup(bucket);
    if (!info) return std::nullopt;
    return info->owner;
  };
  Result<std::unique_ptr<Store>> opened = Store::Open(options);
  if (!opened.ok()) return Fail(opened.status().WithContext(config.data_dir).message());
  std::unique_ptr<Store> store = std::move(*opened);
  std::unique_ptr<chain::Chain> chain;
  std::unique_ptr<Anchorer> anchorer;
  std::unique_ptr<UsageReporter> reporter;
  std::unique_ptr<PaymentGate> gate;
  Metrics metrics;
  if (config.chain != "off") {
    Result<KeyPair> node_key = ReadNodeKey(config.data_dir);
    if (!node_key.ok()) return Fail(node_key.status().message());
    const std::optional<std::string> substrate = SubstrateChainUrl(config.chain);
    Result<std::unique_ptr<chain::Chain>> c =
        config.chain == "dev" ? OpenNodeChain(config, *node_key)
        : substrate           ? OpenNodeSubstrateChain(config, *substrate)
                              : OpenRemoteChain(config.chain);
    if (!c.ok()) return Fail(c.status().message());
    chain = std::move(*c);
    anchorer =
        std::make_unique<Anchorer>(store.get(), chain.get(), *node_key, config.anchor_interval_ms,
                                   [](std::string_view line) { Log(LogLevel::kInfo, line); });
    // Usage and payments live in the dev runtime; on a Substrate chain the node only anchors.
    reporter = std::make_unique<UsageReporter>(
        chain.get(), &metrics, *node_key, substrate ? 0 : config.era_ms,
        [](std::string_view line) { Log(LogLevel::kInfo, line); });
    if (!substrate) {
      gate = std::make_unique<PaymentGate>(chain.get(), kPaymentCacheMs);
      access.SetWriteGate([g = gate.get()](uint64_t bucket) { return (*g)(bucket); });
    }
  }

  if (chain) {
    // The chain's JSON-RPC over WebSocket too, as Substrate nodes serve it (POST /rpc is HTTP).
    server_options.websockets["/rpc"] = [c = chain.get()](std::string_view message) {
      return HandleChainRpc(c, message);
    };
  }

  Router router;
  NodeServices services;
  services.buckets = buckets.get();
  services.access = &access;
  services.keystore = keystore->get();
  services.max_batch_events = config.max_batch_events;
  services.metrics = &metrics;
  AddNodeRoutes(&router, store.get(), services);
  AddChainRoutes(&router, store.get(), anchorer.get(), reporter.get());
  AddWebRoutes(&router);
  HttpServer server(server_options, [&router](const Request& request) {
    Response response = router.Dispatch(request);
    Log(LogLevel::kDebug, std::string(request.method_string()) + " " +
                              std::string(request.target()) + " " +
                              std::to_string(response.result_int()));
    return response;
  });
  if (Status s = server.Start(); !s.ok()) return Fail(s.message());
  if (anchorer) {
    anchorer->Start();
    reporter->Start();
    Result<chain::ChainInfo> info = chain->Info();
    if (info.ok()) {
      Log(LogLevel::kInfo, "ddc-node: chain " + info->name +
                               (config.chain == "dev" ? "" : " at " + config.chain) + " (genesis " +
                               Hex(std::span(info->genesis_hash).first(8)) + "..., block " +
                               std::to_string(info->best.number) + "); anchoring every " +
                               std::to_string(config.anchor_interval_ms) + " ms");
    }
  } else {
    Log(LogLevel::kInfo, "ddc-node: no chain (--chain off): checkpoints are not anchored");
  }
  Log(LogLevel::kInfo, access.enabled()
                           ? "ddc-node: access control on (writes and private reads need a token)"
                           : "ddc-node: access control OFF: every request is allowed");
  Log(LogLevel::kInfo, *keystore ? "ddc-node: keystore " + (*keystore)->path() +
                                       " (seal and open service on; erasure shreds keys)"
                                 : std::string("ddc-node: no keystore passphrase: seal and open "
                                               "answer 501"));
  const std::string host = server_options.host.find(':') != std::string::npos
                               ? "[" + server_options.host + "]"
                               : server_options.host;
  const std::string url = "http://" + host + ":" + std::to_string(server.port());
  // Printed whatever the log level: tests and scripts read the port from it.
  {
    std::lock_guard lock(g_log_mu);
    std::fprintf(stderr, "ddc-node: listening on %s (data dir %s); viewer %s/, API docs %s/docs\n",
                 url.c_str(), config.data_dir.c_str(), url.c_str(), url.c_str());
    std::fflush(stderr);
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  Log(LogLevel::kInfo,
      std::string("ddc-node: ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM") + ": stopping");
  server.Stop(kShutdownDrain);
  // The chain first: an anchor or usage report waiting on it (a Substrate chain's finality can
  // take minutes) then fails at once instead of holding up the shutdown.
  if (chain) (void)chain->Close();
  if (anchorer) anchorer->Stop();
  if (reporter) reporter->Stop();
  if (Status s = store->Sync(); !s.ok()) return Fail("sync: " + s.ToString());
  if (Status s = store->Close(); !s.ok()) return Fail("close: " + s.ToString());
  Log(LogLevel::kInfo, "ddc-node: stopped");
  return 0;
}

}  // namespace
}  // namespace ddc::node

int main(int argc, char** argv) {
  try {
    return ddc::node::Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ddc-node: %s\n", e.what());
    return 1;
  }
}
