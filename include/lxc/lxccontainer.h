/*
 * lxcpp's liblxc: the C API of LXC 5.0 (liblxc.so.1), backed by lxcpp.
 *
 * Programs and bindings built against LXC's <lxc/lxccontainer.h> (python3-lxc,
 * go-lxc, ...) call through struct lxc_container's function pointers by their
 * offsets: the members below are in LXC's order and of LXC's types, and new
 * ones may only be appended. Every pointer is set; what lxcpp does not
 * provide fails and says so in error_string.
 */
#ifndef LXCPP_LXC_LXCCONTAINER_H
#define LXCPP_LXC_LXCCONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#include <lxc/attach_options.h>

#ifdef __cplusplus
extern "C" {
#endif

/* clone() flags */
#define LXC_CLONE_KEEPNAME (1 << 0)       /* keep the hostname in the rootfs */
#define LXC_CLONE_KEEPMACADDR (1 << 1)    /* keep lxc.net.N.hwaddr */
#define LXC_CLONE_SNAPSHOT (1 << 2)       /* copy-on-write clone */
#define LXC_CLONE_KEEPBDEVTYPE (1 << 3)   /* same backing store type */
#define LXC_CLONE_MAYBE_SNAPSHOT (1 << 4) /* snapshot where the store can, else copy */
#define LXC_CLONE_MAXFLAGS (1 << 5)
#define LXC_CLONE_ALLOW_RUNNING (1 << 6)  /* the source may be running */
/* create() flags */
#define LXC_CREATE_QUIET (1 << 0)         /* the template's output goes to /dev/null */
#define LXC_CREATE_MAXFLAGS (1 << 1)
#define LXC_MOUNT_API_V1 1

struct bdev_specs;
struct lxc_snapshot;
struct lxc_lock;
struct migrate_opts;
struct lxc_console_log;

struct lxc_mount {
	int version;
};

struct lxc_container {
	/* Private to the library. */
	char *name;
	char *configfile;
	char *pidfile;
	struct lxc_lock *slock;
	struct lxc_lock *privlock;
	int numthreads;
	struct lxc_conf *lxc_conf;

	/* Public. */
	char *error_string; /* the last failure, or NULL */
	int error_num;      /* its errno, or 0 */
	bool daemonize;     /* start() runs the container in the background (default) */
	char *config_path;  /* the lxcpath */

	bool (*is_defined)(struct lxc_container *c);
	const char *(*state)(struct lxc_container *c);
	bool (*is_running)(struct lxc_container *c);
	bool (*freeze)(struct lxc_container *c);
	bool (*unfreeze)(struct lxc_container *c);
	pid_t (*init_pid)(struct lxc_container *c);
	bool (*load_config)(struct lxc_container *c, const char *alt_file);
	bool (*start)(struct lxc_container *c, int useinit, char *const argv[]);
	bool (*startl)(struct lxc_container *c, int useinit, ...);
	bool (*stop)(struct lxc_container *c);
	bool (*want_daemonize)(struct lxc_container *c, bool state);
	bool (*want_close_all_fds)(struct lxc_container *c, bool state);
	char *(*config_file_name)(struct lxc_container *c);
	bool (*wait)(struct lxc_container *c, const char *state, int timeout);
	bool (*set_config_item)(struct lxc_container *c, const char *key, const char *value);
	bool (*destroy)(struct lxc_container *c);
	bool (*save_config)(struct lxc_container *c, const char *alt_file);
	bool (*create)(struct lxc_container *c, const char *t, const char *bdevtype, struct bdev_specs *specs,
		       int flags, char *const argv[]);
	bool (*createl)(struct lxc_container *c, const char *t, const char *bdevtype, struct bdev_specs *specs,
			int flags, ...);
	bool (*rename)(struct lxc_container *c, const char *newname);
	bool (*reboot)(struct lxc_container *c);
	bool (*shutdown)(struct lxc_container *c, int timeout);
	void (*clear_config)(struct lxc_container *c);
	bool (*clear_config_item)(struct lxc_container *c, const char *key);
	int (*get_config_item)(struct lxc_container *c, const char *key, char *retv, int inlen);
	char *(*get_running_config_item)(struct lxc_container *c, const char *key);
	int (*get_keys)(struct lxc_container *c, const char *key, char *retv, int inlen);
	char **(*get_interfaces)(struct lxc_container *c);
	char **(*get_ips)(struct lxc_container *c, const char *interface, const char *family, int scope);
	int (*get_cgroup_item)(struct lxc_container *c, const char *subsys, char *retv, int inlen);
	bool (*set_cgroup_item)(struct lxc_container *c, const char *subsys, const char *value);
	const char *(*get_config_path)(struct lxc_container *c);
	bool (*set_config_path)(struct lxc_container *c, const char *path);
	struct lxc_container *(*clone)(struct lxc_container *c, const char *newname, const char *lxcpath, int flags,
				       const char *bdevtype, const char *bdevdata, uint64_t newsize, char **hookargs);
	int (*console_getfd)(struct lxc_container *c, int *ttynum, int *ptxfd);
	int (*console)(struct lxc_container *c, int ttynum, int stdinfd, int stdoutfd, int stderrfd, int escape);
	int (*attach)(struct lxc_container *c, lxc_attach_exec_t exec_function, void *exec_payload,
		      lxc_attach_options_t *options, pid_t *attached_process);
	int (*attach_run_wait)(struct lxc_container *c, lxc_attach_options_t *options, const char *program,
			       const char *const argv[]);
	int (*attach_run_waitl)(struct lxc_container *c, lxc_attach_options_t *options, const char *program,
				const char *arg, ...);
	int (*snapshot)(struct lxc_container *c, const char *commentfile);
	int (*snapshot_list)(struct lxc_container *c, struct lxc_snapshot **snapshots);
	bool (*snapshot_restore)(struct lxc_container *c, const char *snapname, const char *newname);
	bool (*snapshot_destroy)(struct lxc_container *c, const char *snapname);
	bool (*may_control)(struct lxc_container *c);
	bool (*add_device_node)(struct lxc_container *c, const char *src_path, const char *dest_path);
	bool (*remove_device_node)(struct lxc_container *c, const char *src_path, const char *dest_path);

	/* Added after LXC 1.0. */
	bool (*attach_interface)(struct lxc_container *c, const char *dev, const char *dst_dev);
	bool (*detach_interface)(struct lxc_container *c, const char *dev, const char *dst_dev);
	bool (*checkpoint)(struct lxc_container *c, char *directory, bool stop, bool verbose);
	bool (*restore)(struct lxc_container *c, char *directory, bool verbose);
	bool (*destroy_with_snapshots)(struct lxc_container *c);
	bool (*snapshot_destroy_all)(struct lxc_container *c);

	/* Added after LXC 1.1. */
	int (*migrate)(struct lxc_container *c, unsigned int cmd, struct migrate_opts *opts, unsigned int size);
	int (*console_log)(struct lxc_container *c, struct lxc_console_log *log);
	bool (*reboot2)(struct lxc_container *c, int timeout);
	int (*mount)(struct lxc_container *c, const char *source, const char *target, const char *filesystemtype,
		     unsigned long mountflags, const void *data, struct lxc_mount *mnt);
	int (*umount)(struct lxc_container *c, const char *target, unsigned long mountflags, struct lxc_mount *mnt);
	int (*seccomp_notify_fd)(struct lxc_container *c);
	int (*seccomp_notify_fd_active)(struct lxc_container *c);
	int (*init_pidfd)(struct lxc_container *c);
	int (*devpts_fd)(struct lxc_container *c);
};

/* One snapshot, as snapshot_list() returns them; free() releases its strings. */
struct lxc_snapshot {
	char *name;
	char *comment_pathname;
	char *timestamp;
	char *lxcpath;
	void (*free)(struct lxc_snapshot *s);
};

/* Backing store parameters for create(). */
struct bdev_specs {
	char *fstype;
	uint64_t fssize;
	struct {
		char *zfsroot;
	} zfs;
	struct {
		char *vg;
		char *lv;
		char *thinpool;
	} lvm;
	char *dir;
	struct {
		char *rbdname;
		char *rbdpool;
	} rbd;
};

enum {
	MIGRATE_PRE_DUMP,
	MIGRATE_DUMP,
	MIGRATE_RESTORE,
	MIGRATE_FEATURE_CHECK,
};

#define FEATURE_MEM_TRACK (1ULL << 0)
#define FEATURE_LAZY_PAGES (1ULL << 1)

struct migrate_opts {
	char *directory;
	bool verbose;
	bool stop;
	char *predump_dir;
	char *pageserver_address;
	char *pageserver_port;
	bool preserves_inodes;
	char *action_script;
	bool disable_skip_in_flight;
	uint64_t ghost_limit;
	uint64_t features_to_check;
};

struct lxc_console_log {
	bool clear;
	bool read;
	uint64_t *read_max; /* in: at most this much (0: all); out: what was read */
	char *data;         /* out: the log, to free() */
};

/* A container object for NAME in the lxcpath configpath (NULL: the default), with one reference. */
struct lxc_container *lxc_container_new(const char *name, const char *configpath);
/* Takes one more reference. 1 on success, 0 if c is being freed, -1 on error. */
int lxc_container_get(struct lxc_container *c);
/* Drops a reference: 1 when that freed c, 0 when others remain, -1 on error. */
int lxc_container_put(struct lxc_container *c);
/* The state names wait() accepts; with states NULL only their number. */
int lxc_get_wait_states(const char **states);
/* lxc.lxcpath, lxc.default_config, lxc.bdev.*, lxc.cgroup.* ... of the system config. */
const char *lxc_get_global_config_item(const char *key);
const char *lxc_get_version(void);
/* Containers of lxcpath (NULL: the default); names and/or container objects, the caller frees them. */
int list_defined_containers(const char *lxcpath, char ***names, struct lxc_container ***cret);
int list_active_containers(const char *lxcpath, char ***names, struct lxc_container ***cret);
int list_all_containers(const char *lxcpath, char ***names, struct lxc_container ***cret);

struct lxc_log {
	const char *name;
	const char *lxcpath;
	const char *file;
	const char *level;
	const char *prefix;
	bool quiet;
};
int lxc_log_init(struct lxc_log *log);
void lxc_log_close(void);

bool lxc_config_item_is_supported(const char *key);
bool lxc_has_api_extension(const char *extension);

#ifdef __cplusplus
}
#endif

#endif
