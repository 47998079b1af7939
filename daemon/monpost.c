/*
 * The monitor's requests after authentication (see monitor.h): what the
 * post-auth process, running as the user, cannot do itself.
 *
 * PTY: the monitor opens the pty and gives the slave to the user, group
 * tty, mode 0620, as sshd's pty_setowner (and OpenSSH's monitor, which
 * allocates ptys for its child, mm_answer_pty).  devpts would give a pty
 * opened by the user to the user already, but only with its gid=5 mount
 * option does it get group tty, and a process of the user cannot chown
 * it to a group it is not in; so the monitor, which is root, opens it
 * and passes both ends.  Knowing which ttys it handed out, the monitor
 * writes login records for those only.
 *
 * LOGIN_MSG, LOGIN, LOGOUT: the "Last login" line and PAM's session
 * messages for an interactive login, and utmp, wtmp and lastlog, which
 * only root may write (daemon/loginrec.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authbackend.h"
#include "log.h"
#include "loginrec.h"
#include "monitor.h"
#include "monmsg.h"
#include "pamsession.h"

static int
put_status(struct wbuf *ans, int status)
{
	return wbuf_put_u32(ans, (uint32_t)status);
}

static int
print_lastlog(const struct mon *m)
{
	const struct authbackend *ab = m->p.ab;
	const struct server_config *c;

	if (ab == NULL)
		return 1;	/* sshd_config(5): PrintLastLog yes */
	c = ab->have_user_cfg ? &ab->user_cfg : ab->global;
	return c == NULL || c->print_lastlog != 0;
}

static struct mon_pty *
find_pty(struct mon *m, const char *name)
{
	size_t i;

	for (i = 0; i < MON_MAX_PTYS; i++) {
		if (m->ptys[i].name[0] != '\0' &&
		    strcmp(m->ptys[i].name, name) == 0)
			return &m->ptys[i];
	}
	return NULL;
}

int
monpost_pty(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	struct sesspty p;
	struct mon_pty *slot = NULL;
	size_t i;
	int r, st;

	if ((r = wbuf_get_end(req)) != 0)
		return mon_refuse(m, "malformed: %s", pc_strerror(r));
	if (m->u == NULL)
		return mon_refuse(m, "no user");
	for (i = 0; i < MON_MAX_PTYS && slot == NULL; i++) {
		if (m->ptys[i].name[0] == '\0')
			slot = &m->ptys[i];
	}
	if (slot == NULL) {
		/* Not a refusal: the session's pty-req fails. */
		error("monitor: no more ptys for %s", m->u->name);
		return put_status(ans, PC_ERR_RANGE);
	}
	if ((st = sesspty_open(&p)) == 0 &&
	    (st = sesspty_setowner(&p, m->u->uid, m->u->gid)) != 0) {
		sesspty_release(p.name);
		sesspty_close(&p);
	}
	if (st != 0)
		return put_status(ans, st);
	if ((r = put_status(ans, 0)) != 0 ||
	    (r = wbuf_put_cstring(ans, p.name)) != 0) {
		sesspty_release(p.name);
		sesspty_close(&p);
		return r;
	}
	memset(slot, 0, sizeof(*slot));
	snprintf(slot->name, sizeof(slot->name), "%s", p.name);
	/* Sent after the answer, then closed here (mon_serve_one). */
	m->pass_fds[0] = p.master;
	m->pass_fds[1] = p.slave;
	m->npass_fds = 2;
	debug("monitor: pty %s for %s", p.name, m->u->name);
	return 0;
}

int
monpost_login_msg(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	char msg[MON_MAX_LOGIN_MSG];
	size_t used;
	int r;

	if ((r = wbuf_get_end(req)) != 0)
		return mon_refuse(m, "malformed: %s", pc_strerror(r));
	if (m->u == NULL)
		return mon_refuse(m, "no user");
	msg[0] = '\0';
	/* Read before LOGIN updates it, as sshd does. */
	if (print_lastlog(m))
		loginrec_lastlog_message(NULL, m->u->uid, msg, sizeof(msg));
	/* PAM's session messages go with the first interactive login. */
	if (m->pam != NULL && !m->pam_msgs_taken) {
		used = strlen(msg);
		snprintf(msg + used, sizeof(msg) - used, "%s",
		    pamsession_messages(m->pam));
		pamsession_messages_taken(m->pam);
		m->pam_msgs_taken = 1;
	}
	if ((r = put_status(ans, 0)) != 0)
		return r;
	return wbuf_put_cstring(ans, msg);
}

/*
 *   uint32  pid of the session's process
 *   string  tty name
 */
static int
get_pid_tty(struct mon *m, struct wbuf *req, pid_t *pid, char **tty)
{
	uint32_t p;
	int r;

	*tty = NULL;
	if ((r = wbuf_get_u32(req, &p)) != 0 ||
	    (r = monmsg_get_text(req, SESSPTY_NAME_MAX, tty)) != 0 ||
	    (r = wbuf_get_end(req)) != 0) {
		free(*tty);
		*tty = NULL;
		return mon_refuse(m, "malformed: %s", pc_strerror(r));
	}
	if (p > 0x7fffffff) {
		free(*tty);
		*tty = NULL;
		return mon_refuse(m, "bad pid");
	}
	*pid = (pid_t)p;
	return 0;
}

static void
fill_rec(const struct mon *m, const struct mon_pty *t, struct loginrec *li)
{
	memset(li, 0, sizeof(*li));
	li->pid = t->pid;
	li->user = m->u->name;
	li->uid = m->u->uid;
	li->tty = t->name;
	li->host = m->p.peer != NULL ? m->p.peer->addr : "";
}

int
monpost_login(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	struct loginrec li;
	struct mon_pty *t;
	char *tty = NULL;
	pid_t pid;
	int r;

	if ((r = get_pid_tty(m, req, &pid, &tty)) != 0)
		return r;
	if (m->u == NULL) {
		r = mon_refuse(m, "no user");
		goto out;
	}
	/* Only a tty this process handed out, once, with a real pid. */
	if ((t = find_pty(m, tty)) == NULL || t->logged_in || pid <= 1) {
		r = mon_refuse(m, "login record for %s", tty);
		goto out;
	}
	t->pid = pid;
	t->logged_in = 1;
	fill_rec(m, t, &li);
	loginrec_login(&li);
	loginrec_lastlog_write(NULL, &li);
	r = put_status(ans, 0);
 out:
	free(tty);
	return r;
}

/* The logout record if there was a login, and the tty back to root. */
static void
pty_done(struct mon *m, struct mon_pty *t)
{
	struct loginrec li;

	if (t->logged_in && m->u != NULL) {
		fill_rec(m, t, &li);
		loginrec_logout(&li);
	}
	sesspty_release(t->name);
	memset(t, 0, sizeof(*t));
}

int
monpost_logout(struct mon *m, struct wbuf *req, struct wbuf *ans)
{
	struct mon_pty *t;
	char *tty = NULL;
	pid_t pid;
	int r;

	if ((r = get_pid_tty(m, req, &pid, &tty)) != 0)
		return r;
	if ((t = find_pty(m, tty)) == NULL ||
	    (t->logged_in && t->pid != pid)) {
		r = mon_refuse(m, "logout record for %s", tty);
		goto out;
	}
	pty_done(m, t);
	r = put_status(ans, 0);
 out:
	free(tty);
	return r;
}

void
mon_postauth_end(struct mon *m)
{
	size_t i;

	for (i = 0; i < MON_MAX_PTYS; i++) {
		if (m->ptys[i].name[0] != '\0')
			pty_done(m, &m->ptys[i]);
	}
}
