/* tctop-fs --pid <pid> --start-time <ticks> <op> ...          a running container: its mount namespace and root
 * tctop-fs --mnt <dir> --upper <d> --work <d> --lower <d>... <op> ... a stopped one: its overlay, mounted in a
 *                                                               private mount namespace that dies with us
 * ops: stat <path> | pack [--one-fs] [--follow] <path> <name> | unpack [--keep-owner] [--rename from to] <dir> */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

static int root_fd = -1;

void die(const char *what, const char *path, int errnum) {
  char msg[1200];
  int n = snprintf(msg, sizeof msg, "error: %s%s%s%s%s\n", what, path ? " " : "", path ? path : "", errnum ? ": " : "",
                   errnum ? strerror(errnum) : "");
  if (write(2, msg, (size_t)n) < 0) _exit(1);
  _exit(1);
}

int open_in_root(const char *path, int flags, mode_t mode) {
  struct open_how how = {.flags = (unsigned)(flags | O_CLOEXEC), .mode = mode, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
  return (int)syscall(SYS_openat2, root_fd, path, &how, sizeof how);
}

void write_full(int fd, const void *buf, size_t len) {
  for (const char *p = buf; len;) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) die("write", NULL, n < 0 ? errno : EIO);
    p += n, len -= (size_t)n;
  }
}

size_t read_full(int fd, void *buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = read(fd, (char *)buf + done, len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("read", NULL, errno);
    if (n == 0) break;
    done += (size_t)n;
  }
  return done;
}

/* The process whose namespace we join must still be the one the engine started (no PID reuse): everything is
 * opened relative to one /proc/<pid> directory fd, checked against the start time first. */
static void enter_running(const char *pid, const char *start_time) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%s", pid);
  int proc = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (proc < 0) die("open", path, errno);
  int statfd = openat(proc, "stat", O_RDONLY | O_CLOEXEC);
  char buf[1024];
  ssize_t n = statfd < 0 ? -1 : read(statfd, buf, sizeof buf - 1);
  if (n <= 0) die("read", "/proc/<pid>/stat", errno);
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  for (int field = 2; p && field < 22; field++) p = strchr(p + 1, ' ');
  if (!p || strtoull(p + 1, NULL, 10) != strtoull(start_time, NULL, 10)) die("the container's init is not the process tctop started:", pid, 0);
  int ns = openat(proc, "ns/mnt", O_RDONLY | O_CLOEXEC);
  int root = openat(proc, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ns < 0 || root < 0) die("open", "/proc/<pid>/ns/mnt or root", errno);
  struct stat theirs, ours;
  if (fstat(ns, &theirs) < 0 || stat("/proc/self/ns/mnt", &ours) < 0) die("stat", "mount namespace", errno);
  if (theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev) die("PID shares our mount namespace: not a container", pid, 0);
  if (setns(ns, CLONE_NEWNS) < 0) die("setns", "mnt", errno);
  if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0) die("chroot", "(container root)", errno);
  close(ns), close(root), close(statfd), close(proc);
  /* our own copy of the container's mounts, all nodev: a device node the container made (it holds CAP_MKNOD) and
   * swaps in for a file can never be opened by us, who are outside its device cgroup */
  if (unshare(CLONE_NEWNS) < 0) die("unshare", "(mount namespace)", errno);
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_NODEV, .propagation = MS_PRIVATE};
  if (syscall(SYS_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &attr, sizeof attr) < 0) die("mount_setattr(nodev)", "/", errno);
}

/* Linux >= 6.8: one fsconfig call per layer ("lowerdir+"), so no page-sized option string limits the image.
 * Returns 0, -1 with errno, or -2 when the kernel lacks it. */
static int overlay_fsconfig(const char *mnt, const char *upper, const char *work, char **lowers, int n_lowers) {
  int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
  if (fs < 0) return errno == ENOSYS ? -2 : -1;
  for (int i = 0; i < n_lowers; i++)
    if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", lowers[i], 0) < 0) {
      int e = errno;
      close(fs);
      errno = e;
      return i == 0 && e == EINVAL ? -2 : -1;
    }
  if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
      syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
      syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  int m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  if (m < 0) return -1;
  return (int)syscall(SYS_move_mount, m, "", AT_FDCWD, mnt, MOVE_MOUNT_F_EMPTY_PATH);
}

static void enter_stopped(const char *mnt, const char *upper, const char *work, char **lowers, int n_lowers) {
  if (unshare(CLONE_NEWNS) < 0) die("unshare", "(mount namespace)", errno);
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die("make / private", NULL, errno);
  int r = overlay_fsconfig(mnt, upper, work, lowers, n_lowers);
  if (r == -1) die("mount overlay on", mnt, errno);
  if (r == -2) { /* older kernels: lowerdir=top:...:bottom in one option string */
    size_t len = 64 + strlen(upper) + strlen(work);
    for (int i = 0; i < n_lowers; i++) len += strlen(lowers[i]) + 1;
    char *opts = malloc(len);
    if (!opts) die("out of memory", NULL, ENOMEM);
    char *o = opts + sprintf(opts, "lowerdir=");
    for (int i = 0; i < n_lowers; i++) {
      if (strpbrk(lowers[i], ",:")) die("layer path holds ',' or ':':", lowers[i], 0);
      o += sprintf(o, "%s%s", i ? ":" : "", lowers[i]);
    }
    sprintf(o, ",upperdir=%s,workdir=%s", upper, work);
    if (mount("overlay", mnt, "overlay", MS_NOSUID | MS_NODEV, opts) < 0) die("mount overlay on", mnt, errno);
    free(opts);
  }
  if (chdir(mnt) < 0 || chroot(".") < 0 || chdir("/") < 0) die("chroot", mnt, errno);
}

static const char *type_name(mode_t m) {
  return S_ISDIR(m) ? "dir" : S_ISREG(m) ? "file" : S_ISLNK(m) ? "symlink" : "other";
}

/* "<lstat type> <stat type>", "missing" for either that does not resolve. */
static void op_stat(const char *path) {
  struct stat l, s;
  int fd = open_in_root(path, O_PATH | O_NOFOLLOW, 0);
  const char *lt = fd >= 0 && fstat(fd, &l) == 0 ? type_name(l.st_mode) : "missing";
  if (fd >= 0) close(fd);
  fd = open_in_root(path, O_PATH, 0);
  const char *st = fd >= 0 && fstat(fd, &s) == 0 ? type_name(s.st_mode) : "missing";
  printf("%s %s\n", lt, st);
}

int main(int argc, char **argv) {
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  const char *pid = NULL, *start = NULL, *mnt = NULL, *upper = NULL, *work = NULL;
  char *lowers[512];
  int n_lowers = 0, i = 1;
  for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
    const char *k = argv[i], *v = argv[i + 1];
    if (!strcmp(k, "--pid")) pid = v;
    else if (!strcmp(k, "--start-time")) start = v;
    else if (!strcmp(k, "--mnt")) mnt = v;
    else if (!strcmp(k, "--upper")) upper = v;
    else if (!strcmp(k, "--work")) work = v;
    else if (!strcmp(k, "--lower") && n_lowers < 512) lowers[n_lowers++] = argv[i + 1];
    else die("unknown option", k, 0);
  }
  if (pid && start) enter_running(pid, start);
  else if (mnt && upper && work && n_lowers) enter_stopped(mnt, upper, work, lowers, n_lowers);
  else die("usage: tctop-fs (--pid P --start-time T | --mnt M --upper U --work W --lower L...) op ...", NULL, 0);
  if ((root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) die("open", "/", errno);
  if (i >= argc) die("no operation", NULL, 0);
  const char *op = argv[i++];
  if (!strcmp(op, "stat") && i + 1 == argc) op_stat(argv[i]);
  else if (!strcmp(op, "pack")) {
    int one_fs = 0, follow = 0;
    for (; i < argc; i++) {
      if (!strcmp(argv[i], "--one-fs")) one_fs = 1;
      else if (!strcmp(argv[i], "--follow")) follow = 1;
      else break;
    }
    if (i + 2 != argc) die("usage: pack [--one-fs] [--follow] <path> <name>", NULL, 0);
    tar_pack(argv[i], argv[i + 1], one_fs, follow);
  } else if (!strcmp(op, "unpack")) {
    int keep = 0;
    const char *from = NULL, *to = NULL;
    for (;;) {
      if (i < argc && !strcmp(argv[i], "--keep-owner")) keep = 1, i++;
      else if (i + 2 < argc && !strcmp(argv[i], "--rename")) from = argv[i + 1], to = argv[i + 2], i += 3;
      else break;
    }
    if (i + 1 != argc) die("usage: unpack [--keep-owner] [--rename from to] <dir>", NULL, 0);
    tar_unpack(argv[i], from, to, keep);
  } else
    die("unknown operation", op, 0);
  if (fflush(stdout) != 0) die("write", "(stdout)", errno);
  return 0;
}
