/* Shared helpers for the hostile_*.c regression programs: raw int $0x80
 * calls and a set_thread_area wrapper. The programs are terse on purpose. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-function"
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <sys/syscall.h>
struct ud { unsigned entry_number, base_addr, limit; unsigned seg_32bit:1, contents:2, read_exec_only:1, limit_in_pages:1, seg_not_present:1, useable:1; };
static inline long sc1(long n,long a){long r;__asm__ volatile("int $0x80":"=a"(r):"a"(n),"b"(a):"memory");return r;}
static inline long sc3(long n,long a,long b,long c){long r;__asm__ volatile("int $0x80":"=a"(r):"a"(n),"b"(a),"c"(b),"d"(c):"memory");return r;}
static inline long sta(unsigned entry, unsigned base, unsigned limit, int contents, int ro, int notpresent){
  struct ud u={0}; u.entry_number=entry;u.base_addr=base;u.limit=limit;u.seg_32bit=1;u.contents=contents;u.read_exec_only=ro;u.limit_in_pages=1;u.seg_not_present=notpresent;u.useable=1;
  return sc1(243,(long)&u);
}
