/* A NULL dereference: the kernel must kill us with SIGSEGV. */
#include <stdio.h>

int main(void)
{
    printf("fault: dereferencing NULL\n");
    fflush(stdout);
    *(volatile int *)0 = 1;
    printf("FAIL: still alive after writing to NULL\n");
    return 1;
}
