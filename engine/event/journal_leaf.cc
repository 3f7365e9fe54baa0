// The journal leaf of one append (docs/FORMAT.md "Journal leaf").
#include <cstring>

#include "ddc/verify.h"
#include "engine/base/coding.h"

namespace ddc {

std::string JournalLeafData(uint64_t bucket, const PublicKey& user, uint64_t position,
                            const Cid& event_cid, const Hash32& timeline_root_after) {
  constexpr size_t kBytes = 1 + 8 + 32 + 8 + Cid::kBinaryBytes + 32;
  static_assert(kBytes == 119);
  std::string out(kBytes, '\0');
  auto* p = reinterpret_cast<uint8_t*>(out.data());
  p[0] = 1;  // Leaf format version.
  EncodeFixed64(p + 1, bucket);
  std::memcpy(p + 9, user.data(), user.size());
  EncodeFixed64(p + 41, position);
  const auto cid = event_cid.ToBytes();
  std::memcpy(p + 49, cid.data(), cid.size());
  std::memcpy(p + 87, timeline_root_after.data(), timeline_root_after.size());
  return out;
}

}  // namespace ddc
