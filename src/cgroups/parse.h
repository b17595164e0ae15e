// Pure text parsers for the cgroup module: /proc/self/mountinfo,
// /proc/PID/cgroup, the stat files lxc-info reads, cpu lists. They take file
// contents as strings so that the unit tests can feed canned hosts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lxc::cgroups {

// One line of /proc/PID/cgroup: "4:memory:/user.slice" or "0::/init.scope".
struct ProcCgroupLine {
  std::string id;                        // hierarchy id; "0" for cgroup2
  std::vector<std::string> controllers;  // "cpu","cpuacct" or "name=systemd"; empty for cgroup2
  std::string path;                      // absolute within the hierarchy: "/" or "/user.slice"
};
std::vector<ProcCgroupLine> parse_proc_cgroup(std::string_view text);

// A cgroup or cgroup2 mount from /proc/self/mountinfo.
struct CgroupMount {
  int version = 1;                   // 1: fstype "cgroup", 2: "cgroup2"
  std::string mountpoint;            // unescaped ("\040" is a space)
  std::string root;                  // the mount's root within the hierarchy, usually "/"
  std::vector<std::string> options;  // super options: "rw", "cpu", "cpuacct", "name=systemd", ...
};
std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo);

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(std::string_view s);
// The inverse, also used by the serialized cgroup paths.
std::string escape_octal(std::string_view s);

// Stats files. nullopt when the value is not there.
std::optional<uint64_t> parse_u64_value(std::string_view text);          // "123\n"
std::optional<uint64_t> parse_keyed(std::string_view text, std::string_view key);  // "usage_usec 5\n..."
std::optional<uint64_t> parse_blkio_total(std::string_view text);       // blkio.throttle.io_service_bytes "Total N"
std::optional<uint64_t> parse_io_stat_bytes(std::string_view text);     // io.stat: sum of rbytes= and wbytes=
// blkio.throttle.io_service_bytes / io_serviced: the sum of the "MAJ:MIN OP N"
// lines of one OP ("Read", "Write"), over every device.
std::optional<uint64_t> parse_blkio_op(std::string_view text, std::string_view op);
// io.stat: the sum of KEY=N ("rbytes", "wios") over every device.
std::optional<uint64_t> parse_io_stat_field(std::string_view text, std::string_view key);

// cpu lists as in cpuset.cpus and /sys/devices/system/cpu/isolated: "0-3,8,10-11".
// nullopt on a malformed list; an empty or blank text is an empty set.
std::optional<std::vector<bool>> parse_cpulist(std::string_view text);
std::string format_cpulist(const std::vector<bool>& cpus);

}  // namespace lxc::cgroups
