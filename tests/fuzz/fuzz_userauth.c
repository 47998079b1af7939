/*
 * libFuzzer target: the user authentication service (auth/userauth.c)
 * against the in-memory backend (tests/common/authmem.c).  A client and a
 * server transport finish a key exchange once per process, with fixed
 * randomness and a fixed host key (fuzzkeys.h), so the session id that
 * publickey signatures cover is the same in every run; each input then
 * gets a fresh userauth on the server transport, and what it sends is
 * thrown away.
 *
 *   byte    settings: 1 publickey, 2 password, 4 keyboard-interactive,
 *           8 empty passwords permitted, 16 a banner, 32 and 64 pick
 *           AuthenticationMethods (any, "publickey,password",
 *           "publickey,keyboard-interactive:pam password",
 *           "publickey,publickey"), 128 Match settings for the user
 *   byte    the system: MaxAuthTries 1 + (bits 0-2 mod 6), 8 account
 *           refused, 16 kbdint_start fails, 32 root logins refused for
 *           password, 64 a forced command on keys, 128 "alice" denied
 *   then    messages for userauth_recv: uint16 length, the message
 *
 * Users: alice and root; alice's keys are the ed25519 and ECDSA user keys
 * of fuzzkeys.h; her password is "secret"; keyboard-interactive asks two
 * rounds ("secret", then "123456" and "0000").  The core's promises are
 * checked: success only with a user and the methods used, never more
 * failures than MaxAuthTries allows, nothing accepted after success, no
 * conversation left open.
 *
 * Seeds: PC_FUZZ_WRITE_SEEDS=DIR (fuzzseed.h) writes sessions as OpenSSH's
 * client runs them: publickey query then signature, hostbound, password,
 * keyboard-interactive rounds, two-step lists, an invalid user.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authmem.h"
#include "fuzzauth.h"
#include "fuzzcheap.h"
#include "fuzzkeys.h"
#include "fuzzseed.h"
#include "key.h"
#include "log.h"
#include "rand.h"
#include "ssh2.h"
#include "transport.h"
#include "userauth.h"

#define MAX_MSGS	32

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static struct tp *client, *server;
static struct pc_key *hostkey, *userkey, *userkey2;

static const char *const auth_methods[] = {
	NULL,
	"publickey,password",
	"publickey,keyboard-interactive:pam password",
	"publickey,publickey",
};

#define S_PUBKEY	0x01
#define S_PASSWORD	0x02
#define S_KBDINT	0x04
#define S_EMPTY		0x08
#define S_BANNER	0x10
#define S_METHODS(b)	(((b) >> 5) & 3)
#define S_MATCH		0x80

#define Y_TRIES(b)	(1 + ((b) & 7) % 6)
#define Y_NO_ACCOUNT	0x08
#define Y_KBD_FAILS	0x10
#define Y_DENY_PASSWD	0x20
#define Y_FORCE		0x40
#define Y_DENY_ALICE	0x80

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

/* The established pair, with the same session id in every process. */
static void
init_once(void)
{
	struct tp_params cp, sp;
	size_t moved;
	int rounds = 0;

	hostkey = fuzzkey_load(FUZZKEY_HOST_ED25519);
	userkey = fuzzkey_load(FUZZKEY_USER_ED25519);
	userkey2 = fuzzkey_load(FUZZKEY_USER_ECDSA);
	memset(&cp, 0, sizeof(cp));
	memset(&sp, 0, sizeof(sp));
	cp.role = TP_CLIENT;
	cp.kex_algs = "curve25519-sha256";
	cp.software = "OpenSSH_9.6";
	sp.role = TP_SERVER;
	sp.kex_algs = "curve25519-sha256";
	sp.hostkeys = &hostkey;
	sp.nhostkeys = 1;
	sp.sign = sign;
	sp.software = "Portcullis_fuzz";
	pc_fuzz_cheap = PC_FUZZ_FIXED_RANDOM;
	if (tp_new(&cp, &client) != 0 || tp_new(&sp, &server) != 0)
		abort();
	do {
		moved = move(client, server);
		drain(server);
		moved += move(server, client);
		drain(client);
	} while (moved > 0 && ++rounds < 1000);
	pc_fuzz_cheap = 0;
	if (!tp_established(server) || !tp_established(client))
		abort();
}

static void
setup(uint8_t s, uint8_t y, struct authmem *am, struct userauth_params *p)
{
	struct authmem_round *rd;

	authmem_init(am);
	am->users[0] = "alice";
	am->users[1] = "root";
	am->keys[0] = userkey;
	am->keys[1] = userkey2;
	am->password = "secret";
	rd = &am->rounds[0];
	rd->name = "";
	rd->instruction = "";
	rd->nprompts = 1;
	rd->prompts[0] = "Password: ";
	rd->answers[0] = "secret";
	rd = &am->rounds[1];
	rd->name = "Second factor";
	rd->instruction = "Two codes";
	rd->nprompts = 2;
	rd->prompts[0] = "Code: ";
	rd->echo[0] = 1;
	rd->answers[0] = "123456";
	rd->prompts[1] = "PIN: ";
	rd->answers[1] = "0000";
	am->nrounds = 2;
	am->deny_account = (y & Y_NO_ACCOUNT) != 0;
	am->kbd_start_fails = (y & Y_KBD_FAILS) != 0;
	am->deny_method = (y & Y_DENY_PASSWD) ? "password" : NULL;
	am->force_command = (y & Y_FORCE) ? "/bin/true" : NULL;
	am->deny_user = (y & Y_DENY_ALICE) ? "alice" : NULL;

	memset(p, 0, sizeof(*p));
	p->backend = &am->b;
	p->s.pubkey = (s & S_PUBKEY) != 0;
	p->s.password = (s & S_PASSWORD) != 0;
	p->s.kbdint = (s & S_KBDINT) != 0;
	p->s.permit_empty_passwords = (s & S_EMPTY) != 0;
	p->s.auth_methods = auth_methods[S_METHODS(s)];
	p->s.max_tries = Y_TRIES(y);
	p->s.pubkey_algs = key_sigalg_default_list();
	p->s.banner = (s & S_BANNER) ? "Authorized use only\n" : NULL;
	/* Match User: every method, the next list, one more try. */
	if (s & S_MATCH) {
		am->have_settings = 1;
		am->settings = p->s;
		am->settings.pubkey = am->settings.password =
		    am->settings.kbdint = 1;
		am->settings.auth_methods =
		    auth_methods[(S_METHODS(s) + 1) % 4];
		am->settings.max_tries = p->s.max_tries + 1;
	}
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const struct auth_peer peer = {
		.addr = "192.0.2.1", .port = 4242, .host = "192.0.2.1",
		.laddr = "192.0.2.2", .lport = 22,
	};
	struct authmem *am;
	struct userauth_params p;
	struct userauth *ua = NULL;
	size_t off = 2, n;
	uint32_t reason;
	unsigned i, max_tries;
	int r;

	if (server == NULL)
		init_once();
	if (len < 2)
		return 0;
	if ((am = calloc(1, sizeof(*am))) == NULL)
		abort();
	setup(data[0], data[1], am, &p);
	p.peer = &peer;
	max_tries = p.s.max_tries + ((data[0] & S_MATCH) ? 1 : 0);
	if (userauth_new(server, &p, &ua) != 0)
		abort();
	for (i = 0; i < MAX_MSGS && len - off >= 2; i++) {
		n = get16(data + off);
		off += 2;
		if (n > len - off)
			n = len - off;
		r = userauth_recv(ua, data + off, n, &reason);
		off += n;
		discard_output();
		if (userauth_failures(ua) > max_tries)
			abort();
		if (userauth_done(ua)) {
			if (r != 0 || userauth_auth_user(ua) == NULL ||
			    *userauth_methods_used(ua) == '\0')
				abort();
			/* Nothing is taken after success. */
			if (len - off > 0 &&
			    userauth_recv(ua, data + off, len - off,
			    &reason) == 0)
				abort();
			break;
		}
		if (r != 0)
			break;
	}
	userauth_free(ua);
	discard_output();
	if (am->kbd_live != 0)
		abort();
	free(am);
	return 0;
}

/* ------------------------------------------------------------- seeds */

static struct wbuf seed_msg;

static void
msg_put(struct wbuf *seed)
{
	fuzzseed_u16(seed, wbuf_len(&seed_msg));
	fuzzseed_put(seed, wbuf_ptr(&seed_msg), wbuf_len(&seed_msg));
}

static void
service_request(struct wbuf *seed)
{
	fuzzauth_service_request(&seed_msg);
	msg_put(seed);
}

static void
req_none(struct wbuf *seed, const char *user)
{
	fuzzauth_none(&seed_msg, user);
	msg_put(seed);
}

static void
req_password(struct wbuf *seed, const char *user, const char *pw)
{
	fuzzauth_password(&seed_msg, user, pw);
	msg_put(seed);
}

/* Signed with the session id of this process's (fixed) kex. */
static void
req_pubkey(struct wbuf *seed, const char *user, const struct pc_key *k,
    const char *alg, int with_sig, int hostbound)
{
	const uint8_t *sid;
	size_t sidlen;

	sid = tp_session_id(client, &sidlen);
	fuzzauth_pubkey(&seed_msg, user, k, alg, with_sig,
	    hostbound ? hostkey : NULL, sid, sidlen);
	msg_put(seed);
}

static void
req_kbdint(struct wbuf *seed, const char *user)
{
	fuzzauth_kbdint(&seed_msg, user);
	msg_put(seed);
}

static void
info_response(struct wbuf *seed, unsigned n, const char *const *answers)
{
	fuzzauth_info_response(&seed_msg, n, answers);
	msg_put(seed);
}

static void
seed_begin(struct wbuf *seed, uint8_t s, uint8_t y)
{
	wbuf_reset(seed);
	fuzzseed_u8(seed, s);
	fuzzseed_u8(seed, y);
	service_request(seed);
}

static void
write_seeds(void)
{
	static const char *const pw[] = { "secret" };
	static const char *const codes[] = { "123456", "0000" };
	static const char *const wrong[] = { "guess" };
	const uint8_t all = S_PUBKEY | S_PASSWORD | S_KBDINT;
	struct wbuf seed;

	wbuf_init(&seed, 0);
	wbuf_init(&seed_msg, 0);

	/* OpenSSH's usual order: none, key query, signed key. */
	seed_begin(&seed, all, 5);
	req_none(&seed, "alice");
	req_pubkey(&seed, "alice", userkey, "ssh-ed25519", 0, 0);
	req_pubkey(&seed, "alice", userkey, "ssh-ed25519", 1, 0);
	fuzzseed_write("publickey", &seed);

	seed_begin(&seed, all | S_BANNER, 5 | Y_FORCE);
	req_pubkey(&seed, "alice", userkey2, "ecdsa-sha2-nistp256", 1, 1);
	fuzzseed_write("hostbound_ecdsa", &seed);

	seed_begin(&seed, all, 2);
	req_none(&seed, "alice");
	req_password(&seed, "alice", "wrong");
	req_password(&seed, "alice", "secret");
	fuzzseed_write("password", &seed);

	seed_begin(&seed, all, 5);
	req_kbdint(&seed, "alice");
	info_response(&seed, 1, pw);
	info_response(&seed, 2, codes);
	fuzzseed_write("kbdint", &seed);

	/* AuthenticationMethods publickey,keyboard-interactive:pam */
	seed_begin(&seed, all | (2 << 5), 5);
	req_none(&seed, "alice");
	req_pubkey(&seed, "alice", userkey, "ssh-ed25519", 1, 0);
	req_kbdint(&seed, "alice");
	info_response(&seed, 1, pw);
	info_response(&seed, 2, codes);
	fuzzseed_write("two_steps", &seed);

	/* publickey,publickey with Match: two different keys */
	seed_begin(&seed, all | (3 << 5) | S_MATCH, 5);
	req_pubkey(&seed, "alice", userkey, "ssh-ed25519", 1, 0);
	req_pubkey(&seed, "alice", userkey, "ssh-ed25519", 1, 0);
	req_pubkey(&seed, "alice", userkey2, "ecdsa-sha2-nistp256", 1, 0);
	fuzzseed_write("two_keys", &seed);

	/* An invalid user: a fake prompt, then failures up to the limit. */
	seed_begin(&seed, all, 3);
	req_kbdint(&seed, "mallory");
	info_response(&seed, 1, wrong);
	req_password(&seed, "mallory", "secret");
	req_pubkey(&seed, "mallory", userkey, "ssh-ed25519", 1, 0);
	fuzzseed_write("invalid_user", &seed);

	/* root, password refused by PermitRootLogin; then a user change. */
	seed_begin(&seed, all, 5 | Y_DENY_PASSWD);
	req_password(&seed, "root", "secret");
	req_none(&seed, "alice");
	fuzzseed_write("root_then_change", &seed);
	wbuf_clear(&seed);
	wbuf_clear(&seed_msg);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct log_settings ls = {
		.ident = "fuzz_userauth", .level = LOG_LEVEL_QUIET,
		.to_stderr = 1, .fd = -1,
	};

	(void)argc;
	(void)argv;
	log_init(&ls);
	if (crypto_lib_init() != 0)
		abort();
	init_once();
	if (fuzzseed_dir() != NULL)
		write_seeds();
	return 0;
}
