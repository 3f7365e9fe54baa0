#include "node/cli/keystore_cli.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <utility>
#include <vector>

namespace ddc::cli {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Result<std::string> ReadPassphrase(const KeyStoreLocation& where) {
  if (!where.passphrase_file.empty()) {
    Result<std::string> text = ReadInput(where.passphrase_file);
    if (!text.ok()) return text.status().WithContext("--passphrase-file");
    std::string line = text->substr(0, text->find('\n'));
    WipeString(&*text);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      return Status::InvalidArgument("--passphrase-file " + where.passphrase_file +
                                     ": the first line is empty");
    }
    return line;
  }
  if (const char* env = std::getenv("DDC_PASSPHRASE"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  return Status::InvalidArgument(
      "no keystore passphrase: set DDC_PASSPHRASE or pass --passphrase-file FILE (its first line "
      "is the passphrase)");
}

}  // namespace

KeyStoreLocation TakeKeyStoreLocation(Args& args) {
  KeyStoreLocation where;
  where.path = args.Option("--keystore");
  where.passphrase_file = args.Option("--passphrase-file");
  if (where.path.empty()) {
    const char* env = std::getenv("DDC_KEYSTORE");
    where.path = env != nullptr && *env != '\0' ? std::string(env) : DefaultDataDir() + "/keys";
  }
  return where;
}

Result<std::unique_ptr<KeyStore>> OpenKeyStore(const KeyStoreLocation& where,
                                               bool create_if_missing) {
  Result<std::string> passphrase = ReadPassphrase(where);
  if (!passphrase.ok()) return passphrase.status();
  Result<std::unique_ptr<KeyStore>> opened = KeyStore::Open(where.path, *passphrase);
  if (opened.ok() || !opened.status().IsNotFound()) {
    WipeString(&*passphrase);
    return opened;
  }
  if (!create_if_missing) {
    WipeString(&*passphrase);
    return Status::NotFound(opened.status().message() +
                            " (create it with `ddc keygen`, or give another with --keystore)");
  }
  const std::filesystem::path parent = std::filesystem::path(where.path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) {
    WipeString(&*passphrase);
    return Status::IOError("keystore " + where.path + ": creating its directory: " + ec.message());
  }
  KeyStoreOptions options;
  if (const char* fast = std::getenv("DDC_KEYSTORE_FAST");
      fast != nullptr && std::string_view(fast) == "1") {
    options.opslimit = kKeyStoreOpsLimitMin;
    options.memlimit = kKeyStoreMemLimitMin;
  }
  Result<std::unique_ptr<KeyStore>> created = KeyStore::Create(where.path, *passphrase, options);
  WipeString(&*passphrase);
  if (created.ok()) std::fprintf(stderr, "created keystore %s\n", where.path.c_str());
  return created;
}

Result<KeyRing> FullRing(const KeyStore& keys) {
  std::vector<std::string> skipped;
  Result<KeyRing> ring = keys::FullRing(keys, &skipped);
  for (const std::string& name : skipped) {
    std::fprintf(stderr, "note: skipping keystore entry %s: not a name ddc gives keys\n",
                 name.c_str());
  }
  return ring;
}

Result<std::optional<Cid>> TimelineHead(Store& store, uint64_t bucket, const PublicKey& user) {
  Result<TimelineInfo> info = store.Timeline(bucket, user);
  if (!info.ok()) {
    if (info.status().IsNotFound()) return std::optional<Cid>();
    return info.status();
  }
  if (info->size == 0) return std::optional<Cid>();
  return std::optional<Cid>(info->head);
}

Status EmitEvent(const Event& event, Store* store, const std::string& out) {
  Result<std::string> bytes = EncodeEvent(event);
  if (!bytes.ok()) return bytes.status();
  const Cid cid = EventCid(Bytes(*bytes));
  if (store != nullptr) {
    Result<AppendResult> appended = store->Append(std::string_view(*bytes));
    if (!appended.ok()) return appended.status();
    Status closed = store->Close();
    if (!closed.ok()) return closed;
    std::printf("%s position %llu%s\n", appended->cid.ToString().c_str(),
                static_cast<unsigned long long>(appended->position),
                appended->existed ? " (already stored)" : "");
    return Status::OK();
  }
  Status written = WriteOutput(out, *bytes, /*binary=*/true);
  if (!written.ok()) return written;
  std::fprintf(out.empty() || out == "-" ? stderr : stdout, "%s\n", cid.ToString().c_str());
  return Status::OK();
}

Result<KeyPair> LoadSigner(const KeyStoreLocation& where, const std::string& name) {
  Result<std::unique_ptr<KeyStore>> keys = OpenKeyStore(where, /*create_if_missing=*/false);
  if (!keys.ok()) return keys.status();
  return GetSigningKey(**keys, name);
}

}  // namespace ddc::cli
