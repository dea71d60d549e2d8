#define _GNU_SOURCE
#include "hostile_common.h"
#include <ucontext.h>
#include <stdlib.h>
static int sel;
static void h(int s, siginfo_t *si, void *uc_){ ucontext_t *uc=uc_; uc->uc_mcontext.gregs[REG_FS]=sel; }
int main(int argc,char**argv){
  setvbuf(stdout,0,_IONBF,0);
  int mode = argc>1?atoi(argv[1]):0;
  int E = getenv("HOSTTLS")?13:7;
  long r;
  if(mode==0){ r=sta(E,0,0xfffff,0,0,0); sel=(E<<3)|4|3; }        /* LDT bit, present GDT TLS */
  else if(mode==1){ r=sta(E,0,0xfffff,2,1,0); sel=(E<<3)|3; }   /* exec-only code */
  else { r=sta(E,0,0xfffff,0,0,0); sel=(E<<3)|3; }              /* valid control */
  printf("sta=%ld sel=%#x\n", r, sel);
  struct sigaction sa={0}; sa.sa_sigaction=h; sa.sa_flags=SA_SIGINFO; sigaction(SIGUSR1,&sa,0);
  raise(SIGUSR1);
  unsigned fs; __asm__ volatile("movl %%fs,%0":"=r"(fs));
  printf("survived, fs=%#x\n", fs);
  return 0;
}
