/*
 * Forwarding policy (see forward.h): the permission checks of OpenSSH's
 * serverloop.c (server_request_direct_tcpip, server_input_global_request,
 * server_request_direct_streamlocal), channels.c (channel_connect_to_port,
 * check_rfwd_permission, open_match, remote_open_match,
 * channel_fwd_bind_addr) and session.c (agent and X11), in one pure
 * function that also says which rule decided, plus SSH Tectia's per-user
 * and per-group switches for TCP forwarding.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "forward.h"
#include "match.h"

/* A host name or address as text, with its NUL (NI_MAXHOST).  Longer
 * hosts cannot be resolved, so they match no permit entry. */
#define FWD_HOST_BUF	1025
/* Privileged ports: below IPPORT_RESERVED. */
#define FWD_PORT_RESERVED	1024
/* How much of one list entry, one origin and one rendered list goes
 * into a reason; the reason itself is POLICY_FWD_REASON_MAX. */
#define FWD_SHOW_ENTRY	100
#define FWD_SHOW_ORIGIN	200
#define FWD_SHOW_LIST	200

/* A reason being written: appends never overflow, and a reason cut
 * short is still a NUL-terminated prefix. */
struct reason_buf {
	char *p;
	size_t size;
	size_t off;
};

static void
rb_add(struct reason_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
rb_add(struct reason_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->off + 1 >= b->size) {
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->off, b->size - b->off, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->p[b->off] = '\0';
		return;
	}
	/* Truncated: keep the prefix, which vsnprintf terminated. */
	if ((size_t)n >= b->size - b->off) {
		b->off = b->size - 1;
	} else {
		b->off += (size_t)n;
	}
}

static void
refuse(struct policy_fwd_decision *d, enum policy_fwd_rule rule,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
refuse(struct policy_fwd_decision *d, enum policy_fwd_rule rule,
    const char *fmt, ...)
{
	va_list ap;

	d->allowed = 0;
	d->rule = rule;
	va_start(ap, fmt);
	/* Truncation is harmless: every part is already cut. */
	(void)vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
}

static const char *
origin(const struct policy_fwd_cfg *cfg, enum policy_fwd_rule rule)
{
	return cfg->origin[rule] != NULL ? cfg->origin[rule] : "default";
}

/* AllowTcpForwarding / AllowStreamLocalForwarding as sshd -T prints
 * them ("all" is "yes"). */
static const char *
fwd_value(int v)
{
	switch (v) {
	case POLICY_FWD_NO:
		return "no";
	case POLICY_FWD_REMOTE:
		return "remote";
	case POLICY_FWD_LOCAL:
		return "local";
	default:
		return "yes";
	}
}

static int
fwd_value_ok(int v)
{
	return v >= POLICY_FWD_NO && v <= POLICY_FWD_ALL;
}

/*
 * list[0..n) as the log shows it: pre ENTRY post, separated by sep, each
 * entry cut to FWD_SHOW_ENTRY bytes, the whole cut to FWD_SHOW_LIST with
 * "..." when entries had to be left out.
 */
static void
list_render(char *buf, size_t len, const char *const *list, size_t n,
    const char *sep, const char *pre, const char *post)
{
	char one[FWD_SHOW_ENTRY + 32];
	size_t i, used = 0, l;
	int w;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		w = snprintf(one, sizeof(one), "%s%s%.*s%s", i > 0 ? sep : "",
		    pre, FWD_SHOW_ENTRY, list[i], post);
		if (w < 0) {
			break;
		}
		l = strlen(one);
		/* Room for this entry and, if more follow, the "...". */
		if (used + l + 4 >= len) {
			if (used + 4 < len) {
				memcpy(buf + used, "...", 4);
			}
			return;
		}
		memcpy(buf + used, one, l + 1);
		used += l;
	}
}

/*
 * Does one permit entry allow the request?  Connections (OpenSSH's
 * open_match): the port exact or "*", the host an exact, case-sensitive
 * string or "*".  Listeners (remote_open_match): the port likewise, the
 * entry's host a wildcard pattern matched against the lower-cased listen
 * address (lhost; NULL when too long to be a host: matches nothing).
 * Entries split as authorized_keys permitopen= / permitlisten= (a bare
 * listen port is any address); one that does not split matches nothing:
 * the configuration and key parsers refuse those.
 */
static int
permit_match(const char *entry, int listen, const char *host, int port)
{
	char ehost[FWD_HOST_BUF];
	int eport;

	if (entry == NULL || host == NULL ||
	    authopts_permit_split(entry, listen, ehost, sizeof(ehost),
	    &eport) != 0) {
		return 0;
	}
	if (eport != -1 && eport != port) {
		return 0;
	}
	if (listen) {
		return match_pattern(host, ehost, 0);
	}
	return strcmp(ehost, "*") == 0 || strcmp(ehost, host) == 0;
}

/* The first entry of list[0..n) that allows the request, or n. */
static size_t
permit_find(const char *const *list, size_t n, int listen, const char *host,
    int port)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (permit_match(list[i], listen, host, port)) {
			break;
		}
	}
	return i;
}

/* PermitOpen / PermitListen: an empty list or a lone "any" permits
 * everything (OpenSSH's process_permitopen_list). */
static int
permit_list_any(const char *const *list, size_t n)
{
	return n == 0 || (n == 1 && strcmp(list[0], "any") == 0);
}

/* One of SSH Tectia's lists. */
struct tectia_list {
	enum policy_fwd_rule rule;
	const char *keyword;
	const char *const *list;
	size_t n;
	int groups;		/* group patterns, else USER[@HOST] */
	int deny;		/* listed: refused; else not listed: refused */
};

/*
 * SSH Tectia's DenyTcpForwardingForUsers, DenyTcpForwardingForGroups,
 * AllowTcpForwardingForUsers, AllowTcpForwardingForGroups, in the rule
 * order, with AllowUsers / AllowGroups patterns; an empty list does not
 * restrict.  Returns 1 if one refuses (d says which), 0 if they let the
 * request through (allow_idx[0] / [1]: the entry of the users / groups
 * allow list that matched, or n when the list is empty), or an error
 * (d says refused).
 */
static int
tectia_refuses(const struct policy_fwd_cfg *cfg,
    const struct policy_fwd_subject *s, struct policy_fwd_decision *d,
    size_t allow_idx[2])
{
	const struct tectia_list tl[] = {
		{ POLICY_FWD_RULE_DENY_TCP_USERS, "DenyTcpForwardingForUsers",
		    cfg->deny_tcp_users, cfg->n_deny_tcp_users, 0, 1 },
		{ POLICY_FWD_RULE_DENY_TCP_GROUPS, "DenyTcpForwardingForGroups",
		    cfg->deny_tcp_groups, cfg->n_deny_tcp_groups, 1, 1 },
		{ POLICY_FWD_RULE_ALLOW_TCP_USERS, "AllowTcpForwardingForUsers",
		    cfg->allow_tcp_users, cfg->n_allow_tcp_users, 0, 0 },
		{ POLICY_FWD_RULE_ALLOW_TCP_GROUPS,
		    "AllowTcpForwardingForGroups", cfg->allow_tcp_groups,
		    cfg->n_allow_tcp_groups, 1, 0 },
	};
	const struct tectia_list *t;
	char list[FWD_SHOW_LIST];
	size_t k, i;
	int r;

	allow_idx[0] = cfg->n_allow_tcp_users;
	allow_idx[1] = cfg->n_allow_tcp_groups;
	for (k = 0; k < sizeof(tl) / sizeof(tl[0]); k++) {
		t = &tl[k];
		if (t->n == 0) {
			continue;
		}
		r = t->groups ? policy_login_group_listed(t->list, t->n,
		    &s->who, &i) : policy_login_user_listed(t->list, t->n,
		    &s->who, &i);
		if (r == PC_ERR_INVALID_FORMAT) {
			/* A malformed USER@HOST, which the configuration
			 * parser refuses: a caller's bug, refused. */
			refuse(d, t->rule, "Invalid %s pattern \"%.*s\" (%.*s)",
			    t->keyword, FWD_SHOW_ENTRY, t->list[i],
			    FWD_SHOW_ORIGIN, origin(cfg, t->rule));
			return r;
		}
		if (r < 0) {
			refuse(d, t->rule, "invalid arguments");
			return r;
		}
		if (t->deny && r == 1) {
			refuse(d, t->rule, "%s %.*s (%.*s)", t->keyword,
			    FWD_SHOW_ENTRY, t->list[i], FWD_SHOW_ORIGIN,
			    origin(cfg, t->rule));
			return 1;
		}
		if (!t->deny && r == 0) {
			list_render(list, sizeof(list), t->list, t->n, " ",
			    "", "");
			refuse(d, t->rule, "%s %s (%.*s)", t->keyword, list,
			    FWD_SHOW_ORIGIN, origin(cfg, t->rule));
			return 1;
		}
		if (!t->deny) {
			allow_idx[t->groups] = i;
		}
	}
	return 0;
}

/* DisableForwarding: every kind but tunnels (sshd_config(5)). */
static int
disable_refuses(const struct policy_fwd_cfg *cfg,
    struct policy_fwd_decision *d)
{
	if (!cfg->disable_forwarding) {
		return 0;
	}
	refuse(d, POLICY_FWD_RULE_DISABLE_FORWARDING,
	    "DisableForwarding yes (%.*s)", FWD_SHOW_ORIGIN,
	    origin(cfg, POLICY_FWD_RULE_DISABLE_FORWARDING));
	return 1;
}

/*
 * The key's no-port-forwarding, restrict, or a certificate without
 * permit-port-forwarding: the merged options cannot say which, so the
 * reason names the restriction and where the options came from.
 */
static int
key_port_refuses(const struct policy_fwd_cfg *cfg,
    const struct policy_fwd_subject *s, struct policy_fwd_decision *d)
{
	if (s->key == NULL || s->key->permit_port_forwarding) {
		return 0;
	}
	refuse(d, POLICY_FWD_RULE_KEY_PORT_FORWARDING,
	    "key restriction: port forwarding not permitted (%.*s)",
	    FWD_SHOW_ORIGIN,
	    origin(cfg, POLICY_FWD_RULE_KEY_PORT_FORWARDING));
	return 1;
}

/*
 * direct-tcpip and tcpip-forward.  OpenSSH's server_request_direct_tcpip
 * and server_input_global_request refuse on AllowTcpForwarding, the
 * key's flag and DisableForwarding (and, for a listener, port 0 without
 * want-reply and a privileged port for a non-root user); then
 * channel_connect_to_port / check_rfwd_permission require both the key's
 * list (FORWARD_USER) and the configuration's (FORWARD_ADM) to permit.
 */
static int
decide_tcp(const struct policy_fwd_cfg *cfg,
    const struct policy_fwd_subject *s, const struct policy_fwd_request *req,
    struct policy_fwd_decision *d)
{
	const int listen = req->kind == POLICY_FWD_LISTEN_TCP;
	const int bit = listen ? POLICY_FWD_REMOTE : POLICY_FWD_LOCAL;
	const char *kw = listen ? "PermitListen" : "PermitOpen";
	const char *kopt = listen ? "permitlisten" : "permitopen";
	const enum policy_fwd_rule krule = listen ?
	    POLICY_FWD_RULE_KEY_PERMITLISTEN : POLICY_FWD_RULE_KEY_PERMITOPEN;
	const enum policy_fwd_rule crule = listen ?
	    POLICY_FWD_RULE_PERMIT_LISTEN : POLICY_FWD_RULE_PERMIT_OPEN;
	const char *const *clist = listen ? cfg->permit_listen :
	    cfg->permit_open;
	const size_t cn = listen ? cfg->npermit_listen : cfg->npermit_open;
	const char *const *klist = NULL;
	char lhost[FWD_HOST_BUF], list[FWD_SHOW_LIST];
	const char *host = req->host;
	struct reason_buf rb;
	size_t kn = 0, ki = 0, ci = 0, allow_idx[2], i, hl;
	int r;

	if (s->key != NULL) {
		klist = (const char *const *)(listen ? s->key->permitlisten :
		    s->key->permitopen);
		kn = listen ? s->key->npermitlisten : s->key->npermitopen;
	}
	if (disable_refuses(cfg, d)) {
		return 0;
	}
	if ((cfg->allow_tcp & bit) == 0) {
		refuse(d, POLICY_FWD_RULE_ALLOW_TCP_FORWARDING,
		    "AllowTcpForwarding %s (%.*s)", fwd_value(cfg->allow_tcp),
		    FWD_SHOW_ORIGIN,
		    origin(cfg, POLICY_FWD_RULE_ALLOW_TCP_FORWARDING));
		return 0;
	}
	if ((r = tectia_refuses(cfg, s, d, allow_idx)) != 0) {
		return r < 0 ? r : 0;
	}
	if (key_port_refuses(cfg, s, d)) {
		return 0;
	}
	if (listen && req->port == 0 && !req->want_reply) {
		/* The allocated port could not be told to the client. */
		refuse(d, POLICY_FWD_RULE_PORT_ZERO_NO_REPLY,
		    "port 0 without want-reply");
		return 0;
	}
	if (listen && req->port != 0 && req->port < FWD_PORT_RESERVED &&
	    !s->is_root) {
		refuse(d, POLICY_FWD_RULE_PRIVILEGED_PORT,
		    "privileged port %d for a non-root user", req->port);
		return 0;
	}
	if (listen) {
		/* remote_open_match matches hosts case-insensitively by
		 * lower-casing the request (the patterns stay as written). */
		hl = strlen(req->host);
		if (hl >= sizeof(lhost)) {
			host = NULL;
		} else {
			for (i = 0; i <= hl; i++) {
				lhost[i] = req->host[i] >= 'A' &&
				    req->host[i] <= 'Z' ?
				    (char)(req->host[i] - 'A' + 'a') :
				    req->host[i];
			}
			host = lhost;
		}
	}
	/* A key without the option permits every destination. */
	if (kn > 0 && (ki = permit_find(klist, kn, listen, host,
	    req->port)) == kn) {
		list_render(list, sizeof(list), klist, kn, ",", listen ?
		    "permitlisten=\"" : "permitopen=\"", "\"");
		refuse(d, krule, "%s (%.*s)", list, FWD_SHOW_ORIGIN,
		    origin(cfg, krule));
		return 0;
	}
	if (!permit_list_any(clist, cn) &&
	    (ci = permit_find(clist, cn, listen, host, req->port)) == cn) {
		list_render(list, sizeof(list), clist, cn, " ", "", "");
		refuse(d, crule, "%s %s (%.*s)", kw, list, FWD_SHOW_ORIGIN,
		    origin(cfg, crule));
		return 0;
	}

	/* Allowed: name the rules that let it through. */
	d->allowed = 1;
	d->rule = POLICY_FWD_RULE_NONE;
	rb.p = d->reason;
	rb.size = sizeof(d->reason);
	rb.off = 0;
	d->reason[0] = '\0';
	rb_add(&rb, "AllowTcpForwarding %s (%.*s)", fwd_value(cfg->allow_tcp),
	    FWD_SHOW_ORIGIN, origin(cfg, POLICY_FWD_RULE_ALLOW_TCP_FORWARDING));
	if (allow_idx[0] < cfg->n_allow_tcp_users) {
		rb_add(&rb, ", AllowTcpForwardingForUsers %.*s (%.*s)",
		    FWD_SHOW_ENTRY, cfg->allow_tcp_users[allow_idx[0]],
		    FWD_SHOW_ORIGIN,
		    origin(cfg, POLICY_FWD_RULE_ALLOW_TCP_USERS));
	}
	if (allow_idx[1] < cfg->n_allow_tcp_groups) {
		rb_add(&rb, ", AllowTcpForwardingForGroups %.*s (%.*s)",
		    FWD_SHOW_ENTRY, cfg->allow_tcp_groups[allow_idx[1]],
		    FWD_SHOW_ORIGIN,
		    origin(cfg, POLICY_FWD_RULE_ALLOW_TCP_GROUPS));
	}
	if (kn > 0) {
		rb_add(&rb, ", %s=\"%.*s\" (%.*s)", kopt, FWD_SHOW_ENTRY,
		    klist[ki], FWD_SHOW_ORIGIN, origin(cfg, krule));
	}
	rb_add(&rb, ", %s %.*s (%.*s)", kw, FWD_SHOW_ENTRY,
	    permit_list_any(clist, cn) ? "any" : clist[ci], FWD_SHOW_ORIGIN,
	    origin(cfg, crule));
	return 0;
}

/* Does a permit entry allow any host and any port ("*:*")?  Only such
 * an entry lets a Unix-socket path through OpenSSH's open_match. */
static int
permit_any_any(const char *entry)
{
	char host[FWD_HOST_BUF];
	int port;

	return entry != NULL && authopts_permit_split(entry, 0, host,
	    sizeof(host), &port) == 0 && port == -1 && strcmp(host, "*") == 0;
}

static size_t
permit_find_any_any(const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n && !permit_any_any(list[i]); i++) {
		;
	}
	return i;
}

/*
 * direct-streamlocal@openssh.com and streamlocal-forward@openssh.com:
 * AllowStreamLocalForwarding, the key's port-forwarding flag and
 * DisableForwarding, and -- as OpenSSH's sshd does, though sshd_config(5)
 * does not say so -- the TCP permissions the paths also go through:
 *   direct: channel_connect_to_path checks the local permission set, so
 *     AllowTcpForwarding must allow local, and a key's permitopen= list or
 *     a PermitOpen list lets a path through only with a "*:*" entry;
 *   listen: check_rfwd_permission's remote_open_match permits every path,
 *     but only when something is permitted at all: AllowTcpForwarding
 *     allows remote, or the key has a permitlisten= list.
 */
static int
decide_streamlocal(const struct policy_fwd_cfg *cfg,
    const struct policy_fwd_subject *s, const struct policy_fwd_request *req,
    struct policy_fwd_decision *d)
{
	const int listen = req->kind == POLICY_FWD_LISTEN_STREAMLOCAL;
	const int bit = listen ? POLICY_FWD_REMOTE : POLICY_FWD_LOCAL;
	const char *const *klist = NULL;
	char list[FWD_SHOW_LIST];
	size_t kn = 0;

	if (s->key != NULL) {
		klist = (const char *const *)(listen ? s->key->permitlisten :
		    s->key->permitopen);
		kn = listen ? s->key->npermitlisten : s->key->npermitopen;
	}
	if (disable_refuses(cfg, d)) {
		return 0;
	}
	if ((cfg->allow_tcp & bit) == 0 && (!listen || kn == 0)) {
		refuse(d, POLICY_FWD_RULE_ALLOW_TCP_FORWARDING,
		    "AllowTcpForwarding %s (%.*s), which Unix-socket "
		    "forwarding needs too", fwd_value(cfg->allow_tcp),
		    FWD_SHOW_ORIGIN,
		    origin(cfg, POLICY_FWD_RULE_ALLOW_TCP_FORWARDING));
		return 0;
	}
	if ((cfg->allow_streamlocal & bit) == 0) {
		refuse(d, POLICY_FWD_RULE_ALLOW_STREAMLOCAL_FORWARDING,
		    "AllowStreamLocalForwarding %s (%.*s)",
		    fwd_value(cfg->allow_streamlocal), FWD_SHOW_ORIGIN,
		    origin(cfg, POLICY_FWD_RULE_ALLOW_STREAMLOCAL_FORWARDING));
		return 0;
	}
	if (key_port_refuses(cfg, s, d)) {
		return 0;
	}
	if (!listen && kn > 0 && permit_find_any_any(klist, kn) == kn) {
		list_render(list, sizeof(list), klist, kn, ",",
		    "permitopen=\"", "\"");
		refuse(d, POLICY_FWD_RULE_KEY_PERMITOPEN,
		    "%s (%.*s) without \"*:*\", which a socket path needs",
		    list, FWD_SHOW_ORIGIN,
		    origin(cfg, POLICY_FWD_RULE_KEY_PERMITOPEN));
		return 0;
	}
	if (!listen && !permit_list_any(cfg->permit_open, cfg->npermit_open) &&
	    permit_find_any_any(cfg->permit_open, cfg->npermit_open) ==
	    cfg->npermit_open) {
		list_render(list, sizeof(list), cfg->permit_open,
		    cfg->npermit_open, " ", "", "");
		refuse(d, POLICY_FWD_RULE_PERMIT_OPEN,
		    "PermitOpen %s (%.*s) without \"*:*\", which a socket "
		    "path needs", list, FWD_SHOW_ORIGIN,
		    origin(cfg, POLICY_FWD_RULE_PERMIT_OPEN));
		return 0;
	}
	d->allowed = 1;
	d->rule = POLICY_FWD_RULE_NONE;
	(void)snprintf(d->reason, sizeof(d->reason),
	    "AllowStreamLocalForwarding %s (%.*s), AllowTcpForwarding %s "
	    "(%.*s)", fwd_value(cfg->allow_streamlocal), FWD_SHOW_ORIGIN,
	    origin(cfg, POLICY_FWD_RULE_ALLOW_STREAMLOCAL_FORWARDING),
	    fwd_value(cfg->allow_tcp), FWD_SHOW_ORIGIN,
	    origin(cfg, POLICY_FWD_RULE_ALLOW_TCP_FORWARDING));
	return 0;
}

/*
 * auth-agent-req@openssh.com and x11-req: session.c's checks of the
 * key's flag, AllowAgentForwarding / X11Forwarding and DisableForwarding
 * (here in the rule order: the configuration first).
 */
static int
decide_session(const struct policy_fwd_cfg *cfg,
    const struct policy_fwd_subject *s, const struct policy_fwd_request *req,
    struct policy_fwd_decision *d)
{
	const int agent = req->kind == POLICY_FWD_AGENT;
	const enum policy_fwd_rule crule = agent ?
	    POLICY_FWD_RULE_ALLOW_AGENT_FORWARDING :
	    POLICY_FWD_RULE_X11_FORWARDING;
	const enum policy_fwd_rule krule = agent ?
	    POLICY_FWD_RULE_KEY_AGENT_FORWARDING :
	    POLICY_FWD_RULE_KEY_X11_FORWARDING;
	const char *kw = agent ? "AllowAgentForwarding" : "X11Forwarding";
	const char *what = agent ? "agent" : "X11";
	int permitted;

	if (disable_refuses(cfg, d)) {
		return 0;
	}
	if (!(agent ? cfg->allow_agent : cfg->x11_forwarding)) {
		refuse(d, crule, "%s no (%.*s)", kw, FWD_SHOW_ORIGIN,
		    origin(cfg, crule));
		return 0;
	}
	if (s->key != NULL) {
		permitted = agent ? s->key->permit_agent_forwarding :
		    s->key->permit_x11_forwarding;
		if (!permitted) {
			refuse(d, krule, "key restriction: %s forwarding not "
			    "permitted (%.*s)", what, FWD_SHOW_ORIGIN,
			    origin(cfg, krule));
			return 0;
		}
	}
	d->allowed = 1;
	d->rule = POLICY_FWD_RULE_NONE;
	(void)snprintf(d->reason, sizeof(d->reason), "%s yes (%.*s)", kw,
	    FWD_SHOW_ORIGIN, origin(cfg, crule));
	return 0;
}

/* Does list[0..n) exist, with no NULL entry? */
static int
entries_ok(const char *const *list, size_t n)
{
	size_t i;

	if (n > 0 && list == NULL) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (list[i] == NULL) {
			return 0;
		}
	}
	return 1;
}

/* Are the list arguments consistent (a count with no array, or a NULL
 * entry, is a caller's bug)? */
static int
lists_ok(const struct policy_fwd_cfg *cfg, const struct auth_opts *key)
{
	if (!entries_ok(cfg->permit_open, cfg->npermit_open) ||
	    !entries_ok(cfg->permit_listen, cfg->npermit_listen) ||
	    !entries_ok(cfg->allow_tcp_users, cfg->n_allow_tcp_users) ||
	    !entries_ok(cfg->allow_tcp_groups, cfg->n_allow_tcp_groups) ||
	    !entries_ok(cfg->deny_tcp_users, cfg->n_deny_tcp_users) ||
	    !entries_ok(cfg->deny_tcp_groups, cfg->n_deny_tcp_groups)) {
		return 0;
	}
	if (key != NULL &&
	    (!entries_ok((const char *const *)key->permitopen,
	    key->npermitopen) ||
	    !entries_ok((const char *const *)key->permitlisten,
	    key->npermitlisten))) {
		return 0;
	}
	return 1;
}

int
policy_forward(const struct policy_fwd_cfg *cfg,
    const struct policy_fwd_subject *s, const struct policy_fwd_request *req,
    struct policy_fwd_decision *d)
{
	if (d == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	refuse(d, POLICY_FWD_RULE_NONE, "invalid arguments");
	if (cfg == NULL || s == NULL || req == NULL || s->who.user == NULL ||
	    !fwd_value_ok(cfg->allow_tcp) ||
	    !fwd_value_ok(cfg->allow_streamlocal) || !lists_ok(cfg, s->key)) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	switch (req->kind) {
	case POLICY_FWD_DIRECT_TCP:
	case POLICY_FWD_LISTEN_TCP:
		/* The ports of RFC 4254 7.1 and 7.2 are uint32 on the wire;
		 * the daemon refuses anything above 65535 before asking. */
		if (req->host == NULL || req->port < 0 || req->port > 65535) {
			return PC_ERR_INVALID_ARGUMENT;
		}
		return decide_tcp(cfg, s, req, d);
	case POLICY_FWD_DIRECT_STREAMLOCAL:
	case POLICY_FWD_LISTEN_STREAMLOCAL:
		if (req->path == NULL) {
			return PC_ERR_INVALID_ARGUMENT;
		}
		return decide_streamlocal(cfg, s, req, d);
	case POLICY_FWD_AGENT:
	case POLICY_FWD_X11:
		return decide_session(cfg, s, req, d);
	case POLICY_FWD_TUNNEL:
		/* tun@openssh.com: not implemented, whatever PermitTunnel
		 * says (DisableForwarding does not cover tunnels). */
		refuse(d, POLICY_FWD_RULE_PERMIT_TUNNEL,
		    "PermitTunnel: tun devices are not supported (%.*s)",
		    FWD_SHOW_ORIGIN,
		    origin(cfg, POLICY_FWD_RULE_PERMIT_TUNNEL));
		return 0;
	}
	return PC_ERR_INVALID_ARGUMENT;
}

int
policy_fwd_bind_address(int gateway_ports, const char *requested,
    struct policy_bind *b)
{
	int loop, any;

	if (b == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	b->kind = POLICY_BIND_LOOPBACK;
	b->overridden = 0;
	if (requested == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	/* The explicit loopback addresses let the client pick a family. */
	loop = strcmp(requested, "127.0.0.1") == 0 ||
	    strcmp(requested, "::1") == 0;
	/* "" and "*" ask for every address (RFC 4254 7.1). */
	any = requested[0] == '\0' || strcmp(requested, "*") == 0;
	switch (gateway_ports) {
	case POLICY_GW_NO:
		if (loop) {
			b->kind = POLICY_BIND_ADDRESS;
		}
		return 0;
	case POLICY_GW_YES:
		b->kind = POLICY_BIND_WILDCARD;
		b->overridden = !any && strcmp(requested, "0.0.0.0") != 0;
		return 0;
	case POLICY_GW_CLIENTSPECIFIED:
		if (any) {
			b->kind = POLICY_BIND_WILDCARD;
		} else if (strcmp(requested, "localhost") != 0) {
			b->kind = POLICY_BIND_ADDRESS;
		}
		/* "localhost": every loopback address, both families. */
		return 0;
	}
	return PC_ERR_INVALID_ARGUMENT;
}
