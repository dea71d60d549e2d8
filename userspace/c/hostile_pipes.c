#define _GNU_SOURCE
#include <unistd.h>
#include <fcntl.h>
#include <stdio.h>
#include <errno.h>
static char buf[65536];
int main(){
  int total=0;
  for(int i=0;i<600;i++){
    int p[2];
    if(pipe2(p,O_NONBLOCK)<0){printf("pipe failed at %d errno=%d\n",i,errno);break;}
    ssize_t w=write(p[1],buf,sizeof buf);
    if(w<0){printf("write errno=%d\n",errno);break;}
    total+=w;
    if(i%50==0){printf("%d pipes, %d KiB\n",i,total>>10);}
  }
  printf("done total=%d KiB\n", total>>10);
  return 0;
}
