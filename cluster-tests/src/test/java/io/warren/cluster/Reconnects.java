package io.warren.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client's note of where it is connected and of how its sessions ended, and when to try again:
 * at once after a session that was open, else once the serving nodes change (none would take the
 * client: a full-cluster restart, or only fenced nodes left). A failure like the one before is not
 * printed again.
 */
final class Reconnects {
  /** Bounds the wait for a change: a node may refuse clients for a moment and take them again. */
  private static final Duration PATIENCE = Duration.ofSeconds(2);

  private final String client;
  private final ServingNodes<?> servingNodes;
  /** Changes of the serving nodes this client has seen: it waits only for newer ones. */
  private long changesSeen;
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

  Reconnects(String client, NodeCluster cluster) {
    this.client = client;
    this.servingNodes = cluster.servingNodes();
    this.changesSeen = servingNodes.changes();
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

  /**
   * The session (or the attempt to open one) failed. After an attempt that no node took, returns
   * once the serving nodes have changed since the client last looked, or after {@link #PATIENCE}.
   */
  void failed(int session, Exception e) throws InterruptedException {
    boolean wasOpen = node != null;
    ends.add(new SessionEnd(client, session, node, closedByBroker(e), e.toString()));
    node = null;
    String failure = e.toString();
    if (!Objects.equals(failure, lastFailure)) {
      System.out.printf("%s: session %d ended: %s%n", client, session, failure);
    }
    lastFailure = failure;
    changesSeen = wasOpen ? servingNodes.changes() : servingNodes.awaitChangeAfter(changesSeen, PATIENCE);
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
