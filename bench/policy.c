// SPDX-License-Identifier: MIT
/*
 * How fast is a session policy of 10,000 services parsed?
 *
 * Writes a policy of 10,000 services to a temporary file, each shaped like
 * `encl policy template` output (two MRENCLAVEs and a signer alternative),
 * and times encl_policy_parse_file() against a baseline measured in the
 * same run: a plain libyaml event scan of the same file, which reads every
 * event and keeps nothing. The ratio is what checking the grammar and
 * building the tree cost on top of libyaml itself. The goal is well under
 * a second for the parse.
 *
 * Each figure is the best of several runs. Not a test: nothing is asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "bench/bench.h"
#include "policy/policy.h"

#define SERVICES	10000
#define REPEAT		5

/* A hash that differs per service and per use, so that nothing is shared. */
static void fake_hash(FILE *f, unsigned service, unsigned which)
{
	uint32_t x = service * 2654435761u + which * 40503u + 1;
	int i;

	for (i = 0; i < 8; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		fprintf(f, "%08x", x);
	}
}

static int write_policy(FILE *f)
{
	unsigned i;

	fprintf(f, "name: bench\nversion: \"0.3\"\nservices:\n");
	for (i = 0; i < SERVICES; i++) {
		fprintf(f, "  - name: service-%u\n    attestation:\n      - mrenclave:\n", i);
		fprintf(f, "          - ");
		fake_hash(f, i, 0);
		fprintf(f, "\n          - ");
		fake_hash(f, i, 1);
		fprintf(f, "\n      - signer:\n          mrsigner: ");
		fake_hash(f, i, 2);
		fprintf(f, "\n          isvprodid: %u\n          isvsvn_min: %u\n", i % 65536, i % 7);
	}
	fprintf(f, "security:\n  attestation:\n    tolerate: [debug-mode]\n");
	return fflush(f) || ferror(f) ? -1 : 0;
}

/* The baseline: libyaml reads every event of @path and nothing is kept. */
static long scan_events(const char *path)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	long n = 0;
	int done = 0;
	FILE *f = fopen(path, "r");

	if (!f || !yaml_parser_initialize(&parser))
		return -1;
	yaml_parser_set_input_file(&parser, f);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			n = -1;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		n++;
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return n;
}

int main(void)
{
	char path[] = "/tmp/encl-bench-policy-XXXXXX", err[512], why[256], name[32];
	double t, best_scan = 1e9, best_parse = 1e9, t_eval;
	struct encl_identity id = { .mode = ENCL_MODE_EDMM };
	struct encl_policy *p = NULL;
	long events = 0, size;
	unsigned i, accepted = 0;
	int r, fd = mkstemp(path);
	FILE *f;

	f = fd < 0 ? NULL : fdopen(fd, "w+");
	if (!f || write_policy(f)) {
		fprintf(stderr, "bench policy: cannot write %s\n", path);
		return 1;
	}
	size = ftell(f);
	fclose(f);

	for (r = 0; r < REPEAT; r++) {
		t = bench_now();
		events = scan_events(path);
		t = bench_now() - t;
		if (t < best_scan)
			best_scan = t;

		t = bench_now();
		p = encl_policy_parse_file(path, err, sizeof(err));
		t = bench_now() - t;
		if (t < best_parse)
			best_parse = t;
		if (!p || events < 0) {
			fprintf(stderr, "bench policy: %s\n", p ? "libyaml scan failed" : err);
			unlink(path);
			return 1;
		}
		if (r < REPEAT - 1)
			encl_policy_free(p);
	}
	unlink(path);

	/* For scale: look every service up by name and evaluate one identity against it. */
	t_eval = bench_now();
	for (i = 0; i < SERVICES; i++) {
		const struct encl_policy_service *s;

		snprintf(name, sizeof(name), "service-%u", i);
		s = encl_policy_service(p, name);
		if (s && encl_policy_eval(p, s, &id, 0, why, sizeof(why)) == ENCL_POLICY_ACCEPTED)
			accepted++;
	}
	t_eval = bench_now() - t_eval;

	printf("policy: %u services, %.1f MiB, %ld libyaml events\n", (unsigned)p->nservice,
	       size / 1048576.0, events);
	printf("libyaml event scan (baseline): %8.1f ms\n", best_scan * 1e3);
	printf("encl_policy_parse_file:        %8.1f ms  (goal < 1000 ms)\n", best_parse * 1e3);
	printf("parse / event scan           = %.2f\n", best_parse / best_scan);
	printf("lookup + eval of every service: %7.1f ms  (%u accepted, expected 0)\n",
	       t_eval * 1e3, accepted);
	encl_policy_free(p);
	return 0;
}
