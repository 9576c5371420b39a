/* What the daemon writes into the state dir for the engine to read, each renamed into place whole:
 *   exit.json  once the container has ended for good: {"exitCode","signal","oomKilled","finishedAt","pid"}
 *   run.json   at every (re)start of the init and while waiting to restart: {"pid","pidStartTime","restartCount",
 *              "startedAt","restarting","lastExitCode"} (format: docs/engine-contract.md, "Terminals, attach and restart policies") */
#ifndef TCTOP_RECORDS_H
#define TCTOP_RECORDS_H

#include <sys/types.h>

#include "conf.h"

/* 128+signal for a killed init, its exit status otherwise. */
int exit_code_of(int status);

void write_exit(const struct conf *c, pid_t pid, int status);

struct run_record {
  pid_t pid;
  long restart_count;
  int restarting;
  int last_exit; /* -1: none yet */
  char started_at[32];
};
void write_run(const char *state_dir, const struct run_record *r);

#endif
