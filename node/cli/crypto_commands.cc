// `ddc keygen`, `seal`, `open`, `grant`, `grants`, `erase` and `import v0`: scope encryption,
// sharing and erasure from the command line, with every secret kept in a passphrase-encrypted
// keystore (keystore_cli.h names its entries).
//
// `seal` turns an app's JSON object into a signed event whose scopes are sealed under keys
// derived from the user's (or the app's) master key; `open` turns it back into JSON with whatever
// keys the keystore holds and says, per scope, why one stayed closed. `grant` wraps one scope
// key for a partner's X25519 key and stores the signed grant; the partner's `grants --accept`
// unwraps it into the partner's own keystore. `erase` applies a signed tombstone with the
// keystore attached to the store, so that erasing a whole timeline also shreds the user's
// master keys. `import v0` re-signs a 2021 v0 event, after checking its old signature, as a
// version-1 event.
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "ddc/compat.h"
#include "ddc/crypto.h"
#include "ddc/erasure.h"
#include "ddc/grants.h"
#include "ddc/keystore.h"
#include "ddc/scopes.h"
#include "ddc/store.h"
#include "node/cli/cli.h"
#include "node/cli/keystore_cli.h"
#include "node/cli/remote.h"

namespace ddc::cli {
namespace {

constexpr char kKeygenUsage[] =
    "keygen [--keystore FILE] (--sign NAME | --box NAME | --master --bucket N [--user HEX] "
    "[--rotate])";
constexpr char kSealUsage[] =
    "seal [--keystore FILE] --policy FILE --user NAME --bucket N --id ID --type T [--time MS] "
    "[--prev CID] [-o FILE | --dir DIR | --node URL] [JSON-FILE|-]";
constexpr char kOpenUsage[] =
    "open [--keystore FILE] (--dir DIR CID | --node URL CID | EVENT-FILE|-) [--json]";
constexpr char kGrantUsage[] =
    "grant [--keystore FILE] (--dir DIR | --node URL) --granter NAME --to X25519HEX --bucket N "
    "[--user HEX] --scope S [--kv V] [--bucket-owner HEX (with --dir)]";
constexpr char kGrantsUsage[] =
    "grants (--dir DIR | --node URL) (--grantee HEX | --bucket N --scope S) [--json] | "
    "grants (--dir DIR | --node URL) --accept --box NAME [--keystore FILE]";
constexpr char kEraseUsage[] =
    "erase [--keystore FILE] (--dir DIR | --node URL) --signer NAME --bucket N --user HEX "
    "[--event CID] [--reason TEXT] [--bucket-owner HEX (with --dir)]";
constexpr char kImportUsage[] =
    "import v0 [--keystore FILE] --policy FILE --user NAME --bucket N "
    "(--scheme-a-master HEX --scope NAME | --scheme-b-master TEXT --path JSONPATH | --plain) "
    "[--type T] [--dir DIR | -o FILE] V0-JSON-FILE";

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Hex digits (either case, an optional "0x" first) as bytes; `want` bytes unless 0.
Result<std::string> ParseHexBytes(std::string_view text, size_t want, std::string_view what) {
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  if (text.size() % 2 != 0 || (want != 0 && text.size() != 2 * want)) {
    return Status::InvalidArgument(std::string(what) + " is " + std::to_string(text.size()) +
                                   " hex digits, want " +
                                   (want != 0 ? std::to_string(2 * want) : "an even number"));
  }
  std::string out(text.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    unsigned value = 0;
    for (size_t j = 0; j < 2; ++j) {
      const char c = text[2 * i + j];
      const int digit = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
      if (digit < 0) {
        return Status::InvalidArgument(std::string(what) + ": not a hex digit at character " +
                                       std::to_string(2 * i + j));
      }
      value = value << 4 | static_cast<unsigned>(digit);
    }
    out[i] = static_cast<char>(value);
  }
  return out;
}

Result<std::optional<PublicKey>> OptionalKey(const std::string& text, std::string_view what) {
  if (text.empty()) return std::optional<PublicKey>();
  Result<std::array<uint8_t, 32>> key = ParseHex32(text, what);
  if (!key.ok()) return key.status();
  return std::optional<PublicKey>(*key);
}

// The store in `dir`, told who owns `bucket` when --bucket-owner was given, with `keystore`
// attached for crypto-shredding.
Result<std::unique_ptr<Store>> OpenStoreFor(const std::string& dir, bool create,
                                            const std::optional<PublicKey>& owner, uint64_t bucket,
                                            KeyStore* keystore) {
  Options options;
  options.dir = dir;
  options.create_if_missing = create;
  options.keystore = keystore;
  if (owner) {
    options.bucket_owner = [bucket, key = *owner](uint64_t b) -> std::optional<PublicKey> {
      if (b == bucket) return key;
      return std::nullopt;
    };
  }
  return Store::Open(options);
}

}  // namespace

// ---- keygen ----

int KeygenCommand(Args& args) {
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  const std::string sign = args.Option("--sign");
  const std::string box = args.Option("--box");
  const bool master = args.Flag("--master");
  const std::string bucket_text = args.Option("--bucket");
  const std::string user_text = args.Option("--user");
  const bool rotate = args.Flag("--rotate");
  const int kinds =
      static_cast<int>(!sign.empty()) + static_cast<int>(!box.empty()) + static_cast<int>(master);
  if (kinds != 1 || master == bucket_text.empty() || (!master && (!user_text.empty() || rotate)) ||
      !args.Positionals().empty() || args.HasUnknown()) {
    return Usage(kKeygenUsage);
  }
  auto keys = OpenKeyStore(where, /*create_if_missing=*/true);
  if (!keys.ok()) return Fail(keys.status());
  KeyStore& ks = **keys;
  const auto refuse_existing = [&](const std::string& name) {
    return Status::Conflict("keystore " + ks.path() + ": " + name +
                            " exists; not overwriting a key");
  };
  if (!sign.empty() || !box.empty()) {
    const std::string name = !sign.empty() ? SignName(sign) : BoxName(box);
    if (ks.Get(name).ok()) return Fail(refuse_existing(name));
    std::string public_hex;
    Status put;
    if (!sign.empty()) {
      KeyPair key = KeyPair::Generate();
      put = ks.Put(name, KeyKind::kSigningSeed, std::span(key.secret_key).first(32));
      public_hex = Hex(key.public_key);
      Wipe(key.secret_key);
    } else {
      BoxKeyPair key = BoxKeyPair::Generate();
      put = ks.Put(name, KeyKind::kBoxSecret, key.secret_key);
      public_hex = Hex(key.public_key);
      Wipe(key.secret_key);
    }
    if (!put.ok()) return Fail(put);
    std::printf("%s\n", public_hex.c_str());
    return 0;
  }
  auto bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
  auto user = OptionalKey(user_text, "--user");
  if (!user.ok()) return Fail(user.status());
  const std::string name = MasterName(*bucket, *user);
  auto existing = GetMaster(ks, name);
  std::unique_ptr<MasterEntry> entry;
  if (rotate) {
    if (!existing.ok()) return Fail(existing.status().WithContext("--rotate"));
    entry = std::move(existing).value();
    if (entry->version == UINT32_MAX) {
      return Fail(Status::InvalidArgument(name + " is at the last key version"));
    }
    ++entry->version;
  } else {
    if (existing.ok()) {
      return Fail(Status::Conflict("keystore " + ks.path() + ": " + name +
                                   " exists; use --rotate to seal new events under its next "
                                   "key version"));
    }
    if (!existing.status().IsNotFound()) return Fail(existing.status());
    entry = std::make_unique<MasterEntry>();
    entry->key = GenerateMasterKey();
    entry->version = 1;
  }
  Status put = PutMaster(&ks, name, *entry);
  if (!put.ok()) return Fail(put);
  std::printf("%s version %u\n", name.c_str(), entry->version);
  return 0;
}

namespace {

// ---- seal and import: building an event ----

struct BuildRequest {
  ScopePolicy policy;
  std::string signer;  // sign/<signer> signs the event.
  uint64_t bucket = 0;
  std::string id;
  std::string type;
  uint64_t time_ms = 0;
  std::string prev;  // A CID, or empty: the timeline's head when appending.
  std::string json;
  std::string dir;       // Append here, or
  ClientOptions client;  // to the node client.node (client mode), or
  std::string out;       // write the event here.
};

Status BuildAndEmit(const KeyStoreLocation& where, const BuildRequest& req) {
  auto keys = OpenKeyStore(where, /*create_if_missing=*/false);
  if (!keys.ok()) return keys.status();
  auto user_key = GetSigningKey(**keys, req.signer);
  if (!user_key.ok()) return user_key.status();
  KeyPair& key = *user_key;
  const WipeOnExit wipe_key(&key);
  auto ring = SealingRing(**keys, req.bucket, key.public_key);
  keys->reset();
  if (!ring.ok()) return ring.status();

  std::unique_ptr<Store> store;
  std::optional<Cid> prev;
  if (!req.prev.empty()) {
    auto parsed = Cid::Parse(req.prev);
    if (!parsed.ok()) return parsed.status().WithContext("--prev");
    prev = *parsed;
  }
  if (!req.dir.empty()) {
    auto opened = OpenStore(req.dir, /*create=*/true);
    if (!opened.ok()) return opened.status();
    store = std::move(opened).value();
    if (!prev) {
      auto head = TimelineHead(*store, req.bucket, key.public_key);
      if (!head.ok()) return head.status();
      prev = *head;
    }
  }
  std::unique_ptr<NodeClient> node;
  if (!req.client.node.empty()) {  // After the keystore is closed: the client may open it.
    auto connected = NodeClient::Create(req.client, where);
    if (!connected.ok()) return connected.status();
    node = std::move(connected).value();
    if (!prev) {
      auto head = RemoteTimelineHead(*node, req.bucket, key.public_key);
      if (!head.ok()) return head.status();
      prev = *head;
    }
  }
  auto builder = EventBuilder::Create(req.policy);
  if (!builder.ok()) return builder.status().WithContext("--policy");
  EventInput input;
  input.bucket = req.bucket;
  input.id = req.id;
  input.type = req.type;
  input.timestamp_ms = req.time_ms;
  input.prev = prev;
  input.json = req.json;
  auto event = builder->Build(input, *ring, key);
  if (!event.ok()) {
    if (!event.status().IsNotFound()) return event.status();
    return Status::NotFound(event.status().message() + " (make one with `ddc keygen --master " +
                            "--bucket " + std::to_string(req.bucket) + " --user " +
                            Hex(key.public_key) + "`)");
  }
  if (node) return AppendRemote(*node, *event);
  return EmitEvent(*event, store.get(), req.out);
}

Result<ScopePolicy> ReadPolicy(const std::string& path) {
  auto text = ReadInput(path);
  if (!text.ok()) return text.status().WithContext("--policy");
  auto policy = ScopePolicy::FromJson(*text);
  if (!policy.ok()) return policy.status().WithContext("--policy " + path);
  return policy;
}

// The options seal and import share; false when one is missing or malformed (usage).
bool TakeBuildOptions(Args& args, BuildRequest* req, std::string* policy_path, Status* error) {
  *policy_path = args.Option("--policy");
  req->signer = args.Option("--user");
  const std::string bucket_text = args.Option("--bucket");
  req->dir = args.Option("--dir");
  req->out = args.Option("-o");
  if (policy_path->empty() || req->signer.empty() || bucket_text.empty() ||
      (!req->dir.empty() && !req->out.empty())) {
    return false;
  }
  auto bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) {
    *error = bucket.status();
    return true;
  }
  req->bucket = *bucket;
  return true;
}

}  // namespace

int SealCommand(Args& args) {
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  BuildRequest req;
  std::string policy_path;
  Status error;
  const bool usable = TakeBuildOptions(args, &req, &policy_path, &error);
  req.id = args.Option("--id");
  req.type = args.Option("--type");
  const std::string time_text = args.Option("--time");
  req.prev = args.Option("--prev");
  const std::vector<std::string> rest = args.Positionals();
  req.client = args.client();
  if (!usable || req.id.empty() || req.type.empty() || rest.size() > 1 || args.HasUnknown() ||
      (!req.client.node.empty() && (!req.dir.empty() || !req.out.empty()))) {
    return Usage(kSealUsage);
  }
  if (!error.ok()) return Fail(error);
  req.time_ms = NowMs();
  if (!time_text.empty()) {
    auto time = ParseUint(time_text, "--time");
    if (!time.ok()) return Fail(time.status());
    req.time_ms = *time;
  }
  auto policy = ReadPolicy(policy_path);
  if (!policy.ok()) return Fail(policy.status());
  req.policy = std::move(policy).value();
  auto json = ReadInput(rest.empty() ? "-" : rest[0]);
  if (!json.ok()) return Fail(json.status());
  req.json = std::move(json).value();
  Status s = BuildAndEmit(where, req);
  WipeString(&req.json);
  return s.ok() ? 0 : Fail(s);
}

namespace {

// ---- open ----

std::string OpenedJson(const Event& e, const Cid& cid, const OpenedEvent& opened) {
  std::ostringstream o;
  o << "{\"cid\":\"" << cid.ToString() << "\",\"bucket\":" << e.bucket << ",\"user\":\""
    << Hex(e.user) << "\",\"id\":" << JsonString(e.id) << ",\"type\":" << JsonString(e.type)
    << ",\"time_ms\":" << e.timestamp_ms << ",\"data\":" << opened.json << ",\"scopes\":[";
  for (size_t i = 0; i < opened.scopes.size(); ++i) {
    const ScopeState& s = opened.scopes[i];
    o << (i > 0 ? "," : "") << "{\"name\":" << JsonString(s.name)
      << ",\"public\":" << (s.is_public ? "true" : "false") << ",\"kv\":" << s.key_version
      << ",\"outcome\":\"" << OutcomeName(s.outcome) << "\",\"message\":" << JsonString(s.message)
      << "}";
  }
  const char* signature = opened.signature == OpenedEvent::Signature::kVerified  ? "verified"
                          : opened.signature == OpenedEvent::Signature::kTrusted ? "trusted"
                                                                                 : "failed";
  o << "],\"signature\":\"" << signature << '"';
  if (!opened.signature_error.empty()) {
    o << ",\"signature_error\":" << JsonString(opened.signature_error);
  }
  o << "}\n";
  return o.str();
}

}  // namespace

int OpenCommand(Args& args) {
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  const std::string dir = args.Option("--dir");
  const bool json = args.Flag("--json");
  const std::vector<std::string> rest = args.Positionals();
  const bool remote = !args.client().node.empty();
  if (rest.size() != 1 || args.HasUnknown() || (remote && !dir.empty())) return Usage(kOpenUsage);
  auto keys = OpenKeyStore(where, /*create_if_missing=*/false);
  if (!keys.ok()) return Fail(keys.status());
  auto ring = FullRing(**keys);
  keys->reset();
  if (!ring.ok()) return Fail(ring.status());

  Event event;
  Cid cid;
  ReadOptions read_options;
  if (!dir.empty()) {
    auto parsed = Cid::Parse(rest[0]);
    if (!parsed.ok()) return Fail(parsed.status());
    cid = *parsed;
    auto store = OpenStore(dir, /*create=*/false);
    if (!store.ok()) return Fail(store.status());
    auto stored = (*store)->GetEvent(cid);
    if (!stored.ok()) return Fail(stored.status());
    event = std::move(stored).value();
    read_options.signature_already_verified = true;  // Store::Append verified it.
    Status closed = (*store)->Close();
    if (!closed.ok()) return Fail(closed);
  } else if (remote) {  // The signature is checked here: the node is not trusted with it.
    auto parsed = Cid::Parse(rest[0]);
    if (!parsed.ok()) return Fail(parsed.status());
    cid = *parsed;
    auto node = ConnectNode(args, where);
    if (!node.ok()) return Fail(node.status());
    auto bytes = FetchEventBytes(**node, cid, std::nullopt);
    if (!bytes.ok()) return Fail(bytes.status());
    auto decoded = DecodeEvent(Bytes(*bytes));
    if (!decoded.ok()) return Fail(decoded.status());
    event = std::move(decoded).value();
  } else {
    auto bytes = ReadInput(rest[0]);
    if (!bytes.ok()) return Fail(bytes.status());
    auto decoded = DecodeEvent(Bytes(*bytes));
    if (!decoded.ok()) return Fail(decoded.status());
    event = std::move(decoded).value();
    cid = EventCid(Bytes(*bytes));
  }
  auto opened = EventReader().Open(event, *ring, read_options);
  if (!opened.ok()) return Fail(opened.status());
  const std::string text = json ? OpenedJson(event, cid, *opened) : opened->json + "\n";
  if (!WriteStdout(text)) return Fail(Status::IOError("writing standard output failed"));
  if (!json) {
    for (const ScopeState& s : opened->scopes) {
      if (s.outcome != ScopeState::Outcome::kOpened) {
        std::fprintf(stderr, "note: %s: %s\n", OutcomeName(s.outcome), s.message.c_str());
      }
    }
  }
  if (opened->signature == OpenedEvent::Signature::kFailed) {
    return Fail(Status::InvalidArgument("the event's signature does not verify: " +
                                        opened->signature_error));
  }
  return 0;
}

// ---- grant and grants ----

int GrantCommand(Args& args) {
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  const std::string dir = args.Option("--dir");
  const std::string granter = args.Option("--granter");
  const std::string to_text = args.Option("--to");
  const std::string bucket_text = args.Option("--bucket");
  const std::string user_text = args.Option("--user");
  const std::string scope = args.Option("--scope");
  const std::string kv_text = args.Option("--kv");
  const std::string owner_text = args.Option("--bucket-owner");
  const bool remote = !args.client().node.empty();
  if (dir.empty() != remote || granter.empty() || to_text.empty() || bucket_text.empty() ||
      scope.empty() || (remote && !owner_text.empty()) || !args.Positionals().empty() ||
      args.HasUnknown()) {
    return Usage(kGrantUsage);
  }
  auto grantee = ParseHex32(to_text, "--to");
  if (!grantee.ok()) return Fail(grantee.status());
  auto bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
  auto user = OptionalKey(user_text, "--user");
  if (!user.ok()) return Fail(user.status());
  auto owner = OptionalKey(owner_text, "--bucket-owner");
  if (!owner.ok()) return Fail(owner.status());

  auto keys = OpenKeyStore(where, /*create_if_missing=*/false);
  if (!keys.ok()) return Fail(keys.status());
  auto granter_key = GetSigningKey(**keys, granter);
  if (!granter_key.ok()) return Fail(granter_key.status());
  const WipeOnExit wipe_granter(&*granter_key);
  // A user's scope keys derive from the user's own master key, else from the app's.
  auto master = GetMaster(**keys, MasterName(*bucket, *user));
  if (!master.ok() && master.status().IsNotFound() && *user) {
    master = GetMaster(**keys, MasterName(*bucket, std::nullopt));
  }
  keys->reset();
  if (!master.ok()) return Fail(master.status());
  uint32_t kv = (*master)->version;
  if (!kv_text.empty()) {
    auto parsed = ParseUint(kv_text, "--kv");
    if (!parsed.ok() || *parsed == 0 || *parsed > kv) {
      return Fail(Status::InvalidArgument("--kv " + kv_text + ": want a key version 1.." +
                                          std::to_string(kv) + " of the master key"));
    }
    kv = static_cast<uint32_t>(*parsed);
  }
  auto grant =
      MakeGrant((*master)->key, *bucket, *user, scope, kv, *grantee, *granter_key, NowMs());
  if (!grant.ok()) return Fail(grant.status());
  auto bytes = EncodeGrant(*grant);
  if (!bytes.ok()) return Fail(bytes.status());
  if (remote) {
    auto node = ConnectNode(args, where);
    if (!node.ok()) return Fail(node.status());
    auto cid = PutGrantRemote(**node, std::move(*bytes), *bucket);
    if (!cid.ok()) return Fail(cid.status());
    std::printf("%s\n", cid->ToString().c_str());
    return 0;
  }
  auto store = OpenStoreFor(dir, /*create=*/true, *owner, *bucket, nullptr);
  if (!store.ok()) return Fail(store.status());
  auto cid = (*store)->PutGrant(std::string_view(*bytes));
  if (!cid.ok()) return Fail(cid.status());
  Status closed = (*store)->Close();
  if (!closed.ok()) return Fail(closed);
  std::printf("%s\n", cid->ToString().c_str());
  return 0;
}

namespace {

std::string GrantLine(const GrantRecord& r, bool json) {
  const Grant& g = r.grant;
  const std::string user = g.user ? Hex(*g.user) : "*";
  std::ostringstream o;
  if (json) {
    o << "{\"cid\":\"" << r.cid.ToString() << "\",\"bucket\":" << g.bucket
      << ",\"user\":" << (g.user ? "\"" + user + "\"" : std::string("null"))
      << ",\"scope\":" << JsonString(g.scope) << ",\"kv\":" << g.key_version << ",\"grantee\":\""
      << Hex(g.grantee) << "\",\"granter\":\"" << Hex(g.granter)
      << "\",\"created_ms\":" << g.created_ms << "}\n";
  } else {
    o << r.cid.ToString() << '\t' << g.bucket << '\t' << user << '\t' << g.scope << '\t'
      << g.key_version << '\t' << Hex(g.grantee) << '\t' << Hex(g.granter) << '\t'
      << IsoTime(g.created_ms) << '\n';
  }
  return o.str();
}

// The grants come from the store in `dir`, or from `node` in client mode.
int AcceptGrants(const std::string& dir, NodeClient* node, const KeyStoreLocation& where,
                 const std::string& box) {
  auto keys = OpenKeyStore(where, /*create_if_missing=*/false);
  if (!keys.ok()) return Fail(keys.status());
  auto pair = GetBoxKey(**keys, box);
  if (!pair.ok()) return Fail(pair.status());
  const WipeOnExit wipe_pair(&*pair);
  std::vector<GrantRecord> grants;
  Status closed;
  if (node != nullptr) {
    auto fetched = FetchGrants(*node, "grantee=" + Hex(pair->public_key), std::nullopt);
    if (!fetched.ok()) return Fail(fetched.status());
    grants = std::move(fetched).value();
  } else {
    auto store = OpenStore(dir, /*create=*/false);
    if (!store.ok()) return Fail(store.status());
    grants = (*store)->GrantsForGrantee(pair->public_key);
    closed = (*store)->Close();
  }
  size_t accepted = 0;
  Status failed;
  for (const GrantRecord& r : grants) {
    auto key = OpenGrant(r.grant, *pair);
    if (!key.ok()) {
      failed = key.status().WithContext("grant " + r.cid.ToString());
      break;
    }
    const std::string name =
        ScopeKeyName(r.grant.bucket, r.grant.user, r.grant.scope, r.grant.key_version);
    Status put = (*keys)->Put(name, KeyKind::kScopeKey, *key);
    Wipe(*key);
    if (!put.ok()) {
      failed = put;
      break;
    }
    ++accepted;
    std::printf("accepted %s as %s\n", r.cid.ToString().c_str(), name.c_str());
  }
  if (!failed.ok()) return Fail(failed);
  if (!closed.ok()) return Fail(closed);
  std::fprintf(stderr, "%zu grant(s) for %s accepted into %s\n", accepted,
               Hex(pair->public_key).c_str(), (*keys)->path().c_str());
  return 0;
}

}  // namespace

int GrantsCommand(Args& args) {
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  const std::string dir = args.Option("--dir");
  const std::string grantee_text = args.Option("--grantee");
  const std::string bucket_text = args.Option("--bucket");
  const std::string scope = args.Option("--scope");
  const bool json = args.Flag("--json");
  const bool accept = args.Flag("--accept");
  const std::string box = args.Option("--box");
  const bool by_grantee = !grantee_text.empty();
  const bool by_scope = !bucket_text.empty() && !scope.empty();
  const bool remote = !args.client().node.empty();
  if (dir.empty() != remote || !args.Positionals().empty() || args.HasUnknown() ||
      (accept ? (box.empty() || by_grantee || !bucket_text.empty() || !scope.empty() || json)
              : (!box.empty() || by_grantee == by_scope ||
                 (by_grantee && (!bucket_text.empty() || !scope.empty()))))) {
    return Usage(kGrantsUsage);
  }
  std::unique_ptr<NodeClient> node;
  if (remote) {  // Before the keystore is opened: the client may open it for --as.
    auto connected = ConnectNode(args, where);
    if (!connected.ok()) return Fail(connected.status());
    node = std::move(connected).value();
  }
  if (accept) return AcceptGrants(dir, node.get(), where, box);
  std::vector<GrantRecord> grants;
  if (remote) {
    std::string query = "grantee=" + QueryEscape(grantee_text);
    std::optional<uint64_t> bucket;
    if (!by_grantee) {
      auto parsed = ParseUint(bucket_text, "--bucket");
      if (!parsed.ok()) return Fail(parsed.status());
      bucket = *parsed;
      query = "bucket=" + std::to_string(*parsed) + "&scope=" + QueryEscape(scope);
    }
    auto fetched = FetchGrants(*node, query, bucket);
    if (!fetched.ok()) return Fail(fetched.status());
    std::string text;
    for (const GrantRecord& r : *fetched) text += GrantLine(r, json);
    return WriteStdout(text) ? 0 : Fail(Status::IOError("writing standard output failed"));
  }
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  if (by_grantee) {
    auto grantee = ParseHex32(grantee_text, "--grantee");
    if (!grantee.ok()) return Fail(grantee.status());
    grants = (*store)->GrantsForGrantee(*grantee);
  } else {
    auto bucket = ParseUint(bucket_text, "--bucket");
    if (!bucket.ok()) return Fail(bucket.status());
    grants = (*store)->GrantsForScope(*bucket, scope);
  }
  Status closed = (*store)->Close();
  if (!closed.ok()) return Fail(closed);
  std::string text;
  for (const GrantRecord& r : grants) text += GrantLine(r, json);
  return WriteStdout(text) ? 0 : Fail(Status::IOError("writing standard output failed"));
}

// ---- erase ----

int EraseCommand(Args& args) {
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  const std::string dir = args.Option("--dir");
  const std::string signer = args.Option("--signer");
  const std::string bucket_text = args.Option("--bucket");
  const std::string user_text = args.Option("--user");
  const std::string event_text = args.Option("--event");
  const std::string reason = args.Option("--reason");
  const std::string owner_text = args.Option("--bucket-owner");
  const bool remote = !args.client().node.empty();
  if (dir.empty() != remote || signer.empty() || bucket_text.empty() || user_text.empty() ||
      (remote && !owner_text.empty()) || !args.Positionals().empty() || args.HasUnknown()) {
    return Usage(kEraseUsage);
  }
  Tombstone tombstone;
  auto bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
  tombstone.bucket = *bucket;
  auto user = ParseHex32(user_text, "--user");
  if (!user.ok()) return Fail(user.status());
  tombstone.user = *user;
  if (!event_text.empty()) {
    auto event = Cid::Parse(event_text);
    if (!event.ok()) return Fail(event.status().WithContext("--event"));
    tombstone.event = *event;
  }
  tombstone.reason = reason;
  tombstone.timestamp_ms = NowMs();
  auto owner = OptionalKey(owner_text, "--bucket-owner");
  if (!owner.ok()) return Fail(owner.status());

  auto keys = OpenKeyStore(where, /*create_if_missing=*/false);
  if (!keys.ok()) return Fail(keys.status());
  auto signer_key = GetSigningKey(**keys, signer);
  if (!signer_key.ok()) return Fail(signer_key.status());
  const WipeOnExit wipe_signer(&*signer_key);
  Status signed_ok = SignTombstone(&tombstone, *signer_key);
  if (!signed_ok.ok()) return Fail(signed_ok);
  auto bytes = EncodeTombstone(tombstone);
  if (!bytes.ok()) return Fail(bytes.status());
  Result<EraseResult> erased = Status::Failed("not erased");
  if (remote) {
    // The node erases and shreds the keys it holds; this keystore is left as it is.
    keys->reset();  // The client may open the keystore for --as.
    auto node = ConnectNode(args, where);
    if (!node.ok()) return Fail(node.status());
    erased = EraseRemote(**node, std::move(*bytes), *bucket);
    if (!erased.ok()) return Fail(erased.status());
  } else {
    // The keystore outlives the store (declared first, destroyed last).
    auto store = OpenStoreFor(dir, /*create=*/false, *owner, *bucket, keys->get());
    if (!store.ok()) return Fail(store.status());
    erased = (*store)->Erase(std::string_view(*bytes));
    if (!erased.ok()) return Fail(erased.status());
    Status closed = (*store)->Close();
    if (!closed.ok()) return Fail(closed);
  }
  std::printf("tombstone %s%s\nevents erased: %llu\ngrants destroyed: %llu\nkeys shredded: %llu\n",
              erased->tombstone.ToString().c_str(), erased->existed ? " (already stored)" : "",
              static_cast<unsigned long long>(erased->events_erased),
              static_cast<unsigned long long>(erased->grants_destroyed),
              static_cast<unsigned long long>(erased->keys_shredded));
  return 0;
}

namespace {

// ---- import v0 ----

using Json = nlohmann::json;

constexpr const char* kV0Fields[] = {"id",   "timestamp", "appPubKey", "userPubKey",
                                     "data", "signature", "publicKey"};

// The v0 record's data as the new event's JSON object: data that is a JSON object is taken as
// it is; anything else becomes {"data": "<text>"}. The record itself is added under "v0".
Result<std::string> ImportedJson(const std::string& plaintext, const Json& record) {
  Json data = Json::parse(plaintext, nullptr, /*allow_exceptions=*/false);
  if (data.is_discarded() || !data.is_object()) {
    // Parsing the text as a JSON string literal also checks that it is UTF-8.
    Json text = Json::parse(JsonString(plaintext), nullptr, /*allow_exceptions=*/false);
    if (text.is_discarded()) {
      return Status::InvalidArgument("v0 data is neither a JSON object nor UTF-8 text");
    }
    data = Json::object({{"data", std::move(text)}});
  }
  if (data.contains("v0")) {
    return Status::InvalidArgument(
        "v0 data has a member \"v0\", the name the import gives the "
        "original record");
  }
  data["v0"] = record;
  return data.dump();
}

// Adds the scope "v0" claiming $.v0 to the policy; InvalidArgument if the policy uses the name.
Status AddV0Scope(ScopePolicy* policy, bool is_public) {
  bool taken = policy->default_scope == "v0" || policy->scopes.contains("v0") ||
               policy->public_scopes.contains("v0");
  for (const auto& [name, paths] : policy->scopes) {
    for (const std::string& path : paths) {
      taken = taken || path == "$.v0" || path.starts_with("$.v0.") || path.starts_with("$.v0[") ||
              path.starts_with("$['v0']");
    }
  }
  if (taken) {
    return Status::InvalidArgument(
        "--policy uses the scope name \"v0\" or the path $.v0, which the import needs for the "
        "original record");
  }
  policy->scopes["v0"] = {"$.v0"};
  if (is_public) policy->public_scopes.insert("v0");
  return policy->Validate();
}

struct V0Source {
  std::string scheme_a_master;  // Hex, with scope_name.
  std::string scope_name;
  std::string scheme_b_master;  // UTF-8 text, with json_path.
  std::string json_path;
};

// The v0 data as plaintext: as it is, or opened with scheme A or B (data then holds the sealed
// bytes in hex).
Result<std::string> OpenV0Data(const std::string& data, const V0Source& source) {
  if (source.scheme_a_master.empty() && source.scheme_b_master.empty()) return data;
  auto sealed = ParseHexBytes(data, 0, "v0 data");
  if (!sealed.ok()) return sealed.status();
  if (!source.scheme_a_master.empty()) {
    auto master_bytes =
        ParseHexBytes(source.scheme_a_master, kSymmetricKeyBytes, "--scheme-a-master");
    if (!master_bytes.ok()) return master_bytes.status();
    MasterKey master{};
    std::memcpy(master.data(), master_bytes->data(), master.size());
    WipeString(&*master_bytes);
    ScopeKey key = compat::SchemeAKey(master, source.scope_name);
    Wipe(master);
    auto plain = compat::OpenSchemeA(key, Bytes(*sealed));
    Wipe(key);
    if (!plain.ok()) return plain.status().WithContext("v0 data (scheme A)");
    return plain;
  }
  auto key = compat::SchemeBKey(source.scheme_b_master, source.json_path);
  if (!key.ok()) return key.status().WithContext("--scheme-b-master");
  auto plain = compat::OpenSchemeB(*key, Bytes(*sealed));
  Wipe(*key);
  if (!plain.ok()) return plain.status().WithContext("v0 data (scheme B)");
  return plain;
}

// Checks the record's fields and its v0 signature; the record as parsed.
Result<Json> ReadV0Record(const std::string& path) {
  auto text = ReadInput(path);
  if (!text.ok()) return text.status();
  Json record = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (record.is_discarded() || !record.is_object()) {
    return Status::InvalidArgument(path + ": not a JSON object");
  }
  for (const char* field : kV0Fields) {
    if (!record.contains(field) || !record[field].is_string()) {
      return Status::InvalidArgument(path + ": field \"" + field + "\" is missing or not a string");
    }
  }
  const compat::V0Event v0{record["id"], record["timestamp"], record["appPubKey"],
                           record["userPubKey"], record["data"]};
  auto signature = ParseHexBytes(record["signature"].get<std::string>(), 64, "v0 signature");
  if (!signature.ok()) return signature.status().WithContext(path);
  auto public_key = ParseHexBytes(record["publicKey"].get<std::string>(), 32, "v0 publicKey");
  if (!public_key.ok()) return public_key.status().WithContext(path);
  const Status verified =
      compat::VerifyV0Signature(v0, std::span<const uint8_t, 32>(Bytes(*public_key).first<32>()),
                                std::span<const uint8_t, 64>(Bytes(*signature).first<64>()));
  if (!verified.ok()) {
    return Status::PermissionDenied(path + ": refusing to import: the v0 signature does not " +
                                    "verify: " + verified.message());
  }
  return record;
}

}  // namespace

int ImportCommand(Args& args) {
  if (args.Next() != "v0") return Usage(kImportUsage);
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  BuildRequest req;
  std::string policy_path;
  Status error;
  const bool usable = TakeBuildOptions(args, &req, &policy_path, &error);
  V0Source source;
  source.scheme_a_master = args.Option("--scheme-a-master");
  source.scope_name = args.Option("--scope");
  source.scheme_b_master = args.Option("--scheme-b-master");
  source.json_path = args.Option("--path");
  const bool plain = args.Flag("--plain");
  req.type = args.Option("--type");
  if (req.type.empty()) req.type = "v0";
  const std::vector<std::string> rest = args.Positionals();
  const bool scheme_a = !source.scheme_a_master.empty();
  const bool scheme_b = !source.scheme_b_master.empty();
  if (!usable || rest.size() != 1 || args.HasUnknown() ||
      static_cast<int>(scheme_a) + static_cast<int>(scheme_b) + static_cast<int>(plain) != 1 ||
      scheme_a == source.scope_name.empty() || scheme_b == source.json_path.empty()) {
    return Usage(kImportUsage);
  }
  if (!error.ok()) return Fail(error);
  auto policy = ReadPolicy(policy_path);
  if (!policy.ok()) return Fail(policy.status());
  req.policy = std::move(policy).value();
  // Public only when that publishes nothing new: scheme A ciphertext has a random nonce, but
  // plain data would be published in the clear, and scheme B ciphertexts share one nonce per
  // key, so every one made public helps recover the others.
  Status added = AddV0Scope(&req.policy, /*is_public=*/scheme_a);
  if (!added.ok()) return Fail(added);

  auto record = ReadV0Record(rest[0]);
  if (!record.ok()) return Fail(record.status());
  auto plaintext = OpenV0Data((*record)["data"].get<std::string>(), source);
  if (!plaintext.ok()) return Fail(plaintext.status());
  auto json = ImportedJson(*plaintext, *record);
  WipeString(&*plaintext);
  if (!json.ok()) return Fail(json.status());
  req.json = std::move(json).value();
  req.id = (*record)["id"].get<std::string>();
  auto time = ParseUint((*record)["timestamp"].get<std::string>(), "timestamp");
  req.time_ms = time.ok() ? *time : NowMs();
  Status s = BuildAndEmit(where, req);
  WipeString(&req.json);
  return s.ok() ? 0 : Fail(s);
}

}  // namespace ddc::cli
