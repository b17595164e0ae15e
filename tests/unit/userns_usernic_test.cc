// lxc-user-nic's bookkeeping: lxc-usernet(5) grants, used in file order, and
// the /run/lxc/nics database.
#include <gtest/gtest.h>

#include "usernic/quota.h"

namespace lxc::usernic {
namespace {

constexpr const char* kUsernet =
    "# user type bridge count\n"
    "alice veth lxcbr0 1\n"
    "@staff veth lxcbr0 2\n"
    "alice veth br1 3\n"
    "bob veth lxcbr0 x\n"
    "malformed line\n"
    "\n"
    "@other veth lxcbr0 5\n";

TEST(UsernsUsernic, ParseUsernet) {
  auto g = parse_usernet(kUsernet);
  ASSERT_EQ(g.size(), 4u);
  EXPECT_EQ(g[0].owner, "alice");
  EXPECT_EQ(g[0].count, 1);
  EXPECT_EQ(g[1].owner, "@staff");
  EXPECT_EQ(g[2].bridge, "br1");
  EXPECT_EQ(g[3].owner, "@other");
}

TEST(UsernsUsernic, GrantsInFileOrder) {
  auto all = parse_usernet(kUsernet);
  auto g = grants_for(all, "alice", {"alice", "staff"}, "veth", "lxcbr0");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].owner, "alice");
  EXPECT_EQ(g[1].owner, "@staff");
  EXPECT_TRUE(grants_for(all, "carol", {"carol"}, "veth", "lxcbr0").empty());
  EXPECT_EQ(grants_for(all, "carol", {"carol", "staff"}, "veth", "lxcbr0").size(), 1u);
  EXPECT_TRUE(grants_for(all, "alice", {"alice"}, "macvlan", "lxcbr0").empty());
}

TEST(UsernsUsernic, QuotaFillsLineByLine) {
  auto g = grants_for(parse_usernet(kUsernet), "alice", {"staff"}, "veth", "lxcbr0");
  std::vector<DbEntry> db;
  for (const char* want : {"alice", "@staff", "@staff"}) {
    auto owner = pick_owner(g, db);
    ASSERT_TRUE(owner) << want;
    EXPECT_EQ(*owner, want);
    db.push_back({*owner, "veth", "lxcbr0", "veth" + std::to_string(db.size())});
  }
  EXPECT_FALSE(pick_owner(g, db));
  // Another bridge's entries do not count.
  std::vector<DbEntry> other{{"alice", "veth", "br1", "vethx"}};
  EXPECT_EQ(pick_owner(g, other), "alice");
}

TEST(UsernsUsernic, DatabaseRoundTripAndCull) {
  std::vector<DbEntry> db{{"alice", "veth", "lxcbr0", "veth1_ab"}, {"@staff", "veth", "lxcbr0", "veth2_cd"}};
  std::string text = format_db(db);
  EXPECT_EQ(text, "alice veth lxcbr0 veth1_ab\n@staff veth lxcbr0 veth2_cd\n");
  EXPECT_EQ(parse_db(text + "garbage\n"), db);
  auto live = cull(db, [](const std::string& nic) { return nic == "veth2_cd"; });
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].nic, "veth2_cd");
}

}  // namespace
}  // namespace lxc::usernic
