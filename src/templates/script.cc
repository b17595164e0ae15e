// Template scripts: run with LXC's arguments, stdin from /dev/null (and, with
// -q, stdout and stderr too), the exit status deciding success. As root the
// script gets a mount namespace of its own whose mounts do not propagate
// back, as LXC runs templates.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "base/file.h"
#include "log/log.h"
#include "templates/busybox.h"
#include "templates/download.h"
#include "templates/local.h"
#include "templates/template.h"

extern char** environ;

#ifndef LXCPP_DATADIR
#define LXCPP_DATADIR "/usr/local/share"
#endif

namespace lxc::templates {
namespace {

constexpr log::Logger kLog("templates");

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// The child's side: only async-signal-safe calls until execve.
[[noreturn]] void exec_child(char* const* argv, bool quiet, bool private_mounts) {
  if (private_mounts) {
    if (::unshare(CLONE_NEWNS) < 0 || ::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) _exit(126);
  }
  int null_in = ::open("/dev/null", O_RDONLY);
  if (null_in < 0 || ::dup2(null_in, 0) < 0) _exit(126);
  if (quiet) {
    int null_out = ::open("/dev/null", O_WRONLY);
    if (null_out < 0 || ::dup2(null_out, 1) < 0 || ::dup2(null_out, 2) < 0) _exit(126);
  }
  ::execve(argv[0], argv, environ);
  _exit(127);
}

Result<int> spawn(const std::vector<std::string>& args, bool quiet, bool private_mounts) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = ::fork();
  if (pid < 0) return fail_sys("fork for template " + args[0]);
  if (pid == 0) exec_child(argv.data(), quiet, private_mounts);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return fail_sys("wait for template " + args[0]);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return fail(ENOEXEC, "cannot execute template " + args[0]);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 126 && private_mounts)
    kLog.warn("template {} exited with 126 (or its mount namespace could not be made)", args[0]);
  return status;
}

class ScriptTemplate final : public Template {
 public:
  explicit ScriptTemplate(std::string path) : path_(std::move(path)) {}
  const std::string& path() const override { return path_; }
  bool appends_to_config_file() const override { return true; }

  Result<std::string> run(const Request& req) const override {
    std::vector<std::string> args = {path_, "--path=" + req.path, "--name=" + req.name, "--rootfs=" + req.rootfs};
    args.insert(args.end(), req.args.begin(), req.args.end());
    kLog.info("running template {}", path_);
    auto status = spawn(args, req.quiet, ::geteuid() == 0);
    if (!status) return unexpected(status.error());
    if (*status != 0) return fail(0, "template " + path_ + " failed (" + describe_status(*status) + ")");
    return std::string();
  }

  void print_help() const override {
    auto r = spawn({path_, "-h"}, false, false);
    if (!r) kLog.error("{}", describe(r.error()));
  }

 private:
  std::string path_;
};

bool executable_file(const std::string& p) { return ::access(p.c_str(), X_OK) == 0 && !is_dir(p); }

}  // namespace

std::unique_ptr<Template> script_template(std::string path) {
  return std::make_unique<ScriptTemplate>(std::move(path));
}

std::string lxcpp_template_dir() {
  if (const char* env = std::getenv("LXCPP_TEMPLATE_DIR"); env && *env) return env;
  return std::string(LXCPP_DATADIR) + "/lxcpp/templates";
}

Result<std::unique_ptr<Template>> find_template(std::string_view name) {
  if (name.empty()) return fail(EINVAL, "no template given");
  if (name.front() == '/') {
    std::string p(name);
    if (!executable_file(p)) return fail(::access(p.c_str(), X_OK) < 0 ? errno : EISDIR, "Bad template pathname: " + p);
    return script_template(std::move(p));
  }
  if (name == "busybox") return busybox_template();
  if (name == "local") return local_template();
  if (name == "download") return download_template();
  if (name.find('/') == std::string_view::npos) {
    for (const std::string& dir : {lxcpp_template_dir(), std::string(kTemplateDir)}) {
      std::string p = dir + "/lxc-" + std::string(name);
      if (executable_file(p)) return script_template(std::move(p));
    }
  }
  return fail(0, "Template \"" + std::string(name) + "\" not found");
}

}  // namespace lxc::templates
