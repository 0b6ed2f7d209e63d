/* Files in a directory given on the command line: write, read back, seek,
 * stat, readdir (sorted), rename, unlink. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	char path[4096], path2[4096], buf[64];
	char *names[16];
	int n = 0, fd;
	struct stat st;
	DIR *d;
	struct dirent *de;
	FILE *f;

	if (argc < 2)
		return 2;
	snprintf(path, sizeof(path), "%s/a.txt", argv[1]);
	snprintf(path2, sizeof(path2), "%s/b.txt", argv[1]);

	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "hello, enclave\n0123456789\n", 26) != 26 || close(fd))
		return perror("write"), 1;
	fd = open(path, O_RDONLY);
	memset(buf, 0, sizeof(buf));
	printf("read %zd\n", read(fd, buf, sizeof(buf) - 1));
	printf("content [%s]\n", buf);
	printf("lseek %ld\n", (long)lseek(fd, 7, SEEK_SET));
	memset(buf, 0, sizeof(buf));
	printf("read %zd [%s]\n", read(fd, buf, 7), buf);
	printf("lseek end %ld\n", (long)lseek(fd, 0, SEEK_END));
	close(fd);

	if (stat(path, &st))
		return perror("stat"), 1;
	printf("stat size %ld regular %d mode %o\n", (long)st.st_size, S_ISREG(st.st_mode),
	       (unsigned)(st.st_mode & 0777));

	f = fopen(path2, "w");
	fprintf(f, "line %d\n", 1);
	fprintf(f, "line %d\n", 2);
	fclose(f);
	f = fopen(path2, "r");
	while (fgets(buf, sizeof(buf), f))
		printf("fgets %s", buf);
	fclose(f);

	d = opendir(argv[1]);
	while ((de = readdir(d)) && n < 16)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	for (int i = 0; i < n; i++)
		printf("entry %s\n", names[i]);

	snprintf(buf, sizeof(buf), "%s", "renamed");
	snprintf(path2, sizeof(path2), "%s/c.txt", argv[1]);
	printf("rename %d\n", rename(path, path2));
	printf("stat old %d errno %s\n", stat(path, &st), strerror(errno));
	printf("unlink %d\n", unlink(path2));
	printf("unlink again %d errno %s\n", unlink(path2), strerror(errno));
	return 0;
}
