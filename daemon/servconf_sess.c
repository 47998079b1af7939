/*
 * The sshd_config value types of the session and forwarding keywords
 * (see servconf_int.h) and their defaults.  Each follows what OpenSSH
 * 9.2's sshd accepts, stores and prints with -T; where Portcullis is
 * stricter, the comment says why.
 */
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "servconf_int.h"
#include "tcpwrap.h"

/* ------------------------------------------------------------------ */
/* Environment: AcceptEnv, SetEnv. */

/*
 * AcceptEnv: patterns of variable names the client may send (RFC 4254
 * s. 6.4).  Every line adds to the list, as in OpenSSH.  A name with '='
 * cannot be a variable name.
 */
static int
acceptenv_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	struct servconf_strlist *l = FIELD(cfg, kw, struct servconf_strlist);
	int i, r;

	for (i = 0; i < ac; i++) {
		if (av[i][0] == '\0' || strchr(av[i], '=') != NULL) {
			LERR(lc, "Invalid environment name.");
			return PC_ERR_CONFIG;
		}
	}
	for (i = 0; i < ac; i++) {
		r = servconf_strlist_add(l, av[i], SERVCONF_MAX_ENV);
		if (r == PC_ERR_RANGE) {
			LERR(lc, "too many %s entries", lc->keyword);
			return PC_ERR_CONFIG;
		}
		if (r != 0) {
			return r;
		}
	}
	return 0;
}

/* Is NAME=... already in the list? */
static int
env_has_name(const struct servconf_strlist *l, const char *s)
{
	size_t i, n = strcspn(s, "=");

	for (i = 0; i < l->n; i++) {
		if (strncmp(l->v[i], s, n) == 0 && l->v[i][n] == '=') {
			return 1;
		}
	}
	return 0;
}

/*
 * SetEnv NAME=VALUE...: the first line wins, as in OpenSSH; within it
 * the first value of a name wins.  Every line is checked.
 */
static int
setenv_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	struct servconf_strlist *l = FIELD(cfg, kw, struct servconf_strlist);
	struct servconf_strlist mine = { NULL, 0 };
	int i, r;

	for (i = 0; i < ac; i++) {
		if (av[i][0] == '=' || strchr(av[i], '=') == NULL) {
			LERR(lc, "Invalid environment.");
			return PC_ERR_CONFIG;
		}
	}
	if (l->n != 0) {
		return 0;
	}
	for (i = 0; i < ac; i++) {
		if (env_has_name(&mine, av[i])) {
			continue;
		}
		r = servconf_strlist_add(&mine, av[i], SERVCONF_MAX_ENV);
		if (r != 0) {
			servconf_strlist_clear(&mine);
			if (r == PC_ERR_RANGE) {
				LERR(lc, "too many %s entries", lc->keyword);
				r = PC_ERR_CONFIG;
			}
			return r;
		}
	}
	*l = mine;
	return 0;
}

/*
 * PermitUserEnvironment yes | no | pattern-list.  As in OpenSSH, "yes"
 * and "no" are exact (case-sensitive); any other word is a pattern list
 * of the names ~/.ssh/environment and environment="" may set.
 */
static int
userenv_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	char *list = NULL;
	int v;

	(void)kw;
	if (servconf_one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if (strcmp(av[0], "yes") == 0) {
		v = 1;
	} else if (strcmp(av[0], "no") == 0) {
		v = 0;
	} else {
		v = 1;
		if ((list = strdup(av[0])) == NULL) {
			return PC_ERR_ALLOC;
		}
	}
	if (cfg->permit_user_env != -1) {
		free(list);
		return 0;
	}
	cfg->permit_user_env = v;
	cfg->permit_user_env_allowlist = list;
	return 0;
}

static int
userenv_copy(const struct servconf_kw *kw, struct server_config *dst,
    const struct server_config *src)
{
	char *list = NULL;

	(void)kw;
	if (src->permit_user_env == -1) {
		return 0;
	}
	if (src->permit_user_env_allowlist != NULL &&
	    (list = strdup(src->permit_user_env_allowlist)) == NULL) {
		return PC_ERR_ALLOC;
	}
	free(dst->permit_user_env_allowlist);
	dst->permit_user_env_allowlist = list;
	dst->permit_user_env = src->permit_user_env;
	return 0;
}

static void
userenv_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	if (cfg->permit_user_env_allowlist != NULL) {
		fprintf(f, "%s %s\n", kw->name,
		    cfg->permit_user_env_allowlist);
	} else if (cfg->permit_user_env != -1) {
		fprintf(f, "%s %s\n", kw->name,
		    cfg->permit_user_env ? "yes" : "no");
	}
}

static void
userenv_free(const struct servconf_kw *kw, struct server_config *cfg)
{
	(void)kw;
	free(cfg->permit_user_env_allowlist);
	cfg->permit_user_env_allowlist = NULL;
}

/* ------------------------------------------------------------------ */
/* ForceCommand, VersionAddendum: the rest of the line. */

/*
 * The raw text after the keyword, quotes and any '#' included, less
 * trailing white space: OpenSSH keeps ForceCommand for the user's shell
 * ("-c") and VersionAddendum verbatim.  The first value wins.
 */
/* internal-sftp is OpenSSH's in-process SFTP server, which Portcullis
 * does not have: refuse it where it is named, not at login. */
static int
internal_sftp(const struct servconf_lctx *lc, const char *s, size_t len)
{
	static const char name[] = "internal-sftp";
	size_t n = strcspn(s, " \t");

	if (n > len || n != sizeof(name) - 1 || strncmp(s, name, n) != 0)
		return 0;
	LERR(lc, "%s internal-sftp is not supported; use "
	    "/usr/lib/openssh/sftp-server", lc->keyword);
	return 1;
}

static int
restline_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	char **p = FIELD(cfg, kw, char *), *v;
	const char *s;
	size_t len;

	(void)av;
	(void)ac;
	if (servconf_rest_of_line(lc, &s, &len) != 0)
		return PC_ERR_CONFIG;
	if (internal_sftp(lc, s, len))
		return PC_ERR_CONFIG;
	if (*p != NULL)
		return 0;
	if ((v = strndup(s, len)) == NULL)
		return PC_ERR_ALLOC;
	*p = v;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Subsystem. */

/*
 * Subsystem NAME COMMAND [ARG...]: each name once (a second definition
 * is an error, as in OpenSSH, whatever the value); the command is its
 * words joined by single spaces, which is what OpenSSH stores, prints
 * and hands to the user's shell.
 */
static int
subsystem_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	char *cmd = NULL;
	size_t i, len = 0, off = 0;
	int r;

	(void)kw;
	if (ac < 1 || av[0][0] == '\0') {
		LERR(lc, "%s missing argument.", lc->keyword);
		return PC_ERR_CONFIG;
	}
	for (i = 0; i < cfg->subsystem_names.n; i++) {
		if (strcmp(cfg->subsystem_names.v[i], av[0]) == 0) {
			LERR(lc, "Subsystem '%s' already defined.", av[0]);
			return PC_ERR_CONFIG;
		}
	}
	if (ac < 2 || av[1][0] == '\0') {
		LERR(lc, "Missing subsystem command.");
		return PC_ERR_CONFIG;
	}
	if (internal_sftp(lc, av[1], strlen(av[1])))
		return PC_ERR_CONFIG;
	if (cfg->subsystem_names.n >= SERVCONF_MAX_SUBSYSTEMS) {
		LERR(lc, "too many subsystems defined.");
		return PC_ERR_CONFIG;
	}
	/* ac is at most the line's argument cap and each word is part of
	 * a line of at most SERVCONF_MAX_LINE_LEN: no overflow. */
	for (i = 1; i < (size_t)ac; i++) {
		len += strlen(av[i]) + 1;
	}
	if ((cmd = malloc(len)) == NULL) {
		return PC_ERR_ALLOC;
	}
	for (i = 1; i < (size_t)ac; i++) {
		off += (size_t)snprintf(cmd + off, len - off, "%s%s",
		    i > 1 ? " " : "", av[i]);
	}
	if ((r = servconf_strlist_add(&cfg->subsystem_names, av[0],
	    SIZE_MAX)) != 0) {
		goto out;
	}
	if ((r = servconf_strlist_add(&cfg->subsystem_commands, cmd,
	    SIZE_MAX)) != 0) {
		/* Keep the two lists the same length. */
		free(cfg->subsystem_names.v[--cfg->subsystem_names.n]);
		goto out;
	}
 out:
	free(cmd);
	return r;
}

static int
subsystem_copy(const struct servconf_kw *kw, struct server_config *dst,
    const struct server_config *src)
{
	size_t i;
	int r;

	(void)kw;
	if (src->subsystem_names.n == 0) {
		return 0;
	}
	servconf_strlist_clear(&dst->subsystem_names);
	servconf_strlist_clear(&dst->subsystem_commands);
	for (i = 0; i < src->subsystem_names.n; i++) {
		if ((r = servconf_strlist_add(&dst->subsystem_names,
		    src->subsystem_names.v[i], SIZE_MAX)) != 0 ||
		    (r = servconf_strlist_add(&dst->subsystem_commands,
		    src->subsystem_commands.v[i], SIZE_MAX)) != 0) {
			return r;
		}
	}
	return 0;
}

static void
subsystem_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	size_t i;

	for (i = 0; i < cfg->subsystem_names.n &&
	    i < cfg->subsystem_commands.n; i++) {
		fprintf(f, "%s %s %s\n", kw->name, cfg->subsystem_names.v[i],
		    cfg->subsystem_commands.v[i]);
	}
}

static void
subsystem_free(const struct servconf_kw *kw, struct server_config *cfg)
{
	(void)kw;
	servconf_strlist_clear(&cfg->subsystem_names);
	servconf_strlist_clear(&cfg->subsystem_commands);
}

const char *
servconf_subsystem_command(const struct server_config *cfg,
    const char *name)
{
	size_t i;

	for (i = 0; i < cfg->subsystem_names.n &&
	    i < cfg->subsystem_commands.n; i++) {
		if (strcmp(cfg->subsystem_names.v[i], name) == 0) {
			return cfg->subsystem_commands.v[i];
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* PermitOpen, PermitListen. */

/*
 * Split "host:port", "host/port" or "[host]:port" at the delimiter, as
 * OpenSSH's hpdelim: *port is what follows it, or NULL if there is none.
 * -1 if a bracketed host is not closed or not followed by a delimiter.
 */
static int
hostport_split(char *s, char **port)
{
	char *p = s;

	*port = NULL;
	if (*p == '[') {
		if ((p = strchr(p, ']')) == NULL) {
			return -1;
		}
		p++;
	} else {
		p += strcspn(p, ":/");
	}
	if (*p == '\0') {
		return 0;
	}
	if (*p != ':' && *p != '/') {
		return -1;
	}
	*p = '\0';
	*port = p + 1;
	return 0;
}

/* A PermitOpen / PermitListen port: 1-65535 or "*" (any). */
static int
permit_port_valid(const char *s)
{
	return strcmp(s, "*") == 0 || servconf_parse_port(s) > 0;
}

/*
 * PermitOpen host:port... | any | none; PermitListen [host:]port... |
 * any | none (kw->arg non-NULL).  "any" and "none" stand alone and are
 * exact words, as in OpenSSH.  The first line wins; every line is
 * checked.  A bare PermitListen port is stored as "*:port", which is how
 * sshd -T prints it.
 */
static int
permits_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	struct servconf_strlist *l = FIELD(cfg, kw, struct servconf_strlist);
	struct servconf_strlist mine = { NULL, 0 };
	char *copy = NULL, *port, *entry = NULL;
	int i, r = PC_ERR_CONFIG, listen = kw->arg != NULL;

	if (ac < 1 || av[0][0] == '\0') {
		LERR(lc, "%s missing argument.", lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (strcmp(av[0], "any") == 0 || strcmp(av[0], "none") == 0) {
		if (ac > 1) {
			LERR(lc, "keyword %s extra arguments at end of line",
			    lc->keyword);
			return PC_ERR_CONFIG;
		}
		if (l->n == 0) {
			return servconf_strlist_add(l, av[0], 1);
		}
		return 0;
	}
	for (i = 0; i < ac; i++) {
		if (av[i][0] == '\0') {
			LERR(lc, "%s missing argument.", lc->keyword);
			goto out;
		}
		if ((copy = strdup(av[i])) == NULL) {
			r = PC_ERR_ALLOC;
			goto out;
		}
		if (listen && strchr(av[i], ':') == NULL) {
			port = copy;
			if (asprintf(&entry, "*:%s", av[i]) < 0) {
				entry = NULL;
				r = PC_ERR_ALLOC;
				goto out;
			}
		} else {
			if (hostport_split(copy, &port) != 0) {
				LERR(lc, "%s missing host", lc->keyword);
				goto out;
			}
			if ((entry = strdup(av[i])) == NULL) {
				r = PC_ERR_ALLOC;
				goto out;
			}
		}
		if (port == NULL || !permit_port_valid(port)) {
			LERR(lc, "%s bad port number", lc->keyword);
			goto out;
		}
		r = servconf_strlist_add(&mine, entry, SERVCONF_MAX_PERMITS);
		if (r == PC_ERR_RANGE) {
			LERR(lc, "too many %s entries", lc->keyword);
			r = PC_ERR_CONFIG;
		}
		if (r != 0) {
			goto out;
		}
		r = PC_ERR_CONFIG;
		free(copy);
		free(entry);
		copy = entry = NULL;
	}
	if (l->n == 0) {
		*l = mine;
		mine.v = NULL;
		mine.n = 0;
	}
	r = 0;
 out:
	free(copy);
	free(entry);
	servconf_strlist_clear(&mine);
	return r;
}

/* The list on one line; "any" when empty. */
static void
permits_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	const struct servconf_strlist *l =
	    CFIELD(cfg, kw, struct servconf_strlist);
	size_t i;

	fprintf(f, "%s", kw->name);
	if (l->n == 0) {
		fprintf(f, " any");
	}
	for (i = 0; i < l->n; i++) {
		fprintf(f, " %s", l->v[i]);
	}
	fprintf(f, "\n");
}

/* ------------------------------------------------------------------ */
/* StreamLocalBindMask. */

/*
 * An octal mode 0-0777.  OpenSSH applies every line (the last one wins,
 * unlike nearly every other keyword) and Portcullis does the same so
 * that -T agrees; it ignores junk after the digits, which Portcullis
 * rejects.
 */
static int
octal_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	const char *s;
	int v = 0;

	if (servconf_one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	for (s = av[0]; *s != '\0'; s++) {
		if (*s < '0' || *s > '7' || v > 0777) {
			break;
		}
		v = v * 8 + (*s - '0');
	}
	if (*s != '\0' || v > 0777) {
		LERR(lc, "Invalid %s.", lc->keyword);
		return PC_ERR_CONFIG;
	}
	*FIELD(cfg, kw, int) = v;
	return 0;
}

static void
octal_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	int v = *CFIELD(cfg, kw, int);

	if (v != -1) {
		fprintf(f, "%s 0%o\n", kw->name, (unsigned)v);
	}
}

/* ------------------------------------------------------------------ */
/* TCPWrappers, TCPWrappersAllowFile, TCPWrappersDenyFile. */

/*
 * yes | no.  "yes" names a feature this build may lack: without libwrap
 * it is an error at the line that asks for it, so a configuration that
 * relies on hosts.deny never runs unprotected.
 */
static int
tcpwrappers_parse(const struct servconf_kw *kw, struct server_config *cfg,
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
	if (v == 1 && !tcpwrap_available()) {
		LERR(lc, "%s yes: portcullisd was built without libwrap "
		    "(configure --without-libwrap)", lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (*p == -1) {
		*p = v;
	}
	return 0;
}

static void
tcpwrappers_dump(const struct servconf_kw *kw,
    const struct server_config *cfg, FILE *f)
{
	int v = *CFIELD(cfg, kw, int);

	if (v != -1) {
		fprintf(f, "%s %s\n", kw->name, v ? "yes" : "no");
	}
}

/*
 * A hosts_access(5) table.  It must be absolute: the daemon runs from /
 * once it has detached, and libwrap opens the file on every check.
 */
static int
wrapfile_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	char **p = FIELD(cfg, kw, char *);

	if (servconf_one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if (av[0][0] != '/') {
		LERR(lc, "%s must be an absolute path", lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (*p == NULL && (*p = strdup(av[0])) == NULL) {
		return PC_ERR_ALLOC;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The types. */

const struct servconf_kwtype servconf_t_acceptenv = {
	acceptenv_parse, servconf_strlist_copy, servconf_strlist_dump,
	servconf_strlist_free
};
const struct servconf_kwtype servconf_t_setenv = {
	setenv_parse, servconf_strlist_copy, servconf_strlist_dump,
	servconf_strlist_free
};
const struct servconf_kwtype servconf_t_userenv = {
	userenv_parse, userenv_copy, userenv_dump, userenv_free
};
const struct servconf_kwtype servconf_t_restline = {
	restline_parse, servconf_string_copy, servconf_string_dump,
	servconf_string_free
};
const struct servconf_kwtype servconf_t_subsystem = {
	subsystem_parse, subsystem_copy, subsystem_dump, subsystem_free
};
const struct servconf_kwtype servconf_t_permits = {
	permits_parse, servconf_strlist_copy, permits_dump,
	servconf_strlist_free
};
const struct servconf_kwtype servconf_t_octal = {
	octal_parse, servconf_int_copy, octal_dump, servconf_nothing_free
};
const struct servconf_kwtype servconf_t_tcpwrappers = {
	tcpwrappers_parse, servconf_int_copy, tcpwrappers_dump,
	servconf_nothing_free
};
const struct servconf_kwtype servconf_t_wrapfile = {
	wrapfile_parse, servconf_string_copy, servconf_string_dump,
	servconf_string_free
};

/* ------------------------------------------------------------------ */
/* Defaults: OpenSSH's compiled-in ones. */

static void
fill_int(int *p, int def)
{
	if (*p == -1) {
		*p = def;
	}
}

void
servconf_kw_fill_session(struct server_config *cfg)
{
	fill_int(&cfg->permit_user_env, 0);
	fill_int(&cfg->print_motd, 1);
	fill_int(&cfg->print_lastlog, 1);
	fill_int(&cfg->permit_tty, 1);
	fill_int(&cfg->permit_user_rc, 1);
	fill_int(&cfg->max_sessions, 10);
	if (cfg->client_alive_interval == -1) {
		cfg->client_alive_interval = 0;
	}
	fill_int(&cfg->client_alive_count_max, 3);
	fill_int(&cfg->tcp_keep_alive, 1);
	fill_int(&cfg->x11_forwarding, 0);
	fill_int(&cfg->x11_display_offset, 10);
	fill_int(&cfg->x11_use_localhost, 1);
	fill_int(&cfg->allow_agent_forwarding, 1);
	fill_int(&cfg->allow_tcp_forwarding, SERVCONF_FWD_ALL);
	fill_int(&cfg->allow_streamlocal_forwarding, SERVCONF_FWD_ALL);
	fill_int(&cfg->gateway_ports, SERVCONF_GW_NO);
	fill_int(&cfg->permit_tunnel, SERVCONF_TUN_NO);
	fill_int(&cfg->disable_forwarding, 0);
	fill_int(&cfg->streamlocal_bind_mask, 0177);
	fill_int(&cfg->streamlocal_bind_unlink, 0);
}

static int
fill_str(char **p, const char *def)
{
	if (*p == NULL && (*p = strdup(def)) == NULL) {
		return PC_ERR_ALLOC;
	}
	return 0;
}

int
servconf_kw_fill_fwd(struct server_config *cfg)
{
	int r;

	/* TCP wrappers are on whenever the build has them, as in an
	 * OpenSSH built --with-libwrap. */
	fill_int(&cfg->tcp_wrappers, tcpwrap_available() ? 1 : 0);
	if ((r = fill_str(&cfg->xauth_location, "/usr/bin/xauth")) != 0 ||
	    (r = fill_str(&cfg->tcp_wrappers_allow_file,
	    "/etc/hosts.allow")) != 0 ||
	    (r = fill_str(&cfg->tcp_wrappers_deny_file,
	    "/etc/hosts.deny")) != 0) {
		return r;
	}
	return 0;
}
