// The config text lxc-create writes: header, base config (default.conf or -f)
// kept line by line with hwaddr placeholders filled, rootfs line, template
// lines; and the whole of it loads.
#include "api/create_config.h"

#include <gtest/gtest.h>

#include <regex>

#include "config/config_file.h"
#include "templates/busybox.h"
#include "templates/image.h"

namespace lxc::api {
namespace {

std::string fixed_fill(std::string_view v) {
  std::string out(v);
  for (char& c : out)
    if (c == 'x' || c == 'X') c = 'a';
  return out;
}

TEST(CreateConfig, HeaderWithoutArguments) {
  EXPECT_EQ(config_header("/usr/share/lxc/templates/lxc-busybox", {}),
            "# Template used to create this container: /usr/share/lxc/templates/lxc-busybox\n"
            "# Parameters passed to the template:\n"
            "# For additional config options, please look at lxc.container.conf(5)\n"
            "\n"
            "# Uncomment the following line to support nesting containers:\n"
            "#lxc.include = " + std::string(templates::kLxcTemplateConfig) + "/nesting.conf\n"
            "# (Be aware this has security implications)\n"
            "\n");
}

TEST(CreateConfig, HeaderArgumentsJoinedBySpaces) {
  // As LXC: each argument after a space, unquoted.
  std::string h = config_header("/t", {"-a", "b c", "--x=y"});
  EXPECT_NE(h.find("\n# Parameters passed to the template: -a b c --x=y\n"), std::string::npos);
  EXPECT_EQ(h.rfind("# Template used to create this container: /t\n", 0), 0u);
}

TEST(CreateConfig, HwaddrLines) {
  EXPECT_TRUE(is_hwaddr_line("lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx"));
  EXPECT_TRUE(is_hwaddr_line("  lxc.net.12.hwaddr=xx:xx:xx:xx:xx:xx"));
  EXPECT_TRUE(is_hwaddr_line("lxc.network.hwaddr = 00:16:3e:xx:xx:xx"));
  EXPECT_TRUE(is_hwaddr_line("lxc.network.1.hwaddr = 00:16:3e:xx:xx:xx"));
  EXPECT_FALSE(is_hwaddr_line("#lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx"));
  EXPECT_FALSE(is_hwaddr_line("lxc.net.0.link = xx"));
  EXPECT_FALSE(is_hwaddr_line("lxc.net.a.hwaddr = xx"));
  EXPECT_FALSE(is_hwaddr_line("lxc.net.0.hwaddrx = xx"));
  EXPECT_FALSE(is_hwaddr_line("lxc.net.0.hwaddr"));
}

TEST(CreateConfig, FillKeepsTheLineAsWritten) {
  EXPECT_EQ(fill_hwaddr_line("lxc.net.0.hwaddr = 00:16:3e:xX:xx:xx", fixed_fill),
            "lxc.net.0.hwaddr = 00:16:3e:aa:aa:aa");
  EXPECT_EQ(fill_hwaddr_line("  lxc.net.1.hwaddr=xx:16:3e:00:00:01  ", fixed_fill),
            "  lxc.net.1.hwaddr=aa:16:3e:00:00:01  ");
  EXPECT_EQ(fill_hwaddr_line("#lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx", fixed_fill),
            "#lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx");
  EXPECT_EQ(fill_hwaddr_line("lxc.net.0.link = xxbr", fixed_fill), "lxc.net.0.link = xxbr");
}

TEST(CreateConfig, RandomFillGivesHexDigits) {
  std::string line = fill_hwaddr_line("lxc.net.0.hwaddr = xx:16:3e:xx:xx:xx", {});
  std::smatch m;
  ASSERT_TRUE(std::regex_match(
      line, m, std::regex("lxc\\.net\\.0\\.hwaddr = ([0-9a-f]{2}):16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}")))
      << line;
  int first = std::stoi(m[1].str(), nullptr, 16);
  EXPECT_EQ(first & 1, 0) << "a random first octet stays unicast";
  // Two fills differ (48 random bits; a collision is not a realistic event).
  EXPECT_NE(fill_hwaddr_line("lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx", {}),
            fill_hwaddr_line("lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx", {}));
}

TEST(CreateConfig, BaseTextAsLxcSavesIt) {
  std::string in =
      "lxc.net.0.type=veth\n"
      "\n"
      "   lxc.net.0.link =  br0   \n"
      "\t# tab comment\n"
      "   \t \n"
      "lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx\n"
      "#lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx\n"
      "lxc.include = /nowhere.conf\n"
      "lxc.uts.name = \"q\"";  // no final newline
  EXPECT_EQ(base_config_text(in, fixed_fill),
            "lxc.net.0.type=veth\n"
            "   lxc.net.0.link =  br0   \n"
            "\t# tab comment\n"
            "lxc.net.0.hwaddr = 00:16:3e:aa:aa:aa\n"
            "#lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx\n"
            "lxc.include = /nowhere.conf\n"
            "lxc.uts.name = \"q\"\n");
  EXPECT_EQ(base_config_text("", fixed_fill), "");
}

TEST(CreateConfig, AssembleOrder) {
  std::string text = assemble_config("# H\n\n", "lxc.arch = x86_64\n", "dir:/l/c1/rootfs", "lxc.tty.max = 5\n");
  EXPECT_EQ(text, "# H\n\nlxc.arch = x86_64\nlxc.rootfs.path = dir:/l/c1/rootfs\nlxc.tty.max = 5\n");
  EXPECT_EQ(assemble_config("", "a = b\n", "", ""), "a = b\n");
}

TEST(CreateConfig, BusyboxConfigLoads) {
  std::string base = base_config_text(
      "lxc.net.0.type = veth\nlxc.net.0.link = lxcbr0\nlxc.net.0.flags = up\nlxc.net.0.hwaddr = 00:16:3e:xx:xx:xx\n");
  std::string lines = templates::busybox_config_lines("c1", [](const std::string&) { return true; });
  std::string text =
      assemble_config(config_header(templates::kBusyboxScriptPath, {}), base, "dir:/var/lib/lxc/c1/rootfs", lines);
  auto cfg = config::ConfigFile::from_text(text, "/var/lib/lxc/c1/config");
  ASSERT_TRUE(cfg) << describe(cfg.error());
  EXPECT_EQ(cfg->get_item("lxc.uts.name").value_or(""), "c1");
  EXPECT_EQ(cfg->conf().rootfs_path, "dir:/var/lib/lxc/c1/rootfs");
  EXPECT_EQ(cfg->get_item("lxc.tty.max").value_or(""), "5");
  EXPECT_EQ(cfg->get_item("lxc.net.0.hwaddr").value_or("").find('x'), std::string::npos);
}

}  // namespace
}  // namespace lxc::api
