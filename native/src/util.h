/* Small helpers shared by every mode: error messages that name the call, the path and errno; full writes;
 * ISO-8601 UTC timestamps with nanoseconds (no stdio, no locale: the daemon must stay tiny). */
#ifndef TCTOP_UTIL_H
#define TCTOP_UTIL_H

#include <stddef.h>
#include <sys/types.h>

#define ERRMSG_MAX 1024

/* Formats "error: <what> <path>: <strerror> (<ERRNO>)" into buf (errnum 0: no errno part). */
void fmt_error(char *buf, size_t size, const char *what, const char *path, int errnum);

/* The one fatal-error path of every mode: "error: <what> <path>: <strerror> (<ERRNO>)\n" to the fd chosen with
 * fatal_to() (stderr until then: exec mode; the daemon's report pipe; the init's status pipe), then _exit(status). */
void fatal_to(int fd);
__attribute__((noreturn)) void fatal_status(int status, const char *what, const char *path, int errnum);
__attribute__((noreturn)) void fatal(const char *what, const char *path, int errnum);
/* The same with a message formatted already (by fmt_error or a helper's err buffer). */
__attribute__((noreturn)) void fatal_line(int status, const char *msg);

/* write() until done, retrying EINTR; returns 0 or -1 with errno. */
int write_all(int fd, const void *data, size_t len);

/* Reads a whole small file (NUL-terminated, malloc'd); NULL with errno on failure or if larger than max. */
char *read_file(const char *path, size_t max, size_t *len_out);

/* Writes "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" (30 chars + NUL) for CLOCK_REALTIME now. */
void iso_now(char out[32]);

/* Decimal of a signed number; returns the length. */
size_t fmt_long(char *out, long v);

/* Writes path.tmp, fsyncs it and renames it over path (a reader sees the old file or the new one, whole);
 * quietly nothing if the directory is gone (rm -f raced us: nobody to tell). */
void replace_file(const char *path, const char *data, size_t len);

/* mkdir -p (mode 0755); 0 or -1 with errno. */
int mkdir_p(const char *path);

/* Parses a non-negative decimal that fits an unsigned int; -1 on junk. */
long parse_uint(const char *s);

#endif
