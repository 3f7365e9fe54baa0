// The `ddc._ddc` extension module: pybind11 bindings of the C++ API (include/ddc/). The package
// around it (ddc/__init__.py) adds what is easier to say in Python, such as to_pandas.
#include <pybind11/pybind11.h>

#include "binding.h"
#include "convert.h"

PYBIND11_MODULE(_ddc, m) {
  m.doc() = "ddc: signed, encrypted user events in a content-addressed store.";
  ddc::python::InitErrors(m);
  ddc::python::RegisterEvents(m);
  ddc::python::RegisterStore(m);
  ddc::python::RegisterStoreRecords(m);  // Adds to ddc.Store: after RegisterStore.
}
