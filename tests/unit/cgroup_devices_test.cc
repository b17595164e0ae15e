// cgroup2 device rules: parsing, the policy's meaning, and the generated eBPF
// program, run here by a small interpreter of the instructions it uses and
// compared with the policy for every device/access combination.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cgroups/devices_bpf.h"

namespace lxc::cgroups {
namespace {

DeviceRule rule(std::string_view key, std::string_view value) {
  auto r = parse_device_rule(key, value);
  EXPECT_TRUE(r) << value << ": " << (r ? "" : describe(r.error()));
  return r ? *r : DeviceRule{};
}

TEST(CgroupDevices, ParseRules) {
  DeviceRule a = rule("devices.deny", "a");
  EXPECT_TRUE(a.global);
  EXPECT_FALSE(a.allow);

  DeviceRule null = rule("devices.allow", "c 1:3 rwm");
  EXPECT_EQ(null.type, 'c');
  EXPECT_EQ(null.major, 1);
  EXPECT_EQ(null.minor, 3);
  EXPECT_EQ(null.access, kDevAll);
  EXPECT_TRUE(null.allow);
  EXPECT_FALSE(null.global);

  DeviceRule any = rule("devices.allow", "b *:* m");
  EXPECT_EQ(any.type, 'b');
  EXPECT_EQ(any.major, -1);
  EXPECT_EQ(any.minor, -1);
  EXPECT_EQ(any.access, kDevMknod);

  DeviceRule pts = rule("devices.deny", "  c 136:* wr \n");
  EXPECT_EQ(pts.major, 136);
  EXPECT_EQ(pts.minor, -1);
  EXPECT_EQ(pts.access, kDevRead | kDevWrite);
  EXPECT_FALSE(pts.allow);

  for (std::string_view bad : {"x 1:3 rwm", "c 1:3", "c 1-3 rwm", "c a:3 r", "c 1:3 rwx", "c 1:3 rr", "", "c 1:3 rwm x"})
    EXPECT_FALSE(parse_device_rule("devices.allow", bad)) << bad;
  EXPECT_FALSE(parse_device_rule("devices.list", "a"));
}

TEST(CgroupDevices, ParseDevicePath) {
  struct stat st {};
  if (::stat("/dev/null", &st) != 0 || !S_ISCHR(st.st_mode)) GTEST_SKIP() << "no /dev/null";
  DeviceRule r = rule("devices.allow", "/dev/null rw");
  EXPECT_EQ(r.type, 'c');
  EXPECT_EQ(r.major, static_cast<int64_t>(major(st.st_rdev)));
  EXPECT_EQ(r.minor, static_cast<int64_t>(minor(st.st_rdev)));
  EXPECT_EQ(r.access, kDevRead | kDevWrite);
  EXPECT_FALSE(parse_device_rule("devices.allow", "/dev/does-not-exist rw"));
  EXPECT_FALSE(parse_device_rule("devices.allow", "/tmp rw"));
}

TEST(CgroupDevices, PolicyMeaning) {
  DevicePolicy p;
  EXPECT_TRUE(p.allows('c', 1, 3, kDevRead));  // v1's default: allow
  p.add(rule("devices.deny", "a"));
  EXPECT_FALSE(p.allows('c', 1, 3, kDevRead));
  p.add(rule("devices.allow", "c 1:3 rw"));
  EXPECT_TRUE(p.allows('c', 1, 3, kDevRead | kDevWrite));
  EXPECT_FALSE(p.allows('c', 1, 3, kDevMknod));  // not covered
  EXPECT_FALSE(p.allows('b', 1, 3, kDevRead));
  p.add(rule("devices.deny", "c 1:3 w"));  // later rule wins: write taken away
  EXPECT_TRUE(p.allows('c', 1, 3, kDevRead));
  EXPECT_FALSE(p.allows('c', 1, 3, kDevWrite));
  EXPECT_FALSE(p.allows('c', 1, 3, kDevRead | kDevWrite));
  p.add(rule("devices.allow", "a"));  // back to allow-all, rules dropped
  EXPECT_TRUE(p.allows('c', 1, 3, kDevWrite));
  EXPECT_TRUE(p.rules.empty());
  p.add(rule("devices.deny", "b 8:* rwm"));
  EXPECT_FALSE(p.allows('b', 8, 1, kDevRead));
  EXPECT_TRUE(p.allows('b', 9, 1, kDevRead));
}

// Runs a program built by build_device_program (its instruction subset only).
int run(const std::vector<bpf_insn>& prog, char type, uint32_t major, uint32_t minor, uint8_t access) {
  uint32_t ctx[3] = {(static_cast<uint32_t>(access) << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
                     major, minor};
  uint64_t r[11] = {};
  size_t pc = 0;
  for (int steps = 0; steps < 100000 && pc < prog.size(); ++steps) {
    const bpf_insn& i = prog[pc++];
    switch (i.code) {
      case BPF_LDX | BPF_MEM | BPF_W:
        EXPECT_EQ(i.src_reg, 1);
        EXPECT_TRUE(i.off >= 0 && i.off <= 8 && i.off % 4 == 0);
        r[i.dst_reg] = ctx[i.off / 4];
        break;
      case BPF_ALU | BPF_MOV | BPF_X: r[i.dst_reg] = static_cast<uint32_t>(r[i.src_reg]); break;
      case BPF_ALU | BPF_AND | BPF_K: r[i.dst_reg] = static_cast<uint32_t>(r[i.dst_reg]) & static_cast<uint32_t>(i.imm); break;
      case BPF_ALU | BPF_RSH | BPF_K: r[i.dst_reg] = static_cast<uint32_t>(r[i.dst_reg]) >> i.imm; break;
      case BPF_ALU64 | BPF_MOV | BPF_K: r[i.dst_reg] = static_cast<uint64_t>(static_cast<int64_t>(i.imm)); break;
      case BPF_JMP | BPF_JNE | BPF_K:
        if (r[i.dst_reg] != static_cast<uint64_t>(static_cast<int64_t>(i.imm))) pc += i.off;
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        if (r[i.dst_reg] == static_cast<uint64_t>(static_cast<int64_t>(i.imm))) pc += i.off;
        break;
      case BPF_JMP | BPF_EXIT: return static_cast<int>(r[0]);
      default: ADD_FAILURE() << "unexpected opcode " << int(i.code); return -1;
    }
  }
  ADD_FAILURE() << "program ran off its end";
  return -1;
}

void expect_program_matches(const DevicePolicy& p, const std::string& what) {
  auto prog = build_device_program(p);
  // Every instruction reachable (the verifier rejects dead code): no jump
  // leaves the program, and the last instruction is an exit.
  ASSERT_FALSE(prog.empty());
  EXPECT_EQ(prog.back().code, BPF_JMP | BPF_EXIT);
  for (size_t i = 0; i < prog.size(); ++i)
    if ((prog[i].code & 0x07) == BPF_JMP && prog[i].code != (BPF_JMP | BPF_EXIT)) {
      EXPECT_LT(i + 1 + prog[i].off, prog.size()) << what;
    }
  for (char type : {'b', 'c'})
    for (uint32_t maj : {0u, 1u, 5u, 8u, 136u})
      for (uint32_t min : {0u, 1u, 3u, 5u, 9u})
        for (uint8_t acc = 1; acc <= kDevAll; ++acc)
          ASSERT_EQ(run(prog, type, maj, min, acc), p.allows(type, maj, min, acc) ? 1 : 0)
              << what << ": " << type << ' ' << maj << ':' << min << " access " << int(acc);
}

TEST(CgroupDevices, ProgramAgreesWithPolicy) {
  using R = std::pair<std::string_view, std::string_view>;
  const std::vector<std::vector<R>> cases = {
      {},
      {{"devices.deny", "a"}},
      {{"devices.deny", "a"}, {"devices.allow", "c 1:3 rwm"}, {"devices.allow", "c 1:5 rw"},
       {"devices.allow", "c 136:* rw"}, {"devices.allow", "b *:* m"}, {"devices.allow", "c *:* m"}},
      {{"devices.deny", "a"}, {"devices.allow", "c 1:3 rw"}, {"devices.deny", "c 1:3 w"}},
      {{"devices.deny", "c 8:* rwm"}, {"devices.deny", "b 8:* rwm"}, {"devices.allow", "b 8:1 r"}},
      {{"devices.allow", "a 5:* r"}, {"devices.deny", "a *:9 w"}},
      // An unconditional rule ends the program (no dead code after it).
      {{"devices.deny", "c 1:3 rwm"}, {"devices.deny", "a *:* rwm"}},
      {{"devices.deny", "a"}, {"devices.allow", "c 1:3 r"}, {"devices.allow", "a *:* rwm"}},
  };
  for (const auto& rules : cases) {
    DevicePolicy p;
    std::string what;
    for (const auto& [k, v] : rules) {
      p.add(rule(k, v));
      what += std::string(k) + "=" + std::string(v) + "; ";
    }
    expect_program_matches(p, what);
  }
}

}  // namespace
}  // namespace lxc::cgroups
