#include "usernic/quota.h"

#include <algorithm>

#include "base/strings.h"

namespace lxc::usernic {

std::vector<Grant> parse_usernet(std::string_view text) {
  std::vector<Grant> out;
  for (const auto& raw : split(text, "\n")) {
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    auto f = split(line, " \t");
    if (f.size() != 4) continue;
    auto n = parse_i64(f[3]);
    if (!n || *n < 0) continue;
    out.push_back({f[0], f[1], f[2], static_cast<long>(*n)});
  }
  return out;
}

std::vector<Grant> grants_for(const std::vector<Grant>& all, std::string_view user,
                              const std::vector<std::string>& groups, std::string_view type, std::string_view bridge) {
  std::vector<Grant> out;
  for (const auto& g : all) {
    if (g.type != type || g.bridge != bridge) continue;
    bool mine = g.owner.starts_with('@') ? std::find(groups.begin(), groups.end(), g.owner.substr(1)) != groups.end()
                                         : g.owner == user;
    if (mine) out.push_back(g);
  }
  return out;
}

std::vector<DbEntry> parse_db(std::string_view text) {
  std::vector<DbEntry> out;
  for (const auto& raw : split(text, "\n")) {
    auto f = split(trim(raw), " \t");
    if (f.size() != 4) continue;
    out.push_back({f[0], f[1], f[2], f[3]});
  }
  return out;
}

std::string format_db(const std::vector<DbEntry>& entries) {
  std::string out;
  for (const auto& e : entries) out += e.owner + " " + e.type + " " + e.bridge + " " + e.nic + "\n";
  return out;
}

std::optional<std::string> pick_owner(const std::vector<Grant>& grants, const std::vector<DbEntry>& db) {
  for (const auto& g : grants) {
    long used = std::count_if(db.begin(), db.end(), [&](const DbEntry& e) {
      return e.owner == g.owner && e.type == g.type && e.bridge == g.bridge;
    });
    if (used < g.count) return g.owner;
  }
  return std::nullopt;
}

std::vector<DbEntry> cull(std::vector<DbEntry> db, const std::function<bool(const std::string&)>& exists) {
  std::erase_if(db, [&](const DbEntry& e) { return !exists(e.nic); });
  return db;
}

}  // namespace lxc::usernic
