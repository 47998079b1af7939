/*
 * Known-answer tests for the packet MACs (crypto/mac.c).
 *
 * mac_compute(seq, data) is HMAC(key, uint32 seq || data) (RFC 4253
 * s. 6.4).  Two kinds of check:
 *  - where an RFC key has the length the algorithm takes (RFC 2202 cases
 *    1 and 3, 20-byte keys, for hmac-sha1), the RFC input is split into
 *    its first 4 bytes (the sequence number, big-endian) and the rest, so
 *    the RFC's expected value is compared directly;
 *  - for every algorithm, an HMAC built here from the hash (RFC 2104, over
 *    crypto/digest.h, not EVP_MAC) is first checked against all the RFC
 *    4231 / RFC 2202 vectors, then mac_compute is compared with it for
 *    full-length keys and several sequence numbers and lengths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "digest.h"
#include "mac.h"
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

/* ---- RFC 2104 HMAC over the plain hash, as an independent reference ---- */

static void
ref_hmac(enum digest_alg alg, const uint8_t *key, size_t keylen,
    const uint8_t *d1, size_t l1, const uint8_t *d2, size_t l2,
    uint8_t *out)
{
	size_t block = alg == DIGEST_SHA512 ? 128 : 64, hlen, i;
	uint8_t k[128], pad[128], inner[DIGEST_MAX_LEN];
	struct digest_ctx *ctx = NULL;

	hlen = digest_len(alg);
	memset(k, 0, sizeof(k));
	if (keylen > block) {
		assert_int_equal(digest_memory(alg, key, keylen, k,
		    sizeof(k)), 0);
	} else {
		memcpy(k, key, keylen);
	}
	for (i = 0; i < block; i++) {
		pad[i] = k[i] ^ 0x36;
	}
	assert_int_equal(digest_start(alg, &ctx), 0);
	assert_int_equal(digest_update(ctx, pad, block), 0);
	assert_int_equal(digest_update(ctx, d1, l1), 0);
	assert_int_equal(digest_update(ctx, d2, l2), 0);
	assert_int_equal(digest_final(ctx, inner, sizeof(inner)), 0);
	digest_free(ctx);
	for (i = 0; i < block; i++) {
		pad[i] = k[i] ^ 0x5c;
	}
	assert_int_equal(digest_start(alg, &ctx), 0);
	assert_int_equal(digest_update(ctx, pad, block), 0);
	assert_int_equal(digest_update(ctx, inner, hlen), 0);
	assert_int_equal(digest_final(ctx, out, DIGEST_MAX_LEN), 0);
	digest_free(ctx);
}

/*
 * RFC 4231 s. 4.2-4.8 (SHA-256, SHA-512; case 5, a truncated output, is
 * left out) and RFC 2202 s. 3 (SHA-1; case 5 likewise).  Keys and data
 * are given as a byte repeated, a counting sequence or text.
 */
enum fill { FILL_REPEAT, FILL_COUNT, FILL_TEXT };

struct rfc_vector {
	enum digest_alg alg;
	const char *rfc;
	enum fill kfill;
	uint8_t kbyte;
	size_t klen;
	const char *ktext;
	enum fill dfill;
	uint8_t dbyte;
	size_t dlen;
	const char *dtext;
	const char *mac;
};

static const char big_key_first[] =
    "Test Using Larger Than Block-Size Key - Hash Key First";
static const char big_key_data_4231[] =
    "This is a test using a larger than block-size key and a larger than "
    "block-size data. The key needs to be hashed before being used by the "
    "HMAC algorithm.";
static const char big_key_data_2202[] =
    "Test Using Larger Than Block-Size Key and Larger Than One Block-Size "
    "Data";

static const struct rfc_vector rfc_vectors[] = {
	{ DIGEST_SHA256, "4231 #1", FILL_REPEAT, 0x0b, 20, NULL,
	    FILL_TEXT, 0, 0, "Hi There",
	    "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7" },
	{ DIGEST_SHA256, "4231 #2", FILL_TEXT, 0, 0, "Jefe",
	    FILL_TEXT, 0, 0, "what do ya want for nothing?",
	    "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843" },
	{ DIGEST_SHA256, "4231 #3", FILL_REPEAT, 0xaa, 20, NULL,
	    FILL_REPEAT, 0xdd, 50, NULL,
	    "773ea91e36800e46854db8ebd09181a7"
	    "2959098b3ef8c122d9635514ced565fe" },
	{ DIGEST_SHA256, "4231 #4", FILL_COUNT, 0x01, 25, NULL,
	    FILL_REPEAT, 0xcd, 50, NULL,
	    "82558a389a443c0ea4cc819899f2083a"
	    "85f0faa3e578f8077a2e3ff46729665b" },
	{ DIGEST_SHA256, "4231 #6", FILL_REPEAT, 0xaa, 131, NULL,
	    FILL_TEXT, 0, 0, big_key_first,
	    "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54" },
	{ DIGEST_SHA256, "4231 #7", FILL_REPEAT, 0xaa, 131, NULL,
	    FILL_TEXT, 0, 0, big_key_data_4231,
	    "9b09ffa71b942fcb27635fbcd5b0e944"
	    "bfdc63644f0713938a7f51535c3a35e2" },
	{ DIGEST_SHA512, "4231 #1", FILL_REPEAT, 0x0b, 20, NULL,
	    FILL_TEXT, 0, 0, "Hi There",
	    "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	    "daa833b7d6b8a702038b274eaea3f4e4"
	    "be9d914eeb61f1702e696c203a126854" },
	{ DIGEST_SHA512, "4231 #2", FILL_TEXT, 0, 0, "Jefe",
	    FILL_TEXT, 0, 0, "what do ya want for nothing?",
	    "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	    "9758bf75c05a994a6d034f65f8f0e6fd"
	    "caeab1a34d4a6b4b636e070a38bce737" },
	{ DIGEST_SHA512, "4231 #3", FILL_REPEAT, 0xaa, 20, NULL,
	    FILL_REPEAT, 0xdd, 50, NULL,
	    "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
	    "bf3e848279a722c806b485a47e67c807"
	    "b946a337bee8942674278859e13292fb" },
	{ DIGEST_SHA512, "4231 #4", FILL_COUNT, 0x01, 25, NULL,
	    FILL_REPEAT, 0xcd, 50, NULL,
	    "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
	    "a91ca5c11aa25eb4d679275cc5788063"
	    "a5f19741120c4f2de2adebeb10a298dd" },
	{ DIGEST_SHA512, "4231 #6", FILL_REPEAT, 0xaa, 131, NULL,
	    FILL_TEXT, 0, 0, big_key_first,
	    "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	    "6b56d037e05f2598bd0fd2215d6a1e52"
	    "95e64f73f63f0aec8b915a985d786598" },
	{ DIGEST_SHA512, "4231 #7", FILL_REPEAT, 0xaa, 131, NULL,
	    FILL_TEXT, 0, 0, big_key_data_4231,
	    "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
	    "b6022cac3c4982b10d5eeb55c3e4de15"
	    "134676fb6de0446065c97440fa8c6a58" },
	{ DIGEST_SHA1, "2202 #1", FILL_REPEAT, 0x0b, 20, NULL,
	    FILL_TEXT, 0, 0, "Hi There",
	    "b617318655057264e28bc0b6fb378c8ef146be00" },
	{ DIGEST_SHA1, "2202 #2", FILL_TEXT, 0, 0, "Jefe",
	    FILL_TEXT, 0, 0, "what do ya want for nothing?",
	    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
	{ DIGEST_SHA1, "2202 #3", FILL_REPEAT, 0xaa, 20, NULL,
	    FILL_REPEAT, 0xdd, 50, NULL,
	    "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
	{ DIGEST_SHA1, "2202 #4", FILL_COUNT, 0x01, 25, NULL,
	    FILL_REPEAT, 0xcd, 50, NULL,
	    "4c9007f4026250c6bc8414f9bf50c86c2d7235da" },
	{ DIGEST_SHA1, "2202 #6", FILL_REPEAT, 0xaa, 80, NULL,
	    FILL_TEXT, 0, 0, big_key_first,
	    "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
	{ DIGEST_SHA1, "2202 #7", FILL_REPEAT, 0xaa, 80, NULL,
	    FILL_TEXT, 0, 0, big_key_data_2202,
	    "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },
};

#define N_RFC (sizeof(rfc_vectors) / sizeof(rfc_vectors[0]))

static size_t
fill(uint8_t *out, size_t max, enum fill how, uint8_t b, size_t n,
    const char *text)
{
	size_t i;

	if (how == FILL_TEXT) {
		n = strlen(text);
		assert_true(n <= max);
		memcpy(out, text, n);
		return n;
	}
	assert_true(n <= max);
	for (i = 0; i < n; i++) {
		out[i] = how == FILL_REPEAT ? b : (uint8_t)(b + i);
	}
	return n;
}

static void
test_ref_hmac_rfc(void **state)
{
	uint8_t key[256], data[256], want[64], got[DIGEST_MAX_LEN];
	const struct rfc_vector *v;
	size_t i, klen, dlen, mlen;

	(void)state;
	for (i = 0; i < N_RFC; i++) {
		v = &rfc_vectors[i];
		klen = fill(key, sizeof(key), v->kfill, v->kbyte, v->klen,
		    v->ktext);
		dlen = fill(data, sizeof(data), v->dfill, v->dbyte, v->dlen,
		    v->dtext);
		mlen = unhex(v->mac, want, sizeof(want));
		assert_int_equal(mlen, digest_len(v->alg));
		ref_hmac(v->alg, key, klen, data, dlen, NULL, 0, got);
		if (memcmp(got, want, mlen) != 0) {
			fail_msg("reference HMAC fails RFC %s", v->rfc);
		}
	}
}

/* RFC 2202 cases 1 and 3 straight through mac_compute and mac_verify. */
static void
test_mac_rfc2202_direct(void **state)
{
	static const char *names[] = {
		"hmac-sha1", "hmac-sha1-etm@openssh.com",
	};
	uint8_t key[20], data[64], want[20], out[MAC_MAX_LEN];
	const struct mac_alg *m;
	struct mac_ctx *ctx;
	const struct rfc_vector *v;
	size_t i, j, dlen;

	(void)state;
	for (j = 0; j < N_RFC; j++) {
		v = &rfc_vectors[j];
		if (v->alg != DIGEST_SHA1 || v->klen != 20) {
			continue;
		}
		fill(key, sizeof(key), v->kfill, v->kbyte, v->klen, v->ktext);
		dlen = fill(data, sizeof(data), v->dfill, v->dbyte, v->dlen,
		    v->dtext);
		unhex(v->mac, want, sizeof(want));
		for (i = 0; i < 2; i++) {
			assert_non_null(m = mac_by_name(names[i]));
			assert_int_equal(mac_ctx_new(&ctx, m, key, 20), 0);
			/* seqnr = the input's first 4 bytes. */
			assert_int_equal(mac_compute(ctx, pc_get_u32(data),
			    data + 4, dlen - 4, out), 0);
			assert_memory_equal(out, want, 20);
			assert_int_equal(mac_verify(ctx, pc_get_u32(data),
			    data + 4, dlen - 4, want), 0);
			mac_ctx_free(ctx);
		}
	}
}

static enum digest_alg
alg_of(const char *name)
{
	if (strncmp(name, "hmac-sha2-256", 13) == 0) {
		return DIGEST_SHA256;
	}
	if (strncmp(name, "hmac-sha2-512", 13) == 0) {
		return DIGEST_SHA512;
	}
	assert_true(strncmp(name, "hmac-sha1", 9) == 0);
	return DIGEST_SHA1;
}

/* mac_compute == HMAC(key, be32(seq) || data), packet after packet. */
static void
test_mac_matches_reference(void **state)
{
	static const char *names[] = {
		"hmac-sha2-256", "hmac-sha2-512", "hmac-sha1",
		"hmac-sha2-256-etm@openssh.com",
		"hmac-sha2-512-etm@openssh.com", "hmac-sha1-etm@openssh.com",
	};
	static const uint32_t seqs[] = { 0, 1, 0x7fffffff, 0xffffffff };
	static const size_t lens[] = { 0, 1, 55, 64, 127, 128, 129, 1000 };
	uint8_t key[MAC_MAX_KEY_LEN], data[1000], seq[4];
	uint8_t want[DIGEST_MAX_LEN], out[MAC_MAX_LEN];
	const struct mac_alg *m;
	struct mac_ctx *ctx;
	size_t i, j, k;

	(void)state;
	for (i = 0; i < sizeof(data); i++) {
		data[i] = (uint8_t)(i * 7 + 3);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_non_null(m = mac_by_name(names[i]));
		for (j = 0; j < mac_key_len(m); j++) {
			key[j] = (uint8_t)(0xa0 + i + j);
		}
		/* One context for all packets, as a connection uses it. */
		assert_int_equal(mac_ctx_new(&ctx, m, key, mac_key_len(m)), 0);
		for (j = 0; j < sizeof(seqs) / sizeof(seqs[0]); j++) {
			for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
				pc_put_u32(seq, seqs[j]);
				ref_hmac(alg_of(names[i]), key, mac_key_len(m),
				    seq, 4, data, lens[k], want);
				assert_int_equal(mac_compute(ctx, seqs[j],
				    data, lens[k], out), 0);
				assert_memory_equal(out, want, mac_len(m));
			}
		}
		mac_ctx_free(ctx);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ref_hmac_rfc),
		cmocka_unit_test(test_mac_rfc2202_direct),
		cmocka_unit_test(test_mac_matches_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
