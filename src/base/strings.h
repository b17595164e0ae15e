#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lxc {

std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
// Splits on any of the separator characters, dropping empty pieces.
std::vector<std::string> split(std::string_view s, std::string_view seps);
// Splits a command line into words as LXC's lxc-execute splits
// lxc.execute.cmd: whitespace separates words; a word that starts with " or '
// runs to the next such quote, which are dropped (no escapes; a quote inside
// an unquoted word is kept). An unterminated quoted word is dropped, as LXC
// drops it.
std::vector<std::string> split_quoted(std::string_view s);
// The lines of a text, blank ones included (split() drops them); a final
// newline makes no empty last line. The views point into text.
std::vector<std::string_view> lines(std::string_view text);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

// Strict unsigned/signed decimal parse of the whole string (no sign for unsigned,
// no trailing garbage, no overflow).
std::optional<uint64_t> parse_u64(std::string_view s);
std::optional<int64_t> parse_i64(std::string_view s);

// Decodes the \ooo octal escapes of /proc/*/mountinfo and fstab fields.
std::string unescape_octal(std::string_view s);

// Edit distance, for "did you mean" suggestions.
size_t edit_distance(std::string_view a, std::string_view b);

// The 64-bit FNV-1a hash of s: LXC shortens names with it (command socket
// addresses, AppArmor profile names), so lxcpp's short names are LXC's.
uint64_t fnv1a_64(std::string_view s);

// Replaces non-printable bytes so that a value can be shown in an error message,
// and cuts it to at most max bytes.
std::string printable(std::string_view s, size_t max = 80);

}  // namespace lxc
