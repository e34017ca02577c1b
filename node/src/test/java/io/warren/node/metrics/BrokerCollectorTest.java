package io.warren.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.warren.node.metrics.BrokerSnapshot.QueueFigures;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What the broker gauges say for a given snapshot, and what a scrape serves when none comes. */
class BrokerCollectorTest {
  private static final BrokerSnapshot SNAPSHOT = new BrokerSnapshot(2, 5, List.of(
      new QueueFigures("/", "a", 7, 2, 1), new QueueFigures("other", "b", 0, 4, 2)));

  @Test
  void gaugesFollowTheSnapshot() {
    BrokerCollector collector = new BrokerCollector(
        () -> CompletableFuture.completedFuture(SNAPSHOT), Duration.ofSeconds(5));

    List<MetricFamilySamples> families = collector.collect();

    assertThat(value(families, "rabbitmq_connections", List.of())).isEqualTo(2.0);
    assertThat(value(families, "rabbitmq_channels", List.of())).isEqualTo(5.0);
    assertThat(value(families, "rabbitmq_consumers", List.of())).isEqualTo(3.0);
    assertThat(value(families, "rabbitmq_queues", List.of())).isEqualTo(2.0);
    assertThat(value(families, "rabbitmq_queue_messages_ready", List.of("/", "a"))).isEqualTo(7.0);
    assertThat(value(families, "rabbitmq_queue_messages_unacked", List.of("other", "b"))).isEqualTo(4.0);
    assertThat(value(families, "rabbitmq_queue_messages", List.of("/", "a"))).isEqualTo(9.0);
    assertThat(value(families, "rabbitmq_queue_consumers", List.of("other", "b"))).isEqualTo(2.0);
  }

  @Test
  void aBrokerThatDoesNotAnswerGetsThePreviousSnapshotServed() {
    // First answer at once, then never (as a stuck or closed broker thread would).
    Deque<CompletableFuture<BrokerSnapshot>> answers = new ArrayDeque<>(List.of(
        CompletableFuture.completedFuture(SNAPSHOT), new CompletableFuture<>()));
    BrokerCollector collector = new BrokerCollector(answers::poll, Duration.ofMillis(10));

    collector.collect();
    List<MetricFamilySamples> stale = collector.collect();

    assertThat(value(stale, "rabbitmq_connections", List.of())).isEqualTo(2.0);
  }

  @Test
  void nothingIsReportedBeforeTheFirstSnapshot() {
    BrokerCollector collector = new BrokerCollector(CompletableFuture::new, Duration.ofMillis(10));

    assertThat(collector.collect()).isEmpty();
  }

  private static double value(List<MetricFamilySamples> families, String name, List<String> labels) {
    return families.stream().filter(f -> f.name.equals(name))
        .flatMap(f -> f.samples.stream())
        .filter(s -> s.labelValues.equals(labels))
        .mapToDouble(s -> s.value)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + name + labels));
  }
}
