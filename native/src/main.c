/* tctop-shim: the native half of tctop's container engine (contract: docs/engine-contract.md).
 *   tctop-shim --id <id> --state <dir> [--attach] [--owner <pid>]
 *                                           start the container described by <dir>/launch.conf, stay as its shim
 *   tctop-shim exec --pid <init> ... -- cmd run a command inside a running container
 *   tctop-shim attach --state <dir> ...     the client of a container's attach socket (client.h)
 *   tctop-shim no-restart --state <dir>     no more restarts for the container (before `stop` signals it) */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "exec.h"
#include "shim.h"

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "exec") == 0) return exec_main(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "attach") == 0) return attach_main(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "no-restart") == 0) return no_restart_main(argc, argv);
  if (argc >= 5 && strcmp(argv[1], "--id") == 0 && strcmp(argv[3], "--state") == 0) {
    int keep_early = 0, ok = 1;
    long owner = 0;
    for (int i = 5; i < argc && ok; i++) {
      char *end = NULL;
      if (strcmp(argv[i], "--attach") == 0) keep_early = 1;
      else if (strcmp(argv[i], "--owner") == 0 && i + 1 < argc && (owner = strtol(argv[++i], &end, 10)) > 0 && *end == 0) {
      } else ok = 0;
    }
    if (ok) return shim_main(argv[2], argv[4], keep_early, (pid_t)owner);
  }
  static const char usage[] =
      "error: usage: tctop-shim --id <id> --state <dir> | tctop-shim exec --pid <init pid> [options] -- cmd [args...]\n";
  if (write(2, usage, sizeof usage - 1) < 0) return 1;
  return 1;
}
