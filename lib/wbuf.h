/*
 * The wire buffer: a bounded byte buffer with SSH encoders and decoders
 * (RFC 4251 section 5: byte, boolean, uint32, uint64, string, mpint,
 * name-list).
 *
 * A wbuf holds bytes [off, size) of d; reads consume from the front, writes
 * append at the end.  Every buffer has a hard maximum (max); growing past
 * it fails with PC_ERR_NO_BUFFER_SPACE, so a peer can never make one grow
 * without bound.  All length arithmetic is overflow-checked.
 *
 * Ownership: a wbuf owns d unless made with wbuf_init_const(), which
 * borrows read-only memory (writes then fail with PC_ERR_INVALID_ARGUMENT).
 * wbuf_clear() and wbuf_free() wipe owned memory before freeing it.
 * Pointers returned by the *_ptr and *_direct functions are borrowed until
 * the next call that changes the buffer.
 */
#ifndef PC_WBUF_H
#define PC_WBUF_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define WBUF_MAX_DEFAULT	(1u << 27)	/* 128 MiB */
#define WBUF_MAX_STRING		(1u << 24)	/* longest string we parse */
#define WBUF_MAX_MPINT_BYTES	(16384 / 8 + 1)	/* 16384-bit numbers */
#define WBUF_MAX_NAMELIST	4096		/* name-list bytes */
#define WBUF_MAX_NAMES		128		/* names in a name-list */
#define WBUF_MAX_NAME		64		/* RFC 4251 section 6 */

struct wbuf {
	uint8_t *d;		/* storage (owned unless readonly) */
	size_t off;		/* read position */
	size_t size;		/* end of valid data */
	size_t alloc;		/* bytes allocated at d */
	size_t max;		/* hard cap on size - off + reserve */
	int readonly;		/* d is borrowed and must not change */
};

/* Caller-owned buffers: init then clear.  max 0 means WBUF_MAX_DEFAULT. */
void	wbuf_init(struct wbuf *b, size_t max);
void	wbuf_init_const(struct wbuf *b, const void *p, size_t len);
void	wbuf_clear(struct wbuf *b);
/* Heap buffers: new then free (free accepts NULL and wipes). */
struct wbuf *wbuf_new(size_t max);
void	wbuf_free(struct wbuf *b);

size_t	wbuf_len(const struct wbuf *b);
const uint8_t *wbuf_ptr(const struct wbuf *b);
uint8_t *wbuf_mutable_ptr(struct wbuf *b);
/* Drop all data (keeps the allocation, wiping it). */
void	wbuf_reset(struct wbuf *b);
int	wbuf_set_max(struct wbuf *b, size_t max) PC_WUR;

/* Append len bytes of space and return a pointer to it in *pp. */
int	wbuf_reserve(struct wbuf *b, size_t len, uint8_t **pp) PC_WUR;
/* Drop len bytes from the front / from the end. */
int	wbuf_consume(struct wbuf *b, size_t len) PC_WUR;
int	wbuf_consume_end(struct wbuf *b, size_t len) PC_WUR;

/* Encoders: append one field. */
int	wbuf_put(struct wbuf *b, const void *p, size_t len) PC_WUR;
int	wbuf_put_u8(struct wbuf *b, uint8_t v) PC_WUR;
int	wbuf_put_bool(struct wbuf *b, int v) PC_WUR;
int	wbuf_put_u32(struct wbuf *b, uint32_t v) PC_WUR;
int	wbuf_put_u64(struct wbuf *b, uint64_t v) PC_WUR;
int	wbuf_put_string(struct wbuf *b, const void *p, size_t len) PC_WUR;
int	wbuf_put_cstring(struct wbuf *b, const char *s) PC_WUR;
/* Append the contents of v (from its read position) as one string. */
int	wbuf_put_stringb(struct wbuf *b, const struct wbuf *v) PC_WUR;
/* Append an unsigned big-endian magnitude as an mpint (RFC 4251 s. 5). */
int	wbuf_put_mpint(struct wbuf *b, const uint8_t *mag, size_t len) PC_WUR;

/* Decoders: consume one field.  On error nothing is consumed. */
int	wbuf_get(struct wbuf *b, void *out, size_t len) PC_WUR;
int	wbuf_get_u8(struct wbuf *b, uint8_t *v) PC_WUR;
int	wbuf_get_bool(struct wbuf *b, int *v) PC_WUR;
int	wbuf_get_u32(struct wbuf *b, uint32_t *v) PC_WUR;
int	wbuf_get_u64(struct wbuf *b, uint64_t *v) PC_WUR;
/* A string, borrowed in place (p and len may be NULL to skip it). */
int	wbuf_get_string_direct(struct wbuf *b, const uint8_t **p,
	    size_t *len) PC_WUR;
/* A string copied into a new NUL-terminated allocation (caller frees).
 * Fails with PC_ERR_INVALID_FORMAT if it holds a NUL byte. */
int	wbuf_get_cstring(struct wbuf *b, char **s, size_t *len) PC_WUR;
/* A string appended to out. */
int	wbuf_get_stringb(struct wbuf *b, struct wbuf *out) PC_WUR;
/* An mpint that must be non-negative and minimally encoded; *p is the
 * magnitude without the sign byte, borrowed. */
int	wbuf_get_mpint(struct wbuf *b, const uint8_t **p, size_t *len) PC_WUR;
/* A name-list (RFC 4251 s. 5): printable US-ASCII names without commas,
 * none empty, at most WBUF_MAX_NAMES names of WBUF_MAX_NAME bytes.
 * Caller frees *s. */
int	wbuf_get_namelist(struct wbuf *b, char **s) PC_WUR;
/* PC_ERR_TRAILING_DATA unless the buffer is fully consumed. */
int	wbuf_get_end(const struct wbuf *b) PC_WUR;

int	wbuf_peek_u32(const struct wbuf *b, uint32_t *v) PC_WUR;

/* Big-endian helpers for fixed fields. */
uint32_t pc_get_u32(const void *p);
void	pc_put_u32(void *p, uint32_t v);
uint64_t pc_get_u64(const void *p);
void	pc_put_u64(void *p, uint64_t v);

/* Wipe memory in a way the compiler keeps. */
void	pc_wipe(void *p, size_t len);
/* Constant-time compare: 0 if equal. */
int	pc_timingsafe_bcmp(const void *a, const void *b, size_t len);

#endif /* PC_WBUF_H */
