// Grants and erasure: storing signed grants, applying signed tombstones, and what readers see
// afterwards (include/ddc/grants.h, include/ddc/erasure.h).
//
// Grants and tombstones are records of their own (types 4 and 5) on the group-commit path. A
// grant is listed once its group is durable. A tombstone is placed by the group leader — which
// events it erases is decided by its place in the log, exactly as a replay decides it, so that
// a whole-timeline tombstone covers the events written before it and none after — and applied
// once its group is durable: its events join `erased_`, which every read path consults, and the
// user's grants are destroyed. Shredding the user's master keys from the keystore happens in
// Erase after that.
#include <algorithm>
#include <string>

#include "ddc/keystore.h"
#include "engine/base/hex.h"
#include "engine/base/macros.h"
#include "engine/store/store_impl.h"
#include "engine/timeline/merkle.h"
#include "engine/timeline/merkle_tree.h"

namespace ddc {
namespace {

std::string TimelineName(uint64_t bucket, const PublicKey& user) {
  return "bucket " + std::to_string(bucket) + " user " + Hex(user);
}

}  // namespace

Status StoreImpl::CheckSigner(const PublicKey& signer, uint64_t bucket,
                              const std::optional<PublicKey>& user, std::string_view what) const {
  if (user && signer == *user) return Status::OK();
  if (options_.bucket_owner) {
    std::optional<PublicKey> owner = options_.bucket_owner(bucket);
    if (owner && signer == *owner) return Status::OK();
  }
  return Status::PermissionDenied(std::string(what) + ": signed by " + Hex(signer) +
                                  (user ? ", neither the user nor" : ", not") +
                                  " the owner of bucket " + std::to_string(bucket));
}

Status StoreImpl::CheckNotErased(const Cid& cid) const {
  if (cid.codec() != Codec::kDagCbor) return Status::OK();
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  if (auto it = erased_.find(cid); it != erased_.end()) {
    const TombstoneRecord& t = tombstones_[it->second.tombstone];
    return Status::Erased(cid.ToString() + " was erased by " + Hex(t.tombstone.signer) + " at " +
                          std::to_string(t.tombstone.timestamp_ms) + " ms (tombstone " +
                          t.cid.ToString() + ")");
  }
  if (auto it = grant_by_cid_.find(cid);
      it != grant_by_cid_.end() && grant_destroyed_[it->second]) {
    return Status::Erased("grant " + cid.ToString() + " was destroyed with its user's data");
  }
  return Status::OK();
}

// ---- Grants ----

Result<Cid> StoreImpl::PutGrant(std::span<const uint8_t> bytes) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  DDC_ASSIGN_OR_RETURN(Grant grant, DecodeGrant(bytes));
  DDC_RETURN_IF_ERROR(VerifyGrantSignature(grant));
  DDC_RETURN_IF_ERROR(CheckSigner(grant.granter, grant.bucket, grant.user, "grant"));
  GrantRecord record;
  record.cid = GrantCid(bytes);
  record.grant = std::move(grant);
  record.bytes.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (record.grant.user) {
    std::shared_lock<std::shared_mutex> lock(events_mu_);
    if (erased_timelines_.contains(TimelineKey{record.grant.bucket, *record.grant.user})) {
      return Status::Erased("grant: the timeline of " +
                            TimelineName(record.grant.bucket, *record.grant.user) + " was erased");
    }
  }
  Prepared p[1];
  Prepare(bytes, Codec::kDagCbor, &p[0]);
  p[0].type = log::RecordType::kGrant;
  p[0].grant = &record;
  Submit(p);
  DDC_RETURN_IF_ERROR(p[0].status);
  return record.cid;
}

void StoreImpl::ListGrant(const GrantRecord& grant) {
  if (grant_by_cid_.contains(grant.cid)) return;
  grant_by_cid_.emplace(grant.cid, grants_.size());
  grants_.push_back(grant);
  // A grant that reached the log after its user's erasure (a race with Erase) is destroyed
  // like the earlier ones, whatever order a replay sees them in.
  grant_destroyed_.push_back(grant.grant.user && erased_timelines_.contains(TimelineKey{
                                                     grant.grant.bucket, *grant.grant.user}));
}

void StoreImpl::ClearGrantsAndErasures() {
  grants_.clear();
  grant_destroyed_.clear();
  grant_by_cid_.clear();
  tombstones_.clear();
  tombstone_limits_.clear();
  erased_.clear();
  erased_timelines_.clear();
}

std::vector<GrantRecord> StoreImpl::GrantsForGrantee(const BoxPublicKey& grantee) {
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  std::vector<GrantRecord> out;
  for (size_t i = 0; i < grants_.size(); ++i) {
    if (!grant_destroyed_[i] && grants_[i].grant.grantee == grantee) out.push_back(grants_[i]);
  }
  return out;
}

std::vector<GrantRecord> StoreImpl::GrantsForScope(uint64_t bucket, std::string_view scope) {
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  std::vector<GrantRecord> out;
  for (size_t i = 0; i < grants_.size(); ++i) {
    const Grant& g = grants_[i].grant;
    if (!grant_destroyed_[i] && g.bucket == bucket && g.scope == scope) out.push_back(grants_[i]);
  }
  return out;
}

// ---- Erasure ----

Result<EraseResult> StoreImpl::Erase(std::span<const uint8_t> bytes) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  DDC_ASSIGN_OR_RETURN(Tombstone t, DecodeTombstone(bytes));
  DDC_RETURN_IF_ERROR(VerifyTombstoneSignature(t));
  DDC_RETURN_IF_ERROR(CheckSigner(t.signer, t.bucket, t.user, "tombstone"));
  const std::string name = TimelineName(t.bucket, t.user);
  {
    std::shared_lock<std::shared_mutex> lock(events_mu_);
    const TimelineState* state = events_.Find(t.bucket, t.user);
    if (state == nullptr) return Status::NotFound("tombstone: no timeline for " + name);
  }
  if (t.event) {
    // The event must be one of this timeline's: read it (an erased one answers Erased, which
    // makes a repeated tombstone idempotent below).
    Result<Event> event = GetEvent(*t.event);
    if (!event.ok() && !event.status().IsErased()) {
      return event.status().WithContext("tombstone");
    }
    if (event.ok() && (event->bucket != t.bucket || event->user != t.user)) {
      return Status::InvalidArgument("tombstone: event " + t.event->ToString() +
                                     " is not in the timeline of " + name);
    }
  }
  PendingErasure erasure;
  erasure.record.cid = TombstoneCid(bytes);
  erasure.record.tombstone = std::move(t);
  erasure.record.bytes.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  Prepared p[1];
  Prepare(bytes, Codec::kDagCbor, &p[0]);
  p[0].type = log::RecordType::kTombstone;
  p[0].erasure = &erasure;
  Submit(p);
  DDC_RETURN_IF_ERROR(p[0].status);
  EraseResult result;
  result.tombstone = erasure.record.cid;
  result.existed = p[0].dedup;
  result.events_erased = erasure.events.size();
  result.grants_destroyed = erasure.grants_destroyed;
  const Tombstone& done = erasure.record.tombstone;
  if (!done.event && options_.keystore != nullptr) {
    // Crypto-shredding: the user's master keys (every version) leave the keystore.
    const std::string prefix = "master/" + std::to_string(done.bucket) + "/" + Hex(done.user);
    size_t shredded = 0;
    Status s = options_.keystore->ShredPrefix(prefix, &shredded);
    if (!s.ok()) return s.WithContext("tombstone stored, but shredding the user's keys failed");
    result.keys_shredded = shredded;
  }
  return result;
}

// REQUIRES: leader state (or Open alone).
Status StoreImpl::PlaceTombstone(PendingErasure* erasure) const {
  const Tombstone& t = erasure->record.tombstone;
  erasure->events.clear();
  // The leader is the only writer of events_; it reads the assigned state without the lock.
  const TimelineState* state = events_.FindAssigned(t.bucket, t.user);
  if (state == nullptr) {
    erasure->limit = 0;
    return Status::OK();
  }
  const uint64_t size = std::min(state->assigned(), erasure->limit);
  erasure->limit = size;
  if (t.event) {
    const auto cid_bytes = t.event->ToBytes();
    const timeline::Hash leaf = timeline::LeafHash(cid_bytes);
    for (uint64_t pos = 0; pos < size; ++pos) {
      if (state->tree.PerfectNode(0, pos) == leaf) {
        erasure->events.emplace_back(*t.event, pos);
        break;
      }
    }
    return Status::OK();
  }
  erasure->events.reserve(size);
  for (uint64_t pos = 0; pos < size; ++pos) {
    DDC_ASSIGN_OR_RETURN(Cid cid, JournalEventCid(state->journal_indexes[pos]));
    erasure->events.emplace_back(cid, pos);
  }
  return Status::OK();
}

// REQUIRES: events_mu_ held exclusively (or Open alone).
void StoreImpl::ApplyErasure(PendingErasure* erasure) {
  const size_t index = tombstones_.size();
  tombstones_.push_back(erasure->record);
  tombstone_limits_.push_back(erasure->limit);
  const Tombstone& t = erasure->record.tombstone;
  auto& events = erasure->events;
  events.erase(std::remove_if(events.begin(), events.end(),
                              [&](const auto& e) { return erased_.contains(e.first); }),
               events.end());
  for (const auto& [cid, position] : events) erased_.emplace(cid, ErasedEvent{index, position});
  if (t.event) return;
  erased_timelines_.emplace(TimelineKey{t.bucket, t.user}, index);
  for (size_t i = 0; i < grants_.size(); ++i) {
    const Grant& g = grants_[i].grant;
    if (!grant_destroyed_[i] && g.bucket == t.bucket && g.user && *g.user == t.user) {
      grant_destroyed_[i] = true;
      ++erasure->grants_destroyed;
    }
  }
}

std::vector<TombstoneRecord> StoreImpl::Tombstones(uint64_t bucket, const PublicKey& user) {
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  std::vector<TombstoneRecord> out;
  for (const TombstoneRecord& r : tombstones_) {
    if (r.tombstone.bucket == bucket && r.tombstone.user == user) out.push_back(r);
  }
  return out;
}

Result<ErasureProof> StoreImpl::ProveErasure(const Cid& event) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  auto it = erased_.find(event);
  if (it == erased_.end()) return Status::NotFound(event.ToString() + " is not an erased event");
  const TombstoneRecord& t = tombstones_[it->second.tombstone];
  const TimelineState* state = events_.Find(t.tombstone.bucket, t.tombstone.user);
  if (state == nullptr) return Status::Corruption("erased event without a timeline");
  ErasureProof proof;
  proof.event = event;
  proof.bucket = t.tombstone.bucket;
  proof.user = t.tombstone.user;
  proof.position = it->second.position;
  proof.tombstone = t.bytes;
  proof.timeline_size = state->committed;
  proof.timeline_root = timeline::RootAt(state->tree, state->committed);
  proof.timeline_path = timeline::InclusionProof(state->tree, proof.position, state->committed);
  return proof;
}

// ---- Replay (called by Open alone) ----

Status StoreImpl::ReplayGrantOrTombstone(log::RecordType type, const Cid& cid,
                                         std::span<const uint8_t> value, const std::string& where,
                                         uint64_t limit) {
  if (type == log::RecordType::kGrant) {
    auto grant = DecodeGrant(value);
    if (!grant.ok())
      return Status::Corruption(where + ": stored grant: " + grant.status().message());
    GrantRecord record{cid, std::move(*grant),
                       std::string(reinterpret_cast<const char*>(value.data()), value.size())};
    ListGrant(record);
    return Status::OK();
  }
  auto tombstone = DecodeTombstone(value);
  if (!tombstone.ok()) {
    return Status::Corruption(where + ": stored tombstone: " + tombstone.status().message());
  }
  PendingErasure erasure;
  erasure.limit = limit;
  erasure.record =
      TombstoneRecord{cid, std::move(*tombstone),
                      std::string(reinterpret_cast<const char*>(value.data()), value.size())};
  Status placed = PlaceTombstone(&erasure);
  if (!placed.ok()) return placed.WithContext(where + ": stored tombstone");
  ApplyErasure(&erasure);
  return Status::OK();
}

}  // namespace ddc
