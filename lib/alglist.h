/*
 * Algorithm name lists: the sshd_config(5) grammar of Ciphers, MACs,
 * KexAlgorithms and HostKeyAlgorithms, and the negotiation rule of
 * RFC 4253 s. 7.1.
 *
 * Lists are comma-separated names with no empty entries.  Names are
 * compared exactly (case-sensitively), as the protocol requires.
 */
#ifndef PC_ALGLIST_H
#define PC_ALGLIST_H

#include <stddef.h>

#include "err.h"

/* Most names in one list we accept (config or peer). */
#define ALGLIST_MAX_NAMES	256

/*
 * Build the effective list from a configuration value:
 *   "a,b"   the list replaces def;
 *   "+a,b"  appends a,b to def;
 *   "-p,q"  removes from def every name matching the patterns p,q
 *           ('*' and '?' wildcards, see match.h);
 *   "^a,b"  puts a,b at the head of def.
 * Every name given with the plain, '+' and '^' forms must be in supported.
 * Duplicates are dropped (the first occurrence stays) and only names in
 * supported survive.  On success *out is a new string the caller frees.
 * Errors: PC_ERR_INVALID_FORMAT (empty spec or empty entry, too many
 * names), PC_ERR_NOT_FOUND (a name is not supported), PC_ERR_INVALID_ARGUMENT
 * (the result would be empty), PC_ERR_ALLOC.
 */
int	alglist_assemble(const char *spec, const char *def,
	    const char *supported, char **out) PC_WUR;

/*
 * Negotiate: the first name in client that is also in server (RFC 4253
 * s. 7.1).  *out is a new string the caller frees.  PC_ERR_NO_ALGORITHM_MATCH
 * if there is none, PC_ERR_INVALID_FORMAT if either list has more than
 * ALGLIST_MAX_NAMES names.
 */
int	alglist_match(const char *client, const char *server,
	    char **out) PC_WUR;

/* 1 if name (exact) is one of the names in list, else 0. */
int	alglist_contains(const char *list, const char *name);

#endif /* PC_ALGLIST_H */
