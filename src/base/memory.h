// Memory a long-running process can give back once it is done with its
// start-up: the monitor, once its container runs, needs little of the code
// that configured it (config parser, rootfs setup, cgroup and network set-up).
#pragma once

namespace lxc {

// Drops this process's page-table entries for its code and constants: every
// private, read-only, file-backed mapping (the program's and the shared
// libraries' text and read-only data) that has no page of its own (no
// breakpoint a debugger wrote, nothing relocated). The pages stay in the
// page cache, shared with every other process that maps them; the next use
// maps them again (a minor fault), as after the kernel reclaimed them under
// memory pressure. Also returns free heap memory to the kernel. Returns the
// number of bytes that were resident in the dropped mappings.
unsigned long drop_code_pages();

}  // namespace lxc
