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
#include "pty.h"
#include "seccomp.h"
#include "secure.h"
#include "util.h"

#define CHECK(call, what, path)                  \
  do {                                           \
    if ((call) < 0) fatal((what), (path), errno); \
  } while (0)

static void loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) fatal("socket", NULL, errno);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  CHECK(ioctl(s, SIOCGIFFLAGS, &ifr), "ioctl(SIOCGIFFLAGS)", "lo");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  CHECK(ioctl(s, SIOCSIFFLAGS, &ifr), "ioctl(SIOCSIFFLAGS)", "lo");
  close(s);
}

/* A pty of the container's own devpts (so `tty` names /dev/pts/N inside), its master handed to the daemon, its
 * slave the init's controlling terminal and stdio. The user owns it, as with docker. */
static void open_console(const struct conf *c, int console) {
  int master, slave;
  CHECK(pty_open(&master, &slave), "open pty", "/dev/ptmx");
  CHECK(fchown(slave, (uid_t)c->uid, (gid_t)-1), "chown", "(pty)");
  CHECK(send_fd(console, master), "send pty master", NULL);
  close(master);
  close(console);
  CHECK(pty_make_stdio(slave), "make pty the controlling terminal", NULL);
}

/* A prepared namespace (the CLI made it, with its veth, address and route): joined first, so the /sys mounted
 * below shows its interfaces. */
static void join_netns(const struct conf *c) {
  if (!c->netns) return;
  int fd = open(c->netns, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fatal("open network namespace", c->netns, errno);
  if (setns(fd, CLONE_NEWNET) < 0) fatal("setns(CLONE_NEWNET)", c->netns, errno);
  close(fd);
}

void container_init(const struct conf *c, const struct init_fds *fds) {
  fatal_to(fds->status);
  /* until the exec replaces us, /proc/1/exe is the host's shim binary: keep it out of reach (exec resets this) */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  join_netns(c);
  if (dup2(fds->in, 0) < 0 || dup2(fds->out, 1) < 0 || dup2(fds->err, 2) < 0) fatal("dup2", NULL, errno);
  /* The mounts go first: they need no cgroup, and the daemon's cgroup join (one RCU grace period on v1, ~10 ms)
   * runs meanwhile. Nothing of the container runs before the join: the exec waits for it. */
  /* nothing we mount may propagate back to the host; host unmounts still reach us */
  CHECK(mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL), "make / rslave", NULL);

  int devfds[N_DEVICES];
  clone_devices(devfds);
  int *bindfds = calloc(c->n_binds + 1, sizeof *bindfds);
  if (!bindfds) fatal("out of memory", NULL, ENOMEM);
  for (size_t i = 0; i < c->n_binds; i++) bindfds[i] = clone_tree(c->binds[i].src, 1, c->binds[i].readonly);
  int sysfd = c->network_host ? clone_tree("/sys", 1, !c->privileged) : -1;
  /* the filter file is a host path: read it before pivot_root, install it last (only the command is confined) */
  struct seccomp_prog filter = {NULL, 0};
  char serr[ERRMSG_MAX];
  if (c->seccomp && seccomp_load(c->seccomp, &filter, serr, sizeof serr) < 0) fatal_line(1, serr);

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

  if (fds->console >= 0) open_console(c, fds->console);
  CHECK(sethostname(c->hostname, strlen(c->hostname)), "sethostname", c->hostname);
  if (!c->network_host) loopback_up();
  if (c->readonly) CHECK(mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), "remount / read-only", NULL);
  if (mkdir_p(c->cwd) < 0 && errno != EROFS) fatal("mkdir (working dir)", c->cwd, errno);
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
  if (drop_privileges(c->has_caps ? c->caps : DOCKER_DEFAULT_CAPS, 0, c->uid, c->gid, c->groups, c->n_groups, err, sizeof err) < 0)
    fatal_line(1, err);
  reset_signals();
  cloexec_from(3);
  if (filter.len && seccomp_apply(&filter, serr, sizeof serr) < 0) fatal_line(1, serr);
  exec_in_path(c->args, c->env);
  int e = errno;
  char msg[ERRMSG_MAX];
  snprintf(msg, sizeof msg, "tctop: exec %s: %s\n", c->args[0], strerror(e));
  write_all(2, msg, strlen(msg));
  _exit(exec_failure_status(e));
}
