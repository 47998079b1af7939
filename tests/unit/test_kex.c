/*
 * Unit tests for transport/kex.c: SSH_MSG_KEXINIT build and parse
 * (RFC 4253 s. 7.1) with every kind of malformed input, algorithm
 * negotiation (client preference, each list failing on its own, AEAD
 * without a MAC, strict kex and ext-info pseudo-algorithms, the guess
 * rule), the name-list helpers, and key derivation (RFC 4253 s. 7.2)
 * against an independent computation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cipher.h"
#include "digest.h"
#include "kex.h"
#include "mac.h"
#include "rand.h"
#include "ssh2.h"
#include "wbuf.h"

static int
setup(void **state)
{
	(void)state;
	return crypto_lib_init() == 0 ? 0 : -1;
}

/* A typical proposal; tests change single lists. */
static const char *const base[KEX_PROP_MAX] = {
	"curve25519-sha256,ecdh-sha2-nistp256",
	"ssh-ed25519,rsa-sha2-512",
	"aes128-ctr,aes256-gcm@openssh.com",
	"aes256-ctr,chacha20-poly1305@openssh.com",
	"hmac-sha2-256-etm@openssh.com,hmac-sha2-512",
	"hmac-sha2-512,hmac-sha1",
	"none,zlib@openssh.com",
	"none",
	"",
	"en-US",
};

/* ---------------------------------------------------------- KEXINIT */

static void
build(struct wbuf *b, const char *const lists[KEX_PROP_MAX])
{
	wbuf_init(b, 0);
	assert_int_equal(kexinit_build(b, lists), 0);
}

static void
assert_cleared(const struct kexinit *k)
{
	int i;

	for (i = 0; i < KEX_PROP_MAX; i++)
		assert_null(k->list[i]);
}

static void
test_kexinit_roundtrip(void **state)
{
	struct wbuf a, b;
	struct kexinit k;
	const uint8_t *p;
	size_t len, i, want;

	(void)state;
	build(&a, base);
	build(&b, base);
	p = wbuf_ptr(&a);
	len = wbuf_len(&a);
	/* type, cookie, ten strings, boolean, reserved uint32 */
	want = 1 + KEX_COOKIE_LEN + 1 + 4;
	for (i = 0; i < KEX_PROP_MAX; i++)
		want += 4 + strlen(base[i]);
	assert_int_equal(len, want);
	assert_int_equal(p[0], SSH2_MSG_KEXINIT);
	assert_int_equal(p[len - 5], 0);	/* first_kex_packet_follows */
	assert_int_equal(pc_get_u32(p + len - 4), 0);
	/* A fresh random cookie each time. */
	assert_memory_not_equal(p + 1, wbuf_ptr(&b) + 1, KEX_COOKIE_LEN);

	assert_int_equal(kexinit_parse(p, len, &k), 0);
	assert_memory_equal(k.cookie, p + 1, KEX_COOKIE_LEN);
	for (i = 0; i < KEX_PROP_MAX; i++) {
		assert_non_null(k.list[i]);
		assert_string_equal(k.list[i], base[i]);
	}
	assert_false(k.first_kex_follows);
	kexinit_clear(&k);
	assert_cleared(&k);
	kexinit_clear(&k);	/* twice is harmless */

	/* first_kex_packet_follows: any non-zero byte is TRUE, and the
	 * reserved field is ignored (RFC 4253 s. 7.1, RFC 4251 s. 5). */
	wbuf_mutable_ptr(&a)[len - 5] = 7;
	pc_put_u32(wbuf_mutable_ptr(&a) + len - 4, 0xdeadbeef);
	assert_int_equal(kexinit_parse(p, len, &k), 0);
	assert_true(k.first_kex_follows);
	kexinit_clear(&k);
	wbuf_clear(&a);
	wbuf_clear(&b);
}

static void
test_kexinit_wrong_type(void **state)
{
	struct wbuf a;
	struct kexinit k;
	uint8_t *p;

	(void)state;
	build(&a, base);
	p = wbuf_mutable_ptr(&a);
	p[0] = SSH2_MSG_NEWKEYS;
	assert_int_equal(kexinit_parse(p, wbuf_len(&a), &k),
	    PC_ERR_UNEXPECTED_MESSAGE);
	assert_cleared(&k);
	p[0] = 0;
	assert_int_equal(kexinit_parse(p, wbuf_len(&a), &k),
	    PC_ERR_UNEXPECTED_MESSAGE);
	/* Empty input. */
	assert_int_equal(kexinit_parse(p, 0, &k), PC_ERR_MSG_INCOMPLETE);
	assert_cleared(&k);
	wbuf_clear(&a);
}

static void
test_kexinit_truncated(void **state)
{
	struct wbuf a;
	struct kexinit k;
	size_t cut;
	int r;

	(void)state;
	build(&a, base);
	for (cut = 0; cut < wbuf_len(&a); cut++) {
		r = kexinit_parse(wbuf_ptr(&a), cut, &k);
		assert_int_equal(r, PC_ERR_MSG_INCOMPLETE);
		/* Nothing is left allocated on failure. */
		assert_cleared(&k);
	}
	wbuf_clear(&a);
}

static void
test_kexinit_trailing(void **state)
{
	struct wbuf a;
	struct kexinit k;

	(void)state;
	build(&a, base);
	assert_int_equal(wbuf_put_u8(&a, 0), 0);
	assert_int_equal(kexinit_parse(wbuf_ptr(&a), wbuf_len(&a), &k),
	    PC_ERR_TRAILING_DATA);
	assert_cleared(&k);
	wbuf_clear(&a);
}

static void
test_kexinit_bad_namelists(void **state)
{
	static const char *const bad[] = {
		"curve25519-sha256,",		/* trailing comma */
		",curve25519-sha256",		/* empty first name */
		"a,,b",				/* empty name */
		"curve25519 sha256",		/* space */
		"curve25519-sha256\t",		/* control character */
		"curve\x7f",			/* DEL */
		"caf\xc3\xa9",			/* not US-ASCII */
		",",
	};
	const char *lists[KEX_PROP_MAX];
	static char toolong[WBUF_MAX_NAME + 2];
	struct wbuf a;
	struct kexinit k;
	size_t i;
	int prop;

	(void)state;
	for (prop = 0; prop < KEX_PROP_MAX; prop++) {
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			memcpy(lists, base, sizeof(lists));
			lists[prop] = bad[i];
			build(&a, lists);
			assert_int_equal(kexinit_parse(wbuf_ptr(&a),
			    wbuf_len(&a), &k), PC_ERR_INVALID_FORMAT);
			assert_cleared(&k);
			wbuf_clear(&a);
		}
	}
	/* One name longer than RFC 4251 s. 6 allows (64 characters). */
	memset(toolong, 'x', WBUF_MAX_NAME + 1);
	memcpy(lists, base, sizeof(lists));
	lists[KEX_PROP_ENC_CTOS] = toolong;
	build(&a, lists);
	assert_int_equal(kexinit_parse(wbuf_ptr(&a), wbuf_len(&a), &k),
	    PC_ERR_INVALID_FORMAT);
	wbuf_clear(&a);
	/* 64 characters is fine. */
	toolong[WBUF_MAX_NAME] = '\0';
	build(&a, lists);
	assert_int_equal(kexinit_parse(wbuf_ptr(&a), wbuf_len(&a), &k), 0);
	assert_string_equal(k.list[KEX_PROP_ENC_CTOS], toolong);
	kexinit_clear(&k);
	wbuf_clear(&a);
}

static void
test_kexinit_oversized(void **state)
{
	static char huge[WBUF_MAX_NAMELIST + 2];
	const char *lists[KEX_PROP_MAX];
	struct wbuf a;
	struct kexinit k;
	size_t i;

	(void)state;
	/* A name-list over the byte cap, made of valid short names. */
	for (i = 0; i < WBUF_MAX_NAMELIST + 1; i++)
		huge[i] = i % 2 ? ',' : 'a';
	huge[WBUF_MAX_NAMELIST + 1] = '\0';
	memcpy(lists, base, sizeof(lists));
	lists[KEX_PROP_MAC_STOC] = huge;
	build(&a, lists);
	assert_int_equal(kexinit_parse(wbuf_ptr(&a), wbuf_len(&a), &k),
	    PC_ERR_STRING_TOO_LARGE);
	assert_cleared(&k);
	wbuf_clear(&a);
	/* More names than WBUF_MAX_NAMES, short enough in bytes. */
	for (i = 0; i < 2 * (WBUF_MAX_NAMES + 1) - 1; i++)
		huge[i] = i % 2 ? ',' : 'b';
	huge[i] = '\0';
	lists[KEX_PROP_MAC_STOC] = huge;
	build(&a, lists);
	assert_int_equal(kexinit_parse(wbuf_ptr(&a), wbuf_len(&a), &k),
	    PC_ERR_INVALID_FORMAT);
	wbuf_clear(&a);
	/* A string length that runs past the end, and a huge one. */
	build(&a, base);
	pc_put_u32(wbuf_mutable_ptr(&a) + 1 + KEX_COOKIE_LEN, 4000);
	assert_int_equal(kexinit_parse(wbuf_ptr(&a), wbuf_len(&a), &k),
	    PC_ERR_MSG_INCOMPLETE);
	assert_cleared(&k);
	pc_put_u32(wbuf_mutable_ptr(&a) + 1 + KEX_COOKIE_LEN, 0xffffffff);
	assert_int_not_equal(kexinit_parse(wbuf_ptr(&a), wbuf_len(&a), &k),
	    0);
	assert_cleared(&k);
	wbuf_clear(&a);
}

/* -------------------------------------------------------- negotiate */

static void
mk(struct kexinit *k, const char *const lists[KEX_PROP_MAX])
{
	int i;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < KEX_PROP_MAX; i++)
		assert_non_null(k->list[i] = strdup(lists[i]));
}

/* Negotiate base lists with one list of each side replaced. */
static int
nego(int prop, const char *cl, const char *sl, int initial,
    struct kex_choice *out, int *what)
{
	const char *c[KEX_PROP_MAX], *s[KEX_PROP_MAX];
	struct kexinit ck, sk;
	int r;

	memcpy(c, base, sizeof(c));
	memcpy(s, base, sizeof(s));
	if (prop >= 0) {
		c[prop] = cl;
		s[prop] = sl;
	}
	mk(&ck, c);
	mk(&sk, s);
	r = kex_negotiate(&ck, &sk, initial, out, what);
	kexinit_clear(&ck);
	kexinit_clear(&sk);
	return r;
}

static void
test_negotiate_client_preference(void **state)
{
	struct kex_choice ch;
	int what = 99;

	(void)state;
	assert_int_equal(nego(-1, NULL, NULL, 1, &ch, &what), 0);
	assert_int_equal(what, -1);
	assert_string_equal(ch.kex->name, "curve25519-sha256");
	assert_string_equal(ch.hostkey_alg, "ssh-ed25519");
	assert_string_equal(cipher_name(ch.enc[KEX_CTOS]), "aes128-ctr");
	assert_string_equal(cipher_name(ch.enc[KEX_STOC]), "aes256-ctr");
	assert_string_equal(mac_name(ch.mac[KEX_CTOS]),
	    "hmac-sha2-256-etm@openssh.com");
	assert_string_equal(mac_name(ch.mac[KEX_STOC]), "hmac-sha2-512");
	assert_false(ch.guess_wrong);

	/* The first of the client's names the server has, whatever the
	 * server's order (RFC 4253 s. 7.1). */
	assert_int_equal(nego(KEX_PROP_KEX,
	    "ecdh-sha2-nistp384,ecdh-sha2-nistp256,curve25519-sha256",
	    "curve25519-sha256,ecdh-sha2-nistp256", 1, &ch, &what), 0);
	assert_string_equal(ch.kex->name, "ecdh-sha2-nistp256");
	assert_int_equal(nego(KEX_PROP_HOSTKEY,
	    "rsa-sha2-256,ecdsa-sha2-nistp256,ssh-ed25519",
	    "ssh-ed25519,ecdsa-sha2-nistp256", 1, &ch, &what), 0);
	assert_string_equal(ch.hostkey_alg, "ecdsa-sha2-nistp256");
	assert_int_equal(nego(KEX_PROP_ENC_STOC,
	    "aes192-ctr,aes128-ctr", "aes128-ctr,aes192-ctr", 1, &ch,
	    &what), 0);
	assert_string_equal(cipher_name(ch.enc[KEX_STOC]), "aes192-ctr");
	assert_string_equal(cipher_name(ch.enc[KEX_CTOS]), "aes128-ctr");
	assert_int_equal(nego(KEX_PROP_MAC_CTOS,
	    "hmac-sha1,hmac-sha2-512", "hmac-sha2-512,hmac-sha1", 1, &ch,
	    &what), 0);
	assert_string_equal(mac_name(ch.mac[KEX_CTOS]), "hmac-sha1");
	/* The language lists do not have to agree. */
	assert_int_equal(nego(KEX_PROP_LANG_CTOS, "fr", "de", 1, &ch, &what),
	    0);
}

static void
test_negotiate_no_match(void **state)
{
	static const struct {
		int prop;
		const char *c, *s, *desc;
	} cases[] = {
		{ KEX_PROP_KEX, "ecdh-sha2-nistp521", "curve25519-sha256",
		    "key exchange method" },
		/* Common but not implemented. */
		{ KEX_PROP_KEX, "sntrup-foo@example.com",
		    "sntrup-foo@example.com", "key exchange method" },
		{ KEX_PROP_KEX, "", "curve25519-sha256",
		    "key exchange method" },
		{ KEX_PROP_HOSTKEY, "ssh-rsa", "ssh-ed25519",
		    "host key type" },
		{ KEX_PROP_HOSTKEY, "ssh-ed25519", "", "host key type" },
		{ KEX_PROP_ENC_CTOS, "aes128-ctr", "aes256-ctr", "cipher" },
		{ KEX_PROP_ENC_STOC, "aes128-cbc", "aes128-cbc", "cipher" },
		{ KEX_PROP_ENC_STOC, "aes128-ctr2", "aes128-ctr", "cipher" },
		{ KEX_PROP_MAC_CTOS, "hmac-md5", "hmac-sha1", "MAC" },
		{ KEX_PROP_MAC_STOC, "hmac-sha2-256",
		    "hmac-sha2-256-etm@openssh.com", "MAC" },
		{ KEX_PROP_COMP_CTOS, "zlib@openssh.com", "none",
		    "compression method" },
		/* zlib is agreed on, but only "none" is implemented. */
		{ KEX_PROP_COMP_STOC, "zlib", "zlib,none",
		    "compression method" },
		{ KEX_PROP_COMP_STOC, "none", "", "compression method" },
	};
	struct kex_choice ch;
	size_t i;
	int what;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		what = -1;
		assert_int_equal(nego(cases[i].prop, cases[i].c, cases[i].s, 1,
		    &ch, &what), PC_ERR_NO_ALGORITHM_MATCH);
		assert_int_equal(what, cases[i].prop);
		assert_string_equal(kex_proposal_desc(what), cases[i].desc);
	}
	assert_string_equal(kex_proposal_desc(-1), "algorithm");
	assert_string_equal(kex_proposal_desc(KEX_PROP_LANG_CTOS),
	    "algorithm");
	assert_string_equal(kex_proposal_desc(KEX_PROP_MAX), "algorithm");
}

static void
test_negotiate_aead_skips_mac(void **state)
{
	const char *c[KEX_PROP_MAX], *s[KEX_PROP_MAX];
	struct kexinit ck, sk;
	struct kex_choice ch;
	int what;

	(void)state;
	memcpy(c, base, sizeof(c));
	memcpy(s, base, sizeof(s));
	c[KEX_PROP_ENC_CTOS] = c[KEX_PROP_ENC_STOC] =
	    "aes256-gcm@openssh.com,aes128-ctr";
	s[KEX_PROP_ENC_CTOS] = s[KEX_PROP_ENC_STOC] =
	    "aes128-ctr,aes256-gcm@openssh.com";
	/* MAC lists with nothing in common. */
	c[KEX_PROP_MAC_CTOS] = c[KEX_PROP_MAC_STOC] = "hmac-sha1";
	s[KEX_PROP_MAC_CTOS] = s[KEX_PROP_MAC_STOC] = "hmac-sha2-512";
	mk(&ck, c);
	mk(&sk, s);
	assert_int_equal(kex_negotiate(&ck, &sk, 1, &ch, &what), 0);
	assert_string_equal(cipher_name(ch.enc[KEX_CTOS]),
	    "aes256-gcm@openssh.com");
	assert_null(ch.mac[KEX_CTOS]);
	assert_null(ch.mac[KEX_STOC]);
	kexinit_clear(&ck);
	kexinit_clear(&sk);

	/* AEAD one way only: the other direction still needs a MAC. */
	c[KEX_PROP_ENC_STOC] = "aes128-ctr";
	mk(&ck, c);
	mk(&sk, s);
	assert_int_equal(kex_negotiate(&ck, &sk, 1, &ch, &what),
	    PC_ERR_NO_ALGORITHM_MATCH);
	assert_int_equal(what, KEX_PROP_MAC_STOC);
	kexinit_clear(&ck);
	kexinit_clear(&sk);

	/* chacha20-poly1305 too, and an empty MAC list is fine with it. */
	c[KEX_PROP_ENC_STOC] = "chacha20-poly1305@openssh.com";
	s[KEX_PROP_ENC_STOC] = "chacha20-poly1305@openssh.com";
	c[KEX_PROP_MAC_STOC] = "";
	mk(&ck, c);
	mk(&sk, s);
	assert_int_equal(kex_negotiate(&ck, &sk, 1, &ch, &what), 0);
	assert_null(ch.mac[KEX_STOC]);
	kexinit_clear(&ck);
	kexinit_clear(&sk);
}

static void
test_negotiate_strict_and_ext_info(void **state)
{
	static const struct {
		const char *c, *s;
		int initial, strict, eic, eis;
	} cases[] = {
		{ "curve25519-sha256," KEX_STRICT_C,
		    "curve25519-sha256," KEX_STRICT_S, 1, 1, 0, 0 },
		/* Only in the first kex (PROTOCOL s. 1.10). */
		{ "curve25519-sha256," KEX_STRICT_C,
		    "curve25519-sha256," KEX_STRICT_S, 0, 0, 0, 0 },
		{ "curve25519-sha256," KEX_STRICT_C,
		    "curve25519-sha256", 1, 0, 0, 0 },
		{ "curve25519-sha256",
		    "curve25519-sha256," KEX_STRICT_S, 1, 0, 0, 0 },
		/* Each side's own marker, not the other's. */
		{ "curve25519-sha256," KEX_STRICT_S,
		    "curve25519-sha256," KEX_STRICT_C, 1, 0, 0, 0 },
		/* ext-info (RFC 8308 s. 2.1). */
		{ "curve25519-sha256," KEX_EXT_INFO_C "," KEX_STRICT_C,
		    "curve25519-sha256," KEX_EXT_INFO_S "," KEX_STRICT_S,
		    1, 1, 1, 1 },
		{ "curve25519-sha256," KEX_EXT_INFO_C,
		    "curve25519-sha256," KEX_EXT_INFO_S, 0, 0, 0, 0 },
		{ "curve25519-sha256," KEX_EXT_INFO_S,
		    "curve25519-sha256," KEX_EXT_INFO_C, 1, 0, 0, 0 },
		/* A name that merely starts like one does not count. */
		{ "curve25519-sha256,ext-info-c-x",
		    "curve25519-sha256,kex-strict-s-v00@openssh.comx",
		    1, 0, 0, 0 },
	};
	struct kex_choice ch;
	size_t i;
	int what;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(nego(KEX_PROP_KEX, cases[i].c, cases[i].s,
		    cases[i].initial, &ch, &what), 0);
		assert_string_equal(ch.kex->name, "curve25519-sha256");
		assert_int_equal(ch.strict, cases[i].strict);
		assert_int_equal(ch.ext_info_c, cases[i].eic);
		assert_int_equal(ch.ext_info_s, cases[i].eis);
	}
}

static void
test_negotiate_guess(void **state)
{
	const char *c[KEX_PROP_MAX], *s[KEX_PROP_MAX];
	struct kexinit ck, sk;
	struct kex_choice ch;
	int what;

	(void)state;
	memcpy(c, base, sizeof(c));
	memcpy(s, base, sizeof(s));
	/* Same first kex and host key algorithm: the guess is right, even
	 * with other lists and pseudo-algorithms differing. */
	c[KEX_PROP_KEX] = "curve25519-sha256," KEX_STRICT_C;
	s[KEX_PROP_KEX] = "curve25519-sha256,ecdh-sha2-nistp384";
	c[KEX_PROP_ENC_CTOS] = "aes256-ctr,aes128-ctr";
	mk(&ck, c);
	mk(&sk, s);
	assert_int_equal(kex_negotiate(&ck, &sk, 1, &ch, &what), 0);
	assert_false(ch.guess_wrong);
	kexinit_clear(&ck);
	kexinit_clear(&sk);

	/* Different first kex: wrong, though the agreed kex is the
	 * client's first. */
	s[KEX_PROP_KEX] = "ecdh-sha2-nistp384,curve25519-sha256";
	mk(&ck, c);
	mk(&sk, s);
	assert_int_equal(kex_negotiate(&ck, &sk, 1, &ch, &what), 0);
	assert_string_equal(ch.kex->name, "curve25519-sha256");
	assert_true(ch.guess_wrong);
	kexinit_clear(&ck);
	kexinit_clear(&sk);

	/* Same kex, different first host key algorithm: wrong. */
	s[KEX_PROP_KEX] = "curve25519-sha256";
	s[KEX_PROP_HOSTKEY] = "rsa-sha2-512,ssh-ed25519";
	mk(&ck, c);
	mk(&sk, s);
	assert_int_equal(kex_negotiate(&ck, &sk, 1, &ch, &what), 0);
	assert_string_equal(ch.hostkey_alg, "ssh-ed25519");
	assert_true(ch.guess_wrong);
	kexinit_clear(&ck);
	kexinit_clear(&sk);
}

/* ------------------------------------------------------- name-lists */

static void
test_match_list(void **state)
{
	char out[KEX_MAX_ALG_NAME], small[4];
	char longname[KEX_MAX_ALG_NAME + 8];

	(void)state;
	assert_int_equal(kex_match_list("a,b,c", "c,b", out, sizeof(out)),
	    0);
	assert_string_equal(out, "b");
	assert_int_equal(kex_match_list("", "a", out, sizeof(out)),
	    PC_ERR_NO_ALGORITHM_MATCH);
	assert_int_equal(kex_match_list("a", "", out, sizeof(out)),
	    PC_ERR_NO_ALGORITHM_MATCH);
	assert_int_equal(kex_match_list("", "", out, sizeof(out)),
	    PC_ERR_NO_ALGORITHM_MATCH);
	/* Whole names only, never prefixes. */
	assert_int_equal(kex_match_list("aes128-ctr2", "aes128-ctr", out,
	    sizeof(out)), PC_ERR_NO_ALGORITHM_MATCH);
	assert_int_equal(kex_match_list("aes128-ctr", "aes128-ctr2", out,
	    sizeof(out)), PC_ERR_NO_ALGORITHM_MATCH);
	assert_int_equal(kex_match_list("aes128", "aes128-ctr", out,
	    sizeof(out)), PC_ERR_NO_ALGORITHM_MATCH);
	assert_int_equal(kex_match_list("aes128-ctr2,aes128-ctr",
	    "aes128-ctr,aes128-ctr2x", out, sizeof(out)), 0);
	assert_string_equal(out, "aes128-ctr");
	assert_int_equal(kex_match_list("aes128-ctr", "aes128-ctr2,aes128-ctr",
	    out, sizeof(out)), 0);
	assert_string_equal(out, "aes128-ctr");
	/* Empty names never match. */
	assert_int_equal(kex_match_list("a,,b", ",b", out, sizeof(out)), 0);
	assert_string_equal(out, "b");
	assert_int_equal(kex_match_list(",", ",", out, sizeof(out)),
	    PC_ERR_NO_ALGORITHM_MATCH);
	/* An output too small for the match. */
	assert_int_equal(kex_match_list("abcd", "abcd", small, sizeof(small)),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(kex_match_list("abc", "abc", small, sizeof(small)),
	    0);
	assert_string_equal(small, "abc");
	/* Names too long to be algorithm names are passed over. */
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(kex_match_list(longname, longname, out, sizeof(out)),
	    PC_ERR_NO_ALGORITHM_MATCH);
}

static void
test_list_has(void **state)
{
	(void)state;
	assert_true(kex_list_has("aes128-ctr", "aes128-ctr"));
	assert_true(kex_list_has("x,aes128-ctr", "aes128-ctr"));
	assert_true(kex_list_has("aes128-ctr2,aes128-ctr,y", "aes128-ctr"));
	assert_false(kex_list_has("aes128-ctr2", "aes128-ctr"));
	assert_false(kex_list_has("aes128-ctr", "aes128-ctr2"));
	assert_false(kex_list_has("aes128-ct", "aes128-ctr"));
	assert_false(kex_list_has("aes128-ctr", "aes128-ct"));
	assert_false(kex_list_has("", "a"));
	assert_false(kex_list_has("", ""));
	assert_false(kex_list_has("a,b", "a,b"));
	assert_false(kex_list_has("xa,b", "a"));
	assert_true(kex_list_has(KEX_EXT_INFO_C "," KEX_STRICT_C,
	    KEX_STRICT_C));
}

/* ----------------------------------------------------- derivation */

/* RFC 4253 s. 7.2, written out: K1 = HASH(K || H || X || session_id),
 * Kn = HASH(K || H || K1 || ... || Kn-1). */
static void
reference_derive(enum digest_alg alg, const struct wbuf *K,
    const uint8_t *H, size_t Hlen, const uint8_t *sid, size_t sidlen,
    char letter, uint8_t *out, size_t need)
{
	struct wbuf acc, in;
	uint8_t blk[DIGEST_MAX_LEN];
	size_t hl = digest_len(alg);

	wbuf_init(&acc, 0);
	wbuf_init(&in, 0);
	assert_int_equal(wbuf_put(&in, wbuf_ptr(K), wbuf_len(K)), 0);
	assert_int_equal(wbuf_put(&in, H, Hlen), 0);
	assert_int_equal(wbuf_put_u8(&in, (uint8_t)letter), 0);
	assert_int_equal(wbuf_put(&in, sid, sidlen), 0);
	assert_int_equal(digest_memory(alg, wbuf_ptr(&in), wbuf_len(&in), blk,
	    sizeof(blk)), 0);
	assert_int_equal(wbuf_put(&acc, blk, hl), 0);
	while (wbuf_len(&acc) < need) {
		wbuf_reset(&in);
		assert_int_equal(wbuf_put(&in, wbuf_ptr(K), wbuf_len(K)), 0);
		assert_int_equal(wbuf_put(&in, H, Hlen), 0);
		assert_int_equal(wbuf_put(&in, wbuf_ptr(&acc), wbuf_len(&acc)),
		    0);
		assert_int_equal(digest_memory(alg, wbuf_ptr(&in),
		    wbuf_len(&in), blk, sizeof(blk)), 0);
		assert_int_equal(wbuf_put(&acc, blk, hl), 0);
	}
	memcpy(out, wbuf_ptr(&acc), need);
	wbuf_clear(&acc);
	wbuf_clear(&in);
}

static void
test_derive_key(void **state)
{
	static const struct {
		enum digest_alg alg;
		size_t need;
	} cases[] = {
		{ DIGEST_SHA256, 12 }, { DIGEST_SHA256, 16 },
		{ DIGEST_SHA256, 32 }, { DIGEST_SHA256, 33 },
		{ DIGEST_SHA256, 64 }, { DIGEST_SHA256, 100 },
		{ DIGEST_SHA1, 20 }, { DIGEST_SHA1, 64 },
		{ DIGEST_SHA384, 64 }, { DIGEST_SHA512, 64 },
		{ DIGEST_SHA512, 130 },
	};
	uint8_t mag[33], H[64], sid[32], got[160], want[160];
	struct wbuf K;
	size_t i;
	char letter;

	(void)state;
	/* K as the exchange hash encodes it: an mpint. */
	rand_bytes(mag, sizeof(mag));
	mag[0] |= 0x80;
	wbuf_init(&K, 0);
	assert_int_equal(wbuf_put_mpint(&K, mag, sizeof(mag)), 0);
	rand_bytes(H, sizeof(H));
	rand_bytes(sid, sizeof(sid));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t hl = digest_len(cases[i].alg);

		for (letter = 'A'; letter <= 'F'; letter++) {
			memset(got, 0xaa, sizeof(got));
			reference_derive(cases[i].alg, &K, H, hl, sid,
			    sizeof(sid), letter, want, cases[i].need);
			assert_int_equal(kex_derive_key(cases[i].alg,
			    wbuf_ptr(&K), wbuf_len(&K), H, hl, sid,
			    sizeof(sid), letter, got, cases[i].need), 0);
			assert_memory_equal(got, want, cases[i].need);
			/* Not a byte more is written. */
			assert_int_equal(got[cases[i].need], 0xaa);
		}
	}
	/* The letters give different keys; the session id matters. */
	assert_int_equal(kex_derive_key(DIGEST_SHA256, wbuf_ptr(&K),
	    wbuf_len(&K), H, 32, sid, sizeof(sid), 'C', got, 32), 0);
	assert_int_equal(kex_derive_key(DIGEST_SHA256, wbuf_ptr(&K),
	    wbuf_len(&K), H, 32, sid, sizeof(sid), 'D', want, 32), 0);
	assert_memory_not_equal(got, want, 32);
	assert_int_equal(kex_derive_key(DIGEST_SHA256, wbuf_ptr(&K),
	    wbuf_len(&K), H, 32, H, 32, 'C', want, 32), 0);
	assert_memory_not_equal(got, want, 32);
	/* Nothing needed, nothing written. */
	memset(got, 0x55, sizeof(got));
	assert_int_equal(kex_derive_key(DIGEST_SHA256, wbuf_ptr(&K),
	    wbuf_len(&K), H, 32, sid, sizeof(sid), 'A', got, 0), 0);
	assert_int_equal(got[0], 0x55);
	/* An unknown hash. */
	assert_int_equal(kex_derive_key(DIGEST_MAX_ALG, wbuf_ptr(&K),
	    wbuf_len(&K), H, 32, sid, sizeof(sid), 'A', got, 16),
	    PC_ERR_INVALID_ARGUMENT);
	wbuf_clear(&K);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kexinit_roundtrip),
		cmocka_unit_test(test_kexinit_wrong_type),
		cmocka_unit_test(test_kexinit_truncated),
		cmocka_unit_test(test_kexinit_trailing),
		cmocka_unit_test(test_kexinit_bad_namelists),
		cmocka_unit_test(test_kexinit_oversized),
		cmocka_unit_test(test_negotiate_client_preference),
		cmocka_unit_test(test_negotiate_no_match),
		cmocka_unit_test(test_negotiate_aead_skips_mac),
		cmocka_unit_test(test_negotiate_strict_and_ext_info),
		cmocka_unit_test(test_negotiate_guess),
		cmocka_unit_test(test_match_list),
		cmocka_unit_test(test_list_has),
		cmocka_unit_test(test_derive_key),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
