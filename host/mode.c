// SPDX-License-Identifier: MIT
/*
 * The runtime's own settings: SCONE_MODE (hw, sim, auto), SCONE_EDMM_MODE
 * and SCONE_LOG, all case-insensitive, and the choice of backend. A bad
 * value is refused with a message naming the variable; nothing runs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "host/host.h"

static const char *const log_names[] = { "error", "warning", "info", "debug", "trace" };

const char *encl_log_name(enum encl_log l)
{
	return log_names[l];
}

/*
 * SCONE_LOG as SCONE scripts set it: encl's names, SCONE's names, and the
 * syslog-like numbers 0 to 7. Errors that stop the program are printed at
 * every level, so off and fatal are error; notice (5) is info.
 */
static const struct {
	const char *name;
	enum encl_log level;
} log_values[] = {
	{ "off", ENCL_LOG_ERROR }, { "fatal", ENCL_LOG_ERROR }, { "error", ENCL_LOG_ERROR },
	{ "warning", ENCL_LOG_WARNING }, { "info", ENCL_LOG_INFO },
	{ "debug", ENCL_LOG_DEBUG }, { "trace", ENCL_LOG_TRACE },
	{ "0", ENCL_LOG_ERROR }, { "1", ENCL_LOG_ERROR }, { "2", ENCL_LOG_ERROR },
	{ "3", ENCL_LOG_ERROR }, { "4", ENCL_LOG_WARNING }, { "5", ENCL_LOG_INFO },
	{ "6", ENCL_LOG_INFO }, { "7", ENCL_LOG_DEBUG },
};

void encl_host_log(const struct encl_host *h, enum encl_log level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (level > h->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "encl: %s%s\n", level == ENCL_LOG_WARNING ? "warning: " : "", msg);
}

/* @var's value, or @dflt when unset or empty. */
static const char *env_or(const char *var, const char *dflt)
{
	const char *v = getenv(var);

	return v && *v ? v : dflt;
}

/*
 * SCONE_TCS_MAX: the most TCSs the enclave runs at once, measured ones
 * included (with EDMM the rest are added at run time). Part of neither
 * identity: it only bounds the pool.
 */
static int tcs_max_setting(struct encl_host *h, char *err, size_t errlen)
{
	const char *v = getenv("SCONE_TCS_MAX");
	char *end;
	unsigned long n;

	h->tcs_max = ENCL_TCS_MAX_DEFAULT;
	if (!v || !*v)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || v[0] == '-' || n < 1 || n > ENCL_TCS_MAX_LIMIT) {
		snprintf(err, errlen, "SCONE_TCS_MAX=%s is not a number of threads: use 1 to %d "
			 "(default %d)", v, ENCL_TCS_MAX_LIMIT, ENCL_TCS_MAX_DEFAULT);
		return -1;
	}
	h->tcs_max = n;
	return 0;
}

/*
 * The exitless queues (docs/exitless.md), SCONE's names: each fixes one
 * knob of the adaptive policy; unset or auto leaves it adaptive (-1).
 */
static const struct xq_knob {
	const char *name;
	size_t field;			/* in struct encl_xq_settings */
	long min, max;
	const char *what;
} xq_knobs[] = {
	{ "SCONE_QUEUES", offsetof(struct encl_xq_settings, queues), 0, 16,
	  "a number of serving threads (0: every system call exits)" },
	{ "SCONE_SSPINS", offsetof(struct encl_xq_settings, sspins), 1, 100000000,
	  "a number of rounds a serving thread spins before it sleeps" },
	{ "SCONE_SSLEEP", offsetof(struct encl_xq_settings, ssleep), 1, 10000000,
	  "microseconds a serving thread sleeps before it looks again" },
	{ "SCONE_ESPINS", offsetof(struct encl_xq_settings, espins), 1, 100000000,
	  "a number of rounds an enclave thread spins for its result" },
	{ "SCONE_ESLEEP", offsetof(struct encl_xq_settings, esleep), 1, 10000000,
	  "microseconds an enclave thread sleeps before it looks again" },
};

static long *xq_field(struct encl_xq_settings *s, const struct xq_knob *k)
{
	return (long *)((char *)s + k->field);
}

static int xq_settings(struct encl_host *h, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(xq_knobs) / sizeof(xq_knobs[0]); i++) {
		const struct xq_knob *k = &xq_knobs[i];
		const char *v = env_or(k->name, "auto");
		char *end;
		long n;

		*xq_field(&h->xqs, k) = -1;
		if (!strcasecmp(v, "auto"))
			continue;
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || *end || n < k->min || n > k->max) {
			snprintf(err, errlen, "%s=%s is not %s: use %ld to %ld, or auto (the default: "
				 "adapt at run time)", k->name, v, k->what, k->min, k->max);
			return -1;
		}
		*xq_field(&h->xqs, k) = n;
	}
	return 0;
}

void encl_host_xq_print(const struct encl_host *h)
{
	struct encl_xq_settings s = h->xqs;

	for (size_t i = 0; i < sizeof(xq_knobs) / sizeof(xq_knobs[0]); i++) {
		long v = *xq_field(&s, &xq_knobs[i]);

		if (v < 0)
			fprintf(stderr, "%s=auto\n", xq_knobs[i].name);
		else
			fprintf(stderr, "%s=%ld\n", xq_knobs[i].name, v);
	}
}

int encl_host_settings(struct encl_host *h, char *err, size_t errlen)
{
	const char *log = env_or("SCONE_LOG", "warning");
	unsigned i;

	h->mode_env = env_or("SCONE_MODE", "auto");
	if (strcasecmp(h->mode_env, "hw") && strcasecmp(h->mode_env, "sim") &&
	    strcasecmp(h->mode_env, "auto")) {
		snprintf(err, errlen, "SCONE_MODE=%s is not a mode: use hw, sim or auto",
			 h->mode_env);
		return -1;
	}
	for (i = 0; i < sizeof(log_values) / sizeof(log_values[0]); i++)
		if (!strcasecmp(log, log_values[i].name))
			break;
	if (i == sizeof(log_values) / sizeof(log_values[0])) {
		snprintf(err, errlen, "SCONE_LOG=%s is not a log level: use off, fatal, error, "
			 "warning, info, debug, trace (any case) or 0 to 7", log);
		return -1;
	}
	h->log = log_values[i].level;

	/* Whether EDMM can be had is known only once the backend is probed. */
	h->edmm_env = env_or("SCONE_EDMM_MODE", "disable");
	if (strcasecmp(h->edmm_env, "enable") && strcasecmp(h->edmm_env, "disable") &&
	    strcasecmp(h->edmm_env, "auto")) {
		snprintf(err, errlen, "SCONE_EDMM_MODE=%s is not valid: use enable, disable or auto",
			 h->edmm_env);
		return -1;
	}
	h->edmm = 0;
	h->layout = ENCL_MODE_SGX1;
	if (xq_settings(h, err, errlen))
		return -1;
	return tcs_max_setting(h, err, errlen);
}

int encl_host_choose_backend(struct encl_host *h, char *err, size_t errlen)
{
	struct encl_caps hw;

	if (strcasecmp(h->mode_env, "sim")) {
		memset(&hw, 0, sizeof(hw));
		if (encl_backend_hw.probe(&hw) == 0 && hw.sgx1) {
			h->be = &encl_backend_hw;
			h->caps = hw;
			return 0;
		}
		if (!hw.why_not[0])
			snprintf(hw.why_not, sizeof(hw.why_not), "the SGX probe failed");
		if (!strcasecmp(h->mode_env, "hw")) {
			snprintf(err, errlen, "SCONE_MODE=hw: SGX is not usable on this machine: %s",
				 hw.why_not);
			return -1;
		}
	}
	h->be = &encl_backend_sim;
	if (h->be->probe(&h->caps)) {
		snprintf(err, errlen, "simulation mode unavailable: %s", h->caps.why_not);
		return -1;
	}
	if (!strcasecmp(h->mode_env, "sim"))
		encl_host_log(h, ENCL_LOG_WARNING,
			      "simulation mode (SCONE_MODE=sim): the enclave runs in software and nothing is protected");
	else
		encl_host_log(h, ENCL_LOG_WARNING,
			      "SGX hardware not usable (%s); running in simulation mode, nothing is protected",
			      hw.why_not);
	return 0;
}

/*
 * SCONE_EDMM_MODE against what the backend's probe found: EDMM needs the
 * CPU (SGX2: EAUG, EMODPR, EMODT, EACCEPT) and the OS (the driver's SGX2
 * ioctls and EAUG on fault). `enable` without either is refused naming the
 * missing one; `auto` takes EDMM exactly when both are there. h->edmm_why
 * keeps the reason for SCONE_VERSION=1.
 */
int encl_host_choose_edmm(struct encl_host *h, char *err, size_t errlen)
{
	const struct encl_caps *c = &h->caps;
	const char *missing = !c->sgx2 ? "the CPU has no EDMM (SGX2)" :
			      !c->os_edmm ? "the OS has no EDMM support" : NULL;

	h->edmm = 0;
	h->layout = ENCL_MODE_SGX1;
	if (!strcasecmp(h->edmm_env, "disable")) {
		snprintf(h->edmm_why, sizeof(h->edmm_why), "SCONE_EDMM_MODE=%s", h->edmm_env);
		return 0;
	}
	if (missing) {
		if (!strcasecmp(h->edmm_env, "enable")) {
			snprintf(err, errlen, "SCONE_EDMM_MODE=enable, but %s: %s; use SCONE_EDMM_MODE=auto or disable",
				 missing, c->why_not[0] ? c->why_not : "the probe says so");
			return -1;
		}
		snprintf(h->edmm_why, sizeof(h->edmm_why), "SCONE_EDMM_MODE=%s and %s: %s",
			 h->edmm_env, missing, c->why_not);
		return 0;
	}
	h->edmm = 1;
	h->layout = ENCL_MODE_EDMM;
	snprintf(h->edmm_why, sizeof(h->edmm_why), "SCONE_EDMM_MODE=%s and the CPU and the OS support it",
		 h->edmm_env);
	return 0;
}
