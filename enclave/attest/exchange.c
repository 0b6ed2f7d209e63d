// SPDX-License-Identifier: MIT
/*
 * Attestation before main() (docs/attestation.md): HELLO -> CHALLENGE,
 * the key pair and the REPORT, the quote, EVIDENCE -> CONFIG, and the
 * configuration in place of the host's argv and environment. The host
 * relays every frame (ENCL_OCALL_CAS) and makes the quote
 * (ENCL_OCALL_QUOTE); each of its answers is copied into enclave memory
 * once, its size checked first, and judged there. Any failure ends the
 * start with one line naming the reason (exit status 125).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "abi/boundary.h"
#include "enclave/attest/attest.h"
#include "enclave/core/runtime.h"
#include "enclave/emm/heap.h"
#include "enclave/shield/ocall.h"
#include "sgx/arch.h"
#include "sgx/hex.h"

#define REFUSAL_MAX	300	/* of the service's ERROR text, in the fatal line */
#define AUXV_MAX	64	/* pairs copied from the host's start (start.c makes 14) */

static const char *config_id;	/* from the copied environment */

static int rng(void *ctx, unsigned char *out, size_t len)
{
	(void)ctx;
	encl_random(out, len);		/* fatal when RDRAND keeps failing */
	return 0;
}

/* The service's ERROR text, printable bytes only, in the fatal line. */
static void refused(const uint8_t *text, uint64_t len)
{
	char msg[REFUSAL_MAX + 1];
	uint64_t n = len < REFUSAL_MAX ? len : REFUSAL_MAX;

	for (uint64_t i = 0; i < n; i++)
		msg[i] = text[i] >= 0x20 && text[i] != 0x7f ? (char)text[i] : '?';
	msg[n] = 0;
	encl_fatal("attestation: the service refused: %s", msg);
}

static void free_copy(uint8_t *p, uint64_t len)
{
	mbedtls_platform_zeroize(p, len);
	heap_munmap((uint64_t)(uintptr_t)p, len);
}

/*
 * One request and its answer through the host. Returns the answer's body,
 * copied into the enclave (free_copy() it), *@len its size; an ERROR
 * answer or one of another type than @want is fatal.
 */
static uint8_t *cas_call(uint16_t type, const void *body, uint64_t body_len, uint16_t want,
			 uint64_t *len)
{
	volatile uint32_t *ans_type;
	uint64_t room;
	uint8_t *ans, *copy;
	uint32_t t;
	int64_t r;

	ocall_reset();
	body = ocall_copy_in(body, body_len);
	ans_type = ocall_alloc(sizeof(*ans_type));
	room = ocall_fit(ENCL_CAS_FRAME_MAX);
	ans = ocall_alloc(room);
	r = ocall6(ENCL_OCALL_CAS, type, HP(body), body_len, HP(ans), room, HP(ans_type));
	t = *ans_type;
	if (r < 0)
		encl_fatal("attestation: the service at SCONE_CAS_ADDR is unreachable (error %ld): "
			   "is `encl cas serve` listening there?", (long)-r);
	if ((uint64_t)r > room || (uint64_t)r > ENCL_CAS_FRAME_MAX)
		encl_fatal("attestation: the host reports an answer of %ld bytes, more than the "
			   "%lu it had room for", (long)r, (unsigned long)room);
	copy = encl_early_alloc(r ? (uint64_t)r : 1);
	memcpy(copy, ans, (uint64_t)r);
	ocall_reset();
	if (t == ENCL_CAS_ERROR)
		refused(copy, (uint64_t)r);
	if (t != want)
		encl_fatal("attestation: the service answered with frame type %u, not %u",
			   (unsigned)t, (unsigned)want);
	*len = (uint64_t)r;
	return copy;
}

static void hello(struct encl_cas_challenge *ch)
{
	uint64_t len;
	uint8_t *ans = cas_call(ENCL_CAS_ATTEST_HELLO, config_id, strlen(config_id),
				ENCL_CAS_ATTEST_CHALLENGE, &len);

	if (len != sizeof(*ch))
		encl_fatal("attestation: the service's challenge is %lu bytes, not %lu",
			   (unsigned long)len, (unsigned long)sizeof(*ch));
	memcpy(ch, ans, sizeof(*ch));
	free_copy(ans, len);
	for (unsigned i = 0; i < sizeof(ch->reserved); i++)
		if (ch->reserved[i])
			encl_fatal("attestation: the service's challenge has reserved bytes set");
}

static void quote_fatal(int64_t r, const char *what)
{
	if (r == -ENOSYS)
		encl_fatal("attestation: hardware attestation needs an ECDSA (DCAP) quote provider, "
			   "which encl does not ship: docs/attestation.md");
	encl_fatal("attestation: the host could not %s (error %ld)", what, (long)-r);
}

/* The quote of a REPORT for @rd, in enclave memory; *@len its size. */
static uint8_t *quote(const uint8_t rd[64], uint64_t *len)
{
	static struct sgx_targetinfo ti;
	static struct sgx_report report;
	uint64_t room;
	uint8_t *area, *copy;
	int64_t r;

	ocall_reset();
	area = ocall_alloc(sizeof(ti));
	r = ocall2(ENCL_OCALL_QUOTE, ENCL_QUOTE_OP_TARGET, HP(area));
	if (r < 0)
		quote_fatal(r, "give the quoting enclave's TARGETINFO");
	memcpy(&ti, area, sizeof(ti));
	attest_report(&ti, rd, &report);

	ocall_reset();
	area = ocall_copy_in(&report, sizeof(report));
	room = ocall_fit(ENCL_CAS_FRAME_MAX - sizeof(struct encl_cas_evidence));
	copy = ocall_alloc(room);
	r = ocall4(ENCL_OCALL_QUOTE, ENCL_QUOTE_OP_QUOTE, HP(area), HP(copy), room);
	if (r < 0)
		quote_fatal(r, "quote the REPORT");
	if (r == 0 || (uint64_t)r > room)
		encl_fatal("attestation: the host reports a quote of %ld bytes (room: %lu)",
			   (long)r, (unsigned long)room);
	area = copy;
	copy = encl_early_alloc((uint64_t)r);
	memcpy(copy, area, (uint64_t)r);
	ocall_reset();
	*len = (uint64_t)r;
	return copy;
}

static const char *env_get(char **envp, const char *name)
{
	size_t n = strlen(name);

	for (; *envp; envp++)
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/*
 * The pin in force: the measured one (abi/params.h), else SCONE_CAS_KEY,
 * else none (NULL), with the warning the docs promise.
 */
static const uint8_t *choose_pin(const char *env_key, uint8_t env_pin[ENCL_CAS_FP_SIZE])
{
	const struct encl_params *p = encl_rt.params;
	int measured = !!(p->flags & ENCL_PARAMS_CAS_PINNED);

	if (env_key) {
		if (sgx_unhex(env_key, env_pin, ENCL_CAS_FP_SIZE))
			encl_fatal("attestation: SCONE_CAS_KEY='%s' is not a fingerprint: give 64 "
				   "hex digits, what `encl cas serve` prints", env_key);
		if (measured && memcmp(env_pin, p->cas_key, ENCL_CAS_FP_SIZE))
			encl_fatal("attestation: SCONE_CAS_KEY=%s differs from the service key "
				   "measured into this enclave (encl info shows it): unset it", env_key);
	}
	if (measured)
		return p->cas_key;
	if (env_key)
		return env_pin;
	encl_log(ENCL_LOG_WARNING, "attestation: no service key pinned: the service's key is "
		 "taken on trust (set SCONE_CAS_KEY, or sign with encl sign --cas-key)");
	return NULL;
}

static void check_config_id(const char *id)
{
	const char *slash = strchr(id, '/');
	size_t n = strlen(id);

	if (n >= ENCL_CAS_CONFIG_ID_MAX || !slash || slash == id || !slash[1] || strchr(slash + 1, '/'))
		encl_fatal("attestation: SCONE_CONFIG_ID='%s' is not session/service (at most %d "
			   "bytes)", id, ENCL_CAS_CONFIG_ID_MAX - 1);
}

/* argv, NULL, envp, NULL from the configuration, then @old's auxv, unchanged. */
static char **rebuild(char **old, const uint8_t *plain, const struct attest_config *c)
{
	uint64_t *aux = (uint64_t *)(old + encl_vector_count(old) + 1), naux = 0;
	uint64_t nvec = (uint64_t)c->argc + 1 + c->envc + 1;
	char **vec;

	aux = (uint64_t *)((char **)aux + encl_vector_count((char **)aux) + 1);
	while (naux < AUXV_MAX && aux[2 * naux])
		naux++;
	naux++;			/* AT_NULL */
	vec = encl_early_alloc((nvec + 2 * naux) * sizeof(uint64_t) + c->bytes);
	attest_config_fill(plain, c, vec, (char *)(vec + nvec + 2 * naux));
	memcpy(vec + nvec, aux, 2 * naux * sizeof(uint64_t));
	return vec;
}

char **encl_attest(char **argv)
{
	char **envp = argv + encl_vector_count(argv) + 1;
	const char *env_key = env_get(envp, "SCONE_CAS_KEY");
	uint8_t env_pin[ENCL_CAS_FP_SIZE], fp[ENCL_CAS_FP_SIZE], rd[64];
	static struct encl_cas_challenge ch;
	struct encl_cas_evidence *ev;
	struct attest_key key;
	struct attest_expect e;
	struct attest_config c;
	uint64_t qlen, alen, plen;
	uint8_t *q, *ans, *plain;
	const uint8_t *pin;
	const char *why;
	char **vec;

	void *arena;

	config_id = env_get(envp, "SCONE_CONFIG_ID");
	if (!config_id) {
		if (encl_rt.params->flags & ENCL_PARAMS_CAS_PINNED)
			encl_fatal("attestation: this enclave is signed with a measured service key "
				   "(encl sign --cas-key) and takes its configuration only from that "
				   "service: set SCONE_CONFIG_ID=session/service and SCONE_CAS_ADDR");
		return argv;
	}
	check_config_id(config_id);
	pin = choose_pin(env_key, env_pin);
	arena = encl_early_alloc(ATTEST_ARENA_SIZE);
	attest_arena_begin(arena, ATTEST_ARENA_SIZE);

	hello(&ch);
	/* No evidence goes to a service that is not the pinned one. */
	if (pin) {
		why = attest_fingerprint(ch.service_key, fp);
		if (!why && memcmp(fp, pin, ENCL_CAS_FP_SIZE)) {
			char hex[2 * ENCL_CAS_FP_SIZE + 1];

			sgx_hex(fp, ENCL_CAS_FP_SIZE, hex);
			encl_fatal("attestation: wrong key: the service's key is not the pinned one "
				   "(service key %s)", hex);
		}
		if (why)
			encl_fatal("attestation: %s", why);
	}
	why = attest_keygen(&key, rng, NULL);
	if (why)
		encl_fatal("attestation: %s", why);
	attest_reportdata(ch.nonce, key.pub, rd);
	q = quote(rd, &qlen);

	ev = encl_early_alloc(sizeof(*ev) + qlen);
	memset(ev, 0, sizeof(*ev));
	memcpy(ev->nonce, ch.nonce, sizeof(ev->nonce));
	memcpy(ev->enclave_key, key.pub, sizeof(ev->enclave_key));
	ev->quote_size = (uint32_t)qlen;
	memcpy(ev->config_id, config_id, strlen(config_id));
	memcpy(ev + 1, q, qlen);
	free_copy(q, qlen);
	ans = cas_call(ENCL_CAS_ATTEST_EVIDENCE, ev, sizeof(*ev) + qlen, ENCL_CAS_ATTEST_CONFIG,
		       &alen);
	free_copy((uint8_t *)ev, sizeof(*ev) + qlen);

	e = (struct attest_expect){ .nonce = ch.nonce, .enclave_key = key.pub,
				    .service_key = ch.service_key, .config_id = config_id,
				    .pin = pin };
	memset(fp, 0, sizeof(fp));
	why = attest_verify(ans, alen, &e, fp);
	if (why) {
		static const uint8_t none[ENCL_CAS_FP_SIZE];
		char hex[2 * ENCL_CAS_FP_SIZE + 1];

		if (!memcmp(fp, none, sizeof(fp)))	/* refused before the key was read */
			encl_fatal("attestation: %s", why);
		sgx_hex(fp, ENCL_CAS_FP_SIZE, hex);
		encl_fatal("attestation: %s (service key %s)", why, hex);
	}
	plain = encl_early_alloc(ENCL_CAS_CONFIG_MAX);
	why = attest_decrypt(ans, alen, &key, rng, NULL, plain, &plen);
	attest_key_wipe(&key);
	free_copy(ans, alen);
	if (!why)
		why = attest_config_parse(plain, plen, &c);
	if (why) {
		free_copy(plain, ENCL_CAS_CONFIG_MAX);
		encl_fatal("attestation: %s", why);
	}
	vec = rebuild(argv, plain, &c);
	free_copy(plain, ENCL_CAS_CONFIG_MAX);
	attest_arena_end();
	heap_munmap((uint64_t)(uintptr_t)arena, ATTEST_ARENA_SIZE);
	return vec;
}
