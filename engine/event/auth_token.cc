// Access tokens and signed requests. docs/FORMAT.md, "Access token, version 1" and "Signed
// request, version 1", is the specification.
#include <algorithm>
#include <string>
#include <vector>

#include "ddc/auth.h"
#include "engine/base/hash.h"
#include "engine/base/hex.h"
#include "engine/base/macros.h"
#include "engine/event/cbor.h"
#include "engine/event/signed_map.h"
#include "engine/timeline/base64.h"

namespace ddc {
namespace {

constexpr std::string_view kLinkDomain = "ddc-auth-link-v1\n";
constexpr std::string_view kRequestDomain = "ddc-request-v1\n";
constexpr size_t kMaxLinkBytes = 512;

constexpr std::pair<AuthOp, std::string_view> kOpNames[] = {
    {kAuthRead, "read"}, {kAuthWrite, "write"}, {kAuthSeal, "seal"}, {kAuthOpen, "open"}};

Status Invalid(const std::string& what) { return Status::InvalidArgument("auth link: " + what); }

Status Validate(const AuthLink& link) {
  if (link.ops == 0) return Invalid("ops is empty: a link allows at least one operation");
  if ((link.ops & ~kAuthAllOps) != 0) {
    return Invalid("ops " + std::to_string(link.ops) + " has unknown bits (known: 1 read, " +
                   "2 write, 4 seal, 8 open)");
  }
  if (link.expires_ms == 0) return Invalid("ex (the expiry) is 0");
  return Status::OK();
}

// Keys in canonical order (length first, then bytes): v, by, ex, op, to, del, sig, bucket.
std::string Encode(const AuthLink& l, bool with_signature) {
  cbor::Writer w;
  w.MapHeader(with_signature ? 8 : 7);
  w.Text("v");
  w.Uint(kAuthLinkVersion);
  w.Text("by");
  w.Bytes(l.issuer);
  w.Text("ex");
  w.Uint(l.expires_ms);
  w.Text("op");
  w.Uint(l.ops);
  w.Text("to");
  w.Bytes(l.subject);
  w.Text("del");
  w.Uint(l.may_delegate ? 1 : 0);
  if (with_signature) {
    w.Text("sig");
    w.Bytes(l.signature);
  }
  w.Text("bucket");
  w.Uint(l.bucket);
  return w.Take();
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

std::string AuthOpsString(uint32_t ops) {
  std::string out;
  for (const auto& [bit, name] : kOpNames) {
    if ((ops & bit) == 0) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  if ((ops & ~kAuthAllOps) != 0) {
    if (!out.empty()) out += ',';
    out += "unknown(" + std::to_string(ops & ~kAuthAllOps) + ")";
  }
  return out;
}

Result<uint32_t> ParseAuthOps(std::string_view names) {
  uint32_t ops = 0;
  size_t at = 0;
  while (at <= names.size()) {
    const size_t comma = std::min(names.find(',', at), names.size());
    const std::string_view name = names.substr(at, comma - at);
    const auto* it = std::find_if(std::begin(kOpNames), std::end(kOpNames),
                                  [&](const auto& op) { return op.second == name; });
    if (it == std::end(kOpNames)) {
      return Status::InvalidArgument("operation '" + std::string(name) +
                                     "' is not one of read, write, seal, open");
    }
    ops |= it->first;
    at = comma + 1;
  }
  return ops;
}

Result<std::string> EncodeAuthLink(const AuthLink& link) {
  DDC_RETURN_IF_ERROR(Validate(link));
  return Encode(link, true);
}

Result<AuthLink> DecodeAuthLink(std::span<const uint8_t> bytes) {
  AuthLink l;
  bool seen_v = false, seen_by = false, seen_ex = false, seen_op = false, seen_to = false,
       seen_del = false, seen_sig = false, seen_bucket = false;
  auto field = [&](std::string_view key, const cbor::Item& item) -> Status {
    if (key == "v") {
      DDC_ASSIGN_OR_RETURN(uint64_t v, signed_map::Uint(key, item));
      if (v != kAuthLinkVersion) {
        return Status::InvalidArgument("version " + std::to_string(v) + " is not 1");
      }
      seen_v = true;
    } else if (key == "by") {
      DDC_RETURN_IF_ERROR(signed_map::FixedBytes(key, item, &l.issuer));
      seen_by = true;
    } else if (key == "ex") {
      DDC_ASSIGN_OR_RETURN(l.expires_ms, signed_map::Uint(key, item));
      seen_ex = true;
    } else if (key == "op") {
      DDC_ASSIGN_OR_RETURN(uint64_t ops, signed_map::Uint(key, item));
      if (ops > UINT32_MAX) return Status::InvalidArgument("op is above 2^32-1");
      l.ops = static_cast<uint32_t>(ops);
      seen_op = true;
    } else if (key == "to") {
      DDC_RETURN_IF_ERROR(signed_map::FixedBytes(key, item, &l.subject));
      seen_to = true;
    } else if (key == "del") {
      DDC_ASSIGN_OR_RETURN(uint64_t del, signed_map::Uint(key, item));
      if (del > 1)
        return Status::InvalidArgument("del is " + std::to_string(del) + ", want 0 or 1");
      l.may_delegate = del == 1;
      seen_del = true;
    } else if (key == "sig") {
      DDC_RETURN_IF_ERROR(signed_map::FixedBytes(key, item, &l.signature));
      seen_sig = true;
    } else if (key == "bucket") {
      DDC_ASSIGN_OR_RETURN(l.bucket, signed_map::Uint(key, item));
      seen_bucket = true;
    } else {
      return Status::InvalidArgument("unknown key \"" + std::string(key) + "\"");
    }
    return Status::OK();
  };
  DDC_RETURN_IF_ERROR(signed_map::Read(bytes, "auth link", kMaxLinkBytes, field));
  const std::pair<bool, const char*> required[] = {
      {seen_v, "v"},   {seen_by, "by"},   {seen_ex, "ex"},   {seen_op, "op"},
      {seen_to, "to"}, {seen_del, "del"}, {seen_sig, "sig"}, {seen_bucket, "bucket"}};
  for (const auto& [seen, name] : required) {
    if (!seen) return Invalid(std::string("missing key \"") + name + "\"");
  }
  DDC_RETURN_IF_ERROR(Validate(l));
  return l;
}

Status SignAuthLink(AuthLink* link, const KeyPair& issuer) {
  link->issuer = issuer.public_key;
  DDC_RETURN_IF_ERROR(Validate(*link));
  link->signature = signed_map::Sign(kLinkDomain, Encode(*link, false), issuer);
  return Status::OK();
}

Status VerifyAuthLinkSignature(const AuthLink& link) {
  if (!signed_map::Verify(kLinkDomain, Encode(link, false), link.issuer, link.signature)) {
    return Invalid("the signature does not verify with the issuer's key " + Hex(link.issuer));
  }
  return Status::OK();
}

Result<std::string> FormatAuthToken(std::span<const AuthLink> links) {
  if (links.empty() || links.size() > kMaxAuthLinks) {
    return Status::InvalidArgument("auth token: " + std::to_string(links.size()) +
                                   " links, want 1.." + std::to_string(kMaxAuthLinks));
  }
  std::string text;
  for (const AuthLink& link : links) {
    DDC_ASSIGN_OR_RETURN(std::string encoded, EncodeAuthLink(link));
    if (!text.empty()) text += '.';
    timeline::Base64Append(Bytes(encoded), &text);
  }
  return text;
}

Result<std::vector<AuthLink>> ParseAuthToken(std::string_view text) {
  if (text.size() > kMaxAuthTokenChars) {
    return Status::InvalidArgument("auth token: " + std::to_string(text.size()) +
                                   " characters, more than " + std::to_string(kMaxAuthTokenChars));
  }
  if (text.empty()) return Status::InvalidArgument("auth token: empty");
  std::vector<AuthLink> links;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t dot = std::min(text.find('.', at), text.size());
    const size_t n = links.size() + 1;
    if (n > kMaxAuthLinks) {
      return Status::InvalidArgument("auth token: more than " + std::to_string(kMaxAuthLinks) +
                                     " links");
    }
    Result<std::vector<uint8_t>> bytes = timeline::Base64Decode(text.substr(at, dot - at));
    if (!bytes.ok()) {
      return Status::InvalidArgument("auth token: link " + std::to_string(n) + ": " +
                                     bytes.status().message());
    }
    Result<AuthLink> link = DecodeAuthLink(*bytes);
    if (!link.ok()) {
      return Status::InvalidArgument("auth token: link " + std::to_string(n) + ": " +
                                     link.status().message());
    }
    links.push_back(*link);
    at = dot + 1;
  }
  return links;
}

Result<VerifiedAuthToken> VerifyAuthToken(std::span<const AuthLink> links) {
  if (links.empty() || links.size() > kMaxAuthLinks) {
    return Status::InvalidArgument("auth token: " + std::to_string(links.size()) +
                                   " links, want 1.." + std::to_string(kMaxAuthLinks));
  }
  VerifiedAuthToken out;
  out.bucket = links[0].bucket;
  out.root_issuer = links[0].issuer;
  out.ops = kAuthAllOps;
  out.expires_ms = UINT64_MAX;
  for (size_t i = 0; i < links.size(); ++i) {
    const AuthLink& l = links[i];
    const std::string where = "auth token: link " + std::to_string(i + 1) + ": ";
    if (Status s = Validate(l); !s.ok()) return Status::InvalidArgument(where + s.message());
    if (l.bucket != out.bucket) {
      return Status::InvalidArgument(where + "is for bucket " + std::to_string(l.bucket) +
                                     ", the chain for bucket " + std::to_string(out.bucket));
    }
    if (i > 0) {
      const AuthLink& prev = links[i - 1];
      if (l.issuer != prev.subject) {
        return Status::InvalidArgument(where + "is issued by " + Hex(l.issuer) +
                                       ", not by the previous link's subject " + Hex(prev.subject));
      }
      if (!prev.may_delegate) {
        return Status::InvalidArgument(where + "delegates a link that does not allow delegation");
      }
      if ((l.ops & ~prev.ops) != 0) {
        return Status::InvalidArgument(where + "widens the operations from " +
                                       AuthOpsString(prev.ops) + " to " + AuthOpsString(l.ops));
      }
      if (l.expires_ms > prev.expires_ms) {
        return Status::InvalidArgument(where + "expires at " + std::to_string(l.expires_ms) +
                                       ", after the previous link (" +
                                       std::to_string(prev.expires_ms) + ")");
      }
    }
    if (Status s = VerifyAuthLinkSignature(l); !s.ok()) {
      return Status::InvalidArgument(where + s.message());
    }
    out.ops &= l.ops;
    out.expires_ms = std::min(out.expires_ms, l.expires_ms);
    out.subject = l.subject;
  }
  return out;
}

Result<std::string> IssueAuthToken(const KeyPair& owner, uint64_t bucket, const PublicKey& subject,
                                   uint32_t ops, uint64_t expires_ms, bool may_delegate) {
  AuthLink link;
  link.bucket = bucket;
  link.subject = subject;
  link.ops = ops;
  link.expires_ms = expires_ms;
  link.may_delegate = may_delegate;
  DDC_RETURN_IF_ERROR(SignAuthLink(&link, owner));
  return FormatAuthToken(std::span<const AuthLink>(&link, 1));
}

Result<std::string> DelegateAuthToken(std::string_view token, const KeyPair& holder,
                                      const PublicKey& subject, uint32_t ops, uint64_t expires_ms,
                                      bool may_delegate) {
  DDC_ASSIGN_OR_RETURN(std::vector<AuthLink> links, ParseAuthToken(token));
  if (links.back().subject != holder.public_key) {
    return Status::InvalidArgument("auth token: its subject is " + Hex(links.back().subject) +
                                   ", not the delegating key " + Hex(holder.public_key));
  }
  AuthLink link;
  link.bucket = links.back().bucket;
  link.subject = subject;
  link.ops = ops;
  link.expires_ms = expires_ms;
  link.may_delegate = may_delegate;
  DDC_RETURN_IF_ERROR(SignAuthLink(&link, holder));
  links.push_back(link);
  DDC_RETURN_IF_ERROR(VerifyAuthToken(links).status());
  return FormatAuthToken(links);
}

std::string RequestSigningBytes(std::string_view method, std::string_view target, uint64_t time_ms,
                                std::span<const uint8_t> body) {
  std::string out(kRequestDomain);
  out.append(method);
  out += '\n';
  out.append(target);
  out += '\n';
  out += std::to_string(time_ms);
  out += '\n';
  out += Hex(Blake2b256(body));
  return out;
}

Signature SignRequest(const KeyPair& key, std::string_view method, std::string_view target,
                      uint64_t time_ms, std::span<const uint8_t> body) {
  return signed_map::Sign("", RequestSigningBytes(method, target, time_ms, body), key);
}

bool VerifyRequestSignature(const PublicKey& key, std::string_view method, std::string_view target,
                            uint64_t time_ms, std::span<const uint8_t> body,
                            const Signature& signature) {
  return signed_map::Verify("", RequestSigningBytes(method, target, time_ms, body), key, signature);
}

}  // namespace ddc
