/*
 * Internals shared by crypto/key.c (types, blobs, signatures),
 * crypto/keyfmt.c (private key file formats) and crypto/cert.c
 * (certificates).  Nothing outside crypto/key*.c
 * includes this header: everyone else sees struct pc_key only through
 * crypto/key.h.
 */
#ifndef PC_KEY_INT_H
#define PC_KEY_INT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "key.h"

#define KEY_ED25519_PK_LEN	32	/* RFC 8032 s. 5.1.5 */
#define KEY_ED25519_SEED_LEN	32
#define KEY_ED25519_SK_LEN	64	/* seed || pk, as libsodium and
					 * PROTOCOL.key store it */
#define KEY_EC_MAX_FIELD	66	/* nistp521: ceil(521 / 8) */
#define KEY_RSA_MAX_BITS	16384	/* as OpenSSH's SSHBUF_MAX_BIGNUM */

struct pc_key {
	enum key_type type;
	int has_private;
	/* KEY_ED25519: both halves in fixed arrays, sk wiped by key_free. */
	uint8_t ed_pk[KEY_ED25519_PK_LEN];
	uint8_t ed_sk[KEY_ED25519_SK_LEN];
	/* KEY_ECDSA_* and KEY_RSA: owned by the key (a reference: EVP_PKEYs
	 * are never changed once built, so copies share them). */
	EVP_PKEY *pkey;
	/* A certificate for the key above, owned by the key; NULL for a
	 * plain key. */
	struct pc_cert *cert;
};

/* A zeroed key of type t (caller frees with key_free), NULL on ENOMEM. */
struct pc_key *key_new(enum key_type t);

/* Curve name in the blob ("nistp256"), field size in bytes. */
const char *key_ec_curve_name(enum key_type t);
size_t	key_ec_field_len(enum key_type t);

/*
 * Build and validate k->pkey.  EC: q is the uncompressed point (SEC1
 * 2.3.3, 0x04 || X || Y) and d the private scalar's magnitude or NULL.
 * RSA: big-endian magnitudes; private members NULL for a public key.
 * The public key is checked (point on the curve and in the group, RSA
 * modulus size) and a private key must match its public half.
 */
int	key_ec_set(struct pc_key *k, const uint8_t *q, size_t qlen,
	    const uint8_t *d, size_t dlen) PC_WUR;
struct key_rsa_parts {
	const uint8_t *n, *e, *d, *iqmp, *p, *q;
	size_t nlen, elen, dlen, iqmplen, plen, qlen;
};
int	key_rsa_set(struct pc_key *k, const struct key_rsa_parts *rp) PC_WUR;
/* Ed25519 private key from its 32-byte seed (fills pk and sk). */
int	key_ed25519_set_seed(struct pc_key *k, const uint8_t *seed) PC_WUR;
/* Make a key from an OpenSSL key read from PEM (or generated): checks its
 * type, size and consistency.  Always takes ownership of pkey. */
int	key_from_evp(EVP_PKEY *pkey, struct pc_key **kp) PC_WUR;

/* Parse the public fields of a blob (after the name) into k, whose type
 * says which fields. */
int	key_get_public_fields(struct wbuf *b, struct pc_key *k) PC_WUR;
/* A plain public blob only: a certificate name gives PC_ERR_CERT_INVALID. */
int	key_from_blob_plain(const uint8_t *blob, size_t len,
	    struct pc_key **kp) PC_WUR;
/* A new plain public key equal to k's (certified) public half. */
int	key_copy_public(const struct pc_key *k, struct pc_key **kp) PC_WUR;

/* crypto/cert.c.  cert_parse reads a whole certificate blob (its name
 * already known to be the certificate type of t) into a new key. */
int	cert_parse(const uint8_t *blob, size_t len, enum key_type t,
	    struct pc_key **kp) PC_WUR;
int	cert_dup(const struct pc_cert *c, struct pc_cert **cp) PC_WUR;
void	cert_free(struct pc_cert *c);

/* Append the public blob's fields after the name string (RFC 4253
 * s. 6.6, RFC 5656 s. 3.1, RFC 8709 s. 4). */
int	key_put_public_fields(const struct pc_key *k, struct wbuf *out) PC_WUR;
/* Append one OpenSSL key parameter (OSSL_PKEY_PARAM_*) as an mpint. */
int	key_put_param_mpint(const struct pc_key *k, const char *param,
	    struct wbuf *out) PC_WUR;
/* The uncompressed EC public point into q (KEY_EC_MAX_FIELD * 2 + 1). */
int	key_ec_get_point(const struct pc_key *k, uint8_t *q,
	    size_t *qlen) PC_WUR;

#endif /* PC_KEY_INT_H */
