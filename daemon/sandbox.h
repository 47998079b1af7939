/*
 * The sandbox of the pre-authentication network process (issue 7).
 *
 * The monitor (root, or the daemon's own user when not started as root)
 * calls sandbox_prepare() once, before it forks the network process; the
 * network process calls sandbox_enter() once, after it has every
 * descriptor it will use (the client socket, the monitor socket, the log
 * socket) and before it reads a byte from the client.  After
 * sandbox_enter() the process:
 *
 *   when started as root: is chrooted to an empty root-owned directory
 *   (configure --with-privsep-path, PC_PRIVSEP_PATH) with "/" as its
 *   working directory, and runs as the unprivileged user (configure
 *   --with-privsep-user, PRIVSEP_USER) with its primary group and no
 *   supplementary groups, irreversibly (checked: setuid(0) fails);
 *
 *   always: cannot make a descriptor (RLIMIT_NOFILE), cannot grow a file
 *   (RLIMIT_FSIZE 0), cannot fork (RLIMIT_NPROC 0: the kernel compares it
 *   with the number of processes of the real uid, which includes this
 *   one; root is exempt from the check, which is why root drops to the
 *   privsep user first), cannot be ptraced by other processes of its
 *   user (PR_SET_DUMPABLE 0), cannot gain privileges through exec
 *   (PR_SET_NO_NEW_PRIVS), and runs under a seccomp-bpf allow-list
 *   (sandbox.c says why each call is there) that kills the whole process
 *   with SIGSYS on any other call or on a foreign syscall ABI.
 *
 * Sanitizer and valgrind builds: configure --disable-seccomp-filter
 * builds sandbox_enter() without the seccomp step (everything else stays)
 * and sandbox_seccomp_enabled() returns 0; the daemon logs a warning each
 * time a process enters the sandbox so such a build is never mistaken for
 * a production one.  Under valgrind such a build sets only the soft
 * RLIMIT_NOFILE (valgrind refuses changes to the hard one).  Valgrind cannot run under the filter (its JIT maps
 * executable memory), nor can LeakSanitizer (it clones a tracer thread
 * and reads /proc/self/task; the chroot alone stops that too, so the
 * network process leaves with _exit() and is not leak-checked by ASan).
 * See docs/sandbox.md.
 *
 * Log lines: the network process cannot reach syslog (no socket(), no
 * /dev/log in the chroot).  The monitor makes a SOCK_SEQPACKET socketpair,
 * gives one end to the network process as sandbox_params.log_fd, and
 * feeds the other to sandbox_log_relay() from its poll loop: each line the
 * network process logs arrives as one message and is logged again by the
 * monitor through its own log settings.
 */
#ifndef PC_SANDBOX_H
#define PC_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Longest chroot directory name accepted. */
#define SANDBOX_PATH_MAX	256

struct sandbox_params {
	/* NULL: the configure values, PRIVSEP_USER and PC_PRIVSEP_PATH
	 * in config.h ("sshd" and "/run/portcullisd/empty" by default). */
	const char *user;	/* privsep user */
	const char *chroot_dir;	/* absolute path */
	/*
	 * The most descriptors the process passes to one poll(): Linux
	 * refuses poll() with more than RLIMIT_NOFILE entries (EINVAL), so
	 * RLIMIT_NOFILE is set to this (at least 1), and every descriptor
	 * number below it that is not open is filled with /dev/null before
	 * the chroot, so no new descriptor can be made.  0 means 1.
	 */
	unsigned int max_poll_fds;
	/*
	 * A socket (or pipe) for log lines, or -1: when set,
	 * sandbox_enter() sends every later log line there and nowhere else
	 * (level unchanged; no syslog, no stderr).  Borrowed.
	 */
	int log_fd;
	/*
	 * A signal the kernel sends the process when the one that called
	 * sandbox_prepare() (its parent, the monitor) dies, or 0 for none
	 * (PR_SET_PDEATHSIG, set after the identity change, which would
	 * clear it): a network process must not outlive its monitor.
	 */
	int parent_death_signal;
};

/* Filled by sandbox_prepare(), read by sandbox_enter(); plain data. */
struct sandbox {
	int privileged;		/* prepared as root: chroot and setuid */
	uid_t uid;		/* privsep user (privileged only) */
	gid_t gid;		/* its primary group */
	char dir[SANDBOX_PATH_MAX];	/* resolved chroot directory */
	dev_t dir_dev;		/* the directory's identity, to check */
	ino_t dir_ino;		/* that "/" is it after the chroot */
	unsigned int nofile;	/* RLIMIT_NOFILE to set (>= 1) */
	int log_fd;
	int pdeathsig;		/* parent_death_signal */
	pid_t parent;		/* the process that prepared */
};

/*
 * While still root (or as the daemon's user): when root, look up the
 * privsep user (PC_ERR_CONFIG if missing or if it is uid 0 or gid 0, with
 * an error() line naming the configure option), check the chroot
 * directory and every directory above it are root-owned and writable by
 * root only, that it is empty, and create it (mode 0755, and its missing
 * parents) if it is missing and under /run.  When not root, only records
 * that; the user and directory are not used.  Logs why it fails.
 */
int	sandbox_prepare(struct sandbox *sb, const struct sandbox_params *p)
	    PC_WUR;

/*
 * Enter the sandbox (see the top of this file).  Once only, in the
 * network process.  On failure the process may be half-way in and must
 * exit: the caller logs and calls _exit().  Logs why it fails.
 */
int	sandbox_enter(const struct sandbox *sb) PC_WUR;

/* 1 if sandbox_enter() installs the seccomp filter (see above). */
int	sandbox_seccomp_enabled(void);

/*
 * In the monitor: read the log messages waiting on fd (non-blocking, at
 * most SANDBOX_RELAY_MAX per call so a flood cannot starve the monitor's
 * loop) and log each through pc_log() (which strips control characters:
 * the network process is not trusted).  Lines that came with the
 * "debug: " mark are logged at DEBUG1, others at INFO (or at the
 * monitor's level if that is below INFO): lib/log.c's descriptor output
 * carries no level.  Sets *eof to 1 when the network process has closed
 * its end.  0, or PC_ERR_SYSTEM.
 */
#define SANDBOX_RELAY_MAX	64
int	sandbox_log_relay(int fd, int *eof) PC_WUR;

/*
 * The seccomp program sandbox_enter() installs, for tests (which run it
 * through a BPF interpreter with made-up architectures and arguments).
 * Static storage; *n is the number of instructions.
 */
struct sock_filter;
const struct sock_filter *sandbox_filter(size_t *n);

#endif /* PC_SANDBOX_H */
