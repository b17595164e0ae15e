// Template scripts: run with LXC's arguments, stdin from /dev/null (and, with
// -q, stdout and stderr too), the exit status deciding success.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "base/file.h"
#include "log/log.h"
#include "templates/busybox.h"
#include "templates/template.h"

extern char** environ;

namespace lxc::templates {
namespace {

constexpr log::Logger kLog("templates");

class ScriptTemplate final : public Template {
 public:
  explicit ScriptTemplate(std::string path) : path_(std::move(path)) {}
  const std::string& path() const override { return path_; }
  bool appends_to_config_file() const override { return true; }

  Result<std::string> run(const Request& req) const override {
    std::vector<std::string> args = {path_, "--path=" + req.path, "--name=" + req.name, "--rootfs=" + req.rootfs};
    args.insert(args.end(), req.args.begin(), req.args.end());
    kLog.info("running template {}", path_);
    auto status = spawn(args, req.quiet);
    if (!status) return unexpected(status.error());
    if (*status != 0) return fail(0, "template " + path_ + " failed (" + describe_status(*status) + ")");
    return std::string();
  }

  void print_help() const override {
    std::fflush(stdout);
    auto r = spawn({path_, "-h"}, false);
    if (!r) kLog.error("{}", describe(r.error()));
  }

 private:
  static std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
  }

  static Result<int> spawn(const std::vector<std::string>& args, bool quiet) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (quiet) {
      posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
      posix_spawn_file_actions_adddup2(&fa, 1, 2);
    }
    pid_t pid = -1;
    int err = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err != 0) return fail(err, "run template " + args[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) return fail_sys("wait for template " + args[0]);
    }
    return status;
  }

  std::string path_;
};

}  // namespace

std::unique_ptr<Template> script_template(std::string path) {
  return std::make_unique<ScriptTemplate>(std::move(path));
}

Result<std::unique_ptr<Template>> find_template(std::string_view name) {
  if (name.empty()) return fail(EINVAL, "no template given");
  if (name.front() == '/') {
    std::string p(name);
    if (::access(p.c_str(), X_OK) < 0) return fail_sys("Bad template pathname: " + p);
    return script_template(std::move(p));
  }
  if (name == "busybox") return busybox_template();
  std::string p = std::string(kTemplateDir) + "/lxc-" + std::string(name);
  if (::access(p.c_str(), X_OK) < 0) return fail(0, "Template \"" + std::string(name) + "\" not found");
  return script_template(std::move(p));
}

}  // namespace lxc::templates
