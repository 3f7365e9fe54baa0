// `ddc chain ...`: the chain a node anchors on (docs/chain.md). With --node URL (or $DDC_NODE)
// it talks to that node's chain over JSON-RPC; without, it opens the dev chain of a stopped
// node's data directory (--dir DIR, default the node's default data directory).
//
//   ddc chain status                    name, genesis, best block, authority, anchors
//   ddc chain account HEX               balance, deposit and nonce
//   ddc chain buckets | clusters        what the chain holds
//   ddc chain anchors [--from N] [--limit N]
//   ddc chain bucket create ID --cluster C [--private]     signed by the owner
//   ddc chain bucket remove ID
//   ddc chain transfer HEX AMOUNT | deposit AMOUNT | withdraw AMOUNT
//   ddc chain usage NODEHEX ERA         a node's usage report of an era: charges, aggregates
//   ddc chain payout CLUSTER ERA        the cluster manager pays out an era's escrow
//   ddc chain block                     seal a block now
//
// Transactions are signed with --as NAME (the keystore's sign/NAME) or --key FILE (a hex seed
// file, as `ddc key gen` writes). Each prints the block that includes it.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "ddc/chain.h"
#include "engine/base/hex.h"
#include "node/cli/cli.h"
#include "node/cli/keystore_cli.h"
#include "node/server/remote_chain.h"

namespace ddc::cli {
namespace {

constexpr char kChainUsage[] =
    "chain status|account|buckets|clusters|anchors|usage|bucket create|bucket remove|transfer|"
    "deposit|withdraw|payout|block [--node URL | --dir DIR] [--as NAME | --key FILE] ...";

Result<std::unique_ptr<chain::Chain>> OpenChain(Args& args) {
  const std::string dir_flag = args.Option("--dir");
  if (!args.client().node.empty()) return node::OpenRemoteChain(args.client().node);
  const std::string dir = dir_flag.empty() ? DefaultDataDir() + "/node" : dir_flag;
  std::error_code ec;
  if (!std::filesystem::exists(dir + "/chain/blocks.log", ec)) {
    return Status::NotFound("no dev chain in " + dir +
                            " (start ddc-node there once, or give --node URL of a running node)");
  }
  chain::DevChainOptions options;
  options.dir = dir + "/chain";
  Result<std::unique_ptr<chain::Chain>> opened = chain::OpenDevChain(options);
  if (!opened.ok() && opened.status().IsBusy()) {
    return Status::Busy("the dev chain in " + dir +
                        " is in use by a running node: pass --node URL of that node");
  }
  return opened;
}

// The transaction signer: --as NAME from the keystore, or --key FILE.
Result<KeyPair> TakeSigner(Args& args, const KeyStoreLocation& where) {
  const std::string key_file = args.Option("--key");
  if (!key_file.empty()) return ReadUserKey(key_file);
  if (!args.client().as.empty()) return LoadSigner(where, args.client().as);
  return Status::InvalidArgument("a transaction needs its signer: --as NAME or --key FILE");
}

int PrintReceipt(const Result<chain::Receipt>& r, const std::string& what) {
  if (!r.ok()) return Fail(r.status());
  std::printf("%s: in block %llu (%s) at %s, extrinsic %u\n", what.c_str(),
              static_cast<unsigned long long>(r->block.number), Hex(r->block.hash).c_str(),
              IsoTime(r->block.time_ms).c_str(), r->index);
  return 0;
}

int PrintStatus(chain::Chain& c) {
  Result<chain::ChainInfo> info = c.Info();
  if (!info.ok()) return Fail(info.status());
  std::printf("chain %s\ngenesis %s\nbest block %llu %s at %s\nauthority %s\nanchors %llu\n",
              info->name.c_str(), Hex(info->genesis_hash).c_str(),
              static_cast<unsigned long long>(info->best.number), Hex(info->best.hash).c_str(),
              IsoTime(info->best.time_ms).c_str(), Hex(info->authority).c_str(),
              static_cast<unsigned long long>(info->anchors));
  return 0;
}

int Buckets(chain::Chain& c) {
  Result<std::vector<chain::BucketInfo>> all = c.Buckets();
  if (!all.ok()) return Fail(all.status());
  for (const auto& b : *all) {
    std::printf("bucket %llu owner %s cluster %llu %s\n", static_cast<unsigned long long>(b.id),
                Hex(b.owner).c_str(), static_cast<unsigned long long>(b.cluster),
                b.is_public ? "public" : "private");
  }
  if (all->empty()) std::fprintf(stderr, "no buckets on the chain\n");
  return 0;
}

int Clusters(chain::Chain& c) {
  Result<std::vector<chain::ClusterInfo>> all = c.Clusters();
  if (!all.ok()) return Fail(all.status());
  for (const auto& cl : *all) {
    std::printf(
        "cluster %llu manager %s replication %u prices stored %llu delivered %llu "
        "put %llu get %llu\n",
        static_cast<unsigned long long>(cl.id), Hex(cl.manager).c_str(),
        cl.params.replication_factor,
        static_cast<unsigned long long>(cl.params.price_per_gb_stored),
        static_cast<unsigned long long>(cl.params.price_per_gb_delivered),
        static_cast<unsigned long long>(cl.params.price_per_put),
        static_cast<unsigned long long>(cl.params.price_per_get));
    for (const auto& n : cl.nodes) {
      std::printf("  node %s %s mode %d\n", Hex(n.key).c_str(), n.address.c_str(),
                  static_cast<int>(n.mode));
    }
  }
  return 0;
}

int Anchors(chain::Chain& c, Args& args) {
  const std::string from_text = args.Option("--from");
  const std::string limit_text = args.Option("--limit");
  if (!args.Positionals().empty() || args.HasUnknown())
    return Usage("chain anchors [--from N] [--limit N]");
  Result<uint64_t> from = from_text.empty() ? Result<uint64_t>(0) : ParseUint(from_text, "--from");
  Result<uint64_t> limit =
      limit_text.empty() ? Result<uint64_t>(100) : ParseUint(limit_text, "--limit");
  if (!from.ok()) return Fail(from.status());
  if (!limit.ok()) return Fail(limit.status());
  if (*limit == 0 || *limit > 1000) return Fail(Status::InvalidArgument("--limit: 1..1000"));
  Result<std::vector<chain::AnchorInfo>> all = c.Anchors(*from, *limit);
  if (!all.ok()) return Fail(all.status());
  for (const auto& a : *all) {
    std::printf("block %llu at %s extrinsic %u by %s checkpoint %s\n",
                static_cast<unsigned long long>(a.receipt.block.number),
                IsoTime(a.receipt.block.time_ms).c_str(), a.receipt.index, Hex(a.submitter).c_str(),
                Hex(a.remark_hash).c_str());
  }
  return 0;
}

int Account(chain::Chain& c, Args& args) {
  const std::vector<std::string> rest = args.Positionals();
  if (rest.size() != 1 || args.HasUnknown()) return Usage("chain account HEX");
  Result<std::array<uint8_t, 32>> account = ParseHex32(rest[0], "account");
  if (!account.ok()) return Fail(account.status());
  Result<chain::AccountInfo> info = c.Account(*account);
  if (!info.ok()) return Fail(info.status());
  std::printf("account %s free %llu deposit %llu nonce %u\n", Hex(*account).c_str(),
              static_cast<unsigned long long>(info->free),
              static_cast<unsigned long long>(info->deposit), info->nonce);
  return 0;
}

int PrintUsage(chain::Chain& c, Args& args) {
  const std::vector<std::string> rest = args.Positionals();
  if (rest.size() != 2 || args.HasUnknown()) return Usage("chain usage NODEHEX ERA");
  Result<std::array<uint8_t, 32>> node = ParseHex32(rest[0], "node");
  if (!node.ok()) return Fail(node.status());
  Result<uint64_t> era = ParseUint(rest[1], "era");
  if (!era.ok()) return Fail(era.status());
  if (*era > UINT32_MAX) return Fail(Status::InvalidArgument("era: at most 2^32 - 1"));
  Result<chain::UsageReport> r = c.GetUsageReport(*node, static_cast<uint32_t>(*era));
  if (!r.ok()) return Fail(r.status());
  std::printf("usage era %u node %s cluster %llu block %llu root %s charged %llu unpaid %llu%s\n",
              r->era, Hex(r->node).c_str(), static_cast<unsigned long long>(r->cluster),
              static_cast<unsigned long long>(r->receipt.block.number), Hex(r->root).c_str(),
              static_cast<unsigned long long>(r->charged),
              static_cast<unsigned long long>(r->unpaid), r->paid_out ? " paid out" : "");
  for (const auto& a : r->aggregates) {
    std::printf("  bucket %llu stored %llu delivered %llu puts %llu gets %llu\n",
                static_cast<unsigned long long>(a.bucket),
                static_cast<unsigned long long>(a.stored_bytes),
                static_cast<unsigned long long>(a.delivered_bytes),
                static_cast<unsigned long long>(a.puts), static_cast<unsigned long long>(a.gets));
  }
  return 0;
}

}  // namespace

int ChainCommand(Args& args) {
  const std::string sub = args.Next();
  const KeyStoreLocation where = TakeKeyStoreLocation(args);
  if (sub.empty()) return Usage(kChainUsage);
  Result<std::unique_ptr<chain::Chain>> opened = Status::Failed("chain: not opened");
  auto chain_or_fail = [&]() -> chain::Chain* {
    opened = OpenChain(args);
    return opened.ok() ? opened->get() : nullptr;
  };
  if (sub == "status" || sub == "buckets" || sub == "clusters" || sub == "block") {
    chain::Chain* c = chain_or_fail();
    if (c == nullptr) return Fail(opened.status());
    if (!args.Positionals().empty() || args.HasUnknown()) return Usage("chain " + sub);
    if (sub == "status") return PrintStatus(*c);
    if (sub == "buckets") return Buckets(*c);
    if (sub == "clusters") return Clusters(*c);
    Result<chain::BlockRef> b = c->ProduceBlock();
    if (!b.ok()) return Fail(b.status());
    std::printf("block %llu %s\n", static_cast<unsigned long long>(b->number),
                Hex(b->hash).c_str());
    return 0;
  }
  if (sub == "anchors") {
    chain::Chain* c = chain_or_fail();
    return c == nullptr ? Fail(opened.status()) : Anchors(*c, args);
  }
  if (sub == "usage") {
    chain::Chain* c = chain_or_fail();
    return c == nullptr ? Fail(opened.status()) : PrintUsage(*c, args);
  }
  if (sub == "account") {
    chain::Chain* c = chain_or_fail();
    return c == nullptr ? Fail(opened.status()) : Account(*c, args);
  }
  // Transactions.
  if (sub != "bucket" && sub != "transfer" && sub != "deposit" && sub != "withdraw" &&
      sub != "payout") {
    return Usage(kChainUsage);
  }
  const std::string action = sub == "bucket" ? args.Next() : "";
  if (sub == "bucket" && action != "create" && action != "remove") {
    return Usage("chain bucket create ID --cluster C [--private] | bucket remove ID");
  }
  const std::string cluster_text = action == "create" ? args.Option("--cluster") : "";
  const bool is_private = action == "create" && args.Flag("--private");
  Result<KeyPair> signer = TakeSigner(args, where);
  chain::Chain* c = chain_or_fail();
  if (c == nullptr) return Fail(opened.status());
  const std::vector<std::string> rest = args.Positionals();
  if (args.HasUnknown()) return Usage(kChainUsage);
  if (!signer.ok()) return Fail(signer.status());
  const WipeOnExit wipe(&*signer);
  if (sub == "bucket") {
    if (rest.size() != 1 || (action == "create" && cluster_text.empty())) {
      return Usage("chain bucket create ID --cluster C [--private] | bucket remove ID");
    }
    Result<uint64_t> id = ParseUint(rest[0], "bucket id");
    if (!id.ok()) return Fail(id.status());
    if (action == "remove") return PrintReceipt(c->RemoveBucket(*signer, *id), "bucket removed");
    Result<uint64_t> cluster = ParseUint(cluster_text, "--cluster");
    if (!cluster.ok()) return Fail(cluster.status());
    return PrintReceipt(c->CreateBucket(*signer, *id, *cluster, !is_private),
                        "bucket " + rest[0] + " created");
  }
  if (sub == "transfer") {
    if (rest.size() != 2) return Usage("chain transfer HEX AMOUNT (--as NAME | --key FILE)");
    Result<std::array<uint8_t, 32>> to = ParseHex32(rest[0], "recipient");
    if (!to.ok()) return Fail(to.status());
    Result<uint64_t> amount = ParseUint(rest[1], "amount");
    if (!amount.ok()) return Fail(amount.status());
    return PrintReceipt(c->Transfer(*signer, *to, *amount), "transferred " + rest[1]);
  }
  if (sub == "payout") {
    if (rest.size() != 2) return Usage("chain payout CLUSTER ERA (--as NAME | --key FILE)");
    Result<uint64_t> cluster = ParseUint(rest[0], "cluster");
    if (!cluster.ok()) return Fail(cluster.status());
    Result<uint64_t> era = ParseUint(rest[1], "era");
    if (!era.ok()) return Fail(era.status());
    if (*era > UINT32_MAX) return Fail(Status::InvalidArgument("era: at most 2^32 - 1"));
    return PrintReceipt(c->Payout(*signer, *cluster, static_cast<uint32_t>(*era)),
                        "era " + rest[1] + " of cluster " + rest[0] + " paid out");
  }
  if (sub == "deposit" || sub == "withdraw") {
    if (rest.size() != 1) return Usage("chain " + sub + " AMOUNT (--as NAME | --key FILE)");
    Result<uint64_t> amount = ParseUint(rest[0], "amount");
    if (!amount.ok()) return Fail(amount.status());
    return PrintReceipt(
        sub == "deposit" ? c->Deposit(*signer, *amount) : c->Withdraw(*signer, *amount),
        (sub == "deposit" ? "deposited " : "withdrew ") + rest[0]);
  }
  return Usage(kChainUsage);
}

}  // namespace ddc::cli
