package io.warren.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        .contains("system_cpu_count ")
        .contains("process_uptime_seconds ");
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
