// Scope policies: their JSON form, path syntax, validation and compiled trie, the bounded JSON
// parse shared by builder and reader, and the split of event data into scopes (scopes.h,
// "Splitting"; docs/FORMAT.md, "Scope policies, splitting and merging").
#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "ddc/scopes.h"
#include "engine/base/macros.h"
#include "engine/crypto/scope_name.h"
#include "engine/event/cbor.h"
#include "engine/event/scope_json.h"

namespace ddc {

// Every policy path must be reachable in data the builder accepts.
static_assert(kMaxPathSteps < kMaxJsonDepth);

namespace scope_json {
namespace {

constexpr size_t kMaxErrorDetailBytes = 160;

// Bytes a `.name` step may not contain: they delimit steps, or are the bracket form's own.
bool IsDotNameByte(char c) { return c != '.' && c != '[' && c != ']' && c != '\'' && c != '\\'; }

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, kMaxErrorDetailBytes));
  if (s.size() > kMaxErrorDetailBytes) out += "...";
  out += '"';
  return out;
}

Status PathError(std::string_view path, size_t pos, std::string_view what) {
  return Status::InvalidArgument("path " + Quoted(path) + ": " + std::string(what) + " at byte " +
                                 std::to_string(pos));
}

// The bracket step starting at path[*pos] == '['; advances *pos past its ']'.
Status ParseBracketStep(std::string_view path, size_t* pos, std::string* name) {
  const size_t start = *pos;
  if (start + 1 >= path.size() || path[start + 1] != '\'') {
    return PathError(path, start, "expected ['name'] after '['");
  }
  size_t i = start + 2;
  for (;;) {
    if (i >= path.size()) return PathError(path, start, "unterminated ['...'] step");
    const char c = path[i];
    if (c == '\'') break;
    if (c == '\\') {
      if (i + 1 < path.size() && (path[i + 1] == '\'' || path[i + 1] == '\\')) {
        name->push_back(path[i + 1]);
        i += 2;
        continue;
      }
      return PathError(path, i, "invalid escape (only \\' and \\\\ are allowed)");
    }
    name->push_back(c);
    ++i;
  }
  ++i;  // The closing quote.
  if (i >= path.size() || path[i] != ']') return PathError(path, i, "expected ']' after '");
  *pos = i + 1;
  return Status::OK();
}

std::string FormatStep(const std::string& name) {
  const bool dot = !name.empty() && std::all_of(name.begin(), name.end(), IsDotNameByte);
  if (dot) return "." + name;
  std::string out = "['";
  for (char c : name) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out += "']";
  return out;
}

Status CheckName(std::string_view role, std::string_view name) {
  if (IsValidScopeName(name)) return Status::OK();
  return Status::InvalidArgument("scope policy: " + std::string(role) + " name " + Quoted(name) +
                                 " is not 1.." + std::to_string(kMaxScopeNameBytes) +
                                 " bytes of [a-z0-9_.-]");
}

// Adds `path` of scope index `scope` to the trie.
Status InsertPath(const CompiledPolicy& compiled, PolicyNode* root, int scope,
                  const std::string& path, std::map<const PolicyNode*, std::string>* written_as) {
  const std::string& name = compiled.names[static_cast<size_t>(scope)];
  if (!cbor::IsValidUtf8(path)) {
    return Status::InvalidArgument("scope policy: scope " + Quoted(name) +
                                   ": a path is not valid UTF-8");
  }
  Result<std::vector<std::string>> steps = ParsePath(path);
  if (!steps.ok()) return steps.status().WithContext("scope policy: scope " + Quoted(name));
  PolicyNode* node = root;
  for (const std::string& step : *steps) node = &node->children[step];
  if (node->scope != kNoScope) {
    const std::string& other = compiled.names[static_cast<size_t>(node->scope)];
    return Status::InvalidArgument("scope policy: path " + Quoted(path) +
                                   (other == name ? " is given twice in scope " + Quoted(name)
                                                  : " is claimed by scope " + Quoted(other) +
                                                        " (as " + Quoted((*written_as)[node]) +
                                                        ") and by scope " + Quoted(name)));
  }
  node->scope = scope;
  (*written_as)[node] = path;
  return Status::OK();
}

// A path inside a path of the same scope, with no other scope's path between them, claims
// nothing the outer path does not: reject it rather than let a reader wonder what it does.
Status CheckRedundant(const CompiledPolicy& compiled, const PolicyNode& node, int claimed_by,
                      const std::map<const PolicyNode*, std::string>& written_as) {
  for (const auto& [step, child] : node.children) {
    int inner = claimed_by;
    if (child.scope != kNoScope) {
      if (child.scope == claimed_by) {
        return Status::InvalidArgument(
            "scope policy: path " + Quoted(written_as.at(&child)) + " of scope " +
            Quoted(compiled.names[static_cast<size_t>(child.scope)]) +
            " is inside another path of the same scope, which already claims it");
      }
      inner = child.scope;
    }
    DDC_RETURN_IF_ERROR(CheckRedundant(compiled, child, inner, written_as));
  }
  return Status::OK();
}

std::string ParseErrorDetail(const Json::exception& e) {
  std::string m = e.what();
  size_t p = m.find("column ");
  if (p != std::string::npos) p = m.find(": ", p);
  if (p == std::string::npos) {
    p = m.find("] ");
    p = p == std::string::npos ? 0 : p + 2;
  } else {
    p += 2;
  }
  std::string detail = m.substr(p, kMaxErrorDetailBytes);
  if (m.size() - p > kMaxErrorDetailBytes) detail += "...";
  return detail;
}

// Moves the fields of `data` to their scopes' objects.
class Splitter {
 public:
  explicit Splitter(const CompiledPolicy& policy) : out_(policy.names.size()) {}

  void Walk(Json::object_t& object, const PolicyNode& node, int inherited) {
    for (auto& [key, value] : object) {
      auto it = node.children.find(key);
      const PolicyNode* child = it == node.children.end() ? nullptr : &it->second;
      const int scope = child != nullptr && child->scope != kNoScope ? child->scope : inherited;
      // An empty object has nothing to descend into; it goes whole, so that it survives.
      if (child != nullptr && !child->children.empty() && value.is_object() && !value.empty()) {
        stack_.push_back(&key);
        Walk(value.get_ref<Json::object_t&>(), *child, scope);
        stack_.pop_back();
      } else {
        Place(scope, key, std::move(value));
      }
    }
  }

  std::vector<Json> Take() { return std::move(out_); }

 private:
  // Puts `value` at (stack_, key) in the object of `scope`, creating the objects on the way.
  // They never hold a leaf already: a member placed whole is never descended into.
  void Place(int scope, const std::string& key, Json&& value) {
    Json* target = &out_[static_cast<size_t>(scope)];
    if (target->is_null()) *target = Json::object();
    for (const std::string* step : stack_) {
      Json& next = (*target)[*step];
      if (next.is_null()) next = Json::object();
      target = &next;
    }
    (*target)[key] = std::move(value);
  }

  std::vector<Json> out_;
  std::vector<const std::string*> stack_;
};

}  // namespace

Result<std::vector<std::string>> ParsePath(std::string_view path) {
  if (path.empty() || path[0] != '$') return PathError(path, 0, "does not start with '$'");
  if (path.size() == 1) {
    return PathError(path, 1, "names no member (write $.name or $['name'] steps)");
  }
  std::vector<std::string> steps;
  size_t pos = 1;
  while (pos < path.size()) {
    if (steps.size() == kMaxPathSteps) {
      return PathError(path, pos,
                       "has more than " + std::to_string(kMaxPathSteps) + " steps (kMaxPathSteps)");
    }
    std::string name;
    if (path[pos] == '.') {
      const size_t start = ++pos;
      while (pos < path.size() && IsDotNameByte(path[pos])) ++pos;
      if (pos == start) {
        return PathError(path, start, "empty .name step (a name with . [ ] ' or \\ needs ['...'])");
      }
      name.assign(path.substr(start, pos - start));
    } else if (path[pos] == '[') {
      DDC_RETURN_IF_ERROR(ParseBracketStep(path, &pos, &name));
    } else {
      return PathError(path, pos, "expected '.' or '[' to start a step");
    }
    steps.push_back(std::move(name));
  }
  return steps;
}

std::string FormatPath(const std::vector<std::string>& steps) {
  std::string out = "$";
  for (const std::string& s : steps) out += FormatStep(s);
  return out;
}

Result<CompiledPolicy> Compile(const ScopePolicy& policy) {
  DDC_RETURN_IF_ERROR(CheckName("default scope", policy.default_scope));
  std::set<std::string> names = {policy.default_scope};
  size_t paths = 0;
  for (const auto& [name, scope_paths] : policy.scopes) {
    DDC_RETURN_IF_ERROR(CheckName("scope", name));
    names.insert(name);
    paths += scope_paths.size();
  }
  for (const std::string& name : policy.public_scopes) {
    DDC_RETURN_IF_ERROR(CheckName("public scope", name));
    names.insert(name);
  }
  if (names.size() > kMaxScopes) {
    return Status::InvalidArgument("scope policy: names " + std::to_string(names.size()) +
                                   " scopes, more than " + std::to_string(kMaxScopes) +
                                   " (kMaxScopes)");
  }
  if (paths > kMaxPolicyPaths) {
    return Status::InvalidArgument("scope policy: has " + std::to_string(paths) +
                                   " paths, more than " + std::to_string(kMaxPolicyPaths) +
                                   " (kMaxPolicyPaths)");
  }
  CompiledPolicy compiled;
  compiled.names.assign(names.begin(), names.end());
  auto index_of = [&compiled](const std::string& name) {
    return static_cast<int>(std::lower_bound(compiled.names.begin(), compiled.names.end(), name) -
                            compiled.names.begin());
  };
  for (const std::string& name : compiled.names) {
    compiled.is_public.push_back(policy.public_scopes.count(name) != 0);
  }
  compiled.default_scope = index_of(policy.default_scope);
  std::map<const PolicyNode*, std::string> written_as;
  for (const auto& [name, scope_paths] : policy.scopes) {
    for (const std::string& path : scope_paths) {
      DDC_RETURN_IF_ERROR(InsertPath(compiled, &compiled.root, index_of(name), path, &written_as));
    }
  }
  DDC_RETURN_IF_ERROR(CheckRedundant(compiled, compiled.root, kNoScope, written_as));
  return compiled;
}

size_t NestingDepth(std::string_view text) {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Result<Json> ParseObject(std::string_view text, std::string_view what, size_t max_bytes) {
  const std::string label(what);
  if (text.size() > max_bytes) {
    return Status::InvalidArgument(label + ": " + std::to_string(text.size()) +
                                   " bytes, more than the limit of " + std::to_string(max_bytes));
  }
  if (NestingDepth(text) > kMaxJsonDepth) {
    return Status::InvalidArgument(label + ": nested deeper than " + std::to_string(kMaxJsonDepth) +
                                   " (kMaxJsonDepth)");
  }
  Json value;
  try {
    value = Json::parse(text.data(), text.data() + text.size());
  } catch (const Json::parse_error& e) {
    return Status::InvalidArgument(label + ": not valid JSON at byte " + std::to_string(e.byte) +
                                   ": " + ParseErrorDetail(e));
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(label + ": not valid JSON: " + ParseErrorDetail(e));
  }
  if (!value.is_object()) {
    return Status::InvalidArgument(label + ": is a JSON " + std::string(value.type_name()) +
                                   ", not an object");
  }
  return value;
}

std::string Dump(const Json& value) { return value.dump(); }

std::vector<Json> Split(Json&& data, const CompiledPolicy& policy) {
  Splitter splitter(policy);
  splitter.Walk(data.get_ref<Json::object_t&>(), policy.root, policy.default_scope);
  return splitter.Take();
}

}  // namespace scope_json

namespace {

using scope_json::Json;

Result<std::vector<std::string>> StringArray(const Json& value, const std::string& what) {
  if (!value.is_array()) {
    return Status::InvalidArgument("scope policy: " + what + " is a JSON " +
                                   std::string(value.type_name()) + ", not an array of strings");
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) {
      return Status::InvalidArgument("scope policy: " + what + " element " + std::to_string(i) +
                                     " is a JSON " + std::string(value[i].type_name()) +
                                     ", not a string");
    }
    out.push_back(value[i].get<std::string>());
  }
  return out;
}

}  // namespace

Result<ScopePolicy> ScopePolicy::FromJson(std::string_view json) {
  DDC_ASSIGN_OR_RETURN(Json root,
                       scope_json::ParseObject(json, "scope policy", kMaxPolicyJsonBytes));
  ScopePolicy policy;
  for (const auto& [key, value] : root.items()) {
    if (key == "default") {
      if (!value.is_string()) {
        return Status::InvalidArgument("scope policy: \"default\" is a JSON " +
                                       std::string(value.type_name()) + ", not a string");
      }
      policy.default_scope = value.get<std::string>();
    } else if (key == "scopes") {
      if (!value.is_object()) {
        return Status::InvalidArgument("scope policy: \"scopes\" is a JSON " +
                                       std::string(value.type_name()) +
                                       ", not an object of scope name -> paths");
      }
      for (const auto& [name, paths] : value.items()) {
        DDC_ASSIGN_OR_RETURN(policy.scopes[name],
                             StringArray(paths, "\"scopes\" member \"" + name + "\""));
      }
    } else if (key == "public") {
      DDC_ASSIGN_OR_RETURN(std::vector<std::string> names, StringArray(value, "\"public\""));
      for (std::string& name : names) {
        if (!policy.public_scopes.insert(name).second) {
          return Status::InvalidArgument("scope policy: \"public\" lists \"" + name + "\" twice");
        }
      }
    } else {
      return Status::InvalidArgument("scope policy: unknown key \"" + key +
                                     "\" (known: \"default\", \"scopes\", \"public\")");
    }
  }
  DDC_RETURN_IF_ERROR(policy.Validate());
  return policy;
}

std::string ScopePolicy::ToJson() const {
  Json out = Json::object();
  out["default"] = default_scope;
  Json scopes_json = Json::object();
  for (const auto& [name, paths] : scopes) scopes_json[name] = paths;
  out["scopes"] = std::move(scopes_json);
  out["public"] = Json::array();
  for (const std::string& name : public_scopes) out["public"].push_back(name);
  return scope_json::Dump(out);
}

Status ScopePolicy::Validate() const { return scope_json::Compile(*this).status(); }

}  // namespace ddc
