// Access tokens (chains of signed links) and signed requests: include/ddc/auth.h.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ddc/auth.h"
#include "engine/event/cbor.h"
#include "engine/timeline/base64.h"
#include "tests/event/event_testing.h"

namespace ddc {
namespace {

using test::AsBytes;
using test::TestKey;

constexpr uint64_t kBucket = 42;
constexpr uint64_t kExpiry = 1'900'000'000'000;

std::string Issue(const KeyPair& owner, const PublicKey& to, uint32_t ops, bool del,
                  uint64_t expires = kExpiry) {
  Result<std::string> token = IssueAuthToken(owner, kBucket, to, ops, expires, del);
  EXPECT_TRUE(token.ok()) << token.status().ToString();
  return token.ok() ? *token : std::string();
}

Result<VerifiedAuthToken> Verify(const std::string& token) {
  Result<std::vector<AuthLink>> links = ParseAuthToken(token);
  if (!links.ok()) return links.status();
  return VerifyAuthToken(*links);
}

TEST(AuthOpsTest, NamesRoundTripAndUnknownNamesFail) {
  EXPECT_EQ(AuthOpsString(kAuthRead | kAuthOpen), "read,open");
  EXPECT_EQ(AuthOpsString(kAuthAllOps), "read,write,seal,open");
  EXPECT_EQ(*ParseAuthOps("write,read"), kAuthRead | kAuthWrite);
  EXPECT_EQ(*ParseAuthOps("read,write,seal,open"), kAuthAllOps);
  for (const char* bad : {"", "read,", "admin", "read,,write", "READ"}) {
    EXPECT_FALSE(ParseAuthOps(bad).ok()) << bad;
  }
}

TEST(AuthLinkTest, EncodeDecodeRoundTripAndSignature) {
  const KeyPair owner = TestKey(1);
  AuthLink link;
  link.bucket = kBucket;
  link.subject = TestKey(2).public_key;
  link.ops = kAuthRead | kAuthWrite;
  link.expires_ms = kExpiry;
  link.may_delegate = true;
  ASSERT_TRUE(SignAuthLink(&link, owner).ok());
  EXPECT_EQ(link.issuer, owner.public_key);
  Result<std::string> bytes = EncodeAuthLink(link);
  ASSERT_TRUE(bytes.ok());
  Result<AuthLink> back = DecodeAuthLink(AsBytes(*bytes));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, link);
  EXPECT_TRUE(VerifyAuthLinkSignature(*back).ok());

  // Every field is covered by the signature.
  AuthLink changed = link;
  changed.ops = kAuthAllOps;
  EXPECT_FALSE(VerifyAuthLinkSignature(changed).ok());
  changed = link;
  changed.expires_ms += 1;
  EXPECT_FALSE(VerifyAuthLinkSignature(changed).ok());
  changed = link;
  changed.may_delegate = false;
  EXPECT_FALSE(VerifyAuthLinkSignature(changed).ok());
  changed = link;
  changed.bucket += 1;
  EXPECT_FALSE(VerifyAuthLinkSignature(changed).ok());
  changed = link;
  changed.subject = TestKey(3).public_key;
  EXPECT_FALSE(VerifyAuthLinkSignature(changed).ok());
}

TEST(AuthLinkTest, InvalidFieldsAreRejected) {
  AuthLink link;
  link.bucket = 1;
  link.expires_ms = kExpiry;
  link.ops = 0;
  EXPECT_FALSE(SignAuthLink(&link, TestKey(1)).ok());
  link.ops = 16;
  Status s = SignAuthLink(&link, TestKey(1));
  EXPECT_NE(s.message().find("unknown bits"), std::string::npos) << s.ToString();
  link.ops = kAuthRead;
  link.expires_ms = 0;
  EXPECT_FALSE(SignAuthLink(&link, TestKey(1)).ok());
}

TEST(AuthLinkTest, DecoderIsStrict) {
  const KeyPair owner = TestKey(1);
  AuthLink link;
  link.bucket = 5;
  link.subject = owner.public_key;
  link.ops = kAuthRead;
  link.expires_ms = kExpiry;
  ASSERT_TRUE(SignAuthLink(&link, owner).ok());
  const std::string good = *EncodeAuthLink(link);

  // Truncated and extended bytes.
  EXPECT_FALSE(DecodeAuthLink(AsBytes(good.substr(0, good.size() - 1))).ok());
  EXPECT_FALSE(DecodeAuthLink(AsBytes(good + '\0')).ok());

  // An unknown key, a missing key, a wrong version and del outside 0..1, each built by hand.
  auto build = [&](int variant) {
    cbor::Writer w;
    const bool extra = variant == 0;
    const bool drop_bucket = variant == 1;
    w.MapHeader(8 + (extra ? 1 : 0) - (drop_bucket ? 1 : 0));
    w.Text("v");
    w.Uint(variant == 2 ? 2 : 1);
    w.Text("by");
    w.Bytes(link.issuer);
    w.Text("ex");
    w.Uint(link.expires_ms);
    w.Text("op");
    w.Uint(link.ops);
    w.Text("to");
    w.Bytes(link.subject);
    w.Text("del");
    w.Uint(variant == 3 ? 2 : 0);
    w.Text("sig");
    w.Bytes(link.signature);
    if (extra) {
      w.Text("zzz");
      w.Uint(1);
    }
    if (!drop_bucket) {
      w.Text("bucket");
      w.Uint(link.bucket);
    }
    return w.Take();
  };
  const char* expect[] = {"zzz", "missing key \"bucket\"", "version 2", "del is 2"};
  for (int variant = 0; variant < 4; ++variant) {
    Result<AuthLink> r = DecodeAuthLink(AsBytes(build(variant)));
    ASSERT_FALSE(r.ok()) << variant;
    EXPECT_NE(r.status().message().find(expect[variant]), std::string::npos)
        << variant << ": " << r.status().ToString();
  }
}

TEST(AuthTokenTest, RootTokenVerifies) {
  const KeyPair owner = TestKey(1);
  const std::string token = Issue(owner, owner.public_key, kAuthRead | kAuthWrite, false);
  Result<VerifiedAuthToken> v = Verify(token);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->bucket, kBucket);
  EXPECT_EQ(v->root_issuer, owner.public_key);
  EXPECT_EQ(v->subject, owner.public_key);
  EXPECT_EQ(v->ops, kAuthRead | kAuthWrite);
  EXPECT_EQ(v->expires_ms, kExpiry);
}

TEST(AuthTokenTest, DelegationNarrows) {
  const KeyPair owner = TestKey(1);
  const KeyPair partner = TestKey(2);
  const KeyPair analyst = TestKey(3);
  const std::string root = Issue(owner, partner.public_key, kAuthRead | kAuthWrite, true);
  Result<std::string> chain =
      DelegateAuthToken(root, partner, analyst.public_key, kAuthRead, kExpiry - 1000, false);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  Result<VerifiedAuthToken> v = Verify(*chain);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->root_issuer, owner.public_key);
  EXPECT_EQ(v->subject, analyst.public_key);
  EXPECT_EQ(v->ops, kAuthRead);
  EXPECT_EQ(v->expires_ms, kExpiry - 1000);
  EXPECT_EQ(ParseAuthToken(*chain)->size(), 2u);
}

TEST(AuthTokenTest, DelegationThatWidensOrBreaksTheChainFails) {
  const KeyPair owner = TestKey(1);
  const KeyPair partner = TestKey(2);
  const KeyPair analyst = TestKey(3);
  const std::string root = Issue(owner, partner.public_key, kAuthRead, true);
  const std::string no_delegate = Issue(owner, partner.public_key, kAuthRead, false);
  // Wider operations, a later expiry, a non-delegable link, a holder that is not the subject.
  EXPECT_FALSE(
      DelegateAuthToken(root, partner, analyst.public_key, kAuthRead | kAuthWrite, kExpiry, false)
          .ok());
  EXPECT_FALSE(
      DelegateAuthToken(root, partner, analyst.public_key, kAuthRead, kExpiry + 1, false).ok());
  EXPECT_FALSE(
      DelegateAuthToken(no_delegate, partner, analyst.public_key, kAuthRead, kExpiry, false).ok());
  EXPECT_FALSE(
      DelegateAuthToken(root, analyst, analyst.public_key, kAuthRead, kExpiry, false).ok());

  // The same chains built by hand (as an attacker would) fail verification, each with its reason.
  auto link = [](const KeyPair& by, const PublicKey& to, uint64_t bucket, uint32_t ops, uint64_t ex,
                 bool del) {
    AuthLink l;
    l.bucket = bucket;
    l.subject = to;
    l.ops = ops;
    l.expires_ms = ex;
    l.may_delegate = del;
    EXPECT_TRUE(SignAuthLink(&l, by).ok());
    return l;
  };
  const AuthLink first = link(owner, partner.public_key, kBucket, kAuthRead, kExpiry, true);
  struct Case {
    AuthLink second;
    const char* reason;
  };
  const Case cases[] = {
      {link(partner, analyst.public_key, kBucket, kAuthRead | kAuthWrite, kExpiry, false),
       "widens the operations"},
      {link(partner, analyst.public_key, kBucket, kAuthRead, kExpiry + 1, false), "after the"},
      {link(partner, analyst.public_key, kBucket + 1, kAuthRead, kExpiry, false), "bucket"},
      {link(analyst, analyst.public_key, kBucket, kAuthRead, kExpiry, false), "issued by"},
  };
  for (const Case& c : cases) {
    const std::vector<AuthLink> links = {first, c.second};
    Result<VerifiedAuthToken> v = VerifyAuthToken(links);
    ASSERT_FALSE(v.ok()) << c.reason;
    EXPECT_NE(v.status().message().find(c.reason), std::string::npos) << v.status().ToString();
    EXPECT_NE(v.status().message().find("link 2"), std::string::npos) << v.status().ToString();
  }
  AuthLink no_del = first;
  no_del.may_delegate = false;
  ASSERT_TRUE(SignAuthLink(&no_del, owner).ok());
  const std::vector<AuthLink> links = {
      no_del, link(partner, analyst.public_key, kBucket, kAuthRead, kExpiry, false)};
  Result<VerifiedAuthToken> v = VerifyAuthToken(links);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("does not allow delegation"), std::string::npos);

  // A forged signature.
  AuthLink forged = first;
  forged.ops = kAuthAllOps;
  const std::vector<AuthLink> one = {forged};
  EXPECT_FALSE(VerifyAuthToken(one).ok());
}

TEST(AuthTokenTest, TextFormIsStrict) {
  const KeyPair owner = TestKey(1);
  const std::string token = Issue(owner, owner.public_key, kAuthRead, true);
  EXPECT_TRUE(ParseAuthToken(token).ok());
  EXPECT_FALSE(ParseAuthToken("").ok());
  EXPECT_FALSE(ParseAuthToken(token + ".").ok());
  EXPECT_FALSE(ParseAuthToken("." + token).ok());
  EXPECT_FALSE(ParseAuthToken(token.substr(0, token.size() - 4)).ok());
  EXPECT_FALSE(ParseAuthToken(std::string(kMaxAuthTokenChars + 1, 'A')).ok());
  // Nine links are one too many, even when each is fine.
  std::string nine = token;
  for (int i = 0; i < 8; ++i) nine += "." + token;
  Result<std::vector<AuthLink>> r = ParseAuthToken(nine);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("more than 8"), std::string::npos) << r.status().ToString();
}

TEST(SignedRequestTest, SignatureCoversMethodTargetTimeAndBody) {
  const KeyPair key = TestKey(9);
  const std::string body = "{\"a\":1}";
  const Signature sig = SignRequest(key, "POST", "/v1/buckets/1/events?x=1", 1000, AsBytes(body));
  EXPECT_TRUE(VerifyRequestSignature(key.public_key, "POST", "/v1/buckets/1/events?x=1", 1000,
                                     AsBytes(body), sig));
  EXPECT_FALSE(VerifyRequestSignature(key.public_key, "PUT", "/v1/buckets/1/events?x=1", 1000,
                                      AsBytes(body), sig));
  EXPECT_FALSE(VerifyRequestSignature(key.public_key, "POST", "/v1/buckets/2/events?x=1", 1000,
                                      AsBytes(body), sig));
  EXPECT_FALSE(VerifyRequestSignature(key.public_key, "POST", "/v1/buckets/1/events?x=1", 1001,
                                      AsBytes(body), sig));
  EXPECT_FALSE(VerifyRequestSignature(key.public_key, "POST", "/v1/buckets/1/events?x=1", 1000,
                                      AsBytes("{\"a\":2}"), sig));
  EXPECT_FALSE(VerifyRequestSignature(TestKey(8).public_key, "POST", "/v1/buckets/1/events?x=1",
                                      1000, AsBytes(body), sig));
  const std::string signing = RequestSigningBytes("GET", "/x", 7, AsBytes(""));
  EXPECT_EQ(signing.substr(0, 24), "ddc-request-v1\nGET\n/x\n7\n");
  // BLAKE2b-256 of the empty string.
  EXPECT_EQ(signing.substr(24), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

}  // namespace
}  // namespace ddc
