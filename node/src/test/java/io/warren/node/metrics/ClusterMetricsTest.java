package io.warren.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.cluster.InProcessCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics of a three-node cluster (in one JVM): each node counts its own clients' operations on a
 * replicated queue, and every node reports every group, with exactly one leader per group.
 */
class ClusterMetricsTest {
  private static final List<String> IDS = List.of("n1", "n2", "n3");
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private InProcessCluster cluster;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void startCluster() throws Exception {
    cluster = new InProcessCluster(tmp, IDS).start();
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  @Test
  void eachNodeCountsItsOwnClientsAndReportsEveryGroup() throws Exception {
    String queue = "cluster-counted";
    Channel publisher = cluster.connect("n1").createChannel();
    publisher.queueDeclare(queue, true, false, false, null);
    publisher.confirmSelect();
    for (int i = 0; i < 4; i++) {
      publisher.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, ("m" + i).getBytes(StandardCharsets.UTF_8));
    }
    publisher.waitForConfirmsOrDie(WAIT.toMillis());
    Channel consumer = cluster.connect("n2").createChannel();
    CountDownLatch consumed = new CountDownLatch(4);
    consumer.basicConsume(queue, false, (tag, delivery) -> {
      consumer.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
      consumed.countDown();
    }, tag -> { });
    assertThat(consumed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    Map<String, String> labels = Map.of("vhost", "/", "queue", queue);
    await().atMost(WAIT).untilAsserted(() -> {
      Scrape n1 = scrape("n1");
      Scrape n2 = scrape("n2");
      Scrape n3 = scrape("n3");
      assertThat(n1.value("rabbitmq_queue_messages_published_total", labels)).hasValue(4.0);
      assertThat(n1.value("warren_queue_messages_confirmed_total", labels)).hasValue(4.0);
      assertThat(n1.value("rabbitmq_channel_messages_delivered_ack_total", labels)).hasValue(0.0);
      assertThat(n2.value("rabbitmq_queue_messages_published_total", labels)).hasValue(0.0);
      assertThat(n2.value("rabbitmq_channel_messages_delivered_ack_total", labels)).hasValue(4.0);
      assertThat(n2.value("rabbitmq_channel_messages_acked_total", labels)).hasValue(4.0);
      // No client of n3 used the queue: it has no counters there.
      assertThat(n3.value("rabbitmq_queue_messages_published_total", labels)).isEmpty();
      // Every node holds a replica of the queue: each reports its depth.
      for (Scrape s : List.of(n1, n2, n3)) {
        assertThat(s.value("rabbitmq_queue_messages", labels)).hasValue(0.0);
      }
    });

    // 1 metadata group + 1 partition per node.
    List<String> groups = List.of("meta", "partition-0", "partition-1", "partition-2");
    await().atMost(WAIT).untilAsserted(() -> {
      List<Scrape> scrapes = List.of(scrape("n1"), scrape("n2"), scrape("n3"));
      for (String group : groups) {
        double leaders = 0;
        for (Scrape s : scrapes) {
          leaders += s.value("warren_raft_role", Map.of("group", group, "role", "leader")).orElseThrow();
          assertThat(s.value("rabbitmq_raft_log_last_applied_index", Map.of("group", group)))
              .as(group).hasValueSatisfying(v -> assertThat(v).isPositive());
          assertThat(s.value("warren_rocksdb_write_stopped", Map.of("store", group))).as(group).hasValue(0.0);
        }
        assertThat(leaders).as("leaders of " + group).isEqualTo(1.0);
      }
    });
  }

  private Scrape scrape(String id) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + cluster.node(id).metricsAddress().getPort() + MetricsServer.PATH);
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return Scrape.parse(response.body());
  }
}
