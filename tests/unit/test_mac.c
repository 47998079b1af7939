/*
 * Unit tests for crypto/mac.c: compute/verify round trips, tampering,
 * context reuse, argument checks, the algorithm table and lists.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mac.h"
#include "wbuf.h"

static const struct {
	const char *name;
	size_t key_len, mac_len;
	int etm;
} table[] = {
	/* RFC 6668 s. 2, RFC 4253 s. 6.4, OpenSSH PROTOCOL s. 1.7 */
	{ "hmac-sha2-256", 32, 32, 0 },
	{ "hmac-sha2-512", 64, 64, 0 },
	{ "hmac-sha1", 20, 20, 0 },
	{ "hmac-sha2-256-etm@openssh.com", 32, 32, 1 },
	{ "hmac-sha2-512-etm@openssh.com", 64, 64, 1 },
	{ "hmac-sha1-etm@openssh.com", 20, 20, 1 },
};
#define N_TABLE (sizeof(table) / sizeof(table[0]))

static const size_t sizes[] = { 0, 1, 16, 64, 1000, 32768 + 64 };

static void
fill(uint8_t *p, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		p[i] = (uint8_t)(seed + 31 * i);
	}
}

static struct mac_ctx *
ctx_make(const char *name, uint8_t seed)
{
	const struct mac_alg *m = mac_by_name(name);
	uint8_t key[MAC_MAX_KEY_LEN];
	struct mac_ctx *ctx = NULL;

	assert_non_null(m);
	fill(key, sizeof(key), seed);
	assert_int_equal(mac_ctx_new(&ctx, m, key, mac_key_len(m)), 0);
	assert_non_null(ctx);
	return ctx;
}

static void
test_table(void **state)
{
	const struct mac_alg *m;
	size_t i;

	(void)state;
	for (i = 0; i < N_TABLE; i++) {
		assert_non_null(m = mac_by_name(table[i].name));
		assert_string_equal(mac_name(m), table[i].name);
		assert_int_equal(mac_key_len(m), table[i].key_len);
		assert_int_equal(mac_len(m), table[i].mac_len);
		assert_int_equal(mac_is_etm(m), table[i].etm);
		assert_true(mac_len(m) <= MAC_MAX_LEN);
		assert_true(mac_key_len(m) <= MAC_MAX_KEY_LEN);
	}
}

/* Sender and receiver with the same key agree, packet after packet. */
static void
test_round_trip(void **state)
{
	uint8_t *data, tag[MAC_MAX_LEN];
	struct mac_ctx *snd, *rcv;
	size_t i, j;
	uint32_t seq = 0xfffffffe;	/* wraps, as seqnr does */

	(void)state;
	assert_non_null(data = malloc(sizes[5]));
	for (i = 0; i < N_TABLE; i++) {
		snd = ctx_make(table[i].name, 5);
		rcv = ctx_make(table[i].name, 5);
		for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++, seq++) {
			fill(data, sizes[j], (uint8_t)j);
			assert_int_equal(mac_compute(snd, seq, data, sizes[j],
			    tag), 0);
			assert_int_equal(mac_verify(rcv, seq, data, sizes[j],
			    tag), 0);
		}
		mac_ctx_free(snd);
		mac_ctx_free(rcv);
	}
	free(data);
}

/*
 * Re-initialising per packet must give the same tag as a fresh context,
 * whatever came before (no state leaks from one packet to the next).
 */
static void
test_reuse_matches_fresh(void **state)
{
	uint8_t data[300], a[MAC_MAX_LEN], b[MAC_MAX_LEN];
	struct mac_ctx *used, *fresh;
	size_t i, k;

	(void)state;
	fill(data, sizeof(data), 77);
	for (i = 0; i < N_TABLE; i++) {
		used = ctx_make(table[i].name, 1);
		for (k = 0; k < 5; k++) {
			assert_int_equal(mac_compute(used, (uint32_t)k, data,
			    100 * k % sizeof(data), a), 0);
		}
		fresh = ctx_make(table[i].name, 1);
		assert_int_equal(mac_compute(used, 42, data, sizeof(data), a),
		    0);
		assert_int_equal(mac_compute(fresh, 42, data, sizeof(data), b),
		    0);
		assert_memory_equal(a, b, table[i].mac_len);
		mac_ctx_free(used);
		mac_ctx_free(fresh);
	}
}

/* Flipped data, flipped tag, other seqnr, other key: all rejected. */
static void
test_tamper(void **state)
{
	uint8_t data[200], tag[MAC_MAX_LEN], bad[MAC_MAX_LEN];
	struct mac_ctx *ctx, *other;
	size_t i, pos;

	(void)state;
	fill(data, sizeof(data), 3);
	for (i = 0; i < N_TABLE; i++) {
		ctx = ctx_make(table[i].name, 8);
		other = ctx_make(table[i].name, 9);
		assert_int_equal(mac_compute(ctx, 7, data, sizeof(data), tag),
		    0);
		assert_int_equal(mac_verify(ctx, 7, data, sizeof(data), tag),
		    0);
		for (pos = 0; pos < sizeof(data); pos += 37) {
			data[pos] ^= 0x01;
			assert_int_equal(mac_verify(ctx, 7, data, sizeof(data),
			    tag), PC_ERR_MAC_INVALID);
			data[pos] ^= 0x01;
		}
		for (pos = 0; pos < table[i].mac_len; pos += 5) {
			memcpy(bad, tag, sizeof(bad));
			bad[pos] ^= 0x80;
			assert_int_equal(mac_verify(ctx, 7, data, sizeof(data),
			    bad), PC_ERR_MAC_INVALID);
		}
		/* The last byte too. */
		memcpy(bad, tag, sizeof(bad));
		bad[table[i].mac_len - 1] ^= 1;
		assert_int_equal(mac_verify(ctx, 7, data, sizeof(data), bad),
		    PC_ERR_MAC_INVALID);
		assert_int_equal(mac_verify(ctx, 8, data, sizeof(data), tag),
		    PC_ERR_MAC_INVALID);
		assert_int_equal(mac_verify(ctx, 7, data, sizeof(data) - 1,
		    tag), PC_ERR_MAC_INVALID);
		assert_int_equal(mac_verify(other, 7, data, sizeof(data), tag),
		    PC_ERR_MAC_INVALID);
		/* Still fine after all those failures. */
		assert_int_equal(mac_verify(ctx, 7, data, sizeof(data), tag),
		    0);
		mac_ctx_free(ctx);
		mac_ctx_free(other);
	}
}

/* The sequence number is part of the input: distinct tags. */
static void
test_seqnr_matters(void **state)
{
	uint8_t data[32], t0[MAC_MAX_LEN], t1[MAC_MAX_LEN];
	struct mac_ctx *ctx;
	size_t i;

	(void)state;
	fill(data, sizeof(data), 0);
	for (i = 0; i < N_TABLE; i++) {
		ctx = ctx_make(table[i].name, 2);
		assert_int_equal(mac_compute(ctx, 0, data, sizeof(data), t0),
		    0);
		assert_int_equal(mac_compute(ctx, 1u << 24, data,
		    sizeof(data), t1), 0);
		assert_memory_not_equal(t0, t1, table[i].mac_len);
		mac_ctx_free(ctx);
	}
}

static void
test_bad_keys(void **state)
{
	uint8_t key[MAC_MAX_KEY_LEN + 1], tag[MAC_MAX_LEN];
	const struct mac_alg *m;
	struct mac_ctx *ctx;
	size_t i, kl;

	(void)state;
	fill(key, sizeof(key), 1);
	for (i = 0; i < N_TABLE; i++) {
		assert_non_null(m = mac_by_name(table[i].name));
		kl = mac_key_len(m);
		ctx = (struct mac_ctx *)1;
		assert_int_equal(mac_ctx_new(&ctx, m, key, kl - 1),
		    PC_ERR_INVALID_ARGUMENT);
		assert_null(ctx);
		assert_int_equal(mac_ctx_new(&ctx, m, key, kl + 1),
		    PC_ERR_INVALID_ARGUMENT);
		assert_int_equal(mac_ctx_new(&ctx, m, key, 0),
		    PC_ERR_INVALID_ARGUMENT);
		assert_int_equal(mac_ctx_new(&ctx, m, NULL, kl),
		    PC_ERR_INVALID_ARGUMENT);
		assert_null(ctx);
	}
	assert_int_equal(mac_ctx_new(&ctx, NULL, key, 32),
	    PC_ERR_INVALID_ARGUMENT);
	ctx = ctx_make("hmac-sha2-256", 1);
	assert_int_equal(mac_compute(ctx, 0, NULL, 5, tag),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(mac_verify(ctx, 0, key, 5, NULL),
	    PC_ERR_INVALID_ARGUMENT);
	mac_ctx_free(ctx);
	mac_ctx_free(NULL);
}

static void
test_unknown_names(void **state)
{
	static const char *bad[] = {
		"", "hmac-md5", "hmac-sha1-96", "hmac-sha2-256-96",
		"umac-64@openssh.com", "HMAC-SHA2-256", "hmac-sha2-256 ",
		"hmac-sha2-256-etm", "hmac-sha2-256,hmac-sha1", "none",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(mac_by_name(bad[i]));
	}
	assert_null(mac_by_name(NULL));
}

static size_t
check_list(const char *list, int *has_sha1)
{
	char *copy, *name, *save = NULL;
	const char *seen[16];
	size_t n = 0, i;

	*has_sha1 = 0;
	assert_non_null(copy = strdup(list));
	for (name = strtok_r(copy, ",", &save); name != NULL;
	    name = strtok_r(NULL, ",", &save)) {
		assert_non_null(mac_by_name(name));
		if (strncmp(name, "hmac-sha1", 9) == 0) {
			*has_sha1 = 1;
		}
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
	int sha1;

	(void)state;
	assert_string_equal(mac_default_list(),
	    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
	    "hmac-sha2-256,hmac-sha2-512");
	assert_int_equal(check_list(mac_default_list(), &sha1), 4);
	assert_false(sha1);
	assert_int_equal(check_list(mac_supported_list(), &sha1), 6);
	assert_true(sha1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_reuse_matches_fresh),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_seqnr_matters),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
