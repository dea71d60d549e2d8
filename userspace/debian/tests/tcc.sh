# tcc: compile a C file in /tmp, link it against glibc, run it.
cat > /tmp/prog.c <<'END'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
int main(int argc, char **argv)
{
    qsort(argv + 1, argc - 1, sizeof *argv, cmp);
    for (int i = 1; i < argc; i++)
        printf("%s%s", argv[i], i + 1 < argc ? " " : "\n");
    long f = 1;
    for (int i = 2; i <= 12; i++)
        f *= i;
    printf("12! = %ld, %s\n", f, getenv("HOME") ? "HOME set" : "no HOME");
    return 3;
}
END
tcc -o /tmp/prog /tmp/prog.c && echo "compiled"
/tmp/prog pear apple fig
echo "status $?"
