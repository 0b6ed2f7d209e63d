// SPDX-License-Identifier: MIT
/* ENCL_SIM_CPU_QUIRKS: see quirks.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/sim/quirks.h"

static const struct {
	const char *name;
	unsigned bit;
} quirk_names[] = {
	{ "enclu-ud", SIM_QUIRK_ENCLU_UD },
	{ "enclu-gp", SIM_QUIRK_ENCLU_GP },
	{ "fsgsbase-unmanaged", SIM_QUIRK_FSGSBASE_UNMANAGED },
	{ "fxsave-frames", SIM_QUIRK_FXSAVE_FRAMES },
};

#define NQUIRKS (sizeof(quirk_names) / sizeof(quirk_names[0]))

static int unknown(const char *s, size_t n, char *err, size_t errlen)
{
	int len = snprintf(err, errlen, "ENCL_SIM_CPU_QUIRKS: unknown quirk '%.*s' (known:",
			   (int)n, s);

	for (size_t i = 0; i < NQUIRKS && len > 0 && (size_t)len < errlen; i++)
		len += snprintf(err + len, errlen - len, " %s", quirk_names[i].name);
	if (len > 0 && (size_t)len < errlen)
		snprintf(err + len, errlen - len, ")");
	return -1;
}

static int parse(const char *s, unsigned *out, char *err, size_t errlen)
{
	unsigned q = 0;

	while (*s) {
		size_t n = strcspn(s, ","), i;

		for (i = 0; i < NQUIRKS; i++)
			if (strlen(quirk_names[i].name) == n && !strncmp(s, quirk_names[i].name, n))
				break;
		if (i == NQUIRKS)
			return unknown(s, n, err, errlen);
		q |= quirk_names[i].bit;
		s += n + (s[n] == ',');
	}
	if ((q & SIM_QUIRK_ENCLU_UD) && (q & SIM_QUIRK_ENCLU_GP)) {
		snprintf(err, errlen, "ENCL_SIM_CPU_QUIRKS: enclu-ud and enclu-gp exclude each other");
		return -1;
	}
	*out = q;
	return 0;
}

int sim_quirks_get(unsigned *quirks, char *err, size_t errlen)
{
	const char *v = getenv("ENCL_SIM_CPU_QUIRKS");

	*quirks = 0;
	return v ? parse(v, quirks, err, errlen) : 0;
}
