package io.warren.protocol.method;

/** {@code basic.deliver} (60, 60), carries content; wire format in {@link MethodTable}. */
public record BasicDeliver(
    String consumerTag,
    long deliveryTag,
    boolean redelivered,
    String exchange,
    String routingKey)
    implements AmqpMethod {}
