/*
 * The pre-authentication sandbox (see sandbox.h): privilege drop into an
 * empty chroot, rlimits, no_new_privs and a seccomp-bpf allow-list.
 *
 * The filter is written as raw classic BPF (seccomp(2), the kernel's
 * Documentation/userspace-api/seccomp_filter.rst): no libseccomp.  It
 * checks the architecture first, because a system call number means
 * different things under each ABI, then allows a short list of calls and
 * kills the process on anything else.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>

#include "config.h"

#include "err.h"
#include "log.h"
#include "sandbox.h"

#ifndef PRIVSEP_USER
#define PRIVSEP_USER		"sshd"
#endif
#ifndef PC_PRIVSEP_PATH
#define PC_PRIVSEP_PATH		"/run/portcullisd/empty"
#endif

/* Most descriptors sandbox_params.max_poll_fds may ask for. */
#define SANDBOX_NOFILE_MAX	64

#if defined(__x86_64__)
#define SANDBOX_AUDIT_ARCH	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_AUDIT_ARCH	AUDIT_ARCH_AARCH64
#elif !defined(PC_SANDBOX_NO_SECCOMP)
/* configure --disable-seccomp-filter to build elsewhere, knowingly. */
#error "seccomp filter written for x86_64 and aarch64 only"
#endif

/* AddressSanitizer builds (clang says so through __has_feature, gcc
 * through __SANITIZE_ADDRESS__): see SANDBOX_SANITIZER_CALLS. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_ASAN	1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(SANDBOX_ASAN)
#define SANDBOX_ASAN	1
#endif

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS	SECCOMP_RET_KILL
#endif

/* The low 32 bits of argument i: where they sit depends on byte order. */
#if __BYTE_ORDER == __LITTLE_ENDIAN
#define SC_ARG_LO(i)	(offsetof(struct seccomp_data, args) + (i) * 8)
#else
#define SC_ARG_LO(i)	(offsetof(struct seccomp_data, args) + (i) * 8 + 4)
#endif

#define SC_KILL \
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)
#define SC_ALLOW_RET	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
/* Allow call nr (the accumulator holds the number). */
#define SC_ALLOW(nr) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
	SC_ALLOW_RET
/*
 * Allow call nr unless argument arg has PROT_EXEC: no new executable
 * memory, so code injected through a memory-safety bug cannot be made
 * runnable.  Five instructions; when nr does not match, the jump skips
 * the block with the accumulator still holding the number.
 */
#define SC_ALLOW_NOEXEC(nr, arg) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 4), \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SC_ARG_LO(arg)), \
	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 1, 0), \
	SC_ALLOW_RET, \
	SC_KILL

/*
 * futex(2) with FUTEX_WAKE only (argument 1, with or without
 * FUTEX_PRIVATE_FLAG).  Six instructions, like SC_ALLOW_NOEXEC.
 */
#define SC_ALLOW_FUTEX_WAKE \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_futex, 0, 5), \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SC_ARG_LO(1)), \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FUTEX_WAKE_PRIVATE, 2, 0), \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FUTEX_WAKE, 1, 0), \
	SC_KILL, \
	SC_ALLOW_RET

/*
 * setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, ...) only (arguments 1 and
 * 2).  Seven instructions.
 */
#define SC_ALLOW_QUICKACK \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_setsockopt, 0, 6), \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SC_ARG_LO(1)), \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 2), \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SC_ARG_LO(2)), \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TCP_QUICKACK, 1, 0), \
	SC_KILL, \
	SC_ALLOW_RET

#ifdef SANDBOX_AUDIT_ARCH
static const struct sock_filter filter[] = {
	/* A foreign ABI (i386 through int 0x80 on x86_64, or arm32 on
	 * aarch64) numbers calls differently: kill before reading nr. */
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_AUDIT_ARCH, 1, 0),
	SC_KILL,
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
	/* x32 calls report AUDIT_ARCH_X86_64 with bit 30 set in nr.  None
	 * of the numbers below has it, so they would fail anyway: say so
	 * explicitly rather than rely on it. */
	BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
	SC_KILL,
#endif
	/* The client socket, the monitor socket and the log socket: the
	 * process's whole job is moving bytes over them (conn.c). */
	SC_ALLOW(__NR_read),
	SC_ALLOW(__NR_write),
	/* Waiting for the client and the monitor (conn.c).  aarch64 has no
	 * poll: glibc's poll() calls ppoll there. */
#ifdef __NR_poll
	SC_ALLOW(__NR_poll),
#endif
	SC_ALLOW(__NR_ppoll),
	/* TCP_QUICKACK on the client socket after each read until the
	 * user is authenticated (conn.c): every round trip of the
	 * handshake counts.  It changes when this socket sends ACKs,
	 * nothing else; any other option or level is killed. */
	SC_ALLOW_QUICKACK,
	/* Dropping a descriptor closes nothing outside the process. */
	SC_ALLOW(__NR_close),
	/* The monitor holds the client socket too, so close() alone sends
	 * no FIN: after DISCONNECT the process shuts its side down. */
	SC_ALLOW(__NR_shutdown),
	/* Ephemeral kex keys, padding, cookies: libsodium's randombytes and
	 * OpenSSL's DRBG read the kernel's generator through getrandom(2)
	 * (the /dev/urandom fallback cannot open a file here). */
	SC_ALLOW(__NR_getrandom),
	/* OpenSSL mixes the pid into DRBG nonces and checks it to notice a
	 * fork; it reveals nothing the process does not know. */
	SC_ALLOW(__NR_getpid),
	/* Timeouts and rekey timers (conn.c).  These are normally answered
	 * by the vDSO without a system call, but glibc falls back to the
	 * call when the clock source has no vDSO path (some hypervisors). */
	SC_ALLOW(__NR_clock_gettime),
	SC_ALLOW(__NR_gettimeofday),
#ifdef __NR_time
	SC_ALLOW(__NR_time),
#endif
	/* Memory: glibc's malloc grows the heap with brk, serves large
	 * blocks with mmap and returns them with munmap, grows them with
	 * mremap (realloc) and gives back freed pages with madvise
	 * (MADV_DONTNEED: only this process's memory is affected; advice
	 * that needs a capability fails, as the process has none).
	 * mprotect changes protections of the process's own mappings
	 * (glibc's non-main arenas, guard pages); neither it nor mmap may
	 * ask for PROT_EXEC. */
	SC_ALLOW(__NR_brk),
	SC_ALLOW_NOEXEC(__NR_mmap, 2),
	SC_ALLOW_NOEXEC(__NR_mprotect, 2),
	SC_ALLOW(__NR_munmap),
	SC_ALLOW(__NR_mremap),
	SC_ALLOW(__NR_madvise),
	/* Waking waiters on a futex: glibc's pthread_once, under which
	 * OpenSSL makes its DRBGs, EC groups and the like on first use,
	 * wakes any waiters when the initialisation is done, waiters or
	 * not.  A single-threaded process has none: the call wakes
	 * nothing.  Waiting (FUTEX_WAIT and every other operation) stays
	 * forbidden. */
	SC_ALLOW_FUTEX_WAKE,
	/* Signal handlers installed by the daemon (SIGTERM, SIGALRM for
	 * LoginGraceTime) set a flag and return through rt_sigreturn;
	 * glibc's abort() masks signals before it raises SIGABRT. */
	SC_ALLOW(__NR_rt_sigreturn),
	SC_ALLOW(__NR_rt_sigprocmask),
	/* Leaving. */
	SC_ALLOW(__NR_exit),
	SC_ALLOW(__NR_exit_group),
#ifdef SANDBOX_ASAN
	/* AddressSanitizer builds only (the unit tests' san-tests build):
	 * the runtime's _exit() interceptor takes down the alternate signal
	 * stack it installed.  It concerns this process's own signal
	 * delivery only.  A sanitizer report from inside the sandbox still
	 * dies with SIGSYS when it tries to read /proc/self/maps: configure
	 * --disable-seccomp-filter to debug one (docs/sandbox.md). */
	SC_ALLOW(__NR_sigaltstack),
#endif
	/* Everything else: open/openat (no files), socket/connect (no new
	 * connections), clone/fork/execve, ptrace, kill, setuid and the
	 * rest kill the whole process with SIGSYS, which the monitor sees
	 * in waitpid and logs. */
	SC_KILL,
};
#endif

const struct sock_filter *
sandbox_filter(size_t *n)
{
#ifdef SANDBOX_AUDIT_ARCH
	*n = sizeof(filter) / sizeof(filter[0]);
	return filter;
#else
	*n = 0;
	return NULL;
#endif
}

int
sandbox_seccomp_enabled(void)
{
#ifdef PC_SANDBOX_NO_SECCOMP
	return 0;
#else
	return 1;
#endif
}

/*
 * Make the missing components of path (absolute, under /run/) as
 * directories, mode 0755 whatever the umask.  An existing component is
 * left for the checks that follow to judge.
 */
static int
sandbox_mkdirs(const char *path)
{
	char buf[SANDBOX_PATH_MAX];
	size_t i, len = strlen(path);

	if (len >= sizeof(buf)) {
		return PC_ERR_CONFIG;
	}
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0') {
			continue;
		}
		buf[i] = '\0';
		if (mkdir(buf, 0755) == 0) {
			if (chmod(buf, 0755) != 0) {
				error("chmod %s: %s", buf, strerror(errno));
				return PC_ERR_SYSTEM;
			}
			verbose("created privilege separation directory %s",
			    buf);
		} else if (errno != EEXIST) {
			error("mkdir %s: %s", buf, strerror(errno));
			return PC_ERR_SYSTEM;
		}
		if (i < len) {
			buf[i] = '/';
		}
	}
	return 0;
}

/* Refuse "." and ".." components and empty ones ("//"). */
static int
sandbox_path_plain(const char *path)
{
	const char *p = path, *e;
	size_t n;

	if (path[0] != '/') {
		return 0;
	}
	while (*p == '/' && p[1] != '\0') {
		p++;
		e = strchr(p, '/');
		n = e == NULL ? strlen(p) : (size_t)(e - p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.')) {
			return 0;
		}
		if (e == NULL) {
			break;
		}
		p = e;
	}
	return 1;
}

/*
 * path, a component of the privsep directory dir (or dir itself): a real
 * directory, owned by root, writable by nobody else -- otherwise another
 * user could swap the directory for one holding what they like.
 */
static int
sandbox_check_owner(const char *dir, const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		error("privilege separation directory %s: %s: %s", dir, path,
		    strerror(errno));
		return PC_ERR_CONFIG;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		error("privilege separation directory %s: %s must be a "
		    "directory owned by root and not writable by group or "
		    "others", dir, path);
		return PC_ERR_CONFIG;
	}
	return 0;
}

/* dir (resolved, absolute) and each directory above it. */
static int
sandbox_check_owners(const char *dir)
{
	char buf[SANDBOX_PATH_MAX];
	size_t i, len = strlen(dir);
	int r;

	if (len >= sizeof(buf)) {
		return PC_ERR_CONFIG;
	}
	if ((r = sandbox_check_owner(dir, "/")) != 0) {
		return r;
	}
	for (i = 1; i <= len; i++) {
		if (i < len && dir[i] != '/') {
			continue;
		}
		memcpy(buf, dir, i);
		buf[i] = '\0';
		if ((r = sandbox_check_owner(dir, buf)) != 0) {
			return r;
		}
	}
	return 0;
}

/* The directory has nothing but "." and "..". */
static int
sandbox_check_empty(const char *dir)
{
	DIR *d;
	struct dirent *de;
	int r = 0;

	if ((d = opendir(dir)) == NULL) {
		error("privilege separation directory %s: %s", dir,
		    strerror(errno));
		return PC_ERR_CONFIG;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			error("privilege separation directory %s must be "
			    "empty (it holds \"%s\")", dir, de->d_name);
			r = PC_ERR_CONFIG;
			break;
		}
	}
	if (r == 0 && errno != 0) {
		error("readdir %s: %s", dir, strerror(errno));
		r = PC_ERR_SYSTEM;
	}
	closedir(d);
	return r;
}

static int
sandbox_prepare_dir(struct sandbox *sb, const char *dir)
{
	char *real = NULL;
	struct stat st;
	int r;

	if (!sandbox_path_plain(dir) || strlen(dir) >= sizeof(sb->dir)) {
		error("privilege separation directory \"%s\" must be a plain "
		    "absolute path (configure --with-privsep-path)", dir);
		return PC_ERR_CONFIG;
	}
	if (lstat(dir, &st) != 0) {
		if (errno != ENOENT || strncmp(dir, "/run/", 5) != 0) {
			error("missing privilege separation directory %s: %s "
			    "(configure --with-privsep-path)", dir,
			    strerror(errno));
			return PC_ERR_CONFIG;
		}
		if ((r = sandbox_mkdirs(dir)) != 0) {
			return r;
		}
	}
	if ((real = realpath(dir, NULL)) == NULL) {
		error("privilege separation directory %s: %s", dir,
		    strerror(errno));
		return PC_ERR_CONFIG;
	}
	if (strlen(real) >= sizeof(sb->dir)) {
		error("privilege separation directory %s: name too long", dir);
		r = PC_ERR_CONFIG;
		goto out;
	}
	if ((r = sandbox_check_owners(real)) != 0 ||
	    (r = sandbox_check_empty(real)) != 0) {
		goto out;
	}
	if (stat(real, &st) != 0) {
		error("stat %s: %s", real, strerror(errno));
		r = PC_ERR_SYSTEM;
		goto out;
	}
	snprintf(sb->dir, sizeof(sb->dir), "%s", real);
	sb->dir_dev = st.st_dev;
	sb->dir_ino = st.st_ino;
	r = 0;
 out:
	free(real);
	return r;
}

int
sandbox_prepare(struct sandbox *sb, const struct sandbox_params *p)
{
	const char *user = p->user != NULL ? p->user : PRIVSEP_USER;
	const char *dir = p->chroot_dir != NULL ? p->chroot_dir :
	    PC_PRIVSEP_PATH;
	struct passwd *pw;

	memset(sb, 0, sizeof(*sb));
	sb->log_fd = p->log_fd;
	sb->pdeathsig = p->parent_death_signal;
	sb->parent = getpid();
	sb->nofile = p->max_poll_fds == 0 ? 1 : p->max_poll_fds;
	if (sb->nofile > SANDBOX_NOFILE_MAX) {
		error("sandbox: %u descriptors to poll is too many",
		    p->max_poll_fds);
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (geteuid() != 0) {
		/* Not root: no user to become and no right to chroot. */
		sb->privileged = 0;
		return 0;
	}
	sb->privileged = 1;
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		error("privilege separation user \"%s\" does not exist%s%s "
		    "(create it, or configure --with-privsep-user=USER)",
		    user, errno != 0 ? ": " : "",
		    errno != 0 ? strerror(errno) : "");
		return PC_ERR_CONFIG;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		error("privilege separation user \"%s\" has uid or gid 0 "
		    "(configure --with-privsep-user=USER)", user);
		return PC_ERR_CONFIG;
	}
	sb->uid = pw->pw_uid;
	sb->gid = pw->pw_gid;
	return sandbox_prepare_dir(sb, dir);
}

/*
 * Fill every free descriptor number below the RLIMIT_NOFILE to come with
 * /dev/null: the kernel hands out the lowest free number, and refuses
 * only numbers at or above the limit.  Before the chroot (open needs
 * /dev).
 */
static int
sandbox_fill_fds(unsigned int nofile)
{
	unsigned int fd;
	int nfd;

	for (fd = 0; fd < nofile; fd++) {
		if (fcntl((int)fd, F_GETFD) != -1 || errno != EBADF) {
			continue;
		}
		if ((nfd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
			error("sandbox: /dev/null: %s", strerror(errno));
			return PC_ERR_SYSTEM;
		}
		/* Lower numbers are all taken, so this is fd. */
		if (nfd != (int)fd) {
			close(nfd);
			error("sandbox: descriptor %u not filled", fd);
			return PC_ERR_INTERNAL;
		}
	}
	return 0;
}

/* Become the privsep user inside its empty directory, for good. */
static int
sandbox_drop(const struct sandbox *sb)
{
	struct stat st;
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (chroot(sb->dir) != 0 || chdir("/") != 0) {
		error("sandbox: chroot %s: %s", sb->dir, strerror(errno));
		return PC_ERR_SYSTEM;
	}
	/* The directory checked in sandbox_prepare(), not one swapped in
	 * since. */
	if (stat("/", &st) != 0 || st.st_dev != sb->dir_dev ||
	    st.st_ino != sb->dir_ino) {
		error("sandbox: %s changed since it was checked", sb->dir);
		return PC_ERR_SYSTEM;
	}
	if (setgroups(0, NULL) != 0 ||
	    setresgid(sb->gid, sb->gid, sb->gid) != 0 ||
	    setresuid(sb->uid, sb->uid, sb->uid) != 0) {
		error("sandbox: cannot become uid %lu gid %lu: %s",
		    (unsigned long)sb->uid, (unsigned long)sb->gid,
		    strerror(errno));
		return PC_ERR_SYSTEM;
	}
	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0 ||
	    ru != sb->uid || eu != sb->uid || su != sb->uid ||
	    rg != sb->gid || eg != sb->gid || sg != sb->gid ||
	    getgroups(0, NULL) != 0) {
		error("sandbox: identity not as set");
		return PC_ERR_INTERNAL;
	}
	/* No way back: with all three uids unprivileged, the kernel must
	 * refuse root again. */
	if (setuid(0) != -1 || setgid(0) != -1) {
		error("sandbox: could regain root after dropping it");
		return PC_ERR_INTERNAL;
	}
	return 0;
}

static int
sandbox_rlimits(unsigned int nofile)
{
	struct rlimit zero = { 0, 0 }, nf = { nofile, nofile };

	/* FSIZE 0: no file can grow (writes to one raise SIGXFSZ); NOFILE:
	 * see sandbox_fill_fds(); NPROC 0: fork and clone fail with EAGAIN
	 * for a non-root real uid, which has this process at least. */
	if (setrlimit(RLIMIT_FSIZE, &zero) != 0 ||
	    setrlimit(RLIMIT_NPROC, &zero) != 0) {
		error("sandbox: setrlimit: %s", strerror(errno));
		return PC_ERR_SYSTEM;
	}
	if (setrlimit(RLIMIT_NOFILE, &nf) == 0) {
		return 0;
	}
#ifdef PC_SANDBOX_NO_SECCOMP
	/* Valgrind keeps descriptors of its own above the hard limit and
	 * refuses (EPERM) any change to it; it emulates the soft one.  A
	 * build made for valgrind accepts that. */
	if (errno == EPERM && getrlimit(RLIMIT_NOFILE, &nf) == 0) {
		nf.rlim_cur = nofile;
		if (setrlimit(RLIMIT_NOFILE, &nf) == 0) {
			logit("sandbox: RLIMIT_NOFILE hard limit refused "
			    "(valgrind?): soft limit only");
			return 0;
		}
	}
#endif
	error("sandbox: setrlimit RLIMIT_NOFILE: %s", strerror(errno));
	return PC_ERR_SYSTEM;
}

#ifndef PC_SANDBOX_NO_SECCOMP
static int
sandbox_seccomp(void)
{
	struct sock_fprog prog;

	prog.len = (unsigned short)(sizeof(filter) / sizeof(filter[0]));
	prog.filter = (struct sock_filter *)filter;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) {
		error("sandbox: seccomp filter: %s", strerror(errno));
		return PC_ERR_SYSTEM;
	}
	return 0;
}
#endif

int
sandbox_enter(const struct sandbox *sb)
{
	struct log_settings ls;
	int r;

	if (sb->privileged != (geteuid() == 0) || sb->nofile == 0) {
		error("sandbox: prepared for another user");
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((r = sandbox_fill_fds(sb->nofile)) != 0) {
		return r;
	}
	if (sb->log_fd >= 0) {
		/* Closes the syslog socket if there was one. */
		memset(&ls, 0, sizeof(ls));
		ls.ident = NULL;
		ls.level = log_get_level();
		ls.to_stderr = 0;
		ls.to_syslog = 0;
		ls.facility = LOG_AUTH;
		ls.fd = sb->log_fd;
		log_init(&ls);
	}
	if (sb->privileged && (r = sandbox_drop(sb)) != 0) {
		return r;
	}
	/* After the identity change, which clears it; then the parent
	 * may have died before it was set. */
	if (sb->pdeathsig != 0) {
		if (prctl(PR_SET_PDEATHSIG, sb->pdeathsig, 0, 0, 0) != 0) {
			error("sandbox: PR_SET_PDEATHSIG: %s",
			    strerror(errno));
			return PC_ERR_SYSTEM;
		}
		if (getppid() != sb->parent) {
			error("sandbox: the parent process is gone");
			return PC_ERR_SYSTEM;
		}
	}
	/* Not even a process of the same user may ptrace or read this
	 * one's memory (setuid did this already when root). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		error("sandbox: PR_SET_DUMPABLE: %s", strerror(errno));
		return PC_ERR_SYSTEM;
	}
	if ((r = sandbox_rlimits(sb->nofile)) != 0) {
		return r;
	}
	/* Required for an unprivileged seccomp filter, and on its own keeps
	 * exec from granting anything (setuid binaries, file caps). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		error("sandbox: PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return PC_ERR_SYSTEM;
	}
#ifdef PC_SANDBOX_NO_SECCOMP
	logit("sandbox: built without the seccomp filter "
	    "(--disable-seccomp-filter): not for production");
	return 0;
#else
	return sandbox_seccomp();
#endif
}

int
sandbox_log_relay(int fd, int *eof)
{
	char buf[1280], *s;
	enum log_level l, cur = log_get_level();
	ssize_t n;
	int i;

	*eof = 0;
	for (i = 0; i < SANDBOX_RELAY_MAX; i++) {
		n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n == -1 && errno == EINTR) {
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return 0;
		}
		if (n == -1) {
			error("sandbox log relay: %s", strerror(errno));
			return PC_ERR_SYSTEM;
		}
		if (n == 0) {
			*eof = 1;
			return 0;
		}
		buf[n] = '\0';
		if (n > 0 && buf[n - 1] == '\n') {
			buf[n - 1] = '\0';
		}
		s = buf;
		if (strncmp(s, "debug: ", 7) == 0) {
			s += 7;
			l = LOG_LEVEL_DEBUG1;
		} else {
			/* The network process logged it, so it passed the
			 * same LogLevel: keep it above the monitor's
			 * threshold. */
			l = cur < LOG_LEVEL_INFO ? cur : LOG_LEVEL_INFO;
			if (l < LOG_LEVEL_FATAL) {
				l = LOG_LEVEL_FATAL;
			}
		}
		pc_log(l, "%s", s);
	}
	return 0;
}
