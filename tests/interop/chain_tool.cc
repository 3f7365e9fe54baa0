// ddc-chain-tool: a thin command-line face on engine/chain for tests/interop/chain_interop.mjs,
// which checks ddc's Substrate encodings against @polkadot/types and @polkadot/util-crypto.
//
// Reads one request per line from stdin and prints one line each:
//   extrinsic SEED CALL NONCE TIP PERIOD CURRENT GENESIS ERA_HASH SPEC TX
//       -> PAYLOAD SIGNATURE EXTRINSIC   (hex; PAYLOAD is what is signed, maybe hashed)
//       (PERIOD 0 = immortal; otherwise Era::Mortal(PERIOD, CURRENT))
//   header PARENT NUMBER STATE_ROOT EXTRINSICS_ROOT SEAL
//       -> ENCODED HASH
//   decode EXTRINSIC  -> ok SIGNER NONCE TIP ERA CALL  or  error MESSAGE
// Every argument in hex but the integers. Exit status 2 on a malformed request.
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ddc/event.h"
#include "engine/base/hex.h"
#include "engine/chain/block.h"
#include "engine/chain/extrinsic.h"
#include "engine/chain/scale.h"

namespace {

using ddc::chain::AsByteSpan;

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "ddc-chain-tool: " << what << "\n";
  std::exit(2);
}

std::string Bytes(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  if (hex.size() % 2 != 0 ||
      !ddc::ParseHex(hex, std::span(reinterpret_cast<uint8_t*>(out.data()), out.size()))) {
    Die("bad hex: " + hex);
  }
  return out;
}

template <size_t N>
std::array<uint8_t, N> Fixed(const std::string& hex) {
  const std::string b = Bytes(hex);
  if (b.size() != N) Die("want " + std::to_string(N) + " bytes: " + hex);
  std::array<uint8_t, N> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

uint64_t Number(const std::string& s) {
  char* end = nullptr;
  const uint64_t v = std::strtoull(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0') Die("bad number: " + s);
  return v;
}

std::string HexOf(std::string_view bytes) { return ddc::Hex(AsByteSpan(bytes)); }

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::vector<std::string> w;
    for (std::string word; in >> word;) w.push_back(word);
    if (w.empty()) continue;
    if (w[0] == "extrinsic" && w.size() == 11) {
      const auto key = ddc::KeyPair::FromSeed(Fixed<32>(w[1]));
      ddc::chain::Extrinsic e;
      e.call = Bytes(w[2]);
      e.nonce = static_cast<uint32_t>(Number(w[3]));
      e.tip = Number(w[4]);
      const uint64_t period = Number(w[5]);
      e.era =
          period == 0 ? ddc::chain::Era::Immortal() : ddc::chain::Era::Mortal(period, Number(w[6]));
      ddc::chain::SigningContext ctx;
      ctx.genesis_hash = Fixed<32>(w[7]);
      ctx.era_block_hash = Fixed<32>(w[8]);
      ctx.spec_version = static_cast<uint32_t>(Number(w[9]));
      ctx.transaction_version = static_cast<uint32_t>(Number(w[10]));
      ddc::chain::SignExtrinsic(&e, key, ctx);
      if (!ddc::chain::VerifyExtrinsic(e, ctx).ok()) Die("own signature does not verify");
      const std::string sig(reinterpret_cast<const char*>(e.signature.data()), e.signature.size());
      std::cout << HexOf(ddc::chain::SigningBytes(e, ctx)) << " " << HexOf(sig) << " "
                << HexOf(ddc::chain::EncodeExtrinsic(e)) << "\n";
    } else if (w[0] == "header" && w.size() == 6) {
      ddc::chain::Header h;
      h.parent = Fixed<32>(w[1]);
      h.number = Number(w[2]);
      h.state_root = Fixed<32>(w[3]);
      h.extrinsics_root = Fixed<32>(w[4]);
      h.seal = Fixed<64>(w[5]);
      const auto hash = ddc::chain::BlockHash(h);
      std::cout << HexOf(ddc::chain::EncodeHeader(h)) << " " << ddc::Hex(hash) << "\n";
    } else if (w[0] == "decode" && w.size() == 2) {
      const std::string bytes = Bytes(w[1]);
      auto e = ddc::chain::DecodeExtrinsic(AsByteSpan(bytes));
      if (!e.ok()) {
        std::cout << "error " << e.status().message() << "\n";
      } else {
        std::cout << "ok " << (e->signer ? ddc::Hex(*e->signer) : "-") << " " << e->nonce << " "
                  << e->tip << " " << HexOf(ddc::chain::EncodeEra(e->era)) << " " << HexOf(e->call)
                  << "\n";
      }
    } else {
      Die("bad request: " + line);
    }
    std::cout.flush();
  }
  return 0;
}
