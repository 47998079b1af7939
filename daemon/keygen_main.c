/* portcullis-keygen: main.  The real daemon lands in the next commits. */
#include <stdio.h>

#include "config.h"

int
main(void)
{
	printf("portcullis-keygen %s\n", PC_VERSION);
	return 0;
}
