// ddc.Store and its iterators (Timeline, Users).
//
// Every call into the store runs without the GIL, so Python threads append, read and prove in
// parallel and share group commits. A store-wide shared mutex keeps close() from racing with
// those calls (Store::Close must not race with anything): calls share it, close() takes it
// exclusively, and a call on a closed store raises ddc.InvalidArgumentError. Lock order: the
// GIL is released before any of the binding's mutexes is taken.
#include "ddc/store.h"

#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "binding.h"
#include "convert.h"
#include "ddc/erasure.h"
#include "ddc/grants.h"
#include "ddc/options.h"
#include "ddc/timeline.h"
#include "ddc/verify.h"
#include "py_store.h"

namespace ddc::python {

using namespace pybind11::literals;  // NOLINT(google-build-using-namespace)

namespace {

Durability ParseDurability(const std::string& name) {
  if (name == "group") return Durability::kSyncEveryGroup;
  if (name == "interval") return Durability::kSyncInterval;
  if (name == "none") return Durability::kNone;
  Raise(Status::InvalidArgument("durability '" + name + "': want 'group', 'interval' or 'none'"));
}

IoBackend ParseIoBackend(const std::string& name) {
  if (name == "auto") return IoBackend::kAuto;
  if (name == "io_uring") return IoBackend::kUring;
  if (name == "posix") return IoBackend::kPosix;
  Raise(Status::InvalidArgument("io_backend '" + name + "': want 'auto', 'io_uring' or 'posix'"));
}

std::string FsPath(py::handle path) {
  return py::cast<std::string>(py::module_::import("os").attr("fspath")(path));
}

// The store options from Store(...)'s keyword arguments.
Options MakeOptions(py::handle path, bool create_if_missing, bool error_if_exists,
                    const std::string& durability, uint32_t sync_interval_ms,
                    std::optional<uint64_t> segment_bytes, const std::string& io_backend,
                    const std::string& compression, py::handle node_key_seed,
                    const std::string& checkpoint_origin, uint32_t checkpoint_interval_ms,
                    py::handle bucket_owners, bool paranoid_open) {
  Options options;
  options.dir = FsPath(path);
  options.create_if_missing = create_if_missing;
  options.error_if_exists = error_if_exists;
  options.durability = ParseDurability(durability);
  options.sync_interval_ms = sync_interval_ms;
  if (segment_bytes) options.segment_bytes = *segment_bytes;
  options.io_backend = ParseIoBackend(io_backend);
  if (compression == "none") {
    options.compression = Compression::kNone;
  } else if (compression != "auto") {
    Raise(Status::InvalidArgument("compression '" + compression + "': want 'auto' or 'none'"));
  }
  if (!node_key_seed.is_none()) {
    std::array<uint8_t, 32> seed = Fixed<32>(node_key_seed, "node_key_seed");
    options.node_key_seed.assign(seed.begin(), seed.end());
    Wipe(seed);
  }
  options.checkpoint_origin = checkpoint_origin;
  options.checkpoint_interval_ms = checkpoint_interval_ms;
  options.paranoid_open = paranoid_open;
  if (!bucket_owners.is_none()) {
    // Resolved to a fixed map here: the engine asks from its own threads, without the GIL.
    std::map<uint64_t, PublicKey> owners;
    for (auto [bucket, owner] : py::reinterpret_borrow<py::dict>(bucket_owners)) {
      owners[py::cast<uint64_t>(bucket)] = Fixed<32>(owner, "bucket owner");
    }
    options.bucket_owner = [owners = std::move(owners)](uint64_t bucket) {
      auto it = owners.find(bucket);
      return it == owners.end() ? std::nullopt : std::optional<PublicKey>(it->second);
    };
  }
  return options;
}

std::unique_ptr<PyStore> OpenStore(py::handle path, bool create_if_missing, bool error_if_exists,
                                   const std::string& durability, uint32_t sync_interval_ms,
                                   std::optional<uint64_t> segment_bytes,
                                   const std::string& io_backend, const std::string& compression,
                                   py::handle node_key_seed, const std::string& checkpoint_origin,
                                   uint32_t checkpoint_interval_ms, py::handle bucket_owners,
                                   bool paranoid_open) {
  Options options =
      MakeOptions(path, create_if_missing, error_if_exists, durability, sync_interval_ms,
                  segment_bytes, io_backend, compression, node_key_seed, checkpoint_origin,
                  checkpoint_interval_ms, bucket_owners, paranoid_open);
  Result<std::unique_ptr<Store>> opened = Status::InvalidArgument("unset");
  {
    py::gil_scoped_release nogil;
    opened = Store::Open(options);
  }
  auto self = std::make_unique<PyStore>();
  self->store = Take(std::move(opened));
  self->path = options.dir;
  return self;
}

// What a timeline iterator yields at one position, copied out without the GIL.
struct TimelineEntry {
  bool valid = false;
  Status status;
  uint64_t position = 0;
  Cid cid;
  Event event;
  std::optional<Result<OpenedEvent>> opened;
};

// ddc.Timeline: an iterator of event dicts. Holds a reference to its store (so the store
// outlives it) and, when given keys, to its key ring.
struct PyTimeline {
  py::object store_object;
  PyStore* store = nullptr;
  std::unique_ptr<EventIterator> it;
  py::object keys_object;
  const PyKeyRing* keys = nullptr;
  bool started = false;
  std::mutex mutex;  // One caller at a time: EventIterator is not thread-safe.

  py::dict Next() {
    TimelineEntry entry;
    {
      py::gil_scoped_release nogil;
      std::shared_lock store_lock(store->mutex);
      if (store->closed) throw StoreClosed{};
      std::lock_guard lock(mutex);
      if (started && it->Valid()) it->Next();
      started = true;
      entry.valid = it->Valid();
      if (entry.valid) {
        entry.position = it->position();
        entry.cid = it->cid();
        entry.event = it->event();
        if (keys != nullptr) {
          std::shared_lock keys_lock(keys->mutex);
          entry.opened =
              EventReader().Open(entry.event, keys->ring, {.signature_already_verified = true});
        }
      } else {
        entry.status = it->status();
      }
    }
    if (!entry.valid) {
      Check(entry.status);
      throw py::stop_iteration();
    }
    py::dict d = EventToDict(entry.event, entry.cid);
    d["position"] = entry.position;
    if (entry.opened) {
      py::dict opened = OpenedToDict(Take(std::move(*entry.opened), ErrorKind::kEvent));
      d["data"] = opened["data"];
      d["opened"] = std::move(opened);
    }
    return d;
  }
};

// ddc.Users: an iterator of timeline-info dicts, one per user of a bucket.
struct PyUsers {
  py::object store_object;
  PyStore* store = nullptr;
  std::unique_ptr<UserIterator> it;
  bool started = false;
  std::mutex mutex;

  py::dict Next() {
    std::optional<TimelineInfo> info;
    {
      py::gil_scoped_release nogil;
      std::shared_lock store_lock(store->mutex);
      if (store->closed) throw StoreClosed{};
      std::lock_guard lock(mutex);
      if (started && it->Valid()) it->Next();
      started = true;
      if (it->Valid()) info = it->timeline();
    }
    if (!info) throw py::stop_iteration();
    return TimelineInfoToDict(*info);
  }
};

py::dict StatsToDict(const StoreStats& s) {
  py::dict d;
  d["records"] = s.records;
  d["logical_bytes"] = s.logical_bytes;
  d["log_bytes"] = s.log_bytes;
  d["segments"] = s.segments;
  d["index_bytes"] = s.index_bytes;
  d["puts"] = s.puts;
  d["dedup_hits"] = s.dedup_hits;
  d["gets"] = s.gets;
  d["group_commits"] = s.group_commits;
  d["syncs"] = s.syncs;
  d["events"] = s.events;
  d["timelines"] = s.timelines;
  d["checkpoints"] = s.checkpoints;
  d["appends"] = s.appends;
  d["io_backend"] = s.io_backend;
  d["recovery"] = s.recovery;
  return d;
}

py::dict VerifyReportToDict(const VerifyReport& r) {
  py::dict d;
  d["segments"] = r.segments;
  d["records"] = r.records;
  d["log_bytes"] = r.log_bytes;
  d["snapshot_checked"] = r.snapshot_checked;
  d["events"] = r.events;
  d["timelines"] = r.timelines;
  d["checkpoints"] = r.checkpoints;
  d["grants"] = r.grants;
  d["tombstones"] = r.tombstones;
  d["checkpoint_signatures_checked"] = r.checkpoint_signatures_checked;
  d["notes"] = r.notes;
  return d;
}

py::dict TombstoneToDict(const TombstoneRecord& record) {
  const Tombstone& t = record.tombstone;
  py::dict d;
  d["cid"] = record.cid.ToString();
  d["bucket"] = t.bucket;
  d["user"] = ToHex(t.user);
  d["event"] = t.event ? py::object(py::str(t.event->ToString())) : py::object(py::none());
  d["signer"] = ToHex(t.signer);
  d["time_ms"] = t.timestamp_ms;
  d["reason"] = t.reason;
  return d;
}

py::list AppendBatch(PyStore& self, const py::list& events) {
  std::vector<std::string> owned;
  owned.reserve(events.size());
  for (py::handle event : events) owned.push_back(EventBytes(event));
  std::vector<std::span<const uint8_t>> spans;
  spans.reserve(owned.size());
  for (const std::string& bytes : owned) spans.push_back(Span(bytes));
  std::vector<Result<AppendResult>> results =
      self.Run([&](Store& store) { return store.AppendBatch(spans); });
  py::list out;
  for (const Result<AppendResult>& result : results) {
    out.append(result.ok() ? py::object(AppendResultToDict(*result))
                           : ErrorFor(result.status(), ErrorKind::kEvent));
  }
  return out;
}

py::list MultiGet(PyStore& self, const std::vector<std::string>& texts) {
  std::vector<Cid> cids;
  cids.reserve(texts.size());
  for (const std::string& text : texts) cids.push_back(ParseCid(text));
  std::vector<Result<std::string>> results =
      self.Run([&](Store& store) { return store.MultiGet(cids); });
  py::list out;
  for (Result<std::string>& result : results) {
    if (result.ok()) {
      out.append(ToBytes(*result));
    } else if (result.status().IsNotFound()) {
      out.append(py::none());
    } else {
      Raise(result.status());
    }
  }
  return out;
}

std::unique_ptr<PyTimeline> MakeTimeline(py::object self_object, uint64_t bucket, py::handle user,
                                         std::optional<uint64_t> start,
                                         std::optional<uint64_t> since_ms, bool reverse,
                                         py::object keys) {
  PyStore& self = self_object.cast<PyStore&>();
  if (start && since_ms)
    Raise(Status::InvalidArgument("timeline: give start or since_ms, not both"));
  PublicKey user_key = Fixed<32>(user, "user");
  TimelineSeek seek;
  seek.backward = reverse;
  if (since_ms) {
    seek.by = TimelineSeek::By::kTime;
    seek.time_ms = *since_ms;
  } else {
    seek.position = start ? *start : (reverse ? UINT64_MAX : 0);
  }
  auto timeline = std::make_unique<PyTimeline>();
  timeline->it = Take(
      self.Run([&](Store& store) { return store.NewTimelineIterator(bucket, user_key, seek); }));
  timeline->store_object = std::move(self_object);
  timeline->store = &self;
  if (!keys.is_none()) {
    timeline->keys = &keys.cast<const PyKeyRing&>();
    timeline->keys_object = std::move(keys);
  }
  return timeline;
}

}  // namespace

void RegisterStore(py::module_& m) {
  py::class_<PyTimeline>(m, "Timeline", "An iterator over a user's events in one bucket.")
      .def("__iter__", [](const py::object& self) { return self; })
      .def("__next__", &PyTimeline::Next)
      .def(
          "_set_keys",
          [](PyTimeline& self, py::object keys) {
            if (self.started) Raise(Status::InvalidArgument("timeline: already started"));
            self.keys = keys.is_none() ? nullptr : &keys.cast<const PyKeyRing&>();
            self.keys_object = std::move(keys);
          },
          "keys"_a);

  py::class_<PyUsers>(m, "Users", "An iterator over the users of a bucket.")
      .def("__iter__", [](const py::object& self) { return self; })
      .def("__next__", &PyUsers::Next);

  py::class_<PyStore>(m, "Store", "A ddc store directory, opened.")
      .def(py::init(&OpenStore), "path"_a, py::kw_only(), "create_if_missing"_a = true,
           "error_if_exists"_a = false, "durability"_a = "group", "sync_interval_ms"_a = 100,
           "segment_bytes"_a = py::none(), "io_backend"_a = "auto", "compression"_a = "auto",
           "node_key_seed"_a = py::none(), "checkpoint_origin"_a = "",
           "checkpoint_interval_ms"_a = 0, "bucket_owners"_a = py::none(),
           "paranoid_open"_a = false)
      .def_property_readonly("path", [](const PyStore& self) { return self.path; })
      .def_property_readonly("closed",
                             [](PyStore& self) {
                               py::gil_scoped_release nogil;
                               std::shared_lock lock(self.mutex);
                               return self.closed;
                             })
      .def("close",
           [](PyStore& self) {
             Status status;
             {
               py::gil_scoped_release nogil;
               std::unique_lock lock(self.mutex);
               if (self.closed) return;
               self.closed = true;
               status = self.store->Close();
             }
             Check(status);
           })
      .def("__enter__", [](const py::object& self) { return self; })
      .def("__exit__",
           [](const py::object& self, const py::args&) {
             self.attr("close")();
             return false;
           })
      .def(
          "put_blob",
          [](PyStore& self, const py::bytes& blob) {
            std::string_view view = View(blob);
            return Take(self.Run([&](Store& store) { return store.PutBlob(view); })).ToString();
          },
          "blob"_a)
      .def(
          "get",
          [](PyStore& self, const std::string& cid) {
            Cid parsed = ParseCid(cid);
            return ToBytes(Take(self.Run([&](Store& store) { return store.Get(parsed); })));
          },
          "cid"_a)
      .def(
          "contains",
          [](PyStore& self, const std::string& cid) {
            Cid parsed = ParseCid(cid);
            return Take(self.Run([&](Store& store) { return store.Contains(parsed); }));
          },
          "cid"_a)
      .def("__contains__",
           [](PyStore& self, const std::string& cid) {
             Cid parsed = ParseCid(cid);
             return Take(self.Run([&](Store& store) { return store.Contains(parsed); }));
           })
      .def("multi_get", &MultiGet, "cids"_a)
      .def("sync",
           [](PyStore& self) { Check(self.Run([](Store& store) { return store.Sync(); })); })
      .def("stats",
           [](PyStore& self) { return StatsToDict(self.Run([](Store& s) { return s.Stats(); })); })
      .def(
          "append",
          [](PyStore& self, py::handle event) {
            std::string bytes = EventBytes(event);
            return AppendResultToDict(Take(
                self.Run([&](Store& store) { return store.Append(bytes); }), ErrorKind::kEvent));
          },
          "event"_a)
      .def("append_batch", &AppendBatch, "events"_a)
      .def(
          "get_event",
          [](PyStore& self, const std::string& cid) {
            Cid parsed = ParseCid(cid);
            return EventToDict(Take(self.Run([&](Store& store) { return store.GetEvent(parsed); })),
                               parsed);
          },
          "cid"_a)
      .def(
          "open_event",
          [](PyStore& self, const std::string& cid, const PyKeyRing& keys) {
            Cid parsed = ParseCid(cid);
            Result<OpenedEvent> opened = self.Run([&](Store& store) -> Result<OpenedEvent> {
              Result<Event> event = store.GetEvent(parsed);
              if (!event.ok()) return event.status();
              std::shared_lock lock(keys.mutex);
              return EventReader().Open(*event, keys.ring, {.signature_already_verified = true});
            });
            return OpenedToDict(Take(std::move(opened)));
          },
          "cid"_a, "keys"_a)
      .def(
          "timeline_info",
          [](PyStore& self, uint64_t bucket, py::handle user) {
            PublicKey key = Fixed<32>(user, "user");
            return TimelineInfoToDict(
                Take(self.Run([&](Store& store) { return store.Timeline(bucket, key); })));
          },
          "bucket"_a, "user"_a)
      .def("timeline", &MakeTimeline, "bucket"_a, "user"_a, py::kw_only(), "start"_a = py::none(),
           "since_ms"_a = py::none(), "reverse"_a = false, "keys"_a = py::none())
      .def(
          "users",
          [](py::object self_object, uint64_t bucket) {
            PyStore& self = self_object.cast<PyStore&>();
            auto users = std::make_unique<PyUsers>();
            users->it = self.Run([&](Store& store) { return store.NewUserIterator(bucket); });
            users->store_object = std::move(self_object);
            users->store = &self;
            return users;
          },
          "bucket"_a)
      .def("buckets", [](PyStore& self) { return self.Run([](Store& s) { return s.Buckets(); }); })
      .def("checkpoint",
           [](PyStore& self) {
             return CheckpointToDict(Take(self.Run([](Store& s) { return s.Checkpoint(); })));
           })
      .def("checkpoints",
           [](PyStore& self) {
             py::list out;
             for (const CheckpointRecord& c : self.Run([](Store& s) { return s.Checkpoints(); })) {
               out.append(CheckpointToDict(c));
             }
             return out;
           })
      .def_property_readonly(
          "node_verifier_key",
          [](PyStore& self) { return self.Run([](Store& s) { return s.NodeVerifierKey(); }); })
      .def(
          "prove",
          [](PyStore& self, const std::string& cid) {
            Cid parsed = ParseCid(cid);
            Result<std::string> encoded = self.Run([&](Store& store) -> Result<std::string> {
              Result<EventProof> proof = store.ProveEvent(parsed);
              if (!proof.ok()) return proof.status();
              return EncodeEventProof(*proof);
            });
            return ToBytes(Take(std::move(encoded)));
          },
          "cid"_a, "The event proof bundle (bytes) that ddc.verify_event_proof checks.")
      .def(
          "put_grant",
          [](PyStore& self, const py::bytes& grant) {
            std::string_view view = View(grant);
            return Take(self.Run([&](Store& store) { return store.PutGrant(view); })).ToString();
          },
          "grant"_a)
      .def(
          "grants",
          [](PyStore& self, py::handle grantee, std::optional<uint64_t> bucket,
             std::optional<std::string> scope) {
            std::vector<GrantRecord> records;
            if (!grantee.is_none()) {
              BoxPublicKey key = py::isinstance<PyBoxKeyPair>(grantee)
                                     ? grantee.cast<const PyBoxKeyPair&>().key.public_key
                                     : Fixed<32>(grantee, "grantee");
              records = self.Run([&](Store& s) { return s.GrantsForGrantee(key); });
            } else if (bucket && scope) {
              records = self.Run([&](Store& s) { return s.GrantsForScope(*bucket, *scope); });
            } else {
              Raise(Status::InvalidArgument("grants: give grantee, or bucket and scope"));
            }
            py::list out;
            for (const GrantRecord& record : records) {
              py::dict d = GrantToDict(record.grant, record.cid);
              d["bytes"] = ToBytes(record.bytes);
              out.append(std::move(d));
            }
            return out;
          },
          py::kw_only(), "grantee"_a = py::none(), "bucket"_a = py::none(), "scope"_a = py::none())
      .def(
          "erase",
          [](PyStore& self, const py::bytes& tombstone) {
            std::string_view view = View(tombstone);
            EraseResult r = Take(self.Run([&](Store& store) { return store.Erase(view); }));
            py::dict d;
            d["tombstone"] = r.tombstone.ToString();
            d["events_erased"] = r.events_erased;
            d["grants_destroyed"] = r.grants_destroyed;
            d["keys_shredded"] = r.keys_shredded;
            d["existed"] = r.existed;
            return d;
          },
          "tombstone"_a)
      .def(
          "tombstones",
          [](PyStore& self, uint64_t bucket, py::handle user) {
            PublicKey key = Fixed<32>(user, "user");
            py::list out;
            for (const TombstoneRecord& r :
                 self.Run([&](Store& s) { return s.Tombstones(bucket, key); })) {
              out.append(TombstoneToDict(r));
            }
            return out;
          },
          "bucket"_a, "user"_a);

  m.def(
      "verify_store",
      [](py::handle path) {
        Options options;
        options.dir = FsPath(path);
        options.create_if_missing = false;
        Result<VerifyReport> report = Status::InvalidArgument("unset");
        {
          py::gil_scoped_release nogil;
          report = Store::Verify(options);
        }
        return VerifyReportToDict(Take(std::move(report)));
      },
      "path"_a, "Checks a closed store without changing it (Store::Verify).");
}

}  // namespace ddc::python
