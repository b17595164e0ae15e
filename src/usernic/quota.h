// lxc-user-nic's bookkeeping, as lxc-usernet(5) and lxc-user-nic(1) say:
//
// /etc/lxc/lxc-usernet: "user type bridge count" or "@group type bridge
// count" lines grant a user (or the members of a group) `count` interfaces of
// `type` (veth) on `bridge`. Several lines may apply; they are used in file
// order, the next one when the quota of one is full.
//
// /run/lxc/nics: one line per interface made, "owner type bridge nic", where
// owner is the name of the lxc-usernet line the interface counts against
// ("alice" or "@group") and nic the host side of the veth pair. Lines whose
// interface is gone are dropped on the next create.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lxc::usernic {

inline constexpr const char* kUsernetFile = "/etc/lxc/lxc-usernet";
inline constexpr const char* kDbFile = "/run/lxc/nics";

struct Grant {
  std::string owner;  // "alice" or "@group"
  std::string type;
  std::string bridge;
  long count = 0;
};

struct DbEntry {
  std::string owner;
  std::string type;
  std::string bridge;
  std::string nic;
  bool operator==(const DbEntry&) const = default;
};

// The lines of lxc-usernet; comments, blank and malformed lines are skipped.
std::vector<Grant> parse_usernet(std::string_view text);

// The grants that apply to `user` (a member of `groups`) for type and bridge,
// in file order.
std::vector<Grant> grants_for(const std::vector<Grant>& all, std::string_view user,
                              const std::vector<std::string>& groups, std::string_view type, std::string_view bridge);

std::vector<DbEntry> parse_db(std::string_view text);
std::string format_db(const std::vector<DbEntry>& entries);

// The owner the next interface counts against: the first applicable grant
// whose quota the database does not fill yet; nullopt when all are full.
std::optional<std::string> pick_owner(const std::vector<Grant>& grants, const std::vector<DbEntry>& db);

// Drops the entries whose interface `exists` says is gone.
std::vector<DbEntry> cull(std::vector<DbEntry> db, const std::function<bool(const std::string&)>& exists);

}  // namespace lxc::usernic
