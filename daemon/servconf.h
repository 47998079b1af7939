/*
 * sshd_config(5) for portcullisd: reading, Include, Match and -T dumps.
 *
 * Use:
 *   servconf_init(&cfg);
 *   servconf_parse_arg(&cfg, "Port=2222", "command-line", 1);   (-o, first)
 *   servconf_load(&cfg, "/etc/ssh/sshd_config");
 *   servconf_fill_defaults(&cfg);
 *   ... per connection: servconf_apply_match(&cfg, &ctx, &conn_cfg);
 *   servconf_clear(&cfg);
 *
 * The FIRST value obtained for a keyword wins, so -o options given before
 * the file override it.  Port, ListenAddress and HostKey accumulate.
 * Match blocks override the global values for a connection; within the
 * matching blocks the first value wins again.
 *
 * Every error is logged with error() as "PATH line N: message" and makes
 * the call fail with PC_ERR_CONFIG; deprecated OpenSSH keywords are
 * accepted with a logit() warning.
 *
 * Ownership: a struct server_config owns every pointer in it; after
 * servconf_clear() it may be initialised again.
 */
#ifndef PC_SERVCONF_H
#define PC_SERVCONF_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define SERVCONF_MAX_PORTS		256
#define SERVCONF_MAX_LISTEN		256	/* resolved addresses */
#define SERVCONF_MAX_HOSTKEYS		64
#define SERVCONF_MAX_INCLUDE_DEPTH	16
#define SERVCONF_MAX_LINES		100000	/* all files together */
#define SERVCONF_MAX_LINE_LEN		8192

#define SERVCONF_DEFAULT_PORT		22
#define SERVCONF_DEFAULT_PIDFILE	"/run/portcullisd.pid"

/* A ListenAddress as written, resolved by servconf_fill_defaults. */
struct servconf_listen_spec {
	char *host;		/* without brackets */
	int port;		/* 0: every Port */
	char *origin;		/* "PATH line N", for errors at resolve time */
};

/* One resolved address to bind. */
struct servconf_listen {
	struct sockaddr_storage ss;
	socklen_t sslen;
	char host[64];		/* numeric form, no brackets */
	int port;
};

/* A stored configuration line (see servconf_load). */
struct servconf_line {
	int kind;		/* internal: text, include begin/end */
	char *text;		/* owned */
	const char *file;	/* borrowed from server_config.files */
	int lineno;
};

struct servconf_strlist {
	char **v;
	size_t n;
};

/*
 * Typed option values.  "Unset" is -1 for numbers and NULL for strings
 * until servconf_fill_defaults() gives the defaults.
 */
struct server_config {
	int ports[SERVCONF_MAX_PORTS];
	unsigned num_ports;
	struct servconf_listen_spec *listen_specs;
	size_t num_listen_specs;
	struct servconf_listen *listen;		/* after fill_defaults */
	size_t num_listen;
	int address_family;	/* AF_UNSPEC (any), AF_INET, AF_INET6 */
	struct servconf_strlist host_keys;	/* paths as given */

	/* Assembled comma-separated lists (see alglist.h). */
	char *ciphers;
	char *macs;
	char *kex_algorithms;
	char *hostkey_algorithms;

	/* RekeyLimit: bytes (0: the cipher's default, computed by the
	 * transport from the block size) and seconds (0: none). */
	int64_t rekey_limit;
	int64_t rekey_interval;

	int log_level;		/* enum log_level */
	int log_facility;	/* syslog LOG_* */
	char *pid_file;		/* "none": write no pid file */
	int64_t login_grace_time;	/* seconds, 0: no limit */
	int max_startups_begin;
	int max_startups_rate;
	int max_startups;
	char *moduli_file;

	/* Source lines kept for Match; not copied by apply_match. */
	struct servconf_line *lines;
	size_t num_lines;
	struct servconf_strlist files;	/* names the lines point to */
	char *include_dir;	/* base of relative Include paths */
};

/*
 * The connection a Match is evaluated for.  servconf_parse_match_spec()
 * allocates the strings and servconf_match_ctx_clear() frees them; a caller
 * filling the struct by hand passes heap strings or does not call clear.
 * A NULL field (or lport -1) never matches its criterion.
 */
struct servconf_match_ctx {
	char *user;
	char *host;		/* canonical remote host name */
	char *addr;		/* remote address, numeric */
	char *laddr;		/* local address, numeric */
	int lport;		/* local port, or -1 */
	int invalid_user;	/* the user does not exist */
	/* Group names for "Match Group".  If groups_set is 0, the user's
	 * groups are looked up with getpwnam(3) and getgrouplist(3). */
	char **groups;
	size_t ngroups;
	int groups_set;
};

void	servconf_init(struct server_config *cfg);
void	servconf_clear(struct server_config *cfg);

/*
 * Override PC_SYSCONFDIR as the directory relative Include paths are
 * resolved against (tests).  The string is copied.
 */
int	servconf_set_include_dir(struct server_config *cfg,
	    const char *dir) PC_WUR;

/*
 * Read path and every file it Includes (glob(3), lexical order, depth at
 * most SERVCONF_MAX_INCLUDE_DEPTH) into cfg->lines, then apply the global
 * part and check the syntax of every Match block.  May be called once.
 */
int	servconf_load(struct server_config *cfg, const char *path) PC_WUR;

/*
 * Apply one "Keyword value" line to the global options, as -o does.
 * origin is named in errors ("command-line line N").  Match and Include
 * are refused here.
 */
int	servconf_parse_arg(struct server_config *cfg, const char *line,
	    const char *origin, int lineno) PC_WUR;

/* Give every unset option its default and resolve ListenAddress
 * (getaddrinfo(3)).  Idempotent. */
int	servconf_fill_defaults(struct server_config *cfg) PC_WUR;

/*
 * The effective options for one connection: a deep copy of global
 * (already filled) with the matching Match blocks applied.  out is
 * initialised here; the caller clears it.  out has no stored lines.
 */
int	servconf_apply_match(const struct server_config *global,
	    const struct servconf_match_ctx *ctx,
	    struct server_config *out) PC_WUR;

/* "user=u,host=h,addr=a,laddr=l,lport=p,invalid-user" as for -C.  ctx
 * is initialised here; free with servconf_match_ctx_clear. */
int	servconf_parse_match_spec(const char *spec,
	    struct servconf_match_ctx *ctx) PC_WUR;
void	servconf_match_ctx_init(struct servconf_match_ctx *ctx);
void	servconf_match_ctx_clear(struct servconf_match_ctx *ctx);

/* One "keyword value" line per option, lower case, as sshd -T. */
void	servconf_dump(const struct server_config *cfg, FILE *f);

#endif /* PC_SERVCONF_H */
