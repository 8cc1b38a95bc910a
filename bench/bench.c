/* Placeholder: the benchmark program. */
#include <partnerws.h>
#include <stdio.h>

int main(void)
{
	printf("bench: not written yet\n");
	return 0;
}
