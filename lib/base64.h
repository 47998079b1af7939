/*
 * Base64 (RFC 4648 section 4) for .pub lines, the PEM armour of private
 * key files and "SHA256:" fingerprints.
 *
 * Decoding is strict: only the RFC 4648 alphabet, no whitespace (callers
 * strip the armour's line breaks first), padding only at the end and only
 * as much as the length needs, and the unused low bits of the last symbol
 * must be zero (the canonical encoding, RFC 4648 s. 3.5).  Callers own
 * every buffer passed in; nothing is allocated.
 */
#ifndef PC_BASE64_H
#define PC_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define BASE64_NOPAD	0x01	/* encode: no '='; decode: '=' not allowed */

/* Characters base64_encode writes for len bytes (without the NUL);
 * 0 if that would overflow size_t. */
size_t	base64_encoded_len(size_t len, int flags);
/* Upper bound on the bytes base64_decode writes for srclen characters. */
size_t	base64_decoded_max(size_t srclen);

/* Encode src into out as a NUL-terminated string.  outlen must be at
 * least base64_encoded_len() + 1, else PC_ERR_NO_BUFFER_SPACE. */
int	base64_encode(char *out, size_t outlen, const void *src, size_t len,
	    int flags) PC_WUR;
/* Decode srclen characters of src into out (outlen bytes of room); the
 * decoded length goes to *decoded.  PC_ERR_INVALID_FORMAT on any invalid
 * input, PC_ERR_NO_BUFFER_SPACE if out is too small.  On error out may
 * hold partial output, which is wiped. */
int	base64_decode(uint8_t *out, size_t outlen, size_t *decoded,
	    const char *src, size_t srclen, int flags) PC_WUR;

#endif /* PC_BASE64_H */
