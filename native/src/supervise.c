/* The daemon's loop: the init's output to the log and to attach clients, clients' input to the init, reaping (we are
 * the subreaper), and the restart policy with docker's backoff: 100 ms doubling before each restart, at most a
 * minute, back to 100 ms after a run of 10 s or more. Ends once the container has ended for good and its output is
 * drained: exit.json, then the exit frame to every client. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "attach.h"
#include "daemon.h"
#include "util.h"

#define PARTIAL_FLUSH_MS 100 /* a partial line is logged once its source has been quiet this long */
#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 60000
#define BACKOFF_RESET_MS 10000

static struct daemon *D;

static void on_input(const char *data, size_t len) {
  int fd = D->c->tty ? D->master : D->in_w;
  if (fd >= 0 && write(fd, data, len) < 0) { /* full (the container is not reading): dropped, never blocking us */
  }
}

static void on_end_of_input(void) {
  if (!D->c->tty && D->in_w >= 0) close(D->in_w), D->in_w = -1;
}

static void on_resize(unsigned short rows, unsigned short cols) {
  struct winsize ws = {.ws_row = rows, .ws_col = cols};
  if (D->master >= 0) ioctl(D->master, TIOCSWINSZ, &ws);
}

static void on_no_restart(void) { D->no_restart = 1; }

static const struct attach_handlers handlers = {on_input, on_end_of_input, on_resize, on_no_restart};

static void close_stream(struct stream *s) {
  stream_flush(s, D->logfd);
  if (s->fd == D->master) D->master = -1;
  close(s->fd);
  s->fd = -1;
}

/* Returns the bytes read, 0 once closed, -1 if nothing is there now. */
static ssize_t pump(struct stream *s, char type) {
  static char chunk[LOG_LINE_MAX];
  ssize_t n = read(s->fd, chunk, sizeof chunk);
  if (n > 0) {
    attach_output(type, chunk, (size_t)n);
    stream_feed(s, D->logfd, chunk, (size_t)n);
    return n;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return -1;
  close_stream(s); /* EOF; EIO: a pty with no slave left */
  return 0;
}

static long ms_since(const struct timespec *t) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static int wants_restart(int status) {
  if (D->no_restart) return 0;
  switch (D->c->restart) {
  case RESTART_ALWAYS:
  case RESTART_UNLESS_STOPPED: return 1; /* no daemon restarts here, so the two are one */
  case RESTART_ON_FAILURE: return exit_code_of(status) != 0 && (D->c->restart_max == 0 || D->run.restart_count < D->c->restart_max);
  default: return 0;
  }
}

/* The last run is over: no more writers but the container's (gone with its PID namespace), so the pipes reach EOF. */
static void end_for_good(void) {
  if (D->out_w >= 0) close(D->out_w), D->out_w = -1;
  if (D->err_w >= 0) close(D->err_w), D->err_w = -1;
  if (D->in_w >= 0) close(D->in_w), D->in_w = -1;
}

void supervise(struct daemon *d) {
  D = d;
  int status = 0, final = 0;
  long backoff = BACKOFF_FIRST_MS, wait_ms = -1; /* wait_ms >= 0: restarting, this long after restart_from */
  struct timespec restart_from = {0};
  while (!final || d->out.fd >= 0 || d->err.fd >= 0) {
    struct pollfd p[4 + 16] = {{d->sigfd, POLLIN, 0}, {d->out.fd, POLLIN, 0}, {d->err.fd, POLLIN, 0}, {d->owner_fd, POLLIN, 0}};
    int na = attach_poll_fds(p + 4, 16);
    int pending = d->out.len > 0 || d->err.len > 0;
    int timeout = pending ? PARTIAL_FLUSH_MS : -1;
    if (wait_ms >= 0) {
      long left = wait_ms - ms_since(&restart_from);
      if (left < 0) left = 0;
      if (timeout < 0 || left < timeout) timeout = (int)left;
    }
    int n = poll(p, (nfds_t)(4 + na), timeout);
    if (n < 0 && errno != EINTR) break;
    if (n == 0 && pending) stream_flush(&d->out, d->logfd), stream_flush(&d->err, d->logfd);
    if (n > 0 && p[0].revents) {
      struct signalfd_siginfo si;
      while (read(d->sigfd, &si, sizeof si) > 0) {
      }
      int st;
      pid_t pid;
      while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        if (pid != d->init) continue;
        status = st, d->init = 0, d->run.last_exit = exit_code_of(st);
        if (!wants_restart(st)) {
          final = 1;
          end_for_good();
          continue;
        }
        if (ms_since(&d->run_started) >= BACKOFF_RESET_MS) backoff = BACKOFF_FIRST_MS;
        wait_ms = backoff;
        backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
        clock_gettime(CLOCK_MONOTONIC, &restart_from);
        d->run.restarting = 1;
        write_run(d->state_dir, &d->run);
      }
    }
    if (n > 0 && p[3].revents && d->owner_fd >= 0) { /* the owner ended: so does the container, for good */
      close(d->owner_fd), d->owner_fd = -1;
      d->no_restart = 1;
      if (d->init > 0) kill(d->init, SIGKILL); /* its PID namespace's init: every process in it goes */
    }
    if (n > 0) {
      if (p[1].revents && d->out.fd >= 0) pump(&d->out, 'o');
      if (p[2].revents && d->err.fd >= 0) pump(&d->err, 'E');
      attach_handle(p + 4, na, &handlers);
    }
    if (wait_ms >= 0 && d->no_restart) { /* `stop` while waiting to restart: it ends here */
      wait_ms = -1, final = 1;
      end_for_good();
    }
    if (wait_ms >= 0 && ms_since(&restart_from) >= wait_ms) {
      wait_ms = -1;
      if (d->master >= 0) { /* the last run's pty: drained, replaced by the new run's */
        while (pump(&d->out, 'o') > 0) {
        }
        if (d->out.fd >= 0) close_stream(&d->out);
      }
      char err[ERRMSG_MAX];
      pid_t pid = start_init(d, err, sizeof err);
      if (pid < 0) { /* a setup that worked once and fails now (a volume gone...): said in the log, and over */
        log_record(d->logfd, "stderr", err, strlen(err));
        final = 1;
        end_for_good();
        continue;
      }
      d->init = pid, d->run.pid = pid, d->run.restart_count++, d->run.restarting = 0;
      iso_now(d->run.started_at);
      clock_gettime(CLOCK_MONOTONIC, &d->run_started);
      write_run(d->state_dir, &d->run);
    }
  }
  if (d->out.fd >= 0) stream_flush(&d->out, d->logfd);
  if (d->err.fd >= 0) stream_flush(&d->err, d->logfd);
  while (d->init > 0) { /* only after a poll failure: never record an exit we did not see */
    if (waitpid(d->init, &status, 0) == d->init) break;
    if (errno != EINTR) return;
  }
  write_exit(d->c, d->run.pid, status);
  attach_finish(exit_code_of(status));
}
