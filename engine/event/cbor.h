// Canonical DAG-CBOR: a writer that only produces the canonical form, and a strict reader that
// only accepts it, for the subset of DAG-CBOR that ddc's formats use.
//
// The subset: unsigned integers (major type 0), byte strings (2), UTF-8 text strings (3),
// arrays (4), maps with text keys (5) and tag 42 (a CID link: a byte string holding 0x00 and a
// binary CID). Negative integers, floats, simple values (false/true/null/undefined), other tags
// and indefinite lengths are not part of it and the reader rejects them.
//
// Canonical form (the DAG-CBOR spec, which takes it from RFC 7049 section 3.9): every head
// (integer value, length, count, tag) in its shortest form; definite lengths only; map keys are
// unique and sorted by the length of their encoding first, then bytewise. For text keys that is
// "shorter key first, equal lengths in byte order".
//
// Writer: appends to a std::string it owns. It writes heads canonically; the caller writes the
// items of a container in order and, for maps, its keys in canonical order (KeyLess says which).
// The reader catches a caller that gets this wrong, so encoders should re-read in tests.
//
// Reader: a pull parser over a byte span, one item head at a time (Next()), with the byte offset
// of every item for error messages. It checks everything the canonical form requires as it goes,
// including map key order and UTF-8, keeps track of open containers up to a depth limit, and
// checks every length and count against the bytes left before the caller could allocate for it.
// Items point into the input span, which must outlive them. Errors are InvalidArgument with a
// message that says what is wrong and at which byte, without a prefix (callers add theirs with
// Status::WithContext).
//
// Both are plain values, not thread-safe; use one per thread.
#ifndef DDC_ENGINE_EVENT_CBOR_H_
#define DDC_ENGINE_EVENT_CBOR_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/cid.h"
#include "ddc/status.h"

namespace ddc::cbor {

// The tag DAG-CBOR uses for CID links.
inline constexpr uint64_t kCidTag = 42;
// Nesting the reader allows by default: ddc's formats need 4 (event > scopes > scope > field).
inline constexpr size_t kDefaultMaxDepth = 16;

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF).
bool IsValidUtf8(std::string_view s);

// The DAG-CBOR map key order for text keys: shorter first, then bytewise.
bool KeyLess(std::string_view a, std::string_view b);

class Writer {
 public:
  Writer() = default;

  void Uint(uint64_t value) { Head(0, value); }
  void Bytes(std::span<const uint8_t> bytes);
  void Bytes(std::string_view bytes);
  // REQUIRES: IsValidUtf8(text) (checked by the reader, not here).
  void Text(std::string_view text);
  // Opens an array of `count` items or a map of `count` pairs; the caller then writes them.
  void ArrayHeader(uint64_t count) { Head(4, count); }
  void MapHeader(uint64_t pairs) { Head(5, pairs); }
  // Tag 42 followed by the byte string 0x00 || binary CID.
  void CidLink(const Cid& cid);

  // Appends bytes that are not CBOR (a domain prefix before a signed encoding).
  void Raw(std::string_view bytes) { out_.append(bytes); }

  const std::string& bytes() const { return out_; }
  std::string Take() { return std::move(out_); }
  void Reserve(size_t n) { out_.reserve(n); }

 private:
  void Head(uint8_t major, uint64_t value);

  std::string out_;
};

enum class Kind : uint8_t {
  kUint,   // value = the integer.
  kBytes,  // value = length; data = the bytes.
  kText,   // value = length; data = the UTF-8 bytes.
  kArray,  // value = item count; the items follow.
  kMap,    // value = pair count; key, value, key, value... follow. Keys are kText.
  kLink,   // A tag-42 CID link; data = the binary CID (after the 0x00 prefix, not yet parsed).
};

// A short name for messages: "unsigned integer", "byte string", ...
const char* KindName(Kind kind);

struct Item {
  Kind kind = Kind::kUint;
  uint64_t value = 0;
  std::span<const uint8_t> data;  // Into the reader's input.
  size_t offset = 0;              // Where the item's head starts.

  std::string_view text() const {
    return {reinterpret_cast<const char*>(data.data()), data.size()};
  }
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> input, size_t max_depth = kDefaultMaxDepth)
      : input_(input), max_depth_(max_depth) {}

  // Reads the next item head (with its payload for byte and text strings and links). Fails on
  // truncation, anything outside the subset, a non-shortest head, invalid UTF-8, a non-text or
  // out-of-order map key, or when the item would open a container deeper than max_depth.
  // Calling Next() after the top-level item is complete is an error ("trailing bytes").
  Result<Item> Next();
  // Next() into `item`, for hot loops: it spares the caller a Result per item. `item` is
  // meaningless after an error.
  Status Next(Item* item);

  // Reads one complete item, recursing into containers, and discards it.
  Status Skip();

  // OK when exactly one top-level item was read completely and no bytes follow it.
  Status Finish() const;

  size_t offset() const { return offset_; }
  // Open containers right now.
  size_t depth() const { return depth_; }

 private:
  struct Open {
    uint64_t remaining = 0;  // Items still to read (a map counts keys and values).
    bool is_map = false;
    std::span<const uint8_t> last_key;  // The previous key of a map; empty before the first.
    bool has_key = false;
  };

  Status Error(size_t at, std::string_view what) const;
  // Reads a head at offset_: major type and argument; rejects indefinite and non-shortest.
  Status ReadHead(uint8_t* major, uint64_t* argument);
  Status ReadPayload(uint64_t length, size_t head_offset, std::span<const uint8_t>* out);
  // Books the item just read against the innermost open container.
  Status Consume(const Item& item);
  // The open container at `level` (0 is the outermost). REQUIRES: level <= depth_.
  Open& At(size_t level) {
    if (max_depth_ <= kDefaultMaxDepth) return shallow_[level];
    if (level == deep_.size()) deep_.emplace_back();
    return deep_[level];
  }

  // Containers up to kDefaultMaxDepth deep are tracked in place, so that a reader allocates
  // nothing (the append path makes one per event); a deeper limit uses `deep_`.
  std::span<const uint8_t> input_;
  size_t max_depth_;
  size_t offset_ = 0;
  bool top_done_ = false;
  size_t depth_ = 0;  // Open containers: At(0) .. At(depth_ - 1).
  std::array<Open, kDefaultMaxDepth> shallow_;
  std::vector<Open> deep_;  // Used when max_depth_ > kDefaultMaxDepth.
};

}  // namespace ddc::cbor

#endif  // DDC_ENGINE_EVENT_CBOR_H_
