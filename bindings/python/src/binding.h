// The objects the Python binding shares between its parts, and the functions that register
// each part with the module.
#ifndef DDC_BINDINGS_PYTHON_BINDING_H_
#define DDC_BINDINGS_PYTHON_BINDING_H_

#include <pybind11/pybind11.h>

#include <shared_mutex>

#include "ddc/crypto.h"
#include "ddc/event.h"
#include "ddc/grants.h"
#include "ddc/scopes.h"

namespace ddc::python {

namespace py = pybind11;

// ddc.KeyPair: a user's ed25519 key. The secret is wiped when the object goes.
struct PyKeyPair {
  KeyPair key;

  PyKeyPair() = default;
  explicit PyKeyPair(const KeyPair& k) : key(k) {}
  PyKeyPair(const PyKeyPair&) = delete;
  PyKeyPair& operator=(const PyKeyPair&) = delete;
  ~PyKeyPair() { Wipe(key.secret_key); }
};

// ddc.BoxKeyPair: an X25519 key that receives grants.
struct PyBoxKeyPair {
  BoxKeyPair key;

  PyBoxKeyPair() = default;
  explicit PyBoxKeyPair(const BoxKeyPair& k) : key(k) {}
  PyBoxKeyPair(const PyBoxKeyPair&) = delete;
  PyBoxKeyPair& operator=(const PyBoxKeyPair&) = delete;
  ~PyBoxKeyPair() { Wipe(key.secret_key); }
};

// ddc.KeyRing. KeyRing may be read from many threads but not written while read; since the
// binding reads it without the GIL, adding keys takes `mutex` exclusively and reading shares
// it. Lock order: the GIL is released before `mutex` is taken.
struct PyKeyRing {
  KeyRing ring;
  mutable std::shared_mutex mutex;
};

// {"data": merged dict, "scopes": [{name, public, key_version, outcome, message}],
//  "signature": "verified" | "trusted" | "failed", "signature_error": str | None,
//  "complete": bool}.
py::dict OpenedToDict(const OpenedEvent& opened);

// A grant as a dict: cid, bucket, user (hex or None), scope, key_version, grantee, granter,
// created_ms.
py::dict GrantToDict(const Grant& grant, const Cid& cid);

void RegisterEvents(py::module_& module);
void RegisterStore(py::module_& module);
// CAR export, names, consistency and erasure proofs (store_records.cc); adds methods to the
// ddc.Store class RegisterStore made.
void RegisterStoreRecords(py::module_& module);

}  // namespace ddc::python

#endif  // DDC_BINDINGS_PYTHON_BINDING_H_
