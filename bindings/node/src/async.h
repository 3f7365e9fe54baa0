// Work off the event loop: Run() queues a function on libuv's thread pool (Napi::AsyncWorker)
// and settles a promise with its result back on the main thread.
//
// The contract every caller keeps: `work` touches no Node-API value (it runs on a pool thread)
// and owns everything it reads — inputs are copied out of JavaScript values before Run is called
// and objects it shares are held by shared_ptr — so that nothing it uses can be collected or
// changed by JavaScript while it runs. `finish` runs on the main thread and turns the value into
// JavaScript; a non-OK Result rejects the promise with its DdcError instead.
#ifndef DDC_BINDINGS_NODE_ASYNC_H_
#define DDC_BINDINGS_NODE_ASYNC_H_

#include <napi.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "convert.h"
#include "ddc/status.h"

namespace ddc::node {

// The value of work that returns nothing but a Status.
struct Done {};

inline Result<Done> FromStatus(const Status& status) {
  if (!status.ok()) return status;
  return Done{};
}

// The finish of work that returns nothing: the promise resolves to undefined.
inline Napi::Value Undefined(Napi::Env env, Done& /*done*/) { return env.Undefined(); }

template <typename T>
class Task final : public Napi::AsyncWorker {
 public:
  using Work = std::function<Result<T>()>;
  using Complete = std::function<void(Napi::Env, Result<T>&)>;

  Task(Napi::Env env, Work work, Complete complete)
      : Napi::AsyncWorker(env, "ddc"), work_(std::move(work)), complete_(std::move(complete)) {}

 private:
  void Execute() override { result_.emplace(work_()); }
  void OnOK() override { complete_(Env(), *result_); }
  // Execute threw (std::bad_alloc and the like): report it as a failed status.
  void OnError(const Napi::Error& error) override {
    Result<T> failed = Status::Failed("ddc binding: " + error.Message());
    complete_(Env(), failed);
  }

  Work work_;
  Complete complete_;
  std::optional<Result<T>> result_;
};

// Resolves `deferred` with finish(value), or rejects it with the status's error (or with what
// finish threw).
template <typename T, typename Finish>
void Settle(Napi::Env env, const Napi::Promise::Deferred& deferred, Result<T>& result,
            const Finish& finish, ErrorKind kind) {
  if (!result.ok()) {
    deferred.Reject(ErrorFor(env, result.status(), kind).Value());
    return;
  }
  try {
    deferred.Resolve(finish(env, result.value()));
  } catch (const Napi::Error& error) {
    deferred.Reject(error.Value());
  }
}

// Queues `work` and returns the promise `finish` settles. `after` (optional) runs on the main
// thread once the promise is settled; the store uses it to count work in flight.
template <typename T, typename Work, typename Finish>
Napi::Promise Run(Napi::Env env, Work&& work, Finish&& finish, ErrorKind kind = ErrorKind::kDefault,
                  std::function<void(Napi::Env)> after = {}) {
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  auto complete = [deferred, finish = std::forward<Finish>(finish), kind, after = std::move(after)](
                      Napi::Env e, Result<T>& result) {
    Settle(e, deferred, result, finish, kind);
    if (after) after(e);
  };
  auto* task = new Task<T>(env, std::forward<Work>(work), std::move(complete));
  task->Queue();  // The task deletes itself when it completes.
  return deferred.Promise();
}

// Runs `body` (which returns a promise) and turns a Napi::Error it throws while checking its
// arguments into a rejected promise: an async method never throws synchronously.
template <typename Body>
Napi::Value Async(Napi::Env env, Body&& body) {
  try {
    return body();
  } catch (const Napi::Error& error) {
    return Rejected(env, error);
  }
}

}  // namespace ddc::node

#endif  // DDC_BINDINGS_NODE_ASYNC_H_
