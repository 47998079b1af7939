/*
 * The monitor's pre-authentication requests (see monitor.h): host key
 * signatures, the user, the backend's questions, and the monitor's own
 * record of what succeeded, which alone decides whether the hand-over
 * is accepted.
 *
 * The network process is not trusted: what it says about a key or a
 * signature is checked here against what this process decided earlier
 * (the session id it signed, the user it looked up, the keys
 * pubkey_allowed accepted), as OpenSSH's monitor_valid_userblob and
 * mm_answer_keyverify do.  A request the honest userauth core would
 * never send at that point is refused, which ends the connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kex.h"
#include "log.h"
#include "monitor.h"
#include "monmsg.h"
#include "ssh2.h"

#define HOSTBOUND_METHOD	"publickey-hostbound-v00@openssh.com"
#define CERT_SUFFIX		"-cert-v01@openssh.com"
#define MON_MAX_BLOB		(16 * 1024)	/* key or certificate */
#define MON_MAX_SIG		(16 * 1024)
#define MON_MAX_SIGNED		(64 * 1024)	/* signed userauth data */
#define MON_MAX_PASSWORD	(64 * 1024)	/* PAM refuses > 1024 */
#define MON_MAX_METHOD		64

static int
put_status(struct wbuf *ans, int status)
{
	return wbuf_put_u32(ans, (uint32_t)status);
}

/* The user is known, exists and may log in: the backend's questions
 * about them may be asked. */
static int
user_ready(struct mon *m)
{
	if (!m->settings_done || m->u == NULL || !m->user_checked)
		return mon_refuse(m, "the user is not settled");
	if (!m->user_ok)
		return mon_refuse(m, "the user may not log in");
	return 0;
}

/* An authentication attempt: the core stops at MaxAuthTries, so the
 * monitor, which sees at most the failures the core counts, must not
 * see one past it. */
static int
attempt_ready(struct mon *m)
{
	int r;

	if ((r = user_ready(m)) != 0)
		return r;
	if (m->failures >= m->s.max_tries)
		return mon_refuse(m, "attempt after %u failures",
		    m->failures);
	return 0;
}

/* ------------------------------------------------------------- sign */

/*
 *   uint32  host key index
 *   string  signature algorithm
 *   string  data: an exchange hash
 */
int
monauth_sign(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	struct wbuf sig;
	const uint8_t *data;
	char *alg = NULL;
	uint32_t idx;
	size_t len;
	int r;

	wbuf_init(&sig, 0);
	if ((r = wbuf_get_u32(req, &idx)) != 0 ||
	    (r = monmsg_get_text(req, KEX_MAX_ALG_NAME, &alg)) != 0 ||
	    (r = wbuf_get_string_direct(req, &data, &len)) != 0 ||
	    (r = wbuf_get_end(req)) != 0) {
		r = mon_refuse(m, "malformed: %s", pc_strerror(r));
		goto out;
	}
	if (idx >= m->p.nhostkeys) {
		r = mon_refuse(m, "no host key %u", idx);
		goto out;
	}
	/* Only exchange hashes: a digest's length, never a message the
	 * child chose (which could be made to look like something the
	 * host key vouches for elsewhere). */
	if (len != 32 && len != 48 && len != 64) {
		r = mon_refuse(m, "%zu bytes are no exchange hash", len);
		goto out;
	}
	if (m->phase == MON_PREAUTH && ++m->nsigns > MON_MAX_PREAUTH_SIGNS) {
		r = mon_refuse(m, "too many key exchanges");
		goto out;
	}
	r = key_sign(m->p.hostkeys[idx], alg, data, len, &sig);
	if (r == 0 && m->phase == MON_PREAUTH) {
		/* RFC 4253 s. 7.2: the first exchange hash is the session
		 * id, for the life of the connection. */
		if (m->session_id_len == 0) {
			memcpy(m->session_id, data, len);
			m->session_id_len = len;
		}
		m->hostkey_idx = idx;
	}
	if ((r = put_status(ans, r)) != 0 ||
	    (r = wbuf_put_stringb(ans, &sig)) != 0)
		goto out;
 out:
	wbuf_clear(&sig);
	free(alg);
	return r;
}

/* ------------------------------------------------------------- user */

/*
 *   string  user name
 */
int
monauth_user(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	const struct auth_backend *b = m->p.backend;
	char *name = NULL;
	int r;

	if ((r = monmsg_get_text(req, USERAUTH_MAX_USER, &name)) != 0 ||
	    (r = wbuf_get_end(req)) != 0) {
		r = mon_refuse(m, "malformed: %s", pc_strerror(r));
		goto out;
	}
	snprintf(m->user, sizeof(m->user), "%s", name);
	/* An error is no user, as the core takes it. */
	if (b->user_lookup(b->arg, name, &m->u) != 0) {
		auth_user_free(m->u);
		m->u = NULL;
	}
	if ((r = put_status(ans, 0)) != 0 ||
	    (r = wbuf_put_bool(ans, m->u != NULL)) != 0 ||
	    (m->u != NULL && (r = monmsg_put_user(ans, m->u)) != 0))
		goto out;
 out:
	free(name);
	return r;
}

int
monauth_settings(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	const struct auth_backend *b = m->p.backend;
	int r, st = 0;

	if ((r = wbuf_get_end(req)) != 0)
		return mon_refuse(m, "malformed: %s", pc_strerror(r));
	if ((m->once & (1u << MON_REQ_USER)) == 0)
		return mon_refuse(m, "before the user is named");
	/* Match blocks for this user, decided here: the lists the hand-over
	 * is checked against are these, not what the child says. */
	m->s = m->p.initial;
	if (b->settings_for_user != NULL)
		st = b->settings_for_user(b->arg, m->user, m->u, m->p.peer,
		    &m->s);
	m->settings_done = st == 0;
	if ((r = put_status(ans, st)) != 0 ||
	    (st == 0 && (r = monmsg_put_settings(ans, &m->s)) != 0))
		return r;
	return 0;
}

int
monauth_user_allowed(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	const struct auth_backend *b = m->p.backend;
	char *why = NULL;
	int r, st = 0;

	if ((r = wbuf_get_end(req)) != 0)
		return mon_refuse(m, "malformed: %s", pc_strerror(r));
	if (!m->settings_done || m->u == NULL)
		return mon_refuse(m, "no valid user with settings");
	if (b->user_allowed != NULL)
		st = b->user_allowed(b->arg, m->u, m->p.peer, &why);
	m->user_checked = 1;
	m->user_ok = st == 0;
	if ((r = put_status(ans, st)) == 0)
		r = wbuf_put_cstring(ans, why != NULL ? why : "");
	free(why);
	return r;
}

/*
 *   string  method
 */
int
monauth_method_allowed(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	const struct auth_backend *b = m->p.backend;
	char *method = NULL, *why = NULL;
	int r, st = 0;

	if ((r = monmsg_get_text(req, MON_MAX_METHOD, &method)) != 0 ||
	    (r = wbuf_get_end(req)) != 0) {
		r = mon_refuse(m, "malformed: %s", pc_strerror(r));
		goto out;
	}
	if ((r = user_ready(m)) != 0)
		goto out;
	/* The restrictions are this process's record, not the child's. */
	if (b->method_allowed != NULL)
		st = b->method_allowed(b->arg, m->u, method, m->opts, &why);
	if ((r = put_status(ans, st)) == 0)
		r = wbuf_put_cstring(ans, why != NULL ? why : "");
 out:
	free(method);
	free(why);
	return r;
}

/* ------------------------------------------------------- the record */

/* PermitRootLogin and friends, asked here on this process's own
 * record: a method counts only if the policy lets it finish. */
static int
policy_allows(struct mon *m, const char *method,
    const struct auth_opts *opts)
{
	const struct auth_backend *b = m->p.backend;
	char *why = NULL;
	int ok = 1;

	if (b->method_allowed != NULL &&
	    b->method_allowed(b->arg, m->u, method, opts, &why) != 0)
		ok = 0;
	free(why);
	return ok;
}

/* A method succeeded: "publickey", "password" or
 * "keyboard-interactive:pam". */
static int
record_success(struct mon *m, const char *what)
{
	size_t off = strlen(m->methods), l = strcspn(what, ":");

	if (m->ndone >= MON_MAX_DONE)
		return mon_refuse(m, "too many methods succeeded");
	if ((m->done[m->ndone] = strdup(what)) == NULL)
		return PC_ERR_ALLOC;
	m->ndone++;
	/* As userauth_methods_used: the method names, no submethod. */
	snprintf(m->methods + off, sizeof(m->methods) - off, "%s%.*s",
	    off ? "," : "", (int)l, what);
	debug3("monitor: %s succeeded for %s", what, m->user);
	return 0;
}

/* ---------------------------------------------------------- publickey */

static void
mon_key_clear(struct mon_key *k)
{
	key_free(k->key);
	free(k->blob);
	authopts_free(k->opts);
	free(k->where);
	memset(k, 0, sizeof(*k));
}

/* The canonical blob of a key, into a new allocation. */
static int
canonical_blob(const struct pc_key *key, uint8_t **out, size_t *len)
{
	struct wbuf b;
	int r;

	*out = NULL;
	*len = 0;
	wbuf_init(&b, 0);
	if ((r = key_to_blob(key, &b)) == 0) {
		if ((*out = malloc(wbuf_len(&b))) == NULL)
			r = PC_ERR_ALLOC;
		else {
			memcpy(*out, wbuf_ptr(&b), wbuf_len(&b));
			*len = wbuf_len(&b);
		}
	}
	wbuf_clear(&b);
	return r;
}

/* The approved key with this canonical blob, or NULL. */
static struct mon_key *
find_key(struct mon *m, const uint8_t *blob, size_t len)
{
	size_t i;

	for (i = 0; i < m->nkeys; i++) {
		if (m->keys[i].bloblen == len &&
		    memcmp(m->keys[i].blob, blob, len) == 0)
			return &m->keys[i];
	}
	return NULL;
}

/* Parse a key blob the child sent (it parsed it too: failure is a
 * refusal) and give its canonical form. */
static int
child_key(struct mon *m, const uint8_t *blob, size_t len,
    struct pc_key **key, uint8_t **canon, size_t *canonlen)
{
	int r;

	*key = NULL;
	*canon = NULL;
	if (len > MON_MAX_BLOB || key_from_blob(blob, len, key) != 0)
		return mon_refuse(m, "unparsable key");
	if ((r = canonical_blob(*key, canon, canonlen)) != 0) {
		key_free(*key);
		*key = NULL;
	}
	return r;
}

/*
 *   string  key blob
 */
int
monauth_pubkey_allowed(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	const struct auth_backend *b = m->p.backend;
	struct auth_opts *opts = NULL;
	struct mon_key *k;
	struct pc_key *key = NULL;
	const uint8_t *blob;
	uint8_t *canon = NULL;
	char *where = NULL;
	size_t len, canonlen = 0;
	int r, st;

	if ((r = wbuf_get_string_direct(req, &blob, &len)) != 0 ||
	    (r = wbuf_get_end(req)) != 0)
		return mon_refuse(m, "malformed: %s", pc_strerror(r));
	if ((r = attempt_ready(m)) != 0 ||
	    (r = child_key(m, blob, len, &key, &canon, &canonlen)) != 0)
		goto out;
	st = b->pubkey_allowed(b->arg, m->u, m->p.peer, key, &opts, &where);
	if (st != 0) {
		/* The core fails the attempt. */
		m->failures++;
		r = put_status(ans, st);
		goto out;
	}
	if ((k = find_key(m, canon, canonlen)) == NULL) {
		if (m->nkeys == MON_MAX_KEYS) {
			/* The oldest approval goes: a key asked about again
			 * is looked up again. */
			mon_key_clear(&m->keys[0]);
			memmove(&m->keys[0], &m->keys[1],
			    (MON_MAX_KEYS - 1) * sizeof(m->keys[0]));
			memset(&m->keys[MON_MAX_KEYS - 1], 0,
			    sizeof(m->keys[0]));
			m->nkeys--;
		}
		k = &m->keys[m->nkeys++];
		k->key = key;
		k->blob = canon;
		k->bloblen = canonlen;
		key = NULL;
		canon = NULL;
	} else {
		authopts_free(k->opts);
		free(k->where);
	}
	k->opts = opts;
	k->where = where;
	if ((r = put_status(ans, 0)) != 0 ||
	    (r = monmsg_put_opts(ans, opts)) != 0 ||
	    (r = wbuf_put_cstring(ans, where != NULL ? where : "")) != 0) {
		opts = NULL;
		where = NULL;
		goto out;
	}
	opts = NULL;
	where = NULL;
 out:
	authopts_free(opts);
	free(where);
	key_free(key);
	free(canon);
	return r;
}

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

/* string field equal to s (exactly). */
static int
get_text_eq(struct wbuf *d, const char *s)
{
	const uint8_t *p;
	size_t len;

	if (wbuf_get_string_direct(d, &p, &len) != 0 || len != strlen(s) ||
	    memcmp(p, s, len) != 0)
		return 0;
	return 1;
}

/*
 * The data of a publickey signature, checked field by field as OpenSSH's
 * monitor_valid_userblob (RFC 4252 s. 7, PROTOCOL 2.5): this session,
 * this user, the connection service, a publickey method with the
 * signature flag, the algorithm, the key, and for the host-bound method
 * this connection's host key.  *alg and *blob point into data.
 */
static int
valid_userblob(struct mon *m, const uint8_t *data, size_t len,
    char *alg, size_t alglen, const uint8_t **blob, size_t *bloblen)
{
	struct wbuf d, hk;
	const uint8_t *sid, *a, *h;
	size_t sidlen, al, hl;
	uint8_t type;
	int sigflag, hostbound, same;

	wbuf_init_const(&d, data, len);
	if (wbuf_get_string_direct(&d, &sid, &sidlen) != 0 ||
	    sidlen != m->session_id_len ||
	    pc_timingsafe_bcmp(sid, m->session_id, sidlen) != 0)
		return mon_refuse(m, "signed data: not this session");
	if (wbuf_get_u8(&d, &type) != 0 ||
	    type != SSH2_MSG_USERAUTH_REQUEST)
		return mon_refuse(m, "signed data: not a userauth request");
	if (!get_text_eq(&d, m->user))
		return mon_refuse(m, "signed data: another user");
	if (!get_text_eq(&d, "ssh-connection"))
		return mon_refuse(m, "signed data: another service");
	/* Copy before reading on: hostbound is decided from it. */
	if (wbuf_get_string_direct(&d, &a, &al) != 0)
		return mon_refuse(m, "signed data: truncated");
	if (al == strlen("publickey") && memcmp(a, "publickey", al) == 0)
		hostbound = 0;
	else if (al == strlen(HOSTBOUND_METHOD) &&
	    memcmp(a, HOSTBOUND_METHOD, al) == 0)
		hostbound = 1;
	else
		return mon_refuse(m, "signed data: not publickey");
	if (wbuf_get_bool(&d, &sigflag) != 0 || !sigflag)
		return mon_refuse(m, "signed data: no signature flag");
	if (wbuf_get_string_direct(&d, &a, &al) != 0 || al == 0 ||
	    al >= alglen || memchr(a, '\0', al) != NULL)
		return mon_refuse(m, "signed data: bad algorithm");
	memcpy(alg, a, al);
	alg[al] = '\0';
	if (wbuf_get_string_direct(&d, blob, bloblen) != 0)
		return mon_refuse(m, "signed data: truncated");
	if (hostbound) {
		if (wbuf_get_string_direct(&d, &h, &hl) != 0)
			return mon_refuse(m, "signed data: truncated");
		wbuf_init(&hk, 0);
		same = key_to_blob(m->p.hostkeys[m->hostkey_idx], &hk) == 0 &&
		    wbuf_len(&hk) == hl &&
		    pc_timingsafe_bcmp(wbuf_ptr(&hk), h, hl) == 0;
		wbuf_clear(&hk);
		if (!same)
			return mon_refuse(m, "signed data: not our host key");
	}
	if (wbuf_get_end(&d) != 0)
		return mon_refuse(m, "signed data: trailing data");
	return 0;
}

/* Was this key verified for an earlier step? */
static int
key_used(const struct mon *m, const char *fp)
{
	size_t i;

	for (i = 0; i < m->ndone_fps; i++) {
		if (strcmp(m->done_fps[i], fp) == 0)
			return 1;
	}
	return 0;
}

/* A verified key: its restrictions merged into the record, the policy
 * asked, then the method recorded.  *ok 0 when the core will fail the
 * attempt too (conflicting restrictions, policy). */
static int
key_success(struct mon *m, const struct mon_key *k, const char *fp,
    int *ok)
{
	struct auth_opts *merged = NULL;
	const char *errstr = NULL;
	char *desc = NULL, *where = NULL, *fpc = NULL;
	int r;

	*ok = 0;
	if (m->opts != NULL) {
		if (authopts_merge(m->opts, k->opts, &merged, &errstr) != 0) {
			m->failures++;
			return 0;
		}
	} else if (k->opts != NULL &&
	    (merged = authopts_dup(k->opts)) == NULL)
		return PC_ERR_ALLOC;
	if (!policy_allows(m, "publickey", merged)) {
		authopts_free(merged);
		return 0;
	}
	if (m->ndone_fps >= MON_MAX_DONE) {
		authopts_free(merged);
		return mon_refuse(m, "too many keys verified");
	}
	if ((k->where != NULL && (where = strdup(k->where)) == NULL) ||
	    (fpc = strdup(fp)) == NULL || key_describe(k->key, &desc) != 0) {
		r = PC_ERR_ALLOC;
		goto fail;
	}
	if ((r = record_success(m, "publickey")) != 0)
		goto fail;
	m->done_fps[m->ndone_fps++] = fpc;
	authopts_free(m->opts);
	m->opts = merged;
	free(m->opts_where);
	m->opts_where = where;
	free(m->key_desc);
	m->key_desc = desc;
	*ok = 1;
	return 0;
 fail:
	authopts_free(merged);
	free(where);
	free(fpc);
	free(desc);
	return r;
}

/*
 *   string  key blob
 *   string  signature algorithm (plain)
 *   string  signed data
 *   string  signature
 */
int
monauth_key_verify(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	const uint8_t *blob, *data, *sig, *dblob;
	char alg[KEX_MAX_ALG_NAME + 1], plain[KEX_MAX_ALG_NAME + 1];
	char fp[KEY_FP_MAX], *sigalg = NULL;
	size_t bloblen, len, siglen, dbloblen, canonlen = 0;
	struct pc_key *key = NULL;
	struct mon_key *k;
	uint8_t *canon = NULL;
	int r, ok;

	if ((r = wbuf_get_string_direct(req, &blob, &bloblen)) != 0 ||
	    (r = monmsg_get_text(req, KEX_MAX_ALG_NAME, &sigalg)) != 0 ||
	    (r = wbuf_get_string_direct(req, &data, &len)) != 0 ||
	    (r = wbuf_get_string_direct(req, &sig, &siglen)) != 0 ||
	    (r = wbuf_get_end(req)) != 0) {
		r = mon_refuse(m, "malformed: %s", pc_strerror(r));
		goto out;
	}
	if ((r = attempt_ready(m)) != 0)
		goto out;
	if (m->session_id_len == 0) {
		r = mon_refuse(m, "no session yet");
		goto out;
	}
	if (len > MON_MAX_SIGNED || siglen > MON_MAX_SIG) {
		r = mon_refuse(m, "oversized");
		goto out;
	}
	if ((r = valid_userblob(m, data, len, alg, sizeof(alg), &dblob,
	    &dbloblen)) != 0)
		goto out;
	/* The key is the one the signed data names, as bytes. */
	if (dbloblen != bloblen || memcmp(dblob, blob, bloblen) != 0) {
		r = mon_refuse(m, "signed data names another key");
		goto out;
	}
	if ((r = child_key(m, blob, bloblen, &key, &canon, &canonlen)) != 0)
		goto out;
	if ((k = find_key(m, canon, canonlen)) == NULL) {
		r = mon_refuse(m, "key not accepted for %s", m->user);
		goto out;
	}
	/* What the core checked before it asked (PubkeyAcceptedAlgorithms,
	 * the algorithm fits the key, PROTOCOL.certkeys names). */
	plain_alg(alg, plain, sizeof(plain));
	if (!kex_list_has(m->s.pubkey_algs != NULL ? m->s.pubkey_algs : "",
	    alg) || key_type_for_sigalg(alg) != key_get_type(k->key) ||
	    (strcmp(plain, alg) != 0) != (key_is_cert(k->key) != 0) ||
	    strcmp(sigalg, plain) != 0) {
		r = mon_refuse(m, "algorithm %s not acceptable", alg);
		goto out;
	}
	if ((r = key_fingerprint(k->key, fp, sizeof(fp))) != 0)
		goto out;
	if (key_used(m, fp)) {
		r = mon_refuse(m, "key verified before");
		goto out;
	}
	if (key_verify(k->key, plain, data, len, sig, siglen) != 0) {
		m->failures++;
		r = put_status(ans, PC_ERR_SIGNATURE_INVALID);
		goto out;
	}
	if ((r = key_success(m, k, fp, &ok)) != 0)
		goto out;
	/* A good signature is answered as such even when the record did
	 * not count it: the core then fails the attempt on its own
	 * checks (the same policy, the same merge), with its log line. */
	r = put_status(ans, 0);
 out:
	free(sigalg);
	key_free(key);
	free(canon);
	return r;
}

/* ----------------------------------------------------------- password */

/*
 *   string  password
 */
int
monauth_password(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	const struct auth_backend *b = m->p.backend;
	const uint8_t *pw;
	char *copy = NULL, *msg = NULL;
	size_t len;
	int r, st;

	if ((r = wbuf_get_string_direct(req, &pw, &len)) != 0 ||
	    (r = wbuf_get_end(req)) != 0)
		return mon_refuse(m, "malformed: %s", pc_strerror(r));
	if ((r = attempt_ready(m)) != 0)
		return r;
	if (len > MON_MAX_PASSWORD || (len > 0 && memchr(pw, '\0', len)))
		return mon_refuse(m, "malformed password");
	if (len == 0 && !m->s.permit_empty_passwords)
		return mon_refuse(m, "empty password");
	if (b->password == NULL)
		return mon_refuse(m, "no password method");
	if ((copy = malloc(len + 1)) == NULL)
		return PC_ERR_ALLOC;
	memcpy(copy, pw, len);
	copy[len] = '\0';
	st = b->password(b->arg, m->u, m->p.peer, copy, &msg);
	pc_wipe(copy, len);
	free(copy);
	if (st != 0)
		m->failures++;
	else if (policy_allows(m, "password", m->opts) &&
	    (r = record_success(m, "password")) != 0)
		goto out;
	if ((r = put_status(ans, st)) == 0)
		r = wbuf_put_cstring(ans, msg != NULL ? msg : "");
 out:
	free(msg);
	return r;
}

/* ----------------------------------------------- keyboard-interactive */

static int
kbd_ready(struct mon *m)
{
	if (m->kbd == NULL)
		return mon_refuse(m, "no conversation");
	return 0;
}

int
monauth_kbdint_start(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	const struct auth_backend *b = m->p.backend;
	int r, st;

	if ((r = wbuf_get_end(req)) != 0)
		return mon_refuse(m, "malformed: %s", pc_strerror(r));
	if ((r = attempt_ready(m)) != 0)
		return r;
	if (m->kbd != NULL)
		return mon_refuse(m, "a conversation is running");
	if (b->kbdint_start == NULL || !m->s.kbdint)
		return mon_refuse(m, "keyboard-interactive is off");
	st = b->kbdint_start(b->arg, m->u, m->p.peer, &m->kbd);
	if (st != 0) {
		m->kbd = NULL;
		m->failures++;
	}
	return put_status(ans, st);
}

int
monauth_kbdint_next(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	const struct auth_backend *b = m->p.backend;
	struct auth_kbdint_query q;
	int r, st;

	if ((r = wbuf_get_end(req)) != 0)
		return mon_refuse(m, "malformed: %s", pc_strerror(r));
	if ((r = kbd_ready(m)) != 0)
		return r;
	memset(&q, 0, sizeof(q));
	st = b->kbdint_next(m->kbd, &q);
	if (st == 0 && q.nprompts > MONMSG_MAX_PROMPTS)
		st = PC_ERR_AUTH_FAILED;
	if (st == PC_OK_AUTHENTICATED) {
		if (policy_allows(m, "keyboard-interactive", m->opts) &&
		    (r = record_success(m, "keyboard-interactive:pam")) != 0)
			goto out;
	} else if (st != 0)
		m->failures++;
	if ((r = put_status(ans, st)) != 0 ||
	    (st == 0 && (r = monmsg_put_query(ans, &q)) != 0))
		goto out;
 out:
	auth_kbdint_query_clear(&q);
	return r;
}

/*
 *   uint32  number of responses
 *   string  response, repeated
 */
int
monauth_kbdint_respond(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	const struct auth_backend *b = m->p.backend;
	char *resp[MONMSG_MAX_PROMPTS];
	uint32_t n = 0, i, got = 0;
	int r, st;

	memset(resp, 0, sizeof(resp));
	if ((r = wbuf_get_u32(req, &n)) != 0 || n > MONMSG_MAX_PROMPTS) {
		r = mon_refuse(m, "malformed responses");
		goto out;
	}
	for (i = 0; i < n; i++, got++) {
		if ((r = monmsg_get_text(req, MON_MAX_PASSWORD,
		    &resp[i])) != 0) {
			r = mon_refuse(m, "malformed: %s", pc_strerror(r));
			goto out;
		}
	}
	if ((r = wbuf_get_end(req)) != 0) {
		r = mon_refuse(m, "malformed: %s", pc_strerror(r));
		goto out;
	}
	if ((r = kbd_ready(m)) != 0)
		goto out;
	st = b->kbdint_respond(m->kbd, n, resp);
	if (st != 0)
		m->failures++;
	r = put_status(ans, st);
 out:
	for (i = 0; i < got; i++) {
		pc_wipe(resp[i], strlen(resp[i]));
		free(resp[i]);
	}
	return r;
}

int
monauth_kbdint_free(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	int r;

	if ((r = wbuf_get_end(req)) != 0)
		return mon_refuse(m, "malformed: %s", pc_strerror(r));
	if ((r = kbd_ready(m)) != 0)
		return r;
	m->p.backend->kbdint_free(m->kbd);
	m->kbd = NULL;
	return put_status(ans, 0);
}

/* ------------------------------------------------------------ account */

int
monauth_account(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	const struct auth_backend *b = m->p.backend;
	char *msg = NULL;
	int r, st = 0;

	if ((r = wbuf_get_end(req)) != 0)
		return mon_refuse(m, "malformed: %s", pc_strerror(r));
	if ((r = user_ready(m)) != 0)
		return r;
	/* The core asks only once a method has succeeded. */
	if (m->ndone == 0)
		return mon_refuse(m, "account check before any method");
	if (b->account_ok != NULL)
		st = b->account_ok(b->arg, m->u, m->p.peer, &msg);
	m->account_ok = st == 0;
	if ((r = put_status(ans, st)) == 0)
		r = wbuf_put_cstring(ans, msg != NULL ? msg : "");
	free(msg);
	return r;
}

/* ----------------------------------------------------------- hand-over */

/* Does the record end authentication: AuthenticationMethods (the one
 * implementation userauth uses) and the account check? */
static int
record_complete(struct mon *m)
{
	int complete = 0, r;

	if (m->ndone == 0)
		return mon_refuse(m, "no method succeeded");
	if (!m->account_ok)
		return mon_refuse(m, "the account check did not pass");
	r = userauth_methods_complete(m->s.auth_methods,
	    (const char *const *)m->done, m->ndone, &complete);
	if (r != 0 || !complete)
		return mon_refuse(m, "methods %s do not satisfy "
		    "AuthenticationMethods", m->methods);
	return 0;
}

/* The state must continue the session this process signed for. */
static int
state_valid(struct mon *m, const uint8_t *state, size_t len)
{
	struct tp *t = NULL;
	const uint8_t *sid;
	size_t sidlen;
	int r;

	if (m->p.tpp == NULL)
		return mon_refuse(m, "no transport parameters");
	if ((r = tp_import(m->p.tpp, state, len, &t)) != 0)
		return mon_refuse(m, "transport state: %s", pc_strerror(r));
	sid = tp_session_id(t, &sidlen);
	r = sid == NULL || sidlen != m->session_id_len ||
	    pc_timingsafe_bcmp(sid, m->session_id, sidlen) != 0;
	tp_free(t);
	if (r)
		return mon_refuse(m, "transport state of another session");
	return 0;
}

/*
 *   string  user
 *   string  methods (the child's view)
 *   string  key (the child's view)
 *   string  transport state
 *   uint32  n
 *   string  message, n times
 */
int
monauth_auth_done(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	const uint8_t *state, *msg;
	char *user = NULL, *methods = NULL, *key = NULL;
	size_t len, mlen;
	uint32_t n, i;
	int r;

	if ((r = monmsg_get_text(req, USERAUTH_MAX_USER, &user)) != 0 ||
	    (r = monmsg_get_text(req, MON_MAX_METHOD * 4, &methods)) != 0 ||
	    (r = monmsg_get_text(req, MONMSG_MAX_TEXT, &key)) != 0 ||
	    (r = wbuf_get_string_direct(req, &state, &len)) != 0 ||
	    (r = wbuf_get_u32(req, &n)) != 0) {
		r = mon_refuse(m, "malformed: %s", pc_strerror(r));
		goto out;
	}
	if (n > MON_MAX_HELD) {
		r = mon_refuse(m, "%u messages held", n);
		goto out;
	}
	wbuf_reset(&m->held);
	for (i = 0; i < n; i++) {
		if ((r = wbuf_get_string_direct(req, &msg, &mlen)) != 0 ||
		    mlen == 0 ||
		    (r = wbuf_put_string(&m->held, msg, mlen)) != 0) {
			r = mon_refuse(m, "malformed held message");
			goto out;
		}
	}
	if ((r = wbuf_get_end(req)) != 0) {
		r = mon_refuse(m, "malformed: %s", pc_strerror(r));
		goto out;
	}
	m->nheld = n;
	if ((r = user_ready(m)) != 0)
		goto out;
	if (strcmp(user, m->user) != 0) {
		r = mon_refuse(m, "authenticated as %s, not %s", user,
		    m->user);
		goto out;
	}
	if (m->kbd != NULL) {
		r = mon_refuse(m, "conversation still running");
		goto out;
	}
	if ((r = record_complete(m)) != 0 ||
	    (r = state_valid(m, state, len)) != 0)
		goto out;
	if (strcmp(methods, m->methods) != 0)
		debug("monitor: the network process counts methods %s, "
		    "the monitor %s", methods, m->methods);
	wbuf_reset(&m->state);
	if ((r = wbuf_put(&m->state, state, len)) != 0)
		goto out;
	m->authenticated = 1;
	r = put_status(ans, 0);
 out:
	free(user);
	free(methods);
	free(key);
	return r;
}

void
monauth_clear(struct mon *m)
{
	size_t i;

	if (m->kbd != NULL && m->p.backend != NULL &&
	    m->p.backend->kbdint_free != NULL)
		m->p.backend->kbdint_free(m->kbd);
	m->kbd = NULL;
	for (i = 0; i < m->nkeys; i++)
		mon_key_clear(&m->keys[i]);
	m->nkeys = 0;
	for (i = 0; i < m->ndone; i++)
		free(m->done[i]);
	for (i = 0; i < m->ndone_fps; i++)
		free(m->done_fps[i]);
	m->ndone = m->ndone_fps = 0;
	authopts_free(m->opts);
	m->opts = NULL;
	free(m->opts_where);
	free(m->key_desc);
	m->opts_where = m->key_desc = NULL;
	auth_user_free(m->u);
	m->u = NULL;
	pc_wipe(m->session_id, sizeof(m->session_id));
	wbuf_clear(&m->state);
	wbuf_clear(&m->held);
}
