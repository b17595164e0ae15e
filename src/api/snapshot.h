// Snapshots of a container (lxc-snapshot): clones named snap0, snap1...
// in LXCPATH/NAME/snaps (or, when the LXC 1.0 directory LXCPATHsnaps exists,
// LXCPATHsnaps/NAME), each with a "ts" file holding its creation time and an
// optional "comment" file.
#pragma once

#include <string>
#include <vector>

#include "api/container.h"
#include "base/result.h"

namespace lxc::api {

struct SnapshotInfo {
  std::string name;       // "snap0"
  std::string lxcpath;    // the snapshot directory it lives in
  std::string timestamp;  // "2026:11:29 12:00:00"
  std::string comment_path;  // "" when it has no comment
};

// Where c's snapshots live.
std::string snapshot_dir(const Container& c);

// Makes the next snapN (LXC's flags: same storage type, name and MAC kept; a
// copy when the storage cannot snapshot, e.g. dir). comment_file, when
// given, is copied in as its comment. Returns the snapshot's name.
Result<std::string> snapshot(const Container& c, const std::string& comment_file = {});

// The snapshots, in snapN order.
Result<std::vector<SnapshotInfo>> list_snapshots(const Container& c);

// Makes new_name ("" = c's own name, which replaces c: c is destroyed
// first, its snapshots kept) from snapshot snap.
Result<void> restore_snapshot(const Container& c, const std::string& snap, const std::string& new_name = {});

// Destroys one snapshot, or every one for "ALL".
Result<void> destroy_snapshot(const Container& c, const std::string& snap);

}  // namespace lxc::api
