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
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>

#include "ddc/names.h"
#include "ddc/store.h"
#include "engine/base/macros.h"
#include "node/cli/cli.h"
#include "node/cli/keystore_cli.h"

namespace ddc::cli {
namespace {

constexpr char kNameSetUsage[] =
    "name set --dir DIR [--keystore FILE] --signer NAME --bucket N --name S --cid CID "
    "[--ttl SECONDS] [--seq N] [--bucket-owner HEX]";
constexpr char kNameGetUsage[] = "name get --dir DIR --bucket N --name S [--json]";
constexpr char kNamesUsage[] = "names --dir DIR --bucket N [--json]";

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
  if (req.dir.empty() || req.signer.empty() || bucket_text.empty() || req.name.empty() ||
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
  Status s = SetName(where, req);
  return s.ok() ? 0 : Fail(s);
}

int NameGet(Args& args) {
  const std::string dir = args.Option("--dir");
  const std::string bucket_text = args.Option("--bucket");
  const std::string name = args.Option("--name");
  const bool json = args.Flag("--json");
  if (dir.empty() || bucket_text.empty() || name.empty() || !args.Positionals().empty() ||
      args.HasUnknown()) {
    return Usage(kNameGetUsage);
  }
  auto bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
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
  const std::string dir = args.Option("--dir");
  const std::string bucket_text = args.Option("--bucket");
  const bool json = args.Flag("--json");
  if (dir.empty() || bucket_text.empty() || !args.Positionals().empty() || args.HasUnknown()) {
    return Usage(kNamesUsage);
  }
  auto bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
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
