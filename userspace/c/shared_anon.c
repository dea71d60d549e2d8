/* MAP_SHARED anonymous memory (and MAP_SHARED of /dev/zero) stays shared
 * across fork: a write on either side is seen on the other, pages first
 * touched after the fork included; MAP_PRIVATE memory is copied. The
 * memory outlives the mapping that made it while another process maps
 * it; /proc/self/maps shows it as Linux does ("rw-s", "/dev/zero
 * (deleted)"). */
#define _GNU_SOURCE
#include "test_common.h"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PG 4096

static volatile char *p;

static int child_writes(void)
{
    p[0]++;          /* touched before the fork */
    p[PG] = 42;      /* never touched before */
    p[2 * PG + 5] = 7;
    return 0;
}

static int child_writes_ro(void)
{
    p[0] = 1; /* the mapping is read-only now: SIGSEGV */
    return 0;
}

/* The maps line of the mapping at `addr`. */
static int maps_line(void *addr, char *line, size_t size)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return 0;
    int found = 0;
    while (!found && fgets(line, (int)size, f))
        found = strtoul(line, NULL, 16) == (unsigned long)addr;
    fclose(f);
    return found;
}

int main(void)
{
    p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap shared: %s", strerror(errno));
    p[0] = 1;
    int st = in_child(child_writes);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
    CHECK(p[0] == 2 && p[PG] == 42 && p[2 * PG + 5] == 7, "the child's writes: %d %d %d", p[0], p[PG],
          p[2 * PG + 5]);
    char line[256] = "";
    CHECK(maps_line((void *)p, line, sizeof line), "no maps line");
    CHECK(strstr(line, " rw-s ") && strstr(line, "/dev/zero (deleted)"), "maps: %s", line);

    /* Read-only, then writable again: the shared pages follow. */
    CHECK(mprotect((void *)p, 3 * PG, PROT_READ) == 0, "mprotect RO: %s", strerror(errno));
    st = in_child(child_writes_ro);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a write to the read-only mapping: status %#x", st);
    CHECK(mprotect((void *)p, 3 * PG, PROT_READ | PROT_WRITE) == 0, "mprotect RW: %s", strerror(errno));
    p[0] = 9;
    CHECK(p[0] == 9, "write after mprotect");
    CHECK(munmap((void *)p, 3 * PG) == 0, "munmap");

    /* Private memory is the child's own copy. */
    p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 1;
    in_child(child_writes);
    CHECK(p[0] == 1, "a private mapping changed under the child: %d", p[0]);
    munmap((void *)p, PG);

    /* MAP_SHARED of /dev/zero is shared anonymous memory too. */
    int fd = open("/dev/zero", O_RDWR);
    p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    CHECK(p != MAP_FAILED, "mmap /dev/zero: %s", strerror(errno));
    p[0] = 1;
    in_child(child_writes);
    CHECK(p[0] == 2 && p[PG] == 42, "/dev/zero: the child's writes: %d %d", p[0], p[PG]);

    /* The memory outlives the parent's mapping while the child maps it. */
    int to_child[2], to_parent[2];
    CHECK(pipe(to_child) == 0 && pipe(to_parent) == 0, "pipes");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        if (read(to_child[0], &c, 1) != 1)
            _exit(2);
        char v = p[PG + 1];
        if (write(to_parent[1], &v, 1) != 1)
            _exit(3);
        _exit(0);
    }
    p[PG + 1] = 77;
    CHECK(munmap((void *)p, 3 * PG) == 0, "munmap in the parent");
    char v = 0;
    CHECK(write(to_child[1], "x", 1) == 1 && read(to_parent[0], &v, 1) == 1, "pipe round trip");
    CHECK(v == 77, "the child saw %d after the parent unmapped", v);
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
    if (failures)
        return 1;
    printf("shared_anon: all ok\n");
    return 0;
}
