/* Thin wrappers over the new mount API (open_tree, move_mount, mount_setattr: Linux >= 5.12), not in glibc 2.36's
 * headers together with <linux/mount.h>. */
#ifndef TCTOP_MOUNTS_H
#define TCTOP_MOUNTS_H

#include <fcntl.h>
#include <linux/mount.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
/* The container's filesystem view, in mounts.c. */
#include "conf.h"

#define N_DEVICES 6 /* null zero full random urandom tty, bind-mounted from the host */

/* A detached copy of a host mount tree (open_tree), taken before pivot_root, attached inside afterwards. */
int clone_tree(const char *path, int recursive, int readonly);
void clone_devices(int devfds[N_DEVICES]);
/* The image's layers and the container's upper dir on c->rootfs (fsconfig lowerdir+, or mount(2) on old kernels). */
void mount_overlay(const struct conf *c);
/* Inside the new root: /dev (the cloned devices, its own devpts, shm, mqueue), masked and read-only /proc paths,
 * volumes. */
void mount_dev(const int devfds[N_DEVICES]);
void mask_paths(void);
void attach_binds(const struct conf *c, const int *bindfds);

#endif

static inline int sys_open_tree(int dfd, const char *path, unsigned flags) {
  return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static inline int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags) {
  return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static inline int sys_mount_setattr(int dfd, const char *path, unsigned flags, uint64_t set) {
  struct mount_attr attr = {.attr_set = set};
  return (int)syscall(SYS_mount_setattr, dfd, path, flags, &attr, sizeof attr);
}

static inline int sys_fsopen(const char *fsname, unsigned flags) { return (int)syscall(SYS_fsopen, fsname, flags); }

static inline int sys_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux) {
  return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static inline int sys_fsmount(int fd, unsigned flags, unsigned attr_flags) {
  return (int)syscall(SYS_fsmount, fd, flags, attr_flags);
}

static inline int sys_pivot_root(const char *new_root, const char *put_old) {
  return (int)syscall(SYS_pivot_root, new_root, put_old);
}

/* The container's filesystem view, in mounts.c. */
#include "conf.h"

#define N_DEVICES 6 /* null zero full random urandom tty, bind-mounted from the host */

/* A detached copy of a host mount tree (open_tree), taken before pivot_root, attached inside afterwards. */
int clone_tree(const char *path, int recursive, int readonly);
void clone_devices(int devfds[N_DEVICES]);
/* The image's layers and the container's upper dir on c->rootfs (fsconfig lowerdir+, or mount(2) on old kernels). */
void mount_overlay(const struct conf *c);
/* Inside the new root: /dev (the cloned devices, its own devpts, shm, mqueue), masked and read-only /proc paths,
 * volumes. */
void mount_dev(const int devfds[N_DEVICES]);
void mask_paths(void);
void attach_binds(const struct conf *c, const int *bindfds);

#endif
