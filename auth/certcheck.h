/*
 * May this certificate log in?  The pure decision over an OpenSSH
 * certificate (PROTOCOL.certkeys) as sshd makes it for TrustedUserCAKeys,
 * AuthorizedPrincipalsFile and authorized_keys cert-authority lines, and
 * the check of a HostCertificate against its private key.  No I/O, no
 * logging, no clock: the caller passes the time and the trusted CA keys,
 * and logs the reason.
 *
 * *why is a short reason for the log: static text, or (when it names an
 * option or algorithm from the certificate) a per-thread buffer valid until
 * the next certcheck call in the same thread.
 */
#ifndef PC_CERTCHECK_H
#define PC_CERTCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "authopts.h"
#include "err.h"
#include "key.h"

struct certcheck_ctx {
	uint64_t now;			/* seconds since the epoch */
	const char *user;		/* the user logging in (required) */
	/*
	 * AuthorizedPrincipalsFile / AuthorizedPrincipalsCommand names, or
	 * an authorized_keys principals="" list: if not NULL, one of the
	 * certificate's principals must be one of these, and the user name
	 * is not looked for.
	 */
	const char *const *principals;
	size_t nprincipals;
	/*
	 * Refuse a certificate with no principals (TrustedUserCAKeys).  If
	 * not set and principals is NULL, a certificate without principals
	 * is accepted for any user, as sshd does for an authorized_keys
	 * cert-authority line.
	 */
	int principals_required;
	const struct pc_key *const *cas;	/* trusted CA keys */
	size_t ncas;
	const char *ca_sigalgs;		/* CASignatureAlgorithms, NULL:
					 * the default */
	const char *addr;		/* numeric peer address */
};

/*
 * 0 if certkey (a certificate whose holder's signature is checked by the
 * caller) may log in as ctx->user: signed by one of ctx->cas with an
 * algorithm in ctx->ca_sigalgs and a valid signature, a user certificate,
 * valid at ctx->now (valid_after <= now < valid_before), with an accepted
 * principal, only known critical options, and from a source address it
 * allows.  Then *opts (caller frees with authopts_free) holds the
 * restrictions: nothing permitted but the certificate's extensions, and
 * its force-command and source-address.  Else PC_ERR_CERT_INVALID (or
 * PC_ERR_ALLOC, PC_ERR_INVALID_ARGUMENT) with *why set and *opts NULL.
 */
int	certcheck_user(const struct pc_key *certkey,
	    const struct certcheck_ctx *ctx, struct auth_opts **opts,
	    const char **why) PC_WUR;

/*
 * 0 if cert (from a HostCertificate file) is a host certificate for the
 * public half of priv (a HostKey); else PC_ERR_CERT_INVALID with *why.
 * The CA signature and validity are not the server's to judge (the
 * client does) and are not checked.
 */
int	certcheck_host_cert_for_key(const struct pc_key *priv,
	    const struct pc_key *cert, const char **why) PC_WUR;

#endif /* PC_CERTCHECK_H */
