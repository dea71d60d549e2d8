#define _GNU_SOURCE
#include "hostile_common.h"
#include <sys/mman.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <setjmp.h>
static sigjmp_buf jb;
static void segv(int s){ siglongjmp(jb,1); }
int main(int argc, char **argv){
  setvbuf(stdout,0,_IONBF,0);
  /* 1. PROT_NONE after touching */
  signal(SIGSEGV, segv);
  char *p = mmap(0,4096,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0);
  p[0]='x';
  mprotect(p,4096,PROT_NONE);
  if(!sigsetjmp(jb,1)){ volatile char c=p[0]; printf("PROT_NONE read: no fault (c=%c)\n",c); }
  else printf("PROT_NONE read: SIGSEGV\n");
  long r = sc3(4,1,(long)p,1);
  printf("\nwrite(1, PROT_NONE page) = %ld\n", r);
  /* 2. vDSO made writable in a child, then the parent calls through it */
  signal(SIGSEGV, SIG_DFL);
  int pid=fork();
  if(pid==0){
    long m = mprotect((void*)0xbffff000,4096,PROT_READ|PROT_WRITE|PROT_EXEC);
    printf("child: mprotect(vdso, RWX)=%ld\n", m);
    if(m==0){ unsigned char *v=(void*)0xbffff000; for(int i=0x100;i<0x400;i++) v[i]=0xcc; }
    _exit(0);
  }
  int st; waitpid(pid,&st,0);
  printf("parent: child done, now a syscall through the vDSO...\n");
  printf("parent: getpid=%d (alive)\n", getpid());
  return 0;
}
