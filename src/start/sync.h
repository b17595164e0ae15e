// The start protocol between the monitor and the container's first process,
// over a socketpair. Declaration order is protocol order. The last step has
// no message: the child's end is O_CLOEXEC, so EOF after Go means execve
// succeeded; an Error message means the child failed and says why.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"

namespace lxc::start {

enum class SyncStep : uint8_t {
  ChildCloned = 1,   // child -> monitor: the namespaces exist
  Continue = 2,      // monitor -> child: id maps written, in the cgroups, interfaces moved in
  RootfsReady = 3,   // child -> monitor: mounts and pivot_root done
  Go = 4,            // monitor -> child: limits applied; exec the init
  Error = 0xff,      // child -> monitor: errno and a message follow
};

const char* step_name(SyncStep s);

Result<void> send_step(int sock, SyncStep step);
// Sends an Error message carrying e (used by the child before _exit).
void send_error(int sock, const Error& e);
// Waits for step. An Error message from the peer comes back as that Error;
// EOF or another step is a protocol error that names what was expected.
Result<void> expect_step(int sock, SyncStep step);
// After Go: EOF (exec succeeded) or the child's Error.
Result<void> expect_exec(int sock);

}  // namespace lxc::start
