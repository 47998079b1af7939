/*
 * authorized_keys and principals file lines and their search (see
 * authkeys.h; sshd(8) "AUTHORIZED_KEYS FILE FORMAT").
 */
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "log.h"

#define AUTHKEYS_CERT_SUFFIX	"-cert-v01@openssh.com"

/* Key types OpenSSH knows that this server does not accept. */
static const char *const authkeys_unsupported[] = {
	"ssh-dss",
	"sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com",
	"ssh-xmss@openssh.com",
};

enum word_kind {
	WORD_OTHER = 0,		/* not a key type: options, or junk */
	WORD_KEY,		/* a supported key type */
	WORD_CERT,		/* a certificate type */
	WORD_UNSUPPORTED,	/* a key type we do not accept */
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static enum word_kind
word_kind(const char *w, size_t n)
{
	char name[64];
	size_t i, sl = strlen(AUTHKEYS_CERT_SUFFIX);

	if (n == 0 || n >= sizeof(name)) {
		return WORD_OTHER;
	}
	memcpy(name, w, n);
	name[n] = '\0';
	if (key_type_from_name(name) != KEY_UNSPEC) {
		return WORD_KEY;
	}
	if (n > sl && memcmp(name + n - sl, AUTHKEYS_CERT_SUFFIX, sl) == 0) {
		return WORD_CERT;
	}
	for (i = 0; i < sizeof(authkeys_unsupported) /
	    sizeof(authkeys_unsupported[0]); i++) {
		if (strcmp(name, authkeys_unsupported[i]) == 0) {
			return WORD_UNSUPPORTED;
		}
	}
	return WORD_OTHER;
}

void
authkeys_line_clear(struct authkeys_line *l)
{
	if (l == NULL) {
		return;
	}
	authopts_free(l->opts);
	key_free(l->key);
	free(l->comment);
	memset(l, 0, sizeof(*l));
}

void
authkeys_match_clear(struct authkeys_match *m)
{
	if (m == NULL) {
		return;
	}
	authopts_free(m->opts);
	memset(m, 0, sizeof(*m));
}

/* The key part "type base64 [comment]" at p (NUL-terminated). */
static int
parse_key(const char *p, struct authkeys_line *out, const char **errstr)
{
	size_t n = 0;
	int r;

	while (p[n] != '\0' && !is_blank(p[n]) && p[n] != '\r' &&
	    p[n] != '\n') {
		n++;
	}
	switch (word_kind(p, n)) {
	case WORD_KEY:
		break;
	case WORD_CERT:
		*errstr = "certificate in place of a key";
		return PC_ERR_INVALID_FORMAT;
	case WORD_UNSUPPORTED:
		*errstr = "unsupported key type";
		return PC_ERR_KEY_TYPE_UNKNOWN;
	default:
		*errstr = n == 0 ? "missing key" : "unknown key type";
		return PC_ERR_INVALID_FORMAT;
	}
	r = key_from_public_line(p, &out->key, &out->comment);
	if (r == PC_ERR_ALLOC) {
		*errstr = "out of memory";
	} else if (r == PC_ERR_KEY_TYPE_UNKNOWN) {
		*errstr = "key type does not match the key";
	} else if (r != 0) {
		*errstr = "bad key";
	}
	return r;
}

int
authkeys_parse_line(const char *line, struct authkeys_line *out,
    const char **errstr)
{
	const char *p, *end, *dummy;
	size_t n, consumed;
	int r;

	if (errstr == NULL) {
		errstr = &dummy;
	}
	*errstr = NULL;
	if (out == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	memset(out, 0, sizeof(*out));
	if (line == NULL) {
		*errstr = "invalid argument";
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((n = strnlen(line, AUTHKEYS_MAX_LINE + 2)) > AUTHKEYS_MAX_LINE &&
	    !(n == AUTHKEYS_MAX_LINE + 1 && line[n - 1] == '\n')) {
		*errstr = "line too long";
		return PC_ERR_STRING_TOO_LARGE;
	}
	end = line + n;
	while (end > line && (end[-1] == '\n' || end[-1] == '\r')) {
		end--;
	}
	for (p = line; p < end && is_blank(*p); p++) {
		;
	}
	if (p == end || *p == '#') {
		return PC_ERR_NOT_FOUND;
	}
	for (n = 0; p + n < end && !is_blank(p[n]); n++) {
		;
	}
	if (word_kind(p, n) != WORD_OTHER) {
		/* A key type first: no options. */
		if ((out->opts = authopts_new()) == NULL) {
			*errstr = "out of memory";
			r = PC_ERR_ALLOC;
			goto out;
		}
	} else {
		if ((r = authopts_parse(p, (size_t)(end - p), &out->opts,
		    &consumed, errstr)) != 0) {
			goto out;
		}
		p += consumed;
		if (p == end) {
			*errstr = "missing key";
			r = PC_ERR_INVALID_FORMAT;
			goto out;
		}
		while (p < end && is_blank(*p)) {
			p++;
		}
	}
	if ((r = parse_key(p, out, errstr)) != 0) {
		goto out;
	}
	out->is_cert_authority = out->opts->cert_authority;
	r = 0;
 out:
	if (r != 0) {
		authkeys_line_clear(out);
	}
	return r;
}

/*
 * May a line with these options be used for this connection?  As sshd's
 * auth_authorise_keyopts: not expired, principals= only on a CA line,
 * cert-authority only where allowed (not in principals files), from=.
 * 0, or PC_ERR_AUTH_FAILED with *why.
 */
static int
authorise(const struct auth_opts *o, int allow_ca,
    const struct authkeys_query *q, const char **why)
{
	if (authopts_check_expiry(o, q->now) != 0) {
		*why = "entry expired";
		return PC_ERR_AUTH_FAILED;
	}
	if (o->cert_principals != NULL && !o->cert_authority) {
		*why = "principals on a key that is not a CA";
		return PC_ERR_AUTH_FAILED;
	}
	if (!allow_ca && o->cert_authority) {
		*why = "cert-authority not allowed here";
		return PC_ERR_AUTH_FAILED;
	}
	return authopts_check_from(o, q->addr, q->host, why) == 0 ? 0 :
	    PC_ERR_AUTH_FAILED;
}

/* Line iterator over a file's contents, with the caps of authkeys.h. */
struct lines {
	const char *path;
	const char *p;
	const char *end;
	size_t lineno;
	char *buf;		/* AUTHKEYS_MAX_LINE + 1 */
};

/*
 * The next line into it->buf (NUL-terminated, without its newline): 0,
 * or PC_ERR_NOT_FOUND at the end.  Lines too long or holding a NUL are
 * logged and passed over here.
 */
static int
lines_next(struct lines *it)
{
	const char *nl;
	size_t n;

	for (;;) {
		if (it->p >= it->end) {
			return PC_ERR_NOT_FOUND;
		}
		if (it->lineno >= AUTHKEYS_MAX_LINES) {
			error("%s: more than %d lines, the rest ignored",
			    it->path, AUTHKEYS_MAX_LINES);
			it->p = it->end;
			return PC_ERR_NOT_FOUND;
		}
		it->lineno++;
		nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
		n = nl == NULL ? (size_t)(it->end - it->p) :
		    (size_t)(nl - it->p);
		if (n > AUTHKEYS_MAX_LINE) {
			error("%s:%zu: line too long", it->path, it->lineno);
			it->p += n;
			it->p += it->p < it->end ? 1 : 0;
			continue;
		}
		memcpy(it->buf, it->p, n);
		it->buf[n] = '\0';
		it->p += n;
		it->p += it->p < it->end ? 1 : 0;
		if (memchr(it->buf, '\0', n) != NULL) {
			error("%s:%zu: NUL character in line", it->path,
			    it->lineno);
			continue;
		}
		return 0;
	}
}

static int
lines_init(struct lines *it, const char *contents, size_t len,
    const char *path)
{
	memset(it, 0, sizeof(*it));
	it->path = path != NULL ? path : "(unnamed)";
	it->p = contents;
	it->end = contents + len;
	if ((it->buf = malloc(AUTHKEYS_MAX_LINE + 1)) == NULL) {
		return PC_ERR_ALLOC;
	}
	return 0;
}

static int
query_ok(const char *contents, const struct authkeys_query *q,
    struct authkeys_match *m)
{
	if (m == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	memset(m, 0, sizeof(*m));
	if (contents == NULL || q == NULL || q->addr == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	return 0;
}

int
authkeys_find(const char *contents, size_t len, const char *path,
    const struct authkeys_query *q, struct authkeys_match *m)
{
	struct authkeys_line l;
	struct lines it;
	const char *errstr, *why;
	int r;

	memset(&l, 0, sizeof(l));
	if ((r = query_ok(contents, q, m)) != 0) {
		return r;
	}
	if (q->key == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((r = lines_init(&it, contents, len, path)) != 0) {
		return r;
	}
	while ((r = lines_next(&it)) == 0) {
		authkeys_line_clear(&l);
		r = authkeys_parse_line(it.buf, &l, &errstr);
		if (r == PC_ERR_NOT_FOUND) {
			continue;
		}
		if (r == PC_ERR_ALLOC) {
			goto out;
		}
		if (r == PC_ERR_KEY_TYPE_UNKNOWN) {
			/* Valid for OpenSSH, just not for us: no alarm. */
			debug("%s:%zu: %s", it.path, it.lineno, errstr);
			continue;
		}
		if (r != 0) {
			error("%s:%zu: %s", it.path, it.lineno, errstr);
			continue;
		}
		if (!key_equal_public(l.key, q->key) ||
		    l.is_cert_authority != (q->want_ca != 0)) {
			continue;
		}
		if (authorise(l.opts, 1, q, &why) != 0) {
			/* sshd goes on to the following lines too. */
			logit("%s:%zu: matching key refused: %s "
			    "(host=%.200s, ip=%.200s)", it.path, it.lineno,
			    why, q->host != NULL ? q->host : q->addr,
			    q->addr);
			continue;
		}
		debug("%s:%zu: matching %s found", it.path, it.lineno,
		    q->want_ca ? "CA" : "key");
		m->opts = l.opts;
		l.opts = NULL;
		m->line = it.lineno;
		r = 0;
		goto out;
	}
 out:
	authkeys_line_clear(&l);
	free(it.buf);
	return r;
}

/*
 * One principals line (comment already cut, non-empty after leading
 * blanks): "[options] principal".  *opts and *principal point into or
 * are made from s; *principal borrows s.
 */
static int
parse_principal_line(char *s, struct auth_opts **opts, const char **principal,
    const char **errstr)
{
	char *p = s, *end = s + strlen(s);
	size_t consumed;
	int r;

	*opts = NULL;
	while (end > s && (is_blank(end[-1]) || end[-1] == '\r')) {
		*--end = '\0';
	}
	if (*s == '\0') {
		return PC_ERR_NOT_FOUND;
	}
	if (strchr(s, ' ') == NULL && strchr(s, '\t') == NULL) {
		/* No blank inside: a principal alone. */
		if ((*opts = authopts_new()) == NULL) {
			*errstr = "out of memory";
			return PC_ERR_ALLOC;
		}
		*principal = s;
		return 0;
	}
	if ((r = authopts_parse(s, (size_t)(end - s), opts, &consumed,
	    errstr)) != 0) {
		return r;
	}
	p = s + consumed;
	while (is_blank(*p)) {
		p++;
	}
	/*
	 * sshd takes the last word as the principal and ignores anything
	 * between the options and it; a stray word is more likely a
	 * mistake, so it makes the line malformed here.
	 */
	if (*p == '\0' || strchr(p, ' ') != NULL || strchr(p, '\t') != NULL) {
		authopts_free(*opts);
		*opts = NULL;
		*errstr = *p == '\0' ? "missing principal" :
		    "junk after principal";
		return PC_ERR_INVALID_FORMAT;
	}
	*principal = p;
	return 0;
}

int
authkeys_find_principal(const char *contents, size_t len, const char *path,
    const char *const *cert_principals, size_t n,
    const struct authkeys_query *q, struct authkeys_match *m)
{
	struct auth_opts *opts = NULL;
	struct lines it;
	const char *errstr, *why, *principal;
	char *s, *hash;
	size_t i;
	int r;

	if ((r = query_ok(contents, q, m)) != 0) {
		return r;
	}
	if (cert_principals == NULL && n != 0) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((r = lines_init(&it, contents, len, path)) != 0) {
		return r;
	}
	while ((r = lines_next(&it)) == 0) {
		authopts_free(opts);
		opts = NULL;
		/* '#' starts a comment anywhere, as sshd reads this file. */
		if ((hash = strchr(it.buf, '#')) != NULL) {
			*hash = '\0';
		}
		for (s = it.buf; is_blank(*s); s++) {
			;
		}
		if ((r = parse_principal_line(s, &opts, &principal,
		    &errstr)) != 0) {
			if (r == PC_ERR_NOT_FOUND) {
				continue;
			}
			if (r == PC_ERR_ALLOC) {
				goto out;
			}
			error("%s:%zu: %s", it.path, it.lineno, errstr);
			continue;
		}
		for (i = 0; i < n; i++) {
			if (cert_principals[i] != NULL &&
			    strcmp(cert_principals[i], principal) == 0) {
				break;
			}
		}
		if (i == n) {
			continue;
		}
		/* The first line naming a principal decides, as sshd. */
		if (authorise(opts, 0, q, &why) != 0) {
			logit("%s:%zu: principal \"%.100s\" refused: %s "
			    "(host=%.200s, ip=%.200s)", it.path, it.lineno,
			    principal, why,
			    q->host != NULL ? q->host : q->addr, q->addr);
			r = PC_ERR_NOT_FOUND;
			goto out;
		}
		debug("%s:%zu: matched principal \"%.100s\"", it.path,
		    it.lineno, principal);
		m->opts = opts;
		opts = NULL;
		m->line = it.lineno;
		r = 0;
		goto out;
	}
 out:
	authopts_free(opts);
	free(it.buf);
	return r;
}
