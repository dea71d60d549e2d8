/* The /proc files programs read (ps, top, free, uptime, libc's realpath and
 * ttyname, sanitizers), checked against what Linux does; each group in a
 * child. Prints `FAIL: ...` for each broken check and `vfs_proc: all ok`
 * (exit 0) only when every check passes.
 *   exe      readlink /proc/self/exe is absolute, names the same file as
 *            argv[0] (same inode) and equals realpath(argv[0]);
 *   cmdline  /proc/self/cmdline holds argv, NUL-separated, also after
 *            re-executing ourselves with "two words", "" and "last";
 *   status   /proc/self/status: "Name:\t<comm>" (argv[0]'s base name, 15
 *            chars at most), "State:\tR", "Tgid:\t"/"Pid:\t<getpid()>",
 *            "PPid:\t<getppid()>", "Uid:"/"Gid:" with real, effective, saved
 *            and fs ids, also after setresuid/setresgid (as root);
 *   stat     /proc/self/stat is "<pid> (<comm>) R <ppid> ...", 40+ fields;
 *   self     readlink /proc/self is "<pid>"; /proc/<pid>/status agrees; a
 *            child that exited shows state Z until it is reaped, then
 *            /proc/<pid> is gone (ENOENT); a child in nanosleep is S in
 *            every read for 300 ms while we run;
 *   fd       /proc/self/fd lists exactly the open fds, as symlinks: a file's
 *            gives its path, a pipe's "pipe:[N]", and opening a pipe's
 *            link opens another end of the same pipe (same inode, the data
 *            written before, EOF when the writers close); a closed fd is ENOENT;
 *            /proc/self/cwd is a symlink to getcwd(), also after chdir;
 *   maps     every /proc/self/maps line parses as "%lx-%lx %4s %lx %x:%x
 *            %lu [path]", in order, page aligned; main() is in an r-x mapping
 *            of our executable, a local in [stack]; a fresh 3-page anonymous
 *            mmap is one rw-p line, three after an mprotect of its middle
 *            page; a shared file mapping shows r--s, its inode and path;
 *   meminfo  MemTotal/MemFree/MemAvailable lines in kB that agree with
 *            sysinfo() (MemTotal within 1%, MemFree within 10% of total);
 *   misc     /proc/uptime is "S.CC S.CC\n" and agrees with sysinfo() within
 *            2 s; /proc/version starts "Linux version <uname -r> ";
 *            /proc/sys/kernel/pid_max is a number >= 301 (32768 on our
 *            kernel; printed); /proc/mounts has "/" and "/proc" (proc) lines.
 *   c_vfs_proc_* [ARG...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "test_common.h"

static int g_argc;
static char **g_argv;
static char base[64]; /* scratch dir /tmp/vfs_proc.PID */

static void (*group_fn)(void);
static int group_child(void)
{
    failures = 0;
    group_fn();
    fflush(stdout);
    return failures != 0;
}
static void group(const char *name, void (*f)(void))
{
    group_fn = f;
    int st = in_child(group_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "group %s failed (status %#x)", name, st);
}

/* Read a whole file (proc files have st_size 0: read to EOF). NUL-ends
 * it; the length, or -1. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t len = 0;
    ssize_t n;
    while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
        len += n;
    close(fd);
    buf[len] = 0;
    return len;
}

/* The value after "Key:" in a status/meminfo-style text, or NULL. */
static const char *field(const char *text, const char *key)
{
    size_t k = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, key, k) == 0 && p[k] == ':')
            return p + k + 1;
    return NULL;
}

static ssize_t rl(const char *path, char *buf, size_t size)
{
    ssize_t n = readlink(path, buf, size - 1);
    buf[n > 0 ? n : 0] = 0;
    return n;
}

static void check_cmdline(int argc, char **argv)
{
    static char want[8192], got[8192];
    size_t len = 0;
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;
        memcpy(want + len, argv[i], l);
        len += l;
    }
    ssize_t n = slurp("/proc/self/cmdline", got, sizeof got);
    CHECK(n == (ssize_t)len && memcmp(got, want, len) == 0, "/proc/self/cmdline: %zd bytes, expected %zu (argc %d)", n,
          len, argc);
}

static void g_exe(void)
{
    char exe[PATH_MAX], real[PATH_MAX];
    ssize_t n = rl("/proc/self/exe", exe, sizeof exe);
    CHECK(n > 0 && exe[0] == '/', "readlink(/proc/self/exe) = %zd \"%s\", errno %d", n, exe, errno);
    struct stat a, b;
    CHECK(stat(exe, &a) == 0 && stat(g_argv[0], &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev,
          "/proc/self/exe (%s) is not the file argv[0] (%s) names", exe, g_argv[0]);
    CHECK(stat("/proc/self/exe", &b) == 0 && a.st_ino == b.st_ino, "stat(/proc/self/exe) does not follow the link");
    CHECK(realpath(g_argv[0], real) && strcmp(real, exe) == 0, "/proc/self/exe is \"%s\", realpath(argv[0]) \"%s\"",
          exe, real);
}

static void g_cmdline(void)
{
    check_cmdline(g_argc, g_argv);
    char exe[PATH_MAX];
    rl("/proc/self/exe", exe, sizeof exe);
    char *args[] = {strchr(g_argv[0], '/') ? g_argv[0] : exe, "--cmdline", "two words", "", "last", NULL};
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execv(args[0], args);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the re-executed child's cmdline check failed (status %#x)", st);
}

/* The status "Uid:"/"Gid:" value: 4 ids. */
static int ids4(const char *v, unsigned id[4])
{
    return v && sscanf(v, "\t%u\t%u\t%u\t%u", &id[0], &id[1], &id[2], &id[3]) == 4;
}

static void check_ids(const char *status)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    unsigned fsu = setfsuid(-1), fsg = setfsgid(-1), u[4] = {9, 9, 9, 9}, g[4] = {9, 9, 9, 9};
    CHECK(ids4(field(status, "Uid"), u) && u[0] == r && u[1] == e && u[2] == s && u[3] == fsu,
          "status Uid: %u %u %u %u, expected %u %u %u %u", u[0], u[1], u[2], u[3], (unsigned)r, (unsigned)e,
          (unsigned)s, fsu);
    CHECK(ids4(field(status, "Gid"), g) && g[0] == gr && g[1] == ge && g[2] == gs && g[3] == fsg,
          "status Gid: %u %u %u %u, expected %u %u %u %u", g[0], g[1], g[2], g[3], (unsigned)gr, (unsigned)ge,
          (unsigned)gs, fsg);
}

static void g_status(void)
{
    static char st[8192];
    CHECK(slurp("/proc/self/status", st, sizeof st) > 0, "reading /proc/self/status failed, errno %d", errno);
    const char *slash = strrchr(g_argv[0], '/');
    char comm[16];
    snprintf(comm, sizeof comm, "%s", slash ? slash + 1 : g_argv[0]); /* 15 chars, as Linux cuts it */
    const char *v = field(st, "Name");
    CHECK(v && v[0] == '\t' && strncmp(v + 1, comm, strlen(comm)) == 0 && v[1 + strlen(comm)] == '\n',
          "status Name: \"%.20s\", expected \"%s\"", v ? v + 1 : "(none)", comm);
    CHECK((v = field(st, "State")) && strncmp(v, "\tR", 2) == 0, "status State: \"%.12s\", expected R",
          v ? v : "(none)");
    int pid = -1, ppid = -1, tgid = -1;
    CHECK((v = field(st, "Pid")) && sscanf(v, "\t%d", &pid) == 1 && pid == getpid(), "status Pid: %d, getpid %d", pid,
          (int)getpid());
    CHECK((v = field(st, "Tgid")) && sscanf(v, "\t%d", &tgid) == 1 && tgid == getpid(), "status Tgid: %d", tgid);
    CHECK((v = field(st, "PPid")) && sscanf(v, "\t%d", &ppid) == 1 && ppid == getppid(), "status PPid: %d, getppid %d",
          ppid, (int)getppid());
    check_ids(st);
    if (getuid() == 0) { /* ids that all differ */
        CHECK(setresgid(2000, 2001, 2002) == 0 && setresuid(1000, 1001, 1002) == 0, "setresuid failed, errno %d",
              errno);
        CHECK(slurp("/proc/self/status", st, sizeof st) > 0, "reading status after setresuid failed, errno %d", errno);
        check_ids(st);
    }
}

static void g_stat(void)
{
    char st[2048], state = '?';
    CHECK(slurp("/proc/self/stat", st, sizeof st) > 0, "reading /proc/self/stat failed, errno %d", errno);
    int pid = -1, ppid = -1;
    const char *open_ = strchr(st, '('), *close_ = strrchr(st, ')');
    CHECK(sscanf(st, "%d (", &pid) == 1 && pid == getpid() && open_ && close_ && open_ == st + strcspn(st, " ") + 1,
          "/proc/self/stat does not start \"<pid> (\": \"%.40s\"", st);
    if (!open_ || !close_)
        return;
    const char *slash = strrchr(g_argv[0], '/');
    char comm[16];
    snprintf(comm, sizeof comm, "%s", slash ? slash + 1 : g_argv[0]);
    CHECK(close_ - open_ - 1 == (long)strlen(comm) && strncmp(open_ + 1, comm, strlen(comm)) == 0,
          "/proc/self/stat comm \"%.*s\", expected \"%s\"", (int)(close_ - open_ - 1), open_ + 1, comm);
    CHECK(sscanf(close_ + 1, " %c %d", &state, &ppid) == 2 && state == 'R' && ppid == getppid(),
          "/proc/self/stat: state %c ppid %d, expected R %d", state, ppid, (int)getppid());
    int fields = 2;
    for (const char *p = close_ + 1; *p; p++)
        fields += *p == ' ' && p[1] && p[1] != '\n';
    CHECK(fields >= 40, "/proc/self/stat has %d fields, expected 40 or more", fields);
}

static void g_self(void)
{
    char buf[64], path[64], st[4096];
    CHECK(rl("/proc/self", buf, sizeof buf) > 0 && atoi(buf) == getpid(), "readlink(/proc/self) = \"%s\", pid %d", buf,
          (int)getpid());
    snprintf(path, sizeof path, "/proc/%d/status", (int)getpid());
    const char *v;
    int pid = -1;
    CHECK(slurp(path, st, sizeof st) > 0 && (v = field(st, "Pid")) && sscanf(v, "\t%d", &pid) == 1 &&
              pid == getpid(),
          "%s: Pid %d", path, pid);

    fflush(stdout);
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    snprintf(path, sizeof path, "/proc/%d/stat", (int)child);
    char state = '?';
    for (int i = 0; i < 500 && state != 'Z'; i++) { /* up to 5 s */
        const char *c = slurp(path, st, sizeof st) > 0 ? strrchr(st, ')') : NULL;
        if (!c || sscanf(c + 1, " %c", &state) != 1)
            break;
        if (state != 'Z')
            usleep(10000);
    }
    CHECK(state == 'Z', "an exited, unreaped child is in state %c, expected Z", state);
    snprintf(path, sizeof path, "/proc/%d/status", (int)child);
    CHECK(slurp(path, st, sizeof st) > 0 && (v = field(st, "State")) && strncmp(v, "\tZ", 2) == 0,
          "%s: State is not Z", path);
    waitpid(child, NULL, 0);
    snprintf(path, sizeof path, "/proc/%d", (int)child);
    struct stat sb;
    errno = 0;
    CHECK(stat(path, &sb) == -1 && errno == ENOENT, "%s of a reaped child: errno %d, expected ENOENT", path, errno);

    /* A child in nanosleep is S the whole time, also while we run (its
     * sleep is not a wake-up on every timer tick). */
    fflush(stdout);
    child = fork();
    if (child == 0) {
        struct timespec ts = {2, 0};
        nanosleep(&ts, NULL);
        _exit(0);
    }
    snprintf(path, sizeof path, "/proc/%d/stat", (int)child);
    state = '?';
    for (int i = 0; i < 100 && state != 'S'; i++) { /* up to 1 s to fall asleep */
        const char *c = slurp(path, st, sizeof st) > 0 ? strrchr(st, ')') : NULL;
        if (!c || sscanf(c + 1, " %c", &state) != 1)
            break;
        if (state != 'S')
            usleep(10000);
    }
    int reads = 0, awake = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do { /* 300 ms of reading it without sleeping ourselves */
        const char *c = slurp(path, st, sizeof st) > 0 ? strrchr(st, ')') : NULL;
        char s2 = '?';
        if (c && sscanf(c + 1, " %c", &s2) == 1) {
            reads++;
            awake += s2 != 'S';
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
    } while ((t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) < 300000000L);
    CHECK(state == 'S' && reads > 0 && awake == 0, "a child in nanosleep(2 s): state %c, then not S in %d of %d reads",
          state, awake, reads);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

static void g_fd(void)
{
    char file[128], buf[PATH_MAX], link[64];
    snprintf(file, sizeof file, "%s/file", base);
    int fd = open(file, O_CREAT | O_RDWR, 0644), p[2];
    CHECK(fd >= 0 && pipe(p) == 0, "open(%s)/pipe failed, errno %d", file, errno);
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    CHECK(rl(link, buf, sizeof buf) > 0 && strcmp(buf, file) == 0, "readlink(%s) = \"%s\", expected \"%s\"", link, buf,
          file);
    struct stat st;
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode), "lstat(%s) is not a symlink (mode 0%o)", link,
          (unsigned)st.st_mode);
    snprintf(link, sizeof link, "/proc/self/fd/%d", p[0]);
    CHECK(rl(link, buf, sizeof buf) > 0 && strncmp(buf, "pipe:[", 6) == 0, "readlink(%s) = \"%s\", expected pipe:[N]",
          link, buf);

    /* Opening a pipe's link opens another end of the same pipe (bash's
     * <(...) hands out /dev/fd/63), even with no writer left: no FIFO wait. */
    CHECK(write(p[1], "via", 3) == 3, "write to the pipe failed, errno %d", errno);
    int again = open(link, O_RDONLY);
    CHECK(again >= 0 && again != p[0], "open(%s) = %d, errno %d", link, again, errno);
    struct stat a, b;
    CHECK(again >= 0 && fstat(again, &a) == 0 && fstat(p[0], &b) == 0 && S_ISFIFO(a.st_mode) && a.st_ino == b.st_ino &&
              a.st_dev == b.st_dev,
          "the reopened pipe is another inode (mode 0%o ino %lu, pipe's %lu)", (unsigned)a.st_mode,
          (unsigned long)a.st_ino, (unsigned long)b.st_ino);
    snprintf(link, sizeof link, "/proc/self/fd/%d", p[1]);
    int w2 = open(link, O_WRONLY);
    CHECK(w2 >= 0 && write(w2, "!", 1) == 1, "open(%s, O_WRONLY)/write: errno %d", link, errno);
    if (w2 >= 0)
        close(w2);
    close(p[1]);
    char got[8] = {0};
    CHECK(again >= 0 && read(again, got, sizeof got) == 4 && memcmp(got, "via!", 4) == 0,
          "read of the reopened pipe: \"%s\"", got);
    CHECK(again >= 0 && read(again, got, sizeof got) == 0, "no EOF on the reopened pipe once its writers closed");
    if (again >= 0)
        close(again);
    close(p[0]);

    /* The listing is exactly the open fds (including the listing's own). */
    DIR *d = opendir("/proc/self/fd");
    CHECK(d != NULL, "opendir(/proc/self/fd) failed, errno %d", errno);
    char listed[256] = {0};
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int n = atoi(e->d_name);
        CHECK(n >= 0 && n < 256 && e->d_type == DT_LNK, "/proc/self/fd entry \"%s\" d_type %d", e->d_name, e->d_type);
        if (n >= 0 && n < 256)
            listed[n] = 1;
    }
    for (int i = 0; i < 256; i++)
        CHECK(listed[i] == (fcntl(i, F_GETFD) != -1), "fd %d: listed %d, open %d", i, listed[i],
              fcntl(i, F_GETFD) != -1);
    if (d)
        closedir(d);
    close(fd);
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    errno = 0;
    CHECK(readlink(link, buf, sizeof buf) == -1 && errno == ENOENT, "readlink of a closed fd: errno %d, want ENOENT",
          errno);

    char cwd[PATH_MAX];
    CHECK(getcwd(cwd, sizeof cwd) && rl("/proc/self/cwd", buf, sizeof buf) > 0 && strcmp(buf, cwd) == 0,
          "/proc/self/cwd is \"%s\", getcwd \"%s\"", buf, cwd);
    CHECK(chdir(base) == 0 && rl("/proc/self/cwd", buf, sizeof buf) > 0 && strcmp(buf, base) == 0,
          "/proc/self/cwd after chdir(%s) is \"%s\"", base, buf);
    unlink(file);
}

struct map {
    unsigned long start, end, off, inode;
    char perms[5], path[256];
};

/* Find the mapping holding `addr`, checking every line's format. */
static int find_map(unsigned long addr, struct map *out)
{
    static char text[65536];
    CHECK(slurp("/proc/self/maps", text, sizeof text) > 0, "reading /proc/self/maps failed, errno %d", errno);
    int found = 0;
    unsigned long prev_end = 0;
    for (char *line = text, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            break;
        *nl = 0;
        struct map m = {0};
        unsigned dmaj, dmin;
        int used = 0;
        int n = sscanf(line, "%lx-%lx %4s %lx %x:%x %lu%n", &m.start, &m.end, m.perms, &m.off, &dmaj, &dmin,
                       &m.inode, &used);
        const char *p = line + used;
        while (*p == ' ')
            p++;
        snprintf(m.path, sizeof m.path, "%s", p);
        int perms_ok = strlen(m.perms) == 4 && strchr("r-", m.perms[0]) && strchr("w-", m.perms[1]) &&
                       strchr("x-", m.perms[2]) && strchr("ps", m.perms[3]);
        CHECK(n == 7 && perms_ok && m.start < m.end && m.start >= prev_end && m.start % 4096 == 0 &&
                  m.end % 4096 == 0,
              "bad /proc/self/maps line \"%s\"", line);
        prev_end = m.end;
        if (addr >= m.start && addr < m.end) {
            *out = m;
            found = 1;
        }
        *nl = '\n';
    }
    return found;
}

static void g_maps(void)
{
    char exe[PATH_MAX];
    rl("/proc/self/exe", exe, sizeof exe);
    struct map m;
    CHECK(find_map((unsigned long)(void *)g_maps, &m) && m.perms[0] == 'r' && m.perms[2] == 'x' &&
              strcmp(m.path, exe) == 0,
          "our code's mapping: %s \"%s\", expected r-x of \"%s\"", m.perms, m.path, exe);
    int local = 0;
    CHECK(find_map((unsigned long)&local, &m) && strcmp(m.path, "[stack]") == 0 && strncmp(m.perms, "rw", 2) == 0,
          "a local's mapping: %s \"%s\", expected rw [stack]", m.perms, m.path);

    char *a = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED, "mmap failed, errno %d", errno);
    unsigned long s = (unsigned long)a;
    /* Neighbouring anonymous mappings may merge with ours: check it is
     * covered by one rw-p anonymous line. */
    CHECK(find_map(s, &m) && m.start <= s && m.end >= s + 3 * 4096 && strcmp(m.perms, "rw-p") == 0 && m.inode == 0,
          "a 3-page anonymous mmap at %#lx: line %#lx-%#lx %s inode %lu", s, m.start, m.end, m.perms, m.inode);
    CHECK(mprotect(a + 4096, 4096, PROT_READ) == 0, "mprotect failed, errno %d", errno);
    CHECK(find_map(s + 4096, &m) && m.start == s + 4096 && m.end == s + 8192 && strcmp(m.perms, "r--p") == 0,
          "after mprotect of the middle page: %#lx-%#lx %s, expected %#lx-%#lx r--p", m.start, m.end, m.perms,
          s + 4096, s + 8192);
    CHECK(find_map(s, &m) && m.end == s + 4096 && find_map(s + 8192, &m) && m.start == s + 8192,
          "mprotect did not split the mapping in three");
    munmap(a, 3 * 4096);

    char file[128];
    snprintf(file, sizeof file, "%s/mapped", base);
    int fd = open(file, O_CREAT | O_RDWR, 0644);
    struct stat st;
    CHECK(fd >= 0 && ftruncate(fd, 8192) == 0 && fstat(fd, &st) == 0, "making %s failed, errno %d", file, errno);
    char *f = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
    CHECK(f != MAP_FAILED, "mmap of %s failed, errno %d", file, errno);
    CHECK(find_map((unsigned long)f, &m) && strcmp(m.perms, "r--s") == 0 && m.off == 4096 &&
              m.inode == (unsigned long)st.st_ino && strcmp(m.path, file) == 0,
          "a shared file mapping: %s offset %#lx inode %lu \"%s\", expected r--s 0x1000 %lu \"%s\"", m.perms, m.off,
          m.inode, m.path, (unsigned long)st.st_ino, file);
    munmap(f, 4096);
    close(fd);
    unlink(file);
}

static int kb(const char *text, const char *key, unsigned long long *v)
{
    const char *p = field(text, key);
    char unit[4] = "";
    return p && sscanf(p, " %llu %3s", v, unit) == 2 && strcmp(unit, "kB") == 0;
}

static void g_meminfo(void)
{
    static char text[8192];
    CHECK(slurp("/proc/meminfo", text, sizeof text) > 0, "reading /proc/meminfo failed, errno %d", errno);
    CHECK(strncmp(text, "MemTotal:", 9) == 0, "/proc/meminfo does not start with MemTotal:");
    unsigned long long total = 0, free_ = 0, avail = 0;
    CHECK(kb(text, "MemTotal", &total) && kb(text, "MemFree", &free_) && kb(text, "MemAvailable", &avail),
          "/proc/meminfo lacks MemTotal/MemFree/MemAvailable \"N kB\" lines");
    struct sysinfo si;
    CHECK(sysinfo(&si) == 0, "sysinfo failed, errno %d", errno);
    unsigned long long si_total = (unsigned long long)si.totalram * si.mem_unit / 1024;
    unsigned long long si_free = (unsigned long long)si.freeram * si.mem_unit / 1024;
    printf("meminfo: MemTotal %llu kB, MemFree %llu kB, MemAvailable %llu kB; sysinfo %llu/%llu kB\n", total, free_,
           avail, si_total, si_free);
    CHECK(total > 0 && free_ <= total && avail <= total, "meminfo values out of order");
    CHECK(total >= si_total - si_total / 100 && total <= si_total + si_total / 100,
          "MemTotal %llu kB, sysinfo %llu kB", total, si_total);
    CHECK(free_ + total / 10 >= si_free && free_ <= si_free + total / 10, "MemFree %llu kB, sysinfo %llu kB", free_,
          si_free);
}

static void g_misc(void)
{
    char text[4096];
    CHECK(slurp("/proc/uptime", text, sizeof text) > 0, "reading /proc/uptime failed, errno %d", errno);
    unsigned long up_s, up_c, idle_s, idle_c;
    char nl = 0;
    int n = sscanf(text, "%lu.%2lu %lu.%2lu%c", &up_s, &up_c, &idle_s, &idle_c, &nl);
    const char *dot = strchr(text, '.');
    CHECK(n == 5 && nl == '\n' && dot && dot[3] == ' ', "/proc/uptime \"%s\" is not \"S.CC S.CC\\n\"", text);
    struct sysinfo si;
    sysinfo(&si);
    CHECK(n == 5 && up_s + 2 >= (unsigned long)si.uptime && up_s <= (unsigned long)si.uptime + 2,
          "/proc/uptime says %lu s, sysinfo %ld s", up_s, (long)si.uptime);

    struct utsname u;
    uname(&u);
    char want[128];
    snprintf(want, sizeof want, "Linux version %s ", u.release);
    CHECK(slurp("/proc/version", text, sizeof text) > 0 && strncmp(text, want, strlen(want)) == 0,
          "/proc/version \"%.60s\" does not start \"%s\"", text, want);

    long pid_max = 0;
    CHECK(slurp("/proc/sys/kernel/pid_max", text, sizeof text) > 0 && sscanf(text, "%ld", &pid_max) == 1 &&
              pid_max >= 301,
          "/proc/sys/kernel/pid_max \"%s\"", text);
    printf("pid_max: %ld\n", pid_max);

    static char mounts[16384];
    CHECK(slurp("/proc/mounts", mounts, sizeof mounts) > 0, "reading /proc/mounts failed, errno %d", errno);
    int root = 0, proc = 0;
    for (char *line = mounts; *line;) {
        char dev[256], dir[256], type[64], opts[512];
        int a, b;
        if (sscanf(line, "%255s %255s %63s %511s %d %d", dev, dir, type, opts, &a, &b) == 6) {
            root |= strcmp(dir, "/") == 0;
            proc |= strcmp(dir, "/proc") == 0 && strcmp(type, "proc") == 0;
        } else {
            CHECK(0, "bad /proc/mounts line \"%.80s\"", line);
        }
        char *next = strchr(line, '\n');
        if (!next)
            break;
        line = next + 1;
    }
    CHECK(root && proc, "/proc/mounts: a \"/\" line %d, a \"/proc proc\" line %d", root, proc);
}

int main(int argc, char **argv)
{
    g_argc = argc;
    g_argv = argv;
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "--cmdline") == 0) { /* re-executed by g_cmdline */
        check_cmdline(argc, argv);
        return failures != 0;
    }
    snprintf(base, sizeof base, "/tmp/vfs_proc.%d", (int)getpid());
    if (mkdir(base, 0755) < 0) {
        printf("FAIL: cannot make %s, errno %d\nvfs_proc: 1 failed\n", base, errno);
        return 1;
    }
    static const struct {
        const char *name;
        void (*run)(void);
    } groups[] = {{"exe", g_exe},   {"cmdline", g_cmdline}, {"status", g_status},   {"stat", g_stat},
                  {"self", g_self}, {"fd", g_fd},           {"maps", g_maps},       {"meminfo", g_meminfo},
                  {"misc", g_misc}};
    for (unsigned i = 0; i < sizeof groups / sizeof groups[0]; i++)
        group(groups[i].name, groups[i].run);
    CHECK(rmdir(base) == 0, "rmdir(%s) failed (left-overs?), errno %d", base, errno);
    if (failures) {
        printf("vfs_proc: %d failed\n", failures);
        return 1;
    }
    printf("vfs_proc: all ok\n");
    return 0;
}
