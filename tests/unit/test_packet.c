/*
 * Unit tests for transport/packet.c, the binary packet protocol of
 * RFC 4253 s. 6: framing and padding with and without keys, every cipher
 * and MAC, input in any chunking, refused lengths and paddings, MAC
 * failures, sequence numbers, rekey limits and the input cap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cipher.h"
#include "mac.h"
#include "packet.h"
#include "rand.h"
#include "wbuf.h"

static const char *const ciphers[] = {
	"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
	"aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr",
};
static const char *const macs[] = {
	"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
	"hmac-sha1-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512",
	"hmac-sha1",
};
#define NCIPHERS	(sizeof(ciphers) / sizeof(ciphers[0]))
#define NMACS		(sizeof(macs) / sizeof(macs[0]))

static uint8_t bigbuf[PACKET_MAX_SIZE + 64];

static int
setup(void **state)
{
	(void)state;
	return crypto_lib_init() == 0 ? 0 : -1;
}

/* A small deterministic generator for sizes and chunking. */
static uint32_t rng_state = 0x12345678;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void
fill(uint8_t *p, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

/* Move everything w wrote into r's input (in chunks of at most chunk
 * bytes, 0 meaning one piece). */
static void
move(struct packet *w, struct packet *r, size_t chunk)
{
	const uint8_t *o;
	size_t len, n;

	o = packet_output_ptr(w, &len);
	while (len > 0) {
		n = chunk == 0 || chunk > len ? len : chunk;
		assert_int_equal(packet_input(r, o, n), 0);
		o += n;
		len -= n;
		assert_int_equal(packet_output_consume(w, n), 0);
		o = packet_output_ptr(w, &len);
	}
}

static void
expect_payload(struct packet *r, const uint8_t *want, size_t len)
{
	const uint8_t *p;
	size_t n;

	assert_int_equal(packet_read(r, &p, &n), 0);
	assert_int_equal(n, len);
	assert_memory_equal(p, want, len);
}

/* Install the same keys on w's TX and r's RX. */
static void
set_keys(struct packet *w, struct packet *r, const char *cname,
    const char *mname, uint64_t rekey_bytes, uint32_t seed)
{
	const struct cipher_alg *c = cipher_by_name(cname);
	const struct mac_alg *m = mname ? mac_by_name(mname) : NULL;
	uint8_t key[CIPHER_MAX_KEY_LEN], iv[CIPHER_MAX_IV_LEN];
	uint8_t mk[MAC_MAX_KEY_LEN];

	assert_non_null(c);
	if (mname != NULL)
		assert_non_null(m);
	fill(key, sizeof(key), seed);
	fill(iv, sizeof(iv), seed + 1);
	fill(mk, sizeof(mk), seed + 2);
	assert_int_equal(packet_set_keys(w, PACKET_TX, c, key, iv, m, mk,
	    rekey_bytes), 0);
	assert_int_equal(packet_set_keys(r, PACKET_RX, c, key, iv, m, mk,
	    rekey_bytes), 0);
}

/* ----------------------------------------------------------- no keys */

/* Check the cleartext framing of the one packet in w's output. */
static void
check_plain_frame(struct packet *w, size_t len)
{
	const uint8_t *o;
	size_t olen, plen, padlen;

	o = packet_output_ptr(w, &olen);
	plen = pc_get_u32(o);
	padlen = o[4];
	assert_int_equal(olen, 4 + plen);
	assert_int_equal(plen, 1 + len + padlen);
	/* RFC 4253 s. 6: at least 4 bytes of padding, and the whole
	 * packet a multiple of 8 before keys; we pad minimally. */
	assert_true(padlen >= 4);
	assert_true(padlen < 4 + 8);
	assert_int_equal((4 + plen) % 8, 0);
}

static void
test_plain_roundtrip(void **state)
{
	static uint8_t payload[32768];
	struct packet w, r;
	size_t len;

	(void)state;
	packet_init(&w);
	packet_init(&r);
	for (len = 1; len <= 1001; len++) {
		size_t n = len == 1001 ? sizeof(payload) : len;

		fill(payload, n, (uint32_t)n);
		assert_int_equal(packet_write(&w, payload, n), 0);
		check_plain_frame(&w, n);
		move(&w, &r, 0);
		expect_payload(&r, payload, n);
		/* Nothing more. */
		{
			const uint8_t *p;
			size_t pl;

			assert_int_equal(packet_read(&r, &p, &pl),
			    PC_ERR_AGAIN);
			assert_null(p);
			assert_int_equal(pl, 0);
		}
	}
	assert_int_equal(w.dir[PACKET_TX].seqnr, 1001);
	assert_int_equal(r.dir[PACKET_RX].seqnr, 1001);
	packet_clear(&w);
	packet_clear(&r);
}

/* Feed one packet a byte at a time: AGAIN until the very last byte. */
static void
bytewise_one(struct packet *w, struct packet *r, const uint8_t *payload,
    size_t len)
{
	const uint8_t *o, *p;
	size_t olen, i, n;
	uint8_t *copy;

	assert_int_equal(packet_write(w, payload, len), 0);
	o = packet_output_ptr(w, &olen);
	assert_non_null(copy = malloc(olen));
	memcpy(copy, o, olen);
	assert_int_equal(packet_output_consume(w, olen), 0);
	for (i = 0; i < olen; i++) {
		assert_int_equal(packet_input(r, copy + i, 1), 0);
		if (i + 1 < olen)
			assert_int_equal(packet_read(r, &p, &n), PC_ERR_AGAIN);
	}
	free(copy);
	expect_payload(r, payload, len);
}

static void
test_plain_bytewise(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 4, 7, 8, 11, 12, 100, 1000 };
	uint8_t payload[1000];
	struct packet w, r;
	size_t i;

	(void)state;
	packet_init(&w);
	packet_init(&r);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fill(payload, sizes[i], (uint32_t)i);
		bytewise_one(&w, &r, payload, sizes[i]);
	}
	packet_clear(&w);
	packet_clear(&r);
}

/* Many packets of random sizes, their bytes fed in random chunks. */
static void
random_chunks(struct packet *w, struct packet *r, size_t npk)
{
	static uint8_t payload[2048];
	size_t *lens, i, j, olen, off, n, got = 0;
	const uint8_t *o, *p;
	uint8_t *stream;
	int rv;

	assert_non_null(lens = calloc(npk, sizeof(*lens)));
	for (i = 0; i < npk; i++) {
		lens[i] = 1 + rng() % sizeof(payload);
		fill(payload, lens[i], (uint32_t)i);
		assert_int_equal(packet_write(w, payload, lens[i]), 0);
	}
	o = packet_output_ptr(w, &olen);
	assert_non_null(stream = malloc(olen));
	memcpy(stream, o, olen);
	assert_int_equal(packet_output_consume(w, olen), 0);
	for (off = 0; off < olen; off += n) {
		n = 1 + rng() % 700;
		if (n > olen - off)
			n = olen - off;
		assert_int_equal(packet_input(r, stream + off, n), 0);
		while ((rv = packet_read(r, &p, &j)) == 0) {
			assert_true(got < npk);
			assert_int_equal(j, lens[got]);
			fill(payload, j, (uint32_t)got);
			assert_memory_equal(p, payload, j);
			got++;
		}
		assert_int_equal(rv, PC_ERR_AGAIN);
	}
	assert_int_equal(got, npk);
	free(stream);
	free(lens);
}

static void
test_plain_random_chunks(void **state)
{
	struct packet w, r;

	(void)state;
	packet_init(&w);
	packet_init(&r);
	random_chunks(&w, &r, 300);
	packet_clear(&w);
	packet_clear(&r);
}

/* ------------------------------------------------------------- keys */

static void
test_keyed_padding(void **state)
{
	uint8_t payload[300];
	struct packet w, r;
	size_t i, j, len, olen, block, authlen, plen, padlen;
	int aad;

	(void)state;
	for (i = 0; i < NCIPHERS; i++) {
		for (j = 0; j < NMACS; j++) {
			const struct cipher_alg *c = cipher_by_name(ciphers[i]);
			const struct mac_alg *m = mac_by_name(macs[j]);

			if (cipher_is_aead(c) && j > 0)
				break;
			packet_init(&w);
			packet_init(&r);
			set_keys(&w, &r, ciphers[i], macs[j], 0, 1);
			block = cipher_block_len(c);
			if (block < 8)
				block = 8;
			aad = cipher_is_aead(c) || mac_is_etm(m);
			authlen = cipher_is_aead(c) ? cipher_tag_len(c) :
			    mac_len(m);
			for (len = 1; len < sizeof(payload); len += 13) {
				fill(payload, len, (uint32_t)len);
				assert_int_equal(packet_write(&w, payload,
				    len), 0);
				(void)packet_output_ptr(&w, &olen);
				plen = olen - 4 - authlen;
				padlen = plen - 1 - len;
				/* RFC 4253 s. 6: padding >= 4; the
				 * encrypted part a multiple of the block
				 * size, which excludes the length field
				 * for AEAD and ETM (RFC 5647 s. 7.2,
				 * PROTOCOL s. 1.5). */
				assert_true(padlen >= 4);
				assert_true(padlen < 4 + block);
				assert_int_equal((aad ? plen : 4 + plen) %
				    block, 0);
				if (aad && strncmp(ciphers[i], "chacha",
				    6) != 0) {
					/* The length is in the clear. */
					assert_int_equal(pc_get_u32(
					    packet_output_ptr(&w, &olen)),
					    plen);
				}
				move(&w, &r, 0);
				expect_payload(&r, payload, len);
			}
			packet_clear(&w);
			packet_clear(&r);
		}
	}
}

static void
test_keyed_roundtrip(void **state)
{
	static const size_t sizes[] = { 1, 5, 15, 16, 17, 31, 32, 100, 255,
	    1000, 32768 };
	static uint8_t payload[32768];
	struct packet w, r;
	size_t i, j, k, n = 0;

	(void)state;
	for (i = 0; i < NCIPHERS; i++) {
		for (j = 0; j < NMACS; j++) {
			const struct cipher_alg *c = cipher_by_name(ciphers[i]);
			const char *mn = cipher_is_aead(c) ? NULL : macs[j];

			if (cipher_is_aead(c) && j > 0)
				break;
			packet_init(&w);
			packet_init(&r);
			/* Some cleartext packets first, as before NEWKEYS. */
			fill(payload, 50, 9);
			assert_int_equal(packet_write(&w, payload, 50), 0);
			move(&w, &r, 0);
			expect_payload(&r, payload, 50);
			set_keys(&w, &r, ciphers[i], mn, 0, (uint32_t)(i + j));
			for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
				fill(payload, sizes[k], (uint32_t)k);
				assert_int_equal(packet_write(&w, payload,
				    sizes[k]), 0);
				move(&w, &r, k % 2 ? 0 : 7);
				expect_payload(&r, payload, sizes[k]);
			}
			fill(payload, 33, 3);
			bytewise_one(&w, &r, payload, 33);
			random_chunks(&w, &r, 40);
			assert_int_equal(w.dir[PACKET_TX].seqnr,
			    r.dir[PACKET_RX].seqnr);
			packet_clear(&w);
			packet_clear(&r);
			n++;
		}
	}
	/* 3 AEAD ciphers, 3 CTR ciphers with each of 6 MACs. */
	assert_int_equal(n, 3 + 3 * 6);
}

static void
test_set_keys_args(void **state)
{
	uint8_t key[CIPHER_MAX_KEY_LEN] = { 0 }, iv[CIPHER_MAX_IV_LEN] = { 0 };
	struct packet w;

	(void)state;
	packet_init(&w);
	/* A non-AEAD cipher needs a MAC. */
	assert_int_equal(packet_set_keys(&w, PACKET_TX,
	    cipher_by_name("aes128-ctr"), key, iv, NULL, NULL, 0),
	    PC_ERR_INVALID_ARGUMENT);
	assert_null(w.dir[PACKET_TX].cipher);
	/* An AEAD cipher ignores one. */
	assert_int_equal(packet_set_keys(&w, PACKET_TX,
	    cipher_by_name("aes128-gcm@openssh.com"), key, iv,
	    mac_by_name("hmac-sha1"), key, 0), 0);
	assert_null(w.dir[PACKET_TX].mac);
	assert_int_equal(w.dir[PACKET_TX].authlen, 16);
	packet_clear(&w);
}

/* --------------------------------------------------- refused input */

/* A cleartext packet with the given fields, fed to a fresh reader. */
static int
read_crafted(uint32_t plen, uint8_t padlen, size_t have)
{
	struct packet r;
	const uint8_t *p;
	size_t n;
	int rv;

	memset(bigbuf, 0, sizeof(bigbuf));
	pc_put_u32(bigbuf, plen);
	bigbuf[4] = padlen;
	if (have > 5)
		bigbuf[5] = 94;		/* a message type */
	assert_true(have <= sizeof(bigbuf));
	packet_init(&r);
	assert_int_equal(packet_input(&r, bigbuf, have), 0);
	rv = packet_read(&r, &p, &n);
	if (rv == 0)
		assert_int_equal(n, plen - 1 - padlen);
	packet_clear(&r);
	return rv;
}

static void
test_refused_lengths(void **state)
{
	(void)state;
	/* Enough bytes to hold any of these whole. */
	assert_int_equal(read_crafted(0, 4, 64), PC_ERR_PACKET_TOO_LARGE);
	assert_int_equal(read_crafted(4, 4, 64), PC_ERR_PACKET_TOO_LARGE);
	assert_int_equal(read_crafted(PACKET_MAX_SIZE + 4, 4, 64),
	    PC_ERR_PACKET_TOO_LARGE);
	assert_int_equal(read_crafted(0xfffffffc, 4, 64),
	    PC_ERR_PACKET_TOO_LARGE);
	/* 4 + packet_length not a multiple of 8. */
	assert_int_equal(read_crafted(13, 4, 64), PC_ERR_BAD_PADDING);
	assert_int_equal(read_crafted(16, 4, 64), PC_ERR_BAD_PADDING);
	assert_int_equal(read_crafted(PACKET_MAX_SIZE, 4, 64),
	    PC_ERR_BAD_PADDING);
	/* The smallest and largest acceptable lengths. */
	assert_int_equal(read_crafted(12, 4, 16), 0);
	assert_int_equal(read_crafted(PACKET_MAX_SIZE - 4, 4,
	    PACKET_MAX_SIZE), 0);
	/* Truncated: not enough for the length, or for the body. */
	assert_int_equal(read_crafted(12, 4, 3), PC_ERR_AGAIN);
	assert_int_equal(read_crafted(12, 4, 15), PC_ERR_AGAIN);
	assert_int_equal(read_crafted(PACKET_MAX_SIZE - 4, 4,
	    PACKET_MAX_SIZE - 1), PC_ERR_AGAIN);
}

static void
test_refused_padding(void **state)
{
	(void)state;
	/* padding_length below 4 (RFC 4253 s. 6). */
	assert_int_equal(read_crafted(12, 3, 16), PC_ERR_BAD_PADDING);
	assert_int_equal(read_crafted(12, 0, 16), PC_ERR_BAD_PADDING);
	/* padding_length past the packet. */
	assert_int_equal(read_crafted(12, 12, 16), PC_ERR_BAD_PADDING);
	assert_int_equal(read_crafted(12, 255, 16), PC_ERR_BAD_PADDING);
	assert_int_equal(read_crafted(20, 20, 24), PC_ERR_BAD_PADDING);
	/* No payload at all, not even a message type. */
	assert_int_equal(read_crafted(12, 11, 16), PC_ERR_PROTOCOL);
	/* One byte of payload is the smallest message. */
	assert_int_equal(read_crafted(12, 10, 16), 0);
}

/* Craft an encrypted non-ETM packet whose first block says plen. */
static void
test_refused_length_encrypted(void **state)
{
	const struct cipher_alg *c = cipher_by_name("aes128-ctr");
	const struct mac_alg *m = mac_by_name("hmac-sha2-256");
	static const uint32_t bad[] = { 0, 4, 20, PACKET_MAX_SIZE + 16 };
	static const int want[] = { PC_ERR_PACKET_TOO_LARGE,
	    PC_ERR_PACKET_TOO_LARGE, PC_ERR_BAD_PADDING,
	    PC_ERR_PACKET_TOO_LARGE };
	uint8_t key[CIPHER_MAX_KEY_LEN], iv[CIPHER_MAX_IV_LEN];
	uint8_t mk[MAC_MAX_KEY_LEN], blk[64];
	struct cipher_ctx *cc;
	struct packet r;
	const uint8_t *p;
	size_t i, n;

	(void)state;
	fill(key, sizeof(key), 5);
	fill(iv, sizeof(iv), 6);
	fill(mk, sizeof(mk), 7);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		packet_init(&r);
		assert_int_equal(packet_set_keys(&r, PACKET_RX, c, key, iv,
		    m, mk, 0), 0);
		assert_int_equal(cipher_ctx_new(&cc, c, key,
		    cipher_key_len(c), iv, cipher_iv_len(c), CIPHER_ENCRYPT),
		    0);
		memset(blk, 0, sizeof(blk));
		pc_put_u32(blk, bad[i]);
		blk[4] = 4;
		assert_int_equal(cipher_crypt(cc, 0, blk, blk, sizeof(blk), 0,
		    0), 0);
		cipher_ctx_free(cc);
		/* Only the first block is needed to refuse it. */
		assert_int_equal(packet_input(&r, blk, 16), 0);
		assert_int_equal(packet_read(&r, &p, &n), want[i]);
		packet_clear(&r);
	}
}

/* Flip one bit at offset off (from the start, or from the end if
 * negative) of the next packet and read it. */
static int
read_tampered(const char *cname, const char *mname, long off)
{
	struct packet w, r;
	uint8_t payload[100], *o;
	const uint8_t *p;
	size_t olen, n;
	int rv;

	packet_init(&w);
	packet_init(&r);
	set_keys(&w, &r, cname, mname, 0, 42);
	fill(payload, sizeof(payload), 1);
	/* One good packet first, so the sequence number is not 0. */
	assert_int_equal(packet_write(&w, payload, sizeof(payload)), 0);
	move(&w, &r, 0);
	expect_payload(&r, payload, sizeof(payload));
	assert_int_equal(packet_write(&w, payload, sizeof(payload)), 0);
	o = (uint8_t *)packet_output_ptr(&w, &olen);
	o[off >= 0 ? (size_t)off : olen - (size_t)-off] ^= 0x10;
	move(&w, &r, 0);
	rv = packet_read(&r, &p, &n);
	if (rv != 0)
		assert_null(p);
	packet_clear(&w);
	packet_clear(&r);
	return rv;
}

static void
test_corrupt_mac(void **state)
{
	static const char *const ctr_macs[] = {
		"hmac-sha2-256", "hmac-sha2-256-etm@openssh.com",
		"hmac-sha1", "hmac-sha2-512-etm@openssh.com",
	};
	static const char *const aead[] = {
		"aes128-gcm@openssh.com", "chacha20-poly1305@openssh.com",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ctr_macs) / sizeof(ctr_macs[0]); i++) {
		/* In the tag, in the payload, in the padding. */
		assert_int_equal(read_tampered("aes128-ctr", ctr_macs[i], -1),
		    PC_ERR_MAC_INVALID);
		assert_int_equal(read_tampered("aes128-ctr", ctr_macs[i], 20),
		    PC_ERR_MAC_INVALID);
		assert_int_equal(read_tampered("aes256-ctr", ctr_macs[i],
		    -(long)mac_len(mac_by_name(ctr_macs[i])) - 1),
		    PC_ERR_MAC_INVALID);
	}
	for (i = 0; i < sizeof(aead) / sizeof(aead[0]); i++) {
		assert_int_equal(read_tampered(aead[i], NULL, -1),
		    PC_ERR_MAC_INVALID);
		assert_int_equal(read_tampered(aead[i], NULL, 20),
		    PC_ERR_MAC_INVALID);
	}
	/* A flip in GCM's clear length makes a larger, plausible length:
	 * the reader waits for more and returns nothing. */
	assert_int_equal(read_tampered("aes128-gcm@openssh.com", NULL, 2),
	    PC_ERR_AGAIN);
}

static void
test_write_refuses(void **state)
{
	static uint8_t payload[PACKET_MAX_PAYLOAD + 1];
	struct packet w, r;
	size_t olen;

	(void)state;
	packet_init(&w);
	packet_init(&r);
	assert_int_equal(packet_write(&w, payload, 0),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(packet_write(&w, payload, PACKET_MAX_PAYLOAD + 1),
	    PC_ERR_INVALID_ARGUMENT);
	/* Nothing was queued, and the sequence number did not move. */
	(void)packet_output_ptr(&w, &olen);
	assert_int_equal(olen, 0);
	assert_int_equal(w.dir[PACKET_TX].seqnr, 0);
	/* The largest payload goes, with keys too, and reads back. */
	set_keys(&w, &r, "aes256-ctr", "hmac-sha2-512", 0, 3);
	fill(payload, PACKET_MAX_PAYLOAD, 77);
	assert_int_equal(packet_write(&w, payload, PACKET_MAX_PAYLOAD), 0);
	move(&w, &r, 0);
	expect_payload(&r, payload, PACKET_MAX_PAYLOAD);
	packet_clear(&w);
	packet_clear(&r);
}

static void
test_sequence_numbers(void **state)
{
	static const char *const cm[][2] = {
		{ "aes128-ctr", "hmac-sha2-256" },
		{ "aes128-ctr", "hmac-sha2-256-etm@openssh.com" },
		{ "chacha20-poly1305@openssh.com", NULL },
		{ "aes256-gcm@openssh.com", NULL },
	};
	struct packet w, r;
	uint8_t payload[40];
	const uint8_t *p;
	size_t i, k, n;
	int rv;

	(void)state;
	fill(payload, sizeof(payload), 2);
	for (i = 0; i < sizeof(cm) / sizeof(cm[0]); i++) {
		packet_init(&w);
		packet_init(&r);
		/* Cleartext packets count (RFC 4253 s. 6.4). */
		for (k = 0; k < 3; k++) {
			assert_int_equal(packet_write(&w, payload, 10), 0);
			assert_int_equal(w.dir[PACKET_TX].seqnr, k + 1);
		}
		move(&w, &r, 0);
		for (k = 0; k < 3; k++)
			expect_payload(&r, payload, 10);
		assert_int_equal(r.dir[PACKET_RX].seqnr, 3);
		/* New keys do not reset them. */
		set_keys(&w, &r, cm[i][0], cm[i][1], 0, 11);
		assert_int_equal(w.dir[PACKET_TX].seqnr, 3);
		assert_int_equal(r.dir[PACKET_RX].seqnr, 3);
		assert_int_equal(packet_write(&w, payload, 20), 0);
		move(&w, &r, 0);
		expect_payload(&r, payload, 20);
		/* Reset on both sides (strict kex): still in step. */
		packet_reset_seqnr(&w, PACKET_TX);
		packet_reset_seqnr(&r, PACKET_RX);
		assert_int_equal(w.dir[PACKET_TX].seqnr, 0);
		assert_int_equal(packet_write(&w, payload, 20), 0);
		move(&w, &r, 0);
		expect_payload(&r, payload, 20);
		assert_int_equal(r.dir[PACKET_RX].seqnr, 1);
		/* Reset on the writer only: the MAC (or AEAD nonce) no
		 * longer matches. */
		packet_reset_seqnr(&w, PACKET_TX);
		assert_int_equal(packet_write(&w, payload, 20), 0);
		move(&w, &r, 0);
		rv = packet_read(&r, &p, &n);
		if (strcmp(cm[i][0], "chacha20-poly1305@openssh.com") == 0) {
			/* The length is encrypted under the sequence
			 * number too: it decrypts to garbage. */
			assert_true(rv == PC_ERR_PACKET_TOO_LARGE ||
			    rv == PC_ERR_BAD_PADDING);
		} else if (strncmp(cm[i][0], "aes256-gcm", 10) == 0) {
			/* RFC 5647 s. 7.1: GCM's nonce is its own
			 * invocation counter, not the sequence number. */
			assert_int_equal(rv, 0);
		} else
			assert_int_equal(rv, PC_ERR_MAC_INVALID);
		packet_clear(&w);
		packet_clear(&r);
	}
}

static void
test_sequence_wraps(void **state)
{
	struct packet w, r;
	uint8_t payload[20];
	size_t k;

	(void)state;
	fill(payload, sizeof(payload), 4);
	packet_init(&w);
	packet_init(&r);
	set_keys(&w, &r, "aes128-ctr", "hmac-sha2-256", 0, 12);
	/* RFC 4253 s. 6.4: wraps around to 0 after 2^32 - 1. */
	w.dir[PACKET_TX].seqnr = UINT32_MAX - 1;
	r.dir[PACKET_RX].seqnr = UINT32_MAX - 1;
	for (k = 0; k < 4; k++) {
		assert_int_equal(packet_write(&w, payload, sizeof(payload)),
		    0);
		move(&w, &r, 0);
		expect_payload(&r, payload, sizeof(payload));
	}
	assert_int_equal(w.dir[PACKET_TX].seqnr, 2);
	assert_int_equal(r.dir[PACKET_RX].seqnr, 2);
	packet_clear(&w);
	packet_clear(&r);
}

static void
test_need_rekey(void **state)
{
	static uint8_t payload[4096];
	struct packet w, r;
	size_t k;

	(void)state;
	packet_init(&w);
	packet_init(&r);
	/* No keys: never (there is nothing to rekey). */
	for (k = 0; k < 50; k++)
		assert_int_equal(packet_write(&w, payload, sizeof(payload)),
		    0);
	move(&w, &r, 0);
	for (k = 0; k < 50; k++)
		expect_payload(&r, payload, sizeof(payload));
	assert_false(packet_need_rekey(&w));
	assert_false(packet_need_rekey(&r));

	/* 1 KiB limit with 16-byte blocks: 64 blocks. */
	set_keys(&w, &r, "aes128-ctr", "hmac-sha2-256", 1024, 8);
	assert_int_equal(w.dir[PACKET_TX].max_blocks, 64);
	assert_false(packet_need_rekey(&w));
	/* 4 + 1 + 900 + padding = 912 bytes: 57 blocks, not yet. */
	assert_int_equal(packet_write(&w, payload, 900), 0);
	assert_int_equal(w.dir[PACKET_TX].blocks, 57);
	assert_false(packet_need_rekey(&w));
	move(&w, &r, 0);
	expect_payload(&r, payload, 900);
	assert_false(packet_need_rekey(&r));
	/* 4 + 1 + 100 + padding = 112 bytes: 7 more blocks, 64. */
	assert_int_equal(packet_write(&w, payload, 100), 0);
	assert_true(packet_need_rekey(&w));
	move(&w, &r, 0);
	expect_payload(&r, payload, 100);
	/* The receiving direction counts too. */
	assert_true(packet_need_rekey(&r));
	/* New keys start the count again. */
	set_keys(&w, &r, "aes128-ctr", "hmac-sha2-256", 1024, 9);
	assert_false(packet_need_rekey(&w));
	assert_false(packet_need_rekey(&r));
	assert_int_equal(w.dir[PACKET_TX].packets, 0);

	/* Default limits: 2^32 blocks for AES, 1 GiB for 8-byte blocks. */
	set_keys(&w, &r, "aes256-gcm@openssh.com", NULL, 0, 10);
	assert_int_equal(w.dir[PACKET_TX].max_blocks, 1ULL << 32);
	set_keys(&w, &r, "chacha20-poly1305@openssh.com", NULL, 0, 10);
	assert_int_equal(w.dir[PACKET_TX].max_blocks, (1ULL << 30) / 8);
	/* A RekeyLimit larger than the default does not raise it. */
	set_keys(&w, &r, "chacha20-poly1305@openssh.com", NULL, 1ULL << 40,
	    10);
	assert_int_equal(w.dir[PACKET_TX].max_blocks, (1ULL << 30) / 8);
	/* A tiny one still allows a block. */
	set_keys(&w, &r, "aes128-ctr", "hmac-sha1", 1, 10);
	assert_int_equal(w.dir[PACKET_TX].max_blocks, 1);
	for (k = 0; k < 10; k++) {
		assert_int_equal(packet_write(&w, payload, 10), 0);
		assert_true(packet_need_rekey(&w));
	}
	move(&w, &r, 0);
	for (k = 0; k < 10; k++)
		expect_payload(&r, payload, 10);
	packet_clear(&w);
	packet_clear(&r);
}

static void
test_input_cap(void **state)
{
	static uint8_t junk[PACKET_INPUT_MAX + 1];
	struct packet r;
	const uint8_t *p;
	size_t n;

	(void)state;
	packet_init(&r);
	assert_int_equal(packet_input_space(&r), PACKET_INPUT_MAX);
	assert_int_equal(packet_input(&r, junk, PACKET_INPUT_MAX + 1),
	    PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(packet_input_space(&r), PACKET_INPUT_MAX);
	assert_int_equal(packet_input(&r, junk, 1000), 0);
	assert_int_equal(packet_input_space(&r), PACKET_INPUT_MAX - 1000);
	assert_int_equal(packet_input(&r, junk, PACKET_INPUT_MAX - 1000), 0);
	assert_int_equal(packet_input_space(&r), 0);
	assert_int_equal(packet_input(&r, junk, 1), PC_ERR_NO_BUFFER_SPACE);
	packet_clear(&r);

	/* Room comes back only as packets are read (the last one returned
	 * stays until the next read). */
	packet_init(&r);
	memset(junk, 0, 32);
	pc_put_u32(junk, 12);
	junk[4] = 4;
	junk[5] = 2;
	pc_put_u32(junk + 16, 12);
	junk[20] = 4;
	junk[21] = 2;
	assert_int_equal(packet_input(&r, junk, 32), 0);
	assert_int_equal(packet_input_space(&r), PACKET_INPUT_MAX - 32);
	assert_int_equal(packet_read(&r, &p, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(packet_input_space(&r), PACKET_INPUT_MAX - 32);
	assert_int_equal(packet_read(&r, &p, &n), 0);
	assert_int_equal(packet_input_space(&r), PACKET_INPUT_MAX - 16);
	assert_int_equal(packet_read(&r, &p, &n), PC_ERR_AGAIN);
	assert_int_equal(packet_input_space(&r), PACKET_INPUT_MAX);
	packet_clear(&r);
}

static void
test_output_raw(void **state)
{
	struct packet w, r;
	const uint8_t *o;
	size_t olen;
	uint8_t b = 5;

	(void)state;
	packet_init(&w);
	packet_init(&r);
	/* The version line, then a packet, leave in one piece in order. */
	assert_int_equal(packet_output_raw(&w, "SSH-2.0-x\r\n", 11), 0);
	assert_int_equal(packet_write(&w, &b, 1), 0);
	o = packet_output_ptr(&w, &olen);
	assert_int_equal(olen, 11 + 16);
	assert_memory_equal(o, "SSH-2.0-x\r\n", 11);
	assert_int_equal(packet_output_consume(&w, 11), 0);
	move(&w, &r, 0);
	expect_payload(&r, &b, 1);
	assert_int_equal(packet_output_consume(&w, 1), PC_ERR_MSG_INCOMPLETE);
	packet_clear(&w);
	packet_clear(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_roundtrip),
		cmocka_unit_test(test_plain_bytewise),
		cmocka_unit_test(test_plain_random_chunks),
		cmocka_unit_test(test_keyed_padding),
		cmocka_unit_test(test_keyed_roundtrip),
		cmocka_unit_test(test_set_keys_args),
		cmocka_unit_test(test_refused_lengths),
		cmocka_unit_test(test_refused_padding),
		cmocka_unit_test(test_refused_length_encrypted),
		cmocka_unit_test(test_corrupt_mac),
		cmocka_unit_test(test_write_refuses),
		cmocka_unit_test(test_sequence_numbers),
		cmocka_unit_test(test_sequence_wraps),
		cmocka_unit_test(test_need_rekey),
		cmocka_unit_test(test_input_cap),
		cmocka_unit_test(test_output_raw),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
