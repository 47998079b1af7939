/*
 * Unit tests for the monitor's request table and handlers
 * (daemon/monitor.c, monauth.c, monpost.c), in process: the test plays
 * the child, writing crafted requests to one end of a socketpair; the
 * monitor serves the other end (mon_serve_one) with an in-memory backend
 * (tests/common/authmem.h).  Refusals are checked by their return value
 * and their log line; the hand-over is checked with a real transport
 * state from a client/server pair (tests/common/pair.h).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

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
#include "logcap.h"
#include "monitor.h"
#include "monmsg.h"
#include "pair.h"
#include "rand.h"
#include "ssh2.h"

#define ALGS	"ssh-ed25519,ecdsa-sha2-nistp256"
#define HOSTBOUND "publickey-hostbound-v00@openssh.com"

struct env {
	struct authmem am;
	struct mon m;
	struct mon_params mp;
	struct tp_params tpp;
	struct pair p;
	int have_pair;
	int cfd, mfd;		/* the child's end, the monitor's */
	struct wbuf rq, ans;
};

static const struct auth_peer test_peer = {
	.addr = "192.0.2.1", .port = 4242, .host = "192.0.2.1",
	.laddr = "192.0.2.2", .lport = 22,
};

static struct pc_key *k_ed, *k_other;
static const uint8_t fake_sid[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

/* ------------------------------------------------------------ helpers */

static int
group_setup(void **state)
{
	size_t n;

	(void)state;
	if (crypto_lib_init() != 0)
		return -1;
	(void)pair_test_hostkeys(&n);
	if (key_generate(KEY_ED25519, 0, &k_ed) != 0 ||
	    key_generate(KEY_ED25519, 0, &k_other) != 0)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	key_free(k_ed);
	key_free(k_other);
	return 0;
}

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	int sp[2];
	size_t n;

	if (e == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0)
		return -1;
	log_capture();
	e->cfd = sp[0];
	e->mfd = sp[1];
	authmem_init(&e->am);
	e->am.users[0] = "alice";
	e->am.users[1] = "root";
	e->am.keys[0] = k_ed;
	e->am.password = "hunter2";
	e->am.rounds[0].nprompts = 1;
	e->am.rounds[0].prompts[0] = "Password: ";
	e->am.rounds[0].answers[0] = "hunter2";
	e->am.nrounds = 1;
	memset(&e->tpp, 0, sizeof(e->tpp));
	e->tpp.role = TP_SERVER;
	e->tpp.hostkeys = pair_test_hostkeys(&n);
	e->tpp.nhostkeys = n;
	e->tpp.sign = pair_sign;
	memset(&e->mp, 0, sizeof(e->mp));
	e->mp.backend = &e->am.b;
	e->mp.hostkeys = e->tpp.hostkeys;
	e->mp.nhostkeys = n;
	e->mp.peer = &test_peer;
	e->mp.tpp = &e->tpp;
	e->mp.initial.pubkey = 1;
	e->mp.initial.password = 1;
	e->mp.initial.kbdint = 1;
	e->mp.initial.max_tries = 6;
	e->mp.initial.pubkey_algs = ALGS;
	if (mon_init(&e->m, &e->mp) != 0)
		return -1;
	wbuf_init(&e->rq, 0);
	wbuf_init(&e->ans, 0);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	mon_clear(&e->m);
	if (e->have_pair)
		pair_free(&e->p);
	close(e->cfd);
	close(e->mfd);
	wbuf_clear(&e->rq);
	wbuf_clear(&e->ans);
	free(e);
	return 0;
}

/*
 * Send e->rq as a type request (then reset it), let the monitor serve
 * it, and read the answer into e->ans with its status in *st.  Returns
 * what mon_serve_one returned.
 */
static int
call(struct env *e, uint8_t type, int *st)
{
	uint8_t atype;
	uint32_t s;
	int r;

	assert_int_equal(monmsg_send(e->cfd, type, &e->rq), 0);
	wbuf_reset(&e->rq);
	r = mon_serve_one(&e->m, e->mfd, 1000);
	if (r != 0)
		return r;
	assert_int_equal(monmsg_recv(e->cfd, MONMSG_MAX, 1000, &atype,
	    &e->ans), 0);
	assert_int_equal(atype, type | MONMSG_ANSWER);
	assert_int_equal(wbuf_get_u32(&e->ans, &s), 0);
	*st = (int)s;
	return 0;
}

/* A request that must be refused, with its log line. */
static void
refused(struct env *e, uint8_t type, const char *why)
{
	char line[256];
	int st;

	log_capture();
	assert_int_equal(call(e, type, &st), PC_ERR_PERMISSION_DENIED);
	snprintf(line, sizeof(line), "monitor: refused request %s (%u) from "
	    "the %s process: %s", mon_req_name(type), type,
	    e->m.phase == MON_PREAUTH ? "network" : "post-auth", why);
	assert_log_has(line);
}

static void
put_str(struct env *e, const char *s)
{
	assert_int_equal(wbuf_put_cstring(&e->rq, s), 0);
}

static void
sign_session(struct env *e, const uint8_t *sid, size_t len)
{
	int st;

	assert_int_equal(wbuf_put_u32(&e->rq, 0), 0);
	put_str(e, "ssh-ed25519");
	assert_int_equal(wbuf_put_string(&e->rq, sid, len), 0);
	assert_int_equal(call(e, MON_REQ_SIGN, &st), 0);
	assert_int_equal(st, 0);
}

/* USER, SETTINGS, USER_ALLOWED for alice. */
static void
settle_user(struct env *e, const char *name)
{
	int st, found;

	put_str(e, name);
	assert_int_equal(call(e, MON_REQ_USER, &st), 0);
	assert_int_equal(st, 0);
	assert_int_equal(wbuf_get_bool(&e->ans, &found), 0);
	assert_true(found);
	assert_int_equal(call(e, MON_REQ_SETTINGS, &st), 0);
	assert_int_equal(st, 0);
	assert_int_equal(call(e, MON_REQ_USER_ALLOWED, &st), 0);
	assert_int_equal(st, 0);
}

static void
put_key(struct env *e, const struct pc_key *k)
{
	struct wbuf b;

	wbuf_init(&b, 0);
	assert_int_equal(key_to_blob(k, &b), 0);
	assert_int_equal(wbuf_put_stringb(&e->rq, &b), 0);
	wbuf_clear(&b);
}

static int
pubkey_allowed(struct env *e, const struct pc_key *k)
{
	int st;

	put_key(e, k);
	assert_int_equal(call(e, MON_REQ_PUBKEY_ALLOWED, &st), 0);
	return st;
}

/* What a publickey signature covers (RFC 4252 s. 7). */
struct signed_fields {
	const uint8_t *sid;
	size_t sidlen;
	uint8_t type;
	const char *user, *service, *method, *alg;
	int flag;
	const struct pc_key *key;
	const struct pc_key *hostkey;	/* hostbound */
	int trailing;
};

static void
build_signed(struct wbuf *d, const struct signed_fields *f)
{
	struct wbuf b;

	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_string(d, f->sid, f->sidlen), 0);
	assert_int_equal(wbuf_put_u8(d, f->type), 0);
	assert_int_equal(wbuf_put_cstring(d, f->user), 0);
	assert_int_equal(wbuf_put_cstring(d, f->service), 0);
	assert_int_equal(wbuf_put_cstring(d, f->method), 0);
	assert_int_equal(wbuf_put_bool(d, f->flag), 0);
	assert_int_equal(wbuf_put_cstring(d, f->alg), 0);
	assert_int_equal(key_to_blob(f->key, &b), 0);
	assert_int_equal(wbuf_put_stringb(d, &b), 0);
	if (f->hostkey != NULL) {
		wbuf_reset(&b);
		assert_int_equal(key_to_blob(f->hostkey, &b), 0);
		assert_int_equal(wbuf_put_stringb(d, &b), 0);
	}
	if (f->trailing)
		assert_int_equal(wbuf_put_u8(d, 0), 0);
	wbuf_clear(&b);
}

static void
good_fields(struct signed_fields *f, const uint8_t *sid, size_t sidlen)
{
	memset(f, 0, sizeof(*f));
	f->sid = sid;
	f->sidlen = sidlen;
	f->type = SSH2_MSG_USERAUTH_REQUEST;
	f->user = "alice";
	f->service = "ssh-connection";
	f->method = "publickey";
	f->alg = "ssh-ed25519";
	f->flag = 1;
	f->key = k_ed;
}

/* KEY_VERIFY over the fields, signed by signer; the status, or the
 * serve error (a refusal). */
static int
send_verify(struct env *e, const struct signed_fields *f,
    const struct pc_key *blobkey, const struct pc_key *signer, int *st)
{
	struct wbuf d, sig;
	int r;

	wbuf_init(&d, 0);
	wbuf_init(&sig, 0);
	build_signed(&d, f);
	assert_int_equal(key_sign(signer, NULL, wbuf_ptr(&d), wbuf_len(&d),
	    &sig), 0);
	put_key(e, blobkey);
	put_str(e, "ssh-ed25519");
	assert_int_equal(wbuf_put_stringb(&e->rq, &d), 0);
	assert_int_equal(wbuf_put_stringb(&e->rq, &sig), 0);
	r = call(e, MON_REQ_KEY_VERIFY, st);
	wbuf_clear(&d);
	wbuf_clear(&sig);
	return r;
}

static int
password(struct env *e, const char *pw)
{
	int st;

	put_str(e, pw);
	assert_int_equal(call(e, MON_REQ_PASSWORD, &st), 0);
	return st;
}

/* AUTH_DONE with the given state and held messages. */
static int
auth_done(struct env *e, const char *user, const struct wbuf *state,
    int *st)
{
	put_str(e, user);
	put_str(e, e->m.methods);
	put_str(e, "");
	assert_int_equal(wbuf_put_string(&e->rq, state != NULL ?
	    wbuf_ptr(state) : (const uint8_t *)"", state != NULL ?
	    wbuf_len(state) : 0), 0);
	assert_int_equal(wbuf_put_u32(&e->rq, 1), 0);
	assert_int_equal(wbuf_put_string(&e->rq, "\x5a\x00", 2), 0);
	return call(e, MON_REQ_AUTH_DONE, st);
}

/* A real server transport after a key exchange, its session id signed
 * by the monitor first, as the network process's kex would. */
static void
real_session(struct env *e)
{
	const uint8_t *sid;
	size_t len;

	assert_int_equal(pair_new(&e->p, NULL, NULL), 0);
	e->have_pair = 1;
	pair_pump(&e->p);
	assert_true(tp_established(e->p.s.t));
	sid = tp_session_id(e->p.s.t, &len);
	sign_session(e, sid, len);
}

/* ============================================================= table */

static void
test_unknown_requests(void **state)
{
	struct env *e = *state;

	refused(e, 0, "not a request");
	refused(e, MON_REQ_MAX, "not a request");
	refused(e, 0x7f, "not a request");
	/* An answer's type is no request either. */
	refused(e, MON_REQ_USER | MONMSG_ANSWER, "not a request");
	assert_string_equal(mon_req_name(MON_REQ_KEY_VERIFY), "key-verify");
	assert_string_equal(mon_req_name(200), "unknown");
}

static void
test_phases(void **state)
{
	struct env *e = *state;

	/* Post-auth requests before authentication. */
	refused(e, MON_REQ_PTY, "only after authentication");
	refused(e, MON_REQ_LOGIN_MSG, "only after authentication");
	put_str(e, "/dev/pts/0");
	refused(e, MON_REQ_LOGIN, "only after authentication");
	refused(e, MON_REQ_LOGOUT, "only after authentication");
	/* Pre-auth requests after it. */
	e->m.phase = MON_POSTAUTH;
	put_str(e, "alice");
	refused(e, MON_REQ_USER, "only before authentication");
	put_str(e, "hunter2");
	refused(e, MON_REQ_PASSWORD, "only before authentication");
	refused(e, MON_REQ_AUTH_DONE, "only before authentication");
	/* Signatures are for rekeys too. */
	sign_session(e, fake_sid, sizeof(fake_sid));
	/* ... but post-auth signatures never set the session id. */
	assert_int_equal(e->m.session_id_len, 0);
}

static void
test_once_only(void **state)
{
	struct env *e = *state;

	settle_user(e, "alice");
	put_str(e, "alice");
	refused(e, MON_REQ_USER, "repeated");
	refused(e, MON_REQ_SETTINGS, "repeated");
	refused(e, MON_REQ_USER_ALLOWED, "repeated");
}

static void
test_order(void **state)
{
	struct env *e = *state;
	int st, found;

	refused(e, MON_REQ_SETTINGS, "before the user is named");
	refused(e, MON_REQ_USER_ALLOWED, "no valid user with settings");
	put_key(e, k_ed);
	refused(e, MON_REQ_PUBKEY_ALLOWED, "the user is not settled");
	put_str(e, "hunter2");
	refused(e, MON_REQ_PASSWORD, "the user is not settled");
	refused(e, MON_REQ_KBDINT_START, "the user is not settled");
	refused(e, MON_REQ_ACCOUNT, "the user is not settled");
	refused(e, MON_REQ_KBDINT_NEXT, "no conversation");
	/* The refused ones were not once-only: the real order works. */
	settle_user(e, "alice");
	refused(e, MON_REQ_ACCOUNT, "account check before any method");
	/* An invalid user: nothing may be asked about it. */
	mon_clear(&e->m);
	assert_int_equal(mon_init(&e->m, &e->mp), 0);
	put_str(e, "mallory");
	assert_int_equal(call(e, MON_REQ_USER, &st), 0);
	assert_int_equal(wbuf_get_bool(&e->ans, &found), 0);
	assert_false(found);
	assert_int_equal(call(e, MON_REQ_SETTINGS, &st), 0);
	refused(e, MON_REQ_USER_ALLOWED, "no valid user with settings");
	put_str(e, "hunter2");
	refused(e, MON_REQ_PASSWORD, "the user is not settled");
	assert_int_equal(e->am.n_password, 0);
}

static void
test_denied_user(void **state)
{
	struct env *e = *state;
	int st;

	e->am.deny_user = "alice";
	put_str(e, "alice");
	assert_int_equal(call(e, MON_REQ_USER, &st), 0);
	assert_int_equal(call(e, MON_REQ_SETTINGS, &st), 0);
	assert_int_equal(call(e, MON_REQ_USER_ALLOWED, &st), 0);
	assert_int_equal(st, PC_ERR_AUTH_FAILED);
	/* The child is told to treat alice as invalid; the monitor does. */
	put_str(e, "hunter2");
	refused(e, MON_REQ_PASSWORD, "the user may not log in");
	put_key(e, k_ed);
	refused(e, MON_REQ_PUBKEY_ALLOWED, "the user may not log in");
	assert_int_equal(e->am.n_password + e->am.n_pubkey, 0);
}

static void
test_malformed(void **state)
{
	struct env *e = *state;
	uint8_t hdr[5];

	/* Trailing data, truncated fields, NUL in a name. */
	put_str(e, "alice");
	assert_int_equal(wbuf_put_u8(&e->rq, 0), 0);
	refused(e, MON_REQ_USER,
	    "malformed: unexpected data after end of message");
	/* A refused once-only request was not answered: the parser is
	 * reached again. */
	assert_int_equal(wbuf_put_u32(&e->rq, 5), 0);
	assert_int_equal(wbuf_put(&e->rq, "al", 2), 0);
	log_capture();
	{
		int st;

		assert_int_equal(call(e, MON_REQ_USER, &st),
		    PC_ERR_PERMISSION_DENIED);
	}
	assert_log_has("monitor: refused request user (2) from the network "
	    "process: malformed: message incomplete");
	/* A name longer than any user name. */
	{
		char big[USERAUTH_MAX_USER + 2];
		int st;

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		put_str(e, big);
		assert_int_equal(call(e, MON_REQ_USER, &st),
		    PC_ERR_PERMISSION_DENIED);
	}
	/* A frame longer than any request. */
	log_capture();
	pc_put_u32(hdr, MONMSG_MAX_STATE + 1);
	hdr[4] = MON_REQ_USER;
	assert_int_equal(write(e->cfd, hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
	assert_int_equal(mon_serve_one(&e->m, e->mfd, 1000), PC_ERR_RANGE);
	assert_log_has("monitor: refused request from the network process");
	/* An empty frame. */
	pc_put_u32(hdr, 0);
	assert_int_equal(write(e->cfd, hdr, 5), 5);
	assert_int_equal(mon_serve_one(&e->m, e->mfd, 1000), PC_ERR_RANGE);
}

/* A frame cut short: the monitor gives up after its timeout. */
static void
test_truncated_frame(void **state)
{
	struct env *e = *state;
	uint8_t hdr[7];

	pc_put_u32(hdr, 10);
	hdr[4] = MON_REQ_USER;
	hdr[5] = 0;
	hdr[6] = 0;
	assert_int_equal(write(e->cfd, hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
	assert_int_equal(mon_serve_one(&e->m, e->mfd, 200), PC_ERR_TIMEOUT);
	/* And one whose writer went away. */
	assert_int_equal(write(e->cfd, hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
	shutdown(e->cfd, SHUT_WR);
	assert_int_equal(mon_serve_one(&e->m, e->mfd, 1000),
	    PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(mon_serve_one(&e->m, e->mfd, 1000),
	    PC_ERR_CONN_CLOSED);
}

static void
test_oversized_request(void **state)
{
	struct env *e = *state;
	uint8_t *p;
	pid_t pid;
	int st;

	assert_int_equal(wbuf_reserve(&e->rq, MONMSG_MAX + 1, &p), 0);
	memset(p, 'a', MONMSG_MAX + 1);
	/* Written from a second process: the socket holds less. */
	if ((pid = fork()) == 0) {
		_exit(monmsg_send(e->cfd, MON_REQ_SETTINGS, &e->rq) == 0 ? 0 :
		    1);
	}
	assert_true(pid > 0);
	wbuf_reset(&e->rq);
	log_capture();
	assert_int_equal(mon_serve_one(&e->m, e->mfd, 5000),
	    PC_ERR_PERMISSION_DENIED);
	assert_log_has("monitor: refused request settings (3) from the "
	    "network process: oversized");
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ============================================================== sign */

static void
test_sign(void **state)
{
	struct env *e = *state;
	static const uint8_t h48[48] = { 0x48 }, h20[20] = { 0x20 };
	const uint8_t *sig;
	size_t siglen;
	int st;

	sign_session(e, fake_sid, sizeof(fake_sid));
	assert_int_equal(wbuf_get_string_direct(&e->ans, &sig, &siglen), 0);
	assert_true(siglen > 0);
	assert_int_equal(key_verify(e->tpp.hostkeys[0], "ssh-ed25519",
	    fake_sid, sizeof(fake_sid), sig, siglen), 0);
	assert_int_equal(e->m.session_id_len, 32);
	/* A rekey's hash is signed, the session id stays. */
	assert_int_equal(wbuf_put_u32(&e->rq, 1), 0);
	put_str(e, "ecdsa-sha2-nistp256");
	assert_int_equal(wbuf_put_string(&e->rq, h48, sizeof(h48)), 0);
	assert_int_equal(call(e, MON_REQ_SIGN, &st), 0);
	assert_int_equal(st, 0);
	assert_int_equal(e->m.session_id_len, 32);
	assert_memory_equal(e->m.session_id, fake_sid, 32);
	assert_int_equal(e->m.hostkey_idx, 1);
	/* No exchange hash: refused. */
	assert_int_equal(wbuf_put_u32(&e->rq, 0), 0);
	put_str(e, "ssh-ed25519");
	assert_int_equal(wbuf_put_string(&e->rq, h20, sizeof(h20)), 0);
	refused(e, MON_REQ_SIGN, "20 bytes are no exchange hash");
	/* A key the monitor does not have. */
	assert_int_equal(wbuf_put_u32(&e->rq, 3), 0);
	put_str(e, "ssh-ed25519");
	assert_int_equal(wbuf_put_string(&e->rq, h48, 32), 0);
	refused(e, MON_REQ_SIGN, "no host key 3");
	/* An algorithm the key cannot sign with: an error answer. */
	assert_int_equal(wbuf_put_u32(&e->rq, 0), 0);
	put_str(e, "rsa-sha2-512");
	assert_int_equal(wbuf_put_string(&e->rq, h48, 32), 0);
	assert_int_equal(call(e, MON_REQ_SIGN, &st), 0);
	assert_int_not_equal(st, 0);
}

static void
test_sign_cap(void **state)
{
	struct env *e = *state;
	unsigned i;

	for (i = 0; i < MON_MAX_PREAUTH_SIGNS; i++)
		sign_session(e, fake_sid, sizeof(fake_sid));
	assert_int_equal(wbuf_put_u32(&e->rq, 0), 0);
	put_str(e, "ssh-ed25519");
	assert_int_equal(wbuf_put_string(&e->rq, fake_sid, 32), 0);
	refused(e, MON_REQ_SIGN, "too many key exchanges");
}

/* ========================================================= publickey */

static void
test_key_verify(void **state)
{
	struct env *e = *state;
	struct signed_fields f;
	int st;

	sign_session(e, fake_sid, sizeof(fake_sid));
	settle_user(e, "alice");
	assert_int_equal(pubkey_allowed(e, k_other), PC_ERR_NOT_FOUND);
	assert_int_equal(e->m.failures, 1);
	assert_int_equal(pubkey_allowed(e, k_ed), 0);
	good_fields(&f, fake_sid, sizeof(fake_sid));
	/* A bad signature: an answer, and a failure counted. */
	assert_int_equal(send_verify(e, &f, k_ed, k_other, &st), 0);
	assert_int_equal(st, PC_ERR_SIGNATURE_INVALID);
	assert_int_equal(e->m.failures, 2);
	assert_int_equal(e->m.ndone, 0);
	/* The real one. */
	assert_int_equal(send_verify(e, &f, k_ed, k_ed, &st), 0);
	assert_int_equal(st, 0);
	assert_int_equal(e->m.ndone, 1);
	assert_string_equal(e->m.done[0], "publickey");
	assert_string_equal(e->m.methods, "publickey");
	assert_string_equal(e->m.opts_where, "authmem:1");
	assert_non_null(e->m.key_desc);
	assert_non_null(strstr(e->m.key_desc, "ED25519 SHA256:"));
	/* The same key again is no second step. */
	assert_int_equal(send_verify(e, &f, k_ed, k_ed, &st),
	    PC_ERR_PERMISSION_DENIED);
}

/* Every way the signed data can lie is refused before any
 * verification. */
static void
test_key_verify_forgeries(void **state)
{
	struct env *e = *state;
	static const uint8_t other_sid[32] = { 9, 9, 9 };
	size_t n;
	struct pc_key *const *hk = pair_test_hostkeys(&n);
	struct signed_fields f;
	int st;

	sign_session(e, fake_sid, sizeof(fake_sid));
	settle_user(e, "alice");
	assert_int_equal(pubkey_allowed(e, k_ed), 0);
#define FORGE(field, value, why) do {					\
		good_fields(&f, fake_sid, sizeof(fake_sid));		\
		f.field = value;					\
		log_capture();						\
		assert_int_equal(send_verify(e, &f, k_ed, k_ed, &st),	\
		    PC_ERR_PERMISSION_DENIED);				\
		assert_log_has(why);					\
	} while (0)
	FORGE(sid, other_sid, "signed data: not this session");
	FORGE(sidlen, 20, "signed data: not this session");
	FORGE(type, SSH2_MSG_USERAUTH_INFO_RESPONSE,
	    "signed data: not a userauth request");
	FORGE(user, "root", "signed data: another user");
	FORGE(service, "ssh-userauth", "signed data: another service");
	FORGE(method, "password", "signed data: not publickey");
	FORGE(flag, 0, "signed data: no signature flag");
	FORGE(trailing, 1, "signed data: trailing data");
	FORGE(alg, "ssh-rsa", "algorithm ssh-rsa not acceptable");
	FORGE(alg, "ssh-ed25519-cert-v01@openssh.com",
	    "not acceptable");
	/* A key pubkey_allowed did not accept (signature made by it). */
	FORGE(key, k_other, "signed data names another key");
	good_fields(&f, fake_sid, sizeof(fake_sid));
	f.key = k_other;
	assert_int_equal(send_verify(e, &f, k_other, k_other, &st),
	    PC_ERR_PERMISSION_DENIED);
	assert_log_has("key not accepted for alice");
	/* Host-bound: our host key only. */
	good_fields(&f, fake_sid, sizeof(fake_sid));
	f.method = HOSTBOUND;
	f.hostkey = hk[1];
	log_capture();
	assert_int_equal(send_verify(e, &f, k_ed, k_ed, &st),
	    PC_ERR_PERMISSION_DENIED);
	assert_log_has("signed data: not our host key");
	assert_int_equal(e->m.ndone, 0);
	f.hostkey = hk[0];
	assert_int_equal(send_verify(e, &f, k_ed, k_ed, &st), 0);
	assert_int_equal(st, 0);
	assert_int_equal(e->m.ndone, 1);
#undef FORGE
}

static void
test_key_verify_before_session(void **state)
{
	struct env *e = *state;
	struct signed_fields f;
	int st;

	settle_user(e, "alice");
	assert_int_equal(pubkey_allowed(e, k_ed), 0);
	good_fields(&f, fake_sid, sizeof(fake_sid));
	log_capture();
	assert_int_equal(send_verify(e, &f, k_ed, k_ed, &st),
	    PC_ERR_PERMISSION_DENIED);
	assert_log_has("no session yet");
}

/* PermitRootLogin (the backend's method_allowed) is asked on the
 * monitor's own record: a refused method is not recorded. */
static void
test_policy_on_record(void **state)
{
	struct env *e = *state;
	struct signed_fields f;
	int st;

	e->am.deny_method = "publickey";
	sign_session(e, fake_sid, sizeof(fake_sid));
	settle_user(e, "alice");
	assert_int_equal(pubkey_allowed(e, k_ed), 0);
	good_fields(&f, fake_sid, sizeof(fake_sid));
	assert_int_equal(send_verify(e, &f, k_ed, k_ed, &st), 0);
	assert_int_equal(st, 0);	/* the signature is good ... */
	assert_int_equal(e->m.ndone, 0);	/* ... but it does not count */
	e->am.deny_method = "password";
	assert_int_equal(password(e, "hunter2"), 0);
	assert_int_equal(e->m.ndone, 0);
}

/* ========================================================== password */

static void
test_password(void **state)
{
	struct env *e = *state;

	settle_user(e, "alice");
	assert_int_equal(password(e, "nope"), PC_ERR_AUTH_FAILED);
	assert_int_equal(e->m.failures, 1);
	assert_int_equal(password(e, "hunter2"), 0);
	assert_int_equal(e->m.ndone, 1);
	assert_string_equal(e->m.done[0], "password");
	/* Empty passwords only with PermitEmptyPasswords. */
	put_str(e, "");
	refused(e, MON_REQ_PASSWORD, "empty password");
	assert_int_equal(wbuf_put_string(&e->rq, "a\0b", 3), 0);
	refused(e, MON_REQ_PASSWORD, "malformed password");
}

static void
test_max_tries(void **state)
{
	struct env *e = *state;

	e->mp.initial.max_tries = 2;
	mon_clear(&e->m);
	assert_int_equal(mon_init(&e->m, &e->mp), 0);
	settle_user(e, "alice");
	assert_int_equal(password(e, "a"), PC_ERR_AUTH_FAILED);
	assert_int_equal(password(e, "b"), PC_ERR_AUTH_FAILED);
	/* The core disconnects at MaxAuthTries: a third is a lie. */
	put_str(e, "hunter2");
	refused(e, MON_REQ_PASSWORD, "attempt after 2 failures");
	put_key(e, k_ed);
	refused(e, MON_REQ_PUBKEY_ALLOWED, "attempt after 2 failures");
	assert_int_equal(e->am.n_password, 2);
}

/* ============================================== keyboard-interactive */

static void
test_kbdint(void **state)
{
	struct env *e = *state;
	struct auth_kbdint_query q;
	int st;

	refused(e, MON_REQ_KBDINT_FREE, "no conversation");
	settle_user(e, "alice");
	assert_int_equal(wbuf_put_u32(&e->rq, 0), 0);
	refused(e, MON_REQ_KBDINT_RESPOND, "no conversation");
	assert_int_equal(call(e, MON_REQ_KBDINT_START, &st), 0);
	assert_int_equal(st, 0);
	refused(e, MON_REQ_KBDINT_START, "a conversation is running");
	assert_int_equal(call(e, MON_REQ_KBDINT_NEXT, &st), 0);
	assert_int_equal(st, 0);
	assert_int_equal(monmsg_get_query(&e->ans, &q), 0);
	assert_int_equal(q.nprompts, 1);
	assert_string_equal(q.prompts[0], "Password: ");
	auth_kbdint_query_clear(&q);
	/* Too many responses for the wire. */
	assert_int_equal(wbuf_put_u32(&e->rq, MONMSG_MAX_PROMPTS + 1), 0);
	refused(e, MON_REQ_KBDINT_RESPOND, "malformed responses");
	assert_int_equal(wbuf_put_u32(&e->rq, 1), 0);
	put_str(e, "hunter2");
	assert_int_equal(call(e, MON_REQ_KBDINT_RESPOND, &st), 0);
	assert_int_equal(st, 0);
	assert_int_equal(call(e, MON_REQ_KBDINT_NEXT, &st), 0);
	assert_int_equal(st, PC_OK_AUTHENTICATED);
	assert_int_equal(e->m.ndone, 1);
	assert_string_equal(e->m.done[0], "keyboard-interactive:pam");
	assert_string_equal(e->m.methods, "keyboard-interactive");
	assert_int_equal(call(e, MON_REQ_KBDINT_FREE, &st), 0);
	assert_int_equal(e->am.kbd_live, 0);
}

/* ========================================================= hand-over */

static void
test_auth_done(void **state)
{
	struct env *e = *state;
	struct signed_fields f;
	struct wbuf st8;
	const uint8_t *sid;
	size_t sidlen;
	int st;

	real_session(e);
	sid = tp_session_id(e->p.s.t, &sidlen);
	settle_user(e, "alice");
	wbuf_init(&st8, 0);
	assert_int_equal(tp_export(e->p.s.t, &st8), 0);
	/* Nothing succeeded yet.  (The daemon ends the connection at the
	 * first refusal; this test goes on to check each reason.) */
	log_capture();
	assert_int_equal(auth_done(e, "alice", &st8, &st),
	    PC_ERR_PERMISSION_DENIED);
	assert_log_has("no method succeeded");
	assert_int_equal(pubkey_allowed(e, k_ed), 0);
	good_fields(&f, sid, sidlen);
	assert_int_equal(send_verify(e, &f, k_ed, k_ed, &st), 0);
	assert_int_equal(st, 0);
	/* No account check yet. */
	log_capture();
	assert_int_equal(auth_done(e, "alice", &st8, &st),
	    PC_ERR_PERMISSION_DENIED);
	assert_log_has("the account check did not pass");
	e->am.deny_account = 1;
	assert_int_equal(call(e, MON_REQ_ACCOUNT, &st), 0);
	assert_int_equal(st, PC_ERR_AUTH_FAILED);
	log_capture();
	assert_int_equal(auth_done(e, "alice", &st8, &st),
	    PC_ERR_PERMISSION_DENIED);
	assert_log_has("the account check did not pass");
	e->am.deny_account = 0;
	assert_int_equal(call(e, MON_REQ_ACCOUNT, &st), 0);
	assert_int_equal(st, 0);
	/* Another user name than the one looked up. */
	log_capture();
	assert_int_equal(auth_done(e, "root", &st8, &st),
	    PC_ERR_PERMISSION_DENIED);
	assert_log_has("authenticated as root, not alice");
	/* A damaged state. */
	wbuf_mutable_ptr(&st8)[10] ^= 1;
	log_capture();
	assert_int_equal(auth_done(e, "alice", &st8, &st),
	    PC_ERR_PERMISSION_DENIED);
	assert_log_has("transport state:");
	wbuf_mutable_ptr(&st8)[10] ^= 1;
	/* Accepted. */
	assert_int_equal(auth_done(e, "alice", &st8, &st), 0);
	assert_int_equal(st, 0);
	assert_true(e->m.authenticated);
	assert_int_equal(e->m.nheld, 1);
	assert_int_equal(wbuf_len(&e->m.state), wbuf_len(&st8));
	/* Nothing more before authentication, not even a repeat. */
	refused(e, MON_REQ_AUTH_DONE, "after the hand-over");
	put_str(e, "hunter2");
	refused(e, MON_REQ_PASSWORD, "after the hand-over");
	wbuf_clear(&st8);
}

/* The state of another connection (another session id) is refused. */
static void
test_auth_done_other_session(void **state)
{
	struct env *e = *state;
	struct wbuf st8;
	int st;

	real_session(e);
	settle_user(e, "alice");
	assert_int_equal(password(e, "hunter2"), 0);
	assert_int_equal(call(e, MON_REQ_ACCOUNT, &st), 0);
	/* A second pair: its own session id. */
	{
		struct pair p2;

		assert_int_equal(pair_new(&p2, NULL, NULL), 0);
		pair_pump(&p2);
		wbuf_init(&st8, 0);
		assert_int_equal(tp_export(p2.s.t, &st8), 0);
		pair_free(&p2);
	}
	log_capture();
	assert_int_equal(auth_done(e, "alice", &st8, &st),
	    PC_ERR_PERMISSION_DENIED);
	assert_log_has("transport state of another session");
	assert_false(e->m.authenticated);
	wbuf_clear(&st8);
}

/* AuthenticationMethods decided on the monitor's record, with
 * userauth's rule. */
static void
test_auth_done_methods(void **state)
{
	struct env *e = *state;
	struct signed_fields f;
	struct wbuf st8;
	const uint8_t *sid;
	size_t sidlen;
	int st;

	e->am.have_settings = 1;
	e->am.settings = e->mp.initial;
	e->am.settings.auth_methods = "publickey,password";
	real_session(e);
	sid = tp_session_id(e->p.s.t, &sidlen);
	settle_user(e, "alice");
	wbuf_init(&st8, 0);
	assert_int_equal(tp_export(e->p.s.t, &st8), 0);
	/* The password first does not advance the list. */
	assert_int_equal(password(e, "hunter2"), 0);
	assert_int_equal(call(e, MON_REQ_ACCOUNT, &st), 0);
	log_capture();
	assert_int_equal(auth_done(e, "alice", &st8, &st),
	    PC_ERR_PERMISSION_DENIED);
	assert_log_has("methods password do not satisfy "
	    "AuthenticationMethods");
	/* publickey, then password: complete. */
	assert_int_equal(pubkey_allowed(e, k_ed), 0);
	good_fields(&f, sid, sidlen);
	assert_int_equal(send_verify(e, &f, k_ed, k_ed, &st), 0);
	log_capture();
	assert_int_equal(auth_done(e, "alice", &st8, &st),
	    PC_ERR_PERMISSION_DENIED);
	assert_int_equal(password(e, "hunter2"), 0);
	assert_int_equal(auth_done(e, "alice", &st8, &st), 0);
	assert_int_equal(st, 0);
	assert_string_equal(e->m.methods, "password,publickey,password");
	wbuf_clear(&st8);
}

/* ========================================================= post-auth */

static void
test_postauth(void **state)
{
	struct env *e = *state;
	int st;

	settle_user(e, "alice");
	e->m.phase = MON_POSTAUTH;
	assert_int_equal(call(e, MON_REQ_LOGIN_MSG, &st), 0);
	assert_int_equal(st, 0);
	/* Records only for a tty the monitor handed out. */
	assert_int_equal(wbuf_put_u32(&e->rq, 4242), 0);
	put_str(e, "/dev/pts/0");
	refused(e, MON_REQ_LOGIN, "login record for /dev/pts/0");
	assert_int_equal(wbuf_put_u32(&e->rq, 4242), 0);
	put_str(e, "/dev/tty1");
	refused(e, MON_REQ_LOGOUT, "logout record for /dev/tty1");
	assert_int_equal(wbuf_put_u32(&e->rq, 0x80000000u), 0);
	put_str(e, "/dev/pts/0");
	refused(e, MON_REQ_LOGIN, "bad pid");
}

static void
test_postauth_pty(void **state)
{
	struct env *e = *state;
	struct stat stt;
	char *name = NULL;
	int st, fds[2];

	settle_user(e, "alice");
	e->m.phase = MON_POSTAUTH;
	assert_int_equal(call(e, MON_REQ_PTY, &st), 0);
	if (geteuid() != 0) {
		/* Only root gives a pty away; the answer says so. */
		assert_int_not_equal(st, 0);
		skip();
	}
	assert_int_equal(st, 0);
	assert_int_equal(monmsg_get_text(&e->ans, 64, &name), 0);
	assert_int_equal(monmsg_recv_fds(e->cfd, fds, 2), 0);
	assert_int_equal(fstat(fds[1], &stt), 0);
	assert_true(S_ISCHR(stt.st_mode));
	assert_int_equal(stt.st_uid, 1000);	/* alice */
	assert_int_equal(stt.st_mode & 0777, 0620);
	/* A login record needs a real pid; pid 1 is init. */
	assert_int_equal(wbuf_put_u32(&e->rq, 1), 0);
	put_str(e, name);
	refused(e, MON_REQ_LOGIN, "login record for");
	/* Done with it, never logged in: back to root. */
	assert_int_equal(wbuf_put_u32(&e->rq, 0), 0);
	put_str(e, name);
	assert_int_equal(call(e, MON_REQ_LOGOUT, &st), 0);
	assert_int_equal(st, 0);
	assert_int_equal(fstat(fds[1], &stt), 0);
	assert_int_equal(stt.st_uid, 0);
	/* Once only. */
	assert_int_equal(wbuf_put_u32(&e->rq, 0), 0);
	put_str(e, name);
	refused(e, MON_REQ_LOGOUT, "logout record for");
	close(fds[0]);
	close(fds[1]);
	free(name);
}

/* ====================================================== wire format */

static void
test_wire_opts_roundtrip(void **state)
{
	struct auth_opts *o, *back = NULL;
	struct wbuf b;
	size_t cut;

	(void)state;
	assert_non_null(o = authopts_new());
	o->permit_pty = 0;
	o->valid_before = 12345;
	o->force_command = strdup("/bin/true");
	o->force_tun_device = AUTHOPTS_TUN_ANY;
	o->nenv = 1;
	o->env = calloc(1, sizeof(char *));
	o->env[0] = strdup("A=b");
	o->npermitopen = 1;
	o->permitopen = calloc(1, sizeof(char *));
	o->permitopen[0] = strdup("host:22");
	o->required_from_host_keys = strdup("10.0.0.0/8");
	wbuf_init(&b, 0);
	assert_int_equal(monmsg_put_opts(&b, o), 0);
	for (cut = 0; cut < wbuf_len(&b); cut++) {
		struct wbuf t;

		wbuf_init_const(&t, wbuf_ptr(&b), cut);
		assert_int_not_equal(monmsg_get_opts(&t, &back), 0);
		assert_null(back);
	}
	assert_int_equal(monmsg_get_opts(&b, &back), 0);
	assert_int_equal(wbuf_len(&b), 0);
	assert_int_equal(back->permit_pty, 0);
	assert_int_equal(back->valid_before, 12345);
	assert_string_equal(back->force_command, "/bin/true");
	assert_int_equal(back->force_tun_device, AUTHOPTS_TUN_ANY);
	assert_string_equal(back->env[0], "A=b");
	assert_string_equal(back->permitopen[0], "host:22");
	assert_null(back->cert_principals);
	assert_string_equal(back->required_from_host_keys, "10.0.0.0/8");
	authopts_free(back);
	/* A flag that is not 0 or 1. */
	wbuf_reset(&b);
	assert_int_equal(monmsg_put_opts(&b, o), 0);
	wbuf_mutable_ptr(&b)[3] = 2;
	assert_int_equal(monmsg_get_opts(&b, &back),
	    PC_ERR_INVALID_FORMAT);
	wbuf_clear(&b);
	authopts_free(o);
}

static void
test_wire_user_query(void **state)
{
	struct auth_user u, *back = NULL;
	struct auth_kbdint_query q, qb;
	char *groups[2] = { (char *)"alice", (char *)"wheel" };
	char *prompts[2] = { (char *)"One: ", (char *)"Two: " };
	int echo[2] = { 1, 0 };
	struct wbuf b;
	size_t cut;

	(void)state;
	memset(&u, 0, sizeof(u));
	u.name = (char *)"alice";
	u.uid = 1000;
	u.gid = 100;
	u.home = (char *)"/home/alice";
	u.shell = (char *)"/bin/sh";
	u.groups = groups;
	u.ngroups = 2;
	wbuf_init(&b, 0);
	assert_int_equal(monmsg_put_user(&b, &u), 0);
	for (cut = 0; cut < wbuf_len(&b); cut++) {
		struct wbuf t;

		wbuf_init_const(&t, wbuf_ptr(&b), cut);
		assert_int_not_equal(monmsg_get_user(&t, &back), 0);
	}
	assert_int_equal(monmsg_get_user(&b, &back), 0);
	assert_string_equal(back->name, "alice");
	assert_int_equal(back->uid, 1000);
	assert_int_equal(back->ngroups, 2);
	assert_string_equal(back->groups[1], "wheel");
	auth_user_free(back);
	memset(&q, 0, sizeof(q));
	q.name = (char *)"n";
	q.instruction = (char *)"i";
	q.nprompts = 2;
	q.prompts = prompts;
	q.echo = echo;
	wbuf_reset(&b);
	assert_int_equal(monmsg_put_query(&b, &q), 0);
	for (cut = 0; cut < wbuf_len(&b); cut++) {
		struct wbuf t;

		wbuf_init_const(&t, wbuf_ptr(&b), cut);
		assert_int_not_equal(monmsg_get_query(&t, &qb), 0);
		assert_null(qb.prompts);
	}
	assert_int_equal(monmsg_get_query(&b, &qb), 0);
	assert_int_equal(qb.nprompts, 2);
	assert_string_equal(qb.prompts[1], "Two: ");
	assert_int_equal(qb.echo[0], 1);
	assert_int_equal(qb.echo[1], 0);
	auth_kbdint_query_clear(&qb);
	/* More prompts than the wire allows. */
	wbuf_reset(&b);
	assert_int_equal(wbuf_put_cstring(&b, ""), 0);
	assert_int_equal(wbuf_put_cstring(&b, ""), 0);
	assert_int_equal(wbuf_put_u32(&b, MONMSG_MAX_PROMPTS + 1), 0);
	assert_int_equal(monmsg_get_query(&b, &qb), PC_ERR_RANGE);
	wbuf_clear(&b);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_unknown_requests),
		T(test_phases),
		T(test_once_only),
		T(test_order),
		T(test_denied_user),
		T(test_malformed),
		T(test_truncated_frame),
		T(test_oversized_request),
		T(test_sign),
		T(test_sign_cap),
		T(test_key_verify),
		T(test_key_verify_forgeries),
		T(test_key_verify_before_session),
		T(test_policy_on_record),
		T(test_password),
		T(test_max_tries),
		T(test_kbdint),
		T(test_auth_done),
		T(test_auth_done_other_session),
		T(test_auth_done_methods),
		T(test_postauth),
		T(test_postauth_pty),
		T(test_wire_opts_roundtrip),
		T(test_wire_user_query),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
