// The "dir" backing store: the rootfs is a plain directory, by default
// LXCPATH/NAME/rootfs, or the one given with --dir. lxc.rootfs.path gets
// "dir:PATH".
#pragma once

#include "storage/backend.h"

namespace lxc::storage {

class DirBackend final : public Backend {
 public:
  std::string_view type() const override { return "dir"; }
  bool owns(std::string_view src) const override;
  Result<Rootfs> create(const std::string& dest, std::string_view name, const Spec& spec) const override;
  Result<void> check_destroy(std::string_view src) const override;
  Result<void> destroy(std::string_view src) const override;
};

}  // namespace lxc::storage
