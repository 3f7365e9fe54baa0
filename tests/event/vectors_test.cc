// Pins the event format: rebuilds the events of tests/event/event_testing.h VectorEvents() (fixed
// keys and fields) and compares every byte with tests/vectors/event_v1.json: the encoding, its
// CID, the signing bytes, the unsigned CID, the batch root and the signature. A change to the
// encoding, the signed messages or the batch tree fails here. The pinned bytes must also decode
// and verify as they are.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ddc/event.h"
#include "tests/event/event_testing.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::AsBytes;
using test::ToHex;

// The JSON subset event_v1.json uses: an object whose "vectors" member is an array of flat
// objects with string values. Throws nothing; sets `error` on anything else.
class VectorFile {
 public:
  explicit VectorFile(std::string text) : text_(std::move(text)) {}

  bool Parse(std::vector<std::map<std::string, std::string>>* out, std::string* error) {
    SkipSpace();
    if (!Eat('{')) return Fail("want '{'", error);
    while (true) {
      std::string key;
      if (!String(&key)) return Fail("want a key", error);
      if (!Eat(':')) return Fail("want ':'", error);
      if (key == "vectors") {
        if (!Eat('[')) return Fail("want '['", error);
        while (!Eat(']')) {
          std::map<std::string, std::string> v;
          if (!Eat('{')) return Fail("want '{' for a vector", error);
          while (!Eat('}')) {
            std::string k, value;
            if (!String(&k) || !Eat(':') || !String(&value)) return Fail("bad member", error);
            v[k] = value;
            Eat(',');
          }
          out->push_back(std::move(v));
          Eat(',');
        }
      } else {
        std::string ignored;
        if (!String(&ignored)) return Fail("want a string", error);
      }
      if (Eat('}')) return true;
      if (!Eat(',')) return Fail("want ',' or '}'", error);
    }
  }

 private:
  bool Fail(const std::string& what, std::string* error) {
    *error = what + " at offset " + std::to_string(pos_);
    return false;
  }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      SkipSpace();
      return true;
    }
    return false;
  }
  bool String(std::string* out) {
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != '"') return false;
    ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out->push_back(text_[pos_++]);
    }
    if (pos_ >= text_.size()) return false;
    ++pos_;
    SkipSpace();
    return true;
  }

  std::string text_;
  size_t pos_ = 0;
};

TEST(EventVectorsTest, MatchPinnedBytes) {
  const std::string path = std::string(DDC_SOURCE_DIR) + "/tests/vectors/event_v1.json";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot open " << path;
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::map<std::string, std::string>> pinned;
  std::string error;
  ASSERT_TRUE(VectorFile(text.str()).Parse(&pinned, &error)) << path << ": " << error;

  const std::vector<test::VectorEvent> built = test::VectorEvents();
  ASSERT_EQ(pinned.size(), built.size());
  for (size_t i = 0; i < built.size(); ++i) {
    const test::VectorEvent& v = built[i];
    std::map<std::string, std::string>& p = pinned[i];
    SCOPED_TRACE(v.name);
    EXPECT_EQ(p["name"], v.name);
    EXPECT_EQ(p["seed_hex"], ToHex(v.seed));
    EXPECT_EQ(p["public_key_hex"], ToHex(v.event.user));
    const std::string bytes = *EncodeEvent(v.event);
    EXPECT_EQ(p["event_hex"], ToHex(bytes));
    EXPECT_EQ(p["cid"], EventCid(AsBytes(bytes)).ToString());
    EXPECT_EQ(p["signing_bytes_hex"], ToHex(*EventSigningBytes(v.event)));
    EXPECT_EQ(p["unsigned_cid"], UnsignedEventCid(v.event)->ToString());
    EXPECT_EQ(p["signature_hex"], ToHex(v.event.signature));
    EXPECT_EQ(p["batch_root_hex"], v.event.batch ? ToHex(v.event.batch->root) : "");

    // The pinned bytes on their own decode, verify and re-encode.
    const std::string pinned_bytes = test::FromHex(p["event_hex"]);
    Result<Event> decoded = DecodeAndVerifyEvent(AsBytes(pinned_bytes));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*EncodeEvent(*decoded), pinned_bytes);
  }
  // The first vector is the single-signed one with both kinds of scope and a prev link.
  EXPECT_FALSE(built[0].event.batch.has_value());
  EXPECT_TRUE(built[0].event.prev.has_value());
  EXPECT_EQ(built[1].event.batch->size, 3u);
}

}  // namespace
}  // namespace ddc
