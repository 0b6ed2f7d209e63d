/* Lines from stdin, upper-cased, with a count: works in a pipeline. */
#include <ctype.h>
#include <stdio.h>

int main(void)
{
	char line[256];
	int n = 0;

	while (fgets(line, sizeof(line), stdin)) {
		for (char *p = line; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		printf("%d: %s", ++n, line);
	}
	printf("%d lines\n", n);
	return 0;
}
