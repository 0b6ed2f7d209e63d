/*
 * A garbage-collected heap, the way an interpreter keeps one: gcheap
 * [ENTRIES [TABLES]] (default 2000000 4).
 *
 * Objects (a header with a mark bit and a size, then fields) are bump-
 * allocated in 256 KiB arenas that the heap gets from malloc (which musl
 * maps afresh at that size). The program builds TABLES tables of ENTRIES
 * entries in turn: each entry is a key string object and a value object
 * pointing to it, and the table is an array object of pointers. After each
 * table is built and checked, it is dropped from the roots and a full
 * mark-and-sweep collection runs: marking from the roots (a small
 * long-lived dictionary), sweeping every arena, and freeing each arena
 * with nothing live in it, as a GC gives empty arenas back. Prints the
 * checksum of each table and the collections' counts; exit 1 on a wrong
 * value.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA		(256 * 1024)
#define MAX_ARENAS	65536

struct obj {
	uint32_t mark;
	uint32_t size;		/* bytes, header included */
	uint32_t nptr;		/* the first nptr fields are pointers */
	uint32_t pad;
	uint64_t field[];
};

struct arena {
	unsigned char *base;
	size_t used;
	size_t live;		/* bytes marked in the last collection */
};

static struct arena arenas[MAX_ARENAS];
static size_t narenas, cur = SIZE_MAX;
static struct obj *roots[2];	/* the dictionary, the current table */
static unsigned long long freed_arenas, collections;

static struct obj *alloc(size_t fields, size_t nptr)
{
	size_t size = (sizeof(struct obj) + fields * 8 + 15) & ~(size_t)15;
	struct obj *o;

	if (size > ARENA) {
		fprintf(stderr, "gcheap: object of %zu bytes\n", size);
		exit(2);
	}
	if (cur == SIZE_MAX || arenas[cur].used + size > ARENA) {
		for (cur = 0; cur < narenas && arenas[cur].base; cur++)
			;
		if (cur == narenas && ++narenas > MAX_ARENAS) {
			fprintf(stderr, "gcheap: out of arenas\n");
			exit(2);
		}
		arenas[cur].base = malloc(ARENA);
		if (!arenas[cur].base) {
			fprintf(stderr, "gcheap: no memory for an arena\n");
			exit(2);
		}
		arenas[cur].used = 0;
	}
	o = (struct obj *)(arenas[cur].base + arenas[cur].used);
	arenas[cur].used += size;
	o->mark = 0;
	o->size = (uint32_t)size;
	o->nptr = (uint32_t)nptr;
	memset(o->field, 0, fields * 8);
	return o;
}

/* Mark from @o with an explicit stack: tables have millions of edges. */
static void mark(struct obj *o)
{
	static struct obj **stack;
	static size_t cap;
	size_t sp = 0;

	if (!o)
		return;
	if (!stack) {
		cap = 1 << 16;
		stack = malloc(cap * sizeof(*stack));
	}
	stack[sp++] = o;
	while (sp) {
		struct obj *p = stack[--sp];

		if (p->mark)
			continue;
		p->mark = 1;
		for (uint32_t i = 0; i < p->nptr; i++) {
			struct obj *q = (struct obj *)(uintptr_t)p->field[i];

			if (!q || q->mark)
				continue;
			if (sp == cap) {
				cap *= 2;
				stack = realloc(stack, cap * sizeof(*stack));
				if (!stack)
					exit(2);
			}
			stack[sp++] = q;
		}
	}
}

/* Full collection: mark, then sweep every arena; empty arenas are freed. */
static void collect(void)
{
	size_t a;

	for (a = 0; a < narenas; a++)
		if (arenas[a].base)
			arenas[a].live = 0;
	mark(roots[0]);
	mark(roots[1]);
	for (a = 0; a < narenas; a++) {
		unsigned char *p;

		if (!arenas[a].base)
			continue;
		for (p = arenas[a].base; p < arenas[a].base + arenas[a].used;) {
			struct obj *o = (struct obj *)p;

			if (o->mark)
				arenas[a].live += o->size;
			o->mark = 0;
			p += o->size;
		}
		if (!arenas[a].live && a != cur) {
			free(arenas[a].base);
			arenas[a].base = NULL;
			freed_arenas++;
		}
	}
	cur = SIZE_MAX;
	collections++;
}

static uint64_t hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000000;
	unsigned tables = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 4;
	int bad = 0;

	/* a small long-lived dictionary: it survives every collection */
	roots[0] = alloc(64, 64);
	for (int i = 0; i < 64; i++) {
		struct obj *v = alloc(2, 0);

		v->field[0] = (uint64_t)i;
		roots[0]->field[i] = (uint64_t)(uintptr_t)v;
	}
	for (unsigned t = 0; t < tables; t++) {
		/* the table's array is itself chunked, as arrays of arrays */
		unsigned long chunks = (n + 4095) / 4096, i;
		uint64_t sum = 0, want = 0;
		struct obj *table = alloc(chunks, chunks);

		roots[1] = table;
		for (i = 0; i < n; i++) {
			struct obj *chunk = (struct obj *)(uintptr_t)table->field[i / 4096];
			struct obj *key = alloc(3, 0), *val = alloc(2, 1);

			if (!chunk) {
				chunk = alloc(4096, 4096);
				table->field[i / 4096] = (uint64_t)(uintptr_t)chunk;
			}
			key->field[1] = hash(i + t);
			key->field[2] = i;
			val->field[0] = (uint64_t)(uintptr_t)key;
			val->field[1] = hash(i) ^ t;
			chunk->field[i % 4096] = (uint64_t)(uintptr_t)val;
			want += hash(i + t) + (hash(i) ^ t);
		}
		collect();	/* a collection while the table is live: nothing to free */
		for (i = 0; i < n; i++) {
			struct obj *chunk = (struct obj *)(uintptr_t)table->field[i / 4096];
			struct obj *val = (struct obj *)(uintptr_t)chunk->field[i % 4096];
			struct obj *key = (struct obj *)(uintptr_t)val->field[0];

			sum += key->field[1] + val->field[1];
		}
		if (sum != want)
			bad = 1;
		printf("table %u: %lu entries, checksum %016llx %s\n", t, n, (unsigned long long)sum,
		       sum == want ? "ok" : "WRONG");
		roots[1] = NULL;	/* dropped */
		collect();
	}
	printf("%llu collections, %llu arenas freed\n", collections, freed_arenas);
	return bad;
}
