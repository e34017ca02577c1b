package io.warren.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.WarrenNode;
import io.warren.node.config.WarrenConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in one JVM, each with its own data directory and ports, configured with the same
 * peer list: they form a cluster, and a client may publish on one node and consume on another,
 * also while one node is down and after it comes back.
 */
class ThreeNodeClusterTest {
  private static final List<String> IDS = List.of("n1", "n2", "n3");
  private static final java.time.Duration PATIENCE = java.time.Duration.ofMinutes(2);

  @TempDir Path tmp;

  private final Map<String, Integer> raftPorts = new LinkedHashMap<>();
  private final Map<String, WarrenNode> nodes = new LinkedHashMap<>();

  /** Raft ports chosen once per test, so that a node restarted later rejoins on the same one. */
  @BeforeEach
  void choosePorts() throws IOException {
    for (String id : IDS) {
      raftPorts.put(id, freePort());
    }
  }

  @AfterEach
  void stopAll() {
    nodes.values().forEach(WarrenNode::close);
  }

  @Test
  void publishOnOneNodeConsumeOnAnotherAlsoWithANodeDown() throws Exception {
    startAll(IDS);

    try (Connection on1 = connect("n1"); Connection on2 = connect("n2")) {
      Channel publisher = on1.createChannel();
      publisher.queueDeclare("orders", true, false, false, null);
      publishConfirmed(publisher, "orders", 0, 100);

      Channel consumer = on2.createChannel();
      assertThat(consumer.queueDeclarePassive("orders").getMessageCount()).isEqualTo(100);
      assertThat(drain(consumer, "orders")).isEqualTo(range(0, 100));
    }

    // One node down: the other two are a majority and carry on.
    nodes.remove("n3").close();
    try (Connection on1 = connect("n1"); Connection on2 = connect("n2")) {
      publishConfirmed(on2.createChannel(), "orders", 100, 150);
      assertThat(drain(on1.createChannel(), "orders")).isEqualTo(range(100, 150));
      publishConfirmed(on1.createChannel(), "orders", 150, 170);
    }

    // It comes back with its data, catches up, and serves the queue too.
    startAll(List.of("n3"));
    try (Connection on3 = connect("n3")) {
      Channel ch = on3.createChannel();
      assertThat(drain(ch, "orders")).isEqualTo(range(150, 170));
      publishConfirmed(ch, "orders", 170, 180);
    }
    try (Connection on1 = connect("n1")) {
      assertThat(drain(on1.createChannel(), "orders")).isEqualTo(range(170, 180));
    }

    // Leadership comes back to the returned node (Ratis hands it to the preferred leader once it
    // has caught up): every node leads as many partitions as the others again.
    Awaitility.await("partitions led by each node").atMost(PATIENCE)
        .untilAsserted(() -> assertThat(partitionsLedBy()).isEqualTo(Map.of("n1", 1L, "n2", 1L, "n3", 1L)));
  }

  private Map<String, Long> partitionsLedBy() {
    return nodes.get("n1").leaders().entrySet().stream()
        .filter(e -> e.getKey().startsWith("partition-") && e.getValue().isPresent())
        .collect(java.util.stream.Collectors.groupingBy(e -> e.getValue().get(),
            java.util.stream.Collectors.counting()));
  }

  @Test
  void durableTopologyDeclaredOnOneNodeIsKnownToAll() throws Exception {
    startAll(IDS);
    try (Connection on1 = connect("n1"); Connection on3 = connect("n3")) {
      Channel ch = on1.createChannel();
      ch.exchangeDeclare("events", "topic", true);
      ch.queueDeclare("audit", true, false, false, null);
      ch.queueBind("audit", "events", "order.*");

      // Routed on node 3 through the exchange and binding declared on node 1.
      Channel other = on3.createChannel();
      other.confirmSelect();
      other.basicPublish("events", "order.created", MessageProperties.PERSISTENT_TEXT_PLAIN, body(1));
      other.basicPublish("events", "invoice.created", MessageProperties.PERSISTENT_TEXT_PLAIN, body(2));
      other.waitForConfirmsOrDie(30_000);
      assertThat(drain(other, "audit")).containsExactly(1);
    }
  }

  /**
   * A node that restarts rebuilds its replica of a partition from a snapshot and the log, clients
   * of the other nodes included: a consumer on it then gets only what nobody else holds. Small
   * snapshot intervals, so that the restart goes through a snapshot taken while messages were held.
   */
  @Test
  void aRestartedNodeKnowsWhatOtherNodesConsumersHold() throws Exception {
    snapshotEvery = 10;
    startAll(IDS);
    try (Connection on1 = connect("n1")) {
      Channel publisher = on1.createChannel();
      publisher.queueDeclare("jobs", true, false, false, null);
      publishConfirmed(publisher, "jobs", 0, 40);
      Channel holder = on1.createChannel();
      holder.basicQos(5);
      java.util.concurrent.LinkedBlockingQueue<com.rabbitmq.client.Delivery> held =
          new java.util.concurrent.LinkedBlockingQueue<>();
      holder.basicConsume("jobs", false, (tag, d) -> held.add(d), tag -> { });
      List<Long> tags = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        com.rabbitmq.client.Delivery d = held.poll(60, TimeUnit.SECONDS);
        assertThat(d).isNotNull();
        tags.add(d.getEnvelope().getDeliveryTag());
      }
      // Transient messages too (a cluster keeps them, like a quorum queue), then enough traffic
      // for snapshots while the five are held.
      publishConfirmed(publisher, "jobs", 40, 60, MessageProperties.TEXT_PLAIN);
      publishConfirmed(publisher, "jobs", 60, 80);

      nodes.remove("n3").close();
      startAll(List.of("n3"));

      try (Connection on3 = connect("n3")) {
        List<Integer> rest = drain(on3.createChannel(), "jobs");
        assertThat(rest).as("what n3 hands out: everything but the five n1's consumer holds")
            .isEqualTo(range(5, 80));
      }
      for (long tag : tags) {
        holder.basicAck(tag, false);
      }
      holder.close();
      try (Connection on3 = connect("n3")) {
        assertThat(on3.createChannel().queueDeclarePassive("jobs").getMessageCount()).isZero();
      }
    }
  }

  /**
   * Transient and exclusive queues live on the node their client declared them through, yet
   * every node routes to them: an RPC server on another node answers into a client's exclusive
   * reply queue, and a fanout exchange reaches subscribers' exclusive queues from any node.
   */
  @Test
  void transientQueuesLiveOnTheirNodeAndTakePublishesFromAnyNode() throws Exception {
    startAll(IDS);
    Connection client = connect("n1");
    try (Connection server = connect("n2"); Connection other = connect("n3")) {
      // RPC: the request queue is durable, the reply queue exclusive on the client's node.
      Channel serving = server.createChannel();
      serving.queueDeclare("rpc", true, false, false, null);
      serving.basicConsume("rpc", true, (tag, d) -> serving.basicPublish("", d.getProperties().getReplyTo(), null,
          ("re:" + new String(d.getBody(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)), tag -> { });
      Channel calling = client.createChannel();
      String replyQueue = calling.queueDeclare().getQueue();
      java.util.concurrent.BlockingQueue<String> replies = new java.util.concurrent.LinkedBlockingQueue<>();
      calling.basicConsume(replyQueue, true, (tag, d) -> replies.add(new String(d.getBody(), StandardCharsets.UTF_8)),
          tag -> { });
      AMQP.BasicProperties request = new AMQP.BasicProperties.Builder().replyTo(replyQueue).build();
      for (int i = 0; i < 3; i++) {
        calling.basicPublish("", "rpc", request, body(i));
        assertThat(replies.poll(60, TimeUnit.SECONDS)).isEqualTo("re:" + i);
      }

      // A non-durable fanout exchange with a subscriber's exclusive queue on node 1, fed from node 3.
      Channel subscribing = client.createChannel();
      subscribing.exchangeDeclare("news", "fanout");
      String mine = subscribing.queueDeclare().getQueue();
      subscribing.queueBind(mine, "news", "");
      Channel publishing = other.createChannel();
      publishing.confirmSelect();
      java.util.concurrent.atomic.AtomicInteger returned = new java.util.concurrent.atomic.AtomicInteger();
      publishing.addReturnListener(r -> returned.incrementAndGet());
      publishing.basicPublish("news", "", true, null, body(7));
      publishing.waitForConfirmsOrDie(60_000);
      assertThat(returned).hasValue(0);
      // The relay is confirmed once committed; node 1 applies it right after.
      GetResponse got = Awaitility.await("the relayed message").atMost(PATIENCE)
          .until(() -> subscribing.basicGet(mine, true), java.util.Objects::nonNull);
      assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("7");

      // A non-exclusive queue is replicated in a cluster, durable or not, auto-delete or not, so
      // it can be consumed through any node. An auto-delete one goes, on every node, once its
      // last consumer cancels, whichever node that consumer was on.
      Channel declaring = client.createChannel();
      declaring.queueDeclare("hello", false, false, false, null);
      declaring.basicPublish("", "hello", null, body(9));
      declaring.queueDeclare("scratch", false, false, true, null);
      declaring.basicPublish("", "scratch", null, body(10));
      Channel elsewhere = other.createChannel();
      GetResponse hello = Awaitility.await("hello through another node").atMost(PATIENCE)
          .until(() -> elsewhere.basicGet("hello", true), java.util.Objects::nonNull);
      assertThat(new String(hello.getBody(), StandardCharsets.UTF_8)).isEqualTo("9");
      java.util.concurrent.BlockingQueue<String> scratched = new java.util.concurrent.LinkedBlockingQueue<>();
      String tag = elsewhere.basicConsume("scratch", true,
          (t, d) -> scratched.add(new String(d.getBody(), StandardCharsets.UTF_8)), t -> { });
      assertThat(scratched.poll(60, TimeUnit.SECONDS)).isEqualTo("10");
      assertThat(QueueProbe.exists(client, "scratch")).isTrue(); // a consumer elsewhere keeps it
      elsewhere.basicCancel(tag);
      assertThat(QueueProbe.exists(client, "scratch")).isFalse(); // gone once the cancel is answered
      assertThat(QueueProbe.exists(other, "scratch")).isFalse();

      // When its owner goes, so does the queue, on every node.
      client.close();
      client = null;
      Awaitility.await("the reply queue gone on node 3").atMost(PATIENCE)
          .until(() -> !QueueProbe.exists(other, replyQueue));
      assertThat(QueueProbe.exists(other, mine)).isFalse();
    } finally {
      if (client != null) {
        client.abort();
      }
    }
  }

  private long snapshotEvery = WarrenConfig.RAFT_SNAPSHOT_THRESHOLD.defaultValue();

  private void startAll(List<String> ids) throws Exception {
    String peers = String.join(",", IDS.stream().map(id -> id + "=127.0.0.1:" + raftPorts.get(id)).toList());
    List<CompletableFuture<Void>> starts = new ArrayList<>();
    for (String id : ids) {
      WarrenConfig config = WarrenConfig.defaults()
          .with(WarrenConfig.NODE_ID, id)
          .with(WarrenConfig.AMQP_BIND, "127.0.0.1")
          .with(WarrenConfig.AMQP_PORT, 0)
          .with(WarrenConfig.METRICS_PORT, 0)
          .with(WarrenConfig.MANAGEMENT_PORT, 0)
          .with(WarrenConfig.CLUSTER_PEERS, parsePeers(peers))
          .with(WarrenConfig.RAFT_SNAPSHOT_THRESHOLD, snapshotEvery)
          .with(WarrenConfig.DATA_DIR, tmp.resolve(id));
      WarrenNode node = new WarrenNode(config);
      nodes.put(id, node);
      // Each start waits for a majority, so they must run side by side.
      starts.add(CompletableFuture.runAsync(() -> {
        try {
          node.start();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }));
    }
    CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
  }

  private static Map<String, String> parsePeers(String text) {
    Map<String, String> peers = new LinkedHashMap<>();
    for (String item : text.split(",")) {
      String[] kv = item.split("=", 2);
      peers.put(kv[0], kv[1]);
    }
    return peers;
  }

  private Connection connect(String id) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setPort(nodes.get(id).amqpAddress().getPort());
    return factory.newConnection();
  }

  private static void publishConfirmed(Channel ch, String queue, int from, int to) throws Exception {
    publishConfirmed(ch, queue, from, to, MessageProperties.PERSISTENT_TEXT_PLAIN);
  }

  private static void publishConfirmed(Channel ch, String queue, int from, int to, AMQP.BasicProperties props)
      throws Exception {
    ch.confirmSelect();
    for (int i = from; i < to; i++) {
      ch.basicPublish("", queue, props, body(i));
    }
    ch.waitForConfirmsOrDie(60_000);
  }

  /** Gets and acks every message the queue holds now, returning their numbers in order. */
  private static List<Integer> drain(Channel ch, String queue) throws IOException {
    List<Integer> got = new ArrayList<>();
    for (GetResponse r; (r = ch.basicGet(queue, false)) != null; ) {
      got.add(Integer.parseInt(new String(r.getBody(), StandardCharsets.UTF_8)));
      ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
    }
    AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(queue);
    assertThat(ok.getMessageCount()).as("left in %s", queue).isZero();
    return got;
  }

  private static byte[] body(int i) {
    return Integer.toString(i).getBytes(StandardCharsets.UTF_8);
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
