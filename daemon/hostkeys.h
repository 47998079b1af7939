/*
 * Host keys: loading the HostKey files and signing exchange hashes.
 *
 * This is part of the narrow privileged interface: the connection code
 * only ever holds the public halves' use through hostkeys_sign(), so the
 * privilege-separation issue can move the private keys into a monitor
 * process without changing callers.
 */
#ifndef PC_HOSTKEYS_H
#define PC_HOSTKEYS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "kexalg.h"
#include "key.h"
#include "wbuf.h"

#define HOSTKEYS_MAX	64

struct hostkeys {
	struct pc_key *keys[HOSTKEYS_MAX];	/* owned, private halves */
	size_t n;
};

/*
 * Load every path; a file that cannot be read is logged and skipped (as
 * sshd does), two keys of one type are refused.  PC_ERR_NOT_FOUND when no
 * key at all could be loaded.  Free with hostkeys_clear.
 */
int	hostkeys_load(struct hostkeys *hk, char *const *paths,
	    size_t npaths) PC_WUR;
void	hostkeys_clear(struct hostkeys *hk);
/*
 * HostCertificate: each file's certificate is attached to the loaded host
 * key it certifies, as another entry that offers the -cert-v01 host key
 * algorithm.  A certificate matching no key, or unreadable, is logged and
 * skipped (as sshd).
 */
int	hostkeys_add_certs(struct hostkeys *hk, char *const *paths,
	    size_t npaths) PC_WUR;
/* tp_sign_fn: sign data (an exchange hash) with a loaded key. */
int	hostkeys_sign(void *arg, const struct pc_key *key, const char *sigalg,
	    const uint8_t *data, size_t len, struct wbuf *sig) PC_WUR;

/*
 * Read a moduli(5) file for group exchange.  A missing file is not an
 * error (the RFC 3526 groups are used, as OpenSSH does, with a warning);
 * malformed lines are logged with file and line and skipped.  Caller
 * frees with moduli_free.
 */
int	moduli_load(const char *path, struct kex_moduli_entry **out,
	    size_t *n) PC_WUR;
void	moduli_free(struct kex_moduli_entry *list, size_t n);

#endif /* PC_HOSTKEYS_H */
