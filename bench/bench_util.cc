#include "bench/bench_util.h"

#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace ddc::bench {
namespace {

// The scratch directory of this run, removed by Die(). Set once, before any worker thread.
std::string& ScratchDir() {
  static std::string dir;
  return dir;
}

uint64_t SplitMix64(uint64_t* x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(uint64_t seed) {
  for (uint64_t& s : s_) s = SplitMix64(&seed);
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Rng::Uniform(uint64_t n) {
  // Multiply-shift: the bias for n far below 2^64 is negligible for a benchmark.
  __extension__ using Uint128 = unsigned __int128;
  return static_cast<uint64_t>((static_cast<Uint128>(Next()) * n) >> 64);
}

void Rng::Fill(std::span<uint8_t> out) {
  size_t i = 0;
  for (; i + 8 <= out.size(); i += 8) {
    const uint64_t v = Next();
    std::memcpy(out.data() + i, &v, 8);
  }
  if (i < out.size()) {
    const uint64_t v = Next();
    std::memcpy(out.data() + i, &v, out.size() - i);
  }
}

void FillBlob(uint64_t seed, uint64_t index, std::span<uint8_t> out) {
  Rng rng(seed * 0x9e3779b97f4a7c15ull + index);
  rng.Fill(out);
}

uint64_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size_pages = 0;
  uint64_t resident_pages = 0;
  statm >> size_pages >> resident_pages;
  if (!statm) Die("cannot read /proc/self/statm");
  return resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

void TrimHeap() { malloc_trim(0); }

Progress::Progress(std::string phase, uint64_t total)
    : phase_(std::move(phase)), total_(total), tty_(isatty(STDERR_FILENO) == 1) {}

void Progress::Update(uint64_t done) {
  const double now = since_start_.Seconds();
  if (now - last_print_s_ < (tty_ ? 0.5 : 10.0)) return;
  last_print_s_ = now;
  Print(done, false);
}

void Progress::Done() {
  if (finished_) return;
  finished_ = true;
  Print(total_, true);
}

void Progress::Print(uint64_t done, bool final) {
  const double s = since_start_.Seconds();
  // Rounded down, so that 100% means done.
  const double pct =
      total_ == 0 ? 100.0
                  : std::floor(100.0 * static_cast<double>(done) / static_cast<double>(total_));
  const double rate = s > 0 ? static_cast<double>(done) / s : 0.0;
  std::fprintf(stderr, "%s[%s] %llu/%llu (%.0f%%) %.1fs %s/s%s", tty_ ? "\r\033[K" : "",
               phase_.c_str(), static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total_), pct, s, Human(rate).c_str(),
               final || !tty_ ? "\n" : "");
  std::fflush(stderr);
}

void Note(std::string_view line) {
  std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  std::fflush(stderr);
}

void Die(std::string_view message) {
  std::fprintf(stderr, "ddc-bench: %.*s\n", static_cast<int>(message.size()), message.data());
  if (!ScratchDir().empty()) {
    std::error_code ec;
    std::filesystem::remove_all(ScratchDir(), ec);
  }
  std::exit(1);
}

void CheckOk(const Status& status, std::string_view what) {
  if (!status.ok()) Die(std::string(what) + ": " + status.ToString());
}

std::string MakeScratchDir(const std::string& parent) {
  std::string templ = parent + "/ddc-bench-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    Die("mkdtemp " + templ + ": " + std::strerror(errno));
  }
  ScratchDir() = buf.data();
  return ScratchDir();
}

void RemoveTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) Note("ddc-bench: could not remove " + path + ": " + ec.message());
}

uint64_t TreeBytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

void EvictPageCache(const std::string& path) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const int fd = open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    // Dirty pages cannot be dropped: write them back first.
    (void)fdatasync(fd);
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
  }
}

void WarmPageCache(const std::string& path) {
  std::vector<char> buffer(1 << 20);
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const int fd = open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    while (read(fd, buffer.data(), buffer.size()) > 0) {
    }
    close(fd);
  }
}

std::string Human(double value) {
  const double a = std::fabs(value);
  const char* suffix = "";
  double v = value;
  if (a >= 1e9) {
    v = value / 1e9;
    suffix = "G";
  } else if (a >= 1e6) {
    v = value / 1e6;
    suffix = "M";
  } else if (a >= 1e4) {
    v = value / 1e3;
    suffix = "k";
  }
  char buf[32];
  const double av = std::fabs(v);
  if (av != 0 && av < 1) {
    std::snprintf(buf, sizeof(buf), "%.3g", v);  // Seconds below 1: keep 3 significant digits.
    return buf;
  }
  const int decimals = av >= 100 ? 0 : av >= 10 ? 1 : 2;
  std::snprintf(buf, sizeof(buf), "%.*f%s", decimals, v, suffix);
  return buf;
}

}  // namespace ddc::bench
