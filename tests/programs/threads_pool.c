/*
 * musl's pthreads as a program uses them: a worker pool, create/join
 * cycles, detached threads, barriers, semaphores, rwlocks, pthread_once,
 * __thread variables, keys with destructors and cancellation. Every part
 * checks its own result against one computed without threads and prints
 * it; any mismatch prints "WRONG" and makes the exit status 1.
 * Usage: threads_pool [PART...] (default: every part, in order)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int wrong;

/* A failed pthread call is the result of the part: report and carry on. */
#define CHECK(call) do {						\
	int r_ = (call);						\
	if (r_) {							\
		printf("WRONG: %s: %s\n", #call, strerror(r_));		\
		wrong = 1;						\
	}								\
} while (0)

static void expect(const char *what, uint64_t got, uint64_t want)
{
	if (got == want) {
		printf("%s: %llu\n", what, (unsigned long long)got);
	} else {
		printf("WRONG %s: %llu, expected %llu\n", what,
		       (unsigned long long)got, (unsigned long long)want);
		wrong = 1;
	}
}

/*
 * pthread_create, waiting while it says EAGAIN, for up to 5 s: an enclave
 * has a fixed number of thread slots without EDMM, and a thread that has
 * just been joined or has signalled its end may not have given its slot
 * back yet. No part has more than 6 threads alive at once (SCONE_TCS is 8
 * by default).
 */
static int create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	struct timespec now, end;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += 5;
	while ((r = pthread_create(t, attr, fn, arg)) == EAGAIN) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec > end.tv_nsec))
			break;
		usleep(1000);
	}
	return r;
}

/* The work of one task: deterministic and cheap, different for each i. */
static uint64_t task_value(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ull + 1;

	for (int k = 0; k < 64; k++)
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	return x;
}

/* ---- pool: 4 workers take tasks from a queue under a mutex + condvar ---- */

#define POOL_WORKERS	4
#define POOL_TASKS	2000

static struct {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	int next, posted, finished, quit;
	uint64_t sum;
	int by_worker[POOL_WORKERS];
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER,
	    .done = PTHREAD_COND_INITIALIZER };

static void *pool_worker(void *arg)
{
	int me = (int)(intptr_t)arg;

	pthread_mutex_lock(&pool.lock);
	for (;;) {
		while (pool.next == pool.posted && !pool.quit)
			pthread_cond_wait(&pool.work, &pool.lock);
		if (pool.next == pool.posted)
			break;
		int i = pool.next++;

		pthread_mutex_unlock(&pool.lock);
		uint64_t v = task_value(i);
		pthread_mutex_lock(&pool.lock);
		pool.sum += v;
		pool.by_worker[me]++;
		if (++pool.finished == POOL_TASKS)
			pthread_cond_signal(&pool.done);
	}
	pthread_mutex_unlock(&pool.lock);
	return NULL;
}

static void part_pool(void)
{
	pthread_t t[POOL_WORKERS];
	uint64_t want = 0;
	int i, total = 0;

	for (i = 0; i < POOL_WORKERS; i++)
		CHECK(create(&t[i], NULL, pool_worker, (void *)(intptr_t)i));
	/* Posted in batches, so that workers wait for work and are woken. */
	for (i = 0; i < POOL_TASKS; i += 100) {
		pthread_mutex_lock(&pool.lock);
		pool.posted += 100;
		pthread_cond_broadcast(&pool.work);
		pthread_mutex_unlock(&pool.lock);
	}
	pthread_mutex_lock(&pool.lock);
	while (pool.finished < POOL_TASKS)
		pthread_cond_wait(&pool.done, &pool.lock);
	pool.quit = 1;
	pthread_cond_broadcast(&pool.work);
	pthread_mutex_unlock(&pool.lock);
	for (i = 0; i < POOL_WORKERS; i++)
		CHECK(pthread_join(t[i], NULL));
	for (i = 0; i < POOL_TASKS; i++)
		want += task_value(i);
	for (i = 0; i < POOL_WORKERS; i++)
		total += pool.by_worker[i];
	expect("pool tasks done", total, POOL_TASKS);
	expect("pool sum", pool.sum, want);
}

/* ---- cycles: 1,000 create/join pairs, each thread returning a value ---- */

static void *cycle_thread(void *arg)
{
	return (void *)(task_value((uintptr_t)arg) & 0xffff);
}

static void part_cycles(void)
{
	uint64_t sum = 0, want = 0;
	int i;

	for (i = 0; i < 1000; i++) {
		pthread_t t;
		void *ret = NULL;
		int r = create(&t, NULL, cycle_thread, (void *)(uintptr_t)i);

		if (r) {
			printf("WRONG: cycle %d: pthread_create: %s\n", i, strerror(r));
			wrong = 1;
			return;
		}
		CHECK(pthread_join(t, &ret));
		sum += (uintptr_t)ret;
		want += task_value(i) & 0xffff;
	}
	expect("create/join cycles, sum of results", sum, want);
}

/* ---- detached: completion through a semaphore, never a join ---- */

#define DETACHED 64
static sem_t detached_done;
static uint64_t detached_sum;

static void *detached_thread(void *arg)
{
	__atomic_add_fetch(&detached_sum, task_value((uintptr_t)arg), __ATOMIC_SEQ_CST);
	sem_post(&detached_done);
	return NULL;
}

static void part_detached(void)
{
	pthread_attr_t attr;
	uint64_t want = 0;
	int i, created = 0;

	sem_init(&detached_done, 0, 0);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* In waves of 3, so that exited detached threads' slots are reused. */
	for (i = 0; i < DETACHED; i++) {
		pthread_t t;
		int r = create(&t, &attr, detached_thread, (void *)(uintptr_t)i);

		if (r) {
			printf("WRONG: detached %d: pthread_create: %s\n", i, strerror(r));
			wrong = 1;
			break;
		}
		created++;
		want += task_value(i);
		if (i % 3 == 2)
			for (int k = 0; k < 3; k++)
				while (sem_wait(&detached_done) && errno == EINTR)
					;
	}
	for (i = created - created % 3; i < created; i++)
		while (sem_wait(&detached_done) && errno == EINTR)
			;
	pthread_attr_destroy(&attr);
	expect("detached threads finished", created, DETACHED);
	expect("detached sum", __atomic_load_n(&detached_sum, __ATOMIC_SEQ_CST), want);
}

/* ---- barrier: rounds in lock step, one serial thread per round ---- */

#define BARRIER_THREADS	4
#define ROUNDS		50
static pthread_barrier_t barrier;
static int slots[ROUNDS][BARRIER_THREADS];
static int serial_count, barrier_bad;

static void *barrier_thread(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (int r = 0; r < ROUNDS; r++) {
		slots[r][me] = r * 10 + me;
		int s = pthread_barrier_wait(&barrier);

		if (s == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_add_fetch(&serial_count, 1, __ATOMIC_SEQ_CST);
		else if (s)
			__atomic_add_fetch(&barrier_bad, 1, __ATOMIC_SEQ_CST);
		/* Past the barrier, every thread's write of this round is seen. */
		for (int k = 0; k < BARRIER_THREADS; k++)
			if (slots[r][k] != r * 10 + k)
				__atomic_add_fetch(&barrier_bad, 1, __ATOMIC_SEQ_CST);
		/* and nobody has started the next round before everyone left this one */
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

static void part_barrier(void)
{
	pthread_t t[BARRIER_THREADS];
	int i;

	CHECK(pthread_barrier_init(&barrier, NULL, BARRIER_THREADS));
	for (i = 0; i < BARRIER_THREADS; i++)
		CHECK(create(&t[i], NULL, barrier_thread, (void *)(intptr_t)i));
	for (i = 0; i < BARRIER_THREADS; i++)
		CHECK(pthread_join(t[i], NULL));
	pthread_barrier_destroy(&barrier);
	expect("barrier rounds with one serial thread", serial_count, ROUNDS);
	expect("barrier violations", barrier_bad, 0);
}

/* ---- sem: a bounded buffer between 2 producers and 2 consumers ---- */

#define ITEMS	5000
#define BUF	8
static struct {
	sem_t empty, full;
	pthread_mutex_t lock;
	uint64_t buf[BUF];
	int head, tail;
	uint64_t consumed_sum;
	int consumed;
} bb = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void sem_wait_all(sem_t *s)
{
	while (sem_wait(s) && errno == EINTR)
		;
}

static void *producer(void *arg)
{
	int first = (int)(intptr_t)arg;

	for (int i = first; i < ITEMS; i += 2) {
		sem_wait_all(&bb.empty);
		pthread_mutex_lock(&bb.lock);
		bb.buf[bb.head++ % BUF] = task_value(i);
		pthread_mutex_unlock(&bb.lock);
		sem_post(&bb.full);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (;;) {
		sem_wait_all(&bb.full);
		pthread_mutex_lock(&bb.lock);
		if (bb.consumed == ITEMS) {	/* the stop token: pass it on */
			pthread_mutex_unlock(&bb.lock);
			sem_post(&bb.full);
			return NULL;
		}
		bb.consumed_sum += bb.buf[bb.tail++ % BUF];
		bb.consumed++;
		int last = bb.consumed == ITEMS;

		pthread_mutex_unlock(&bb.lock);
		sem_post(last ? &bb.full : &bb.empty);
	}
}

static void part_sem(void)
{
	pthread_t t[4];
	uint64_t want = 0;
	int i, v = -1;

	sem_init(&bb.empty, 0, BUF);
	sem_init(&bb.full, 0, 0);
	CHECK(create(&t[0], NULL, producer, (void *)0));
	CHECK(create(&t[1], NULL, producer, (void *)1));
	CHECK(create(&t[2], NULL, consumer, NULL));
	CHECK(create(&t[3], NULL, consumer, NULL));
	for (i = 0; i < 4; i++)
		CHECK(pthread_join(t[i], NULL));
	for (i = 0; i < ITEMS; i++)
		want += task_value(i);
	expect("semaphore items consumed", bb.consumed, ITEMS);
	expect("semaphore sum", bb.consumed_sum, want);
	sem_getvalue(&bb.full, &v);
	expect("stop token left", v, 1);
	/* a timed wait on an empty semaphore times out */
	sem_t empty;
	struct timespec at;

	sem_init(&empty, 0, 0);
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_nsec += 20 * 1000 * 1000;
	if (at.tv_nsec >= 1000000000)
		at.tv_sec++, at.tv_nsec -= 1000000000;
	int r;

	while ((r = sem_timedwait(&empty, &at) ? errno : 0) == EINTR)
		;
	printf("sem_timedwait on an empty semaphore: %s\n", strerror(r));
	if (r != ETIMEDOUT)
		wrong = 1;
}

/* ---- rwlock: writers keep a == b, readers never see them differ ---- */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static uint64_t rw_a, rw_b;
static int rw_torn;
static uint64_t rw_reads;

static void *rw_writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		pthread_rwlock_wrlock(&rw);
		rw_a++;
		sched_yield();
		rw_b++;
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void *rw_reader(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		pthread_rwlock_rdlock(&rw);
		if (rw_a != rw_b)
			__atomic_add_fetch(&rw_torn, 1, __ATOMIC_SEQ_CST);
		pthread_rwlock_unlock(&rw);
		__atomic_add_fetch(&rw_reads, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void part_rwlock(void)
{
	pthread_t t[6];
	int i;

	for (i = 0; i < 2; i++)
		CHECK(create(&t[i], NULL, rw_writer, NULL));
	for (i = 2; i < 6; i++)
		CHECK(create(&t[i], NULL, rw_reader, NULL));
	for (i = 0; i < 6; i++)
		CHECK(pthread_join(t[i], NULL));
	expect("rwlock writes", rw_a, 4000);
	expect("rwlock reads", rw_reads, 8000);
	expect("rwlock torn reads", rw_torn, 0);
	/* a writer excludes a try-reader; readers share */
	pthread_rwlock_rdlock(&rw);
	int r1 = pthread_rwlock_tryrdlock(&rw);
	int w1 = pthread_rwlock_trywrlock(&rw);

	if (!r1)
		pthread_rwlock_unlock(&rw);
	pthread_rwlock_unlock(&rw);
	printf("rwlock: second reader %s, writer while read-locked %s\n",
	       r1 ? strerror(r1) : "ok", w1 ? strerror(w1) : "ok");
	if (r1 || w1 != EBUSY)
		wrong = 1;
}

/* ---- once: 6 threads race to pthread_once; init runs once ---- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static pthread_barrier_t once_start;

static void once_init(void)
{
	__atomic_add_fetch(&once_runs, 1, __ATOMIC_SEQ_CST);
	usleep(10000);	/* so that the others arrive while it runs */
}

static void *once_thread(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&once_start);
	pthread_once(&once, once_init);
	/* once returned: init has completed, for every caller */
	return (void *)(intptr_t)__atomic_load_n(&once_runs, __ATOMIC_SEQ_CST);
}

static void part_once(void)
{
	pthread_t t[6];
	int i, saw_one = 0;

	pthread_barrier_init(&once_start, NULL, 6);
	for (i = 0; i < 6; i++)
		CHECK(create(&t[i], NULL, once_thread, NULL));
	for (i = 0; i < 6; i++) {
		void *r;

		CHECK(pthread_join(t[i], &r));
		saw_one += (intptr_t)r == 1;
	}
	pthread_barrier_destroy(&once_start);
	expect("pthread_once init runs", once_runs, 1);
	expect("threads that saw init done", saw_one, 6);
}

/* ---- tls: __thread variables, each thread its own copy ---- */

static __thread uint64_t tls_counter = 1000;	/* initialised: .tdata */
static __thread char tls_zero[256];		/* zero: .tbss */

static void *tls_thread(void *arg)
{
	uintptr_t me = (uintptr_t)arg;
	int bad = tls_counter != 1000;

	for (int i = 0; i < 256; i++)
		bad |= tls_zero[i] != 0;
	for (uintptr_t i = 0; i < 1000 * (me + 1); i++) {
		tls_counter++;
		if (i % 100 == 0)
			sched_yield();
	}
	memset(tls_zero, (int)me + 1, sizeof(tls_zero));
	sched_yield();
	bad |= tls_counter != 1000 + 1000 * (me + 1);
	for (int i = 0; i < 256; i++)
		bad |= tls_zero[i] != (char)(me + 1);
	return (void *)(uintptr_t)bad;
}

static void part_tls(void)
{
	pthread_t t[6];
	int i, bad = 0;

	tls_counter = 7;
	for (i = 0; i < 6; i++)
		CHECK(create(&t[i], NULL, tls_thread, (void *)(uintptr_t)i));
	for (i = 0; i < 6; i++) {
		void *r;

		CHECK(pthread_join(t[i], &r));
		bad += r != NULL;
	}
	expect("threads with a wrong __thread value", bad, 0);
	expect("main thread's own __thread value", tls_counter, 7);
	expect("main thread's .tbss byte", tls_zero[100], 0);
}

/* ---- keys: values per thread, destructors at thread exit ---- */

static pthread_key_t key;
static uint64_t destructed_sum;
static int destructed;

static void key_destructor(void *v)
{
	__atomic_add_fetch(&destructed_sum, *(uint64_t *)v, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&destructed, 1, __ATOMIC_SEQ_CST);
	free(v);
}

static void *key_thread(void *arg)
{
	uint64_t *v = malloc(sizeof(*v));

	if (!v || pthread_getspecific(key) != NULL)
		return (void *)1;
	*v = (uintptr_t)arg + 1;
	pthread_setspecific(key, v);
	sched_yield();
	if (pthread_getspecific(key) != v)
		return (void *)1;
	if ((uintptr_t)arg == 3)
		pthread_exit(NULL);	/* destructors run on pthread_exit too */
	return NULL;
}

static void part_keys(void)
{
	pthread_t t[6];
	int i, bad = 0;

	CHECK(pthread_key_create(&key, key_destructor));
	for (i = 0; i < 6; i++)
		CHECK(create(&t[i], NULL, key_thread, (void *)(uintptr_t)i));
	for (i = 0; i < 6; i++) {
		void *r;

		CHECK(pthread_join(t[i], &r));
		bad += r != NULL;
	}
	expect("threads with a wrong key value", bad, 0);
	expect("destructors run", destructed, 6);
	expect("destructed values' sum", destructed_sum, 21);
	expect("main thread's key value is null", pthread_getspecific(key) == NULL, 1);
	pthread_key_delete(key);
}

/* ---- cancel: threads blocked in cancellation points are cancelled ---- */

static pthread_mutex_t cancel_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cancel_never = PTHREAD_COND_INITIALIZER;
static sem_t cancel_blocked;
static int cleanups;

static void cancel_cleanup(void *m)
{
	cleanups++;
	if (m)
		pthread_mutex_unlock(m);	/* cond_wait re-took it before cleanup */
}

static void *cancel_in_cond_wait(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cancel_lock);
	pthread_cleanup_push(cancel_cleanup, &cancel_lock);
	sem_post(&cancel_blocked);
	for (;;)
		pthread_cond_wait(&cancel_never, &cancel_lock);
	pthread_cleanup_pop(1);
	return NULL;
}

static void *cancel_in_sleep(void *arg)
{
	(void)arg;
	pthread_cleanup_push(cancel_cleanup, NULL);
	sem_post(&cancel_blocked);
	for (;;)
		sleep(1000);
	pthread_cleanup_pop(1);
	return NULL;
}

/*
 * Cancel the thread that @fn starts once it is about to block. A thread
 * that is still not cancelled after 20 s never will be (natively it takes
 * microseconds): the part says so and the program ends at once, the
 * thread still blocked.
 */
static void cancel_one(void *(*fn)(void *), const char *name)
{
	struct timespec limit;
	pthread_t t;
	void *r = NULL;
	int c = create(&t, NULL, fn, NULL);

	if (c) {
		printf("WRONG: pthread_create: %s\n", strerror(c));
		wrong = 1;
		return;
	}
	sem_wait_all(&cancel_blocked);
	usleep(20000);	/* most likely inside the wait by now; either way it is cancelled */
	c = pthread_cancel(t);
	if (c) {	/* joining would wait forever: the thread is not cancelled */
		printf("WRONG: pthread_cancel in %s: %s\n", name, strerror(c));
		exit(1);
	}
	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += 20;
	c = pthread_timedjoin_np(t, &r, &limit);
	if (c == ETIMEDOUT) {
		printf("WRONG: the thread blocked in %s was not cancelled within 20 s\n", name);
		exit(1);
	}
	printf("cancelled in %s: %s\n", name,
	       !c && r == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "WRONG: not cancelled");
	if (c || r != PTHREAD_CANCELED)
		wrong = 1;
}

static void part_cancel(void)
{
	cleanups = 0;
	sem_init(&cancel_blocked, 0, 0);
	cancel_one(cancel_in_cond_wait, "pthread_cond_wait");
	expect("cleanup handlers run", cleanups, 1);
	/* the cancelled cond_wait's cleanup released the mutex */
	int r = pthread_mutex_trylock(&cancel_lock);

	expect("mutex free after the cancelled cond_wait", r == 0, 1);
	if (!r)
		pthread_mutex_unlock(&cancel_lock);
}

static void part_cancel_sleep(void)
{
	cleanups = 0;
	sem_init(&cancel_blocked, 0, 0);
	cancel_one(cancel_in_sleep, "sleep");
	expect("cleanup handlers run", cleanups, 1);
}

static const struct {
	const char *name;
	void (*run)(void);
} parts[] = {
	{ "pool", part_pool }, { "cycles", part_cycles }, { "detached", part_detached },
	{ "barrier", part_barrier }, { "sem", part_sem }, { "rwlock", part_rwlock },
	{ "once", part_once }, { "tls", part_tls }, { "keys", part_keys },
	{ "cancel", part_cancel }, { "cancel_sleep", part_cancel_sleep },
};

int main(int argc, char **argv)
{
	size_t n = sizeof(parts) / sizeof(parts[0]), i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 1)
		for (i = 0; i < n; i++)
			parts[i].run();
	for (int a = 1; a < argc; a++) {
		for (i = 0; i < n && strcmp(parts[i].name, argv[a]); i++)
			;
		if (i == n) {
			fprintf(stderr, "threads_pool: no part %s\n", argv[a]);
			return 2;
		}
		parts[i].run();
	}
	return wrong;
}
