// SPDX-License-Identifier: MIT
/*
 * Size strings and the SCONE_* configuration (image/config.c). The input is
 * lines "KEY=VALUE" given to encl_config_set in order, then the result is
 * finished and its sizes formatted, as `encl` and the runtime do.
 */
#include <stdlib.h>
#include <string.h>

#include "image/config.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256], fmt[32], *text, *line, *save, *eq;
	struct encl_config c;
	uint64_t v;
	uint32_t n;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	encl_config_default(&c);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		encl_size_parse("SIZE", line, &v, err, sizeof(err));
		encl_count_parse("COUNT", line, &n, err, sizeof(err));
		eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		encl_config_set(&c, line, eq + 1, line, err, sizeof(err));
	}
	if (!encl_config_finish(&c, err, sizeof(err))) {
		encl_size_format(c.heap, fmt);
		encl_size_format(c.min_heap, fmt);
		encl_size_format(c.stack, fmt);
		encl_size_format(c.enclave_size, fmt);
	}
	free(text);
	return 0;
}
