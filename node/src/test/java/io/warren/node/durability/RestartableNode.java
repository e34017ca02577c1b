package io.warren.node.durability;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.node.WarrenNode;
import io.warren.node.config.WarrenConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A single node in this JVM that a test stops and starts again on the same data directory and
 * Raft port (which the Raft group membership names), as an operator restarts a node.
 */
final class RestartableNode implements AutoCloseable {
  private final Path dataDir;
  private final int raftPort = NodeSpec.freeLoopbackPort();
  private final List<Connection> connections = new ArrayList<>();
  private WarrenNode node;

  RestartableNode(Path dataDir) {
    this.dataDir = dataDir;
  }

  RestartableNode start() throws InterruptedException {
    WarrenNode started = new WarrenNode(WarrenConfig.defaults()
        .with(WarrenConfig.AMQP_BIND, "127.0.0.1")
        .with(WarrenConfig.AMQP_PORT, 0)
        .with(WarrenConfig.METRICS_PORT, 0)
        .with(WarrenConfig.MANAGEMENT_PORT, 0)
        .with(WarrenConfig.RAFT_PORT, raftPort)
        .with(WarrenConfig.DATA_DIR, dataDir));
    try {
      started.start();
    } catch (RuntimeException | InterruptedException e) {
      started.close();
      throw e;
    }
    node = started;
    return this;
  }

  /** A clean stop; clients are cut off. */
  void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  /** The running node's management API. */
  java.net.InetSocketAddress managementAddress() {
    return node.managementAddress();
  }

  /** A connection that does not recover: a restart must look like what it is to the test. */
  Connection connect() throws Exception {
    return connect("guest", "guest", "/");
  }

  /** The same, as {@code user} to {@code vhost}. */
  Connection connect(String user, String password, String vhost) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(node.amqpAddress().getPort());
    factory.setUsername(user);
    factory.setPassword(password);
    factory.setVirtualHost(vhost);
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    Connection connection = factory.newConnection();
    connections.add(connection);
    return connection;
  }

  @Override
  public void close() {
    try {
      connections.forEach(c -> c.abort(1_000));
    } finally {
      stop();
    }
  }
}
