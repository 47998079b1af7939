/*
 * Test helper: an in-memory struct auth_backend (auth/auth.h) that
 * records every call.  A test calls authmem_init, fills the "system"
 * fields, and hands &am->b to the userauth core.
 *
 * Every string and key the test puts in a struct authmem is borrowed and
 * must outlive it.  What the backend returns through pointers is
 * heap-allocated, as auth.h says (the core frees it).
 */
#ifndef PC_TEST_AUTHMEM_H
#define PC_TEST_AUTHMEM_H

#include "auth.h"

#define AUTHMEM_MAX_USERS	4
#define AUTHMEM_MAX_KEYS	4
#define AUTHMEM_MAX_ROUNDS	4
#define AUTHMEM_MAX_PROMPTS	4
#define AUTHMEM_MAX_RESP	8

/* One keyboard-interactive round and the answers that pass it. */
struct authmem_round {
	const char *name;
	const char *instruction;
	unsigned nprompts;
	const char *prompts[AUTHMEM_MAX_PROMPTS];
	int echo[AUTHMEM_MAX_PROMPTS];
	const char *answers[AUTHMEM_MAX_PROMPTS];
};

struct authmem {
	struct auth_backend b;		/* by authmem_init; arg = am */

	/* The system.  "root" gets uid 0, the others 1000 + index. */
	const char *users[AUTHMEM_MAX_USERS];
	const struct pc_key *keys[AUTHMEM_MAX_KEYS];	/* authorized */
	const char *force_command;	/* in the opts of an accepted key */
	const char *password;		/* the right one; NULL: none is */
	struct authmem_round rounds[AUTHMEM_MAX_ROUNDS];
	unsigned nrounds;
	int kbd_start_fails;		/* kbdint_start refuses */
	/* settings_for_user copies this over *s when set. */
	int have_settings;
	struct auth_settings settings;
	int settings_fails;		/* settings_for_user errors */
	const char *deny_user;		/* user_allowed refuses it */
	const char *deny_method;	/* method_allowed refuses it */
	int deny_account;		/* account_ok refuses */

	/* What was asked. */
	unsigned n_settings, n_lookup, n_user_allowed, n_method_allowed;
	unsigned n_pubkey, n_password, n_account;
	unsigned n_kbd_start, n_kbd_next, n_kbd_respond, n_kbd_free;
	char settings_user[300];
	int settings_user_valid;	/* u was not NULL */
	char lookup_user[300];
	char method[64];		/* last method_allowed method */
	int method_had_opts;		/* ... and whether opts was set */
	char password_seen[256];
	size_t password_len;
	unsigned nresp;			/* all responses, every round */
	char resp[AUTHMEM_MAX_RESP][64];
	int kbd_live;			/* conversations not freed */
};

/* Zero *am and point b's callbacks at it; fill the system after. */
void	authmem_init(struct authmem *am);

#endif /* PC_TEST_AUTHMEM_H */
