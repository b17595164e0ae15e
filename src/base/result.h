// Result<T>: an expected-like value type for everything under src/.
// Code between clone() and execve() must not unwind, and callers branch on
// errno, so failures travel as values (see STYLE.md section 2).
#pragma once

#include <cerrno>
#include <expected>
#include <string>
#include <string_view>

namespace lxc {

struct Error {
  int code = 0;      // errno value; 0 when no syscall failed
  std::string what;  // outer context first
};

// Builds an Error from the current errno.
Error sys_error(std::string_view op);
// Builds an Error with an explicit errno value (0 for a logic error).
Error make_error(int code, std::string what);
// Prepends "ctx: " to the message.
Error with_context(Error e, std::string_view ctx);
// "what: strerror(code)" (or just what when code is 0).
std::string describe(const Error& e);

template <class T>
using Result = std::expected<T, Error>;
using std::unexpected;

inline std::unexpected<Error> fail(int code, std::string what) {
  return std::unexpected(make_error(code, std::move(what)));
}
inline std::unexpected<Error> fail_sys(std::string_view op) {
  return std::unexpected(sys_error(op));
}

}  // namespace lxc
