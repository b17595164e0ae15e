#include "templates/template_args.h"

namespace lxc::templates {
namespace {

constexpr TemplateOption kInternal[] = {
    {"name", 0, true}, {"path", 0, true}, {"rootfs", 0, true}, {"mapped-uid", 0, true}, {"mapped-gid", 0, true},
};

const TemplateOption* find_long(std::string_view key, std::span<const TemplateOption> opts) {
  for (const auto& o : opts)
    if (o.long_name == key) return &o;
  for (const auto& o : kInternal)
    if (o.long_name == key) return &o;
  return nullptr;
}

const TemplateOption* find_short(char c, std::span<const TemplateOption> opts) {
  for (const auto& o : opts)
    if (o.short_name && o.short_name == c) return &o;
  return nullptr;
}

}  // namespace

Result<TemplateArgs> parse_template_args(const std::vector<std::string>& args, std::span<const TemplateOption> opts) {
  TemplateArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--") break;
    if (arg == "-h" || arg == "--help") {
      out.help = true;
      continue;
    }
    const TemplateOption* opt = nullptr;
    std::optional<std::string> value;
    if (arg.starts_with("--")) {
      std::string_view body = arg.substr(2);
      std::string_view key = body.substr(0, body.find('='));
      if (key.size() < body.size()) value = std::string(body.substr(key.size() + 1));
      opt = find_long(key, opts);
    } else if (arg.size() >= 2 && arg[0] == '-') {
      opt = find_short(arg[1], opts);
      if (opt && arg.size() > 2) value = std::string(arg.substr(2));
    } else {
      continue;  // an operand: getopt moves it aside and the scripts ignore it
    }
    if (!opt) return fail(EINVAL, "unrecognized option '" + std::string(arg) + "'");
    if (!opt->has_arg) {
      if (value) return fail(EINVAL, "option '--" + std::string(opt->long_name) + "' doesn't allow an argument");
      out.values[std::string(opt->long_name)] = "";
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) return fail(EINVAL, "option '" + std::string(arg) + "' requires an argument");
      value = args[++i];
    }
    out.values[std::string(opt->long_name)] = std::move(*value);
  }
  return out;
}

Result<TemplateArgs> parse_builtin_args(const std::vector<std::string>& args, std::span<const TemplateOption> opts,
                                        bool quiet, std::string_view tname, void (*usage)()) {
  auto a = parse_template_args(args, opts);
  if (!a || a->help) {
    if (!quiet) usage();
    std::string why = a ? "help requested, nothing created" : a.error().what;
    return fail(EINVAL, std::string(tname) + " template: " + why);
  }
  return a;
}

}  // namespace lxc::templates
