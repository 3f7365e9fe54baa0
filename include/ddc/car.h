// CAR export: one user's timeline in one bucket as a CAR v1 file (Content Addressable aRchive),
// which IPFS tools (`ipfs dag import`, `@ipld/car`, go-car) read and verify without ddc.
// docs/FORMAT.md, "CAR export", specifies every byte.
//
// The file is a header naming one root, the timeline object (bucket, user, size, RFC 9162 root
// and the list of event CIDs), then every event block in position order. The root lists every
// event, so an export makes two passes over the timeline: the first collects the CIDs, the
// second streams each event block to the sink. Both stop at the timeline size read before the
// first pass, so the output is one consistent state of the timeline even while other threads
// append to it. Each event is re-hashed before it is written: a block whose bytes do not match
// its CID is never exported (Corruption). Erased events keep their CID in the timeline object,
// so the root still checks, but their blocks are left out.
//
// Memory: 38 bytes per event for the CID list, plus one event block at a time.
//
// Thread safety: an export only reads the store; any number may run concurrently with each
// other and with writers. The sink and the progress callback are called from the calling thread.
#ifndef DDC_CAR_H_
#define DDC_CAR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "ddc/cid.h"
#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc {

class Store;

// What an export wrote.
struct CarExportStats {
  Cid root;  // CID of the timeline object: the CAR header's only root.
  uint64_t bucket = 0;
  uint64_t events = 0;          // Timeline size exported: the timeline object lists this many.
  uint64_t events_written = 0;  // Event blocks written (events less the erased ones).
  uint64_t erased = 0;          // Events listed but not written because they were erased.
  uint64_t blocks = 0;          // Blocks written: events_written + 1 (the timeline object).
  uint64_t bytes = 0;           // Bytes handed to the sink (the file's size).
};

// Where an export is, for a progress display.
struct CarExportProgress {
  enum class Phase : uint8_t {
    kListing,  // First pass: collecting event CIDs; bytes is 0.
    kWriting,  // Second pass: writing event blocks.
  };
  Phase phase = Phase::kListing;
  uint64_t events_done = 0;   // Positions passed in this phase (erased ones included).
  uint64_t events_total = 0;  // The timeline size being exported.
  uint64_t bytes = 0;         // Bytes handed to the sink so far.
};

// Receives the CAR file in order, piece by piece; each piece is valid only during the call. A
// non-OK status stops the export, which returns that status unchanged (with no further sink
// call), so a sink may also cancel an export.
using CarSink = std::function<Status(std::string_view bytes)>;
// Called after each stored event read in each pass (erased events are not read, but
// events_done counts their positions), from the exporting thread; it should be cheap
// (rate-limit any display itself).
using CarProgressCallback = std::function<void(const CarExportProgress&)>;

// Writes the (bucket, user) timeline, at its size when the call starts, as a CAR v1 stream to
// `sink`. Errors: NotFound when the user has no event in the bucket; Corruption when a stored
// event does not hash to its CID; the sink's status when it fails; any read error of the store.
// After an error the sink has received a prefix of the file, which must be discarded.
Result<CarExportStats> ExportTimelineCar(Store& store, uint64_t bucket, const PublicKey& user,
                                         const CarSink& sink,
                                         const CarProgressCallback& progress = {});

// The same export written to the file `path`, atomically: the bytes go to a temporary file next
// to it (`<path>.<random>.partial`), which is fdatasync'ed and renamed over `path`, and the
// directory is synced. On any error the temporary file is removed and `path` is left as it was
// (absent, or its previous content): there is never a half-written file at `path`.
Result<CarExportStats> ExportTimelineCarToFile(Store& store, uint64_t bucket, const PublicKey& user,
                                               const std::string& path,
                                               const CarProgressCallback& progress = {});

}  // namespace ddc

#endif  // DDC_CAR_H_
