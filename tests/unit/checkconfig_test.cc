#include "checkconfig/kernel_config.h"

#include <gtest/gtest.h>

#include "test_util.h"
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <set>
#include <string>

#include "base/file.h"
#include "base/spawn.h"

namespace lxc::checkconfig {
namespace {

using test_util::TempDir;

const Item& item_named(std::string_view label) {
  for (const Item& it : items())
    if (it.label == label) return it;
  ADD_FAILURE() << "no item " << label;
  return items().front();
}

// Every item LXC's script checks, enabled, on a 6.1 kernel.
constexpr std::string_view kFullConfig =
    "#\n# Automatically generated file; DO NOT EDIT.\n# Linux/x86 6.1.0 Kernel Configuration\n#\n"
    "CONFIG_NAMESPACES=y\nCONFIG_UTS_NS=y\nCONFIG_IPC_NS=y\nCONFIG_PID_NS=y\nCONFIG_USER_NS=y\nCONFIG_NET_NS=y\n"
    "CONFIG_CGROUPS=y\nCONFIG_CGROUP_DEVICE=y\nCONFIG_CGROUP_SCHED=y\nCONFIG_CGROUP_CPUACCT=y\nCONFIG_MEMCG=y\n"
    "CONFIG_SMP=y\nCONFIG_CPUSETS=y\nCONFIG_VETH=m\nCONFIG_MACVLAN=m\nCONFIG_VLAN_8021Q=m\nCONFIG_BRIDGE=m\n"
    "CONFIG_NETFILTER_ADVANCED=y\nCONFIG_IP_NF_TARGET_MASQUERADE=m\nCONFIG_IP6_NF_TARGET_MASQUERADE=m\n"
    "CONFIG_NETFILTER_XT_TARGET_CHECKSUM=m\nCONFIG_NETFILTER_XT_MATCH_COMMENT=m\nCONFIG_FUSE_FS=y\n"
    "CONFIG_CHECKPOINT_RESTORE=y\nCONFIG_FHANDLE=y\nCONFIG_EVENTFD=y\nCONFIG_EPOLL=y\nCONFIG_UNIX_DIAG=y\n"
    "CONFIG_INET_DIAG=m\nCONFIG_PACKET_DIAG=m\nCONFIG_NETLINK_DIAG=m\n";

HostFacts hybrid_host() {
  HostFacts f;
  f.cgroup_ns = true;
  f.cgroup_v1 = {{"/sys/fs/cgroup/cpu", {"rw", "cpu"}},
                 {"/sys/fs/cgroup/freezer", {"rw", "freezer"}},
                 {"/sys/fs/cgroup/systemd", {"rw", "name=systemd"}}};
  f.cgroup_v2 = {{"/sys/fs/cgroup/unified", {"rw"}}};
  f.clone_children = true;
  f.helpers = {{"newuidmap", Helper::Ok}, {"newgidmap", Helper::Ok}};
  return f;
}

HostFacts unified_host() {
  HostFacts f;
  f.cgroup_ns = true;
  f.cgroup_v2 = {{"/sys/fs/cgroup", {"rw", "nsdelegate"}}};
  f.helpers = {{"newuidmap", Helper::Ok}, {"newgidmap", Helper::Ok}};
  return f;
}

// ---------------------------------------------------------------------------
// Parsing

TEST(CheckConfigParse, ValuesAndNotSet) {
  auto c = parse_kernel_config(
      "CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_D=\"text=y\"\nCONFIG_E=64\r\n"
      "# CONFIG_F=y is a comment\n  CONFIG_G=y  \nnot a line\n");
  EXPECT_TRUE(c.is_set("CONFIG_A"));
  EXPECT_TRUE(c.is_set("CONFIG_B"));
  EXPECT_TRUE(c.is_module("CONFIG_B"));
  EXPECT_FALSE(c.is_module("CONFIG_A"));
  EXPECT_FALSE(c.is_set("CONFIG_C"));
  EXPECT_EQ(c.values.at("CONFIG_C"), "n");
  EXPECT_EQ(c.values.at("CONFIG_D"), "\"text=y\"");
  EXPECT_FALSE(c.is_set("CONFIG_D"));
  EXPECT_EQ(c.values.at("CONFIG_E"), "64");
  EXPECT_FALSE(c.is_set("CONFIG_F"));
  EXPECT_TRUE(c.is_set("CONFIG_G"));
  EXPECT_FALSE(c.is_set("CONFIG_MISSING"));
  EXPECT_FALSE(c.version);
}

TEST(CheckConfigParse, WholeSymbolsOnly) {
  // LXC's script greps "CONFIG_BRIDGE=[y|m]" anywhere in a line; a symbol
  // that merely ends the same way must not count.
  auto c = parse_kernel_config("CONFIG_NET_DSA_BRIDGE=y\n");
  EXPECT_FALSE(c.is_set("CONFIG_BRIDGE"));
}

TEST(CheckConfigParse, Version) {
  EXPECT_EQ(parse_config_version("# Linux/x86 6.1.0 Kernel Configuration"), (KernelVersion{6, 1, 0}));
  EXPECT_EQ(parse_config_version("# Linux/x86_64 2.6.32-5-amd64 Kernel Configuration"), (KernelVersion{2, 6, 32}));
  EXPECT_EQ(parse_config_version("# Linux/arm64 6.18.44-rc1+ Kernel Configuration"), (KernelVersion{6, 18, 44}));
  EXPECT_EQ(parse_config_version("# Linux/x86 10.2.3 Kernel Configuration"), (KernelVersion{10, 2, 3}));
  EXPECT_FALSE(parse_config_version("# Linux/x86 Kernel Configuration"));
  auto c = parse_kernel_config(kFullConfig);
  ASSERT_TRUE(c.version);
  EXPECT_EQ(*c.version, (KernelVersion{6, 1, 0}));
  EXPECT_EQ(parse_kernel_config("CONFIG_A=y\n").effective_version(), kLatestKernel);
}

TEST(CheckConfigParse, CgroupMounts) {
  std::vector<CgroupMount> v1, v2;
  parse_cgroup_mounts(
      "24 1 0:22 / /sys rw,nosuid - sysfs sysfs rw\n"
      "31 24 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct\n"
      "40 31 0:37 / /sys/fs/cgroup/sys\\040temd rw,relatime master:3 shared:4 - cgroup cgroup rw,name=systemd\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
      "garbage\n",
      v1, v2);
  ASSERT_EQ(v1.size(), 2u);
  EXPECT_EQ(v1[0].path, "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(v1[0].options, (std::vector<std::string>{"rw", "cpu", "cpuacct"}));
  EXPECT_EQ(v1[1].path, "/sys/fs/cgroup/sys temd");
  EXPECT_EQ(v1[1].options.back(), "name=systemd");
  ASSERT_EQ(v2.size(), 1u);
  EXPECT_EQ(v2[0].path, "/sys/fs/cgroup/unified");
}

TEST(CheckConfigParse, ProcModulesAndModulesDep) {
  auto m = parse_proc_modules("veth 36864 0 - Live 0x0\nbridge 311296 1 br_netfilter, Live 0x0\n");
  EXPECT_EQ(m, (std::set<std::string, std::less<>>{"veth", "bridge"}));
  std::string dep = "kernel/kernel/configs.ko.xz:\nkernel/net/bridge/bridge.ko: kernel/net/802/stp.ko\n";
  EXPECT_TRUE(modules_dep_has(dep, "configs"));
  EXPECT_TRUE(modules_dep_has(dep, "bridge"));
  EXPECT_FALSE(modules_dep_has(dep, "stp"));  // only named as a dependency
  EXPECT_FALSE(modules_dep_has(dep, "config"));
  EXPECT_TRUE(modules_dep_has("kernel/fs/nls/nls-utf8.ko:\n", "nls_utf8"));
}

// ---------------------------------------------------------------------------
// Reading and locating

TEST(CheckConfigRead, PlainGzipAndErrors) {
  TempDir dir;
  const std::string text(kFullConfig);
  ASSERT_TRUE(write_file_atomic(dir.path() + "/plain", text));
  auto plain = read_kernel_config(dir.path() + "/plain");
  ASSERT_TRUE(plain) << describe(plain.error());
  EXPECT_EQ(*plain, text);

  const std::string gz_path = dir.path() + "/config.gz";
  gzFile gz = gzopen(gz_path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(gz), Z_OK);
  auto unzipped = read_kernel_config(gz_path);
  ASSERT_TRUE(unzipped) << describe(unzipped.error());
  EXPECT_EQ(*unzipped, text);

  auto whole = read_file(gz_path);
  ASSERT_TRUE(whole);
  ASSERT_TRUE(write_file_atomic(dir.path() + "/cut.gz", whole->substr(0, whole->size() / 2)));
  auto cut = read_kernel_config(dir.path() + "/cut.gz");
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.error().what.find("unable to decompress kernel configuration " + dir.path() + "/cut.gz"),
            std::string::npos)
      << cut.error().what;

  auto missing = read_kernel_config(dir.path() + "/nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ENOENT);
  EXPECT_EQ(describe(missing.error()),
            "unable to read kernel configuration " + dir.path() + "/nope: No such file or directory");

  auto is_dir = read_kernel_config(dir.path());
  ASSERT_FALSE(is_dir);
  EXPECT_EQ(is_dir.error().code, EISDIR);

  auto big = read_kernel_config(dir.path() + "/plain", 10);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, EFBIG);
}

TEST(CheckConfigLocate, Order) {
  std::set<std::string> files;
  auto is_file = [&files](const std::string& p) { return files.contains(p); };

  auto env = locate_kernel_config("/tmp/my.config", "6.1.0-1", is_file);
  EXPECT_EQ(env.path, "/tmp/my.config");  // used as is, even though it does not exist
  EXPECT_TRUE(env.from_env);
  EXPECT_FALSE(env.searched);

  auto none = locate_kernel_config("", "6.1.0-1", is_file);  // empty CONFIG counts as unset
  EXPECT_TRUE(none.path.empty());
  EXPECT_TRUE(none.searched);
  EXPECT_FALSE(none.from_env);

  files = {"/lib/modules/6.1.0-1/build/.config"};
  EXPECT_EQ(locate_kernel_config(nullptr, "6.1.0-1", is_file).path, "/lib/modules/6.1.0-1/build/.config");
  files.insert("/boot/config-6.1.0-1");
  EXPECT_EQ(locate_kernel_config(nullptr, "6.1.0-1", is_file).path, "/boot/config-6.1.0-1");
  files.insert(std::string(kProcConfig));
  auto proc = locate_kernel_config(nullptr, "6.1.0-1", is_file);
  EXPECT_EQ(proc.path, kProcConfig);
  EXPECT_FALSE(proc.searched);
}

TEST(CheckConfigHost, FindInPath) {
  TempDir dir;
  const std::string exe = dir.path() + "/bin/newuidmap";
  ASSERT_TRUE(mkdir_p(dir.path() + "/bin"));
  ASSERT_TRUE(mkdir_p(dir.path() + "/other/newuidmap"));  // a directory does not count
  ASSERT_TRUE(mkdir_p(dir.path() + "/noexec"));
  ASSERT_TRUE(write_file_atomic(dir.path() + "/noexec/newuidmap", "x", 0644));
  ASSERT_TRUE(write_file_atomic(exe, "#!/bin/sh\n", 0755));
  EXPECT_EQ(find_in_path("newuidmap", dir.path() + "/other:" + dir.path() + "/bin"), exe);
  EXPECT_FALSE(find_in_path("newuidmap", dir.path() + "/other"));
  // Not executable (root passes access(X_OK) only when some x bit is set).
  EXPECT_FALSE(find_in_path("newuidmap", dir.path() + "/noexec"));
  EXPECT_FALSE(find_in_path("bin/newuidmap", dir.path()));
}

// ---------------------------------------------------------------------------
// The table

TEST(CheckConfigItems, TableIsWellFormed) {
  std::set<std::string_view> labels;
  int last_section = -1;
  std::set<std::string_view> required;
  for (const Item& it : items()) {
    EXPECT_TRUE(labels.insert(it.label).second) << "duplicate label " << it.label;
    EXPECT_GE(static_cast<int>(it.section), last_section) << it.label << " is out of its section";
    last_section = static_cast<int>(it.section);
    if (it.kind == Kind::Config || it.kind == Kind::Module) {
      EXPECT_TRUE(it.symbol.starts_with("CONFIG_")) << it.label;
    }
    if (it.kind == Kind::Module || it.kind == Kind::IdMapHelper || it.kind == Kind::CgroupV1Controller) {
      EXPECT_FALSE(it.probe.empty()) << it.label;
    }
    if (!it.only_if.empty()) {
      EXPECT_TRUE(it.only_if.starts_with("CONFIG_")) << it.label;
    }
    EXPECT_LT(it.shown_from, it.shown_until) << it.label;
    if (it.required) required.insert(it.label);
  }
  // LXC's script marks exactly these mandatory.
  EXPECT_EQ(required, (std::set<std::string_view>{"Namespaces", "Ipc namespace", "Pid namespace"}));
  EXPECT_EQ(items().size(), 41u);  // 9 + 11 + 12 + 9, the script's items by section
  EXPECT_EQ(items().front().label, "Namespaces");
  EXPECT_EQ(items().back().label, "File capabilities");
}

// ---------------------------------------------------------------------------
// Verdicts

TEST(CheckConfigEvaluate, EnabledMissingRequired) {
  auto c = parse_kernel_config("CONFIG_NAMESPACES=y\nCONFIG_UTS_NS=m\n# CONFIG_IPC_NS is not set\n");
  HostFacts f = hybrid_host();
  EXPECT_EQ(evaluate(item_named("Namespaces"), c, f).verdict, Verdict::Enabled);
  EXPECT_EQ(evaluate(item_named("Utsname namespace"), c, f).verdict, Verdict::Enabled);
  EXPECT_EQ(evaluate(item_named("Ipc namespace"), c, f).verdict, Verdict::Required);
  EXPECT_EQ(evaluate(item_named("Pid namespace"), c, f).verdict, Verdict::Required);
  EXPECT_EQ(evaluate(item_named("Network namespace"), c, f).verdict, Verdict::Missing);
  EXPECT_EQ(verdict_word(Verdict::Required), "required");
}

TEST(CheckConfigEvaluate, ModuleLoadState) {
  auto c = parse_kernel_config("CONFIG_VETH=m\nCONFIG_BRIDGE=y\n");
  HostFacts f = hybrid_host();
  // No /proc/modules: the word alone.
  auto veth = evaluate(item_named("Veth pair device"), c, f);
  EXPECT_EQ(veth.verdict, Verdict::Enabled);
  EXPECT_EQ(veth.detail, "");
  f.modules = parse_proc_modules("veth 36864 0 - Live 0x0\n");
  EXPECT_EQ(evaluate(item_named("Veth pair device"), c, f).detail, ", loaded");
  // As the script, built-in items are asked about too (and are never listed).
  EXPECT_EQ(evaluate(item_named("Bridges"), c, f).detail, ", not loaded");
  // A missing item gets no load state.
  auto vlan = evaluate(item_named("Vlan"), c, f);
  EXPECT_EQ(vlan.verdict, Verdict::Missing);
  EXPECT_EQ(vlan.detail, "");
}

TEST(CheckConfigEvaluate, KernelVersionRules) {
  HostFacts f = hybrid_host();
  const Item& mem = item_named("Cgroup memory controller");
  const Item& devpts = item_named("Multiple /dev/pts instances");
  const Item& nat4 = item_named("CONFIG_NF_NAT_IPV4");
  const Item& caps = item_named("File capabilities");

  auto old = parse_kernel_config("# Linux/x86_64 2.6.32-5-amd64 Kernel Configuration\nCONFIG_CGROUP_MEM_RES_CTLR=y\n");
  EXPECT_EQ(symbol_for(mem, *old.version), "CONFIG_CGROUP_MEM_RES_CTLR");
  EXPECT_EQ(evaluate(mem, old, f).verdict, Verdict::Enabled);
  EXPECT_TRUE(evaluate(devpts, old, f).shown);
  EXPECT_EQ(evaluate(devpts, old, f).verdict, Verdict::Missing);
  EXPECT_FALSE(evaluate(nat4, old, f).shown);
  EXPECT_EQ(evaluate(caps, old, f).verdict, Verdict::Missing);  // configurable before 2.6.33

  auto v35 = parse_kernel_config("# Linux/x86 3.5.7 Kernel Configuration\nCONFIG_MEMCG=y\n");
  EXPECT_EQ(evaluate(mem, v35, f).verdict, Verdict::Missing);
  auto v36 = parse_kernel_config("# Linux/x86 3.6.0 Kernel Configuration\nCONFIG_MEMCG=y\n");
  EXPECT_EQ(evaluate(mem, v36, f).verdict, Verdict::Enabled);
  EXPECT_EQ(evaluate(caps, v36, f).verdict, Verdict::Enabled);  // no symbol needed

  auto v46 = parse_kernel_config("# Linux/x86 4.6.7 Kernel Configuration\n");
  auto v47 = parse_kernel_config("# Linux/x86 4.7.0 Kernel Configuration\nCONFIG_NF_NAT_IPV4=m\n");
  auto v50 = parse_kernel_config("# Linux/x86 5.0.0 Kernel Configuration\n");
  EXPECT_TRUE(evaluate(devpts, v46, f).shown);
  EXPECT_FALSE(evaluate(devpts, v47, f).shown);
  EXPECT_FALSE(evaluate(nat4, v46, f).shown);
  EXPECT_TRUE(evaluate(nat4, v47, f).shown);
  EXPECT_EQ(evaluate(nat4, v47, f).verdict, Verdict::Enabled);
  EXPECT_FALSE(evaluate(nat4, v50, f).shown);
  // Without a version header the latest kernel is assumed.
  EXPECT_FALSE(evaluate(devpts, parse_kernel_config(""), f).shown);
}

TEST(CheckConfigEvaluate, OnlyIf) {
  HostFacts f = hybrid_host();
  const Item& cpuset = item_named("Cgroup cpuset");
  EXPECT_FALSE(evaluate(cpuset, parse_kernel_config("CONFIG_CPUSETS=y\n"), f).shown);
  auto smp = evaluate(cpuset, parse_kernel_config("CONFIG_SMP=y\n"), f);
  EXPECT_TRUE(smp.shown);
  EXPECT_EQ(smp.verdict, Verdict::Missing);
  // newuidmap is asked about only with user namespaces.
  f.helpers["newuidmap"] = Helper::NotInstalled;
  EXPECT_FALSE(evaluate(item_named("newuidmap"), parse_kernel_config(""), f).shown);
}

TEST(CheckConfigEvaluate, IdMapHelpers) {
  auto c = parse_kernel_config("CONFIG_USER_NS=y\n");
  HostFacts f = hybrid_host();
  EXPECT_FALSE(evaluate(item_named("newuidmap"), c, f).shown);
  f.helpers["newuidmap"] = Helper::NotInstalled;
  f.helpers["newgidmap"] = Helper::NotSetuid;
  auto uid = evaluate(item_named("newuidmap"), c, f);
  EXPECT_TRUE(uid.shown);
  EXPECT_EQ(uid.detail, "newuidmap is not installed");
  EXPECT_EQ(evaluate(item_named("newgidmap"), c, f).detail, "Warning: newgidmap is not setuid-root");
}

TEST(CheckConfigEvaluate, CgroupHost) {
  auto c = parse_kernel_config("");
  HostFacts f = hybrid_host();
  const Item& systemd = item_named("Cgroup v1 systemd controller");
  const Item& freezer = item_named("Cgroup v1 freezer controller");
  const Item& clone = item_named("Cgroup v1 clone_children flag");
  EXPECT_EQ(evaluate(item_named("Cgroup namespace"), c, f).verdict, Verdict::Enabled);
  // Present controllers are not printed; clone_children is printed when present.
  EXPECT_FALSE(evaluate(systemd, c, f).shown);
  EXPECT_FALSE(evaluate(freezer, c, f).shown);
  EXPECT_TRUE(evaluate(clone, c, f).shown);

  f.cgroup_v1.erase(f.cgroup_v1.begin() + 1);  // no freezer
  auto fr = evaluate(freezer, c, f);
  EXPECT_TRUE(fr.shown);
  EXPECT_EQ(fr.verdict, Verdict::Missing);

  HostFacts u = unified_host();
  EXPECT_FALSE(evaluate(systemd, c, u).shown);
  EXPECT_FALSE(evaluate(freezer, c, u).shown);
  EXPECT_FALSE(evaluate(clone, c, u).shown);
  // cgroup2 elsewhere too: the v1 checks come back.
  u.cgroup_v2.push_back({"/run/other", {"rw"}});
  EXPECT_TRUE(evaluate(systemd, c, u).shown);

  u.cgroup_ns = false;
  EXPECT_EQ(evaluate(item_named("Cgroup namespace"), c, u).verdict, Verdict::Missing);
}

// ---------------------------------------------------------------------------
// The report, line for line as LXC's script prints it

TEST(CheckConfigReport, FullConfigOnHybridHost) {
  HostFacts f = hybrid_host();
  f.modules = parse_proc_modules("veth 1 0 - Live 0\nxt_comment 1 0 - Live 0\n");
  auto report = build_report(parse_kernel_config(kFullConfig), f, "/usr/bin/lxc-checkconfig");
  EXPECT_FALSE(report.required_missing);
  EXPECT_EQ(render(report, false),
            "\n"
            "--- Namespaces ---\n"
            "Namespaces: enabled\n"
            "Utsname namespace: enabled\n"
            "Ipc namespace: enabled\n"
            "Pid namespace: enabled\n"
            "User namespace: enabled\n"
            "Network namespace: enabled\n"
            "\n"
            "--- Control groups ---\n"
            "Cgroups: enabled\n"
            "Cgroup namespace: enabled\n"
            "Cgroup v1 mount points: \n"
            " - /sys/fs/cgroup/cpu\n"
            " - /sys/fs/cgroup/freezer\n"
            " - /sys/fs/cgroup/systemd\n"
            "Cgroup v2 mount points: \n"
            " - /sys/fs/cgroup/unified\n"
            "Cgroup v1 clone_children flag: enabled\n"
            "Cgroup device: enabled\n"
            "Cgroup sched: enabled\n"
            "Cgroup cpu account: enabled\n"
            "Cgroup memory controller: enabled\n"
            "Cgroup cpuset: enabled\n"
            "\n"
            "--- Misc ---\n"
            "Veth pair device: enabled, loaded\n"
            "Macvlan: enabled, not loaded\n"
            "Vlan: enabled, not loaded\n"
            "Bridges: enabled, not loaded\n"
            "Advanced netfilter: enabled, not loaded\n"
            "CONFIG_IP_NF_TARGET_MASQUERADE: enabled, not loaded\n"
            "CONFIG_IP6_NF_TARGET_MASQUERADE: enabled, not loaded\n"
            "CONFIG_NETFILTER_XT_TARGET_CHECKSUM: enabled, not loaded\n"
            "CONFIG_NETFILTER_XT_MATCH_COMMENT: enabled, loaded\n"
            "FUSE (for use with lxcfs): enabled, not loaded\n"
            "\n"
            "--- Checkpoint/Restore ---\n"
            "checkpoint restore: enabled\n"
            "CONFIG_FHANDLE: enabled\n"
            "CONFIG_EVENTFD: enabled\n"
            "CONFIG_EPOLL: enabled\n"
            "CONFIG_UNIX_DIAG: enabled\n"
            "CONFIG_INET_DIAG: enabled\n"
            "CONFIG_PACKET_DIAG: enabled\n"
            "CONFIG_NETLINK_DIAG: enabled\n"
            "File capabilities: enabled\n"
            "\n"
            "Note : Before booting a new kernel, you can check its configuration\n"
            "usage : CONFIG=/path/to/config /usr/bin/lxc-checkconfig\n"
            "\n");
}

TEST(CheckConfigReport, MissingItemsOnUnifiedHost) {
  HostFacts f = unified_host();
  f.helpers["newuidmap"] = Helper::NotInstalled;
  auto report = build_report(parse_kernel_config("CONFIG_NAMESPACES=y\nCONFIG_USER_NS=y\nCONFIG_SMP=y\n"), f,
                             "lxc-checkconfig");
  EXPECT_TRUE(report.required_missing);
  std::string out = render(report, false);
  EXPECT_TRUE(out.starts_with("WARNING: Unable to detect version from configuration, assuming latest\n\n\n"
                              "--- Namespaces ---\n"
                              "Namespaces: enabled\n"
                              "Utsname namespace: missing\n"
                              "Ipc namespace: required\n"
                              "Pid namespace: required\n"
                              "User namespace: enabled\n"
                              "newuidmap is not installed\n"
                              "Network namespace: missing\n"
                              "\n"
                              "--- Control groups ---\n"
                              "Cgroups: missing\n"
                              "Cgroup namespace: enabled\n"
                              "Cgroup v1 mount points: \n"
                              "Cgroup v2 mount points: \n"
                              " - /sys/fs/cgroup\n"
                              "Cgroup device: missing\n"
                              "Cgroup sched: missing\n"
                              "Cgroup cpu account: missing\n"
                              "Cgroup memory controller: missing\n"
                              "Cgroup cpuset: missing\n"
                              "\n"
                              "--- Misc ---\n"
                              "Veth pair device: missing\n"))
      << out;
  EXPECT_NE(out.find("\nFile capabilities: enabled\n"), std::string::npos);

  // No cgroup2 at /sys/fs/cgroup and no v1 hierarchies: both v1 controllers missing.
  HostFacts none;
  auto r2 = render(build_report(parse_kernel_config(kFullConfig), none, "x"), false);
  EXPECT_NE(r2.find("Cgroup v2 mount points: \n"
                    "Cgroup v1 systemd controller: missing\n"
                    "Cgroup v1 freezer controller: missing\n"
                    "Cgroup device: enabled\n"),
            std::string::npos)
      << r2;
}

TEST(CheckConfigReport, Colors) {
  HostFacts f = hybrid_host();
  auto report = build_report(parse_kernel_config("CONFIG_UTS_NS=y\n"), f, "x");
  std::string out = render(report, true);
  EXPECT_NE(out.find("Namespaces: \033[1;31mrequired\033[0;39m\n"), std::string::npos);
  EXPECT_NE(out.find("Utsname namespace: \033[1;32menabled\033[0;39m\n"), std::string::npos);
  EXPECT_NE(out.find("User namespace: \033[1;33mmissing\033[0;39m\n"), std::string::npos);
  EXPECT_EQ(render(report, false).find('\033'), std::string::npos);
}

}  // namespace
}  // namespace lxc::checkconfig
