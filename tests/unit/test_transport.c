/*
 * Unit tests for the transport engine (transport/transport.c, kexmsg.c)
 * at the message level, complementing tests/inproc/test_transport.c.
 *
 * Most tests drive our server with a hand-made client built here from
 * the packet layer and the kex primitives, written from RFC 4253 s. 7-8
 * and RFC 8731: it computes the exchange hash and keys itself, so it can
 * read what the server sends after NEWKEYS (UNIMPLEMENTED, a rekey's
 * KEXINIT, DISCONNECT, PONG) and send what our own client never would.
 * A hand-made server likewise feeds our client bad group-exchange groups.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kex.h"
#include "kexalg.h"
#include "key.h"
#include "packet.h"
#include "pair.h"
#include "rand.h"
#include "ssh2.h"
#include "transport.h"
#include "version.h"

#define MODULI_SAMPLE	"tests/kat/data/moduli-sample"
#define RAW_VERSION	"SSH-2.0-rawclient_1.0"
#define RAW_KEX		"curve25519-sha256"
#define GEX		"diffie-hellman-group-exchange-sha256"
#define MAX_MODULI	16

static struct kex_moduli_entry moduli[MAX_MODULI];
static size_t nmoduli;

static int
group_setup(void **state)
{
	char line[KEXALG_MODULI_LINE_MAX + 2];
	FILE *f;
	size_t n;
	int r;

	(void)state;
	if (crypto_lib_init() != 0)
		return -1;
	(void)pair_test_hostkeys(&n);
	if ((f = fopen(MODULI_SAMPLE, "r")) == NULL)
		return -1;
	while (nmoduli < MAX_MODULI && fgets(line, sizeof(line), f) != NULL) {
		r = kexalg_moduli_parse_line(line, &moduli[nmoduli]);
		if (r == 0)
			nmoduli++;
		else if (r != PC_ERR_NOT_FOUND)	/* comments */
			break;
	}
	fclose(f);
	return nmoduli == 6 ? 0 : -1;
}

static int
group_teardown(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nmoduli; i++)
		kexalg_moduli_clear(&moduli[i]);
	return 0;
}

/* ------------------------------------------------- the hand-made peer */

struct raw {
	struct packet pk;	/* our side: TX to the tp, RX from it */
	struct tp *t;		/* the transport under test */
	int role;		/* the tp's role */
	struct version_state vs;
	struct wbuf mine, theirs;	/* KEXINIT payloads */
	int strict;
	int ext_info;		/* we offered ext-info-c */
	int tp_err;		/* last tp_next result */
	struct wbuf delivered;	/* last upper-layer message from tp */
	size_t ndelivered;
};

static void
server_params(struct tp_params *sp)
{
	size_t n;

	memset(sp, 0, sizeof(*sp));
	sp->role = TP_SERVER;
	sp->hostkeys = pair_test_hostkeys(&n);
	sp->nhostkeys = n;
	sp->sign = pair_sign;
}

/* Our peer's version line and KEXINIT; the transport is made from p. */
static void
raw_start(struct raw *rc, const struct tp_params *p,
    const char *const lists[KEX_PROP_MAX])
{
	static const char srv[] = "SSH-2.0-rawserver\r\n";

	memset(rc, 0, sizeof(*rc));
	packet_init(&rc->pk);
	wbuf_init(&rc->mine, 0);
	wbuf_init(&rc->theirs, 0);
	wbuf_init(&rc->delivered, 0);
	rc->role = p->role;
	version_init(&rc->vs, p->role == TP_SERVER);
	assert_int_equal(tp_new(p, &rc->t), 0);
	if (p->role == TP_SERVER)
		assert_int_equal(packet_output_raw(&rc->pk, RAW_VERSION "\r\n",
		    strlen(RAW_VERSION) + 2), 0);
	else
		assert_int_equal(packet_output_raw(&rc->pk, srv,
		    sizeof(srv) - 1), 0);
	assert_int_equal(kexinit_build(&rc->mine, lists), 0);
	assert_int_equal(packet_write(&rc->pk, wbuf_ptr(&rc->mine),
	    wbuf_len(&rc->mine)), 0);
}

static void
raw_free(struct raw *rc)
{
	tp_free(rc->t);
	packet_clear(&rc->pk);
	wbuf_clear(&rc->mine);
	wbuf_clear(&rc->theirs);
	wbuf_clear(&rc->delivered);
}

/* Move bytes both ways and run the transport until it wants more. */
static int
raw_flush(struct raw *rc)
{
	const uint8_t *o, *m;
	size_t len, used;
	int r;

	o = packet_output_ptr(&rc->pk, &len);
	if (len > 0) {
		assert_int_equal(tp_input(rc->t, o, len), 0);
		assert_int_equal(packet_output_consume(&rc->pk, len), 0);
	}
	while ((r = tp_next(rc->t, &m, &len)) == 0) {
		wbuf_reset(&rc->delivered);
		assert_int_equal(wbuf_put(&rc->delivered, m, len), 0);
		rc->ndelivered++;
	}
	rc->tp_err = r;
	o = tp_output_ptr(rc->t, &len);
	if (len > 0) {
		if (!rc->vs.done) {
			/* The tp's version line comes first. */
			assert_int_equal(version_input(&rc->vs, o, len,
			    &used), 0);
			assert_int_equal(tp_output_consume(rc->t, used), 0);
			o = tp_output_ptr(rc->t, &len);
		}
		assert_int_equal(packet_input(&rc->pk, o, len), 0);
		assert_int_equal(tp_output_consume(rc->t, len), 0);
	}
	return r;
}

/* The next packet from the transport, copied into out (reset). */
static uint8_t
raw_read(struct raw *rc, struct wbuf *out)
{
	const uint8_t *p;
	size_t len;

	assert_int_equal(packet_read(&rc->pk, &p, &len), 0);
	wbuf_reset(out);
	assert_int_equal(wbuf_put(out, p, len), 0);
	return p[0];
}

static void
raw_no_more(struct raw *rc)
{
	const uint8_t *p;
	size_t len;

	assert_int_equal(packet_read(&rc->pk, &p, &len), PC_ERR_AGAIN);
}

static void
raw_send(struct raw *rc, const void *p, size_t len)
{
	assert_int_equal(packet_write(&rc->pk, p, len), 0);
}

static void
raw_send_wbuf(struct raw *rc, const struct wbuf *m)
{
	raw_send(rc, wbuf_ptr(m), wbuf_len(m));
}

static void
client_lists(const char *lists[KEX_PROP_MAX], const char *kex)
{
	lists[KEX_PROP_KEX] = kex;
	lists[KEX_PROP_HOSTKEY] = "ssh-ed25519";
	lists[KEX_PROP_ENC_CTOS] = lists[KEX_PROP_ENC_STOC] = "aes128-ctr";
	lists[KEX_PROP_MAC_CTOS] = lists[KEX_PROP_MAC_STOC] = "hmac-sha2-256";
	lists[KEX_PROP_COMP_CTOS] = lists[KEX_PROP_COMP_STOC] = "none";
	lists[KEX_PROP_LANG_CTOS] = lists[KEX_PROP_LANG_STOC] = "";
}

/* A server under test and our client's first flight. */
static void
raw_client_start(struct raw *rc, const struct tp_params *sp,
    const char *kex)
{
	const char *lists[KEX_PROP_MAX];
	struct tp_params p;

	if (sp != NULL)
		p = *sp;
	else
		server_params(&p);
	client_lists(lists, kex);
	raw_start(rc, &p, lists);
	rc->strict = kex_list_has(kex, KEX_STRICT_C);
	rc->ext_info = kex_list_has(kex, KEX_EXT_INFO_C);
}

/*
 * Our client's side of a curve25519 kex with the server, from the
 * server's KEXINIT to both NEWKEYS (RFC 4253 s. 7.2 and 8, RFC 8731).
 */
static void
raw_client_kex(struct raw *rc)
{
	const struct kex_alg *alg = kexalg_by_name(RAW_KEX);
	const struct cipher_alg *c = cipher_by_name("aes128-ctr");
	const struct mac_alg *m = mac_by_name("hmac-sha2-256");
	struct kexalg_state *st = NULL;
	struct wbuf qc, msg, K, h, rd;
	const uint8_t *ks, *qs, *sig;
	size_t kslen, qslen, siglen;
	uint8_t H[32], iv[2][16], key[2][16], mk[2][32];
	struct pc_key *hk = NULL;
	uint8_t type;
	int d;

	wbuf_init(&qc, 0);
	wbuf_init(&msg, 0);
	wbuf_init(&K, 0);
	wbuf_init(&h, 0);
	assert_int_equal(raw_flush(rc), PC_ERR_AGAIN);
	assert_int_equal(raw_read(rc, &rc->theirs), SSH2_MSG_KEXINIT);

	/* byte SSH_MSG_KEX_ECDH_INIT, string Q_C */
	assert_int_equal(alg->client_keypair(alg, NULL, &st, &qc), 0);
	assert_int_equal(wbuf_put_u8(&msg, SSH2_MSG_KEX_ECDH_INIT), 0);
	assert_int_equal(wbuf_put_stringb(&msg, &qc), 0);
	raw_send_wbuf(rc, &msg);
	assert_int_equal(raw_flush(rc), PC_ERR_AGAIN);

	/* byte SSH_MSG_KEX_ECDH_REPLY, string K_S, string Q_S, string sig */
	assert_int_equal(raw_read(rc, &msg), SSH2_MSG_KEX_ECDH_REPLY);
	wbuf_init_const(&rd, wbuf_ptr(&msg) + 1, wbuf_len(&msg) - 1);
	assert_int_equal(wbuf_get_string_direct(&rd, &ks, &kslen), 0);
	assert_int_equal(wbuf_get_string_direct(&rd, &qs, &qslen), 0);
	assert_int_equal(wbuf_get_string_direct(&rd, &sig, &siglen), 0);
	assert_int_equal(wbuf_get_end(&rd), 0);
	assert_int_equal(alg->client_decaps(st, qs, qslen, &K), 0);

	/* H = HASH(V_C || V_S || I_C || I_S || K_S || Q_C || Q_S || K) */
	assert_int_equal(wbuf_put_cstring(&h, RAW_VERSION), 0);
	assert_int_equal(wbuf_put_cstring(&h, rc->vs.peer), 0);
	assert_int_equal(wbuf_put_stringb(&h, &rc->mine), 0);
	assert_int_equal(wbuf_put_stringb(&h, &rc->theirs), 0);
	assert_int_equal(wbuf_put_string(&h, ks, kslen), 0);
	assert_int_equal(wbuf_put_stringb(&h, &qc), 0);
	assert_int_equal(wbuf_put_string(&h, qs, qslen), 0);
	assert_int_equal(wbuf_put(&h, wbuf_ptr(&K), wbuf_len(&K)), 0);
	assert_int_equal(digest_memory(DIGEST_SHA256, wbuf_ptr(&h),
	    wbuf_len(&h), H, sizeof(H)), 0);
	assert_int_equal(key_from_blob(ks, kslen, &hk), 0);
	assert_int_equal(key_get_type(hk), KEY_ED25519);
	assert_int_equal(key_verify(hk, "ssh-ed25519", H, sizeof(H), sig,
	    siglen), 0);

	/* RFC 4253 s. 7.2: IVs A/B, keys C/D, MAC keys E/F; the first H
	 * is the session id. */
	for (d = 0; d < 2; d++) {
		assert_int_equal(kex_derive_key(DIGEST_SHA256, wbuf_ptr(&K),
		    wbuf_len(&K), H, 32, H, 32, 'A' + d, iv[d], 16), 0);
		assert_int_equal(kex_derive_key(DIGEST_SHA256, wbuf_ptr(&K),
		    wbuf_len(&K), H, 32, H, 32, 'C' + d, key[d], 16), 0);
		assert_int_equal(kex_derive_key(DIGEST_SHA256, wbuf_ptr(&K),
		    wbuf_len(&K), H, 32, H, 32, 'E' + d, mk[d], 32), 0);
	}
	type = SSH2_MSG_NEWKEYS;
	raw_send(rc, &type, 1);
	assert_int_equal(packet_set_keys(&rc->pk, PACKET_TX, c, key[0], iv[0],
	    m, mk[0], 0), 0);
	if (rc->strict)
		packet_reset_seqnr(&rc->pk, PACKET_TX);
	assert_int_equal(raw_read(rc, &msg), SSH2_MSG_NEWKEYS);
	assert_int_equal(wbuf_len(&msg), 1);
	assert_int_equal(packet_set_keys(&rc->pk, PACKET_RX, c, key[1], iv[1],
	    m, mk[1], 0), 0);
	if (rc->strict)
		packet_reset_seqnr(&rc->pk, PACKET_RX);
	assert_int_equal(raw_flush(rc), PC_ERR_AGAIN);
	assert_true(tp_established(rc->t));
	/* The server's own session id is the H computed here. */
	{
		const uint8_t *sid;
		size_t sidlen;

		sid = tp_session_id(rc->t, &sidlen);
		assert_int_equal(sidlen, 32);
		assert_memory_equal(sid, H, 32);
	}
	/* RFC 8308 s. 2.4: EXT_INFO, the first packet under the new keys,
	 * since we offered ext-info-c. */
	if (rc->ext_info)
		assert_int_equal(raw_read(rc, &msg), SSH2_MSG_EXT_INFO);
	raw_no_more(rc);

	kexalg_state_free(st);
	key_free(hk);
	pc_wipe(iv, sizeof(iv));
	pc_wipe(key, sizeof(key));
	pc_wipe(mk, sizeof(mk));
	wbuf_clear(&qc);
	wbuf_clear(&msg);
	wbuf_clear(&K);
	wbuf_clear(&h);
}

static void
raw_established(struct raw *rc, int strict)
{
	raw_client_start(rc, NULL, strict ?
	    RAW_KEX "," KEX_EXT_INFO_C "," KEX_STRICT_C :
	    RAW_KEX "," KEX_EXT_INFO_C);
	raw_client_kex(rc);
	assert_int_equal(tp_choice(rc->t)->strict, strict);
	assert_true(tp_choice(rc->t)->ext_info_c);
}

/* ------------------------------------------------------------ tp_new */

static void
test_new_refuses(void **state)
{
	struct pc_key *const *keys;
	struct pc_key *one[1];
	struct tp_params sp;
	struct tp *t;
	size_t n;

	(void)state;
	keys = pair_test_hostkeys(&n);
	server_params(&sp);
	sp.nhostkeys = 0;
	t = (struct tp *)&sp;	/* tp_new must set it to NULL */
	assert_int_equal(tp_new(&sp, &t), PC_ERR_INVALID_ARGUMENT);
	assert_null(t);
	server_params(&sp);
	sp.sign = NULL;
	assert_int_equal(tp_new(&sp, &t), PC_ERR_INVALID_ARGUMENT);
	assert_null(t);
	/* HostKeyAlgorithms naming only algorithms we have no key for. */
	one[0] = keys[0];	/* ed25519 */
	server_params(&sp);
	sp.hostkeys = one;
	sp.nhostkeys = 1;
	sp.hostkey_algs = "rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256";
	assert_int_equal(tp_new(&sp, &t), PC_ERR_NOT_FOUND);
	assert_null(t);
	/* Unknown names only. */
	sp.hostkey_algs = "ssh-dss,x509v3-ssh-ed25519";
	assert_int_equal(tp_new(&sp, &t), PC_ERR_NOT_FOUND);
	/* A NULL slot is not a key. */
	one[0] = NULL;
	sp.hostkey_algs = NULL;
	assert_int_equal(tp_new(&sp, &t), PC_ERR_NOT_FOUND);
	/* A client needs neither. */
	memset(&sp, 0, sizeof(sp));
	sp.role = TP_CLIENT;
	assert_int_equal(tp_new(&sp, &t), 0);
	tp_free(t);
	tp_free(NULL);
}

/* The server's first output: its version line and its KEXINIT. */
static void
first_kexinit(const struct tp_params *sp, struct kexinit *k)
{
	struct version_state vs;
	struct packet pk;
	struct tp *t;
	const uint8_t *o, *p;
	size_t len, used;

	assert_int_equal(tp_new(sp, &t), 0);
	o = tp_output_ptr(t, &len);
	version_init(&vs, 1);
	assert_int_equal(version_input(&vs, o, len, &used), 0);
	assert_int_equal(strncmp(vs.peer, "SSH-2.0-Portcullis_", 19), 0);
	packet_init(&pk);
	assert_int_equal(packet_input(&pk, o + used, len - used), 0);
	assert_int_equal(packet_read(&pk, &p, &len), 0);
	assert_int_equal(kexinit_parse(p, len, k), 0);
	/* Nothing else: the KEXINIT is sent without waiting. */
	assert_int_equal(packet_read(&pk, &p, &len), PC_ERR_AGAIN);
	packet_clear(&pk);
	tp_free(t);
}

static void
test_server_first_kexinit(void **state)
{
	struct pc_key *const *keys;
	struct pc_key *two[2];
	struct tp_params sp;
	struct kexinit k;
	size_t n;

	(void)state;
	keys = pair_test_hostkeys(&n);
	server_params(&sp);
	first_kexinit(&sp, &k);
	assert_true(kex_list_has(k.list[KEX_PROP_KEX], KEX_EXT_INFO_S));
	assert_true(kex_list_has(k.list[KEX_PROP_KEX], KEX_STRICT_S));
	assert_false(kex_list_has(k.list[KEX_PROP_KEX], KEX_EXT_INFO_C));
	assert_false(kex_list_has(k.list[KEX_PROP_KEX], KEX_STRICT_C));
	assert_true(kex_list_has(k.list[KEX_PROP_KEX], "curve25519-sha256"));
	/* Keys: ed25519, ecdsa-p256, rsa; the default list's nistp384 and
	 * nistp521 have no key. */
	assert_string_equal(k.list[KEX_PROP_HOSTKEY],
	    "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256");
	assert_string_equal(k.list[KEX_PROP_COMP_CTOS], "none");
	assert_string_equal(k.list[KEX_PROP_LANG_STOC], "");
	assert_false(k.first_kex_follows);
	kexinit_clear(&k);

	/* The configured order is kept, filtered by the keys held. */
	two[0] = keys[2];	/* rsa */
	two[1] = keys[0];	/* ed25519 */
	sp.hostkeys = two;
	sp.nhostkeys = 2;
	sp.hostkey_algs = "ecdsa-sha2-nistp384,rsa-sha2-256,ssh-ed25519,"
	    "ecdsa-sha2-nistp256,rsa-sha2-512";
	sp.kex_algs = "ecdh-sha2-nistp256";
	sp.ciphers = "aes256-ctr";
	sp.macs = "hmac-sha1";
	first_kexinit(&sp, &k);
	assert_string_equal(k.list[KEX_PROP_HOSTKEY],
	    "rsa-sha2-256,ssh-ed25519,rsa-sha2-512");
	assert_string_equal(k.list[KEX_PROP_KEX], "ecdh-sha2-nistp256,"
	    KEX_EXT_INFO_S "," KEX_STRICT_S);
	assert_string_equal(k.list[KEX_PROP_ENC_CTOS], "aes256-ctr");
	assert_string_equal(k.list[KEX_PROP_ENC_STOC], "aes256-ctr");
	assert_string_equal(k.list[KEX_PROP_MAC_STOC], "hmac-sha1");
	kexinit_clear(&k);
}

static void
test_rekey_kexinit(void **state)
{
	struct raw rc;
	struct kexinit k;
	struct wbuf m;
	int strict;

	(void)state;
	wbuf_init(&m, 0);
	for (strict = 0; strict <= 1; strict++) {
		raw_established(&rc, strict);
		assert_int_equal(tp_rekey(rc.t), 0);
		assert_true(tp_in_kex(rc.t));
		/* A second request while one runs is a no-op. */
		assert_int_equal(tp_rekey(rc.t), 0);
		assert_int_equal(raw_flush(&rc), PC_ERR_AGAIN);
		assert_int_equal(raw_read(&rc, &m), SSH2_MSG_KEXINIT);
		raw_no_more(&rc);
		assert_int_equal(kexinit_parse(wbuf_ptr(&m), wbuf_len(&m), &k),
		    0);
		/* The pseudo-algorithms belong to the first kex only. */
		assert_false(kex_list_has(k.list[KEX_PROP_KEX],
		    KEX_EXT_INFO_S));
		assert_false(kex_list_has(k.list[KEX_PROP_KEX],
		    KEX_STRICT_S));
		assert_true(kex_list_has(k.list[KEX_PROP_KEX], RAW_KEX));
		kexinit_clear(&k);
		raw_free(&rc);
	}
	wbuf_clear(&m);
}

/* ------------------------------------------- messages after the kex */

static void
test_unimplemented_reply(void **state)
{
	static const uint8_t ignore[] = { SSH2_MSG_IGNORE, 0, 0, 0, 2, 'h',
	    'i' };
	static const uint8_t dbg[] = { SSH2_MSG_DEBUG, 1, 0, 0, 0, 3, 'a',
	    'b', 'c', 0, 0, 0, 0 };
	static const uint8_t unknown[][3] = { { 15, 1, 2 }, { 8 }, { 19 },
	    { 29 }, { 35 }, { 49 } };
	static const uint8_t svc[] = { SSH2_MSG_SERVICE_REQUEST, 0, 0, 0, 1,
	    'x' };
	struct raw rc;
	struct wbuf m;
	uint32_t seq;
	size_t i;
	int strict;

	(void)state;
	wbuf_init(&m, 0);
	for (strict = 0; strict <= 1; strict++) {
		raw_established(&rc, strict);
		/* Our sequence numbers so far: KEXINIT, ECDH_INIT, NEWKEYS;
		 * under strict kex they restarted at NEWKEYS. */
		assert_int_equal(rc.pk.dir[PACKET_TX].seqnr, strict ? 0 : 3);
		raw_send(&rc, ignore, sizeof(ignore));
		raw_send(&rc, dbg, sizeof(dbg));
		seq = strict ? 2 : 5;
		for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
			raw_send(&rc, unknown[i], i == 0 ? 3 : 1);
			raw_send(&rc, ignore, sizeof(ignore));
		}
		raw_send(&rc, svc, sizeof(svc));
		assert_int_equal(raw_flush(&rc), PC_ERR_AGAIN);
		/* IGNORE and DEBUG were absorbed; the service request is
		 * the only upper-layer message. */
		assert_int_equal(rc.ndelivered, 1);
		assert_int_equal(wbuf_len(&rc.delivered), sizeof(svc));
		assert_memory_equal(wbuf_ptr(&rc.delivered), svc, sizeof(svc));
		/* RFC 4253 s. 11.4: UNIMPLEMENTED with the sequence number
		 * of each unknown packet. */
		for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
			assert_int_equal(raw_read(&rc, &m),
			    SSH2_MSG_UNIMPLEMENTED);
			assert_int_equal(wbuf_len(&m), 5);
			assert_int_equal(pc_get_u32(wbuf_ptr(&m) + 1),
			    seq + 2 * i);
		}
		raw_no_more(&rc);
		assert_int_equal(rc.tp_err, PC_ERR_AGAIN);
		raw_free(&rc);
	}
	wbuf_clear(&m);
}

static void
test_unexpected_after_kex(void **state)
{
	static const uint8_t newkeys[] = { SSH2_MSG_NEWKEYS };
	static const uint8_t bad_unimpl[] = { SSH2_MSG_UNIMPLEMENTED, 0 };
	static const uint8_t svc[] = { SSH2_MSG_SERVICE_REQUEST, 0, 0, 0, 1,
	    'x' };
	struct raw rc;
	struct wbuf m;

	(void)state;
	/* A stray NEWKEYS outside a kex is not acted on: like OpenSSH
	 * (kex_protocol_error), the server answers UNIMPLEMENTED and the
	 * keys stay as they are. */
	wbuf_init(&m, 0);
	raw_established(&rc, 1);
	raw_send(&rc, newkeys, sizeof(newkeys));
	raw_send(&rc, svc, sizeof(svc));
	assert_int_equal(raw_flush(&rc), PC_ERR_AGAIN);
	assert_int_equal(raw_read(&rc, &m), SSH2_MSG_UNIMPLEMENTED);
	assert_int_equal(pc_get_u32(wbuf_ptr(&m) + 1), 0);
	assert_int_equal(rc.ndelivered, 1);
	assert_int_equal(tp_kex_count(rc.t), 1);
	raw_free(&rc);
	wbuf_clear(&m);
	/* A truncated UNIMPLEMENTED from the peer. */
	raw_established(&rc, 0);
	raw_send(&rc, bad_unimpl, sizeof(bad_unimpl));
	assert_int_equal(raw_flush(&rc), PC_ERR_MSG_INCOMPLETE);
	raw_free(&rc);
}

static void
send_disconnect(struct raw *rc, uint32_t reason, const char *desc)
{
	struct wbuf m;

	wbuf_init(&m, 0);
	assert_int_equal(wbuf_put_u8(&m, SSH2_MSG_DISCONNECT), 0);
	assert_int_equal(wbuf_put_u32(&m, reason), 0);
	assert_int_equal(wbuf_put_cstring(&m, desc), 0);
	assert_int_equal(wbuf_put_cstring(&m, "en"), 0);
	raw_send_wbuf(rc, &m);
	wbuf_clear(&m);
}

static void
test_peer_disconnect(void **state)
{
	static const uint8_t ping[] = { SSH2_MSG_PING, 0, 0, 0, 1, 'p' };
	struct raw rc;
	const uint8_t *m;
	size_t len;

	(void)state;
	raw_established(&rc, 1);
	send_disconnect(&rc, SSH2_DISCONNECT_BY_APPLICATION, "bye now");
	assert_int_equal(raw_flush(&rc), PC_ERR_PEER_DISCONNECTED);
	assert_int_equal(tp_peer_disconnect_reason(rc.t),
	    SSH2_DISCONNECT_BY_APPLICATION);
	assert_string_equal(tp_peer_disconnect_msg(rc.t), "bye now");
	/* Nothing more in or out. */
	assert_int_equal(tp_next(rc.t, &m, &len), PC_ERR_CONN_CLOSED);
	assert_int_equal(tp_send(rc.t, ping, sizeof(ping)),
	    PC_ERR_CONN_CLOSED);
	raw_free(&rc);

	/* A DISCONNECT is allowed during the first kex, even strict. */
	raw_client_start(&rc, NULL, RAW_KEX "," KEX_STRICT_C);
	send_disconnect(&rc, SSH2_DISCONNECT_KEY_EXCHANGE_FAILED, "nope");
	assert_int_equal(raw_flush(&rc), PC_ERR_PEER_DISCONNECTED);
	assert_int_equal(tp_peer_disconnect_reason(rc.t),
	    SSH2_DISCONNECT_KEY_EXCHANGE_FAILED);
	assert_string_equal(tp_peer_disconnect_msg(rc.t), "nope");
	raw_free(&rc);

	/* A malformed one still ends it, with reason and message as far
	 * as they could be read. */
	raw_client_start(&rc, NULL, RAW_KEX);
	{
		static const uint8_t d[] = { SSH2_MSG_DISCONNECT, 0, 0, 0, 9,
		    0, 0, 0, 200, 'x' };

		raw_send(&rc, d, sizeof(d));
	}
	assert_int_equal(raw_flush(&rc), PC_ERR_PEER_DISCONNECTED);
	assert_int_equal(tp_peer_disconnect_reason(rc.t), 9);
	assert_string_equal(tp_peer_disconnect_msg(rc.t), "");
	raw_free(&rc);
}

static void
test_local_disconnect(void **state)
{
	static const uint8_t ping[] = { SSH2_MSG_PING, 0, 0, 0, 1, 'p' };
	struct raw rc;
	struct wbuf m, rd;
	const uint8_t *msg;
	char *desc, *lang;
	uint32_t reason;
	size_t len;

	(void)state;
	wbuf_init(&m, 0);
	raw_established(&rc, 1);
	tp_disconnect(rc.t, SSH2_DISCONNECT_PROTOCOL_ERROR, "go away");
	assert_int_equal(tp_send(rc.t, ping, sizeof(ping)),
	    PC_ERR_CONN_CLOSED);
	assert_int_equal(tp_next(rc.t, &msg, &len), PC_ERR_CONN_CLOSED);
	assert_int_equal(tp_rekey(rc.t), 0);
	assert_false(tp_in_kex(rc.t));
	/* A second one sends nothing more. */
	tp_disconnect(rc.t, SSH2_DISCONNECT_BY_APPLICATION, "again");
	assert_int_equal(raw_flush(&rc), PC_ERR_CONN_CLOSED);
	/* RFC 4253 s. 11.1: reason, description, language tag. */
	assert_int_equal(raw_read(&rc, &m), SSH2_MSG_DISCONNECT);
	wbuf_init_const(&rd, wbuf_ptr(&m) + 1, wbuf_len(&m) - 1);
	assert_int_equal(wbuf_get_u32(&rd, &reason), 0);
	assert_int_equal(wbuf_get_cstring(&rd, &desc, NULL), 0);
	assert_int_equal(wbuf_get_cstring(&rd, &lang, NULL), 0);
	assert_int_equal(wbuf_get_end(&rd), 0);
	assert_int_equal(reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	assert_string_equal(desc, "go away");
	assert_string_equal(lang, "");
	free(desc);
	free(lang);
	raw_no_more(&rc);
	raw_free(&rc);
	wbuf_clear(&m);
}

static void
test_ping(void **state)
{
	static const uint8_t ping[] = { SSH2_MSG_PING, 0, 0, 0, 3, 'a', 'b',
	    'c' };
	static const uint8_t ping_trailing[] = { SSH2_MSG_PING, 0, 0, 0, 0,
	    'z' };
	struct raw rc;
	struct wbuf m;

	(void)state;
	wbuf_init(&m, 0);
	/* PROTOCOL s. 1.9: not before the end of the first kex, strict or
	 * not, before or after our KEXINIT. */
	raw_client_start(&rc, NULL, RAW_KEX);
	raw_send(&rc, ping, sizeof(ping));
	assert_int_equal(raw_flush(&rc), PC_ERR_UNEXPECTED_MESSAGE);
	raw_free(&rc);
	raw_client_start(&rc, NULL, RAW_KEX "," KEX_STRICT_C);
	raw_send(&rc, ping, sizeof(ping));
	assert_int_equal(raw_flush(&rc), PC_ERR_STRICT_KEX);
	raw_free(&rc);
	/* Between the peer's KEXINIT and NEWKEYS. */
	raw_client_start(&rc, NULL, RAW_KEX);
	assert_int_equal(raw_flush(&rc), PC_ERR_AGAIN);
	raw_send(&rc, ping, sizeof(ping));
	assert_int_equal(raw_flush(&rc), PC_ERR_UNEXPECTED_MESSAGE);
	raw_free(&rc);

	/* After the first kex: a PONG with the same data. */
	raw_established(&rc, 1);
	raw_send(&rc, ping, sizeof(ping));
	assert_int_equal(raw_flush(&rc), PC_ERR_AGAIN);
	assert_int_equal(raw_read(&rc, &m), SSH2_MSG_PONG);
	assert_int_equal(wbuf_len(&m), sizeof(ping));
	assert_memory_equal(wbuf_ptr(&m) + 1, ping + 1, sizeof(ping) - 1);
	assert_int_equal(rc.ndelivered, 0);
	raw_send(&rc, ping_trailing, sizeof(ping_trailing));
	assert_int_equal(raw_flush(&rc), PC_ERR_TRAILING_DATA);
	raw_free(&rc);
	wbuf_clear(&m);
}

/* EXT_INFO with n extensions (RFC 8308 s. 2.3). */
static void
ext_info(struct wbuf *m, uint32_t count, uint32_t n)
{
	uint32_t i;
	char name[32];

	wbuf_init(m, 0);
	assert_int_equal(wbuf_put_u8(m, SSH2_MSG_EXT_INFO), 0);
	assert_int_equal(wbuf_put_u32(m, count), 0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "ext%u@example.com", i);
		assert_int_equal(wbuf_put_cstring(m, name), 0);
		assert_int_equal(wbuf_put_string(m, "\0\1\2", 3), 0);
	}
}

static void
test_ext_info_limits(void **state)
{
	static const struct {
		uint32_t count, n;
		int extra, want;
	} cases[] = {
		{ 0, 0, 0, PC_ERR_AGAIN },
		{ 64, 64, 0, PC_ERR_AGAIN },
		{ 65, 65, 0, PC_ERR_PROTOCOL },
		{ 0xffffffff, 1, 0, PC_ERR_PROTOCOL },
		{ 3, 2, 0, PC_ERR_MSG_INCOMPLETE },
		{ 2, 2, 1, PC_ERR_TRAILING_DATA },
	};
	struct raw rc;
	struct wbuf m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		raw_established(&rc, 1);
		ext_info(&m, cases[i].count, cases[i].n);
		if (cases[i].extra)
			assert_int_equal(wbuf_put_u8(&m, 0), 0);
		raw_send_wbuf(&rc, &m);
		assert_int_equal(raw_flush(&rc), cases[i].want);
		assert_int_equal(rc.ndelivered, 0);
		wbuf_clear(&m);
		raw_free(&rc);
	}
	/* Not during the first kex (RFC 8308 s. 2.4: after NEWKEYS). */
	raw_client_start(&rc, NULL, RAW_KEX);
	ext_info(&m, 1, 1);
	raw_send_wbuf(&rc, &m);
	assert_int_equal(raw_flush(&rc), PC_ERR_UNEXPECTED_MESSAGE);
	wbuf_clear(&m);
	raw_free(&rc);
}

/* ---------------------------------------------------- group exchange */

static void
gex_request(struct raw *rc, uint32_t min, uint32_t n, uint32_t max)
{
	struct wbuf m;

	wbuf_init(&m, 0);
	assert_int_equal(wbuf_put_u8(&m, SSH2_MSG_KEX_DH_GEX_REQUEST), 0);
	assert_int_equal(wbuf_put_u32(&m, min), 0);
	assert_int_equal(wbuf_put_u32(&m, n), 0);
	assert_int_equal(wbuf_put_u32(&m, max), 0);
	raw_send_wbuf(rc, &m);
	wbuf_clear(&m);
}

static uint32_t
mpint_bits(const uint8_t *p, size_t len)
{
	uint32_t bits;
	uint8_t c;

	while (len > 0 && *p == 0) {
		p++;
		len--;
	}
	if (len == 0)
		return 0;
	bits = (uint32_t)(len - 1) * 8;
	for (c = *p; c != 0; c >>= 1)
		bits++;
	return bits;
}

/* Ask a server for a group; return its size, and the group in p/g. */
static int
server_gex_group(const struct kex_moduli_entry *list, size_t n,
    uint32_t min, uint32_t want, uint32_t max, struct wbuf *grp,
    uint32_t *bits)
{
	struct tp_params sp;
	struct raw rc;
	struct wbuf rd;
	const uint8_t *p, *g;
	size_t plen, glen;
	int r;

	server_params(&sp);
	sp.moduli = list;
	sp.nmoduli = n;
	raw_client_start(&rc, &sp, GEX);
	gex_request(&rc, min, want, max);
	if ((r = raw_flush(&rc)) != PC_ERR_AGAIN)
		goto out;
	assert_int_equal(raw_read(&rc, grp), SSH2_MSG_KEXINIT);
	/* byte SSH_MSG_KEX_DH_GEX_GROUP, mpint p, mpint g */
	assert_int_equal(raw_read(&rc, grp), SSH2_MSG_KEX_DH_GEX_GROUP);
	raw_no_more(&rc);
	wbuf_init_const(&rd, wbuf_ptr(grp) + 1, wbuf_len(grp) - 1);
	assert_int_equal(wbuf_get_mpint(&rd, &p, &plen), 0);
	assert_int_equal(wbuf_get_mpint(&rd, &g, &glen), 0);
	assert_int_equal(wbuf_get_end(&rd), 0);
	assert_true(glen > 0);
	*bits = mpint_bits(p, plen);
 out:
	raw_free(&rc);
	return r;
}

/* Whether the group message carries p of this moduli entry. */
static int
group_is(const struct wbuf *grp, const struct kex_dh_group *want)
{
	struct wbuf enc;
	int same;

	wbuf_init(&enc, 0);
	assert_int_equal(wbuf_put_u8(&enc, SSH2_MSG_KEX_DH_GEX_GROUP), 0);
	assert_int_equal(wbuf_put_mpint(&enc, want->p, want->plen), 0);
	assert_int_equal(wbuf_put_mpint(&enc, want->g, want->glen), 0);
	same = wbuf_len(&enc) == wbuf_len(grp) &&
	    memcmp(wbuf_ptr(&enc), wbuf_ptr(grp), wbuf_len(grp)) == 0;
	wbuf_clear(&enc);
	return same;
}

static void
test_gex_bad_request(void **state)
{
	struct wbuf grp;
	uint32_t bits;
	struct raw rc;

	(void)state;
	wbuf_init(&grp, 0);
	/* RFC 4419 s. 3: min <= n <= max. */
	assert_int_equal(server_gex_group(moduli, nmoduli, 4096, 3072, 2048,
	    &grp, &bits), PC_ERR_RANGE);
	assert_int_equal(server_gex_group(moduli, nmoduli, 2048, 4096, 3072,
	    &grp, &bits), PC_ERR_RANGE);
	assert_int_equal(server_gex_group(moduli, nmoduli, 3072, 2048, 4096,
	    &grp, &bits), PC_ERR_RANGE);
	/* RFC 8270: nothing below 2048 bits can be asked for. */
	assert_int_equal(server_gex_group(moduli, nmoduli, 1024, 1024, 1024,
	    &grp, &bits), PC_ERR_RANGE);
	/* A truncated request, and one with trailing data. */
	raw_client_start(&rc, NULL, GEX);
	{
		static const uint8_t m[] = { SSH2_MSG_KEX_DH_GEX_REQUEST, 0, 0,
		    8, 0, 0, 0, 12 };

		raw_send(&rc, m, sizeof(m));
	}
	assert_int_equal(raw_flush(&rc), PC_ERR_MSG_INCOMPLETE);
	raw_free(&rc);
	raw_client_start(&rc, NULL, GEX);
	{
		static const uint8_t m[] = { SSH2_MSG_KEX_DH_GEX_REQUEST, 0, 0,
		    8, 0, 0, 0, 12, 0, 0, 0, 32, 0, 0 };

		raw_send(&rc, m, sizeof(m));
	}
	assert_int_equal(raw_flush(&rc), PC_ERR_TRAILING_DATA);
	raw_free(&rc);
	/* A GEX_REQUEST when the agreed method is not group exchange. */
	raw_client_start(&rc, NULL, RAW_KEX);
	gex_request(&rc, 2048, 3072, 8192);
	assert_int_equal(raw_flush(&rc), PC_ERR_UNEXPECTED_MESSAGE);
	raw_free(&rc);
	wbuf_clear(&grp);
}

static void
test_gex_group_choice(void **state)
{
	static const struct {
		uint32_t min, want, max, bits;
	} cases[] = {
		{ 2048, 2048, 8192, 2048 },
		{ 2048, 3072, 8192, 3072 },
		{ 2048, 4096, 8192, 4096 },
		/* Nothing as large: the largest below (choose_dh). */
		{ 2048, 8192, 8192, 4096 },
		{ 2048, 3000, 8192, 3072 },
		{ 3072, 3072, 3072, 3072 },
		/* Values out of the accepted range are clamped. */
		{ 1024, 2048, 2048, 2048 },
		{ 2048, 4096, 16384, 4096 },
	};
	struct wbuf grp;
	uint32_t bits;
	size_t i, j, hits;

	(void)state;
	wbuf_init(&grp, 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(server_gex_group(moduli, nmoduli,
		    cases[i].min, cases[i].want, cases[i].max, &grp, &bits),
		    PC_ERR_AGAIN);
		assert_int_equal(bits, cases[i].bits);
		/* It is one of the sample's groups of that size. */
		for (j = hits = 0; j < nmoduli; j++)
			hits += group_is(&grp, &moduli[j].grp);
		assert_int_equal(hits, 1);
	}
	/* No moduli file: the RFC 3526 fallback groups. */
	assert_int_equal(server_gex_group(NULL, 0, 2048, 3072, 8192, &grp,
	    &bits), PC_ERR_AGAIN);
	assert_true(group_is(&grp, kexalg_modp_group(18)));
	assert_int_equal(server_gex_group(NULL, 0, 2048, 3072, 4096, &grp,
	    &bits), PC_ERR_AGAIN);
	assert_true(group_is(&grp, kexalg_modp_group(16)));
	assert_int_equal(server_gex_group(NULL, 0, 2048, 2048, 2048, &grp,
	    &bits), PC_ERR_AGAIN);
	assert_true(group_is(&grp, kexalg_modp_group(14)));
	assert_int_equal(bits, 2048);
	wbuf_clear(&grp);
}

static void
test_gex_pair_with_moduli(void **state)
{
	static const char *const enc[] = { "aes128-ctr", "aes256-ctr" };
	struct tp_params cp, sp;
	struct pair p;
	size_t i;

	(void)state;
	/* Our client asks for 3072 bits (AES-128) or 8192 (AES-256);
	 * the sample has up to 4096: both kexes complete. */
	for (i = 0; i < 2; i++) {
		memset(&cp, 0, sizeof(cp));
		memset(&sp, 0, sizeof(sp));
		cp.kex_algs = GEX;
		cp.ciphers = enc[i];
		sp.moduli = moduli;
		sp.nmoduli = nmoduli;
		assert_int_equal(pair_new(&p, &cp, &sp), 0);
		pair_pump(&p);
		assert_int_equal(p.c.err, 0);
		assert_int_equal(p.s.err, 0);
		assert_true(tp_established(p.c.t));
		assert_string_equal(tp_choice(p.c.t)->kex->name, GEX);
		assert_int_equal(tp_kex_count(p.s.t), 1);
		pair_free(&p);
	}
}

/* Our client against a hand-made server that sends this group. */
static int
client_gets_group(const uint8_t *pmag, size_t plen, const uint8_t *gmag,
    size_t glen, uint8_t *next_type)
{
	const char *lists[KEX_PROP_MAX];
	struct tp_params cp;
	struct raw rs;
	struct wbuf m, rd;
	uint32_t min, n, max;
	int r;

	memset(&cp, 0, sizeof(cp));
	cp.role = TP_CLIENT;
	cp.kex_algs = GEX;
	cp.ciphers = "aes128-ctr";
	client_lists(lists, GEX);
	raw_start(&rs, &cp, lists);
	wbuf_init(&m, 0);
	assert_int_equal(raw_flush(&rs), PC_ERR_AGAIN);
	assert_int_equal(raw_read(&rs, &m), SSH2_MSG_KEXINIT);
	/* byte SSH_MSG_KEX_DH_GEX_REQUEST, uint32 min, n, max */
	assert_int_equal(raw_read(&rs, &m), SSH2_MSG_KEX_DH_GEX_REQUEST);
	wbuf_init_const(&rd, wbuf_ptr(&m) + 1, wbuf_len(&m) - 1);
	assert_int_equal(wbuf_get_u32(&rd, &min), 0);
	assert_int_equal(wbuf_get_u32(&rd, &n), 0);
	assert_int_equal(wbuf_get_u32(&rd, &max), 0);
	assert_int_equal(wbuf_get_end(&rd), 0);
	assert_int_equal(min, 2048);
	assert_int_equal(n, 3072);	/* AES-128 */
	assert_int_equal(max, 8192);
	wbuf_reset(&m);
	assert_int_equal(wbuf_put_u8(&m, SSH2_MSG_KEX_DH_GEX_GROUP), 0);
	assert_int_equal(wbuf_put_mpint(&m, pmag, plen), 0);
	assert_int_equal(wbuf_put_mpint(&m, gmag, glen), 0);
	raw_send_wbuf(&rs, &m);
	r = raw_flush(&rs);
	if (r == PC_ERR_AGAIN)
		*next_type = raw_read(&rs, &m);
	wbuf_clear(&m);
	raw_free(&rs);
	return r;
}

static void
test_client_refuses_gex_group(void **state)
{
	static uint8_t big[8200 / 8 + 1];
	const struct kex_dh_group *g14 = kexalg_modp_group(14);
	const uint8_t two = 2;
	uint8_t next = 0;
	size_t i;

	(void)state;
	/* Smaller than the 2048 bits asked for: 1024 and 2047 bits. */
	assert_int_equal(client_gets_group(g14->p, 128, &two, 1, &next),
	    PC_ERR_KEX_INVALID);
	memcpy(big, g14->p, g14->plen);
	big[0] = 0x7f;
	assert_int_equal(client_gets_group(big, g14->plen, &two, 1, &next),
	    PC_ERR_KEX_INVALID);
	/* Larger than the 8192 asked for. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(0xa5 ^ i);
	big[0] = 0x01;		/* 8193 bits */
	assert_int_equal(client_gets_group(big, 8192 / 8 + 1, &two, 1, &next),
	    PC_ERR_KEX_INVALID);
	/* A generator of zero. */
	assert_int_equal(client_gets_group(g14->p, g14->plen, NULL, 0, &next),
	    PC_ERR_KEX_INVALID);
	/* Sizes within min..max are taken: the client sends its e. */
	for (i = 0; i < nmoduli; i += 2) {
		next = 0;
		assert_int_equal(client_gets_group(moduli[i].grp.p,
		    moduli[i].grp.plen, moduli[i].grp.g, moduli[i].grp.glen,
		    &next), PC_ERR_AGAIN);
		assert_int_equal(next, SSH2_MSG_KEX_DH_GEX_INIT);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_refuses),
		cmocka_unit_test(test_server_first_kexinit),
		cmocka_unit_test(test_rekey_kexinit),
		cmocka_unit_test(test_unimplemented_reply),
		cmocka_unit_test(test_unexpected_after_kex),
		cmocka_unit_test(test_peer_disconnect),
		cmocka_unit_test(test_local_disconnect),
		cmocka_unit_test(test_ping),
		cmocka_unit_test(test_ext_info_limits),
		cmocka_unit_test(test_gex_bad_request),
		cmocka_unit_test(test_gex_group_choice),
		cmocka_unit_test(test_gex_pair_with_moduli),
		cmocka_unit_test(test_client_refuses_gex_group),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
