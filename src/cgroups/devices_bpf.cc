#include "cgroups/devices_bpf.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

#include "base/strings.h"
#include "log/log.h"

namespace lxc::cgroups {
namespace {

constexpr log::Logger kLog("cgroups");

Result<DeviceRule> bad_rule(std::string_view key, std::string_view value, std::string_view why) {
  return fail(EINVAL, "invalid device rule " + std::string(key) + " = \"" + printable(value) + "\": " +
                          std::string(why));
}

// "rwm" in any order, each at most once.
std::optional<uint8_t> parse_access(std::string_view s) {
  uint8_t bits = 0;
  if (s.empty() || s.size() > 3) return std::nullopt;
  for (char c : s) {
    uint8_t b = c == 'r' ? kDevRead : c == 'w' ? kDevWrite : c == 'm' ? kDevMknod : 0;
    if (b == 0 || (bits & b)) return std::nullopt;
    bits |= b;
  }
  return bits;
}

std::optional<int64_t> parse_number_or_star(std::string_view s) {
  if (s == "*") return -1;
  auto v = parse_u64(s);
  if (!v || *v > 0xFFFFFFFFu) return std::nullopt;
  return static_cast<int64_t>(*v);
}

long bpf_call(int cmd, union bpf_attr* attr) { return ::syscall(__NR_bpf, cmd, attr, sizeof(*attr)); }

// Instruction builders.
bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i{};
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}
bpf_insn ldx_w(uint8_t dst, uint8_t src, int16_t off) { return insn(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0); }
bpf_insn mov32_reg(uint8_t dst, uint8_t src) { return insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0); }
bpf_insn and32_imm(uint8_t dst, int32_t imm) { return insn(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm); }
bpf_insn rsh32_imm(uint8_t dst, int32_t imm) { return insn(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm); }
bpf_insn mov64_imm(uint8_t dst, int32_t imm) { return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm); }
bpf_insn jmp_imm(uint8_t op, uint8_t dst, int32_t imm, int16_t off) { return insn(BPF_JMP | op | BPF_K, dst, 0, off, imm); }
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

// Registers of the program: r1 = ctx, r2 = access_type, r3 = device type,
// r4 = requested access, r5 = major, r6 = minor, r7 = scratch.
constexpr uint8_t kType = 3, kAccess = 4, kMajor = 5, kMinor = 6, kScratch = 7;
constexpr int16_t kToBlockEnd = 0x7fff;  // placeholder, fixed up per block

}  // namespace

Result<DeviceRule> parse_device_rule(std::string_view key, std::string_view value) {
  DeviceRule r;
  if (key == "devices.allow")
    r.allow = true;
  else if (key == "devices.deny")
    r.allow = false;
  else
    return fail(EINVAL, "not a devices key: " + std::string(key));

  std::string_view v = trim(value);
  if (v == "a") {
    r.global = true;
    return r;
  }
  if (v.starts_with('/')) {
    // "/dev/null rw": the device node's type and numbers, as LXC converts them.
    auto parts = split(v, " \t");
    if (parts.size() != 2) return bad_rule(key, value, "expected \"/dev/PATH ACCESS\"");
    auto acc = parse_access(parts[1]);
    if (!acc) return bad_rule(key, value, "access must be a combination of r, w and m");
    struct stat st {};
    if (::stat(parts[0].c_str(), &st) < 0) return fail_sys("device rule " + std::string(key) + ": stat " + parts[0]);
    if (S_ISCHR(st.st_mode))
      r.type = 'c';
    else if (S_ISBLK(st.st_mode))
      r.type = 'b';
    else
      return bad_rule(key, value, parts[0] + " is not a device node");
    r.major = major(st.st_rdev);
    r.minor = minor(st.st_rdev);
    r.access = *acc;
    return r;
  }

  auto parts = split(v, " \t");
  if (parts.size() != 3 || parts[0].size() != 1 || std::string_view("abc").find(parts[0][0]) == std::string_view::npos)
    return bad_rule(key, value, "expected \"a\" or \"TYPE MAJOR:MINOR ACCESS\" with TYPE a, b or c");
  r.type = parts[0][0];
  size_t colon = parts[1].find(':');
  if (colon == std::string::npos) return bad_rule(key, value, "expected MAJOR:MINOR");
  auto maj = parse_number_or_star(std::string_view(parts[1]).substr(0, colon));
  auto min = parse_number_or_star(std::string_view(parts[1]).substr(colon + 1));
  if (!maj || !min) return bad_rule(key, value, "MAJOR and MINOR must be numbers or *");
  auto acc = parse_access(parts[2]);
  if (!acc) return bad_rule(key, value, "access must be a combination of r, w and m");
  r.major = *maj;
  r.minor = *min;
  r.access = *acc;
  return r;
}

void DevicePolicy::add(const DeviceRule& r) {
  if (r.global) {
    default_allow = r.allow;
    rules.clear();
    return;
  }
  rules.push_back(r);
}

namespace {
bool rule_matches(const DeviceRule& r, char type, uint32_t major, uint32_t minor, uint8_t access) {
  if (r.type != 'a' && r.type != type) return false;
  if (r.major >= 0 && static_cast<uint32_t>(r.major) != major) return false;
  if (r.minor >= 0 && static_cast<uint32_t>(r.minor) != minor) return false;
  return r.allow ? (access & ~r.access & kDevAll) == 0 : (access & r.access) != 0;
}
}  // namespace

bool DevicePolicy::allows(char type, uint32_t major, uint32_t minor, uint8_t access) const {
  for (auto it = rules.rbegin(); it != rules.rend(); ++it)
    if (rule_matches(*it, type, major, minor, access)) return it->allow;
  return default_allow;
}

std::vector<bpf_insn> build_device_program(const DevicePolicy& policy) {
  std::vector<bpf_insn> prog = {
      ldx_w(2, 1, offsetof(bpf_cgroup_dev_ctx, access_type)),
      mov32_reg(kType, 2),
      and32_imm(kType, 0xFFFF),
      mov32_reg(kAccess, 2),
      rsh32_imm(kAccess, 16),
      ldx_w(kMajor, 1, offsetof(bpf_cgroup_dev_ctx, major)),
      ldx_w(kMinor, 1, offsetof(bpf_cgroup_dev_ctx, minor)),
  };
  // Last rule first: the first match decides.
  for (auto it = policy.rules.rbegin(); it != policy.rules.rend(); ++it) {
    const DeviceRule& r = *it;
    std::vector<bpf_insn> block;
    if (r.type != 'a')
      block.push_back(jmp_imm(BPF_JNE, kType, r.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, kToBlockEnd));
    if (r.major >= 0) block.push_back(jmp_imm(BPF_JNE, kMajor, static_cast<int32_t>(r.major), kToBlockEnd));
    if (r.minor >= 0) block.push_back(jmp_imm(BPF_JNE, kMinor, static_cast<int32_t>(r.minor), kToBlockEnd));
    if (r.allow && (r.access & kDevAll) != kDevAll) {
      // every requested bit must be in the rule: (access & ~rule) == 0
      block.push_back(mov32_reg(kScratch, kAccess));
      block.push_back(and32_imm(kScratch, ~r.access & kDevAll));
      block.push_back(jmp_imm(BPF_JNE, kScratch, 0, kToBlockEnd));
    } else if (!r.allow) {
      // any requested bit in the rule: (access & rule) != 0
      block.push_back(mov32_reg(kScratch, kAccess));
      block.push_back(and32_imm(kScratch, r.access & kDevAll));
      block.push_back(jmp_imm(BPF_JEQ, kScratch, 0, kToBlockEnd));
    }
    bool unconditional = block.empty();
    block.push_back(mov64_imm(0, r.allow ? 1 : 0));
    block.push_back(exit_insn());
    for (size_t i = 0; i < block.size(); ++i)
      if ((block[i].code & 0x07) == BPF_JMP && block[i].off == kToBlockEnd)
        block[i].off = static_cast<int16_t>(block.size() - i - 1);
    prog.insert(prog.end(), block.begin(), block.end());
    // The verifier rejects unreachable instructions: nothing may follow a
    // rule that matches every access.
    if (unconditional) return prog;
  }
  prog.push_back(mov64_imm(0, policy.default_allow ? 1 : 0));
  prog.push_back(exit_insn());
  return prog;
}

namespace {

Result<UniqueFd> load_program(const std::vector<bpf_insn>& insns) {
  static const char kLicense[] = "GPL";
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = reinterpret_cast<uintptr_t>(insns.data());
  attr.insn_cnt = static_cast<uint32_t>(insns.size());
  attr.license = reinterpret_cast<uintptr_t>(kLicense);
  long fd = bpf_call(BPF_PROG_LOAD, &attr);
  if (fd >= 0) return UniqueFd(static_cast<int>(fd));
  int err = errno;
  // Load again with the verifier log, for the error message.
  std::string log(16384, '\0');
  attr.log_level = 1;
  attr.log_buf = reinterpret_cast<uintptr_t>(log.data());
  attr.log_size = static_cast<uint32_t>(log.size());
  if (bpf_call(BPF_PROG_LOAD, &attr) >= 0) return fail(err, "load device program");
  log.resize(std::strlen(log.c_str()));
  std::string tail = log.size() > 300 ? log.substr(log.size() - 300) : log;
  return fail(err, "load device program" + (tail.empty() ? std::string() : " (verifier: " + printable(tail, 300) + ")"));
}

Result<void> prog_attach_cmd(int cmd, const std::string& dir, int prog_fd) {
  UniqueFd dfd(::open(dir.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC));
  if (!dfd) return fail_sys("open " + dir);
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.target_fd = static_cast<uint32_t>(dfd.get());
  attr.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
  attr.attach_type = BPF_CGROUP_DEVICE;
  if (cmd == BPF_PROG_ATTACH) attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf_call(cmd, &attr) < 0)
    return fail_sys(std::string(cmd == BPF_PROG_ATTACH ? "attach" : "detach") + " device program to " + dir);
  return {};
}

}  // namespace

Result<void> DeviceProgram::attach(const std::string& cgroup_dir, const DevicePolicy& policy) {
  auto prog = load_program(build_device_program(policy));
  if (!prog) return unexpected(prog.error());
  if (auto r = prog_attach_cmd(BPF_PROG_ATTACH, cgroup_dir, prog->get()); !r) return r;
  kLog.debug("attached device program ({} rules, default {}) to {}", policy.rules.size(),
             policy.default_allow ? "allow" : "deny", cgroup_dir);
  detach();  // the old program, now that the new one is in place
  prog_ = std::move(*prog);
  dir_ = cgroup_dir;
  return {};
}

void DeviceProgram::detach() noexcept {
  if (!prog_) return;
  if (auto r = prog_attach_cmd(BPF_PROG_DETACH, dir_, prog_.get()); !r && r.error().code != ENOENT)
    kLog.debug("{}", describe(r.error()));
  prog_.reset();
  dir_.clear();
}

bool device_programs_supported() {
  DevicePolicy allow_all;
  return static_cast<bool>(load_program(build_device_program(allow_all)));
}

}  // namespace lxc::cgroups
