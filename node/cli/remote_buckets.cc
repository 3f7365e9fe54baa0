// `ddc bucket create|show`: a node's bucket registry (client mode only).
//
// A bucket is registered by its owner: PUT /v1/buckets/{N} with {"owner":"<hex>","public":bool},
// signed by the owner's key itself (X-DDC-Key, X-DDC-Time, X-DDC-Signature; no token: there is
// no bucket to root one in yet). Tokens for the bucket are then issued by that key.
#include <cstdio>
#include <string>

#include "node/cli/remote.h"

namespace ddc::cli {

using Json = nlohmann::json;

namespace {

constexpr char kCreateUsage[] =
    "bucket create --node URL --as OWNER --bucket N [--public | --private] [--keystore FILE]";
constexpr char kShowUsage[] = "bucket show --node URL --bucket N [--json]";

// The line both commands print: "<bucket>\t<owner hex>\tpublic|private" (`show` of a bucket
// nobody registered: "<bucket>\t-\tunregistered").
std::string BucketLine(uint64_t bucket, const std::string& owner, bool is_public) {
  return std::to_string(bucket) + "\t" + owner + "\t" + (is_public ? "public" : "private") + "\n";
}

int Create(Args& args, const KeyStoreLocation& where) {
  const std::string bucket_text = args.Option("--bucket");
  const bool make_public = args.Flag("--public");
  const bool make_private = args.Flag("--private");
  if (bucket_text.empty() || args.client().as.empty() || (make_public && make_private) ||
      !args.Positionals().empty() || args.HasUnknown()) {
    return Usage(kCreateUsage);
  }
  Result<uint64_t> bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
  // The owner's key signs the request itself; a token in the environment plays no part.
  ClientOptions options = args.client();
  options.token_file.clear();
  options.token_text.clear();
  Result<std::unique_ptr<NodeClient>> node = NodeClient::Create(options, where);
  if (!node.ok()) return Fail(node.status());
  const KeyPair& owner = *(*node)->signer();
  const std::string owner_hex = Hex(owner.public_key);
  NodeRequest request;
  request.method = "PUT";
  request.target = "/v1/buckets/" + std::to_string(*bucket);
  request.body = Json{{"owner", owner_hex}, {"public", make_public}}.dump();
  request.content_type = "application/json";
  Result<HttpResponse> r = (*node)->CallKeySigned(request, owner);
  if (!r.ok()) return Fail(r.status());
  const std::string line = BucketLine(*bucket, owner_hex, make_public);
  return WriteStdout(line) ? 0 : Fail(Status::IOError("writing standard output failed"));
}

int Show(Args& args, const KeyStoreLocation& where) {
  const std::string bucket_text = args.Option("--bucket");
  const bool json = args.Flag("--json");
  if (bucket_text.empty() || !args.Positionals().empty() || args.HasUnknown()) {
    return Usage(kShowUsage);
  }
  Result<uint64_t> bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
  Result<std::unique_ptr<NodeClient>> node = ConnectNode(args, where);
  if (!node.ok()) return Fail(node.status());
  NodeRequest request;
  request.target = "/v1/buckets/" + std::to_string(*bucket);
  request.bucket = *bucket;
  Result<Json> j = (*node)->CallJson(request);
  if (!j.ok()) return Fail(j.status());
  std::string text;
  if (json) {
    text = j->dump() + "\n";
  } else {
    const std::string owner = JsonText(*j, "owner");
    if (!j->value("registered", false)) {
      text = std::to_string(*bucket) + "\t-\tunregistered\n";
    } else if (owner.empty() || !j->value("public", Json()).is_boolean()) {
      return Fail(Status::Corruption("GET " + request.target +
                                     ": the answer has no owner and public: " + j->dump()));
    } else {
      text = BucketLine(*bucket, owner, (*j)["public"].get<bool>());
    }
  }
  return WriteStdout(text) ? 0 : Fail(Status::IOError("writing standard output failed"));
}

}  // namespace

int BucketCommand(Args& args) {
  const std::string sub = args.Next();
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  if (sub != "create" && sub != "show") return Usage("bucket create|show ...");
  if (args.client().node.empty()) {
    return Fail(Status::InvalidArgument("bucket " + sub +
                                        " works against a node: give --node URL (or $DDC_NODE)"));
  }
  if (args.Has("--dir")) return Usage(sub == "create" ? kCreateUsage : kShowUsage);
  return sub == "create" ? Create(args, where) : Show(args, where);
}

}  // namespace ddc::cli
