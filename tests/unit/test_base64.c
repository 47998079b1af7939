/* lib/base64.c: RFC 4648 section 10 vectors and strict decoding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"

/* RFC 4648 s. 10 test vectors. */
static const struct {
	const char *in, *padded, *unpadded;
} vectors[] = {
	{ "", "", "" },
	{ "f", "Zg==", "Zg" },
	{ "fo", "Zm8=", "Zm8" },
	{ "foo", "Zm9v", "Zm9v" },
	{ "foob", "Zm9vYg==", "Zm9vYg" },
	{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
};

static void
test_rfc4648_encode(void **state)
{
	char out[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		assert_int_equal(base64_encode(out, sizeof(out), vectors[i].in,
		    strlen(vectors[i].in), 0), 0);
		assert_string_equal(out, vectors[i].padded);
		assert_int_equal(base64_encoded_len(strlen(vectors[i].in), 0),
		    strlen(vectors[i].padded));
		assert_int_equal(base64_encode(out, sizeof(out), vectors[i].in,
		    strlen(vectors[i].in), BASE64_NOPAD), 0);
		assert_string_equal(out, vectors[i].unpadded);
		assert_int_equal(base64_encoded_len(strlen(vectors[i].in),
		    BASE64_NOPAD), strlen(vectors[i].unpadded));
	}
}

static void
test_rfc4648_decode(void **state)
{
	uint8_t out[32];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		memset(out, 0xaa, sizeof(out));
		assert_int_equal(base64_decode(out, sizeof(out), &n,
		    vectors[i].padded, strlen(vectors[i].padded), 0), 0);
		assert_int_equal(n, strlen(vectors[i].in));
		assert_memory_equal(out, vectors[i].in, n);
		assert_int_equal(base64_decode(out, sizeof(out), &n,
		    vectors[i].unpadded, strlen(vectors[i].unpadded),
		    BASE64_NOPAD), 0);
		assert_int_equal(n, strlen(vectors[i].in));
		assert_memory_equal(out, vectors[i].in, n);
	}
}

/* Every byte value and every length up to 70, both ways. */
static void
test_roundtrip(void **state)
{
	uint8_t in[256], out[256];
	char enc[400];
	size_t len, n, i;
	int flags;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(255 - i);
	for (flags = 0; flags <= BASE64_NOPAD; flags += BASE64_NOPAD) {
		for (len = 0; len <= 70; len++) {
			assert_int_equal(base64_encode(enc, sizeof(enc), in,
			    len, flags), 0);
			assert_int_equal(strlen(enc),
			    base64_encoded_len(len, flags));
			assert_true(base64_decoded_max(strlen(enc)) >= len);
			assert_int_equal(base64_decode(out, sizeof(out), &n,
			    enc, strlen(enc), flags), 0);
			assert_int_equal(n, len);
			assert_memory_equal(out, in, len);
		}
		assert_int_equal(base64_encode(enc, sizeof(enc), in,
		    sizeof(in), flags), 0);
		assert_int_equal(base64_decode(out, sizeof(out), &n, enc,
		    strlen(enc), flags), 0);
		assert_int_equal(n, sizeof(in));
		assert_memory_equal(out, in, sizeof(in));
	}
}

static void
expect_invalid(const char *s, int flags)
{
	uint8_t out[64];
	size_t n = 99;

	assert_int_equal(base64_decode(out, sizeof(out), &n, s, strlen(s),
	    flags), PC_ERR_INVALID_FORMAT);
	assert_int_equal(n, 0);
}

static void
test_invalid_characters(void **state)
{
	(void)state;
	expect_invalid("Zm9v!A==", 0);
	expect_invalid("Zm9v YmFy", 0);
	expect_invalid("Zm9vYmF\n", 0);
	expect_invalid("Zm9v\nYmFy", 0);
	expect_invalid("Zm9-YmFy", 0);	/* base64url alphabet */
	expect_invalid("Zm9_YmFy", 0);
	expect_invalid("Zm9v\x80mFy", 0);
	/* An embedded NUL within the given length. */
	{
		static const char nul[] = { 'Z', 'm', '\0', 'v' };
		uint8_t out[8];
		size_t n;

		assert_int_equal(base64_decode(out, sizeof(out), &n, nul,
		    sizeof(nul), 0), PC_ERR_INVALID_FORMAT);
	}
}

static void
test_bad_padding(void **state)
{
	(void)state;
	expect_invalid("Zg=", 0);		/* not a multiple of 4 */
	expect_invalid("Zg", 0);		/* padding missing */
	expect_invalid("Z===", 0);		/* three '=' */
	expect_invalid("====", 0);
	expect_invalid("Zg==Zg==", 0);		/* padding in the middle */
	expect_invalid("Zm=v", 0);
	expect_invalid("Zg=a", 0);
	expect_invalid("Zh==", 0);		/* non-zero pad bits */
	expect_invalid("Zm9=", 0);
	expect_invalid("Zg==", BASE64_NOPAD);	/* '=' when unpadded */
	expect_invalid("Zh", BASE64_NOPAD);
	expect_invalid("Zm9", BASE64_NOPAD);
}

static void
test_lengths(void **state)
{
	uint8_t out[8];
	char enc[16];
	size_t n;

	(void)state;
	expect_invalid("Z", BASE64_NOPAD);	/* one char: 6 bits */
	expect_invalid("Zm9vY", BASE64_NOPAD);
	expect_invalid("Zm9vY", 0);
	/* Output buffers that are too small. */
	assert_int_equal(base64_decode(out, 5, &n, "Zm9vYmFy", 8, 0),
	    PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(base64_decode(out, 6, &n, "Zm9vYmFy", 8, 0), 0);
	assert_int_equal(n, 6);
	assert_int_equal(base64_encode(enc, 8, "foobar", 6, 0),
	    PC_ERR_NO_BUFFER_SPACE);		/* no room for the NUL */
	assert_int_equal(base64_encode(enc, 9, "foobar", 6, 0), 0);
	assert_int_equal(base64_encode(enc, 0, "", 0, 0),
	    PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(base64_encode(enc, 1, "", 0, 0), 0);
	assert_string_equal(enc, "");
	assert_int_equal(base64_decoded_max(0), 0);
	assert_int_equal(base64_decoded_max(4), 3);
	assert_int_equal(base64_decoded_max(7), 5);
	assert_int_equal(base64_encoded_len(SIZE_MAX, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648_encode),
		cmocka_unit_test(test_rfc4648_decode),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_invalid_characters),
		cmocka_unit_test(test_bad_padding),
		cmocka_unit_test(test_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
