// SPDX-License-Identifier: MIT
/*
 * Replays saved inputs through a harness without libFuzzer, so that `make
 * check` runs the corpora and the crash inputs with gcc's ASan+UBSan.
 * Arguments are files or folders (every regular file in them); a folder that
 * does not exist is no input. Any sanitizer report aborts the run.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

static unsigned replayed;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(FUZZ_MAX_INPUT + 1);
	if (!buf) {
		fclose(f);
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	n = fread(buf, 1, FUZZ_MAX_INPUT + 1, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	replayed++;
	return 0;
}

static int replay(const char *path)
{
	struct dirent *e;
	struct stat st;
	char sub[4096];
	int ret = 0;
	DIR *d;

	if (stat(path, &st))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "%s: cannot list: %s\n", path, strerror(errno));
		return -1;
	}
	while (!ret && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		ret = replay(sub);
	}
	closedir(d);
	return ret;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (replay(argv[i]))
			return 1;
	printf("%u inputs replayed\n", replayed);
	return 0;
}
