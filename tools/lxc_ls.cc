// lxc-ls: list the containers of an lxcpath, plain, one per line (-1) or as
// a table (-f / -F COLUMNS), filtered by state, group or regex.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "api/listing.h"
#include "base/strings.h"
#include "config/values.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {
namespace {

// The names in columns as LXC's lxc-ls prints them: each padded to the
// longest (at least 4), a space between, as many as fit the terminal; one per line when
// the output is no terminal.
void print_across(const std::vector<api::ListedContainer>& rows) {
  size_t longest = 4;  // LXC's: never narrower than its NAME heading
  for (const auto& r : rows) longest = std::max(longest, r.name.size());
  struct winsize ws {};
  size_t term = ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
  size_t per_line = std::max<size_t>(1, term / (longest + 1));
  std::string line;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!line.empty()) line += ' ';
    line += rows[i].name + std::string(longest - rows[i].name.size(), ' ');
    if ((i + 1) % per_line == 0 || i + 1 == rows.size()) {
      std::printf("%s\n", line.c_str());
      line.clear();
    }
  }
}

// The columns as a table, as LXC's: each value padded to its column's
// widest and followed by a space.
void print_table(const std::vector<api::ListedContainer>& rows, const std::vector<std::string>& cols) {
  std::vector<std::vector<std::string>> table;
  table.push_back(cols);
  for (const auto& r : rows) {
    std::vector<std::string> line;
    for (const auto& col : cols) line.push_back(r.column(col));
    table.push_back(std::move(line));
  }
  std::vector<size_t> width(cols.size(), 0);
  for (const auto& line : table)
    for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  for (const auto& line : table) {
    std::string out;
    for (size_t i = 0; i < line.size(); ++i) out += line[i] + std::string(width[i] - line[i].size() + 1, ' ');
    std::printf("%s\n", out.c_str());
  }
}

}  // namespace

int lxc_ls_main(int argc, char** argv) {
  bool one = false, fancy = false;
  api::ListOptions opts;
  std::string columns, groups_arg;
  enum { kRunning = 0x2000, kStopped, kFrozen, kActive, kDefined, kNesting };
  ToolSpec spec{"lxc-ls", "[-1] [-f] [-F COLUMNS] [--active] [--running] [--frozen] [--stopped] [--defined] [-g GROUPS] [--nesting[=NUM]] [FILTER]",
                "List the containers of the system.",
                "  -1, --line          show one entry per line\n"
                "  -f, --fancy         use a fancy, column-based output\n"
                "  -F, --fancy-format  comma separated list of columns to show in the fancy output\n"
                "                      (NAME,STATE,PID,AUTOSTART,GROUPS,IPV4,IPV6,UNPRIVILEGED)\n"
                "      --active        list only active containers\n"
                "      --running       list only running containers\n"
                "      --frozen        list only frozen containers\n"
                "      --stopped       list only stopped containers\n"
                "      --defined       list only defined containers\n"
                "  -g, --groups=GROUPS comma separated list of groups a container must have to be displayed\n"
                "      --filter=REGEX  filter container names by regular expression\n"
                "      --nesting[=NUM] show the containers inside running ones too, NUM levels deep\n"
                "                      (default 5), as PARENT/NAME\n",
                "1fF:g:",
                {{"line", no_argument, nullptr, '1'},
                 {"fancy", no_argument, nullptr, 'f'},
                 {"fancy-format", required_argument, nullptr, 'F'},
                 {"groups", required_argument, nullptr, 'g'},
                 {"active", no_argument, nullptr, kActive},
                 {"running", no_argument, nullptr, kRunning},
                 {"frozen", no_argument, nullptr, kFrozen},
                 {"stopped", no_argument, nullptr, kStopped},
                 {"defined", no_argument, nullptr, kDefined},
                 {"filter", required_argument, nullptr, 'r'},
                 {"nesting", optional_argument, nullptr, kNesting}},
                [&](int opt, const char* arg) {
                  switch (opt) {
                    case '1': one = true; return true;
                    case 'f': fancy = true; return true;
                    case 'F': columns = arg; fancy = true; return true;
                    case 'g': groups_arg = arg; return true;
                    case 'r': opts.filter = arg; return true;
                    case kActive: opts.active = true; return true;
                    case kRunning: opts.running = true; return true;
                    case kFrozen: opts.frozen = true; return true;
                    case kStopped: opts.stopped = true; return true;
                    case kDefined: return true;  // every listed container is defined
                    case kNesting: {
                      auto n = arg ? config::parse_uint(arg) : Result<uint64_t>(5);
                      if (!n || *n > 100) {
                        std::fprintf(stderr, "lxc-ls: invalid --nesting level \"%s\" (0 to 100)\n", arg);
                        return false;
                      }
                      opts.nesting = static_cast<int>(*n);
                      return true;
                    }
                  }
                  return false;
                },
                false};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  if (opts.filter.empty() && !args.rest.empty()) opts.filter = args.rest.front();
  opts.groups = split(groups_arg, ",");
  auto rows = api::list_containers(args.lxcpath(), opts);
  if (!rows) {
    std::fprintf(stderr, "lxc-ls: %s\n", rows.error().what.c_str());
    return 1;
  }
  if (fancy)
    print_table(*rows, columns.empty() ? std::vector<std::string>{"NAME", "STATE", "AUTOSTART", "GROUPS", "IPV4", "IPV6",
                                                                  "UNPRIVILEGED"}
                                       : split(to_upper(columns), ","));
  else if (one)
    for (const auto& r : *rows) std::printf("%s\n", r.name.c_str());
  else
    print_across(*rows);
  return 0;
}

}  // namespace lxc::tools
