// SPDX-License-Identifier: MIT
/*
 * encl detect: what this machine can run. The CPU from CPUID, the kernel
 * from uname, the device nodes and the SGX2 ioctls, and from those which
 * modes would start: hw (the driver), hw+EDMM, sim.
 *
 * The answers come from the backends' own probes, so detect and the
 * runtime cannot disagree: hw and hw+EDMM from the hw backend's, sim and
 * sim+EDMM from the simulator's (Syscall User Dispatch, and the simulated
 * CPU and kernel that ENCL_SIM_CPU and ENCL_SIM_KERNEL choose).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "host/backend.h"
#include "sgx/cpuid.h"
#include "tools/encl/cmd.h"

static const char detect_help[] =
	"usage: encl detect [--json]\n"
	"\n"
	"Show what this machine supports for enclaves: the CPU (vendor, SGX1, SGX2,\n"
	"flexible launch control, EXINFO, EPC size), the kernel (release,\n"
	"/dev/sgx_enclave, /dev/sgx_provision, the EDMM ioctls, the vDSO entry) and\n"
	"which modes would run: hw, hw+EDMM, sim and sim+EDMM.\n"
	"\n"
	"  --json      the same as one JSON object\n"
	"  -h, --help  this text\n"
	"\n"
	"Exit status: 0 (the report is the result), 2 for bad usage.\n";

struct mode {
	int ok;
	char why[200];
};

struct report {
	struct encl_hw_facts hwf;
	struct utsname uts;
	int edmm_ioctls;		/* 1 yes, 0 no, -1 not checked */
	struct encl_caps sim_caps;
	struct mode hw, hw_edmm, sim, sim_edmm;
};

static void gather(struct report *r)
{
	const struct encl_caps *caps = &r->hwf.caps;

	memset(r, 0, sizeof(*r));
	encl_hw_describe(&r->hwf);
	if (uname(&r->uts) != 0)
		strcpy(r->uts.release, "unknown");
	r->edmm_ioctls = caps->sgx1 ? caps->os_edmm : -1;

	r->hw.ok = caps->sgx1;
	if (!r->hw.ok)
		snprintf(r->hw.why, sizeof(r->hw.why), "%s", caps->why_not);
	r->hw_edmm.ok = caps->sgx1 && caps->sgx2 && caps->os_edmm;
	if (!r->hw_edmm.ok)
		snprintf(r->hw_edmm.why, sizeof(r->hw_edmm.why), "%s", caps->why_not);

	r->sim.ok = encl_backend_sim.probe(&r->sim_caps) == 0 && r->sim_caps.sgx1;
	if (!r->sim.ok)
		snprintf(r->sim.why, sizeof(r->sim.why), "%s", r->sim_caps.why_not);
	r->sim_edmm.ok = r->sim.ok && r->sim_caps.sgx2 && r->sim_caps.os_edmm;
	if (!r->sim_edmm.ok)
		snprintf(r->sim_edmm.why, sizeof(r->sim_edmm.why), "%s", r->sim_caps.why_not);
}

static const char *yes_no(int v)
{
	return v ? "yes" : "no";
}

static void print_text(const struct report *r)
{
	const struct sgx_cpu_info *c = &r->hwf.cpu;

	if (!c->intel)
		printf("This CPU is not an Intel CPU (%s): it has no SGX. Only sim mode can run here.\n\n",
		       c->vendor);
	else if (!c->sgx)
		printf("This Intel CPU reports no SGX (absent, or disabled in the BIOS). "
		       "Only sim mode can run here.\n\n");

	printf("CPU\n");
	printf("  vendor              %s\n", c->vendor);
	printf("  SGX                 %s\n", yes_no(c->sgx));
	printf("  SGX1                %s\n", yes_no(c->sgx1));
	printf("  SGX2 (EDMM)         %s\n", yes_no(c->sgx2));
	printf("  FLC (launch ctrl)   %s\n", yes_no(c->flc));
	printf("  EXINFO              %s\n", yes_no(c->exinfo));
	if (c->sgx1 && c->epc_sections)
		printf("  EPC                 %llu MiB in %u section%s\n",
		       (unsigned long long)(c->epc_size >> 20), c->epc_sections,
		       c->epc_sections == 1 ? "" : "s");
	else
		printf("  EPC                 -\n");
	if (c->sgx1)
		printf("  max enclave size    2^%u bytes\n", c->max_size_log2_64);

	printf("kernel\n");
	printf("  release             %s\n", r->uts.release);
	printf("  /dev/sgx_enclave    %s\n", r->hwf.dev_enclave);
	printf("  /dev/sgx_provision  %s\n", r->hwf.dev_provision);
	printf("  EDMM ioctls         %s\n", r->edmm_ioctls < 0 ? "not checked (no usable SGX)" :
	       r->edmm_ioctls ? "yes" : "no");
	printf("  vDSO SGX entry      %s\n", r->hwf.vdso_entry ? "present" : "absent");

	printf("modes\n");
	printf("  hw                  %s%s%s\n", r->hw.ok ? "available" : "unavailable",
	       r->hw.ok ? "" : ": ", r->hw.why);
	printf("  hw+EDMM             %s%s%s\n", r->hw_edmm.ok ? "available" : "unavailable",
	       r->hw_edmm.ok ? "" : ": ", r->hw_edmm.why);
	printf("  sim                 %s%s%s\n", r->sim.ok ? "available" : "unavailable",
	       r->sim.ok ? "" : ": ", r->sim.why);
	printf("  sim+EDMM            %s%s%s\n", r->sim_edmm.ok ? "available" : "unavailable",
	       r->sim_edmm.ok ? "" : ": ", r->sim_edmm.why);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static const char *jb(int v)
{
	return v ? "true" : "false";
}

static void json_mode(const char *name, const struct mode *m, int last)
{
	printf("    ");
	json_str(name);
	printf(": {\"available\": %s, \"reason\": ", jb(m->ok));
	if (m->ok)
		printf("null");
	else
		json_str(m->why);
	printf("}%s\n", last ? "" : ",");
}

static void print_json(const struct report *r)
{
	const struct sgx_cpu_info *c = &r->hwf.cpu;

	printf("{\n  \"cpu\": {\n    \"vendor\": ");
	json_str(c->vendor);
	printf(",\n    \"intel\": %s,\n    \"sgx\": %s,\n    \"sgx1\": %s,\n    \"sgx2\": %s,\n"
	       "    \"flc\": %s,\n    \"exinfo\": %s,\n",
	       jb(c->intel), jb(c->sgx), jb(c->sgx1), jb(c->sgx2), jb(c->flc), jb(c->exinfo));
	if (c->sgx1)
		printf("    \"epc_bytes\": %llu,\n    \"epc_sections\": %u,\n"
		       "    \"max_enclave_size_log2\": %u,\n",
		       (unsigned long long)c->epc_size, c->epc_sections, c->max_size_log2_64);
	else
		printf("    \"epc_bytes\": null,\n    \"epc_sections\": 0,\n"
		       "    \"max_enclave_size_log2\": null,\n");
	printf("    \"reason\": ");
	if (r->hwf.cpu_why)
		json_str(r->hwf.cpu_why);
	else
		printf("null");
	printf("\n  },\n  \"kernel\": {\n    \"release\": ");
	json_str(r->uts.release);
	printf(",\n    \"sgx_enclave\": ");
	json_str(r->hwf.dev_enclave);
	printf(",\n    \"sgx_provision\": ");
	json_str(r->hwf.dev_provision);
	printf(",\n    \"edmm_ioctls\": %s,\n    \"vdso_sgx_enter_enclave\": %s\n  },\n",
	       r->edmm_ioctls < 0 ? "null" : jb(r->edmm_ioctls), jb(r->hwf.vdso_entry));
	printf("  \"modes\": {\n");
	json_mode("hw", &r->hw, 0);
	json_mode("hw+edmm", &r->hw_edmm, 0);
	json_mode("sim", &r->sim, 0);
	json_mode("sim+edmm", &r->sim_edmm, 1);
	printf("  }\n}\n");
}

int cmd_detect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report r;
	int c, json = 0;

	while ((c = encl_getopt("detect", argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(detect_help, stdout);
			return ENCL_EXIT_OK;
		default:
			return encl_try_help("detect");
		}
	}
	if (optind != argc)
		return encl_usage("detect", "unexpected argument '%s'", argv[optind]);
	gather(&r);
	if (json)
		print_json(&r);
	else
		print_text(&r);
	return ENCL_EXIT_OK;
}
