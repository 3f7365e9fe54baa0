#include "engine/event/cbor.h"

#include <array>
#include <string>

#include "engine/base/macros.h"

namespace ddc::cbor {
namespace {

constexpr uint8_t kMajorUint = 0;
constexpr uint8_t kMajorNegative = 1;
constexpr uint8_t kMajorBytes = 2;
constexpr uint8_t kMajorText = 3;
constexpr uint8_t kMajorArray = 4;
constexpr uint8_t kMajorMap = 5;
constexpr uint8_t kMajorTag = 6;
constexpr uint8_t kMajorSimple = 7;

// What a head's argument counts, for "non-canonical <what>" messages.
const char* ArgumentName(uint8_t major) {
  switch (major) {
    case kMajorUint:
      return "integer";
    case kMajorBytes:
    case kMajorText:
      return "length";
    case kMajorArray:
    case kMajorMap:
      return "count";
    default:
      return "tag";
  }
}

// Why a major-type-7 item is not allowed, by its additional information.
std::string SimpleName(uint8_t info) {
  switch (info) {
    case 20:
      return "simple value false";
    case 21:
      return "simple value true";
    case 22:
      return "simple value null";
    case 23:
      return "simple value undefined";
    case 25:
      return "half-precision float";
    case 26:
      return "single-precision float";
    case 27:
      return "double-precision float";
    case 31:
      return "break code (indefinite-length end)";
    default:
      return "simple value";
  }
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1fu;
      min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0fu;
      min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07u;
      min = 0x10000;
    } else {
      return false;  // A continuation byte or 0xf8..0xff where a sequence must start.
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

bool KeyLess(std::string_view a, std::string_view b) {
  // Text keys of different lengths have heads of different values, so "shorter encoding first"
  // is "shorter key first"; equal lengths compare bytewise (unsigned, as string_view does).
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

// ---- Writer ----

void Writer::Head(uint8_t major, uint64_t value) {
  const auto top = static_cast<uint8_t>(major << 5);
  if (value < 24) {
    out_.push_back(static_cast<char>(top | value));
    return;
  }
  int bytes = 8;
  uint8_t info = 27;
  if (value <= 0xff) {
    bytes = 1;
    info = 24;
  } else if (value <= 0xffff) {
    bytes = 2;
    info = 25;
  } else if (value <= 0xffffffffu) {
    bytes = 4;
    info = 26;
  }
  out_.push_back(static_cast<char>(top | info));
  for (int i = bytes - 1; i >= 0; --i) out_.push_back(static_cast<char>(value >> (8 * i)));
}

void Writer::Bytes(std::span<const uint8_t> bytes) {
  Head(kMajorBytes, bytes.size());
  out_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void Writer::Bytes(std::string_view bytes) {
  Head(kMajorBytes, bytes.size());
  out_.append(bytes);
}

void Writer::Text(std::string_view text) {
  Head(kMajorText, text.size());
  out_.append(text);
}

void Writer::CidLink(const Cid& cid) {
  Head(kMajorTag, kCidTag);
  const std::array<uint8_t, Cid::kBinaryBytes> binary = cid.ToBytes();
  Head(kMajorBytes, binary.size() + 1);
  out_.push_back('\0');  // The multibase "identity" prefix DAG-CBOR puts before a binary CID.
  out_.append(reinterpret_cast<const char*>(binary.data()), binary.size());
}

// ---- Reader ----

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kUint:
      return "unsigned integer";
    case Kind::kBytes:
      return "byte string";
    case Kind::kText:
      return "text string";
    case Kind::kArray:
      return "array";
    case Kind::kMap:
      return "map";
    case Kind::kLink:
      return "CID link";
  }
  return "item";
}

Status Reader::Error(size_t at, std::string_view what) const {
  std::string msg(what);
  msg += " at byte ";
  msg += std::to_string(at);
  return Status::InvalidArgument(msg);
}

Status Reader::ReadHead(uint8_t* major, uint64_t* argument) {
  const size_t start = offset_;
  if (offset_ >= input_.size()) return Error(start, "unexpected end of input");
  const uint8_t initial = input_[offset_];
  *major = static_cast<uint8_t>(initial >> 5);
  const uint8_t info = initial & 0x1f;
  if (*major == kMajorSimple) {
    return Error(start, SimpleName(info) + " is not allowed");
  }
  if (info == 31) return Error(start, "indefinite length is not allowed");
  if (info >= 28) return Error(start, "reserved additional information " + std::to_string(info));
  if (info < 24) {
    *argument = info;
    offset_ += 1;
    return Status::OK();
  }
  const size_t bytes = size_t{1} << (info - 24);  // 24..27 -> 1, 2, 4, 8.
  if (input_.size() - offset_ - 1 < bytes) {
    return Error(start, "unexpected end of input in a " + std::to_string(1 + bytes) + "-byte head");
  }
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v = (v << 8) | input_[offset_ + 1 + i];
  // Shortest form: each wider head must hold a value the narrower one cannot.
  static constexpr std::array<uint64_t, 4> kMin = {24, 0x100, 0x10000, 0x100000000};
  if (v < kMin[info - 24]) {
    return Error(start, std::string("non-canonical ") + ArgumentName(*major) + " " +
                            std::to_string(v) + " (not in its shortest form)");
  }
  *argument = v;
  offset_ += 1 + bytes;
  return Status::OK();
}

Status Reader::ReadPayload(uint64_t length, size_t head_offset, std::span<const uint8_t>* out) {
  if (length > input_.size() - offset_) {
    return Error(head_offset, "length " + std::to_string(length) + " runs past the end of input (" +
                                  std::to_string(input_.size() - offset_) + " bytes left)");
  }
  *out = input_.subspan(offset_, static_cast<size_t>(length));
  offset_ += static_cast<size_t>(length);
  return Status::OK();
}

Result<Item> Reader::Next() {
  Item item;
  DDC_RETURN_IF_ERROR(Next(&item));
  return item;
}

Status Reader::Next(Item* out) {
  if (top_done_) return Error(offset_, "trailing bytes after the top-level item");
  Item& item = *out;
  item = Item{};
  item.offset = offset_;
  uint8_t major = 0;
  uint64_t arg = 0;
  // Most heads are a single byte (keys, small counts and integers): take those here, and
  // leave everything else, errors included, to ReadHead.
  const uint8_t initial = offset_ < input_.size() ? input_[offset_] : 0xff;
  if ((initial & 0x1f) < 24 && (initial >> 5) != kMajorSimple) {
    major = static_cast<uint8_t>(initial >> 5);
    arg = initial & 0x1f;
    offset_ += 1;
  } else {
    DDC_RETURN_IF_ERROR(ReadHead(&major, &arg));
  }
  switch (major) {
    case kMajorUint:
      item.kind = Kind::kUint;
      item.value = arg;
      break;
    case kMajorNegative:
      return Error(item.offset, "negative integer is not allowed");
    case kMajorBytes:
    case kMajorText: {
      item.kind = major == kMajorBytes ? Kind::kBytes : Kind::kText;
      item.value = arg;
      DDC_RETURN_IF_ERROR(ReadPayload(arg, item.offset, &item.data));
      if (item.kind == Kind::kText && !IsValidUtf8(item.text())) {
        return Error(item.offset, "text string is not valid UTF-8");
      }
      break;
    }
    case kMajorArray:
    case kMajorMap: {
      item.kind = major == kMajorArray ? Kind::kArray : Kind::kMap;
      item.value = arg;
      // Every item takes at least one byte: a count the input cannot hold is rejected here,
      // before a caller reserves room for it.
      const uint64_t left = input_.size() - offset_;
      if (arg > (major == kMajorArray ? left : left / 2)) {
        return Error(item.offset, std::string(KindName(item.kind)) + " of " + std::to_string(arg) +
                                      " entries cannot fit in the " + std::to_string(left) +
                                      " bytes left");
      }
      break;
    }
    case kMajorTag: {
      if (arg != kCidTag) {
        return Error(item.offset,
                     "tag " + std::to_string(arg) + " is not allowed (only tag 42, a CID link)");
      }
      const size_t inner = offset_;
      uint8_t inner_major = 0;
      uint64_t length = 0;
      DDC_RETURN_IF_ERROR(ReadHead(&inner_major, &length));
      if (inner_major != kMajorBytes) {
        return Error(inner, "tag 42 must hold a byte string");
      }
      std::span<const uint8_t> payload;
      DDC_RETURN_IF_ERROR(ReadPayload(length, inner, &payload));
      if (payload.empty() || payload[0] != 0x00) {
        return Error(inner, "CID link lacks the 0x00 prefix");
      }
      item.kind = Kind::kLink;
      item.value = payload.size() - 1;
      item.data = payload.subspan(1);
      break;
    }
    default:  // Major type 7 is rejected by ReadHead.
      return Error(item.offset, "unexpected major type");
  }
  return Consume(item);
}

Status Reader::Consume(const Item& item) {
  if (depth_ > 0) {
    Open& parent = At(depth_ - 1);
    if (parent.is_map && parent.remaining % 2 == 0) {  // A key position.
      if (item.kind != Kind::kText) {
        return Error(item.offset,
                     std::string("map key is a ") + KindName(item.kind) + ", not a text string");
      }
      if (parent.has_key) {
        const std::string_view last(reinterpret_cast<const char*>(parent.last_key.data()),
                                    parent.last_key.size());
        const std::string_view key = item.text();
        // KeyLess and the duplicate check with one comparison of the bytes, at most.
        const int order =
            last.size() != key.size() ? (last.size() < key.size() ? -1 : 1) : last.compare(key);
        if (order == 0) {
          return Error(item.offset, "duplicate map key \"" + std::string(item.text()) + "\"");
        }
        if (order > 0) {
          return Error(item.offset, "map keys not in canonical order (\"" +
                                        std::string(item.text()) + "\" after \"" +
                                        std::string(last) + "\")");
        }
      }
      parent.last_key = item.data;
      parent.has_key = true;
    }
    --parent.remaining;
  }
  if (item.kind == Kind::kArray || item.kind == Kind::kMap) {
    if (depth_ >= max_depth_) {
      return Error(item.offset, "nesting deeper than " + std::to_string(max_depth_));
    }
    const uint64_t count = item.kind == Kind::kMap ? item.value * 2 : item.value;
    At(depth_++) = Open{count, item.kind == Kind::kMap, {}};
  }
  while (depth_ > 0 && At(depth_ - 1).remaining == 0) --depth_;
  if (depth_ == 0) top_done_ = true;
  return Status::OK();
}

Status Reader::Skip() {
  const size_t start_depth = depth_;
  Item item;
  DDC_RETURN_IF_ERROR(Next(&item));
  while (depth_ > start_depth) DDC_RETURN_IF_ERROR(Next(&item));
  return Status::OK();
}

Status Reader::Finish() const {
  if (!top_done_) return Error(offset_, "unexpected end of input (item not complete)");
  if (offset_ != input_.size()) return Error(offset_, "trailing bytes after the top-level item");
  return Status::OK();
}

}  // namespace ddc::cbor
