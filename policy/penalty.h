/*
 * PerSourcePenalties (sshd_config(5) of OpenSSH 9.8): the listener's table
 * of penalised source address blocks, as pure decisions.
 *
 * When an unauthenticated connection ends badly (its process crashed,
 * authentication was tried and failed, nothing was tried, LoginGraceTime
 * ran out), its source block (the address masked to PerSourceNetBlockSize)
 * is charged that kind's duration.  Charges to a block already in the
 * table accumulate on its expiry time, capped at max from now.  A block is
 * refused at accept only once its outstanding penalty exceeds min ("active");
 * until then the entry is "deferred" and only remembers the time.  Entries
 * leave the table when they expire.  Each family's table holds at most
 * max-sources4 / max-sources6 blocks: when full, "permissive" drops the
 * entries that expire soonest to make room, "deny-all" refuses every new
 * connection of that family (and records no more penalties) until entries
 * expire.  Addresses in PerSourcePenaltyExemptList are never charged nor
 * refused.
 *
 * Pure: no I/O, no clock, no logging.  Times are milliseconds on any
 * monotonic clock the caller passes in; the caller logs the events.
 *
 * Ownership: the table owns its entries; cfg->exempt is borrowed for the
 * life of the table.
 */
#ifndef PC_POLICY_PENALTY_H
#define PC_POLICY_PENALTY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* How a connection ended, as the listener learns it. */
enum policy_penalty_kind {
	POLICY_PENALTY_NONE = 0,	/* authenticated, or ended cleanly */
	POLICY_PENALTY_CRASH,		/* killed by a crash signal */
	POLICY_PENALTY_AUTHFAIL,	/* attempts made, none succeeded */
	POLICY_PENALTY_NOAUTH,		/* closed without an attempt */
	POLICY_PENALTY_GRACE,		/* LoginGraceTime exceeded */
};

#define POLICY_PENALTY_PERMISSIVE	0	/* overflow: evict soonest */
#define POLICY_PENALTY_DENY_ALL		1	/* overflow: refuse all */

/* OpenSSH 9.8's defaults (servconf.c fill_default_server_options). */
#define POLICY_PENALTY_DEF_CRASH	90
#define POLICY_PENALTY_DEF_AUTHFAIL	5
#define POLICY_PENALTY_DEF_NOAUTH	1
#define POLICY_PENALTY_DEF_GRACE	20
#define POLICY_PENALTY_DEF_MAX		600
#define POLICY_PENALTY_DEF_MIN		15
#define POLICY_PENALTY_DEF_SOURCES	65536

struct policy_penalty_cfg {
	int enabled;
	/* Durations in seconds; 0 charges nothing for that kind. */
	int64_t crash, authfail, noauth, grace;
	int64_t max, min;
	int64_t max_sources4, max_sources6;
	int overflow4, overflow6;	/* POLICY_PENALTY_PERMISSIVE/DENY_ALL */
	int bits4, bits6;		/* PerSourceNetBlockSize, 0-32, 0-128 */
	/* PerSourcePenaltyExemptList (match_addr_list syntax) or NULL. */
	const char *exempt;
};

struct policy_penalty_entry {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t net[16];		/* masked address */
	uint64_t expiry;		/* ms */
	int active;
	enum policy_penalty_kind kind;	/* the last charge's */
};

struct policy_penalties {
	struct policy_penalty_cfg cfg;
	struct policy_penalty_entry *e;
	size_t n, cap;
};

/* What policy_penalty_add did, for the caller's log line. */
enum policy_penalty_what {
	POLICY_PENALTY_IGNORED = 0,	/* off, exempt, kind free of charge */
	POLICY_PENALTY_NEW_ACTIVE,	/* new entry, refused from now on */
	POLICY_PENALTY_NEW_DEFERRED,	/* new entry, below min */
	POLICY_PENALTY_ACTIVATED,	/* existing entry crossed min */
	POLICY_PENALTY_EXTENDED,	/* existing entry, more time */
	POLICY_PENALTY_TABLE_FULL,	/* deny-all overflow: not recorded */
};

#define POLICY_PENALTY_NETLEN	64	/* "ADDR/BITS" */

struct policy_penalty_event {
	enum policy_penalty_what what;
	const char *family;		/* "ipv4" / "ipv6" */
	char net[POLICY_PENALTY_NETLEN];	/* "127.0.0.2/32" */
	uint64_t remaining;		/* ms of penalty left after the charge */
	const char *reason;		/* "penalty: failed authentication" */
	size_t evicted;			/* entries dropped (permissive) */
};

/* cfg is copied (exempt stays borrowed).  PC_ERR_INVALID_ARGUMENT for
 * block sizes out of range or negative values.  Clear with
 * policy_penalty_clear. */
int	policy_penalty_init(struct policy_penalties *t,
	    const struct policy_penalty_cfg *cfg) PC_WUR;
void	policy_penalty_clear(struct policy_penalties *t);

/* Whether the address (4 or 16 bytes for AF_INET / AF_INET6; an
 * IPv4-mapped address must be given as AF_INET) is exempt. */
int	policy_penalty_exempt(const struct policy_penalties *t, int family,
	    const uint8_t *addr);

/*
 * At accept: 1 to go on, 0 to refuse with *reason (static text:
 * "penalty: failed authentication", "too many penalised addresses").
 * Expires old entries first.
 */
int	policy_penalty_check(struct policy_penalties *t, int family,
	    const uint8_t *addr, uint64_t now, const char **reason);

/*
 * Charge the address's block for kind at time now.  ev says what
 * happened.  PC_ERR_ALLOC if the table could not grow (nothing recorded);
 * PC_ERR_INVALID_ARGUMENT for an unknown family or kind.
 */
int	policy_penalty_add(struct policy_penalties *t, int family,
	    const uint8_t *addr, enum policy_penalty_kind kind, uint64_t now,
	    struct policy_penalty_event *ev) PC_WUR;

/* Whether a and b (same family) are one source: equal once masked to
 * PerSourceNetBlockSize (for PerSourceMaxStartups too). */
int	policy_penalty_same_source(const struct policy_penalties *t,
	    int family, const uint8_t *a, const uint8_t *b);

/* Entries of a family in the table (after the last expiry pass). */
size_t	policy_penalty_count(const struct policy_penalties *t, int family);

/* "penalty: caused crash" etc.; "" for POLICY_PENALTY_NONE. */
const char *policy_penalty_reason(enum policy_penalty_kind kind);

#endif /* PC_POLICY_PENALTY_H */
