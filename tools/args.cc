#include "tools/args.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "config/system.h"
#include "log/log.h"

namespace lxc::tools {
namespace {

enum : int { kOptUsage = 0x1000, kOptVersion, kOptRcfile };

constexpr std::string_view kCommonHelp =
    "Common options :\n"
    "  -o, --logfile=FILE               Output log to FILE instead of stderr\n"
    "  -l, --logpriority=LEVEL          Set log priority to LEVEL\n"
    "  -q, --quiet                      Don't produce any output\n"
    "  -P, --lxcpath=PATH               Use specified container path\n"
    "  -?, --help                       Give this help list\n"
    "      --usage                      Give a short usage message\n"
    "      --version                    Print the version number\n"
    "\n"
    "Mandatory or optional arguments to long options are also mandatory or optional\n"
    "for any corresponding short options.\n";

void print_help(const ToolSpec& spec) {
  std::printf("Usage: %.*s %.*s\n\n%.*s\n\nOptions :\n", static_cast<int>(spec.prog.size()), spec.prog.data(),
              static_cast<int>(spec.usage.size()), spec.usage.data(), static_cast<int>(spec.description.size()),
              spec.description.data());
  if (spec.needs_name) std::printf("  -n, --name=NAME                  NAME of the container\n");
  std::printf("%.*s", static_cast<int>(spec.options_help.size()), spec.options_help.data());
  std::printf("      --rcfile=FILE                Load configuration file FILE\n");
  std::printf("%.*s", static_cast<int>(kCommonHelp.size()), kCommonHelp.data());
}

}  // namespace

std::string CommonArgs::lxcpath() const { return lxcpaths.empty() ? config::default_lxcpath() : lxcpaths.front(); }

bool handle_version(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) break;
    if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("lxcpp %.*s\n", static_cast<int>(kVersion.size()), kVersion.data());
      return true;
    }
  }
  return false;
}

int parse_args(int argc, char** argv, const ToolSpec& spec, CommonArgs& out) {
  std::vector<struct option> longs = spec.long_opts;
  const struct option common[] = {
      {"name", required_argument, nullptr, 'n'},
      {"help", no_argument, nullptr, 'h'},
      {"usage", no_argument, nullptr, kOptUsage},
      {"version", no_argument, nullptr, kOptVersion},
      {"quiet", no_argument, nullptr, 'q'},
      {"logfile", required_argument, nullptr, 'o'},
      {"logpriority", required_argument, nullptr, 'l'},
      {"lxcpath", required_argument, nullptr, 'P'},
      {"rcfile", required_argument, nullptr, kOptRcfile},
  };
  for (const auto& o : common) longs.push_back(o);
  longs.push_back({nullptr, 0, nullptr, 0});
  // '+' is not used: like LXC, options may follow positional arguments until "--".
  std::string shorts = "n:hqo:l:P:?" + spec.short_opts;

  optind = 1;
  opterr = 1;
  for (;;) {
    int opt = getopt_long(argc, argv, shorts.c_str(), longs.data(), nullptr);
    if (opt == -1) break;
    switch (opt) {
      case 'n':
        out.name = optarg;
        break;
      case 'h':
      case '?':
        // '?' is also what getopt returns for an unknown option (with optopt
        // 0 for a long one): only a literal -? asks for the help.
        if (opt == '?' && std::string_view(argv[optind - 1]) != "-?") {
          std::fprintf(stderr, "Try '%.*s --help' for more information.\n", static_cast<int>(spec.prog.size()),
                       spec.prog.data());
          return 1;
        }
        print_help(spec);
        return 0;
      case kOptUsage:
        std::printf("Usage: %.*s %.*s\n", static_cast<int>(spec.prog.size()), spec.prog.data(),
                    static_cast<int>(spec.usage.size()), spec.usage.data());
        return 0;
      case kOptVersion:
        std::printf("lxcpp %.*s\n", static_cast<int>(kVersion.size()), kVersion.data());
        return 0;
      case 'q':
        out.quiet = true;
        break;
      case 'o':
        out.logfile = optarg;
        break;
      case 'l':
        if (!log::parse_level(optarg)) {
          std::fprintf(stderr, "%.*s: invalid log priority \"%s\" (use 0-8 or TRACE..FATAL)\n",
                       static_cast<int>(spec.prog.size()), spec.prog.data(), optarg);
          return 1;
        }
        out.logpriority = optarg;
        break;
      case 'P':
        out.lxcpaths.emplace_back(optarg);
        break;
      case kOptRcfile:
        out.rcfile = optarg;
        break;
      default:
        if (!spec.on_option || !spec.on_option(opt, optarg)) return 1;
    }
  }
  for (int i = optind; i < argc; ++i) out.rest.emplace_back(argv[i]);
  if (spec.needs_name && out.name.empty()) {
    std::fprintf(stderr, "%.*s: missing container name, use --name option\n", static_cast<int>(spec.prog.size()),
                 spec.prog.data());
    return 1;
  }
  return -1;
}

bool parse_timeout(const char* arg, long& out, std::string_view prog) {
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(arg, &end, 10);
  if (*arg == '\0' || *end != '\0' || errno != 0 || v < -1) {
    std::fprintf(stderr, "%.*s: invalid timeout \"%s\"\n", static_cast<int>(prog.size()), prog.data(), arg);
    return false;
  }
  out = v;
  return true;
}

bool setup_logging(const CommonArgs& args, std::string_view prog) {
  log::Settings s;
  s.prog = std::string(prog);
  s.container = args.name;
  s.quiet = args.quiet;
  s.file = args.logfile;
  if (auto l = log::parse_level(args.logpriority)) {
    s.level = *l;
    s.level_from_cli = true;
  }
  int err = log::configure(s);
  if (err == 0) return true;
  if (!args.quiet)
    std::fprintf(stderr, "%s: cannot open log file %s: %s\n", s.prog.c_str(), args.logfile.c_str(), std::strerror(err));
  return false;
}

}  // namespace lxc::tools
