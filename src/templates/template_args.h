// Options of the built-in templates, parsed as the scripts' getopt does:
// "--opt=value", "--opt value", "-o value", "-ovalue"; options may follow
// operands; "--" ends them; a later option wins. The internal ones lxc-create
// passes (--name, --path, --rootfs, --mapped-uid, --mapped-gid) are always known.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace lxc::templates {

struct TemplateOption {
  std::string_view long_name;
  char short_name = 0;  // 0: long only
  bool has_arg = true;
};

struct TemplateArgs {
  std::map<std::string, std::string, std::less<>> values;  // by long name; "" for a flag
  bool help = false;                                       // -h / --help
  bool has(std::string_view k) const { return values.contains(k); }
  std::string get(std::string_view k) const {
    auto it = values.find(k);
    return it == values.end() ? std::string() : it->second;
  }
};

// EINVAL "unrecognized option '--x'" / "option '--x' requires an argument".
Result<TemplateArgs> parse_template_args(const std::vector<std::string>& args, std::span<const TemplateOption> opts);

// The same for a built-in template, which (as LXC's scripts) prints its
// usage unless quiet and fails on a bad option and on -h alike; errors
// start with "TNAME template: ".
Result<TemplateArgs> parse_builtin_args(const std::vector<std::string>& args, std::span<const TemplateOption> opts,
                                        bool quiet, std::string_view tname, void (*usage)());

}  // namespace lxc::templates
