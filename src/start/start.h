// Starting a container: the monitor side (start.cc, monitor.cc) and the
// container side (child.cc, init.cc). The tools reach this through
// api::Container::start / execute.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "config/config_file.h"

namespace lxc::start {

struct StartOptions {
  std::vector<std::string> argv;  // the init command; empty: lxc.init.cmd, else /sbin/init
  bool daemonize = true;          // -d (the default) / -F
  bool execute = false;           // lxc-execute: lxcpp's init runs argv as its child, stdio inherited
  std::string console_path;       // -c: where the console goes instead of the monitor's stdio
  std::string console_log;        // -L
  bool close_fds = false;         // -C
  std::string pidfile;            // -p
  // --share-net/--share-ipc/--share-uts/--share-pid: namespace name -> NAME or PID
  std::map<std::string, std::string> share;
  // lxc.ephemeral: called by the monitor once the container has stopped
  // for good (api::Container::start sets it to destroy the container).
  std::function<void()> on_ephemeral_stop;
};

// Starts the container named name in lxcpath with cfg.
// Daemonized: returns 0 once the container is RUNNING (the monitor goes on in
// a child process), or the error that stopped it.
// Foreground (and execute): this process is the monitor; returns the exit
// status of the container's init (of the command for execute), shell-style
// (128 + signal when killed).
Result<int> start(const std::string& name, const std::string& lxcpath, config::ConfigFile cfg,
                  const StartOptions& opts);

}  // namespace lxc::start
