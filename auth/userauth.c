/* The user authentication service (see userauth.h; RFC 4252). */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ssh2.h"
#include "userauth.h"

#define DEFAULT_MAX_TRIES	6

struct userauth {
	struct tp *t;
	char *methods;
	unsigned max_tries;
	int service_accepted;
	unsigned failures;
	char user[USERAUTH_MAX_USER + 1];
	const char *last_error;
	struct wbuf msg;
};

int
userauth_new(struct tp *t, const struct userauth_params *p,
    struct userauth **uap)
{
	struct userauth *ua;

	*uap = NULL;
	if ((ua = calloc(1, sizeof(*ua))) == NULL)
		return PC_ERR_ALLOC;
	ua->t = t;
	ua->max_tries = p->max_tries ? p->max_tries : DEFAULT_MAX_TRIES;
	if ((ua->methods = strdup(p->methods ? p->methods :
	    "publickey,password,keyboard-interactive")) == NULL) {
		free(ua);
		return PC_ERR_ALLOC;
	}
	wbuf_init(&ua->msg, 0);
	*uap = ua;
	return 0;
}

void
userauth_free(struct userauth *ua)
{
	if (ua == NULL)
		return;
	free(ua->methods);
	wbuf_clear(&ua->msg);
	pc_wipe(ua, sizeof(*ua));
	free(ua);
}

const char *
userauth_last_error(const struct userauth *ua)
{
	return ua->last_error;
}

const char *
userauth_user(const struct userauth *ua)
{
	return ua->user;
}

unsigned
userauth_failures(const struct userauth *ua)
{
	return ua->failures;
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

/*
 *   byte   SSH_MSG_USERAUTH_REQUEST
 *   string user name (UTF-8)
 *   string service name
 *   string method name
 *   ....   method specific fields
 * (RFC 4252 s. 5)
 */
static int
recv_userauth_request(struct userauth *ua, struct wbuf *m, uint32_t *reason)
{
	char *user = NULL, *service = NULL, *method = NULL;
	size_t ulen;
	int r;

	if ((r = wbuf_get_cstring(m, &user, &ulen)) != 0 ||
	    (r = wbuf_get_cstring(m, &service, NULL)) != 0 ||
	    (r = wbuf_get_cstring(m, &method, NULL)) != 0)
		goto out;
	if (ulen > USERAUTH_MAX_USER) {
		ua->last_error = "user name too long";
		*reason = SSH2_DISCONNECT_ILLEGAL_USER_NAME;
		r = PC_ERR_PROTOCOL;
		goto out;
	}
	memcpy(ua->user, user, ulen + 1);
	if (strcmp(service, "ssh-connection") != 0) {
		ua->last_error = "service not available";
		*reason = SSH2_DISCONNECT_SERVICE_NOT_AVAILABLE;
		r = PC_ERR_PROTOCOL;
		goto out;
	}
	/* RFC 4252 s. 5.2: "none" is not an attempt; anything else is. */
	if (strcmp(method, "none") != 0) {
		ua->failures++;
		debug("userauth: %s for %s refused", method, user);
	}
	if (ua->failures >= ua->max_tries) {
		/* As OpenSSH: a protocol-error disconnect. */
		ua->last_error = "Too many authentication failures";
		*reason = SSH2_DISCONNECT_PROTOCOL_ERROR;
		r = PC_ERR_PROTOCOL;
		goto out;
	}
	wbuf_reset(&ua->msg);
	if ((r = wbuf_put_u8(&ua->msg, SSH2_MSG_USERAUTH_FAILURE)) != 0 ||
	    (r = wbuf_put_cstring(&ua->msg, ua->methods)) != 0 ||
	    (r = wbuf_put_bool(&ua->msg, 0)) != 0 ||	/* partial success */
	    (r = tp_send_wbuf(ua->t, &ua->msg)) != 0)
		goto out;
 out:
	free(user);
	free(service);
	free(method);
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
	/* The gate: before the service is accepted only SERVICE_REQUEST,
	 * then only USERAUTH_REQUEST (RFC 4252 s. 4 and 5). */
	if (msg[0] == SSH2_MSG_SERVICE_REQUEST)
		return recv_service_request(ua, &m, reason);
	if (msg[0] == SSH2_MSG_USERAUTH_REQUEST && ua->service_accepted)
		return recv_userauth_request(ua, &m, reason);
	error("unexpected message type %u before authentication", msg[0]);
	ua->last_error = "unexpected message before authentication";
	return PC_ERR_UNEXPECTED_MESSAGE;
}
