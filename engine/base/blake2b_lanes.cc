// Blake2b256Many: BLAKE2b-256 (RFC 7693) of many messages at once, eight messages side by side in
// the 64-bit lanes of AVX-512 registers.
//
// libsodium hashes one message at a time and cannot use more than a few lanes of a vector unit
// for it: one BLAKE2b state is only 16 words whose rounds depend on each other. A batch of blobs
// is many independent states, so each lane of a 512-bit register here carries one message's
// state and all eight advance together, one 128-byte block per step. When a lane's message ends,
// its digest is taken out and the lane starts on the next message of the batch, so messages of
// different lengths keep every lane busy until the batch runs out.
//
// tests/base/hash_test.cc checks the digests against libsodium's for every length class around
// the block size and for batches of many shapes.
#include <array>
#include <cassert>
#include <cstring>

#include "engine/base/hash.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define DDC_BLAKE2B_LANES 1
#endif

namespace ddc {
namespace {

// Batches smaller than this are hashed one message at a time: a step costs the same with one
// lane busy as with eight, so a couple of messages are faster through libsodium.
constexpr size_t kMinLaneBatch = 4;

#ifdef DDC_BLAKE2B_LANES

constexpr int kLanes = 8;
constexpr size_t kBlockBytes = 128;

constexpr uint64_t kIv[8] = {0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL,
                             0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
                             0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};

// Parameter block word 0 for a 32-byte digest, no key, fanout 1, depth 1 (RFC 7693 section 2.5).
constexpr uint64_t kParam0 = 0x01010000ULL | 32;

// The message word schedule: round r uses row r % 10 (BLAKE2b has 12 rounds).
constexpr uint8_t kSigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

#define DDC_LANES_TARGET __attribute__((target("avx512f")))

// A 64-bit rotate right of every lane. The masked form with an all-ones mask is the same
// instruction; the plain intrinsic starts from an undefined vector that GCC 12 reports as
// possibly uninitialized.
template <int kBits>
DDC_LANES_TARGET inline __m512i Ror(__m512i x) {
  return _mm512_mask_ror_epi64(x, static_cast<__mmask8>(0xff), x, kBits);
}

DDC_LANES_TARGET inline void G(__m512i& a, __m512i& b, __m512i& c, __m512i& d, __m512i x,
                               __m512i y) {
  a = _mm512_add_epi64(_mm512_add_epi64(a, b), x);
  d = Ror<32>(_mm512_xor_si512(d, a));
  c = _mm512_add_epi64(c, d);
  b = Ror<24>(_mm512_xor_si512(b, c));
  a = _mm512_add_epi64(_mm512_add_epi64(a, b), y);
  d = Ror<16>(_mm512_xor_si512(d, a));
  c = _mm512_add_epi64(c, d);
  b = Ror<63>(_mm512_xor_si512(b, c));
}

// One compression of every lane: `words[k][lane]` is message word k of that lane's block,
// `counters[lane]` its byte count so far and `finals[lane]` all ones on its last block.
DDC_LANES_TARGET void Compress(__m512i h[8], const uint64_t (&words)[16][kLanes],
                               const uint64_t (&counters)[kLanes],
                               const uint64_t (&finals)[kLanes]) {
  __m512i m[16];
  for (int k = 0; k < 16; ++k) m[k] = _mm512_loadu_si512(words[k]);
  __m512i v[16];
  for (int k = 0; k < 8; ++k) {
    v[k] = h[k];
    v[k + 8] = _mm512_set1_epi64(static_cast<long long>(kIv[k]));
  }
  v[12] = _mm512_xor_si512(v[12], _mm512_loadu_si512(counters));
  v[14] = _mm512_xor_si512(v[14], _mm512_loadu_si512(finals));
  for (int round = 0; round < 12; ++round) {
    const uint8_t(&s)[16] = kSigma[round % 10];
    G(v[0], v[4], v[8], v[12], m[s[0]], m[s[1]]);
    G(v[1], v[5], v[9], v[13], m[s[2]], m[s[3]]);
    G(v[2], v[6], v[10], v[14], m[s[4]], m[s[5]]);
    G(v[3], v[7], v[11], v[15], m[s[6]], m[s[7]]);
    G(v[0], v[5], v[10], v[15], m[s[8]], m[s[9]]);
    G(v[1], v[6], v[11], v[12], m[s[10]], m[s[11]]);
    G(v[2], v[7], v[8], v[13], m[s[12]], m[s[13]]);
    G(v[3], v[4], v[9], v[14], m[s[14]], m[s[15]]);
  }
  for (int k = 0; k < 8; ++k) h[k] = _mm512_xor_si512(h[k], _mm512_xor_si512(v[k], v[k + 8]));
}

// Sets lane `l` of the state to the initial chaining value of an unkeyed BLAKE2b-256.
DDC_LANES_TARGET void ResetLane(__m512i h[8], int l) {
  const auto lane = static_cast<__mmask8>(1u << l);
  h[0] = _mm512_mask_set1_epi64(h[0], lane, static_cast<long long>(kIv[0] ^ kParam0));
  for (int k = 1; k < 8; ++k) {
    h[k] = _mm512_mask_set1_epi64(h[k], lane, static_cast<long long>(kIv[k]));
  }
}

DDC_LANES_TARGET void HashLanes(std::span<const std::span<const uint8_t>> inputs,
                                std::span<std::array<uint8_t, 32>> out) {
  struct Lane {
    const uint8_t* next = nullptr;  // Start of the next block.
    size_t left = 0;                // Bytes of the message not yet compressed.
    uint64_t counter = 0;           // Bytes compressed so far (t).
    size_t message = 0;             // Index into inputs/out.
    bool busy = false;
  };
  Lane lanes[kLanes];
  __m512i h[8];
  for (auto& word : h) word = _mm512_setzero_si512();
  size_t started = 0;
  auto start = [&](int l) {
    if (started == inputs.size()) {
      lanes[l].busy = false;
      return;
    }
    lanes[l] = Lane{inputs[started].data(), inputs[started].size(), 0, started, true};
    ++started;
    ResetLane(h, l);
  };
  for (int l = 0; l < kLanes; ++l) start(l);

  alignas(64) uint64_t words[16][kLanes] = {};
  alignas(64) uint64_t counters[kLanes] = {};
  alignas(64) uint64_t finals[kLanes] = {};
  alignas(64) uint8_t last[kBlockBytes];
  size_t busy = std::min<size_t>(kLanes, inputs.size());
  while (busy > 0) {
    unsigned ending = 0;  // Lanes compressing their message's last block in this step.
    for (int l = 0; l < kLanes; ++l) {
      Lane& lane = lanes[l];
      if (!lane.busy) {
        counters[l] = 0;
        finals[l] = 0;
        continue;  // Its words keep stale values; its state is reset before reuse.
      }
      const uint8_t* block = lane.next;
      if (lane.left > kBlockBytes) {
        lane.next += kBlockBytes;
        lane.left -= kBlockBytes;
        lane.counter += kBlockBytes;
        finals[l] = 0;
      } else {
        // The last block (an empty message has one, all zeros), zero-padded.
        std::memset(last, 0, sizeof(last));
        if (lane.left > 0) std::memcpy(last, lane.next, lane.left);
        block = last;
        lane.counter += lane.left;
        lane.left = 0;
        finals[l] = ~0ULL;
        ending |= 1u << l;
      }
      counters[l] = lane.counter;
      for (size_t k = 0; k < 16; ++k) std::memcpy(&words[k][l], block + 8 * k, 8);
    }
    Compress(h, words, counters, finals);
    if (ending == 0) continue;
    alignas(64) uint64_t digest[4][kLanes];
    for (int k = 0; k < 4; ++k) _mm512_store_si512(digest[k], h[k]);
    for (int l = 0; l < kLanes; ++l) {
      if ((ending & (1u << l)) == 0) continue;
      uint8_t* d = out[lanes[l].message].data();
      for (size_t k = 0; k < 4; ++k) std::memcpy(d + 8 * k, &digest[k][l], 8);  // Little-endian.
      start(l);
      if (!lanes[l].busy) --busy;
    }
  }
}

bool HaveLanes() {
  static const bool have = __builtin_cpu_supports("avx512f");
  return have;
}

#else  // !DDC_BLAKE2B_LANES

bool HaveLanes() { return false; }
void HashLanes(std::span<const std::span<const uint8_t>>, std::span<std::array<uint8_t, 32>>) {}

#endif

}  // namespace

bool Blake2b256ManyUsesLanes() { return HaveLanes(); }

void Blake2b256Many(std::span<const std::span<const uint8_t>> inputs,
                    std::span<std::array<uint8_t, 32>> out) {
  assert(out.size() >= inputs.size());
  if (inputs.size() >= kMinLaneBatch && HaveLanes()) {
    HashLanes(inputs, out);
    return;
  }
  for (size_t i = 0; i < inputs.size(); ++i) out[i] = Blake2b256(inputs[i]);
}

}  // namespace ddc
