// SPDX-License-Identifier: MIT
/*
 * The simulated CPU and kernel: what ENCL_SIM_CPU, ENCL_SIM_KERNEL and
 * ENCL_SIM_XCR0 choose (struct sim_features), and the backend's probe on
 * them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/sim/cpu.h"
#include "host/sim/driver.h"
#include "host/sim/quirks.h"
#include "host/sim/sim.h"
#include "sgx/cpuid.h"
#include "sgx/xsave.h"

static int feature_env(const char *name, const char *yes, const char *no, int *value,
		       char *err, size_t errlen)
{
	const char *v = getenv(name);

	if (!v || !*v || !strcmp(v, yes)) {
		*value = 1;
	} else if (!strcmp(v, no)) {
		*value = 0;
	} else {
		snprintf(err, errlen, "%s: invalid value '%s' (expected %s or %s)", name, v, yes, no);
		return -1;
	}
	return 0;
}

/*
 * The simulated XCR0: the real one, or ENCL_SIM_XCR0, a test facility that
 * may only take state away (the enclave's instructions run on this CPU,
 * whose XCR0 the sim cannot change).
 */
static int xcr0_env(uint64_t *xcr0, char *err, size_t errlen)
{
	const char *v = getenv("ENCL_SIM_XCR0"), *why;
	uint64_t real = sgx_xcr0_native(), x;
	char *end;

	*xcr0 = real;
	if (!v || !*v)
		return 0;
	errno = 0;
	x = strtoull(v, &end, 0);
	/* strtoull alone would take blanks and a sign. */
	if (v[0] < '0' || v[0] > '9' || errno || *end)
		why = "not a number";
	else if (x & ~real)
		why = "it enables state this CPU's XCR0 does not";
	else if (!sgx_xfrm_check(x, &why)) {
		*xcr0 = x;
		return 0;
	}
	snprintf(err, errlen, "ENCL_SIM_XCR0: invalid value '%s': %s (expected a part of this CPU's XCR0 0x%llx with x87 and SSE, such as 0x3)",
		 v, why, (unsigned long long)real);
	return -1;
}

int sim_features_get(struct sim_features *f, char *err, size_t errlen)
{
	unsigned quirks;

	if (feature_env("ENCL_SIM_CPU", "sgx2", "sgx1", &f->sgx2, err, errlen) ||
	    feature_env("ENCL_SIM_KERNEL", "edmm", "no-edmm", &f->os_edmm, err, errlen) ||
	    xcr0_env(&f->xcr0, err, errlen) || sim_quirks_get(&quirks, err, errlen))
		return -1;
	/* Signal frames without XSAVE state: a CPU or kernel with x87 and SSE only. */
	if (quirks & SIM_QUIRK_FXSAVE_FRAMES)
		f->xcr0 &= SGX_XFRM_LEGACY;
	/* EXINFO came with the SGX2 generation of CPUs. */
	f->exinfo = f->sgx2;
	return 0;
}

int sim_probe(struct encl_caps *caps)
{
	struct sim_features f;

	memset(caps, 0, sizeof(*caps));
	if (sim_features_get(&f, caps->why_not, sizeof(caps->why_not)) ||
	    sim_cpu_dispatch_check(caps->why_not, sizeof(caps->why_not)))
		return -1;
	caps->sgx1 = 1;
	caps->sgx2 = f.sgx2;
	caps->exinfo = f.exinfo;
	caps->os_edmm = f.os_edmm;
	caps->xfrm = f.xcr0;
	if (!f.sgx2)
		snprintf(caps->why_not, sizeof(caps->why_not),
			 "the simulated CPU has no SGX2 (ENCL_SIM_CPU=sgx1)");
	else if (!f.os_edmm)
		snprintf(caps->why_not, sizeof(caps->why_not),
			 "the simulated kernel has no SGX2 support (ENCL_SIM_KERNEL=no-edmm)");
	return 0;
}
