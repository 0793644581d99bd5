// The HTTP floor for bench/agent/run.sh: the least a server on this machine can do per
// request. One epoll loop per thread (SO_REUSEPORT listeners, level-triggered), and
// every read that returns bytes is answered with one write of a fixed HTTP/1.1 response
// whose body has the size of the agent's JSON record. It parses nothing, so it is only
// correct for clients that send one request at a time per connection (wrk does);
// anything measured against it is the cost of reading, routing and answering properly.
//
//   floor_server PORT THREADS [BODY_BYTES]     listens on 127.0.0.1:PORT
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static char response[70000];
static size_t response_length;
static int port;

static int listen_socket(void) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
    perror("floor_server: socket");
    exit(1);
  }
  struct sockaddr_in address = {.sin_family = AF_INET,
                                .sin_port = htons((unsigned short)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(fd, (struct sockaddr*)&address, sizeof address) != 0 || listen(fd, 4096) != 0) {
    perror("floor_server: bind/listen");
    exit(1);
  }
  return fd;
}

static void* serve(void* unused) {
  (void)unused;
  const int listener = listen_socket();
  const int poll = epoll_create1(0);
  struct epoll_event event = {.events = EPOLLIN, .data.fd = listener};
  if (poll < 0 || epoll_ctl(poll, EPOLL_CTL_ADD, listener, &event) != 0) {
    perror("floor_server: epoll");
    exit(1);
  }
  struct epoll_event events[256];
  char buffer[8192];
  const int one = 1;
  for (;;) {
    const int ready = epoll_wait(poll, events, 256, -1);
    if (ready < 0 && errno != EINTR) {
      perror("floor_server: epoll_wait");
      exit(1);
    }
    for (int i = 0; i < ready; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listener) {
        int client;
        while ((client = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct epoll_event added = {.events = EPOLLIN, .data.fd = client};
          epoll_ctl(poll, EPOLL_CTL_ADD, client, &added);
        }
        continue;
      }
      const ssize_t got = read(fd, buffer, sizeof buffer);
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
        continue;
      }
      if (got <= 0 || write(fd, response, response_length) != (ssize_t)response_length) {
        close(fd);  // closing also removes it from the epoll set
      }
    }
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: floor_server PORT THREADS [BODY_BYTES]\n");
    return 2;
  }
  port = atoi(argv[1]);
  const int threads = atoi(argv[2]);
  const int body = argc == 4 ? atoi(argv[3]) : 276;
  if (port <= 0 || port > 65535 || threads < 1 || threads > 64 || body < 0 || body > 65536) {
    fprintf(stderr, "floor_server: PORT 1-65535, THREADS 1-64, BODY_BYTES 0-65536\n");
    return 2;
  }
  const int head = snprintf(response, sizeof response,
                            "HTTP/1.1 200 OK\r\nServer: floor\r\nContent-Type: application/json\r\n"
                            "Content-Length: %d\r\n\r\n",
                            body);
  memset(response + head, 'x', (size_t)body);
  response_length = (size_t)head + (size_t)body;
  pthread_t pool[64];
  for (int i = 0; i < threads; ++i) {
    if (pthread_create(&pool[i], NULL, serve, NULL) != 0) {
      perror("floor_server: pthread_create");
      return 1;
    }
  }
  pthread_join(pool[0], NULL);
  return 0;
}
