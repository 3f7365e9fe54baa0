// RecordIterator: walks every record of a store in log order (oldest first).
//
// The iterator sees the records committed when it was created, except erased events and
// destroyed grants (erasure.h), which it steps over. It reads segments sequentially
// and verifies every checksum; the first error ends the walk and is reported by status().
//
// Usage:
//   auto it = store->NewIterator();
//   for (it->SeekToFirst(); it->Valid(); it->Next()) use(it->cid(), it->value());
//   if (!it->status().ok()) ...
//
// Not thread-safe: use one iterator per thread. It may outlive concurrent puts but not the Store.
#ifndef DDC_ITERATOR_H_
#define DDC_ITERATOR_H_

#include <cstdint>
#include <string_view>

#include "ddc/cid.h"
#include "ddc/status.h"

namespace ddc {

class RecordIterator {
 public:
  virtual ~RecordIterator() = default;

  virtual void SeekToFirst() = 0;
  virtual bool Valid() const = 0;
  // REQUIRES: Valid().
  virtual void Next() = 0;
  // REQUIRES: Valid(). The CID of the current record.
  virtual const Cid& cid() const = 0;
  // REQUIRES: Valid(). The record's bytes (decompressed); valid until the next call to Next()
  // or SeekToFirst().
  virtual std::string_view value() const = 0;
  // Where the current record lives, for tools: segment id and byte offset of its header.
  virtual uint32_t segment() const = 0;
  virtual uint64_t offset() const = 0;
  // OK at the end of a clean walk; otherwise the error that stopped it.
  virtual Status status() const = 0;
};

}  // namespace ddc

#endif  // DDC_ITERATOR_H_
