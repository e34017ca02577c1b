package io.warren.protocol.method;

import io.warren.protocol.types.FieldTable;

/** {@code queue.bind} (50, 20); wire format in {@link MethodTable}. */
public record QueueBind(
    String queue,
    String exchange,
    String routingKey,
    boolean noWait,
    FieldTable arguments)
    implements AmqpMethod {}
