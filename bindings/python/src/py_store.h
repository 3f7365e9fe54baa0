// ddc.Store's C++ object, shared by the files that register its methods (store.cc: blobs,
// events, timelines, grants, erasure; store_records.cc: CAR export, names, consistency and
// erasure proofs).
#ifndef DDC_BINDINGS_PYTHON_PY_STORE_H_
#define DDC_BINDINGS_PYTHON_PY_STORE_H_

#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "convert.h"
#include "ddc/store.h"

namespace ddc::python {

// Every call into the store runs without the GIL, under `mutex` shared; close() takes it
// exclusively, so that Store::Close never races with another call.
struct PyStore {
  std::unique_ptr<Store> store;
  std::string path;
  std::shared_mutex mutex;
  bool closed = false;  // Guarded by mutex.

  PyStore() = default;
  PyStore(const PyStore&) = delete;
  PyStore& operator=(const PyStore&) = delete;
  ~PyStore() {
    if (store == nullptr) return;
    try {
      py::gil_scoped_release nogil;
      std::unique_lock lock(mutex);
      if (!closed) {
        Status ignored = store->Close();  // The destructor has no one to report to.
        (void)ignored;
      }
      store.reset();
    } catch (...) {  // NOLINT(bugprone-empty-catch): nothing to report to from a destructor.
    }
  }

  // Runs `f(store)` without the GIL under the shared lock. Throws StoreClosed after close().
  template <typename F>
  auto Run(F&& f) {
    py::gil_scoped_release nogil;
    std::shared_lock lock(mutex);
    if (closed) throw StoreClosed{};
    return f(*store);
  }
};

}  // namespace ddc::python

#endif  // DDC_BINDINGS_PYTHON_PY_STORE_H_
