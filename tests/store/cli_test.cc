// The ddc CLI, driven as a user drives it: put/get round trips through files and pipes, stats,
// verify on a healthy and on a damaged store, and the one-line errors and exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "ddc/cid.h"
#include "tests/store/cli_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::CliRun;
using test::Slurp;
using test::Spit;
using test::Trim;

class CliTest : public ::testing::Test {
 protected:
  CliRun Ddc(const std::string& args, const std::string& stdin_path = "/dev/null") {
    const std::string out = tmp_.Sub("out"), err = tmp_.Sub("err");
    const std::string cmd =
        std::string(DDC_CLI) + " " + args + " <" + stdin_path + " >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }
  std::string Store() const { return tmp_.Sub("store"); }

  test::TempDir tmp_;
};

TEST_F(CliTest, PutGetRoundTripFromFileAndStdin) {
  std::mt19937_64 rng(7);
  const std::string bytes = test::RandomString(rng, 100000);
  Spit(tmp_.Sub("in.bin"), bytes);
  CliRun put = Ddc("blob put --dir " + Store() + " " + tmp_.Sub("in.bin"));
  ASSERT_EQ(put.code, 0) << put.err;
  const std::string cid = Trim(put.out);
  EXPECT_EQ(cid, Cid::Of(Codec::kRaw, bytes).ToString());

  CliRun put_stdin = Ddc("blob put --dir " + Store() + " -", tmp_.Sub("in.bin"));
  ASSERT_EQ(put_stdin.code, 0) << put_stdin.err;
  EXPECT_EQ(Trim(put_stdin.out), cid);  // Same bytes, same CID.

  CliRun get = Ddc("blob get --dir " + Store() + " " + cid);
  ASSERT_EQ(get.code, 0) << get.err;
  EXPECT_EQ(get.out, bytes);

  CliRun stats = Ddc("stats --dir " + Store() + " --json");
  ASSERT_EQ(stats.code, 0) << stats.err;
  EXPECT_NE(stats.out.find("\"records\":1,"), std::string::npos) << stats.out;
}

TEST_F(CliTest, ErrorsAreOneLineWithExitCodes) {
  ASSERT_EQ(Ddc("blob put --dir " + Store() + " -", "/dev/null").code, 0);
  CliRun bad_cid = Ddc("blob get --dir " + Store() + " Qmfoo");
  EXPECT_EQ(bad_cid.code, 1);
  EXPECT_EQ(bad_cid.err.rfind("ddc: cid: ", 0), 0u) << bad_cid.err;
  EXPECT_EQ(std::count(bad_cid.err.begin(), bad_cid.err.end(), '\n'), 1);

  const std::string absent = Cid::Of(Codec::kRaw, std::string_view("absent")).ToString();
  CliRun missing = Ddc("blob get --dir " + Store() + " " + absent);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find(absent), std::string::npos) << missing.err;

  CliRun no_file = Ddc("blob put --dir " + Store() + " " + tmp_.Sub("nope"));
  EXPECT_EQ(no_file.code, 1);
  EXPECT_NE(no_file.err.find("nope"), std::string::npos) << no_file.err;

  CliRun no_store = Ddc("stats --dir " + tmp_.Sub("nowhere"));
  EXPECT_EQ(no_store.code, 1);
  EXPECT_FALSE(no_store.err.empty());

  EXPECT_EQ(Ddc("blob get --dir " + Store()).code, 2);
  EXPECT_EQ(Ddc("frobnicate").code, 2);
  EXPECT_EQ(Ddc("stats --dir " + Store() + " --bogus").code, 2);
  EXPECT_EQ(Ddc("").code, 2);
}

TEST_F(CliTest, VerifyPassesThenNamesTheDamagedRecord) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20; ++i) {
    Spit(tmp_.Sub("b"), test::RandomString(rng, 2000));
    ASSERT_EQ(Ddc("blob put --dir " + Store() + " " + tmp_.Sub("b")).code, 0);
  }
  CliRun ok = Ddc("verify --dir " + Store());
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("20 records"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("index snapshot verified"), std::string::npos) << ok.out;

  // Flip one byte inside the body of the third record (each record is 40 + 38 + 2000 bytes and
  // random data is stored uncompressed); later records were written after it was synced.
  const std::string seg = Store() + "/seg-000001.log";
  std::string bytes = Slurp(seg);
  const size_t third = 64 + 2 * (40 + 38 + 2000);
  bytes[third + 500] = static_cast<char>(bytes[third + 500] ^ 0x10);
  Spit(seg, bytes);
  CliRun bad = Ddc("verify --dir " + Store());
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("seg-000001.log offset " + std::to_string(third)), std::string::npos)
      << bad.err;
}

TEST_F(CliTest, DemoRunsInAGivenDirectory) {
  CliRun demo = Ddc("demo --dir " + tmp_.Sub("demo"));
  ASSERT_EQ(demo.code, 0) << demo.err;
  EXPECT_NE(demo.out.find("identical"), std::string::npos);
  EXPECT_EQ(demo.out.find("DIFFERENT"), std::string::npos);
  EXPECT_NE(demo.out.find("position 2"), std::string::npos) << demo.out;
  EXPECT_NE(demo.out.find("sealed in the checkpoint of 4 events"), std::string::npos) << demo.out;
  EXPECT_NE(demo.out.find("4 events: signatures"), std::string::npos) << demo.out;
  // Running it again on the same directory works too: the blobs and events are already there.
  CliRun again = Ddc("demo --dir " + tmp_.Sub("demo"));
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("(already stored)"), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("DIFFERENT"), std::string::npos);
}

}  // namespace
}  // namespace ddc
