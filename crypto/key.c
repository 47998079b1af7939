/*
 * Public and private keys: types, the public blob and .pub line,
 * signatures, generation and fingerprints (see key.h).  The private key
 * file formats are in keyfmt.c.
 *
 * Ed25519 keys are libsodium byte arrays; ECDSA and RSA keys are OpenSSL
 * EVP_PKEYs, always built through key_ec_set / key_rsa_set so that every
 * key, whatever file or blob it came from, passed the same checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <sodium.h>

#include "base64.h"
#include "cert.h"
#include "digest.h"
#include "digest_int.h"
#include "key.h"
#include "key_int.h"
#include "wbuf.h"

#define KEY_LINE_MAX	32768	/* longest .pub line we parse */

static const struct key_impl {
	enum key_type type;
	const char *name;	/* blob name */
	const char *cert_name;	/* certificate blob name (PROTOCOL.certkeys) */
	const char *curve;	/* RFC 5656 s. 10.1 curve name */
	const char *group;	/* OpenSSL group name */
	int nid;
	size_t field_len;
	enum digest_alg hash;	/* RFC 5656 s. 6.2.1 */
} key_impls[] = {
	{ KEY_ED25519, "ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com",
	    NULL, NULL, 0, 0, DIGEST_SHA512 },
	{ KEY_ECDSA_P256, "ecdsa-sha2-nistp256",
	    "ecdsa-sha2-nistp256-cert-v01@openssh.com", "nistp256",
	    "prime256v1", NID_X9_62_prime256v1, 32, DIGEST_SHA256 },
	{ KEY_ECDSA_P384, "ecdsa-sha2-nistp384",
	    "ecdsa-sha2-nistp384-cert-v01@openssh.com", "nistp384",
	    "secp384r1", NID_secp384r1, 48, DIGEST_SHA384 },
	{ KEY_ECDSA_P521, "ecdsa-sha2-nistp521",
	    "ecdsa-sha2-nistp521-cert-v01@openssh.com", "nistp521",
	    "secp521r1", NID_secp521r1, 66, DIGEST_SHA512 },
	{ KEY_RSA, "ssh-rsa", "ssh-rsa-cert-v01@openssh.com", NULL, NULL, 0,
	    0, DIGEST_SHA512 },
};

static const struct key_sigalg {
	const char *name;
	enum key_type type;
	enum digest_alg hash;	/* RSA and ECDSA; Ed25519 hashes itself */
} key_sigalgs[] = {
	{ "ssh-ed25519", KEY_ED25519, DIGEST_SHA512 },		/* RFC 8709 */
	{ "ecdsa-sha2-nistp256", KEY_ECDSA_P256, DIGEST_SHA256 },
	{ "ecdsa-sha2-nistp384", KEY_ECDSA_P384, DIGEST_SHA384 },
	{ "ecdsa-sha2-nistp521", KEY_ECDSA_P521, DIGEST_SHA512 },
	{ "rsa-sha2-512", KEY_RSA, DIGEST_SHA512 },		/* RFC 8332 */
	{ "rsa-sha2-256", KEY_RSA, DIGEST_SHA256 },
	{ "ssh-rsa", KEY_RSA, DIGEST_SHA1 },			/* RFC 4253 */
};

static const struct key_impl *
key_impl_get(enum key_type t)
{
	size_t i;

	for (i = 0; i < sizeof(key_impls) / sizeof(key_impls[0]); i++) {
		if (key_impls[i].type == t)
			return &key_impls[i];
	}
	return NULL;
}

static const struct key_sigalg *
key_sigalg_get(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(key_sigalgs) / sizeof(key_sigalgs[0]); i++) {
		if (strlen(key_sigalgs[i].name) == len &&
		    memcmp(key_sigalgs[i].name, name, len) == 0)
			return &key_sigalgs[i];
	}
	return NULL;
}

static int
key_is_ecdsa(enum key_type t)
{
	return t == KEY_ECDSA_P256 || t == KEY_ECDSA_P384 ||
	    t == KEY_ECDSA_P521;
}

/* Key type from a name of len bytes (not NUL-terminated). */
static enum key_type
key_type_from_name_len(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(key_impls) / sizeof(key_impls[0]); i++) {
		if (strlen(key_impls[i].name) == len &&
		    memcmp(key_impls[i].name, name, len) == 0)
			return key_impls[i].type;
	}
	return KEY_UNSPEC;
}

/* Certified key type from a certificate type name of len bytes. */
static enum key_type
key_type_from_cert_name_len(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(key_impls) / sizeof(key_impls[0]); i++) {
		if (strlen(key_impls[i].cert_name) == len &&
		    memcmp(key_impls[i].cert_name, name, len) == 0)
			return key_impls[i].type;
	}
	return KEY_UNSPEC;
}

enum key_type
key_type_from_cert_name(const char *name)
{
	if (name == NULL)
		return KEY_UNSPEC;
	return key_type_from_cert_name_len(name, strlen(name));
}

const char *
key_type_cert_name(enum key_type t)
{
	const struct key_impl *impl = key_impl_get(t);

	return impl == NULL ? NULL : impl->cert_name;
}

enum key_type
key_type_from_name(const char *name)
{
	if (name == NULL)
		return KEY_UNSPEC;
	return key_type_from_name_len(name, strlen(name));
}

enum key_type
key_type_from_short_name(const char *name, unsigned *bits)
{
	unsigned b = bits != NULL ? *bits : 0;
	enum key_type t;

	if (name == NULL)
		return KEY_UNSPEC;
	if (strcmp(name, "ed25519") == 0 || strcmp(name, "ssh-ed25519") == 0) {
		if (b != 0 && b != 256)
			return KEY_UNSPEC;
		b = 256;
		t = KEY_ED25519;
	} else if (strcmp(name, "ecdsa") == 0) {
		/* As ssh-keygen -t ecdsa -b 256|384|521; 256 by default. */
		if (b == 0 || b == 256)
			t = KEY_ECDSA_P256;
		else if (b == 384)
			t = KEY_ECDSA_P384;
		else if (b == 521)
			t = KEY_ECDSA_P521;
		else
			return KEY_UNSPEC;
		if (b == 0)
			b = 256;
	} else if (strcmp(name, "rsa") == 0 || strcmp(name, "ssh-rsa") == 0) {
		if (b == 0)
			b = KEY_RSA_DEFAULT_BITS;
		if (b < KEY_RSA_MIN_BITS || b > KEY_RSA_MAX_BITS)
			return KEY_UNSPEC;
		t = KEY_RSA;
	} else if ((t = key_type_from_name(name)) != KEY_UNSPEC &&
	    key_is_ecdsa(t)) {
		/* "ecdsa-sha2-nistp384" names its size. */
		if (b != 0 && b != key_bits_for_type(t))
			return KEY_UNSPEC;
		b = key_bits_for_type(t);
	} else {
		return KEY_UNSPEC;
	}
	if (bits != NULL)
		*bits = b;
	return t;
}

unsigned
key_bits_for_type(enum key_type t)
{
	switch (t) {
	case KEY_ED25519:
	case KEY_ECDSA_P256:
		return 256;
	case KEY_ECDSA_P384:
		return 384;
	case KEY_ECDSA_P521:
		return 521;
	case KEY_RSA:
		return KEY_RSA_DEFAULT_BITS;
	default:
		return 0;
	}
}

const char *
key_type_name(enum key_type t)
{
	const struct key_impl *impl = key_impl_get(t);

	return impl == NULL ? NULL : impl->name;
}

const char *
key_type_label(enum key_type t)
{
	switch (t) {
	case KEY_ED25519:
		return "ED25519";
	case KEY_ECDSA_P256:
	case KEY_ECDSA_P384:
	case KEY_ECDSA_P521:
		return "ECDSA";
	case KEY_RSA:
		return "RSA";
	default:
		return "UNKNOWN";
	}
}

enum key_type
key_get_type(const struct pc_key *k)
{
	return k == NULL ? KEY_UNSPEC : k->type;
}

const char *
key_name(const struct pc_key *k)
{
	if (k == NULL)
		return NULL;
	return k->cert != NULL ? key_type_cert_name(k->type) :
	    key_type_name(k->type);
}

unsigned
key_bits(const struct pc_key *k)
{
	int b;

	if (k == NULL)
		return 0;
	if (k->type == KEY_RSA) {
		if (k->pkey == NULL || (b = EVP_PKEY_get_bits(k->pkey)) <= 0)
			return 0;
		return (unsigned)b;
	}
	return key_bits_for_type(k->type);
}

int
key_has_private(const struct pc_key *k)
{
	return k != NULL && k->has_private;
}

/* The (certified) public halves of a and b are the same key. */
static int
key_equal_material(const struct pc_key *a, const struct pc_key *b)
{
	if (a == NULL || b == NULL || a->type != b->type)
		return 0;
	if (a->type == KEY_ED25519)
		return memcmp(a->ed_pk, b->ed_pk, sizeof(a->ed_pk)) == 0;
	if (a->pkey == NULL || b->pkey == NULL)
		return 0;
	return EVP_PKEY_eq(a->pkey, b->pkey) == 1;
}

int
key_equal_certified(const struct pc_key *a, const struct pc_key *b)
{
	return key_equal_material(a, b);
}

int
key_equal_public(const struct pc_key *a, const struct pc_key *b)
{
	if (a == NULL || b == NULL)
		return 0;
	if (a->cert != NULL || b->cert != NULL) {
		/* Public data: an ordinary compare is fine. */
		return a->cert != NULL && b->cert != NULL &&
		    a->cert->bloblen == b->cert->bloblen &&
		    memcmp(a->cert->blob, b->cert->blob,
		    a->cert->bloblen) == 0;
	}
	return key_equal_material(a, b);
}

enum key_type
key_type_for_sigalg(const char *sigalg)
{
	const struct key_sigalg *sa;
	const char *plain;

	if (sigalg == NULL)
		return KEY_UNSPEC;
	if ((plain = key_plain_sigalg_for(sigalg)) != NULL)
		sigalg = plain;
	sa = key_sigalg_get(sigalg, strlen(sigalg));
	return sa == NULL ? KEY_UNSPEC : sa->type;
}

const char *
key_sigalg_default_list(void)
{
	return "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	    "ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256";
}

const char *
key_sigalg_supported_list(void)
{
	return "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	    "ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256,ssh-rsa";
}

struct pc_key *
key_new(enum key_type t)
{
	struct pc_key *k;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	k->type = t;
	return k;
}

void
key_free(struct pc_key *k)
{
	if (k == NULL)
		return;
	cert_free(k->cert);
	EVP_PKEY_free(k->pkey);
	sodium_memzero(k, sizeof(*k));
	free(k);
}

const char *
key_ec_curve_name(enum key_type t)
{
	const struct key_impl *impl = key_impl_get(t);

	return impl == NULL ? NULL : impl->curve;
}

size_t
key_ec_field_len(enum key_type t)
{
	const struct key_impl *impl = key_impl_get(t);

	return impl == NULL ? 0 : impl->field_len;
}

/* Check an EVP key with OpenSSL's validators: the public half always
 * (point on the curve, in the prime-order group, not infinity: RFC 5656
 * s. 3.1 and SEC1 3.2.2), and private/public consistency if private. */
static int
key_evp_check(EVP_PKEY *pkey, int private)
{
	EVP_PKEY_CTX *ctx;
	int r = PC_ERR_KEY_INVALID;

	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL)
		return PC_ERR_ALLOC;
	if (EVP_PKEY_public_check(ctx) != 1)
		goto out;
	if (private && EVP_PKEY_pairwise_check(ctx) != 1)
		goto out;
	r = 0;
 out:
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return r;
}

int
key_ec_set(struct pc_key *k, const uint8_t *q, size_t qlen,
    const uint8_t *d, size_t dlen)
{
	const struct key_impl *impl = key_impl_get(k->type);
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *priv = NULL;
	int r = PC_ERR_LIBCRYPTO;

	if (impl == NULL || impl->curve == NULL || k->pkey != NULL)
		return PC_ERR_INVALID_ARGUMENT;
	/* RFC 5656 s. 3.1: Q is an uncompressed point (SEC1 2.3.3). */
	if (qlen != 1 + 2 * impl->field_len || q[0] != 0x04)
		return PC_ERR_KEY_INVALID;
	if (d != NULL && (dlen == 0 || dlen > impl->field_len))
		return PC_ERR_KEY_INVALID;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		goto out;
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    impl->group, 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    q, qlen) != 1)
		goto out;
	if (d != NULL) {
		if ((priv = BN_secure_new()) == NULL ||
		    BN_bin2bn(d, (int)dlen, priv) == NULL ||
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY,
		    priv) != 1)
			goto out;
	}
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1)
		goto out;
	if (EVP_PKEY_fromdata(ctx, &pkey, d != NULL ? EVP_PKEY_KEYPAIR :
	    EVP_PKEY_PUBLIC_KEY, params) != 1) {
		/* OpenSSL refuses a point that is not on the curve here. */
		r = PC_ERR_KEY_INVALID;
		goto out;
	}
	if ((r = key_evp_check(pkey, d != NULL)) != 0)
		goto out;
	k->pkey = pkey;
	pkey = NULL;
	k->has_private = d != NULL;
	r = 0;
 out:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);	/* clears the private scalar's copy */
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(priv);
	ERR_clear_error();
	return r;
}

/* BN_bin2bn into a new BIGNUM (secure heap for private parts). */
static BIGNUM *
key_bn(const uint8_t *p, size_t len, int secret)
{
	BIGNUM *bn;

	if (len > WBUF_MAX_MPINT_BYTES)
		return NULL;
	if ((bn = secret ? BN_secure_new() : BN_new()) == NULL)
		return NULL;
	if (BN_bin2bn(p, (int)len, bn) == NULL) {
		BN_clear_free(bn);
		return NULL;
	}
	return bn;
}

/*
 * Check RSA private parts against each other (OpenSSH's private section
 * holds n, e, d, iqmp, p, q: PROTOCOL.key and sshkey.c), and derive the
 * CRT exponents d mod (p-1) and d mod (q-1) that the file leaves out.
 * d must invert e modulo p-1 and q-1 (RFC 8017 s. 3.2): with any other d
 * the key loads and signs, and every signature it makes is bad.
 */
static int
key_rsa_crt(BN_CTX *bnctx, const BIGNUM *n, const BIGNUM *e,
    const BIGNUM *d, const BIGNUM *iqmp, const BIGNUM *p, const BIGNUM *q,
    BIGNUM *dmp1, BIGNUM *dmq1)
{
	BIGNUM *t, *pm1, *qm1;
	int r = PC_ERR_LIBCRYPTO;

	BN_CTX_start(bnctx);
	t = BN_CTX_get(bnctx);
	pm1 = BN_CTX_get(bnctx);
	if ((qm1 = BN_CTX_get(bnctx)) == NULL)
		goto out;
	if (BN_is_zero(d) || BN_cmp(d, n) >= 0 || BN_is_zero(p) ||
	    BN_is_zero(q) || BN_is_one(p) || BN_is_one(q)) {
		r = PC_ERR_KEY_INVALID;
		goto out;
	}
	if (BN_mul(t, p, q, bnctx) != 1)
		goto out;
	if (BN_cmp(t, n) != 0) {
		r = PC_ERR_KEY_INVALID;
		goto out;
	}
	/* iqmp = q^-1 mod p */
	if (BN_mod_mul(t, iqmp, q, p, bnctx) != 1)
		goto out;
	if (!BN_is_one(t) || BN_cmp(iqmp, p) >= 0) {
		r = PC_ERR_KEY_INVALID;
		goto out;
	}
	if (BN_sub(pm1, p, BN_value_one()) != 1 ||
	    BN_sub(qm1, q, BN_value_one()) != 1 ||
	    BN_mod(dmp1, d, pm1, bnctx) != 1 ||
	    BN_mod(dmq1, d, qm1, bnctx) != 1)
		goto out;
	/* e * d = 1 mod p-1 and mod q-1 */
	if (BN_mod_mul(t, e, dmp1, pm1, bnctx) != 1)
		goto out;
	if (!BN_is_one(t)) {
		r = PC_ERR_KEY_INVALID;
		goto out;
	}
	if (BN_mod_mul(t, e, dmq1, qm1, bnctx) != 1)
		goto out;
	if (!BN_is_one(t)) {
		r = PC_ERR_KEY_INVALID;
		goto out;
	}
	r = 0;
 out:
	BN_CTX_end(bnctx);
	return r;
}

int
key_rsa_set(struct pc_key *k, const struct key_rsa_parts *rp)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BN_CTX *bnctx = NULL;
	BIGNUM *n = NULL, *e = NULL, *d = NULL, *iqmp = NULL, *p = NULL;
	BIGNUM *q = NULL, *dmp1 = NULL, *dmq1 = NULL;
	int private = rp->d != NULL, r = PC_ERR_LIBCRYPTO, bits;

	if (k->type != KEY_RSA || k->pkey != NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if (private && (rp->iqmp == NULL || rp->p == NULL || rp->q == NULL))
		return PC_ERR_INVALID_ARGUMENT;
	if ((n = key_bn(rp->n, rp->nlen, 0)) == NULL ||
	    (e = key_bn(rp->e, rp->elen, 0)) == NULL)
		goto out;
	/* Refuse short moduli as OpenSSH does (SSH_RSA_MINIMUM_MODULUS_SIZE)
	 * and public exponents that are even, 1, or not below n. */
	bits = BN_num_bits(n);
	if (bits < KEY_RSA_MIN_BITS || bits > KEY_RSA_MAX_BITS ||
	    !BN_is_odd(e) || BN_is_one(e) || BN_cmp(e, n) >= 0) {
		r = PC_ERR_KEY_INVALID;
		goto out;
	}
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1)
		goto out;
	if (private) {
		if ((d = key_bn(rp->d, rp->dlen, 1)) == NULL ||
		    (iqmp = key_bn(rp->iqmp, rp->iqmplen, 1)) == NULL ||
		    (p = key_bn(rp->p, rp->plen, 1)) == NULL ||
		    (q = key_bn(rp->q, rp->qlen, 1)) == NULL ||
		    (dmp1 = BN_secure_new()) == NULL ||
		    (dmq1 = BN_secure_new()) == NULL ||
		    (bnctx = BN_CTX_secure_new()) == NULL)
			goto out;
		if ((r = key_rsa_crt(bnctx, n, e, d, iqmp, p, q, dmp1,
		    dmq1)) != 0)
			goto out;
		r = PC_ERR_LIBCRYPTO;
		if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D,
		    d) != 1 ||
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1,
		    p) != 1 ||
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2,
		    q) != 1 ||
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1,
		    dmp1) != 1 ||
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2,
		    dmq1) != 1 ||
		    OSSL_PARAM_BLD_push_BN(bld,
		    OSSL_PKEY_PARAM_RSA_COEFFICIENT1, iqmp) != 1)
			goto out;
	}
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1)
		goto out;
	if (EVP_PKEY_fromdata(ctx, &pkey, private ? EVP_PKEY_KEYPAIR :
	    EVP_PKEY_PUBLIC_KEY, params) != 1) {
		r = PC_ERR_KEY_INVALID;
		goto out;
	}
	k->pkey = pkey;
	pkey = NULL;
	k->has_private = private;
	r = 0;
 out:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_CTX_free(bnctx);
	BN_free(n);
	BN_free(e);
	BN_clear_free(d);
	BN_clear_free(iqmp);
	BN_clear_free(p);
	BN_clear_free(q);
	BN_clear_free(dmp1);
	BN_clear_free(dmq1);
	ERR_clear_error();
	return r;
}

int
key_ed25519_set_seed(struct pc_key *k, const uint8_t *seed)
{
	if (k->type != KEY_ED25519)
		return PC_ERR_INVALID_ARGUMENT;
	if (crypto_sign_ed25519_seed_keypair(k->ed_pk, k->ed_sk, seed) != 0)
		return PC_ERR_LIBCRYPTO;
	k->has_private = 1;
	return 0;
}

/* One OpenSSL BIGNUM parameter of pkey as a big-endian magnitude in buf. */
static int
key_param_bytes(EVP_PKEY *pkey, const char *param, uint8_t *buf,
    size_t buflen, size_t *lenp)
{
	BIGNUM *bn = NULL;
	int n, r = PC_ERR_KEY_INVALID;

	*lenp = 0;
	if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1)
		goto out;
	if ((n = BN_num_bytes(bn)) < 0 || (size_t)n > buflen)
		goto out;
	if (BN_bn2bin(bn, buf) != n) {
		r = PC_ERR_LIBCRYPTO;
		goto out;
	}
	*lenp = (size_t)n;
	r = 0;
 out:
	BN_clear_free(bn);
	ERR_clear_error();
	return r;
}

int
key_put_param_mpint(const struct pc_key *k, const char *param,
    struct wbuf *out)
{
	uint8_t buf[WBUF_MAX_MPINT_BYTES];
	size_t len;
	int r;

	if (k->pkey == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = key_param_bytes(k->pkey, param, buf, sizeof(buf),
	    &len)) != 0)
		goto out;
	r = wbuf_put_mpint(out, buf, len);
 out:
	pc_wipe(buf, sizeof(buf));
	return r;
}

int
key_ec_get_point(const struct pc_key *k, uint8_t *q, size_t *qlen)
{
	size_t flen = key_ec_field_len(k->type);
	BIGNUM *x = NULL, *y = NULL;
	int r = PC_ERR_LIBCRYPTO;

	*qlen = 0;
	if (!key_is_ecdsa(k->type) || k->pkey == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	/* Rebuild 0x04 || X || Y ourselves: a key read from PEM may carry
	 * the compressed form as its preferred encoding. */
	if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_X,
	    &x) != 1 ||
	    EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y,
	    &y) != 1)
		goto out;
	q[0] = 0x04;
	if (BN_bn2binpad(x, q + 1, (int)flen) != (int)flen ||
	    BN_bn2binpad(y, q + 1 + flen, (int)flen) != (int)flen)
		goto out;
	*qlen = 1 + 2 * flen;
	r = 0;
 out:
	BN_free(x);
	BN_free(y);
	ERR_clear_error();
	return r;
}

/* Group of an OpenSSL EC key as one of our types. */
static enum key_type
key_evp_ec_type(EVP_PKEY *pkey)
{
	char group[64];
	size_t glen = 0, i;
	int nid;

	if (EVP_PKEY_get_group_name(pkey, group, sizeof(group), &glen) != 1)
		return KEY_UNSPEC;
	if ((nid = OBJ_sn2nid(group)) == NID_undef)
		nid = OBJ_txt2nid(group);
	for (i = 0; i < sizeof(key_impls) / sizeof(key_impls[0]); i++) {
		if (key_impls[i].curve != NULL && key_impls[i].nid == nid)
			return key_impls[i].type;
	}
	return KEY_UNSPEC;
}

/* Rebuild an RSA or EC key read by OpenSSL through key_*_set, so that a
 * PEM file gets exactly the checks an openssh-key-v1 file gets. */
static int
key_from_evp_rebuild(EVP_PKEY *pkey, struct pc_key *k)
{
	uint8_t buf[6][WBUF_MAX_MPINT_BYTES];
	uint8_t q[1 + 2 * KEY_EC_MAX_FIELD];
	struct key_rsa_parts rp;
	size_t dlen, qlen;
	int r;

	memset(&rp, 0, sizeof(rp));
	if (k->type == KEY_RSA) {
		if ((r = key_param_bytes(pkey, OSSL_PKEY_PARAM_RSA_N, buf[0],
		    sizeof(buf[0]), &rp.nlen)) != 0 ||
		    (r = key_param_bytes(pkey, OSSL_PKEY_PARAM_RSA_E, buf[1],
		    sizeof(buf[1]), &rp.elen)) != 0 ||
		    (r = key_param_bytes(pkey, OSSL_PKEY_PARAM_RSA_D, buf[2],
		    sizeof(buf[2]), &rp.dlen)) != 0 ||
		    (r = key_param_bytes(pkey, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
		    buf[3], sizeof(buf[3]), &rp.iqmplen)) != 0 ||
		    (r = key_param_bytes(pkey, OSSL_PKEY_PARAM_RSA_FACTOR1,
		    buf[4], sizeof(buf[4]), &rp.plen)) != 0 ||
		    (r = key_param_bytes(pkey, OSSL_PKEY_PARAM_RSA_FACTOR2,
		    buf[5], sizeof(buf[5]), &rp.qlen)) != 0)
			goto out;
		rp.n = buf[0];
		rp.e = buf[1];
		rp.d = buf[2];
		rp.iqmp = buf[3];
		rp.p = buf[4];
		rp.q = buf[5];
		r = key_rsa_set(k, &rp);
		goto out;
	}
	/* EC: borrow k->pkey briefly to read the point the usual way. */
	k->pkey = pkey;
	r = key_ec_get_point(k, q, &qlen);
	k->pkey = NULL;
	if (r != 0)
		goto out;
	if ((r = key_param_bytes(pkey, OSSL_PKEY_PARAM_PRIV_KEY, buf[0],
	    sizeof(buf[0]), &dlen)) != 0)
		goto out;
	r = key_ec_set(k, q, qlen, buf[0], dlen);
 out:
	pc_wipe(buf, sizeof(buf));
	return r;
}

int
key_from_evp(EVP_PKEY *pkey, struct pc_key **kp)
{
	uint8_t seed[KEY_ED25519_SEED_LEN];
	struct pc_key *k = NULL;
	enum key_type t;
	size_t len = sizeof(seed);
	int r;

	*kp = NULL;
	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_ED25519:
		t = KEY_ED25519;
		break;
	case EVP_PKEY_RSA:
		t = KEY_RSA;
		break;
	case EVP_PKEY_EC:
		if ((t = key_evp_ec_type(pkey)) == KEY_UNSPEC) {
			r = PC_ERR_KEY_TYPE_UNKNOWN;
			goto out;
		}
		break;
	default:
		r = PC_ERR_KEY_TYPE_UNKNOWN;
		goto out;
	}
	if ((k = key_new(t)) == NULL) {
		r = PC_ERR_ALLOC;
		goto out;
	}
	if (t == KEY_ED25519) {
		if (EVP_PKEY_get_raw_private_key(pkey, seed, &len) != 1 ||
		    len != sizeof(seed)) {
			r = PC_ERR_KEY_INVALID;
			goto out;
		}
		r = key_ed25519_set_seed(k, seed);
	} else {
		r = key_from_evp_rebuild(pkey, k);
	}
	if (r != 0)
		goto out;
	*kp = k;
	k = NULL;
 out:
	sodium_memzero(seed, sizeof(seed));
	key_free(k);
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return r;
}

int
key_generate(enum key_type t, unsigned bits, struct pc_key **kp)
{
	struct pc_key *k = NULL, *tmp = NULL;
	EVP_PKEY *pkey = NULL;
	const struct key_impl *impl = key_impl_get(t);
	int r;

	*kp = NULL;
	if (impl == NULL)
		return PC_ERR_KEY_TYPE_UNKNOWN;
	if (t == KEY_RSA) {
		if (bits == 0)
			bits = KEY_RSA_DEFAULT_BITS;
		if (bits < KEY_RSA_MIN_BITS || bits > KEY_RSA_MAX_BITS)
			return PC_ERR_INVALID_ARGUMENT;
	} else if (bits != 0 && bits != key_bits_for_type(t)) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (t == KEY_ED25519) {
		if ((k = key_new(t)) == NULL)
			return PC_ERR_ALLOC;
		if (crypto_sign_ed25519_keypair(k->ed_pk, k->ed_sk) != 0) {
			r = PC_ERR_LIBCRYPTO;
			goto out;
		}
		k->has_private = 1;
		*kp = k;
		return 0;
	}
	if (t == KEY_RSA)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	else
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", impl->group);
	if (pkey == NULL) {
		ERR_clear_error();
		return PC_ERR_LIBCRYPTO;
	}
	/* Takes pkey; the rebuilt key passes the same checks as a file. */
	if ((r = key_from_evp(pkey, &tmp)) != 0)
		goto out;
	if (tmp->type != t) {
		r = PC_ERR_INTERNAL;
		goto out;
	}
	*kp = tmp;
	tmp = NULL;
 out:
	key_free(k);
	key_free(tmp);
	return r;
}

int
key_put_public_fields(const struct pc_key *k, struct wbuf *out)
{
	uint8_t q[1 + 2 * KEY_EC_MAX_FIELD];
	size_t qlen;
	int r;

	switch (k->type) {
	case KEY_ED25519:
		/* RFC 8709 s. 4: string key */
		return wbuf_put_string(out, k->ed_pk, sizeof(k->ed_pk));
	case KEY_ECDSA_P256:
	case KEY_ECDSA_P384:
	case KEY_ECDSA_P521:
		/* RFC 5656 s. 3.1: string identifier, string Q */
		if ((r = key_ec_get_point(k, q, &qlen)) != 0)
			return r;
		if ((r = wbuf_put_cstring(out,
		    key_ec_curve_name(k->type))) != 0)
			return r;
		return wbuf_put_string(out, q, qlen);
	case KEY_RSA:
		/* RFC 4253 s. 6.6: mpint e, mpint n */
		if ((r = key_put_param_mpint(k, OSSL_PKEY_PARAM_RSA_E,
		    out)) != 0)
			return r;
		return key_put_param_mpint(k, OSSL_PKEY_PARAM_RSA_N, out);
	default:
		return PC_ERR_KEY_TYPE_UNKNOWN;
	}
}

/* The plain public blob of k's (certified) key. */
static int
key_to_plain_blob(const struct pc_key *k, struct wbuf *out)
{
	int r;

	if (k == NULL || key_type_name(k->type) == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = wbuf_put_cstring(out, key_type_name(k->type))) != 0)
		return r;
	return key_put_public_fields(k, out);
}

int
key_to_blob(const struct pc_key *k, struct wbuf *out)
{
	if (k != NULL && k->cert != NULL)
		return wbuf_put(out, k->cert->blob, k->cert->bloblen);
	return key_to_plain_blob(k, out);
}

/* Parse the public fields of a blob of type t (after the name). */
int
key_get_public_fields(struct wbuf *b, struct pc_key *k)
{
	const uint8_t *p, *e, *n;
	size_t len, elen, nlen;
	const char *curve;
	struct key_rsa_parts rp;
	int r;

	switch (k->type) {
	case KEY_ED25519:
		if ((r = wbuf_get_string_direct(b, &p, &len)) != 0)
			return r;
		if (len != KEY_ED25519_PK_LEN)
			return PC_ERR_KEY_INVALID;
		memcpy(k->ed_pk, p, len);
		return 0;
	case KEY_ECDSA_P256:
	case KEY_ECDSA_P384:
	case KEY_ECDSA_P521:
		/* The curve must be the one the key type names (RFC 5656
		 * s. 3.1: "MUST match"). */
		curve = key_ec_curve_name(k->type);
		if ((r = wbuf_get_string_direct(b, &p, &len)) != 0)
			return r;
		if (len != strlen(curve) || memcmp(p, curve, len) != 0)
			return PC_ERR_KEY_INVALID;
		if ((r = wbuf_get_string_direct(b, &p, &len)) != 0)
			return r;
		return key_ec_set(k, p, len, NULL, 0);
	case KEY_RSA:
		if ((r = wbuf_get_mpint(b, &e, &elen)) != 0 ||
		    (r = wbuf_get_mpint(b, &n, &nlen)) != 0)
			return r;
		memset(&rp, 0, sizeof(rp));
		rp.n = n;
		rp.nlen = nlen;
		rp.e = e;
		rp.elen = elen;
		return key_rsa_set(k, &rp);
	default:
		return PC_ERR_KEY_TYPE_UNKNOWN;
	}
}

static int
key_from_blob_any(const uint8_t *blob, size_t len, int allow_cert,
    struct pc_key **kp)
{
	struct wbuf b;
	struct pc_key *k = NULL;
	const uint8_t *name;
	size_t nlen;
	enum key_type t;
	int r;

	*kp = NULL;
	wbuf_init_const(&b, blob, len);
	/* string key type name (RFC 4253 s. 6.6) */
	if ((r = wbuf_get_string_direct(&b, &name, &nlen)) != 0)
		return r;
	if ((t = key_type_from_cert_name_len((const char *)name, nlen)) !=
	    KEY_UNSPEC) {
		/* Checked before parsing, so that a certificate signed by a
		 * certificate signed by ... never recurses. */
		if (!allow_cert)
			return PC_ERR_CERT_INVALID;
		return cert_parse(blob, len, t, kp);
	}
	if ((t = key_type_from_name_len((const char *)name, nlen)) ==
	    KEY_UNSPEC)
		return PC_ERR_KEY_TYPE_UNKNOWN;
	if ((k = key_new(t)) == NULL)
		return PC_ERR_ALLOC;
	if ((r = key_get_public_fields(&b, k)) != 0)
		goto out;
	if ((r = wbuf_get_end(&b)) != 0)
		goto out;
	*kp = k;
	k = NULL;
 out:
	key_free(k);
	return r;
}

int
key_from_blob(const uint8_t *blob, size_t len, struct pc_key **kp)
{
	return key_from_blob_any(blob, len, 1, kp);
}

int
key_from_blob_plain(const uint8_t *blob, size_t len, struct pc_key **kp)
{
	return key_from_blob_any(blob, len, 0, kp);
}

static int
key_is_space(char c)
{
	return c == ' ' || c == '\t';
}

int
key_from_public_line(const char *line, struct pc_key **kp, char **comment)
{
	const char *p = line, *type, *b64, *c;
	size_t tlen, blen, clen, dlen, linelen;
	uint8_t *blob = NULL;
	struct pc_key *k = NULL;
	char *cm = NULL;
	int r;

	*kp = NULL;
	if (comment != NULL)
		*comment = NULL;
	if (line == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((linelen = strnlen(line, KEY_LINE_MAX + 1)) > KEY_LINE_MAX)
		return PC_ERR_STRING_TOO_LARGE;
	/* Drop the line ending, then trailing blanks. */
	while (linelen > 0 && (line[linelen - 1] == '\n' ||
	    line[linelen - 1] == '\r' || key_is_space(line[linelen - 1])))
		linelen--;
	while (p < line + linelen && key_is_space(*p))
		p++;
	type = p;
	while (p < line + linelen && !key_is_space(*p))
		p++;
	tlen = (size_t)(p - type);
	while (p < line + linelen && key_is_space(*p))
		p++;
	b64 = p;
	while (p < line + linelen && !key_is_space(*p))
		p++;
	blen = (size_t)(p - b64);
	while (p < line + linelen && key_is_space(*p))
		p++;
	c = p;
	clen = (size_t)(line + linelen - p);
	if (tlen == 0 || blen == 0)
		return PC_ERR_INVALID_FORMAT;
	if (key_type_from_name_len(type, tlen) == KEY_UNSPEC &&
	    key_type_from_cert_name_len(type, tlen) == KEY_UNSPEC)
		return PC_ERR_KEY_TYPE_UNKNOWN;
	if ((blob = malloc(base64_decoded_max(blen) + 1)) == NULL)
		return PC_ERR_ALLOC;
	if ((r = base64_decode(blob, base64_decoded_max(blen) + 1, &dlen,
	    b64, blen, 0)) != 0)
		goto out;
	if ((r = key_from_blob(blob, dlen, &k)) != 0)
		goto out;
	/* The first field must name the blob's own type. */
	if (strlen(key_name(k)) != tlen ||
	    memcmp(key_name(k), type, tlen) != 0) {
		r = PC_ERR_KEY_TYPE_UNKNOWN;
		goto out;
	}
	if (comment != NULL) {
		if ((cm = malloc(clen + 1)) == NULL) {
			r = PC_ERR_ALLOC;
			goto out;
		}
		memcpy(cm, c, clen);
		cm[clen] = '\0';
	}
	*kp = k;
	k = NULL;
	if (comment != NULL) {
		*comment = cm;
		cm = NULL;
	}
 out:
	free(blob);
	free(cm);
	key_free(k);
	return r;
}

int
key_to_public_line(const struct pc_key *k, const char *comment,
    struct wbuf *out)
{
	struct wbuf blob;
	char *b64 = NULL;
	size_t elen;
	int r;

	wbuf_init(&blob, 0);
	if ((r = key_to_blob(k, &blob)) != 0)
		goto out;
	elen = base64_encoded_len(wbuf_len(&blob), 0);
	if ((b64 = malloc(elen + 1)) == NULL) {
		r = PC_ERR_ALLOC;
		goto out;
	}
	if ((r = base64_encode(b64, elen + 1, wbuf_ptr(&blob),
	    wbuf_len(&blob), 0)) != 0)
		goto out;
	if ((r = wbuf_put(out, key_name(k), strlen(key_name(k)))) != 0 ||
	    (r = wbuf_put_u8(out, ' ')) != 0 ||
	    (r = wbuf_put(out, b64, elen)) != 0)
		goto out;
	if (comment != NULL && *comment != '\0') {
		if (strchr(comment, '\n') != NULL ||
		    strchr(comment, '\r') != NULL) {
			r = PC_ERR_INVALID_ARGUMENT;
			goto out;
		}
		if ((r = wbuf_put_u8(out, ' ')) != 0 ||
		    (r = wbuf_put(out, comment, strlen(comment))) != 0)
			goto out;
	}
 out:
	free(b64);
	wbuf_clear(&blob);
	return r;
}

int
key_fingerprint(const struct pc_key *k, char *out, size_t outlen)
{
	uint8_t h[32];
	struct wbuf blob;
	static const char prefix[] = "SHA256:";
	int r;

	if (outlen < sizeof(prefix))
		return PC_ERR_NO_BUFFER_SPACE;
	wbuf_init(&blob, 0);
	if ((r = key_to_plain_blob(k, &blob)) != 0)
		goto out;
	if ((r = digest_memory(DIGEST_SHA256, wbuf_ptr(&blob),
	    wbuf_len(&blob), h, sizeof(h))) != 0)
		goto out;
	memcpy(out, prefix, sizeof(prefix));
	r = base64_encode(out + sizeof(prefix) - 1,
	    outlen - (sizeof(prefix) - 1), h, sizeof(h), BASE64_NOPAD);
 out:
	wbuf_clear(&blob);
	return r;
}

/* Pick the signature algorithm: NULL means the key's default. */
static int
key_sign_alg(const struct pc_key *k, const char *sigalg,
    const struct key_sigalg **sap)
{
	const struct key_sigalg *sa;
	const char *plain;

	if (sigalg == NULL)
		sigalg = k->type == KEY_RSA ? "rsa-sha2-512" :
		    key_type_name(k->type);
	if ((plain = key_plain_sigalg_for(sigalg)) != NULL) {
		/* A certificate algorithm needs the certificate. */
		if (k->cert == NULL)
			return PC_ERR_INVALID_ARGUMENT;
		sigalg = plain;
	}
	if ((sa = key_sigalg_get(sigalg, strlen(sigalg))) == NULL)
		return PC_ERR_NO_ALGORITHM_MATCH;
	if (sa->type != k->type)
		return PC_ERR_INVALID_ARGUMENT;
	*sap = sa;
	return 0;
}

/* EVP_DigestSign of data into a malloc'd buffer. */
static int
key_evp_sign(const struct pc_key *k, enum digest_alg h, const uint8_t *data,
    size_t len, uint8_t **sigp, size_t *siglenp)
{
	EVP_MD_CTX *md = NULL;
	uint8_t *sig = NULL;
	size_t siglen = 0;
	int r = PC_ERR_LIBCRYPTO;

	*sigp = NULL;
	*siglenp = 0;
	if ((md = EVP_MD_CTX_new()) == NULL) {
		r = PC_ERR_ALLOC;
		goto out;
	}
	if (EVP_DigestSignInit(md, NULL, digest_evp_md(h), NULL,
	    k->pkey) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, data, len) != 1)
		goto out;
	if ((sig = malloc(siglen)) == NULL) {
		r = PC_ERR_ALLOC;
		goto out;
	}
	if (EVP_DigestSign(md, sig, &siglen, data, len) != 1)
		goto out;
	*sigp = sig;
	*siglenp = siglen;
	sig = NULL;
	r = 0;
 out:
	free(sig);
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return r;
}

static int
key_evp_verify(const struct pc_key *k, enum digest_alg h,
    const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX *md;
	int r = PC_ERR_LIBCRYPTO, v;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return PC_ERR_ALLOC;
	if (EVP_DigestVerifyInit(md, NULL, digest_evp_md(h), NULL,
	    k->pkey) != 1)
		goto out;
	v = EVP_DigestVerify(md, sig, siglen, data, len);
	r = v == 1 ? 0 : PC_ERR_SIGNATURE_INVALID;
 out:
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return r;
}

/* RFC 5656 s. 3.1.2: the signature is string(mpint r || mpint s). */
static int
key_ecdsa_sign(const struct pc_key *k, enum digest_alg h,
    const uint8_t *data, size_t len, struct wbuf *inner)
{
	uint8_t *der = NULL, rb[KEY_EC_MAX_FIELD], sb[KEY_EC_MAX_FIELD];
	const uint8_t *dp;
	const BIGNUM *br, *bs;
	ECDSA_SIG *esig = NULL;
	size_t derlen, flen = key_ec_field_len(k->type);
	int r;

	if ((r = key_evp_sign(k, h, data, len, &der, &derlen)) != 0)
		return r;
	dp = der;
	if ((esig = d2i_ECDSA_SIG(NULL, &dp, (long)derlen)) == NULL) {
		r = PC_ERR_LIBCRYPTO;
		goto out;
	}
	ECDSA_SIG_get0(esig, &br, &bs);
	if (BN_bn2binpad(br, rb, (int)flen) != (int)flen ||
	    BN_bn2binpad(bs, sb, (int)flen) != (int)flen) {
		r = PC_ERR_LIBCRYPTO;
		goto out;
	}
	if ((r = wbuf_put_mpint(inner, rb, flen)) != 0 ||
	    (r = wbuf_put_mpint(inner, sb, flen)) != 0)
		goto out;
 out:
	ECDSA_SIG_free(esig);
	free(der);
	ERR_clear_error();
	return r;
}

static int
key_ecdsa_verify(const struct pc_key *k, enum digest_alg h,
    const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen)
{
	struct wbuf b;
	const uint8_t *rp, *sp;
	size_t rlen, slen, flen = key_ec_field_len(k->type);
	ECDSA_SIG *esig = NULL;
	BIGNUM *br = NULL, *bs = NULL;
	uint8_t *der = NULL;
	int derlen, r;

	wbuf_init_const(&b, sig, siglen);
	if ((r = wbuf_get_mpint(&b, &rp, &rlen)) != 0 ||
	    (r = wbuf_get_mpint(&b, &sp, &slen)) != 0 ||
	    (r = wbuf_get_end(&b)) != 0)
		return r;
	/* r and s are below the group order, so no longer than the field. */
	if (rlen > flen || slen > flen)
		return PC_ERR_SIGNATURE_INVALID;
	r = PC_ERR_LIBCRYPTO;
	if ((esig = ECDSA_SIG_new()) == NULL ||
	    (br = BN_bin2bn(rp, (int)rlen, NULL)) == NULL ||
	    (bs = BN_bin2bn(sp, (int)slen, NULL)) == NULL)
		goto out;
	if (ECDSA_SIG_set0(esig, br, bs) != 1)
		goto out;
	br = bs = NULL;	/* owned by esig */
	if ((derlen = i2d_ECDSA_SIG(esig, &der)) <= 0)
		goto out;
	r = key_evp_verify(k, h, data, len, der, (size_t)derlen);
 out:
	OPENSSL_free(der);
	BN_free(br);
	BN_free(bs);
	ECDSA_SIG_free(esig);
	ERR_clear_error();
	return r;
}

/* RFC 8332 s. 3: the signature is exactly as long as the modulus. */
static int
key_rsa_sign(const struct pc_key *k, enum digest_alg h,
    const uint8_t *data, size_t len, struct wbuf *out)
{
	uint8_t *sig = NULL, *dst;
	size_t siglen, modlen;
	int r, size;

	if ((size = EVP_PKEY_get_size(k->pkey)) <= 0)
		return PC_ERR_LIBCRYPTO;
	modlen = (size_t)size;
	if ((r = key_evp_sign(k, h, data, len, &sig, &siglen)) != 0)
		return r;
	if (siglen > modlen) {
		r = PC_ERR_INTERNAL;
		goto out;
	}
	if ((r = wbuf_put_u32(out, (uint32_t)modlen)) != 0 ||
	    (r = wbuf_reserve(out, modlen, &dst)) != 0)
		goto out;
	memset(dst, 0, modlen - siglen);
	memcpy(dst + (modlen - siglen), sig, siglen);
 out:
	free(sig);
	return r;
}

static int
key_rsa_verify(const struct pc_key *k, enum digest_alg h,
    const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen)
{
	uint8_t *padded = NULL;
	size_t modlen;
	int r, size;

	if ((size = EVP_PKEY_get_size(k->pkey)) <= 0)
		return PC_ERR_LIBCRYPTO;
	modlen = (size_t)size;
	/* Some implementations strip leading zeros; accept a short
	 * signature by padding it back, as OpenSSH does (ssh-rsa.c). */
	if (siglen == 0 || siglen > modlen)
		return PC_ERR_SIGNATURE_INVALID;
	if (siglen == modlen)
		return key_evp_verify(k, h, data, len, sig, siglen);
	if ((padded = calloc(1, modlen)) == NULL)
		return PC_ERR_ALLOC;
	memcpy(padded + (modlen - siglen), sig, siglen);
	r = key_evp_verify(k, h, data, len, padded, modlen);
	free(padded);
	return r;
}

int
key_sign(const struct pc_key *k, const char *sigalg, const uint8_t *data,
    size_t len, struct wbuf *sig)
{
	const struct key_sigalg *sa;
	uint8_t edsig[crypto_sign_ed25519_BYTES];
	struct wbuf inner;
	size_t start;
	int r;

	if (k == NULL || !k->has_private)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = key_sign_alg(k, sigalg, &sa)) != 0)
		return r;
	start = wbuf_len(sig);
	wbuf_init(&inner, 0);
	/* string signature algorithm name */
	if ((r = wbuf_put_cstring(sig, sa->name)) != 0)
		goto out;
	switch (k->type) {
	case KEY_ED25519:
		/* RFC 8709 s. 6: string of the 64-byte signature */
		if (crypto_sign_ed25519_detached(edsig, NULL, data, len,
		    k->ed_sk) != 0) {
			r = PC_ERR_LIBCRYPTO;
			goto out;
		}
		r = wbuf_put_string(sig, edsig, sizeof(edsig));
		break;
	case KEY_ECDSA_P256:
	case KEY_ECDSA_P384:
	case KEY_ECDSA_P521:
		if ((r = key_ecdsa_sign(k, sa->hash, data, len,
		    &inner)) != 0)
			goto out;
		r = wbuf_put_stringb(sig, &inner);
		break;
	case KEY_RSA:
		r = key_rsa_sign(k, sa->hash, data, len, sig);
		break;
	default:
		r = PC_ERR_KEY_TYPE_UNKNOWN;
		break;
	}
 out:
	/* Leave sig as it was on failure. */
	if (r != 0 && wbuf_len(sig) > start &&
	    wbuf_consume_end(sig, wbuf_len(sig) - start) != 0)
		r = PC_ERR_INTERNAL;
	wbuf_clear(&inner);
	return r;
}

int
key_verify(const struct pc_key *k, const char *sigalg, const uint8_t *data,
    size_t len, const uint8_t *sig, size_t siglen)
{
	const struct key_sigalg *sa;
	const uint8_t *name, *s;
	const char *plain;
	size_t nlen, slen;
	struct wbuf b;
	int r;

	if (k == NULL || sig == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((plain = key_plain_sigalg_for(sigalg)) != NULL) {
		/* PROTOCOL.certkeys: a certificate algorithm is signed with
		 * the certified key under its plain name. */
		if (k->cert == NULL)
			return PC_ERR_SIGNATURE_INVALID;
		sigalg = plain;
	}
	wbuf_init_const(&b, sig, siglen);
	if ((r = wbuf_get_string_direct(&b, &name, &nlen)) != 0 ||
	    (r = wbuf_get_string_direct(&b, &s, &slen)) != 0 ||
	    (r = wbuf_get_end(&b)) != 0)
		return r;
	if ((sa = key_sigalg_get((const char *)name, nlen)) == NULL ||
	    sa->type != k->type)
		return PC_ERR_SIGNATURE_INVALID;
	/* The negotiated algorithm must be the one used; in particular a
	 * SHA-1 "ssh-rsa" signature only passes when it was asked for
	 * (RFC 8332 s. 3). */
	if (sigalg != NULL && strcmp(sigalg, sa->name) != 0)
		return PC_ERR_SIGNATURE_INVALID;
	if (sigalg == NULL && sa->hash == DIGEST_SHA1)
		return PC_ERR_SIGNATURE_INVALID;
	switch (k->type) {
	case KEY_ED25519:
		if (slen != crypto_sign_ed25519_BYTES)
			return PC_ERR_SIGNATURE_INVALID;
		if (crypto_sign_ed25519_verify_detached(s, data, len,
		    k->ed_pk) != 0)
			return PC_ERR_SIGNATURE_INVALID;
		return 0;
	case KEY_ECDSA_P256:
	case KEY_ECDSA_P384:
	case KEY_ECDSA_P521:
		return key_ecdsa_verify(k, sa->hash, data, len, s, slen);
	case KEY_RSA:
		return key_rsa_verify(k, sa->hash, data, len, s, slen);
	default:
		return PC_ERR_KEY_TYPE_UNKNOWN;
	}
}
