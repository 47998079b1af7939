/*
 * Value types of the sshd_config parser (see servconf_int.h): for each
 * kind of value, how it is parsed, copied into a connection's options by
 * Match, dumped by -T and freed.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alglist.h"
#include "log.h"
#include "servconf_int.h"

/* ------------------------------------------------------------------ */
/* Value parsers shared by the types. */

int
servconf_one_arg(const struct servconf_lctx *lc, char **av, int ac)
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
int
servconf_parse_uint(const char *s, int64_t max, int64_t *out)
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
int
servconf_parse_port(const char *s)
{
	int64_t v;

	if (servconf_parse_uint(s, 65535, &v) != 0 || v == 0) {
		return -1;
	}
	return (int)v;
}

/*
 * The sshd_config(5) TIME FORMATS: a sequence of number[unit] with units
 * s, m, h, d, w (either case); a bare number is seconds.  Like OpenSSH's
 * convtime, the result is at most INT_MAX.
 */
int
servconf_parse_time(const char *s, int64_t *out)
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
	if (servconf_parse_uint(buf, INT64_MAX / mult, &v) != 0) {
		return -1;
	}
	*out = v * mult;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Types. */

/* int, yes/no; -1 unset. */
static int
flag_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	int *p = FIELD(cfg, kw, int), v;

	if (servconf_one_arg(lc, av, ac) != 0) {
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

int
servconf_int_copy(const struct servconf_kw *kw, struct server_config *dst,
    const struct server_config *src)
{
	if (*CFIELD(src, kw, int) != -1) {
		*FIELD(dst, kw, int) = *CFIELD(src, kw, int);
	}
	return 0;
}

static void
flag_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	int v = *CFIELD(cfg, kw, int);

	if (v != -1) {
		fprintf(f, "%s %s\n", kw->name, v ? "yes" : "no");
	}
}

void
servconf_nothing_free(const struct servconf_kw *kw, struct server_config *cfg)
{
}

/* Non-negative int; -1 unset. */
static int
int_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	int *p = FIELD(cfg, kw, int);
	const char *why;
	int64_t v;

	if (servconf_one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if (servconf_parse_uint(av[0], INT_MAX, &v) != 0) {
		/* OpenSSH's strtonum(3) wording. */
		if (av[0][0] == '-' &&
		    servconf_parse_uint(av[0] + 1, INT64_MAX, &v) == 0) {
			why = "too small";
		} else if (servconf_parse_uint(av[0], INT64_MAX, &v) == 0) {
			why = "too large";
		} else {
			why = "invalid";
		}
		LERR(lc, "%s integer value %s.", lc->keyword, why);
		return PC_ERR_CONFIG;
	}
	if (*p == -1) {
		*p = (int)v;
	}
	return 0;
}

static void
int_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	int v = *CFIELD(cfg, kw, int);

	if (v != -1) {
		fprintf(f, "%s %d\n", kw->name, v);
	}
}

/* int64_t seconds in the time format; -1 unset. */
static int
time_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	int64_t *p = FIELD(cfg, kw, int64_t), v;

	if (servconf_one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if (servconf_parse_time(av[0], &v) != 0) {
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
time_copy(const struct servconf_kw *kw, struct server_config *dst,
    const struct server_config *src)
{
	if (*CFIELD(src, kw, int64_t) != -1) {
		*FIELD(dst, kw, int64_t) = *CFIELD(src, kw, int64_t);
	}
	return 0;
}

static void
time_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	int64_t v = *CFIELD(cfg, kw, int64_t);

	if (v != -1) {
		fprintf(f, "%s %lld\n", kw->name, (long long)v);
	}
}

/* char *; NULL unset. */
static int
string_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	char **p = FIELD(cfg, kw, char *);

	if (servconf_one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if (*p == NULL && (*p = strdup(av[0])) == NULL) {
		return PC_ERR_ALLOC;
	}
	return 0;
}

int
servconf_string_copy(const struct servconf_kw *kw, struct server_config *dst,
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

void
servconf_string_dump(const struct servconf_kw *kw,
    const struct server_config *cfg, FILE *f)
{
	const char *s = *CFIELD(cfg, kw, char *);

	if (s == NULL && (kw->flags & KW_NONE)) {
		s = "none";
	}
	if (s != NULL) {
		fprintf(f, "%s %s\n", kw->name, s);
	}
}

void
servconf_string_free(const struct servconf_kw *kw, struct server_config *cfg)
{
	char **p = FIELD(cfg, kw, char *);

	free(*p);
	*p = NULL;
}

/* Algorithm list (char *); arg is a struct servconf_algsrc. */
static int
alglist_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	const struct servconf_algsrc *src = kw->arg;
	char **p = FIELD(cfg, kw, char *), *list = NULL;
	const char *why;
	int r;

	if (servconf_one_arg(lc, av, ac) != 0) {
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

/* int from a table; arg is a NULL-terminated struct servconf_enum array. */
static int
enum_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	const struct servconf_enum *e;
	int *p = FIELD(cfg, kw, int);

	if (servconf_one_arg(lc, av, ac) != 0) {
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
enum_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	const struct servconf_enum *e;
	int v = *CFIELD(cfg, kw, int);

	for (e = kw->arg; e->name != NULL; e++) {
		if (e->val == v) {
			fprintf(f, "%s %s\n", kw->name, e->name);
			return;
		}
	}
}

static int
loglevel_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	int *p = FIELD(cfg, kw, int), v;

	if (servconf_one_arg(lc, av, ac) != 0) {
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
loglevel_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	int v = *CFIELD(cfg, kw, int);

	if (v != -1) {
		fprintf(f, "%s %s\n", kw->name,
		    log_level_name((enum log_level)v));
	}
}

static int
facility_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	int *p = FIELD(cfg, kw, int), v;

	if (servconf_one_arg(lc, av, ac) != 0) {
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
facility_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	int v = *CFIELD(cfg, kw, int);

	if (v != -1) {
		fprintf(f, "%s %s\n", kw->name, log_facility_name(v));
	}
}

/* Accumulating list of strings (struct servconf_strlist). */
int
servconf_strlist_add(struct servconf_strlist *l, const char *s, size_t max)
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

void
servconf_strlist_clear(struct servconf_strlist *l)
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
pathlist_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	int r;

	if (servconf_one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	r = servconf_strlist_add(FIELD(cfg, kw, struct servconf_strlist), av[0],
	    SERVCONF_MAX_HOSTKEYS);
	if (r == PC_ERR_RANGE) {
		LERR(lc, "too many %s entries", lc->keyword);
		return PC_ERR_CONFIG;
	}
	return r;
}

int
servconf_strlist_copy(const struct servconf_kw *kw, struct server_config *dst,
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
	servconf_strlist_clear(d);
	for (i = 0; i < s->n; i++) {
		if ((r = servconf_strlist_add(d, s->v[i], SIZE_MAX)) != 0) {
			return r;
		}
	}
	return 0;
}

void
servconf_strlist_dump(const struct servconf_kw *kw,
    const struct server_config *cfg, FILE *f)
{
	const struct servconf_strlist *l =
	    CFIELD(cfg, kw, struct servconf_strlist);
	size_t i;

	for (i = 0; i < l->n; i++) {
		fprintf(f, "%s %s\n", kw->name, l->v[i]);
	}
}

void
servconf_strlist_free(const struct servconf_kw *kw, struct server_config *cfg)
{
	servconf_strlist_clear(FIELD(cfg, kw, struct servconf_strlist));
}

/* Port: accumulates into cfg->ports. */
static int
port_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	int port;

	if (servconf_one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if ((port = servconf_parse_port(av[0])) < 0) {
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
port_copy(const struct servconf_kw *kw, struct server_config *dst,
    const struct server_config *src)
{
	if (src->num_ports > 0) {
		memcpy(dst->ports, src->ports, sizeof(dst->ports));
		dst->num_ports = src->num_ports;
	}
	return 0;
}

static void
port_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
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
listen_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
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
	if (servconf_one_arg(lc, av, ac) != 0) {
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
	if (colon != NULL && (port = servconf_parse_port(colon)) < 0) {
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
listen_copy(const struct servconf_kw *kw, struct server_config *dst,
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
listen_dump(const struct servconf_kw *kw, const struct server_config *cfg,
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
listen_free(const struct servconf_kw *kw, struct server_config *cfg)
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
rekey_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
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
		} else if (servconf_parse_time(av[1], &secs) != 0) {
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
rekey_copy(const struct servconf_kw *kw, struct server_config *dst,
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
rekey_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	fprintf(f, "%s %lld %lld\n", kw->name, (long long)cfg->rekey_limit,
	    (long long)cfg->rekey_interval);
}

/* MaxStartups start:rate:full or a single number (start = full). */
static int
maxstartups_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	int64_t v[3];
	char *s, *p, *sep;
	int n = 0;

	if (servconf_one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	s = av[0];
	for (p = s; n < 3; p = sep + 1) {
		sep = strchr(p, ':');
		if (sep != NULL) {
			*sep = '\0';
		}
		if (servconf_parse_uint(p, INT_MAX, &v[n]) != 0) {
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
maxstartups_copy(const struct servconf_kw *kw, struct server_config *dst,
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
maxstartups_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	fprintf(f, "%s %d:%d:%d\n", kw->name, cfg->max_startups_begin,
	    cfg->max_startups_rate, cfg->max_startups);
}

const struct servconf_kwtype servconf_t_flag = {
	flag_parse, servconf_int_copy, flag_dump, servconf_nothing_free
};
const struct servconf_kwtype servconf_t_int = {
	int_parse, servconf_int_copy, int_dump, servconf_nothing_free
};
const struct servconf_kwtype servconf_t_time = {
	time_parse, time_copy, time_dump, servconf_nothing_free
};
const struct servconf_kwtype servconf_t_string = {
	string_parse, servconf_string_copy, servconf_string_dump,
	servconf_string_free
};
const struct servconf_kwtype servconf_t_alglist = {
	alglist_parse, servconf_string_copy, servconf_string_dump,
	servconf_string_free
};
const struct servconf_kwtype servconf_t_enum = {
	enum_parse, servconf_int_copy, enum_dump, servconf_nothing_free
};
const struct servconf_kwtype servconf_t_loglevel = {
	loglevel_parse, servconf_int_copy, loglevel_dump, servconf_nothing_free
};
const struct servconf_kwtype servconf_t_facility = {
	facility_parse, servconf_int_copy, facility_dump, servconf_nothing_free
};
const struct servconf_kwtype servconf_t_pathlist = {
	pathlist_parse, servconf_strlist_copy, servconf_strlist_dump,
	servconf_strlist_free
};
const struct servconf_kwtype servconf_t_port = {
	port_parse, port_copy, port_dump, servconf_nothing_free
};
const struct servconf_kwtype servconf_t_listen = {
	listen_parse, listen_copy, listen_dump, listen_free
};
const struct servconf_kwtype servconf_t_rekey = {
	rekey_parse, rekey_copy, rekey_dump, servconf_nothing_free
};
const struct servconf_kwtype servconf_t_maxstartups = {
	maxstartups_parse, maxstartups_copy, maxstartups_dump,
	servconf_nothing_free
};


/*
 * The raw text after the keyword, less surrounding white space (for the
 * keywords OpenSSH keeps verbatim: commands, ForceCommand,
 * VersionAddendum).  An empty rest is an error naming the line.
 */
int
servconf_rest_of_line(const struct servconf_lctx *lc, const char **sp,
    size_t *lenp)
{
	const char *s = lc->rest != NULL ? lc->rest : "";
	size_t len;

	s += strspn(s, " \t");
	len = strlen(s);
	while (len > 0 && strchr(" \t\r\n\f", s[len - 1]) != NULL)
		len--;
	if (len == 0) {
		LERR(lc, "%s missing argument.", lc->keyword);
		return PC_ERR_CONFIG;
	}
	*sp = s;
	*lenp = len;
	return 0;
}
