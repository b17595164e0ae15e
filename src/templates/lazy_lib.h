// libarchive, libcurl and gpgme, loaded when a template first needs them.
// Linked normally they would be loaded by every lxc-* command (the tools are
// one binary): about fifty shared objects (TLS, Kerberos, LDAP, ICU ...)
// and some 1.5 ms more for each start of lxc-info or lxc-attach. Calls go
// through lib::NAME(...), a function pointer of NAME's own type looked up
// once; callers first check lib::require(), which names a missing library.
#pragma once

#include <string>

#include "base/result.h"

namespace lxc::templates::lib {

inline constexpr const char* kArchive = "libarchive.so.13";
inline constexpr const char* kCurl = "libcurl.so.4";
inline constexpr const char* kGpgme = "libgpgme.so.11";

// Loads the library (once); what it is for goes into the error.
Result<void> require(const char* soname, std::string_view purpose);
// The symbol of a loaded library; a missing one is fatal (a wrong library).
void* symbol(const char* soname, const char* name);

}  // namespace lxc::templates::lib

// Declares lib::fn with the signature of the C function ::fn.
#define LXCPP_LAZY(soname, fn)                                                                           \
  namespace lxc::templates::lib {                                                                        \
  template <class... A>                                                                                  \
  inline auto fn(A... a) {                                                                               \
    static const auto p = reinterpret_cast<decltype(&::fn)>(::lxc::templates::lib::symbol(soname, #fn)); \
    return p(a...);                                                                                      \
  }                                                                                                      \
  }
