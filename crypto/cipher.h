/*
 * Packet ciphers (RFC 4253 s. 6.3, RFC 4344, RFC 5647, OpenSSH PROTOCOL
 * and PROTOCOL.chacha20poly1305).
 *
 * The algorithm table is fixed; each entry says whether it is AEAD (no MAC
 * is negotiated with it: chacha20-poly1305@openssh.com, aes*-gcm@openssh.com)
 * and its key, IV, block and tag sizes.
 *
 * cipher_crypt() processes one binary packet, laid out as OpenSSH does:
 *   src: [aadlen bytes of additional data][len bytes][authlen bytes of tag]
 * aadlen is 4 (the packet length field) for AEAD ciphers and for
 * encrypt-then-MAC, 0 otherwise.  The aad bytes are copied to dst
 * unencrypted, except that chacha20-poly1305 encrypts them with its header
 * key.  When encrypting, the tag is written after the len bytes of dst; when
 * decrypting, the tag at src + aadlen + len is checked in constant time
 * BEFORE anything is decrypted, and PC_ERR_MAC_INVALID is returned on
 * mismatch.  dst may equal src.  seqnr is the packet sequence number (used
 * by chacha20-poly1305 as the nonce); GCM keeps its own invocation counter.
 */
#ifndef PC_CIPHER_H
#define PC_CIPHER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CIPHER_MAX_KEY_LEN	64
#define CIPHER_MAX_IV_LEN	16
#define CIPHER_MAX_BLOCK_LEN	16
#define CIPHER_MAX_TAG_LEN	16

#define CIPHER_ENCRYPT	1
#define CIPHER_DECRYPT	0

struct cipher_alg;
struct cipher_ctx;

/* NULL if unknown.  "none" is in the table (for the initial state) but
 * never in the negotiable lists. */
const struct cipher_alg *cipher_by_name(const char *name);
const char *cipher_name(const struct cipher_alg *c);
size_t	cipher_key_len(const struct cipher_alg *c);
size_t	cipher_iv_len(const struct cipher_alg *c);
size_t	cipher_block_len(const struct cipher_alg *c);	/* at least 8 */
size_t	cipher_tag_len(const struct cipher_alg *c);	/* 0 unless AEAD */
int	cipher_is_aead(const struct cipher_alg *c);
/* Whether the packet length is encrypted on its own, so it must be read
 * with cipher_get_length (chacha20-poly1305@openssh.com). */
int	cipher_length_encrypted(const struct cipher_alg *c);
/* The comma-separated lists for sshd_config and -Q. */
const char *cipher_default_list(void);
const char *cipher_supported_list(void);

/* Caller frees with cipher_ctx_free (accepts NULL, wipes). */
int	cipher_ctx_new(struct cipher_ctx **ctxp, const struct cipher_alg *c,
	    const uint8_t *key, size_t keylen, const uint8_t *iv,
	    size_t ivlen, int encrypt) PC_WUR;
void	cipher_ctx_free(struct cipher_ctx *ctx);
int	cipher_crypt(struct cipher_ctx *ctx, uint32_t seqnr, uint8_t *dst,
	    const uint8_t *src, size_t len, size_t aadlen,
	    size_t authlen) PC_WUR;
/* chacha20-poly1305 only: decrypt the 4-byte length field at cp into
 * *plen without changing cp.  For other ciphers, the length is in clear
 * (AEAD, ETM) or in the first block (see cipher_crypt with aadlen 0). */
int	cipher_get_length(struct cipher_ctx *ctx, uint32_t *plen,
	    uint32_t seqnr, const uint8_t *cp, size_t len) PC_WUR;

/*
 * Where a context stands, so that another process can carry on with the
 * same keystream (privilege separation: tp_export / tp_import hand the
 * connection from the network process to the user's process, as
 * OpenSSH's packet state does).
 *
 * key is the key the context was made with.  iv is the IV a fresh context
 * would need to produce what this one produces next:
 *   aes*-ctr: the counter block in use; pos bytes of its keystream block
 *     are already used (0..15; the transport always leaves 0, since
 *     packets are whole blocks, but the state is exact either way);
 *   aes*-gcm@openssh.com: the 4-byte fixed field and the invocation
 *     counter of the next packet (RFC 5647 s. 7.1); pos is 0;
 *   chacha20-poly1305@openssh.com: no IV (the sequence number is the
 *     nonce, and the transport carries it); pos is 0.
 * The state holds secrets: whoever fills one wipes it (pc_wipe).
 */
struct cipher_state {
	uint8_t key[CIPHER_MAX_KEY_LEN];
	uint8_t iv[CIPHER_MAX_IV_LEN];
	size_t key_len;			/* cipher_key_len() */
	size_t iv_len;			/* cipher_iv_len() */
	uint32_t pos;
};

/* Fill *st (overwritten) from ctx. */
int	cipher_ctx_export(const struct cipher_ctx *ctx,
	    struct cipher_state *st) PC_WUR;
/* A context for c in direction encrypt that continues where the exported
 * one stood; lengths and pos are checked against c (PC_ERR_INVALID_FORMAT).
 * st is only read.  Caller frees *ctxp with cipher_ctx_free. */
int	cipher_ctx_import(struct cipher_ctx **ctxp,
	    const struct cipher_alg *c, int encrypt,
	    const struct cipher_state *st) PC_WUR;

#endif /* PC_CIPHER_H */
