// Deterministic workloads shared by the crash harness parent and child (crash_child.cc) and by
// the in-process event crash tests, and the check of a store's events after a crash.
//
// Blobs: blob i's bytes are a pure function of (seed, i).
// Events: CrashEventWriter appends signed events of a fixed set of users; each thread owns its
// users, so it alone decides their timelines' order (prev links, timestamps). Every event's
// bytes are a pure function of (seed, n, bucket, user, prev) with n a number drawn from a
// shared counter: its id is "e<n>" and its timestamp kCrashTimeBaseMs + n, so ids never repeat
// and timestamps grow along every timeline as long as each run starts its counter above the
// last run's.
// CheckEventStore recomputes every timeline and the journal from the stored events alone (with
// engine/timeline/merkle.h's hashes) and compares them with everything the store reports.
// Nothing here uses GoogleTest: the child links only the engine. Errors come back as a Status
// whose message says what is wrong.
#ifndef DDC_TESTS_STORE_CRASH_BLOB_H_
#define DDC_TESTS_STORE_CRASH_BLOB_H_

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ddc/event.h"
#include "ddc/store.h"
#include "ddc/verify.h"
#include "engine/timeline/merkle.h"

namespace ddc::test {

// The tag every blob starts with: "#<i>;". The ';' ends the digits, so the parent can tell
// which blob any record is, whatever bytes follow.
inline std::string CrashBlobTag(uint64_t i) { return "#" + std::to_string(i) + ";"; }

// Blob i of a run with `seed`: its tag plus 0 to ~40 KiB, half compressible text, half random
// bytes. Every blob is distinct (the tag), so each acknowledged put is a new record.
inline std::string CrashBlobBytes(uint64_t seed, uint64_t i) {
  std::mt19937_64 rng(seed * 1000003u + i);
  const std::string tag = CrashBlobTag(i);
  const size_t size = tag.size() + rng() % (i % 7 == 0 ? 40000 : 3000);
  std::string out(size, '\0');
  if (rng() % 2 == 0) {
    for (size_t k = 0; k < size; ++k) out[k] = static_cast<char>('a' + (rng() % 4));
  } else {
    for (size_t k = 0; k < size; ++k) out[k] = static_cast<char>(rng());
  }
  out.replace(0, tag.size(), tag);
  return out;
}

// The index in the tag at the front of `bytes`; false when there is no well-formed tag.
inline bool ParseCrashBlobTag(std::string_view bytes, uint64_t* i) {
  if (bytes.size() < 3 || bytes[0] != '#') return false;
  uint64_t v = 0;
  for (size_t k = 1; k < bytes.size() && k <= 20; ++k) {
    const char c = bytes[k];
    if (c == ';') {
      if (k == 1) return false;
      *i = v;
      return true;
    }
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return false;
}

// ---- Events ----

inline constexpr uint64_t kCrashTimeBaseMs = 1700000000000;  // Timestamps start here.
inline constexpr uint32_t kCrashUsers = 8;                   // Users u = 0..7.
inline constexpr uint64_t kCrashBuckets[] = {7, 8, 9};
// The counter values of run r start at r * kCrashNumbersPerRun: far more than a run uses.
inline constexpr uint64_t kCrashNumbersPerRun = 1000000;

inline uint64_t CrashMix(uint64_t a, uint64_t b) {
  uint64_t z = a + 0x9e3779b97f4a7c15ull * (b + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

inline KeyPair CrashUserKey(uint64_t seed, uint32_t user) {
  std::array<uint8_t, 32> key_seed{};
  for (size_t i = 0; i < key_seed.size(); i += 8) {
    const uint64_t v = CrashMix(seed, user * 4 + i / 8);
    for (size_t k = 0; k < 8; ++k) key_seed[i + k] = static_cast<uint8_t>(v >> (8 * k));
  }
  return KeyPair::FromSeed(key_seed);
}

// Event n, unsigned: one sealed scope of random bytes (2 to 4 KiB when `large`, else up to
// about 300 bytes) and, for one in five, a public scope of text that zstd shrinks (so that
// event records are stored compressed too).
inline Event CrashEvent(uint64_t seed, uint64_t n, uint64_t bucket, const PublicKey& user,
                        const std::optional<Cid>& prev, bool large = false) {
  std::mt19937_64 rng(CrashMix(seed, n));
  Event e;
  e.bucket = bucket;
  e.user = user;
  e.id = "e" + std::to_string(n);
  e.timestamp_ms = kCrashTimeBaseMs + n;
  e.type = n % 3 == 0 ? "click" : "page_view";
  Scope sealed;
  sealed.name = "behaviour";
  sealed.key_version = 1 + static_cast<uint32_t>(rng() % 3);
  for (auto& b : sealed.nonce) b = static_cast<uint8_t>(rng());
  sealed.data.resize(kScopeTagBytes + (large ? 2048 + rng() % 2048 : rng() % 300));
  for (char& c : sealed.data) c = static_cast<char>(rng());
  e.scopes.push_back(std::move(sealed));
  if (rng() % 5 == 0) {
    Scope open;
    open.name = "public";
    open.sealed = false;
    static constexpr std::string_view kWords[] = {"view ", "click ", "scroll ", "{\"k\":1} "};
    const size_t size = 150 + rng() % 800;
    while (open.data.size() < size) open.data += kWords[rng() % std::size(kWords)];
    e.scopes.push_back(std::move(open));
  }
  e.prev = prev;
  return e;
}

inline std::string CrashHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

// An acknowledged append: what Append/AppendBatch returned OK with.
struct CrashEventAck {
  Cid cid;
  uint64_t bucket = 0;
  PublicKey user{};
  uint64_t position = 0;
  uint64_t journal_index = 0;
};
// An acknowledged Checkpoint().
struct CrashCheckpointAck {
  uint64_t size = 0;
  Cid cid;
};

// The child's acknowledgement lines: "e <journal index> <position> <bucket> <user hex> <cid>"
// and "c <size> <cid>".
inline std::string FormatEventAck(const CrashEventAck& a) {
  return "e " + std::to_string(a.journal_index) + " " + std::to_string(a.position) + " " +
         std::to_string(a.bucket) + " " + CrashHex(a.user) + " " + a.cid.ToString() + "\n";
}
inline std::string FormatCheckpointAck(const CrashCheckpointAck& a) {
  return "c " + std::to_string(a.size) + " " + a.cid.ToString() + "\n";
}

// Splits on single spaces.
inline std::vector<std::string> CrashFields(std::string_view line) {
  std::vector<std::string> out;
  for (size_t begin = 0;;) {
    const size_t end = line.find(' ', begin);
    out.emplace_back(line.substr(begin, end == std::string_view::npos ? end : end - begin));
    if (end == std::string_view::npos) return out;
    begin = end + 1;
  }
}

inline bool ParseCrashNumber(const std::string& s, uint64_t* v) {
  if (s.empty() || s.size() > 19) return false;
  *v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    *v = *v * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

// Parses an "e ..." line; false when it is not one.
inline bool ParseEventAck(std::string_view line, CrashEventAck* a) {
  const std::vector<std::string> f = CrashFields(line);
  if (f.size() != 6 || f[0] != "e" || !ParseCrashNumber(f[1], &a->journal_index) ||
      !ParseCrashNumber(f[2], &a->position) || !ParseCrashNumber(f[3], &a->bucket) ||
      f[4].size() != 64) {
    return false;
  }
  for (size_t i = 0; i < a->user.size(); ++i) {
    const std::string byte = f[4].substr(2 * i, 2);
    char* end = nullptr;
    a->user[i] = static_cast<uint8_t>(std::strtoul(byte.c_str(), &end, 16));
    if (end != byte.c_str() + 2) return false;
  }
  auto cid = Cid::Parse(f[5]);
  if (!cid.ok()) return false;
  a->cid = *cid;
  return true;
}

// Parses a "c ..." line; false when it is not one.
inline bool ParseCheckpointAck(std::string_view line, CrashCheckpointAck* a) {
  const std::vector<std::string> f = CrashFields(line);
  if (f.size() != 3 || f[0] != "c" || !ParseCrashNumber(f[1], &a->size)) return false;
  auto cid = Cid::Parse(f[2]);
  if (!cid.ok()) return false;
  a->cid = *cid;
  return true;
}

inline std::span<const uint8_t> CrashBytes(std::string_view s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// One thread's appender. Thread t of `threads` owns the users u with u % threads == t, in every
// bucket, so no other thread changes their timelines. Operations, drawn from (seed, first
// counter value, t): a single Append (half of them linked to the timeline's head), an
// AppendBatch of individually signed events (a timeline's events chained by prev links), a
// batch signed at once with SignBatch (its first event per timeline linked to the head) sent
// with AppendBatch, a re-send of an event acknowledged before (must say existed, same place),
// and now and then a Checkpoint().
// Not thread-safe: one writer per thread.
class CrashEventWriter {
 public:
  CrashEventWriter(Store* store, uint64_t seed, uint32_t thread, uint32_t threads,
                   std::atomic<uint64_t>* counter)
      : store_(store),
        seed_(seed),
        counter_(counter),
        rng_(CrashMix(seed, counter->load()) + thread) {
    for (uint32_t u = thread; u < kCrashUsers; u += threads) {
      users_.push_back(CrashUserKey(seed, u));
    }
  }

  // Reads the heads of this thread's timelines from the store (after a reopen).
  Status Start() {
    for (const KeyPair& user : users_) {
      for (uint64_t bucket : kCrashBuckets) {
        auto info = store_->Timeline(bucket, user.public_key);
        if (info.ok()) {
          heads_[Key(bucket, user.public_key)] = info->head;
        } else if (!info.status().IsNotFound()) {
          return info.status();
        }
      }
    }
    return Status::OK();
  }

  // One operation. Acknowledgements are appended to the vectors (when the store said OK).
  // Non-OK when the store refused something; an inconsistency in what it answered (a re-send
  // placed elsewhere, an acknowledgement for another event) is reported by inconsistency().
  Status Step(std::vector<CrashEventAck>* events, std::vector<CrashCheckpointAck>* checkpoints) {
    const uint64_t dice = rng_() % 100;
    if (dice < 4) {
      auto c = store_->Checkpoint();
      if (!c.ok()) return c.status();
      checkpoints->push_back(CrashCheckpointAck{c->size, c->cid});
      return Status::OK();
    }
    if (dice < 10 && !sent_.empty()) {
      const Sent& s = sent_[rng_() % sent_.size()];
      auto r = store_->Append(s.bytes);
      if (!r.ok()) return r.status();
      if (!r->existed || r->cid != s.ack.cid || r->position != s.ack.position ||
          r->journal_index != s.ack.journal_index) {
        inconsistency_ = "a re-sent event " + s.ack.cid.ToString() + " (journal " +
                         std::to_string(s.ack.journal_index) + ", position " +
                         std::to_string(s.ack.position) + ") came back as journal " +
                         std::to_string(r->journal_index) + ", position " +
                         std::to_string(r->position) + (r->existed ? "" : ", not existed");
      }
      events->push_back(s.ack);
      return Status::OK();
    }
    std::vector<std::string> batch;
    placed_.clear();
    if (dice < 50) {
      batch.push_back(Sign(NextEvent(rng_() % 2 == 0)));
    } else if (dice < 75) {
      for (uint64_t k = 0, n = 2 + rng_() % 5; k < n; ++k) batch.push_back(Sign(NextEvent(true)));
    } else {
      // One user's events signed as one batch: within it no event can link to another (the
      // links would be signed into the very CIDs they name), so only each timeline's first
      // event links to its head.
      const KeyPair& user = users_[rng_() % users_.size()];
      std::vector<Event> evs;
      std::set<uint64_t> linked;
      for (uint64_t k = 0, n = 2 + rng_() % 7; k < n; ++k) {
        const uint64_t bucket = kCrashBuckets[rng_() % std::size(kCrashBuckets)];
        std::optional<Cid> prev;
        auto head = heads_.find(Key(bucket, user.public_key));
        if (linked.insert(bucket).second && head != heads_.end()) prev = head->second;
        evs.push_back(CrashEvent(seed_, counter_->fetch_add(1), bucket, user.public_key, prev));
      }
      Status s = SignBatch(evs, user);
      if (!s.ok()) return s;
      for (const Event& e : evs) {
        auto bytes = EncodeEvent(e);
        if (!bytes.ok()) return bytes.status();
        heads_[Key(e.bucket, e.user)] = EventCid(CrashBytes(*bytes));
        placed_.push_back(Key(e.bucket, e.user));
        batch.push_back(std::move(*bytes));
      }
    }
    return Send(batch, batch.size() == 1 && rng_() % 2 == 0, events);
  }

  // An AppendBatch of `n` individually signed events of this thread's timelines, each linked
  // to its timeline's head, with large scopes: for workloads that must fill segments.
  Status StepBatch(uint64_t n, std::vector<CrashEventAck>* events) {
    std::vector<std::string> batch;
    placed_.clear();
    for (uint64_t k = 0; k < n; ++k) batch.push_back(Sign(NextEvent(true, /*large=*/true)));
    return Send(batch, /*single=*/false, events);
  }

  const std::string& inconsistency() const { return inconsistency_; }

 private:
  struct Sent {
    std::string bytes;
    CrashEventAck ack;
  };
  static std::pair<uint64_t, PublicKey> Key(uint64_t bucket, const PublicKey& user) {
    return {bucket, user};
  }

  // Appends `batch` (with Append when `single`, else AppendBatch) and acknowledges each event
  // the store accepted, up to the first it refused.
  Status Send(const std::vector<std::string>& batch, bool single,
              std::vector<CrashEventAck>* events) {
    std::vector<std::span<const uint8_t>> spans;
    for (const std::string& b : batch) spans.push_back(CrashBytes(b));
    if (placed_.size() != batch.size()) return Status::InvalidArgument("test bug: events unsigned");
    std::vector<Result<AppendResult>> results;
    if (single) {
      results.push_back(store_->Append(spans[0]));
    } else {
      results = store_->AppendBatch(spans);
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!results[i].ok()) return results[i].status();
      const Cid cid = EventCid(spans[i]);
      if (results[i]->cid != cid || results[i]->existed) {
        inconsistency_ = "a new event " + cid.ToString() + " was acknowledged as " +
                         results[i]->cid.ToString() + (results[i]->existed ? " (existed)" : "");
      }
      const CrashEventAck ack{cid, placed_[i].first, placed_[i].second, results[i]->position,
                              results[i]->journal_index};
      events->push_back(ack);
      if (sent_.size() < 64) sent_.push_back(Sent{batch[i], ack});
    }
    return Status::OK();
  }

  // The next event of a random owned timeline; with `link`, linked to its head (if any).
  // Becomes the head.
  std::pair<Event, const KeyPair*> NextEvent(bool link, bool large = false) {
    const KeyPair& user = users_[rng_() % users_.size()];
    const uint64_t bucket = kCrashBuckets[rng_() % std::size(kCrashBuckets)];
    std::optional<Cid> prev;
    auto head = heads_.find(Key(bucket, user.public_key));
    if (link && head != heads_.end()) prev = head->second;
    return {CrashEvent(seed_, counter_->fetch_add(1), bucket, user.public_key, prev, large), &user};
  }

  std::string Sign(std::pair<Event, const KeyPair*> e) {
    if (!SignEvent(&e.first, *e.second).ok()) return {};
    auto bytes = EncodeEvent(e.first);
    if (!bytes.ok()) return {};
    heads_[Key(e.first.bucket, e.first.user)] = EventCid(CrashBytes(*bytes));
    placed_.push_back(Key(e.first.bucket, e.first.user));
    return std::move(*bytes);
  }

  Store* const store_;
  const uint64_t seed_;
  std::atomic<uint64_t>* const counter_;
  std::mt19937_64 rng_;
  std::vector<KeyPair> users_;
  std::map<std::pair<uint64_t, PublicKey>, Cid> heads_;  // As this thread appended them.
  std::vector<Sent> sent_;                               // Acknowledged, for re-sends.
  std::vector<std::pair<uint64_t, PublicKey>> placed_;   // Timelines of the batch being sent.
  std::string inconsistency_;
};

// RFC 9162 roots of a growing list of leaf hashes, test-side: the perfect subtrees of the
// list (sizes = the bits of its length, largest first), folded from the right. O(log n) per
// root; CheckEventStore checks it against merkle.h's RootOfLeaves.
class CrashRootChain {
 public:
  void Add(const timeline::Hash& leaf_hash) {
    peaks_.emplace_back(1, leaf_hash);
    while (peaks_.size() >= 2 && peaks_[peaks_.size() - 2].first == peaks_.back().first) {
      const auto right = peaks_.back();
      peaks_.pop_back();
      peaks_.back() = {2 * right.first, timeline::NodeHash(peaks_.back().second, right.second)};
    }
  }
  timeline::Hash Root() const {
    if (peaks_.empty()) return timeline::EmptyRoot();
    timeline::Hash root = peaks_.back().second;
    for (size_t i = peaks_.size() - 1; i-- > 0;) root = timeline::NodeHash(peaks_[i].second, root);
    return root;
  }

 private:
  std::vector<std::pair<uint64_t, timeline::Hash>> peaks_;
};

// What a store's events are, recomputed from its records alone.
struct CrashEventImage {
  struct Line {
    std::vector<Cid> cids;
    std::vector<timeline::Hash> leaves;
    CrashRootChain chain;
    std::set<std::string> ids;
    uint64_t last_time_ms = 0;
  };
  std::vector<Cid> journal;  // Event CIDs in log (= journal) order.
  std::vector<timeline::Hash> journal_leaves;
  std::vector<timeline::Hash> journal_roots;  // journal_roots[s] = root at size s.
  std::map<std::pair<uint64_t, PublicKey>, Line> timelines;
  std::vector<Cid> checkpoints;  // Checkpoint records in log order.
};

inline Status CrashFail(const std::string& what) { return Status::Corruption(what); }

// Checks the open `store`: every record walks cleanly; every event decodes and verifies (each
// CID once per `verified` cache); each timeline is gap-free, its events come back from its
// iterator at their positions, and its size, head and root equal those recomputed from the
// events; the journal (the events in log order) gives the store's journal size and root; every
// checkpoint verifies under NodeVerifierKey() and its root is the recomputed journal root at
// its size, which is within the journal written before it; every acknowledged append is at
// its acknowledged position and journal index; every acknowledged checkpoint is listed.
// Fills `image`.
inline Status CheckEventStore(Store* store, std::span<const CrashEventAck> acked_events,
                              std::span<const CrashCheckpointAck> acked_checkpoints,
                              std::set<Cid>* verified, CrashEventImage* image) {
  CrashEventImage img;
  img.journal_roots.push_back(timeline::EmptyRoot());
  CrashRootChain journal_chain;
  std::vector<uint64_t> journal_at_checkpoint;  // Journal size before each checkpoint record.
  std::vector<std::string> notes;
  auto it = store->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string where = "record at segment " + std::to_string(it->segment()) + " offset " +
                              std::to_string(it->offset());
    const std::string_view value = it->value();
    if (Cid::Of(it->cid().codec(), value) != it->cid()) {
      return CrashFail(where + ": CID does not match its bytes");
    }
    if (it->cid().codec() == Codec::kRaw) {  // The event workloads store no blobs.
      img.checkpoints.push_back(it->cid());
      journal_at_checkpoint.push_back(img.journal.size());
      notes.emplace_back(value);
      continue;
    }
    const bool known = verified->count(it->cid()) != 0;
    auto e = known ? DecodeEvent(CrashBytes(value)) : DecodeAndVerifyEvent(CrashBytes(value));
    if (!e.ok()) return CrashFail(where + ": stored event: " + e.status().ToString());
    verified->insert(it->cid());
    CrashEventImage::Line& line = img.timelines[{e->bucket, e->user}];
    // The rules Append enforces, checked again on what survived.
    if (e->prev && (line.cids.empty() || *e->prev != line.cids.back())) {
      return CrashFail(where + ": event links to " + e->prev->ToString() +
                       ", not to the timeline's previous event");
    }
    if (!line.cids.empty() && e->timestamp_ms < line.last_time_ms) {
      return CrashFail(where + ": event time goes back in its timeline");
    }
    if (!line.ids.insert(e->id).second) {
      return CrashFail(where + ": event id \"" + e->id + "\" is stored twice in its timeline");
    }
    line.last_time_ms = e->timestamp_ms;
    const auto cid_bytes = it->cid().ToBytes();
    line.cids.push_back(it->cid());
    line.leaves.push_back(timeline::LeafHash(cid_bytes));
    line.chain.Add(line.leaves.back());
    const std::string leaf =
        JournalLeafData(e->bucket, e->user, line.cids.size() - 1, it->cid(), line.chain.Root());
    img.journal.push_back(it->cid());
    img.journal_leaves.push_back(timeline::LeafHash(CrashBytes(leaf)));
    journal_chain.Add(img.journal_leaves.back());
    img.journal_roots.push_back(journal_chain.Root());
  }
  if (!it->status().ok()) return CrashFail("record walk: " + it->status().ToString());

  // The test-side chain against merkle.h's reference definition.
  if (timeline::RootOfLeaves(img.journal_leaves) != img.journal_roots.back()) {
    return CrashFail("test bug: CrashRootChain disagrees with RootOfLeaves");
  }
  const JournalInfo journal = store->Journal();
  if (journal.size != img.journal.size() ||
      journal.root != timeline::RootOfLeaves(img.journal_leaves)) {
    return CrashFail("journal: the store says size " + std::to_string(journal.size) +
                     ", the log holds " + std::to_string(img.journal.size()) +
                     " events, or the roots differ");
  }
  size_t users = 0;
  for (const auto& [key, line] : img.timelines) {
    const std::string which =
        "timeline of bucket " + std::to_string(key.first) + " user " + CrashHex(key.second);
    auto info = store->Timeline(key.first, key.second);
    if (!info.ok()) return CrashFail(which + ": " + info.status().ToString());
    if (info->size != line.cids.size() || info->head != line.cids.back() ||
        info->root != timeline::RootOfLeaves(line.leaves)) {
      return CrashFail(which + ": size " + std::to_string(info->size) + ", head or root differ " +
                       "from the " + std::to_string(line.cids.size()) + " events in the log");
    }
    auto walk = store->NewTimelineIterator(key.first, key.second, TimelineSeek{});
    if (!walk.ok()) return CrashFail(which + ": iterator: " + walk.status().ToString());
    uint64_t expect = 0;
    for (; (*walk)->Valid(); (*walk)->Next(), ++expect) {
      if ((*walk)->position() != expect || expect >= line.cids.size() ||
          (*walk)->cid() != line.cids[expect]) {
        return CrashFail(which + ": position " + std::to_string((*walk)->position()) +
                         " is not the log's event " + std::to_string(expect));
      }
      // The record walk decoded and verified these bytes (same CID); the iterator decoded them.
      const Event& e = (*walk)->event();
      if (EventCid(CrashBytes((*walk)->bytes())) != line.cids[expect] || e.bucket != key.first ||
          e.user != key.second) {
        return CrashFail(which + ": event at position " + std::to_string(expect) +
                         " reads back wrong");
      }
    }
    if (!(*walk)->status().ok() || expect != line.cids.size()) {
      return CrashFail(which + ": the walk ended at position " + std::to_string(expect) + ": " +
                       (*walk)->status().ToString());
    }
    ++users;
  }
  size_t listed = 0;
  for (uint64_t bucket : store->Buckets()) {
    for (auto u = store->NewUserIterator(bucket); u->Valid(); u->Next()) ++listed;
  }
  if (listed != users) {
    return CrashFail("user iterators list " + std::to_string(listed) + " timelines, the log has " +
                     std::to_string(users));
  }

  for (const CrashEventAck& a : acked_events) {
    const std::string which = "acknowledged event " + a.cid.ToString() + " (journal " +
                              std::to_string(a.journal_index) + ", position " +
                              std::to_string(a.position) + ")";
    if (a.journal_index >= img.journal.size() || img.journal[a.journal_index] != a.cid) {
      return CrashFail(which + " is not at its journal index");
    }
    auto line = img.timelines.find({a.bucket, a.user});
    if (line == img.timelines.end() || a.position >= line->second.cids.size() ||
        line->second.cids[a.position] != a.cid) {
      return CrashFail(which + " is not at its position in its timeline");
    }
  }

  const std::vector<CheckpointRecord> listed_checkpoints = store->Checkpoints();
  if (listed_checkpoints.size() != img.checkpoints.size()) {
    return CrashFail("Checkpoints() lists " + std::to_string(listed_checkpoints.size()) +
                     ", the log holds " + std::to_string(img.checkpoints.size()));
  }
  const std::string key = store->NodeVerifierKey();
  for (size_t i = 0; i < img.checkpoints.size(); ++i) {
    const std::string which = "checkpoint " + img.checkpoints[i].ToString();
    auto c = VerifyCheckpoint(notes[i], key);
    if (!c.ok()) return CrashFail(which + ": " + c.status().ToString());
    if (listed_checkpoints[i].cid != img.checkpoints[i] || listed_checkpoints[i].note != notes[i]) {
      return CrashFail(which + ": Checkpoints() lists another one in its place");
    }
    if (c->size > journal_at_checkpoint[i]) {
      return CrashFail(which + " seals size " + std::to_string(c->size) + " but only " +
                       std::to_string(journal_at_checkpoint[i]) + " events precede it");
    }
    if (c->root != img.journal_roots[c->size]) {
      return CrashFail(which + ": root differs from the recomputed journal root at its size");
    }
  }
  std::set<Cid> present(img.checkpoints.begin(), img.checkpoints.end());
  for (const CrashCheckpointAck& a : acked_checkpoints) {
    if (present.count(a.cid) == 0) {
      return CrashFail("acknowledged checkpoint " + a.cid.ToString() + " of size " +
                       std::to_string(a.size) + " is gone");
    }
  }
  *image = std::move(img);
  return Status::OK();
}

// OK when `earlier` (an image of an earlier recovery) is a prefix of `later`: recovered events
// and checkpoints never vanish or move.
inline Status CheckEventPrefix(const CrashEventImage& earlier, const CrashEventImage& later) {
  if (later.journal.size() < earlier.journal.size() ||
      !std::equal(earlier.journal.begin(), earlier.journal.end(), later.journal.begin())) {
    return CrashFail("the journal of an earlier recovery (" +
                     std::to_string(earlier.journal.size()) +
                     " events) is not a prefix of the journal now (" +
                     std::to_string(later.journal.size()) + ")");
  }
  if (later.checkpoints.size() < earlier.checkpoints.size() ||
      !std::equal(earlier.checkpoints.begin(), earlier.checkpoints.end(),
                  later.checkpoints.begin())) {
    return CrashFail("checkpoints of an earlier recovery vanished");
  }
  return Status::OK();
}

}  // namespace ddc::test

#endif  // DDC_TESTS_STORE_CRASH_BLOB_H_
