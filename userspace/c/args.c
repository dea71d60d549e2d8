/* argc/argv/environ as the kernel lays them out, and getenv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL: " __VA_ARGS__); printf("\n"); } } while (0)

int main(int argc, char **argv, char **envp)
{
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i] ? argv[i] : "(null)");
    int n = 0;
    for (char **e = environ; e && *e; e++, n++)
        printf("env[%d]=%s\n", n, *e);
    printf("envc=%d\n", n);

    CHECK(argc >= 1, "argc=%d, expected >= 1", argc);
    CHECK(argv[argc] == NULL, "argv[argc] is not NULL");
    CHECK(argc < 1 || (argv[0] && argv[0][0]), "argv[0] is empty");
    CHECK(environ != NULL, "environ is NULL");
    CHECK(envp == environ, "envp (%p) != environ (%p)", (void *)envp, (void *)environ);
    const char *home = getenv("HOME");
    printf("HOME=%s\n", home ? home : "(unset)");
    CHECK(home != NULL, "getenv(\"HOME\") is NULL");
    CHECK(getenv("NO_SUCH_VARIABLE_HERE") == NULL, "getenv of an unset variable is not NULL");
    CHECK(setenv("C_ARGS_TEST", "yes", 1) == 0, "setenv failed");
    const char *v = getenv("C_ARGS_TEST");
    CHECK(v && strcmp(v, "yes") == 0, "getenv after setenv gave %s", v ? v : "(null)");

    if (failures) {
        printf("args: %d failed\n", failures);
        return 1;
    }
    printf("args: all ok\n");
    return 0;
}
