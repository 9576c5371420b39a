/* The daemon's attach socket, <state dir>/attach.sock (protocol: docs/engine-contract.md, "Terminals, attach and restart policies"). Frames both ways:
 * one type byte, a 2-byte big-endian length, the payload.
 *   client -> shim: 'i' stdin bytes, 'e' end of stdin, 'w' window size (rows, cols: 2 bytes each, big-endian),
 *                   'n' no more restarts (answered by 'k')
 *   shim -> client: 'o' stdout bytes (a tty's output too), 'E' stderr bytes, 'x' the container's exit code (4 bytes,
 *                   big-endian), sent once it has ended for good, 'k' no-restart acknowledged
 * A slow client never blocks the container: its frames queue up to a bound, past which it is disconnected. */
#ifndef TCTOP_ATTACH_H
#define TCTOP_ATTACH_H

#include <poll.h>
#include <stddef.h>

#define FRAME_HEADER 3
#define FRAME_MAX 4096 /* payload bytes a client may send in one frame */

struct attach_handlers {
  void (*input)(const char *data, size_t len);
  void (*end_of_input)(void);
  void (*resize)(unsigned short rows, unsigned short cols);
  void (*no_restart)(void);
};

/* Listens on <state_dir>/attach.sock (through /proc/self/fd, so no sun_path length limit); -1 with errno. */
int attach_listen(const char *state_dir);

/* Output before the first client arrives is kept for it (bounded): `run -it` attaches just after the start. */
void attach_keep_early_output(void);

/* Fills p with the listening socket and every client; returns how many. */
int attach_poll_fds(struct pollfd *p, int max);
/* Handles what poll reported for those entries. */
void attach_handle(const struct pollfd *p, int n, const struct attach_handlers *h);

void attach_output(char type, const char *data, size_t len);
/* Sends the exit frame and flushes every client (at most ~1 s), then closes them. */
void attach_finish(int exit_code);

/* Encodes a frame header. */
static inline void frame_header(unsigned char h[FRAME_HEADER], char type, size_t len) {
  h[0] = (unsigned char)type, h[1] = (unsigned char)(len >> 8), h[2] = (unsigned char)len;
}

#endif
