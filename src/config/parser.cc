#include "config/parser.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>

#include <algorithm>
#include <vector>

#include "base/file.h"
#include "base/scope_exit.h"
#include "base/strings.h"
#include "config/keys.h"
#include "log/log.h"

namespace lxc::config {
namespace {

constexpr log::Logger kLog("config");
constexpr size_t kMaxIncludeDepth = 32;

// Files being read, outermost first, for cycle detection and for resolving
// relative include paths.
thread_local std::vector<std::string> g_include_stack;

std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf)) return buf;
  return path;
}

std::string resolve_relative(const std::string& path) {
  if (path.empty() || path.front() == '/' || g_include_stack.empty()) return path;
  std::string base = dirname_of(g_include_stack.back());
  std::string candidate = base + "/" + path;
  // LXC resolves against the working directory; prefer the including file's
  // directory, which does not depend on where the tool was started.
  if (path_exists(candidate) || !path_exists(path)) return candidate;
  return path;
}

// True when an error message already starts with "file:line: ", i.e. came
// from a line of an included file rather than from opening it.
bool is_located(const Error& e) {
  auto sep = e.what.find(": ");
  if (sep == std::string::npos) return false;
  size_t i = sep;
  while (i > 0 && e.what[i - 1] >= '0' && e.what[i - 1] <= '9') --i;
  return i < sep && i > 0 && e.what[i - 1] == ':';
}

Result<void> load_file_impl(Conf& conf, const std::string& path);

Result<void> include_impl(Conf& conf, const std::string& raw_path, bool& located) {
  located = false;
  std::string path = resolve_relative(raw_path);
  if (!path_exists(path)) {
    // A path ending in '/' names a drop-in directory, which may be absent: the
    // shipped userns.conf includes userns.conf.d/, which no package creates.
    std::string bare = path;
    while (bare.size() > 1 && bare.back() == '/') bare.pop_back();
    if (raw_path.ends_with('/') && !path_exists(bare)) {
      kLog.debug("lxc.include: no directory {}, nothing to include", path);
      return {};
    }
    if (raw_path.ends_with('/')) return fail(ENOTDIR, "cannot include directory " + path);
    return fail(ENOENT, "cannot include " + path);
  }
  if (!is_dir(path)) {
    auto r = load_file_impl(conf, path);
    if (!r) {
      located = is_located(r.error());
      return r;
    }
    conf.includes.push_back(path);
    return r;
  }
  DIR* dir = ::opendir(path.c_str());
  if (!dir) return fail_sys("cannot include directory " + path);
  std::vector<std::string> files;
  while (struct dirent* e = ::readdir(dir)) {
    std::string name = e->d_name;
    if (name.size() > 5 && name.ends_with(".conf")) {
      std::string full = path + "/" + name;
      if (!is_dir(full)) files.push_back(full);
    }
  }
  ::closedir(dir);
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto r = include_impl(conf, f, located);
    if (!r) return r;
  }
  conf.includes.push_back(path);
  return {};
}

Result<void> load_file_impl(Conf& conf, const std::string& path) {
  std::string canon = canonical(path);
  if (std::find(g_include_stack.begin(), g_include_stack.end(), canon) != g_include_stack.end()) {
    std::string chain;
    for (const auto& f : g_include_stack) chain += f + " -> ";
    return fail(0, "include cycle: " + chain + canon);
  }
  if (g_include_stack.size() >= kMaxIncludeDepth)
    return fail(0, "includes nested more than " + std::to_string(kMaxIncludeDepth) + " deep at " + path);
  auto text = read_file(path);
  if (!text) return fail(text.error().code, "cannot read configuration file " + path);
  g_include_stack.push_back(canon);
  auto r = load_text(conf, *text, path);
  g_include_stack.pop_back();
  return r;
}

}  // namespace

Result<std::optional<ConfigLine>> split_line(std::string_view line) {
  std::string_view s = trim(line);
  if (s.empty() || s.front() == '#') return std::optional<ConfigLine>{};
  auto eq = s.find('=');
  if (eq == std::string_view::npos) return fail(EINVAL, "expected \"key = value\"");
  ConfigLine out;
  out.key = trim(s.substr(0, eq));
  out.value = trim(s.substr(eq + 1));
  if (out.value.size() >= 2 && (out.value.front() == '"' || out.value.front() == '\'') &&
      out.value.back() == out.value.front())
    out.value = out.value.substr(1, out.value.size() - 2);
  if (out.key.empty()) return fail(EINVAL, "missing key before '='");
  return std::optional<ConfigLine>{out};
}

// An error in the text itself: "file:line: key: what" says everything, and no
// syscall failed, so the code is 0 (describe() adds no strerror). A failed
// include folds its errno text into the message here.
static unexpected<Error> text_error(std::string msg) { return fail(0, std::move(msg)); }

Result<void> load_text(Conf& conf, std::string_view text, const std::string& origin) {
  // Text read by the caller (ConfigFile::from_text of a file's content) is
  // the outermost file: its includes resolve against its directory, and
  // including it again is a cycle, as when load_file reads it.
  bool outermost = g_include_stack.empty();
  if (outermost) g_include_stack.push_back(canonical(origin));
  ScopeExit pop([&] {
    if (outermost) g_include_stack.pop_back();
  });
  size_t lineno = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    ++lineno;
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    // "file:line: ", built only for an error or a trace line.
    auto where = [&] { return origin + ":" + std::to_string(lineno) + ": "; };
    if (line.size() > kMaxLineLength)
      return text_error(where() + "line too long (" + std::to_string(line.size()) + " bytes, at most " +
                        std::to_string(kMaxLineLength) + ")");
    if (line.find('\0') != std::string_view::npos)
      return text_error(where() + "binary data (a NUL byte) in a configuration file");
    auto parsed = split_line(line);
    if (!parsed) return text_error(where() + parsed.error().what + ", got \"" + printable(trim(line)) + "\"");
    if (!*parsed) continue;
    auto [key, value] = **parsed;
    if (!key.starts_with("lxc.")) {
      std::string msg = where() + printable(key) + ": unknown configuration key";
      if (auto hint = suggest_key(key); !hint.empty()) msg += " (" + hint + ")";
      return text_error(msg);
    }
    if (key == "lxc.include") {
      if (value.empty()) continue;
      bool located = false;
      auto r = include_impl(conf, std::string(value), located);
      if (!r) {
        if (located) return text_error(r.error().what + " (included from " + origin + ":" + std::to_string(lineno) + ")");
        return text_error(where() + "lxc.include: " + describe(r.error()));
      }
      continue;
    }
    auto r = set_item(conf, key, value);
    if (!r) return text_error(where() + printable(key) + ": " + r.error().what);
    if (log::enabled(log::Level::Trace)) kLog.trace("{}{} = {}", where(), key, printable(value));
  }
  return {};
}

Result<void> load_file(Conf& conf, const std::string& path) { return load_file_impl(conf, path); }

Result<void> include_path(Conf& conf, const std::string& path) {
  bool located = false;
  return include_impl(conf, path, located);
}

Result<Conf> read_config(const std::string& path) {
  Conf conf;
  auto r = load_file(conf, path);
  if (!r) return unexpected(r.error());
  return conf;
}

}  // namespace lxc::config
