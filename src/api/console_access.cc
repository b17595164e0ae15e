#include "api/console_access.h"

#include "commands/commands.h"

namespace lxc::api {

using commands::Cmd;

Result<ConsoleTty> open_console(const Container& c, int tty) {
  auto r = commands::call(c.lxcpath(), c.name(), Cmd::Console, tty);
  if (!r) {
    if (r.error().code == ECONNREFUSED || r.error().code == ENOENT) return fail(ESRCH, c.name() + " is not running");
    return unexpected(r.error());
  }
  if (r->ret < 0) return fail(-r->ret, r->data.empty() ? "tty " + std::to_string(tty) : r->data);
  if (!r->fd) return fail(EPROTO, "the monitor passed no pty for tty " + std::to_string(r->ret));
  return ConsoleTty{std::move(r->fd), r->ret};
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
