// Access tokens and signed requests: who may read and write a bucket on a node.
//
// A bucket has an owner (an app's ed25519 key). An access token is a chain of links, root
// first. Each link is a small canonical DAG-CBOR map signed by its issuer that says: for bucket
// B, subject S may do operations O until time E, and may (or may not) pass them on. The root
// link is issued by the bucket's owner; every later link is issued by the subject of the link
// before it, which must allow delegation, and may only narrow it: the same bucket, a subset of
// its operations, an expiry no later. (Cere's DDC issues its access tokens the same way.)
//
// A token on its own is a bearer credential; a request also carries the time and a signature
// by the token's final subject over the method, the target, the time and a hash of the body, so
// that a token seen on the wire cannot be used for another request, and a signed request cannot
// be replayed outside a short window (the node also remembers the signatures it has seen inside
// the window). The owner uses a token of one link issued to itself.
//
// Text form (the HTTP "Authorization: DDC <token>" header): each link's encoding in base64
// (RFC 4648, padded), joined by '.'. Byte layout: docs/FORMAT.md, "Access token, version 1" and
// "Signed request, version 1". Pure functions, thread-safe.
#ifndef DDC_AUTH_H_
#define DDC_AUTH_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc {

inline constexpr uint64_t kAuthLinkVersion = 1;

// Operations a token allows, as bits.
enum AuthOp : uint32_t {
  kAuthRead = 1,   // Read a private bucket: events, timelines, users, proofs, names.
  kAuthWrite = 2,  // Append events, put blobs and signed names into the bucket.
  kAuthSeal = 4,   // Have the node seal data under keys it holds for the bucket.
  kAuthOpen = 8,   // Have the node open sealed data with keys it holds for the bucket.
};
inline constexpr uint32_t kAuthAllOps = kAuthRead | kAuthWrite | kAuthSeal | kAuthOpen;

// Bounds of a token: links in a chain, and characters of its text form.
inline constexpr size_t kMaxAuthLinks = 8;
inline constexpr size_t kMaxAuthTokenChars = 4096;

// The operation names of `ops` ("read,write"), and the bits of such a list. ParseAuthOps
// rejects an unknown name or an empty list with InvalidArgument.
std::string AuthOpsString(uint32_t ops);
Result<uint32_t> ParseAuthOps(std::string_view names);

struct AuthLink {
  uint64_t bucket = 0;
  PublicKey issuer{};       // The bucket owner for the root link; the previous subject after.
  PublicKey subject{};      // Who may use (and perhaps delegate) this link.
  uint32_t ops = 0;         // AuthOp bits, at least one, none unknown.
  uint64_t expires_ms = 0;  // Unix milliseconds; the link is void from this time on.
  bool may_delegate = false;
  Signature signature{};

  bool operator==(const AuthLink&) const = default;
};

// Canonical encoding (validating the fields first) and its strict inverse, which does not
// check the signature. Errors start with "auth link: ".
Result<std::string> EncodeAuthLink(const AuthLink& link);
Result<AuthLink> DecodeAuthLink(std::span<const uint8_t> bytes);

// Sets link->issuer to the key's public half and signs; verifies a link's signature.
Status SignAuthLink(AuthLink* link, const KeyPair& issuer);
Status VerifyAuthLinkSignature(const AuthLink& link);

// The text form of a chain, and its parser (which checks the form and each link's encoding,
// not the signatures or the chain rules). Errors start with "auth token: ".
Result<std::string> FormatAuthToken(std::span<const AuthLink> links);
Result<std::vector<AuthLink>> ParseAuthToken(std::string_view text);

// A new root token: the bucket owner grants `ops` on `bucket` to `subject`.
Result<std::string> IssueAuthToken(const KeyPair& owner, uint64_t bucket, const PublicKey& subject,
                                   uint32_t ops, uint64_t expires_ms, bool may_delegate);
// Appends a link by which the holder of `token` (its final subject, `holder`) passes `ops` on to
// `subject`. Checks what a verifier would (the holder is the final subject, it may delegate,
// the link narrows) so that a bad delegation fails here, not at the node.
Result<std::string> DelegateAuthToken(std::string_view token, const KeyPair& holder,
                                      const PublicKey& subject, uint32_t ops, uint64_t expires_ms,
                                      bool may_delegate);

// What a valid chain grants: its root issuer (who must own `bucket` for the token to mean
// anything), the final subject, the operations and the earliest expiry along the chain.
struct VerifiedAuthToken {
  uint64_t bucket = 0;
  PublicKey root_issuer{};
  PublicKey subject{};
  uint32_t ops = 0;
  uint64_t expires_ms = 0;
};

// Checks a chain without a clock or a registry: 1..kMaxAuthLinks links, all for one bucket,
// each signed by its issuer, each issued by the previous subject, which allows delegation, and
// none widening the one before (operations or expiry). InvalidArgument "auth token: link N:
// ..." names the first fault. Expiry against the current time, and that the root issuer owns
// the bucket, are the caller's checks (they change over time; this result does not).
Result<VerifiedAuthToken> VerifyAuthToken(std::span<const AuthLink> links);

// ---- Signed requests ----

// The bytes a request signature covers:
//   "ddc-request-v1\n" METHOD "\n" TARGET "\n" TIME_MS "\n" hex(BLAKE2b-256(body))
// where TARGET is the request target as sent (path and query) and TIME_MS decimal.
std::string RequestSigningBytes(std::string_view method, std::string_view target, uint64_t time_ms,
                                std::span<const uint8_t> body);
Signature SignRequest(const KeyPair& key, std::string_view method, std::string_view target,
                      uint64_t time_ms, std::span<const uint8_t> body);
bool VerifyRequestSignature(const PublicKey& key, std::string_view method, std::string_view target,
                            uint64_t time_ms, std::span<const uint8_t> body,
                            const Signature& signature);

}  // namespace ddc

#endif  // DDC_AUTH_H_
