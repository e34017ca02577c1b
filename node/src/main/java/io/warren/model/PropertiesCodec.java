package io.warren.model;

/**
 * Rewrites a message's raw content-header properties. The model decides what changes (dead
 * lettering adds {@code x-death} and drops the expiration; a quorum-style queue tells a consumer
 * the {@code x-delivery-count}); the byte format is the protocol's, implemented at the edge, so the
 * model stays free of the wire codec.
 */
public interface PropertiesCodec {
  /**
   * {@code properties} with the headers property replaced by {@code headers} (removed when empty)
   * and, when {@code dropExpiration}, without the expiration property; everything else as it was.
   * A pure function: the same input gives the same bytes on every replica.
   */
  byte[] withHeaders(byte[] properties, Arguments headers, boolean dropExpiration);

  /**
   * The property {@code name} of {@code properties} as text ({@code message_id}, {@code
   * correlation_id}, or {@code timestamp} as its seconds), or null when the message has none. A
   * pure function, for routing that looks at properties (a consistent-hash exchange's {@code
   * hash-property}).
   */
  default String property(byte[] properties, String name) {
    throw new IllegalStateException("this broker was made without a PropertiesCodec");
  }

  /** For brokers that never rewrite a message (tests of other features). */
  PropertiesCodec UNSUPPORTED = (properties, headers, dropExpiration) -> {
    throw new IllegalStateException("this broker was made without a PropertiesCodec");
  };
}
