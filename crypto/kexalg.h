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
};

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
 * match the modulus.
 */
struct kex_moduli_entry {
	struct kex_dh_group grp;
	uint8_t *buf;		/* owns p and g */
};
int	kexalg_moduli_parse_line(const char *line,
	    struct kex_moduli_entry *out) PC_WUR;
void	kexalg_moduli_clear(struct kex_moduli_entry *e);

#endif /* PC_KEXALG_H */
