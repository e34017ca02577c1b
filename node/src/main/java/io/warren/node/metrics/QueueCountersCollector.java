package io.warren.node.metrics;

import io.prometheus.client.Collector;
import io.warren.model.QueueName;
import io.warren.node.amqp.MessageCounts;
import io.warren.node.amqp.MessageEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Per-queue message counters: what this node's clients did with each queue. The names are those of
 * RabbitMQ's channel-queue figures (which it labels by channel too; Warren sums a node's channels),
 * except for confirms, which RabbitMQ does not count per queue. Read straight from the front end's
 * counters, without the broker thread.
 */
final class QueueCountersCollector extends Collector {
  private record Counter(String name, String help, MessageEvent event) {}

  private static final List<Counter> COUNTERS = List.of(
      new Counter("rabbitmq_queue_messages_published_total",
          "Messages published to the queue through this node", MessageEvent.PUBLISH),
      new Counter("warren_queue_messages_confirmed_total",
          "Messages published to the queue through this node and confirmed to their publisher",
          MessageEvent.CONFIRM),
      new Counter("rabbitmq_channel_messages_delivered_ack_total",
          "Messages delivered to consumers in manual acknowledgement mode", MessageEvent.DELIVER),
      new Counter("rabbitmq_channel_messages_delivered_total",
          "Messages delivered to consumers in automatic acknowledgement mode", MessageEvent.DELIVER_NO_ACK),
      new Counter("rabbitmq_channel_get_ack_total",
          "Messages fetched with basic.get in manual acknowledgement mode", MessageEvent.GET),
      new Counter("rabbitmq_channel_get_total",
          "Messages fetched with basic.get in automatic acknowledgement mode", MessageEvent.GET_NO_ACK),
      new Counter("rabbitmq_channel_get_empty_total",
          "Times basic.get found the queue empty", MessageEvent.GET_EMPTY),
      new Counter("rabbitmq_channel_messages_redelivered_total",
          "Messages delivered or fetched again (redelivered flag set)", MessageEvent.REDELIVER),
      new Counter("rabbitmq_channel_messages_acked_total",
          "Messages acknowledged by consumers", MessageEvent.ACK));

  private final Supplier<Map<QueueName, MessageCounts>> counts;

  QueueCountersCollector(Supplier<Map<QueueName, MessageCounts>> counts) {
    this.counts = counts;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    List<Map.Entry<QueueName, MessageCounts>> queues = new ArrayList<>(counts.get().entrySet());
    List<MetricFamilySamples> out = new ArrayList<>(COUNTERS.size());
    for (Counter c : COUNTERS) {
      out.add(Figure.<Map.Entry<QueueName, MessageCounts>>counter(c.name(), c.help(),
              e -> e.getValue().get(c.event()))
          .collect(BrokerCollector.QUEUE_LABELS, queues,
              e -> List.of(e.getKey().vhost(), e.getKey().name())));
    }
    return out;
  }
}
