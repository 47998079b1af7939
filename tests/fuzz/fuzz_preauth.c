/*
 * libFuzzer target: a whole pre-authentication session.  The server is a
 * struct tp and a userauth wired as daemon/conn.c wires them (host keys
 * signed through hostkeys_sign, the default algorithm lists, userauth fed
 * every upper-layer message, DISCONNECT on an error), with the in-memory
 * backend of tests/common/authmem.c instead of the system, and no
 * sockets: the input is the client's byte stream.
 *
 *   byte    settings, as fuzz_userauth's first byte (methods enabled,
 *           empty passwords, banner, AuthenticationMethods, Match)
 *   then    chunks: uint16 length, the bytes, each given to tp_input
 *           as one read (cut to tp_input_space), after which the server
 *           runs until it needs more input; its output is thrown away
 *
 * The session runs until the input ends, the server fails, or the user is
 * authenticated.  Users, keys and passwords are fuzz_userauth's.
 *
 * The switch that skips the expensive maths: the fuzz build compiles in
 * lib/fuzzcheap.h (-DPC_FUZZ_CHEAP, see the Makefile), and this target
 * turns on
 *   PC_FUZZ_FIXED_RANDOM  always: the server's KEXINIT cookie and its
 *                         ephemeral keys are fixed, so the keys a recorded
 *                         client stream was encrypted under are derived
 *                         again, and inputs get past NEWKEYS;
 *   PC_FUZZ_FAKE_HOSTSIG  no host key signature is made;
 *   PC_FUZZ_BAD_USERSIG   publickey signatures are bad without a check;
 *   PC_FUZZ_SKIP_MAC      MACs and AEAD tags are not checked, so that a
 *                         mutated ciphertext decrypts to a mutated message
 *                         (the ciphers are stream ciphers) and reaches
 *                         the transport's gate and userauth.
 * With PC_FUZZ_FULL_CRYPTO=1 in the environment only the first is on:
 * the target still works, signing and verifying for real and checking
 * every MAC, more slowly and less deep.
 * Normal builds contain none of this.
 *
 * Seeds: PC_FUZZ_WRITE_SEEDS=DIR (fuzzseed.h) records real sessions: a
 * client struct tp (its own randomness real) against this server, with
 * several kex methods, ciphers and MACs, then OpenSSH's usual userauth
 * exchanges; each chunk is one write of the client.
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
#include "hostkeys.h"
#include "key.h"
#include "log.h"
#include "rand.h"
#include "ssh2.h"
#include "transport.h"
#include "userauth.h"

#define MAX_CHUNKS	256

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define S_PUBKEY	0x01
#define S_PASSWORD	0x02
#define S_KBDINT	0x04
#define S_EMPTY		0x08
#define S_BANNER	0x10
#define S_METHODS(b)	(((b) >> 5) & 3)
#define S_MATCH		0x80

static const char *const auth_methods[] = {
	NULL,
	"publickey,password",
	"publickey,keyboard-interactive:pam password",
	"publickey,publickey",
};

static struct pc_key *hostkeys[2], *userkey, *userkey2;
static unsigned cheap;		/* the flags for the fuzzed server */

static const struct auth_peer peer = {
	.addr = "192.0.2.1", .port = 4242, .host = "192.0.2.1",
	.laddr = "192.0.2.2", .lport = 22,
};

struct server {
	struct tp *t;
	struct userauth *ua;
	struct authmem am;
	int dead;
};

static void
backend_setup(struct authmem *am, struct userauth_params *p, uint8_t s)
{
	struct authmem_round *rd;

	authmem_init(am);
	am->users[0] = "alice";
	am->users[1] = "root";
	am->keys[0] = userkey;
	am->keys[1] = userkey2;
	am->password = "secret";
	rd = &am->rounds[0];
	rd->nprompts = 1;
	rd->prompts[0] = "Password: ";
	rd->answers[0] = "secret";
	rd = &am->rounds[1];
	rd->name = "Second factor";
	rd->nprompts = 2;
	rd->prompts[0] = "Code: ";
	rd->echo[0] = 1;
	rd->answers[0] = "123456";
	rd->prompts[1] = "PIN: ";
	rd->answers[1] = "0000";
	am->nrounds = 2;

	memset(p, 0, sizeof(*p));
	p->backend = &am->b;
	p->peer = &peer;
	p->s.pubkey = (s & S_PUBKEY) != 0;
	p->s.password = (s & S_PASSWORD) != 0;
	p->s.kbdint = (s & S_KBDINT) != 0;
	p->s.permit_empty_passwords = (s & S_EMPTY) != 0;
	p->s.auth_methods = auth_methods[S_METHODS(s)];
	p->s.max_tries = 6;	/* MaxAuthTries' default */
	p->s.pubkey_algs = key_sigalg_default_list();
	p->s.banner = (s & S_BANNER) ? "Authorized use only\n" : NULL;
	if (s & S_MATCH) {
		am->have_settings = 1;
		am->settings = p->s;
		am->settings.pubkey = am->settings.password =
		    am->settings.kbdint = 1;
		am->settings.auth_methods =
		    auth_methods[(S_METHODS(s) + 1) % 4];
		am->settings.max_tries = 3;
	}
}

/* conn_serve's setup, without the socket. */
static struct server *
server_new(uint8_t settings)
{
	struct tp_params tpp;
	struct userauth_params uap;
	struct server *sv;

	if ((sv = calloc(1, sizeof(*sv))) == NULL)
		abort();
	memset(&tpp, 0, sizeof(tpp));
	tpp.role = TP_SERVER;
	tpp.hostkeys = hostkeys;
	tpp.nhostkeys = 2;
	tpp.sign = hostkeys_sign;
	backend_setup(&sv->am, &uap, settings);
	if (tp_new(&tpp, &sv->t) != 0 ||
	    userauth_new(sv->t, &uap, &sv->ua) != 0)
		abort();
	return sv;
}

static void
server_free(struct server *sv)
{
	userauth_free(sv->ua);
	tp_free(sv->t);
	if (sv->am.kbd_live != 0)
		abort();
	free(sv);
}

/* conn.c's process_input, until authentication. */
static void
server_run(struct server *sv)
{
	const uint8_t *msg;
	size_t len;
	uint32_t reason;
	const char *why;
	int r;

	while (!sv->dead && !userauth_done(sv->ua)) {
		r = tp_next(sv->t, &msg, &len);
		if (r == PC_ERR_AGAIN)
			return;
		if (r != 0) {
			tp_disconnect(sv->t, tp_error_reason(r),
			    pc_strerror(r));
			sv->dead = 1;
			return;
		}
		if (len == 0 || msg == NULL)
			abort();
		r = userauth_recv(sv->ua, msg, len, &reason);
		if (r != 0) {
			why = userauth_last_error(sv->ua);
			tp_disconnect(sv->t, reason, why != NULL ? why :
			    pc_strerror(r));
			sv->dead = 1;
			return;
		}
	}
	if (userauth_done(sv->ua) &&
	    (userauth_auth_user(sv->ua) == NULL || !tp_established(sv->t)))
		abort();
}

static void
discard(struct tp *t)
{
	size_t len;

	(void)tp_output_ptr(t, &len);
	if (len > 0 && tp_output_consume(t, len) != 0)
		abort();
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct server *sv;
	size_t off = 1, n, i;

	if (len < 1)
		return 0;
	pc_fuzz_cheap = cheap;
	sv = server_new(data[0]);
	discard(sv->t);
	for (i = 0; i < MAX_CHUNKS && len - off >= 2 && !sv->dead &&
	    !userauth_done(sv->ua); i++) {
		n = get16(data + off);
		off += 2;
		if (n > len - off)
			n = len - off;
		if (n > tp_input_space(sv->t))
			n = tp_input_space(sv->t);
		if (tp_input(sv->t, data + off, n) != 0)
			abort();
		off += n;
		server_run(sv);
		discard(sv->t);
	}
	server_free(sv);
	return 0;
}

/* ------------------------------------------------------------- seeds */

/* One recorded session: the client's settings and what it does after
 * the service request. */
enum step_kind { ST_NONE, ST_PASSWORD, ST_PUBKEY_QUERY, ST_PUBKEY,
	ST_HOSTBOUND, ST_KBDINT, ST_INFO1, ST_INFO2, ST_INFO_WRONG,
	ST_IGNORE, ST_END };

struct session {
	const char *name;
	uint8_t settings;
	const char *kex, *cipher, *mac;
	const char *user;
	enum step_kind steps[8];
};

static void
client_step(struct tp *c, const struct session *ss, enum step_kind st,
    struct wbuf *m)
{
	static const char *const pw[] = { "secret" };
	static const char *const codes[] = { "123456", "0000" };
	static const char *const wrong[] = { "guess" };
	const uint8_t *sid;
	size_t sidlen;

	sid = tp_session_id(c, &sidlen);
	switch (st) {
	case ST_NONE:
		fuzzauth_none(m, ss->user);
		break;
	case ST_PASSWORD:
		fuzzauth_password(m, ss->user, "secret");
		break;
	case ST_PUBKEY_QUERY:
		fuzzauth_pubkey(m, ss->user, userkey, "ssh-ed25519", 0, NULL,
		    sid, sidlen);
		break;
	case ST_PUBKEY:
		fuzzauth_pubkey(m, ss->user, userkey, "ssh-ed25519", 1, NULL,
		    sid, sidlen);
		break;
	case ST_HOSTBOUND:
		fuzzauth_pubkey(m, ss->user, userkey2, "ecdsa-sha2-nistp256",
		    1, hostkeys[0], sid, sidlen);
		break;
	case ST_KBDINT:
		fuzzauth_kbdint(m, ss->user);
		break;
	case ST_INFO1:
		fuzzauth_info_response(m, 1, pw);
		break;
	case ST_INFO2:
		fuzzauth_info_response(m, 2, codes);
		break;
	case ST_INFO_WRONG:
		fuzzauth_info_response(m, 1, wrong);
		break;
	case ST_IGNORE:
		wbuf_reset(m);
		if (wbuf_put_u8(m, SSH2_MSG_IGNORE) != 0 ||
		    wbuf_put_cstring(m, "padding") != 0)
			abort();
		break;
	default:
		abort();
	}
}

/* Move the client's output to the server as one chunk of the seed. */
static size_t
client_to_server(struct tp *c, struct server *sv, struct wbuf *seed)
{
	const uint8_t *o;
	size_t len, n, off;

	o = tp_output_ptr(c, &len);
	/* Chunks of at most 64 KiB - 1 (the length prefix). */
	for (off = 0; off < len; off += n) {
		n = len - off > 0xffff ? 0xffff : len - off;
		fuzzseed_u16(seed, n);
		fuzzseed_put(seed, o + off, n);
		if (tp_input(sv->t, o + off, n) != 0)
			abort();
		pc_fuzz_cheap = PC_FUZZ_FIXED_RANDOM;
		server_run(sv);
		pc_fuzz_cheap = 0;
	}
	if (len > 0 && tp_output_consume(c, len) != 0)
		abort();
	return len;
}

static void
record(const struct session *ss)
{
	struct tp_params cp;
	struct tp *c = NULL;
	struct server *sv;
	struct wbuf seed, m;
	const uint8_t *o, *msg;
	size_t olen, mlen, step = 0;
	int rounds, r, service = 0, waiting = 0;

	wbuf_init(&seed, 0);
	wbuf_init(&m, 0);
	fuzzseed_u8(&seed, ss->settings);
	pc_fuzz_cheap = PC_FUZZ_FIXED_RANDOM;
	sv = server_new(ss->settings);
	pc_fuzz_cheap = 0;
	memset(&cp, 0, sizeof(cp));
	cp.role = TP_CLIENT;
	cp.kex_algs = ss->kex;
	cp.ciphers = ss->cipher;
	cp.macs = ss->mac;
	cp.software = "OpenSSH_9.6p1 Debian-4";
	if (tp_new(&cp, &c) != 0)
		abort();
	for (rounds = 0; rounds < 200 && !sv->dead &&
	    !userauth_done(sv->ua); rounds++) {
		(void)client_to_server(c, sv, &seed);
		o = tp_output_ptr(sv->t, &olen);
		if (olen > 0 && (tp_input(c, o, olen) != 0 ||
		    tp_output_consume(sv->t, olen) != 0))
			abort();
		while ((r = tp_next(c, &msg, &mlen)) == 0) {
			if (msg[0] == SSH2_MSG_SERVICE_ACCEPT)
				service = 1;
			else if (msg[0] != SSH2_MSG_USERAUTH_BANNER)
				waiting = 0;	/* a reply to our request */
		}
		if (r == PC_ERR_PEER_DISCONNECTED && sv->dead)
			break;		/* MaxAuthTries */
		if (r != PC_ERR_AGAIN)
			abort();
		if (!tp_established(c) || waiting)
			continue;
		if (service == 0) {
			fuzzauth_service_request(&m);
			service = -1;
		} else if (service == 1 && ss->steps[step] != ST_END) {
			client_step(c, ss, ss->steps[step++], &m);
			/* IGNORE has no reply. */
			waiting = ss->steps[step - 1] != ST_IGNORE;
		} else
			continue;
		if (tp_send(c, wbuf_ptr(&m), wbuf_len(&m)) != 0)
			abort();
	}
	(void)client_to_server(c, sv, &seed);
	if (ss->steps[step] != ST_END)
		abort();	/* the script did not run to its end */
	fuzzseed_write(ss->name, &seed);
	tp_free(c);
	server_free(sv);
	wbuf_clear(&seed);
	wbuf_clear(&m);
}

static void
write_seeds(void)
{
	static const uint8_t all = S_PUBKEY | S_PASSWORD | S_KBDINT;
	static const struct session sessions[] = {
		{ "default_publickey", all, NULL, NULL, NULL, "alice",
		    { ST_NONE, ST_PUBKEY_QUERY, ST_PUBKEY, ST_END } },
		{ "curve25519_password", all | S_BANNER, "curve25519-sha256",
		    "aes128-gcm@openssh.com", NULL, "alice",
		    { ST_NONE, ST_IGNORE, ST_PASSWORD, ST_END } },
		{ "ecdh_kbdint", all, "ecdh-sha2-nistp256", "aes256-ctr",
		    "hmac-sha2-256-etm@openssh.com", "alice",
		    { ST_KBDINT, ST_INFO1, ST_INFO2, ST_END } },
		{ "sntrup_hostbound", all, "sntrup761x25519-sha512",
		    "aes128-ctr", "hmac-sha2-512", "alice",
		    { ST_HOSTBOUND, ST_END } },
		{ "dh14_match_two_steps", all | (1 << 5) | S_MATCH,
		    "diffie-hellman-group14-sha256",
		    "chacha20-poly1305@openssh.com", NULL, "alice",
		    { ST_NONE, ST_PUBKEY, ST_PASSWORD, ST_END } },
		{ "mlkem_invalid_user", all,
		    "mlkem768x25519-sha256", "aes256-gcm@openssh.com", NULL,
		    "mallory",
		    { ST_KBDINT, ST_INFO_WRONG, ST_PASSWORD, ST_PUBKEY,
		    ST_END } },
	};
	size_t i;

	for (i = 0; i < sizeof(sessions) / sizeof(sessions[0]); i++)
		record(&sessions[i]);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct log_settings ls = {
		.ident = "fuzz_preauth", .level = LOG_LEVEL_QUIET,
		.to_stderr = 1, .fd = -1,
	};
	const char *full = getenv("PC_FUZZ_FULL_CRYPTO");

	(void)argc;
	(void)argv;
	log_init(&ls);
	if (crypto_lib_init() != 0)
		abort();
	hostkeys[0] = fuzzkey_load(FUZZKEY_HOST_ED25519);
	hostkeys[1] = fuzzkey_load(FUZZKEY_USER_ECDSA);	/* ECDSA host key */
	userkey = fuzzkey_load(FUZZKEY_USER_ED25519);
	userkey2 = fuzzkey_load(FUZZKEY_USER_ECDSA);
	cheap = PC_FUZZ_FIXED_RANDOM;
	if (full == NULL || strcmp(full, "1") != 0)
		cheap |= PC_FUZZ_FAKE_HOSTSIG | PC_FUZZ_BAD_USERSIG |
		    PC_FUZZ_SKIP_MAC;
	if (fuzzseed_dir() != NULL)
		write_seeds();
	return 0;
}
