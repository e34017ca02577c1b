package io.warren.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.node.WarrenNode;
import io.warren.node.config.WarrenConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/** The sample names a real node serves once every kind of figure has something to show. */
public final class ServedMetrics {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private ServedMetrics() {}

  /**
   * Starts a node in {@code dataDir}, gives it a queue, a publish and a get and the JVM a garbage
   * collection (GC pause figures appear after the first), scrapes it and stops it.
   */
  public static Set<String> afterTraffic(Path dataDir) throws Exception {
    try (WarrenNode node = new WarrenNode(WarrenConfig.defaults()
        .with(WarrenConfig.AMQP_BIND, "127.0.0.1")
        .with(WarrenConfig.RAFT_PORT, 0)
        .with(WarrenConfig.AMQP_PORT, 0)
        .with(WarrenConfig.METRICS_PORT, 0)
        .with(WarrenConfig.MANAGEMENT_PORT, 0)
        .with(WarrenConfig.DATA_DIR, dataDir))) {
      node.start();
      ConnectionFactory factory = new ConnectionFactory();
      factory.setHost("127.0.0.1");
      factory.setPort(node.amqpAddress().getPort());
      try (Connection connection = factory.newConnection()) {
        Channel channel = connection.createChannel();
        channel.queueDeclare("served-q", true, false, false, null);
        channel.basicPublish("", "served-q", null, "x".getBytes(StandardCharsets.UTF_8));
        assertThat(channel.basicGet("served-q", true)).isNotNull();
        System.gc();
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + node.metricsAddress().getPort() + MetricsServer.PATH);
        Set<String> served = new TreeSet<>();
        await().atMost(WAIT).untilAsserted(() -> {
          String body = http.send(HttpRequest.newBuilder(uri).timeout(WAIT).build(),
              HttpResponse.BodyHandlers.ofString()).body();
          served.clear();
          served.addAll(Scrape.parse(body).names());
          assertThat(served).contains("rabbitmq_queue_messages_published_total", "jvm_gc_pause_seconds_sum");
        });
        return served;
      }
    }
  }
}
