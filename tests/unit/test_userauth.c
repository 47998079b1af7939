/*
 * Unit tests for auth/userauth.c (RFC 4252) driven through a real
 * transport: a client/server pair (tests/common/pair.h) finishes its key
 * exchange, then the client's messages reach the server's userauth and
 * its answers come back to the client.  Covers the service request, the
 * message gate before authentication, "none", MaxAuthTries, user name
 * and service checks, and malformed requests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pair.h"
#include "rand.h"
#include "ssh2.h"
#include "userauth.h"
#include "wbuf.h"

#define METHODS	"publickey,password"

struct env {
	struct pair p;
	struct userauth *ua;
	size_t handled;		/* server messages given to userauth */
	uint32_t reason;
};

static int
group_setup(void **state)
{
	size_t n;

	(void)state;
	if (crypto_lib_init() != 0)
		return -1;
	(void)pair_test_hostkeys(&n);
	return 0;
}

/* A system with no users: every name is invalid. */
static int
no_user(void *arg, const char *name, struct auth_user **up)
{
	(void)arg;
	(void)name;
	*up = NULL;
	return 0;
}

static int
no_key(void *arg, const struct auth_user *u, const struct auth_peer *peer,
    const struct pc_key *key, struct auth_opts **opts, char **where)
{
	(void)arg;
	(void)u;
	(void)peer;
	(void)key;
	*opts = NULL;
	*where = NULL;
	return PC_ERR_NOT_FOUND;
}

static const struct auth_backend nobody_backend = {
	.user_lookup = no_user,
	.pubkey_allowed = no_key,
};

static const struct auth_peer test_peer = {
	.addr = "192.0.2.1", .port = 4242, .host = "192.0.2.1",
	.laddr = "192.0.2.2", .lport = 22,
};

static int
setup(void **state)
{
	struct userauth_params up;
	struct env *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	if (pair_new(&e->p, NULL, NULL) != 0)
		return -1;
	pair_pump(&e->p);
	if (e->p.c.err != 0 || e->p.s.err != 0 ||
	    !tp_established(e->p.s.t) || !tp_established(e->p.c.t))
		return -1;
	memset(&up, 0, sizeof(up));
	up.backend = &nobody_backend;
	up.peer = &test_peer;
	up.pubkey = 1;
	up.password = 1;
	up.pubkey_algs = "ssh-ed25519";
	up.max_tries = 3;
	if (userauth_new(e->p.s.t, &up, &e->ua) != 0)
		return -1;
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	userauth_free(e->ua);
	pair_free(&e->p);
	free(e);
	return 0;
}

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

static void
service_request(struct wbuf *m, const char *name)
{
	wbuf_init(m, 0);
	assert_int_equal(wbuf_put_u8(m, SSH2_MSG_SERVICE_REQUEST), 0);
	assert_int_equal(wbuf_put_cstring(m, name), 0);
}

/*   byte SSH_MSG_USERAUTH_REQUEST, string user, string service,
 *   string method, then for "password": boolean FALSE, string password */
static void
userauth_request(struct wbuf *m, const char *user, size_t ulen,
    const char *service, const char *method)
{
	wbuf_init(m, 0);
	assert_int_equal(wbuf_put_u8(m, SSH2_MSG_USERAUTH_REQUEST), 0);
	assert_int_equal(wbuf_put_string(m, user, ulen), 0);
	assert_int_equal(wbuf_put_cstring(m, service), 0);
	assert_int_equal(wbuf_put_cstring(m, method), 0);
	if (strcmp(method, "password") == 0) {
		assert_int_equal(wbuf_put_bool(m, 0), 0);
		assert_int_equal(wbuf_put_cstring(m, "hunter2"), 0);
	}
}

/* The client's n-th received message is exactly this. */
static void
expect_client_msg(struct env *e, size_t idx, const struct wbuf *want)
{
	assert_true(e->p.c.nmsgs > idx);
	assert_int_equal(wbuf_len(&e->p.c.msgs[idx]), wbuf_len(want));
	assert_memory_equal(wbuf_ptr(&e->p.c.msgs[idx]), wbuf_ptr(want),
	    wbuf_len(want));
}

static void
expect_failure(struct env *e, size_t idx)
{
	struct wbuf want;

	/* RFC 4252 s. 5.1: the methods that can continue, and partial
	 * success FALSE. */
	wbuf_init(&want, 0);
	assert_int_equal(wbuf_put_u8(&want, SSH2_MSG_USERAUTH_FAILURE), 0);
	assert_int_equal(wbuf_put_cstring(&want, METHODS), 0);
	assert_int_equal(wbuf_put_bool(&want, 0), 0);
	expect_client_msg(e, idx, &want);
	wbuf_clear(&want);
}

static void
accept_service(struct env *e)
{
	struct wbuf m, want;

	service_request(&m, "ssh-userauth");
	assert_int_equal(exchange(e, &m), 0);
	wbuf_init(&want, 0);
	assert_int_equal(wbuf_put_u8(&want, SSH2_MSG_SERVICE_ACCEPT), 0);
	assert_int_equal(wbuf_put_cstring(&want, "ssh-userauth"), 0);
	assert_int_equal(e->p.c.nmsgs, 1);
	expect_client_msg(e, 0, &want);
	wbuf_clear(&m);
	wbuf_clear(&want);
}

static void
test_service_accept(void **state)
{
	struct env *e = *state;

	accept_service(e);
	assert_int_equal(userauth_failures(e->ua), 0);
	assert_string_equal(userauth_user(e->ua), "");
}

static void
test_second_service_request(void **state)
{
	struct env *e = *state;
	struct wbuf m;

	/* Before authentication a repeated request is answered again, as
	 * OpenSSH's sshd does (paramiko sends one per attempt). */
	accept_service(e);
	service_request(&m, "ssh-userauth");
	assert_int_equal(exchange(e, &m), 0);
	pair_pump(&e->p);
	assert_int_equal(e->p.c.nmsgs, 2);
	assert_int_equal(wbuf_ptr(&e->p.c.msgs[1])[0],
	    SSH2_MSG_SERVICE_ACCEPT);
	wbuf_clear(&m);
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

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		service_request(&m, names[i]);
		assert_int_equal(exchange(e, &m), PC_ERR_PROTOCOL);
		assert_int_equal(e->reason,
		    SSH2_DISCONNECT_SERVICE_NOT_AVAILABLE);
		wbuf_clear(&m);
	}
	pair_pump(&e->p);
	assert_int_equal(e->p.c.nmsgs, 0);
	/* A refused name did not count as the service being accepted. */
	accept_service(e);
}

static void
test_request_before_accept(void **state)
{
	struct env *e = *state;
	struct wbuf m;

	userauth_request(&m, "root", 4, "ssh-connection", "none");
	assert_int_equal(exchange(e, &m), PC_ERR_UNEXPECTED_MESSAGE);
	assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	assert_non_null(userauth_last_error(e->ua));
	pair_pump(&e->p);
	assert_int_equal(e->p.c.nmsgs, 0);
	wbuf_clear(&m);
}

static void
test_none(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	size_t i;

	accept_service(e);
	userauth_request(&m, "alice", 5, "ssh-connection", "none");
	/* "none" is not an attempt (RFC 4252 s. 5.2): more of them than
	 * MaxAuthTries do not end anything. */
	for (i = 0; i < 10; i++) {
		assert_int_equal(exchange(e, &m), 0);
		expect_failure(e, 1 + i);
		assert_int_equal(userauth_failures(e->ua), 0);
	}
	assert_string_equal(userauth_user(e->ua), "alice");
	assert_null(userauth_last_error(e->ua));
	wbuf_clear(&m);
}

static void
test_max_tries(void **state)
{
	struct env *e = *state;
	struct wbuf pw, none;

	accept_service(e);
	userauth_request(&pw, "bob", 3, "ssh-connection", "password");
	userauth_request(&none, "bob", 3, "ssh-connection", "none");
	assert_int_equal(exchange(e, &none), 0);
	assert_int_equal(exchange(e, &pw), 0);
	assert_int_equal(userauth_failures(e->ua), 1);
	assert_int_equal(exchange(e, &none), 0);
	assert_int_equal(exchange(e, &pw), 0);
	assert_int_equal(userauth_failures(e->ua), 2);
	assert_int_equal(exchange(e, &none), 0);
	assert_int_equal(e->p.c.nmsgs, 6);
	expect_failure(e, 4);
	expect_failure(e, 5);
	/* The third real attempt ends it, as OpenSSH's MaxAuthTries 3. */
	assert_int_equal(exchange(e, &pw), PC_ERR_PROTOCOL);
	assert_int_equal(userauth_failures(e->ua), 3);
	assert_non_null(userauth_last_error(e->ua));
	assert_string_equal(userauth_last_error(e->ua),
	    "Too many authentication failures");
	assert_int_equal(e->reason,
	    SSH2_DISCONNECT_PROTOCOL_ERROR);
	/* No FAILURE for it. */
	pair_pump(&e->p);
	assert_int_equal(e->p.c.nmsgs, 6);
	wbuf_clear(&pw);
	wbuf_clear(&none);
}

static void
test_default_max_tries(void **state)
{
	struct env *e = *state;
	struct userauth_params up;
	struct userauth *ua;
	struct wbuf m;
	uint32_t reason;
	int i;

	/* 0 means OpenSSH's default of 6. */
	memset(&up, 0, sizeof(up));
	assert_int_equal(userauth_new(e->p.s.t, &up, &ua), 0);
	service_request(&m, "ssh-userauth");
	assert_int_equal(userauth_recv(ua, wbuf_ptr(&m), wbuf_len(&m),
	    &reason), 0);
	wbuf_clear(&m);
	userauth_request(&m, "u", 1, "ssh-connection", "publickey");
	for (i = 1; i < 6; i++)
		assert_int_equal(userauth_recv(ua, wbuf_ptr(&m), wbuf_len(&m),
		    &reason), 0);
	assert_int_equal(userauth_recv(ua, wbuf_ptr(&m), wbuf_len(&m),
	    &reason), PC_ERR_PROTOCOL);
	assert_int_equal(userauth_failures(ua), 6);
	/* The default methods are advertised. */
	pair_pump(&e->p);
	assert_true(e->p.c.nmsgs >= 2);
	assert_int_equal(wbuf_ptr(&e->p.c.msgs[1])[0],
	    SSH2_MSG_USERAUTH_FAILURE);
	assert_non_null(memmem(wbuf_ptr(&e->p.c.msgs[1]),
	    wbuf_len(&e->p.c.msgs[1]),
	    "publickey,password,keyboard-interactive", 39));
	userauth_free(ua);
	wbuf_clear(&m);
}

static void
test_user_name_length(void **state)
{
	struct env *e = *state;
	char name[USERAUTH_MAX_USER + 2];
	struct wbuf m;

	accept_service(e);
	memset(name, 'u', sizeof(name));
	/* The longest accepted. */
	userauth_request(&m, name, USERAUTH_MAX_USER, "ssh-connection",
	    "none");
	assert_int_equal(exchange(e, &m), 0);
	expect_failure(e, 1);
	assert_int_equal(strlen(userauth_user(e->ua)), USERAUTH_MAX_USER);
	wbuf_clear(&m);
	/* One more. */
	userauth_request(&m, name, USERAUTH_MAX_USER + 1, "ssh-connection",
	    "none");
	assert_int_equal(exchange(e, &m), PC_ERR_PROTOCOL);
	assert_int_equal(e->reason, SSH2_DISCONNECT_ILLEGAL_USER_NAME);
	wbuf_clear(&m);
	/* A NUL inside the name is refused. */
	userauth_request(&m, "ro\0ot", 5, "ssh-connection", "none");
	assert_int_not_equal(exchange(e, &m), 0);
	wbuf_clear(&m);
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

	accept_service(e);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		userauth_request(&m, "carol", 5, names[i], "password");
		assert_int_equal(exchange(e, &m), PC_ERR_PROTOCOL);
		assert_int_equal(e->reason,
		    SSH2_DISCONNECT_SERVICE_NOT_AVAILABLE);
		wbuf_clear(&m);
	}
	/* Refused before being counted as attempts. */
	assert_int_equal(userauth_failures(e->ua), 0);
	pair_pump(&e->p);
	assert_int_equal(e->p.c.nmsgs, 1);
}

static void
test_truncated(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	size_t cut;
	uint32_t reason;
	int r;

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

	accept_service(e);
	/* A USERAUTH_REQUEST cut anywhere in its three strings. */
	userauth_request(&m, "dave", 4, "ssh-connection", "none");
	for (cut = 1; cut < wbuf_len(&m); cut++) {
		r = userauth_recv(e->ua, wbuf_ptr(&m), cut, &reason);
		assert_int_equal(r, PC_ERR_MSG_INCOMPLETE);
	}
	/* A length field far past the end. */
	pc_put_u32(wbuf_mutable_ptr(&m) + 1, 0x00ffffff);
	assert_int_not_equal(userauth_recv(e->ua, wbuf_ptr(&m), wbuf_len(&m),
	    &reason), 0);
	wbuf_clear(&m);
	/* None of that counted, and a whole request still works. */
	assert_int_equal(userauth_failures(e->ua), 0);
	userauth_request(&m, "dave", 4, "ssh-connection", "none");
	assert_int_equal(exchange(e, &m), 0);
	expect_failure(e, 1);
	wbuf_clear(&m);
}

static void
test_other_messages_before_auth(void **state)
{
	static const uint8_t types[] = {
		SSH2_MSG_USERAUTH_PK_OK,		/* 60 */
		SSH2_MSG_GLOBAL_REQUEST,		/* 80 */
		SSH2_MSG_CHANNEL_OPEN,			/* 90 */
		SSH2_MSG_USERAUTH_SUCCESS,		/* 52 */
		SSH2_MSG_SERVICE_ACCEPT,		/* 6 */
		SSH2_MSG_CHANNEL_DATA, 255,
	};
	struct env *e = *state;
	uint8_t msg[16];
	uint32_t reason;
	size_t i;
	int pass;

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
	/* Through the transport too: a CHANNEL_OPEN reaches userauth and
	 * is refused there. */
	{
		struct wbuf m;

		wbuf_init(&m, 0);
		assert_int_equal(wbuf_put_u8(&m, SSH2_MSG_CHANNEL_OPEN), 0);
		assert_int_equal(wbuf_put_cstring(&m, "session"), 0);
		assert_int_equal(exchange(e, &m), PC_ERR_UNEXPECTED_MESSAGE);
		wbuf_clear(&m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_service_accept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_second_service_request,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_service, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_request_before_accept,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_tries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_default_max_tries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_user_name_length, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_request_other_service,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_other_messages_before_auth,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
