/* System V shared memory and POSIX shm_open as Linux 6.1 has them:
 * shmget (IPC_PRIVATE, keys, IPC_CREAT|IPC_EXCL, EEXIST/ENOENT/EINVAL),
 * shmat (SHM_RDONLY, SHM_RND, SHM_REMAP, placement errors), shmdt, the
 * attach count across fork and exit, shmctl's IPC_STAT, IPC_SET,
 * IPC_RMID (the segment lives on until its last detach), IPC_INFO,
 * SHM_INFO, SHM_STAT, SHM_LOCK/UNLOCK, /proc/sysvipc/shm, permissions for another user, the
 * `ipc` multiplexer and the direct system calls with the kernel's own
 * structures; and shm_open/ftruncate/mmap(MAP_SHARED)/shm_unlink on the
 * tmpfs at /dev/shm, shared across fork. Prints `FAIL: ...` for each
 * broken check and `shm: all ok`. Validated on Linux (both libcs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "test_common.h"

/* The kernel's i386 structures (asm-generic ipcbuf.h, shmbuf.h, linux/shm.h). */
struct k_ipc64_perm {
    int32_t key;
    uint32_t uid, gid, cuid, cgid;
    uint16_t mode, pad1, seq, pad2;
    uint32_t unused1, unused2;
};
struct k_shmid64_ds {
    struct k_ipc64_perm perm;
    uint32_t segsz, atime, atime_high, dtime, dtime_high, ctime, ctime_high;
    int32_t cpid, lpid;
    uint32_t nattch, unused4, unused5;
};
struct k_ipc_perm_old {
    int32_t key;
    uint16_t uid, gid, cuid, cgid, mode, seq;
};
struct k_shmid_ds_old {
    struct k_ipc_perm_old perm;
    int32_t segsz, atime, dtime, ctime;
    uint16_t cpid, lpid, nattch, unused;
    uint32_t unused2, unused3;
};
#define K_IPC_64 0x100
/* musl's IPC_STAT carries IPC_64 already: the kernel's values. */
#define K_IPC_STAT 2
#define K_IPC_RMID 0
#define K_SHMGET 23
#define K_SHMCTL 24
#define K_SHMAT 21
#define K_SHMDT 22

static sigjmp_buf jb;
static volatile int got_sig;
static void on_fault(int sig)
{
    got_sig = sig;
    siglongjmp(jb, 1);
}
static int poke(volatile char *p)
{
    got_sig = 0;
    if (sigsetjmp(jb, 1) == 0)
        *p = 1;
    return got_sig;
}

static int nattch(int id)
{
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) != 0)
        return -1;
    return (int)ds.shm_nattch;
}

static int shared_id;
static char *shared_p;

static int child_attach(void)
{
    /* An inherited attach counts; the child's write shows in the parent. */
    if (nattch(shared_id) != 2)
        return 2;
    shared_p[1] = 'c';
    return 0;
}

static int child_other_user(void)
{
    if (setgid(1000) != 0 || setuid(1000) != 0)
        return 2;
    struct shmid_ds ds;
    if (shmget(IPC_PRIVATE, 4096, 0600) < 0) /* anyone may make one */
        return 3;
    errno = 0;
    if (shmat(shared_id, NULL, SHM_RDONLY) != (void *)-1 || errno != EACCES)
        return 4;
    errno = 0;
    if (shmctl(shared_id, IPC_STAT, &ds) != -1 || errno != EACCES)
        return 5;
    errno = 0;
    if (shmctl(shared_id, IPC_RMID, NULL) != -1 || errno != EPERM)
        return 6;
    errno = 0;
    if (shmctl(shared_id, SHM_LOCK, NULL) != -1 || errno != EPERM)
        return 7;
    return 0;
}

static void sysv(void)
{
    time_t t0 = time(NULL);
    errno = 0;
    CHECK(shmget(IPC_PRIVATE, 0, 0600) == -1 && errno == EINVAL, "size 0: errno %d", errno);
    int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
    CHECK(id >= 0, "shmget IPC_PRIVATE: errno %d", errno);
    if (id < 0)
        return;
    struct shmid_ds ds;
    CHECK(shmctl(id, IPC_STAT, &ds) == 0, "IPC_STAT: errno %d", errno);
    CHECK(ds.shm_segsz == 10000 && ds.shm_nattch == 0 && (ds.shm_perm.mode & 0777) == 0600 &&
              ds.shm_cpid == getpid() && ds.shm_lpid == 0 && ds.shm_perm.uid == geteuid() &&
              ds.shm_perm.cuid == geteuid() && ds.shm_atime == 0 && ds.shm_ctime >= t0 &&
              ds.shm_perm.__key == IPC_PRIVATE,
          "IPC_STAT of a new segment: size %zu nattch %lu mode %o cpid %d lpid %d",
          (size_t)ds.shm_segsz, (unsigned long)ds.shm_nattch, ds.shm_perm.mode, ds.shm_cpid, ds.shm_lpid);

    char *p = shmat(id, NULL, 0);
    CHECK(p != (void *)-1, "shmat: errno %d", errno);
    if (p == (void *)-1)
        return;
    CHECK(p[0] == 0 && p[9999] == 0 && p[12287] == 0, "a new segment is not zeros");
    p[0] = 'p';
    /* maps names it as Linux's newseg names its file: /SYSV<key>, the id
     * for an inode number, shared, on the internal mount 00:01. */
    {
        FILE *f = fopen("/proc/self/maps", "r");
        char line[256], want[96];
        snprintf(want, sizeof want, "%08lx-%08lx rw-s 00000000 00:01 %d ", (unsigned long)p,
                 (unsigned long)p + 12288, id);
        int found = 0;
        while (f && fgets(line, sizeof line, f))
            if (!strncmp(line, want, strlen(want)) && strstr(line, " /SYSV00000000 (deleted)\n"))
                found = 1;
        if (f)
            fclose(f);
        CHECK(found, "no maps line \"%s... /SYSV00000000 (deleted)\"", want);
    }
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1 && ds.shm_lpid == getpid() &&
              ds.shm_atime >= t0,
          "after shmat: nattch %lu lpid %d", (unsigned long)ds.shm_nattch, ds.shm_lpid);
    shared_id = id;
    shared_p = p;
    int st = in_child(child_attach);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child attach: status %#x", st);
    CHECK(p[1] == 'c', "the child's write is not seen");
    CHECK(nattch(id) == 1, "after the child's exit: nattch %d", nattch(id));

    /* Read-only attach: the same memory, writes fault. */
    char *q = shmat(id, NULL, SHM_RDONLY);
    CHECK(q != (void *)-1 && q != p && q[0] == 'p', "SHM_RDONLY attach");
    CHECK(nattch(id) == 2, "two attaches: nattch %d", nattch(id));
    CHECK(poke(q) == SIGSEGV, "writing a SHM_RDONLY attach: signal %d", got_sig);
    /* ... and cannot be made writable, nor have its pages punched out
     * (no VM_MAYWRITE; madvise_remove wants VM_WRITE): EACCES. */
    errno = 0;
    CHECK(mprotect(q, 4096, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
          "mprotect PROT_WRITE of a SHM_RDONLY attach: errno %d", errno);
    errno = 0;
    CHECK(madvise(q, 4096, MADV_REMOVE) == -1 && errno == EACCES, "MADV_REMOVE of a SHM_RDONLY attach: errno %d",
          errno);
    CHECK(q[0] == 'p', "the segment changed through a read-only attach");
    errno = 0;
    CHECK(shmdt(q + 4096) == -1 && errno == EINVAL, "shmdt inside an attach: errno %d", errno);
    errno = 0;
    CHECK(shmdt(q + 1) == -1 && errno == EINVAL, "shmdt unaligned: errno %d", errno);
    CHECK(shmdt(q) == 0 && nattch(id) == 1, "shmdt: nattch %d", nattch(id));
    errno = 0;
    CHECK(shmdt(q) == -1 && errno == EINVAL, "shmdt twice: errno %d", errno);
    char *a = mmap(NULL, 8 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    errno = 0;
    CHECK(shmdt(a) == -1 && errno == EINVAL, "shmdt of an anonymous mapping: errno %d", errno);

    /* Placement: SHM_RND, overlap, SHM_REMAP. */
    errno = 0;
    CHECK(shmat(id, a + 100, 0) == (void *)-1 && errno == EINVAL, "unaligned without SHM_RND: errno %d", errno);
    errno = 0;
    CHECK(shmat(id, a, 0) == (void *)-1 && errno == EINVAL, "over a mapping: errno %d", errno);
    errno = 0;
    CHECK(shmat(id, NULL, SHM_REMAP) == (void *)-1 && errno == EINVAL, "SHM_REMAP without an address: errno %d", errno);
    char *r = shmat(id, a + 100, SHM_RND | SHM_REMAP);
    CHECK(r == a && r[0] == 'p', "SHM_RND|SHM_REMAP: %p (want %p)", (void *)r, (void *)a);
    CHECK(shmdt(r) == 0, "shmdt of the remapped attach: errno %d", errno);
    munmap(a, 8 * 4096);
    r = shmat(id, a + 4096 + 5, SHM_RND);
    CHECK(r == a + 4096, "SHM_RND into free space: %p (want %p)", (void *)r, (void *)(a + 4096));
    /* munmap of part of an attach: the rest still counts. */
    munmap(r + 4096, 4096);
    CHECK(nattch(id) == 3, "an attach cut in two: nattch %d", nattch(id));
    CHECK(shmdt(r) == 0 && nattch(id) == 1, "shmdt of a cut attach: nattch %d", nattch(id));

    /* Keys. */
    key_t key = 0x5e000000 + getpid();
    int k = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0640);
    CHECK(k >= 0 && k != id, "shmget(key, IPC_CREAT|IPC_EXCL): errno %d", errno);
    errno = 0;
    CHECK(shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0640) == -1 && errno == EEXIST, "EEXIST: errno %d", errno);
    CHECK(shmget(key, 0, 0) == k && shmget(key, 100, IPC_CREAT) == k, "the key's segment again");
    errno = 0;
    CHECK(shmget(key, 8192, 0) == -1 && errno == EINVAL, "larger than the segment: errno %d", errno);
    errno = 0;
    CHECK(shmget(key + 1, 4096, 0) == -1 && errno == ENOENT, "a missing key: errno %d", errno);
    CHECK(shmctl(k, IPC_STAT, &ds) == 0 && ds.shm_perm.__key == key, "the key in IPC_STAT");

    /* /proc/sysvipc/shm lists it: key, id, perms, size, cpid. */
    FILE *f = fopen("/proc/sysvipc/shm", "r");
    CHECK(f != NULL, "/proc/sysvipc/shm: errno %d", errno);
    if (f) {
        char line[256];
        int listed = 0;
        CHECK(fgets(line, sizeof line, f) && strstr(line, "key") && strstr(line, "nattch"), "the header");
        while (fgets(line, sizeof line, f)) {
            int lkey, lid, lcpid;
            unsigned perms;
            unsigned long size;
            if (sscanf(line, "%d %d %o %lu %d", &lkey, &lid, &perms, &size, &lcpid) == 5 && lid == k)
                listed = lkey == key && perms == 0640 && size == 4096 && lcpid == getpid();
        }
        fclose(f);
        CHECK(listed, "/proc/sysvipc/shm does not list the segment right");
    }

    /* IPC_SET. */
    ds.shm_perm.mode = 0604;
    CHECK(shmctl(k, IPC_SET, &ds) == 0, "IPC_SET: errno %d", errno);
    CHECK(shmctl(k, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & 0777) == 0604, "mode after IPC_SET: %o",
          ds.shm_perm.mode);

    /* SHM_LOCK / SHM_UNLOCK. */
    CHECK(shmctl(k, SHM_LOCK, NULL) == 0 && shmctl(k, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & SHM_LOCKED),
          "SHM_LOCK: errno %d mode %o", errno, ds.shm_perm.mode);
    CHECK(shmctl(k, SHM_UNLOCK, NULL) == 0 && shmctl(k, IPC_STAT, &ds) == 0 && !(ds.shm_perm.mode & SHM_LOCKED),
          "SHM_UNLOCK: mode %o", ds.shm_perm.mode);

    /* IPC_INFO, SHM_INFO, SHM_STAT. */
    struct shminfo si;
    int maxidx = shmctl(0, IPC_INFO, (struct shmid_ds *)(void *)&si);
    CHECK(maxidx >= 0 && si.shmmin == 1 && si.shmmni > 0 && si.shmmax > 0, "IPC_INFO: %d", maxidx);
    struct shm_info sinfo;
    CHECK(shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&sinfo) == maxidx && sinfo.used_ids >= 2 &&
              sinfo.shm_tot >= 4,
          "SHM_INFO: used %d tot %lu", sinfo.used_ids, (unsigned long)sinfo.shm_tot);
    int found = 0;
    for (int i = 0; i <= maxidx; i++)
        if (shmctl(i, SHM_STAT, &ds) == k)
            found = 1;
    CHECK(found, "SHM_STAT did not find the segment");
    errno = 0;
    CHECK(shmctl(k, 99, &ds) == -1 && errno == EINVAL, "unknown command: errno %d", errno);
    errno = 0;
    CHECK(shmctl(-1, IPC_STAT, &ds) == -1 && errno == EINVAL, "id -1: errno %d", errno);

    /* Another user. */
    if (geteuid() == 0) {
        shared_id = id;
        st = in_child(child_other_user);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "another user's checks: status %#x", st);
    }

    /* IPC_RMID while attached: marked, key gone, the memory stays until
     * the last detach. */
    CHECK(shmctl(k, IPC_RMID, NULL) == 0, "IPC_RMID of an unattached segment");
    errno = 0;
    CHECK(shmctl(k, IPC_STAT, &ds) == -1 && errno == EINVAL, "a removed segment: errno %d", errno);
    pid_t pid = fork();
    if (pid == 0) {
        /* Held by the child too, after the parent's detach. */
        usleep(100000);
        _exit(p[0] == 'p' ? 0 : 1);
    }
    CHECK(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID: errno %d", errno);
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & SHM_DEST) && ds.shm_perm.__key == IPC_PRIVATE &&
              ds.shm_nattch == 2,
          "after IPC_RMID: mode %o key %d nattch %lu", ds.shm_perm.mode, ds.shm_perm.__key,
          (unsigned long)ds.shm_nattch);
    CHECK(p[0] == 'p', "the memory went with IPC_RMID");
    CHECK(shmdt(p) == 0, "shmdt after IPC_RMID");
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child lost the memory");
    errno = 0;
    CHECK(shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL, "after the last detach: errno %d", errno);
}

/* The multiplexer and the direct calls, with the kernel's structures. */
static void raw(void)
{
    int id = syscall(SYS_ipc, K_SHMGET, IPC_PRIVATE, 5000, 0600, 0, 0);
    CHECK(id >= 0, "ipc(SHMGET): errno %d", errno);
    struct k_shmid_ds_old o;
    memset(&o, 0xff, sizeof o);
    CHECK(syscall(SYS_ipc, K_SHMCTL, id, K_IPC_STAT, 0, &o, 0) == 0 && o.segsz == 5000 && o.nattch == 0 &&
              (o.perm.mode & 0777) == 0600 && o.cpid == (uint16_t)getpid(),
          "ipc(SHMCTL, K_IPC_STAT) old: size %d mode %o", o.segsz, o.perm.mode);
    unsigned long at = 0;
    CHECK(syscall(SYS_ipc, K_SHMAT, id, 0, &at, 0, 0) == 0 && at != 0, "ipc(SHMAT): errno %d", errno);
    struct k_shmid64_ds d;
    memset(&d, 0xff, sizeof d);
    CHECK(syscall(SYS_ipc, K_SHMCTL, id, K_IPC_STAT | K_IPC_64, 0, &d, 0) == 0 && d.segsz == 5000 &&
              d.nattch == 1 && d.lpid == getpid() && d.atime_high == 0 && d.unused4 == 0,
          "ipc(SHMCTL, K_IPC_STAT|IPC_64): size %u nattch %u", d.segsz, d.nattch);
    errno = 0;
    CHECK(syscall(SYS_ipc, K_SHMAT | (1 << 16), id, 0, &at, 0, 0) == -1 && errno == EINVAL,
          "ipc(SHMAT) version 1: errno %d", errno);
    CHECK(syscall(SYS_ipc, K_SHMDT, 0, 0, 0, at, 0) == 0, "ipc(SHMDT): errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_ipc, K_SHMCTL, id, K_IPC_STAT | K_IPC_64, 0, 16, 0) == -1 && errno == EFAULT,
          "K_IPC_STAT to a bad buffer: errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_ipc, 99, 0, 0, 0, 0, 0) == -1 && errno == ENOSYS, "ipc(99): errno %d", errno);
    CHECK(syscall(SYS_ipc, K_SHMCTL, id, K_IPC_RMID, 0, 0, 0) == 0, "ipc(SHMCTL, K_IPC_RMID)");
#ifdef SYS_shmget
    id = syscall(SYS_shmget, IPC_PRIVATE, 6000, 0600);
    CHECK(id >= 0, "shmget(2): errno %d", errno);
    long a = syscall(SYS_shmat, id, 0, 0);
    CHECK(a != -1, "shmat(2): errno %d", errno);
    memset(&d, 0xff, sizeof d);
    CHECK(syscall(SYS_shmctl, id, K_IPC_STAT, &d) == 0 && d.segsz == 6000 && d.nattch == 1,
          "shmctl(2) K_IPC_STAT: size %u", d.segsz);
    errno = 0;
    CHECK(syscall(SYS_shmctl, id, K_IPC_STAT | K_IPC_64, &d) == -1 && errno == EINVAL,
          "shmctl(2) with IPC_64: errno %d", errno);
    CHECK(syscall(SYS_shmdt, a) == 0 && syscall(SYS_shmctl, id, K_IPC_RMID, 0) == 0, "shmdt(2), K_IPC_RMID");
#endif
}

static void posix(void)
{
    struct statfs sf;
    CHECK(statfs("/dev/shm", &sf) == 0 && sf.f_type == 0x01021994, "/dev/shm is not a tmpfs");
    const char *name = "/shm_test_obj";
    shm_unlink(name);
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0, "shm_open: errno %d", errno);
    if (fd < 0)
        return;
    struct stat s;
    CHECK(stat("/dev/shm/shm_test_obj", &s) == 0 && S_ISREG(s.st_mode), "/dev/shm/shm_test_obj");
    errno = 0;
    CHECK(shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600) == -1 && errno == EEXIST, "O_EXCL: errno %d", errno);
    CHECK(ftruncate(fd, 8192) == 0, "ftruncate: errno %d", errno);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED, "mmap: errno %d", errno);
    if (m == MAP_FAILED)
        return;
    m[0] = 'P';
    pid_t pid = fork();
    if (pid == 0) {
        int f = shm_open(name, O_RDWR, 0);
        char *c = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
        if (c == MAP_FAILED || c[0] != 'P')
            _exit(1);
        c[4096] = 'C';
        m[1] = 'D';
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: status %#x", st);
    CHECK(m[4096] == 'C' && m[1] == 'D', "the child's writes: '%c' '%c'", m[4096], m[1]);
    char b = 0;
    CHECK(pread(fd, &b, 1, 4096) == 1 && b == 'C', "read(2) of the child's write: '%c'", b);
    CHECK(shm_unlink(name) == 0, "shm_unlink: errno %d", errno);
    errno = 0;
    CHECK(shm_open(name, O_RDWR, 0) == -1 && errno == ENOENT, "after shm_unlink: errno %d", errno);
    CHECK(m[0] == 'P', "the mapping outlives the name");
    munmap(m, 8192);
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa = {.sa_handler = on_fault};
    sigaction(SIGSEGV, &sa, NULL);
    sysv();
    raw();
    posix();
    if (failures)
        return 1;
    printf("shm: all ok\n");
    return 0;
}
