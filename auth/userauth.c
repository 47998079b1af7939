/*
 * The user authentication service (see userauth.h; RFC 4252, RFC 4256).
 *
 * One request at a time: parse it field by field, ask the backend, answer
 * SUCCESS, FAILURE (with the methods that may continue), PK_OK or an
 * INFO_REQUEST.  AuthenticationMethods is kept as lists of steps; a method
 * may be tried only when it is the next step of some list (OpenSSH's
 * rule), and a list whose steps are all done completes authentication.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authopts.h"
#include "fuzzcheap.h"
#include "kex.h"
#include "log.h"
#include "ssh2.h"
#include "userauth.h"

#define MAX_KBDINT_ROUNDS	16
#define MAX_KBDINT_PROMPTS	32
#define MAX_USED_KEYS		USERAUTH_MAX_STEPS
#define HOSTBOUND_METHOD	"publickey-hostbound-v00@openssh.com"
#define CERT_SUFFIX		"-cert-v01@openssh.com"

struct step_list {
	char *step[USERAUTH_MAX_STEPS];	/* "method" or "method:sub" */
	unsigned nsteps, next;
};

/* AuthenticationMethods, parsed: the lists and how far each has got. */
struct step_lists {
	struct step_list l[USERAUTH_MAX_LISTS];
	unsigned n;			/* 0: any one method suffices */
};

struct userauth {
	struct tp *t;
	struct userauth_params p;
	char *pubkey_algs;
	char *banner;
	struct step_lists ml;		/* AuthenticationMethods */
	int service_accepted;
	int banner_sent;
	int done;
	unsigned failures;
	unsigned attempts;		/* USERAUTH_REQUESTs seen */
	char user[USERAUTH_MAX_USER + 1];
	char service[64];
	int user_set;			/* first request seen */
	struct auth_user *au;		/* NULL: invalid user */
	struct auth_opts *opts;		/* merged key restrictions */
	char *opts_where;		/* where the last key was found */
	char *opts_key;			/* that key, described for logs */
	char methods_used[128];
	char *used_keys[MAX_USED_KEYS];	/* fingerprints, no key twice */
	unsigned nused_keys;
	/* keyboard-interactive in progress */
	struct auth_kbdint *kbd;
	unsigned kbd_prompts;		/* prompts of the last INFO_REQUEST */
	unsigned kbd_rounds;
	int kbd_fake;			/* invalid user: one fake round */
	const char *last_error;
	char errbuf[256];
	struct wbuf msg;
};

/* ------------------------------------------------------------ helpers */

static void
free_lists(struct step_lists *ml)
{
	unsigned i, j;

	for (i = 0; i < ml->n; i++) {
		for (j = 0; j < ml->l[i].nsteps; j++)
			free(ml->l[i].step[j]);
		/* The lists are parsed again for the user's settings:
		 * leave no freed step or count behind. */
		memset(&ml->l[i], 0, sizeof(ml->l[i]));
	}
	ml->n = 0;
}

/*
 * Is a step ("password", "keyboard-interactive:pam") well formed?  The
 * names sshd_config(5) allows, as the configuration checks them; lists
 * naming a method Portcullis lacks (hostbased, gssapi-with-mic) or
 * "none" can never complete, and so refuse.
 */
static int
step_valid(const char *step)
{
	static const char *const names[] = {
		"none", "publickey", "password", "keyboard-interactive",
		"hostbased", "gssapi-with-mic",
	};
	size_t i, len = strcspn(step, ":");

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i]) == len &&
		    strncmp(names[i], step, len) == 0)
			return 1;
	}
	return 0;
}

/* "publickey,password publickey,keyboard-interactive" (sshd_config(5)). */
static int
parse_auth_methods(struct step_lists *ml, const char *spec)
{
	char *copy, *list, *lsave = NULL, *rest, *step;
	int r = 0;

	if (spec == NULL || strcmp(spec, "any") == 0 || *spec == '\0')
		return 0;
	if ((copy = strdup(spec)) == NULL)
		return PC_ERR_ALLOC;
	for (list = strtok_r(copy, " \t", &lsave); list != NULL;
	    list = strtok_r(NULL, " \t", &lsave)) {
		struct step_list *l;

		if (ml->n >= USERAUTH_MAX_LISTS) {
			r = PC_ERR_CONFIG;
			goto out;
		}
		l = &ml->l[ml->n++];
		/* strsep, not strtok: an empty step ("a,,b", "a,") is an
		 * error, not skipped. */
		rest = list;
		while ((step = strsep(&rest, ",")) != NULL) {
			if (l->nsteps >= USERAUTH_MAX_STEPS ||
			    !step_valid(step)) {
				r = PC_ERR_CONFIG;
				goto out;
			}
			if ((l->step[l->nsteps++] = strdup(step)) == NULL) {
				r = PC_ERR_ALLOC;
				goto out;
			}
		}
	}
 out:
	free(copy);
	return r;
}

/* Does a step ("keyboard-interactive:pam") admit method/submethod? */
static int
step_matches(const char *step, const char *method, const char *sub)
{
	size_t ml = strlen(method);

	if (strncmp(step, method, ml) != 0)
		return 0;
	if (step[ml] == '\0')
		return 1;
	if (step[ml] != ':' || sub == NULL)
		return 0;
	return strcmp(step + ml + 1, sub) == 0;
}

static int
method_enabled(const struct userauth *ua, const char *method)
{
	if (strcmp(method, "publickey") == 0)
		return ua->p.s.pubkey;
	if (strcmp(method, "password") == 0)
		return ua->p.s.password;
	if (strcmp(method, "keyboard-interactive") == 0)
		return ua->p.s.kbdint && ua->p.backend->kbdint_start != NULL;
	return 0;
}

/* Enabled, and the next step of some list (or there are no lists). */
static int
method_allowed_now(const struct userauth *ua, const char *method,
    const char *sub)
{
	unsigned i;

	if (!method_enabled(ua, method))
		return 0;
	if (ua->ml.n == 0)
		return 1;
	for (i = 0; i < ua->ml.n; i++) {
		const struct step_list *l = &ua->ml.l[i];

		if (l->next < l->nsteps &&
		    step_matches(l->step[l->next], method, sub))
			return 1;
	}
	return 0;
}

/* The methods that can continue, for USERAUTH_FAILURE. */
static int
put_methods(struct userauth *ua, struct wbuf *m)
{
	static const char *const order[] = {
		"publickey", "password", "keyboard-interactive",
	};
	char buf[128];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		unsigned j;
		int ok = 0;

		if (!method_enabled(ua, order[i]))
			continue;
		if (ua->ml.n == 0)
			ok = 1;
		for (j = 0; j < ua->ml.n && !ok; j++) {
			const struct step_list *l = &ua->ml.l[j];

			/* Match on the method name, whatever the submethod. */
			if (l->next < l->nsteps &&
			    strncmp(l->step[l->next], order[i],
			    strlen(order[i])) == 0 &&
			    (l->step[l->next][strlen(order[i])] == '\0' ||
			    l->step[l->next][strlen(order[i])] == ':'))
				ok = 1;
		}
		if (!ok)
			continue;
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
		    off ? "," : "", order[i]);
	}
	return wbuf_put_cstring(m, buf);
}

static const char *
invalid_tag(const struct userauth *ua)
{
	return ua->au == NULL ? "invalid user " : "";
}

/* Would this method complete a list (without advancing anything)? */
static int
completes_a_list(const struct userauth *ua, const char *method,
    const char *sub)
{
	unsigned i;

	if (ua->ml.n == 0)
		return 1;
	for (i = 0; i < ua->ml.n; i++) {
		const struct step_list *l = &ua->ml.l[i];

		if (l->next + 1 == l->nsteps &&
		    step_matches(l->step[l->next], method, sub))
			return 1;
	}
	return 0;
}

/* A method has succeeded: advance the lists; 1 when one is complete. */
static int
advance_lists(struct step_lists *ml, const char *method, const char *sub)
{
	unsigned i;
	int complete = 0;

	if (ml->n == 0)
		return 1;
	for (i = 0; i < ml->n; i++) {
		struct step_list *l = &ml->l[i];

		if (l->next < l->nsteps &&
		    step_matches(l->step[l->next], method, sub)) {
			l->next++;
			if (l->next == l->nsteps)
				complete = 1;
		}
	}
	return complete;
}

int
userauth_methods_complete(const char *spec, const char *const *done,
    size_t ndone, int *complete)
{
	struct step_lists *ml;
	char method[64];
	const char *colon;
	size_t i, mlen;
	int r;

	*complete = 0;
	if (ndone > USERAUTH_MAX_DONE)
		return PC_ERR_INVALID_ARGUMENT;
	if ((ml = calloc(1, sizeof(*ml))) == NULL)
		return PC_ERR_ALLOC;
	if ((r = parse_auth_methods(ml, spec)) != 0)
		goto out;
	/* The same steps userauth took, in the same order. */
	for (i = 0; i < ndone; i++) {
		colon = strchr(done[i], ':');
		mlen = colon != NULL ? (size_t)(colon - done[i]) :
		    strlen(done[i]);
		if (mlen == 0 || mlen >= sizeof(method)) {
			r = PC_ERR_INVALID_ARGUMENT;
			goto out;
		}
		memcpy(method, done[i], mlen);
		method[mlen] = '\0';
		if (advance_lists(ml, method, colon != NULL ? colon + 1 :
		    NULL))
			*complete = 1;
	}
	r = 0;
 out:
	if (r != 0)
		*complete = 0;
	free_lists(ml);
	free(ml);
	return r;
}

static void
note_method(struct userauth *ua, const char *method)
{
	size_t off = strlen(ua->methods_used);

	snprintf(ua->methods_used + off, sizeof(ua->methods_used) - off,
	    "%s%s", off ? "," : "", method);
}

/* Take a set of settings: copies of the strings, the lists parsed. */
static int
apply_settings(struct userauth *ua, const struct auth_settings *s)
{
	char *algs = NULL, *banner = NULL;
	int r;

	if ((algs = strdup(s->pubkey_algs ? s->pubkey_algs : "")) == NULL ||
	    (s->banner != NULL && (banner = strdup(s->banner)) == NULL)) {
		free(algs);
		return PC_ERR_ALLOC;
	}
	free(ua->pubkey_algs);
	free(ua->banner);
	ua->pubkey_algs = algs;
	ua->banner = banner;
	ua->p.s = *s;
	ua->p.s.pubkey_algs = NULL;	/* use the copies */
	ua->p.s.banner = NULL;
	free_lists(&ua->ml);
	if ((r = parse_auth_methods(&ua->ml, s->auth_methods)) != 0)
		error("bad AuthenticationMethods \"%s\"", s->auth_methods);
	return r;
}

/* ----------------------------------------------------------- replies */

static int
send_banner(struct userauth *ua)
{
	int r;

	if (ua->banner_sent || ua->banner == NULL)
		return 0;
	ua->banner_sent = 1;
	/* RFC 4252 s. 5.4 */
	wbuf_reset(&ua->msg);
	if ((r = wbuf_put_u8(&ua->msg, SSH2_MSG_USERAUTH_BANNER)) != 0 ||
	    (r = wbuf_put_cstring(&ua->msg, ua->banner)) != 0 ||
	    (r = wbuf_put_cstring(&ua->msg, "")) != 0)
		return r;
	return tp_send_wbuf(ua->t, &ua->msg);
}

static int
send_failure(struct userauth *ua, int partial)
{
	int r;

	wbuf_reset(&ua->msg);
	if ((r = wbuf_put_u8(&ua->msg, SSH2_MSG_USERAUTH_FAILURE)) != 0 ||
	    (r = put_methods(ua, &ua->msg)) != 0 ||
	    (r = wbuf_put_bool(&ua->msg, partial)) != 0)
		return r;
	return tp_send_wbuf(ua->t, &ua->msg);
}

/*
 * The end of one attempt.  ok: the method succeeded; info: the extra text
 * of the log line (key type and fingerprint).
 */
/*
 * A method has succeeded; may the user finish with it?  PermitRootLogin
 * (which looks at the key options, opts) and the account checks.  Returns
 * 1 if so.
 */
static int
accept_checks(struct userauth *ua, const char *method, const char *sub,
    const struct auth_opts *opts)
{
	const struct auth_backend *b = ua->p.backend;
	char *why = NULL;
	int ok = 1;

	if (b->method_allowed != NULL &&
	    b->method_allowed(b->arg, ua->au, method, opts, &why) != 0) {
		logit("%s", why ? why : "method refused");
		ok = 0;
	}
	free(why);
	why = NULL;
	/* Account checks once, when authentication would be complete. */
	if (ok && completes_a_list(ua, method, sub) && b->account_ok != NULL &&
	    b->account_ok(b->arg, ua->au, ua->p.peer, &why) != 0) {
		logit("Access denied for user %s by account settings%s%s",
		    ua->user, why ? ": " : "", why ? why : "");
		ok = 0;
	}
	free(why);
	return ok;
}

/*
 * The end of one attempt.  ok: the method succeeded and accept_checks
 * passed; info: the extra text of the log line (key type and fingerprint).
 */
static int
finish_attempt(struct userauth *ua, const char *method, const char *sub,
    const char *logname, int ok, const char *info, uint32_t *reason)
{
	const struct auth_peer *pe = ua->p.peer;
	enum log_level level = LOG_LEVEL_VERBOSE;
	uint8_t type;
	int r, complete = 0;

	if (ok)
		complete = advance_lists(&ua->ml, method, sub);
	/* OpenSSH's auth_log: successes, invalid users, passwords and the
	 * second half of MaxAuthTries at INFO, the rest at VERBOSE. */
	if ((ok && complete) || ua->au == NULL ||
	    ua->failures >= ua->p.s.max_tries / 2 ||
	    strcmp(method, "password") == 0)
		level = LOG_LEVEL_INFO;
	pc_log(level, "%s %s for %s%s from %s port %d ssh2%s",
	    ok ? (complete ? "Accepted" : "Partial") : "Failed", logname,
	    invalid_tag(ua), ua->user, pe->addr, pe->port, info);
	if (ok) {
		note_method(ua, method);
		if (!complete)
			return send_failure(ua, 1);
		ua->done = 1;
		type = SSH2_MSG_USERAUTH_SUCCESS;
		tp_set_authenticated(ua->t);
		return tp_send(ua->t, &type, 1);
	}
	/* RFC 4252 s. 5.2 lets a client ask "none" for the methods; as
	 * OpenSSH, only a first request of it is free. */
	if (strcmp(method, "none") != 0 || ua->attempts > 1)
		ua->failures++;
	if (ua->failures >= ua->p.s.max_tries) {
		error("maximum authentication attempts exceeded for %s%s "
		    "from %s port %d ssh2", invalid_tag(ua), ua->user,
		    pe->addr, pe->port);
		/* As OpenSSH: a protocol-error disconnect. */
		ua->last_error = "Too many authentication failures";
		*reason = SSH2_DISCONNECT_PROTOCOL_ERROR;
		return PC_ERR_AUTH_FAILED;
	}
	if ((r = send_failure(ua, 0)) != 0)
		return r;
	return 0;
}

/* ---------------------------------------------------------- publickey */

/* The plain signature algorithm of a (possibly certificate) name. */
static void
plain_alg(const char *alg, char *out, size_t outlen)
{
	size_t l = strlen(alg), sl = strlen(CERT_SUFFIX);

	if (l > sl && strcmp(alg + l - sl, CERT_SUFFIX) == 0)
		l -= sl;
	if (l >= outlen)
		l = outlen - 1;
	memcpy(out, alg, l);
	out[l] = '\0';
}

/* ": ED25519 SHA256:..." or, for a certificate, with its ID, serial and
 * CA, as OpenSSH's auth log. */
static void
key_log_info(const struct pc_key *k, char *out, size_t outlen)
{
	char *d = NULL;

	if (key_describe(k, &d) == 0)
		snprintf(out, outlen, ": %s", d);
	else
		snprintf(out, outlen, ": %s", key_label(k));
	free(d);
}

/* Was this key already used for an earlier step? */
static int
key_already_used(const struct userauth *ua, const char *fp)
{
	unsigned i;

	for (i = 0; i < ua->nused_keys; i++)
		if (strcmp(ua->used_keys[i], fp) == 0)
			return 1;
	return 0;
}

/* The data a publickey signature covers (RFC 4252 s. 7, PROTOCOL 2.5). */
static int
signed_data(struct userauth *ua, struct wbuf *d, const char *method,
    const char *alg, const uint8_t *blob, size_t bloblen,
    const uint8_t *hk, size_t hklen)
{
	const uint8_t *sid;
	size_t sidlen;
	int r;

	sid = tp_session_id(ua->t, &sidlen);
	if ((r = wbuf_put_string(d, sid, sidlen)) != 0 ||
	    (r = wbuf_put_u8(d, SSH2_MSG_USERAUTH_REQUEST)) != 0 ||
	    (r = wbuf_put_cstring(d, ua->user)) != 0 ||
	    (r = wbuf_put_cstring(d, ua->service)) != 0 ||
	    (r = wbuf_put_cstring(d, method)) != 0 ||
	    (r = wbuf_put_bool(d, 1)) != 0 ||
	    (r = wbuf_put_cstring(d, alg)) != 0 ||
	    (r = wbuf_put_string(d, blob, bloblen)) != 0)
		return r;
	if (hk != NULL && (r = wbuf_put_string(d, hk, hklen)) != 0)
		return r;
	return 0;
}

/*
 *   boolean  has signature
 *   string   public key algorithm name
 *   string   public key blob
 *   [string  server host key (publickey-hostbound-v00@openssh.com)]
 *   [string  signature]
 */
static int
method_publickey(struct userauth *ua, struct wbuf *m, const char *method,
    uint32_t *reason)
{
	const uint8_t *blob, *sig = NULL, *hk = NULL;
	size_t bloblen, siglen = 0, hklen = 0;
	char *alg = NULL, *where = NULL, info[1024];
	char plain[KEX_MAX_ALG_NAME], fp[KEY_FP_MAX];
	struct pc_key *key = NULL;
	struct auth_opts *opts = NULL, *merged = NULL;
	struct wbuf d;
	int has_sig, hostbound = strcmp(method, HOSTBOUND_METHOD) == 0;
	int ok = 0, r;

	wbuf_init(&d, 0);
	info[0] = '\0';
	if ((r = wbuf_get_bool(m, &has_sig)) != 0 ||
	    (r = wbuf_get_cstring(m, &alg, NULL)) != 0 ||
	    (r = wbuf_get_string_direct(m, &blob, &bloblen)) != 0 ||
	    (hostbound && (r = wbuf_get_string_direct(m, &hk, &hklen)) != 0) ||
	    (has_sig && (r = wbuf_get_string_direct(m, &sig, &siglen)) != 0) ||
	    (r = wbuf_get_end(m)) != 0)
		goto out;
	if (key_from_blob(blob, bloblen, &key) != 0) {
		verbose("userauth: unparsable %s key from %s port %d", alg,
		    ua->p.peer->addr, ua->p.peer->port);
		goto fail;
	}
	key_log_info(key, info, sizeof(info));
	/* The algorithm must be accepted and fit the key (PROTOCOL 2.5
	 * for certificates: their names carry the -cert-v01 suffix). */
	plain_alg(alg, plain, sizeof(plain));
	if (!kex_list_has(ua->pubkey_algs, alg) ||
	    key_type_for_sigalg(alg) != key_get_type(key) ||
	    (strcmp(plain, alg) != 0) != (key_is_cert(key) != 0)) {
		verbose("userauth: key algorithm %s not accepted for %s key",
		    alg, key_name(key));
		goto fail;
	}
	if (hostbound) {
		/* The host key must be the one this connection used. */
		const struct pc_key *ours = tp_peer_hostkey(ua->t);
		struct wbuf ob;
		int same;

		wbuf_init(&ob, 0);
		same = ours != NULL && key_to_blob(ours, &ob) == 0 &&
		    wbuf_len(&ob) == hklen &&
		    pc_timingsafe_bcmp(wbuf_ptr(&ob), hk, hklen) == 0;
		wbuf_clear(&ob);
		if (!same) {
			error("userauth: %s with a host key that is not "
			    "this connection's", HOSTBOUND_METHOD);
			goto fail;
		}
	}
	if (key_fingerprint(key, fp, sizeof(fp)) != 0)
		goto fail;
	if (key_already_used(ua, fp)) {
		verbose("userauth: key %s already used for an earlier step",
		    fp);
		goto fail;
	}
	if (ua->au == NULL)
		goto fail;
	if (ua->p.backend->pubkey_allowed(ua->p.backend->arg, ua->au,
	    ua->p.peer, key, &opts, &where) != 0)
		goto fail;
	if (!has_sig) {
		/* RFC 4252 s. 7: the key would do; ask for a signature. */
		verbose("Postponed publickey for %s from %s port %d ssh2",
		    ua->user, ua->p.peer->addr, ua->p.peer->port);
		wbuf_reset(&ua->msg);
		if ((r = wbuf_put_u8(&ua->msg, SSH2_MSG_USERAUTH_PK_OK)) != 0 ||
		    (r = wbuf_put_cstring(&ua->msg, alg)) != 0 ||
		    (r = wbuf_put_string(&ua->msg, blob, bloblen)) != 0 ||
		    (r = tp_send_wbuf(ua->t, &ua->msg)) != 0)
			goto out;
		r = 0;
		goto out;
	}
	if ((r = signed_data(ua, &d, method, alg, blob, bloblen, hk,
	    hklen)) != 0)
		goto out;
#ifdef PC_FUZZ_CHEAP
	/* The fuzz build's cheap mode: bad without the maths (fuzzcheap.h). */
	if (pc_fuzz_cheap & PC_FUZZ_BAD_USERSIG) {
		verbose("userauth: bad %s signature from %s port %d", alg,
		    ua->p.peer->addr, ua->p.peer->port);
		goto fail;
	}
#endif
	/* The daemon's monitor checks the signature itself (and what it
	 * covers) rather than trust this process with the answer. */
	if ((ua->p.backend->pubkey_verify != NULL ?
	    ua->p.backend->pubkey_verify(ua->p.backend->arg, key, plain,
	    wbuf_ptr(&d), wbuf_len(&d), sig, siglen) :
	    key_verify(key, plain, wbuf_ptr(&d), wbuf_len(&d), sig,
	    siglen)) != 0) {
		verbose("userauth: bad %s signature from %s port %d", alg,
		    ua->p.peer->addr, ua->p.peer->port);
		goto fail;
	}
	/* Steps after the first keep the narrowest restrictions. */
	if (ua->opts != NULL) {
		const char *errstr = NULL;

		if (authopts_merge(ua->opts, opts, &merged, &errstr) != 0) {
			logit("userauth: restrictions of two keys conflict: "
			    "%s", errstr ? errstr : "");
			goto fail;
		}
		authopts_free(opts);
		opts = merged;
		merged = NULL;
	}
	/* The key's restrictions and the key itself count only once the
	 * login policy has accepted it. */
	if (!accept_checks(ua, "publickey", NULL, opts))
		goto fail;
	authopts_free(ua->opts);
	ua->opts = opts;
	opts = NULL;
	free(ua->opts_where);
	ua->opts_where = where;
	where = NULL;
	free(ua->opts_key);
	ua->opts_key = strdup(info[0] == ':' ? info + 2 : info);
	if (ua->nused_keys < MAX_USED_KEYS &&
	    (ua->used_keys[ua->nused_keys] = strdup(fp)) != NULL)
		ua->nused_keys++;
	debug("userauth: key matched %s", ua->opts_where ? ua->opts_where :
	    "");
	ok = 1;
 fail:
	r = finish_attempt(ua, "publickey", NULL, "publickey", ok, info,
	    reason);
 out:
	free(alg);
	free(where);
	key_free(key);
	authopts_free(opts);
	authopts_free(merged);
	wbuf_clear(&d);
	return r;
}

/* ----------------------------------------------------------- password */

/*
 *   boolean  FALSE (TRUE: change password, not supported)
 *   string   plaintext password
 */
static int
method_password(struct userauth *ua, struct wbuf *m, uint32_t *reason)
{
	const uint8_t *pw;
	size_t pwlen;
	char *copy = NULL, *msg = NULL;
	int change, ok = 0, r;

	if ((r = wbuf_get_bool(m, &change)) != 0 ||
	    (r = wbuf_get_string_direct(m, &pw, &pwlen)) != 0)
		return r;
	/* A change request carries the new password too; refused. */
	if (!change && (r = wbuf_get_end(m)) != 0)
		return r;
	if (change) {
		verbose("userauth: password change request refused");
	} else if (pwlen > 0 && memchr(pw, '\0', pwlen) != NULL) {
		verbose("userauth: password with a NUL byte refused");
	} else if (pwlen == 0 && !ua->p.s.permit_empty_passwords) {
		verbose("userauth: empty password refused");
	} else if (ua->au != NULL && ua->p.backend->password != NULL) {
		if ((copy = malloc(pwlen + 1)) == NULL)
			return PC_ERR_ALLOC;
		memcpy(copy, pw, pwlen);
		copy[pwlen] = '\0';
		ok = ua->p.backend->password(ua->p.backend->arg, ua->au,
		    ua->p.peer, copy, &msg) == 0 &&
		    accept_checks(ua, "password", NULL, ua->opts);
		pc_wipe(copy, pwlen);
		free(copy);
		if (msg != NULL)
			logit("%s", msg);
		free(msg);
	}
	return finish_attempt(ua, "password", NULL, "password", ok, "",
	    reason);
}

/* ------------------------------------------------ keyboard-interactive */

static void
kbdint_end(struct userauth *ua)
{
	if (ua->kbd != NULL)
		ua->p.backend->kbdint_free(ua->kbd);
	ua->kbd = NULL;
	ua->kbd_fake = 0;
	ua->kbd_prompts = 0;
	ua->kbd_rounds = 0;
}

/*
 *   byte      SSH_MSG_USERAUTH_INFO_REQUEST
 *   string    name
 *   string    instruction
 *   string    language tag (empty)
 *   int       num-prompts
 *   string    prompt[1..n]
 *   boolean   echo[1..n]
 * (RFC 4256 s. 3.2)
 */
static int
send_info_request(struct userauth *ua, const struct auth_kbdint_query *q)
{
	unsigned i;
	int r;

	wbuf_reset(&ua->msg);
	if ((r = wbuf_put_u8(&ua->msg, SSH2_MSG_USERAUTH_INFO_REQUEST)) ||
	    (r = wbuf_put_cstring(&ua->msg, q->name ? q->name : "")) ||
	    (r = wbuf_put_cstring(&ua->msg, q->instruction ?
	    q->instruction : "")) ||
	    (r = wbuf_put_cstring(&ua->msg, "")) ||
	    (r = wbuf_put_u32(&ua->msg, q->nprompts)))
		return r;
	for (i = 0; i < q->nprompts; i++) {
		if ((r = wbuf_put_cstring(&ua->msg, q->prompts[i])) != 0 ||
		    (r = wbuf_put_bool(&ua->msg, q->echo[i])) != 0)
			return r;
	}
	ua->kbd_prompts = q->nprompts;
	ua->kbd_rounds++;
	return tp_send_wbuf(ua->t, &ua->msg);
}

/* Ask the conversation for its next step and act on it. */
static int
kbdint_step(struct userauth *ua, uint32_t *reason)
{
	struct auth_kbdint_query q;
	int r;

	memset(&q, 0, sizeof(q));
	r = ua->p.backend->kbdint_next(ua->kbd, &q);
	if (r == 0 && (q.nprompts > MAX_KBDINT_PROMPTS ||
	    ua->kbd_rounds >= MAX_KBDINT_ROUNDS))
		r = PC_ERR_AUTH_FAILED;
	if (r == 0) {
		r = send_info_request(ua, &q);
		auth_kbdint_query_clear(&q);
		return r;
	}
	auth_kbdint_query_clear(&q);
	kbdint_end(ua);
	return finish_attempt(ua, "keyboard-interactive", "pam",
	    "keyboard-interactive/pam", r == PC_OK_AUTHENTICATED &&
	    accept_checks(ua, "keyboard-interactive", "pam", ua->opts), "",
	    reason);
}

/*
 *   string    language tag (deprecated)
 *   string    submethods
 */
static int
method_kbdint(struct userauth *ua, struct wbuf *m, uint32_t *reason)
{
	static char pw_prompt[] = "Password: ";
	static char *fake_prompts[] = { pw_prompt };
	static int fake_echo[] = { 0 };
	struct auth_kbdint_query fake;
	int r;

	if ((r = wbuf_get_string_direct(m, NULL, NULL)) != 0 ||
	    (r = wbuf_get_string_direct(m, NULL, NULL)) != 0 ||
	    (r = wbuf_get_end(m)) != 0)
		return r;
	if (ua->au == NULL) {
		/* Look the same to the client as a real user's first
		 * PAM prompt, then fail. */
		memset(&fake, 0, sizeof(fake));
		fake.nprompts = 1;
		fake.prompts = fake_prompts;
		fake.echo = fake_echo;
		ua->kbd_fake = 1;
		return send_info_request(ua, &fake);
	}
	if ((r = ua->p.backend->kbdint_start(ua->p.backend->arg, ua->au,
	    ua->p.peer, &ua->kbd)) != 0) {
		ua->kbd = NULL;
		return finish_attempt(ua, "keyboard-interactive", "pam",
		    "keyboard-interactive/pam", 0, "", reason);
	}
	return kbdint_step(ua, reason);
}

/*
 *   byte      SSH_MSG_USERAUTH_INFO_RESPONSE
 *   int       num-responses
 *   string    response[1..n]
 */
static int
recv_info_response(struct userauth *ua, struct wbuf *m, uint32_t *reason)
{
	char *resp[MAX_KBDINT_PROMPTS];
	uint32_t n, i;
	int r;

	memset(resp, 0, sizeof(resp));
	if ((r = wbuf_get_u32(m, &n)) != 0)
		return r;
	if (n != ua->kbd_prompts || n > MAX_KBDINT_PROMPTS) {
		ua->last_error = "wrong number of keyboard-interactive "
		    "responses";
		return PC_ERR_PROTOCOL;
	}
	for (i = 0; i < n; i++) {
		if ((r = wbuf_get_cstring(m, &resp[i], NULL)) != 0)
			goto out;
	}
	if ((r = wbuf_get_end(m)) != 0)
		goto out;
	if (ua->kbd_fake) {
		kbdint_end(ua);
		r = finish_attempt(ua, "keyboard-interactive", "pam",
		    "keyboard-interactive/pam", 0, "", reason);
		goto out;
	}
	if ((r = ua->p.backend->kbdint_respond(ua->kbd, n, resp)) != 0) {
		kbdint_end(ua);
		r = finish_attempt(ua, "keyboard-interactive", "pam",
		    "keyboard-interactive/pam", 0, "", reason);
		goto out;
	}
	r = kbdint_step(ua, reason);
 out:
	for (i = 0; i < n && i < MAX_KBDINT_PROMPTS; i++) {
		if (resp[i] != NULL) {
			pc_wipe(resp[i], strlen(resp[i]));
			free(resp[i]);
		}
	}
	return r;
}

/* ------------------------------------------------------------ requests */

/* The first request names the user; later ones must keep it. */
static int
set_user(struct userauth *ua, const char *user, size_t ulen,
    const char *service, uint32_t *reason)
{
	const struct auth_backend *b = ua->p.backend;
	char *why = NULL;

	if (ua->user_set) {
		if (strcmp(user, ua->user) != 0 ||
		    strcmp(service, ua->service) != 0) {
			/* As OpenSSH: no switching user mid-way. */
			snprintf(ua->errbuf, sizeof(ua->errbuf), "Change of "
			    "username or service not allowed: (%.64s,%.32s) -> "
			    "(%.64s,%.32s)", ua->user, ua->service, user,
			    service);
			ua->last_error = ua->errbuf;
			*reason = SSH2_DISCONNECT_PROTOCOL_ERROR;
			return PC_ERR_PROTOCOL;
		}
		return 0;
	}
	if (ulen > USERAUTH_MAX_USER || strlen(service) >= sizeof(ua->service)) {
		ua->last_error = "user name too long";
		*reason = SSH2_DISCONNECT_ILLEGAL_USER_NAME;
		return PC_ERR_PROTOCOL;
	}
	memcpy(ua->user, user, ulen + 1);
	snprintf(ua->service, sizeof(ua->service), "%s", service);
	ua->user_set = 1;
	if (b->user_lookup(b->arg, user, &ua->au) != 0 || ua->au == NULL) {
		ua->au = NULL;
		logit("Invalid user %s from %s port %d", user,
		    ua->p.peer->addr, ua->p.peer->port);
	}
	/* Match blocks for this user, before anything is decided. */
	if (b->settings_for_user != NULL) {
		struct auth_settings s = ua->p.s;
		int r;

		s.pubkey_algs = ua->pubkey_algs;
		s.banner = ua->banner;
		if ((r = b->settings_for_user(b->arg, user, ua->au,
		    ua->p.peer, &s)) != 0 ||
		    (r = apply_settings(ua, &s)) != 0) {
			ua->last_error = "configuration error";
			*reason = SSH2_DISCONNECT_BY_APPLICATION;
			return r;
		}
	}
	if (ua->au != NULL && b->user_allowed != NULL &&
	    b->user_allowed(b->arg, ua->au, ua->p.peer, &why) != 0) {
		logit("%s", why ? why : "user not allowed");
		auth_user_free(ua->au);
		ua->au = NULL;
	}
	free(why);
	return 0;
}

static int
recv_userauth_request(struct userauth *ua, struct wbuf *m, uint32_t *reason)
{
	char *user = NULL, *service = NULL, *method = NULL;
	size_t ulen;
	int r;

	/* A new request ends an unfinished keyboard-interactive round
	 * (RFC 4256 s. 3.4). */
	kbdint_end(ua);
	if ((r = wbuf_get_cstring(m, &user, &ulen)) != 0 ||
	    (r = wbuf_get_cstring(m, &service, NULL)) != 0 ||
	    (r = wbuf_get_cstring(m, &method, NULL)) != 0)
		goto out;
	if (strcmp(service, "ssh-connection") != 0) {
		ua->last_error = "service not available";
		*reason = SSH2_DISCONNECT_SERVICE_NOT_AVAILABLE;
		r = PC_ERR_PROTOCOL;
		goto out;
	}
	if ((r = set_user(ua, user, ulen, service, reason)) != 0 ||
	    (r = send_banner(ua)) != 0)
		goto out;
	/* Requests that are not failures (publickey queries answered with
	 * PK_OK) are capped too, as OpenSSH's auth2.c caps all of them. */
	if (++ua->attempts > USERAUTH_MAX_REQUESTS) {
		error("maximum authentication attempts exceeded for %s%s "
		    "from %s port %d ssh2", invalid_tag(ua), ua->user,
		    ua->p.peer->addr, ua->p.peer->port);
		ua->last_error = "Too many authentication failures";
		*reason = SSH2_DISCONNECT_PROTOCOL_ERROR;
		r = PC_ERR_AUTH_FAILED;
		goto out;
	}
	if (strcmp(method, "none") == 0) {
		/* RFC 4252 s. 5.2: lists the methods; never an attempt. */
		r = wbuf_get_end(m);
		if (r == 0)
			r = finish_attempt(ua, "none", NULL, "none", 0, "",
			    reason);
	} else if (ua->failures >= ua->p.s.max_tries) {
		/* As OpenSSH: no method runs at the limit, which only
		 * MaxAuthTries 0 reaches here (nobody may log in). */
		r = finish_attempt(ua, method, NULL, method, 0, "", reason);
	} else if ((strcmp(method, "publickey") == 0 ||
	    strcmp(method, HOSTBOUND_METHOD) == 0) &&
	    method_allowed_now(ua, "publickey", NULL))
		r = method_publickey(ua, m, method, reason);
	else if (strcmp(method, "password") == 0 &&
	    method_allowed_now(ua, "password", NULL))
		r = method_password(ua, m, reason);
	else if (strcmp(method, "keyboard-interactive") == 0 &&
	    method_allowed_now(ua, "keyboard-interactive", "pam"))
		r = method_kbdint(ua, m, reason);
	else {
		debug("userauth: method %s not available", method);
		r = finish_attempt(ua, method, NULL, method, 0, "", reason);
	}
 out:
	free(user);
	free(service);
	free(method);
	return r;
}

/*
 *   byte   SSH_MSG_SERVICE_REQUEST
 *   string service name
 * (RFC 4253 s. 10)
 */
static int
recv_service_request(struct userauth *ua, struct wbuf *m, uint32_t *reason)
{
	char *service = NULL;
	int r;

	if ((r = wbuf_get_cstring(m, &service, NULL)) != 0 ||
	    (r = wbuf_get_end(m)) != 0)
		goto out;
	/* Repeated requests for ssh-userauth are answered again (paramiko
	 * sends one per attempt; OpenSSH's sshd accepts them). */
	if (strcmp(service, "ssh-userauth") != 0) {
		ua->last_error = "service not available";
		*reason = SSH2_DISCONNECT_SERVICE_NOT_AVAILABLE;
		r = PC_ERR_PROTOCOL;
		goto out;
	}
	wbuf_reset(&ua->msg);
	if ((r = wbuf_put_u8(&ua->msg, SSH2_MSG_SERVICE_ACCEPT)) != 0 ||
	    (r = wbuf_put_cstring(&ua->msg, service)) != 0 ||
	    (r = tp_send_wbuf(ua->t, &ua->msg)) != 0)
		goto out;
	ua->service_accepted = 1;
 out:
	free(service);
	return r;
}

int
userauth_recv(struct userauth *ua, const uint8_t *msg, size_t len,
    uint32_t *reason)
{
	struct wbuf m;

	*reason = SSH2_DISCONNECT_PROTOCOL_ERROR;
	ua->last_error = NULL;
	if (len == 0)
		return PC_ERR_PROTOCOL;
	wbuf_init_const(&m, msg + 1, len - 1);
	/* The gate: SERVICE_REQUEST, then USERAUTH_REQUEST, and
	 * INFO_RESPONSE only while a keyboard-interactive round waits
	 * (RFC 4252 s. 4 and 5, RFC 4256 s. 3.4). */
	if (!ua->done) {
		if (msg[0] == SSH2_MSG_SERVICE_REQUEST)
			return recv_service_request(ua, &m, reason);
		if (msg[0] == SSH2_MSG_USERAUTH_REQUEST &&
		    ua->service_accepted)
			return recv_userauth_request(ua, &m, reason);
		if (msg[0] == SSH2_MSG_USERAUTH_INFO_RESPONSE &&
		    (ua->kbd != NULL || ua->kbd_fake))
			return recv_info_response(ua, &m, reason);
	}
	error("unexpected message type %u %s authentication", msg[0],
	    ua->done ? "after" : "before");
	ua->last_error = "unexpected message during authentication";
	return PC_ERR_UNEXPECTED_MESSAGE;
}

/* -------------------------------------------------------- life cycle */

int
userauth_new(struct tp *t, const struct userauth_params *p,
    struct userauth **uap)
{
	struct userauth *ua;
	int r;

	*uap = NULL;
	if (p->backend == NULL || p->peer == NULL ||
	    p->backend->user_lookup == NULL ||
	    p->backend->pubkey_allowed == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((ua = calloc(1, sizeof(*ua))) == NULL)
		return PC_ERR_ALLOC;
	ua->t = t;
	ua->p = *p;
	wbuf_init(&ua->msg, 0);
	if ((r = apply_settings(ua, &p->s)) != 0)
		goto fail;
	*uap = ua;
	return 0;
 fail:
	userauth_free(ua);
	return r;
}

void
userauth_free(struct userauth *ua)
{
	unsigned i;

	if (ua == NULL)
		return;
	kbdint_end(ua);
	free_lists(&ua->ml);
	for (i = 0; i < ua->nused_keys; i++)
		free(ua->used_keys[i]);
	free(ua->pubkey_algs);
	free(ua->banner);
	auth_user_free(ua->au);
	authopts_free(ua->opts);
	free(ua->opts_where);
	free(ua->opts_key);
	wbuf_clear(&ua->msg);
	pc_wipe(ua, sizeof(*ua));
	free(ua);
}

const char *
userauth_last_error(const struct userauth *ua)
{
	return ua->last_error;
}

int
userauth_done(const struct userauth *ua)
{
	return ua->done;
}

const char *
userauth_user(const struct userauth *ua)
{
	return ua->user;
}

int
userauth_user_valid(const struct userauth *ua)
{
	return ua->au != NULL;
}

unsigned
userauth_failures(const struct userauth *ua)
{
	return ua->failures;
}

const struct auth_user *
userauth_auth_user(const struct userauth *ua)
{
	return ua->done ? ua->au : NULL;
}

const struct auth_opts *
userauth_opts(const struct userauth *ua)
{
	return ua->done ? ua->opts : NULL;
}

void
userauth_key_info(const struct userauth *ua, const char **key,
    const char **where)
{
	*key = ua->done ? ua->opts_key : NULL;
	*where = ua->done ? ua->opts_where : NULL;
}

const char *
userauth_methods_used(const struct userauth *ua)
{
	return ua->methods_used;
}
