// The C interface (include/ddc/ddc.h): opening and closing a store, blobs, and CAR export.
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "bindings/c/ddc_c_internal.h"
#include "ddc/car.h"
#include "ddc/options.h"

namespace ddc::c_api {
namespace {

static_assert(DDC_MAX_MULTI_GET == kMaxMultiGet);

// The ddc::Options of checked C options.
Result<Options> ToOptions(const ddc_options& options) {
  if (options.version < 1 || options.version > DDC_OPTIONS_VERSION) {
    return Status::InvalidArgument("options: unknown version " + std::to_string(options.version) +
                                   " (call ddc_options_init)");
  }
  if (options.dir == nullptr) return Status::InvalidArgument("options->dir is NULL");
  if (options.durability < DDC_SYNC_EVERY_GROUP || options.durability > DDC_SYNC_NONE) {
    return Status::InvalidArgument("options: unknown durability " +
                                   std::to_string(options.durability));
  }
  if (options.io_backend < DDC_IO_AUTO || options.io_backend > DDC_IO_POSIX) {
    return Status::InvalidArgument("options: unknown io_backend " +
                                   std::to_string(options.io_backend));
  }
  Options o;
  o.dir = options.dir;
  o.create_if_missing = options.create_if_missing != 0;
  o.error_if_exists = options.error_if_exists != 0;
  o.durability = static_cast<Durability>(options.durability);
  o.sync_interval_ms = options.sync_interval_ms;
  o.io_backend = static_cast<IoBackend>(options.io_backend);
  if (options.node_key_seed != nullptr) {
    o.node_key_seed.assign(reinterpret_cast<const char*>(options.node_key_seed), DDC_KEY_SIZE);
  }
  if (options.checkpoint_origin != nullptr) o.checkpoint_origin = options.checkpoint_origin;
  if (options.bucket_owner != nullptr) {
    o.bucket_owner = [fn = options.bucket_owner, context = options.bucket_owner_context](
                         uint64_t bucket) -> std::optional<PublicKey> {
      PublicKey owner{};
      if (fn(context, bucket, owner.data()) == 0) return std::nullopt;
      return owner;
    };
  }
  return o;
}

// A C sink's answer as a Status: DDC_OK goes on, a ddc_code stops the export with that code,
// anything else with DDC_IO_ERROR.
Status SinkStatus(int code) {
  if (code == DDC_OK) return Status::OK();
  const int known = code > DDC_OK && code <= DDC_PERMISSION_DENIED ? code : DDC_IO_ERROR;
  const std::string message =
      "export car: the sink stopped the export (returned " + std::to_string(code) + ")";
  switch (static_cast<Status::Code>(known)) {
    case Status::Code::kNotFound:
      return Status::NotFound(message);
    case Status::Code::kCorruption:
      return Status::Corruption(message);
    case Status::Code::kInvalidArgument:
      return Status::InvalidArgument(message);
    case Status::Code::kNoSpace:
      return Status::NoSpace(message);
    case Status::Code::kBusy:
      return Status::Busy(message);
    case Status::Code::kNotSupported:
      return Status::NotSupported(message);
    case Status::Code::kFailed:
      return Status::Failed(message);
    case Status::Code::kConflict:
      return Status::Conflict(message);
    case Status::Code::kErased:
      return Status::Erased(message);
    case Status::Code::kPermissionDenied:
      return Status::PermissionDenied(message);
    case Status::Code::kOk:
    case Status::Code::kIOError:
      break;
  }
  return Status::IOError(message);
}

void CopyCarStats(const CarExportStats& stats, ddc_car_stats* out) {
  if (out == nullptr) return;
  CopyCid(stats.root, out->root);
  out->bucket = stats.bucket;
  out->events = stats.events;
  out->events_written = stats.events_written;
  out->erased = stats.erased;
  out->blocks = stats.blocks;
  out->bytes = stats.bytes;
}

}  // namespace
}  // namespace ddc::c_api

// The exported functions below live at global scope, as C sees them.
using namespace ddc::c_api;

extern "C" {

// ---- Store ----

void ddc_options_init(ddc_options* options) {
  if (options == nullptr) return;
  const ddc::Options defaults;
  *options = ddc_options{};
  options->version = DDC_OPTIONS_VERSION;
  options->create_if_missing = defaults.create_if_missing ? 1 : 0;
  options->error_if_exists = defaults.error_if_exists ? 1 : 0;
  options->durability = static_cast<int>(defaults.durability);
  options->sync_interval_ms = defaults.sync_interval_ms;
  options->io_backend = static_cast<int>(defaults.io_backend);
}

int ddc_store_open(const ddc_options* options, ddc_store** store, ddc_error** err) {
  Reset(store);
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"options", options}, {"store", store}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Options o, ToOptions(*options));
    DDC_ASSIGN_OR_RETURN(std::unique_ptr<ddc::Store> opened, ddc::Store::Open(o));
    *store = new ddc_store{std::move(opened)};
    return ddc::Status::OK();
  });
}

int ddc_store_close(ddc_store* store, ddc_error** err) {
  if (store == nullptr) return DDC_OK;
  const int code = WithStore(store, err, [](ddc::Store& s) { return s.Close(); });
  delete store;
  return code;
}

int ddc_store_sync(ddc_store* store, ddc_error** err) {
  return WithStore(store, err, [](ddc::Store& s) { return s.Sync(); });
}

// ---- Blobs ----

int ddc_put_blob(ddc_store* store, const uint8_t* data, size_t len, char cid_out[DDC_CID_SIZE],
                 ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    if (data == nullptr && len != 0) return ddc::Status::InvalidArgument("data is NULL");
    DDC_ASSIGN_OR_RETURN(const ddc::Cid cid, s.PutBlob(Bytes(data, len)));
    if (cid_out != nullptr) CopyCid(cid, cid_out);
    return ddc::Status::OK();
  });
}

int ddc_get(ddc_store* store, const char* cid, ddc_buf* out, ddc_error** err) {
  Reset(out);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"out", out}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Cid parsed, ParseCid(cid));
    return FillResult(s.Get(parsed), out);
  });
}

int ddc_contains(ddc_store* store, const char* cid, int* found, ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"found", found}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Cid parsed, ParseCid(cid));
    DDC_ASSIGN_OR_RETURN(const bool contains, s.Contains(parsed));
    *found = contains ? 1 : 0;
    return ddc::Status::OK();
  });
}

int ddc_multi_get(ddc_store* store, const char* const* cids, size_t count, ddc_buf* outs,
                  int* codes, ddc_error** errors, ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"outs", outs}, {"codes", codes}}));
    if (count != 0 && cids == nullptr) return ddc::Status::InvalidArgument("cids is NULL");
    if (count > DDC_MAX_MULTI_GET) {
      return ddc::Status::InvalidArgument("ddc_multi_get of " + std::to_string(count) +
                                          " CIDs exceeds DDC_MAX_MULTI_GET (" +
                                          std::to_string(DDC_MAX_MULTI_GET) + ")");
    }
    // Each CID is parsed on its own: a malformed one fails its entry, not the call.
    std::vector<ddc::Result<std::string>> results;
    std::vector<ddc::Cid> parsed;
    std::vector<size_t> parsed_index;  // parsed[j] is entry parsed_index[j].
    results.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      ddc::Result<ddc::Cid> cid = ParseCid(cids[i]);
      // A parsed entry's placeholder is replaced by what MultiGet read, below.
      results.emplace_back(cid.ok() ? ddc::Status::NotFound("not read") : cid.status());
      if (!cid.ok()) continue;
      parsed.push_back(*cid);
      parsed_index.push_back(i);
    }
    std::vector<ddc::Result<std::string>> read = s.MultiGet(parsed);
    for (size_t j = 0; j < read.size(); ++j) results[parsed_index[j]] = std::move(read[j]);

    for (size_t i = 0; i < count; ++i) Reset(&outs[i]);
    try {
      for (size_t i = 0; i < count; ++i) {
        if (results[i].ok()) DDC_RETURN_IF_ERROR(Fill(*results[i], &outs[i]));
      }
    } catch (...) {  // Out of memory: free what was filled, so that the call allocates nothing.
      for (size_t i = 0; i < count; ++i) ddc_buf_free(&outs[i]);
      throw;
    }
    ddc::Status first = ddc::Status::OK();
    for (size_t i = 0; i < count; ++i) {
      codes[i] = static_cast<int>(results[i].status().code());
      if (errors != nullptr) errors[i] = nullptr;
      if (results[i].ok()) continue;
      if (errors != nullptr) Report(results[i].status(), &errors[i]);
      if (first.ok()) {
        first = results[i].status().WithContext("cid " + std::to_string(i) + " of " +
                                                std::to_string(count));
      }
    }
    return first;
  });
}

// ---- CAR export ----

int ddc_export_car(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                   ddc_car_sink_fn sink, void* sink_context, ddc_car_stats* out, ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"user", user}}));
    if (sink == nullptr) return ddc::Status::InvalidArgument("sink is NULL");
    auto forward = [&](std::string_view bytes) {
      return SinkStatus(
          sink(sink_context, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    };
    DDC_ASSIGN_OR_RETURN(const ddc::CarExportStats stats,
                         ddc::ExportTimelineCar(s, bucket, Key(user), forward));
    CopyCarStats(stats, out);
    return ddc::Status::OK();
  });
}

int ddc_export_car_file(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                        const char* path, ddc_car_stats* out, ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"user", user}, {"path", path}}));
    DDC_ASSIGN_OR_RETURN(const ddc::CarExportStats stats,
                         ddc::ExportTimelineCarToFile(s, bucket, Key(user), path));
    CopyCarStats(stats, out);
    return ddc::Status::OK();
  });
}

}  // extern "C"
