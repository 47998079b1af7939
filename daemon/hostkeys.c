/* Host keys and moduli (see hostkeys.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certcheck.h"
#include "fuzzcheap.h"
#include "hostkeys.h"
#include "keyfile.h"
#include "log.h"

#define MODULI_MAX_ENTRIES	4096

int
hostkeys_load(struct hostkeys *hk, char *const *paths, size_t npaths)
{
	struct pc_key *k;
	size_t i, j;
	int r;

	memset(hk, 0, sizeof(*hk));
	for (i = 0; i < npaths; i++) {
		k = NULL;
		if ((r = keyfile_load_private(paths[i], &k, NULL)) != 0) {
			error("Unable to load host key \"%s\": %s", paths[i],
			    r == PC_ERR_SYSTEM ? strerror(errno) :
			    pc_strerror(r));
			continue;
		}
		for (j = 0; j < hk->n; j++) {
			if (key_get_type(hk->keys[j]) == key_get_type(k))
				break;
		}
		if (j < hk->n) {
			error("Host key \"%s\": a %s host key was already "
			    "loaded; ignoring this one", paths[i],
			    key_name(k));
			key_free(k);
			continue;
		}
		if (hk->n >= HOSTKEYS_MAX) {
			key_free(k);
			break;
		}
		debug("loaded host key %s: %s", paths[i], key_name(k));
		hk->keys[hk->n++] = k;
	}
	if (hk->n == 0) {
		error("no host keys could be loaded");
		return PC_ERR_NOT_FOUND;
	}
	return 0;
}

void
hostkeys_clear(struct hostkeys *hk)
{
	size_t i;

	for (i = 0; i < hk->n; i++)
		key_free(hk->keys[i]);
	memset(hk, 0, sizeof(*hk));
}

int
hostkeys_add_certs(struct hostkeys *hk, char *const *paths, size_t npaths)
{
	struct pc_key *cert, *withcert;
	const char *why;
	size_t i, j, nplain = hk->n;
	int r;

	for (i = 0; i < npaths; i++) {
		cert = NULL;
		if ((r = keyfile_load_public(paths[i], &cert, NULL)) != 0 ||
		    !key_is_cert(cert)) {
			error("Could not load host certificate \"%s\": %s",
			    paths[i], r != 0 ? pc_strerror(r) :
			    "not a certificate");
			key_free(cert);
			continue;
		}
		for (j = 0; j < nplain; j++) {
			if (certcheck_host_cert_for_key(hk->keys[j], cert,
			    &why) == 0)
				break;
		}
		if (j == nplain || hk->n >= HOSTKEYS_MAX ||
		    key_attach_cert(hk->keys[j], cert, &withcert) != 0) {
			error("No matching private key for certificate \"%s\"",
			    paths[i]);
			key_free(cert);
			continue;
		}
		debug("host certificate %s for %s", paths[i],
		    key_name(withcert));
		hk->keys[hk->n++] = withcert;
		key_free(cert);
	}
	return 0;
}

int
hostkeys_sign(void *arg, const struct pc_key *key, const char *sigalg,
    const uint8_t *data, size_t len, struct wbuf *sig)
{
	/* Exchange hashes are SHA-256, -384 or -512 digests. */
	if (len != 32 && len != 48 && len != 64)
		return PC_ERR_INVALID_ARGUMENT;
#ifdef PC_FUZZ_CHEAP
	/* A signature blob of the right shape and no value (fuzzcheap.h). */
	if (pc_fuzz_cheap & PC_FUZZ_FAKE_HOSTSIG) {
		static const uint8_t zeros[64];
		int r;

		if ((r = wbuf_put_cstring(sig, sigalg != NULL ? sigalg :
		    key_name(key))) != 0)
			return r;
		return wbuf_put_string(sig, zeros, sizeof(zeros));
	}
#endif
	return key_sign(key, sigalg, data, len, sig);
}

int
moduli_load(const char *path, struct kex_moduli_entry **out, size_t *np)
{
	struct kex_moduli_entry *list = NULL, *nl;
	char line[KEXALG_MODULI_LINE_MAX + 2];
	size_t n = 0, cap = 0;
	FILE *f;
	int lineno = 0, r;

	*out = NULL;
	*np = 0;
	if ((f = fopen(path, "r")) == NULL) {
		logit("WARNING: could not open %s (%s); using the RFC 3526 "
		    "groups for group exchange", path, strerror(errno));
		return 0;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			error("%s line %d: line too long", path, lineno);
			r = PC_ERR_CONFIG;
			goto out;
		}
		if (n >= MODULI_MAX_ENTRIES)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nl = realloc(list, cap * sizeof(*list))) == NULL) {
				r = PC_ERR_ALLOC;
				goto out;
			}
			list = nl;
		}
		r = kexalg_moduli_parse_line(line, &list[n]);
		if (r == PC_ERR_NOT_FOUND)
			continue;	/* comment or blank */
		if (r != 0) {
			error("%s line %d: bad modulus: %s", path, lineno,
			    pc_strerror(r));
			continue;
		}
		n++;
	}
	r = 0;
	debug("loaded %zu moduli from %s", n, path);
 out:
	fclose(f);
	if (r != 0) {
		moduli_free(list, n);
		return r;
	}
	*out = list;
	*np = n;
	return 0;
}

void
moduli_free(struct kex_moduli_entry *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		kexalg_moduli_clear(&list[i]);
	free(list);
}
