/*
 * TCP wrappers (hosts_access(5)) through libwrap: the daemon's own
 * connections under its name, and connections accepted on remote-forwarded
 * listeners under "sshdfwd-SERVICE" (the /etc/services name of the
 * listening port) or "sshdfwd-PORT", as SSH 1.2 and SSH2 named them.
 *
 * Built without libwrap (configure --without-libwrap), every check
 * allows and tcpwrap_available() is 0; the configuration refuses
 * "TCPWrappers yes" then.
 *
 * libwrap keeps its table paths in globals (hosts_allow_table,
 * hosts_deny_table); tcpwrap_check sets them from cfg on every call.
 */
#ifndef PC_TCPWRAP_H
#define PC_TCPWRAP_H

#include <stddef.h>

#include "err.h"

struct tcpwrap_cfg {
	int enabled;			/* TCPWrappers */
	const char *allow_file;		/* TCPWrappersAllowFile */
	const char *deny_file;		/* TCPWrappersDenyFile */
};

#define TCPWRAP_NAME_MAX	64

/* 1 if built with libwrap. */
int	tcpwrap_available(void);

/*
 * "sshdfwd-" and the /etc/services name of TCP port (getservbyport(3)),
 * or of the decimal port when it has none.
 */
void	tcpwrap_fwd_name(int port, char *buf, size_t len);

/*
 * May the peer of connected socket fd reach the daemon called name?
 * 0 if allowed (or cfg->enabled is 0, or built without libwrap);
 * PC_ERR_PERMISSION_DENIED if the tables refuse it, with client (the
 * peer's numeric address, for the log) filled either way.  Logs nothing.
 */
int	tcpwrap_check(const struct tcpwrap_cfg *cfg, const char *name, int fd,
	    char *client, size_t clientlen) PC_WUR;

#endif /* PC_TCPWRAP_H */
