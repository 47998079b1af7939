/*
 * Login policy (see login.h): OpenSSH's allowed_user() list checks and
 * auth_root_allowed(), as pure functions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "login.h"
#include "match.h"

/* Longest address-list entry tried as an address or network; longer
 * entries can only be wildcard patterns (INET6_ADDRSTRLEN + "/128"). */
#define ADDR_ENTRY_MAX	(46 + 4)
/* Most entries in one HOST list: a bound on the work per entry. */
#define HOST_LIST_MAX	1024

static void
decide(struct policy_decision *d, int allowed, enum policy_login_rule rule,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
decide(struct policy_decision *d, int allowed, enum policy_login_rule rule,
    const char *fmt, ...)
{
	va_list ap;

	d->allowed = allowed;
	d->rule = rule;
	va_start(ap, fmt);
	/* Truncation is fine: the names in it are already cut. */
	(void)vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
}

static int
all_digits(const char *s)
{
	if (*s == '\0') {
		return 0;
	}
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9') {
			return 0;
		}
	}
	return 1;
}

/*
 * One entry of a HOST list against the address, as OpenSSH's
 * addr_match_list(): an address or addr/masklen compares as a network
 * (a valid address with a bad mask or host bits set is an error);
 * anything else is a wildcard pattern on the address text.  addr NULL:
 * syntax only.  Returns 1 (hit), 0, or PC_ERR_INVALID_FORMAT.
 */
static int
addr_entry_match(const char *addr, const char *e, size_t len)
{
	char buf[ADDR_ENTRY_MAX + 1], *slash;
	int r;

	if (len == 0) {
		return PC_ERR_INVALID_FORMAT;
	}
	if (len > ADDR_ENTRY_MAX) {
		return addr != NULL && match_pattern_len(addr, e, len, 0);
	}
	memcpy(buf, e, len);
	buf[len] = '\0';
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		r = all_digits(slash + 1) && match_cidr_list(NULL, buf) == 0;
		*slash = '/';
		if (!r) {
			/* Not a network: a pattern, as in OpenSSH. */
			return addr != NULL && match_pattern(addr, buf, 0);
		}
	} else if (match_cidr_list(NULL, buf) != 0) {
		return addr != NULL && match_pattern(addr, buf, 0);
	}
	/* A well-formed address, or a network to check strictly. */
	if ((r = match_cidr_list(addr, buf)) < 0) {
		return PC_ERR_INVALID_FORMAT;
	}
	return addr != NULL && r == MATCH_YES;
}

/*
 * The HOST part of USER@HOST: OpenSSH's match_host_and_ip().  The
 * address test decides first (a negated address refuses); then the host
 * name patterns, where a negated name refuses too.  Returns 1, 0 or
 * PC_ERR_INVALID_FORMAT.  With host or addr NULL, syntax only (0).
 */
static int
host_list_match(const char *host, const char *addr, const char *list)
{
	const char *p = list, *end;
	size_t len, n = 0;
	int neg, hit, mip = 0, mhost;

	for (;;) {
		if (++n > HOST_LIST_MAX) {
			return PC_ERR_INVALID_FORMAT;
		}
		end = strchr(p, ',');
		len = end == NULL ? strlen(p) : (size_t)(end - p);
		neg = len > 0 && p[0] == '!';
		if (neg) {
			p++;
			len--;
		}
		hit = addr_entry_match(addr, p, len);
		if (hit < 0) {
			return hit;
		}
		if (hit) {
			/* A negated hit wins wherever it is. */
			mip = neg ? -1 : (mip == -1 ? -1 : 1);
		}
		if (end == NULL) {
			break;
		}
		p = end + 1;
	}
	if (host == NULL || addr == NULL || mip == -1) {
		return 0;
	}
	mhost = match_pattern_list(host, list, 1);
	if (mhost == MATCH_NEGATED) {
		return 0;
	}
	return mhost == MATCH_YES || mip == 1;
}

/*
 * OpenSSH's match_user(): "USER" is one pattern; "USER@HOST" splits at
 * the last '@'.  Returns 1, 0 or PC_ERR_INVALID_FORMAT.  user NULL:
 * syntax only.
 */
static int
user_entry_match(const char *user, const char *host, const char *addr,
    const char *pattern)
{
	const char *at = strrchr(pattern, '@');
	int r;

	if (at == NULL) {
		return user != NULL && match_pattern(user, pattern, 0);
	}
	if (user == NULL) {
		r = host_list_match(NULL, NULL, at + 1);
		return r < 0 ? r : 0;
	}
	if (!match_pattern_len(user, pattern, (size_t)(at - pattern), 0)) {
		/* The host part is still checked, so an error surfaces. */
		r = host_list_match(NULL, NULL, at + 1);
		return r < 0 ? r : 0;
	}
	return host_list_match(host, addr, at + 1);
}

int
policy_login_user_pattern_check(const char *pattern)
{
	if (pattern == NULL || *pattern == '\0') {
		return PC_ERR_INVALID_FORMAT;
	}
	return user_entry_match(NULL, NULL, NULL, pattern) < 0 ?
	    PC_ERR_INVALID_FORMAT : 0;
}

int
policy_login_user_listed(const char *const *list, size_t n,
    const struct policy_login_subject *s, size_t *which)
{
	size_t i;
	int r;

	if (which != NULL) {
		*which = 0;
	}
	if (s == NULL || s->user == NULL || (n > 0 && list == NULL)) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	for (i = 0; i < n; i++) {
		if (which != NULL) {
			*which = i;
		}
		if (list[i] == NULL) {
			return PC_ERR_INVALID_ARGUMENT;
		}
		if ((r = user_entry_match(s->user, s->host, s->addr,
		    list[i])) != 0) {
			return r;
		}
	}
	return 0;
}

/* Does any of the user's groups match any entry (OpenSSH's ga_match)? */
int
policy_login_group_listed(const char *const *list, size_t n,
    const struct policy_login_subject *s, size_t *which)
{
	size_t i, j;

	if (which != NULL) {
		*which = 0;
	}
	if (s == NULL || (n > 0 && list == NULL) ||
	    (s->ngroups > 0 && s->groups == NULL)) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	for (j = 0; j < n; j++) {
		if (list[j] == NULL) {
			return PC_ERR_INVALID_ARGUMENT;
		}
	}
	for (i = 0; i < s->ngroups; i++) {
		if (s->groups[i] == NULL) {
			continue;
		}
		for (j = 0; j < n; j++) {
			if (match_pattern_list(s->groups[i], list[j], 0) ==
			    MATCH_YES) {
				if (which != NULL) {
					*which = j;
				}
				return 1;
			}
		}
	}
	return 0;
}

/* The decision for a list test that failed: a caller's bug (a malformed
 * entry the configuration parser should have refused, or a NULL). */
static int
list_error(struct policy_decision *d, enum policy_login_rule rule,
    const char *keyword, const char *const *list, size_t which, int r)
{
	if (r == PC_ERR_INVALID_FORMAT) {
		decide(d, 0, rule, "Invalid %s pattern \"%.100s\"", keyword,
		    list[which]);
	} else {
		decide(d, 0, rule, "invalid arguments");
	}
	return r;
}

int
policy_login_allowed(const struct policy_login_cfg *cfg,
    const struct policy_login_subject *s, struct policy_decision *d)
{
	const char *from;
	size_t i;
	int r;

	if (d == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	decide(d, 0, POLICY_RULE_NONE, "invalid arguments");
	if (cfg == NULL || s == NULL || s->user == NULL ||
	    (s->ngroups > 0 && s->groups == NULL)) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	/* With UseDNS no, OpenSSH's "hostname" is the address. */
	from = s->host != NULL ? s->host :
	    (s->addr != NULL ? s->addr : "UNKNOWN");

	r = policy_login_user_listed(cfg->deny_users, cfg->n_deny_users, s,
	    &i);
	if (r < 0) {
		return list_error(d, POLICY_RULE_DENY_USERS, "DenyUsers",
		    cfg->deny_users, i, r);
	}
	if (r == 1) {
		decide(d, 0, POLICY_RULE_DENY_USERS,
		    "User %.100s from %.100s not allowed because "
		    "listed in DenyUsers", s->user, from);
		return 0;
	}
	if (cfg->n_allow_users > 0) {
		r = policy_login_user_listed(cfg->allow_users,
		    cfg->n_allow_users, s, &i);
		if (r < 0) {
			return list_error(d, POLICY_RULE_ALLOW_USERS,
			    "AllowUsers", cfg->allow_users, i, r);
		}
		if (r == 0) {
			decide(d, 0, POLICY_RULE_ALLOW_USERS,
			    "User %.100s from %.100s not allowed because not "
			    "listed in AllowUsers", s->user, from);
			return 0;
		}
	}
	if (cfg->n_deny_groups > 0 || cfg->n_allow_groups > 0) {
		if (s->ngroups == 0) {
			decide(d, 0, POLICY_RULE_NO_GROUPS,
			    "User %.100s from %.100s not allowed because not "
			    "in any group", s->user, from);
			return 0;
		}
		r = policy_login_group_listed(cfg->deny_groups,
		    cfg->n_deny_groups, s, NULL);
		if (r < 0) {
			return list_error(d, POLICY_RULE_DENY_GROUPS,
			    "DenyGroups", cfg->deny_groups, 0, r);
		}
		if (r == 1) {
			decide(d, 0, POLICY_RULE_DENY_GROUPS,
			    "User %.100s from %.100s not allowed because a "
			    "group is listed in DenyGroups", s->user, from);
			return 0;
		}
		if (cfg->n_allow_groups > 0) {
			r = policy_login_group_listed(cfg->allow_groups,
			    cfg->n_allow_groups, s, NULL);
			if (r < 0) {
				return list_error(d, POLICY_RULE_ALLOW_GROUPS,
				    "AllowGroups", cfg->allow_groups, 0, r);
			}
			if (r == 0) {
				decide(d, 0, POLICY_RULE_ALLOW_GROUPS,
				    "User %.100s from %.100s not allowed "
				    "because none of user's groups are listed "
				    "in AllowGroups", s->user, from);
				return 0;
			}
		}
	}
	decide(d, 1, POLICY_RULE_NONE, "User %.100s from %.100s allowed",
	    s->user, from);
	return 0;
}

int
policy_root_login(int permit_root_login, const char *method,
    int forced_command, struct policy_decision *d)
{
	if (d == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	decide(d, 0, POLICY_RULE_PERMIT_ROOT_LOGIN, "ROOT LOGIN REFUSED");
	if (method == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	switch (permit_root_login) {
	case POLICY_ROOT_YES:
		decide(d, 1, POLICY_RULE_PERMIT_ROOT_LOGIN,
		    "PermitRootLogin yes");
		break;
	case POLICY_ROOT_PROHIBIT_PASSWORD:
		/* The methods that prove possession of a key or ticket, as
		 * auth_root_allowed() lists them. */
		if (strcmp(method, "publickey") == 0 ||
		    strcmp(method, "hostbased") == 0 ||
		    strcmp(method, "gssapi-with-mic") == 0) {
			decide(d, 1, POLICY_RULE_PERMIT_ROOT_LOGIN,
			    "PermitRootLogin prohibit-password allows %.40s",
			    method);
		}
		break;
	case POLICY_ROOT_FORCED_ONLY:
		if (forced_command) {
			decide(d, 1, POLICY_RULE_PERMIT_ROOT_LOGIN,
			    "Root login accepted for forced command.");
		}
		break;
	case POLICY_ROOT_NO:
		break;
	default:
		return PC_ERR_INVALID_ARGUMENT;
	}
	return 0;
}
