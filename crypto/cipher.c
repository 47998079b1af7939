/*
 * Packet ciphers over OpenSSL 3 EVP (see cipher.h).
 *
 * aes*-ctr (RFC 4344 s. 4): one keystream across the whole connection; the
 * EVP context keeps the counter and the position inside the current block,
 * so the transport may decrypt the first block of a packet (to learn its
 * length) and the rest in a second call.
 *
 * aes*-gcm@openssh.com (RFC 5647 s. 7.1, as OpenSSH does it): the 12-byte
 * IV is a 4-byte fixed field and an 8-byte invocation counter that is
 * incremented (mod 2^64) after every packet; EVP_CTRL_GCM_IV_GEN does that
 * increment inside OpenSSL.  The packet length is the additional
 * authenticated data (aadlen 4); the tag is 16 bytes.
 *
 * cipher_crypt() does not check that len is a multiple of the block size:
 * the transport does (RFC 4253 s. 6), and the known-answer tests need
 * vectors whose lengths are not.
 *
 * For cipher_ctx_export() each context keeps its key, the IV it started
 * from and how far it went (CTR: keystream bytes used; GCM: packets),
 * rather than asking OpenSSL for its internal counter: the arithmetic is
 * the RFCs', so the exported state does not depend on how a provider
 * stores it.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cipher.h"
#include "cipher_chachapoly.h"
#include "fuzzcheap.h"
#include "wbuf.h"

/* Largest packet a GCM decryption will buffer (RFC 4253 s. 6.1 asks for
 * 35000 bytes; OpenSSH accepts 256 KiB). */
#define CIPHER_GCM_MAX_DECRYPT	(1u << 20)

enum cipher_mode {
	CIPHER_MODE_NONE = 0,
	CIPHER_MODE_CTR,
	CIPHER_MODE_GCM,
	CIPHER_MODE_CHACHAPOLY,
};

struct cipher_alg {
	const char *name;
	enum cipher_mode mode;
	size_t key_len;
	size_t iv_len;
	size_t block_len;
	size_t tag_len;
	const EVP_CIPHER *(*evp)(void);
};

struct cipher_ctx {
	const struct cipher_alg *alg;
	int encrypt;
	EVP_CIPHER_CTX *evp;			/* CTR and GCM */
	struct cipher_chachapoly *cp;		/* chacha20-poly1305 */
	uint8_t *scratch;			/* GCM decryption output */
	size_t scratch_len;
	/* For cipher_ctx_export (wiped with the context). */
	uint8_t key[CIPHER_MAX_KEY_LEN];
	uint8_t iv0[CIPHER_MAX_IV_LEN];	/* IV at cipher_ctx_new */
	uint64_t done;	/* CTR: keystream bytes; GCM: invocations */
};

static const struct cipher_alg cipher_table[] = {
	{ "none", CIPHER_MODE_NONE, 0, 0, 8, 0, NULL },
	{ "chacha20-poly1305@openssh.com", CIPHER_MODE_CHACHAPOLY,
	    CHACHAPOLY_KEY_LEN, 0, 8, CHACHAPOLY_TAG_LEN, NULL },
	{ "aes128-ctr", CIPHER_MODE_CTR, 16, 16, 16, 0, EVP_aes_128_ctr },
	{ "aes192-ctr", CIPHER_MODE_CTR, 24, 16, 16, 0, EVP_aes_192_ctr },
	{ "aes256-ctr", CIPHER_MODE_CTR, 32, 16, 16, 0, EVP_aes_256_ctr },
	{ "aes128-gcm@openssh.com", CIPHER_MODE_GCM, 16, 12, 16, 16,
	    EVP_aes_128_gcm },
	{ "aes256-gcm@openssh.com", CIPHER_MODE_GCM, 32, 12, 16, 16,
	    EVP_aes_256_gcm },
};

#define CIPHER_TABLE_LEN (sizeof(cipher_table) / sizeof(cipher_table[0]))

/* OpenSSH 9's default order. */
static const char cipher_default[] =
    "chacha20-poly1305@openssh.com,"
    "aes128-ctr,aes192-ctr,aes256-ctr,"
    "aes128-gcm@openssh.com,aes256-gcm@openssh.com";

const struct cipher_alg *
cipher_by_name(const char *name)
{
	size_t i;

	if (name == NULL) {
		return NULL;
	}
	for (i = 0; i < CIPHER_TABLE_LEN; i++) {
		if (strcmp(cipher_table[i].name, name) == 0) {
			return &cipher_table[i];
		}
	}
	return NULL;
}

const char *
cipher_name(const struct cipher_alg *c)
{
	return c->name;
}

size_t
cipher_key_len(const struct cipher_alg *c)
{
	return c->key_len;
}

size_t
cipher_iv_len(const struct cipher_alg *c)
{
	return c->iv_len;
}

size_t
cipher_block_len(const struct cipher_alg *c)
{
	return c->block_len;
}

size_t
cipher_tag_len(const struct cipher_alg *c)
{
	return c->tag_len;
}

int
cipher_is_aead(const struct cipher_alg *c)
{
	return c->mode == CIPHER_MODE_GCM || c->mode == CIPHER_MODE_CHACHAPOLY;
}

int
cipher_length_encrypted(const struct cipher_alg *c)
{
	return c->mode == CIPHER_MODE_CHACHAPOLY;
}

const char *
cipher_default_list(void)
{
	return cipher_default;
}

const char *
cipher_supported_list(void)
{
	/* Every negotiable cipher is on by default. */
	return cipher_default;
}

void
cipher_ctx_free(struct cipher_ctx *ctx)
{
	if (ctx == NULL) {
		return;
	}
	EVP_CIPHER_CTX_free(ctx->evp);
	cipher_chachapoly_free(ctx->cp);
	if (ctx->scratch != NULL) {
		pc_wipe(ctx->scratch, ctx->scratch_len);
		free(ctx->scratch);
	}
	pc_wipe(ctx, sizeof(*ctx));
	free(ctx);
}

static int
cipher_evp_init(struct cipher_ctx *ctx, const uint8_t *key,
    const uint8_t *iv)
{
	const struct cipher_alg *c = ctx->alg;

	if ((ctx->evp = EVP_CIPHER_CTX_new()) == NULL) {
		return PC_ERR_ALLOC;
	}
	if (c->mode == CIPHER_MODE_CTR) {
		if (EVP_CipherInit_ex(ctx->evp, c->evp(), NULL, key, iv,
		    ctx->encrypt) != 1) {
			return PC_ERR_LIBCRYPTO;
		}
		return 0;
	}
	/*
	 * GCM: SET_IV_FIXED with -1 takes the whole 12-byte IV and lets
	 * IV_GEN use it and increment its last 8 bytes per packet.
	 */
	if (EVP_CipherInit_ex(ctx->evp, c->evp(), NULL, NULL, NULL,
	    ctx->encrypt) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx->evp, EVP_CTRL_GCM_SET_IVLEN,
	    (int)c->iv_len, NULL) != 1 ||
	    EVP_CipherInit_ex(ctx->evp, NULL, NULL, key, NULL, -1) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx->evp, EVP_CTRL_GCM_SET_IV_FIXED, -1,
	    (void *)iv) != 1) {
		return PC_ERR_LIBCRYPTO;
	}
	return 0;
}

int
cipher_ctx_new(struct cipher_ctx **ctxp, const struct cipher_alg *c,
    const uint8_t *key, size_t keylen, const uint8_t *iv, size_t ivlen,
    int encrypt)
{
	struct cipher_ctx *ctx;
	int r;

	*ctxp = NULL;
	if (c == NULL || keylen != c->key_len || ivlen != c->iv_len ||
	    (keylen != 0 && key == NULL) || (ivlen != 0 && iv == NULL) ||
	    (encrypt != CIPHER_ENCRYPT && encrypt != CIPHER_DECRYPT)) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL) {
		return PC_ERR_ALLOC;
	}
	ctx->alg = c;
	ctx->encrypt = encrypt;
	if (keylen > sizeof(ctx->key) || ivlen > sizeof(ctx->iv0)) {
		cipher_ctx_free(ctx);
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (keylen != 0) {
		memcpy(ctx->key, key, keylen);
	}
	if (ivlen != 0) {
		memcpy(ctx->iv0, iv, ivlen);
	}
	switch (c->mode) {
	case CIPHER_MODE_NONE:
		r = 0;
		break;
	case CIPHER_MODE_CHACHAPOLY:
		r = cipher_chachapoly_new(&ctx->cp, key, keylen);
		break;
	case CIPHER_MODE_CTR:
	case CIPHER_MODE_GCM:
		r = cipher_evp_init(ctx, key, iv);
		break;
	default:
		r = PC_ERR_INTERNAL;
		break;
	}
	if (r != 0) {
		cipher_ctx_free(ctx);
		return r;
	}
	*ctxp = ctx;
	return 0;
}

/* One EVP_CipherUpdate of exactly len bytes. */
static int
cipher_evp_update(EVP_CIPHER_CTX *evp, uint8_t *dst, const uint8_t *src,
    size_t len)
{
	int outl = 0;

	if (len == 0) {
		return 0;
	}
	if (EVP_CipherUpdate(evp, dst, &outl, src, (int)len) != 1 ||
	    (size_t)outl != len) {
		return PC_ERR_LIBCRYPTO;
	}
	return 0;
}

/* Make the GCM decryption buffer hold len bytes; it only ever grows, so
 * a connection allocates once per new largest packet. */
static int
cipher_scratch_reserve(struct cipher_ctx *ctx, size_t len)
{
	uint8_t *p;

	if (len <= ctx->scratch_len) {
		return 0;
	}
	if (len > CIPHER_GCM_MAX_DECRYPT) {
		return PC_ERR_PACKET_TOO_LARGE;
	}
	if ((p = malloc(len)) == NULL) {
		return PC_ERR_ALLOC;
	}
	if (ctx->scratch != NULL) {
		pc_wipe(ctx->scratch, ctx->scratch_len);
		free(ctx->scratch);
	}
	ctx->scratch = p;
	ctx->scratch_len = len;
	return 0;
}

/*
 * RFC 5647 s. 7.3: the tag covers the length (AAD) and the ciphertext.
 * OpenSSL checks the tag only in EVP_CipherFinal_ex, after it has
 * decrypted, so decryption goes to a scratch buffer that reaches dst only
 * once the tag has been verified: a forged packet leaves dst unchanged.
 */
static int
cipher_gcm_crypt(struct cipher_ctx *ctx, uint8_t *dst, const uint8_t *src,
    size_t len, size_t aadlen, size_t authlen)
{
	uint8_t lastiv[1], fin[CIPHER_MAX_BLOCK_LEN], tag[CIPHER_MAX_TAG_LEN];
	uint8_t *out = dst + aadlen;
	int outl = 0, r;

	if (authlen != ctx->alg->tag_len) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (!ctx->encrypt) {
		if ((r = cipher_scratch_reserve(ctx, len)) != 0) {
			return r;
		}
		out = ctx->scratch;
	}
	r = PC_ERR_LIBCRYPTO;
	/* IV_GEN loads fixed || counter and then increments the counter. */
	if (EVP_CIPHER_CTX_ctrl(ctx->evp, EVP_CTRL_GCM_IV_GEN, 1,
	    lastiv) != 1) {
		goto out;
	}
	ctx->done++;	/* the invocation counter moved on */
	if (!ctx->encrypt) {
		memcpy(tag, src + aadlen + len, authlen);
		if (EVP_CIPHER_CTX_ctrl(ctx->evp, EVP_CTRL_GCM_SET_TAG,
		    (int)authlen, tag) != 1) {
			goto out;
		}
	}
	if (aadlen != 0 && EVP_CipherUpdate(ctx->evp, NULL, &outl, src,
	    (int)aadlen) != 1) {
		goto out;
	}
	if ((r = cipher_evp_update(ctx->evp, out, src + aadlen, len)) != 0) {
		goto out;
	}
	/* GCM's final step outputs nothing; it computes or checks the tag. */
	if (EVP_CipherFinal_ex(ctx->evp, fin, &outl) != 1
#ifdef PC_FUZZ_CHEAP
	    /* fuzzcheap.h */
	    && (ctx->encrypt || (pc_fuzz_cheap & PC_FUZZ_SKIP_MAC) == 0)
#endif
	    ) {
		r = ctx->encrypt ? PC_ERR_LIBCRYPTO : PC_ERR_MAC_INVALID;
		goto out;
	}
	if (ctx->encrypt) {
		if (EVP_CIPHER_CTX_ctrl(ctx->evp, EVP_CTRL_GCM_GET_TAG,
		    (int)authlen, dst + aadlen + len) != 1) {
			r = PC_ERR_LIBCRYPTO;
			goto out;
		}
	} else if (len != 0) {
		memcpy(dst + aadlen, ctx->scratch, len);
	}
	if (aadlen != 0 && dst != src) {
		memmove(dst, src, aadlen);
	}
	r = 0;
 out:
	if (!ctx->encrypt && ctx->scratch != NULL) {
		pc_wipe(ctx->scratch, len);
	}
	pc_wipe(tag, sizeof(tag));
	return r;
}

int
cipher_crypt(struct cipher_ctx *ctx, uint32_t seqnr, uint8_t *dst,
    const uint8_t *src, size_t len, size_t aadlen, size_t authlen)
{
	if (ctx == NULL || dst == NULL || src == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	/* EVP takes int lengths; packets are far smaller anyway. */
	if (len > INT_MAX || aadlen > INT_MAX - len ||
	    authlen > CIPHER_MAX_TAG_LEN) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	switch (ctx->alg->mode) {
	case CIPHER_MODE_NONE:
		if (authlen != 0) {
			return PC_ERR_INVALID_ARGUMENT;
		}
		if (dst != src) {
			memmove(dst, src, aadlen + len);
		}
		return 0;
	case CIPHER_MODE_CTR:
		if (authlen != 0) {
			return PC_ERR_INVALID_ARGUMENT;
		}
		/* With encrypt-then-MAC the length stays in clear. */
		if (aadlen != 0 && dst != src) {
			memmove(dst, src, aadlen);
		}
		if (cipher_evp_update(ctx->evp, dst + aadlen, src + aadlen,
		    len) != 0) {
			return PC_ERR_LIBCRYPTO;
		}
		ctx->done += len;
		return 0;
	case CIPHER_MODE_GCM:
		return cipher_gcm_crypt(ctx, dst, src, len, aadlen, authlen);
	case CIPHER_MODE_CHACHAPOLY:
		return cipher_chachapoly_crypt(ctx->cp, seqnr, dst, src, len,
		    aadlen, authlen, ctx->encrypt);
	default:
		return PC_ERR_INTERNAL;
	}
}

int
cipher_get_length(struct cipher_ctx *ctx, uint32_t *plen, uint32_t seqnr,
    const uint8_t *cp, size_t len)
{
	if (plen == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	*plen = 0;
	if (ctx == NULL || cp == NULL ||
	    ctx->alg->mode != CIPHER_MODE_CHACHAPOLY) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	return cipher_chachapoly_get_length(ctx->cp, plen, seqnr, cp, len);
}

/* Add n to the big-endian number in p[0..len) modulo 2^(8*len). */
static void
cipher_be_add(uint8_t *p, size_t len, uint64_t n)
{
	unsigned int carry = 0, sum;
	size_t i;

	for (i = len; i > 0; i--) {
		sum = (unsigned int)p[i - 1] + (unsigned int)(n & 0xff) + carry;
		p[i - 1] = (uint8_t)sum;
		carry = sum >> 8;
		n >>= 8;
	}
}

int
cipher_ctx_export(const struct cipher_ctx *ctx, struct cipher_state *st)
{
	const struct cipher_alg *c;

	if (ctx == NULL || st == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	c = ctx->alg;
	memset(st, 0, sizeof(*st));
	st->key_len = c->key_len;
	st->iv_len = c->iv_len;
	memcpy(st->key, ctx->key, c->key_len);
	memcpy(st->iv, ctx->iv0, c->iv_len);
	switch (c->mode) {
	case CIPHER_MODE_CTR:
		/* RFC 4344 s. 4: the counter is the IV plus the number of
		 * blocks, as one big-endian integer modulo 2^128. */
		cipher_be_add(st->iv, c->iv_len, ctx->done / c->block_len);
		st->pos = (uint32_t)(ctx->done % c->block_len);
		break;
	case CIPHER_MODE_GCM:
		/* RFC 5647 s. 7.1: only the 64-bit invocation counter after
		 * the 4-byte fixed field moves. */
		cipher_be_add(st->iv + 4, c->iv_len - 4, ctx->done);
		break;
	default:
		break;
	}
	return 0;
}

int
cipher_ctx_import(struct cipher_ctx **ctxp, const struct cipher_alg *c,
    int encrypt, const struct cipher_state *st)
{
	static const uint8_t zeros[CIPHER_MAX_BLOCK_LEN];
	uint8_t skip[CIPHER_MAX_BLOCK_LEN];
	struct cipher_ctx *ctx = NULL;
	int r;

	*ctxp = NULL;
	if (c == NULL || st == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (st->key_len != c->key_len || st->iv_len != c->iv_len ||
	    st->pos >= c->block_len ||
	    (st->pos != 0 && c->mode != CIPHER_MODE_CTR)) {
		return PC_ERR_INVALID_FORMAT;
	}
	if ((r = cipher_ctx_new(&ctx, c, st->key, st->key_len, st->iv,
	    st->iv_len, encrypt)) != 0) {
		return r;
	}
	/* CTR part-way through a block: use up the same keystream bytes. */
	if (st->pos != 0) {
		if ((r = cipher_evp_update(ctx->evp, skip, zeros,
		    st->pos)) != 0) {
			goto out;
		}
		/* done counts from iv0, which is st->iv here. */
		ctx->done = st->pos;
	}
	*ctxp = ctx;
	ctx = NULL;
	r = 0;
 out:
	pc_wipe(skip, sizeof(skip));
	cipher_ctx_free(ctx);
	return r;
}
