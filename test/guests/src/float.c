// Floating point through printf and libm: formatting, rounding, conversions, special values.
#include <stdio.h>
#include <math.h>
#include <float.h>
#include <stdint.h>
#include <stdlib.h>

static volatile double vd[] = {0.0, -0.0, 1.0, -1.5, 0.1, 2.5, 3.5, 1e-300, 1e300, 123456.789, -9.87654321e-5,
                               3.141592653589793, DBL_MAX, DBL_MIN, 4.9e-324, 1.0 / 3.0};

int main(void) {
  for (unsigned i = 0; i < sizeof vd / sizeof vd[0]; i++) {
    double d = vd[i];
    float f = (float)d;
    printf("%g | %.17g | %e | %.3f | %a | f %.9g | %lld %llu %d | rint %g floor %g ceil %g trunc %g round %g\n", d, d, d, d, d, (double)f,
           (long long)(fabs(d) < 9e18 ? d : 0), (unsigned long long)(d >= 0 && d < 1.8e19 ? d : 0), (int)(fabs(d) < 2e9 ? d : 0),
           rint(d), floor(d), ceil(d), trunc(d), round(d));
  }
  printf("inf %f %e nan %f %g\n", INFINITY, -INFINITY, NAN, -NAN);
  double acc = 0;
  for (int i = 1; i <= 1000; i++) acc += sqrt((double)i) * sin(i * 0.01) / (1.0 + log((double)i));
  printf("acc %.15e\n", acc);
  float fa = 0;
  for (int i = 1; i <= 1000; i++) fa = fmaf((float)i, 0.001f, fa) * 0.999f;
  printf("fa %.9e\n", (double)fa);
  printf("exp %.17g pow %.17g atan2 %.17g cbrt %.17g hypot %.17g fmod %.17g\n", exp(1.0), pow(2.0, 0.5), atan2(1.0, -2.0),
         cbrt(27.5), hypot(3e200, 4e200), fmod(10.5, 3.25));
  printf("strtod %.17g %.17g %.17g\n", strtod("1e23", NULL), strtod("0x1.fffffffffffffp1023", NULL), strtod("2.2250738585072011e-308", NULL));
  for (int i = -5; i <= 5; i++) printf("%d:%.0f:%.1f:%+.2e ", i, i * 0.5, i * 0.25, i * 1e10 / 3);
  printf("\n");
  return 0;
}
