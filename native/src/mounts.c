/* The container's mount steps, run by the init (errors go through fatal(): the init's status pipe). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mounts.h" /* after <sys/mount.h>: glibc 2.36 and <linux/mount.h> clash the other way round */
#include "util.h"

#define CHECK(call, what, path)                   \
  do {                                            \
    if ((call) < 0) fatal((what), (path), errno); \
  } while (0)

static const char *const DEVICES[N_DEVICES] = {"null", "zero", "full", "random", "urandom", "tty"};

/* As runc: nothing in them is the container's business. */
static const char *const MASKED[] = {"/proc/acpi",        "/proc/kcore",         "/proc/keys",     "/proc/latency_stats",
                                     "/proc/timer_list",  "/proc/timer_stats",   "/proc/sched_debug", "/proc/scsi",
                                     "/sys/firmware",     "/sys/devices/virtual/powercap"};
static const char *const READONLY[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};

/* A detached copy of a host mount tree, taken before pivot_root and attached inside the new root afterwards. */
int clone_tree(const char *path, int recursive, int readonly) {
  int fd = sys_open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
  if (fd < 0) fatal("open_tree", path, errno);
  if (readonly && sys_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, MOUNT_ATTR_RDONLY) < 0)
    fatal("mount_setattr(ro)", path, errno);
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
    if (strpbrk(c->lowerdirs[i], ",:\\")) fatal("overlay layer path holds ',' ':' or '\\':", c->lowerdirs[i], 0);
    total += strlen(c->lowerdirs[i]) + 1;
  }
  int short_names = total + strlen(c->upperdir) + strlen(c->workdir) > 4000;
  char *opts = malloc(total + 32 * c->n_lowerdirs + strlen(c->upperdir) + strlen(c->workdir));
  if (!opts) fatal("out of memory", NULL, ENOMEM);
  char *o = opts + sprintf(opts, "lowerdir=");
  for (size_t i = 0; i < c->n_lowerdirs; i++) {
    if (short_names) {
      int fd = open(c->lowerdirs[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) fatal("open layer", c->lowerdirs[i], errno);
      o += sprintf(o, "%s/proc/self/fd/%d", i ? ":" : "", fd);
    } else
      o += sprintf(o, "%s%s", i ? ":" : "", c->lowerdirs[i]);
  }
  sprintf(o, ",upperdir=%s,workdir=%s", c->upperdir, c->workdir);
  if (strlen(opts) > 4095) fatal("overlay options longer than a page for", c->rootfs, 0);
  if (mount("overlay", c->rootfs, "overlay", 0, opts) < 0) fatal("mount overlay on", c->rootfs, errno);
  free(opts);
}

void mount_overlay(const struct conf *c) {
  int r = mount_overlay_fsconfig(c);
  if (r == -2) mount_overlay_legacy(c);
  else if (r < 0) fatal("mount overlay on", c->rootfs, errno);
}

static void touch(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0 && errno != EEXIST) fatal("create mount point", path, errno);
  if (fd >= 0) close(fd);
}

void mount_dev(const int devfds[N_DEVICES]) {
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

void mask_paths(void) {
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

void clone_devices(int devfds[N_DEVICES]) {
  for (size_t i = 0; i < N_DEVICES; i++) {
    char path[32];
    snprintf(path, sizeof path, "/dev/%s", DEVICES[i]);
    devfds[i] = clone_tree(path, 0, 0);
  }
}

/* Volumes: the target is created inside the new root (its symlinks resolve there, never on the host). */
void attach_binds(const struct conf *c, const int *bindfds) {
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
