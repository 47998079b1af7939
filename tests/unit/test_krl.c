/*
 * auth/krl.c against KRLs made by OpenSSH's ssh-keygen and crafted by
 * tests/data/krl/craft.py (tests/data/krl/README says how).  The expected
 * outcome of every KRL for every key and certificate is what OpenSSH
 * 9.2p1 (Debian 12) said:
 *
 *	cd tests/data/krl && ./check-fixtures.sh
 *
 * (`ssh-keygen -Q -f KRL FILE.pub` for each pair; REFUSED: ssh-keygen could
 * not load the KRL).  Run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"
#include "key.h"
#include "krl.h"
#include "rand.h"
#include "wbuf.h"

#define FIXDIR	"tests/data/krl/"

/* Every key and certificate in FIXDIR. */
static const char *const pubs[] = {
	"c0-cert.pub", "c1-cert.pub", "c10-cert.pub", "c1000-cert.pub",
	"c100000-cert.pub", "c100001-cert.pub", "c15-cert.pub", "c2-cert.pub",
	"c20-cert.pub", "c200-cert.pub", "c21-cert.pub", "c3-cert.pub",
	"c4-cert.pub", "c5-cert.pub", "c6-cert.pub", "c64-cert.pub",
	"c65-cert.pub", "c7-cert.pub", "c8-cert.pub", "c9-cert.pub",
	"c999-cert.pub", "ca.pub", "ca2.pub", "cbob-cert.pub",
	"cmax-cert.pub", "ct.pub", "ct1-cert.pub", "cu.pub", "d3-cert.pub",
	"d5-cert.pub", "k_ec.pub", "k_ed.pub", "k_hash.pub", "k_plain.pub",
	"k_rsa.pub", "k_sha1.pub", "k_sha256.pub", "k_text.pub",
};

/* check-fixtures.sh output: the files each KRL revokes. */
static const struct outcome {
	const char *krl;
	const char *revoked;	/* space-separated, or "REFUSED" */
} outcomes[] = {
	{ "krl_bitmap.bin",
	    "c1-cert.pub c200-cert.pub c3-cert.pub c4-cert.pub "
	    "c6-cert.pub c64-cert.pub c8-cert.pub cmax-cert.pub" },
	{ "krl_ca.bin",
	    "c0-cert.pub c1-cert.pub c10-cert.pub c1000-cert.pub "
	    "c100000-cert.pub c100001-cert.pub c15-cert.pub c2-cert.pub "
	    "c20-cert.pub c200-cert.pub c21-cert.pub c3-cert.pub "
	    "c4-cert.pub c5-cert.pub c6-cert.pub c64-cert.pub "
	    "c65-cert.pub c7-cert.pub c8-cert.pub c9-cert.pub "
	    "c999-cert.pub ca.pub cbob-cert.pub cmax-cert.pub "
	    "ct1-cert.pub" },
	{ "krl_certkey.bin",
	    "c0-cert.pub c1-cert.pub c10-cert.pub c1000-cert.pub "
	    "c100000-cert.pub c100001-cert.pub c15-cert.pub c2-cert.pub "
	    "c20-cert.pub c200-cert.pub c21-cert.pub c3-cert.pub "
	    "c4-cert.pub c5-cert.pub c6-cert.pub c64-cert.pub "
	    "c65-cert.pub c7-cert.pub c8-cert.pub c9-cert.pub "
	    "c999-cert.pub cbob-cert.pub cmax-cert.pub cu.pub d3-cert.pub "
	    "d5-cert.pub" },
	{ "krl_empty.bin",
	    "" },
	{ "krl_id.bin",
	    "c7-cert.pub cbob-cert.pub" },
	{ "krl_keys.bin",
	    "k_ec.pub k_ed.pub k_rsa.pub" },
	{ "krl_range.bin",
	    "c10-cert.pub c1000-cert.pub c100000-cert.pub c15-cert.pub "
	    "c20-cert.pub" },
	{ "krl_serial.bin",
	    "c5-cert.pub" },
	{ "krl_sha1.bin",
	    "k_sha1.pub" },
	{ "krl_sha256.bin",
	    "k_hash.pub k_sha256.pub" },
	{ "krl_updated.bin",
	    "c5-cert.pub c8-cert.pub cbob-cert.pub k_plain.pub" },
	{ "krl_wild.bin",
	    "c3-cert.pub d3-cert.pub" },
	{ "crafted_badsig.bin",
	    "REFUSED" },
	{ "crafted_bitmap_negative.bin",
	    "REFUSED" },
	{ "crafted_bitmap_offset.bin",
	    "c64-cert.pub" },
	{ "crafted_bitmap_wrap.bin",
	    "REFUSED" },
	{ "crafted_bitmap_zero.bin",
	    "REFUSED" },
	{ "crafted_ca2_keyid.bin",
	    "d5-cert.pub" },
	{ "crafted_comment_nul.bin",
	    "REFUSED" },
	{ "crafted_explicit_garbage.bin",
	    "" },
	/* OpenSSH 9.2: REFUSED (no extension support); PROTOCOL.krl
	 * s. 5 and OpenSSH >= 9.4 skip a non-critical extension. */
	{ "crafted_extension_noncrit.bin",
	    "" },
	{ "crafted_keyid_nul.bin",
	    "REFUSED" },
	{ "crafted_overlap.bin",
	    "c10-cert.pub c15-cert.pub c20-cert.pub c21-cert.pub "
	    "c9-cert.pub cbob-cert.pub" },
	{ "crafted_range_inverted.bin",
	    "REFUSED" },
	{ "crafted_range_trailing.bin",
	    "REFUSED" },
	{ "crafted_range_zero.bin",
	    "REFUSED" },
	{ "crafted_serial0_list.bin",
	    "REFUSED" },
	{ "crafted_sha1_badlen.bin",
	    "REFUSED" },
	{ "crafted_sig_then_section.bin",
	    "REFUSED" },
	{ "crafted_signed.bin",
	    "c5-cert.pub" },
	{ "crafted_signed_revoked.bin",
	    "REFUSED" },
	{ "crafted_signed_twice.bin",
	    "REFUSED" },
	{ "crafted_unknown_section.bin",
	    "REFUSED" },
	{ "crafted_unknown_subsection.bin",
	    "REFUSED" },
	{ "crafted_version2.bin",
	    "REFUSED" },
	{ "crafted_wild_serial.bin",
	    "c3-cert.pub d3-cert.pub" },
};

/* A key or certificate from FIXDIR, split as revoked_check_* want it. */
struct fixkey {
	int is_cert;
	struct pc_key *key;	/* the plain key, or the certified key */
	struct pc_key *ca;	/* certificates: the signing CA */
	uint64_t serial;
	char *key_id;
};

static void
read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f;
	long n;

	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) >= 0);
	rewind(f);
	assert_non_null(*data = malloc((size_t)n + 1));
	assert_int_equal(fread(*data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
}

/*
 * A certificate blob (PROTOCOL.certkeys), parsed only as far as the test
 * needs: the certified key's fields, serial, key ID and signature key.
 */
static void
parse_cert(const uint8_t *blob, size_t len, struct fixkey *fk)
{
	struct wbuf b, plain;
	const uint8_t *name, *f, *ca;
	size_t nlen, flen, calen, i, nfields;
	uint64_t valid;
	uint32_t type;
	char base[64];

	wbuf_init_const(&b, blob, len);
	wbuf_init(&plain, 0);
	assert_int_equal(wbuf_get_string_direct(&b, &name, &nlen), 0);
	assert_true(nlen > 21 && nlen - 21 < sizeof(base));
	memcpy(base, name, nlen - 21);		/* "-cert-v01@openssh.com" */
	base[nlen - 21] = '\0';
	nfields = strcmp(base, "ssh-ed25519") == 0 ? 1 : 2;
	assert_int_equal(wbuf_get_string_direct(&b, NULL, NULL), 0); /* nonce */
	assert_int_equal(wbuf_put_cstring(&plain, base), 0);
	for (i = 0; i < nfields; i++) {
		assert_int_equal(wbuf_get_string_direct(&b, &f, &flen), 0);
		assert_int_equal(wbuf_put_string(&plain, f, flen), 0);
	}
	assert_int_equal(key_from_blob(wbuf_ptr(&plain), wbuf_len(&plain),
	    &fk->key), 0);
	assert_int_equal(wbuf_get_u64(&b, &fk->serial), 0);
	assert_int_equal(wbuf_get_u32(&b, &type), 0);
	assert_int_equal(wbuf_get_cstring(&b, &fk->key_id, NULL), 0);
	/* principals */
	assert_int_equal(wbuf_get_string_direct(&b, NULL, NULL), 0);
	assert_int_equal(wbuf_get_u64(&b, &valid), 0);		/* after */
	assert_int_equal(wbuf_get_u64(&b, &valid), 0);		/* before */
	for (i = 0; i < 3; i++)	/* options, extensions, reserved */
		assert_int_equal(wbuf_get_string_direct(&b, NULL, NULL), 0);
	assert_int_equal(wbuf_get_string_direct(&b, &ca, &calen), 0);
	assert_int_equal(key_from_blob(ca, calen, &fk->ca), 0);
	assert_int_equal(wbuf_get_string_direct(&b, NULL, NULL), 0);
	assert_int_equal(wbuf_get_end(&b), 0);
	wbuf_clear(&plain);
	fk->is_cert = 1;
}

static void
load_pub(const char *name, struct fixkey *fk)
{
	char path[256];
	uint8_t *data, *blob;
	char *line, *sp, *b64;
	size_t len, dlen;

	memset(fk, 0, sizeof(*fk));
	snprintf(path, sizeof(path), FIXDIR "%s", name);
	read_file(path, &data, &len);
	data[len] = '\0';
	line = (char *)data;
	if (strstr(name, "-cert.pub") == NULL) {
		assert_int_equal(key_from_public_line(line, &fk->key, NULL), 0);
		free(data);
		return;
	}
	assert_non_null(sp = strchr(line, ' '));
	b64 = sp + 1;
	assert_non_null(sp = strchr(b64, ' '));
	*sp = '\0';
	assert_non_null(blob = malloc(base64_decoded_max(strlen(b64))));
	assert_int_equal(base64_decode(blob, base64_decoded_max(strlen(b64)),
	    &dlen, b64, strlen(b64), 0), 0);
	parse_cert(blob, dlen, fk);
	free(blob);
	free(data);
}

static void
fixkey_clear(struct fixkey *fk)
{
	key_free(fk->key);
	key_free(fk->ca);
	free(fk->key_id);
	memset(fk, 0, sizeof(*fk));
}

static int
check(const struct revoked *r, const struct fixkey *fk)
{
	if (fk->is_cert)
		return revoked_check_cert(r, fk->serial, fk->key_id, fk->ca,
		    fk->key);
	return revoked_check_key(r, fk->key);
}

/* Is name a word of the space-separated list? */
static int
listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static int
parse_file(const char *name, struct revoked **rp)
{
	char path[256];
	uint8_t *data;
	size_t len;
	int r;

	snprintf(path, sizeof(path), FIXDIR "%s", name);
	read_file(path, &data, &len);
	r = revoked_parse(data, len, path, rp);
	free(data);
	return r;
}

/* Every key and certificate against r: revoked exactly if in expect. */
static void
check_all(const struct revoked *r, const char *what, const char *expect)
{
	struct fixkey fk;
	size_t i;
	int got, want, bad = 0;

	for (i = 0; i < sizeof(pubs) / sizeof(pubs[0]); i++) {
		load_pub(pubs[i], &fk);
		got = check(r, &fk);
		want = listed(expect, pubs[i]) ? PC_ERR_KEY_REVOKED : 0;
		if (got != want) {
			print_error("%s: %s: got %d, OpenSSH says %d\n", what,
			    pubs[i], got, want);
			bad++;
		}
		fixkey_clear(&fk);
	}
	assert_int_equal(bad, 0);
}

static void
test_openssh_outcomes(void **state)
{
	struct revoked *r;
	size_t i;
	int ret;

	(void)state;
	for (i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
		r = (struct revoked *)&r;	/* must be reset on error */
		ret = parse_file(outcomes[i].krl, &r);
		if (strcmp(outcomes[i].revoked, "REFUSED") == 0) {
			if (ret == 0)
				print_error("%s: accepted\n", outcomes[i].krl);
			assert_int_not_equal(ret, 0);
			assert_null(r);
			continue;
		}
		if (ret != 0)
			print_error("%s: %d\n", outcomes[i].krl, ret);
		assert_int_equal(ret, 0);
		assert_true(revoked_is_krl(r));
		check_all(r, outcomes[i].krl, outcomes[i].revoked);
		revoked_free(r);
	}
}

/*
 * Text lists, as sshd reads them (sshkey_check_revoked ->
 * sshkey_in_file(key, file, strict_type 0, check_ca 1)): a listed key is
 * revoked, and so is a certificate whose certified key (compared with
 * sshkey_equal_public) or whose CA is listed.  revoked.txt lists k_text
 * and the CA ca2 (so d3 and d5, signed by ca2); revoked_cert.txt lists
 * the certificate ct1, whose certified key is ct.
 */
static void
test_text_lists(void **state)
{
	struct revoked *r;

	(void)state;
	assert_int_equal(parse_file("revoked.txt", &r), 0);
	assert_false(revoked_is_krl(r));
	check_all(r, "revoked.txt",
	    "k_text.pub ca2.pub d3-cert.pub d5-cert.pub");
	revoked_free(r);
	assert_int_equal(parse_file("revoked_cert.txt", &r), 0);
	check_all(r, "revoked_cert.txt", "ct.pub ct1-cert.pub");
	revoked_free(r);
	/* An empty file revokes nothing. */
	assert_int_equal(revoked_parse((const uint8_t *)"", 0, "empty", &r),
	    0);
	check_all(r, "empty", "");
	revoked_free(r);
}

/* Offsets at which a KRL ends cleanly: after the header or a section. */
static int
krl_boundary(const uint8_t *d, size_t len, size_t at)
{
	size_t p = 8 + 4 + 8 + 8 + 8;
	int i;

	for (i = 0; i < 2; i++)		/* reserved, comment */
		p += 4 + pc_get_u32(d + p);
	if (at == p)
		return 1;
	while (p < len) {
		if (d[p] == 4) {	/* signature: two strings */
			p += 1 + 4 + pc_get_u32(d + p + 1);
			p += 4 + pc_get_u32(d + p);
		} else {
			p += 1 + 4 + pc_get_u32(d + p + 1);
		}
		if (at == p)
			return 1;
	}
	return 0;
}

/*
 * Every prefix of every KRL OpenSSH accepts: an error unless it ends at a
 * section boundary (then a shorter, valid KRL).  The empty prefix is an
 * empty text list; a prefix of the magic is a text line without a key.
 */
static void
test_truncated(void **state)
{
	struct revoked *r;
	uint8_t *data, *copy;
	char path[256];
	size_t i, len, cut, nvalid;
	int ret;

	(void)state;
	for (i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
		if (strcmp(outcomes[i].revoked, "REFUSED") == 0)
			continue;
		snprintf(path, sizeof(path), FIXDIR "%s", outcomes[i].krl);
		read_file(path, &data, &len);
		nvalid = 0;
		for (cut = 0; cut < len; cut++) {
			/* Exactly cut bytes, so ASan sees any over-read. */
			assert_non_null(copy = malloc(cut == 0 ? 1 : cut));
			memcpy(copy, data, cut);
			ret = revoked_parse(copy, cut, path, &r);
			free(copy);
			if (cut == 0 || krl_boundary(data, len, cut)) {
				assert_int_equal(ret, 0);
				nvalid++;
			} else {
				if (ret == 0)
					print_error("%s: cut at %zu parsed\n",
					    path, cut);
				assert_int_not_equal(ret, 0);
				assert_null(r);
			}
			revoked_free(ret == 0 ? r : NULL);
		}
		/* At least the empty prefix (krl_empty.bin is a bare
		 * header, so it has no shorter valid prefix). */
		assert_true(nvalid >= 1);
		free(data);
	}
}

/* KRL building for the negative tests (PROTOCOL.krl s. 1). */
static void
krl_header(struct wbuf *b)
{
	wbuf_init(b, 0);
	assert_int_equal(wbuf_put(b, "SSHKRL\n\0", 8), 0);
	assert_int_equal(wbuf_put_u32(b, 1), 0);
	assert_int_equal(wbuf_put_u64(b, 1), 0);
	assert_int_equal(wbuf_put_u64(b, 0), 0);
	assert_int_equal(wbuf_put_u64(b, 0), 0);
	assert_int_equal(wbuf_put_string(b, "", 0), 0);
	assert_int_equal(wbuf_put_cstring(b, "test"), 0);
}

static void
krl_section(struct wbuf *b, uint8_t type, const struct wbuf *body)
{
	assert_int_equal(wbuf_put_u8(b, type), 0);
	assert_int_equal(wbuf_put_stringb(b, body), 0);
}

/* A certificates section for the CA blob (may be empty) with one
 * subsection. */
static void
krl_certs(struct wbuf *b, const struct wbuf *ca, uint8_t sub,
    const struct wbuf *subbody)
{
	struct wbuf body;

	wbuf_init(&body, 0);
	assert_int_equal(wbuf_put_stringb(&body, ca), 0);
	assert_int_equal(wbuf_put_string(&body, "", 0), 0);
	assert_int_equal(wbuf_put_u8(&body, sub), 0);
	assert_int_equal(wbuf_put_stringb(&body, subbody), 0);
	krl_section(b, 1, &body);
	wbuf_clear(&body);
}

static int
parse_wbuf(const struct wbuf *b, struct revoked **rp)
{
	return revoked_parse(wbuf_ptr(b), wbuf_len(b), "test", rp);
}

static void
ca_blob(struct wbuf *out)
{
	struct fixkey fk;

	load_pub("ca.pub", &fk);
	wbuf_init(out, 0);
	assert_int_equal(key_to_blob(fk.key, out), 0);
	fixkey_clear(&fk);
}

static void
test_bad_magic_and_header(void **state)
{
	struct revoked *r;
	struct wbuf b;
	uint8_t *data;
	size_t len;

	(void)state;
	read_file(FIXDIR "krl_serial.bin", &data, &len);
	/* A wrong magic byte: then it is a text list, of binary junk. */
	data[7] = 1;
	assert_int_not_equal(revoked_parse(data, len, "x", &r), 0);
	data[7] = 0;
	data[0] = 's';
	assert_int_not_equal(revoked_parse(data, len, "x", &r), 0);
	data[0] = 'S';
	/* Trailing junk after the last section. */
	data[len] = 0x02;
	assert_int_equal(revoked_parse(data, len + 1, "x", &r),
	    PC_ERR_MSG_INCOMPLETE);
	free(data);
	/* Oversized lengths: comment, section, subsection. */
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put(&b, "SSHKRL\n\0", 8), 0);
	assert_int_equal(wbuf_put_u32(&b, 1), 0);
	assert_int_equal(wbuf_put(&b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
	    "\0\0\0\0\0\0\0\0", 24), 0);
	assert_int_equal(wbuf_put_string(&b, "", 0), 0);
	assert_int_equal(wbuf_put_u32(&b, 0xffffffff), 0);
	assert_int_equal(wbuf_put(&b, "abc", 3), 0);
	assert_int_equal(parse_wbuf(&b, &r), PC_ERR_MSG_INCOMPLETE);
	wbuf_clear(&b);
	krl_header(&b);
	assert_int_equal(wbuf_put_u8(&b, 2), 0);
	assert_int_equal(wbuf_put_u32(&b, 0xfffffff0), 0);
	assert_int_equal(parse_wbuf(&b, &r), PC_ERR_MSG_INCOMPLETE);
	wbuf_clear(&b);
	/* A file larger than the cap is refused before it is read. */
	assert_int_equal(revoked_parse((const uint8_t *)"SSHKRL\n",
	    (size_t)REVOKED_MAX_SIZE + 1, "x", &r), PC_ERR_NO_BUFFER_SPACE);
	assert_null(r);
}

/*
 * Serial semantics beyond what ssh-keygen writes: serial 0 is never
 * revoked by serial (a range 1..2^64-1 leaves c0 alone), the largest
 * serial is, and a bitmap of the largest size (16384 bits plus a sign
 * byte) parses while one byte more does not.
 */
static void
test_serials(void **state)
{
	struct revoked *r;
	struct wbuf b, ca, sub;
	struct fixkey c0, cmax, c5;
	uint8_t bm[16384 / 8 + 2];

	(void)state;
	ca_blob(&ca);
	load_pub("c0-cert.pub", &c0);
	load_pub("cmax-cert.pub", &cmax);
	load_pub("c5-cert.pub", &c5);
	krl_header(&b);
	wbuf_init(&sub, 0);
	assert_int_equal(wbuf_put_u64(&sub, 1), 0);
	assert_int_equal(wbuf_put_u64(&sub, UINT64_MAX), 0);
	krl_certs(&b, &ca, 0x21, &sub);
	assert_int_equal(parse_wbuf(&b, &r), 0);
	assert_int_equal(check(r, &c0), 0);
	assert_int_equal(check(r, &cmax), PC_ERR_KEY_REVOKED);
	assert_int_equal(check(r, &c5), PC_ERR_KEY_REVOKED);
	revoked_free(r);
	wbuf_clear(&b);
	wbuf_clear(&sub);

	/* Bitmap: sign byte + 2048 bytes, bit 0 and bit 16383 set. */
	memset(bm, 0, sizeof(bm));
	bm[1] = 0x80;
	bm[2048] = 0x01;
	krl_header(&b);
	wbuf_init(&sub, 0);
	assert_int_equal(wbuf_put_u64(&sub, 5), 0);
	assert_int_equal(wbuf_put_string(&sub, bm, 2049), 0);
	krl_certs(&b, &ca, 0x22, &sub);
	assert_int_equal(parse_wbuf(&b, &r), 0);
	assert_int_equal(check(r, &c5), PC_ERR_KEY_REVOKED);
	assert_int_equal(check(r, &c0), 0);
	revoked_free(r);
	wbuf_clear(&b);
	wbuf_clear(&sub);
	/* One more byte is too large. */
	krl_header(&b);
	wbuf_init(&sub, 0);
	assert_int_equal(wbuf_put_u64(&sub, 5), 0);
	assert_int_equal(wbuf_put_string(&sub, bm, 2050), 0);
	krl_certs(&b, &ca, 0x22, &sub);
	assert_int_equal(parse_wbuf(&b, &r), PC_ERR_BIGNUM_TOO_LARGE);
	wbuf_clear(&b);
	wbuf_clear(&sub);
	/* A bitmap whose top bit is at 2^64 - 1 exactly is fine. */
	krl_header(&b);
	wbuf_init(&sub, 0);
	assert_int_equal(wbuf_put_u64(&sub, UINT64_MAX - 8), 0);
	assert_int_equal(wbuf_put_string(&sub, "\x01\x00", 2), 0);
	krl_certs(&b, &ca, 0x22, &sub);
	assert_int_equal(parse_wbuf(&b, &r), 0);
	assert_int_equal(check(r, &cmax), PC_ERR_KEY_REVOKED);
	assert_int_equal(check(r, &c5), 0);
	revoked_free(r);
	wbuf_clear(&b);
	wbuf_clear(&sub);
	wbuf_clear(&ca);
	fixkey_clear(&c0);
	fixkey_clear(&cmax);
	fixkey_clear(&c5);
}

/* Caps: entries in all, distinct CAs, signature sections. */
static void
test_caps(void **state)
{
	struct revoked *r;
	struct wbuf b, sub, ca;
	char name[32];
	size_t i;

	(void)state;
	/* REVOKED_MAX_ENTRIES key IDs parse; one more does not. */
	wbuf_init(&sub, 0);
	for (i = 0; i < REVOKED_MAX_ENTRIES; i++)
		assert_int_equal(wbuf_put_string(&sub, "", 0), 0);
	wbuf_init(&ca, 0);
	krl_header(&b);
	krl_certs(&b, &ca, 0x23, &sub);
	assert_int_equal(parse_wbuf(&b, &r), 0);
	revoked_free(r);
	wbuf_clear(&b);
	assert_int_equal(wbuf_put_string(&sub, "", 0), 0);
	krl_header(&b);
	krl_certs(&b, &ca, 0x23, &sub);
	assert_int_equal(parse_wbuf(&b, &r), PC_ERR_RANGE);
	assert_null(r);
	wbuf_clear(&b);
	wbuf_clear(&sub);

	/* REVOKED_MAX_CAS distinct CA keys (of a type we never accept,
	 * which still count), then one more. */
	krl_header(&b);
	wbuf_init(&sub, 0);
	assert_int_equal(wbuf_put_cstring(&sub, "id"), 0);
	for (i = 0; i <= REVOKED_MAX_CAS; i++) {
		if (i == REVOKED_MAX_CAS) {
			assert_int_equal(parse_wbuf(&b, &r), 0);
			revoked_free(r);
		}
		wbuf_reset(&ca);
		snprintf(name, sizeof(name), "unknown-%zu", i);
		assert_int_equal(wbuf_put_cstring(&ca, name), 0);
		krl_certs(&b, &ca, 0x23, &sub);
	}
	assert_int_equal(parse_wbuf(&b, &r), PC_ERR_RANGE);
	wbuf_clear(&b);
	wbuf_clear(&sub);
	wbuf_clear(&ca);
}

/* Malformed KRL fields that ssh-keygen never writes. */
static void
test_malformed_sections(void **state)
{
	struct revoked *r;
	struct wbuf b, sub, ca;

	(void)state;
	ca_blob(&ca);
	/* A serial list that is not a whole number of uint64s. */
	krl_header(&b);
	wbuf_init(&sub, 0);
	assert_int_equal(wbuf_put(&sub, "\0\0\0\0\0\0\0\1\0", 9), 0);
	krl_certs(&b, &ca, 0x20, &sub);
	assert_int_equal(parse_wbuf(&b, &r), PC_ERR_MSG_INCOMPLETE);
	wbuf_clear(&b);
	/* A critical extension. */
	wbuf_reset(&sub);
	assert_int_equal(wbuf_put_cstring(&sub, "x@example.com"), 0);
	assert_int_equal(wbuf_put_u8(&sub, 1), 0);
	assert_int_equal(wbuf_put_string(&sub, "", 0), 0);
	krl_header(&b);
	krl_section(&b, 255, &sub);
	assert_int_equal(parse_wbuf(&b, &r), PC_ERR_INVALID_FORMAT);
	wbuf_clear(&b);
	krl_header(&b);
	krl_certs(&b, &ca, 0x39, &sub);
	assert_int_equal(parse_wbuf(&b, &r), PC_ERR_INVALID_FORMAT);
	wbuf_clear(&b);
	/* Not critical: skipped, in both places. */
	wbuf_reset(&sub);
	assert_int_equal(wbuf_put_cstring(&sub, "x@example.com"), 0);
	assert_int_equal(wbuf_put_u8(&sub, 0), 0);
	assert_int_equal(wbuf_put_string(&sub, "data", 4), 0);
	krl_header(&b);
	krl_certs(&b, &ca, 0x39, &sub);
	krl_section(&b, 255, &sub);
	assert_int_equal(parse_wbuf(&b, &r), 0);
	revoked_free(r);
	wbuf_clear(&b);
	/* ... but not with trailing bytes in the extension section. */
	assert_int_equal(wbuf_put_u8(&sub, 0), 0);
	krl_header(&b);
	krl_section(&b, 255, &sub);
	assert_int_equal(parse_wbuf(&b, &r), PC_ERR_TRAILING_DATA);
	wbuf_clear(&b);
	/* A SHA-256 section with a 20-byte hash. */
	wbuf_reset(&sub);
	assert_int_equal(wbuf_put_string(&sub, "01234567890123456789", 20),
	    0);
	krl_header(&b);
	krl_section(&b, 5, &sub);
	assert_int_equal(parse_wbuf(&b, &r), PC_ERR_INVALID_FORMAT);
	wbuf_clear(&b);
	/* An invalid CA key of a known type. */
	wbuf_reset(&sub);
	assert_int_equal(wbuf_put_u64(&sub, 1), 0);
	wbuf_reset(&ca);
	assert_int_equal(wbuf_put_cstring(&ca, "ssh-ed25519"), 0);
	assert_int_equal(wbuf_put_string(&ca, "short", 5), 0);
	krl_header(&b);
	krl_certs(&b, &ca, 0x20, &sub);
	assert_int_not_equal(parse_wbuf(&b, &r), 0);
	wbuf_clear(&b);
	/* A certificates section without its reserved string. */
	wbuf_reset(&sub);
	assert_int_equal(wbuf_put_string(&sub, "", 0), 0);
	krl_header(&b);
	krl_section(&b, 1, &sub);
	assert_int_equal(parse_wbuf(&b, &r), PC_ERR_MSG_INCOMPLETE);
	wbuf_clear(&b);
	wbuf_clear(&sub);
	wbuf_clear(&ca);
}

static int
parse_text(const char *text, struct revoked **rp)
{
	return revoked_parse((const uint8_t *)text, strlen(text), "list",
	    rp);
}

/* "TYPE base64(blob)" for a blob built by hand. */
static char *
text_line(const char *type, const struct wbuf *blob)
{
	size_t n = base64_encoded_len(wbuf_len(blob), 0);
	char *line;

	assert_non_null(line = malloc(strlen(type) + n + 8));
	strcpy(line, type);
	strcat(line, " ");
	assert_int_equal(base64_encode(line + strlen(line), n + 1,
	    wbuf_ptr(blob), wbuf_len(blob), 0), 0);
	strcat(line, " c\n");
	return line;
}

static void
test_text_lines(void **state)
{
	struct revoked *r;
	struct fixkey ed, rsa;
	struct wbuf blob;
	uint8_t n[97];
	char *line, *big, buf[2048];
	const char *pub_ed = NULL;
	uint8_t *data;
	size_t len;

	(void)state;
	load_pub("k_ed.pub", &ed);
	load_pub("k_rsa.pub", &rsa);
	read_file(FIXDIR "k_ed.pub", &data, &len);
	data[len] = '\0';
	pub_ed = (const char *)data;

	/* CRLF, leading blanks, no final newline: all fine. */
	snprintf(buf, sizeof(buf), "# x\r\n\r\n \t%.*s", (int)(len - 1),
	    pub_ed);
	assert_int_equal(parse_text(buf, &r), 0);
	assert_int_equal(revoked_check_key(r, ed.key), PC_ERR_KEY_REVOKED);
	assert_int_equal(revoked_check_key(r, rsa.key), 0);
	revoked_free(r);

	/* Bad lines, each after a good one: the whole list is refused. */
	{
		static const char *const bad[] = {
			"ssh-ed25519\n",
			"ssh-ed25519 !!!!\n",
			"ssh-ed25519 AAAA\n",
			"foo-key AAAAB2Zvby1rZXk= c\n",
			"from=\"10.0.0.1\" ssh-ed25519 AAAA\n",
			"garbage\n",
		};
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(buf, sizeof(buf), "%s%s", pub_ed, bad[i]);
			r = (struct revoked *)&r;
			assert_int_not_equal(parse_text(buf, &r), 0);
			assert_null(r);
		}
	}
	/* A NUL inside a line. */
	memcpy(buf, pub_ed, len);
	buf[5] = '\0';
	assert_int_equal(revoked_parse((const uint8_t *)buf, len, "list", &r),
	    PC_ERR_INVALID_FORMAT);
	/* The blob's type must be the line's: an ed25519 blob as ssh-rsa. */
	snprintf(buf, sizeof(buf), "ssh-rsa%s", strchr(pub_ed, ' '));
	assert_int_equal(parse_text(buf, &r), PC_ERR_KEY_TYPE_UNKNOWN);
	/* An over-long line. */
	assert_non_null(big = malloc(REVOKED_MAX_LINE + 2));
	memset(big, ' ', REVOKED_MAX_LINE + 1);
	big[REVOKED_MAX_LINE + 1] = '\0';
	assert_int_equal(parse_text(big, &r), PC_ERR_STRING_TOO_LARGE);
	big[REVOKED_MAX_LINE] = '\0';	/* blank, at the limit: fine */
	assert_int_equal(parse_text(big, &r), 0);
	revoked_free(r);
	free(big);

	/* A well-formed ssh-dss line is skipped (never a key of ours). */
	wbuf_init(&blob, 0);
	assert_int_equal(wbuf_put_cstring(&blob, "ssh-dss"), 0);
	assert_int_equal(wbuf_put_string(&blob, "\x01", 1), 0);
	line = text_line("ssh-dss", &blob);
	assert_int_equal(parse_text(line, &r), 0);
	assert_int_equal(revoked_check_key(r, ed.key), 0);
	revoked_free(r);
	free(line);
	/* An RSA key under 1024 bits: skipped, as sshkey_in_file() does. */
	memset(n, 0xc3, sizeof(n));
	n[0] = 0;
	wbuf_reset(&blob);
	assert_int_equal(wbuf_put_cstring(&blob, "ssh-rsa"), 0);
	assert_int_equal(wbuf_put_string(&blob, "\x01\x00\x01", 3), 0);
	assert_int_equal(wbuf_put_string(&blob, n, sizeof(n)), 0);
	{
		struct pc_key *k = NULL;

		/* (key.c itself refuses it) */
		assert_int_not_equal(key_from_blob(wbuf_ptr(&blob),
		    wbuf_len(&blob), &k), 0);
	}
	line = text_line("ssh-rsa", &blob);
	assert_int_equal(parse_text(line, &r), 0);
	revoked_free(r);
	free(line);
	/* A broken ed25519 key is not skipped. */
	wbuf_reset(&blob);
	assert_int_equal(wbuf_put_cstring(&blob, "ssh-ed25519"), 0);
	assert_int_equal(wbuf_put_string(&blob, "\x01", 1), 0);
	line = text_line("ssh-ed25519", &blob);
	assert_int_not_equal(parse_text(line, &r), 0);
	free(line);
	/* A truncated certificate line. */
	wbuf_reset(&blob);
	assert_int_equal(wbuf_put_cstring(&blob,
	    "ssh-ed25519-cert-v01@openssh.com"), 0);
	assert_int_equal(wbuf_put_string(&blob, "nonce", 5), 0);
	line = text_line("ssh-ed25519-cert-v01@openssh.com", &blob);
	assert_int_equal(parse_text(line, &r), PC_ERR_MSG_INCOMPLETE);
	free(line);
	wbuf_clear(&blob);
	free(data);
	fixkey_clear(&ed);
	fixkey_clear(&rsa);
}

static void
test_args(void **state)
{
	struct revoked *r;
	struct fixkey c5;

	(void)state;
	assert_int_equal(revoked_parse(NULL, 1, "x", &r),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(revoked_parse((const uint8_t *)"", 0, "x", NULL),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(revoked_parse(NULL, 0, NULL, &r), 0);
	load_pub("c5-cert.pub", &c5);
	assert_int_equal(revoked_check_key(NULL, c5.key),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(revoked_check_key(r, NULL), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(revoked_check_cert(r, 5, NULL, c5.ca, c5.key),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(revoked_check_cert(r, 5, "x", NULL, c5.key),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(revoked_check_cert(r, 5, "x", c5.ca, c5.key), 0);
	assert_false(revoked_is_krl(NULL));
	revoked_free(r);
	revoked_free(NULL);
	fixkey_clear(&c5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openssh_outcomes),
		cmocka_unit_test(test_text_lists),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_magic_and_header),
		cmocka_unit_test(test_serials),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_malformed_sections),
		cmocka_unit_test(test_text_lines),
		cmocka_unit_test(test_args),
	};

	if (crypto_lib_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
