// base/memory.h: dropping the clean code pages of this very process (the
// test binary) returns them, keeps what the process wrote, and everything
// keeps running: the code maps itself back in on the next call.
#include "base/memory.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace lxc {
namespace {

unsigned long rss_kb() {
  std::ifstream f("/proc/self/smaps_rollup");
  std::string key;
  unsigned long kb = 0;
  while (f >> key) {
    if (key == "Rss:") {
      f >> kb;
      return kb;
    }
  }
  return 0;
}

// Written data in a writable mapping; must survive the drop.
std::vector<int> g_written(4096, 7);

TEST(Memory, DropCodePagesShrinksTheResidentSetAndKeepsData) {
  const unsigned long before = rss_kb();
  ASSERT_GT(before, 0u);
  const unsigned long dropped = drop_code_pages();
  EXPECT_GT(dropped, 0u) << "this process has code and read-only data resident";
  EXPECT_LT(rss_kb(), before);
  for (int v : g_written) ASSERT_EQ(v, 7);
  // Code runs again (maps back in): a second drop works as the first.
  EXPECT_GT(drop_code_pages(), 0u);
  std::string s = "still " + std::to_string(42);
  EXPECT_EQ(s, "still 42");
}

}  // namespace
}  // namespace lxc
