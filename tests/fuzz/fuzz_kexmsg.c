/*
 * libFuzzer target: the server's side of each key exchange method
 * (transport/kexmsg.c and the methods in crypto/kex*.c) after a valid
 * KEXINIT exchange.  Each input gets a fresh server struct tp offering one
 * method; the harness sends it a client's version line and KEXINIT, then
 * the input's messages, in clear as they are before NEWKEYS, and runs the
 * server after each.  The server must answer (REPLY, GEX_GROUP, NEWKEYS)
 * or fail with an error; what it sends is thrown away.
 *
 *   byte    method (mod the table below): curve25519, ECDH P-256/384/521,
 *           DH group exchange, DH groups 14/16/18, mlkem768x25519,
 *           sntrup761x25519
 *   byte    KEXINIT flags: 1 no strict kex, 2 first_kex_follows,
 *           4 another method first in the client's list (a wrong guess
 *           with 2)
 *   then    messages: uint16 length, the payload (message type first)
 *
 * The server's randomness is fixed (PC_FUZZ_FIXED_RANDOM, fuzzcheap.h) so
 * that a run depends on the input only; its ephemeral key is then fixed,
 * and everything the client's values go through (the checks, the shared
 * secret, the exchange hash, the host key signature) runs as in a real
 * exchange.
 *
 * Seeds: PC_FUZZ_WRITE_SEEDS=DIR (fuzzseed.h) records, for each method, the
 * kex messages a real client (struct tp, TP_CLIENT) sends to this server,
 * up to its NEWKEYS.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzcheap.h"
#include "fuzzseed.h"
#include "kex.h"
#include "kexalg.h"
#include "key.h"
#include "log.h"
#include "packet.h"
#include "rand.h"
#include "ssh2.h"
#include "transport.h"

#define MAX_MSGS	16

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static const char *const methods[] = {
	"curve25519-sha256",
	"ecdh-sha2-nistp256",
	"ecdh-sha2-nistp384",
	"ecdh-sha2-nistp521",
	"diffie-hellman-group-exchange-sha256",
	"diffie-hellman-group14-sha256",
	"diffie-hellman-group16-sha512",
	"diffie-hellman-group18-sha512",
	"mlkem768x25519-sha256",
	"sntrup761x25519-sha512",
};
#define NMETHODS	(sizeof(methods) / sizeof(methods[0]))

#define F_NO_STRICT	0x01
#define F_GUESS		0x02
#define F_OTHER_FIRST	0x04

static struct pc_key *hostkey;

static int
sign(void *arg, const struct pc_key *key, const char *sigalg,
    const uint8_t *p, size_t len, struct wbuf *sig)
{
	(void)arg;
	return key_sign(key, sigalg, p, len, sig);
}

static void
new_server(const char *method, struct tp **tp)
{
	struct tp_params sp;

	memset(&sp, 0, sizeof(sp));
	sp.role = TP_SERVER;
	sp.kex_algs = method;
	sp.hostkeys = &hostkey;
	sp.nhostkeys = 1;
	sp.sign = sign;
	if (tp_new(&sp, tp) != 0)
		abort();
}

/* Throw away what the server wrote. */
static void
discard(struct tp *t)
{
	size_t len;

	(void)tp_output_ptr(t, &len);
	if (len > 0 && tp_output_consume(t, len) != 0)
		abort();
}

/* Frame a payload in clear (before NEWKEYS) and give it to the server;
 * run it.  Returns non-zero once the server has failed. */
static int
feed(struct tp *t, struct packet *framer, const uint8_t *p, size_t len)
{
	const uint8_t *o, *m;
	size_t olen, mlen;
	int r;

	if (packet_write(framer, p, len) != 0)
		return 0;	/* empty payload: nothing to send */
	o = packet_output_ptr(framer, &olen);
	if (olen > tp_input_space(t))
		return 1;
	if (tp_input(t, o, olen) != 0 ||
	    packet_output_consume(framer, olen) != 0)
		abort();
	while ((r = tp_next(t, &m, &mlen)) == 0) {
		/* Nothing reaches the upper layer before the first NEWKEYS
		 * (RFC 4253 s. 7.1). */
		if (!tp_established(t))
			abort();
	}
	discard(t);
	return r != PC_ERR_AGAIN;
}

/* The client's KEXINIT for a method, as our client would send it. */
static void
client_kexinit(unsigned method, uint8_t flags, struct wbuf *out)
{
	const char *lists[KEX_PROP_MAX];
	char kex[256];

	snprintf(kex, sizeof(kex), "%s%s,%s%s",
	    (flags & F_OTHER_FIRST) ? (method == 0 ? "ecdh-sha2-nistp256," :
	    "curve25519-sha256,") : "", methods[method], KEX_EXT_INFO_C,
	    (flags & F_NO_STRICT) ? "" : "," KEX_STRICT_C);
	lists[KEX_PROP_KEX] = kex;
	lists[KEX_PROP_HOSTKEY] = key_sigalg_default_list();
	lists[KEX_PROP_ENC_CTOS] = lists[KEX_PROP_ENC_STOC] =
	    "chacha20-poly1305@openssh.com,aes128-ctr";
	lists[KEX_PROP_MAC_CTOS] = lists[KEX_PROP_MAC_STOC] =
	    "hmac-sha2-256-etm@openssh.com";
	lists[KEX_PROP_COMP_CTOS] = lists[KEX_PROP_COMP_STOC] = "none";
	lists[KEX_PROP_LANG_CTOS] = lists[KEX_PROP_LANG_STOC] = "";
	if (kexinit_build(out, lists) != 0)
		abort();
	/* boolean first_kex_packet_follows, uint32 0 (RFC 4253 s. 7.1) */
	if (flags & F_GUESS)
		wbuf_mutable_ptr(out)[wbuf_len(out) - 5] = 1;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char vline[] = "SSH-2.0-OpenSSH_9.6 fuzz\r\n";
	struct tp *t = NULL;
	struct packet framer;
	struct wbuf ki;
	unsigned method, i;
	size_t off = 2, n;
	int failed;

	if (len < 2)
		return 0;
	method = data[0] % NMETHODS;
	new_server(methods[method], &t);
	discard(t);
	packet_init(&framer);
	wbuf_init(&ki, 0);
	client_kexinit(method, data[1], &ki);
	if (tp_input(t, vline, sizeof(vline) - 1) != 0)
		abort();
	failed = feed(t, &framer, wbuf_ptr(&ki), wbuf_len(&ki));
	/* A valid KEXINIT for a method both sides have: negotiated. */
	if (failed || !tp_in_kex(t))
		abort();
	for (i = 0; i < MAX_MSGS && !failed && len - off >= 2; i++) {
		n = get16(data + off);
		off += 2;
		if (n > len - off)
			n = len - off;
		failed = feed(t, &framer, data + off, n);
		off += n;
	}
	wbuf_clear(&ki);
	packet_clear(&framer);
	tp_free(t);
	return 0;
}

/* ------------------------------------------------------------- seeds */

/*
 * Run a real client against a server like the one above and record the
 * client's kex messages (in clear up to and including its NEWKEYS).
 * The client's own randomness stays real: only the server's is fixed.
 */
static void
record(unsigned method, uint8_t flags, struct wbuf *seed)
{
	struct tp_params cp;
	struct tp *c = NULL, *s = NULL;
	struct packet reader;
	const uint8_t *o, *p, *m;
	size_t olen, plen, mlen, skip;
	int rounds, newkeys = 0, r;

	memset(&cp, 0, sizeof(cp));
	cp.role = TP_CLIENT;
	cp.kex_algs = methods[method];
	pc_fuzz_cheap = PC_FUZZ_FIXED_RANDOM;
	new_server(methods[method], &s);
	pc_fuzz_cheap = 0;
	if (tp_new(&cp, &c) != 0)
		abort();
	packet_init(&reader);
	/* The client's version line is not a packet. */
	o = tp_output_ptr(c, &olen);
	p = memchr(o, '\n', olen);
	if (p == NULL)
		abort();
	skip = (size_t)(p - o) + 1;
	fuzzseed_u8(seed, (uint8_t)method);
	fuzzseed_u8(seed, flags);
	for (rounds = 0; rounds < 100 && (!tp_established(c) || !newkeys);
	    rounds++) {
		/* client -> server, recording each packet in clear */
		o = tp_output_ptr(c, &olen);
		if (olen > 0) {
			if (!newkeys && packet_input(&reader, o + skip,
			    olen - skip) != 0)
				abort();
			skip = 0;
			if (tp_input(s, o, olen) != 0 ||
			    tp_output_consume(c, olen) != 0)
				abort();
		}
		while (!newkeys && packet_read(&reader, &p, &plen) == 0) {
			if (p[0] == SSH2_MSG_KEXINIT)
				continue;	/* the harness sends its own */
			fuzzseed_u16(seed, plen);
			fuzzseed_put(seed, p, plen);
			newkeys = p[0] == SSH2_MSG_NEWKEYS;
		}
		pc_fuzz_cheap = PC_FUZZ_FIXED_RANDOM;
		while ((r = tp_next(s, &m, &mlen)) == 0)
			;
		pc_fuzz_cheap = 0;
		if (r != PC_ERR_AGAIN)
			abort();
		o = tp_output_ptr(s, &olen);
		if (olen > 0 && (tp_input(c, o, olen) != 0 ||
		    tp_output_consume(s, olen) != 0))
			abort();
		while ((r = tp_next(c, &m, &mlen)) == 0)
			;
		if (r != PC_ERR_AGAIN)
			abort();
	}
	if (!tp_established(c) || !newkeys)
		abort();
	packet_clear(&reader);
	tp_free(c);
	tp_free(s);
}

static void
write_seeds(void)
{
	struct wbuf seed, guess;
	char name[96];
	size_t first;
	unsigned i;

	wbuf_init(&seed, 0);
	for (i = 0; i < NMETHODS; i++) {
		wbuf_reset(&seed);
		record(i, 0, &seed);
		snprintf(name, sizeof(name), "%s", methods[i]);
		fuzzseed_write(name, &seed);
	}
	/* Non-strict, with a wrong guess: the guessed packet (a copy of
	 * the INIT) is dropped, then the real exchange. */
	wbuf_reset(&seed);
	record(0, 0, &seed);
	wbuf_init(&guess, 0);
	fuzzseed_u8(&guess, 0);
	fuzzseed_u8(&guess, F_NO_STRICT | F_GUESS | F_OTHER_FIRST);
	first = 2 + get16(wbuf_ptr(&seed) + 2);
	fuzzseed_put(&guess, wbuf_ptr(&seed) + 2, first);
	fuzzseed_put(&guess, wbuf_ptr(&seed) + 2, wbuf_len(&seed) - 2);
	fuzzseed_write("curve25519_wrong_guess", &guess);
	wbuf_clear(&guess);
	wbuf_clear(&seed);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct log_settings ls = {
		.ident = "fuzz_kexmsg", .level = LOG_LEVEL_QUIET,
		.to_stderr = 1, .fd = -1,
	};

	(void)argc;
	(void)argv;
	log_init(&ls);
	if (crypto_lib_init() != 0 ||
	    key_generate(KEY_ED25519, 0, &hostkey) != 0)
		abort();
	if (fuzzseed_dir() != NULL)
		write_seeds();
	pc_fuzz_cheap = PC_FUZZ_FIXED_RANDOM;
	return 0;
}
