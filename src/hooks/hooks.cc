// Container hooks: build the shell command and the environment as LXC does,
// spawn /bin/sh, log its stdout, judge its exit status. See hooks.h.
#include "hooks/hooks.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "base/spawn.h"
#include "base/strings.h"
#include "base/unique_fd.h"

extern char** environ;

namespace lxc::hooks {
namespace {

constexpr log::Logger kLog("hooks");

constexpr std::array<std::string_view, config::kHookCount> kNames = {
    "pre-start", "pre-mount", "mount", "autodev", "start-host", "start", "stop", "post-stop", "clone", "destroy"};

// The variables we own: an inherited value of any of them never reaches a hook.
constexpr std::string_view kManaged[] = {
    "LXC_NAME",      "LXC_CONFIG_FILE", "LXC_ROOTFS_MOUNT", "LXC_ROOTFS_PATH", "LXC_CONSOLE",
    "LXC_CONSOLE_LOGPATH", "LXC_PID",   "LXC_TARGET",       "LXC_SRC_NAME",    "LXC_CGNS_AWARE",
    "LXC_HOOK_VERSION", "LXC_LOG_LEVEL", "LXC_HOOK_TYPE",  "LXC_HOOK_SECTION", "LXC_USER_NS",
    "LXC_MNT_NS",    "LXC_PID_NS",      "LXC_UTS_NS",       "LXC_IPC_NS",      "LXC_NET_NS",
    "LXC_CGROUP_NS", "LXC_TIME_NS",     "LXC_NET_TYPE",     "LXC_NET_PARENT",  "LXC_NET_PEER",
};

bool shell_safe(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::strchr("_./:=@%+,-", c) != nullptr;
    if (!ok) return false;
  }
  return true;
}

std::string shell_quote(std::string_view s) {
  if (shell_safe(s)) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += '\'';
  return out;
}

std::string quoted(std::string_view s) { return "\"" + printable(s, 200) + "\""; }

std::string key_of(config::HookType type, const HookEnv& env) {
  return env.key.empty() ? "lxc.hook." + std::string(hook_name(type)) : env.key;
}
std::string type_of(config::HookType type, const HookEnv& env) {
  return env.type_name.empty() ? std::string(hook_name(type)) : env.type_name;
}
std::string section_of(const HookEnv& env) { return env.section.empty() ? "lxc" : env.section; }

// "/proc/<monitor pid>/fd/<fd>", the path LXC gives for a kept namespace.
std::string ns_path(const NsFd& ns) { return "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(ns.fd); }

// The first word of a hook command when it is a plain path (no quoting or
// expansion the shell would do differently), for a clear "no such file" error.
std::optional<std::string> plain_path(std::string_view command) {
  command = trim(command);
  size_t end = command.find_first_of(" \t\n");
  std::string_view word = command.substr(0, end);
  if (word.find('/') == std::string_view::npos) return std::nullopt;
  for (char c : word)
    if (std::strchr("'\"\\$`;&|<>(){}*?[]~#", c) != nullptr) return std::nullopt;
  return std::string(word);
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) {
    std::string s = "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WEXITSTATUS(status) == 127) s += " (command not found)";
    if (WEXITSTATUS(status) == 126) s += " (command not executable)";
    return s;
  }
  if (WIFSIGNALED(status)) {
    const char* abbrev = ::sigabbrev_np(WTERMSIG(status));
    return "killed by signal " + std::to_string(WTERMSIG(status)) + (abbrev ? std::string(" (SIG") + abbrev + ")" : "");
  }
  return "ended with wait status " + std::to_string(status);
}

// Logs the hook's stdout line by line until EOF.
void drain_stdout(int fd, std::string_view hook) {
  std::string pending;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      kLog.debug("hook {} output: {}", hook, pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
  }
  if (!pending.empty()) kLog.debug("hook {} output: {}", hook, pending);
}

}  // namespace

std::string_view hook_name(config::HookType t) {
  auto i = static_cast<size_t>(t);
  return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

HookEnv hook_env_from_conf(const config::Conf& conf, std::string name, std::string config_file,
                           std::string mount_point) {
  HookEnv env;
  env.name = std::move(name);
  env.config_file = std::move(config_file);
  env.rootfs_path = conf.rootfs_path;
  env.rootfs_mount = conf.rootfs_mount.empty() ? std::move(mount_point) : conf.rootfs_mount;
  env.console = conf.console_path;
  env.console_log = conf.console_logfile;
  return env;
}

std::vector<std::string> make_env(const HookEnv& env, config::HookType type, int hook_version) {
  std::vector<std::string> out;
  auto add = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) out.push_back(std::string(key) + "=" + value);
  };
  add("LXC_NAME", env.name);
  add("LXC_CONFIG_FILE", env.config_file);
  add("LXC_ROOTFS_MOUNT", env.rootfs_mount);
  add("LXC_ROOTFS_PATH", env.rootfs_path);
  add("LXC_CONSOLE", env.console);
  add("LXC_CONSOLE_LOGPATH", env.console_log);
  if (env.init_pid > 0) add("LXC_PID", std::to_string(env.init_pid));
  add("LXC_TARGET", env.target);
  add("LXC_SRC_NAME", env.src_name);
  add("LXC_CGNS_AWARE", "1");
  add("LXC_HOOK_VERSION", hook_version == 0 ? "0" : "1");
  add("LXC_LOG_LEVEL", std::string(log::level_name(env.log_level.value_or(log::settings().level))));
  if (hook_version != 0) {
    add("LXC_HOOK_TYPE", type_of(type, env));
    add("LXC_HOOK_SECTION", section_of(env));
    for (const auto& ns : env.namespaces) add("LXC_" + to_upper(ns.type) + "_NS", ns_path(ns));
  }
  for (const auto& e : env.extra_env) out.push_back(e);
  return out;
}

std::vector<std::string> make_argv(std::string_view command, const HookEnv& env, config::HookType type,
                                   int hook_version) {
  std::string line = "exec " + std::string(trim(command));
  if (hook_version == 0) {
    line += " " + shell_quote(env.name) + " " + section_of(env) + " " + type_of(type, env);
    for (const auto& ns : env.namespaces) line += " " + shell_quote(ns.type + ":" + ns_path(ns));
  }
  for (const auto& a : env.args) line += " " + shell_quote(a);
  return {"sh", "-c", std::move(line)};
}

Result<void> run_hook(std::string_view command, config::HookType type, const HookEnv& env, int hook_version) {
  const std::string key = key_of(type, env);
  const std::string what = key + " " + quoted(trim(command));

  if (auto path = plain_path(command)) {
    if (::access(path->c_str(), X_OK) < 0) {
      int err = errno;
      return fail(err, what + ": " + (err == ENOENT ? "no such hook " : "cannot execute ") + *path);
    }
  }

  // Everything the child needs is built here, before the spawn.
  std::vector<std::string> args = make_argv(command, env, type, hook_version);
  std::vector<std::string> ours = make_env(env, type, hook_version);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    std::string_view k = kv.substr(0, kv.find('='));
    bool managed = false;
    for (auto m : kManaged) managed = managed || k == m;
    if (!managed) envp.push_back(*e);
  }
  for (auto& e : ours) envp.push_back(e.data());
  envp.push_back(nullptr);

  kLog.info("running {} for container \"{}\": {}", key, env.name, args[2]);
  auto hook = spawn_piped("/bin/sh", argv.data(), envp.data(), false);
  if (!hook) return unexpected(with_context(hook.error(), what));
  drain_stdout(hook->out.get(), hook_name(type));

  auto waited = wait_for(hook->pid);
  if (!waited) return unexpected(with_context(waited.error(), what));
  const int status = *waited;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  return fail(0, what + " " + describe_status(status));
}

Result<void> run_hooks(const config::Conf& conf, config::HookType type, const HookEnv& env) {
  auto i = static_cast<size_t>(type);
  if (i >= static_cast<size_t>(config::kHookCount)) return fail(EINVAL, "unknown hook type " + std::to_string(i));
  for (const auto& command : conf.hooks[i]) {
    if (trim(command).empty()) continue;
    // The caller reports the failure (or, for stop and post-stop, only logs it).
    if (auto r = run_hook(command, type, env, conf.hook_version); !r) return r;
  }
  return {};
}

}  // namespace lxc::hooks
