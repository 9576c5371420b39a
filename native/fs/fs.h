/* tctop-fs: reads and writes a container's filesystem for cp and export. Every path is resolved by the kernel
 * inside the container's root (chroot into it, then openat2 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so no
 * symlink the container holds, swaps or races can lead outside it (the CVE-2018-15664 lesson). */
#ifndef TCTOP_FS_H
#define TCTOP_FS_H

#include <stddef.h>
#include <sys/types.h>

__attribute__((noreturn)) void die(const char *what, const char *path, int errnum);

/* openat2 relative to the root, confined to it, never through /proc magic links. */
int open_in_root(const char *path, int flags, mode_t mode);

/* write()/read() until done; read_full returns the bytes read (less only at EOF). */
void write_full(int fd, const void *buf, size_t len);
size_t read_full(int fd, void *buf, size_t len);

/* pack: a tar of <path> on stdout, the top entry named <name> ("" : only its children, unprefixed);
 * one_fs: do not descend into other filesystems (export); follow: resolve <path> itself through symlinks (cp -L). */
void tar_pack(const char *path, const char *name, int one_fs, int follow);

/* unpack: a tar from stdin into the directory <dir>; a leading path component <from> is renamed <to> (NULL: none);
 * keep_owner 0: every entry owned by 0:0 (docker cp without -a). */
void tar_unpack(const char *dir, const char *from, const char *to, int keep_owner);

#endif
