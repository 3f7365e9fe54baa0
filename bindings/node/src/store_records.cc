// ddc.Store, part two: roots and consistency proofs, grants, erasure, names and CAR export.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "async.h"
#include "binding.h"
#include "convert.h"
#include "ddc/car.h"
#include "ddc/erasure.h"
#include "ddc/grants.h"
#include "ddc/names.h"
#include "ddc/store.h"
#include "ddc/verify.h"
#include "store_handle.h"
#include "store_wrap.h"

namespace ddc::node {

namespace {

Napi::Object TombstoneToObject(Napi::Env env, const TombstoneRecord& record) {
  const Tombstone& t = record.tombstone;
  Napi::Object o = Napi::Object::New(env);
  o.Set("cid", record.cid.ToString());
  o.Set("bucket", U64Value(env, t.bucket));
  o.Set("user", ToHex(t.user));
  o.Set("event", CidOrNull(env, t.event));
  o.Set("signer", ToHex(t.signer));
  o.Set("time_ms", U64Value(env, t.timestamp_ms));
  o.Set("reason", t.reason);
  return o;
}

Napi::Object CarStatsToObject(Napi::Env env, const CarExportStats& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("root", s.root.ToString());
  o.Set("bucket", U64Value(env, s.bucket));
  o.Set("events", U64Value(env, s.events));
  o.Set("events_written", U64Value(env, s.events_written));
  o.Set("erased", U64Value(env, s.erased));
  o.Set("blocks", U64Value(env, s.blocks));
  o.Set("bytes", U64Value(env, s.bytes));
  return o;
}

Napi::Value HexString(Napi::Env env, Hash32& hash) { return Napi::String::New(env, ToHex(hash)); }
Napi::Value HexArray(Napi::Env env, std::vector<Hash32>& hashes) {
  return HashesToArray(env, hashes);
}

}  // namespace

// timelineRoot(bucket, user, size) -> Promise<hex>
Napi::Value StoreWrap::TimelineRoot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    uint64_t bucket = U64(info[0], "timelineRoot: bucket");
    PublicKey user = Fixed<32>(info[1], "timelineRoot: user");
    uint64_t size = U64(info[2], "timelineRoot: size");
    return Submit<Hash32>(
        env, [bucket, user, size](Store& s) { return s.TimelineRoot(bucket, user, size); },
        HexString);
  });
}

// journal() -> Promise<{size, root}>
Napi::Value StoreWrap::Journal(const Napi::CallbackInfo& info) {
  return Async(info.Env(), [&] {
    return Submit<JournalInfo>(
        info.Env(), [](Store& s) -> Result<JournalInfo> { return s.Journal(); },
        [](Napi::Env e, JournalInfo& journal) {
          Napi::Object o = Napi::Object::New(e);
          o.Set("size", U64Value(e, journal.size));
          o.Set("root", ToHex(journal.root));
          return o;
        });
  });
}

// journalRoot(size) -> Promise<hex>
Napi::Value StoreWrap::JournalRoot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    uint64_t size = U64(info[0], "journalRoot: size");
    return Submit<Hash32>(
        env, [size](Store& s) { return s.JournalRoot(size); }, HexString);
  });
}

// timelineConsistencyProof(bucket, user, oldSize, newSize) -> Promise<hex[]>
Napi::Value StoreWrap::TimelineConsistencyProof(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    uint64_t bucket = U64(info[0], "timelineConsistencyProof: bucket");
    PublicKey user = Fixed<32>(info[1], "timelineConsistencyProof: user");
    uint64_t old_size = U64(info[2], "timelineConsistencyProof: oldSize");
    uint64_t new_size = U64(info[3], "timelineConsistencyProof: newSize");
    return Submit<std::vector<Hash32>>(
        env,
        [bucket, user, old_size, new_size](Store& s) {
          return s.TimelineConsistencyProof(bucket, user, old_size, new_size);
        },
        HexArray);
  });
}

// journalConsistencyProof(oldSize, newSize) -> Promise<hex[]>
Napi::Value StoreWrap::JournalConsistencyProof(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    uint64_t old_size = U64(info[0], "journalConsistencyProof: oldSize");
    uint64_t new_size = U64(info[1], "journalConsistencyProof: newSize");
    return Submit<std::vector<Hash32>>(
        env,
        [old_size, new_size](Store& s) { return s.JournalConsistencyProof(old_size, new_size); },
        HexArray);
  });
}

Napi::Value StoreWrap::PutGrant(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    std::string grant = Bytes(info[0], "putGrant: grant");
    return Submit<Cid>(
        env, [grant = std::move(grant)](Store& s) { return s.PutGrant(grant); }, CidString);
  });
}

// grants({grantee}) or grants({bucket, scope}) -> Promise<Grant[]> (each with its bytes).
Napi::Value StoreWrap::Grants(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    Napi::Object o = Options(info[0], "grants: query", {"grantee", "bucket", "scope"});
    using List = std::vector<GrantRecord>;
    auto finish = [](Napi::Env e, List& list) {
      Napi::Array out = Napi::Array::New(e, list.size());
      for (size_t i = 0; i < list.size(); ++i) {
        Napi::Object g = GrantToObject(e, list[i].grant, list[i].cid);
        g.Set("bytes", BufferOf(e, list[i].bytes));
        out.Set(static_cast<uint32_t>(i), g);
      }
      return out;
    };
    if (!IsMissing(o.Get("grantee"))) {
      BoxPublicKey grantee = GranteeKey(o.Get("grantee"), "grants: grantee");
      return Submit<List>(
          env, [grantee](Store& s) -> Result<List> { return s.GrantsForGrantee(grantee); }, finish);
    }
    if (IsMissing(o.Get("bucket")) || IsMissing(o.Get("scope"))) {
      Throw(env, Status::InvalidArgument("grants: give {grantee}, or {bucket, scope}"));
    }
    uint64_t bucket = U64(o.Get("bucket"), "grants: bucket");
    std::string scope = String(o.Get("scope"), "grants: scope");
    return Submit<List>(
        env,
        [bucket, scope = std::move(scope)](Store& s) -> Result<List> {
          return s.GrantsForScope(bucket, scope);
        },
        finish);
  });
}

// erase(tombstone) -> Promise<{tombstone, events_erased, grants_destroyed, keys_shredded,
// existed}>
Napi::Value StoreWrap::Erase(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    std::string tombstone = Bytes(info[0], "erase: tombstone");
    return Submit<EraseResult>(
        env, [tombstone = std::move(tombstone)](Store& s) { return s.Erase(tombstone); },
        [](Napi::Env e, EraseResult& r) {
          Napi::Object o = Napi::Object::New(e);
          o.Set("tombstone", r.tombstone.ToString());
          o.Set("events_erased", U64Value(e, r.events_erased));
          o.Set("grants_destroyed", U64Value(e, r.grants_destroyed));
          o.Set("keys_shredded", U64Value(e, r.keys_shredded));
          o.Set("existed", r.existed);
          return o;
        });
  });
}

Napi::Value StoreWrap::Tombstones(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    uint64_t bucket = U64(info[0], "tombstones: bucket");
    PublicKey user = Fixed<32>(info[1], "tombstones: user");
    using List = std::vector<TombstoneRecord>;
    return Submit<List>(
        env, [bucket, user](Store& s) -> Result<List> { return s.Tombstones(bucket, user); },
        [](Napi::Env e, List& list) {
          Napi::Array out = Napi::Array::New(e, list.size());
          for (size_t i = 0; i < list.size(); ++i) {
            out.Set(static_cast<uint32_t>(i), TombstoneToObject(e, list[i]));
          }
          return out;
        });
  });
}

// proveErasure(cid) -> Promise<ErasureProof>: what verifyErasureProof checks.
Napi::Value StoreWrap::ProveErasure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    Cid cid = ParseCid(info[0], "proveErasure: cid");
    return Submit<ErasureProof>(
        env, [cid](Store& s) { return s.ProveErasure(cid); }, ErasureProofToObject);
  });
}

// putName(record) -> Promise<{cid, existed}>
Napi::Value StoreWrap::PutName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    std::string record = Bytes(info[0], "putName: record");
    return Submit<PutNameResult>(
        env, [record = std::move(record)](Store& s) { return s.PutName(record); },
        [](Napi::Env e, PutNameResult& r) {
          Napi::Object o = Napi::Object::New(e);
          o.Set("cid", r.cid.ToString());
          o.Set("existed", r.existed);
          return o;
        });
  });
}

Napi::Value StoreWrap::GetName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    uint64_t bucket = U64(info[0], "getName: bucket");
    std::string name = String(info[1], "getName: name");
    return Submit<StoredName>(
        env, [bucket, name = std::move(name)](Store& s) { return s.GetName(bucket, name); },
        [](Napi::Env e, StoredName& n) { return NameRecordToObject(e, n.record, n.cid, n.bytes); });
  });
}

Napi::Value StoreWrap::Names(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    uint64_t bucket = U64(info[0], "names: bucket");
    using List = std::vector<StoredName>;
    return Submit<List>(
        env, [bucket](Store& s) -> Result<List> { return s.Names(bucket); },
        [](Napi::Env e, List& list) {
          Napi::Array out = Napi::Array::New(e, list.size());
          for (size_t i = 0; i < list.size(); ++i) {
            out.Set(static_cast<uint32_t>(i),
                    NameRecordToObject(e, list[i].record, list[i].cid, list[i].bytes));
          }
          return out;
        });
  });
}

// exportCar(bucket, user, path) -> Promise<CarExportStats>: the timeline as a CAR v1 file,
// written atomically (include/ddc/car.h).
Napi::Value StoreWrap::ExportCar(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Async(env, [&] {
    uint64_t bucket = U64(info[0], "exportCar: bucket");
    PublicKey user = Fixed<32>(info[1], "exportCar: user");
    std::string path = String(info[2], "exportCar: path");
    return Submit<CarExportStats>(
        env,
        [bucket, user, path = std::move(path)](Store& s) {
          return ExportTimelineCarToFile(s, bucket, user, path);
        },
        CarStatsToObject);
  });
}

}  // namespace ddc::node
