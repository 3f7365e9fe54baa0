// Pins the event proof bundle format (docs/FORMAT.md "Event proof, version 1") and the journal
// leaf: builds a bundle for the second of three chained events from fixed keys and fields, with
// every tree computed by the reference functions of engine/timeline/merkle.h (not by a store),
// and compares its encoding byte for byte with tests/vectors/event_proof_v1.json. The pinned
// bundle must decode to the same value, verify with the pinned node key, and fail to verify
// after any single-byte change.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ddc/event.h"
#include "ddc/verify.h"
#include "engine/timeline/checkpoint.h"
#include "engine/timeline/merkle.h"
#include "tests/event/event_testing.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::AsBytes;
using test::FromHex;
using test::ToHex;

// The value of "key": "value" in the vector file (flat strings only).
std::string Field(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\": \"";
  const size_t at = json.find(needle);
  if (at == std::string::npos) return {};
  const size_t begin = at + needle.size();
  return json.substr(begin, json.find('"', begin) - begin);
}

struct Built {
  EventProof proof;
  std::string verifier_key;
  Cid cid;
};

Built BuildVector() {
  const KeyPair user = test::TestKey(0x11);
  std::vector<std::string> bytes;
  std::vector<Cid> cids;
  for (int i = 0; i < 3; ++i) {
    Event e = test::SampleEvent(user.public_key);
    e.id = "p" + std::to_string(i);
    e.timestamp_ms = 1763800000000 + static_cast<uint64_t>(i);
    e.prev.reset();
    if (i > 0) e.prev = cids.back();
    EXPECT_TRUE(SignEvent(&e, user).ok());
    bytes.push_back(*EncodeEvent(e));
    cids.push_back(EventCid(AsBytes(bytes.back())));
  }
  std::vector<timeline::Hash> leaves;
  std::vector<timeline::Hash> journal;
  for (int i = 0; i < 3; ++i) {
    const auto cid = cids[static_cast<size_t>(i)].ToBytes();
    leaves.push_back(timeline::LeafHash(cid));
    const timeline::Hash root_after = timeline::RootOfLeaves(leaves);
    const std::string leaf = JournalLeafData(7, user.public_key, static_cast<uint64_t>(i),
                                             cids[static_cast<size_t>(i)], root_after);
    journal.push_back(timeline::LeafHash(AsBytes(leaf)));
  }
  std::array<uint8_t, 32> node_seed;
  node_seed.fill(0x22);
  auto signer = timeline::NoteSigner::FromSeed("example.test/log", node_seed);
  EXPECT_TRUE(signer.ok());
  timeline::Checkpoint c;
  c.origin = "example.test/log";
  c.size = 3;
  c.root = timeline::RootOfLeaves(journal);
  c.time_ms = 1763800001000;
  Built out;
  out.proof.event = bytes[1];
  out.proof.position = 1;
  out.proof.timeline_path = timeline::InclusionPathOfLeaves(std::span(leaves).first(2), 1);
  out.proof.journal_index = 1;
  out.proof.journal_path = timeline::InclusionPathOfLeaves(journal, 1);
  out.proof.checkpoint = signer->SignCheckpoint(c);
  out.verifier_key = timeline::FormatVerifierKey(signer->verifier_key());
  out.cid = cids[1];
  return out;
}

TEST(EventProofVectorTest, EncodingIsPinned) {
  std::ifstream in(std::string(DDC_SOURCE_DIR) + "/tests/vectors/event_proof_v1.json");
  ASSERT_TRUE(in) << "tests/vectors/event_proof_v1.json is missing";
  std::stringstream text;
  text << in.rdbuf();
  const std::string json = text.str();
  const Built built = BuildVector();
  auto encoded = EncodeEventProof(built.proof);
  ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
  EXPECT_EQ(ToHex(*encoded), Field(json, "bundle_hex"));
  EXPECT_EQ(built.verifier_key, Field(json, "node_verifier_key"));
  EXPECT_EQ(built.cid.ToString(), Field(json, "event_cid"));
  // The journal leaf layout: version, bucket, user, position, CID, timeline root (zero here).
  EXPECT_EQ(ToHex(AsBytes(JournalLeafData(7, test::TestKey(0x11).public_key, 1, built.cid,
                                          timeline::Hash{}))),
            Field(json, "journal_leaf_zero_root_hex"));

  // The pinned bytes decode to the same value and verify with the pinned key alone.
  const std::string pinned = FromHex(Field(json, "bundle_hex"));
  auto decoded = DecodeEventProof(AsBytes(pinned));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, built.proof);
  auto verified = VerifyEventProof(*decoded, Field(json, "node_verifier_key"));
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->cid.ToString(), Field(json, "event_cid"));
  EXPECT_EQ(verified->position, 1u);
  EXPECT_EQ(verified->checkpoint_size, 3u);
  EXPECT_EQ(verified->checkpoint_time_ms, 1763800001000u);
}

TEST(EventProofVectorTest, EveryByteMatters) {
  const Built built = BuildVector();
  const std::string encoded = *EncodeEventProof(built.proof);
  size_t accepted = 0;
  for (size_t i = 0; i < encoded.size(); ++i) {
    std::string bad = encoded;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto decoded = DecodeEventProof(AsBytes(bad));
    if (!decoded.ok()) continue;
    if (VerifyEventProof(*decoded, built.verifier_key).ok()) {
      ADD_FAILURE() << "a bundle with byte " << i << " changed still verifies";
      ++accepted;
    }
  }
  EXPECT_EQ(accepted, 0u);
}

}  // namespace
}  // namespace ddc
