/*
 * libFuzzer target: global requests and session channel requests through
 * chan_recv (channels/chan.c, chanopen.c), and what the daemon does with
 * their fields without touching the system: the forwarding policy
 * (policy/forward.c: policy_forward, the GatewayPorts table), terminal
 * modes (sesspty_modes_decode), AcceptEnv and the environment
 * (sessenv_accept, sessenv_set), Subsystem lookup, the X11 cookie check
 * and xauth input (fwdx_xauth_input).  The forwarding backend is this
 * harness: it decides with the real policy and listens on nothing.
 * fuzz_chan covers the channel table itself (windows, data, opens, EOF
 * and CLOSE); this target is about every request parser.
 *
 * A client and a server transport finish a key exchange once per process;
 * each input gets a fresh chan_conn, with session channel 0 (the peer's
 * channel 0) already open, and what the server sends is thrown away.
 *
 *   byte    policy: bits 0-1 AllowTcpForwarding (no, remote, local, all),
 *           2-3 AllowStreamLocalForwarding, 4 DisableForwarding,
 *           5-6 GatewayPorts (no, yes, clientspecified), 7 PermitOpen
 *           and PermitListen lists instead of any
 *   byte    session: 1 root, 2 AllowAgentForwarding, 4 X11Forwarding,
 *           8 X11UseLocalhost, 16 AcceptEnv "LANG LC_*"
 *   then    operations, each one byte then its arguments:
 *     0     a raw message: uint16 length, the message
 *     1     a channel request on channel 0: byte name (table below,
 *           bit 7 want-reply), uint16 length, the type-specific fields
 *     2     a global request: byte name (table below, bit 7 want-reply),
 *           uint16 length, the fields
 *
 * Seeds: PC_FUZZ_WRITE_SEEDS=DIR (fuzzseed.h) writes the requests
 * OpenSSH's ssh sends (ssh -t, -A, -X, -R, -R with a socket, SendEnv,
 * -s sftp, keepalives, a window change, a signal, ControlMaster's
 * no-more-sessions) with their fields as ssh encodes them.
 */
#include <termios.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "forward.h"
#include "fuzzseed.h"
#include "fwdx.h"
#include "key.h"
#include "log.h"
#include "rand.h"
#include "sessenv.h"
#include "sesspty.h"
#include "ssh2.h"
#include "transport.h"

#define MAX_OPS		64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static const char *const chan_reqs[] = {
	"pty-req", "x11-req", "env", "exec", "subsystem", "signal",
	"window-change", "auth-agent-req@openssh.com", "shell", "break",
	"eow@openssh.com", "xon-xoff", "exit-status", "unknown@fuzz",
};
#define NCHAN_REQS	(sizeof(chan_reqs) / sizeof(chan_reqs[0]))

static const char *const global_reqs[] = {
	"tcpip-forward", "cancel-tcpip-forward",
	"streamlocal-forward@openssh.com",
	"cancel-streamlocal-forward@openssh.com",
	"keepalive@openssh.com", "no-more-sessions@openssh.com",
	"hostkeys-prove-00@openssh.com", "unknown@fuzz",
};
#define NGLOBAL_REQS	(sizeof(global_reqs) / sizeof(global_reqs[0]))

#define P_TCP(b)	((b) & 3)
#define P_SL(b)		(((b) >> 2) & 3)
#define P_DISABLE	0x10
#define P_GW(b)		((((b) >> 5) & 3) % 3)
#define P_LISTS		0x80

#define S_ROOT		0x01
#define S_AGENT		0x02
#define S_X11		0x04
#define S_X11_LOCAL	0x08
#define S_ACCEPT_ENV	0x10

static struct tp *client, *server;
static struct pc_key *hostkey;

struct state {
	struct chan_conn *cc;
	struct policy_fwd_cfg cfg;
	int gateway_ports;
	uint8_t sflags;
	struct session_conf sc;
	struct sessenv env;
	int open;		/* channel 0 is open (not closed yet) */
	unsigned listeners;	/* tcpip-forward and streamlocal accepted */
};

static const char *const permit_open[] = { "127.0.0.1:80", "[::1]:*" };
static const char *const permit_listen[] = { "localhost:8080", "0" };
static char *const subsys_names[] = { "sftp", "netconf" };
static char *const subsys_commands[] = {
	"/usr/lib/openssh/sftp-server", "/usr/bin/netconf",
};

static uint32_t
be_open(void *arg, uint32_t id, char **why)
{
	struct state *s = arg;

	(void)why;
	if (chan_kind(s->cc, id) != CHAN_KIND_SESSION)
		abort();
	if (id == 0)
		s->open = 1;
	return 0;
}

/* A policy decision, as daemon/fwd.c asks for it. */
static int
decide(struct state *s, enum policy_fwd_kind kind, const char *host,
    int port, const char *path, int want_reply)
{
	static const char *const groups[] = { "users", "wheel" };
	struct policy_fwd_subject subj;
	struct policy_fwd_request req;
	struct policy_fwd_decision d;

	memset(&subj, 0, sizeof(subj));
	subj.who.user = (s->sflags & S_ROOT) ? "root" : "alice";
	subj.who.host = subj.who.addr = "192.0.2.1";
	subj.who.groups = groups;
	subj.who.ngroups = 2;
	subj.is_root = (s->sflags & S_ROOT) != 0;
	memset(&req, 0, sizeof(req));
	req.kind = kind;
	req.host = host;
	req.port = port;
	req.path = path;
	req.want_reply = want_reply;
	if (policy_forward(&s->cfg, &subj, &req, &d) != 0)
		return PC_ERR_INVALID_ARGUMENT;
	if (strlen(d.reason) >= sizeof(d.reason) ||
	    (d.allowed != 0) != (d.rule == POLICY_FWD_RULE_NONE))
		abort();
	return d.allowed ? 0 : PC_ERR_PERMISSION_DENIED;
}

static int
req_pty(struct state *s, const struct chan_req *req)
{
	struct termios tio;

	if (req->term == NULL || (req->modeslen > 0 && req->modes == NULL))
		abort();
	memset(&tio, 0, sizeof(tio));
	return sesspty_modes_decode(&tio, req->modes, req->modeslen);
}

static int
req_x11(struct state *s, const struct chan_req *req)
{
	char *out = NULL;
	int r;

	if ((r = decide(s, POLICY_FWD_X11, NULL, 0, NULL,
	    req->want_reply)) != 0)
		return r;
	if (req->x11_auth_proto == NULL || req->x11_auth_cookie == NULL)
		abort();
	r = fwdx_xauth_input((s->sflags & S_X11_LOCAL) ? "localhost:10.0" :
	    "192.0.2.2:10.0", (s->sflags & S_X11_LOCAL) != 0,
	    req->x11_auth_proto, req->x11_auth_cookie, &out);
	if ((r == 0) != (out != NULL))
		abort();
	free(out);
	return r;
}

static int
req_env(struct state *s, const struct chan_req *req)
{
	const char *v;

	if (req->name == NULL || req->value == NULL)
		abort();
	if (!sessenv_accept(s->sc.accept_env, req->name))
		return PC_ERR_PERMISSION_DENIED;
	if (sessenv_set(&s->env, req->name, req->value) != 0)
		return PC_ERR_INVALID_ARGUMENT;
	/* What was set reads back. */
	if ((v = sessenv_get(&s->env, req->name)) == NULL ||
	    strcmp(v, req->value) != 0)
		abort();
	return 0;
}

static int
req_command(struct state *s, const struct chan_req *req)
{
	const char *command, *original, *forced;

	if (strcmp(req->type, "subsystem") == 0) {
		if (req->command == NULL)
			abort();
		return sessenv_subsystem(&s->sc, req->command) != NULL ? 0 :
		    PC_ERR_NOT_FOUND;
	}
	if (strcmp(req->type, "exec") == 0 && req->command == NULL)
		abort();
	sessenv_command(&s->sc, NULL, req->command, &command, &original,
	    &forced);
	return 0;
}

static int
be_request(void *arg, uint32_t id, const struct chan_req *req)
{
	struct state *s = arg;

	if (id != 0 || !s->open || req->type == NULL ||
	    chan_kind(s->cc, id) != CHAN_KIND_SESSION)
		abort();
	if (strcmp(req->type, "pty-req") == 0)
		return req_pty(s, req);
	if (strcmp(req->type, "x11-req") == 0)
		return req_x11(s, req);
	if (strcmp(req->type, "env") == 0)
		return req_env(s, req);
	if (strcmp(req->type, "exec") == 0 ||
	    strcmp(req->type, "shell") == 0 ||
	    strcmp(req->type, "subsystem") == 0)
		return req_command(s, req);
	if (strcmp(req->type, "signal") == 0) {
		if (req->signal == NULL)
			abort();
		return 0;
	}
	if (strcmp(req->type, "auth-agent-req@openssh.com") == 0)
		return decide(s, POLICY_FWD_AGENT, NULL, 0, NULL,
		    req->want_reply);
	return 0;
}

static void
be_eof(void *arg, uint32_t id)
{
	(void)arg;
	(void)id;
}

static void
be_closed(void *arg, uint32_t id)
{
	struct state *s = arg;

	if (id == 0)
		s->open = 0;
}

/* The forwarding backend: the policy, the bind table, no sockets. */
static int
be_global(void *arg, const struct chan_global_req *req, uint32_t *port)
{
	struct state *s = arg;
	struct policy_bind b;
	int r, cancel = strncmp(req->name, "cancel-", 7) == 0;

	if (strstr(req->name, "tcpip-forward") != NULL) {
		if (req->addr == NULL || req->path != NULL ||
		    req->port > 65535)
			abort();
		if (cancel)
			return s->listeners > 0 ? (s->listeners--, 0) :
			    PC_ERR_NOT_FOUND;
		if ((r = decide(s, POLICY_FWD_LISTEN_TCP, req->addr,
		    (int)req->port, NULL, req->want_reply)) != 0 ||
		    (r = policy_fwd_bind_address(s->gateway_ports, req->addr,
		    &b)) != 0)
			return r;
		if (b.kind != POLICY_BIND_LOOPBACK &&
		    b.kind != POLICY_BIND_WILDCARD &&
		    b.kind != POLICY_BIND_ADDRESS)
			abort();
		if (req->port == 0)
			*port = 40000 + s->listeners;
	} else {
		if (req->path == NULL || req->addr != NULL)
			abort();
		if (cancel)
			return s->listeners > 0 ? (s->listeners--, 0) :
			    PC_ERR_NOT_FOUND;
		if ((r = decide(s, POLICY_FWD_LISTEN_STREAMLOCAL, NULL, 0,
		    req->path, req->want_reply)) != 0)
			return r;
	}
	s->listeners++;
	return 0;
}

static uint32_t
be_direct(void *arg, uint32_t id, const struct chan_open_req *req,
    char **why)
{
	struct state *s = arg;
	int r;

	(void)why;
	(void)id;
	if (req->kind == CHAN_KIND_DIRECT_TCPIP)
		r = decide(s, POLICY_FWD_DIRECT_TCP, req->host,
		    (int)req->port, NULL, 1);
	else
		r = decide(s, POLICY_FWD_DIRECT_STREAMLOCAL, NULL, 0,
		    req->path, 1);
	return r == 0 ? SSH2_OPEN_CONNECT_FAILED :
	    SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED;
}

static int
sign(void *arg, const struct pc_key *key, const char *sigalg,
    const uint8_t *p, size_t len, struct wbuf *sig)
{
	(void)arg;
	return key_sign(key, sigalg, p, len, sig);
}

static size_t
move(struct tp *from, struct tp *to)
{
	const uint8_t *o;
	size_t len;

	o = tp_output_ptr(from, &len);
	if (len == 0)
		return 0;
	if (len > tp_input_space(to) || tp_input(to, o, len) != 0 ||
	    tp_output_consume(from, len) != 0)
		abort();
	return len;
}

static void
drain(struct tp *t)
{
	const uint8_t *m;
	size_t len;
	int r;

	while ((r = tp_next(t, &m, &len)) == 0)
		;
	if (r != PC_ERR_AGAIN)
		abort();
}

static void
discard_output(void)
{
	size_t len;

	(void)tp_output_ptr(server, &len);
	if (len > 0 && tp_output_consume(server, len) != 0)
		abort();
}

static void
init_once(void)
{
	struct tp_params cp, sp;
	size_t moved;
	int rounds = 0;

	if (key_generate(KEY_ED25519, 0, &hostkey) != 0)
		abort();
	memset(&cp, 0, sizeof(cp));
	memset(&sp, 0, sizeof(sp));
	cp.role = TP_CLIENT;
	cp.kex_algs = sp.kex_algs = "curve25519-sha256";
	sp.role = TP_SERVER;
	sp.hostkeys = &hostkey;
	sp.nhostkeys = 1;
	sp.sign = sign;
	if (tp_new(&cp, &client) != 0 || tp_new(&sp, &server) != 0)
		abort();
	do {
		moved = move(client, server);
		drain(server);
		moved += move(server, client);
		drain(client);
	} while (moved > 0 && ++rounds < 1000);
	if (!tp_established(server) || !tp_established(client))
		abort();
}

static void
setup(struct state *s, uint8_t p, uint8_t f)
{
	static const int fwd[] = {
		POLICY_FWD_NO, POLICY_FWD_REMOTE, POLICY_FWD_LOCAL,
		POLICY_FWD_ALL,
	};

	s->cfg.allow_tcp = fwd[P_TCP(p)];
	s->cfg.allow_streamlocal = fwd[P_SL(p)];
	s->cfg.disable_forwarding = (p & P_DISABLE) != 0;
	s->cfg.allow_agent = (f & S_AGENT) != 0;
	s->cfg.x11_forwarding = (f & S_X11) != 0;
	if (p & P_LISTS) {
		s->cfg.permit_open = permit_open;
		s->cfg.npermit_open = 2;
		s->cfg.permit_listen = permit_listen;
		s->cfg.npermit_listen = 2;
	}
	s->gateway_ports = P_GW(p);
	s->sflags = f;
	sessenv_conf_init(&s->sc);
	s->sc.accept_env = (f & S_ACCEPT_ENV) ? "LANG,LC_*" : NULL;
	s->sc.subsys_names = subsys_names;
	s->sc.subsys_commands = subsys_commands;
	s->sc.nsubsys = 2;
	sessenv_init(&s->env);
}

/*
 *   byte      SSH_MSG_CHANNEL_OPEN
 *   string    "session"
 *   uint32    sender channel, initial window size, maximum packet size
 */
static void
open_session(struct state *s)
{
	struct wbuf m;
	uint32_t reason;

	wbuf_init(&m, 0);
	if (wbuf_put_u8(&m, SSH2_MSG_CHANNEL_OPEN) != 0 ||
	    wbuf_put_cstring(&m, "session") != 0 ||
	    wbuf_put_u32(&m, 0) != 0 ||
	    wbuf_put_u32(&m, 2 * 1024 * 1024) != 0 ||
	    wbuf_put_u32(&m, 32768) != 0 ||
	    chan_recv(s->cc, wbuf_ptr(&m), wbuf_len(&m), &reason) != 0 ||
	    !s->open)
		abort();
	wbuf_clear(&m);
}

/* A request message: the header from the op, the rest from the input. */
static int
request(struct state *s, int global, uint8_t which, const uint8_t *rest,
    size_t restlen)
{
	struct wbuf m;
	uint32_t reason;
	int r;

	wbuf_init(&m, 0);
	if (global) {
		if (wbuf_put_u8(&m, SSH2_MSG_GLOBAL_REQUEST) != 0 ||
		    wbuf_put_cstring(&m,
		    global_reqs[(which & 0x7f) % NGLOBAL_REQS]) != 0)
			abort();
	} else {
		if (wbuf_put_u8(&m, SSH2_MSG_CHANNEL_REQUEST) != 0 ||
		    wbuf_put_u32(&m, 0) != 0 ||
		    wbuf_put_cstring(&m,
		    chan_reqs[(which & 0x7f) % NCHAN_REQS]) != 0)
			abort();
	}
	if (wbuf_put_bool(&m, which >> 7) != 0 ||
	    wbuf_put(&m, rest, restlen) != 0)
		abort();
	r = chan_recv(s->cc, wbuf_ptr(&m), wbuf_len(&m), &reason);
	wbuf_clear(&m);
	return r;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct chan_backend b = {
		.session_open = be_open, .session_request = be_request,
		.peer_eof = be_eof, .closed = be_closed,
		.direct_open = be_direct, .global_request = be_global,
	};
	struct state *s;
	size_t off = 2, n, ops;
	uint32_t reason;
	uint8_t op, which;
	int r;

	if (server == NULL)
		init_once();
	if (len < 2)
		return 0;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		abort();
	setup(s, data[0], data[1]);
	b.arg = s;
	if (chan_conn_new(server, &b, &s->cc) != 0)
		abort();
	open_session(s);
	for (ops = 0; ops < MAX_OPS && len - off >= 3; ops++) {
		op = data[off++] % 3;
		which = 0;
		if (op != 0)
			which = data[off++];
		if (len - off < 2)
			break;
		n = get16(data + off);
		off += 2;
		if (n > len - off)
			n = len - off;
		if (op == 0)
			r = chan_recv(s->cc, data + off, n, &reason);
		else
			r = request(s, op == 2, which, data + off, n);
		off += n;
		discard_output();
		if (r != 0)
			break;
	}
	chan_conn_free(s->cc);
	discard_output();
	if (s->open)
		abort();	/* chan_conn_free closes every channel */
	sessenv_clear(&s->env);
	free(s);
	return 0;
}

/* ------------------------------------------------------------- seeds */

static void
op_req(struct wbuf *seed, int global, const char *name, int want,
    const struct wbuf *fields)
{
	const char *const *t = global ? global_reqs : chan_reqs;
	size_t i, nt = global ? NGLOBAL_REQS : NCHAN_REQS;

	for (i = 0; i < nt && strcmp(t[i], name) != 0; i++)
		;
	if (i == nt)
		abort();
	fuzzseed_u8(seed, global ? 2 : 1);
	fuzzseed_u8(seed, (uint8_t)(i | (want ? 0x80 : 0)));
	fuzzseed_u16(seed, wbuf_len(fields));
	fuzzseed_put(seed, wbuf_ptr(fields), wbuf_len(fields));
}

static void
fields(struct wbuf *f, const char *fmt, ...)
{
	/* s: string, u: uint32, b: bool, m: terminal modes */
	static const uint8_t modes[] = {
		3, 0, 0, 0, 127,	/* VERASE */
		53, 0, 0, 0, 1,		/* ECHO */
		128, 0, 0, 0x96, 0,	/* TTY_OP_ISPEED 38400 */
		129, 0, 0, 0x96, 0,	/* TTY_OP_OSPEED 38400 */
		0,			/* TTY_OP_END */
	};
	va_list ap;

	wbuf_reset(f);
	va_start(ap, fmt);
	for (; *fmt != '\0'; fmt++) {
		int r;

		switch (*fmt) {
		case 's':
			r = wbuf_put_cstring(f, va_arg(ap, const char *));
			break;
		case 'u':
			r = wbuf_put_u32(f, va_arg(ap, uint32_t));
			break;
		case 'b':
			r = wbuf_put_bool(f, va_arg(ap, int));
			break;
		default:
			r = wbuf_put_string(f, modes, sizeof(modes));
			break;
		}
		if (r != 0)
			abort();
	}
	va_end(ap);
}

static void
write_seeds(void)
{
	struct wbuf seed, f;

	wbuf_init(&seed, 0);
	wbuf_init(&f, 0);

	/* ssh -t host: pty-req, env (SendEnv LANG), shell, window-change */
	fuzzseed_u8(&seed, 0);
	fuzzseed_u8(&seed, S_ACCEPT_ENV);
	fields(&f, "suuuum", "xterm-256color", 80u, 24u, 0u, 0u);
	op_req(&seed, 0, "pty-req", 1, &f);
	fields(&f, "ss", "LANG", "C.UTF-8");
	op_req(&seed, 0, "env", 0, &f);
	fields(&f, "ss", "LD_PRELOAD", "/tmp/x.so");
	op_req(&seed, 0, "env", 0, &f);
	fields(&f, "");
	op_req(&seed, 0, "shell", 1, &f);
	fields(&f, "uuuu", 132u, 43u, 0u, 0u);
	op_req(&seed, 0, "window-change", 0, &f);
	fields(&f, "s", "INT");
	op_req(&seed, 0, "signal", 0, &f);
	fuzzseed_write("pty_shell", &seed);

	/* ssh -A -X host cmd */
	wbuf_reset(&seed);
	fuzzseed_u8(&seed, 3);
	fuzzseed_u8(&seed, S_AGENT | S_X11 | S_X11_LOCAL);
	fields(&f, "");
	op_req(&seed, 0, "auth-agent-req@openssh.com", 0, &f);
	fields(&f, "bssu", 0, "MIT-MAGIC-COOKIE-1",
	    "0123456789abcdef0123456789abcdef", 0u);
	op_req(&seed, 0, "x11-req", 0, &f);
	fields(&f, "s", "uname -a");
	op_req(&seed, 0, "exec", 1, &f);
	fuzzseed_write("agent_x11_exec", &seed);

	/* ssh -s host sftp; a break; an unknown request */
	wbuf_reset(&seed);
	fuzzseed_u8(&seed, 0);
	fuzzseed_u8(&seed, 0);
	fields(&f, "s", "sftp");
	op_req(&seed, 0, "subsystem", 1, &f);
	fields(&f, "u", 500u);
	op_req(&seed, 0, "break", 1, &f);
	fields(&f, "s", "x");
	op_req(&seed, 0, "unknown@fuzz", 1, &f);
	fuzzseed_write("subsystem", &seed);

	/* ssh -R 0:localhost:22 -R 8080:... -R /tmp/s:... with GatewayPorts
	 * clientspecified and lists, then the cancels and keepalives */
	wbuf_reset(&seed);
	fuzzseed_u8(&seed, 3 | (3 << 2) | (2 << 5));
	fuzzseed_u8(&seed, 0);
	fields(&f, "su", "localhost", 0u);
	op_req(&seed, 1, "tcpip-forward", 1, &f);
	fields(&f, "su", "0.0.0.0", 8080u);
	op_req(&seed, 1, "tcpip-forward", 1, &f);
	fields(&f, "su", "", 2222u);
	op_req(&seed, 1, "tcpip-forward", 1, &f);
	fields(&f, "s", "/tmp/fuzz.sock");
	op_req(&seed, 1, "streamlocal-forward@openssh.com", 1, &f);
	fields(&f, "su", "0.0.0.0", 8080u);
	op_req(&seed, 1, "cancel-tcpip-forward", 1, &f);
	fields(&f, "s", "/tmp/fuzz.sock");
	op_req(&seed, 1, "cancel-streamlocal-forward@openssh.com", 1, &f);
	fields(&f, "");
	op_req(&seed, 1, "keepalive@openssh.com", 1, &f);
	fields(&f, "");
	op_req(&seed, 1, "no-more-sessions@openssh.com", 0, &f);
	fields(&f, "s", "x");
	op_req(&seed, 1, "unknown@fuzz", 1, &f);
	fuzzseed_write("forwards", &seed);

	/* PermitListen and PermitOpen lists; a direct-tcpip open */
	wbuf_reset(&seed);
	fuzzseed_u8(&seed, 3 | P_LISTS);
	fuzzseed_u8(&seed, 0);
	fields(&f, "su", "localhost", 8080u);
	op_req(&seed, 1, "tcpip-forward", 1, &f);
	fields(&f, "su", "localhost", 8081u);
	op_req(&seed, 1, "tcpip-forward", 1, &f);
	fields(&f, "suuususu", "direct-tcpip", 1u, 65536u, 32768u,
	    "127.0.0.1", 80u, "192.0.2.1", 5555u);
	fuzzseed_u8(&seed, 0);
	fuzzseed_u16(&seed, wbuf_len(&f) + 1);
	fuzzseed_u8(&seed, SSH2_MSG_CHANNEL_OPEN);
	fuzzseed_put(&seed, wbuf_ptr(&f), wbuf_len(&f));
	fuzzseed_write("permit_lists", &seed);

	/* Forwarding refused by each switch: DisableForwarding, root on a
	 * privileged port, GatewayPorts yes */
	wbuf_reset(&seed);
	fuzzseed_u8(&seed, 3 | P_DISABLE | (1 << 5));
	fuzzseed_u8(&seed, S_ROOT);
	fields(&f, "su", "192.0.2.2", 80u);
	op_req(&seed, 1, "tcpip-forward", 1, &f);
	fields(&f, "");
	op_req(&seed, 0, "auth-agent-req@openssh.com", 1, &f);
	fuzzseed_write("refused", &seed);

	wbuf_clear(&f);
	wbuf_clear(&seed);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct log_settings ls = {
		.ident = "fuzz_global", .level = LOG_LEVEL_QUIET,
		.to_stderr = 1, .fd = -1,
	};

	(void)argc;
	(void)argv;
	log_init(&ls);
	if (crypto_lib_init() != 0)
		abort();
	if (fuzzseed_dir() != NULL)
		write_seeds();
	return 0;
}
