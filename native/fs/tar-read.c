/* unpack: ustar/GNU/pax entries from stdin, each created with *at calls relative to its parent directory, which is
 * itself opened with openat2(RESOLVE_IN_ROOT): symlinks in the container resolve inside it, never outside. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fs.h"

static unsigned long long num(const char *f, size_t width) {
  if ((unsigned char)f[0] & 0x80) { /* base-256 */
    unsigned long long v = (unsigned char)f[0] & 0x7f;
    for (size_t i = 1; i < width; i++) v = v << 8 | (unsigned char)f[i];
    return v;
  }
  unsigned long long v = 0;
  for (size_t i = 0; i < width && f[i]; i++) {
    if (f[i] == ' ') continue;
    if (f[i] < '0' || f[i] > '7') break;
    v = v * 8 + (unsigned)(f[i] - '0');
  }
  return v;
}

static char *read_blob(unsigned long long size) {
  if (size > (1 << 20)) die("tar: a long name or pax header over 1 MiB", NULL, 0);
  size_t padded = (size_t)((size + 511) & ~511ULL);
  char *b = malloc(padded + 1);
  if (!b || read_full(0, b, padded) != padded) die("tar: truncated archive", NULL, 0);
  b[size] = 0;
  return b;
}

static void skip(unsigned long long size) {
  static char buf[1 << 16];
  for (unsigned long long left = (size + 511) & ~511ULL; left;) {
    size_t n = read_full(0, buf, left < sizeof buf ? (size_t)left : sizeof buf);
    if (!n) die("tar: truncated archive", NULL, 0);
    left -= n;
  }
}

/* pax records "<len> key=value\n": path and linkpath are all we need */
static void pax(char *b, char **path, char **linkpath) {
  for (char *p = b; *p;) {
    char *sp = strchr(p, ' ');
    long len = strtol(p, NULL, 10);
    if (!sp || len <= 0 || (size_t)len > strlen(p)) break;
    char *rec = sp + 1, *end = p + len - 1; /* end: the record's '\n' */
    *end = 0;
    if (!strncmp(rec, "path=", 5)) free(*path), *path = strdup(rec + 5);
    else if (!strncmp(rec, "linkpath=", 9)) free(*linkpath), *linkpath = strdup(rec + 9);
    p = end + 1;
  }
}

/* "a/./b//c/" -> "a/b/c"; NULL for a path with a ".." component (never written, as GNU tar refuses it). */
static char *clean(const char *raw, const char *from, const char *to) {
  char *out = malloc(strlen(raw) + (to ? strlen(to) : 0) + 2), *o = out;
  if (!out) die("out of memory", NULL, ENOMEM);
  const char *p = raw;
  int first = 1;
  while (*p) {
    while (*p == '/') p++;
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 2 && !strncmp(p, "..", 2)) {
      free(out);
      return NULL;
    }
    if (n && !(n == 1 && *p == '.')) {
      if (first && from && strlen(from) == n && !strncmp(p, from, n)) p = to, n = strlen(to);
      first = 0;
      if (o != out) *o++ = '/';
      memcpy(o, p, n), o += n;
      if (p == to) p = raw + (e ? (size_t)(e - raw) : strlen(raw)), n = 0;
    }
    p += n;
  }
  *o = 0;
  return out;
}

/* Opens the container directory <path>, creating missing components; each step is resolved by the kernel inside
 * the container's root (a symlink on the way is followed there, never outside). */
static int open_dir_making(const char *path) {
  char *buf = strdup(path);
  if (!buf) die("out of memory", NULL, ENOMEM);
  int fd = open_in_root("/", O_PATH | O_DIRECTORY, 0);
  for (char *p = buf; fd >= 0;) {
    while (*p == '/') p++;
    if (!*p) break;
    char *e = strchr(p, '/');
    if (e) *e = 0;
    int next = open_in_root(buf, O_PATH | O_DIRECTORY, 0);
    if (next < 0 && errno == ENOENT) {
      if (mkdirat(fd, p, 0755) < 0 && errno != EEXIST) die("mkdir", buf, errno);
      next = open_in_root(buf, O_PATH | O_DIRECTORY, 0);
    }
    if (next < 0) die("open directory", buf, errno);
    close(fd);
    fd = next;
    if (!e) break;
    *e = '/';
    p = e + 1;
  }
  if (fd < 0) die("open", path, errno);
  free(buf);
  return fd;
}

/* Splits "<dest>/<rel>" into its parent directory (opened) and leaf. */
static int open_parent(const char *dest, const char *rel, char **leaf) {
  size_t len = strlen(dest) + strlen(rel) + 2;
  char *full = malloc(len);
  if (!full) die("out of memory", NULL, ENOMEM);
  snprintf(full, len, "%s/%s", dest, rel);
  char *slash = strrchr(full, '/');
  *slash = 0;
  *leaf = strdup(slash + 1);
  int fd = open_dir_making(full);
  free(full);
  return fd;
}

/* Whatever non-directory is at the leaf goes first: we create, never write through, an existing entry. */
static void clear_leaf(int dir, const char *leaf, const char *name) {
  struct stat st;
  if (fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0) return;
  if (S_ISDIR(st.st_mode)) return;
  if (unlinkat(dir, leaf, 0) < 0 && errno != ENOENT) die("unlink", name, errno);
}

struct hdr {
  char type;
  mode_t mode;
  uid_t uid;
  gid_t gid;
  unsigned long long size;
  time_t mtime;
  dev_t dev;
};

static void set_meta(int dir, const char *leaf, int fd, const struct hdr *h, int keep_owner, const char *name) {
  uid_t uid = keep_owner ? h->uid : 0;
  gid_t gid = keep_owner ? h->gid : 0;
  if ((fd >= 0 ? fchown(fd, uid, gid) : fchownat(dir, leaf, uid, gid, AT_SYMLINK_NOFOLLOW)) < 0) die("chown", name, errno);
  if (fd >= 0 && fchmod(fd, h->mode & 07777) < 0) die("chmod", name, errno); /* after chown, which clears setuid */
  struct timespec ts[2] = {{h->mtime, 0}, {h->mtime, 0}};
  if (fd >= 0) futimens(fd, ts);
  else utimensat(dir, leaf, ts, AT_SYMLINK_NOFOLLOW);
}

static void create(const char *dest, const char *rel, const char *link, const struct hdr *h, int keep_owner) {
  char *leaf;
  int dir = open_parent(dest, rel, &leaf);
  int fd = -1;
  switch (h->type) {
    case '5':
      clear_leaf(dir, leaf, rel);
      if (mkdirat(dir, leaf, 0700) < 0 && errno != EEXIST) die("mkdir", rel, errno);
      if ((fd = openat(dir, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) die("open", rel, errno);
      break;
    case '2':
      clear_leaf(dir, leaf, rel);
      if (symlinkat(link, dir, leaf) < 0) die("symlink", rel, errno);
      break;
    case '1': {
      char *tleaf, *trel = strdup(link);
      int tdir = open_parent(dest, trel, &tleaf);
      clear_leaf(dir, leaf, rel);
      if (linkat(tdir, tleaf, dir, leaf, 0) < 0) die("link", rel, errno);
      close(tdir), free(tleaf), free(trel);
      free(leaf), close(dir);
      skip(h->size);
      return;
    }
    case '3':
    case '4':
    case '6':
      clear_leaf(dir, leaf, rel);
      if (mknodat(dir, leaf, (h->type == '3' ? S_IFCHR : h->type == '4' ? S_IFBLK : S_IFIFO) | 0600, h->dev) < 0) die("mknod", rel, errno);
      if (fchmodat(dir, leaf, h->mode & 07777, 0) < 0) die("chmod", rel, errno); /* (inside the root whatever it is) */
      break;
    default: { /* a regular file: O_EXCL | O_NOFOLLOW, so a symlink swapped in since clear_leaf is never followed */
      clear_leaf(dir, leaf, rel);
      fd = openat(dir, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0) die("create", rel, errno);
      static char buf[1 << 16];
      for (unsigned long long left = (h->size + 511) & ~511ULL, data = h->size; left;) {
        size_t n = read_full(0, buf, left < sizeof buf ? (size_t)left : sizeof buf);
        if (!n) die("tar: truncated archive at", rel, 0);
        size_t keep = data < n ? (size_t)data : n;
        if (keep) write_full(fd, buf, keep);
        data -= keep, left -= n;
      }
    }
  }
  if (h->type != '0' && h->type != '7' && h->type != 0) skip(h->size);
  set_meta(dir, leaf, fd, h, keep_owner, rel);
  if (fd >= 0) close(fd);
  free(leaf);
  close(dir);
}

void tar_unpack(const char *dest, const char *from, const char *to, int keep_owner) {
  int d = open_in_root(dest, O_PATH | O_DIRECTORY, 0);
  if (d < 0) die("open destination", dest, errno);
  close(d);
  char *long_name = NULL, *long_link = NULL;
  for (int zero_blocks = 0;;) {
    char b[512];
    size_t got = read_full(0, b, 512);
    if (got == 0) break; /* no end-of-archive blocks: accepted, as GNU tar */
    if (got != 512) die("tar: truncated header", NULL, 0);
    int zero = 1;
    for (int i = 0; i < 512 && zero; i++) zero = b[i] == 0;
    if (zero) {
      if (++zero_blocks == 2) break;
      continue;
    }
    zero_blocks = 0;
    unsigned sum = 0;
    for (int i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : (unsigned char)b[i];
    if (sum != num(b + 148, 8)) die("tar: bad header checksum", NULL, 0);
    struct hdr h = {b[156], (mode_t)num(b + 100, 8), (uid_t)num(b + 108, 8), (gid_t)num(b + 116, 8), num(b + 124, 12),
                    (time_t)num(b + 136, 12), makedev((unsigned)num(b + 329, 8), (unsigned)num(b + 337, 8))};
    if (h.type == 'L' || h.type == 'K' || h.type == 'x') {
      char *blob = read_blob(h.size);
      if (h.type == 'L') free(long_name), long_name = blob;
      else if (h.type == 'K') free(long_link), long_link = blob;
      else {
        pax(blob, &long_name, &long_link);
        free(blob);
      }
      continue;
    }
    if (h.type == 'g' || h.type == 'V') { /* global pax header, volume label */
      skip(h.size);
      continue;
    }
    char name[257], link[101];
    if (!memcmp(b + 257, "ustar\0", 6) && b[345]) snprintf(name, sizeof name, "%.155s/%.100s", b + 345, b);
    else snprintf(name, sizeof name, "%.100s", b);
    snprintf(link, sizeof link, "%.100s", b + 157);
    char *rel = clean(long_name ? long_name : name, from, to);
    const char *target = long_link ? long_link : link;
    char *trel = h.type == '1' ? clean(target, from, to) : NULL;
    if (!rel || (h.type == '1' && !trel)) die("tar: entry with a '..' component:", long_name ? long_name : name, 0);
    if (*rel) create(dest, rel, trel ? trel : target, &h, keep_owner);
    else skip(h.type == '0' || h.type == 0 ? h.size : 0); /* "./": the destination itself */
    free(rel), free(trel);
    free(long_name), free(long_link);
    long_name = long_link = NULL;
  }
}
