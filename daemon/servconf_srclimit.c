/*
 * The listener's per-source keywords (see servconf_int.h): PerSourcePenalties
 * and PerSourcePenaltyExemptList as OpenSSH 9.8 defines them,
 * PerSourceNetBlockSize and PerSourceMaxStartups as OpenSSH 8.5 does.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "match.h"
#include "penalty.h"
#include "servconf_int.h"

void
servconf_srclimit_init(struct server_config *cfg)
{
	struct servconf_penalties *p = &cfg->penalties;

	p->enabled = -1;
	p->crash = p->authfail = p->noauth = p->grace = -1;
	p->max = p->min = -1;
	p->max_sources4 = p->max_sources6 = -1;
	p->overflow4 = p->overflow6 = -1;
	cfg->per_source_masklen4 = -1;
	cfg->per_source_masklen6 = -1;
	cfg->per_source_max_startups = -1;
}

static void
fill64(int64_t *v, int64_t def)
{
	if (*v == -1)
		*v = def;
}

static void
fill(int *v, int def)
{
	if (*v == -1)
		*v = def;
}

void
servconf_kw_fill_srclimit(struct server_config *cfg)
{
	struct servconf_penalties *p = &cfg->penalties;

	/* On by default since OpenSSH 9.8. */
	fill(&p->enabled, 1);
	fill64(&p->crash, POLICY_PENALTY_DEF_CRASH);
	fill64(&p->authfail, POLICY_PENALTY_DEF_AUTHFAIL);
	fill64(&p->noauth, POLICY_PENALTY_DEF_NOAUTH);
	fill64(&p->grace, POLICY_PENALTY_DEF_GRACE);
	fill64(&p->max, POLICY_PENALTY_DEF_MAX);
	fill64(&p->min, POLICY_PENALTY_DEF_MIN);
	fill64(&p->max_sources4, POLICY_PENALTY_DEF_SOURCES);
	fill64(&p->max_sources6, POLICY_PENALTY_DEF_SOURCES);
	fill(&p->overflow4, POLICY_PENALTY_PERMISSIVE);
	fill(&p->overflow6, POLICY_PENALTY_PERMISSIVE);
	fill(&cfg->per_source_masklen4, 32);
	fill(&cfg->per_source_masklen6, 128);
	fill(&cfg->per_source_max_startups, 0);
}

/* ------------------------------------------------------------------ */
/* PerSourcePenalties. */

/* The duration sub-options, in OpenSSH's -T order. */
static const struct {
	const char *name;
	size_t off;
} penalty_times[] = {
	{ "crash", offsetof(struct servconf_penalties, crash) },
	{ "authfail", offsetof(struct servconf_penalties, authfail) },
	{ "noauth", offsetof(struct servconf_penalties, noauth) },
	{ "grace-exceeded", offsetof(struct servconf_penalties, grace) },
	{ "max", offsetof(struct servconf_penalties, max) },
	{ "min", offsetof(struct servconf_penalties, min) },
};

#define NTIMES	(sizeof(penalty_times) / sizeof(penalty_times[0]))

static int64_t *
ptime(struct servconf_penalties *p, size_t i)
{
	return (int64_t *)(void *)((char *)p + penalty_times[i].off);
}

static const int64_t *
cptime(const struct servconf_penalties *p, size_t i)
{
	return (const int64_t *)(const void *)((const char *)p +
	    penalty_times[i].off);
}

/* "NAME:" prefix of arg (case-sensitive, as OpenSSH's strncmp). */
static const char *
after(const char *arg, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0 || arg[n] != ':')
		return NULL;
	return arg + n + 1;
}

/*
 * One sub-option into *p (first value wins per sub-option, as each of
 * OpenSSH's fields).  Returns 0, or PC_ERR_CONFIG after logging.
 */
static int
penalty_word(struct servconf_penalties *p, const struct servconf_lctx *lc,
    const char *arg)
{
	const char *v;
	int64_t n;
	size_t i;
	int *mode;

	for (i = 0; i < NTIMES; i++) {
		if ((v = after(arg, penalty_times[i].name)) == NULL)
			continue;
		if (servconf_parse_time(v, &n) != 0) {
			LERR(lc, "invalid %s time value.", lc->keyword);
			return PC_ERR_CONFIG;
		}
		if (*ptime(p, i) == -1)
			*ptime(p, i) = n;
		return 0;
	}
	if ((v = after(arg, "max-sources4")) != NULL ||
	    (v = after(arg, "max-sources6")) != NULL) {
		int64_t *dst = arg[11] == '4' ? &p->max_sources4 :
		    &p->max_sources6;

		if (servconf_parse_uint(v, INT_MAX, &n) != 0) {
			LERR(lc, "%s value %s invalid.", lc->keyword, v);
			return PC_ERR_CONFIG;
		}
		if (*dst == -1)
			*dst = n;
		return 0;
	}
	if ((v = after(arg, "overflow")) != NULL)
		mode = &p->overflow4;
	else if ((v = after(arg, "overflow6")) != NULL)
		mode = &p->overflow6;
	else {
		LERR(lc, "unsupported %s keyword %s", lc->keyword, arg);
		return PC_ERR_CONFIG;
	}
	if (strcmp(v, "deny-all") == 0)
		n = POLICY_PENALTY_DENY_ALL;
	else if (strcmp(v, "permissive") == 0)
		n = POLICY_PENALTY_PERMISSIVE;
	else {
		LERR(lc, "unsupported %s keyword %s", lc->keyword, arg);
		return PC_ERR_CONFIG;
	}
	if (*mode == -1)
		*mode = (int)n;
	return 0;
}

/*
 * "yes", "no" (each alone), or sub-options, any of which turns penalties
 * on (OpenSSH 9.8 servconf.c).  The whole line is checked before any of
 * it is kept, so a bad word leaves nothing half-applied.
 */
static int
penalties_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	struct servconf_penalties *p = &cfg->penalties, tmp;
	size_t i;
	int r;

	if (ac == 0) {
		LERR(lc, "no %s specified", lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (strcasecmp(av[0], "yes") == 0 || strcasecmp(av[0], "no") == 0) {
		if (ac > 1) {
			LERR(lc, "keyword %s \"%s\" argument must appear "
			    "alone.", lc->keyword, av[0]);
			return PC_ERR_CONFIG;
		}
		if (p->enabled == -1)
			p->enabled = strcasecmp(av[0], "yes") == 0;
		return 0;
	}
	tmp = *p;
	for (i = 0; i < (size_t)ac; i++) {
		if (strcasecmp(av[i], "yes") == 0 ||
		    strcasecmp(av[i], "no") == 0) {
			LERR(lc, "keyword %s \"%s\" argument must appear "
			    "alone.", lc->keyword, av[i]);
			return PC_ERR_CONFIG;
		}
		if ((r = penalty_word(&tmp, lc, av[i])) != 0)
			return r;
	}
	/* Any sub-option implicitly enables penalties. */
	if (tmp.enabled == -1)
		tmp.enabled = 1;
	*p = tmp;
	return 0;
}

static int
penalties_copy(const struct servconf_kw *kw, struct server_config *dst,
    const struct server_config *src)
{
	dst->penalties = src->penalties;
	return 0;
}

/* As OpenSSH 9.8's dump_config: every value, seconds without a unit, or
 * "no" when off. */
static void
penalties_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	const struct servconf_penalties *p = &cfg->penalties;
	size_t i;

	if (p->enabled != 1) {
		fprintf(f, "%s no\n", kw->name);
		return;
	}
	fprintf(f, "%s", kw->name);
	for (i = 0; i < NTIMES; i++) {
		fprintf(f, " %s:%lld", penalty_times[i].name,
		    (long long)*cptime(p, i));
	}
	fprintf(f, " max-sources4:%lld max-sources6:%lld overflow:%s "
	    "overflow6:%s\n", (long long)p->max_sources4,
	    (long long)p->max_sources6,
	    p->overflow4 == POLICY_PENALTY_DENY_ALL ? "deny-all" :
	    "permissive", p->overflow6 == POLICY_PENALTY_DENY_ALL ?
	    "deny-all" : "permissive");
}

const struct servconf_kwtype servconf_t_penalties = {
	penalties_parse, penalties_copy, penalties_dump, servconf_nothing_free
};

/* ------------------------------------------------------------------ */
/* PerSourcePenaltyExemptList: an address/CIDR list, or none. */

static int
exempt_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	char **p = FIELD(cfg, kw, char *);

	if (servconf_one_arg(lc, av, ac) != 0)
		return PC_ERR_CONFIG;
	if (strcasecmp(av[0], "none") != 0 &&
	    match_addr_list(NULL, av[0]) != 0) {
		LERR(lc, "keyword %s invalid address argument.",
		    lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (*p == NULL && (*p = strdup(av[0])) == NULL)
		return PC_ERR_ALLOC;
	return 0;
}

const struct servconf_kwtype servconf_t_penalty_exempt = {
	exempt_parse, servconf_string_copy, servconf_string_dump,
	servconf_string_free
};

/* ------------------------------------------------------------------ */
/* PerSourceNetBlockSize V4[:V6]. */

static int
netblock_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	int64_t v4, v6 = -1;
	char *colon;

	if (servconf_one_arg(lc, av, ac) != 0)
		return PC_ERR_CONFIG;
	if ((colon = strchr(av[0], ':')) != NULL) {
		*colon = '\0';
		if (servconf_parse_uint(colon + 1, 128, &v6) != 0) {
			LERR(lc, "Invalid %s spec.", lc->keyword);
			return PC_ERR_CONFIG;
		}
	}
	if (servconf_parse_uint(av[0], 32, &v4) != 0) {
		LERR(lc, "Invalid %s spec.", lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (cfg->per_source_masklen4 == -1) {
		cfg->per_source_masklen4 = (int)v4;
		if (v6 != -1)
			cfg->per_source_masklen6 = (int)v6;
	}
	return 0;
}

static int
netblock_copy(const struct servconf_kw *kw, struct server_config *dst,
    const struct server_config *src)
{
	dst->per_source_masklen4 = src->per_source_masklen4;
	dst->per_source_masklen6 = src->per_source_masklen6;
	return 0;
}

static void
netblock_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	fprintf(f, "%s %d:%d\n", kw->name, cfg->per_source_masklen4,
	    cfg->per_source_masklen6);
}

const struct servconf_kwtype servconf_t_netblock = {
	netblock_parse, netblock_copy, netblock_dump, servconf_nothing_free
};

/* ------------------------------------------------------------------ */
/* PerSourceMaxStartups N | none. */

static int
persource_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	int *p = FIELD(cfg, kw, int);
	int64_t v;

	if (servconf_one_arg(lc, av, ac) != 0)
		return PC_ERR_CONFIG;
	if (strcmp(av[0], "none") == 0)
		v = 0;
	else if (servconf_parse_uint(av[0], INT_MAX, &v) != 0 || v == 0) {
		LERR(lc, "Invalid %s spec.", lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (*p == -1)
		*p = (int)v;
	return 0;
}

static void
persource_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	int v = *CFIELD(cfg, kw, int);

	if (v <= 0)
		fprintf(f, "%s none\n", kw->name);
	else
		fprintf(f, "%s %d\n", kw->name, v);
}

const struct servconf_kwtype servconf_t_persource_startups = {
	persource_parse, servconf_int_copy, persource_dump,
	servconf_nothing_free
};
