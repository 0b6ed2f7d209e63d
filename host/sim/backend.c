// SPDX-License-Identifier: MIT
/*
 * The "sim" backend: a software SGX that fails wherever hardware would.
 * sim.h says which file holds which part.
 */
#include "host/sim/driver.h"
#include "host/sim/quote.h"

const struct encl_backend encl_backend_sim = {
	.name			= "sim",
	.probe			= sim_probe,
	.create			= sim_create,
	.add_pages		= sim_add_pages,
	.init			= sim_init,
	.map			= sim_map,
	.restrict_permissions	= sim_restrict_permissions,
	.modify_types		= sim_modify_types,
	.remove_pages		= sim_remove_pages,
	.enter			= sim_enter,
	.catch_signals		= sim_catch_signals,
	.destroy		= sim_destroy,
	.quote_target		= sim_quote_target,
	.quote			= sim_quote,
};
