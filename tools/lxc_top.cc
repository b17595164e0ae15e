// lxc-top: the resource use of the active containers of an lxcpath, a table
// redrawn every few seconds (or CSV lines with -b), read from their cgroups;
// single keys change the sort order and q quits.
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "api/container.h"
#include "base/unique_fd.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {
namespace {

// CPU Sys and CPU User are cpuacct.stat's USER_HZ ticks, as in LXC (-b
// prints the ticks themselves).
constexpr uint64_t kNsPerTick = 1000000000 / 100;

constexpr const char* kClear = "\033[H\033[J";
constexpr const char* kHeaderOn = "\033[7m\033[1m";  // reverse video, bold
constexpr const char* kNormal = "\033[0m";

struct Usage {
  uint64_t cpu_ns = 0, cpu_user_ns = 0, cpu_system_ns = 0;
  uint64_t blkio = 0, blkio_read = 0, blkio_write = 0, blkio_ios = 0;
  uint64_t mem = 0, memsw = 0, kmem = 0;

  void add(const Usage& o) {
    cpu_ns += o.cpu_ns, cpu_user_ns += o.cpu_user_ns, cpu_system_ns += o.cpu_system_ns;
    blkio += o.blkio, blkio_read += o.blkio_read, blkio_write += o.blkio_write, blkio_ios += o.blkio_ios;
    mem += o.mem, memsw += o.memsw, kmem += o.kmem;
  }
};

struct Row {
  std::string name;
  Usage use;
};

// A counter the host lacks counts as 0, as in LXC.
Usage usage_of(const api::Container::Stats& s) {
  Usage u;
  u.cpu_ns = s.cpu_ns.value_or(0);
  u.cpu_user_ns = s.cpu_user_ns.value_or(0);
  u.cpu_system_ns = s.cpu_system_ns.value_or(0);
  u.blkio = s.blkio_bytes.value_or(0);
  u.blkio_read = s.blkio_read_bytes.value_or(0);
  u.blkio_write = s.blkio_write_bytes.value_or(0);
  u.blkio_ios = s.blkio_ios.value_or(0);
  u.mem = s.memory_bytes.value_or(0);
  u.memsw = s.swap_bytes.value_or(0);
  u.kmem = s.kmem_bytes.value_or(0);
  return u;
}

// LXC's lxc-top sizes, its integer arithmetic and rounding included: two
// decimals and GiB/MiB/KiB above 1 KiB, else the bare number padded to the
// same width.
std::string humanize(uint64_t v) {
  char buf[32];
  if (v > (1ull << 30)) {
    std::snprintf(buf, sizeof buf, "%u.%02u GiB", static_cast<unsigned>(v >> 30),
                  static_cast<unsigned>(v & ((1u << 30) - 1)) / 10737419);
  } else if (v > (1u << 20)) {
    uint32_t x = static_cast<uint32_t>(v) + 5243;
    std::snprintf(buf, sizeof buf, "%u.%02u MiB", x >> 20, ((x & ((1u << 20) - 1)) * 100) >> 20);
  } else if (v > (1u << 10)) {
    uint32_t x = static_cast<uint32_t>(v) + 5;
    std::snprintf(buf, sizeof buf, "%u.%02u KiB", x >> 10, ((x & ((1u << 10) - 1)) * 100) >> 10);
  } else {
    std::snprintf(buf, sizeof buf, "%3u.00   ", static_cast<unsigned>(v));
  }
  return buf;
}

// LXC computes the seconds in float; so does this, for the same digits.
float seconds(uint64_t ns) { return static_cast<float>(ns) / 1000000000.0f; }
float tick_seconds(uint64_t ns) { return static_cast<float>(ns / kNsPerTick) / 100.0f; }

void print_header(const Usage& total) {
  std::printf("%s%-18s %12s %12s %12s %36s %10s", kHeaderOn, "Container", "CPU", "CPU", "CPU", "BlkIO", "Mem");
  if (total.memsw > 0) std::printf(" %10s", "MemSw");
  if (total.kmem > 0) std::printf(" %10s", "KMem");
  std::printf("\n%-18s %12s %12s %12s %36s %10s", "Name", "Used", "Sys", "User", "Total(Read/Write)", "Used");
  if (total.memsw > 0) std::printf(" %10s", "Used");
  if (total.kmem > 0) std::printf(" %10s", "Used");
  std::printf("\n%s", kNormal);
}

// The MemSw and KMem columns are there when some container uses any.
void print_row(const std::string& name, const Usage& u, const Usage& total) {
  std::string io = humanize(u.blkio) + "(" + humanize(u.blkio_read) + "/" + humanize(u.blkio_write) + ")";
  std::printf("%-18.18s %12.2f %12.2f %12.2f %36s %10s", name.c_str(), seconds(u.cpu_ns), tick_seconds(u.cpu_system_ns),
              tick_seconds(u.cpu_user_ns), io.c_str(), humanize(u.mem).c_str());
  if (total.memsw > 0) std::printf(" %10s", humanize(u.memsw).c_str());
  if (total.kmem > 0) std::printf(" %10s", humanize(u.kmem).c_str());
}

void print_batch_row(const std::string& name, const Usage& u) {
  struct timeval tv {};
  ::gettimeofday(&tv, nullptr);
  auto ull = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  std::printf("%llu,%s,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu",
              ull(static_cast<uint64_t>(tv.tv_sec) * 1000 + static_cast<uint64_t>(tv.tv_usec) / 1000), name.c_str(),
              ull(u.cpu_ns), ull(u.cpu_system_ns / kNsPerTick), ull(u.cpu_user_ns / kNsPerTick), ull(u.blkio),
              ull(u.blkio_ios), ull(u.mem), ull(u.memsw), ull(u.kmem));
}

// Names ascending, amounts largest first; reverse turns either around.
void sort_rows(std::vector<Row>& rows, char by, bool reverse) {
  auto amount = [by](const Usage& u) -> uint64_t {
    switch (by) {
      case 'c':
        return u.cpu_ns;
      case 'b':
        return u.blkio;
      case 'm':
        return u.mem;
      case 's':
        return u.memsw;
      case 'k':
        return u.kmem;
    }
    return 0;
  };
  bool by_name = by != 'c' && by != 'b' && by != 'm' && by != 's' && by != 'k';  // LXC's default for any other
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    if (by_name) return reverse ? b.name < a.name : a.name < b.name;
    return reverse ? amount(a.use) < amount(b.use) : amount(b.use) < amount(a.use);
  });
}

// The containers that fit under the header and above the TOTAL line.
int table_rows() {
  struct winsize ws {};
  int rows = ::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 ? ws.ws_row : 25;
  return rows - 3;
}

// stdin without echo or line buffering, so that single keys come through,
// put back as it was (and a newline on stderr, as LXC) on every way out.
class KeyboardMode {
 public:
  KeyboardMode() = default;
  KeyboardMode(const KeyboardMode&) = delete;
  KeyboardMode& operator=(const KeyboardMode&) = delete;
  ~KeyboardMode() {
    if (!set_) return;
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
    std::fputc('\n', stderr);
  }

  bool set() {
    if (!::isatty(STDIN_FILENO)) {
      std::fprintf(stderr, "stdin is not a tty\n");
      return false;
    }
    if (::tcgetattr(STDIN_FILENO, &saved_) != 0) {
      std::fprintf(stderr, "Failed to get current terminal settings\n");
      return false;
    }
    struct termios t = saved_;
    // LXC's settings to the letter: its "c_iflag &= BRKINT" leaves BRKINT as
    // the only input flag (no ICRNL, no IXON) while lxc-top runs.
    t.c_iflag &= ~static_cast<tcflag_t>(IGNBRK);
    t.c_iflag &= BRKINT;
    t.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (::tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) != 0) {
      std::fprintf(stderr, "Failed to set new terminal settings\n");
      return false;
    }
    set_ = true;
    return true;
  }

 private:
  struct termios saved_ {};
  bool set_ = false;
};

// Waits up to delay seconds (< 0: for ever) for a key on stdin (when keys is
// set): the key, '\0' when the time ran out, 'q' for a signal on sigfd or a
// hung-up terminal (as LXC's EPOLLHUP).
char wait_for_key(int sigfd, bool keys, int delay) {
  int timeout = delay < 0 ? -1 : delay > INT_MAX / 1000 ? INT_MAX : delay * 1000;
  struct pollfd fds[2] = {{sigfd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
  int n;
  while ((n = ::poll(fds, keys ? 2 : 1, timeout)) < 0 && errno == EINTR) {
  }
  if (n < 0 || fds[0].revents) return 'q';
  char key = '\0';
  if ((fds[1].revents & POLLIN) && ::read(STDIN_FILENO, &key, 1) != 1) key = '\0';
  if (fds[1].revents & (POLLHUP | POLLERR | POLLNVAL)) key = 'q';
  return key;
}

}  // namespace

int lxc_top_main(int argc, char** argv) {
  int delay = 3;
  bool delay_set = false, batch = false, reverse = false;
  char sort_by = 'n';
  ToolSpec spec{"lxc-top",
                "[--delay=DELAY] [--batch] [--sort=SORTBY] [--reverse]",
                "lxc-top monitors the state of the active containers",
                "  -d, --delay     delay in seconds between refreshes (default: 3.0)\n"
                "  -b, --batch     output designed to capture to a file\n"
                "  -s, --sort      sort by [n,c,b,m] (default: n) where\n"
                "                  n = Name\n"
                "                  c = CPU use\n"
                "                  b = Block I/O use\n"
                "                  m = Memory use\n"
                "                  s = Memory + Swap use\n"
                "                  k = Kernel memory use\n"
                "  -r, --reverse   sort in reverse (descending) order\n",
                "d:bs:r",
                {{"delay", required_argument, nullptr, 'd'},
                 {"batch", no_argument, nullptr, 'b'},
                 {"sort", required_argument, nullptr, 's'},
                 {"reverse", no_argument, nullptr, 'r'}},
                [&](int opt, const char* arg) {
                  switch (opt) {
                    case 'd': {
                      // LXC's lxc_safe_int: base 0, the whole string, an int.
                      char* end = nullptr;
                      errno = 0;
                      long v = std::strtol(arg, &end, 0);
                      if (errno != 0 || end == arg || *end != '\0' || v > INT_MAX || v < INT_MIN) {
                        std::fprintf(stderr, "lxc-top: could not parse command line\n");
                        return false;
                      }
                      delay = static_cast<int>(v);
                      delay_set = true;
                      return true;
                    }
                    case 'b':
                      batch = true;
                      return true;
                    case 's':
                      sort_by = arg[0];
                      return true;
                    case 'r':
                      reverse = true;
                      return true;
                  }
                  return false;
                },
                false};
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;
  const std::string lxcpath = args.lxcpath();
  const int max_rows = table_rows();

  // SIGINT, SIGQUIT and SIGTERM end lxc-top with status 0 (as LXC's handler
  // for the first two), through the same way out as 'q', so the terminal is
  // put back. They stay blocked until the process exits: one that came
  // after the last poll must not kill it.
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : {SIGINT, SIGQUIT, SIGTERM}) sigaddset(&mask, sig);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  UniqueFd sigfd(::signalfd(-1, &mask, SFD_CLOEXEC));

  KeyboardMode keyboard;
  if (!keyboard.set()) {
    std::fprintf(stderr, "Failed to setup terminal\n");
    return 1;
  }
  if (!sigfd) {
    std::perror("lxc-top: signalfd");
    return 1;
  }

  // One write a frame: the terminal never shows half a table.
  static char frame[1 << 16];
  std::setvbuf(stdout, frame, _IOFBF, sizeof frame);
  if (batch) {
    if (!delay_set) delay = 300;
    std::printf(
        "time_ms,container,cpu_nanos,cpu_sys_userhz,cpu_user_userhz,blkio_bytes,blkio_iops,mem_used_bytes,"
        "memsw_used_bytes,kernel_mem_used_bytes\n");
  }
  for (;;) {
    // The active containers (any state but STOPPED), as LXC's
    // list_active_containers; one that stops meanwhile is left out.
    std::vector<Row> rows;
    Usage total;
    for (const auto& name : api::list_defined(lxcpath)) {
      api::Container c(name, lxcpath);
      if (c.state() == State::Stopped) continue;
      auto st = c.stats();
      if (!st) continue;
      rows.push_back({name, usage_of(*st)});
      total.add(rows.back().use);
    }
    sort_rows(rows, sort_by, reverse);

    if (!batch) {
      std::printf("%s", kClear);
      print_header(total);
    }
    // -b prints every container (LXC cuts it to the terminal's height too).
    size_t shown = 0;
    for (; shown < rows.size() && (batch || static_cast<int>(shown) < max_rows); ++shown) {
      if (batch)
        print_batch_row(rows[shown].name, rows[shown].use);
      else
        print_row(rows[shown].name, rows[shown].use, total);
      std::printf("\n");
    }
    if (!batch) print_row("TOTAL " + std::to_string(shown) + " of " + std::to_string(rows.size()), total, total);
    std::fflush(stdout);

    char key = wait_for_key(sigfd.get(), !batch, delay);
    if (key == 'q') break;
    switch (key) {
      case 'r':
        reverse = !reverse;
        break;
      case 'n':
      case 'c':
      case 'b':
      case 'm':
      case 's':
      case 'k':
        // The same key again turns the order around; another starts in its
        // default order.
        reverse = sort_by == key ? !reverse : false;
        sort_by = key;
        break;
    }
  }
  return 0;
}

}  // namespace lxc::tools
