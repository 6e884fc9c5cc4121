/* mtrace fixture for Fragscope: a few malloc/calloc/realloc/posix_memalign/strdup/free calls. */
#include <mcheck.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct node { struct node *next; char *word; };
int main(void) {
  mtrace();
  char *a = malloc(16), *b = calloc(4, 25), *c = malloc(1000);
  free(b);
  a = realloc(a, 64);
  char *d = realloc(NULL, 200);
  void *e; if (posix_memalign(&e, 64, 100) != 0) return 1;
  free(c);
  d = realloc(d, 0);
  free(NULL);
  /* a list of words, every third one dropped, then a growing buffer */
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
  size_t cap = 8; char *g = malloc(cap);
  for (int i = 0; i < 5; i++) { cap *= 2; g = realloc(g, cap); }
  free(g);
  while (head) { struct node *x = head; head = x->next; free(x->word); free(x); }
  free(a); free(e);
  char *keep = malloc(48); (void)keep;
  muntrace();
  return 0;
}
