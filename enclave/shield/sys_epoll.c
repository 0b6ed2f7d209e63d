// SPDX-License-Identifier: MIT
/*
 * epoll (docs/shield.md, "Event loops"). The kernel's epoll instance is
 * the host's, but struct epoll_event.data never comes from it: the
 * enclave keeps a registry of what each of its epoll fds watches (fd ->
 * events, the program's data), registers each fd with the host with data
 * = the fd, and of epoll_wait's answer takes only fds and event bits. Each
 * fd must be registered in that instance, with bits it was registered
 * for, and an EPOLLONESHOT fd only once until it is rearmed; the program's
 * data comes from the registry. So the host can delay or withhold
 * readiness, never hand the program a data pointer of its choosing.
 *
 * An honest kernel can still report an fd the registry no longer has, or
 * bits it no longer allows, when the registration changed (DEL, MOD, or a
 * close) while the host waited: each instance counts its changes, and the
 * ones in flight (from before the host's epoll_ctl to after the registry
 * follows it), and such events are dropped when a change overlapped the
 * wait; with none they are lies.
 *
 * close() of a registered fd removes it from every instance here and in
 * the kernel (EPOLL_CTL_DEL before the close): the kernel drops an fd only
 * when its file's last reference goes, so natively a dup'ed fd keeps
 * reporting events for the closed number; here it does not, and no stale
 * registration can return events for an fd the enclave forgot.
 *
 * The registry: one sorted array of (epoll fd, fd) entries and one array
 * of instances, in heap pages, under one lock never held across an ocall
 * that waits. Instances are known by fd number: a dup of an epoll fd is
 * not one (EINVAL).
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "enclave/emm/heap.h"
#include "enclave/shield/fd_table.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/shield/syscall.h"

_Static_assert(sizeof(struct epoll_event) == ENCL_SZ_EPOLL_EVENT, "abi/syscalls.h: epoll_event");
_Static_assert((EPOLLERR | EPOLLHUP) == IAGO_EPOLL_ALWAYS &&
	       (EPOLLET | EPOLLONESHOT | EPOLLWAKEUP | EPOLLEXCLUSIVE) == IAGO_EPOLL_FLAGS,
	       "iago.h: epoll's bits");

struct entry {
	int32_t epfd, fd;
	uint32_t events;	/* as the kernel keeps them: with EPOLLERR|EPOLLHUP */
	uint32_t pad;
	uint64_t data;		/* the program's */
};

struct instance {
	int32_t epfd;
	uint32_t busy;		/* changes in flight */
	uint64_t changes;	/* registrations removed or modified */
	uint64_t id;		/* which instance of this fd number */
};

/* A growable array in heap pages. */
struct vec {
	unsigned char *p;
	uint64_t n, bytes;
};

static struct vec entries, instances;
static uint64_t next_id;
static int lock;

/* Room for one more element of @size: 0 or -ENOMEM. */
static int vec_room(struct vec *v, uint64_t size)
{
	uint64_t bytes = v->bytes ? 2 * v->bytes : ENCL_PAGE_SIZE;
	int64_t p;

	if ((v->n + 1) * size <= v->bytes)
		return 0;
	p = heap_mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	if (p < 0)
		return -ENOMEM;
	if (v->p) {
		memcpy((void *)(uintptr_t)p, v->p, v->n * size);
		heap_munmap((uint64_t)(uintptr_t)v->p, v->bytes);
	}
	v->p = (unsigned char *)(uintptr_t)p;
	v->bytes = bytes;
	return 0;
}

#define ENTRY(i)	((struct entry *)entries.p + (i))
#define INSTANCE(i)	((struct instance *)instances.p + (i))

static struct instance *instance_find(int64_t epfd)
{
	for (uint64_t i = 0; i < instances.n; i++)
		if (INSTANCE(i)->epfd == epfd)
			return INSTANCE(i);
	return 0;
}

/* The index of (@epfd, @fd), or where it would go; *@found says which. */
static uint64_t entry_pos(int32_t epfd, int32_t fd, int *found)
{
	uint64_t lo = 0, hi = entries.n;

	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;
		const struct entry *e = ENTRY(mid);

		if (e->epfd < epfd || (e->epfd == epfd && e->fd < fd))
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < entries.n && ENTRY(lo)->epfd == epfd && ENTRY(lo)->fd == fd;
	return lo;
}

static struct entry *entry_find(int32_t epfd, int64_t fd)
{
	int found;
	uint64_t i;

	if (fd < 0 || fd > INT32_MAX)
		return 0;
	i = entry_pos(epfd, (int32_t)fd, &found);
	return found ? ENTRY(i) : 0;
}

static void entry_remove(struct instance *in, struct entry *e)
{
	uint64_t i = (uint64_t)(e - ENTRY(0));

	memmove(e, e + 1, (entries.n - i - 1) * sizeof(*e));
	entries.n--;
	in->changes++;
}

/* Out of the registry, if (@epfd, @fd) is still there. */
static void unregister(int32_t epfd, int32_t fd)
{
	struct instance *in;
	struct entry *e;

	encl_spin_lock(&lock);
	in = instance_find(epfd);
	e = entry_find(epfd, fd);
	if (in && e)
		entry_remove(in, e);
	encl_spin_unlock(&lock);
}

/*
 * A change of the kernel's registration of (@epfd, @fd) (MOD, DEL): in
 * flight from before the host's epoll_ctl until the registry follows it
 * (change_end, with the host's result @r: done(e) updates the entry when
 * it succeeded). Both under the lock; change_begin returns the instance's
 * id, or 0 when it or the entry is not there.
 */
static uint64_t change_begin(int32_t epfd, int32_t fd)
{
	struct instance *in = instance_find(epfd);

	if (!in || !entry_find(epfd, fd))
		return 0;
	in->busy++;
	return in->id;
}

static struct entry *change_end(int32_t epfd, int32_t fd, uint64_t id)
{
	struct instance *in = instance_find(epfd);

	if (!in || in->id != id)
		return 0;	/* the epoll fd was closed meanwhile */
	in->busy--;
	in->changes++;
	return entry_find(epfd, fd);
}

/* ---- the calls ---- */

SYSFN(epoll_create1)
{
	int64_t r = encl_fd_new(SYS_epoll_create1, ocall1(OCALL_SYS(epoll_create1), a[0]));
	int err;

	if (r < 0)
		return r;
	encl_spin_lock(&lock);
	if (instance_find(r)) {
		encl_spin_unlock(&lock);
		encl_iago_fail(SYS_epoll_create1, r, "the descriptor is an open epoll instance");
	}
	err = vec_room(&instances, sizeof(struct instance));
	if (!err)
		*INSTANCE(instances.n++) = (struct instance){ (int32_t)r, 0, 0, ++next_id };
	encl_spin_unlock(&lock);
	if (err) {
		ocall_reset();
		encl_fd_gone(r);
		(void)ocall1(OCALL_SYS(close), (uint64_t)r);
		return err;
	}
	return r;
}

SYSFN(epoll_create)
{
	uint64_t flags[1] = { 0 };

	if ((int)a[0] <= 0)
		return -EINVAL;
	return sys_epoll_create1(flags);
}

/* The host's epoll_ctl for @fd, with data = @fd. */
static int64_t host_ctl(uint64_t epfd, int op, int32_t fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = (uint64_t)fd }, *hb = 0;
	int64_t r;

	ocall_reset();
	if (op != EPOLL_CTL_DEL)
		hb = ocall_copy_in(&ev, sizeof(ev));
	r = ocall4(OCALL_SYS(epoll_ctl), epfd, (uint64_t)op, (uint64_t)fd, HP(hb));
	IAGO(iago_check_zero(r), SYS_epoll_ctl, r);
	return r;
}

static long ctl_add(int32_t epfd, int32_t fd, const struct epoll_event *ev)
{
	uint64_t i;
	int found, err;
	int64_t r;

	encl_spin_lock(&lock);
	i = entry_pos(epfd, fd, &found);
	if (!instance_find(epfd))
		err = -EBADF;	/* closed meanwhile: no entry may outlive its instance */
	else
		err = found ? -EEXIST : vec_room(&entries, sizeof(struct entry));
	if (!err) {
		memmove(ENTRY(i + 1), ENTRY(i), (entries.n - i) * sizeof(struct entry));
		entries.n++;
		*ENTRY(i) = (struct entry){ epfd, fd, ev->events | EPOLLERR | EPOLLHUP, 0, ev->data.u64 };
	}
	encl_spin_unlock(&lock);
	if (err)
		return err;
	/* In the registry before the kernel has it: a wait running now may see it at once. */
	r = host_ctl((uint64_t)epfd, EPOLL_CTL_ADD, fd, ev->events);
	if (r < 0)
		unregister(epfd, fd);
	return r;
}

/*
 * MOD (@ev) or DEL (@ev NULL): the kernel's registration first, then the
 * registry's (@always: even when the host failed, for a close).
 */
static long ctl_change(int32_t epfd, int32_t fd, const struct epoll_event *ev, int always)
{
	struct entry *e;
	uint64_t id;
	int64_t r;

	encl_spin_lock(&lock);
	id = change_begin(epfd, fd);
	encl_spin_unlock(&lock);
	if (!id)
		return -ENOENT;
	r = host_ctl((uint64_t)epfd, ev ? EPOLL_CTL_MOD : EPOLL_CTL_DEL, fd, ev ? ev->events : 0);
	encl_spin_lock(&lock);
	e = change_end(epfd, fd, id);
	if (e && (r == 0 || always)) {
		if (!ev) {
			entry_remove(instance_find(epfd), e);
		} else {
			e->events = ev->events | EPOLLERR | EPOLLHUP;
			e->data = ev->data.u64;
		}
	}
	encl_spin_unlock(&lock);
	return r;
}

SYSFN(epoll_ctl)
{
	int32_t epfd = (int32_t)a[0], fd = (int32_t)a[2];
	int op = (int)a[1];
	struct epoll_event ev;
	int known;

	if (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL)
		return -EINVAL;
	if (op != EPOLL_CTL_DEL) {
		if (!a[3])
			return -EFAULT;
		memcpy(&ev, (const void *)(uintptr_t)a[3], sizeof(ev));
	}
	encl_spin_lock(&lock);
	known = !!instance_find(epfd);
	encl_spin_unlock(&lock);
	if (!known || fd == epfd)
		return fd < 0 ? -EBADF : -EINVAL;
	if (fd < 0)
		return -EBADF;
	if (op == EPOLL_CTL_ADD)
		return ctl_add(epfd, fd, &ev);
	return ctl_change(epfd, fd, op == EPOLL_CTL_MOD ? &ev : 0, 0);
}

void encl_epoll_forget(int64_t fd)
{
	encl_spin_lock(&lock);
	/* The epoll fd itself: its registry goes (its entries are contiguous). */
	for (uint64_t i = 0; i < instances.n; i++)
		if (INSTANCE(i)->epfd == fd) {
			uint64_t lo, hi;
			int found;

			lo = entry_pos((int32_t)fd, INT32_MIN, &found);
			for (hi = lo; hi < entries.n && ENTRY(hi)->epfd == fd; hi++)
				;
			memmove(ENTRY(lo), ENTRY(hi), (entries.n - hi) * sizeof(struct entry));
			entries.n -= hi - lo;
			*INSTANCE(i) = *INSTANCE(instances.n - 1);
			instances.n--;
			break;
		}
	/* An fd watched: out of the kernel's instances while it is open, then out of the registry. */
	for (;;) {
		int32_t epfd = -1;

		for (uint64_t i = 0; i < instances.n && epfd < 0; i++)
			if (entry_find(INSTANCE(i)->epfd, fd))
				epfd = INSTANCE(i)->epfd;
		encl_spin_unlock(&lock);
		if (epfd < 0)
			return;
		(void)ctl_change(epfd, (int32_t)fd, 0, 1);
		encl_spin_lock(&lock);
	}
}

/* ---- waiting ---- */

#define NO_DEADLINE	UINT64_MAX

struct wait_call {
	int32_t epfd;
	struct epoll_event *out;	/* the program's */
	uint64_t max;
	uint64_t deadline;		/* CLOCK_MONOTONIC ns, or NO_DEADLINE */
	int dropped;			/* every event was dropped (see above) */
};

/* The host's timeout in ms for what is left, rounded up; -1 for none. */
static int64_t ms_left(uint64_t deadline)
{
	uint64_t now;

	if (deadline == NO_DEADLINE)
		return -1;
	now = encl_clock_ns(CLOCK_MONOTONIC);
	if (now >= deadline)
		return 0;
	return (int64_t)((deadline - now + 999999) / 1000000 > INT32_MAX ? INT32_MAX
								   : (deadline - now + 999999) / 1000000);
}

/*
 * Check each event against the registry, give it the program's data; the
 * number kept. @changes: the instance's count when the wait began, or
 * UINT64_MAX when a change was in flight then.
 */
static uint64_t take_events(struct wait_call *c, uint64_t changes, int64_t r)
{
	struct instance *in;
	uint64_t k = 0;
	int changed;

	encl_spin_lock(&lock);
	in = instance_find(c->epfd);
	/* A change overlapped the wait: what fails the checks may be its doing. */
	changed = !in || in->busy || in->changes != changes;
	for (int64_t i = 0; i < r; i++) {
		uint32_t got = c->out[i].events;
		struct entry *e = in ? entry_find(c->epfd, (int64_t)c->out[i].data.u64) : 0;
		const char *why = e ? iago_check_epoll_events(e->events, got)
				    : "epoll_wait returned an fd not registered in this epoll instance";

		if (why) {
			if (!changed) {
				encl_spin_unlock(&lock);
				encl_iago_fail(SYS_epoll_pwait, r, why);
			}
			continue;
		}
		c->out[k].events = got;
		c->out[k].data.u64 = e->data;
		k++;
		/*
		 * Disarmed until EPOLL_CTL_MOD, as in the kernel; not when a change
		 * overlapped the wait: the event may be another registration's of
		 * the same fd number (closed and registered again) or an earlier
		 * arming's, and the kernel's registration may be armed.
		 */
		if ((e->events & EPOLLONESHOT) && !changed)
			e->events &= IAGO_EPOLL_FLAGS;
	}
	encl_spin_unlock(&lock);
	return k;
}

static long wait_once(void *call, int look)
{
	struct wait_call *c = call;
	struct epoll_event *hb;
	struct instance *in;
	uint64_t changes;
	int64_t r, k;

	encl_spin_lock(&lock);
	in = instance_find(c->epfd);
	changes = !in ? 0 : in->busy ? UINT64_MAX : in->changes;
	encl_spin_unlock(&lock);
	if (!in)
		return -EINVAL;
	ocall_reset();
	hb = ocall_alloc(c->max * sizeof(*hb));
	r = ocall6(OCALL_SYS(epoll_pwait), (uint64_t)c->epfd, HP(hb), c->max,
		   (uint64_t)(look ? 0 : ms_left(c->deadline)), 0, ENCL_SZ_SIGSET);
	IAGO(iago_check_count(r, c->max), SYS_epoll_pwait, r);
	if (r <= 0)
		return r;
	/* Read once, into the program's array (enclave memory), and checked there. */
	memcpy(c->out, hb, (uint64_t)r * sizeof(*hb));
	k = (int64_t)take_events(c, changes, r);
	c->dropped = !k;
	return k;
}

static long epoll_wait_ms(const uint64_t *a)
{
	int timeout = (int)a[3];
	struct wait_call c = { (int32_t)a[0], (struct epoll_event *)(uintptr_t)a[1], a[2],
			       NO_DEADLINE, 0 };
	long r;

	if (timeout >= 0)
		c.deadline = encl_clock_ns(CLOCK_MONOTONIC) + (uint64_t)timeout * 1000000;
	do {
		c.dropped = 0;
		r = encl_event_wait(wait_once, &c);
	} while (r == 0 && c.dropped && ms_left(c.deadline));
	return r;
}

/* The kernel's EP_MAX_EVENTS; fewer when the ocall area holds fewer (a short answer is allowed). */
static int max_bad(uint64_t *max)
{
	uint64_t room = (ocall_room() - 32) / sizeof(struct epoll_event);

	if ((int)*max <= 0 || (uint64_t)(int)*max > INT32_MAX / sizeof(struct epoll_event))
		return 1;
	*max = (uint64_t)(int)*max;
	if (*max > room)
		*max = room;
	return 0;
}

SYSFN(epoll_wait)
{
	uint64_t b[6] = { a[0], a[1], a[2], a[3], 0, 0 };

	if (max_bad(&b[2]))
		return -EINVAL;
	return epoll_wait_ms(b);
}

SYSFN(epoll_pwait)
{
	uint64_t b[6] = { a[0], a[1], a[2], a[3], a[4], a[5] };
	uint64_t mask = 0;
	int err = encl_wait_mask_get(a[4], a[5], &mask);

	if (err)
		return err;
	if (max_bad(&b[2]))
		return -EINVAL;
	return encl_wait_masked(a[4], mask, epoll_wait_ms, b);
}
