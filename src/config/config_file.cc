#include "config/config_file.h"

#include "base/file.h"
#include "base/strings.h"
#include "config/keys.h"
#include "config/parser.h"

namespace lxc::config {
namespace {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

std::string line_key(const std::string& line) {
  auto parsed = split_line(line);
  if (!parsed || !*parsed) return {};
  return std::string((*parsed)->key);
}

// Does the line's key fall under key (itself, or key + "." for prefixes)?
bool covers(std::string_view key, std::string_view line_key) {
  return line_key == key || (line_key.size() > key.size() && line_key.starts_with(key) && line_key[key.size()] == '.');
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
  // load_file (not load_text) so that include cycles through this file are seen.
  if (auto r = load_file(f.conf_, path); !r) return unexpected(r.error());
  f.lines_ = split_lines(*text);
  f.path_ = path;
  return f;
}

Result<void> ConfigFile::set_item(std::string_view key, std::string_view value) {
  if (value.empty()) return clear_item(key);
  if (auto r = config::set_item(conf_, key, value); !r) return r;
  std::string line = std::string(key) + " = " + std::string(value);
  if (is_list_key(key)) {
    lines_.push_back(line);
    return {};
  }
  // Replace the last line of this key in place and drop earlier ones.
  int last = -1;
  for (int i = static_cast<int>(lines_.size()) - 1; i >= 0; --i) {
    if (line_key(lines_[i]) == key) {
      last = i;
      break;
    }
  }
  if (last < 0) {
    lines_.push_back(line);
    return {};
  }
  lines_[last] = line;
  for (int i = last - 1; i >= 0; --i)
    if (line_key(lines_[i]) == key) lines_.erase(lines_.begin() + i);
  return {};
}

Result<std::string> ConfigFile::get_item(std::string_view key) const { return config::get_item(conf_, key); }

Result<void> ConfigFile::clear_item(std::string_view key) {
  if (auto r = config::clear_item(conf_, key); !r) return r;
  std::erase_if(lines_, [&](const std::string& l) {
    std::string k = line_key(l);
    return !k.empty() && covers(key, k);
  });
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
