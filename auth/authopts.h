/*
 * Restrictions attached to an accepted key: the options of an
 * authorized_keys or principals line (sshd(8) "AUTHORIZED_KEYS FILE
 * FORMAT"), the critical options and extensions of a certificate
 * (PROTOCOL.certkeys), and their merge.  The forwarding and session parts
 * are carried to the channel layer; from=, expiry-time=, principals= and
 * cert-authority are enforced by authentication.
 *
 * A struct auth_opts owns everything it points to; authopts_free (accepts
 * NULL) frees it.  Flags are 1 (permitted) or 0 (refused).
 *
 * Nothing here reads files: the daemon reads authorized_keys and hands the
 * contents to auth/authkeys.c, which calls authopts_parse.
 */
#ifndef PC_AUTHOPTS_H
#define PC_AUTHOPTS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define AUTHOPTS_MAX_LIST	4096	/* permitopen=, permitlisten=, env */
#define AUTHOPTS_MAX_LINE	8192	/* longest options string */
/* tunnel="any" (as OpenSSH's a2tun): the client's choice of device. */
#define AUTHOPTS_TUN_ANY	0x7fffffff
/* Largest tunnel=N. */
#define AUTHOPTS_TUN_MAX	(AUTHOPTS_TUN_ANY - 2)

struct auth_opts {
	int permit_port_forwarding;
	int permit_agent_forwarding;
	int permit_x11_forwarding;
	int permit_pty;
	int permit_user_rc;
	int restricted;			/* "restrict" was given */
	int cert_authority;		/* the line names a CA key */
	uint64_t valid_before;		/* expiry-time=, cert; 0: none */
	char *cert_principals;		/* principals="a,b", or NULL */
	char *force_command;		/* command=, force-command, or NULL */
	int force_tun_device;		/* tunnel=N, _TUN_ANY, or -1 */
	char **env;			/* environment="NAME=value", in order */
	size_t nenv;
	char **permitopen;		/* "host:port" as written */
	size_t npermitopen;
	char **permitlisten;		/* "[host:]port" as written */
	size_t npermitlisten;
	char *required_from_host_keys;	/* from="pattern-list" */
	char *required_from_host_cert;	/* certificate source-address */
};

/* Everything permitted, nothing forced: a line with no options. */
struct auth_opts *authopts_new(void);
void	authopts_free(struct auth_opts *o);
struct auth_opts *authopts_dup(const struct auth_opts *o);

/*
 * Parse an options string s[0..len): comma-separated options with
 * case-insensitive names, values in double quotes (inside which only \"
 * is an escape).  Parsing stops at the first unquoted space or tab, or at
 * len; *consumed (if not NULL) is the number of bytes read.  Options and
 * their meaning are sshd(8)'s; command=, principals= and from= may not be
 * repeated; for expiry-time= the earliest wins; for environment= the first
 * of each name wins.  On success *out is caller-freed.  On a malformed
 * string PC_ERR_INVALID_FORMAT with *errstr (if errstr is not NULL) a
 * short static reason ("unknown option", "missing end quote", ...).
 */
int	authopts_parse(const char *s, size_t len, struct auth_opts **out,
	    size_t *consumed, const char **errstr) PC_WUR;

/*
 * Merge the options of two sources (OpenSSH's sshauthopt_merge): the
 * narrower wins.  A flag is permitted only if both permit it; the earlier
 * expiry wins; forced commands must be equal if both are set ("forced
 * command conflict"); tunnel, environment, permitopen and permitlisten are
 * taken from primary if it has them, else from additional; from= and
 * source-address are each kept from whichever source has them (both set
 * and different: an error, since neither narrows the other).
 * cert_authority and cert_principals are cleared in the result.  *out is
 * caller-freed.  A conflict gives PC_ERR_AUTH_FAILED with *errstr.
 */
int	authopts_merge(const struct auth_opts *primary,
	    const struct auth_opts *additional, struct auth_opts **out,
	    const char **errstr) PC_WUR;

/*
 * Certificates (PROTOCOL.certkeys): the certificate code starts from
 * authopts_cert_defaults (nothing permitted: a certificate with no
 * extensions grants no forwarding, pty or user rc) and feeds each
 * extension and critical option by name.
 *
 * authopts_cert_extension: permit-X11-forwarding, permit-agent-forwarding,
 * permit-port-forwarding, permit-pty, permit-user-rc; no-touch-required is
 * accepted and ignored (FIDO keys are not supported); unknown extensions
 * are ignored (0), as the protocol requires.
 *
 * authopts_cert_critical: force-command, source-address (a CIDR list,
 * checked); a repeated option, verify-required (FIDO, unsupported) and any
 * unknown critical option give PC_ERR_CERT_INVALID (logged).
 */
int	authopts_cert_defaults(struct auth_opts **out) PC_WUR;
int	authopts_cert_extension(struct auth_opts *o,
	    const char *name) PC_WUR;
int	authopts_cert_critical(struct auth_opts *o, const char *name,
	    const char *value) PC_WUR;

/*
 * May a connection from addr (numeric) / host (its name, or NULL: the
 * address) use these options?  from= (address and CIDR entries match
 * addr, wildcard patterns match addr and host, a negated match refuses)
 * and the certificate's source-address (CIDR list, matches addr).
 * 0 if permitted; PC_ERR_AUTH_FAILED with *why (static) if not.
 */
int	authopts_check_from(const struct auth_opts *o, const char *addr,
	    const char *host, const char **why) PC_WUR;
/* 0 if not expired at now (seconds since the epoch); PC_ERR_AUTH_FAILED
 * if valid_before is set and earlier than now. */
int	authopts_check_expiry(const struct auth_opts *o,
	    uint64_t now) PC_WUR;

/*
 * Split a permitopen= ("host:port", "[v6]:port") or, with listen set, a
 * permitlisten= entry (also a bare "port") as stored in struct auth_opts.
 * host gets the host without brackets ("*" for any, and for a bare
 * listen port); *port is 1..65535, or -1 for "*".  For the channel layer.
 */
int	authopts_permit_split(const char *entry, int listen, char *host,
	    size_t hostlen, int *port) PC_WUR;

#endif /* PC_AUTHOPTS_H */
