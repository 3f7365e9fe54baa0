// `ddc timeline`, `ddc users`, `ddc checkpoint` and `ddc node-key`: reading timelines and the
// checkpoints that seal them.
#include <cstdio>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "ddc/store.h"
#include "node/cli/cli.h"

namespace ddc::cli {
namespace {

constexpr char kTimelineUsage[] =
    "timeline --dir DIR --user HEX [--bucket N] [--from POS | --since MS] [--backward] "
    "[--limit N] [--json]";

// `text` for a tab-separated line: control characters (tabs and newlines included) escaped.
std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned>(c) & 0xffu);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

struct TimelineQuery {
  PublicKey user{};
  TimelineSeek seek;
  uint64_t limit = std::numeric_limits<uint64_t>::max();
  bool json = false;
};

// Prints one timeline's events from query.seek, at most *left of them; returns the error that
// stopped the walk.
Status PrintTimeline(Store& store, uint64_t bucket, const TimelineQuery& query, uint64_t* left) {
  auto info = store.Timeline(bucket, query.user);
  if (!info.ok()) return info.status();
  if (!query.json) {
    std::printf("# bucket %llu user %s: %llu events, root %s\n",
                static_cast<unsigned long long>(bucket), Hex(query.user).c_str(),
                static_cast<unsigned long long>(info->size), Hex(info->root).c_str());
  }
  auto it = store.NewTimelineIterator(bucket, query.user, query.seek);
  if (!it.ok()) return it.status();
  for (; (*it)->Valid() && *left > 0; (*it)->Next(), --*left) {
    const Event& e = (*it)->event();
    const auto position = static_cast<unsigned long long>((*it)->position());
    if (query.json) {
      std::ostringstream o;
      o << "{\"bucket\":" << bucket << ",\"position\":" << position << ",\"cid\":\""
        << (*it)->cid().ToString() << "\",\"time_ms\":" << e.timestamp_ms
        << ",\"type\":" << JsonString(e.type) << ",\"id\":" << JsonString(e.id)
        << ",\"prev\":" << (e.prev ? "\"" + e.prev->ToString() + "\"" : std::string("null"))
        << "}\n";
      std::fputs(o.str().c_str(), stdout);
    } else {
      std::printf("%llu\t%s\t%s\t%s\t%s\n", position, (*it)->cid().ToString().c_str(),
                  IsoTime(e.timestamp_ms).c_str(), Printable(e.type).c_str(),
                  Printable(e.id).c_str());
    }
  }
  return (*it)->status();
}

}  // namespace

std::string PrintableText(std::string_view text) { return Printable(text); }

int TimelineCommand(Args& args) {
  const std::string dir = args.Option("--dir");
  const std::string user_text = args.Option("--user");
  const std::string bucket_text = args.Option("--bucket");
  const std::string from_text = args.Option("--from");
  const std::string since_text = args.Option("--since");
  const std::string limit_text = args.Option("--limit");
  TimelineQuery query;
  query.seek.backward = args.Flag("--backward");
  query.json = args.Flag("--json");
  if (dir.empty() || user_text.empty() || (!from_text.empty() && !since_text.empty()) ||
      !args.Positionals().empty() || args.HasUnknown()) {
    return Usage(kTimelineUsage);
  }
  auto user = ParseHex32(user_text, "--user");
  if (!user.ok()) return Fail(user.status());
  query.user = *user;
  // Backward without a start: from the last event.
  query.seek.position = query.seek.backward ? std::numeric_limits<uint64_t>::max() : 0;
  if (!from_text.empty()) {
    auto from = ParseUint(from_text, "--from");
    if (!from.ok()) return Fail(from.status());
    query.seek.position = *from;
  }
  if (!since_text.empty()) {
    auto since = ParseUint(since_text, "--since");
    if (!since.ok()) return Fail(since.status());
    query.seek.by = TimelineSeek::By::kTime;
    query.seek.time_ms = *since;
  }
  if (!limit_text.empty()) {
    auto limit = ParseUint(limit_text, "--limit");
    if (!limit.ok()) return Fail(limit.status());
    query.limit = *limit;
  }
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  std::vector<uint64_t> buckets;
  if (!bucket_text.empty()) {
    auto bucket = ParseUint(bucket_text, "--bucket");
    if (!bucket.ok()) return Fail(bucket.status());
    buckets.push_back(*bucket);
  } else {
    for (uint64_t b : (*store)->Buckets()) {
      if ((*store)->Timeline(b, query.user).ok()) buckets.push_back(b);
    }
    if (buckets.empty()) {
      return Fail(Status::NotFound("user " + user_text + " has no events in any bucket"));
    }
  }
  uint64_t left = query.limit;
  for (uint64_t b : buckets) {
    Status s = PrintTimeline(**store, b, query, &left);
    if (!s.ok()) {
      return Fail(
          s.WithContext("timeline of user " + user_text + " in bucket " + std::to_string(b)));
    }
  }
  std::fflush(stdout);
  return 0;
}

int Users(Args& args) {
  const std::string dir = args.Option("--dir");
  const std::string bucket_text = args.Option("--bucket");
  if (dir.empty() || bucket_text.empty() || !args.Positionals().empty() || args.HasUnknown()) {
    return Usage("users --dir DIR --bucket N");
  }
  auto bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  for (auto it = (*store)->NewUserIterator(*bucket); it->Valid(); it->Next()) {
    const TimelineInfo& t = it->timeline();
    std::printf("%s\t%llu\t%s\n", Hex(t.user).c_str(), static_cast<unsigned long long>(t.size),
                Hex(t.root).c_str());
  }
  std::fflush(stdout);
  return 0;
}

int CheckpointCommand(Args& args) {
  const std::string dir = args.Option("--dir");
  const bool list = args.Flag("--list");
  if (dir.empty() || !args.Positionals().empty() || args.HasUnknown()) {
    return Usage("checkpoint --dir DIR [--list]");
  }
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  if (list) {
    for (const CheckpointRecord& c : (*store)->Checkpoints()) {
      std::printf("%llu\t%s\t%s\n", static_cast<unsigned long long>(c.size),
                  IsoTime(c.time_ms).c_str(), c.cid.ToString().c_str());
    }
  } else {
    auto made = (*store)->Checkpoint();
    if (!made.ok()) return Fail(made.status());
    std::fputs(made->note.c_str(), stdout);
  }
  Status closed = (*store)->Close();
  if (!closed.ok()) return Fail(closed);
  std::fflush(stdout);
  return 0;
}

int NodeKey(Args& args) {
  const std::string dir = args.Option("--dir");
  if (dir.empty() || !args.Positionals().empty() || args.HasUnknown()) {
    return Usage("node-key --dir DIR");
  }
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  std::printf("%s\n", (*store)->NodeVerifierKey().c_str());
  return 0;
}

}  // namespace ddc::cli
