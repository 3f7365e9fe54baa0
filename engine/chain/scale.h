// SCALE, the Parity codec Substrate encodes everything with (docs/chain.md, "SCALE").
//
// ScaleWriter appends to a std::string; ScaleReader reads strictly from a byte span: every
// failure (truncation, a non-canonical compact, a value too wide, a bad bool or option tag)
// is remembered as the first error and every later read returns zero, so a decoder may read a
// whole structure and check status() once. Pure and allocation-light; no I/O.
#ifndef DDC_ENGINE_CHAIN_SCALE_H_
#define DDC_ENGINE_CHAIN_SCALE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ddc/status.h"

namespace ddc::chain {

inline std::span<const uint8_t> AsByteSpan(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Compact<u128> values above this are not produced or accepted: dev-chain amounts are u64.
inline constexpr uint64_t kMaxCompact = UINT64_MAX;

class ScaleWriter {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void Bool(bool v) { U8(v ? 1 : 0); }
  void U16(uint16_t v);
  void U32(uint32_t v);
  void U64(uint64_t v);
  // A u128 whose high half is zero.
  void U128(uint64_t low);
  void Compact(uint64_t v);
  void Raw(std::span<const uint8_t> bytes);
  void Raw(std::string_view bytes);
  template <size_t N>
  void Fixed(const std::array<uint8_t, N>& bytes) {
    Raw(std::span<const uint8_t>(bytes));
  }
  // Vec<u8>: compact length, then the bytes.
  void Bytes(std::span<const uint8_t> bytes);
  void Bytes(std::string_view bytes);

  const std::string& data() const { return out_; }
  std::string Take() { return std::move(out_); }
  size_t size() const { return out_.size(); }

 private:
  std::string out_;
};

class ScaleReader {
 public:
  explicit ScaleReader(std::span<const uint8_t> in) : in_(in) {}
  explicit ScaleReader(std::string_view in)
      : in_(reinterpret_cast<const uint8_t*>(in.data()), in.size()) {}
  // The reader keeps a view: a temporary string would be gone before the first read.
  explicit ScaleReader(std::string&&) = delete;

  uint8_t U8();
  bool Bool();
  uint16_t U16();
  uint32_t U32();
  uint64_t U64();
  // A u128 whose high half must be zero.
  uint64_t U128();
  // Compact<T> with T's maximum `max` (e.g. UINT32_MAX for Compact<u32>).
  uint64_t Compact(uint64_t max = kMaxCompact);
  // `n` raw bytes (empty on error).
  std::span<const uint8_t> Raw(size_t n);
  template <size_t N>
  std::array<uint8_t, N> Fixed() {
    std::array<uint8_t, N> out{};
    const auto bytes = Raw(N);
    if (bytes.size() == N) std::copy(bytes.begin(), bytes.end(), out.begin());
    return out;
  }
  // Vec<u8> of at most `max` bytes.
  std::span<const uint8_t> Bytes(size_t max);
  // A Vec<T>'s count, at most `max`.
  uint64_t Count(uint64_t max) { return Compact(max); }

  // Fails the reader with `what` (the first failure wins).
  void Fail(const std::string& what);
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  size_t offset() const { return offset_; }
  size_t remaining() const { return in_.size() - offset_; }
  bool done() const { return offset_ == in_.size(); }
  // OK only when everything was consumed and nothing failed; `what` names the structure.
  Status Finish(std::string_view what);

 private:
  std::span<const uint8_t> in_;
  size_t offset_ = 0;
  Status status_;
};

}  // namespace ddc::chain

#endif  // DDC_ENGINE_CHAIN_SCALE_H_
