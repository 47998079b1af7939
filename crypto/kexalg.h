/*
 * Key-exchange primitives: the table of kex methods and their one-round
 * "key encapsulation" form (OpenSSH's kex_kem_* shape), which fits
 * ECDH (RFC 5656), curve25519 (RFC 8731), finite-field DH (RFC 4253 s. 8,
 * RFC 8268), group exchange (RFC 4419) and the post-quantum hybrids.
 *
 * All public values cross this interface as the raw bytes of their wire
 * field (the body of the string, or for DH the body of the mpint including
 * any leading zero byte), so the transport can put them in messages and in
 * the exchange hash without knowing their type.  The shared secret K comes
 * back already encoded as the exchange hash wants it: an mpint for the
 * classic methods, a string for the hybrids.
 *
 * Adding a method (the post-quantum hybrids, for example) is one table
 * entry with its three operations; the transport needs no change.
 */
#ifndef PC_KEXALG_H
#define PC_KEXALG_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "err.h"
#include "wbuf.h"

enum kexalg_kind {
	KEXALG_KEM = 0,		/* one INIT, one REPLY (msgs 30/31) */
	KEXALG_GEX,		/* group exchange (msgs 34, 31, 32, 33) */
};

/* A finite-field group: p and g as unsigned big-endian magnitudes. */
struct kex_dh_group {
	uint32_t bits;
	const uint8_t *p;
	size_t plen;
	const uint8_t *g;
	size_t glen;
};

struct kexalg_state;	/* the client's ephemeral secret; opaque */

struct kex_alg {
	const char *name;
	enum digest_alg hash;
	enum kexalg_kind kind;
	const struct kex_dh_group *group;	/* fixed DH groups, or NULL */
	/* Client: make an ephemeral key pair; append its public value to
	 * client_pub.  *stp is freed with kexalg_state_free. */
	int (*client_keypair)(const struct kex_alg *alg,
	    const struct kex_dh_group *grp, struct kexalg_state **stp,
	    struct wbuf *client_pub);
	/* Server: from the client's public value, append the server's
	 * public value (or ciphertext) and the encoded shared secret. */
	int (*server_encaps)(const struct kex_alg *alg,
	    const struct kex_dh_group *grp, const uint8_t *client_pub,
	    size_t client_len, struct wbuf *server_pub, struct wbuf *shared);
	/* Client: from the server's value, append the encoded secret. */
	int (*client_decaps)(struct kexalg_state *st,
	    const uint8_t *server_pub, size_t server_len,
	    struct wbuf *shared);
	/* Method parameters the operations read (the ECDH curve); not for
	 * the transport.  NULL when the method needs none. */
	const void *impl;
};

/*
 * Errors from the three operations: PC_ERR_KEX_INVALID when the peer's
 * value is refused (wrong length, not on the curve, out of range, or a
 * shared secret that is all zero), PC_ERR_INVALID_ARGUMENT for a missing or
 * unusable group, PC_ERR_LIBCRYPTO, PC_ERR_ALLOC, or a wbuf error.  On
 * failure nothing is left appended to client_pub, server_pub or shared.
 * Secrets never outlive the call except in *stp.
 */

const struct kex_alg *kexalg_by_name(const char *name);	/* NULL: unknown */
/* Comma-separated lists for sshd_config and -Q kex (without the
 * ext-info and strict-kex pseudo-algorithms, which transport adds). */
const char *kexalg_default_list(void);
const char *kexalg_supported_list(void);
void	kexalg_state_free(struct kexalg_state *st);

/* The RFC 3526 groups (14: 2048, 16: 4096, 18: 8192 bits); NULL else. */
const struct kex_dh_group *kexalg_modp_group(int number);

/*
 * Group exchange moduli (moduli(5)): parse one line of a moduli file into
 * *out (p and g point into a buffer owned by out: free with
 * kexalg_moduli_clear).  Returns PC_ERR_NOT_FOUND for comments and blank
 * lines, PC_ERR_INVALID_FORMAT for a malformed line, or for a line that is
 * not a safe prime that passed Miller-Rabin, or whose stated size does not
 * match the modulus, or whose modulus is even, over KEXALG_DH_GRP_MAX bits,
 * or whose generator is not in 1 < g < p - 1.
 */
struct kex_moduli_entry {
	struct kex_dh_group grp;
	uint8_t *buf;		/* owns p and g */
};
int	kexalg_moduli_parse_line(const char *line,
	    struct kex_moduli_entry *out) PC_WUR;
void	kexalg_moduli_clear(struct kex_moduli_entry *e);

/* Longest moduli line we read (an 8192-bit modulus takes about 2100). */
#define KEXALG_MODULI_LINE_MAX	8192
/* moduli(5) fields (OpenSSH's dh.h). */
#define KEXALG_MODULI_TYPE_SAFE		2	/* p = 2q + 1 */
#define KEXALG_MODULI_TESTS_COMPOSITE	0x01
#define KEXALG_MODULI_TESTS_MILLER_RABIN 0x04

/*
 * Group exchange bounds (RFC 4419 s. 3, RFC 8270): the limits OpenSSH's
 * sshd applies to SSH_MSG_KEX_DH_GEX_REQUEST.
 */
#define KEXALG_DH_GRP_MIN	2048
#define KEXALG_DH_GRP_MAX	8192

/*
 * Check a client's (min, n, max) and clamp them to [KEXALG_DH_GRP_MIN,
 * KEXALG_DH_GRP_MAX] for kexalg_gex_choose.  PC_ERR_RANGE unless
 * min <= n <= max and max >= KEXALG_DH_GRP_MIN (as OpenSSH's kexgexs.c).
 * The exchange hash takes the values as received, not the clamped ones.
 */
int	kexalg_gex_bounds(uint32_t min, uint32_t want, uint32_t max,
	    uint32_t *min_out, uint32_t *want_out, uint32_t *max_out) PC_WUR;
/*
 * Choose a group from parsed moduli (OpenSSH's choose_dh): among the
 * entries with min <= bits <= max, the smallest size >= want, else the
 * largest size below it; uniformly at random among entries of that size.
 * With none, the RFC 3526 fallback (dh_new_group_fallback): group 14 if
 * max < 3072, group 16 if max < 6144, else group 18.  *out is borrowed
 * from list or static.
 */
int	kexalg_gex_choose(const struct kex_moduli_entry *list, size_t n,
	    uint32_t min, uint32_t want, uint32_t max,
	    const struct kex_dh_group **out) PC_WUR;

#endif /* PC_KEXALG_H */
