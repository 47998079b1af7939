/* Unit tests for lib/match.c: wildcard patterns, pattern lists with
 * negation, and IPv4/IPv6 address and CIDR lists. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "match.h"

static void
test_pattern_basic(void **state)
{
	(void)state;
	assert_int_equal(match_pattern("foo", "foo", 0), 1);
	assert_int_equal(match_pattern("foo", "fo", 0), 0);
	assert_int_equal(match_pattern("fo", "foo", 0), 0);
	assert_int_equal(match_pattern("", "", 0), 1);
	assert_int_equal(match_pattern("", "*", 0), 1);
	assert_int_equal(match_pattern("", "?", 0), 0);
	assert_int_equal(match_pattern("abc", "a?c", 0), 1);
	assert_int_equal(match_pattern("ac", "a?c", 0), 0);
	assert_int_equal(match_pattern("abc", "*", 0), 1);
	assert_int_equal(match_pattern("abc", "a*", 0), 1);
	assert_int_equal(match_pattern("abc", "*c", 0), 1);
	assert_int_equal(match_pattern("abc", "*b*", 0), 1);
	assert_int_equal(match_pattern("abc", "*d*", 0), 0);
	assert_int_equal(match_pattern("host.example.com", "*.example.com", 0),
	    1);
	assert_int_equal(match_pattern("example.com", "*.example.com", 0), 0);
	/* Backtracking: the first '*' must give back characters. */
	assert_int_equal(match_pattern("aaab", "*a*ab", 0), 1);
	assert_int_equal(match_pattern("mississippi", "m*iss*ppi", 0), 1);
	assert_int_equal(match_pattern("mississippi", "m*iss*ppx", 0), 0);
	assert_int_equal(match_pattern("ab", "a**b", 0), 1);
	assert_int_equal(match_pattern("abc", "???", 0), 1);
	assert_int_equal(match_pattern("abcd", "???", 0), 0);
}

static void
test_pattern_case(void **state)
{
	(void)state;
	assert_int_equal(match_pattern("Host.Example", "host.example", 0), 0);
	assert_int_equal(match_pattern("Host.Example", "host.example", 1), 1);
	assert_int_equal(match_pattern("HOST", "h*T", 1), 1);
	assert_int_equal(match_pattern("HOST", "h*T", 0), 0);
}

static void
test_pattern_pathological(void **state)
{
	char s[4001], p[200];
	size_t i;

	(void)state;
	/* Many stars against a long non-matching string must finish fast
	 * (no exponential backtracking). */
	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	for (i = 0; i + 1 < sizeof(p); i += 2) {
		p[i] = '*';
		p[i + 1] = 'a';
	}
	p[sizeof(p) - 2] = 'b';
	p[sizeof(p) - 1] = '\0';
	assert_int_equal(match_pattern(s, p, 0), 0);
}

static void
test_pattern_list(void **state)
{
	(void)state;
	assert_int_equal(match_pattern_list("alice", "bob,alice", 0),
	    MATCH_YES);
	assert_int_equal(match_pattern_list("carol", "bob,alice", 0),
	    MATCH_NONE);
	assert_int_equal(match_pattern_list("alice", "a*,!alice", 0),
	    MATCH_NEGATED);
	/* Negation wins wherever it is in the list. */
	assert_int_equal(match_pattern_list("alice", "!alice,a*", 0),
	    MATCH_NEGATED);
	assert_int_equal(match_pattern_list("anna", "a*,!alice", 0),
	    MATCH_YES);
	/* A list of only negations matches nothing by itself. */
	assert_int_equal(match_pattern_list("bob", "!alice", 0), MATCH_NONE);
	assert_int_equal(match_pattern_list("alice", "!alice", 0),
	    MATCH_NEGATED);
	/* Empty entries and a bare "!" never match. */
	assert_int_equal(match_pattern_list("", ",", 0), MATCH_NONE);
	assert_int_equal(match_pattern_list("x", "!,", 0), MATCH_NONE);
	assert_int_equal(match_pattern_list("x", "", 0), MATCH_NONE);
	assert_int_equal(match_pattern_list("ALICE", "alice", 1), MATCH_YES);
	assert_int_equal(match_pattern_list("ALICE", "alice", 0), MATCH_NONE);
	assert_int_equal(match_pattern_list("ALICE", "*,!alice", 1),
	    MATCH_NEGATED);
}

static void
test_addr_v4(void **state)
{
	(void)state;
	assert_int_equal(match_addr_list("192.168.1.10", "192.168.1.0/24"),
	    MATCH_YES);
	assert_int_equal(match_addr_list("192.168.2.10", "192.168.1.0/24"),
	    MATCH_NONE);
	assert_int_equal(match_addr_list("10.1.2.3", "10.0.0.0/8"),
	    MATCH_YES);
	assert_int_equal(match_addr_list("11.1.2.3", "10.0.0.0/8"),
	    MATCH_NONE);
	assert_int_equal(match_addr_list("10.1.2.3", "10.1.2.3"), MATCH_YES);
	assert_int_equal(match_addr_list("10.1.2.4", "10.1.2.3"), MATCH_NONE);
	assert_int_equal(match_addr_list("10.1.2.3", "10.1.2.3/32"),
	    MATCH_YES);
	assert_int_equal(match_addr_list("1.2.3.4", "0.0.0.0/0"), MATCH_YES);
	/* Non-octet-aligned masks. */
	assert_int_equal(match_addr_list("172.31.255.255", "172.16.0.0/12"),
	    MATCH_YES);
	assert_int_equal(match_addr_list("172.32.0.0", "172.16.0.0/12"),
	    MATCH_NONE);
	/* Negation. */
	assert_int_equal(match_addr_list("10.0.0.5",
	    "10.0.0.0/8,!10.0.0.5"), MATCH_NEGATED);
	assert_int_equal(match_addr_list("10.0.0.6",
	    "10.0.0.0/8,!10.0.0.5"), MATCH_YES);
	assert_int_equal(match_addr_list("10.0.0.5",
	    "!10.0.0.0/24,10.0.0.5"), MATCH_NEGATED);
	/* Wildcards against the text form. */
	assert_int_equal(match_addr_list("192.168.1.7", "192.168.1.*"),
	    MATCH_YES);
	assert_int_equal(match_addr_list("192.168.10.7", "192.168.1.?"),
	    MATCH_NONE);
	/* Strict list refuses wildcards. */
	assert_int_equal(match_cidr_list("192.168.1.7", "192.168.1.*"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_cidr_list("192.168.1.7", "192.168.1.0/24"),
	    MATCH_YES);
}

static void
test_addr_v6(void **state)
{
	(void)state;
	assert_int_equal(match_addr_list("2001:db8::1", "2001:db8::/32"),
	    MATCH_YES);
	assert_int_equal(match_addr_list("2001:db9::1", "2001:db8::/32"),
	    MATCH_NONE);
	assert_int_equal(match_addr_list("::1", "::1"), MATCH_YES);
	assert_int_equal(match_addr_list("::1", "::1/128"), MATCH_YES);
	assert_int_equal(match_addr_list("::2", "::1"), MATCH_NONE);
	assert_int_equal(match_addr_list("fe80::1:2", "fe80::/10"),
	    MATCH_YES);
	assert_int_equal(match_addr_list("febf::1", "fe80::/10"), MATCH_YES);
	assert_int_equal(match_addr_list("fec0::1", "fe80::/10"), MATCH_NONE);
	assert_int_equal(match_addr_list("2001:db8::5",
	    "2001:db8::/32,!2001:db8::5"), MATCH_NEGATED);
	/* Families never cross, except mapped addresses. */
	assert_int_equal(match_addr_list("::ffff:10.0.0.1", "10.0.0.0/8"),
	    MATCH_YES);
	assert_int_equal(match_addr_list("10.0.0.1", "::/0"), MATCH_NONE);
	assert_int_equal(match_addr_list("2001:db8::1", "0.0.0.0/0"),
	    MATCH_NONE);
	/* Different spellings of one address. */
	assert_int_equal(match_addr_list("2001:0db8:0:0::1", "2001:db8::1"),
	    MATCH_YES);
}

static void
test_addr_malformed(void **state)
{
	(void)state;
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.0/33"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("::1", "::/129"),
	    PC_ERR_INVALID_FORMAT);
	/* Host bits set: inconsistent mask. */
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.1/8"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("::1", "2001:db8::1/32"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.0/"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.0/8x"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.0/-8"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.0/0008"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("10.0.0.1", "/8"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0/8"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("10.0.0.1", "300.0.0.0/8"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("10.0.0.1", "example.com"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.1,,10.0.0.2"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.1,"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("10.0.0.1", "!"),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(match_addr_list("10.0.0.1", ""),
	    PC_ERR_INVALID_FORMAT);
	/* An error anywhere in the list is reported even after a match. */
	assert_int_equal(match_addr_list("10.0.0.1", "10.0.0.1,10.0.0.0/99"),
	    PC_ERR_INVALID_FORMAT);
	/* Syntax check only. */
	assert_int_equal(match_addr_list(NULL, "10.0.0.0/8,!::1,192.*"), 0);
	assert_int_equal(match_addr_list(NULL, "10.0.0.0/7x"),
	    PC_ERR_INVALID_FORMAT);
	/* A client "address" that is not numeric matches only wildcards. */
	assert_int_equal(match_addr_list("not-an-addr", "10.0.0.0/8"),
	    MATCH_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pattern_basic),
		cmocka_unit_test(test_pattern_case),
		cmocka_unit_test(test_pattern_pathological),
		cmocka_unit_test(test_pattern_list),
		cmocka_unit_test(test_addr_v4),
		cmocka_unit_test(test_addr_v6),
		cmocka_unit_test(test_addr_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
