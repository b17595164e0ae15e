#include "base/memory.h"

#include <malloc.h>
#include <sys/mman.h>

#include <array>
#include <cstdio>
#include <cstring>

namespace lxc {

unsigned long drop_code_pages() {
  // The ranges are collected first and dropped last, in one tight loop:
  // whatever code runs after a drop maps its pages back in (and the kernel
  // maps 64 KiB around each fault), so as little as possible runs after it.
  struct Range {
    unsigned long start, end, rss_kb;
  };
  std::array<Range, 64> ranges{};
  size_t n = 0;
  // smaps, not maps: a mapping is dropped only when "Anonymous: 0 kB" shows
  // that every resident page of it is still the file's.
  std::FILE* f = std::fopen("/proc/self/smaps", "re");
  if (!f) return 0;
  unsigned long start = 0, end = 0, rss = 0;
  bool code = false;
  char line[8192];  // a header line with its path; longer ones cannot be code of ours
  while (std::fgets(line, sizeof line, f)) {
    unsigned long a = 0, b = 0, kb = 0;
    char perms[5] = {};
    if (std::sscanf(line, "%lx-%lx %4s", &a, &b, perms) == 3) {
      // A mapping's header: a file's private, read-only pages, code or
      // constants (a path, not [vdso] or an anonymous region). Relocated
      // read-only data (RELRO) has pages of its own and is kept.
      start = a;
      end = b;
      rss = 0;
      code = (std::strcmp(perms, "r-xp") == 0 || std::strcmp(perms, "r--p") == 0) && std::strchr(line, '/') != nullptr;
    } else if (std::sscanf(line, "Rss: %lu kB", &kb) == 1) {
      rss = kb;
    } else if (std::sscanf(line, "Anonymous: %lu kB", &kb) == 1) {
      if (code && kb == 0 && rss > 0 && end > start && n < ranges.size()) ranges[n++] = {start, end, rss};
      code = false;
    }
  }
  std::fclose(f);
  ::malloc_trim(0);
  unsigned long dropped = 0;
  for (size_t i = 0; i < n; ++i)
    if (::madvise(reinterpret_cast<void*>(ranges[i].start), ranges[i].end - ranges[i].start, MADV_DONTNEED) == 0)
      dropped += ranges[i].rss_kb * 1024;
  return dropped;
}

}  // namespace lxc
