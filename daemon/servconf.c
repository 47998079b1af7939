/*
 * sshd_config(5) parser for portcullisd (see servconf.h).
 *
 * The grammar is OpenSSH's: "Keyword args", "Keyword=args" or
 * "Keyword = args"; keywords are case-insensitive; arguments may be
 * quoted with " or ' and may use \ to escape a quote, a backslash or a
 * space; '#' at the start of an argument begins a comment.
 *
 * Each keyword is one row of the keywords[] table naming its value type;
 * a type knows how to parse, copy, dump and free its field, so adding a
 * keyword is one table row plus the struct field.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <netdb.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"

#include "alglist.h"
#include "cipher.h"
#include "kexalg.h"
#include "key.h"
#include "log.h"
#include "mac.h"
#include "match.h"
#include "servconf.h"

#define MAX_ARGS	256	/* arguments on one line */
#define MAX_GROUPS	4096	/* groups looked up for Match Group */

/* Kinds of stored lines. */
#define LINE_TEXT	0
#define LINE_INC_BEGIN	1	/* an included file starts */
#define LINE_INC_END	2	/* ... and ends */

/* Keyword flags, as OpenSSH's SSHCFG_*. */
#define KW_GLOBAL	0x01
#define KW_MATCH	0x02	/* allowed inside a Match block */
#define KW_ALL		(KW_GLOBAL | KW_MATCH)

/* Where the line being parsed came from. */
struct line_ctx {
	const char *file;
	int lineno;
	const char *keyword;	/* as written */
};

#define LERR(lc, fmt, ...) \
	error("%s line %d: " fmt, (lc)->file, (lc)->lineno, ##__VA_ARGS__)

struct keyword;

struct kw_type {
	/* Parse av[0..ac) (the arguments after the keyword) into cfg; a
	 * value already set stays (first wins) but is still checked. */
	int (*parse)(const struct keyword *kw, struct server_config *cfg,
	    const struct line_ctx *lc, char **av, int ac);
	/* If set in src, replace dst's value with a copy. */
	int (*copy)(const struct keyword *kw, struct server_config *dst,
	    const struct server_config *src);
	void (*dump)(const struct keyword *kw, const struct server_config *cfg,
	    FILE *f);
	void (*free)(const struct keyword *kw, struct server_config *cfg);
};

struct keyword {
	const char *name;	/* lower case, as printed by the dump */
	const struct kw_type *type;
	size_t off;		/* of the field in struct server_config */
	unsigned flags;
	const void *arg;	/* type-specific */
};

struct enum_val {
	const char *name;
	int val;
};

/* The lists an algorithm-list keyword is assembled from. */
struct alg_source {
	const char *(*def)(void);
	const char *(*supported)(void);
	const char *what;	/* for errors */
};

#define FIELD(cfg, kw, type)	((type *)(void *)((char *)(cfg) + (kw)->off))
#define CFIELD(cfg, kw, type) \
	((const type *)(const void *)((const char *)(cfg) + (kw)->off))

/* ------------------------------------------------------------------ */
/* Value parsers shared by the types. */

static int
one_arg(const struct line_ctx *lc, char **av, int ac)
{
	if (ac < 1 || av[0][0] == '\0') {
		LERR(lc, "%s missing argument.", lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (ac > 1) {
		LERR(lc, "keyword %s extra arguments at end of line",
		    lc->keyword);
		return PC_ERR_CONFIG;
	}
	return 0;
}

/* Unsigned decimal, no sign, no junk, at most max. */
static int
parse_uint(const char *s, int64_t max, int64_t *out)
{
	int64_t v = 0;

	if (*s == '\0') {
		return -1;
	}
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9') {
			return -1;
		}
		if (v > (max - (*s - '0')) / 10) {
			return -1;
		}
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

/* A port number 1-65535. */
static int
parse_port(const char *s)
{
	int64_t v;

	if (parse_uint(s, 65535, &v) != 0 || v == 0) {
		return -1;
	}
	return (int)v;
}

/*
 * The sshd_config(5) TIME FORMATS: a sequence of number[unit] with units
 * s, m, h, d, w (either case); a bare number is seconds.  Like OpenSSH's
 * convtime, the result is at most INT_MAX.
 */
static int
parse_time(const char *s, int64_t *out)
{
	int64_t total = 0, v, mult;

	if (*s == '\0') {
		return -1;
	}
	while (*s != '\0') {
		if (*s < '0' || *s > '9') {
			return -1;
		}
		v = 0;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (v > (INT_MAX - (*s - '0')) / 10) {
				return -1;
			}
			v = v * 10 + (*s - '0');
		}
		switch (*s) {
		case '\0':
			mult = 1;
			break;
		case 's': case 'S':
			mult = 1;
			s++;
			break;
		case 'm': case 'M':
			mult = 60;
			s++;
			break;
		case 'h': case 'H':
			mult = 60 * 60;
			s++;
			break;
		case 'd': case 'D':
			mult = 24 * 60 * 60;
			s++;
			break;
		case 'w': case 'W':
			mult = 7 * 24 * 60 * 60;
			s++;
			break;
		default:
			return -1;
		}
		if (v > (INT_MAX - total) / mult) {
			return -1;
		}
		total += v * mult;
	}
	*out = total;
	return 0;
}

/* A byte count with an optional K, M or G (binary) suffix. */
static int
parse_size(const char *s, int64_t *out)
{
	char buf[32];
	size_t len = strlen(s);
	int64_t v, mult = 1;

	if (len == 0 || len >= sizeof(buf)) {
		return -1;
	}
	memcpy(buf, s, len + 1);
	switch (buf[len - 1]) {
	case 'k': case 'K':
		mult = 1LL << 10;
		break;
	case 'm': case 'M':
		mult = 1LL << 20;
		break;
	case 'g': case 'G':
		mult = 1LL << 30;
		break;
	}
	if (mult != 1) {
		buf[len - 1] = '\0';
	}
	if (parse_uint(buf, INT64_MAX / mult, &v) != 0) {
		return -1;
	}
	*out = v * mult;
	return 0;
}

static char *
xstrdup_or_null(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

/* ------------------------------------------------------------------ */
/* Types. */

/* int, yes/no; -1 unset. */
static int
flag_parse(const struct keyword *kw, struct server_config *cfg,
    const struct line_ctx *lc, char **av, int ac)
{
	int *p = FIELD(cfg, kw, int), v;

	if (one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if (strcasecmp(av[0], "yes") == 0) {
		v = 1;
	} else if (strcasecmp(av[0], "no") == 0) {
		v = 0;
	} else {
		LERR(lc, "unsupported option \"%s\" for %s.", av[0],
		    lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (*p == -1) {
		*p = v;
	}
	return 0;
}

static int
int_copy(const struct keyword *kw, struct server_config *dst,
    const struct server_config *src)
{
	if (*CFIELD(src, kw, int) != -1) {
		*FIELD(dst, kw, int) = *CFIELD(src, kw, int);
	}
	return 0;
}

static void
flag_dump(const struct keyword *kw, const struct server_config *cfg, FILE *f)
{
	int v = *CFIELD(cfg, kw, int);

	if (v != -1) {
		fprintf(f, "%s %s\n", kw->name, v ? "yes" : "no");
	}
}

static void
nothing_free(const struct keyword *kw, struct server_config *cfg)
{
}

/* Non-negative int; -1 unset. */
static int
int_parse(const struct keyword *kw, struct server_config *cfg,
    const struct line_ctx *lc, char **av, int ac)
{
	int *p = FIELD(cfg, kw, int);
	int64_t v;

	if (one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if (parse_uint(av[0], INT_MAX, &v) != 0) {
		LERR(lc, "Bad number '%s' for %s.", av[0], lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (*p == -1) {
		*p = (int)v;
	}
	return 0;
}

static void
int_dump(const struct keyword *kw, const struct server_config *cfg, FILE *f)
{
	int v = *CFIELD(cfg, kw, int);

	if (v != -1) {
		fprintf(f, "%s %d\n", kw->name, v);
	}
}

/* int64_t seconds in the time format; -1 unset. */
static int
time_parse(const struct keyword *kw, struct server_config *cfg,
    const struct line_ctx *lc, char **av, int ac)
{
	int64_t *p = FIELD(cfg, kw, int64_t), v;

	if (one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if (parse_time(av[0], &v) != 0) {
		LERR(lc, "invalid time value '%s' for %s.", av[0],
		    lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (*p == -1) {
		*p = v;
	}
	return 0;
}

static int
time_copy(const struct keyword *kw, struct server_config *dst,
    const struct server_config *src)
{
	if (*CFIELD(src, kw, int64_t) != -1) {
		*FIELD(dst, kw, int64_t) = *CFIELD(src, kw, int64_t);
	}
	return 0;
}

static void
time_dump(const struct keyword *kw, const struct server_config *cfg, FILE *f)
{
	int64_t v = *CFIELD(cfg, kw, int64_t);

	if (v != -1) {
		fprintf(f, "%s %lld\n", kw->name, (long long)v);
	}
}

/* char *; NULL unset. */
static int
string_parse(const struct keyword *kw, struct server_config *cfg,
    const struct line_ctx *lc, char **av, int ac)
{
	char **p = FIELD(cfg, kw, char *);

	if (one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if (*p == NULL && (*p = strdup(av[0])) == NULL) {
		return PC_ERR_ALLOC;
	}
	return 0;
}

static int
string_copy(const struct keyword *kw, struct server_config *dst,
    const struct server_config *src)
{
	const char *s = *CFIELD(src, kw, char *);
	char **d = FIELD(dst, kw, char *), *n;

	if (s == NULL) {
		return 0;
	}
	if ((n = strdup(s)) == NULL) {
		return PC_ERR_ALLOC;
	}
	free(*d);
	*d = n;
	return 0;
}

static void
string_dump(const struct keyword *kw, const struct server_config *cfg,
    FILE *f)
{
	const char *s = *CFIELD(cfg, kw, char *);

	if (s != NULL) {
		fprintf(f, "%s %s\n", kw->name, s);
	}
}

static void
string_free(const struct keyword *kw, struct server_config *cfg)
{
	char **p = FIELD(cfg, kw, char *);

	free(*p);
	*p = NULL;
}

/* Algorithm list (char *); arg is a struct alg_source. */
static int
alglist_parse(const struct keyword *kw, struct server_config *cfg,
    const struct line_ctx *lc, char **av, int ac)
{
	const struct alg_source *src = kw->arg;
	char **p = FIELD(cfg, kw, char *), *list = NULL;
	const char *why;
	int r;

	if (one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	r = alglist_assemble(av[0], src->def(), src->supported(), &list);
	if (r != 0) {
		switch (r) {
		case PC_ERR_NOT_FOUND:
			why = "unknown algorithm name";
			break;
		case PC_ERR_INVALID_ARGUMENT:
			why = "no algorithm left";
			break;
		case PC_ERR_ALLOC:
			return r;
		default:
			why = "malformed list";
			break;
		}
		LERR(lc, "Bad SSH2 %s '%s': %s.", src->what, av[0], why);
		return PC_ERR_CONFIG;
	}
	if (*p == NULL) {
		*p = list;
	} else {
		free(list);
	}
	return 0;
}

/* int from a table; arg is a NULL-terminated struct enum_val array. */
static int
enum_parse(const struct keyword *kw, struct server_config *cfg,
    const struct line_ctx *lc, char **av, int ac)
{
	const struct enum_val *e;
	int *p = FIELD(cfg, kw, int);

	if (one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	for (e = kw->arg; e->name != NULL; e++) {
		if (strcasecmp(av[0], e->name) == 0) {
			if (*p == -1) {
				*p = e->val;
			}
			return 0;
		}
	}
	LERR(lc, "unsupported option \"%s\" for %s.", av[0], lc->keyword);
	return PC_ERR_CONFIG;
}

static void
enum_dump(const struct keyword *kw, const struct server_config *cfg, FILE *f)
{
	const struct enum_val *e;
	int v = *CFIELD(cfg, kw, int);

	for (e = kw->arg; e->name != NULL; e++) {
		if (e->val == v) {
			fprintf(f, "%s %s\n", kw->name, e->name);
			return;
		}
	}
}

static int
loglevel_parse(const struct keyword *kw, struct server_config *cfg,
    const struct line_ctx *lc, char **av, int ac)
{
	int *p = FIELD(cfg, kw, int), v;

	if (one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if ((v = log_level_from_name(av[0])) < 0) {
		LERR(lc, "unsupported log level '%s'", av[0]);
		return PC_ERR_CONFIG;
	}
	if (*p == -1) {
		*p = v;
	}
	return 0;
}

static void
loglevel_dump(const struct keyword *kw, const struct server_config *cfg,
    FILE *f)
{
	int v = *CFIELD(cfg, kw, int);

	if (v != -1) {
		fprintf(f, "%s %s\n", kw->name,
		    log_level_name((enum log_level)v));
	}
}

static int
facility_parse(const struct keyword *kw, struct server_config *cfg,
    const struct line_ctx *lc, char **av, int ac)
{
	int *p = FIELD(cfg, kw, int), v;

	if (one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if ((v = log_facility_from_name(av[0])) < 0) {
		LERR(lc, "unsupported log facility '%s'", av[0]);
		return PC_ERR_CONFIG;
	}
	if (*p == -1) {
		*p = v;
	}
	return 0;
}

static void
facility_dump(const struct keyword *kw, const struct server_config *cfg,
    FILE *f)
{
	int v = *CFIELD(cfg, kw, int);

	if (v != -1) {
		fprintf(f, "%s %s\n", kw->name, log_facility_name(v));
	}
}

/* Accumulating list of strings (struct servconf_strlist). */
static int
strlist_add(struct servconf_strlist *l, const char *s, size_t max)
{
	char **v, *d;

	if (l->n >= max) {
		return PC_ERR_RANGE;
	}
	if ((d = strdup(s)) == NULL) {
		return PC_ERR_ALLOC;
	}
	if ((v = reallocarray(l->v, l->n + 1, sizeof(*v))) == NULL) {
		free(d);
		return PC_ERR_ALLOC;
	}
	l->v = v;
	l->v[l->n++] = d;
	return 0;
}

static void
strlist_clear(struct servconf_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i]);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
pathlist_parse(const struct keyword *kw, struct server_config *cfg,
    const struct line_ctx *lc, char **av, int ac)
{
	int r;

	if (one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	r = strlist_add(FIELD(cfg, kw, struct servconf_strlist), av[0],
	    SERVCONF_MAX_HOSTKEYS);
	if (r == PC_ERR_RANGE) {
		LERR(lc, "too many %s entries", lc->keyword);
		return PC_ERR_CONFIG;
	}
	return r;
}

static int
pathlist_copy(const struct keyword *kw, struct server_config *dst,
    const struct server_config *src)
{
	const struct servconf_strlist *s =
	    CFIELD(src, kw, struct servconf_strlist);
	struct servconf_strlist *d = FIELD(dst, kw, struct servconf_strlist);
	size_t i;
	int r;

	if (s->n == 0) {
		return 0;
	}
	strlist_clear(d);
	for (i = 0; i < s->n; i++) {
		if ((r = strlist_add(d, s->v[i], SIZE_MAX)) != 0) {
			return r;
		}
	}
	return 0;
}

static void
pathlist_dump(const struct keyword *kw, const struct server_config *cfg,
    FILE *f)
{
	const struct servconf_strlist *l =
	    CFIELD(cfg, kw, struct servconf_strlist);
	size_t i;

	for (i = 0; i < l->n; i++) {
		fprintf(f, "%s %s\n", kw->name, l->v[i]);
	}
}

static void
pathlist_free(const struct keyword *kw, struct server_config *cfg)
{
	strlist_clear(FIELD(cfg, kw, struct servconf_strlist));
}

/* Port: accumulates into cfg->ports. */
static int
port_parse(const struct keyword *kw, struct server_config *cfg,
    const struct line_ctx *lc, char **av, int ac)
{
	int port;

	if (one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if ((port = parse_port(av[0])) < 0) {
		LERR(lc, "Badly formatted port number.");
		return PC_ERR_CONFIG;
	}
	if (cfg->num_ports >= SERVCONF_MAX_PORTS) {
		LERR(lc, "too many ports.");
		return PC_ERR_CONFIG;
	}
	cfg->ports[cfg->num_ports++] = port;
	return 0;
}

static int
port_copy(const struct keyword *kw, struct server_config *dst,
    const struct server_config *src)
{
	if (src->num_ports > 0) {
		memcpy(dst->ports, src->ports, sizeof(dst->ports));
		dst->num_ports = src->num_ports;
	}
	return 0;
}

static void
port_dump(const struct keyword *kw, const struct server_config *cfg, FILE *f)
{
	unsigned i;

	for (i = 0; i < cfg->num_ports; i++) {
		fprintf(f, "%s %d\n", kw->name, cfg->ports[i]);
	}
}

/* ListenAddress: queued as text until fill_defaults resolves it. */
static int
listen_add_spec(struct server_config *cfg, const char *host, int port,
    const char *origin)
{
	struct servconf_listen_spec *v, *ls;

	if (cfg->num_listen_specs >= SERVCONF_MAX_LISTEN) {
		return PC_ERR_RANGE;
	}
	v = reallocarray(cfg->listen_specs, cfg->num_listen_specs + 1,
	    sizeof(*v));
	if (v == NULL) {
		return PC_ERR_ALLOC;
	}
	cfg->listen_specs = v;
	ls = &v[cfg->num_listen_specs];
	ls->port = port;
	ls->host = strdup(host);
	ls->origin = strdup(origin);
	if (ls->host == NULL || ls->origin == NULL) {
		free(ls->host);
		free(ls->origin);
		return PC_ERR_ALLOC;
	}
	cfg->num_listen_specs++;
	return 0;
}

/*
 * host, host:port, [host]:port, [v6addr] or a bare IPv6 literal (two or
 * more colons and no brackets), as OpenSSH's sListenAddress accepts.
 */
static int
listen_parse(const struct keyword *kw, struct server_config *cfg,
    const struct line_ctx *lc, char **av, int ac)
{
	char *host = av[0], *colon, origin[PATH_MAX + 32];
	int port = 0, r;

	if (ac > 1) {
		if (strcmp(av[1], "rdomain") == 0) {
			LERR(lc, "ListenAddress rdomain is not supported");
		} else {
			LERR(lc, "bad ListenAddress syntax");
		}
		return PC_ERR_CONFIG;
	}
	if (one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if (host[0] == '[') {
		if ((colon = strchr(host, ']')) == NULL) {
			LERR(lc, "bad address:port usage");
			return PC_ERR_CONFIG;
		}
		*colon++ = '\0';
		host++;
		if (*colon == ':') {
			colon++;
		} else if (*colon != '\0') {
			LERR(lc, "bad address:port usage");
			return PC_ERR_CONFIG;
		} else {
			colon = NULL;
		}
	} else if ((colon = strchr(host, ':')) != NULL &&
	    strchr(colon + 1, ':') != NULL) {
		colon = NULL;	/* bare IPv6 address */
	} else if (colon != NULL) {
		*colon++ = '\0';
	}
	if (*host == '\0') {
		LERR(lc, "missing address");
		return PC_ERR_CONFIG;
	}
	if (colon != NULL && (port = parse_port(colon)) < 0) {
		LERR(lc, "bad port number");
		return PC_ERR_CONFIG;
	}
	snprintf(origin, sizeof(origin), "%s line %d", lc->file, lc->lineno);
	if ((r = listen_add_spec(cfg, host, port, origin)) == PC_ERR_RANGE) {
		LERR(lc, "too many ListenAddress entries");
		return PC_ERR_CONFIG;
	}
	return r;
}

static int
listen_copy(const struct keyword *kw, struct server_config *dst,
    const struct server_config *src)
{
	size_t i;
	int r;

	for (i = 0; i < src->num_listen_specs; i++) {
		if ((r = listen_add_spec(dst, src->listen_specs[i].host,
		    src->listen_specs[i].port,
		    src->listen_specs[i].origin)) != 0) {
			return r;
		}
	}
	if (src->num_listen > 0) {
		dst->listen = calloc(src->num_listen, sizeof(*dst->listen));
		if (dst->listen == NULL) {
			return PC_ERR_ALLOC;
		}
		memcpy(dst->listen, src->listen,
		    src->num_listen * sizeof(*dst->listen));
		dst->num_listen = src->num_listen;
	}
	return 0;
}

static void
listen_dump(const struct keyword *kw, const struct server_config *cfg,
    FILE *f)
{
	const struct servconf_listen *l;
	size_t i;

	for (i = 0; i < cfg->num_listen; i++) {
		l = &cfg->listen[i];
		if (l->ss.ss_family == AF_INET6) {
			fprintf(f, "%s [%s]:%d\n", kw->name, l->host, l->port);
		} else {
			fprintf(f, "%s %s:%d\n", kw->name, l->host, l->port);
		}
	}
}

static void
listen_free(const struct keyword *kw, struct server_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->num_listen_specs; i++) {
		free(cfg->listen_specs[i].host);
		free(cfg->listen_specs[i].origin);
	}
	free(cfg->listen_specs);
	cfg->listen_specs = NULL;
	cfg->num_listen_specs = 0;
	free(cfg->listen);
	cfg->listen = NULL;
	cfg->num_listen = 0;
}

/*
 * RekeyLimit size ["none" | time]: size is "default" (0: the transport
 * picks from the cipher block size, RFC 4344 s. 3.2) or bytes with a
 * K/M/G suffix, at least 16 as in OpenSSH.
 */
static int
rekey_parse(const struct keyword *kw, struct server_config *cfg,
    const struct line_ctx *lc, char **av, int ac)
{
	int64_t size, secs = -1;

	if (ac < 1 || av[0][0] == '\0') {
		LERR(lc, "%s missing argument.", lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (ac > 2) {
		LERR(lc, "keyword %s extra arguments at end of line",
		    lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (strcmp(av[0], "default") == 0) {
		size = 0;
	} else if (parse_size(av[0], &size) != 0) {
		LERR(lc, "Bad %s number '%s'", lc->keyword, av[0]);
		return PC_ERR_CONFIG;
	} else if (size != 0 && size < 16) {
		LERR(lc, "%s too small", lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (ac == 2) {
		if (strcmp(av[1], "none") == 0) {
			secs = 0;
		} else if (parse_time(av[1], &secs) != 0) {
			LERR(lc, "invalid rekey interval '%s'", av[1]);
			return PC_ERR_CONFIG;
		}
	}
	if (cfg->rekey_limit == -1) {
		cfg->rekey_limit = size;
	}
	if (secs != -1 && cfg->rekey_interval == -1) {
		cfg->rekey_interval = secs;
	}
	return 0;
}

static int
rekey_copy(const struct keyword *kw, struct server_config *dst,
    const struct server_config *src)
{
	if (src->rekey_limit != -1) {
		dst->rekey_limit = src->rekey_limit;
	}
	if (src->rekey_interval != -1) {
		dst->rekey_interval = src->rekey_interval;
	}
	return 0;
}

static void
rekey_dump(const struct keyword *kw, const struct server_config *cfg,
    FILE *f)
{
	fprintf(f, "%s %lld %lld\n", kw->name, (long long)cfg->rekey_limit,
	    (long long)cfg->rekey_interval);
}

/* MaxStartups start:rate:full or a single number (start = full). */
static int
maxstartups_parse(const struct keyword *kw, struct server_config *cfg,
    const struct line_ctx *lc, char **av, int ac)
{
	int64_t v[3];
	char *s, *p, *sep;
	int n = 0;

	if (one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	s = av[0];
	for (p = s; n < 3; p = sep + 1) {
		sep = strchr(p, ':');
		if (sep != NULL) {
			*sep = '\0';
		}
		if (parse_uint(p, INT_MAX, &v[n]) != 0) {
			goto bad;
		}
		n++;
		if (sep == NULL) {
			break;
		}
	}
	if (sep != NULL || (n != 1 && n != 3)) {
		goto bad;
	}
	if (n == 3 && (v[0] > v[2] || v[1] > 100 || v[1] < 1)) {
		goto bad;
	}
	if (cfg->max_startups == -1) {
		if (n == 1) {
			cfg->max_startups_begin = (int)v[0];
			cfg->max_startups = (int)v[0];
		} else {
			cfg->max_startups_begin = (int)v[0];
			cfg->max_startups_rate = (int)v[1];
			cfg->max_startups = (int)v[2];
		}
	}
	return 0;
 bad:
	LERR(lc, "Illegal MaxStartups spec.");
	return PC_ERR_CONFIG;
}

static int
maxstartups_copy(const struct keyword *kw, struct server_config *dst,
    const struct server_config *src)
{
	if (src->max_startups != -1) {
		dst->max_startups_begin = src->max_startups_begin;
		dst->max_startups_rate = src->max_startups_rate;
		dst->max_startups = src->max_startups;
	}
	return 0;
}

static void
maxstartups_dump(const struct keyword *kw, const struct server_config *cfg,
    FILE *f)
{
	fprintf(f, "%s %d:%d:%d\n", kw->name, cfg->max_startups_begin,
	    cfg->max_startups_rate, cfg->max_startups);
}

/* T_FLAG and T_INT are for keywords still to come. */
static const struct kw_type T_FLAG __attribute__((unused)) = {
	flag_parse, int_copy, flag_dump, nothing_free
};
static const struct kw_type T_INT __attribute__((unused)) = {
	int_parse, int_copy, int_dump, nothing_free
};
static const struct kw_type T_TIME = {
	time_parse, time_copy, time_dump, nothing_free
};
static const struct kw_type T_STRING = {
	string_parse, string_copy, string_dump, string_free
};
static const struct kw_type T_ALGLIST = {
	alglist_parse, string_copy, string_dump, string_free
};
static const struct kw_type T_ENUM = {
	enum_parse, int_copy, enum_dump, nothing_free
};
static const struct kw_type T_LOGLEVEL = {
	loglevel_parse, int_copy, loglevel_dump, nothing_free
};
static const struct kw_type T_FACILITY = {
	facility_parse, int_copy, facility_dump, nothing_free
};
static const struct kw_type T_PATHLIST = {
	pathlist_parse, pathlist_copy, pathlist_dump, pathlist_free
};
static const struct kw_type T_PORT = {
	port_parse, port_copy, port_dump, nothing_free
};
static const struct kw_type T_LISTEN = {
	listen_parse, listen_copy, listen_dump, listen_free
};
static const struct kw_type T_REKEY = {
	rekey_parse, rekey_copy, rekey_dump, nothing_free
};
static const struct kw_type T_MAXSTARTUPS = {
	maxstartups_parse, maxstartups_copy, maxstartups_dump, nothing_free
};

static const struct enum_val address_families[] = {
	{ "any", AF_UNSPEC },
	{ "inet", AF_INET },
	{ "inet6", AF_INET6 },
	{ NULL, 0 },
};

static const struct alg_source algs_cipher = {
	cipher_default_list, cipher_supported_list, "cipher spec"
};
static const struct alg_source algs_mac = {
	mac_default_list, mac_supported_list, "mac spec"
};
static const struct alg_source algs_kex = {
	kexalg_default_list, kexalg_supported_list, "KexAlgorithms"
};
static const struct alg_source algs_hostkey = {
	key_sigalg_default_list, key_sigalg_supported_list,
	"HostKeyAlgorithms"
};

#define OFF(f)	offsetof(struct server_config, f)

/* The implemented keywords, in sshd -T order.  Flags as OpenSSH's. */
static const struct keyword keywords[] = {
	{ "port", &T_PORT, 0, KW_GLOBAL, NULL },
	{ "addressfamily", &T_ENUM, OFF(address_family), KW_GLOBAL,
	    address_families },
	{ "listenaddress", &T_LISTEN, 0, KW_GLOBAL, NULL },
	{ "logingracetime", &T_TIME, OFF(login_grace_time), KW_GLOBAL, NULL },
	{ "maxstartups", &T_MAXSTARTUPS, 0, KW_GLOBAL, NULL },
	{ "pidfile", &T_STRING, OFF(pid_file), KW_GLOBAL, NULL },
	{ "modulifile", &T_STRING, OFF(moduli_file), KW_GLOBAL, NULL },
	{ "loglevel", &T_LOGLEVEL, OFF(log_level), KW_ALL, NULL },
	{ "syslogfacility", &T_FACILITY, OFF(log_facility), KW_GLOBAL, NULL },
	{ "ciphers", &T_ALGLIST, OFF(ciphers), KW_GLOBAL, &algs_cipher },
	{ "macs", &T_ALGLIST, OFF(macs), KW_GLOBAL, &algs_mac },
	{ "kexalgorithms", &T_ALGLIST, OFF(kex_algorithms), KW_GLOBAL,
	    &algs_kex },
	{ "hostkeyalgorithms", &T_ALGLIST, OFF(hostkey_algorithms), KW_GLOBAL,
	    &algs_hostkey },
	{ "hostkey", &T_PATHLIST, OFF(host_keys), KW_GLOBAL, NULL },
	{ "rekeylimit", &T_REKEY, 0, KW_ALL, NULL },
};

#define NKEYWORDS	(sizeof(keywords) / sizeof(keywords[0]))

/* Keywords OpenSSH accepts with "Deprecated option" (sDeprecated and the
 * ignored "Protocol"): harmless to keep in a config. */
static const char *const deprecated_keywords[] = {
	"authorizedkeysfile2", "checkmail", "keyregenerationinterval",
	"pamauthenticationviakbdint", "protocol", "reversemappingcheck",
	"rhostsauthentication", "rhostsrsaauthentication", "rsaauthentication",
	"serverkeybits", "uselogin", "useprivilegeseparation",
	"verifyreversemapping",
};

/* OpenSSH keywords Portcullis does not implement (yet): an error, so a
 * setting is never silently dropped. */
static const char *const unsupported_keywords[] = {
	"acceptenv", "afstokenpassing", "allowagentforwarding", "allowgroups",
	"allowstreamlocalforwarding", "allowtcpforwarding", "allowusers",
	"authenticationmethods", "authorizedkeyscommand",
	"authorizedkeyscommanduser", "authorizedkeysfile",
	"authorizedprincipalscommand", "authorizedprincipalscommanduser",
	"authorizedprincipalsfile", "banner", "casignaturealgorithms",
	"challengeresponseauthentication", "channeltimeout",
	"chrootdirectory", "clientalivecountmax", "clientaliveinterval",
	"compression", "denygroups", "denyusers", "disableforwarding",
	"dsaauthentication", "exposeauthinfo", "fingerprinthash",
	"forcecommand", "gatewayports", "gssapiauthentication",
	"gssapicleanupcredentials", "gssapistrictacceptorcheck",
	"hostbasedacceptedalgorithms", "hostbasedacceptedkeytypes",
	"hostbasedauthentication", "hostbasedusesnamefrompacketonly",
	"hostcertificate", "hostdsakey", "hostkeyagent", "ignorerhosts",
	"ignoreuserknownhosts", "ipqos", "kbdinteractiveauthentication",
	"kerberosauthentication", "kerberosgetafstoken",
	"kerberosorlocalpasswd", "kerberosticketcleanup",
	"kerberostgtpassing", "keepalive", "logverbose", "maxauthtries",
	"maxsessions", "passwordauthentication", "permitemptypasswords",
	"permitlisten", "permitopen", "permitrootlogin", "permittty",
	"permittunnel", "permituserenvironment", "permituserrc",
	"persourcemaxstartups", "persourcenetblocksize", "printlastlog",
	"printmotd", "pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes",
	"pubkeyauthentication", "pubkeyauthoptions", "rdomain",
	"requiredrsasize", "revokedkeys", "securitykeyprovider", "setenv",
	"skeyauthentication", "streamlocalbindmask", "streamlocalbindunlink",
	"strictmodes", "subsystem", "tcpkeepalive", "trustedusercakeys",
	"unusedconnectiontimeout", "usedns", "usepam", "versionaddendum",
	"x11displayoffset", "x11forwarding", "x11uselocalhost",
	"xauthlocation",
};

static int
name_in(const char *const *names, size_t n, const char *kw)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcasecmp(names[i], kw) == 0) {
			return 1;
		}
	}
	return 0;
}

static const struct keyword *
keyword_find(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYWORDS; i++) {
		if (strcasecmp(keywords[i].name, name) == 0) {
			return &keywords[i];
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Tokenising. */

struct args {
	char *buf;		/* owns the tokens */
	char *av[MAX_ARGS];
	int ac;			/* av[0] is the keyword */
};

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

/*
 * Split a line into keyword and arguments.  Returns 0 with a->ac == 0 for
 * a blank or comment line.  Tokens are unquoted in place in a->buf.
 */
static int
args_split(const char *line, const struct line_ctx *lc, struct args *a)
{
	char *p, *out, *start, quote, c;

	a->ac = 0;
	if ((a->buf = strdup(line)) == NULL) {
		return PC_ERR_ALLOC;
	}
	p = a->buf;
	while (is_space(*p)) {
		p++;
	}
	if (*p == '\0' || *p == '#') {
		return 0;
	}
	/* The keyword ends at white space or '='. */
	a->av[a->ac++] = p;
	while (*p != '\0' && !is_space(*p) && *p != '=') {
		p++;
	}
	c = *p;
	if (c != '\0') {
		*p++ = '\0';
	}
	while (is_space(*p)) {
		p++;
	}
	if (c != '=' && *p == '=') {
		p++;
	}
	if (a->av[0][0] == '\0') {
		LERR(lc, "missing keyword");
		return PC_ERR_CONFIG;
	}
	/* Arguments, writing the unquoted text behind the read position. */
	for (;;) {
		while (is_space(*p)) {
			p++;
		}
		if (*p == '\0' || *p == '#') {
			break;
		}
		if (a->ac >= MAX_ARGS) {
			LERR(lc, "too many arguments");
			return PC_ERR_CONFIG;
		}
		start = out = p;
		quote = '\0';
		for (;; p++) {
			c = *p;
			if (c == '\0') {
				break;
			}
			if (c == '\\' && (p[1] == '"' || p[1] == '\'' ||
			    p[1] == '\\' || (quote == '\0' &&
			    (p[1] == ' ' || p[1] == '\t')))) {
				*out++ = *++p;
				continue;
			}
			if (quote == '\0' && is_space(c)) {
				break;
			}
			if (quote == '\0' && (c == '"' || c == '\'')) {
				quote = c;
			} else if (quote != '\0' && c == quote) {
				quote = '\0';
			} else {
				*out++ = c;
			}
		}
		if (quote != '\0') {
			LERR(lc, "invalid quotes");
			return PC_ERR_CONFIG;
		}
		*out = '\0';
		if (c != '\0') {
			p++;
		}
		a->av[a->ac++] = start;
	}
	return 0;
}

static void
args_free(struct args *a)
{
	free(a->buf);
	a->buf = NULL;
	a->ac = 0;
}

/* ------------------------------------------------------------------ */
/* Match. */

/* Does one of the user's groups match the list, with none negated? */
static int
group_match(const struct servconf_match_ctx *ctx, const char *list)
{
	struct passwd *pw;
	struct group *gr;
	gid_t *gids = NULL;
	int ng = 64, i, found = 0, m;
	size_t k;

	if (ctx->groups_set) {
		for (k = 0; k < ctx->ngroups; k++) {
			m = match_pattern_list(ctx->groups[k], list, 0);
			if (m == MATCH_NEGATED) {
				return 0;
			}
			found |= m == MATCH_YES;
		}
		return found;
	}
	if (ctx->user == NULL || (pw = getpwnam(ctx->user)) == NULL) {
		return 0;
	}
	for (;;) {
		free(gids);
		if ((gids = calloc((size_t)ng, sizeof(*gids))) == NULL) {
			return 0;
		}
		i = ng;
		if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &i) != -1) {
			ng = i;
			break;
		}
		if (i <= ng || i > MAX_GROUPS) {
			free(gids);
			return 0;
		}
		ng = i;
	}
	for (i = 0; i < ng; i++) {
		if ((gr = getgrgid(gids[i])) == NULL) {
			continue;
		}
		m = match_pattern_list(gr->gr_name, list, 0);
		if (m == MATCH_NEGATED) {
			found = 0;
			break;
		}
		found |= m == MATCH_YES;
	}
	free(gids);
	return found;
}

/*
 * Evaluate the criteria of a Match line (av[0..ac), after "Match").
 * With ctx NULL only the syntax is checked.  Returns 1 (matches), 0, or
 * PC_ERR_CONFIG after logging.
 */
static int
match_eval(char **av, int ac, const struct servconf_match_ctx *ctx,
    const struct line_ctx *lc)
{
	const char *attr, *arg, *addr;
	int i = 0, result = 1, port, r;

	if (ac == 0) {
		LERR(lc, "One or more attributes required for Match");
		return PC_ERR_CONFIG;
	}
	while (i < ac) {
		attr = av[i++];
		if (strcasecmp(attr, "all") == 0) {
			if (ac != 1) {
				LERR(lc, "'all' cannot be combined with other "
				    "Match attributes");
				return PC_ERR_CONFIG;
			}
			continue;
		}
		if (strcasecmp(attr, "invalid-user") == 0) {
			if (ctx != NULL && !ctx->invalid_user) {
				result = 0;
			}
			continue;
		}
		if (i >= ac || av[i][0] == '\0') {
			LERR(lc, "Missing Match criteria for %s", attr);
			return PC_ERR_CONFIG;
		}
		arg = av[i++];
		if (strcasecmp(attr, "user") == 0) {
			if (ctx != NULL && (ctx->user == NULL ||
			    match_pattern_list(ctx->user, arg, 0) !=
			    MATCH_YES)) {
				result = 0;
			}
		} else if (strcasecmp(attr, "group") == 0) {
			if (ctx != NULL && group_match(ctx, arg) != 1) {
				result = 0;
			}
		} else if (strcasecmp(attr, "host") == 0) {
			/* Host names compare case-insensitively. */
			if (ctx != NULL && (ctx->host == NULL ||
			    match_pattern_list(ctx->host, arg, 1) !=
			    MATCH_YES)) {
				result = 0;
			}
		} else if (strcasecmp(attr, "address") == 0 ||
		    strcasecmp(attr, "localaddress") == 0) {
			addr = NULL;
			if (ctx != NULL) {
				addr = tolower((unsigned char)attr[0]) == 'a' ?
				    ctx->addr : ctx->laddr;
			}
			r = match_addr_list(addr, arg);
			if (r < 0) {
				LERR(lc, "Invalid Match %s argument '%s'",
				    attr, arg);
				return PC_ERR_CONFIG;
			}
			if (ctx != NULL && (addr == NULL || r != MATCH_YES)) {
				result = 0;
			}
		} else if (strcasecmp(attr, "localport") == 0) {
			if ((port = parse_port(arg)) < 0) {
				LERR(lc, "Invalid LocalPort '%s' on Match line",
				    arg);
				return PC_ERR_CONFIG;
			}
			if (ctx != NULL && ctx->lport != port) {
				result = 0;
			}
		} else {
			LERR(lc, "Unsupported Match attribute %s", attr);
			return PC_ERR_CONFIG;
		}
	}
	return ctx == NULL ? 0 : result;
}

/* ------------------------------------------------------------------ */
/* Processing lines. */

#define MODE_GLOBAL	0	/* the file's global part; check Match */
#define MODE_CMDLINE	1	/* -o */
#define MODE_MATCH	2	/* apply matching blocks to w->mo */

struct walk {
	int mode;
	const struct servconf_match_ctx *ctx;	/* MODE_MATCH */
	struct server_config *mo;		/* MODE_MATCH target */
	int in_match;		/* inside a Match block */
	int active;		/* the block matches */
	int nevermatch;		/* included from a non-matching block */
};

static int
process_line(struct server_config *cfg, const char *text, const char *file,
    int lineno, struct walk *w)
{
	struct line_ctx lc = { file, lineno, NULL };
	struct server_config scratch, *target;
	const struct keyword *kw;
	struct args a;
	int r;

	memset(&a, 0, sizeof(a));
	if ((r = args_split(text, &lc, &a)) != 0 || a.ac == 0) {
		goto out;
	}
	lc.keyword = a.av[0];
	if (strcasecmp(a.av[0], "match") == 0) {
		if (w->mode == MODE_CMDLINE) {
			LERR(&lc, "Match is not allowed here");
			r = PC_ERR_CONFIG;
			goto out;
		}
		r = match_eval(a.av + 1, a.ac - 1,
		    w->mode == MODE_MATCH ? w->ctx : NULL, &lc);
		if (r < 0) {
			goto out;
		}
		w->in_match = 1;
		w->active = w->mode == MODE_MATCH && !w->nevermatch && r == 1;
		r = 0;
		goto out;
	}
	if (strcasecmp(a.av[0], "include") == 0) {
		/* Stored files have their Includes expanded at load. */
		LERR(&lc, "Include is not allowed here");
		r = PC_ERR_CONFIG;
		goto out;
	}
	if (name_in(deprecated_keywords, sizeof(deprecated_keywords) /
	    sizeof(deprecated_keywords[0]), a.av[0])) {
		if (w->mode != MODE_MATCH) {
			logit("%s line %d: Deprecated option %s", file, lineno,
			    a.av[0]);
		}
		r = 0;
		goto out;
	}
	if ((kw = keyword_find(a.av[0])) == NULL) {
		if (name_in(unsupported_keywords,
		    sizeof(unsupported_keywords) /
		    sizeof(unsupported_keywords[0]), a.av[0])) {
			LERR(&lc, "unsupported option %s", a.av[0]);
		} else {
			LERR(&lc, "Bad configuration option: %s", a.av[0]);
		}
		r = PC_ERR_CONFIG;
		goto out;
	}
	if (a.ac < 2) {
		LERR(&lc, "no argument after keyword \"%s\"", a.av[0]);
		r = PC_ERR_CONFIG;
		goto out;
	}
	if (w->in_match && !(kw->flags & KW_MATCH)) {
		LERR(&lc, "Directive '%s' is not allowed within a Match block",
		    a.av[0]);
		r = PC_ERR_CONFIG;
		goto out;
	}
	if (w->mode == MODE_MATCH) {
		/* Only matching blocks count; all was checked at load. */
		if (!w->in_match || !w->active) {
			r = 0;
			goto out;
		}
		r = kw->type->parse(kw, w->mo, &lc, a.av + 1, a.ac - 1);
		goto out;
	}
	if (!w->in_match) {
		target = cfg;
	} else {
		/* Inside Match at load: check the syntax only. */
		servconf_init(&scratch);
		target = &scratch;
	}
	r = kw->type->parse(kw, target, &lc, a.av + 1, a.ac - 1);
	if (target == &scratch) {
		servconf_clear(&scratch);
	}
 out:
	args_free(&a);
	return r;
}

/* Walk the stored lines; include markers save and restore Match state,
 * so a Match block in an included file ends with that file. */
static int
walk_lines(struct server_config *cfg, const struct server_config *src,
    struct walk *w)
{
	struct walk stack[SERVCONF_MAX_INCLUDE_DEPTH + 1];
	const struct servconf_line *l;
	size_t i, depth = 0;
	int r;

	for (i = 0; i < src->num_lines; i++) {
		l = &src->lines[i];
		switch (l->kind) {
		case LINE_INC_BEGIN:
			if (depth >= SERVCONF_MAX_INCLUDE_DEPTH + 1) {
				return PC_ERR_INTERNAL;
			}
			stack[depth++] = *w;
			if (w->in_match && !w->active) {
				w->nevermatch = 1;
			}
			break;
		case LINE_INC_END:
			if (depth == 0) {
				return PC_ERR_INTERNAL;
			}
			*w = stack[--depth];
			break;
		default:
			if ((r = process_line(cfg, l->text, l->file,
			    l->lineno, w)) != 0) {
				return r;
			}
			break;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Loading files. */

static int
line_add(struct server_config *cfg, int kind, const char *text,
    const char *file, int lineno)
{
	struct servconf_line *v;

	if (cfg->num_lines >= SERVCONF_MAX_LINES) {
		return PC_ERR_RANGE;
	}
	v = reallocarray(cfg->lines, cfg->num_lines + 1, sizeof(*v));
	if (v == NULL) {
		return PC_ERR_ALLOC;
	}
	cfg->lines = v;
	v = &cfg->lines[cfg->num_lines];
	v->kind = kind;
	v->file = file;
	v->lineno = lineno;
	v->text = NULL;
	if (text != NULL && (v->text = strdup(text)) == NULL) {
		return PC_ERR_ALLOC;
	}
	cfg->num_lines++;
	return 0;
}

static int load_file(struct server_config *, const char *, int);

/* Expand one Include line (its arguments are glob patterns). */
static int
load_include(struct server_config *cfg, const struct args *a,
    const struct line_ctx *lc, int depth)
{
	char pattern[PATH_MAX];
	glob_t g;
	size_t k;
	int i, r, n;

	if (a->ac < 2) {
		LERR(lc, "Include missing filename argument");
		return PC_ERR_CONFIG;
	}
	for (i = 1; i < a->ac; i++) {
		if (a->av[i][0] == '/') {
			n = snprintf(pattern, sizeof(pattern), "%s", a->av[i]);
		} else {
			n = snprintf(pattern, sizeof(pattern), "%s/%s",
			    cfg->include_dir != NULL ? cfg->include_dir :
			    PC_SYSCONFDIR, a->av[i]);
		}
		if (a->av[i][0] == '\0' || n < 0 ||
		    (size_t)n >= sizeof(pattern)) {
			LERR(lc, "bad Include path");
			return PC_ERR_CONFIG;
		}
		memset(&g, 0, sizeof(g));
		r = glob(pattern, 0, NULL, &g);
		if (r == GLOB_NOMATCH) {
			/* As OpenSSH: a pattern matching nothing is fine. */
			debug("%s line %d: include %s matched no files",
			    lc->file, lc->lineno, pattern);
			globfree(&g);
			continue;
		}
		if (r != 0) {
			LERR(lc, "include \"%s\" glob failed", pattern);
			globfree(&g);
			return PC_ERR_CONFIG;
		}
		/* glob(3) sorts the names: lexical order. */
		for (k = 0; k < g.gl_pathc; k++) {
			if (depth + 1 > SERVCONF_MAX_INCLUDE_DEPTH) {
				LERR(lc, "Too many recursive configuration "
				    "includes");
				globfree(&g);
				return PC_ERR_CONFIG;
			}
			if ((r = line_add(cfg, LINE_INC_BEGIN, NULL, lc->file,
			    lc->lineno)) != 0 ||
			    (r = load_file(cfg, g.gl_pathv[k], depth + 1)) !=
			    0 || (r = line_add(cfg, LINE_INC_END, NULL,
			    lc->file, lc->lineno)) != 0) {
				globfree(&g);
				return r;
			}
		}
		globfree(&g);
	}
	return 0;
}

static int
load_file(struct server_config *cfg, const char *path, int depth)
{
	struct line_ctx lc = { NULL, 0, NULL };
	struct args a;
	FILE *fp = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int r;

	memset(&a, 0, sizeof(a));
	if ((r = strlist_add(&cfg->files, path, SIZE_MAX)) != 0) {
		return r;
	}
	lc.file = cfg->files.v[cfg->files.n - 1];
	if ((fp = fopen(path, "r")) == NULL) {
		error("%s: %s", path, strerror(errno));
		return PC_ERR_CONFIG;
	}
	for (;;) {
		errno = 0;
		if ((len = getline(&line, &cap, fp)) == -1) {
			if (ferror(fp)) {
				error("%s: %s", path, strerror(errno));
				r = PC_ERR_CONFIG;
				goto out;
			}
			break;
		}
		lc.lineno++;
		if ((size_t)len > SERVCONF_MAX_LINE_LEN) {
			LERR(&lc, "line too long");
			r = PC_ERR_CONFIG;
			goto out;
		}
		if (strlen(line) != (size_t)len) {
			LERR(&lc, "NUL byte in line");
			r = PC_ERR_CONFIG;
			goto out;
		}
		if ((r = args_split(line, &lc, &a)) != 0) {
			goto out;
		}
		if (a.ac > 0 && strcasecmp(a.av[0], "include") == 0) {
			r = load_include(cfg, &a, &lc, depth);
		} else {
			line[strcspn(line, "\r\n")] = '\0';
			r = line_add(cfg, LINE_TEXT, line, lc.file, lc.lineno);
			if (r == PC_ERR_RANGE) {
				LERR(&lc, "too many configuration lines");
				r = PC_ERR_CONFIG;
			}
		}
		args_free(&a);
		if (r != 0) {
			goto out;
		}
	}
	r = 0;
 out:
	args_free(&a);
	free(line);
	fclose(fp);
	return r;
}

/* ------------------------------------------------------------------ */
/* Public API. */

void
servconf_init(struct server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->address_family = -1;
	cfg->rekey_limit = -1;
	cfg->rekey_interval = -1;
	cfg->log_level = -1;
	cfg->log_facility = -1;
	cfg->login_grace_time = -1;
	cfg->max_startups_begin = -1;
	cfg->max_startups_rate = -1;
	cfg->max_startups = -1;
}

void
servconf_clear(struct server_config *cfg)
{
	size_t i;

	for (i = 0; i < NKEYWORDS; i++) {
		keywords[i].type->free(&keywords[i], cfg);
	}
	for (i = 0; i < cfg->num_lines; i++) {
		free(cfg->lines[i].text);
	}
	free(cfg->lines);
	strlist_clear(&cfg->files);
	free(cfg->include_dir);
	servconf_init(cfg);
}

int
servconf_set_include_dir(struct server_config *cfg, const char *dir)
{
	char *d;

	if ((d = strdup(dir)) == NULL) {
		return PC_ERR_ALLOC;
	}
	free(cfg->include_dir);
	cfg->include_dir = d;
	return 0;
}

int
servconf_load(struct server_config *cfg, const char *path)
{
	struct walk w = { MODE_GLOBAL, NULL, NULL, 0, 1, 0 };
	int r;

	if (cfg->num_lines != 0) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((r = load_file(cfg, path, 0)) != 0) {
		return r;
	}
	return walk_lines(cfg, cfg, &w);
}

int
servconf_parse_arg(struct server_config *cfg, const char *line,
    const char *origin, int lineno)
{
	struct walk w = { MODE_CMDLINE, NULL, NULL, 0, 1, 0 };

	return process_line(cfg, line, origin, lineno, &w);
}

/* Resolve one ListenAddress (host NULL: the wildcard) for one port. */
static int
listen_resolve(struct server_config *cfg, const char *host, int port,
    const char *origin)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct servconf_listen *v, *l;
	char serv[NI_MAXSERV], sport[16];
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = cfg->address_family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = host == NULL ? AI_PASSIVE : 0;
	snprintf(sport, sizeof(sport), "%d", port);
	if ((r = getaddrinfo(host, sport, &hints, &res)) != 0) {
		error("%s: bad addr or host: %s (%s)", origin,
		    host == NULL ? "<NULL>" : host, gai_strerror(r));
		return PC_ERR_CONFIG;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(l->ss)) {
			continue;
		}
		if (cfg->num_listen >= SERVCONF_MAX_LISTEN) {
			error("%s: too many listen addresses", origin);
			r = PC_ERR_CONFIG;
			goto out;
		}
		v = reallocarray(cfg->listen, cfg->num_listen + 1, sizeof(*v));
		if (v == NULL) {
			r = PC_ERR_ALLOC;
			goto out;
		}
		cfg->listen = v;
		l = &v[cfg->num_listen];
		memset(l, 0, sizeof(*l));
		memcpy(&l->ss, ai->ai_addr, ai->ai_addrlen);
		l->sslen = ai->ai_addrlen;
		l->port = port;
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, l->host,
		    sizeof(l->host), serv, sizeof(serv),
		    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
			error("%s: getnameinfo failed", origin);
			r = PC_ERR_CONFIG;
			goto out;
		}
		cfg->num_listen++;
	}
	r = 0;
 out:
	freeaddrinfo(res);
	return r;
}

static int
fill_string(char **p, const char *def)
{
	if (*p == NULL && (*p = strdup(def)) == NULL) {
		return PC_ERR_ALLOC;
	}
	return 0;
}

int
servconf_fill_defaults(struct server_config *cfg)
{
	static const char *const default_keys[] = {
		PC_SYSCONFDIR "/ssh_host_rsa_key",
		PC_SYSCONFDIR "/ssh_host_ecdsa_key",
		PC_SYSCONFDIR "/ssh_host_ed25519_key",
	};
	const struct servconf_listen_spec *ls;
	size_t i;
	unsigned k;
	int r;

	if (cfg->num_ports == 0) {
		cfg->ports[cfg->num_ports++] = SERVCONF_DEFAULT_PORT;
	}
	if (cfg->address_family == -1) {
		cfg->address_family = AF_UNSPEC;
	}
	if (cfg->host_keys.n == 0) {
		for (i = 0; i < sizeof(default_keys) / sizeof(*default_keys);
		    i++) {
			if ((r = strlist_add(&cfg->host_keys, default_keys[i],
			    SIZE_MAX)) != 0) {
				return r;
			}
		}
	}
	if ((r = fill_string(&cfg->ciphers, cipher_default_list())) != 0 ||
	    (r = fill_string(&cfg->macs, mac_default_list())) != 0 ||
	    (r = fill_string(&cfg->kex_algorithms,
	    kexalg_default_list())) != 0 ||
	    (r = fill_string(&cfg->hostkey_algorithms,
	    key_sigalg_default_list())) != 0 ||
	    (r = fill_string(&cfg->pid_file, SERVCONF_DEFAULT_PIDFILE)) != 0 ||
	    (r = fill_string(&cfg->moduli_file,
	    PC_SYSCONFDIR "/moduli")) != 0) {
		return r;
	}
	if (cfg->rekey_limit == -1) {
		cfg->rekey_limit = 0;
	}
	if (cfg->rekey_interval == -1) {
		cfg->rekey_interval = 0;
	}
	if (cfg->log_level == -1) {
		cfg->log_level = LOG_LEVEL_INFO;
	}
	if (cfg->log_facility == -1) {
		cfg->log_facility = LOG_AUTH;
	}
	if (cfg->login_grace_time == -1) {
		cfg->login_grace_time = 120;
	}
	if (cfg->max_startups == -1) {
		cfg->max_startups = 100;
		cfg->max_startups_begin = 10;
	}
	if (cfg->max_startups_rate == -1) {
		cfg->max_startups_rate = 30;
	}
	if (cfg->num_listen > 0) {
		return 0;	/* already resolved */
	}
	if (cfg->num_listen_specs == 0) {
		for (k = 0; k < cfg->num_ports; k++) {
			if ((r = listen_resolve(cfg, NULL, cfg->ports[k],
			    "default ListenAddress")) != 0) {
				return r;
			}
		}
		return 0;
	}
	for (i = 0; i < cfg->num_listen_specs; i++) {
		ls = &cfg->listen_specs[i];
		if (ls->port != 0) {
			r = listen_resolve(cfg, ls->host, ls->port, ls->origin);
			if (r != 0) {
				return r;
			}
			continue;
		}
		for (k = 0; k < cfg->num_ports; k++) {
			if ((r = listen_resolve(cfg, ls->host, cfg->ports[k],
			    ls->origin)) != 0) {
				return r;
			}
		}
	}
	return 0;
}

int
servconf_apply_match(const struct server_config *global,
    const struct servconf_match_ctx *ctx, struct server_config *out)
{
	struct server_config mo;
	struct walk w = { MODE_MATCH, NULL, NULL, 0, 0, 0 };
	size_t i;
	int r;

	servconf_init(out);
	servconf_init(&mo);
	for (i = 0; i < NKEYWORDS; i++) {
		if ((r = keywords[i].type->copy(&keywords[i], out,
		    global)) != 0) {
			goto out;
		}
	}
	w.ctx = ctx;
	w.mo = &mo;
	if ((r = walk_lines(NULL, global, &w)) != 0) {
		goto out;
	}
	/* Match overrides global (OpenSSH's copy_set_server_options). */
	for (i = 0; i < NKEYWORDS; i++) {
		if ((keywords[i].flags & KW_MATCH) &&
		    (r = keywords[i].type->copy(&keywords[i], out, &mo)) != 0) {
			goto out;
		}
	}
	r = 0;
 out:
	servconf_clear(&mo);
	if (r != 0) {
		servconf_clear(out);
	}
	return r;
}

void
servconf_match_ctx_init(struct servconf_match_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->lport = -1;
}

void
servconf_match_ctx_clear(struct servconf_match_ctx *ctx)
{
	size_t i;

	free(ctx->user);
	free(ctx->host);
	free(ctx->addr);
	free(ctx->laddr);
	for (i = 0; i < ctx->ngroups; i++) {
		free(ctx->groups[i]);
	}
	free(ctx->groups);
	servconf_match_ctx_init(ctx);
}

int
servconf_parse_match_spec(const char *spec, struct servconf_match_ctx *ctx)
{
	char *copy, *cp, *item, *val, **dst;
	int r = PC_ERR_CONFIG;

	servconf_match_ctx_init(ctx);
	if ((copy = strdup(spec)) == NULL) {
		return PC_ERR_ALLOC;
	}
	cp = copy;
	while ((item = strsep(&cp, ",")) != NULL) {
		if (strcmp(item, "invalid-user") == 0) {
			ctx->invalid_user = 1;
			continue;
		}
		if ((val = strchr(item, '=')) == NULL || val[1] == '\0') {
			error("Invalid test mode specification %s", item);
			goto out;
		}
		*val++ = '\0';
		dst = NULL;
		if (strcmp(item, "user") == 0) {
			dst = &ctx->user;
		} else if (strcmp(item, "host") == 0) {
			dst = &ctx->host;
		} else if (strcmp(item, "addr") == 0) {
			dst = &ctx->addr;
		} else if (strcmp(item, "laddr") == 0) {
			dst = &ctx->laddr;
		} else if (strcmp(item, "lport") == 0) {
			if ((ctx->lport = parse_port(val)) < 0) {
				error("Invalid port '%s' in test mode "
				    "specification", val);
				goto out;
			}
			continue;
		} else {
			error("Invalid test mode specification %s", item);
			goto out;
		}
		free(*dst);
		if ((*dst = xstrdup_or_null(val)) == NULL) {
			r = PC_ERR_ALLOC;
			goto out;
		}
	}
	r = 0;
 out:
	free(copy);
	if (r != 0) {
		servconf_match_ctx_clear(ctx);
	}
	return r;
}

void
servconf_dump(const struct server_config *cfg, FILE *f)
{
	size_t i;

	for (i = 0; i < NKEYWORDS; i++) {
		keywords[i].type->dump(&keywords[i], cfg, f);
	}
}
