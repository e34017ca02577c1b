package io.warren.node.durability;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Publisher-confirm bookkeeping for one channel in confirm mode. The test names each message by
 * an id of its own; this maps the channel's publish sequence numbers to those ids and records which
 * ids were published (handed to the client library), confirmed (basic.ack, honouring
 * {@code multiple}) or nacked. At most {@code window} messages are unconfirmed at a time, so a
 * publisher never holds more than a window of bodies and never runs far ahead of the broker. It
 * also listens for connection.blocked, so a publisher that stalls can say why.
 */
public final class ConfirmTracker implements ConfirmListener {
  private static final long POLL_MILLIS = 50;

  private final Channel channel;
  private final Semaphore window;
  private final Duration patience;
  /** Why the broker blocked the connection (connection.blocked), or null while it does not. */
  private volatile String blockedReason;
  private final ConcurrentNavigableMap<Long, Long> unconfirmed = new ConcurrentSkipListMap<>();
  private final Set<Long> published = ConcurrentHashMap.newKeySet();
  private final Set<Long> confirmed = ConcurrentHashMap.newKeySet();
  private final Set<Long> nacked = ConcurrentHashMap.newKeySet();

  private ConfirmTracker(Channel channel, int window, Duration patience) {
    this.channel = channel;
    this.window = new Semaphore(window);
    this.patience = patience;
  }

  /**
   * Puts the channel in confirm mode and tracks it. A publish that finds no room in the window
   * for {@code patience} fails rather than hang (a generous bound, not a measure of speed).
   */
  public static ConfirmTracker on(Channel channel, int window, Duration patience) throws IOException {
    ConfirmTracker tracker = new ConfirmTracker(channel, window, patience);
    channel.addConfirmListener(tracker);
    channel.getConnection().addBlockedListener(reason -> tracker.blockedReason = reason,
        () -> tracker.blockedReason = null);
    channel.confirmSelect();
    return tracker;
  }

  /**
   * Publishes a message named {@code id}, first waiting for room in the window. The id counts as
   * published from just before the call into the client: if the call fails, the broker may still
   * have received the message whole. Throws {@link AlreadyClosedException} once the channel is gone.
   */
  public void publish(long id, String exchange, String routingKey, AMQP.BasicProperties props, byte[] body)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (!window.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
      if (!channel.isOpen()) {
        throw new AlreadyClosedException(channel.getCloseReason());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("no confirm for " + patience.toSeconds() + " s: " + this);
      }
    }
    unconfirmed.put(channel.getNextPublishSeqNo(), id);
    published.add(id);
    channel.basicPublish(exchange, routingKey, props, body);
  }

  /** Waits (at most {@code timeout}, against hanging) until every published message is acked or nacked. */
  public void awaitSettled(Duration timeout) {
    Awaitility.await("confirms (" + this + ")").atMost(timeout)
        .pollInterval(Duration.ofMillis(POLL_MILLIS))
        .until(unconfirmed::isEmpty);
  }

  @Override
  public void handleAck(long deliveryTag, boolean multiple) {
    settle(deliveryTag, multiple, confirmed);
  }

  @Override
  public void handleNack(long deliveryTag, boolean multiple) {
    settle(deliveryTag, multiple, nacked);
  }

  private void settle(long deliveryTag, boolean multiple, Set<Long> outcome) {
    if (multiple) {
      for (Map.Entry<Long, Long> e = unconfirmed.firstEntry(); e != null && e.getKey() <= deliveryTag;
          e = unconfirmed.firstEntry()) {
        settleOne(e.getKey(), outcome);
      }
    } else {
      settleOne(deliveryTag, outcome);
    }
  }

  private void settleOne(long seqNo, Set<Long> outcome) {
    Long id = unconfirmed.remove(seqNo);
    if (id != null) {
      outcome.add(id);
      window.release();
    }
  }

  /** What a stalled publisher needs to know: counts, and whether the broker blocked the connection. */
  @Override
  public String toString() {
    String blocked = blockedReason;
    return published.size() + " published, " + confirmed.size() + " confirmed, " + nacked.size() + " nacked, "
        + unconfirmed.size() + " unconfirmed; connection "
        + (blocked == null ? "not blocked" : "blocked by the broker: " + blocked);
  }

  /** Ids handed to the client library for publishing (a live view). */
  public Set<Long> published() {
    return published;
  }

  /** Ids the broker confirmed (a live view). */
  public Set<Long> confirmed() {
    return confirmed;
  }

  /** Ids the broker nacked (a live view). */
  public Set<Long> nacked() {
    return nacked;
  }
}
