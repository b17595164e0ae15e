/* liblxc's C API on lxcpp, as a C program built against include/lxc uses it:
 * usage: lxc_capi_test LXCPATH NAME (a busybox container is made, run and
 * destroyed there). Prints "ok"/"FAIL" lines; exits 1 on any failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <lxc/lxccontainer.h>
#include <lxc/version.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(int cond, const char *what)
{
	printf("%s %s\n", cond ? "ok  " : "FAIL", what);
	if (!cond)
		failures++;
}

static void check_str(const char *got, const char *want, const char *what)
{
	int same = got && want && strcmp(got, want) == 0;
	if (!same)
		printf("     got [%s], want [%s]\n", got ? got : "(null)", want ? want : "(null)");
	check(same, what);
}

static int sleeper(void *payload)
{
	(void)payload;
	sleep(2);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int in_container(void *payload)
{
	/* Runs inside: init is pid 1 of the container's pid namespace. */
	return getpid() > 1 && strcmp((const char *)payload, "payload") == 0 ? 42 : 1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s LXCPATH NAME\n", argv[0]);
		return 2;
	}
	const char *lxcpath = argv[1], *name = argv[2];
	char buf[4096];

	check_str(lxc_get_version(), LXC_VERSION, "lxc_get_version is the header's LXC_VERSION");
	check(lxc_get_wait_states(NULL) == 8, "eight wait states");
	check(lxc_config_item_is_supported("lxc.rootfs.path"), "lxc.rootfs.path is a supported key");
	check(!lxc_config_item_is_supported("lxc.no.such.key"), "lxc.no.such.key is not");
	check(lxc_has_api_extension("reboot2") && !lxc_has_api_extension("no_such_extension"), "api extensions");
	check(lxc_get_global_config_item("lxc.lxcpath") != NULL, "lxc.lxcpath from the system config");
	check(lxc_container_new("bad/name", lxcpath) == NULL, "a name with / makes no container");

	struct lxc_container *c = lxc_container_new(name, lxcpath);
	check(c != NULL, "lxc_container_new");
	if (!c)
		return 1;
	check(!c->is_defined(c), "not defined yet");
	check_str(c->state(c), "STOPPED", "state of an undefined container");
	check_str(c->get_config_path(c), lxcpath, "get_config_path");
	check(!c->start(c, 0, NULL) && c->error_num == ENOENT, "start of an undefined container fails (ENOENT)");

	/* Config in memory, then create with it (as liblxc: it becomes the container's). */
	check(c->set_config_item(c, "lxc.net.0.type", "empty"), "set_config_item lxc.net.0.type");
	check(!c->set_config_item(c, "lxc.no.such.key", "1") && c->error_string, "set_config_item of an unknown key fails and says why");
	char *args[] = {NULL};
	check(c->create(c, "busybox", NULL, NULL, LXC_CREATE_QUIET, args), "create -t busybox");
	check(c->is_defined(c), "defined after create");
	check(!c->create(c, "busybox", NULL, NULL, LXC_CREATE_QUIET, args) && c->error_num == EEXIST,
	      "create of an existing container fails with EEXIST");
	int len = c->get_config_item(c, "lxc.net.0.type", NULL, 0);
	check(len == 5, "get_config_item length without a buffer");
	c->get_config_item(c, "lxc.net.0.type", buf, sizeof(buf));
	check_str(buf, "empty", "the in-memory setting went into the new config");
	check(c->get_config_item(c, "lxc.no.such.key", buf, sizeof(buf)) < 0, "get_config_item of an unknown key is -1");
	check(c->get_keys(c, NULL, NULL, 0) > 0, "get_keys lists keys");
	check(c->set_config_item(c, "lxc.environment", "CAPI_TEST=1") && c->save_config(c, NULL), "save_config");
	check(c->clear_config_item(c, "lxc.environment"), "clear_config_item");
	check(c->load_config(c, NULL), "load_config");
	c->get_config_item(c, "lxc.environment", buf, sizeof(buf));
	check_str(buf, "CAPI_TEST=1\n", "what save_config wrote loads back (a list: a line per value, as liblxc)");
	char *cfgname = c->config_file_name(c);
	snprintf(buf, sizeof(buf), "%s/%s/config", lxcpath, name);
	check_str(cfgname, buf, "config_file_name");
	free(cfgname);

	/* Run it. */
	check(c->start(c, 0, NULL), "start (daemonized)");
	check(c->wait(c, "RUNNING", 10), "wait RUNNING");
	check(c->is_running(c) && c->init_pid(c) > 1, "is_running and init_pid");
	check(!c->start(c, 0, NULL) && c->error_string, "a second start fails and says why");
	int pidfd = c->init_pidfd(c);
	check(pidfd >= 0, "init_pidfd");
	if (pidfd >= 0)
		close(pidfd);

	lxc_attach_options_t opts = LXC_ATTACH_OPTIONS_DEFAULT;
	const char *sh_argv[] = {"sh", "-c", "[ \"$CAPI_TEST\" = 1 ] && exit 7", NULL};
	int status = c->attach_run_wait(c, &opts, "sh", sh_argv);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 7, "attach_run_wait: exit status, lxc.environment");
	status = c->attach_run_waitl(c, &opts, "hostname", "hostname", NULL);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "attach_run_waitl");

	int fds[2];
	pid_t pid = -1;
	if (pipe(fds) == 0) {
		opts.stdout_fd = fds[1];
		const char *host_argv[] = {"hostname", NULL};
		lxc_attach_command_t cmd = {(char *)"hostname", (char **)host_argv};
		check(c->attach(c, lxc_attach_run_command, &cmd, &opts, &pid) == 0 && pid > 0, "attach returns the pid");
		close(fds[1]);
		ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
		buf[n > 0 ? n - 1 : 0] = '\0';
		close(fds[0]);
		check_str(buf, name, "the attached command's stdout is stdout_fd");
		check(waitpid(pid, &status, 0) == pid && WIFEXITED(status), "the attached process is our child");
		opts.stdout_fd = 1;
	}
	pid = -1;
	check(c->attach(c, in_container, "payload", &opts, &pid) == 0, "attach a function");
	check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 42,
	      "the function ran inside and its return value is the exit status");

	/* console(): tty1's getty answers a newline with its login prompt; a
	 * writer sends it, then <Ctrl+a q> to detach. */
	int in[2], out[2];
	if (pipe(in) == 0 && pipe(out) == 0) {
		pid_t writer = fork();
		if (writer == 0) {
			close(in[0]);
			usleep(300 * 1000);
			if (write(in[1], "\n", 1) < 0)
				_exit(1);
			usleep(1500 * 1000); /* getty answers well within this */
			if (write(in[1], "\001q", 2) < 0)
				_exit(1);
			_exit(0);
		}
		close(in[1]);
		int devnull = open("/dev/null", O_WRONLY);
		int rc = c->console(c, 1, in[0], out[1], devnull, 1);
		close(out[1]);
		close(devnull);
		size_t have = 0;
		ssize_t got;
		while (have < sizeof(buf) - 1 && (got = read(out[0], buf + have, sizeof(buf) - 1 - have)) > 0)
			have += (size_t)got;
		buf[have] = '\0';
		waitpid(writer, NULL, 0);
		close(in[0]);
		close(out[0]);
		check(rc == 0, "console(): <Ctrl+a q> detaches, 0");
		check(strstr(buf, "login:") != NULL, "console(): tty1's login prompt came through");
	}

	/* attach() returns once the function runs, not when it is done. */
	double t0 = now_s();
	pid = -1;
	check(c->attach(c, sleeper, NULL, &opts, &pid) == 0 && now_s() - t0 < 1.5, "attach() does not wait for the function");
	check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the function's process is ours to wait for");

	check(c->freeze(c), "freeze");
	check_str(c->state(c), "FROZEN", "state FROZEN");
	check(c->unfreeze(c), "unfreeze");
	check_str(c->state(c), "RUNNING", "state RUNNING again");
	check(c->get_cgroup_item(c, "pids.current", buf, sizeof(buf)) > 0, "get_cgroup_item pids.current");
	char *running = c->get_running_config_item(c, "lxc.net.0.type");
	check_str(running, "empty", "get_running_config_item");
	free(running);
	char **ifaces = c->get_interfaces(c);
	check(ifaces && ifaces[0] && strcmp(ifaces[0], "lo") == 0, "get_interfaces: lo");
	for (int i = 0; ifaces && ifaces[i]; i++)
		free(ifaces[i]);
	free(ifaces);

	char **ips = c->get_ips(c, "lo", "inet", 0);
	check(ips && ips[0] && strcmp(ips[0], "127.0.0.1") == 0 && !ips[1], "get_ips of lo, inet: 127.0.0.1");
	for (int i = 0; ips && ips[i]; i++)
		free(ips[i]);
	free(ips);
	ips = c->get_ips(c, NULL, NULL, 0);
	check(ips && !ips[0], "get_ips of every interface but lo: none (lxc.net.0.type = empty)");
	free(ips);

	char **names = NULL;
	struct lxc_container **cs = NULL;
	int n = list_active_containers(lxcpath, &names, &cs);
	check(n == 1 && strcmp(names[0], name) == 0 && cs[0]->is_running(cs[0]), "list_active_containers");
	for (int i = 0; i < n; i++) {
		free(names[i]);
		lxc_container_put(cs[i]);
	}
	free(names);
	free(cs);

	check(c->stop(c), "stop");
	check(c->wait(c, "STOPPED", 10), "wait STOPPED");
	check(!c->is_running(c) && c->init_pid(c) == -1, "not running, no init pid");

	/* Copies and snapshots. */
	struct lxc_container *copy = c->clone(c, "capi-copy", NULL, LXC_CLONE_SNAPSHOT, "overlay", NULL, 0, NULL);
	check(copy && copy->is_defined(copy), "clone -s (overlay)");
	if (copy) {
		check(copy->destroy(copy), "destroy the clone");
		lxc_container_put(copy);
	}
	check(c->snapshot(c, NULL) == 0, "snapshot: snap0");
	struct lxc_snapshot *snaps = NULL;
	n = c->snapshot_list(c, &snaps);
	check(n == 1 && strcmp(snaps[0].name, "snap0") == 0, "snapshot_list");
	for (int i = 0; i < n; i++)
		snaps[i].free(&snaps[i]);
	free(snaps);
	check(c->snapshot_destroy_all(c), "snapshot_destroy_all");

	check(lxc_container_get(c) == 1 && lxc_container_put(c) == 0, "get/put keep the container");
	check(c->destroy(c), "destroy");
	check(!c->is_defined(c), "not defined after destroy");
	check(lxc_container_put(c) == 1, "the last put frees it");

	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
