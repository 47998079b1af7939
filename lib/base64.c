/* Base64, RFC 4648 section 4, with strict decoding (see base64.h). */
#include <stddef.h>
#include <stdint.h>

#include "base64.h"
#include "wbuf.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Value of one alphabet character, -1 for anything else (including '='). */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

size_t
base64_encoded_len(size_t len, int flags)
{
	size_t groups = len / 3, rem = len % 3;

	if (groups > (SIZE_MAX - 4) / 4)
		return 0;
	if (rem == 0)
		return groups * 4;
	if ((flags & BASE64_NOPAD) != 0)
		return groups * 4 + rem + 1;
	return groups * 4 + 4;
}

size_t
base64_decoded_max(size_t srclen)
{
	return (srclen / 4) * 3 + ((srclen % 4) * 3) / 4;
}

int
base64_encode(char *out, size_t outlen, const void *srcv, size_t len,
    int flags)
{
	const uint8_t *src = srcv;
	size_t need, i, o = 0;
	uint32_t v;

	need = base64_encoded_len(len, flags);
	if ((need == 0 && len != 0) || outlen == 0 || need > outlen - 1)
		return PC_ERR_NO_BUFFER_SPACE;
	for (i = 0; i + 3 <= len; i += 3) {
		v = ((uint32_t)src[i] << 16) | ((uint32_t)src[i + 1] << 8) |
		    src[i + 2];
		out[o++] = b64_alphabet[(v >> 18) & 0x3f];
		out[o++] = b64_alphabet[(v >> 12) & 0x3f];
		out[o++] = b64_alphabet[(v >> 6) & 0x3f];
		out[o++] = b64_alphabet[v & 0x3f];
	}
	if (len - i == 1) {
		v = (uint32_t)src[i] << 16;
		out[o++] = b64_alphabet[(v >> 18) & 0x3f];
		out[o++] = b64_alphabet[(v >> 12) & 0x3f];
		if ((flags & BASE64_NOPAD) == 0) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (len - i == 2) {
		v = ((uint32_t)src[i] << 16) | ((uint32_t)src[i + 1] << 8);
		out[o++] = b64_alphabet[(v >> 18) & 0x3f];
		out[o++] = b64_alphabet[(v >> 12) & 0x3f];
		out[o++] = b64_alphabet[(v >> 6) & 0x3f];
		if ((flags & BASE64_NOPAD) == 0)
			out[o++] = '=';
	}
	out[o] = '\0';
	return 0;
}

int
base64_decode(uint8_t *out, size_t outlen, size_t *decoded,
    const char *src, size_t srclen, int flags)
{
	size_t i, o = 0, ndata = srclen, tail;
	uint32_t acc = 0;
	int v, r = PC_ERR_INVALID_FORMAT;

	*decoded = 0;
	/*
	 * Padded input is whole quanta of four characters ending in at most
	 * two '=' (RFC 4648 s. 4); unpadded input may end with a partial
	 * quantum of two or three characters, never one.
	 */
	if ((flags & BASE64_NOPAD) == 0) {
		if (srclen % 4 != 0)
			return PC_ERR_INVALID_FORMAT;
		if (ndata > 0 && src[ndata - 1] == '=')
			ndata--;
		if (ndata > 0 && src[ndata - 1] == '=')
			ndata--;
	}
	tail = ndata % 4;
	if (tail == 1)
		return PC_ERR_INVALID_FORMAT;
	/* With padding, "xx=" + "=" style mixes were handled above; a
	 * third '=' would now be a data character and fail below. */
	if (base64_decoded_max(ndata) > outlen)
		return PC_ERR_NO_BUFFER_SPACE;
	for (i = 0; i < ndata; i++) {
		if ((v = b64_value((unsigned char)src[i])) < 0)
			goto out;
		acc = (acc << 6) | (uint32_t)v;
		if (i % 4 == 3) {
			out[o++] = (uint8_t)(acc >> 16);
			out[o++] = (uint8_t)(acc >> 8);
			out[o++] = (uint8_t)acc;
			acc = 0;
		}
	}
	/* The bits of the last symbol past the final byte must be zero
	 * (RFC 4648 s. 3.5): only the canonical encoding is accepted. */
	if (tail == 2) {
		if ((acc & 0x0f) != 0)
			goto out;
		out[o++] = (uint8_t)(acc >> 4);
	} else if (tail == 3) {
		if ((acc & 0x03) != 0)
			goto out;
		out[o++] = (uint8_t)(acc >> 10);
		out[o++] = (uint8_t)(acc >> 2);
	}
	*decoded = o;
	r = 0;
 out:
	if (r != 0 && o > 0)
		pc_wipe(out, o);
	return r;
}
