// ddc-cid-tool: a thin command-line face on ddc::Cid for tests/interop/cid_interop.mjs, which
// compares it with the npm `multiformats` library byte for byte.
//
//   ddc-cid-tool of raw|dag-cbor FILE   prints the CID string of FILE's bytes.
//   ddc-cid-tool parse CID...           prints one line per argument:
//                                         ok <hex of the 32-byte digest> <codec name>
//                                         error <message>
//
// Exit status: 0 when the command ran (parse errors are output, not failures), 1 when FILE
// cannot be read, 2 on a usage error.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/cid.h"

namespace {

constexpr const char kUsage[] =
    "usage: ddc-cid-tool of raw|dag-cbor FILE\n"
    "       ddc-cid-tool parse CID...\n";

const char* CodecName(ddc::Codec codec) {
  switch (codec) {
    case ddc::Codec::kRaw:
      return "raw";
    case ddc::Codec::kDagCbor:
      return "dag-cbor";
  }
  return "unknown";
}

std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

int Of(std::string_view codec_name, const char* path) {
  ddc::Codec codec;
  if (codec_name == "raw") {
    codec = ddc::Codec::kRaw;
  } else if (codec_name == "dag-cbor") {
    codec = ddc::Codec::kDagCbor;
  } else {
    std::cerr << "ddc-cid-tool: unknown codec '" << codec_name << "' (raw or dag-cbor)\n" << kUsage;
    return 2;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "ddc-cid-tool: cannot open " << path << "\n";
    return 1;
  }
  const std::vector<char> data{std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>()};
  if (in.bad()) {
    std::cerr << "ddc-cid-tool: cannot read " << path << "\n";
    return 1;
  }
  std::cout << ddc::Cid::Of(codec, std::string_view(data.data(), data.size())).ToString() << "\n";
  return 0;
}

int Parse(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    const ddc::Result<ddc::Cid> cid = ddc::Cid::Parse(argv[i]);
    if (cid.ok()) {
      std::cout << "ok " << ToHex(cid->digest()) << " " << CodecName(cid->codec()) << "\n";
    } else {
      // One line per argument: a message never contains a newline, but make sure.
      std::string message = cid.status().message();
      for (char& c : message) {
        if (c == '\n') c = ' ';
      }
      std::cout << "error " << message << "\n";
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view command = argc >= 2 ? argv[1] : "";
  if (command == "of" && argc == 4) return Of(argv[2], argv[3]);
  if (command == "parse") return Parse(argc - 2, argv + 2);
  std::cerr << kUsage;
  return 2;
}
