// libFuzzer target for the dev chain's decoders of outside bytes: signed extrinsics (sent to
// author_submitExtrinsic), calls, blocks and headers (read from another node's chain). The first
// byte picks the decoder, the rest is its input. Beyond "no crash, no sanitizer report" it
// checks that an accepted input is the one canonical encoding of what it decodes to: encoding
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
  switch (data[0] % 4) {
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
    default:
      Check(chain::DecodeHeader(input), input,
            [](const chain::Header& h) { return chain::EncodeHeader(h); });
      break;
  }
  return 0;
}
