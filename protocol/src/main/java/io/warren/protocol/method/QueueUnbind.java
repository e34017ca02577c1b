package io.warren.protocol.method;

import io.warren.protocol.types.FieldTable;

/** {@code queue.unbind} (50, 50); wire format in {@link MethodTable}. */
public record QueueUnbind(
    String queue,
    String exchange,
    String routingKey,
    FieldTable arguments)
    implements AmqpMethod {}
