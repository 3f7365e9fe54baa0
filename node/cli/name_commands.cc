// `ddc name set`, `ddc name get` and `ddc names`: signed names (include/ddc/names.h) from the
// command line.
//
// `name set` signs a name record with the keystore's sign/<NAME> key, which must be the
// bucket's owner: the store is told who the owner is with --bucket-owner HEX (the chain's
// bucket registry will answer this for a node), and refuses the record otherwise. The sequence
// number defaults to the name's current one plus one (1 for a new name), read from the store
// while the command holds it, so that successive `name set` calls always advance; --seq picks
// one explicitly (a value not above the current one is refused with Conflict, unless the
// record is byte-identical to the current one). `name get` prints the target CID, so that
// `ddc blob get --dir D $(ddc name get --dir D --bucket 7 --name www)` follows a name;
// --json prints the whole record. `names` lists the current record of every name of a bucket.
//
// With --node URL (client mode) the same commands talk to a ddc-node: `name set` signs the
// record here (the key never leaves the keystore) and puts it; `name get` and `names` fetch the
// signed records and check each one's signature before printing, so the output is the local
// one's and a node cannot forge a name.
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>

#include "ddc/names.h"
#include "ddc/store.h"
#include "engine/base/macros.h"
#include "engine/timeline/base64.h"
#include "node/cli/cli.h"
#include "node/cli/keystore_cli.h"
#include "node/cli/remote.h"

namespace ddc::cli {
namespace {

constexpr char kNameSetUsage[] =
    "name set (--dir DIR | --node URL) [--keystore FILE] --signer NAME --bucket N --name S "
    "--cid CID [--ttl SECONDS] [--seq N] [--bucket-owner HEX]";
constexpr char kNameGetUsage[] = "name get (--dir DIR | --node URL) --bucket N --name S [--json]";
constexpr char kNamesUsage[] = "names (--dir DIR | --node URL) --bucket N [--json]";

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A record the node sent (its signed bytes, base64 or raw), decoded and its signature checked,
// as the store would keep it.
Result<StoredName> CheckedName(std::string_view bytes) {
  Result<NameRecord> record = DecodeName(Bytes(bytes));
  if (!record.ok()) return record.status().WithContext("the node's name record");
  if (Status s = VerifyName(*record); !s.ok()) {
    return Status::Corruption("the node sent a name record whose signature does not verify: " +
                              s.message());
  }
  StoredName stored;
  stored.cid = NameRecordCid(Bytes(bytes));
  stored.record = std::move(*record);
  stored.bytes = std::string(bytes);
  return stored;
}

std::string NamePath(uint64_t bucket, std::string_view name) {
  return "/v1/buckets/" + std::to_string(bucket) + "/names/" + std::string(name);
}

// The current record of a name on the node; NotFound when it has none.
Result<StoredName> FetchName(NodeClient& node, uint64_t bucket, const std::string& name) {
  NodeRequest request;
  request.target = NamePath(bucket, name);
  request.accept = "application/cbor";
  request.bucket = bucket;
  Result<HttpResponse> answer = node.Call(request);
  if (!answer.ok()) return answer.status();
  return CheckedName(answer->body);
}

// The store in `dir`; when `owner` is given, it is the owner of `bucket` (and of no other).
Result<std::unique_ptr<Store>> OpenWithOwner(const std::string& dir,
                                             const std::optional<PublicKey>& owner,
                                             uint64_t bucket) {
  Options options;
  options.dir = dir;
  options.create_if_missing = false;
  if (owner) {
    const PublicKey key = *owner;
    options.bucket_owner = [bucket, key](uint64_t asked) -> std::optional<PublicKey> {
      return asked == bucket ? std::optional<PublicKey>(key) : std::nullopt;
    };
  }
  return Store::Open(options);
}

std::string NameJson(const StoredName& n) {
  const NameRecord& r = n.record;
  std::ostringstream o;
  o << "{\"bucket\":" << r.bucket << ",\"name\":" << JsonString(r.name) << ",\"cid\":\""
    << r.target.ToString() << "\",\"seq\":" << r.sequence << ",\"ttl\":" << r.ttl_seconds
    << ",\"created_ms\":" << r.created_ms << ",\"signer\":\"" << Hex(r.signer) << "\",\"record\":\""
    << n.cid.ToString() << "\"}\n";
  return o.str();
}

// name, target, sequence, TTL, time, signer: tab-separated.
std::string NameLine(const StoredName& n) {
  const NameRecord& r = n.record;
  std::ostringstream o;
  o << r.name << '\t' << r.target.ToString() << '\t' << r.sequence << '\t' << r.ttl_seconds << '\t'
    << IsoTime(r.created_ms) << '\t' << Hex(r.signer) << '\n';
  return o.str();
}

struct SetRequest {
  std::string dir;
  std::string signer;
  uint64_t bucket = 0;
  std::string name;
  Cid target;
  uint32_t ttl_seconds = kDefaultNameTtlSeconds;
  std::optional<uint64_t> sequence;
  std::optional<PublicKey> owner;
};

// `name set --node`: the record is made and signed here, then put on the node.
Status SetNameRemote(Args& args, const KeyStoreLocation& where, const SetRequest& req) {
  DDC_RETURN_IF_ERROR(ValidateName(req.name));
  if (req.owner) {
    return Status::InvalidArgument(
        "--bucket-owner is for a local data dir: the node knows its buckets' owners");
  }
  auto node = ConnectNode(args, where);
  if (!node.ok()) return node.status();
  auto keys = OpenKeyStore(where, /*create_if_missing=*/false);
  if (!keys.ok()) return keys.status();
  auto key = GetSigningKey(**keys, req.signer);
  keys->reset();
  if (!key.ok()) return key.status();
  const WipeOnExit wipe_key(&*key);
  uint64_t sequence = 1;
  if (req.sequence) {
    sequence = *req.sequence;
  } else if (auto current = FetchName(**node, req.bucket, req.name); current.ok()) {
    if (current->record.sequence == UINT64_MAX) {
      return Status::Conflict("name \"" + req.name + "\" is at the last sequence number");
    }
    sequence = current->record.sequence + 1;
  } else if (!current.status().IsNotFound()) {
    return current.status();
  }
  auto record =
      MakeName(req.bucket, req.name, req.target, sequence, req.ttl_seconds, NowMs(), *key);
  if (!record.ok()) return record.status();
  auto bytes = EncodeName(*record);
  if (!bytes.ok()) return bytes.status();
  NodeRequest request;
  request.method = "PUT";
  request.target = NamePath(req.bucket, req.name);
  request.body = *bytes;
  request.content_type = "application/cbor";
  request.bucket = req.bucket;
  auto answer = (*node)->CallJson(request);
  if (!answer.ok()) return answer.status();
  const std::string cid = JsonText(*answer, "cid");
  if (cid != NameRecordCid(Bytes(*bytes)).ToString()) {
    return Status::Corruption("the node answered record CID '" + cid + "' for the record sent");
  }
  const bool existed = answer->value("existed", false);
  std::printf("%s seq %llu%s\n", cid.c_str(), static_cast<unsigned long long>(sequence),
              existed ? " (already current)" : "");
  return Status::OK();
}

Status SetName(const KeyStoreLocation& where, const SetRequest& req) {
  DDC_RETURN_IF_ERROR(ValidateName(req.name));
  auto keys = OpenKeyStore(where, /*create_if_missing=*/false);
  if (!keys.ok()) return keys.status();
  auto key = GetSigningKey(**keys, req.signer);
  keys->reset();
  if (!key.ok()) return key.status();
  const WipeOnExit wipe_key(&*key);
  auto store = OpenWithOwner(req.dir, req.owner, req.bucket);
  if (!store.ok()) return store.status();
  uint64_t sequence = 1;
  if (req.sequence) {
    sequence = *req.sequence;
  } else if (auto current = (*store)->GetName(req.bucket, req.name); current.ok()) {
    if (current->record.sequence == UINT64_MAX) {
      return Status::Conflict("name \"" + req.name + "\" is at the last sequence number");
    }
    sequence = current->record.sequence + 1;
  } else if (!current.status().IsNotFound()) {
    return current.status();
  }
  auto record =
      MakeName(req.bucket, req.name, req.target, sequence, req.ttl_seconds, NowMs(), *key);
  if (!record.ok()) return record.status();
  auto bytes = EncodeName(*record);
  if (!bytes.ok()) return bytes.status();
  auto put = (*store)->PutName(std::string_view(*bytes));
  if (!put.ok()) {
    if (put.status().IsPermissionDenied() && !req.owner) {
      return Status::PermissionDenied(put.status().message() +
                                      " (pass the bucket's owner with --bucket-owner HEX)");
    }
    return put.status();
  }
  DDC_RETURN_IF_ERROR((*store)->Close());
  std::printf("%s seq %llu%s\n", put->cid.ToString().c_str(),
              static_cast<unsigned long long>(sequence), put->existed ? " (already current)" : "");
  return Status::OK();
}

int NameSet(Args& args) {
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  SetRequest req;
  req.dir = args.Option("--dir");
  req.signer = args.Option("--signer");
  const std::string bucket_text = args.Option("--bucket");
  req.name = args.Option("--name");
  const std::string cid_text = args.Option("--cid");
  const std::string ttl_text = args.Option("--ttl");
  const std::string seq_text = args.Option("--seq");
  const std::string owner_text = args.Option("--bucket-owner");
  const bool remote = !args.client().node.empty();
  if (req.dir.empty() == !remote || req.signer.empty() || bucket_text.empty() || req.name.empty() ||
      cid_text.empty() || !args.Positionals().empty() || args.HasUnknown()) {
    return Usage(kNameSetUsage);
  }
  auto bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
  req.bucket = *bucket;
  auto target = Cid::Parse(cid_text);
  if (!target.ok()) return Fail(target.status().WithContext("--cid"));
  req.target = *target;
  if (!ttl_text.empty()) {
    auto ttl = ParseUint(ttl_text, "--ttl");
    if (!ttl.ok()) return Fail(ttl.status());
    if (*ttl < kMinNameTtlSeconds || *ttl > kMaxNameTtlSeconds) {
      return Fail(Status::InvalidArgument("--ttl " + ttl_text + " is outside " +
                                          std::to_string(kMinNameTtlSeconds) + ".." +
                                          std::to_string(kMaxNameTtlSeconds) + " seconds"));
    }
    req.ttl_seconds = static_cast<uint32_t>(*ttl);
  }
  if (!seq_text.empty()) {
    auto seq = ParseUint(seq_text, "--seq");
    if (!seq.ok()) return Fail(seq.status());
    req.sequence = *seq;
  }
  if (!owner_text.empty()) {
    auto owner = ParseHex32(owner_text, "--bucket-owner");
    if (!owner.ok()) return Fail(owner.status());
    req.owner = *owner;
  }
  Status s = remote ? SetNameRemote(args, where, req) : SetName(where, req);
  return s.ok() ? 0 : Fail(s);
}

int NameGet(Args& args) {
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  const std::string dir = args.Option("--dir");
  const std::string bucket_text = args.Option("--bucket");
  const std::string name = args.Option("--name");
  const bool json = args.Flag("--json");
  const bool remote = !args.client().node.empty();
  if (dir.empty() == !remote || bucket_text.empty() || name.empty() ||
      !args.Positionals().empty() || args.HasUnknown()) {
    return Usage(kNameGetUsage);
  }
  auto bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
  if (remote) {
    auto node = ConnectNode(args, where);
    if (!node.ok()) return Fail(node.status());
    auto found = FetchName(**node, *bucket, name);
    if (!found.ok()) return Fail(found.status());
    const std::string text = json ? NameJson(*found) : found->record.target.ToString() + "\n";
    return WriteStdout(text) ? 0 : Fail(Status::IOError("writing standard output failed"));
  }
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  auto found = (*store)->GetName(*bucket, name);
  if (!found.ok()) return Fail(found.status());
  Status closed = (*store)->Close();
  if (!closed.ok()) return Fail(closed);
  const std::string text = json ? NameJson(*found) : found->record.target.ToString() + "\n";
  return WriteStdout(text) ? 0 : Fail(Status::IOError("writing standard output failed"));
}

}  // namespace

int NameCommand(Args& args) {
  const std::string sub = args.Next();
  if (sub == "set") return NameSet(args);
  if (sub == "get") return NameGet(args);
  return Usage(std::string(kNameSetUsage) + " | " + kNameGetUsage);
}

int NamesCommand(Args& args) {
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  const std::string dir = args.Option("--dir");
  const std::string bucket_text = args.Option("--bucket");
  const bool json = args.Flag("--json");
  const bool remote = !args.client().node.empty();
  if (dir.empty() == !remote || bucket_text.empty() || !args.Positionals().empty() ||
      args.HasUnknown()) {
    return Usage(kNamesUsage);
  }
  auto bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
  if (remote) {
    auto node = ConnectNode(args, where);
    if (!node.ok()) return Fail(node.status());
    NodeRequest request;
    request.target = "/v1/buckets/" + std::to_string(*bucket) + "/names";
    request.bucket = *bucket;
    auto answer = (*node)->CallJson(request);
    if (!answer.ok()) return Fail(answer.status());
    std::string text;
    for (const nlohmann::json& n : answer->value("names", nlohmann::json::array())) {
      auto bytes = timeline::Base64Decode(JsonText(n, "record"));
      if (!bytes.ok()) return Fail(bytes.status().WithContext("the node's name record"));
      auto stored = CheckedName(
          std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
      if (!stored.ok()) return Fail(stored.status());
      text += json ? NameJson(*stored) : NameLine(*stored);
    }
    return WriteStdout(text) ? 0 : Fail(Status::IOError("writing standard output failed"));
  }
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  const std::vector<StoredName> names = (*store)->Names(*bucket);
  Status closed = (*store)->Close();
  if (!closed.ok()) return Fail(closed);
  std::string text;
  for (const StoredName& n : names) text += json ? NameJson(n) : NameLine(n);
  return WriteStdout(text) ? 0 : Fail(Status::IOError("writing standard output failed"));
}

}  // namespace ddc::cli
