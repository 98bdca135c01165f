/*
 * The C floor of `deno task bench --reference`: the best case of a
 * user-space TCP proxy that copies with read/write (no splice), to show what
 * any such proxy reaches on the machine, whatever its language or runtime.
 *
 * One thread, one epoll set, edge-triggered: each socket is added once with
 * EPOLLIN | EPOLLOUT | EPOLLRDHUP and never modified, and the loop remembers
 * which socket is readable and writable. A direction reads into a buffer and
 * writes it out before it reads again; a read shorter than the buffer or a
 * write shorter than the data means the socket is drained or full, so no
 * extra read or write is made to meet EAGAIN (but a read stops short before a
 * FIN, so once an edge said the FIN came the direction reads on to the 0). Buffers come from a free list
 * and go back once their data is written, so an idle connection holds none
 * (as in HAProxy) and nothing is allocated per chunk. TCP_NODELAY on both
 * sockets; an end of input is passed on with shutdown(SHUT_WR); both sockets
 * close once both directions ended, or at once when either fails.
 *
 * Usage: copy_proxy [--buffer BYTES] LISTEN=BACKEND...
 *   each address numeric host:port, IPv6 in brackets (`127.0.0.1:0=127.0.0.1:6379`);
 *   prints `listening on HOST:PORT` per route, in order, like the sidecar.
 * Build: cc -O2 -o copy_proxy copy_proxy.c (bench/install.sh does, into bench/out/).
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * 1 MiB: a single stream's rate rises steeply with the size of each read and
 * write up to here (64 KiB: 1.2x HAProxy, 256 KiB: 1.4x, 1 MiB: 1.6-1.9x);
 * 4 MiB adds 10-20 %, 8 and 16 MiB nothing (bench/README.md, "The C floor").
 */
#define DEFAULT_BUFFER (1024 * 1024)
#define MAX_EVENTS 256

enum kind { LISTENER, ENDPOINT };

struct route {
    enum kind kind; /* first, so an epoll pointer can be told apart */
    int fd;
    struct sockaddr_storage backend;
    socklen_t backend_len;
};

struct pair;

/* One socket of a pair and what the last edges said about it. */
struct endpoint {
    enum kind kind;
    int fd;
    bool readable, writable;
    bool ended;      /* an edge said the peer's FIN (or an error) has arrived */
    bool connecting; /* the dialled socket, until its connect completes */
    struct pair *pair;
};

/* One direction: data read from one endpoint, not yet written to the other. */
struct flow {
    char *buf; /* NULL while empty */
    size_t off, len;
    bool eof;  /* the source ended */
    bool shut; /* and that end was passed on */
};

struct pair {
    struct endpoint client, server;
    struct flow up;   /* client to server */
    struct flow down; /* server to client */
    bool closed;
    struct pair *next_closed;
};

static size_t buffer_size = DEFAULT_BUFFER;
static char **free_buffers; /* a stack of buffers not in use */
static size_t free_count, free_capacity;
static struct pair *closed_pairs; /* freed once the event batch is done with them */
static int epoll_fd;

static void fail(const char *what) {
    fprintf(stderr, "copy_proxy: %s: %s\n", what, strerror(errno));
    exit(1);
}

static char *take_buffer(void) {
    if (free_count > 0) return free_buffers[--free_count];
    char *buf = malloc(buffer_size);
    if (buf == NULL) fail("malloc");
    return buf;
}

static void give_back(struct flow *flow) {
    if (flow->buf == NULL) return;
    if (free_count == free_capacity) {
        free_capacity = free_capacity == 0 ? 64 : free_capacity * 2;
        free_buffers = realloc(free_buffers, free_capacity * sizeof *free_buffers);
        if (free_buffers == NULL) fail("realloc");
    }
    free_buffers[free_count++] = flow->buf;
    flow->buf = NULL;
}

static void close_pair(struct pair *pair) {
    if (pair->closed) return;
    pair->closed = true;
    /* close() also takes the sockets out of the epoll set. */
    close(pair->client.fd);
    close(pair->server.fd);
    give_back(&pair->up);
    give_back(&pair->down);
    pair->next_closed = closed_pairs;
    closed_pairs = pair;
}

/*
 * Moves what it can from `src` to `dst` without blocking. Returns false on a
 * failed read or write.
 */
static bool pump(struct flow *flow, struct endpoint *src, struct endpoint *dst) {
    for (;;) {
        if (flow->len > 0) {
            if (!dst->writable) return true;
            ssize_t n = send(dst->fd, flow->buf + flow->off, flow->len, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN) {
                    dst->writable = false;
                    return true;
                }
                return false;
            }
            flow->off += (size_t)n;
            flow->len -= (size_t)n;
            if (flow->len > 0) {
                /* A short write: the send buffer is full until the next EPOLLOUT edge. */
                dst->writable = false;
                return true;
            }
            give_back(flow);
        }
        if (flow->eof) {
            if (!flow->shut) {
                if (dst->connecting) return true;
                if (shutdown(dst->fd, SHUT_WR) < 0) return false;
                flow->shut = true;
            }
            return true;
        }
        if (!src->readable) return true;
        if (flow->buf == NULL) flow->buf = take_buffer();
        ssize_t n = recv(src->fd, flow->buf, buffer_size, 0);
        if (n > 0) {
            flow->off = 0;
            flow->len = (size_t)n;
            /*
             * A short read drained the socket: new data brings a new edge. Not
             * after the FIN came: a read stops short before it, and it brings no
             * more edges, so read on until the read that returns 0.
             */
            if ((size_t)n < buffer_size && !src->ended) src->readable = false;
        } else if (n == 0) {
            flow->eof = true;
            give_back(flow);
        } else if (errno == EAGAIN) {
            src->readable = false;
            give_back(flow);
            return true;
        } else if (errno != EINTR) {
            return false;
        }
    }
}

static void add_to_epoll(struct endpoint *endpoint) {
    struct epoll_event event = {
        .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
        .data.ptr = endpoint,
    };
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, endpoint->fd, &event) < 0) fail("epoll_ctl");
}

static void set_nodelay(int fd) {
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

static void accept_all(struct route *route) {
    for (;;) {
        int client = accept4(route->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            /* Out of descriptors: said once; the listener stays ready and is tried again. */
            static bool told;
            if (errno != EAGAIN && !told) {
                perror("copy_proxy: accept4");
                told = true;
            }
            return;
        }
        int server = socket(route->backend.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (server < 0) {
            perror("copy_proxy: socket");
            close(client);
            continue;
        }
        set_nodelay(client);
        set_nodelay(server);
        if (connect(server, (struct sockaddr *)&route->backend, route->backend_len) < 0 &&
            errno != EINPROGRESS) {
            close(client);
            close(server);
            continue;
        }
        struct pair *pair = calloc(1, sizeof *pair);
        if (pair == NULL) fail("calloc");
        pair->client = (struct endpoint){.kind = ENDPOINT, .fd = client, .pair = pair};
        pair->server = (struct endpoint){
            .kind = ENDPOINT, .fd = server, .connecting = true, .pair = pair};
        /* Adding a socket that is already readable or writable queues its first edge. */
        add_to_epoll(&pair->client);
        add_to_epoll(&pair->server);
    }
}

static void on_event(struct endpoint *endpoint, uint32_t events) {
    struct pair *pair = endpoint->pair;
    if (pair->closed) return;
    if (endpoint->connecting) {
        int error = 0;
        socklen_t len = sizeof error;
        if (getsockopt(endpoint->fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0 || error != 0) {
            close_pair(pair);
            return;
        }
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
        endpoint->connecting = false;
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) endpoint->readable = true;
    if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) endpoint->ended = true;
    if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) endpoint->writable = true;
    if (!pump(&pair->up, &pair->client, &pair->server) ||
        !pump(&pair->down, &pair->server, &pair->client) ||
        (pair->up.shut && pair->down.shut)) {
        close_pair(pair);
    }
}

/* `host:port` or `[v6]:port`, numeric. */
static bool parse_address(const char *text, struct sockaddr_storage *out, socklen_t *len) {
    char host[INET6_ADDRSTRLEN + 2];
    const char *colon = strrchr(text, ':');
    if (colon == NULL || (size_t)(colon - text) >= sizeof host) return false;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || port < 0 || port > 65535) return false;
    memset(out, 0, sizeof *out);
    size_t host_len = strlen(host);
    if (host_len >= 2 && host[0] == '[' && host[host_len - 1] == ']') {
        host[host_len - 1] = '\0';
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
        return inet_pton(AF_INET6, host + 1, &v6->sin6_addr) == 1;
    }
    struct sockaddr_in *v4 = (struct sockaddr_in *)out;
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    *len = sizeof *v4;
    return inet_pton(AF_INET, host, &v4->sin_addr) == 1;
}

static void print_listening(int fd) {
    struct sockaddr_storage address;
    socklen_t len = sizeof address;
    if (getsockname(fd, (struct sockaddr *)&address, &len) < 0) fail("getsockname");
    char host[INET6_ADDRSTRLEN];
    if (address.ss_family == AF_INET6) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
        inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
        printf("listening on [%s]:%u\n", host, ntohs(v6->sin6_port));
    } else {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
        inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
        printf("listening on %s:%u\n", host, ntohs(v4->sin_port));
    }
}

static int usage(const char *why, const char *what) {
    fprintf(stderr,
            "copy_proxy: %s%s%s\nusage: copy_proxy [--buffer BYTES] LISTEN=BACKEND...\n"
            "  each address a numeric host:port, IPv6 in brackets, e.g. "
            "127.0.0.1:0=127.0.0.1:6379\n"
            "  --buffer: bytes of each read and write (default %d)\n",
            why, what == NULL ? "" : ": ", what == NULL ? "" : what, DEFAULT_BUFFER);
    return 2;
}

int main(int argc, char **argv) {
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--buffer") == 0) {
        char *end;
        long size = strtol(argv[2], &end, 10);
        if (*end != '\0' || size < 1024 || size > 64 * 1024 * 1024) {
            return usage("--buffer must be 1024..67108864 bytes, got", argv[2]);
        }
        buffer_size = (size_t)size;
        first = 3;
    }
    if (first >= argc) return usage("no route given", NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Two descriptors per connection: take the whole allowance, as HAProxy does. */
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) fail("epoll_create1");
    for (int i = first; i < argc; i++) {
        char listen_text[128];
        const char *equals = strchr(argv[i], '=');
        if (equals == NULL || (size_t)(equals - argv[i]) >= sizeof listen_text) {
            return usage("expected LISTEN=BACKEND, got", argv[i]);
        }
        memcpy(listen_text, argv[i], (size_t)(equals - argv[i]));
        listen_text[equals - argv[i]] = '\0';
        struct sockaddr_storage listen_address;
        socklen_t listen_len;
        struct route *route = calloc(1, sizeof *route);
        if (route == NULL) fail("calloc");
        if (!parse_address(listen_text, &listen_address, &listen_len) ||
            !parse_address(equals + 1, &route->backend, &route->backend_len)) {
            return usage("expected numeric host:port addresses, got", argv[i]);
        }
        route->kind = LISTENER;
        route->fd = socket(listen_address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (route->fd < 0) fail("socket");
        int on = 1;
        setsockopt(route->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (bind(route->fd, (struct sockaddr *)&listen_address, listen_len) < 0) fail(argv[i]);
        if (listen(route->fd, SOMAXCONN) < 0) fail("listen");
        /* Level-triggered: accept_all takes every pending connection anyway. */
        struct epoll_event event = {.events = EPOLLIN, .data.ptr = route};
        if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, route->fd, &event) < 0) fail("epoll_ctl");
        print_listening(route->fd);
    }
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int count = epoll_wait(epoll_fd, events, MAX_EVENTS, -1);
        if (count < 0) {
            if (errno == EINTR) continue;
            fail("epoll_wait");
        }
        for (int i = 0; i < count; i++) {
            enum kind *kind = events[i].data.ptr;
            if (*kind == LISTENER) {
                accept_all((struct route *)kind);
            } else {
                on_event((struct endpoint *)kind, events[i].events);
            }
        }
        while (closed_pairs != NULL) {
            struct pair *next = closed_pairs->next_closed;
            free(closed_pairs);
            closed_pairs = next;
        }
    }
}
