#include "templates/local.h"

#include <cstdio>

#include "base/file.h"
#include "log/log.h"
#include "templates/archive.h"
#include "templates/image.h"
#include "templates/template_args.h"

namespace lxc::templates {
namespace {

constexpr log::Logger kLog("templates");

constexpr TemplateOption kOptions[] = {
    {"metadata", 'm', true},
    {"fstree", 'f', true},
    {"no-dev", 0, false},
};

void print_usage() {
  std::printf(
      "LXC container image importer (lxcpp's built-in local template)\n\n"
      "Special arguments:\n"
      "[ -h | --help ]: Print this help message and exit.\n"
      "[ -f | --fstree <file> ]: The rootfs tarball (tar, optionally gz, xz, zst, bz2, lz4 compressed).\n"
      "[ -m | --metadata <file> ]: The image metadata tarball (config, fstab, excludes, templates,\n"
      "                            create-message); optional.\n"
      "[ --no-dev ]: Do not extract what the tarball has below /dev.\n\n"
      "LXC internal arguments (do not pass manually!):\n"
      "[ --name <name> ]: The container name\n"
      "[ --path <path> ]: The path to the container\n"
      "[ --rootfs <rootfs> ]: The path to the container's rootfs\n"
      "[ --mapped-uid <map> ]: A uid map (user namespaces)\n"
      "[ --mapped-gid <map> ]: A gid map (user namespaces)\n");
  std::fflush(stdout);
}

class LocalTemplate final : public Template {
 public:
  const std::string& path() const override { return path_; }
  bool appends_to_config_file() const override { return true; }
  void print_help() const override { print_usage(); }

  Result<std::string> run(const Request& req) const override {
    auto a = parse_builtin_args(req.args, kOptions, req.quiet, "local", print_usage);
    if (!a) return unexpected(a.error());
    std::string fstree = a->get("fstree");
    if (fstree.empty()) return fail(EINVAL, "local template: --fstree FILE is required (the rootfs tarball)");
    if (!path_exists(fstree)) return fail(ENOENT, "local template: " + fstree);

    ImageMeta meta;
    meta.mode = image_mode(req.idmap);
    meta.compat = 5;
    if (a->has("metadata")) {
      auto files = read_archive_files(a->get("metadata"));
      if (!files) return unexpected(with_context(files.error(), "local template: Invalid metadata file"));
      meta.files = std::move(*files);
    }
    ExtractOptions eo;
    if (const std::string* ex = meta.find("excludes")) eo.excludes = list_lines(*ex);
    eo.no_dev = a->has("no-dev");
    eo.idmap = req.idmap;
    if (!req.quiet) {
      std::printf("Unpacking the rootfs\n");
      std::fflush(stdout);
    }
    auto st = extract_tarball(fstree, req.rootfs, eo);
    if (!st) return unexpected(with_context(st.error(), "local template: cannot unpack " + fstree));

    const std::string* config = meta.find("config");
    std::string dist =
        config ? *config : local_default_config(path_exists(std::string(kLxcTemplateConfig) + "/common.conf"));
    if (!config) kLog.info("local template: no config in the image metadata; using lxcpp's defaults");
    if (auto r = install_image(req, meta, dist); !r) return unexpected(with_context(r.error(), "local template"));
    return std::string();
  }

 private:
  std::string path_{kLocalScriptPath};
};

}  // namespace

std::unique_ptr<Template> local_template() { return std::make_unique<LocalTemplate>(); }

std::string local_default_config(bool have_common_conf) {
  std::string out = "# No image config: lxcpp's defaults for a full distribution\n";
  if (have_common_conf) return out + "lxc.include = LXC_TEMPLATE_CONFIG/common.conf\n";
  out +=
      "lxc.mount.auto = cgroup:mixed proc:mixed sys:mixed\n"
      "lxc.autodev = 1\n"
      "lxc.pty.max = 1024\n"
      "lxc.tty.max = 4\n"
      "lxc.cap.drop = mac_admin mac_override sys_time sys_module sys_rawio\n"
      "lxc.mount.entry = /sys/fs/fuse/connections sys/fs/fuse/connections none bind,optional 0 0\n";
  // Only the harmless devices (null, zero, full, tty, console, ptmx, random,
  // urandom, ptys, fuse); others can be created but not opened.
  for (const char* key : {"lxc.cgroup.devices", "lxc.cgroup2.devices"}) {
    out += std::string(key) + ".deny = a\n";
    for (const char* rule : {"c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 5:0 rwm", "c 5:1 rwm",
                             "c 5:2 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 136:* rwm", "c 10:229 rwm"})
      out += std::string(key) + ".allow = " + rule + "\n";
  }
  return out;
}

}  // namespace lxc::templates
