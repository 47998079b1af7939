/*
 * crypto/cert.c and the certificate half of crypto/key.c against
 * certificates made by OpenSSH's ssh-keygen (tests/data/certs/README and
 * make-certs.sh say how).  Every expected value below is what
 *
 *	ssh-keygen -L -f tests/data/certs/NAME-cert.pub
 *
 * printed (tests/data/certs/ssh-keygen-L.txt; OpenSSH_9.2p1 Debian-
 * 2+deb12u10, TZ=UTC); options are "name=hex of the data field".  Run from
 * the repository root.
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
#include "cert.h"
#include "key.h"
#include "rand.h"
#include "wbuf.h"

#include "cert_helpers.h"

static const struct certfix {
	const char *stem;	/* STEM-cert.pub */
	const char *keyfile;	/* the certified key: KEYFILE(.pub) */
	const char *cafile;	/* the CA: CAFILE(.pub) */
	const char *name;	/* "Type:" */
	uint32_t type;
	const char *label;	/* "Public key:" type */
	const char *fp;		/* "Public key:" fingerprint */
	const char *ca_label;	/* "Signing CA:" */
	const char *ca_alg;
	const char *ca_fp;
	const char *key_id;
	uint64_t serial;
	uint64_t valid_after, valid_before;
	const char *principals;	/* comma-joined */
	const char *critical;	/* "name=hexdata ..." */
	const char *extensions;
} certfixes[] = {
	{ "host_ed25519", "host_ed25519", "ca_ed25519",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_HOST, "ED25519-CERT",
	    "SHA256:LZAC9CniP6ngyzuamuhDfMFakCLfeHcRK+D5Q6dXnCM",
	    "ED25519", "ssh-ed25519",
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74",
	    "host.example.com", 100, 1577836800, 4102358400,
	    "host.example.com,192.0.2.10",
	    "",
	    "" },
	{ "host_ed25519_user", "host_ed25519", "ca_ed25519",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ED25519-CERT",
	    "SHA256:LZAC9CniP6ngyzuamuhDfMFakCLfeHcRK+D5Q6dXnCM",
	    "ED25519", "ssh-ed25519",
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74",
	    "host-as-user", 102, 1577836800, 4102358400,
	    "alice",
	    "",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "host_rsa", "host_rsa", "ca_rsa",
	    "ssh-rsa-cert-v01@openssh.com",
	    CERT_TYPE_HOST, "RSA-CERT",
	    "SHA256:/pJG4xxsGbF7i1bbhE1KWkzyQf6qaR32qI4d+ZE8Buo",
	    "RSA", "rsa-sha2-512",
	    "SHA256:Ml9OAV/LOQ82TFLSUtGuOOr8akpvO64aXfRqb1WudhU",
	    "rsa-host", 101, 1577836800, 4102358400,
	    "host.example.com",
	    "",
	    "" },
	{ "user_ecdsa256", "user_ecdsa256", "ca_ed25519",
	    "ecdsa-sha2-nistp256-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ECDSA-CERT",
	    "SHA256:tbPjmOu2Q6gs1RU2t6L1NPrZh+JIa5VJnPfbXpVd+RM",
	    "ED25519", "ssh-ed25519",
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74",
	    "ecdsa256-user", 256, 1577836800, 4102358400,
	    "alice",
	    "",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "user_ecdsa384", "user_ecdsa384", "ca_ecdsa384",
	    "ecdsa-sha2-nistp384-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ECDSA-CERT",
	    "SHA256:mkDUQy5gYtAdzbCu/Z9vDu5OKP4q2x6myD6F0jYZ6CY",
	    "ECDSA", "ecdsa-sha2-nistp384",
	    "SHA256:b45/IvHXy6f5Ediw5CpP9FzZH8pFG2R6zu6elqwkzZU",
	    "ecdsa384-user", 384, 1577836800, 4102358400,
	    "alice",
	    "",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "user_ecdsa521", "user_ecdsa521", "ca_ecdsa384",
	    "ecdsa-sha2-nistp521-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ECDSA-CERT",
	    "SHA256:CjIuFfao7pYvsEOw2/lLMRnCdXaSwcgdeW4DDSEN4sU",
	    "ECDSA", "ecdsa-sha2-nistp384",
	    "SHA256:b45/IvHXy6f5Ediw5CpP9FzZH8pFG2R6zu6elqwkzZU",
	    "ecdsa521-user", 521, 1577836800, 4102358400,
	    "alice",
	    "",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "user_ed25519", "user_ed25519", "ca_ed25519",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ED25519-CERT",
	    "SHA256:bAfyvf36zqdlNwWzoCITyQfB40gIaj4taFU+jFjwvRU",
	    "ED25519", "ssh-ed25519",
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74",
	    "alice@example", 42, 1577836800, 4102358400,
	    "alice,bob",
	    "",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "user_ed25519_clear", "user_ed25519", "ca_ed25519",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ED25519-CERT",
	    "SHA256:bAfyvf36zqdlNwWzoCITyQfB40gIaj4taFU+jFjwvRU",
	    "ED25519", "ssh-ed25519",
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74",
	    "clear", 16, 1577836800, 4102358400,
	    "alice",
	    "",
	    "permit-pty=" },
	{ "user_ed25519_crit", "user_ed25519", "ca_ed25519",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ED25519-CERT",
	    "SHA256:bAfyvf36zqdlNwWzoCITyQfB40gIaj4taFU+jFjwvRU",
	    "ED25519", "ssh-ed25519",
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74",
	    "unknown-critical", 17, 1577836800, 4102358400,
	    "alice",
	    "foo@example.com=00000003626172",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "user_ed25519_expired", "user_ed25519", "ca_ed25519",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ED25519-CERT",
	    "SHA256:bAfyvf36zqdlNwWzoCITyQfB40gIaj4taFU+jFjwvRU",
	    "ED25519", "ssh-ed25519",
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74",
	    "expired", 10, 1577836800, 1577923200,
	    "alice",
	    "",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "user_ed25519_ext", "user_ed25519", "ca_ed25519",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ED25519-CERT",
	    "SHA256:bAfyvf36zqdlNwWzoCITyQfB40gIaj4taFU+jFjwvRU",
	    "ED25519", "ssh-ed25519",
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74",
	    "custom-ext", 18, 1577836800, 4102358400,
	    "alice",
	    "",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc= zz@example.com=00000"
		"00464617461" },
	{ "user_ed25519_force", "user_ed25519", "ca_ed25519",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ED25519-CERT",
	    "SHA256:bAfyvf36zqdlNwWzoCITyQfB40gIaj4taFU+jFjwvRU",
	    "ED25519", "ssh-ed25519",
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74",
	    "force", 14, 1577836800, 4102358400,
	    "alice",
	    "force-command=0000000d2f7573722f62696e2f74727565",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "user_ed25519_forever", "user_ed25519", "ca_ed25519",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ED25519-CERT",
	    "SHA256:bAfyvf36zqdlNwWzoCITyQfB40gIaj4taFU+jFjwvRU",
	    "ED25519", "ssh-ed25519",
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74",
	    "forever", 12, 0, CERT_FOREVER,
	    "alice",
	    "",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "user_ed25519_noprinc", "user_ed25519", "ca_ed25519",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ED25519-CERT",
	    "SHA256:bAfyvf36zqdlNwWzoCITyQfB40gIaj4taFU+jFjwvRU",
	    "ED25519", "ssh-ed25519",
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74",
	    "noprincipals", 13, 1577836800, 4102358400,
	    "",
	    "",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "user_ed25519_notyet", "user_ed25519", "ca_ed25519",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ED25519-CERT",
	    "SHA256:bAfyvf36zqdlNwWzoCITyQfB40gIaj4taFU+jFjwvRU",
	    "ED25519", "ssh-ed25519",
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74",
	    "notyet", 11, 4039372800, 4102358400,
	    "alice",
	    "",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "user_ed25519_rsa256", "user_ed25519", "ca_rsa",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ED25519-CERT",
	    "SHA256:bAfyvf36zqdlNwWzoCITyQfB40gIaj4taFU+jFjwvRU",
	    "RSA", "rsa-sha2-256",
	    "SHA256:Ml9OAV/LOQ82TFLSUtGuOOr8akpvO64aXfRqb1WudhU",
	    "rsa256-ca", 8, 1577836800, 4102358400,
	    "alice",
	    "",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "user_ed25519_sha1", "user_ed25519", "ca_rsa",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ED25519-CERT",
	    "SHA256:bAfyvf36zqdlNwWzoCITyQfB40gIaj4taFU+jFjwvRU",
	    "RSA", "ssh-rsa",
	    "SHA256:Ml9OAV/LOQ82TFLSUtGuOOr8akpvO64aXfRqb1WudhU",
	    "sha1-ca", 9, 1577836800, 4102358400,
	    "alice",
	    "",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "user_ed25519_source", "user_ed25519", "ca_ed25519",
	    "ssh-ed25519-cert-v01@openssh.com",
	    CERT_TYPE_USER, "ED25519-CERT",
	    "SHA256:bAfyvf36zqdlNwWzoCITyQfB40gIaj4taFU+jFjwvRU",
	    "ED25519", "ssh-ed25519",
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74",
	    "source", 15, 1577836800, 4102358400,
	    "alice",
	    "source-address=0000001431302e302e302e302f382c3139322e302e322"
		"e31",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
	{ "user_rsa", "user_rsa", "ca_rsa",
	    "ssh-rsa-cert-v01@openssh.com",
	    CERT_TYPE_USER, "RSA-CERT",
	    "SHA256:DX3+Huuow5qA1xNWp9CcpQuOZG8VLcRuXc/NFsCiLOA",
	    "RSA", "rsa-sha2-512",
	    "SHA256:Ml9OAV/LOQ82TFLSUtGuOOr8akpvO64aXfRqb1WudhU",
	    "rsa-user", 7, 1577836800, 4102358400,
	    "alice",
	    "",
	    "permit-X11-forwarding= permit-agent-forwarding= permit-port-"
		"forwarding= permit-pty= permit-user-rc=" },
};
#define NCERTFIXES	(sizeof(certfixes) / sizeof(certfixes[0]))

/* "name=hex name=hex" against the parsed options. */
static void
check_options(const char *want, const struct cert_option *o, size_t n)
{
	char *copy, *tok, *save = NULL, *eq, hex[3];
	size_t i = 0, j, hlen;

	copy = strdup(want);
	assert_non_null(copy);
	for (tok = strtok_r(copy, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save), i++) {
		assert_true(i < n);
		eq = strchr(tok, '=');
		assert_non_null(eq);
		*eq++ = '\0';
		assert_string_equal(o[i].name, tok);
		hlen = strlen(eq);
		assert_int_equal(o[i].datalen * 2, hlen);
		for (j = 0; j < o[i].datalen; j++) {
			snprintf(hex, sizeof(hex), "%02x", o[i].data[j]);
			assert_memory_equal(hex, eq + 2 * j, 2);
		}
	}
	assert_int_equal(i, n);
	free(copy);
}

static void
check_principals(const char *want, const struct pc_cert *c)
{
	char *copy, *tok, *save = NULL;
	size_t i = 0;

	copy = strdup(want);
	assert_non_null(copy);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save), i++) {
		assert_true(i < c->nprincipals);
		assert_string_equal(c->principals[i], tok);
	}
	assert_int_equal(i, c->nprincipals);
	free(copy);
}

/* Every field of every fixture is what ssh-keygen -L printed. */
static void
test_parse_fixtures(void **state)
{
	char fp[KEY_FP_MAX];
	struct pc_key *k, *plain, *ca;
	const struct pc_cert *c;
	const struct certfix *f;
	size_t i;

	(void)state;
	for (i = 0; i < NCERTFIXES; i++) {
		f = &certfixes[i];
		k = ch_load_cert(f->stem);
		plain = ch_load_pub(f->keyfile, ".pub");
		ca = ch_load_pub(f->cafile, ".pub");
		assert_true(key_is_cert(k));
		assert_false(key_is_cert(plain));
		assert_null(key_cert(plain));
		c = key_cert(k);
		assert_non_null(c);
		assert_string_equal(key_name(k), f->name);
		assert_int_equal(key_type_from_cert_name(f->name),
		    key_get_type(plain));
		assert_int_equal(key_get_type(k), key_get_type(plain));
		assert_int_equal(key_bits(k), key_bits(plain));
		assert_string_equal(key_label(k), f->label);
		assert_int_equal(c->type, f->type);
		assert_string_equal(cert_type_name(c),
		    f->type == CERT_TYPE_USER ? "user" : "host");
		assert_int_equal(key_fingerprint(k, fp, sizeof(fp)), 0);
		assert_string_equal(fp, f->fp);
		/* The certified key is the one ssh-keygen certified. */
		assert_true(key_equal_public(cert_key(c), plain));
		assert_false(key_is_cert(cert_key(c)));
		assert_true(key_equal_certified(k, plain));
		assert_false(key_equal_public(k, plain));
		/* The CA. */
		assert_true(key_equal_public(cert_ca_key(c), ca));
		assert_int_equal(key_fingerprint(cert_ca_key(c), fp,
		    sizeof(fp)), 0);
		assert_string_equal(fp, f->ca_fp);
		assert_string_equal(key_label(cert_ca_key(c)), f->ca_label);
		assert_string_equal(c->sig_alg, f->ca_alg);
		assert_string_equal(c->key_id, f->key_id);
		assert_true(c->serial == f->serial);
		assert_true(c->valid_after == f->valid_after);
		assert_true(c->valid_before == f->valid_before);
		check_principals(f->principals, c);
		check_options(f->critical, c->critical, c->ncritical);
		check_options(f->extensions, c->extensions, c->nextensions);
		/* ssh-keygen writes a 32-byte nonce and no reserved data. */
		assert_int_equal(c->noncelen, 32);
		assert_int_equal(c->reservedlen, 0);
		assert_true(c->signed_len < c->bloblen);
		key_free(k);
		key_free(plain);
		key_free(ca);
	}
}

/* key_to_blob and key_to_public_line give back the file's bytes. */
static void
test_roundtrip(void **state)
{
	struct pc_key *k, *k2;
	struct wbuf b, line;
	uint8_t *blob, *file;
	size_t i, len, flen;
	char name[128];

	(void)state;
	for (i = 0; i < NCERTFIXES; i++) {
		blob = ch_cert_blob(certfixes[i].stem, &len);
		assert_int_equal(key_from_blob(blob, len, &k), 0);
		wbuf_init(&b, 0);
		assert_int_equal(key_to_blob(k, &b), 0);
		assert_int_equal(wbuf_len(&b), len);
		assert_memory_equal(wbuf_ptr(&b), blob, len);
		assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b),
		    &k2), 0);
		assert_true(key_equal_public(k, k2));
		key_free(k2);
		/* The .pub line, comment included. */
		snprintf(name, sizeof(name), "%s-cert.pub",
		    certfixes[i].stem);
		file = ch_read_file(name, &flen);
		assert_int_equal(file[flen - 1], '\n');
		file[flen - 1] = '\0';
		wbuf_init(&line, 0);
		assert_int_equal(key_to_public_line(k, strchr(strchr(
		    (char *)file, ' ') + 1, ' ') + 1, &line), 0);
		assert_int_equal(wbuf_len(&line), flen - 1);	/* no \n */
		assert_memory_equal(wbuf_ptr(&line), file, flen - 1);
		wbuf_clear(&line);
		free(file);
		wbuf_clear(&b);
		key_free(k);
		free(blob);
	}
}

/* CA signatures as ssh-keygen made them verify; the SHA-1 one only when
 * CASignatureAlgorithms allows ssh-rsa. */
static void
test_verify_signature(void **state)
{
	const struct pc_cert *c;
	struct pc_key *k;
	size_t i;

	(void)state;
	for (i = 0; i < NCERTFIXES; i++) {
		k = ch_load_cert(certfixes[i].stem);
		c = key_cert(k);
		if (strcmp(certfixes[i].ca_alg, "ssh-rsa") == 0) {
			assert_int_equal(cert_verify_signature(c, NULL),
			    PC_ERR_NO_ALGORITHM_MATCH);
			assert_int_equal(cert_verify_signature(c,
			    "rsa-sha2-512,ssh-rsa"), 0);
		} else {
			assert_int_equal(cert_verify_signature(c, NULL), 0);
			assert_int_equal(cert_verify_signature(c,
			    CERT_CA_SIGALGS_DEFAULT), 0);
			assert_int_equal(cert_verify_signature(c,
			    certfixes[i].ca_alg), 0);
		}
		key_free(k);
	}
	assert_int_equal(cert_verify_signature(NULL, NULL),
	    PC_ERR_INVALID_ARGUMENT);
}

/* CASignatureAlgorithms: only the listed algorithms, by exact name. */
static void
test_ca_sigalgs(void **state)
{
	struct pc_key *k256, *k512, *ked, *kec;

	(void)state;
	k256 = ch_load_cert("user_ed25519_rsa256");
	k512 = ch_load_cert("user_rsa");
	ked = ch_load_cert("user_ed25519");
	kec = ch_load_cert("user_ecdsa384");
	assert_int_equal(cert_verify_signature(key_cert(k256),
	    "rsa-sha2-512"), PC_ERR_NO_ALGORITHM_MATCH);
	assert_int_equal(cert_verify_signature(key_cert(k256),
	    "rsa-sha2-256"), 0);
	assert_int_equal(cert_verify_signature(key_cert(k512),
	    "rsa-sha2-256,ssh-ed25519"), PC_ERR_NO_ALGORITHM_MATCH);
	assert_int_equal(cert_verify_signature(key_cert(k512),
	    "ssh-ed25519,rsa-sha2-512"), 0);
	assert_int_equal(cert_verify_signature(key_cert(ked),
	    "ecdsa-sha2-nistp256,rsa-sha2-512"), PC_ERR_NO_ALGORITHM_MATCH);
	/* A certificate algorithm name is not the CA's algorithm. */
	assert_int_equal(cert_verify_signature(key_cert(ked),
	    "ssh-ed25519-cert-v01@openssh.com"), PC_ERR_NO_ALGORITHM_MATCH);
	assert_int_equal(cert_verify_signature(key_cert(kec),
	    "ecdsa-sha2-nistp256,ecdsa-sha2-nistp521"),
	    PC_ERR_NO_ALGORITHM_MATCH);
	assert_int_equal(cert_verify_signature(key_cert(kec),
	    "ecdsa-sha2-nistp384"), 0);
	key_free(k256);
	key_free(k512);
	key_free(ked);
	key_free(kec);
}

/* Flip every bit pattern of every byte: the blob no longer parses, or
 * its CA signature fails.  Never accepted. */
static void
test_tamper_every_byte(void **state)
{
	static const char *const stems[] = {
		"user_ed25519", "user_ecdsa521", "user_rsa",
		"user_ed25519_force",
	};
	struct pc_key *k;
	uint8_t *blob;
	size_t s, i, len;
	int r, parsed;

	(void)state;
	for (s = 0; s < sizeof(stems) / sizeof(stems[0]); s++) {
		blob = ch_cert_blob(stems[s], &len);
		parsed = 0;
		for (i = 0; i < len; i++) {
			blob[i] ^= 0x01;
			r = key_from_blob(blob, len, &k);
			if (r == 0) {
				parsed++;
				assert_int_not_equal(cert_verify_signature(
				    key_cert(k), NULL), 0);
				key_free(k);
			}
			blob[i] ^= 0x01;
		}
		/* Most bytes are data the parser cannot judge. */
		assert_true(parsed > 0);
		assert_int_equal(key_from_blob(blob, len, &k), 0);
		assert_int_equal(cert_verify_signature(key_cert(k), NULL), 0);
		key_free(k);
		free(blob);
	}
}

/* Every truncation is refused, and so is any byte after the end. */
static void
test_truncated_and_trailing(void **state)
{
	struct pc_key *k;
	uint8_t *blob, *longer;
	size_t i, n, len;

	(void)state;
	for (n = 0; n < NCERTFIXES; n++) {
		blob = ch_cert_blob(certfixes[n].stem, &len);
		for (i = 0; i < len; i++) {
			k = (struct pc_key *)1;
			assert_int_not_equal(key_from_blob(blob, i, &k), 0);
			assert_null(k);
		}
		longer = malloc(len + 1);
		assert_non_null(longer);
		memcpy(longer, blob, len);
		longer[len] = 0;
		assert_int_equal(key_from_blob(longer, len + 1, &k),
		    PC_ERR_TRAILING_DATA);
		free(longer);
		free(blob);
	}
}

struct built {
	struct pc_key *ca, *ca_rsa, *user, *host;
};

static int
setup_built(void **state)
{
	struct built *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return -1;
	b->ca = ch_load_private("ca_ed25519");
	b->ca_rsa = ch_load_private("ca_rsa");
	b->user = ch_load_pub("user_ecdsa256", ".pub");
	b->host = ch_load_private("host_ed25519");
	*state = b;
	return 0;
}

static int
teardown_built(void **state)
{
	struct built *b = *state;

	key_free(b->ca);
	key_free(b->ca_rsa);
	key_free(b->user);
	key_free(b->host);
	free(b);
	return 0;
}

/* Build s signed by ca, parse it: the parse result. */
static int
build_parse(const struct ch_spec *s, const struct pc_key *ca,
    struct pc_key **kp)
{
	struct wbuf w;
	int r;

	wbuf_init(&w, 0);
	ch_build(s, ca, &w);
	*kp = NULL;
	r = key_from_blob(wbuf_ptr(&w), wbuf_len(&w), kp);
	wbuf_clear(&w);
	return r;
}

/* The builder makes what the parser and ssh-keygen agree on. */
static void
test_built_valid(void **state)
{
	struct built *b = *state;
	static const struct ch_opt crit[] = {
		{ "force-command", "/bin/echo hi", 0 },
		{ "source-address", "127.0.0.1/32", 0 },
	};
	struct ch_spec s;
	struct pc_key *k;
	const struct pc_cert *c;
	char *v;

	ch_spec_default(&s, b->user);
	s.crit = crit;
	s.ncrit = 2;
	s.serial = 0xfedcba9876543210ULL;
	assert_int_equal(build_parse(&s, b->ca, &k), 0);
	c = key_cert(k);
	assert_int_equal(cert_verify_signature(c, NULL), 0);
	assert_true(c->serial == 0xfedcba9876543210ULL);
	assert_int_equal(c->ncritical, 2);
	assert_int_equal(cert_option_value(&c->critical[0], &v), 0);
	assert_string_equal(v, "/bin/echo hi");
	free(v);
	assert_ptr_equal(cert_find_option(c->critical, c->ncritical,
	    "source-address"), &c->critical[1]);
	assert_null(cert_find_option(c->critical, c->ncritical, "nope"));
	/* A flag extension's empty data is not one string. */
	assert_int_equal(cert_option_value(&c->extensions[0], &v),
	    PC_ERR_INVALID_FORMAT);
	assert_null(v);
	key_free(k);
	/* An RSA CA signing with each of its algorithms. */
	s.sigalg = "rsa-sha2-256";
	assert_int_equal(build_parse(&s, b->ca_rsa, &k), 0);
	assert_string_equal(key_cert(k)->sig_alg, "rsa-sha2-256");
	assert_int_equal(cert_verify_signature(key_cert(k), NULL), 0);
	key_free(k);
	s.sigalg = "ssh-rsa";
	assert_int_equal(build_parse(&s, b->ca_rsa, &k), 0);
	assert_int_equal(cert_verify_signature(key_cert(k), NULL),
	    PC_ERR_NO_ALGORITHM_MATCH);
	key_free(k);
}

/* PROTOCOL.certkeys: options in lexical order, each at most once. */
static void
test_option_order(void **state)
{
	struct built *b = *state;
	static const struct ch_opt unsorted_ext[] = {
		{ "permit-pty", "", 1 },
		{ "permit-X11-forwarding", "", 1 },
	};
	static const struct ch_opt dup_ext[] = {
		{ "permit-pty", "", 1 },
		{ "permit-pty", "", 1 },
	};
	static const struct ch_opt dup_crit[] = {
		{ "force-command", "/bin/a", 0 },
		{ "force-command", "/bin/b", 0 },
	};
	static const struct ch_opt unsorted_crit[] = {
		{ "source-address", "10.0.0.1", 0 },
		{ "force-command", "/bin/a", 0 },
	};
	static const struct ch_opt empty_name[] = {
		{ "", "", 1 },
	};
	static const struct ch_opt prefix_ext[] = {
		{ "permit", "", 1 },
		{ "permit-pty", "", 1 },
	};
	struct ch_spec s;
	struct pc_key *k;

	ch_spec_default(&s, b->user);
	s.ext = unsorted_ext;
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_CERT_INVALID);
	s.ext = dup_ext;
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_CERT_INVALID);
	s.ext = empty_name;
	s.next = 1;
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_CERT_INVALID);
	/* A name sorts after its own prefix. */
	s.ext = prefix_ext;
	s.next = 2;
	assert_int_equal(build_parse(&s, b->ca, &k), 0);
	key_free(k);
	ch_spec_default(&s, b->user);
	s.crit = dup_crit;
	s.ncrit = 2;
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_CERT_INVALID);
	s.crit = unsorted_crit;
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_CERT_INVALID);
}

/* Principal and option lists are capped. */
static void
test_caps(void **state)
{
	struct built *b = *state;
	static char names[CERT_MAX_PRINCIPALS + 1][8];
	static const char *ptrs[CERT_MAX_PRINCIPALS + 1];
	static char onames[CERT_MAX_OPTIONS + 1][8];
	static struct ch_opt opts[CERT_MAX_OPTIONS + 1];
	struct ch_spec s;
	struct pc_key *k;
	size_t i;

	for (i = 0; i <= CERT_MAX_PRINCIPALS; i++) {
		snprintf(names[i], sizeof(names[i]), "p%03zu", i);
		ptrs[i] = names[i];
	}
	for (i = 0; i <= CERT_MAX_OPTIONS; i++) {
		snprintf(onames[i], sizeof(onames[i]), "x%03zu", i);
		opts[i].name = onames[i];
		opts[i].value = "";
		opts[i].raw = 1;
	}
	ch_spec_default(&s, b->user);
	s.principals = ptrs;
	s.nprincipals = CERT_MAX_PRINCIPALS;
	assert_int_equal(build_parse(&s, b->ca, &k), 0);
	assert_int_equal(key_cert(k)->nprincipals, CERT_MAX_PRINCIPALS);
	key_free(k);
	s.nprincipals = CERT_MAX_PRINCIPALS + 1;
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_CERT_INVALID);
	ch_spec_default(&s, b->user);
	s.ext = opts;
	s.next = CERT_MAX_OPTIONS;
	assert_int_equal(build_parse(&s, b->ca, &k), 0);
	key_free(k);
	s.next = CERT_MAX_OPTIONS + 1;
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_CERT_INVALID);
	s.next = 0;
	s.crit = opts;
	s.ncrit = CERT_MAX_OPTIONS + 1;
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_CERT_INVALID);
}

/* Fields the parser judges: type, names, CA key, signature, trailer. */
static void
test_bad_fields(void **state)
{
	struct built *b = *state;
	static const uint8_t junk[] = { 0 };
	struct ch_spec s;
	struct pc_key *k, *nested;
	struct wbuf cb;
	uint8_t *blob, *p;
	size_t len;

	ch_spec_default(&s, b->user);
	s.type = 3;
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_CERT_INVALID);
	s.type = 0;
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_CERT_INVALID);
	/* The name must be the certified key's certificate type. */
	ch_spec_default(&s, b->user);
	s.type_name = "ssh-ed25519-cert-v01@openssh.com";
	assert_int_not_equal(build_parse(&s, b->ca, &k), 0);
	s.type_name = "ecdsa-sha2-nistp384-cert-v01@openssh.com";
	assert_int_not_equal(build_parse(&s, b->ca, &k), 0);
	s.type_name = "ssh-dss-cert-v01@openssh.com";
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_KEY_TYPE_UNKNOWN);
	/* Legacy v00 certificates are not supported. */
	s.type_name = "ecdsa-sha2-nistp256-cert-v00@openssh.com";
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_KEY_TYPE_UNKNOWN);
	/* A NUL byte in the key id or a principal. */
	blob = ch_cert_blob("user_ed25519", &len);
	p = memmem(blob, len, "alice@example", 13);
	assert_non_null(p);
	p[5] = '\0';
	assert_int_equal(key_from_blob(blob, len, &k), PC_ERR_INVALID_FORMAT);
	p[5] = '@';
	p = memmem(p + 13, len - (size_t)(p + 13 - blob), "bob", 3);
	assert_non_null(p);
	p[1] = '\0';
	assert_int_equal(key_from_blob(blob, len, &k), PC_ERR_INVALID_FORMAT);
	p[1] = 'o';
	assert_int_equal(key_from_blob(blob, len, &k), 0);
	key_free(k);
	free(blob);
	/* Trailing data after the signature, even if signed over. */
	ch_spec_default(&s, b->user);
	s.trailer = junk;
	s.trailerlen = 1;
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_TRAILING_DATA);
	/* A certificate as the CA key: refused, never followed. */
	blob = ch_cert_blob("user_ed25519", &len);
	ch_spec_default(&s, b->user);
	s.ca_blob = blob;
	s.ca_bloblen = len;
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_CERT_INVALID);
	free(blob);
	/* Nor a certificate of the signing key itself. */
	ch_spec_default(&s, b->ca);
	wbuf_init(&cb, 0);
	ch_build(&s, b->ca, &cb);
	assert_int_equal(key_from_blob(wbuf_ptr(&cb), wbuf_len(&cb),
	    &nested), 0);
	ch_spec_default(&s, b->user);
	s.ca_blob = wbuf_ptr(&cb);
	s.ca_bloblen = wbuf_len(&cb);
	assert_int_equal(build_parse(&s, b->ca, &k), PC_ERR_CERT_INVALID);
	wbuf_clear(&cb);
	key_free(nested);
	/* A CA blob of unknown type or malformed. */
	ch_spec_default(&s, b->user);
	s.ca_blob = junk;
	s.ca_bloblen = 1;
	assert_int_not_equal(build_parse(&s, b->ca, &k), 0);
}

/* The signature field must name a plain algorithm of the CA's type. */
static void
test_signature_field(void **state)
{
	struct built *b = *state;
	struct ch_spec s;
	struct pc_key *k;
	struct wbuf w, sig, in, out;
	const uint8_t *p, *sp;
	size_t len, slen;
	const char *names[] = {
		"rsa-sha2-512",			/* not the CA's type */
		"ssh-ed25519-cert-v01@openssh.com",
		"ssh-ed25519x",
	};
	size_t i;

	ch_spec_default(&s, b->user);
	wbuf_init(&w, 0);
	ch_build(&s, b->ca, &w);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		/* Rewrite the signature blob's name: strip the signature
		 * field, then append a new one. */
		assert_int_equal(key_from_blob(wbuf_ptr(&w), wbuf_len(&w),
		    &k), 0);
		len = key_cert(k)->signed_len;
		wbuf_init_const(&in, key_cert(k)->signature,
		    key_cert(k)->siglen);
		assert_int_equal(wbuf_get_string_direct(&in, &p, &slen), 0);
		assert_int_equal(wbuf_get_string_direct(&in, &sp, &slen), 0);
		wbuf_init(&sig, 0);
		assert_int_equal(wbuf_put_cstring(&sig, names[i]), 0);
		assert_int_equal(wbuf_put_string(&sig, sp, slen), 0);
		wbuf_init(&out, 0);
		assert_int_equal(wbuf_put(&out, wbuf_ptr(&w), len), 0);
		assert_int_equal(wbuf_put_stringb(&out, &sig), 0);
		key_free(k);
		assert_int_equal(key_from_blob(wbuf_ptr(&out), wbuf_len(&out),
		    &k), PC_ERR_CERT_INVALID);
		wbuf_clear(&sig);
		wbuf_clear(&out);
	}
	wbuf_clear(&w);
}

static void
test_sigalg_names(void **state)
{
	static const struct {
		const char *cert, *plain;
		enum key_type t;
	} m[] = {
		{ "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519",
		    KEY_ED25519 },
		{ "ecdsa-sha2-nistp256-cert-v01@openssh.com",
		    "ecdsa-sha2-nistp256", KEY_ECDSA_P256 },
		{ "ecdsa-sha2-nistp384-cert-v01@openssh.com",
		    "ecdsa-sha2-nistp384", KEY_ECDSA_P384 },
		{ "ecdsa-sha2-nistp521-cert-v01@openssh.com",
		    "ecdsa-sha2-nistp521", KEY_ECDSA_P521 },
		{ "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-512",
		    KEY_RSA },
		{ "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-256",
		    KEY_RSA },
		{ "ssh-rsa-cert-v01@openssh.com", "ssh-rsa", KEY_RSA },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		assert_string_equal(key_cert_sigalg_for(m[i].plain),
		    m[i].cert);
		assert_string_equal(key_plain_sigalg_for(m[i].cert),
		    m[i].plain);
		assert_int_equal(key_type_for_sigalg(m[i].cert), m[i].t);
		assert_int_equal(key_type_for_sigalg(m[i].plain), m[i].t);
		assert_null(key_plain_sigalg_for(m[i].plain));
		assert_null(key_cert_sigalg_for(m[i].cert));
	}
	assert_null(key_cert_sigalg_for("ssh-dss"));
	assert_null(key_plain_sigalg_for("ssh-dss-cert-v01@openssh.com"));
	assert_null(key_cert_sigalg_for(NULL));
	assert_null(key_plain_sigalg_for(NULL));
	assert_int_equal(key_type_for_sigalg("ssh-dss-cert-v01@openssh.com"),
	    KEY_UNSPEC);
	/* Key type names: the cert name is not a plain type. */
	assert_int_equal(key_type_from_name(
	    "ssh-ed25519-cert-v01@openssh.com"), KEY_UNSPEC);
	assert_int_equal(key_type_from_cert_name("ssh-ed25519"), KEY_UNSPEC);
	assert_string_equal(key_type_cert_name(KEY_RSA),
	    "ssh-rsa-cert-v01@openssh.com");
	assert_null(key_type_cert_name(KEY_UNSPEC));
	/* The host key lists are unchanged. */
	assert_null(strstr(key_sigalg_supported_list(), "cert"));
}

/* A user signs with the certified key; the signature verifies against
 * the certificate under the certificate or the plain algorithm name, and
 * carries the plain name as OpenSSH's do. */
static void
test_sign_verify_with_cert(void **state)
{
	static const struct {
		const char *stem;
		const char *certalg, *plainalg, *other;
	} u[] = {
		{ "user_ed25519", "ssh-ed25519-cert-v01@openssh.com",
		    "ssh-ed25519", "ecdsa-sha2-nistp256-cert-v01@openssh.com" },
		{ "user_ecdsa256", "ecdsa-sha2-nistp256-cert-v01@openssh.com",
		    "ecdsa-sha2-nistp256",
		    "ecdsa-sha2-nistp384-cert-v01@openssh.com" },
		{ "user_ecdsa384", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
		    "ecdsa-sha2-nistp384",
		    "ecdsa-sha2-nistp521-cert-v01@openssh.com" },
		{ "user_ecdsa521", "ecdsa-sha2-nistp521-cert-v01@openssh.com",
		    "ecdsa-sha2-nistp521", "ssh-ed25519-cert-v01@openssh.com" },
		{ "user_rsa", "rsa-sha2-512-cert-v01@openssh.com",
		    "rsa-sha2-512", "rsa-sha2-256-cert-v01@openssh.com" },
		{ "user_rsa", "rsa-sha2-256-cert-v01@openssh.com",
		    "rsa-sha2-256", "rsa-sha2-512-cert-v01@openssh.com" },
		{ "user_rsa", "ssh-rsa-cert-v01@openssh.com", "ssh-rsa",
		    "rsa-sha2-512-cert-v01@openssh.com" },
	};
	static const uint8_t msg[] = "session id || userauth request";
	struct pc_key *priv, *cert, *signer;
	struct wbuf sig, sv;
	const uint8_t *name;
	size_t i, nlen;

	(void)state;
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		priv = ch_load_private(u[i].stem);
		cert = ch_load_cert(u[i].stem);
		assert_int_equal(key_attach_cert(priv, cert, &signer), 0);
		wbuf_init(&sig, 0);
		assert_int_equal(key_sign(signer, u[i].certalg, msg,
		    sizeof(msg), &sig), 0);
		wbuf_init_const(&sv, wbuf_ptr(&sig), wbuf_len(&sig));
		assert_int_equal(wbuf_get_string_direct(&sv, &name, &nlen),
		    0);
		assert_int_equal(nlen, strlen(u[i].plainalg));
		assert_memory_equal(name, u[i].plainalg, nlen);
		assert_int_equal(key_verify(cert, u[i].certalg, msg,
		    sizeof(msg), wbuf_ptr(&sig), wbuf_len(&sig)), 0);
		assert_int_equal(key_verify(cert, u[i].plainalg, msg,
		    sizeof(msg), wbuf_ptr(&sig), wbuf_len(&sig)), 0);
		assert_int_equal(key_verify(signer, u[i].certalg, msg,
		    sizeof(msg), wbuf_ptr(&sig), wbuf_len(&sig)), 0);
		/* As with plain keys, no SHA-1 unless asked for. */
		assert_int_equal(key_verify(cert, NULL, msg, sizeof(msg),
		    wbuf_ptr(&sig), wbuf_len(&sig)),
		    strcmp(u[i].plainalg, "ssh-rsa") == 0 ?
		    PC_ERR_SIGNATURE_INVALID : 0);
		assert_int_equal(key_verify(cert, u[i].other, msg,
		    sizeof(msg), wbuf_ptr(&sig), wbuf_len(&sig)),
		    PC_ERR_SIGNATURE_INVALID);
		/* A plain key does not take certificate algorithms. */
		assert_int_equal(key_verify(priv, u[i].certalg, msg,
		    sizeof(msg), wbuf_ptr(&sig), wbuf_len(&sig)),
		    PC_ERR_SIGNATURE_INVALID);
		assert_int_equal(key_verify(priv, u[i].plainalg, msg,
		    sizeof(msg), wbuf_ptr(&sig), wbuf_len(&sig)), 0);
		assert_int_equal(key_sign(priv, u[i].certalg, msg,
		    sizeof(msg), &sig), PC_ERR_INVALID_ARGUMENT);
		/* Another message fails. */
		assert_int_equal(key_verify(cert, u[i].certalg, msg,
		    sizeof(msg) - 1, wbuf_ptr(&sig), wbuf_len(&sig)),
		    PC_ERR_SIGNATURE_INVALID);
		wbuf_clear(&sig);
		key_free(priv);
		key_free(cert);
		key_free(signer);
	}
}

/* HostCertificate: the private host key holding its certificate. */
static void
test_attach_cert(void **state)
{
	struct pc_key *priv, *rsa, *cert, *rsacert, *k, *pub;
	struct wbuf b, w;
	uint8_t *blob;
	size_t len;
	char fp1[KEY_FP_MAX], fp2[KEY_FP_MAX];

	(void)state;
	priv = ch_load_private("host_ed25519");
	rsa = ch_load_private("host_rsa");
	pub = ch_load_pub("host_ed25519", ".pub");
	cert = ch_load_cert("host_ed25519");
	rsacert = ch_load_cert("host_rsa");
	assert_int_equal(key_attach_cert(priv, cert, &k), 0);
	assert_true(key_is_cert(k));
	assert_true(key_has_private(k));
	assert_false(key_has_private(cert));
	assert_string_equal(key_name(k), "ssh-ed25519-cert-v01@openssh.com");
	wbuf_init(&b, 0);
	assert_int_equal(key_to_blob(k, &b), 0);
	blob = ch_cert_blob("host_ed25519", &len);
	assert_int_equal(wbuf_len(&b), len);
	assert_memory_equal(wbuf_ptr(&b), blob, len);
	assert_true(key_equal_public(k, cert));
	assert_int_equal(key_fingerprint(k, fp1, sizeof(fp1)), 0);
	assert_int_equal(key_fingerprint(priv, fp2, sizeof(fp2)), 0);
	assert_string_equal(fp1, fp2);
	/* The certificate is a copy: the caller's may go. */
	key_free(cert);
	cert = NULL;
	assert_int_equal(cert_verify_signature(key_cert(k), NULL), 0);
	/* Not written as a private key file. */
	wbuf_init(&w, 0);
	assert_int_equal(key_write_private(k, "x", &w),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(wbuf_len(&w), 0);
	wbuf_clear(&w);
	/* Mismatches and misuse. */
	assert_int_equal(key_attach_cert(rsa, k, &cert), PC_ERR_KEY_INVALID);
	assert_null(cert);
	assert_int_equal(key_attach_cert(priv, rsacert, &cert),
	    PC_ERR_KEY_INVALID);
	assert_int_equal(key_attach_cert(pub, k, &cert),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(key_attach_cert(priv, pub, &cert),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(key_attach_cert(k, k, &cert),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(key_attach_cert(rsa, rsacert, &cert), 0);
	assert_true(key_has_private(cert));
	assert_string_equal(key_name(cert), "ssh-rsa-cert-v01@openssh.com");
	key_free(cert);
	free(blob);
	wbuf_clear(&b);
	key_free(k);
	key_free(priv);
	key_free(rsa);
	key_free(pub);
	key_free(rsacert);
}

/* Two certificates are equal only if their blobs are. */
static void
test_equal(void **state)
{
	struct pc_key *a, *a2, *b, *plain;

	(void)state;
	a = ch_load_cert("user_ed25519");
	a2 = ch_load_cert("user_ed25519");
	b = ch_load_cert("user_ed25519_force");
	plain = ch_load_pub("user_ed25519", ".pub");
	assert_true(key_equal_public(a, a2));
	assert_false(key_equal_public(a, b));
	assert_true(key_equal_certified(a, b));
	assert_false(key_equal_public(plain, a));
	assert_true(key_equal_certified(plain, a));
	assert_false(key_equal_public(NULL, a));
	assert_false(key_equal_certified(a, NULL));
	key_free(a);
	key_free(a2);
	key_free(b);
	key_free(plain);
}

/* A .pub line's type must be its blob's. */
static void
test_public_line(void **state)
{
	struct pc_key *k;
	uint8_t *file;
	char *line, *sp;
	size_t len;

	(void)state;
	file = ch_read_file("user_ecdsa256-cert.pub", &len);
	/* "ecdsa-sha2-nistp256 <cert blob>": first field mismatch. */
	sp = strchr((char *)file, ' ');
	assert_non_null(sp);
	assert_int_equal(asprintf(&line, "ecdsa-sha2-nistp256%s", sp) > 0, 1);
	assert_int_equal(key_from_public_line(line, &k, NULL),
	    PC_ERR_KEY_TYPE_UNKNOWN);
	free(line);
	free(file);
	file = ch_read_file("user_ecdsa256.pub", &len);
	sp = strchr((char *)file, ' ');
	assert_int_equal(asprintf(&line,
	    "ecdsa-sha2-nistp256-cert-v01@openssh.com%s", sp) > 0, 1);
	assert_int_equal(key_from_public_line(line, &k, NULL),
	    PC_ERR_KEY_TYPE_UNKNOWN);
	free(line);
	free(file);
}

/* The log line names the key, the key id, serial and CA as sshd does. */
static void
test_describe(void **state)
{
	struct pc_key *k, *plain;
	struct built *b = *state;
	struct ch_spec s;
	char *d;

	k = ch_load_cert("user_ed25519");
	assert_int_equal(key_describe(k, &d), 0);
	assert_string_equal(d, "ED25519-CERT "
	    "SHA256:bAfyvf36zqdlNwWzoCITyQfB40gIaj4taFU+jFjwvRU "
	    "ID alice@example (serial 42) CA ED25519 "
	    "SHA256:NKu2pDV2bDBVWg29droI58Zuvv0wLpTg74NKsYz/i74");
	free(d);
	key_free(k);
	plain = ch_load_pub("user_rsa", ".pub");
	assert_int_equal(key_describe(plain, &d), 0);
	assert_string_equal(d, "RSA "
	    "SHA256:DX3+Huuow5qA1xNWp9CcpQuOZG8VLcRuXc/NFsCiLOA");
	free(d);
	key_free(plain);
	/* A hostile key id cannot forge a log line. */
	ch_spec_default(&s, b->user);
	s.key_id = "x\nAccepted\\";
	s.serial = UINT64_MAX;
	assert_int_equal(build_parse(&s, b->ca, &k), 0);
	assert_int_equal(key_describe(k, &d), 0);
	assert_non_null(strstr(d, " ID x\\x0aAccepted\\x5c (serial "
	    "18446744073709551615) CA "));
	assert_null(strchr(d, '\n'));
	free(d);
	key_free(k);
}

/* Re-armour raw openssh-key-v1 bytes as ssh-keygen does. */
static void
armour(const struct wbuf *raw, struct wbuf *out)
{
	size_t elen = base64_encoded_len(wbuf_len(raw), 0), i;
	char *b64 = malloc(elen + 1);

	assert_non_null(b64);
	assert_int_equal(base64_encode(b64, elen + 1, wbuf_ptr(raw),
	    wbuf_len(raw), 0), 0);
	assert_int_equal(wbuf_put(out, "-----BEGIN OPENSSH PRIVATE KEY-----\n",
	    36), 0);
	for (i = 0; i < elen; i += 70) {
		assert_int_equal(wbuf_put(out, b64 + i,
		    elen - i < 70 ? elen - i : 70), 0);
		assert_int_equal(wbuf_put_u8(out, '\n'), 0);
	}
	assert_int_equal(wbuf_put(out, "-----END OPENSSH PRIVATE KEY-----\n",
	    34), 0);
	free(b64);
}

/* A private key file whose public key is a certificate is refused, as
 * is one whose private section names a certificate type. */
static void
test_private_file_with_cert(void **state)
{
	struct pc_key *k;
	struct wbuf raw, b, file, priv;
	uint8_t *data, *dec, *blob;
	const uint8_t *p, *pp;
	char *s, *e, *c;
	size_t len, dlen, blen, plen, i, j;
	uint32_t n;

	(void)state;
	data = ch_read_file("user_ed25519", &len);
	/* Strip the armour and line breaks. */
	s = strchr((char *)data, '\n') + 1;
	e = strstr(s, "-----END");
	assert_non_null(e);
	for (c = s, j = 0; c < e; c++) {
		if (*c != '\n')
			s[j++] = *c;
	}
	dec = malloc(base64_decoded_max(j));
	assert_non_null(dec);
	assert_int_equal(base64_decode(dec, base64_decoded_max(j), &dlen, s,
	    j, 0), 0);
	blob = ch_cert_blob("user_ed25519", &blen);
	/* magic, cipher, kdf, kdfoptions, N, then the public key. */
	wbuf_init_const(&b, dec, dlen);
	assert_int_equal(wbuf_get(&b, NULL, 0), 0);
	wbuf_init(&raw, 0);
	assert_int_equal(wbuf_put(&raw, dec, 15), 0);
	assert_int_equal(wbuf_consume(&b, 15), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(wbuf_get_string_direct(&b, &p, &plen), 0);
		assert_int_equal(wbuf_put_string(&raw, p, plen), 0);
	}
	assert_int_equal(wbuf_get_u32(&b, &n), 0);
	assert_int_equal(wbuf_put_u32(&raw, n), 0);
	assert_int_equal(wbuf_get_string_direct(&b, NULL, NULL), 0);
	assert_int_equal(wbuf_put_string(&raw, blob, blen), 0);
	assert_int_equal(wbuf_get_string_direct(&b, &pp, &plen), 0);
	assert_int_equal(wbuf_put_string(&raw, pp, plen), 0);
	wbuf_init(&file, 0);
	armour(&raw, &file);
	assert_int_equal(key_parse_private(wbuf_ptr(&file), wbuf_len(&file),
	    &k, NULL), PC_ERR_CERT_INVALID);
	/* The unchanged file still loads (the test rebuilds it right). */
	wbuf_init(&priv, 0);
	assert_int_equal(wbuf_put(&priv, dec, dlen), 0);
	wbuf_reset(&file);
	armour(&priv, &file);
	assert_int_equal(key_parse_private(wbuf_ptr(&file), wbuf_len(&file),
	    &k, NULL), 0);
	key_free(k);
	wbuf_clear(&priv);
	wbuf_clear(&file);
	wbuf_clear(&raw);
	free(blob);
	free(dec);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fixtures),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_verify_signature),
		cmocka_unit_test(test_ca_sigalgs),
		cmocka_unit_test(test_tamper_every_byte),
		cmocka_unit_test(test_truncated_and_trailing),
		cmocka_unit_test_setup_teardown(test_built_valid,
		    setup_built, teardown_built),
		cmocka_unit_test_setup_teardown(test_option_order,
		    setup_built, teardown_built),
		cmocka_unit_test_setup_teardown(test_caps,
		    setup_built, teardown_built),
		cmocka_unit_test_setup_teardown(test_bad_fields,
		    setup_built, teardown_built),
		cmocka_unit_test_setup_teardown(test_signature_field,
		    setup_built, teardown_built),
		cmocka_unit_test(test_sigalg_names),
		cmocka_unit_test(test_sign_verify_with_cert),
		cmocka_unit_test(test_attach_cert),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_public_line),
		cmocka_unit_test_setup_teardown(test_describe,
		    setup_built, teardown_built),
		cmocka_unit_test(test_private_file_with_cert),
	};

	if (crypto_lib_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
