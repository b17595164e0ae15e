#include "api/console_access.h"

#include "commands/commands.h"

namespace lxc::api {

using commands::Cmd;

namespace {

Error not_running(const Container& c) { return no_monitor_error(c); }

}  // namespace

Result<ConsoleTty> open_console(const Container& c, int tty) {
  // Not commands::call(): this connection must outlive the answer.
  auto fd = commands::connect(c.lxcpath(), c.name());
  if (!fd) return unexpected(not_running(c));
  commands::RequestHeader h{static_cast<uint32_t>(Cmd::Console), 0, tty};
  if (!commands::write_all(fd->get(), &h, sizeof h)) return unexpected(not_running(c));
  commands::ResponseHeader rh;
  auto master = commands::recv_fd(fd->get(), &rh, sizeof rh);
  if (!master) return unexpected(not_running(c));
  std::string text(std::min<uint32_t>(rh.datalen, commands::kMaxData), '\0');
  if (!text.empty() && !commands::read_all(fd->get(), text.data(), text.size())) return unexpected(not_running(c));
  if (rh.ret < 0) return fail(-rh.ret, text.empty() ? "tty " + std::to_string(tty) : text);
  if (!*master) return fail(EPROTO, "the monitor passed no pty for tty " + std::to_string(rh.ret));
  return ConsoleTty{std::move(*master), rh.ret, std::move(*fd)};
}

Result<std::string> console_log(const Container& c, bool clear) {
  auto r = commands::call(c.lxcpath(), c.name(), Cmd::ConsoleLog, clear ? 1 : 0);
  if (!r) return unexpected(not_running(c));
  if (r->ret < 0) return fail(-r->ret, r->data);
  return std::move(r->data);
}

Result<UniqueFd> subscribe_state(const Container& c) {
  auto fd = commands::connect(c.lxcpath(), c.name());
  if (!fd) return fail(ESRCH, c.name() + " is not running");
  commands::RequestHeader h{static_cast<uint32_t>(Cmd::AddStateClient), 0, 0};
  if (auto r = commands::write_all(fd->get(), &h, sizeof h); !r) return fail(ESRCH, c.name() + " is not running");
  return std::move(*fd);
}

Result<State> read_state_change(int fd) {
  commands::ResponseHeader h;
  if (!commands::read_all(fd, &h, sizeof h)) return fail(EPIPE, "the monitor went away");
  if (h.ret < 0) return fail(-h.ret, "state subscription refused");
  return static_cast<State>(h.ret);
}

}  // namespace lxc::api
