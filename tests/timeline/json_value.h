// A small JSON reader for the known-answer files of the timeline tests (tests/vectors/), whose
// vectors are nested arrays and objects, beyond what tests/log/vector_file.h's flat reader
// collects. It handles the JSON those files use: objects, arrays, strings with the standard
// escapes (\uXXXX for the Basic Multilingual Plane), non-negative integers, true/false/null.
// A parse error yields a null value; tests check for it with ASSERT.
#ifndef DDC_TESTS_TIMELINE_JSON_VALUE_H_
#define DDC_TESTS_TIMELINE_JSON_VALUE_H_

#include <cctype>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#ifndef DDC_SOURCE_DIR
#error "DDC_SOURCE_DIR must name the source root (tests/CMakeLists.txt defines it)"
#endif

namespace ddc::test {

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  uint64_t number = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::map<std::string, JsonValue> object;

  bool is_null() const { return kind == Kind::kNull; }
  // The member `key` of an object, or a null value.
  const JsonValue& operator[](const std::string& key) const {
    static const JsonValue kNullValue;
    auto it = object.find(key);
    return it == object.end() ? kNullValue : it->second;
  }
};

namespace json_internal {

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  bool Parse(JsonValue* out) {
    if (!Value(out)) return false;
    Space();
    return pos_ == text_.size();
  }

 private:
  void Space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) {
      ++pos_;
    }
  }
  bool Eat(char c) {
    Space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) return false;
      c = text_[pos_++];
      switch (c) {
        case 'n':
          out->push_back('\n');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'u': {
          if (pos_ + 4 > text_.size()) return false;
          const std::string hex(text_.substr(pos_, 4));
          pos_ += 4;
          AppendUtf8(static_cast<uint32_t>(std::stoul(hex, nullptr, 16)), out);
          break;
        }
        default:
          out->push_back(c);  // \" \\ \/
      }
    }
    return Eat('"');
  }
  bool Value(JsonValue* out) {
    Space();
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      out->kind = JsonValue::Kind::kObject;
      if (Eat('}')) return true;
      do {
        std::string key;
        if (!String(&key) || !Eat(':')) return false;
        if (!Value(&out->object[key])) return false;
      } while (Eat(','));
      return Eat('}');
    }
    if (c == '[') {
      ++pos_;
      out->kind = JsonValue::Kind::kArray;
      if (Eat(']')) return true;
      do {
        out->array.emplace_back();
        if (!Value(&out->array.back())) return false;
      } while (Eat(','));
      return Eat(']');
    }
    if (c == '"') {
      out->kind = JsonValue::Kind::kString;
      return String(&out->string);
    }
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      out->kind = JsonValue::Kind::kNumber;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0) {
        out->number = out->number * 10 + static_cast<uint64_t>(text_[pos_++] - '0');
      }
      return true;
    }
    if (Literal("true")) {
      out->kind = JsonValue::Kind::kBool;
      out->boolean = true;
      return true;
    }
    if (Literal("false")) {
      out->kind = JsonValue::Kind::kBool;
      return true;
    }
    return Literal("null");
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace json_internal

// Parses `text`; a null value when it is not JSON this reader understands.
inline JsonValue ParseJson(std::string_view text) {
  JsonValue value;
  json_internal::Parser parser(text);
  if (!parser.Parse(&value)) return JsonValue();
  return value;
}

// DDC_SOURCE_DIR/tests/vectors/<name> parsed, or a null value when unreadable or malformed.
inline JsonValue ReadJsonVector(const std::string& name) {
  std::ifstream in(std::string(DDC_SOURCE_DIR) + "/tests/vectors/" + name, std::ios::binary);
  if (!in) return JsonValue();
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseJson(ss.str());
}

}  // namespace ddc::test

#endif  // DDC_TESTS_TIMELINE_JSON_VALUE_H_
