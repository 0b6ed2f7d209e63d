#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# XFRM end to end: --xfrm in encl-cc and encl sign, the register check at
# signing, XFRM and the SSA frame in encl info, re-signing, corrupt notes,
# the start-up check (ENCL_SIM_XCR0), and the code encl-cc links without a
# note (docs/executables.md, "XFRM").
. "$(dirname "$0")/lib.sh"
require_enclave_toolchain

export XDG_CONFIG_HOME=$TMP/config
unset ENCL_KEY SCONE_HEAP SCONE_MIN_HEAP SCONE_STACK SCONE_TCS SCONE_HASH SCONE_EDMM_HASH \
      SCONE_MODE SCONE_EDMM_MODE ENCL_SIM_CPU ENCL_SIM_KERNEL ENCL_SIM_XCR0
cd "$TMP"

# A sum over 256-bit integer vectors: YMM registers throughout.
cat > avx2.c <<'EOF'
#include <immintrin.h>
#include <stdio.h>

__attribute__((noinline)) static int sum(const int *a, int n)
{
	__m256i s = _mm256_setzero_si256();
	int t[8], r = 0;

	for (int i = 0; i + 8 <= n; i += 8)
		s = _mm256_add_epi32(s, _mm256_loadu_si256((const __m256i *)(a + i)));
	_mm256_storeu_si256((__m256i *)t, s);
	for (int i = 0; i < 8; i++)
		r += t[i];
	return r;
}

int main(void)
{
	int a[64];

	for (int i = 0; i < 64; i++)
		a[i] = i + 1;
	printf("avx2 sum %d\n", sum(a, 64));
	return sum(a, 64) != 2080;
}
EOF
# A YMM register live across a system call, which the kernel (and so the
# runtime's system-call path) must keep.
cat > ymm_syscall.c <<'EOF'
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	uint64_t in = 0x1122334455667788ULL, out;
	long pid;

	__asm__ volatile("vbroadcastsd %[in], %%ymm8\n\t"
			 "mov $39, %%eax\n\t"		/* getpid */
			 "syscall\n\t"
			 "vextractf128 $1, %%ymm8, %%xmm9\n\t"
			 "vmovq %%xmm9, %[out]"
			 : [out] "=m"(out), "=a"(pid)
			 : [in] "m"(in)
			 : "rcx", "r11", "xmm8", "xmm9", "memory");
	printf("ymm8 across a system call: %s\n", out == in && pid > 0 ? "kept" : "lost");
	return out != in;
}
EOF
# Scalar double arithmetic in VEX encoding only: no YMM register is named.
cat > vex.c <<'EOF'
#include <stdio.h>

__attribute__((target("avx"), noinline)) double scale(double a, int n)
{
	double r;

	__asm__("vcvtsi2sd %2, %1, %0\n\tvmulsd %1, %0, %0" : "=&x"(r) : "x"(a), "r"(n));
	return r;
}

int main(void) { printf("%g\n", scale(1.5, 4)); return 0; }
EOF
cat > plain.c <<'EOF'
#include <stdio.h>
int main(void) { puts("plain"); return 0; }
EOF

# ---- the register check at signing (no AVX needed on this machine) -----------

expect_exit avx2_refused_legacy 1 \
	"uses YMM registers \(AVX\), which XFRM legacy \(0x3\) does not enable.*#UD.*sign with --xfrm avx$" \
	encl-cc -O2 -mavx2 avx2.c -o avx2
check avx2_refused_leaves_no_file test ! -e avx2
expect_exit vex_on_xmm_refused_legacy 1 "VEX-encoded instructions \(x86-64-v3\).*--xfrm avx$" \
	encl-cc -O2 vex.c -o vex
check avx2_signed_avx encl-cc -O2 -mavx2 --xfrm avx avx2.c -o avx2
check plain_signed_legacy encl-cc -O2 plain.c -o plain

# ---- encl info: XFRM and the SSA frame -----------------------------------------

info_has() { encl info "$1" | grep -qE -- "$2"; }
check info_xfrm_avx info_has avx2 '^xfrm +avx \(0x7\): x87, SSE, AVX$'
check info_ssa_avx info_has avx2 '^ssa frame +1 page: XSAVE 832 bytes, EXINFO 16, GPRSGX 184$'
check info_sigstruct_xfrm info_has avx2 'attributes +flags 0x6 xfrm 0x7$'
check info_attributemask_xfrm info_has avx2 'attributemask +flags 0xffffffffffffffff xfrm 0xffffffffffffffff$'
check info_xfrm_legacy info_has plain '^xfrm +legacy \(0x3\): x87, SSE$'
check info_ssa_legacy info_has plain '^ssa frame +1 page: XSAVE 576 bytes'
json() {	# json BINARY EXPR: EXPR over the parsed JSON `d` is true
	encl info --json "$1" | python3 -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if ($2) else 1)"
}
check info_json_xfrm json avx2 'd["parameters"]["xfrm"] == 7 and d["parameters"]["xfrm_name"] == "avx"'
check info_json_ssa json avx2 'd["ssa"] == {"frame_pages": 1, "xsave_bytes": 832}'
check info_json_sigstructs json avx2 'all(d["layouts"][m]["attributes"]["xfrm"] == 7 for m in ("sgx1", "edmm"))'

# ---- --xfrm auto, avx512, and re-signing ---------------------------------------

check auto_picks_avx encl-cc -O2 -mavx2 --xfrm auto avx2.c -o auto
check auto_is_avx info_has auto '^xfrm +avx \(0x7\)'
check auto_plain_is_legacy sh -c 'encl-cc --xfrm auto plain.c -o autoplain && encl info autoplain | grep -q "^xfrm *legacy"'
check sign_avx512 encl sign --xfrm avx512 -o wide avx2
check avx512_info json wide 'd["parameters"]["xfrm_name"] == "avx512" and d["ssa"] == {"frame_pages": 1, "xsave_bytes": 2688}'
check xfrm_leaves_hashes test "$(SCONE_HASH=1 ./wide)" = "$(SCONE_HASH=1 ./avx2)"

check resign_other_parameter encl sign --heap 128M avx2
check resign_keeps_xfrm info_has avx2 '^xfrm +avx \(0x7\)'
check resign_changed_heap info_has avx2 'heap 128M,'
cp avx2 before
expect_exit resign_lower_refused 2 "uses YMM registers.*XFRM legacy.*--xfrm avx" encl sign --xfrm legacy avx2
check resign_refused_leaves_file cmp -s before avx2
check resign_auto encl sign --xfrm auto wide
check resign_auto_lowers info_has wide '^xfrm +avx \(0x7\)'

# ---- bad values --------------------------------------------------------------------

expect_exit sign_bad_xfrm 2 "^encl sign: --xfrm: invalid value 'sse4' \(expected legacy, avx, avx512 or auto\)$" \
	encl sign --xfrm sse4 plain
expect_exit cc_bad_xfrm 1 "--xfrm: invalid value 'AVX2' \(expected legacy, avx, avx512 or auto\)" \
	encl-cc --xfrm AVX2 plain.c -o bad
check cc_bad_xfrm_no_file test ! -e bad
expect_exit cc_xfrm_needs_value 1 "option --xfrm needs a value" encl-cc plain.c --xfrm
check cc_help_xfrm sh -c 'encl-cc --help | grep -q -- "--xfrm X"'
check sign_help_xfrm sh -c 'encl sign --help | grep -q -- "--xfrm X"'

# ---- objects without the note ------------------------------------------------------

musl-gcc -fPIE -O2 -c plain.c -o foreign.o
encl-cc foreign.o -o foreign 2>foreign.err
check foreign_signed test $? -eq 0 -a -x foreign
check foreign_warned grep -q "does not record which registers it uses.*XFRM legacy (0x3)" foreign.err
expect_exit foreign_auto_refused 2 "--xfrm auto: the enclave image does not record" \
	encl sign --xfrm auto foreign

# ---- a corrupt note in the enclave image ------------------------------------------

section_offset() {	# FILE NAME [size]
	local h
	h=$(readelf -SW "$1" | awk -v s="$2" -v f="${3:-off}" '
		$2 == s { print f == "size" ? $6 : $5 } $3 == s { print f == "size" ? $7 : $6 }')
	[ -n "$h" ] && echo $((16#$h))
}
cp plain corrupt
img=$(section_offset corrupt .encl_image)
dd if=corrupt of=enclave.elf bs=4096 iflag=skip_bytes,count_bytes skip=$img \
	count=$(section_offset corrupt .encl_image size) status=none
note=$(section_offset enclave.elf .note.gnu.property)
if [ -z "$note" ]; then
	fail corrupt_note_found "the enclave ELF has no .note.gnu.property section"
else
	# n_descsz: far beyond the section
	printf '\377\377\000\000' | dd of=corrupt bs=1 seek=$((img + note + 4)) conv=notrunc status=none
	expect_exit info_corrupt_note 2 "bad enclave image: corrupt \.note\.gnu\.property: a note of 4 \+ 65535 bytes" \
		encl info corrupt
	expect_exit sign_corrupt_note 2 "corrupt \.note\.gnu\.property" encl sign corrupt
	expect_exit run_corrupt_note 125 "corrupt \.note\.gnu\.property" ./corrupt
fi

# ---- start-up: the machine must enable every XFRM bit ----------------------------

expect_exit startup_refused_sim_xcr0 125 \
	"signed with XFRM avx \(0x7\), but the simulated CPU \(its XCR0\) cannot enable AVX \(it allows 0x3\); re-sign with a lower --xfrm: encl sign --xfrm legacy .*/avx2$" \
	env ENCL_SIM_XCR0=0x3 SCONE_MODE=sim ./avx2
check startup_refusal_one_line test "$(grep -vc warning "$TMP/stderr")" -eq 1
check startup_legacy_runs test "$(ENCL_SIM_XCR0=0x3 SCONE_MODE=sim ./plain)" = plain
expect_exit startup_bad_sim_xcr0 125 "ENCL_SIM_XCR0: invalid value 'avx'" \
	env ENCL_SIM_XCR0=avx SCONE_MODE=sim ./plain

# ---- running the AVX2 program ------------------------------------------------------

# The simulated CPU has the feature: this one has, and no quirk takes XSAVE away.
sim_has() {
	grep -qw "$1" /proc/cpuinfo &&
		case ",${ENCL_SIM_CPU_QUIRKS:-}," in *,fxsave-frames,*) false ;; esac
}

# runs NAME FEATURE PROGRAM OUTPUT: in the simulator, exit 0 and OUTPUT on
# stdout, where the simulated CPU has FEATURE
runs() {
	local n=$1 feature=$2 prog=$3 want=$4 out rc
	if ! sim_has "$feature"; then
		skip "$n" "the simulated CPU has no $feature"
		return
	fi
	out=$(SCONE_MODE=sim "./$prog" 2>run.err); rc=$?
	if [ $rc -eq 0 ] && [ "$out" = "$want" ]; then
		pass "$n"
	else
		fail "$n" "rc=$rc out='$out' err=$(head -c 300 run.err)"
	fi
}

runs avx2_runs_with_xfrm_avx avx2 avx2 "avx2 sum 2080"
check ymm_syscall_signed_avx encl-cc -O2 --xfrm avx ymm_syscall.c -o ymm_syscall
runs ymm_kept_across_system_call avx ymm_syscall "ymm8 across a system call: kept"

# ---- the code linked without a note uses no AVX state --------------------------------
# musl's libc.a, libgcc.a and the trusted runtime are left out of the note
# that encl-cc merges; none of their instructions may be VEX or EVEX encoded
# or name YMM, ZMM, opmask or tile registers. libgcc's __avx_savms64 and
# __avx_resms64 stubs are called only from code built with AVX, which the
# program's own note shows.
avx_insns() {
	objdump -d --no-show-raw-insn "$1" | awk -F'\t' '
		/file format/ { member = $1 }
		NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ && member !~ /avx_(sav|res)ms64/ {
			split($2, w, " ")
			if (w[1] ~ /^v/ || $2 ~ /%(ymm|zmm|k[0-7]|tmm)/) n++
		}
		END { print n + 0 }'
}
for lib in /usr/lib/x86_64-linux-musl/libc.a "$(gcc -print-libgcc-file-name)" \
	   "$ROOT/build/lib/libencl-enclave.a"; do
	n=$(avx_insns "$lib")
	check "no_avx_state_in_$(basename "$lib")" test "$n" = 0
done
