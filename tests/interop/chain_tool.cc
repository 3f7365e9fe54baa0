// ddc-chain-tool: a thin command-line face on engine/chain for tests/interop/chain_interop.mjs,
// which checks ddc's Substrate encodings against @polkadot/types and @polkadot/util-crypto.
//
// Reads one request per line from stdin and prints one line each:
//   extrinsic SEED CALL NONCE TIP PERIOD CURRENT GENESIS ERA_HASH SPEC TX [EXTENSIONS]
//       -> PAYLOAD SIGNATURE EXTRINSIC   (hex; PAYLOAD is what is signed, maybe hashed)
//       (PERIOD 0 = immortal; otherwise Era::Mortal(PERIOD, CURRENT); EXTENSIONS: the signed
//       extensions' identifiers joined by commas, default the standard set)
//   header PARENT NUMBER STATE_ROOT EXTRINSICS_ROOT SEAL
//       -> ENCODED HASH
//   decode EXTRINSIC  -> ok SIGNER NONCE TIP ERA CALL  or  error MESSAGE
//   metadata FILE     (FILE holds runtime metadata in hex) -> one line of JSON: version, type
//                     count, extrinsic version, signed extensions, pallets with their calls;
//                     or error MESSAGE
// Every argument in hex but the integers. Exit status 2 on a malformed request.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ddc/event.h"
#include "engine/base/hex.h"
#include "engine/chain/block.h"
#include "engine/chain/extrinsic.h"
#include "engine/chain/metadata.h"
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
    if (w[0] == "extrinsic" && (w.size() == 11 || w.size() == 12)) {
      ddc::chain::ExtensionSet extensions = ddc::chain::StandardExtensions();
      if (w.size() == 12) {
        extensions.identifiers.clear();
        std::istringstream list(w[11]);
        for (std::string id; std::getline(list, id, ',');) extensions.identifiers.push_back(id);
      }
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
      ddc::chain::SignExtrinsic(&e, key, ctx, extensions);
      if (!ddc::chain::VerifyExtrinsic(e, ctx, extensions).ok()) {
        Die("own signature does not verify");
      }
      const std::string sig(reinterpret_cast<const char*>(e.signature.data()), e.signature.size());
      const std::string encoded = ddc::chain::EncodeExtrinsic(e, extensions);
      auto back = ddc::chain::DecodeExtrinsic(AsByteSpan(encoded), extensions);
      if (!back.ok() || ddc::chain::EncodeExtrinsic(*back, extensions) != encoded) {
        Die("own extrinsic does not decode back");
      }
      std::cout << HexOf(ddc::chain::SigningBytes(e, ctx, extensions)) << " " << HexOf(sig) << " "
                << HexOf(encoded) << "\n";
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
    } else if (w[0] == "metadata" && w.size() == 2) {
      std::ifstream file(w[1]);
      std::string hex((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
      while (!hex.empty() && (hex.back() == '\n' || hex.back() == ' ')) hex.pop_back();
      if (hex.starts_with("0x")) hex.erase(0, 2);
      const std::string bytes = Bytes(hex);
      auto m = ddc::chain::DecodeMetadata(AsByteSpan(bytes));
      if (!m.ok()) {
        std::cout << "error " << m.status().message() << "\n";
      } else {
        nlohmann::json out = {{"version", m->version},
                              {"types", m->type_count},
                              {"extrinsic_version", m->extrinsic_version}};
        nlohmann::json extensions = nlohmann::json::array();
        for (const auto& e : m->signed_extensions) {
          extensions.push_back({{"identifier", e.identifier},
                                {"empty", e.type_is_empty},
                                {"additional_empty", e.additional_is_empty}});
        }
        out["signed_extensions"] = extensions;
        nlohmann::json pallets = nlohmann::json::array();
        for (const auto& p : m->pallets) {
          nlohmann::json calls = nlohmann::json::array();
          for (const auto& c : p.calls) calls.push_back({c.name, c.index});
          pallets.push_back({{"name", p.name}, {"index", p.index}, {"calls", calls}});
        }
        out["pallets"] = pallets;
        std::cout << out.dump() << "\n";
      }
    } else {
      Die("bad request: " + line);
    }
    std::cout.flush();
  }
  return 0;
}
