// The pure parts of the local and download templates: LXC's config rewrite,
// metadata file lookup, placeholders, index parsing and listing, URLs,
// expiry, exclude patterns, id shifting, option parsing, the progress line.
#include <gtest/gtest.h>

#include "templates/archive.h"
#include "templates/download.h"
#include "templates/http.h"
#include "templates/image.h"
#include "templates/local.h"
#include "templates/signature.h"
#include "templates/template_args.h"

namespace lxc::templates {
namespace {

TEST(TemplateImage, ConfigLayoutAsLxcDownload) {
  std::string initial =
      "# a comment from default.conf\n"
      "lxc.net.0.type = veth\n"
      "lxc.net.0.link = lxcbr0\n"
      "lxc.apparmor.profile = generated\n"
      "lxc.rootfs.path = dir:/var/lib/lxc/c1/rootfs\n";
  EXPECT_EQ(image_config(initial, "lxc.include = LXC_TEMPLATE_CONFIG/debian.common.conf\nlxc.arch = linux64", true,
                         "c1", "/var/lib/lxc/c1"),
            "# a comment from default.conf\n"
            "\n# Distribution configuration\n"
            "lxc.include = LXC_TEMPLATE_CONFIG/debian.common.conf\nlxc.arch = linux64\n"
            "\n# Container specific configuration\n"
            "lxc.apparmor.profile = generated\n"
            "lxc.rootfs.path = dir:/var/lib/lxc/c1/rootfs\n"
            "lxc.mount.fstab = /var/lib/lxc/c1/fstab\n"
            "lxc.uts.name = c1\n"
            "\n# Network configuration\n"
            "lxc.net.0.type = veth\nlxc.net.0.link = lxcbr0\n");
}

TEST(TemplateImage, ConfigWithoutNetworkOrFstab) {
  EXPECT_EQ(image_config("lxc.rootfs.path = dir:/p/c/rootfs\n", "", false, "c", "/p/c"),
            "\n# Distribution configuration\n"
            "\n# Container specific configuration\n"
            "lxc.rootfs.path = dir:/p/c/rootfs\n"
            "lxc.uts.name = c\n");
}

TEST(TemplateImage, RelevantFileModeThenCompat) {
  ImageMeta m;
  m.files = {{"config", "a"},      {"config-user", "b"},  {"excludes-user", "x"}, {"templates.5", "t5"},
             {"fstab-user", "f0"}, {"fstab-user.7", "f"}, {"hosts-user.7", "h"}};
  m.mode = "user";
  m.compat = 7;
  EXPECT_EQ(*m.find("config"), "b");
  EXPECT_EQ(*m.find("excludes"), "x");
  EXPECT_EQ(*m.find("fstab"), "f");
  EXPECT_EQ(m.find("hosts"), nullptr);      // as LXC: the compat variant only of an existing mode variant
  EXPECT_EQ(m.find("templates"), nullptr);  // templates.5 is for compat level 5 only
  EXPECT_EQ(m.find("create-message"), nullptr);
  m.mode = "system";
  EXPECT_EQ(*m.find("config"), "a");
  EXPECT_EQ(m.find("excludes"), nullptr);
  m.compat = 5;
  EXPECT_EQ(*m.find("templates"), "t5");
}

TEST(TemplateImage, PlaceholdersInLxcOrder) {
  Placeholders p{"c1", "/var/lib/lxc/c1", "/var/lib/lxc/c1/rootfs"};
  EXPECT_EQ(fill_placeholders("LXC_NAME LXC_PATH LXC_ROOTFS LXC_TEMPLATE_CONFIG LXC_HOOK_DIR LXC_NAME", p),
            "c1 /var/lib/lxc/c1 /var/lib/lxc/c1/rootfs " + std::string(kLxcTemplateConfig) + " " +
                std::string(kLxcHookDir) + " c1");
  EXPECT_EQ(fill_placeholders("no placeholders", p), "no placeholders");
}

TEST(TemplateImage, ListLines) {
  EXPECT_EQ(list_lines("dev/*\r\n\n  \netc/hostname\n"), (std::vector<std::string>{"dev/*", "etc/hostname"}));
}

TEST(TemplateImage, LocalDefaultConfig) {
  std::string c = local_default_config(false);
  EXPECT_NE(c.find("lxc.mount.auto = cgroup:mixed proc:mixed sys:mixed\n"), std::string::npos);
  EXPECT_NE(c.find("lxc.cgroup2.devices.allow = c 136:* rwm\n"), std::string::npos);
  EXPECT_NE(local_default_config(true).find("lxc.include = LXC_TEMPLATE_CONFIG/common.conf\n"), std::string::npos);
}

TEST(TemplateDownload, ParseIndex) {
  auto e = parse_index(
      "debian;bookworm;amd64;default;20240101_05:24;/images/debian/bookworm/amd64/default/20240101_05:24/\n"
      "alpine;3.19;amd64;default;;/images/x\n"
      "broken;line\n"
      "ubuntu;jammy;arm64;cloud;20240102;/images/u;extra\r\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].dist, "debian");
  EXPECT_EQ(e[0].build, "20240101_05:24");
  EXPECT_EQ(e[0].path, "/images/debian/bookworm/amd64/default/20240101_05:24/");
  EXPECT_EQ(e[1].variant, "cloud");
  EXPECT_EQ(e[1].path, "/images/u;extra");  // read -r puts the rest into the last field
}

TEST(TemplateDownload, Table) {
  auto e = parse_index("a;1;amd64;default;b1;/p\na;2;amd64;cloud;b2;/q\nb;1;arm64;default;b3;/r\n");
  EXPECT_EQ(image_table(e, {"", "", "", "default"}),
            "---\nDIST\tRELEASE\tARCH\tVARIANT\tBUILD\n---\na\t1\tamd64\tdefault\tb1\nb\t1\tarm64\tdefault\tb3\n---\n");
  EXPECT_EQ(image_table(e, {"a", "", "", ""}),
            "---\nDIST\tRELEASE\tARCH\tVARIANT\tBUILD\n---\na\t1\tamd64\tdefault\tb1\na\t2\tamd64\tcloud\tb2\n---\n");
}

TEST(TemplateDownload, Urls) {
  EXPECT_EQ(server_url("images.linuxcontainers.org"), "https://images.linuxcontainers.org");
  EXPECT_EQ(server_url("http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
  EXPECT_EQ(join_url("https://h", "/images/d/r/a/v/b/", "rootfs.tar.xz"), "https://h/images/d/r/a/v/b/rootfs.tar.xz");
  EXPECT_EQ(join_url("https://h/", "meta/1.0", "index-system"), "https://h/meta/1.0/index-system");
}

TEST(TemplateDownload, ExpiryAndFields) {
  EXPECT_TRUE(cache_expired("100\n", 200));
  EXPECT_FALSE(cache_expired("300\n", 200));
  EXPECT_TRUE(cache_expired("garbage", 200));
  EXPECT_TRUE(valid_image_field("bookworm"));
  EXPECT_FALSE(valid_image_field(".."));
  EXPECT_FALSE(valid_image_field("a/b"));
  EXPECT_FALSE(valid_image_field(""));
}

TEST(TemplateArchive, ExcludePatterns) {
  EXPECT_TRUE(exclude_matches("dev/*", "./dev/null"));
  EXPECT_TRUE(exclude_matches("./dev/*", "dev/pts/0"));
  EXPECT_TRUE(exclude_matches("dev", "./dev/null"));  // a match excludes what is below
  EXPECT_FALSE(exclude_matches("dev/*", "./dev"));
  EXPECT_FALSE(exclude_matches("dev", "./devices"));
  EXPECT_TRUE(exclude_matches("*.log", "./var/log/x.log"));  // '*' matches '/' as tar's does
  EXPECT_FALSE(exclude_matches("etc", "./var/etc"));         // anchored
}

TEST(TemplateArchive, NormalizeMember) {
  EXPECT_EQ(normalize_member("/etc/passwd"), "etc/passwd");
  EXPECT_EQ(normalize_member("./etc"), "./etc");
  EXPECT_EQ(normalize_member("./"), "");
  EXPECT_EQ(normalize_member("."), "");
}

TEST(TemplateArchive, MapIds) {
  std::vector<config::IdMap> m = {{'u', 0, 100000, 65536}, {'g', 0, 200000, 65536}};
  EXPECT_EQ(map_id(m, 'u', 0), 100000u);
  EXPECT_EQ(map_id(m, 'u', 1000), 101000u);
  EXPECT_EQ(map_id(m, 'g', 5), 200005u);
  EXPECT_FALSE(map_id(m, 'u', 65536).has_value());
}

TEST(TemplateArgs, GetoptLike) {
  constexpr TemplateOption opts[] = {{"dist", 'd', true}, {"no-dev", 0, false}};
  auto a = parse_template_args({"--path=/p", "--name=n", "-d", "debian", "--no-dev", "x", "--", "-z"}, opts);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->get("dist"), "debian");
  EXPECT_EQ(a->get("path"), "/p");
  EXPECT_TRUE(a->has("no-dev"));
  EXPECT_FALSE(a->help);
  EXPECT_EQ(parse_template_args({"-ddebian"}, opts)->get("dist"), "debian");
  EXPECT_FALSE(parse_template_args({"--bogus"}, opts));
  EXPECT_FALSE(parse_template_args({"--dist"}, opts));
  EXPECT_FALSE(parse_template_args({"--no-dev=1"}, opts));
  EXPECT_TRUE(parse_template_args({"-h"}, opts)->help);
}

TEST(TemplateHttp, ProgressLine) {
  EXPECT_EQ(progress_line("rootfs.tar.xz", 512, 1024, 10), "rootfs.tar.xz  50% [=====>    ] 512 B / 1.0 KiB");
  EXPECT_EQ(progress_line("m", 3 << 20, 3 << 20, 4), "m 100% [====] 3.0 MiB / 3.0 MiB");
}

TEST(TemplateSignature, KeyMatches) {
  EXPECT_TRUE(key_matches("0123456789ABCDEF0123456789ABCDEF01234567", "0x89abcdef01234567"));
  EXPECT_TRUE(
      key_matches("0123456789ABCDEF0123456789ABCDEF01234567", "0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567"));
  EXPECT_FALSE(key_matches("0123456789ABCDEF0123456789ABCDEF01234567", "1111111111111111"));
  EXPECT_FALSE(key_matches("0123", ""));
}

}  // namespace
}  // namespace lxc::templates
