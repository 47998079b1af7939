/*
 * Public and private keys: host keys now, user keys and certificates in
 * the authentication issue.  Types: ssh-ed25519 (RFC 8709), ecdsa-sha2-
 * nistp256/384/521 (RFC 5656), ssh-rsa with rsa-sha2-256/512 signatures
 * (RFC 8332) and the legacy ssh-rsa SHA-1 signature.
 *
 * Formats: the public key blob (RFC 4253 s. 6.6), the authorized_keys /
 * .pub line, OpenSSH's private key format "openssh-key-v1" (PROTOCOL.key,
 * unencrypted; encrypted keys give PC_ERR_KEY_ENCRYPTED), and PEM
 * (traditional RSA/EC and PKCS#8) through OpenSSL.
 *
 * A struct pc_key holds a public key and, when loaded from a private file or
 * generated, the private half.  Caller frees with key_free (accepts NULL,
 * wipes).
 *
 * Certificates (PROTOCOL.certkeys, see crypto/cert.h) are pc_keys too: the
 * key is the certified key (key_get_type, key_bits, key_verify act on it)
 * and carries its certificate (key_is_cert, key_cert).  For a certificate
 * key_name is the certificate type name ("ssh-ed25519-cert-v01@openssh.com"),
 * key_to_blob the certificate blob and key_fingerprint, as in OpenSSH, the
 * fingerprint of the certified key.
 */
#ifndef PC_KEY_H
#define PC_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "wbuf.h"

enum key_type {
	KEY_UNSPEC = 0,
	KEY_ED25519,
	KEY_ECDSA_P256,
	KEY_ECDSA_P384,
	KEY_ECDSA_P521,
	KEY_RSA,
};

#define KEY_RSA_MIN_BITS	1024
#define KEY_RSA_DEFAULT_BITS	3072
#define KEY_FP_MAX		80	/* "SHA256:" + base64 + NUL */

struct pc_key;

/* Key type from its blob name ("ssh-ed25519", "ecdsa-sha2-nistp256",
 * "ssh-rsa"), KEY_UNSPEC if unknown. */
enum key_type key_type_from_name(const char *name);
/* Key type from a short name for keygen -t: ed25519, ecdsa, rsa.  bits
 * (may be NULL) is -b: 0 picks the default, which is written back; a size
 * the type does not have gives KEY_UNSPEC. */
enum key_type key_type_from_short_name(const char *name, unsigned *bits);
const char *key_type_name(enum key_type t);	/* blob name */
/* "ED25519", "ECDSA", "RSA" as ssh-keygen -l shows them. */
const char *key_type_label(enum key_type t);
/* Bits of a key of type t (RSA: the default size). */
unsigned key_bits_for_type(enum key_type t);
enum key_type key_get_type(const struct pc_key *k);
const char *key_name(const struct pc_key *k);	/* blob name */
unsigned key_bits(const struct pc_key *k);
int	key_has_private(const struct pc_key *k);
/* Same public key: for two certificates, the same certificate blob; a
 * certificate never equals a plain key. */
int	key_equal_public(const struct pc_key *a, const struct pc_key *b);

/* Certificates.  key_cert is borrowed from k (NULL for a plain key). */
struct pc_cert;
int	key_is_cert(const struct pc_key *k);
const struct pc_cert *key_cert(const struct pc_key *k);
/* Type certified by a certificate type name
 * ("ecdsa-sha2-nistp256-cert-v01@openssh.com"), KEY_UNSPEC if none. */
enum key_type key_type_from_cert_name(const char *name);
const char *key_type_cert_name(enum key_type t);
/* "ED25519", "RSA-CERT", ...: key_type_label with "-CERT" for a
 * certificate, as OpenSSH's logs print it. */
const char *key_label(const struct pc_key *k);
/* Same certified (underlying) public key, whether a and b are plain keys
 * or certificates. */
int	key_equal_certified(const struct pc_key *a, const struct pc_key *b);
/*
 * A private key holding a certificate for itself (HostCertificate): *kp is
 * a new key with priv's private half and a copy of cert's certificate;
 * key_to_blob gives the certificate blob and key_sign signs with the
 * private key.  priv and cert stay the caller's.  PC_ERR_KEY_INVALID if
 * cert does not certify priv's public key, PC_ERR_INVALID_ARGUMENT if priv
 * has no private half or is a certificate or cert is not one.
 */
int	key_attach_cert(const struct pc_key *priv, const struct pc_key *cert,
	    struct pc_key **kp) PC_WUR;
/*
 * For the logs, as OpenSSH prints a key: "ED25519 SHA256:..." or, for a
 * certificate, "ED25519-CERT SHA256:... ID key-id (serial 42) CA ED25519
 * SHA256:..." (the key id with non-printable bytes escaped).  *out is
 * caller-freed.
 */
int	key_describe(const struct pc_key *k, char **out) PC_WUR;

/* Signature algorithms (host key algorithms): "ssh-ed25519",
 * "ecdsa-sha2-nistp256", ..., "rsa-sha2-256", "rsa-sha2-512", "ssh-rsa",
 * and their certificate forms ("rsa-sha2-512-cert-v01@openssh.com", ...).
 * Returns the (certified) key type that signs with it, KEY_UNSPEC if
 * unknown. */
enum key_type key_type_for_sigalg(const char *sigalg);
/* "rsa-sha2-512" <-> "rsa-sha2-512-cert-v01@openssh.com", "ssh-ed25519"
 * <-> "ssh-ed25519-cert-v01@openssh.com", ...: NULL if there is none. */
const char *key_cert_sigalg_for(const char *plain_sigalg);
const char *key_plain_sigalg_for(const char *cert_sigalg);
/* Lists for HostKeyAlgorithms and -Q key / -Q HostKeyAlgorithms. */
const char *key_sigalg_default_list(void);
const char *key_sigalg_supported_list(void);

int	key_generate(enum key_type t, unsigned bits, struct pc_key **kp) PC_WUR;
void	key_free(struct pc_key *k);

/* Public key blob, RFC 4253 s. 6.6, or certificate blob (PROTOCOL.certkeys:
 * parsed and checked as crypto/cert.h says; the CA signature is not
 * verified here).  Parsing checks the key (EC point on its curve, RSA
 * modulus of KEY_RSA_MIN_BITS or more) and refuses trailing data. */
int	key_from_blob(const uint8_t *blob, size_t len,
	    struct pc_key **kp) PC_WUR;
int	key_to_blob(const struct pc_key *k, struct wbuf *out) PC_WUR;
/* "type base64 [comment]" as in authorized_keys and .pub files (no
 * options; a trailing newline is ignored on input and not written on
 * output).  *comment (if comment is not NULL) is caller-freed, "" if
 * none. */
int	key_from_public_line(const char *line, struct pc_key **kp,
	    char **comment) PC_WUR;
int	key_to_public_line(const struct pc_key *k, const char *comment,
	    struct wbuf *out) PC_WUR;

/* A private key file's contents, in any supported format. *comment may
 * be NULL; else caller frees (empty string if none). */
int	key_parse_private(const uint8_t *data, size_t len, struct pc_key **kp,
	    char **comment) PC_WUR;
/* openssh-key-v1, unencrypted, PEM-armoured as ssh-keygen writes it.  A
 * certificate gives PC_ERR_INVALID_ARGUMENT (write the plain key; the
 * certificate is its own -cert.pub file). */
int	key_write_private(const struct pc_key *k, const char *comment,
	    struct wbuf *out) PC_WUR;

/*
 * Sign data with the private key.  sigalg picks the hash for RSA
 * (rsa-sha2-256, rsa-sha2-512 or ssh-rsa); NULL means the key's default
 * (rsa-sha2-512 for RSA).  A certificate algorithm
 * ("rsa-sha2-512-cert-v01@openssh.com") signs, on a key holding a
 * certificate, with its plain algorithm, whose name the signature carries
 * as OpenSSH does.  Appends the signature blob (string algorithm
 * name, string signature: RFC 4253 s. 6.6, RFC 5656 s. 3.1.2, RFC 8332,
 * RFC 8709) to sig.
 */
int	key_sign(const struct pc_key *k, const char *sigalg,
	    const uint8_t *data, size_t len, struct wbuf *sig) PC_WUR;
/* Verify a signature blob.  If sigalg is not NULL the blob's algorithm
 * must equal it; if NULL, any algorithm of the key's type except the
 * SHA-1 "ssh-rsa" is accepted.  A certificate verifies with its certified
 * key; its sigalg may be the certificate algorithm, and the blob then
 * names the plain one ("ssh-ed25519-cert-v01@openssh.com" signs as
 * "ssh-ed25519"); a plain key refuses certificate algorithms.
 * PC_ERR_SIGNATURE_INVALID on a bad signature or algorithm; a malformed blob gives the wbuf parse error
 * (PC_ERR_MSG_INCOMPLETE, PC_ERR_TRAILING_DATA, ...).  On a key_sign
 * error nothing is appended to sig. */
int	key_verify(const struct pc_key *k, const char *sigalg,
	    const uint8_t *data, size_t len, const uint8_t *sig,
	    size_t siglen) PC_WUR;

/* "SHA256:<unpadded base64>" of the public blob; of the certified key's
 * blob for a certificate (as ssh-keygen -l and sshd's logs). */
int	key_fingerprint(const struct pc_key *k, char *out,
	    size_t outlen) PC_WUR;

#endif /* PC_KEY_H */
