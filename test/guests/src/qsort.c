// qsort of ints and of structs with a multi-key comparator; bsearch afterwards.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

struct person { char name[16]; int age; double score; uint64_t id; };

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int cmp_person(const void *a, const void *b) {
  const struct person *p = a, *q = b;
  if (p->age != q->age) return p->age - q->age;
  int c = strcmp(p->name, q->name);
  if (c) return c;
  return (p->id > q->id) - (p->id < q->id);
}

int main(void) {
  enum { N = 2000, M = 300 };
  static int a[N];
  for (int i = 0; i < N; i++) a[i] = (int)(next() % 100000) - 50000;
  a[0] = 0x7fffffff; a[1] = (int)0x80000000;
  qsort(a, N, sizeof a[0], cmp_int);
  long long sum = 0;
  for (int i = 0; i < N; i++) { sum = sum * 31 + a[i]; if (i && a[i - 1] > a[i]) { printf("not sorted at %d\n", i); return 1; } }
  printf("ints: first %d last %d median %d hash %lld\n", a[0], a[N - 1], a[N / 2], sum);
  for (int i = 0; i < N; i += 97) printf("%d ", a[i]);
  printf("\n");
  int key = a[1234];
  int *found = bsearch(&key, a, N, sizeof a[0], cmp_int);
  printf("bsearch %d -> %s\n", key, found && *found == key ? "found" : "missing");
  key = 999999;
  printf("bsearch %d -> %s\n", key, bsearch(&key, a, N, sizeof a[0], cmp_int) ? "found" : "missing");

  static struct person ps[M];
  static const char *names[] = {"ada", "bob", "cy", "dee", "eve", "fay", "gus", "hal"};
  for (int i = 0; i < M; i++) {
    const char *nm = names[next() % 8];
    snprintf(ps[i].name, sizeof ps[i].name, "%s%u", nm, (unsigned)(next() % 10));
    ps[i].age = 18 + (int)(next() % 50);
    ps[i].score = (double)(next() % 10000) / 100.0;
    ps[i].id = next();
  }
  qsort(ps, M, sizeof ps[0], cmp_person);
  for (int i = 0; i < M; i += 7)
    printf("%3d %-6s age %2d score %6.2f id %016llx\n", i, ps[i].name, ps[i].age, ps[i].score, (unsigned long long)ps[i].id);
  for (int i = 1; i < M; i++) if (cmp_person(&ps[i - 1], &ps[i]) > 0) { printf("structs not sorted at %d\n", i); return 1; }
  printf("structs sorted\n");
  return 0;
}
