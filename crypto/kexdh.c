/*
 * Finite-field Diffie-Hellman (RFC 4253 s. 8, RFC 8268) for the fixed
 * RFC 3526 groups and for group exchange (RFC 4419, RFC 8270), on
 * OpenSSL's BIGNUM with constant-time modular exponentiation.
 *
 * Public values cross the interface as mpint bodies (RFC 4251 s. 5: the
 * big-endian magnitude, with a leading zero byte when the high bit is set,
 * no other leading zeros).  K is the shared value as an mpint.
 *
 * Exponent size.  OpenSSH's dh_gen_key(dh, need) takes need = the largest
 * of the negotiated cipher key, block and IV sizes, MAC key size and hash
 * length, in bits, at least 256, and draws a private exponent of 2 * need
 * bits (Pollard rho and baby-step/giant-step are O(sqrt(n))), capped at
 * the bits of p minus one.  This layer does not know the cipher, so it
 * takes the largest need any of our ciphers, MACs or kex hashes yields:
 * 512 bits (chacha20-poly1305's 64-byte key, hmac-sha2-512's 64-byte key,
 * SHA-512's output), hence a 1024-bit exponent for every group.  That is
 * never smaller than what OpenSSH would use, and well above twice the
 * strength RFC 3526 s. 8 estimates even for the 8192-bit group (190-310
 * bits).
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>

#include "kexalg_impl.h"
#include "rand.h"

#define KEXDH_NEED_BITS		512
#define KEXDH_EXP_BITS		(2 * KEXDH_NEED_BITS)
#define KEXDH_EXP_BYTES		(KEXDH_EXP_BITS / 8)
#define KEXDH_KEYGEN_TRIES	4

/* The client's secret: the exponent and the group it belongs to. */
struct kexdh_secret {
	BIGNUM *x;
	BIGNUM *p;
	BIGNUM *g;
};

static void
kexdh_secret_free(void *v)
{
	struct kexdh_secret *s = v;

	if (s == NULL)
		return;
	BN_clear_free(s->x);
	BN_free(s->p);
	BN_free(s->g);
	OPENSSL_clear_free(s, sizeof(*s));
}

static const struct kex_dh_group *
kexdh_alg_group(const struct kex_alg *alg, const struct kex_dh_group *grp)
{
	/* Fixed-group methods carry their group; gex passes the chosen one. */
	if (alg != NULL && alg->group != NULL)
		return alg->group;
	return grp;
}

/* p and g as BIGNUMs from a checked group. */
static int
kexdh_group_bn(const struct kex_dh_group *grp, BIGNUM **pp, BIGNUM **gp)
{
	BIGNUM *p = NULL, *g = NULL, *pm1 = NULL;
	int bits, r = PC_ERR_LIBCRYPTO;

	*pp = *gp = NULL;
	if (grp == NULL || grp->p == NULL || grp->g == NULL ||
	    grp->plen == 0 || grp->glen == 0 ||
	    grp->plen > KEXDH_MAX_BYTES + 1 || grp->glen > grp->plen)
		return PC_ERR_INVALID_ARGUMENT;
	if ((p = BN_bin2bn(grp->p, (int)grp->plen, NULL)) == NULL ||
	    (g = BN_bin2bn(grp->g, (int)grp->glen, NULL)) == NULL ||
	    (pm1 = BN_dup(p)) == NULL || BN_sub_word(pm1, 1) != 1)
		goto out;
	bits = BN_num_bits(p);
	r = PC_ERR_INVALID_ARGUMENT;
	if (!BN_is_odd(p) || bits < KEXALG_DH_GRP_MIN ||
	    bits > KEXDH_MAX_BITS)
		goto out;
	/* 1 < g < p - 1: g = p - 1 generates a group of order 2. */
	if (BN_cmp(g, BN_value_one()) <= 0 || BN_cmp(g, pm1) >= 0)
		goto out;
	*pp = p;
	*gp = g;
	p = g = NULL;
	r = 0;
 out:
	BN_free(pm1);
	BN_free(p);
	BN_free(g);
	return r;
}

int
kexdh_group_check(const struct kex_dh_group *grp)
{
	BIGNUM *p = NULL, *g = NULL;
	int r;

	r = kexdh_group_bn(grp, &p, &g);
	BN_free(p);
	BN_free(g);
	return r;
}

/*
 * RFC 4253 s. 8: values of e or f outside [1, p-1] MUST NOT be sent or
 * accepted; like OpenSSH's dh_pub_is_valid we also refuse 1 and p - 1
 * (order 1 and 2) and values with a single bit set (a power of two, whose
 * discrete log to base 2 is trivial).
 */
static int
kexdh_pub_bn_valid(const BIGNUM *y, const BIGNUM *p)
{
	BIGNUM *pm1 = NULL;
	int i, n, bits_set = 0, ok = 0;

	if (BN_is_negative(y) || BN_cmp(y, BN_value_one()) <= 0)
		return 0;
	if ((pm1 = BN_dup(p)) == NULL || BN_sub_word(pm1, 1) != 1)
		goto out;
	if (BN_cmp(y, pm1) >= 0)
		goto out;
	n = BN_num_bits(y);
	for (i = 0; i < n && bits_set < 2; i++) {
		if (BN_is_bit_set(y, i))
			bits_set++;
	}
	ok = bits_set > 1;
 out:
	BN_free(pm1);
	return ok;
}

/*
 * Parse a peer's mpint body: non-empty (zero is out of range anyway),
 * non-negative and minimal (RFC 4251 s. 5), no longer than p's mpint.
 */
static int
kexdh_parse_pub(const BIGNUM *p, const uint8_t *body, size_t len,
    BIGNUM **out)
{
	BIGNUM *y = NULL;

	*out = NULL;
	if (body == NULL || len == 0 ||
	    len > (size_t)BN_num_bytes(p) + 1)
		return PC_ERR_KEX_INVALID;
	if ((body[0] & 0x80) != 0)
		return PC_ERR_KEX_INVALID;	/* negative */
	if (body[0] == 0 && (len == 1 || (body[1] & 0x80) == 0))
		return PC_ERR_KEX_INVALID;	/* not minimal */
	if ((y = BN_bin2bn(body, (int)len, NULL)) == NULL)
		return PC_ERR_LIBCRYPTO;
	if (!kexdh_pub_bn_valid(y, p)) {
		BN_free(y);
		return PC_ERR_KEX_INVALID;
	}
	*out = y;
	return 0;
}

int
kexdh_pub_check(const struct kex_dh_group *grp, const uint8_t *body,
    size_t len)
{
	BIGNUM *p = NULL, *g = NULL, *y = NULL;
	int r;

	if ((r = kexdh_group_bn(grp, &p, &g)) != 0)
		return r;
	r = kexdh_parse_pub(p, body, len, &y);
	BN_free(y);
	BN_free(p);
	BN_free(g);
	return r;
}

/* r = a^x mod p in constant time (x carries BN_FLG_CONSTTIME). */
static int
kexdh_modexp(BIGNUM *res, const BIGNUM *a, const BIGNUM *x, const BIGNUM *p,
    BN_CTX *ctx)
{
	if (BN_mod_exp_mont_consttime(res, a, x, p, ctx, NULL) != 1)
		return PC_ERR_LIBCRYPTO;
	return 0;
}

/* Append y as an mpint body (RFC 4251 s. 5) to b. */
static int
kexdh_put_body(struct wbuf *b, const BIGNUM *y)
{
	uint8_t *dst;
	size_t n = (size_t)BN_num_bytes(y), pad, len0 = wbuf_len(b);
	int r;

	pad = (BN_num_bits(y) % 8 == 0 && n > 0) ? 1 : 0;
	if ((r = wbuf_reserve(b, pad + n, &dst)) != 0)
		return r;
	if (pad)
		dst[0] = 0;
	if (BN_bn2binpad(y, dst + pad, (int)n) != (int)n) {
		kexalg_rollback(b, len0);
		return PC_ERR_LIBCRYPTO;
	}
	return 0;
}

/* Append k as an mpint, wiping the temporary copy. */
static int
kexdh_put_k(struct wbuf *shared, const BIGNUM *k)
{
	uint8_t buf[KEXDH_MAX_BYTES];
	int n = BN_num_bytes(k), r;

	if (n <= 0 || (size_t)n > sizeof(buf))
		return PC_ERR_INTERNAL;
	if (BN_bn2binpad(k, buf, n) != n) {
		r = PC_ERR_LIBCRYPTO;
		goto out;
	}
	r = wbuf_put_mpint(shared, buf, (size_t)n);
 out:
	OPENSSL_cleanse(buf, sizeof(buf));
	return r;
}

/*
 * A fresh exponent x of KEXDH_EXP_BITS bits (top bit set, so every
 * exponentiation runs over the same length) and e = g^x mod p, redrawn if
 * e fails the check the peer will apply.  kexdh_group_bn guarantees p has
 * at least KEXALG_DH_GRP_MIN > KEXDH_EXP_BITS + 1 bits, so x < p - 1.
 */
static int
kexdh_keygen(const BIGNUM *p, const BIGNUM *g, BN_CTX *ctx, BIGNUM **xp,
    BIGNUM **ep)
{
	uint8_t buf[KEXDH_EXP_BYTES];
	BIGNUM *x = NULL, *e = NULL;
	int tries, r = PC_ERR_LIBCRYPTO;

	*xp = *ep = NULL;
	if (BN_num_bits(p) <= KEXDH_EXP_BITS + 1)
		return PC_ERR_INVALID_ARGUMENT;
	if ((x = BN_secure_new()) == NULL || (e = BN_new()) == NULL)
		goto out;
	for (tries = 0; tries < KEXDH_KEYGEN_TRIES; tries++) {
		rand_bytes(buf, sizeof(buf));
		buf[0] |= 0x80;
		if (BN_bin2bn(buf, (int)sizeof(buf), x) == NULL)
			goto out;
		BN_set_flags(x, BN_FLG_CONSTTIME);
		if ((r = kexdh_modexp(e, g, x, p, ctx)) != 0)
			goto out;
		if (kexdh_pub_bn_valid(e, p))
			break;
		r = PC_ERR_LIBCRYPTO;
	}
	if (tries == KEXDH_KEYGEN_TRIES)
		goto out;
	*xp = x;
	*ep = e;
	x = e = NULL;
	r = 0;
 out:
	OPENSSL_cleanse(buf, sizeof(buf));
	BN_clear_free(x);
	BN_free(e);
	return r;
}

/* K = y^x mod p for a peer value already parsed and checked. */
static int
kexdh_shared(const BIGNUM *y, const BIGNUM *x, const BIGNUM *p, BN_CTX *ctx,
    struct wbuf *shared)
{
	BIGNUM *k = NULL;
	int r = PC_ERR_LIBCRYPTO;

	if ((k = BN_secure_new()) == NULL)
		goto out;
	if ((r = kexdh_modexp(k, y, x, p, ctx)) != 0)
		goto out;
	r = kexdh_put_k(shared, k);
 out:
	BN_clear_free(k);
	return r;
}

int
kexdh_client_keypair(const struct kex_alg *alg,
    const struct kex_dh_group *grp, struct kexalg_state **stp,
    struct wbuf *client_pub)
{
	struct kexalg_state *st = NULL;
	struct kexdh_secret *sec = NULL;
	BN_CTX *ctx = NULL;
	BIGNUM *e = NULL;
	int r;

	*stp = NULL;
	if ((r = kexalg_state_new(alg, &st)) != 0)
		return r;
	if ((sec = OPENSSL_zalloc(sizeof(*sec))) == NULL) {
		r = PC_ERR_ALLOC;
		goto out;
	}
	st->impl = sec;
	st->impl_free = kexdh_secret_free;
	if ((r = kexdh_group_bn(kexdh_alg_group(alg, grp), &sec->p,
	    &sec->g)) != 0)
		goto out;
	if ((ctx = BN_CTX_secure_new()) == NULL) {
		r = PC_ERR_LIBCRYPTO;
		goto out;
	}
	if ((r = kexdh_keygen(sec->p, sec->g, ctx, &sec->x, &e)) != 0 ||
	    (r = kexdh_put_body(client_pub, e)) != 0)
		goto out;
	*stp = st;
	st = NULL;
	r = 0;
 out:
	BN_free(e);
	BN_CTX_free(ctx);
	kexalg_state_free(st);
	return r;
}

int
kexdh_server_encaps(const struct kex_alg *alg,
    const struct kex_dh_group *grp, const uint8_t *client_pub,
    size_t client_len, struct wbuf *server_pub, struct wbuf *shared)
{
	BIGNUM *p = NULL, *g = NULL, *e = NULL, *y = NULL, *f = NULL;
	BN_CTX *ctx = NULL;
	size_t publen0 = wbuf_len(server_pub), klen0 = wbuf_len(shared);
	int r;

	if ((r = kexdh_group_bn(kexdh_alg_group(alg, grp), &p, &g)) != 0)
		return r;
	if ((r = kexdh_parse_pub(p, client_pub, client_len, &e)) != 0)
		goto out;
	if ((ctx = BN_CTX_secure_new()) == NULL) {
		r = PC_ERR_LIBCRYPTO;
		goto out;
	}
	if ((r = kexdh_keygen(p, g, ctx, &y, &f)) != 0)
		goto out;
	if ((r = kexdh_put_body(server_pub, f)) != 0 ||
	    (r = kexdh_shared(e, y, p, ctx, shared)) != 0) {
		kexalg_rollback(server_pub, publen0);
		kexalg_rollback(shared, klen0);
		goto out;
	}
	r = 0;
 out:
	BN_clear_free(y);
	BN_free(f);
	BN_free(e);
	BN_free(p);
	BN_free(g);
	BN_CTX_free(ctx);
	return r;
}

int
kexdh_client_decaps(struct kexalg_state *st, const uint8_t *server_pub,
    size_t server_len, struct wbuf *shared)
{
	struct kexdh_secret *sec;
	BIGNUM *f = NULL;
	BN_CTX *ctx = NULL;
	int r;

	if (st == NULL || (sec = st->impl) == NULL || sec->x == NULL ||
	    st->impl_free != kexdh_secret_free)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = kexdh_parse_pub(sec->p, server_pub, server_len, &f)) != 0)
		return r;
	if ((ctx = BN_CTX_secure_new()) == NULL) {
		r = PC_ERR_LIBCRYPTO;
		goto out;
	}
	r = kexdh_shared(f, sec->x, sec->p, ctx, shared);
 out:
	BN_CTX_free(ctx);
	BN_free(f);
	return r;
}

int
kexdh_derive(const struct kex_dh_group *grp, const uint8_t *xb, size_t xlen,
    const uint8_t *peer, size_t peerlen, struct wbuf *pub,
    struct wbuf *shared)
{
	BIGNUM *p = NULL, *g = NULL, *x = NULL, *e = NULL, *y = NULL;
	BN_CTX *ctx = NULL;
	size_t publen0 = pub == NULL ? 0 : wbuf_len(pub);
	int r;

	if (xb == NULL || xlen == 0 || xlen > KEXDH_MAX_BYTES ||
	    (peer != NULL && shared == NULL))
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = kexdh_group_bn(grp, &p, &g)) != 0)
		return r;
	r = PC_ERR_LIBCRYPTO;
	if ((ctx = BN_CTX_secure_new()) == NULL ||
	    (x = BN_secure_new()) == NULL || (e = BN_new()) == NULL ||
	    BN_bin2bn(xb, (int)xlen, x) == NULL)
		goto out;
	BN_set_flags(x, BN_FLG_CONSTTIME);
	if (BN_is_zero(x)) {
		r = PC_ERR_INVALID_ARGUMENT;
		goto out;
	}
	if (pub != NULL) {
		if ((r = kexdh_modexp(e, g, x, p, ctx)) != 0 ||
		    (r = kexdh_put_body(pub, e)) != 0)
			goto out;
	}
	if (peer != NULL) {
		if ((r = kexdh_parse_pub(p, peer, peerlen, &y)) != 0 ||
		    (r = kexdh_shared(y, x, p, ctx, shared)) != 0) {
			if (pub != NULL)
				kexalg_rollback(pub, publen0);
			goto out;
		}
	}
	r = 0;
 out:
	BN_free(y);
	BN_free(e);
	BN_clear_free(x);
	BN_free(p);
	BN_free(g);
	BN_CTX_free(ctx);
	return r;
}
