#include <stdlib.h>
int main(void) {
  char *q = malloc(32);
  free(q);
  char *r = realloc(q, 64);   /* realloc of a freed block: memcheck reports inside the call */
  char *s = malloc(16);
  free(s);
  free(r);
  return 0;
}
