// `ddc token issue|delegate|show`: access tokens (include/ddc/auth.h) made and read from the
// command line, and the token helpers of client mode (remote.h).
//
// A bucket's owner issues a token to a subject's ed25519 key for some operations until some
// time; a holder allowed to delegate passes a narrower one on. Both sign with a key of the
// keystore (sign/NAME, named by the global --as). Nothing here talks to a node: a token is a
// signed chain anyone can check offline, and `token show` does.
#include <cctype>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ddc/auth.h"
#include "ddc/crypto.h"
#include "node/cli/remote.h"

namespace ddc::cli {

using Json = nlohmann::json;

namespace {

constexpr char kIssueUsage[] =
    "token issue --as OWNER --bucket N --to HEX --ops read,write[,seal,open] "
    "[--expires 24h|ISO|MS] [--delegate] [-o FILE] [--keystore FILE]";
constexpr char kDelegateUsage[] =
    "token delegate --token FILE --as HOLDER --to HEX --ops OPS [--expires 24h|ISO|MS] "
    "[--delegate] [-o FILE] [--keystore FILE]";
constexpr char kShowUsage[] = "token show [FILE|-]  (default: --token FILE, else $DDC_TOKEN)";

constexpr uint64_t kDefaultIssueLifetimeMs = 24ull * 3600 * 1000;

std::string Trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

// "2025-11-22", "2025-11-22T08:26:40Z" or "2025-11-22T08:26:40.123Z" (UTC) as Unix ms.
Result<uint64_t> ParseIsoTime(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  int used = 0;
  const int date_fields = std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &year, &month, &day, &used);
  if (date_fields != 3) return Status::InvalidArgument("not a date");
  std::string rest = text.substr(static_cast<size_t>(used));
  if (!rest.empty()) {
    int time_used = 0;
    if (std::sscanf(rest.c_str(), "T%2d:%2d:%2d%n", &hour, &minute, &second, &time_used) != 3) {
      return Status::InvalidArgument("want YYYY-MM-DD[THH:MM:SS[.mmm]Z]");
    }
    rest = rest.substr(static_cast<size_t>(time_used));
    if (rest.starts_with(".")) {
      int frac_used = 0;
      if (rest.size() < 5 || std::sscanf(rest.c_str(), ".%3d%n", &millis, &frac_used) != 1 ||
          frac_used != 4) {
        return Status::InvalidArgument("want three digits of milliseconds");
      }
      rest = rest.substr(4);
    }
    if (rest != "Z" && rest != "+00:00") {
      return Status::InvalidArgument("the time must be UTC (end it with Z)");
    }
  }
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return Status::InvalidArgument("a field is out of range");
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t secs = timegm(&tm);
  if (secs < 0 || tm.tm_mday != day) return Status::InvalidArgument("no such date");
  return static_cast<uint64_t>(secs) * 1000 + static_cast<uint64_t>(millis);
}

// --expires: a duration from now ("90s", "30m", "24h", "7d"), an ISO 8601 UTC time, or Unix
// milliseconds. It must lie in the future.
Result<uint64_t> ParseExpiry(const std::string& text, uint64_t now_ms) {
  uint64_t expires = 0;
  const char unit = text.empty() ? '\0' : text.back();
  const bool all_digits =
      !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  if (all_digits) {
    Result<uint64_t> ms = ParseUint(text, "--expires");
    if (!ms.ok()) return ms.status();
    expires = *ms;
  } else if (text.size() > 1 && std::string_view("smhd").find(unit) != std::string_view::npos &&
             text.find_first_not_of("0123456789") == text.size() - 1) {
    Result<uint64_t> n = ParseUint(text.substr(0, text.size() - 1), "--expires");
    if (!n.ok()) return n.status();
    const uint64_t unit_ms = unit == 's'   ? 1000
                             : unit == 'm' ? 60'000
                             : unit == 'h' ? 3'600'000
                                           : 86'400'000;
    if (*n > (UINT64_MAX - now_ms) / unit_ms) {
      return Status::InvalidArgument("--expires " + text + " is too far away");
    }
    expires = now_ms + *n * unit_ms;
  } else {
    Result<uint64_t> iso = ParseIsoTime(text);
    if (!iso.ok()) {
      return Status::InvalidArgument("--expires '" + text +
                                     "': want a duration (90s, 30m, 24h, 7d), an ISO 8601 UTC "
                                     "time (2030-01-31T12:00:00Z) or Unix milliseconds: " +
                                     iso.status().message());
    }
    expires = *iso;
  }
  if (expires <= now_ms) {
    return Status::InvalidArgument("--expires " + text + " (" + IsoTime(expires) +
                                   ") is not in the future");
  }
  return expires;
}

// The options issue and delegate share.
struct LinkOptions {
  PublicKey to{};
  uint32_t ops = 0;
  std::string expires;  // As given; empty: the command's default.
  bool may_delegate = false;
  std::string out;
};

// Takes --to, --ops, --expires, --delegate and -o; false when --to or --ops is missing (usage).
bool TakeLinkOptions(Args& args, LinkOptions* o, Status* error) {
  const std::string to = args.Option("--to");
  const std::string ops = args.Option("--ops");
  o->expires = args.Option("--expires");
  o->may_delegate = args.Flag("--delegate");
  o->out = args.Option("-o");
  if (to.empty() || ops.empty()) return false;
  Result<std::array<uint8_t, 32>> key = ParseHex32(to, "--to");
  if (!key.ok()) {
    *error = key.status();
    return true;
  }
  o->to = *key;
  Result<uint32_t> bits = ParseAuthOps(ops);
  if (!bits.ok()) {
    *error = bits.status().WithContext("--ops");
    return true;
  }
  o->ops = *bits;
  return true;
}

Status EmitToken(const std::string& token, const LinkOptions& o, uint64_t bucket,
                 uint64_t expires_ms) {
  Status written = WriteOutput(o.out, token + "\n", /*binary=*/false);
  if (!written.ok()) return written;
  std::fprintf(stderr, "token: bucket %llu, %s for %s until %s%s\n",
               static_cast<unsigned long long>(bucket), AuthOpsString(o.ops).c_str(),
               Hex(o.to).c_str(), IsoTime(expires_ms).c_str(),
               o.may_delegate ? ", may delegate" : "");
  return Status::OK();
}

int TokenIssue(Args& args, const KeyStoreLocation& where) {
  const std::string bucket_text = args.Option("--bucket");
  LinkOptions o;
  Status error;
  const bool usable = TakeLinkOptions(args, &o, &error);
  const std::string& owner = args.client().as;
  if (!usable || owner.empty() || bucket_text.empty() || !args.Positionals().empty() ||
      args.HasUnknown()) {
    return Usage(kIssueUsage);
  }
  if (!error.ok()) return Fail(error);
  Result<uint64_t> bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
  const uint64_t now = NowMs();
  Result<uint64_t> expires = o.expires.empty() ? Result<uint64_t>(now + kDefaultIssueLifetimeMs)
                                               : ParseExpiry(o.expires, now);
  if (!expires.ok()) return Fail(expires.status());
  Result<KeyPair> key = LoadSigner(where, owner);
  if (!key.ok()) return Fail(key.status().WithContext("--as " + owner));
  const WipeOnExit wipe(&*key);
  Result<std::string> token = IssueAuthToken(*key, *bucket, o.to, o.ops, *expires, o.may_delegate);
  if (!token.ok()) return Fail(token.status());
  Status s = EmitToken(*token, o, *bucket, *expires);
  return s.ok() ? 0 : Fail(s);
}

// The token of --token FILE, else $DDC_TOKEN; `what` names the command in the error.
Result<std::string> GlobalToken(const Args& args, std::string_view what) {
  if (!args.client().token_file.empty()) {
    Result<std::string> token = ReadTokenFile(args.client().token_file);
    if (!token.ok()) return token.status().WithContext("--token");
    return token;
  }
  if (!args.client().token_text.empty()) return args.client().token_text;
  return Status::InvalidArgument(std::string(what) + " needs a token: --token FILE or $DDC_TOKEN");
}

int TokenDelegate(Args& args, const KeyStoreLocation& where) {
  LinkOptions o;
  Status error;
  const bool usable = TakeLinkOptions(args, &o, &error);
  const std::string& holder = args.client().as;
  if (!usable || holder.empty() || !args.Positionals().empty() || args.HasUnknown()) {
    return Usage(kDelegateUsage);
  }
  if (!error.ok()) return Fail(error);
  Result<std::string> token = GlobalToken(args, "token delegate");
  if (!token.ok()) return Fail(token.status());
  Result<std::vector<AuthLink>> links = ParseAuthToken(*token);
  if (!links.ok()) return Fail(links.status());
  Result<VerifiedAuthToken> chain = VerifyAuthToken(*links);
  if (!chain.ok()) return Fail(chain.status());
  const uint64_t now = NowMs();
  // Without --expires the new link lasts as long as the chain it extends.
  Result<uint64_t> expires =
      o.expires.empty() ? Result<uint64_t>(chain->expires_ms) : ParseExpiry(o.expires, now);
  if (!expires.ok()) return Fail(expires.status());
  Result<KeyPair> key = LoadSigner(where, holder);
  if (!key.ok()) return Fail(key.status().WithContext("--as " + holder));
  const WipeOnExit wipe(&*key);
  Result<std::string> delegated =
      DelegateAuthToken(*token, *key, o.to, o.ops, *expires, o.may_delegate);
  if (!delegated.ok()) return Fail(delegated.status());
  Status s = EmitToken(*delegated, o, chain->bucket, *expires);
  return s.ok() ? 0 : Fail(s);
}

Json LinkJson(const AuthLink& link) {
  return {{"bucket", link.bucket},
          {"issuer", Hex(link.issuer)},
          {"subject", Hex(link.subject)},
          {"ops", AuthOpsString(link.ops)},
          {"expires_ms", link.expires_ms},
          {"expires", IsoTime(link.expires_ms)},
          {"may_delegate", link.may_delegate},
          {"signature", VerifyAuthLinkSignature(link).ok() ? "valid" : "invalid"}};
}

int TokenShow(Args& args) {
  const std::vector<std::string> rest = args.Positionals();
  if (rest.size() > 1 || args.HasUnknown()) return Usage(kShowUsage);
  Result<std::string> token =
      rest.empty() ? GlobalToken(args, "token show") : ReadTokenFile(rest[0]);
  if (!token.ok()) return Fail(token.status());
  Result<std::vector<AuthLink>> links = ParseAuthToken(*token);
  if (!links.ok()) return Fail(links.status());
  Json out = Json::object();
  Result<VerifiedAuthToken> chain = VerifyAuthToken(*links);
  out["valid"] = chain.ok();
  if (chain.ok()) {
    const uint64_t now = NowMs();
    out["bucket"] = chain->bucket;
    out["root_issuer"] = Hex(chain->root_issuer);
    out["subject"] = Hex(chain->subject);
    out["ops"] = AuthOpsString(chain->ops);
    out["expires_ms"] = chain->expires_ms;
    out["expires"] = IsoTime(chain->expires_ms);
    out["expired"] = now >= chain->expires_ms;
  } else {
    out["error"] = chain.status().message();
  }
  Json list = Json::array();
  for (const AuthLink& link : *links) list.push_back(LinkJson(link));
  out["links"] = std::move(list);
  if (!WriteStdout(out.dump(2) + "\n")) {
    return Fail(Status::IOError("writing standard output failed"));
  }
  return chain.ok() ? 0 : Fail(chain.status());
}

}  // namespace

int TokenCommand(Args& args) {
  const std::string sub = args.Next();
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  if (sub == "issue") return TokenIssue(args, where);
  if (sub == "delegate") return TokenDelegate(args, where);
  if (sub == "show") return TokenShow(args);
  return Usage("token issue|delegate|show ...");
}

Result<std::string> ReadTokenFile(const std::string& path) {
  Result<std::string> text = ReadInput(path);
  if (!text.ok()) return text.status();
  std::string token = Trimmed(*text);
  if (token.empty()) return Status::InvalidArgument(path + ": no token in it");
  if (token.size() > kMaxAuthTokenChars) {
    return Status::InvalidArgument(path + ": " + std::to_string(token.size()) +
                                   " characters, more than a token's " +
                                   std::to_string(kMaxAuthTokenChars));
  }
  return token;
}

Status CheckTokenForHolder(std::string_view token, const PublicKey& holder, uint64_t now_ms) {
  Result<std::vector<AuthLink>> links = ParseAuthToken(token);
  if (!links.ok()) return links.status();
  Result<VerifiedAuthToken> chain = VerifyAuthToken(*links);
  if (!chain.ok()) return chain.status();
  if (chain->subject != holder) {
    return Status::PermissionDenied("the token is for key " + Hex(chain->subject) +
                                    ", but --as names key " + Hex(holder) +
                                    ": give --as the key the token was issued or delegated to");
  }
  if (now_ms >= chain->expires_ms) {
    return Status::PermissionDenied("the token expired at " + IsoTime(chain->expires_ms));
  }
  return Status::OK();
}

Result<std::string> IssueSelfToken(const KeyPair& key, uint64_t bucket, uint64_t now_ms) {
  return IssueAuthToken(key, bucket, key.public_key, kAuthAllOps, now_ms + kSelfTokenLifetimeMs,
                        /*may_delegate=*/false);
}

}  // namespace ddc::cli
