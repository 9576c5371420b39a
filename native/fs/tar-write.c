/* pack: a walk that never follows a symlink (each child opened O_NOFOLLOW relative to its parent's fd, its type
 * taken from the fd itself), written as a GNU tar (ustar + 'L'/'K' long names, base-256 sizes). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fs.h"

struct link_seen {
  dev_t dev;
  ino_t ino;
  char *name;
};
static struct link_seen *links;
static size_t n_links;
static dev_t root_dev;
static int one_fs_only;

static void octal(char *field, size_t width, unsigned long long v) {
  if (width == 12 && v >= 077777777777ULL) { /* base-256: the high bit of the first byte marks it */
    memset(field, 0, width);
    field[0] = (char)0x80;
    for (size_t i = width - 1; i > 0 && v; i--, v >>= 8) field[i] = (char)(v & 0xff);
    return;
  }
  snprintf(field, width, "%0*llo", (int)width - 1, v);
}

static void header(const char *name, char type, const struct stat *st, unsigned long long size, const char *link);

static void long_entry(char type, const char *value) {
  struct stat st = {0};
  size_t len = strlen(value) + 1;
  header("././@LongLink", type, &st, len, "");
  write_full(1, value, len);
  static const char zeros[512];
  if (len % 512) write_full(1, zeros, 512 - len % 512);
}

static void header(const char *name, char type, const struct stat *st, unsigned long long size, const char *link) {
  if (strlen(name) > 100) long_entry('L', name);
  if (strlen(link) > 100) long_entry('K', link);
  char h[512];
  memset(h, 0, sizeof h);
  strncpy(h, name, 100);
  octal(h + 100, 8, st->st_mode & 07777);
  octal(h + 108, 8, st->st_uid);
  octal(h + 116, 8, st->st_gid);
  octal(h + 124, 12, size);
  octal(h + 136, 12, (unsigned long long)(st->st_mtime < 0 ? 0 : st->st_mtime));
  h[156] = type;
  strncpy(h + 157, link, 100);
  memcpy(h + 257, "ustar  ", 8); /* GNU magic + version */
  if (type == '3' || type == '4') {
    octal(h + 329, 8, major(st->st_rdev));
    octal(h + 337, 8, minor(st->st_rdev));
  }
  memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < 512; i++) sum += (unsigned char)h[i];
  snprintf(h + 148, 8, "%06o", sum);
  write_full(1, h, 512);
}

static void copy_data(int fd, unsigned long long size, const char *name) {
  static char buf[1 << 16];
  unsigned long long left = size;
  while (left) {
    size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
    size_t got = read_full(fd, buf, want);
    if (got == 0) { /* the file shrank while we read it: pad, as GNU tar does, so the archive stays whole */
      memset(buf, 0, want);
      got = want;
      fprintf(stderr, "tctop-fs: %s shrank while being read\n", name);
    }
    write_full(1, buf, got);
    left -= got;
  }
  static const char zeros[512];
  if (size % 512) write_full(1, zeros, 512 - size % 512);
}

static void emit_open(int fd, struct stat *stp, const char *name, int top);

/* One entry (already opened or not, per type) under its archive name; recurses into directories. */
static void entry(int parent, const char *child, const char *name, int top) {
  struct stat st;
  if (fstatat(parent, child, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT && !top) return; /* vanished during the walk */
    die("lstat", name[0] ? name : child, errno);
  }
  if (S_ISLNK(st.st_mode)) {
    char target[4097];
    ssize_t n = readlinkat(parent, child, target, sizeof target - 1);
    if (n < 0) return;
    target[n] = 0;
    if (name[0]) header(name, '2', &st, 0, target);
    return;
  }
  if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
    int fd = openat(parent, child, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
    if (fd < 0) {
      if (!top && (errno == ELOOP || errno == ENOENT || errno == ENOTDIR)) return; /* swapped under us: skip it */
      die("open", name[0] ? name : child, errno);
    }
    if (fstat(fd, &st) < 0) die("fstat", name, errno); /* the fd is the truth from here on */
    emit_open(fd, &st, name, top);
    return;
  }
  if (one_fs_only && st.st_dev != root_dev) return;
  char type = S_ISCHR(st.st_mode) ? '3' : S_ISBLK(st.st_mode) ? '4' : S_ISFIFO(st.st_mode) ? '6' : 0;
  if (type && name[0]) header(name, type, &st, 0, ""); /* sockets are not archived, as tar */
}

/* A regular file or directory already open (fd consumed). */
static void emit_open(int fd, struct stat *stp, const char *name, int top) {
  struct stat st = *stp;
  if (S_ISREG(st.st_mode)) {
    if (st.st_nlink > 1) {
      for (size_t i = 0; i < n_links; i++)
        if (links[i].dev == st.st_dev && links[i].ino == st.st_ino) {
          header(name, '1', &st, 0, links[i].name);
          close(fd);
          return;
        }
      struct link_seen *bigger = realloc(links, (n_links + 1) * sizeof *links);
      if (!bigger || !(bigger[n_links].name = strdup(name))) die("out of memory", NULL, ENOMEM);
      bigger[n_links].dev = st.st_dev, bigger[n_links++].ino = st.st_ino;
      links = bigger;
    }
    header(name, '0', &st, (unsigned long long)st.st_size, "");
    copy_data(fd, (unsigned long long)st.st_size, name);
    close(fd);
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    close(fd);
    return;
  }
  if (top) root_dev = st.st_dev;
  if (name[0]) {
    char *slash = malloc(strlen(name) + 2);
    if (!slash) die("out of memory", NULL, ENOMEM);
    sprintf(slash, "%s/", name);
    header(slash, '5', &st, 0, "");
    free(slash);
  }
  if (one_fs_only && st.st_dev != root_dev) { /* a mount point: the directory, not what is mounted on it */
    close(fd);
    return;
  }
  DIR *d = fdopendir(fd);
  if (!d) die("fdopendir", name, errno);
  struct dirent *de;
  while ((errno = 0, de = readdir(d))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
    size_t len = strlen(name) + strlen(de->d_name) + 2;
    char *sub = malloc(len);
    if (!sub) die("out of memory", NULL, ENOMEM);
    snprintf(sub, len, name[0] ? "%s/%s" : "%s%s", name, de->d_name);
    entry(dirfd(d), de->d_name, sub, 0);
    free(sub);
  }
  closedir(d);
}

void tar_pack(const char *path, const char *name, int one_fs, int follow) {
  one_fs_only = one_fs;
  if (follow) { /* -L: the source's symlinks are followed (inside the root); what is below it, never */
    int fd = open_in_root(path, O_RDONLY | O_NONBLOCK, 0);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) die("open", path, errno);
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) die("not a file or directory:", path, 0);
    emit_open(fd, &st, name, 1);
    static const char end_blocks[1024];
    write_full(1, end_blocks, sizeof end_blocks);
    return;
  }
  /* the parent is resolved in the root (its symlinks included); the last component is never followed */
  char *copy = strdup(path), *slash;
  if (!copy) die("out of memory", NULL, ENOMEM);
  size_t len = strlen(copy);
  while (len > 1 && copy[len - 1] == '/') copy[--len] = 0;
  const char *child = ".";
  int parent;
  if (!strcmp(copy, "/")) parent = open_in_root("/", O_PATH | O_DIRECTORY, 0);
  else {
    slash = strrchr(copy, '/');
    child = slash ? slash + 1 : copy;
    if (slash) *slash = 0;
    parent = open_in_root(slash ? (slash == copy ? "/" : copy) : ".", O_PATH | O_DIRECTORY, 0);
    if (!strcmp(child, "..") || !strcmp(child, ".")) die("path must not end in . or ..:", path, 0);
  }
  if (parent < 0) die("open", path, errno);
  entry(parent, child, name, 1);
  static const char end[1024];
  write_full(1, end, sizeof end);
}
