/*
 * RevokedKeys (sshd_config(5)): "a public key text file or a KRL generated
 * by ssh-keygen(1)".  Pure code: the daemon reads the file and hands its
 * bytes to revoked_parse(); nothing here does I/O.
 *
 * Two formats, told apart by the KRL magic as OpenSSH's
 * sshkey_check_revoked() does:
 *
 *  - A KRL (OpenSSH PROTOCOL.krl): header, then sections revoking
 *    certificates (by serial list, range or bitmap, or by key ID, under
 *    one CA or under any CA when the section's CA key is empty), plain keys
 *    (explicit key blobs) and key hashes (SHA-1, SHA-256 of the plain key
 *    blob).
 *  - Otherwise a text list of public keys, one "type base64 [comment]" a
 *    line as in a .pub file (no options), with blank lines and # comments.
 *    A certificate line revokes its certified key (OpenSSH compares with
 *    sshkey_equal_public).  Lines of key types OpenSSH knows but this
 *    server never accepts (ssh-dss, sk-*) and RSA keys under 1024 bits
 *    (OpenSSH skips those too) are skipped: no key that can log in matches
 *    them.  Any other malformed line is an error naming PATH:LINE.
 *
 * Any error from revoked_parse() or the checks means the list cannot be
 * trusted: the caller must then refuse every public-key login, as sshd
 * does.
 *
 * Ownership: revoked_parse() copies what it keeps (data is borrowed for the
 * call only); *out is caller-freed with revoked_free() (accepts NULL).
 * Nothing in a revocation list is secret, so lookups use memcmp/bsearch.
 */
#ifndef PC_KRL_H
#define PC_KRL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "key.h"

/* Caps on what one revocation list may hold (every one checked). */
#define REVOKED_MAX_SIZE	(128u << 20)	/* bytes of file */
#define REVOKED_MAX_ENTRIES	(1u << 20)	/* keys, hashes, IDs, ranges */
#define REVOKED_MAX_CAS		1024	/* distinct CA keys in a KRL */
#define REVOKED_MAX_SIGS	16	/* KRL_SECTION_SIGNATURE sections */
#define REVOKED_MAX_LINE	32768	/* bytes in a text list line */

struct revoked;

/*
 * Parse a RevokedKeys file's contents.  path is only used in messages.
 *
 * KRL signature sections (PROTOCOL.krl s. 6) are not required, and no key
 * is trusted to sign: sshd passes no signing CAs to ssh_krl_from_blob().
 * As OpenSSH 9.2 (Debian 12's sshd) does, each signature present is
 * verified over the KRL up to its key, sections after a signature, a key
 * signing twice and a KRL whose every signer it revokes are errors.
 * (OpenSSH >= 9.4 refuses every KRL that holds a signature.)  Extension
 * sections (PROTOCOL.krl s. 2.5, 5) that are not critical are skipped;
 * critical ones are errors.
 */
int	revoked_parse(const uint8_t *data, size_t len, const char *path,
	    struct revoked **out) PC_WUR;
void	revoked_free(struct revoked *r);

/* 1 if r came from a KRL, 0 if from a text list. */
int	revoked_is_krl(const struct revoked *r);

/*
 * A plain key: 0 if not revoked, PC_ERR_KEY_REVOKED if its blob is listed
 * (explicit key or text line) or the SHA-1 or SHA-256 hash of its blob is.
 * Other errors (allocation) mean "treat as revoked".
 */
int	revoked_check_key(const struct revoked *r,
	    const struct pc_key *key) PC_WUR;

/*
 * A certificate, given by its fields (the certificate parser lives
 * elsewhere): serial, key_id, the signing CA's key and the certified plain
 * key.  PC_ERR_KEY_REVOKED if
 *  - certified_key is revoked as by revoked_check_key(), or
 *  - a KRL certificate section for ca_key, or for any CA (empty CA key),
 *    lists key_id, or lists serial (serial 0, the default of a CA that set
 *    none, is never revoked by serial: PROTOCOL.krl, OpenSSH krl.c), or
 *  - ca_key itself is revoked as by revoked_check_key() (sshd's
 *    ssh_krl_check_key and sshkey_in_file(..., check_ca=1) check the CA
 *    too).  Checking the CA again with revoked_check_key() is harmless.
 */
int	revoked_check_cert(const struct revoked *r, uint64_t serial,
	    const char *key_id, const struct pc_key *ca_key,
	    const struct pc_key *certified_key) PC_WUR;

#endif /* PC_KRL_H */
