package io.warren.node.management;

import io.warren.model.QueueName;
import io.warren.node.amqp.ConnectionInfo;
import io.warren.node.amqp.MessageCounts;
import io.warren.node.amqp.MessageEvent;
import io.warren.node.metrics.BrokerSnapshot;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rates for the API's {@code *_details.rate} fields, as RabbitMQ's management plugin computes them:
 * the figures are sampled every {@code interval} (RabbitMQ's statistics interval is 5 s) and a
 * rate is the change per second between the last two samples. Sampling runs on a thread of its
 * own, so a rate never costs an API call a wait.
 */
final class Rates implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Rates.class);
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  /** What was sampled, by key (see the key methods below), at {@code nanos}. */
  record Sample(long nanos, Map<String, Long> values) {}

  /** The figures one sample takes, gathered by the caller's broker access. */
  record Figures(MessageCounts totals, BrokerSnapshot queues, List<ConnectionInfo> connections,
      Map<QueueName, MessageCounts> queueCounts) {}

  private final Supplier<Figures> source;
  private final ScheduledExecutorService timer;
  private volatile Sample previous;
  private volatile Sample latest;

  Rates(Supplier<Figures> source, Duration interval) {
    this.source = source;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "warren-management-rates");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sample() {
    try {
      Figures f = source.get();
      Map<String, Long> values = new HashMap<>();
      for (MessageEvent e : MessageEvent.values()) {
        values.put(total(e.statName()), f.totals().get(e));
      }
      values.put(total("deliver_get"), f.totals().deliverGet());
      f.queueCounts().forEach((q, counts) -> {
        for (MessageEvent e : MessageEvent.values()) {
          values.put(queue(q.vhost(), q.name(), e.statName()), counts.get(e));
        }
        values.put(queue(q.vhost(), q.name(), "deliver_get"), counts.deliverGet());
      });
      long ready = 0;
      long unacked = 0;
      for (BrokerSnapshot.QueueFigures q : f.queues().queues()) {
        values.put(queue(q.vhost(), q.queue(), "messages_ready"), (long) q.ready());
        values.put(queue(q.vhost(), q.queue(), "messages_unacknowledged"), (long) q.unacked());
        values.put(queue(q.vhost(), q.queue(), "messages"), (long) q.ready() + q.unacked());
        ready += q.ready();
        unacked += q.unacked();
      }
      values.put(total("messages_ready"), ready);
      values.put(total("messages_unacknowledged"), unacked);
      values.put(total("messages"), ready + unacked);
      for (ConnectionInfo c : f.connections()) {
        for (ConnectionInfo.ChannelInfo ch : c.channels()) {
          for (MessageEvent e : MessageEvent.values()) {
            values.put(channel(c.id(), ch.number(), e.statName()), ch.counts().get(e));
          }
          values.put(channel(c.id(), ch.number(), "deliver_get"), ch.counts().deliverGet());
        }
      }
      previous = latest;
      latest = new Sample(System.nanoTime(), values);
    } catch (RuntimeException e) {
      log.debug("Management statistics sample failed", e);
    }
  }

  /** Change per second of {@code key} between the last two samples; 0 when unknown. */
  double of(String key) {
    Sample a = previous;
    Sample b = latest;
    if (a == null || b == null || b.nanos() <= a.nanos()) {
      return 0;
    }
    Long before = a.values().get(key);
    Long after = b.values().get(key);
    if (before == null || after == null) {
      return 0;
    }
    return (after - before) * 1e9 / (b.nanos() - a.nanos());
  }

  static String total(String field) {
    return "total/" + field;
  }

  static String queue(String vhost, String name, String field) {
    return "queue/" + vhost + "\u0000" + name + "/" + field;
  }

  static String channel(long connection, int number, String field) {
    return "channel/" + connection + "/" + number + "/" + field;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
