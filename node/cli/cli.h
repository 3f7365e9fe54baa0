// Pieces shared by the ddc CLI's commands.
#ifndef DDC_NODE_CLI_CLI_H_
#define DDC_NODE_CLI_CLI_H_

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ddc/event.h"
#include "ddc/status.h"
#include "ddc/store.h"
#include "engine/base/hex.h"

namespace ddc::cli {

// The global options of client mode (remote.h), taken by TakeClientOptions from anywhere on
// the command line, before or after the command name, before the command runs.
struct ClientOptions {
  std::string node;        // --node URL, else $DDC_NODE; empty: local mode (--dir).
  std::string token_file;  // --token FILE: an access token's text.
  std::string token_text;  // $DDC_TOKEN (the text itself) when --token is not given.
  std::string as;          // --as NAME: the keystore key sign/NAME signs requests.
  std::string timeout_ms;  // --timeout-ms MS as given; empty: the client's default.
};

// Command-line words. Commands take their options first (Option/Flag consume them), then
// Positionals() returns what is left; an unconsumed "--x" makes HasUnknown() true.
class Args {
 public:
  Args(int argc, char** argv);
  // The next leading word that is not an option ("" when none).
  std::string Next();
  // The value of "--name VALUE" or "--name=VALUE", consumed; "" when absent.
  std::string Option(const std::string& name);
  // Every value of a repeatable "--name VALUE" option, in command-line order, consumed.
  std::vector<std::string> OptionAll(const std::string& name);
  bool Flag(const std::string& name);
  // Whether "--name", "--name VALUE" or "--name=VALUE" is present (nothing is consumed).
  bool Has(const std::string& name) const;
  std::vector<std::string> Positionals();
  bool HasUnknown() const { return !unknown_.empty(); }
  // How the tool was invoked (argv[0]), for hints that show a runnable command.
  const std::string& program() const { return program_; }
  // The global client-mode options (set before dispatch; see ClientOptions).
  ClientOptions& client() { return client_; }
  const ClientOptions& client() const { return client_; }

 private:
  std::string program_;
  ClientOptions client_;
  std::vector<std::string> words_;
  std::string unknown_;
};

// Prints "ddc: <status message>" to stderr; returns exit code 1.
int Fail(const Status& status);
// Prints "usage: ddc <synopsis>" to stderr; returns exit code 2.
int Usage(const std::string& synopsis);
// Reads a file, or standard input for "-".
Result<std::string> ReadInput(const std::string& path);
bool WriteStdout(const std::string& bytes);
Result<std::unique_ptr<Store>> OpenStore(const std::string& dir, bool create);
std::string StatsText(const StoreStats& s);
std::string StatsJson(const StoreStats& s);
// The default data directory: $DDC_DATA_DIR, else $XDG_DATA_HOME/ddc, else ~/.local/share/ddc.
std::string DefaultDataDir();

int Demo(Args& args);
// `ddc chain ...` (chain_commands.cc).
int ChainCommand(Args& args);

// ---- Helpers of the event, timeline, proof and export commands ----
// Exactly 64 hex digits (either case) as 32 bytes; `what` names the value in the error.
Result<std::array<uint8_t, 32>> ParseHex32(std::string_view text, std::string_view what);
// A decimal uint64 with no sign, spaces or overflow.
Result<uint64_t> ParseUint(std::string_view text, std::string_view what);
// A JSON string literal (quotes included) of UTF-8 `s`, control characters escaped.
std::string JsonString(std::string_view s);
std::string Base64(std::string_view bytes);
// "2025-11-22T08:26:40.123Z".
std::string IsoTime(uint64_t time_ms);
uint64_t NowMs();

// `text` for a tab-separated line: control characters (tabs and newlines included) escaped.
std::string PrintableText(std::string_view text);
// The event as one JSON object and a newline (`event get --json`): integers as numbers, keys
// and hashes in hex, scope data in base64. A public scope has no key_version or nonce.
std::string EventJson(const Event& e, const Cid& cid);

// The user key file `key gen` writes: the 32-byte ed25519 seed as 64 hex digits and a newline.
Result<KeyPair> ReadUserKey(const std::string& path);

// Where a command's output goes: standard output, or a file that appears under its name only
// when Commit() succeeds (it is written as "<path>.partial" and renamed), so that a failed
// command leaves no truncated file behind. Binary output to a terminal is refused.
class Output {
 public:
  // `path` empty or "-": standard output.
  static Result<std::unique_ptr<Output>> Open(const std::string& path, bool binary);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  Status Write(std::string_view bytes);
  Status Commit();
  bool to_stdout() const { return file_ == stdout; }

 private:
  Output(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}

  std::FILE* file_;
  std::string path_;  // Empty for standard output.
  bool committed_ = false;
};

// Writes `bytes` to `path` (or standard output) through an Output.
Status WriteOutput(const std::string& path, std::string_view bytes, bool binary);

int Key(Args& args);
int EventCommand(Args& args);
int TimelineCommand(Args& args);
int Users(Args& args);
int CheckpointCommand(Args& args);
int NodeKey(Args& args);
int Prove(Args& args);
int VerifyProof(Args& args);
int Export(Args& args);

// ---- Encryption, sharing and erasure (crypto_commands.cc; keystore in keystore_cli.h) ----
int KeygenCommand(Args& args);
int SealCommand(Args& args);
int OpenCommand(Args& args);
int GrantCommand(Args& args);
int GrantsCommand(Args& args);
int EraseCommand(Args& args);
int ImportCommand(Args& args);

// ---- Signed names (name_commands.cc) ----
int NameCommand(Args& args);
int NamesCommand(Args& args);

}  // namespace ddc::cli

#endif  // DDC_NODE_CLI_CLI_H_
