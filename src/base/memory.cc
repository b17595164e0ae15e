#include "base/memory.h"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdio>
#include <cstring>

namespace lxc {

unsigned long drop_code_pages() {
  // smaps, not maps: a mapping is dropped only when "Anonymous: 0 kB" shows
  // that every resident page of it is still the file's.
  std::FILE* f = std::fopen("/proc/self/smaps", "re");
  if (!f) return 0;
  unsigned long dropped = 0;
  unsigned long start = 0, end = 0, rss = 0;
  bool code = false;
  char line[8192];  // a header line with its path; longer ones cannot be code of ours
  auto flush = [&](unsigned long anonymous) {
    if (code && anonymous == 0 && end > start) {
      if (::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED) == 0) dropped += rss * 1024;
    }
    code = false;
  };
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
      flush(kb);
    }
  }
  std::fclose(f);
  ::malloc_trim(0);
  return dropped;
}

}  // namespace lxc
