/* Unit tests for lib/alglist.c: the +/-/^ grammar and negotiation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alglist.h"

#define SUP	"aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,aes256-cbc," \
		"chacha20-poly1305@openssh.com,aes128-gcm@openssh.com," \
		"aes256-gcm@openssh.com,3des-cbc"
#define DEF	"chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr," \
		"aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com"

static void
expect_list(const char *spec, const char *want)
{
	char *out = NULL;

	assert_int_equal(alglist_assemble(spec, DEF, SUP, &out), 0);
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void
expect_err(const char *spec, int err)
{
	char *out = (char *)1;

	assert_int_equal(alglist_assemble(spec, DEF, SUP, &out), err);
	assert_null(out);
}

static void
test_plain(void **state)
{
	(void)state;
	expect_list("aes256-ctr", "aes256-ctr");
	expect_list("aes128-cbc,aes256-ctr", "aes128-cbc,aes256-ctr");
	/* Duplicates collapse onto the first occurrence. */
	expect_list("aes256-ctr,aes128-ctr,aes256-ctr",
	    "aes256-ctr,aes128-ctr");
	expect_list(DEF, DEF);
}

static void
test_append(void **state)
{
	(void)state;
	expect_list("+aes128-cbc", DEF ",aes128-cbc");
	expect_list("+3des-cbc,aes256-cbc", DEF ",3des-cbc,aes256-cbc");
	/* Appending a default name does not duplicate it. */
	expect_list("+aes128-ctr", DEF);
}

static void
test_remove(void **state)
{
	(void)state;
	expect_list("-aes128-ctr", "chacha20-poly1305@openssh.com,"
	    "aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
	    "aes256-gcm@openssh.com");
	expect_list("-*-ctr", "chacha20-poly1305@openssh.com,"
	    "aes128-gcm@openssh.com,aes256-gcm@openssh.com");
	expect_list("-*gcm*,chacha20*", "aes128-ctr,aes192-ctr,aes256-ctr");
	expect_list("-aes1?" "?-ctr", "chacha20-poly1305@openssh.com,"
	    "aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com");
	/* Removing something absent (even unknown) is harmless. */
	expect_list("-nosuch-cipher", DEF);
	/* Removing everything is an error. */
	expect_err("-*", PC_ERR_INVALID_ARGUMENT);
}

static void
test_head(void **state)
{
	(void)state;
	expect_list("^aes256-gcm@openssh.com", "aes256-gcm@openssh.com,"
	    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,"
	    "aes256-ctr,aes128-gcm@openssh.com");
	expect_list("^3des-cbc,aes128-ctr", "3des-cbc,aes128-ctr,"
	    "chacha20-poly1305@openssh.com,aes192-ctr,aes256-ctr,"
	    "aes128-gcm@openssh.com,aes256-gcm@openssh.com");
}

static void
test_errors(void **state)
{
	char *out = NULL;

	(void)state;
	expect_err("nosuch", PC_ERR_NOT_FOUND);
	expect_err("aes128-ctr,nosuch", PC_ERR_NOT_FOUND);
	expect_err("+nosuch", PC_ERR_NOT_FOUND);
	expect_err("^nosuch", PC_ERR_NOT_FOUND);
	/* Wildcards are only for removal. */
	expect_err("aes*", PC_ERR_NOT_FOUND);
	expect_err("+aes*", PC_ERR_NOT_FOUND);
	/* Names are case-sensitive on the wire. */
	expect_err("AES128-CTR", PC_ERR_NOT_FOUND);
	expect_err("", PC_ERR_INVALID_FORMAT);
	expect_err("+", PC_ERR_INVALID_FORMAT);
	expect_err("-", PC_ERR_INVALID_FORMAT);
	expect_err("^", PC_ERR_INVALID_FORMAT);
	expect_err("aes128-ctr,", PC_ERR_INVALID_FORMAT);
	expect_err(",aes128-ctr", PC_ERR_INVALID_FORMAT);
	expect_err("aes128-ctr,,aes256-ctr", PC_ERR_INVALID_FORMAT);
	expect_err("-aes128-ctr,", PC_ERR_INVALID_FORMAT);
	expect_err("++aes128-cbc", PC_ERR_NOT_FOUND);
	assert_int_equal(alglist_assemble(NULL, DEF, SUP, &out),
	    PC_ERR_INVALID_ARGUMENT);
	assert_null(out);
}

static void
test_too_many(void **state)
{
	char *spec, *out = NULL;
	size_t i, len = 0, cap = (ALGLIST_MAX_NAMES + 1) * 11 + 1;

	(void)state;
	assert_non_null(spec = malloc(cap));
	spec[0] = '\0';
	for (i = 0; i < ALGLIST_MAX_NAMES + 1; i++) {
		len += (size_t)snprintf(spec + len, cap - len, "%saes128-ctr",
		    i ? "," : "");
	}
	assert_int_equal(alglist_assemble(spec, DEF, SUP, &out),
	    PC_ERR_INVALID_FORMAT);
	free(spec);
}

static void
test_unsupported_default_dropped(void **state)
{
	char *out = NULL;

	(void)state;
	/* A default name the build does not support never leaks out. */
	assert_int_equal(alglist_assemble("+aes128-ctr", "bogus,aes256-ctr",
	    SUP, &out), 0);
	assert_string_equal(out, "aes256-ctr,aes128-ctr");
	free(out);
}

static void
test_match(void **state)
{
	char *out = NULL;

	(void)state;
	/* RFC 4253 s. 7.1: the client's preference decides. */
	assert_int_equal(alglist_match("a,b,c", "c,b", &out), 0);
	assert_string_equal(out, "b");
	free(out);
	assert_int_equal(alglist_match("c", "a,b,c", &out), 0);
	assert_string_equal(out, "c");
	free(out);
	/* Prefixes are not matches. */
	assert_int_equal(alglist_match("aes128", "aes128-ctr", &out),
	    PC_ERR_NO_ALGORITHM_MATCH);
	assert_null(out);
	assert_int_equal(alglist_match("aes128-ctr", "aes128", &out),
	    PC_ERR_NO_ALGORITHM_MATCH);
	assert_int_equal(alglist_match("", "a", &out),
	    PC_ERR_NO_ALGORITHM_MATCH);
	assert_int_equal(alglist_match("a", "", &out),
	    PC_ERR_NO_ALGORITHM_MATCH);
	/* Empty names never match each other. */
	assert_int_equal(alglist_match(",x", ",y", &out),
	    PC_ERR_NO_ALGORITHM_MATCH);
	assert_int_equal(alglist_match("x,,b", "b", &out), 0);
	assert_string_equal(out, "b");
	free(out);
}

static void
test_match_cap(void **state)
{
	char *list, *out = NULL;
	size_t i, n = ALGLIST_MAX_NAMES + 1;

	(void)state;
	assert_non_null(list = malloc(n * 2));
	for (i = 0; i < n; i++) {
		list[2 * i] = 'x';
		list[2 * i + 1] = ',';
	}
	list[2 * n - 1] = '\0';
	assert_int_equal(alglist_match(list, "x", &out),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(alglist_match("x", list, &out),
	    PC_ERR_INVALID_FORMAT);
	/* One fewer is fine. */
	list[2 * n - 3] = '\0';
	assert_int_equal(alglist_match(list, "x", &out), 0);
	assert_string_equal(out, "x");
	free(out);
	free(list);
}

static void
test_contains(void **state)
{
	(void)state;
	assert_int_equal(alglist_contains("a,bb,c", "bb"), 1);
	assert_int_equal(alglist_contains("a,bb,c", "b"), 0);
	assert_int_equal(alglist_contains("a,bb,c", ""), 0);
	assert_int_equal(alglist_contains("", ""), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_head),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_unsupported_default_dropped),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_match_cap),
		cmocka_unit_test(test_contains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
