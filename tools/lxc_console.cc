// lxc-console: attach the user's terminal to one of a running container's
// ttys (or its console with -t 0) until <Ctrl+a q>.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "api/console_access.h"
#include "api/container.h"
#include "console/proxy.h"
#include "console/pty.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {

int lxc_console_main(int argc, char** argv) {
  int tty = -1;
  int escape = 1;  // Ctrl+a
  ToolSpec spec{"lxc-console", "--name=NAME [--tty NUMBER]",
                "lxc-console logs on the container with the identifier NAME",
                "  -t, --tty=NUMBER     console tty number\n"
                "  -e, --escape=PREFIX  prefix for escape command\n",
                "t:e:",
                {{"tty", required_argument, nullptr, 't'}, {"escape", required_argument, nullptr, 'e'}},
                [&](int opt, const char* arg) {
                  if (opt == 't') {
                    char* end = nullptr;
                    long v = std::strtol(arg, &end, 10);
                    if (*arg == '\0' || *end != '\0' || v < 0 || v > 0x7fffffff) {
                      std::fprintf(stderr, "lxc-console: invalid tty number \"%s\"\n", arg);
                      return false;
                    }
                    tty = static_cast<int>(v);
                    return true;
                  }
                  if (opt == 'e') {
                    auto e = console::parse_escape(arg);
                    if (!e) {
                      std::fprintf(stderr, "lxc-console: invalid escape \"%s\" (give '^letter' or 'letter')\n", arg);
                      return false;
                    }
                    escape = *e;
                    return true;
                  }
                  return false;
                }};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  api::Container c(args.name, args.lxcpath());
  if (!c.is_running()) {
    std::fprintf(stderr, "%s is not running\n", c.name().c_str());
    return 1;
  }
  // Subscribe first, so that a stop while we attach is not missed.
  auto state = api::subscribe_state(c);
  if (!state) {
    std::fprintf(stderr, "%s is not running\n", c.name().c_str());
    return 1;
  }
  auto con = api::open_console(c, tty);
  if (!con) {
    if (con.error().code == ESRCH) std::fprintf(stderr, "%s is not running\n", c.name().c_str());
    else std::fprintf(stderr, "lxc-console: %s: Failed to get tty %d: %s\n", c.name().c_str(), tty,
                      describe(con.error()).c_str());
    return 1;
  }
  std::fputs(console::banner(con->tty, escape).c_str(), stderr);
  std::fflush(stderr);

  // Raw mode only on a terminal; as LXC, other input is proxied as it is.
  console::RawMode raw;
  if (::isatty(STDIN_FILENO)) {
    auto r = console::RawMode::enter(STDIN_FILENO);
    if (!r) {
      std::fprintf(stderr, "lxc-console: %s\n", describe(r.error()).c_str());
      return 1;
    }
    raw = std::move(*r);
  }
  auto end = console::run_proxy({STDIN_FILENO, STDOUT_FILENO, con->master.get(), state->get(), escape});
  raw.restore();
  if (!end) {
    std::fprintf(stderr, "lxc-console: %s\n", describe(end.error()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace lxc::tools
