/*
 * Unit tests for agent and X11 forwarding in daemon/session.c, in
 * process: the session backend driven with parsed requests, a fake
 * struct session_fwd in place of daemon/fwd.c, and real children whose
 * environment, xauth (a script standing in for XAuthLocation) and
 * ~/.ssh/rc input are written to files in a private home directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "err.h"
#include "servconf.h"
#include "session.h"

#define SID	3	/* the session channel's id */

struct fake_fwd {
	int agent_calls, agent_result;
	const char *agent_path;
	int x11_calls, x11_result;
	uint32_t x11_id;
	int x11_single;
	const char *display;
	int closed_calls;
	uint32_t closed_id;
};

struct fixture {
	char home[64];
	char xauth[128];
	struct server_config cfg;
	struct auth_user user;
	struct auth_peer peer;
	struct sessions *s;
	const struct chan_backend *be;
	struct fake_fwd ff;
	struct session_fwd f;
};

static int
ff_agent(void *arg, const char **path)
{
	struct fake_fwd *ff = arg;

	ff->agent_calls++;
	if (ff->agent_result != 0) {
		return ff->agent_result;
	}
	*path = ff->agent_path;
	return 0;
}

static int
ff_x11(void *arg, uint32_t session_id, int single, const char **display,
    int *number)
{
	struct fake_fwd *ff = arg;

	ff->x11_calls++;
	ff->x11_id = session_id;
	ff->x11_single = single;
	if (ff->x11_result != 0) {
		return ff->x11_result;
	}
	*display = ff->display;
	*number = 10;
	return 0;
}

static void
ff_closed(void *arg, uint32_t session_id)
{
	struct fake_fwd *ff = arg;

	ff->closed_calls++;
	ff->closed_id = session_id;
}

static void
write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* The file's text, or NULL if it does not exist; caller frees. */
static char *
read_file(const char *dir, const char *name)
{
	char path[256], *buf;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL) {
		return NULL;
	}
	buf = calloc(1, 65536);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct session_params p;
	struct passwd *pw;

	assert_non_null(fx);
	strcpy(fx->home, "/tmp/pc-sfwd-XXXXXX");
	assert_non_null(mkdtemp(fx->home));
	assert_non_null(pw = getpwuid(geteuid()));
	fx->user.name = strdup(pw->pw_name);
	fx->user.uid = pw->pw_uid;
	fx->user.gid = pw->pw_gid;
	fx->user.home = fx->home;
	fx->user.shell = (char *)"/bin/sh";
	fx->peer.addr = "127.0.0.1";
	fx->peer.port = 50000;
	fx->peer.host = "127.0.0.1";
	fx->peer.laddr = "127.0.0.1";
	fx->peer.lport = 22;

	/* A stand-in for xauth(1) that records its arguments and input. */
	snprintf(fx->xauth, sizeof(fx->xauth), "%s/fake-xauth", fx->home);
	write_file(fx->home, "fake-xauth", "#!/bin/sh\n"
	    "echo \"$@\" > \"$HOME/xauth.args\"\n"
	    "cat > \"$HOME/xauth.in\"\n", 0755);

	servconf_init(&fx->cfg);
	assert_int_equal(servconf_fill_defaults(&fx->cfg), 0);
	fx->cfg.use_pam = 0;
	fx->cfg.print_motd = 0;
	fx->cfg.print_lastlog = 0;
	/* Ours instead of the default: reset before clear. */
	free(fx->cfg.xauth_location);
	fx->cfg.xauth_location = fx->xauth;

	memset(&p, 0, sizeof(p));
	p.cfg = &fx->cfg;
	p.user = &fx->user;
	p.peer = &fx->peer;
	p.methods = "publickey";
	assert_int_equal(sessions_new(&p, &fx->s), 0);
	fx->be = sessions_backend(fx->s);

	fx->ff.agent_path = "/tmp/ssh-AbCdEfGhIj/agent.77";
	fx->ff.display = "localhost:10";
	fx->f.arg = &fx->ff;
	fx->f.agent = ff_agent;
	fx->f.x11 = ff_x11;
	fx->f.session_closed = ff_closed;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	sessions_free(fx->s);
	fx->cfg.xauth_location = NULL;
	servconf_clear(&fx->cfg);
	free(fx->user.name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->home);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static uint32_t
open_session(struct fixture *fx)
{
	char *why = NULL;

	assert_int_equal(fx->be->session_open(fx->be->arg, SID, &why), 0);
	assert_null(why);
	return SID;
}

static int
request(struct fixture *fx, const char *type)
{
	struct chan_req req;

	memset(&req, 0, sizeof(req));
	req.type = type;
	req.want_reply = 1;
	return fx->be->session_request(fx->be->arg, SID, &req);
}

static int
x11_request(struct fixture *fx, const char *proto, const char *cookie,
    uint32_t screen, int single)
{
	struct chan_req req;

	memset(&req, 0, sizeof(req));
	req.type = "x11-req";
	req.want_reply = 1;
	req.single_connection = single;
	req.x11_auth_proto = proto;
	req.x11_auth_cookie = cookie;
	req.x11_screen = screen;
	return fx->be->session_request(fx->be->arg, SID, &req);
}

/* exec a command that records its environment, and wait for it. */
static char *
run_env(struct fixture *fx)
{
	struct chan_req req;
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	char *done = NULL;
	int i;

	memset(&req, 0, sizeof(req));
	req.type = "exec";
	req.want_reply = 1;
	req.command = "env > \"$HOME/env.out\"; echo ok > \"$HOME/done\"";
	assert_int_equal(fx->be->session_request(fx->be->arg, SID, &req), 0);
	for (i = 0; i < 500 && done == NULL; i++) {
		nanosleep(&ts, NULL);
		done = read_file(fx->home, "done");
	}
	assert_non_null(done);
	free(done);
	assert_int_equal(sessions_sigchld(fx->s), 0);
	return read_file(fx->home, "env.out");
}

static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0')) {
			return 1;
		}
		p += n;
	}
	return 0;
}

static void
test_no_fwd_refuses(void **state)
{
	struct fixture *fx = *state;
	char *env;

	open_session(fx);
	assert_int_equal(request(fx, "auth-agent-req@openssh.com"),
	    PC_ERR_PERMISSION_DENIED);
	assert_int_equal(x11_request(fx, "MIT-MAGIC-COOKIE-1", "00ff", 0, 0),
	    PC_ERR_PERMISSION_DENIED);
	env = run_env(fx);
	assert_non_null(env);
	assert_null(strstr(env, "SSH_AUTH_SOCK="));
	assert_null(strstr(env, "DISPLAY="));
	free(env);
	assert_null(read_file(fx->home, "xauth.args"));
	/* Without forwarding, nobody to tell of the close. */
	fx->be->closed(fx->be->arg, SID);
	assert_int_equal(fx->ff.closed_calls, 0);
}

static void
test_agent(void **state)
{
	struct fixture *fx = *state;
	char *env;

	sessions_set_fwd(fx->s, &fx->f);
	open_session(fx);
	/* The connection's forwarding says no (policy): refused. */
	fx->ff.agent_result = PC_ERR_PERMISSION_DENIED;
	assert_int_equal(request(fx, "auth-agent-req@openssh.com"),
	    PC_ERR_PERMISSION_DENIED);
	assert_int_equal(fx->ff.agent_calls, 1);
	fx->ff.agent_result = 0;
	assert_int_equal(request(fx, "auth-agent-req@openssh.com"), 0);
	assert_int_equal(fx->ff.agent_calls, 2);
	env = run_env(fx);
	assert_non_null(env);
	assert_true(has_line(env,
	    "SSH_AUTH_SOCK=/tmp/ssh-AbCdEfGhIj/agent.77"));
	assert_null(strstr(env, "DISPLAY="));
	free(env);
	/* After the process started: too late. */
	assert_int_equal(request(fx, "auth-agent-req@openssh.com"),
	    PC_ERR_PROTOCOL);
	assert_int_equal(fx->ff.agent_calls, 2);
	fx->be->closed(fx->be->arg, SID);
	assert_int_equal(fx->ff.closed_calls, 1);
	assert_int_equal(fx->ff.closed_id, SID);
}

static void
test_x11_xauth(void **state)
{
	struct fixture *fx = *state;
	char *env, *args, *in;

	sessions_set_fwd(fx->s, &fx->f);
	open_session(fx);
	assert_int_equal(x11_request(fx, "MIT-MAGIC-COOKIE-1",
	    "0123456789abcdef0123456789abcdef", 2, 1), 0);
	assert_int_equal(fx->ff.x11_calls, 1);
	assert_int_equal(fx->ff.x11_id, SID);
	assert_int_equal(fx->ff.x11_single, 1);
	/* Once per session, as sshd ("x11 forwarding already active"). */
	assert_int_equal(x11_request(fx, "MIT-MAGIC-COOKIE-1", "abcd", 0, 0),
	    PC_ERR_PROTOCOL);
	assert_int_equal(fx->ff.x11_calls, 1);
	assert_int_equal(fx->ff.closed_calls, 0);

	env = run_env(fx);
	assert_non_null(env);
	assert_true(has_line(env, "DISPLAY=localhost:10.2"));
	assert_null(strstr(env, "SSH_AUTH_SOCK="));
	free(env);
	/* xauth ran, as the user, before the command, with sshd's input. */
	assert_non_null(args = read_file(fx->home, "xauth.args"));
	assert_string_equal(args, "-q -\n");
	assert_non_null(in = read_file(fx->home, "xauth.in"));
	assert_string_equal(in, "remove unix:10.2\n"
	    "add unix:10.2 MIT-MAGIC-COOKIE-1 "
	    "0123456789abcdef0123456789abcdef\n");
	free(args);
	free(in);
	assert_int_equal(x11_request(fx, "MIT-MAGIC-COOKIE-1", "abcd", 0, 0),
	    PC_ERR_PROTOCOL);
	fx->be->closed(fx->be->arg, SID);
	assert_int_equal(fx->ff.closed_calls, 1);
	assert_int_equal(fx->ff.closed_id, SID);
}

static void
test_x11_user_rc(void **state)
{
	struct fixture *fx = *state;
	char dir[128], *env, *rc;

	sessions_set_fwd(fx->s, &fx->f);
	/* ~/.ssh/rc exists: it gets "proto cookie" and xauth does not run. */
	snprintf(dir, sizeof(dir), "%s/.ssh", fx->home);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(dir, "rc", "cat > \"$HOME/rc.in\"\n", 0644);
	open_session(fx);
	assert_int_equal(x11_request(fx, "MIT-MAGIC-COOKIE-1", "c0ffee", 0,
	    0), 0);
	assert_int_equal(fx->ff.x11_single, 0);
	env = run_env(fx);
	assert_non_null(env);
	assert_true(has_line(env, "DISPLAY=localhost:10.0"));
	free(env);
	assert_non_null(rc = read_file(fx->home, "rc.in"));
	assert_string_equal(rc, "MIT-MAGIC-COOKIE-1 c0ffee\n");
	free(rc);
	assert_null(read_file(fx->home, "xauth.args"));
}

static void
test_x11_not_localhost(void **state)
{
	struct fixture *fx = *state;
	char *env, *in;

	fx->cfg.x11_use_localhost = 0;
	fx->ff.display = "buildhost:11";
	sessions_set_fwd(fx->s, &fx->f);
	open_session(fx);
	assert_int_equal(x11_request(fx, "MIT-MAGIC-COOKIE-1", "abcd", 0, 0),
	    0);
	env = run_env(fx);
	assert_non_null(env);
	assert_true(has_line(env, "DISPLAY=buildhost:11.0"));
	free(env);
	/* The entry is for the DISPLAY string itself. */
	assert_non_null(in = read_file(fx->home, "xauth.in"));
	assert_string_equal(in, "remove buildhost:11.0\n"
	    "add buildhost:11.0 MIT-MAGIC-COOKIE-1 abcd\n");
	free(in);
}

static void
test_x11_refusals(void **state)
{
	struct fixture *fx = *state;
	static const char *bad[] = { "", "ab cd", "ab\ncd", "a;b", "a\"b" };
	char missing[160];
	size_t i;

	sessions_set_fwd(fx->s, &fx->f);
	open_session(fx);
	/* Bad data is refused before forwarding is asked. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(x11_request(fx, "MIT-MAGIC-COOKIE-1", bad[i],
		    0, 0), PC_ERR_INVALID_FORMAT);
		assert_int_equal(x11_request(fx, bad[i], "abcd", 0, 0),
		    PC_ERR_INVALID_FORMAT);
	}
	assert_int_equal(x11_request(fx, NULL, "abcd", 0, 0),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(fx->ff.x11_calls, 0);
	/* The policy says no. */
	fx->ff.x11_result = PC_ERR_PERMISSION_DENIED;
	assert_int_equal(x11_request(fx, "MIT-MAGIC-COOKIE-1", "abcd", 0, 0),
	    PC_ERR_PERMISSION_DENIED);
	assert_int_equal(fx->ff.x11_calls, 1);
	assert_int_equal(fx->ff.closed_calls, 0);
	/* No xauth program: refused, and the display made is released. */
	fx->ff.x11_result = 0;
	snprintf(missing, sizeof(missing), "%s/no-such-xauth", fx->home);
	fx->cfg.xauth_location = missing;
	assert_int_equal(x11_request(fx, "MIT-MAGIC-COOKIE-1", "abcd", 0, 0),
	    PC_ERR_NOT_FOUND);
	assert_int_equal(fx->ff.x11_calls, 2);
	assert_int_equal(fx->ff.closed_calls, 1);
	assert_int_equal(fx->ff.closed_id, SID);
	/* None of these made the session's X11 active: a good one may
	 * follow. */
	fx->cfg.xauth_location = fx->xauth;
	assert_int_equal(x11_request(fx, "MIT-MAGIC-COOKIE-1", "abcd", 0, 0),
	    0);
	assert_int_equal(fx->ff.x11_calls, 3);
}

static void
test_x11_after_start(void **state)
{
	struct fixture *fx = *state;
	char *env;

	sessions_set_fwd(fx->s, &fx->f);
	open_session(fx);
	env = run_env(fx);
	free(env);
	assert_int_equal(x11_request(fx, "MIT-MAGIC-COOKIE-1", "abcd", 0, 0),
	    PC_ERR_PROTOCOL);
	assert_int_equal(fx->ff.x11_calls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_fwd_refuses, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_agent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_x11_xauth, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_x11_user_rc, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_x11_not_localhost, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_x11_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_x11_after_start, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
