/* PerSourcePenalties: the table of penalised source blocks (see penalty.h). */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "penalty.h"

#define MS	1000u

static size_t
addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* The address with the bits past the block size cleared. */
static void
mask_addr(int family, const uint8_t *addr, int bits, uint8_t *out)
{
	size_t i, len = addr_len(family);

	memset(out, 0, 16);
	memcpy(out, addr, len);
	for (i = 0; i < len; i++) {
		int keep = bits - (int)i * 8;

		if (keep >= 8)
			continue;
		out[i] = keep <= 0 ? 0 : (uint8_t)(out[i] &
		    (uint8_t)(0xff << (8 - keep)));
	}
}

static int
family_bits(const struct policy_penalties *t, int family)
{
	return family == AF_INET ? t->cfg.bits4 : t->cfg.bits6;
}

static size_t
family_max(const struct policy_penalties *t, int family)
{
	return (size_t)(family == AF_INET ? t->cfg.max_sources4 :
	    t->cfg.max_sources6);
}

static int
family_overflow(const struct policy_penalties *t, int family)
{
	return family == AF_INET ? t->cfg.overflow4 : t->cfg.overflow6;
}

int
policy_penalty_init(struct policy_penalties *t,
    const struct policy_penalty_cfg *cfg)
{
	memset(t, 0, sizeof(*t));
	if (cfg->bits4 < 0 || cfg->bits4 > 32 || cfg->bits6 < 0 ||
	    cfg->bits6 > 128 || cfg->crash < 0 || cfg->authfail < 0 ||
	    cfg->noauth < 0 || cfg->grace < 0 || cfg->max < 0 ||
	    cfg->min < 0 || cfg->max_sources4 < 0 || cfg->max_sources6 < 0)
		return PC_ERR_INVALID_ARGUMENT;
	t->cfg = *cfg;
	return 0;
}

void
policy_penalty_clear(struct policy_penalties *t)
{
	if (t == NULL)
		return;
	free(t->e);
	memset(t, 0, sizeof(*t));
}

int
policy_penalty_exempt(const struct policy_penalties *t, int family,
    const uint8_t *addr)
{
	char s[INET6_ADDRSTRLEN];

	if (t->cfg.exempt == NULL || addr_len(family) == 0 ||
	    inet_ntop(family, addr, s, sizeof(s)) == NULL)
		return 0;
	return match_addr_list(s, t->cfg.exempt) == MATCH_YES;
}

/* Drop every entry whose time is up.  Order is not kept. */
static void
expire(struct policy_penalties *t, uint64_t now)
{
	size_t i = 0;

	while (i < t->n) {
		if (t->e[i].expiry <= now)
			t->e[i] = t->e[--t->n];
		else
			i++;
	}
}

static struct policy_penalty_entry *
find(struct policy_penalties *t, int family, const uint8_t *net)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->e[i].family == family &&
		    memcmp(t->e[i].net, net, 16) == 0)
			return &t->e[i];
	}
	return NULL;
}

int
policy_penalty_same_source(const struct policy_penalties *t, int family,
    const uint8_t *a, const uint8_t *b)
{
	uint8_t ma[16], mb[16];

	if (addr_len(family) == 0)
		return 0;
	mask_addr(family, a, family_bits(t, family), ma);
	mask_addr(family, b, family_bits(t, family), mb);
	return memcmp(ma, mb, sizeof(ma)) == 0;
}

size_t
policy_penalty_count(const struct policy_penalties *t, int family)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++) {
		if (t->e[i].family == family)
			n++;
	}
	return n;
}

const char *
policy_penalty_reason(enum policy_penalty_kind kind)
{
	/* OpenSSH's srclimit_penalise() wording. */
	switch (kind) {
	case POLICY_PENALTY_CRASH:
		return "penalty: caused crash";
	case POLICY_PENALTY_AUTHFAIL:
		return "penalty: failed authentication";
	case POLICY_PENALTY_NOAUTH:
		return "penalty: connections without attempting "
		    "authentication";
	case POLICY_PENALTY_GRACE:
		return "penalty: exceeded LoginGraceTime";
	default:
		return "";
	}
}

int
policy_penalty_check(struct policy_penalties *t, int family,
    const uint8_t *addr, uint64_t now, const char **reason)
{
	struct policy_penalty_entry *p;
	uint8_t net[16];

	if (!t->cfg.enabled || addr_len(family) == 0 ||
	    policy_penalty_exempt(t, family, addr))
		return 1;
	expire(t, now);
	if (family_overflow(t, family) == POLICY_PENALTY_DENY_ALL &&
	    policy_penalty_count(t, family) >= family_max(t, family)) {
		*reason = "too many penalised addresses";
		return 0;
	}
	mask_addr(family, addr, family_bits(t, family), net);
	if ((p = find(t, family, net)) == NULL || !p->active)
		return 1;
	*reason = policy_penalty_reason(p->kind);
	return 0;
}

static int64_t
kind_secs(const struct policy_penalties *t, enum policy_penalty_kind kind)
{
	switch (kind) {
	case POLICY_PENALTY_CRASH:
		return t->cfg.crash;
	case POLICY_PENALTY_AUTHFAIL:
		return t->cfg.authfail;
	case POLICY_PENALTY_NOAUTH:
		return t->cfg.noauth;
	case POLICY_PENALTY_GRACE:
		return t->cfg.grace;
	default:
		return -1;
	}
}

/* Permissive overflow: drop the family's soonest-expiring entries until
 * it is back within its limit. */
static size_t
evict(struct policy_penalties *t, int family)
{
	size_t i, soonest, n = 0, max = family_max(t, family);

	while (policy_penalty_count(t, family) > max) {
		soonest = t->n;
		for (i = 0; i < t->n; i++) {
			if (t->e[i].family == family && (soonest == t->n ||
			    t->e[i].expiry < t->e[soonest].expiry))
				soonest = i;
		}
		if (soonest == t->n)
			break;
		t->e[soonest] = t->e[--t->n];
		n++;
	}
	return n;
}

static void
net_text(const struct policy_penalties *t, int family, const uint8_t *net,
    char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];

	if (inet_ntop(family, net, s, sizeof(s)) == NULL)
		snprintf(s, sizeof(s), "UNKNOWN");
	snprintf(buf, len, "%s/%d", s, family_bits(t, family));
}

int
policy_penalty_add(struct policy_penalties *t, int family,
    const uint8_t *addr, enum policy_penalty_kind kind, uint64_t now,
    struct policy_penalty_event *ev)
{
	struct policy_penalty_entry *p, *ne;
	uint64_t charge, max, min;
	uint8_t net[16];
	int64_t secs;

	memset(ev, 0, sizeof(ev[0]));
	if (addr_len(family) == 0 || (kind != POLICY_PENALTY_NONE &&
	    kind_secs(t, kind) < 0))
		return PC_ERR_INVALID_ARGUMENT;
	ev->family = family == AF_INET ? "ipv4" : "ipv6";
	ev->reason = policy_penalty_reason(kind);
	if (!t->cfg.enabled || kind == POLICY_PENALTY_NONE ||
	    (secs = kind_secs(t, kind)) == 0 ||
	    policy_penalty_exempt(t, family, addr))
		return 0;
	/* Durations are bounded by the parser; keep the sums in range. */
	charge = (uint64_t)secs * MS;
	max = (uint64_t)t->cfg.max * MS;
	min = (uint64_t)t->cfg.min * MS;
	mask_addr(family, addr, family_bits(t, family), net);
	net_text(t, family, net, ev->net, sizeof(ev->net));
	expire(t, now);

	if ((p = find(t, family, net)) != NULL) {
		/* Accumulate, up to max from now. */
		p->expiry += charge;
		if (p->expiry - now > max)
			p->expiry = now + max;
		p->kind = kind;
		ev->remaining = p->expiry - now;
		if (!p->active && p->expiry - now > min) {
			p->active = 1;
			ev->what = POLICY_PENALTY_ACTIVATED;
		} else
			ev->what = POLICY_PENALTY_EXTENDED;
		return 0;
	}
	if (family_overflow(t, family) == POLICY_PENALTY_DENY_ALL &&
	    policy_penalty_count(t, family) >= family_max(t, family)) {
		ev->what = POLICY_PENALTY_TABLE_FULL;
		return 0;
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap == 0 ? 16 : t->cap * 2;

		if (ncap < t->cap || ncap > SIZE_MAX / sizeof(*ne) ||
		    (ne = realloc(t->e, ncap * sizeof(*ne))) == NULL)
			return PC_ERR_ALLOC;
		t->e = ne;
		t->cap = ncap;
	}
	/* A single charge is capped at max too: max is "the maximum time a
	 * source address range will be refused access for". */
	if (charge > max)
		charge = max;
	p = &t->e[t->n++];
	memset(p, 0, sizeof(*p));
	p->family = family;
	memcpy(p->net, net, sizeof(p->net));
	p->expiry = now + charge;
	p->kind = kind;
	p->active = charge > min;
	ev->what = p->active ? POLICY_PENALTY_NEW_ACTIVE :
	    POLICY_PENALTY_NEW_DEFERRED;
	ev->remaining = charge;
	ev->evicted = evict(t, family);
	return 0;
}
