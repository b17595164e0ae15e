#include "api/container.h"
#include "base/strings.h"
#include "commands/commands.h"
#include "config/keys.h"

namespace lxc::api {
namespace {

using commands::Cmd;

// What the attached process takes from the container's configuration.
constexpr std::string_view kAttachKeys[] = {"lxc.cap.drop",     "lxc.cap.keep",        "lxc.environment",
                                            "lxc.idmap",        "lxc.seccomp.profile", "lxc.seccomp.allow_nesting",
                                            "lxc.no_new_privs", "lxc.prlimit",         "lxc.arch"};

// Sets key from the text get_item gave: list keys (and lxc.prlimit's
// "lxc.prlimit.NAME = VALUE" lines) one line at a time.
Result<void> apply_item(config::Conf& conf, std::string_view key, const std::string& value) {
  for (const auto& line : split(value, "\n")) {
    if (trim(line).empty()) continue;
    if (key == "lxc.prlimit") {
      auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      if (auto r = config::set_item(conf, trim(std::string_view(line).substr(0, eq)),
                                    trim(std::string_view(line).substr(eq + 1)));
          !r)
        return r;
    } else if (auto r = config::set_item(conf, key, line); !r) {
      return r;
    }
  }
  return {};
}

// The values of kAttachKeys from the monitor: in one round trip
// (GetConfigItems), or key by key from a monitor that predates it.
Result<std::vector<std::string>> fetch_items(const std::string& lxcpath, const std::string& name) {
  std::string keys;
  for (auto key : kAttachKeys) keys.append(key).push_back('\n');
  auto r = commands::call(lxcpath, name, Cmd::GetConfigItems, 0, keys);
  if (!r) return unexpected(r.error());
  std::vector<std::string> values;
  if (r->ret == -ENOSYS) {
    for (auto key : kAttachKeys) {
      auto one = commands::call(lxcpath, name, Cmd::GetConfigItem, 0, key);
      if (!one) return unexpected(one.error());
      if (one->ret < 0) return fail(-one->ret, std::string(key) + ": " + one->data);
      values.push_back(std::move(one->data));
    }
    return values;
  }
  if (r->ret < 0) return fail(-r->ret, r->data);
  for (std::string_view rest = r->data; !rest.empty();) {
    size_t nul = rest.find('\0');
    values.emplace_back(rest.substr(0, nul));
    rest = nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);
  }
  if (values.size() != std::size(kAttachKeys))
    return fail(EPROTO, "the monitor answered " + std::to_string(values.size()) + " config items");
  return values;
}

Result<config::Conf> running_conf(const std::string& lxcpath, const std::string& name) {
  auto values = fetch_items(lxcpath, name);
  if (!values) return unexpected(with_context(values.error(), "the running config of " + name));
  config::Conf conf;
  for (size_t i = 0; i < values->size(); ++i)
    if (auto s = apply_item(conf, kAttachKeys[i], (*values)[i]); !s)
      return unexpected(with_context(s.error(), "the running config of " + name));
  return conf;
}

}  // namespace

// The running container's configuration as its monitor has it (not the
// file, which may have changed since the start); with rcfile, that file's.
Result<attach::Target> Container::attach_target(const std::string& rcfile) const {
  attach::Target t;
  auto pid = commands::get_init_pid(lxcpath_, name_);
  if (!pid) return unexpected(pid.error());
  t.init_pid = *pid;
  auto cg = cgroup_paths();
  if (!cg) return unexpected(with_context(cg.error(), "cgroups"));
  t.cgroup_paths = std::move(*cg);
  // LXC's monitor serves no config items: the file it started from it is.
  const bool lxc_monitor = !commands::connect(lxcpath_, name_);
  if (!rcfile.empty() || lxc_monitor) {
    auto cfg = load_config(rcfile);
    if (!cfg) return unexpected(cfg.error());
    t.conf = cfg->conf();
  } else {
    auto conf = running_conf(lxcpath_, name_);
    if (!conf) return unexpected(conf.error());
    t.conf = std::move(*conf);
  }
  return t;
}

Result<int> Container::attach(const attach::AttachOptions& opts, const std::string& rcfile) const {
  auto t = attach_target(rcfile);
  if (!t) return unexpected(t.error());
  return attach::run(*t, opts);
}

Result<pid_t> Container::spawn_attached(const attach::AttachOptions& opts) const {
  auto t = attach_target({});
  if (!t) return unexpected(t.error());
  return attach::spawn(*t, opts);
}

}  // namespace lxc::api
