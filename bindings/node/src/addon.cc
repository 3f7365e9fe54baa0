// The `ddc.node` addon: Node-API bindings of the C++ API (include/ddc/). The package around it
// (index.js) registers the error classes, adds the async iterators and re-exports the rest.
#include <napi.h>

#include "binding.h"

namespace ddc::node {

AddonData& Data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

namespace {

// setErrorClasses({DdcError, NotFoundError, ...}): the classes errors are made of from now on.
void SetErrorClasses(const Napi::CallbackInfo& info) {
  if (!info[0].IsObject()) {
    throw Napi::TypeError::New(info.Env(), "setErrorClasses: want an object of classes");
  }
  Data(info.Env()).error_classes = Napi::Persistent(info[0].As<Napi::Object>());
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData());  // Deleted by Node-API when the environment ends.
  exports.Set("setErrorClasses", Napi::Function::New<SetErrorClasses>(env));
  InitEvents(env, exports);
  InitRecords(env, exports);
  InitStore(env, exports);
  InitCursors(env, exports);
  return exports;
}

}  // namespace ddc::node

namespace {

// NODE_API_MODULE wants an unqualified name.
Napi::Object InitDdc(Napi::Env env, Napi::Object exports) { return ddc::node::Init(env, exports); }

}  // namespace

NODE_API_MODULE(ddc, InitDdc)
