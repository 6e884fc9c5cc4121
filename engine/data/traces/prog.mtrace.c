/* mtrace and valgrind fixture for Fragscope: malloc, calloc, realloc (grow, shrink, NULL, to 0),
 * memalign, posix_memalign, aligned_alloc, free(NULL), a failing huge malloc, and a list of words. */
#include <malloc.h>
#include <mcheck.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct node { struct node *next; char *word; };
int main(void) {
  mtrace();
  char *a = malloc(16), *b = calloc(4, 25), *c = malloc(1000);
  free(b);
  a = realloc(a, 64);            /* grow */
  c = realloc(c, 300);           /* shrink */
  char *d = realloc(NULL, 200);  /* realloc of NULL: a malloc */
  void *e = memalign(64, 100);
  void *f; if (posix_memalign(&f, 256, 40) != 0) return 1;
  void *g = aligned_alloc(32, 96);
  d = realloc(d, 0);             /* realloc to 0: a free */
  free(NULL);
  void *huge = malloc((size_t)1 << 62);  /* fails: the program gets NULL */
  if (huge != NULL) return 2;
  struct node *head = NULL;
  char buf[32];
  for (int i = 0; i < 12; i++) {
    snprintf(buf, sizeof buf, "word-%d", i * 37);
    struct node *n = malloc(sizeof *n);
    n->word = strdup(buf);
    n->next = head;
    head = n;
  }
  for (struct node **p = &head; *p; ) {
    if (strlen((*p)->word) % 3 == 0) { struct node *x = *p; *p = x->next; free(x->word); free(x); }
    else p = &(*p)->next;
  }
  size_t cap = 8; char *h = malloc(cap);
  for (int i = 0; i < 5; i++) { cap *= 2; h = realloc(h, cap); }
  free(h);
  while (head) { struct node *x = head; head = x->next; free(x->word); free(x); }
  free(a); free(c); free(e); free(f); free(g);
  char *keep = malloc(48); (void)keep;  /* still allocated at the end: the mtrace script reports it */
  muntrace();
  return 0;
}
