package io.warren.cluster;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.durability.ConfirmTracker;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A producer: persistent messages with publisher confirms, round-robin over its queues, each named
 * by a {@link MessageId} in its body. When its connection fails (its node died, froze, or no
 * confirm came for a long time) it connects to another serving node and carries on with the next
 * sequence number; it does not republish what was unconfirmed, so a lost confirm shows in the
 * history as a published, unconfirmed message.
 */
final class ProducerClient implements Runnable, Workload.Client {
  private static final int CONFIRM_WINDOW = 100;
  /** How long a publish waits for room in the window: generous, it only bounds a hang. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final String name;
  private final List<String> queues;
  private final long messages;
  private final Pacer pacer;
  private final int preference;
  private final NodeCluster cluster;
  private final History history;
  private final BooleanSupplier stopping;
  private final Reconnects reconnects;
  private volatile boolean done;

  /**
   * @param messages publishes at most this many messages in all
   * @param rate messages per second at most (0: as fast as confirms allow)
   * @param preference the position of the node it tries first
   */
  ProducerClient(String name, List<String> queues, long messages, int rate, int preference, NodeCluster cluster,
      History history, BooleanSupplier stopping) {
    this.name = name;
    this.queues = List.copyOf(queues);
    this.messages = messages;
    this.pacer = new Pacer(rate);
    this.preference = preference;
    this.cluster = cluster;
    this.history = history;
    this.stopping = stopping;
    this.reconnects = new Reconnects(name, cluster);
  }

  @Override
  public void run() {
    long next = 0;
    for (int session = 1; !stopping.getAsBoolean() && next < messages; session++) {
      try (Connector.Connected c = Connector.connect(cluster, preference + session - 1, name + "." + session)) {
        reconnects.connected(c.node());
        Channel channel = c.connection().createChannel();
        ConfirmTracker confirms = ConfirmTracker.on(channel, CONFIRM_WINDOW, PATIENCE);
        history.publisherSession(name + "." + session + "@" + c.node(), confirms, this::id);
        while (!stopping.getAsBoolean() && next < messages) {
          // Taken before the publish: a publish that fails may still have reached the broker, and
          // a sequence number is never used twice.
          long seq = next++;
          pacer.await();
          confirms.publish(seq, "", id(seq).queue(), MessageProperties.PERSISTENT_BASIC, id(seq).body());
        }
        confirms.awaitSettled(PATIENCE);
      } catch (Exception e) {
        try {
          reconnects.failed(session, e);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    done = true;
  }

  /** Published all its messages or stopped. */
  boolean done() {
    return done;
  }

  MessageId id(long seq) {
    return new MessageId(queues.get((int) (seq % queues.size())), name, seq);
  }

  @Override
  public String node() {
    return reconnects.node();
  }

  @Override
  public List<Reconnects.SessionEnd> sessionEnds() {
    return reconnects.ends();
  }
}
