/* Unit tests for the session decisions without I/O: daemon/sessenv.c
 * (environment, AcceptEnv, forced commands, rc files, login shell name),
 * the terminal modes of daemon/sesspty.c (RFC 4254 s. 8) and the
 * ChrootDirectory checks of daemon/sessproc.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <cmocka.h>

#include "authopts.h"
#include "sessenv.h"
#include "sessproc.h"
#include "sesspty.h"

static void
info_init(struct sessenv_info *in)
{
	memset(in, 0, sizeof(*in));
	in->user = "alice";
	in->uid = 1000;
	in->home = "/home/alice";
	in->shell = "/bin/bash";
	in->peer_addr = "192.0.2.7";
	in->peer_port = 51000;
	in->local_addr = "198.51.100.1";
	in->local_port = 22;
}

static void
test_env_standard(void **state)
{
	struct session_conf sc;
	struct sessenv_info in;
	struct sessenv e;

	(void)state;
	sessenv_conf_init(&sc);
	info_init(&in);
	assert_int_equal(sessenv_build(&sc, &in, &e), 0);
	assert_string_equal(sessenv_get(&e, "USER"), "alice");
	assert_string_equal(sessenv_get(&e, "LOGNAME"), "alice");
	assert_string_equal(sessenv_get(&e, "HOME"), "/home/alice");
	assert_string_equal(sessenv_get(&e, "PATH"), SESSENV_STDPATH);
	assert_string_equal(sessenv_get(&e, "MAIL"), "/var/mail/alice");
	assert_string_equal(sessenv_get(&e, "SHELL"), "/bin/bash");
	assert_string_equal(sessenv_get(&e, "SSH_CLIENT"),
	    "192.0.2.7 51000 22");
	assert_string_equal(sessenv_get(&e, "SSH_CONNECTION"),
	    "192.0.2.7 51000 198.51.100.1 22");
	assert_null(sessenv_get(&e, "SSH_TTY"));
	assert_null(sessenv_get(&e, "TERM"));
	assert_null(sessenv_get(&e, "SSH_ORIGINAL_COMMAND"));
	assert_null(sessenv_get(&e, "TZ"));
	/* NULL-terminated for execve. */
	assert_null(e.v[e.n]);
	sessenv_clear(&e);

	in.uid = 0;
	in.tty = "/dev/pts/3";
	in.term = "xterm";
	in.original_command = "ls -l";
	in.tz = "UTC";
	assert_int_equal(sessenv_build(&sc, &in, &e), 0);
	assert_string_equal(sessenv_get(&e, "PATH"), SESSENV_SUPERUSER_PATH);
	assert_string_equal(sessenv_get(&e, "SSH_TTY"), "/dev/pts/3");
	assert_string_equal(sessenv_get(&e, "TERM"), "xterm");
	assert_string_equal(sessenv_get(&e, "SSH_ORIGINAL_COMMAND"), "ls -l");
	assert_string_equal(sessenv_get(&e, "TZ"), "UTC");
	sessenv_clear(&e);
}

static void
test_env_sources_order(void **state)
{
	struct session_conf sc;
	struct sessenv_info in;
	struct sessenv acc, e;
	char *pam[] = { "PAMVAR=p", "SSH_CONNECTION=forged", "LANG=pam",
	    "noequals", NULL };
	char *keyenv[] = { "KEYVAR=k", "OTHER=o" };
	char *setenv_[] = { "ADMIN=a", "LANG=admin" };

	(void)state;
	sessenv_conf_init(&sc);
	info_init(&in);
	sessenv_init(&acc);
	/* The client's USER loses to the standard one; its LANG stays
	 * until PAM and SetEnv override it. */
	assert_int_equal(sessenv_set(&acc, "USER", "mallory"), 0);
	assert_int_equal(sessenv_set(&acc, "LANG", "client"), 0);
	assert_int_equal(sessenv_set(&acc, "LC_ALL", "C"), 0);
	in.accepted = &acc;
	in.pam_env = pam;
	in.key_env = keyenv;
	in.nkey_env = 2;
	assert_int_equal(sessenv_build(&sc, &in, &e), 0);
	assert_string_equal(sessenv_get(&e, "USER"), "alice");
	assert_string_equal(sessenv_get(&e, "LC_ALL"), "C");
	assert_string_equal(sessenv_get(&e, "LANG"), "pam");
	assert_string_equal(sessenv_get(&e, "PAMVAR"), "p");
	/* PAM cannot plant SSH_CONNECTION. */
	assert_string_equal(sessenv_get(&e, "SSH_CONNECTION"),
	    "192.0.2.7 51000 198.51.100.1 22");
	/* PermitUserEnvironment no: environment= is ignored. */
	assert_null(sessenv_get(&e, "KEYVAR"));
	sessenv_clear(&e);

	sc.permit_user_env = 1;
	sc.set_env = setenv_;
	sc.nset_env = 2;
	assert_int_equal(sessenv_build(&sc, &in, &e), 0);
	assert_string_equal(sessenv_get(&e, "KEYVAR"), "k");
	assert_string_equal(sessenv_get(&e, "OTHER"), "o");
	assert_string_equal(sessenv_get(&e, "ADMIN"), "a");
	assert_string_equal(sessenv_get(&e, "LANG"), "admin");
	sessenv_clear(&e);

	/* PermitUserEnvironment with a pattern list. */
	sc.permit_user_env_list = "KEY*";
	assert_int_equal(sessenv_build(&sc, &in, &e), 0);
	assert_string_equal(sessenv_get(&e, "KEYVAR"), "k");
	assert_null(sessenv_get(&e, "OTHER"));
	sessenv_clear(&e);
	sessenv_clear(&acc);
}

static void
test_env_set_negative(void **state)
{
	struct sessenv e;
	char *big;
	int i, r = 0;
	char name[32];

	(void)state;
	sessenv_init(&e);
	assert_int_equal(sessenv_set(&e, "", "x"), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(sessenv_set(&e, "A=B", "x"),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(sessenv_put(&e, "NOEQUALS"),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(sessenv_put(&e, "=value"), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(sessenv_put(&e, "A=b=c"), 0);
	assert_string_equal(sessenv_get(&e, "A"), "b=c");
	assert_int_equal(sessenv_set(&e, "A", "again"), 0);
	assert_string_equal(sessenv_get(&e, "A"), "again");
	assert_int_equal(e.n, 1);
	/* A prefix of a name is not the name. */
	assert_null(sessenv_get(&e, "AB"));
	assert_int_equal(sessenv_set(&e, "AB", "1"), 0);
	assert_string_equal(sessenv_get(&e, "A"), "again");

	big = malloc(SESSENV_MAX_VALUE + 2);
	assert_non_null(big);
	memset(big, 'v', SESSENV_MAX_VALUE + 1);
	big[SESSENV_MAX_VALUE + 1] = '\0';
	assert_int_equal(sessenv_set(&e, "BIG", big), PC_ERR_RANGE);
	free(big);

	for (i = 0; i < SESSENV_MAX + 5 && r == 0; i++) {
		snprintf(name, sizeof(name), "V%d", i);
		r = sessenv_set(&e, name, "x");
	}
	assert_int_equal(r, PC_ERR_RANGE);
	assert_int_equal(e.n, SESSENV_MAX);
	sessenv_clear(&e);
	sessenv_clear(&e);	/* twice is harmless */
}

static void
test_accept_env(void **state)
{
	(void)state;
	assert_false(sessenv_accept(NULL, "LANG"));
	assert_true(sessenv_accept("LANG,LC_*", "LANG"));
	assert_true(sessenv_accept("LANG,LC_*", "LC_ALL"));
	assert_false(sessenv_accept("LANG,LC_*", "LANGUAGE"));
	assert_false(sessenv_accept("LANG,LC_*", "PATH"));
	assert_false(sessenv_accept("*", ""));
	assert_false(sessenv_accept("*", "A=B"));
	assert_true(sessenv_accept("*,!LD_*", "FOO"));
	assert_false(sessenv_accept("*,!LD_*", "LD_PRELOAD"));
	/* Case matters for environment names. */
	assert_false(sessenv_accept("LANG", "lang"));
}

static void
test_command_precedence(void **state)
{
	struct session_conf sc;
	struct auth_opts *o = authopts_new();
	const char *cmd, *orig, *forced;

	(void)state;
	assert_non_null(o);
	sessenv_conf_init(&sc);
	sessenv_command(&sc, NULL, "ls", &cmd, &orig, &forced);
	assert_string_equal(cmd, "ls");
	assert_null(orig);
	assert_null(forced);
	sessenv_command(&sc, o, NULL, &cmd, &orig, &forced);
	assert_null(cmd);
	assert_null(forced);

	o->force_command = strdup("keycmd");
	sessenv_command(&sc, o, "ls", &cmd, &orig, &forced);
	assert_string_equal(cmd, "keycmd");
	assert_string_equal(orig, "ls");
	assert_string_equal(forced, "key-option");
	/* A shell request: nothing original. */
	sessenv_command(&sc, o, NULL, &cmd, &orig, &forced);
	assert_string_equal(cmd, "keycmd");
	assert_null(orig);

	/* ForceCommand in the configuration wins over command=. */
	sc.force_command = "admincmd";
	sessenv_command(&sc, o, "ls", &cmd, &orig, &forced);
	assert_string_equal(cmd, "admincmd");
	assert_string_equal(orig, "ls");
	assert_string_equal(forced, "config");
	authopts_free(o);
}

static void
test_rc_choice(void **state)
{
	struct session_conf sc;
	struct auth_opts *o = authopts_new();

	(void)state;
	assert_non_null(o);
	sessenv_conf_init(&sc);
	assert_int_equal(sessenv_rc_choice(&sc, o, 0, 1, 1), SESSENV_RC_USER);
	assert_int_equal(sessenv_rc_choice(&sc, NULL, 0, 1, 0),
	    SESSENV_RC_USER);
	assert_int_equal(sessenv_rc_choice(&sc, o, 0, 0, 1),
	    SESSENV_RC_SYSTEM);
	assert_int_equal(sessenv_rc_choice(&sc, o, 0, 0, 0), SESSENV_RC_NONE);
	/* Subsystems skip the user's rc, not the system's. */
	assert_int_equal(sessenv_rc_choice(&sc, o, 1, 1, 1),
	    SESSENV_RC_SYSTEM);
	assert_int_equal(sessenv_rc_choice(&sc, o, 1, 1, 0), SESSENV_RC_NONE);
	/* no-user-rc */
	o->permit_user_rc = 0;
	assert_int_equal(sessenv_rc_choice(&sc, o, 0, 1, 1),
	    SESSENV_RC_SYSTEM);
	o->permit_user_rc = 1;
	/* PermitUserRC no */
	sc.permit_user_rc = 0;
	assert_int_equal(sessenv_rc_choice(&sc, o, 0, 1, 0), SESSENV_RC_NONE);
	sc.permit_user_rc = 1;
	/* ForceCommand */
	sc.force_command = "x";
	assert_int_equal(sessenv_rc_choice(&sc, o, 0, 1, 1),
	    SESSENV_RC_SYSTEM);
	authopts_free(o);
}

static void
test_login_argv0_and_shell(void **state)
{
	char buf[64], tiny[4];

	(void)state;
	assert_int_equal(sessenv_login_argv0("/bin/bash", buf, sizeof(buf)),
	    0);
	assert_string_equal(buf, "-bash");
	assert_int_equal(sessenv_login_argv0("sh", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "-sh");
	assert_int_equal(sessenv_login_argv0("/usr/bin/", buf, sizeof(buf)),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(sessenv_login_argv0("/bin/bash", tiny, sizeof(tiny)),
	    PC_ERR_RANGE);
	assert_string_equal(sessenv_shell(NULL), "/bin/sh");
	assert_string_equal(sessenv_shell(""), "/bin/sh");
	assert_string_equal(sessenv_shell("/bin/zsh"), "/bin/zsh");
}

static void
test_subsystem_lookup(void **state)
{
	struct session_conf sc;
	char *names[] = { "sftp", "backup" };
	char *cmds[] = { "/usr/lib/openssh/sftp-server", "/usr/bin/bk -s" };

	(void)state;
	sessenv_conf_init(&sc);
	assert_null(sessenv_subsystem(&sc, "sftp"));
	sc.subsys_names = names;
	sc.subsys_commands = cmds;
	sc.nsubsys = 2;
	assert_string_equal(sessenv_subsystem(&sc, "sftp"), cmds[0]);
	assert_string_equal(sessenv_subsystem(&sc, "backup"), cmds[1]);
	assert_null(sessenv_subsystem(&sc, "SFTP"));
	assert_null(sessenv_subsystem(&sc, "sftp "));
}

static void
test_conf_defaults(void **state)
{
	struct session_conf sc;

	(void)state;
	sessenv_conf_from_config(NULL, &sc);
	assert_int_equal(sc.max_sessions, 10);
	assert_true(sc.permit_tty);
	assert_true(sc.permit_user_rc);
	assert_false(sc.permit_user_env);
	assert_true(sc.print_motd);
	assert_true(sc.print_lastlog);
	assert_null(sc.accept_env);
	assert_null(sc.force_command);
	assert_null(sc.chroot_directory);
	assert_int_equal(sc.nsubsys, 0);
}

/* A termios with known values, so every change is visible. */
static void
tio_base(struct termios *t)
{
	memset(t, 0, sizeof(*t));
	cfsetispeed(t, B9600);
	cfsetospeed(t, B9600);
}

static void
test_modes_decode(void **state)
{
	static const uint8_t modes[] = {
		1, 0, 0, 0, 3,		/* VINTR ^C */
		3, 0, 0, 0, 0x7f,	/* VERASE DEL */
		5, 0, 0, 0, 255,	/* VEOF disabled */
		36, 0, 0, 0, 1,		/* ICRNL on */
		42, 0, 0, 0, 1,		/* IUTF8 on */
		50, 0, 0, 0, 1,		/* ISIG on */
		53, 0, 0, 0, 1,		/* ECHO on */
		72, 0, 0, 0, 1,		/* ONLCR on */
		91, 0, 0, 0, 1,		/* CS8 on */
		128, 0, 0, 0x96, 0,	/* ISPEED 38400 */
		129, 0, 1, 0xc2, 0,	/* OSPEED 115200 */
		0,			/* TTY_OP_END */
		53, 0, 0, 0, 0,		/* after the end: ignored */
	};
	struct termios t;

	(void)state;
	tio_base(&t);
	t.c_cc[VEOF] = 4;
	assert_int_equal(sesspty_modes_decode(&t, modes, sizeof(modes)), 0);
	assert_int_equal(t.c_cc[VINTR], 3);
	assert_int_equal(t.c_cc[VERASE], 0x7f);
	assert_int_equal(t.c_cc[VEOF], _POSIX_VDISABLE);
	assert_true(t.c_iflag & ICRNL);
	assert_true(t.c_iflag & IUTF8);
	assert_true(t.c_lflag & ISIG);
	assert_true(t.c_lflag & ECHO);
	assert_true(t.c_oflag & ONLCR);
	assert_int_equal(t.c_cflag & CSIZE, CS8);
	/* Linux keeps one rate in c_cflag: the later OSPEED wins. */
	assert_int_equal(cfgetospeed(&t), B115200);
}

static void
test_modes_ispeed(void **state)
{
	static const uint8_t modes[] = {
		128, 0, 0, 0x96, 0,	/* ISPEED 38400 */
		0,
	};
	struct termios t;

	(void)state;
	tio_base(&t);
	assert_int_equal(sesspty_modes_decode(&t, modes, sizeof(modes)), 0);
	assert_int_equal(cfgetispeed(&t), B38400);
}

static void
test_modes_clear_and_unknown(void **state)
{
	static const uint8_t modes[] = {
		53, 0, 0, 0, 0,		/* ECHO off */
		20, 0, 0, 0, 1,		/* undefined opcode < 160: skipped */
		11, 0, 0, 0, 1,		/* VDSUSP: not on Linux, skipped */
		128, 0, 0, 0, 7,	/* unknown rate: unchanged */
		51, 0, 0, 0, 0,		/* ICANON off */
	};
	static const uint8_t stop[] = {
		50, 0, 0, 0, 1,		/* ISIG on */
		160,			/* undefined >= 160: parsing stops */
		53, 0, 0,		/* (not parsed, truncated anyway) */
	};
	struct termios t;

	(void)state;
	tio_base(&t);
	t.c_lflag = ECHO | ICANON | ISIG;
	assert_int_equal(sesspty_modes_decode(&t, modes, sizeof(modes)), 0);
	assert_false(t.c_lflag & ECHO);
	assert_false(t.c_lflag & ICANON);
	assert_true(t.c_lflag & ISIG);
	assert_int_equal(cfgetispeed(&t), B9600);

	tio_base(&t);
	assert_int_equal(sesspty_modes_decode(&t, stop, sizeof(stop)), 0);
	assert_true(t.c_lflag & ISIG);
	assert_false(t.c_lflag & ECHO);

	/* Empty modes: nothing changes. */
	tio_base(&t);
	t.c_lflag = ECHO;
	assert_int_equal(sesspty_modes_decode(&t, NULL, 0), 0);
	assert_int_equal(t.c_lflag, ECHO);
}

static void
test_modes_negative(void **state)
{
	static const uint8_t trunc1[] = { 53 };
	static const uint8_t trunc4[] = { 53, 0, 0, 1 };
	static const uint8_t trunc_later[] = { 50, 0, 0, 0, 1, 53, 0 };
	uint8_t *many;
	size_t i, n = (SESSPTY_MAX_MODES + 1) * 5;
	struct termios t;

	(void)state;
	tio_base(&t);
	assert_int_equal(sesspty_modes_decode(&t, trunc1, sizeof(trunc1)),
	    PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(sesspty_modes_decode(&t, trunc4, sizeof(trunc4)),
	    PC_ERR_MSG_INCOMPLETE);
	assert_int_equal(sesspty_modes_decode(&t, trunc_later,
	    sizeof(trunc_later)), PC_ERR_MSG_INCOMPLETE);

	/* More opcodes than any real client sends. */
	many = calloc(n, 1);
	assert_non_null(many);
	for (i = 0; i < n; i += 5) {
		many[i] = 53;
		many[i + 4] = 1;
	}
	assert_int_equal(sesspty_modes_decode(&t, many, n), PC_ERR_RANGE);
	assert_int_equal(sesspty_modes_decode(&t, many, n - 5), 0);
	free(many);
}

static void
test_chroot_check(void **state)
{
	char why[512], dir[] = "/tmp/pcchrootXXXXXX", sub[64];

	(void)state;
	assert_int_equal(sessproc_chroot_check("relative/dir", why,
	    sizeof(why)), PC_ERR_AUTH_FAILED);
	assert_non_null(strstr(why, "does not begin at root"));
	assert_int_equal(sessproc_chroot_check("/nonexistent-pc-dir", why,
	    sizeof(why)), PC_ERR_AUTH_FAILED);
	assert_non_null(strstr(why, "stat"));
	/* /tmp is world-writable (sticky, but sshd refuses it too). */
	assert_non_null(mkdtemp(dir));
	assert_int_equal(sessproc_chroot_check(dir, why, sizeof(why)),
	    PC_ERR_AUTH_FAILED);
	assert_non_null(strstr(why, "bad ownership or modes"));
	assert_non_null(strstr(why, "\"/tmp/\""));
	snprintf(sub, sizeof(sub), "%s/x", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(sessproc_chroot_check(sub, why, sizeof(why)),
	    PC_ERR_AUTH_FAILED);
	rmdir(sub);
	rmdir(dir);
	if (geteuid() == 0) {
		/* Root-owned, not group or other writable: accepted. */
		assert_int_equal(sessproc_chroot_check("/", why, sizeof(why)),
		    0);
		assert_int_equal(sessproc_chroot_check("/usr/bin", why,
		    sizeof(why)), 0);
		assert_int_equal(sessproc_chroot_check("/etc/passwd", why,
		    sizeof(why)), PC_ERR_AUTH_FAILED);
		assert_non_null(strstr(why, "is not a directory"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_standard),
		cmocka_unit_test(test_env_sources_order),
		cmocka_unit_test(test_env_set_negative),
		cmocka_unit_test(test_accept_env),
		cmocka_unit_test(test_command_precedence),
		cmocka_unit_test(test_rc_choice),
		cmocka_unit_test(test_login_argv0_and_shell),
		cmocka_unit_test(test_subsystem_lookup),
		cmocka_unit_test(test_conf_defaults),
		cmocka_unit_test(test_modes_decode),
		cmocka_unit_test(test_modes_ispeed),
		cmocka_unit_test(test_modes_clear_and_unknown),
		cmocka_unit_test(test_modes_negative),
		cmocka_unit_test(test_chroot_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
