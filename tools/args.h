// Command-line parsing shared by the tools: LXC's common options (-n, -P,
// --rcfile, -o, -l, -q, -h, --usage, --version) plus each tool's own, parsed
// with getopt_long so that option forms and order behave as in LXC.
#pragma once

#include <getopt.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lxc::tools {

inline constexpr std::string_view kVersion = LXCPP_VERSION;

struct CommonArgs {
  std::string name;
  std::vector<std::string> lxcpaths;  // -P may repeat (lxc-ls); the first is the one used
  std::string rcfile;
  std::string logfile;
  std::string logpriority;
  bool quiet = false;
  std::vector<std::string> rest;  // positional arguments (after "--" too)
  std::string lxcpath() const;    // -P or the system default
};

struct ToolSpec {
  std::string_view prog;   // "lxc-start"
  std::string_view usage;  // "--name=NAME [-- COMMAND]"
  std::string_view description;
  std::string_view options_help;         // the tool's own options, one per line, as in LXC's --help
  std::string short_opts;                // the tool's own short options in getopt syntax
  std::vector<struct option> long_opts;  // the tool's own long options (no terminator)
  // Called for each of the tool's own options; returns false for a bad value
  // (the handler prints why).
  std::function<bool(int opt, const char* arg)> on_option;
  bool needs_name = true;
};

// Parses argv. Returns -1 to go on, or the exit status to return now
// (0 after --help/--version, 1 after a usage error).
int parse_args(int argc, char** argv, const ToolSpec& spec, CommonArgs& out);

// -t SECONDS of lxc-stop and lxc-wait: an integer >= -1 (-1: no limit).
// Prints why and returns false when arg is not one.
bool parse_timeout(const char* arg, long& out, std::string_view prog);

// Sets the loggers from -o/-l/-q. False (said on stderr unless -q) when the
// -o file cannot be opened: as LXC's tools, the caller then exits 1.
[[nodiscard]] bool setup_logging(const CommonArgs& args, std::string_view prog);

// Prints "lxcpp VERSION" when argv holds --version; used by tools that do
// not take the common options.
bool handle_version(int argc, char** argv);

}  // namespace lxc::tools
