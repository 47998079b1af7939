/*
 * Login records for pty sessions, as sshd keeps them: utmp and wtmp
 * (USER_PROCESS at login, DEAD_PROCESS at logout, ut_line from the pty,
 * ut_host the peer's address) and lastlog (/var/log/lastlog, one
 * struct lastlog at offset uid * sizeof(struct lastlog)).  Failures are
 * logged and otherwise ignored, as in sshd: a missing wtmp must not stop
 * a login.
 */
#ifndef PC_LOGINREC_H
#define PC_LOGINREC_H

#include <sys/types.h>

#include <stddef.h>

#define LOGINREC_LASTLOG	"/var/log/lastlog"

struct loginrec {
	pid_t pid;
	const char *user;
	uid_t uid;
	const char *tty;	/* "/dev/pts/N" */
	const char *host;	/* numeric address */
};

void	loginrec_login(const struct loginrec *li);
void	loginrec_logout(const struct loginrec *li);
/* "Last login: Tue Mar  5 10:11:12 2024 from 10.0.0.1" from lastlog
 * (path; NULL: LOGINREC_LASTLOG) into buf; "" if there is no entry. */
void	loginrec_lastlog_message(const char *path, uid_t uid, char *buf,
	    size_t len);
/* Write the login time, line and host at the user's slot. */
void	loginrec_lastlog_write(const char *path, const struct loginrec *li);

#endif /* PC_LOGINREC_H */
