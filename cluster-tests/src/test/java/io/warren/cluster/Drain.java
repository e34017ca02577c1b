package io.warren.cluster;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Empties the queues from a serving node with basic.get after the workload stopped, recording what
 * it gets in the history as deliveries to "drain" sessions.
 *
 * <p>Messages that consumers held unacked return to their queues when the broker has processed the
 * consumers' closed connections, which may be just after the workload stopped; so the drain goes on
 * in rounds until every confirmed message has been delivered, or a generous limit passes (then the
 * checker reports what is missing).
 */
final class Drain {
  private static final Duration PATIENCE = Duration.ofSeconds(45);

  private Drain() {}

  /** Drains {@code queues}; returns what each had left after the last round (0 when empty). */
  static List<Long> drain(NodeCluster cluster, List<String> queues, History history) {
    Set<MessageId> confirmed = history.confirmed();
    AtomicInteger round = new AtomicInteger();
    try {
      Awaitility.await("every confirmed message delivered").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .until(() -> {
            drainOnce(cluster, queues, history, "drain." + round.incrementAndGet());
            return undelivered(history, confirmed).isEmpty();
          });
    } catch (ConditionTimeoutException e) {
      System.out.printf("drain: after %d rounds %d confirmed messages were never delivered%n", round.get(),
          undelivered(history, confirmed).size());
    }
    try {
      return drainOnce(cluster, queues, history, "drain." + round.incrementAndGet());
    } catch (IOException e) {
      throw new IllegalStateException("cannot drain", e);
    }
  }

  private static Set<MessageId> undelivered(History history, Set<MessageId> confirmed) {
    Set<MessageId> missing = new HashSet<>(confirmed);
    history.deliveries().forEach(d -> missing.remove(d.id()));
    return missing;
  }

  /** One round: basic.get and ack on every queue until it is empty; returns each queue's count then. */
  private static List<Long> drainOnce(NodeCluster cluster, List<String> queues, History history, String session)
      throws IOException {
    try (Connector.Connected c = Connector.connect(cluster, 0, session)) {
      Channel channel = c.connection().createChannel();
      String name = session + "@" + c.node();
      for (String queue : queues) {
        for (GetResponse r; (r = channel.basicGet(queue, false)) != null; ) {
          history.delivered(new History.Delivery(MessageId.ofBody(r.getBody()), queue,
              r.getEnvelope().isRedeliver(), name));
          channel.basicAck(r.getEnvelope().getDeliveryTag(), false);
        }
      }
      return queues.stream().map(q -> messageCount(channel, q)).toList();
    }
  }

  private static long messageCount(Channel channel, String queue) {
    try {
      return channel.queueDeclarePassive(queue).getMessageCount();
    } catch (IOException e) {
      throw new IllegalStateException("cannot count " + queue, e);
    }
  }
}
