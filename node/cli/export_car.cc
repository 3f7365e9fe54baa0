// `ddc export car`: one user's timeline in one bucket as a CAR v1 file (docs/FORMAT.md, "CAR
// export"), readable by IPFS tools. The export itself is ExportTimelineCar (include/ddc/car.h);
// this command chooses the bucket, shows progress and writes the file or standard output.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ddc/car.h"
#include "ddc/store.h"
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
  auto on_progress = [&](const CarExportProgress& p) {
    const bool listing = p.phase == CarExportProgress::Phase::kListing;
    progress.Update(listing ? "listing" : "writing", p.events_done, p.bytes);
  };
  // A file is replaced atomically by the export; standard output is streamed to.
  std::unique_ptr<Output> output;
  if (out.empty() || out == "-") {
    auto opened = Output::Open(out, /*binary=*/true);
    if (!opened.ok()) return Fail(opened.status());
    output = std::move(*opened);
  }
  Result<CarExportStats> stats =
      output == nullptr
          ? ExportTimelineCarToFile(**store, *bucket, *user, out, on_progress)
          : ExportTimelineCar(
                **store, *bucket, *user,
                [&](std::string_view bytes) { return output->Write(bytes); }, on_progress);
  if (stats.ok() && output != nullptr) {
    if (Status s = output->Commit(); !s.ok()) stats = s;
  }
  progress.Finish();
  if (!stats.ok()) return Fail(stats.status().WithContext("export car"));
  std::fprintf(stderr,
               "export car: %llu events of bucket %llu (%llu erased, not exported), %llu blocks, "
               "%llu bytes, %.1fs, root %s\n",
               static_cast<unsigned long long>(stats->events_written),
               static_cast<unsigned long long>(stats->bucket),
               static_cast<unsigned long long>(stats->erased),
               static_cast<unsigned long long>(stats->blocks),
               static_cast<unsigned long long>(stats->bytes), progress.seconds(),
               stats->root.ToString().c_str());
  return 0;
}

}  // namespace

int Export(Args& args) {
  const std::string what = args.Next();
  if (what == "car") return ExportCar(args);
  return Usage(kExportUsage);
}

}  // namespace ddc::cli
