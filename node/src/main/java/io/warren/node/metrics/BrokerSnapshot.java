package io.warren.node.metrics;

import io.warren.model.Broker;
import io.warren.model.QueueState;
import io.warren.model.VirtualHost;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker figures a scrape reports, copied out of the model in one go on the broker thread
 * (see {@link #of}) so the metrics thread never touches the model's mutable collections.
 */
public record BrokerSnapshot(int connections, int channels, List<QueueFigures> queues) {

  /** One queue's figures. */
  public record QueueFigures(String vhost, String queue, int ready, int unacked, int consumers) {}

  public BrokerSnapshot {
    queues = List.copyOf(queues);
  }

  /** Consumers across all queues. */
  public int consumers() {
    return queues.stream().mapToInt(QueueFigures::consumers).sum();
  }

  /**
   * Copies the figures; call only on the thread that applies commands to {@code broker}. Stand-ins
   * of replicated queues are left out: their figures come from the partitions ({@link #queuesOf}).
   */
  public static BrokerSnapshot of(Broker broker) {
    return new BrokerSnapshot(broker.connectionCount(), broker.channelCount(), queuesOf(broker));
  }

  /** The figures of the queues {@code broker} holds; same threading rule as {@link #of}. */
  public static List<QueueFigures> queuesOf(Broker broker) {
    List<QueueFigures> queues = new ArrayList<>();
    for (VirtualHost vhost : broker.vhosts()) {
      for (QueueState q : vhost.queues().values()) {
        if (q.holdsMessages()) {
          queues.add(new QueueFigures(vhost.name(), q.name().name(), q.visibleReadyCount(), q.visibleUnackedCount(),
              q.consumerCount()));
        }
      }
    }
    return queues;
  }

  /** This snapshot with {@code more} queues. */
  public BrokerSnapshot withQueues(List<QueueFigures> more) {
    List<QueueFigures> all = new ArrayList<>(queues);
    all.addAll(more);
    return new BrokerSnapshot(connections, channels, all);
  }
}
