// The ddc commands in client mode (remote.h): blobs, stats, events, timelines, users,
// checkpoints, the node key and proofs, read from and written to a running ddc-node. Each
// prints exactly what its local form prints (see the local commands in cli.cc's neighbours);
// the one difference is `stats`, which shows the counts the node's /health reports.
//
// Bytes that come back are checked before they are used: a blob or an event must hash to the
// CID it was asked for, a proof must be of the event asked for. A node that answers otherwise
// is reported (Corruption), never passed on.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "ddc/store.h"
#include "ddc/verify.h"
#include "node/cli/remote.h"

namespace ddc::cli {

using Json = nlohmann::json;

namespace {

// Events per timeline page asked for (the node's largest page).
constexpr uint64_t kTimelinePage = 1000;
// A batch request stays under the node's default body limit (32 MiB) and event count (4096).
constexpr size_t kMaxBatchBodyBytes = 16u << 20;
constexpr size_t kMaxBatchEvents = 4096;

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

int LocalOnly(const std::string& command) {
  return Fail(Status::NotSupported(command + " works on a local data dir only (drop --node" +
                                   std::string(" and $DDC_NODE, give --dir DIR)")));
}

// The optional --bucket N of a command whose request names no bucket: only for the token --as
// issues on the fly.
Result<std::optional<uint64_t>> CredentialBucket(const std::string& text) {
  if (text.empty()) return std::optional<uint64_t>();
  Result<uint64_t> b = ParseUint(text, "--bucket");
  if (!b.ok()) return b.status();
  return std::optional<uint64_t>(*b);
}

Result<uint64_t> U64(const Json& j, const char* key, std::string_view what) {
  return JsonU64(j, key, what);
}

std::string Str(const Json& j, const char* key) { return JsonText(j, key); }

// "<cid> position <p> journal <j>[ (already stored)]", as a local `event put` prints it.
std::string AppendLine(const Json& j) {
  return Str(j, "cid") + " position " + std::to_string(j.value("position", uint64_t{0})) +
         " journal " + std::to_string(j.value("journal_index", uint64_t{0})) +
         (j.value("existed", false) ? " (already stored)" : "");
}

// ---- blob, stats ----

int BlobPut(Args& args, const KeyStoreLocation& where) {
  const std::string bucket_text = args.Option("--bucket");
  const std::vector<std::string> rest = args.Positionals();
  if (rest.size() > 1 || args.HasUnknown()) {
    return Usage("blob put --node URL [--bucket N] [FILE|-]");
  }
  Result<std::optional<uint64_t>> bucket = CredentialBucket(bucket_text);
  if (!bucket.ok()) return Fail(bucket.status());
  Result<std::string> bytes = ReadInput(rest.empty() ? "-" : rest[0]);
  if (!bytes.ok()) return Fail(bytes.status());
  Result<std::unique_ptr<NodeClient>> node = ConnectNode(args, where);
  if (!node.ok()) return Fail(node.status());
  const Cid expected = Cid::Of(Codec::kRaw, *bytes);
  NodeRequest request;
  request.method = "PUT";
  // A blob write is charged to a bucket (a node with access control requires one).
  request.target = *bucket ? "/v1/blobs?bucket=" + std::to_string(**bucket) : "/v1/blobs";
  request.body = std::move(*bytes);
  request.content_type = "application/octet-stream";
  request.bucket = *bucket;
  Result<Json> j = (*node)->CallJson(request);
  if (!j.ok()) return Fail(j.status());
  if (Str(*j, "cid") != expected.ToString()) {
    return Fail(Status::Corruption("the node stored the blob as '" + Str(*j, "cid") +
                                   "', but its bytes hash to " + expected.ToString()));
  }
  std::printf("%s\n", expected.ToString().c_str());
  return 0;
}

int BlobGet(Args& args, const KeyStoreLocation& where) {
  const std::string bucket_text = args.Option("--bucket");
  const std::vector<std::string> rest = args.Positionals();
  if (rest.size() != 1 || args.HasUnknown()) return Usage("blob get --node URL [--bucket N] CID");
  Result<Cid> cid = Cid::Parse(rest[0]);
  if (!cid.ok()) return Fail(cid.status());
  Result<std::optional<uint64_t>> bucket = CredentialBucket(bucket_text);
  if (!bucket.ok()) return Fail(bucket.status());
  Result<std::unique_ptr<NodeClient>> node = ConnectNode(args, where);
  if (!node.ok()) return Fail(node.status());
  NodeRequest request;
  request.target = "/v1/blobs/" + cid->ToString();
  request.bucket = *bucket;
  Result<HttpResponse> r = (*node)->Call(request);
  if (!r.ok()) return Fail(r.status());
  if (Cid::Of(cid->codec(), r->body) != *cid) {
    return Fail(Status::Corruption("the node answered GET " + request.target +
                                   " with bytes that do not hash to that CID"));
  }
  return WriteStdout(r->body) ? 0 : Fail(Status::IOError("writing standard output failed"));
}

int Stats(Args& args, const KeyStoreLocation& where) {
  const bool json = args.Flag("--json");
  if (!args.Positionals().empty() || args.HasUnknown()) {
    return Usage("stats --node URL [--json]");
  }
  Result<std::unique_ptr<NodeClient>> node = ConnectNode(args, where);
  if (!node.ok()) return Fail(node.status());
  NodeRequest request;
  request.target = "/health";
  Result<Json> j = (*node)->CallJson(request);
  if (!j.ok()) return Fail(j.status());
  Result<uint64_t> records = U64(*j, "records", "GET /health");
  if (!records.ok()) return Fail(records.status());
  Result<uint64_t> events = U64(*j, "events", "GET /health");
  if (!events.ok()) return Fail(events.status());
  std::ostringstream o;
  if (json) {
    o << "{\"records\":" << *records << ",\"events\":" << *events << "}\n";
  } else {
    o << "records:            " << *records << "\n"
      << "events:             " << *events << "\n";
  }
  return WriteStdout(o.str()) ? 0 : Fail(Status::IOError("writing standard output failed"));
}

// ---- users, checkpoint, node-key, prove ----

int Users(Args& args, const KeyStoreLocation& where) {
  const std::string bucket_text = args.Option("--bucket");
  if (bucket_text.empty() || !args.Positionals().empty() || args.HasUnknown()) {
    return Usage("users --node URL --bucket N");
  }
  Result<uint64_t> bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
  Result<std::unique_ptr<NodeClient>> node = ConnectNode(args, where);
  if (!node.ok()) return Fail(node.status());
  Result<std::vector<Json>> users = FetchUsers(**node, *bucket);
  if (!users.ok()) return Fail(users.status());
  std::string text;
  for (const Json& u : *users) {
    Result<uint64_t> size = U64(u, "size", "a user of the list");
    if (!size.ok()) return Fail(size.status());
    text += Str(u, "user") + "\t" + std::to_string(*size) + "\t" + Str(u, "root") + "\n";
  }
  return WriteStdout(text) ? 0 : Fail(Status::IOError("writing standard output failed"));
}

int Checkpoint(Args& args, const KeyStoreLocation& where) {
  const bool list = args.Flag("--list");
  if (!args.Positionals().empty() || args.HasUnknown()) {
    return Usage("checkpoint --node URL [--list]");
  }
  Result<std::unique_ptr<NodeClient>> node = ConnectNode(args, where);
  if (!node.ok()) return Fail(node.status());
  NodeRequest request;
  request.target = "/v1/checkpoints";
  request.method = list ? "GET" : "POST";
  Result<Json> j = (*node)->CallJson(request);
  if (!j.ok()) return Fail(j.status());
  std::string text;
  if (list) {
    for (const Json& c : j->value("checkpoints", Json::array())) {
      Result<uint64_t> size = U64(c, "size", "a checkpoint of the list");
      if (!size.ok()) return Fail(size.status());
      Result<uint64_t> time = U64(c, "time_ms", "a checkpoint of the list");
      if (!time.ok()) return Fail(time.status());
      text += std::to_string(*size) + "\t" + IsoTime(*time) + "\t" + Str(c, "cid") + "\n";
    }
  } else {
    text = Str(*j, "note");
    if (text.empty())
      return Fail(Status::Corruption("POST /v1/checkpoints: no note in the answer"));
  }
  return WriteStdout(text) ? 0 : Fail(Status::IOError("writing standard output failed"));
}

int NodeKey(Args& args, const KeyStoreLocation& where) {
  if (!args.Positionals().empty() || args.HasUnknown()) return Usage("node-key --node URL");
  Result<std::unique_ptr<NodeClient>> node = ConnectNode(args, where);
  if (!node.ok()) return Fail(node.status());
  NodeRequest request;
  request.target = "/v1/node";
  Result<Json> j = (*node)->CallJson(request);
  if (!j.ok()) return Fail(j.status());
  const std::string key = Str(*j, "verifier_key");
  if (key.empty()) return Fail(Status::Corruption("GET /v1/node: no verifier_key in the answer"));
  std::printf("%s\n", key.c_str());
  return 0;
}

int Prove(Args& args, const KeyStoreLocation& where) {
  const std::string out = args.Option("-o");
  const std::string bucket_text = args.Option("--bucket");
  const std::vector<std::string> rest = args.Positionals();
  if (rest.size() != 1 || args.HasUnknown())
    return Usage("prove --node URL [--bucket N] CID [-o FILE]");
  Result<Cid> cid = Cid::Parse(rest[0]);
  if (!cid.ok()) return Fail(cid.status());
  Result<std::optional<uint64_t>> bucket = CredentialBucket(bucket_text);
  if (!bucket.ok()) return Fail(bucket.status());
  Result<std::unique_ptr<NodeClient>> node = ConnectNode(args, where);
  if (!node.ok()) return Fail(node.status());
  NodeRequest request;
  request.target = "/v1/events/" + cid->ToString() + "/proof";
  request.accept = "application/cbor";
  request.bucket = *bucket;
  Result<HttpResponse> r = (*node)->Call(request);
  if (!r.ok()) return Fail(r.status());
  Result<EventProof> proof = DecodeEventProof(Bytes(r->body));
  if (!proof.ok()) return Fail(proof.status().WithContext("the node's proof"));
  if (EventCid(Bytes(proof->event)) != *cid) {
    return Fail(Status::Corruption("the node answered GET " + request.target +
                                   " with the proof of another event"));
  }
  Status written = WriteOutput(out, r->body, /*binary=*/true);
  return written.ok() ? 0 : Fail(written);
}

// ---- timeline ----

struct TimelinePrint {
  PublicKey user{};
  std::string user_hex;
  uint64_t from = 0;
  uint64_t left = std::numeric_limits<uint64_t>::max();
  bool json = false;
};

// Prints the user's events of `bucket` from q->from, at most q->left of them, paging through
// the node's timeline and fetching each event for the fields the page does not carry (id,
// prev). `info` is the user's entry of the bucket's user list (size, root).
Status PrintRemoteTimeline(NodeClient& node, uint64_t bucket, const Json& info, TimelinePrint* q) {
  Result<uint64_t> size = U64(info, "size", "the user's entry");
  if (!size.ok()) return size.status();
  if (!q->json) {
    std::printf("# bucket %llu user %s: %llu events, root %s\n",
                static_cast<unsigned long long>(bucket), q->user_hex.c_str(),
                static_cast<unsigned long long>(*size), Str(info, "root").c_str());
  }
  std::optional<uint64_t> from = q->from;
  while (from && q->left > 0) {
    NodeRequest request;
    request.target = "/v1/buckets/" + std::to_string(bucket) + "/users/" + q->user_hex +
                     "/timeline?from=" + std::to_string(*from) +
                     "&limit=" + std::to_string(std::min(q->left, kTimelinePage));
    request.bucket = bucket;
    Result<Json> page = node.CallJson(request);
    if (!page.ok()) return page.status();
    const Json events = page->value("events", Json::array());
    for (const Json& entry : events) {
      if (q->left == 0) break;
      Result<uint64_t> position = U64(entry, "position", "a timeline entry");
      if (!position.ok()) return position.status();
      Result<Cid> cid = Cid::Parse(Str(entry, "cid"));
      if (!cid.ok()) return cid.status().WithContext("a timeline entry");
      Result<std::string> bytes = FetchEventBytes(node, *cid, bucket);
      if (!bytes.ok()) return bytes.status();
      Result<Event> e = DecodeEvent(Bytes(*bytes));
      if (!e.ok()) return e.status();
      const auto pos = static_cast<unsigned long long>(*position);
      if (q->json) {
        std::ostringstream o;
        o << "{\"bucket\":" << bucket << ",\"position\":" << pos << ",\"cid\":\"" << cid->ToString()
          << "\",\"time_ms\":" << e->timestamp_ms << ",\"type\":" << JsonString(e->type)
          << ",\"id\":" << JsonString(e->id)
          << ",\"prev\":" << (e->prev ? "\"" + e->prev->ToString() + "\"" : std::string("null"))
          << "}\n";
        std::fputs(o.str().c_str(), stdout);
      } else {
        std::printf("%llu\t%s\t%s\t%s\t%s\n", pos, cid->ToString().c_str(),
                    IsoTime(e->timestamp_ms).c_str(), PrintableText(e->type).c_str(),
                    PrintableText(e->id).c_str());
      }
      --q->left;
    }
    const Json next = page->value("next", Json());
    if (next.is_number_unsigned() && !events.empty()) {
      from = next.get<uint64_t>();
    } else {
      from.reset();
    }
  }
  return Status::OK();
}

int Timeline(Args& args, const KeyStoreLocation& where) {
  const std::string user_text = args.Option("--user");
  const std::string bucket_text = args.Option("--bucket");
  const std::string from_text = args.Option("--from");
  const std::string since_text = args.Option("--since");
  const std::string limit_text = args.Option("--limit");
  const bool backward = args.Flag("--backward");
  TimelinePrint q;
  q.json = args.Flag("--json");
  if (user_text.empty() || !args.Positionals().empty() || args.HasUnknown()) {
    return Usage("timeline --node URL --user HEX [--bucket N] [--from POS] [--limit N] [--json]");
  }
  if (!since_text.empty() || backward) {
    return Fail(Status::NotSupported(
        "timeline --since and --backward work on a local data dir only: the node's timeline "
        "route pages forward by position"));
  }
  Result<std::array<uint8_t, 32>> user = ParseHex32(user_text, "--user");
  if (!user.ok()) return Fail(user.status());
  q.user = *user;
  q.user_hex = Hex(q.user);
  if (!from_text.empty()) {
    Result<uint64_t> from = ParseUint(from_text, "--from");
    if (!from.ok()) return Fail(from.status());
    q.from = *from;
  }
  if (!limit_text.empty()) {
    Result<uint64_t> limit = ParseUint(limit_text, "--limit");
    if (!limit.ok()) return Fail(limit.status());
    q.left = *limit;
  }
  Result<std::unique_ptr<NodeClient>> node = ConnectNode(args, where);
  if (!node.ok()) return Fail(node.status());
  std::vector<uint64_t> buckets;
  if (!bucket_text.empty()) {
    Result<uint64_t> bucket = ParseUint(bucket_text, "--bucket");
    if (!bucket.ok()) return Fail(bucket.status());
    buckets.push_back(*bucket);
  } else {
    NodeRequest request;
    request.target = "/v1/buckets";
    Result<Json> j = (*node)->CallJson(request);
    if (!j.ok()) return Fail(j.status());
    for (const Json& b : j->value("buckets", Json::array())) {
      if (b.is_number_unsigned()) buckets.push_back(b.get<uint64_t>());
    }
  }
  bool found = false;
  for (uint64_t b : buckets) {
    Result<std::vector<Json>> users = FetchUsers(**node, b);
    if (!users.ok()) return Fail(users.status());
    const auto info = std::find_if(users->begin(), users->end(),
                                   [&](const Json& u) { return Str(u, "user") == q.user_hex; });
    if (info == users->end()) {
      if (bucket_text.empty()) continue;
      return Fail(Status::NotFound("timeline of user " + user_text + " in bucket " +
                                   std::to_string(b) + ": the user has no events there"));
    }
    found = true;
    Status s = PrintRemoteTimeline(**node, b, *info, &q);
    std::fflush(stdout);
    if (!s.ok()) {
      return Fail(
          s.WithContext("timeline of user " + user_text + " in bucket " + std::to_string(b)));
    }
  }
  if (!found) return Fail(Status::NotFound("user " + user_text + " has no events in any bucket"));
  return 0;
}

}  // namespace

// ---- event put and get (event_commands.cc dispatches here in client mode) ----

int RemoteEventGet(Args& args) {
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  const bool json = args.Flag("--json");
  const std::string bucket_text = args.Option("--bucket");
  const std::vector<std::string> rest = args.Positionals();
  if (args.Has("--dir") || rest.size() != 1 || args.HasUnknown()) {
    return Usage("event get --node URL [--bucket N] CID [--json]");
  }
  Result<Cid> cid = Cid::Parse(rest[0]);
  if (!cid.ok()) return Fail(cid.status());
  Result<std::optional<uint64_t>> bucket = CredentialBucket(bucket_text);
  if (!bucket.ok()) return Fail(bucket.status());
  Result<std::unique_ptr<NodeClient>> node = ConnectNode(args, where);
  if (!node.ok()) return Fail(node.status());
  Result<std::string> bytes = FetchEventBytes(**node, *cid, *bucket);
  if (!bytes.ok()) return Fail(bytes.status());
  if (json) {
    Result<Event> event = DecodeEvent(Bytes(*bytes));
    if (!event.ok()) return Fail(event.status());
    *bytes = EventJson(*event, *cid);
  }
  Status written = WriteOutput("", *bytes, /*binary=*/!json);
  return written.ok() ? 0 : Fail(written);
}

int RemoteEventPut(Args& args) {
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  std::vector<std::string> files = args.Positionals();
  if (args.HasUnknown()) return Usage("event put --node URL [FILE|-]...");
  if (files.empty()) files.push_back("-");
  std::vector<std::string> events;
  std::vector<uint64_t> buckets;
  for (const std::string& file : files) {
    Result<std::string> bytes = ReadInput(file);
    if (!bytes.ok()) return Fail(bytes.status());
    Result<Event> event = DecodeEvent(Bytes(*bytes));
    if (!event.ok()) return Fail(event.status().WithContext(file));
    events.push_back(std::move(*bytes));
    buckets.push_back(event->bucket);
  }
  Result<std::unique_ptr<NodeClient>> node = ConnectNode(args, where);
  if (!node.ok()) return Fail(node.status());
  if (events.size() == 1) {
    NodeRequest request;
    request.method = "POST";
    request.target = "/v1/buckets/" + std::to_string(buckets[0]) + "/events";
    request.body = std::move(events[0]);
    request.content_type = "application/cbor";
    request.bucket = buckets[0];
    Result<Json> j = (*node)->CallJson(request);
    if (!j.ok()) return Fail(j.status());
    std::printf("%s\n", AppendLine(*j).c_str());
    return 0;
  }
  // Runs of events of one bucket go in batches (each within the node's limits); the answers
  // are printed in the order of the files.
  bool failed = false;
  for (size_t begin = 0; begin < events.size();) {
    size_t end = begin;
    std::string body;
    while (end < events.size() && buckets[end] == buckets[begin] && end - begin < kMaxBatchEvents &&
           (end == begin || body.size() + 4 + events[end].size() <= kMaxBatchBodyBytes)) {
      const auto n = static_cast<uint32_t>(events[end].size());
      for (int i = 0; i < 4; ++i) body += static_cast<char>((n >> (8 * i)) & 0xff);
      body += events[end];
      ++end;
    }
    NodeRequest request;
    request.method = "POST";
    request.target = "/v1/buckets/" + std::to_string(buckets[begin]) + "/events:batch";
    request.body = std::move(body);
    request.content_type = "application/x-ddc-event-batch";
    request.bucket = buckets[begin];
    Result<Json> j = (*node)->CallJson(request);
    if (!j.ok()) return Fail(j.status());
    const Json results = j->value("results", Json::array());
    if (results.size() != end - begin) {
      return Fail(Status::Corruption("POST " + request.target + ": " +
                                     std::to_string(results.size()) + " results for " +
                                     std::to_string(end - begin) + " events"));
    }
    for (size_t i = begin; i < end; ++i) {
      const Json& r = results[i - begin];
      if (r.contains("error")) {
        const Json& e = r["error"];
        std::fprintf(stderr, "ddc: %s: %s (HTTP %llu %s)\n", files[i].c_str(),
                     Str(e, "message").c_str(),
                     static_cast<unsigned long long>(e.value("status", uint64_t{0})),
                     Str(e, "code").c_str());
        failed = true;
      } else {
        std::printf("%s\n", AppendLine(r).c_str());
      }
    }
    begin = end;
  }
  std::fflush(stdout);
  return failed ? 1 : 0;
}

// ---- dispatch ----

std::optional<int> RemoteDispatch(const std::string& command, Args& args) {
  if (command == "verify" || command == "demo" || command == "import") {
    return LocalOnly(command);
  }
  const bool ours = command == "blob" || command == "stats" || command == "users" ||
                    command == "checkpoint" || command == "node-key" || command == "prove" ||
                    command == "timeline" || command == "export";
  if (!ours) return std::nullopt;  // Runs unchanged, or branches on its own (event, seal, ...).
  if (args.Has("--dir")) {
    return Fail(Status::InvalidArgument(command + ": give --node URL or --dir DIR, not both"));
  }
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  if (command == "blob") {
    const std::string sub = args.Next();
    if (sub == "put") return BlobPut(args, where);
    if (sub == "get") return BlobGet(args, where);
    return Usage("blob put|get ...");
  }
  if (command == "stats") return Stats(args, where);
  if (command == "users") return Users(args, where);
  if (command == "checkpoint") return Checkpoint(args, where);
  if (command == "node-key") return NodeKey(args, where);
  if (command == "prove") return Prove(args, where);
  if (command == "timeline") return Timeline(args, where);
  if (args.Next() != "car") return Usage("export car --node URL --user HEX [--bucket N] [-o FILE]");
  return RemoteExportCar(args, where);
}

}  // namespace ddc::cli
