/*
 * auth/certcheck.c: every outcome of the certificate login decision, on
 * certificates made by OpenSSH's ssh-keygen (tests/data/certs/README) and
 * a few built here for what ssh-keygen will not write.  The outcomes are
 * sshd's for the same certificates (sshkey_cert_check_authority,
 * auth-options.c, CASignatureAlgorithms).  Run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "authopts.h"
#include "cert.h"
#include "certcheck.h"
#include "key.h"
#include "rand.h"
#include "wbuf.h"

#include "cert_helpers.h"

#define T_2023		1700000000ULL	/* inside 20200101:20991231 */
#define T_20200101	1577836800ULL
#define T_20991231	4102358400ULL

struct env {
	struct pc_key *cas[3];
	struct pc_key *ca_priv;
	struct certcheck_ctx ctx;
};

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return -1;
	e->cas[0] = ch_load_pub("ca_ed25519", ".pub");
	e->cas[1] = ch_load_pub("ca_ecdsa384", ".pub");
	e->cas[2] = ch_load_pub("ca_rsa", ".pub");
	e->ca_priv = ch_load_private("ca_ed25519");
	e->ctx.now = T_2023;
	e->ctx.user = "alice";
	e->ctx.principals_required = 1;
	e->ctx.cas = (const struct pc_key *const *)e->cas;
	e->ctx.ncas = 3;
	e->ctx.addr = "192.0.2.1";
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;
	size_t i;

	for (i = 0; i < 3; i++)
		key_free(e->cas[i]);
	key_free(e->ca_priv);
	free(e);
	return 0;
}

/* certcheck_user on STEM-cert.pub: the result, *why and *opts checked. */
static int
check(const struct certcheck_ctx *ctx, const char *stem, const char *want_why,
    struct auth_opts **optsp)
{
	struct pc_key *k = ch_load_cert(stem);
	struct auth_opts *opts = (struct auth_opts *)1;
	const char *why = "unset";
	int r;

	r = certcheck_user(k, ctx, &opts, &why);
	if (want_why == NULL) {
		assert_int_equal(r, 0);
		assert_null(why);
		assert_non_null(opts);
	} else {
		assert_int_not_equal(r, 0);
		assert_non_null(why);
		assert_string_equal(why, want_why);
		assert_null(opts);
	}
	if (optsp != NULL)
		*optsp = opts;
	else
		authopts_free(opts);
	key_free(k);
	return r;
}

/* A valid certificate of every key type and CA, with ssh-keygen's
 * default extensions. */
static void
test_valid_every_type(void **state)
{
	struct env *e = *state;
	static const char *const stems[] = {
		"user_ed25519", "user_ecdsa256", "user_ecdsa384",
		"user_ecdsa521", "user_rsa", "user_ed25519_rsa256",
	};
	struct auth_opts *o;
	size_t i;

	for (i = 0; i < sizeof(stems) / sizeof(stems[0]); i++) {
		check(&e->ctx, stems[i], NULL, &o);
		assert_int_equal(o->permit_pty, 1);
		assert_int_equal(o->permit_port_forwarding, 1);
		assert_int_equal(o->permit_agent_forwarding, 1);
		assert_int_equal(o->permit_x11_forwarding, 1);
		assert_int_equal(o->permit_user_rc, 1);
		assert_null(o->force_command);
		assert_null(o->required_from_host_cert);
		assert_true(o->valid_before == T_20991231);
		authopts_free(o);
	}
}

static void
test_validity(void **state)
{
	struct env *e = *state;
	struct certcheck_ctx c = e->ctx;
	struct auth_opts *o;

	assert_int_equal(check(&c, "user_ed25519_expired",
	    "certificate expired", NULL), PC_ERR_CERT_INVALID);
	check(&c, "user_ed25519_notyet", "certificate not yet valid", NULL);
	/* [valid_after, valid_before): the first second counts, the last
	 * does not. */
	c.now = T_20200101;
	check(&c, "user_ed25519", NULL, NULL);
	c.now = T_20200101 - 1;
	check(&c, "user_ed25519", "certificate not yet valid", NULL);
	c.now = T_20991231 - 1;
	check(&c, "user_ed25519", NULL, NULL);
	c.now = T_20991231;
	check(&c, "user_ed25519", "certificate expired", NULL);
	/* -V always:forever */
	c.now = 0;
	check(&c, "user_ed25519_forever", NULL, &o);
	assert_true(o->valid_before == 0);	/* no expiry to enforce */
	authopts_free(o);
	c.now = UINT64_MAX - 1;
	check(&c, "user_ed25519_forever", NULL, NULL);
}

static void
test_principals(void **state)
{
	struct env *e = *state;
	struct certcheck_ctx c = e->ctx;
	static const char *const allowed[] = { "carol", "bob" };
	static const char *const other[] = { "carol", "dave" };

	/* TrustedUserCAKeys: the user name must be listed. */
	c.user = "bob";
	check(&c, "user_ed25519", NULL, NULL);
	c.user = "carol";
	check(&c, "user_ed25519", "principal not listed", NULL);
	c.user = "ALICE";
	check(&c, "user_ed25519", "principal not listed", NULL);
	check(&c, "user_ed25519_noprinc", "certificate lacks principal list",
	    NULL);
	/* authorized_keys cert-authority without principals=: a
	 * certificate without principals serves any user, one with
	 * principals must list the user. */
	c.principals_required = 0;
	check(&c, "user_ed25519_noprinc", NULL, NULL);
	check(&c, "user_ed25519", "principal not listed", NULL);
	/* AuthorizedPrincipalsFile: any listed principal, whatever the
	 * user name. */
	c.principals_required = 1;
	c.principals = allowed;
	c.nprincipals = 2;
	check(&c, "user_ed25519", NULL, NULL);
	c.principals = other;
	check(&c, "user_ed25519", "no certificate principal is authorized",
	    NULL);
	c.user = "alice";
	check(&c, "user_ed25519", "no certificate principal is authorized",
	    NULL);
	c.nprincipals = 0;
	check(&c, "user_ed25519", "no certificate principal is authorized",
	    NULL);
	c.principals_required = 0;
	c.principals = allowed;
	c.nprincipals = 2;
	check(&c, "user_ed25519_noprinc",
	    "no certificate principal is authorized", NULL);
}

static void
test_ca(void **state)
{
	struct env *e = *state;
	struct certcheck_ctx c = e->ctx;

	/* Signed by ca_ed25519, which is not in the list. */
	c.cas = (const struct pc_key *const *)&e->cas[1];
	c.ncas = 2;
	check(&c, "user_ed25519", "CA not trusted", NULL);
	check(&c, "user_ecdsa384", NULL, NULL);
	c.ncas = 0;
	check(&c, "user_ecdsa384", "CA not trusted", NULL);
}

static void
test_ca_sigalgs(void **state)
{
	struct env *e = *state;
	struct certcheck_ctx c = e->ctx;

	check(&c, "user_ed25519_sha1",
	    "CA signature algorithm not allowed: ssh-rsa", NULL);
	c.ca_sigalgs = "ssh-rsa";
	check(&c, "user_ed25519_sha1", NULL, NULL);
	check(&c, "user_rsa",
	    "CA signature algorithm not allowed: rsa-sha2-512", NULL);
	c.ca_sigalgs = "rsa-sha2-256,ssh-ed25519";
	check(&c, "user_ed25519_rsa256", NULL, NULL);
	check(&c, "user_ed25519", NULL, NULL);
	check(&c, "user_ecdsa384",
	    "CA signature algorithm not allowed: ecdsa-sha2-nistp384", NULL);
}

/* A changed byte (the key id: the blob still parses) breaks the CA
 * signature. */
static void
test_tampered(void **state)
{
	struct env *e = *state;
	struct auth_opts *opts;
	struct pc_key *k;
	const char *why;
	uint8_t *blob, *p;
	size_t len;

	blob = ch_cert_blob("user_ed25519", &len);
	p = memmem(blob, len, "alice@example", 13);
	assert_non_null(p);
	p[0] = 'm';
	assert_int_equal(key_from_blob(blob, len, &k), 0);
	assert_int_equal(certcheck_user(k, &e->ctx, &opts, &why),
	    PC_ERR_CERT_INVALID);
	assert_string_equal(why, "signature invalid");
	assert_null(opts);
	key_free(k);
	/* The principal list: "bob" -> "eve" would let eve in. */
	p[0] = 'a';
	p = memmem(blob, len, "bob", 3);
	memcpy(p, "eve", 3);
	assert_int_equal(key_from_blob(blob, len, &k), 0);
	assert_int_equal(certcheck_user(k, &e->ctx, &opts, &why),
	    PC_ERR_CERT_INVALID);
	assert_string_equal(why, "signature invalid");
	key_free(k);
	free(blob);
}

static void
test_options(void **state)
{
	struct env *e = *state;
	struct certcheck_ctx c = e->ctx;
	struct auth_opts *o;

	check(&c, "user_ed25519_force", NULL, &o);
	assert_string_equal(o->force_command, "/usr/bin/true");
	authopts_free(o);
	/* -O clear -O permit-pty */
	check(&c, "user_ed25519_clear", NULL, &o);
	assert_int_equal(o->permit_pty, 1);
	assert_int_equal(o->permit_port_forwarding, 0);
	assert_int_equal(o->permit_agent_forwarding, 0);
	assert_int_equal(o->permit_x11_forwarding, 0);
	assert_int_equal(o->permit_user_rc, 0);
	authopts_free(o);
	/* An unknown critical option refuses the certificate; an unknown
	 * extension is ignored. */
	check(&c, "user_ed25519_crit",
	    "unknown critical option foo@example.com", NULL);
	check(&c, "user_ed25519_ext", NULL, &o);
	assert_int_equal(o->permit_pty, 1);
	authopts_free(o);
}

static void
test_source_address(void **state)
{
	struct env *e = *state;
	struct certcheck_ctx c = e->ctx;
	struct auth_opts *o;

	/* source-address=10.0.0.0/8,192.0.2.1 */
	c.addr = "192.0.2.1";
	check(&c, "user_ed25519_source", NULL, &o);
	assert_string_equal(o->required_from_host_cert,
	    "10.0.0.0/8,192.0.2.1");
	authopts_free(o);
	c.addr = "10.200.0.7";
	check(&c, "user_ed25519_source", NULL, NULL);
	c.addr = "::ffff:10.1.1.1";
	check(&c, "user_ed25519_source", NULL, NULL);
	c.addr = "192.0.2.2";
	check(&c, "user_ed25519_source", "source address not allowed", NULL);
	c.addr = "11.0.0.1";
	check(&c, "user_ed25519_source", "source address not allowed", NULL);
	c.addr = "2001:db8::1";
	check(&c, "user_ed25519_source", "source address not allowed", NULL);
	c.addr = NULL;
	check(&c, "user_ed25519_source", "source address not allowed", NULL);
}

/* Critical options ssh-keygen will not write malformed. */
static void
test_built_options(void **state)
{
	struct env *e = *state;
	struct pc_key *user = ch_load_pub("user_ecdsa256", ".pub"), *k;
	static const struct ch_opt bad_force[] = {
		{ "force-command", "\x00\x00\x00", 1 },
	};
	static const struct ch_opt bad_cidr[] = {
		{ "source-address", "10.0.0.0/33", 0 },
	};
	static const struct ch_opt wild[] = {
		{ "source-address", "192.0.2.*", 0 },
	};
	static const struct ch_opt verify[] = {
		{ "verify-required", "", 1 },
	};
	const struct {
		const struct ch_opt *o;
		const char *why;
	} cases[] = {
		{ bad_force, "corrupt critical option force-command" },
		{ bad_cidr, "certificate source-address invalid" },
		{ wild, "certificate source-address invalid" },
		{ verify, "unknown critical option verify-required" },
	};
	struct auth_opts *opts;
	struct ch_spec s;
	struct wbuf w;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ch_spec_default(&s, user);
		s.crit = cases[i].o;
		s.ncrit = 1;
		wbuf_init(&w, 0);
		ch_build(&s, e->ca_priv, &w);
		assert_int_equal(key_from_blob(wbuf_ptr(&w), wbuf_len(&w),
		    &k), 0);
		assert_int_equal(certcheck_user(k, &e->ctx, &opts, &why),
		    PC_ERR_CERT_INVALID);
		assert_string_equal(why, cases[i].why);
		assert_null(opts);
		key_free(k);
		wbuf_clear(&w);
	}
	/* A well-formed built one passes (the cases above fail for their
	 * option alone). */
	ch_spec_default(&s, user);
	wbuf_init(&w, 0);
	ch_build(&s, e->ca_priv, &w);
	assert_int_equal(key_from_blob(wbuf_ptr(&w), wbuf_len(&w), &k), 0);
	assert_int_equal(certcheck_user(k, &e->ctx, &opts, &why), 0);
	assert_int_equal(opts->permit_pty, 1);
	assert_int_equal(opts->permit_port_forwarding, 0);
	authopts_free(opts);
	key_free(k);
	wbuf_clear(&w);
	key_free(user);
}

static void
test_not_user_cert(void **state)
{
	struct env *e = *state;
	struct certcheck_ctx c = e->ctx;
	struct pc_key *plain = ch_load_pub("user_ed25519", ".pub");
	struct auth_opts *opts;
	const char *why;

	c.user = "host.example.com";
	check(&c, "host_ed25519", "not a user certificate", NULL);
	check(&c, "host_rsa", "not a user certificate", NULL);
	assert_int_equal(certcheck_user(plain, &c, &opts, &why),
	    PC_ERR_INVALID_ARGUMENT);
	assert_null(opts);
	assert_string_equal(why, "not a certificate");
	c.user = NULL;
	check(&c, "user_ed25519", "no user", NULL);
	key_free(plain);
}

static void
test_host_cert_for_key(void **state)
{
	struct pc_key *hk = ch_load_private("host_ed25519");
	struct pc_key *rsa = ch_load_private("host_rsa");
	struct pc_key *cert = ch_load_cert("host_ed25519");
	struct pc_key *rsacert = ch_load_cert("host_rsa");
	struct pc_key *usercert = ch_load_cert("host_ed25519_user");
	struct pc_key *attached;
	const char *why;

	(void)state;
	assert_int_equal(certcheck_host_cert_for_key(hk, cert, &why), 0);
	assert_null(why);
	assert_int_equal(certcheck_host_cert_for_key(rsa, rsacert, &why), 0);
	assert_int_equal(certcheck_host_cert_for_key(hk, rsacert, &why),
	    PC_ERR_CERT_INVALID);
	assert_string_equal(why, "certificate does not match the host key");
	assert_int_equal(certcheck_host_cert_for_key(rsa, cert, &why),
	    PC_ERR_CERT_INVALID);
	assert_int_equal(certcheck_host_cert_for_key(hk, usercert, &why),
	    PC_ERR_CERT_INVALID);
	assert_string_equal(why, "not a host certificate");
	assert_int_equal(certcheck_host_cert_for_key(hk, hk, &why),
	    PC_ERR_CERT_INVALID);
	assert_string_equal(why, "not a certificate");
	assert_int_equal(key_attach_cert(hk, cert, &attached), 0);
	assert_int_equal(certcheck_host_cert_for_key(attached, cert, &why),
	    PC_ERR_CERT_INVALID);
	key_free(attached);
	key_free(hk);
	key_free(rsa);
	key_free(cert);
	key_free(rsacert);
	key_free(usercert);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid_every_type, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_validity, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_principals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ca, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ca_sigalgs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tampered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_options, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_source_address, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_built_options, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_user_cert, setup,
		    teardown),
		cmocka_unit_test(test_host_cert_for_key),
	};

	if (crypto_lib_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
