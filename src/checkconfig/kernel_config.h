// The kernel-config checker behind lxc-checkconfig: where the kernel config
// is, how it is read (plain or gzip), the items LXC checks (one table, as
// data), what the host adds (cgroup mounts, loaded modules, newuidmap) and
// the report built from all that. Everything but the readers is pure, so the
// verdicts are unit-tested on small config texts; the tool only prints.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace lxc::checkconfig {

// ---------------------------------------------------------------------------
// The kernel config text

struct KernelVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  auto operator<=>(const KernelVersion&) const = default;
};
// What LXC's script assumes when the config has no version header.
inline constexpr KernelVersion kLatestKernel{100, 0, 0};

struct KernelConfig {
  // CONFIG_FOO -> "y", "m", "64", "\"text\""...; "# CONFIG_FOO is not set" -> "n".
  std::map<std::string, std::string, std::less<>> values;
  // From "# Linux/x86 6.1.0 Kernel Configuration"; nullopt without that line.
  std::optional<KernelVersion> version;

  // Built in (y) or a module (m).
  bool is_set(std::string_view symbol) const;
  bool is_module(std::string_view symbol) const;
  KernelVersion effective_version() const { return version.value_or(kLatestKernel); }
};

KernelConfig parse_kernel_config(std::string_view text);
// Parses the version of a "# Linux... Kernel Configuration" header line.
std::optional<KernelVersion> parse_config_version(std::string_view header_line);

// Reads a kernel config, gzip-compressed (/proc/config.gz) or plain. The
// error names the file: "unable to read kernel configuration PATH" (with
// errno) or "unable to decompress kernel configuration PATH: <zlib reason>".
Result<std::string> read_kernel_config(const std::string& path, size_t max_bytes = 64u << 20);

// ---------------------------------------------------------------------------
// Where the config is

inline constexpr std::string_view kProcConfig = "/proc/config.gz";

struct ConfigLocation {
  std::string path;        // empty when no config was found
  bool from_env = false;   // $CONFIG named it; it is used as is, without a search
  bool searched = false;   // /proc/config.gz was missing and the fallbacks were tried
};

// $CONFIG when set and non-empty; else /proc/config.gz; else (as LXC's
// script, which lets the second win) /boot/config-RELEASE, then
// /lib/modules/RELEASE/build/.config. is_file answers "is a regular file".
// Unlike LXC's script, a $CONFIG that does not exist is not replaced by a
// search: the caller reports it, so that checking a given file never checks
// another one silently.
ConfigLocation locate_kernel_config(const char* env_config, std::string_view kernel_release,
                                    const std::function<bool(const std::string&)>& is_file);
// The fallbacks tried after /proc/config.gz, in order.
std::vector<std::string> fallback_config_paths(std::string_view kernel_release);

// uname -r.
std::string kernel_release();
// True when modules.dep (text) lists a module file for modname
// ("kernel/kernel/configs.ko.xz: ..."); '-' and '_' are the same in module names.
bool modules_dep_has(std::string_view modules_dep_text, std::string_view modname);
// True when /lib/modules/RELEASE/modules.dep lists modname (the script asks
// `modinfo -n`): then "Try modprobe configs module" is worth printing.
bool module_available(std::string_view kernel_release, std::string_view modname);

// ---------------------------------------------------------------------------
// What the running host adds

enum class Helper : uint8_t { NotInstalled, NotSetuid, Ok };

struct CgroupMount {
  std::string path;                  // mount point, unescaped
  std::vector<std::string> options;  // super options: "rw", "freezer", "name=systemd"
};

struct HostFacts {
  bool cgroup_ns = false;                                     // /proc/self/ns/cgroup exists
  std::optional<std::set<std::string, std::less<>>> modules;  // /proc/modules; nullopt when absent
  std::vector<CgroupMount> cgroup_v1;                         // in mount order
  std::vector<CgroupMount> cgroup_v2;
  bool clone_children = false;                  // the first v1 mount has cgroup.clone_children
  std::map<std::string, Helper, std::less<>> helpers;  // newuidmap, newgidmap
  bool lxc_start_on_path = false;
};

// /proc/self/mountinfo -> the cgroup (v1) and cgroup2 mounts.
void parse_cgroup_mounts(std::string_view mountinfo, std::vector<CgroupMount>& v1, std::vector<CgroupMount>& v2);
// /proc/modules -> the names of the loaded modules.
std::set<std::string, std::less<>> parse_proc_modules(std::string_view text);
// Gathers the facts from /proc, /sys/fs/cgroup and $PATH. Never fails: what
// cannot be read counts as absent, as in LXC's script.
HostFacts read_host_facts(const char* path_env);

// ---------------------------------------------------------------------------
// The items

enum class Section : uint8_t { Namespaces, ControlGroups, Misc, CheckpointRestore };
std::string_view section_heading(Section s);  // "--- Namespaces ---"

enum class Kind : uint8_t {
  Config,               // symbol is y or m
  Module,               // as Config, plus ", loaded"/", not loaded" when /proc/modules exists
  IdMapHelper,          // probe (newuidmap) is installed setuid-root; only problems are printed
  CgroupNamespace,      // the running kernel has /proc/self/ns/cgroup
  CgroupMounts,         // lists the cgroup v1 and v2 mount points
  CgroupV1Controller,   // a v1 hierarchy with option probe is mounted; printed only when missing,
                        // and not at all when cgroup2 alone is mounted at /sys/fs/cgroup
  CgroupCloneChildren,  // the first v1 mount has cgroup.clone_children; printed only when it does
};

inline constexpr KernelVersion kNoKernel{};             // "since the beginning"
inline constexpr KernelVersion kNeverKernel{999, 0, 0};  // "until forever"

struct Item {
  Section section;
  std::string_view label;   // printed as "label: verdict"
  Kind kind = Kind::Config;
  std::string_view symbol = {};
  bool required = false;    // missing prints "required" and makes the exit status 1
  std::string_view probe = {};     // Module: name in /proc/modules; CgroupV1Controller: mount
                                   // option; IdMapHelper: program
  std::string_view only_if = {};   // shown only when this symbol is set
  KernelVersion shown_from = kNoKernel;       // shown only on kernels in [shown_from, shown_until)
  KernelVersion shown_until = kNeverKernel;
  std::string_view old_symbol = {};           // checked instead of symbol before renamed_in
  KernelVersion renamed_in = kNoKernel;
  KernelVersion builtin_from = kNeverKernel;  // from this kernel on the feature is always there
};

// Every item of LXC 5.0's lxc-checkconfig, in its order.
std::span<const Item> items();

enum class Verdict : uint8_t { Enabled, Missing, Required };  // Required: missing and required
std::string_view verdict_word(Verdict v);                      // "enabled", "missing", "required"

struct Evaluation {
  bool shown = true;
  Verdict verdict = Verdict::Missing;
  std::string detail;  // after the word: ", loaded"; for IdMapHelper the whole message
};

// The symbol an item checks on a kernel (old_symbol before renamed_in).
std::string_view symbol_for(const Item& item, KernelVersion kernel);
// Evaluates one item (not CgroupMounts, which has no verdict).
Evaluation evaluate(const Item& item, const KernelConfig& config, const HostFacts& facts);

// ---------------------------------------------------------------------------
// The report

enum class Tone : uint8_t { Plain, Success, Failure, Warning };

struct Line {
  std::string text;  // all of a plain line; for an item "label: "
  std::string word;  // the coloured verdict, empty for plain lines
  Tone tone = Tone::Plain;
  std::string tail;  // after the word: ", loaded"
};

struct Report {
  std::vector<Line> lines;
  bool required_missing = false;  // some required item printed "required"
};

// The whole report, from the version warning (config without a version
// header) to the closing note that names program.
Report build_report(const KernelConfig& config, const HostFacts& facts, std::string_view program);
// The text, with ANSI colours (as LXC's script: only when stdout is a terminal).
std::string render(const Report& report, bool color);

}  // namespace lxc::checkconfig
