#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "attach.h"
#include "pty.h"
#include "util.h"

struct client_opts {
  const char *state;
  int stdin_open, tty, status_fd;
  unsigned char keys[16];
  size_t n_keys;
};

static struct termios saved;
static int raw;

static int hexval(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; }

static void parse(int argc, char **argv, struct client_opts *o) {
  memset(o, 0, sizeof *o);
  o->status_fd = -1;
  o->keys[0] = 0x10, o->keys[1] = 0x11, o->n_keys = 2; /* docker's default: ctrl-p ctrl-q */
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--stdin")) o->stdin_open = 1;
    else if (!strcmp(a, "--tty")) o->tty = 1;
    else if (i + 1 < argc && !strcmp(a, "--state")) o->state = argv[++i];
    else if (i + 1 < argc && !strcmp(a, "--status-fd")) o->status_fd = (int)parse_uint(argv[++i]);
    else if (i + 1 < argc && !strcmp(a, "--detach-keys")) {
      const char *h = argv[++i];
      size_t len = strlen(h);
      if (len % 2 || len / 2 > sizeof o->keys) fatal("bad --detach-keys", h, 0);
      for (o->n_keys = 0; o->n_keys < len / 2; o->n_keys++) {
        int hi = hexval(h[2 * o->n_keys]), lo = hexval(h[2 * o->n_keys + 1]);
        if (hi < 0 || lo < 0) fatal("bad --detach-keys", h, 0);
        o->keys[o->n_keys] = (unsigned char)(hi * 16 + lo);
      }
    } else
      fatal("usage: tctop-shim attach --state <dir> [--stdin] [--tty] [--detach-keys hex] [--status-fd n], not", a, 0);
  }
  if (!o->state) fatal("attach: --state is required", NULL, 0);
}

static int connect_socket(const char *state) {
  int dir = open(state, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return -1;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/attach.sock", dir);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int r = s < 0 ? -1 : connect(s, (struct sockaddr *)&addr, sizeof addr);
  close(dir);
  if (r < 0 && s >= 0) close(s), s = -1;
  return s;
}

static int send_frame(int s, char type, const void *data, size_t len) {
  unsigned char h[FRAME_HEADER];
  frame_header(h, type, len);
  if (write_all(s, h, sizeof h) < 0) return -1;
  return len ? write_all(s, data, len) : 0;
}

static void send_winsize(int s) {
  struct winsize ws;
  if (ioctl(0, TIOCGWINSZ, &ws) < 0 && ioctl(1, TIOCGWINSZ, &ws) < 0) return;
  unsigned char p[4] = {(unsigned char)(ws.ws_row >> 8), (unsigned char)ws.ws_row, (unsigned char)(ws.ws_col >> 8), (unsigned char)ws.ws_col};
  send_frame(s, 'w', p, 4);
}

__attribute__((noreturn)) static void finish(const struct client_opts *o, const char *status, int code) {
  if (raw) tty_restore(0, &saved);
  if (o->status_fd >= 0) {
    write_all(o->status_fd, status, strlen(status));
    write_all(o->status_fd, "\n", 1);
  }
  _exit(code);
}

/* Stdin to the socket, holding back a possible start of the detach sequence; returns 1 once it was typed whole. */
static int forward_input(int s, const struct client_opts *o, const unsigned char *buf, size_t n, size_t *matched) {
  unsigned char out[FRAME_MAX + 16];
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    if (o->tty && o->n_keys && buf[i] == o->keys[*matched]) {
      if (++*matched == o->n_keys) return 1;
      continue;
    }
    if (*matched) memcpy(out + len, o->keys, *matched), len += *matched, *matched = 0; /* not the sequence after all */
    if (o->tty && o->n_keys && buf[i] == o->keys[0]) {
      *matched = 1;
      continue;
    }
    out[len++] = buf[i];
  }
  if (len) send_frame(s, 'i', out, len);
  return 0;
}

/* Frames from the shim; returns 1 with *code once the exit frame came. */
static int output(unsigned char *in, size_t *in_len, int *code) {
  size_t off = 0;
  while (*in_len - off >= FRAME_HEADER) {
    unsigned char *f = in + off;
    size_t len = (size_t)(f[1] << 8 | f[2]);
    if (*in_len - off < FRAME_HEADER + len) break;
    if (f[0] == 'o') write_all(1, f + FRAME_HEADER, len);
    else if (f[0] == 'E') write_all(2, f + FRAME_HEADER, len);
    else if (f[0] == 'x' && len == 4) {
      *code = (int)((unsigned)f[3] << 24 | (unsigned)f[4] << 16 | (unsigned)f[5] << 8 | f[6]);
      return 1;
    }
    off += FRAME_HEADER + len;
  }
  memmove(in, in + off, *in_len - off);
  *in_len -= off;
  return 0;
}

int attach_main(int argc, char **argv) {
  struct client_opts o;
  parse(argc, argv, &o);
  prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0); /* the CLI killed (even SIGKILL): leave the terminal as it was, detach */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGWINCH), sigaddset(&set, SIGTERM), sigaddset(&set, SIGHUP), sigaddset(&set, SIGINT);
  sigaddset(&set, SIGPIPE);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int sigfd = signalfd(-1, &set, SFD_CLOEXEC);
  int s = connect_socket(o.state);
  if (s < 0) finish(&o, "unreachable", 1);
  if (o.tty && tty_raw(0, &saved) == 0) raw = 1;
  if (o.tty) send_winsize(s);
  int in_open = o.stdin_open;
  size_t matched = 0, in_len = 0;
  static unsigned char in[FRAME_HEADER + 65536], buf[FRAME_MAX];
  for (;;) {
    struct pollfd p[3] = {{s, POLLIN, 0}, {sigfd, POLLIN, 0}, {in_open ? 0 : -1, POLLIN, 0}};
    if (poll(p, 3, -1) < 0) {
      if (errno == EINTR) continue;
      finish(&o, "lost", 1);
    }
    if (p[1].revents) {
      struct signalfd_siginfo si;
      if (read(sigfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGWINCH) send_winsize(s);
        else if (si.ssi_signo != SIGPIPE) finish(&o, "detached", 0);
      }
    }
    if (p[0].revents) {
      ssize_t n = read(s, in + in_len, sizeof in - in_len);
      if (n <= 0) finish(&o, "lost", 1);
      in_len += (size_t)n;
      int code;
      if (output(in, &in_len, &code)) {
        char line[32];
        snprintf(line, sizeof line, "exit %d", code);
        finish(&o, line, code & 0xff);
      }
    }
    if (in_open && p[2].revents) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        in_open = 0; /* EOF (or an error): the container's stdin closes, as docker's stdin-once */
        send_frame(s, 'e', NULL, 0);
      } else if (forward_input(s, &o, buf, (size_t)n, &matched))
        finish(&o, "detached", 0);
    }
  }
}

int no_restart_main(int argc, char **argv) {
  if (argc != 4 || strcmp(argv[2], "--state") != 0) fatal("usage: tctop-shim no-restart --state <dir>", NULL, 0);
  signal(SIGPIPE, SIG_IGN);
  int s = connect_socket(argv[3]);
  if (s < 0) fatal("connect", "attach.sock", errno);
  if (send_frame(s, 'n', NULL, 0) < 0) fatal("write", "attach.sock", errno);
  unsigned char in[FRAME_HEADER + 65536];
  size_t len = 0;
  for (;;) { /* output frames may come first; the answer is 'k' */
    ssize_t n = read(s, in + len, sizeof in - len);
    if (n <= 0) return 0; /* the shim ended meanwhile: no restart either */
    len += (size_t)n;
    size_t off = 0;
    while (len - off >= FRAME_HEADER) {
      size_t flen = (size_t)(in[off + 1] << 8 | in[off + 2]);
      if (len - off < FRAME_HEADER + flen) break;
      if (in[off] == 'k') return 0;
      off += FRAME_HEADER + flen;
    }
    memmove(in, in + off, len - off);
    len -= off;
  }
}
