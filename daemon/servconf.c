/*
 * sshd_config(5) parser for portcullisd (see servconf.h).
 *
 * The grammar is OpenSSH's: "Keyword args", "Keyword=args" or
 * "Keyword = args"; keywords are case-insensitive; arguments may be
 * quoted with " or ' and may use \ to escape a quote, a backslash or a
 * space; '#' at the start of an argument begins a comment.
 *
 * Each keyword is one row of the table in servconf_kw.c naming its value
 * type (servconf_types.c); a type knows how to parse, copy, dump and free
 * its field, so adding a keyword is one table row plus the struct field.
 * This file holds what is not about one keyword: lines, quoting,
 * Include, Match and the API.
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

#include "cipher.h"
#include "kexalg.h"
#include "log.h"
#include "mac.h"
#include "match.h"
#include "servconf_int.h"

#define MAX_ARGS	256	/* arguments on one line */
#define MAX_GROUPS	4096	/* groups looked up for Match Group */

/* Kinds of stored lines. */
#define LINE_TEXT	0
#define LINE_INC_BEGIN	1	/* an included file starts */
#define LINE_INC_END	2	/* ... and ends */

static char *
xstrdup_or_null(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

/* ------------------------------------------------------------------ */
/* Tokenising. */

struct args {
	char *buf;		/* owns the tokens */
	char *av[MAX_ARGS];
	int ac;			/* av[0] is the keyword */
	size_t rest_off;	/* where the arguments start in the line */
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
args_split(const char *line, const struct servconf_lctx *lc, struct args *a)
{
	char *p, *out, *start, quote, c;

	a->ac = 0;
	a->rest_off = 0;
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
	while (is_space(*p)) {
		p++;
	}
	a->rest_off = (size_t)(p - a->buf);
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
    const struct servconf_lctx *lc)
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
			if ((port = servconf_parse_port(arg)) < 0) {
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
/* Origins. */

/*
 * Note that file:lineno set kw's value in cfg: the first line does, as
 * for the values, except for the keywords where the last line wins.
 * file is borrowed from the global configuration's file names.
 */
static void
origin_set(struct server_config *cfg, const struct servconf_kw *kw,
    const char *file, int lineno)
{
	struct servconf_origin *o =
	    &cfg->origins[(size_t)(kw - servconf_keywords)];

	if (o->file == NULL || (kw->flags & KW_LAST)) {
		o->file = file;
		o->lineno = lineno;
	}
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
	struct servconf_lctx lc = { file, lineno, NULL, NULL };
	struct server_config scratch, *target;
	const struct servconf_kw *kw;
	struct args a;
	int r;

	memset(&a, 0, sizeof(a));
	if ((r = args_split(text, &lc, &a)) != 0 || a.ac == 0) {
		goto out;
	}
	lc.keyword = a.av[0];
	lc.rest = text + a.rest_off;
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
	if (servconf_kw_deprecated(a.av[0])) {
		if (w->mode != MODE_MATCH) {
			logit("%s line %d: Deprecated option %s", file, lineno,
			    a.av[0]);
		}
		r = 0;
		goto out;
	}
	if ((kw = servconf_kw_find(a.av[0])) == NULL) {
		if (servconf_kw_unsupported(a.av[0])) {
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
		if (r == 0) {
			origin_set(w->mo, kw, file, lineno);
		}
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
	} else if (r == 0) {
		origin_set(cfg, kw, file, lineno);
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
    const struct servconf_lctx *lc, int depth)
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
	struct servconf_lctx lc = { NULL, 0, NULL, NULL };
	struct args a;
	FILE *fp = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int r;

	memset(&a, 0, sizeof(a));
	if ((r = servconf_strlist_add(&cfg->files, path, SIZE_MAX)) != 0) {
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
	cfg->use_pam = -1;
	cfg->max_auth_tries = -1;
	cfg->permit_root_login = -1;
	cfg->pubkey_authentication = -1;
	cfg->password_authentication = -1;
	cfg->kbd_interactive_authentication = -1;
	cfg->permit_empty_passwords = -1;
	cfg->strict_modes = -1;
	cfg->permit_user_env = -1;
	cfg->print_motd = -1;
	cfg->print_lastlog = -1;
	cfg->permit_tty = -1;
	cfg->permit_user_rc = -1;
	cfg->max_sessions = -1;
	cfg->client_alive_interval = -1;
	cfg->client_alive_count_max = -1;
	cfg->tcp_keep_alive = -1;
	cfg->x11_forwarding = -1;
	cfg->x11_display_offset = -1;
	cfg->x11_use_localhost = -1;
	cfg->allow_agent_forwarding = -1;
	cfg->allow_tcp_forwarding = -1;
	cfg->allow_streamlocal_forwarding = -1;
	cfg->gateway_ports = -1;
	cfg->permit_tunnel = -1;
	cfg->disable_forwarding = -1;
	cfg->streamlocal_bind_mask = -1;
	cfg->streamlocal_bind_unlink = -1;
	cfg->tcp_wrappers = -1;
	servconf_srclimit_init(cfg);
}

void
servconf_clear(struct server_config *cfg)
{
	size_t i;

	for (i = 0; i < servconf_nkeywords; i++) {
		servconf_keywords[i].type->free(&servconf_keywords[i], cfg);
	}
	for (i = 0; i < cfg->num_lines; i++) {
		free(cfg->lines[i].text);
	}
	free(cfg->lines);
	servconf_strlist_clear(&cfg->files);
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
	size_t i;
	int r;

	if (origin == NULL || line == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	/* Keep the name with the file names, so that the origins may
	 * borrow it whatever the caller does with its string. */
	for (i = 0; i < cfg->files.n; i++) {
		if (strcmp(cfg->files.v[i], origin) == 0) {
			break;
		}
	}
	if (i == cfg->files.n && (r = servconf_strlist_add(&cfg->files,
	    origin, SIZE_MAX)) != 0) {
		return r;
	}
	return process_line(cfg, line, cfg->files.v[i], lineno, &w);
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
			if ((r = servconf_strlist_add(&cfg->host_keys,
			    default_keys[i], SIZE_MAX)) != 0) {
				return r;
			}
		}
	}
	if ((r = fill_string(&cfg->ciphers, cipher_default_list())) != 0 ||
	    (r = fill_string(&cfg->macs, mac_default_list())) != 0 ||
	    (r = fill_string(&cfg->kex_algorithms,
	    kexalg_default_list())) != 0 ||
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
	if ((r = servconf_kw_fill_fwd(cfg)) != 0 ||
	    (r = servconf_kw_fill_auth(cfg)) != 0) {
		return r;
	}
	servconf_kw_fill_session(cfg);
	servconf_kw_fill_srclimit(cfg);
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
	for (i = 0; i < servconf_nkeywords; i++) {
		if ((r = servconf_keywords[i].type->copy(&servconf_keywords[i],
		    out, global)) != 0) {
			goto out;
		}
	}
	/* The origins point into global's file names: out must not
	 * outlive global, which a connection's options never do. */
	memcpy(out->origins, global->origins, sizeof(out->origins));
	w.ctx = ctx;
	w.mo = &mo;
	if ((r = walk_lines(NULL, global, &w)) != 0) {
		goto out;
	}
	/* Match overrides global (OpenSSH's copy_set_server_options), and
	 * a block's line becomes the origin of what it set. */
	for (i = 0; i < servconf_nkeywords; i++) {
		if (!(servconf_keywords[i].flags & KW_MATCH)) {
			continue;
		}
		if ((r = servconf_keywords[i].type->copy(&servconf_keywords[i],
		    out, &mo)) != 0) {
			goto out;
		}
		if (mo.origins[i].file != NULL) {
			out->origins[i] = mo.origins[i];
		}
	}
	servconf_kw_clear_none(out);
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
			if ((ctx->lport = servconf_parse_port(val)) < 0) {
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

const char *
servconf_origin(const struct server_config *cfg, const char *keyword,
    char *buf, size_t len)
{
	const struct servconf_kw *kw;
	const struct servconf_origin *o = NULL;

	if (len == 0) {
		return buf;
	}
	if ((kw = servconf_kw_find(keyword)) != NULL) {
		o = &cfg->origins[(size_t)(kw - servconf_keywords)];
	}
	if (o == NULL || o->file == NULL) {
		snprintf(buf, len, "default");
	} else {
		snprintf(buf, len, "%s line %d", o->file, o->lineno);
	}
	return buf;
}

void
servconf_dump(const struct server_config *cfg, FILE *f)
{
	size_t i;

	for (i = 0; i < servconf_nkeywords; i++) {
		servconf_keywords[i].type->dump(&servconf_keywords[i], cfg, f);
	}
}

