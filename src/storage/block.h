// Block devices for the loop and lvm backends: attaching an image file to a
// free loop device, finding the filesystem on a device and mounting it.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace lxc::storage {

struct LoopDevice {
  UniqueFd fd;       // the attached /dev/loopN, open
  std::string path;  // "/dev/loop3"
};

// Attaches file to a free loop device (LOOP_CTL_GET_FREE, LOOP_CONFIGURE)
// with autoclear: the kernel detaches it when the last user (the mount, once
// fd is closed) goes away, so nothing is left when the mount ends.
Result<LoopDevice> attach_loop(const std::string& file, bool read_only);

// The filesystem type found in the superblock of a device or image file
// ("ext4", "btrfs", "xfs", "squashfs"), or "" when none is recognised.
std::string probe_fstype(int fd);

// Mounts the filesystem of dev on target; fstype "" probes it, and when
// probing finds nothing, tries the block filesystems of /proc/filesystems in
// turn (as LXC does).
Result<void> mount_block(const std::string& dev, int dev_fd, const std::string& target, unsigned long flags,
                         const std::string& data);

// The size of a block device or regular file (BLKGETSIZE64 or st_size).
Result<uint64_t> device_size(const std::string& path);

// Makes a filesystem: "mkfs -t FSTYPE PATH" (as LXC).
Result<void> make_filesystem(const std::string& path, const std::string& fstype);

}  // namespace lxc::storage
