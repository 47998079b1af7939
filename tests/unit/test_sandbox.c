/*
 * Unit tests for daemon/sandbox.c.
 *
 * The seccomp program is run through a small classic-BPF interpreter here
 * (the architectures and arguments a test cannot make the kernel produce:
 * i386 and arm calls, x32 numbers, every number up to 1023).  Then real
 * children enter the sandbox: as root (privsep user, chroot into a fresh
 * empty directory under /run) and as an unprivileged user (the child
 * drops to nobody first, so the not-root path is tested under root too);
 * the parent reads /proc/PID/{status,limits,root,fd} while the child
 * waits on a pipe, the child then does the work the network process
 * does (memory, pipes, poll, clocks, randomness, a whole in-process key
 * exchange, logging to the monitor) and each forbidden call kills its own
 * child with SIGSYS.
 *
 * When run as a normal user, the root-only tests skip and say so.  In a
 * build configured --disable-seccomp-filter the kill checks skip and say
 * so (the rest still runs).  Children leave with _exit(), so neither
 * LeakSanitizer nor cmocka runs inside them: a failed check in a child
 * sends its line number to the parent, which fails the test.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>

#include "config.h"

#include "err.h"
#include "log.h"
#include "logcap.h"
#include "pair.h"
#include "rand.h"
#include "sandbox.h"

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS	SECCOMP_RET_KILL
#endif

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN	1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(TEST_ASAN)
#define TEST_ASAN	1
#endif

/* Under valgrind (possible with --disable-seccomp-filter only), the
 * kernel's RLIMIT_NOFILE is valgrind's; it emulates the process's. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND	0
#endif

#if defined(__x86_64__)
#define NATIVE_ARCH	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH	AUDIT_ARCH_AARCH64
#endif

/* The empty directory the root tests chroot into, and its identity. */
static char empty_dir[64];
static struct stat empty_st;
static int is_root;
/* nobody, for the not-root children. */
static uid_t nobody_uid = 65534;
static gid_t nobody_gid = 65534;

/* ------------------------------------------------------------------ */
/* The filter program, interpreted. */

#ifdef NATIVE_ARCH
/*
 * Classic BPF as seccomp runs it, only the instructions the program may
 * use (anything else fails the test): 32-bit loads from seccomp_data,
 * JEQ/JGE/JSET against constants, RET of a constant.
 */
static uint32_t
bpf_run(const struct sock_filter *f, size_t n, const struct seccomp_data *d)
{
	uint32_t a = 0;
	size_t pc = 0, steps = 0;

	while (pc < n) {
		const struct sock_filter *in = &f[pc];

		assert_true(++steps <= n);	/* forward jumps only */
		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(in->k % 4 == 0);
			assert_true(in->k + 4 <= sizeof(*d));
			memcpy(&a, (const uint8_t *)d + in->k, 4);
			pc++;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += 1 + (a == in->k ? in->jt : in->jf);
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += 1 + (a >= in->k ? in->jt : in->jf);
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += 1 + ((a & in->k) != 0 ? in->jt : in->jf);
			break;
		case BPF_RET | BPF_K:
			return in->k;
		default:
			fail_msg("instruction %zu: opcode %#x", pc, in->code);
		}
	}
	fail_msg("program ran off its end");
	return 0;
}

/* A call with argument i set (the others 0). */
static uint32_t
run_call_arg(uint32_t arch, int nr, unsigned i, uint64_t arg)
{
	const struct sock_filter *f;
	struct seccomp_data d;
	size_t n;

	memset(&d, 0, sizeof(d));
	d.arch = arch;
	d.nr = nr;
	d.args[i] = arg;
	assert_non_null(f = sandbox_filter(&n));
	return bpf_run(f, n, &d);
}

/* setsockopt(level, optname) through the filter. */
static uint32_t
run_quickack(uint64_t level, uint64_t optname)
{
	const struct sock_filter *f;
	struct seccomp_data d;
	size_t n;

	memset(&d, 0, sizeof(d));
	d.arch = NATIVE_ARCH;
	d.nr = __NR_setsockopt;
	d.args[1] = level;
	d.args[2] = optname;
	assert_non_null(f = sandbox_filter(&n));
	return bpf_run(f, n, &d);
}

static uint32_t
run_call(uint32_t arch, int nr, uint64_t arg2)
{
	const struct sock_filter *f;
	struct seccomp_data d;
	size_t n;

	memset(&d, 0, sizeof(d));
	d.arch = arch;
	d.nr = nr;
	d.args[2] = arg2;
	assert_non_null(f = sandbox_filter(&n));
	return bpf_run(f, n, &d);
}

/* Written out again here, not taken from sandbox.c: a call added there
 * must be added here too, deliberately. */
static const int allowed[] = {
	__NR_read, __NR_write,
#ifdef __NR_poll
	__NR_poll,
#endif
	__NR_ppoll, __NR_close, __NR_shutdown, __NR_getrandom, __NR_getpid,
	__NR_clock_gettime, __NR_gettimeofday,
#ifdef __NR_time
	__NR_time,
#endif
	__NR_brk, __NR_mmap, __NR_mprotect, __NR_munmap, __NR_mremap,
	__NR_madvise, __NR_rt_sigreturn, __NR_rt_sigprocmask, __NR_exit,
	__NR_exit_group,
#ifdef TEST_ASAN
	__NR_sigaltstack,	/* ASan's _exit interceptor (sandbox.c) */
#endif
};

static int
is_allowed(int nr)
{
	size_t i;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (allowed[i] == nr) {
			return 1;
		}
	}
	return 0;
}
#endif

static void
test_filter_program(void **state)
{
#ifdef NATIVE_ARCH
	const struct sock_filter *f;
	size_t n, i;
	int nr;
	static const uint32_t foreign[] = {
		AUDIT_ARCH_I386, AUDIT_ARCH_ARM, AUDIT_ARCH_X86_64 ^
		AUDIT_ARCH_AARCH64 ^ NATIVE_ARCH, 0, 0xffffffff,
		NATIVE_ARCH & ~__AUDIT_ARCH_LE,
	};

	(void)state;
	assert_non_null(f = sandbox_filter(&n));
	assert_true(n > 4 && n < 256);
	/* Every jump lands inside the program, which ends in a return. */
	for (i = 0; i < n; i++) {
		if (BPF_CLASS(f[i].code) == BPF_JMP) {
			assert_true(i + 1 + f[i].jt < n);
			assert_true(i + 1 + f[i].jf < n);
		}
	}
	assert_int_equal(f[n - 1].code, BPF_RET | BPF_K);
	assert_int_equal(f[n - 1].k, SECCOMP_RET_KILL_PROCESS);

	/* Each call number, native ABI: allowed exactly when listed. */
	for (nr = 0; nr < 1024; nr++) {
		uint32_t want = is_allowed(nr) ? SECCOMP_RET_ALLOW :
		    SECCOMP_RET_KILL_PROCESS;

		if (run_call(NATIVE_ARCH, nr, 0) != want) {
			fail_msg("call %d: expected %s", nr,
			    want == SECCOMP_RET_ALLOW ? "allow" : "kill");
		}
	}
	/* Any other architecture: killed, even for calls allowed natively
	 * (3 is close on x86_64, read on i386). */
	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		assert_int_equal(run_call(foreign[i], __NR_read, 0),
		    SECCOMP_RET_KILL_PROCESS);
		assert_int_equal(run_call(foreign[i], 3, 0),
		    SECCOMP_RET_KILL_PROCESS);
		assert_int_equal(run_call(foreign[i], __NR_exit_group, 0),
		    SECCOMP_RET_KILL_PROCESS);
	}
#ifdef __x86_64__
	/* x32: the x86_64 arch value with bit 30 in the number. */
	assert_int_equal(run_call(NATIVE_ARCH, __NR_read | 0x40000000, 0),
	    SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_call(NATIVE_ARCH, 0x40000000 + 512, 0),
	    SECCOMP_RET_KILL_PROCESS);
#endif
	/* mmap and mprotect: never PROT_EXEC. */
	assert_int_equal(run_call(NATIVE_ARCH, __NR_mmap,
	    PROT_READ | PROT_WRITE), SECCOMP_RET_ALLOW);
	assert_int_equal(run_call(NATIVE_ARCH, __NR_mmap, PROT_NONE),
	    SECCOMP_RET_ALLOW);
	assert_int_equal(run_call(NATIVE_ARCH, __NR_mmap, PROT_EXEC),
	    SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_call(NATIVE_ARCH, __NR_mmap,
	    PROT_READ | PROT_EXEC), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_call(NATIVE_ARCH, __NR_mmap,
	    PROT_READ | PROT_WRITE | PROT_EXEC), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_call(NATIVE_ARCH, __NR_mprotect,
	    PROT_READ), SECCOMP_RET_ALLOW);
	assert_int_equal(run_call(NATIVE_ARCH, __NR_mprotect,
	    PROT_READ | PROT_EXEC), SECCOMP_RET_KILL_PROCESS);
	/* The bit is in the low word whatever the high one holds. */
	assert_int_equal(run_call(NATIVE_ARCH, __NR_mprotect,
	    0xffffffff00000000ULL | PROT_EXEC), SECCOMP_RET_KILL_PROCESS);
	/* futex: waking only (pthread_once's wake), never waiting.  (The
	 * loop above saw op 0, FUTEX_WAIT, killed.) */
	assert_int_equal(run_call_arg(NATIVE_ARCH, __NR_futex, 1,
	    FUTEX_WAKE_PRIVATE), SECCOMP_RET_ALLOW);
	assert_int_equal(run_call_arg(NATIVE_ARCH, __NR_futex, 1,
	    FUTEX_WAKE), SECCOMP_RET_ALLOW);
	assert_int_equal(run_call_arg(NATIVE_ARCH, __NR_futex, 1,
	    FUTEX_WAIT_PRIVATE), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_call_arg(NATIVE_ARCH, __NR_futex, 1,
	    FUTEX_WAKE_OP_PRIVATE), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_call_arg(NATIVE_ARCH, __NR_futex, 1,
	    FUTEX_REQUEUE), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_call_arg(NATIVE_ARCH, __NR_futex, 1,
	    0x100000000ULL | FUTEX_WAKE_PRIVATE), SECCOMP_RET_ALLOW);
	assert_int_equal(run_call_arg(NATIVE_ARCH, __NR_futex, 2,
	    FUTEX_WAKE_PRIVATE), SECCOMP_RET_KILL_PROCESS);
	/* setsockopt: TCP_QUICKACK only (the loop saw level 0 killed). */
	assert_int_equal(run_quickack(IPPROTO_TCP, TCP_QUICKACK),
	    SECCOMP_RET_ALLOW);
	assert_int_equal(run_quickack(IPPROTO_TCP, TCP_NODELAY),
	    SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_quickack(SOL_SOCKET, TCP_QUICKACK),
	    SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_quickack(SOL_SOCKET, SO_ATTACH_FILTER),
	    SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_quickack(IPPROTO_IP, IP_OPTIONS),
	    SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_quickack(IPPROTO_TCP, TCP_QUICKACK + 0x10000),
	    SECCOMP_RET_KILL_PROCESS);
#else
	(void)state;
	print_message("skipped: no seccomp filter for this architecture\n");
	skip();
#endif
}

/* ------------------------------------------------------------------ */
/* sandbox_prepare() */

static void
test_prepare_not_root(void **state)
{
	struct sandbox_params p = { .log_fd = -1, .max_poll_fds = 3 };
	struct sandbox sb;

	(void)state;
	if (is_root) {
		print_message("(as root: the not-root path runs in the "
		    "children of test_enter_not_root, dropped to nobody)\n");
	} else {
		assert_int_equal(sandbox_prepare(&sb, &p), 0);
		assert_int_equal(sb.privileged, 0);
		assert_int_equal(sb.nofile, 3);
	}
	/* Too many descriptors to poll is refused whoever runs it. */
	p.max_poll_fds = 100000;
	log_capture();
	assert_int_equal(sandbox_prepare(&sb, &p), PC_ERR_INVALID_ARGUMENT);
	p.max_poll_fds = 0;
	p.chroot_dir = empty_dir[0] != '\0' ? empty_dir : NULL;
	assert_int_equal(sandbox_prepare(&sb, &p), 0);
	assert_int_equal(sb.nofile, 1);
}

#define NEED_ROOT() do { \
	if (!is_root) { \
		print_message("skipped: needs root (chroot, setuid)\n"); \
		skip(); \
	} \
} while (0)

static void
test_prepare_root(void **state)
{
	struct sandbox_params p = { .log_fd = 5, .max_poll_fds = 2 };
	struct sandbox sb;
	struct passwd *pw;

	(void)state;
	NEED_ROOT();
	p.chroot_dir = empty_dir;
	assert_int_equal(sandbox_prepare(&sb, &p), 0);
	assert_int_equal(sb.privileged, 1);
	assert_non_null(pw = getpwnam(PRIVSEP_USER));
	assert_int_equal(sb.uid, pw->pw_uid);
	assert_int_equal(sb.gid, pw->pw_gid);
	assert_string_equal(sb.dir, empty_dir);
	assert_int_equal(sb.dir_dev, empty_st.st_dev);
	assert_int_equal(sb.dir_ino, empty_st.st_ino);
	assert_int_equal(sb.nofile, 2);
	assert_int_equal(sb.log_fd, 5);

	/* Unknown user: a configuration error naming the option. */
	log_capture();
	p.user = "pc-no-such-user-x";
	assert_int_equal(sandbox_prepare(&sb, &p), PC_ERR_CONFIG);
	assert_log_has("\"pc-no-such-user-x\" does not exist");
	assert_log_has("--with-privsep-user");
	/* root (uid 0) is no privsep user. */
	p.user = "root";
	assert_int_equal(sandbox_prepare(&sb, &p), PC_ERR_CONFIG);
	assert_log_has("uid or gid 0");
	p.user = NULL;
}

/* A scratch directory for one bad-directory case. */
static void
bad_dir_case(const char *path, const char *want_log)
{
	struct sandbox_params p = { .log_fd = -1, .max_poll_fds = 2 };
	struct sandbox sb;

	p.chroot_dir = path;
	log_capture();
	assert_int_equal(sandbox_prepare(&sb, &p), PC_ERR_CONFIG);
	assert_log_has(want_log);
}

static void
test_prepare_bad_dirs(void **state)
{
	char sub[128], file[160], made[128], link[128];
	struct stat st;
	int fd;

	(void)state;
	NEED_ROOT();
	snprintf(sub, sizeof(sub), "%s/d", empty_dir);
	snprintf(file, sizeof(file), "%s/d/f", empty_dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(chmod(sub, 0755), 0);

	/* Not empty. */
	assert_true((fd = open(file, O_WRONLY | O_CREAT, 0600)) >= 0);
	close(fd);
	bad_dir_case(sub, "must be empty (it holds \"f\")");
	assert_int_equal(unlink(file), 0);
	/* Writable by group, by others; owned by someone else. */
	assert_int_equal(chmod(sub, 0775), 0);
	bad_dir_case(sub, "owned by root and not writable");
	assert_int_equal(chmod(sub, 0757), 0);
	bad_dir_case(sub, "owned by root and not writable");
	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(chown(sub, nobody_uid, 0), 0);
	bad_dir_case(sub, "owned by root and not writable");
	assert_int_equal(chown(sub, 0, 0), 0);
	/* A directory above it writable by others (/tmp, sticky or not). */
	bad_dir_case("/tmp", "/tmp must be a directory owned by root");
	/* Not a directory. */
	assert_true((fd = open(file, O_WRONLY | O_CREAT, 0600)) >= 0);
	close(fd);
	bad_dir_case(file, "must be a directory");
	assert_int_equal(unlink(file), 0);
	/* Relative, "..", "." and "//" are refused before any lookup. */
	bad_dir_case("run/portcullisd/empty", "plain absolute path");
	snprintf(made, sizeof(made), "%s/d/../d", empty_dir);
	bad_dir_case(made, "plain absolute path");
	snprintf(made, sizeof(made), "%s/./d", empty_dir);
	bad_dir_case(made, "plain absolute path");
	snprintf(made, sizeof(made), "%s//d", empty_dir);
	bad_dir_case(made, "plain absolute path");
	/* Missing outside /run: not created. */
	bad_dir_case("/var/lib/pc-sandbox-missing-dir",
	    "missing privilege separation directory");
	assert_int_equal(stat("/var/lib/pc-sandbox-missing-dir", &st), -1);
	/* A symlink to a good directory is followed and checked. */
	snprintf(link, sizeof(link), "%s/l", empty_dir);
	assert_int_equal(symlink(sub, link), 0);
	{
		struct sandbox_params p = { .log_fd = -1, .max_poll_fds = 2 };
		struct sandbox sb;

		p.chroot_dir = link;
		assert_int_equal(sandbox_prepare(&sb, &p), 0);
		assert_string_equal(sb.dir, sub);
	}
	assert_int_equal(unlink(link), 0);
	assert_int_equal(rmdir(sub), 0);
}

static void
test_prepare_creates_under_run(void **state)
{
	struct sandbox_params p = { .log_fd = -1, .max_poll_fds = 2 };
	struct sandbox sb;
	char path[128], top[96];
	struct stat st;
	mode_t old;

	(void)state;
	NEED_ROOT();
	/* Missing parents too, and mode 0755 under a strict umask. */
	snprintf(top, sizeof(top), "%s/new", empty_dir);
	snprintf(path, sizeof(path), "%s/new/empty", empty_dir);
	old = umask(077);
	p.chroot_dir = path;
	assert_int_equal(sandbox_prepare(&sb, &p), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(sb.dir_ino, st.st_ino);
	assert_int_equal(stat(top, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	/* Again: it exists now, and is still good. */
	assert_int_equal(sandbox_prepare(&sb, &p), 0);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(top), 0);
}

/* ------------------------------------------------------------------ */
/* Children in the sandbox. */

struct child {
	pid_t pid;
	int ctl[2];	/* parent -> child: 'G' to go on */
	int res[2];	/* child -> parent: 'R' when in, or a failed line */
	int log[2];	/* SOCK_SEQPACKET log lines, child -> parent */
};

static int child_res_fd = -1;
static unsigned int child_nofile;	/* its RLIMIT_NOFILE */

/* In a child: report the line of a failed check, leave. */
static void
child_fail(int line)
{
	uint8_t b[5];

	b[0] = 'F';
	memcpy(b + 1, &line, 4);
	(void)!write(child_res_fd, b, sizeof(b));
	_exit(1);
}

#define CHK(c) do { \
	if (!(c)) { \
		child_fail(__LINE__); \
	} \
} while (0)

typedef void (*child_fn)(struct child *);

#define AS_ROOT		0	/* privsep user, chroot */
#define AS_NOBODY	1	/* not root: as root, drop to nobody first */

/*
 * Fork a child that enters the sandbox (after closing fd 0 when
 * close_stdin, so a hole is filled) and reports 'R', then waits for 'G'
 * and runs fn.
 */
static void
spawn(struct child *c, int how, int close_stdin, child_fn fn)
{
	struct sandbox_params p = { .log_fd = -1, .max_poll_fds = 2 };
	struct sandbox sb;
	char b;

	assert_int_equal(pipe(c->ctl), 0);
	assert_int_equal(pipe(c->res), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, c->log), 0);
	assert_true((c->pid = fork()) != -1);
	if (c->pid != 0) {
		close(c->ctl[0]);
		close(c->res[1]);
		close(c->log[1]);
		return;
	}
	child_res_fd = c->res[1];
	close(c->ctl[1]);
	close(c->res[0]);
	close(c->log[0]);
	if (how == AS_NOBODY && is_root) {
		CHK(setgroups(0, NULL) == 0);
		CHK(setresgid(nobody_gid, nobody_gid, nobody_gid) == 0);
		CHK(setresuid(nobody_uid, nobody_uid, nobody_uid) == 0);
	}
	if (close_stdin) {
		close(0);
		p.max_poll_fds = 8;
	}
	p.chroot_dir = empty_dir;
	p.log_fd = c->log[1];
	child_nofile = p.max_poll_fds;
	CHK(sandbox_prepare(&sb, &p) == 0);
	CHK(sb.privileged == (how == AS_ROOT));
	CHK(sandbox_enter(&sb) == 0);
	CHK(write(c->res[1], "R", 1) == 1);
	CHK(read(c->ctl[0], &b, 1) == 1 && b == 'G');
	fn(c);
	_exit(0);
}

/* Wait for 'R' (or the child's failure). */
static void
wait_ready(struct child *c)
{
	uint8_t b[5];
	int line, st;
	ssize_t n;

	n = read(c->res[0], b, sizeof(b));
	if (n == 1 && b[0] == 'R') {
		return;
	}
	if (n == 5 && b[0] == 'F') {
		memcpy(&line, b + 1, 4);
		waitpid(c->pid, &st, 0);
		fail_msg("child failed at line %d before it was ready", line);
	}
	waitpid(c->pid, &st, 0);
	fail_msg("child died before it was ready (status %#x)", st);
}

/*
 * Let it go on ('G', then 'y' for allowed_work to read), wait for its
 * end, collect its status.  The child may have written 'x' bytes (its
 * pipe test) before an 'F' and a line number.
 */
static int
finish(struct child *c)
{
	uint8_t b[64];
	int st, line;
	ssize_t n, i;

	assert_int_equal(write(c->ctl[1], "Gy", 2), 2);
	assert_int_equal(waitpid(c->pid, &st, 0), c->pid);
	n = read(c->res[0], b, sizeof(b));
	close(c->ctl[1]);
	close(c->res[0]);
	for (i = 0; i < n && b[i] == 'x'; i++) {
		;
	}
	if (n - i == 5 && b[i] == 'F') {
		memcpy(&line, b + i + 1, 4);
		close(c->log[0]);
		fail_msg("check at line %d failed in the sandbox", line);
	}
	return st;
}

/* The value of "Key:" in /proc/PID/status. */
static void
proc_status(pid_t pid, const char *key, char *val, size_t len)
{
	char path[64], buf[8192], *p, *e;
	size_t klen = strlen(key);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	for (p = buf; p != NULL && *p != '\0'; p = e == NULL ? NULL : e + 1) {
		e = strchr(p, '\n');
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			p += klen + 1;
			while (*p == '\t' || *p == ' ') {
				p++;
			}
			snprintf(val, len, "%.*s",
			    (int)(e == NULL ? strlen(p) : (size_t)(e - p)), p);
			return;
		}
	}
	fail_msg("no %s in %s", key, path);
}

static void
assert_status(pid_t pid, const char *key, const char *want)
{
	char v[256];

	proc_status(pid, key, v, sizeof(v));
	if (strcmp(v, want) != 0) {
		fail_msg("%s: \"%s\", expected \"%s\"", key, v, want);
	}
}

/* The soft and hard values of a /proc/PID/limits line. */
static void
assert_limit(pid_t pid, const char *name, const char *want)
{
	char path[64], buf[8192], *p, soft[32], hard[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(p = strstr(buf, name));
	assert_int_equal(sscanf(p + strlen(name), "%31s %31s", soft, hard),
	    2);
	assert_string_equal(soft, want);
	assert_string_equal(hard, want);
}

/* What the parent checks while the child waits, both ways in. */
static void
check_from_outside(struct child *c, int how, unsigned int nofile)
{
	char want[128], path[64], fdpath[64], target[256];
	struct stat st;
	unsigned int fd;
	ssize_t n;
	uid_t u = is_root ? nobody_uid : getuid();
	gid_t g = is_root ? nobody_gid : getgid();

	if (how == AS_ROOT) {
		struct passwd *pw = getpwnam(PRIVSEP_USER);

		assert_non_null(pw);
		u = pw->pw_uid;
		g = pw->pw_gid;
		/* "/" and the working directory are the empty one. */
		snprintf(path, sizeof(path), "/proc/%d/root", (int)c->pid);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_dev, empty_st.st_dev);
		assert_int_equal(st.st_ino, empty_st.st_ino);
		snprintf(path, sizeof(path), "/proc/%d/cwd", (int)c->pid);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_ino, empty_st.st_ino);
	}
	/* Real, effective, saved and filesystem ids; no groups; no
	 * capabilities left to get root back with. */
	snprintf(want, sizeof(want), "%lu\t%lu\t%lu\t%lu",
	    (unsigned long)u, (unsigned long)u, (unsigned long)u,
	    (unsigned long)u);
	assert_status(c->pid, "Uid", want);
	snprintf(want, sizeof(want), "%lu\t%lu\t%lu\t%lu",
	    (unsigned long)g, (unsigned long)g, (unsigned long)g,
	    (unsigned long)g);
	assert_status(c->pid, "Gid", want);
	if (is_root) {
		/* A user's own groups stay: only root can drop them. */
		assert_status(c->pid, "Groups", "");
	}
	assert_status(c->pid, "CapPrm", "0000000000000000");
	assert_status(c->pid, "CapEff", "0000000000000000");
	assert_status(c->pid, "NoNewPrivs", "1");
	if (sandbox_seccomp_enabled()) {
		assert_status(c->pid, "Seccomp", "2");
	} else {
		print_message("(built --disable-seccomp-filter: Seccomp "
		    "not checked)\n");
	}
	assert_limit(c->pid, "Max file size", "0");
	assert_limit(c->pid, "Max processes", "0");
	snprintf(want, sizeof(want), "%u", nofile);
	if (!RUNNING_ON_VALGRIND) {
		assert_limit(c->pid, "Max open files", want);
	}
	/* Every descriptor number below the limit is taken, so none can
	 * be made; fd 0 was filled with /dev/null when the child had
	 * closed it.  (Only root may look: the child is not dumpable.) */
	for (fd = 0; fd < nofile && is_root; fd++) {
		snprintf(fdpath, sizeof(fdpath), "/proc/%d/fd/%u",
		    (int)c->pid, fd);
		n = readlink(fdpath, target, sizeof(target) - 1);
		if (n <= 0) {
			fail_msg("descriptor %u below the limit is free", fd);
		}
		target[n] = '\0';
		if (fd == 0 && nofile > 2) {
			assert_string_equal(target, "/dev/null");
		}
	}
}

/* The work the network process does, all of which must be allowed. */
static void
allowed_work(struct child *c)
{
	struct pollfd pfd[16];
	struct timespec ts;
	struct timeval tv;
	uint8_t buf[64], r1[32], r2[32];
	char *big, *small[2000];
	struct pair pr;
	int p[2] = { c->ctl[0], c->res[1] }, i;

	/* Large blocks (mmap), grown (mremap), freed (munmap); many small
	 * ones (brk), freed (brk shrinks, madvise). */
	CHK((big = malloc(64 << 20)) != NULL);
	memset(big, 0xa5, 64 << 20);
	CHK((big = realloc(big, 128 << 20)) != NULL);
	CHK(big[(64 << 20) - 1] == (char)0xa5);
	free(big);
	for (i = 0; i < 2000; i++) {
		CHK((small[i] = malloc(1000 + i)) != NULL);
		memset(small[i], i, 1000 + i);
	}
	for (i = 0; i < 2000; i++) {
		free(small[i]);
	}
	/* Read-write mmap without PROT_EXEC, mprotect to read-only. */
	big = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHK(big != MAP_FAILED);
	big[0] = 1;
	CHK(mprotect(big, 1 << 20, PROT_READ) == 0);
	CHK(madvise(big, 1 << 20, MADV_DONTNEED) == 0);
	CHK(munmap(big, 1 << 20) == 0);

	/* Pipes and poll over as many descriptors as max_poll_fds. */
	CHK(read(p[0], buf, 1) == 1 && buf[0] == 'y');
	CHK(write(p[1], "x", 1) == 1);
	pfd[0].fd = p[0];
	pfd[0].events = POLLIN;
	pfd[1].fd = p[1];
	pfd[1].events = POLLOUT;
	CHK(poll(pfd, 2, 0) == 1 && (pfd[1].revents & POLLOUT) != 0);
	CHK(ppoll(pfd, 2, &(struct timespec){ 0, 0 }, NULL) == 1);
	/* One more than RLIMIT_NOFILE: the kernel refuses the poll
	 * itself, which is why sandbox_params.max_poll_fds exists. */
	for (i = 2; i <= (int)child_nofile; i++) {
		pfd[i] = pfd[1];
	}
	CHK(poll(pfd, child_nofile, 0) >= 1);
	CHK(RUNNING_ON_VALGRIND ||
	    (poll(pfd, child_nofile + 1, 0) == -1 && errno == EINVAL));

	/* Clocks, through the vDSO and through the real calls. */
	CHK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	CHK(clock_gettime(CLOCK_REALTIME, &ts) == 0 && ts.tv_sec > 0);
	CHK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) == 0);
	CHK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec > 0);
	CHK(syscall(SYS_gettimeofday, &tv, NULL) == 0);
	CHK(time(NULL) > 0);
	CHK(getpid() > 1);
	/* TCP_QUICKACK (on a pipe: refused by the kernel, not killed). */
	{
		int on = 1;

		CHK(setsockopt(p[0], IPPROTO_TCP, TCP_QUICKACK, &on,
		    sizeof(on)) == -1 && errno == ENOTSOCK);
	}
	/* Waking futex waiters (there are none): pthread_once does it. */
	{
		static int word;

		CHK(syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL,
		    NULL, 0) == 0);
	}

	/* Randomness: the kernel, libsodium and OpenSSL. */
	CHK(getrandom(buf, sizeof(buf), 0) == (ssize_t)sizeof(buf));
	rand_bytes(r1, sizeof(r1));
	rand_bytes(r2, sizeof(r2));
	CHK(memcmp(r1, r2, sizeof(r1)) != 0);

	/* A whole key exchange and host key signature, client and server
	 * in this process: the crypto the network process runs. */
	CHK(pair_new(&pr, NULL, NULL) == 0);
	pair_pump(&pr);
	CHK(pr.c.err == 0 && pr.s.err == 0);
	CHK(tp_established(pr.c.t) && tp_established(pr.s.t));
	pair_free(&pr);

	/* Log lines go to the monitor. */
	logit("sandboxed child %d: allowed work done", (int)getpid());
	debug("a debug line from the sandbox");
	error("an error line with a \033[31mcontrol character");
	CHK(shutdown(c->log[1], SHUT_WR) == 0);
	close(c->log[1]);
}

/* Relay every line the child logged, until it closed its end. */
static void
relay_all(struct child *c)
{
	int eof = 0, rounds = 0;

	while (!eof) {
		assert_int_equal(sandbox_log_relay(c->log[0], &eof), 0);
		assert_true(++rounds < 1000);
	}
	close(c->log[0]);
}

static void
run_allowed(int how, int close_stdin)
{
	struct child c;
	char want[96];
	int st;

	log_capture();
	/* The child inherits DEBUG1 and sends its debug lines. */
	{
		struct log_settings s = {
			.ident = "test", .level = LOG_LEVEL_DEBUG1,
			.to_stderr = 0, .to_syslog = 0,
			.facility = LOG_AUTH, .fd = logcap_fd,
		};
		log_init(&s);
	}
	spawn(&c, how, close_stdin, allowed_work);
	wait_ready(&c);
	check_from_outside(&c, how, close_stdin ? 8 : 2);
	st = finish(&c);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fail_msg("sandboxed child: status %#x (signal %d)", st,
		    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	}
	/* Its lines, relayed by the parent as the monitor will. */
	log_capture();
	{
		struct log_settings s = {
			.ident = "test", .level = LOG_LEVEL_DEBUG1,
			.to_stderr = 0, .to_syslog = 0,
			.facility = LOG_AUTH, .fd = logcap_fd,
		};
		log_init(&s);
	}
	relay_all(&c);
	snprintf(want, sizeof(want), "sandboxed child %d: allowed work done",
	    (int)c.pid);
	assert_log_has(want);
	assert_log_has("debug: a debug line from the sandbox");
	assert_log_has("control character");
	assert_null(strchr(log_read(), '\033'));
	log_capture();
}

static void
test_enter_root(void **state)
{
	(void)state;
	NEED_ROOT();
	run_allowed(AS_ROOT, 0);
	/* With a hole at fd 0 to fill. */
	run_allowed(AS_ROOT, 1);
}

static void
test_enter_not_root(void **state)
{
	(void)state;
	run_allowed(AS_NOBODY, 0);
	run_allowed(AS_NOBODY, 1);
}

/* ------------------------------------------------------------------ */
/* Forbidden calls: each kills its own child with SIGSYS. */

static void
bad_open(struct child *c)
{
	(void)c;
	(void)!open("/etc/passwd", O_RDONLY);
}

static void
bad_openat(struct child *c)
{
	(void)c;
	(void)!syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY);
}

static void
bad_socket(struct child *c)
{
	(void)c;
	(void)!socket(AF_INET, SOCK_STREAM, 0);
}

static void
bad_fork(struct child *c)
{
	(void)c;
	if (fork() == 0) {
		_exit(0);
	}
}

static void
bad_clone_thread(struct child *c)
{
	(void)c;
	/* What pthread_create asks for, short of a stack. */
	(void)!syscall(SYS_clone, CLONE_VM | CLONE_FS | CLONE_FILES |
	    CLONE_SIGHAND | CLONE_THREAD, NULL, NULL, NULL, 0);
}

static void
bad_execve(struct child *c)
{
	char *argv[] = { "true", NULL };

	(void)c;
	(void)!execve("/bin/true", argv, NULL);
}

static void
bad_ptrace(struct child *c)
{
	(void)c;
	(void)!ptrace(PTRACE_TRACEME, 0, NULL, NULL);
}

static void
bad_kill(struct child *c)
{
	(void)c;
	(void)!kill(getppid(), 0);
}

static void
bad_setuid(struct child *c)
{
	(void)c;
	(void)!setuid(0);
}

static void
bad_dup(struct child *c)
{
	(void)!dup(c->ctl[0]);
}

static void
bad_stat(struct child *c)
{
	struct stat st;

	(void)c;
	(void)!stat("/", &st);
}

static void
bad_setsockopt(struct child *c)
{
	int on = 1;

	/* Another TCP option than TCP_QUICKACK. */
	(void)!setsockopt(c->ctl[0], IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof(on));
}

static void
bad_futex_wait(struct child *c)
{
	static int word = 1;
	struct timespec zero = { 0, 0 };

	(void)c;
	/* Would return EAGAIN at once (word is not 0) if it were let
	 * through. */
	(void)!syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &zero, NULL,
	    0);
}

static void
bad_mmap_exec(struct child *c)
{
	(void)c;
	(void)!mmap(NULL, 4096, PROT_READ | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void
bad_mprotect_exec(struct child *c)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)c;
	CHK(p != MAP_FAILED);
	(void)!mprotect(p, 4096, PROT_READ | PROT_EXEC);
}

static void
bad_x32(struct child *c)
{
	(void)c;
#ifdef __x86_64__
	/* getpid through the x32 ABI: same arch value, bit 30 set. */
	(void)!syscall(__NR_getpid | 0x40000000);
#else
	(void)!syscall(__NR_getpid + 100000);
#endif
}

static void
bad_i386(struct child *c)
{
	(void)c;
#ifdef __x86_64__
	long ret = 20;	/* getpid in the i386 table */

	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
#else
	(void)!syscall(__NR_getpid + 100000);
#endif
}

static const struct {
	const char *name;
	child_fn fn;
} forbidden[] = {
	{ "open", bad_open },
	{ "openat", bad_openat },
	{ "socket", bad_socket },
	{ "fork", bad_fork },
	{ "clone (thread)", bad_clone_thread },
	{ "execve", bad_execve },
	{ "ptrace", bad_ptrace },
	{ "kill", bad_kill },
	{ "setuid", bad_setuid },
	{ "dup", bad_dup },
	{ "stat", bad_stat },
	{ "futex wait", bad_futex_wait },
	{ "setsockopt TCP_NODELAY", bad_setsockopt },
	{ "mmap PROT_EXEC", bad_mmap_exec },
	{ "mprotect PROT_EXEC", bad_mprotect_exec },
	{ "x32 ABI", bad_x32 },
	{ "i386 ABI (int 0x80)", bad_i386 },
};

static void
run_forbidden(int how)
{
	struct child c;
	size_t i;
	int st;

	if (!sandbox_seccomp_enabled()) {
		print_message("skipped: built --disable-seccomp-filter\n");
		skip();
	}
	for (i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++) {
		spawn(&c, how, 0, forbidden[i].fn);
		wait_ready(&c);
		st = finish(&c);
		close(c.log[0]);
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS) {
			continue;
		}
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV &&
		    forbidden[i].fn == bad_i386) {
			/* A kernel without ia32 emulation faults first. */
			print_message("(int 0x80: no ia32 emulation here)\n");
			continue;
		}
		fail_msg("%s: child status %#x, expected SIGSYS",
		    forbidden[i].name, st);
	}
}

static void
test_forbidden_root(void **state)
{
	(void)state;
	NEED_ROOT();
	run_forbidden(AS_ROOT);
}

static void
test_forbidden_not_root(void **state)
{
	(void)state;
	run_forbidden(AS_NOBODY);
}

/*
 * Without the filter (a --disable-seccomp-filter build), the calls it
 * would kill reach the kernel, and the rlimits and the dropped identity
 * must refuse them: no descriptor, no process, no root.
 */
static void
rlimit_work(struct child *c)
{
	pid_t pid;

	CHK(dup(c->ctl[0]) == -1 && errno == EMFILE);
	CHK(open("/", O_RDONLY) == -1 && errno == EMFILE);
	CHK(socket(AF_UNIX, SOCK_STREAM, 0) == -1 && errno == EMFILE);
	if ((pid = fork()) == 0) {
		_exit(0);
	}
	CHK(pid == -1 && errno == EAGAIN);
	CHK(setuid(0) == -1 && errno == EPERM);
	CHK(setgid(0) == -1 && errno == EPERM);
	CHK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
	CHK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
}

static void
test_rlimits_without_filter(void **state)
{
	struct child c;
	int st, how;

	(void)state;
	if (sandbox_seccomp_enabled()) {
		print_message("skipped: the seccomp filter kills these calls "
		    "before the rlimits are consulted (runs in "
		    "--disable-seccomp-filter builds)\n");
		skip();
	}
	for (how = is_root ? AS_ROOT : AS_NOBODY; how <= AS_NOBODY; how++) {
		spawn(&c, how, 0, rlimit_work);
		wait_ready(&c);
		st = finish(&c);
		close(c.log[0]);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fail_msg("child status %#x", st);
		}
	}
}

/* Entering twice-prepared-for-someone-else is refused. */
static void
test_enter_mismatch(void **state)
{
	struct sandbox sb;

	(void)state;
	memset(&sb, 0, sizeof(sb));
	sb.privileged = !is_root;
	sb.nofile = 1;
	sb.log_fd = -1;
	log_capture();
	assert_int_equal(sandbox_enter(&sb), PC_ERR_INVALID_ARGUMENT);
	assert_log_has("prepared for another user");
}

/* ------------------------------------------------------------------ */
/* The monitor's side of the log socket, against a hostile sender. */

static void
test_log_relay(void **state)
{
	int sp[2], eof, i;
	char msg[64], big[4000];
	const char *l;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
	log_capture();
	/* Nothing waiting: returns at once. */
	assert_int_equal(sandbox_log_relay(sp[0], &eof), 0);
	assert_int_equal(eof, 0);
	assert_string_equal(log_read(), "");
	/* A forged second line and an escape sequence are neutralised; a
	 * debug line is dropped at INFO; an oversized message is cut. */
	assert_int_equal(send(sp[1], "one\nFAKE: root logged in\n", 25, 0),
	    25);
	assert_int_equal(send(sp[1], "\033[2Jtwo\n", 8, 0), 8);
	assert_int_equal(send(sp[1], "debug: hidden\n", 14, 0), 14);
	memset(big, 'A', sizeof(big));
	assert_int_equal(send(sp[1], big, sizeof(big), 0), sizeof(big));
	assert_int_equal(sandbox_log_relay(sp[0], &eof), 0);
	assert_int_equal(eof, 0);
	l = log_read();
	assert_non_null(strstr(l, "one?FAKE: root logged in\n"));
	assert_non_null(strstr(l, "?[2Jtwo\n"));
	assert_null(strstr(l, "hidden"));
	assert_null(strchr(l, '\033'));
	assert_non_null(strstr(l, "AAAA"));
	assert_true(strlen(l) < 2500);
	/* A flood: at most SANDBOX_RELAY_MAX messages per call. */
	log_capture();
	for (i = 0; i < SANDBOX_RELAY_MAX + 10; i++) {
		snprintf(msg, sizeof(msg), "line %d\n", i);
		assert_true(send(sp[1], msg, strlen(msg), 0) > 0);
	}
	assert_int_equal(sandbox_log_relay(sp[0], &eof), 0);
	l = log_read();
	snprintf(msg, sizeof(msg), "line %d\n", SANDBOX_RELAY_MAX - 1);
	assert_non_null(strstr(l, msg));
	snprintf(msg, sizeof(msg), "line %d\n", SANDBOX_RELAY_MAX);
	assert_null(strstr(l, msg));
	assert_int_equal(sandbox_log_relay(sp[0], &eof), 0);
	assert_int_equal(eof, 0);
	snprintf(msg, sizeof(msg), "line %d\n", SANDBOX_RELAY_MAX + 9);
	assert_log_has(msg);
	/* The sender gone: eof. */
	close(sp[1]);
	assert_int_equal(sandbox_log_relay(sp[0], &eof), 0);
	assert_int_equal(eof, 1);
	/* Not a socket: an error, said. */
	assert_int_equal(sandbox_log_relay(-1, &eof), PC_ERR_SYSTEM);
	close(sp[0]);
	log_capture();
}

/* ------------------------------------------------------------------ */

static int
setup(void **state)
{
	struct passwd *pw;
	size_t n;

	(void)state;
	if (crypto_lib_init() != 0) {
		return -1;
	}
	/* Host keys made here, before any child is sandboxed. */
	(void)pair_test_hostkeys(&n);
	is_root = geteuid() == 0;
	if ((pw = getpwnam("nobody")) != NULL) {
		nobody_uid = pw->pw_uid;
		nobody_gid = pw->pw_gid;
	}
	if (!is_root) {
		return 0;
	}
	if (getpwnam(PRIVSEP_USER) == NULL) {
		/* Debian's openssh-server makes it; the suite needs it. */
		fprintf(stderr, "test_sandbox: privsep user \"%s\" missing "
		    "(install openssh-server, or add it: adduser --system "
		    "--no-create-home %s)\n", PRIVSEP_USER, PRIVSEP_USER);
		return -1;
	}
	/* /run is root's and not writable by others, as every directory
	 * above the chroot must be. */
	snprintf(empty_dir, sizeof(empty_dir), "/run/pc-sandbox-XXXXXX");
	if (mkdtemp(empty_dir) == NULL || chmod(empty_dir, 0755) != 0 ||
	    stat(empty_dir, &empty_st) != 0) {
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (empty_dir[0] != '\0') {
		(void)rmdir(empty_dir);
	}
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_program),
		cmocka_unit_test(test_prepare_not_root),
		cmocka_unit_test(test_prepare_root),
		cmocka_unit_test(test_prepare_bad_dirs),
		cmocka_unit_test(test_prepare_creates_under_run),
		cmocka_unit_test(test_enter_mismatch),
		cmocka_unit_test(test_enter_root),
		cmocka_unit_test(test_enter_not_root),
		cmocka_unit_test(test_forbidden_root),
		cmocka_unit_test(test_forbidden_not_root),
		cmocka_unit_test(test_rlimits_without_filter),
		cmocka_unit_test(test_log_relay),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
