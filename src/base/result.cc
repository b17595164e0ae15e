#include "base/result.h"

#include <cstring>

namespace lxc {

Error sys_error(std::string_view op) {
  int saved = errno;
  return Error{saved, std::string(op)};
}

Error make_error(int code, std::string what) { return Error{code, std::move(what)}; }

Error with_context(Error e, std::string_view ctx) {
  e.what = std::string(ctx) + ": " + e.what;
  return e;
}

std::string describe(const Error& e) {
  if (e.code == 0) return e.what;
  return e.what + ": " + std::strerror(e.code);
}

}  // namespace lxc
