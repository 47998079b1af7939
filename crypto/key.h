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
int	key_equal_public(const struct pc_key *a, const struct pc_key *b);

/* Signature algorithms (host key algorithms): "ssh-ed25519",
 * "ecdsa-sha2-nistp256", ..., "rsa-sha2-256", "rsa-sha2-512", "ssh-rsa".
 * Returns the key type that signs with it, KEY_UNSPEC if unknown. */
enum key_type key_type_for_sigalg(const char *sigalg);
/* Lists for HostKeyAlgorithms and -Q key / -Q HostKeyAlgorithms. */
const char *key_sigalg_default_list(void);
const char *key_sigalg_supported_list(void);

int	key_generate(enum key_type t, unsigned bits, struct pc_key **kp) PC_WUR;
void	key_free(struct pc_key *k);

/* Public key blob, RFC 4253 s. 6.6.  Parsing checks the key (EC point on
 * its curve, RSA modulus of KEY_RSA_MIN_BITS or more) and refuses
 * trailing data. */
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
/* openssh-key-v1, unencrypted, PEM-armoured as ssh-keygen writes it. */
int	key_write_private(const struct pc_key *k, const char *comment,
	    struct wbuf *out) PC_WUR;

/*
 * Sign data with the private key.  sigalg picks the hash for RSA
 * (rsa-sha2-256, rsa-sha2-512 or ssh-rsa); NULL means the key's default
 * (rsa-sha2-512 for RSA).  Appends the signature blob (string algorithm
 * name, string signature: RFC 4253 s. 6.6, RFC 5656 s. 3.1.2, RFC 8332,
 * RFC 8709) to sig.
 */
int	key_sign(const struct pc_key *k, const char *sigalg,
	    const uint8_t *data, size_t len, struct wbuf *sig) PC_WUR;
/* Verify a signature blob.  If sigalg is not NULL the blob's algorithm
 * must equal it; if NULL, any algorithm of the key's type except the
 * SHA-1 "ssh-rsa" is accepted.  PC_ERR_SIGNATURE_INVALID on a bad
 * signature or algorithm; a malformed blob gives the wbuf parse error
 * (PC_ERR_MSG_INCOMPLETE, PC_ERR_TRAILING_DATA, ...).  On a key_sign
 * error nothing is appended to sig. */
int	key_verify(const struct pc_key *k, const char *sigalg,
	    const uint8_t *data, size_t len, const uint8_t *sig,
	    size_t siglen) PC_WUR;

/* "SHA256:<unpadded base64>" of the public blob. */
int	key_fingerprint(const struct pc_key *k, char *out,
	    size_t outlen) PC_WUR;

#endif /* PC_KEY_H */
