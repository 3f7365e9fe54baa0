#include "bench/peer_stores.h"

#include <lmdb.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/version.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <system_error>
#include <utility>

#include "engine/base/hash.h"

namespace ddc::bench {

// ---------------------------------------------------------------------------------------- ddc

namespace {

class DdcReader final : public BenchReader {
 public:
  explicit DdcReader(Store* store) : store_(store) {}

  Status Get(const Key& key, std::string* value) override {
    Result<std::string> r = store_->Get(Cid(Codec::kRaw, key));
    if (!r.ok()) return r.status();
    *value = std::move(r).value();
    return Status::OK();
  }

  Status MultiGet(std::span<const Key> keys, std::vector<std::string>* values) override {
    cids_.clear();
    for (const Key& k : keys) cids_.emplace_back(Codec::kRaw, k);
    std::vector<Result<std::string>> results = store_->MultiGet(cids_);
    values->resize(keys.size());
    for (size_t i = 0; i < results.size(); ++i) {
      if (!results[i].ok()) return results[i].status();
      (*values)[i] = std::move(results[i]).value();
    }
    return Status::OK();
  }

 private:
  Store* store_;
  std::vector<Cid> cids_;
};

}  // namespace

DdcBenchStore::DdcBenchStore(std::string dir, Durability durability) {
  options_.dir = std::move(dir);
  options_.durability = durability;
}

std::unique_ptr<DdcBenchStore> NewDdcStore(const std::string& dir, Durability durability) {
  return std::make_unique<DdcBenchStore>(dir, durability);
}

Status DdcBenchStore::Open() {
  Result<std::unique_ptr<Store>> opened = Store::Open(options_);
  if (!opened.ok()) return opened.status();
  store_ = std::move(opened).value();
  return Status::OK();
}

Status DdcBenchStore::Close() {
  Status s = store_->Close();
  store_.reset();
  return s;
}

Status DdcBenchStore::PutBatch(std::span<const Blob> values, std::span<Key> keys) {
  std::vector<Result<Cid>> results = store_->PutBlobs(values);
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok()) return results[i].status();
    keys[i] = results[i]->digest();
  }
  return Status::OK();
}

Status DdcBenchStore::Sync() { return store_->Sync(); }

std::unique_ptr<BenchReader> DdcBenchStore::NewReader() {
  return std::make_unique<DdcReader>(store_.get());
}

// ------------------------------------------------------------------------------------ RocksDB

namespace {

Status FromRocks(const rocksdb::Status& s, const char* what) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(std::string("rocksdb ") + what);
  return Status::IOError(std::string("rocksdb ") + what + ": " + s.ToString());
}

rocksdb::Slice AsSlice(std::span<const uint8_t> bytes) {
  return rocksdb::Slice(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

class RocksDbReader final : public BenchReader {
 public:
  explicit RocksDbReader(rocksdb::DB* db) : db_(db) {}

  Status Get(const Key& key, std::string* value) override {
    return FromRocks(db_->Get(rocksdb::ReadOptions(), AsSlice(key), value), "get");
  }

  Status MultiGet(std::span<const Key> keys, std::vector<std::string>* values) override {
    const size_t n = keys.size();
    slices_.clear();
    for (const Key& k : keys) slices_.push_back(AsSlice(k));
    pinned_.resize(n);
    statuses_.resize(n);
    db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), n, slices_.data(),
                  pinned_.data(), statuses_.data());
    values->resize(n);
    for (size_t i = 0; i < n; ++i) {
      if (!statuses_[i].ok()) return FromRocks(statuses_[i], "multiget");
      (*values)[i].assign(pinned_[i].data(), pinned_[i].size());
      pinned_[i].Reset();
    }
    return Status::OK();
  }

 private:
  rocksdb::DB* db_;
  std::vector<rocksdb::Slice> slices_;
  std::vector<rocksdb::PinnableSlice> pinned_;
  std::vector<rocksdb::Status> statuses_;
};

class RocksDbStore final : public BenchStore {
 public:
  RocksDbStore(std::string dir, bool sync) : dir_(std::move(dir)), sync_(sync) {}
  ~RocksDbStore() override {
    if (db_ != nullptr) (void)Close();
  }
  const char* name() const override { return "rocksdb"; }

  Status Open() override {
    // RocksDB creates the directory itself but not its parents.
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return Status::IOError("rocksdb mkdir " + dir_ + ": " + ec.message());
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::BlockBasedTableOptions table;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    rocksdb::DB* db = nullptr;
    Status s = FromRocks(rocksdb::DB::Open(options, dir_, &db), "open");
    db_.reset(db);
    return s;
  }

  Status Close() override {
    Status s = FromRocks(db_->Flush(rocksdb::FlushOptions()), "flush");
    rocksdb::Status closed = db_->Close();
    if (s.ok()) s = FromRocks(closed, "close");
    db_.reset();
    return s;
  }

  Status PutBatch(std::span<const Blob> values, std::span<Key> keys) override {
    batch_.Clear();
    for (size_t i = 0; i < values.size(); ++i) {
      keys[i] = Blake2b256(values[i]);
      rocksdb::Status s = batch_.Put(AsSlice(keys[i]), AsSlice(values[i]));
      if (!s.ok()) return FromRocks(s, "batch put");
    }
    rocksdb::WriteOptions options;
    options.sync = sync_;
    return FromRocks(db_->Write(options, &batch_), "write");
  }

  Status Sync() override { return FromRocks(db_->SyncWAL(), "sync wal"); }

  std::unique_ptr<BenchReader> NewReader() override {
    return std::make_unique<RocksDbReader>(db_.get());
  }

 private:
  std::string dir_;
  bool sync_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteBatch batch_;
};

}  // namespace

std::unique_ptr<BenchStore> NewRocksDbStore(const std::string& dir, bool sync) {
  return std::make_unique<RocksDbStore>(dir, sync);
}

// --------------------------------------------------------------------------------------- LMDB

namespace {

Status FromLmdb(int rc, const char* what) {
  if (rc == MDB_SUCCESS) return Status::OK();
  const std::string msg = std::string("lmdb ") + what + ": " + mdb_strerror(rc);
  if (rc == MDB_NOTFOUND) return Status::NotFound(msg);
  if (rc == MDB_MAP_FULL) return Status::NoSpace(msg);
  return Status::IOError(msg);
}

MDB_val AsVal(std::span<const uint8_t> bytes) {
  MDB_val v;
  v.mv_size = bytes.size();
  v.mv_data = const_cast<uint8_t*>(bytes.data());
  return v;
}

// One read-only transaction per reader, reset between uses and renewed before the next: the
// cheap way LMDB offers to take a fresh snapshot per read.
class LmdbReader final : public BenchReader {
 public:
  LmdbReader(MDB_env* env, MDB_dbi dbi) : dbi_(dbi) {
    init_ = FromLmdb(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn_), "read txn");
    if (init_.ok()) mdb_txn_reset(txn_);
  }
  ~LmdbReader() override {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }

  Status Get(const Key& key, std::string* value) override {
    if (!init_.ok()) return init_;
    Status s = FromLmdb(mdb_txn_renew(txn_), "txn renew");
    if (s.ok()) s = GetInTxn(key, value);
    mdb_txn_reset(txn_);
    return s;
  }

  Status MultiGet(std::span<const Key> keys, std::vector<std::string>* values) override {
    if (!init_.ok()) return init_;
    Status s = FromLmdb(mdb_txn_renew(txn_), "txn renew");
    values->resize(keys.size());
    for (size_t i = 0; s.ok() && i < keys.size(); ++i) s = GetInTxn(keys[i], &(*values)[i]);
    mdb_txn_reset(txn_);
    return s;
  }

 private:
  Status GetInTxn(const Key& key, std::string* value) {
    MDB_val k = AsVal(key);
    MDB_val v;
    const int rc = mdb_get(txn_, dbi_, &k, &v);
    if (rc != MDB_SUCCESS) return FromLmdb(rc, "get");
    value->assign(static_cast<const char*>(v.mv_data), v.mv_size);
    return Status::OK();
  }

  MDB_dbi dbi_;
  MDB_txn* txn_ = nullptr;
  Status init_;
};

class LmdbStore final : public BenchStore {
 public:
  LmdbStore(std::string dir, bool sync, uint64_t map_bytes)
      : dir_(std::move(dir)), sync_(sync), map_bytes_(map_bytes) {}
  ~LmdbStore() override {
    if (env_ != nullptr) mdb_env_close(env_);
  }
  const char* name() const override { return "lmdb"; }

  Status Open() override {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return Status::IOError("lmdb mkdir " + dir_ + ": " + ec.message());
    Status s = FromLmdb(mdb_env_create(&env_), "env create");
    if (s.ok()) s = FromLmdb(mdb_env_set_mapsize(env_, map_bytes_), "set mapsize");
    // MDB_NOTLS: a read transaction belongs to its reader object, not to the thread that
    // created it. MDB_NOSYNC: commits do not flush (the unsynced workload).
    const unsigned flags = MDB_NOTLS | (sync_ ? 0u : static_cast<unsigned>(MDB_NOSYNC));
    if (s.ok()) s = FromLmdb(mdb_env_open(env_, dir_.c_str(), flags, 0644), "env open");
    MDB_txn* txn = nullptr;
    if (s.ok()) s = FromLmdb(mdb_txn_begin(env_, nullptr, 0, &txn), "txn begin");
    if (s.ok()) {
      s = FromLmdb(mdb_dbi_open(txn, nullptr, 0, &dbi_), "dbi open");
      if (s.ok()) {
        s = FromLmdb(mdb_txn_commit(txn), "txn commit");
      } else {
        mdb_txn_abort(txn);
      }
    }
    return s;
  }

  Status Close() override {
    Status s = FromLmdb(mdb_env_sync(env_, 1), "env sync");
    mdb_env_close(env_);
    env_ = nullptr;
    return s;
  }

  Status PutBatch(std::span<const Blob> values, std::span<Key> keys) override {
    MDB_txn* txn = nullptr;
    if (Status s = FromLmdb(mdb_txn_begin(env_, nullptr, 0, &txn), "txn begin"); !s.ok()) {
      return s;
    }
    for (size_t i = 0; i < values.size(); ++i) {
      keys[i] = Blake2b256(values[i]);
      MDB_val k = AsVal(keys[i]);
      MDB_val v = AsVal(values[i]);
      const int rc = mdb_put(txn, dbi_, &k, &v, 0);
      if (rc != MDB_SUCCESS) {
        mdb_txn_abort(txn);
        return FromLmdb(rc, "put");
      }
    }
    return FromLmdb(mdb_txn_commit(txn), "txn commit");
  }

  Status Sync() override { return FromLmdb(mdb_env_sync(env_, 1), "env sync"); }

  std::unique_ptr<BenchReader> NewReader() override {
    return std::make_unique<LmdbReader>(env_, dbi_);
  }

 private:
  std::string dir_;
  bool sync_;
  uint64_t map_bytes_;
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
};

}  // namespace

std::unique_ptr<BenchStore> NewLmdbStore(const std::string& dir, bool sync, uint64_t map_bytes) {
  return std::make_unique<LmdbStore>(dir, sync, map_bytes);
}

std::string PeerVersions() {
  int major = 0;
  int minor = 0;
  int patch = 0;
  mdb_version(&major, &minor, &patch);
  return "rocksdb " + std::to_string(ROCKSDB_MAJOR) + "." + std::to_string(ROCKSDB_MINOR) + "." +
         std::to_string(ROCKSDB_PATCH) + ", lmdb " + std::to_string(major) + "." +
         std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace ddc::bench
