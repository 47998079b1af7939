/*
 * Forwarding policy: may this direct-tcpip / tcpip-forward /
 * streamlocal / agent / X11 / tunnel request happen, and which rule
 * decided.  The decisions of OpenSSH's serverloop.c and channels.c
 * (server_request_direct_tcpip, server_input_global_request,
 * check_rfwd_permission, channel_connect_to_port, session.c's agent and
 * X11 checks), plus SSH Tectia's per-user and per-group switches.
 *
 * Pure: no I/O, no globals, no logging.  The caller passes a snapshot of
 * the configuration after Match, the accepted key's restrictions (the
 * merge of its authorized_keys line and certificate) and the request, and
 * logs d->reason.
 *
 * Ownership: every pointer is borrowed for the duration of the call;
 * struct policy_fwd_decision holds no pointers into the arguments.
 */
#ifndef PC_POLICY_FORWARD_H
#define PC_POLICY_FORWARD_H

#include <stddef.h>

#include "authopts.h"
#include "err.h"
#include "login.h"

/* AllowTcpForwarding, AllowStreamLocalForwarding: the same values as
 * daemon/servconf.h's SERVCONF_FWD_* (OpenSSH's FORWARD_*). */
#define POLICY_FWD_NO		0
#define POLICY_FWD_REMOTE	1
#define POLICY_FWD_LOCAL	2
#define POLICY_FWD_ALL		(POLICY_FWD_REMOTE | POLICY_FWD_LOCAL)

/* GatewayPorts: the same values as SERVCONF_GW_*. */
#define POLICY_GW_NO			0
#define POLICY_GW_YES			1
#define POLICY_GW_CLIENTSPECIFIED	2

enum policy_fwd_kind {
	POLICY_FWD_DIRECT_TCP = 0,	/* direct-tcpip: ssh -L, -D */
	POLICY_FWD_LISTEN_TCP,		/* tcpip-forward: ssh -R */
	POLICY_FWD_DIRECT_STREAMLOCAL,	/* direct-streamlocal@openssh.com */
	POLICY_FWD_LISTEN_STREAMLOCAL,	/* streamlocal-forward@openssh.com */
	POLICY_FWD_AGENT,		/* auth-agent-req@openssh.com */
	POLICY_FWD_X11,			/* x11-req */
	POLICY_FWD_TUNNEL,		/* tun@openssh.com */
};

/*
 * The rules, in the order they are tried (the first that refuses
 * decides).  Each names a configuration keyword or a key restriction;
 * cfg->origin[rule] says where its value came from.
 */
enum policy_fwd_rule {
	POLICY_FWD_RULE_NONE = 0,	/* nothing refused: allowed */
	POLICY_FWD_RULE_DISABLE_FORWARDING,
	POLICY_FWD_RULE_ALLOW_TCP_FORWARDING,
	POLICY_FWD_RULE_ALLOW_STREAMLOCAL_FORWARDING,
	POLICY_FWD_RULE_ALLOW_AGENT_FORWARDING,
	POLICY_FWD_RULE_X11_FORWARDING,
	POLICY_FWD_RULE_PERMIT_TUNNEL,	/* tun devices are not supported */
	POLICY_FWD_RULE_DENY_TCP_USERS,	/* DenyTcpForwardingForUsers */
	POLICY_FWD_RULE_DENY_TCP_GROUPS,	/* DenyTcpForwardingForGroups */
	POLICY_FWD_RULE_ALLOW_TCP_USERS,	/* AllowTcpForwardingForUsers */
	POLICY_FWD_RULE_ALLOW_TCP_GROUPS,	/* AllowTcpForwardingForGroups */
	/* The key: no-port-forwarding, restrict without port-forwarding,
	 * a certificate without permit-port-forwarding. */
	POLICY_FWD_RULE_KEY_PORT_FORWARDING,
	POLICY_FWD_RULE_KEY_AGENT_FORWARDING,
	POLICY_FWD_RULE_KEY_X11_FORWARDING,
	POLICY_FWD_RULE_PORT_ZERO_NO_REPLY,	/* port 0 without want-reply */
	POLICY_FWD_RULE_PRIVILEGED_PORT,	/* < 1024 and not root */
	POLICY_FWD_RULE_KEY_PERMITOPEN,		/* permitopen="..." */
	POLICY_FWD_RULE_KEY_PERMITLISTEN,	/* permitlisten="..." */
	POLICY_FWD_RULE_PERMIT_OPEN,		/* PermitOpen */
	POLICY_FWD_RULE_PERMIT_LISTEN,		/* PermitListen */
	POLICY_FWD_RULE_COUNT
};

#define POLICY_FWD_REASON_MAX	512

/*
 * The configuration after Match.  Lists are as daemon/servconf.h stores
 * them: PermitOpen "host:port" / "[v6]:port" with "*" for any host or
 * port; PermitListen the same with a bare port made "*:port"; an empty
 * list or a single "any" permits everything, a single "none" nothing.
 * The Tectia lists are as AllowUsers / AllowGroups (policy/login.h);
 * empty lists do not restrict.
 *
 * origin[rule] (may be NULL: "default") is where the rule's value came
 * from: "/etc/ssh/sshd_config line 12", "command-line line 1",
 * "default"; for the KEY_ rules, where the key's restrictions came from
 * ("/home/u/.ssh/authorized_keys:3", "certificate ID \"x\" serial 5").
 * It is copied into the decision's reason.
 */
struct policy_fwd_cfg {
	int allow_tcp;			/* POLICY_FWD_* */
	int allow_streamlocal;		/* POLICY_FWD_* */
	int disable_forwarding;
	int allow_agent;
	int x11_forwarding;
	const char *const *permit_open;
	size_t npermit_open;
	const char *const *permit_listen;
	size_t npermit_listen;
	const char *const *allow_tcp_users;
	size_t n_allow_tcp_users;
	const char *const *allow_tcp_groups;
	size_t n_allow_tcp_groups;
	const char *const *deny_tcp_users;
	size_t n_deny_tcp_users;
	const char *const *deny_tcp_groups;
	size_t n_deny_tcp_groups;
	const char *origin[POLICY_FWD_RULE_COUNT];
};

/* Who asks: the user (for the Tectia lists and the privileged-port
 * rule) and the accepted key's restrictions (NULL: a login without a
 * key, which restricts nothing). */
struct policy_fwd_subject {
	struct policy_login_subject who;	/* user, host, addr, groups */
	int is_root;				/* uid 0 */
	const struct auth_opts *key;
};

/*
 * The request as the peer sent it.  DIRECT_TCP: host and port to connect
 * to.  LISTEN_TCP: host is the listen address as sent ("", "*",
 * "localhost", an address), port the listen port (0: allocate),
 * want_reply its flag.  STREAMLOCAL: path.  AGENT, X11, TUNNEL: nothing.
 */
struct policy_fwd_request {
	enum policy_fwd_kind kind;
	const char *host;
	int port;
	const char *path;
	int want_reply;
};

struct policy_fwd_decision {
	int allowed;			/* 1 allowed, 0 refused */
	enum policy_fwd_rule rule;	/* the rule that refused, or NONE */
	/*
	 * For the log: which rule and value decided, with its origin.
	 * Refused: "AllowTcpForwarding remote (/etc/ssh/sshd_config line
	 * 4)", "key option no-port-forwarding (/home/u/.ssh/
	 * authorized_keys:3)", "PermitOpen 127.0.0.1:80 (default)" ...
	 * Allowed: the rules that let it through, "AllowTcpForwarding
	 * yes (default), PermitOpen any (default)".  Peer strings are cut
	 * to 100 bytes.
	 */
	char reason[POLICY_FWD_REASON_MAX];
};

/*
 * Decide.  The rules are tried in the enum's order, only those that
 * apply to the kind: DisableForwarding; AllowTcpForwarding (LOCAL bit for
 * DIRECT_TCP, REMOTE for LISTEN_TCP) or AllowStreamLocalForwarding;
 * AllowAgentForwarding; X11Forwarding; tunnels (always refused); the
 * Tectia lists (TCP only); the key's flags; port 0 without want-reply and
 * privileged ports (LISTEN_TCP); the key's permitopen / permitlisten (a
 * key without the option permits all); PermitOpen / PermitListen.
 * PermitOpen entries match the host exactly (case-sensitive) or "*";
 * PermitListen and permitlisten hosts are patterns matched against the
 * lower-cased listen address (OpenSSH's remote_open_match).  Unix-socket
 * forwarding also goes through OpenSSH's TCP permissions: a direct one
 * needs AllowTcpForwarding local and a "*:*" entry in any permitopen= or
 * PermitOpen list; a listening one needs AllowTcpForwarding remote or a
 * permitlisten= list (PermitListen and the Tectia lists do not apply).
 * Returns 0 with d filled; PC_ERR_INVALID_ARGUMENT for NULL arguments
 * (s->who.user included; a list count without its array), an unknown
 * kind, an AllowTcpForwarding / AllowStreamLocalForwarding value outside
 * POLICY_FWD_NO..ALL, or a TCP port outside 0..65535;
 * PC_ERR_INVALID_FORMAT for a malformed USER@HOST entry in a Tectia list
 * (the configuration parser refuses those).  On an error d says refused.
 */
int	policy_forward(const struct policy_fwd_cfg *cfg,
	    const struct policy_fwd_subject *s,
	    const struct policy_fwd_request *req,
	    struct policy_fwd_decision *d) PC_WUR;

/* Where a remote-forward listener binds (OpenSSH's channel_fwd_bind_addr
 * on the server side). */
enum policy_bind_kind {
	POLICY_BIND_LOOPBACK = 0,	/* 127.0.0.1 and ::1 */
	POLICY_BIND_WILDCARD,		/* every address, both families */
	POLICY_BIND_ADDRESS,		/* the address requested, as given */
};

struct policy_bind {
	enum policy_bind_kind kind;
	/* 1 if the client asked for a specific address and GatewayPorts yes
	 * replaced it with the wildcard: tell the client with a debug
	 * message ("Forwarding listen address \"%s\" overridden by server
	 * GatewayPorts"), as OpenSSH does. */
	int overridden;
};

/*
 * The GatewayPorts table.  requested is the address of the tcpip-forward
 * request (never NULL: "" when empty).
 *   no:               127.0.0.1 and ::1 bind as asked; anything else
 *                     binds loopback.
 *   yes:              everything binds the wildcard ("overridden" for a
 *                     specific address other than "0.0.0.0" and "*").
 *   clientspecified:  "" and "*" bind the wildcard; "localhost" binds
 *                     loopback (both families); any other address binds
 *                     as asked.
 * Returns 0, or PC_ERR_INVALID_ARGUMENT for an unknown gateway_ports.
 */
int	policy_fwd_bind_address(int gateway_ports, const char *requested,
	    struct policy_bind *b) PC_WUR;

#endif /* PC_POLICY_FORWARD_H */
