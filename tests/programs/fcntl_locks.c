/*
 * Every fcntl and ioctl command the enclave forwards, on a file, a pipe and
 * a pseudo-terminal, as an embedded database and a terminal program use
 * them. One process, so the lock conflicts come from open file description
 * (OFD) locks, which conflict between two descriptors of the same process,
 * also with the process's own POSIX locks.
 * Usage: fcntl_locks DIR (a fresh directory for the lock file)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static void show(const char *what, int r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerror(errno));
	else
		printf("%s: %d\n", what, r);
}

static int lock(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* Who holds a lock that a @type lock on [start, start + len) would meet. */
static void query(const char *what, int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	int r = fcntl(fd, cmd, &fl);

	if (r < 0) {
		show(what, r);
		return;
	}
	printf("%s: type %s start %lld len %lld pid %s\n", what,
	       fl.l_type == F_UNLCK ? "unlck" : fl.l_type == F_WRLCK ? "wrlck" : "rdlck",
	       (long long)fl.l_start, (long long)fl.l_len,
	       fl.l_type == F_UNLCK ? "-" : fl.l_pid == getpid() ? "self" : fl.l_pid == -1 ? "ofd" : "other");
}

static void locks(const char *dir)
{
	char path[4096];
	char data[100];
	int fd, fd2;

	snprintf(path, sizeof(path), "%s/lockfile", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	fd2 = open(path, O_RDWR);
	if (fd < 0 || fd2 < 0) {
		perror(path);
		exit(1);
	}
	memset(data, 'x', sizeof(data));
	show("write", (int)write(fd, data, sizeof(data)));

	show("F_SETLK wrlck 0+10", lock(fd, F_SETLK, F_WRLCK, 0, 10));
	show("F_SETLKW rdlck 20+10", lock(fd, F_SETLKW, F_RDLCK, 20, 10));
	/* POSIX locks of one process never conflict with each other. */
	query("F_GETLK same process", fd2, F_GETLK, F_WRLCK, 0, 100);
	query("F_OFD_GETLK meets the POSIX lock", fd2, F_OFD_GETLK, F_WRLCK, 0, 100);
	query("F_OFD_GETLK rdlck meets", fd2, F_OFD_GETLK, F_RDLCK, 15, 20);

	show("F_OFD_SETLK wrlck 50+10", lock(fd, F_OFD_SETLK, F_WRLCK, 50, 10));
	query("F_OFD_GETLK from the other fd", fd2, F_OFD_GETLK, F_WRLCK, 40, 30);
	query("F_OFD_GETLK from the holder", fd, F_OFD_GETLK, F_WRLCK, 50, 10);
	show("F_OFD_SETLK conflicting", lock(fd2, F_OFD_SETLK, F_WRLCK, 55, 1));
	show("F_OFD_SETLKW elsewhere", lock(fd2, F_OFD_SETLKW, F_WRLCK, 70, 10));
	query("F_GETLK meets the OFD lock", fd, F_GETLK, F_RDLCK, 75, 1);
	show("F_OFD_SETLK unlock", lock(fd2, F_OFD_SETLK, F_UNLCK, 70, 10));
	show("F_OFD_SETLK unlock", lock(fd, F_OFD_SETLK, F_UNLCK, 0, 0));
	show("F_SETLK unlock", lock(fd, F_SETLK, F_UNLCK, 0, 0));
	query("F_OFD_GETLK after unlocking", fd2, F_OFD_GETLK, F_WRLCK, 0, 0);
	show("F_SETLK bad type", lock(fd, F_SETLK, 99, 0, 1));

	close(fd2);
	close(fd);
	unlink(path);
}

static void flags(void)
{
	int fds[2], d;
	struct f_owner_ex own = { .type = F_OWNER_PID, .pid = getpid() };

	if (pipe(fds)) {
		perror("pipe");
		exit(1);
	}
	show("F_GETFD", fcntl(fds[0], F_GETFD));
	show("F_SETFD cloexec", fcntl(fds[0], F_SETFD, FD_CLOEXEC));
	show("F_GETFD", fcntl(fds[0], F_GETFD));
	show("F_GETFL accmode", fcntl(fds[1], F_GETFL) & O_ACCMODE);
	show("F_SETFL nonblock", fcntl(fds[0], F_SETFL, O_NONBLOCK));
	show("F_GETFL nonblock", !!(fcntl(fds[0], F_GETFL) & O_NONBLOCK));
	d = fcntl(fds[0], F_DUPFD, 10);
	show("F_DUPFD at least 10", d >= 10);
	show("F_GETFD of the duplicate", fcntl(d, F_GETFD));
	close(d);
	d = fcntl(fds[0], F_DUPFD_CLOEXEC, 20);
	show("F_DUPFD_CLOEXEC at least 20", d >= 20);
	show("F_GETFD of the duplicate", fcntl(d, F_GETFD));
	close(d);
	show("F_DUPFD bad", fcntl(-1, F_DUPFD, 0));

	show("F_SETOWN", fcntl(fds[0], F_SETOWN, getpid()));
	show("F_GETOWN is self", fcntl(fds[0], F_GETOWN) == getpid());
	show("F_SETOWN_EX", fcntl(fds[1], F_SETOWN_EX, &own));
	memset(&own, 0, sizeof(own));
	show("F_GETOWN_EX", fcntl(fds[1], F_GETOWN_EX, &own));
	show("F_GETOWN_EX is self", own.type == F_OWNER_PID && own.pid == getpid());

	show("F_SETPIPE_SZ", fcntl(fds[1], F_SETPIPE_SZ, 128 * 1024));
	show("F_GETPIPE_SZ", fcntl(fds[1], F_GETPIPE_SZ));

	show("FIONREAD empty", ioctl(fds[0], FIONREAD, &d) ? -1 : d);
	show("write", (int)write(fds[1], "seventeen bytes!\n", 17));
	show("FIONREAD", ioctl(fds[0], FIONREAD, &d) ? -1 : d);
	close(fds[0]);
	close(fds[1]);
}

static void terminal(void)
{
	struct termios t;
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	int fds[2], m;

	if (pipe(fds)) {
		perror("pipe");
		exit(1);
	}
	show("TCGETS on a pipe", tcgetattr(fds[0], &t));
	show("TIOCGWINSZ on a pipe", ioctl(fds[0], TIOCGWINSZ, &ws));
	close(fds[0]);
	close(fds[1]);

	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0) {
		printf("no pseudo-terminal: %s\n", strerror(errno));
		return;
	}
	memset(&t, 0, sizeof(t));
	show("TCGETS on a pty", tcgetattr(m, &t));
	printf("termios iflag %o oflag %o cflag %o lflag %o line %d vmin %d vtime %d veof %d\n",
	       t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag, t.c_line,
	       t.c_cc[VMIN], t.c_cc[VTIME], t.c_cc[VEOF]);
	show("TIOCGWINSZ on a pty", ioctl(m, TIOCGWINSZ, &ws));
	printf("winsize %u x %u\n", ws.ws_row, ws.ws_col);
	close(m);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fcntl_locks DIR\n");
		return 2;
	}
	locks(argv[1]);
	flags();
	terminal();
	return 0;
}
