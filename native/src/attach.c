#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define MAX_CLIENTS 16
#define OUT_QUEUE (256 * 1024) /* per client; past it the client is too slow and is dropped */
#define EARLY_MAX (64 * 1024)

struct client {
  int fd;
  unsigned char in[FRAME_HEADER + FRAME_MAX];
  size_t in_len;
  char *out; /* queued frames, malloc'd on first use */
  size_t out_len;
};

static int listen_fd = -1;
static const char *socket_dir;
static struct client clients[MAX_CLIENTS];
static int n_clients;
static int keep_early, any_client;
static char *early;
static size_t early_len;

int attach_listen(const char *state_dir) {
  int dir = open(state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return -1;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/attach.sock", dir);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s < 0) goto fail;
  unlink(addr.sun_path); /* a previous run's */
  if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s, 8) < 0) goto fail;
  close(dir);
  listen_fd = s;
  socket_dir = state_dir;
  return s;
fail : {
  int e = errno;
  if (s >= 0) close(s);
  close(dir);
  errno = e;
  return -1;
}
}

void attach_keep_early_output(void) { keep_early = 1; }

static void drop(int i) {
  close(clients[i].fd);
  free(clients[i].out);
  clients[i] = clients[--n_clients];
}

/* Queues a whole frame; 0, or -1 when the client's queue is full (it is dropped by the caller). */
static int queue(struct client *cl, char type, const char *data, size_t len) {
  if (!cl->out && !(cl->out = malloc(OUT_QUEUE))) return -1;
  for (size_t off = 0; off < len || (len == 0 && off == 0);) {
    size_t chunk = len - off > 0xffff ? 0xffff : len - off;
    if (cl->out_len + FRAME_HEADER + chunk > OUT_QUEUE) return -1;
    frame_header((unsigned char *)cl->out + cl->out_len, type, chunk);
    memcpy(cl->out + cl->out_len + FRAME_HEADER, data + off, chunk);
    cl->out_len += FRAME_HEADER + chunk;
    off += chunk;
    if (len == 0) break;
  }
  return 0;
}

static int flush(struct client *cl) {
  while (cl->out_len > 0) {
    ssize_t n = send(cl->fd, cl->out, cl->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) return errno == EAGAIN || errno == EINTR ? 0 : -1;
    memmove(cl->out, cl->out + n, cl->out_len - (size_t)n);
    cl->out_len -= (size_t)n;
  }
  return 0;
}

static int accept_client(void) {
  int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) return -1;
  if (n_clients == MAX_CLIENTS) {
    close(fd);
    return 0;
  }
  struct client *cl = &clients[n_clients++];
  memset(cl, 0, sizeof *cl);
  cl->fd = fd;
  if (!any_client && early_len > 0) queue(cl, 'o', early, early_len);
  any_client = 1;
  free(early), early = NULL, early_len = 0;
  return 0;
}

static unsigned short be16(const unsigned char *p) { return (unsigned short)(p[0] << 8 | p[1]); }

/* Every complete frame in the client's input; -1 on a protocol error. */
static int frames(struct client *cl, const struct attach_handlers *h) {
  size_t off = 0;
  while (cl->in_len - off >= FRAME_HEADER) {
    const unsigned char *f = cl->in + off;
    size_t len = be16(f + 1);
    if (len > FRAME_MAX) return -1;
    if (cl->in_len - off < FRAME_HEADER + len) break;
    const char *payload = (const char *)f + FRAME_HEADER;
    switch (f[0]) {
    case 'i': h->input(payload, len); break;
    case 'e': h->end_of_input(); break;
    case 'w':
      if (len == 4) h->resize(be16(f + 3), be16(f + 5));
      break;
    case 'n':
      h->no_restart();
      queue(cl, 'k', NULL, 0);
      break;
    default: return -1;
    }
    off += FRAME_HEADER + len;
  }
  memmove(cl->in, cl->in + off, cl->in_len - off);
  cl->in_len -= off;
  return 0;
}

int attach_poll_fds(struct pollfd *p, int max) {
  int n = 0;
  if (listen_fd >= 0 && n < max) p[n++] = (struct pollfd){listen_fd, POLLIN, 0};
  for (int i = 0; i < n_clients && n < max; i++)
    p[n++] = (struct pollfd){clients[i].fd, (short)(POLLIN | (clients[i].out_len ? POLLOUT : 0)), 0};
  return n;
}

void attach_handle(const struct pollfd *p, int n, const struct attach_handlers *h) {
  for (int k = 0; k < n; k++) {
    if (!p[k].revents) continue;
    if (p[k].fd == listen_fd) {
      accept_client();
      continue;
    }
    int i = 0;
    while (i < n_clients && clients[i].fd != p[k].fd) i++;
    if (i == n_clients) continue;
    struct client *cl = &clients[i];
    int bad = 0;
    if (p[k].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = recv(cl->fd, cl->in + cl->in_len, sizeof cl->in - cl->in_len, MSG_DONTWAIT);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) bad = 1; /* gone: killed, detached or closed */
      else if (r > 0) {
        cl->in_len += (size_t)r;
        bad = frames(cl, h) < 0;
      }
    }
    if (!bad) bad = flush(cl) < 0;
    if (bad) drop(i);
  }
}

void attach_output(char type, const char *data, size_t len) {
  if (!any_client && keep_early) {
    size_t room = EARLY_MAX - early_len;
    if (!early && !(early = malloc(EARLY_MAX))) return;
    if (len > room) len = room;
    memcpy(early + early_len, data, len);
    early_len += len;
    return;
  }
  for (int i = 0; i < n_clients;) {
    if (queue(&clients[i], type, data, len) < 0 || flush(&clients[i]) < 0) drop(i);
    else i++;
  }
}

void attach_finish(int exit_code) {
  /* a client that connected while the container ended (a `run -i` of a quick command) still gets it all */
  while (listen_fd >= 0 && accept_client() == 0) {
  }
  unsigned char code[4] = {(unsigned char)(exit_code >> 24), (unsigned char)(exit_code >> 16), (unsigned char)(exit_code >> 8), (unsigned char)exit_code};
  for (int i = 0; i < n_clients; i++) queue(&clients[i], 'x', (const char *)code, 4);
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    int pending = 0;
    for (int i = 0; i < n_clients;) {
      if (flush(&clients[i]) < 0) drop(i);
      else pending |= clients[i].out_len > 0, i++;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!pending || now.tv_sec - start.tv_sec >= 1) break;
    usleep(5000);
  }
  while (n_clients) drop(0);
  if (listen_fd >= 0) close(listen_fd);
  listen_fd = -1;
  char path[4096]; /* the container has ended: nothing to attach to, and the state dir as it was before the run */
  snprintf(path, sizeof path, "%s/attach.sock", socket_dir);
  unlink(path);
}
