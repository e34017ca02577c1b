package io.warren.protocol.method;

/** {@code basic.publish} (60, 40), carries content; wire format in {@link MethodTable}. */
public record BasicPublish(
    String exchange,
    String routingKey,
    boolean mandatory,
    boolean immediate)
    implements AmqpMethod {}
