/*
 * authorized_keys and AuthorizedPrincipalsFile contents (sshd(8)
 * "AUTHORIZED_KEYS FILE FORMAT", sshd_config(5)
 * AuthorizedPrincipalsFile): one line's grammar, and the search of a whole
 * file for the key (or the certificate principal) being offered.
 *
 * Pure code: the daemon reads the file and passes its contents; nothing
 * here touches the file system.  Malformed lines are logged with
 * "PATH:LINE: reason" and never match.
 */
#ifndef PC_AUTHKEYS_H
#define PC_AUTHKEYS_H

#include <stddef.h>
#include <stdint.h>

#include "authopts.h"
#include "err.h"
#include "key.h"

/*
 * Longest line we read.  OpenSSH reads authorized_keys lines of any
 * length but never accepts a public key longer than SSH_MAX_PUBKEY_BYTES
 * (16 KiB): the same bound here covers a 16384-bit RSA key (about 2.8 KiB
 * of base64) with 8 KiB of options (AUTHOPTS_MAX_LINE) and a comment.
 * Longer lines are malformed.
 */
#define AUTHKEYS_MAX_LINE	16384
/* Lines of one file we look at; the rest is ignored (logged). */
#define AUTHKEYS_MAX_LINES	1000000

/* One parsed authorized_keys line; all members owned. */
struct authkeys_line {
	struct auth_opts *opts;		/* never NULL after a parse */
	struct pc_key *key;
	char *comment;			/* "" if none */
	int is_cert_authority;		/* the cert-authority option */
};

/*
 * Parse one line ("[options] keytype base64 [comment]", a trailing
 * newline allowed).  Leading blanks are skipped.  If the first word is a
 * key type the line has no options.  Returns:
 *   0: *out filled (release with authkeys_line_clear);
 *   PC_ERR_NOT_FOUND: a blank or '#' comment line;
 *   PC_ERR_KEY_TYPE_UNKNOWN: a well-formed line for a key type this server
 *     does not support (ssh-dss, sk-*), *errstr says so;
 *   another PC_ERR_*: malformed, with *errstr a short static reason.
 * Certificates (*-cert-v01@openssh.com) are refused as keys.  *out is
 * zeroed on every error.
 */
int	authkeys_parse_line(const char *line, struct authkeys_line *out,
	    const char **errstr) PC_WUR;
void	authkeys_line_clear(struct authkeys_line *l);

/* What is being authenticated, for a search. */
struct authkeys_query {
	/* The key offered, or for a certificate the CA key that signed it
	 * (borrowed). */
	const struct pc_key *key;
	/* 1: the key is a certificate's CA: only cert-authority lines match
	 * (their principals= is for the caller to check); 0: only lines
	 * without cert-authority match. */
	int want_ca;
	const char *addr;	/* peer's numeric address */
	const char *host;	/* peer's host name, or NULL (the address) */
	uint64_t now;		/* seconds since the epoch, for expiry */
};

struct authkeys_match {
	struct auth_opts *opts;	/* the line's options; caller frees */
	size_t line;		/* 1-based line number */
};

/* Free m->opts and zero m. */
void	authkeys_match_clear(struct authkeys_match *m);

/*
 * Search authorized_keys contents[0..len) (path names it in the logs).
 * The first line whose key equals q->key (and whose cert-authority
 * option agrees with q->want_ca) and whose options admit the connection
 * (expiry-time=, from=, principals= only with cert-authority) matches:
 * 0 with *m filled.  A key match refused by its options is logged
 * ("PATH:LINE: reason") and the search goes on, as sshd does.
 * PC_ERR_NOT_FOUND if no line matches.
 */
int	authkeys_find(const char *contents, size_t len, const char *path,
	    const struct authkeys_query *q, struct authkeys_match *m) PC_WUR;

/*
 * Search AuthorizedPrincipalsFile contents: each line is "[options]
 * principal"; '#' starts a comment anywhere on a line (as sshd).  The
 * first line whose principal equals one of cert_principals[0..n)
 * decides, as in sshd: 0 with *m filled if its options admit the
 * connection (cert-authority and principals= are not allowed there),
 * else PC_ERR_NOT_FOUND (logged).  q->key and q->want_ca are not used.
 */
int	authkeys_find_principal(const char *contents, size_t len,
	    const char *path, const char *const *cert_principals, size_t n,
	    const struct authkeys_query *q, struct authkeys_match *m) PC_WUR;

#endif /* PC_AUTHKEYS_H */
