// `ddc key ...` and `ddc event ...`: user keys, and events made, appended and read back.
//
// A user key file holds the 32-byte ed25519 seed as 64 hex digits and a newline, mode 0600.
// `event make` signs a version-1 event with it; its scopes are public (the file's bytes in
// clear) or already sealed elsewhere (the file holds nonce || ciphertext, key version 1).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "ddc/event.h"
#include "ddc/store.h"
#include "node/cli/cli.h"
#include "node/cli/remote.h"

namespace ddc::cli {
namespace {

constexpr char kEventMakeUsage[] =
    "event make --key FILE --bucket N --id ID --type T [--time MS] [--prev CID] "
    "[--public NAME=FILE]... [--sealed NAME=FILE]... [-o FILE]";

// Creates `path` with mode 0600 (never replacing a file: a key is not overwritten by accident)
// and writes `text` to it durably.
Status WriteNewSecretFile(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) return Status::InvalidArgument(path + " exists; not overwriting a key");
    return Status::IOError(path + ": " + std::strerror(err));
  }
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return Status::IOError(path + ": write failed: " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(path.c_str());
    return Status::IOError(path + ": " + std::strerror(err));
  }
  return Status::OK();
}

int KeyGen(Args& args) {
  const std::string out = args.Option("-o");
  if (!args.Positionals().empty() || args.HasUnknown()) return Usage("key gen [-o FILE]");
  const KeyPair key = KeyPair::Generate();
  const std::string text = Hex(std::span(key.secret_key).first(32)) + "\n";
  if (out.empty() || out == "-") {
    if (!WriteStdout(text)) return Fail(Status::IOError("writing standard output failed"));
  } else {
    Status s = WriteNewSecretFile(out, text);
    if (!s.ok()) return Fail(s);
  }
  std::fprintf(stderr, "%s\n", Hex(key.public_key).c_str());
  return 0;
}

int KeyPub(Args& args) {
  std::vector<std::string> rest = args.Positionals();
  if (rest.size() != 1 || args.HasUnknown()) return Usage("key pub FILE");
  auto key = ReadUserKey(rest[0]);
  if (!key.ok()) return Fail(key.status());
  std::printf("%s\n", Hex(key->public_key).c_str());
  return 0;
}

// "NAME=FILE" as a scope: public (the file's bytes) or sealed (nonce || ciphertext).
Result<Scope> ReadScope(const std::string& spec, bool sealed) {
  const char* flag = sealed ? "--sealed" : "--public";
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    return Status::InvalidArgument(std::string(flag) + " '" + spec + "': want NAME=FILE");
  }
  Scope scope;
  scope.name = spec.substr(0, eq);
  const std::string path = spec.substr(eq + 1);
  auto bytes = ReadInput(path);
  if (!bytes.ok()) return bytes.status();
  scope.sealed = sealed;
  if (!sealed) {
    scope.data = std::move(*bytes);
    return scope;
  }
  if (bytes->size() < kScopeNonceBytes + kScopeTagBytes) {
    return Status::InvalidArgument(std::string(flag) + " " + scope.name + ": " + path + " is " +
                                   std::to_string(bytes->size()) + " bytes, less than a " +
                                   std::to_string(kScopeNonceBytes) + "-byte nonce and a " +
                                   std::to_string(kScopeTagBytes) + "-byte tag");
  }
  scope.key_version = 1;
  std::memcpy(scope.nonce.data(), bytes->data(), kScopeNonceBytes);
  scope.data = bytes->substr(kScopeNonceBytes);
  return scope;
}

int EventMake(Args& args) {
  const std::string key_path = args.Option("--key");
  const std::string bucket_text = args.Option("--bucket");
  const std::string id = args.Option("--id");
  const std::string type = args.Option("--type");
  const std::string time_text = args.Option("--time");
  const std::string prev_text = args.Option("--prev");
  const std::string out = args.Option("-o");
  const std::vector<std::string> publics = args.OptionAll("--public");
  const std::vector<std::string> sealeds = args.OptionAll("--sealed");
  if (key_path.empty() || bucket_text.empty() || id.empty() || type.empty() ||
      !args.Positionals().empty() || args.HasUnknown()) {
    return Usage(kEventMakeUsage);
  }
  auto key = ReadUserKey(key_path);
  if (!key.ok()) return Fail(key.status());
  Event event;
  auto bucket = ParseUint(bucket_text, "--bucket");
  if (!bucket.ok()) return Fail(bucket.status());
  event.bucket = *bucket;
  event.user = key->public_key;
  event.id = id;
  event.type = type;
  event.timestamp_ms = NowMs();
  if (!time_text.empty()) {
    auto time = ParseUint(time_text, "--time");
    if (!time.ok()) return Fail(time.status());
    event.timestamp_ms = *time;
  }
  if (!prev_text.empty()) {
    auto prev = Cid::Parse(prev_text);
    if (!prev.ok()) return Fail(prev.status().WithContext("--prev"));
    event.prev = *prev;
  }
  for (const auto* list : {&publics, &sealeds}) {
    for (const std::string& spec : *list) {
      auto scope = ReadScope(spec, list == &sealeds);
      if (!scope.ok()) return Fail(scope.status());
      event.scopes.push_back(std::move(*scope));
    }
  }
  Status signed_ok = SignEvent(&event, *key);
  if (!signed_ok.ok()) return Fail(signed_ok);
  auto bytes = EncodeEvent(event);
  if (!bytes.ok()) return Fail(bytes.status());
  Status written = WriteOutput(out, *bytes, /*binary=*/true);
  return written.ok() ? 0 : Fail(written);
}

void PrintAppended(const AppendResult& a) {
  std::printf("%s position %llu journal %llu%s\n", a.cid.ToString().c_str(),
              static_cast<unsigned long long>(a.position),
              static_cast<unsigned long long>(a.journal_index),
              a.existed ? " (already stored)" : "");
}

// One file: Append. Several: one AppendBatch (one group commit); each event's line, or its
// error on stderr ("ddc: FILE: ..."), in the order of the files, and exit 1 if any failed.
int EventPut(Args& args) {
  const std::string dir = args.Option("--dir");
  std::vector<std::string> files = args.Positionals();
  if (dir.empty() || args.HasUnknown()) return Usage("event put --dir DIR [FILE|-]...");
  if (files.empty()) files.push_back("-");
  std::vector<std::string> events;
  for (const std::string& file : files) {
    auto bytes = ReadInput(file);
    if (!bytes.ok()) return Fail(bytes.status());
    events.push_back(std::move(*bytes));
  }
  auto store = OpenStore(dir, /*create=*/true);
  if (!store.ok()) return Fail(store.status());
  bool failed = false;
  if (events.size() == 1) {
    auto appended = (*store)->Append(std::string_view(events[0]));
    if (!appended.ok()) return Fail(appended.status());
    PrintAppended(*appended);
  } else {
    std::vector<std::span<const uint8_t>> spans;
    spans.reserve(events.size());
    for (const std::string& e : events) {
      spans.emplace_back(reinterpret_cast<const uint8_t*>(e.data()), e.size());
    }
    std::vector<Result<AppendResult>> appended = (*store)->AppendBatch(spans);
    for (size_t i = 0; i < appended.size(); ++i) {
      if (appended[i].ok()) {
        PrintAppended(*appended[i]);
      } else {
        std::fprintf(stderr, "ddc: %s: %s\n", files[i].c_str(),
                     appended[i].status().message().c_str());
        failed = true;
      }
    }
  }
  Status closed = (*store)->Close();
  if (!closed.ok()) return Fail(closed);
  std::fflush(stdout);
  return failed ? 1 : 0;
}

std::string ScopeJson(const Scope& s) {
  std::ostringstream o;
  o << "{\"name\":" << JsonString(s.name) << ",\"sealed\":" << (s.sealed ? "true" : "false");
  if (s.sealed) o << ",\"key_version\":" << s.key_version << ",\"nonce\":\"" << Hex(s.nonce) << '"';
  o << ",\"compression\":\"" << (s.compression == ScopeCompression::kZstd ? "zstd" : "none")
    << "\",\"data\":\"" << Base64(s.data) << "\"}";
  return o.str();
}

}  // namespace

std::string EventJson(const Event& e, const Cid& cid) {
  std::ostringstream o;
  o << "{\"cid\":\"" << cid.ToString() << "\",\"bucket\":" << e.bucket << ",\"user\":\""
    << Hex(e.user) << "\",\"id\":" << JsonString(e.id) << ",\"time_ms\":" << e.timestamp_ms
    << ",\"type\":" << JsonString(e.type)
    << ",\"prev\":" << (e.prev ? "\"" + e.prev->ToString() + "\"" : std::string("null"))
    << ",\"scopes\":[";
  for (size_t i = 0; i < e.scopes.size(); ++i) o << (i > 0 ? "," : "") << ScopeJson(e.scopes[i]);
  o << "],\"signature\":\"" << Hex(e.signature) << '"';
  if (e.batch) {
    o << ",\"batch\":{\"root\":\"" << Hex(e.batch->root) << "\",\"size\":" << e.batch->size
      << ",\"index\":" << e.batch->index << ",\"path\":[";
    for (size_t i = 0; i < e.batch->path.size(); ++i) {
      o << (i > 0 ? "," : "") << '"' << Hex(e.batch->path[i]) << '"';
    }
    o << "]}";
  }
  o << "}\n";
  return o.str();
}

namespace {

int EventGet(Args& args) {
  const std::string dir = args.Option("--dir");
  const bool json = args.Flag("--json");
  std::vector<std::string> rest = args.Positionals();
  if (dir.empty() || rest.size() != 1 || args.HasUnknown()) {
    return Usage("event get --dir DIR CID [--json]");
  }
  auto cid = Cid::Parse(rest[0]);
  if (!cid.ok()) return Fail(cid.status());
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  auto event = (*store)->GetEvent(*cid);
  if (!event.ok()) return Fail(event.status());
  std::string bytes;
  if (json) {
    bytes = EventJson(*event, *cid);
  } else {
    auto raw = (*store)->Get(*cid);
    if (!raw.ok()) return Fail(raw.status());
    bytes = std::move(*raw);
  }
  Status written = WriteOutput("", bytes, /*binary=*/!json);
  return written.ok() ? 0 : Fail(written);
}

}  // namespace

int Key(Args& args) {
  const std::string sub = args.Next();
  if (sub == "gen") return KeyGen(args);
  if (sub == "pub") return KeyPub(args);
  return Usage("key gen [-o FILE] | key pub FILE");
}

int EventCommand(Args& args) {
  const std::string sub = args.Next();
  if (sub == "make") return EventMake(args);
  const bool remote = !args.client().node.empty();
  if (sub == "put") return remote ? RemoteEventPut(args) : EventPut(args);
  if (sub == "get") return remote ? RemoteEventGet(args) : EventGet(args);
  return Usage("event make|put|get ...");
}

}  // namespace ddc::cli
