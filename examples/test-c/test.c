/* An ordinary C program: nothing in it knows about enclaves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCKS	64
#define BLOCK	(256 * 1024)

int main(int argc, char **argv)
{
	unsigned long sum = 0;
	char *block[BLOCKS];
	int i;

	printf("Hello from %s\n", argc > 0 ? argv[0] : "test-c");
	/* 16 MiB of heap, touched and freed */
	for (i = 0; i < BLOCKS; i++) {
		block[i] = malloc(BLOCK);
		if (!block[i]) {
			perror("malloc");
			return 1;
		}
		memset(block[i], i, BLOCK);
	}
	for (i = 0; i < BLOCKS; i++) {
		sum += (unsigned char)block[i][BLOCK - 1];
		free(block[i]);
	}
	printf("heap: %d blocks of %d KiB, checksum %lu\n", BLOCKS, BLOCK / 1024, sum);
	return 0;
}
