#include "hostile_common.h"
#include <setjmp.h>
static sigjmp_buf jb;
static void h(int s){ (void)s; siglongjmp(jb,1); }
int main(){
  setvbuf(stdout,0,_IONBF,0);
  signal(SIGUSR1,h);
  for(volatile int i=0;i<100000;i++){
    if(!sigsetjmp(jb,1)) raise(SIGUSR1);
    if(i%10000==0) printf("%d\n",i);
  }
  printf("done\n");
  return 0;
}
