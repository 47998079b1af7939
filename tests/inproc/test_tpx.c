/*
 * In-process tests of the transport handoff (tp_export / tp_import, the
 * privilege-separation "keystate"): our client and server talk, one side
 * is exported mid-stream (with input read but not processed, a packet
 * half read, output not yet written), freed, and continued by an import;
 * then messages both ways, rekeys from each side (the imported server
 * signs with its host key) and more messages.  For every cipher and MAC,
 * every kex method, both roles.  Then the rekey limits carried over, the
 * refusals (export during a kex), and damaged states: truncated,
 * extended, every bit flipped, other version, other role, unknown host
 * key; and with the digest recomputed, so that the parser itself sees
 * the damage.
 *
 * With PC_TPX_SEED_DIR set, test_fuzz_seeds also writes the seed inputs
 * of tests/fuzz/fuzz_tpimport.c there (see that file).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "digest.h"
#include "kex.h"
#include "pair.h"
#include "rand.h"
#include "ssh2.h"

#define DIGEST_TRAILER	32

static int
setup(void **state)
{
	size_t n;

	(void)state;
	if (crypto_lib_init() != 0)
		return -1;
	(void)pair_test_hostkeys(&n);
	return 0;
}

/* ---------------------------------------------------------- helpers */

/* An upper-layer message: GLOBAL_REQUEST-typed, an id, filler. */
static void
send_data(struct pair_side *from, uint32_t id, size_t len)
{
	static uint8_t buf[40000];

	assert_true(len >= 5 && len <= sizeof(buf));
	buf[0] = SSH2_MSG_GLOBAL_REQUEST;
	pc_put_u32(buf + 1, id);
	memset(buf + 5, (int)(id & 0xff), len - 5);
	assert_int_equal(tp_send(from->t, buf, len), 0);
}

/* Message idx of side carries id and its filler is intact. */
static void
check_msg(const struct pair_side *to, size_t idx, uint32_t id)
{
	const struct wbuf *m;
	size_t i;

	assert_true(to->nmsgs > idx);
	m = &to->msgs[idx];
	assert_true(wbuf_len(m) >= 5);
	assert_int_equal(wbuf_ptr(m)[0], SSH2_MSG_GLOBAL_REQUEST);
	assert_int_equal(pc_get_u32(wbuf_ptr(m) + 1), id);
	for (i = 5; i < wbuf_len(m); i++)
		assert_int_equal(wbuf_ptr(m)[i], id & 0xff);
}

/* Run one side until it needs input, keeping what it delivers. */
static void
drain(struct pair_side *side)
{
	const uint8_t *m;
	size_t len;
	int r;

	while ((r = tp_next(side->t, &m, &len)) == 0) {
		assert_true(side->nmsgs < PAIR_MAX_MSGS);
		assert_int_equal(wbuf_put(&side->msgs[side->nmsgs++], m, len),
		    0);
	}
	assert_int_equal(r, PC_ERR_AGAIN);
}

/* One message from side, kept (the transport still holds its bytes). */
static void
next_one(struct pair_side *side)
{
	const uint8_t *m;
	size_t len;

	assert_int_equal(tp_next(side->t, &m, &len), 0);
	assert_int_equal(wbuf_put(&side->msgs[side->nmsgs++], m, len), 0);
}

/* Move n bytes of from's output to to's input. */
static void
move_n(struct pair_side *from, struct pair_side *to, size_t n)
{
	const uint8_t *o;
	size_t len;

	o = tp_output_ptr(from->t, &len);
	assert_true(n <= len);
	assert_int_equal(tp_input(to->t, o, n), 0);
	assert_int_equal(tp_output_consume(from->t, n), 0);
}

static size_t
output_len(const struct pair_side *side)
{
	size_t len;

	(void)tp_output_ptr(side->t, &len);
	return len;
}

/* The parameters pair_new gives each side, so that an import gets the
 * same ones. */
static void
side_params(struct tp_params *out, const struct tp_params *in,
    enum tp_role role)
{
	size_t n;

	if (in != NULL)
		*out = *in;
	else
		memset(out, 0, sizeof(*out));
	out->role = role;
	if (role == TP_SERVER) {
		out->hostkeys = pair_test_hostkeys(&n);
		out->nhostkeys = n;
		out->sign = pair_sign;
	}
}

static void
export_ok(const struct tp *t, struct wbuf *out)
{
	wbuf_init(out, 0);
	assert_int_equal(tp_export(t, out), 0);
	assert_true(wbuf_len(out) > 8 + DIGEST_TRAILER);
}

/*
 * Replace side's transport by an import of its export.  An import
 * exported again at once gives the very same bytes: nothing is lost or
 * changed on the way.
 */
static void
handoff(struct pair_side *side, const struct tp_params *params)
{
	struct wbuf st, again;
	struct tp *t = NULL;

	export_ok(side->t, &st);
	tp_free(side->t);
	side->t = NULL;
	assert_int_equal(tp_import(params, wbuf_ptr(&st), wbuf_len(&st), &t),
	    0);
	assert_non_null(t);
	export_ok(t, &again);
	assert_int_equal(wbuf_len(&again), wbuf_len(&st));
	assert_memory_equal(wbuf_ptr(&again), wbuf_ptr(&st), wbuf_len(&st));
	wbuf_clear(&again);
	wbuf_clear(&st);
	side->t = t;
}

static void
established(struct pair *p)
{
	const uint8_t *a, *b;
	size_t la, lb;

	assert_int_equal(p->c.err, 0);
	assert_int_equal(p->s.err, 0);
	assert_true(tp_established(p->c.t));
	assert_true(tp_established(p->s.t));
	a = tp_session_id(p->c.t, &la);
	b = tp_session_id(p->s.t, &lb);
	assert_true(la >= 32);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
}

/* A rekey started by one side, with data sent while it runs and after. */
static void
rekey_from(struct pair *p, struct pair_side *starter, uint32_t id)
{
	unsigned before = tp_kex_count(p->c.t);
	size_t cn = p->c.nmsgs, sn = p->s.nmsgs;

	assert_int_equal(tp_kex_count(p->s.t), before);
	assert_int_equal(tp_rekey(starter->t), 0);
	assert_true(tp_in_kex(starter->t));
	send_data(&p->c, id, 300);
	send_data(&p->s, id + 1, 300);
	pair_pump(p);
	assert_int_equal(p->c.err, 0);
	assert_int_equal(p->s.err, 0);
	assert_int_equal(tp_kex_count(p->c.t), before + 1);
	assert_int_equal(tp_kex_count(p->s.t), before + 1);
	assert_false(tp_in_kex(p->c.t));
	assert_false(tp_in_kex(p->s.t));
	send_data(&p->c, id + 2, 5000);
	send_data(&p->s, id + 3, 5000);
	pair_pump(p);
	check_msg(&p->s, sn, id);
	check_msg(&p->s, sn + 1, id + 2);
	check_msg(&p->c, cn, id + 1);
	check_msg(&p->c, cn + 1, id + 3);
}

/* ------------------------------------------------- the whole handoff */

struct combo {
	const char *kex;
	const char *hostkey;
	const char *cipher;
	const char *mac;
};

/*
 * The handoff of one side (exp: &p->s or &p->c) of a connection made
 * with combo k.  late: the export comes after the side read as far as it
 * could (a packet half read: its length already decoded, for a non-ETM
 * MAC its first block decrypted in place); otherwise right after one
 * delivered message, with a whole packet and a half one unread behind it.
 */
static void
handoff_run(const struct combo *k, int server, int late)
{
	struct tp_params cp, sp, params;
	struct pair p;
	struct pair_side *x, *y;
	const uint8_t *sid;
	uint8_t sid0[DIGEST_MAX_LEN];
	char *ssa0 = NULL, *pv0;
	size_t sidlen, xn, yn, len;

	memset(&cp, 0, sizeof(cp));
	memset(&sp, 0, sizeof(sp));
	cp.kex_algs = k->kex;
	cp.hostkey_algs = k->hostkey;
	cp.ciphers = k->cipher;
	cp.macs = k->mac;
	sp.macs = mac_supported_list();
	assert_int_equal(pair_new(&p, &cp, &sp), 0);
	assert_int_equal(tp_set_time(p.s.t, 5000), 0);
	pair_pump(&p);
	established(&p);
	assert_string_equal(tp_choice(p.s.t)->kex->name, k->kex);
	assert_string_equal(tp_choice(p.s.t)->hostkey_alg, k->hostkey);
	assert_string_equal(cipher_name(tp_choice(p.s.t)->enc[KEX_CTOS]),
	    k->cipher);
	sid = tp_session_id(p.s.t, &sidlen);
	memcpy(sid0, sid, sidlen);
	if (tp_server_sig_algs(p.c.t) != NULL)
		ssa0 = strdup(tp_server_sig_algs(p.c.t));
	/* Traffic as an authentication would make. */
	send_data(&p.c, 1, 120);
	send_data(&p.s, 2, 60);
	pair_pump(&p);
	check_msg(&p.s, 0, 1);
	check_msg(&p.c, 0, 2);
	tp_set_authenticated(p.s.t);

	x = server ? &p.s : &p.c;
	y = server ? &p.c : &p.s;
	pv0 = strdup(tp_peer_version(x->t));
	assert_non_null(pv0);
	side_params(&params, server ? &sp : &cp,
	    server ? TP_SERVER : TP_CLIENT);
	xn = x->nmsgs;
	yn = y->nmsgs;
	/* y sends three messages; x gets all but the last 7 bytes. */
	send_data(y, 10, 200);
	send_data(y, 11, 333);
	send_data(y, 12, 5000);
	len = output_len(y);
	move_n(y, x, len - 7);
	if (late)
		drain(x);
	else
		next_one(x);
	assert_int_equal(x->nmsgs, xn + (late ? 2 : 1));
	/* x's last words before the handoff, still in its output (as a
	 * USERAUTH_SUCCESS may be). */
	send_data(x, 20, 40);
	send_data(x, 21, 1000);
	assert_true(output_len(x) > 1000);

	handoff(x, &params);

	/* The same connection: what was pending goes through, in order. */
	move_n(y, x, 7);
	pair_pump(&p);
	assert_int_equal(p.c.err, 0);
	assert_int_equal(p.s.err, 0);
	assert_int_equal(x->nmsgs, xn + 3);
	check_msg(x, xn, 10);
	check_msg(x, xn + 1, 11);
	check_msg(x, xn + 2, 12);
	assert_int_equal(y->nmsgs, yn + 2);
	check_msg(y, yn, 20);
	check_msg(y, yn + 1, 21);
	/* What the import knows. */
	assert_true(tp_established(x->t));
	assert_false(tp_in_kex(x->t));
	assert_int_equal(tp_kex_count(x->t), 1);
	assert_string_equal(tp_peer_version(x->t), pv0);
	free(pv0);
	sid = tp_session_id(x->t, &sidlen);
	assert_memory_equal(sid, sid0, sidlen);
	assert_string_equal(tp_choice(x->t)->kex->name, k->kex);
	assert_string_equal(tp_choice(x->t)->hostkey_alg, k->hostkey);
	assert_non_null(tp_peer_hostkey(x->t));
	if (!server) {
		assert_non_null(ssa0);
		assert_string_equal(tp_server_sig_algs(x->t), ssa0);
	}
	free(ssa0);

	/* More messages both ways, then rekeys from each side, then more. */
	send_data(&p.c, 30, 3000);
	send_data(&p.s, 31, 17000);
	pair_pump(&p);
	check_msg(&p.s, p.s.nmsgs - 1, 30);
	check_msg(&p.c, p.c.nmsgs - 1, 31);
	rekey_from(&p, x, 100);
	rekey_from(&p, y, 200);
	assert_int_equal(tp_kex_count(p.s.t), 3);
	send_data(&p.c, 40, 32768);
	send_data(&p.s, 41, 32768);
	pair_pump(&p);
	check_msg(&p.s, p.s.nmsgs - 1, 40);
	check_msg(&p.c, p.c.nmsgs - 1, 41);
	sid = tp_session_id(x->t, &sidlen);
	assert_memory_equal(sid, sid0, sidlen);
	pair_free(&p);
}

static const char *const all_kex[] = {
	"mlkem768x25519-sha256", "sntrup761x25519-sha512@openssh.com",
	"curve25519-sha256", "curve25519-sha256@libssh.org",
	"ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
	"diffie-hellman-group-exchange-sha256",
	"diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
	"diffie-hellman-group14-sha256",
};
static const char *const all_hostkey[] = {
	"ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256",
};
static const char *const all_cipher[] = {
	"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
	"aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr",
};
static const char *const all_mac[] = {
	"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
	"hmac-sha1-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512",
	"hmac-sha1",
};
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Every cipher with every MAC (AEAD ciphers once: they take none), the
 * kex methods and host key algorithms in turn; each combination is
 * handed off on the server side and on the client side. */
static void
test_every_combination(void **state)
{
	struct combo k;
	size_t i, j, n = 0;

	(void)state;
	for (i = 0; i < NELEM(all_cipher); i++) {
		const struct cipher_alg *c = cipher_by_name(all_cipher[i]);

		assert_non_null(c);
		for (j = 0; j < NELEM(all_mac); j++) {
			if (cipher_is_aead(c) && j > 0)
				break;
			k.kex = all_kex[n % NELEM(all_kex)];
			k.hostkey = all_hostkey[n % NELEM(all_hostkey)];
			k.cipher = all_cipher[i];
			k.mac = all_mac[j];
			assert_non_null(kexalg_by_name(k.kex));
			handoff_run(&k, 1, n % 2);
			handoff_run(&k, 0, (n + 1) % 2);
			n++;
		}
	}
	assert_int_equal(n, 3 + 3 * NELEM(all_mac));
	/* So every kex method was used at least once. */
	assert_true(n >= NELEM(all_kex));
}

/* ---------------------------------------------------- rekey limits */

/* Bytes counted before the handoff still count after it: the limit is
 * reached with the sum, not with what the import saw alone. */
static void
limit_run(size_t before_msgs, size_t after_msgs, unsigned want_kex)
{
	struct tp_params sp, params;
	struct pair p;
	size_t i;

	memset(&sp, 0, sizeof(sp));
	sp.rekey_bytes = 64 * 1024;
	sp.ciphers = "aes128-ctr";
	assert_int_equal(pair_new(&p, NULL, &sp), 0);
	pair_pump(&p);
	established(&p);
	tp_set_authenticated(p.s.t);
	for (i = 0; i < before_msgs; i++) {
		send_data(&p.c, (uint32_t)i, 4000);
		pair_pump(&p);
	}
	assert_int_equal(tp_kex_count(p.s.t), 1);
	side_params(&params, &sp, TP_SERVER);
	handoff(&p.s, &params);
	for (i = 0; i < after_msgs; i++) {
		send_data(&p.c, (uint32_t)(100 + i), 4000);
		pair_pump(&p);
	}
	assert_int_equal(p.s.err, 0);
	assert_int_equal(p.c.err, 0);
	assert_int_equal(tp_kex_count(p.s.t), want_kex);
	assert_int_equal(tp_kex_count(p.c.t), want_kex);
	assert_int_equal(p.s.nmsgs, before_msgs + after_msgs);
	pair_free(&p);
}

static void
test_rekey_bytes_carried(void **state)
{
	(void)state;
	/* 10 x 4 kB, handoff, 8 x 4 kB: past 64 KiB, one rekey. */
	limit_run(10, 8, 2);
	/* The 8 x 4 kB alone stay below the limit. */
	limit_run(0, 8, 1);
}

static void
test_rekey_time_carried(void **state)
{
	struct tp_params sp, params;
	struct pair p;

	(void)state;
	memset(&sp, 0, sizeof(sp));
	sp.rekey_seconds = 60;
	assert_int_equal(pair_new(&p, NULL, &sp), 0);
	assert_int_equal(tp_set_time(p.s.t, 1000), 0);
	pair_pump(&p);
	established(&p);
	tp_set_authenticated(p.s.t);
	side_params(&params, &sp, TP_SERVER);
	handoff(&p.s, &params);
	/* The import knows the kex was at 1000, and is authenticated. */
	assert_int_equal(tp_set_time(p.s.t, 1059), 0);
	pair_pump(&p);
	assert_int_equal(tp_kex_count(p.s.t), 1);
	assert_int_equal(tp_set_time(p.s.t, 1060), 0);
	pair_pump(&p);
	assert_int_equal(tp_kex_count(p.s.t), 2);
	assert_int_equal(tp_kex_count(p.c.t), 2);
	pair_free(&p);
}

/* Not authenticated at the export: limits start nothing after it. */
static void
test_unauthenticated_carried(void **state)
{
	struct tp_params sp, params;
	struct pair p;

	(void)state;
	memset(&sp, 0, sizeof(sp));
	sp.rekey_seconds = 60;
	assert_int_equal(pair_new(&p, NULL, &sp), 0);
	assert_int_equal(tp_set_time(p.s.t, 1000), 0);
	pair_pump(&p);
	established(&p);
	side_params(&params, &sp, TP_SERVER);
	handoff(&p.s, &params);
	assert_int_equal(tp_set_time(p.s.t, 2000), 0);
	pair_pump(&p);
	assert_int_equal(tp_kex_count(p.s.t), 1);
	tp_set_authenticated(p.s.t);
	assert_int_equal(tp_set_time(p.s.t, 2001), 0);
	pair_pump(&p);
	assert_int_equal(tp_kex_count(p.s.t), 2);
	pair_free(&p);
}

/* ------------------------------------------------------- refusals */

static void
test_export_refused(void **state)
{
	struct tp_params sp;
	struct pair p;
	struct wbuf out;
	size_t n;

	(void)state;
	wbuf_init(&out, 0);
	assert_int_equal(wbuf_put(&out, "abc", 3), 0);
	assert_int_equal(pair_new(&p, NULL, NULL), 0);
	/* Before the first kex ends. */
	assert_int_equal(tp_export(p.s.t, &out), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(tp_export(p.c.t, &out), PC_ERR_INVALID_ARGUMENT);
	pair_pump(&p);
	established(&p);
	/* Our rekey started: refused on both sides until it is over. */
	assert_int_equal(tp_rekey(p.s.t), 0);
	assert_int_equal(tp_export(p.s.t, &out), PC_ERR_INVALID_ARGUMENT);
	/* The client has the KEXINIT in its input, not yet read: its state
	 * may still go (the import will read it). */
	move_n(&p.s, &p.c, output_len(&p.s));
	assert_int_equal(wbuf_len(&out), 3);
	assert_int_equal(tp_export(p.c.t, &out), 0);
	assert_true(wbuf_len(&out) > 3);
	assert_memory_equal(wbuf_ptr(&out), "abc", 3);
	wbuf_reset(&out);
	/* Once read, the client is in the kex too. */
	drain(&p.c);
	assert_true(tp_in_kex(p.c.t));
	assert_int_equal(tp_export(p.c.t, &out), PC_ERR_INVALID_ARGUMENT);
	pair_pump(&p);
	assert_int_equal(tp_kex_count(p.s.t), 2);
	assert_int_equal(tp_export(p.s.t, &out), 0);
	wbuf_reset(&out);
	/* After a disconnect. */
	tp_disconnect(p.s.t, SSH2_DISCONNECT_BY_APPLICATION, "bye");
	assert_int_equal(tp_export(p.s.t, &out), PC_ERR_CONN_CLOSED);
	assert_int_equal(wbuf_len(&out), 0);
	pair_free(&p);

	/* Importing needs the server's parameters as tp_new does. */
	assert_int_equal(pair_new(&p, NULL, NULL), 0);
	pair_pump(&p);
	established(&p);
	assert_int_equal(tp_export(p.s.t, &out), 0);
	side_params(&sp, NULL, TP_SERVER);
	sp.sign = NULL;
	{
		struct tp *t = (struct tp *)&n;

		assert_int_equal(tp_import(&sp, wbuf_ptr(&out),
		    wbuf_len(&out), &t), PC_ERR_INVALID_ARGUMENT);
		assert_null(t);
	}
	pair_free(&p);
	wbuf_clear(&out);
}

/* ------------------------------------------------- damaged states */

/* A server state with input and output pending. */
static void
make_state(struct wbuf *st, struct tp_params *params, const char *cipher,
    const char *hostkey)
{
	struct tp_params cp;
	struct pair p;

	memset(&cp, 0, sizeof(cp));
	cp.ciphers = cipher;
	cp.hostkey_algs = hostkey;
	cp.macs = "hmac-sha2-256";
	assert_int_equal(pair_new(&p, &cp, NULL), 0);
	pair_pump(&p);
	established(&p);
	send_data(&p.c, 1, 100);
	send_data(&p.c, 2, 100);
	move_n(&p.c, &p.s, output_len(&p.c) - 20);
	next_one(&p.s);
	send_data(&p.s, 3, 50);
	export_ok(p.s.t, st);
	side_params(params, NULL, TP_SERVER);
	pair_free(&p);
}

static int
try_import(const struct tp_params *params, const uint8_t *s, size_t len)
{
	struct tp *t = NULL;
	int r;

	r = tp_import(params, s, len, &t);
	if (r != 0)
		assert_null(t);
	else
		assert_non_null(t);
	tp_free(t);
	return r;
}

/* Recompute the trailing digest, so the parser sees what was changed. */
static void
reseal(uint8_t *s, size_t len)
{
	assert_true(len > DIGEST_TRAILER);
	assert_int_equal(digest_memory(DIGEST_SHA256, s, len - DIGEST_TRAILER,
	    s + len - DIGEST_TRAILER, DIGEST_TRAILER), 0);
}

static void
test_import_damaged(void **state)
{
	struct tp_params params;
	struct wbuf st;
	uint8_t *copy;
	size_t len, i;
	int bit;

	(void)state;
	make_state(&st, &params, "aes256-ctr", "ssh-ed25519");
	len = wbuf_len(&st);
	assert_int_equal(try_import(&params, wbuf_ptr(&st), len), 0);
	copy = malloc(len + DIGEST_TRAILER + 1);
	assert_non_null(copy);

	/* Cut short anywhere. */
	for (i = 0; i < len; i++) {
		memcpy(copy, wbuf_ptr(&st), i);
		assert_int_not_equal(try_import(&params, copy, i), 0);
	}
	assert_int_equal(try_import(&params, NULL, 0),
	    PC_ERR_MSG_INCOMPLETE);
	/* Extended. */
	memcpy(copy, wbuf_ptr(&st), len);
	copy[len] = 0;
	assert_int_not_equal(try_import(&params, copy, len + 1), 0);
	/* Every single bit flipped. */
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(copy, wbuf_ptr(&st), len);
			copy[i] ^= (uint8_t)(1 << bit);
			assert_int_not_equal(try_import(&params, copy, len),
			    0);
		}
	}
	/* Another magic or version, even with a matching digest. */
	memcpy(copy, wbuf_ptr(&st), len);
	copy[7] = 2;
	reseal(copy, len);
	assert_int_equal(try_import(&params, copy, len),
	    PC_ERR_INVALID_FORMAT);
	memcpy(copy, wbuf_ptr(&st), len);
	copy[0] ^= 0x20;
	reseal(copy, len);
	assert_int_equal(try_import(&params, copy, len),
	    PC_ERR_INVALID_FORMAT);
	/* Trailing data before the digest. */
	memcpy(copy, wbuf_ptr(&st), len - DIGEST_TRAILER);
	copy[len - DIGEST_TRAILER] = 0;
	reseal(copy, len + 1);
	assert_int_equal(try_import(&params, copy, len + 1),
	    PC_ERR_TRAILING_DATA);
	/* The body cut short anywhere, resealed: the parser finds it. */
	for (i = 8; i < len - DIGEST_TRAILER; i++) {
		memcpy(copy, wbuf_ptr(&st), i);
		reseal(copy, i + DIGEST_TRAILER);
		assert_int_not_equal(try_import(&params, copy,
		    i + DIGEST_TRAILER), 0);
	}
	free(copy);
	wbuf_clear(&st);
}

/* Every bit of the body flipped with the digest made to match: the
 * import fails or makes a transport, and never reads out of bounds
 * (run under ASan).  Flips of the structure (lengths, names, flags) must
 * fail; only values (keys, counters, pending bytes...) may pass. */
static void
test_import_resealed_flips(void **state)
{
	static const char *const ciphers[] = {
		"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
		"aes128-ctr",
	};
	struct tp_params params;
	struct wbuf st;
	uint8_t *copy;
	size_t len, i, c, failed, passed;
	int bit;

	(void)state;
	for (c = 0; c < NELEM(ciphers); c++) {
		make_state(&st, &params, ciphers[c], "ecdsa-sha2-nistp256");
		len = wbuf_len(&st);
		copy = malloc(len);
		assert_non_null(copy);
		failed = passed = 0;
		for (i = 8; i < len - DIGEST_TRAILER; i++) {
			for (bit = 0; bit < 8; bit++) {
				memcpy(copy, wbuf_ptr(&st), len);
				copy[i] ^= (uint8_t)(1 << bit);
				reseal(copy, len);
				if (try_import(&params, copy, len) == 0)
					passed++;
				else
					failed++;
			}
		}
		/* The role byte, names and lengths are most of the
		 * structure; key bytes and counters are values. */
		assert_true(failed > 8 * 100);
		assert_true(passed > 8 * 32);
		free(copy);
		wbuf_clear(&st);
	}
}

static void
test_import_wrong_role_or_key(void **state)
{
	struct tp_params params, cparams;
	struct pc_key *const *keys;
	struct pc_key *others[2];
	struct wbuf st;
	size_t n;

	(void)state;
	make_state(&st, &params, "aes128-ctr", "ssh-ed25519");
	/* A server's state is not a client's. */
	side_params(&cparams, NULL, TP_CLIENT);
	assert_int_equal(try_import(&cparams, wbuf_ptr(&st), wbuf_len(&st)),
	    PC_ERR_INVALID_FORMAT);
	/* The host key that signed must be among the importer's. */
	keys = pair_test_hostkeys(&n);
	assert_int_equal(key_get_type(keys[0]), KEY_ED25519);
	others[0] = keys[1];
	others[1] = keys[2];
	params.hostkeys = others;
	params.nhostkeys = 2;
	assert_int_equal(try_import(&params, wbuf_ptr(&st), wbuf_len(&st)),
	    PC_ERR_NOT_FOUND);
	/* In another order it is found. */
	others[0] = keys[2];
	others[1] = keys[0];
	assert_int_equal(try_import(&params, wbuf_ptr(&st), wbuf_len(&st)),
	    0);
	wbuf_clear(&st);
}

/* --------------------------------------------------- fuzzer seeds */

/* The fixture key the fuzz target also knows (its public half). */
static struct pc_key *
fixture_hostkey(void)
{
	FILE *f;
	uint8_t buf[4096];
	size_t n;
	struct pc_key *k = NULL;

	f = fopen("tests/data/keys/ed25519", "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(buf));
	assert_int_equal(key_parse_private(buf, n, &k, NULL), 0);
	return k;
}

static void
write_seed(const char *dir, const char *name, const struct wbuf *st)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	/* The body: the fuzz target appends the digest itself. */
	assert_int_equal(fwrite(wbuf_ptr(st), 1, wbuf_len(st) - DIGEST_TRAILER,
	    f), wbuf_len(st) - DIGEST_TRAILER);
	assert_int_equal(fclose(f), 0);
}

/*
 * States as the fuzz target's seeds: server and client, the three kinds
 * of cipher, a packet half read.  They are imported here with the
 * parameters the target uses (the fixture host key's public half) so a
 * seed that the target cannot import fails this test.
 */
static void
test_fuzz_seeds(void **state)
{
	static const struct {
		const char *name, *cipher, *mac;
		int client, late;
	} seeds[] = {
		{ "server-chacha", "chacha20-poly1305@openssh.com", NULL, 0,
		    0 },
		{ "server-gcm", "aes256-gcm@openssh.com", NULL, 0, 1 },
		{ "server-ctr-hmac", "aes128-ctr", "hmac-sha2-256", 0, 1 },
		{ "server-ctr-etm", "aes192-ctr",
		    "hmac-sha1-etm@openssh.com", 0, 0 },
		{ "client-chacha", "chacha20-poly1305@openssh.com", NULL, 1,
		    1 },
	};
	const char *dir = getenv("PC_TPX_SEED_DIR");
	struct pc_key *hk = fixture_hostkey(), *pub = NULL;
	struct pc_key *keys[1];
	struct tp_params cp, sp, ip;
	struct pair_side *x, *y;
	struct tp *t;
	struct pair p;
	struct wbuf st, line;
	size_t i;

	(void)state;
	wbuf_init(&line, 0);
	assert_int_equal(key_to_public_line(hk, "", &line), 0);
	assert_int_equal(wbuf_put_u8(&line, 0), 0);
	assert_int_equal(key_from_public_line((const char *)wbuf_ptr(&line),
	    &pub, NULL), 0);
	wbuf_clear(&line);
	for (i = 0; i < NELEM(seeds); i++) {
		memset(&cp, 0, sizeof(cp));
		cp.ciphers = seeds[i].cipher;
		cp.macs = seeds[i].mac;
		cp.kex_algs = "curve25519-sha256";
		cp.hostkey_algs = "ssh-ed25519";
		/* pair_new gives the server its own keys; swap in the
		 * fixture's by making the server here. */
		assert_int_equal(pair_new(&p, &cp, NULL), 0);
		tp_free(p.s.t);
		memset(&sp, 0, sizeof(sp));
		sp.role = TP_SERVER;
		sp.macs = mac_supported_list();
		keys[0] = hk;
		sp.hostkeys = keys;
		sp.nhostkeys = 1;
		sp.sign = pair_sign;
		assert_int_equal(tp_new(&sp, &p.s.t), 0);
		pair_pump(&p);
		established(&p);
		tp_set_authenticated(p.s.t);
		x = seeds[i].client ? &p.c : &p.s;
		y = seeds[i].client ? &p.s : &p.c;
		send_data(y, 1, 64);
		send_data(y, 2, 100);
		move_n(y, x, output_len(y) - 5);
		if (seeds[i].late)
			drain(x);
		else
			next_one(x);
		send_data(x, 3, 30);
		export_ok(x->t, &st);
		/* The fuzz target's parameters: public host key only. */
		memset(&ip, 0, sizeof(ip));
		ip.role = seeds[i].client ? TP_CLIENT : TP_SERVER;
		if (!seeds[i].client) {
			keys[0] = pub;
			ip.hostkeys = keys;
			ip.nhostkeys = 1;
			ip.sign = pair_sign;
			ip.macs = mac_supported_list();
		}
		t = NULL;
		assert_int_equal(tp_import(&ip, wbuf_ptr(&st), wbuf_len(&st),
		    &t), 0);
		tp_free(t);
		if (dir != NULL)
			write_seed(dir, seeds[i].name, &st);
		wbuf_clear(&st);
		pair_free(&p);
	}
	key_free(pub);
	key_free(hk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_combination),
		cmocka_unit_test(test_rekey_bytes_carried),
		cmocka_unit_test(test_rekey_time_carried),
		cmocka_unit_test(test_unauthenticated_carried),
		cmocka_unit_test(test_export_refused),
		cmocka_unit_test(test_import_damaged),
		cmocka_unit_test(test_import_resealed_flips),
		cmocka_unit_test(test_import_wrong_role_or_key),
		cmocka_unit_test(test_fuzz_seeds),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
