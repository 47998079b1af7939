/*
 * Key exchange method messages: the one-round "KEM" form shared by ECDH
 * (RFC 5656 s. 4), curve25519 (RFC 8731), the fixed DH groups (RFC 4253
 * s. 8, RFC 8268) and the hybrids, and Diffie-Hellman group exchange
 * (RFC 4419).  Each message has its parse and build side by side; the
 * exchange hash is built from the same fields.
 */
#include <string.h>

#include "log.h"
#include "ssh2.h"
#include "tp_impl.h"

/* RFC 8270: at least 2048 bits; OpenSSH asks for at most 8192. */
#define GEX_MIN_BITS	2048
#define GEX_MAX_BITS	8192

/* Whether the method's public values are mpints (finite-field DH). */
static int
is_dh(const struct kex_alg *alg)
{
	return alg->kind == KEXALG_GEX || alg->group != NULL;
}

/* V_C, V_S, I_C, I_S, K_S: the start of every exchange hash. */
static int
hash_prefix(struct tp *t, struct wbuf *h, const struct wbuf *ks)
{
	const char *vc = t->role == TP_SERVER ? t->vs.peer : t->my_version;
	const char *vs = t->role == TP_SERVER ? t->my_version : t->vs.peer;
	const struct wbuf *ic = t->role == TP_SERVER ?
	    &t->peer_kexinit : &t->my_kexinit;
	const struct wbuf *is = t->role == TP_SERVER ?
	    &t->my_kexinit : &t->peer_kexinit;
	int r;

	if ((r = wbuf_put_cstring(h, vc)) != 0 ||
	    (r = wbuf_put_cstring(h, vs)) != 0 ||
	    (r = wbuf_put_stringb(h, ic)) != 0 ||
	    (r = wbuf_put_stringb(h, is)) != 0 ||
	    (r = wbuf_put_stringb(h, ks)) != 0)
		return r;
	return 0;
}

/* The group exchange fields of the hash (RFC 4419 s. 3). */
static int
hash_gex(struct tp *t, struct wbuf *h, const struct kex_dh_group *grp)
{
	int r;

	if ((r = wbuf_put_u32(h, t->gex_min)) != 0 ||
	    (r = wbuf_put_u32(h, t->gex_n)) != 0 ||
	    (r = wbuf_put_u32(h, t->gex_max)) != 0 ||
	    (r = wbuf_put_mpint(h, grp->p, grp->plen)) != 0 ||
	    (r = wbuf_put_mpint(h, grp->g, grp->glen)) != 0)
		return r;
	return 0;
}

/*
 * H = HASH(prefix [gex fields] client_pub server_pub K).  The public
 * values are strings, or mpints for DH, whose wire form is the same.
 */
static int
exchange_hash(struct tp *t, const struct wbuf *ks,
    const struct kex_dh_group *gex, const uint8_t *cpub, size_t clen,
    const uint8_t *spub, size_t slen, const struct wbuf *K,
    uint8_t *H, size_t *Hlen)
{
	struct wbuf h;
	enum digest_alg alg = t->choice.kex->hash;
	int r;

	wbuf_init(&h, 0);
	if ((r = hash_prefix(t, &h, ks)) != 0 ||
	    (gex != NULL && (r = hash_gex(t, &h, gex)) != 0) ||
	    (r = wbuf_put_string(&h, cpub, clen)) != 0 ||
	    (r = wbuf_put_string(&h, spub, slen)) != 0 ||
	    (r = wbuf_put(&h, wbuf_ptr(K), wbuf_len(K))) != 0 ||
	    (r = digest_memory(alg, wbuf_ptr(&h), wbuf_len(&h), H,
	    DIGEST_MAX_LEN)) != 0)
		goto out;
	*Hlen = digest_len(alg);
 out:
	wbuf_clear(&h);
	return r;
}

/*
 * Read a peer's public value: a string, or for DH an mpint that must be
 * non-negative and minimal.  (*p, *len) is the raw field body.
 */
static int
get_public(const struct kex_alg *alg, struct wbuf *m, const uint8_t **p,
    size_t *len)
{
	struct wbuf probe = *m;
	int r;

	if (is_dh(alg) && (r = wbuf_get_mpint(&probe, NULL, NULL)) != 0)
		return r;
	return wbuf_get_string_direct(m, p, len);
}

uint8_t
kexmsg_server_first(const struct tp *t)
{
	return t->choice.kex->kind == KEXALG_GEX ?
	    SSH2_MSG_KEX_DH_GEX_REQUEST : SSH2_MSG_KEX_ECDH_INIT;
}

/* ------------------------------------------------------------- server */

/*
 * The reply common to both forms: derive the server's value and K, hash,
 * sign, send REPLY then NEWKEYS.
 *   byte   SSH_MSG_KEX_ECDH_REPLY / KEXDH_REPLY / KEX_DH_GEX_REPLY
 *   string K_S, the server's public host key
 *   string Q_S or mpint f
 *   string signature of H
 */
static int
server_reply(struct tp *t, uint8_t reply_type, const struct kex_dh_group *grp,
    const uint8_t *cpub, size_t clen)
{
	const struct kex_alg *alg = t->choice.kex;
	const struct pc_key *hk;
	const char *sigalg;
	struct wbuf ks, spub, K, sig;
	uint8_t H[DIGEST_MAX_LEN];
	size_t Hlen = 0;
	int r;

	wbuf_init(&ks, 0);
	wbuf_init(&spub, 0);
	wbuf_init(&K, 0);
	wbuf_init(&sig, 0);
	if ((hk = tp_hostkey_for_alg(t, t->choice.hostkey_alg)) == NULL) {
		r = PC_ERR_INTERNAL;
		goto out;
	}
	if ((r = key_to_blob(hk, &ks)) != 0)
		goto out;
	if ((r = alg->server_encaps(alg, grp, cpub, clen, &spub, &K)) != 0) {
		error("kex: bad public value from client: %s",
		    pc_strerror(r));
		goto out;
	}
	if ((r = exchange_hash(t, &ks, alg->kind == KEXALG_GEX ? grp : NULL,
	    cpub, clen, wbuf_ptr(&spub), wbuf_len(&spub), &K, H,
	    &Hlen)) != 0)
		goto out;
	/* With a host certificate the signature is the plain algorithm's
	 * (PROTOCOL.certkeys). */
	sigalg = key_plain_sigalg_for(t->choice.hostkey_alg);
	if (sigalg == NULL)
		sigalg = t->choice.hostkey_alg;
	if ((r = t->sign(t->sign_arg, hk, sigalg, H, Hlen, &sig)) != 0) {
		error("kex: host key signature failed: %s", pc_strerror(r));
		goto out;
	}
	t->hostkey_used = hk;
	wbuf_reset(&t->msg);
	if ((r = wbuf_put_u8(&t->msg, reply_type)) != 0 ||
	    (r = wbuf_put_stringb(&t->msg, &ks)) != 0 ||
	    (r = wbuf_put_stringb(&t->msg, &spub)) != 0 ||
	    (r = wbuf_put_stringb(&t->msg, &sig)) != 0 ||
	    (r = tp_write(t, &t->msg)) != 0)
		goto out;
	r = tp_kex_keys_and_newkeys(t, wbuf_ptr(&K), wbuf_len(&K), H, Hlen);
 out:
	pc_wipe(H, sizeof(H));
	wbuf_clear(&ks);
	wbuf_clear(&spub);
	wbuf_clear(&K);
	wbuf_clear(&sig);
	return r;
}

/*
 *   byte   SSH_MSG_KEX_ECDH_INIT / KEXDH_INIT / KEX_DH_GEX_INIT
 *   string Q_C (or mpint e)
 */
static int
recv_client_public(struct tp *t, struct wbuf *m, uint8_t reply_type,
    const struct kex_dh_group *grp)
{
	const uint8_t *cpub;
	size_t clen;
	int r;

	if ((r = get_public(t->choice.kex, m, &cpub, &clen)) != 0 ||
	    (r = wbuf_get_end(m)) != 0)
		return r;
	return server_reply(t, reply_type, grp, cpub, clen);
}

/*
 *   byte   SSH_MSG_KEX_DH_GEX_REQUEST
 *   uint32 min, n, max
 * answered by
 *   byte   SSH_MSG_KEX_DH_GEX_GROUP
 *   mpint  p, g
 */
static int
recv_gex_request(struct tp *t, struct wbuf *m)
{
	const struct kex_dh_group *grp = NULL;
	uint32_t min, want, max;
	int r;

	if ((r = wbuf_get_u32(m, &t->gex_min)) != 0 ||
	    (r = wbuf_get_u32(m, &t->gex_n)) != 0 ||
	    (r = wbuf_get_u32(m, &t->gex_max)) != 0 ||
	    (r = wbuf_get_end(m)) != 0)
		return r;
	/* The hash keeps the values as sent; the choice uses them clamped
	 * to what we accept (RFC 8270). */
	if ((r = kexalg_gex_bounds(t->gex_min, t->gex_n, t->gex_max, &min,
	    &want, &max)) != 0 ||
	    (r = kexalg_gex_choose(t->moduli, t->nmoduli, min, want, max,
	    &grp)) != 0) {
		error("kex: no group for request min %u n %u max %u",
		    t->gex_min, t->gex_n, t->gex_max);
		return r;
	}
	t->gex_grp = grp;
	debug("kex: group exchange: %u-bit group for request %u/%u/%u",
	    grp->bits, t->gex_min, t->gex_n, t->gex_max);
	wbuf_reset(&t->msg);
	if ((r = wbuf_put_u8(&t->msg, SSH2_MSG_KEX_DH_GEX_GROUP)) != 0 ||
	    (r = wbuf_put_mpint(&t->msg, grp->p, grp->plen)) != 0 ||
	    (r = wbuf_put_mpint(&t->msg, grp->g, grp->glen)) != 0 ||
	    (r = tp_write(t, &t->msg)) != 0)
		return r;
	t->expect = SSH2_MSG_KEX_DH_GEX_INIT;
	return 0;
}

/* ------------------------------------------------------------- client */

/* What group size to ask for, from the strength the ciphers need
 * (as OpenSSH's dh_estimate). */
static uint32_t
gex_want_bits(const struct tp *t)
{
	size_t need = 0, n;
	int d;

	for (d = KEX_CTOS; d <= KEX_STOC; d++) {
		n = cipher_key_len(t->choice.enc[d]);
		if (n > need)
			need = n;
	}
	need *= 8;
	if (need <= 112)
		return 2048;
	if (need <= 128)
		return 3072;
	if (need <= 192)
		return 7680;
	return 8192;
}

/* Send our public value: KEX_ECDH_INIT / KEXDH_INIT / KEX_DH_GEX_INIT. */
static int
client_send_init(struct tp *t, uint8_t type, const struct kex_dh_group *grp)
{
	const struct kex_alg *alg = t->choice.kex;
	int r;

	wbuf_reset(&t->client_pub);
	if ((r = alg->client_keypair(alg, grp, &t->kst,
	    &t->client_pub)) != 0)
		return r;
	wbuf_reset(&t->msg);
	if ((r = wbuf_put_u8(&t->msg, type)) != 0 ||
	    (r = wbuf_put_stringb(&t->msg, &t->client_pub)) != 0)
		return r;
	return tp_write(t, &t->msg);
}

int
kexmsg_client_start(struct tp *t)
{
	int r;

	if (t->choice.kex->kind != KEXALG_GEX) {
		if ((r = client_send_init(t, SSH2_MSG_KEX_ECDH_INIT,
		    t->choice.kex->group)) != 0)
			return r;
		t->expect = SSH2_MSG_KEX_ECDH_REPLY;
		return 0;
	}
	t->gex_min = GEX_MIN_BITS;
	t->gex_n = gex_want_bits(t);
	t->gex_max = GEX_MAX_BITS;
	wbuf_reset(&t->msg);
	if ((r = wbuf_put_u8(&t->msg, SSH2_MSG_KEX_DH_GEX_REQUEST)) != 0 ||
	    (r = wbuf_put_u32(&t->msg, t->gex_min)) != 0 ||
	    (r = wbuf_put_u32(&t->msg, t->gex_n)) != 0 ||
	    (r = wbuf_put_u32(&t->msg, t->gex_max)) != 0 ||
	    (r = tp_write(t, &t->msg)) != 0)
		return r;
	t->expect = SSH2_MSG_KEX_DH_GEX_GROUP;
	return 0;
}

/* Bits in a big-endian magnitude. */
static uint32_t
mag_bits(const uint8_t *p, size_t len)
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

/*
 *   byte   SSH_MSG_KEX_DH_GEX_GROUP
 *   mpint  p, g
 */
static int
recv_gex_group(struct tp *t, struct wbuf *m)
{
	const uint8_t *p, *g;
	size_t plen, glen;
	uint8_t *dst;
	uint32_t bits;
	int r;

	if ((r = wbuf_get_mpint(m, &p, &plen)) != 0 ||
	    (r = wbuf_get_mpint(m, &g, &glen)) != 0 ||
	    (r = wbuf_get_end(m)) != 0)
		return r;
	bits = mag_bits(p, plen);
	if (bits < t->gex_min || bits > t->gex_max) {
		error("kex: server sent a %u-bit group outside %u..%u", bits,
		    t->gex_min, t->gex_max);
		return PC_ERR_KEX_INVALID;
	}
	if (glen == 0) {
		error("kex: server sent a group with a zero generator");
		return PC_ERR_KEX_INVALID;
	}
	wbuf_reset(&t->gex_buf);
	if ((r = wbuf_reserve(&t->gex_buf, plen + glen, &dst)) != 0)
		return r;
	memcpy(dst, p, plen);
	memcpy(dst + plen, g, glen);
	t->gex_own.bits = bits;
	t->gex_own.p = wbuf_ptr(&t->gex_buf);
	t->gex_own.plen = plen;
	t->gex_own.g = wbuf_ptr(&t->gex_buf) + plen;
	t->gex_own.glen = glen;
	if ((r = client_send_init(t, SSH2_MSG_KEX_DH_GEX_INIT,
	    &t->gex_own)) != 0)
		return r;
	t->expect = SSH2_MSG_KEX_DH_GEX_REPLY;
	return 0;
}

/*
 *   byte   SSH_MSG_KEX_ECDH_REPLY / KEXDH_REPLY / KEX_DH_GEX_REPLY
 *   string K_S
 *   string Q_S (or mpint f)
 *   string signature of H
 */
static int
recv_reply(struct tp *t, struct wbuf *m)
{
	const struct kex_alg *alg = t->choice.kex;
	const uint8_t *ksp, *spub, *sig;
	size_t kslen, slen, siglen, Hlen = 0;
	struct pc_key *hk = NULL;
	struct wbuf ks, K;
	uint8_t H[DIGEST_MAX_LEN];
	int r;

	wbuf_init(&K, 0);
	if ((r = wbuf_get_string_direct(m, &ksp, &kslen)) != 0 ||
	    (r = get_public(alg, m, &spub, &slen)) != 0 ||
	    (r = wbuf_get_string_direct(m, &sig, &siglen)) != 0 ||
	    (r = wbuf_get_end(m)) != 0)
		goto out;
	wbuf_init_const(&ks, ksp, kslen);
	if ((r = key_from_blob(ksp, kslen, &hk)) != 0)
		goto out;
	if (key_get_type(hk) != key_type_for_sigalg(t->choice.hostkey_alg)) {
		error("kex: host key type %s does not match %s", key_name(hk),
		    t->choice.hostkey_alg);
		r = PC_ERR_KEY_TYPE_UNKNOWN;
		goto out;
	}
	if ((r = alg->client_decaps(t->kst, spub, slen, &K)) != 0 ||
	    (r = exchange_hash(t, &ks, alg->kind == KEXALG_GEX ?
	    &t->gex_own : NULL, wbuf_ptr(&t->client_pub),
	    wbuf_len(&t->client_pub), spub, slen, &K, H, &Hlen)) != 0)
		goto out;
	if ((r = key_verify(hk, key_plain_sigalg_for(t->choice.hostkey_alg) ?
	    key_plain_sigalg_for(t->choice.hostkey_alg) :
	    t->choice.hostkey_alg, H, Hlen, sig, siglen)) != 0) {
		error("kex: server host key signature does not verify");
		goto out;
	}
	if (t->check_hostkey != NULL &&
	    (r = t->check_hostkey(t->check_arg, hk)) != 0)
		goto out;
	/* A rekey must keep the host key of the first kex. */
	if (t->peer_hostkey != NULL && !key_equal_public(t->peer_hostkey, hk)) {
		error("kex: server host key changed during rekey");
		r = PC_ERR_HOSTKEY_REJECTED;
		goto out;
	}
	key_free(t->peer_hostkey);
	t->peer_hostkey = hk;
	hk = NULL;
	r = tp_kex_keys_and_newkeys(t, wbuf_ptr(&K), wbuf_len(&K), H, Hlen);
 out:
	pc_wipe(H, sizeof(H));
	key_free(hk);
	wbuf_clear(&K);
	return r;
}

int
kexmsg_recv(struct tp *t, uint8_t type, struct wbuf *m)
{
	if (t->role == TP_SERVER) {
		switch (type) {
		case SSH2_MSG_KEX_ECDH_INIT:
			return recv_client_public(t, m,
			    SSH2_MSG_KEX_ECDH_REPLY, t->choice.kex->group);
		case SSH2_MSG_KEX_DH_GEX_REQUEST:
			return recv_gex_request(t, m);
		case SSH2_MSG_KEX_DH_GEX_INIT:
			return recv_client_public(t, m,
			    SSH2_MSG_KEX_DH_GEX_REPLY, t->gex_grp);
		}
	} else {
		switch (type) {
		case SSH2_MSG_KEX_ECDH_REPLY:	/* also GEX_GROUP */
			if (t->choice.kex->kind == KEXALG_GEX &&
			    t->expect == SSH2_MSG_KEX_DH_GEX_GROUP)
				return recv_gex_group(t, m);
			return recv_reply(t, m);
		case SSH2_MSG_KEX_DH_GEX_REPLY:
			return recv_reply(t, m);
		}
	}
	return PC_ERR_UNEXPECTED_MESSAGE;
}
