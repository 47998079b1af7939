/*
 * Known answers for signatures:
 *  - RFC 8032 s. 7.1 Ed25519 vectors (TEST 1, 2, 3 and SHA(abc)): the
 *    secret key, as an openssh-key-v1 file, gives the RFC's public key
 *    (the parser refuses a seed that does not), and key_sign gives the
 *    RFC's signature bytes;
 *  - interop: SSHSIG signatures that OpenSSH's `ssh-keygen -Y sign` made
 *    with the fixture keys (tests/data/keys/README), verified by key_verify
 *    over the signed data PROTOCOL.sshsig defines:
 *	"SSHSIG" || string namespace || string reserved || string hash_alg
 *	|| string H(message)
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
#include "digest.h"
#include "key.h"
#include "rand.h"
#include "wbuf.h"

#define FIXDIR	"tests/data/keys/"

static const struct {
	const char *name, *secret, *public, *message, *signature;
} rfc8032[] = {
	{ "TEST 1",
	    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	    "",
	    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
	},
	{ "TEST 2",
	    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	    "72",
	    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
	},
	{ "TEST 3",
	    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	    "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
	    "af82",
	    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	    "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
	},
	{ "TEST SHA(abc)",
	    "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
	    "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
	    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	    "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
	    "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"
	},
};

static size_t
unhex(const char *s, uint8_t *out, size_t outlen)
{
	size_t i, n = strlen(s) / 2;
	unsigned v;

	assert_int_equal(strlen(s) % 2, 0);
	assert_true(n <= outlen);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* An unencrypted openssh-key-v1 file (PROTOCOL.key) for an Ed25519 key
 * given as seed and public key, built field by field. */
static void
ed25519_file(const uint8_t *seed, const uint8_t *pk, struct wbuf *text)
{
	struct wbuf pub, priv, raw;
	uint8_t sk[64];
	char *b64;
	size_t elen, off;
	uint8_t pad = 1;

	memcpy(sk, seed, 32);
	memcpy(sk + 32, pk, 32);
	wbuf_init(&pub, 0);
	assert_int_equal(wbuf_put_cstring(&pub, "ssh-ed25519"), 0);
	assert_int_equal(wbuf_put_string(&pub, pk, 32), 0);
	wbuf_init(&priv, 0);
	assert_int_equal(wbuf_put_u32(&priv, 0x01020304), 0);
	assert_int_equal(wbuf_put_u32(&priv, 0x01020304), 0);
	assert_int_equal(wbuf_put_cstring(&priv, "ssh-ed25519"), 0);
	assert_int_equal(wbuf_put_string(&priv, pk, 32), 0);
	assert_int_equal(wbuf_put_string(&priv, sk, 64), 0);
	assert_int_equal(wbuf_put_cstring(&priv, "rfc8032"), 0);
	while (wbuf_len(&priv) % 8 != 0)
		assert_int_equal(wbuf_put_u8(&priv, pad++), 0);
	wbuf_init(&raw, 0);
	assert_int_equal(wbuf_put(&raw, "openssh-key-v1", 15), 0);
	assert_int_equal(wbuf_put_cstring(&raw, "none"), 0);
	assert_int_equal(wbuf_put_cstring(&raw, "none"), 0);
	assert_int_equal(wbuf_put_string(&raw, NULL, 0), 0);
	assert_int_equal(wbuf_put_u32(&raw, 1), 0);
	assert_int_equal(wbuf_put_stringb(&raw, &pub), 0);
	assert_int_equal(wbuf_put_stringb(&raw, &priv), 0);
	elen = base64_encoded_len(wbuf_len(&raw), 0);
	b64 = malloc(elen + 1);
	assert_non_null(b64);
	assert_int_equal(base64_encode(b64, elen + 1, wbuf_ptr(&raw),
	    wbuf_len(&raw), 0), 0);
	wbuf_init(text, 0);
	assert_int_equal(wbuf_put(text, "-----BEGIN OPENSSH PRIVATE KEY-----\n",
	    36), 0);
	for (off = 0; off < elen; off += 70) {
		assert_int_equal(wbuf_put(text, b64 + off,
		    elen - off < 70 ? elen - off : 70), 0);
		assert_int_equal(wbuf_put_u8(text, '\n'), 0);
	}
	assert_int_equal(wbuf_put(text, "-----END OPENSSH PRIVATE KEY-----\n",
	    34), 0);
	free(b64);
	wbuf_clear(&pub);
	wbuf_clear(&priv);
	wbuf_clear(&raw);
}

static void
test_rfc8032_ed25519(void **state)
{
	uint8_t seed[32], pk[32], wrongpk[32], msg[128], sig[64];
	struct wbuf text, blob, s, want;
	struct pc_key *k, *pub;
	char *comment;
	size_t i, msglen;

	(void)state;
	for (i = 0; i < sizeof(rfc8032) / sizeof(rfc8032[0]); i++) {
		unhex(rfc8032[i].secret, seed, sizeof(seed));
		unhex(rfc8032[i].public, pk, sizeof(pk));
		msglen = unhex(rfc8032[i].message, msg, sizeof(msg));
		unhex(rfc8032[i].signature, sig, sizeof(sig));

		/* secret -> public: the file parses only if the seed
		 * derives the public key stored next to it. */
		ed25519_file(seed, pk, &text);
		assert_int_equal(key_parse_private(wbuf_ptr(&text),
		    wbuf_len(&text), &k, &comment), 0);
		assert_string_equal(comment, "rfc8032");
		free(comment);
		wbuf_clear(&text);
		memcpy(wrongpk, pk, 32);
		wrongpk[0] ^= 1;
		ed25519_file(seed, wrongpk, &text);
		assert_int_not_equal(key_parse_private(wbuf_ptr(&text),
		    wbuf_len(&text), &pub, NULL), 0);
		wbuf_clear(&text);

		/* The public blob holds the RFC's public key. */
		wbuf_init(&blob, 0);
		assert_int_equal(key_to_blob(k, &blob), 0);
		assert_int_equal(wbuf_len(&blob), 4 + 11 + 4 + 32);
		assert_memory_equal(wbuf_ptr(&blob) + 19, pk, 32);

		/* Signing gives the RFC's signature, byte for byte
		 * (RFC 8709 s. 6: string "ssh-ed25519", string sig). */
		wbuf_init(&s, 0);
		assert_int_equal(key_sign(k, "ssh-ed25519", msg, msglen, &s),
		    0);
		wbuf_init(&want, 0);
		assert_int_equal(wbuf_put_cstring(&want, "ssh-ed25519"), 0);
		assert_int_equal(wbuf_put_string(&want, sig, 64), 0);
		assert_int_equal(wbuf_len(&s), wbuf_len(&want));
		assert_memory_equal(wbuf_ptr(&s), wbuf_ptr(&want),
		    wbuf_len(&want));

		/* The public key alone verifies the RFC signature. */
		assert_int_equal(key_from_blob(wbuf_ptr(&blob),
		    wbuf_len(&blob), &pub), 0);
		assert_int_equal(key_verify(pub, "ssh-ed25519", msg, msglen,
		    wbuf_ptr(&want), wbuf_len(&want)), 0);
		msg[msglen] = 0;
		assert_int_equal(key_verify(pub, "ssh-ed25519", msg,
		    msglen + 1, wbuf_ptr(&want), wbuf_len(&want)),
		    PC_ERR_SIGNATURE_INVALID);
		key_free(pub);
		wbuf_clear(&want);
		wbuf_clear(&s);
		wbuf_clear(&blob);
		key_free(k);
	}
}

static uint8_t *
read_file(const char *name, size_t *lenp)
{
	char path[256];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), FIXDIR "%s", name);
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

/* The binary inside "-----BEGIN SSH SIGNATURE-----" armour. */
static void
sshsig_dearmour(const char *file, struct wbuf *out)
{
	uint8_t *data, *dst;
	char *p, *nl, *b64;
	size_t len, n = 0, dlen;

	data = read_file(file, &len);
	b64 = malloc(len);
	assert_non_null(b64);
	p = (char *)data;
	assert_true(strncmp(p, "-----BEGIN SSH SIGNATURE-----\n", 30) == 0);
	for (p += 30; strncmp(p, "-----END SSH SIGNATURE-----", 27) != 0;
	    p = nl + 1) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		memcpy(b64 + n, p, (size_t)(nl - p));
		n += (size_t)(nl - p);
	}
	wbuf_init(out, 0);
	assert_int_equal(wbuf_reserve(out, base64_decoded_max(n), &dst), 0);
	assert_int_equal(base64_decode(dst, base64_decoded_max(n), &dlen,
	    b64, n, 0), 0);
	assert_int_equal(wbuf_consume_end(out, base64_decoded_max(n) - dlen),
	    0);
	free(b64);
	free(data);
}

static void
check_sshsig(const char *keyfile, const char *sigfile, const char *want_alg)
{
	struct wbuf raw, signed_data, publine;
	const uint8_t *pubblob, *ns, *reserved, *hashalg, *sig;
	size_t publen, nslen, reservedlen, hashalglen, siglen, msglen, n;
	uint8_t magic[6], h[DIGEST_MAX_LEN], *msg, *bad;
	uint32_t version;
	struct pc_key *k, *fixture;
	char pubname[64], *alg;
	uint8_t *pubtext;
	struct wbuf sv;

	sshsig_dearmour(sigfile, &raw);
	/* PROTOCOL.sshsig s. 2: the signature blob. */
	assert_int_equal(wbuf_get(&raw, magic, sizeof(magic)), 0);
	assert_memory_equal(magic, "SSHSIG", 6);
	assert_int_equal(wbuf_get_u32(&raw, &version), 0);
	assert_int_equal(version, 1);
	assert_int_equal(wbuf_get_string_direct(&raw, &pubblob, &publen), 0);
	assert_int_equal(wbuf_get_string_direct(&raw, &ns, &nslen), 0);
	assert_int_equal(wbuf_get_string_direct(&raw, &reserved,
	    &reservedlen), 0);
	assert_int_equal(wbuf_get_string_direct(&raw, &hashalg,
	    &hashalglen), 0);
	assert_int_equal(wbuf_get_string_direct(&raw, &sig, &siglen), 0);
	assert_int_equal(wbuf_get_end(&raw), 0);
	assert_int_equal(nslen, strlen("portcullis-test"));
	assert_memory_equal(ns, "portcullis-test", nslen);
	assert_int_equal(hashalglen, 6);
	assert_memory_equal(hashalg, "sha512", 6);

	/* The embedded key is the fixture's. */
	assert_int_equal(key_from_blob(pubblob, publen, &k), 0);
	snprintf(pubname, sizeof(pubname), "%s.pub", keyfile);
	pubtext = read_file(pubname, &n);
	assert_int_equal(key_from_public_line((char *)pubtext, &fixture,
	    NULL), 0);
	free(pubtext);
	assert_true(key_equal_public(k, fixture));
	wbuf_init(&publine, 0);
	assert_int_equal(key_to_public_line(k, NULL, &publine), 0);
	wbuf_clear(&publine);

	/* The algorithm OpenSSH signed with. */
	wbuf_init_const(&sv, sig, siglen);
	assert_int_equal(wbuf_get_cstring(&sv, &alg, NULL), 0);
	assert_string_equal(alg, want_alg);

	/* PROTOCOL.sshsig s. 3: the data that was signed. */
	msg = read_file("sshsig_message.txt", &msglen);
	assert_int_equal(digest_memory(DIGEST_SHA512, msg, msglen, h,
	    sizeof(h)), 0);
	wbuf_init(&signed_data, 0);
	assert_int_equal(wbuf_put(&signed_data, "SSHSIG", 6), 0);
	assert_int_equal(wbuf_put_string(&signed_data, ns, nslen), 0);
	assert_int_equal(wbuf_put_string(&signed_data, reserved,
	    reservedlen), 0);
	assert_int_equal(wbuf_put_string(&signed_data, hashalg, hashalglen),
	    0);
	assert_int_equal(wbuf_put_string(&signed_data, h, 64), 0);

	assert_int_equal(key_verify(k, alg, wbuf_ptr(&signed_data),
	    wbuf_len(&signed_data), sig, siglen), 0);
	assert_int_equal(key_verify(k, NULL, wbuf_ptr(&signed_data),
	    wbuf_len(&signed_data), sig, siglen), 0);
	assert_int_equal(key_verify(fixture, alg, wbuf_ptr(&signed_data),
	    wbuf_len(&signed_data), sig, siglen), 0);
	/* Any change to the signed data or the signature fails. */
	bad = malloc(wbuf_len(&signed_data));
	assert_non_null(bad);
	for (n = 0; n < wbuf_len(&signed_data); n += 11) {
		memcpy(bad, wbuf_ptr(&signed_data), wbuf_len(&signed_data));
		bad[n] ^= 0x20;
		assert_int_equal(key_verify(k, alg, bad,
		    wbuf_len(&signed_data), sig, siglen),
		    PC_ERR_SIGNATURE_INVALID);
	}
	free(bad);
	bad = malloc(siglen);
	assert_non_null(bad);
	memcpy(bad, sig, siglen);
	bad[siglen - 3] ^= 0x01;
	assert_int_not_equal(key_verify(k, alg, wbuf_ptr(&signed_data),
	    wbuf_len(&signed_data), bad, siglen), 0);
	free(bad);
	/* The message itself (without the SSHSIG wrapping) fails. */
	assert_int_equal(key_verify(k, alg, msg, msglen, sig, siglen),
	    PC_ERR_SIGNATURE_INVALID);
	free(alg);
	free(msg);
	wbuf_clear(&signed_data);
	key_free(fixture);
	key_free(k);
	wbuf_clear(&raw);
}

static void
test_sshsig_ed25519(void **state)
{
	(void)state;
	check_sshsig("ed25519", "sshsig_ed25519.sig", "ssh-ed25519");
}

static void
test_sshsig_ecdsa256(void **state)
{
	(void)state;
	check_sshsig("ecdsa256", "sshsig_ecdsa256.sig", "ecdsa-sha2-nistp256");
}

static void
test_sshsig_ecdsa521(void **state)
{
	(void)state;
	check_sshsig("ecdsa521", "sshsig_ecdsa521.sig", "ecdsa-sha2-nistp521");
}

static void
test_sshsig_rsa(void **state)
{
	(void)state;
	/* ssh-keygen -Y sign uses rsa-sha2-512 for RSA keys. */
	check_sshsig("rsa2048", "sshsig_rsa2048.sig", "rsa-sha2-512");
}

static int
setup(void **state)
{
	(void)state;
	return crypto_lib_init() == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032_ed25519),
		cmocka_unit_test(test_sshsig_ed25519),
		cmocka_unit_test(test_sshsig_ecdsa256),
		cmocka_unit_test(test_sshsig_ecdsa521),
		cmocka_unit_test(test_sshsig_rsa),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
