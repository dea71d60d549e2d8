/* The smallest real libc program: printf and return from main. */
#include <stdio.h>

#if defined(__GLIBC__)
#define LIBC "glibc"
#else
#define LIBC "musl"
#endif

int main(void)
{
    printf("hello from %s\n", LIBC);
    return 0;
}
