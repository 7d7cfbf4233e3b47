/* writefile PATH TEXT: creates PATH, writes TEXT, reads it back, renames it to PATH.2 and
 * removes it — each step's result printed. Host writes need --allow-host-writes. */
#include "nolibc.h"

START_WITH_SP(cmain);
enum { AT_FDCWD = -100, O_WRONLY = 1, O_RDONLY = 0, O_CREAT = 0x40, O_TRUNC = 0x200 };
static void line(const char *what, s64 v) { puts_(what); puts_(" = "); putd(v); putc_('\n'); }

void cmain(u64 *sp) {
  char **argv = (char **)(sp + 1);
  const char *path = argv[1], *text = argv[2];
  char path2[512], buf[256];
  u64 n = slen(path);
  for (u64 i = 0; i < n; i++) path2[i] = path[i];
  path2[n] = '.'; path2[n + 1] = '2'; path2[n + 2] = 0;
  s64 fd = sys6(56, AT_FDCWD, (s64)path, O_WRONLY | O_CREAT | O_TRUNC, 0644, 0, 0);
  line("open for writing", fd < 0 ? fd : 3);
  if (fd < 0) exit_(1);
  line("write", sys(64, fd, text, slen(text)));
  line("close", sys(57, fd, 0, 0));
  fd = sys6(56, AT_FDCWD, (s64)path, O_RDONLY, 0, 0, 0);
  s64 r = sys(63, fd, buf, sizeof buf - 1);
  buf[r > 0 ? r : 0] = 0;
  puts_("read back \""); puts_(buf); puts_("\"\n");
  sys(57, fd, 0, 0);
  line("renameat", sys6(38, AT_FDCWD, (s64)path, AT_FDCWD, (s64)path2, 0, 0));
  line("unlinkat old name", sys(35, AT_FDCWD, path, 0));
  line("unlinkat", sys(35, AT_FDCWD, path2, 0));
  exit_(0);
}
