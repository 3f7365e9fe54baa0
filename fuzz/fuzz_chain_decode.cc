// libFuzzer target for the chain's decoders of outside bytes: signed extrinsics (sent to
// author_submitExtrinsic), calls, blocks and headers (read from another node's chain), and what
// the Substrate client reads from a chain it does not control: runtime metadata, System.Account
// values, Timestamp.set inherents and SS58 addresses. The first byte picks the decoder, the rest
// is its input. Beyond "no crash, no sanitizer report" it checks that an accepted extrinsic,
// call, block, header or address is the one canonical encoding of what it decodes to: encoding
// the result gives back exactly the input (so a hash of the bytes names one value), and that
// every rejection is InvalidArgument.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "engine/chain/block.h"
#include "engine/chain/calls.h"
#include "engine/chain/extrinsic.h"
#include "engine/chain/metadata.h"
#include "engine/chain/substrate.h"

namespace {

[[noreturn]] void Fail(const char* what, size_t size) {
  std::fprintf(stderr, "fuzz_chain_decode: %s for input of %zu bytes\n", what, size);
  std::abort();
}

template <typename T, typename Encode>
void Check(const ddc::Result<T>& decoded, std::span<const uint8_t> input, Encode encode) {
  if (!decoded.ok()) {
    if (!decoded.status().IsInvalidArgument()) Fail("error is not InvalidArgument", input.size());
    return;
  }
  const std::string again = encode(*decoded);
  if (again != std::string(reinterpret_cast<const char*>(input.data()), input.size())) {
    Fail("accepted input is not the canonical encoding of its value", input.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> input(data + 1, size - 1);
  namespace chain = ddc::chain;
  switch (data[0] % 8) {
    case 0:
      Check(chain::DecodeExtrinsic(input), input,
            [](const chain::Extrinsic& e) { return chain::EncodeExtrinsic(e); });
      break;
    case 1:
      Check(chain::DecodeCall(input), input,
            [](const chain::Call& c) { return chain::EncodeCall(c); });
      break;
    case 2:
      Check(chain::DecodeBlock(input), input,
            [](const chain::Block& b) { return chain::EncodeBlock(b); });
      break;
    case 3:
      Check(chain::DecodeHeader(input), input,
            [](const chain::Header& h) { return chain::EncodeHeader(h); });
      break;
    case 4: {
      const auto meta = chain::DecodeMetadata(input);
      if (!meta.ok() && !meta.status().IsInvalidArgument()) {
        Fail("metadata error is not InvalidArgument", size);
      }
      break;
    }
    case 5: {
      const auto account = chain::DecodeAccountStorage(input);
      if (!account.ok() && !account.status().IsInvalidArgument()) {
        Fail("System.Account error is not InvalidArgument", size);
      }
      if (account.ok() && input.size() != 80) Fail("System.Account of a wrong size accepted", size);
      break;
    }
    case 6: {
      const auto t = chain::TimestampOfInherent(input, 1, 0);
      if (!t.ok() && !t.status().IsNotFound() && !t.status().IsCorruption()) {
        Fail("inherent error is neither NotFound nor Corruption", size);
      }
      break;
    }
    default: {
      const std::string text(reinterpret_cast<const char*>(input.data()), input.size());
      uint16_t prefix = 0;
      const auto id = chain::Ss58Decode(text, &prefix);
      if (!id.ok()) {
        if (!id.status().IsInvalidArgument()) Fail("ss58 error is not InvalidArgument", size);
      } else if (chain::Ss58Encode(*id, prefix) != text) {
        Fail("accepted address is not the canonical encoding of its account", size);
      }
      break;
    }
  }
  return 0;
}
