/*
 * Unit tests for daemon/authpam.c (PAM in a child process) and
 * daemon/authpasswd.c (crypt(3) and shadow expiry).
 *
 * The PAM tests are hermetic and need no root: main() writes PAM service
 * files and pam_matrix password files into a temporary directory, then
 * re-executes this program with pam_wrapper preloaded (LD_PRELOAD=
 * libpam_wrapper.so, PAM_WRAPPER_SERVICE_DIR=that directory), so
 * pam_start() reads our services instead of /etc/pam.d.  The modules are
 * pam_wrapper's pam_matrix (passwords from a file) and pam_chatty
 * (PAM_TEXT_INFO lines), and build/tests/pam/pam_pctest.so for what they
 * cannot do (expired passwords, several prompts in one call, a module
 * that dies or hangs or changes PAM_USER).  Without libpam-wrapper the
 * PAM tests are skipped; the authpasswd tests always run.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dlfcn.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pwd.h>
#include <setjmp.h>
#include <shadow.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "auth.h"
#include "authpam.h"
#include "authpasswd.h"
#include "err.h"
#include "log.h"

#define MODULE_PATH	"build/tests/pam/pam_pctest.so"
#define ENV_DIR		"PC_AUTHPAM_TEST_DIR"

static char tdir[PATH_MAX];	/* "" when PAM tests are skipped */
static int have_pam;

static struct auth_user alice = { .name = "alice" };
static struct auth_user bob = { .name = "bob" };	/* expired */
static struct auth_user carol = { .name = "carol" };	/* expired */
static struct auth_user dave = { .name = "dave" };	/* expired */
static struct auth_user nobody = { .name = "nosuchuser" };
static struct auth_peer peer = {
	.addr = "192.0.2.7", .port = 50022, .host = "192.0.2.7",
	.laddr = "192.0.2.1", .lport = 22,
};

/* Setup before the re-exec: files, then the pam_wrapper environment. */

static int write_file(const char *, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
write_file(const char *dir, const char *name, const char *fmt, ...)
{
	char path[2 * PATH_MAX];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		return -1;
	}
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	return fclose(f);
}

static int
make_pam_dir(char *dir, size_t dirlen)
{
	char svc[PATH_MAX + 16], mod[PATH_MAX], pdb[PATH_MAX + 16];
	char pdb2[PATH_MAX + 16], exp[PATH_MAX + 16], lines[4096];
	char matrix[2 * PATH_MAX], chatty[256];
	const char *mdir = "/usr/lib/x86_64-linux-gnu/pam_wrapper";
	size_t off;

	snprintf(dir, dirlen, "%s/pc-authpam.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL || realpath(MODULE_PATH, mod) == NULL) {
		return -1;
	}
	snprintf(svc, sizeof(svc), "%s/svc", dir);
	snprintf(pdb, sizeof(pdb), "%s/passdb", dir);
	snprintf(pdb2, sizeof(pdb2), "%s/passdb2", dir);
	snprintf(exp, sizeof(exp), "%s/expired", dir);
	if (mkdir(svc, 0700) == -1) {
		return -1;
	}
	/* pam_matrix: user:password:service.  Its account module takes the
	 * user's first line, so only pc-basic uses it for accounts. */
	off = (size_t)snprintf(lines, sizeof(lines), "alice:secret:pc-basic\n"
	    "bob:bobpw:pc-basic\ncarol:carolpw:pc-basic\n"
	    "dave:davepw:pc-basic\n");
	if (off >= sizeof(lines) ||
	    write_file(dir, "passdb", "%s", lines) != 0 ||
	    write_file(dir, "passdb2", "alice:token42:pc-two\n") != 0 ||
	    write_file(dir, "expired", "bob\ncarol\ndave\n") != 0) {
		return -1;
	}
	snprintf(matrix, sizeof(matrix), "%s/pam_matrix.so passdb=%s", mdir,
	    pdb);
	/* 60 lines (one call of 30 per kind, under AUTHPAM_MAX_PROMPTS). */
	snprintf(chatty, sizeof(chatty), "auth required %s/pam_chatty.so "
	    "num_lines=30 info error\n", mdir);
#define ACCT	"account required %s\naccount required %s expired=%s\n" \
		"password requisite %s\npassword required %s expired=%s\n"
	if (write_file(svc, "other", "auth required pam_deny.so\n"
	    "account required pam_deny.so\npassword required pam_deny.so\n")
	    != 0 ||
	    write_file(svc, "pc-basic", "auth required %s\n" ACCT, matrix,
	    matrix, mod, exp, matrix, mod, exp) != 0 ||
	    write_file(svc, "pc-verbose", "auth required %s/pam_chatty.so "
	    "num_lines=2 info\nauth required %s verbose\n"
	    "account required %s\n", mdir, matrix, mod) != 0 ||
	    write_file(svc, "pc-two", "auth required %s\nauth required "
	    "%s/pam_matrix.so passdb=%s echo\naccount required %s\n", matrix,
	    mdir, pdb2, mod) != 0 ||
	    write_file(svc, "pc-ask", "auth required %s ask=2\n"
	    "account required %s\n", mod, mod) != 0 ||
	    write_file(svc, "pc-rounds3", "auth required %s rounds=3\n"
	    "account required %s\n", mod, mod) != 0 ||
	    write_file(svc, "pc-rounds17", "auth required %s rounds=17\n"
	    "account required %s\n", mod, mod) != 0 ||
	    write_file(svc, "pc-die", "auth required %s die\n"
	    "account required %s\n", mod, mod) != 0 ||
	    write_file(svc, "pc-hang", "auth required %s hang\n"
	    "account required %s\n", mod, mod) != 0 ||
	    write_file(svc, "pc-setuser", "auth required %s\n"
	    "auth required %s setuser=root\naccount required %s\n", matrix,
	    mod, mod) != 0 ||
	    write_file(svc, "pc-rhost", "auth required %s rhost=192.0.2.7\n"
	    "account required %s\n", mod, mod) != 0 ||
	    write_file(svc, "pc-chatty", "%s%s%s%sauth required %s\n"
	    "account required %s\n", chatty, chatty, chatty, chatty, matrix,
	    mod) != 0) {
		return -1;
	}
#undef ACCT
	return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
rm_tree(const char *dir)
{
	if (dir[0] != '\0') {
		(void)nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
}

/* Re-exec under pam_wrapper; returns only if that cannot be done. */
static void
reexec_with_pam_wrapper(char **argv)
{
	char dir[PATH_MAX], preload[PATH_MAX + 64], svc[PATH_MAX + 8];
	const char *old = getenv("LD_PRELOAD");
	void *h;

	/* Only if the library exists: a missing LD_PRELOAD entry is merely
	 * ignored by ld.so, and PAM would read /etc/pam.d. */
	if ((h = dlopen("libpam_wrapper.so", RTLD_LAZY)) == NULL) {
		fprintf(stderr, "# libpam_wrapper.so not found (Debian: "
		    "libpam-wrapper): PAM tests skipped\n");
		return;
	}
	dlclose(h);
	if (access(MODULE_PATH, R_OK) != 0 ||
	    make_pam_dir(dir, sizeof(dir)) != 0) {
		fprintf(stderr, "# cannot set up the PAM test directory "
		    "(%s built?): PAM tests skipped\n", MODULE_PATH);
		return;
	}
	snprintf(preload, sizeof(preload), "%s%slibpam_wrapper.so",
	    old != NULL ? old : "", old != NULL && *old != '\0' ? ":" : "");
	snprintf(svc, sizeof(svc), "%s/svc", dir);
	setenv("LD_PRELOAD", preload, 1);
	setenv("PAM_WRAPPER", "1", 1);
	setenv("PAM_WRAPPER_SERVICE_DIR", svc, 1);
	/* RTLD_DEEPBIND breaks the sanitizers' interceptors; pam_wrapper
	 * 1.1.4 reads the variable under uid_wrapper's name. */
	setenv("PAM_WRAPPER_DISABLE_DEEPBIND", "1", 1);
	setenv("UID_WRAPPER_DISABLE_DEEPBIND", "1", 1);
	setenv(ENV_DIR, dir, 1);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "# re-exec failed: %s\n", strerror(errno));
	rm_tree(dir);
	unsetenv(ENV_DIR);
}

/* Helpers. */

static struct authpam_params
params(const char *service)
{
	struct authpam_params p = { .service = service, .timeout_ms = 10000 };

	return p;
}

#define NEED_PAM() do { if (!have_pam) skip(); } while (0)

/* Every test leaves no child behind (reaped, not a zombie). */
static void
assert_no_children(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* Occurrences of line in text. */
static int
count_lines(const char *text, const char *line)
{
	const char *p = text;
	int n = 0;

	while ((p = strstr(p, line)) != NULL) {
		n++;
		p += strlen(line);
	}
	return n;
}

static int
pw(const char *svc, struct auth_user *u, const char *password, char **msg)
{
	struct authpam_params p = params(svc);

	return authpam_password(&p, u, &peer, password, msg);
}

/* Password authentication. */

static void
test_password_right(void **state)
{
	char *msg = NULL;

	(void)state;
	NEED_PAM();
	assert_int_equal(pw("pc-basic", &alice, "secret", &msg), 0);
	assert_null(msg);
	assert_no_children();
}

static void
test_password_wrong(void **state)
{
	char *msg = NULL;

	(void)state;
	NEED_PAM();
	assert_int_equal(pw("pc-basic", &alice, "Secret", &msg),
	    PC_ERR_AUTH_FAILED);
	assert_int_equal(pw("pc-basic", &alice, "", &msg),
	    PC_ERR_AUTH_FAILED);
	assert_int_equal(pw("pc-basic", &alice, "secret2", &msg),
	    PC_ERR_AUTH_FAILED);
	free(msg);
	assert_no_children();
}

static void
test_password_unknown_user(void **state)
{
	char *msg = NULL;

	(void)state;
	NEED_PAM();
	assert_int_equal(pw("pc-basic", &nobody, "secret", &msg),
	    PC_ERR_AUTH_FAILED);
	free(msg);
	/* A service without a file falls back to "other" (pam_deny). */
	assert_int_equal(pw("pc-nosuchservice", &alice, "secret", &msg),
	    PC_ERR_AUTH_FAILED);
	free(msg);
	assert_no_children();
}

static void
test_password_text_relayed(void **state)
{
	char *msg = NULL;

	(void)state;
	NEED_PAM();
	assert_int_equal(pw("pc-verbose", &alice, "secret", &msg), 0);
	assert_non_null(msg);
	/* pam_chatty's info lines ("Authentication succeeded" too), then
	 * pam_matrix's, one a line. */
	assert_true(count_lines(msg, "Authentication succeeded\n") >= 3);
	assert_int_equal(msg[strlen(msg) - 1], '\n');
	free(msg);
	msg = NULL;
	assert_int_equal(pw("pc-verbose", &alice, "wrong", &msg),
	    PC_ERR_AUTH_FAILED);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "Authentication failed"));
	free(msg);
	assert_no_children();
}

static void
test_password_second_prompt(void **state)
{
	char *msg = NULL;

	(void)state;
	NEED_PAM();
	/* The second module asks again (echo on): password auth cannot
	 * answer, whatever the password. */
	assert_int_equal(pw("pc-two", &alice, "secret", &msg),
	    PC_ERR_AUTH_FAILED);
	free(msg);
	/* A second echo-off prompt: only the first gets the password. */
	assert_int_equal(pw("pc-rounds3", &alice, "round1", &msg),
	    PC_ERR_AUTH_FAILED);
	free(msg);
	assert_no_children();
}

static void
test_password_expired(void **state)
{
	char *msg = NULL;

	(void)state;
	NEED_PAM();
	assert_int_equal(pw("pc-basic", &bob, "bobpw", &msg),
	    PC_ERR_AUTH_FAILED);
	assert_non_null(msg);
	assert_non_null(strstr(msg,
	    "Password change required but no TTY available."));
	free(msg);
	msg = NULL;
	/* Wrong password: failure, and no word about expiry. */
	assert_int_equal(pw("pc-basic", &bob, "nope", &msg),
	    PC_ERR_AUTH_FAILED);
	assert_null(msg);
	assert_no_children();
}

static void
test_password_too_long(void **state)
{
	char *msg = NULL, big[AUTHPAM_MAX_PASSWORD + 2];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* Refused before any PAM call (so even without pam_wrapper). */
	assert_int_equal(pw("pc-basic", &alice, big, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_null(msg);
	assert_no_children();
}

static void
test_password_args(void **state)
{
	struct authpam_params p = params("pc-basic");
	struct auth_user noname = { .name = NULL };
	char *msg = (char *)"x";

	(void)state;
	assert_int_equal(authpam_password(&p, NULL, &peer, "x", &msg),
	    PC_ERR_INVALID_ARGUMENT);
	assert_null(msg);
	assert_int_equal(authpam_password(&p, &noname, &peer, "x", &msg),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(authpam_password(&p, &alice, &peer, NULL, &msg),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(authpam_account(&p, &alice, NULL, &msg),
	    PC_ERR_INVALID_ARGUMENT);
	assert_no_children();
}

/* The child: dying, hanging, changing the user, PAM items. */

static void
test_child_dies(void **state)
{
	struct authpam_params p = params("pc-die");
	struct auth_kbdint *k = NULL;
	struct auth_kbdint_query q;
	char *msg = NULL;

	(void)state;
	NEED_PAM();
	assert_int_equal(pw("pc-die", &alice, "secret", &msg),
	    PC_ERR_AUTH_FAILED);
	assert_null(msg);
	assert_int_equal(authpam_kbdint_start(&p, &alice, &peer, &k), 0);
	assert_int_equal(authpam_kbdint_next(k, &q), PC_ERR_AUTH_FAILED);
	assert_int_equal(q.nprompts, 0);
	/* Done stays done. */
	assert_int_equal(authpam_kbdint_next(k, &q), PC_ERR_AUTH_FAILED);
	authpam_kbdint_free(k);
	assert_no_children();
}

static void
test_child_hangs(void **state)
{
	struct authpam_params p = params("pc-hang");
	struct timespec t0, t1;
	char *msg = NULL;
	long ms;

	(void)state;
	NEED_PAM();
	p.timeout_ms = 300;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(authpam_password(&p, &alice, &peer, "secret", &msg),
	    PC_ERR_AUTH_FAILED);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 250);
	assert_true(ms < 5000);	/* killed, not waited for */
	assert_null(msg);
	assert_no_children();
}

static void
test_user_changed(void **state)
{
	struct authpam_params p = params("pc-setuser");
	struct auth_kbdint *k = NULL;
	struct auth_kbdint_query q;
	char *msg = NULL, *ans[1] = { (char *)"secret" };

	(void)state;
	NEED_PAM();
	assert_int_equal(pw("pc-setuser", &alice, "secret", &msg),
	    PC_ERR_AUTH_FAILED);
	free(msg);
	assert_int_equal(authpam_kbdint_start(&p, &alice, &peer, &k), 0);
	assert_int_equal(authpam_kbdint_next(k, &q), 0);
	assert_int_equal(q.nprompts, 1);
	auth_kbdint_query_clear(&q);
	assert_int_equal(authpam_kbdint_respond(k, 1, ans), 0);
	assert_int_equal(authpam_kbdint_next(k, &q), PC_ERR_AUTH_FAILED);
	authpam_kbdint_free(k);
	assert_no_children();
}

static void
test_pam_items(void **state)
{
	struct auth_peer other = peer;
	struct authpam_params p = params("pc-rhost");
	char *msg = NULL;

	(void)state;
	NEED_PAM();
	/* The module checks PAM_RHOST, PAM_TTY "ssh", SSH_CONNECTION. */
	assert_int_equal(authpam_password(&p, &alice, &peer, "x", &msg), 0);
	other.addr = other.host = "198.51.100.1";
	assert_int_equal(authpam_password(&p, &alice, &other, "x", &msg),
	    PC_ERR_AUTH_FAILED);
	other = peer;
	other.laddr = NULL;	/* no SSH_CONNECTION then */
	assert_int_equal(authpam_password(&p, &alice, &other, "x", &msg),
	    PC_ERR_AUTH_FAILED);
	free(msg);
	assert_no_children();
}

static void
test_text_capped(void **state)
{
	char *msg = NULL;

	(void)state;
	NEED_PAM();
	/* pam_chatty four times: 240 lines, over 7 KiB; the text kept
	 * stays within the cap and authentication still works. */
	assert_int_equal(pw("pc-chatty", &alice, "secret", &msg), 0);
	assert_non_null(msg);
	assert_true(strlen(msg) <= AUTHPAM_MAX_TEXT);
	assert_true(strlen(msg) > AUTHPAM_MAX_TEXT / 2);
	free(msg);
	assert_no_children();
}

/* Account management alone. */

static void
test_account(void **state)
{
	struct authpam_params p = params("pc-basic");
	char *msg = NULL;

	(void)state;
	NEED_PAM();
	assert_int_equal(authpam_account(&p, &alice, &peer, &msg), 0);
	assert_null(msg);
	assert_int_equal(authpam_account(&p, &bob, &peer, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "Password change required"));
	free(msg);
	/* pam_matrix's account module knows no such user. */
	assert_int_equal(authpam_account(&p, &nobody, &peer, &msg),
	    PC_ERR_AUTH_FAILED);
	free(msg);
	assert_no_children();
}

/* Keyboard-interactive. */

/* Run a conversation answering each prompt with answer(prompt); the
 * final result.  *rounds counts the rounds with prompts, *text gets the
 * instructions seen (concatenated). */
typedef const char *(*answer_fn)(const char *prompt, unsigned i);

static int
kbdint_run(const char *svc, struct auth_user *u, answer_fn answer,
    unsigned *rounds, char *text, size_t textlen)
{
	struct authpam_params p = params(svc);
	struct auth_kbdint *k = NULL;
	struct auth_kbdint_query q;
	char *ans[AUTHPAM_MAX_PROMPTS];
	unsigned i, n, guard;
	int r;

	*rounds = 0;
	if (text != NULL) {
		text[0] = '\0';
	}
	assert_int_equal(authpam_kbdint_start(&p, u, &peer, &k), 0);
	for (guard = 0; guard < 64; guard++) {
		r = authpam_kbdint_next(k, &q);
		if (r != 0) {
			break;
		}
		assert_non_null(q.name);
		assert_non_null(q.instruction);
		assert_true(q.nprompts <= AUTHPAM_MAX_PROMPTS);
		if (text != NULL) {
			strncat(text, q.instruction,
			    textlen - strlen(text) - 1);
		}
		if (q.nprompts > 0) {
			(*rounds)++;
		}
		n = q.nprompts;
		for (i = 0; i < n; i++) {
			ans[i] = (char *)answer(q.prompts[i], i);
		}
		auth_kbdint_query_clear(&q);
		r = authpam_kbdint_respond(k, n, ans);
		if (r != 0) {
			break;
		}
	}
	assert_true(guard < 64);
	authpam_kbdint_free(k);
	return r;
}

static const char *
ans_secret(const char *prompt, unsigned i)
{
	(void)i;
	return strstr(prompt, "assword") != NULL ? "secret" : "?";
}

static const char *
ans_bad(const char *prompt, unsigned i)
{
	(void)prompt;
	(void)i;
	return "wrong";
}

static void
test_kbdint_one_prompt(void **state)
{
	struct authpam_params p = params("pc-basic");
	struct auth_kbdint *k = NULL;
	struct auth_kbdint_query q, q2;
	char *ans[1] = { (char *)"secret" };
	unsigned rounds;

	(void)state;
	NEED_PAM();
	assert_int_equal(authpam_kbdint_start(&p, &alice, &peer, &k), 0);
	assert_int_equal(authpam_kbdint_next(k, &q), 0);
	assert_int_equal(q.nprompts, 1);
	assert_string_equal(q.prompts[0], "Password: ");
	assert_int_equal(q.echo[0], 0);
	assert_string_equal(q.name, "");
	assert_string_equal(q.instruction, "");
	/* next before respond, and respond twice, are caller errors. */
	assert_int_equal(authpam_kbdint_next(k, &q2), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(q2.nprompts, 0);
	auth_kbdint_query_clear(&q);
	assert_int_equal(authpam_kbdint_respond(k, 1, ans), 0);
	assert_int_equal(authpam_kbdint_respond(k, 1, ans),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(authpam_kbdint_next(k, &q), PC_OK_AUTHENTICATED);
	assert_int_equal(q.nprompts, 0);
	assert_int_equal(authpam_kbdint_next(k, &q), PC_OK_AUTHENTICATED);
	authpam_kbdint_free(k);

	assert_int_equal(kbdint_run("pc-basic", &alice, ans_bad, &rounds,
	    NULL, 0), PC_ERR_AUTH_FAILED);
	assert_int_equal(rounds, 1);
	assert_int_equal(kbdint_run("pc-basic", &nobody, ans_secret, &rounds,
	    NULL, 0), PC_ERR_AUTH_FAILED);
	assert_no_children();
}

static const char *
ans_two(const char *prompt, unsigned i)
{
	static unsigned n;

	(void)prompt;
	(void)i;
	/* pc-two: the first module's password, then the second's. */
	return n++ % 2 == 0 ? "secret" : "token42";
}

static void
test_kbdint_two_rounds(void **state)
{
	unsigned rounds;

	(void)state;
	NEED_PAM();
	assert_int_equal(kbdint_run("pc-two", &alice, ans_two, &rounds,
	    NULL, 0), PC_OK_AUTHENTICATED);
	assert_int_equal(rounds, 2);
	assert_int_equal(kbdint_run("pc-two", &alice, ans_secret, &rounds,
	    NULL, 0), PC_ERR_AUTH_FAILED);
	assert_no_children();
}

static void
test_kbdint_two_prompts(void **state)
{
	struct authpam_params p = params("pc-ask");
	struct auth_kbdint *k = NULL;
	struct auth_kbdint_query q;
	char *good[2] = { (char *)"code1", (char *)"code2" };
	char *bad[2] = { (char *)"code1", (char *)"code3" };

	(void)state;
	NEED_PAM();
	assert_int_equal(authpam_kbdint_start(&p, &alice, &peer, &k), 0);
	assert_int_equal(authpam_kbdint_next(k, &q), 0);
	assert_int_equal(q.nprompts, 2);
	assert_string_equal(q.prompts[0], "Code 1: ");
	assert_int_equal(q.echo[0], 1);
	assert_string_equal(q.prompts[1], "Code 2: ");
	assert_int_equal(q.echo[1], 0);
	auth_kbdint_query_clear(&q);
	assert_int_equal(authpam_kbdint_respond(k, 2, good), 0);
	assert_int_equal(authpam_kbdint_next(k, &q), PC_OK_AUTHENTICATED);
	authpam_kbdint_free(k);

	assert_int_equal(authpam_kbdint_start(&p, &alice, &peer, &k), 0);
	assert_int_equal(authpam_kbdint_next(k, &q), 0);
	auth_kbdint_query_clear(&q);
	assert_int_equal(authpam_kbdint_respond(k, 2, bad), 0);
	assert_int_equal(authpam_kbdint_next(k, &q), PC_ERR_AUTH_FAILED);
	authpam_kbdint_free(k);

	/* RFC 4256 section 3.4: a response count that does not match. */
	assert_int_equal(authpam_kbdint_start(&p, &alice, &peer, &k), 0);
	assert_int_equal(authpam_kbdint_next(k, &q), 0);
	auth_kbdint_query_clear(&q);
	assert_int_equal(authpam_kbdint_respond(k, 1, good),
	    PC_ERR_AUTH_FAILED);
	assert_int_equal(authpam_kbdint_next(k, &q), PC_ERR_AUTH_FAILED);
	authpam_kbdint_free(k);
	assert_no_children();
}

static void
test_kbdint_text(void **state)
{
	struct authpam_params p = params("pc-verbose");
	struct auth_kbdint *k = NULL;
	struct auth_kbdint_query q;
	char *ans[1] = { (char *)"secret" };

	(void)state;
	NEED_PAM();
	assert_int_equal(authpam_kbdint_start(&p, &alice, &peer, &k), 0);
	assert_int_equal(authpam_kbdint_next(k, &q), 0);
	/* pam_chatty's lines come before the prompt, as the instruction. */
	assert_int_equal(q.nprompts, 1);
	assert_string_equal(q.prompts[0], "Password: ");
	assert_true(count_lines(q.instruction, "Authentication succeeded\n")
	    >= 2);
	auth_kbdint_query_clear(&q);
	assert_int_equal(authpam_kbdint_respond(k, 1, ans), 0);
	/* pam_matrix's text after the last prompt: a round without
	 * prompts, then the result. */
	assert_int_equal(authpam_kbdint_next(k, &q), 0);
	assert_int_equal(q.nprompts, 0);
	assert_string_equal(q.instruction, "Authentication succeeded\n");
	auth_kbdint_query_clear(&q);
	assert_int_equal(authpam_kbdint_next(k, &q), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(authpam_kbdint_respond(k, 0, NULL), 0);
	assert_int_equal(authpam_kbdint_next(k, &q), PC_OK_AUTHENTICATED);
	authpam_kbdint_free(k);
	assert_no_children();
}

static const char *
ans_change_carol(const char *prompt, unsigned i)
{
	(void)i;
	if (strstr(prompt, "Old") != NULL || strcmp(prompt, "Password: ") == 0)
		return "carolpw";
	return "carol-new-pw";
}

static const char *
ans_change_dave(const char *prompt, unsigned i)
{
	static unsigned n;

	(void)i;
	if (strstr(prompt, "Old") != NULL || strcmp(prompt, "Password: ") == 0)
		return "davepw";
	return n++ == 0 ? "dave-new-1" : "dave-new-2";	/* mismatch */
}

static void
test_kbdint_expired(void **state)
{
	char text[8192], *msg = NULL;
	unsigned rounds;

	(void)state;
	NEED_PAM();
	/* The password is right, account management says it expired, and
	 * pam_chauthtok asks through the same conversation. */
	assert_int_equal(kbdint_run("pc-basic", &carol, ans_change_carol,
	    &rounds, text, sizeof(text)), PC_OK_AUTHENTICATED);
	assert_true(rounds >= 3);
	assert_non_null(strstr(text, "change your password immediately"));
	/* The new password works, and the account is no longer expired. */
	assert_int_equal(pw("pc-basic", &carol, "carol-new-pw", &msg), 0);
	assert_null(msg);
	assert_int_equal(pw("pc-basic", &carol, "carolpw", &msg),
	    PC_ERR_AUTH_FAILED);
	free(msg);
	/* New passwords that differ: refused, still expired. */
	assert_int_equal(kbdint_run("pc-basic", &dave, ans_change_dave,
	    &rounds, NULL, 0), PC_ERR_AUTH_FAILED);
	msg = NULL;
	assert_int_equal(pw("pc-basic", &dave, "davepw", &msg),
	    PC_ERR_AUTH_FAILED);
	assert_non_null(msg);
	free(msg);
	assert_no_children();
}

static const char *
ans_round(const char *prompt, unsigned i)
{
	static char buf[32];
	int n;

	(void)i;
	if (sscanf(prompt, "Round %d:", &n) != 1) {
		return "?";
	}
	snprintf(buf, sizeof(buf), "round%d", n);
	return buf;
}

static void
test_kbdint_rounds_capped(void **state)
{
	unsigned rounds;

	(void)state;
	NEED_PAM();
	assert_int_equal(kbdint_run("pc-rounds3", &alice, ans_round, &rounds,
	    NULL, 0), PC_OK_AUTHENTICATED);
	assert_int_equal(rounds, 3);
	/* 17 rounds: the 17th is refused, authentication fails. */
	assert_int_equal(kbdint_run("pc-rounds17", &alice, ans_round,
	    &rounds, NULL, 0), PC_ERR_AUTH_FAILED);
	assert_int_equal(rounds, AUTHPAM_MAX_ROUNDS);
	assert_no_children();
}

static void
test_kbdint_abandoned(void **state)
{
	struct authpam_params p = params("pc-basic");
	struct auth_kbdint *k = NULL;
	struct auth_kbdint_query q;
	char big[AUTHPAM_MAX_PASSWORD + 2], *ans[1] = { big };

	(void)state;
	NEED_PAM();
	/* Freed while the child waits for answers: reaped, no zombie. */
	assert_int_equal(authpam_kbdint_start(&p, &alice, &peer, &k), 0);
	assert_int_equal(authpam_kbdint_next(k, &q), 0);
	auth_kbdint_query_clear(&q);
	authpam_kbdint_free(k);
	assert_no_children();
	/* Freed before the first round. */
	assert_int_equal(authpam_kbdint_start(&p, &alice, &peer, &k), 0);
	authpam_kbdint_free(k);
	authpam_kbdint_free(NULL);
	assert_no_children();
	/* An oversized answer ends the conversation. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(authpam_kbdint_start(&p, &alice, &peer, &k), 0);
	assert_int_equal(authpam_kbdint_next(k, &q), 0);
	auth_kbdint_query_clear(&q);
	assert_int_equal(authpam_kbdint_respond(k, 1, ans),
	    PC_ERR_AUTH_FAILED);
	assert_int_equal(authpam_kbdint_next(k, &q), PC_ERR_AUTH_FAILED);
	authpam_kbdint_free(k);
	assert_int_equal(authpam_kbdint_respond(NULL, 0, NULL),
	    PC_ERR_INVALID_ARGUMENT);
	assert_no_children();
}

/* authpasswd: crypt(3) and shadow(5).  Hashes made with openssl passwd
 * (independent of the code under test). */

#define H_SHA512 "$6$pcsaltpcsalt$KxbZ0QkJFZe6q9V0tcunwMVwmhn1WaeKhApVAoXnz" \
	"GZKCdD3wx1q/loG/p8/doxoHmrm3q2sMbX7zKylSrw9t."
#define H_MD5	"$1$pcsalt$yD9qBJNBBnrWV5hRE1dxf/"
#define TODAY	20000L

static struct passwd
mkpw(const char *name, const char *hash)
{
	struct passwd p;

	memset(&p, 0, sizeof(p));
	p.pw_name = (char *)name;
	p.pw_passwd = (char *)hash;
	p.pw_uid = 1000;
	p.pw_gid = 1000;
	p.pw_dir = (char *)"/home/x";
	p.pw_shell = (char *)"/bin/sh";
	return p;
}

static struct spwd
mksp(const char *name, const char *hash)
{
	struct spwd s;

	memset(&s, 0, sizeof(s));
	s.sp_namp = (char *)name;
	s.sp_pwdp = (char *)hash;
	s.sp_lstchg = TODAY - 10;
	s.sp_min = 0;
	s.sp_max = 99999;
	s.sp_warn = 7;
	s.sp_inact = -1;
	s.sp_expire = -1;
	return s;
}

static void
test_passwd_hashes(void **state)
{
	struct passwd p = mkpw("u", "x");
	struct spwd s = mksp("u", H_SHA512);
	char *msg = NULL;

	(void)state;
	assert_int_equal(authpasswd_check(&p, &s, "secret", 0, TODAY, &msg),
	    0);
	assert_null(msg);
	assert_int_equal(authpasswd_check(&p, &s, "secreT", 0, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_int_equal(authpasswd_check(&p, &s, "secret ", 0, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_int_equal(authpasswd_check(&p, &s, "", 1, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	s.sp_pwdp = (char *)H_MD5;
	assert_int_equal(authpasswd_check(&p, &s, "secret", 0, TODAY, &msg),
	    0);
	assert_int_equal(authpasswd_check(&p, &s, "secrets", 0, TODAY,
	    &msg), PC_ERR_AUTH_FAILED);
	/* A hash libxcrypt cannot use. */
	s.sp_pwdp = (char *)"$99$zz$zz";
	assert_int_equal(authpasswd_check(&p, &s, "secret", 0, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_null(msg);
}

static void
test_passwd_locked_empty(void **state)
{
	struct passwd p = mkpw("u", "x");
	struct spwd s = mksp("u", "!" H_SHA512);
	char *msg = NULL;

	(void)state;
	/* Locked ("!" before a good hash, "*", "!!"): always refused. */
	assert_int_equal(authpasswd_check(&p, &s, "secret", 1, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	s.sp_pwdp = (char *)"*";
	assert_int_equal(authpasswd_check(&p, &s, "secret", 1, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	s.sp_pwdp = (char *)"!!";
	assert_int_equal(authpasswd_check(&p, &s, "", 1, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	/* Empty hash: only "" and only with PermitEmptyPasswords. */
	s.sp_pwdp = (char *)"";
	assert_int_equal(authpasswd_check(&p, &s, "", 1, TODAY, &msg), 0);
	assert_int_equal(authpasswd_check(&p, &s, "", 0, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_int_equal(authpasswd_check(&p, &s, "x", 1, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_null(msg);
}

static void
test_passwd_no_shadow(void **state)
{
	struct passwd p = mkpw("u", H_SHA512);
	char *msg = NULL, big[AUTHPASSWD_MAX_PASSWORD + 2];

	(void)state;
	/* No shadow entry: the passwd field, unless it is a marker. */
	assert_int_equal(authpasswd_check(&p, NULL, "secret", 0, TODAY,
	    &msg), 0);
	assert_int_equal(authpasswd_check(&p, NULL, "other", 0, TODAY,
	    &msg), PC_ERR_AUTH_FAILED);
	p.pw_passwd = (char *)"x";
	assert_int_equal(authpasswd_check(&p, NULL, "x", 0, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	p.pw_passwd = (char *)"*";
	assert_int_equal(authpasswd_check(&p, NULL, "*", 0, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	p.pw_passwd = NULL;
	assert_int_equal(authpasswd_check(&p, NULL, "", 1, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_int_equal(authpasswd_check(NULL, NULL, "", 1, TODAY, &msg),
	    PC_ERR_INVALID_ARGUMENT);
	/* Over the length cap, refused before crypt. */
	p.pw_passwd = (char *)"";
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(authpasswd_check(&p, NULL, big, 1, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_null(msg);
	/* The lookup wrapper: no such user. */
	assert_int_equal(authpasswd_password(&nobody, "x", 0, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_int_equal(authpasswd_account(&nobody, &msg), 0);
	assert_true(authpasswd_today() > 19000);
}

static void
test_passwd_expiry(void **state)
{
	struct passwd p = mkpw("u", "x");
	struct spwd s = mksp("u", H_SHA512);
	char *msg = NULL;

	(void)state;
	/* Account expired (from day sp_expire on). */
	s.sp_expire = TODAY;
	assert_int_equal(authpasswd_check(&p, &s, "secret", 0, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_string_equal(msg, AUTHPASSWD_MSG_EXPIRED);
	free(msg);
	/* A wrong password says nothing about expiry. */
	assert_int_equal(authpasswd_check(&p, &s, "nope", 0, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_null(msg);
	s.sp_expire = TODAY + 1;
	assert_int_equal(authpasswd_check(&p, &s, "secret", 0, TODAY, &msg),
	    0);
	assert_null(msg);
	/* Change forced by root. */
	s = mksp("u", H_SHA512);
	s.sp_lstchg = 0;
	assert_int_equal(authpasswd_check(&p, &s, "secret", 0, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_string_equal(msg, AUTHPASSWD_MSG_CHANGE);
	free(msg);
	/* Aged: last change + max before today. */
	s = mksp("u", H_SHA512);
	s.sp_lstchg = TODAY - 91;
	s.sp_max = 90;
	assert_int_equal(authpasswd_check(&p, &s, "secret", 0, TODAY, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_string_equal(msg, AUTHPASSWD_MSG_CHANGE);
	free(msg);
	/* ...but the account itself is fine for other methods. */
	assert_int_equal(authpasswd_expiry(&s, TODAY, 0, &msg), 0);
	assert_null(msg);
	/* Last day: a warning, not a refusal. */
	s.sp_lstchg = TODAY - 90;
	assert_int_equal(authpasswd_check(&p, &s, "secret", 0, TODAY, &msg),
	    0);
	assert_string_equal(msg, "Your password will expire in 0 days.");
	free(msg);
	s.sp_lstchg = TODAY - 89;
	assert_int_equal(authpasswd_check(&p, &s, "secret", 0, TODAY, &msg),
	    0);
	assert_string_equal(msg, "Your password will expire in 1 day.");
	free(msg);
	s.sp_lstchg = TODAY - 80;	/* 10 days left, warn 7 */
	assert_int_equal(authpasswd_check(&p, &s, "secret", 0, TODAY, &msg),
	    0);
	assert_null(msg);
	/* Inactive: expired longer ago than sp_inact: account locked. */
	s.sp_lstchg = TODAY - 100;
	s.sp_inact = 5;
	assert_int_equal(authpasswd_expiry(&s, TODAY, 0, &msg),
	    PC_ERR_AUTH_FAILED);
	assert_string_equal(msg, AUTHPASSWD_MSG_EXPIRED);
	free(msg);
	s.sp_inact = 10;	/* day 10 of 10: still changeable */
	assert_int_equal(authpasswd_expiry(&s, TODAY, 0, &msg), 0);
	/* Ageing off. */
	s = mksp("u", H_SHA512);
	s.sp_max = -1;
	s.sp_lstchg = 1;
	assert_int_equal(authpasswd_check(&p, &s, "secret", 0, TODAY, &msg),
	    0);
	s.sp_max = 1;
	s.sp_lstchg = -1;
	assert_int_equal(authpasswd_check(&p, &s, "secret", 0, TODAY, &msg),
	    0);
	assert_null(msg);
	/* Fields that overflow are refused, not wrapped. */
	s.sp_lstchg = LONG_MAX - 1;
	s.sp_max = 10;
	assert_int_equal(authpasswd_expiry(&s, TODAY, 1, &msg),
	    PC_ERR_AUTH_FAILED);
	free(msg);
	s.sp_lstchg = TODAY - 10;
	s.sp_max = 10;
	s.sp_inact = LONG_MAX;
	assert_int_equal(authpasswd_expiry(&s, TODAY, 1, &msg),
	    PC_ERR_AUTH_FAILED);
	free(msg);
}

static int
teardown_all(void **state)
{
	(void)state;
	rm_tree(tdir);
	/* Programs started from here on (ASan's symbolizer) run plain. */
	unsetenv("LD_PRELOAD");
	unsetenv("PAM_WRAPPER");
	return 0;
}

int
main(int argc, char **argv)
{
	const char *d = getenv(ENV_DIR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_right),
		cmocka_unit_test(test_password_wrong),
		cmocka_unit_test(test_password_unknown_user),
		cmocka_unit_test(test_password_text_relayed),
		cmocka_unit_test(test_password_second_prompt),
		cmocka_unit_test(test_password_expired),
		cmocka_unit_test(test_password_too_long),
		cmocka_unit_test(test_password_args),
		cmocka_unit_test(test_child_dies),
		cmocka_unit_test(test_child_hangs),
		cmocka_unit_test(test_user_changed),
		cmocka_unit_test(test_pam_items),
		cmocka_unit_test(test_text_capped),
		cmocka_unit_test(test_account),
		cmocka_unit_test(test_kbdint_one_prompt),
		cmocka_unit_test(test_kbdint_two_rounds),
		cmocka_unit_test(test_kbdint_two_prompts),
		cmocka_unit_test(test_kbdint_text),
		cmocka_unit_test(test_kbdint_expired),
		cmocka_unit_test(test_kbdint_rounds_capped),
		cmocka_unit_test(test_kbdint_abandoned),
		cmocka_unit_test(test_passwd_hashes),
		cmocka_unit_test(test_passwd_locked_empty),
		cmocka_unit_test(test_passwd_no_shadow),
		cmocka_unit_test(test_passwd_expiry),
	};

	(void)argc;
	if (getenv("PC_TEST_DEBUG") != NULL) {
		struct log_settings ls = { .ident = "test_authpam",
		    .level = LOG_LEVEL_DEBUG3, .to_stderr = 1, .fd = -1 };

		log_init(&ls);
	}
	if (d == NULL) {
		reexec_with_pam_wrapper(argv);
		d = "";		/* could not: PAM tests skip */
	}
	snprintf(tdir, sizeof(tdir), "%s", d);
	have_pam = tdir[0] != '\0';
	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
