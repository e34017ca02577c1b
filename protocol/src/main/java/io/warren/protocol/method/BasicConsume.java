package io.warren.protocol.method;

import io.warren.protocol.types.FieldTable;

/** {@code basic.consume} (60, 20); wire format in {@link MethodTable}. */
public record BasicConsume(
    String queue,
    String consumerTag,
    boolean noLocal,
    boolean noAck,
    boolean exclusive,
    boolean noWait,
    FieldTable arguments)
    implements AmqpMethod {}
