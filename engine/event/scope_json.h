// The JSON side of scopes (include/ddc/scopes.h): policy paths and their compiled trie, bounded
// parsing, splitting an event's data into one object per scope and merging them back, and the
// bounded zstd container of a scope's plaintext. Internal to the event layer: the public API
// takes and returns JSON as text, so that nlohmann's types stay out of include/.
//
// Everything here is pure, except that Compress and Decompress reuse one zstd context per
// thread. Thread-safe.
#ifndef DDC_ENGINE_EVENT_SCOPE_JSON_H_
#define DDC_ENGINE_EVENT_SCOPE_JSON_H_

#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/scopes.h"
#include "ddc/status.h"

namespace ddc::scope_json {

using Json = nlohmann::json;

// --- Paths ---------------------------------------------------------------------------------

// The member names a policy path steps through ("$.user['e.mail']" -> {"user", "e.mail"}).
// InvalidArgument naming the byte position of the first problem.
Result<std::vector<std::string>> ParsePath(std::string_view path);

// The shortest spelling of `steps`: `.name` where the name allows it, `['...']` otherwise.
// ParsePath(FormatPath(s)) == s.
std::string FormatPath(const std::vector<std::string>& steps);

// --- Compiled policy -------------------------------------------------------------------------

inline constexpr int kNoScope = -1;

// One trie node per path prefix. `scope` is set on nodes a policy path ends at.
struct PolicyNode {
  std::map<std::string, PolicyNode, std::less<>> children;
  int scope = kNoScope;
};

struct CompiledPolicy {
  // Every scope the policy names (default, claimed, public), sorted: the order of the event's
  // scopes, and the index a PolicyNode::scope refers to.
  std::vector<std::string> names;
  std::vector<bool> is_public;  // Parallel to `names`.
  int default_scope = 0;
  PolicyNode root;
};

// Validates `policy` (ScopePolicy::Validate's rules) and builds its trie.
Result<CompiledPolicy> Compile(const ScopePolicy& policy);

// --- Bounded JSON text ------------------------------------------------------------------------

// The deepest nesting of objects and arrays in `text`, counting brackets outside strings. For
// valid JSON it is exact; for invalid JSON it bounds the depth a parser reaches before it fails.
size_t NestingDepth(std::string_view text);

// Parses `text` as one JSON object: InvalidArgument "<what>: ..." when it is longer than
// `max_bytes`, nested deeper than kMaxJsonDepth, not JSON (with the byte offset), or not an
// object.
Result<Json> ParseObject(std::string_view text, std::string_view what, size_t max_bytes);

// Compact text ("{"a":1}"), UTF-8 as is.
std::string Dump(const Json& value);

// --- Split and merge --------------------------------------------------------------------------

// Moves every field of the object `data` to its scope (scopes.h, "Splitting"): element i is the
// object of policy.names[i], or null when the scope gets no field. REQUIRES: data.is_object().
std::vector<Json> Split(Json&& data, const CompiledPolicy& policy);

// Deep-merges the object `from` into the object `into`: objects merge member by member; any
// other member present in both is a conflict, reported as InvalidArgument naming its path, in
// which case `into` is left unchanged.
Status Merge(Json* into, Json&& from);

// --- Scope container ----------------------------------------------------------------------------

// One zstd frame of `plaintext` (with its content size) at `level`, when the plaintext is at
// least `min_bytes` long and the frame is at most 7/8 of it; nullopt otherwise.
std::optional<std::string> CompressIfItPays(std::string_view plaintext, int level,
                                            size_t min_bytes);

// The content of exactly one zstd frame that records its content size, at most
// kMaxScopePlaintextBytes. InvalidArgument saying what is wrong otherwise; never allocates more
// than the cap.
Result<std::string> Decompress(std::string_view frame);

}  // namespace ddc::scope_json

#endif  // DDC_ENGINE_EVENT_SCOPE_JSON_H_
