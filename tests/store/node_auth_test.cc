// ddc-node's access control end to end: a real node with access control on, bucket
// registration, token chains (valid, expired, widened, wrong bucket, wrong root, missing
// operation), signed requests (bad signature, outside the window, replayed) and rate limits.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ddc/auth.h"
#include "ddc/event.h"
#include "engine/base/hex.h"
#include "engine/timeline/base64.h"
#include "tests/store/event_test_util.h"
#include "tests/store/node_test_util.h"
#include "tests/test_util.h"

namespace ddc::test {
namespace {

constexpr uint64_t kPublicBucket = 7;
constexpr uint64_t kPrivateBucket = 8;

// The headers of a request signed by `key` at `time_ms`, carrying `token` if not empty.
std::vector<std::string> SignedHeaders(const KeyPair& key, const std::string& token,
                                       const std::string& method, const std::string& target,
                                       const std::string& body, uint64_t time_ms) {
  const Signature sig = SignRequest(key, method, target, time_ms, AsBytes(body));
  std::vector<std::string> h = {"X-DDC-Time: " + std::to_string(time_ms),
                                "X-DDC-Signature: " + timeline::Base64Encode(sig)};
  if (!token.empty()) h.push_back("Authorization: DDC " + token);
  return h;
}

class NodeAuthTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }

  // A node with access control on: bucket 7 declared public and bucket 8 declared private,
  // both owned by `owner_`; `extra_config` adds keys to the config object.
  void Start(const std::string& extra_config = "") {
    const std::string config = R"({"buckets":[{"bucket":7,"owner":")" + Hex(owner_.public_key) +
                               R"(","public":true},{"bucket":8,"owner":")" +
                               Hex(owner_.public_key) + R"(","public":false}])" + extra_config +
                               "}";
    node_.reset();
    node_ = std::make_unique<Node>(dir_.Sub("data"), config);
    ASSERT_NE(node_->port(), 0) << "no listening line; log:\n" << node_->log();
    port_ = node_->port();
  }

  std::string Token(const KeyPair& issuer, uint64_t bucket, const PublicKey& to, uint32_t ops,
                    bool del = false, uint64_t expires = 0) {
    Result<std::string> t =
        IssueAuthToken(issuer, bucket, to, ops, expires != 0 ? expires : NowMs() + 3'600'000, del);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : "";
  }

  // A request signed by `key` now, with `token`.
  HttpResponse Signed(const KeyPair& key, const std::string& token, const std::string& method,
                      const std::string& target, const std::string& body = "",
                      std::vector<std::string> headers = {}) {
    std::vector<std::string> h = SignedHeaders(key, token, method, target, body, NowMs());
    h.insert(h.end(), headers.begin(), headers.end());
    return Call(port_, method, target, body, h);
  }

  HttpResponse PostSigned(const KeyPair& key, const std::string& token, uint64_t bucket,
                          const std::string& event) {
    return Signed(key, token, "POST", "/v1/buckets/" + std::to_string(bucket) + "/events", event,
                  {"Content-Type: application/cbor"});
  }

  std::string Event(uint64_t bucket, const std::string& id) {
    return SignAndEncode(MakeEvent(rng_, bucket, user_, id, 1000 + ++clock_), user_);
  }

  static std::string Code(const HttpResponse& r) {
    const Json j = r.json();
    return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
  }
  static std::string Message(const HttpResponse& r) {
    const Json j = r.json();
    return j.is_object() && j.contains("error") ? j["error"].value("message", "") : "";
  }

  TempDir dir_;
  std::mt19937_64 rng_{TestSeed()};
  std::unique_ptr<Node> node_;
  uint16_t port_ = 0;
  uint64_t clock_ = 0;
  KeyPair owner_ = UserKey(11);
  KeyPair partner_ = UserKey(12);
  KeyPair analyst_ = UserKey(13);
  KeyPair stranger_ = UserKey(14);
  KeyPair user_ = UserKey(1);
};

TEST_F(NodeAuthTest, WritesNeedAToken) {
  const HttpResponse r = PostEvent(port_, kPublicBucket, Event(kPublicBucket, "e1"));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(Code(r), "unauthenticated");
  EXPECT_EQ(r.Header("www-authenticate"), "DDC");
  EXPECT_NE(Message(r).find("access token"), std::string::npos) << r.body;

  const std::string token = Token(owner_, kPublicBucket, owner_.public_key, kAuthWrite);
  const HttpResponse ok = PostSigned(owner_, token, kPublicBucket, Event(kPublicBucket, "e1"));
  EXPECT_EQ(ok.status, 201) << ok.body;
  // A blob is written for a bucket too.
  EXPECT_EQ(Call(port_, "PUT", "/v1/blobs", "abc").status, 400);
  EXPECT_EQ(Call(port_, "PUT", "/v1/blobs?bucket=7", "abc").status, 401);
  EXPECT_EQ(Signed(owner_, token, "PUT", "/v1/blobs?bucket=7", "abc").status, 201);
}

TEST_F(NodeAuthTest, PublicBucketsAreReadableAndPrivateOnesNeedReadAccess) {
  const std::string writer =
      Token(owner_, kPrivateBucket, owner_.public_key, kAuthWrite | kAuthRead);
  const HttpResponse put = PostSigned(owner_, writer, kPrivateBucket, Event(kPrivateBucket, "p1"));
  ASSERT_EQ(put.status, 201) << put.body;
  const std::string cid = put.json()["cid"];
  const std::string users = "/v1/buckets/8/users";
  const std::string timeline = "/v1/buckets/8/users/" + Hex(user_.public_key) + "/timeline";
  for (const std::string& target : {"/v1/events/" + cid, users, timeline}) {
    const HttpResponse denied = Call(port_, "GET", target);
    EXPECT_EQ(denied.status, 401) << target << " " << denied.body;
    EXPECT_NE(Message(denied).find("bucket 8 is private"), std::string::npos) << denied.body;
  }
  const std::string reader = Token(owner_, kPrivateBucket, analyst_.public_key, kAuthRead);
  for (const std::string& target : {"/v1/events/" + cid, users, timeline}) {
    const HttpResponse ok = Signed(analyst_, reader, "GET", target);
    EXPECT_EQ(ok.status, 200) << target << " " << ok.body;
  }
  // The public bucket needs nothing to read.
  const std::string pub = Token(owner_, kPublicBucket, owner_.public_key, kAuthWrite);
  const HttpResponse pput = PostSigned(owner_, pub, kPublicBucket, Event(kPublicBucket, "q1"));
  ASSERT_EQ(pput.status, 201) << pput.body;
  EXPECT_EQ(Call(port_, "GET", "/v1/events/" + pput.json()["cid"].get<std::string>()).status, 200);
  EXPECT_EQ(Call(port_, "GET", "/v1/buckets/7/users").status, 200);
}

TEST_F(NodeAuthTest, DelegatedChainsNarrow) {
  const std::string root =
      Token(owner_, kPrivateBucket, partner_.public_key, kAuthRead | kAuthWrite, true);
  Result<std::string> chain =
      DelegateAuthToken(root, partner_, analyst_.public_key, kAuthRead, NowMs() + 600'000, false);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  // The partner writes; the analyst reads but may not write.
  EXPECT_EQ(PostSigned(partner_, root, kPrivateBucket, Event(kPrivateBucket, "d1")).status, 201);
  EXPECT_EQ(Signed(analyst_, *chain, "GET", "/v1/buckets/8/users").status, 200);
  const HttpResponse write = PostSigned(analyst_, *chain, kPrivateBucket, Event(8, "d2"));
  EXPECT_EQ(write.status, 403) << write.body;
  EXPECT_EQ(Code(write), "operation_not_allowed");
  // The chain's final subject signs: the partner cannot use the analyst's token.
  const HttpResponse wrong_signer = Signed(partner_, *chain, "GET", "/v1/buckets/8/users");
  EXPECT_EQ(wrong_signer.status, 401);
  EXPECT_EQ(Code(wrong_signer), "bad_request_signature");
}

TEST_F(NodeAuthTest, WidenedExpiredWrongBucketAndWrongRootTokensAreRefused) {
  // Widened: built by hand, as only an attacker would (DelegateAuthToken refuses).
  AuthLink first;
  first.bucket = kPrivateBucket;
  first.subject = partner_.public_key;
  first.ops = kAuthRead;
  first.expires_ms = NowMs() + 600'000;
  first.may_delegate = true;
  ASSERT_TRUE(SignAuthLink(&first, owner_).ok());
  AuthLink second = first;
  second.subject = analyst_.public_key;
  second.ops = kAuthRead | kAuthWrite;
  second.may_delegate = false;
  ASSERT_TRUE(SignAuthLink(&second, partner_).ok());
  const std::vector<AuthLink> links = {first, second};
  const std::string widened = *FormatAuthToken(links);
  HttpResponse r = PostSigned(analyst_, widened, kPrivateBucket, Event(kPrivateBucket, "w1"));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(Code(r), "bad_token");
  EXPECT_NE(Message(r).find("widens"), std::string::npos) << r.body;

  // Expired.
  const std::string expired =
      Token(owner_, kPrivateBucket, owner_.public_key, kAuthAllOps, false, NowMs() - 1);
  r = Signed(owner_, expired, "GET", "/v1/buckets/8/users");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(Code(r), "token_expired");

  // For another bucket.
  const std::string other = Token(owner_, kPublicBucket, owner_.public_key, kAuthAllOps);
  r = Signed(owner_, other, "GET", "/v1/buckets/8/users");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Code(r), "wrong_bucket");

  // Rooted at a key that does not own the bucket.
  const std::string self_made = Token(stranger_, kPrivateBucket, stranger_.public_key, kAuthRead);
  r = Signed(stranger_, self_made, "GET", "/v1/buckets/8/users");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Code(r), "not_bucket_owner");

  // Garbage and the wrong scheme.
  r = Call(port_, "GET", "/v1/buckets/8/users", "", {"Authorization: DDC !!!"});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Code(r), "bad_token");
  r = Call(port_, "GET", "/v1/buckets/8/users", "", {"Authorization: Bearer x"});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Code(r), "bad_token");
}

TEST_F(NodeAuthTest, SignedRequestsAreCheckedForSignatureTimeAndReplay) {
  const std::string token = Token(owner_, kPrivateBucket, owner_.public_key, kAuthRead);
  const std::string target = "/v1/buckets/8/users";
  // No signature headers.
  HttpResponse r = Call(port_, "GET", target, "", {"Authorization: DDC " + token});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Code(r), "bad_request_signature");
  // Signed over another target.
  r = Call(port_, "GET", target, "", SignedHeaders(owner_, token, "GET", "/v1/x", "", NowMs()));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Code(r), "bad_request_signature");
  // Outside the window (the default is five minutes), either way.
  for (const int64_t offset : {-600'000, 600'000}) {
    r = Call(port_, "GET", target, "",
             SignedHeaders(owner_, token, "GET", target, "", NowMs() + offset));
    EXPECT_EQ(r.status, 401) << offset;
    EXPECT_EQ(Code(r), "request_expired") << r.body;
  }
  // The same signed request twice: the second is a replay.
  const std::vector<std::string> headers = SignedHeaders(owner_, token, "GET", target, "", NowMs());
  EXPECT_EQ(Call(port_, "GET", target, "", headers).status, 200);
  r = Call(port_, "GET", target, "", headers);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Code(r), "request_replayed");
}

TEST_F(NodeAuthTest, BucketsAreRegisteredByTheirOwnersAndKept) {
  constexpr uint64_t kBucket = 30;
  const std::string target = "/v1/buckets/30";
  const std::string body = R"({"owner":")" + Hex(partner_.public_key) + R"(","public":false})";
  // Unsigned, signed by someone else, a bad body.
  EXPECT_EQ(Call(port_, "PUT", target, body, {"Content-Type: application/json"}).status, 401);
  auto put = [&](const KeyPair& key, const std::string& b) {
    return Signed(key, "", "PUT", target, b,
                  {"Content-Type: application/json", "X-DDC-Key: " + Hex(key.public_key)});
  };
  HttpResponse r = put(stranger_, body);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Code(r), "not_bucket_owner");
  EXPECT_EQ(put(partner_, R"({"owner":"zz","public":false})").status, 400);
  EXPECT_EQ(put(partner_, R"({"owner":")" + Hex(partner_.public_key) + R"("})").status, 400);

  // Writing before registration is forbidden with a hint.
  const std::string token = Token(partner_, kBucket, partner_.public_key, kAuthAllOps);
  r = PostSigned(partner_, token, kBucket, Event(kBucket, "r1"));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Code(r), "bucket_not_registered");

  r = put(partner_, body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["owner"], Hex(partner_.public_key));
  EXPECT_EQ(PostSigned(partner_, token, kBucket, Event(kBucket, "r1")).status, 201);
  // Only the owner changes it; a declared bucket cannot be changed at all.
  EXPECT_EQ(
      put(stranger_, R"({"owner":")" + Hex(stranger_.public_key) + R"(","public":true})").status,
      403);
  const std::string to_public = R"({"owner":")" + Hex(partner_.public_key) + R"(","public":true})";
  EXPECT_EQ(put(partner_, to_public).status, 200);
  r = Signed(owner_, "", "PUT", "/v1/buckets/7",
             R"({"owner":")" + Hex(owner_.public_key) + R"(","public":false})",
             {"Content-Type: application/json", "X-DDC-Key: " + Hex(owner_.public_key)});
  EXPECT_EQ(r.status, 409) << r.body;

  // The registration survives a restart; the bucket is now public.
  ASSERT_EQ(node_->Terminate(), 0);
  Start();
  r = Call(port_, "GET", target);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["registered"], true);
  EXPECT_EQ(r.json()["public"], true);
  EXPECT_EQ(r.json()["owner"], Hex(partner_.public_key));
  EXPECT_EQ(r.json()["has_events"], true);
  EXPECT_EQ(Call(port_, "GET", "/v1/buckets/30/users").status, 200);
}

TEST_F(NodeAuthTest, AKeyOverItsRateGets429) {
  Start(R"(,"auth":{"requests_per_second_per_key":1})");
  const std::string token = Token(owner_, kPrivateBucket, owner_.public_key, kAuthRead);
  // A burst of two, then one per second: ten requests in a row cannot all pass unless they
  // take more than eight seconds.
  int limited = 0;
  HttpResponse last;
  const std::string target = "/v1/buckets/8/users";
  const uint64_t start = NowMs();
  for (int i = 0; i < 10; ++i) {
    // The same request is signed at distinct milliseconds, else it would be a replay.
    const HttpResponse r =
        Call(port_, "GET", target, "", SignedHeaders(owner_, token, "GET", target, "", start + i));
    if (r.status == 429) {
      ++limited;
      last = r;
    } else {
      EXPECT_EQ(r.status, 200) << r.body;
    }
  }
  EXPECT_GT(limited, 0);
  EXPECT_EQ(Code(last), "too_many_requests");
  EXPECT_EQ(last.Header("retry-after"), "1");
}

TEST_F(NodeAuthTest, OffSwitchAndBadConfigs) {
  node_.reset();
  Node open(dir_.Sub("open"), "", {"--auth", "off"});
  ASSERT_NE(open.port(), 0) << open.log();
  EXPECT_NE(open.log().find("access control OFF"), std::string::npos) << open.log();
  EXPECT_EQ(PostEvent(open.port(), 99, Event(99, "x")).status, 201);

  Node bad_flag(dir_.Sub("bad1"), "", {"--auth", "maybe"});
  EXPECT_EQ(bad_flag.Terminate(), 1);
  EXPECT_NE(bad_flag.log().find("--auth 'maybe' is not on or off"), std::string::npos);
  Node bad_owner(dir_.Sub("bad2"), R"({"buckets":[{"bucket":1,"owner":"abc"}]})");
  EXPECT_EQ(bad_owner.Terminate(), 1);
  EXPECT_NE(bad_owner.log().find("owner 'abc' is not 64 hex digits"), std::string::npos)
      << bad_owner.log();
  Node bad_limit(dir_.Sub("bad3"), "", {"--limit", "max_conections=3"});
  EXPECT_EQ(bad_limit.Terminate(), 1);
  EXPECT_NE(bad_limit.log().find("unknown limit 'max_conections'"), std::string::npos)
      << bad_limit.log();
}

}  // namespace
}  // namespace ddc::test
