// Internal helpers for propagating Status and Result<T>.
#ifndef DDC_ENGINE_BASE_MACROS_H_
#define DDC_ENGINE_BASE_MACROS_H_

#include "ddc/status.h"

#define DDC_CONCAT_INNER_(a, b) a##b
#define DDC_CONCAT_(a, b) DDC_CONCAT_INNER_(a, b)

// Evaluates `expr` (a Status); returns it from the enclosing function when not OK.
#define DDC_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::ddc::Status ddc_status_ = (expr);        \
    if (!ddc_status_.ok()) return ddc_status_; \
  } while (0)

// Evaluates `rexpr` (a Result<T>); on error returns its Status, else moves the value to `lhs`.
// `lhs` may be a declaration ("auto x"), so it cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define DDC_ASSIGN_OR_RETURN(lhs, rexpr) \
  DDC_ASSIGN_OR_RETURN_IMPL_(DDC_CONCAT_(ddc_result_, __LINE__), lhs, rexpr)
#define DDC_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                               \
  if (!result.ok()) return std::move(result).status(); \
  lhs = std::move(result).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // DDC_ENGINE_BASE_MACROS_H_
