/* The wire buffer (see wbuf.h). */
#include <stdlib.h>
#include <string.h>

#include "wbuf.h"

#define WBUF_CHUNK	256

void
pc_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		explicit_bzero(p, len);
}

int
pc_timingsafe_bcmp(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < len; i++)
		acc |= x[i] ^ y[i];
	return acc != 0;
}

uint32_t
pc_get_u32(const void *vp)
{
	const uint8_t *p = vp;

	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

void
pc_put_u32(void *vp, uint32_t v)
{
	uint8_t *p = vp;

	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

uint64_t
pc_get_u64(const void *vp)
{
	const uint8_t *p = vp;

	return ((uint64_t)pc_get_u32(p) << 32) | pc_get_u32(p + 4);
}

void
pc_put_u64(void *vp, uint64_t v)
{
	uint8_t *p = vp;

	pc_put_u32(p, v >> 32);
	pc_put_u32(p + 4, (uint32_t)v);
}

void
wbuf_init(struct wbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max == 0 ? WBUF_MAX_DEFAULT : max;
}

void
wbuf_init_const(struct wbuf *b, const void *p, size_t len)
{
	memset(b, 0, sizeof(*b));
	b->d = (uint8_t *)(uintptr_t)p;
	b->size = b->alloc = b->max = len;
	b->readonly = 1;
}

void
wbuf_clear(struct wbuf *b)
{
	if (b == NULL)
		return;
	if (!b->readonly && b->d != NULL) {
		pc_wipe(b->d, b->alloc);
		free(b->d);
	}
	b->d = NULL;
	b->off = b->size = b->alloc = 0;
	b->readonly = 0;
}

struct wbuf *
wbuf_new(size_t max)
{
	struct wbuf *b;

	if ((b = malloc(sizeof(*b))) == NULL)
		return NULL;
	wbuf_init(b, max);
	return b;
}

void
wbuf_free(struct wbuf *b)
{
	if (b == NULL)
		return;
	wbuf_clear(b);
	free(b);
}

size_t
wbuf_len(const struct wbuf *b)
{
	return b->size - b->off;
}

const uint8_t *
wbuf_ptr(const struct wbuf *b)
{
	return b->d == NULL ? (const uint8_t *)"" : b->d + b->off;
}

uint8_t *
wbuf_mutable_ptr(struct wbuf *b)
{
	if (b->readonly || b->d == NULL)
		return NULL;
	return b->d + b->off;
}

void
wbuf_reset(struct wbuf *b)
{
	if (b->readonly) {
		b->off = b->size;
		return;
	}
	if (b->d != NULL)
		pc_wipe(b->d, b->size);
	b->off = b->size = 0;
}

int
wbuf_set_max(struct wbuf *b, size_t max)
{
	if (b->readonly || max < wbuf_len(b))
		return PC_ERR_INVALID_ARGUMENT;
	b->max = max;
	return 0;
}

int
wbuf_reserve(struct wbuf *b, size_t len, uint8_t **pp)
{
	size_t need, nalloc, amax;
	uint8_t *nd;

	if (pp != NULL)
		*pp = NULL;
	if (b->readonly)
		return PC_ERR_INVALID_ARGUMENT;
	if (len > b->max || wbuf_len(b) > b->max - len)
		return PC_ERR_NO_BUFFER_SPACE;
	/* No object may exceed PTRDIFF_MAX bytes (C11 6.5.6). */
	if (len > (size_t)PTRDIFF_MAX ||
	    wbuf_len(b) > (size_t)PTRDIFF_MAX - len)
		return PC_ERR_NO_BUFFER_SPACE;
	/*
	 * No room at the end: slide the unread data to the front, but only
	 * once the bytes already read are at least as many as those unread,
	 * or when growing instead would pass the allocation cap (twice max).
	 * Sliding at every chance moves a nearly full buffer for each small
	 * append -- a channel's 4 MiB input for every 32 KiB packet -- while
	 * this way each byte is moved about once.  The tests are written as
	 * subtractions (alloc >= size >= off always) so that nothing wraps
	 * when max is near SIZE_MAX.
	 */
	amax = b->max > SIZE_MAX / 2 ? SIZE_MAX : b->max * 2;
	if (b->off > 0 && len > b->alloc - b->size &&
	    (b->off >= b->size - b->off || len > amax - b->size)) {
		memmove(b->d, b->d + b->off, b->size - b->off);
		pc_wipe(b->d + (b->size - b->off), b->off);
		b->size -= b->off;
		b->off = 0;
	}
	/* Cannot wrap: size + len <= amax, or off is 0 and the unread data
	 * plus len is at most max. */
	need = b->size + len;
	if (need > b->alloc) {
		nalloc = b->alloc < WBUF_CHUNK ? WBUF_CHUNK : b->alloc;
		while (nalloc < need)
			nalloc = nalloc > SIZE_MAX / 2 ? need : nalloc * 2;
		if (nalloc > amax)
			nalloc = need > amax ? need : amax;
		/* Copy rather than realloc so the old bytes can be wiped. */
		if ((nd = malloc(nalloc)) == NULL)
			return PC_ERR_ALLOC;
		if (b->d != NULL) {
			memcpy(nd, b->d, b->size);
			pc_wipe(b->d, b->alloc);
			free(b->d);
		}
		b->d = nd;
		b->alloc = nalloc;
	}
	/* d is still NULL after a zero-length reserve on an empty buffer. */
	if (pp != NULL && b->d != NULL)
		*pp = b->d + b->size;
	b->size += len;
	return 0;
}

int
wbuf_consume(struct wbuf *b, size_t len)
{
	if (len > wbuf_len(b))
		return PC_ERR_MSG_INCOMPLETE;
	b->off += len;
	if (b->off == b->size && !b->readonly)
		b->off = b->size = 0;
	return 0;
}

int
wbuf_consume_end(struct wbuf *b, size_t len)
{
	if (len > wbuf_len(b))
		return PC_ERR_MSG_INCOMPLETE;
	b->size -= len;
	return 0;
}

int
wbuf_put(struct wbuf *b, const void *p, size_t len)
{
	uint8_t *dst;
	int r;

	if ((r = wbuf_reserve(b, len, &dst)) != 0)
		return r;
	if (len > 0)
		memcpy(dst, p, len);
	return 0;
}

int
wbuf_put_u8(struct wbuf *b, uint8_t v)
{
	return wbuf_put(b, &v, 1);
}

int
wbuf_put_bool(struct wbuf *b, int v)
{
	return wbuf_put_u8(b, v ? 1 : 0);
}

int
wbuf_put_u32(struct wbuf *b, uint32_t v)
{
	uint8_t tmp[4];

	pc_put_u32(tmp, v);
	return wbuf_put(b, tmp, sizeof(tmp));
}

int
wbuf_put_u64(struct wbuf *b, uint64_t v)
{
	uint8_t tmp[8];

	pc_put_u64(tmp, v);
	return wbuf_put(b, tmp, sizeof(tmp));
}

int
wbuf_put_string(struct wbuf *b, const void *p, size_t len)
{
	uint8_t *dst;
	int r;

	if (len > WBUF_MAX_STRING)
		return PC_ERR_STRING_TOO_LARGE;
	if ((r = wbuf_reserve(b, 4 + len, &dst)) != 0)
		return r;
	pc_put_u32(dst, (uint32_t)len);
	if (len > 0)
		memcpy(dst + 4, p, len);
	return 0;
}

int
wbuf_put_cstring(struct wbuf *b, const char *s)
{
	return wbuf_put_string(b, s, s == NULL ? 0 : strlen(s));
}

int
wbuf_put_stringb(struct wbuf *b, const struct wbuf *v)
{
	return wbuf_put_string(b, wbuf_ptr(v), wbuf_len(v));
}

int
wbuf_put_mpint(struct wbuf *b, const uint8_t *mag, size_t len)
{
	uint8_t *dst;
	size_t pad;
	int r;

	while (len > 0 && mag[0] == 0) {
		mag++;
		len--;
	}
	pad = (len > 0 && (mag[0] & 0x80) != 0) ? 1 : 0;
	/* The same limit wbuf_get_mpint() applies, sign byte included. */
	if (len > WBUF_MAX_MPINT_BYTES - pad)
		return PC_ERR_BIGNUM_TOO_LARGE;
	if ((r = wbuf_reserve(b, 4 + pad + len, &dst)) != 0)
		return r;
	pc_put_u32(dst, (uint32_t)(len + pad));
	if (pad)
		dst[4] = 0;
	if (len > 0)
		memcpy(dst + 4 + pad, mag, len);
	return 0;
}

int
wbuf_get(struct wbuf *b, void *out, size_t len)
{
	if (len > wbuf_len(b))
		return PC_ERR_MSG_INCOMPLETE;
	if (out != NULL && len > 0)
		memcpy(out, wbuf_ptr(b), len);
	return wbuf_consume(b, len);
}

int
wbuf_get_u8(struct wbuf *b, uint8_t *v)
{
	return wbuf_get(b, v, 1);
}

int
wbuf_get_bool(struct wbuf *b, int *v)
{
	uint8_t c;
	int r;

	if ((r = wbuf_get_u8(b, &c)) != 0)
		return r;
	if (v != NULL)
		*v = c != 0;	/* RFC 4251: any non-zero value is TRUE */
	return 0;
}

int
wbuf_peek_u32(const struct wbuf *b, uint32_t *v)
{
	if (wbuf_len(b) < 4)
		return PC_ERR_MSG_INCOMPLETE;
	if (v != NULL)
		*v = pc_get_u32(wbuf_ptr(b));
	return 0;
}

int
wbuf_get_u32(struct wbuf *b, uint32_t *v)
{
	int r;

	if ((r = wbuf_peek_u32(b, v)) != 0)
		return r;
	return wbuf_consume(b, 4);
}

int
wbuf_get_u64(struct wbuf *b, uint64_t *v)
{
	if (wbuf_len(b) < 8)
		return PC_ERR_MSG_INCOMPLETE;
	if (v != NULL)
		*v = pc_get_u64(wbuf_ptr(b));
	return wbuf_consume(b, 8);
}

/* Look at the string at the read position without consuming it. */
static int
peek_string(const struct wbuf *b, const uint8_t **p, size_t *len)
{
	uint32_t n;
	int r;

	if ((r = wbuf_peek_u32(b, &n)) != 0)
		return r;
	if (n > WBUF_MAX_STRING)
		return PC_ERR_STRING_TOO_LARGE;
	if ((size_t)n > wbuf_len(b) - 4)
		return PC_ERR_MSG_INCOMPLETE;
	*p = wbuf_ptr(b) + 4;
	*len = n;
	return 0;
}

int
wbuf_get_string_direct(struct wbuf *b, const uint8_t **pp, size_t *lenp)
{
	const uint8_t *p;
	size_t len;
	int r;

	if ((r = peek_string(b, &p, &len)) != 0)
		return r;
	if (pp != NULL)
		*pp = p;
	if (lenp != NULL)
		*lenp = len;
	return wbuf_consume(b, 4 + len);
}

int
wbuf_get_cstring(struct wbuf *b, char **sp, size_t *lenp)
{
	const uint8_t *p;
	size_t len;
	char *s;
	int r;

	*sp = NULL;
	if ((r = peek_string(b, &p, &len)) != 0)
		return r;
	if (len > 0 && memchr(p, '\0', len) != NULL)
		return PC_ERR_INVALID_FORMAT;
	if ((s = malloc(len + 1)) == NULL)
		return PC_ERR_ALLOC;
	memcpy(s, p, len);
	s[len] = '\0';
	if ((r = wbuf_consume(b, 4 + len)) != 0) {
		free(s);
		return r;
	}
	*sp = s;
	if (lenp != NULL)
		*lenp = len;
	return 0;
}

int
wbuf_get_stringb(struct wbuf *b, struct wbuf *out)
{
	const uint8_t *p;
	size_t len;
	int r;

	if ((r = peek_string(b, &p, &len)) != 0)
		return r;
	if ((r = wbuf_put(out, p, len)) != 0)
		return r;
	return wbuf_consume(b, 4 + len);
}

int
wbuf_get_mpint(struct wbuf *b, const uint8_t **pp, size_t *lenp)
{
	const uint8_t *p;
	size_t len;
	int r;

	if ((r = peek_string(b, &p, &len)) != 0)
		return r;
	if (len > WBUF_MAX_MPINT_BYTES)
		return PC_ERR_BIGNUM_TOO_LARGE;
	if (len > 0 && (p[0] & 0x80) != 0)
		return PC_ERR_BIGNUM_NEGATIVE;
	/* A leading zero is only allowed in front of a set high bit. */
	if (len > 0 && p[0] == 0 && (len == 1 || (p[1] & 0x80) == 0))
		return PC_ERR_BIGNUM_NOT_MINIMAL;
	if ((r = wbuf_consume(b, 4 + len)) != 0)
		return r;
	if (len > 0 && p[0] == 0) {
		p++;
		len--;
	}
	if (pp != NULL)
		*pp = p;
	if (lenp != NULL)
		*lenp = len;
	return 0;
}

int
wbuf_get_namelist(struct wbuf *b, char **sp)
{
	const uint8_t *p;
	size_t len, i, namelen = 0, names = 0;
	int r;

	*sp = NULL;
	if ((r = peek_string(b, &p, &len)) != 0)
		return r;
	if (len > WBUF_MAX_NAMELIST)
		return PC_ERR_STRING_TOO_LARGE;
	for (i = 0; i < len; i++) {
		if (p[i] == ',') {
			if (namelen == 0)
				return PC_ERR_INVALID_FORMAT;
			namelen = 0;
			continue;
		}
		/* Printable US-ASCII, no white space (RFC 4251 s. 6). */
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return PC_ERR_INVALID_FORMAT;
		if (namelen++ == 0 && ++names > WBUF_MAX_NAMES)
			return PC_ERR_INVALID_FORMAT;
		if (namelen > WBUF_MAX_NAME)
			return PC_ERR_INVALID_FORMAT;
	}
	if (len > 0 && namelen == 0)
		return PC_ERR_INVALID_FORMAT;	/* trailing comma */
	return wbuf_get_cstring(b, sp, NULL);
}

int
wbuf_get_end(const struct wbuf *b)
{
	return wbuf_len(b) == 0 ? 0 : PC_ERR_TRAILING_DATA;
}
