package io.tailguard.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 for playing network failures: {@link #cut()} drops every connection and
 * refuses new ones (a stopped server), {@link #hang()} keeps connections open but swallows every
 * byte (a server that stopped answering), {@link #restore()} lets traffic through again.
 *
 * <p>This class is thread-safe. It runs two daemon threads per connection and one to accept.
 */
public final class TcpProxy implements AutoCloseable {

  /** What the proxy does with traffic. */
  private enum Mode {
    UP,
    CUT,
    HANG
  }

  private final ServerSocket server;
  private final String upstreamHost;
  private final int upstreamPort;
  // Every socket open now, both sides; closed by cut(), restore() and close().
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  // Read by the pump threads before each forward; written by the test thread.
  private volatile Mode mode = Mode.UP;

  private TcpProxy(String upstreamHost, int upstreamPort) throws IOException {
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  static TcpProxy start(String host, int port) {
    try {
      return new TcpProxy(host, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the URI clients use to reach the upstream Redis through this proxy.
   *
   * @return {@code redis://127.0.0.1:port}
   */
  public String uri() {
    return "redis://127.0.0.1:" + server.getLocalPort();
  }

  /** Drops every connection and refuses (closes at once) new ones. */
  public void cut() {
    mode = Mode.CUT;
    closeAll();
  }

  /** Keeps connections open but forwards nothing: requests go unanswered. */
  public void hang() {
    mode = Mode.HANG;
  }

  /**
   * Forwards traffic again; connections open during a hang are dropped (their streams lost bytes).
   */
  public void restore() {
    Mode was = mode;
    mode = Mode.UP;
    if (was == Mode.HANG) {
      closeAll();
    }
  }

  private void closeAll() {
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    sockets.clear();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (mode == Mode.CUT) {
        closeQuietly(client);
        continue;
      }
      sockets.add(client);
      if (mode == Mode.HANG) {
        pump(client, null, client);
        continue;
      }
      try {
        Socket upstream = new Socket(upstreamHost, upstreamPort);
        sockets.add(upstream);
        pump(client, upstream, client);
        pump(upstream, client, client);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  /** Copies from {@code in} to {@code out} (or nowhere when null) until either side closes. */
  private void pump(Socket in, Socket out, Socket client) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try (InputStream is = in.getInputStream()) {
                OutputStream os = out == null ? null : out.getOutputStream();
                for (int n; (n = is.read(buf)) >= 0; ) {
                  if (os != null && mode == Mode.UP) {
                    os.write(buf, 0, n);
                    os.flush();
                  }
                }
              } catch (IOException e) {
                // the connection is gone
              } finally {
                closeQuietly(in);
                if (out != null) {
                  closeQuietly(out);
                }
              }
            },
            "tcp-proxy-pump-" + client.getPort());
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // nothing to do
    }
    closeAll();
  }
}
