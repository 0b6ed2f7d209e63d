// SPDX-License-Identifier: MIT
/*
 * encl info: what an enclave executable was signed with, and whether its
 * signatures still hold: per layout, the MRENCLAVE recomputed now for the
 * signed parameters, MRSIGNER, the SIGSTRUCT fields, EINIT's signature
 * checks, and whether ENCLAVEHASH equals the recomputed MRENCLAVE.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <openssl/sha.h>

#include "image/binary.h"
#include "image/layout_build.h"
#include "image/xfrm.h"
#include "sgx/sigstruct.h"
#include "sgx/xsave.h"
#include "tools/encl/cmd.h"

static const char info_help[] =
"usage: encl info [--json] BINARY\n"
"\n"
"Show the signed parameters of an enclave executable, its XFRM and SSA\n"
"frame size, and, for each layout (sgx1, edmm), MRENCLAVE recomputed now,\n"
"MRSIGNER, the SIGSTRUCT fields, whether the signature verifies and\n"
"whether ENCLAVEHASH matches.\n"
"\n"
"  -j, --json  the same as one JSON object\n"
"  -h, --help  this text\n"
"\n"
"Exit status: 0 when every check passes, 1 when one fails (it is named),\n"
"2 for bad usage or a BINARY that cannot be read.\n";

struct layout_report {
	const struct sgx_sigstruct *ss;
	char mrenclave[2 * SGX_HASH_SIZE + 1];	/* recomputed now, or "" */
	char mrsigner[2 * SGX_HASH_SIZE + 1];
	char enclavehash[2 * SGX_HASH_SIZE + 1];
	char measure_err[256];
	char verify_err[256];
	int verified;
	int hash_matches;
};

struct report {
	const struct encl_binary *b;
	struct encl_config c;
	uint32_t ssaframesize;		/* SECS.SSAFRAMESIZE of the layouts, or 0 */
	struct encl_heap_fit heap;	/* the signed heap against the signed enclave size */
	int heap_known;
	int image_matches;
	char image_sha[2 * SGX_HASH_SIZE + 1];
	struct layout_report l[2];
};

static void check_layout(const struct encl_binary *b, const struct encl_config *c,
			 enum encl_mode mode, struct layout_report *r)
{
	uint8_t mr[SGX_HASH_SIZE], signer[SGX_HASH_SIZE];

	r->ss = encl_binary_sigstruct(b, mode);
	sgx_hex(r->ss->enclavehash, SGX_HASH_SIZE, r->enclavehash);
	sgx_sigstruct_mrsigner(r->ss, signer);
	sgx_hex(signer, SGX_HASH_SIZE, r->mrsigner);
	r->verified = !sgx_sigstruct_verify(r->ss, r->verify_err, sizeof(r->verify_err));
	if (encl_binary_mrenclave(b, c, mode, mr, r->measure_err, sizeof(r->measure_err)))
		return;
	sgx_hex(mr, SGX_HASH_SIZE, r->mrenclave);
	r->hash_matches = !memcmp(mr, r->ss->enclavehash, SGX_HASH_SIZE);
}

static void make_report(const struct encl_binary *b, struct report *r)
{
	uint8_t sha[SGX_HASH_SIZE];
	struct encl_params p;
	char why[256];

	memset(r, 0, sizeof(*r));
	r->b = b;
	encl_binary_signed_config(b, &r->c);
	/* Both layouts have the same frames; a failure shows in check_layout. */
	if (!encl_params_compute(b->elf.entry, b->elf.image_size, &r->c, ENCL_MODE_SGX1, &p,
				 why, sizeof(why)))
		r->ssaframesize = p.ssaframesize;
	r->heap_known = !encl_binary_heap_fit(b, &r->c, r->c.heap, &r->heap, why, sizeof(why));
	SHA256(b->image, b->image_len, sha);
	sgx_hex(sha, SGX_HASH_SIZE, r->image_sha);
	r->image_matches = b->image_len == b->meta.image_length &&
			   !memcmp(sha, b->meta.image_sha256, SGX_HASH_SIZE);
	check_layout(b, &r->c, ENCL_MODE_SGX1, &r->l[ENCL_MODE_SGX1]);
	check_layout(b, &r->c, ENCL_MODE_EDMM, &r->l[ENCL_MODE_EDMM]);
}

/* The first failed check, or NULL when all hold. */
static const char *report_failure(const struct report *r, char *buf, size_t len)
{
	int m;

	for (m = 0; m < 2; m++) {
		const char *name = encl_mode_name(m);

		if (!r->l[m].verified) {
			snprintf(buf, len, "%s SIGSTRUCT: %s", name, r->l[m].verify_err);
			return buf;
		}
		if (!r->l[m].hash_matches) {
			snprintf(buf, len, "%s ENCLAVEHASH does not match the layout", name);
			return buf;
		}
	}
	if (!r->image_matches) {
		snprintf(buf, len, "the enclave image changed since signing");
		return buf;
	}
	return NULL;
}

static int report_ok(const struct report *r)
{
	char buf[320];

	return !report_failure(r, buf, sizeof(buf));
}

static void print_text_layout(const struct layout_report *l, enum encl_mode mode)
{
	const struct sgx_sigstruct *ss = l->ss;

	printf("%s:\n", encl_mode_name(mode));
	if (l->mrenclave[0])
		printf("  mrenclave      %s\n", l->mrenclave);
	else
		printf("  mrenclave      (cannot compute: %s)\n", l->measure_err);
	printf("  mrsigner       %s\n", l->mrsigner);
	printf("  enclavehash    %s (%s)\n", l->enclavehash,
	       l->hash_matches ? "matches the layout" : "DOES NOT MATCH the layout");
	printf("  signature      %s%s\n", l->verified ? "valid" : "INVALID: ",
	       l->verified ? "" : l->verify_err);
	printf("  attributes     flags %#" PRIx64 " xfrm %#" PRIx64 "\n",
	       ss->attributes.flags, ss->attributes.xfrm);
	printf("  attributemask  flags %#" PRIx64 " xfrm %#" PRIx64 "\n",
	       ss->attributemask.flags, ss->attributemask.xfrm);
	printf("  miscselect     %#x (mask %#x)\n", ss->miscselect, ss->miscmask);
	printf("  isvprodid      %u\n  isvsvn         %u\n", ss->isvprodid, ss->isvsvn);
	printf("  date           %08x\n  vendor         %#x\n", ss->date, ss->vendor);
}

static void print_text(const struct report *r)
{
	const struct encl_binary *b = r->b;
	char s[5][32], names[160];

	printf("file           %s\n", b->path);
	printf("parameters     heap %s, min-heap %s, stack %s, tcs %u, enclave-size %s\n",
	       encl_size_format(r->c.heap, s[0]), encl_size_format(r->c.min_heap, s[1]),
	       encl_size_format(r->c.stack, s[2]), r->c.tcs,
	       encl_size_format(r->c.enclave_size, s[3]));
	if (r->heap_known)
		printf("heap room      SCONE_HEAP up to %s with EDMM in enclave-size %s%s\n",
		       encl_size_format(r->heap.room, s[0]), encl_size_format(r->c.enclave_size, s[1]),
		       r->heap.fits ? "" : " (the signed heap does NOT fit)");
	printf("xfrm           %s: %s\n", encl_xfrm_format(r->c.xfrm, s[4]),
	       sgx_xfrm_names(r->c.xfrm, names, sizeof(names)));
	printf("ssa frame      %u page%s: XSAVE %u bytes, EXINFO %u, GPRSGX %u\n",
	       r->ssaframesize, r->ssaframesize == 1 ? "" : "s", sgx_xsave_size(r->c.xfrm),
	       SGX_SSA_EXINFO_SIZE, SGX_SSA_GPR_SIZE);
	printf("debug          %s\n", b->meta.flags & ENCL_META_DEBUG ? "yes" : "no (production)");
	printf("c library      %s\n", b->libc[0] ? b->libc : "not recorded in this executable");
	printf("isvprodid      %u\nisvsvn         %u\n", b->meta.isvprodid, b->meta.isvsvn);
	if (r->c.cas_pinned) {
		char fp[2 * sizeof(r->c.cas_key) + 1];

		sgx_hex(r->c.cas_key, sizeof(r->c.cas_key), fp);
		printf("cas key        %s (measured: the only service it attests to)\n", fp);
	} else {
		printf("cas key        none measured (SCONE_CAS_KEY, or the service's key on trust)\n");
	}
	printf("enclave image  %zu bytes, sha256 %s (%s)\n", b->image_len, r->image_sha,
	       r->image_matches ? "as signed" : "CHANGED since signing");
	print_text_layout(&r->l[ENCL_MODE_SGX1], ENCL_MODE_SGX1);
	print_text_layout(&r->l[ENCL_MODE_EDMM], ENCL_MODE_EDMM);
}


static void print_json_layout(const struct layout_report *l)
{
	const struct sgx_sigstruct *ss = l->ss;
	char hex[2 * SGX_SIGSTRUCT_SIZE + 1];

	printf("{\"mrenclave\": ");
	encl_json_string(l->mrenclave[0] ? l->mrenclave : "");
	printf(", \"mrsigner\": \"%s\", \"enclavehash\": \"%s\", \"enclavehash_matches\": %s",
	       l->mrsigner, l->enclavehash, l->hash_matches ? "true" : "false");
	printf(", \"signature_valid\": %s, \"signature_error\": ", l->verified ? "true" : "false");
	encl_json_string(l->verified ? "" : l->verify_err);
	printf(", \"attributes\": {\"flags\": %" PRIu64 ", \"xfrm\": %" PRIu64 "}",
	       ss->attributes.flags, ss->attributes.xfrm);
	printf(", \"attributemask\": {\"flags\": \"%#" PRIx64 "\", \"xfrm\": %" PRIu64 "}",
	       ss->attributemask.flags, ss->attributemask.xfrm);
	printf(", \"miscselect\": %u, \"miscmask\": %u, \"isvprodid\": %u, \"isvsvn\": %u",
	       ss->miscselect, ss->miscmask, ss->isvprodid, ss->isvsvn);
	printf(", \"date\": \"%08x\", \"vendor\": %u", ss->date, ss->vendor);
	sgx_hex((const uint8_t *)ss, sizeof(*ss), hex);
	printf(", \"sigstruct\": \"%s\"}", hex);
}

static void print_json(const struct report *r)
{
	const struct encl_binary *b = r->b;

	printf("{\"file\": ");
	encl_json_string(b->path);
	printf(", \"parameters\": {\"heap\": %" PRIu64 ", \"min_heap\": %" PRIu64
	       ", \"stack\": %" PRIu64 ", \"tcs\": %u, \"enclave_size\": %" PRIu64
	       ", \"xfrm\": %" PRIu64 ", \"xfrm_name\": ",
	       r->c.heap, r->c.min_heap, r->c.stack, r->c.tcs, r->c.enclave_size, r->c.xfrm);
	encl_json_string(encl_xfrm_name(r->c.xfrm) ? encl_xfrm_name(r->c.xfrm) : "");
	printf(", \"heap_room\": %" PRIu64, r->heap_known ? r->heap.room : 0);
	printf("}, \"ssa\": {\"frame_pages\": %u, \"xsave_bytes\": %u}",
	       r->ssaframesize, sgx_xsave_size(r->c.xfrm));
	printf(", \"libc\": ");
	encl_json_string(b->libc);
	printf(", \"debug\": %s, \"isvprodid\": %u, \"isvsvn\": %u",
	       b->meta.flags & ENCL_META_DEBUG ? "true" : "false", b->meta.isvprodid, b->meta.isvsvn);
	printf(", \"image\": {\"length\": %zu, \"sha256\": \"%s\", \"as_signed\": %s}",
	       b->image_len, r->image_sha, r->image_matches ? "true" : "false");
	printf(", \"layouts\": {\"sgx1\": ");
	print_json_layout(&r->l[ENCL_MODE_SGX1]);
	printf(", \"edmm\": ");
	print_json_layout(&r->l[ENCL_MODE_EDMM]);
	printf("}, \"ok\": %s}\n", report_ok(r) ? "true" : "false");
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct encl_binary b;
	struct report r;
	char err[1024];
	int c, json = 0;

	while ((c = encl_getopt("info", argc, argv, "jh", opts)) != -1) {
		if (c == 'h') {
			fputs(info_help, stdout);
			return ENCL_EXIT_OK;
		}
		if (c != 'j')
			return encl_try_help("info");
		json = 1;
	}
	if (encl_operands("info", argc, argv, 1, "one BINARY"))
		return ENCL_EXIT_USAGE;
	if (encl_binary_open(&b, argv[optind], 0, err, sizeof(err))) {
		encl_error("info", "%s", err);
		return ENCL_EXIT_USAGE;
	}
	make_report(&b, &r);
	if (json)
		print_json(&r);
	else
		print_text(&r);
	fflush(stdout);
	if (report_failure(&r, err, sizeof(err))) {
		encl_error("info", "%s: check failed: %s", b.path, err);
		encl_binary_close(&b);
		return ENCL_EXIT_FAILED;
	}
	encl_binary_close(&b);
	return ENCL_EXIT_OK;
}
