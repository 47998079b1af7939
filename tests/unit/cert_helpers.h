/*
 * Helpers shared by tests/unit/test_cert.c and test_certcheck.c: reading
 * the fixtures of tests/data/certs/ (README there), and building
 * certificates field by field (PROTOCOL.certkeys), signed with a real CA
 * key, to make the malformed ones ssh-keygen will not write.
 *
 * Included by one test program each (static functions, cmocka asserts).
 */
#ifndef PC_TEST_CERT_HELPERS_H
#define PC_TEST_CERT_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "cert.h"
#include "key.h"
#include "wbuf.h"

#define CERTDIR	"tests/data/certs/"

static uint8_t *
ch_read_file(const char *name, size_t *lenp)
{
	char path[256];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), CERTDIR "%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*lenp = (size_t)n;
	return buf;
}

/* A .pub or -cert.pub file: name without the suffix. */
static struct pc_key *
ch_load_pub(const char *name, const char *suffix)
{
	char file[128];
	struct pc_key *k = NULL;
	uint8_t *data;
	size_t len;

	snprintf(file, sizeof(file), "%s%s", name, suffix);
	data = ch_read_file(file, &len);
	assert_int_equal(key_from_public_line((char *)data, &k, NULL), 0);
	free(data);
	assert_non_null(k);
	return k;
}

static struct pc_key *
ch_load_cert(const char *stem)
{
	return ch_load_pub(stem, "-cert.pub");
}

static struct pc_key *
ch_load_private(const char *name)
{
	struct pc_key *k = NULL;
	uint8_t *data;
	size_t len;

	data = ch_read_file(name, &len);
	assert_int_equal(key_parse_private(data, len, &k, NULL), 0);
	free(data);
	assert_non_null(k);
	return k;
}

/* The blob in the base64 field of STEM-cert.pub; caller frees. */
static uint8_t *
ch_cert_blob(const char *stem, size_t *lenp)
{
	char file[128], *sp, *ep;
	uint8_t *data, *blob;
	size_t len, max;

	snprintf(file, sizeof(file), "%s-cert.pub", stem);
	data = ch_read_file(file, &len);
	sp = strchr((char *)data, ' ');
	assert_non_null(sp);
	sp++;
	ep = strpbrk(sp, " \n");
	assert_non_null(ep);
	max = base64_decoded_max((size_t)(ep - sp));
	blob = malloc(max);
	assert_non_null(blob);
	assert_int_equal(base64_decode(blob, max, lenp, sp,
	    (size_t)(ep - sp), 0), 0);
	free(data);
	return blob;
}

/* An option for the builder: value written as string(value), or as the
 * raw data field if raw. */
struct ch_opt {
	const char *name;
	const char *value;
	int raw;
};

struct ch_spec {
	const char *type_name;		/* NULL: the key's certificate name */
	const struct pc_key *key;	/* certified key */
	uint64_t serial;
	uint32_t type;
	const char *key_id;
	const char *const *principals;
	size_t nprincipals;
	uint64_t valid_after, valid_before;
	const struct ch_opt *crit;
	size_t ncrit;
	const struct ch_opt *ext;
	size_t next;
	const uint8_t *ca_blob;		/* NULL: the CA's own blob */
	size_t ca_bloblen;
	const char *sigalg;		/* NULL: the CA's default */
	const uint8_t *trailer;		/* appended after the signature */
	size_t trailerlen;
};

static void
ch_put_opts(struct wbuf *out, const struct ch_opt *o, size_t n)
{
	struct wbuf l, d;
	size_t i;

	wbuf_init(&l, 0);
	for (i = 0; i < n; i++) {
		wbuf_init(&d, 0);
		if (o[i].raw)
			assert_int_equal(wbuf_put(&d, o[i].value,
			    strlen(o[i].value)), 0);
		else
			assert_int_equal(wbuf_put_cstring(&d, o[i].value), 0);
		assert_int_equal(wbuf_put_cstring(&l, o[i].name), 0);
		assert_int_equal(wbuf_put_stringb(&l, &d), 0);
		wbuf_clear(&d);
	}
	assert_int_equal(wbuf_put_stringb(out, &l), 0);
	wbuf_clear(&l);
}

/* Build the certificate s describes, signed by ca, into out. */
static void
ch_build(const struct ch_spec *s, const struct pc_key *ca, struct wbuf *out)
{
	struct wbuf kb, cab, pl, sig;
	struct wbuf kv;
	uint8_t nonce[32];
	size_t i;

	memset(nonce, 0x5a, sizeof(nonce));
	wbuf_init(&kb, 0);
	wbuf_init(&cab, 0);
	wbuf_init(&pl, 0);
	wbuf_init(&sig, 0);
	assert_int_equal(wbuf_put_cstring(out, s->type_name != NULL ?
	    s->type_name : key_type_cert_name(key_get_type(s->key))), 0);
	assert_int_equal(wbuf_put_string(out, nonce, sizeof(nonce)), 0);
	/* The key's public fields: its plain blob after the name. */
	assert_int_equal(key_to_blob(s->key, &kb), 0);
	wbuf_init_const(&kv, wbuf_ptr(&kb), wbuf_len(&kb));
	assert_int_equal(wbuf_get_string_direct(&kv, NULL, NULL), 0);
	assert_int_equal(wbuf_put(out, wbuf_ptr(&kv), wbuf_len(&kv)), 0);
	assert_int_equal(wbuf_put_u64(out, s->serial), 0);
	assert_int_equal(wbuf_put_u32(out, s->type), 0);
	assert_int_equal(wbuf_put_cstring(out, s->key_id), 0);
	for (i = 0; i < s->nprincipals; i++)
		assert_int_equal(wbuf_put_cstring(&pl, s->principals[i]), 0);
	assert_int_equal(wbuf_put_stringb(out, &pl), 0);
	assert_int_equal(wbuf_put_u64(out, s->valid_after), 0);
	assert_int_equal(wbuf_put_u64(out, s->valid_before), 0);
	ch_put_opts(out, s->crit, s->ncrit);
	ch_put_opts(out, s->ext, s->next);
	assert_int_equal(wbuf_put_string(out, NULL, 0), 0);	/* reserved */
	if (s->ca_blob != NULL) {
		assert_int_equal(wbuf_put_string(out, s->ca_blob,
		    s->ca_bloblen), 0);
	} else {
		assert_int_equal(key_to_blob(ca, &cab), 0);
		assert_int_equal(wbuf_put_stringb(out, &cab), 0);
	}
	assert_int_equal(key_sign(ca, s->sigalg, wbuf_ptr(out),
	    wbuf_len(out), &sig), 0);
	assert_int_equal(wbuf_put_stringb(out, &sig), 0);
	if (s->trailer != NULL)
		assert_int_equal(wbuf_put(out, s->trailer, s->trailerlen), 0);
	wbuf_clear(&kb);
	wbuf_clear(&cab);
	wbuf_clear(&pl);
	wbuf_clear(&sig);
}

/* A valid user certificate spec for key (ch_build adds the CA). */
static const char *const ch_alice[] = { "alice" };
static const struct ch_opt ch_std_ext[] = {
	{ "permit-X11-forwarding", "", 1 },
	{ "permit-pty", "", 1 },
};

static void
ch_spec_default(struct ch_spec *s, const struct pc_key *key)
{
	memset(s, 0, sizeof(*s));
	s->key = key;
	s->serial = 1;
	s->type = CERT_TYPE_USER;
	s->key_id = "built";
	s->principals = ch_alice;
	s->nprincipals = 1;
	s->valid_after = 0;
	s->valid_before = CERT_FOREVER;
	s->ext = ch_std_ext;
	s->next = 2;
}

#endif /* PC_TEST_CERT_HELPERS_H */
