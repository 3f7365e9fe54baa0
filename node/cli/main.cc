// ddc: the command-line tool for a ddc store.
//
//   ddc blob put --dir DIR [FILE|-]     store a file (or stdin), print its CID
//   ddc blob get --dir DIR CID          write the blob's bytes to stdout
//   ddc stats --dir DIR [--json]        counts, sizes, index RAM per record
//   ddc verify --dir DIR [--chain URL]  check every record; non-zero exit names the first bad one
//   ddc demo [--dir DIR]                store and read back sample data, saying what it does
//
// Events (event_commands.cc), timelines and checkpoints (timeline_commands.cc), proofs
// (proof_commands.cc) and CAR export (export_car.cc):
//   ddc key gen [-o FILE]               new ed25519 user key (hex seed, mode 0600); public key
//                                       on stderr
//   ddc key pub FILE                    the key's public key in hex
//   ddc event make --key FILE --bucket N --id ID --type T [--time MS] [--prev CID]
//                  [--public NAME=FILE]... [--sealed NAME=FILE]... [-o FILE]
//                                       build and sign an event, write its encoded bytes
//   ddc event put --dir DIR [FILE|-]    append an encoded event; print CID, position, journal
//   ddc event get --dir DIR CID [--json]
//   ddc timeline --dir DIR --user HEX [--bucket N] [--from POS | --since MS] [--backward]
//                [--limit N] [--json]
//   ddc users --dir DIR --bucket N      users of a bucket, timeline size and root
//   ddc checkpoint --dir DIR [--list]   sign a checkpoint of the journal, or list them
//   ddc node-key --dir DIR              the node's checkpoint verifier key
//   ddc prove --dir DIR CID [-o FILE]   the event's proof bundle (needs a checkpoint)
//   ddc verify-proof (--key KEY | --key-file FILE) [FILE|-]
//                                       check a bundle with the verifier key alone
//   ddc export car --dir DIR --user HEX [--bucket N] [-o FILE]
//                                       a user's timeline as a CAR v1 file
//
// Encryption, sharing and erasure (crypto_commands.cc, keys in keystore_cli.h's keystore):
//   ddc keygen, seal, open, grant, grants, erase, import v0 (see kUsage below)
//
// Signed names (name_commands.cc): ddc name set, name get, names (see kUsage below)
// The chain (chain_commands.cc): ddc chain status|account|buckets|clusters|anchors|bucket|
// transfer|deposit|withdraw|block (see kUsage below)
//
// Client mode (remote.h): with --node URL (or $DDC_NODE) the commands talk to a running
// ddc-node over HTTP instead of opening --dir; tokens (token_commands.cc) and bucket
// registration (remote_buckets.cc) go with it.
//
// Binary output (event bytes, proofs, CAR files) is never written to a terminal. Errors go to
// stderr as one line "ddc: <what>"; the exit code is 1 for errors, 2 for usage.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "ddc/chain.h"
#include "ddc/store.h"
#include "engine/base/macros.h"
#include "engine/timeline/base64.h"
#include "node/cli/cli.h"
#include "node/cli/remote.h"
#include "node/server/substrate_chain.h"

namespace ddc::cli {
namespace {

constexpr char kUsage[] =
    "usage: ddc <command> [options]\n"
    "\n"
    "commands:\n"
    "  blob put --dir DIR [FILE|-]   store FILE (or standard input) and print its CID\n"
    "  blob get --dir DIR CID        write the blob's bytes to standard output\n"
    "  stats --dir DIR [--json]      show what the store holds\n"
    "  verify --dir DIR [--chain URL]  check every record, the CIDs and the index snapshot, a\n"
    "                                node's dev chain and anchors; with --chain, its anchors on\n"
    "                                that Substrate chain\n"
    "  demo [--dir DIR]              store and read back sample data (default dir: "
    "$XDG_DATA_HOME/ddc/demo or ~/.local/share/ddc/demo)\n"
    "\n"
    "  key gen [-o FILE]             new user key (hex seed, mode 0600); public key on stderr\n"
    "  key pub FILE                  print the key's public key (hex)\n"
    "  event make --key FILE --bucket N --id ID --type T [--time MS] [--prev CID]\n"
    "             [--public NAME=FILE]... [--sealed NAME=FILE]... [-o FILE]\n"
    "                                build and sign an event; --sealed files hold\n"
    "                                nonce (24 bytes) || ciphertext, key version 1\n"
    "  event put --dir DIR [FILE|-]  append an encoded event, print its CID and position\n"
    "  event get --dir DIR CID [--json]\n"
    "                                write the event's bytes, or show it as JSON\n"
    "  timeline --dir DIR --user HEX [--bucket N] [--from POS | --since MS] [--backward]\n"
    "           [--limit N] [--json] list a user's events (every bucket without --bucket)\n"
    "  users --dir DIR --bucket N    users of a bucket with timeline size and root\n"
    "  checkpoint --dir DIR [--list] sign a checkpoint of the journal and print it, or list\n"
    "                                the stored ones (size, time, CID)\n"
    "  node-key --dir DIR            print the node's checkpoint verifier key\n"
    "  prove --dir DIR CID [-o FILE] write the event's proof bundle\n"
    "  verify-proof (--key KEY | --key-file FILE) [FILE|-]\n"
    "                                check a proof bundle without the store\n"
    "  export car --dir DIR --user HEX [--bucket N] [-o FILE]\n"
    "                                write the user's timeline as a CAR v1 file\n"
    "\n"
    "encryption, sharing and erasure (keys live in a passphrase-encrypted keystore):\n"
    "  keygen (--sign NAME | --box NAME | --master --bucket N [--user HEX] [--rotate])\n"
    "                                add a key to the keystore (created if missing): sign/NAME\n"
    "                                (prints the ed25519 public key), box/NAME (prints the\n"
    "                                X25519 public key), a master key of a user or, without\n"
    "                                --user, of the app (version 1; --rotate: next version)\n"
    "  seal --policy FILE --user NAME --bucket N --id ID --type T [--time MS] [--prev CID]\n"
    "       [-o FILE | --dir DIR] [JSON-FILE|-]\n"
    "                                split a JSON object into scopes by the policy, seal them\n"
    "                                under the master key, sign with sign/NAME; write the event\n"
    "                                or append it (prev: the timeline's last event); print CID\n"
    "  open (--dir DIR CID | EVENT-FILE|-) [--json]\n"
    "                                open with every master and scope key held; print the\n"
    "                                JSON object, or with --json the event with \"data\" and\n"
    "                                each scope's outcome (opened, no_key, wrong_key, ...)\n"
    "  grant --dir DIR --granter NAME --to X25519HEX --bucket N [--user HEX] --scope S\n"
    "        [--kv V] [--bucket-owner HEX]\n"
    "                                share one scope key (default: newest version) with a box\n"
    "                                key; without --user, the app key's (needs the owner)\n"
    "  grants --dir DIR (--grantee HEX | --bucket N --scope S) [--json]\n"
    "                                list grants: cid, bucket, user (* = all), scope, version,\n"
    "                                grantee, granter, time\n"
    "  grants --dir DIR --accept --box NAME\n"
    "                                unwrap every grant for box/NAME into scope/... entries\n"
    "  erase --dir DIR --signer NAME --bucket N --user HEX [--event CID] [--reason TEXT]\n"
    "        [--bucket-owner HEX]    sign a tombstone and erase one event or the timeline; a\n"
    "                                timeline's erasure also shreds the user's master keys\n"
    "  import v0 --policy FILE --user NAME --bucket N (--scheme-a-master HEX --scope NAME |\n"
    "            --scheme-b-master TEXT --path JSONPATH | --plain) [--type T]\n"
    "            [--dir DIR | -o FILE] V0-JSON-FILE\n"
    "                                check a 2021 v0 event's signature and re-sign it as a v1\n"
    "                                event: data (hex when sealed) becomes the JSON, the record\n"
    "                                is kept in scope \"v0\"; time: the v0 timestamp if it is\n"
    "                                decimal milliseconds, else now\n"
    "  Every command above that needs keys takes --keystore FILE (default: $DDC_KEYSTORE, else\n"
    "  <data dir>/keys) and --passphrase-file FILE (its first line; default: $DDC_PASSPHRASE).\n"
    "  Entries: sign/NAME, box/NAME, master/BUCKET/USERHEX, master/BUCKET,\n"
    "  scope/BUCKET/(USERHEX|*)/SCOPE/VERSION. DDC_KEYSTORE_FAST=1 creates keystores with the\n"
    "  cheapest Argon2id limits: for tests only.\n"
    "\n"
    "signed names (a bucket's name -> CID pointers, signed by the bucket's owner):\n"
    "  name set --dir DIR [--keystore FILE] --signer NAME --bucket N --name S --cid CID\n"
    "           [--ttl SECONDS] [--seq N] [--bucket-owner HEX]\n"
    "                                sign with sign/NAME (the owner: --bucket-owner tells the\n"
    "                                store) and store; seq: the current one + 1 (1 if new);\n"
    "                                ttl: 3600; names are 1..255 bytes of a-z 0-9 - _ . /\n"
    "  name get --dir DIR --bucket N --name S [--json]\n"
    "                                print the name's target CID, or the whole record\n"
    "  names --dir DIR --bucket N [--json]\n"
    "                                list the bucket's names: name, target, seq, ttl, time,\n"
    "                                signer\n"
    "\n"
    "client mode: the commands against a running ddc-node instead of a data dir, with the same\n"
    "output (ddc [GLOBAL OPTIONS] <command> ...; global options may stand before or after the\n"
    "command name):\n"
    "  --node URL                    the node, http://HOST[:PORT] (default: $DDC_NODE, unless\n"
    "                                the command line names --dir); https is not supported\n"
    "  --as NAME                     sign requests with the keystore key sign/NAME; without\n"
    "                                --token, with a 5-minute token it issues itself for the\n"
    "                                command's bucket (the bucket owner's way)\n"
    "  --token FILE                  an access token (default: $DDC_TOKEN, the token's text);\n"
    "                                needs --as naming the token's subject\n"
    "  --timeout-ms MS               time for each request (default 30000)\n"
    "  Remote: blob put|get, stats (the node's counts), event put [FILE|-]... (several: one\n"
    "  batch), event get, timeline (no --since/--backward), users, checkpoint [--list],\n"
    "  node-key, prove, export car, seal (built here, appended there), open CID, grant,\n"
    "  grants, erase, name set|get and names (records signed here, checked when read). blob\n"
    "  put|get, event get and prove take --bucket N: the bucket to charge a blob to and to\n"
    "  issue the --as token for. Local only: verify, demo, import.\n"
    "  token issue --as OWNER --bucket N --to HEX --ops read,write[,seal,open]\n"
    "              [--expires 24h|ISO|MS] [--delegate] [-o FILE]\n"
    "                                a token from the bucket's owner to the ed25519 key HEX\n"
    "                                (expires: a duration, a UTC time or Unix ms; default 24h)\n"
    "  token delegate --token FILE --as HOLDER --to HEX --ops OPS [--expires ...] [--delegate]\n"
    "                                pass on a narrower token (default: the token's expiry)\n"
    "  token show [FILE|-]           the token's links and what it grants, as JSON\n"
    "  bucket create --node URL --as OWNER --bucket N [--public | --private]\n"
    "                                register bucket N, owned by sign/OWNER (default private)\n"
    "  bucket show --node URL --bucket N [--json]\n"
    "                                the bucket's owner and visibility\n"
    "\n"
    "the chain (docs/chain.md): with --node URL that node's chain, else the dev chain in a\n"
    "stopped node's data dir (--dir DIR, default <data dir>/node):\n"
    "  chain status                  chain name, genesis, best block, authority, anchors\n"
    "  chain account HEX             an account's free balance, deposit and nonce\n"
    "  chain buckets | clusters      the buckets and clusters on the chain\n"
    "  chain anchors [--from N] [--limit N]\n"
    "                                anchored checkpoints: block, time, submitter\n"
    "  chain bucket create ID --cluster C [--private] | bucket remove ID\n"
    "  chain transfer HEX AMOUNT | deposit AMOUNT | withdraw AMOUNT\n"
    "                                transactions, signed with --as NAME (sign/NAME of the\n"
    "                                keystore) or --key FILE (a hex seed, as key gen writes)\n"
    "  chain usage NODEHEX ERA       a node's usage report: charged, unpaid, per-bucket lines\n"
    "  chain payout CLUSTER ERA      pay out an era's escrow (the cluster's manager signs)\n"
    "  chain block                   seal a block now\n"
    "\n"
    "  help                          this text\n";

int BlobPut(Args& args) {
  const std::string dir = args.Option("--dir");
  std::vector<std::string> rest = args.Positionals();
  if (dir.empty() || rest.size() > 1 || args.HasUnknown())
    return Usage("blob put --dir DIR [FILE|-]");
  const std::string path = rest.empty() ? "-" : rest[0];
  auto bytes = ReadInput(path);
  if (!bytes.ok()) return Fail(bytes.status());
  auto store = OpenStore(dir, /*create=*/true);
  if (!store.ok()) return Fail(store.status());
  auto cid = (*store)->PutBlob(std::string_view(*bytes));
  if (!cid.ok()) return Fail(cid.status());
  Status closed = (*store)->Close();
  if (!closed.ok()) return Fail(closed);
  std::printf("%s\n", cid->ToString().c_str());
  return 0;
}

int BlobGet(Args& args) {
  const std::string dir = args.Option("--dir");
  std::vector<std::string> rest = args.Positionals();
  if (dir.empty() || rest.size() != 1 || args.HasUnknown()) return Usage("blob get --dir DIR CID");
  auto cid = Cid::Parse(rest[0]);
  if (!cid.ok()) return Fail(cid.status());
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  auto value = (*store)->Get(*cid);
  if (!value.ok()) return Fail(value.status());
  return WriteStdout(*value) ? 0 : Fail(Status::IOError("writing standard output failed"));
}

int Stats(Args& args) {
  const std::string dir = args.Option("--dir");
  const bool json = args.Flag("--json");
  if (dir.empty() || !args.Positionals().empty() || args.HasUnknown())
    return Usage("stats --dir DIR [--json]");
  auto store = OpenStore(dir, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  StoreStats s = (*store)->Stats();
  std::printf("%s", (json ? StatsJson(s) : StatsText(s)).c_str());
  Status closed = (*store)->Close();
  return closed.ok() ? 0 : Fail(closed);
}

// The key that signs the store's checkpoints (and its anchors), from its verifier key.
Result<PublicKey> CheckpointKey(Store& store) {
  const std::string vkey = store.NodeVerifierKey();
  const size_t plus = vkey.find('+');
  auto raw = timeline::Base64Decode(vkey.substr(vkey.find('+', plus + 1) + 1));
  if (!raw.ok() || raw->size() != 33) {
    return Status::Corruption("the store's verifier key " + vkey + " is malformed");
  }
  PublicKey node_key{};
  std::copy(raw->begin() + 1, raw->end(), node_key.begin());
  return node_key;
}

Result<std::unique_ptr<Store>> OpenExisting(const std::string& dir) {
  Options options;
  options.dir = dir;
  options.create_if_missing = false;
  return Store::Open(options);
}

// Calls `check` with every checkpoint of the store in `dir` that `chain` has anchored, and the
// key that signs the store's checkpoints. Prints nothing; returns how many it checked.
using AnchorCheck = std::function<Status(const CheckpointRecord& checkpoint,
                                         const chain::AnchorInfo& anchor, const PublicKey& key)>;
struct AnchorCount {
  uint64_t anchored = 0;
  size_t checkpoints = 0;
};
Result<AnchorCount> CheckAnchors(chain::Chain& chain, const std::string& dir,
                                 const AnchorCheck& check) {
  DDC_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenExisting(dir));
  DDC_ASSIGN_OR_RETURN(const PublicKey key, CheckpointKey(*store));
  AnchorCount count;
  const std::vector<CheckpointRecord> checkpoints = store->Checkpoints();
  count.checkpoints = checkpoints.size();
  for (const CheckpointRecord& cp : checkpoints) {
    Result<chain::AnchorInfo> anchor = chain.FindAnchor(cp.note);
    if (!anchor.ok()) {
      if (anchor.status().IsNotFound()) continue;
      return anchor.status();
    }
    if (Status s = check(cp, *anchor, key); !s.ok()) {
      return s.WithContext("checkpoint of size " + std::to_string(cp.size));
    }
    ++count.anchored;
  }
  return count;
}

// The anchors a node made on a Substrate chain (DIR/substrate-anchors), checked against that
// chain at `url` (--chain): every anchored checkpoint's block is finalized there with the
// recorded hash and time and holds the node's remark of exactly the checkpoint's bytes.
int VerifySubstrateAnchors(const std::string& dir, const std::string& url) {
  const std::string file = dir + "/substrate-anchors";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (url.empty()) return 0;
    return Fail(Status::NotFound(file + " is missing: this node anchored nothing on a "
                                        "Substrate chain"));
  }
  if (url.empty()) {
    std::printf("note: %s lists anchors on a Substrate chain; pass --chain URL to check them\n",
                file.c_str());
    return 0;
  }
  node::SubstrateChainOptions options;
  options.url = url;
  options.anchors_file = file;
  options.anchors_read_only = true;
  auto opened = node::OpenSubstrateChain(options);
  if (!opened.ok()) return Fail(opened.status().WithContext("substrate chain"));
  chain::Chain& c = **opened;
  auto info = c.Info();
  if (!info.ok()) return Fail(info.status());
  auto count = CheckAnchors(
      c, dir,
      [&c](const CheckpointRecord& cp, const chain::AnchorInfo& anchor, const PublicKey& key) {
        if (anchor.submitter != key) {
          return Status::Failed("anchored by another key than the one signing checkpoints");
        }
        return node::VerifySubstrateAnchor(&c, anchor, cp.note);
      });
  if (!count.ok()) return Fail(count.status());
  std::printf(
      "ok: substrate chain %s (finalized block %llu); %llu of %zu checkpoints anchored, every "
      "anchor found there as recorded\n",
      info->name.c_str(), static_cast<unsigned long long>(info->best.number),
      static_cast<unsigned long long>(count->anchored), count->checkpoints);
  return 0;
}

// The node's dev chain beside the store (a ddc-node data dir), if there is one: opening it
// replays and checks every block; then every checkpoint that is anchored must have an anchor
// proof that verifies, submitted by the key that signs the checkpoints.
int VerifyAnchors(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir + "/chain/blocks.log", ec)) return 0;
  chain::DevChainOptions chain_options;
  chain_options.dir = dir + "/chain";
  auto opened = chain::OpenDevChain(chain_options);
  if (!opened.ok()) return Fail(opened.status().WithContext("chain"));
  chain::Chain& c = **opened;
  auto info = c.Info();
  if (!info.ok()) return Fail(info.status());
  const PublicKey authority = info->authority;
  auto count =
      CheckAnchors(c, dir,
                   [&c, &authority](const CheckpointRecord& cp, const chain::AnchorInfo& anchor,
                                    const PublicKey& key) -> Status {
                     DDC_ASSIGN_OR_RETURN(const chain::AnchorProof proof, c.ProveAnchor(anchor));
                     return chain::VerifyAnchorProof(proof, cp.note, authority, key).status();
                   });
  if (!count.ok()) return Fail(count.status());
  std::printf(
      "ok: chain %s, %llu blocks replayed; %llu of %zu checkpoints anchored, every anchor "
      "proof verified\n",
      info->name.c_str(), static_cast<unsigned long long>(info->best.number) + 1,
      static_cast<unsigned long long>(count->anchored), count->checkpoints);
  return 0;
}

int Verify(Args& args) {
  const std::string dir = args.Option("--dir");
  const std::string chain_url = args.Option("--chain");
  if (dir.empty() || !args.Positionals().empty() || args.HasUnknown())
    return Usage("verify --dir DIR [--chain SUBSTRATE-URL]");
  Options options;
  options.dir = dir;
  const bool tty = isatty(2) != 0;
  auto started = std::chrono::steady_clock::now();
  auto report = Store::Verify(options, [&](const VerifyProgress& p) {
    // Small stores finish before a progress line would help anyone.
    if (p.bytes_total < (64u << 20)) return;
    const double pct = p.bytes_total == 0 ? 100.0
                                          : 100.0 * static_cast<double>(p.bytes_done) /
                                                static_cast<double>(p.bytes_total);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "%sverify: %5.1f%%  %llu records  %.1f MiB  %.1fs%s", tty ? "\r" : "", pct,
                 static_cast<unsigned long long>(p.records),
                 static_cast<double>(p.bytes_done) / (1 << 20), secs, tty ? "" : "\n");
  });
  if (tty && report.ok() && report->log_bytes >= (64u << 20)) std::fprintf(stderr, "\n");
  if (!report.ok()) return Fail(report.status());
  std::printf("ok: %u segments, %llu records, %llu log bytes, index snapshot %s\n",
              report->segments, static_cast<unsigned long long>(report->records),
              static_cast<unsigned long long>(report->log_bytes),
              report->snapshot_checked ? "verified" : "absent");
  if (!report->notes.empty()) std::printf("note: %s\n", report->notes.c_str());
  if (const int code = VerifyAnchors(dir); code != 0) return code;
  return VerifySubstrateAnchors(dir, chain_url);
}

int Dispatch(Args& args) {
  TakeClientOptions(&args);
  const std::string cmd = args.Next();
  if (cmd.empty() || cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::fputs(kUsage, cmd.empty() ? stderr : stdout);
    return cmd.empty() ? 2 : 0;
  }
  if (!args.client().node.empty()) {
    if (std::optional<int> code = RemoteDispatch(cmd, args)) return *code;
  }
  if (cmd == "token") return TokenCommand(args);
  if (cmd == "bucket") return BucketCommand(args);
  if (cmd == "blob") {
    const std::string sub = args.Next();
    if (sub == "put") return BlobPut(args);
    if (sub == "get") return BlobGet(args);
    return Usage("blob put|get ...");
  }
  if (cmd == "stats") return Stats(args);
  if (cmd == "verify") return Verify(args);
  if (cmd == "demo") return Demo(args);
  if (cmd == "key") return Key(args);
  if (cmd == "event") return EventCommand(args);
  if (cmd == "timeline") return TimelineCommand(args);
  if (cmd == "users") return Users(args);
  if (cmd == "checkpoint") return CheckpointCommand(args);
  if (cmd == "node-key") return NodeKey(args);
  if (cmd == "prove") return Prove(args);
  if (cmd == "verify-proof") return VerifyProof(args);
  if (cmd == "export") return Export(args);
  if (cmd == "keygen") return KeygenCommand(args);
  if (cmd == "seal") return SealCommand(args);
  if (cmd == "open") return OpenCommand(args);
  if (cmd == "grant") return GrantCommand(args);
  if (cmd == "grants") return GrantsCommand(args);
  if (cmd == "erase") return EraseCommand(args);
  if (cmd == "import") return ImportCommand(args);
  if (cmd == "name") return NameCommand(args);
  if (cmd == "names") return NamesCommand(args);
  if (cmd == "chain") return ChainCommand(args);
  std::fprintf(stderr, "ddc: unknown command '%s'\n%s", cmd.c_str(), kUsage);
  return 2;
}

}  // namespace
}  // namespace ddc::cli

int main(int argc, char** argv) {
  try {
    ddc::cli::Args args(argc, argv);
    return ddc::cli::Dispatch(args);
  } catch (const std::exception& e) {
    // A node's answer of an unexpected shape (a JSON type error) or a failed allocation: one
    // line and exit 1, like every other failure, rather than an abort.
    std::fprintf(stderr, "ddc: %s\n", e.what());
    return 1;
  }
}
