/* exec_script: execve of `#!` scripts (Linux's fs/binfmt_script.c),
 * written to /tmp. The interpreter is this program itself (found through
 * /proc/self/exe), which, started with EXEC_SCRIPT_ECHO set, writes back
 * its argv, its comm and its exe: argv is the interpreter, the optional
 * argument (one, spaces kept), the script's path, then the caller's argv
 * without argv[0]; comm is the script's name, exe the interpreter. Nested
 * scripts up to Linux's depth, and the errors: no interpreter name or a
 * truncated one ENOEXEC, a missing interpreter ENOENT, a script without an
 * execute bit EACCES, too deep ELOOP. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "test_common.h"

static char self[256];

/* Interpreter mode: "argv[0]|argv[1]|...;comm;exe" on stdout. */
static int echo_mode(int argc, char **argv)
{
    char comm[64] = "", exe[256] = "";
    int fd = open("/proc/self/comm", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, comm, sizeof comm - 1);
        if (n > 0 && comm[n - 1] == '\n')
            n--;
        comm[n > 0 ? n : 0] = 0;
        close(fd);
    }
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    for (int i = 0; i < argc; i++)
        printf("%s%s", i ? "|" : "", argv[i]);
    printf(";%s;%s", comm, exe);
    return 0;
}

static void write_file(const char *path, const char *text, size_t len, mode_t mode)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    CHECK(fd >= 0, "create %s: errno %d", path, errno);
    if (fd < 0)
        return;
    CHECK(write(fd, text, len) == (ssize_t)len, "write %s", path);
    close(fd);
    chmod(path, mode);
}

static void script(const char *path, const char *text, mode_t mode)
{
    write_file(path, text, strlen(text), mode);
}

/* Run `path` with argv {"name", "a", "b"}; returns what it printed (or
 * "errno N" when execve failed) in `out`. */
static void run(const char *path, char *out, size_t size)
{
    int p[2];
    out[0] = 0;
    if (pipe(p) < 0)
        return;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        char *argv[] = {"name", "a", "b", NULL}, *envp[] = {"EXEC_SCRIPT_ECHO=1", NULL};
        execve(path, argv, envp);
        printf("errno %d", errno);
        fflush(stdout);
        _exit(0);
    }
    close(p[1]);
    size_t got = 0;
    ssize_t n;
    while (got < size - 1 && (n = read(p[0], out + got, size - 1 - got)) > 0)
        got += n;
    out[got] = 0;
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
}

static void expect(const char *path, const char *want)
{
    char out[1024];
    run(path, out, sizeof out);
    CHECK(strcmp(out, want) == 0, "%s: got \"%s\", want \"%s\"", path, out, want);
}

static void expect_errno(const char *path, int e)
{
    char want[32];
    snprintf(want, sizeof want, "errno %d", e);
    expect(path, want);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (getenv("EXEC_SCRIPT_ECHO"))
        return echo_mode(argc, argv);
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        printf("FAIL: readlink /proc/self/exe\n");
        return 1;
    }
    self[n] = 0;
    char text[1024], want[1024];

    /* An argument: one, after the interpreter. */
    snprintf(text, sizeof text, "#!%s -x\necho not run\n", self);
    script("/tmp/es1", text, 0755);
    snprintf(want, sizeof want, "%s|-x|/tmp/es1|a|b;es1;%s", self, self);
    expect("/tmp/es1", want);
    /* No argument; a relative script path is passed as given. */
    snprintf(text, sizeof text, "#!%s\n", self);
    script("/tmp/es2", text, 0755);
    snprintf(want, sizeof want, "%s|/tmp/es2|a|b;es2;%s", self, self);
    expect("/tmp/es2", want);
    CHECK(chdir("/tmp") == 0, "chdir /tmp");
    snprintf(want, sizeof want, "%s|./es2|a|b;es2;%s", self, self);
    expect("./es2", want);
    /* Blanks around the name; the argument keeps inner blanks, loses the
     * trailing ones. */
    snprintf(text, sizeof text, "#! \t%s  arg with  spaces \t \nrest\n", self);
    script("/tmp/es3", text, 0755);
    snprintf(want, sizeof want, "%s|arg with  spaces|/tmp/es3|a|b;es3;%s", self, self);
    expect("/tmp/es3", want);
    /* No newline at all (the file ends after the name). */
    snprintf(text, sizeof text, "#!%s", self);
    script("/tmp/es4", text, 0755);
    snprintf(want, sizeof want, "%s|/tmp/es4|a|b;es4;%s", self, self);
    expect("/tmp/es4", want);
    /* A line past the 256 bytes looked at: the argument is cut there. */
    int len = snprintf(text, sizeof text, "#!%s ", self);
    int cut = 255 - len;
    memset(text + len, 'y', 300);
    strcpy(text + len + 300, "\n");
    script("/tmp/es5", text, 0755);
    snprintf(want, sizeof want, "%s|%.*s|/tmp/es5|a|b;es5;%s", self, cut, text + len, self);
    expect("/tmp/es5", want);
    /* A long script name: comm keeps its first 15 bytes. */
    snprintf(text, sizeof text, "#!%s\n", self);
    script("/tmp/es_a_rather_long_name", text, 0755);
    snprintf(want, sizeof want, "%s|/tmp/es_a_rather_long_name|a|b;es_a_rather_lon;%s", self, self);
    expect("/tmp/es_a_rather_long_name", want);

    /* Errors. */
    /* "#!" alone names the current directory to open_exec: EACCES. */
    script("/tmp/es_bare", "#!", 0755);
    expect_errno("/tmp/es_bare", EACCES);
    script("/tmp/es_empty", "#!\n", 0755);
    expect_errno("/tmp/es_empty", ENOEXEC);
    script("/tmp/es_blank", "#!   \t \nx\n", 0755);
    expect_errno("/tmp/es_blank", ENOEXEC);
    memset(text, '/', 400);
    text[0] = '#';
    text[1] = '!';
    write_file("/tmp/es_trunc", text, 400, 0755);
    expect_errno("/tmp/es_trunc", ENOEXEC);
    script("/tmp/es_nosuch", "#!/tmp/es_no_such_interp\n", 0755);
    expect_errno("/tmp/es_nosuch", ENOENT);
    script("/tmp/es_noexec", "#!/bin/sh\n", 0644);
    expect_errno("/tmp/es_noexec", EACCES);
    script("/tmp/es_interp_noexec", "#!/tmp/es_noexec\n", 0755);
    expect_errno("/tmp/es_interp_noexec", EACCES);
    script("/tmp/es_bad", "#!/tmp/es_not_elf\n", 0755);
    script("/tmp/es_not_elf", "\x7f" "ELX not a program\n", 0755);
    expect_errno("/tmp/es_bad", ENOEXEC);

    /* Scripts whose interpreter is a script: five levels run, six are
     * ELOOP (exec_binprm's depth). */
    snprintf(text, sizeof text, "#!%s\n", self);
    script("/tmp/esn1", text, 0755);
    for (int i = 2; i <= 6; i++) {
        char path[32];
        snprintf(path, sizeof path, "/tmp/esn%d", i);
        snprintf(text, sizeof text, "#!/tmp/esn%d\n", i - 1);
        script(path, text, 0755);
    }
    snprintf(want, sizeof want, "%s|/tmp/esn1|/tmp/esn2|/tmp/esn3|/tmp/esn4|/tmp/esn5|a|b;esn5;%s", self, self);
    expect("/tmp/esn5", want);
    expect_errno("/tmp/esn6", ELOOP);

    if (failures == 0)
        printf("exec_script: all ok\n");
    return failures != 0;
}
