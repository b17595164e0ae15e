#include "api/autostart.h"

#include <dirent.h>

#include <algorithm>

#include "api/container.h"
#include "base/strings.h"

namespace lxc::api {

std::vector<std::string> parse_autostart_groups(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  auto add = [&](std::string g) {
    if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(std::move(g));
  };
  for (const auto& a : args) {
    size_t pos = 0;
    for (;;) {
      size_t comma = a.find(',', pos);
      add(a.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  }
  return out;
}

Result<AutostartPlan> autostart_plan(const std::string& lxcpath, const AutostartSelection& sel) {
  // list_defined() reads an unreadable path as empty; lxc-autostart fails.
  if (DIR* d = ::opendir(lxcpath.c_str()); d)
    ::closedir(d);
  else
    return fail_sys("cannot read " + lxcpath);

  struct Candidate {
    AutostartItem item;
    int64_t order;
    std::vector<std::string> groups;
  };
  std::vector<Candidate> cands;
  AutostartPlan plan;
  for (const auto& name : list_defined(lxcpath)) {
    Container c(name, lxcpath);
    auto cfg = c.load_config();
    if (!cfg) {
      plan.errors.push_back(name + ": " + describe(cfg.error()));
      continue;
    }
    const auto& conf = cfg->conf();
    if (!sel.ignore_auto && !conf.start_auto) continue;
    Candidate cand{{name, conf.start_delay, {}}, conf.start_order, conf.groups};
    cand.item.config = std::move(*cfg);
    cands.push_back(std::move(cand));
  }
  std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    return a.order != b.order ? a.order < b.order : a.item.name < b.item.name;
  });
  if (sel.reverse) std::reverse(cands.begin(), cands.end());

  auto in_group = [](const Candidate& c, const std::string& g) {
    return g.empty() ? c.groups.empty() : std::find(c.groups.begin(), c.groups.end(), g) != c.groups.end();
  };
  std::vector<bool> taken(cands.size(), false);
  const std::vector<std::string> groups = sel.all || sel.groups.empty() ? std::vector<std::string>{""} : sel.groups;
  for (const auto& g : groups) {
    for (size_t i = 0; i < cands.size(); ++i) {
      if (taken[i] || (!sel.all && !in_group(cands[i], g))) continue;
      taken[i] = true;
      plan.items.push_back(std::move(cands[i].item));
    }
  }
  return plan;
}

}  // namespace lxc::api
