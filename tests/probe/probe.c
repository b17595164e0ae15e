/* Static helper run inside test containers; prints what the tests assert.
 *   probe kexec        kexec_load(0,0,0,0): prints "EPERM" or the errno name
 *   probe init_module  init_module(NULL,0,""): likewise
 *   probe umount_force umount2("/nonexistent", MNT_FORCE): likewise
 *   probe caps         the CapBnd: line of /proc/self/status
 *   probe seccomp      the Seccomp: line of /proc/self/status
 *   probe core_sched   "cookie N": this process's core scheduling cookie
 *                      (0: none), or the errno name (EINVAL: no kernel support)
 * Build: gcc -static -O2 -o probe tests/probe/probe.c */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void print_result(long rc) {
  if (rc == 0) {
    puts("OK");
    return;
  }
  const char *name = strerrorname_np(errno); /* glibc >= 2.32 */
  if (name)
    puts(name);
  else
    printf("errno %d\n", errno);
}

static int status_line(const char *field) {
  FILE *f = fopen("/proc/self/status", "re");
  char line[256];
  if (!f) {
    perror("/proc/self/status");
    return 1;
  }
  while (fgets(line, sizeof line, f))
    if (strncmp(line, field, strlen(field)) == 0) {
      fputs(line, stdout);
      fclose(f);
      return 0;
    }
  fclose(f);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: probe kexec|init_module|umount_force|caps|seccomp|core_sched\n");
    return 2;
  }
  if (strcmp(argv[1], "kexec") == 0) {
    errno = 0;
    print_result(syscall(SYS_kexec_load, 0, 0, 0, 0));
    return 0;
  }
  if (strcmp(argv[1], "init_module") == 0) {
    errno = 0;
    print_result(syscall(SYS_init_module, NULL, 0, ""));
    return 0;
  }
  if (strcmp(argv[1], "umount_force") == 0) {
    errno = 0;
    print_result(umount2("/nonexistent", MNT_FORCE));
    return 0;
  }
  if (strcmp(argv[1], "caps") == 0) return status_line("CapBnd:");
  if (strcmp(argv[1], "seccomp") == 0) return status_line("Seccomp:");
  if (strcmp(argv[1], "core_sched") == 0) {
    unsigned long long cookie = 0;
    errno = 0;
    /* PR_SCHED_CORE (62), PR_SCHED_CORE_GET (0), of this thread (scope 0) */
    if (prctl(62, 0, 0, 0, (unsigned long)&cookie) == 0)
      printf("cookie %llu\n", cookie);
    else
      print_result(-1);
    return 0;
  }
  fprintf(stderr, "probe: unknown command %s\n", argv[1]);
  return 2;
}
