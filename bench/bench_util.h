// Small helpers shared by ddc-bench: a fast deterministic generator for blob contents, a
// stopwatch, resident-memory readings, progress lines on stderr, scratch directories and page
// cache eviction.
//
// The benchmark is a tool, not engine code: it makes the few system calls it needs itself
// (posix_fadvise, /proc reads) instead of going through engine/io/.
#ifndef DDC_BENCH_BENCH_UTIL_H_
#define DDC_BENCH_BENCH_UTIL_H_

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ddc/status.h"

namespace ddc::bench {

// xoshiro256** seeded through splitmix64: a few ns per 8 bytes, and the same seed gives the
// same stream, so a blob can be regenerated from (seed, index) to verify what a store returns.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Uniform(uint64_t n);
  void Fill(std::span<uint8_t> out);

 private:
  uint64_t s_[4];
};

// Fills `out` with the contents of blob `index` of the stream `seed`.
void FillBlob(uint64_t seed, uint64_t index, std::span<uint8_t> out);

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  void Restart() { start_ = std::chrono::steady_clock::now(); }
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// Resident set size of this process from /proc/self/statm, in bytes.
uint64_t RssBytes();
// Hands freed heap memory back to the kernel (malloc_trim), so that a following RSS reading
// is not flattered by memory an earlier phase freed into malloc's pools.
void TrimHeap();

// A progress line on stderr for a long phase, redrawn at most twice a second ("\r" on a
// terminal, a new line every 10 s otherwise). Done() prints the final line.
class Progress {
 public:
  Progress(std::string phase, uint64_t total);
  void Update(uint64_t done);
  void Done();

 private:
  void Print(uint64_t done, bool final);

  std::string phase_;
  uint64_t total_;
  bool tty_;
  Stopwatch since_start_;
  double last_print_s_ = 0;
  bool finished_ = false;
};

// Writes one line to stderr (progress and notes never go to stdout, which carries the
// results).
void Note(std::string_view line);

// Exits with a message naming what failed when `status` is not OK. The benchmark has no way to
// carry on from a failed store operation, and a figure from a half-failed run would mislead.
void CheckOk(const Status& status, std::string_view what);
[[noreturn]] void Die(std::string_view message);

// A fresh directory "<parent>/ddc-bench-XXXXXX" (mkdtemp). Die() removes it, so that a failed
// run does not leave gigabytes of stores behind.
std::string MakeScratchDir(const std::string& parent);
void RemoveTree(const std::string& path);
// Bytes of all regular files under `path`.
uint64_t TreeBytes(const std::string& path);
// Asks the kernel to drop the page cache of every file under `path` (posix_fadvise
// DONTNEED after fdatasync). Works without privileges; pages other processes pin stay.
void EvictPageCache(const std::string& path);
// Reads every file under `path` once, so that it is in the page cache.
void WarmPageCache(const std::string& path);

// "1.23M", "456.7k", "12.3" — three significant digits, for the table.
std::string Human(double value);

}  // namespace ddc::bench

#endif  // DDC_BENCH_BENCH_UTIL_H_
