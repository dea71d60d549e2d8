#define _GNU_SOURCE
#include <unistd.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <errno.h>
int main(){
  int fd=open("/dev/zero",O_RDONLY);
  char *p = mmap(0, 64<<20, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);
  printf("fd=%d p=%p\n",fd,p);
  ssize_t r = read(fd, p, 64<<20);
  printf("read=%zd errno=%d\n", r, errno);
  r = read(fd, (void*)0x1000, 0x7ffff000);
  printf("read=%zd errno=%d\n", r, errno);
  return 0;
}
