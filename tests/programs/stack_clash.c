/*
 * Stack overflow by frames and allocas larger than a page: each must fault
 * in the guard below the stack (SIGSEGV, as natively), never write past it
 * into what lies below. "frame": 5,000-byte frames; "alloca": 100 KB allocas.
 * Built with -fstack-clash-protection, every page of a frame is probed.
 */
#include <alloca.h>
#include <stdio.h>
#include <string.h>

static volatile unsigned sink;

static unsigned __attribute__((noinline)) frame(unsigned depth)
{
	volatile char buf[5000];

	buf[0] = (char)depth;
	buf[sizeof(buf) - 1] = (char)depth;
	return frame(depth + 1) + buf[0] + buf[sizeof(buf) - 1];
}

static unsigned __attribute__((noinline)) big_alloca(unsigned depth)
{
	volatile char *p = alloca(100000);

	p[0] = (char)depth;	/* the lowest byte only: the pages between are skipped */
	return big_alloca(depth + 1) + p[0];
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "frame") && strcmp(argv[1], "alloca"))) {
		fprintf(stderr, "usage: stack_clash frame|alloca\n");
		return 2;
	}
	sink = !strcmp(argv[1], "frame") ? frame(0) : big_alloca(0);
	printf("not reached: %u\n", sink);
	return 0;
}
