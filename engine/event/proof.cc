// verify.h: event proof bundles and store-free verification (docs/FORMAT.md "Event proof").
#include <string>

#include "ddc/verify.h"
#include "engine/base/macros.h"
#include "engine/event/cbor.h"
#include "engine/timeline/checkpoint.h"
#include "engine/timeline/merkle.h"
#include "engine/timeline/merkle_tree.h"

namespace ddc {
namespace {

constexpr uint64_t kEventProofVersion = 1;

std::span<const uint8_t> AsBytes(std::string_view s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

void WritePath(cbor::Writer* w, const std::vector<Hash32>& path) {
  w->ArrayHeader(path.size());
  for (const Hash32& h : path) w->Bytes(std::span<const uint8_t>(h));
}

Status Fail(size_t offset, const std::string& what) {
  return Status::InvalidArgument("event proof: " + what + " at byte " + std::to_string(offset));
}

Result<cbor::Item> Expect(cbor::Reader* r, cbor::Kind kind, const char* field) {
  auto item = r->Next();
  if (!item.ok()) return item.status().WithContext(std::string("event proof: ") + field);
  if (item->kind != kind) {
    return Fail(item->offset, std::string(field) + " is a " + cbor::KindName(item->kind) +
                                  ", want a " + cbor::KindName(kind));
  }
  return item;
}

Result<std::vector<Hash32>> ReadPath(cbor::Reader* r, const char* field) {
  DDC_ASSIGN_OR_RETURN(cbor::Item head, Expect(r, cbor::Kind::kArray, field));
  if (head.value > kMaxProofHashes) {
    return Fail(head.offset, std::string(field) + " has " + std::to_string(head.value) +
                                 " hashes, more than " + std::to_string(kMaxProofHashes));
  }
  std::vector<Hash32> out(head.value);
  for (Hash32& h : out) {
    DDC_ASSIGN_OR_RETURN(cbor::Item item, Expect(r, cbor::Kind::kBytes, field));
    if (item.data.size() != h.size()) {
      return Fail(item.offset, std::string(field) + " hash of " + std::to_string(item.data.size()) +
                                   " bytes, want 32");
    }
    std::copy(item.data.begin(), item.data.end(), h.begin());
  }
  return out;
}

}  // namespace

Result<std::string> EncodeEventProof(const EventProof& p) {
  if (p.timeline_path.size() > kMaxProofHashes || p.journal_path.size() > kMaxProofHashes) {
    return Status::InvalidArgument("event proof: a path is longer than kMaxProofHashes");
  }
  cbor::Writer w;
  w.Reserve(p.event.size() + p.checkpoint.size() + 64 * (p.timeline_path.size() + 2));
  // Keys in canonical order: v, jidx, event, jpath, tpath, position, checkpoint.
  w.MapHeader(7);
  w.Text("v");
  w.Uint(kEventProofVersion);
  w.Text("jidx");
  w.Uint(p.journal_index);
  w.Text("event");
  w.Bytes(p.event);
  w.Text("jpath");
  WritePath(&w, p.journal_path);
  w.Text("tpath");
  WritePath(&w, p.timeline_path);
  w.Text("position");
  w.Uint(p.position);
  w.Text("checkpoint");
  w.Text(p.checkpoint);
  if (w.bytes().size() > kMaxEventProofBytes) {
    return Status::InvalidArgument("event proof: encoding exceeds kMaxEventProofBytes");
  }
  return w.Take();
}

Result<EventProof> DecodeEventProof(std::span<const uint8_t> bytes) {
  if (bytes.size() > kMaxEventProofBytes) {
    return Status::InvalidArgument("event proof: " + std::to_string(bytes.size()) +
                                   " bytes exceed kMaxEventProofBytes");
  }
  cbor::Reader r(bytes);
  DDC_ASSIGN_OR_RETURN(cbor::Item map, Expect(&r, cbor::Kind::kMap, "top level"));
  static constexpr const char* kKeys[] = {"v",     "jidx",     "event",     "jpath",
                                          "tpath", "position", "checkpoint"};
  if (map.value != std::size(kKeys)) {
    return Fail(map.offset, "map has " + std::to_string(map.value) + " keys, want 7");
  }
  EventProof p;
  for (const char* want : kKeys) {
    DDC_ASSIGN_OR_RETURN(cbor::Item key, Expect(&r, cbor::Kind::kText, "key"));
    if (key.text() != want) {
      return Fail(key.offset,
                  "key \"" + std::string(key.text()) + "\" where \"" + want + "\" belongs");
    }
    const std::string field = want;
    if (field == "v") {
      DDC_ASSIGN_OR_RETURN(cbor::Item v, Expect(&r, cbor::Kind::kUint, "v"));
      if (v.value != kEventProofVersion) {
        return Fail(v.offset, "unknown version " + std::to_string(v.value));
      }
    } else if (field == "jidx") {
      DDC_ASSIGN_OR_RETURN(cbor::Item v, Expect(&r, cbor::Kind::kUint, "jidx"));
      p.journal_index = v.value;
    } else if (field == "event") {
      DDC_ASSIGN_OR_RETURN(cbor::Item v, Expect(&r, cbor::Kind::kBytes, "event"));
      p.event.assign(reinterpret_cast<const char*>(v.data.data()), v.data.size());
    } else if (field == "jpath") {
      DDC_ASSIGN_OR_RETURN(p.journal_path, ReadPath(&r, "jpath"));
    } else if (field == "tpath") {
      DDC_ASSIGN_OR_RETURN(p.timeline_path, ReadPath(&r, "tpath"));
    } else if (field == "position") {
      DDC_ASSIGN_OR_RETURN(cbor::Item v, Expect(&r, cbor::Kind::kUint, "position"));
      p.position = v.value;
    } else {
      DDC_ASSIGN_OR_RETURN(cbor::Item v, Expect(&r, cbor::Kind::kText, "checkpoint"));
      p.checkpoint = std::string(v.text());
    }
  }
  if (Status s = r.Finish(); !s.ok()) return s.WithContext("event proof");
  return p;
}

Hash32 MerkleLeafHash(std::span<const uint8_t> leaf_data) { return timeline::LeafHash(leaf_data); }

Status VerifyInclusionProof(uint64_t index, uint64_t size, const Hash32& leaf_hash,
                            std::span<const Hash32> proof, const Hash32& root) {
  return timeline::VerifyInclusion(index, size, leaf_hash, proof, root);
}

Status VerifyConsistencyProof(uint64_t old_size, uint64_t new_size, const Hash32& old_root,
                              const Hash32& new_root, std::span<const Hash32> proof) {
  return timeline::VerifyConsistency(old_size, new_size, old_root, new_root, proof);
}

Result<CheckpointRecord> VerifyCheckpoint(std::string_view note,
                                          std::string_view node_verifier_key) {
  DDC_ASSIGN_OR_RETURN(timeline::VerifierKey key, timeline::ParseVerifierKey(node_verifier_key));
  DDC_ASSIGN_OR_RETURN(timeline::Checkpoint c, timeline::VerifyCheckpointNote(note, key));
  CheckpointRecord out;
  out.note = std::string(note);
  out.origin = std::move(c.origin);
  out.size = c.size;
  out.root = c.root;
  out.time_ms = c.time_ms;
  out.cid = Cid::Of(Codec::kRaw, note);
  return out;
}

Result<VerifiedEvent> VerifyEventProof(const EventProof& proof,
                                       std::string_view node_verifier_key) {
  auto checkpoint = VerifyCheckpoint(proof.checkpoint, node_verifier_key);
  if (!checkpoint.ok()) return checkpoint.status().WithContext("event proof");
  auto event = DecodeAndVerifyEvent(AsBytes(proof.event));
  if (!event.ok()) return event.status().WithContext("event proof");
  VerifiedEvent out;
  out.cid = EventCid(AsBytes(proof.event));
  out.position = proof.position;
  if (proof.position == UINT64_MAX) {
    return Status::InvalidArgument("event proof: position out of range");
  }
  const auto cid_bytes = out.cid.ToBytes();
  auto root = timeline::RootFromInclusionProof(proof.position, proof.position + 1,
                                               timeline::LeafHash(cid_bytes), proof.timeline_path);
  if (!root.ok()) return root.status().WithContext("event proof: timeline path");
  out.timeline_root = *root;
  const std::string leaf =
      JournalLeafData(event->bucket, event->user, proof.position, out.cid, out.timeline_root);
  Status in_journal = timeline::VerifyInclusion(proof.journal_index, checkpoint->size,
                                                timeline::LeafHash(AsBytes(leaf)),
                                                proof.journal_path, checkpoint->root);
  if (!in_journal.ok()) {
    return in_journal.WithContext(
        "event proof: the append (bucket, user, position, event, timeline root) is not in the "
        "journal the checkpoint signs");
  }
  out.event = std::move(*event);
  out.journal_index = proof.journal_index;
  out.checkpoint_size = checkpoint->size;
  out.checkpoint_root = checkpoint->root;
  out.checkpoint_time_ms = checkpoint->time_ms;
  out.checkpoint_origin = checkpoint->origin;
  return out;
}

}  // namespace ddc
