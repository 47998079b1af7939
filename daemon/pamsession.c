/* The PAM session in the connection process (see pamsession.h). */
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

#include "authpam.h"
#include "log.h"
#include "pamsession.h"

struct pamsession {
	pam_handle_t *h;
	int cred;		/* PAM_ESTABLISH_CRED succeeded */
	int opened;		/* pam_open_session succeeded */
	char *text;		/* module messages */
	size_t textlen;
};

static void
add_text(struct pamsession *p, const char *msg)
{
	size_t n = strlen(msg);
	char *t;

	if (p->textlen + n + 2 > PAMSESSION_MAX_TEXT) {
		return;
	}
	if ((t = realloc(p->text, p->textlen + n + 3)) == NULL) {
		return;
	}
	p->text = t;
	memcpy(p->text + p->textlen, msg, n);
	p->textlen += n;
	/* Shown on a terminal: line ends as sshd's loginmsg. */
	p->text[p->textlen++] = '\r';
	p->text[p->textlen++] = '\n';
	p->text[p->textlen] = '\0';
}

/* Messages are kept, questions refused (nobody can answer here). */
static int
pamsession_conv(int n, const struct pam_message **msg,
    struct pam_response **resp, void *arg)
{
	struct pamsession *p = arg;
	struct pam_response *rv;
	int i;

	*resp = NULL;
	if (n <= 0 || n > PAM_MAX_NUM_MSG) {
		return PAM_CONV_ERR;
	}
	if ((rv = calloc((size_t)n, sizeof(*rv))) == NULL) {
		return PAM_BUF_ERR;
	}
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_TEXT_INFO:
		case PAM_ERROR_MSG:
			if (msg[i]->msg != NULL) {
				add_text(p, msg[i]->msg);
			}
			break;
		default:
			free(rv);
			return PAM_CONV_ERR;
		}
	}
	*resp = rv;
	return PAM_SUCCESS;
}

int
pamsession_open(const char *service, const char *user, const char *rhost,
    struct pamsession **pp)
{
	struct pam_conv conv;
	struct pamsession *p;
	int pr;

	*pp = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		return PC_ERR_ALLOC;
	}
	conv.conv = pamsession_conv;
	conv.appdata_ptr = p;
	pr = pam_start(service != NULL ? service : AUTHPAM_SERVICE, user,
	    &conv, &p->h);
	if (pr != PAM_SUCCESS) {
		error("PAM: pam_start: %s", pam_strerror(p->h, pr));
		p->h = NULL;
		goto fail;
	}
	if ((pr = pam_set_item(p->h, PAM_RHOST, rhost)) != PAM_SUCCESS ||
	    (pr = pam_set_item(p->h, PAM_TTY, "ssh")) != PAM_SUCCESS) {
		error("PAM: pam_set_item: %s", pam_strerror(p->h, pr));
		goto fail;
	}
	/* sshd's do_pam_setcred: establish before opening the session. */
	pr = pam_setcred(p->h, PAM_ESTABLISH_CRED);
	if (pr != PAM_SUCCESS) {
		error("PAM: pam_setcred(): %s", pam_strerror(p->h, pr));
		goto fail;
	}
	p->cred = 1;
	pr = pam_open_session(p->h, 0);
	if (pr != PAM_SUCCESS) {
		error("PAM: pam_open_session(): %s", pam_strerror(p->h, pr));
		goto fail;
	}
	p->opened = 1;
	*pp = p;
	return 0;
 fail:
	pamsession_close(p);
	return PC_ERR_AUTH_FAILED;
}

void
pamsession_close(struct pamsession *p)
{
	int pr;

	if (p == NULL) {
		return;
	}
	if (p->h != NULL) {
		if (p->opened &&
		    (pr = pam_close_session(p->h, 0)) != PAM_SUCCESS) {
			debug("PAM: pam_close_session: %s",
			    pam_strerror(p->h, pr));
		}
		if (p->cred &&
		    (pr = pam_setcred(p->h, PAM_DELETE_CRED)) != PAM_SUCCESS) {
			debug("PAM: pam_setcred(PAM_DELETE_CRED): %s",
			    pam_strerror(p->h, pr));
		}
		pam_end(p->h, PAM_SUCCESS);
	}
	free(p->text);
	free(p);
}

char **
pamsession_env(struct pamsession *p)
{
	return p != NULL && p->h != NULL ? pam_getenvlist(p->h) : NULL;
}

void
pamsession_env_free(char **env)
{
	size_t i;

	if (env == NULL) {
		return;
	}
	for (i = 0; env[i] != NULL; i++) {
		free(env[i]);
	}
	free(env);
}

const char *
pamsession_messages(const struct pamsession *p)
{
	return p != NULL && p->text != NULL ? p->text : "";
}

void
pamsession_messages_taken(struct pamsession *p)
{
	if (p != NULL) {
		free(p->text);
		p->text = NULL;
		p->textlen = 0;
	}
}
