// lxc-snapshot: create, list, restore and destroy snapshots (lxc-snapshot(1)).
#include <cstdio>

#include "api/snapshot.h"
#include "base/file.h"
#include "log/log.h"
#include "tools/args.h"
#include "tools/tools.h"

namespace lxc::tools {
namespace {

constexpr log::Logger kLog("lxc_snapshot");

enum class Task { Snap, List, Restore, Destroy };

int list(const api::Container& c, bool comments) {
  auto snaps = api::list_snapshots(c);
  if (!snaps) {
    kLog.error("Error listing snapshots");
    return 1;
  }
  if (snaps->empty()) {
    std::printf("No snapshots\n");
    return 0;
  }
  for (const auto& s : *snaps) {
    std::printf("%s (%s) %s\n", s.name.c_str(), s.lxcpath.c_str(), s.timestamp.c_str());
    if (comments && !s.comment_path.empty())
      if (auto text = read_file(s.comment_path)) std::fwrite(text->data(), 1, text->size(), stdout);
  }
  return 0;
}

}  // namespace

int lxc_snapshot_main(int argc, char** argv) {
  Task task = Task::Snap;
  std::string snapname, newname, commentfile;
  bool show_comments = false;
  ToolSpec spec{
      .prog = "lxc-snapshot",
      .usage = "--name=NAME [-P lxcpath] [-L [-C]] [-c commentfile] [-r snapname [-N newname]]",
      .description = "lxc-snapshot snapshots a container",
      .options_help =
          "  -L, --list             list all snapshots\n"
          "  -r, --restore=NAME     restore snapshot NAME, e.g. 'snap0'\n"
          "  -N, --newname=NEWNAME  NEWNAME for the restored container\n"
          "  -d, --destroy=NAME     destroy snapshot NAME, e.g. 'snap0'\n"
          "                         use ALL to destroy all snapshots\n"
          "  -c, --comment=FILE     add FILE as a comment\n"
          "  -C, --showcomments     show snapshot comments\n"
          "  --rcfile=FILE          Load configuration file FILE\n",
      .short_opts = "Lr:N:d:c:C",
      .long_opts = {{"list", no_argument, nullptr, 'L'},
                    {"restore", required_argument, nullptr, 'r'},
                    {"newname", required_argument, nullptr, 'N'},
                    {"destroy", required_argument, nullptr, 'd'},
                    {"comment", required_argument, nullptr, 'c'},
                    {"showcomments", no_argument, nullptr, 'C'}},
  };
  spec.on_option = [&](int opt, const char* arg) {
    switch (opt) {
      case 'L': task = Task::List; return true;
      case 'r': task = Task::Restore; snapname = arg; return true;
      case 'N': newname = arg; return true;
      case 'd': task = Task::Destroy; snapname = arg; return true;
      case 'c': commentfile = arg; return true;
      case 'C': show_comments = true; return true;
    }
    return false;
  };
  CommonArgs args;
  if (int rc = parse_args(argc, argv, spec, args); rc >= 0) return rc;
  if (!setup_logging(args, spec.prog)) return 1;

  api::Container c(args.name, args.lxcpath());
  if (!c.is_defined() && task != Task::Destroy) {
    kLog.error("Container {} is not defined", c.name());
    return 1;
  }
  switch (task) {
    case Task::List: return list(c, show_comments);
    case Task::Restore: {
      // The new name may also be the last argument.
      if (newname.empty() && args.rest.size() > 1) {
        kLog.error("Too many arguments");
        return 1;
      }
      if (newname.empty() && args.rest.size() == 1) newname = args.rest[0];
      if (auto r = api::restore_snapshot(c, snapname, newname); !r) {
        kLog.error("{}", describe(r.error()));
        kLog.error("Error restoring snapshot {}", snapname);
        return 1;
      }
      return 0;
    }
    case Task::Destroy:
      if (auto r = api::destroy_snapshot(c, snapname); !r) {
        kLog.error("{}", describe(r.error()));
        kLog.error("Error destroying snapshot {}", snapname);
        return 1;
      }
      return 0;
    case Task::Snap:
      if (auto r = api::snapshot(c, commentfile); !r) {
        kLog.error("{}", describe(r.error()));
        kLog.error("Error creating a snapshot");
        return 1;
      }
      return 0;
  }
  return 1;
}

}  // namespace lxc::tools
