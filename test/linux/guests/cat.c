/* cat: copies standard input to standard output (read/write until EOF); exits 1 on an error. */
#include "nolibc.h"

START_WITH_SP(cmain);
static char buf[65536];

void cmain(u64 *sp) {
  (void)sp;
  for (;;) {
    s64 n = sys(63, 0, buf, sizeof buf);
    if (n == 0) exit_(0);
    if (n < 0) exit_(1);
    for (s64 off = 0; off < n;) {
      s64 w = sys(64, 1, buf + off, n - off);
      if (w <= 0) exit_(1);
      off += w;
    }
  }
}
