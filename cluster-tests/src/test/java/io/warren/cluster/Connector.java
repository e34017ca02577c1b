package io.warren.cluster;

import com.rabbitmq.client.ConnectionFactory;
import io.warren.node.durability.ClientConnection;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * How the workload's clients find a node: the first of the cluster's serving nodes that accepts a
 * connection, starting from a preferred one so that clients spread over the nodes. This is the
 * clients' own reconnect logic; the client library's automatic recovery stays off.
 */
final class Connector {
  /** Short, so a client fails over from a node that does not answer rather than wait a minute. */
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  /**
   * Seconds between heartbeats: a client notices a frozen (SIGSTOPped) node after about two of
   * them and moves to another node.
   */
  private static final int HEARTBEAT_SECONDS = 5;

  private Connector() {}

  /** A client connection and the node it is connected to. */
  record Connected(String node, ClientConnection connection) implements AutoCloseable {
    @Override
    public void close() {
      connection.close();
    }
  }

  /**
   * Connects to a serving node, trying them in id order starting at position {@code preference}
   * (modulo their number).
   *
   * @throws IOException if no node serves or none accepts the connection
   */
  static Connected connect(NodeCluster cluster, int preference, String name) throws IOException {
    List<NodeCluster.Member> members = cluster.serving();
    IOException failure = new IOException("no node serves clients");
    for (int i = 0; i < members.size(); i++) {
      NodeCluster.Member member = members.get(Math.floorMod(preference + i, members.size()));
      try {
        ConnectionFactory factory = member.connectionFactory().get();
        factory.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
        factory.setHandshakeTimeout(CONNECT_TIMEOUT_MILLIS);
        factory.setRequestedHeartbeat(HEARTBEAT_SECONDS);
        return new Connected(member.id(), new ClientConnection(factory.newConnection(name + "@" + member.id())));
      } catch (IOException | TimeoutException | RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
    throw failure;
  }
}
