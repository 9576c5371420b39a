#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mounts.h"
#include "seccomp.h"
#include "secure.h"
#include "util.h"

static int status_fd = -1;

__attribute__((noreturn)) static void fail(const char *what, const char *path, int errnum) {
  char msg[ERRMSG_MAX + 1];
  fmt_error(msg, sizeof msg - 1, what, path, errnum);
  size_t len = strlen(msg);
  msg[len++] = '\n';
  write_all(status_fd, msg, len);
  _exit(1);
}

/* A message already formatted by a helper ("error: ..."). */
__attribute__((noreturn)) static void fail_msg(const char *msg) {
  write_all(status_fd, msg, strlen(msg));
  write_all(status_fd, "\n", 1);
  _exit(1);
}

#define CHECK(call, what, path)                  \
  do {                                           \
    if ((call) < 0) fail((what), (path), errno); \
  } while (0)

static const char *const DEVICES[] = {"null", "zero", "full", "random", "urandom", "tty"};
#define N_DEVICES (sizeof DEVICES / sizeof *DEVICES)

/* As runc: nothing in them is the container's business. */
static const char *const MASKED[] = {"/proc/acpi",        "/proc/kcore",         "/proc/keys",     "/proc/latency_stats",
                                     "/proc/timer_list",  "/proc/timer_stats",   "/proc/sched_debug", "/proc/scsi",
                                     "/sys/firmware",     "/sys/devices/virtual/powercap"};
static const char *const READONLY[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};

/* A detached copy of a host mount tree, taken before pivot_root and attached inside the new root afterwards. */
static int clone_tree(const char *path, int recursive, int readonly) {
  int fd = sys_open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
  if (fd < 0) fail("open_tree", path, errno);
  if (readonly && sys_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, MOUNT_ATTR_RDONLY) < 0)
    fail("mount_setattr(ro)", path, errno);
  return fd;
}

/* Linux >= 6.8: one fsconfig call per layer ("lowerdir+"), so neither the page-sized option string nor ':' and
 * ',' in paths limit the image. Returns 0, -1 with errno for a real failure, or -2 when the kernel lacks it. */
static int mount_overlay_fsconfig(const struct conf *c) {
  int fs = sys_fsopen("overlay", FSOPEN_CLOEXEC);
  if (fs < 0) return errno == ENOSYS ? -2 : -1;
  int r = -1;
  for (size_t i = 0; i < c->n_lowerdirs; i++) {
    if (sys_fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", c->lowerdirs[i], 0) < 0) {
      r = i == 0 && errno == EINVAL ? -2 : -1; /* an older kernel does not know lowerdir+ */
      goto out;
    }
  }
  if (sys_fsconfig(fs, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0 ||
      sys_fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", c->upperdir, 0) < 0 ||
      sys_fsconfig(fs, FSCONFIG_SET_STRING, "workdir", c->workdir, 0) < 0 ||
      sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    goto out;
  int mnt = sys_fsmount(fs, FSMOUNT_CLOEXEC, 0);
  if (mnt < 0) goto out;
  r = sys_move_mount(mnt, "", AT_FDCWD, c->rootfs, MOVE_MOUNT_F_EMPTY_PATH);
  int e = errno;
  close(mnt);
  errno = e;
out : {
  int e = errno;
  close(fs);
  errno = e;
  return r;
}
}

/* Older kernels: mount(2) with lowerdir=top:...:bottom. The options must fit a page: past that, each layer is
 * named by a short /proc/self/fd/N link to an O_PATH fd. */
static void mount_overlay_legacy(const struct conf *c) {
  size_t total = 64;
  for (size_t i = 0; i < c->n_lowerdirs; i++) {
    if (strpbrk(c->lowerdirs[i], ",:\\")) fail("overlay layer path holds ',' ':' or '\\':", c->lowerdirs[i], 0);
    total += strlen(c->lowerdirs[i]) + 1;
  }
  int short_names = total + strlen(c->upperdir) + strlen(c->workdir) > 4000;
  char *opts = malloc(total + 32 * c->n_lowerdirs + strlen(c->upperdir) + strlen(c->workdir));
  if (!opts) fail("out of memory", NULL, ENOMEM);
  char *o = opts + sprintf(opts, "lowerdir=");
  for (size_t i = 0; i < c->n_lowerdirs; i++) {
    if (short_names) {
      int fd = open(c->lowerdirs[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) fail("open layer", c->lowerdirs[i], errno);
      o += sprintf(o, "%s/proc/self/fd/%d", i ? ":" : "", fd);
    } else
      o += sprintf(o, "%s%s", i ? ":" : "", c->lowerdirs[i]);
  }
  sprintf(o, ",upperdir=%s,workdir=%s", c->upperdir, c->workdir);
  if (strlen(opts) > 4095) fail("overlay options longer than a page for", c->rootfs, 0);
  if (mount("overlay", c->rootfs, "overlay", 0, opts) < 0) fail("mount overlay on", c->rootfs, errno);
  free(opts);
}

static void mount_overlay(const struct conf *c) {
  int r = mount_overlay_fsconfig(c);
  if (r == -2) mount_overlay_legacy(c);
  else if (r < 0) fail("mount overlay on", c->rootfs, errno);
}

static void touch(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0 && errno != EEXIST) fail("create mount point", path, errno);
  if (fd >= 0) close(fd);
}

static void mount_dev(const int devfds[N_DEVICES]) {
  CHECK(mkdir_p("/dev"), "mkdir", "/dev");
  CHECK(mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k"), "mount tmpfs on", "/dev");
  for (size_t i = 0; i < N_DEVICES; i++) {
    char path[32];
    snprintf(path, sizeof path, "/dev/%s", DEVICES[i]);
    touch(path);
    CHECK(sys_move_mount(devfds[i], "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH), "move_mount", path);
    close(devfds[i]);
  }
  CHECK(mkdir("/dev/pts", 0755), "mkdir", "/dev/pts");
  CHECK(mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5"),
        "mount devpts on", "/dev/pts");
  CHECK(symlink("pts/ptmx", "/dev/ptmx"), "symlink", "/dev/ptmx");
  CHECK(mkdir("/dev/shm", 01777), "mkdir", "/dev/shm");
  CHECK(mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k"), "mount tmpfs on",
        "/dev/shm");
  CHECK(mkdir("/dev/mqueue", 0755), "mkdir", "/dev/mqueue");
  CHECK(mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL), "mount mqueue on",
        "/dev/mqueue");
  static const char *const links[][2] = {
      {"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"}, {"/proc/self/fd/1", "/dev/stdout"},
      {"/proc/self/fd/2", "/dev/stderr"}, {"/proc/kcore", "/dev/core"}};
  for (size_t i = 0; i < sizeof links / sizeof *links; i++) CHECK(symlink(links[i][0], links[i][1]), "symlink", links[i][1]);
}

static void mask_paths(void) {
  for (size_t i = 0; i < sizeof MASKED / sizeof *MASKED; i++) {
    struct stat st;
    if (lstat(MASKED[i], &st) < 0) continue; /* not on this kernel */
    if (S_ISDIR(st.st_mode))
      CHECK(mount("tmpfs", MASKED[i], "tmpfs", MS_RDONLY, NULL), "mask (tmpfs)", MASKED[i]);
    else
      CHECK(mount("/dev/null", MASKED[i], NULL, MS_BIND, NULL), "mask (bind /dev/null)", MASKED[i]);
  }
  for (size_t i = 0; i < sizeof READONLY / sizeof *READONLY; i++) {
    if (access(READONLY[i], F_OK) < 0) continue;
    CHECK(mount(READONLY[i], READONLY[i], NULL, MS_BIND | MS_REC, NULL), "bind", READONLY[i]);
    CHECK(sys_mount_setattr(AT_FDCWD, READONLY[i], AT_RECURSIVE, MOUNT_ATTR_RDONLY), "mount_setattr(ro)", READONLY[i]);
  }
}

/* Volumes: the target is created inside the new root (its symlinks resolve there, never on the host). */
static void attach_binds(const struct conf *c, const int *bindfds) {
  for (size_t i = 0; i < c->n_binds; i++) {
    const char *dst = c->binds[i].dst;
    struct stat st;
    CHECK(fstat(bindfds[i], &st), "stat", c->binds[i].src);
    if (S_ISDIR(st.st_mode)) {
      CHECK(mkdir_p(dst), "mkdir", dst);
    } else {
      char parent[4096];
      snprintf(parent, sizeof parent, "%s", dst);
      char *slash = strrchr(parent, '/');
      if (slash && slash != parent) {
        *slash = 0;
        CHECK(mkdir_p(parent), "mkdir", parent);
      }
      touch(dst);
    }
    CHECK(sys_move_mount(bindfds[i], "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH), "bind mount on", dst);
    close(bindfds[i]);
  }
}

static void loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) fail("socket", NULL, errno);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  CHECK(ioctl(s, SIOCGIFFLAGS, &ifr), "ioctl(SIOCGIFFLAGS)", "lo");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  CHECK(ioctl(s, SIOCSIFFLAGS, &ifr), "ioctl(SIOCSIFFLAGS)", "lo");
  close(s);
}

void container_init(const struct conf *c, const struct init_fds *fds) {
  status_fd = fds->status;
  /* until the exec replaces us, /proc/1/exe is the host's shim binary: keep it out of reach (exec resets this) */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (dup2(fds->null, 0) < 0 || dup2(fds->out, 1) < 0 || dup2(fds->err, 2) < 0) fail("dup2", NULL, errno);
  /* The mounts go first: they need no cgroup, and the daemon's cgroup join (one RCU grace period on v1, ~10 ms)
   * runs meanwhile. Nothing of the container runs before the join: the exec waits for it. */
  /* nothing we mount may propagate back to the host; host unmounts still reach us */
  CHECK(mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL), "make / rslave", NULL);

  int devfds[N_DEVICES];
  for (size_t i = 0; i < N_DEVICES; i++) {
    char path[32];
    snprintf(path, sizeof path, "/dev/%s", DEVICES[i]);
    devfds[i] = clone_tree(path, 0, 0);
  }
  int *bindfds = calloc(c->n_binds + 1, sizeof *bindfds);
  if (!bindfds) fail("out of memory", NULL, ENOMEM);
  for (size_t i = 0; i < c->n_binds; i++) bindfds[i] = clone_tree(c->binds[i].src, 1, c->binds[i].readonly);
  int sysfd = c->network_host ? clone_tree("/sys", 1, !c->privileged) : -1;
  /* the filter file is a host path: read it before pivot_root, install it last (only the command is confined) */
  struct seccomp_prog filter = {NULL, 0};
  char serr[ERRMSG_MAX];
  if (c->seccomp && seccomp_load(c->seccomp, &filter, serr, sizeof serr) < 0) fail_msg(serr);

  mount_overlay(c);
  CHECK(chdir(c->rootfs), "chdir", c->rootfs);
  CHECK(sys_pivot_root(".", "."), "pivot_root", c->rootfs);
  /* the old root is now stacked on "."; detach it so no host path is reachable */
  CHECK(mount(NULL, ".", NULL, MS_REC | MS_SLAVE, NULL), "make old root rslave", NULL);
  CHECK(umount2(".", MNT_DETACH), "umount old root", NULL);
  CHECK(chdir("/"), "chdir", "/");

  CHECK(mkdir_p("/proc"), "mkdir", "/proc");
  CHECK(mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL), "mount proc on", "/proc");
  mount_dev(devfds);
  CHECK(mkdir_p("/sys"), "mkdir", "/sys");
  if (sysfd >= 0)
    CHECK(sys_move_mount(sysfd, "", AT_FDCWD, "/sys", MOVE_MOUNT_F_EMPTY_PATH), "bind host /sys on", "/sys");
  else
    CHECK(mount("sysfs", "/sys", "sysfs", (c->privileged ? 0 : MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL),
          "mount sysfs on", "/sys");
  attach_binds(c, bindfds);
  if (!c->privileged) mask_paths(); /* as docker --privileged: /proc and /sys unmasked */

  CHECK(sethostname(c->hostname, strlen(c->hostname)), "sethostname", c->hostname);
  if (!c->network_host) loopback_up();
  if (c->readonly) CHECK(mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), "remount / read-only", NULL);
  if (mkdir_p(c->cwd) < 0 && errno != EROFS) fail("mkdir (working dir)", c->cwd, errno);
  CHECK(chdir(c->cwd), "chdir (working dir)", c->cwd);

  char go;
  ssize_t n;
  do n = read(fds->go, &go, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) _exit(1); /* the daemon gave up (it reports why) */
  close(fds->go);
  /* in the container's cgroup now: a cgroup namespace rooted there */
  CHECK(unshare(CLONE_NEWCGROUP), "unshare(CLONE_NEWCGROUP)", NULL);

  char err[ERRMSG_MAX];
  if (drop_privileges(c->has_caps ? c->caps : DOCKER_DEFAULT_CAPS, 0, c->uid, c->gid, c->groups, c->n_groups, err, sizeof err) < 0) {
    size_t len = strlen(err);
    err[len] = '\n';
    write_all(status_fd, err, len + 1);
    _exit(1);
  }
  reset_signals();
  cloexec_from(3);
  if (filter.len && seccomp_apply(&filter, serr, sizeof serr) < 0) fail_msg(serr);
  exec_in_path(c->args, c->env);
  int e = errno;
  char msg[ERRMSG_MAX];
  snprintf(msg, sizeof msg, "tctop: exec %s: %s\n", c->args[0], strerror(e));
  write_all(2, msg, strlen(msg));
  _exit(exec_failure_status(e));
}
