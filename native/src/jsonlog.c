#include "jsonlog.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Worst case: every byte becomes \u00XX (6) or \ufffd; plus the envelope. Static: touched only by long lines. */
static char out[LOG_LINE_MAX * 6 + 128];

/* Length of a valid UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates, <= U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p, size_t avail) {
  unsigned char c = p[0];
  size_t n;
  unsigned char lo = 0x80, hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else
    return 0;
  if (avail < n) return 0;
  if (p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < n; i++)
    if (p[i] < 0x80 || p[i] > 0xbf) return 0;
  return n;
}

static const char hex[] = "0123456789abcdef";

void log_record(int logfd, const char *stream, const char *data, size_t len) {
  char *o = out;
  memcpy(o, "{\"log\":\"", 8), o += 8;
  const unsigned char *p = (const unsigned char *)data, *end = p + len;
  while (p < end) {
    unsigned char c = *p;
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      *o++ = (char)c, p++;
    } else if (c == '"' || c == '\\') {
      *o++ = '\\', *o++ = (char)c, p++;
    } else if (c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
      *o++ = '\\', *o++ = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : c == '\b' ? 'b' : 'f', p++;
    } else if (c < 0x20) {
      memcpy(o, "\\u00", 4), o += 4, *o++ = hex[c >> 4], *o++ = hex[c & 15], p++;
    } else {
      size_t n = utf8_len(p, (size_t)(end - p));
      if (n == 0) {
        memcpy(o, "\\ufffd", 6), o += 6, p++;
      } else {
        memcpy(o, p, n), o += n, p += n;
      }
    }
  }
  memcpy(o, "\",\"stream\":\"", 12), o += 12;
  size_t sl = strlen(stream);
  memcpy(o, stream, sl), o += sl;
  memcpy(o, "\",\"time\":\"", 10), o += 10;
  char ts[32];
  iso_now(ts);
  memcpy(o, ts, 30), o += 30;
  memcpy(o, "\"}\n", 3), o += 3;
  /* one write per record: a reader tailing the file never sees two records interleaved */
  write_all(logfd, out, (size_t)(o - out));
}

static void emit_lines(struct stream *s, int logfd) {
  size_t start = 0;
  for (size_t i = 0; i < s->len; i++) {
    if (s->buf[i] == '\n') {
      log_record(logfd, s->name, s->buf + start, i + 1 - start);
      start = i + 1;
    }
  }
  if (start == 0 && s->len == sizeof s->buf) { /* no newline in a full buffer: split it */
    log_record(logfd, s->name, s->buf, s->len);
    start = s->len;
  }
  memmove(s->buf, s->buf + start, s->len - start);
  s->len -= start;
}

long stream_pump(struct stream *s, int logfd) {
  ssize_t n;
  do n = read(s->fd, s->buf + s->len, sizeof s->buf - s->len);
  while (n < 0 && errno == EINTR);
  if (n < 0) return errno == EAGAIN ? -2 : -1;
  if (n == 0) return 0;
  s->len += (size_t)n;
  emit_lines(s, logfd);
  return n;
}

void stream_feed(struct stream *s, int logfd, const char *data, size_t len) {
  while (len > 0) {
    size_t room = sizeof s->buf - s->len, n = len < room ? len : room;
    memcpy(s->buf + s->len, data, n);
    s->len += n, data += n, len -= n;
    emit_lines(s, logfd);
  }
}

void stream_flush(struct stream *s, int logfd) {
  if (s->len == 0) return;
  log_record(logfd, s->name, s->buf, s->len);
  s->len = 0;
}
