#define _GNU_SOURCE
#include "hostile_common.h"
#include <sys/wait.h>
int main(){
  setvbuf(stdout,0,_IONBF,0);
  int p=fork();
  if(p==0){ printf("child: kill(1,SIGKILL)=%d\n", kill(1,SIGKILL)); _exit(0);}
  int st; waitpid(p,&st,0);
  printf("init still alive\n");
  return 0;
}
