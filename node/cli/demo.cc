// `ddc demo`: stores a few sample blobs in a data directory, reads them back by CID, verifies
// the store and prints each step, so that a new user sees the engine work end to end.
#include <cstdio>
#include <string>
#include <vector>

#include "node/cli/cli.h"

namespace ddc::cli {

int Demo(Args& args) {
  std::string dir = args.Option("--dir");
  if (!args.Positionals().empty() || args.HasUnknown()) return Usage("demo [--dir DIR]");
  if (dir.empty()) dir = DefaultDataDir() + "/demo";
  std::printf("ddc demo: store in %s\n", dir.c_str());

  const std::vector<std::string> samples = {
      R"({"app":"shop","user":"alice","type":"page_view","url":"/shoes","ts":1763800000})",
      R"({"app":"shop","user":"alice","type":"add_to_cart","sku":"SH-42","ts":1763800042})",
      R"({"app":"shop","user":"bob","type":"purchase","order":"A-1001","amount":"59.90"})",
      std::string(64 << 10, 'x'),  // A compressible 64 KiB blob.
  };
  std::vector<Cid> cids;
  {
    auto store = OpenStore(dir, /*create=*/true);
    if (!store.ok()) return Fail(store.status());
    for (const std::string& s : samples) {
      auto cid = (*store)->PutBlob(std::string_view(s));
      if (!cid.ok()) return Fail(cid.status());
      std::printf("  put %6zu bytes -> %s\n", s.size(), cid->ToString().c_str());
      cids.push_back(*cid);
    }
    auto again = (*store)->PutBlob(std::string_view(samples[0]));
    if (!again.ok()) return Fail(again.status());
    std::printf("  put the first blob again -> same CID, stored once: %s\n",
                *again == cids[0] ? "yes" : "NO");
    Status closed = (*store)->Close();
    if (!closed.ok()) return Fail(closed);
  }
  {
    auto store = OpenStore(dir, /*create=*/false);
    if (!store.ok()) return Fail(store.status());
    std::printf("reopened (%s)\n", (*store)->Stats().opened_from_snapshot
                                       ? "index loaded from its snapshot"
                                       : "index rebuilt from the log");
    auto values = (*store)->MultiGet(cids);
    for (size_t i = 0; i < cids.size(); ++i) {
      if (!values[i].ok()) return Fail(values[i].status());
      const bool same = *values[i] == samples[i];
      std::printf("  get %s -> %zu bytes, %s\n", cids[i].ToString().c_str(), values[i]->size(),
                  same ? "identical" : "DIFFERENT");
      if (!same) return Fail(Status::Corruption("read back different bytes"));
    }
    StoreStats s = (*store)->Stats();
    std::printf("store: %llu records, %llu bytes of log, %.1f index bytes per record, I/O: %s\n",
                static_cast<unsigned long long>(s.records),
                static_cast<unsigned long long>(s.log_bytes), s.index_bytes_per_record,
                s.io_backend.c_str());
    Status closed = (*store)->Close();
    if (!closed.ok()) return Fail(closed);
  }
  Options options;
  options.dir = dir;
  auto report = Store::Verify(options);
  if (!report.ok()) return Fail(report.status());
  std::printf("verify: %llu records checked, every CID matches its bytes\n",
              static_cast<unsigned long long>(report->records));
  std::printf("try: %s blob get --dir %s %s\n", args.program().c_str(), dir.c_str(),
              cids[0].ToString().c_str());
  return 0;
}

}  // namespace ddc::cli
