#define _GNU_SOURCE
#include "hostile_common.h"
#include <sys/wait.h>
volatile int a='A', b='B';
int main(){
  setvbuf(stdout,0,_IONBF,0);
  int pid=fork();
  unsigned base = pid? (unsigned)&a : (unsigned)&b;
  int want = pid? 'A':'B';
  long r=sta(7, base, 0xfffff, 0,0,0);
  __asm__ volatile("movl %0,%%fs"::"r"(0x3b));
  int bad=0;
  for(int i=0;i<200;i++){
    int v; __asm__ volatile("movl %%fs:0,%0":"=r"(v));
    if(v!=want){bad++;}
    sc1(158,0); // sched_yield
  }
  printf("%s: sta=%ld mismatches=%d/200\n", pid?"parent":"child", r, bad);
  if(pid){int st; wait(&st);}
  return 0;
}
