/*
 * ecdh-sha2-nistp256/384/521 (RFC 5656 s. 4) over OpenSSL 3's EVP_PKEY.
 *
 * Public values are uncompressed SEC1 points, 0x04 || X || Y with X and Y
 * of the field length (RFC 5656 s. 3.1 and s. 4: the point encoding of SEC1
 * s. 2.3.3; we send uncompressed and, like OpenSSH, accept only that).
 * Every peer point is checked to be on the curve and not the point at
 * infinity (RFC 5656 s. 4: "MUST ... verify"; SEC1 s. 3.2.2.1).  K is the
 * X coordinate of the shared point as an mpint (RFC 5656 s. 4).
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "fuzzcheap.h"
#include "kexalg_impl.h"
#include "rand.h"

struct kexecdh_curve_info {
	const char *name;	/* OpenSSL group name */
	int nid;
	size_t field_len;	/* bytes of one coordinate */
};

static const struct kexecdh_curve_info kexecdh_curves[KEXECDH_NCURVES] = {
	[KEXECDH_P256] = { "P-256", NID_X9_62_prime256v1, 32 },
	[KEXECDH_P384] = { "P-384", NID_secp384r1, 48 },
	[KEXECDH_P521] = { "P-521", NID_secp521r1, 66 },
};

const enum kexecdh_curve kexecdh_curve_ids[KEXECDH_NCURVES] = {
	KEXECDH_P256, KEXECDH_P384, KEXECDH_P521
};

static const struct kexecdh_curve_info *
kexecdh_info(enum kexecdh_curve curve)
{
	if ((int)curve < 0 || curve >= KEXECDH_NCURVES)
		return NULL;
	return &kexecdh_curves[curve];
}

static const struct kexecdh_curve_info *
kexecdh_alg_info(const struct kex_alg *alg)
{
	if (alg == NULL || alg->impl == NULL)
		return NULL;
	return kexecdh_info(*(const enum kexecdh_curve *)alg->impl);
}

size_t
kexecdh_field_len(enum kexecdh_curve curve)
{
	const struct kexecdh_curve_info *ci = kexecdh_info(curve);

	return ci == NULL ? 0 : ci->field_len;
}

static void
kexecdh_pkey_free(void *p)
{
	EVP_PKEY_free(p);	/* clears the private scalar */
}

/*
 * Import a peer's point.  Anything but 0x04 || X || Y of the exact length
 * is refused before OpenSSL sees it (compressed points, the one-byte
 * encoding of infinity, hybrid forms); OpenSSL then refuses a point that
 * is not on the curve, and EVP_PKEY_public_check repeats the full check
 * (on the curve, not infinity, in the prime-order group).
 */
static int
kexecdh_peer_key(const struct kexecdh_curve_info *ci, const uint8_t *pt,
    size_t len, EVP_PKEY **out)
{
	EVP_PKEY_CTX *ctx = NULL, *cctx = NULL;
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM params[3];
	int r = PC_ERR_KEX_INVALID;

	*out = NULL;
	if (pt == NULL || len != 1 + 2 * ci->field_len ||
	    pt[0] != POINT_CONVERSION_UNCOMPRESSED)
		return PC_ERR_KEX_INVALID;
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, (char *)ci->name, 0);
	params[1] = OSSL_PARAM_construct_octet_string(
	    OSSL_PKEY_PARAM_PUB_KEY, (void *)pt, len);
	params[2] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1) {
		r = PC_ERR_LIBCRYPTO;
		goto out;
	}
	if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto out;	/* not on the curve */
	if ((cctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL) {
		r = PC_ERR_LIBCRYPTO;
		goto out;
	}
	if (EVP_PKEY_public_check(cctx) != 1)
		goto out;
	*out = pkey;
	pkey = NULL;
	r = 0;
 out:
	EVP_PKEY_CTX_free(cctx);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return r;
}

/* The uncompressed public point of a key pair into pt (exact length). */
static int
kexecdh_pub_point(const struct kexecdh_curve_info *ci, EVP_PKEY *pkey,
    uint8_t *pt, size_t ptlen)
{
	size_t len = 0;

	if (ptlen != 1 + 2 * ci->field_len)
		return PC_ERR_INVALID_ARGUMENT;
	if (EVP_PKEY_set_utf8_string_param(pkey,
	    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
	    OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) != 1 ||
	    EVP_PKEY_get_octet_string_param(pkey,
	    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt, ptlen, &len) != 1)
		return PC_ERR_LIBCRYPTO;
	if (len != ptlen || pt[0] != POINT_CONVERSION_UNCOMPRESSED)
		return PC_ERR_INTERNAL;
	return 0;
}

/* X coordinate of our scalar times the peer's point, field_len bytes. */
static int
kexecdh_x(const struct kexecdh_curve_info *ci, EVP_PKEY *priv,
    EVP_PKEY *peer, uint8_t *x, size_t xlen)
{
	EVP_PKEY_CTX *ctx = NULL;
	size_t len = xlen;
	int r = PC_ERR_LIBCRYPTO;

	if (xlen != ci->field_len)
		return PC_ERR_INVALID_ARGUMENT;
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) != 1)
		goto out;
	/* validate_peer = 1: OpenSSL checks the peer key once more. */
	if (EVP_PKEY_derive_set_peer_ex(ctx, peer, 1) != 1) {
		r = PC_ERR_KEX_INVALID;
		goto out;
	}
	/* OpenSSL pads the X coordinate to the field length (SEC1 s. 3.3.1). */
	if (EVP_PKEY_derive(ctx, x, &len) != 1)
		goto out;
	if (len != xlen) {
		OPENSSL_cleanse(x, xlen);
		r = PC_ERR_INTERNAL;
		goto out;
	}
	r = 0;
 out:
	EVP_PKEY_CTX_free(ctx);
	return r;
}

/* From our key and the peer's point, append K (an mpint of X). */
static int
kexecdh_shared(const struct kexecdh_curve_info *ci, EVP_PKEY *priv,
    const uint8_t *peer_pt, size_t peer_len, struct wbuf *shared)
{
	EVP_PKEY *peer = NULL;
	uint8_t x[KEXECDH_MAX_FIELD];
	int r;

	if ((r = kexecdh_peer_key(ci, peer_pt, peer_len, &peer)) != 0)
		goto out;
	if ((r = kexecdh_x(ci, priv, peer, x, ci->field_len)) != 0)
		goto out;
	r = wbuf_put_mpint(shared, x, ci->field_len);
 out:
	OPENSSL_cleanse(x, sizeof(x));
	EVP_PKEY_free(peer);
	return r;
}

#ifdef PC_FUZZ_CHEAP
static int kexecdh_fixed_key(const struct kexecdh_curve_info *ci,
    const uint8_t *priv, size_t privlen, EVP_PKEY **out);
#endif

static int
kexecdh_keygen(const struct kexecdh_curve_info *ci, EVP_PKEY **out)
{
#ifdef PC_FUZZ_CHEAP
	/* A fixed ephemeral key (see fuzzcheap.h): 24 bytes are below the
	 * order of every curve. */
	if (pc_fuzz_cheap & PC_FUZZ_FIXED_RANDOM) {
		uint8_t d[24];

		rand_bytes(d, sizeof(d));
		return kexecdh_fixed_key(ci, d, sizeof(d), out);
	}
#endif
	*out = EVP_PKEY_Q_keygen(NULL, NULL, "EC", ci->name);
	return *out == NULL ? PC_ERR_LIBCRYPTO : 0;
}

int
kexecdh_client_keypair(const struct kex_alg *alg,
    const struct kex_dh_group *grp, struct kexalg_state **stp,
    struct wbuf *client_pub)
{
	const struct kexecdh_curve_info *ci = kexecdh_alg_info(alg);
	struct kexalg_state *st = NULL;
	EVP_PKEY *pkey = NULL;
	uint8_t pt[KEXECDH_MAX_POINT];
	size_t ptlen;
	int r;

	*stp = NULL;
	if (ci == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	ptlen = 1 + 2 * ci->field_len;
	if ((r = kexalg_state_new(alg, &st)) != 0)
		return r;
	if ((r = kexecdh_keygen(ci, &pkey)) != 0)
		goto out;
	st->impl = pkey;
	st->impl_free = kexecdh_pkey_free;
	if ((r = kexecdh_pub_point(ci, pkey, pt, ptlen)) != 0 ||
	    (r = wbuf_put(client_pub, pt, ptlen)) != 0)
		goto out;
	*stp = st;
	st = NULL;
	r = 0;
 out:
	kexalg_state_free(st);
	return r;
}

int
kexecdh_server_encaps(const struct kex_alg *alg,
    const struct kex_dh_group *grp, const uint8_t *client_pub,
    size_t client_len, struct wbuf *server_pub, struct wbuf *shared)
{
	const struct kexecdh_curve_info *ci = kexecdh_alg_info(alg);
	EVP_PKEY *pkey = NULL;
	uint8_t pt[KEXECDH_MAX_POINT];
	size_t ptlen, publen0, klen0;
	int r;

	if (ci == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	ptlen = 1 + 2 * ci->field_len;
	publen0 = wbuf_len(server_pub);
	klen0 = wbuf_len(shared);
	if ((r = kexecdh_keygen(ci, &pkey)) != 0)
		goto out;
	if ((r = kexecdh_pub_point(ci, pkey, pt, ptlen)) != 0)
		goto out;
	if ((r = kexecdh_shared(ci, pkey, client_pub, client_len,
	    shared)) != 0)
		goto out;
	if ((r = wbuf_put(server_pub, pt, ptlen)) != 0) {
		kexalg_rollback(server_pub, publen0);
		kexalg_rollback(shared, klen0);
		goto out;
	}
	r = 0;
 out:
	EVP_PKEY_free(pkey);
	return r;
}

int
kexecdh_client_decaps(struct kexalg_state *st, const uint8_t *server_pub,
    size_t server_len, struct wbuf *shared)
{
	const struct kexecdh_curve_info *ci;

	if (st == NULL || st->impl == NULL ||
	    (ci = kexecdh_alg_info(st->alg)) == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	return kexecdh_shared(ci, st->impl, server_pub, server_len, shared);
}

/* A key pair from a fixed scalar: the public point is priv * G. */
static int
kexecdh_fixed_key(const struct kexecdh_curve_info *ci, const uint8_t *priv,
    size_t privlen, EVP_PKEY **out)
{
	EC_GROUP *group = NULL;
	EC_POINT *pub = NULL;
	BIGNUM *d = NULL;
	BN_CTX *bnctx = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t pt[KEXECDH_MAX_POINT];
	size_t ptlen = 1 + 2 * ci->field_len;
	int r = PC_ERR_LIBCRYPTO;

	*out = NULL;
	if (priv == NULL || privlen == 0 || privlen > ci->field_len)
		return PC_ERR_INVALID_ARGUMENT;
	if ((group = EC_GROUP_new_by_curve_name(ci->nid)) == NULL ||
	    (pub = EC_POINT_new(group)) == NULL ||
	    (bnctx = BN_CTX_new()) == NULL ||
	    (d = BN_secure_new()) == NULL ||
	    BN_bin2bn(priv, (int)privlen, d) == NULL)
		goto out;
	BN_set_flags(d, BN_FLG_CONSTTIME);
	if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(group)) >= 0) {
		r = PC_ERR_INVALID_ARGUMENT;
		goto out;
	}
	if (EC_POINT_mul(group, pub, d, NULL, NULL, bnctx) != 1 ||
	    EC_POINT_point2oct(group, pub, POINT_CONVERSION_UNCOMPRESSED,
	    pt, ptlen, bnctx) != ptlen)
		goto out;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    ci->name, 0) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pt, ptlen) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_KEYPAIR, params) != 1)
		goto out;
	r = 0;
 out:
	EVP_PKEY_CTX_free(ctx);
	/* d is in the secure heap, so the builder's copy is too: freeing
	 * it clears it. */
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(d);
	BN_CTX_free(bnctx);
	EC_POINT_free(pub);
	EC_GROUP_free(group);
	return r;
}

int
kexecdh_derive(enum kexecdh_curve curve, const uint8_t *priv, size_t privlen,
    const uint8_t *peer, size_t peerlen, uint8_t *pub, size_t publen,
    uint8_t *x, size_t xlen)
{
	const struct kexecdh_curve_info *ci = kexecdh_info(curve);
	EVP_PKEY *key = NULL, *peerkey = NULL;
	int r;

	if (ci == NULL || publen != 1 + 2 * ci->field_len ||
	    xlen != ci->field_len)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = kexecdh_fixed_key(ci, priv, privlen, &key)) != 0)
		goto out;
	if ((r = kexecdh_pub_point(ci, key, pub, publen)) != 0)
		goto out;
	if ((r = kexecdh_peer_key(ci, peer, peerlen, &peerkey)) != 0)
		goto out;
	r = kexecdh_x(ci, key, peerkey, x, xlen);
 out:
	EVP_PKEY_free(peerkey);
	EVP_PKEY_free(key);
	return r;
}
