/*
 * Seed corpus writing for the fuzz targets that make their own seeds.
 *
 * Such a target writes its seeds from LLVMFuzzerInitialize when run as
 *   PC_FUZZ_WRITE_SEEDS=tests/fuzz/corpus/NAME build/fuzz-bin/fuzz_NAME \
 *       -runs=0
 * (the seeds come from real sessions in the same binary, so they follow
 * the code: after a protocol change, write them again and commit them).
 * Without the variable nothing is written.
 */
#ifndef PC_FUZZSEED_H
#define PC_FUZZSEED_H

#include <stdio.h>
#include <stdlib.h>

#include "wbuf.h"

/* The folder to write seeds to, or NULL. */
static inline const char *
fuzzseed_dir(void)
{
	const char *d = getenv("PC_FUZZ_WRITE_SEEDS");

	return d != NULL && *d != '\0' ? d : NULL;
}

/* Write one seed file, dir/name; abort on failure (a broken generator). */
static inline void
fuzzseed_write(const char *name, const struct wbuf *b)
{
	const char *dir = fuzzseed_dir();
	char path[4096];
	FILE *f;

	if (dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(wbuf_ptr(b), 1, wbuf_len(b), f) != wbuf_len(b) ||
	    fclose(f) != 0) {
		fprintf(stderr, "cannot write seed %s\n", path);
		abort();
	}
	fprintf(stderr, "seed %s: %zu bytes\n", path, wbuf_len(b));
}

/* Append to a seed under construction; abort on failure. */
static inline void
fuzzseed_put(struct wbuf *b, const void *p, size_t len)
{
	if (wbuf_put(b, p, len) != 0)
		abort();
}

static inline void
fuzzseed_u8(struct wbuf *b, uint8_t v)
{
	fuzzseed_put(b, &v, 1);
}

static inline void
fuzzseed_u16(struct wbuf *b, size_t v)
{
	uint8_t p[2];

	if (v > 0xffff)
		abort();
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	fuzzseed_put(b, p, 2);
}

#endif /* PC_FUZZSEED_H */
