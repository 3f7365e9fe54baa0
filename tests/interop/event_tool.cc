// ddc-event-tool: a thin command-line face on include/ddc/event.h for
// tests/interop/event_interop.mjs, which checks ddc's events with @ipld/dag-cbor, multiformats
// and @noble/ed25519, and for printing the pinned vectors of tests/vectors/event_v1.json.
//
//   ddc-event-tool gen SEED COUNT  prints COUNT random signed events, one per line:
//                                    <hex of the encoded event> <CID>
//                                  single- and batch-signed, sealed and public scopes, with and
//                                  without prev; the same SEED prints the same events.
//   ddc-event-tool check           reads hex-encoded events, one per line, from stdin and prints
//                                  one line each: ok <CID>  or  error <message>
//                                  (DecodeAndVerifyEvent).
//   ddc-event-tool vectors         prints the pinned vectors as JSON.
//
// Exit status: 0 when the command ran (rejected events are output, not failures), 2 on a usage
// error.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/event.h"
#include "tests/event/event_testing.h"

namespace {

using ddc::test::AsBytes;
using ddc::test::ToHex;

constexpr const char kUsage[] =
    "usage: ddc-event-tool gen SEED COUNT\n"
    "       ddc-event-tool check < HEX-LINES\n"
    "       ddc-event-tool vectors\n";

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "ddc-event-tool: " << what << "\n";
  std::exit(1);
}

void PrintEvent(const ddc::Event& e) {
  const ddc::Result<std::string> bytes = ddc::EncodeEvent(e);
  if (!bytes.ok()) Die("cannot encode a generated event: " + bytes.status().ToString());
  std::cout << ToHex(*bytes) << " " << ddc::EventCid(AsBytes(*bytes)).ToString() << "\n";
}

int Gen(uint64_t seed, uint64_t count) {
  std::mt19937_64 rng(seed);
  // A few users, so that batches and single events come from different keys.
  std::vector<ddc::KeyPair> keys;
  for (int i = 0; i < 4; ++i) {
    std::array<uint8_t, 32> key_seed;
    for (uint8_t& b : key_seed) b = static_cast<uint8_t>(rng());
    keys.push_back(ddc::KeyPair::FromSeed(key_seed));
  }
  uint64_t made = 0;
  while (made < count) {
    const ddc::KeyPair& key = keys[rng() % keys.size()];
    const uint64_t left = count - made;
    const uint64_t n = rng() % 2 == 0 ? 1 : std::min<uint64_t>(left, 1 + rng() % 12);
    std::vector<ddc::Event> events;
    for (uint64_t i = 0; i < n; ++i) events.push_back(ddc::test::RandomEvent(rng, key.public_key));
    const ddc::Status s =
        n == 1 && rng() % 2 == 0 ? ddc::SignEvent(&events[0], key) : ddc::SignBatch(events, key);
    if (!s.ok()) Die("cannot sign: " + s.ToString());
    for (const ddc::Event& e : events) PrintEvent(e);
    made += n;
  }
  return 0;
}

int Check() {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() % 2 != 0 || line.find_first_not_of("0123456789abcdef") != std::string::npos) {
      std::cout << "error tool: line is not lower-case hex\n";
      continue;
    }
    const std::string bytes = ddc::test::FromHex(line);
    const ddc::Result<ddc::Event> event = ddc::DecodeAndVerifyEvent(AsBytes(bytes));
    if (event.ok()) {
      std::cout << "ok " << ddc::EventCid(AsBytes(bytes)).ToString() << "\n";
    } else {
      std::string message = event.status().message();
      for (char& c : message) {
        if (c == '\n') c = ' ';
      }
      std::cout << "error " << message << "\n";
    }
  }
  return 0;
}

int Vectors() {
  std::cout
      << "{\n  \"description\": \"Event format version 1 (docs/FORMAT.md). Fixed keys (ed25519 "
         "seeds) and fields, see VectorEvents() in tests/event/event_testing.h; "
         "tests/event/vectors_test.cc rebuilds them and compares every byte, "
         "tests/interop/event_interop.mjs checks them with @ipld/dag-cbor, multiformats "
         "and @noble/ed25519.\",\n  \"vectors\": [";
  bool first = true;
  for (const ddc::test::VectorEvent& v : ddc::test::VectorEvents()) {
    const std::string bytes = *ddc::EncodeEvent(v.event);
    const std::string signing = *ddc::EventSigningBytes(v.event);
    std::cout << (first ? "\n" : ",\n") << "    {\n"
              << "      \"name\": \"" << v.name << "\",\n"
              << "      \"seed_hex\": \"" << ToHex(v.seed) << "\",\n"
              << "      \"public_key_hex\": \"" << ToHex(v.event.user) << "\",\n"
              << "      \"signing_bytes_hex\": \"" << ToHex(signing) << "\",\n"
              << "      \"unsigned_cid\": \"" << ddc::UnsignedEventCid(v.event)->ToString()
              << "\",\n"
              << "      \"batch_root_hex\": \"" << (v.event.batch ? ToHex(v.event.batch->root) : "")
              << "\",\n"
              << "      \"signature_hex\": \"" << ToHex(v.event.signature) << "\",\n"
              << "      \"event_hex\": \"" << ToHex(bytes) << "\",\n"
              << "      \"cid\": \"" << ddc::EventCid(AsBytes(bytes)).ToString() << "\"\n"
              << "    }";
    first = false;
  }
  std::cout << "\n  ]\n}\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view command = argc >= 2 ? argv[1] : "";
  if (command == "gen" && argc == 4) {
    return Gen(std::strtoull(argv[2], nullptr, 10), std::strtoull(argv[3], nullptr, 10));
  }
  if (command == "check" && argc == 2) return Check();
  if (command == "vectors" && argc == 2) return Vectors();
  std::cerr << kUsage;
  return 2;
}
