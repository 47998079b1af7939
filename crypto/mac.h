/*
 * Message authentication codes (RFC 4253 s. 6.4, RFC 6668, OpenSSH
 * PROTOCOL s. 1.7 for the -etm@openssh.com variants).
 *
 * The MAC of a packet is MAC(key, uint32 seqnr || data): data is the whole
 * unencrypted packet, or for -etm the packet length field followed by the
 * ciphertext.
 */
#ifndef PC_MAC_H
#define PC_MAC_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define MAC_MAX_LEN	64
#define MAC_MAX_KEY_LEN	64

struct mac_alg;
struct mac_ctx;

const struct mac_alg *mac_by_name(const char *name);	/* NULL if unknown */
const char *mac_name(const struct mac_alg *m);
size_t	mac_key_len(const struct mac_alg *m);
size_t	mac_len(const struct mac_alg *m);	/* tag length on the wire */
int	mac_is_etm(const struct mac_alg *m);
const char *mac_default_list(void);
const char *mac_supported_list(void);

/* Caller frees with mac_ctx_free (accepts NULL, wipes the key). */
int	mac_ctx_new(struct mac_ctx **ctxp, const struct mac_alg *m,
	    const uint8_t *key, size_t keylen) PC_WUR;
void	mac_ctx_free(struct mac_ctx *ctx);
/* out must hold mac_len() bytes. */
int	mac_compute(struct mac_ctx *ctx, uint32_t seqnr, const uint8_t *data,
	    size_t len, uint8_t *out) PC_WUR;
/* Constant-time check of a received tag; PC_ERR_MAC_INVALID on mismatch. */
int	mac_verify(struct mac_ctx *ctx, uint32_t seqnr, const uint8_t *data,
	    size_t len, const uint8_t *tag) PC_WUR;

/*
 * The key ctx was made with, so that another process can make the same
 * context with mac_ctx_new (privilege separation: tp_export; the MACs
 * have no other state across packets).  key is overwritten with
 * mac_key_len() bytes, *keylen set to that; the caller wipes key.
 */
int	mac_ctx_export(const struct mac_ctx *ctx,
	    uint8_t key[MAC_MAX_KEY_LEN], size_t *keylen) PC_WUR;

#endif /* PC_MAC_H */
