/* System calls through glibc: stdio on files and standard streams, directories, stat, time,
 * large allocations (mmap, mremap), the environment and the exit status. The output is the
 * same under krustvm and qemu-aarch64. argv[1] is test/linux/guests (run from the repo root). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  char path[512];
  snprintf(path, sizeof path, "%s/data.txt", dir);

  FILE *f = fopen(path, "r");
  char line[128];
  if (!f || !fgets(line, sizeof line, f)) { perror("fopen data.txt"); return 1; }
  printf("data.txt: %s", line);
  fclose(f);

  struct stat st;
  printf("stat: %d size %lld regular %d\n", stat(path, &st), (long long)st.st_size, S_ISREG(st.st_mode));
  errno = 0;
  printf("stat missing: %d %s\n", stat("/nonexistent/x", &st), strerror(errno));
  printf("open for writing: %s\n", open(path, O_WRONLY) < 0 ? strerror(errno) : "allowed");

  snprintf(path, sizeof path, "%s/dir", dir);
  DIR *d = opendir(path);
  char *names[64];
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)) && n < 64) {
    char entry[300];
    snprintf(entry, sizeof entry, "%s(%s)", e->d_name, e->d_type == DT_DIR ? "dir" : e->d_type == DT_REG ? "file" : e->d_type == DT_LNK ? "link" : "?");
    names[n++] = strdup(entry);
  }
  if (d) closedir(d);
  qsort(names, n, sizeof *names, cmp);
  printf("dir/:");
  for (int i = 0; i < n; i++) printf(" %s", names[i]);
  printf("\n");
  snprintf(path, sizeof path, "%s/dir/link", dir);
  char target[64] = "";
  printf("readlink dir/link: %zd %s\n", readlink(path, target, sizeof target - 1), target);
  printf("lstat is link: %d, stat is file: %d\n", lstat(path, &st) == 0 && S_ISLNK(st.st_mode), stat(path, &st) == 0 && S_ISREG(st.st_mode));

  struct utsname u;
  uname(&u);
  printf("uname: %s %s\n", u.sysname, u.machine);
  printf("time is sane: %d\n", time(NULL) > 1600000000);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  usleep(2000);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("slept at least 2ms: %d\n", (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) >= 2000000L);

  size_t big = 64 << 20;
  char *p = malloc(big);
  memset(p, 0x5a, big);
  p = realloc(p, 2 * big);
  printf("64 MiB malloc+realloc: %d %d\n", p[0] == 0x5a && p[big - 1] == 0x5a, p != NULL);
  free(p);

  printf("HOME set: %d, KRUSTVM_TEST=%s\n", getenv("HOME") != NULL, getenv("KRUSTVM_TEST") ? getenv("KRUSTVM_TEST") : "(unset)");
  fprintf(stderr, "to stderr\n");
  printf("argc %d\n", argc);
  fflush(stdout);
  write(1, "raw write after printf\n", 23);
  return 5;
}
