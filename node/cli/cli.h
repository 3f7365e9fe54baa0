// Pieces shared by the ddc CLI's commands.
#ifndef DDC_NODE_CLI_CLI_H_
#define DDC_NODE_CLI_CLI_H_

#include <memory>
#include <string>
#include <vector>

#include "ddc/status.h"
#include "ddc/store.h"

namespace ddc::cli {

// Command-line words. Commands take their options first (Option/Flag consume them), then
// Positionals() returns what is left; an unconsumed "--x" makes HasUnknown() true.
class Args {
 public:
  Args(int argc, char** argv);
  // The next leading word that is not an option ("" when none).
  std::string Next();
  // The value of "--name VALUE" or "--name=VALUE", consumed; "" when absent.
  std::string Option(const std::string& name);
  bool Flag(const std::string& name);
  std::vector<std::string> Positionals();
  bool HasUnknown() const { return !unknown_.empty(); }
  // How the tool was invoked (argv[0]), for hints that show a runnable command.
  const std::string& program() const { return program_; }

 private:
  std::string program_;
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

}  // namespace ddc::cli

#endif  // DDC_NODE_CLI_CLI_H_
