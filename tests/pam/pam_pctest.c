/*
 * pam_pctest: a PAM module for Portcullis's tests only, for what the
 * stock test modules (pam_wrapper's pam_matrix and pam_chatty) cannot do:
 * no stock module usable without root returns PAM_NEW_AUTHTOK_REQD, asks
 * several prompts in one conversation call, or dies.  Never install it.
 *
 * auth options:
 *   ask=N       one conversation call with N prompts "Code I: " (echo on
 *               for odd I); the answers must be "codeI"
 *   rounds=N    N conversation calls of one prompt "Round I: " (echo off);
 *               the answers must be "roundI"
 *   rhost=ADDR  succeed only if PAM_RHOST is ADDR, PAM_TTY is "ssh" and
 *               SSH_CONNECTION is in the PAM environment
 *   setuser=U   set PAM_USER to U (a module changing the user)
 *   die         SIGKILL the process (a crashing module)
 *   hang        sleep 60 seconds (a module that never answers)
 * account and password options:
 *   expired=F   account: PAM_NEW_AUTHTOK_REQD for users listed (one a
 *               line) in file F; password (PAM_UPDATE_AUTHTOK): remove the
 *               user from F, so the next login is not expired.  Stack it
 *               after the module that changes the password, as requisite.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#define PAM_SM_PASSWORD
#include <security/pam_appl.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#define PCTEST_MAX	32

static const char *
pctest_opt(int argc, const char **argv, const char *name)
{
	size_t len = strlen(name);
	int i;

	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], name, len) == 0 &&
		    (argv[i][len] == '=' || argv[i][len] == '\0')) {
			return argv[i][len] == '=' ? argv[i] + len + 1 : "";
		}
	}
	return NULL;
}

/* One conversation call with n prompts; answers must be pfx1, pfx2... */
static int
pctest_ask(pam_handle_t *h, int n, int first, const char *label,
    const char *pfx, int echo_odd)
{
	struct pam_message m[PCTEST_MAX];
	const struct pam_message *mp[PCTEST_MAX];
	struct pam_response *resp = NULL;
	const struct pam_conv *conv;
	char prompts[PCTEST_MAX][32], want[32];
	int i, ok = 1, r;

	if (n < 1 || n > PCTEST_MAX) {
		return PAM_SERVICE_ERR;
	}
	r = pam_get_item(h, PAM_CONV, (const void **)&conv);
	if (r != PAM_SUCCESS || conv == NULL) {
		return PAM_CONV_ERR;
	}
	for (i = 0; i < n; i++) {
		snprintf(prompts[i], sizeof(prompts[i]), "%s %d: ", label,
		    first + i);
		m[i].msg_style = echo_odd && (first + i) % 2 == 1 ?
		    PAM_PROMPT_ECHO_ON : PAM_PROMPT_ECHO_OFF;
		m[i].msg = prompts[i];
		mp[i] = &m[i];
	}
	r = conv->conv(n, mp, &resp, conv->appdata_ptr);
	if (r != PAM_SUCCESS || resp == NULL) {
		return PAM_CONV_ERR;
	}
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "%s%d", pfx, first + i);
		if (resp[i].resp == NULL || strcmp(resp[i].resp, want) != 0) {
			ok = 0;
		}
		free(resp[i].resp);
	}
	free(resp);
	return ok ? PAM_SUCCESS : PAM_AUTH_ERR;
}

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *h, int flags, int argc, const char **argv)
{
	const void *item;
	const char *v;
	int i, n, r;

	if (pctest_opt(argc, argv, "die") != NULL) {
		raise(SIGKILL);
	}
	if (pctest_opt(argc, argv, "hang") != NULL) {
		sleep(60);
		return PAM_AUTH_ERR;
	}
	if ((v = pctest_opt(argc, argv, "setuser")) != NULL) {
		return pam_set_item(h, PAM_USER, v);
	}
	if ((v = pctest_opt(argc, argv, "rhost")) != NULL) {
		if (pam_get_item(h, PAM_RHOST, &item) != PAM_SUCCESS ||
		    item == NULL || strcmp(item, v) != 0) {
			return PAM_AUTH_ERR;
		}
		if (pam_get_item(h, PAM_TTY, &item) != PAM_SUCCESS ||
		    item == NULL || strcmp(item, "ssh") != 0) {
			return PAM_AUTH_ERR;
		}
		if (pam_getenv(h, "SSH_CONNECTION") == NULL) {
			return PAM_AUTH_ERR;
		}
	}
	if ((v = pctest_opt(argc, argv, "ask")) != NULL) {
		n = atoi(v);
		if ((r = pctest_ask(h, n, 1, "Code", "code", 1)) !=
		    PAM_SUCCESS) {
			return r;
		}
	}
	if ((v = pctest_opt(argc, argv, "rounds")) != NULL) {
		n = atoi(v);
		for (i = 1; i <= n; i++) {
			if ((r = pctest_ask(h, 1, i, "Round", "round", 0)) !=
			    PAM_SUCCESS) {
				return r;
			}
		}
	}
	return PAM_SUCCESS;
}

PAM_EXTERN int
pam_sm_setcred(pam_handle_t *h, int flags, int argc, const char **argv)
{
	return PAM_SUCCESS;
}

/* Is user listed in file (and, if drop, rewrite it without the user)? */
static int
pctest_listed(const char *file, const char *user, int drop)
{
	char line[256], *nl, **keep = NULL;
	size_t nkeep = 0, i;
	int found = 0;
	FILE *f;

	if ((f = fopen(file, "r")) == NULL) {
		return 0;
	}
	while (fgets(line, sizeof(line), f) != NULL && nkeep < 1000) {
		if ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
		}
		if (strcmp(line, user) == 0) {
			found = 1;
			continue;
		}
		if (drop && (keep = realloc(keep, (nkeep + 1) *
		    sizeof(*keep))) != NULL) {
			keep[nkeep++] = strdup(line);
		}
	}
	fclose(f);
	if (drop && found && (f = fopen(file, "w")) != NULL) {
		for (i = 0; i < nkeep; i++) {
			fprintf(f, "%s\n", keep[i] != NULL ? keep[i] : "");
		}
		fclose(f);
	}
	for (i = 0; i < nkeep; i++) {
		free(keep[i]);
	}
	free(keep);
	return found;
}

PAM_EXTERN int
pam_sm_acct_mgmt(pam_handle_t *h, int flags, int argc, const char **argv)
{
	const char *file, *user = NULL;

	if ((file = pctest_opt(argc, argv, "expired")) == NULL) {
		return PAM_SUCCESS;
	}
	if (pam_get_user(h, &user, NULL) != PAM_SUCCESS || user == NULL) {
		return PAM_USER_UNKNOWN;
	}
	if (pctest_listed(file, user, 0)) {
		pam_info(h, "You are required to change your password "
		    "immediately (test)");
		return PAM_NEW_AUTHTOK_REQD;
	}
	return PAM_SUCCESS;
}

PAM_EXTERN int
pam_sm_chauthtok(pam_handle_t *h, int flags, int argc, const char **argv)
{
	const char *file, *user = NULL;

	if ((flags & PAM_UPDATE_AUTHTOK) == 0) {
		return PAM_SUCCESS;
	}
	if ((file = pctest_opt(argc, argv, "expired")) == NULL) {
		return PAM_SUCCESS;
	}
	if (pam_get_user(h, &user, NULL) != PAM_SUCCESS || user == NULL) {
		return PAM_USER_UNKNOWN;
	}
	(void)pctest_listed(file, user, 1);
	return PAM_SUCCESS;
}
