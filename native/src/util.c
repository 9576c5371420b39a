#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void fmt_error(char *buf, size_t size, const char *what, const char *path, int errnum) {
  if (errnum == 0)
    snprintf(buf, size, "error: %s%s%s", what, path ? " " : "", path ? path : "");
  else
    snprintf(buf, size, "error: %s%s%s: %s (%s)", what, path ? " " : "", path ? path : "", strerror(errnum),
             strerrorname_np(errnum) ? strerrorname_np(errnum) : "?");
}

static int fatal_fd = 2;

void fatal_to(int fd) { fatal_fd = fd; }

void fatal_line(int status, const char *msg) {
  size_t len = strlen(msg);
  write_all(fatal_fd, msg, len);
  if (len == 0 || msg[len - 1] != '\n') write_all(fatal_fd, "\n", 1);
  _exit(status);
}

void fatal_status(int status, const char *what, const char *path, int errnum) {
  char msg[ERRMSG_MAX];
  fmt_error(msg, sizeof msg, what, path, errnum);
  fatal_line(status, msg);
}

void fatal(const char *what, const char *path, int errnum) { fatal_status(1, what, path, errnum); }

int write_all(int fd, const void *data, size_t len) {
  const char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

char *read_file(const char *path, size_t max, size_t *len_out) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap + 1);
  if (!buf) goto fail;
  for (;;) {
    if (len == cap) {
      if (cap >= max) {
        errno = EFBIG;
        goto fail;
      }
      cap *= 2;
      char *bigger = realloc(buf, cap + 1);
      if (!bigger) goto fail;
      buf = bigger;
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      goto fail;
    }
    if (n == 0) break;
    len += (size_t)n;
  }
  close(fd);
  buf[len] = 0;
  if (len_out) *len_out = len;
  return buf;
fail : {
  int e = errno;
  free(buf);
  close(fd);
  errno = e;
  return NULL;
}
}

static void two(char *p, long v) {
  p[0] = (char)('0' + v / 10 % 10);
  p[1] = (char)('0' + v % 10);
}

void iso_now(char out[32]) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  /* days since epoch -> civil date (Howard Hinnant's algorithm): no gmtime, no tz files */
  long long secs = ts.tv_sec, days = secs / 86400, rem = secs % 86400;
  if (rem < 0) rem += 86400, days--;
  long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  long long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) y++;
  char *p = out;
  two(p, (long)(y / 100)), two(p + 2, (long)(y % 100)), p[4] = '-';
  two(p + 5, (long)m), p[7] = '-', two(p + 8, (long)d), p[10] = 'T';
  two(p + 11, (long)(rem / 3600)), p[13] = ':', two(p + 14, (long)(rem / 60 % 60)), p[16] = ':';
  two(p + 17, (long)(rem % 60)), p[19] = '.';
  long ns = ts.tv_nsec;
  for (int i = 28; i >= 20; i--) p[i] = (char)('0' + ns % 10), ns /= 10;
  p[29] = 'Z', p[30] = 0;
}

size_t fmt_long(char *out, long v) {
  char tmp[24];
  size_t n = 0, len = 0;
  unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
  do tmp[n++] = (char)('0' + u % 10), u /= 10;
  while (u);
  if (v < 0) out[len++] = '-';
  while (n) out[len++] = tmp[--n];
  out[len] = 0;
  return len;
}

void replace_file(const char *path, const char *data, size_t len) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  int ok = write_all(fd, data, len) == 0 && fsync(fd) == 0;
  close(fd);
  if (!ok || rename(tmp, path) < 0) unlink(tmp);
}

int mkdir_p(const char *path) {
  char buf[4096];
  size_t len = strlen(path);
  if (len == 0 || len >= sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(buf, path, len + 1);
  for (char *p = buf + 1;; p++) {
    if (*p == '/' || *p == 0) {
      char c = *p;
      *p = 0;
      if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1;
      *p = c;
      if (c == 0) break;
    }
  }
  struct stat st;
  if (stat(path, &st) < 0) return -1;
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return -1;
  }
  return 0;
}

long parse_uint(const char *s) {
  if (!s || !*s) return -1;
  long v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return -1;
    v = v * 10 + (*s - '0');
    if (v > 0xfffffffeL) return -1;
  }
  return v;
}
