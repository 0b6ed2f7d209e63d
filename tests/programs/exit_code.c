/* exit() with the status given on the command line, after some output. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int status = argc > 1 ? atoi(argv[1]) : 0;

	printf("exiting with %d\n", status);
	if (argc > 2)
		return status;		/* return from main rather than exit() */
	exit(status);
}
