/*
 * Internal to the kex methods (crypto/kex*.c) and their tests: the client
 * state, the per-method operations the table in kexalg.c points at, and
 * lower-level functions that take fixed private keys so the known-answer
 * tests can check them against the RFC vectors.  No OpenSSL or libsodium
 * types cross this header.
 */
#ifndef PC_KEXALG_IMPL_H
#define PC_KEXALG_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "kexalg.h"

#define KEXC25519_KEY_LEN	32	/* RFC 7748 s. 5: X25519 values */

/*
 * Fixed-size secret bytes a state may hold.  The post-quantum hybrids
 * will raise this (ML-KEM-768's decapsulation key is 2400 bytes,
 * sntrup761's 1763, plus an X25519 scalar).
 */
#define KEXALG_STATE_SK_MAX	KEXC25519_KEY_LEN

/*
 * The client's ephemeral secret.  sk holds fixed-size secrets (wiped on
 * free); impl holds a library object that impl_free releases and wipes.
 */
struct kexalg_state {
	const struct kex_alg *alg;
	uint8_t sk[KEXALG_STATE_SK_MAX];
	size_t sklen;
	void *impl;
	void (*impl_free)(void *impl);
};

/* kexalg.c: a zeroed state for alg (caller frees: kexalg_state_free). */
int	kexalg_state_new(const struct kex_alg *alg,
	    struct kexalg_state **stp) PC_WUR;
/* Drop bytes appended to b since it held oldlen bytes, wiping them. */
void	kexalg_rollback(struct wbuf *b, size_t oldlen);
/*
 * The post-quantum hybrids' shared secret: append string(HASH(kem ||
 * x25519)) to shared, from the KEM's and X25519's 32-byte secrets
 * (draft-ietf-sshm-mlkem-hybrid-kex s. 2.4, draft-josefsson-ntruprime-ssh).
 */
#define KEXALG_HYBRID_SS_LEN	32
int	kexalg_hybrid_k(enum digest_alg hash,
	    const uint8_t kem[KEXALG_HYBRID_SS_LEN],
	    const uint8_t x25519[KEXALG_HYBRID_SS_LEN],
	    struct wbuf *shared) PC_WUR;

/* kexc25519.c: curve25519-sha256 (RFC 8731). */
int	kexc25519_client_keypair(const struct kex_alg *alg,
	    const struct kex_dh_group *grp, struct kexalg_state **stp,
	    struct wbuf *client_pub) PC_WUR;
int	kexc25519_server_encaps(const struct kex_alg *alg,
	    const struct kex_dh_group *grp, const uint8_t *client_pub,
	    size_t client_len, struct wbuf *server_pub,
	    struct wbuf *shared) PC_WUR;
int	kexc25519_client_decaps(struct kexalg_state *st,
	    const uint8_t *server_pub, size_t server_len,
	    struct wbuf *shared) PC_WUR;
/* X25519 public value of a private scalar (RFC 7748 s. 6.1). */
int	kexc25519_public(const uint8_t sk[KEXC25519_KEY_LEN],
	    uint8_t pub[KEXC25519_KEY_LEN]) PC_WUR;
/* X25519(sk, peer) into out; PC_ERR_KEX_INVALID if it is all zero. */
int	kexc25519_shared(const uint8_t sk[KEXC25519_KEY_LEN],
	    const uint8_t peer[KEXC25519_KEY_LEN],
	    uint8_t out[KEXC25519_KEY_LEN]) PC_WUR;
/* Append K for RFC 8731 s. 3.1: the 32 bytes as a big-endian mpint. */
int	kexc25519_encode_k(struct wbuf *shared,
	    const uint8_t k[KEXC25519_KEY_LEN]) PC_WUR;

/* kexecdh.c: ecdh-sha2-nistp256/384/521 (RFC 5656 s. 4). */
enum kexecdh_curve {
	KEXECDH_P256 = 0,
	KEXECDH_P384,
	KEXECDH_P521,
	KEXECDH_NCURVES
};
#define KEXECDH_MAX_FIELD	66	/* P-521: ceil(521 / 8) */
#define KEXECDH_MAX_POINT	(1 + 2 * KEXECDH_MAX_FIELD)

/* The table entries' impl: a pointer to one of these. */
extern const enum kexecdh_curve kexecdh_curve_ids[KEXECDH_NCURVES];

size_t	kexecdh_field_len(enum kexecdh_curve curve);	/* 0: unknown */
int	kexecdh_client_keypair(const struct kex_alg *alg,
	    const struct kex_dh_group *grp, struct kexalg_state **stp,
	    struct wbuf *client_pub) PC_WUR;
int	kexecdh_server_encaps(const struct kex_alg *alg,
	    const struct kex_dh_group *grp, const uint8_t *client_pub,
	    size_t client_len, struct wbuf *server_pub,
	    struct wbuf *shared) PC_WUR;
int	kexecdh_client_decaps(struct kexalg_state *st,
	    const uint8_t *server_pub, size_t server_len,
	    struct wbuf *shared) PC_WUR;
/*
 * With the fixed private scalar priv (big-endian, privlen bytes): write
 * its uncompressed public point to pub (publen must be 1 + 2 * field
 * length) and the X coordinate of priv * peer to x (xlen must be the
 * field length).  The peer point is checked as in the exchange.
 */
int	kexecdh_derive(enum kexecdh_curve curve, const uint8_t *priv,
	    size_t privlen, const uint8_t *peer, size_t peerlen,
	    uint8_t *pub, size_t publen, uint8_t *x, size_t xlen) PC_WUR;

/* kexdh.c: finite-field DH, fixed groups and group exchange. */
#define KEXDH_MAX_BITS		KEXALG_DH_GRP_MAX
#define KEXDH_MAX_BYTES		(KEXDH_MAX_BITS / 8)
int	kexdh_client_keypair(const struct kex_alg *alg,
	    const struct kex_dh_group *grp, struct kexalg_state **stp,
	    struct wbuf *client_pub) PC_WUR;
int	kexdh_server_encaps(const struct kex_alg *alg,
	    const struct kex_dh_group *grp, const uint8_t *client_pub,
	    size_t client_len, struct wbuf *server_pub,
	    struct wbuf *shared) PC_WUR;
int	kexdh_client_decaps(struct kexalg_state *st,
	    const uint8_t *server_pub, size_t server_len,
	    struct wbuf *shared) PC_WUR;
/*
 * Check a group: p odd of KEXALG_DH_GRP_MIN..KEXDH_MAX_BITS bits, and
 * 1 < g < p - 1.  PC_ERR_INVALID_ARGUMENT if not.
 */
int	kexdh_group_check(const struct kex_dh_group *grp) PC_WUR;
/*
 * Check a peer's public value given as an mpint body (RFC 4251 s. 5:
 * minimal, non-negative): 1 < y < p - 1 (RFC 4253 s. 8) with more than
 * one bit set (OpenSSH's dh_pub_is_valid).  PC_ERR_KEX_INVALID if not.
 */
int	kexdh_pub_check(const struct kex_dh_group *grp, const uint8_t *body,
	    size_t len) PC_WUR;
/*
 * With the fixed exponent x (big-endian, xlen bytes, non-zero): append
 * g^x mod p as an mpint body to pub (if not NULL) and, if peer is not
 * NULL, peer^x mod p as an mpint to shared.
 */
int	kexdh_derive(const struct kex_dh_group *grp, const uint8_t *x,
	    size_t xlen, const uint8_t *peer, size_t peerlen,
	    struct wbuf *pub, struct wbuf *shared) PC_WUR;

/* kexmlkem.c: mlkem768x25519-sha256 (draft-ietf-sshm-mlkem-hybrid-kex). */
int	kexmlkem_client_keypair(const struct kex_alg *alg,
	    const struct kex_dh_group *grp, struct kexalg_state **stp,
	    struct wbuf *client_pub) PC_WUR;
int	kexmlkem_server_encaps(const struct kex_alg *alg,
	    const struct kex_dh_group *grp, const uint8_t *client_pub,
	    size_t client_len, struct wbuf *server_pub,
	    struct wbuf *shared) PC_WUR;
int	kexmlkem_client_decaps(struct kexalg_state *st,
	    const uint8_t *server_pub, size_t server_len,
	    struct wbuf *shared) PC_WUR;

#endif /* PC_KEXALG_IMPL_H */
