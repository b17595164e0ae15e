#include "start/sync.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "commands/commands.h"

namespace lxc::start {
namespace {

struct Message {
  uint8_t step;
  int32_t err;
  uint32_t len;
} __attribute__((packed));

// Reads one message; nullopt-like EOF is reported as ECONNRESET with eof=true.
Result<Message> read_message(int sock, std::string& text, bool& eof) {
  Message m{};
  eof = false;
  ssize_t n;
  do {
    n = ::read(sock, &m, sizeof m);
  } while (n < 0 && errno == EINTR);
  if (n == 0) {
    eof = true;
    return fail(ECONNRESET, "end of file");
  }
  if (n < 0) return fail_sys("read sync socket");
  if (static_cast<size_t>(n) < sizeof m)
    if (auto r = commands::read_all(sock, reinterpret_cast<char*>(&m) + n, sizeof m - n); !r) return unexpected(r.error());
  if (m.len > 65536) return fail(EPROTO, "sync message too long");
  text.assign(m.len, '\0');
  if (m.len)
    if (auto r = commands::read_all(sock, text.data(), m.len); !r) return unexpected(r.error());
  return m;
}

}  // namespace

const char* step_name(SyncStep s) {
  switch (s) {
    case SyncStep::ChildCloned: return "ChildCloned";
    case SyncStep::Continue: return "Continue";
    case SyncStep::RootfsReady: return "RootfsReady";
    case SyncStep::Go: return "Go";
    case SyncStep::Error: return "Error";
  }
  return "?";
}

Result<void> send_step(int sock, SyncStep step) {
  Message m{static_cast<uint8_t>(step), 0, 0};
  return commands::write_all(sock, &m, sizeof m);
}

void send_error(int sock, const Error& e) {
  Message m{static_cast<uint8_t>(SyncStep::Error), e.code, static_cast<uint32_t>(std::min<size_t>(e.what.size(), 65536))};
  if (commands::write_all(sock, &m, sizeof m)) (void)commands::write_all(sock, e.what.data(), m.len);
}

Result<void> expect_step(int sock, SyncStep step) {
  std::string text;
  bool eof = false;
  auto m = read_message(sock, text, eof);
  if (!m) {
    if (eof) return fail(ECHILD, std::string("the container's process exited before ") + step_name(step));
    return unexpected(m.error());
  }
  if (m->step == static_cast<uint8_t>(SyncStep::Error)) return fail(m->err, text);
  if (m->step != static_cast<uint8_t>(step))
    return fail(EPROTO, std::string("start protocol: expected ") + step_name(step) + ", got " +
                            step_name(static_cast<SyncStep>(m->step)));
  return {};
}

Result<void> expect_exec(int sock) {
  std::string text;
  bool eof = false;
  auto m = read_message(sock, text, eof);
  if (!m) {
    if (eof) return {};
    return unexpected(m.error());
  }
  if (m->step == static_cast<uint8_t>(SyncStep::Error)) return fail(m->err, text);
  return fail(EPROTO, std::string("start protocol: unexpected ") + step_name(static_cast<SyncStep>(m->step)) + " after Go");
}

}  // namespace lxc::start
