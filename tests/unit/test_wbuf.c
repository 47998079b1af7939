/*
 * Unit tests for the wire buffer (lib/wbuf.h): every encoder and decoder,
 * exact wire bytes from RFC 4251 section 5, and the negative cases every
 * decoder must refuse without consuming anything.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wbuf.h"

/*
 * The allocation-failure test asks for a petabyte; under ASan that must
 * come back as NULL rather than abort the program.  ASAN_OPTIONS from the
 * environment is parsed after this and keeps its own settings.
 */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

/* Assert that b holds exactly the len bytes at want. */
static void
assert_wbuf_bytes(const struct wbuf *b, const void *want, size_t len)
{
	assert_int_equal(wbuf_len(b), len);
	if (len > 0) {
		assert_memory_equal(wbuf_ptr(b), want, len);
	}
}

/* ---- helpers: pc_get/put_u32/u64, pc_timingsafe_bcmp ---- */

static void
test_be_helpers(void **state)
{
	uint8_t b4[4], b8[8];
	const uint8_t w4[4] = { 0xde, 0xad, 0xbe, 0xef };
	const uint8_t w8[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd,
	    0xef };

	pc_put_u32(b4, 0xdeadbeefU);
	assert_memory_equal(b4, w4, 4);
	assert_int_equal(pc_get_u32(w4), 0xdeadbeefU);
	pc_put_u64(b8, 0x0123456789abcdefULL);
	assert_memory_equal(b8, w8, 8);
	assert_true(pc_get_u64(w8) == 0x0123456789abcdefULL);
}

static void
test_timingsafe_bcmp(void **state)
{
	uint8_t a[33], b[33];
	size_t i;
	int bit;

	for (i = 0; i < sizeof(a); i++) {
		a[i] = b[i] = (uint8_t)(i * 7 + 3);
	}
	assert_int_equal(pc_timingsafe_bcmp(a, b, sizeof(a)), 0);
	assert_int_equal(pc_timingsafe_bcmp(a, b, 0), 0);
	/* Any single flipped bit, anywhere, must be noticed. */
	for (i = 0; i < sizeof(a); i++) {
		for (bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1 << bit);
			assert_int_not_equal(pc_timingsafe_bcmp(a, b,
			    sizeof(a)), 0);
			/* ...but not when it lies beyond len. */
			assert_int_equal(pc_timingsafe_bcmp(a, b, i), 0);
			b[i] ^= (uint8_t)(1 << bit);
		}
	}
	assert_int_equal(pc_timingsafe_bcmp(a, b, sizeof(a)), 0);
}

/* ---- life cycle ---- */

static void
test_init_new_free(void **state)
{
	struct wbuf b, *h;

	wbuf_init(&b, 0);
	assert_int_equal(b.max, WBUF_MAX_DEFAULT);
	assert_int_equal(wbuf_len(&b), 0);
	assert_non_null(wbuf_ptr(&b));
	assert_null(wbuf_mutable_ptr(&b));
	assert_int_equal(wbuf_get_end(&b), 0);
	wbuf_clear(&b);
	wbuf_clear(NULL);

	wbuf_init(&b, 100);
	assert_int_equal(b.max, 100);
	wbuf_clear(&b);

	h = wbuf_new(0);
	assert_non_null(h);
	assert_int_equal(h->max, WBUF_MAX_DEFAULT);
	assert_int_equal(wbuf_put_cstring(h, "heap"), 0);
	assert_int_equal(wbuf_len(h), 8);
	wbuf_free(h);
	wbuf_free(NULL);
}

static void
test_reset_and_mutable(void **state)
{
	struct wbuf b;
	uint8_t *p;
	size_t alloc;

	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put(&b, "abcdef", 6), 0);
	p = wbuf_mutable_ptr(&b);
	assert_non_null(p);
	p[0] = 'X';
	assert_wbuf_bytes(&b, "Xbcdef", 6);
	alloc = b.alloc;
	wbuf_reset(&b);
	assert_int_equal(wbuf_len(&b), 0);
	assert_int_equal(b.alloc, alloc);	/* allocation kept */
	assert_int_equal(wbuf_put(&b, "zz", 2), 0);
	assert_wbuf_bytes(&b, "zz", 2);
	wbuf_clear(&b);
}

static void
test_set_max(void **state)
{
	struct wbuf b;

	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put(&b, "0123456789", 10), 0);
	assert_int_equal(wbuf_set_max(&b, 9), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(wbuf_set_max(&b, 12), 0);
	assert_int_equal(wbuf_put(&b, "ab", 2), 0);
	assert_int_equal(wbuf_put_u8(&b, 'c'), PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(wbuf_len(&b), 12);
	wbuf_clear(&b);
}

/* ---- fixed-size fields ---- */

static void
test_u8_bool(void **state)
{
	struct wbuf b;
	const uint8_t want[] = { 0x00, 0xff, 0x01, 0x00, 0x01 };
	const uint8_t truthy[] = { 0x02, 0x80, 0x00 };
	uint8_t v;
	int t;

	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_u8(&b, 0), 0);
	assert_int_equal(wbuf_put_u8(&b, 0xff), 0);
	assert_int_equal(wbuf_put_bool(&b, 1), 0);
	assert_int_equal(wbuf_put_bool(&b, 0), 0);
	assert_int_equal(wbuf_put_bool(&b, 42), 0);	/* stored as 1 */
	assert_wbuf_bytes(&b, want, sizeof(want));

	assert_int_equal(wbuf_get_u8(&b, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(wbuf_get_u8(&b, &v), 0);
	assert_int_equal(v, 0xff);
	assert_int_equal(wbuf_get_bool(&b, &t), 0);
	assert_int_equal(t, 1);
	assert_int_equal(wbuf_get_bool(&b, &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(wbuf_get_bool(&b, NULL), 0);
	assert_int_equal(wbuf_get_end(&b), 0);

	v = 0x5a;
	t = 7;
	assert_int_equal(wbuf_get_u8(&b, &v), PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(v, 0x5a);
	assert_int_equal(wbuf_get_bool(&b, &t), PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(t, 7);
	wbuf_clear(&b);

	/* RFC 4251 s. 5: any non-zero byte is TRUE. */
	wbuf_init_const(&b, truthy, sizeof(truthy));
	assert_int_equal(wbuf_get_bool(&b, &t), 0);
	assert_int_equal(t, 1);
	assert_int_equal(wbuf_get_bool(&b, &t), 0);
	assert_int_equal(t, 1);
	assert_int_equal(wbuf_get_bool(&b, &t), 0);
	assert_int_equal(t, 0);
}

static void
test_u32(void **state)
{
	struct wbuf b;
	/* RFC 4251 s. 5: 699921578 is 29 b7 f4 aa. */
	const uint8_t want[] = { 0x29, 0xb7, 0xf4, 0xaa, 0xff, 0xff, 0xff, 0xff,
	    0x00, 0x00, 0x00, 0x00 };
	uint32_t v;

	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_u32(&b, 699921578U), 0);
	assert_int_equal(wbuf_put_u32(&b, UINT32_MAX), 0);
	assert_int_equal(wbuf_put_u32(&b, 0), 0);
	assert_wbuf_bytes(&b, want, sizeof(want));

	assert_int_equal(wbuf_peek_u32(&b, &v), 0);
	assert_int_equal(v, 699921578U);
	assert_int_equal(wbuf_len(&b), 12);	/* peek consumes nothing */
	assert_int_equal(wbuf_get_u32(&b, &v), 0);
	assert_int_equal(v, 699921578U);
	assert_int_equal(wbuf_get_u32(&b, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(wbuf_get_u32(&b, NULL), 0);
	assert_int_equal(wbuf_get_end(&b), 0);
	wbuf_clear(&b);

	/* Three bytes are not a uint32. */
	wbuf_init_const(&b, want, 3);
	v = 99;
	assert_int_equal(wbuf_peek_u32(&b, &v), PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(wbuf_get_u32(&b, &v), PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(v, 99);
	assert_int_equal(wbuf_len(&b), 3);
}

static void
test_u64(void **state)
{
	struct wbuf b;
	const uint8_t want[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe };
	uint64_t v;

	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_u64(&b, 0x0102030405060708ULL), 0);
	assert_int_equal(wbuf_put_u64(&b, UINT64_MAX - 1), 0);
	assert_wbuf_bytes(&b, want, sizeof(want));
	assert_int_equal(wbuf_get_u64(&b, &v), 0);
	assert_true(v == 0x0102030405060708ULL);
	assert_int_equal(wbuf_get_u64(&b, &v), 0);
	assert_true(v == UINT64_MAX - 1);
	assert_int_equal(wbuf_get_end(&b), 0);
	wbuf_clear(&b);

	wbuf_init_const(&b, want, 7);
	v = 99;
	assert_int_equal(wbuf_get_u64(&b, &v), PC_ERR_MSG_INCOMPLETE);
	assert_true(v == 99);
	assert_int_equal(wbuf_len(&b), 7);
}

static void
test_raw_get_put(void **state)
{
	struct wbuf b;
	uint8_t out[4] = { 0 };

	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put(&b, NULL, 0), 0);	/* empty: no-op */
	assert_int_equal(wbuf_put(&b, "", 0), 0);
	assert_int_equal(wbuf_len(&b), 0);
	assert_int_equal(wbuf_put(&b, "wxyz", 4), 0);
	assert_int_equal(wbuf_get(&b, out, 5), PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(wbuf_len(&b), 4);
	assert_int_equal(wbuf_get(&b, NULL, 1), 0);	/* skip */
	assert_int_equal(wbuf_get(&b, out, 3), 0);
	assert_memory_equal(out, "xyz", 3);
	assert_int_equal(wbuf_get(&b, out, 0), 0);
	assert_int_equal(wbuf_get_end(&b), 0);
	wbuf_clear(&b);
}

/* ---- strings ---- */

static void
test_string_wire(void **state)
{
	struct wbuf b, src;
	/* RFC 4251 s. 5: "testing" is 00 00 00 07 t e s t i n g. */
	const uint8_t want[] = { 0, 0, 0, 7, 't', 'e', 's', 't', 'i', 'n', 'g',
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 'a', 0, 'b', 0, 0, 0, 2,
	    'c', 'd' };

	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_cstring(&b, "testing"), 0);
	assert_int_equal(wbuf_put_cstring(&b, ""), 0);
	assert_int_equal(wbuf_put_cstring(&b, NULL), 0);
	assert_int_equal(wbuf_put_string(&b, "a\0b", 3), 0);
	/* put_stringb takes the unread part of the source only. */
	wbuf_init(&src, 0);
	assert_int_equal(wbuf_put(&src, "xcd", 3), 0);
	assert_int_equal(wbuf_consume(&src, 1), 0);
	assert_int_equal(wbuf_put_stringb(&b, &src), 0);
	assert_int_equal(wbuf_len(&src), 2);	/* source untouched */
	assert_wbuf_bytes(&b, want, sizeof(want));
	wbuf_clear(&src);
	wbuf_clear(&b);
}

static void
test_string_get_direct(void **state)
{
	const uint8_t in[] = { 0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 0,
	    0, 0, 0, 1, 'z' };
	struct wbuf b;
	const uint8_t *p;
	size_t len;

	wbuf_init_const(&b, in, sizeof(in));
	assert_int_equal(wbuf_get_string_direct(&b, &p, &len), 0);
	assert_int_equal(len, 3);
	assert_ptr_equal(p, in + 4);	/* borrowed in place */
	assert_int_equal(wbuf_get_string_direct(&b, &p, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(wbuf_get_string_direct(&b, NULL, NULL), 0);
	assert_int_equal(wbuf_get_end(&b), 0);
}

static void
test_cstring(void **state)
{
	const uint8_t in[] = { 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o',
	    0, 0, 0, 0 };
	const uint8_t nul[] = { 0, 0, 0, 3, 'a', 0, 'b' };
	const uint8_t nul_end[] = { 0, 0, 0, 2, 'a', 0 };
	struct wbuf b;
	char *s;
	size_t len = 77;

	wbuf_init_const(&b, in, sizeof(in));
	assert_int_equal(wbuf_get_cstring(&b, &s, &len), 0);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	free(s);
	assert_int_equal(wbuf_get_cstring(&b, &s, NULL), 0);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(wbuf_get_end(&b), 0);

	/* An embedded NUL would truncate the C string: refuse it. */
	wbuf_init_const(&b, nul, sizeof(nul));
	s = (char *)1;
	assert_int_equal(wbuf_get_cstring(&b, &s, &len), PC_ERR_INVALID_FORMAT);
	assert_null(s);
	assert_int_equal(wbuf_len(&b), sizeof(nul));
	wbuf_init_const(&b, nul_end, sizeof(nul_end));
	assert_int_equal(wbuf_get_cstring(&b, &s, NULL), PC_ERR_INVALID_FORMAT);
	assert_int_equal(wbuf_len(&b), sizeof(nul_end));
	/* get_string_direct has no such rule. */
	assert_int_equal(wbuf_get_string_direct(&b, NULL, &len), 0);
	assert_int_equal(len, 2);
}

static void
test_stringb(void **state)
{
	const uint8_t in[] = { 0, 0, 0, 4, 'd', 'a', 't', 'a', 0xee };
	struct wbuf b, out, small;

	wbuf_init_const(&b, in, sizeof(in));
	wbuf_init(&out, 0);
	assert_int_equal(wbuf_put(&out, "pre-", 4), 0);
	assert_int_equal(wbuf_get_stringb(&b, &out), 0);
	assert_wbuf_bytes(&out, "pre-data", 8);
	assert_int_equal(wbuf_len(&b), 1);
	assert_int_equal(wbuf_get_end(&b), PC_ERR_TRAILING_DATA);
	wbuf_clear(&out);

	/* A full destination consumes nothing from the source. */
	wbuf_init_const(&b, in, sizeof(in));
	wbuf_init(&small, 3);
	assert_int_equal(wbuf_get_stringb(&b, &small), PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(wbuf_len(&b), sizeof(in));
	assert_int_equal(wbuf_len(&small), 0);
	wbuf_clear(&small);
}

static void
test_put_string_too_large(void **state)
{
	struct wbuf b;
	uint8_t *big;
	const uint8_t *p;
	size_t len;

	big = calloc(1, WBUF_MAX_STRING + 1);
	assert_non_null(big);
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_string(&b, big, WBUF_MAX_STRING + 1),
	    PC_ERR_STRING_TOO_LARGE);
	assert_int_equal(wbuf_len(&b), 0);
	/* Exactly the limit is fine, and reads back. */
	big[WBUF_MAX_STRING - 1] = 0x42;
	assert_int_equal(wbuf_put_string(&b, big, WBUF_MAX_STRING), 0);
	assert_int_equal(wbuf_len(&b), 4 + (size_t)WBUF_MAX_STRING);
	assert_int_equal(wbuf_get_string_direct(&b, &p, &len), 0);
	assert_int_equal(len, WBUF_MAX_STRING);
	assert_int_equal(p[len - 1], 0x42);
	/* The buffer's own maximum still applies. */
	assert_int_equal(wbuf_set_max(&b, 10), 0);
	assert_int_equal(wbuf_put_string(&b, big, 7), PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(wbuf_put_string(&b, big, 6), 0);
	wbuf_clear(&b);
	free(big);
}

/*
 * The cases every string-shaped decoder must refuse, each leaving the
 * buffer untouched.
 */
enum getter { G_DIRECT, G_CSTRING, G_STRINGB, G_MPINT, G_NAMELIST, G_NUM };

static int
call_getter(enum getter g, struct wbuf *b)
{
	struct wbuf out;
	const uint8_t *p = NULL;
	size_t len = 0;
	char *s = NULL;
	int r = PC_ERR_INTERNAL;

	switch (g) {
	case G_DIRECT:
		r = wbuf_get_string_direct(b, &p, &len);
		break;
	case G_CSTRING:
		r = wbuf_get_cstring(b, &s, &len);
		break;
	case G_STRINGB:
		wbuf_init(&out, 0);
		r = wbuf_get_stringb(b, &out);
		if (r != 0) {
			assert_int_equal(wbuf_len(&out), 0);
		}
		wbuf_clear(&out);
		break;
	case G_MPINT:
		r = wbuf_get_mpint(b, &p, &len);
		break;
	case G_NAMELIST:
		r = wbuf_get_namelist(b, &s);
		break;
	default:
		fail();
	}
	if (r != 0) {
		assert_null(s);
	}
	free(s);
	return r;
}

static void
check_refused(const uint8_t *in, size_t len, int want)
{
	struct wbuf b;
	int g;

	for (g = 0; g < G_NUM; g++) {
		wbuf_init_const(&b, in, len);
		assert_int_equal(call_getter((enum getter)g, &b), want);
		assert_int_equal(wbuf_len(&b), len);
		assert_ptr_equal(wbuf_ptr(&b), in);
	}
}

static void
test_string_getters_truncated(void **state)
{
	const uint8_t len_short[] = { 0, 0, 0 };
	const uint8_t body_short[] = { 0, 0, 0, 5, 'a', 'b', 'c', 'd' };
	const uint8_t body_none[] = { 0, 0, 0, 1 };
	const uint8_t huge_len[] = { 0xff, 0xff, 0xff, 0xff, 'a' };
	/* WBUF_MAX_STRING + 1 */
	const uint8_t too_long[] = { 0x01, 0x00, 0x00, 0x01, 'a' };

	check_refused(len_short, 0, PC_ERR_MSG_INCOMPLETE);
	check_refused(len_short, sizeof(len_short), PC_ERR_MSG_INCOMPLETE);
	check_refused(body_short, sizeof(body_short), PC_ERR_MSG_INCOMPLETE);
	check_refused(body_none, sizeof(body_none), PC_ERR_MSG_INCOMPLETE);
	check_refused(huge_len, sizeof(huge_len), PC_ERR_STRING_TOO_LARGE);
	check_refused(too_long, sizeof(too_long), PC_ERR_STRING_TOO_LARGE);
}

static void
test_string_getters_max_len_body_missing(void **state)
{
	/* Exactly WBUF_MAX_STRING is allowed, so only the body is missing. */
	const uint8_t at_max[] = { 0x01, 0x00, 0x00, 0x00, 'a' };
	struct wbuf b;

	wbuf_init_const(&b, at_max, sizeof(at_max));
	assert_int_equal(wbuf_get_string_direct(&b, NULL, NULL),
	    PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(wbuf_get_cstring(&b, &(char *){ NULL }, NULL),
	    PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(wbuf_len(&b), sizeof(at_max));
}

/* ---- mpint (RFC 4251 section 5) ---- */

struct mpint_case {
	const char *name;
	uint8_t mag[8];		/* magnitude given to put */
	size_t maglen;
	uint8_t wire[16];	/* expected encoding */
	size_t wirelen;
};

static const struct mpint_case mpint_cases[] = {
	{ "0", { 0 }, 0, { 0, 0, 0, 0 }, 4 },
	{ "9a378f9b2e332a7",
	    { 0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7 }, 8,
	    { 0, 0, 0, 0x08, 0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32,
	    0xa7 }, 12 },
	{ "80", { 0x80 }, 1, { 0, 0, 0, 0x02, 0x00, 0x80 }, 6 },
	{ "7f", { 0x7f }, 1, { 0, 0, 0, 0x01, 0x7f }, 5 },
	/* Leading zeros in the magnitude are dropped. */
	{ "0 (as 00 00)", { 0, 0 }, 2, { 0, 0, 0, 0 }, 4 },
	{ "80 (as 00 00 80)", { 0, 0, 0x80 }, 3,
	    { 0, 0, 0, 0x02, 0x00, 0x80 }, 6 },
	{ "ff01", { 0xff, 0x01 }, 2, { 0, 0, 0, 0x03, 0x00, 0xff, 0x01 }, 7 },
};

static void
test_mpint_rfc4251(void **state)
{
	const struct mpint_case *c;
	const uint8_t *p;
	size_t i, len, skip;
	struct wbuf b;

	for (i = 0; i < sizeof(mpint_cases) / sizeof(mpint_cases[0]); i++) {
		c = &mpint_cases[i];
		wbuf_init(&b, 0);
		assert_int_equal(wbuf_put_mpint(&b, c->mag, c->maglen), 0);
		if (wbuf_len(&b) != c->wirelen ||
		    memcmp(wbuf_ptr(&b), c->wire, c->wirelen) != 0) {
			fail_msg("mpint %s: wrong encoding", c->name);
		}
		assert_int_equal(wbuf_get_mpint(&b, &p, &len), 0);
		assert_int_equal(wbuf_get_end(&b), 0);
		/* The getter returns the magnitude without sign byte. */
		for (skip = 0; skip < c->maglen && c->mag[skip] == 0; skip++)
			;
		assert_int_equal(len, c->maglen - skip);
		if (len > 0) {
			assert_memory_equal(p, c->mag + skip, len);
		}
		wbuf_clear(&b);
	}
}

static void
test_mpint_negative_rejected(void **state)
{
	/* RFC 4251 s. 5: -1234 is 00 00 00 02 ed cc. */
	const uint8_t m1234[] = { 0, 0, 0, 0x02, 0xed, 0xcc };
	/* -deadbeef is 00 00 00 05 ff 21 52 41 11. */
	const uint8_t mdeadbeef[] = { 0, 0, 0, 0x05, 0xff, 0x21, 0x52, 0x41,
	    0x11 };
	const uint8_t m1[] = { 0, 0, 0, 0x01, 0x80 };
	struct wbuf b;
	const uint8_t *p = NULL;
	size_t len = 99;

	wbuf_init_const(&b, m1234, sizeof(m1234));
	assert_int_equal(wbuf_get_mpint(&b, &p, &len), PC_ERR_BIGNUM_NEGATIVE);
	assert_int_equal(wbuf_len(&b), sizeof(m1234));
	assert_null(p);
	assert_int_equal(len, 99);
	wbuf_init_const(&b, mdeadbeef, sizeof(mdeadbeef));
	assert_int_equal(wbuf_get_mpint(&b, &p, &len), PC_ERR_BIGNUM_NEGATIVE);
	assert_int_equal(wbuf_len(&b), sizeof(mdeadbeef));
	wbuf_init_const(&b, m1, sizeof(m1));
	assert_int_equal(wbuf_get_mpint(&b, NULL, NULL),
	    PC_ERR_BIGNUM_NEGATIVE);
}

static void
test_mpint_not_minimal(void **state)
{
	const uint8_t zero1[] = { 0, 0, 0, 0x01, 0x00 };
	const uint8_t zero7f[] = { 0, 0, 0, 0x02, 0x00, 0x7f };
	const uint8_t zerozero80[] = { 0, 0, 0, 0x03, 0x00, 0x00, 0x80 };
	const uint8_t zero01[] = { 0, 0, 0, 0x02, 0x00, 0x01 };
	struct wbuf b;

	wbuf_init_const(&b, zero1, sizeof(zero1));
	assert_int_equal(wbuf_get_mpint(&b, NULL, NULL),
	    PC_ERR_BIGNUM_NOT_MINIMAL);
	assert_int_equal(wbuf_len(&b), sizeof(zero1));
	wbuf_init_const(&b, zero7f, sizeof(zero7f));
	assert_int_equal(wbuf_get_mpint(&b, NULL, NULL),
	    PC_ERR_BIGNUM_NOT_MINIMAL);
	wbuf_init_const(&b, zerozero80, sizeof(zerozero80));
	assert_int_equal(wbuf_get_mpint(&b, NULL, NULL),
	    PC_ERR_BIGNUM_NOT_MINIMAL);
	wbuf_init_const(&b, zero01, sizeof(zero01));
	assert_int_equal(wbuf_get_mpint(&b, NULL, NULL),
	    PC_ERR_BIGNUM_NOT_MINIMAL);
	assert_int_equal(wbuf_len(&b), sizeof(zero01));
}

static void
test_mpint_size_limit(void **state)
{
	const size_t max = WBUF_MAX_MPINT_BYTES;
	uint8_t *mag, *wire;
	const uint8_t *p;
	size_t len;
	struct wbuf b;

	mag = calloc(1, max + 2);
	wire = calloc(1, max + 6);
	assert_non_null(mag);
	assert_non_null(wire);

	/* A 16384-bit number with its top bit set: 2048 + 1 sign byte. */
	memset(mag, 0xa5, max - 1);
	mag[0] = 0x80;
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_mpint(&b, mag, max - 1), 0);
	assert_int_equal(wbuf_len(&b), 4 + max);
	assert_int_equal(wbuf_get_mpint(&b, &p, &len), 0);
	assert_int_equal(len, max - 1);
	assert_memory_equal(p, mag, len);

	/* One byte more needs max + 1 bytes on the wire: too large both
	 * ways, so put and get agree. */
	mag[0] = 0x01;
	mag[1] = 0x80;
	assert_int_equal(wbuf_put_mpint(&b, mag, max), 0);	/* no pad */
	assert_int_equal(wbuf_get_mpint(&b, NULL, NULL), 0);
	mag[0] = 0x80;
	assert_int_equal(wbuf_put_mpint(&b, mag, max),
	    PC_ERR_BIGNUM_TOO_LARGE);
	assert_int_equal(wbuf_put_mpint(&b, mag, max + 1),
	    PC_ERR_BIGNUM_TOO_LARGE);
	assert_int_equal(wbuf_len(&b), 0);

	/* The same length handed to the getter. */
	pc_put_u32(wire, (uint32_t)(max + 1));
	wire[4] = 0x00;
	wire[5] = 0x80;
	wbuf_clear(&b);
	wbuf_init_const(&b, wire, max + 5);
	assert_int_equal(wbuf_get_mpint(&b, NULL, NULL),
	    PC_ERR_BIGNUM_TOO_LARGE);
	assert_int_equal(wbuf_len(&b), max + 5);
	/* Truncated: the missing body is reported first. */
	wbuf_init_const(&b, wire, max);
	assert_int_equal(wbuf_get_mpint(&b, NULL, NULL),
	    PC_ERR_MSG_INCOMPLETE);
	pc_put_u32(wire, 3);
	wbuf_init_const(&b, wire, 6);
	assert_int_equal(wbuf_get_mpint(&b, NULL, NULL),
	    PC_ERR_MSG_INCOMPLETE);
	free(mag);
	free(wire);
}

/* ---- name-list (RFC 4251 section 5) ---- */

static void
test_namelist_rfc4251(void **state)
{
	const uint8_t empty[] = { 0, 0, 0, 0 };
	const uint8_t zlib[] = { 0, 0, 0, 4, 'z', 'l', 'i', 'b' };
	const uint8_t two[] = { 0, 0, 0, 9, 'z', 'l', 'i', 'b', ',', 'n', 'o',
	    'n', 'e' };
	struct wbuf b;
	char *s;

	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_cstring(&b, ""), 0);
	assert_wbuf_bytes(&b, empty, sizeof(empty));
	assert_int_equal(wbuf_get_namelist(&b, &s), 0);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(wbuf_put_cstring(&b, "zlib"), 0);
	assert_wbuf_bytes(&b, zlib, sizeof(zlib));
	assert_int_equal(wbuf_get_namelist(&b, &s), 0);
	assert_string_equal(s, "zlib");
	free(s);
	assert_int_equal(wbuf_put_cstring(&b, "zlib,none"), 0);
	assert_wbuf_bytes(&b, two, sizeof(two));
	assert_int_equal(wbuf_get_namelist(&b, &s), 0);
	assert_string_equal(s, "zlib,none");
	free(s);
	/* Names with @domain and every printable character but comma. */
	assert_int_equal(wbuf_put_cstring(&b,
	    "curve25519-sha256@libssh.org,!\"#$%&'()*+-./:;<=>?@[\\]^_`{|}~"),
	    0);
	assert_int_equal(wbuf_get_namelist(&b, &s), 0);
	assert_string_equal(s,
	    "curve25519-sha256@libssh.org,!\"#$%&'()*+-./:;<=>?@[\\]^_`{|}~");
	free(s);
	assert_int_equal(wbuf_get_end(&b), 0);
	wbuf_clear(&b);
}

/* Put s as a string and expect wbuf_get_namelist to return want. */
static void
namelist_expect(const char *s, size_t len, int want)
{
	struct wbuf b;
	char *out = (char *)1;
	int r;

	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_string(&b, s, len), 0);
	if ((r = wbuf_get_namelist(&b, &out)) != want) {
		fail_msg("name-list of %zu bytes starting \"%.20s\": got %d, "
		    "want %d", len, s, r, want);
	}
	if (want == 0) {
		assert_non_null(out);
		assert_int_equal(strlen(out), len);
		assert_int_equal(wbuf_len(&b), 0);
	} else {
		assert_null(out);
		assert_int_equal(wbuf_len(&b), 4 + len);
	}
	free(out);
	wbuf_clear(&b);
}

static void
test_namelist_bad(void **state)
{
	static const char *const bad[] = {
		",", ",a", "a,", "a,,b", ",,", "a b", " a", "a ", "a\tb",
		"a\nb", "a\rb", "\x01", "a\x1f", "a\x7f", "a\x80", "\xff",
		"caf\xc3\xa9",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		namelist_expect(bad[i], strlen(bad[i]), PC_ERR_INVALID_FORMAT);
	}
	/* A NUL inside a name. */
	namelist_expect("ab\0cd", 5, PC_ERR_INVALID_FORMAT);
	namelist_expect("ab,\0", 4, PC_ERR_INVALID_FORMAT);
}

static void
test_namelist_limits(void **state)
{
	char buf[WBUF_MAX_NAMELIST + 64];
	size_t i, n;

	/* A name of WBUF_MAX_NAME bytes is fine; one more is not. */
	memset(buf, 'n', WBUF_MAX_NAME + 1);
	namelist_expect(buf, WBUF_MAX_NAME, 0);
	namelist_expect(buf, WBUF_MAX_NAME + 1, PC_ERR_INVALID_FORMAT);
	/* ... also as the last of several names. */
	memcpy(buf, "a,b,", 4);
	memset(buf + 4, 'n', WBUF_MAX_NAME + 1);
	namelist_expect(buf, 4 + WBUF_MAX_NAME, 0);
	namelist_expect(buf, 4 + WBUF_MAX_NAME + 1, PC_ERR_INVALID_FORMAT);

	/* WBUF_MAX_NAMES single-letter names, then one more. */
	for (i = 0, n = 0; i < WBUF_MAX_NAMES + 1; i++) {
		if (i > 0) {
			buf[n++] = ',';
		}
		buf[n++] = 'a' + (i % 26);
	}
	namelist_expect(buf, n - 2, 0);
	namelist_expect(buf, n, PC_ERR_INVALID_FORMAT);

	/* Exactly WBUF_MAX_NAMELIST bytes within the other limits. */
	assert_true(WBUF_MAX_NAMES * 32 <= WBUF_MAX_NAMELIST + 1);
	n = 0;
	for (i = 0; i < WBUF_MAX_NAMES && n < WBUF_MAX_NAMELIST; i++) {
		if (i > 0) {
			buf[n++] = ',';
		}
		memset(buf + n, 'x', 31);
		n += 31;
	}
	assert_int_equal(n, WBUF_MAX_NAMELIST - 1);
	buf[n++] = 'y';			/* last name 32 bytes */
	namelist_expect(buf, n, 0);
	/* One more byte exceeds WBUF_MAX_NAMELIST. */
	buf[n++] = 'z';
	namelist_expect(buf, n, PC_ERR_STRING_TOO_LARGE);
}

/* ---- end of message, consume, limits ---- */

static void
test_get_end(void **state)
{
	const uint8_t in[] = { 0, 0, 0, 1, 'x', 0x00 };
	struct wbuf b;

	wbuf_init_const(&b, in, sizeof(in));
	assert_int_equal(wbuf_get_string_direct(&b, NULL, NULL), 0);
	assert_int_equal(wbuf_get_end(&b), PC_ERR_TRAILING_DATA);
	assert_int_equal(wbuf_get_u8(&b, NULL), 0);
	assert_int_equal(wbuf_get_end(&b), 0);
	wbuf_init_const(&b, NULL, 0);
	assert_int_equal(wbuf_get_end(&b), 0);
}

static void
test_consume(void **state)
{
	struct wbuf b;

	wbuf_init(&b, 0);
	assert_int_equal(wbuf_consume(&b, 1), PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(wbuf_consume(&b, 0), 0);
	assert_int_equal(wbuf_put(&b, "0123456789", 10), 0);
	assert_int_equal(wbuf_consume(&b, 11), PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(wbuf_consume(&b, SIZE_MAX), PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(wbuf_consume_end(&b, 11), PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(wbuf_consume_end(&b, SIZE_MAX),
	    PC_ERR_MSG_INCOMPLETE);
	assert_wbuf_bytes(&b, "0123456789", 10);
	assert_int_equal(wbuf_consume(&b, 2), 0);
	assert_int_equal(wbuf_consume_end(&b, 3), 0);
	assert_wbuf_bytes(&b, "23456", 5);
	assert_int_equal(wbuf_consume(&b, 6), PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(wbuf_consume(&b, 5), 0);
	assert_int_equal(wbuf_len(&b), 0);
	/* Fully read: the buffer starts over from the front. */
	assert_int_equal(b.off, 0);
	assert_int_equal(wbuf_put(&b, "ab", 2), 0);
	assert_wbuf_bytes(&b, "ab", 2);
	wbuf_clear(&b);
}

static void
test_reserve_max(void **state)
{
	struct wbuf b;
	uint8_t *p = (uint8_t *)1;

	wbuf_init(&b, 16);
	assert_int_equal(wbuf_reserve(&b, 17, &p), PC_ERR_NO_BUFFER_SPACE);
	assert_null(p);
	assert_int_equal(wbuf_reserve(&b, 16, &p), 0);
	assert_non_null(p);
	memset(p, 'r', 16);
	assert_int_equal(wbuf_put_u8(&b, 1), PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(wbuf_put_u32(&b, 1), PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(wbuf_put_u64(&b, 1), PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(wbuf_put_cstring(&b, ""), PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(wbuf_put_mpint(&b, NULL, 0), PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(wbuf_len(&b), 16);
	/* The cap is on unread data: consuming makes room again. */
	assert_int_equal(wbuf_consume(&b, 4), 0);
	assert_int_equal(wbuf_put_u32(&b, 0x41424344), 0);
	assert_int_equal(wbuf_len(&b), 16);
	assert_memory_equal(wbuf_ptr(&b), "rrrrrrrrrrrrABCD", 16);
	assert_int_equal(wbuf_reserve(&b, 1, NULL), PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(wbuf_reserve(&b, 0, NULL), 0);
	wbuf_clear(&b);
}

static void
test_reserve_overflow(void **state)
{
	struct wbuf b;
	uint8_t *p = (uint8_t *)1;

	wbuf_init(&b, 0);
	assert_int_equal(wbuf_reserve(&b, SIZE_MAX, &p),
	    PC_ERR_NO_BUFFER_SPACE);
	assert_null(p);
	assert_int_equal(wbuf_put(&b, "0123456789", 10), 0);
	assert_int_equal(wbuf_reserve(&b, SIZE_MAX - 5, NULL),
	    PC_ERR_NO_BUFFER_SPACE);

	/*
	 * With no cap of its own the buffer must still refuse sizes whose
	 * sum wraps: 5 unread bytes at offset 5, plus SIZE_MAX - 6.
	 */
	assert_int_equal(wbuf_set_max(&b, SIZE_MAX), 0);
	assert_int_equal(wbuf_consume(&b, 5), 0);
	p = (uint8_t *)1;
	assert_int_not_equal(wbuf_reserve(&b, SIZE_MAX - 6, &p), 0);
	assert_null(p);
	assert_int_not_equal(wbuf_reserve(&b, SIZE_MAX - 5, NULL), 0);
	assert_int_not_equal(wbuf_reserve(&b, SIZE_MAX, NULL), 0);
	assert_int_not_equal(wbuf_reserve(&b, (size_t)PTRDIFF_MAX, NULL), 0);
	assert_wbuf_bytes(&b, "56789", 5);
	/* Allowed by max but not by memory: a clean PC_ERR_ALLOC. */
	assert_int_equal(wbuf_reserve(&b, (size_t)1 << 50, NULL),
	    PC_ERR_ALLOC);
	assert_wbuf_bytes(&b, "56789", 5);
	assert_int_equal(wbuf_put(&b, "ab", 2), 0);
	assert_wbuf_bytes(&b, "56789ab", 7);
	wbuf_clear(&b);
}

static void
test_compaction(void **state)
{
	static uint8_t big[4096];
	uint8_t pat[600], want[600];
	struct wbuf b;
	size_t alloc, i;

	for (i = 0; i < sizeof(pat); i++) {
		pat[i] = (uint8_t)(i * 31 + 7);
	}
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put(&b, pat, 200), 0);
	alloc = b.alloc;
	assert_true(alloc >= 200 && alloc < 400);
	assert_int_equal(wbuf_consume(&b, 150), 0);
	/* 50 unread + 200 new fits the allocation once slid to the front. */
	assert_int_equal(wbuf_put(&b, pat + 200, 200), 0);
	assert_int_equal(b.alloc, alloc);
	assert_int_equal(b.off, 0);
	assert_wbuf_bytes(&b, pat + 150, 250);

	/* Slide and grow together. */
	assert_int_equal(wbuf_consume(&b, 10), 0);
	assert_int_equal(wbuf_put(&b, pat + 400, 200), 0);
	assert_true(b.alloc > alloc);
	assert_wbuf_bytes(&b, pat + 160, 440);

	/*
	 * Interleaved reads and writes in a small buffer that never runs
	 * empty, so it must keep sliding: every byte stays in order.
	 */
	wbuf_clear(&b);
	wbuf_init(&b, 48);
	for (i = 0; i < sizeof(pat); i++) {
		assert_int_equal(wbuf_put_u8(&b, pat[i]), 0);
		if (i >= 40) {
			assert_int_equal(wbuf_get_u8(&b, &want[i - 40]), 0);
		}
	}
	assert_memory_equal(want, pat, sizeof(pat) - 40);
	assert_wbuf_bytes(&b, pat + sizeof(pat) - 40, 40);
	/* The allocation may reach twice max, never more. */
	assert_true(b.alloc <= 2 * 48);
	wbuf_clear(&b);

	/*
	 * A nearly full buffer that is read a little and written a little,
	 * as a channel's input when its reader is slow: no slide while the
	 * bytes read are fewer than the unread ones (the allocation grows
	 * instead, up to twice max), so each byte moves about once.
	 */
	wbuf_init(&b, 1024);
	for (i = 0; i < sizeof(big); i++) {
		big[i] = (uint8_t)(i * 13 + 5);
	}
	assert_int_equal(wbuf_put(&b, big, 1000), 0);
	assert_int_equal(wbuf_consume(&b, 10), 0);
	assert_int_equal(wbuf_put(&b, big + 1000, 10), 0);
	assert_int_equal(b.off, 10);
	assert_wbuf_bytes(&b, big + 10, 1000);
	for (i = 0; i < 200; i++) {
		assert_int_equal(wbuf_consume(&b, 10), 0);
		assert_int_equal(wbuf_put(&b, big + 1010 + 10 * i, 10), 0);
		assert_true(b.alloc <= 2 * 1024);
		assert_wbuf_bytes(&b, big + 20 + 10 * i, 1000);
	}
	/* Unread data stays capped by max itself. */
	assert_int_equal(wbuf_put(&b, pat, 25), PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(wbuf_put(&b, pat, 24), 0);
	wbuf_clear(&b);
}

static void
test_readonly(void **state)
{
	uint8_t mem[] = { 0, 0, 0, 2, 'h', 'i', 0x07 };
	uint8_t copy[sizeof(mem)];
	struct wbuf b, out;
	uint8_t *p = (uint8_t *)1;
	uint8_t v;

	memcpy(copy, mem, sizeof(mem));
	wbuf_init_const(&b, mem, sizeof(mem));
	assert_int_equal(wbuf_len(&b), sizeof(mem));
	assert_null(wbuf_mutable_ptr(&b));
	assert_int_equal(wbuf_reserve(&b, 1, &p), PC_ERR_INVALID_ARGUMENT);
	assert_null(p);
	assert_int_equal(wbuf_reserve(&b, 0, NULL), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(wbuf_put(&b, "x", 1), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(wbuf_put_u8(&b, 1), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(wbuf_put_bool(&b, 1), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(wbuf_put_u32(&b, 1), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(wbuf_put_u64(&b, 1), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(wbuf_put_cstring(&b, "x"), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(wbuf_put_mpint(&b, mem, 1), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(wbuf_set_max(&b, 100), PC_ERR_INVALID_ARGUMENT);
	assert_memory_equal(mem, copy, sizeof(mem));

	/* Reading works, and a read-only source feeds a writable one. */
	wbuf_init(&out, 0);
	assert_int_equal(wbuf_get_stringb(&b, &out), 0);
	assert_wbuf_bytes(&out, "hi", 2);
	wbuf_clear(&out);
	assert_int_equal(wbuf_get_u8(&b, &v), 0);
	assert_int_equal(v, 0x07);
	assert_int_equal(wbuf_get_end(&b), 0);
	/* Fully read, the view still points into the borrowed memory. */
	assert_ptr_equal(wbuf_ptr(&b), mem + sizeof(mem));

	/* Reset on a view drops the data but never touches it. */
	wbuf_init_const(&b, mem, sizeof(mem));
	wbuf_reset(&b);
	assert_int_equal(wbuf_len(&b), 0);
	assert_memory_equal(mem, copy, sizeof(mem));
	/* Clear must not free borrowed (here: stack) memory. */
	wbuf_clear(&b);
	assert_memory_equal(mem, copy, sizeof(mem));
}

static void
test_round_trip_all(void **state)
{
	const uint8_t mag[] = { 0x00, 0xc0, 0xff, 0xee };
	struct wbuf b, inner;
	const uint8_t *p;
	size_t len;
	uint64_t v64;
	uint32_t v32;
	uint8_t v8;
	char *s;
	int t;

	wbuf_init(&inner, 0);
	assert_int_equal(wbuf_put_u32(&inner, 0xcafe), 0);
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_u8(&b, 20), 0);
	assert_int_equal(wbuf_put_bool(&b, 1), 0);
	assert_int_equal(wbuf_put_u32(&b, 0x80000000U), 0);
	assert_int_equal(wbuf_put_u64(&b, 0x8000000000000001ULL), 0);
	assert_int_equal(wbuf_put_cstring(&b, "ssh-userauth"), 0);
	assert_int_equal(wbuf_put_string(&b, "\x00\x01\x02", 3), 0);
	assert_int_equal(wbuf_put_stringb(&b, &inner), 0);
	assert_int_equal(wbuf_put_mpint(&b, mag, sizeof(mag)), 0);
	assert_int_equal(wbuf_put_cstring(&b, "aes128-ctr,aes256-ctr"), 0);

	assert_int_equal(wbuf_get_u8(&b, &v8), 0);
	assert_int_equal(v8, 20);
	assert_int_equal(wbuf_get_bool(&b, &t), 0);
	assert_int_equal(t, 1);
	assert_int_equal(wbuf_get_u32(&b, &v32), 0);
	assert_int_equal(v32, 0x80000000U);
	assert_int_equal(wbuf_get_u64(&b, &v64), 0);
	assert_true(v64 == 0x8000000000000001ULL);
	assert_int_equal(wbuf_get_cstring(&b, &s, &len), 0);
	assert_string_equal(s, "ssh-userauth");
	assert_int_equal(len, 12);
	free(s);
	assert_int_equal(wbuf_get_string_direct(&b, &p, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(p, "\x00\x01\x02", 3);
	wbuf_reset(&inner);
	assert_int_equal(wbuf_get_stringb(&b, &inner), 0);
	assert_int_equal(wbuf_get_u32(&inner, &v32), 0);
	assert_int_equal(v32, 0xcafe);
	assert_int_equal(wbuf_get_end(&inner), 0);
	assert_int_equal(wbuf_get_mpint(&b, &p, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(p, mag + 1, 3);
	assert_int_equal(wbuf_get_namelist(&b, &s), 0);
	assert_string_equal(s, "aes128-ctr,aes256-ctr");
	free(s);
	assert_int_equal(wbuf_get_end(&b), 0);
	wbuf_clear(&inner);
	wbuf_clear(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_be_helpers),
		cmocka_unit_test(test_timingsafe_bcmp),
		cmocka_unit_test(test_init_new_free),
		cmocka_unit_test(test_reset_and_mutable),
		cmocka_unit_test(test_set_max),
		cmocka_unit_test(test_u8_bool),
		cmocka_unit_test(test_u32),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_raw_get_put),
		cmocka_unit_test(test_string_wire),
		cmocka_unit_test(test_string_get_direct),
		cmocka_unit_test(test_cstring),
		cmocka_unit_test(test_stringb),
		cmocka_unit_test(test_put_string_too_large),
		cmocka_unit_test(test_string_getters_truncated),
		cmocka_unit_test(test_string_getters_max_len_body_missing),
		cmocka_unit_test(test_mpint_rfc4251),
		cmocka_unit_test(test_mpint_negative_rejected),
		cmocka_unit_test(test_mpint_not_minimal),
		cmocka_unit_test(test_mpint_size_limit),
		cmocka_unit_test(test_namelist_rfc4251),
		cmocka_unit_test(test_namelist_bad),
		cmocka_unit_test(test_namelist_limits),
		cmocka_unit_test(test_get_end),
		cmocka_unit_test(test_consume),
		cmocka_unit_test(test_reserve_max),
		cmocka_unit_test(test_reserve_overflow),
		cmocka_unit_test(test_compaction),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_round_trip_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
