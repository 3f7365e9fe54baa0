// Fuzz target: arbitrary bytes as the body of a store's only segment file.
//
// An input that starts with the segment magic is the whole file (a real segment file from a
// store makes a good seed); any other input gets a valid segment header put in front, so the
// fuzzer spends its time on records rather than on the header. The store
// is opened on the in-memory FaultFileSystem, which runs segment discovery, the record reader,
// the damage examination (torn tail vs corruption) and the index rebuild. Invariants:
//   - Open either succeeds or fails with Corruption / NotSupported; it never crashes.
//   - After a successful open, Store::Verify passes and every record the iterator yields hashes
//     to its CID (recovery never hands out a record it did not fully check).
//   - A second open of the recovered store is clean.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "ddc/store.h"
#include "engine/io/fault_file_system.h"
#include "engine/log/format.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_record_reader invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddc;
  std::vector<uint8_t> file;
  const bool raw = size >= log::kSegmentMagic.size() &&
                   std::memcmp(data, log::kSegmentMagic.data(), log::kSegmentMagic.size()) == 0;
  if (!raw) {
    file.resize(log::kSegmentHeaderBytes);
    log::SegmentHeader h;
    h.segment_id = 1;
    h.first_sequence = 1;
    log::EncodeSegmentHeader(h, file.data());
  }
  file.insert(file.end(), data, data + size);

  io::FaultFileSystem fs;
  if (!fs.CreateDir("/db").ok()) return 0;
  if (!fs.WriteAll("/db/" + log::SegmentFileName(1), file).ok()) return 0;
  Options options;
  options.dir = "/db";
  options.file_system = &fs;
  options.create_if_missing = false;
  options.info_log = [](std::string_view) {};
  // A small writer buffer: this target opens a store per input, and the default buffer (one
  // maximum-size record) would dominate the time per run.
  options.max_record_bytes = 1 << 20;
  options.group_commit_bytes = 64 << 10;
  {
    auto store = Store::Open(options);
    if (!store.ok()) {
      const Status& s = store.status();
      Check(s.IsCorruption() || s.IsNotSupported() || s.IsNotFound(),
            "open failed with an unexpected status code");
      return 0;
    }
    auto it = (*store)->NewIterator();
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view v = it->value();
      Check(Cid::Of(it->cid().codec(), v) == it->cid(), "iterated record does not match its CID");
      auto got = (*store)->Get(it->cid());
      Check(got.ok() && *got == v, "Get disagrees with the iterator");
    }
    Check(it->status().ok(), "iterator failed after a successful open");
    Check((*store)->Close().ok(), "close failed");
  }
  auto report = Store::Verify(options);
  Check(report.ok(), "verify failed after recovery");
  auto again = Store::Open(options);
  Check(again.ok(), "second open failed");
  Check((*again)->Stats().recovery == "clean", "second open was not clean");
  return 0;
}
