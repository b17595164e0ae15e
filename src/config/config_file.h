// A container's configuration file: the typed Conf (includes expanded) plus
// the file's own lines (unexpanded), which set/clear edit in place so that
// save() keeps the user's comments and order.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::config {

class ConfigFile {
 public:
  // Reads path. On failure nothing is kept and the file is untouched.
  static Result<ConfigFile> load(const std::string& path);
  // Starts from text that has not been saved anywhere yet.
  static Result<ConfigFile> from_text(std::string_view text, const std::string& origin);

  const Conf& conf() const { return conf_; }
  const std::string& path() const { return path_; }

  // As liblxc: set validates and applies the value, then records the line.
  // A single-valued key replaces its line in place (the last one; earlier
  // duplicates go) unless a later lxc.include or type line could override it
  // on load, then it is appended; a list key appends a line; an empty value
  // clears. lxc.net.N.type starts interface N afresh, so its other lines go.
  // Either way text() reads back to what conf() holds (hwaddr x placeholders
  // aside, which each load fills anew).
  Result<void> set_item(std::string_view key, std::string_view value);
  Result<std::string> get_item(std::string_view key) const;
  // Removes the key (and, for a prefix such as lxc.net.0 or lxc.cgroup, every
  // key below it) from the Conf and from the file's lines; when the file has
  // includes, a "key =" line at the end keeps them from setting it again.
  // Clearing lxc.include drops the included settings too (the rest is read
  // again); it fails if the rest does not load without them.
  Result<void> clear_item(std::string_view key);

  // The unexpanded text that save() writes.
  std::string text() const;
  // Writes text() atomically to path (default: the file it was loaded from).
  Result<void> save(const std::string& path = {}) const;

 private:
  Conf conf_;
  std::string path_;
  std::vector<std::string> lines_;
};

}  // namespace lxc::config
