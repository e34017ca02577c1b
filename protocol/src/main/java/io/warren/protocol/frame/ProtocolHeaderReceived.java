package io.warren.protocol.frame;

/**
 * Emitted by {@link AmqpFrameDecoder} once the client sent {@code AMQP 0 0 9 1}: the server now
 * sends connection.start.
 */
public record ProtocolHeaderReceived() {
  public static final ProtocolHeaderReceived INSTANCE = new ProtocolHeaderReceived();
}
