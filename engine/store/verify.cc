// Store::Verify: a read-only check of a closed store, for `ddc verify` and operators.
//
// One pass over the log in order checks every record (checksums, sequence, CID) and feeds the
// typed ones to an EventAudit, which rebuilds the timelines and the journal exactly as an open
// does (EventState, the same rules as Append) but trusts nothing the open trusts: every event's
// signature is verified, and every checkpoint is checked against the journal rebuilt from the
// records before it and against the node key. Then the index snapshot is checked against the
// positions the pass collected.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

#include "engine/base/macros.h"
#include "engine/index/snapshot.h"
#include "engine/log/segment.h"
#include "engine/log/segment_reader.h"
#include "engine/store/compression.h"
#include "engine/store/event_state.h"
#include "engine/store/store_impl.h"
#include "engine/timeline/checkpoint.h"
#include "engine/timeline/merkle_tree.h"

namespace ddc {
namespace {

// Progress is reported about this often.
constexpr uint64_t kProgressEveryBytes = 8u << 20;
constexpr size_t kNodeKeySeedBytes = 32;

struct Position {
  uint64_t key;  // segment << 32 | offset
  uint32_t length;
  uint64_t tag;
  bool operator<(const Position& o) const { return key < o.key; }
};

std::string Where(uint32_t segment, uint64_t offset) {
  return log::SegmentFileName(segment) + " offset " + std::to_string(offset);
}

std::string_view AsText(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// The seed of the key that signs checkpoints: Options::node_key_seed, else the store's
// node.key, else empty (no key known: signatures cannot be checked). `source` names it.
Result<std::string> NodeKeySeed(io::FileSystem* fs, const Options& options, std::string* source) {
  if (!options.node_key_seed.empty()) {
    if (options.node_key_seed.size() != kNodeKeySeedBytes) {
      return Status::InvalidArgument("options: node_key_seed is " +
                                     std::to_string(options.node_key_seed.size()) +
                                     " bytes, want 32");
    }
    *source = "Options::node_key_seed";
    return options.node_key_seed;
  }
  const std::string path = options.dir + "/" + kNodeKeyFileName;
  DDC_ASSIGN_OR_RETURN(bool exists, fs->Exists(path));
  if (!exists) return std::string();
  DDC_ASSIGN_OR_RETURN(auto file, fs->Open(path, io::OpenMode::kRead));
  std::string seed(kNodeKeySeedBytes + 1, '\0');
  DDC_ASSIGN_OR_RETURN(
      size_t got, file->Read(0, std::span(reinterpret_cast<uint8_t*>(seed.data()), seed.size())));
  if (got != kNodeKeySeedBytes) {
    return Status::Corruption(std::string(kNodeKeyFileName) + " holds " + std::to_string(got) +
                              " bytes, want 32");
  }
  seed.resize(kNodeKeySeedBytes);
  *source = kNodeKeyFileName;
  return seed;
}

// Rebuilds the timelines and the journal from the typed records, in log order, and checks
// every event and checkpoint on the way. Every error is Corruption prefixed with the record's
// place in the log.
class EventAudit {
 public:
  EventAudit(std::string seed, std::string key_source)
      : seed_(std::move(seed)), key_source_(std::move(key_source)) {}

  Status AddEvent(const std::string& where, const Cid& cid, std::span<const uint8_t> bytes,
                  const index::Location& location) {
    if (cid.codec() != Codec::kDagCbor) {
      return Status::Corruption(where + ": event record keyed by " + cid.ToString() +
                                ", not a dag-cbor CID");
    }
    auto event = DecodeEvent(bytes);
    if (!event.ok()) {
      return Status::Corruption(where + ": event " + cid.ToString() +
                                " does not decode: " + event.status().message());
    }
    if (Status s = VerifySignature(*event); !s.ok()) {
      return Status::Corruption(where + ": event " + cid.ToString() +
                                " is not signed by its user: " + s.message());
    }
    auto cid_of = [this](uint64_t j) -> Result<Cid> { return journal_cids_[j]; };
    auto check = state_.CheckEvent(*event, cid, cid_of);
    if (!check.ok()) {
      return Status::Corruption(where + ": event " + cid.ToString() +
                                " breaks its timeline: " + check.status().message());
    }
    if (check->existed) {
      return Status::Corruption(where + ": event " + cid.ToString() +
                                " is stored twice (first as journal entry " +
                                std::to_string(check->journal_index) + ")");
    }
    state_.Assign(*event, cid, location);
    state_.Publish();
    journal_cids_.push_back(cid);
    return Status::OK();
  }

  Status AddCheckpoint(const std::string& where, const Cid& cid, std::string_view note) {
    if (cid.codec() != Codec::kRaw) {
      return Status::Corruption(where + ": checkpoint record keyed by " + cid.ToString() +
                                ", not a raw CID");
    }
    const std::string what = where + ": checkpoint " + cid.ToString();
    const size_t blank = note.rfind("\n\n");
    if (blank == std::string_view::npos) {
      return Status::Corruption(what + " has no signature block");
    }
    auto body = timeline::ParseCheckpointBody(note.substr(0, blank + 1));
    if (!body.ok()) return Status::Corruption(what + ": " + body.status().message());
    if (!seed_.empty()) {
      // The store signs with the key named by its origin; the name is part of the key id, so
      // the key is derived per origin.
      auto key = KeyFor(body->origin);
      if (!key.ok()) return Status::Corruption(what + ": " + key.status().message());
      auto verified = timeline::VerifyCheckpointNote(note, *key);
      if (verified.status().IsNotFound() && !seen_node_key_) {
        // Signed by another key before any checkpoint of the node key: the node key changed
        // since (Options::node_key_seed). Its signature cannot be checked here; its root still
        // is, below. Store::Verify fails when no checkpoint at all is by the node key.
        ++other_key_checkpoints_;
      } else if (verified.status().IsNotFound()) {
        return Status::Corruption(what + " does not verify under the node key (" + key_source_ +
                                  "): it is signed by another key, after checkpoints by the "
                                  "node key");
      } else if (!verified.ok()) {
        return Status::Corruption(what + " does not verify under the node key (" + key_source_ +
                                  "): " + verified.status().message());
      } else {
        seen_node_key_ = true;
      }
    }
    const uint64_t journal = state_.journal_assigned();
    if (body->size > journal) {
      return Status::Corruption(what + " seals journal size " + std::to_string(body->size) +
                                " but only " + std::to_string(journal) +
                                " events precede it in the log");
    }
    if (timeline::RootAt(state_.journal_tree(), body->size) != body->root) {
      return Status::Corruption(what + ": its root is not the root of the journal rebuilt from " +
                                "the log at size " + std::to_string(body->size));
    }
    ++checkpoints_;
    return Status::OK();
  }

  uint64_t events() const { return journal_cids_.size(); }
  uint64_t timelines() const { return state_.timelines(); }
  uint64_t batch_signatures() const { return verified_batches_.size(); }
  uint64_t checkpoints() const { return checkpoints_; }
  uint64_t other_key_checkpoints() const { return other_key_checkpoints_; }
  bool signatures_checked() const { return !seed_.empty(); }

 private:
  using BatchKey = std::tuple<PublicKey, Hash32, uint64_t, Signature>;

  // A batch-signed event: its path to the batch root, then the batch signature once per batch.
  Status VerifySignature(const Event& event) {
    if (!event.batch) return VerifyEventSignature(event);
    DDC_RETURN_IF_ERROR(VerifyBatchPath(event));
    BatchKey key{event.user, event.batch->root, event.batch->size, event.signature};
    if (verified_batches_.count(key) != 0) return Status::OK();
    DDC_RETURN_IF_ERROR(
        VerifyBatchSignature(event.user, event.batch->root, event.batch->size, event.signature));
    verified_batches_.insert(key);
    return Status::OK();
  }

  Result<timeline::VerifierKey> KeyFor(const std::string& origin) {
    auto it = keys_.find(origin);
    if (it != keys_.end()) return it->second;
    auto signer = timeline::NoteSigner::FromSeed(
        origin, std::span(reinterpret_cast<const uint8_t*>(seed_.data()), seed_.size()));
    if (!signer.ok()) return signer.status();
    keys_.emplace(origin, signer->verifier_key());
    return signer->verifier_key();
  }

  const std::string seed_;
  const std::string key_source_;
  EventState state_;
  std::vector<Cid> journal_cids_;  // Journal index -> event CID.
  std::set<BatchKey> verified_batches_;
  std::map<std::string, timeline::VerifierKey> keys_;  // By checkpoint origin.
  uint64_t checkpoints_ = 0;
  uint64_t other_key_checkpoints_ = 0;  // Signed by another key than the node's.
  bool seen_node_key_ = false;          // A checkpoint verified under the node key.
};

// Every segment of `dir` in id order, headers checked, contiguous and of one store.
Status OpenSegments(io::FileSystem* fs, const std::string& dir, std::vector<uint32_t>* ids,
                    std::vector<log::OpenedSegment>* segs, uint64_t* bytes_total) {
  DDC_ASSIGN_OR_RETURN(std::vector<std::string> names, fs->ListDir(dir));
  for (const std::string& name : names) {
    uint32_t id = 0;
    if (log::ParseSegmentFileName(name, &id)) ids->push_back(id);
  }
  std::sort(ids->begin(), ids->end());
  if (ids->empty()) return Status::NotFound(dir + ": no ddc store (no segment files)");
  for (size_t i = 0; i < ids->size(); ++i) {
    const uint32_t id = (*ids)[i];
    if (i > 0 && id != (*ids)[i - 1] + 1) {
      return Status::Corruption(log::SegmentFileName((*ids)[i - 1] + 1) + " is missing");
    }
    auto seg = log::OpenSegment(fs, dir, id, /*writable=*/false);
    if (!seg.ok()) return seg.status();
    if (i > 0 && seg->header.store_id != segs->front().header.store_id) {
      return Status::Corruption(log::SegmentFileName(id) + " belongs to another store");
    }
    *bytes_total += seg->size;
    segs->push_back(std::move(seg).value());
  }
  return Status::OK();
}

// The snapshot must point exactly at records of the log, with the right lengths and tags,
// and cover a prefix of it.
Status CheckSnapshot(io::FileSystem* fs, const std::string& dir, std::vector<Position> positions,
                     VerifyReport* report) {
  auto snap = index::ReadSnapshot(fs, dir);
  if (!snap.ok()) {
    if (!snap.status().IsNotFound()) {
      const std::string note =
          "index snapshot unusable (" + snap.status().message() + "); the next open rebuilds it";
      report->notes = report->notes.empty() ? note : report->notes + "; " + note;
    }
    return Status::OK();
  }
  std::sort(positions.begin(), positions.end());
  uint64_t covered = 0;
  const uint64_t limit = static_cast<uint64_t>(snap->meta.segment) << 32 | snap->meta.offset;
  for (const index::Slot& slot : snap->index.slots()) {
    if (slot.length == 0) continue;
    const uint64_t key = (slot.tag_segment & 0xffff) << 32 | slot.offset;
    auto it = std::lower_bound(positions.begin(), positions.end(), Position{key, 0, 0});
    if (it == positions.end() || it->key != key || it->length != slot.length ||
        it->tag != slot.tag_segment >> 16 || key >= limit) {
      return Status::Corruption("index.snap: an entry points at " +
                                Where(static_cast<uint32_t>(key >> 32), slot.offset) +
                                " where the log has no such record");
    }
    ++covered;
  }
  report->snapshot_checked = true;
  for (const Position& p : positions) {
    if (p.key < limit) --covered;
  }
  if (covered != 0) {
    return Status::Corruption("index.snap: entry count does not match the records it covers");
  }
  return Status::OK();
}

// The signer of a grant or tombstone is the user or, when the options say who owns the bucket,
// its owner.
Status CheckRecordSigner(const Options& options, const std::string& where, std::string_view what,
                         const PublicKey& signer, uint64_t bucket,
                         const std::optional<PublicKey>& user) {
  if (user && signer == *user) return Status::OK();
  if (options.bucket_owner) {
    std::optional<PublicKey> owner = options.bucket_owner(bucket);
    if (owner && signer == *owner) return Status::OK();
    return Status::Corruption(where + ": stored " + std::string(what) +
                              " is signed by neither the user nor the bucket's owner");
  }
  return Status::OK();  // Owners unknown to this verifier: the signature alone was checked.
}

Status CheckGrant(const Options& options, const std::string& where, std::span<const uint8_t> raw) {
  auto grant = DecodeGrant(raw);
  if (!grant.ok()) return Status::Corruption(where + ": stored " + grant.status().message());
  Status sig = VerifyGrantSignature(*grant);
  if (!sig.ok()) return Status::Corruption(where + ": stored " + sig.message());
  return CheckRecordSigner(options, where, "grant", grant->granter, grant->bucket, grant->user);
}

Status CheckTombstone(const Options& options, const std::string& where,
                      std::span<const uint8_t> raw) {
  auto t = DecodeTombstone(raw);
  if (!t.ok()) return Status::Corruption(where + ": stored " + t.status().message());
  Status sig = VerifyTombstoneSignature(*t);
  if (!sig.ok()) return Status::Corruption(where + ": stored " + sig.message());
  return CheckRecordSigner(options, where, "tombstone", t->signer, t->bucket, t->user);
}

// Name records: decoded, signature verified, signed by the bucket's owner when the options say
// who that is, and each name's sequence numbers rising in log order (what PutName enforces).
class NameAudit {
 public:
  explicit NameAudit(const Options& options) : options_(options) {}

  Status Add(const std::string& where, const Cid& cid, std::span<const uint8_t> raw) {
    if (cid.codec() != Codec::kDagCbor) {
      return Status::Corruption(where + ": name record keyed by " + cid.ToString() +
                                ", not a dag-cbor CID");
    }
    auto r = DecodeName(raw);
    if (!r.ok()) return Status::Corruption(where + ": stored " + r.status().message());
    Status sig = VerifyName(*r);
    if (!sig.ok()) return Status::Corruption(where + ": stored " + sig.message());
    if (options_.bucket_owner) {
      std::optional<PublicKey> owner = options_.bucket_owner(r->bucket);
      if (!owner || r->signer != *owner) {
        return Status::Corruption(where + ": stored name record of \"" + r->name +
                                  "\" is not signed by the owner of bucket " +
                                  std::to_string(r->bucket));
      }
    }
    auto [it, added] = last_.try_emplace(std::make_pair(r->bucket, r->name), r->sequence, where);
    if (!added) {
      if (r->sequence <= it->second.first) {
        return Status::Corruption(where + ": stored name record of \"" + r->name + "\" in bucket " +
                                  std::to_string(r->bucket) + " has sequence " +
                                  std::to_string(r->sequence) + ", not above " +
                                  std::to_string(it->second.first) + " of the record at " +
                                  it->second.second);
      }
      it->second = {r->sequence, where};
    }
    ++count_;
    return Status::OK();
  }

  uint64_t count() const { return count_; }

 private:
  const Options& options_;
  // Per (bucket, name): the sequence of its last record and where that record is.
  std::map<std::pair<uint64_t, std::string>, std::pair<uint64_t, std::string>> last_;
  uint64_t count_ = 0;
};

}  // namespace

Result<VerifyReport> Store::Verify(const Options& options,
                                   const std::function<void(const VerifyProgress&)>& progress) {
  if (options.dir.empty()) return Status::InvalidArgument("verify: dir is empty");
  DDC_ASSIGN_OR_RETURN(io::FileSystem * fs, ChooseFileSystem(options, [&](const std::string& line) {
                         LogLine(options, line);
                       }));
  const std::string& dir = options.dir;
  DDC_ASSIGN_OR_RETURN(bool exists, fs->Exists(dir));
  if (!exists) return Status::NotFound(dir + ": no such directory");
  DDC_ASSIGN_OR_RETURN(auto lock, fs->Lock(dir + "/" + kLockFileName));

  VerifyReport report;
  VerifyProgress prog;
  std::vector<uint32_t> ids;
  std::vector<log::OpenedSegment> segs;
  DDC_RETURN_IF_ERROR(OpenSegments(fs, dir, &ids, &segs, &prog.bytes_total));
  std::string key_source;
  DDC_ASSIGN_OR_RETURN(std::string seed, NodeKeySeed(fs, options, &key_source));
  EventAudit audit(std::move(seed), std::move(key_source));
  NameAudit names(options);

  std::vector<Position> positions;
  uint64_t next_sequence = segs.front().header.first_sequence;
  uint64_t last_report = 0;
  std::string value;
  for (size_t i = 0; i < segs.size(); ++i) {
    const uint32_t id = ids[i];
    const std::string name = log::SegmentFileName(id);
    if (segs[i].header.first_sequence != next_sequence) {
      return Status::Corruption(name + ": first sequence " +
                                std::to_string(segs[i].header.first_sequence) + ", expected " +
                                std::to_string(next_sequence));
    }
    log::SegmentReader reader(segs[i].file.get(), name, log::kSegmentHeaderBytes, segs[i].size,
                              next_sequence);
    log::ScannedRecord rec;
    while (reader.Next(&rec)) {
      const std::string where = Where(id, rec.offset);
      auto cid = Cid::FromBytes(rec.key);
      if (!cid.ok()) {
        return Status::Corruption(where + ": key is not a CID: " + cid.status().message());
      }
      std::span<const uint8_t> raw = rec.value;
      if ((rec.header.flags & log::kFlagZstd) != 0) {
        DDC_RETURN_IF_ERROR(
            Decompress(rec.value, rec.header.raw_length, &value).WithContext(where));
        raw = std::span(reinterpret_cast<const uint8_t*>(value.data()), value.size());
      }
      if (Cid::Of(cid->codec(), raw) != *cid) {
        return Status::Corruption(where + ": bytes do not hash to their CID " + cid->ToString());
      }
      const uint32_t length = static_cast<uint32_t>(rec.header.on_disk_bytes());
      if (rec.header.type == log::RecordType::kEvent) {
        DDC_RETURN_IF_ERROR(audit.AddEvent(
            where, *cid, raw, index::Location{id, static_cast<uint32_t>(rec.offset), length}));
      } else if (rec.header.type == log::RecordType::kCheckpoint) {
        DDC_RETURN_IF_ERROR(audit.AddCheckpoint(where, *cid, AsText(raw)));
      } else if (rec.header.type == log::RecordType::kGrant) {
        DDC_RETURN_IF_ERROR(CheckGrant(options, where, raw));
        ++report.grants;
      } else if (rec.header.type == log::RecordType::kTombstone) {
        DDC_RETURN_IF_ERROR(CheckTombstone(options, where, raw));
        ++report.tombstones;
      } else if (rec.header.type == log::RecordType::kName) {
        DDC_RETURN_IF_ERROR(names.Add(where, *cid, raw));
      }
      positions.push_back(Position{static_cast<uint64_t>(id) << 32 | rec.offset, length,
                                   index::CidIndex::Tag(*cid)});
      ++report.records;
      prog.records = report.records;
      prog.events = audit.events();
      const uint64_t done = report.log_bytes + rec.offset + rec.header.on_disk_bytes();
      if (progress && done - last_report >= kProgressEveryBytes) {
        prog.bytes_done = done;
        progress(prog);
        last_report = done;
      }
    }
    next_sequence = reader.next_sequence();
    if (reader.stop() == log::SegmentReader::Stop::kDamaged && i + 1 == segs.size()) {
      DDC_RETURN_IF_ERROR(log::ExamineDamage(segs[i].file.get(), name, reader.good_end(),
                                             segs[i].size, next_sequence - 1));
      report.notes = "torn tail of " + std::to_string(segs[i].size - reader.good_end()) +
                     " bytes at " + Where(id, reader.good_end()) +
                     " (unacknowledged; the next open truncates it)";
    } else if (reader.stop() != log::SegmentReader::Stop::kCleanEnd) {
      return reader.status();
    }
    report.log_bytes += segs[i].size;
  }
  report.segments = static_cast<uint32_t>(segs.size());
  report.events = audit.events();
  report.timelines = audit.timelines();
  report.names = names.count();
  report.batch_signatures = audit.batch_signatures();
  report.checkpoints = audit.checkpoints();
  report.checkpoint_signatures_checked = audit.signatures_checked();
  report.other_key_checkpoints = audit.other_key_checkpoints();
  if (report.checkpoint_signatures_checked && report.checkpoints > 0 &&
      report.other_key_checkpoints == report.checkpoints) {
    return Status::Corruption("none of the " + std::to_string(report.checkpoints) +
                              " checkpoints verifies under the node key: each is signed by "
                              "another key");
  }
  if (report.other_key_checkpoints > 0) {
    const std::string note = std::to_string(report.other_key_checkpoints) +
                             " checkpoint(s) signed by another key than the node's (an earlier "
                             "node key?): their signatures were not checked, their roots were";
    report.notes = report.notes.empty() ? note : report.notes + "; " + note;
  }
  if (!audit.signatures_checked() && report.checkpoints > 0) {
    const std::string note = "checkpoint signatures not checked: no node key (" +
                             std::string(kNodeKeyFileName) + " is absent)";
    report.notes = report.notes.empty() ? note : report.notes + "; " + note;
  }
  prog.bytes_done = report.log_bytes;
  prog.events = report.events;
  if (progress) progress(prog);
  DDC_RETURN_IF_ERROR(CheckSnapshot(fs, dir, std::move(positions), &report));
  return report;
}

}  // namespace ddc
