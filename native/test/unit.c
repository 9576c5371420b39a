/* Unit tests of the shim's pure functions: launch.conf parsing and percent-decoding (conf.c), json-file records and
 * their UTF-8 handling (jsonlog.c). One line per check, "ok N name" or "not ok N name", TAP-style; exit 1 if any
 * failed. Run by `make -C native test` and by test/unit/native/native-c.test.ts. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "jsonlog.h"
#include "util.h"

static int checks, failures;

static void check(int ok, const char *name) {
  checks++;
  if (!ok) failures++;
  printf("%s %d %s\n", ok ? "ok" : "not ok", checks, name);
}

static int decodes_to(const char *in, const char *want) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", in);
  return percent_decode(buf) == 0 && strcmp(buf, want) == 0;
}

static int rejects(const char *in) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", in);
  return percent_decode(buf) == -1;
}

static void test_percent_decode(void) {
  check(decodes_to("plain", "plain"), "percent_decode: plain text unchanged");
  check(decodes_to("a%20b%0Ac", "a b\nc"), "percent_decode: space and newline");
  check(decodes_to("%25%2f%2F", "%//"), "percent_decode: upper and lower case hex");
  check(decodes_to("%C3%A9", "\xc3\xa9"), "percent_decode: bytes of UTF-8 pass through");
  check(decodes_to("", ""), "percent_decode: empty value");
  check(rejects("%00"), "percent_decode: an embedded NUL is refused");
  check(rejects("%4"), "percent_decode: a truncated escape is refused");
  check(rejects("%zz"), "percent_decode: non-hex digits are refused");
  check(rejects("abc%"), "percent_decode: a trailing % is refused");
}

static char dir[] = "/tmp/tctop-native-unit-XXXXXX";

static const char *write_conf(const char *text) {
  static char path[256];
  snprintf(path, sizeof path, "%s/launch.conf", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || write_all(fd, text, strlen(text)) < 0) exit(2);
  close(fd);
  return path;
}

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define MINIMAL                                                                                                   \
  "id " ID "\nlowerdir /l/top\nlowerdir /l/bottom\nupperdir /u\nworkdir /w\nrootfs /r\nreadonly 0\nnetwork none\n" \
  "arg sh\narg -c\narg echo%20hi\ncwd /\nuid 0\ngid 0\nlog /s/container.log\nexit_file /s/exit.json\n"

static int loads(const char *text, struct conf *c, char *err) { return conf_load(write_conf(text), c, err, 512); }

static void test_conf_load(void) {
  struct conf c;
  char err[512];
  int r = loads(MINIMAL "env A=1\nenv B=x%3Dy\ngroups 5,50\nbind /h%20ost /c ro\ncgroup /sys/fs/cgroup/x\nhostname box\n", &c, err);
  check(r == 0, "conf_load: a complete file loads");
  if (r == 0) {
    check(c.n_lowerdirs == 2 && !strcmp(c.lowerdirs[0], "/l/top") && !strcmp(c.lowerdirs[1], "/l/bottom"), "conf_load: lowerdirs in order");
    check(c.n_args == 3 && !strcmp(c.args[2], "echo hi") && c.args[3] == NULL, "conf_load: args decoded, NULL-terminated");
    check(c.n_env == 2 && !strcmp(c.env[1], "B=x=y"), "conf_load: env decoded");
    check(c.n_groups == 2 && c.groups[0] == 5 && c.groups[1] == 50, "conf_load: supplementary groups");
    check(c.n_binds == 1 && !strcmp(c.binds[0].src, "/h ost") && c.binds[0].readonly, "conf_load: bind decoded, read-only");
    check(!strcmp(c.hostname, "box") && c.network_host == 0 && c.oom_file == NULL, "conf_load: hostname, network, no oom_file");
  }
  r = loads(MINIMAL, &c, err);
  check(r == 0 && !strcmp(c.hostname, ID) && c.env && c.env[0] == NULL, "conf_load: hostname defaults to the id, empty env");
  check(c.tty == 0 && c.open_stdin == 0 && c.restart == RESTART_NO && c.restart_max == 0, "conf_load: no tty, stdin or restart by default");
  r = loads(MINIMAL "tty 1\nstdin 1\nrestart on-failure\nrestart_max 2\n", &c, err);
  check(r == 0 && c.tty == 1 && c.open_stdin == 1 && c.restart == RESTART_ON_FAILURE && c.restart_max == 2, "conf_load: tty, stdin, restart on-failure:2");
  r = loads(MINIMAL "restart unless-stopped\n", &c, err);
  check(r == 0 && c.restart == RESTART_UNLESS_STOPPED, "conf_load: restart unless-stopped");
  r = loads(MINIMAL "restart sometimes\n", &c, err);
  check(r == -1 && strstr(err, "`restart`"), "conf_load: an unknown restart policy is refused");
  r = loads(MINIMAL "tty yes\n", &c, err);
  check(r == -1 && strstr(err, "`tty`"), "conf_load: a bad tty value is refused");
  r = loads(MINIMAL "frobnicate 1\n", &c, err);
  check(r == -1 && strstr(err, "line 17: unknown key frobnicate"), "conf_load: an unknown key is refused with its line");
  r = loads(MINIMAL "readonly 2\n", &c, err);
  check(r == -1 && strstr(err, "missing or invalid `readonly`"), "conf_load: a bad boolean is refused");
  r = loads(MINIMAL "env NOEQUALS\n", &c, err);
  check(r == -1 && strstr(err, "bad value for key env"), "conf_load: env without '=' is refused");
  r = loads(MINIMAL "bind relative /c rw\n", &c, err);
  check(r == -1 && strstr(err, "bad value for key bind"), "conf_load: a relative bind source is refused");
  r = loads(MINIMAL "arg a%00b\n", &c, err);
  check(r == -1, "conf_load: an encoded NUL is refused");
  r = loads("id " ID "\nlowerdir /l\n", &c, err);
  check(r == -1 && strstr(err, "missing or invalid `upperdir`"), "conf_load: a missing key is named");
  r = loads("id nothex\n", &c, err);
  check(r == -1 && strstr(err, "`id`"), "conf_load: an id that is not 64 hex is refused");
  r = conf_load("/nonexistent/launch.conf", &c, err, sizeof err);
  check(r == -1 && strstr(err, "read launch.conf /nonexistent/launch.conf: No such file or directory (ENOENT)"), "conf_load: a missing file names the path and errno");
}

/* The record's "log" value, as log_record wrote it to a pipe. */
static const char *logged(const char *data, size_t len, char *out, size_t size) {
  int p[2];
  if (pipe(p) < 0) exit(2);
  log_record(p[1], "stdout", data, len);
  close(p[1]);
  ssize_t n = read(p[0], out, size - 1);
  close(p[0]);
  out[n < 0 ? 0 : n] = 0;
  if (strncmp(out, "{\"log\":\"", 8) != 0) return "";
  char *end = strstr(out, "\",\"stream\":\"stdout\",\"time\":\"");
  if (!end) return "";
  *end = 0;
  return out + 8;
}

static int logs_as(const char *data, size_t len, const char *want) {
  char buf[1024];
  return strcmp(logged(data, len, buf, sizeof buf), want) == 0;
}

static void test_log_record(void) {
  check(logs_as("hi\n", 3, "hi\\n"), "log_record: a line with its newline escaped");
  check(logs_as("\"q\" \\ \t\r\b\f", 10, "\\\"q\\\" \\\\ \\t\\r\\b\\f"), "log_record: JSON escapes");
  check(logs_as("\x01\x1f", 2, "\\u0001\\u001f"), "log_record: other control bytes as \\u00XX");
  check(logs_as("\0", 1, "\\u0000"), "log_record: a NUL byte");
  check(logs_as("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), "log_record: valid 2-, 3- and 4-byte UTF-8 kept");
  check(logs_as("\xff", 1, "\\ufffd"), "log_record: an invalid byte becomes U+FFFD");
  check(logs_as("\xc0\xaf", 2, "\\ufffd\\ufffd"), "log_record: an overlong encoding is refused byte by byte");
  check(logs_as("\xed\xa0\x80", 3, "\\ufffd\\ufffd\\ufffd"), "log_record: a UTF-16 surrogate is refused");
  check(logs_as("\xf4\x90\x80\x80", 4, "\\ufffd\\ufffd\\ufffd\\ufffd"), "log_record: past U+10FFFF is refused");
  check(logs_as("a\xe2\x82", 3, "a\\ufffd\\ufffd"), "log_record: a sequence cut short at the end");
  check(logs_as("\x7f", 1, "\x7f"), "log_record: DEL passes (JSON allows it)");
  char rec[256];
  int p[2];
  if (pipe(p) < 0) exit(2);
  log_record(p[1], "stderr", "x", 1);
  close(p[1]);
  ssize_t n = read(p[0], rec, sizeof rec - 1);
  close(p[0]);
  rec[n < 0 ? 0 : n] = 0;
  check(n == 70 && strstr(rec, "\"stream\":\"stderr\",\"time\":\"") && rec[n - 1] == '\n' && rec[n - 4] == 'Z',
        "log_record: stream name, a nanosecond UTC time, one line");
}

static void test_stream_split(void) {
  int data[2], logp[2];
  if (pipe(data) < 0 || pipe(logp) < 0) exit(2);
  static struct stream s = {.name = "stdout"};
  s.fd = data[0];
  write_all(data[1], "one\ntwo\nthr", 11);
  long r = stream_pump(&s, logp[1]);
  check(r == 11 && s.len == 3 && !memcmp(s.buf, "thr", 3), "stream_pump: complete lines logged, the partial one kept");
  stream_flush(&s, logp[1]);
  close(logp[1]);
  char buf[1024];
  ssize_t n = read(logp[0], buf, sizeof buf - 1);
  buf[n < 0 ? 0 : n] = 0;
  int lines = 0;
  for (char *p = buf; (p = strchr(p, '\n')); p++) lines++;
  check(lines == 3 && strstr(buf, "\"log\":\"thr\""), "stream_flush: the partial line becomes its own record");
  close(data[0]), close(data[1]), close(logp[0]);
}

int main(void) {
  if (!mkdtemp(dir)) return 2;
  test_percent_decode();
  test_conf_load();
  test_log_record();
  test_stream_split();
  char path[256];
  snprintf(path, sizeof path, "%s/launch.conf", dir);
  unlink(path);
  rmdir(dir);
  printf("1..%d\n%s: %d of %d checks failed\n", checks, failures ? "FAIL" : "PASS", failures, checks);
  return failures ? 1 : 0;
}
