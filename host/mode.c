// SPDX-License-Identifier: MIT
/*
 * The runtime's own settings: SCONE_MODE (hw, sim, auto), SCONE_EDMM_MODE
 * and SCONE_LOG, all case-insensitive, and the choice of backend. A bad
 * value is refused with a message naming the variable; nothing runs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "host/host.h"

static const char *const log_names[] = { "error", "warning", "info", "debug" };

const char *encl_log_name(enum encl_log l)
{
	return log_names[l];
}

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
	for (i = 0; i < 4; i++)
		if (!strcasecmp(log, log_names[i]))
			break;
	if (i == 4) {
		snprintf(err, errlen, "SCONE_LOG=%s is not a log level: use error, warning, info or debug",
			 log);
		return -1;
	}
	h->log = (enum encl_log)i;

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
	return 0;
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
