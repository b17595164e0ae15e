// Result<T>: an expected-like value type for everything under src/.
// Code between clone() and execve() must not unwind, and callers branch on
// errno, so failures travel as values (see STYLE.md section 2).
#pragma once

#include <cerrno>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
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

// std::expected is not usable with every compiler the project builds with
// (clang 14, used for the fuzzers, lacks it with libstdc++ 12), so Result is
// a small type with the same API; it can become an alias of std::expected.
template <class E>
class unexpected {
 public:
  explicit unexpected(E e) : e_(std::move(e)) {}
  E& error() & { return e_; }
  const E& error() const& { return e_; }
  E&& error() && { return std::move(e_); }

 private:
  E e_;
};
template <class E>
unexpected(E) -> unexpected<E>;

template <class T, class E>
class Expected {
 public:
  using value_type = T;
  using error_type = E;
  Expected() requires std::is_default_constructible_v<T> : v_(std::in_place_index<0>) {}
  template <class U = T>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::remove_cvref_t<U>, Expected> &&
             !std::is_same_v<std::remove_cvref_t<U>, unexpected<E>>)
  Expected(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}
  template <class G>
  Expected(const unexpected<G>& u) : v_(std::in_place_index<1>, u.error()) {}
  template <class G>
  Expected(unexpected<G>&& u) : v_(std::in_place_index<1>, std::move(u).error()) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  T&& operator*() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  E& error() & { return std::get<1>(v_); }
  const E& error() const& { return std::get<1>(v_); }
  E&& error() && { return std::get<1>(std::move(v_)); }
  template <class U>
  T value_or(U&& d) const& { return has_value() ? value() : static_cast<T>(std::forward<U>(d)); }

 private:
  std::variant<T, E> v_;
};

template <class E>
class Expected<void, E> {
 public:
  using value_type = void;
  using error_type = E;
  Expected() = default;
  template <class G>
  Expected(const unexpected<G>& u) : e_(u.error()) {}
  template <class G>
  Expected(unexpected<G>&& u) : e_(std::move(u).error()) {}
  bool has_value() const noexcept { return !e_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const {}
  E& error() & { return *e_; }
  const E& error() const& { return *e_; }
  E&& error() && { return std::move(*e_); }

 private:
  std::optional<E> e_;
};

template <class T>
using Result = Expected<T, Error>;

inline unexpected<Error> fail(int code, std::string what) { return unexpected(make_error(code, std::move(what))); }
inline unexpected<Error> fail_sys(std::string_view op) { return unexpected(sys_error(op)); }

}  // namespace lxc
