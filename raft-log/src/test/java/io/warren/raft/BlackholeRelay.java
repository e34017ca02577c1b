package io.warren.raft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback that can drop a path without closing it, as a network partition does:
 * a blackholed connection stays open but carries nothing either way, so its senders' buffers fill
 * and nothing tells them it is dead. {@link #heal} lets new connections through; those already
 * blackholed stay dead, like connections whose packets were lost until TCP would give up.
 */
final class BlackholeRelay implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private volatile boolean partitioned;

  BlackholeRelay(String host, int port, InetSocketAddress target) {
    this.target = target;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
    }
    Thread accept = new Thread(this::accept, "relay-accept-" + port);
    accept.setDaemon(true);
    accept.start();
  }

  /** Every connection, open now or opened later, carries nothing until {@link #heal}. */
  void partition() {
    partitioned = true;
    links.forEach(l -> l.dead = true);
  }

  /** New connections carry data again; those blackholed stay so. */
  void heal() {
    partitioned = false;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        Link link = new Link(in, new Socket(target.getAddress(), target.getPort()));
        link.dead = partitioned;
        links.add(link);
        link.start();
      } catch (IOException e) {
        // closed, or the target refused: the client sees its connection drop
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    links.forEach(Link::close);
  }

  private static final class Link {
    final Socket a;
    final Socket b;
    volatile boolean dead;

    Link(Socket a, Socket b) {
      this.a = a;
      this.b = b;
    }

    void start() {
      pump(a, b);
      pump(b, a);
    }

    private void pump(Socket from, Socket to) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[16 << 10];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          while (true) {
            if (dead) {
              // Stop reading: the kernel buffers fill and the sender's writes stall, as when the
              // path drops packets. Nothing is closed.
              synchronized (this) {
                while (!from.isClosed()) {
                  wait();
                }
              }
              return;
            }
            int n = in.read(buf);
            if (n < 0) {
              return;
            }
            if (!dead) {
              out.write(buf, 0, n);
            }
          }
        } catch (IOException | InterruptedException e) {
          close();
        }
      }, "relay-pump");
      t.setDaemon(true);
      t.start();
    }

    void close() {
      try {
        a.close();
        b.close();
      } catch (IOException e) {
        // already closed
      }
      synchronized (this) {
        notifyAll();
      }
    }
  }
}
