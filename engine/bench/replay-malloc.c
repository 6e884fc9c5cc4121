/*
 * The bench's native ceiling: replays a Fragscope op stream on glibc malloc/free.
 *
 *   replay-malloc STREAM RUNS [UPTO]
 *
 * STREAM is the binary file engine/bench/native.ts writes (little-endian int32):
 *   header  ops, ids
 *   ops x   kind (0 alloc, 1 free), id, bytes (requested bytes; a free carries its allocation's)
 * Runs the stream's first UPTO ops (default all) RUNS + 1 times: run 0 warms caches and the
 * heap up, the caller times runs 1..RUNS. Each run frees with the pointer the alloc with that id returned, so it
 * replays exactly the stream the models replay; a free of an id whose alloc failed is skipped.
 * Only the replay loop is timed (CLOCK_MONOTONIC); what a run leaves live is freed untimed.
 * Prints one line per run, run 0 first:  ops OPS failed FAILED errors ERRORS ns NS
 * errors counts frees of an id that is not live or whose bytes differ from its alloc's.
 * Exit 1 with a message on a bad file, 2 on bad usage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { ST_NONE = 0, ST_LIVE = 1, ST_FREED = 2, ST_FAILED = 3 };

static int32_t *read_stream(const char *path, int32_t *ops, int32_t *ids) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: cannot open\n", path);
    exit(1);
  }
  int32_t head[2];
  if (fread(head, sizeof head, 1, f) != 1 || head[0] < 0 || head[1] < 0) {
    fprintf(stderr, "%s: expected a header of two non-negative int32 (ops, ids)\n", path);
    exit(1);
  }
  int32_t *op = malloc((size_t)head[0] * 3 * sizeof(int32_t) + 1);
  if (!op || fread(op, 3 * sizeof(int32_t), (size_t)head[0], f) != (size_t)head[0]) {
    fprintf(stderr, "%s: expected %d ops of three int32 after the header\n", path, head[0]);
    exit(1);
  }
  fclose(f);
  for (int32_t i = 0; i < head[0]; i++) {
    int32_t k = op[3 * i], id = op[3 * i + 1];
    if ((k != 0 && k != 1) || id < 0 || id >= head[1]) {
      fprintf(stderr, "%s: op %d: expected kind 0 or 1 and an id in 0..%d\n", path, i, head[1] - 1);
      exit(1);
    }
  }
  *ops = head[0];
  *ids = head[1];
  return op;
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4 || atoi(argv[2]) < 1) {
    fprintf(stderr, "usage: replay-malloc STREAM RUNS [UPTO]  (RUNS >= 1)\n");
    return 2;
  }
  int32_t n, ids;
  int32_t *op = read_stream(argv[1], &n, &ids);
  int runs = atoi(argv[2]);
  if (argc == 4 && atoi(argv[3]) >= 0 && atoi(argv[3]) < n) n = atoi(argv[3]);
  void **ptr = calloc((size_t)ids + 1, sizeof(void *));
  int32_t *size = calloc((size_t)ids + 1, sizeof(int32_t));
  uint8_t *state = calloc((size_t)ids + 1, 1);
  if (!ptr || !size || !state) {
    fprintf(stderr, "out of memory for %d ids\n", ids);
    return 1;
  }
  for (int r = 0; r <= runs; r++) {
    memset(state, ST_NONE, (size_t)ids);
    long done = 0, failed = 0, errors = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int32_t i = 0; i < n; i++) {
      const int32_t *o = op + 3 * i;
      int32_t id = o[1];
      if (o[0] == 0) {
        void *p = malloc((size_t)o[2]);
        ptr[id] = p;
        size[id] = o[2];
        state[id] = p ? ST_LIVE : ST_FAILED;
        if (!p) failed++;
        done++;
      } else if (state[id] != ST_FAILED) {
        if (state[id] == ST_LIVE && size[id] == o[2]) {
          free(ptr[id]);
          state[id] = ST_FREED;
        } else
          errors++; /* glibc would crash or corrupt on a bad free: count it instead */
        done++;
      }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    for (int32_t id = 0; id < ids; id++)
      if (state[id] == ST_LIVE) free(ptr[id]);
    long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    printf("ops %ld failed %ld errors %ld ns %lld\n", done, failed, errors, ns);
  }
  free(ptr);
  free(size);
  free(state);
  free(op);
  return 0;
}
