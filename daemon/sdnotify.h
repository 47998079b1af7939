/*
 * systemd's notification protocol (sd_notify(3)), written directly: a
 * datagram to the AF_UNIX socket named by $NOTIFY_SOCKET (a leading '@'
 * means the abstract namespace).  Without NOTIFY_SOCKET nothing is sent.
 */
#ifndef PC_SDNOTIFY_H
#define PC_SDNOTIFY_H

/* Send msg ("READY=1", "RELOADING=1", "STOPPING=1", ...); 0 also when
 * there is no socket to send to. */
int	sdnotify_send(const char *msg);

#endif /* PC_SDNOTIFY_H */
