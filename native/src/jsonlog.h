/* container.log in Docker's json-file format: {"log":"...","stream":"stdout","time":"...Z"} one a line. */
#ifndef TCTOP_JSONLOG_H
#define TCTOP_JSONLOG_H

#include <stddef.h>

#define LOG_LINE_MAX 16384 /* a longer line is split, as docker does */

struct stream {
  int fd; /* read end of the container's pipe; -1 at EOF */
  const char *name;
  size_t len; /* bytes of a pending partial line in buf */
  char buf[LOG_LINE_MAX];
};

/* Reads what is available from s->fd and logs every complete line; returns bytes read (0 = EOF, -1 error,
 * -2 nothing available now). */
long stream_pump(struct stream *s, int logfd);

/* Appends data read elsewhere (the daemon also sends it to attach clients) and logs every complete line. */
void stream_feed(struct stream *s, int logfd, const char *data, size_t len);

/* Logs the pending partial line (no trailing newline), if any. */
void stream_flush(struct stream *s, int logfd);

/* Writes one json-file record for data[0..len) to logfd. Invalid UTF-8 becomes \ufffd. */
void log_record(int logfd, const char *stream, const char *data, size_t len);

#endif
