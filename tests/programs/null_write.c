/* A write through a null pointer: the program dies of SIGSEGV. */
#include <stdio.h>

int main(int argc, char **argv)
{
	volatile int *p = (volatile int *)(argc > 5 ? (void *)argv : NULL);

	printf("about to crash\n");
	fflush(stdout);
	*p = 42;
	return 0;
}
