/*
 * Unit tests for crypto/cipher.c and crypto/cipher_chachapoly.c: packet
 * round trips in the transport's layout, tampering, argument checks, the
 * algorithm table and lists.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cipher.h"
#include "wbuf.h"

static const char *const all_names[] = {
	"chacha20-poly1305@openssh.com",
	"aes128-ctr", "aes192-ctr", "aes256-ctr",
	"aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
};
#define N_NAMES (sizeof(all_names) / sizeof(all_names[0]))

/* Payload sizes (bytes after the length field) made block-aligned per
 * cipher below, including the 5-byte minimum-ish and a 32 KiB packet. */
static const size_t payload_sizes[] = { 12, 28, 60, 252, 1020, 32764 };

#define MAX_PKT	(4 + 32768 + 64 + CIPHER_MAX_TAG_LEN)

static void
fill_key(uint8_t *p, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		p[i] = (uint8_t)(seed + 13 * i);
	}
}

static void
ctx_pair(const struct cipher_alg *c, struct cipher_ctx **enc,
    struct cipher_ctx **dec)
{
	uint8_t key[CIPHER_MAX_KEY_LEN], iv[CIPHER_MAX_IV_LEN];

	fill_key(key, sizeof(key), 0x11);
	fill_key(iv, sizeof(iv), 0x77);
	assert_int_equal(cipher_ctx_new(enc, c, key, cipher_key_len(c), iv,
	    cipher_iv_len(c), CIPHER_ENCRYPT), 0);
	assert_int_equal(cipher_ctx_new(dec, c, key, cipher_key_len(c), iv,
	    cipher_iv_len(c), CIPHER_DECRYPT), 0);
}

/* Round up so that (4 + n) (non-AEAD, aadlen 0) or n is block-aligned. */
static size_t
align_payload(const struct cipher_alg *c, size_t n, size_t aadlen)
{
	size_t bs = cipher_block_len(c), lead = aadlen == 0 ? 4 : 0;

	return ((lead + n + bs - 1) / bs) * bs - lead;
}

/*
 * Encrypt then decrypt a run of packets with one pair of contexts, as a
 * connection does.  aadlen 4 for AEAD and encrypt-then-MAC; 0 otherwise,
 * where the receiver first decrypts one block to read the length.
 */
static void
round_trips(const char *name, size_t aadlen, int in_place)
{
	const struct cipher_alg *c = cipher_by_name(name);
	struct cipher_ctx *enc, *dec;
	uint8_t *pkt, *wire, *out;
	size_t i, j, n, authlen, bs, first;
	uint32_t seq = 0, plen;

	assert_non_null(c);
	authlen = cipher_tag_len(c);
	bs = cipher_block_len(c);
	ctx_pair(c, &enc, &dec);
	assert_non_null(pkt = malloc(MAX_PKT));
	assert_non_null(wire = malloc(MAX_PKT));
	assert_non_null(out = malloc(MAX_PKT));
	for (j = 0; j < 2; j++) {
		for (i = 0; i < sizeof(payload_sizes) / sizeof(*payload_sizes);
		    i++, seq++) {
			n = align_payload(c, payload_sizes[i], aadlen);
			pc_put_u32(pkt, (uint32_t)n);
			fill_key(pkt + 4, n, (uint8_t)(seq + i));
			memset(pkt + 4 + n, 0, authlen);
			if (in_place) {
				memcpy(wire, pkt, 4 + n + authlen);
				assert_int_equal(cipher_crypt(enc, seq, wire,
				    wire, aadlen ? n : 4 + n, aadlen, authlen),
				    0);
			} else {
				assert_int_equal(cipher_crypt(enc, seq, wire,
				    pkt, aadlen ? n : 4 + n, aadlen, authlen),
				    0);
			}
			/* The payload never travels in clear. */
			assert_memory_not_equal(wire + 4, pkt + 4, 16);
			if (aadlen != 0 && !cipher_is_aead(c)) {
				/* encrypt-then-MAC: length stays in clear */
				assert_memory_equal(wire, pkt, 4);
			}
			if (strncmp(name, "chacha20", 8) == 0) {
				assert_memory_not_equal(wire, pkt, 4);
				assert_int_equal(cipher_get_length(dec, &plen,
				    seq, wire, 4), 0);
				assert_int_equal(plen, n);
			}
			if (aadlen == 0) {
				/* First block, read the length, then the
				 * rest (RFC 4253 s. 6.3). */
				first = bs;
				assert_int_equal(cipher_crypt(dec, seq, out,
				    wire, first, 0, 0), 0);
				assert_int_equal(pc_get_u32(out), n);
				assert_int_equal(cipher_crypt(dec, seq,
				    out + first, wire + first, 4 + n - first,
				    0, 0), 0);
			} else if (in_place) {
				memcpy(out, wire, 4 + n + authlen);
				assert_int_equal(cipher_crypt(dec, seq, out,
				    out, n, aadlen, authlen), 0);
			} else {
				assert_int_equal(cipher_crypt(dec, seq, out,
				    wire, n, aadlen, authlen), 0);
			}
			assert_memory_equal(out, pkt, 4 + n);
		}
	}
	cipher_ctx_free(enc);
	cipher_ctx_free(dec);
	free(pkt);
	free(wire);
	free(out);
}

static void
test_round_trip_aead(void **state)
{
	(void)state;
	round_trips("chacha20-poly1305@openssh.com", 4, 0);
	round_trips("chacha20-poly1305@openssh.com", 4, 1);
	round_trips("aes128-gcm@openssh.com", 4, 0);
	round_trips("aes128-gcm@openssh.com", 4, 1);
	round_trips("aes256-gcm@openssh.com", 4, 0);
	round_trips("aes256-gcm@openssh.com", 4, 1);
}

static void
test_round_trip_ctr(void **state)
{
	static const char *ctr[] = { "aes128-ctr", "aes192-ctr", "aes256-ctr" };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		round_trips(ctr[i], 0, 0);	/* MAC over plaintext */
		round_trips(ctr[i], 0, 1);
		round_trips(ctr[i], 4, 0);	/* encrypt-then-MAC */
		round_trips(ctr[i], 4, 1);
	}
}

/*
 * A flipped bit anywhere (length, payload, tag) fails the tag check with
 * PC_ERR_MAC_INVALID, and nothing is written to dst.
 */
static void
tamper(const char *name)
{
	const struct cipher_alg *c = cipher_by_name(name);
	struct cipher_ctx *enc, *dec;
	uint8_t pkt[4 + 64 + 16], wire[sizeof(pkt)], bad[sizeof(pkt)];
	uint8_t out[sizeof(pkt)], poison[sizeof(pkt)];
	size_t pos[] = { 0, 3, 4, 40, 4 + 63, 4 + 64, 4 + 64 + 15 };
	size_t i, bit;
	uint32_t plen;

	assert_non_null(c);
	pc_put_u32(pkt, 64);
	fill_key(pkt + 4, 64, 0x42);
	ctx_pair(c, &enc, &dec);
	assert_int_equal(cipher_crypt(enc, 9, wire, pkt, 64, 4, 16), 0);
	cipher_ctx_free(enc);
	cipher_ctx_free(dec);
	memset(poison, 0xa5, sizeof(poison));

	for (i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		for (bit = 0; bit < 8; bit += 7) {
			/* A fresh receiver each time: a real one would have
			 * dropped the connection. */
			ctx_pair(c, &enc, &dec);
			memcpy(bad, wire, sizeof(bad));
			bad[pos[i]] ^= (uint8_t)(1u << bit);
			memcpy(out, poison, sizeof(out));
			assert_int_equal(cipher_crypt(dec, 9, out, bad, 64, 4,
			    16), PC_ERR_MAC_INVALID);
			assert_memory_equal(out, poison, sizeof(out));
			/* In place: the ciphertext stays as it was. */
			memcpy(out, bad, sizeof(out));
			cipher_ctx_free(enc);
			cipher_ctx_free(dec);
			ctx_pair(c, &enc, &dec);
			assert_int_equal(cipher_crypt(dec, 9, out, out, 64, 4,
			    16), PC_ERR_MAC_INVALID);
			assert_memory_equal(out, bad, sizeof(out));
			cipher_ctx_free(enc);
			cipher_ctx_free(dec);
		}
	}
	/* The untouched packet still decrypts (the test is not vacuous). */
	ctx_pair(c, &enc, &dec);
	if (strncmp(name, "chacha20", 8) == 0) {
		assert_int_equal(cipher_get_length(dec, &plen, 9, wire, 4), 0);
		assert_int_equal(plen, 64);
	}
	assert_int_equal(cipher_crypt(dec, 9, out, wire, 64, 4, 16), 0);
	assert_memory_equal(out, pkt, 4 + 64);
	cipher_ctx_free(enc);
	cipher_ctx_free(dec);
}

static void
test_tamper_aead(void **state)
{
	(void)state;
	tamper("chacha20-poly1305@openssh.com");
	tamper("aes128-gcm@openssh.com");
	tamper("aes256-gcm@openssh.com");
}

/* chacha20-poly1305: the nonce is the sequence number. */
static void
test_chachapoly_wrong_seqnr(void **state)
{
	const struct cipher_alg *c =
	    cipher_by_name("chacha20-poly1305@openssh.com");
	struct cipher_ctx *enc, *dec;
	uint8_t pkt[4 + 32 + 16], wire[sizeof(pkt)], out[sizeof(pkt)];
	uint32_t plen = 0;

	(void)state;
	pc_put_u32(pkt, 32);
	fill_key(pkt + 4, 32, 1);
	ctx_pair(c, &enc, &dec);
	assert_int_equal(cipher_crypt(enc, 100, wire, pkt, 32, 4, 16), 0);
	assert_int_equal(cipher_get_length(dec, &plen, 101, wire, 4), 0);
	assert_int_not_equal(plen, 32);
	assert_int_equal(cipher_crypt(dec, 101, out, wire, 32, 4, 16),
	    PC_ERR_MAC_INVALID);
	assert_int_equal(cipher_crypt(dec, 100, out, wire, 32, 4, 16), 0);
	assert_memory_equal(out, pkt, 4 + 32);
	/* Too short to hold a length. */
	assert_int_equal(cipher_get_length(dec, &plen, 100, wire, 3),
	    PC_ERR_MSG_INCOMPLETE);
	cipher_ctx_free(enc);
	cipher_ctx_free(dec);
}

static void
test_bad_lengths(void **state)
{
	uint8_t key[CIPHER_MAX_KEY_LEN + 1], iv[CIPHER_MAX_IV_LEN + 1];
	const struct cipher_alg *c;
	struct cipher_ctx *ctx;
	size_t i, kl, il;

	(void)state;
	fill_key(key, sizeof(key), 3);
	fill_key(iv, sizeof(iv), 4);
	for (i = 0; i < N_NAMES; i++) {
		assert_non_null(c = cipher_by_name(all_names[i]));
		kl = cipher_key_len(c);
		il = cipher_iv_len(c);
		ctx = (struct cipher_ctx *)1;
		assert_int_equal(cipher_ctx_new(&ctx, c, key, kl - 1, iv, il,
		    CIPHER_ENCRYPT), PC_ERR_INVALID_ARGUMENT);
		assert_null(ctx);
		assert_int_equal(cipher_ctx_new(&ctx, c, key, kl + 1, iv, il,
		    CIPHER_ENCRYPT), PC_ERR_INVALID_ARGUMENT);
		assert_int_equal(cipher_ctx_new(&ctx, c, key, kl, iv, il + 1,
		    CIPHER_DECRYPT), PC_ERR_INVALID_ARGUMENT);
		if (il != 0) {
			assert_int_equal(cipher_ctx_new(&ctx, c, key, kl, iv,
			    il - 1, CIPHER_DECRYPT), PC_ERR_INVALID_ARGUMENT);
			assert_int_equal(cipher_ctx_new(&ctx, c, key, kl,
			    NULL, il, CIPHER_DECRYPT),
			    PC_ERR_INVALID_ARGUMENT);
		}
		assert_int_equal(cipher_ctx_new(&ctx, c, NULL, kl, iv, il,
		    CIPHER_ENCRYPT), PC_ERR_INVALID_ARGUMENT);
		assert_int_equal(cipher_ctx_new(&ctx, c, key, kl, iv, il, 7),
		    PC_ERR_INVALID_ARGUMENT);
		assert_null(ctx);
		assert_int_equal(cipher_ctx_new(&ctx, c, key, kl, iv, il,
		    CIPHER_ENCRYPT), 0);
		assert_non_null(ctx);
		cipher_ctx_free(ctx);
	}
	assert_int_equal(cipher_ctx_new(&ctx, NULL, key, 16, iv, 16,
	    CIPHER_ENCRYPT), PC_ERR_INVALID_ARGUMENT);
	cipher_ctx_free(NULL);
}

/* aadlen / authlen that do not fit the cipher are refused. */
static void
test_bad_crypt_args(void **state)
{
	const struct cipher_alg *c;
	struct cipher_ctx *enc, *dec;
	uint8_t buf[4 + 64 + 16];
	uint32_t plen;

	(void)state;
	memset(buf, 0, sizeof(buf));
	c = cipher_by_name("chacha20-poly1305@openssh.com");
	ctx_pair(c, &enc, &dec);
	assert_int_equal(cipher_crypt(enc, 0, buf, buf, 64, 0, 16),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(cipher_crypt(enc, 0, buf, buf, 64, 4, 0),
	    PC_ERR_INVALID_ARGUMENT);
	cipher_ctx_free(enc);
	cipher_ctx_free(dec);

	c = cipher_by_name("aes128-gcm@openssh.com");
	ctx_pair(c, &enc, &dec);
	assert_int_equal(cipher_crypt(enc, 0, buf, buf, 64, 4, 0),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(cipher_get_length(dec, &plen, 0, buf, 4),
	    PC_ERR_INVALID_ARGUMENT);
	cipher_ctx_free(enc);
	cipher_ctx_free(dec);

	c = cipher_by_name("aes256-ctr");
	ctx_pair(c, &enc, &dec);
	assert_int_equal(cipher_crypt(enc, 0, buf, buf, 64, 0, 16),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(cipher_get_length(dec, &plen, 0, buf, 4),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(cipher_crypt(enc, 0, buf, buf, (size_t)1 << 32, 0,
	    0), PC_ERR_INVALID_ARGUMENT);
	cipher_ctx_free(enc);
	cipher_ctx_free(dec);
}

static void
test_none(void **state)
{
	const struct cipher_alg *c = cipher_by_name("none");
	struct cipher_ctx *ctx;
	uint8_t in[4 + 28], out[sizeof(in)];
	uint32_t plen;

	(void)state;
	assert_non_null(c);
	assert_false(cipher_is_aead(c));
	assert_int_equal(cipher_key_len(c), 0);
	assert_int_equal(cipher_block_len(c), 8);
	assert_int_equal(cipher_ctx_new(&ctx, c, NULL, 0, NULL, 0,
	    CIPHER_DECRYPT), 0);
	fill_key(in, sizeof(in), 9);
	assert_int_equal(cipher_crypt(ctx, 0, out, in, sizeof(in), 0, 0), 0);
	assert_memory_equal(out, in, sizeof(in));
	assert_int_equal(cipher_get_length(ctx, &plen, 0, in, 4),
	    PC_ERR_INVALID_ARGUMENT);
	cipher_ctx_free(ctx);
}

/* Sizes from the specifications: RFC 4344 s. 4, RFC 5647 s. 7.1,
 * PROTOCOL.chacha20poly1305. */
static void
test_table(void **state)
{
	static const struct {
		const char *name;
		size_t key, iv, block, tag;
		int aead;
	} want[] = {
		{ "chacha20-poly1305@openssh.com", 64, 0, 8, 16, 1 },
		{ "aes128-ctr", 16, 16, 16, 0, 0 },
		{ "aes192-ctr", 24, 16, 16, 0, 0 },
		{ "aes256-ctr", 32, 16, 16, 0, 0 },
		{ "aes128-gcm@openssh.com", 16, 12, 16, 16, 1 },
		{ "aes256-gcm@openssh.com", 32, 12, 16, 16, 1 },
	};
	const struct cipher_alg *c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_non_null(c = cipher_by_name(want[i].name));
		assert_string_equal(cipher_name(c), want[i].name);
		assert_int_equal(cipher_key_len(c), want[i].key);
		assert_int_equal(cipher_iv_len(c), want[i].iv);
		assert_int_equal(cipher_block_len(c), want[i].block);
		assert_int_equal(cipher_tag_len(c), want[i].tag);
		assert_int_equal(cipher_is_aead(c), want[i].aead);
		assert_true(cipher_key_len(c) <= CIPHER_MAX_KEY_LEN);
		assert_true(cipher_iv_len(c) <= CIPHER_MAX_IV_LEN);
		assert_true(cipher_block_len(c) <= CIPHER_MAX_BLOCK_LEN);
	}
}

static void
test_unknown_names(void **state)
{
	static const char *bad[] = {
		"", "aes128-cbc", "3des-cbc", "arcfour", "AES128-CTR",
		"aes128-ctr ", "chacha20-poly1305", "aes128-gcm",
		"rijndael-cbc@lysator.liu.se", "aes128-ctr,aes256-ctr",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(cipher_by_name(bad[i]));
	}
	assert_null(cipher_by_name(NULL));
}

/* Every name in a list is known, none is "none", none repeats. */
static size_t
check_list(const char *list)
{
	char *copy, *name, *save = NULL;
	const char *seen[16];
	size_t n = 0, i;

	assert_non_null(copy = strdup(list));
	for (name = strtok_r(copy, ",", &save); name != NULL;
	    name = strtok_r(NULL, ",", &save)) {
		assert_non_null(cipher_by_name(name));
		assert_string_not_equal(name, "none");
		for (i = 0; i < n; i++) {
			assert_string_not_equal(seen[i], name);
		}
		assert_true(n < 16);
		seen[n++] = name;
	}
	free(copy);
	return n;
}

static void
test_lists(void **state)
{
	(void)state;
	assert_string_equal(cipher_default_list(),
	    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
	    "aes128-gcm@openssh.com,aes256-gcm@openssh.com");
	assert_int_equal(check_list(cipher_default_list()), 6);
	assert_int_equal(check_list(cipher_supported_list()), 6);
	assert_null(strstr(cipher_supported_list(), "none"));
}

/* Only chacha20-poly1305 hides the length (PROTOCOL.chacha20poly1305);
 * the packet layer relies on this to read it with cipher_get_length. */
static void
test_length_encrypted(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_NAMES; i++) {
		const struct cipher_alg *c = cipher_by_name(all_names[i]);

		assert_non_null(c);
		assert_int_equal(cipher_length_encrypted(c),
		    strcmp(all_names[i], "chacha20-poly1305@openssh.com") == 0);
	}
	assert_false(cipher_length_encrypted(cipher_by_name("none")));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_length_encrypted),
		cmocka_unit_test(test_round_trip_aead),
		cmocka_unit_test(test_round_trip_ctr),
		cmocka_unit_test(test_tamper_aead),
		cmocka_unit_test(test_chachapoly_wrong_seqnr),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_bad_crypt_args),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
