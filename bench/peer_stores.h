// BenchStore: the one interface ddc-bench drives, with an implementation for ddc and one for
// each peer (RocksDB, LMDB), so that every workload runs the same loop on all three.
//
// Every store is used content-addressed, the way ddc works: the key of a blob is its
// BLAKE2b-256 digest (for ddc, the digest inside the raw-codec CID). RocksDB and LMDB compute
// the digest inside PutBatch, so the hashing ddc must do is inside the peers' timed region too.
//
// Thread safety: PutBatch from one thread at a time. Readers: one per thread; a store may have
// several readers alive at once. Close() only when no reader is alive.
#ifndef DDC_BENCH_PEER_STORES_H_
#define DDC_BENCH_PEER_STORES_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ddc/options.h"
#include "ddc/status.h"
#include "ddc/store.h"

namespace ddc::bench {

using Key = std::array<uint8_t, 32>;
using Blob = std::span<const uint8_t>;

class BenchReader {
 public:
  virtual ~BenchReader() = default;
  // Copies the value of `key` into *value. NotFound when absent.
  virtual Status Get(const Key& key, std::string* value) = 0;
  // values->at(i) receives the value of keys[i]; any missing key fails the call.
  virtual Status MultiGet(std::span<const Key> keys, std::vector<std::string>* values) = 0;
};

class BenchStore {
 public:
  virtual ~BenchStore() = default;
  virtual const char* name() const = 0;
  // Opens the store at its directory, creating it when missing.
  virtual Status Open() = 0;
  // Flushes what the store keeps in memory to its files (RocksDB: the memtable; ddc: the
  // index snapshot) and releases everything.
  virtual Status Close() = 0;
  // Stores `values`, writes each one's key into keys[i]. REQUIRES: keys.size() == values.size().
  virtual Status PutBatch(std::span<const Blob> values, std::span<Key> keys) = 0;
  // Forces everything written to stable storage.
  virtual Status Sync() = 0;
  virtual std::unique_ptr<BenchReader> NewReader() = 0;
};

// ddc with the given durability; every other option at its default.
class DdcBenchStore;
std::unique_ptr<DdcBenchStore> NewDdcStore(const std::string& dir, Durability durability);

class DdcBenchStore : public BenchStore {
 public:
  DdcBenchStore(std::string dir, Durability durability);
  const char* name() const override { return "ddc"; }
  Status Open() override;
  Status Close() override;
  Status PutBatch(std::span<const Blob> values, std::span<Key> keys) override;
  Status Sync() override;
  std::unique_ptr<BenchReader> NewReader() override;
  // REQUIRES: open.
  Store* store() { return store_.get(); }

 private:
  Options options_;
  std::unique_ptr<Store> store_;
};

// RocksDB 7.x with a 10 bits/key Bloom filter and otherwise default options (8 MiB block
// cache, Snappy/LZ4 if built in, WAL on). `sync` sets WriteOptions::sync for PutBatch, which
// writes one WriteBatch per call.
std::unique_ptr<BenchStore> NewRocksDbStore(const std::string& dir, bool sync);

// LMDB with one write transaction per PutBatch; `sync` false adds MDB_NOSYNC. `map_bytes` is
// the map size (the most the database may grow to; the file is sparse).
std::unique_ptr<BenchStore> NewLmdbStore(const std::string& dir, bool sync, uint64_t map_bytes);

// "rocksdb 7.8.3, lmdb 0.9.24" as linked.
std::string PeerVersions();

}  // namespace ddc::bench

#endif  // DDC_BENCH_PEER_STORES_H_
