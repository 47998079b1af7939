/*
 * Unit tests for auth/userauth.c (RFC 4252, RFC 4256, OpenSSH PROTOCOL
 * for publickey-hostbound-v00@openssh.com), driven through a real
 * transport: a client/server pair (tests/common/pair.h) finishes its key
 * exchange, the client's transport sends the requests built here, the
 * server's messages go to userauth and its answers come back to the
 * client.  The system is an in-memory backend (tests/common/authmem.h)
 * that records what it was asked.  The log is captured through a pipe to
 * check OpenSSH's wording of the auth log lines.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "authmem.h"
#include "log.h"
#include "pair.h"
#include "rand.h"
#include "ssh2.h"
#include "userauth.h"
#include "wbuf.h"

#define ALL_METHODS	"publickey,password,keyboard-interactive"
#define ALGS		"ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512," \
			"ssh-ed25519-cert-v01@openssh.com"
#define HOSTBOUND	"publickey-hostbound-v00@openssh.com"
#define FROM		"from 192.0.2.1 port 4242 ssh2"
#define FORCED		"/usr/bin/true"

struct env {
	struct pair p;
	struct authmem am;
	struct userauth_params up;	/* up.s may be changed before start */
	struct userauth *ua;
	size_t handled;		/* server messages given to userauth */
	size_t seen;		/* client messages checked */
	uint32_t reason;
};

static const struct auth_peer test_peer = {
	.addr = "192.0.2.1", .port = 4242, .host = "192.0.2.1",
	.laddr = "192.0.2.2", .lport = 22,
};

/* User keys: authorized ed25519, ecdsa and rsa; an unauthorized ed25519. */
static struct pc_key *k_ed, *k_ec, *k_rsa, *k_other;
static char fp_ed[KEY_FP_MAX], fp_other[KEY_FP_MAX];
static int log_rfd = -1, log_wfd = -1;
static char logbuf[1 << 16];
static size_t loglen;

/* ------------------------------------------------------------ logging */

static void
log_drain(void)
{
	char tmp[4096];

	while (read(log_rfd, tmp, sizeof(tmp)) > 0)
		;
	logbuf[0] = '\n';	/* every line is then "\n" LINE "\n" */
	logbuf[1] = '\0';
	loglen = 1;
}

/* Is this exact line in the log since the last drain? */
static int
log_has(const char *line)
{
	char want[1100];
	ssize_t n;

	while (loglen < sizeof(logbuf) - 1 && (n = read(log_rfd,
	    logbuf + loglen, sizeof(logbuf) - 1 - loglen)) > 0)
		loglen += (size_t)n;
	logbuf[loglen] = '\0';
	snprintf(want, sizeof(want), "\n%s\n", line);
	return strstr(logbuf, want) != NULL;
}

static void
assert_logged(const char *line)
{
	if (!log_has(line))
		fail_msg("not logged: \"%s\"\nlog:%s", line, logbuf);
}

/* Does any line contain s? */
static int
log_mentions(const char *s)
{
	(void)log_has("");
	return strstr(logbuf, s) != NULL;
}

/* -------------------------------------------------------- setup */

static void
set_log_level(enum log_level level)
{
	struct log_settings ls = {
		.ident = "test_userauth", .level = level,
		.to_stderr = 0, .to_syslog = 0, .fd = log_wfd,
	};

	log_init(&ls);
}

static int
group_setup(void **state)
{
	int fds[2];
	size_t n;

	(void)state;
	if (crypto_lib_init() != 0 || pipe(fds) != 0 ||
	    fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0)
		return -1;
	log_rfd = fds[0];
	log_wfd = fds[1];
	set_log_level(LOG_LEVEL_VERBOSE);
	(void)pair_test_hostkeys(&n);
	if (key_generate(KEY_ED25519, 0, &k_ed) != 0 ||
	    key_generate(KEY_ECDSA_P256, 0, &k_ec) != 0 ||
	    key_generate(KEY_RSA, 2048, &k_rsa) != 0 ||
	    key_generate(KEY_ED25519, 0, &k_other) != 0 ||
	    key_fingerprint(k_ed, fp_ed, sizeof(fp_ed)) != 0 ||
	    key_fingerprint(k_other, fp_other, sizeof(fp_other)) != 0)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	struct log_settings ls = {
		.ident = "test_userauth", .level = LOG_LEVEL_INFO,
		.to_stderr = 1, .fd = -1,
	};

	(void)state;
	log_init(&ls);
	key_free(k_ed);
	key_free(k_ec);
	key_free(k_rsa);
	key_free(k_other);
	close(log_rfd);
	close(log_wfd);
	return 0;
}

/*
 * A finished key exchange and a system with alice and root, three
 * authorized keys (with a forced command), password "hunter2", every
 * method on, MaxAuthTries 6.  Tests change e->am and e->up.s, then start.
 */
static int
setup(void **state)
{
	struct env *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	if (pair_new(&e->p, NULL, NULL) != 0)
		return -1;
	pair_pump(&e->p);
	if (e->p.c.err != 0 || e->p.s.err != 0 ||
	    !tp_established(e->p.s.t) || !tp_established(e->p.c.t))
		return -1;
	authmem_init(&e->am);
	e->am.users[0] = "alice";
	e->am.users[1] = "root";
	e->am.keys[0] = k_ed;
	e->am.keys[1] = k_ec;
	e->am.keys[2] = k_rsa;
	e->am.password = "hunter2";
	e->am.force_command = FORCED;
	e->up.backend = &e->am.b;
	e->up.peer = &test_peer;
	e->up.s.pubkey = 1;
	e->up.s.password = 1;
	e->up.s.kbdint = 1;
	e->up.s.max_tries = 6;
	e->up.s.pubkey_algs = ALGS;
	set_log_level(LOG_LEVEL_VERBOSE);
	log_drain();
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;
	int live;

	userauth_free(e->ua);
	/* Every keyboard-interactive conversation was freed. */
	live = e->am.kbd_live;
	pair_free(&e->p);
	free(e);
	return live == 0 ? 0 : -1;
}

/* ---------------------------------------------------- the exchange */

/*
 * The client sends one message; every message the server's transport
 * delivers goes to userauth.  Returns userauth's first error, or 0.
 */
static int
exchange(struct env *e, const struct wbuf *m)
{
	int r;

	assert_int_equal(tp_send(e->p.c.t, wbuf_ptr(m), wbuf_len(m)), 0);
	pair_pump(&e->p);
	assert_int_equal(e->p.s.err, 0);
	while (e->handled < e->p.s.nmsgs) {
		const struct wbuf *in = &e->p.s.msgs[e->handled++];

		e->reason = 0;
		if ((r = userauth_recv(e->ua, wbuf_ptr(in), wbuf_len(in),
		    &e->reason)) != 0)
			return r;
	}
	pair_pump(&e->p);
	assert_int_equal(e->p.c.err, 0);
	return 0;
}

/* Send m and free it. */
static int
send_msg(struct env *e, struct wbuf *m)
{
	int r = exchange(e, m);

	wbuf_clear(m);
	return r;
}

/* The next message the client received. */
static const struct wbuf *
next_msg(struct env *e)
{
	pair_pump(&e->p);
	if (e->seen >= e->p.c.nmsgs)
		fail_msg("no message for the client (%zu seen)", e->seen);
	return &e->p.c.msgs[e->seen++];
}

static void
no_more_msgs(struct env *e)
{
	pair_pump(&e->p);
	assert_int_equal(e->p.c.nmsgs, e->seen);
}

static void
expect_msg(struct env *e, const struct wbuf *want)
{
	const struct wbuf *got = next_msg(e);

	assert_int_equal(wbuf_len(got), wbuf_len(want));
	assert_memory_equal(wbuf_ptr(got), wbuf_ptr(want), wbuf_len(want));
}

/* RFC 4252 s. 5.1: the methods that can continue, and partial success. */
static void
expect_failure(struct env *e, const char *methods, int partial)
{
	struct wbuf want;

	wbuf_init(&want, 0);
	assert_int_equal(wbuf_put_u8(&want, SSH2_MSG_USERAUTH_FAILURE), 0);
	assert_int_equal(wbuf_put_cstring(&want, methods), 0);
	assert_int_equal(wbuf_put_bool(&want, partial), 0);
	expect_msg(e, &want);
	wbuf_clear(&want);
}

static void
expect_success(struct env *e)
{
	const struct wbuf *got = next_msg(e);

	assert_int_equal(wbuf_len(got), 1);
	assert_int_equal(wbuf_ptr(got)[0], SSH2_MSG_USERAUTH_SUCCESS);
	assert_true(userauth_done(e->ua));
	assert_non_null(userauth_auth_user(e->ua));
	assert_string_equal(userauth_auth_user(e->ua)->name,
	    userauth_user(e->ua));
}

static void
service_request(struct wbuf *m, const char *name)
{
	wbuf_init(m, 0);
	assert_int_equal(wbuf_put_u8(m, SSH2_MSG_SERVICE_REQUEST), 0);
	assert_int_equal(wbuf_put_cstring(m, name), 0);
}

static void
accept_service(struct env *e)
{
	struct wbuf m, want;

	service_request(&m, "ssh-userauth");
	assert_int_equal(send_msg(e, &m), 0);
	wbuf_init(&want, 0);
	assert_int_equal(wbuf_put_u8(&want, SSH2_MSG_SERVICE_ACCEPT), 0);
	assert_int_equal(wbuf_put_cstring(&want, "ssh-userauth"), 0);
	expect_msg(e, &want);
	wbuf_clear(&want);
}

/* userauth_new with e->up, then the service request. */
static void
start(struct env *e)
{
	assert_int_equal(userauth_new(e->p.s.t, &e->up, &e->ua), 0);
	accept_service(e);
}

/* ---------------------------------------------------- requests */

/*   byte SSH_MSG_USERAUTH_REQUEST, string user, string service,
 *   string method (RFC 4252 s. 5) */
static void
req_head(struct wbuf *m, const char *user, size_t ulen, const char *service,
    const char *method)
{
	wbuf_init(m, 0);
	assert_int_equal(wbuf_put_u8(m, SSH2_MSG_USERAUTH_REQUEST), 0);
	assert_int_equal(wbuf_put_string(m, user, ulen), 0);
	assert_int_equal(wbuf_put_cstring(m, service), 0);
	assert_int_equal(wbuf_put_cstring(m, method), 0);
}

static int
send_none(struct env *e, const char *user)
{
	struct wbuf m;

	req_head(&m, user, strlen(user), "ssh-connection", "none");
	return send_msg(e, &m);
}

/*   boolean FALSE, string password (RFC 4252 s. 8) */
static void
req_password(struct wbuf *m, const char *user, const char *pw, size_t pwlen)
{
	req_head(m, user, strlen(user), "ssh-connection", "password");
	assert_int_equal(wbuf_put_bool(m, 0), 0);
	assert_int_equal(wbuf_put_string(m, pw, pwlen), 0);
}

static int
send_password(struct env *e, const char *user, const char *pw)
{
	struct wbuf m;

	req_password(&m, user, pw, strlen(pw));
	return send_msg(e, &m);
}

/*   string language tag, string submethods (RFC 4256 s. 3.1) */
static int
send_kbdint(struct env *e, const char *user)
{
	struct wbuf m;

	req_head(&m, user, strlen(user), "ssh-connection",
	    "keyboard-interactive");
	assert_int_equal(wbuf_put_cstring(&m, ""), 0);
	assert_int_equal(wbuf_put_cstring(&m, ""), 0);
	return send_msg(e, &m);
}

/*   byte SSH_MSG_USERAUTH_INFO_RESPONSE, int n, string response[n]
 *   (RFC 4256 s. 3.4) */
static int
send_info_response(struct env *e, unsigned n, const char *const *resp)
{
	struct wbuf m;
	unsigned i;

	wbuf_init(&m, 0);
	assert_int_equal(wbuf_put_u8(&m, SSH2_MSG_USERAUTH_INFO_RESPONSE), 0);
	assert_int_equal(wbuf_put_u32(&m, n), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(wbuf_put_cstring(&m, resp[i]), 0);
	return send_msg(e, &m);
}

/* A publickey request and how to spoil it. */
struct pkreq {
	const char *user;		/* NULL: alice */
	const char *method;		/* NULL: publickey */
	const struct pc_key *key;	/* signs, and its blob is sent */
	const uint8_t *blob;		/* instead of key's blob */
	size_t bloblen;
	const char *alg;		/* the algorithm field */
	const char *sigalg;		/* key_sign's; NULL: alg */
	int sign;			/* TRUE: a signed request */
	const struct pc_key *hostkey;	/* hostbound; NULL: the server's */
	int hostkey_unsigned;		/* not in the signed data */
	const uint8_t *sid;		/* NULL: the session id */
	size_t sidlen;
	int corrupt;			/* flip a bit of the signature */
};

static void
key_blob(const struct pc_key *k, struct wbuf *out)
{
	wbuf_init(out, 0);
	assert_int_equal(key_to_blob(k, out), 0);
}

/*
 *   boolean  has signature
 *   string   algorithm
 *   string   blob
 *   [string  host key (hostbound)]
 *   [string  signature over: string session id, byte 50, string user,
 *            string service, string method, boolean TRUE, string alg,
 *            string blob, [string host key]]  (RFC 4252 s. 7, PROTOCOL)
 */
static int
send_pubkey(struct env *e, const struct pkreq *q)
{
	const char *user = q->user != NULL ? q->user : "alice";
	const char *method = q->method != NULL ? q->method : "publickey";
	int hostbound = strcmp(method, HOSTBOUND) == 0;
	struct wbuf m, blob, hk, data, sig;
	const uint8_t *sid = q->sid;
	size_t sidlen = q->sidlen;

	wbuf_init(&blob, 0);
	wbuf_init(&hk, 0);
	wbuf_init(&data, 0);
	wbuf_init(&sig, 0);
	if (q->blob != NULL)
		assert_int_equal(wbuf_put(&blob, q->blob, q->bloblen), 0);
	else
		assert_int_equal(key_to_blob(q->key, &blob), 0);
	if (hostbound) {
		const struct pc_key *h = q->hostkey != NULL ? q->hostkey :
		    tp_peer_hostkey(e->p.s.t);

		assert_non_null(h);
		assert_int_equal(key_to_blob(h, &hk), 0);
	}
	req_head(&m, user, strlen(user), "ssh-connection", method);
	assert_int_equal(wbuf_put_bool(&m, q->sign), 0);
	assert_int_equal(wbuf_put_cstring(&m, q->alg), 0);
	assert_int_equal(wbuf_put_string(&m, wbuf_ptr(&blob),
	    wbuf_len(&blob)), 0);
	if (hostbound)
		assert_int_equal(wbuf_put_string(&m, wbuf_ptr(&hk),
		    wbuf_len(&hk)), 0);
	if (q->sign) {
		if (sid == NULL)
			sid = tp_session_id(e->p.s.t, &sidlen);
		assert_non_null(sid);
		assert_int_equal(wbuf_put_string(&data, sid, sidlen), 0);
		assert_int_equal(wbuf_put_u8(&data,
		    SSH2_MSG_USERAUTH_REQUEST), 0);
		assert_int_equal(wbuf_put_cstring(&data, user), 0);
		assert_int_equal(wbuf_put_cstring(&data, "ssh-connection"), 0);
		assert_int_equal(wbuf_put_cstring(&data, method), 0);
		assert_int_equal(wbuf_put_bool(&data, 1), 0);
		assert_int_equal(wbuf_put_cstring(&data, q->alg), 0);
		assert_int_equal(wbuf_put_string(&data, wbuf_ptr(&blob),
		    wbuf_len(&blob)), 0);
		if (hostbound && !q->hostkey_unsigned)
			assert_int_equal(wbuf_put_string(&data, wbuf_ptr(&hk),
			    wbuf_len(&hk)), 0);
		assert_int_equal(key_sign(q->key, q->sigalg != NULL ?
		    q->sigalg : q->alg, wbuf_ptr(&data), wbuf_len(&data),
		    &sig), 0);
		if (q->corrupt)
			wbuf_mutable_ptr(&sig)[wbuf_len(&sig) - 3] ^= 0x10;
		assert_int_equal(wbuf_put_string(&m, wbuf_ptr(&sig),
		    wbuf_len(&sig)), 0);
	}
	wbuf_clear(&blob);
	wbuf_clear(&hk);
	wbuf_clear(&data);
	wbuf_clear(&sig);
	return send_msg(e, &m);
}

/* A good signed request with key (plain publickey). */
static int
send_signed_as(struct env *e, const char *user, const struct pc_key *key,
    const char *alg)
{
	struct pkreq q;

	memset(&q, 0, sizeof(q));
	q.user = user;
	q.key = key;
	q.alg = alg;
	q.sign = 1;
	return send_pubkey(e, &q);
}

static int
send_signed(struct env *e, const struct pc_key *key, const char *alg)
{
	return send_signed_as(e, "alice", key, alg);
}

static void
expect_pk_ok(struct env *e, const char *alg, const struct pc_key *k)
{
	struct wbuf want, blob;

	/* RFC 4252 s. 7: the algorithm and blob of the request. */
	key_blob(k, &blob);
	wbuf_init(&want, 0);
	assert_int_equal(wbuf_put_u8(&want, SSH2_MSG_USERAUTH_PK_OK), 0);
	assert_int_equal(wbuf_put_cstring(&want, alg), 0);
	assert_int_equal(wbuf_put_string(&want, wbuf_ptr(&blob),
	    wbuf_len(&blob)), 0);
	expect_msg(e, &want);
	wbuf_clear(&want);
	wbuf_clear(&blob);
}

/* ===================================================== service, gate */

static void
test_service_accept(void **state)
{
	struct env *e = *state;

	start(e);
	assert_int_equal(userauth_failures(e->ua), 0);
	assert_string_equal(userauth_user(e->ua), "");
	assert_false(userauth_done(e->ua));
	assert_null(userauth_auth_user(e->ua));
	assert_null(userauth_opts(e->ua));
	no_more_msgs(e);
}

static void
test_second_service_request(void **state)
{
	struct env *e = *state;

	/* Before authentication a repeated request is answered again, as
	 * OpenSSH's sshd does (paramiko sends one per attempt). */
	start(e);
	accept_service(e);
	assert_int_equal(send_none(e, "alice"), 0);
	expect_failure(e, ALL_METHODS, 0);
	accept_service(e);
	no_more_msgs(e);
}

static void
test_other_service(void **state)
{
	static const char *const names[] = {
		"ssh-connection", "ssh-userauth2", "ssh-userautH", "",
	};
	struct env *e = *state;
	struct wbuf m;
	size_t i;

	assert_int_equal(userauth_new(e->p.s.t, &e->up, &e->ua), 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		service_request(&m, names[i]);
		assert_int_equal(send_msg(e, &m), PC_ERR_PROTOCOL);
		assert_int_equal(e->reason,
		    SSH2_DISCONNECT_SERVICE_NOT_AVAILABLE);
	}
	no_more_msgs(e);
	/* A refused name did not count as the service being accepted. */
	assert_int_equal(send_none(e, "alice"), PC_ERR_UNEXPECTED_MESSAGE);
	accept_service(e);
	assert_int_equal(send_none(e, "alice"), 0);
	expect_failure(e, ALL_METHODS, 0);
}

static void
test_request_before_accept(void **state)
{
	struct env *e = *state;

	assert_int_equal(userauth_new(e->p.s.t, &e->up, &e->ua), 0);
	assert_int_equal(send_none(e, "root"), PC_ERR_UNEXPECTED_MESSAGE);
	assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	assert_non_null(userauth_last_error(e->ua));
	assert_int_equal(e->am.n_lookup, 0);
	no_more_msgs(e);
}

static void
test_other_messages_before_auth(void **state)
{
	static const uint8_t types[] = {
		SSH2_MSG_USERAUTH_PK_OK,		/* 60 */
		SSH2_MSG_USERAUTH_INFO_RESPONSE,	/* 61, no round */
		SSH2_MSG_GLOBAL_REQUEST,		/* 80 */
		SSH2_MSG_CHANNEL_OPEN,			/* 90 */
		SSH2_MSG_USERAUTH_SUCCESS,		/* 52 */
		SSH2_MSG_USERAUTH_FAILURE,		/* 51 */
		SSH2_MSG_SERVICE_ACCEPT,		/* 6 */
		SSH2_MSG_CHANNEL_DATA, 255,
	};
	struct env *e = *state;
	uint8_t msg[16];
	uint32_t reason;
	size_t i;
	int pass;

	assert_int_equal(userauth_new(e->p.s.t, &e->up, &e->ua), 0);
	memset(msg, 0, sizeof(msg));
	/* Before and after the service is accepted. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < sizeof(types); i++) {
			msg[0] = types[i];
			reason = 0;
			assert_int_equal(userauth_recv(e->ua, msg, sizeof(msg),
			    &reason), PC_ERR_UNEXPECTED_MESSAGE);
			assert_int_equal(reason,
			    SSH2_DISCONNECT_PROTOCOL_ERROR);
			assert_non_null(userauth_last_error(e->ua));
		}
		if (pass == 0)
			accept_service(e);
	}
	/* An empty message. */
	assert_int_equal(userauth_recv(e->ua, msg, 0, &reason),
	    PC_ERR_PROTOCOL);
	/* Through the transport too. */
	{
		struct wbuf m;

		wbuf_init(&m, 0);
		assert_int_equal(wbuf_put_u8(&m, SSH2_MSG_CHANNEL_OPEN), 0);
		assert_int_equal(wbuf_put_cstring(&m, "session"), 0);
		assert_int_equal(send_msg(e, &m), PC_ERR_UNEXPECTED_MESSAGE);
	}
	no_more_msgs(e);
}

/* ============================================================ none */

static void
test_none(void **state)
{
	struct env *e = *state;

	start(e);
	/* RFC 4252 s. 5.2: the methods, in OpenSSH's order, no banner
	 * when there is none, and the first "none" is free. */
	assert_int_equal(send_none(e, "alice"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(userauth_failures(e->ua), 0);
	assert_string_equal(userauth_user(e->ua), "alice");
	assert_true(userauth_user_valid(e->ua));
	assert_null(userauth_last_error(e->ua));
	assert_int_equal(e->am.n_lookup, 1);
	assert_string_equal(e->am.lookup_user, "alice");
	/* As OpenSSH, a later "none" counts (attempt > 1). */
	assert_int_equal(send_none(e, "alice"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(userauth_failures(e->ua), 1);
	assert_logged("Failed none for alice " FROM);
	/* The user is looked up once. */
	assert_int_equal(e->am.n_lookup, 1);
	no_more_msgs(e);
}

static void
test_none_lists_enabled(void **state)
{
	static const struct {
		int pubkey, password, kbdint, kbd_backend;
		const char *want;
	} cases[] = {
		{ 1, 1, 1, 1, ALL_METHODS },
		{ 1, 0, 1, 1, "publickey,keyboard-interactive" },
		{ 0, 1, 0, 1, "password" },
		{ 0, 0, 1, 1, "keyboard-interactive" },
		{ 1, 1, 1, 0, "publickey,password" },	/* no PAM */
		{ 0, 0, 0, 1, "" },
	};
	struct env *e = *state;
	int (*kbd_start)(void *, const struct auth_user *,
	    const struct auth_peer *, struct auth_kbdint **);
	struct userauth *ua;
	size_t i;

	kbd_start = e->am.b.kbdint_start;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e->up.s.pubkey = cases[i].pubkey;
		e->up.s.password = cases[i].password;
		e->up.s.kbdint = cases[i].kbdint;
		e->am.b.kbdint_start = cases[i].kbd_backend ? kbd_start :
		    NULL;
		start(e);
		assert_int_equal(send_none(e, "alice"), 0);
		expect_failure(e, cases[i].want, 0);
		ua = e->ua;
		e->ua = NULL;
		userauth_free(ua);
	}
}

static void
test_banner(void **state)
{
	struct env *e = *state;
	struct wbuf want;

	e->up.s.banner = "Authorized use only.\r\n";
	start(e);
	/* RFC 4252 s. 5.4: before the first reply, once. */
	assert_int_equal(send_none(e, "alice"), 0);
	wbuf_init(&want, 0);
	assert_int_equal(wbuf_put_u8(&want, SSH2_MSG_USERAUTH_BANNER), 0);
	assert_int_equal(wbuf_put_cstring(&want, "Authorized use only.\r\n"),
	    0);
	assert_int_equal(wbuf_put_cstring(&want, ""), 0);
	expect_msg(e, &want);
	wbuf_clear(&want);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(send_password(e, "alice", "nope"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(send_password(e, "alice", "hunter2"), 0);
	expect_success(e);
	no_more_msgs(e);
}

/* ======================================================= publickey */

static void
test_pubkey_query(void **state)
{
	struct env *e = *state;
	struct pkreq q;
	char line[256];

	start(e);
	memset(&q, 0, sizeof(q));
	q.key = k_ed;
	q.alg = "ssh-ed25519";
	assert_int_equal(send_pubkey(e, &q), 0);
	expect_pk_ok(e, "ssh-ed25519", k_ed);
	assert_int_equal(userauth_failures(e->ua), 0);
	assert_int_equal(e->am.n_pubkey, 1);
	assert_false(userauth_done(e->ua));
	assert_logged("Postponed publickey for alice " FROM);
	/* An unauthorized key: a counted failure. */
	q.key = k_other;
	assert_int_equal(send_pubkey(e, &q), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(userauth_failures(e->ua), 1);
	snprintf(line, sizeof(line), "Failed publickey for alice " FROM
	    ": ED25519 %s", fp_other);
	assert_logged(line);
	/* An ECDSA query echoes its algorithm. */
	q.key = k_ec;
	q.alg = "ecdsa-sha2-nistp256";
	assert_int_equal(send_pubkey(e, &q), 0);
	expect_pk_ok(e, "ecdsa-sha2-nistp256", k_ec);
	no_more_msgs(e);
}

/*
 * USERAUTH_MAX_REQUESTS: publickey queries answered with PK_OK are no
 * failures, so MaxAuthTries never ends a client that repeats them; the
 * request cap does.
 */
static void
test_request_cap(void **state)
{
	struct env *e = *state;
	struct pkreq q;
	unsigned i;

	start(e);
	memset(&q, 0, sizeof(q));
	q.key = k_ed;
	q.alg = "ssh-ed25519";
	for (i = 0; i < USERAUTH_MAX_REQUESTS; i++) {
		assert_int_equal(send_pubkey(e, &q), 0);
		expect_pk_ok(e, "ssh-ed25519", k_ed);
		/* The pair keeps PAIR_MAX_MSGS each way: forget what both
		 * sides have handled. */
		if (e->seen == e->p.c.nmsgs && e->handled == e->p.s.nmsgs) {
			size_t k;

			for (k = 0; k < e->p.c.nmsgs; k++)
				wbuf_reset(&e->p.c.msgs[k]);
			for (k = 0; k < e->p.s.nmsgs; k++)
				wbuf_reset(&e->p.s.msgs[k]);
			e->p.c.nmsgs = e->p.s.nmsgs = 0;
			e->seen = e->handled = 0;
		}
	}
	assert_int_equal(userauth_failures(e->ua), 0);
	assert_int_equal(send_pubkey(e, &q), PC_ERR_AUTH_FAILED);
	assert_string_equal(userauth_last_error(e->ua),
	    "Too many authentication failures");
	assert_logged("maximum authentication attempts exceeded for alice "
	    "from 192.0.2.1 port 4242 ssh2");
}

static void
test_pubkey_signed(void **state)
{
	struct env *e = *state;
	char line[256];

	start(e);
	assert_int_equal(send_signed(e, k_ed, "ssh-ed25519"), 0);
	expect_success(e);
	assert_string_equal(userauth_methods_used(e->ua), "publickey");
	assert_non_null(userauth_opts(e->ua));
	assert_string_equal(userauth_opts(e->ua)->force_command, FORCED);
	assert_int_equal(userauth_auth_user(e->ua)->uid, 1000);
	assert_int_equal(userauth_failures(e->ua), 0);
	/* The login policy saw the method and the key's options. */
	assert_int_equal(e->am.n_method_allowed, 1);
	assert_string_equal(e->am.method, "publickey");
	assert_true(e->am.method_had_opts);
	assert_int_equal(e->am.n_account, 1);
	snprintf(line, sizeof(line), "Accepted publickey for alice " FROM
	    ": ED25519 %s", fp_ed);
	assert_logged(line);
	/* After success the gate is closed (RFC 4252 s. 5.1). */
	assert_int_equal(send_none(e, "alice"), PC_ERR_UNEXPECTED_MESSAGE);
	no_more_msgs(e);
}

static void
test_pubkey_signed_ecdsa_rsa(void **state)
{
	struct env *e = *state;

	start(e);
	assert_int_equal(send_signed(e, k_ec, "ecdsa-sha2-nistp256"), 0);
	expect_success(e);
	userauth_free(e->ua);
	e->ua = NULL;
	start(e);
	assert_int_equal(send_signed(e, k_rsa, "rsa-sha2-512"), 0);
	expect_success(e);
	no_more_msgs(e);
}

static void
test_pubkey_refused(void **state)
{
	static const uint8_t junk[] = {
		0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1',
		'9', 0, 0, 0, 3, 1, 2, 3,
	};
	static const uint8_t other_sid[32] = { 0x42, 0x42, 0x42 };
	struct env *e = *state;
	struct pkreq q;
	unsigned n = 0;
	int i;

	e->up.s.max_tries = 20;
	start(e);
	for (i = 0; i < 8; i++) {
		memset(&q, 0, sizeof(q));
		q.key = k_ed;
		q.alg = "ssh-ed25519";
		q.sign = 1;
		switch (i) {
		case 0:		/* a bad signature */
			q.corrupt = 1;
			break;
		case 1:		/* over another session id */
			q.sid = other_sid;
			q.sidlen = sizeof(other_sid);
			break;
		case 2:		/* SHA-1 RSA, not in PubkeyAccepted... */
			q.key = k_rsa;
			q.alg = "ssh-rsa";
			break;
		case 3:		/* an algorithm of another key type */
			q.alg = "ecdsa-sha2-nistp256";
			q.sigalg = "ssh-ed25519";
			break;
		case 4:		/* a certificate algorithm, plain key */
			q.alg = "ssh-ed25519-cert-v01@openssh.com";
			q.sigalg = "ssh-ed25519";
			break;
		case 5:		/* a blob that does not parse */
			q.blob = junk;
			q.bloblen = sizeof(junk);
			break;
		case 6:		/* a well signed unauthorized key */
			q.key = k_other;
			break;
		case 7:		/* signed rsa-sha2-256, named 512 */
			q.key = k_rsa;
			q.alg = "rsa-sha2-512";
			q.sigalg = "rsa-sha2-256";
			break;
		}
		assert_int_equal(send_pubkey(e, &q), 0);
		expect_failure(e, ALL_METHODS, 0);
		assert_int_equal(userauth_failures(e->ua), ++n);
		assert_false(userauth_done(e->ua));
	}
	/* The algorithm and blob checks come before the backend is asked
	 * (cases 0, 1, 6 and 7 reach it), and nothing reached the login
	 * policy. */
	assert_int_equal(e->am.n_pubkey, 4);
	assert_int_equal(e->am.n_method_allowed, 0);
	/* The same keys, done right, work. */
	assert_int_equal(send_signed(e, k_rsa, "rsa-sha2-512"), 0);
	expect_success(e);
	no_more_msgs(e);
}

static void
test_pubkey_truncated(void **state)
{
	struct env *e = *state;
	struct wbuf m, blob, sig;
	size_t cut;
	uint32_t reason;

	start(e);
	key_blob(k_ed, &blob);
	wbuf_init(&sig, 0);
	assert_int_equal(wbuf_put_cstring(&sig, "ssh-ed25519"), 0);
	assert_int_equal(wbuf_put_string(&sig, "0123456789", 10), 0);
	req_head(&m, "alice", 5, "ssh-connection", "publickey");
	assert_int_equal(wbuf_put_bool(&m, 1), 0);
	assert_int_equal(wbuf_put_cstring(&m, "ssh-ed25519"), 0);
	assert_int_equal(wbuf_put_string(&m, wbuf_ptr(&blob),
	    wbuf_len(&blob)), 0);
	assert_int_equal(wbuf_put_string(&m, wbuf_ptr(&sig),
	    wbuf_len(&sig)), 0);
	for (cut = 1; cut < wbuf_len(&m); cut++)
		assert_int_equal(userauth_recv(e->ua, wbuf_ptr(&m), cut,
		    &reason), PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(wbuf_put_u8(&m, 0), 0);
	assert_int_equal(userauth_recv(e->ua, wbuf_ptr(&m), wbuf_len(&m),
	    &reason), PC_ERR_TRAILING_DATA);
	/* None of it was an attempt, or asked the backend about a key. */
	assert_int_equal(userauth_failures(e->ua), 0);
	assert_int_equal(e->am.n_pubkey, 0);
	wbuf_clear(&m);
	wbuf_clear(&blob);
	wbuf_clear(&sig);
	no_more_msgs(e);
}

static void
test_pubkey_hostbound(void **state)
{
	struct env *e = *state;
	struct pkreq q;

	start(e);
	memset(&q, 0, sizeof(q));
	q.method = HOSTBOUND;
	q.key = k_ed;
	q.alg = "ssh-ed25519";
	/* A query. */
	assert_int_equal(send_pubkey(e, &q), 0);
	expect_pk_ok(e, "ssh-ed25519", k_ed);
	/* Signed, with this connection's host key. */
	q.sign = 1;
	assert_int_equal(send_pubkey(e, &q), 0);
	expect_success(e);
	assert_string_equal(userauth_methods_used(e->ua), "publickey");
	no_more_msgs(e);
}

static void
test_pubkey_hostbound_refused(void **state)
{
	struct env *e = *state;
	const struct pc_key *ours, *other = NULL;
	struct pc_key *const *hks;
	struct pkreq q;
	size_t n, i;

	start(e);
	ours = tp_peer_hostkey(e->p.s.t);
	assert_non_null(ours);
	hks = pair_test_hostkeys(&n);
	for (i = 0; i < n && other == NULL; i++)
		if (!key_equal_public(hks[i], ours))
			other = hks[i];
	assert_non_null(other);
	memset(&q, 0, sizeof(q));
	q.method = HOSTBOUND;
	q.key = k_ed;
	q.alg = "ssh-ed25519";
	q.sign = 1;
	/* Another of the server's host keys, signed over. */
	q.hostkey = other;
	assert_int_equal(send_pubkey(e, &q), 0);
	expect_failure(e, ALL_METHODS, 0);
	/* The right host key, but a plain publickey signature (the host
	 * key left out of the signed data). */
	q.hostkey = NULL;
	q.hostkey_unsigned = 1;
	assert_int_equal(send_pubkey(e, &q), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(userauth_failures(e->ua), 2);
	/* Done right. */
	q.hostkey_unsigned = 0;
	assert_int_equal(send_pubkey(e, &q), 0);
	expect_success(e);
	no_more_msgs(e);
}

static void
test_pubkey_key_once(void **state)
{
	struct env *e = *state;
	char line[256];

	e->up.s.auth_methods = "publickey,publickey";
	start(e);
	assert_int_equal(send_signed(e, k_ed, "ssh-ed25519"), 0);
	expect_failure(e, "publickey", 1);
	assert_int_equal(userauth_failures(e->ua), 0);
	snprintf(line, sizeof(line), "Partial publickey for alice " FROM
	    ": ED25519 %s", fp_ed);
	assert_logged(line);
	/* The same key again, query and signed: refused. */
	assert_int_equal(send_signed(e, k_ed, "ssh-ed25519"), 0);
	expect_failure(e, "publickey", 0);
	assert_int_equal(userauth_failures(e->ua), 1);
	assert_false(userauth_done(e->ua));
	/* Another key finishes it. */
	assert_int_equal(send_signed(e, k_ec, "ecdsa-sha2-nistp256"), 0);
	expect_success(e);
	assert_string_equal(userauth_methods_used(e->ua),
	    "publickey,publickey");
	no_more_msgs(e);
}

/* ======================================================== password */

static void
test_password_ok(void **state)
{
	struct env *e = *state;

	start(e);
	assert_int_equal(send_password(e, "alice", "hunter2"), 0);
	expect_success(e);
	assert_int_equal(e->am.n_password, 1);
	assert_string_equal(e->am.password_seen, "hunter2");
	assert_string_equal(userauth_methods_used(e->ua), "password");
	/* No key: no key restrictions. */
	assert_null(userauth_opts(e->ua));
	assert_string_equal(e->am.method, "password");
	assert_logged("Accepted password for alice " FROM);
	no_more_msgs(e);
}

static void
test_password_refused(void **state)
{
	struct env *e = *state;
	struct wbuf m;

	start(e);
	assert_int_equal(send_password(e, "alice", "hunter3"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(userauth_failures(e->ua), 1);
	assert_int_equal(e->am.n_password, 1);
	assert_string_equal(e->am.password_seen, "hunter3");
	assert_logged("Failed password for alice " FROM);
	/* Empty: refused without asking (PermitEmptyPasswords no). */
	assert_int_equal(send_password(e, "alice", ""), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(e->am.n_password, 1);
	assert_int_equal(userauth_failures(e->ua), 2);
	/* A NUL inside: refused without asking. */
	req_password(&m, "alice", "hunter2\0x", 9);
	assert_int_equal(send_msg(e, &m), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(e->am.n_password, 1);
	assert_int_equal(userauth_failures(e->ua), 3);
	/* A change request (RFC 4252 s. 8), even with the right old
	 * password: refused without asking. */
	req_head(&m, "alice", 5, "ssh-connection", "password");
	assert_int_equal(wbuf_put_bool(&m, 1), 0);
	assert_int_equal(wbuf_put_cstring(&m, "hunter2"), 0);
	assert_int_equal(wbuf_put_cstring(&m, "hunter4"), 0);
	assert_int_equal(send_msg(e, &m), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(e->am.n_password, 1);
	assert_int_equal(userauth_failures(e->ua), 4);
	/* Trailing data: an error, not an attempt. */
	req_password(&m, "alice", "hunter2", 7);
	assert_int_equal(wbuf_put_u8(&m, 0), 0);
	assert_int_equal(send_msg(e, &m), PC_ERR_TRAILING_DATA);
	assert_int_equal(e->am.n_password, 1);
	assert_int_equal(userauth_failures(e->ua), 4);
	no_more_msgs(e);
}

static void
test_password_empty_permitted(void **state)
{
	struct env *e = *state;

	e->up.s.permit_empty_passwords = 1;
	e->am.password = "";
	start(e);
	assert_int_equal(send_password(e, "alice", ""), 0);
	expect_success(e);
	assert_int_equal(e->am.n_password, 1);
	assert_int_equal(e->am.password_len, 0);
}

/* =========================================== keyboard-interactive */

static void
two_rounds(struct env *e)
{
	struct authmem_round *r0 = &e->am.rounds[0], *r1 = &e->am.rounds[1];

	r0->name = "PAM authentication";
	r0->instruction = "Use your token.";
	r0->nprompts = 1;
	r0->prompts[0] = "Password: ";
	r0->answers[0] = "hunter2";
	r1->name = "";
	r1->instruction = "";
	r1->nprompts = 2;
	r1->prompts[0] = "Code: ";
	r1->echo[0] = 1;
	r1->answers[0] = "123456";
	r1->prompts[1] = "PIN: ";
	r1->answers[1] = "0000";
	e->am.nrounds = 2;
}

/*
 *   byte     SSH_MSG_USERAUTH_INFO_REQUEST
 *   string   name, instruction, language tag
 *   int      num-prompts
 *   string   prompt[i], boolean echo[i]   (RFC 4256 s. 3.2)
 */
static void
expect_info_request(struct env *e, const char *name, const char *instr,
    unsigned n, const char *const *prompts, const int *echo)
{
	struct wbuf want;
	unsigned i;

	wbuf_init(&want, 0);
	assert_int_equal(wbuf_put_u8(&want, SSH2_MSG_USERAUTH_INFO_REQUEST),
	    0);
	assert_int_equal(wbuf_put_cstring(&want, name), 0);
	assert_int_equal(wbuf_put_cstring(&want, instr), 0);
	assert_int_equal(wbuf_put_cstring(&want, ""), 0);
	assert_int_equal(wbuf_put_u32(&want, n), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(wbuf_put_cstring(&want, prompts[i]), 0);
		assert_int_equal(wbuf_put_bool(&want, echo[i]), 0);
	}
	expect_msg(e, &want);
	wbuf_clear(&want);
}

static void
expect_round(struct env *e, unsigned i)
{
	const struct authmem_round *r = &e->am.rounds[i];

	expect_info_request(e, r->name, r->instruction, r->nprompts,
	    r->prompts, r->echo);
}

static void
test_kbdint_two_rounds(void **state)
{
	static const char *const a0[] = { "hunter2" };
	static const char *const a1[] = { "123456", "0000" };
	struct env *e = *state;

	two_rounds(e);
	start(e);
	assert_int_equal(send_kbdint(e, "alice"), 0);
	expect_round(e, 0);
	assert_int_equal(send_info_response(e, 1, a0), 0);
	expect_round(e, 1);
	assert_int_equal(send_info_response(e, 2, a1), 0);
	expect_success(e);
	assert_int_equal(e->am.n_kbd_start, 1);
	assert_int_equal(e->am.n_kbd_respond, 2);
	assert_int_equal(e->am.n_kbd_free, 1);
	assert_int_equal(e->am.nresp, 3);
	assert_string_equal(e->am.resp[0], "hunter2");
	assert_string_equal(e->am.resp[1], "123456");
	assert_string_equal(e->am.resp[2], "0000");
	assert_string_equal(userauth_methods_used(e->ua),
	    "keyboard-interactive");
	assert_string_equal(e->am.method, "keyboard-interactive");
	assert_logged("Accepted keyboard-interactive/pam for alice " FROM);
	no_more_msgs(e);
}

static void
test_kbdint_wrong_answer(void **state)
{
	static const char *const a0[] = { "hunter2" };
	static const char *const bad[] = { "123456", "9999" };
	struct env *e = *state;

	two_rounds(e);
	start(e);
	assert_int_equal(send_kbdint(e, "alice"), 0);
	expect_round(e, 0);
	assert_int_equal(send_info_response(e, 1, a0), 0);
	expect_round(e, 1);
	assert_int_equal(send_info_response(e, 2, bad), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(userauth_failures(e->ua), 1);
	assert_int_equal(e->am.n_kbd_free, 1);
	assert_logged("Failed keyboard-interactive/pam for alice " FROM);
	/* The conversation is over: a late response is out of place. */
	assert_int_equal(send_info_response(e, 2, bad),
	    PC_ERR_UNEXPECTED_MESSAGE);
}

static void
test_kbdint_wrong_count(void **state)
{
	static const char *const two[] = { "hunter2", "extra" };
	struct env *e = *state;

	two_rounds(e);
	start(e);
	assert_int_equal(send_kbdint(e, "alice"), 0);
	expect_round(e, 0);
	assert_int_equal(send_info_response(e, 2, two), PC_ERR_PROTOCOL);
	assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	assert_non_null(userauth_last_error(e->ua));
	assert_int_equal(e->am.n_kbd_respond, 0);
	assert_int_equal(send_info_response(e, 0, NULL), PC_ERR_PROTOCOL);
	assert_int_equal(e->am.n_kbd_respond, 0);
	/* teardown checks the conversation is freed with the userauth */
}

static void
test_kbdint_interrupted(void **state)
{
	static const char *const a0[] = { "hunter2" };
	struct env *e = *state;

	two_rounds(e);
	start(e);
	assert_int_equal(send_kbdint(e, "alice"), 0);
	expect_round(e, 0);
	assert_int_equal(e->am.kbd_live, 1);
	/* RFC 4256 s. 3.4: a new request abandons the conversation. */
	assert_int_equal(send_password(e, "alice", "wrong"), 0);
	assert_int_equal(e->am.n_kbd_free, 1);
	assert_int_equal(e->am.kbd_live, 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(send_info_response(e, 1, a0),
	    PC_ERR_UNEXPECTED_MESSAGE);
	assert_int_equal(e->am.n_kbd_respond, 0);
}

static void
test_kbdint_restart(void **state)
{
	static const char *const a0[] = { "hunter2" };
	static const char *const a1[] = { "123456", "0000" };
	struct env *e = *state;

	two_rounds(e);
	start(e);
	assert_int_equal(send_kbdint(e, "alice"), 0);
	expect_round(e, 0);
	/* A second keyboard-interactive request starts afresh. */
	assert_int_equal(send_kbdint(e, "alice"), 0);
	assert_int_equal(e->am.n_kbd_free, 1);
	assert_int_equal(e->am.n_kbd_start, 2);
	expect_round(e, 0);
	assert_int_equal(send_info_response(e, 1, a0), 0);
	expect_round(e, 1);
	assert_int_equal(send_info_response(e, 2, a1), 0);
	expect_success(e);
}

static void
test_kbdint_start_fails(void **state)
{
	struct env *e = *state;

	e->am.kbd_start_fails = 1;
	start(e);
	assert_int_equal(send_kbdint(e, "alice"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(userauth_failures(e->ua), 1);
	assert_int_equal(e->am.n_kbd_next, 0);
}

static void
test_kbdint_invalid_user(void **state)
{
	static const char *const prompt[] = { "Password: " };
	static const int echo[] = { 0 };
	static const char *const a0[] = { "hunter2" };
	struct env *e = *state;

	two_rounds(e);
	start(e);
	/* One fake round, as a real user's first PAM prompt, then FAILURE;
	 * the backend is never asked. */
	assert_int_equal(send_kbdint(e, "bob"), 0);
	expect_info_request(e, "", "", 1, prompt, echo);
	assert_int_equal(send_info_response(e, 1, a0), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(userauth_failures(e->ua), 1);
	assert_int_equal(e->am.n_kbd_start, 0);
	assert_int_equal(e->am.n_kbd_respond, 0);
	assert_logged("Failed keyboard-interactive/pam for invalid user bob "
	    FROM);
	assert_int_equal(send_info_response(e, 1, a0),
	    PC_ERR_UNEXPECTED_MESSAGE);
}

static void
test_info_response_without_round(void **state)
{
	static const char *const a0[] = { "hunter2" };
	struct env *e = *state;

	start(e);
	assert_int_equal(send_info_response(e, 1, a0),
	    PC_ERR_UNEXPECTED_MESSAGE);
	assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	assert_int_equal(e->am.n_kbd_respond, 0);
	no_more_msgs(e);
}

/* ========================================= AuthenticationMethods */

#define TWO_LISTS	"publickey,password publickey,keyboard-interactive"

static void
test_methods_then_password(void **state)
{
	struct env *e = *state;
	char line[256];

	e->up.s.auth_methods = TWO_LISTS;
	start(e);
	assert_int_equal(send_none(e, "alice"), 0);
	expect_failure(e, "publickey", 0);
	assert_int_equal(send_signed(e, k_ed, "ssh-ed25519"), 0);
	expect_failure(e, "password,keyboard-interactive", 1);
	assert_false(userauth_done(e->ua));
	snprintf(line, sizeof(line), "Partial publickey for alice " FROM
	    ": ED25519 %s", fp_ed);
	assert_logged(line);
	assert_int_equal(send_password(e, "alice", "hunter2"), 0);
	expect_success(e);
	assert_string_equal(userauth_methods_used(e->ua),
	    "publickey,password");
	/* The key's restrictions hold after the second method. */
	assert_non_null(userauth_opts(e->ua));
	assert_string_equal(userauth_opts(e->ua)->force_command, FORCED);
	assert_logged("Accepted password for alice " FROM);
	no_more_msgs(e);
}

static void
test_methods_then_kbdint(void **state)
{
	static const char *const a0[] = { "hunter2" };
	struct env *e = *state;

	e->up.s.auth_methods = TWO_LISTS;
	e->am.rounds[0].nprompts = 1;
	e->am.rounds[0].prompts[0] = "Password: ";
	e->am.rounds[0].answers[0] = "hunter2";
	e->am.nrounds = 1;
	start(e);
	assert_int_equal(send_signed(e, k_ed, "ssh-ed25519"), 0);
	expect_failure(e, "password,keyboard-interactive", 1);
	assert_int_equal(send_kbdint(e, "alice"), 0);
	expect_round(e, 0);
	assert_int_equal(send_info_response(e, 1, a0), 0);
	expect_success(e);
	assert_string_equal(userauth_methods_used(e->ua),
	    "publickey,keyboard-interactive");
}

static void
test_methods_out_of_order(void **state)
{
	struct env *e = *state;

	e->up.s.auth_methods = TWO_LISTS;
	start(e);
	/* Password is not the first step of any list: refused, counted,
	 * and the backend not asked. */
	assert_int_equal(send_password(e, "alice", "hunter2"), 0);
	expect_failure(e, "publickey", 0);
	assert_int_equal(userauth_failures(e->ua), 1);
	assert_int_equal(e->am.n_password, 0);
	assert_int_equal(send_kbdint(e, "alice"), 0);
	expect_failure(e, "publickey", 0);
	assert_int_equal(e->am.n_kbd_start, 0);
	/* A failed publickey does not advance anything. */
	assert_int_equal(send_signed(e, k_other, "ssh-ed25519"), 0);
	expect_failure(e, "publickey", 0);
	assert_int_equal(userauth_failures(e->ua), 3);
	/* publickey twice in a row is not a list either. */
	assert_int_equal(send_signed(e, k_ed, "ssh-ed25519"), 0);
	expect_failure(e, "password,keyboard-interactive", 1);
	assert_int_equal(send_signed(e, k_ec, "ecdsa-sha2-nistp256"), 0);
	expect_failure(e, "password,keyboard-interactive", 0);
	assert_false(userauth_done(e->ua));
	no_more_msgs(e);
}

static void
test_methods_malformed(void **state)
{
	static const char *const bad[] = {
		"publickey,,password", "publickey,", ",password", "pubkey",
		"publickey,Password", "publickey password,foo",
	};
	struct env *e = *state;
	struct userauth *ua;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e->up.s.auth_methods = bad[i];
		ua = (struct userauth *)&ua;
		assert_int_equal(userauth_new(e->p.s.t, &e->up, &ua),
		    PC_ERR_CONFIG);
		assert_null(ua);
	}
	/* "any" and a submethod are fine. */
	e->up.s.auth_methods = "any";
	assert_int_equal(userauth_new(e->p.s.t, &e->up, &ua), 0);
	userauth_free(ua);
	e->up.s.auth_methods = "keyboard-interactive:pam password";
	assert_int_equal(userauth_new(e->p.s.t, &e->up, &ua), 0);
	userauth_free(ua);
	/* The same for the settings of a user. */
	e->up.s.auth_methods = NULL;
	e->am.have_settings = 1;
	e->am.settings = e->up.s;
	e->am.settings.auth_methods = "publickey,,password";
	start(e);
	assert_int_equal(send_none(e, "alice"), PC_ERR_CONFIG);
	no_more_msgs(e);
}

/* ========================================== backend and policy */

static void
test_settings_for_user(void **state)
{
	struct env *e = *state;

	e->am.have_settings = 1;
	e->am.settings = e->up.s;
	e->am.settings.password = 0;
	e->am.settings.max_tries = 2;
	start(e);
	assert_int_equal(e->am.n_settings, 0);
	assert_int_equal(send_none(e, "alice"), 0);
	expect_failure(e, "publickey,keyboard-interactive", 0);
	assert_int_equal(e->am.n_settings, 1);
	assert_string_equal(e->am.settings_user, "alice");
	assert_true(e->am.settings_user_valid);
	/* Password is off for alice. */
	assert_int_equal(send_password(e, "alice", "hunter2"), 0);
	expect_failure(e, "publickey,keyboard-interactive", 0);
	assert_int_equal(e->am.n_password, 0);
	assert_int_equal(e->am.n_settings, 1);
	/* And her MaxAuthTries of 2 holds. */
	assert_int_equal(send_password(e, "alice", "hunter2"),
	    PC_ERR_AUTH_FAILED);
	assert_int_equal(userauth_failures(e->ua), 2);
}

static void
test_settings_invalid_user(void **state)
{
	struct env *e = *state;

	e->am.have_settings = 1;
	e->am.settings = e->up.s;
	e->am.settings.pubkey = 0;
	e->am.settings.banner = "Go away.";
	start(e);
	assert_int_equal(send_none(e, "mallory"), 0);
	assert_int_equal(e->am.n_settings, 1);
	assert_string_equal(e->am.settings_user, "mallory");
	assert_false(e->am.settings_user_valid);
	/* The user's banner. */
	assert_int_equal(wbuf_ptr(next_msg(e))[0], SSH2_MSG_USERAUTH_BANNER);
	expect_failure(e, "password,keyboard-interactive", 0);
}

static void
test_settings_error(void **state)
{
	struct env *e = *state;

	e->am.settings_fails = 1;
	start(e);
	assert_int_not_equal(send_none(e, "alice"), 0);
	assert_int_equal(e->am.n_settings, 1);
	no_more_msgs(e);
}

static void
test_user_not_allowed(void **state)
{
	struct env *e = *state;

	e->am.deny_user = "alice";
	start(e);
	assert_int_equal(send_password(e, "alice", "hunter2"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_false(userauth_user_valid(e->ua));
	assert_int_equal(e->am.n_password, 0);
	assert_logged("User alice from 192.0.2.1 not allowed because listed "
	    "in DenyUsers");
	assert_logged("Failed password for invalid user alice " FROM);
	/* It exists: no "Invalid user" line. */
	assert_false(log_mentions("Invalid user"));
	assert_int_equal(send_signed(e, k_ed, "ssh-ed25519"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(e->am.n_pubkey, 0);
	assert_int_equal(userauth_failures(e->ua), 2);
}

static void
test_method_not_allowed(void **state)
{
	struct env *e = *state;

	/* PermitRootLogin prohibit-password. */
	e->am.deny_method = "password";
	start(e);
	assert_int_equal(send_password(e, "root", "hunter2"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(e->am.n_password, 1);
	assert_int_equal(userauth_failures(e->ua), 1);
	assert_logged("ROOT LOGIN REFUSED FROM 192.0.2.1 port 4242");
	assert_logged("Failed password for root " FROM);
	assert_int_equal(send_signed_as(e, "root", k_ed, "ssh-ed25519"), 0);
	expect_success(e);
	assert_int_equal(userauth_auth_user(e->ua)->uid, 0);
}

static void
test_method_not_allowed_pubkey(void **state)
{
	struct env *e = *state;

	e->am.deny_method = "publickey";
	e->up.s.auth_methods = "publickey,password password";
	start(e);
	assert_int_equal(send_signed_as(e, "root", k_ed, "ssh-ed25519"), 0);
	expect_failure(e, "publickey,password", 0);
	assert_int_equal(userauth_failures(e->ua), 1);
	/* The refused key left no restrictions and is not "used". */
	assert_int_equal(send_password(e, "root", "hunter2"), 0);
	expect_success(e);
	assert_null(userauth_opts(e->ua));
	assert_string_equal(userauth_methods_used(e->ua), "password");
}

static void
test_account_refused(void **state)
{
	struct env *e = *state;

	e->am.deny_account = 1;
	start(e);
	assert_int_equal(send_password(e, "alice", "hunter2"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(send_signed(e, k_ed, "ssh-ed25519"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(e->am.n_account, 2);
	assert_int_equal(userauth_failures(e->ua), 2);
	assert_false(userauth_done(e->ua));
	assert_logged("Access denied for user alice by account settings: "
	    "Your account has expired");
}

static void
test_invalid_user(void **state)
{
	struct env *e = *state;
	struct pkreq q;
	char line[256];

	start(e);
	assert_int_equal(send_password(e, "bob", "hunter2"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_false(userauth_user_valid(e->ua));
	assert_logged("Invalid user bob " "from 192.0.2.1 port 4242");
	assert_logged("Failed password for invalid user bob " FROM);
	/* No PK_OK for an authorized key, and a good signature fails. */
	memset(&q, 0, sizeof(q));
	q.user = "bob";
	q.key = k_ed;
	q.alg = "ssh-ed25519";
	assert_int_equal(send_pubkey(e, &q), 0);
	expect_failure(e, ALL_METHODS, 0);
	q.sign = 1;
	assert_int_equal(send_pubkey(e, &q), 0);
	expect_failure(e, ALL_METHODS, 0);
	snprintf(line, sizeof(line), "Failed publickey for invalid user bob "
	    FROM ": ED25519 %s", fp_ed);
	assert_logged(line);
	assert_int_equal(userauth_failures(e->ua), 3);
	assert_int_equal(e->am.n_password, 0);
	assert_int_equal(e->am.n_pubkey, 0);
	/* As OpenSSH: no changing the user name afterwards. */
	assert_int_equal(send_password(e, "alice", "hunter2"),
	    PC_ERR_PROTOCOL);
	assert_string_equal(userauth_last_error(e->ua),
	    "Change of username or service not allowed: "
	    "(bob,ssh-connection) -> (alice,ssh-connection)");
	assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	assert_int_equal(e->am.n_lookup, 1);
	no_more_msgs(e);
}

static void
test_change_of_user(void **state)
{
	struct env *e = *state;
	struct wbuf m;

	start(e);
	assert_int_equal(send_none(e, "alice"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(send_password(e, "root", "hunter2"),
	    PC_ERR_PROTOCOL);
	assert_string_equal(userauth_last_error(e->ua),
	    "Change of username or service not allowed: "
	    "(alice,ssh-connection) -> (root,ssh-connection)");
	assert_int_equal(e->am.n_password, 0);
	/* Another service is refused as such (only ssh-connection). */
	req_head(&m, "alice", 5, "ssh-connection2", "none");
	assert_int_equal(send_msg(e, &m), PC_ERR_PROTOCOL);
	assert_int_equal(e->reason, SSH2_DISCONNECT_SERVICE_NOT_AVAILABLE);
	assert_int_equal(e->am.n_password, 0);
	no_more_msgs(e);
}

/* ===================================================== MaxAuthTries */

static void
test_max_tries(void **state)
{
	struct env *e = *state;

	e->up.s.max_tries = 3;
	start(e);
	assert_int_equal(send_none(e, "alice"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(send_password(e, "alice", "x"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(send_signed(e, k_other, "ssh-ed25519"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(userauth_failures(e->ua), 2);
	/* The third real attempt ends it, as OpenSSH's MaxAuthTries 3. */
	assert_int_equal(send_password(e, "alice", "y"), PC_ERR_AUTH_FAILED);
	assert_int_equal(userauth_failures(e->ua), 3);
	assert_string_equal(userauth_last_error(e->ua),
	    "Too many authentication failures");
	assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	assert_logged("maximum authentication attempts exceeded for alice "
	    "from 192.0.2.1 port 4242 ssh2");
	/* No FAILURE for it. */
	no_more_msgs(e);
}

static void
test_max_tries_invalid_user(void **state)
{
	struct env *e = *state;

	e->up.s.max_tries = 2;
	start(e);
	assert_int_equal(send_password(e, "bob", "x"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(send_password(e, "bob", "x"), PC_ERR_AUTH_FAILED);
	assert_logged("maximum authentication attempts exceeded for invalid "
	    "user bob " FROM);
	no_more_msgs(e);
}

static void
test_max_tries_zero(void **state)
{
	struct env *e = *state;

	/* OpenSSH: MaxAuthTries 0 ends it at the first request, and no
	 * method runs, right password or not. */
	e->up.s.max_tries = 0;
	start(e);
	assert_int_equal(send_password(e, "alice", "hunter2"),
	    PC_ERR_AUTH_FAILED);
	assert_int_equal(e->am.n_password, 0);
	assert_false(userauth_done(e->ua));
	assert_string_equal(userauth_last_error(e->ua),
	    "Too many authentication failures");
	no_more_msgs(e);
}

static void
test_failed_log_level(void **state)
{
	struct env *e = *state;
	char line[256];

	/* At INFO, as OpenSSH: a valid user's failed publickey is not
	 * logged until half of MaxAuthTries is used; passwords always. */
	e->up.s.max_tries = 4;
	set_log_level(LOG_LEVEL_INFO);
	start(e);
	snprintf(line, sizeof(line), "Failed publickey for alice " FROM
	    ": ED25519 %s", fp_other);
	assert_int_equal(send_signed(e, k_other, "ssh-ed25519"), 0);
	assert_int_equal(send_password(e, "alice", "x"), 0);
	assert_false(log_has(line));
	assert_logged("Failed password for alice " FROM);
	assert_int_equal(send_signed(e, k_other, "ssh-ed25519"), 0);
	assert_logged(line);
}

/* ============================================ names, malformed input */

static void
test_user_name_length(void **state)
{
	struct env *e = *state;
	char name[USERAUTH_MAX_USER + 2];
	struct wbuf m;

	start(e);
	memset(name, 'u', sizeof(name));
	/* One too long. */
	req_head(&m, name, USERAUTH_MAX_USER + 1, "ssh-connection", "none");
	assert_int_equal(send_msg(e, &m), PC_ERR_PROTOCOL);
	assert_int_equal(e->reason, SSH2_DISCONNECT_ILLEGAL_USER_NAME);
	assert_int_equal(e->am.n_lookup, 0);
	/* A NUL inside the name. */
	req_head(&m, "ro\0ot", 5, "ssh-connection", "none");
	assert_int_not_equal(send_msg(e, &m), 0);
	assert_int_equal(e->am.n_lookup, 0);
	/* The longest accepted. */
	req_head(&m, name, USERAUTH_MAX_USER, "ssh-connection", "none");
	assert_int_equal(send_msg(e, &m), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(strlen(userauth_user(e->ua)), USERAUTH_MAX_USER);
	assert_int_equal(e->am.n_lookup, 1);
	no_more_msgs(e);
}

static void
test_request_other_service(void **state)
{
	static const char *const names[] = {
		"ssh-foo", "ssh-userauth", "ssh-connectio", "ssh-connection2",
		"",
	};
	struct env *e = *state;
	struct wbuf m;
	size_t i;

	start(e);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		req_head(&m, "carol", 5, names[i], "password");
		assert_int_equal(wbuf_put_bool(&m, 0), 0);
		assert_int_equal(wbuf_put_cstring(&m, "hunter2"), 0);
		assert_int_equal(send_msg(e, &m), PC_ERR_PROTOCOL);
		assert_int_equal(e->reason,
		    SSH2_DISCONNECT_SERVICE_NOT_AVAILABLE);
	}
	/* Refused before being counted, or looked up. */
	assert_int_equal(userauth_failures(e->ua), 0);
	assert_int_equal(e->am.n_lookup, 0);
	no_more_msgs(e);
}

static void
test_unknown_method(void **state)
{
	struct env *e = *state;
	struct wbuf m;

	start(e);
	req_head(&m, "alice", 5, "ssh-connection", "hostbased");
	assert_int_equal(wbuf_put_cstring(&m, "whatever"), 0);
	assert_int_equal(send_msg(e, &m), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(userauth_failures(e->ua), 1);
	no_more_msgs(e);
}

static void
test_truncated(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	size_t cut;
	uint32_t reason;
	int r;

	assert_int_equal(userauth_new(e->p.s.t, &e->up, &e->ua), 0);
	/* A SERVICE_REQUEST cut short, or with a byte after it. */
	service_request(&m, "ssh-userauth");
	for (cut = 0; cut < wbuf_len(&m); cut++) {
		r = userauth_recv(e->ua, wbuf_ptr(&m), cut, &reason);
		assert_int_equal(r, cut == 0 ? PC_ERR_PROTOCOL :
		    PC_ERR_MSG_INCOMPLETE);
	}
	assert_int_equal(wbuf_put_u8(&m, 0), 0);
	assert_int_equal(userauth_recv(e->ua, wbuf_ptr(&m), wbuf_len(&m),
	    &reason), PC_ERR_TRAILING_DATA);
	wbuf_clear(&m);
	no_more_msgs(e);
	accept_service(e);
	/* A USERAUTH_REQUEST cut anywhere in its three strings. */
	req_head(&m, "dave", 4, "ssh-connection", "none");
	for (cut = 1; cut < wbuf_len(&m); cut++) {
		r = userauth_recv(e->ua, wbuf_ptr(&m), cut, &reason);
		assert_int_equal(r, PC_ERR_MSG_INCOMPLETE);
	}
	/* A length field far past the end. */
	pc_put_u32(wbuf_mutable_ptr(&m) + 1, 0x00ffffff);
	assert_int_not_equal(userauth_recv(e->ua, wbuf_ptr(&m), wbuf_len(&m),
	    &reason), 0);
	wbuf_clear(&m);
	/* "none" with trailing data. */
	req_head(&m, "dave", 4, "ssh-connection", "none");
	assert_int_equal(wbuf_put_u8(&m, 0), 0);
	assert_int_equal(send_msg(e, &m), PC_ERR_TRAILING_DATA);
	/* A password request cut in its body. */
	req_password(&m, "dave", "pw", 2);
	assert_int_equal(userauth_recv(e->ua, wbuf_ptr(&m), wbuf_len(&m) - 1,
	    &reason), PC_ERR_MSG_INCOMPLETE);
	wbuf_clear(&m);
	/* A keyboard-interactive request without its submethods. */
	req_head(&m, "dave", 4, "ssh-connection", "keyboard-interactive");
	assert_int_equal(wbuf_put_cstring(&m, ""), 0);
	assert_int_equal(send_msg(e, &m), PC_ERR_MSG_INCOMPLETE);
	/* None of that counted, and a whole request still works. */
	assert_int_equal(userauth_failures(e->ua), 0);
	assert_int_equal(e->am.n_password, 0);
	assert_int_equal(e->am.n_kbd_start, 0);
	assert_int_equal(send_none(e, "dave"), 0);
	expect_failure(e, ALL_METHODS, 0);
	no_more_msgs(e);
}

static void
test_info_response_malformed(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	uint32_t reason;
	size_t cut;

	two_rounds(e);
	start(e);
	assert_int_equal(send_kbdint(e, "alice"), 0);
	expect_round(e, 0);
	wbuf_init(&m, 0);
	assert_int_equal(wbuf_put_u8(&m, SSH2_MSG_USERAUTH_INFO_RESPONSE), 0);
	assert_int_equal(wbuf_put_u32(&m, 1), 0);
	assert_int_equal(wbuf_put_cstring(&m, "hunter2"), 0);
	for (cut = 1; cut < wbuf_len(&m); cut++)
		assert_int_equal(userauth_recv(e->ua, wbuf_ptr(&m), cut,
		    &reason), PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(wbuf_put_u8(&m, 0), 0);
	assert_int_equal(userauth_recv(e->ua, wbuf_ptr(&m), wbuf_len(&m),
	    &reason), PC_ERR_TRAILING_DATA);
	wbuf_clear(&m);
	assert_int_equal(e->am.n_kbd_respond, 0);
}

/* ========================================== pure methods rule */

static char hook_seen_alg[64];
static size_t hook_calls;
static int hook_result;

static int
verify_hook(void *arg, const struct pc_key *key, const char *sigalg,
    const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen)
{
	(void)arg;
	hook_calls++;
	snprintf(hook_seen_alg, sizeof(hook_seen_alg), "%s", sigalg);
	/* The data the signature covers starts with the session id. */
	if (len < 4 || sig == NULL || siglen == 0)
		return PC_ERR_INTERNAL;
	if (hook_result != 0)
		return hook_result;
	return key_verify(key, sigalg, data, len, sig, siglen);
}

/* With pubkey_verify set, the core asks it instead of verifying. */
static void
test_pubkey_verify_hook(void **state)
{
	struct env *e = *state;

	e->am.b.pubkey_verify = verify_hook;
	hook_calls = 0;
	hook_result = PC_ERR_SIGNATURE_INVALID;
	start(e);
	/* A good signature the hook refuses: a failure. */
	assert_int_equal(send_signed(e, k_ed, "ssh-ed25519"), 0);
	expect_failure(e, ALL_METHODS, 0);
	assert_int_equal(hook_calls, 1);
	assert_string_equal(hook_seen_alg, "ssh-ed25519");
	assert_int_equal(userauth_failures(e->ua), 1);
	/* Accepted by the hook: a success. */
	hook_result = 0;
	assert_int_equal(send_signed(e, k_ec, "ecdsa-sha2-nistp256"), 0);
	expect_success(e);
	assert_int_equal(hook_calls, 2);
	assert_string_equal(hook_seen_alg, "ecdsa-sha2-nistp256");
}

static void
test_methods_complete(void **state)
{
	static const char *const pk[] = { "publickey" };
	static const char *const pw[] = { "password" };
	static const char *const pk_pw[] = { "publickey", "password" };
	static const char *const pw_pk[] = { "password", "publickey" };
	static const char *const pk_pk[] = { "publickey", "publickey" };
	static const char *const kbd[] = { "keyboard-interactive:pam" };
	static const char *const pk_kbd[] = { "publickey",
	    "keyboard-interactive:pam" };
	static const char *const bad[] = { ":pam" };
	static const struct {
		const char *spec;
		const char *const *done;
		size_t n;
		int r, complete;
	} cases[] = {
		{ NULL, pk, 1, 0, 1 },
		{ "any", pw, 1, 0, 1 },
		{ "", NULL, 0, 0, 0 },
		{ NULL, NULL, 0, 0, 0 },
		{ "publickey", pk, 1, 0, 1 },
		{ "publickey", pw, 1, 0, 0 },
		{ "publickey,password", pk, 1, 0, 0 },
		{ "publickey,password", pk_pw, 2, 0, 1 },
		/* Out of order: the password was not the next step. */
		{ "publickey,password", pw_pk, 2, 0, 0 },
		{ "publickey,publickey", pk_pk, 2, 0, 1 },
		{ "publickey,password password", pw, 1, 0, 1 },
		{ "publickey,keyboard-interactive:pam", pk_kbd, 2, 0, 1 },
		{ "publickey,keyboard-interactive:bsdauth", pk_kbd, 2, 0, 0 },
		{ "keyboard-interactive", kbd, 1, 0, 1 },
		{ "publickey,,password", pk_pw, 2, PC_ERR_CONFIG, 0 },
		{ "publickey,frobnicate", pk, 1, PC_ERR_CONFIG, 0 },
		{ "publickey", bad, 1, PC_ERR_INVALID_ARGUMENT, 0 },
	};
	size_t i;
	int complete;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		complete = -1;
		assert_int_equal(userauth_methods_complete(cases[i].spec,
		    cases[i].done, cases[i].n, &complete), cases[i].r);
		if (complete != cases[i].complete)
			fail_msg("case %zu: complete %d", i, complete);
	}
	assert_int_equal(userauth_methods_complete(NULL, pk,
	    USERAUTH_MAX_DONE + 1, &complete), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(complete, 0);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_service_accept),
		T(test_second_service_request),
		T(test_other_service),
		T(test_request_before_accept),
		T(test_other_messages_before_auth),
		T(test_none),
		T(test_none_lists_enabled),
		T(test_banner),
		T(test_pubkey_query),
		T(test_request_cap),
		T(test_pubkey_signed),
		T(test_pubkey_signed_ecdsa_rsa),
		T(test_pubkey_refused),
		T(test_pubkey_truncated),
		T(test_pubkey_hostbound),
		T(test_pubkey_hostbound_refused),
		T(test_pubkey_key_once),
		T(test_password_ok),
		T(test_password_refused),
		T(test_password_empty_permitted),
		T(test_kbdint_two_rounds),
		T(test_kbdint_wrong_answer),
		T(test_kbdint_wrong_count),
		T(test_kbdint_interrupted),
		T(test_kbdint_restart),
		T(test_kbdint_start_fails),
		T(test_kbdint_invalid_user),
		T(test_info_response_without_round),
		T(test_info_response_malformed),
		T(test_methods_then_password),
		T(test_methods_then_kbdint),
		T(test_methods_out_of_order),
		T(test_methods_malformed),
		T(test_settings_for_user),
		T(test_settings_invalid_user),
		T(test_settings_error),
		T(test_user_not_allowed),
		T(test_method_not_allowed),
		T(test_method_not_allowed_pubkey),
		T(test_account_refused),
		T(test_invalid_user),
		T(test_change_of_user),
		T(test_max_tries),
		T(test_max_tries_invalid_user),
		T(test_max_tries_zero),
		T(test_failed_log_level),
		T(test_user_name_length),
		T(test_request_other_service),
		T(test_unknown_method),
		T(test_truncated),
		T(test_pubkey_verify_hook),
		T(test_methods_complete),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
