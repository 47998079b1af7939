/*
 * Certificate login decisions (see certcheck.h).  The rules are those of
 * PROTOCOL.certkeys and of sshd: sshkey_cert_check_authority for type,
 * validity and principals, auth-options.c for critical options and
 * extensions, auth2-pubkey.c for CASignatureAlgorithms.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authopts.h"
#include "cert.h"
#include "certcheck.h"
#include "key.h"
#include "match.h"

#define CERTCHECK_WHY_MAX	160

static _Thread_local char certcheck_whybuf[CERTCHECK_WHY_MAX];

/* "prefix name", with name's non-printable bytes as '?'. */
static const char *
certcheck_why_named(const char *prefix, const char *name)
{
	size_t i, off;

	snprintf(certcheck_whybuf, sizeof(certcheck_whybuf), "%s ", prefix);
	off = strlen(certcheck_whybuf);
	for (i = 0; name[i] != '\0' && off + 1 < sizeof(certcheck_whybuf);
	    i++) {
		certcheck_whybuf[off++] = name[i] >= 0x20 && name[i] < 0x7f ?
		    name[i] : '?';
	}
	certcheck_whybuf[off] = '\0';
	return certcheck_whybuf;
}

static int
certcheck_ca_trusted(const struct pc_cert *c, const struct certcheck_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->ncas; i++) {
		if (key_equal_public(ctx->cas[i], cert_ca_key(c)))
			return 1;
	}
	return 0;
}

/* sshkey_cert_check_authority: the principal rules (certcheck.h). */
static int
certcheck_principals(const struct pc_cert *c, const struct certcheck_ctx *ctx,
    const char **why)
{
	size_t i, j;

	if (c->nprincipals == 0 && ctx->principals_required) {
		*why = "certificate lacks principal list";
		return PC_ERR_CERT_INVALID;
	}
	if (ctx->principals != NULL) {
		for (i = 0; i < c->nprincipals; i++) {
			for (j = 0; j < ctx->nprincipals; j++) {
				if (strcmp(c->principals[i],
				    ctx->principals[j]) == 0)
					return 0;
			}
		}
		*why = "no certificate principal is authorized";
		return PC_ERR_CERT_INVALID;
	}
	if (c->nprincipals == 0)
		return 0;
	for (i = 0; i < c->nprincipals; i++) {
		if (strcmp(c->principals[i], ctx->user) == 0)
			return 0;
	}
	*why = "principal not listed";
	return PC_ERR_CERT_INVALID;
}

/* One critical option: only those sshd knows (PROTOCOL.certkeys), each
 * holding one string; source-address must allow the peer. */
static int
certcheck_critical(const struct cert_option *o, const struct certcheck_ctx *ctx,
    struct auth_opts *opts, const char **why)
{
	char *value = NULL;
	int known, r;

	known = strcmp(o->name, "force-command") == 0 ||
	    strcmp(o->name, "source-address") == 0;
	if (cert_option_value(o, &value) != 0 && known) {
		*why = certcheck_why_named("corrupt critical option", o->name);
		return PC_ERR_CERT_INVALID;
	}
	r = authopts_cert_critical(opts, o->name, value);
	if (r == PC_ERR_ALLOC) {
		*why = "out of memory";
		goto out;
	}
	if (r != 0 && strcmp(o->name, "source-address") == 0) {
		*why = "certificate source-address invalid";
		r = PC_ERR_CERT_INVALID;
		goto out;
	}
	if (r != 0) {
		*why = certcheck_why_named(known ? "invalid critical option" :
		    "unknown critical option", o->name);
		r = PC_ERR_CERT_INVALID;
		goto out;
	}
	if (strcmp(o->name, "source-address") == 0) {
		/* A strict CIDR list, as sshd's addr_match_cidr_list. */
		r = ctx->addr == NULL ? MATCH_NONE :
		    match_cidr_list(ctx->addr, value);
		if (r < 0) {
			*why = "certificate source-address invalid";
			r = PC_ERR_CERT_INVALID;
			goto out;
		}
		if (r != MATCH_YES) {
			*why = "source address not allowed";
			r = PC_ERR_CERT_INVALID;
			goto out;
		}
		r = 0;
	}
 out:
	free(value);
	return r;
}

/* The restrictions of a certificate that passed the other checks. */
static int
certcheck_options(const struct pc_cert *c, const struct certcheck_ctx *ctx,
    struct auth_opts **optsp, const char **why)
{
	struct auth_opts *opts = NULL;
	size_t i;
	int r;

	if ((r = authopts_cert_defaults(&opts)) != 0) {
		*why = "out of memory";
		return r;
	}
	for (i = 0; i < c->ncritical; i++) {
		if ((r = certcheck_critical(&c->critical[i], ctx, opts,
		    why)) != 0)
			goto out;
	}
	for (i = 0; i < c->nextensions; i++) {
		if ((r = authopts_cert_extension(opts,
		    c->extensions[i].name)) != 0) {
			*why = r == PC_ERR_ALLOC ? "out of memory" :
			    certcheck_why_named("invalid extension",
			    c->extensions[i].name);
			if (r != PC_ERR_ALLOC)
				r = PC_ERR_CERT_INVALID;
			goto out;
		}
	}
	/* The session may not outlive the certificate's validity. */
	if (c->valid_before != CERT_FOREVER)
		opts->valid_before = c->valid_before;
	*optsp = opts;
	opts = NULL;
 out:
	authopts_free(opts);
	return r;
}

int
certcheck_user(const struct pc_key *certkey, const struct certcheck_ctx *ctx,
    struct auth_opts **opts, const char **why)
{
	const struct pc_cert *c;
	int r;

	*opts = NULL;
	*why = NULL;
	if (ctx == NULL || ctx->user == NULL) {
		*why = "no user";
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((c = key_cert(certkey)) == NULL) {
		*why = "not a certificate";
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (!certcheck_ca_trusted(c, ctx)) {
		*why = "CA not trusted";
		return PC_ERR_CERT_INVALID;
	}
	/* The CA signature: nothing in the certificate counts before. */
	r = cert_verify_signature(c, ctx->ca_sigalgs);
	if (r == PC_ERR_NO_ALGORITHM_MATCH) {
		*why = certcheck_why_named(
		    "CA signature algorithm not allowed:", c->sig_alg);
		return PC_ERR_CERT_INVALID;
	}
	if (r != 0) {
		*why = "signature invalid";
		return r == PC_ERR_ALLOC ? r : PC_ERR_CERT_INVALID;
	}
	if (c->type != CERT_TYPE_USER) {
		*why = "not a user certificate";
		return PC_ERR_CERT_INVALID;
	}
	if (ctx->now < c->valid_after) {
		*why = "certificate not yet valid";
		return PC_ERR_CERT_INVALID;
	}
	if (ctx->now >= c->valid_before) {
		*why = "certificate expired";
		return PC_ERR_CERT_INVALID;
	}
	if ((r = certcheck_principals(c, ctx, why)) != 0)
		return r;
	return certcheck_options(c, ctx, opts, why);
}

int
certcheck_host_cert_for_key(const struct pc_key *priv,
    const struct pc_key *cert, const char **why)
{
	const struct pc_cert *c;

	*why = NULL;
	if ((c = key_cert(cert)) == NULL) {
		*why = "not a certificate";
		return PC_ERR_CERT_INVALID;
	}
	if (c->type != CERT_TYPE_HOST) {
		*why = "not a host certificate";
		return PC_ERR_CERT_INVALID;
	}
	if (priv == NULL || key_is_cert(priv) ||
	    !key_equal_certified(priv, cert)) {
		*why = "certificate does not match the host key";
		return PC_ERR_CERT_INVALID;
	}
	return 0;
}
