// CAR v1 framing and the timeline object (docs/FORMAT.md, "CAR export").
#include "engine/event/car.h"

#include <array>
#include <string>

#include "engine/base/coding.h"
#include "engine/base/macros.h"
#include "engine/event/cbor.h"

namespace ddc::car {
namespace {

// Appends the header's DAG-CBOR map, keys in canonical order ("roots" is shorter than
// "version").
void WriteHeaderMap(std::span<const Cid> roots, cbor::Writer* w) {
  w->MapHeader(2);
  w->Text("roots");
  w->ArrayHeader(roots.size());
  for (const Cid& root : roots) w->CidLink(root);
  w->Text("version");
  w->Uint(kCarVersion);
}

}  // namespace

void AppendVarint(uint64_t value, std::string* out) {
  std::array<uint8_t, kMaxVarint64Bytes> buf{};
  const size_t n = EncodeVarint64(buf.data(), value);
  out->append(reinterpret_cast<const char*>(buf.data()), n);
}

Status AppendHeader(std::span<const Cid> roots, std::string* out) {
  if (roots.empty() || roots.size() > kMaxRoots) {
    return Status::InvalidArgument("car: a header needs 1.." + std::to_string(kMaxRoots) +
                                   " roots, got " + std::to_string(roots.size()));
  }
  cbor::Writer w;
  WriteHeaderMap(roots, &w);
  AppendVarint(w.bytes().size(), out);
  out->append(w.bytes());
  return Status::OK();
}

void AppendBlock(const Cid& cid, std::string_view data, std::string* out) {
  const std::array<uint8_t, Cid::kBinaryBytes> binary = cid.ToBytes();
  AppendVarint(binary.size() + data.size(), out);
  out->append(reinterpret_cast<const char*>(binary.data()), binary.size());
  out->append(data);
}

std::string EncodeTimelineObject(const TimelineObject& object) {
  cbor::Writer w;
  // Each link is 2 bytes of tag and length, 1 byte of prefix and the binary CID; the fixed
  // fields take under 100 bytes.
  w.Reserve(128 + object.events.size() * (Cid::kBinaryBytes + 4));
  w.MapHeader(6);
  // Canonical key order: v, root, size, user, bucket, events.
  w.Text("v");
  w.Uint(kTimelineObjectVersion);
  w.Text("root");
  w.Bytes(object.root);
  w.Text("size");
  w.Uint(object.events.size());
  w.Text("user");
  w.Bytes(object.user);
  w.Text("bucket");
  w.Uint(object.bucket);
  w.Text("events");
  w.ArrayHeader(object.events.size());
  for (const Cid& cid : object.events) w.CidLink(cid);
  return w.Take();
}

Cid TimelineObjectCid(std::string_view encoded) { return Cid::Of(Codec::kDagCbor, encoded); }

Status Writer::Emit(std::string_view bytes) {
  if (!status_.ok()) return status_;
  status_ = sink_(bytes);
  if (status_.ok()) bytes_written_ += bytes.size();
  return status_;
}

Status Writer::WriteHeader(std::span<const Cid> roots) {
  if (!status_.ok()) return status_;
  if (header_written_) return Status::InvalidArgument("car: header written twice");
  frame_.clear();
  DDC_RETURN_IF_ERROR(AppendHeader(roots, &frame_));
  header_written_ = true;
  return Emit(frame_);
}

Status Writer::WriteBlock(const Cid& cid, std::string_view data) {
  if (!status_.ok()) return status_;
  if (!header_written_) return Status::InvalidArgument("car: block written before the header");
  // The frame (varint and CID) goes out on its own so that the data is never copied.
  frame_.clear();
  const std::array<uint8_t, Cid::kBinaryBytes> binary = cid.ToBytes();
  AppendVarint(binary.size() + data.size(), &frame_);
  frame_.append(reinterpret_cast<const char*>(binary.data()), binary.size());
  DDC_RETURN_IF_ERROR(Emit(frame_));
  DDC_RETURN_IF_ERROR(Emit(data));
  ++blocks_written_;
  return Status::OK();
}

}  // namespace ddc::car
