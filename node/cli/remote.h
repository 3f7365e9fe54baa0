// Client mode of the ddc CLI: the same commands against a running ddc-node (--node URL) instead
// of a data directory (--dir DIR), with the same output, so that a script does not care which.
//
// NodeClient is one command's connection to a node: an HttpClient (keep-alive, timeouts, a
// response size cap), the credentials the global options give (an access token and the
// keystore key that signs each request, include/ddc/auth.h), and the translation of the
// node's JSON errors {"error":{"status","code","message"}} into a Status whose message reads
// "<message> (HTTP <status> <code>)".
//
// Credentials: with --token (or $DDC_TOKEN) every request carries "Authorization: DDC <token>"
// and is signed by sign/NAME of --as, which must be the token's final subject. With --as alone
// the client issues itself a token for the request's bucket, valid 5 minutes (right for the
// bucket's owner); a request whose bucket the command does not know then goes unsigned. Each
// signed request gets its own X-DDC-Time (strictly increasing within a command), so that two
// identical requests never carry the same signature, which the node would refuse as a replay.
#ifndef DDC_NODE_CLI_REMOTE_H_
#define DDC_NODE_CLI_REMOTE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/erasure.h"
#include "ddc/event.h"
#include "ddc/grants.h"
#include "ddc/status.h"
#include "node/cli/cli.h"
#include "node/cli/http_client.h"
#include "node/cli/keystore_cli.h"

namespace ddc::cli {

// Takes the global options (ClientOptions) from anywhere on the command line into
// args->client(), and $DDC_NODE / $DDC_TOKEN from the environment. $DDC_NODE is not used when
// the command line names --dir: an explicit data dir wins over the environment.
void TakeClientOptions(Args* args);

// Lifetime of the token the client issues itself with --as and no --token.
inline constexpr uint64_t kSelfTokenLifetimeMs = 5ull * 60 * 1000;

struct NodeRequest {
  std::string method = "GET";
  std::string target;  // Path and query, as sent (and signed).
  std::string body;
  std::string content_type;
  std::string accept;
  // The bucket the request acts on, when the command knows it: --as without --token issues a
  // token for it. nullopt: that request is sent without credentials.
  std::optional<uint64_t> bucket;
};

class NodeClient {
 public:
  // Parses the URL and the timeout, reads the token (--token FILE, else $DDC_TOKEN) and, with
  // --as NAME, loads sign/NAME from the keystore at `where`. A token without --as, or whose
  // final subject is not sign/NAME's key, or that has expired, is refused here with a message
  // saying so.
  static Result<std::unique_ptr<NodeClient>> Create(const ClientOptions& options,
                                                    const KeyStoreLocation& where);
  ~NodeClient();
  NodeClient(const NodeClient&) = delete;
  NodeClient& operator=(const NodeClient&) = delete;

  // Sends the request (with credentials when there are some for it) and returns a 2xx answer;
  // any other answer becomes the node's error as a Status: 400 InvalidArgument, 401 and 403
  // PermissionDenied, 404 NotFound, 409 Conflict, 410 Erased, 429 and 503 Busy, 501
  // NotSupported, 507 NoSpace, others Failed.
  Result<HttpResponse> Call(const NodeRequest& request);
  // Call, and the body parsed as a JSON object.
  Result<nlohmann::json> CallJson(const NodeRequest& request);
  // A request signed by `key` itself rather than by a token's subject (X-DDC-Key, X-DDC-Time,
  // X-DDC-Signature): the node's bucket registration.
  Result<HttpResponse> CallKeySigned(const NodeRequest& request, const KeyPair& key);

  const std::string& url() const { return http_->url().text; }
  // The --as key, or null.
  const KeyPair* signer() const { return signer_ ? &*signer_ : nullptr; }

 private:
  explicit NodeClient(std::unique_ptr<HttpClient> http) : http_(std::move(http)) {}
  // A request time after every one this client has used.
  uint64_t NextTimeMs();
  // The token for `bucket`: the given one, or one issued on the fly; "" when none applies.
  Result<std::string> TokenFor(const std::optional<uint64_t>& bucket);
  Result<HttpResponse> Finish(const NodeRequest& request, Result<HttpResponse> sent,
                              bool signed_request);

  std::unique_ptr<HttpClient> http_;
  std::string token_;              // From --token or $DDC_TOKEN.
  std::optional<KeyPair> signer_;  // From --as; wiped on destruction.
  std::string signer_name_;
  std::map<uint64_t, std::string> issued_;  // Tokens issued on the fly, by bucket.
  uint64_t last_time_ms_ = 0;
};

// Opens the client of a command in client mode (args.client().node is set).
Result<std::unique_ptr<NodeClient>> ConnectNode(const Args& args, const KeyStoreLocation& where);

// Runs `command` against the node when client mode has its own form of it (blob, stats, users,
// checkpoint, node-key, prove, timeline, export), or fails with "<command> works on a local
// data dir only" (verify, demo, import). nullopt for the rest: they never touch a data dir
// (key, event make, keygen, verify-proof, token) or branch on client mode themselves (event
// put/get, seal, open, grant, grants, erase, bucket).
std::optional<int> RemoteDispatch(const std::string& command, Args& args);
// `event put` and `event get` in client mode; `export car` in client mode (remote_export.cc).
int RemoteEventPut(Args& args);
int RemoteEventGet(Args& args);
int RemoteExportCar(Args& args, const KeyStoreLocation& where);

// `s` percent-encoded for a query parameter's value.
std::string QueryEscape(std::string_view s);

// A member of a JSON answer: an unsigned number (else Corruption naming `what` and the key),
// or a string ("" when absent or not a string).
Result<uint64_t> JsonU64(const nlohmann::json& j, const char* key, std::string_view what);
std::string JsonText(const nlohmann::json& j, const char* key);
// The users of `bucket` as GET /v1/buckets/{bucket}/users lists them (user, size, root, head).
Result<std::vector<nlohmann::json>> FetchUsers(NodeClient& node, uint64_t bucket);

// ---- Pieces the local commands call in client mode ----

// The encoded event `cid` from the node, checked to hash to `cid`; `bucket` as in NodeRequest.
Result<std::string> FetchEventBytes(NodeClient& node, const Cid& cid,
                                    std::optional<uint64_t> bucket);
// The head of (bucket, user)'s timeline on the node (nullopt when it has no events): the
// `prev` of the next event.
Result<std::optional<Cid>> RemoteTimelineHead(NodeClient& node, uint64_t bucket,
                                              const PublicKey& user);
// Appends an encoded event; prints "<cid> position <p>[ (already stored)]" as a local append
// through EmitEvent does.
Status AppendRemote(NodeClient& node, const Event& event);
// POST /v1/grants: stores an encoded, signed grant; its CID, checked against the bytes.
Result<Cid> PutGrantRemote(NodeClient& node, std::string bytes, uint64_t bucket);
// POST /v1/erase: applies an encoded, signed tombstone of `bucket`.
Result<EraseResult> EraseRemote(NodeClient& node, std::string bytes, uint64_t bucket);
// The grants the node serves for `query` ("grantee=HEX" or "bucket=N&scope=S"), each decoded
// from its stored bytes.
Result<std::vector<GrantRecord>> FetchGrants(NodeClient& node, const std::string& query,
                                             std::optional<uint64_t> bucket);

// ---- Tokens (token_commands.cc) and buckets (remote_buckets.cc) ----

// `ddc token issue|delegate|show`.
int TokenCommand(Args& args);
// `ddc bucket create|show`: a node's bucket registry.
int BucketCommand(Args& args);
// The token text of FILE ("-": standard input) without surrounding white space.
Result<std::string> ReadTokenFile(const std::string& path);
// Checks that `holder` can use `token`: it parses, its chain verifies, `holder` is its final
// subject and it has not expired at `now_ms`.
Status CheckTokenForHolder(std::string_view token, const PublicKey& holder, uint64_t now_ms);
// A token of one link from `key` to itself for `bucket`: every operation, no delegation,
// valid kSelfTokenLifetimeMs from `now_ms`.
Result<std::string> IssueSelfToken(const KeyPair& key, uint64_t bucket, uint64_t now_ms);

}  // namespace ddc::cli

#endif  // DDC_NODE_CLI_REMOTE_H_
