/* portcullisd: main.  The real daemon lands in the next commits. */
#include <stdio.h>

#include "config.h"

int
main(void)
{
	printf("portcullisd %s\n", PC_VERSION);
	return 0;
}
