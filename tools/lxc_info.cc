// lxc-info: a container's state, init pid, addresses, resource use and
// config items.
#include <cstdio>

#include "api/container.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

// LXC's humanized sizes: "bytes" below 1 KiB, else two decimals and the unit.
static std::string humanize_bytes(uint64_t v) {
  static const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (v < 1024) return std::to_string(v) + " bytes";
  double d = static_cast<double>(v) / 1024;
  int u = 0;
  while (d >= 1024 && u < 3) d /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f %s", d, kUnits[u]);
  return buf;
}

int lxc_info_main(int argc, char** argv) {
  bool show_state = false, show_pid = false, show_ips = false, show_stats = false, raw = false;
  std::vector<std::string> keys;
  ToolSpec spec{"lxc-info", "--name=NAME",
                "Query information about the container NAME.",
                "  -c, --config=KEY      show configuration variable KEY from running container\n"
                "  -i, --ips             shows the IP addresses\n"
                "  -p, --pid             shows the process id of the init container\n"
                "  -S, --stats           shows usage stats\n"
                "  -H, --no-humanize     shows stats as raw numbers, not humanized\n"
                "  -s, --state           shows the state of the container\n",
                "c:ipSHs",
                {{"config", required_argument, nullptr, 'c'},
                 {"ips", no_argument, nullptr, 'i'},
                 {"pid", no_argument, nullptr, 'p'},
                 {"stats", no_argument, nullptr, 'S'},
                 {"no-humanize", no_argument, nullptr, 'H'},
                 {"state", no_argument, nullptr, 's'}},
                [&](int opt, const char* arg) {
                  switch (opt) {
                    case 'c': keys.emplace_back(arg); return true;
                    case 'i': show_ips = true; return true;
                    case 'p': show_pid = true; return true;
                    case 'S': show_stats = true; return true;
                    case 'H': raw = true; return true;
                    case 's': show_state = true; return true;
                  }
                  return false;
                }};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  api::Container c(args.name, args.lxcpath());
  State state = c.state();
  if (!c.is_defined() && state == State::Stopped) {
    std::fprintf(stderr, "%s doesn't exist\n", args.name.c_str());
    return 1;
  }
  // As LXC's: -H with a single one of -s, -p, -i, -S prints that value bare
  // (`lxc-info -n c -pH` is init's pid alone), and with a single -c KEY that
  // item's value bare; the config items come last.
  const int filters = int(show_state) + int(show_pid) + int(show_ips) + int(show_stats);
  const bool bare = raw && filters == 1;
  auto field = [&](const char* label, const std::string& value) {
    if (bare)
      std::printf("%s\n", value.c_str());
    else
      std::printf("%-15s %s\n", label, value.c_str());
  };
  bool all = filters == 0 && keys.empty();
  if (all) {
    show_state = show_pid = show_ips = show_stats = true;
    std::printf("%-15s %s\n", "Name:", args.name.c_str());
  }
  if (show_state) field("State:", std::string(state_name(state)));
  if (state != State::Stopped && (show_pid || show_ips || show_stats)) {
    pid_t pid = -1;
    if (auto p = c.init_pid()) pid = *p;
    if (show_pid && pid > 0) field("PID:", std::to_string(pid));
    if (show_ips)
      for (const auto& ip : c.ips(0, pid > 0 ? std::optional<pid_t>(pid) : std::nullopt)) field("IP:", ip);
    if (show_stats) {
      if (auto st = c.stats()) {
        auto line = [&](const char* label, std::optional<uint64_t> v, bool seconds) {
          if (!v) return;
          if (raw)
            std::printf("%-15s %llu\n", label, static_cast<unsigned long long>(*v));
          else if (seconds)
            std::printf("%-15s %.2f seconds\n", label, static_cast<double>(*v) / 1e9);
          else
            std::printf("%-15s %s\n", label, humanize_bytes(*v).c_str());
        };
        line("CPU use:", st->cpu_ns, true);
        line("BlkIO use:", st->blkio_bytes, false);
        line("Memory use:", st->memory_bytes, false);
        line("KMem use:", st->kmem_bytes, false);
      }
    }
  }
  for (const auto& key : keys) {
    auto v = c.get_running_config_item(key);
    if (!v) {  // said, and the others still printed: LXC's lxc-info exits 0 here
      std::fprintf(stderr, "%s invalid\n", key.c_str());
      continue;
    }
    std::string value = *v;
    while (!value.empty() && value.back() == '\n') value.pop_back();
    if (raw && keys.size() == 1)
      std::printf("%s\n", value.c_str());
    else
      std::printf("%s = %s\n", key.c_str(), value.c_str());
  }
  return 0;
}

}  // namespace lxc::tools
