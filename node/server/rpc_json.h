// The JSON forms of Substrate's JSON-RPC values, shared by the dev chain's server (chain_rpc.cc)
// and the clients (remote_chain.cc, substrate_chain.cc): bytes and hashes as "0x" hex, block
// numbers as numbers or "0x" hex strings.
#ifndef DDC_NODE_SERVER_RPC_JSON_H_
#define DDC_NODE_SERVER_RPC_JSON_H_

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ddc/event.h"
#include "engine/base/hex.h"

namespace ddc::node::rpc {

inline std::string Hex0x(std::span<const uint8_t> bytes) { return "0x" + Hex(bytes); }
inline std::string Hex0x(std::string_view bytes) {
  return Hex0x(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

// "0x..." (or bare) hex into bytes; nullopt when malformed.
inline std::optional<std::string> ParseHexString(const nlohmann::json& v) {
  if (!v.is_string()) return std::nullopt;
  std::string_view text = v.get_ref<const std::string&>();
  if (text.starts_with("0x")) text.remove_prefix(2);
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out(text.size() / 2, '\0');
  if (!ParseHex(text, std::span(reinterpret_cast<uint8_t*>(out.data()), out.size()))) {
    return std::nullopt;
  }
  return out;
}

inline std::optional<Hash32> ParseHash(const nlohmann::json& v) {
  const std::optional<std::string> bytes = ParseHexString(v);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  Hash32 h{};
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

// A non-negative number, or a "0x" hex string of at most 16 digits (Substrate's form).
inline std::optional<uint64_t> ParseNumber(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0) {
    return static_cast<uint64_t>(v.get<int64_t>());
  }
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  if (!s.starts_with("0x") || s.size() <= 2 || s.size() > 18) return std::nullopt;
  uint64_t n = 0;
  for (size_t i = 2; i < s.size(); ++i) {
    const char c = s[i];
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (d < 0) return std::nullopt;
    n = n * 16 + static_cast<uint64_t>(d);
  }
  return n;
}

// Reading what a peer sent never throws: nlohmann's value() throws on a non-object or a member
// of another type, which would let a misbehaving chain or node crash the reader.

// The member `key` of `j`, or null when `j` is not an object or has no such member.
inline const nlohmann::json& Member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json* const kNull = new nlohmann::json();
  if (!j.is_object()) return *kNull;
  const auto it = j.find(key);
  return it == j.end() ? *kNull : *it;
}

// The member as a string, bool or integer; `otherwise` when absent or of another type.
inline std::string StringMember(const nlohmann::json& j, const char* key,
                                std::string_view otherwise = "") {
  const nlohmann::json& v = Member(j, key);
  return v.is_string() ? v.get<std::string>() : std::string(otherwise);
}
inline bool BoolMember(const nlohmann::json& j, const char* key, bool otherwise) {
  const nlohmann::json& v = Member(j, key);
  return v.is_boolean() ? v.get<bool>() : otherwise;
}
inline int64_t IntMember(const nlohmann::json& j, const char* key, int64_t otherwise) {
  const nlohmann::json& v = Member(j, key);
  return v.is_number_integer() ? v.get<int64_t>() : otherwise;
}

inline std::string HexNumber(uint64_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[n % 16]);
    n /= 16;
  } while (n != 0);
  return "0x" + out;
}

}  // namespace ddc::node::rpc

#endif  // DDC_NODE_SERVER_RPC_JSON_H_
