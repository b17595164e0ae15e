#include "templates/lazy_lib.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

namespace lxc::templates::lib {
namespace {

std::mutex mu;
std::map<std::string, void*>& handles() {
  static std::map<std::string, void*> h;
  return h;
}

}  // namespace

Result<void> require(const char* soname, std::string_view purpose) {
  std::lock_guard lock(mu);
  if (handles().contains(soname)) return {};
  void* h = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* err = ::dlerror();
    return fail(ENOENT,
                std::string(soname) + " is needed " + std::string(purpose) + " (" + (err ? err : "not found") + ")");
  }
  handles()[soname] = h;
  return {};
}

void* symbol(const char* soname, const char* name) {
  void* h = nullptr;
  {
    std::lock_guard lock(mu);
    auto it = handles().find(soname);
    if (it != handles().end()) h = it->second;
  }
  void* p = h ? ::dlsym(h, name) : nullptr;
  if (!p) {
    std::fprintf(stderr, "lxcpp: %s: no symbol %s (library not loaded or of the wrong version)\n", soname, name);
    std::abort();
  }
  return p;
}

}  // namespace lxc::templates::lib
