// ddc: the command-line tool for a ddc store.
//
//   ddc blob put --dir DIR [FILE|-]     store a file (or stdin), print its CID
//   ddc blob get --dir DIR CID          write the blob's bytes to stdout
//   ddc stats --dir DIR [--json]        counts, sizes, index RAM per record
//   ddc verify --dir DIR                check every record; non-zero exit names the first bad one
//   ddc demo [--dir DIR]                store and read back sample data, saying what it does
//
// Errors go to stderr as one line "ddc: <what>"; the exit code is 1 for errors, 2 for usage.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "ddc/store.h"
#include "node/cli/cli.h"

namespace ddc::cli {
namespace {

constexpr char kUsage[] =
    "usage: ddc <command> [options]\n"
    "\n"
    "commands:\n"
    "  blob put --dir DIR [FILE|-]   store FILE (or standard input) and print its CID\n"
    "  blob get --dir DIR CID        write the blob's bytes to standard output\n"
    "  stats --dir DIR [--json]      show what the store holds\n"
    "  verify --dir DIR              check every record, the CIDs and the index snapshot\n"
    "  demo [--dir DIR]              store and read back sample data (default dir: "
    "$XDG_DATA_HOME/ddc/demo or ~/.local/share/ddc/demo)\n"
    "  help                          this text\n";

int BlobPut(Args& args) {
  const std::string dir = args.Option("--dir");
  std::vector<std::string> rest = args.Positionals();
  if (dir.empty() || rest.size() > 1 || args.HasUnknown())
    return Usage("blob put --dir DIR [FILE|-]");
  const std::string path = rest.empty() ? "-" : rest[0];
  auto bytes = ReadInput(path);
  if (!bytes.ok()) return Fail(bytes.status());
  auto store = OpenStore(dir, /*create=*/true);
  if (!store.ok()) return Fail(store.status());
  auto cid = (*store)->PutBlob(std::string_view(*bytes));
  if (!cid.ok()) return Fail(cid.status());
  Status closed = (*store)->Close();
  if (!closed.ok()) return Fail(closed);
  std::printf("%s\n", cid->ToString().c_str());
  return 0;
}

int BlobGet(Args& args) {
  const std::string dir = args.Option("--dir");
  std::vector<std::string> rest = args.Positionals();
  if (dir.empty() || rest.size() != 1 || args.HasUnknown()) return Usage("blob get --dir DIR CID");
  auto cid = Cid::Parse(rest[0]);
  if (!cid.ok()) return Fail(cid.status());
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  auto value = (*store)->Get(*cid);
  if (!value.ok()) return Fail(value.status());
  return WriteStdout(*value) ? 0 : Fail(Status::IOError("writing standard output failed"));
}

int Stats(Args& args) {
  const std::string dir = args.Option("--dir");
  const bool json = args.Flag("--json");
  if (dir.empty() || !args.Positionals().empty() || args.HasUnknown())
    return Usage("stats --dir DIR [--json]");
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  StoreStats s = (*store)->Stats();
  std::printf("%s", (json ? StatsJson(s) : StatsText(s)).c_str());
  Status closed = (*store)->Close();
  return closed.ok() ? 0 : Fail(closed);
}

int Verify(Args& args) {
  const std::string dir = args.Option("--dir");
  if (dir.empty() || !args.Positionals().empty() || args.HasUnknown())
    return Usage("verify --dir DIR");
  Options options;
  options.dir = dir;
  const bool tty = isatty(2) != 0;
  auto started = std::chrono::steady_clock::now();
  auto report = Store::Verify(options, [&](const VerifyProgress& p) {
    // Small stores finish before a progress line would help anyone.
    if (p.bytes_total < (64u << 20)) return;
    const double pct = p.bytes_total == 0 ? 100.0
                                          : 100.0 * static_cast<double>(p.bytes_done) /
                                                static_cast<double>(p.bytes_total);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "%sverify: %5.1f%%  %llu records  %.1f MiB  %.1fs%s", tty ? "\r" : "", pct,
                 static_cast<unsigned long long>(p.records),
                 static_cast<double>(p.bytes_done) / (1 << 20), secs, tty ? "" : "\n");
  });
  if (tty && report.ok() && report->log_bytes >= (64u << 20)) std::fprintf(stderr, "\n");
  if (!report.ok()) return Fail(report.status());
  std::printf("ok: %u segments, %llu records, %llu log bytes, index snapshot %s\n",
              report->segments, static_cast<unsigned long long>(report->records),
              static_cast<unsigned long long>(report->log_bytes),
              report->snapshot_checked ? "verified" : "absent");
  if (!report->notes.empty()) std::printf("note: %s\n", report->notes.c_str());
  return 0;
}

int Dispatch(Args& args) {
  const std::string cmd = args.Next();
  if (cmd.empty() || cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::fputs(kUsage, cmd.empty() ? stderr : stdout);
    return cmd.empty() ? 2 : 0;
  }
  if (cmd == "blob") {
    const std::string sub = args.Next();
    if (sub == "put") return BlobPut(args);
    if (sub == "get") return BlobGet(args);
    return Usage("blob put|get ...");
  }
  if (cmd == "stats") return Stats(args);
  if (cmd == "verify") return Verify(args);
  if (cmd == "demo") return Demo(args);
  std::fprintf(stderr, "ddc: unknown command '%s'\n%s", cmd.c_str(), kUsage);
  return 2;
}

}  // namespace
}  // namespace ddc::cli

int main(int argc, char** argv) {
  ddc::cli::Args args(argc, argv);
  return ddc::cli::Dispatch(args);
}
