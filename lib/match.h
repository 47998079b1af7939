/*
 * OpenSSH-style pattern matching (sshd_config(5) "PATTERNS").
 *
 * A pattern may contain '*' (any run of characters, possibly empty) and
 * '?' (exactly one character).  A pattern list is a comma-separated list
 * of patterns, each optionally prefixed by '!' to negate it.  A list
 * matches a string if some positive pattern matches it and no negated
 * pattern does: a negated match wins over any positive match, wherever it
 * appears in the list.
 *
 * Address lists follow the same rules; each entry is an IPv4 or IPv6
 * address, a CIDR network "addr/masklen" (host bits must be zero), or a
 * wildcard pattern matched against the address as text.  An IPv4-mapped
 * IPv6 address (::ffff:a.b.c.d) matches as the IPv4 address a.b.c.d.
 *
 * Nothing here allocates or logs; every function only reads its
 * arguments.
 */
#ifndef PC_MATCH_H
#define PC_MATCH_H

#include <stddef.h>

#include "err.h"

/* Results of the list matchers (never negative). */
#define MATCH_NONE	0	/* no pattern matched */
#define MATCH_YES	1	/* a positive pattern matched, no negated one */
#define MATCH_NEGATED	2	/* a negated pattern matched: denies */

/* 1 if s matches the single pattern, else 0.  icase: ASCII case-folding. */
int	match_pattern(const char *s, const char *pattern, int icase);
/* Same, with the pattern given as pattern[0..patlen) (need not end in
 * NUL). */
int	match_pattern_len(const char *s, const char *pattern, size_t patlen,
	    int icase);

/* MATCH_NONE, MATCH_YES or MATCH_NEGATED.  Empty entries never match. */
int	match_pattern_list(const char *s, const char *list, int icase);

/*
 * Match an address (numeric IPv4 or IPv6 text) against an address list.
 * Returns MATCH_NONE, MATCH_YES or MATCH_NEGATED; PC_ERR_INVALID_FORMAT if
 * an entry is malformed: an empty entry, a bad CIDR (mask too long, host
 * bits set, junk after the mask), or an entry that is neither an address
 * nor a wildcard pattern.  If addr is NULL, only the list's syntax is
 * checked (0 if valid).  An addr that is not a numeric address matches
 * only wildcard entries.
 */
int	match_addr_list(const char *addr, const char *list) PC_WUR;

/*
 * Strict CIDR list (no wildcards), as for authorized_keys from= and
 * permitted address lists: every entry must be an address or network.
 * Same results as match_addr_list.
 */
int	match_cidr_list(const char *addr, const char *list) PC_WUR;

#endif /* PC_MATCH_H */
