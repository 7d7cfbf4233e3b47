// CRC-32 of the file named by argv[1], using open/read/close directly.
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include "crc32_impl.h"

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: crc32 FILE\n"); return 2; }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) { perror(argv[1]); return 1; }
  crc32_init();
  static uint8_t buf[4096];
  uint32_t crc = 0;
  ssize_t n;
  size_t total = 0;
  while ((n = read(fd, buf, 777)) > 0) { crc = crc32_update(crc, buf, (size_t)n); total += (size_t)n; }
  close(fd);
  printf("%08x  %zu bytes\n", crc, total);
  printf("%08x  \"123456789\"\n", crc32_update(0, (const uint8_t *)"123456789", 9));
  return 0;
}
