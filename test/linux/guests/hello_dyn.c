/* Built dynamically linked (krustvm refuses it: only static programs are supported) and as a
 * static-PIE (krustvm runs it). */
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
