/* What a program learns from the kernel at start, static or dynamically
 * linked (built both ways: c_dynlink_LIBC and c_dynlink_dyn_LIBC): the
 * auxiliary vector describes the program itself (AT_PHDR, AT_PHNUM,
 * AT_ENTRY) and, with an interpreter (PT_INTERP), where that was loaded
 * (AT_BASE, a mapping of the interpreter's file in /proc/self/maps);
 * then some libc that the dynamic loader had to relocate. */
#define _GNU_SOURCE
#include "test_common.h"
#include <elf.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <time.h>

extern char _start[];

struct self {
    const ElfW(Phdr) * phdr;
    int phnum;
    const char *interp;
};

/* The first object dl_iterate_phdr reports is the program itself. */
static int first(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct self *s = data;
    s->phdr = info->dlpi_phdr;
    s->phnum = info->dlpi_phnum;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_INTERP)
            s->interp = (const char *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    return 1;
}

static int by_value(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* The /proc/self/maps line of the mapping that starts at `addr`. */
static int maps_line(unsigned long addr, char *line, size_t size)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return 0;
    int found = 0;
    while (!found && fgets(line, (int)size, f))
        found = strtoul(line, NULL, 16) == addr;
    fclose(f);
    return found;
}

int main(void)
{
    struct self s = {0};
    dl_iterate_phdr(first, &s);
    CHECK(getauxval(AT_PHDR) == (unsigned long)s.phdr, "AT_PHDR %#lx, the program's headers are at %p",
          getauxval(AT_PHDR), (const void *)s.phdr);
    CHECK(getauxval(AT_PHNUM) == (unsigned long)s.phnum, "AT_PHNUM %lu, want %d", getauxval(AT_PHNUM), s.phnum);
    CHECK(getauxval(AT_PHENT) == sizeof(ElfW(Phdr)), "AT_PHENT %lu", getauxval(AT_PHENT));
    CHECK(getauxval(AT_ENTRY) == (unsigned long)_start, "AT_ENTRY %#lx, _start at %p", getauxval(AT_ENTRY),
          (void *)_start);
    unsigned long base = getauxval(AT_BASE);
    if (s.interp) {
        printf("dynlink: interpreter %s\n", s.interp);
        CHECK(base != 0, "AT_BASE is 0 with an interpreter");
        char line[512] = "";
        struct stat st;
        CHECK(maps_line(base, line, sizeof line), "no mapping at AT_BASE %#lx", base);
        CHECK(stat(s.interp, &st) == 0, "stat(%s): %s", s.interp, strerror(errno));
        /* The fifth field is the inode of the file mapped there. */
        unsigned long ino = 0;
        CHECK(sscanf(line, "%*s %*s %*s %*s %lu", &ino) == 1 && ino == (unsigned long)st.st_ino,
              "the mapping at AT_BASE is not the interpreter's file: %s", line);
        printf("dynlink: at AT_BASE: %s", line);
    } else {
        printf("dynlink: static\n");
        CHECK(base == 0, "AT_BASE %#lx without an interpreter", base);
    }

    /* Some libc, through the relocations the loader made. */
    char buf[64];
    snprintf(buf, sizeof buf, "%.3f %s %ld", 3.14159, "pi", strtol("-42", NULL, 10));
    CHECK(strcmp(buf, "3.142 pi -42") == 0, "snprintf gave %s", buf);
    int v[] = {5, 3, 9, 1, 7};
    qsort(v, 5, sizeof v[0], by_value);
    CHECK(v[0] == 1 && v[4] == 9, "qsort");
    char *big = malloc(1 << 20);
    CHECK(big != NULL, "malloc of 1 MiB");
    if (big) {
        memset(big, 'x', 1 << 20);
        CHECK(big[12345] == 'x', "the big block");
        free(big);
    }
    struct timespec ts;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0, "clock_gettime: %s", strerror(errno));
    CHECK(getenv("NO_SUCH_VARIABLE") == NULL, "getenv");
    CHECK(strcmp(strerror(ENOENT), "No such file or directory") == 0, "strerror: %s", strerror(ENOENT));
    if (failures)
        return 1;
    printf("dynlink: all ok\n");
    return 0;
}
