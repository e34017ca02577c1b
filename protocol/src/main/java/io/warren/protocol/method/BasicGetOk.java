package io.warren.protocol.method;

/** {@code basic.get-ok} (60, 71), carries content; wire format in {@link MethodTable}. */
public record BasicGetOk(
    long deliveryTag,
    boolean redelivered,
    String exchange,
    String routingKey,
    long messageCount)
    implements AmqpMethod {}
