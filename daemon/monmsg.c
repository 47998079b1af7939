/* The monitor's wire: frames, descriptors and encodings (see monmsg.h). */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "monmsg.h"

/* ------------------------------------------------------------- frames */

static uint64_t
monmsg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Wait for fd to be ready for events until deadline (0: no deadline). */
static int
monmsg_wait(int fd, short events, uint64_t deadline)
{
	struct pollfd pfd;
	uint64_t now;
	int timeout = -1, n;

	for (;;) {
		if (deadline != 0) {
			now = monmsg_now_ms();
			if (now >= deadline)
				return PC_ERR_TIMEOUT;
			timeout = (int)(deadline - now);
		}
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, timeout);
		if (n > 0)
			return 0;
		if (n == 0)
			return PC_ERR_TIMEOUT;
		if (errno != EINTR)
			return PC_ERR_SYSTEM;
	}
}

static int
monmsg_write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;
	int r;

	while (len > 0) {
		/* write, not send: the sandbox allows no sendto. */
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if ((r = monmsg_wait(fd, POLLOUT, 0)) != 0)
				return r;
			continue;
		}
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return PC_ERR_CONN_CLOSED;
		if (n <= 0)
			return PC_ERR_SYSTEM;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly len bytes; *got says how many came before an error. */
static int
monmsg_read_all(int fd, uint8_t *p, size_t len, uint64_t deadline,
    size_t *got)
{
	ssize_t n;
	int r;

	*got = 0;
	while (*got < len) {
		if ((r = monmsg_wait(fd, POLLIN, deadline)) != 0)
			return r;
		n = read(fd, p + *got, len - *got);
		if (n < 0 && (errno == EINTR || errno == EAGAIN ||
		    errno == EWOULDBLOCK))
			continue;
		if (n < 0 && errno == ECONNRESET)
			return *got == 0 ? PC_ERR_CONN_CLOSED :
			    PC_ERR_MSG_INCOMPLETE;
		if (n < 0)
			return PC_ERR_SYSTEM;
		if (n == 0)
			return *got == 0 ? PC_ERR_CONN_CLOSED :
			    PC_ERR_MSG_INCOMPLETE;
		*got += (size_t)n;
	}
	return 0;
}

int
monmsg_send(int fd, uint8_t type, const struct wbuf *payload)
{
	uint8_t hdr[5];
	size_t len = payload != NULL ? wbuf_len(payload) : 0;
	int r;

	if (len >= MONMSG_MAX_STATE)
		return PC_ERR_RANGE;
	pc_put_u32(hdr, (uint32_t)(len + 1));
	hdr[4] = type;
	if ((r = monmsg_write_all(fd, hdr, sizeof(hdr))) != 0)
		return r;
	if (len == 0)
		return 0;
	return monmsg_write_all(fd, wbuf_ptr(payload), len);
}

int
monmsg_recv(int fd, size_t max, int timeout_ms, uint8_t *type,
    struct wbuf *payload)
{
	uint8_t hdr[5], *p;
	uint64_t deadline = 0;
	uint32_t len;
	size_t got;
	int r;

	wbuf_reset(payload);
	if (timeout_ms >= 0)
		deadline = monmsg_now_ms() + (uint64_t)timeout_ms;
	if ((r = monmsg_read_all(fd, hdr, sizeof(hdr), deadline, &got)) != 0)
		return r;
	/* The rest of a frame that has started is bounded in time. */
	if (deadline == 0)
		deadline = monmsg_now_ms() + 30000;
	len = pc_get_u32(hdr);
	if (len == 0 || len > max)
		return PC_ERR_RANGE;
	*type = hdr[4];
	if (len == 1)
		return 0;
	if ((r = wbuf_reserve(payload, len - 1, &p)) != 0)
		return r;
	if ((r = monmsg_read_all(fd, p, len - 1, deadline, &got)) != 0) {
		wbuf_reset(payload);
		return r == PC_ERR_CONN_CLOSED ? PC_ERR_MSG_INCOMPLETE : r;
	}
	return 0;
}

int
monmsg_send_fds(int fd, const int *fds, size_t n)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(MONMSG_MAX_FDS * sizeof(int))];
	} cbuf;
	struct msghdr mh;
	struct cmsghdr *c;
	struct iovec iov;
	uint8_t byte = 0;
	ssize_t w;

	if (n == 0 || n > MONMSG_MAX_FDS)
		return PC_ERR_INVALID_ARGUMENT;
	memset(&cbuf, 0, sizeof(cbuf));
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.buf;
	mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	for (;;) {
		w = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (w == 1)
			return 0;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    monmsg_wait(fd, POLLOUT, 0) == 0)
			continue;
		return w < 0 && errno == EPIPE ? PC_ERR_CONN_CLOSED :
		    PC_ERR_SYSTEM;
	}
}

int
monmsg_recv_fds(int fd, int *fds, size_t n)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(MONMSG_MAX_FDS * sizeof(int))];
	} cbuf;
	struct msghdr mh;
	struct cmsghdr *c;
	struct iovec iov;
	uint8_t byte;
	size_t got, i;
	ssize_t rd;

	if (n == 0 || n > MONMSG_MAX_FDS)
		return PC_ERR_INVALID_ARGUMENT;
	for (;;) {
		memset(&cbuf, 0, sizeof(cbuf));
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = &byte;
		iov.iov_len = 1;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		rd = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		if (rd < 0 && errno == EINTR)
			continue;
		if (rd < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    monmsg_wait(fd, POLLIN, 0) == 0)
			continue;
		break;
	}
	if (rd == 0)
		return PC_ERR_CONN_CLOSED;
	if (rd != 1)
		return PC_ERR_SYSTEM;
	c = CMSG_FIRSTHDR(&mh);
	if (c == NULL || c->cmsg_level != SOL_SOCKET ||
	    c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0))
		return PC_ERR_PROTOCOL;
	got = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	if (got != n || (mh.msg_flags & MSG_CTRUNC) != 0) {
		/* Whatever did arrive is not ours to keep. */
		for (i = 0; i < got && i < MONMSG_MAX_FDS; i++) {
			int extra;

			memcpy(&extra, CMSG_DATA(c) + i * sizeof(int),
			    sizeof(int));
			close(extra);
		}
		return PC_ERR_PROTOCOL;
	}
	memcpy(fds, CMSG_DATA(c), n * sizeof(int));
	return 0;
}

/* ------------------------------------------------------------ strings */

int
monmsg_get_text(struct wbuf *b, size_t max, char **s)
{
	const uint8_t *p;
	size_t len;
	int r;

	*s = NULL;
	if ((r = wbuf_get_string_direct(b, &p, &len)) != 0)
		return r;
	if (len > max)
		return PC_ERR_RANGE;
	if (len > 0 && memchr(p, '\0', len) != NULL)
		return PC_ERR_INVALID_FORMAT;
	if ((*s = malloc(len + 1)) == NULL)
		return PC_ERR_ALLOC;
	if (len > 0)
		memcpy(*s, p, len);
	(*s)[len] = '\0';
	return 0;
}

/* An optional string: bool present, then the string if so. */
static int
put_opt_text(struct wbuf *b, const char *s)
{
	int r;

	if ((r = wbuf_put_bool(b, s != NULL)) != 0 || s == NULL)
		return r;
	return wbuf_put_cstring(b, s);
}

static int
get_opt_text(struct wbuf *b, size_t max, char **s)
{
	int present, r;

	*s = NULL;
	if ((r = wbuf_get_bool(b, &present)) != 0 || !present)
		return r;
	return monmsg_get_text(b, max, s);
}

/* A list of strings: uint32 count, then each. */
static int
put_list(struct wbuf *b, char *const *v, size_t n)
{
	size_t i;
	int r;

	if (n > UINT32_MAX || (r = wbuf_put_u32(b, (uint32_t)n)) != 0)
		return n > UINT32_MAX ? PC_ERR_RANGE : r;
	for (i = 0; i < n; i++) {
		if ((r = wbuf_put_cstring(b, v[i])) != 0)
			return r;
	}
	return 0;
}

static void
free_list(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
get_list(struct wbuf *b, size_t max, char ***vp, size_t *np)
{
	char **v = NULL;
	uint32_t n, i;
	int r;

	*vp = NULL;
	*np = 0;
	if ((r = wbuf_get_u32(b, &n)) != 0)
		return r;
	if (n > max)
		return PC_ERR_RANGE;
	if (n == 0)
		return 0;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return PC_ERR_ALLOC;
	for (i = 0; i < n; i++) {
		if ((r = monmsg_get_text(b, MONMSG_MAX_TEXT, &v[i])) != 0) {
			free_list(v, i);
			return r;
		}
	}
	*vp = v;
	*np = n;
	return 0;
}

/* --------------------------------------------------------------- user */

int
monmsg_put_user(struct wbuf *b, const struct auth_user *u)
{
	int r;

	if ((r = wbuf_put_cstring(b, u->name)) != 0 ||
	    (r = wbuf_put_u32(b, (uint32_t)u->uid)) != 0 ||
	    (r = wbuf_put_u32(b, (uint32_t)u->gid)) != 0 ||
	    (r = wbuf_put_cstring(b, u->home)) != 0 ||
	    (r = wbuf_put_cstring(b, u->shell)) != 0)
		return r;
	return put_list(b, u->groups, u->ngroups);
}

int
monmsg_get_user(struct wbuf *b, struct auth_user **up)
{
	struct auth_user *u;
	uint32_t uid, gid;
	int r;

	*up = NULL;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return PC_ERR_ALLOC;
	if ((r = monmsg_get_text(b, MONMSG_MAX_TEXT, &u->name)) != 0 ||
	    (r = wbuf_get_u32(b, &uid)) != 0 ||
	    (r = wbuf_get_u32(b, &gid)) != 0 ||
	    (r = monmsg_get_text(b, MONMSG_MAX_TEXT, &u->home)) != 0 ||
	    (r = monmsg_get_text(b, MONMSG_MAX_TEXT, &u->shell)) != 0 ||
	    (r = get_list(b, MONMSG_MAX_GROUPS, &u->groups,
	    &u->ngroups)) != 0) {
		auth_user_free(u);
		return r;
	}
	u->uid = (uid_t)uid;
	u->gid = (gid_t)gid;
	*up = u;
	return 0;
}

/* --------------------------------------------------------------- opts */

/*
 * Every field, in struct order:
 *   uint32 x6  permit_port/agent/x11/pty/user_rc, restricted
 *   uint32     cert_authority
 *   uint64     valid_before
 *   opt-string cert_principals, force_command
 *   uint32     force_tun_device (two's complement)
 *   list       env, permitopen, permitlisten
 *   opt-string required_from_host_keys, required_from_host_cert
 */
int
monmsg_put_opts(struct wbuf *b, const struct auth_opts *o)
{
	int r;

	if ((r = wbuf_put_u32(b, (uint32_t)o->permit_port_forwarding)) ||
	    (r = wbuf_put_u32(b, (uint32_t)o->permit_agent_forwarding)) ||
	    (r = wbuf_put_u32(b, (uint32_t)o->permit_x11_forwarding)) ||
	    (r = wbuf_put_u32(b, (uint32_t)o->permit_pty)) ||
	    (r = wbuf_put_u32(b, (uint32_t)o->permit_user_rc)) ||
	    (r = wbuf_put_u32(b, (uint32_t)o->restricted)) ||
	    (r = wbuf_put_u32(b, (uint32_t)o->cert_authority)) ||
	    (r = wbuf_put_u64(b, o->valid_before)) ||
	    (r = put_opt_text(b, o->cert_principals)) ||
	    (r = put_opt_text(b, o->force_command)) ||
	    (r = wbuf_put_u32(b, (uint32_t)o->force_tun_device)) ||
	    (r = put_list(b, o->env, o->nenv)) ||
	    (r = put_list(b, o->permitopen, o->npermitopen)) ||
	    (r = put_list(b, o->permitlisten, o->npermitlisten)) ||
	    (r = put_opt_text(b, o->required_from_host_keys)) ||
	    (r = put_opt_text(b, o->required_from_host_cert)))
		return r;
	return 0;
}

/* A flag must be 0 or 1. */
static int
get_flag(struct wbuf *b, int *v)
{
	uint32_t x;
	int r;

	if ((r = wbuf_get_u32(b, &x)) != 0)
		return r;
	if (x > 1)
		return PC_ERR_INVALID_FORMAT;
	*v = (int)x;
	return 0;
}

int
monmsg_get_opts(struct wbuf *b, struct auth_opts **op)
{
	struct auth_opts *o;
	uint32_t tun;
	int r;

	*op = NULL;
	if ((o = authopts_new()) == NULL)
		return PC_ERR_ALLOC;
	if ((r = get_flag(b, &o->permit_port_forwarding)) ||
	    (r = get_flag(b, &o->permit_agent_forwarding)) ||
	    (r = get_flag(b, &o->permit_x11_forwarding)) ||
	    (r = get_flag(b, &o->permit_pty)) ||
	    (r = get_flag(b, &o->permit_user_rc)) ||
	    (r = get_flag(b, &o->restricted)) ||
	    (r = get_flag(b, &o->cert_authority)) ||
	    (r = wbuf_get_u64(b, &o->valid_before)) ||
	    (r = get_opt_text(b, AUTHOPTS_MAX_LINE, &o->cert_principals)) ||
	    (r = get_opt_text(b, AUTHOPTS_MAX_LINE, &o->force_command)) ||
	    (r = wbuf_get_u32(b, &tun)) ||
	    (r = get_list(b, AUTHOPTS_MAX_LIST, &o->env, &o->nenv)) ||
	    (r = get_list(b, AUTHOPTS_MAX_LIST, &o->permitopen,
	    &o->npermitopen)) ||
	    (r = get_list(b, AUTHOPTS_MAX_LIST, &o->permitlisten,
	    &o->npermitlisten)) ||
	    (r = get_opt_text(b, AUTHOPTS_MAX_LINE,
	    &o->required_from_host_keys)) ||
	    (r = get_opt_text(b, AUTHOPTS_MAX_LINE,
	    &o->required_from_host_cert)))
		goto fail;
	o->force_tun_device = (int)tun;
	if (o->force_tun_device < -1 ||
	    (o->force_tun_device > AUTHOPTS_TUN_MAX &&
	    o->force_tun_device != AUTHOPTS_TUN_ANY)) {
		r = PC_ERR_INVALID_FORMAT;
		goto fail;
	}
	*op = o;
	return 0;
 fail:
	authopts_free(o);
	return r;
}

/* ----------------------------------------------------------- settings */

int
monmsg_put_settings(struct wbuf *b, const struct auth_settings *s)
{
	int r;

	if ((r = wbuf_put_bool(b, s->pubkey)) ||
	    (r = wbuf_put_bool(b, s->password)) ||
	    (r = wbuf_put_bool(b, s->kbdint)) ||
	    (r = wbuf_put_bool(b, s->permit_empty_passwords)) ||
	    (r = put_opt_text(b, s->auth_methods)) ||
	    (r = wbuf_put_u32(b, s->max_tries)) ||
	    (r = put_opt_text(b, s->pubkey_algs)) ||
	    (r = put_opt_text(b, s->banner)))
		return r;
	return 0;
}

void
monmsg_settings_clear(struct monmsg_settings *ms)
{
	free(ms->auth_methods);
	free(ms->pubkey_algs);
	free(ms->banner);
	memset(ms, 0, sizeof(*ms));
}

int
monmsg_get_settings(struct wbuf *b, struct monmsg_settings *ms)
{
	uint32_t tries;
	int r;

	memset(ms, 0, sizeof(*ms));
	if ((r = wbuf_get_bool(b, &ms->s.pubkey)) ||
	    (r = wbuf_get_bool(b, &ms->s.password)) ||
	    (r = wbuf_get_bool(b, &ms->s.kbdint)) ||
	    (r = wbuf_get_bool(b, &ms->s.permit_empty_passwords)) ||
	    (r = get_opt_text(b, MONMSG_MAX_TEXT, &ms->auth_methods)) ||
	    (r = wbuf_get_u32(b, &tries)) ||
	    (r = get_opt_text(b, MONMSG_MAX_TEXT, &ms->pubkey_algs)) ||
	    (r = get_opt_text(b, MONMSG_MAX_TEXT, &ms->banner))) {
		monmsg_settings_clear(ms);
		return r;
	}
	ms->s.max_tries = tries;
	ms->s.auth_methods = ms->auth_methods;
	ms->s.pubkey_algs = ms->pubkey_algs;
	ms->s.banner = ms->banner;
	return 0;
}

/* -------------------------------------------------------------- query */

int
monmsg_put_query(struct wbuf *b, const struct auth_kbdint_query *q)
{
	unsigned i;
	int r;

	if (q->nprompts > MONMSG_MAX_PROMPTS)
		return PC_ERR_RANGE;
	if ((r = wbuf_put_cstring(b, q->name != NULL ? q->name : "")) ||
	    (r = wbuf_put_cstring(b, q->instruction != NULL ?
	    q->instruction : "")) ||
	    (r = wbuf_put_u32(b, q->nprompts)))
		return r;
	for (i = 0; i < q->nprompts; i++) {
		if ((r = wbuf_put_cstring(b, q->prompts[i])) != 0 ||
		    (r = wbuf_put_bool(b, q->echo[i])) != 0)
			return r;
	}
	return 0;
}

int
monmsg_get_query(struct wbuf *b, struct auth_kbdint_query *q)
{
	uint32_t n, i;
	int r;

	memset(q, 0, sizeof(*q));
	if ((r = monmsg_get_text(b, MONMSG_MAX_TEXT, &q->name)) ||
	    (r = monmsg_get_text(b, MONMSG_MAX_TEXT, &q->instruction)) ||
	    (r = wbuf_get_u32(b, &n)))
		goto fail;
	if (n > MONMSG_MAX_PROMPTS) {
		r = PC_ERR_RANGE;
		goto fail;
	}
	if (n > 0 && ((q->prompts = calloc(n, sizeof(*q->prompts))) == NULL ||
	    (q->echo = calloc(n, sizeof(*q->echo))) == NULL)) {
		r = PC_ERR_ALLOC;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if ((r = monmsg_get_text(b, MONMSG_MAX_TEXT,
		    &q->prompts[i])) != 0) {
			goto fail;
		}
		/* Counted as it is filled, so a failure frees just these. */
		q->nprompts = i + 1;
		if ((r = wbuf_get_bool(b, &q->echo[i])) != 0)
			goto fail;
	}
	return 0;
 fail:
	auth_kbdint_query_clear(q);
	return r;
}
