/* The memory-management calls beyond mmap: mremap (shrink, grow in place,
 * MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP, on private and shared
 * anonymous memory and on files, and the vDSO, after which signal return
 * and SYSENTER still land in it), madvise, mincore, the mlock family
 * (with the RLIMIT_MEMLOCK rules for a user without CAP_IPC_LOCK), and
 * the mmap flags MAP_FIXED_NOREPLACE, MAP_GROWSDOWN, MAP_NORESERVE,
 * MAP_POPULATE and MAP_LOCKED, each with Linux's errors. The calls go
 * through syscall() so that each libc's wrappers add nothing. */
#define _GNU_SOURCE
#include "test_common.h"
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#define PG 4096
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

static long sc_err(long r) { return r == -1 ? errno : 0; }

static char *mr(void *old, size_t ol, size_t nl, int flags, void *na)
{
    return (char *)syscall(SYS_mremap, old, ol, nl, flags, na);
}

/* errno of a call that must fail, 0 if it succeeded. */
#define ERR(call) (errno = 0, (long)(call) == -1 ? errno : 0)

static char *map(size_t len, int prot, int flags)
{
    return mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);
}

/* The residency vector of [p, p + n pages), as a string of 0s and 1s. */
static const char *resident(void *p, int n)
{
    static unsigned char v[64];
    static char s[65];
    if (syscall(SYS_mincore, p, (size_t)n * PG, v) != 0)
        return "error";
    for (int i = 0; i < n; i++)
        s[i] = (char)('0' + (v[i] & 1));
    s[n] = 0;
    return s;
}

static int mapped(void *p) { return syscall(SYS_mincore, p, PG, (unsigned char[1]){0}) == 0; }

/* A free range of n pages (mapped, then unmapped). */
static char *hole(int n)
{
    char *p = map((size_t)n * PG, PROT_NONE, MAP_PRIVATE);
    munmap(p, (size_t)n * PG);
    return p;
}

static void test_mremap_anon(void)
{
    /* Four pages in a free stretch of eight: room to grow in place. */
    char *h = hole(8);
    char *p = mmap(h, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(p == h, "mmap fixed in a hole");
    for (int i = 0; i < 4; i++)
        p[i * PG] = (char)('a' + i);
    /* Shrink: the tail is gone. */
    CHECK(mr(p, 4 * PG, 2 * PG, 0, 0) == p, "shrink");
    CHECK(!mapped(p + 2 * PG) && mapped(p + PG), "the shrunk tail is unmapped");
    /* Grow in place (old_len rounded up to pages): the tail is new memory. */
    CHECK(mr(p, 2 * PG - 100, 5 * PG, 0, 0) == p, "grow in place: errno %d", errno);
    CHECK(p[0] == 'a' && p[PG] == 'b' && p[2 * PG] == 0 && p[4 * PG] == 0, "contents after growing");
    /* Blocked above, and not allowed to move: ENOMEM. */
    char *g = mmap(p + 5 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(g == p + 5 * PG, "guard mapping");
    CHECK(ERR(mr(p, 5 * PG, 7 * PG, 0, 0)) == ENOMEM, "grow without MAYMOVE: errno %d", errno);
    /* Across two mappings: EFAULT. */
    CHECK(ERR(mr(p, 6 * PG, 7 * PG, MREMAP_MAYMOVE, 0)) == EFAULT, "across mappings: errno %d", errno);
    /* MAYMOVE: it moves, with its pages. */
    p[4 * PG] = 'e';
    char *q = mr(p, 5 * PG, 9 * PG, MREMAP_MAYMOVE, 0);
    CHECK(q != MAP_FAILED && q != p, "move: errno %d", errno);
    if (q != MAP_FAILED) {
        CHECK(q[0] == 'a' && q[PG] == 'b' && q[4 * PG] == 'e' && q[8 * PG] == 0, "contents after the move");
        CHECK(!mapped(p) && !mapped(p + 4 * PG), "the old range is unmapped");
        CHECK(!strcmp(resident(q, 9), "111010001"), "residency after the move: %s", resident(q, 9));
        q[8 * PG] = 'z';
    }
    munmap(g, PG);
    /* MREMAP_FIXED onto an existing mapping replaces it. */
    char *t = map(3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    t[0] = 'T';
    char *f = mr(q, 2 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, t);
    CHECK(f == t, "MREMAP_FIXED: errno %d", errno);
    CHECK(t[0] == 'a' && t[PG] == 'b' && t[2 * PG] == 0, "MREMAP_FIXED contents");
    /* The rest of q stayed where it was. */
    CHECK(!mapped(q) && mapped(q + 2 * PG) && q[8 * PG] == 'z', "the rest of the old mapping");
    /* MREMAP_DONTUNMAP: the old range stays, empty. */
    char *d = mr(t, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
    CHECK(d != MAP_FAILED && d != t, "DONTUNMAP: errno %d", errno);
    if (d != MAP_FAILED) {
        CHECK(d[0] == 'a' && d[PG] == 'b', "DONTUNMAP moved the contents");
        CHECK(mapped(t) && t[0] == 0 && t[PG] == 0, "DONTUNMAP left the old range empty");
        munmap(d, 2 * PG);
    }
    munmap(t, 3 * PG);
    munmap(q, 9 * PG);

    /* The errors. */
    char *a = map(2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    CHECK(ERR(mr(a, PG, PG, 8, 0)) == EINVAL, "unknown flag: errno %d", errno);
    CHECK(ERR(mr(a, PG, 2 * PG, MREMAP_FIXED, a + 8 * PG)) == EINVAL, "FIXED without MAYMOVE");
    CHECK(ERR(mr(a, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0)) == EINVAL, "DONTUNMAP resizing");
    CHECK(ERR(mr(a, PG, PG, MREMAP_DONTUNMAP, 0)) == EINVAL, "DONTUNMAP without MAYMOVE");
    CHECK(ERR(mr(a + 1, PG, PG, 0, 0)) == EINVAL, "unaligned address");
    CHECK(ERR(mr(a, PG, 0, MREMAP_MAYMOVE, 0)) == EINVAL, "new_len 0");
    CHECK(ERR(mr(a, 0, PG, MREMAP_MAYMOVE, 0)) == EINVAL, "old_len 0 of a private mapping");
    CHECK(ERR(mr(hole(1), PG, 2 * PG, MREMAP_MAYMOVE, 0)) == EFAULT, "unmapped: errno %d", errno);
    CHECK(ERR(mr(a, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, a + PG)) == EINVAL, "overlapping FIXED");
    CHECK(ERR(mr(a, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, a + 8 * PG + 1)) == EINVAL, "unaligned new address");
    CHECK(ERR(mr(a, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)0xfffff000)) == EINVAL,
          "new range past user space: errno %d", errno);
    CHECK(ERR(mr(a, 2 * PG, 0xb0000000u, 0, 0)) == ENOMEM, "grow to 2.75 GiB in place: errno %d", errno);
    CHECK(ERR(mr(a, 0xfffff000u, PG, MREMAP_MAYMOVE | MREMAP_FIXED, a + 8 * PG)) == EINVAL,
          "shrink from 4 GiB: errno %d", errno);
    /* Same length, no flags: nothing to do. */
    CHECK(mr(a, 2 * PG, 2 * PG, 0, 0) == a, "same length");
    munmap(a, 2 * PG);
}

static volatile char *shm;

static int touch_past_shared(void)
{
    shm[3 * PG] = 1; /* past the object: SIGBUS */
    return 0;
}

static int child_writes_shared(void)
{
    shm[PG] = 'C';
    return 0;
}

static void test_mremap_shared(void)
{
    char *s = map(2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED);
    s[0] = 'S';
    /* Grow with a move: still the same memory, shared with a child. */
    char *g = mr(s, 2 * PG, 4 * PG, MREMAP_MAYMOVE, 0);
    CHECK(g != MAP_FAILED, "grow shared: errno %d", errno);
    shm = g;
    int st = in_child(child_writes_shared);
    CHECK(WIFEXITED(st) && g[PG] == 'C' && g[0] == 'S', "the moved shared memory stays shared");
    /* The object is two pages: the grown part is SIGBUS. */
    st = in_child(touch_past_shared);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS, "past the object: status %#x", st);
    /* old_len 0: a second mapping of the same memory. */
    char *d = mr(g, 0, 2 * PG, MREMAP_MAYMOVE, 0);
    CHECK(d != MAP_FAILED && d != g, "duplicate: errno %d", errno);
    if (d != MAP_FAILED) {
        d[5] = 'D';
        CHECK(g[5] == 'D' && d[0] == 'S', "the duplicate shows the same pages");
        munmap(d, 2 * PG);
    }
    /* madvise: DONTNEED keeps shared memory's contents; FREE is refused. */
    CHECK(syscall(SYS_madvise, g, PG, MADV_DONTNEED) == 0 && g[0] == 'S', "DONTNEED on shared memory");
    CHECK(ERR(syscall(SYS_madvise, g, PG, MADV_FREE)) == EINVAL, "FREE on shared memory: errno %d", errno);
    CHECK(syscall(SYS_madvise, g, PG, MADV_REMOVE) == 0 && g[0] == 0, "REMOVE zeroes shared memory");
    munmap(g, 4 * PG);
}

static int touch_past_file(void)
{
    shm[3 * PG] = 1;
    return 0;
}

static void test_mremap_file(void)
{
    const char *path = "/tmp/mremap.dat";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "open %s: errno %d", path, errno);
    char buf[PG];
    for (int i = 0; i < 3; i++) {
        memset(buf, 'A' + i, PG);
        CHECK(write(fd, buf, PG) == PG, "write");
    }
    char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(m != MAP_FAILED, "mmap file");
    CHECK(!strcmp(resident(m, 2), "11"), "file pages are in the page cache: %s", resident(m, 2));
    m[0] = 'x';
    /* Grown (moved): the new page is the file's next page. */
    char *g = mr(m, 2 * PG, 4 * PG, MREMAP_MAYMOVE, 0);
    CHECK(g != MAP_FAILED, "grow file mapping: errno %d", errno);
    CHECK(g[0] == 'x' && g[PG] == 'B' && g[2 * PG] == 'C', "file contents after the move");
    /* Past the end of the file: SIGBUS. */
    shm = g;
    int st = in_child(touch_past_file);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS, "past the file: status %#x", st);
    /* DONTNEED drops the private copy: the file's byte again. */
    CHECK(syscall(SYS_madvise, g, PG, MADV_DONTNEED) == 0 && g[0] == 'A', "DONTNEED on a file mapping");
    munmap(g, 4 * PG);

    /* A shared mapping moves with its pages: they are the file's. */
    char *s1 = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(s1 != MAP_FAILED, "mmap shared file");
    s1[1] = 'y';
    char *s2 = mr(s1, 2 * PG, 3 * PG, MREMAP_MAYMOVE, 0);
    CHECK(s2 != MAP_FAILED, "grow shared file mapping: errno %d", errno);
    CHECK(s2[1] == 'y' && s2[2 * PG] == 'C', "shared file contents after the move");
    s2[2 * PG + 1] = 'z';
    char c2[2];
    CHECK(pread(fd, c2, 2, 2 * PG) == 2 && c2[1] == 'z', "a store through the moved mapping is in the file");
    CHECK(syscall(SYS_madvise, s2, PG, MADV_DONTNEED) == 0 && s2[1] == 'y',
          "DONTNEED on a shared file mapping keeps the file's bytes");
    munmap(s2, 3 * PG);
    close(fd);
    unlink(path);
}

/* Raw int $0x80 system calls: after the vDSO moves, the libc's own path
 * (through AT_SYSINFO, __kernel_vsyscall) would jump to where it was. */
static long raw5(long nr, long a, long b, long c, long d, long e)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e) : "memory");
    return r;
}
#define raw(nr, a, b, c, d) raw5(nr, a, b, c, d, 0)

/* A system call through a __kernel_vsyscall at `entry` (SYSENTER returns
 * to the landing pad of the vDSO where it now is). */
static long vsys(long entry, long nr)
{
    long r;
    __asm__ volatile("call *%2" : "=a"(r) : "a"(nr), "r"(entry) : "memory", "ecx", "edx");
    return r;
}

static volatile int got_signal;
static void on_usr1(int sig) { got_signal = sig; }

struct ksigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    unsigned int mask[2];
};

/* Start and end of the maps line named `name`. */
static int find_map(const char *name, unsigned long *start, unsigned long *end)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[256];
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f))
        if (strstr(line, name) && sscanf(line, "%lx-%lx", start, end) == 2)
            found = 1;
    if (f)
        fclose(f);
    return found;
}

static int move_vdso(void)
{
    unsigned long vs, ve, ws = 0, we = 0;
    unsigned long ehdr = getauxval(AT_SYSINFO_EHDR), entry = getauxval(AT_SYSINFO);
    if (!find_map("[vdso]", &vs, &ve) || vs != ehdr)
        return 10;
    int has_vvar = find_map("[vvar]", &ws, &we);
    unsigned long len = ve - vs, vlen = we - ws;
    /* Somewhere free for both, vvar right below the vDSO as before. */
    char *dst = map(len + vlen + 2 * PG, PROT_NONE, MAP_PRIVATE);
    if (dst == MAP_FAILED)
        return 11;
    /* From here on: raw system calls only. */
    char *nv = dst + PG + vlen;
    long r = raw5(SYS_mremap, (long)vs, (long)len, (long)len, MREMAP_MAYMOVE | MREMAP_FIXED, (long)nv);
    if (r != (long)nv)
        return 12;
    if (has_vvar && raw5(SYS_mremap, (long)ws, (long)vlen, (long)vlen, MREMAP_MAYMOVE | MREMAP_FIXED,
                         (long)(nv - vlen)) != (long)(nv - vlen))
        return 13;
    /* The old place is empty now. */
    if (raw(SYS_mincore, (long)vs, PG, (long)&r, 0) != -ENOMEM)
        return 14;
    /* A handler without SA_RESTORER returns through the vDSO, wherever
     * it is now. */
    struct ksigaction sa = {on_usr1, 0, 0, {0, 0}};
    if (raw(SYS_rt_sigaction, SIGUSR1, (long)&sa, 0, 8) != 0)
        return 15;
    long pid = raw(SYS_getpid, 0, 0, 0, 0);
    raw(SYS_kill, pid, SIGUSR1, 0, 0);
    if (got_signal != SIGUSR1)
        return 16;
    /* SYSENTER through the moved __kernel_vsyscall lands in it. */
    if (entry && vsys((long)nv + (long)(entry - ehdr), SYS_getpid) != pid)
        return 17;
    /* The vDSO cannot grow, nor be kept behind (DONTUNMAP). */
    if (raw5(SYS_mremap, (long)nv, (long)len, (long)len + PG, MREMAP_MAYMOVE, 0) != -EFAULT)
        return 18;
    if (raw5(SYS_mremap, (long)nv, (long)len, (long)len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0) != -EINVAL)
        return 19;
    raw(SYS_exit, 0, 0, 0, 0);
    return 20;
}

static void test_mremap_vdso(void)
{
    int st = in_child(move_vdso);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "moving the vDSO: status %#x", st);
}

static volatile char *df;

static int child_reads_dontfork(void)
{
    return df[0] == 'k' ? 0 : 1; /* not mapped in the child: SIGSEGV */
}

static int child_reads_dofork(void)
{
    return df[0] == 'k' && df[PG] == 'k' ? 0 : 1;
}

static void test_madvise(void)
{
    char *p = map(4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    memset(p, 'x', 4 * PG);
    CHECK(!strcmp(resident(p, 4), "1111"), "touched: %s", resident(p, 4));
    CHECK(syscall(SYS_madvise, p + PG, 2 * PG, MADV_DONTNEED) == 0, "DONTNEED: errno %d", errno);
    CHECK(!strcmp(resident(p, 4), "1001"), "DONTNEED freed the pages: %s", resident(p, 4));
    CHECK(p[PG] == 0 && p[3 * PG - 1] == 0 && p[0] == 'x' && p[3 * PG] == 'x', "DONTNEED zeroes");
    int ok[] = {MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTFORK, MADV_DOFORK,
                MADV_FREE, MADV_DONTDUMP, MADV_DODUMP};
    for (unsigned i = 0; i < sizeof ok / sizeof ok[0]; i++)
        CHECK(syscall(SYS_madvise, p, 4 * PG, ok[i]) == 0, "advice %d: errno %d", ok[i], errno);
    CHECK(ERR(syscall(SYS_madvise, p, PG, 999)) == EINVAL, "unknown advice: errno %d", errno);
    CHECK(ERR(syscall(SYS_madvise, p, PG, -1)) == EINVAL, "advice -1: errno %d", errno);
    CHECK(ERR(syscall(SYS_madvise, p + 1, PG, MADV_NORMAL)) == EINVAL, "unaligned: errno %d", errno);
    CHECK(ERR(syscall(SYS_madvise, p, PG, MADV_REMOVE)) == EINVAL, "REMOVE on private memory: errno %d", errno);
    CHECK(syscall(SYS_madvise, hole(1), 0, MADV_DONTNEED) == 0, "length 0");
    CHECK(ERR(syscall(SYS_madvise, hole(2), PG, MADV_NORMAL)) == ENOMEM, "unmapped: errno %d", errno);
    /* A hole in the middle: the mapped parts are done, then ENOMEM. */
    memset(p, 'y', 4 * PG);
    munmap(p + PG, PG);
    CHECK(ERR(syscall(SYS_madvise, p, 4 * PG, MADV_DONTNEED)) == ENOMEM, "with a hole: errno %d", errno);
    CHECK(p[0] == 0 && p[2 * PG] == 0 && p[3 * PG] == 0, "the mapped parts were dropped");
    CHECK(syscall(SYS_madvise, p + 2 * PG, 2 * PG, MADV_POPULATE_WRITE) == 0, "POPULATE_WRITE: errno %d", errno);
    CHECK(!strcmp(resident(p + 2 * PG, 2), "11"), "populated: %s", resident(p + 2 * PG, 2));
    munmap(p, 4 * PG);
    /* DONTFORK: the child does not get the range; DOFORK undoes it. */
    df = map(2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    memset((char *)df, 'k', 2 * PG);
    CHECK(syscall(SYS_madvise, df, PG, MADV_DONTFORK) == 0, "DONTFORK");
    int st = in_child(child_reads_dontfork);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "DONTFORK range in the child: status %#x", st);
    CHECK(df[0] == 'k', "the parent keeps it");
    CHECK(syscall(SYS_madvise, df, 2 * PG, MADV_DOFORK) == 0, "DOFORK");
    st = in_child(child_reads_dofork);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "DOFORK range in the child: status %#x", st);
    munmap((char *)df, 2 * PG);
}

static void test_mincore(void)
{
    char *h = hole(4);
    char *p = mmap(h, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(!strcmp(resident(p, 3), "000"), "fresh: %s", resident(p, 3));
    p[PG] = 1;
    CHECK(!strcmp(resident(p, 3), "010"), "one touched: %s", resident(p, 3));
    unsigned char v[4];
    CHECK(ERR(syscall(SYS_mincore, p + 1, PG, v)) == EINVAL, "unaligned: errno %d", errno);
    CHECK(ERR(syscall(SYS_mincore, hole(1), PG, v)) == ENOMEM, "unmapped: errno %d", errno);
    CHECK(ERR(syscall(SYS_mincore, p, 4 * PG, v)) == ENOMEM, "past the end: errno %d", errno);
    CHECK(ERR(syscall(SYS_mincore, (void *)0x10000, 0xc0000000u, v)) == ENOMEM, "past user space");
    char *ro = map(PG, PROT_READ, MAP_PRIVATE);
    CHECK(ERR(syscall(SYS_mincore, p, PG, ro)) == EFAULT, "read-only vector: errno %d", errno);
    CHECK(ERR(syscall(SYS_mincore, p, PG, NULL)) == EFAULT, "NULL vector: errno %d", errno);
    CHECK(syscall(SYS_mincore, p, 0, NULL) == 0, "length 0");
    munmap(ro, PG);
    munmap(p, 3 * PG);
}

static int mlock_limits(void)
{
    failures = 0;
    char *p = map(4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    struct rlimit rl = {2 * PG, 2 * PG};
    if (setrlimit(RLIMIT_MEMLOCK, &rl) != 0)
        return 1;
    if (getuid() == 0 && setuid(65534) != 0)
        return 2;
    CHECK(syscall(SYS_mlock, p, 2 * PG) == 0, "within the limit: errno %d", errno);
    CHECK(syscall(SYS_mlock, p, 2 * PG) == 0, "the same pages again: errno %d", errno);
    CHECK(ERR(syscall(SYS_mlock, p + 2 * PG, PG)) == ENOMEM, "one more page: errno %d", errno);
    CHECK(syscall(SYS_munlock, p, 2 * PG) == 0, "munlock");
    CHECK(ERR(syscall(SYS_mlock, p, 3 * PG)) == ENOMEM, "over the limit: errno %d", errno);
    CHECK(ERR(syscall(SYS_mlockall, MCL_CURRENT)) == ENOMEM, "mlockall over the limit: errno %d", errno);
    CHECK(ERR(map(3 * PG, PROT_READ, MAP_PRIVATE | MAP_LOCKED)) == EAGAIN, "MAP_LOCKED over: errno %d", errno);
    rl.rlim_cur = rl.rlim_max = 0;
    CHECK(setrlimit(RLIMIT_MEMLOCK, &rl) == 0, "limit 0");
    CHECK(ERR(syscall(SYS_mlock, p, PG)) == EPERM, "mlock with limit 0: errno %d", errno);
    CHECK(ERR(syscall(SYS_mlock2, p, PG, 0)) == EPERM, "mlock2 with limit 0: errno %d", errno);
    CHECK(ERR(syscall(SYS_mlockall, MCL_FUTURE)) == EPERM, "mlockall with limit 0: errno %d", errno);
    /* (musl's mmap turns this EPERM into ENOMEM: the call itself.) */
    CHECK(ERR(syscall(SYS_mmap2, 0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0)) == EPERM,
          "MAP_LOCKED with limit 0: errno %d", errno);
    CHECK(syscall(SYS_munlock, p, PG) == 0 && syscall(SYS_munlockall) == 0, "unlocking needs no limit");
    return failures;
}

static int mlockall_child(void)
{
    failures = 0;
    CHECK(syscall(SYS_mlockall, MCL_CURRENT | MCL_FUTURE) == 0, "mlockall: errno %d", errno);
    CHECK(syscall(SYS_mlockall, MCL_CURRENT | MCL_ONFAULT) == 0, "mlockall ONFAULT: errno %d", errno);
    CHECK(syscall(SYS_munlockall) == 0, "munlockall");
    return failures;
}

/* VmLck of /proc/self/status, in kB (-1 if missing). */
static long vmlck(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmLck:", 6))
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

static void test_mlock(void)
{
    char *p = map(3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    long before = vmlck();
    CHECK(syscall(SYS_mlock, p + 100, PG) == 0, "mlock: errno %d", errno);
    CHECK(!strcmp(resident(p, 3), "110"), "mlock faults the pages in: %s", resident(p, 3));
    CHECK(vmlck() == before + 8, "VmLck %ld kB, want %ld", vmlck(), before + 8);
    CHECK(syscall(SYS_mlock, p, 2 * PG) == 0 && vmlck() == before + 8, "locking again counts once");
    CHECK(ERR(syscall(SYS_madvise, p, PG, MADV_DONTNEED)) == EINVAL, "DONTNEED on locked pages: errno %d", errno);
    CHECK(syscall(SYS_munlock, p, 3 * PG) == 0, "munlock");
    CHECK(vmlck() == before, "VmLck after munlock: %ld kB", vmlck());
    CHECK(syscall(SYS_mlock2, p + 2 * PG, PG, MLOCK_ONFAULT) == 0, "mlock2 ONFAULT: errno %d", errno);
    CHECK(!strcmp(resident(p, 3), "110"), "ONFAULT faults nothing in: %s", resident(p, 3));
    CHECK(ERR(syscall(SYS_mlock2, p, PG, 2)) == EINVAL, "mlock2 bad flags: errno %d", errno);
    CHECK(syscall(SYS_mlock, p, 0) == 0, "length 0");
    munmap(p + PG, PG);
    CHECK(ERR(syscall(SYS_mlock, p, 3 * PG)) == ENOMEM, "mlock over a hole: errno %d", errno);
    CHECK(ERR(syscall(SYS_munlock, p, 3 * PG)) == ENOMEM, "munlock over a hole: errno %d", errno);
    CHECK(ERR(syscall(SYS_mlock, hole(1), PG)) == ENOMEM, "mlock unmapped: errno %d", errno);
    CHECK(ERR(syscall(SYS_mlockall, 0)) == EINVAL, "mlockall(0)");
    CHECK(ERR(syscall(SYS_mlockall, MCL_ONFAULT)) == EINVAL, "mlockall(MCL_ONFAULT)");
    CHECK(ERR(syscall(SYS_mlockall, 8 | MCL_CURRENT)) == EINVAL, "mlockall bad flag");
    int st = in_child(mlockall_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "mlockall child: status %#x", st);
    st = in_child(mlock_limits);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "mlock limits child: status %#x", st);
    munmap(p, 3 * PG);
}

static volatile char *gd;

static int grow_down(void)
{
    gd[-PG] = 1;       /* one page below: grows */
    gd[-16 * PG] = 2;  /* further: grows again */
    return gd[-PG] == 1 && gd[-16 * PG] == 2 ? 0 : 1;
}

static int grow_into_gap(void)
{
    /* Within 256 pages of the mapping below: SIGSEGV. */
    gd[-(long)(512 - 8) * PG] = 1;
    return 0;
}

static void test_mmap_flags(void)
{
    char *p = map(2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    CHECK(ERR(mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0)) == EEXIST,
          "FIXED_NOREPLACE over a mapping: errno %d", errno);
    char *h = hole(1);
    CHECK(mmap(h, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == h,
          "FIXED_NOREPLACE in a hole: errno %d", errno);
    munmap(h, PG);
    char *n = map(64 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE);
    CHECK(n != MAP_FAILED && n[63 * PG] == 0, "MAP_NORESERVE");
    munmap(n, 64 * PG);
    char *pop = map(3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_POPULATE);
    CHECK(!strcmp(resident(pop, 3), "111"), "MAP_POPULATE: %s", resident(pop, 3));
    munmap(pop, 3 * PG);
    char *lk = map(2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_LOCKED);
    CHECK(lk != MAP_FAILED && !strcmp(resident(lk, 2), "11"), "MAP_LOCKED: %s", resident(lk, 2));
    munmap(lk, 2 * PG);
    munmap(p, 2 * PG);
    /* MAP_GROWSDOWN: a region that grows on a fault below it, keeping
     * 256 pages from the mapping below. */
    char *area = hole(1024);
    char *low = mmap(area, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    char *top = area + 512 * PG;
    char *gdm = mmap(top, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, -1, 0);
    CHECK(low == area && gdm == top, "GROWSDOWN mapping: errno %d", errno);
    gd = gdm;
    int st = in_child(grow_down);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "growing down: status %#x", st);
    st = in_child(grow_into_gap);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "growing into the guard gap: status %#x", st);
    CHECK(ERR(mmap(NULL, PG, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0)) == EINVAL,
          "shared GROWSDOWN: errno %d", errno);
    munmap(area, 1024 * PG);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    (void)sc_err;
    test_mremap_anon();
    test_mremap_shared();
    test_mremap_file();
    test_mremap_vdso();
    test_madvise();
    test_mincore();
    test_mlock();
    test_mmap_flags();
    if (failures == 0)
        printf("mremap: all ok\n");
    return failures != 0;
}
