/* SPDX-License-Identifier: MIT */
/*
 * Where x86-64 CPUs and kernels differ in ways the simulator depends on,
 * and the switch that forces each path on any machine, so that one CI run
 * exercises all of them: ENCL_SIM_CPU_QUIRKS, a comma-separated list.
 *
 *   enclu-ud            ENCLU arrives as #UD (SIGILL): CPUs without SGX1
 *                       in CPUID, AMD among them.
 *   enclu-gp            ENCLU arrives as #GP(0) (SIGSEGV, trap 13): Intel
 *                       CPUs with SGX disabled or hidden, and any CPU with
 *                       SGX enabled (ENCLU outside enclave mode).
 *   fsgsbase-unmanaged  RD/WR{FS,GS}BASE execute but the kernel does not
 *                       manage them (no HWCAP2_FSGSBASE): bases are written
 *                       with arch_prctl and a WRFSBASE is volatile.
 *   fxsave-frames       the kernel's signal frames carry only the FXSAVE
 *                       image (CPUs or kernels without XSAVE).
 *
 * A forced path is reached by converting what the CPU delivered into what
 * the other CPU would have delivered, at the very start of the trap, so
 * everything after it runs as it would there. The one path that cannot be
 * forced is "RD/WR{FS,GS}BASE raise #UD" on a CPU that executes them: user
 * space cannot make an instruction trap. tests/unit/test_sim_trap.c drives
 * that emulation with synthetic traps instead.
 */
#ifndef ENCL_HOST_SIM_QUIRKS_H
#define ENCL_HOST_SIM_QUIRKS_H

#include <stddef.h>

#define SIM_QUIRK_ENCLU_UD		0x1U
#define SIM_QUIRK_ENCLU_GP		0x2U
#define SIM_QUIRK_FSGSBASE_UNMANAGED	0x4U
#define SIM_QUIRK_FXSAVE_FRAMES		0x8U

/*
 * ENCL_SIM_CPU_QUIRKS as SIM_QUIRK_* bits. -1 with a message
 * naming the bad entry and the accepted ones.
 */
int sim_quirks_get(unsigned *quirks, char *err, size_t errlen);

#endif
