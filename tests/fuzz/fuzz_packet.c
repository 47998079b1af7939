/*
 * libFuzzer target: the binary packet protocol decoder (transport/packet.c,
 * RFC 4253 s. 6).  A writer and a reader struct packet share keys made
 * from fixed bytes; the input picks the keys and then feeds the reader,
 * which is drained with packet_read after every step.
 *
 * The first byte picks the keys (mod 5):
 *   0  none (before the first NEWKEYS)
 *   1  chacha20-poly1305@openssh.com (AEAD, encrypted length)
 *   2  aes128-gcm@openssh.com (AEAD, length in clear)
 *   3  aes128-ctr with hmac-sha2-256-etm@openssh.com (ETM)
 *   4  aes256-ctr with hmac-sha2-512 (MAC over the plaintext)
 * Then operations, each one byte then its arguments:
 *   0  raw bytes for the reader: uint16 length, the bytes (lengths,
 *      paddings and MACs that are wrong)
 *   1  a payload through packet_write: uint16 length, the bytes, then
 *      moved to the reader in chunks of (byte + 1) bytes
 *   2  a crafted packet: uint16 length, the plaintext packet (length
 *      field, padding length, payload, padding as the input has them),
 *      encrypted and authenticated with the writer's keys and sequence
 *      number, so that the reader's checks after decryption are reached
 *   3  like 1, with one bit flipped: uint16 offset, byte bit
 *   4  new keys on both sides (as after NEWKEYS): byte mode, byte
 *      whether the sequence numbers restart (strict kex)
 * A payload that went through packet_write on a stream with nothing else
 * in it must come out of packet_read unchanged: anything else aborts.
 *
 * Seeds: PC_FUZZ_WRITE_SEEDS=DIR (see fuzzseed.h) writes the payloads of
 * a real session's first messages in each mode.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cipher.h"
#include "fuzzseed.h"
#include "kex.h"
#include "kexalg.h"
#include "key.h"
#include "log.h"
#include "mac.h"
#include "packet.h"
#include "rand.h"
#include "ssh2.h"

#define MAX_OPS		64
#define NMODES		5
#define NEXPECT		64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static const struct {
	const char *cipher, *mac;
} modes[NMODES] = {
	{ NULL, NULL },
	{ "chacha20-poly1305@openssh.com", NULL },
	{ "aes128-gcm@openssh.com", NULL },
	{ "aes128-ctr", "hmac-sha2-256-etm@openssh.com" },
	{ "aes256-ctr", "hmac-sha2-512" },
};

struct state {
	struct packet w, r;
	int dead;		/* the reader failed: the connection is over */
	int clean;		/* only packet_write output so far */
	const uint8_t *expect[NEXPECT];	/* payloads still to come */
	size_t expect_len[NEXPECT];
	unsigned nexpect, next;
};

static void
set_keys(struct state *s, unsigned mode, uint8_t gen)
{
	const struct cipher_alg *c;
	const struct mac_alg *m = NULL;
	uint8_t key[CIPHER_MAX_KEY_LEN], iv[CIPHER_MAX_IV_LEN];
	uint8_t mk[MAC_MAX_KEY_LEN];
	size_t i;

	mode %= NMODES;
	if (modes[mode].cipher == NULL)
		return;		/* "none" stays until the first keys */
	if ((c = cipher_by_name(modes[mode].cipher)) == NULL ||
	    (modes[mode].mac != NULL &&
	    (m = mac_by_name(modes[mode].mac)) == NULL))
		abort();
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 3 + gen);
	for (i = 0; i < sizeof(iv); i++)
		iv[i] = (uint8_t)(i * 5 + gen + 1);
	for (i = 0; i < sizeof(mk); i++)
		mk[i] = (uint8_t)(i * 7 + gen + 2);
	if (packet_set_keys(&s->w, PACKET_TX, c, key, iv, m, mk, 0) != 0 ||
	    packet_set_keys(&s->r, PACKET_RX, c, key, iv, m, mk, 0) != 0)
		abort();
}

/* Read every packet the reader has; check the ones we know. */
static void
drain(struct state *s)
{
	const uint8_t *p;
	size_t n;
	int r;

	while (!s->dead) {
		r = packet_read(&s->r, &p, &n);
		if (r == PC_ERR_AGAIN)
			return;
		if (r != 0) {
			/* A stream of packet_write output never fails. */
			if (s->clean)
				abort();
			s->dead = 1;
			return;
		}
		if (n == 0 || n > PACKET_MAX_SIZE)
			abort();
		if (s->clean) {
			if (s->next >= s->nexpect ||
			    n != s->expect_len[s->next] ||
			    memcmp(p, s->expect[s->next], n) != 0)
				abort();
			s->next++;
		}
	}
}

/* Move the writer's output to the reader, chunk bytes at a time. */
static void
move(struct state *s, size_t chunk, size_t flip_at, uint8_t flip)
{
	const uint8_t *o;
	uint8_t *mut;
	size_t len, n, off = 0;

	o = packet_output_ptr(&s->w, &len);
	if (flip != 0 && flip_at < len) {
		/* The output buffer is ours to change before it is sent. */
		mut = (uint8_t *)(uintptr_t)o;
		mut[flip_at] ^= flip;
		s->clean = 0;
	}
	while (off < len && !s->dead) {
		n = len - off < chunk ? len - off : chunk;
		if (n > packet_input_space(&s->r)) {
			s->dead = 1;	/* the reader stops reading */
			break;
		}
		if (packet_input(&s->r, o + off, n) != 0)
			abort();
		off += n;
		drain(s);
	}
	if (packet_output_consume(&s->w, len) != 0)
		abort();
}

/* Encrypt and authenticate a plaintext packet as packet_write would. */
static void
crafted(struct state *s, const uint8_t *pt, size_t len)
{
	struct packet_dir *d = &s->w.dir[PACKET_TX];
	size_t total;
	uint8_t *p;
	int r = 0;

	/* Any length: the reader's checks decide, not the cipher's. */
	if (len < 4)
		return;
	total = len + (d->cipher != NULL ? d->authlen : 0);
	if (wbuf_reserve(&s->w.out, total, &p) != 0)
		abort();
	memcpy(p, pt, len);
	if (d->cipher == NULL) {
		/* in clear */
	} else if (d->mac == NULL) {
		r = cipher_crypt(d->cctx, d->seqnr, p, p, len - 4, 4,
		    d->authlen);
	} else if (mac_is_etm(d->mac)) {
		if ((r = cipher_crypt(d->cctx, d->seqnr, p, p, len - 4, 4,
		    0)) == 0)
			r = mac_compute(d->mctx, d->seqnr, p, len, p + len);
	} else {
		if ((r = mac_compute(d->mctx, d->seqnr, p, len,
		    p + len)) == 0)
			r = cipher_crypt(d->cctx, d->seqnr, p, p, len, 0, 0);
	}
	if (r != 0)
		abort();
	d->seqnr++;
	s->clean = 0;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int
run(const uint8_t *data, size_t len)
{
	struct state *s;
	size_t off = 1, n, ops;
	uint8_t op;

	if (len < 1)
		return 0;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		abort();
	packet_init(&s->w);
	packet_init(&s->r);
	s->clean = 1;
	set_keys(s, data[0], 0);
	for (ops = 0; ops < MAX_OPS && off < len && !s->dead; ops++) {
		op = data[off++] % 5;
		if (op == 4) {
			if (len - off < 2)
				break;
			/* Keys change only between packets: what the reader
			 * holds is under the old ones. */
			if (packet_input_space(&s->r) != PACKET_INPUT_MAX)
				s->clean = 0;
			set_keys(s, data[off], data[off] | 0x80);
			if (data[off + 1] & 1) {
				packet_reset_seqnr(&s->w, PACKET_TX);
				packet_reset_seqnr(&s->r, PACKET_RX);
			}
			off += 2;
			continue;
		}
		if (len - off < 2)
			break;
		n = get16(data + off);
		off += 2;
		if (n > len - off)
			n = len - off;
		if (op == 0) {
			if (n > packet_input_space(&s->r))
				break;
			if (packet_input(&s->r, data + off, n) != 0)
				abort();
			s->clean = 0;
			off += n;
			drain(s);
		} else if (op == 2) {
			crafted(s, data + off, n);
			off += n;
			move(s, n + MAC_MAX_LEN, 0, 0);
		} else {
			const uint8_t *payload = data + off;
			size_t chunk = SIZE_MAX, at = 0;
			uint8_t flip = 0;

			off += n;
			if (op == 1 && off < len)
				chunk = (size_t)data[off++] + 1;
			if (op == 3 && len - off >= 3) {
				at = get16(data + off);
				flip = (uint8_t)(1u << (data[off + 2] % 8));
				off += 3;
			}
			if (packet_write(&s->w, payload, n) != 0) {
				/* Only empty payloads are refused. */
				if (n != 0)
					abort();
				continue;
			}
			if (s->nexpect < NEXPECT) {
				s->expect[s->nexpect] = payload;
				s->expect_len[s->nexpect++] = n;
			} else
				s->clean = 0;
			move(s, chunk, at, flip);
		}
	}
	packet_clear(&s->w);
	packet_clear(&s->r);
	free(s);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	return run(data, len);
}

/* ------------------------------------------------------------- seeds */

static void
seed_payload(struct wbuf *b, const struct wbuf *payload, uint8_t chunk)
{
	fuzzseed_u8(b, 1);
	fuzzseed_u16(b, wbuf_len(payload));
	fuzzseed_put(b, wbuf_ptr(payload), wbuf_len(payload));
	fuzzseed_u8(b, chunk);
}

/* A client's first messages: KEXINIT, then, under keys, the service and
 * userauth requests, an IGNORE and a channel open. */
static void
write_seeds(void)
{
	const char *lists[KEX_PROP_MAX] = {
		kexalg_default_list(), key_sigalg_default_list(),
		cipher_default_list(), cipher_default_list(),
		mac_default_list(), mac_default_list(), "none", "none", "", "",
	};
	static const char *const names[NMODES] = {
		"none", "chacha", "gcm", "etm", "mac",
	};
	struct wbuf kexinit, m, b;
	char name[64];
	unsigned mode;
	uint8_t pt[64];

	wbuf_init(&kexinit, 0);
	wbuf_init(&m, 0);
	wbuf_init(&b, 0);
	if (kexinit_build(&kexinit, lists) != 0)
		abort();
	for (mode = 0; mode < NMODES; mode++) {
		wbuf_reset(&b);
		fuzzseed_u8(&b, (uint8_t)mode);
		seed_payload(&b, &kexinit, 255);
		wbuf_reset(&m);
		if (wbuf_put_u8(&m, SSH2_MSG_SERVICE_REQUEST) != 0 ||
		    wbuf_put_cstring(&m, "ssh-userauth") != 0)
			abort();
		seed_payload(&b, &m, 7);
		wbuf_reset(&m);
		if (wbuf_put_u8(&m, SSH2_MSG_USERAUTH_REQUEST) != 0 ||
		    wbuf_put_cstring(&m, "alice") != 0 ||
		    wbuf_put_cstring(&m, "ssh-connection") != 0 ||
		    wbuf_put_cstring(&m, "none") != 0)
			abort();
		seed_payload(&b, &m, 0);
		wbuf_reset(&m);
		if (wbuf_put_u8(&m, SSH2_MSG_IGNORE) != 0 ||
		    wbuf_put_string(&m, "0123456789abcdef", 16) != 0)
			abort();
		/* with a flipped bit: a MAC failure (or a bad length) */
		fuzzseed_u8(&b, 3);
		fuzzseed_u16(&b, wbuf_len(&m));
		fuzzseed_put(&b, wbuf_ptr(&m), wbuf_len(&m));
		fuzzseed_u16(&b, 9);
		fuzzseed_u8(&b, 2);
		snprintf(name, sizeof(name), "session_%s", names[mode]);
		fuzzseed_write(name, &b);

		/* A crafted packet with too little padding, then keys. */
		wbuf_reset(&b);
		fuzzseed_u8(&b, (uint8_t)mode);
		memset(pt, 0, sizeof(pt));
		pc_put_u32(pt, 28);
		pt[4] = 3;			/* padding below 4 */
		pt[5] = SSH2_MSG_IGNORE;
		fuzzseed_u8(&b, 2);
		fuzzseed_u16(&b, 32);
		fuzzseed_put(&b, pt, 32);
		fuzzseed_u8(&b, 4);
		fuzzseed_u8(&b, (uint8_t)(mode + 1));
		fuzzseed_u8(&b, 1);
		snprintf(name, sizeof(name), "crafted_%s", names[mode]);
		fuzzseed_write(name, &b);
	}
	/* A rekey between two payloads, chacha to etm. */
	wbuf_reset(&b);
	fuzzseed_u8(&b, 1);
	seed_payload(&b, &kexinit, 31);
	fuzzseed_u8(&b, 4);
	fuzzseed_u8(&b, 3);
	fuzzseed_u8(&b, 0);
	seed_payload(&b, &kexinit, 200);
	fuzzseed_write("rekey", &b);
	wbuf_clear(&kexinit);
	wbuf_clear(&m);
	wbuf_clear(&b);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct log_settings ls = {
		.ident = "fuzz_packet", .level = LOG_LEVEL_QUIET,
		.to_stderr = 1, .fd = -1,
	};

	(void)argc;
	(void)argv;
	log_init(&ls);
	if (crypto_lib_init() != 0)
		abort();
	if (fuzzseed_dir() != NULL)
		write_seeds();
	return 0;
}
