// ddc.Store, the class: its methods are defined in store.cc (opening, closing, blobs, events,
// timelines, checkpoints) and store_records.cc (roots and consistency proofs, grants, erasure,
// names, CAR export). Every method returns a promise; the work runs on libuv's thread pool
// through SubmitToStore (store_handle.h).
#ifndef DDC_BINDINGS_NODE_STORE_WRAP_H_
#define DDC_BINDINGS_NODE_STORE_WRAP_H_

#include <napi.h>

#include <memory>
#include <utility>

#include "async.h"
#include "binding.h"
#include "convert.h"
#include "store_handle.h"

namespace ddc::node {

class StoreWrap : public Napi::ObjectWrap<StoreWrap> {
 public:
  static Napi::Function Define(Napi::Env env);

  // Called only by open(): the first argument is an External holding the handle.
  explicit StoreWrap(const Napi::CallbackInfo& info);

 private:
  template <typename T, typename Work, typename Finish>
  Napi::Value Submit(Napi::Env env, Work&& work, Finish&& finish,
                     ErrorKind kind = ErrorKind::kDefault) {
    return SubmitToStore<T>(env, handle_, std::forward<Work>(work), std::forward<Finish>(finish),
                            kind);
  }

  static Napi::Value Open(const Napi::CallbackInfo& info);
  Napi::Value Path(const Napi::CallbackInfo& info);
  Napi::Value Closed(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value PutBlob(const Napi::CallbackInfo& info);
  Napi::Value Get(const Napi::CallbackInfo& info);
  Napi::Value Contains(const Napi::CallbackInfo& info);
  Napi::Value MultiGet(const Napi::CallbackInfo& info);
  Napi::Value Sync(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value Append(const Napi::CallbackInfo& info);
  Napi::Value AppendBatch(const Napi::CallbackInfo& info);
  Napi::Value GetEvent(const Napi::CallbackInfo& info);
  Napi::Value OpenEvent(const Napi::CallbackInfo& info);
  Napi::Value TimelineInfo(const Napi::CallbackInfo& info);
  Napi::Value Buckets(const Napi::CallbackInfo& info);
  Napi::Value Checkpoint(const Napi::CallbackInfo& info);
  Napi::Value Checkpoints(const Napi::CallbackInfo& info);
  Napi::Value NodeVerifierKey(const Napi::CallbackInfo& info);
  Napi::Value ProveEvent(const Napi::CallbackInfo& info);
  Napi::Value TimelineCursor(const Napi::CallbackInfo& info);
  Napi::Value UsersCursor(const Napi::CallbackInfo& info);
  Napi::Value PutGrant(const Napi::CallbackInfo& info);
  Napi::Value Grants(const Napi::CallbackInfo& info);
  Napi::Value Erase(const Napi::CallbackInfo& info);
  Napi::Value Tombstones(const Napi::CallbackInfo& info);
  Napi::Value ProveErasure(const Napi::CallbackInfo& info);
  Napi::Value PutName(const Napi::CallbackInfo& info);
  Napi::Value GetName(const Napi::CallbackInfo& info);
  Napi::Value Names(const Napi::CallbackInfo& info);
  Napi::Value ExportCar(const Napi::CallbackInfo& info);
  // Roots and consistency proofs (store_records.cc).
  Napi::Value TimelineRoot(const Napi::CallbackInfo& info);
  Napi::Value Journal(const Napi::CallbackInfo& info);
  Napi::Value JournalRoot(const Napi::CallbackInfo& info);
  Napi::Value TimelineConsistencyProof(const Napi::CallbackInfo& info);
  Napi::Value JournalConsistencyProof(const Napi::CallbackInfo& info);

  std::shared_ptr<StoreHandle> handle_;
};

// The finish of work that returns a CID.
inline Napi::Value CidString(Napi::Env env, Cid& cid) {
  return Napi::String::New(env, cid.ToString());
}

}  // namespace ddc::node

#endif  // DDC_BINDINGS_NODE_STORE_WRAP_H_
