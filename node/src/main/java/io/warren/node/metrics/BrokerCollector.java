package io.warren.node.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import io.warren.node.metrics.BrokerSnapshot.QueueFigures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker gauges under the names RabbitMQ's Prometheus plugin uses. Each scrape asks the broker
 * thread for a fresh {@link BrokerSnapshot} and waits at most {@code timeout}; a busy broker gets
 * the previous snapshot served rather than a stalled scrape. Queues come and go, so the samples
 * are built per scrape instead of registering one Micrometer gauge per queue.
 */
final class BrokerCollector extends Collector {
  private static final Logger log = LoggerFactory.getLogger(BrokerCollector.class);

  private record NodeGauge(String name, String help, ToDoubleFunction<BrokerSnapshot> value) {}

  private record QueueGauge(String name, String help, ToDoubleFunction<QueueFigures> value) {}

  static final List<String> QUEUE_LABELS = List.of("vhost", "queue");

  private static final List<NodeGauge> NODE_GAUGES = List.of(
      new NodeGauge("rabbitmq_connections", "Open AMQP connections", BrokerSnapshot::connections),
      new NodeGauge("rabbitmq_channels", "Open AMQP channels", BrokerSnapshot::channels),
      new NodeGauge("rabbitmq_consumers", "Consumers on all queues", BrokerSnapshot::consumers),
      new NodeGauge("rabbitmq_queues", "Queues in all virtual hosts", s -> s.queues().size()));

  private static final List<QueueGauge> QUEUE_GAUGES = List.of(
      new QueueGauge("rabbitmq_queue_messages_ready", "Messages ready to be delivered to consumers",
          QueueFigures::ready),
      new QueueGauge("rabbitmq_queue_messages_unacked",
          "Messages delivered to consumers but not yet acknowledged", QueueFigures::unacked),
      new QueueGauge("rabbitmq_queue_messages", "Messages ready plus unacknowledged",
          q -> q.ready() + q.unacked()),
      new QueueGauge("rabbitmq_queue_consumers", "Consumers on the queue", QueueFigures::consumers));

  private final Supplier<CompletableFuture<BrokerSnapshot>> source;
  private final Duration timeout;
  /** Last snapshot obtained; only the metrics thread writes it, volatile for any other reader. */
  private volatile BrokerSnapshot last;

  BrokerCollector(Supplier<CompletableFuture<BrokerSnapshot>> source, Duration timeout) {
    this.source = source;
    this.timeout = timeout;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    BrokerSnapshot snapshot = refresh();
    if (snapshot == null) {
      return List.of();
    }
    List<MetricFamilySamples> out = new ArrayList<>(NODE_GAUGES.size() + QUEUE_GAUGES.size());
    for (NodeGauge g : NODE_GAUGES) {
      out.add(new GaugeMetricFamily(g.name(), g.help(), g.value().applyAsDouble(snapshot)));
    }
    for (QueueGauge g : QUEUE_GAUGES) {
      GaugeMetricFamily family = new GaugeMetricFamily(g.name(), g.help(), QUEUE_LABELS);
      for (QueueFigures q : snapshot.queues()) {
        family.addMetric(List.of(q.vhost(), q.queue()), g.value().applyAsDouble(q));
      }
      out.add(family);
    }
    return out;
  }

  private BrokerSnapshot refresh() {
    CompletableFuture<BrokerSnapshot> pending = source.get();
    try {
      last = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.cancel(false);
      log.warn("Broker thread gave no metrics snapshot within {}; serving the previous one", timeout);
    } catch (ExecutionException e) {
      log.error("Bug: taking a metrics snapshot failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return last;
  }
}
