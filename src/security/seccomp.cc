// LXC's seccomp policy language, compiled with libseccomp. The semantics
// follow LXC 5.0 (src/lxc/seccomp.c); where lxcpp accepts more, it says so.
#include "security/seccomp.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

#include "base/file.h"
#include "base/unique_fd.h"
#include "log/log.h"

namespace lxc::security {
namespace {

constexpr log::Logger kLog("security");

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Drops a trailing "# comment" (a '#' at the start or after whitespace), as
// common.seccomp has after reject_force_umount.
std::string_view strip_comment(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(s[i - 1])))) return s.substr(0, i);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Unsigned integer in C notation (decimal, 0x hex, 0 octal), as strtoull base 0.
template <class T>
bool parse_uint(std::string_view s, T& out) {
  s = trim(s);
  if (s.empty()) return false;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc() && p == s.data() + s.size();
}

Error at(const std::string& origin, int line, std::string what) {
  return make_error(EINVAL, origin + ":" + std::to_string(line) + ": " + what);
}

// Parses an action from its words ("errno 1", "kill", "trace 3"); nothing
// may follow it.
Result<SeccompAction> parse_action(const std::vector<std::string_view>& w, const std::string& origin, int line) {
  SeccompAction a;
  std::string word = lower(w[0]);
  size_t used = 1;
  if (word == "kill") {
    a.kind = SeccompActionKind::Kill;
  } else if (word == "allow") {
    a.kind = SeccompActionKind::Allow;
  } else if (word == "trap") {
    a.kind = SeccompActionKind::Trap;
  } else if (word == "log") {  // not in LXC 5.0; libseccomp has it
    a.kind = SeccompActionKind::Log;
  } else if (word == "notify") {
    a.kind = SeccompActionKind::Notify;
  } else if (word == "errno") {
    a.kind = SeccompActionKind::Errno;
    // The kernel returns at most MAX_ERRNO (4095) from a filter.
    if (w.size() < 2 || !parse_uint(w[1], a.value) || a.value > 4095)
      return unexpected(at(origin, line, "errno needs a number from 0 to 4095"));
    used = 2;
  } else if (word == "trace") {  // not in LXC 5.0; optional message for the tracer
    a.kind = SeccompActionKind::Trace;
    if (w.size() >= 2) {
      if (!parse_uint(w[1], a.value) || a.value > 0xffff)
        return unexpected(at(origin, line, "trace takes a number from 0 to 65535"));
      used = 2;
    }
  } else {
    return unexpected(at(origin, line, "unknown seccomp action \"" + std::string(w[0]) + "\""));
  }
  if (w.size() > used)
    return unexpected(at(origin, line, "unexpected \"" + std::string(w[used]) + "\" after the action"));
  return a;
}

std::optional<SeccompCmp> parse_cmp(std::string_view s) {
  struct Op {
    std::string_view name, sym;
    SeccompCmp op;
  };
  static constexpr Op kOps[] = {
      {"SCMP_CMP_NE", "!=", SeccompCmp::Ne},  {"SCMP_CMP_LT", "<", SeccompCmp::Lt},
      {"SCMP_CMP_LE", "<=", SeccompCmp::Le},  {"SCMP_CMP_EQ", "==", SeccompCmp::Eq},
      {"SCMP_CMP_GE", ">=", SeccompCmp::Ge},  {"SCMP_CMP_GT", ">", SeccompCmp::Gt},
      {"SCMP_CMP_MASKED_EQ", "&=", SeccompCmp::MaskedEq},
  };
  for (const auto& o : kOps)
    if (s == o.name || s == o.sym) return o.op;
  return std::nullopt;
}

// "[index,value,op]" or "[index,value,op,mask]" groups, up to six.
Result<std::vector<SeccompArgCmp>> parse_args(std::string_view s, const std::string& origin, int line) {
  std::vector<SeccompArgCmp> out;
  while (true) {
    s = trim(s);
    if (s.empty()) return out;
    if (s.front() != '[') return unexpected(at(origin, line, "expected \"[\" before \"" + std::string(s) + "\""));
    size_t close = s.find(']');
    if (close == std::string_view::npos) return unexpected(at(origin, line, "missing \"]\" in argument comparison"));
    std::string_view body = s.substr(1, close - 1);
    s.remove_prefix(close + 1);
    std::vector<std::string_view> f;
    for (size_t start = 0;;) {
      size_t comma = body.find(',', start);
      f.push_back(trim(body.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    std::string text = "[" + std::string(body) + "]";
    if (f.size() != 3 && f.size() != 4)
      return unexpected(at(origin, line, "argument comparison " + text + " needs [index,value,op] or [index,value,op,mask]"));
    SeccompArgCmp c;
    if (!parse_uint(f[0], c.index) || c.index > 5)
      return unexpected(at(origin, line, "argument index in " + text + " must be 0 to 5"));
    if (!parse_uint(f[1], c.value)) return unexpected(at(origin, line, "bad argument value in " + text));
    auto op = parse_cmp(f[2]);
    if (!op) return unexpected(at(origin, line, "unknown comparison \"" + std::string(f[2]) + "\" in " + text));
    c.op = *op;
    if (f.size() == 4 && !parse_uint(f[3], c.mask)) return unexpected(at(origin, line, "bad mask in " + text));
    if (out.size() == 6) return unexpected(at(origin, line, "more than 6 argument comparisons"));
    out.push_back(c);
  }
}

// Section names LXC 5.0 knows, plus "i386" (an alias of x86 in lxcpp).
std::optional<std::string> canonical_arch(std::string_view name) {
  static constexpr std::string_view kArches[] = {
      "all", "x86", "x32", "x86_64", "arm", "arm64", "ppc64le", "ppc64", "ppc", "mips64", "mips64n32",
      "mips", "mipsel64", "mipsel64n32", "mipsel", "s390x", "s390"};
  // LXC accepts the lower and the upper-case spelling, not mixed case.
  std::string l = lower(name);
  bool upper_ok = true;
  for (char c : name)
    if (std::islower(static_cast<unsigned char>(c))) upper_ok = false;
  if (l != name && !upper_ok) return std::nullopt;
  if (l == "i386") return std::string("x86");
  for (auto a : kArches)
    if (l == a) return l;
  return std::nullopt;
}

struct ArchInfo {
  std::string_view section;
  uint32_t token;
};
const ArchInfo kArchTokens[] = {
    {"x86", SCMP_ARCH_X86},           {"x32", SCMP_ARCH_X32},
    {"x86_64", SCMP_ARCH_X86_64},     {"arm", SCMP_ARCH_ARM},
    {"arm64", SCMP_ARCH_AARCH64},     {"ppc64le", SCMP_ARCH_PPC64LE},
    {"ppc64", SCMP_ARCH_PPC64},       {"ppc", SCMP_ARCH_PPC},
    {"mips64", SCMP_ARCH_MIPS64},     {"mips64n32", SCMP_ARCH_MIPS64N32},
    {"mips", SCMP_ARCH_MIPS},         {"mipsel64", SCMP_ARCH_MIPSEL64},
    {"mipsel64n32", SCMP_ARCH_MIPSEL64N32}, {"mipsel", SCMP_ARCH_MIPSEL},
    {"s390x", SCMP_ARCH_S390X},       {"s390", SCMP_ARCH_S390},
};

// The native arch and the compat arches whose binaries it runs, as LXC picks them.
std::vector<uint32_t> host_arches() {
  uint32_t native = seccomp_arch_native();
  switch (native) {
    case SCMP_ARCH_X86_64: return {native, SCMP_ARCH_X86, SCMP_ARCH_X32};
    case SCMP_ARCH_AARCH64: return {native, SCMP_ARCH_ARM};
    case SCMP_ARCH_PPC64: return {native, SCMP_ARCH_PPC};
    case SCMP_ARCH_MIPS64: return {native, SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64N32};
    case SCMP_ARCH_MIPSEL64: return {native, SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64N32};
    default: return {native};
  }
}

bool section_applies(const std::string& section, const std::vector<uint32_t>& arches) {
  if (section.empty() || section == "all") return true;
  for (const auto& a : kArchTokens)
    if (a.section == section) return std::find(arches.begin(), arches.end(), a.token) != arches.end();
  return false;
}

uint32_t to_scmp(const SeccompAction& a) {
  switch (a.kind) {
    case SeccompActionKind::Kill: return SCMP_ACT_KILL;
    case SeccompActionKind::Errno: return SCMP_ACT_ERRNO(a.value);
    case SeccompActionKind::Trap: return SCMP_ACT_TRAP;
    case SeccompActionKind::Trace: return SCMP_ACT_TRACE(a.value);
    case SeccompActionKind::Allow: return SCMP_ACT_ALLOW;
    case SeccompActionKind::Log: return SCMP_ACT_LOG;
    case SeccompActionKind::Notify: return SCMP_ACT_NOTIFY;
  }
  return SCMP_ACT_KILL;
}

scmp_compare to_scmp(SeccompCmp c) {
  switch (c) {
    case SeccompCmp::Ne: return SCMP_CMP_NE;
    case SeccompCmp::Lt: return SCMP_CMP_LT;
    case SeccompCmp::Le: return SCMP_CMP_LE;
    case SeccompCmp::Eq: return SCMP_CMP_EQ;
    case SeccompCmp::Ge: return SCMP_CMP_GE;
    case SeccompCmp::Gt: return SCMP_CMP_GT;
    case SeccompCmp::MaskedEq: return SCMP_CMP_MASKED_EQ;
  }
  return SCMP_CMP_EQ;
}

struct CtxDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

Error scmp_error(int rc, const std::string& what) { return make_error(-rc, what); }

}  // namespace

Result<SeccompPolicy> parse_policy(std::string_view text, const std::string& origin) {
  SeccompPolicy p;
  p.origin = origin;
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    std::string_view l = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }

  if (lines.empty() || !parse_uint(lines[0], p.version) || (p.version != 1 && p.version != 2))
    return unexpected(at(origin, 1, "seccomp policy must start with version 1 or 2"));
  if (lines.size() < 2) return unexpected(at(origin, 2, "missing policy type (allowlist or denylist)"));

  auto head = split_words(strip_comment(lines[1]));
  if (head.empty()) return unexpected(at(origin, 2, "missing policy type (allowlist or denylist)"));
  for (auto w : head)
    if (w == "debug") return unexpected(at(origin, 2, "seccomp debug is not implemented"));
  // "whitelist"/"blacklist" stay accepted: LXC keeps them for old profiles.
  std::string type = lower(head[0]);
  if (type == "allowlist" || type == "whitelist") {
    p.allowlist = true;
  } else if ((type == "denylist" || type == "blacklist") && p.version == 2) {
    p.allowlist = false;
  } else {
    return unexpected(at(origin, 2,
                         p.version == 1 ? "version 1 supports only an allowlist policy"
                                        : "bad policy type \"" + std::string(head[0]) + "\" (allowlist or denylist)"));
  }

  // Defaults: an allowlist kills what it does not list; a denylist kills what
  // it lists unless a rule says otherwise.
  p.default_action.kind = p.allowlist ? SeccompActionKind::Kill : SeccompActionKind::Allow;
  SeccompAction rule_default{p.allowlist ? SeccompActionKind::Allow : SeccompActionKind::Kill, 0};
  if (head.size() > 1) {
    if (p.version == 1) return unexpected(at(origin, 2, "version 1 takes no default action"));
    auto a = parse_action({head.begin() + 1, head.end()}, origin, 2);
    if (!a) return unexpected(std::move(a.error()));
    p.default_action = *a;
  }

  std::string section;
  for (size_t i = 2; i < lines.size(); ++i) {
    int n = static_cast<int>(i + 1);
    std::string_view l = trim(strip_comment(lines[i]));
    if (l.empty()) continue;

    if (p.version == 1) {
      unsigned nr = 0;
      if (!parse_uint(l, nr)) return unexpected(at(origin, n, "expected a syscall number, got \"" + std::string(l) + "\""));
      p.rules.push_back({std::to_string(nr), {SeccompActionKind::Allow, 0}, {}, "", n});
      continue;
    }

    if (l.front() == '[') {
      if (l.back() != ']' || l.find(',') != std::string_view::npos)
        return unexpected(at(origin, n, "bad architecture section \"" + std::string(l) + "\""));
      auto arch = canonical_arch(l.substr(1, l.size() - 2));
      if (!arch) return unexpected(at(origin, n, "unsupported architecture \"" + std::string(l) + "\""));
      section = *arch;
      continue;
    }

    SeccompRule r;
    r.line = n;
    r.arch = section;
    size_t name_end = 0;
    while (name_end < l.size() && !std::isspace(static_cast<unsigned char>(l[name_end])) && l[name_end] != '[')
      ++name_end;
    r.syscall = std::string(l.substr(0, name_end));
    std::string_view rest = l.substr(name_end);
    size_t bracket = rest.find('[');
    auto words = split_words(rest.substr(0, bracket));
    if (words.empty()) {
      r.action = rule_default;
    } else {
      auto a = parse_action(words, origin, n);
      if (!a) return unexpected(std::move(a.error()));
      r.action = *a;
    }
    if (bracket != std::string_view::npos) {
      auto args = parse_args(rest.substr(bracket), origin, n);
      if (!args) return unexpected(std::move(args.error()));
      r.args = std::move(*args);
    }
    p.rules.push_back(std::move(r));
  }
  return p;
}

Result<SeccompPolicy> read_policy(const std::string& path) {
  auto text = read_file(path, 4u << 20);
  if (!text) return unexpected(with_context(std::move(text.error()), "seccomp profile"));
  return parse_policy(*text, path);
}

Result<std::vector<sock_filter>> compile_policy(const SeccompPolicy& policy) {
  const std::string& origin = policy.origin;
  const uint32_t def = to_scmp(policy.default_action);
  Ctx ctx(seccomp_init(def));
  if (!ctx) return fail(EINVAL, origin + ": cannot initialise the seccomp filter");
  // lxc.no_new_privs decides about no_new_privs, not the filter (as LXC).
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0); rc < 0)
    return unexpected(scmp_error(rc, origin + ": turn off no_new_privs in the filter"));
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_API_TSKIP, 1); rc < 0)
    kLog.debug("seccomp: syscall -1 rules unsupported by libseccomp ({})", std::strerror(-rc));

  // Version 1 lists native syscall numbers: only the native arch applies,
  // other arches hit the bad-arch action (kill), as in LXC.
  std::vector<uint32_t> arches = policy.version == 1 ? std::vector<uint32_t>{seccomp_arch_native()} : host_arches();
  for (size_t i = 1; i < arches.size(); ++i) {
    int rc = seccomp_arch_add(ctx.get(), arches[i]);
    if (rc < 0 && rc != -EEXIST) return unexpected(scmp_error(rc, origin + ": add compat arch to the seccomp filter"));
  }

  for (const auto& r : policy.rules) {
    const std::string where = origin + ":" + std::to_string(r.line);
    // LXC applies the rules of every section that matches one of the
    // host's arches to all of them, and ignores the other sections.
    if (!section_applies(r.arch, arches)) {
      kLog.debug("{}: section [{}] does not apply to this host, rule for {} skipped", where, r.arch, r.syscall);
      continue;
    }
    const uint32_t action = to_scmp(r.action);
    if (r.action.kind == SeccompActionKind::Notify)
      return fail(EOPNOTSUPP, where + ": the notify action needs lxc.seccomp.notify.proxy, which lxcpp does not support");

    int nr = 0;
    std::vector<scmp_arg_cmp> cmps;
    uint32_t rule_action = action;
    std::string name = r.syscall;
    if (policy.version == 1) {
      nr = std::stoi(r.syscall);
    } else if (r.syscall == "reject_force_umount") {
      // LXC's shorthand: umount2(..., MNT_FORCE) fails with EACCES.
      nr = SCMP_SYS(umount2);
      rule_action = SCMP_ACT_ERRNO(EACCES);
      name = "umount2";
      cmps.push_back(SCMP_A1(SCMP_CMP_MASKED_EQ, MNT_FORCE, MNT_FORCE));
    } else {
      nr = seccomp_syscall_resolve_name(r.syscall.c_str());
      if (nr == __NR_SCMP_ERROR) {
        kLog.info("{}: syscall \"{}\" is unknown on this host, skipped", where, r.syscall);
        continue;
      }
      for (const auto& a : r.args) {
        // For MASKED_EQ libseccomp takes the mask first: (arg & mask) == value.
        if (a.op == SeccompCmp::MaskedEq)
          cmps.push_back(SCMP_CMP(a.index, SCMP_CMP_MASKED_EQ, a.mask, a.value));
        else
          cmps.push_back(SCMP_CMP(a.index, to_scmp(a.op), a.value));
      }
    }
    if (rule_action == def) {
      // libseccomp refuses such a rule (EACCES); it changes nothing anyway.
      kLog.info("{}: rule for {} has the default action, skipped", where, name);
      continue;
    }
    int rc = seccomp_rule_add_array(ctx.get(), rule_action, nr, static_cast<unsigned>(cmps.size()),
                                    cmps.empty() ? nullptr : cmps.data());
    if (rc == -EDOM || (rc == -EINVAL && policy.version == 1)) {
      kLog.info("{}: syscall {} does not exist on this host's arches, skipped", where, name);
      continue;
    }
    if (rc < 0) return unexpected(scmp_error(rc, where + ": add seccomp rule for " + name));
    kLog.trace("{}: seccomp rule for {} ({})", where, name, nr);
  }

  // libseccomp 2.5 exports only to an fd.
  UniqueFd mem(static_cast<int>(::syscall(SYS_memfd_create, "lxcpp-seccomp", MFD_CLOEXEC)));
  if (mem.get() < 0) return fail_sys("memfd_create for the seccomp filter");
  if (int rc = seccomp_export_bpf(ctx.get(), mem.get()); rc < 0)
    return unexpected(scmp_error(rc, origin + ": export the seccomp filter"));
  off_t size = ::lseek(mem.get(), 0, SEEK_END);
  if (size < 0 || size % sizeof(sock_filter) != 0) return fail(EIO, origin + ": exported seccomp filter has a bad size");
  std::vector<sock_filter> prog(static_cast<size_t>(size) / sizeof(sock_filter));
  size_t done = 0;
  while (done < static_cast<size_t>(size)) {
    ssize_t n = ::pread(mem.get(), reinterpret_cast<char*>(prog.data()) + done, size - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail_sys("read back the seccomp filter");
    done += static_cast<size_t>(n);
  }
  kLog.debug("{}: seccomp filter of {} instructions", origin, prog.size());
  return prog;
}

int current_seccomp_mode() {
  auto status = read_file("/proc/self/status");
  if (!status) return -2;
  std::string_view s = *status;
  size_t pos = s.find("\nSeccomp:");
  if (pos == std::string_view::npos) return -1;
  std::string_view v = s.substr(pos + 9);
  v = trim(v.substr(0, v.find('\n')));
  int mode = 0;
  if (!parse_uint(v, mode)) return -1;
  return mode;
}

Result<SeccompProgram> prepare_seccomp(const config::Conf& conf) {
  SeccompProgram out;
  if (conf.seccomp_profile.empty()) return out;
  // The container's first process inherits this process's seccomp state, so
  // checking here is checking there.
  int mode = current_seccomp_mode();
  if (mode == -1) {
    kLog.info("seccomp is not enabled in the kernel, {} not loaded", conf.seccomp_profile);
    return out;
  }
  if (mode > 0 && !conf.seccomp_allow_nesting) {
    kLog.info("already seccomp-confined, {} not loaded (lxc.seccomp.allow_nesting = 0)", conf.seccomp_profile);
    return out;
  }
  auto policy = read_policy(conf.seccomp_profile);
  if (!policy) return unexpected(std::move(policy.error()));
  auto prog = compile_policy(*policy);
  if (!prog) return unexpected(std::move(prog.error()));
  out.filter = std::move(*prog);
  out.origin = conf.seccomp_profile;
  if (out.filter.empty()) return fail(EINVAL, conf.seccomp_profile + ": empty seccomp filter");
  return out;
}

Result<void> load_seccomp(const SeccompProgram& program) {
  if (program.empty()) return {};
  sock_fprog fprog{static_cast<unsigned short>(program.filter.size()), const_cast<sock_filter*>(program.filter.data())};
  if (program.filter.size() > BPF_MAXINSNS)
    return fail(E2BIG, "seccomp filter from " + program.origin + " has more than 4096 instructions");
  long rc = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog);
  if (rc < 0 && errno == ENOSYS) rc = ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0);
  if (rc < 0) {
    // Without no_new_privs the kernel wants CAP_SYS_ADMIN in the current userns.
    return fail_sys("load seccomp filter from " + program.origin);
  }
  return {};
}

Result<void> apply_seccomp(const config::Conf& conf) {
  auto prog = prepare_seccomp(conf);
  if (!prog) return unexpected(std::move(prog.error()));
  return load_seccomp(*prog);
}

}  // namespace lxc::security
