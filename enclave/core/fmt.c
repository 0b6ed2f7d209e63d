// SPDX-License-Identifier: MIT
/*
 * A small formatter for the runtime's own messages. musl's snprintf is not
 * used: it takes stdio locks and may touch errno and the thread pointer,
 * which the exception handler and early start-up cannot rely on.
 */
#include <stdarg.h>
#include <stdint.h>

#include "enclave/core/runtime.h"

struct out {
	char *buf;
	uint64_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, int neg, int prefix)
{
	char tmp[24];
	int n = 0;

	if (neg)
		put(o, '-');
	if (prefix) {
		put(o, '0');
		put(o, 'x');
	}
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		put(o, tmp[--n]);
}

int encl_vfmt(char *buf, uint64_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int lng = 0, alt = 0;
		const char *s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '#') {
			alt = 1;
			fmt++;
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, long) : va_arg(ap, int);

			put_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, 0);
			break;
		}
		case 'u':
			put_num(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, 0, 0);
			break;
		case 'x':
			put_num(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, 0, alt);
			break;
		case 'p':
			put_num(&o, (uintptr_t)va_arg(ap, void *), 16, 0, 1);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's':
			s = va_arg(ap, const char *);
			for (s = s ? s : "(null)"; *s; s++)
				put(&o, *s);
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			if (!*fmt)
				goto done;
			put(&o, *fmt);
		}
	}
done:
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int encl_fmt(char *buf, uint64_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = encl_vfmt(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
