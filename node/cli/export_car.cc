// `ddc export car`: one user's timeline in one bucket as a CAR v1 file (docs/FORMAT.md, "CAR
// export"), readable by IPFS tools.
//
// The root block lists every event CID, so it must be written before the events: a first pass
// over the timeline collects the CIDs (38 bytes each in memory), a second streams each event
// block straight to the output. Both passes stop at the timeline size read before the first,
// so the file is one consistent state of the timeline. Each event is re-hashed before it is
// written: a block whose bytes do not match its CID is never exported.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "ddc/store.h"
#include "engine/event/car.h"
#include "node/cli/cli.h"

namespace ddc::cli {
namespace {

constexpr char kExportUsage[] = "export car --dir DIR --user HEX [--bucket N] [-o FILE]";

// A progress line on stderr every ~2 s (rewritten in place on a terminal).
class Progress {
 public:
  explicit Progress(uint64_t total) : total_(total), tty_(isatty(2) != 0) {}

  void Update(const char* phase, uint64_t done, uint64_t bytes) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::seconds(2)) return;
    last_ = now;
    printed_ = true;
    std::fprintf(stderr, "%sexport car: %s %llu/%llu events, %.1f MiB, %.1fs%s", tty_ ? "\r" : "",
                 phase, static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total_), static_cast<double>(bytes) / (1 << 20),
                 std::chrono::duration<double>(now - started_).count(), tty_ ? "" : "\n");
  }
  void Finish() {
    if (printed_ && tty_) std::fputc('\n', stderr);
  }
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }

 private:
  const uint64_t total_;
  const bool tty_;
  bool printed_ = false;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = started_;
};

// The bucket to export: the one given, or the only one holding the user's events.
Result<uint64_t> ChooseBucket(Store& store, const PublicKey& user, const std::string& user_hex,
                              const std::string& bucket_text) {
  if (!bucket_text.empty()) return ParseUint(bucket_text, "--bucket");
  std::vector<uint64_t> found;
  for (uint64_t b : store.Buckets()) {
    if (store.Timeline(b, user).ok()) found.push_back(b);
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

// Pass 1: the CIDs of positions [0, size). The iterator steps over erased events; their CIDs
// (needed to check the root) come from TimelineEventCid, their blocks are not exported.
Result<std::vector<Cid>> TimelineCids(Store& store, const TimelineInfo& info, Progress* progress) {
  std::vector<Cid> cids;
  cids.reserve(info.size);
  auto it = store.NewTimelineIterator(info.bucket, info.user, TimelineSeek{});
  if (!it.ok()) return it.status();
  auto fill_to = [&](uint64_t position) -> Status {
    while (cids.size() < position) {
      auto erased = store.TimelineEventCid(info.bucket, info.user, cids.size());
      if (!erased.ok()) return erased.status();
      cids.push_back(*erased);
    }
    return Status::OK();
  };
  for (; (*it)->Valid() && (*it)->position() < info.size; (*it)->Next()) {
    if (Status s = fill_to((*it)->position()); !s.ok()) return s;
    cids.push_back((*it)->cid());
    progress->Update("listing", cids.size(), 0);
  }
  if (!(*it)->status().ok()) return (*it)->status();
  if (Status s = fill_to(info.size); !s.ok()) return s;
  if (cids.size() != info.size) {
    return Status::Corruption("timeline has " + std::to_string(info.size) +
                              " events but the iterator visited " + std::to_string(cids.size()));
  }
  return cids;
}

// Pass 2: every event block, checked against pass 1 and against its own bytes.
Status WriteEvents(Store& store, const TimelineInfo& info, std::span<const Cid> cids,
                   car::Writer* writer, Progress* progress) {
  auto it = store.NewTimelineIterator(info.bucket, info.user, TimelineSeek{});
  if (!it.ok()) return it.status();
  uint64_t position = 0;
  for (; (*it)->Valid() && (*it)->position() < cids.size(); (*it)->Next()) {
    position = (*it)->position();  // Erased positions are skipped: their blocks stay out.
    const std::string_view bytes = (*it)->bytes();
    const Cid cid =
        EventCid(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    if ((*it)->cid() != cids[position] || cid != cids[position]) {
      return Status::Corruption("event at position " + std::to_string(position) + " is " +
                                cid.ToString() + ", listed as " + cids[position].ToString());
    }
    Status s = writer->WriteBlock(cid, bytes);
    if (!s.ok()) return s;
    progress->Update("writing", position + 1, writer->bytes_written());
  }
  return (*it)->status();
}

int ExportCar(Args& args) {
  const std::string dir = args.Option("--dir");
  const std::string user_text = args.Option("--user");
  const std::string bucket_text = args.Option("--bucket");
  const std::string out = args.Option("-o");
  if (dir.empty() || user_text.empty() || !args.Positionals().empty() || args.HasUnknown()) {
    return Usage(kExportUsage);
  }
  auto user = ParseHex32(user_text, "--user");
  if (!user.ok()) return Fail(user.status());
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  auto bucket = ChooseBucket(**store, *user, user_text, bucket_text);
  if (!bucket.ok()) return Fail(bucket.status());
  auto info = (*store)->Timeline(*bucket, *user);
  if (!info.ok()) {
    return Fail(
        info.status().WithContext("user " + user_text + " in bucket " + std::to_string(*bucket)));
  }
  Progress progress(info->size);
  auto cids = TimelineCids(**store, *info, &progress);
  if (!cids.ok()) return Fail(cids.status().WithContext("export car"));
  const std::string object = car::EncodeTimelineObject(
      {.bucket = info->bucket, .user = info->user, .root = info->root, .events = *cids});
  const Cid root = car::TimelineObjectCid(object);

  auto output = Output::Open(out, /*binary=*/true);
  if (!output.ok()) return Fail(output.status());
  car::Writer writer([&](std::string_view bytes) { return (*output)->Write(bytes); });
  Status s = writer.WriteHeader(std::span(&root, 1));
  if (s.ok()) s = writer.WriteBlock(root, object);
  if (s.ok()) s = WriteEvents(**store, *info, *cids, &writer, &progress);
  if (s.ok()) s = (*output)->Commit();
  progress.Finish();
  if (!s.ok()) return Fail(s.WithContext("export car"));
  const uint64_t exported = writer.blocks_written() - 1;  // Less the timeline object.
  std::fprintf(stderr,
               "export car: %llu events of bucket %llu (%llu erased, not exported), %llu blocks, "
               "%llu bytes, %.1fs, root %s\n",
               static_cast<unsigned long long>(exported),
               static_cast<unsigned long long>(info->bucket),
               static_cast<unsigned long long>(info->size - exported),
               static_cast<unsigned long long>(writer.blocks_written()),
               static_cast<unsigned long long>(writer.bytes_written()), progress.seconds(),
               root.ToString().c_str());
  return 0;
}

}  // namespace

int Export(Args& args) {
  const std::string what = args.Next();
  if (what == "car") return ExportCar(args);
  return Usage(kExportUsage);
}

}  // namespace ddc::cli
