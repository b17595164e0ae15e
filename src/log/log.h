// Logging: one Logger per module, shared sinks (log file, syslog, stderr).
// Levels and their numbers are LXC's: lxc.log.level accepts 0-8 or the names.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>

namespace lxc::log {

enum class Level : int { Trace = 0, Debug, Info, Notice, Warn, Error, Crit, Alert, Fatal };

std::string_view level_name(Level l);
// Accepts 0-8 and the names (case-insensitive, WARNING for WARN, as LXC).
std::optional<Level> parse_level(std::string_view s);
// syslog facility by LXC's names: daemon, local0..local7.
std::optional<int> parse_syslog_facility(std::string_view s);

struct Settings {
  Level level = Level::Error;       // threshold for the log file and syslog
  bool level_from_cli = false;      // -l was given: lxc.log.level does not override it
  std::string file;                 // empty: no log file
  std::optional<int> syslog;        // facility, when syslog is on
  bool quiet = false;               // -q: nothing on stderr
  Level stderr_level = Level::Error;  // what reaches stderr when not quiet
  std::string prog;                 // tool name, e.g. lxc-start
  std::string container;            // container name, when there is one
};

// Sets the sinks. The log file is opened for append (O_CLOEXEC); an open
// failure is returned as errno (0 on success).
int configure(const Settings& s);
// Updates only the fields a container config may set (lxc.log.*), keeping
// what the command line said: LXC gives -o/-l precedence over the config.
int apply_config(std::string_view file, std::optional<Level> level, std::optional<int> syslog);
const Settings& settings();
void set_container(std::string_view name);

// Where a log call stands in the source. std::source_location would do, but
// clang 14 (used for the fuzzers) lacks it; the builtins work in both.
struct SourceLoc {
  const char* file;
  const char* function;
  unsigned line;
  static constexpr SourceLoc current(const char* f = __builtin_FILE(), const char* fn = __builtin_FUNCTION(),
                                     unsigned l = __builtin_LINE()) {
    return {f, fn, l};
  }
};

struct FmtLoc {
  fmt::string_view fmt;
  SourceLoc loc;
  template <class S>
  FmtLoc(const S& s, SourceLoc l = SourceLoc::current()) : fmt(s), loc(l) {}
};

void emit(Level level, std::string_view module, const SourceLoc& loc, std::string_view msg);
bool enabled(Level level);

class Logger {
 public:
  explicit constexpr Logger(std::string_view module) : module_(module) {}

  template <class... A>
  void trace(FmtLoc f, A&&... a) const { log(Level::Trace, f, a...); }
  template <class... A>
  void debug(FmtLoc f, A&&... a) const { log(Level::Debug, f, a...); }
  template <class... A>
  void info(FmtLoc f, A&&... a) const { log(Level::Info, f, a...); }
  template <class... A>
  void notice(FmtLoc f, A&&... a) const { log(Level::Notice, f, a...); }
  template <class... A>
  void warn(FmtLoc f, A&&... a) const { log(Level::Warn, f, a...); }
  template <class... A>
  void error(FmtLoc f, A&&... a) const { log(Level::Error, f, a...); }
  template <class... A>
  void fatal(FmtLoc f, A&&... a) const { log(Level::Fatal, f, a...); }

  std::string_view module() const { return module_; }

 private:
  template <class... A>
  void log(Level l, const FmtLoc& f, A&... a) const {
    if (!enabled(l)) return;
    emit(l, module_, f.loc, fmt::vformat(f.fmt, fmt::make_format_args(a...)));
  }
  std::string_view module_;
};

}  // namespace lxc::log
