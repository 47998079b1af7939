/*
 * Unit tests for cipher_ctx_export / cipher_ctx_import and mac_ctx_export
 * (crypto/cipher.c, crypto/mac.c): a context made from an exported state
 * produces exactly what the original produces next, in both directions,
 * at packet boundaries and part-way through a CTR block, across counter
 * wrap-around; malformed states are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cipher.h"
#include "mac.h"
#include "wbuf.h"

static const char *const names[] = {
	"chacha20-poly1305@openssh.com",
	"aes128-ctr", "aes192-ctr", "aes256-ctr",
	"aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
};
#define N_NAMES (sizeof(names) / sizeof(names[0]))

#define PKT_MAX	(4 + 4096 + CIPHER_MAX_TAG_LEN)

static void
fill(uint8_t *p, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		p[i] = (uint8_t)(seed + 29 * i);
	}
}

static struct cipher_ctx *
make_ctx(const struct cipher_alg *c, const uint8_t *iv, int encrypt)
{
	uint8_t key[CIPHER_MAX_KEY_LEN];
	struct cipher_ctx *ctx = NULL;

	fill(key, sizeof(key), 0x5a);
	assert_int_equal(cipher_ctx_new(&ctx, c, key, cipher_key_len(c), iv,
	    cipher_iv_len(c), encrypt), 0);
	return ctx;
}

/* The transport's layout for c: aadlen and tag length. */
static void
layout(const struct cipher_alg *c, size_t *aadlen, size_t *authlen)
{
	*aadlen = cipher_is_aead(c) ? 4 : 0;
	*authlen = cipher_tag_len(c);
}

/* Encrypt one packet of n bytes (after the aad) with seqnr into out. */
static void
seal(struct cipher_ctx *ctx, const struct cipher_alg *c, uint32_t seqnr,
    size_t n, uint8_t *out)
{
	uint8_t in[PKT_MAX];
	size_t aadlen, authlen;

	layout(c, &aadlen, &authlen);
	assert_true(aadlen + n + authlen <= sizeof(in));
	fill(in, aadlen + n, (uint8_t)(seqnr + n));
	pc_put_u32(in, (uint32_t)n);
	assert_int_equal(cipher_crypt(ctx, seqnr, out, in, n, aadlen,
	    authlen), 0);
}

static struct cipher_ctx *
roundtrip(const struct cipher_ctx *ctx, const struct cipher_alg *c,
    int encrypt)
{
	struct cipher_state st;
	struct cipher_ctx *copy = NULL;

	assert_int_equal(cipher_ctx_export(ctx, &st), 0);
	assert_int_equal(st.key_len, cipher_key_len(c));
	assert_int_equal(st.iv_len, cipher_iv_len(c));
	assert_int_equal(cipher_ctx_import(&copy, c, encrypt, &st), 0);
	pc_wipe(&st, sizeof(st));
	return copy;
}

/* Encrypting: after k packets, the copy seals the next ones exactly as
 * the original does. */
static void
test_encrypt_continues(void **state)
{
	uint8_t iv[CIPHER_MAX_IV_LEN], a[PKT_MAX], b[PKT_MAX];
	size_t i, k, j, aadlen, authlen;

	(void)state;
	fill(iv, sizeof(iv), 0x31);
	for (i = 0; i < N_NAMES; i++) {
		const struct cipher_alg *c = cipher_by_name(names[i]);

		assert_non_null(c);
		layout(c, &aadlen, &authlen);
		for (k = 0; k < 4; k++) {
			struct cipher_ctx *orig = make_ctx(c, iv, 1), *copy;
			uint32_t seq = 0;

			for (j = 0; j < k; j++, seq++) {
				seal(orig, c, seq, 16 * (j + 1), a);
			}
			copy = roundtrip(orig, c, CIPHER_ENCRYPT);
			for (j = 0; j < 3; j++, seq++) {
				seal(orig, c, seq, 48 + 16 * j, a);
				seal(copy, c, seq, 48 + 16 * j, b);
				assert_memory_equal(a, b,
				    aadlen + 48 + 16 * j + authlen);
			}
			cipher_ctx_free(orig);
			cipher_ctx_free(copy);
		}
	}
}

/* Decrypting: a copy of the receiver made mid-stream opens what the
 * sender seals next; a wrong position would fail the tag or garble. */
static void
test_decrypt_continues(void **state)
{
	uint8_t iv[CIPHER_MAX_IV_LEN], pkt[PKT_MAX], out[PKT_MAX];
	uint8_t plain[PKT_MAX];
	size_t i, j, aadlen, authlen, n;

	(void)state;
	fill(iv, sizeof(iv), 0x42);
	for (i = 0; i < N_NAMES; i++) {
		const struct cipher_alg *c = cipher_by_name(names[i]);
		struct cipher_ctx *tx = make_ctx(c, iv, 1);
		struct cipher_ctx *rx = make_ctx(c, iv, 0), *rx2;
		uint32_t seq;

		layout(c, &aadlen, &authlen);
		for (seq = 0; seq < 5; seq++) {
			seal(tx, c, seq, 32, pkt);
			assert_int_equal(cipher_crypt(rx, seq, out, pkt, 32,
			    aadlen, authlen), 0);
		}
		rx2 = roundtrip(rx, c, CIPHER_DECRYPT);
		cipher_ctx_free(rx);
		for (j = 0; j < 3; j++, seq++) {
			n = 64 + 16 * j;
			seal(tx, c, seq, n, pkt);
			assert_int_equal(cipher_crypt(rx2, seq, out, pkt, n,
			    aadlen, authlen), 0);
			fill(plain, aadlen + n, (uint8_t)(seq + n));
			pc_put_u32(plain, (uint32_t)n);
			assert_memory_equal(out + aadlen, plain + aadlen, n);
		}
		cipher_ctx_free(tx);
		cipher_ctx_free(rx2);
	}
}

/* CTR part-way through a keystream block: pos says where, and the copy
 * carries on from the same byte. */
static void
test_ctr_partial_block(void **state)
{
	static const size_t steps[] = { 5, 17, 16, 1, 15, 32, 3 };
	uint8_t iv[CIPHER_MAX_IV_LEN], in[64], a[64], b[64];
	size_t i, s, used;

	(void)state;
	fill(iv, sizeof(iv), 0x07);
	memset(in, 0, sizeof(in));
	for (i = 1; i <= 3; i++) {
		const struct cipher_alg *c = cipher_by_name(names[i]);
		struct cipher_ctx *orig = make_ctx(c, iv, 1);

		used = 0;
		for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
			struct cipher_state st;
			struct cipher_ctx *copy = NULL;

			assert_int_equal(cipher_crypt(orig, 0, a, in,
			    steps[s], 0, 0), 0);
			used += steps[s];
			assert_int_equal(cipher_ctx_export(orig, &st), 0);
			assert_int_equal(st.pos, used % 16);
			assert_int_equal(cipher_ctx_import(&copy, c,
			    CIPHER_ENCRYPT, &st), 0);
			assert_int_equal(cipher_crypt(orig, 0, a, in, 40, 0, 0),
			    0);
			assert_int_equal(cipher_crypt(copy, 0, b, in, 40, 0, 0),
			    0);
			assert_memory_equal(a, b, 40);
			used += 40;
			cipher_ctx_free(copy);
			pc_wipe(&st, sizeof(st));
		}
		cipher_ctx_free(orig);
	}
}

/* The counters wrap as the RFCs say: CTR modulo 2^128 (RFC 4344 s. 4),
 * GCM's invocation counter modulo 2^64 without touching the fixed field
 * (RFC 5647 s. 7.1), matching what OpenSSL does internally. */
static void
test_counter_wrap(void **state)
{
	uint8_t iv[CIPHER_MAX_IV_LEN], in[48], a[64], b[64];
	const struct cipher_alg *ctr = cipher_by_name("aes128-ctr");
	const struct cipher_alg *gcm = cipher_by_name("aes128-gcm@openssh.com");
	struct cipher_ctx *orig, *copy;
	struct cipher_state st;

	(void)state;
	memset(in, 0, sizeof(in));
	memset(iv, 0xff, sizeof(iv));
	orig = make_ctx(ctr, iv, 1);
	assert_int_equal(cipher_crypt(orig, 0, a, in, 32, 0, 0), 0);
	assert_int_equal(cipher_ctx_export(orig, &st), 0);
	assert_int_equal(st.pos, 0);
	/* ff..ff + 2 = 00..01 */
	assert_int_equal(st.iv[15], 1);
	assert_int_equal(st.iv[0], 0);
	assert_int_equal(cipher_ctx_import(&copy, ctr, CIPHER_ENCRYPT, &st),
	    0);
	assert_int_equal(cipher_crypt(orig, 0, a, in, 48, 0, 0), 0);
	assert_int_equal(cipher_crypt(copy, 0, b, in, 48, 0, 0), 0);
	assert_memory_equal(a, b, 48);
	cipher_ctx_free(orig);
	cipher_ctx_free(copy);

	/* fixed 01020304, invocation counter ff..ff */
	iv[0] = 1;
	iv[1] = 2;
	iv[2] = 3;
	iv[3] = 4;
	memset(iv + 4, 0xff, 8);
	orig = make_ctx(gcm, iv, 1);
	seal(orig, gcm, 0, 16, a);
	assert_int_equal(cipher_ctx_export(orig, &st), 0);
	assert_int_equal(st.iv_len, 12);
	assert_int_equal(st.iv[3], 4);
	assert_int_equal(st.iv[4], 0);
	assert_int_equal(st.iv[11], 0);
	assert_int_equal(cipher_ctx_import(&copy, gcm, CIPHER_ENCRYPT, &st),
	    0);
	seal(orig, gcm, 1, 32, a);
	seal(copy, gcm, 1, 32, b);
	assert_memory_equal(a, b, 4 + 32 + 16);
	cipher_ctx_free(orig);
	cipher_ctx_free(copy);
	pc_wipe(&st, sizeof(st));
}

static void
test_bad_states(void **state)
{
	uint8_t iv[CIPHER_MAX_IV_LEN];
	struct cipher_state st, bad;
	struct cipher_ctx *ctx, *copy = (struct cipher_ctx *)1;
	size_t i;

	(void)state;
	fill(iv, sizeof(iv), 0x99);
	for (i = 0; i < N_NAMES; i++) {
		const struct cipher_alg *c = cipher_by_name(names[i]);
		int is_ctr = i >= 1 && i <= 3;

		ctx = make_ctx(c, iv, 1);
		assert_int_equal(cipher_ctx_export(ctx, &st), 0);
		cipher_ctx_free(ctx);

		bad = st;
		bad.key_len--;
		assert_int_equal(cipher_ctx_import(&copy, c, 1, &bad),
		    PC_ERR_INVALID_FORMAT);
		assert_null(copy);
		bad = st;
		bad.key_len = CIPHER_MAX_KEY_LEN + 1;
		assert_int_equal(cipher_ctx_import(&copy, c, 1, &bad),
		    PC_ERR_INVALID_FORMAT);
		bad = st;
		bad.iv_len = st.iv_len == 0 ? 12 : st.iv_len - 1;
		assert_int_equal(cipher_ctx_import(&copy, c, 1, &bad),
		    PC_ERR_INVALID_FORMAT);
		/* pos: below the block size, and only for CTR */
		bad = st;
		bad.pos = (uint32_t)cipher_block_len(c);
		assert_int_equal(cipher_ctx_import(&copy, c, 1, &bad),
		    PC_ERR_INVALID_FORMAT);
		bad = st;
		bad.pos = 1;
		assert_int_equal(cipher_ctx_import(&copy, c, 1, &bad),
		    is_ctr ? 0 : PC_ERR_INVALID_FORMAT);
		cipher_ctx_free(copy);
		copy = NULL;
		assert_int_equal(cipher_ctx_import(&copy, c, 7, &st),
		    PC_ERR_INVALID_ARGUMENT);
		assert_int_equal(cipher_ctx_import(&copy, NULL, 1, &st),
		    PC_ERR_INVALID_ARGUMENT);
		assert_int_equal(cipher_ctx_import(&copy, c, 1, NULL),
		    PC_ERR_INVALID_ARGUMENT);
		pc_wipe(&st, sizeof(st));
		pc_wipe(&bad, sizeof(bad));
	}
	assert_int_equal(cipher_ctx_export(NULL, &st), PC_ERR_INVALID_ARGUMENT);
}

static void
test_mac_export(void **state)
{
	static const char *const macs[] = {
		"hmac-sha2-256-etm@openssh.com",
		"hmac-sha2-512-etm@openssh.com", "hmac-sha1-etm@openssh.com",
		"hmac-sha2-256", "hmac-sha2-512", "hmac-sha1",
	};
	uint8_t key[MAC_MAX_KEY_LEN], got[MAC_MAX_KEY_LEN], data[100];
	uint8_t t1[MAC_MAX_LEN], t2[MAC_MAX_LEN];
	size_t i, klen;

	(void)state;
	fill(data, sizeof(data), 3);
	for (i = 0; i < sizeof(macs) / sizeof(macs[0]); i++) {
		const struct mac_alg *m = mac_by_name(macs[i]);
		struct mac_ctx *a = NULL, *b = NULL;

		assert_non_null(m);
		fill(key, sizeof(key), (uint8_t)(0x10 + i));
		assert_int_equal(mac_ctx_new(&a, m, key, mac_key_len(m)), 0);
		assert_int_equal(mac_compute(a, 5, data, sizeof(data), t1), 0);
		memset(got, 0, sizeof(got));
		assert_int_equal(mac_ctx_export(a, got, &klen), 0);
		assert_int_equal(klen, mac_key_len(m));
		assert_memory_equal(got, key, klen);
		assert_int_equal(mac_ctx_new(&b, m, got, klen), 0);
		assert_int_equal(mac_compute(b, 5, data, sizeof(data), t2), 0);
		assert_memory_equal(t1, t2, mac_len(m));
		assert_int_equal(mac_verify(b, 5, data, sizeof(data), t1), 0);
		mac_ctx_free(a);
		mac_ctx_free(b);
	}
	assert_int_equal(mac_ctx_export(NULL, got, &klen),
	    PC_ERR_INVALID_ARGUMENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encrypt_continues),
		cmocka_unit_test(test_decrypt_continues),
		cmocka_unit_test(test_ctr_partial_block),
		cmocka_unit_test(test_counter_wrap),
		cmocka_unit_test(test_bad_states),
		cmocka_unit_test(test_mac_export),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
