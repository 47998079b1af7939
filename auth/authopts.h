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
 */
#ifndef PC_AUTHOPTS_H
#define PC_AUTHOPTS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define AUTHOPTS_MAX_LIST	4096	/* permitopen=, permitlisten=, env */
#define AUTHOPTS_MAX_LINE	8192	/* longest options string */

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
	int force_tun_device;		/* tunnel=N, or -1 */
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

#endif /* PC_AUTHOPTS_H */
