// The engine's Store as the binding holds it, and how work reaches it.
//
// Store methods may run concurrently from any number of threads, but Close() must not race with
// anything. So the handle counts the work queued on the store (`pending`), and close() waits
// for that count to reach zero before it queues the engine's Close(); calls made after close()
// reject with StoreClosedError without touching the store. All of this bookkeeping happens on
// the main thread (when work is queued and when its promise settles), so it needs no lock, and
// no pool thread ever blocks waiting for another.
//
// Lifetime: the handle is shared by the JavaScript Store object, its cursors and every piece of
// work in flight; the engine's Store is destroyed with the last of them, so no pool thread can
// use it after it is freed, even when the JavaScript object was collected without close().
#ifndef DDC_BINDINGS_NODE_STORE_HANDLE_H_
#define DDC_BINDINGS_NODE_STORE_HANDLE_H_

#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "async.h"
#include "convert.h"
#include "ddc/store.h"

namespace ddc::node {

struct StoreHandle {
  // Constant after open; used by pool threads while `pending` > 0 or during the close job.
  std::unique_ptr<Store> store;
  std::string path;

  // Main thread only.
  uint32_t pending = 0;        // Work queued and not yet settled.
  bool closing = false;        // close() was called: new work is refused.
  bool close_started = false;  // The engine's Close() is queued.
  bool closed = false;         // ... and finished (close_status says how).
  Status close_status;
  std::vector<Napi::Promise::Deferred> close_waiters;  // close() promises to settle.
};

// Queues the engine's Close() once close() was called and no work is in flight.
void MaybeStartClose(Napi::Env env, const std::shared_ptr<StoreHandle>& handle);

// The cursors index.js's timeline() and users() page through (cursors.cc); arguments as given
// to Store#_timelineCursor(bucket, user, {from, since, reverse, keys}) and #_usersCursor(bucket).
Napi::Value NewTimelineCursor(Napi::Env env, const std::shared_ptr<StoreHandle>& handle,
                              const Napi::Value& bucket, const Napi::Value& user,
                              const Napi::Value& options);
Napi::Value NewUsersCursor(Napi::Env env, const std::shared_ptr<StoreHandle>& handle,
                           const Napi::Value& bucket);

// Runs `work(Store&)` off the event loop and settles the returned promise with
// finish(env, value); rejects with StoreClosedError after close() without queueing anything.
template <typename T, typename Work, typename Finish>
Napi::Value SubmitToStore(Napi::Env env, const std::shared_ptr<StoreHandle>& handle, Work&& work,
                          Finish&& finish, ErrorKind kind = ErrorKind::kDefault) {
  if (handle->closing) return Rejected(env, StoreClosedError(env));
  ++handle->pending;
  return Run<T>(
      env,
      [handle, work = std::forward<Work>(work)]() mutable -> Result<T> {
        return work(*handle->store);
      },
      std::forward<Finish>(finish), kind,
      [handle](Napi::Env e) {
        --handle->pending;
        MaybeStartClose(e, handle);
      });
}

}  // namespace ddc::node

#endif  // DDC_BINDINGS_NODE_STORE_HANDLE_H_
