/* execve of programs with an interpreter (PT_INTERP), as Linux's
 * load_elf_binary and load_elf_interp treat them: tiny handcrafted ELF
 * files written to /tmp, good and hostile, each run in a child.
 *
 * A good program's own entry exits with status 7, its interpreter's with
 * 42: status 42 says the kernel entered the interpreter. The errors are
 * Linux's: those found before the point of no return (path, open, the
 * interpreter's ELF header) are execve's errno; those found while mapping
 * the interpreter end the process with SIGSEGV. */
#define _GNU_SOURCE
#include "test_common.h"
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ET_REL 1
#define ET_EXEC 2
#define ET_DYN 3
#define PT_LOAD 1
#define PT_INTERP 3
#define PF_X 1
#define PF_R 4

struct ph {
    uint32_t type, offset, vaddr, filesz, memsz, flags;
};

/* An ELF of `size` bytes: header, `n` program headers at 52, `exit_code`'s
 * code at 0x100 (mov $1,%eax; mov $code,%ebx; int $0x80), `str` at 0x180. */
struct elf {
    uint16_t type, machine, phentsize;
    uint32_t entry;
    struct ph ph[4];
    int n;
    int exit_code;
    const char *str;
    size_t str_len;
    size_t size;
};

static void put16(unsigned char *p, uint16_t v)
{
    memcpy(p, &v, 2);
}

static void put32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void write_elf(const char *path, const struct elf *e, mode_t mode)
{
    static unsigned char d[0x2000];
    memset(d, 0, sizeof d);
    memcpy(d, "\177ELF", 4);
    d[4] = 1; /* ELFCLASS32 */
    d[5] = 1; /* ELFDATA2LSB */
    d[6] = 1; /* EV_CURRENT */
    put16(d + 16, e->type);
    put16(d + 18, e->machine ? e->machine : 3);
    put32(d + 20, 1);
    put32(d + 24, e->entry);
    put32(d + 28, 52);
    put16(d + 40, 52);
    put16(d + 42, e->phentsize ? e->phentsize : 32);
    put16(d + 44, (uint16_t)e->n);
    for (int i = 0; i < e->n; i++) {
        unsigned char *p = d + 52 + 32 * i;
        put32(p, e->ph[i].type);
        put32(p + 4, e->ph[i].offset);
        put32(p + 8, e->ph[i].vaddr);
        put32(p + 12, e->ph[i].vaddr);
        put32(p + 16, e->ph[i].filesz);
        put32(p + 20, e->ph[i].memsz);
        put32(p + 24, e->ph[i].flags);
        put32(p + 28, 0x1000);
    }
    unsigned char code[] = {0xb8, 1, 0, 0, 0, 0xbb, (unsigned char)e->exit_code, 0, 0, 0, 0xcd, 0x80};
    memcpy(d + 0x100, code, sizeof code);
    if (e->str)
        memcpy(d + 0x180, e->str, e->str_len);
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0700);
    if (fd < 0 || write(fd, d, e->size) != (ssize_t)e->size || close(fd) != 0) {
        printf("FAIL: cannot write %s\n", path);
        exit(1);
    }
    chmod(path, mode);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0700);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) != 0) {
        printf("FAIL: cannot write %s\n", path);
        exit(1);
    }
    chmod(path, mode);
}

/* A good interpreter: ET_DYN linked at 0, exits 42. */
static struct elf good_interp(void)
{
    struct elf e = {.type = ET_DYN, .entry = 0x100, .n = 1, .exit_code = 42, .size = 0x200};
    e.ph[0] = (struct ph){PT_LOAD, 0, 0, 0x200, 0x1000, PF_R | PF_X};
    return e;
}

/* A program at 0x08048000 asking for `interp` (`len` bytes of it in the
 * file, `filesz` in its PT_INTERP); its own entry exits 7. */
static struct elf program(const char *interp, size_t len, uint32_t filesz)
{
    struct elf e = {.type = ET_EXEC, .entry = 0x08048100, .n = 2, .exit_code = 7, .size = 0x200};
    e.ph[0] = (struct ph){PT_INTERP, 0x180, 0, filesz, filesz, PF_R};
    e.ph[1] = (struct ph){PT_LOAD, 0, 0x08048000, 0x200, 0x1000, PF_R | PF_X};
    e.str = interp;
    e.str_len = len;
    return e;
}

#define PROG "/tmp/ei_prog"
#define INTERP "/tmp/ei_interp"

/* Run PROG; the errno of a failed execve (negated), else the wait status. */
static int run(void)
{
    fflush(stdout);
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        char *argv[] = {PROG, NULL}, *envp[] = {NULL};
        execve(PROG, argv, envp);
        int err = errno;
        if (write(pipefd[1], &err, sizeof err) != sizeof err)
            _exit(126);
        _exit(127);
    }
    close(pipefd[1]);
    int err = 0, st = 0;
    ssize_t n = read(pipefd[0], &err, sizeof err);
    close(pipefd[0]);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return n == sizeof err ? -err : st;
}

/* What run() returned, as "errno N", "signal N" or "exit N". */
#define DESCRIBE(r)                                                                                \
    (r) < 0 ? "errno" : WIFSIGNALED(r) ? "signal" : "exit",                                       \
        (r) < 0 ? -(r) : WIFSIGNALED(r) ? WTERMSIG(r) : WEXITSTATUS(r)

static void expect_exit(const char *what, int code)
{
    int r = run();
    CHECK(r >= 0 && WIFEXITED(r) && WEXITSTATUS(r) == code, "%s: got %s %d, want exit %d", what,
          DESCRIBE(r), code);
}

static void expect_errno(const char *what, int err)
{
    int r = run();
    CHECK(r == -err, "%s: got %s %d, want errno %d (%s)", what,
          DESCRIBE(r), err, strerror(err));
}

static void expect_signal(const char *what, int sig)
{
    int r = run();
    CHECK(r >= 0 && WIFSIGNALED(r) && WTERMSIG(r) == sig, "%s: got %s %d, want signal %d", what,
          DESCRIBE(r), sig);
}

static void with_interp(const char *interp)
{
    struct elf p = program(interp, strlen(interp) + 1, (uint32_t)strlen(interp) + 1);
    write_elf(PROG, &p, 0755);
}

int main(void)
{
    struct elf i = good_interp();
    write_elf(INTERP, &i, 0755);

    /* The kernel enters the interpreter, not the program. */
    with_interp(INTERP);
    expect_exit("good interpreter", 42);

    /* A PIE (ET_DYN) program with an interpreter: both get a base. */
    struct elf pie = program(INTERP, sizeof INTERP, sizeof INTERP);
    pie.type = ET_DYN;
    pie.entry = 0x100;
    pie.ph[1].vaddr = 0;
    write_elf(PROG, &pie, 0755);
    expect_exit("PIE with an interpreter", 42);

    /* The interpreter's own PT_INTERP is not followed (load_elf_interp
     * looks at PT_LOAD only). */
    i = good_interp();
    i.n = 2;
    i.ph[1] = (struct ph){PT_INTERP, 0x180, 0, 13, 13, PF_R};
    i.str = "/tmp/nosuch1";
    i.str_len = 13;
    write_elf(INTERP, &i, 0755);
    with_interp(INTERP);
    expect_exit("interpreter with its own PT_INTERP", 42);

    /* Overlapping segments: the later one maps over the earlier. */
    i = good_interp();
    i.n = 2;
    i.ph[1] = (struct ph){PT_LOAD, 0, 0, 0x200, 0x2000, PF_R | PF_X};
    write_elf(INTERP, &i, 0755);
    expect_exit("interpreter with overlapping segments", 42);

    /* The path: missing, not a file, not executable. */
    with_interp("/tmp/ei_nosuch");
    expect_errno("missing interpreter", ENOENT);
    with_interp("/tmp");
    expect_errno("directory as interpreter", EACCES);
    i = good_interp();
    write_elf(INTERP, &i, 0644);
    with_interp(INTERP);
    expect_errno("interpreter without execute permission", EACCES);

    /* The PT_INTERP entry itself. */
    struct elf p = program(INTERP, sizeof INTERP - 1, sizeof INTERP - 1);
    write_elf(PROG, &p, 0755);
    i = good_interp();
    write_elf(INTERP, &i, 0755);
    expect_errno("interpreter path without its NUL", ENOEXEC);
    p = program("/", 2, 1);
    write_elf(PROG, &p, 0755);
    expect_errno("interpreter path of 1 byte", ENOEXEC);
    p = program(INTERP, sizeof INTERP, 4097);
    p.size = 0x1200;
    write_elf(PROG, &p, 0755);
    expect_errno("interpreter path longer than PATH_MAX", ENOEXEC);
    p = program(INTERP, sizeof INTERP, 0x200);
    write_elf(PROG, &p, 0755);
    expect_errno("interpreter path past the end of the file", EIO);

    /* Interpreters that are not ELF, or not for this machine. */
    with_interp(INTERP);
    write_text(INTERP, "#!/bin/sh\nthis is a shell script, long enough for an ELF header\n", 0755);
    expect_errno("interpreter that is a script", ELIBBAD);
    write_text(INTERP, "short\n", 0755);
    expect_errno("interpreter shorter than an ELF header", EIO);
    i = good_interp();
    i.machine = 62;
    write_elf(INTERP, &i, 0755);
    expect_errno("interpreter for x86-64", ELIBBAD);
    i = good_interp();
    i.phentsize = 56;
    write_elf(INTERP, &i, 0755);
    expect_errno("interpreter with 56-byte program headers", ELIBBAD);
    i = good_interp();
    i.n = 0;
    write_elf(INTERP, &i, 0755);
    expect_errno("interpreter without program headers", ELIBBAD);

    /* Past the point of no return: the process is killed. */
    i = good_interp();
    i.type = ET_REL;
    write_elf(INTERP, &i, 0755);
    expect_signal("relocatable interpreter", SIGSEGV);
    i = good_interp();
    i.ph[0].type = 6; /* PT_PHDR */
    write_elf(INTERP, &i, 0755);
    expect_signal("interpreter without PT_LOAD", SIGSEGV);
    i = good_interp();
    i.ph[0].filesz = 0x2000;
    i.ph[0].memsz = 0x1000;
    write_elf(INTERP, &i, 0755);
    expect_signal("interpreter with p_filesz > p_memsz", SIGSEGV);
    i = good_interp();
    i.ph[0].memsz = 0xF0000000u;
    write_elf(INTERP, &i, 0755);
    expect_signal("interpreter too big for user space", SIGSEGV);

    unlink(PROG);
    unlink(INTERP);
    if (failures)
        return 1;
    printf("elf_interp: all ok\n");
    return 0;
}
