// `ddc export car --node URL`: a user's timeline on a node as the same CAR v1 file the local
// export writes (export_car.cc, docs/FORMAT.md "CAR export").
//
// The timeline's size and root come from the bucket's user list; a first pass pages through
// the timeline for the event CIDs (positions 0 .. size-1, contiguous) and checks that they hash
// to that root; a second fetches each event, checks that its bytes hash to its CID, and
// streams it to the output. The node does not
// serve the CIDs of erased events, which the timeline object must list, so a timeline with an
// erased event is refused with a message pointing to the local export.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/event/car.h"
#include "engine/timeline/merkle.h"
#include "node/cli/remote.h"

namespace ddc::cli {

using Json = nlohmann::json;

namespace {

constexpr char kUsage[] = "export car --node URL --user HEX [--bucket N] [-o FILE]";
constexpr uint64_t kPage = 1000;

// The bucket to export: the one given, or the only one where the user has events.
Result<uint64_t> ChooseBucket(NodeClient& node, const std::string& user_hex,
                              const std::string& bucket_text) {
  if (!bucket_text.empty()) return ParseUint(bucket_text, "--bucket");
  NodeRequest request;
  request.target = "/v1/buckets";
  Result<Json> j = node.CallJson(request);
  if (!j.ok()) return j.status();
  std::vector<uint64_t> found;
  for (const Json& b : j->value("buckets", Json::array())) {
    if (!b.is_number_unsigned()) continue;
    Result<std::vector<Json>> users = FetchUsers(node, b.get<uint64_t>());
    if (!users.ok()) return users.status();
    for (const Json& u : *users) {
      if (JsonText(u, "user") == user_hex) found.push_back(b.get<uint64_t>());
    }
  }
  if (found.empty()) return Status::NotFound("user " + user_hex + " has no events in any bucket");
  if (found.size() > 1) {
    std::string list;
    for (uint64_t b : found) list += (list.empty() ? "" : ", ") + std::to_string(b);
    return Status::InvalidArgument("user " + user_hex + " has timelines in buckets " + list +
                                   ": choose one with --bucket");
  }
  return found[0];
}

// Pass 1: the CIDs of positions [0, size).
Result<std::vector<Cid>> TimelineCids(NodeClient& node, uint64_t bucket,
                                      const std::string& user_hex, uint64_t size) {
  std::vector<Cid> cids;
  while (cids.size() < size) {
    NodeRequest request;
    request.target = "/v1/buckets/" + std::to_string(bucket) + "/users/" + user_hex +
                     "/timeline?from=" + std::to_string(cids.size()) +
                     "&limit=" + std::to_string(std::min<uint64_t>(kPage, size - cids.size()));
    request.bucket = bucket;
    Result<Json> page = node.CallJson(request);
    if (!page.ok()) return page.status();
    const Json events = page->value("events", Json::array());
    if (events.empty()) break;
    for (const Json& e : events) {
      Result<uint64_t> position = JsonU64(e, "position", "a timeline entry");
      if (!position.ok()) return position.status();
      if (*position >= size) break;
      if (*position != cids.size()) {
        return Status::NotSupported(
            "position " + std::to_string(cids.size()) +
            " of the timeline is erased, and the node does not serve erased events' CIDs, "
            "which the CAR file's timeline object lists: export it from the data dir instead");
      }
      Result<Cid> cid = Cid::Parse(JsonText(e, "cid"));
      if (!cid.ok()) return cid.status().WithContext("a timeline entry");
      cids.push_back(*cid);
    }
  }
  if (cids.size() != size) {
    return Status::NotSupported("the timeline has " + std::to_string(size) +
                                " events but the node lists " + std::to_string(cids.size()) +
                                " (the rest are erased): export it from the data dir instead");
  }
  return cids;
}

}  // namespace

int RemoteExportCar(Args& args, const KeyStoreLocation& where) {
  const std::string user_text = args.Option("--user");
  const std::string bucket_text = args.Option("--bucket");
  const std::string out = args.Option("-o");
  if (user_text.empty() || !args.Positionals().empty() || args.HasUnknown()) {
    return Usage(kUsage);
  }
  const auto started = std::chrono::steady_clock::now();
  Result<std::array<uint8_t, 32>> user = ParseHex32(user_text, "--user");
  if (!user.ok()) return Fail(user.status());
  const std::string user_hex = Hex(*user);
  Result<std::unique_ptr<NodeClient>> node = ConnectNode(args, where);
  if (!node.ok()) return Fail(node.status());
  Result<uint64_t> bucket = ChooseBucket(**node, user_hex, bucket_text);
  if (!bucket.ok()) return Fail(bucket.status());
  Result<std::vector<Json>> users = FetchUsers(**node, *bucket);
  if (!users.ok()) return Fail(users.status());
  const Json* info = nullptr;
  for (const Json& u : *users) {
    if (JsonText(u, "user") == user_hex) info = &u;
  }
  if (info == nullptr) {
    return Fail(Status::NotFound("user " + user_text + " in bucket " + std::to_string(*bucket) +
                                 ": no events"));
  }
  Result<uint64_t> size = JsonU64(*info, "size", "the user's entry");
  if (!size.ok()) return Fail(size.status());
  Result<std::array<uint8_t, 32>> root_hash = ParseHex32(JsonText(*info, "root"), "timeline root");
  if (!root_hash.ok()) return Fail(root_hash.status().WithContext("the node's user list"));
  Result<std::vector<Cid>> cids = TimelineCids(**node, *bucket, user_hex, *size);
  if (!cids.ok()) return Fail(cids.status().WithContext("export car"));
  // The CIDs must be the ones the node's timeline root commits to.
  std::vector<timeline::Hash> leaves;
  leaves.reserve(cids->size());
  for (const Cid& cid : *cids) leaves.push_back(timeline::LeafHash(cid.ToBytes()));
  if (timeline::RootOfLeaves(leaves) != *root_hash) {
    return Fail(Status::Corruption("export car: the node's timeline of user " + user_hex +
                                   " in bucket " + std::to_string(*bucket) +
                                   " does not hash to the root it reports"));
  }
  const std::string object = car::EncodeTimelineObject(
      {.bucket = *bucket, .user = *user, .root = *root_hash, .events = *cids});
  const Cid root = car::TimelineObjectCid(object);

  Result<std::unique_ptr<Output>> output = Output::Open(out, /*binary=*/true);
  if (!output.ok()) return Fail(output.status());
  car::Writer writer([&](std::string_view bytes) { return (*output)->Write(bytes); });
  Status s = writer.WriteHeader(std::span(&root, 1));
  if (s.ok()) s = writer.WriteBlock(root, object);
  for (size_t i = 0; s.ok() && i < cids->size(); ++i) {
    Result<std::string> bytes = FetchEventBytes(**node, (*cids)[i], *bucket);
    s = bytes.ok() ? writer.WriteBlock((*cids)[i], *bytes) : bytes.status();
  }
  if (s.ok()) s = (*output)->Commit();
  if (!s.ok()) return Fail(s.WithContext("export car"));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(
      stderr,
      "export car: %llu events of bucket %llu (%llu erased, not exported), %llu blocks, "
      "%llu bytes, %.1fs, root %s\n",
      static_cast<unsigned long long>(cids->size()), static_cast<unsigned long long>(*bucket), 0ULL,
      static_cast<unsigned long long>(writer.blocks_written()),
      static_cast<unsigned long long>(writer.bytes_written()), seconds, root.ToString().c_str());
  return 0;
}

}  // namespace ddc::cli
