/*
 * Userauth messages as OpenSSH's client builds them (RFC 4252, RFC 4256,
 * PROTOCOL s. 2.5), for the seeds of fuzz_userauth and fuzz_preauth.
 * Each builder replaces the contents of m with one message; any failure
 * aborts (a broken seed generator).
 */
#ifndef PC_FUZZAUTH_H
#define PC_FUZZAUTH_H

#include <stdlib.h>

#include "key.h"
#include "ssh2.h"
#include "wbuf.h"

#define FUZZAUTH_HOSTBOUND	"publickey-hostbound-v00@openssh.com"

static inline void
fuzzauth_service_request(struct wbuf *m)
{
	wbuf_reset(m);
	if (wbuf_put_u8(m, SSH2_MSG_SERVICE_REQUEST) != 0 ||
	    wbuf_put_cstring(m, "ssh-userauth") != 0)
		abort();
}

static inline void
fuzzauth_head(struct wbuf *m, const char *user, const char *method)
{
	wbuf_reset(m);
	if (wbuf_put_u8(m, SSH2_MSG_USERAUTH_REQUEST) != 0 ||
	    wbuf_put_cstring(m, user) != 0 ||
	    wbuf_put_cstring(m, "ssh-connection") != 0 ||
	    wbuf_put_cstring(m, method) != 0)
		abort();
}

static inline void
fuzzauth_none(struct wbuf *m, const char *user)
{
	fuzzauth_head(m, user, "none");
}

static inline void
fuzzauth_password(struct wbuf *m, const char *user, const char *pw)
{
	fuzzauth_head(m, user, "password");
	if (wbuf_put_bool(m, 0) != 0 || wbuf_put_cstring(m, pw) != 0)
		abort();
}

/*
 * publickey (or publickey-hostbound-v00@openssh.com with hostkey set),
 * signed over the session id sid when with_sig is set.
 */
static inline void
fuzzauth_pubkey(struct wbuf *m, const char *user, const struct pc_key *k,
    const char *alg, int with_sig, const struct pc_key *hostkey,
    const uint8_t *sid, size_t sidlen)
{
	struct wbuf blob, hk, d;

	wbuf_init(&blob, 0);
	wbuf_init(&hk, 0);
	wbuf_init(&d, 0);
	if (key_to_blob(k, &blob) != 0 ||
	    (hostkey != NULL && key_to_blob(hostkey, &hk) != 0))
		abort();
	fuzzauth_head(m, user, hostkey != NULL ? FUZZAUTH_HOSTBOUND :
	    "publickey");
	if (wbuf_put_bool(m, with_sig) != 0 ||
	    wbuf_put_cstring(m, alg) != 0 ||
	    wbuf_put_stringb(m, &blob) != 0 ||
	    (hostkey != NULL && wbuf_put_stringb(m, &hk) != 0))
		abort();
	if (with_sig) {
		/* string session id || the request so far (RFC 4252 s. 7) */
		if (wbuf_put_string(&d, sid, sidlen) != 0 ||
		    wbuf_put(&d, wbuf_ptr(m), wbuf_len(m)) != 0)
			abort();
		wbuf_reset(&blob);
		if (key_sign(k, alg, wbuf_ptr(&d), wbuf_len(&d), &blob) != 0 ||
		    wbuf_put_stringb(m, &blob) != 0)
			abort();
	}
	wbuf_clear(&blob);
	wbuf_clear(&hk);
	wbuf_clear(&d);
}

static inline void
fuzzauth_kbdint(struct wbuf *m, const char *user)
{
	fuzzauth_head(m, user, "keyboard-interactive");
	/* language tag, submethods */
	if (wbuf_put_cstring(m, "") != 0 || wbuf_put_cstring(m, "") != 0)
		abort();
}

static inline void
fuzzauth_info_response(struct wbuf *m, unsigned n,
    const char *const *answers)
{
	unsigned i;

	wbuf_reset(m);
	if (wbuf_put_u8(m, SSH2_MSG_USERAUTH_INFO_RESPONSE) != 0 ||
	    wbuf_put_u32(m, n) != 0)
		abort();
	for (i = 0; i < n; i++) {
		if (wbuf_put_cstring(m, answers[i]) != 0)
			abort();
	}
}

#endif /* PC_FUZZAUTH_H */
