#include "records.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

/* "oom_kill N" in memory.oom_control (v1) or memory.events (v2). */
static int oom_killed(const char *file) {
  if (!file) return 0;
  char *text = read_file(file, 1 << 16, NULL);
  if (!text) return 0;
  int killed = 0;
  for (char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
    if (strncmp(line, "oom_kill ", 9) == 0) killed = atol(line + 9) > 0;
  free(text);
  return killed;
}

static void put(char **o, const char *s) {
  size_t n = strlen(s);
  memcpy(*o, s, n);
  *o += n;
}

static void put_long(char **o, long v) { *o += fmt_long(*o, v); }

/* {"exitCode":N,"signal":S|null,"oomKilled":bool,"finishedAt":"...","pid":P}, renamed into place. */
void write_exit(const struct conf *c, pid_t pid, int status) {
  char json[256], *o = json;
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  put(&o, "{\"exitCode\":");
  put_long(&o, exit_code_of(status));
  put(&o, ",\"signal\":");
  if (sig) put_long(&o, sig);
  else put(&o, "null");
  put(&o, ",\"oomKilled\":");
  put(&o, oom_killed(c->oom_file) ? "true" : "false");
  put(&o, ",\"finishedAt\":\"");
  char ts[32];
  iso_now(ts);
  put(&o, ts);
  put(&o, "\",\"pid\":");
  put_long(&o, pid);
  put(&o, "}\n");
  replace_file(c->exit_file, json, (size_t)(o - json));
}

int exit_code_of(int status) { return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status); }

/* Field 22 of /proc/<pid>/stat (clock ticks since boot): with the PID, the init's identity against PID reuse. */
static long start_time(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
  char *text = read_file(path, 4096, NULL);
  if (!text) return -1;
  char *p = strrchr(text, ')');
  long v = -1;
  for (int field = 2; p && *p; p++)
    if (*p == ' ' && ++field == 22) {
      v = atol(p + 1);
      break;
    }
  free(text);
  return v;
}

void write_run(const char *state_dir, const struct run_record *r) {
  char json[512], *o = json;
  put(&o, "{\"pid\":");
  put_long(&o, r->pid);
  put(&o, ",\"pidStartTime\":");
  long st = r->restarting ? -1 : start_time(r->pid);
  if (st >= 0) put_long(&o, st);
  else put(&o, "null");
  put(&o, ",\"restartCount\":");
  put_long(&o, r->restart_count);
  put(&o, ",\"startedAt\":\"");
  put(&o, r->started_at);
  put(&o, "\",\"restarting\":");
  put(&o, r->restarting ? "true" : "false");
  put(&o, ",\"lastExitCode\":");
  if (r->last_exit >= 0) put_long(&o, r->last_exit);
  else put(&o, "null");
  put(&o, "}\n");
  char path[4096];
  snprintf(path, sizeof path, "%s/run.json", state_dir);
  replace_file(path, json, (size_t)(o - json));
}

