// Names: storing signed name records and answering the current record of a name
// (include/ddc/names.h).
//
// Name records are records of their own (type 6) on the group-commit path, like grants. Who
// may sign is checked on the caller's thread (the bucket's owner); whether the record may be
// written at all is decided by the group leader, which is the only writer: its sequence number
// must be above that of the name's current record, counting records committed before and
// records written earlier in the same group, so that two racing puts of one name cannot both
// win and the log holds every name's records in rising sequence order. A record becomes the
// current one once its group is durable.
//
// Only the current record of each name is kept in memory (and in events.snap, with the count
// of every name record of the log for the snapshot's consistency check): older records stay in
// the log, readable by CID.
#include <string>

#include "engine/base/hex.h"
#include "engine/base/macros.h"
#include "engine/store/store_impl.h"

namespace ddc {
namespace {

std::string NameOf(uint64_t bucket, std::string_view name) {
  return "name \"" + std::string(name) + "\" of bucket " + std::to_string(bucket);
}

}  // namespace

Result<PutNameResult> StoreImpl::PutName(std::span<const uint8_t> bytes) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  DDC_ASSIGN_OR_RETURN(NameRecord record, DecodeName(bytes));
  DDC_RETURN_IF_ERROR(VerifyName(record));
  const std::string bucket = std::to_string(record.bucket);
  if (!options_.bucket_owner) {
    return Status::PermissionDenied(
        "name record: this store has no bucket owner resolver (Options::bucket_owner), so it "
        "cannot tell whether " +
        Hex(record.signer) + " owns bucket " + bucket);
  }
  const std::optional<PublicKey> owner = options_.bucket_owner(record.bucket);
  if (!owner) {
    return Status::PermissionDenied("name record: no owner is known for bucket " + bucket +
                                    " (Options::bucket_owner answered none)");
  }
  if (record.signer != *owner) {
    return Status::PermissionDenied("name record: signed by " + Hex(record.signer) +
                                    ", not by the owner of bucket " + bucket + " (" + Hex(*owner) +
                                    ")");
  }
  StoredName stored;
  stored.cid = NameRecordCid(bytes);
  stored.record = std::move(record);
  stored.bytes.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  Prepared p[1];
  Prepare(bytes, Codec::kDagCbor, &p[0]);
  p[0].type = log::RecordType::kName;
  p[0].name = &stored;
  Submit(p);
  DDC_RETURN_IF_ERROR(p[0].status);
  return PutNameResult{stored.cid, p[0].dedup};
}

// REQUIRES: leader state.
void StoreImpl::CheckNameSequence(Prepared& p) {
  const NameRecord& r = p.name->record;
  const auto key = std::make_pair(r.bucket, r.name);
  const StoredName* current = nullptr;
  bool in_group = false;
  if (auto it = group_names_.find(key); it != group_names_.end()) {
    current = it->second;
    in_group = true;
  } else if (auto it2 = names_.find(key); it2 != names_.end()) {
    // The leader is the only writer of names_, so it reads without the lock.
    current = &it2->second;
  }
  if (current != nullptr && r.sequence <= current->record.sequence) {
    if (current->cid == p.cid) {
      p.dedup = true;
      p.dedup_in_group = in_group;
    } else {
      p.status = Status::Conflict("name record: sequence " + std::to_string(r.sequence) + " of " +
                                  NameOf(r.bucket, r.name) + " is not above the current record's " +
                                  std::to_string(current->record.sequence) + " (" +
                                  current->cid.ToString() + ")");
    }
  }
}

// REQUIRES: events_mu_ held exclusively (or Open alone), and `name` follows the current record.
void StoreImpl::ApplyName(const StoredName& name) {
  names_[std::make_pair(name.record.bucket, name.record.name)] = name;
  ++name_records_;
}

Status StoreImpl::ReplayName(const Cid& cid, std::span<const uint8_t> value,
                             const std::string& where) {
  auto record = DecodeName(value);
  if (!record.ok()) return Status::Corruption(where + ": stored " + record.status().message());
  auto it = names_.find(std::make_pair(record->bucket, record->name));
  if (it != names_.end() && record->sequence <= it->second.record.sequence) {
    return Status::Corruption(where + ": stored name record " + cid.ToString() + " of " +
                              NameOf(record->bucket, record->name) + " has sequence " +
                              std::to_string(record->sequence) + ", not above " +
                              std::to_string(it->second.record.sequence) + " of " +
                              it->second.cid.ToString() + " before it");
  }
  ApplyName(StoredName{cid, std::move(*record),
                       std::string(reinterpret_cast<const char*>(value.data()), value.size())});
  return Status::OK();
}

Result<StoredName> StoreImpl::GetName(uint64_t bucket, std::string_view name) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  DDC_RETURN_IF_ERROR(ValidateName(name));
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  auto it = names_.find(std::make_pair(bucket, std::string(name)));
  if (it == names_.end()) return Status::NotFound("no " + NameOf(bucket, name));
  return it->second;
}

std::vector<StoredName> StoreImpl::Names(uint64_t bucket) {
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  std::vector<StoredName> out;
  for (auto it = names_.lower_bound(std::make_pair(bucket, std::string()));
       it != names_.end() && it->first.first == bucket; ++it) {
    out.push_back(it->second);
  }
  return out;
}

}  // namespace ddc
