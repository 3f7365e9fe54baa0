// ddc.Store, part one: opening and closing, blobs, events, timelines and checkpoints (the rest
// is in store_records.cc), and the store-free verifyStore. store_handle.h says how close() and
// the work in flight keep out of each other's way.
#include "ddc/store.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "async.h"
#include "binding.h"
#include "convert.h"
#include "ddc/options.h"
#include "ddc/verify.h"
#include "store_handle.h"
#include "store_wrap.h"

namespace ddc::node {

namespace {

Durability ParseDurability(Napi::Env env, const std::string& name) {
  if (name == "group") return Durability::kSyncEveryGroup;
  if (name == "interval") return Durability::kSyncInterval;
  if (name == "none") return Durability::kNone;
  Throw(env,
        Status::InvalidArgument("durability '" + name + "': want 'group', 'interval' or 'none'"));
}

IoBackend ParseIoBackend(Napi::Env env, const std::string& name) {
  if (name == "auto") return IoBackend::kAuto;
  if (name == "io_uring") return IoBackend::kUring;
  if (name == "posix") return IoBackend::kPosix;
  Throw(env,
        Status::InvalidArgument("ioBackend '" + name + "': want 'auto', 'io_uring' or 'posix'"));
}

// {bucket: owner key} as a plain object (bucket numbers as keys) or a Map. Resolved to a fixed
// map here: the engine asks from its own threads, where JavaScript cannot be called.
std::function<std::optional<PublicKey>(uint64_t)> BucketOwners(const Napi::Value& value) {
  Napi::Env env = value.Env();
  std::map<uint64_t, PublicKey> owners;
  Napi::Function map_class = env.Global().Get("Map").As<Napi::Function>();
  if (value.IsObject() && value.As<Napi::Object>().InstanceOf(map_class)) {
    Napi::Object array_class = env.Global().Get("Array").As<Napi::Object>();
    Napi::Array entries =
        array_class.Get("from").As<Napi::Function>().Call(array_class, {value}).As<Napi::Array>();
    for (uint32_t i = 0; i < entries.Length(); ++i) {
      Napi::Array entry = entries.Get(i).As<Napi::Array>();
      owners[U64(entry.Get(0u), "bucketOwners key")] =
          Fixed<32>(entry.Get(1u), "bucketOwners value");
    }
  } else if (value.IsObject() && !value.IsArray()) {
    Napi::Object object = value.As<Napi::Object>();
    Napi::Array names = object.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      std::string name = names.Get(i).ToString().Utf8Value();
      if (name.empty() || name.size() > 20 ||
          name.find_first_not_of("0123456789") != std::string::npos) {
        Throw(env,
              Status::InvalidArgument("bucketOwners: key '" + name + "' is not a bucket number"));
      }
      owners[std::stoull(name)] = Fixed<32>(object.Get(name), "bucketOwners['" + name + "']");
    }
  } else {
    ThrowType(env, "Store.open: bucketOwners: want an object or a Map of bucket -> owner key");
  }
  return [owners = std::move(owners)](uint64_t bucket) {
    auto it = owners.find(bucket);
    return it == owners.end() ? std::nullopt : std::optional<PublicKey>(it->second);
  };
}

ddc::Options OpenOptions(const Napi::Value& path, const Napi::Value& value) {
  Napi::Env env = path.Env();
  ddc::Options options;
  options.dir = String(path, "Store.open: path");
  Napi::Object o =
      Options(value, "Store.open: options",
              {"createIfMissing", "errorIfExists", "durability", "syncIntervalMs", "segmentBytes",
               "ioBackend", "compression", "nodeKeySeed", "checkpointOrigin",
               "checkpointIntervalMs", "bucketOwners", "paranoidOpen"});
  auto has = [&](const char* key) { return !IsMissing(o.Get(key)); };
  if (has("createIfMissing"))
    options.create_if_missing = Bool(o.Get("createIfMissing"), "createIfMissing");
  if (has("errorIfExists")) options.error_if_exists = Bool(o.Get("errorIfExists"), "errorIfExists");
  if (has("durability")) {
    options.durability = ParseDurability(env, String(o.Get("durability"), "durability"));
  }
  if (has("syncIntervalMs"))
    options.sync_interval_ms = U32(o.Get("syncIntervalMs"), "syncIntervalMs");
  if (has("segmentBytes")) options.segment_bytes = U64(o.Get("segmentBytes"), "segmentBytes");
  if (has("ioBackend")) {
    options.io_backend = ParseIoBackend(env, String(o.Get("ioBackend"), "ioBackend"));
  }
  if (has("compression")) {
    std::string compression = String(o.Get("compression"), "compression");
    if (compression == "none") {
      options.compression = Compression::kNone;
    } else if (compression != "auto") {
      Throw(env,
            Status::InvalidArgument("compression '" + compression + "': want 'auto' or 'none'"));
    }
  }
  if (has("nodeKeySeed")) {
    std::array<uint8_t, 32> seed = Fixed<32>(o.Get("nodeKeySeed"), "nodeKeySeed");
    options.node_key_seed.assign(seed.begin(), seed.end());
    Wipe(seed);
  }
  if (has("checkpointOrigin")) {
    options.checkpoint_origin = String(o.Get("checkpointOrigin"), "checkpointOrigin");
  }
  if (has("checkpointIntervalMs")) {
    options.checkpoint_interval_ms = U32(o.Get("checkpointIntervalMs"), "checkpointIntervalMs");
  }
  if (has("bucketOwners")) options.bucket_owner = BucketOwners(o.Get("bucketOwners"));
  if (has("paranoidOpen")) options.paranoid_open = Bool(o.Get("paranoidOpen"), "paranoidOpen");
  return options;
}

Napi::Object StatsToObject(Napi::Env env, const StoreStats& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("records", U64Value(env, s.records));
  o.Set("logical_bytes", U64Value(env, s.logical_bytes));
  o.Set("log_bytes", U64Value(env, s.log_bytes));
  o.Set("segments", Napi::Number::New(env, s.segments));
  o.Set("index_bytes", U64Value(env, s.index_bytes));
  o.Set("puts", U64Value(env, s.puts));
  o.Set("dedup_hits", U64Value(env, s.dedup_hits));
  o.Set("gets", U64Value(env, s.gets));
  o.Set("group_commits", U64Value(env, s.group_commits));
  o.Set("syncs", U64Value(env, s.syncs));
  o.Set("events", U64Value(env, s.events));
  o.Set("timelines", U64Value(env, s.timelines));
  o.Set("checkpoints", U64Value(env, s.checkpoints));
  o.Set("appends", U64Value(env, s.appends));
  o.Set("io_backend", s.io_backend);
  o.Set("recovery", s.recovery);
  return o;
}

Napi::Object VerifyReportToObject(Napi::Env env, const VerifyReport& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("segments", Napi::Number::New(env, r.segments));
  o.Set("records", U64Value(env, r.records));
  o.Set("log_bytes", U64Value(env, r.log_bytes));
  o.Set("snapshot_checked", r.snapshot_checked);
  o.Set("events", U64Value(env, r.events));
  o.Set("timelines", U64Value(env, r.timelines));
  o.Set("checkpoints", U64Value(env, r.checkpoints));
  o.Set("grants", U64Value(env, r.grants));
  o.Set("tombstones", U64Value(env, r.tombstones));
  o.Set("names", U64Value(env, r.names));
  o.Set("checkpoint_signatures_checked", r.checkpoint_signatures_checked);
  o.Set("notes", r.notes);
  return o;
}

}  // namespace

Napi::Function StoreWrap::Define(Napi::Env env) {
  return DefineClass(
      env, "Store",
      {StaticMethod<&StoreWrap::Open>("open"),
       InstanceAccessor<&StoreWrap::Path>("path"),
       InstanceAccessor<&StoreWrap::Closed>("closed"),
       InstanceMethod<&StoreWrap::Close>("close"),
       InstanceMethod<&StoreWrap::PutBlob>("putBlob"),
       InstanceMethod<&StoreWrap::Get>("get"),
       InstanceMethod<&StoreWrap::Contains>("contains"),
       InstanceMethod<&StoreWrap::MultiGet>("multiGet"),
       InstanceMethod<&StoreWrap::Sync>("sync"),
       InstanceMethod<&StoreWrap::Stats>("stats"),
       InstanceMethod<&StoreWrap::Append>("append"),
       InstanceMethod<&StoreWrap::AppendBatch>("appendBatch"),
       InstanceMethod<&StoreWrap::GetEvent>("getEvent"),
       InstanceMethod<&StoreWrap::OpenEvent>("openEvent"),
       InstanceMethod<&StoreWrap::TimelineInfo>("timelineInfo"),
       InstanceMethod<&StoreWrap::Buckets>("buckets"),
       InstanceMethod<&StoreWrap::Checkpoint>("checkpoint"),
       InstanceMethod<&StoreWrap::Checkpoints>("checkpoints"),
       InstanceMethod<&StoreWrap::NodeVerifierKey>("nodeVerifierKey"),
       InstanceMethod<&StoreWrap::ProveEvent>("proveEvent"),
       InstanceMethod<&StoreWrap::PutGrant>("putGrant"),
       InstanceMethod<&StoreWrap::Grants>("grants"),
       InstanceMethod<&StoreWrap::Erase>("erase"),
       InstanceMethod<&StoreWrap::Tombstones>("tombstones"),
       InstanceMethod<&StoreWrap::ProveErasure>("proveErasure"),
       InstanceMethod<&StoreWrap::PutName>("putName"),
       InstanceMethod<&StoreWrap::GetName>("getName"),
       InstanceMethod<&StoreWrap::Names>("names"),
       InstanceMethod<&StoreWrap::ExportCar>("exportCar"),
       InstanceMethod<&StoreWrap::TimelineRoot>("timelineRoot"),
       InstanceMethod<&StoreWrap::Journal>("journal"),
       InstanceMethod<&StoreWrap::JournalRoot>("journalRoot"),
       InstanceMethod<&StoreWrap::TimelineConsistencyProof>("timelineConsistencyProof"),
       InstanceMethod<&StoreWrap::JournalConsistencyProof>("journalConsistencyProof"),
       InstanceMethod<&StoreWrap::TimelineCursor>("_timelineCursor"),
       InstanceMethod<&StoreWrap::UsersCursor>("_usersCursor")});
}

// Called only by open(): the first argument is an External holding the handle.
StoreWrap::StoreWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<StoreWrap>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    ThrowType(info.Env(), "Store: use `await ddc.Store.open(path, options)`");
  }
  handle_ = *info[0].As<Napi::External<std::shared_ptr<StoreHandle>>>().Data();
  info.This().As<Napi::Object>().TypeTag(&kStoreTag);
}

// Store.open(path, options) -> Promise<Store>
Napi::Value StoreWrap::Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    ddc::Options options = OpenOptions(info[0], info[1]);
    return Run<std::shared_ptr<StoreHandle>>(
        env,
        [options = std::move(options)]() -> Result<std::shared_ptr<StoreHandle>> {
          Result<std::unique_ptr<Store>> store = Store::Open(options);
          if (!store.ok()) return store.status();
          auto handle = std::make_shared<StoreHandle>();
          handle->store = std::move(store).value();
          handle->path = options.dir;
          return handle;
        },
        [](Napi::Env e, std::shared_ptr<StoreHandle>& handle) -> Napi::Value {
          return Data(e).store_class.New(
              {Napi::External<std::shared_ptr<StoreHandle>>::New(e, &handle)});
        });
  });
}

Napi::Value StoreWrap::Path(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), handle_->path);
}

Napi::Value StoreWrap::Closed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), handle_->closing);
}

// close() -> Promise<void>: refuses new calls at once, waits for the calls in flight, then
// syncs, writes the index snapshot and releases the directory. Closing again is fine.
Napi::Value StoreWrap::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  if (handle_->closed) {
    deferred.Resolve(env.Undefined());
    return deferred.Promise();
  }
  handle_->close_waiters.push_back(deferred);
  handle_->closing = true;
  MaybeStartClose(env, handle_);
  return deferred.Promise();
}

Napi::Value StoreWrap::PutBlob(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    std::string blob = Bytes(info[0], "putBlob: blob");
    return Submit<Cid>(
        env, [blob = std::move(blob)](Store& s) { return s.PutBlob(blob); }, CidString);
  });
}

Napi::Value StoreWrap::Get(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    Cid cid = ParseCid(info[0], "get: cid");
    return Submit<std::string>(
        env, [cid](Store& s) { return s.Get(cid); },
        [](Napi::Env e, std::string& bytes) { return BufferOf(e, bytes); });
  });
}

Napi::Value StoreWrap::Contains(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    Cid cid = ParseCid(info[0], "contains: cid");
    return Submit<bool>(
        env, [cid](Store& s) { return s.Contains(cid); },
        [](Napi::Env e, bool& found) { return Napi::Boolean::New(e, found); });
  });
}

// multiGet(cids) -> Promise<(Buffer | null)[]>: null for a CID that is not stored.
Napi::Value StoreWrap::MultiGet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    if (!info[0].IsArray()) ThrowType(env, "multiGet: cids: want an array of CID strings");
    Napi::Array array = info[0].As<Napi::Array>();
    std::vector<Cid> cids;
    for (uint32_t i = 0; i < array.Length(); ++i) {
      cids.push_back(ParseCid(array.Get(i), "multiGet: cids[" + std::to_string(i) + "]"));
    }
    using Found = std::vector<std::optional<std::string>>;
    return Submit<Found>(
        env,
        [cids = std::move(cids)](Store& s) -> Result<Found> {
          Found found;
          for (Result<std::string>& result : s.MultiGet(cids)) {
            if (result.ok()) {
              found.emplace_back(std::move(result).value());
            } else if (result.status().IsNotFound()) {
              found.emplace_back(std::nullopt);
            } else {
              return result.status();
            }
          }
          return found;
        },
        [](Napi::Env e, Found& found) {
          Napi::Array out = Napi::Array::New(e, found.size());
          for (size_t i = 0; i < found.size(); ++i) {
            out.Set(static_cast<uint32_t>(i),
                    found[i] ? Napi::Value(BufferOf(e, *found[i])) : e.Null());
          }
          return out;
        });
  });
}

Napi::Value StoreWrap::Sync(const Napi::CallbackInfo& info) {
  return Async(info.Env(), [&] {
    return Submit<Done>(
        info.Env(), [](Store& s) { return FromStatus(s.Sync()); }, Undefined);
  });
}

Napi::Value StoreWrap::Stats(const Napi::CallbackInfo& info) {
  return Async(info.Env(), [&] {
    return Submit<StoreStats>(
        info.Env(), [](Store& s) -> Result<StoreStats> { return s.Stats(); }, StatsToObject);
  });
}

// append(event) -> Promise<{cid, position, journal_index, existed}>
Napi::Value StoreWrap::Append(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    std::string bytes = EventBytes(info[0], "append: event");
    return Submit<AppendResult>(
        env, [bytes = std::move(bytes)](Store& s) { return s.Append(bytes); }, AppendResultToObject,
        ErrorKind::kEvent);
  });
}

// appendBatch(events) -> Promise<(AppendResult | DdcError)[]>: one group commit; each event
// gets its own result, and a refused one does not stop the others.
Napi::Value StoreWrap::AppendBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    if (!info[0].IsArray()) ThrowType(env, "appendBatch: events: want an array");
    Napi::Array array = info[0].As<Napi::Array>();
    std::vector<std::string> events;
    for (uint32_t i = 0; i < array.Length(); ++i) {
      events.push_back(EventBytes(array.Get(i), "appendBatch: events[" + std::to_string(i) + "]"));
    }
    using Results = std::vector<Result<AppendResult>>;
    return Submit<Results>(
        env,
        [events = std::move(events)](Store& s) -> Result<Results> {
          std::vector<std::span<const uint8_t>> spans;
          spans.reserve(events.size());
          for (const std::string& bytes : events) spans.push_back(Span(bytes));
          return s.AppendBatch(spans);
        },
        [](Napi::Env e, Results& results) {
          Napi::Array out = Napi::Array::New(e, results.size());
          for (size_t i = 0; i < results.size(); ++i) {
            out.Set(static_cast<uint32_t>(i),
                    results[i].ok() ? Napi::Value(AppendResultToObject(e, *results[i]))
                                    : ErrorFor(e, results[i].status(), ErrorKind::kEvent).Value());
          }
          return out;
        });
  });
}

Napi::Value StoreWrap::GetEvent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    Cid cid = ParseCid(info[0], "getEvent: cid");
    return Submit<Event>(
        env, [cid](Store& s) { return s.GetEvent(cid); },
        [cid](Napi::Env e, Event& event) { return EventToObject(e, event, cid); });
  });
}

// openEvent(cid, keys) -> Promise<Opened>: the stored event opened with `keys` (its signature
// was verified when it was appended).
Napi::Value StoreWrap::OpenEvent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    Cid cid = ParseCid(info[0], "openEvent: cid");
    std::shared_ptr<SharedKeyRing> keys = KeyRingOf(info[1], "openEvent: keys");
    return Submit<OpenedEvent>(
        env,
        [cid, keys](Store& s) -> Result<OpenedEvent> {
          Result<Event> event = s.GetEvent(cid);
          if (!event.ok()) return event.status();
          std::shared_lock lock(keys->mutex);
          return EventReader().Open(*event, keys->ring, {.signature_already_verified = true});
        },
        OpenedToObject, ErrorKind::kEvent);
  });
}

Napi::Value StoreWrap::TimelineInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    uint64_t bucket = U64(info[0], "timelineInfo: bucket");
    PublicKey user = Fixed<32>(info[1], "timelineInfo: user");
    return Submit<ddc::TimelineInfo>(
        env, [bucket, user](Store& s) { return s.Timeline(bucket, user); }, TimelineInfoToObject);
  });
}

Napi::Value StoreWrap::Buckets(const Napi::CallbackInfo& info) {
  return Async(info.Env(), [&] {
    return Submit<std::vector<uint64_t>>(
        info.Env(), [](Store& s) -> Result<std::vector<uint64_t>> { return s.Buckets(); },
        [](Napi::Env e, std::vector<uint64_t>& buckets) {
          Napi::Array out = Napi::Array::New(e, buckets.size());
          for (size_t i = 0; i < buckets.size(); ++i) {
            out.Set(static_cast<uint32_t>(i), U64Value(e, buckets[i]));
          }
          return out;
        });
  });
}

Napi::Value StoreWrap::Checkpoint(const Napi::CallbackInfo& info) {
  return Async(info.Env(), [&] {
    return Submit<CheckpointRecord>(
        info.Env(), [](Store& s) { return s.Checkpoint(); }, CheckpointToObject);
  });
}

Napi::Value StoreWrap::Checkpoints(const Napi::CallbackInfo& info) {
  return Async(info.Env(), [&] {
    using List = std::vector<CheckpointRecord>;
    return Submit<List>(
        info.Env(), [](Store& s) -> Result<List> { return s.Checkpoints(); },
        [](Napi::Env e, List& list) {
          Napi::Array out = Napi::Array::New(e, list.size());
          for (size_t i = 0; i < list.size(); ++i) {
            out.Set(static_cast<uint32_t>(i), CheckpointToObject(e, list[i]));
          }
          return out;
        });
  });
}

Napi::Value StoreWrap::NodeVerifierKey(const Napi::CallbackInfo& info) {
  return Async(info.Env(), [&] {
    return Submit<std::string>(
        info.Env(), [](Store& s) -> Result<std::string> { return s.NodeVerifierKey(); },
        [](Napi::Env e, std::string& key) { return Napi::String::New(e, key); });
  });
}

// proveEvent(cid) -> Promise<Buffer>: the encoded proof bundle verifyEventProof checks.
Napi::Value StoreWrap::ProveEvent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    Cid cid = ParseCid(info[0], "proveEvent: cid");
    return Submit<std::string>(
        env,
        [cid](Store& s) -> Result<std::string> {
          Result<EventProof> proof = s.ProveEvent(cid);
          if (!proof.ok()) return proof.status();
          return EncodeEventProof(*proof);
        },
        [](Napi::Env e, std::string& bytes) { return BufferOf(e, bytes); });
  });
}

// _timelineCursor(bucket, user, {from, since, reverse, keys}): what index.js's timeline()
// pages through (cursors.cc).
Napi::Value StoreWrap::TimelineCursor(const Napi::CallbackInfo& info) {
  return NewTimelineCursor(info.Env(), handle_, info[0], info[1], info[2]);
}

Napi::Value StoreWrap::UsersCursor(const Napi::CallbackInfo& info) {
  return NewUsersCursor(info.Env(), handle_, info[0]);
}

namespace {

// verifyStore(path) -> Promise<VerifyReport>: checks a closed store without changing it.
Napi::Value VerifyStoreJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    ddc::Options options;
    options.dir = String(info[0], "verifyStore: path");
    options.create_if_missing = false;
    return Run<VerifyReport>(
        env, [options = std::move(options)] { return Store::Verify(options); },
        VerifyReportToObject);
  });
}

}  // namespace

void MaybeStartClose(Napi::Env env, const std::shared_ptr<StoreHandle>& handle) {
  if (!handle->closing || handle->close_started || handle->pending > 0) return;
  handle->close_started = true;
  auto* task = new Task<Done>(
      env, [handle] { return FromStatus(handle->store->Close()); },
      [handle](Napi::Env e, Result<Done>& result) {
        handle->closed = true;
        handle->close_status = result.ok() ? Status::OK() : result.status();
        std::vector<Napi::Promise::Deferred> waiters = std::move(handle->close_waiters);
        handle->close_waiters.clear();
        for (const Napi::Promise::Deferred& waiter : waiters) {
          if (result.ok()) {
            waiter.Resolve(e.Undefined());
          } else {
            waiter.Reject(ErrorFor(e, result.status()).Value());
          }
        }
      });
  task->Queue();  // The task deletes itself when it completes.
}

void InitStore(Napi::Env env, Napi::Object exports) {
  Napi::Function store = StoreWrap::Define(env);
  Data(env).store_class = Napi::Persistent(store);
  exports.Set("Store", store);
  exports.Set("verifyStore", Napi::Function::New<VerifyStoreJs>(env));
}

}  // namespace ddc::node
