#include "config/config_file.h"

#include <algorithm>
#include <optional>

#include "base/file.h"
#include "base/strings.h"
#include "config/keys.h"
#include "config/parser.h"

namespace lxc::config {
namespace {

std::vector<std::string> split_lines(std::string_view text) {
  auto v = lines(text);
  return {v.begin(), v.end()};
}

// For a key of interface N (lxc.net.N or lxc.net.N.KEY): "lxc.net.N" and N.
struct Interface {
  std::string prefix;
  int index;
  std::string_view subkey;
};
std::optional<Interface> interface_of(std::string_view key) {
  if (!key.starts_with("lxc.net.")) return std::nullopt;
  std::string_view rest = key.substr(8);
  size_t dot = rest.find('.');
  auto idx = parse_u64(rest.substr(0, dot));
  if (!idx || *idx > 65535) return std::nullopt;
  std::string_view subkey = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  return Interface{std::string(key.substr(0, 8 + rest.substr(0, dot).size())), static_cast<int>(*idx), subkey};
}

// The key with its interface index written as a plain number, so that
// lxc.net.00.link and lxc.net.0.link, which LXC reads alike, match.
std::string canonical_key(std::string_view key) {
  auto iface = interface_of(key);
  if (!iface) return std::string(key);
  std::string out = "lxc.net." + std::to_string(iface->index);
  if (key.size() > iface->prefix.size()) out += key.substr(iface->prefix.size());
  return out;
}

std::string line_key(const std::string& line) {
  auto parsed = split_line(line);
  if (!parsed || !*parsed) return {};
  return canonical_key((*parsed)->key);
}

// Does clearing key clear the line's key? Itself, and for a key that names a
// group (lxc.net, lxc.net.0, lxc.cgroup, lxc.hook, ...) the keys below it
// that the same clear handles: clearing lxc.cgroup removes
// lxc.cgroup.devices.allow, but lxc.cgroup.dir and lxc.hook.version have a
// clear of their own and stay, as they do in the Conf. A single entry such as
// lxc.cgroup.memory.max covers only itself.
bool covers(std::string_view key, std::string_view line_key) {
  if (line_key == key) return true;
  if (line_key.size() <= key.size() || !line_key.starts_with(key) || line_key[key.size()] != '.') return false;
  const KeySpec* row = find_key(key);
  const KeySpec* below = find_key(line_key);
  if (!row || !below || row->clear != below->clear) return false;
  auto iface = interface_of(key);
  return row->match == Match::Exact || (iface && iface->subkey.empty());
}

// The value as a line must hold it so that reading the line gives it back: the
// parser trims white space and strips one pair of matching quotes, so a value
// with white space at an end, or in quotes itself, is written in quotes.
std::string line_value(std::string_view value) {
  bool quoted = value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front();
  if (trim(value) != value || quoted) return "\"" + std::string(value) + "\"";
  return std::string(value);
}

}  // namespace

Result<ConfigFile> ConfigFile::from_text(std::string_view text, const std::string& origin) {
  ConfigFile f;
  if (auto r = load_text(f.conf_, text, origin); !r) return unexpected(r.error());
  f.lines_ = split_lines(text);
  f.path_ = origin;
  return f;
}

Result<ConfigFile> ConfigFile::load(const std::string& path) {
  auto text = read_file(path);
  if (!text) return fail(text.error().code, "cannot read configuration file " + path);
  ConfigFile f;
  // The outermost file of load_text: include cycles back through it are seen
  // as when load_file reads it, without reading it a second time.
  if (auto r = load_text(f.conf_, *text, path); !r) return unexpected(r.error());
  f.lines_ = split_lines(*text);
  f.path_ = path;
  return f;
}

Result<void> ConfigFile::set_item(std::string_view key_as_given, std::string_view value) {
  if (value.empty()) return clear_item(key_as_given);
  if (auto r = config::set_item(conf_, key_as_given, value); !r) return r;
  const std::string key = canonical_key(key_as_given);
  std::string line = std::string(key) + " = " + line_value(value);
  // Setting lxc.net.N.type starts interface N afresh (keys_net.cc), so its
  // other lines go too; otherwise reading the file back would give a
  // different interface, or fail on a key the new type does not take.
  if (auto iface = interface_of(key); iface && iface->subkey == "type") {
    std::erase_if(lines_, [&](const std::string& l) {
      std::string k = line_key(l);
      return !k.empty() && k != key && covers(iface->prefix, k);
    });
  }
  if (is_list_key(key)) {
    lines_.push_back(line);
    return {};
  }
  // Replace the last line of this key in place and drop earlier ones. When a
  // later line can override it on load (an lxc.include, or the type line of
  // its interface, which resets the interface), the new line goes at the end
  // instead, where nothing overrides it.
  int last = -1;
  for (int i = static_cast<int>(lines_.size()) - 1; i >= 0 && last < 0; --i)
    if (line_key(lines_[i]) == key) last = i;
  bool overridden = false;
  if (last >= 0) {
    auto iface = interface_of(key);
    std::string type_key = iface ? iface->prefix + ".type" : std::string();
    for (size_t i = last + 1; i < lines_.size() && !overridden; ++i) {
      std::string k = line_key(lines_[i]);
      overridden = k == "lxc.include" || (iface && k == type_key);
    }
  }
  if (last < 0 || overridden) {
    std::erase_if(lines_, [&](const std::string& l) { return line_key(l) == key; });
    lines_.push_back(line);
    return {};
  }
  lines_[last] = line;
  for (int i = last - 1; i >= 0; --i)
    if (line_key(lines_[i]) == key) lines_.erase(lines_.begin() + i);
  return {};
}

Result<std::string> ConfigFile::get_item(std::string_view key) const { return config::get_item(conf_, key); }

Result<void> ConfigFile::clear_item(std::string_view key_as_given) {
  const std::string key = canonical_key(key_as_given);
  if (key == "lxc.include") {
    // What the included files set goes with their lines: read the rest again.
    std::vector<std::string> kept;
    for (const auto& l : lines_)
      if (line_key(l) != "lxc.include") kept.push_back(l);
    std::string text;
    for (const auto& l : kept) text += l + "\n";
    Conf fresh;
    if (auto r = load_text(fresh, text, path_); !r) return r;
    conf_ = std::move(fresh);
    lines_ = std::move(kept);
    return {};
  }
  if (auto r = config::clear_item(conf_, key); !r) return r;
  // Clearing an interface's type, or its last setting, removes the interface
  // (keys_net.cc); then all of its lines go.
  std::string scope(key);
  if (auto iface = interface_of(key); iface && !conf_.net.contains(iface->index)) scope = iface->prefix;
  std::erase_if(lines_, [&](const std::string& l) {
    std::string k = line_key(l);
    return !k.empty() && covers(scope, k);
  });
  // An included file may set the key again on the next load; an empty value
  // at the end clears it after the includes, as userns.conf does.
  bool includes = std::any_of(lines_.begin(), lines_.end(), [](const std::string& l) {
    auto parsed = split_line(l);
    return parsed && *parsed && (*parsed)->key == "lxc.include" && !(*parsed)->value.empty();
  });
  if (includes) lines_.push_back(scope + " =");
  return {};
}

std::string ConfigFile::text() const {
  std::string out;
  for (const auto& l : lines_) out += l + "\n";
  return out;
}

Result<void> ConfigFile::save(const std::string& path) const {
  const std::string& target = path.empty() ? path_ : path;
  if (target.empty()) return fail(EINVAL, "save: no path");
  return write_file_atomic(target, text(), 0640);
}

}  // namespace lxc::config
