// The built-in busybox template: static-ELF check, applet list, udhcpc script
// path, argument parsing, config lines; and, when the host has a static
// busybox, a rootfs built in a temporary directory.
#include <elf.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "base/file.h"
#include "templates/busybox.h"

namespace lxc::templates {
namespace {

namespace fs = std::filesystem;

std::string elf64(bool with_interp) {
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_type = ET_EXEC;
  eh.e_phoff = sizeof eh;
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = 2;
  Elf64_Phdr ph[2]{};
  ph[0].p_type = PT_LOAD;
  ph[1].p_type = with_interp ? PT_INTERP : PT_NOTE;
  std::string out(reinterpret_cast<const char*>(&eh), sizeof eh);
  out.append(reinterpret_cast<const char*>(ph), sizeof ph);
  return out;
}

std::string elf32_static() {
  Elf32_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS32;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_phoff = sizeof eh;
  eh.e_phentsize = sizeof(Elf32_Phdr);
  eh.e_phnum = 1;
  Elf32_Phdr ph{};
  ph.p_type = PT_LOAD;
  std::string out(reinterpret_cast<const char*>(&eh), sizeof eh);
  out.append(reinterpret_cast<const char*>(&ph), sizeof ph);
  return out;
}

TEST(CreateBusybox, StaticElf) {
  auto s = is_static_elf(elf64(false));
  ASSERT_TRUE(s);
  EXPECT_TRUE(*s);
  auto d = is_static_elf(elf64(true));
  ASSERT_TRUE(d);
  EXPECT_FALSE(*d);
  auto s32 = is_static_elf(elf32_static());
  ASSERT_TRUE(s32);
  EXPECT_TRUE(*s32);
  EXPECT_FALSE(is_static_elf("#!/bin/sh\necho hi\n"));
  std::string truncated = elf64(false);
  truncated.resize(sizeof(Elf64_Ehdr) + 10);
  EXPECT_FALSE(is_static_elf(truncated));
}

TEST(CreateBusybox, AppletList) {
  auto a = parse_applet_list("[\n[[\nash\nbusybox\n\nsh\n  ls  \nsbin/init\n");
  EXPECT_EQ(a, (std::vector<std::string>{"[", "[[", "ash", "sh", "ls"}));
  EXPECT_TRUE(parse_applet_list("").empty());
}

TEST(CreateBusybox, UdhcpcScriptPath) {
  using namespace std::string_literals;
  EXPECT_EQ(udhcpc_default_script("junk\0/etc/udhcpc/default.script\0more"s), "/etc/udhcpc/default.script");
  EXPECT_EQ(udhcpc_default_script("x\0/usr/share/udhcpc/default.script\0"s), "/usr/share/udhcpc/default.script");
  // Not NUL-terminated, or not udhcpc's: the upstream default.
  EXPECT_EQ(udhcpc_default_script("/etc/udhcpc/default.scriptX\0"s), "/usr/share/udhcpc/default.script");
  EXPECT_EQ(udhcpc_default_script("\0/etc/other/default.script\0"s), "/usr/share/udhcpc/default.script");
  EXPECT_EQ(udhcpc_default_script(""), "/usr/share/udhcpc/default.script");
}

TEST(CreateBusybox, ConfigLinesAsTheScript) {
  auto lines = busybox_config_lines("c1", [](const std::string& d) { return d == "/lib" || d == "/usr/lib"; });
  EXPECT_EQ(lines,
            "lxc.signal.halt = SIGUSR1\n"
            "lxc.signal.reboot = SIGTERM\n"
            "lxc.uts.name = \"c1\"\n"
            "lxc.autodev = 1\n"
            "lxc.tty.max = 5\n"
            "lxc.pty.max = 1\n"
            "lxc.cap.drop = sys_module mac_admin mac_override sys_time\n"
            "\n"
            "# When using LXC with apparmor, uncomment the next line to run unconfined:\n"
            "#lxc.apparmor.profile = unconfined\n"
            "\n"
            "lxc.mount.auto = cgroup:mixed proc:mixed sys:ro\n"
            "lxc.mount.entry = shm dev/shm tmpfs defaults,create=dir 0 0\n"
            "lxc.mount.entry = mqueue dev/mqueue mqueue defaults,optional,create=dir 0 0\n"
            "lxc.mount.entry = /lib lib none ro,bind 0 0\n"
            "lxc.mount.entry = /usr/lib usr/lib none ro,bind 0 0\n"
            "lxc.mount.entry = /sys/kernel/security sys/kernel/security none ro,bind,optional 0 0\n");
}

TEST(CreateBusybox, Arguments) {
  auto a = parse_busybox_args({"--path=/l/c1", "--name=c1", "--rootfs=/l/c1/rootfs", "--busybox-path", "/opt/bb"});
  ASSERT_TRUE(a) << a.error().what;
  EXPECT_EQ(a->path, "/l/c1");
  EXPECT_EQ(a->name, "c1");
  EXPECT_EQ(a->rootfs, "/l/c1/rootfs");
  EXPECT_EQ(a->busybox_path, "/opt/bb");
  EXPECT_FALSE(a->help);
  // A later option wins, short forms work, operands are ignored.
  a = parse_busybox_args({"--name=c1", "-n", "c2", "-p/x", "operand", "--rootfs", "/r2"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, "c2");
  EXPECT_EQ(a->path, "/x");
  EXPECT_EQ(a->rootfs, "/r2");
  a = parse_busybox_args({"--name=c1", "-h"});
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->help);
  EXPECT_FALSE(parse_busybox_args({"--bogus"}));
  EXPECT_FALSE(parse_busybox_args({"--rootfs"}));
  a = parse_busybox_args({"--", "--bogus"});
  EXPECT_TRUE(a);
}

TEST(CreateBusybox, BuildsARootfs) {
  auto bytes = read_file("/bin/busybox");
  if (!bytes || !is_static_elf(*bytes).value_or(false)) GTEST_SKIP() << "no static /bin/busybox";
  auto tmp = fs::temp_directory_path() / ("lxcpp-bb-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp / "rootfs");
  Request req{"c1", tmp.string(), (tmp / "rootfs").string(), {"--busybox-path", "/bin/busybox"}, true};
  auto lines = busybox_template()->run(req);
  ASSERT_TRUE(lines) << describe(lines.error());
  EXPECT_NE(lines->find("lxc.uts.name = \"c1\"\n"), std::string::npos);
  auto root = tmp / "rootfs";
  EXPECT_TRUE(fs::is_regular_file(root / "bin/busybox"));
  EXPECT_EQ(fs::read_symlink(root / "bin/sh"), "busybox");
  EXPECT_EQ(fs::hard_link_count(root / "sbin/init"), 2u);
  size_t links = 0;
  for (auto& e : fs::directory_iterator(root / "bin")) links += e.is_symlink();
  EXPECT_GT(links, 100u);
  struct stat st {};
  ASSERT_EQ(::stat((root / "tmp").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 01777u);
  ASSERT_EQ(::stat((root / "etc/init.d/rcS").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0744u);
  EXPECT_EQ(read_file((root / "etc/passwd").string()).value_or(""), "root:x:0:0:root:/root:/bin/sh\n");
  EXPECT_NE(
      read_file((root / "etc/inittab").string()).value_or("").find("tty1::respawn:/bin/getty -L tty1 115200 vt100\n"),
      std::string::npos);
  fs::remove_all(tmp);
}

TEST(CreateBusybox, RefusesADynamicBusybox) {
  auto tmp = fs::temp_directory_path() / ("lxcpp-bbdyn-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp / "rootfs");
  std::string fake = (tmp / "busybox").string();
  ASSERT_TRUE(write_file_atomic(fake, elf64(true), 0755));
  Request req{"c1", tmp.string(), (tmp / "rootfs").string(), {"--busybox-path", fake}, true};
  auto r = busybox_template()->run(req);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("dynamically linked"), std::string::npos) << r.error().what;
  EXPECT_TRUE(fs::is_empty(tmp / "rootfs")) << "nothing is written before the checks pass";
  fs::remove_all(tmp);
}

}  // namespace
}  // namespace lxc::templates
