/*
 * authorized_keys options, certificate options and their merge (see
 * authopts.h).  The grammar and the meaning of each option are sshd(8)
 * "AUTHORIZED_KEYS FILE FORMAT"; certificate options are PROTOCOL.certkeys.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "authopts.h"
#include "log.h"
#include "match.h"

/* Longest single entry of a from= list (a host name is < NI_MAXHOST). */
#define AUTHOPTS_ENTRY_MAX	1024

/* Longest host in permitopen=/permitlisten= (NI_MAXHOST - 1). */
#define AUTHOPTS_HOST_MAX	1024

struct auth_opts *
authopts_new(void)
{
	struct auth_opts *o;

	if ((o = calloc(1, sizeof(*o))) == NULL) {
		return NULL;
	}
	o->permit_port_forwarding = 1;
	o->permit_agent_forwarding = 1;
	o->permit_x11_forwarding = 1;
	o->permit_pty = 1;
	o->permit_user_rc = 1;
	o->force_tun_device = -1;
	return o;
}

static void
strlist_free(char **l, size_t n)
{
	size_t i;

	if (l == NULL) {
		return;
	}
	for (i = 0; i < n; i++) {
		free(l[i]);
	}
	free(l);
}

void
authopts_free(struct auth_opts *o)
{
	if (o == NULL) {
		return;
	}
	free(o->cert_principals);
	free(o->force_command);
	free(o->required_from_host_keys);
	free(o->required_from_host_cert);
	strlist_free(o->env, o->nenv);
	strlist_free(o->permitopen, o->npermitopen);
	strlist_free(o->permitlisten, o->npermitlisten);
	explicit_bzero(o, sizeof(*o));
	free(o);
}

/* Append s (taken over, freed on failure) to a list capped at
 * AUTHOPTS_MAX_LIST entries. */
static int
strlist_add(char ***lp, size_t *np, char *s)
{
	char **l;

	if (*np >= AUTHOPTS_MAX_LIST) {
		free(s);
		return PC_ERR_RANGE;
	}
	if ((l = reallocarray(*lp, *np + 1, sizeof(*l))) == NULL) {
		free(s);
		return PC_ERR_ALLOC;
	}
	l[(*np)++] = s;
	*lp = l;
	return 0;
}

static int
strlist_dup(char ***dstp, size_t *ndstp, char *const *src, size_t n)
{
	char **d;
	size_t i;

	*dstp = NULL;
	*ndstp = 0;
	if (n == 0) {
		return 0;
	}
	if ((d = calloc(n, sizeof(*d))) == NULL) {
		return PC_ERR_ALLOC;
	}
	for (i = 0; i < n; i++) {
		if ((d[i] = strdup(src[i])) == NULL) {
			strlist_free(d, i);
			return PC_ERR_ALLOC;
		}
	}
	*dstp = d;
	*ndstp = n;
	return 0;
}

/* *dst = a copy of s, or NULL if s is NULL. */
static int
str_dup(char **dst, const char *s)
{
	*dst = NULL;
	if (s != NULL && (*dst = strdup(s)) == NULL) {
		return PC_ERR_ALLOC;
	}
	return 0;
}

struct auth_opts *
authopts_dup(const struct auth_opts *o)
{
	struct auth_opts *d;

	if (o == NULL || (d = authopts_new()) == NULL) {
		return NULL;
	}
	d->permit_port_forwarding = o->permit_port_forwarding;
	d->permit_agent_forwarding = o->permit_agent_forwarding;
	d->permit_x11_forwarding = o->permit_x11_forwarding;
	d->permit_pty = o->permit_pty;
	d->permit_user_rc = o->permit_user_rc;
	d->restricted = o->restricted;
	d->cert_authority = o->cert_authority;
	d->valid_before = o->valid_before;
	d->force_tun_device = o->force_tun_device;
	if (str_dup(&d->cert_principals, o->cert_principals) != 0 ||
	    str_dup(&d->force_command, o->force_command) != 0 ||
	    str_dup(&d->required_from_host_keys,
	    o->required_from_host_keys) != 0 ||
	    str_dup(&d->required_from_host_cert,
	    o->required_from_host_cert) != 0 ||
	    strlist_dup(&d->env, &d->nenv, o->env, o->nenv) != 0 ||
	    strlist_dup(&d->permitopen, &d->npermitopen, o->permitopen,
	    o->npermitopen) != 0 ||
	    strlist_dup(&d->permitlisten, &d->npermitlisten, o->permitlisten,
	    o->npermitlisten) != 0) {
		authopts_free(d);
		return NULL;
	}
	return d;
}

/* ------------------------------------------------------------------ */
/* Value checks */

/* Decimal digits s[0..n), n <= 18, as a number; -1 if not all digits. */
static long long
digits(const char *s, size_t n)
{
	long long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
is_leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(long long y, long long m, long long d)
{
	static const int before[12] = {
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
	};
	int64_t days = 0;
	long long yy;

	for (yy = 1970; yy < y; yy++) {
		days += is_leap(yy) ? 366 : 365;
	}
	for (yy = y; yy < 1970; yy++) {
		days -= is_leap(yy) ? 366 : 365;
	}
	days += before[m - 1] + (m > 2 && is_leap(y) ? 1 : 0) + d - 1;
	return days;
}

/*
 * expiry-time="YYYYMMDD[HHMM[SS]]", local time, or UTC with a trailing
 * "Z" (or "UTC"), as OpenSSH's parse_absolute_time.  The fields are
 * checked strictly (OpenSSH leaves that to strptime); a time at or before
 * the epoch is refused.
 */
static int
parse_expiry(const char *s, uint64_t *tp)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	size_t l = strlen(s);
	long long y, mo, d, h = 0, mi = 0, sec = 0;
	int utc = 0;
	int64_t t;
	struct tm tm;
	time_t tt;

	*tp = 0;
	if (l > 1 && (s[l - 1] == 'Z' || s[l - 1] == 'z')) {
		utc = 1;
		l--;
	} else if (l > 3 && strcasecmp(s + l - 3, "UTC") == 0) {
		utc = 1;
		l -= 3;
	}
	if (l != 8 && l != 12 && l != 14) {
		return PC_ERR_INVALID_FORMAT;
	}
	y = digits(s, 4);
	mo = digits(s + 4, 2);
	d = digits(s + 6, 2);
	if (l >= 12) {
		h = digits(s + 8, 2);
		mi = digits(s + 10, 2);
	}
	if (l == 14) {
		sec = digits(s + 12, 2);
	}
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || sec < 0 || sec > 59) {
		return PC_ERR_INVALID_FORMAT;
	}
	if (d > mdays[mo - 1] + (mo == 2 && is_leap(y) ? 1 : 0)) {
		return PC_ERR_INVALID_FORMAT;
	}
	if (utc) {
		t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
		    sec;
	} else {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = (int)(y - 1900);
		tm.tm_mon = (int)(mo - 1);
		tm.tm_mday = (int)d;
		tm.tm_hour = (int)h;
		tm.tm_min = (int)mi;
		tm.tm_sec = (int)sec;
		/* Let the zone rules say whether DST is in force then. */
		tm.tm_isdst = -1;
		if ((tt = mktime(&tm)) == (time_t)-1) {
			return PC_ERR_INVALID_FORMAT;
		}
		t = (int64_t)tt;
	}
	if (t <= 0) {
		return PC_ERR_INVALID_FORMAT;
	}
	*tp = (uint64_t)t;
	return 0;
}

/* An environment name: non-empty, letters, digits and '_' (as sshd). */
static int
env_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_') {
			return 0;
		}
	}
	return 1;
}

/* A port: 1..65535 in decimal, or "*" (-1) if star_ok. */
static int
port_parse(const char *s, int star_ok, int *port)
{
	size_t n = strlen(s);
	long long v;

	if (star_ok && strcmp(s, "*") == 0) {
		*port = -1;
		return 0;
	}
	if (n == 0 || n > 5 || (v = digits(s, n)) < 1 || v > 65535) {
		return PC_ERR_INVALID_FORMAT;
	}
	*port = (int)v;
	return 0;
}

/* Printable, no blanks, no quote or comma: a host or pattern text. */
static int
host_chars_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f || s[i] == '"' ||
		    s[i] == ',') {
			return 0;
		}
	}
	return 1;
}

/* The inside of "[...]": an IPv6 literal's characters, with a ':'. */
static int
v6_chars_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]) && s[i] != ':' &&
		    s[i] != '.') {
			return 0;
		}
	}
	return memchr(s, ':', n) != NULL;
}

int
authopts_permit_split(const char *entry, int listen, char *host,
    size_t hostlen, int *port)
{
	const char *h, *close, *colon, *portstr;
	size_t hl;

	if (entry == NULL || host == NULL || port == NULL || hostlen == 0) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	host[0] = '\0';
	if (entry[0] == '[') {
		/* [v6]:port */
		h = entry + 1;
		if ((close = strchr(h, ']')) == NULL || close[1] != ':') {
			return PC_ERR_INVALID_FORMAT;
		}
		hl = (size_t)(close - h);
		if (!v6_chars_ok(h, hl)) {
			return PC_ERR_INVALID_FORMAT;
		}
		portstr = close + 2;
	} else if ((colon = strchr(entry, ':')) == NULL) {
		/* A bare port: permitlisten only, any listen address. */
		if (!listen) {
			return PC_ERR_INVALID_FORMAT;
		}
		h = "*";
		hl = 1;
		portstr = entry;
	} else {
		h = entry;
		hl = (size_t)(colon - entry);
		portstr = colon + 1;
	}
	/* The host: non-empty, printable, no blank, quote or comma. */
	if (hl == 0 || hl > AUTHOPTS_HOST_MAX || hl >= hostlen ||
	    !host_chars_ok(h, hl)) {
		return PC_ERR_INVALID_FORMAT;
	}
	if (port_parse(portstr, 1, port) != 0) {
		return PC_ERR_INVALID_FORMAT;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	return 0;
}

/*
 * Walk a from= list, calling fn for each entry (without the '!'); stops
 * on the first non-zero return.  Entries are capped in number and length.
 */
typedef int (*from_entry_fn)(void *arg, int neg, const char *entry);

static int
from_walk(const char *list, from_entry_fn fn, void *arg)
{
	char entry[AUTHOPTS_ENTRY_MAX + 1];
	const char *p = list, *end;
	size_t len, n = 0;
	int neg, r;

	for (;;) {
		if (++n > AUTHOPTS_MAX_LIST) {
			return PC_ERR_RANGE;
		}
		end = strchr(p, ',');
		len = end == NULL ? strlen(p) : (size_t)(end - p);
		neg = len > 0 && p[0] == '!';
		if (neg) {
			p++;
			len--;
		}
		if (len == 0 || len > AUTHOPTS_ENTRY_MAX) {
			return PC_ERR_INVALID_FORMAT;
		}
		memcpy(entry, p, len);
		entry[len] = '\0';
		if ((r = fn(arg, neg, entry)) != 0) {
			return r;
		}
		if (end == NULL) {
			return 0;
		}
		p = end + 1;
	}
}

/*
 * An entry is an address entry (matched as an address: exact or CIDR)
 * if it has a '/' (then it must be a valid CIDR) or is a numeric
 * address; anything else is a wildcard pattern for the address text and
 * the host name, as OpenSSH's match_host_and_ip treats it.
 */
static int
from_entry_is_addr(const char *entry, int *is_addr)
{
	int r = match_cidr_list(NULL, entry);

	*is_addr = r == 0;
	if (r != 0 && strchr(entry, '/') != NULL) {
		return PC_ERR_INVALID_FORMAT;
	}
	if (r != 0 && !host_chars_ok(entry, strlen(entry))) {
		return PC_ERR_INVALID_FORMAT;
	}
	return 0;
}

static int
from_check_entry(void *arg, int neg, const char *entry)
{
	int is_addr;

	(void)arg;
	(void)neg;
	return from_entry_is_addr(entry, &is_addr);
}

struct from_match {
	const char *addr;
	const char *host;
	int result;
};

static int
from_match_entry(void *arg, int neg, const char *entry)
{
	struct from_match *fm = arg;
	int is_addr, hit, r;

	if ((r = from_entry_is_addr(entry, &is_addr)) != 0) {
		return r;
	}
	if (is_addr) {
		if ((r = match_cidr_list(fm->addr, entry)) < 0) {
			return r;
		}
		hit = r == MATCH_YES;
	} else {
		hit = match_pattern(fm->addr, entry, 1) ||
		    match_pattern(fm->host, entry, 1);
	}
	if (hit) {
		/* A negated match refuses, wherever it is in the list. */
		if (neg) {
			fm->result = MATCH_NEGATED;
			return 1;
		}
		fm->result = MATCH_YES;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The options string */

struct optcur {
	const char *p;
	const char *end;
};

/*
 * A flag option: name, or (if negatable) "no-" name, case-insensitively,
 * as a prefix of the rest (what follows must then be ',' or the end of
 * the options, checked by the caller).  -1 if it is not this option,
 * else 1 (positive) or 0 (negated).
 */
static int
opt_flag(struct optcur *c, const char *name, int negatable)
{
	const char *p = c->p;
	size_t n = strlen(name);
	int neg = 0;

	if (negatable && (size_t)(c->end - p) >= 3 &&
	    strncasecmp(p, "no-", 3) == 0) {
		p += 3;
		neg = 1;
	}
	if ((size_t)(c->end - p) < n || strncasecmp(p, name, n) != 0) {
		return -1;
	}
	c->p = p + n;
	return neg ? 0 : 1;
}

/* name=, case-insensitively; advances past the '='. */
static int
opt_match(struct optcur *c, const char *name)
{
	size_t n = strlen(name);

	if ((size_t)(c->end - c->p) <= n ||
	    strncasecmp(c->p, name, n) != 0 || c->p[n] != '=') {
		return 0;
	}
	c->p += n + 1;
	return 1;
}

/*
 * A double-quoted value.  Inside, \" stands for '"' and every other
 * character (a backslash too) is itself, as sshd reads it.
 */
static int
opt_dequote(struct optcur *c, char **out, const char **errstr)
{
	const char *p = c->p;
	char *v;
	size_t n = 0;

	*out = NULL;
	if (p >= c->end || *p != '"') {
		*errstr = "missing start quote";
		return PC_ERR_INVALID_FORMAT;
	}
	p++;
	if ((v = malloc((size_t)(c->end - p) + 1)) == NULL) {
		*errstr = "out of memory";
		return PC_ERR_ALLOC;
	}
	while (p < c->end && *p != '"') {
		if (*p == '\\' && p + 1 < c->end && p[1] == '"') {
			p++;
		}
		v[n++] = *p++;
	}
	if (p >= c->end) {
		free(v);
		*errstr = "missing end quote";
		return PC_ERR_INVALID_FORMAT;
	}
	v[n] = '\0';
	c->p = p + 1;
	*out = v;
	return 0;
}

/*
 * Where the options end: the first space or tab outside quotes, or len.
 * A NUL byte before that is refused.
 */
static int
opts_extent(const char *s, size_t len, size_t *extent)
{
	size_t i;
	int quoted = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0') {
			return PC_ERR_INVALID_FORMAT;
		}
		if (!quoted && (s[i] == ' ' || s[i] == '\t')) {
			break;
		}
		if (s[i] == '"') {
			quoted = !quoted;
		} else if (quoted && s[i] == '\\' && i + 1 < len &&
		    s[i + 1] == '"') {
			i++;
		}
	}
	*extent = i;
	return 0;
}

static int
opt_environment(struct auth_opts *o, struct optcur *c, const char **errstr)
{
	char *v;
	const char *eq;
	size_t i, n;
	int r;

	if ((r = opt_dequote(c, &v, errstr)) != 0) {
		return r;
	}
	if ((eq = strchr(v, '=')) == NULL ||
	    !env_name_ok(v, (size_t)(eq - v))) {
		free(v);
		*errstr = "bad environment name";
		return PC_ERR_INVALID_FORMAT;
	}
	n = (size_t)(eq - v) + 1;
	/* The first setting of a name wins, as in OpenSSH. */
	for (i = 0; i < o->nenv; i++) {
		if (strncmp(o->env[i], v, n) == 0) {
			free(v);
			return 0;
		}
	}
	if ((r = strlist_add(&o->env, &o->nenv, v)) != 0) {
		*errstr = r == PC_ERR_RANGE ? "too many environment options" :
		    "out of memory";
		return r == PC_ERR_RANGE ? PC_ERR_INVALID_FORMAT : r;
	}
	return 0;
}

static int
opt_permit(struct optcur *c, int listen, char ***lp, size_t *np,
    const char **errstr)
{
	char host[AUTHOPTS_HOST_MAX + 1], *v;
	int port, r;

	if ((r = opt_dequote(c, &v, errstr)) != 0) {
		return r;
	}
	if (authopts_permit_split(v, listen, host, sizeof(host), &port) != 0) {
		free(v);
		*errstr = listen ? "bad permitlisten" : "bad permitopen";
		return PC_ERR_INVALID_FORMAT;
	}
	if ((r = strlist_add(lp, np, v)) != 0) {
		*errstr = r == PC_ERR_RANGE ? "too many permissions" :
		    "out of memory";
		return r == PC_ERR_RANGE ? PC_ERR_INVALID_FORMAT : r;
	}
	return 0;
}

static int
opt_tunnel(struct auth_opts *o, struct optcur *c, const char **errstr)
{
	char *v;
	size_t n;
	long long t;
	int r;

	if ((r = opt_dequote(c, &v, errstr)) != 0) {
		return r;
	}
	n = strlen(v);
	if (strcmp(v, "any") == 0) {
		o->force_tun_device = AUTHOPTS_TUN_ANY;
	} else if (n == 0 || n > 10 || (t = digits(v, n)) < 0 ||
	    t > AUTHOPTS_TUN_MAX) {
		free(v);
		*errstr = "bad tunnel device";
		return PC_ERR_INVALID_FORMAT;
	} else {
		o->force_tun_device = (int)t;
	}
	free(v);
	return 0;
}

/* A single-valued string option: command=, principals=, from=. */
static int
opt_single(struct optcur *c, char **slot, const char *dupmsg,
    const char **errstr)
{
	if (*slot != NULL) {
		*errstr = dupmsg;
		return PC_ERR_INVALID_FORMAT;
	}
	return opt_dequote(c, slot, errstr);
}

/* One option at c->p; 1 if no option name matched. */
static int
opt_one(struct auth_opts *o, struct optcur *c, const char **errstr)
{
	char *v;
	uint64_t t;
	int f, r;

	if ((f = opt_flag(c, "restrict", 0)) != -1) {
		/* Later positive options re-enable, left to right. */
		o->restricted = 1;
		o->permit_port_forwarding = 0;
		o->permit_agent_forwarding = 0;
		o->permit_x11_forwarding = 0;
		o->permit_pty = 0;
		o->permit_user_rc = 0;
	} else if ((f = opt_flag(c, "cert-authority", 0)) != -1) {
		o->cert_authority = 1;
	} else if ((f = opt_flag(c, "port-forwarding", 1)) != -1) {
		o->permit_port_forwarding = f;
	} else if ((f = opt_flag(c, "agent-forwarding", 1)) != -1) {
		o->permit_agent_forwarding = f;
	} else if ((f = opt_flag(c, "x11-forwarding", 1)) != -1) {
		o->permit_x11_forwarding = f;
	} else if ((f = opt_flag(c, "touch-required", 1)) != -1 ||
	    (f = opt_flag(c, "verify-required", 0)) != -1) {
		/*
		 * no-touch-required and verify-required only concern FIDO
		 * (sk-*) keys, which Portcullis does not accept: a line
		 * carrying them is still valid, and they have nothing to
		 * act on.
		 */
	} else if ((f = opt_flag(c, "pty", 1)) != -1) {
		o->permit_pty = f;
	} else if ((f = opt_flag(c, "user-rc", 1)) != -1) {
		o->permit_user_rc = f;
	} else if (opt_match(c, "command")) {
		return opt_single(c, &o->force_command,
		    "duplicate command", errstr);
	} else if (opt_match(c, "principals")) {
		return opt_single(c, &o->cert_principals,
		    "duplicate principals", errstr);
	} else if (opt_match(c, "from")) {
		if ((r = opt_single(c, &o->required_from_host_keys,
		    "duplicate from", errstr)) != 0) {
			return r;
		}
		if (from_walk(o->required_from_host_keys, from_check_entry,
		    NULL) != 0) {
			*errstr = "bad from pattern";
			return PC_ERR_INVALID_FORMAT;
		}
	} else if (opt_match(c, "expiry-time")) {
		if ((r = opt_dequote(c, &v, errstr)) != 0) {
			return r;
		}
		r = parse_expiry(v, &t);
		free(v);
		if (r != 0) {
			*errstr = "bad expiry-time";
			return PC_ERR_INVALID_FORMAT;
		}
		/* The earliest of several wins. */
		if (o->valid_before == 0 || t < o->valid_before) {
			o->valid_before = t;
		}
	} else if (opt_match(c, "environment")) {
		return opt_environment(o, c, errstr);
	} else if (opt_match(c, "permitopen")) {
		return opt_permit(c, 0, &o->permitopen, &o->npermitopen,
		    errstr);
	} else if (opt_match(c, "permitlisten")) {
		return opt_permit(c, 1, &o->permitlisten, &o->npermitlisten,
		    errstr);
	} else if (opt_match(c, "tunnel")) {
		return opt_tunnel(o, c, errstr);
	} else {
		return 1;
	}
	return 0;
}

int
authopts_parse(const char *s, size_t len, struct auth_opts **out,
    size_t *consumed, const char **errstr)
{
	struct auth_opts *o = NULL;
	struct optcur c;
	const char *dummy;
	size_t extent;
	int r;

	if (errstr == NULL) {
		errstr = &dummy;
	}
	*errstr = NULL;
	if (out != NULL) {
		*out = NULL;
	}
	if (consumed != NULL) {
		*consumed = 0;
	}
	if (s == NULL || out == NULL) {
		*errstr = "invalid argument";
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((r = opts_extent(s, len, &extent)) != 0) {
		*errstr = "NUL in options";
		return r;
	}
	if (extent > AUTHOPTS_MAX_LINE) {
		*errstr = "options too long";
		return PC_ERR_INVALID_FORMAT;
	}
	if ((o = authopts_new()) == NULL) {
		*errstr = "out of memory";
		return PC_ERR_ALLOC;
	}
	c.p = s;
	c.end = s + extent;
	while (c.p < c.end) {
		if ((r = opt_one(o, &c, errstr)) < 0) {
			goto out;
		}
		/*
		 * r == 1: no option here.  That is only allowed for an
		 * empty entry (",,"), which sshd passes over too.
		 */
		if (c.p >= c.end) {
			break;
		}
		if (*c.p != ',') {
			*errstr = "unknown option";
			r = PC_ERR_INVALID_FORMAT;
			goto out;
		}
		c.p++;
		if (c.p == s + len) {
			*errstr = "unexpected end of options";
			r = PC_ERR_INVALID_FORMAT;
			goto out;
		}
	}
	if (consumed != NULL) {
		*consumed = extent;
	}
	*out = o;
	o = NULL;
	r = 0;
 out:
	authopts_free(o);
	return r;
}

/* ------------------------------------------------------------------ */
/* Merge */

/* Both set: must agree.  One set: that one. */
static int
merge_str(char **dst, const char *a, const char *b, const char *conflict,
    const char **errstr)
{
	*dst = NULL;
	if (a != NULL && b != NULL && strcmp(a, b) != 0) {
		*errstr = conflict;
		return PC_ERR_AUTH_FAILED;
	}
	if (str_dup(dst, a != NULL ? a : b) != 0) {
		*errstr = "out of memory";
		return PC_ERR_ALLOC;
	}
	return 0;
}

/* primary's list if it has one, else additional's. */
static int
merge_list(char ***dst, size_t *ndst, char *const *a, size_t na,
    char *const *b, size_t nb)
{
	if (na > 0) {
		return strlist_dup(dst, ndst, a, na);
	}
	return strlist_dup(dst, ndst, b, nb);
}

int
authopts_merge(const struct auth_opts *p, const struct auth_opts *a,
    struct auth_opts **out, const char **errstr)
{
	struct auth_opts *o = NULL;
	const char *dummy;
	int r;

	if (errstr == NULL) {
		errstr = &dummy;
	}
	*errstr = NULL;
	if (out == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	*out = NULL;
	if (p == NULL || a == NULL) {
		*errstr = "invalid argument";
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((o = authopts_new()) == NULL) {
		*errstr = "out of memory";
		return PC_ERR_ALLOC;
	}
	/* Permitted only if both sources permit. */
	o->permit_port_forwarding = p->permit_port_forwarding == 1 &&
	    a->permit_port_forwarding == 1;
	o->permit_agent_forwarding = p->permit_agent_forwarding == 1 &&
	    a->permit_agent_forwarding == 1;
	o->permit_x11_forwarding = p->permit_x11_forwarding == 1 &&
	    a->permit_x11_forwarding == 1;
	o->permit_pty = p->permit_pty == 1 && a->permit_pty == 1;
	o->permit_user_rc = p->permit_user_rc == 1 && a->permit_user_rc == 1;
	o->restricted = p->restricted || a->restricted;
	/* The earlier expiry (0 means none). */
	o->valid_before = p->valid_before;
	if (a->valid_before != 0 &&
	    (o->valid_before == 0 || a->valid_before < o->valid_before)) {
		o->valid_before = a->valid_before;
	}
	o->force_tun_device = p->force_tun_device != -1 ?
	    p->force_tun_device : a->force_tun_device;
	/* cert_authority and cert_principals: not carried (0 / NULL). */
	if ((r = merge_str(&o->force_command, p->force_command,
	    a->force_command, "forced command conflict", errstr)) != 0 ||
	    (r = merge_str(&o->required_from_host_keys,
	    p->required_from_host_keys, a->required_from_host_keys,
	    "from= conflict", errstr)) != 0 ||
	    (r = merge_str(&o->required_from_host_cert,
	    p->required_from_host_cert, a->required_from_host_cert,
	    "source-address conflict", errstr)) != 0) {
		goto out;
	}
	if ((r = merge_list(&o->env, &o->nenv, p->env, p->nenv, a->env,
	    a->nenv)) != 0 ||
	    (r = merge_list(&o->permitopen, &o->npermitopen, p->permitopen,
	    p->npermitopen, a->permitopen, a->npermitopen)) != 0 ||
	    (r = merge_list(&o->permitlisten, &o->npermitlisten,
	    p->permitlisten, p->npermitlisten, a->permitlisten,
	    a->npermitlisten)) != 0) {
		*errstr = "out of memory";
		goto out;
	}
	*out = o;
	o = NULL;
	r = 0;
 out:
	authopts_free(o);
	return r;
}

/* ------------------------------------------------------------------ */
/* Certificates */

int
authopts_cert_defaults(struct auth_opts **out)
{
	struct auth_opts *o;

	if (out == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((*out = o = authopts_new()) == NULL) {
		return PC_ERR_ALLOC;
	}
	/* PROTOCOL.certkeys: permissions come only from extensions. */
	o->permit_port_forwarding = 0;
	o->permit_agent_forwarding = 0;
	o->permit_x11_forwarding = 0;
	o->permit_pty = 0;
	o->permit_user_rc = 0;
	return 0;
}

int
authopts_cert_extension(struct auth_opts *o, const char *name)
{
	if (o == NULL || name == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	/* Extension names are exact (case-sensitive) strings. */
	if (strcmp(name, "permit-X11-forwarding") == 0) {
		o->permit_x11_forwarding = 1;
	} else if (strcmp(name, "permit-agent-forwarding") == 0) {
		o->permit_agent_forwarding = 1;
	} else if (strcmp(name, "permit-port-forwarding") == 0) {
		o->permit_port_forwarding = 1;
	} else if (strcmp(name, "permit-pty") == 0) {
		o->permit_pty = 1;
	} else if (strcmp(name, "permit-user-rc") == 0) {
		o->permit_user_rc = 1;
	} else if (strcmp(name, "no-touch-required") == 0) {
		/* FIDO keys only, which are not supported: nothing to do. */
	} else {
		/* PROTOCOL.certkeys: unknown extensions are ignored. */
		verbose("Certificate extension \"%.100s\" is not supported",
		    name);
	}
	return 0;
}

int
authopts_cert_critical(struct auth_opts *o, const char *name,
    const char *value)
{
	if (o == NULL || name == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (strcmp(name, "force-command") == 0) {
		if (value == NULL) {
			return PC_ERR_INVALID_ARGUMENT;
		}
		if (o->force_command != NULL) {
			error("Certificate has multiple force-command options");
			return PC_ERR_CERT_INVALID;
		}
		if ((o->force_command = strdup(value)) == NULL) {
			return PC_ERR_ALLOC;
		}
		return 0;
	}
	if (strcmp(name, "source-address") == 0) {
		if (value == NULL) {
			return PC_ERR_INVALID_ARGUMENT;
		}
		if (o->required_from_host_cert != NULL) {
			error("Certificate has multiple source-address "
			    "options");
			return PC_ERR_CERT_INVALID;
		}
		if (match_cidr_list(NULL, value) != 0) {
			error("Certificate source-address contents invalid");
			return PC_ERR_CERT_INVALID;
		}
		if ((o->required_from_host_cert = strdup(value)) == NULL) {
			return PC_ERR_ALLOC;
		}
		return 0;
	}
	/*
	 * A critical option the server does not understand must refuse the
	 * certificate (PROTOCOL.certkeys).  verify-required asks for a FIDO
	 * user-verification flag that only sk-* keys carry, and those are
	 * not supported, so it cannot be honoured either.
	 */
	error("Certificate critical option \"%.100s\" is not supported", name);
	return PC_ERR_CERT_INVALID;
}

/* ------------------------------------------------------------------ */
/* Checks at authentication */

int
authopts_check_from(const struct auth_opts *o, const char *addr,
    const char *host, const char **why)
{
	struct from_match fm;
	const char *dummy;
	int r;

	if (why == NULL) {
		why = &dummy;
	}
	*why = NULL;
	if (o == NULL || addr == NULL) {
		*why = "invalid argument";
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (host == NULL) {
		host = addr;
	}
	if (o->required_from_host_keys != NULL) {
		fm.addr = addr;
		fm.host = host;
		fm.result = MATCH_NONE;
		r = from_walk(o->required_from_host_keys, from_match_entry,
		    &fm);
		if (r < 0) {
			*why = "invalid from= list";
			return PC_ERR_AUTH_FAILED;
		}
		if (fm.result != MATCH_YES) {
			*why = "not from a permitted host";
			return PC_ERR_AUTH_FAILED;
		}
	}
	if (o->required_from_host_cert != NULL) {
		r = match_cidr_list(addr, o->required_from_host_cert);
		if (r < 0) {
			*why = "invalid certificate source-address";
			return PC_ERR_AUTH_FAILED;
		}
		if (r != MATCH_YES) {
			*why = "not from a permitted source address";
			return PC_ERR_AUTH_FAILED;
		}
	}
	return 0;
}

int
authopts_check_expiry(const struct auth_opts *o, uint64_t now)
{
	if (o == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	/* As sshd: valid up to and including valid_before. */
	if (o->valid_before != 0 && o->valid_before < now) {
		return PC_ERR_AUTH_FAILED;
	}
	return 0;
}
