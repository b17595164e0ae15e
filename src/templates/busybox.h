// The busybox template, built in: the rootfs and config lines of LXC's
// lxc-busybox script (lxc-templates 3.0.4), made without running a shell.
// busybox comes from the host and must be statically linked; the applet links
// come from one "busybox --list".
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "templates/template.h"

namespace lxc::templates {

// The path LXC writes in the config header for this template.
inline constexpr std::string_view kBusyboxScriptPath = "/usr/share/lxc/templates/lxc-busybox";

std::unique_ptr<Template> busybox_template();

// --- The pure parts, for the unit tests. ---

// An ELF executable without a program interpreter (PT_INTERP) runs without
// the host's libraries. ENOEXEC for something that is not ELF.
Result<bool> is_static_elf(std::string_view bytes);

// The applet names of "busybox --list": one per line; "busybox" itself and
// anything that is not a plain file name are dropped.
std::vector<std::string> parse_applet_list(std::string_view list_output);

// Where this busybox's udhcpc looks for its event script by default: the
// compiled-in path found in the binary (Debian: /etc/udhcpc/default.script),
// else busybox's upstream default /usr/share/udhcpc/default.script.
std::string udhcpc_default_script(std::string_view binary);

// The config lines the template appends. host_dir tells whether a host
// directory (/lib, /usr/lib, /lib64, /usr/lib64) exists: those get read-only
// bind mounts, as in the script.
std::string busybox_config_lines(std::string_view name, const std::function<bool(const std::string&)>& host_dir);

struct BusyboxArgs {
  std::string name, path, rootfs;
  std::string busybox_path;  // empty: look "busybox" up in PATH
  std::string mapped_uid, mapped_gid;
  bool help = false;
};
// The script's options (getopt -o hp:n: -l help,rootfs:,path:,name:,
// mapped-uid:,mapped-gid:,busybox-path:); a later option wins, so the user's
// --rootfs overrides LXC's as it does for the script.
Result<BusyboxArgs> parse_busybox_args(const std::vector<std::string>& args);

}  // namespace lxc::templates
