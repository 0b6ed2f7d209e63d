/* printf of integers, floating point and strings, on stdout and stderr. */
#include <inttypes.h>
#include <stdio.h>

int main(void)
{
	printf("int %d %i %u %x %o %ld %lld\n", -42, 7, 4000000000u, 0xbeef, 0755, -1L, (long long)INT64_MAX);
	printf("width [%5d] [%-5d] [%05d] [%+d]\n", 42, 42, 42, 42);
	printf("float %f %.3f %e %g %g %a\n", 3.14159, -2.5, 6.02214076e23, 1e-10, 100.0, 1.0);
	printf("string [%s] [%10s] [%-10s] [%.3s] %c\n", "hello", "right", "left", "truncate", 'x');
	printf("pointer-free %% done\n");
	fprintf(stderr, "to stderr %d\n", 2);
	return 0;
}
