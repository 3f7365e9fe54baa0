#include "node/cli/cli.h"

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sstream>

#include "engine/timeline/base64.h"

namespace ddc::cli {

Args::Args(int argc, char** argv) : program_(argc > 0 ? argv[0] : "ddc") {
  for (int i = 1; i < argc; ++i) words_.emplace_back(argv[i]);
}

std::string Args::Next() {
  if (words_.empty() || words_.front().starts_with("--")) return "";
  std::string w = words_.front();
  words_.erase(words_.begin());
  return w;
}

std::string Args::Option(const std::string& name) {
  for (size_t i = 0; i < words_.size(); ++i) {
    if (words_[i] == name && i + 1 < words_.size()) {
      std::string v = words_[i + 1];
      words_.erase(words_.begin() + static_cast<long>(i),
                   words_.begin() + static_cast<long>(i) + 2);
      return v;
    }
    if (words_[i].starts_with(name + "=")) {
      std::string v = words_[i].substr(name.size() + 1);
      words_.erase(words_.begin() + static_cast<long>(i));
      return v;
    }
  }
  return "";
}

std::vector<std::string> Args::OptionAll(const std::string& name) {
  std::vector<std::string> values;
  for (std::string v = Option(name); !v.empty(); v = Option(name)) values.push_back(std::move(v));
  return values;
}

bool Args::Flag(const std::string& name) {
  for (size_t i = 0; i < words_.size(); ++i) {
    if (words_[i] == name) {
      words_.erase(words_.begin() + static_cast<long>(i));
      return true;
    }
  }
  return false;
}

bool Args::Has(const std::string& name) const {
  for (const std::string& w : words_) {
    if (w == name || w.starts_with(name + "=")) return true;
  }
  return false;
}

std::vector<std::string> Args::Positionals() {
  std::vector<std::string> out;
  for (const std::string& w : words_) {
    if (w.size() > 1 && w[0] == '-') {
      if (unknown_.empty()) unknown_ = w;
    } else {
      out.push_back(w);
    }
  }
  if (!unknown_.empty()) std::fprintf(stderr, "ddc: unknown option '%s'\n", unknown_.c_str());
  words_.clear();
  return out;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "ddc: %s\n", status.message().c_str());
  return 1;
}

int Usage(const std::string& synopsis) {
  std::fprintf(stderr, "usage: ddc %s\n", synopsis.c_str());
  return 2;
}

Result<std::string> ReadInput(const std::string& path) {
  const bool from_stdin = path == "-";
  std::FILE* f = from_stdin ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const std::string what = path + ": " + std::strerror(errno);
    return errno == ENOENT ? Status::NotFound(what) : Status::IOError(what);
  }
  std::string data;
  char chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f)) > 0) data.append(chunk, n);
  const bool failed = std::ferror(f) != 0;
  if (!from_stdin) std::fclose(f);
  if (failed) return Status::IOError((from_stdin ? "standard input" : path) + ": read failed");
  return data;
}

bool WriteStdout(const std::string& bytes) {
  return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size() &&
         std::fflush(stdout) == 0;
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& dir, bool create) {
  Options options;
  options.dir = dir;
  options.create_if_missing = create;
  return Store::Open(options);
}

std::string StatsText(const StoreStats& s) {
  std::ostringstream o;
  o << "records:            " << s.records << "\n"
    << "logical bytes:      " << s.logical_bytes << "\n"
    << "log bytes:          " << s.log_bytes << "\n"
    << "segments:           " << s.segments << "\n"
    << "index bytes:        " << s.index_bytes << "\n"
    << "index bytes/record: " << s.index_bytes_per_record << "\n"
    << "io backend:         " << s.io_backend << "\n"
    << "opened from snapshot: " << (s.opened_from_snapshot ? "yes" : "no") << " (replayed "
    << s.replayed_records << " records)\n"
    << "recovery:           " << s.recovery << "\n";
  return o.str();
}

std::string StatsJson(const StoreStats& s) {
  std::ostringstream o;
  o << "{\"records\":" << s.records << ",\"logical_bytes\":" << s.logical_bytes
    << ",\"log_bytes\":" << s.log_bytes << ",\"segments\":" << s.segments
    << ",\"index_bytes\":" << s.index_bytes
    << ",\"index_bytes_per_record\":" << s.index_bytes_per_record
    << ",\"io_backend\":" << JsonString(s.io_backend)
    << ",\"opened_from_snapshot\":" << (s.opened_from_snapshot ? "true" : "false")
    << ",\"replayed_records\":" << s.replayed_records << ",\"recovery\":" << JsonString(s.recovery)
    << "}\n";
  return o.str();
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

Result<std::array<uint8_t, 32>> ParseHex32(std::string_view text, std::string_view what) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::array<uint8_t, 32> out{};
  if (text.size() != 2 * out.size()) {
    return Status::InvalidArgument(std::string(what) + " is " + std::to_string(text.size()) +
                                   " characters, want 64 hex digits");
  }
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(text[2 * i]);
    const int lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Status::InvalidArgument(std::string(what) + ": not a hex digit at character " +
                                     std::to_string(hi < 0 ? 2 * i : 2 * i + 1));
    }
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

Result<uint64_t> ParseUint(std::string_view text, std::string_view what) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return Status::InvalidArgument(std::string(what) + " '" + std::string(text) +
                                   "' is not an unsigned 64-bit decimal number");
  }
  return value;
}

std::string Base64(std::string_view bytes) {
  return timeline::Base64Encode(
      std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

std::string IsoTime(uint64_t time_ms) {
  const auto secs = static_cast<std::time_t>(time_ms / 1000);
  std::tm tm{};
  char date[32] = "?";
  if (gmtime_r(&secs, &tm) != nullptr) std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof(out), "%s.%03uZ", date, static_cast<unsigned>(time_ms % 1000));
  return out;
}

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string DefaultDataDir() {
  if (const char* d = std::getenv("DDC_DATA_DIR"); d != nullptr && *d != '\0') return d;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x != nullptr && *x != '\0') {
    return std::string(x) + "/ddc";
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr && *home != '\0' ? home : ".") + "/.local/share/ddc";
}

}  // namespace ddc::cli
