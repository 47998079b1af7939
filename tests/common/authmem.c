/* Test helper: an in-memory authentication backend (see authmem.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authmem.h"
#include "authopts.h"
#include "wbuf.h"

struct auth_kbdint {
	struct authmem *am;
	unsigned round;		/* the round last sent */
	int started;		/* next has sent a round */
	int wrong;		/* an answer did not match */
};

static void
copy_str(char *dst, size_t dstlen, const char *src)
{
	snprintf(dst, dstlen, "%s", src == NULL ? "" : src);
}

static int
am_settings(void *arg, const char *name, const struct auth_user *u,
    const struct auth_peer *peer, struct auth_settings *s)
{
	struct authmem *am = arg;

	(void)peer;
	am->n_settings++;
	copy_str(am->settings_user, sizeof(am->settings_user), name);
	am->settings_user_valid = u != NULL;
	if (am->settings_fails)
		return PC_ERR_CONFIG;
	if (am->have_settings)
		*s = am->settings;
	return 0;
}

static int
am_lookup(void *arg, const char *name, struct auth_user **up)
{
	struct authmem *am = arg;
	struct auth_user *u;
	size_t i;

	am->n_lookup++;
	copy_str(am->lookup_user, sizeof(am->lookup_user), name);
	*up = NULL;
	for (i = 0; i < AUTHMEM_MAX_USERS; i++) {
		if (am->users[i] != NULL && strcmp(am->users[i], name) == 0)
			break;
	}
	if (i == AUTHMEM_MAX_USERS)
		return 0;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return PC_ERR_ALLOC;
	u->uid = strcmp(name, "root") == 0 ? 0 : (uid_t)(1000 + i);
	u->gid = u->uid;
	if ((u->name = strdup(name)) == NULL ||
	    (u->home = strdup("/nonexistent")) == NULL ||
	    (u->shell = strdup("/bin/sh")) == NULL) {
		auth_user_free(u);
		return PC_ERR_ALLOC;
	}
	*up = u;
	return 0;
}

static int
am_user_allowed(void *arg, const struct auth_user *u,
    const struct auth_peer *peer, char **why)
{
	struct authmem *am = arg;
	char buf[256];

	am->n_user_allowed++;
	*why = NULL;
	if (am->deny_user == NULL || strcmp(am->deny_user, u->name) != 0)
		return 0;
	snprintf(buf, sizeof(buf), "User %s from %s not allowed because "
	    "listed in DenyUsers", u->name, peer->addr);
	*why = strdup(buf);
	return PC_ERR_AUTH_FAILED;
}

static int
am_method_allowed(void *arg, const struct auth_user *u, const char *method,
    const struct auth_opts *opts, char **why)
{
	struct authmem *am = arg;

	(void)u;
	am->n_method_allowed++;
	copy_str(am->method, sizeof(am->method), method);
	am->method_had_opts = opts != NULL;
	*why = NULL;
	if (am->deny_method == NULL || strcmp(am->deny_method, method) != 0)
		return 0;
	*why = strdup("ROOT LOGIN REFUSED FROM 192.0.2.1 port 4242");
	return PC_ERR_AUTH_FAILED;
}

static int
am_pubkey(void *arg, const struct auth_user *u, const struct auth_peer *peer,
    const struct pc_key *key, struct auth_opts **opts, char **where)
{
	struct authmem *am = arg;
	struct auth_opts *o;
	char buf[32];
	size_t i;

	(void)u;
	(void)peer;
	am->n_pubkey++;
	*opts = NULL;
	*where = NULL;
	for (i = 0; i < AUTHMEM_MAX_KEYS; i++) {
		if (am->keys[i] != NULL && key_equal_public(am->keys[i], key))
			break;
	}
	if (i == AUTHMEM_MAX_KEYS)
		return PC_ERR_NOT_FOUND;
	if ((o = authopts_new()) == NULL)
		return PC_ERR_ALLOC;
	if (am->force_command != NULL &&
	    (o->force_command = strdup(am->force_command)) == NULL) {
		authopts_free(o);
		return PC_ERR_ALLOC;
	}
	snprintf(buf, sizeof(buf), "authmem:%zu", i + 1);
	if ((*where = strdup(buf)) == NULL) {
		authopts_free(o);
		return PC_ERR_ALLOC;
	}
	*opts = o;
	return 0;
}

static int
am_password(void *arg, const struct auth_user *u,
    const struct auth_peer *peer, const char *password, char **msg)
{
	struct authmem *am = arg;
	size_t len = strlen(password);

	(void)u;
	(void)peer;
	*msg = NULL;
	am->n_password++;
	copy_str(am->password_seen, sizeof(am->password_seen), password);
	am->password_len = len;
	if (am->password == NULL || strlen(am->password) != len ||
	    pc_timingsafe_bcmp(am->password, password, len) != 0)
		return PC_ERR_AUTH_FAILED;
	return 0;
}

static int
am_kbd_start(void *arg, const struct auth_user *u,
    const struct auth_peer *peer, struct auth_kbdint **kp)
{
	struct authmem *am = arg;
	struct auth_kbdint *k;

	(void)u;
	(void)peer;
	am->n_kbd_start++;
	*kp = NULL;
	if (am->kbd_start_fails)
		return PC_ERR_AUTH_FAILED;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return PC_ERR_ALLOC;
	k->am = am;
	am->kbd_live++;
	*kp = k;
	return 0;
}

static char *
dup_or_empty(const char *s)
{
	return strdup(s == NULL ? "" : s);
}

static int
am_kbd_next(struct auth_kbdint *k, struct auth_kbdint_query *q)
{
	struct authmem *am = k->am;
	const struct authmem_round *rd;
	unsigned i, next = k->started ? k->round + 1 : 0;

	am->n_kbd_next++;
	if (next >= am->nrounds)
		return k->wrong ? PC_ERR_AUTH_FAILED : PC_OK_AUTHENTICATED;
	rd = &am->rounds[next];
	memset(q, 0, sizeof(*q));
	if ((q->name = dup_or_empty(rd->name)) == NULL ||
	    (q->instruction = dup_or_empty(rd->instruction)) == NULL ||
	    (q->prompts = calloc(rd->nprompts + 1, sizeof(char *))) == NULL ||
	    (q->echo = calloc(rd->nprompts + 1, sizeof(int))) == NULL)
		goto fail;
	for (i = 0; i < rd->nprompts; i++) {
		if ((q->prompts[i] = dup_or_empty(rd->prompts[i])) == NULL)
			goto fail;
		q->nprompts = i + 1;
		q->echo[i] = rd->echo[i];
	}
	k->round = next;
	k->started = 1;
	return 0;
 fail:
	auth_kbdint_query_clear(q);
	return PC_ERR_ALLOC;
}

static int
am_kbd_respond(struct auth_kbdint *k, unsigned n, char *const *responses)
{
	struct authmem *am = k->am;
	const struct authmem_round *rd = &am->rounds[k->round];
	unsigned i;

	am->n_kbd_respond++;
	if (!k->started || n != rd->nprompts)
		return PC_ERR_AUTH_FAILED;
	for (i = 0; i < n; i++) {
		if (am->nresp < AUTHMEM_MAX_RESP) {
			copy_str(am->resp[am->nresp], sizeof(am->resp[0]),
			    responses[i]);
			am->nresp++;
		}
		if (rd->answers[i] == NULL ||
		    strcmp(rd->answers[i], responses[i]) != 0)
			k->wrong = 1;
	}
	return 0;
}

static void
am_kbd_free(struct auth_kbdint *k)
{
	if (k == NULL)
		return;
	k->am->n_kbd_free++;
	k->am->kbd_live--;
	free(k);
}

static int
am_account(void *arg, const struct auth_user *u,
    const struct auth_peer *peer, char **msg)
{
	struct authmem *am = arg;

	(void)u;
	(void)peer;
	am->n_account++;
	*msg = NULL;
	if (!am->deny_account)
		return 0;
	*msg = strdup("Your account has expired");
	return PC_ERR_AUTH_FAILED;
}

void
authmem_init(struct authmem *am)
{
	memset(am, 0, sizeof(*am));
	am->b.arg = am;
	am->b.settings_for_user = am_settings;
	am->b.user_lookup = am_lookup;
	am->b.user_allowed = am_user_allowed;
	am->b.method_allowed = am_method_allowed;
	am->b.pubkey_allowed = am_pubkey;
	am->b.password = am_password;
	am->b.kbdint_start = am_kbd_start;
	am->b.kbdint_next = am_kbd_next;
	am->b.kbdint_respond = am_kbd_respond;
	am->b.kbdint_free = am_kbd_free;
	am->b.account_ok = am_account;
}
