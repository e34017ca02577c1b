package io.warren.protocol.method;

/** {@code basic.cancel} (60, 30); wire format in {@link MethodTable}. */
public record BasicCancel(String consumerTag, boolean noWait) implements AmqpMethod {}
