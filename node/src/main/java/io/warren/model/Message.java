package io.warren.model;

import java.util.Objects;

/**
 * A published message as the broker keeps it: where it was published to, the raw content-header
 * property bytes (flags and list exactly as published, so delivery is byte-for-byte), the body,
 * and the few parsed properties routing and queues need. Immutable; shared by every queue it is
 * routed to.
 *
 * @param properties raw property bytes; never modified after construction
 * @param headers the parsed {@code headers} property, or {@link Arguments#EMPTY}
 * @param expiration the {@code expiration} property (a per-message TTL in milliseconds, as the
 *     front end checked it with {@link Expiration#parse}), or null
 * @param priority the {@code priority} property (0..255), 0 when absent; parsed once by the front
 *     end so that a priority queue never reads the raw properties
 */
public record Message(
    String exchange, String routingKey, byte[] properties, MessageBody body, Arguments headers, boolean persistent,
    String expiration, int priority) {
  public Message {
    Objects.requireNonNull(exchange);
    Objects.requireNonNull(routingKey);
    Objects.requireNonNull(properties);
    Objects.requireNonNull(body);
    Objects.requireNonNull(headers);
    if (priority < 0 || priority > MAX_PRIORITY) {
      throw new IllegalArgumentException("priority " + priority + " is not an octet");
    }
  }

  /** The highest {@code priority} property a message may have (an octet). */
  public static final int MAX_PRIORITY = 255;

  /** A message without a priority property. */
  public Message(
      String exchange, String routingKey, byte[] properties, MessageBody body, Arguments headers, boolean persistent,
      String expiration) {
    this(exchange, routingKey, properties, body, headers, persistent, expiration, 0);
  }

  /** A message without an expiration property. */
  public Message(
      String exchange, String routingKey, byte[] properties, MessageBody body, Arguments headers, boolean persistent) {
    this(exchange, routingKey, properties, body, headers, persistent, null, 0);
  }

  /** The same message with its body somewhere else (on the heap again, or in a store). */
  public Message withBody(MessageBody newBody) {
    return new Message(exchange, routingKey, properties, newBody, headers, persistent, expiration, priority);
  }

  /** The per-message TTL in milliseconds, or -1 when it has none. */
  public long ttl() {
    return expiration == null ? -1 : Expiration.millisOrNone(expiration);
  }

  /** Bytes of message one unit of a consumer's transmission credit stands for. */
  public static final int CREDIT_UNIT_BYTES = 4096;

  /**
   * The transmission credit a delivery of this message uses: one unit per started 4 KiB, at least
   * one, so credit bounds the bytes in flight to a consumer as well as the count.
   */
  public int creditUnits() {
    return 1 + (int) (size() / CREDIT_UNIT_BYTES);
  }

  /** Total size for accounting: properties plus body. */
  public long size() {
    return (long) properties.length + body.size();
  }
}
