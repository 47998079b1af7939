/*
 * Known-answer tests for the packet ciphers (crypto/cipher.c).
 *
 * Every expected value is quoted from a published source named beside it,
 * or computed in this file from published values (XOR with a published
 * keystream, a Poly1305 reference checked against RFC 8439 first).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cipher.h"
#include "wbuf.h"

static size_t
unhex(const char *h, uint8_t *out, size_t max)
{
	size_t n = strlen(h) / 2, i;
	unsigned int v;

	assert_int_equal(strlen(h) % 2, 0);
	assert_true(n <= max);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static struct cipher_ctx *
ctx_make(const char *name, const uint8_t *key, const uint8_t *iv, int enc)
{
	const struct cipher_alg *c = cipher_by_name(name);
	struct cipher_ctx *ctx = NULL;

	assert_non_null(c);
	assert_int_equal(cipher_ctx_new(&ctx, c, key, cipher_key_len(c), iv,
	    cipher_iv_len(c), enc), 0);
	assert_non_null(ctx);
	return ctx;
}

/* ---- NIST SP 800-38A, Appendix F.5 (CTR) ---- */

static const char sp800_38a_pt[] =
    "6bc1bee22e409f96e93d7e117393172a"
    "ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef"
    "f69f2445df4f9b17ad2b417be66c3710";
static const char sp800_38a_ctr[] = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

static const struct {
	const char *name, *key, *ct;
} ctr_vectors[] = {
	{ "aes128-ctr",	/* F.5.1 CTR-AES128.Encrypt */
	    "2b7e151628aed2a6abf7158809cf4f3c",
	    "874d6191b620e3261bef6864990db6ce"
	    "9806f66b7970fdff8617187bb9fffdff"
	    "5ae4df3edbd5d35e5b4f09020db03eab"
	    "1e031dda2fbe03d1792170a0f3009cee" },
	{ "aes192-ctr",	/* F.5.3 CTR-AES192.Encrypt */
	    "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
	    "1abc932417521ca24f2b0459fe7e6e0b"
	    "090339ec0aa6faefd5ccc2c6f4ce8e94"
	    "1e36b26bd1ebc670d1bd1d665620abf7"
	    "4f78a7f6d29809585a97daec58c6b050" },
	{ "aes256-ctr",	/* F.5.5 CTR-AES256.Encrypt */
	    "603deb1015ca71be2b73aef0857d7781"
	    "1f352c073b6108d72d9810a30914dff4",
	    "601ec313775789a5b7a7f504bbf3d228"
	    "f443e3ca4d62b59aca84e990cacaf5c5"
	    "2b0930daa23de94ce87017ba2d84988d"
	    "dfc9c58db67aada613c2dd08457941a6" },
};

static void
test_ctr_sp800_38a(void **state)
{
	uint8_t key[32], iv[16], pt[64], ct[64], out[64];
	struct cipher_ctx *ctx;
	size_t i, split;

	(void)state;
	unhex(sp800_38a_pt, pt, sizeof(pt));
	unhex(sp800_38a_ctr, iv, sizeof(iv));
	for (i = 0; i < sizeof(ctr_vectors) / sizeof(ctr_vectors[0]); i++) {
		unhex(ctr_vectors[i].key, key, sizeof(key));
		unhex(ctr_vectors[i].ct, ct, sizeof(ct));

		/* One call, encrypting. */
		ctx = ctx_make(ctr_vectors[i].name, key, iv, CIPHER_ENCRYPT);
		assert_int_equal(cipher_crypt(ctx, 0, out, pt, 64, 0, 0), 0);
		assert_memory_equal(out, ct, 64);
		cipher_ctx_free(ctx);

		/*
		 * Decrypting in two calls, as the transport does (first
		 * block for the length, then the rest), and at splits inside
		 * a block: the keystream must continue where it stopped.
		 */
		for (split = 1; split < 64; split += 5) {
			ctx = ctx_make(ctr_vectors[i].name, key, iv,
			    CIPHER_DECRYPT);
			memcpy(out, ct, 64);
			assert_int_equal(cipher_crypt(ctx, 0, out, out, split,
			    0, 0), 0);
			assert_int_equal(cipher_crypt(ctx, 1, out + split,
			    out + split, 64 - split, 0, 0), 0);
			assert_memory_equal(out, pt, 64);
			cipher_ctx_free(ctx);
		}
	}
}

/* ---- GCM: McGrew and Viega, "The Galois/Counter Mode of Operation",
 * test cases 4 (AES-128) and 16 (AES-256): 96-bit IV, 20 bytes of AAD,
 * 60 bytes of plaintext. ---- */

static const char gcm_pt[] =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
static const char gcm_aad[] = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
static const char gcm_iv[] = "cafebabefacedbaddecaf888";

static const struct {
	const char *name, *key, *ct, *tag;
} gcm_vectors[] = {
	{ "aes128-gcm@openssh.com",	/* test case 4 */
	    "feffe9928665731c6d6a8f9467308308",
	    "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	    "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	    "5bc94fbc3221a5db94fae95ae7121a47" },
	{ "aes256-gcm@openssh.com",	/* test case 16 */
	    "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	    "76fc6ece0f4e1768cddf8853bb2d551b" },
};

static void
test_gcm_mcgrew_viega(void **state)
{
	uint8_t key[32], iv[12], src[20 + 60 + 16], want[20 + 60 + 16];
	uint8_t out[sizeof(src)];
	struct cipher_ctx *ctx;
	size_t i, aadlen, ptlen;

	(void)state;
	unhex(gcm_iv, iv, sizeof(iv));
	for (i = 0; i < sizeof(gcm_vectors) / sizeof(gcm_vectors[0]); i++) {
		unhex(gcm_vectors[i].key, key, sizeof(key));
		aadlen = unhex(gcm_aad, src, sizeof(src));
		ptlen = unhex(gcm_pt, src + aadlen, sizeof(src) - aadlen);
		memset(src + aadlen + ptlen, 0, 16);
		memcpy(want, src, aadlen);
		unhex(gcm_vectors[i].ct, want + aadlen, ptlen);
		unhex(gcm_vectors[i].tag, want + aadlen + ptlen, 16);

		ctx = ctx_make(gcm_vectors[i].name, key, iv, CIPHER_ENCRYPT);
		assert_int_equal(cipher_crypt(ctx, 0, out, src, ptlen, aadlen,
		    16), 0);
		assert_memory_equal(out, want, aadlen + ptlen + 16);
		cipher_ctx_free(ctx);

		ctx = ctx_make(gcm_vectors[i].name, key, iv, CIPHER_DECRYPT);
		memcpy(out, want, sizeof(out));
		assert_int_equal(cipher_crypt(ctx, 0, out, out, ptlen, aadlen,
		    16), 0);
		assert_memory_equal(out, src, aadlen + ptlen);
		cipher_ctx_free(ctx);
	}
}

/*
 * RFC 5647 s. 7.1: the invocation counter (last 8 bytes of the IV) goes
 * up by one after each packet, modulo 2^64, and the fixed field stays.
 * A context's second packet must equal the first packet of a fresh
 * context whose IV is one higher, and differ from one with the same IV.
 */
static void
gcm_check_next_iv(const char *iv_hex, const char *next_hex)
{
	uint8_t key[16], iv[12], next[12], src[4 + 32 + 16];
	uint8_t p1[sizeof(src)], p2[sizeof(src)], q[sizeof(src)];
	struct cipher_ctx *a, *b, *c;

	unhex(gcm_vectors[0].key, key, sizeof(key));
	unhex(iv_hex, iv, sizeof(iv));
	unhex(next_hex, next, sizeof(next));
	memset(src, 0x5a, sizeof(src));

	a = ctx_make("aes128-gcm@openssh.com", key, iv, CIPHER_ENCRYPT);
	assert_int_equal(cipher_crypt(a, 3, p1, src, 32, 4, 16), 0);
	assert_int_equal(cipher_crypt(a, 4, p2, src, 32, 4, 16), 0);
	/* Same plaintext, new IV: different ciphertext and tag. */
	assert_memory_not_equal(p1 + 4, p2 + 4, 32 + 16);

	b = ctx_make("aes128-gcm@openssh.com", key, next, CIPHER_ENCRYPT);
	assert_int_equal(cipher_crypt(b, 4, q, src, 32, 4, 16), 0);
	assert_memory_equal(q, p2, sizeof(q));

	c = ctx_make("aes128-gcm@openssh.com", key, iv, CIPHER_ENCRYPT);
	assert_int_equal(cipher_crypt(c, 4, q, src, 32, 4, 16), 0);
	assert_memory_equal(q, p1, sizeof(q));

	cipher_ctx_free(a);
	cipher_ctx_free(b);
	cipher_ctx_free(c);
}

static void
test_gcm_invocation_counter(void **state)
{
	(void)state;
	gcm_check_next_iv("cafebabefacedbaddecaf888",
	    "cafebabefacedbaddecaf889");
	/* Carry across bytes of the counter. */
	gcm_check_next_iv("cafebabe00000000ffffffff",
	    "cafebabe0000000100000000");
	/* Wrap modulo 2^64 without touching the fixed field. */
	gcm_check_next_iv("cafebabeffffffffffffffff",
	    "cafebabe0000000000000000");
}

/* ---- chacha20-poly1305@openssh.com ---- */

/*
 * Worked example of draft-ietf-sshm-chacha20-poly1305-02, Appendix A
 * (quoted as transcribed in the Trilead SSH-2 test suite): 64 bytes of
 * key (K_2 then K_1), sequence number 7, packet length 0x48.
 */
static const char draft_key[] =
    "8bbff6855fc102338c373e73aac0c914f076a905b2444a32eecaffeae22becc5"
    "e9b7a7a5825a8249346ec1c28301cf394543fc7569887d76e168f37562ac0740";
static const char draft_pt[] =
    "065e00000000000000384c6f72656d20697073756d20646f6c6f722073697420"
    "616d65742c20636f6e7365637465747572206164697069736963696e6720656c"
    "69744e43e804dc6c";
static const char draft_enclen[] = "2c3ecce4";
static const char draft_ct[] =
    "a5bc05895bf07a7ba956b6c68829ac7c83b780b7000ecde745afc705bbc378ce"
    "03a280236b87b53bed5839662302b164b6286a48cd1e097138e3cb909b8b2b82"
    "9dd18d2a35ff82d9";
static const char draft_tag[] = "95349e855bf02c298ef775f2d1a7e8b8";

static void
test_chachapoly_draft_example(void **state)
{
	uint8_t key[64], pkt[4 + 72 + 16], want[4 + 72 + 16], out[sizeof(pkt)];
	struct cipher_ctx *enc, *dec;
	uint32_t plen = 0;
	size_t n;

	(void)state;
	assert_int_equal(unhex(draft_key, key, sizeof(key)), 64);
	pc_put_u32(pkt, 0x48);
	assert_int_equal(unhex(draft_pt, pkt + 4, 72), 72);
	memset(pkt + 4 + 72, 0, 16);
	unhex(draft_enclen, want, 4);
	n = unhex(draft_ct, want + 4, 72);
	assert_int_equal(n, 72);
	unhex(draft_tag, want + 4 + 72, 16);

	enc = ctx_make("chacha20-poly1305@openssh.com", key, NULL,
	    CIPHER_ENCRYPT);
	assert_int_equal(cipher_crypt(enc, 7, out, pkt, 72, 4, 16), 0);
	assert_memory_equal(out, want, sizeof(want));

	dec = ctx_make("chacha20-poly1305@openssh.com", key, NULL,
	    CIPHER_DECRYPT);
	assert_int_equal(cipher_get_length(dec, &plen, 7, want, 4), 0);
	assert_int_equal(plen, 0x48);
	assert_int_equal(cipher_crypt(dec, 7, out, want, 72, 4, 16), 0);
	assert_memory_equal(out, pkt, 4 + 72);
	/* The wrong sequence number is a different nonce: rejected. */
	assert_int_equal(cipher_crypt(dec, 8, out, want, 72, 4, 16),
	    PC_ERR_MAC_INVALID);
	cipher_ctx_free(enc);
	cipher_ctx_free(dec);
}

/*
 * Poly1305 reference (RFC 8439 s. 2.5, radix 2^26), used only to compute
 * the expected tag of the composed packet below; checked against the
 * RFC 8439 s. 2.5.2 vector first.
 */
static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
ref_poly1305(uint8_t tag[16], const uint8_t *m, size_t len,
    const uint8_t key[32])
{
	uint32_t r0, r1, r2, r3, r4, s1, s2, s3, s4;
	uint32_t h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0;
	uint32_t g0, g1, g2, g3, g4, c, mask;
	uint64_t d0, d1, d2, d3, d4, f;
	uint8_t blk[17];
	size_t n, i;

	/* r is clamped as RFC 8439 s. 2.5 says. */
	r0 = le32(key + 0) & 0x3ffffff;
	r1 = (le32(key + 3) >> 2) & 0x3ffff03;
	r2 = (le32(key + 6) >> 4) & 0x3ffc0ff;
	r3 = (le32(key + 9) >> 6) & 0x3f03fff;
	r4 = (le32(key + 12) >> 8) & 0x00fffff;
	s1 = r1 * 5;
	s2 = r2 * 5;
	s3 = r3 * 5;
	s4 = r4 * 5;
	while (len > 0) {
		n = len < 16 ? len : 16;
		memset(blk, 0, sizeof(blk));
		memcpy(blk, m, n);
		blk[n] = 1;	/* the 2^(8n) bit */
		h0 += le32(blk + 0) & 0x3ffffff;
		h1 += (le32(blk + 3) >> 2) & 0x3ffffff;
		h2 += (le32(blk + 6) >> 4) & 0x3ffffff;
		h3 += (le32(blk + 9) >> 6) & 0x3ffffff;
		h4 += (le32(blk + 12) >> 8) | ((uint32_t)blk[16] << 24);
		d0 = (uint64_t)h0 * r0 + (uint64_t)h1 * s4 +
		    (uint64_t)h2 * s3 + (uint64_t)h3 * s2 + (uint64_t)h4 * s1;
		d1 = (uint64_t)h0 * r1 + (uint64_t)h1 * r0 +
		    (uint64_t)h2 * s4 + (uint64_t)h3 * s3 + (uint64_t)h4 * s2;
		d2 = (uint64_t)h0 * r2 + (uint64_t)h1 * r1 +
		    (uint64_t)h2 * r0 + (uint64_t)h3 * s4 + (uint64_t)h4 * s3;
		d3 = (uint64_t)h0 * r3 + (uint64_t)h1 * r2 +
		    (uint64_t)h2 * r1 + (uint64_t)h3 * r0 + (uint64_t)h4 * s4;
		d4 = (uint64_t)h0 * r4 + (uint64_t)h1 * r3 +
		    (uint64_t)h2 * r2 + (uint64_t)h3 * r1 + (uint64_t)h4 * r0;
		c = (uint32_t)(d0 >> 26);
		h0 = (uint32_t)d0 & 0x3ffffff;
		d1 += c;
		c = (uint32_t)(d1 >> 26);
		h1 = (uint32_t)d1 & 0x3ffffff;
		d2 += c;
		c = (uint32_t)(d2 >> 26);
		h2 = (uint32_t)d2 & 0x3ffffff;
		d3 += c;
		c = (uint32_t)(d3 >> 26);
		h3 = (uint32_t)d3 & 0x3ffffff;
		d4 += c;
		c = (uint32_t)(d4 >> 26);
		h4 = (uint32_t)d4 & 0x3ffffff;
		h0 += c * 5;
		c = h0 >> 26;
		h0 &= 0x3ffffff;
		h1 += c;
		m += n;
		len -= n;
	}
	c = h1 >> 26; h1 &= 0x3ffffff; h2 += c;
	c = h2 >> 26; h2 &= 0x3ffffff; h3 += c;
	c = h3 >> 26; h3 &= 0x3ffffff; h4 += c;
	c = h4 >> 26; h4 &= 0x3ffffff; h0 += c * 5;
	c = h0 >> 26; h0 &= 0x3ffffff; h1 += c;
	/* g = h - p; keep h if that went negative. */
	g0 = h0 + 5; c = g0 >> 26; g0 &= 0x3ffffff;
	g1 = h1 + c; c = g1 >> 26; g1 &= 0x3ffffff;
	g2 = h2 + c; c = g2 >> 26; g2 &= 0x3ffffff;
	g3 = h3 + c; c = g3 >> 26; g3 &= 0x3ffffff;
	g4 = h4 + c - (1u << 26);
	mask = (g4 >> 31) - 1;
	h0 = (h0 & ~mask) | (g0 & mask);
	h1 = (h1 & ~mask) | (g1 & mask);
	h2 = (h2 & ~mask) | (g2 & mask);
	h3 = (h3 & ~mask) | (g3 & mask);
	h4 = (h4 & ~mask) | (g4 & mask);
	/* h mod 2^128, plus s. */
	h0 = h0 | (h1 << 26);
	h1 = (h1 >> 6) | (h2 << 20);
	h2 = (h2 >> 12) | (h3 << 14);
	h3 = (h3 >> 18) | (h4 << 8);
	f = (uint64_t)h0 + le32(key + 16);
	h0 = (uint32_t)f;
	f = (uint64_t)h1 + le32(key + 20) + (f >> 32);
	h1 = (uint32_t)f;
	f = (uint64_t)h2 + le32(key + 24) + (f >> 32);
	h2 = (uint32_t)f;
	f = (uint64_t)h3 + le32(key + 28) + (f >> 32);
	h3 = (uint32_t)f;
	for (i = 0; i < 4; i++) {
		tag[i] = (uint8_t)(h0 >> (8 * i));
		tag[4 + i] = (uint8_t)(h1 >> (8 * i));
		tag[8 + i] = (uint8_t)(h2 >> (8 * i));
		tag[12 + i] = (uint8_t)(h3 >> (8 * i));
	}
}

static void
test_ref_poly1305_rfc8439(void **state)
{
	static const char msg[] = "Cryptographic Forum Research Group";
	uint8_t key[32], want[16], tag[16];

	(void)state;
	/* RFC 8439 s. 2.5.2 */
	unhex("85d6be7857556d337f4452fe42d506a8"
	    "0103808afb0db2fd4abff6af4149f51b", key, sizeof(key));
	unhex("a8061dc1305136c6c22b8baf0c0127a9", want, sizeof(want));
	ref_poly1305(tag, (const uint8_t *)msg, strlen(msg), key);
	assert_memory_equal(tag, want, 16);
}

/*
 * A packet composed from RFC 8439 vectors.  The original ChaCha20 keeps a
 * 64-bit counter in state words 12-13 and a 64-bit nonce in words 14-15;
 * RFC 8439 keeps a 32-bit counter in word 12 and a 96-bit nonce in words
 * 13-15.  The two agree when the RFC nonce's first 4 bytes are zero (word
 * 13 = 0), and then the SSH nonce BE64(seqnr) is the RFC nonce's last 8
 * bytes.  RFC nonce 000000000000000000000002 is seqnr 2, so:
 *   K_2 = 00..01 (RFC 8439 A.2 #2 and A.4 #2 key),
 *   K_1 = 00..00 (RFC 8439 A.1 #5 key),
 *   Poly1305 key = A.4 #2 one-time key,
 *   length keystream = first 4 bytes of A.1 #5 (counter 0),
 *   payload ciphertext = A.2 #2 (counter 1),
 *   tag = Poly1305 (checked reference above) over the two.
 */
static const char a2_2_pt[] =
    "416e79207375626d697373696f6e20746f20746865204945544620696e74656e"
    "6465642062792074686520436f6e7472696275746f7220666f72207075626c69"
    "636174696f6e20617320616c6c206f722070617274206f6620616e2049455446"
    "20496e7465726e65742d4472616674206f722052464320616e6420616e792073"
    "746174656d656e74206d6164652077697468696e2074686520636f6e74657874"
    "206f6620616e204945544620616374697669747920697320636f6e7369646572"
    "656420616e20224945544620436f6e747269627574696f6e222e205375636820"
    "73746174656d656e747320696e636c756465206f72616c2073746174656d656e"
    "747320696e20494554462073657373696f6e732c2061732077656c6c20617320"
    "7772697474656e20616e6420656c656374726f6e696320636f6d6d756e696361"
    "74696f6e73206d61646520617420616e792074696d65206f7220706c6163652c"
    "207768696368206172652061646472657373656420746f";
static const char a2_2_ct[] =
    "a3fbf07df3fa2fde4f376ca23e82737041605d9f4f4f57bd8cff2c1d4b7955ec"
    "2a97948bd3722915c8f3d337f7d370050e9e96d647b7c39f56e031ca5eb6250d"
    "4042e02785ececfa4b4bb5e8ead0440e20b6e8db09d881a7c6132f420e527950"
    "42bdfa7773d8a9051447b3291ce1411c680465552aa6c405b7764d5e87bea85a"
    "d00f8449ed8f72d0d662ab052691ca66424bc86d2df80ea41f43abf937d3259d"
    "c4b2d0dfb48a6c9139ddd7f76966e928e635553ba76c5c879d7b35d49eb2e62b"
    "0871cdac638939e25e8a1e0ef9d5280fa8ca328b351c3c765989cbcf3daa8b6c"
    "cc3aaf9f3979c92b3720fc88dc95ed84a1be059c6499b9fda236e7e818b04b0b"
    "c39c1e876b193bfe5569753f88128cc08aaa9b63d1a16f80ef2554d7189c411f"
    "5869ca52c5b83fa36ff216b9c1d30062bebcfd2dc5bce0911934fda79a86f6e6"
    "98ced759c3ff9b6477338f3da4f9cd8514ea9982ccafb341b2384dd902f3d1ab"
    "7ac61dd29c6f21ba5b862f3730e37cfdc4fd806c22f221";
static const char a1_5_ks[] = "c2c64d37";
static const char a4_2_otk[] =
    "ecfa254f845f647473d3cb140da9e87606cb33066c447b87bc2666dde3fbb739";

static void
test_chachapoly_rfc8439_composed(void **state)
{
	uint8_t key[64], pkt[4 + 375 + 16], want[sizeof(pkt)];
	uint8_t out[sizeof(pkt)], ks[4], otk[32];
	struct cipher_ctx *enc, *dec;
	uint32_t plen = 0;
	size_t i;

	(void)state;
	memset(key, 0, sizeof(key));
	key[31] = 1;			/* K_2 = 00..01, K_1 = 00..00 */
	pc_put_u32(pkt, 375);
	assert_int_equal(unhex(a2_2_pt, pkt + 4, 375), 375);
	memset(pkt + 4 + 375, 0, 16);

	unhex(a1_5_ks, ks, sizeof(ks));
	for (i = 0; i < 4; i++) {
		want[i] = pkt[i] ^ ks[i];
	}
	assert_int_equal(unhex(a2_2_ct, want + 4, 375), 375);
	unhex(a4_2_otk, otk, sizeof(otk));
	ref_poly1305(want + 4 + 375, want, 4 + 375, otk);

	enc = ctx_make("chacha20-poly1305@openssh.com", key, NULL,
	    CIPHER_ENCRYPT);
	assert_int_equal(cipher_crypt(enc, 2, out, pkt, 375, 4, 16), 0);
	assert_memory_equal(out, want, sizeof(want));

	dec = ctx_make("chacha20-poly1305@openssh.com", key, NULL,
	    CIPHER_DECRYPT);
	assert_int_equal(cipher_get_length(dec, &plen, 2, want, 4), 0);
	assert_int_equal(plen, 375);
	memcpy(out, want, sizeof(out));
	assert_int_equal(cipher_crypt(dec, 2, out, out, 375, 4, 16), 0);
	assert_memory_equal(out, pkt, 4 + 375);
	cipher_ctx_free(enc);
	cipher_ctx_free(dec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctr_sp800_38a),
		cmocka_unit_test(test_gcm_mcgrew_viega),
		cmocka_unit_test(test_gcm_invocation_counter),
		cmocka_unit_test(test_chachapoly_draft_example),
		cmocka_unit_test(test_ref_poly1305_rfc8439),
		cmocka_unit_test(test_chachapoly_rfc8439_composed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
