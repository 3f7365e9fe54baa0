// The byte rule of scope names (docs/FORMAT.md, "Scopes"), shared by the event codec and the
// key derivation so that both accept exactly the same names.
#ifndef DDC_ENGINE_CRYPTO_SCOPE_NAME_H_
#define DDC_ENGINE_CRYPTO_SCOPE_NAME_H_

#include <string_view>

#include "ddc/event.h"

namespace ddc {

inline bool IsScopeNameByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

inline bool IsValidScopeName(std::string_view name) {
  if (name.empty() || name.size() > kMaxScopeNameBytes) return false;
  for (char c : name) {
    if (!IsScopeNameByte(c)) return false;
  }
  return true;
}

}  // namespace ddc

#endif  // DDC_ENGINE_CRYPTO_SCOPE_NAME_H_
