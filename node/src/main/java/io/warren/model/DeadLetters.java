package io.warren.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dead lettering as RabbitMQ 3.10 does it: what a message looks like when it leaves a queue for
 * its dead-letter exchange, and which queues it may not reach again (cycles).
 *
 * <p>The message is republished to the dead-letter exchange, with the queue's dead-letter routing
 * key if it has one (the {@code CC} header then goes), without its expiration property (so that it
 * does not expire again), and with its history in the headers: {@code x-death} is an array of
 * tables, most recent first, one per (queue, reason) with a {@code count}; the first death also
 * sets {@code x-first-death-reason}, {@code -queue} and {@code -exchange}, which never change after.
 * A repeated death in the same queue for the same reason increments that entry's count and moves
 * it to the front, keeping its other fields (time, exchange, routing keys) from the first time.
 */
final class DeadLetters {
  private DeadLetters() {}

  /** Why a message died: the {@code reason} field of its {@code x-death} entry. */
  enum Reason {
    /** basic.reject or basic.nack with requeue=false. */
    REJECTED("rejected"),
    /** Its TTL ran out. */
    EXPIRED("expired"),
    /** The queue was over its length limit. */
    MAXLEN("maxlen"),
    /** It came back to the queue more often than the delivery limit allows. */
    DELIVERY_LIMIT("delivery_limit");

    final String wireName;

    Reason(String wireName) {
      this.wireName = wireName;
    }
  }

  /**
   * The message {@code m} becomes when it dies in {@code queue} at {@code nowMillis}.
   *
   * @param deadLetterExchange where it goes (the empty string is the default exchange)
   * @param deadLetterRoutingKey the routing key it goes with, or null for its own
   */
  static Message deadLettered(Message m, Reason reason, QueueName queue, String deadLetterExchange,
      String deadLetterRoutingKey, long nowMillis, PropertiesCodec codec) {
    Map<String, Object> headers = new LinkedHashMap<>(m.headers().asMap());
    Map<String, Object> death = new LinkedHashMap<>();
    death.put("count", 1L);
    death.put("reason", reason.wireName);
    death.put("queue", queue.name());
    death.put("time", new Arguments.Timestamp(Math.floorDiv(nowMillis, 1000)));
    death.put("exchange", m.exchange());
    death.put("routing-keys", routingKeys(m));
    if (m.expiration() != null) {
      death.put("original-expiration", m.expiration());
    }
    if (headers.get("x-death") instanceof List<?> earlier) {
      List<Object> deaths = new ArrayList<>(earlier.size() + 1);
      Arguments again = null;
      for (Object d : earlier) {
        if (again == null && d instanceof Arguments t && queue.name().equals(t.getString("queue"))
            && reason.wireName.equals(t.getString("reason"))) {
          again = t;
        } else {
          deaths.add(d);
        }
      }
      deaths.add(0, again == null ? Arguments.of(death) : countedAgain(again));
      headers.put("x-death", deaths);
    } else {
      headers.put("x-first-death-reason", reason.wireName);
      headers.put("x-first-death-queue", queue.name());
      headers.put("x-first-death-exchange", m.exchange());
      headers.put("x-death", List.of(Arguments.of(death)));
    }
    if (deadLetterRoutingKey != null) {
      headers.remove("CC");
    }
    Arguments newHeaders = Arguments.of(headers);
    return new Message(deadLetterExchange, deadLetterRoutingKey != null ? deadLetterRoutingKey : m.routingKey(),
        codec.withHeaders(m.properties(), newHeaders, true), m.body(), newHeaders, m.persistent(), null,
        m.priority());
  }

  /**
   * Whether a dead-lettered message reaching {@code queue} would go round a cycle of dead
   * lettering that no client took part in: it died in that queue before, and neither that death nor
   * any since was a rejection. Such a message is not enqueued there again (RabbitMQ drops it).
   */
  static boolean isCycle(Arguments headers, String queue) {
    if (!(headers.get("x-death") instanceof List<?> deaths)) {
      return false;
    }
    for (Object d : deaths) {
      // Anything but a table was put there by a client: the cycle was not fully automatic.
      if (!(d instanceof Arguments t) || Reason.REJECTED.wireName.equals(t.getString("reason"))) {
        return false;
      }
      if (queue.equals(t.getString("queue"))) {
        return true;
      }
    }
    return false;
  }

  /** The routing keys a message was published with: its own, then those of its {@code CC} header. */
  private static List<Object> routingKeys(Message m) {
    List<Object> keys = new ArrayList<>(2);
    keys.add(m.routingKey());
    if (m.headers().get("CC") instanceof List<?> cc) {
      for (Object k : cc) {
        if (k instanceof String || k instanceof Arguments.Bytes) {
          keys.add(k);
        }
      }
    }
    return keys;
  }

  private static Arguments countedAgain(Arguments death) {
    Map<String, Object> again = new LinkedHashMap<>(death.asMap());
    long count = death.get("count") instanceof Number n ? n.longValue() : 0;
    again.put("count", count + 1);
    return Arguments.of(again);
  }
}
