/*
 * OpenSSH certificates (PROTOCOL.certkeys; draft-ietf-sshm-cert): the
 * ssh-ed25519-cert-v01@openssh.com, ecdsa-sha2-nistp{256,384,521}-cert-
 * v01@openssh.com and ssh-rsa-cert-v01@openssh.com key types.
 *
 * A certificate is a struct pc_key (crypto/key.h) whose blob type is a
 * -cert-v01 name: key_from_blob and key_from_public_line make one,
 * key_is_cert tells, and key_cert returns its struct pc_cert.  The pc_key
 * itself carries the certified public key, so key_get_type, key_bits,
 * key_verify and (for a host key with key_attach_cert) key_sign work on
 * the certified key; key_name is the certificate type name and
 * key_to_blob gives the certificate blob.
 *
 * Parsing checks the structure (every field present, lists well formed,
 * capped, critical options and extensions in strict lexical order, the CA
 * key not itself a certificate, no trailing data) but NOT the CA
 * signature: call cert_verify_signature, or auth/certcheck.h which does.
 *
 * Ownership: a struct pc_cert belongs to its pc_key and lives until
 * key_free of that key; everything it points to (strings, option data,
 * the certified and CA keys) is owned by it and read-only for callers.
 */
#ifndef PC_CERT_H
#define PC_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "key.h"

#define CERT_TYPE_USER		1	/* SSH2_CERT_TYPE_USER */
#define CERT_TYPE_HOST		2	/* SSH2_CERT_TYPE_HOST */

#define CERT_MAX_PRINCIPALS	256	/* as OpenSSH's sshkey.c */
#define CERT_MAX_OPTIONS	64	/* critical options, extensions each */
#define CERT_FOREVER		UINT64_MAX	/* valid_before: no expiry */

/* The CASignatureAlgorithms default (sshd_config(5)), strongest first. */
#define CERT_CA_SIGALGS_DEFAULT \
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384," \
	"ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256"

/* One critical option or extension: name and its raw data field.  For
 * force-command and source-address the data is itself a string holding
 * the value (cert_option_value decodes it); for the permit-* extensions
 * it is empty. */
struct cert_option {
	char *name;		/* non-empty, no NUL */
	const uint8_t *data;	/* points into the certificate blob */
	size_t datalen;
};

struct pc_cert {
	uint32_t type;		/* CERT_TYPE_USER or CERT_TYPE_HOST */
	uint64_t serial;
	char *key_id;
	char **principals;	/* in certificate order, may be empty */
	size_t nprincipals;
	uint64_t valid_after;	/* seconds since the epoch, inclusive */
	uint64_t valid_before;	/* exclusive; CERT_FOREVER: no expiry */
	struct cert_option *critical;
	size_t ncritical;
	struct cert_option *extensions;
	size_t nextensions;
	const uint8_t *nonce;	/* into the blob */
	size_t noncelen;
	const uint8_t *reserved; /* into the blob; ignored, as
				  * PROTOCOL.certkeys says */
	size_t reservedlen;
	struct pc_key *key;	/* the certified key, a plain public key */
	struct pc_key *ca_key;	/* "signature key": a plain public key */
	char *sig_alg;		/* algorithm named in the signature blob */
	const uint8_t *signature; /* the signature blob, into the blob */
	size_t siglen;
	uint8_t *blob;		/* the whole certificate blob */
	size_t bloblen;
	size_t signed_len;	/* bytes of blob covered by the signature */
};

/* Borrowed from c (NULL if c is NULL). */
const struct pc_key *cert_key(const struct pc_cert *c);
const struct pc_key *cert_ca_key(const struct pc_cert *c);
/* "user", "host" or "unknown", for the logs. */
const char *cert_type_name(const struct pc_cert *c);

/*
 * Check the CA's signature over the blob up to the signature field.  The
 * signature's algorithm must be in allowed_ca_sigalgs (a comma list, as
 * CASignatureAlgorithms; NULL means CERT_CA_SIGALGS_DEFAULT) and belong to
 * the CA key's type.  0, PC_ERR_NO_ALGORITHM_MATCH (algorithm not
 * allowed) or PC_ERR_SIGNATURE_INVALID.
 */
int	cert_verify_signature(const struct pc_cert *c,
	    const char *allowed_ca_sigalgs) PC_WUR;

/*
 * The value of an option whose data is one string (force-command,
 * source-address: PROTOCOL.certkeys "Critical options"): a new
 * NUL-terminated copy in *valuep, caller frees.  PC_ERR_INVALID_FORMAT if
 * the data is not exactly one string without NUL bytes.
 */
int	cert_option_value(const struct cert_option *o, char **valuep) PC_WUR;

/* The named option in a list, NULL if absent. */
const struct cert_option *cert_find_option(const struct cert_option *opts,
	    size_t nopts, const char *name);

#endif /* PC_CERT_H */
