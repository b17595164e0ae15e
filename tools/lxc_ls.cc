// lxc-ls: list the containers of an lxcpath, plain, one per line (-1) or as
// a table (-f / -F COLUMNS), filtered by state, group or regex.
#include <regex.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <map>

#include "api/container.h"
#include "base/strings.h"
#include "config/system.h"
#include "config/values.h"
#include "state/state.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {
namespace {

struct Row {
  std::string name;
  State state = State::Stopped;
  const config::Conf* conf = nullptr;
  config::ConfigFile cfg;
  pid_t pid = -1;
  std::map<std::string, std::string> fixed;  // a nested container's columns, worked out inside its parent
};

const std::vector<std::string> kAllColumns = {"NAME", "STATE", "PID", "AUTOSTART", "GROUPS", "IPV4", "IPV6", "UNPRIVILEGED"};

std::string column_value(const Row& r, const api::Container& c, const std::string& col) {
  if (!r.fixed.empty()) return r.fixed.count(col) ? r.fixed.at(col) : "-";
  const config::Conf* conf = r.conf;
  if (col == "NAME") return r.name;
  if (col == "STATE") return std::string(state_name(r.state));
  if (col == "AUTOSTART") return conf && conf->start_auto ? "1" : "0";
  if (col == "GROUPS") return conf && !conf->groups.empty() ? join(conf->groups, ", ") : "-";
  if (col == "PID") return r.pid > 0 ? std::to_string(r.pid) : "-";
  if (col == "UNPRIVILEGED") return conf && !conf->idmaps.empty() ? "true" : "false";
  if (col == "IPV4" || col == "IPV6") {
    if (r.state != State::Running) return "-";
    auto ips = c.ips(col == "IPV4" ? AF_INET : AF_INET6, r.pid > 0 ? std::optional<pid_t>(r.pid) : std::nullopt);
    return ips.empty() ? "-" : join(ips, ", ");
  }
  return "-";
}

// The containers defined inside the running container whose init is pid
// (--nesting), as LXC's lxc-ls finds them: listed by list(lxcpath) in its
// mount, net, ipc, uts and pid namespaces (the container's files, its
// /etc/lxc/lxc.conf and lxcpath, its monitors' sockets), one line per
// container, its columns tab-separated.
std::vector<Row> nested_rows(pid_t pid, const std::string& parent,
                             const std::function<std::vector<Row>(const std::string&)>& list) {
  auto text = api::output_in_namespaces(
      pid, CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID, [&] {
        std::string out;
        const std::string lxcpath = config::default_lxcpath();
        for (const Row& r : list(lxcpath)) {
          api::Container c(r.name, lxcpath);
          for (size_t i = 0; i < kAllColumns.size(); ++i)
            out += (i ? "\t" : "") + (kAllColumns[i] == "NAME" ? r.name : column_value(r, c, kAllColumns[i]));
          out += '\n';
        }
        return out;
      });
  if (!text) return {};
  std::vector<Row> rows;
  for (const auto& line : split(*text, "\n")) {
    auto f = split(line, "\t");
    if (f.size() != kAllColumns.size()) continue;
    Row r;
    for (size_t i = 0; i < f.size(); ++i) r.fixed[kAllColumns[i]] = f[i];
    r.name = r.fixed["NAME"] = parent + "/" + f[0];
    r.state = parse_state(r.fixed["STATE"]).value_or(State::Stopped);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace

int lxc_ls_main(int argc, char** argv) {
  bool one = false, fancy = false, running = false, stopped = false, frozen = false, active = false, defined = false;
  int nesting = 0;  // --nesting[=NUM]: levels of containers inside running ones
  std::string columns, filter, groups_arg;
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
                    case 'r': filter = arg; return true;
                    case kActive: active = true; return true;
                    case kRunning: running = true; return true;
                    case kFrozen: frozen = true; return true;
                    case kStopped: stopped = true; return true;
                    case kDefined: defined = true; return true;
                    case kNesting: {
                      auto n = arg ? config::parse_uint(arg) : Result<uint64_t>(5);
                      if (!n || *n > 100) {
                        std::fprintf(stderr, "lxc-ls: invalid --nesting level \"%s\" (0 to 100)\n", arg);
                        return false;
                      }
                      nesting = static_cast<int>(*n);
                      return true;
                    }
                  }
                  return false;
                },
                false};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  if (filter.empty() && !args.rest.empty()) filter = args.rest.front();
  regex_t re;
  if (!filter.empty() && ::regcomp(&re, filter.c_str(), REG_EXTENDED | REG_NOSUB) != 0) {
    std::fprintf(stderr, "lxc-ls: invalid regular expression \"%s\"\n", filter.c_str());
    return 1;
  }
  std::vector<std::string> want_groups = split(groups_arg, ",");

  // The containers of one lxcpath, and with --nesting those inside the
  // running ones, each right after its parent (the filters apply at every level).
  std::function<std::vector<Row>(const std::string&)> list = [&](const std::string& lxcpath) {
    std::vector<Row> rows;
    for (const auto& name : api::list_defined(lxcpath)) {
      if (!filter.empty() && ::regexec(&re, name.c_str(), 0, nullptr, 0) != 0) continue;
      api::Container c(name, lxcpath);
      Row r;
      r.name = name;
      r.state = c.state();
      bool is_active = r.state != State::Stopped;
      if ((running && r.state != State::Running) || (frozen && r.state != State::Frozen) ||
          (stopped && r.state != State::Stopped) || (active && !is_active))
        continue;
      (void)defined;  // every listed container is defined
      auto cfg = c.load_config();
      if (cfg) {
        r.cfg = std::move(*cfg);
        r.conf = &r.cfg.conf();
      }
      if (!want_groups.empty()) {
        bool match = false;
        for (const auto& g : want_groups)
          if (r.conf && std::find(r.conf->groups.begin(), r.conf->groups.end(), g) != r.conf->groups.end())
            match = true;
        if (!match) continue;
      }
      if (is_active)
        if (auto p = c.init_pid()) r.pid = *p;
      rows.push_back(std::move(r));
      if (nesting > 0 && is_active && rows.back().pid > 0) {
        --nesting;  // the child lists one level less deep
        auto inner = nested_rows(rows.back().pid, name, list);
        ++nesting;
        for (auto& n : inner) rows.push_back(std::move(n));
      }
    }
    for (auto& r : rows) r.conf = r.conf ? &r.cfg.conf() : nullptr;
    return rows;
  };
  std::string lxcpath = args.lxcpath();
  std::vector<Row> rows = list(lxcpath);
  if (!filter.empty()) ::regfree(&re);

  if (fancy) {
    std::vector<std::string> cols = columns.empty()
                                        ? std::vector<std::string>{"NAME", "STATE", "AUTOSTART", "GROUPS", "IPV4", "IPV6", "UNPRIVILEGED"}
                                        : split(to_upper(columns), ",");
    std::vector<std::vector<std::string>> table;
    table.push_back(cols);
    for (const auto& r : rows) {
      api::Container c(r.name, lxcpath);
      std::vector<std::string> line;
      for (const auto& col : cols) line.push_back(column_value(r, c, col));
      table.push_back(std::move(line));
    }
    std::vector<size_t> width(cols.size(), 0);
    for (const auto& line : table)
      for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
    for (const auto& line : table) {
      std::string out;
      for (size_t i = 0; i < line.size(); ++i) {
        out += line[i];
        if (i + 1 < line.size()) out += std::string(width[i] - line[i].size() + 1, ' ');
      }
      std::printf("%s\n", std::string(trim(out)).c_str());
    }
    return 0;
  }
  if (one) {
    for (const auto& r : rows) std::printf("%s\n", r.name.c_str());
    return 0;
  }
  // Columns across the terminal, as ls(1) prints names.
  size_t longest = 0;
  for (const auto& r : rows) longest = std::max(longest, r.name.size());
  struct winsize ws {};
  size_t term = ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col ? ws.ws_col : 80;
  size_t per_line = std::max<size_t>(1, term / (longest + 2));
  std::string line;
  for (size_t i = 0; i < rows.size(); ++i) {
    line += rows[i].name;
    bool last_in_line = (i + 1) % per_line == 0 || i + 1 == rows.size();
    if (last_in_line) {
      std::printf("%s\n", line.c_str());
      line.clear();
    } else {
      line += std::string(longest + 2 - rows[i].name.size(), ' ');
    }
  }
  return 0;
}

}  // namespace lxc::tools
