// SPDX-License-Identifier: MIT
/*
 * Session policy YAML (policy/parse.c) and its evaluation (policy/eval.c),
 * through the public API only: every service a policy names is evaluated
 * against identities that match and miss its first MRENCLAVE or MRSIGNER.
 */
#include <string.h>

#include "image/identity.h"
#include "policy/policy.h"
#include "tests/fuzz/fuzz.h"

/* An identity taken from the first leaf found, so that evaluation can also accept. */
static void identity_from(const struct encl_policy_node *n, struct encl_identity *id)
{
	switch (n->type) {
	case ENCL_POLICY_ANY:
	case ENCL_POLICY_ALL:
		identity_from(&n->list.child[0], id);
		break;
	case ENCL_POLICY_MRENCLAVE:
		memcpy(id->mrenclave, n->mrenclave.hash[0].v, SGX_HASH_SIZE);
		break;
	case ENCL_POLICY_SIGNER:
		memcpy(id->mrsigner, n->signer.mrsigner, SGX_HASH_SIZE);
		id->isvprodid = n->signer.isvprodid;
		id->isvsvn = n->signer.has_isvsvn ? n->signer.isvsvn : n->signer.isvsvn_min;
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct encl_identity id[2];
	struct encl_policy *p;
	char err[512];

	if (size > FUZZ_MAX_INPUT)
		return 0;
	p = encl_policy_parse_string("fuzz.yaml", (const char *)data, size, err, sizeof(err));
	if (!p)
		return 0;
	for (size_t i = 0; i < p->nservice; i++) {
		const struct encl_policy_service *s = &p->service[i];

		if (encl_policy_service(p, s->name) == NULL)
			__builtin_trap();	/* a service the policy lists must be found by name */
		memset(id, 0, sizeof(id));
		identity_from(&s->attestation, &id[0]);
		id[1].mode = ENCL_MODE_EDMM;
		id[1].debug = 1;
		for (int j = 0; j < 2; j++)
			for (unsigned flags = 0; flags <= ENCL_POLICY_NO_SIGNER; flags++)
				encl_policy_eval(p, s, &id[j], flags, err, sizeof(err));
	}
	encl_policy_free(p);
	return 0;
}
