#include "api/listing.h"

#include <regex.h>
#include <sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <functional>

#include "api/container.h"
#include "base/strings.h"
#include "commands/commands.h"
#include "config/system.h"

namespace lxc::api {
namespace {

class Lister {
 public:
  Lister(const ListOptions& opts, const regex_t* re) : opts_(opts), re_(re), nesting_(opts.nesting) {}

  std::vector<ListedContainer> list(const std::string& lxcpath) {
    std::vector<ListedContainer> out;
    // The monitors' addresses, read once here (in the namespaces the list is
    // made in): a container with none is STOPPED without asking.
    const auto bound = commands::bound_abstract_addresses();
    for (const auto& name : list_defined(lxcpath)) {
      if (re_ && ::regexec(re_, name.c_str(), 0, nullptr, 0) != 0) continue;
      Container c(name, lxcpath);
      ListedContainer r;
      r.name = name;
      r.lxcpath = lxcpath;
      if (!bound || commands::may_have_monitor(*bound, lxcpath, name)) r.state = c.state();
      const bool is_active = r.state != State::Stopped;
      if ((opts_.running && r.state != State::Running) || (opts_.frozen && r.state != State::Frozen) ||
          (opts_.stopped && r.state != State::Stopped) || (opts_.active && !is_active))
        continue;
      if (auto cfg = c.load_config()) r.cfg = std::move(*cfg);
      if (!opts_.groups.empty()) {
        const auto* groups = r.cfg ? &r.cfg->conf().groups : nullptr;
        if (!groups || std::none_of(opts_.groups.begin(), opts_.groups.end(), [&](const std::string& g) {
              return std::find(groups->begin(), groups->end(), g) != groups->end();
            }))
          continue;
      }
      if (is_active)
        if (auto p = c.init_pid()) r.pid = *p;
      const pid_t pid = r.pid;
      out.push_back(std::move(r));
      if (nesting_ > 0 && pid > 0) {
        --nesting_;  // the child lists one level less deep
        for (auto& n : nested(pid, name)) out.push_back(std::move(n));
        ++nesting_;
      }
    }
    return out;
  }

 private:
  // The containers defined inside the running container whose init is pid,
  // as LXC's lxc-ls finds them: listed in its mount, net, ipc, uts and pid
  // namespaces (the container's files, its /etc/lxc/lxc.conf and lxcpath,
  // its monitors' sockets), one line per container, its columns
  // tab-separated.
  std::vector<ListedContainer> nested(pid_t pid, const std::string& parent) {
    auto text = output_in_namespaces(pid, CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID, [&] {
      std::string out;
      for (const ListedContainer& r : list(config::default_lxcpath())) {
        for (size_t i = 0; i < kListColumns.size(); ++i) out += (i ? "\t" : "") + r.column(kListColumns[i]);
        out += '\n';
      }
      return out;
    });
    std::vector<ListedContainer> rows;
    if (!text) return rows;
    for (const auto& line : split(*text, "\n")) {
      auto f = split(line, "\t");
      if (f.size() != kListColumns.size()) continue;
      ListedContainer r;
      for (size_t i = 0; i < f.size(); ++i) r.fixed[kListColumns[i]] = f[i];
      r.name = r.fixed["NAME"] = parent + "/" + f[0];
      r.state = parse_state(r.fixed["STATE"]).value_or(State::Stopped);
      rows.push_back(std::move(r));
    }
    return rows;
  }

  const ListOptions& opts_;
  const regex_t* re_;
  int nesting_;
};

}  // namespace

std::string ListedContainer::column(const std::string& col) const {
  if (!fixed.empty()) return fixed.count(col) ? fixed.at(col) : "-";
  const config::Conf* conf = cfg ? &cfg->conf() : nullptr;
  if (col == "NAME") return name;
  if (col == "STATE") return std::string(state_name(state));
  if (col == "AUTOSTART") return conf && conf->start_auto ? "1" : "0";
  if (col == "GROUPS") return conf && !conf->groups.empty() ? join(conf->groups, ", ") : "-";
  if (col == "PID") return pid > 0 ? std::to_string(pid) : "-";
  if (col == "UNPRIVILEGED") return conf && !conf->idmaps.empty() ? "true" : "false";
  if (col == "IPV4" || col == "IPV6") {
    if (state != State::Running) return "-";
    auto ips = Container(name, lxcpath).ips(col == "IPV4" ? AF_INET : AF_INET6,
                                            pid > 0 ? std::optional<pid_t>(pid) : std::nullopt);
    return ips.empty() ? "-" : join(ips, ", ");
  }
  return "-";
}

Result<std::vector<ListedContainer>> list_containers(const std::string& lxcpath, const ListOptions& opts) {
  regex_t re;
  if (!opts.filter.empty() && ::regcomp(&re, opts.filter.c_str(), REG_EXTENDED | REG_NOSUB) != 0)
    return fail(EINVAL, "invalid regular expression \"" + opts.filter + "\"");
  Lister lister(opts, opts.filter.empty() ? nullptr : &re);
  auto rows = lister.list(lxcpath);
  if (!opts.filter.empty()) ::regfree(&re);
  return rows;
}

}  // namespace lxc::api
