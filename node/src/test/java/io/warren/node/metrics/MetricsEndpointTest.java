package io.warren.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.WarrenNode;
import io.warren.node.config.WarrenConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /metrics} on a real node, read with a real HTTP client after real AMQP traffic. */
class MetricsEndpointTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dataDir;
  private WarrenNode node;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    node = new WarrenNode(WarrenConfig.defaults()
        .with(WarrenConfig.AMQP_BIND, "127.0.0.1")
        .with(WarrenConfig.RAFT_PORT, 0)
        .with(WarrenConfig.AMQP_PORT, 0)
        .with(WarrenConfig.METRICS_PORT, 0)
        .with(WarrenConfig.MANAGEMENT_PORT, 0)
        .with(WarrenConfig.DATA_DIR, dataDir));
    node.start();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void reportsConnectionsChannelsAndQueueDepth() throws Exception {
    try (Connection connection = connect()) {
      Channel channel = connection.createChannel();
      String queue = channel.queueDeclare("metrics-q", false, false, false, null).getQueue();
      for (int i = 0; i < 3; i++) {
        channel.basicPublish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
      }

      await().atMost(WAIT).untilAsserted(() -> assertThat(scrape())
          .contains("\nrabbitmq_connections 1.0\n")
          .contains("\nrabbitmq_channels 1.0\n")
          .contains("\nrabbitmq_consumers 0.0\n")
          .contains("\nrabbitmq_queue_messages_ready{vhost=\"/\",queue=\"metrics-q\",} 3.0\n")
          .contains("\nrabbitmq_queue_messages_unacked{vhost=\"/\",queue=\"metrics-q\",} 0.0\n"));

      channel.basicConsume(queue, false, (tag, delivery) -> { }, tag -> { });

      await().atMost(WAIT).untilAsserted(() -> assertThat(scrape())
          .contains("\nrabbitmq_consumers 1.0\n")
          .contains("\nrabbitmq_queue_consumers{vhost=\"/\",queue=\"metrics-q\",} 1.0\n")
          .contains("\nrabbitmq_queue_messages_ready{vhost=\"/\",queue=\"metrics-q\",} 0.0\n")
          .contains("\nrabbitmq_queue_messages_unacked{vhost=\"/\",queue=\"metrics-q\",} 3.0\n"));
    }

    await().atMost(WAIT).untilAsserted(() -> assertThat(scrape())
        .contains("\nrabbitmq_connections 0.0\n")
        .contains("\nrabbitmq_channels 0.0\n"));
  }

  @Test
  void reportsJvmAndProcessFigures() throws Exception {
    HttpResponse<String> response = get("GET", "/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(response.body())
        .contains("# TYPE rabbitmq_connections gauge")
        .contains("jvm_memory_used_bytes{")
        .contains("jvm_threads_live_threads ")
        .contains("jvm_gc_memory_allocated_bytes_total ")
        .contains("jvm_classes_loaded_classes ")
        .contains("process_files_open_files ")
        .contains("system_cpu_count ")
        .contains("process_uptime_seconds ");
  }

  /**
   * The same traffic on a replicated queue (its messages in a queue partition) and a transient one
   * (on the node's broker) moves each per-queue counter by exactly what the client did.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void countsWhatClientsDidPerQueue(boolean durable) throws Exception {
    String queue = durable ? "counted-durable" : "counted-transient";
    try (Connection connection = connect()) {
      Channel channel = connection.createChannel();
      channel.queueDeclare(queue, durable, false, false, null);
      channel.confirmSelect();
      for (int i = 0; i < 5; i++) {
        channel.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, ("m" + i).getBytes(StandardCharsets.UTF_8));
      }
      channel.waitForConfirmsOrDie(WAIT.toMillis());

      GetResponse first = channel.basicGet(queue, false);
      channel.basicNack(first.getEnvelope().getDeliveryTag(), false, true);
      GetResponse again = channel.basicGet(queue, true); // the same message, redelivered
      assertThat(again.getEnvelope().isRedeliver()).isTrue();
      CountDownLatch consumed = new CountDownLatch(4); // the other four
      channel.basicConsume(queue, false, (tag, delivery) -> {
        channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
        consumed.countDown();
      }, tag -> { });
      assertThat(consumed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      Channel getter = connection.createChannel();
      assertThat(getter.basicGet(queue, true)).isNull();

      Map<String, String> labels = Map.of("vhost", "/", "queue", queue);
      Map<String, Double> expected = new TreeMap<>(Map.of(
          "rabbitmq_queue_messages_published_total", 5.0,
          "warren_queue_messages_confirmed_total", 5.0,
          "rabbitmq_channel_get_ack_total", 1.0,
          "rabbitmq_channel_get_total", 1.0,
          "rabbitmq_channel_messages_redelivered_total", 1.0,
          "rabbitmq_channel_messages_delivered_ack_total", 4.0,
          "rabbitmq_channel_messages_delivered_total", 0.0,
          "rabbitmq_channel_messages_acked_total", 4.0,
          "rabbitmq_channel_get_empty_total", 1.0));
      await().atMost(WAIT).untilAsserted(() -> {
        Scrape scrape = Scrape.parse(scrape());
        Map<String, Double> actual = new TreeMap<>();
        expected.keySet().forEach(name -> actual.put(name, scrape.value(name, labels).orElse(-1.0)));
        assertThat(actual).isEqualTo(expected);
        assertThat(scrape.value("rabbitmq_queue_messages", labels)).hasValue(0.0);
      });

      channel.queueDelete(queue);
      await().atMost(WAIT).untilAsserted(() -> assertThat(Scrape.parse(scrape())
          .value("rabbitmq_queue_messages_published_total", labels)).isEmpty());
    }
  }

  @Test
  void reportsRaftAndRocksDbFiguresForEveryGroup() throws Exception {
    try (Connection connection = connect()) {
      Channel channel = connection.createChannel();
      channel.queueDeclare("raft-q", true, false, false, null);
      channel.confirmSelect();
      channel.basicPublish("", "raft-q", MessageProperties.PERSISTENT_BASIC, "x".getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(WAIT.toMillis());
    }
    List<String> groups = List.of("meta", "partition-0"); // the default: 1 partition per node

    await().atMost(WAIT).untilAsserted(() -> {
      Scrape scrape = Scrape.parse(scrape());
      for (String group : groups) {
        Map<String, String> g = Map.of("group", group);
        assertThat(scrape.value("warren_raft_role", Map.of("group", group, "role", "leader"))).as(group).hasValue(1.0);
        assertThat(scrape.value("warren_raft_role", Map.of("group", group, "role", "follower"))).as(group).hasValue(0.0);
        assertThat(scrape.value("rabbitmq_raft_term_total", g)).as(group).hasValueSatisfying(v -> assertThat(v).isPositive());
        double applied = scrape.value("rabbitmq_raft_log_last_applied_index", g).orElseThrow();
        double committed = scrape.value("rabbitmq_raft_log_commit_index", g).orElseThrow();
        assertThat(applied).as(group).isPositive().isLessThanOrEqualTo(committed);
        assertThat(scrape.value("warren_raft_apply_lag_entries", g)).as(group).hasValue(committed - applied);
        assertThat(scrape.value("warren_raft_leader_changes_total", g)).as(group).hasValue(1.0);
        assertThat(scrape.value("warren_raft_snapshot_installs_total", g)).as(group).hasValue(0.0);
        assertThat(scrape.value("rabbitmq_raft_log_snapshot_index", g)).as(group).isPresent();
        assertThat(scrape.value("warren_raft_log_size_bytes", g)).as(group)
            .hasValueSatisfying(v -> assertThat(v).isPositive());
        Map<String, String> store = Map.of("store", group);
        assertThat(scrape.value("warren_rocksdb_write_stopped", store)).as(group).hasValue(0.0);
        for (String name : List.of("warren_rocksdb_sst_files_size_bytes", "warren_rocksdb_live_data_size_bytes",
            "warren_rocksdb_estimated_keys", "warren_rocksdb_memtable_size_bytes",
            "warren_rocksdb_pending_compaction_bytes", "warren_rocksdb_running_compactions",
            "warren_rocksdb_delayed_write_rate_bytes", "warren_rocksdb_write_delays_total",
            "warren_rocksdb_write_stops_total")) {
          assertThat(scrape.value(name, store)).as(name + " " + group)
              .hasValueSatisfying(v -> assertThat(v).isNotNegative());
        }
      }
      assertThat(scrape.all("warren_raft_log_size_bytes")).hasSize(groups.size());
    });
  }

  @Test
  void answersOtherPathsAndMethodsWithErrors() throws Exception {
    assertThat(get("GET", "/").statusCode()).isEqualTo(404);
    assertThat(get("GET", "/metricsx").statusCode()).isEqualTo(404);
    HttpResponse<String> post = get("POST", "/metrics");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  private Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(node.amqpAddress().getPort());
    return factory.newConnection();
  }

  private String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response = get("GET", "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private HttpResponse<String> get(String method, String path) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + node.metricsAddress().getPort() + path);
    HttpRequest request = HttpRequest.newBuilder(uri)
        .method(method, HttpRequest.BodyPublishers.noBody())
        .timeout(WAIT)
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
