package io.warren.protocol.method;

import io.warren.protocol.types.FieldTable;

/** {@code queue.declare} (50, 10); wire format in {@link MethodTable}. */
public record QueueDeclare(
    String queue,
    boolean passive,
    boolean durable,
    boolean exclusive,
    boolean autoDelete,
    boolean noWait,
    FieldTable arguments)
    implements AmqpMethod {}
