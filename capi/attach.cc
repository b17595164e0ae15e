// attach(), attach_run_wait() and the exec functions liblxc exports.
#include <pwd.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>

#include "capi/handle.h"

namespace lxc::capi {
namespace {

// lxc_attach_options_t -> lxcpp's attach options (NULL: liblxc's defaults).
attach::AttachOptions to_options(const lxc_attach_options_t* in) {
  attach::AttachOptions o;
  if (!in) return o;
  if (in->namespaces != -1) {
    static constexpr std::pair<int, unsigned> kMap[] = {
        {CLONE_NEWNS, attach::kMount}, {CLONE_NEWPID, attach::kPid},       {CLONE_NEWUTS, attach::kUts},
        {CLONE_NEWIPC, attach::kIpc},  {CLONE_NEWUSER, attach::kUser},     {CLONE_NEWNET, attach::kNet},
        {CLONE_NEWCGROUP, attach::kCgroup}, {CLONE_NEWTIME, attach::kTime}};
    o.namespaces = 0;
    for (auto [flag, bit] : kMap)
      if (in->namespaces & flag) o.namespaces |= bit;
  }
  if (!(in->attach_flags & LXC_ATTACH_MOVE_TO_CGROUP)) o.elevated |= attach::kPrivCgroup;
  if (!(in->attach_flags & LXC_ATTACH_DROP_CAPABILITIES)) o.elevated |= attach::kPrivCap;
  if (!(in->attach_flags & LXC_ATTACH_LSM_EXEC)) o.elevated |= attach::kPrivLsm;
  if ((in->attach_flags & LXC_ATTACH_LSM_LABEL) && in->lsm_label) o.context = in->lsm_label;
  o.remount_sys_proc = in->attach_flags & LXC_ATTACH_REMOUNT_PROC_SYS;
  if (in->personality != LXC_ATTACH_DETECT_PERSONALITY) o.personality = static_cast<unsigned long>(in->personality);
  if (in->initial_cwd) o.cwd = in->initial_cwd;
  if (in->uid != static_cast<uid_t>(-1)) o.uid = in->uid;
  if (in->gid != static_cast<gid_t>(-1)) o.gid = in->gid;
  o.clear_env = in->env_policy == LXC_ATTACH_CLEAR_ENV;
  for (char** e = in->extra_env_vars; e && *e; ++e) o.set_vars.emplace_back(*e);
  for (char** e = in->extra_keep_env; e && *e; ++e) o.keep_vars.emplace_back(*e);
  o.stdio[0] = in->stdin_fd;
  o.stdio[1] = in->stdout_fd;
  o.stdio[2] = in->stderr_fd;
  return o;
}

int attach(lxc_container* c, lxc_attach_exec_t fn, void* payload, lxc_attach_options_t* options, pid_t* pid) {
  if (!fn || !pid) {
    set_error(c, Error{EINVAL, "attach: no function or no pid to return"});
    return -1;
  }
  attach::AttachOptions o = to_options(options);
  o.fn = fn;
  o.fn_payload = payload;
  auto r = container(c).spawn_attached(o);
  if (!r) {
    set_error(c, r.error());
    return -1;
  }
  clear_error(c);
  *pid = *r;
  return 0;
}

// As liblxc: the attached program's wait status, or -1.
int run_wait(lxc_container* c, lxc_attach_options_t* options, const char* program, const char* const argv[]) {
  lxc_attach_command_t cmd{const_cast<char*>(program), const_cast<char**>(argv)};
  pid_t pid = -1;
  if (attach(c, lxc_attach_run_command, &cmd, options, &pid) < 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return status;
}

int run_waitl(lxc_container* c, lxc_attach_options_t* options, const char* program, const char* arg, ...) {
  std::vector<const char*> argv;
  va_list ap;
  va_start(ap, arg);
  for (const char* a = arg; a; a = va_arg(ap, const char*)) argv.push_back(a);
  va_end(ap);
  argv.push_back(nullptr);
  return run_wait(c, options, program, argv.data());
}

}  // namespace

void fill_attach_methods(lxc_container* c) {
  c->attach = attach;
  c->attach_run_wait = run_wait;
  c->attach_run_waitl = run_waitl;
}

}  // namespace lxc::capi

extern "C" {

int lxc_attach_run_command(void* payload) {
  auto* cmd = static_cast<lxc_attach_command_t*>(payload);
  ::execvp(cmd->program, cmd->argv);
  std::fprintf(stderr, "lxc-attach: Failed to exec \"%s\": %s\n", cmd->program, std::strerror(errno));
  return errno == ENOENT ? 127 : 126;
}

int lxc_attach_run_shell(void*) {
  const char* shell = "/bin/sh";
  if (struct passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_shell && *pw->pw_shell) shell = pw->pw_shell;
  ::execl(shell, shell, static_cast<char*>(nullptr));
  std::fprintf(stderr, "lxc-attach: Failed to exec \"%s\": %s\n", shell, std::strerror(errno));
  return 127;
}

}  // extern "C"
