/* tctop-shim: the native half of tctop's container engine (contract: docs/engine-contract.md).
 *   tctop-shim --id <id> --state <dir>      start the container described by <dir>/launch.conf, stay as its shim
 *   tctop-shim exec --pid <init> ... -- cmd run a command inside a running container */
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "shim.h"

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "exec") == 0) return exec_main(argc, argv);
  if (argc == 5 && strcmp(argv[1], "--id") == 0 && strcmp(argv[3], "--state") == 0) return shim_main(argv[2], argv[4]);
  static const char usage[] =
      "error: usage: tctop-shim --id <id> --state <dir> | tctop-shim exec --pid <init pid> [options] -- cmd [args...]\n";
  if (write(2, usage, sizeof usage - 1) < 0) return 1;
  return 1;
}
