// SPDX-License-Identifier: MIT
/*
 * The host side of enclave threads (docs/threads.md): one host thread per
 * enclave thread, each with its own ocall area and event. The enclave
 * decides everything about a thread; the host only starts a host thread
 * on the TCS it names, puts threads to sleep and wakes them. What the host
 * answers is a hint to the enclave: it re-checks every wake-up.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "host/host.h"

/* Host threads run the run loop and the ocalls, never the program. */
#define HOST_THREAD_STACK	(256 * 1024)

static int area_map(struct encl_host_thread *t)
{
	t->area_size = ENCL_OCALL_AREA_SIZE;
	t->area = mmap(NULL, t->area_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (t->area == MAP_FAILED) {
		t->area = NULL;
		return -1;
	}
	return 0;
}

/*
 * The array holds every TCS the enclave may run (threads_init sizes it):
 * it never moves, so serving threads (exitless.c) read it without the
 * lock, up to the count published here.
 */
static int add(struct encl_host *h, struct encl_host_thread *t)
{
	if (h->nthreads == h->threads_cap)
		return -1;
	h->threads[h->nthreads] = t;
	__atomic_store_n(&h->nthreads, h->nthreads + 1, __ATOMIC_RELEASE);
	return 0;
}

int encl_host_threads_init(struct encl_host *h)
{
	struct encl_host_thread *t = &h->main_thread;

	pthread_mutex_init(&h->threads_lock, NULL);
	memset(t, 0, sizeof(*t));
	t->h = h;
	t->e = h->e;
	t->tcs = h->tcs;
	t->tid = (int)syscall(SYS_gettid);
	h->threads_cap = h->tcs_max + 1;
	h->threads = calloc(h->threads_cap, sizeof(*h->threads));
	if (!h->threads || area_map(t) || add(h, t))
		return -1;
	return 0;
}

void encl_host_threads_fini(struct encl_host *h)
{
	/* Only reached with thread 0 alone: a second thread makes the process end by _exit. */
	for (size_t i = 0; i < h->nthreads; i++) {
		struct encl_host_thread *t = h->threads[i];

		if (t->area)
			munmap(t->area, t->area_size);
		if (t->wake_fd > 0)
			close(t->wake_fd - 1);
		if (t != &h->main_thread)
			free(t);
	}
	free(h->threads);
	h->threads = NULL;
	h->nthreads = h->threads_cap = 0;
}

static struct encl_host_thread *find(struct encl_host *h, uint64_t tcs)
{
	for (size_t i = 0; i < h->nthreads; i++)
		if (h->threads[i]->tcs == tcs)
			return h->threads[i];
	return NULL;
}

static void *thread_main(void *arg)
{
	struct encl_host_thread *t = arg;
	int status;

	t->tid = (int)syscall(SYS_gettid);
	sem_post(&t->started);
	status = encl_host_thread_run(t, ENCL_OP_CLONE, (uint64_t)(uintptr_t)t->area, t->area_size);
	if (status >= 0)
		encl_host_end(t->h, status);
	return NULL;
}

int64_t encl_host_thread_start(struct encl_host_thread *caller, uint64_t off)
{
	struct encl_host *h = caller->h;
	struct encl_host_thread *t;
	pthread_attr_t attr;
	int fresh = 0, err;

	if ((off & (SGX_PAGE_SIZE - 1)) || off >= h->e.size)
		return -EINVAL;
	pthread_mutex_lock(&h->threads_lock);
	t = find(h, h->e.base + off);
	if (!t) {
		if (h->nthreads >= h->tcs_max + 1 || !(t = calloc(1, sizeof(*t)))) {
			pthread_mutex_unlock(&h->threads_lock);
			return -EAGAIN;
		}
		t->h = h;
		t->e = h->e;
		t->tcs = h->e.base + off;
		if (area_map(t) || add(h, t)) {
			if (t->area)
				munmap(t->area, t->area_size);
			free(t);
			pthread_mutex_unlock(&h->threads_lock);
			return -EAGAIN;
		}
		fresh = 1;
	}
	h->threaded = 1;
	pthread_mutex_unlock(&h->threads_lock);

	if (t == caller)
		return -EBUSY;
	/* The TCS's previous thread said it ended: wait for its host thread to be out. */
	if (!fresh && t->joinable) {
		pthread_join(t->pt, NULL);
		t->joinable = 0;
	}
	if (t == &h->main_thread && !fresh)
		return -EBUSY;	/* thread 0's host thread is the process's: never joined */
	__atomic_store_n(&t->event, 0, __ATOMIC_RELAXED);
	sem_init(&t->started, 0, 0);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, HOST_THREAD_STACK);
	err = pthread_create(&t->pt, &attr, thread_main, t);
	pthread_attr_destroy(&attr);
	if (err) {
		sem_destroy(&t->started);
		return -EAGAIN;
	}
	t->joinable = 1;
	while (sem_wait(&t->started) && errno == EINTR)
		;
	sem_destroy(&t->started);
	encl_host_log(h, ENCL_LOG_TRACE, "thread %d started on the TCS at offset 0x%llx",
		      t->tid, (unsigned long long)off);
	if (h->hostile == ENCL_HOSTILE_THREAD_ID) {
		h->hostile = ENCL_HOSTILE_NONE;
		return caller->tid;	/* a live thread's id, again */
	}
	return t->tid;
}

long encl_host_futex(uint32_t *word, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, word, op, val, ts, NULL, 0);
}

uint64_t encl_host_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int64_t encl_host_thread_wait(struct encl_host_thread *t, uint64_t ns)
{
	struct timespec ts, *tsp = NULL;

	if (t->h->hostile == ENCL_HOSTILE_FUTEX_SPURIOUS)
		return 0;
	if (__atomic_exchange_n(&t->event, 0, __ATOMIC_ACQUIRE))
		return 0;
	if (ns != UINT64_MAX) {
		ts.tv_sec = (time_t)(ns / 1000000000ULL);
		ts.tv_nsec = (long)(ns % 1000000000ULL);
		tsp = &ts;
	}
	if (encl_host_futex(&t->event, FUTEX_WAIT_PRIVATE, 0, tsp)) {
		if (errno == ETIMEDOUT || errno == EINTR)
			return -errno;
	}
	__atomic_store_n(&t->event, 0, __ATOMIC_RELEASE);
	return 0;
}

int64_t encl_host_thread_wake(struct encl_host_thread *caller, uint64_t off)
{
	struct encl_host *h = caller->h;
	struct encl_host_thread *t;

	pthread_mutex_lock(&h->threads_lock);
	t = off < h->e.size ? find(h, h->e.base + off) : NULL;
	pthread_mutex_unlock(&h->threads_lock);
	if (!t)
		return -ESRCH;
	if (h->hostile == ENCL_HOSTILE_FUTEX_NEVER)
		return 0;
	__atomic_store_n(&t->event, 1, __ATOMIC_SEQ_CST);
	encl_host_futex(&t->event, FUTEX_WAKE_PRIVATE, 1, NULL);
	encl_host_wait_wake(t);		/* a thread in poll, select or epoll_wait */
	encl_host_signals_kick();	/* a thread in pause waits on the notes instead */
	return 0;
}

static int64_t ns_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/*
 * nanosleep and clock_nanosleep, as sleeps on the thread's event: a WAKE
 * (the enclave has a signal for this thread, from another of its
 * threads) ends them with EINTR and the time left, as a signal would. The
 * enclave restarts the sleep when no signal is there after all.
 */
int64_t encl_host_thread_sleep(struct encl_host_thread *t, long nr, const uint64_t *args)
{
	int clock_call = nr == SYS_clock_nanosleep;
	clockid_t clk = clock_call ? (clockid_t)args[0] : CLOCK_MONOTONIC;
	int absolute = clock_call && (args[1] & TIMER_ABSTIME);
	const struct timespec *req = (const struct timespec *)(uintptr_t)args[clock_call ? 2 : 0];
	struct timespec *rem = (struct timespec *)(uintptr_t)args[clock_call ? 3 : 1];
	struct timespec now, wait;
	int64_t end, left;

	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000L)
		return -EINVAL;
	if (clock_gettime(clk, &now))
		return -errno;
	end = absolute ? ns_of(req) : ns_of(&now) + ns_of(req);
	for (;;) {
		if (__atomic_exchange_n(&t->event, 0, __ATOMIC_ACQUIRE))
			break;
		clock_gettime(clk, &now);
		left = end - ns_of(&now);
		if (left <= 0)
			return 0;
		wait.tv_sec = (time_t)(left / 1000000000LL);
		wait.tv_nsec = (long)(left % 1000000000LL);
		if (encl_host_futex(&t->event, FUTEX_WAIT_PRIVATE, 0, &wait) && errno == EINTR)
			break;
	}
	if (rem && !absolute) {
		clock_gettime(clk, &now);
		left = end - ns_of(&now);
		if (left < 0)
			left = 0;
		rem->tv_sec = (time_t)(left / 1000000000LL);
		rem->tv_nsec = (long)(left % 1000000000LL);
	}
	return -EINTR;
}
