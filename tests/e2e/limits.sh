#!/bin/bash
# The bounds on signed and configured sizes (image/config.c): values above
# them, from .encl_meta or SCONE_*, are refused before any page is hashed;
# encl info refuses signed parameters that start-up would refuse.
. "$(dirname "$0")/lib.sh"
plan 12
hello_enclave t

# set_meta FILE FIELD VALUE: one signed parameter of .encl_meta (image/meta.h
# offsets), its checksum recomputed as encl_meta_seal does
set_meta() {
	local off
	off=$((16#$(readelf -SW "$1" | awk '$2 == ".encl_meta" { print $5 } $3 == ".encl_meta" { print $6 }')))
	python3 - "$1" "$off" "$2" "$3" <<'PY'
import hashlib, struct, sys
path, off, field, value = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
at = {"heap": 24, "min_heap": 32, "stack": 40, "enclave_size": 48}[field]
checksum = 168 + 2 * 1808
with open(path, "r+b") as f:
    f.seek(off)
    meta = bytearray(f.read(checksum))
    meta[at:at + 8] = struct.pack("<Q", value)
    f.seek(off)
    f.write(meta + hashlib.sha256(meta).digest())
PY
}

# A hang before the bounds existed: one SHA step for each of 2^31 pages.
cp t big-stack && set_meta big-stack stack $((1 << 40))
expect_exit info_meta_stack_1t 2 "stack 1024G is above the limit of 1G" timeout 20 encl info big-stack
expect_exit run_meta_stack_1t 125 "stack 1024G is above the limit of 1G" env SCONE_HASH=1 timeout 20 ./big-stack
expect_exit env_stack_1t 125 "SCONE_STACK 1024G is above the limit of 1G.*lower SCONE_STACK" \
	env SCONE_STACK=1024G SCONE_HASH=1 timeout 20 ./t
expect_exit env_heap_1t 125 "SCONE_HEAP 1024G is above the limit of 512G" \
	env SCONE_HEAP=1024G SCONE_HASH=1 timeout 20 ./t
expect_exit env_stacks_total 125 "128 threads with a 1G stack need 128G of stacks, above the limit of 64G" \
	env SCONE_STACK=1G SCONE_TCS=128 SCONE_HASH=1 timeout 20 ./t
expect_exit sign_stack_2g 2 "--stack 2G is above the limit of 1G" encl sign --stack 2G -o x t
expect_exit sign_heap_1000 2 "heap 4K is below the 256K" encl sign --heap 1000 -o x t

# A min_heap that is not whole pages: start-up always refused it, info too now.
cp t odd-min-heap && set_meta odd-min-heap min_heap $(((20 << 20) + 1))
expect_exit info_meta_min_heap_unaligned 2 "bad signed parameters: .*min_heap 20971521.*whole pages" \
	encl info odd-min-heap
expect_exit run_meta_min_heap_unaligned 125 "bad signed parameters: .*min_heap 20971521.*whole pages" ./odd-min-heap
expect_exit dump_meta_min_heap_unaligned 2 "bad signed parameters" encl dump --mode edmm odd-min-heap d
check signed_within_limits_runs sh -c 'test "$(./t)" = hi'
check info_within_limits sh -c "encl info t >/dev/null"
