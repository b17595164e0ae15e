// The runtime half of api::Container: start, state, signals, freezing and
// waiting, all through the container's monitor and its command socket.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <poll.h>

#include <algorithm>
#include <cstdlib>

#include "api/container.h"
#include "api/destroy.h"
#include "api/state_events.h"
#include "base/file.h"
#include "cgroups/cgroup.h"
#include "commands/commands.h"
#include "commands/lxc_monitor.h"
#include "config/system.h"
#include "log/log.h"

namespace lxc::api {

using commands::Cmd;

namespace {

// What lxcpp's tools do to a container that LXC's monitor runs
// (commands/lxc_monitor.h): stop it through that monitor, signal its init;
// freezing is for LXC's own tools.
Result<void> lxc_monitor_call(const Container& c, Cmd cmd, int64_t sig) {
  if (cmd == Cmd::Stop && sig == 0) return commands::lxc_monitor::stop(c.lxcpath(), c.name());
  auto pid = commands::lxc_monitor::get_init_pid(c.lxcpath(), c.name());
  if (!pid) return unexpected(pid.error());
  if (cmd == Cmd::Stop) {
    if (::kill(*pid, static_cast<int>(sig)) < 0) return fail_sys("signal the init of " + c.name());
    return {};
  }
  return unexpected(no_monitor_error(c));
}

Result<void> simple_call(const Container& c, Cmd cmd, int64_t arg = 0) {
  auto r = commands::call(c.lxcpath(), c.name(), cmd, arg);
  if (!r) {
    if (r.error().code != ECONNREFUSED && r.error().code != ENOENT) return unexpected(r.error());
    auto lxc = lxc_monitor_call(c, cmd, arg);
    if (!lxc && lxc.error().code == ESRCH) return fail(ESRCH, c.name() + " is not running");
    return lxc;
  }
  if (r->ret < 0) return fail(-r->ret, r->data.empty() ? c.name() : r->data);
  return {};
}

// Whether a process blocks a signal (SigBlk in /proc/PID/status).
bool blocks_signal(pid_t pid, int sig) {
  auto status = read_file("/proc/" + std::to_string(pid) + "/status", 1 << 16);
  if (!status) return false;
  auto pos = status->find("SigBlk:");
  if (pos == std::string::npos) return false;
  unsigned long long mask = std::strtoull(status->c_str() + pos + 7, nullptr, 16);
  return mask & (1ULL << (sig - 1));
}

int64_t now_ms() {
  struct timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

Error no_monitor_error(const Container& c) {
  if (auto pid = commands::lxc_monitor::get_init_pid(c.lxcpath(), c.name()))
    return make_error(ENOTSUP, c.name() + " runs under LXC's monitor (init " + std::to_string(*pid) +
                                   "): lxcpp's tools can see, stop, signal and attach to it; for the rest use LXC's, or "
                                   "start it again under lxcpp");
  return make_error(ESRCH, c.name() + " is not running");
}

Result<int> Container::start(config::ConfigFile cfg, const start::StartOptions& opts) const {
  // The container's own log: lxc.log.file, else LXC's default place, unless
  // the command line named one (-o wins, as in LXC).
  const auto& conf = cfg.conf();
  std::string logfile = conf.log_file.empty() ? log_path_default() : conf.log_file;
  std::optional<log::Level> level;
  if (conf.log_level) level = static_cast<log::Level>(*conf.log_level);
  std::optional<int> syslog;
  if (!conf.log_syslog.empty()) syslog = log::parse_syslog_facility(conf.log_syslog);
  // LXC's log directory is made on demand; a container directory is not
  // (lxc-execute of an undefined container logs nowhere rather than make one).
  if (log::settings().file.empty() && dirname_of(logfile) == config::default_paths().log_dir)
    (void)mkdir_p(dirname_of(logfile), 0755);
  if (!conf.log_file.empty() || is_dir(dirname_of(logfile)))
    if (int err = log::apply_config(logfile, level, syslog); err != 0)
      return fail(err, "cannot open the log file " + logfile);
  if (!conf.ephemeral) return start::start(name_, lxcpath_, std::move(cfg), opts);
  // lxc.ephemeral: the monitor destroys the container once it has stopped,
  // as lxc-destroy would.
  start::StartOptions o = opts;
  o.on_ephemeral_stop = [c = *this] {
    if (auto r = destroy(c, DestroyOptions{}); !r)
      log::Logger("lifecycle").error("lxc.ephemeral: {}", describe(r.error()));
  };
  return start::start(name_, lxcpath_, std::move(cfg), o);
}

State Container::state() const {
  auto s = commands::get_state(lxcpath_, name_);
  if (s) return *s;
  // A squatter on its address or a wedged monitor: said, as no container
  // the tools can reach. (One that goes away while answering has stopped.)
  if (s.error().code == EPERM || s.error().code == ETIMEDOUT)
    log::Logger("lifecycle").error("{}", describe(s.error()));
  return State::Stopped;
}

Result<pid_t> Container::init_pid() const { return commands::get_init_pid(lxcpath_, name_); }

Result<void> Container::signal_init(int sig) const { return simple_call(*this, Cmd::Stop, sig); }
int Container::halt_signal(const config::Conf* conf) const {
  if (conf && conf->signal_halt) return conf->signal_halt;
  if (auto pid = init_pid(); pid && blocks_signal(*pid, SIGRTMIN + 3)) return SIGRTMIN + 3;
  return SIGPWR;
}

// No signal of our own: the monitor sends lxc.signal.stop (SIGKILL unless
// set), as LXC's stop command does.
Result<void> Container::kill() const { return simple_call(*this, Cmd::Stop, 0); }
Result<void> Container::freeze() const { return simple_call(*this, Cmd::Freeze); }
Result<void> Container::unfreeze() const { return simple_call(*this, Cmd::Unfreeze); }

Result<std::string> Container::get_running_config_item(std::string_view key) const {
  auto r = commands::call(lxcpath_, name_, Cmd::GetConfigItem, 0, key);
  if (!r) {
    auto cfg = load_config();
    if (!cfg) return unexpected(cfg.error());
    return cfg->get_item(key);
  }
  if (r->ret < 0) return fail(-r->ret, r->data);
  return r->data;
}

Result<std::string> Container::cgroup_paths() const {
  auto r = commands::call(lxcpath_, name_, Cmd::GetCgroups);
  if (r) return r->data;
  // Under LXC's monitor: the cgroups its init is in.
  if (auto pid = commands::lxc_monitor::get_init_pid(lxcpath_, name_)) {
    auto cg = cgroups::Cgroup::of_process(*pid);
    if (!cg) return unexpected(cg.error());
    return cg->serialize();
  }
  return fail(ESRCH, name_ + " is not running");
}

Result<void> Container::reboot(const config::Conf* conf) const {
  return signal_init(conf && conf->signal_reboot ? conf->signal_reboot : SIGINT);
}

Result<void> Container::reboot(const config::Conf* conf, int timeout_s) const {
  // Subscribed first, so that a quick reboot is not missed. (A container
  // LXC's monitor runs has no subscription: it is signalled only.)
  auto events = subscribe_state_events(*this);
  if (auto r = reboot(conf); !r) return r;
  if (!events) return {};
  const int64_t deadline = timeout_s < 0 ? INT64_MAX : now_ms() + int64_t{timeout_s} * 1000;
  bool went_down = false;
  for (;;) {
    const int64_t left = deadline - now_ms();
    if (left <= 0) return fail(ETIMEDOUT, name_ + " did not reboot within " + std::to_string(timeout_s) + " s");
    struct pollfd p {events->get(), POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, INT32_MAX)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    auto ev = read_state_event(events->get());
    if (!ev) return fail(ECHILD, name_ + " stopped instead of rebooting");
    if (ev->exited || ev->state == State::Stopping || ev->state == State::Starting)
      went_down = true;
    else if (went_down && ev->state == State::Running)
      return {};
  }
}

Result<void> Container::shutdown(const config::Conf* conf, int timeout_s) const {
  if (auto r = signal_init(halt_signal(conf)); !r) return r;
  if (timeout_s == 0) return {};
  std::optional<std::chrono::milliseconds> limit;
  if (timeout_s > 0) limit = std::chrono::seconds(timeout_s);
  if (auto s = wait_for({State::Stopped}, limit); !s) return unexpected(s.error());
  return {};
}

Result<State> Container::wait_for(const std::vector<State>& states,
                                  std::optional<std::chrono::milliseconds> timeout) const {
  auto wanted = [&](State s) { return std::find(states.begin(), states.end(), s) != states.end(); };
  const int64_t deadline = timeout ? now_ms() + timeout->count() : INT64_MAX;
  for (;;) {
    // Subscribe to the monitor's state changes; without a monitor the
    // container is STOPPED, and we look again shortly for one to appear.
    auto fd = commands::connect(lxcpath_, name_);
    if (!fd) {
      // No lxcpp monitor: STOPPED, or a container LXC's monitor runs, whose
      // state is looked at again shortly.
      if (State s = state(); wanted(s)) return s;
    } else {
      commands::RequestHeader h{static_cast<uint32_t>(Cmd::AddStateClient), 0, 0};
      if (commands::write_all(fd->get(), &h, sizeof h)) {
        for (;;) {
          int64_t left = deadline - now_ms();
          if (left <= 0) return fail(ETIMEDOUT, "timed out waiting for " + name_);
          struct pollfd p {fd->get(), POLLIN, 0};
          int n = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, INT32_MAX)));
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) continue;
          commands::ResponseHeader rh;
          if (!commands::read_all(fd->get(), &rh, sizeof rh)) {
            // The monitor went away: the container stopped.
            if (wanted(State::Stopped)) return State::Stopped;
            break;
          }
          auto s = static_cast<State>(rh.ret);
          if (wanted(s)) return s;
        }
      }
    }
    if (now_ms() >= deadline) return fail(ETIMEDOUT, "timed out waiting for " + name_);
    ::usleep(10 * 1000);
  }
}

Result<UniqueFd> subscribe_state_events(const Container& c) {
  auto fd = commands::connect(c.lxcpath(), c.name());
  if (!fd) return fail(ESRCH, c.name() + " is not running");
  commands::RequestHeader h{static_cast<uint32_t>(Cmd::AddStateClient), 0, 1};
  if (auto r = commands::write_all(fd->get(), &h, sizeof h); !r) return fail(ESRCH, c.name() + " is not running");
  return std::move(*fd);
}

Result<StateEvent> read_state_event(int fd) {
  commands::ResponseHeader h;
  if (!commands::read_all(fd, &h, sizeof h)) return fail(EPIPE, "the monitor went away");
  if (h.ret < 0) return fail(-h.ret, "state subscription refused");
  StateEvent ev;
  if (h.ret == commands::kExitStatusTag) {
    int32_t status = 0;
    if (h.datalen != sizeof status || !commands::read_all(fd, &status, sizeof status))
      return fail(EPROTO, "bad exit status message");
    ev.exited = true;
    ev.exit_status = status;
    return ev;
  }
  ev.state = static_cast<State>(h.ret);
  return ev;
}

}  // namespace lxc::api
