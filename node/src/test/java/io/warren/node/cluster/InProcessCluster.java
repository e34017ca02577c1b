package io.warren.node.cluster;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.node.WarrenNode;
import io.warren.node.config.WarrenConfig;
import io.warren.node.durability.NodeSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Nodes of one cluster in this JVM, each with its own data directory and ports. */
public final class InProcessCluster implements AutoCloseable {
  private final Path dir;
  private final Map<String, String> peers = new LinkedHashMap<>();
  private final Map<String, WarrenNode> nodes = new LinkedHashMap<>();
  private final List<Connection> connections = new ArrayList<>();

  public InProcessCluster(Path dir, List<String> ids) {
    this.dir = dir;
    ids.forEach(id -> peers.put(id, "127.0.0.1:" + NodeSpec.freeLoopbackPort()));
  }

  /** Starts every node; each start waits for a majority, so they run side by side. */
  public InProcessCluster start() throws Exception {
    List<CompletableFuture<Void>> starts = new ArrayList<>();
    for (String id : peers.keySet()) {
      starts.add(startNode(id, config(id)));
    }
    CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
    return this;
  }

  /**
   * Starts a new node {@code id} that joins the running cluster ({@code cluster.join}); its start
   * completes once it is a member of every group, after an operator admitted it.
   */
  public CompletableFuture<Void> join(String id) {
    peers.put(id, "127.0.0.1:" + NodeSpec.freeLoopbackPort());
    return startNode(id, config(id).with(WarrenConfig.CLUSTER_JOIN, true));
  }

  /** Stops node {@code id} (a clean stop); {@link #restart} starts it again on its data. */
  public void stop(String id) {
    nodes.get(id).close();
  }

  /** Starts node {@code id} again, with the configuration it had. */
  public void restart(String id, boolean joined) throws Exception {
    WarrenConfig c = config(id);
    startNode(id, joined ? c.with(WarrenConfig.CLUSTER_JOIN, true) : c).get(300, TimeUnit.SECONDS);
  }

  private WarrenConfig config(String id) {
    return WarrenConfig.defaults()
        .with(WarrenConfig.NODE_ID, id)
        .with(WarrenConfig.AMQP_BIND, "127.0.0.1")
        .with(WarrenConfig.AMQP_PORT, 0)
        .with(WarrenConfig.METRICS_PORT, 0)
        .with(WarrenConfig.MANAGEMENT_PORT, 0)
        .with(WarrenConfig.CLUSTER_PEERS, Map.copyOf(peers))
        .with(WarrenConfig.DATA_DIR, dir.resolve(id));
  }

  private CompletableFuture<Void> startNode(String id, WarrenConfig config) {
    WarrenNode node = new WarrenNode(config);
    nodes.put(id, node);
    return CompletableFuture.runAsync(() -> {
      try {
        node.start();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
  }

  /** The node with this id (started). */
  public WarrenNode node(String id) {
    return nodes.get(id);
  }

  /** A client connection to node {@code id}, closed with the cluster. */
  public Connection connect(String id) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(nodes.get(id).amqpAddress().getPort());
    factory.setAutomaticRecoveryEnabled(false);
    Connection c = factory.newConnection();
    connections.add(c);
    return c;
  }

  @Override
  public void close() {
    connections.forEach(c -> c.abort(1_000));
    nodes.values().forEach(WarrenNode::close);
  }
}
