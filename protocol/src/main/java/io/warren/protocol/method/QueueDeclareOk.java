package io.warren.protocol.method;

/** {@code queue.declare-ok} (50, 11); wire format in {@link MethodTable}. */
public record QueueDeclareOk(
    String queue,
    long messageCount,
    long consumerCount)
    implements AmqpMethod {}
