/*
 * Login policy: may this user log in from this peer at all
 * (AllowUsers, DenyUsers, AllowGroups, DenyGroups), and may root log in
 * with this method (PermitRootLogin).  These are the decisions of
 * OpenSSH's allowed_user() and auth_root_allowed(), in the same order and
 * with the same log wording, so administrators and fail2ban see the
 * lines they know.
 *
 * Pure: no I/O, no globals, no logging.  The caller passes a snapshot of
 * the configuration after Match and of the user, and logs d->reason.
 *
 * Not decided here (the daemon does them, since they need the system):
 * the user exists, the shell exists and is executable ("User %s not
 * allowed because shell %s does not exist"), the account is locked
 * ("User %s not allowed because account is locked"), PAM account
 * management, and the group lookup itself (getgrouplist(3)).
 *
 * Ownership: every pointer is borrowed for the duration of the call;
 * struct policy_decision holds no pointers into the arguments.
 */
#ifndef PC_POLICY_LOGIN_H
#define PC_POLICY_LOGIN_H

#include <stddef.h>

#include "err.h"

/* PermitRootLogin values (sshd_config(5)). */
#define POLICY_ROOT_NO			0
#define POLICY_ROOT_FORCED_ONLY		1 /* forced-commands-only */
/* prohibit-password, alias without-password */
#define POLICY_ROOT_PROHIBIT_PASSWORD	2
#define POLICY_ROOT_YES			3

/* Which rule decided. */
enum policy_login_rule {
	POLICY_RULE_NONE = 0,		/* no rule refused: allowed */
	POLICY_RULE_DENY_USERS,
	POLICY_RULE_ALLOW_USERS,
	POLICY_RULE_NO_GROUPS,	/* group lists set, user in none */
	POLICY_RULE_DENY_GROUPS,
	POLICY_RULE_ALLOW_GROUPS,
	POLICY_RULE_PERMIT_ROOT_LOGIN,
};

#define POLICY_REASON_MAX	384

struct policy_decision {
	int allowed;			/* 1 allowed, 0 refused */
	enum policy_login_rule rule;
	/* For the log, without a trailing newline.  Names from the peer
	 * are cut to 100 bytes as OpenSSH does (%.100s); the caller's log
	 * sink escapes unprintable bytes. */
	char reason[POLICY_REASON_MAX];
};

/*
 * The four lists as the configuration holds them: one entry per word
 * of the AllowUsers etc. lines, accumulated across lines.
 *
 * AllowUsers/DenyUsers entries are "USER" or "USER@HOST": USER is one
 * wildcard pattern (no lists, no negation), HOST a comma-separated list
 * of host name patterns, addresses and CIDR networks, '!' negating.
 * AllowGroups/DenyGroups entries are pattern lists ('!' negating) tried
 * against each of the user's groups.
 */
struct policy_login_cfg {
	const char *const *allow_users;
	size_t n_allow_users;
	const char *const *deny_users;
	size_t n_deny_users;
	const char *const *allow_groups;
	size_t n_allow_groups;
	const char *const *deny_groups;
	size_t n_deny_groups;
};

struct policy_login_subject {
	const char *user;
	/* Canonical host name of the peer; with UseDNS no (Portcullis
	 * does no DNS) the numeric address, as OpenSSH logs it. */
	const char *host;
	const char *addr;		/* numeric remote address */
	const char *const *groups;	/* all the user's groups */
	size_t ngroups;
};

/*
 * Decide in OpenSSH's order: DenyUsers, AllowUsers, (no groups),
 * DenyGroups, AllowGroups.  Empty lists do not restrict.  Returns 0 with
 * d filled (allowed or not, and why); PC_ERR_INVALID_ARGUMENT for NULL
 * arguments; PC_ERR_INVALID_FORMAT if a USER@HOST entry is malformed (the
 * configuration parser refuses those, so this is a caller's bug) -- then
 * d says refused.
 */
int	policy_login_allowed(const struct policy_login_cfg *cfg,
	    const struct policy_login_subject *s,
	    struct policy_decision *d) PC_WUR;

/*
 * The list tests behind the decision above, shared with the forwarding
 * policy (SSH Tectia's AllowTcpForwardingForUsers / ForGroups and
 * DenyTcpForwardingForUsers / ForGroups take the same patterns).
 *
 * policy_login_user_listed: is s->user (from s->host / s->addr) matched
 * by an entry of list[0..n), entries as AllowUsers ("USER" or
 * "USER@HOST")?  The entries are tried in order; the first that matches
 * or is malformed decides.
 *
 * policy_login_group_listed: does one of s->groups match an entry of
 * list[0..n), entries as AllowGroups (pattern lists, '!' negating)?
 * The user's groups are tried in order, each against every entry.
 *
 * Both return 1 (listed) with *which (if not NULL) the index of the
 * matching entry, or 0 (not listed; an empty list lists nobody).
 * policy_login_user_listed returns PC_ERR_INVALID_FORMAT with *which the
 * malformed entry.  PC_ERR_INVALID_ARGUMENT for a NULL s, s->user (user
 * lists), list (with n > 0) or entry, or s->groups NULL with
 * s->ngroups > 0.
 */
int	policy_login_user_listed(const char *const *list, size_t n,
	    const struct policy_login_subject *s, size_t *which) PC_WUR;
int	policy_login_group_listed(const char *const *list, size_t n,
	    const struct policy_login_subject *s, size_t *which) PC_WUR;

/*
 * May the user root log in after method succeeded?  method is the SSH
 * method name ("publickey", "password", "keyboard-interactive", ...);
 * forced_command is 1 if the accepted key carries a forced command
 * (authorized_keys command= or a certificate's force-command).
 * Returns 0 with d filled; PC_ERR_INVALID_ARGUMENT for a bad value.
 * A refusal's reason is "ROOT LOGIN REFUSED"; the caller logs it as
 * OpenSSH does, "ROOT LOGIN REFUSED FROM %s port %d".  An acceptance
 * because of a forced command has the reason "Root login accepted for
 * forced command." which the caller logs too.  Call it only for uid 0.
 */
int	policy_root_login(int permit_root_login, const char *method,
	    int forced_command, struct policy_decision *d) PC_WUR;

/*
 * Is a USER@HOST (or USER) entry well-formed?  0 or
 * PC_ERR_INVALID_FORMAT: an empty HOST part or entry, or a network with
 * a bad mask or host bits set.  For the configuration parser.
 */
int	policy_login_user_pattern_check(const char *pattern) PC_WUR;

#endif /* PC_POLICY_LOGIN_H */
