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
 * the file override it.  Port, ListenAddress, HostKey, HostCertificate,
 * AllowUsers, DenyUsers, AllowGroups, DenyGroups, AcceptEnv and
 * Subsystem (one per name) accumulate; the lists AuthorizedKeysFile,
 * AuthenticationMethods, SetEnv, PermitOpen and PermitListen are taken
 * whole from their first line.
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

/* AllowTcpForwarding, AllowStreamLocalForwarding (OpenSSH's FORWARD_*). */
#define SERVCONF_FWD_NO		0
#define SERVCONF_FWD_REMOTE	1
#define SERVCONF_FWD_LOCAL	2
#define SERVCONF_FWD_ALL	(SERVCONF_FWD_REMOTE | SERVCONF_FWD_LOCAL)

/* GatewayPorts. */
#define SERVCONF_GW_NO			0
#define SERVCONF_GW_YES			1
#define SERVCONF_GW_CLIENTSPECIFIED	2

/* PermitTunnel (OpenSSH's SSH_TUNMODE_*, the values of RFC 4254's
 * tun@openssh.com request: 1 point-to-point, 2 ethernet). */
#define SERVCONF_TUN_NO			0
#define SERVCONF_TUN_POINTOPOINT	1
#define SERVCONF_TUN_ETHERNET		2
#define SERVCONF_TUN_YES		3

#define SERVCONF_MAX_SUBSYSTEMS	256
#define SERVCONF_MAX_ENV	1024	/* AcceptEnv, SetEnv entries */
#define SERVCONF_MAX_PERMITS	4096	/* PermitOpen, PermitListen */

/* A ListenAddress as written, resolved by servconf_fill_defaults. */
struct servconf_listen_spec {
	char *host;		/* without brackets */
	int port;		/* 0: every Port */
	char *origin;	/* "PATH line N", for errors at resolve time */
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
 * PerSourcePenalties as OpenSSH 9.8 has it (policy/penalty.h applies it):
 * durations in seconds, -1 while unset.
 */
struct servconf_penalties {
	int enabled;		/* 1 yes (default), 0 "no" */
	int64_t crash, authfail, noauth, grace;	/* grace-exceeded */
	int64_t max, min;
	int64_t max_sources4, max_sources6;
	int overflow4, overflow6;	/* 0 permissive, 1 deny-all */
};

#define SERVCONF_MAX_KEYWORDS	192	/* rows of the keyword table */

/* The line that gave a keyword its value: file is borrowed from the
 * global configuration's file names ("command-line" for -o), NULL when
 * the value is the default. */
struct servconf_origin {
	const char *file;
	int lineno;
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

	/*
	 * Authentication (sshd_config(5)).  Flags are 1/0; strings marked
	 * "none" are NULL when the value is none (also after Match).
	 */
	int use_pam;
	char *pam_service_name;		/* default "portcullisd" */
	int max_auth_tries;
	int permit_root_login;		/* POLICY_ROOT_* (login.h) */
	int pubkey_authentication;
	int password_authentication;
	int kbd_interactive_authentication;
	int permit_empty_passwords;
	int strict_modes;
	char *banner;			/* absolute path or NULL: none */
	/* AuthenticationMethods: each entry is one comma-separated list of
	 * methods that must all succeed; n == 0 means "any". */
	struct servconf_strlist auth_methods;
	/* One entry per word, accumulated over lines (policy/login.h). */
	struct servconf_strlist allow_users;
	struct servconf_strlist deny_users;
	struct servconf_strlist allow_groups;
	struct servconf_strlist deny_groups;
	char *pubkey_accepted_algorithms;	/* assembled list */
	char *ca_sign_algorithms;		/* assembled list */
	struct servconf_strlist host_certificates;	/* absolute paths */
	/* Paths with %-tokens, relative to the home directory unless
	 * absolute (servconf_expand_path); an entry may be "none". */
	struct servconf_strlist authorized_keys_files;
	char *authorized_keys_command;	/* whole command line; none */
	char *authorized_keys_command_user;	/* none */
	char *authorized_principals_file;	/* %-tokens; none */
	char *authorized_principals_command;	/* none */
	char *authorized_principals_command_user;	/* none */
	char *trusted_user_ca_keys;	/* absolute path; none */
	char *revoked_keys;		/* absolute path; none */

	/*
	 * Sessions (sshd_config(5)), for daemon/session.c.  Flags are 1/0;
	 * strings marked "none" are NULL when the value is none.
	 */
	struct servconf_strlist accept_env;	/* patterns, accumulated */
	struct servconf_strlist set_env;	/* NAME=VALUE, first line */
	int permit_user_env;		/* 1: ~/.ssh/environment is read */
	char *permit_user_env_allowlist;	/* patterns; NULL: any name */
	int print_motd;
	int print_lastlog;
	char *chroot_directory;		/* %% %h %u %U; none */
	char *force_command;		/* whole rest of the line; none */
	int permit_tty;
	int permit_user_rc;
	/* Subsystem NAME COMMAND...: the command is its words joined by
	 * single spaces, as OpenSSH runs it (with the user's shell -c).
	 * subsystem_names.v[i] goes with subsystem_commands.v[i]. */
	struct servconf_strlist subsystem_names;
	struct servconf_strlist subsystem_commands;
	int max_sessions;
	int64_t client_alive_interval;	/* seconds, 0: off */
	int client_alive_count_max;
	int tcp_keep_alive;		/* SO_KEEPALIVE on the connection */
	char *version_addendum;		/* after the version; none */

	/*
	 * Forwarding and X11, stored for the forwarding work: parsed and
	 * checked as OpenSSH does, dumped by -T, applied by Match.
	 */
	int x11_forwarding;
	int x11_display_offset;
	int x11_use_localhost;
	int allow_agent_forwarding;
	int allow_tcp_forwarding;	/* SERVCONF_FWD_* */
	int allow_streamlocal_forwarding;	/* SERVCONF_FWD_* */
	int gateway_ports;		/* SERVCONF_GW_* */
	int permit_tunnel;		/* SERVCONF_TUN_* */
	int disable_forwarding;
	/* "host:port" (port may be "*"); empty or one "any": any; one
	 * "none": none. */
	struct servconf_strlist permit_open;
	/* "host:port", a bare port made "*:port"; same any/none rules. */
	struct servconf_strlist permit_listen;
	int streamlocal_bind_mask;	/* umask for sockets, 0-0777 */
	int streamlocal_bind_unlink;
	/*
	 * SSH Tectia's switches for TCP forwarding, per user and per group:
	 * AllowTcpForwardingForUsers, AllowTcpForwardingForGroups,
	 * DenyTcpForwardingForUsers, DenyTcpForwardingForGroups.  Entries
	 * as AllowUsers / AllowGroups (USER or USER@HOST; group patterns),
	 * accumulated across lines; empty: no restriction.
	 */
	struct servconf_strlist allow_tcp_fwd_users;
	struct servconf_strlist allow_tcp_fwd_groups;
	struct servconf_strlist deny_tcp_fwd_users;
	struct servconf_strlist deny_tcp_fwd_groups;
	char *xauth_location;		/* XAuthLocation, /usr/bin/xauth */
	/* TCPWrappers (default yes when built with libwrap; "yes" is an
	 * error without it), and the hosts_access(5) tables it reads. */
	int tcp_wrappers;
	char *tcp_wrappers_allow_file;	/* /etc/hosts.allow */
	char *tcp_wrappers_deny_file;	/* /etc/hosts.deny */
	/*
	 * Per-source limits of the listener (global only):
	 * PerSourcePenalties, PerSourcePenaltyExemptList (an address list
	 * as for Match Address, NULL: none), PerSourceNetBlockSize (the
	 * IPv4 and IPv6 prefix lengths that make one "source"),
	 * PerSourceMaxStartups (unauthenticated connections per source;
	 * 0: none).
	 */
	struct servconf_penalties penalties;
	char *penalty_exempt;
	int per_source_masklen4;
	int per_source_masklen6;
	int per_source_max_startups;
	/* Where each keyword's value came from (servconf_origin). */
	struct servconf_origin origins[SERVCONF_MAX_KEYWORDS];

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
 * origin is named in errors ("command-line line N") and copied into
 * cfg for servconf_origin.  Match and Include are refused here.
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
 * out->origins borrow global's file names: out must not outlive global
 * (a connection's options never do).
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

/*
 * The command of the Subsystem called name (exact, case-sensitive, as
 * OpenSSH compares), borrowed from cfg; NULL if there is none.
 */
const char *servconf_subsystem_command(const struct server_config *cfg,
	    const char *name);

/*
 * Where keyword's value (lower case, as -T prints it) came from: "PATH
 * line N" -- the line in a matching Match block when one set it -- or
 * "default".  Written into buf (truncated to len); returns buf.  An
 * unknown keyword gives "default".  For the forwarding log lines, which
 * name the rule that decided.
 */
const char *servconf_origin(const struct server_config *cfg,
	    const char *keyword, char *buf, size_t len);

/* One "keyword value" line per option, lower case, as sshd -T. */
void	servconf_dump(const struct server_config *cfg, FILE *f);

/*
 * The values of the sshd_config(5) TOKENS.  A NULL field is a token the
 * keyword does not offer; using it is an error, as in OpenSSH.  Which
 * fields to set, per keyword:
 *   AuthorizedKeysFile, AuthorizedPrincipalsFile:  %% %h %U %u
 *   AuthorizedKeysCommand:  %% %C %D %f %h %k %t %U %u
 *   AuthorizedPrincipalsCommand:  %% %C %D %F %f %h %i %K %k %s %T %t %U %u
 * All fields are borrowed.
 */
struct servconf_tokens {
	const char *conn;	/* %C "caddr cport saddr sport" */
	const char *rdomain;	/* %D routing domain */
	const char *ca_fp;	/* %F fingerprint of the CA key */
	const char *key_fp;	/* %f fingerprint of the key or cert */
	const char *home;	/* %h home directory */
	const char *key_id;	/* %i certificate key ID */
	const char *ca_key;	/* %K CA key, base64 */
	const char *key;	/* %k key or certificate, base64 */
	const char *serial;	/* %s certificate serial, decimal */
	const char *ca_type;	/* %T CA key type */
	const char *key_type;	/* %t key or certificate type */
	const char *uid;	/* %U numeric user ID, decimal */
	const char *user;	/* %u user name */
};

#define SERVCONF_MAX_EXPAND	16384	/* longest expansion */

/*
 * Expand the %-tokens of fmt.  *out is a new string the caller frees.
 * PC_ERR_INVALID_FORMAT for an unknown or unoffered token or a lone '%'
 * at the end; PC_ERR_RANGE if the result exceeds SERVCONF_MAX_EXPAND.
 */
int	servconf_expand_tokens(const char *fmt,
	    const struct servconf_tokens *t, char **out) PC_WUR;

/*
 * As servconf_expand_tokens, then a relative result is taken relative to
 * t->home, as sshd does for AuthorizedKeysFile and
 * AuthorizedPrincipalsFile.  PC_ERR_INVALID_ARGUMENT if t->home is NULL
 * and the path is relative.
 */
int	servconf_expand_path(const char *fmt,
	    const struct servconf_tokens *t, char **out) PC_WUR;

#endif /* PC_SERVCONF_H */
