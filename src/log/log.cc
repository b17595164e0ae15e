#include "log/log.h"

#include <fcntl.h>
#include <sys/time.h>
#include <syslog.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <ctime>

#include "base/file.h"
#include "base/strings.h"
#include "base/unique_fd.h"

namespace lxc::log {
namespace {

constexpr std::array<std::string_view, 9> kNames = {"TRACE", "DEBUG", "INFO",  "NOTICE", "WARN",
                                                    "ERROR", "CRIT",  "ALERT", "FATAL"};

struct State {
  Settings settings;
  UniqueFd file;
  bool syslog_open = false;
};

State& state() {
  static State s;
  return s;
}

int syslog_priority(Level l) {
  switch (l) {
    case Level::Trace:
    case Level::Debug:
      return LOG_DEBUG;
    case Level::Info:
      return LOG_INFO;
    case Level::Notice:
      return LOG_NOTICE;
    case Level::Warn:
      return LOG_WARNING;
    case Level::Error:
      return LOG_ERR;
    case Level::Crit:
      return LOG_CRIT;
    case Level::Alert:
      return LOG_ALERT;
    case Level::Fatal:
      return LOG_EMERG;
  }
  return LOG_ERR;
}

int open_file(const std::string& path) {
  auto& st = state();
  st.file.reset();
  if (path.empty() || path == "none") return 0;
  constexpr int kFlags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY;
  int fd = ::open(path.c_str(), kFlags, 0600);
  // As LXC, the directories up to the file are made when missing.
  if (fd < 0 && errno == ENOENT && mkdir_p(dirname_of(path), 0755)) fd = ::open(path.c_str(), kFlags, 0600);
  if (fd < 0) return errno;
  st.file.reset(fd);
  return 0;
}

void open_syslog() {
  auto& st = state();
  if (st.syslog_open) {
    ::closelog();
    st.syslog_open = false;
  }
  if (st.settings.syslog) {
    ::openlog(st.settings.prog.empty() ? "lxcpp" : st.settings.prog.c_str(), LOG_PID, *st.settings.syslog);
    st.syslog_open = true;
  }
}

}  // namespace

std::string_view level_name(Level l) { return kNames[static_cast<size_t>(l)]; }

std::optional<Level> parse_level(std::string_view s) {
  if (auto n = parse_u64(s)) {
    if (*n <= 8) return static_cast<Level>(*n);
    return std::nullopt;
  }
  if (iequals(s, "WARNING")) return Level::Warn;
  if (iequals(s, "EMERG")) return Level::Fatal;
  if (iequals(s, "CRITICAL")) return Level::Crit;
  for (size_t i = 0; i < kNames.size(); ++i)
    if (iequals(s, kNames[i])) return static_cast<Level>(i);
  return std::nullopt;
}

std::optional<int> parse_syslog_facility(std::string_view s) {
  static constexpr std::pair<std::string_view, int> kFacilities[] = {
      {"daemon", LOG_DAEMON}, {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1},
      {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},
      {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7}};
  for (auto& [name, fac] : kFacilities)
    if (iequals(s, name)) return fac;
  return std::nullopt;
}

int configure(const Settings& s) {
  auto& st = state();
  st.settings = s;
  open_syslog();
  return open_file(s.file);
}

int apply_config(std::string_view file, std::optional<Level> level, std::optional<int> syslog) {
  auto& st = state();
  if (level && !st.settings.level_from_cli) st.settings.level = *level;
  if (syslog) {
    st.settings.syslog = syslog;
    open_syslog();
  }
  if (!file.empty() && !st.file) {
    st.settings.file = std::string(file);
    return open_file(st.settings.file);
  }
  return 0;
}

const Settings& settings() { return state().settings; }

void set_container(std::string_view name) { state().settings.container = std::string(name); }

bool enabled(Level level) {
  const auto& s = state().settings;
  bool to_stderr = !s.quiet && level >= s.stderr_level;
  bool to_sinks = level >= s.level && (state().file || s.syslog);
  return to_stderr || to_sinks;
}

void emit(Level level, std::string_view module, const SourceLoc& loc, std::string_view msg) {
  int saved_errno = errno;
  auto& st = state();
  const auto& s = st.settings;
  std::string_view file = loc.file;
  if (auto pos = file.find_last_of('/'); pos != std::string_view::npos) file.remove_prefix(pos + 1);

  if (level >= s.level && st.file) {
    struct timeval tv {};
    ::gettimeofday(&tv, nullptr);
    struct tm tm {};
    ::gmtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
    std::string line =
        fmt::format("{} {} {}.{:03} {:<8} {} - {}:{}:{} - {}\n", s.prog.empty() ? "lxcpp" : s.prog, s.container, stamp,
                    tv.tv_usec / 1000, level_name(level), module, file, loc.function, loc.line, msg);
    // One write() per line so that concurrent writers using O_APPEND do not interleave.
    [[maybe_unused]] ssize_t n = ::write(st.file.get(), line.data(), line.size());
  }
  if (level >= s.level && s.syslog) {
    ::syslog(syslog_priority(level), "%s %s - %s:%u - %.*s", s.container.c_str(), std::string(module).c_str(),
             std::string(file).c_str(), loc.line, static_cast<int>(msg.size()), msg.data());
  }
  if (!s.quiet && level >= s.stderr_level) {
    std::string line = s.prog.empty() ? std::string() : s.prog + ": ";
    if (!s.container.empty()) line += s.container + ": ";
    if (level <= Level::Info || level == Level::Warn) line += std::string(level_name(level)) + ": ";
    line += msg;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  errno = saved_errno;
}

}  // namespace lxc::log
