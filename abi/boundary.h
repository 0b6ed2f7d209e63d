/* SPDX-License-Identifier: MIT */
/*
 * The boundary between the host runtime and the trusted runtime: what goes
 * in registers at EENTER and EEXIT, and the structures in untrusted memory
 * that both sides read. Everything the enclave reads from here is a hint to
 * be copied in and checked, never trusted.
 */
#ifndef ENCL_ABI_BOUNDARY_H
#define ENCL_ABI_BOUNDARY_H

#include <stdint.h>

/*
 * EENTER with CSSA == 0: RDI is the operation. (With CSSA > 0 the entry is
 * the exception handler's and RDI is ignored.)
 */
#define ENCL_OP_START		1	/* RSI: struct encl_start * */
#define ENCL_OP_ORET		2	/* the ocall in the area has been served */
#define ENCL_OP_CLONE		3	/* RSI: this thread's ocall area, RDX: its size */

/*
 * EENTER with CSSA == 1: RDI = ENCL_OP_SIGNAL when the host interrupted the
 * thread (an AEX without an exception) because asynchronous signals arrived;
 * RSI is their set (bit sig - 1). RDI = 0: the host reports an exception,
 * which the handler takes from the SSA (EXITINFO, EXINFO) and never from it.
 */
#define ENCL_OP_SIGNAL		4

/* EEXIT: RDI is the reason. */
#define ENCL_EXIT_OCALL		1	/* RSI: struct encl_ocall * in the area */
#define ENCL_EXIT_RETURN	2	/* RSI: the program's exit status */
#define ENCL_EXIT_HANDLED	3	/* exception handled: ERESUME */
#define ENCL_EXIT_CRASH		4	/* RSI: struct encl_crash * in the area */
#define ENCL_EXIT_FATAL		5	/* RSI: NUL-terminated reason in the area */
#define ENCL_EXIT_THREAD	6	/* this thread ended; its TCS takes ENCL_OP_CLONE again */
#define ENCL_EXIT_SIGNAL	7	/* RSI: the program ends by this signal's default action */

/*
 * SCONE_LOG: struct encl_start.log_level and the level of ENCL_OCALL_LOG.
 * TRACE is for lines printed at every enclave transition.
 */
enum encl_log { ENCL_LOG_ERROR = 0, ENCL_LOG_WARNING, ENCL_LOG_INFO, ENCL_LOG_DEBUG,
		ENCL_LOG_TRACE };

/* Start-up arguments, in host memory. */
struct encl_start {
	uint64_t argc;
	uint64_t argv;			/* char *[argc + 1] */
	uint64_t envp;			/* char *[], NULL terminated */
	uint64_t heap_hint;		/* SCONE_HEAP: clamped to the measured bounds */
	uint64_t min_heap_hint;		/* SCONE_MIN_HEAP: clamped likewise */
	uint64_t ocall_area;		/* shared buffer, outside ELRANGE */
	uint64_t ocall_area_size;
	uint32_t log_level;		/* enum encl_log */
	uint32_t flags;			/* ENCL_START_* */
	uint64_t tcs_max;		/* SCONE_TCS_MAX: may only lower ENCL_TCS_MAX_LIMIT */
	uint64_t sig_ignored;		/* signals this process started with ignored (bit
					 * sig - 1, nohup's SIGHUP): their first disposition */
	uint64_t xq;			/* struct encl_xq in host memory; 0: every call exits
					 * (SCONE_QUEUES=0, docs/exitless.md) */
	uint64_t espins;		/* SCONE_ESPINS: 0 adapts at run time */
};

/*
 * struct encl_start.flags. FS_VOLATILE: a WRFSBASE executed inside the
 * enclave may not persist, so every change of the thread pointer must be
 * made durable by resuming through ERESUME (which loads SSA.FSBASE). The
 * simulator sets it: on a kernel without FSGSBASE support whose CPU still
 * executes WRFSBASE, the kernel puts back its own idea of FS at the next
 * context switch. On hardware AEX/ERESUME save and restore FS, so the flag
 * only costs time there; it never affects what the enclave trusts.
 */
#define ENCL_START_FS_VOLATILE	0x1
/*
 * SYSCALL_TRAP: the C library's system calls trap too (a `syscall`
 * instruction, #UD, the exception handler) instead of calling the
 * dispatcher directly (docs/libc.md). The host sets it for
 * ENCL_SYSCALL_TRAP=1, for tests and measurements; either way the same
 * dispatcher serves the call, so the flag needs no trust.
 */
#define ENCL_START_SYSCALL_TRAP	0x2

/* Host-side operations an ocall can ask for besides system calls. */
#define ENCL_OCALL_MODIFY_TYPES	(-1)	/* offset, length, page type */
#define ENCL_OCALL_RESTRICT	(-2)	/* offset, length, SECINFO permissions */
#define ENCL_OCALL_REMOVE	(-3)	/* offset, length */
#define ENCL_OCALL_PROTECT	(-4)	/* offset, length, PROT_*: the host's PTEs */
#define ENCL_OCALL_LOG		(-5)	/* level, pointer to message in the area */
#define ENCL_OCALL_ENTER_TCS	(-6)	/* TCS offset, struct encl_enter_report * in the area */
/*
 * Threads. THREAD_START: a new host thread EENTERs the TCS at args[0] (an
 * offset) with ENCL_OP_CLONE and its own ocall area; its thread id, or
 * -EAGAIN. WAIT:
 * this thread sleeps on its host event until WAKE, args[0] nanoseconds
 * (UINT64_MAX: no limit) or a signal; 0 (woken, perhaps spuriously),
 * -ETIMEDOUT or -EINTR. WAKE: sets the event of the thread whose TCS is at
 * args[0]. The enclave treats every answer as a hint: wake-ups are
 * re-checked against its own wait queues.
 */
#define ENCL_OCALL_THREAD_START	(-7)
#define ENCL_OCALL_WAIT		(-8)
#define ENCL_OCALL_WAKE		(-9)
/*
 * Shared file mappings (docs/shield.md, "Shared file mappings"): host
 * memory outside ELRANGE that the program reads and writes directly.
 * args[0] is the memory call, the others its arguments:
 *   SYS_mmap     length, PROT_*, fd, offset: mmap(NULL, ..., MAP_SHARED, ...)
 *   SYS_munmap   address, length
 *   SYS_mprotect address, length, PROT_*
 *   SYS_msync    address, length, MS_*
 *   SYS_mremap   address, old length, new length, 0 or MREMAP_MAYMOVE
 * The host acts only on mappings it made this way (never MAP_FIXED, never
 * PROT_EXEC); ret is what the call returned. The enclave checks that every
 * address it is given lies outside ELRANGE.
 */
#define ENCL_OCALL_SHARED_MEM	(-10)
/*
 * Exitless calls (docs/exitless.md): the thread posted its request in its
 * slot (struct encl_xslot) and no serving thread answered while it spun.
 * The host serves it here if nobody took it yet, or sleeps until the
 * slot is answered or SCONE_ESLEEP passed; 0. The enclave then looks at
 * the slot again.
 */
#define ENCL_OCALL_QWAIT	(-11)
/*
 * Attestation (docs/attestation.md), before main() when SCONE_CONFIG_ID is
 * set. QUOTE: args[0] ENCL_QUOTE_OP_TARGET writes the quoting enclave's
 * struct sgx_targetinfo at args[1] (512 bytes in the area); ENCL_QUOTE_OP_QUOTE
 * turns the struct sgx_report at args[1] into a struct encl_quote at args[2]
 * (args[3] bytes of room); ret is 0 or the quote's size, or -errno (-ENOSYS:
 * this backend makes no quotes). CAS: args[0] is the frame type, args[1] and
 * args[2] the request body in the area and its size, args[3] and args[4] room
 * for the answer's body, args[5] a uint32_t in the area where the host
 * writes the answer's frame type; ret is the answer body's size, or -errno
 * (-ECONNREFUSED and the like: the service is unreachable).
 * The host relays the bytes and reads none of them.
 */
#define ENCL_OCALL_QUOTE	(-12)
#define ENCL_OCALL_CAS		(-13)
#define ENCL_QUOTE_OP_TARGET	1
#define ENCL_QUOTE_OP_QUOTE	2

/* SCONE_TCS_MAX: the most TCSs (measured and added) an enclave runs; the default. */
#define ENCL_TCS_MAX_LIMIT	4096
#define ENCL_TCS_MAX_DEFAULT	256

/*
 * An ENCL_OCALL_LOG message that ends with this and the options of an
 * `encl sign` command is completed by the host with the executable's path,
 * which the enclave does not know, so that the command can be pasted.
 */
#define ENCL_LOG_SIGN_HINT	"re-sign with: encl sign"

/*
 * ENCL_OCALL_ENTER_TCS: the host EENTERs the TCS at the given offset once,
 * from the ocall, with RDI = RSI = RDX = 0, and reports how the CPU let the
 * thread out. It never ERESUMEs and never serves that thread's ocalls. A
 * diagnostic for the EPCM scenarios (enclave/testing/testing.h): it shows that a
 * TCS made at run time (EAUG, EMODT(TCS), EACCEPT) is one the CPU enters.
 * The trusted runtime itself refuses every TCS that is not one of its
 * measured threads (ENCL_FATAL_TCS), so the thread ends in EEXIT with
 * ENCL_EXIT_FATAL. ret is 0 with the report filled, or -errno: -EINVAL for
 * an offset outside ELRANGE, -EBUSY for the TCS that made the request.
 */
#define ENCL_ENTER_EEXIT	1	/* the thread left with EEXIT: rdi, rsi, rdx */
#define ENCL_ENTER_AEX		2	/* an exception inside: vector, error_code, addr */
#define ENCL_ENTER_FAULT	3	/* EENTER itself faulted (#GP, #PF): vector, addr */

struct encl_enter_report {
	uint32_t how;			/* ENCL_ENTER_* */
	uint16_t vector;
	uint16_t error_code;
	uint64_t addr;			/* linear */
	uint64_t rdi, rsi, rdx;
};

/* At the start of the ocall area. */
struct encl_ocall {
	int64_t nr;			/* Linux system call number or ENCL_OCALL_* */
	uint64_t args[6];		/* pointers point into this area */
	int64_t ret;			/* written by the host: result or -errno */
	uint64_t signals;		/* written by the host: asynchronous signals that
					 * arrived since it last said (bit sig - 1) */
	unsigned char data[];		/* buffers, up to the area's end */
};

/*
 * Exitless calls (docs/exitless.md). Each thread's request slot is the
 * last ENCL_XSLOT_SIZE bytes of its ocall area; its buffers are those of
 * the area, as for an ocall. state is the futex word the host sleeps on.
 * The enclave writes seq, nr and args, then state = POSTED; a serving
 * host thread moves POSTED to TAKEN, serves, writes answer, ret and
 * signals, then DONE (or DECLINED: take the exit path). Everything the
 * host writes is a hint: the enclave compares seq, nr and args with its
 * own copy of what it posted (abi/xslot.h).
 */
#define ENCL_XSLOT_FREE		0
#define ENCL_XSLOT_POSTED	1
#define ENCL_XSLOT_TAKEN	2
#define ENCL_XSLOT_DONE		3
#define ENCL_XSLOT_DECLINED	4
#define ENCL_XSLOT_SIZE		128

struct encl_xslot {
	uint32_t state;			/* ENCL_XSLOT_* */
	uint32_t reserved;
	uint64_t seq;			/* enclave: the request's number */
	int64_t nr;			/* a forwarded system call */
	uint64_t args[6];		/* pointers point into the ocall area */
	uint64_t answer;		/* host: the seq of the request it answers */
	int64_t ret;			/* host: result or -errno */
	uint64_t signals;		/* host: as struct encl_ocall.signals */
};
_Static_assert(sizeof(struct encl_xslot) <= ENCL_XSLOT_SIZE, "the slot fits its place");

/*
 * One for the enclave, in host memory (struct encl_start.xq): spinning is
 * how many serving threads look for requests now. The enclave posts only
 * while it is not 0 and takes the exit path otherwise, which also wakes a
 * serving thread on the host side.
 */
struct encl_xq {
	uint32_t spinning;
	uint32_t reserved[15];
};

/*
 * encl_crash.vector when no exception was involved: the program sent
 * itself a signal whose default action terminates (abort(), raise()).
 * rip is then the offset of the instruction after its `syscall`.
 */
#define ENCL_CRASH_NO_VECTOR	0xffffffffU

/*
 * encl_crash.vector when the CPU did not report one: EXITINFO.VALID was 0,
 * which for an exception means #PF or #GP without MISCSELECT.EXINFO (the
 * SGX1 identity does not select it). The signal is SIGSEGV, right for
 * both; the host, which saw the AEX, may print the vector it observed.
 */
#define ENCL_CRASH_VECTOR_UNREPORTED	0xffU

struct encl_crash {
	uint32_t signal;		/* SIGSEGV, SIGILL, SIGFPE, SIGBUS, SIGTRAP */
	uint32_t vector;		/* EXITINFO.VECTOR */
	uint64_t rip;			/* offset from the enclave base */
	uint64_t addr;			/* fault address, offset from the base (#PF/#GP) */
	uint32_t error_code;
	uint32_t addr_valid;
};

#endif
