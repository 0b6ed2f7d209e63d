/* SPDX-License-Identifier: MIT */
/*
 * Layout dumps, "encl layout v1" (docs/executables.md): a text file of ECREATE
 * parameters and EADD runs, and an image file holding the pages of the
 * `data` runs back to back. Enough for anyone to recompute MRENCLAVE.
 *
 *   # encl layout v1
 *   size 0x1000000000		# SECS.SIZE
 *   ssaframesize 1
 *   seg OFFSET NPAGES FLAGS MEASURE data|zero
 *
 * Every function returns 0, or -1 with a message in @err that names the
 * file, and the line when there is one.
 */
#ifndef ENCL_IMAGE_DUMP_H
#define ENCL_IMAGE_DUMP_H

#include <stddef.h>
#include "image/layout.h"

/*
 * Parse @layout_path and load the data pages from @image_path into @l
 * (segments of kind ENCL_SEG_OTHER; free with encl_layout_free). The image
 * must be exactly as long as the data runs: no more, no less.
 */
int encl_layout_read(const char *layout_path, const char *image_path,
		     struct encl_layout *l, char *err, size_t errlen);

/* encl_layout_read of DIR/layout and DIR/image. */
int encl_dump_read(const char *dir, struct encl_layout *l, char *err, size_t errlen);

/*
 * Write DIR/layout and DIR/image, each atomically (temporary file, then
 * rename); DIR is created if missing. Adjacent runs with equal flags,
 * MEASURE and data-ness become one line, so a heap of any size is one line.
 */
int encl_dump_write(const struct encl_layout *l, const char *dir, char *err, size_t errlen);

#endif
