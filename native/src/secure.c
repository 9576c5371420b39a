#include "secure.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int last_cap(void) {
  char *s = read_file("/proc/sys/kernel/cap_last_cap", 64, NULL);
  long v = -1;
  if (s) {
    s[strcspn(s, "\n")] = 0;
    v = parse_uint(s);
  }
  return v < 0 || v > 63 ? 63 : (int)v; /* unknown: try all; PR_CAPBSET_DROP says EINVAL past the last */
}

static int capset_all(unsigned long long eff, unsigned long long perm, unsigned long long inh) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {
      {(__u32)eff, (__u32)perm, (__u32)inh},
      {(__u32)(eff >> 32), (__u32)(perm >> 32), (__u32)(inh >> 32)},
  };
  return (int)syscall(SYS_capset, &hdr, data);
}

int drop_privileges(unsigned long long keep, int keep_all, long uid, long gid, const gid_t *groups, size_t n_groups,
                    char *err, size_t errsize) {
  if (!keep_all) {
    int last = last_cap();
    for (int cap = 0; cap <= last; cap++) {
      if (keep & (1ULL << cap)) continue;
      if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) {
        fmt_error(err, errsize, "prctl(PR_CAPBSET_DROP)", NULL, errno);
        return -1;
      }
    }
  }
  if (setgroups(n_groups, groups) < 0) {
    fmt_error(err, errsize, "setgroups", NULL, errno);
    return -1;
  }
  if (setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) < 0) {
    fmt_error(err, errsize, "setresgid", NULL, errno);
    return -1;
  }
  /* a non-root uid loses every permitted capability here (no KEEPCAPS), as with docker -u */
  if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0) {
    fmt_error(err, errsize, "setresuid", NULL, errno);
    return -1;
  }
  if (!keep_all) {
    unsigned long long set = uid == 0 ? keep : 0;
    if (capset_all(set, set, 0) < 0) {
      fmt_error(err, errsize, "capset", NULL, errno);
      return -1;
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
      fmt_error(err, errsize, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)", NULL, errno);
      return -1;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
      fmt_error(err, errsize, "prctl(PR_SET_NO_NEW_PRIVS)", NULL, errno);
      return -1;
    }
  }
  return 0;
}

void cloexec_from(int fd) {
  if (syscall(SYS_close_range, fd, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  for (int i = fd; i < 1 << 16; i++) fcntl(i, F_SETFD, FD_CLOEXEC); /* kernel < 5.11 */
}

void reset_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  for (int sig = 1; sig < _NSIG; sig++) sigaction(sig, &sa, NULL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}

static const char *env_path(char *const envp[]) {
  for (size_t i = 0; envp[i]; i++)
    if (strncmp(envp[i], "PATH=", 5) == 0) return envp[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

void exec_in_path(char *const argv[], char *const envp[]) {
  const char *file = argv[0];
  if (!*file) {
    errno = ENOENT;
    return;
  }
  if (strchr(file, '/')) {
    execve(file, argv, envp);
    return;
  }
  const char *path = env_path(envp);
  int seen_eacces = 0, last = ENOENT;
  char full[4096];
  size_t flen = strlen(file);
  for (const char *p = path;; p++) {
    const char *colon = strchr(p, ':');
    size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
    if (dlen + flen + 2 <= sizeof full) {
      if (dlen == 0) full[0] = '.', dlen = 1; /* empty entry = current dir, as POSIX says */
      else memcpy(full, p, dlen);
      full[dlen] = '/';
      memcpy(full + dlen + 1, file, flen + 1);
      execve(full, argv, envp);
      if (errno == EACCES) seen_eacces = 1;
      else if (errno != ENOENT && errno != ENOTDIR) last = errno;
    }
    if (!colon) break;
    p = colon;
  }
  errno = seen_eacces ? EACCES : last;
}

int exec_failure_status(int errnum) { return errnum == ENOENT || errnum == ENOTDIR ? 127 : 126; }
