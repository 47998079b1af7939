/*
 * libFuzzer target: SSH_MSG_KEXINIT parsing (transport/kex.c) and, when it
 * parses, negotiation of it against the server's default proposal.
 */
#include <stddef.h>
#include <stdint.h>

#include "cipher.h"
#include "kex.h"
#include "kexalg.h"
#include "key.h"
#include "mac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *lists[KEX_PROP_MAX] = {
		kexalg_default_list(), key_sigalg_default_list(),
		cipher_default_list(), cipher_default_list(),
		mac_default_list(), mac_default_list(), "none", "none", "", "",
	};
	struct kexinit peer, ours;
	struct kex_choice choice;
	struct wbuf b;
	int what;

	if (kexinit_parse(data, len, &peer) != 0)
		return 0;
	wbuf_init(&b, 0);
	if (kexinit_build(&b, lists) == 0 &&
	    kexinit_parse(wbuf_ptr(&b), wbuf_len(&b), &ours) == 0) {
		(void)!kex_negotiate(&peer, &ours, 1, &choice, &what);
		(void)!kex_negotiate(&ours, &peer, 0, &choice, &what);
		kexinit_clear(&ours);
	}
	wbuf_clear(&b);
	kexinit_clear(&peer);
	return 0;
}
