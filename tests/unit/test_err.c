/*
 * Unit tests for the error messages (lib/err.h): every code has its own
 * message, and anything outside the table is "unknown error".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

#define UNKNOWN	"unknown error"

/* Every named code; the table must cover each of them. */
static const int named_codes[] = {
	PC_OK, PC_ERR_INTERNAL, PC_ERR_ALLOC, PC_ERR_MSG_INCOMPLETE,
	PC_ERR_NO_BUFFER_SPACE, PC_ERR_TRAILING_DATA, PC_ERR_INVALID_FORMAT,
	PC_ERR_STRING_TOO_LARGE, PC_ERR_BIGNUM_NEGATIVE,
	PC_ERR_BIGNUM_TOO_LARGE, PC_ERR_BIGNUM_NOT_MINIMAL,
	PC_ERR_INVALID_ARGUMENT, PC_ERR_NO_ALGORITHM_MATCH,
	PC_ERR_MAC_INVALID, PC_ERR_SIGNATURE_INVALID,
	PC_ERR_KEY_TYPE_UNKNOWN, PC_ERR_KEY_INVALID, PC_ERR_KEY_FORMAT,
	PC_ERR_KEY_ENCRYPTED, PC_ERR_LIBCRYPTO, PC_ERR_PROTOCOL,
	PC_ERR_PACKET_TOO_LARGE, PC_ERR_BAD_PADDING, PC_ERR_BANNER,
	PC_ERR_PEER_DISCONNECTED, PC_ERR_UNEXPECTED_MESSAGE, PC_ERR_SYSTEM,
	PC_ERR_CONFIG, PC_ERR_NOT_FOUND, PC_ERR_AGAIN, PC_ERR_KEX_INVALID,
	PC_ERR_HOSTKEY_REJECTED, PC_ERR_STRICT_KEX, PC_ERR_CONN_CLOSED,
	PC_ERR_TIMEOUT, PC_ERR_RANGE, PC_ERR_AUTH_FAILED, PC_ERR_KEY_REVOKED,
	PC_ERR_CERT_INVALID, PC_ERR_PERMISSION_DENIED,
};

static void
test_named_codes_in_range(void **state)
{
	size_t i, j;

	for (i = 0; i < sizeof(named_codes) / sizeof(named_codes[0]); i++) {
		assert_true(named_codes[i] <= 0);
		assert_true(named_codes[i] > -PC_ERR_NUM);
		for (j = 0; j < i; j++) {
			assert_int_not_equal(named_codes[i], named_codes[j]);
		}
	}
}

static void
test_every_code_has_own_message(void **state)
{
	const char *msgs[PC_ERR_NUM];
	int i, j;

	for (i = 0; i < PC_ERR_NUM; i++) {
		msgs[i] = pc_strerror(-i);
		assert_non_null(msgs[i]);
		if (msgs[i][0] == '\0' || strcmp(msgs[i], UNKNOWN) == 0) {
			fail_msg("code %d has no message", -i);
		}
		for (j = 0; j < i; j++) {
			if (strcmp(msgs[i], msgs[j]) == 0) {
				fail_msg("codes %d and %d share \"%s\"", -i,
				    -j, msgs[i]);
			}
		}
	}
	assert_string_equal(pc_strerror(PC_OK), "success");
}

static void
test_some_messages(void **state)
{
	assert_string_equal(pc_strerror(PC_ERR_MSG_INCOMPLETE),
	    "message incomplete");
	assert_string_equal(pc_strerror(PC_ERR_BIGNUM_NEGATIVE),
	    "bignum is negative");
	assert_string_equal(pc_strerror(PC_ERR_TRAILING_DATA),
	    "unexpected data after end of message");
}

static void
test_out_of_range(void **state)
{
	const int bad[] = { 1, 2, PC_ERR_NUM, -PC_ERR_NUM, -PC_ERR_NUM - 1,
	    -1000, 1000, INT_MAX, INT_MIN, INT_MIN + 1 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_non_null(pc_strerror(bad[i]));
		if (strcmp(pc_strerror(bad[i]), UNKNOWN) != 0) {
			fail_msg("code %d: \"%s\"", bad[i],
			    pc_strerror(bad[i]));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_named_codes_in_range),
		cmocka_unit_test(test_every_code_has_own_message),
		cmocka_unit_test(test_some_messages),
		cmocka_unit_test(test_out_of_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
