/*
 * TCP wrappers (see tcpwrap.h): hosts_access(5) checks through libwrap,
 * as an OpenSSH built --with-libwrap makes them for its own connections
 * (sshd.c) and SSH 1.2 made them for remote-forwarded ports.  This file
 * and daemon/ are the only places that call libwrap.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "config.h"

#ifdef HAVE_LIBWRAP
#include <tcpd.h>
#endif

#include "tcpwrap.h"

#ifdef HAVE_LIBWRAP
/*
 * libwrap leaves these to the program: the syslog priorities of the
 * lines it writes itself (the "severity" option of hosts_options(5) may
 * override them per rule).  OpenSSH sets the same two levels.
 */
int allow_severity = LOG_AUTH | LOG_INFO;
int deny_severity = LOG_AUTH | LOG_WARNING;
#endif

int
tcpwrap_available(void)
{
#ifdef HAVE_LIBWRAP
	return 1;
#else
	return 0;
#endif
}

void
tcpwrap_fwd_name(int port, char *buf, size_t len)
{
	struct servent se, *res = NULL;
	char sbuf[1024];

	if (len == 0) {
		return;
	}
	if (port > 0 && port <= 65535 &&
	    getservbyport_r(htons((uint16_t)port), "tcp", &se, sbuf,
	    sizeof(sbuf), &res) == 0 && res != NULL &&
	    res->s_name != NULL && res->s_name[0] != '\0') {
		snprintf(buf, len, "sshdfwd-%s", res->s_name);
		return;
	}
	snprintf(buf, len, "sshdfwd-%d", port);
}

/*
 * The numeric address of fd's peer, an IPv4-mapped IPv6 address written
 * as IPv4 (that is how hosts.allow names it).  0 or PC_ERR_SYSTEM.
 */
static int
peer_addr(int fd, char *client, size_t clientlen)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6;
	struct sockaddr_in s4;
	socklen_t sslen = sizeof(ss);
	char host[NI_MAXHOST];

	memset(&ss, 0, sizeof(ss));
	if (getpeername(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		return PC_ERR_SYSTEM;
	}
	if (ss.ss_family == AF_INET6) {
		s6 = (struct sockaddr_in6 *)&ss;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			memset(&s4, 0, sizeof(s4));
			s4.sin_family = AF_INET;
			s4.sin_port = s6->sin6_port;
			memcpy(&s4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
			memcpy(&ss, &s4, sizeof(s4));
			sslen = sizeof(s4);
		}
	}
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) {
		return PC_ERR_SYSTEM;
	}
	if (getnameinfo((struct sockaddr *)&ss, sslen, host, sizeof(host),
	    NULL, 0, NI_NUMERICHOST) != 0) {
		return PC_ERR_SYSTEM;
	}
	if (clientlen > 0) {
		snprintf(client, clientlen, "%s", host);
	}
	return 0;
}

int
tcpwrap_check(const struct tcpwrap_cfg *cfg, const char *name, int fd,
    char *client, size_t clientlen)
{
#ifdef HAVE_LIBWRAP
	struct request_info req;
#endif
	int r;

	if (client != NULL && clientlen > 0) {
		snprintf(client, clientlen, "UNKNOWN");
	} else {
		clientlen = 0;
	}
	if (cfg == NULL || name == NULL || fd < 0) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	r = peer_addr(fd, client, clientlen);
	if (!cfg->enabled) {
		return 0;
	}
#ifdef HAVE_LIBWRAP
	/* Without a peer address libwrap would match the client as
	 * "unknown"; refuse to guess. */
	if (r != 0) {
		return r;
	}
	if (cfg->allow_file == NULL || cfg->deny_file == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	/*
	 * libwrap reads its tables through these globals and never writes
	 * through them; they are set on every call, so a check always
	 * uses the configuration it was given.
	 */
	hosts_allow_table = (char *)cfg->allow_file;
	hosts_deny_table = (char *)cfg->deny_file;
	request_init(&req, RQ_DAEMON, name, RQ_FILE, fd, 0);
	fromhost(&req);
	if (!hosts_access(&req)) {
		return PC_ERR_PERMISSION_DENIED;
	}
	return 0;
#else
	(void)r;
	return 0;
#endif
}
