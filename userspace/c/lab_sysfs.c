/* Lab `sysfs` (docs/labs/sysfs.md): the checks of sysfs(2), system call
 * 135, the obsolete System V call that lists the filesystem types, which
 * the kernel does not have until the lab adds it. Prints `lab sysfs:
 * checks N`, then one `check NAME: ok` or `check NAME: FAIL ...` line per
 * check; scripts/grade counts them. The list is the one /proc/filesystems
 * prints, in its order: the program reads it from there, so nothing about
 * the kernel's filesystems is hard-coded. Validated on Linux (the host's,
 * and Debian's i386 6.1) with /proc mounted. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define NR_SYSFS 135 /* i386; neither C library has a wrapper */
#define MAX_FS 64
#define NAME_CAP 80

static void check(const char *name, int ok, long got, int err)
{
    if (ok)
        printf("check %s: ok\n", name);
    else
        printf("check %s: FAIL (got %ld, errno %d)\n", name, got, err);
}

/* sysfs(option, a, b) by number; errno as the call left it (0 if none). */
static long sysfs3(long option, long a, long b, int *err)
{
    errno = 0;
    long r = syscall(NR_SYSFS, option, a, b);
    *err = errno;
    return r;
}

/* The names /proc/filesystems lists (the field after the tab), in order. */
static char names[MAX_FS][NAME_CAP];

static int read_proc_filesystems(void)
{
    static char text[8192];
    int fd = open("/proc/filesystems", O_RDONLY);
    if (fd < 0)
        return -1;
    size_t len = 0;
    ssize_t n;
    while (len < sizeof(text) - 1 && (n = read(fd, text + len, sizeof(text) - 1 - len)) > 0)
        len += (size_t)n;
    close(fd);
    text[len] = 0;
    int count = 0;
    for (char *line = text; *line && count < MAX_FS;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = 0;
        char *tab = strchr(line, '\t');
        snprintf(names[count++], NAME_CAP, "%.*s", NAME_CAP - 1, tab ? tab + 1 : line);
        if (!end)
            break;
        line = end + 1;
    }
    return count;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("lab sysfs: checks 9\n");
    int err, err2, err3;
    long r, r2, r3;

    int lines = read_proc_filesystems();
    if (lines < 1)
        printf("lab sysfs: cannot read /proc/filesystems (%d)\n", lines);

    /* Option 3: how many types, as many as /proc/filesystems has lines. */
    long count = sysfs3(3, 0, 0, &err);
    check("count", count >= 1 && count == lines, count, err);

    /* Option 2: index i names the type on line i, and copies the name and
     * its NUL, no more (Linux's fs_name copies strlen + 1 bytes). */
    int ok = lines >= 1;
    r = 0;
    err = 0;
    for (int i = 0; ok && i < lines; i++) {
        char buf[NAME_CAP + 8];
        memset(buf, 'x', sizeof(buf));
        r = sysfs3(2, i, (long)buf, &err);
        size_t len = strlen(names[i]);
        ok = r == 0 && memcmp(buf, names[i], len + 1) == 0 && buf[len + 1] == 'x';
        if (!ok)
            printf("lab sysfs: index %d: want \"%s\", got \"%.*s\"\n", i, names[i], NAME_CAP,
                   r == 0 ? buf : "");
    }
    check("name", ok, r, err);

    /* Option 1: each name gives its index back. */
    ok = lines >= 1;
    for (int i = 0; ok && i < lines; i++) {
        r = sysfs3(1, (long)names[i], 0, &err);
        ok = r == i;
        if (!ok)
            printf("lab sysfs: \"%s\": want %d\n", names[i], i);
    }
    check("index", ok, r, err);

    /* An index past the last one is EINVAL (count itself, and the largest
     * unsigned), and the buffer is left alone. */
    char buf[NAME_CAP];
    memset(buf, 'x', sizeof(buf));
    r = sysfs3(2, lines, (long)buf, &err);
    r2 = sysfs3(2, -1L, (long)buf, &err2);
    check("index-range", lines >= 1 && r == -1 && err == EINVAL && r2 == -1 && err2 == EINVAL &&
                             buf[0] == 'x',
          r == -1 && err == EINVAL ? r2 : r, r == -1 && err == EINVAL ? err2 : err);

    /* A name no type has is EINVAL; so is a prefix of a real one with a
     * character more (the match is the whole string). */
    char longer[NAME_CAP + 2];
    snprintf(longer, sizeof(longer), "%sx", lines >= 1 ? names[0] : "");
    r = sysfs3(1, (long)"no-such-fs", 0, &err);
    r2 = sysfs3(1, (long)longer, 0, &err2);
    check("unknown-name", r == -1 && err == EINVAL && r2 == -1 && err2 == EINVAL,
          r == -1 && err == EINVAL ? r2 : r, r == -1 && err == EINVAL ? err2 : err);

    /* Options other than 1, 2 and 3 are EINVAL. */
    r = sysfs3(0, 0, 0, &err);
    r2 = sysfs3(4, 0, (long)buf, &err2);
    r3 = sysfs3(-1, 0, 0, &err3);
    check("option", r == -1 && err == EINVAL && r2 == -1 && err2 == EINVAL && r3 == -1 &&
                        err3 == EINVAL,
          r != -1 || err != EINVAL ? r : r2 != -1 || err2 != EINVAL ? r2 : r3,
          r != -1 || err != EINVAL ? err : r2 != -1 || err2 != EINVAL ? err2 : err3);

    /* A buffer the process cannot write, or a name it cannot read, is
     * EFAULT: an unmapped low address, and a read-only page for the
     * buffer. */
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    r = sysfs3(2, 0, 16, &err);
    r2 = ro == MAP_FAILED ? 0 : sysfs3(2, 0, (long)ro, &err2);
    check("efault-buf", r == -1 && err == EFAULT && r2 == -1 && err2 == EFAULT,
          r == -1 && err == EFAULT ? r2 : r, r == -1 && err == EFAULT ? err2 : err);
    r = sysfs3(1, 16, 0, &err);
    check("efault-name", r == -1 && err == EFAULT, r, err);

    /* The name is read as a path is (Linux's getname): the empty name is
     * ENOENT, a name without a NUL in its first PATH_MAX (4096) bytes is
     * ENAMETOOLONG, and a long name that fits is merely unknown. */
    char *big = malloc(8193);
    r = r2 = r3 = 0;
    err = err2 = err3 = 0;
    if (big) {
        memset(big, 'a', 8192);
        big[8192] = 0;
        r = sysfs3(1, (long)"", 0, &err);
        r2 = sysfs3(1, (long)big, 0, &err2);
        big[4095] = 0;
        r3 = sysfs3(1, (long)big, 0, &err3);
    }
    check("getname", big && r == -1 && err == ENOENT && r2 == -1 && err2 == ENAMETOOLONG &&
                         r3 == -1 && err3 == EINVAL,
          r != -1 || err != ENOENT ? r : r2 != -1 || err2 != ENAMETOOLONG ? r2 : r3,
          r != -1 || err != ENOENT ? err : r2 != -1 || err2 != ENAMETOOLONG ? err2 : err3);
    return 0;
}
