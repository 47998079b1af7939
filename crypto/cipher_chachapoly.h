/*
 * chacha20-poly1305@openssh.com (OpenSSH PROTOCOL.chacha20poly1305), used
 * only by crypto/cipher.c; the transport sees it through cipher.h.
 *
 * The 64-byte key is K_2 (bytes 0-31, payload and Poly1305 key) followed
 * by K_1 (bytes 32-63, packet length).  The nonce is the packet sequence
 * number as a big-endian uint64.
 *
 * Ownership: cipher_chachapoly_new() gives the caller a context that it
 * frees with cipher_chachapoly_free() (accepts NULL, wipes the keys).
 */
#ifndef PC_CIPHER_CHACHAPOLY_H
#define PC_CIPHER_CHACHAPOLY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CHACHAPOLY_KEY_LEN	64
#define CHACHAPOLY_TAG_LEN	16
#define CHACHAPOLY_AAD_LEN	4	/* the encrypted packet length */

struct cipher_chachapoly;

int	cipher_chachapoly_new(struct cipher_chachapoly **cpp,
	    const uint8_t *key, size_t keylen) PC_WUR;
void	cipher_chachapoly_free(struct cipher_chachapoly *cp);
/* Same layout and contract as cipher_crypt(); aadlen must be 4 and authlen
 * 16.  On decryption the tag is checked before anything is written. */
int	cipher_chachapoly_crypt(struct cipher_chachapoly *cp, uint32_t seqnr,
	    uint8_t *dst, const uint8_t *src, size_t len, size_t aadlen,
	    size_t authlen, int encrypt) PC_WUR;
/* Decrypt the 4-byte length at p (len >= 4) into *plen. */
int	cipher_chachapoly_get_length(struct cipher_chachapoly *cp,
	    uint32_t *plen, uint32_t seqnr, const uint8_t *p,
	    size_t len) PC_WUR;

#endif /* PC_CIPHER_CHACHAPOLY_H */
