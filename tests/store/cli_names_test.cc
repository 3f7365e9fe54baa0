// The ddc CLI's signed names (`name set`, `name get`, `names`), driven as an operator drives
// them: signing keys made with `keygen` in a passphrase-encrypted keystore, content stored with
// `blob put`, a name pointed at it and moved, and every refusal the store makes (no owner
// known, a signer that is not the owner, a sequence number that goes back, a bad name or TTL)
// seen as exit code 1 with the reason. What the CLI stored is then read with the library: the
// record decodes, verifies, and is signed by the key the keystore holds.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ddc/names.h"
#include "ddc/store.h"
#include "engine/base/hex.h"
#include "tests/store/cli_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::CliRun;
using test::Slurp;
using test::Trim;

using Json = nlohmann::json;

constexpr char kPassphrase[] = "correct horse battery staple";

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

class CliNamesTest : public ::testing::Test {
 protected:
  // Runs the CLI with fast keystore limits and the passphrase in its environment.
  CliRun Ddc(const std::string& args) {
    const std::string out = tmp_.Sub("out"), err = tmp_.Sub("err");
    const std::string cmd =
        std::string("env -u DDC_KEYSTORE DDC_KEYSTORE_FAST=1 DDC_PASSPHRASE='") + kPassphrase +
        "' " + DDC_CLI + " " + args + " </dev/null >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }
  std::string Ok(const std::string& args) {
    CliRun r = Ddc(args);
    EXPECT_EQ(r.code, 0) << args << "\n" << r.err;
    return r.out;
  }
  // The command must fail with exit code 1 and say `what`.
  void Refused(const std::string& args, const std::string& what) {
    CliRun r = Ddc(args);
    EXPECT_EQ(r.code, 1) << args << "\n" << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, what)) << args << "\nwant \"" << what << "\" in: " << r.err;
    EXPECT_EQ(r.out, "") << args;
  }
  std::string Keys() const { return " --keystore " + tmp_.Sub("keys"); }
  std::string Dir() const { return " --dir " + tmp_.Sub("store"); }
  std::string PutBlob(const std::string& content) {
    const std::string path = tmp_.Sub("blob");
    test::Spit(path, content);
    return Trim(Ok("blob put" + Dir() + " " + path));
  }

  test::TempDir tmp_;
};

TEST_F(CliNamesTest, SetMoveGetAndListAName) {
  const std::string owner = Trim(Ok("keygen" + Keys() + " --sign owner"));
  const std::string mallory = Trim(Ok("keygen" + Keys() + " --sign mallory"));
  const std::string home = PutBlob("home page v1");
  const std::string home2 = PutBlob("home page v2");
  const std::string set = "name set" + Dir() + Keys() + " --bucket 7 --name www --cid ";
  const std::string as_owner = " --signer owner --bucket-owner " + owner;

  // The store cannot tell who owns bucket 7 unless told; only the owner may sign.
  Refused(set + home + " --signer owner", "no bucket owner resolver");
  Refused(set + home + " --signer owner", "--bucket-owner HEX");
  Refused(set + home + " --signer mallory --bucket-owner " + owner,
          "signed by " + mallory + ", not by the owner of bucket 7");
  Refused("name get" + Dir() + " --bucket 7 --name www", "no name \"www\" of bucket 7");

  // First set: sequence 1; the next one moves the name, sequence 2.
  const std::string first = Trim(Ok(set + home + as_owner));
  ASSERT_TRUE(Contains(first, " seq 1")) << first;
  EXPECT_EQ(Trim(Ok("name get" + Dir() + " --bucket 7 --name www")), home);
  const std::string second = Trim(Ok(set + home2 + as_owner + " --ttl 60"));
  ASSERT_TRUE(Contains(second, " seq 2")) << second;
  const std::string record_cid = second.substr(0, second.find(' '));
  EXPECT_EQ(Trim(Ok("name get" + Dir() + " --bucket 7 --name www")), home2);
  // The name leads to the content.
  EXPECT_EQ(Ok("blob get" + Dir() + " " + home2), "home page v2");

  // Going back is refused; so are bad names and TTLs.
  Refused(set + home + as_owner + " --seq 2",
          "sequence 2 of name \"www\" of bucket 7 is not above");
  Refused(set + home + as_owner + " --seq 1", "is not above the current record's 2");
  Refused("name set" + Dir() + Keys() + " --bucket 7 --name Www --cid " + home + as_owner,
          "byte 0 is 'W' (0x57), not one of a-z 0-9 - _ . /");
  Refused("name set" + Dir() + Keys() + " --bucket 7 --name a..b --cid " + home + as_owner,
          "empty label at byte 2");
  Refused(set + home + as_owner + " --ttl 0", "--ttl 0 is outside 1..31536000 seconds");
  Refused(set + "bafy-not-a-cid" + as_owner, "--cid");
  Refused("name get" + Dir() + " --bucket 7 --name Www", "byte 0 is 'W'");

  // An explicit sequence may skip ahead.
  Ok("name set" + Dir() + Keys() + " --bucket 7 --name docs/latest --cid " + home + as_owner +
     " --seq 10");

  const Json got = Json::parse(Ok("name get" + Dir() + " --bucket 7 --name www --json"));
  EXPECT_EQ(got.at("bucket"), 7);
  EXPECT_EQ(got.at("name"), "www");
  EXPECT_EQ(got.at("cid"), home2);
  EXPECT_EQ(got.at("seq"), 2);
  EXPECT_EQ(got.at("ttl"), 60);
  EXPECT_EQ(got.at("signer"), owner);
  EXPECT_EQ(got.at("record"), record_cid);

  // names: one line per name, in name order.
  const std::string listed = Ok("names" + Dir() + " --bucket 7");
  std::istringstream lines(listed);
  std::vector<std::string> names;
  for (std::string line; std::getline(lines, line);) {
    names.push_back(line.substr(0, line.find('\t')));
    EXPECT_TRUE(Contains(line, "\t" + owner)) << line;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"docs/latest", "www"}));
  std::istringstream json_lines(Ok("names" + Dir() + " --bucket 7 --json"));
  std::vector<uint64_t> seqs;
  for (std::string line; std::getline(json_lines, line);) {
    seqs.push_back(Json::parse(line).at("seq").get<uint64_t>());
  }
  EXPECT_EQ(seqs, (std::vector<uint64_t>{10, 2}));
  EXPECT_EQ(Ok("names" + Dir() + " --bucket 8"), "");
  EXPECT_TRUE(Contains(Ok("verify" + Dir()), "ok: ")) << "the store verifies";

  // What the CLI stored, read with the library.
  Options options;
  options.dir = tmp_.Sub("store");
  options.create_if_missing = false;
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto named = (*store)->GetName(7, "www");
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_EQ(named->cid.ToString(), record_cid);
  auto decoded = DecodeName(
      std::span(reinterpret_cast<const uint8_t*>(named->bytes.data()), named->bytes.size()));
  ASSERT_TRUE(decoded.ok());
  EXPECT_OK(VerifyName(*decoded));
  EXPECT_EQ(Hex(decoded->signer), owner);
  EXPECT_EQ(decoded->target.ToString(), home2);
  EXPECT_EQ(decoded->ttl_seconds, 60u);
}

TEST_F(CliNamesTest, BadUsageExitsTwo) {
  for (const std::string& args : {
           std::string("name"),
           std::string("name rm --dir d --bucket 1 --name n"),
           std::string("name set --dir d --signer s --bucket 1 --name n"),
           std::string("name set --dir d --bucket 1 --name n --cid c"),
           std::string("name set --dir d --signer s --bucket 1 --name n --cid c extra"),
           std::string("name get --dir d --bucket 1"),
           std::string("name get --dir d --name n --bogus"),
           std::string("names --dir d"),
           std::string("names --bucket 1"),
       }) {
    CliRun r = Ddc(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, "usage: ddc ")) << args << "\n" << r.err;
  }
  const std::string help = Ok("help");
  for (const char* command : {"  name set ", "  name get ", "  names "}) {
    EXPECT_TRUE(Contains(help, command)) << command;
  }
}

}  // namespace
}  // namespace ddc
