// CAR v1 export (engine/event/car.h and `ddc export car`), read back by a small reader written
// here from the CAR v1 and DAG-CBOR specifications, sharing no code with the writer: its own
// LEB128 varints, its own CBOR decoder, its own CID parser, and libsodium's BLAKE2b for the
// hashes. It proves that
//   - varints are minimal LEB128 and the header is {"roots": [root], "version": 1},
//   - every block is varint(len(cid) + len(data)) || cid || data and its CID is the
//     BLAKE2b-256 of its data under the CID's codec,
//   - the root block is the timeline object, canonical (the strict engine reader accepts it),
//     with its keys in the specified order, listing every event in position order,
//   - the streaming Writer and the string functions produce the same bytes, and the Writer
//     reports sink failures and misuse;
//   - `ddc export car` writes exactly the store's timeline (event bytes, order, RFC 9162 root),
//     and asks for --bucket when the user has several timelines.
#include "engine/event/car.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "ddc/store.h"
#include "engine/event/cbor.h"
#include "tests/store/event_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::MakeEvent;
using test::SignAndEncode;
using test::UserKey;

// ---- The independent reader ----

struct Cursor {
  std::string_view in;
  size_t at = 0;
  bool failed = false;

  size_t left() const { return in.size() - at; }
  uint8_t Byte() {
    if (at >= in.size()) {
      failed = true;
      return 0;
    }
    return static_cast<uint8_t>(in[at++]);
  }
  std::string_view Take(uint64_t n) {
    if (n > left()) {
      failed = true;
      return {};
    }
    std::string_view s = in.substr(at, n);
    at += n;
    return s;
  }
  // LEB128; a non-minimal encoding (a final zero group after the first) counts as a failure.
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const uint8_t b = Byte();
      if (failed) return 0;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (b == 0 && shift > 0) failed = true;
        return v;
      }
    }
    failed = true;
    return 0;
  }
};

// A decoded CBOR item of the kinds a CAR header and a timeline object hold.
struct Node {
  enum Kind { kUint, kBytes, kText, kArray, kMap, kLink } kind = kUint;
  uint64_t value = 0;
  std::string bytes;              // kBytes, kText; kLink: the binary CID.
  std::vector<Node> items;        // kArray.
  std::vector<std::string> keys;  // kMap, in encoded order...
  std::vector<Node> values;       // ... and the value of each key.
};

uint64_t CborArgument(Cursor* c, uint8_t info) {
  if (info < 24) return info;
  int n = 0;
  if (info == 24) n = 1;
  if (info == 25) n = 2;
  if (info == 26) n = 4;
  if (info == 27) n = 8;
  if (n == 0) {
    c->failed = true;
    return 0;
  }
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = v << 8 | c->Byte();
  return v;
}

Node DecodeCbor(Cursor* c, int depth = 0) {
  Node node;
  if (depth > 8) {
    c->failed = true;
    return node;
  }
  const uint8_t head = c->Byte();
  const uint8_t major = head >> 5;
  const uint64_t arg = CborArgument(c, head & 0x1f);
  if (c->failed) return node;
  switch (major) {
    case 0:
      node.kind = Node::kUint;
      node.value = arg;
      break;
    case 2:
    case 3:
      node.kind = major == 2 ? Node::kBytes : Node::kText;
      node.bytes = std::string(c->Take(arg));
      break;
    case 4:
      node.kind = Node::kArray;
      for (uint64_t i = 0; i < arg && !c->failed; ++i)
        node.items.push_back(DecodeCbor(c, depth + 1));
      break;
    case 5:
      node.kind = Node::kMap;
      for (uint64_t i = 0; i < arg && !c->failed; ++i) {
        Node key = DecodeCbor(c, depth + 1);
        if (key.kind != Node::kText) c->failed = true;
        Node value = DecodeCbor(c, depth + 1);
        node.keys.push_back(key.bytes);
        node.values.push_back(std::move(value));
      }
      break;
    case 6: {
      // Only tag 42: a byte string 0x00 || binary CID.
      Node inner = DecodeCbor(c, depth + 1);
      if (arg != 42 || inner.kind != Node::kBytes || inner.bytes.empty() || inner.bytes[0] != 0) {
        c->failed = true;
      }
      node.kind = Node::kLink;
      if (!inner.bytes.empty()) node.bytes = inner.bytes.substr(1);
      break;
    }
    default:
      c->failed = true;
  }
  return node;
}

const Node* Get(const Node& map, const std::string& key) {
  for (size_t i = 0; i < map.keys.size(); ++i) {
    if (map.keys[i] == key) return &map.values[i];
  }
  return nullptr;
}

// A binary CIDv1 with a BLAKE2b-256 multihash, parsed from the front of a cursor.
struct ParsedCid {
  uint64_t codec = 0;
  std::string digest;
  std::string binary;
};

ParsedCid ReadCid(Cursor* c) {
  ParsedCid cid;
  const size_t start = c->at;
  if (c->Varint() != 1) c->failed = true;  // CID version 1.
  cid.codec = c->Varint();
  if (c->Varint() != 0xb220) c->failed = true;  // blake2b-256.
  const uint64_t length = c->Varint();
  if (length != 32) c->failed = true;
  cid.digest = std::string(c->Take(length));
  if (!c->failed) cid.binary = std::string(c->in.substr(start, c->at - start));
  return cid;
}

std::string Blake2b256(std::string_view data) {
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
  return out;
}

struct Block {
  ParsedCid cid;
  std::string data;
};

struct Car {
  std::vector<std::string> header_keys;
  uint64_t version = 0;
  std::vector<std::string> roots;  // Binary CIDs.
  std::vector<Block> blocks;
};

// Parses a whole CAR v1 file; every failure is a test failure naming the byte.
Car ParseCar(const std::string& bytes) {
  Car car;
  Cursor c{bytes};
  const uint64_t header_length = c.Varint();
  Cursor h{c.Take(header_length)};
  EXPECT_FALSE(c.failed) << "header length";
  const Node header = DecodeCbor(&h);
  EXPECT_FALSE(h.failed) << "header CBOR";
  EXPECT_EQ(h.left(), 0u) << "bytes after the header map inside its length";
  EXPECT_EQ(header.kind, Node::kMap);
  car.header_keys = header.keys;
  if (const Node* v = Get(header, "version"); v != nullptr && v->kind == Node::kUint) {
    car.version = v->value;
  }
  if (const Node* r = Get(header, "roots"); r != nullptr && r->kind == Node::kArray) {
    for (const Node& link : r->items) {
      EXPECT_EQ(link.kind, Node::kLink);
      car.roots.push_back(link.bytes);
    }
  }
  while (!c.failed && c.left() > 0) {
    const size_t block_at = c.at;
    const uint64_t length = c.Varint();
    Cursor section{c.Take(length)};
    Block b;
    b.cid = ReadCid(&section);
    b.data = std::string(section.Take(section.left()));
    EXPECT_FALSE(c.failed || section.failed) << "block at byte " << block_at;
    EXPECT_EQ(b.cid.digest, Blake2b256(b.data)) << "block at byte " << block_at;
    car.blocks.push_back(std::move(b));
  }
  EXPECT_FALSE(c.failed);
  return car;
}

// The timeline object's fields, checked for kinds and key order.
struct ParsedTimeline {
  uint64_t v = 0, bucket = 0, size = 0;
  std::string user, root;
  std::vector<std::string> events;  // Binary CIDs.
};

ParsedTimeline ParseTimelineObject(const std::string& data) {
  Cursor c{data};
  const Node n = DecodeCbor(&c);
  EXPECT_FALSE(c.failed);
  EXPECT_EQ(c.left(), 0u);
  EXPECT_EQ(n.keys, (std::vector<std::string>{"v", "root", "size", "user", "bucket", "events"}));
  ParsedTimeline t;
  auto uint_of = [&](const char* key) {
    const Node* f = Get(n, key);
    EXPECT_TRUE(f != nullptr && f->kind == Node::kUint) << key;
    return f != nullptr ? f->value : 0;
  };
  auto bytes_of = [&](const char* key) {
    const Node* f = Get(n, key);
    EXPECT_TRUE(f != nullptr && f->kind == Node::kBytes) << key;
    return f != nullptr ? f->bytes : std::string();
  };
  t.v = uint_of("v");
  t.bucket = uint_of("bucket");
  t.size = uint_of("size");
  t.user = bytes_of("user");
  t.root = bytes_of("root");
  if (const Node* e = Get(n, "events"); e != nullptr) {
    EXPECT_EQ(e->kind, Node::kArray);
    for (const Node& link : e->items) {
      EXPECT_EQ(link.kind, Node::kLink);
      t.events.push_back(link.bytes);
    }
  }
  // The engine's strict reader accepts only canonical DAG-CBOR.
  cbor::Reader strict(std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  EXPECT_TRUE(strict.Skip().ok());
  EXPECT_TRUE(strict.Finish().ok());
  return t;
}

std::string Binary(const Cid& cid) {
  const auto b = cid.ToBytes();
  return std::string(b.begin(), b.end());
}

std::string Raw(std::span<const uint8_t> bytes) { return std::string(bytes.begin(), bytes.end()); }

// ---- The writer ----

TEST(CarWriterTest, VarintsAreMinimalLeb128) {
  const std::vector<std::pair<uint64_t, std::string>> cases = {
      {0, std::string(1, '\0')},
      {1, "\x01"},
      {127, "\x7f"},
      {128, "\x80\x01"},
      {300, "\xac\x02"},
      {16383, "\xff\x7f"},
      {16384, std::string("\x80\x80\x01", 3)},
      {~0ull, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"},
  };
  for (const auto& [value, want] : cases) {
    std::string got;
    car::AppendVarint(value, &got);
    EXPECT_EQ(got, want) << value;
    Cursor c{got};
    EXPECT_EQ(c.Varint(), value);
    EXPECT_FALSE(c.failed);
  }
}

TEST(CarWriterTest, HeaderBlocksAndTimelineObjectParseBack) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{23}, size_t{24}, size_t{300}}) {
    SCOPED_TRACE(n);
    std::vector<std::string> datas;
    std::vector<Cid> cids;
    for (size_t i = 0; i < n; ++i) {
      datas.push_back(test::RandomString(rng, rng() % 3 == 0 ? 0 : rng() % 300));
      cids.push_back(Cid::Of(i % 2 == 0 ? Codec::kDagCbor : Codec::kRaw, datas.back()));
    }
    car::TimelineObject object;
    object.bucket = rng();
    for (auto& b : object.user) b = static_cast<uint8_t>(rng());
    for (auto& b : object.root) b = static_cast<uint8_t>(rng());
    object.events = cids;
    const std::string encoded = car::EncodeTimelineObject(object);
    const Cid root = car::TimelineObjectCid(encoded);
    EXPECT_EQ(root.codec(), Codec::kDagCbor);

    std::string streamed;
    car::Writer writer([&](std::string_view bytes) {
      streamed.append(bytes);
      return Status::OK();
    });
    ASSERT_OK(writer.WriteHeader(std::span(&root, 1)));
    ASSERT_OK(writer.WriteBlock(root, encoded));
    for (size_t i = 0; i < n; ++i) ASSERT_OK(writer.WriteBlock(cids[i], datas[i]));
    EXPECT_EQ(writer.blocks_written(), n + 1);
    EXPECT_EQ(writer.bytes_written(), streamed.size());

    std::string built;
    ASSERT_OK(car::AppendHeader(std::span(&root, 1), &built));
    car::AppendBlock(root, encoded, &built);
    for (size_t i = 0; i < n; ++i) car::AppendBlock(cids[i], datas[i], &built);
    EXPECT_EQ(streamed, built);

    const Car car = ParseCar(streamed);
    EXPECT_EQ(car.header_keys, (std::vector<std::string>{"roots", "version"}));
    EXPECT_EQ(car.version, 1u);
    ASSERT_EQ(car.roots, std::vector<std::string>{Binary(root)});
    ASSERT_EQ(car.blocks.size(), n + 1);
    EXPECT_EQ(car.blocks[0].cid.binary, Binary(root));
    EXPECT_EQ(car.blocks[0].cid.codec, 0x71u);
    EXPECT_EQ(car.blocks[0].data, encoded);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(car.blocks[i + 1].cid.binary, Binary(cids[i]));
      EXPECT_EQ(car.blocks[i + 1].cid.codec, static_cast<uint64_t>(cids[i].codec()));
      EXPECT_EQ(car.blocks[i + 1].data, datas[i]);
    }

    const ParsedTimeline t = ParseTimelineObject(car.blocks[0].data);
    EXPECT_EQ(t.v, 1u);
    EXPECT_EQ(t.bucket, object.bucket);
    EXPECT_EQ(t.size, n);
    EXPECT_EQ(t.user, Raw(object.user));
    EXPECT_EQ(t.root, Raw(object.root));
    ASSERT_EQ(t.events.size(), n);
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(t.events[i], Binary(cids[i])) << i;
  }
}

TEST(CarWriterTest, WriterReportsMisuseAndSinkErrors) {
  const Cid cid = Cid::Of(Codec::kRaw, std::string_view("x"));
  std::string out;
  car::Writer early([&](std::string_view b) {
    out.append(b);
    return Status::OK();
  });
  EXPECT_TRUE(early.WriteBlock(cid, "x").IsInvalidArgument());
  EXPECT_TRUE(early.WriteHeader({}).IsInvalidArgument());  // No roots.
  EXPECT_TRUE(out.empty());
  ASSERT_OK(early.WriteHeader(std::span(&cid, 1)));
  EXPECT_TRUE(early.WriteHeader(std::span(&cid, 1)).IsInvalidArgument());

  int calls = 0;
  car::Writer failing(
      [&](std::string_view) { return ++calls >= 2 ? Status::NoSpace("disk full") : Status::OK(); });
  ASSERT_OK(failing.WriteHeader(std::span(&cid, 1)));
  const Status first = failing.WriteBlock(cid, "x");
  EXPECT_TRUE(first.IsNoSpace()) << first.ToString();
  EXPECT_EQ(failing.WriteBlock(cid, "x"), first);  // Sticky, and the sink is not called again.
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(failing.blocks_written(), 0u);
}

// ---- `ddc export car` ----

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string Hex(std::span<const uint8_t> bytes) {
  std::string out;
  char buf[3];
  for (uint8_t b : bytes) {
    std::snprintf(buf, sizeof(buf), "%02x", b);
    out += buf;
  }
  return out;
}

class CarExportTest : public ::testing::Test {
 protected:
  CliRun Ddc(const std::string& args) {
    const std::string out = tmp_.Sub("out"), err = tmp_.Sub("err");
    const std::string cmd = std::string(DDC_CLI) + " " + args + " </dev/null >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }

  std::unique_ptr<Store> Open() {
    Options o;
    o.dir = tmp_.Sub("store");
    auto s = Store::Open(o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  // Appends `count` linked events of `user` to `bucket`; returns their bytes in order.
  std::vector<std::string> AppendChain(Store* store, uint64_t bucket, const KeyPair& user,
                                       int count) {
    std::vector<std::string> out;
    std::optional<Cid> prev;
    for (int i = 0; i < count; ++i) {
      Event e = MakeEvent(rng_, bucket, user, "e" + std::to_string(i), 1000 + i, 20 + i);
      e.prev = prev;
      out.push_back(SignAndEncode(e, user));
      auto r = store->Append(out.back());
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (r.ok()) prev = r->cid;
    }
    return out;
  }

  test::TempDir tmp_;
  std::mt19937_64 rng_{5};
};

TEST_F(CarExportTest, ExportsExactlyTheStoredTimeline) {
  const KeyPair alice = UserKey(1);
  const KeyPair bob = UserKey(2);
  std::vector<std::string> events;
  Hash32 root{};
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    events = AppendChain(store.get(), 4, alice, 40);
    AppendChain(store.get(), 4, bob, 3);  // Another user of the same bucket: not exported.
    auto info = store->Timeline(4, alice.public_key);
    ASSERT_TRUE(info.ok());
    root = info->root;
    ASSERT_OK(store->Close());
  }
  CliRun r = Ddc("export car --dir " + tmp_.Sub("store") + " --user " + Hex(alice.public_key) +
                 " -o " + tmp_.Sub("alice.car"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("40 events of bucket 4"), std::string::npos) << r.err;

  const Car car = ParseCar(Slurp(tmp_.Sub("alice.car")));
  ASSERT_EQ(car.roots.size(), 1u);
  ASSERT_EQ(car.blocks.size(), events.size() + 1);
  EXPECT_EQ(car.blocks[0].cid.binary, car.roots[0]);
  const ParsedTimeline t = ParseTimelineObject(car.blocks[0].data);
  EXPECT_EQ(t.bucket, 4u);
  EXPECT_EQ(t.user, Raw(alice.public_key));
  EXPECT_EQ(t.size, events.size());
  EXPECT_EQ(t.root, Raw(root));
  ASSERT_EQ(t.events.size(), events.size());
  std::vector<Cid> cids;
  for (size_t i = 0; i < events.size(); ++i) {
    const Cid cid =
        EventCid(std::span(reinterpret_cast<const uint8_t*>(events[i].data()), events[i].size()));
    cids.push_back(cid);
    EXPECT_EQ(t.events[i], Binary(cid)) << i;
    EXPECT_EQ(car.blocks[i + 1].cid.binary, Binary(cid)) << i;
    EXPECT_EQ(car.blocks[i + 1].data, events[i]) << i;
  }
  // The root recomputed from the listed CIDs alone (RFC 9162) is the one in the object.
  test::ExpectedTimeline expected;
  for (const Cid& cid : cids) expected.Add(cid);
  EXPECT_EQ(t.root, Raw(expected.Root(cids.size())));

  // The same export to standard output is byte-identical.
  CliRun piped = Ddc("export car --dir " + tmp_.Sub("store") + " --user " + Hex(alice.public_key) +
                     " --bucket 4");
  ASSERT_EQ(piped.code, 0) << piped.err;
  EXPECT_EQ(piped.out, Slurp(tmp_.Sub("alice.car")));
}

TEST_F(CarExportTest, AsksForABucketAndNamesMissingTimelines) {
  const KeyPair alice = UserKey(1);
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    AppendChain(store.get(), 4, alice, 2);
    AppendChain(store.get(), 11, alice, 1);
    ASSERT_OK(store->Close());
  }
  const std::string base =
      "export car --dir " + tmp_.Sub("store") + " --user " + Hex(alice.public_key);
  CliRun ambiguous = Ddc(base + " -o " + tmp_.Sub("x.car"));
  EXPECT_EQ(ambiguous.code, 1);
  EXPECT_NE(ambiguous.err.find("buckets 4, 11"), std::string::npos) << ambiguous.err;
  EXPECT_NE(ambiguous.err.find("--bucket"), std::string::npos) << ambiguous.err;
  EXPECT_FALSE(std::ifstream(tmp_.Sub("x.car")).good());  // No file left behind.
  EXPECT_FALSE(std::ifstream(tmp_.Sub("x.car.partial")).good());

  CliRun one = Ddc(base + " --bucket 11 -o " + tmp_.Sub("x.car"));
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_EQ(ParseCar(Slurp(tmp_.Sub("x.car"))).blocks.size(), 2u);

  CliRun absent = Ddc(base + " --bucket 5");
  EXPECT_EQ(absent.code, 1);
  EXPECT_NE(absent.err.find("bucket 5"), std::string::npos) << absent.err;
  CliRun stranger =
      Ddc("export car --dir " + tmp_.Sub("store") + " --user " + Hex(UserKey(9).public_key));
  EXPECT_EQ(stranger.code, 1);
  EXPECT_NE(stranger.err.find("no events"), std::string::npos) << stranger.err;
}

}  // namespace
}  // namespace ddc
