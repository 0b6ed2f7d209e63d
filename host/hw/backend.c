// SPDX-License-Identifier: MIT
/* The hardware backend: /dev/sgx_enclave and the vDSO. */
#include "host/hw/hw.h"

const struct encl_backend encl_backend_hw = {
	.name			= "hw",
	.probe			= hw_probe,
	.create			= hw_create,
	.add_pages		= hw_add_pages,
	.init			= hw_init,
	.map			= hw_map,
	.restrict_permissions	= hw_restrict_permissions,
	.modify_types		= hw_modify_types,
	.remove_pages		= hw_remove_pages,
	.enter			= hw_enter,
	.catch_signals		= hw_catch_signals,
	.destroy		= hw_destroy,
};
