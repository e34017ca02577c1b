package io.warren.node.management;

import static io.warren.node.it.support.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.node.cluster.InProcessCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management API of a three-node cluster (in one JVM): every node lists the cluster's nodes
 * running, a replicated queue made through one node's API is seen with its figures through
 * another's, its consumers are listed by every node, and a get through a third node's API takes
 * from it.
 */
class ManagementClusterTest {
  private static final List<String> IDS = List.of("n1", "n2", "n3");

  @TempDir Path tmp;
  private InProcessCluster cluster;

  @BeforeEach
  void startCluster() throws Exception {
    cluster = new InProcessCluster(tmp, IDS).start();
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  private ManagementHttp api(String id) {
    return new ManagementHttp(java.net.URI.create("http://127.0.0.1:" + cluster.node(id).managementAddress().getPort()),
        "guest", "guest");
  }

  private Connection connect(String id) throws Exception {
    return cluster.connect(id);
  }

  @Test
  void everyNodeShowsTheWholeCluster() throws Exception {
    for (String id : IDS) {
      await().untilAsserted(() -> {
        JsonNode listed = api(id).get("/api/nodes").json();
        List<String> names = new ArrayList<>();
        listed.forEach(n -> names.add(n.path("name").asText()));
        assertThat(names).containsExactlyElementsOf(IDS);
        listed.forEach(n -> assertThat(n.path("running").asBoolean()).as(id + " sees " + n.path("name")).isTrue());
      });
    }

    String q = "/api/queues/%2F/orders";
    assertThat(api("n1").put(q, Map.of("durable", true)).status()).isEqualTo(201);
    Map<String, Object> publish = Map.of("properties", Map.of("delivery_mode", 2), "routing_key", "orders",
        "payload", "o1", "payload_encoding", "string");
    assertThat(api("n1").post("/api/exchanges/%2F/amq.default/publish", publish).json().path("routed").asBoolean())
        .isTrue();
    assertThat(api("n1").post("/api/exchanges/%2F/amq.default/publish", publish).json().path("routed").asBoolean())
        .isTrue();
    await().untilAsserted(() -> {
      JsonNode seen = api("n2").get(q).json();
      assertThat(seen.path("messages_ready").asInt()).isEqualTo(2);
      assertThat(seen.path("replicated").asBoolean()).isTrue();
    });

    // A consumer on n2 is listed by n1 too (the queue's partition knows it), named locally on n2.
    try (Connection on2 = connect("n2")) {
      Channel ch = on2.createChannel();
      ch.basicQos(1);
      ch.basicConsume("orders", false, "c-on-n2", (tag, d) -> { }, tag -> { });
      await().untilAsserted(() -> {
        JsonNode fromN1 = api("n1").get("/api/consumers").json();
        assertThat(fromN1.findValuesAsText("consumer_tag")).contains("c-on-n2");
        JsonNode fromN2 = api("n2").get("/api/consumers").json();
        assertThat(fromN2.get(0).path("channel_details").path("peer_port").asInt()).isPositive();
        assertThat(api("n3").get(q).json().path("messages_unacknowledged").asInt()).isEqualTo(1);
      });
      ch.basicCancel("c-on-n2");
      ch.close();
    }

    // A get through n3's API takes the messages: the consumer's held one came back redelivered.
    await().untilAsserted(() -> assertThat(api("n3").get(q).json().path("messages_ready").asInt()).isEqualTo(2));
    JsonNode got = api("n3").post(q + "/get", Map.of("count", 5, "ackmode", "ack_requeue_false",
        "encoding", "auto")).json();
    assertThat(got.findValuesAsText("payload")).containsExactly("o1", "o1");
    await().untilAsserted(() -> assertThat(api("n1").get(q).json().path("messages").asInt()).isZero());
  }

  @Test
  void usersAndVhostDeletionsReachEveryNode() throws Exception {
    // Every node sent the default user at its first start; one user came of it.
    assertThat(api("n2").get("/api/users").json().findValuesAsText("name")).containsExactly("guest");

    assertThat(api("n1").put("/api/users/alice", Map.of("password", "pw", "tags", "")).status()).isEqualTo(201);
    assertThat(api("n1").put("/api/vhosts/v", null).status()).isEqualTo(201);
    assertThat(api("n1").put("/api/permissions/v/alice", Map.of("configure", ".*", "write", ".*", "read", ".*"))
        .status()).isEqualTo(201);
    List<Connection> inV = new ArrayList<>();
    for (String id : List.of("n2", "n3")) {
      com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
      f.setHost("127.0.0.1");
      f.setPort(cluster.node(id).amqpAddress().getPort());
      f.setUsername("alice");
      f.setPassword("pw");
      f.setVirtualHost("v");
      f.setAutomaticRecoveryEnabled(false);
      // The other nodes apply the metadata a moment after n1 answered.
      inV.add(await().ignoreExceptions().until(f::newConnection, c -> c != null));
    }
    assertThat(api("n1").delete("/api/vhosts/v").status()).isEqualTo(204);
    for (Connection c : inV) {
      assertThat(io.warren.node.it.support.Closure.awaitClose(c)).isEqualTo(io.warren.node.it.support.Closure
          .connection(320, "CONNECTION_FORCED - vhost 'v' is deleted"));
    }
    await().untilAsserted(() -> assertThat(api("n3").get("/api/permissions/v/alice").status()).isEqualTo(404));
  }
}
