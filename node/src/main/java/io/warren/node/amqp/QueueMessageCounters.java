package io.warren.node.amqp;

import io.warren.model.QueueName;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The node's {@link MessageEvent} counters per queue: what clients of this node did with each queue
 * (published to it, got deliveries from it, acknowledged them...). Node-local observations, like
 * RabbitMQ's channel-queue figures: summed over the nodes of a cluster they give the queue's totals.
 * They are not model state: nothing here is replicated, and a restart starts them from zero.
 *
 * <p>Many event loops add at once: a queue's counters are {@code LongAdder}s, found without a lock
 * once the queue has them. A queue's counters go when the queue does ({@link #forget}).
 */
public final class QueueMessageCounters {
  private final ConcurrentMap<QueueName, MessageCounters> byQueue = new ConcurrentHashMap<>();

  /**
   * Adds {@code n} events for {@code queue}, giving the queue counters if it has none. Only for
   * events that need the queue to exist right then (routing a publish, a delivery).
   */
  void add(QueueName queue, MessageEvent event, long n) {
    MessageCounters counters = byQueue.get(queue);
    if (counters == null) {
      counters = byQueue.computeIfAbsent(queue, q -> new MessageCounters());
    }
    counters.add(event, n);
  }

  /**
   * Adds {@code n} events for {@code queue} if it has counters: for events that may come after the
   * queue was deleted (an ack, a confirm), which must not bring its counters back.
   */
  void addIfCounted(QueueName queue, MessageEvent event, long n) {
    MessageCounters counters = byQueue.get(queue);
    if (counters != null) {
      counters.add(event, n);
    }
  }

  /** Drops the counters of a deleted queue. */
  public void forget(QueueName queue) {
    byQueue.remove(queue);
  }

  /** Every counted queue's figures at this moment. */
  public Map<QueueName, MessageCounts> snapshot() {
    Map<QueueName, MessageCounts> out = new HashMap<>(byQueue.size() * 2);
    byQueue.forEach((queue, counters) -> out.put(queue, counters.snapshot()));
    return out;
  }

  /** One queue's figures ({@link MessageCounts#ZERO} if it has none). */
  public MessageCounts of(QueueName queue) {
    MessageCounters counters = byQueue.get(queue);
    return counters == null ? MessageCounts.ZERO : counters.snapshot();
  }
}
