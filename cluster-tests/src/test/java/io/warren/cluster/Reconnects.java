package io.warren.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client's note of where it is connected and of how its sessions ended, and the pause before its
 * next attempt, which keeps a client from spinning while no node serves (during a full-cluster
 * restart). A failure like the one before is not printed again.
 */
final class Reconnects {
  private static final long PAUSE_MILLIS = 250;

  private final String client;
  private final List<SessionEnd> ends = new CopyOnWriteArrayList<>();
  private volatile String node;
  private String lastFailure;

  /**
   * A session that failed.
   *
   * @param node where it was connected, or null if it never connected
   * @param closedByBroker the broker closed the connection with connection.close (e.g.
   *     CONNECTION_FORCED), as opposed to the connection breaking or timing out
   */
  record SessionEnd(String client, int session, String node, boolean closedByBroker, String failure) {}

  Reconnects(String client) {
    this.client = client;
  }

  /** The client now has a session on {@code node}. */
  void connected(String node) {
    this.node = node;
    lastFailure = null;
  }

  /** The node the client has a session on, or null between sessions. */
  String node() {
    return node;
  }

  /** How the client's sessions failed so far. */
  List<SessionEnd> ends() {
    return List.copyOf(ends);
  }

  /** The session (or the attempt to open one) failed; pauses before the next attempt. */
  void failed(int session, Exception e) {
    ends.add(new SessionEnd(client, session, node, closedByBroker(e), e.toString()));
    node = null;
    String failure = e.toString();
    if (!Objects.equals(failure, lastFailure)) {
      System.out.printf("%s: session %d ended: %s%n", client, session, failure);
    }
    lastFailure = failure;
    try {
      Thread.sleep(PAUSE_MILLIS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean closedByBroker(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ShutdownSignalException s) {
        return !s.isInitiatedByApplication() && s.getReason() instanceof AMQP.Connection.Close;
      }
    }
    return false;
  }
}
