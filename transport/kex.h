/*
 * Algorithm negotiation and key derivation (RFC 4253 s. 7), pure
 * functions used by the transport engine (transport.c).
 */
#ifndef PC_KEX_H
#define PC_KEX_H

#include <stddef.h>
#include <stdint.h>

#include "cipher.h"
#include "digest.h"
#include "err.h"
#include "kexalg.h"
#include "mac.h"
#include "wbuf.h"

#define KEX_COOKIE_LEN		16
#define KEX_MAX_ALG_NAME	64

/* The ten name-lists of SSH_MSG_KEXINIT, in wire order. */
enum kex_proposal {
	KEX_PROP_KEX = 0,
	KEX_PROP_HOSTKEY,
	KEX_PROP_ENC_CTOS,
	KEX_PROP_ENC_STOC,
	KEX_PROP_MAC_CTOS,
	KEX_PROP_MAC_STOC,
	KEX_PROP_COMP_CTOS,
	KEX_PROP_COMP_STOC,
	KEX_PROP_LANG_CTOS,
	KEX_PROP_LANG_STOC,
	KEX_PROP_MAX
};

/* Directions, indexing the per-direction choices. */
#define KEX_CTOS	0
#define KEX_STOC	1

struct kexinit {
	uint8_t cookie[KEX_COOKIE_LEN];
	char *list[KEX_PROP_MAX];	/* owned; freed by kexinit_clear */
	int first_kex_follows;
};

struct kex_choice {
	const struct kex_alg *kex;
	char hostkey_alg[KEX_MAX_ALG_NAME];
	const struct cipher_alg *enc[2];	/* [KEX_CTOS], [KEX_STOC] */
	const struct mac_alg *mac[2];		/* NULL with AEAD ciphers */
	int strict;		/* both offered strict kex (initial kex only) */
	int ext_info_c;		/* the client offered ext-info-c */
	int ext_info_s;		/* the server offered ext-info-s */
	int guess_wrong;	/* ignore the peer's guessed kex packet */
};

/* Parse a KEXINIT payload (starting with the message type byte). */
int	kexinit_parse(const uint8_t *payload, size_t len,
	    struct kexinit *out) PC_WUR;
void	kexinit_clear(struct kexinit *k);
/* Build a KEXINIT payload with a random cookie into out (appended). */
int	kexinit_build(struct wbuf *out,
	    const char *const lists[KEX_PROP_MAX]) PC_WUR;

/*
 * Choose the algorithms (RFC 4253 s. 7.1): for each list the first of the
 * client's names that the server also has.  initial says whether this is
 * the first kex, the only one where the strict-kex and ext-info
 * pseudo-algorithms count.  On failure *what is the enum kex_proposal
 * index of the list that had no match (for the log).
 */
int	kex_negotiate(const struct kexinit *client,
	    const struct kexinit *server, int initial, struct kex_choice *out,
	    int *what) PC_WUR;
/* "cipher", "MAC", "key exchange method"...: as OpenSSH logs them. */
const char *kex_proposal_desc(int prop);

/* First name of list a also in list b (both comma-separated), copied into
 * out; PC_ERR_NO_ALGORITHM_MATCH if none. */
int	kex_match_list(const char *a, const char *b, char *out,
	    size_t outlen) PC_WUR;
/* Whether name is one of the names of a comma-separated list. */
int	kex_list_has(const char *list, const char *name);

/*
 * Key derivation, RFC 4253 s. 7.2: need bytes of
 * HASH(K || H || letter || session_id) extended by HASH(K || H || K1...).
 * K is the shared secret as encoded in the exchange hash.
 */
int	kex_derive_key(enum digest_alg hash, const uint8_t *K, size_t Klen,
	    const uint8_t *H, size_t Hlen, const uint8_t *sid, size_t sidlen,
	    char letter, uint8_t *out, size_t need) PC_WUR;

#endif /* PC_KEX_H */
