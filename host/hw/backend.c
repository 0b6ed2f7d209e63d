// SPDX-License-Identifier: MIT
/* The hardware backend: /dev/sgx_enclave and the vDSO. */
#include "host/hw/sgx.h"

const struct encl_backend encl_backend_sgx = {
	.name			= "sgx",
	.probe			= sgx_probe,
	.create			= sgx_create,
	.add_pages		= sgx_add_pages,
	.init			= sgx_init,
	.map			= sgx_map,
	.restrict_permissions	= sgx_restrict_permissions,
	.modify_types		= sgx_modify_types,
	.remove_pages		= sgx_remove_pages,
	.enter			= sgx_enter,
	.destroy		= sgx_destroy,
};
