/* utmp, wtmp and lastlog for pty sessions (see loginrec.h). */
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>
#include <utmpx.h>

#include "log.h"
#include "loginrec.h"

/* "/dev/pts/3" -> "pts/3". */
static const char *
line_of(const char *tty)
{
	return strncmp(tty, "/dev/", 5) == 0 ? tty + 5 : tty;
}

/* Copy s into a fixed, not necessarily terminated utmp field. */
static void
field_copy(char *dst, size_t dlen, const char *s)
{
	size_t n = strlen(s);

	memset(dst, 0, dlen);
	memcpy(dst, s, n < dlen ? n : dlen);
}

static void
fill(struct utmpx *ut, const struct loginrec *li, short type)
{
	const char *line = line_of(li->tty);
	size_t n = strlen(line);
	struct timeval tv;

	memset(ut, 0, sizeof(*ut));
	ut->ut_type = type;
	ut->ut_pid = li->pid;
	field_copy(ut->ut_line, sizeof(ut->ut_line), line);
	/* ut_id: the line's last characters, as login(1) and sshd. */
	field_copy(ut->ut_id, sizeof(ut->ut_id),
	    n > sizeof(ut->ut_id) ? line + n - sizeof(ut->ut_id) : line);
	if (type == USER_PROCESS) {
		field_copy(ut->ut_user, sizeof(ut->ut_user), li->user);
		field_copy(ut->ut_host, sizeof(ut->ut_host), li->host);
	}
	gettimeofday(&tv, NULL);
	ut->ut_tv.tv_sec = (int32_t)tv.tv_sec;
	ut->ut_tv.tv_usec = (int32_t)tv.tv_usec;
}

static void
record(const struct loginrec *li, short type)
{
	struct utmpx ut;

	fill(&ut, li, type);
	setutxent();
	if (pututxline(&ut) == NULL) {
		debug("pututxline %s: %s", ut.ut_line, strerror(errno));
	}
	endutxent();
	updwtmpx(_PATH_WTMP, &ut);
}

void
loginrec_login(const struct loginrec *li)
{
	record(li, USER_PROCESS);
}

void
loginrec_logout(const struct loginrec *li)
{
	record(li, DEAD_PROCESS);
}

static int
lastlog_open(const char *path, int flags, uid_t uid)
{
	off_t off = (off_t)uid * (off_t)sizeof(struct lastlog);
	int fd;

	if ((fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		return -1;
	}
	if (lseek(fd, off, SEEK_SET) != off) {
		close(fd);
		return -1;
	}
	return fd;
}

void
loginrec_lastlog_message(const char *path, uid_t uid, char *buf, size_t len)
{
	struct lastlog ll;
	char when[64], host[sizeof(ll.ll_host) + 1];
	time_t t;
	struct tm tm;
	ssize_t n;
	int fd;

	if (len > 0) {
		buf[0] = '\0';
	}
	if (path == NULL) {
		path = LOGINREC_LASTLOG;
	}
	if ((fd = lastlog_open(path, O_RDONLY, uid)) == -1) {
		return;
	}
	memset(&ll, 0, sizeof(ll));
	n = read(fd, &ll, sizeof(ll));
	close(fd);
	if (n != (ssize_t)sizeof(ll) || ll.ll_time == 0) {
		return;
	}
	t = (time_t)ll.ll_time;
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", &tm) == 0) {
		return;
	}
	memcpy(host, ll.ll_host, sizeof(ll.ll_host));
	host[sizeof(ll.ll_host)] = '\0';
	/* sshd's store_lastlog_message wording. */
	if (host[0] != '\0') {
		snprintf(buf, len, "Last login: %s from %s\r\n", when, host);
	} else {
		snprintf(buf, len, "Last login: %s\r\n", when);
	}
}

void
loginrec_lastlog_write(const char *path, const struct loginrec *li)
{
	struct lastlog ll;
	ssize_t n;
	int fd;

	if (path == NULL) {
		path = LOGINREC_LASTLOG;
	}
	if ((fd = lastlog_open(path, O_WRONLY, li->uid)) == -1) {
		debug("lastlog %s: %s", path, strerror(errno));
		return;
	}
	memset(&ll, 0, sizeof(ll));
	ll.ll_time = (int32_t)time(NULL);
	field_copy(ll.ll_line, sizeof(ll.ll_line), line_of(li->tty));
	field_copy(ll.ll_host, sizeof(ll.ll_host), li->host);
	n = write(fd, &ll, sizeof(ll));
	if (n != (ssize_t)sizeof(ll)) {
		debug("lastlog write %s: %s", path, strerror(errno));
	}
	close(fd);
}
