// The lxc.container.conf(5) file format: "key = value" lines, '#' comments,
// blank lines, lxc.include of files and directories.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "config/conf.h"

namespace lxc::config {

struct ConfigLine {
  std::string_view key;
  std::string_view value;
};

// Splits one line. nullopt for a blank line or a comment; an Error for a line
// that is not "key = value". The value loses surrounding white space and one
// pair of matching quotes, as LXC reads it.
Result<std::optional<ConfigLine>> split_line(std::string_view line);

// Longest line the parser takes; longer lines are refused rather than kept.
inline constexpr size_t kMaxLineLength = 64 * 1024;

// Applies every line of text to conf. origin names the text in errors
// ("file:line: key: what"); relative includes resolve against its directory.
Result<void> load_text(Conf& conf, std::string_view text, const std::string& origin);
// Reads a file and applies it.
Result<void> load_file(Conf& conf, const std::string& path);
// lxc.include: a file, or a directory whose *.conf files are read in sorted
// order. Include cycles are refused.
Result<void> include_path(Conf& conf, const std::string& path);

// A fresh Conf read from path; nothing is changed when it fails.
Result<Conf> read_config(const std::string& path);

}  // namespace lxc::config
