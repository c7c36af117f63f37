/* Two threads taking jobs from one counter; see par.h. */
#include "par.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct queue {
    int n;
    void (*fn)(void *arg, int i);
    void *arg;
    atomic_int next;
} queue;

static void *drain(void *p)
{
    queue *q = p;
    for (int i; (i = atomic_fetch_add(&q->next, 1)) < q->n;) q->fn(q->arg, i);
    return NULL;
}

void par_each(int n, void (*fn)(void *arg, int i), void *arg)
{
    queue q = {n, fn, arg, 0};
    pthread_t tid;
    int threaded = n > 1 && pthread_create(&tid, NULL, drain, &q) == 0;
    drain(&q);
    if (threaded) pthread_join(tid, NULL);
}
