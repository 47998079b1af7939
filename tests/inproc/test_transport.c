/*
 * In-process transport tests: our client and our server exchange bytes in
 * one process through every kex method, cipher and MAC, rekeys started by
 * each side and by limits, with upper-layer data before, during and after
 * each rekey; plus strict kex, ping, ext-info and tampering.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kex.h"
#include "packet.h"
#include "pair.h"
#include "rand.h"
#include "ssh2.h"

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

/* An upper-layer message: GLOBAL_REQUEST-typed, a counter, filler. */
static void
send_data(struct pair_side *from, uint32_t id, size_t len)
{
	uint8_t buf[40000];

	assert_true(len >= 5 && len <= sizeof(buf));
	buf[0] = SSH2_MSG_GLOBAL_REQUEST;
	pc_put_u32(buf + 1, id);
	memset(buf + 5, (int)(id & 0xff), len - 5);
	assert_int_equal(tp_send(from->t, buf, len), 0);
}

/* The received messages carry ids first..first+n-1, in order. */
static void
check_data(const struct pair_side *to, size_t first_idx, uint32_t first_id,
    size_t n)
{
	size_t i;

	assert_true(to->nmsgs >= first_idx + n);
	for (i = 0; i < n; i++) {
		const struct wbuf *m = &to->msgs[first_idx + i];

		assert_true(wbuf_len(m) >= 5);
		assert_int_equal(wbuf_ptr(m)[0], SSH2_MSG_GLOBAL_REQUEST);
		assert_int_equal(pc_get_u32(wbuf_ptr(m) + 1), first_id + i);
	}
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

static void
test_every_kex(void **state)
{
	static const char *const kex[] = {
		"mlkem768x25519-sha256",
		"curve25519-sha256", "curve25519-sha256@libssh.org",
		"ecdh-sha2-nistp256", "ecdh-sha2-nistp384",
		"ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256",
		"diffie-hellman-group16-sha512",
		"diffie-hellman-group18-sha512",
		"diffie-hellman-group14-sha256",
	};
	struct tp_params cp;
	struct pair p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(kex) / sizeof(kex[0]); i++) {
		memset(&cp, 0, sizeof(cp));
		cp.kex_algs = kex[i];
		assert_int_equal(pair_new(&p, &cp, NULL), 0);
		pair_pump(&p);
		established(&p);
		assert_string_equal(tp_choice(p.c.t)->kex->name, kex[i]);
		assert_string_equal(tp_choice(p.s.t)->kex->name, kex[i]);
		assert_true(tp_choice(p.s.t)->strict);
		/* Data both ways after the kex. */
		send_data(&p.c, 1, 100);
		send_data(&p.s, 2, 100);
		pair_pump(&p);
		check_data(&p.s, 0, 1, 1);
		check_data(&p.c, 0, 2, 1);
		pair_free(&p);
	}
}

static void
test_every_cipher_mac_hostkey(void **state)
{
	static const char *const enc[] = {
		"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
		"aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr",
		"aes256-ctr",
	};
	static const char *const mac[] = {
		"hmac-sha2-256-etm@openssh.com",
		"hmac-sha2-512-etm@openssh.com", "hmac-sha2-256",
		"hmac-sha2-512", "hmac-sha1-etm@openssh.com", "hmac-sha1",
	};
	static const char *const hk[] = {
		"ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512",
		"rsa-sha2-256",
	};
	struct tp_params cp, sp;
	struct pair p;
	size_t i, j, k, n = 0;

	(void)state;
	for (i = 0; i < sizeof(enc) / sizeof(enc[0]); i++) {
		for (j = 0; j < sizeof(mac) / sizeof(mac[0]); j++) {
			k = (i + j) % (sizeof(hk) / sizeof(hk[0]));
			memset(&cp, 0, sizeof(cp));
			memset(&sp, 0, sizeof(sp));
			cp.ciphers = enc[i];
			cp.macs = mac[j];
			cp.hostkey_algs = hk[k];
			sp.ciphers = enc[i];
			sp.macs = "hmac-sha2-256-etm@openssh.com,"
			    "hmac-sha2-512-etm@openssh.com,hmac-sha2-256,"
			    "hmac-sha2-512,hmac-sha1-etm@openssh.com,"
			    "hmac-sha1";
			assert_int_equal(pair_new(&p, &cp, &sp), 0);
			pair_pump(&p);
			established(&p);
			assert_string_equal(tp_choice(p.s.t)->hostkey_alg,
			    hk[k]);
			send_data(&p.c, 7, 1 + 4 + i * 997 + j);
			send_data(&p.s, 8, 32768);
			pair_pump(&p);
			check_data(&p.s, 0, 7, 1);
			check_data(&p.c, 0, 8, 1);
			assert_int_equal(wbuf_len(&p.c.msgs[0]), 32768);
			pair_free(&p);
			n++;
		}
	}
	assert_int_equal(n, 36);
}

/* A rekey started by one side, with data sent while it runs. */
static void
rekey_from(struct pair *p, struct pair_side *starter, uint32_t id)
{
	unsigned before = tp_kex_count(p->c.t);
	size_t cn = p->c.nmsgs, sn = p->s.nmsgs;

	assert_int_equal(tp_rekey(starter->t), 0);
	assert_true(tp_in_kex(starter->t));
	/* Sent during the kex: held by the starter, released after. */
	send_data(&p->c, id, 300);
	send_data(&p->s, id + 1, 300);
	pair_pump(p);
	assert_int_equal(p->c.err, 0);
	assert_int_equal(p->s.err, 0);
	assert_int_equal(tp_kex_count(p->c.t), before + 1);
	assert_int_equal(tp_kex_count(p->s.t), before + 1);
	assert_false(tp_in_kex(p->c.t));
	/* And after it. */
	send_data(&p->c, id + 2, 5000);
	send_data(&p->s, id + 3, 5000);
	pair_pump(p);
	check_data(&p->s, sn, id, 1);
	check_data(&p->s, sn + 1, id + 2, 1);
	check_data(&p->c, cn, id + 1, 1);
	check_data(&p->c, cn + 1, id + 3, 1);
}

static void
test_rekey_both_sides(void **state)
{
	static const char *const kex[] = {
		"curve25519-sha256", "diffie-hellman-group-exchange-sha256",
		"ecdh-sha2-nistp384",
	};
	struct tp_params cp;
	struct pair p;
	const uint8_t *sid;
	uint8_t sid0[DIGEST_MAX_LEN];
	size_t i, sidlen;

	(void)state;
	for (i = 0; i < sizeof(kex) / sizeof(kex[0]); i++) {
		memset(&cp, 0, sizeof(cp));
		cp.kex_algs = kex[i];
		assert_int_equal(pair_new(&p, &cp, NULL), 0);
		pair_pump(&p);
		established(&p);
		sid = tp_session_id(p.s.t, &sidlen);
		memcpy(sid0, sid, sidlen);
		rekey_from(&p, &p.c, 100);
		rekey_from(&p, &p.s, 200);
		rekey_from(&p, &p.c, 300);
		assert_int_equal(tp_kex_count(p.s.t), 4);
		/* The session id stays the first exchange hash. */
		sid = tp_session_id(p.s.t, &sidlen);
		assert_memory_equal(sid, sid0, sidlen);
		pair_free(&p);
	}
}

static void
test_rekey_on_byte_limit(void **state)
{
	struct tp_params sp;
	struct pair p;
	uint32_t i;

	(void)state;
	memset(&sp, 0, sizeof(sp));
	sp.rekey_bytes = 64 * 1024;
	assert_int_equal(pair_new(&p, NULL, &sp), 0);
	pair_pump(&p);
	established(&p);
	/* Before authentication the limit starts nothing (as OpenSSH). */
	for (i = 0; i < 8; i++) {
		send_data(&p.c, 1000 + i, 16000);
		pair_pump(&p);
	}
	assert_int_equal(tp_kex_count(p.s.t), 1);
	check_data(&p.s, 0, 1000, 8);
	tp_set_authenticated(p.s.t);
	for (i = 0; i < 40; i++) {
		send_data(&p.c, i, 16000);
		pair_pump(&p);
	}
	assert_int_equal(p.s.err, 0);
	assert_int_equal(p.c.err, 0);
	/* 640 kB through a 64 KiB limit: several server-started rekeys. */
	assert_true(tp_kex_count(p.s.t) >= 5);
	check_data(&p.s, 8, 0, 40);
	pair_free(&p);
}

static void
test_rekey_on_time_limit(void **state)
{
	struct tp_params sp;
	struct pair p;

	(void)state;
	memset(&sp, 0, sizeof(sp));
	sp.rekey_seconds = 60;
	assert_int_equal(pair_new(&p, NULL, &sp), 0);
	assert_int_equal(tp_set_time(p.s.t, 1000), 0);
	pair_pump(&p);
	established(&p);
	assert_int_equal(tp_set_time(p.s.t, 1100), 0);
	pair_pump(&p);
	assert_int_equal(tp_kex_count(p.s.t), 1);	/* not before auth */
	tp_set_authenticated(p.s.t);
	assert_int_equal(tp_set_time(p.s.t, 1059), 0);
	pair_pump(&p);
	assert_int_equal(tp_kex_count(p.s.t), 1);
	assert_int_equal(tp_set_time(p.s.t, 1060), 0);
	pair_pump(&p);
	assert_int_equal(tp_kex_count(p.s.t), 2);
	assert_int_equal(tp_kex_count(p.c.t), 2);
	pair_free(&p);
}

static void
test_ext_info_and_ping(void **state)
{
	struct pair p;
	uint8_t ping[] = { SSH2_MSG_PING, 0, 0, 0, 3, 'a', 'b', 'c' };

	(void)state;
	assert_int_equal(pair_new(&p, NULL, NULL), 0);
	pair_pump(&p);
	established(&p);
	assert_non_null(tp_server_sig_algs(p.c.t));
	assert_true(kex_list_has(tp_server_sig_algs(p.c.t), "ssh-ed25519"));
	assert_true(kex_list_has(tp_server_sig_algs(p.c.t), "rsa-sha2-512"));
	/* PING is answered by the transport, PONG is absorbed by it:
	 * neither reaches the upper layer, and both sides stay up. */
	assert_int_equal(tp_send(p.c.t, ping, sizeof(ping)), 0);
	pair_pump(&p);
	assert_int_equal(p.s.nmsgs, 0);
	assert_int_equal(p.c.nmsgs, 0);
	assert_int_equal(p.s.err, 0);
	assert_int_equal(p.c.err, 0);
	pair_free(&p);
}

static void
test_bad_mac_is_fatal(void **state)
{
	struct tp_params cp;
	struct pair p;
	static const char *const enc[] = {
		"aes128-ctr", "aes256-gcm@openssh.com",
		"chacha20-poly1305@openssh.com",
	};
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		memset(&cp, 0, sizeof(cp));
		cp.ciphers = enc[i];
		assert_int_equal(pair_new(&p, &cp, NULL), 0);
		pair_pump(&p);
		established(&p);
		send_data(&p.c, 1, 200);
		p.corrupt_next_c2s = 1;
		pair_pump(&p);
		assert_int_equal(p.s.err, PC_ERR_MAC_INVALID);
		assert_int_equal(tp_error_reason(p.s.err),
		    SSH2_DISCONNECT_MAC_ERROR);
		assert_int_equal(p.s.nmsgs, 0);
		pair_free(&p);
	}
}

static int
refuse_key(void *arg, const struct pc_key *k)
{
	(void)arg;
	(void)k;
	return PC_ERR_HOSTKEY_REJECTED;
}

static void
test_client_refuses_hostkey(void **state)
{
	struct tp_params cp;
	struct pair p;

	(void)state;
	memset(&cp, 0, sizeof(cp));
	cp.check_hostkey = refuse_key;
	assert_int_equal(pair_new(&p, &cp, NULL), 0);
	pair_pump(&p);
	assert_int_equal(p.c.err, PC_ERR_HOSTKEY_REJECTED);
	assert_false(tp_established(p.c.t));
	pair_free(&p);
}

static void
test_no_common_algorithm(void **state)
{
	struct tp_params cp, sp;
	struct pair p;

	(void)state;
	memset(&cp, 0, sizeof(cp));
	memset(&sp, 0, sizeof(sp));
	cp.ciphers = "aes128-ctr";
	sp.ciphers = "aes256-gcm@openssh.com";
	assert_int_equal(pair_new(&p, &cp, &sp), 0);
	pair_pump(&p);
	assert_int_equal(p.s.err, PC_ERR_NO_ALGORITHM_MATCH);
	pair_free(&p);
}

/*
 * A hand-made client: version line and cleartext packets, to send what
 * our own client never would.
 */
static void
raw_client_kexinit(struct packet *pk, const char *kex)
{
	const char *lists[KEX_PROP_MAX] = {
		kex, "ssh-ed25519", "aes128-ctr", "aes128-ctr",
		"hmac-sha2-256", "hmac-sha2-256", "none", "none", "", "",
	};
	struct wbuf b;

	wbuf_init(&b, 0);
	assert_int_equal(kexinit_build(&b, lists), 0);
	assert_int_equal(packet_write(pk, wbuf_ptr(&b), wbuf_len(&b)), 0);
	wbuf_clear(&b);
}

static int
feed_server(struct packet *pk)
{
	struct tp_params sp;
	struct tp *s = NULL;
	const uint8_t *o, *m;
	size_t len, n;
	int r;

	memset(&sp, 0, sizeof(sp));
	sp.role = TP_SERVER;
	sp.hostkeys = pair_test_hostkeys(&n);
	sp.nhostkeys = n;
	sp.sign = pair_sign;
	assert_int_equal(tp_new(&sp, &s), 0);
	o = packet_output_ptr(pk, &len);
	assert_int_equal(tp_input(s, o, len), 0);
	while ((r = tp_next(s, &m, &len)) == 0)
		;
	tp_free(s);
	return r;
}

static void
test_strict_kex_rejects_ignore_first(void **state)
{
	static const uint8_t ignore[] = { SSH2_MSG_IGNORE, 0, 0, 0, 0 };
	struct packet pk;

	(void)state;
	/* Strict: an IGNORE before KEXINIT is fatal (Terrapin). */
	packet_init(&pk);
	assert_int_equal(packet_output_raw(&pk, "SSH-2.0-raw\r\n", 13), 0);
	assert_int_equal(packet_write(&pk, ignore, sizeof(ignore)), 0);
	raw_client_kexinit(&pk, "curve25519-sha256," KEX_STRICT_C);
	assert_int_equal(feed_server(&pk), PC_ERR_STRICT_KEX);
	packet_clear(&pk);

	/* Without strict kex the same IGNORE is allowed. */
	packet_init(&pk);
	assert_int_equal(packet_output_raw(&pk, "SSH-2.0-raw\r\n", 13), 0);
	assert_int_equal(packet_write(&pk, ignore, sizeof(ignore)), 0);
	raw_client_kexinit(&pk, "curve25519-sha256");
	assert_int_equal(feed_server(&pk), PC_ERR_AGAIN);
	packet_clear(&pk);

	/* Strict: an IGNORE after KEXINIT, during the kex, is fatal. */
	packet_init(&pk);
	assert_int_equal(packet_output_raw(&pk, "SSH-2.0-raw\r\n", 13), 0);
	raw_client_kexinit(&pk, "curve25519-sha256," KEX_STRICT_C);
	assert_int_equal(packet_write(&pk, ignore, sizeof(ignore)), 0);
	assert_int_equal(feed_server(&pk), PC_ERR_STRICT_KEX);
	packet_clear(&pk);
}

static void
test_unexpected_messages(void **state)
{
	static const uint8_t svc[] = { SSH2_MSG_SERVICE_REQUEST, 0, 0, 0, 1,
	    'x' };
	static const uint8_t newkeys[] = { SSH2_MSG_NEWKEYS };
	static const uint8_t reply[] = { SSH2_MSG_KEX_ECDH_REPLY, 0, 0, 0,
	    0 };
	const uint8_t *msgs[] = { svc, newkeys, reply };
	size_t lens[] = { sizeof(svc), sizeof(newkeys), sizeof(reply) };
	struct packet pk;
	size_t i;

	(void)state;
	/* Without strict kex too, these are never allowed during a kex. */
	for (i = 0; i < 3; i++) {
		packet_init(&pk);
		assert_int_equal(packet_output_raw(&pk, "SSH-2.0-raw\r\n",
		    13), 0);
		raw_client_kexinit(&pk, "curve25519-sha256");
		assert_int_equal(packet_write(&pk, msgs[i], lens[i]), 0);
		assert_int_equal(feed_server(&pk),
		    PC_ERR_UNEXPECTED_MESSAGE);
		packet_clear(&pk);
	}
}

static void
test_truncated_kex_messages(void **state)
{
	/* An ECDH_INIT whose string is cut short, and a KEXINIT cut in a
	 * name-list. */
	static const uint8_t init[] = { SSH2_MSG_KEX_ECDH_INIT, 0, 0, 0, 32,
	    1, 2, 3 };
	struct packet pk;
	struct wbuf b;
	const char *lists[KEX_PROP_MAX] = {
		"curve25519-sha256", "ssh-ed25519", "aes128-ctr",
		"aes128-ctr", "hmac-sha2-256", "hmac-sha2-256", "none",
		"none", "", "",
	};

	(void)state;
	packet_init(&pk);
	assert_int_equal(packet_output_raw(&pk, "SSH-2.0-raw\r\n", 13), 0);
	raw_client_kexinit(&pk, "curve25519-sha256");
	assert_int_equal(packet_write(&pk, init, sizeof(init)), 0);
	assert_int_equal(feed_server(&pk), PC_ERR_MSG_INCOMPLETE);
	packet_clear(&pk);

	wbuf_init(&b, 0);
	assert_int_equal(kexinit_build(&b, lists), 0);
	packet_init(&pk);
	assert_int_equal(packet_output_raw(&pk, "SSH-2.0-raw\r\n", 13), 0);
	assert_int_equal(packet_write(&pk, wbuf_ptr(&b), 40), 0);
	assert_int_equal(feed_server(&pk), PC_ERR_MSG_INCOMPLETE);
	packet_clear(&pk);
	wbuf_clear(&b);
}

static void
test_wrong_guess_is_skipped(void **state)
{
	const char *lists[KEX_PROP_MAX] = {
		"ecdh-sha2-nistp256,curve25519-sha256", "ssh-ed25519",
		"aes128-ctr", "aes128-ctr", "hmac-sha2-256", "hmac-sha2-256",
		"none", "none", "", "",
	};
	static const uint8_t guess[] = { SSH2_MSG_KEX_ECDH_INIT, 0, 0, 0, 1,
	    9 };
	struct packet pk;
	struct wbuf b;
	uint8_t *p;

	(void)state;
	/* The client guesses nistp256 but the server prefers curve25519:
	 * RFC 4253 s. 7 says the guessed packet is ignored. */
	wbuf_init(&b, 0);
	assert_int_equal(kexinit_build(&b, lists), 0);
	p = wbuf_mutable_ptr(&b);
	p[wbuf_len(&b) - 5] = 1;	/* first_kex_packet_follows */
	packet_init(&pk);
	assert_int_equal(packet_output_raw(&pk, "SSH-2.0-raw\r\n", 13), 0);
	assert_int_equal(packet_write(&pk, wbuf_ptr(&b), wbuf_len(&b)), 0);
	assert_int_equal(packet_write(&pk, guess, sizeof(guess)), 0);
	/* The bad guess (a 1-byte "public key") is dropped, not refused. */
	assert_int_equal(feed_server(&pk), PC_ERR_AGAIN);
	packet_clear(&pk);
	wbuf_clear(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kex),
		cmocka_unit_test(test_every_cipher_mac_hostkey),
		cmocka_unit_test(test_rekey_both_sides),
		cmocka_unit_test(test_rekey_on_byte_limit),
		cmocka_unit_test(test_rekey_on_time_limit),
		cmocka_unit_test(test_ext_info_and_ping),
		cmocka_unit_test(test_bad_mac_is_fatal),
		cmocka_unit_test(test_client_refuses_hostkey),
		cmocka_unit_test(test_no_common_algorithm),
		cmocka_unit_test(test_strict_kex_rejects_ignore_first),
		cmocka_unit_test(test_unexpected_messages),
		cmocka_unit_test(test_truncated_kex_messages),
		cmocka_unit_test(test_wrong_guess_is_skipped),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
